#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-install.sh KDIR: make install and make uninstall into temporary
# DESTDIRs, as "make check" runs them (stage "install").
#
#   1. make install-build KDIR=KDIR, then make install DESTDIR=T
#      KDIR=KDIR (PREFIX /usr/local, T with a space), which only copies:
#      every file in
#      place, the module built for KDIR's kernel with the version of the
#      file VERSION, no depmod files in the staging tree;
#   2. memsimctl --version from the installed tree says VERSION;
#   3. userspace/examples/c/memsim-hello.c built against the installed tree
#      with pkg-config --cflags --libs memsim (shared: it needs
#      libmemsim.so.MAJOR) and --static (it does not), and run;
#   4. the installed bash completion completes commands, options, values;
#   5. make uninstall with the same variables leaves no file behind;
#   6. ldconfig runs after a live install and uninstall only;
#   7. PREFIX=/usr/ with a multiarch LIBDIR: the udev rule goes to
#      /usr/lib/udev/rules.d and memsim.pc names that LIBDIR.
#
# TAP lines, then "install: N passed, M failed".  Exit 1 on any failure.
set -u

kdir=${1:?usage: check-install.sh KDIR}
top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
version=$(cat VERSION)
major=${version%%.*}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/memsim-install.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
pass=0
fail=0
n=0

ok() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		pass=$((pass + 1))
		echo "ok $n - $2"
	else
		fail=$((fail + 1))
		echo "not ok $n - $2"
	fi
}

# expect_files ROOT FILE...: each FILE exists (or is a symlink) under ROOT.
expect_files() {
	local root=$1 f missing=0
	shift
	for f in "$@"; do
		if [ ! -e "$root$f" ] && [ ! -L "$root$f" ]; then
			echo "# check-install.sh: missing after make install: $f" >&2
			missing=1
		fi
	done
	return $missing
}

kver=$(sed -n 's/^#define UTS_RELEASE "\(.*\)"$/\1/p' "$kdir/include/generated/utsrelease.h")
# As the README has it: build everything as the user, then install.
make -s install-build KDIR="$kdir" > "$tmp/build.log" 2>&1
st=$?
[ $st -eq 0 ] || tail -n 30 "$tmp/build.log"
ok $st "make install-build KDIR=$kdir"
d=$tmp/dest
make install DESTDIR="$d" KDIR="$kdir" > "$tmp/install.log" 2>&1
st=$?
[ $st -eq 0 ] || tail -n 30 "$tmp/install.log"
ok $st "make install DESTDIR=... KDIR=$kdir"
[ $st -eq 0 ] && ! grep -q -e build-module.sh -e ' -c -o ' "$tmp/install.log"
ok $? "make install after make install-build builds nothing (only copies)"

p=/usr/local
files=("/lib/modules/$kver/updates/memsim.ko" "$p/bin/memsimctl"
	"$p/lib/libmemsim.so.$version" "$p/lib/libmemsim.so.$major" "$p/lib/libmemsim.so"
	"$p/lib/libmemsim.a" "$p/lib/pkgconfig/memsim.pc"
	"$p/include/memsim/libmemsim.h" "$p/include/memsim/linux/memsim.h"
	"$p/share/man/man1/memsimctl.1" "$p/share/man/man3/libmemsim.3"
	"$p/share/man/man4/memsim.4"
	"$p/share/bash-completion/completions/memsimctl"
	/etc/udev/rules.d/60-memsim.rules
	"$p/share/doc/memsim/examples/memsim-modprobe.conf")
expect_files "$d" "${files[@]}"
ok $? "every file in place (${#files[@]})"

# Exactly those: nothing else (a depmod index, a stray object) was written.
extra=$(cd "$d" && find . ! -type d | sed 's|^\.||' | sort |
	comm -23 - <(printf '%s\n' "${files[@]}" | sort))
[ -z "$extra" ] || echo "# check-install.sh: install wrote files it does not list: $extra" >&2
ok "$([ -z "$extra" ]; echo $?)" "nothing but those files"

ko=$d/lib/modules/$kver/updates/memsim.ko
[ "$(modinfo -F version "$ko" 2>/dev/null)" = "$version" ] &&
	modinfo -F vermagic "$ko" | grep -q "^$kver "
ok $? "memsim.ko: version $version, vermagic $kver"

readelf -d "$d$p/lib/libmemsim.so.$version" | grep -q "SONAME.*\[libmemsim.so.$major\]"
ok $? "libmemsim.so.$version has the soname libmemsim.so.$major"

export LD_LIBRARY_PATH=$d$p/lib
out=$("$d$p/bin/memsimctl" --version)
[ "$out" = "memsimctl $version (memsim ABI $(sed -n -E 's/^#define MEMSIM_ABI_VERSION[[:space:]]+([0-9]+)U?$/\1/p' include/uapi/linux/memsim.h))" ]
ok $? "installed memsimctl --version: $out"
readelf -d "$d$p/bin/memsimctl" | grep -q "NEEDED.*\[libmemsim.so.$major\]"
ok $? "installed memsimctl links libmemsim.so.$major"

# The example, built only from what pkg-config says of the installed tree.
export PKG_CONFIG_PATH=$d$p/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$d
flags=$(pkg-config --cflags --libs memsim)
[ "$(pkg-config --modversion memsim)" = "$version" ]
ok $? "pkg-config --modversion memsim: $version"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -o "$tmp/hello" userspace/examples/c/memsim-hello.c $flags
ok $? "cc memsim-hello.c \$(pkg-config --cflags --libs memsim): $flags"
# shellcheck disable=SC2086
cc -Wall -Wextra -Werror -static -o "$tmp/hello-static" userspace/examples/c/memsim-hello.c \
	$(pkg-config --static --cflags --libs memsim)
ok $? "the same, linked statically"
readelf -d "$tmp/hello" | grep -q "NEEDED.*\[libmemsim.so.$major\]" &&
	! readelf -d "$tmp/hello-static" 2>/dev/null | grep -q NEEDED
ok $? "the shared build needs libmemsim.so.$major, the static one nothing"
# No /dev/memsim on the host: the strategies, then the error, exit 1.
for prog in "$tmp/hello" "$tmp/hello-static"; do
	"$prog" "$tmp/no-such-device" > "$tmp/hello.out" 2> "$tmp/hello.err"
	st=$?
	[ $st -eq 1 ] && grep -qx 'strategy 1: best' "$tmp/hello.out" &&
		grep -q "no-such-device: No such file or directory" "$tmp/hello.err"
	r=$?
	[ $r -eq 0 ] || { cat "$tmp/hello.out" "$tmp/hello.err"; echo "# exit $st"; }
	ok $r "$(basename "$prog") runs: strategy names, then the missing device's error"
done

# Completion from the installed file, with the installed memsimctl.
comp() {
	PATH=$d$p/bin:$PATH bash -c '
		source "$1"; shift
		COMP_WORDS=("$@"); COMP_CWORD=$(($# - 1))
		_memsimctl; printf "%s\n" "${COMPREPLY[@]}"' _ \
		"$d$p/share/bash-completion/completions/memsimctl" memsimctl "$@" | sort | tr '\n' ' '
}
[ "$(comp s)" = "simulate summary " ]
ok $? "completion: memsimctl s -> $(comp s)"
[ "$(comp trace --f)" = "--format " ]
ok $? "completion: memsimctl trace --f -> $(comp trace --f)"
[ "$(comp --json simulate --strategy b)" = "best buddy " ]
ok $? "completion: memsimctl --json simulate --strategy b -> $(comp --json simulate --strategy b)"
[ "$(comp help rep)" = "replay " ]
ok $? "completion: memsimctl help rep -> $(comp help rep)"
unset LD_LIBRARY_PATH PKG_CONFIG_PATH PKG_CONFIG_SYSROOT_DIR

make -s uninstall DESTDIR="$d" KDIR="$kdir" > "$tmp/uninstall.log" 2>&1
ok $? "make uninstall DESTDIR=... KDIR=$kdir"
left=$(cd "$d" && find . ! -type d) || left="(no $d)"
[ -z "$left" ] || echo "# check-install.sh: left after make uninstall: $left" >&2
ok "$([ -z "$left" ]; echo $?)" "make uninstall leaves no file"

# The programs' part into a DESTDIR with a space in it: every path in the
# recipes is quoted (kbuild's modules_install itself takes none).
d3="$tmp/dest dir"
space_ok() {
	make -s install-userspace DESTDIR="$d3" > "$tmp/install3.log" 2>&1 || return 1
	expect_files "$d3" "${files[@]:1}" || return 1
	make -s uninstall DESTDIR="$d3" KDIR="$kdir" > /dev/null 2>&1 || return 1
	[ -d "$d3" ] && [ -z "$(cd "$d3" && find . ! -type d)" ] || return 1
	# An unquoted path would have made "dir/..." here.
	[ ! -e "$top/dir" ]
}
space_ok
ok $? "install-userspace and uninstall with DESTDIR='.../dest dir'"

# Only a live install (no DESTDIR) refreshes the loader's cache, so that
# memsimctl finds libmemsim.so.MAJOR in /usr/local/lib.
make -n install-userspace | grep -q '^ldconfig$' &&
	make -n uninstall KDIR="$kdir" | grep -q '^ldconfig$' &&
	! make -n install-userspace DESTDIR="$d" | grep -q ldconfig
ok $? "ldconfig after install and uninstall without DESTDIR, not with one"

# A distribution's layout: PREFIX=/usr (spelt /usr/), a multiarch LIBDIR,
# no module.
d2=$tmp/dest-usr
lib=/usr/lib/x86_64-linux-gnu
make -s install-userspace DESTDIR="$d2" PREFIX=/usr/ LIBDIR=$lib > "$tmp/install2.log" 2>&1 &&
	[ -f "$d2/usr/lib/udev/rules.d/60-memsim.rules" ] && [ -f "$d2$lib/libmemsim.so.$version" ] &&
	grep -qx "libdir=$lib" "$d2$lib/pkgconfig/memsim.pc" &&
	grep -qx 'includedir=/usr/include' "$d2$lib/pkgconfig/memsim.pc"
ok $? "PREFIX=/usr LIBDIR=$lib: udev rule in /usr/lib/udev/rules.d, memsim.pc with that libdir"
make -s uninstall DESTDIR="$d2" PREFIX=/usr/ LIBDIR=$lib KDIR="$kdir" > /dev/null 2>&1 &&
	[ -z "$(cd "$d2" && find . ! -type d)" ]
ok $? "and its make uninstall leaves no file"

echo "install: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
