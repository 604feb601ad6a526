#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM for "make bench" (scripts/bench.sh):
#   sh bench.sh "MODULE PARAMETERS" [IOCTLBENCH ARGS...]
# loads drm.ko and drm_buddy.ko (the host script decompresses them), then
# memsim_bench.ko with the parameters given, which runs every
# allocator on the seeded workload at load time, and prints its table and
# its JSON between markers; then, if memsim.ko and memsim-ioctlbench were
# added, the ioctl benchmark.
set -e
params=$1
shift
insmod ./drm.ko
insmod ./drm_buddy.ko
start=$(date +%s)
# shellcheck disable=SC2086
insmod ./memsim_bench.ko $params
echo "# memsim_bench.ko ran $(( $(date +%s) - start )) s (guest clock)"
d=/sys/kernel/debug/memsim_bench
echo "MEMSIM-BENCH-TABLE-BEGIN"
cat $d/table
echo "MEMSIM-BENCH-TABLE-END"
echo "MEMSIM-BENCH-JSON-BEGIN"
cat $d/json
echo "MEMSIM-BENCH-JSON-END"
rmmod memsim_bench
echo "ok 1 memsim_bench"
if [ -e ./memsim.ko ] && [ -e ./memsim-ioctlbench ]; then
	insmod ./memsim.ko max_trace_records=1048576
	echo "MEMSIM-IOCTLBENCH-BEGIN"
	./memsim-ioctlbench "$@"
	echo "MEMSIM-IOCTLBENCH-END"
	rmmod memsim
	echo "ok 2 memsim-ioctlbench"
fi
