#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" demo, inside the VM: load memsim, write a short script and
# run it with memsimctl against one instance (a segment, an allocation and
# a free under each strategy, the summary), then again to show its summary
# table, its map (checked against debugfs) and the start of its operation
# trace; compare the strategies on the kernel's random workload, unload.

set -e
echo "== insmod memsim.ko"
insmod ./memsim.ko

echo "== memsimctl info"
./memsimctl info

cat > /tmp/demo.msim <<'MSIM'
# 1 MiB at 0, stream 0
segment 0 1M as seg
# Leave a 64K hole at the start, then place a 16K block under each fit
# strategy and free it again.
alloc 64K as hole
alloc 32K as keep
free $hole
strategy first
alloc 16K as a
free $a
strategy best
alloc 16K as a
free $a
strategy worst
alloc 16K as a
free $a
strategy next
alloc 16K as a
free $a
# The buddy system needs an instance with nothing allocated.
expect-error EBUSY strategy buddy
free $keep
strategy buddy
alloc 5000 as a
alloc 100K as b
free $a
blocks
# Back to first fit, for the picture: blocks of several sizes, a hole and
# a deferred free (the map shows it as 'D').
free $b
strategy first
alloc 200K as p
alloc 3000 as q
alloc 120K as r
alloc 64K as t
free $q
free $r defer
summary
MSIM

echo "== memsimctl run /tmp/demo.msim"
./memsimctl run /tmp/demo.msim

# The same script again, each time on a fresh instance, shown differently.
echo "== memsimctl summary /tmp/demo.msim"
./memsimctl summary /tmp/demo.msim

echo "== memsimctl map /tmp/demo.msim ('.' free, '#' allocated, 'D' deferred, '+' mixed)"
./memsimctl map /tmp/demo.msim > /tmp/map.ioctl
cat /tmp/map.ioctl
./memsimctl map --debugfs /tmp/demo.msim > /tmp/map.debugfs
if cmp -s /tmp/map.ioctl /tmp/map.debugfs; then
	echo "(the same as the instance's /sys/kernel/debug/memsim/ID/map)"
else
	echo "the debugfs map differs:"
	cat /tmp/map.debugfs
	exit 1
fi

echo "== memsimctl trace --format csv /tmp/demo.msim (the first 15 of its records)"
./memsimctl trace --format csv /tmp/demo.msim > /tmp/trace.csv
head -n 16 /tmp/trace.csv
echo "... $(($(wc -l < /tmp/trace.csv) - 1)) records in all"

echo "== memsimctl simulate --strategy all --ops 2000"
./memsimctl simulate --strategy all --ops 2000

echo "== rmmod memsim"
rmmod memsim
echo "demo done"
