#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# bench.sh: what "make bench" does.  Builds memsim_bench.ko (module/bench/,
# the core compiled in) and memsim.ko against Debian's own 6.1 kernel, which
# has drm.ko, drm_buddy.ko and genalloc, and the ioctl benchmark; boots that
# kernel in QEMU with -icount shift=0 (1 guest ns = 1 instruction) and runs
# scripts/guest/bench.sh: drm, drm_buddy, then memsim_bench.ko, whose load
# runs every allocator on one seeded workload, then memsim.ko and
# memsim-ioctlbench.  Writes build/bench/:
#   bench.txt     the allocator table (text)
#   bench.json    the same, one object per row
#   ioctl.txt     single ioctls against BATCH, trace and tracepoints on/off
#   ioctl.json    the same
#   console.log   the guest's console (kernel log), console.log.results
#                 the guest command's output
# Environment:
#   MEMSIM_BENCH_PARAMS  memsim_bench.ko parameters (modinfo lists them),
#                        e.g. "n_list=1000000 steady_n=0 align_list=" for
#                        a million live blocks alone (the default list,
#                        1000,10000,100000, leaves it out: its fills and
#                        teardowns take some 100 s of guest time, 5-8 min
#                        on a loaded 2-core host)
#   MEMSIM_BENCH_IOCTL   memsim-ioctlbench arguments (default: --live 1000
#                        --pairs 20000 --batch 256 --sim-ops 100000)
#   MEMSIM_BENCH_MEMORY  guest memory (default 4G: a million live blocks
#                        of memsim take about 400 MiB, of drm_buddy more)
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top"
t0=$(date +%s)
if ! dver=$("$top/scripts/distro-kernel.sh"); then
	echo "bench: no Debian 6.1 kernel image with headers" >&2
	exit 1
fi
kdir=/lib/modules/$dver/build
out=$top/build/bench
mkdir -p "$out"

echo "bench: building memsim_bench.ko and memsim.ko for $dver"
"$top/scripts/build-module.sh" "$kdir" "$out/kbuild" MEMSIM_BENCH=1 > "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }
"$top/scripts/build-module.sh" "$kdir" "$top/build/compat/$dver" >> "$out/build.log" 2>&1 ||
	{ cat "$out/build.log"; exit 1; }
make -s -C "$top" ioctlbench

# drm.ko and drm_buddy.ko of that kernel, decompressed for busybox insmod.
drmdir=/lib/modules/$dver/kernel/drivers/gpu/drm
for m in drm drm_buddy; do
	if [ -e "$drmdir/$m.ko" ]; then
		cp "$drmdir/$m.ko" "$out/$m.ko"
	elif [ -e "$drmdir/$m.ko.xz" ]; then
		xz -dc "$drmdir/$m.ko.xz" > "$out/$m.ko"
	elif [ -e "$drmdir/$m.ko.zst" ]; then
		zstd -dcq "$drmdir/$m.ko.zst" > "$out/$m.ko"
	else
		echo "bench: no $m.ko in $drmdir" >&2
		exit 1
	fi
done

vmlinuz=/boot/vmlinuz-$dver
if [ ! -r "$vmlinuz" ]; then
	sudo cat "$vmlinuz" > "$out/vmlinuz-$dver"
	vmlinuz=$out/vmlinuz-$dver
fi

rev=$(git -C "$top" describe --always --dirty 2> /dev/null || echo unknown)
params="tag=$rev ${MEMSIM_BENCH_PARAMS:-}"
ioctl_args=${MEMSIM_BENCH_IOCTL:---live 1000 --pairs 20000 --batch 256 --sim-ops 100000}
echo "bench: running the guest (memsim_bench.ko $params)"
# shellcheck disable=SC2086
"$top/scripts/vm-run" --icount --quiet --memory "${MEMSIM_BENCH_MEMORY:-4G}" \
	--timeout 3600 --log "$out/console.log" --kernel "$vmlinuz" \
	--add "$out/drm.ko" --add "$out/drm_buddy.ko" \
	--add "$out/kbuild/module/memsim_bench.ko" \
	--add "$top/build/compat/$dver/module/memsim.ko" \
	--add "$top/build/userspace/memsim-ioctlbench" \
	--add "$top/scripts/guest/bench.sh" -- \
	sh bench.sh "$params" $ioctl_args --json > "$out/vm-run.log" 2>&1 ||
	{ cat "$out/vm-run.log"; exit 1; }

res=$out/console.log.results
between() {
	sed -n "/^$1-BEGIN\$/,/^$1-END\$/{//!p}" "$res"
}
between MEMSIM-BENCH-TABLE > "$out/bench.txt"
between MEMSIM-BENCH-JSON > "$out/bench.json"
between MEMSIM-IOCTLBENCH | grep -v '^{' > "$out/ioctl.txt" || true
between MEMSIM-IOCTLBENCH | grep '^{' > "$out/ioctl.json" || true
[ -s "$out/bench.txt" ] && [ -s "$out/ioctl.txt" ] ||
	{ echo "bench: the guest printed no table, see $out/console.log" >&2; exit 1; }
for j in "$out/bench.json" "$out/ioctl.json"; do
	python3 -m json.tool "$j" > /dev/null || { echo "bench: $j is not JSON" >&2; exit 1; }
done
cat "$out/bench.txt"
echo
cat "$out/ioctl.txt"
echo
grep '^vm-run:' "$out/vm-run.log" || true
echo "bench: results in $out/ (bench.txt, bench.json, ioctl.txt, ioctl.json); $(( $(date +%s) - t0 )) s"
