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
# The prose: wherever README.md or a Documentation page spells a release
# of memsim (a package or source directory name, the library's file, the
# version in quotes), it must be this one.
names='(memsim|memsimctl|libmemsim0|libmemsim-dev|python3-memsim|memsim-dkms)[-_/ ]|libmemsim\.so\.|``|"'
for f in README.md Documentation/*.rst Documentation/man/*.rst; do
	# (A version ends there: 6.1.0-57-amd64 is a kernel, not a release.)
	grep -noE "($names)[0-9]+\.[0-9]+\.[0-9]+([^-.0-9A-Za-z]|$)" "$f" |
	while IFS= read -r hit; do
		got=$(printf '%s\n' "$hit" | grep -oE '[0-9]+\.[0-9]+\.[0-9]+' | tail -n 1)
		if [ "$got" != "$v" ]; then
			echo "$f:${hit%%:*}: names release '$got', VERSION says '$v': make them agree" >&2
			echo bad
		fi
	done
done | grep -q bad && bad=1
exit $bad
