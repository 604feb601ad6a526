#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# run.sh: every memsimctl test (selftests/memsimctl/t-*.sh), in TAP.
#
#   sh selftests/memsimctl/run.sh [t-NAME.sh...]
#
# Needs /dev/memsim (the module loaded) and memsimctl: $MEMSIMCTL, else
# ./memsimctl, else build/userspace/memsimctl of the source tree.  In the
# test VM, memsim-tests.sh adds build/memsimctl-tests.tar (this folder and
# userspace/examples/); if that tarball is in the working directory and its
# files are not, run.sh unpacks it first.
#
# Each t-*.sh prints its own cases; run.sh marks each with progress lines
# ("# memsim-progress: start t-script.sh") for the VM runner, sums the
# failed cases and exits 1 if any failed (or a test script exited non-zero).

if [ -f memsimctl-tests.tar ] && [ ! -f selftests/memsimctl/lib.sh ]; then
	tar xf memsimctl-tests.tar || exit 1
fi
dir=$(cd "$(dirname "$0")" && pwd)
top=$(cd "$dir/../.." && pwd)
if [ -z "${MEMSIMCTL:-}" ]; then
	if [ -x ./memsimctl ]; then
		MEMSIMCTL=$(pwd)/memsimctl
	else
		MEMSIMCTL=$top/build/userspace/memsimctl
	fi
fi
export MEMSIMCTL
export CTLTEST_DIR="$dir"
export EXAMPLES="$top/userspace/examples"

if [ $# -eq 0 ]; then
	set -- "$dir"/t-*.sh
fi

status=0
files=0
failed=0
for t in "$@"; do
	case $t in
	*/*) ;;
	*) t=$dir/$t ;;
	esac
	name=$(basename "$t")
	files=$((files + 1))
	echo "# memsimctl: $name"
	echo "# memsim-progress: start $name"
	sh "$t" > "${TMPDIR:-/tmp}/memsimctl-run.$$" 2>&1
	rc=$?
	cat "${TMPDIR:-/tmp}/memsimctl-run.$$"
	nf=$(grep -c '^not ok ' "${TMPDIR:-/tmp}/memsimctl-run.$$")
	rm -f "${TMPDIR:-/tmp}/memsimctl-run.$$"
	echo "# memsim-progress: end $name $rc"
	failed=$((failed + nf))
	if [ $rc -ne 0 ]; then
		status=1
		# A script that dies without a "not ok" still fails.
		if [ "$nf" -eq 0 ]; then
			echo "not ok 1 $name exited with status $rc"
			failed=$((failed + 1))
		fi
	fi
done
echo "# memsimctl: $files test scripts, $failed failed cases"
[ $failed -eq 0 ] && [ $status -eq 0 ]
