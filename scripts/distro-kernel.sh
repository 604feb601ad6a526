#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# distro-kernel.sh: print the version of the newest Debian 6.1 kernel that
# has both an image in /boot and its headers (linux-image-amd64,
# linux-headers-amd64); fail if there is none.
set -euo pipefail

dver=""
for d in /lib/modules/6.1.*/build; do
	v=$(basename "$(dirname "$d")")
	[ -f "$d/Makefile" ] && [ -e "/boot/vmlinuz-$v" ] && dver=$v
done
[ -n "$dver" ] || exit 1
echo "$dver"
