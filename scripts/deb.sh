#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# deb.sh: memsim's Debian packages ("make deb"), built and checked without
# installing anything.
#
#   build     dpkg-buildpackage -us -uc -b in a copy of the tree in
#             build/deb/src/ (the files git tracks or would add, as in the
#             working tree: the repository itself gets no debris); the
#             packages, the .changes and build.log land in build/deb/
#   lintian   lintian on the .changes: any error (E:) fails, the warnings
#             and the rest are printed
#   contents  each .deb read with dpkg-deb: the files it must hold and not
#             hold, its control fields; memsimctl links libmemsim.so.0 and
#             is hardened (PIE, full RELRO, stack protector, fortify);
#             libmemsim0's soname and symbols file; libmemsim-dev's
#             memsim.pc builds and links userspace/examples/c/memsim-hello.c
#             against the unpacked -dev and library; python3-memsim imports
#             from its unpacked tree; memsim-dkms's dkms.conf carries VERSION
#             and its /usr/src tree builds with dkms (scripts/check-dkms.sh
#             with MEMSIM_DKMS_SOURCE, in its sandbox)
#   apt       apt-get install --simulate of the five packages: their
#             dependencies resolve in this machine's archive (bookworm);
#             nothing is installed
#
# Needs the Build-Depends of debian/control and lintian
# (scripts/install-deps.sh).  Takes no lock: run it as
# "flock /tmp/memsim-heavy.lock ..." when other heavy jobs share the
# machine.  Ends with "deb: N passed, N failed"; exit status 1 on any
# failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
out=$top/build/deb
src=$out/src
version=$(cat VERSION)
debver=$(dpkg-parsechangelog -l debian/changelog -S Version)
march=$(dpkg-architecture -q DEB_HOST_ARCH)
multiarch=$(dpkg-architecture -q DEB_HOST_MULTIARCH)

pass=0
fail=0
ok() {
	echo "deb: ok     $1"
	pass=$((pass + 1))
}
bad() {
	echo "deb: FAILED $1"
	fail=$((fail + 1))
}
check() {
	# check DESCRIPTION COMMAND...: one case, passed when COMMAND succeeds.
	local what=$1
	shift
	if "$@"; then ok "$what"; else bad "$what"; fi
}
finish() {
	echo "deb: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

missing=""
for tool in dpkg-buildpackage dh lintian dpkg-deb readelf pkg-config; do
	command -v "$tool" > /dev/null || missing="$missing $tool"
done
if [ -n "$missing" ]; then
	echo "deb: missing:$missing: run scripts/install-deps.sh" >&2
	bad "tools"
	finish
fi
if [ "${debver%-*}" = "$version" ]; then
	ok "debian/changelog $debver is VERSION $version"
else
	bad "debian/changelog's version $debver: want $version-N (the file VERSION)"
fi

# --- build ------------------------------------------------------------------
rm -rf "$out"
mkdir -p "$src"
if git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard |
		tar -C "$top" --null -T - -cf - | tar -C "$src" -xf -
else
	rsync -a --exclude=/build/ --exclude='*.o' --exclude='*.ko' --exclude='.*.cmd' \
		"$top/" "$src/"
fi

# The system's PATH, as on a build daemon: not a python3 of pyenv or venv.
echo "deb: [${SECONDS}s] dpkg-buildpackage -us -uc -b (log: build/deb/build.log)"
if (cd "$src" && env PATH=/usr/sbin:/usr/bin:/sbin:/bin dpkg-buildpackage -us -uc -b) \
	> "$out/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	bad "dpkg-buildpackage -us -uc -b"
	tail -n 40 "$out/build.log" | sed 's/^/    /'
	finish
fi
changes=$out/memsim_${debver}_${march}.changes
deb() {
	# deb PACKAGE: the path of its .deb.
	local arch=$march
	case $1 in memsim-dkms | python3-memsim) arch=all ;; esac
	echo "$out/${1}_${debver}_${arch}.deb"
}
packages=(memsim-dkms memsimctl libmemsim0 libmemsim-dev python3-memsim)
for p in "${packages[@]}"; do
	check "built $(basename "$(deb "$p")")" test -f "$(deb "$p")"
done
[ -f "$changes" ] || { bad "no $changes"; finish; }

# --- lintian ----------------------------------------------------------------
echo "deb: [${SECONDS}s] lintian $(basename "$changes")"
lst=0
lintian --fail-on error --display-info "$changes" > "$out/lintian.log" 2>&1 || lst=$?
sed 's/^/    /' "$out/lintian.log"
nerr=$(grep -c '^E: ' "$out/lintian.log" || true)
nwarn=$(grep -c '^W: ' "$out/lintian.log" || true)
ninfo=$(grep -c '^I: ' "$out/lintian.log" || true)
summary="$nerr errors, $nwarn warnings, $ninfo info"
if [ "$lst" -eq 0 ] && [ "$nerr" -eq 0 ]; then
	ok "lintian: $summary"
else
	bad "lintian (exit $lst): $summary"
fi

# --- contents ---------------------------------------------------------------
x=$out/unpacked
lib=usr/lib/$multiarch
has() {
	# has PACKAGE PATH...: each PATH (./-less, as dpkg-deb -c lists it) is in PACKAGE.
	local p=$1 f list
	shift
	list=$(dpkg-deb -c "$(deb "$p")" | awk '{ print $6 }' | sed 's|^\./||; s|/$||')
	for f in "$@"; do
		grep -qxF "$f" <<< "$list" || { echo "    $p lacks $f"; return 1; }
	done
}
hasnot() {
	# hasnot PACKAGE REGEX: no path of PACKAGE matches REGEX.
	local hit
	hit=$(dpkg-deb -c "$(deb "$1")" | awk '{ print $6 }' | grep -E "$2" || true)
	[ -z "$hit" ] || { echo "    $1 holds: $(echo "$hit" | head -n 3 | tr '\n' ' ')"; return 1; }
}
field() {
	dpkg-deb -f "$(deb "$1")" "$2"
}
field_has() {
	# field_has PACKAGE FIELD REGEX
	local v
	v=$(field "$1" "$2")
	grep -qE "$3" <<< "$v" || { echo "    $1 $2: '$v', want /$3/"; return 1; }
}
for p in "${packages[@]}"; do
	mkdir -p "$x/$p"
	dpkg-deb -x "$(deb "$p")" "$x/$p"
	mkdir -p "$x/$p/DEBIAN"
	dpkg-deb -e "$(deb "$p")" "$x/$p/DEBIAN"
done

# memsim-dkms
dsrc=usr/src/memsim-$version
check "memsim-dkms: the module's sources in /$dsrc" has memsim-dkms \
	"$dsrc/dkms.conf" "$dsrc/Kbuild" "$dsrc/VERSION" "$dsrc/module/Kbuild" \
	"$dsrc/module/dev/memsim_main.c" "$dsrc/module/core/memsim_pool.c" \
	"$dsrc/include/uapi/linux/memsim.h" usr/share/man/man4/memsim.4.gz \
	usr/share/doc/memsim-dkms/examples/memsim-modprobe.conf
check "memsim-dkms: no objects, no modules, no build/" hasnot memsim-dkms \
	'\.(o|ko|cmd|mod|mod\.c)$|/build/|/selftests/|/userspace/'
dconf=$x/memsim-dkms/$dsrc/dkms.conf
check "memsim-dkms: dkms.conf PACKAGE_VERSION $version" \
	grep -qx "PACKAGE_VERSION=\"$version\"" "$dconf"
check "memsim-dkms: the dkms.conf of the tree" cmp -s "$dconf" dkms.conf
check "memsim-dkms: VERSION $version" grep -qx "$version" "$x/memsim-dkms/$dsrc/VERSION"
check "memsim-dkms: Depends on dkms" field_has memsim-dkms Depends '(^|, )dkms'
check "memsim-dkms: Architecture all" field_has memsim-dkms Architecture '^all$'
check "memsim-dkms: postinst runs dkms (dh_dkms)" \
	grep -q 'dkms' "$x/memsim-dkms/DEBIAN/postinst"
check "memsim-dkms: prerm removes memsim/$version" \
	grep -q 'dkms remove' "$x/memsim-dkms/DEBIAN/prerm"
echo "deb: [${SECONDS}s] dkms add/build/install/remove of the package's /$dsrc"
if MEMSIM_DKMS_SOURCE=$x/memsim-dkms/$dsrc "$top/scripts/check-dkms.sh" > "$out/dkms.log" 2>&1; then
	ok "memsim-dkms: /$dsrc builds with dkms ($(tail -n 1 "$out/dkms.log"))"
else
	bad "memsim-dkms: /$dsrc through dkms (build/deb/dkms.log):"
	grep -v '^dkms: ok' "$out/dkms.log" | sed 's/^/    /'
fi

# memsimctl
ctl=$x/memsimctl/usr/bin/memsimctl
check "memsimctl: files" has memsimctl usr/bin/memsimctl \
	usr/share/bash-completion/completions/memsimctl \
	usr/lib/udev/rules.d/60-memsim.rules usr/share/man/man1/memsimctl.1.gz
needed=$(readelf -d "$ctl" | sed -n 's/.*(NEEDED).*\[\(.*\)\]/\1/p' | tr '\n' ' ')
check "memsimctl: NEEDED libmemsim.so.0 ($needed)" grep -qw 'libmemsim\.so\.0' <<< "$needed"
check "memsimctl: NEEDED libjansson.so.4" grep -qw 'libjansson\.so\.4' <<< "$needed"
check "memsimctl: Depends on libmemsim0 (>= $version) and libjansson4" \
	field_has memsimctl Depends "libmemsim0 \(>= $version\).*|libjansson4.*libmemsim0 \(>= $version\)"
check "memsimctl: PIE" grep -q 'Type: *DYN' <<< "$(readelf -h "$ctl")"
check "memsimctl: full RELRO (GNU_RELRO, BIND_NOW)" \
	bash -c 'readelf -lW "$1" | grep -q GNU_RELRO && readelf -d "$1" | grep -q "BIND_NOW"' _ "$ctl"
syms=$(readelf --dyn-syms -W "$ctl")
check "memsimctl: stack protector (__stack_chk_fail)" grep -q '__stack_chk_fail' <<< "$syms"
check "memsimctl: fortify (__*_chk)" grep -qE '__[a-z]+_chk@' <<< "$syms"
if grep -q 'GROUP="memsim"' "$x/memsimctl/usr/lib/udev/rules.d/60-memsim.rules"; then
	check "memsimctl: postinst creates the system group memsim of the udev rule" \
		grep -q 'addgroup --system --quiet memsim' "$x/memsimctl/DEBIAN/postinst"
	check "memsimctl: Depends on adduser (postinst's addgroup)" \
		field_has memsimctl Depends '(^|, )adduser'
fi

# libmemsim0
check "libmemsim0: libmemsim.so.0 -> libmemsim.so.$version" has libmemsim0 \
	"$lib/libmemsim.so.$version" "$lib/libmemsim.so.0"
check "libmemsim0: the link libmemsim.so.0" \
	test "$(readlink "$x/libmemsim0/$lib/libmemsim.so.0")" = "libmemsim.so.$version"
soname=$(readelf -d "$x/libmemsim0/$lib/libmemsim.so.$version" |
	sed -n 's/.*(SONAME).*\[\(.*\)\]/\1/p')
check "libmemsim0: SONAME $soname" test "$soname" = libmemsim.so.0
check "libmemsim0: nothing of the -dev package" hasnot libmemsim0 '\.(a|pc|h)$|libmemsim\.so$'
check "libmemsim0: symbols file" test -s "$x/libmemsim0/DEBIAN/symbols"
check "libmemsim0: shlibs file" grep -q '^libmemsim 0 libmemsim0' "$x/libmemsim0/DEBIAN/shlibs"
check "libmemsim0: Multi-Arch same" field_has libmemsim0 Multi-Arch '^same$'
exported=$(readelf --dyn-syms -W "$x/libmemsim0/$lib/libmemsim.so.$version" |
	awk '$7 != "UND" && $5 == "GLOBAL" && $4 == "FUNC" { sub(/@.*/, "", $8); print $8 }' | sort)
# Against debian/libmemsim0.symbols itself: dpkg-gensymbols only warns of a
# new symbol, and adds it to the package's copy.
listed=$(sed -n 's/^ \([^@ ]*\)@Base .*/\1/p' debian/libmemsim0.symbols | sort)
if [ -n "$exported" ] && [ "$exported" = "$listed" ]; then
	ok "libmemsim0: symbols lists every exported function ($(wc -l <<< "$exported"))"
else
	bad "libmemsim0: exported functions and debian/libmemsim0.symbols differ (- symbols, + library):"
	diff <(echo "$listed") <(echo "$exported") | grep '^[<>]' | sed 's/^</    -/; s/^>/    +/'
	echo "    add each new function as ' NAME@Base VERSION' to debian/libmemsim0.symbols;" \
		"a removed one breaks the ABI: bump the soname"
fi

# libmemsim-dev
check "libmemsim-dev: files" has libmemsim-dev "$lib/pkgconfig/memsim.pc" \
	"$lib/libmemsim.so" "$lib/libmemsim.a" usr/include/memsim/libmemsim.h \
	usr/include/memsim/linux/memsim.h usr/share/man/man3/libmemsim.3.gz
check "libmemsim-dev: Depends on libmemsim0 (= $debver)" \
	field_has libmemsim-dev Depends "libmemsim0 \(= $debver\)"
check "libmemsim-dev: Multi-Arch same" field_has libmemsim-dev Multi-Arch '^same$'
# The -dev and the library unpacked in one tree, as if installed there.
sysroot=$x/sysroot
mkdir -p "$sysroot"
cp -a "$x/libmemsim0/usr" "$sysroot/"
cp -a "$x/libmemsim-dev/usr/." "$sysroot/usr/"
pcflags=$(PKG_CONFIG_LIBDIR=$sysroot/$lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$sysroot \
	pkg-config --cflags --libs memsim 2>&1 || true)
check "libmemsim-dev: pkg-config --cflags --libs memsim: $pcflags" \
	grep -q -- '-lmemsim' <<< "$pcflags"
hello=userspace/examples/c/memsim-hello.c
if [ -f "$hello" ]; then
	# shellcheck disable=SC2086
	check "libmemsim-dev: $hello builds and links with the .pc" \
		${CC:-cc} -Wall -Werror -o "$x/memsim-hello" "$hello" $pcflags
	check "libmemsim-dev: memsim-hello NEEDED libmemsim.so.0" \
		bash -c 'readelf -d "$1" | grep -q "NEEDED.*\[libmemsim\.so\.0\]"' _ "$x/memsim-hello"
fi

# python3-memsim
check "python3-memsim: memsim and ures in dist-packages" has python3-memsim \
	usr/lib/python3/dist-packages/memsim/__init__.py \
	usr/lib/python3/dist-packages/ures/__init__.py
check "python3-memsim: imports from the package, __version__ $version" \
	env PYTHONPATH="$x/python3-memsim/usr/lib/python3/dist-packages" PYTHONDONTWRITEBYTECODE=1 \
	python3 -c "import sys, memsim, ures.memory; sys.exit(memsim.__version__ != '$version')"
check "python3-memsim: Architecture all, Depends python3" \
	bash -c '[ "$(dpkg-deb -f "$1" Architecture)" = all ] &&
		dpkg-deb -f "$1" Depends | grep -q python3' _ "$(deb python3-memsim)"

# --- apt --------------------------------------------------------------------
debs=()
for p in "${packages[@]}"; do
	debs+=("$(deb "$p")")
done
if apt-get install --simulate --no-install-recommends "${debs[@]}" > "$out/apt.log" 2>&1 &&
	[ "$(grep -c '^Conf ' "$out/apt.log")" -ge ${#packages[@]} ]; then
	ok "apt-get install --simulate: $(grep -c '^Inst ' "$out/apt.log") packages, dependencies resolve"
else
	bad "apt-get install --simulate of the packages (build/deb/apt.log):"
	tail -n 15 "$out/apt.log" | sed 's/^/    /'
fi

finish
