#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-replay.sh: memsimctl replay (Documentation/memsimctl.rst, "replay"):
# the exact round trip of memsim's own trace (CSV and NDJSON), each sample
# trace of userspace/examples/traces/ with outcomes worked out by hand from
# the placement rules, stop and --keep-going, the failure named by its
# place in the input and explained, malformed input, --device-size,
# --strategy, --record, the evidence.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

cp "$EXAMPLES"/traces/* . || exit 1

# jget KEY FILE: the first value of "KEY" in FILE (JSON), as written.
jget() {
	grep -o "\"$1\":[^,}]*" "$2" | head -n 1 | cut -d: -f2-
}

# expect_json DESC FILE KEY=VALUE...: one case, every KEY as given.
expect_json() {
	_d=$1
	_f=$2
	shift 2
	_bad=
	for _kv in "$@"; do
		_k=${_kv%%=*}
		_v=${_kv#*=}
		_got=$(jget "$_k" "$_f")
		[ "$_got" = "$_v" ] || _bad="$_bad $_k=$_got (want $_v)"
	done
	if [ -z "$_bad" ]; then
		ok "$_d"
	else
		not_ok "$_d"
		echo "#$_bad"
		_tap_show "$_f" "JSON:"
	fi
}

# replay_json OUT ARGS...: the summary object of "replay --json ARGS" in OUT
# (the failure objects before it in OUT.all), standard error in OUT.err,
# the exit status in $rc.
replay_json() {
	_o=$1
	shift
	ctl replay --json "$@" > "$_o.all" 2> "$_o.err" < /dev/null
	rc=$?
	grep '"cmd":"replay"' "$_o.all" > "$_o"
}

# expect_rc DESC N: the exit status of the last replay_json was N.
expect_rc() {
	if [ "$rc" -eq "$2" ]; then
		ok "$1 exits $2"
	else
		not_ok "$1 exits $2"
		echo "# got $rc"
		_tap_show "$_o.err" "stderr:"
	fi
}

# allocs FILE: the addresses of the alloc records of a --record file.
allocs() {
	awk -F, '$3 == "alloc" { printf "%s ", $4 }' "$1"
}

# cols FILE: the columns of a memsim trace that a replay reproduces
# (seq, op, addr, size, requested, align, stream, segment, strategy, tag,
# flags, error; not the time, the process or the label).
cols() {
	cut -d, -f1,3-13 "$1"
}

# ---------------------------------------------------------------------------
# memsim's own trace: the samples.  sample.msim recorded: segments of 256 KiB
# at 1 MiB (stream 0) and 2 MiB (stream 1); w 64K at 0x100000, a 16K align
# 4K at 0x200000, t 5000 topdown at 0x140000 - 5000 = 0x13ec78, f 4K fixed
# at 0x220000: 91016 bytes, the peak.  a and t go (deferred); then 512K on
# stream 1 fails (line 19 of memsim.csv, seq 17): stream 1 has 128K free at
# 0x200000 and 124K after f, 252K in 2 blocks, 1 - 128/252 = 49.2%; stream
# 0 has 192K free after w.  Then f, best fit, b 8K at 0x110000 (any: the
# trace says stream 0), frees, a reset that keeps the segments, a release.

for f in memsim.csv memsim.ndjson memsim-debugfs.tsv; do
	replay_json kg.json --keep-going --record rec.csv "$f"
	expect_rc "replay --keep-going $f" 1
	expect_json "replay --keep-going $f: the counters" kg.json \
		'format="memsim-'"$(case $f in *.ndjson) echo ndjson ;; *) echo csv ;; esac)"'"' \
		strategy='"first"' events=18 replayed=18 stopped=false allocs=6 \
		allocs_ok=5 failures=1 failures_nospc=1 recorded_failures=1 recorded_ok=0 \
		frees=3 deferred=2 completions=2 skipped_frees=0 unknown_frees=0 \
		segments=2 segments_released=1 strategy_changes=1 resets=1 \
		placed_as_traced=5 placed_elsewhere=0 peak_allocated=91016 \
		peak_requested=91016 final_allocated=0
	# The replay's own trace is the recorded one, record for record.
	cols memsim.csv > want.cols
	cols rec.csv > got.cols
	if cmp -s want.cols got.cols; then
		ok "replay $f --record: the records of memsim.csv"
	else
		not_ok "replay $f --record: the records of memsim.csv"
		diff want.cols got.cols | sed 's/^/# /'
	fi
done

replay_json stop.json memsim.csv
expect_rc "replay memsim.csv" 1
expect_json "replay memsim.csv stops at the failure" stop.json \
	replayed=11 stopped=true allocs=5 allocs_ok=4 failures=1 \
	recorded_failures=1 deferred=2 completions=2 frees=0 segments=2
expect_err_exact ctl replay --no-evidence memsim.csv <<'EOF'
memsim.csv:19: alloc 512 KiB stream=1: no space: 252 KiB free in stream 1 (2 blocks), largest free block 128 KiB, external fragmentation 49.2%; 192 KiB free in other streams (failed in the trace too)
  the 3 largest blocks free or waiting for their free:
  0x110000 192 KiB (segment 1, stream 0): other stream
  0x200000 128 KiB (segment 2, stream 1): too small
  0x221000 124 KiB (segment 2, stream 1): too small
memsimctl: replay stopped at memsim.csv:19 (event 11 of 18); --keep-going replays the rest
EOF
# The failure in JSON: where, the event's number, the kernel's figures.
replay_json kgj.json --keep-going memsim.ndjson
if grep -q '^{"failure":{"where":"memsim.ndjson:18","event":11,"kind":"alloc_failed","errno":"ENOSPC","recorded":true,' kgj.json.all &&
   grep -q '^{"explain":{"where":"memsim.ndjson:18","size":524288,"align":0,"stream":1,.*"free_bytes":258048,"free_blocks":2,"largest_free":131072,' kgj.json.all; then
	ok "replay --json: the failure and its explanation"
else
	not_ok "replay --json: the failure and its explanation"
	_tap_show kgj.json.all "stdout:"
fi

# --strategy: the trace's own strategy change is not played.
replay_json worst.json --keep-going --strategy worst memsim.csv
expect_json "replay --strategy worst memsim.csv" worst.json strategy='"worst"' \
	strategy_changes=0 strategies_ignored=1 allocs=6

# --device-size with memsim's trace: one segment of 4 MiB at 0, requests
# on any stream, the 3 segment events not played.  First fit: w at 0, a
# (4K-aligned) at 0x10000, t topdown at 4M - 5000 = 0x3fec78, f at its
# fixed 0x220000.  a and t go; the 512K request the trace saw fail on
# stream 1 now fits, in the lowest hole: 0x10000 (to 0x90000).  f goes;
# best fit puts b's 8K in the one hole left, from 0x90000.
replay_json dev.json --device-size 4M --record drec.csv memsim.csv
expect_rc "replay --device-size 4M memsim.csv" 0
expect_json "replay --device-size 4M memsim.csv" dev.json device_size=4194304 \
	segments=1 segments_ignored=3 failures=0 recorded_failures=1 recorded_ok=1 \
	placed_as_traced=0 placed_elsewhere=0
if [ "$(allocs drec.csv)" = "0x0 0x10000 0x3fec78 0x220000 0x10000 0x90000 " ]; then
	ok "replay --device-size 4M memsim.csv: the addresses"
else
	not_ok "replay --device-size 4M memsim.csv: the addresses"
	echo "# got $(allocs drec.csv)"
fi

# ---------------------------------------------------------------------------
# RMM: one segment of --device-size at 0, requests on any stream aligned to
# 256.  First fit: 1M at 0, 256K at 0x100000, 4K at 0x140000, 512K at
# 0x141000 (peak 0x1c1000 = 1839104 bytes); the 4K goes; 8 GiB fails
# (line 7): 16M - 1.75M = 14942208 bytes free, 4K at 0x140000 and the
# rest from 0x1c1000, frag 4096/14942208 = 274 ppm = 0.0%.  Then 2048 into
# the 4K hole at 0x140000 (best fit too: the smallest hole; worst fit: the
# largest block, at 0x1c1000), and the frees.

expect_exit 2 ctl replay rmm.csv
expect_err 'rmm.csv: the trace creates no segment \(an RMM log never does\): give --device-size SIZE' \
	ctl replay rmm.csv
replay_json rmm.json --device-size 16M rmm.csv
expect_rc "replay --device-size 16M rmm.csv" 1
expect_json "replay --device-size 16M rmm.csv stops at line 7" rmm.json \
	format='"rmm"' replayed=6 stopped=true allocs=5 allocs_ok=4 failures=1 frees=1
expect_err_exact ctl replay --device-size 16M --no-evidence rmm.csv <<'EOF'
rmm.csv:7: alloc 8 GiB align=256 B: no space: 14.2 MiB free in all streams (2 blocks), largest free block 14.2 MiB, external fragmentation 0.0% (failed in the trace too)
  the 2 largest blocks free or waiting for their free:
  0x1c1000 14.2 MiB (segment 1, stream 0): too small
  0x140000 4 KiB (segment 1, stream 0): too small
memsimctl: replay stopped at rmm.csv:7 (event 6 of 11); --keep-going replays the rest
EOF
for s in first best worst; do
	replay_json rmmk.json --device-size 16M --keep-going --strategy $s --record rrec.csv rmm.csv
	expect_json "replay --keep-going --strategy $s rmm.csv" rmmk.json \
		strategy="\"$s\"" replayed=11 stopped=false allocs=6 allocs_ok=5 failures=1 \
		recorded_failures=1 frees=5 skipped_frees=0 unknown_frees=0 \
		peak_allocated=1839104 peak_requested=1839104 final_allocated=0
	want="0x0 0x100000 0x140000 0x141000 0x140000 "
	[ $s = worst ] && want="0x0 0x100000 0x140000 0x141000 0x1c1000 "
	if [ "$(allocs rrec.csv)" = "$want" ]; then
		ok "replay --strategy $s rmm.csv: the addresses"
	else
		not_ok "replay --strategy $s rmm.csv: the addresses"
		echo "# got $(allocs rrec.csv), want $want"
	fi
done

# A device of 1 MiB: the first 1M fills it, every later allocation fails
# (5, one of them recorded), their 4 frees are skipped, and the 1M is freed.
replay_json small.json --device-size 1M --keep-going rmm.csv
expect_json "replay --device-size 1M --keep-going rmm.csv" small.json \
	allocs=6 allocs_ok=1 failures=5 recorded_failures=1 frees=1 skipped_frees=4 \
	peak_allocated=1048576
if grep -q '^memsimctl: 4 frees of allocations that failed now were skipped$' small.json.err &&
   grep -q '^memsimctl: 5 events failed; the first: rmm.csv:3: alloc 256 KiB align=256 B: no space: 0 B free in all streams (0 blocks)' small.json.err; then
	ok "replay --keep-going: the failures and the skipped frees counted"
else
	not_ok "replay --keep-going: the failures and the skipped frees counted"
	_tap_show small.json.err "stderr:"
fi

# More than 10 failures: the first 10 are printed, the others counted.
{
	echo "Thread,Time,Action,Pointer,Size,Stream"
	i=0
	while [ $i -lt 12 ]; do
		echo "1,10:00:0$((i / 10)).$((i % 10))00000,allocate,0x$((i + 1))000000,2097152,0x0"
		i=$((i + 1))
	done
} > many.csv
replay_json many.json --device-size 1M --keep-going --no-evidence many.csv
if [ "$(grep -c ': no space: ' many.json.err)" -eq 11 ] &&
   grep -q '^memsimctl: more failures are counted, not shown$' many.json.err &&
   [ "$(jget failures many.json)" = 12 ]; then
	ok "replay --keep-going: 10 failures shown, 12 counted"
else
	not_ok "replay --keep-going: 10 failures shown, 12 counted"
	_tap_show many.json.err "stderr:"
fi

# Several strategies: compare's runner (compare --trace), a process and an
# instance each, a row each.  On a 16 MiB device every strategy places the
# five allocations that fit (each into the one free block, or the 4K hole
# for the 2048 bytes (TLSF too: the lowest class at or above 2048's), or,
# worst fit, the tail), so each sees the one failure at line 7 and the
# same peaks.
ctl replay --json --device-size 16M --strategy all rmm.csv > all.json 2> all.err
grep '^{"cmd":"compare","strategy"' all.json > rows.json
if [ "$(wc -l < rows.json)" -eq 6 ] &&
   [ "$(sed 's/^{"cmd":"compare","strategy":"\([a-z]*\)".*/\1/' rows.json | tr '\n' ' ')" = 'first best worst next buddy tlsf ' ] &&
   [ "$(grep -c '"failures":1,"errors":1,"peak_allocated":1839104,"peak_requested":1839104,' rows.json)" -eq 6 ] &&
   [ "$(grep -c '"first_failure":{"where":"rmm.csv:7","message":"alloc 8 GiB align=256 B: no space: ' rows.json)" -eq 6 ]; then
	ok "replay --strategy all --json: compare's row per strategy"
else
	not_ok "replay --strategy all --json: compare's row per strategy"
	_tap_show all.json "stdout:"
	_tap_show all.err "stderr:"
fi
ctl replay --device-size 16M --strategy first,worst rmm.csv > list.out 2> list.err
if grep -q '^first  *1  *1.8 MiB  *1.8 MiB ' list.out && grep -q '^worst  *1  *1.8 MiB  *1.8 MiB ' list.out &&
   grep -q '^  worst: rmm.csv:7: alloc 8 GiB align=256 B: no space: 14.2 MiB free in all streams (2 blocks)' list.out; then
	ok "replay --strategy first,worst: compare's table"
else
	not_ok "replay --strategy first,worst: compare's table"
	_tap_show list.out "stdout:"
	_tap_show list.err "stderr:"
fi
expect_exit 2 ctl replay --device 1 --strategy all pytorch.json
expect_exit 2 ctl replay --evidence e.txt --strategy all memsim.csv

# rmm-variants.csv: 256 at 0, 512 at 0x100; 1 TiB fails (recorded too);
# the last free names a pointer never allocated.
replay_json var.json --device-size 1M --keep-going rmm-variants.csv
expect_json "replay --keep-going rmm-variants.csv" var.json \
	events=6 allocs=3 allocs_ok=2 failures=1 recorded_failures=1 frees=2 \
	unknown_frees=1 peak_allocated=768

# ---------------------------------------------------------------------------
# PyTorch, device 0: segment A (2 MiB at 0x7f0000000000, stream 0) before
# the trace, with X (1000 bytes at A) and Y (512 at A + 0x1000, its free
# pending) placed there; X goes; segment B (20 MiB, stream 1); 4M and 1M at
# B (first fit); 512 and 2048 at A and A + 0x200 (peak: 512 + 4M + 1M +
# 512 + 2048 = 5245952); the 4M goes; 32 GiB fails (device_traces[0][9]):
# stream 0 has 0x600 free after the 2048 and 0x1fee00 after Y, 2094080
# bytes, frag 1536/2094080 = 733 ppm = 0.1%, Y's 512 pending, 19 MiB free
# in stream 1.  A marker, segment C made and released, the 1M's free
# requested, Y's completed: 1M + 2560 = 1051136 bytes at the end, free
# 0x1ff600 in A and 4M + 15M in B: 1 - 15M / 22017536 = 28.56%.
replay_json pyt.json --keep-going pytorch.json
expect_json "replay --keep-going pytorch.json" pyt.json format='"pytorch"' \
	events=18 replayed=18 allocs=7 allocs_ok=6 failures=1 recorded_failures=1 \
	frees=1 deferred=3 completions=2 segments=3 segments_released=1 markers=1 \
	placed_as_traced=6 placed_elsewhere=0 peak_allocated=5245952 \
	peak_requested=5245952 final_allocated=1051136 final_frag_ppm=285631
if head -n 1 pyt.json.err | grep -qx 'memsimctl: pytorch.json:device_traces\[0\]\[9\]: alloc 32 GiB align=512 B stream=0: no space: 2.0 MiB free in stream 0 (2 blocks), largest free block 2.0 MiB, external fragmentation 0.1%; 512 B waiting for deferred frees to complete; 19 MiB free in other streams (failed in the trace too)'; then
	ok "replay pytorch.json: the failure named device_traces[0][9]"
else
	not_ok "replay pytorch.json: the failure named device_traces[0][9]"
	_tap_show pyt.json.err "stderr:"
fi
# Device 1: 1M at E; a second map of 2M at E + 2M; the 2M allocation the
# trace put across both maps cannot be: it goes into the second map.
replay_json pyt1.json --device 1 pytorch.json
expect_rc "replay --device 1 pytorch.json" 0
expect_json "replay --device 1 pytorch.json" pyt1.json events=6 allocs=2 \
	segments=2 segments_released=1 placed_as_traced=1 placed_elsewhere=1 \
	where='"pytorch.json:device_traces[1][3]"' addr=139706698301440 \
	traced=139706697252864 peak_allocated=3145728

# ---------------------------------------------------------------------------
# Malformed input: the reader's FILE:LINE message, exit 1, and the device is
# not even opened (a device that does not exist is not reached).
printf 'Thread,Time,Action,Pointer,Size,Stream\n1,10:00:00.0,allocate,0x10,4096,0x0\n1,10:00:00.1,alocate,0x20,64,0x0\n' > bad.csv
expect_exit 1 ctl replay --device-size 1M bad.csv
expect_err_exact ctl --dev /nonexistent replay --device-size 1M bad.csv <<'EOF'
bad.csv:3: unknown action "alocate" (allocate, free, deallocate or allocate failure)
EOF
sed '5s/^3,/1,/' memsim.csv > order.csv
expect_err_exact ctl --dev /nonexistent replay order.csv <<'EOF'
order.csv:5: seq 1 after 2: the records are out of order
EOF
echo '{"segments": [' > trunc.json
expect_err '^trunc.json:[0-9]+: invalid JSON: ' ctl --dev /nonexistent replay trunc.json
expect_exit 2 ctl replay --format nope memsim.csv
expect_exit 2 ctl replay --strategy first,bogus memsim.csv
expect_exit 2 ctl replay --record r.csv --strategy all memsim.csv
expect_exit 2 ctl replay --evidence e.txt --no-evidence memsim.csv

# ---------------------------------------------------------------------------
# The evidence of the first failure: the instance as it stood then.
ctl replay --device-size 16M --evidence ev.txt rmm.csv > /dev/null 2> ev.err
if grep -q '^rmm.csv:7: alloc 8 GiB align=256 B: no space: ' ev.txt &&
   grep -q '^== blocks$' ev.txt && grep -q '^1	0x0	262144	#####+#+\.*$' ev.txt &&
   grep -q 'alloc_fail,0x0,0,8589934592,256,any,' ev.txt &&
   grep -q '^memsimctl: the instance at the failure (summary, map, blocks, last 32 trace records): ev.txt$' ev.err; then
	ok "replay --evidence: the instance at the failure"
else
	not_ok "replay --evidence: the instance at the failure"
	_tap_show ev.txt "ev.txt:"
	_tap_show ev.err "stderr:"
fi
rm -f nev.txt
ctl replay --device-size 16M --no-evidence rmm.csv > /dev/null 2> nev.err
if ! grep -q 'the instance at the failure' nev.err; then
	ok "replay --no-evidence: none kept"
else
	not_ok "replay --no-evidence: none kept"
fi
# No progress line when standard error is not a terminal.
if ! grep -q 'events/s' nev.err; then
	ok "replay: no progress line on a file"
else
	not_ok "replay: no progress line on a file"
fi

# ---------------------------------------------------------------------------
# The round trip: a script recorded with "memsimctl trace", as CSV and as
# NDJSON, replayed under its own strategies: every record (the allocations'
# addresses, the splits and coalesces they cause) and the instance's
# counters at the end are those of the recorded run.  Three streams,
# requests on any stream (MEMSIM_TRACE_ANY_STREAM), alignment, top-down, a
# fixed address with a tag, deferred frees completed by hand and by sync,
# best, worst and next fit, failures (a fixed request at a used address,
# one on any stream, one on a stream), the buddy system.
msim rt.msim <<'EOF'
segment 1M 512K as s0
segment 4M 512K stream=1 as s1
segment 8M 256K stream=2 as s2
alloc 64K stream=0 as a
expect-error ENOSPC alloc 4K fixed=0x100000 stream=0
expect-error ENOSPC alloc 1M
alloc 10000 align=4K stream=1 as b
alloc 3000 stream=2 topdown as c
alloc 128K as d
alloc 4K fixed=0x420000 stream=1 tag=7 as f
free $a defer
alloc 32K stream=0 as e
complete $a
free $b defer
sync 1
strategy best
alloc 8K stream=0 as g
alloc 8K align=1K stream=2 as h
free $d
free $c
strategy worst
alloc 20K stream=0 as i
expect-error ENOSPC alloc 1M stream=2
strategy next
alloc 4K stream=1 as j
alloc 4K stream=1 as k
free $e defer
free $j
complete $e
free $f
free $g
free $h
free $i
free $k
strategy buddy 4K
alloc 5K stream=0 as p
alloc 100K stream=1 as q
alloc 4K align=64K stream=2 as r
free $q
free $p defer
complete $p
EOF
{ cat rt.msim; echo summary; } > rt-sum.msim
ctl --json run rt-sum.msim | grep '"cmd":"summary"' | grep -o '"usage":{[^}]*}' > rt.usage
ctl trace --format csv rt.msim > rt.csv
ctl trace --format ndjson rt.msim > rt.ndjson
# What the module records for it: the any-stream bit, a failed fixed
# request's address.
if grep -q '^[0-9]*,[0-9]*,alloc,0x110000,131072,131072,0,0,1,first,0x0,0x80000000,0,' rt.csv &&
   grep -q '^[0-9]*,[0-9]*,alloc_fail,0x100000,0,4096,0,0,0,first,0x0,0x4,-28,' rt.csv &&
   grep -q '^[0-9]*,[0-9]*,alloc_fail,0x0,0,1048576,0,any,0,first,0x0,0x80000000,-28,' rt.csv; then
	ok "round trip: the trace has the requests on any stream and the failed fixed address"
else
	not_ok "round trip: the trace has the requests on any stream and the failed fixed address"
	_tap_show rt.csv "rt.csv:"
fi
for f in rt.csv rt.ndjson; do
	replay_json rt.json --keep-going --record rt.rec "$f"
	expect_json "round trip $f: every allocation at its traced address" rt.json \
		allocs=17 allocs_ok=14 failures=3 recorded_failures=3 placed_as_traced=14 \
		placed_elsewhere=0 deferred=4 completions=4 strategy_changes=4 errors=0
	cols rt.csv > want.cols
	cols rt.rec > got.cols
	if [ "$(wc -l < want.cols)" -gt 40 ] && cmp -s want.cols got.cols; then
		ok "round trip $f: the replay's trace is the recorded one"
	else
		not_ok "round trip $f: the replay's trace is the recorded one"
		diff want.cols got.cols | sed 's/^/# /'
	fi
	grep -o '"usage":{[^}]*}' rt.json > rt.rusage
	if [ -s rt.usage ] && cmp -s rt.usage rt.rusage; then
		ok "round trip $f: the summary is the recorded run's"
	else
		not_ok "round trip $f: the summary is the recorded run's"
		_tap_show rt.usage "recorded:"
		_tap_show rt.rusage "replayed:"
	fi
done

# ---------------------------------------------------------------------------
# A larger trace (rmm-gen.awk, 10,000 events, about 500 live): it runs
# whole, in batches of more than a few operations.
awk -v n=10000 -f "$CTLTEST_DIR/rmm-gen.awk" > gen.csv
replay_json gen.json --device-size 256M gen.csv
expect_rc "replay --device-size 256M gen.csv" 0
b=$(jget batches gen.json)
expect_json "replay gen.csv: every event" gen.json events=10000 replayed=10000 \
	failures=0 errors=0 skipped_frees=0 unknown_frees=0
if [ -n "$b" ] && [ "$b" -gt 0 ] && [ $((10000 / b)) -ge 8 ]; then
	ok "replay gen.csv: $b batches (at least 8 events each)"
else
	not_ok "replay gen.csv: $b batches (at least 8 events each)"
fi

done_testing
