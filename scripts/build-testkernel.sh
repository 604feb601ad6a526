#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# Build (or find in the cache) the memsim test kernel: Linux 6.12 from
# Debian 13's linux-source-6.12, tinyconfig plus scripts/kconfig/*.config.
#
# The result lives outside the repository, in
#   $CACHE/kernel/<source version>-<config hash>/
# holding the build tree (KDIR for out-of-tree modules, with Module.symvers)
# and bzImage.  The key changes when the source package version, the config
# fragment or this script changes; nothing else triggers a rebuild.
#
# Prints the build directory on stdout; progress goes to stderr.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
CACHE=${MEMSIM_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/memsim}
frag=$here/kconfig/memsim-debug.config
jobs=${JOBS:-$(nproc)}

log() { echo "build-testkernel: $*" >&2; }

ksrc=$("$here/fetch-kernel-source.sh")
ver=$(basename "$ksrc")
hash=$(cat "$frag" "$0" | sha256sum | cut -c1-12)
out=$CACHE/kernel/$ver-$hash

if [ -f "$out/.memsim-built" ]; then
	log "cached: $out"
	echo "$out"
	exit 0
fi

log "building $ver (config $hash) in $out; about 5 minutes on 2 cores"
rm -rf "$out"
mkdir -p "$out"
kmake() { make -s -C "$ksrc" O="$out" ARCH=x86_64 "$@"; }

kmake tinyconfig >&2
"$ksrc/scripts/kconfig/merge_config.sh" -m -O "$out" "$out/.config" "$frag" \
	>"$out/merge_config.log" 2>&1 || { cat "$out/merge_config.log" >&2; exit 1; }
kmake olddefconfig >&2

# Refuse a kernel that silently lost a requested option.
bad=0
while IFS= read -r line; do
	case "$line" in
	CONFIG_*=*)
		grep -qx "$line" "$out/.config" || { log "missing: $line"; bad=1; } ;;
	"# CONFIG_"*" is not set")
		opt=${line#\# }
		opt=${opt%% *}
		if grep -q "^$opt=" "$out/.config"; then
			log "unexpectedly set: $opt"; bad=1
		fi ;;
	esac
done < "$frag"
[ "$bad" -eq 0 ] || { log "config check failed"; exit 1; }

# "modules" writes Module.symvers, which modpost needs to resolve the
# sanitizer and KUnit symbols of out-of-tree modules.
kmake -j"$jobs" bzImage modules >&2
touch "$out/.memsim-built"
log "done: $out/arch/x86/boot/bzImage"
echo "$out"
