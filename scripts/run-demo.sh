#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# run-demo.sh: what "make run" does.  Builds memsim against the debug test
# kernel, boots that kernel in QEMU and runs scripts/guest/demo.sh there.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
KDIR=$("$top/scripts/build-testkernel.sh")
make -s -C "$top" modules userspace KDIR="$KDIR"
exec "$top/scripts/vm-run" --kernel "$KDIR/arch/x86/boot/bzImage" \
	--add module/memsim.ko --add build/userspace/memsimctl \
	--add scripts/guest/demo.sh -- sh demo.sh
