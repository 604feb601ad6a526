#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" demo, inside the VM: load memsim, ask it who it is, show
# what debugfs exposes, unload.

set -e
echo "== insmod memsim.ko"
insmod ./memsim.ko
ls -l /dev/memsim

echo "== memsimctl info"
./memsimctl info
echo "== memsimctl --json info"
./memsimctl --json info

echo "== /sys/kernel/debug/memsim/"
ls -l /sys/kernel/debug/memsim/
echo "== instances (while an instance is open)"
exec 3<> /dev/memsim
cat /sys/kernel/debug/memsim/instances
exec 3>&-

echo "== rmmod memsim"
rmmod memsim
echo "demo done"
