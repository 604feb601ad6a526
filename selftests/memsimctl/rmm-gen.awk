# SPDX-License-Identifier: GPL-2.0
#
# rmm-gen.awk: a made-up RMM log (logging_resource_adaptor CSV) of N
# events for the replay tests and the speed figure of
# Documentation/memsimctl.rst ("replay", Speed):
#
#   awk -v n=100000 -f rmm-gen.awk > big.csv
#
# Allocations of 256 B to 64 KiB (multiples of 256) on three streams; an
# event frees with probability live/1000, so about 500 allocations are live
# at a time, and each free takes a live allocation drawn at random: most
# free an allocation made long before.  The draws come
# from a Park-Miller generator (seed 1), so every awk writes the same file.
# About 16 MiB are live at a time: replay it with --device-size 256M.
function draw() {
	x = (x * 16807) % 2147483647
	return x
}
BEGIN {
	if (n == "")
		n = 100000
	x = 1
	live = 0
	id = 0
	t = 0
	print "Thread,Time,Action,Pointer,Size,Stream"
	for (i = 0; i < n; i++) {
		t += 17 + draw() % 50
		us = t % 1000000
		s = int(t / 1000000)
		clock = sprintf("10:%02d:%02d.%06d", int(s / 60) % 60, s % 60, us)
		if (live > 0 && draw() % 1000 < live) {
			k = draw() % live
			printf "1,%s,free,%s,%d,0x%x\n", clock, ptr[k], size[k], strm[k]
			live--
			ptr[k] = ptr[live]
			size[k] = size[live]
			strm[k] = strm[live]
			continue
		}
		ptr[live] = sprintf("0x7f%08x00000", id)
		size[live] = 256 * (1 + draw() % 256)
		strm[live] = (draw() % 3) * 4096
		printf "1,%s,allocate,%s,%d,0x%x\n", clock, ptr[live], size[live], strm[live]
		live++
		id++
	}
}
