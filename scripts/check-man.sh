#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-man.sh: the man pages memsimctl(1), libmemsim(3) and memsim(4)
# render without a warning and say everything they must say.
#
#   render    "make man": each Documentation/man/NAME.SECTION.rst through
#             rst2man (Debian's python3-docutils) with --halt=warning, into
#             build/man/NAME.SECTION; a docutils warning fails
#   version   each page's ":Version:" is the release, the file VERSION
#   man -l    each rendered page through man-db and groff
#             (LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -l) and
#             through groff -man -ww -z: any line on standard error fails,
#             and the page must have its NAME and SYNOPSIS
#   coverage  the pages do not drift from the code:
#             - every MEMSIM_IOC_* command defined in
#               include/uapi/linux/memsim.h is a subsection of memsim(4)'s
#               IOCTLS;
#             - every module parameter (module_param*() in module/core/
#               and module/dev/, the sources of memsim.ko) is an entry of
#               memsim(4)'s MODULE PARAMETERS;
#             - every debugfs file (debugfs_create_file() there) is an
#               entry of memsim(4)'s DEBUGFS;
#             - every command "memsimctl help" lists is an entry of
#               memsimctl(1)'s COMMANDS;
#             - every function userspace/libmemsim.h declares is an entry
#               of libmemsim(3)'s FUNCTIONS.
#
# An "entry" is the term of a definition list (rendered as .TP); only the
# terms are searched, so a name mentioned in passing does not count.
# Builds build/userspace/memsimctl (make userspace) for its help.
# Prints "man: ok WHAT" or "man: FAILED WHAT" and what to do, and ends with
# "man: N passed, M failed"; exits 1 if any check failed.
set -eu

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/man
work=$top/build/man-check
mkdir -p "$work"
version=$(cat VERSION)
uapi=include/uapi/linux/memsim.h
libhdr=userspace/libmemsim.h
# The sources of memsim.ko (module/Kbuild): memsim(4) is its page.  The
# KUnit module (module/tests/) and the benchmark module (module/bench/,
# Documentation/bench-module.rst) have parameters of their own, not the
# device's.
memsim_ko=(module/core module/dev)

pass=0
fail=0
ok() {
	echo "man: ok     $1"
	pass=$((pass + 1))
}
bad() {
	# bad WHAT DETAIL...: one failed check and what to do about it.
	echo "man: FAILED $1"
	shift
	for line in "$@"; do
		echo "    $line"
	done
	fail=$((fail + 1))
}

# A rendered page as plain lines: roff font and character escapes undone.
plain() {
	sed -e 's/\\f[BIRP]//g' -e 's/\\-/-/g' -e "s/\\\\(aq/'/g" \
		-e 's/\\(dq/"/g' -e 's/\\e/\\/g' -e 's/\\(ga/`/g' "$1"
}

# The lines of section .SH $2 of page $1 (plain), up to the next .SH.
section() {
	plain "$1" | awk -v want=".SH $2" '
		/^\.SH / { in_sec = ($0 == want); next }
		in_sec { print }'
}

# The definition-list terms of section $2 of page $1, one per line.
terms() {
	section "$1" "$2" | awk '
		prev == ".TP" { t = $0; sub(/^\.B /, "", t); print t }
		{ prev = $0 }'
}

# coverage WHAT PAGE HOW: each name on stdin must be in PAGE; HOW prints, from
# the page, the list the names are looked up in (one per line).
coverage() {
	local what=$1 page=$2 list missing="" n=0 name
	shift 2
	list=$("$@")
	while read -r name; do
		[ -n "$name" ] || continue
		n=$((n + 1))
		grep -qxF -- "$name" <<< "$list" || missing="$missing $name"
	done
	if [ "$n" -eq 0 ]; then
		bad "$what" "found no names to look for: the extraction in scripts/check-man.sh no longer matches the code"
	elif [ -n "$missing" ]; then
		bad "$what" "$page lacks:$missing" \
			"document each in Documentation/man/$(basename "$page").rst (see scripts/check-man.sh for where)"
	else
		ok "$what ($n)"
	fi
}

# Render: make man, which fails on a docutils warning.
if make -s -C "$top" man > "$work/make-man.log" 2>&1; then
	ok "make man (rst2man --halt=warning)"
else
	bad "make man (rst2man --halt=warning)" "$(tail -n 20 "$work/make-man.log")" \
		"fix the reStructuredText of Documentation/man/ at the line named above"
fi

pages=""
for src in Documentation/man/*.rst; do
	page=$out/$(basename "$src" .rst)
	pages="$pages $page"
	if grep -qxF ":Version: $version" "$src"; then
		ok "version of $src ($version)"
	else
		bad "version of $src" "its docinfo lacks ':Version: $version' (the file VERSION)" \
			"set :Version: in $src to the content of VERSION"
	fi
	if [ ! -s "$page" ]; then
		bad "man -l $page" "not rendered: see make man above"
		continue
	fi
	if LC_ALL=C.UTF-8 MANWIDTH=80 man --warnings -E UTF-8 -P cat -l "$page" \
		> "$work/$(basename "$page").txt" 2> "$work/man.err" &&
		[ ! -s "$work/man.err" ] &&
		groff -man -ww -z "$page" 2> "$work/groff.err" && [ ! -s "$work/groff.err" ] &&
		grep -qx 'NAME' "$work/$(basename "$page").txt" &&
		grep -qx 'SYNOPSIS' "$work/$(basename "$page").txt"; then
		ok "man -l $page (no warning)"
	else
		bad "man -l $page" "$(cat "$work/man.err" "$work/groff.err" 2> /dev/null)" \
			"a warning of groff, or no NAME or SYNOPSIS section; fix $src"
	fi
done

dev=$out/memsim.4
ctl=$out/memsimctl.1
lib=$out/libmemsim.3

# Each coverage reads its names from a process substitution, not a pipe, so
# that it runs in this shell and counts.
coverage "memsim(4) IOCTLS: every MEMSIM_IOC_* of $uapi" "$dev" \
	section "$dev" IOCTLS < <(
	grep -oE '^#define[[:space:]]+MEMSIM_IOC_[A-Z0-9_]+[[:space:]]+_IO' "$uapi" |
		awk '{ print ".SS " $2 }')

coverage "memsim(4) MODULE PARAMETERS: every module_param*() of memsim.ko" "$dev" \
	terms "$dev" "MODULE PARAMETERS" < <(
	grep -rhoE 'module_param[a-z_]*\([a-z0-9_]+' "${memsim_ko[@]}" --include='*.c' |
		sed 's/.*(//' | sort -u)

# Terms name files by path; the coverage is by the file's last component.
debugfs_terms() {
	terms "$dev" DEBUGFS | sed -n 's|^/sys/kernel/debug/memsim/\(ID/\)\{0,1\}\([^/]\{1,\}\)$|\2|p'
}
coverage "memsim(4) DEBUGFS: every debugfs_create_file() of memsim.ko" "$dev" \
	debugfs_terms < <(
	grep -rhoE 'debugfs_create_file\("[^"]+"' "${memsim_ko[@]}" --include='*.c' |
		sed 's/.*("//; s/"$//' | sort -u)

if make -s -C "$top" userspace > "$work/make-userspace.log" 2>&1 &&
	help=$("$top/build/userspace/memsimctl" help); then
	# A term lists a command's forms, comma-separated: "summary ..., summary --instance ID".
	ctl_terms() {
		terms "$ctl" COMMANDS | awk '{ print $1 }'
	}
	coverage "memsimctl(1) COMMANDS: every command of 'memsimctl help'" "$ctl" \
		ctl_terms < <(
		awk '/^commands:/ { c = 1; next } c && /^  [a-z]/ { print $1 } /^$/ { c = 0 }' <<< "$help")
else
	bad "memsimctl(1) COMMANDS" "could not build or run build/userspace/memsimctl help" \
		"see $work/make-userspace.log"
fi

lib_terms() {
	terms "$lib" FUNCTIONS | sed -n 's/^[^(]*[ *]\(memsim_[a-z0-9_]*\)(.*/\1/p'
}
coverage "libmemsim(3) FUNCTIONS: every function of $libhdr" "$lib" lib_terms < <(
	grep -oE '^[a-z][a-z0-9_ ]*[ *]memsim_[a-z0-9_]+\(' "$libhdr" |
		sed 's/.*[ *]\(memsim_[a-z0-9_]*\)($/\1/' | sort -u)

echo "man: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
