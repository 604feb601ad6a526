#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# compat.sh [KDIR]...
#
# Build the modules against every kernel build tree given, or, with none
# given, every one found: the cached memsim test kernels and
# /lib/modules/*/build.  Supported range: Linux 6.1 and 6.12 (both LTS).
# Ends with "compat: N passed, N failed", one case per kernel.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
CACHE=${MEMSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memsim}

kdirs=("$@")
if [ ${#kdirs[@]} -eq 0 ]; then
	for d in "$CACHE"/kernel/*/ /lib/modules/*/build/; do
		[ -f "$d/Makefile" ] && kdirs+=("${d%/}")
	done
fi
[ ${#kdirs[@]} -gt 0 ] || { echo "compat: no kernel build tree found; pass KDIRS=..." >&2; exit 1; }

pass=0
fail=0
for kdir in "${kdirs[@]}"; do
	ver=$(make -s -C "$kdir" kernelrelease 2>/dev/null || basename "$kdir")
	out=$top/build/compat/$ver
	mkdir -p "$out"
	if "$top/scripts/build-module.sh" "$kdir" "$out" > "$out.log" 2>&1; then
		echo "compat: ok     $ver ($kdir)"
		pass=$((pass + 1))
	else
		echo "compat: FAILED $ver ($kdir), log: $out.log"
		tail -n 20 "$out.log"
		fail=$((fail + 1))
	fi
done
echo "compat: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
