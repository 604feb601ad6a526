#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-dkms.sh [KVER]: the DKMS configuration (dkms.conf) through Debian's
# own dkms(8), for the kernel KVER (default: Debian's 6.1, as
# scripts/distro-kernel.sh finds it), in a sandbox.
#
#   dkms add      the module's sources (the files memsim-dkms ships in
#                 /usr/src/memsim-VERSION: Kbuild, VERSION, dkms.conf,
#                 module/, include/) registered in a temporary DKMS tree
#   dkms build    memsim.ko built for KVER against /lib/modules/KVER/build;
#                 modinfo: version is the file VERSION, vermagic is KVER,
#                 signed with the sandbox's key; memsim_test.ko not built
#   dkms install  (as root only) into a temporary install tree, without
#                 depmod, in updates/dkms/; dkms status says "installed"
#   dkms remove   (without depmod) leaves the temporary trees empty; depmod
#                 would rewrite the real /lib/modules/KVER/modules.*
#   machine       /var/lib/dkms, /usr/src and /lib/modules are exactly as
#                 before: a listing (find: type, mode, owner, size, mtime,
#                 link target; sha256 of every file) taken before and after
#                 must be equal
#
# --dkmstree, --sourcetree and --installtree point into the sandbox; TMPDIR
# too.  dkms 3 would create a module signing key (MOK) in /var/lib/dkms on
# its first build for a kernel with CONFIG_MODULE_SIG: mok_signing_key and
# mok_certificate, which dkms takes from the environment unless
# /etc/dkms/framework.conf sets them, name files in the sandbox instead.
# The script takes no lock: run it as "flock /tmp/memsim-heavy.lock ..."
# when other heavy jobs share the machine.  Ends with
# "dkms: N passed, N failed"; exit status 1 on any failure.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"

pass=0
fail=0
ok() {
	echo "dkms: ok     $1"
	pass=$((pass + 1))
}
bad() {
	echo "dkms: FAILED $1"
	fail=$((fail + 1))
}
finish() {
	echo "dkms: $pass passed, $fail failed"
	[ "$fail" -eq 0 ]
	exit
}

if ! command -v dkms > /dev/null; then
	echo "check-dkms: dkms(8) not found: install Debian's dkms (scripts/install-deps.sh)" >&2
	bad "dkms installed"
	finish
fi

kver=${1:-$("$top/scripts/distro-kernel.sh" || true)}
if [ -z "$kver" ] || [ ! -f "/lib/modules/$kver/build/Makefile" ]; then
	echo "check-dkms: no kernel headers for '${kver:-Debian 6.1}' in /lib/modules/KVER/build:" \
		"install linux-headers-amd64 (scripts/install-deps.sh) or give KVER" >&2
	bad "kernel headers"
	finish
fi
kdir=/lib/modules/$kver/build
arch=$(uname -m)

version=$(cat "$top/VERSION")
conf=${MEMSIM_DKMS_SOURCE:-$top}/dkms.conf
name=$(sed -n 's/^PACKAGE_NAME="\(.*\)"$/\1/p' "$conf")
confver=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$conf")
if [ "$name" = memsim ] && [ "$confver" = "$version" ]; then
	ok "dkms.conf: memsim $confver, as in VERSION"
else
	echo "check-dkms: dkms.conf: PACKAGE_NAME '$name', PACKAGE_VERSION '$confver';" \
		"want memsim and '$version' (the file VERSION)" >&2
	bad "dkms.conf: memsim $version"
fi

# The trees the real dkms uses; they must not change.
watched=(/var/lib/dkms /usr/src /lib/modules)
snapshot() {
	local d
	for d in "${watched[@]}"; do
		if [ ! -e "$d" ]; then
			echo "absent $d"
			continue
		fi
		find "$d" -xdev -printf '%p %y %m %U:%G %s %T@ %l\n' | LC_ALL=C sort
		find "$d" -xdev -type f -print0 | LC_ALL=C sort -z | xargs -0 -r sha256sum
	done
}

sandbox=$(mktemp -d "${TMPDIR:-/tmp}/memsim-dkms.XXXXXX")
trap 'rm -rf "$sandbox"' EXIT
snapshot > "$sandbox/before.list"

src=$sandbox/src
dtree=$sandbox/dkms
itree=$sandbox/root/lib/modules
mkdir -p "$src/memsim-$version" "$dtree" "$itree/$kver" "$sandbox/tmp"
# The sources, as the package ships them: the files git knows or would add
# (as in the working tree), no objects of an earlier build.  Or, with
# MEMSIM_DKMS_SOURCE=DIR, the tree DIR (scripts/deb.sh: memsim-dkms's
# /usr/src/memsim-VERSION, unpacked).
dkms_sources=(Kbuild VERSION dkms.conf module include)
if [ -n "${MEMSIM_DKMS_SOURCE:-}" ]; then
	echo "check-dkms: the sources of $MEMSIM_DKMS_SOURCE"
	cp -a "$MEMSIM_DKMS_SOURCE/." "$src/memsim-$version/"
elif git -C "$top" rev-parse --git-dir > /dev/null 2>&1; then
	git -C "$top" ls-files -z --cached --others --exclude-standard -- "${dkms_sources[@]}" |
		tar -C "$top" --null -T - -cf - | tar -C "$src/memsim-$version" -xf -
else
	cp -r "${dkms_sources[@]}" "$src/memsim-$version/"
fi

export TMPDIR=$sandbox/tmp
export mok_signing_key=$sandbox/mok.key mok_certificate=$sandbox/mok.pub
if grep -sqE '^[[:space:]]*(mok_signing_key|mok_certificate|sign_file)=' \
	/etc/dkms/framework.conf /etc/dkms/framework.conf.d/*.conf; then
	echo "check-dkms: note: /etc/dkms/framework.conf* sets the signing key or sign-file;" \
		"dkms uses those, not the sandbox's"
fi
trees=(--dkmstree "$dtree" --sourcetree "$src" --installtree "$itree")
mv_=(-m memsim -v "$version")
log=$sandbox/dkms.log

run() {
	# run NAME dkms ARGS...: the output in the log, shown on failure.
	local what=$1
	shift
	if "$@" > "$log" 2>&1; then
		ok "$what"
		return 0
	fi
	bad "$what"
	sed 's/^/    /' "$log" | tail -n 40
	local mlog
	for mlog in "$dtree"/memsim/"$version"/build/make.log \
		"$dtree"/memsim/"$version"/"$kver"/*/log/make.log; do
		[ -f "$mlog" ] && { echo "    --- $mlog"; tail -n 40 "$mlog" | sed 's/^/    /'; }
	done
	return 1
}

built=0
if run "dkms add memsim/$version" dkms add "${mv_[@]}" "${trees[@]}" &&
	run "dkms build memsim/$version -k $kver" \
		dkms build "${mv_[@]}" -k "$kver" --kernelsourcedir "$kdir" "${trees[@]}"; then
	built=1
fi

if [ $built -eq 1 ]; then
	moddir=$dtree/memsim/$version/$kver/$arch/module
	ko=$moddir/memsim.ko
	if [ -f "$ko" ]; then
		ok "built module/memsim.ko"
		mver=$(modinfo -F version "$ko")
		magic=$(modinfo -F vermagic "$ko" | sed "s/ *$//")
		signer=$(modinfo -F signer "$ko")
		[ "$mver" = "$version" ] && ok "modinfo version $mver" ||
			bad "modinfo version '$mver', want '$version' (the file VERSION)"
		[ "${magic%% *}" = "$kver" ] && ok "modinfo vermagic $magic" ||
			bad "modinfo vermagic '$magic', want '$kver ...'"
		if [ -z "$signer" ]; then
			echo "check-dkms: note: not signed (no sign-file for $kver)"
		elif [ "$signer" = "DKMS module signing key" ] && [ -f "$sandbox/mok.key" ]; then
			ok "signed with the sandbox's key ($signer)"
		else
			bad "signed by '$signer', not with the sandbox's key $sandbox/mok.key"
		fi
	else
		bad "built module/memsim.ko: not in $moddir"
	fi
	others=$(find "$moddir" -name '*.ko*' ! -name memsim.ko -printf '%f ' 2>/dev/null || true)
	[ -z "$others" ] && ok "memsim.ko alone (no memsim_test.ko)" ||
		bad "DKMS built more than memsim.ko: $others"

	if [ "$(id -u)" -eq 0 ]; then
		inst=$itree/$kver/updates/dkms/memsim.ko
		if run "dkms install memsim/$version -k $kver (sandbox, no depmod)" \
			dkms install "${mv_[@]}" -k "$kver" --no-depmod "${trees[@]}"; then
			[ -f "$inst" ] && cmp -s "$inst" "$ko" &&
				ok "installed as ${inst#"$sandbox"/root}" ||
				bad "installed module: no copy of the built one at ${inst#"$sandbox"/root}"
			st=$(dkms status "${mv_[@]}" -k "$kver" "${trees[@]}" 2>&1 || true)
			case $st in
			*": installed"*) ok "dkms status: $st" ;;
			*) bad "dkms status: '$st', want '...: installed'" ;;
			esac
		fi
	else
		echo "check-dkms: dkms install skipped: it needs root (the build is checked)"
	fi
	if run "dkms remove memsim/$version --all (no depmod)" \
		dkms remove "${mv_[@]}" --all --no-depmod "${trees[@]}"; then
		left=$(find "$dtree" "$itree" -mindepth 1 ! -type d 2>/dev/null | head -n 5)
		[ -z "$left" ] && ok "remove left the sandbox's trees empty" ||
			bad "remove left: $left"
	fi
fi

snapshot > "$sandbox/after.list"
if cmp -s "$sandbox/before.list" "$sandbox/after.list"; then
	ok "machine: ${watched[*]} unchanged ($(wc -l < "$sandbox/after.list") entries)"
else
	bad "machine: ${watched[*]} changed (- before, + after):"
	diff "$sandbox/before.list" "$sandbox/after.list" | grep '^[<>]' | head -n 20 |
		sed 's/^</    -/; s/^>/    +/'
fi

finish
