#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# lib.sh: TAP helpers for the memsimctl tests (t-*.sh), sourced by each.
#
#   ctl ARGS...              runs memsimctl ($MEMSIMCTL, default ./memsimctl)
#   msim NAME <<EOF          writes the script $T/NAME (its text on stdin)
#   expect_out CMD... <<EOF  one case: CMD's standard output must be exactly
#                            the text on stdin (standard error is ignored)
#   expect_exit N CMD...     one case: CMD must exit with status N
#   expect_err REGEX CMD...  one case: CMD's standard error must have a line
#                            matching the extended regular expression REGEX
#   expect_err_exact CMD... <<EOF
#                            one case: CMD's standard error must be exactly
#                            the text on stdin
#   ok DESC / not_ok DESC    a case of one's own
#   done_testing             prints the plan, exits 1 if a case failed
#
# Each case prints "ok N DESC" or "not ok N DESC" (DESC: the command), and
# on failure what was expected and what came, as "# " lines.  CMD may be a
# shell function.  The run happens in $T, a fresh temporary directory, so
# scripts are written and named without a directory.
#
# Runs under busybox sh (the guest) and bash/dash (a host).

if [ -z "${MEMSIMCTL:-}" ]; then
	MEMSIMCTL=$(pwd)/memsimctl
fi
case $MEMSIMCTL in
/*) ;;
*) MEMSIMCTL=$(pwd)/$MEMSIMCTL ;;
esac
# The directory of the test scripts and, beside, the examples.
: "${CTLTEST_DIR:=$(cd "$(dirname "$0")" && pwd)}"
EXAMPLES=${EXAMPLES:-$CTLTEST_DIR/../../userspace/examples}

T=$(mktemp -d "${TMPDIR:-/tmp}/memsimctl-test.XXXXXX") || exit 1
trap 'rm -rf "$T"' EXIT
cd "$T" || exit 1

_tap_n=0
_tap_failed=0

ctl() {
	"$MEMSIMCTL" "$@"
}

msim() {
	cat > "$T/$1"
}

ok() {
	_tap_n=$((_tap_n + 1))
	echo "ok $_tap_n $*"
}

not_ok() {
	_tap_n=$((_tap_n + 1))
	_tap_failed=$((_tap_failed + 1))
	echo "not ok $_tap_n $*"
}

# Print file $1 as TAP comments, headed by $2.
_tap_show() {
	echo "# $2"
	sed 's/^/#   |/' "$1"
}

# The command as a description: its words, without newlines.
_tap_desc() {
	echo "$*" | tr '\n' ' ' | cut -c1-150
}

expect_out() {
	cat > "$T/.expected"
	"$@" > "$T/.out" 2> "$T/.err" < /dev/null
	_rc=$?
	if cmp -s "$T/.expected" "$T/.out"; then
		ok "$(_tap_desc "$@")"
	else
		not_ok "$(_tap_desc "$@")"
		_tap_show "$T/.expected" "expected on stdout:"
		_tap_show "$T/.out" "got (exit status $_rc):"
		_tap_show "$T/.err" "stderr:"
	fi
}

expect_exit() {
	_want=$1
	shift
	"$@" > "$T/.out" 2> "$T/.err" < /dev/null
	_rc=$?
	if [ "$_rc" -eq "$_want" ]; then
		ok "$(_tap_desc "$@") exits $_want"
	else
		not_ok "$(_tap_desc "$@") exits $_want"
		echo "# got exit status $_rc"
		_tap_show "$T/.err" "stderr:"
	fi
}

expect_err() {
	_re=$1
	shift
	"$@" > "$T/.out" 2> "$T/.err" < /dev/null
	_rc=$?
	if grep -Eq -- "$_re" "$T/.err"; then
		ok "$(_tap_desc "$@") says /$_re/"
	else
		not_ok "$(_tap_desc "$@") says /$_re/"
		_tap_show "$T/.err" "got on stderr (exit status $_rc):"
	fi
}

expect_err_exact() {
	cat > "$T/.expected"
	"$@" > "$T/.out" 2> "$T/.err" < /dev/null
	_rc=$?
	if cmp -s "$T/.expected" "$T/.err"; then
		ok "$(_tap_desc "$@") stderr"
	else
		not_ok "$(_tap_desc "$@") stderr"
		_tap_show "$T/.expected" "expected on stderr:"
		_tap_show "$T/.err" "got (exit status $_rc):"
	fi
}

done_testing() {
	echo "1..$_tap_n"
	[ "$_tap_failed" -eq 0 ]
	exit $?
}
