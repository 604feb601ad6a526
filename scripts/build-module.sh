#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# build-module.sh KDIR OUTDIR [MAKE ARGS...]
#
# Build memsim's modules against the kernel build tree KDIR in a copy of the
# sources under OUTDIR, so builds for several kernels (or with W=1) never
# overwrite each other or the objects in module/.  Modules end up in
# OUTDIR/module/.
set -eu

[ $# -ge 2 ] || { echo "usage: $0 KDIR OUTDIR [MAKE ARGS...]" >&2; exit 2; }
kdir=$1
out=$2
shift 2
top=$(cd "$(dirname "$0")/.." && pwd)

[ -f "$kdir/Makefile" ] || { echo "build-module: $kdir is not a kernel build tree" >&2; exit 2; }

mkdir -p "$out"
# Absolute: kbuild runs in KDIR, where a relative M= would name a
# directory inside the kernel tree (and create it there).
out=$(cd "$out" && pwd)
# Copy, do not link: kbuild writes its objects next to the sources.
rm -rf "$out/module" "$out/include"
cp -r "$top/Kbuild" "$top/VERSION" "$top/module" "$top/include" "$out/"
rm -f "$out"/module/*.o "$out"/module/*/*.o "$out"/module/*.ko "$out"/module/.*.cmd \
	"$out"/module/*/.*.cmd
make -C "$kdir" M="$out" "$@" modules
