#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Install, through apt, whatever memsim's build and VM tests need and the
# machine lacks (with the argument "hostfuzz", what make hostfuzz needs too).  Idempotent: a second run installs nothing and returns fast.
#
# Debian 12 (bookworm) package names (libjansson-dev: the JSON parser of
# memsimctl replay, linked statically from libjansson.a; python3-docutils'
# rst2man renders the man pages, man-db and groff-base check them; dkms to
# lintian: scripts/check-dkms.sh, and make deb with debian/control's
# Build-Depends).  The 6.12 kernel source is not fetched here:
# scripts/fetch-kernel-source.sh takes it from Debian 13 with a private apt
# state, so the system's apt sources are never touched.
set -eu

pkgs="build-essential bc bison flex cpio kmod libelf-dev libssl-dev \
	python3 python3-docutils man-db groff-base perl xz-utils zstd rsync git \
	libjansson-dev pkgconf \
	qemu-system-x86 busybox-static \
	libxml2-utils librsvg2-bin \
	linux-headers-amd64 linux-image-amd64 \
	dkms dh-dkms debhelper dh-python pybuild-plugin-pyproject python3-all \
	python3-setuptools dpkg-dev fakeroot lintian"
# "install-deps.sh hostfuzz": also clang and its libFuzzer runtime.
if [ "${1:-}" = hostfuzz ]; then
	pkgs="$pkgs clang libclang-rt-14-dev"
fi

missing=""
for p in $pkgs; do
	if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed"; then
		missing="$missing $p"
	fi
done

[ -z "$missing" ] && exit 0

echo "install-deps: installing:$missing"
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO="sudo"
export DEBIAN_FRONTEND=noninteractive
# A stale package index is the usual reason an install fails on a fresh box.
$SUDO apt-get update -qq || true
# shellcheck disable=SC2086
$SUDO apt-get install -y -qq --no-install-recommends $missing
