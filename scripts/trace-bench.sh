#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# trace-bench.sh: what "make tracebench" does.  Builds memsim against
# Debian's own 6.1 kernel (no debug options, so the figures are not those of
# KASAN), boots it in QEMU and runs the same seeded 200,000-operation
# SIMULATE with the operation trace off, on, and on with stacks.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
if ! dver=$("$top/scripts/distro-kernel.sh"); then
	echo "trace-bench: no Debian 6.1 kernel image with headers" >&2
	exit 1
fi
out=$top/build/compat/$dver
"$top/scripts/build-module.sh" "/lib/modules/$dver/build" "$out" > /dev/null
make -s -C "$top" userspace
vmlinuz=/boot/vmlinuz-$dver
if [ ! -r "$vmlinuz" ]; then
	mkdir -p "$top/build/check"
	sudo cat "$vmlinuz" > "$top/build/check/vmlinuz-$dver"
	vmlinuz=$top/build/check/vmlinuz-$dver
fi
exec "$top/scripts/vm-run" --kernel "$vmlinuz" \
	--add "$out/module/memsim.ko" --add build/userspace/memsimctl \
	--add userspace/examples/trace-cost.msim \
	--add scripts/guest/trace-bench.sh -- sh trace-bench.sh
