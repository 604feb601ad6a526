#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# lint.sh: the project's static checks, all at zero warnings.
#
#   checkpatch  scripts/checkpatch.pl --strict on module/ and include/;
#               on userspace/ and selftests/ without the rules that only make
#               sense inside the kernel
#   kernel-doc  scripts/kernel-doc -none -Wall on module/ and include/
#   W=1         the modules built with W=1 against the test kernel; the
#               benchmark module (module/bench/) against Debian's 6.1
#   uapi        include/uapi/linux/memsim.h compiles alone, as C and as C++,
#               with -Wall -Werror
#   rst         every Documentation/*.rst and Documentation/man/*.rst
#               parses with docutils without a warning (scripts/check-rst.py)
#   man         the man pages (Documentation/man/) render with rst2man and
#               man -l without a warning and name every ioctl, module
#               parameter, debugfs file, memsimctl command and libmemsim
#               function (scripts/check-man.sh)
#   version     the file VERSION and the copies the packaging formats need
#               (dkms.conf, debian/changelog, pyproject.toml, the Python
#               package's __version__, the man pages, the releases README
#               and Documentation/ name) agree
#               (scripts/check-version.sh)
#   vm-results  scripts/vm-results.py --self-test: every kernel report the
#               VM judge knows fails a synthetic run, benign boot lines do not
#   layering    no file in module/core/ includes a header of module/dev/,
#               module/tests/ or the uapi (core headers and the kernel's own
#               only)
#   callgraph   scripts/callgraph.py on the W=1 build: no file of core/
#               calls into dev/, and the files of the layers named in
#               CALLGRAPH_LAYERS call each other without a cycle
#
# checkpatch and kernel-doc come from the fetched kernel source (KSRC).
# Ends with "lint: N passed, N failed".
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
KSRC=${KSRC:-$("$top/scripts/fetch-kernel-source.sh")}
KDIR=${KDIR:-$("$top/scripts/build-testkernel.sh")}
out=$top/build/lint
mkdir -p "$out"

pass=0
fail=0
verdict() {
	# verdict NAME LOGFILE STATUS: empty log and zero status pass.
	if [ "$3" -eq 0 ] && [ ! -s "$2" ]; then
		echo "lint: ok     $1"
		pass=$((pass + 1))
	else
		echo "lint: FAILED $1"
		sed 's/^/    /' "$2" | head -n 60
		fail=$((fail + 1))
	fi
}

# Sources only: kbuild leaves generated *.mod.c files beside them.
sources() {
	find "$@" -name '*.[ch]' ! -name '*.mod.c' | sort
}
kernel_files=$(sources module include ! -path 'module/compat/*')
# Stand-ins for kernel headers, in the kernel's own spelling.
compat_files=$(sources module/compat userspace/host/kunit)
user_files=$(sources userspace selftests ! -path 'userspace/host/kunit/*')

checkpatch() {
	perl "$KSRC/scripts/checkpatch.pl" --no-tree --quiet --terse --show-types \
		--no-summary "$@"
}

{
	checkpatch --strict -f $kernel_files
	# A stand-in for a kernel header with an argument-less expansion,
	# written exactly as the kernel's own header writes it.
	checkpatch --strict --ignore MACRO_ARG_UNUSED,EXPORT_SYMBOL -f $compat_files
} > "$out/checkpatch-kernel.log" 2>&1
verdict "checkpatch --strict (module, include)" "$out/checkpatch-kernel.log" $?

# Userspace spells its types and prints the userspace way.
user_ignore=PREFER_KERNEL_TYPES,SPLIT_STRING,LONG_LINE_STRING,PREFER_FALLTHROUGH,NEW_TYPEDEFS
checkpatch --ignore "$user_ignore" -f $user_files > "$out/checkpatch-user.log" 2>&1
verdict "checkpatch (userspace, selftests)" "$out/checkpatch-user.log" $?

perl "$KSRC/scripts/kernel-doc" -none -Wall $kernel_files > "$out/kernel-doc.log" 2>&1
verdict "kernel-doc -Wall" "$out/kernel-doc.log" $?

"$top/scripts/build-module.sh" "$KDIR" "$out/w1" W=1 > "$out/w1-build.log" 2>&1
st=$?
grep -E "warning:|error:" "$out/w1-build.log" > "$out/w1.log"
[ $st -eq 0 ] || echo "build failed, see $out/w1-build.log" >> "$out/w1.log"
verdict "W=1 module build" "$out/w1.log" 0

# The benchmark module of make bench (module/bench/) needs a kernel with
# DRM, drm_buddy and genalloc: built with W=1 against Debian's 6.1 when
# its headers are installed.
if dver=$("$top/scripts/distro-kernel.sh" 2> /dev/null); then
	"$top/scripts/build-module.sh" "/lib/modules/$dver/build" "$out/w1-bench" \
		W=1 MEMSIM_BENCH=1 > "$out/w1-bench-build.log" 2>&1
	st=$?
	grep -E "warning:|error:" "$out/w1-bench-build.log" > "$out/w1-bench.log"
	[ $st -eq 0 ] || echo "build failed, see $out/w1-bench-build.log" >> "$out/w1-bench.log"
	verdict "W=1 bench module build ($dver)" "$out/w1-bench.log" 0
fi

{
	for lang in c c++; do
		cc=gcc
		[ $lang = c++ ] && cc=g++
		echo '#include <linux/memsim.h>' |
			$cc -x $lang -Wall -Wextra -Werror -pedantic -fsyntax-only \
			-I include/uapi - 2>&1 || echo "$lang: failed"
	done
} > "$out/uapi.log"
verdict "uapi header standalone (C, C++)" "$out/uapi.log" 0

# The documentation parses: Debian's python3-docutils (install-deps.sh), or
# whatever python3 on the PATH has it.
py=python3
/usr/bin/python3 -c 'import docutils' 2> /dev/null && py=/usr/bin/python3
$py "$top/scripts/check-rst.py" Documentation/*.rst Documentation/man/*.rst > "$out/rst.log" 2>&1
verdict "Documentation/*.rst, Documentation/man/*.rst parse (docutils, no warning)" "$out/rst.log" $?

# The man pages: their own lines "man: ok ..." and the summary of a clean
# run are not findings; anything else is.
"$top/scripts/check-man.sh" > "$out/man-all.log" 2>&1
st=$?
grep -v -e '^man: ok ' -e '^man: [0-9]* passed, 0 failed$' "$out/man-all.log" > "$out/man.log"
verdict "man pages render and cover the interfaces (scripts/check-man.sh)" "$out/man.log" $st

# The release: VERSION, and every file that must spell it, agree.
"$top/scripts/check-version.sh" > "$out/version.log" 2>&1
verdict "one version: VERSION, dkms.conf, debian/changelog, Python, man pages" "$out/version.log" $?

python3 "$top/scripts/vm-results.py" --self-test > "$out/vm-results.log" 2>&1
st=$?
grep -v '^vm-results self-test: ok$' "$out/vm-results.log" > "$out/vm-results-bad.log"
verdict "vm-results.py --self-test" "$out/vm-results-bad.log" $st

# The core is plain data-structure code: it must not see the glue.  A
# quoted include must name a header of core/ itself; an angle-bracket one
# must not be memsim's uapi.
for f in module/core/*.[ch]; do
	grep -n '^[[:space:]]*#[[:space:]]*include' "$f" | while IFS= read -r line; do
		hdr=$(echo "$line" | sed -n 's/.*include[[:space:]]*\(["<][^">]*[">]\).*/\1/p')
		case $hdr in
		\"*\")
			name=${hdr#\"}
			name=${name%\"}
			[ -f "module/core/$name" ] && [ "${name#*/}" = "$name" ] ||
				echo "$f:${line%%:*}: includes $hdr, which is not a core/ header"
			;;
		"<uapi/linux/memsim.h>" | "<linux/memsim.h>")
			echo "$f:${line%%:*}: includes the uapi header $hdr"
			;;
		esac
	done
done > "$out/layering.log"
verdict "layering (core/ includes nothing of dev/, tests/, the uapi)" "$out/layering.log" 0

# Who calls whom, from the symbols of the W=1 build's objects: the layers
# whose files must call each other without a cycle.
CALLGRAPH_LAYERS="core dev"
if [ -d "$out/w1/module/core" ]; then
	python3 "$top/scripts/callgraph.py" "$out/w1" > "$out/callgraph-all.log" 2>&1
	st=$?
	{
		grep '^callgraph: core calls the glue: ' "$out/callgraph-all.log"
		for layer in $CALLGRAPH_LAYERS; do
			grep "^callgraph: $layer: " "$out/callgraph-all.log"
		done
		# Anything but a report (a crash, a missing object) is a failure.
		[ $st -le 1 ] || cat "$out/callgraph-all.log"
	} > "$out/callgraph.log"
else
	echo "no W=1 build to read, see $out/w1-build.log" > "$out/callgraph.log"
fi
verdict "callgraph (core calls no glue; no cycle in: $CALLGRAPH_LAYERS)" "$out/callgraph.log" 0

echo "lint: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
