#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the VM (see Documentation/benchmarks.rst, "Dispatch"): for
# each module named on the command line, in turn, loads it, runs the
# kernel's seeded random workload (SIMULATE) for every strategy twice and
# unloads it, so that two builds of memsim are measured side by side in one
# boot.  Under "vm-run --icount" the ns/op column counts instructions.
#   sh simulate-bench.sh OPS MODULE.ko...
set -e
ops=$1
shift
for ko in "$@"; do
	insmod "./$ko"
	for run in 1 2; do
		echo "# $ko, run $run"
		./memsimctl simulate --strategy all --ops "$ops" --seed 1
	done
	rmmod memsim
done
echo "ok 1 simulate bench"
