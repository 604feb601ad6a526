#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# The "make run" demo, inside the VM (scripts/run-demo.sh starts it): what
# memsim is for, in five short steps with memsimctl: where each strategy
# places the same request, a failure explained with the kernel's figures,
# the strategies compared on one workload, a recorded trace replayed, and
# pictures of the address space sent to the host.  The files it sends
# travel on the console (ttyS0) between MEMSIM-FILE markers, base64.

set -e
insmod ./memsim.ko

cat <<'TXT'
memsim simulates a device's memory (think GPU VRAM) inside the Linux
kernel: segments of an address space, split into blocks by a placement
strategy you choose, with per-stream blocks, deferred frees, a trace of
every operation and fragmentation figures.  It hands out no real memory:
it is an instrument for studying and testing allocation policies.

TXT

# 1. The same free space, the same request, four strategies.
cat > /tmp/place.msim <<'MSIM'
# 1 MiB at 0: four blocks, then two holes: 64 KiB at 0 and 24 KiB at 80 KiB
segment 0 1M
alloc 64K as a
alloc 16K as b
alloc 24K as c
alloc 16K as d
free $a
free $c
strategy STRATEGY
alloc 16K as x
MSIM
echo "== 1. Where does a 16 KiB request go?  Free: a 64 KiB hole at 0x0,"
echo "   a 24 KiB hole at 0x14000, and the tail from 0x1e000."
for s in first best worst next; do
	sed "s/STRATEGY/$s/" /tmp/place.msim > /tmp/place-$s.msim
	addr=$(./memsimctl run /tmp/place-$s.msim |
	       sed -n 's/^alloc 16384: \(0x[0-9a-f]*\),.*-> \$x$/\1/p')
	printf '   %-6s fit puts it at %s\n' "$s" "$addr"
done
echo

# 2. A failure, explained.
cat > /tmp/frag.msim <<'MSIM'
# 16 MiB; sixteen 1 MiB blocks; every other one freed: 8 MiB free, scattered
segment 0 16M stream=1
repeat 16 i
	alloc 1M stream=1 as b[i]
end
repeat 8 i
	free $b[i*2]
end
alloc 2M stream=1
MSIM
echo "== 2. Why did an allocation fail?  (memsimctl run frag.msim)"
./memsimctl run --evidence /tmp/evidence.txt /tmp/frag.msim > /dev/null 2> /tmp/frag.err || true
sed -n '1,4p' /tmp/frag.err | sed 's/^/   /'
echo "   ..."
tail -n 1 /tmp/frag.err | sed 's/^/   /' 
echo "   ... and the instance as it stood is kept in the evidence file:"
sed -n '/^== map/,/^== blocks/p' /tmp/evidence.txt | sed '$d' | sed 's/^/   /'
echo

# 3. All strategies on one workload.
echo "== 3. Which strategy suits this workload, and how much memory does it"
echo "   cost?  (memsimctl compare --device-size 32K --min-capacity compare.msim)"
./memsimctl compare --device-size 32K --min-capacity --jobs 1 compare.msim | sed 's/^/   /'
echo

# 4. A recorded trace, replayed.
echo "== 4. A RAPIDS RMM log replayed on a 2 MiB device under best fit"
echo "   (memsimctl replay --keep-going --strategy best --device-size 2M rmm.csv)"
./memsimctl replay --keep-going --no-evidence --strategy best --device-size 2M rmm.csv 2>&1 |
	sed 's/^/   /' || true
echo

# 5. Pictures.
echo "== 5. Pictures of the address space and its timeline"
./memsimctl map --html /tmp/memsim-map.html /tmp/place-first.msim > /dev/null
./memsimctl timeline --svg /tmp/memsim-timeline.svg /tmp/frag.msim > /dev/null 2>&1 || true
for f in /tmp/memsim-map.html /tmp/memsim-timeline.svg; do
	[ -f "$f" ] || continue
	{
		echo "MEMSIM-FILE-BEGIN $(basename "$f")"
		base64 "$f"
		echo "MEMSIM-FILE-END"
	} > /dev/ttyS0
done

rmmod memsim
