#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Fetch Debian 13's linux-source-6.12 package and unpack it into the cache.
# Prints the path of the unpacked tree on stdout.
#
# apt runs with a private sources list, state and cache directory below the
# cache, so the system's apt configuration is neither read for sources nor
# changed.  The download is verified by apt against the Debian archive keyring.
set -eu

CACHE=${MEMSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memsim}
SUITE=${MEMSIM_KSRC_SUITE:-trixie}
PKG=${MEMSIM_KSRC_PKG:-linux-source-6.12}
MIRROR=${MEMSIM_MIRROR:-http://deb.debian.org/debian}

apt_dir=$CACHE/apt
src_root=$CACHE/src

log() { echo "fetch-kernel-source: $*" >&2; }

mkdir -p "$apt_dir/lists/partial" "$apt_dir/archives/partial" "$apt_dir/etc" "$src_root"

keyring=/usr/share/keyrings/debian-archive-keyring.gpg
# Written only when it changes, and atomically: a second make check running
# beside this one may be reading it.
line="deb [signed-by=$keyring] $MIRROR $SUITE main"
if [ "$(cat "$apt_dir/etc/sources.list" 2>/dev/null)" != "$line" ]; then
	echo "$line" > "$apt_dir/etc/sources.list.$$"
	mv -f "$apt_dir/etc/sources.list.$$" "$apt_dir/etc/sources.list"
fi

apt_private() {
	apt-get -q \
		-o Dir::Etc::SourceList="$apt_dir/etc/sources.list" \
		-o Dir::Etc::SourceParts=/nonexistent \
		-o Dir::State="$apt_dir" \
		-o Dir::State::Lists="$apt_dir/lists" \
		-o Dir::State::status=/dev/null \
		-o Dir::Cache="$apt_dir" \
		-o Dir::Cache::archives="$apt_dir/archives" \
		-o APT::Sandbox::User=root \
		"$@"
}

deb=$(ls "$apt_dir"/archives/"${PKG}"_*.deb 2>/dev/null | tail -n 1 || true)
if [ -z "$deb" ]; then
	log "downloading $PKG from $SUITE"
	apt_private update >&2
	(cd "$apt_dir/archives" && apt_private download "$PKG" >&2)
	deb=$(ls "$apt_dir"/archives/"${PKG}"_*.deb | tail -n 1)
fi

ver=$(dpkg-deb -f "$deb" Version)
dest=$src_root/$PKG-$ver
if [ ! -f "$dest/.memsim-unpacked" ]; then
	log "unpacking $deb"
	rm -rf "$dest.tmp"
	mkdir -p "$dest.tmp"
	dpkg-deb -x "$deb" "$dest.tmp/pkg"
	tarball=$(ls "$dest.tmp"/pkg/usr/src/linux-source-*.tar.* | head -n 1)
	mkdir -p "$dest.tmp/tree"
	tar -xf "$tarball" -C "$dest.tmp/tree" --strip-components=1
	rm -rf "$dest"
	mv "$dest.tmp/tree" "$dest"
	rm -rf "$dest.tmp"
	touch "$dest/.memsim-unpacked"
fi
echo "$dest"
