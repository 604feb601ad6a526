#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# check-version.sh: the release is kept in one place, the file VERSION;
# every file that has to spell it as well must say the same.  Prints each
# file that disagrees (file:line, what it says, what VERSION says) and
# exits 1 if any does.  Run by make lint.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
v=$(cat VERSION)
bad=0

case $v in
[0-9]*.[0-9]*.[0-9]*) ;;
*) echo "VERSION:1: '$v' is not MAJOR.MINOR.PATCH" >&2; bad=1 ;;
esac

# expect FILE REGEX: the first line of FILE matching the extended REGEX has
# the version as its first group (sed -E \1).
expect() {
	file=$1
	re=$2
	if [ ! -f "$file" ]; then
		echo "$file: missing (it must carry the version $v)" >&2
		bad=1
		return
	fi
	line=$(grep -n -m 1 -E "$re" "$file" || true)
	got=$(printf '%s\n' "${line#*:}" | sed -n -E "s/$re/\\1/p")
	if [ "$got" != "$v" ]; then
		echo "${file}:${line%%:*}: says '${got:-nothing}', VERSION says '$v': make them agree" >&2
		bad=1
	fi
}

expect dkms.conf '^PACKAGE_VERSION="?([^"]*)"?$'
# The upstream part of the Debian version: 0.13.0-1 -> 0.13.0.
expect debian/changelog '^memsim \(([^-)]*)(-[^)]*)?\) .*$'
expect userspace/python/pyproject.toml '^version = "([^"]*)"'
expect userspace/python/memsim/__init__.py '^__version__ = "([^"]*)"'
for page in Documentation/man/*.rst; do
	expect "$page" '^:Version: *(.*)$'
done
exit $bad
