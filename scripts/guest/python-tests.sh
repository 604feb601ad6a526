#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Runs inside the test VM (scripts/vm-run --share-root): brings Python into
# the busybox guest and runs the memsim Python package's tests against the
# real module.
#
#   sh python-tests.sh REPO
#
# REPO is the memsim checkout's path on the host.  The script loads the
# virtio and 9p modules shipped in /memsim/ (any *.ko but memsim.ko, in the
# order of /memsim/modules.order; a kernel with them built in needs none),
# mounts the host's root filesystem, read-only over virtio-9p, on /host,
# mounts /proc, /sys, /dev and a tmpfs /tmp inside it, loads memsim.ko and
# runs /usr/bin/python3 REPO/userspace/python/tests/run.py chrooted into
# /host.  run.py prints one TAP line per unittest case and a last line
# "python: N passed, M failed".  Each step of this script prints a TAP line
# too; the host (scripts/check-python.sh) judges.

set -eu

n=0
failed=0
step() {
	# step DESCRIPTION COMMAND...: run COMMAND, print one TAP line for it.
	desc=$1
	shift
	n=$((n + 1))
	if "$@"; then
		echo "ok $n $desc"
	else
		echo "not ok $n $desc"
		failed=1
	fi
}

repo=${1:?usage: python-tests.sh REPO (the checkout on the host)}

load_9p() {
	[ -f /memsim/modules.order ] || return 0
	while read -r m; do
		[ -f "/memsim/$m.ko" ] || { echo "# $m.ko: not shipped"; return 1; }
		insmod "/memsim/$m.ko" || { echo "# insmod $m.ko failed"; return 1; }
	done < /memsim/modules.order
}

mount_host() {
	mkdir -p /host &&
	mount -t 9p -o trans=virtio,version=9p2000.L,ro,msize=262144 hostroot /host &&
	mount -t proc proc /host/proc &&
	mount -t sysfs sysfs /host/sys &&
	mount -t devtmpfs devtmpfs /host/dev &&
	mount -t tmpfs tmpfs /host/tmp
}

step "load the virtio and 9p modules" load_9p
step "mount the host's root over virtio-9p" mount_host
step "insmod memsim.ko" insmod /memsim/memsim.ko
step "/dev/memsim is a character device" test -c /host/dev/memsim

if [ $failed -eq 0 ]; then
	echo "# python: $repo/userspace/python/tests/run.py"
	chroot /host /usr/bin/env -i PATH=/usr/bin:/bin HOME=/tmp TMPDIR=/tmp \
		PYTHONDONTWRITEBYTECODE=1 LC_ALL=C.UTF-8 \
		/usr/bin/python3 "$repo/userspace/python/tests/run.py" || failed=1
fi

step "rmmod memsim" rmmod memsim
exit $failed
