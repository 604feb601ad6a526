#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" demo, inside the VM: load memsim, write a short script and
# run it with memsimctl against one instance (a segment, an allocation and
# a free under each strategy, the summary), compare the strategies on the
# kernel's random workload, unload.

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
summary
MSIM

echo "== memsimctl run /tmp/demo.msim"
./memsimctl run /tmp/demo.msim

echo "== memsimctl simulate --strategy all --ops 2000"
./memsimctl simulate --strategy all --ops 2000

echo "== rmmod memsim"
rmmod memsim
echo "demo done"
