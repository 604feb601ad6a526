#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-compare.sh: memsimctl compare (Documentation/memsimctl.rst, "compare"):
# a constructed script on which the strategies differ, with every figure
# worked out by hand from the placement rules (Documentation/allocator.rst,
# "Placement rules") and the column definitions; the --json, --csv and text
# forms; --jobs 1 and 2 alike; --min-capacity's bisection worked out by
# hand; --simulate; the usage errors.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# The kernel's search steps and times are not worked out here: masked.
nojson_ns() {
	sed -e 's/"alloc_ns":[0-9]*/"alloc_ns":N/' -e 's/"free_ns":[0-9]*/"free_ns":N/' \
	    -e 's/"ns_per_op":[0-9]*/"ns_per_op":N/'
}
nosteps_json() {
	nojson_ns | sed -e 's/"steps":[0-9]*/"steps":S/'
}
cmp_json() {
	ctl compare --json "$@" | nosteps_json
}
# Text: the steps and ns/op columns (characters 87 to 105).
cmp_text() {
	ctl compare "$@" | sed -E 's/^(.{85}) +[0-9]+ +[0-9-]+/\1 STEPS NS/'
}

# ff.msim, on a 32 KiB device (addresses in KiB):
#   a 8 [0,8)  x 4 [8,12)  b 4 [12,16)  y 4 [16,20)  free: [20,32)
#   free a, free b: holes [0,8) 8, [12,16) 4, [20,32) 12; live 8
#   c 4:  first [0,4)   best [12,16)   worst [20,24)   next [20,24) (cursor 20)
#         buddy: the 4K blocks [12,16) and [20,24), lowest: [12,16)
#   d 12: first [20,32); best [20,32); worst, next: no 12K hole (free 20K in
#         3 blocks, largest 8K: 60.0%); buddy needs 16K: none (free [0,8),
#         [20,24), [24,32): 20K, largest 8K: 60.0%)
#   e 8:  first: holes [4,8) and [12,16): no space (8K in 2 blocks, largest
#         4K: 50.0%); best [0,8); worst [0,8) (8K at 0 and 24, lowest);
#         next [24,32) (cursor 24); buddy [0,8) (lowest 8K block)
#   tlsf (16 classes): 4K, 12K and 8K are class bounds, so each request's
#         good-fit class is its own: c the 4K hole [12,16), d the 12K
#         [20,32), e the 8K [0,8): as best fit, the device full.
# Live requested bytes: 8 12 16 20 (line 5), 12 8, then
#   first: 12 24 (line 9), fails         peak 24K first reached at line 9
#   best, tlsf: 12 24 32 (line 10)       peak 32K at line 10
#   worst, next, buddy: 12, fails, 20    peak 20K first reached at line 5
# At the peak: first: allocated 24K, free [4,8) [12,16): 8K, largest 4K,
#   50%; best: 32K allocated, nothing free: 0; worst, next: 20K
#   allocated, free [20,32) 12K in one block: 0; buddy: free [20,24) and
#   [24,32) (buddies of allocated blocks): 12K, largest 8K, 33.3333%.
# At the end: first as at its peak; best full; worst, next, buddy: 20K
#   allocated, 12K free in a 4K and an 8K block: 333333 ppm.
msim ff.msim <<'M'
segment 0 $DEVICE_SIZE
alloc 8K as a
alloc 4K as x
alloc 4K as b
alloc 4K as y
free $a
free $b
alloc 4K as c
alloc 12K as d
alloc 8K as e
M

E_FIRST='alloc 8 KiB: no space: 8 KiB free in all streams (2 blocks), largest free block 4 KiB, external fragmentation 50.0%'
E_12K='alloc 12 KiB: no space: 20 KiB free in all streams (3 blocks), largest free block 8 KiB, external fragmentation 60.0%'

expect_out cmp_json --device-size 32K ff.msim <<E
{"cmd":"compare","strategy":"first","ok":true,"device_size":32768,"failures":1,"errors":1,"peak_allocated":24576,"peak_requested":24576,"allocated_at_peak":24576,"requested_at_peak":24576,"free_at_peak":8192,"largest_free_at_peak":4096,"frag_at_peak_ppm":500000,"waste_at_peak":0,"allocated_end":24576,"requested_end":24576,"free_end":8192,"largest_free_end":4096,"frag_end_ppm":500000,"allocs":6,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":{"where":"ff.msim:10","message":"$E_FIRST","free_bytes":8192,"largest_free":4096,"frag_ppm":500000}}
{"cmd":"compare","strategy":"best","ok":true,"device_size":32768,"failures":0,"errors":0,"peak_allocated":32768,"peak_requested":32768,"allocated_at_peak":32768,"requested_at_peak":32768,"free_at_peak":0,"largest_free_at_peak":0,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":32768,"requested_end":32768,"free_end":0,"largest_free_end":0,"frag_end_ppm":0,"allocs":7,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":null}
{"cmd":"compare","strategy":"worst","ok":true,"device_size":32768,"failures":1,"errors":1,"peak_allocated":20480,"peak_requested":20480,"allocated_at_peak":20480,"requested_at_peak":20480,"free_at_peak":12288,"largest_free_at_peak":12288,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":20480,"requested_end":20480,"free_end":12288,"largest_free_end":8192,"frag_end_ppm":333333,"allocs":6,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":{"where":"ff.msim:9","message":"$E_12K","free_bytes":20480,"largest_free":8192,"frag_ppm":600000}}
{"cmd":"compare","strategy":"next","ok":true,"device_size":32768,"failures":1,"errors":1,"peak_allocated":20480,"peak_requested":20480,"allocated_at_peak":20480,"requested_at_peak":20480,"free_at_peak":12288,"largest_free_at_peak":12288,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":20480,"requested_end":20480,"free_end":12288,"largest_free_end":8192,"frag_end_ppm":333333,"allocs":6,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":{"where":"ff.msim:9","message":"$E_12K","free_bytes":20480,"largest_free":8192,"frag_ppm":600000}}
{"cmd":"compare","strategy":"buddy","ok":true,"device_size":32768,"failures":1,"errors":1,"peak_allocated":20480,"peak_requested":20480,"allocated_at_peak":20480,"requested_at_peak":20480,"free_at_peak":12288,"largest_free_at_peak":8192,"frag_at_peak_ppm":333333,"waste_at_peak":0,"allocated_end":20480,"requested_end":20480,"free_end":12288,"largest_free_end":8192,"frag_end_ppm":333333,"allocs":6,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":{"where":"ff.msim:9","message":"$E_12K","free_bytes":20480,"largest_free":8192,"frag_ppm":600000}}
{"cmd":"compare","strategy":"tlsf","ok":true,"device_size":32768,"failures":0,"errors":0,"peak_allocated":32768,"peak_requested":32768,"allocated_at_peak":32768,"requested_at_peak":32768,"free_at_peak":0,"largest_free_at_peak":0,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":32768,"requested_end":32768,"free_end":0,"largest_free_end":0,"frag_end_ppm":0,"allocs":7,"frees":2,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":null}
{"cmd":"compare","summary":true,"ok":true,"workload":"script","source":"ff.msim","device_size":32768,"strategies":["first","best","worst","next","buddy","tlsf"],"runs_failed":0,"fewest_failures":["best","tlsf"],"lowest_peak_allocated":["worst","next","buddy"]}
E

# The same as a table.
expect_out cmp_text --device-size 32K ff.msim <<E
strategy failures  peak alloc    peak req frag@peak waste@peak  frag end largest free      steps    ns/op
first           1      24 KiB      24 KiB    50.00%        0 B    50.00%        4 KiB STEPS NS
best            0      32 KiB      32 KiB     0.00%        0 B     0.00%          0 B STEPS NS
worst           1      20 KiB      20 KiB     0.00%        0 B    33.33%        8 KiB STEPS NS
next            1      20 KiB      20 KiB     0.00%        0 B    33.33%        8 KiB STEPS NS
buddy           1      20 KiB      20 KiB    33.33%        0 B    33.33%        8 KiB STEPS NS
tlsf            0      32 KiB      32 KiB     0.00%        0 B     0.00%          0 B STEPS NS

first failures:
  first: ff.msim:10: $E_FIRST
  worst: ff.msim:9: $E_12K
  next: ff.msim:9: $E_12K
  buddy: ff.msim:9: $E_12K
E

# The order of --strategy, a strategy twice; not a terminal: no progress.
expect_out cmp_text --device-size 32K --strategy best,first,best ff.msim <<E
strategy failures  peak alloc    peak req frag@peak waste@peak  frag end largest free      steps    ns/op
best            0      32 KiB      32 KiB     0.00%        0 B     0.00%          0 B STEPS NS
first           1      24 KiB      24 KiB    50.00%        0 B    50.00%        4 KiB STEPS NS
best            0      32 KiB      32 KiB     0.00%        0 B     0.00%          0 B STEPS NS

first failures:
  first: ff.msim:10: $E_FIRST
E
expect_err_exact ctl compare --device-size 32K ff.msim <<'E'
E

# --jobs 1 and --jobs 2 give the same rows (times aside).
ctl compare --json --jobs 1 --device-size 32K ff.msim | nojson_ns > j1.out
ctl compare --json --jobs 2 --device-size 32K ff.msim | nojson_ns > j2.out
ctl compare --json --jobs 5 --device-size 32K ff.msim | nojson_ns > j5.out
if [ -s j1.out ] && cmp -s j1.out j2.out && cmp -s j1.out j5.out; then
	ok "compare --jobs 1, 2, 5: the same JSON but for the times"
else
	not_ok "compare --jobs 1, 2, 5: the same JSON but for the times"
	diff j1.out j2.out | sed 's/^/# /'
	diff j1.out j5.out | sed 's/^/# /'
fi
ctl compare --jobs 1 --device-size 32K ff.msim | cut -c1-85 > t1.out
ctl compare --jobs 2 --device-size 32K ff.msim | cut -c1-85 > t2.out
if [ -s t1.out ] && cmp -s t1.out t2.out; then
	ok "compare --jobs 1 and 2: the same table but for steps and ns/op"
else
	not_ok "compare --jobs 1 and 2: the same table but for steps and ns/op"
fi

# Internal waste: the buddy system rounds 3K to 4K and 5K to 8K.
#   first: a [0,3K) b [3K,8K); peak 8K after b: free [8K,64K) one block
#   buddy: a [0,4K) (64K halved to 4K: free [4,8) [8,16) [16,32) [32,64)),
#          b 8K at [8,16): allocated 12K, requested 8K, waste 4K; free 52K,
#          largest 32K: 1 - 32/52 = 384615 ppm.  End: a freed merges with
#          [4,8): free [0,8) [16,32) [32,64) = 56K, 1 - 32/56 = 428571 ppm.
#   first at the end: free [0,3K) and [8K,64K): 59K, 1 - 56/59 = 50847 ppm.
msim waste.msim <<'M'
segment 0 $DEVICE_SIZE
alloc 3K as a
alloc 5K as b
free $a
M
expect_out cmp_json --device-size 64K --strategy first,buddy waste.msim <<'E'
{"cmd":"compare","strategy":"first","ok":true,"device_size":65536,"failures":0,"errors":0,"peak_allocated":8192,"peak_requested":8192,"allocated_at_peak":8192,"requested_at_peak":8192,"free_at_peak":57344,"largest_free_at_peak":57344,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":5120,"requested_end":5120,"free_end":60416,"largest_free_end":57344,"frag_end_ppm":50847,"allocs":2,"frees":1,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":null}
{"cmd":"compare","strategy":"buddy","ok":true,"device_size":65536,"failures":0,"errors":0,"peak_allocated":12288,"peak_requested":8192,"allocated_at_peak":12288,"requested_at_peak":8192,"free_at_peak":53248,"largest_free_at_peak":32768,"frag_at_peak_ppm":384615,"waste_at_peak":4096,"allocated_end":8192,"requested_end":5120,"free_end":57344,"largest_free_end":32768,"frag_end_ppm":428571,"allocs":2,"frees":1,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":null}
{"cmd":"compare","summary":true,"ok":true,"workload":"script","source":"waste.msim","device_size":65536,"strategies":["first","buddy"],"runs_failed":0,"fewest_failures":["first","buddy"],"lowest_peak_allocated":["first"]}
E

# CSV: the header, then a row per strategy; empty fields for what is not
# known; the message quoted (it has commas).
nocsv_ns() {
	ctl compare --csv "$@" | awk -F, 'NR > 1 { $13 = "S"; $14 = "N" } { print }' OFS=,
}
expect_out nocsv_ns --device-size 64K --strategy first,buddy waste.msim <<'E'
strategy,failures,errors,peak_allocated,peak_requested,allocated_at_peak,requested_at_peak,frag_at_peak_ppm,waste_at_peak,frag_end_ppm,largest_free_end,free_end,steps,ns_per_op,first_failure_where,first_failure_free_bytes,first_failure_largest_free,first_failure_frag_ppm,first_failure_message,error
first,0,0,8192,8192,8192,8192,0,0,50847,57344,60416,S,N,,,,,,
buddy,0,0,12288,8192,12288,8192,384615,4096,428571,32768,57344,S,N,,,,,,
E
ctl compare --csv --device-size 32K --strategy first ff.msim > ff.csv
if [ "$(sed -n 2p ff.csv | sed 's/,[0-9]*,[0-9]*,ff.msim/,S,N,ff.msim/')" = \
     "first,1,1,24576,24576,24576,24576,500000,0,500000,4096,8192,S,N,ff.msim:10,8192,4096,500000,\"$E_FIRST\"," ] &&
   [ "$(wc -l < ff.csv)" -eq 2 ]; then
	ok "compare --csv: a failure's row, its message quoted"
else
	not_ok "compare --csv: a failure's row, its message quoted"
	sed 's/^/# /' ff.csv
fi

# --min-capacity, on mc.msim (granularity 4K, --device-size 64K):
#   live requested: a 8, b 12, c 20 (the peak: lower bound 20K), 12, 4, d 16
#   first (and best, worst, next): a [0,8) b [8,12) c [12,20); after the
#   frees holes [0,8) and [12,S): d 12K fits iff S >= 24K.  Search: 64K ok
#   (bound 20K: 16K is below it), [4,16] granules: 10 (40K) ok, 7 (28K)
#   ok, 5 (20K) fails, 6 (24K) ok: 24K in 5 runs, ratio 1.2.
#   buddy: at 20K the roots are [0,16K) and [16K,20K): a [0,8), b in the
#   4K root, c [8,16); the frees merge [0,16) for d (16K): 20K succeeds,
#   so do 40K (roots 32K, 8K) and 28K (roots 16K, 8K, 4K): 64K, 40K, 28K,
#   20K: 20K in 4 runs, ratio 1.
#   tlsf: as first fit: a, b, c in order; d (12K, a class bound) needs a
#   block of at least 12K, and [12,S) is one iff S >= 24K.
msim mc.msim <<'M'
segment 0 $DEVICE_SIZE
alloc 8K as a
alloc 4K as b
alloc 8K as c
free $a
free $c
alloc 12K as d
M
mincap() {
	ctl compare --json --min-capacity --device-size 64K "$@" mc.msim |
		sed -n 's/.*"strategy":"\([a-z]*\)".*"first_failure":null,\(.*\)}$/\1 \2/p'
}
expect_out mincap <<'E'
first "min_capacity":24576,"min_capacity_below":20480,"lower_bound":20480,"min_capacity_ratio":1.2000,"probes":5
best "min_capacity":24576,"min_capacity_below":20480,"lower_bound":20480,"min_capacity_ratio":1.2000,"probes":5
worst "min_capacity":24576,"min_capacity_below":20480,"lower_bound":20480,"min_capacity_ratio":1.2000,"probes":5
next "min_capacity":24576,"min_capacity_below":20480,"lower_bound":20480,"min_capacity_ratio":1.2000,"probes":5
buddy "min_capacity":20480,"min_capacity_below":16384,"lower_bound":20480,"min_capacity_ratio":1.0000,"probes":4
tlsf "min_capacity":24576,"min_capacity_below":20480,"lower_bound":20480,"min_capacity_ratio":1.2000,"probes":5
E
ctl compare --json --min-capacity --device-size 64K mc.msim > mc.json
if grep -q '"smallest_min_capacity":\["buddy"\]}$' mc.json; then
	ok "compare --min-capacity --json: the summary names buddy"
else
	not_ok "compare --min-capacity --json: the summary names buddy"
	sed 's/^/# /' mc.json
fi
mincap_text() {
	ctl compare --min-capacity --device-size 64K --strategy first,buddy mc.msim |
		sed -E '1,/^$/ s/^(.{8}).{97}(.*)$/\1\2/'
}
expect_out mincap_text <<'E'
strategy min capacity x bound
first          24 KiB    1.20
buddy          20 KiB    1.00

lower bound: 20 KiB (20480 bytes), the peak of live requested bytes: no allocator runs the workload in less
E
# A start below the answer: 8K fails (no room for c), 16K fails, 32K ok;
# bound 20K: lo 4 (16K), hi 8: 6 (24K) ok, 5 (20K) fails: 24K in 5 runs.
mincap_small() {
	ctl compare --json --min-capacity --device-size 8K --strategy first mc.msim |
		sed -n 's/.*"\(min_capacity":[0-9]*\).*"\(probes":[0-9]*\)}$/\1 \2/p'
}
expect_out mincap_small <<'E'
min_capacity":24576 probes":5
E
# --granularity 1K: 64K, then [19, 64] KiB: 41 ok, 30 ok, 24 ok, 21 fails,
# 22 fails, 23 fails: 24K, 23K below (one granule); 7 runs.
mincap_1k() {
	ctl compare --json --min-capacity --granularity 1K --device-size 64K \
		--strategy first mc.msim |
		sed -n 's/.*"\(min_capacity":[0-9]*,"min_capacity_below":[0-9]*\).*"\(probes":[0-9]*\)}$/\1 \2/p'
}
expect_out mincap_1k <<'E'
min_capacity":24576,"min_capacity_below":23552 probes":7
E

# A loop, and DEVICE_SIZE inside $(...) (a use of it).  On 16K:
#   a[0] [0,4) a[1] [4,8) a[2] [8,12): the peak, 12K (4K free, one block),
#   seen before the free; free a[1]; the 8K finds the 4K hole and the 4K
#   tail: no space (8K free in 2 blocks, largest 4K, 50.0%).
#   --min-capacity: 16K fails; 32K succeeds, its peak 16K (4+4+8): lo 3
#   (12K); [3, 8]: 5 (20K) succeeds, 4 (16K) fails: 20K in 4 runs, 1.25.
msim loop.msim <<'M'
segment 0 $(DEVICE_SIZE * 1)
repeat 3 i
	alloc 4K as a[i]
end
free $a[1]
alloc 8K
M
expect_out cmp_json --device-size 16K --strategy first --min-capacity loop.msim <<E
{"cmd":"compare","strategy":"first","ok":true,"device_size":16384,"failures":1,"errors":1,"peak_allocated":12288,"peak_requested":12288,"allocated_at_peak":12288,"requested_at_peak":12288,"free_at_peak":4096,"largest_free_at_peak":4096,"frag_at_peak_ppm":0,"waste_at_peak":0,"allocated_end":8192,"requested_end":8192,"free_end":8192,"largest_free_end":4096,"frag_end_ppm":500000,"allocs":3,"frees":1,"steps":S,"alloc_ns":N,"free_ns":N,"ns_per_op":N,"first_failure":{"where":"loop.msim:6","message":"$E_FIRST","free_bytes":8192,"largest_free":4096,"frag_ppm":500000},"min_capacity":20480,"min_capacity_below":16384,"lower_bound":16384,"min_capacity_ratio":1.2500,"probes":4}
{"cmd":"compare","summary":true,"ok":true,"workload":"script","source":"loop.msim","device_size":16384,"strategies":["first"],"runs_failed":0,"fewest_failures":["first"],"lowest_peak_allocated":["first"],"smallest_min_capacity":["first"]}
E

# --simulate: the kernel's workload, through SIMULATE; its peak is the
# one simulate reports for the same run.
sim_peak() {
	ctl simulate --json --ops 3000 --seed 7 --segment-size 1M --strategy "$1" |
		sed -n 's/.*"peak_allocated":\([0-9]*\).*/\1/p' | head -n 1
}
cmp_sim_peak() {
	ctl compare --json --simulate --ops 3000 --seed 7 --segment-size 1M --strategy "$1" |
		sed -n 's/.*"peak_allocated":\([0-9]*\).*/\1/p' | head -n 1
}
for s in first buddy tlsf; do
	a=$(sim_peak $s)
	b=$(cmp_sim_peak $s)
	if [ -n "$a" ] && [ "$a" = "$b" ]; then
		ok "compare --simulate --strategy $s: peak allocated as simulate's ($a)"
	else
		not_ok "compare --simulate --strategy $s: peak allocated as simulate's"
		echo "# simulate: '$a', compare: '$b'"
	fi
done
# simulate --strategy all: one row per strategy, TLSF's last.
ctl simulate --json --ops 500 --seed 3 --segment-size 1M --strategy all > simall.json
if [ "$(grep -c '"strategy":' simall.json)" -ge 6 ] &&
   [ "$(sed -n 's/.*"strategy":"\([a-z]*\)".*/\1/p' simall.json | tr '\n' ' ')" = 'first best worst next buddy tlsf ' ]; then
	ok "simulate --strategy all: a row for each of the six strategies"
else
	not_ok "simulate --strategy all: a row for each of the six strategies"
	sed 's/^/# /' simall.json
fi
# A tight one: failures counted, the first not seen (one kernel call).
ctl compare --json --simulate --ops 3000 --seed 7 --segment-size 64K --max 16K \
	--strategy first > sim.json
if grep -q '"failures":[1-9][0-9]*,"errors":[1-9]' sim.json &&
   grep -q '"first_failure":null' sim.json &&
   grep -q '"workload":"simulate","source":null,"device_size":65536' sim.json; then
	ok "compare --simulate on a tight segment: failures, no first failure"
else
	not_ok "compare --simulate on a tight segment: failures, no first failure"
	sed 's/^/# /' sim.json
fi

# A run that cannot be made: exit status 1, the error in its row.
expect_exit 1 ctl --dev /nonexistent compare --strategy first ff.msim
expect_err 'compare: first: /nonexistent: ' ctl --dev /nonexistent compare --strategy first ff.msim

# Usage errors: exit status 2.
msim nosize.msim <<'M'
segment 0 1M
alloc 4K
M
msim strat.msim <<'M'
segment 0 $DEVICE_SIZE
strategy best
M
msim reset.msim <<'M'
segment 0 $DEVICE_SIZE
reset keep-segments
M
msim bind.msim <<'M'
set DEVICE_SIZE 4K
segment 0 $DEVICE_SIZE
M
msim bad.msim <<'M'
segment 0 $DEVICE_SIZE
frobnicate
M
expect_exit 2 ctl compare
expect_err 'no workload' ctl compare
expect_exit 2 ctl compare ff.msim mc.msim
expect_exit 2 ctl compare --simulate ff.msim
expect_err 'one workload only' ctl compare --simulate ff.msim
expect_exit 2 ctl compare --json --csv ff.msim
expect_exit 2 ctl --json compare --csv ff.msim
expect_exit 2 ctl compare --jobs 0 ff.msim
expect_exit 2 ctl compare --granularity 0 --min-capacity ff.msim
expect_exit 2 ctl compare --strategy first,bogus ff.msim
expect_err "unknown strategy 'bogus'" ctl compare --strategy first,bogus ff.msim
expect_exit 2 ctl compare --strategy , ff.msim
expect_exit 2 ctl compare --ops 10 ff.msim
expect_err -- '--ops goes with --simulate' ctl compare --ops 10 ff.msim
expect_exit 2 ctl compare --simulate --device-size 1M
expect_exit 2 ctl compare --format rmm ff.msim
# --trace: refused until replay's executor exists; then a missing file.
expect_err 'comes with replay|t\.csv: No such file' ctl compare --trace t.csv
expect_exit 2 ctl compare --bogus ff.msim
expect_exit 2 ctl compare --min-capacity nosize.msim
expect_err_exact ctl compare --min-capacity nosize.msim <<'E'
memsimctl: compare: --min-capacity: nosize.msim does not use $DEVICE_SIZE, so the device size cannot change (write e.g. 'segment 0 $DEVICE_SIZE')
usage: memsimctl compare [OPTIONS] SCRIPT|- | --simulate [SIMULATE-OPTIONS]
E
expect_exit 0 ctl compare nosize.msim
# Named only in an echo and a comment: not a use.
msim echo.msim <<'M'
segment 0 1M  # not $DEVICE_SIZE
echo $DEVICE_SIZE
M
expect_exit 2 ctl compare --min-capacity echo.msim
expect_exit 2 ctl compare strat.msim
# (Errors of a line: "FILE:LINE:", or "memsimctl: LINE N:" from an older executor.)
expect_err '^(memsimctl: )?(strat\.msim:2|LINE 2): strategy: compare sets the strategy of each run itself \(--strategy\): remove this line$' \
	ctl compare strat.msim
expect_exit 2 ctl compare reset.msim
expect_err '(reset\.msim:2|LINE 2): reset: ' ctl compare reset.msim
expect_exit 2 ctl compare bind.msim
expect_err '(bind\.msim:1|LINE 1): set: DEVICE_SIZE is bound by compare' ctl compare bind.msim
# A bad line is a script error, as for run: exit status 1.
expect_exit 1 ctl compare bad.msim
expect_err "(bad\\.msim:2|LINE 2): unknown command 'frobnicate'" ctl compare bad.msim
expect_exit 1 ctl compare missing.msim

done_testing
