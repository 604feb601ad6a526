#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-demo.sh: what "make run" does.  Builds memsim against the debug test
# kernel, boots that kernel in QEMU with a quiet console, runs
# scripts/guest/demo.sh there showing only its own output, and writes the
# pictures it makes to build/demo/ on the host.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KDIR=$("$top/scripts/build-testkernel.sh")
make -s -C "$top" modules userspace KDIR="$KDIR"
out=$top/build/demo
mkdir -p "$out"
rm -f "$out"/memsim-*

echo "make run: booting the memsim test kernel in QEMU (about 15 s) ..."
set +e
"$top/scripts/vm-run" --show-output --log "$out/vm.console" --append "loglevel=1" \
	--kernel "$KDIR/arch/x86/boot/bzImage" \
	--add module/memsim.ko --add build/userspace/memsimctl \
	--add userspace/examples/compare.msim \
	--add userspace/examples/traces/rmm.csv \
	--add scripts/guest/demo.sh -- sh demo.sh 2>&1 |
	tee "$out/vm.out" | grep --line-buffered -v '^vm-run: '
st=${PIPESTATUS[0]}
set -e

# The files the demo sent on the console, base64 between markers.
tr -d '\r' < "$out/vm.console" | awk -v dir="$out" '
	/^MEMSIM-FILE-BEGIN / { name = dir "/" $2; cmd = "base64 -d > \"" name "\""; next }
	/^MEMSIM-FILE-END/ { close(cmd); print name; name = ""; next }
	name != "" { print | cmd }
' | while read -r f; do
	echo "picture: ${f#"$top"/}"
done
if [ $st -ne 0 ]; then
	grep '^vm-run: ' "$out/vm.out" >&2 || true
	echo "make run: the demo failed (console log: build/demo/vm.console)" >&2
	exit $st
fi
echo "make run: done; open the pictures above in a browser."
