#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check.sh: every memsim test, as "make check" runs it.
#
#   build    modules, memsimctl and kselftests against the 6.12 test kernel
#   lint     scripts/lint.sh
#   host     make hosttest: the allocator core in userspace (ASan, UBSan)
#            against its reference model; then make ctltest: memsimctl's
#            pure modules (option parser, numbers...) on the host
#   vm-6.12  the debug test kernel (KASAN, lockdep, kmemleak, UBSAN), 2 GiB:
#            load, KUnit suites, kselftests, the memsimctl tests
#            (selftests/memsimctl/run.sh), unload, kernel log and kmemleak
#            clean
#   install  make install and make uninstall into temporary DESTDIRs (the
#            module for Debian's 6.1 headers), an example program built
#            against the installed tree with pkg-config
#            (scripts/check-install.sh)
#   distro   the module built against Debian's own kernel headers (6.1)
#   vm-6.1   Debian's own vmlinuz: load, kselftests, memsimctl tests, unload
#   python   the Python package's tests (userspace/python/tests) in a 6.1
#            guest chrooted into the host's root over virtio-9p, against
#            vm-6.1's module (scripts/check-python.sh)
#   pictures the SVG and HTML files memsimctl drew in the VMs
#            (selftests/memsimctl/t-pictures.sh ships them on the results
#            logs), checked with xmllint and rsvg-convert
#            (scripts/check-pictures.sh)
#   dkms     dkms.conf through Debian's dkms: add, build, install, remove
#            for Debian's 6.1 headers in a sandbox; the machine's
#            /var/lib/dkms, /usr/src, /lib/modules unchanged
#            (scripts/check-dkms.sh)
#   deb      make deb: the Debian packages built in build/deb/, lintian
#            without an error, the contents of each .deb (scripts/deb.sh)
#
# Each stage's log is kept in build/check/.  The last line sums the test
# cases of every stage: "N passed, N failed".  Exit status 1 on any failure.
# While a stage runs, its progress lines ("vm-run: [12s] ...") are shown
# indented, as "  vm-6.12: [12s] ...".
#
# A VM stage is killed after MEMSIM_VM_TIMEOUT seconds if that is set, else
# after 1800 s (vm-6.12, about 4 minutes idle) or 900 s (vm-6.1, under a
# minute): even both hanging end make check within an hour.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
cd "$top" || exit 1
logs=$top/build/check
rm -rf "$logs"
mkdir -p "$logs"

total_pass=0
total_fail=0

# stage NAME COMMAND...: run COMMAND with its output in build/check/NAME.log.
# Its cases are read from its last "N passed, N failed" line; a command that
# prints none counts as one case, passed when it exits 0.
stage() {
	local name=$1 log=$logs/$1.log p f line start
	shift
	start=$(date +%s)
	"$@" 2>&1 | tee "$log" |
		sed -un -E "s/^[a-z0-9.-]+: (\[[0-9]+s\] .*)/  $name: \1/p"
	local st=${PIPESTATUS[0]}
	line=$(grep -E '([a-z0-9.-]+: )?[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	if [ -n "$line" ]; then
		p=$(echo "$line" | sed -E 's/.*\b([0-9]+) passed.*/\1/')
		f=$(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')
		# A non-zero exit with no failed case still is a failure.
		[ $st -ne 0 ] && [ "$f" -eq 0 ] && f=1
	elif [ $st -eq 0 ]; then
		p=1 f=0
	else
		p=0 f=1
	fi
	total_pass=$((total_pass + p))
	total_fail=$((total_fail + f))
	printf 'check: %-8s %3d passed %3d failed  %4ds  %s\n' "$name" "$p" "$f" \
		$(( $(date +%s) - start )) "${log#"$top"/}"
	if [ "$f" -ne 0 ]; then
		echo "---- last lines of $name.log"
		tail -n 40 "$log"
		echo "----"
	fi
	return $st
}

echo "check: preparing the test kernel (cached after the first run)"
if ! KDIR=$("$top/scripts/build-testkernel.sh" 2> "$logs/testkernel.log"); then
	tail -n 30 "$logs/testkernel.log"
	echo "0 passed, 1 failed"
	exit 1
fi
export KDIR
KSRC=$("$top/scripts/fetch-kernel-source.sh" 2>> "$logs/testkernel.log")
export KSRC

built=1
stage build make -C "$top" all KDIR="$KDIR" KSRC="$KSRC" || built=0

stage lint "$top/scripts/lint.sh"

# The host harness, then memsimctl's host tests, summed in one line.
host_tests() {
	local st=0 p=0 f=0 line target
	for target in hosttest ctltest; do
		make -C "$top" "$target" KSRC="$KSRC" 2>&1 | tee "$logs/$target.log"
		[ "${PIPESTATUS[0]}" -eq 0 ] || st=1
		line=$(grep -E '^[a-z]+: [0-9]+ passed, [0-9]+ failed' "$logs/$target.log" |
		       tail -n 1)
		if [ -n "$line" ]; then
			p=$((p + $(echo "$line" | sed -E 's/.*: ([0-9]+) passed.*/\1/')))
			f=$((f + $(echo "$line" | sed -E 's/.* ([0-9]+) failed.*/\1/')))
		else
			f=$((f + 1))
		fi
	done
	echo "host: $p passed, $f failed"
	return $st
}
stage host host_tests

selftests=()
for t in build/selftests/*_test; do
	[ -x "$t" ] && selftests+=("$t")
done
names=()
for t in "${selftests[@]}"; do
	names+=("$(basename "$t")")
done
adds=()
for t in "${selftests[@]}" scripts/guest/memsim-tests.sh; do
	adds+=(--add "$t")
done
# The fuzzer: memsim-tests.sh runs it when present (20,000 operations).
# memsim_bounds_test's million-block case takes ~15 minutes under KASAN in
# TCG: the debug stage runs it with 2,800 allocations (106,000 block
# structures, more than the 76,000 whose close stalled RCU before the
# fix), Debian's kernel with the full 28,000 (a million).
[ -x build/selftests/memsim_fuzz ] && adds+=(--add build/selftests/memsim_fuzz)
# memsimctl and its tests (selftests/memsimctl/, userspace/examples/ in one
# tarball): memsim-tests.sh runs them after the kselftests when present.
if [ -x build/userspace/memsimctl ] && [ -f build/memsimctl-tests.tar ]; then
	adds+=(--add build/userspace/memsimctl --add build/memsimctl-tests.tar)
fi

if [ $built -eq 1 ]; then
	stage vm-6.12 "$top/scripts/vm-run" --quiet --log "$logs/vm-6.12.console" \
		--timeout "${MEMSIM_VM_TIMEOUT:-1800}" --memory 2G \
		--kernel "$KDIR/arch/x86/boot/bzImage" \
		--add module/memsim.ko --add module/memsim_test.ko "${adds[@]}" \
		-- env MEMSIM_BOUNDS_ALLOCS="${MEMSIM_BOUNDS_ALLOCS:-2800}" \
		sh memsim-tests.sh "${names[@]}"
else
	echo "check: vm-6.12 skipped: the build failed"
	total_fail=$((total_fail + 1))
fi

# The distribution kernel: the newest 6.1 that has both an image and headers.
dver=$("$top/scripts/distro-kernel.sh" || true)
if [ -z "$dver" ]; then
	echo "check: no Debian 6.1 kernel image with headers (linux-image-amd64, linux-headers-amd64)"
	total_fail=$((total_fail + 1))
else
	dout=$top/build/compat/$dver
	# make install and make uninstall into temporary DESTDIRs, the module
	# for this kernel, an example program built with pkg-config.
	stage install "$top/scripts/check-install.sh" "/lib/modules/$dver/build"
	if stage distro "$top/scripts/build-module.sh" "/lib/modules/$dver/build" "$dout"; then
		vmlinuz=/boot/vmlinuz-$dver
		# Debian keeps vmlinuz readable by root only.
		if [ ! -r "$vmlinuz" ]; then
			sudo cat "$vmlinuz" > "$logs/vmlinuz-$dver"
			vmlinuz=$logs/vmlinuz-$dver
		fi
		stage vm-6.1 "$top/scripts/vm-run" --quiet --log "$logs/vm-6.1.console" \
			--timeout "${MEMSIM_VM_TIMEOUT:-900}" \
			--kernel "$vmlinuz" --add "$dout/module/memsim.ko" "${adds[@]}" \
			-- sh memsim-tests.sh "${names[@]}"
		stage python "$top/scripts/check-python.sh" --kver "$dver" --kernel "$vmlinuz" \
			--module "$dout/module/memsim.ko" --log "$logs/python.console"
	fi
fi

# The pictures of both VMs (vm-6.1's if it ran), checked on the host.
if [ $built -eq 1 ]; then
	pic_logs=("$logs/vm-6.12.console.results")
	[ -f "$logs/vm-6.1.console.results" ] && pic_logs+=("$logs/vm-6.1.console.results")
	stage pictures "$top/scripts/check-pictures.sh" "${pic_logs[@]}"
fi

# DKMS for Debian's kernel, and the Debian packages; neither needs a VM.
[ -n "$dver" ] && stage dkms "$top/scripts/check-dkms.sh" "$dver"
stage deb "$top/scripts/deb.sh"

echo "$total_pass passed, $total_fail failed"
[ "$total_fail" -eq 0 ]
