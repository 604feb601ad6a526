#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-python.sh: the memsim Python package's tests (userspace/python/tests)
# inside a VM, against the real module.
#
#   scripts/check-python.sh [--kernel VMLINUZ] [--kver KVER] [--module KO]
#                           [--log FILE]
#
# Boots Debian's 6.1 kernel (default: the one scripts/distro-kernel.sh
# names, /boot/vmlinuz-KVER) with scripts/vm-run --share-root: the guest
# loads the kernel's own virtio and 9p modules (shipped from
# /lib/modules/KVER in dependency order; built-in ones are skipped), mounts
# the host's root filesystem read-only and chroots into it to run
# /usr/bin/python3 on this checkout's userspace/python/tests/run.py
# (scripts/guest/python-tests.sh).  KO is memsim.ko built for KVER (default:
# build/compat/KVER/module/memsim.ko, built by scripts/build-module.sh if
# missing, as make check's distro stage does).
#
# Last line: "python: N passed, M failed" from the unittest result; a guest
# that never printed one, a failed guest step or a dirty kernel log counts
# one more failure.  Exit status 0 only if nothing failed.  Run it under
# flock /tmp/memsim-heavy.lock when other heavy jobs may run.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
kernel="" kver="" module="" log=""
while [ $# -gt 0 ]; do
	case "$1" in
	--kernel) kernel=$2; shift 2 ;;
	--kver) kver=$2; shift 2 ;;
	--module) module=$2; shift 2 ;;
	--log) log=$2; shift 2 ;;
	*) echo "check-python: unknown option '$1' (see the header of $0)" >&2; exit 2 ;;
	esac
done

if [ -z "$kver" ]; then
	kver=$("$top/scripts/distro-kernel.sh") || {
		echo "check-python: no Debian 6.1 kernel with headers: install linux-image-amd64 and linux-headers-amd64 (scripts/install-deps.sh)" >&2
		echo "python: 0 passed, 1 failed"; exit 1; }
fi
[ -n "$kernel" ] || kernel=/boot/vmlinuz-$kver
moddir=/lib/modules/$kver
work=$(mktemp -d "${TMPDIR:-/tmp}/memsim-python.XXXXXX")
trap 'rm -rf "$work"' EXIT
if [ ! -r "$kernel" ]; then
	# Debian keeps vmlinuz readable by root only.
	sudo cat "$kernel" > "$work/vmlinuz"
	kernel=$work/vmlinuz
fi
if [ -z "$module" ]; then
	module=$top/build/compat/$kver/module/memsim.ko
	if [ ! -f "$module" ]; then
		"$top/scripts/build-module.sh" "$moddir/build" "$top/build/compat/$kver" > "$work/build.log" 2>&1 || {
			tail -n 20 "$work/build.log"
			echo "check-python: building memsim.ko for $kver failed"
			echo "python: 0 passed, 1 failed"; exit 1; }
	fi
fi
[ -f "$module" ] || { echo "check-python: $module: no such module"; echo "python: 0 passed, 1 failed"; exit 1; }

# The guest's 9p client, in dependency order (modules.dep of 6.1).
adds=(--add "$module" --add "$top/scripts/guest/python-tests.sh")
: > "$work/modules.order"
for m in virtio_ring virtio virtio_pci_legacy_dev virtio_pci_modern_dev virtio_pci \
	 netfs fscache 9pnet 9pnet_virtio 9p; do
	f=$(find "$moddir/kernel" -name "$m.ko" -print -quit)
	if [ -n "$f" ]; then
		cp "$f" "$work/$m.ko"
		adds+=(--add "$work/$m.ko")
		echo "$m" >> "$work/modules.order"
	elif ! grep -q "/$m.ko\$" "$moddir/modules.builtin" 2> /dev/null; then
		echo "check-python: $m.ko is neither a module in $moddir nor built in"
		echo "python: 0 passed, 1 failed"; exit 1
	fi
done
adds+=(--add "$work/modules.order")

[ -n "$log" ] || log=$work/python.console
set +e
"$top/scripts/vm-run" --quiet --share-root --log "$log" \
	--timeout "${MEMSIM_VM_TIMEOUT:-300}" --kernel "$kernel" "${adds[@]}" \
	-- sh python-tests.sh "$top" 2>&1 | tee "$work/vm-run.out"
vm_rc=${PIPESTATUS[0]}
set -e

# The unittest figures, from the guest's own output (the results port).
line=$(grep -E '^python: [0-9]+ passed, [0-9]+ failed' "$log.results" | tail -n 1 || true)
if [ -z "$line" ]; then
	echo "check-python: the guest printed no 'python: N passed, M failed' line; last lines of its output:"
	tail -n 30 "$log.results" 2> /dev/null || true
	echo "python: 0 passed, 1 failed"
	exit 1
fi
p=$(echo "$line" | sed -E 's/^python: ([0-9]+) passed.*/\1/')
f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
if [ "$vm_rc" -ne 0 ] && [ "$f" -eq 0 ]; then
	echo "check-python: vm-run failed (a guest step, or the kernel log): see above"
	f=1
fi
echo "python: $p passed, $f failed"
[ "$f" -eq 0 ]
