#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-messages.sh: what memsimctl says when something is wrong
# (Documentation/memsimctl.rst, Messages): file:line prefixes, the argument
# at fault, memsim's own words for the kernel's errors, "did you mean",
# the device missing, the number grammar, --version, help COMMAND, and
# summary --instance.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# One line of script after a 1 MiB segment at 0: its error on stderr.
# say NAME LINES...: write NAME.msim with the lines, one per argument.
say() {
	_name=$1
	shift
	printf '%s\n' "$@" > "$T/$_name.msim"
}

# file:line, for a file and for standard input ("-").
say where 'segment 0 1M' 'alloc 0'
expect_err_exact ctl run --no-evidence where.msim <<'E'
where.msim:2: alloc: size 0: must be at least 1
E
from_stdin() {
	printf 'segment 0 1M\n\nalloc 4K align=3000\n' | ctl run --no-evidence -
}
expect_err_exact from_stdin <<'E'
-:3: alloc: align=3000: not a power of two
E
expect_exit 1 ctl run where.msim

# alloc and can-alloc: the argument at fault.
say a1 'segment 0 1M' 'alloc 4K flags=0x80'
expect_err_exact ctl run --no-evidence a1.msim <<'E'
a1.msim:2: alloc: flags: unknown bits 0x80 (known: 0x1 topdown, 0x2 range=, 0x4 fixed=)
E
say a2 'segment 0 1M' 'alloc 4K range=64K:64K'
expect_err_exact ctl run --no-evidence a2.msim <<'E'
a2.msim:2: alloc: range=0x10000:0x10000: empty (LO must be below HI)
E
say a3 'segment 0 1M' 'alloc 4K fixed=0x1001 align=4K'
expect_err_exact ctl run --no-evidence a3.msim <<'E'
a3.msim:2: alloc: fixed=0x1001: not a multiple of align=4096
E
say a4 'segment 0 1M' 'alloc 8K fixed=0xfffffffffffff000'
expect_err_exact ctl run --no-evidence a4.msim <<'E'
a4.msim:2: alloc: fixed=0xfffffffffffff000: a block of 8192 bytes there would end past 2^64 - 1
E
say a5 'segment 0 1M' 'strategy buddy' 'alloc 5000 fixed=4K'
expect_err_exact ctl run --no-evidence a5.msim <<'E'
a5.msim:3: alloc: fixed=0x1000: the buddy system places a block of 8192 bytes (the size rounded up to a power of two) at a multiple of its size
E
say a6 'segment 0 1M' 'alloc 4K label=a_label_of_32_characters_is_long'
expect_err_exact ctl run --no-evidence a6.msim <<'E'
a6.msim:2: alloc: label=a_label_of_32_characters_is_long: 32 characters, at most 31
E
printf 'segment 0 1M\nalloc 4K label=caf\303\251\n' > "$T/a7.msim"
expect_err_exact ctl run --no-evidence a7.msim <<'E'
a7.msim:2: alloc: label: byte 0xc3 is not printable ASCII
E
say a8 'segment 0 1M' 'can-alloc 0'
expect_err_exact ctl run --no-evidence a8.msim <<'E'
a8.msim:2: can-alloc: size 0: must be at least 1
E

# free and complete: memsim's words, from what the instance holds.
say f1 'segment 0 1M' 'free 0x200000'
expect_err_exact ctl run --no-evidence f1.msim <<'E'
f1.msim:2: free: no allocated block at 0x200000: no segment holds that address
E
say f2 'segment 0 1M' 'alloc 4K as a' 'free $a' 'free $a'
expect_err_exact ctl run --no-evidence f2.msim <<'E'
f2.msim:4: free: no allocated block at 0x0: it is free (never allocated, or already freed)
E
say f3 'segment 0 1M' 'alloc 4K as a' 'free $(a + 16)'
expect_err_exact ctl run --no-evidence f3.msim <<'E'
f3.msim:3: free: no allocated block at 0x10: it is inside the block at 0x0 (4096 bytes)
E
say f4 'segment 0 1M' 'alloc 4K as a' 'free $a defer' 'free $a'
expect_err_exact ctl run --no-evidence f4.msim <<'E'
f4.msim:4: free: block at 0x0 is already waiting for its free to complete (complete it, or sync its stream)
E
say f5 'segment 0 1M' 'alloc 4000 as a' 'free $a size=8K'
expect_err_exact ctl run --no-evidence f5.msim <<'E'
f5.msim:3: free: size=8192: the block at 0x0 has 4000 bytes, 4000 requested (give either, or no size)
E
say f6 'segment 0 1M' 'alloc 4K as a' 'free $a flags=0x80'
expect_err_exact ctl run --no-evidence f6.msim <<'E'
f6.msim:3: free: flags: unknown bits 0x80 (known: 0x1 defer)
E
say c1 'segment 0 1M' 'alloc 4K as a' 'complete $a'
expect_err_exact ctl run --no-evidence c1.msim <<'E'
c1.msim:3: complete: block at 0x0 is not waiting for its free: its free was not requested (free it with defer first)
E
say c2 'segment 0 1M' 'complete 0x1000'
expect_err_exact ctl run --no-evidence c2.msim <<'E'
c2.msim:2: complete: no allocated block at 0x1000: it is free (never allocated, or already freed)
E
# In a batch, from the errno alone.
say b1 'segment 0 1M' 'batch' 'free 0x5000' 'end'
expect_err_exact ctl run --no-evidence b1.msim <<'E'
b1.msim:3: free: no allocated block at 0x5000
E
# An expected failure says it in the same words; JSON adds "message".
say e1 'segment 0 1M' 'expect-error ENOENT free 0x5000'
expect_out ctl run e1.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
free 0x5000: failed as expected: ENOENT (no allocated block at 0x5000: it is free (never allocated, or already freed))
E
expect_out ctl --json run e1.msim <<'E'
{"line":1,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0}
{"line":2,"cmd":"free","ok":false,"errno":"ENOENT","error":"FREE: No such file or directory","message":"no allocated block at 0x5000: it is free (never allocated, or already freed)","expected":true}
E
say e2 'segment 0 1M' 'expect-error EBUSY alloc 0'
expect_err_exact ctl run --no-evidence e2.msim <<'E'
e2.msim:2: expected EBUSY, got EINVAL (size 0: must be at least 1)
E

# Segments, streams, strategies, the other calls.
say s1 'segment 4M 0'
expect_err_exact ctl run --no-evidence s1.msim <<'E'
s1.msim:1: segment: size 0: must be at least 1
E
say s2 'segment 0xfffffffffffff000 8K'
expect_err_exact ctl run --no-evidence s2.msim <<'E'
s2.msim:1: segment: [0xfffffffffffff000, +8192) wraps past 2^64 - 1
E
say s3 'segment 8M 1M stream=any'
expect_err_exact ctl run --no-evidence s3.msim <<'E'
s3.msim:1: segment: stream=any: a segment belongs to one stream
E
say s4 'segment 0 1M' 'segment 2M 1M' 'segment 512K 2M'
expect_err_exact ctl run --no-evidence s4.msim <<'E'
s4.msim:3: segment: [0x80000, 0x280000) overlaps segments 1, 2
E
say r1 'release 7'
expect_err_exact ctl run --no-evidence r1.msim <<'E'
r1.msim:1: release: no segment 7
E
say r2 'segment 0 1M as s' 'alloc 4K' 'release $s'
expect_err_exact ctl run --no-evidence r2.msim <<'E'
r2.msim:3: release: segment 1 has allocated blocks (or frees waiting to complete)
E
say y1 'sync 3'
expect_err_exact ctl run --no-evidence y1.msim <<'E'
y1.msim:1: sync: stream 3 has no segment
E
say t1 'segment 0 1M' 'alloc 4K' 'alloc 4K' 'strategy buddy'
expect_err_exact ctl run --no-evidence t1.msim <<'E'
t1.msim:4: strategy: entering or leaving the buddy system (or changing its minimum block) needs nothing allocated: 2 blocks are allocated or waiting for their free
E
say t2 'strategy first 64'
expect_err_exact ctl run --no-evidence t2.msim <<'E'
t2.msim:1: strategy: min=64: only the buddy system has a minimum block
E
say t3 'strategy buddy 100'
expect_err_exact ctl run --no-evidence t3.msim <<'E'
t3.msim:1: strategy: min=100: not a power of two
E
say t4 'strategy tlsf 8'
expect_err_exact ctl run --no-evidence t4.msim <<'E'
t4.msim:1: strategy: classes=8: TLSF has 16 or 32 classes per level
E
say t5 'segment 0 1M' 'strategy tlsf classes=32' 'alloc 4K' 'strategy first'
expect_err_exact ctl run --no-evidence t5.msim <<'E'
t5.msim:4: strategy: entering or leaving TLSF (or changing its classes) needs nothing allocated: 1 block is allocated or waiting for its free
E
say t6 'segment 0 1M' 'strategy tlsf' 'alloc 4K' 'strategy tlsf 16' 'strategy tlsf 32'
expect_err_exact ctl run --no-evidence t6.msim <<'E'
t6.msim:5: strategy: entering or leaving TLSF (or changing its classes) needs nothing allocated: 1 block is allocated or waiting for its free
E
say g1 'safe-range 0'
expect_err_exact ctl run --no-evidence g1.msim <<'E'
g1.msim:1: safe-range: size 0: must be at least 1
E
say g2 'safe-range 4K align=3K'
expect_err_exact ctl run --no-evidence g2.msim <<'E'
g2.msim:1: safe-range: align=3072: not a power of two
E
say g3 'safe-range 4K min=8M max=4M'
expect_err_exact ctl run --no-evidence g3.msim <<'E'
g3.msim:1: safe-range: min=0x800000 max=0x400000: empty (min must be below max)
E
say g4 'segment 0 1M' 'safe-range 8K max=1M'
expect_err_exact ctl run --no-evidence g4.msim <<'E'
g4.msim:2: safe-range: no gap of 8192 bytes between the segments in [0x0, 0x100000)
E
say m1 'segment 0 1M' 'simulate ops=0'
expect_err_exact ctl run --no-evidence m1.msim <<'E'
m1.msim:2: simulate: ops=0: must be at least 1
E
say m2 'segment 0 1M' 'simulate min=0'
expect_err_exact ctl run --no-evidence m2.msim <<'E'
m2.msim:2: simulate: min=0: must be at least 1
E
say m3 'segment 0 1M' 'simulate min=8K max=4K'
expect_err_exact ctl run --no-evidence m3.msim <<'E'
m3.msim:2: simulate: max=4096: below min=8192
E
say tr1 'trace on 0'
expect_err_exact ctl run --no-evidence tr1.msim <<'E'
tr1.msim:1: trace: capacity 0: must be at least 1
E
say tr2 'trace on 0x7fffffff'
expect_err "^tr2.msim:1: trace: capacity 2147483647: over the module's max_trace_records \([0-9]+\)$" \
	ctl run tr2.msim

# "did you mean": commands, options, script commands, script options.
expect_err_exact ctl sumary x.msim <<'E'
memsimctl: unknown command 'sumary' (did you mean 'summary'?)
E
expect_exit 2 ctl sumary x.msim
expect_err_exact ctl frobnicate <<'E'
memsimctl: unknown command 'frobnicate' ('memsimctl help' lists them)
E
expect_err_exact ctl simulate --sed 4 <<'E'
memsimctl: simulate: unknown option '--sed' (did you mean '--seed'?)
E
expect_exit 2 ctl simulate --sed 4
expect_err "^memsimctl: trace: unknown option '--capcity' \(did you mean '--capacity'\?\)$" \
	ctl trace --capcity 5 x.msim
expect_err "^memsimctl: unknown option '--jsno' \(did you mean '--json'\?\)$" ctl --jsno info
say d1 'segment 0 1M' 'aloc 4K'
expect_err_exact ctl run --no-evidence d1.msim <<'E'
d1.msim:2: unknown command 'aloc' (did you mean 'alloc'?)
E
say d2 'segment 0 1M' 'alloc 4K algin=4K'
expect_err_exact ctl run --no-evidence d2.msim <<'E'
d2.msim:2: alloc: unknown argument 'algin=4K' (did you mean 'align='?)
E
say d3 'segment 0 1M' 'alloc 4K as a' 'free $a defr'
expect_err_exact ctl run --no-evidence d3.msim <<'E'
d3.msim:3: free: unknown argument 'defr' (did you mean 'defer'?)
E
say d4 'segment 0 1M' 'alloc 4K colour=red'
expect_err_exact ctl run --no-evidence d4.msim <<'E'
d4.msim:2: alloc: unknown argument 'colour=red'
E
say d5 'repaet 3'
expect_err_exact ctl run --no-evidence d5.msim <<'E'
d5.msim:1: unknown command 'repaet' (did you mean 'repeat'?)
E

# Without the device.
expect_err_exact ctl --dev /nonexistent/memsim info <<'E'
memsimctl: /nonexistent/memsim not found: load the module (sudo insmod memsim.ko)
E
expect_exit 1 ctl --dev /nonexistent/memsim run where.msim
if mknod "$T/nodev" c 4095 4095 2> /dev/null; then
	expect_err_exact ctl --dev "$T/nodev" info <<E
memsimctl: $T/nodev: no memsim device behind it: load the module (sudo insmod memsim.ko)
E
else
	ok "# SKIP mknod of a device node without a driver"
fi

# Numbers: the grammar of Documentation/memsimctl.rst, Numbers.
say n1 'segment 0 1.5M as s' 'alloc 4KiB as a' 'alloc 4kb as b' 'alloc 0.5K as c' \
	'alloc 512B as d' 'alloc 0x1KiB as e' 'alloc 010 as f'
numbers() {
	ctl --json run n1.msim | sed -n 's/.*"size":\([0-9]*\),"addr".*/\1/p'
}
expect_out numbers <<'E'
4096
4096
512
512
1024
10
E
say n2 'segment 0 1.5M'
expect_out ctl run n2.msim <<'E'
segment 1: [0x0, 0x180000) 1.5 MiB, stream 0, device 0
E
say n3 'alloc 1.1K'
expect_err_exact ctl run --no-evidence n3.msim <<'E'
n3.msim:1: '1.1K' is not a whole number of bytes
E
say n4 'alloc 1.5'
expect_err_exact ctl run --no-evidence n4.msim <<'E'
n4.msim:1: '1.5' has a fraction but no unit (K, M, G, T or P)
E
say n5 'alloc 16384P'
expect_err_exact ctl run --no-evidence n5.msim <<'E'
n5.msim:1: '16384P' does not fit in 64 bits
E
say n6 'alloc 4Ki'
expect_err_exact ctl run --no-evidence n6.msim <<'E'
n6.msim:1: '4Ki' is not a number
E
expect_err_exact ctl simulate --max 1.1K <<'E'
memsimctl: simulate: --max: '1.1K' is not a whole number of bytes
E

# --version, help COMMAND.
expect_out sh -c "'$MEMSIMCTL' --version | grep -cE '^memsimctl [0-9]+\.[0-9]+\.[0-9]+ \(memsim ABI [0-9]+\)$'" <<'E'
1
E
expect_exit 0 ctl --version
help_head() {
	ctl help simulate | head -n 6
}
expect_out help_head <<'E'
usage: memsimctl simulate [OPTIONS]

the kernel's random workload on a fresh segment

options:
  --ops N                operations (default 10000)
E
same_help() {
	ctl help trace > "$T/h1" && ctl trace --help > "$T/h2" && cmp "$T/h1" "$T/h2" &&
		grep -E '^  --(capacity|stack|format) ' "$T/h1"
}
expect_out same_help <<'E'
  --capacity N           records the ring keeps (default 64K)
  --stack                record kernel stacks too
  --format csv|ndjson    CSV with a header line (default), or NDJSON
E
expect_err_exact ctl help sumary <<'E'
memsimctl: help: unknown command 'sumary' (did you mean 'summary'?)
E

# summary --instance: the table of "summary SCRIPT", for a live instance
# of another process.  The script holds its instance while it blocks on
# a full pipe (its echoes, after the work, are never read); instance ids
# and the strategies' ns columns are masked, and the buddy system's
# minimum block, which debugfs does not show.
# The 13 live blocks and 288 MiB + 1 allocated are reached only at its end.
sed '/^summary table/d' "$EXAMPLES/training-loop.msim" > "$T/work.msim"
echo 'alloc 1' >> "$T/work.msim"
{
	cat "$T/work.msim"
	echo 'repeat 4000'
	echo 'echo ........................................................................'
	echo 'end'
} > "$T/hold.msim"
mask() {
	sed -e 's/instance [0-9]*/instance N/' \
		-e 's/"instance_id":[0-9]*/"instance_id":N/' -e 's/"[a-z]*_ns":[0-9]*/"ns":N/g' \
		-e 's/"buddy_min_block":[0-9]*/"buddy_min_block":N/' |
		awk '/^(first|best|worst|next|buddy) / && NF >= 7 { print $1, $2, $3, $4, $5; next }
		     { print }'
}
ctl summary work.msim | mask > "$T/want.txt"
ctl --json summary work.msim | mask > "$T/want.json"
ctl run hold.msim 2> /dev/null | sleep 60 &
id=
for _ in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do
	id=$(awk -F '\t' 'NR > 1 && $3 == "memsimctl" && $6 == 13 && $7 == 301989889 { print $1 }' \
		/sys/kernel/debug/memsim/instances | head -n 1)
	[ -n "$id" ] && break
	sleep 1
done
holder=$(awk -F '\t' -v id="$id" '$1 == id { print $2 }' /sys/kernel/debug/memsim/instances)
live_summary() {
	ctl summary --instance "$id" | mask
}
live_json() {
	ctl --json summary --instance "$id" | mask
}
if [ -n "$id" ]; then
	expect_out live_summary < "$T/want.txt"
	expect_out live_json < "$T/want.json"
else
	not_ok "summary --instance: no instance of the holding script found"
	not_ok "summary --instance --json"
fi
[ -n "$holder" ] && kill "$holder" 2> /dev/null
kill $! 2> /dev/null
wait
expect_err "^memsimctl: /sys/kernel/debug/memsim/999999/summary: No such file or directory$" \
	ctl summary --instance 999999

done_testing
