#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (see scripts/vm-run): loads memsim, runs the KUnit
# suites when memsim_test.ko is present, runs every kselftest binary named on
# the command line, then the memsimctl tests when memsimctl and
# memsimctl-tests.tar are present (selftests/memsimctl/run.sh), then the
# fuzzer when memsim_fuzz is present
# (MEMSIM_FUZZ_OPS operations, default 20000; MEMSIM_FUZZ_ARGS more
# arguments, e.g. "--seed 7"), then unloads.  Each step of its own prints a TAP line so
# the host counts it; KUnit and kselftest print their own KTAP/TAP.

failed=0
n=0

progress() {
	# progress start|end NAME [STATUS]
	echo "# memsim-progress: $*"
}

step() {
	# step DESCRIPTION COMMAND...: run COMMAND, print one TAP line for it.
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		failed=1
	fi
}

rmmod_refused() {
	# The device pins the module: rmmod must fail while a file is open.
	exec 3<> /dev/memsim || return 1
	if rmmod memsim 2> /dev/null; then
		exec 3>&-
		return 1
	fi
	exec 3>&-
	return 0
}

kunit_results() {
	# insmod succeeds even when tests fail: the verdict is in the results.
	found=0
	for d in /sys/kernel/debug/kunit/memsim*; do
		[ -r "$d/results" ] || continue
		cat "$d/results"
		found=1
	done
	[ "$found" -eq 1 ]
}

refused() {
	# refused PARAM=VALUE: insmod must fail and leave no module behind.
	if insmod ./memsim.ko "$1" 2> /dev/null; then
		rmmod memsim
		return 1
	fi
	! grep -q '^memsim ' /proc/modules
}

step "insmod refuses dev_mode=0666 (world-writable)" refused dev_mode=0666
step "insmod refuses dev_mode=01600" refused dev_mode=01600
step "insmod refuses max_batch=0" refused max_batch=0
step "insmod refuses max_trace_records=1048577" refused max_trace_records=1048577
step "insmod refuses max_segments=0" refused max_segments=0
step "insmod memsim.ko" insmod ./memsim.ko
step "/dev/memsim is a character device" test -c /dev/memsim
step "/sys/kernel/debug/memsim exists" test -d /sys/kernel/debug/memsim

if [ -f ./memsim_test.ko ]; then
	progress start KUnit
	step "insmod memsim_test.ko" insmod ./memsim_test.ko
	progress end KUnit
	step "KUnit results are readable" kunit_results
fi

for t in "$@"; do
	echo "# kselftest: $t"
	progress start "$t"
	"./$t"
	rc=$?
	progress end "$t" $rc
	[ $rc -eq 0 ] || failed=1
done

if [ -x ./memsimctl ] && [ -f ./memsimctl-tests.tar ]; then
	echo "# memsimctl tests: selftests/memsimctl/run.sh"
	if tar xf memsimctl-tests.tar; then
		# run.sh marks each of its test scripts with progress lines.
		MEMSIMCTL=$(pwd)/memsimctl sh selftests/memsimctl/run.sh || failed=1
	else
		step "unpack memsimctl-tests.tar" false
	fi
fi

if [ -x ./memsim_fuzz ]; then
	echo "# fuzz: memsim_fuzz --ops ${MEMSIM_FUZZ_OPS:-20000} ${MEMSIM_FUZZ_ARGS:-}"
	# shellcheck disable=SC2086
	./memsim_fuzz --ops "${MEMSIM_FUZZ_OPS:-20000}" ${MEMSIM_FUZZ_ARGS:-} || failed=1
fi

[ -f ./memsim_test.ko ] && step "rmmod memsim_test" rmmod memsim_test
step "rmmod refused while /dev/memsim is open" rmmod_refused
step "rmmod memsim" rmmod memsim
step "/dev/memsim gone after unload" test ! -e /dev/memsim

exit $failed
