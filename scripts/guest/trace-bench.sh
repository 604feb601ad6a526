#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for "make tracebench": the trace-cost script three
# times, each run printing the SIMULATE time with the trace off, on, and on
# with stacks.
set -e
insmod ./memsim.ko max_trace_records=1048576
for i in 1 2 3; do
	echo "# run $i: trace off, on, on with stacks"
	./memsimctl run trace-cost.msim | grep '^simulate'
done
rmmod memsim
echo "ok 1 trace bench"
