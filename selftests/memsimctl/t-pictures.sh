#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-pictures.sh: memsimctl's pictures (Documentation/memsimctl.rst,
# "Pictures: SVG and HTML"): map --svg and --html, timeline --svg,
# --series-svg and --html from a script and from a saved trace, on small
# scripts whose blocks and allocations are counted here from the script
# itself.  Needs /dev/memsim.
#
# The guest has no XML tools: the files are counted here with grep, and
# each one is also printed, base64-encoded, between the lines
#   # memsim-file: NAME block=N alloc=N ...
#   #= ...base64...
#   # memsim-file-end: NAME
# so that scripts/check-pictures.sh on the host can take it out of the VM's
# results log and check it with xmllint and rsvg-convert against the same
# counts.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# count FILE STRING: how many times STRING occurs in FILE.
count() {
	grep -o -- "$2" "$1" | wc -l | tr -d ' '
}

# expect_count N FILE STRING WHAT: one case.
expect_count() {
	_n=$(count "$2" "$3")
	if [ -f "$2" ] && [ "$_n" -eq "$1" ]; then
		ok "$2: $1 $4"
	else
		not_ok "$2: $1 $4"
		echo "# got $_n of '$3' in $2"
	fi
}

# ship NAME FILE KEY=N...: FILE for the host, with the counts it must have
# ("missing" instead, if the file is not there).
ship() {
	_name=$1
	_file=$2
	shift 2
	if [ ! -f "$_file" ]; then
		echo "# memsim-file: $_name missing"
		return 0
	fi
	echo "# memsim-file: $_name $*"
	base64 "$_file" | sed 's/^/#= /'
	echo "# memsim-file-end: $_name"
}

BLOCK='<rect class="block"'
ALLOC='<rect class="alloc"'

# Two segments on two streams; the map ends with 6 blocks: in segment 1 A's
# hole, C and the tail; in segment 2 B, D (deferred) and the tail.
msim two.msim <<'M'
strategy first
segment 0 1M as s0
segment 16M 256K stream=1 as s1
alloc 64K stream=0 as a
alloc 128K stream=1 as b
alloc 32K stream=0 label=the_c as c
free $a
alloc 16K stream=1 as d
free $d defer
M
# The line that says what was written ends with the file's size.
sizeless() {
	ctl "$@" | sed 's/, [0-9]* bytes$/, N bytes/'
}
expect_out sizeless map --svg two.svg two.msim <<'E'
two.svg: address space (SVG), 2 segments, 6 blocks, N bytes
E
expect_count 6 two.svg "$BLOCK" "rect.block"
expect_count 3 two.svg 'data-state="free"' "free blocks"
expect_count 2 two.svg 'data-state="alloc"' "allocated blocks"
expect_count 1 two.svg 'data-state="free_requested"' "deferred block"
expect_count 2 two.svg 'class="segment-row"' "segment rows"
expect_count 1 two.svg 'label: the_c' "label in C's tooltip"
# The owners: the command name comes from the trace (map's evidence ring);
# without one, the process id only.
owners() {
	ctl map --svg owners.svg "$@" two.msim > /dev/null &&
		grep -c 'owner: [0-9][0-9]* memsimctl</title>' owners.svg
	grep -c 'owner: [0-9][0-9]*</title>' owners.svg
}
expect_out owners <<'E'
3
0
E
expect_out owners --no-evidence <<'E'
0
3
E
expect_exit 0 ctl map --html two.html two.msim
expect_count 6 two.html "$BLOCK" "rect.block in the page"
expect_count 1 two.html '<table class="summary">' "summary table"
expect_count 0 two.html "$ALLOC" "rect.alloc (map only)"
# The text map stays the default.
expect_out ctl map two.msim <<'E'
segment	start	slice	map
1	0x0	16384	....##..........................................................
2	0x1000000	4096	################################DDDD............................
E
# --json: one object per file.
json_sizeless() {
	ctl --json map --svg two.svg --html two.html two.msim |
		sed 's/"bytes":[0-9]*/"bytes":N/'
}
expect_out json_sizeless <<'E'
{"cmd":"map","ok":true,"file":"two.svg","picture":"map","segments":2,"blocks":6,"bytes":N}
{"cmd":"map","ok":true,"file":"two.html","picture":"html","segments":2,"blocks":6,"bytes":N}
E
# - writes the picture to standard output, and nothing else.
svg_stdout() {
	ctl map --svg - two.msim | grep -c '^<svg '
}
expect_out svg_stdout <<'E'
1
E
# ... even when another picture goes to a file.
svg_stdout_html() {
	ctl map --svg - --html two-b.html two.msim | tail -n 1
}
expect_out svg_stdout_html <<'E'
</svg>
E
expect_count 6 two-b.html "$BLOCK" "rect.block beside a picture on stdout"

# Allocations over time: A, B, C, D (4), one failure; A's free deferred.
# At the end: A's hole, D in B's, C, the tail: 4 blocks.
msim four.msim <<'M'
strategy first
segment 0 1M
alloc 4K as a
alloc 8K as b
alloc 16K as c
free $b
alloc 8K as d
free $a defer
complete $a
expect-error ENOSPC alloc 2M
M
expect_out sizeless timeline --svg four.svg --series-svg four-series.svg \
	--html four.html four.msim <<'E'
four.svg: allocations over time (SVG), 4 allocations, 1 failed, N bytes
four-series.svg: utilization and fragmentation over time (SVG), 10 points, N bytes
four.html: HTML page, 1 segment, 4 blocks, 4 allocations, 1 failed, 10 points, N bytes
E
expect_count 4 four.svg "$ALLOC" "rect.alloc"
expect_count 1 four.svg '<rect class="pending"' "deferred free"
expect_count 1 four.svg '<path class="fail"' "failed allocation"
expect_count 2 four.svg 'data-live="1"' "live at the end"
expect_count 6 four-series.svg '<polyline class="series"' "series lines"
expect_count 4 four.html "$ALLOC" "rect.alloc in the page"
expect_count 4 four.html "$BLOCK" "rect.block in the page (the end)"
expect_count 6 four.html '<polyline class="series"' "series lines in the page"
# C and D in the map, the four allocations in the timeline.
expect_count 6 four.html 'owner: [0-9]* memsimctl' "owners with their command name"

# A saved trace gives the same pictures, and the same end state.
ndjson_trace() {
	ctl trace --format ndjson four.msim > four.ndjson
}
csv_trace() {
	ctl trace --format csv four.msim > four.csv
}
expect_exit 0 ndjson_trace
expect_exit 0 csv_trace
expect_exit 0 ctl timeline --svg off.svg --html off.html --trace four.ndjson
expect_count 4 off.svg "$ALLOC" "rect.alloc from the NDJSON trace"
expect_count 4 off.html "$BLOCK" "rect.block of the trace's end"
expect_exit 0 ctl timeline --html offcsv.html --trace four.csv
expect_count 4 offcsv.html "$ALLOC" "rect.alloc from the CSV trace"
expect_count 4 offcsv.html "$BLOCK" "rect.block from the CSV trace"

# A ring too small: the records lost are said on stderr and in the title.
records=$(ctl trace four.msim | wc -l)
lost=$((records - 1 - 3))
expect_err "^memsimctl: trace: $lost records lost \(ring capacity 3\)" \
	ctl timeline --capacity 3 --svg small.svg four.msim
expect_count 1 small.svg "($lost trace records lost)</text>" "lost records in the title"

# A script that turns the trace off loses its records, and says so.
msim off.msim <<'M'
segment 0 64K
alloc 4K
trace off
M
expect_err "^memsimctl: trace: 3 records lost \(the trace is off\): the pictures lack them$" \
	ctl timeline --svg off-tl.svg off.msim
expect_count 0 off-tl.svg "$ALLOC" "rect.alloc: none left"

# The buddy system: the end of demo.msim, 2 blocks allocated and the free
# space cut into 6 naturally aligned blocks; its saved trace ends the same.
expect_exit 0 ctl map --svg demo.svg "$EXAMPLES/demo.msim"
expect_count 8 demo.svg "$BLOCK" "rect.block (buddy)"
demo_trace() {
	ctl trace --format ndjson "$EXAMPLES/demo.msim" > demo.ndjson
}
expect_exit 0 demo_trace
expect_exit 0 ctl timeline --html demo.html --trace demo.ndjson
expect_count 8 demo.html "$BLOCK" "rect.block of the trace's end (buddy)"
expect_count 11 demo.html "$ALLOC" "rect.alloc of demo.msim"

# A failing script: exit 1, and the pictures of the instance as it stood
# at the failure (at the end with --keep-going).
msim fails.msim <<'M'
segment 0 64K
alloc 4K
alloc 1M
alloc 2M
alloc 8K
M
expect_exit 1 ctl map --svg fail.svg --evidence ev.txt fails.msim
expect_count 2 fail.svg "$BLOCK" "rect.block at the failure"
expect_exit 1 ctl timeline --svg tfail.svg --no-evidence fails.msim
expect_count 1 tfail.svg '<path class="fail"' "failed allocation: the first"
expect_count 1 tfail.svg "$ALLOC" "rect.alloc before the failure"
expect_exit 1 ctl timeline --svg tkeep.svg --keep-going --no-evidence fails.msim
expect_count 2 tkeep.svg '<path class="fail"' "failed allocations: --keep-going"
expect_count 2 tkeep.svg "$ALLOC" "rect.alloc: --keep-going"
expect_exit 2 ctl timeline four.msim
expect_exit 2 ctl timeline --svg a.svg --trace four.ndjson four.msim
expect_exit 2 ctl map --svg a.svg --debugfs four.msim
expect_exit 2 ctl timeline --svg a.svg --keep-going --trace four.ndjson
expect_err "only one picture can go to standard output" \
	ctl timeline --svg - --html - four.msim

ship two.svg two.svg block=6 alloc=0 segment-row=2
ship two.html two.html block=6 alloc=0
ship four.svg four.svg alloc=4 block=0 pending=1
ship four-series.svg four-series.svg series=6
ship four.html four.html block=4 alloc=4 series=6
ship off.html off.html block=4 alloc=4 series=6
ship demo.svg demo.svg block=8
ship tkeep.svg tkeep.svg alloc=2 fail=2
done_testing
