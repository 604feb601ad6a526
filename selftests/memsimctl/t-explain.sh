#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-explain.sh: an allocation that finds no space is explained with the
# kernel's figures (Documentation/memsimctl.rst, "When an allocation
# fails"); the evidence file keeps the instance as it stood; --keep-going
# counts the failures and goes on.  The figures are worked out by hand
# from the scripts.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# 16 blocks of 1 MiB fill a 16 MiB segment of stream 1; freeing every
# other one leaves 8 MiB free in 8 blocks of 1 MiB: a 2 MiB request fails
# with 1 - 1/8 = 87.5% external fragmentation (line 26).  Then line 27
# takes 512 KiB of the lowest hole (first fit), leaving 7.5 MiB in 8
# blocks, and line 28's 3 MiB fails: 1 - 1/7.5 = 86.7%.
{
	echo "segment 0 16M stream=1"
	for i in 0 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15; do
		echo "alloc 1M stream=1 as b$i"
	done
	for i in 0 2 4 6 8 10 12 14; do
		echo "free \$b$i"
	done
	echo "alloc 2M stream=1"
	echo "alloc 512K stream=1 as after"
	echo "alloc 3M align=1M stream=1"
	echo "echo the end"
} > "$T/frag.msim"
# Lines: 1 segment, 2-17 allocs, 18-25 frees, 26 the failure.

expect_exit 1 ctl run --no-evidence frag.msim
expect_err_exact ctl run --no-evidence frag.msim <<'E'
frag.msim:26: alloc 2 MiB stream=1: no space: 8 MiB free in stream 1 (8 blocks), largest free block 1 MiB, external fragmentation 87.5%
  the 8 largest blocks free or waiting for their free:
  0xe00000 1 MiB (segment 1, stream 1): too small
  0xc00000 1 MiB (segment 1, stream 1): too small
  0xa00000 1 MiB (segment 1, stream 1): too small
  0x800000 1 MiB (segment 1, stream 1): too small
  0x600000 1 MiB (segment 1, stream 1): too small
  0x400000 1 MiB (segment 1, stream 1): too small
  0x200000 1 MiB (segment 1, stream 1): too small
  0x0 1 MiB (segment 1, stream 1): too small
E

# The evidence: named on stderr, written as the instance stood.
expect_err '^memsimctl: the instance at the failure \(summary, map, blocks, last 32 trace records\): ev1.txt$' \
	ctl run --evidence ev1.txt frag.msim
if grep -q '^frag.msim:26: alloc 2 MiB stream=1: no space: 8 MiB free' ev1.txt &&
   grep -q '^== summary' ev1.txt && grep -q '^== map' ev1.txt &&
   grep -q '^== blocks' ev1.txt && grep -q '^== trace: the last 32 records' ev1.txt; then
	ok "evidence file has the error, the summary, the map, the blocks and the trace"
else
	not_ok "evidence file has the error, the summary, the map, the blocks and the trace"
	sed 's/^/#   |/' ev1.txt
fi
# 8 free and 8 allocated blocks at the failure (the script went no further).
n_free=$(sed -n '/^== blocks/,/^== trace/p' ev1.txt | grep -c ' free')
n_alloc=$(sed -n '/^== blocks/,/^== trace/p' ev1.txt | grep -c ' allocated')
if [ "$n_free" -eq 8 ] && [ "$n_alloc" -eq 8 ]; then
	ok "evidence blocks: 8 free, 8 allocated"
else
	not_ok "evidence blocks: 8 free, 8 allocated (got $n_free free, $n_alloc allocated)"
	sed -n '/^== blocks/,/^== trace/p' ev1.txt | sed 's/^/#   |/'
fi
# The last trace record is the failure itself.
if sed -n '/^== trace/,$p' ev1.txt | tail -n 1 | grep -q 'alloc_fail'; then
	ok "evidence trace ends with the failed allocation"
else
	not_ok "evidence trace ends with the failed allocation"
	sed -n '/^== trace/,$p' ev1.txt | sed 's/^/#   |/'
fi
expect_err '^== summary$' ctl run --evidence - frag.msim

# --keep-going: line 27 runs, line 28 fails as well.
expect_exit 1 ctl run --keep-going --no-evidence frag.msim
expect_err '^memsimctl: 2 lines failed; the first: frag.msim:26: alloc 2 MiB stream=1: no space' \
	ctl run --keep-going --no-evidence frag.msim
expect_err '^frag.msim:28: alloc 3 MiB align=1 MiB stream=1: no space: 7.5 MiB free in stream 1 \(8 blocks\), largest free block 1 MiB, external fragmentation 86.7%$' \
	ctl run --keep-going --no-evidence frag.msim
ctl run --keep-going --no-evidence frag.msim > ko.out 2> /dev/null
if grep -q '^the end$' ko.out && grep -q -- '-> \$after' ko.out; then
	ok "--keep-going runs the lines after a failure"
else
	not_ok "--keep-going runs the lines after a failure"
	sed 's/^/#   |/' ko.out
fi

# JSON: the failed call's object (the ALLOC's error, not the query's),
# then the explanation as one object, every figure.
ctl --json run --no-evidence frag.msim 2> /dev/null | grep -A1 '^{"line":26,' > ex2.json
expect_out head -n 1 ex2.json <<'E'
{"line":26,"cmd":"alloc","ok":false,"errno":"ENOSPC","error":"ALLOC: No space left on device"}
E
ctl --json run --no-evidence frag.msim 2> /dev/null | grep '^{"explain"' > ex.json
expect_out cat ex.json <<'E'
{"explain":{"where":"frag.msim:26","size":2097152,"align":0,"stream":1,"flags":0,"range_lo":0,"range_hi":0,"fixed_addr":0,"free_bytes":8388608,"free_blocks":8,"largest_free":1048576,"largest_alloc":1048576,"frag_ppm":875000,"deferred_bytes":0,"other_free_bytes":0,"would_fit":false,"candidates":[{"addr":14680064,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":12582912,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":10485760,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":8388608,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":6291456,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":4194304,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":2097152,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"},{"addr":0,"size":1048576,"segment_id":1,"stream":1,"usable":1048576,"reason":"small"}]}}
E

# Another stream's space and a pending free; alignment padding.
msim streams.msim <<'M'
segment 0 1M stream=1
segment 4M 3M stream=2
alloc 1M stream=1 as a
free $a defer
alloc 64K stream=1
M
expect_err_exact ctl run --no-evidence streams.msim <<'E'
streams.msim:5: alloc 64 KiB stream=1: no space: 0 B free in stream 1 (0 blocks), largest free block 0 B, external fragmentation 0.0%; 1 MiB waiting for deferred frees to complete; 3 MiB free in other streams
  the 2 largest blocks free or waiting for their free:
  0x400000 3 MiB (segment 2, stream 2): other stream
  0x0 1 MiB (segment 1, stream 1): deferred free pending
E
msim align.msim <<'M'
segment 1M 5M
alloc 3M align=4M
M
expect_err_exact ctl run --no-evidence align.msim <<'E'
align.msim:2: alloc 3 MiB align=4 MiB: no space: 5 MiB free in all streams (1 block), largest free block 5 MiB, external fragmentation 0.0%
  the 1 largest blocks free or waiting for their free:
  0x100000 5 MiB (segment 1, stream 0): alignment padding, 2 MiB usable
E

# summary shows the instance even when the script fails.
ctl summary --no-evidence frag.msim > sum.out 2> /dev/null
rc=$?
if [ $rc -eq 1 ] && grep -q 'failures' sum.out; then
	ok "summary of a failing script: the table, exit 1"
else
	not_ok "summary of a failing script: the table, exit 1 (exit $rc)"
	sed 's/^/#   |/' sum.out
fi

done_testing
