#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# check-pictures.sh: the pictures memsimctl drew in a test VM, checked on
# the host with real tools.
#
#   scripts/check-pictures.sh RESULTS_LOG...
#
# selftests/memsimctl/t-pictures.sh prints every picture it draws in the
# guest (which has no XML tools) base64-encoded on the VM's results log
# (scripts/vm-run --log FILE keeps it as FILE.results):
#
#   # memsim-file: NAME KEY=N KEY=N...
#   #= ...base64...
#   # memsim-file-end: NAME
#
# For each such file, this script decodes it into build/check/pictures/VM/
# (VM: the log's name without .console.results; $PICTURES_OUT overrides
# the directory) and checks it:
#   - complete (its end line is there) and decoded;
#   - SVG: xmllint --noout is silent, rsvg-convert renders it to a PNG;
#   - HTML: well-formed XML (xmllint --noout), and libxml2's HTML parser
#     finds nothing wrong but the SVG tags it does not know;
#   - for each KEY=N: N elements with class="KEY" (xmllint --xpath), e.g.
#     block=6 for six rect.block.
# A log without any picture fails one case.  Prints TAP, ending with
# "pictures: N passed, N failed"; exit status 1 if a case failed.
set -uo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
out=${PICTURES_OUT:-$top/build/check/pictures}

n=0
pass=0
fail=0

# tap STATUS DESCRIPTION: one case, passed when STATUS is 0.
tap() {
	n=$((n + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $n - $2"
		pass=$((pass + 1))
	else
		echo "not ok $n - $2"
		fail=$((fail + 1))
	fi
}

# check_svg VM NAME FILE
check_svg() {
	local msg
	msg=$(xmllint --noout "$3" 2>&1)
	[ -z "$msg" ]
	tap $? "$1: $2: xmllint --noout"
	[ -n "$msg" ] && echo "$msg" | head -n 8 | sed 's/^/#   /'
	rm -f "$3.png"
	msg=$(rsvg-convert -o "$3.png" "$3" 2>&1)
	[ -z "$msg" ] &&
		[ "$(head -c 8 "$3.png" 2> /dev/null | od -An -tx1 | tr -d ' \n')" = 89504e470d0a1a0a ]
	tap $? "$1: $2: rsvg-convert renders it"
	[ -n "$msg" ] && echo "$msg" | head -n 8 | sed 's/^/#   /'
}

# check_html VM NAME FILE
check_html() {
	local msg bad
	msg=$(xmllint --noout "$3" 2>&1)
	[ -z "$msg" ]
	tap $? "$1: $2: well-formed XML (XHTML)"
	[ -n "$msg" ] && echo "$msg" | head -n 8 | sed 's/^/#   /'
	# libxml2's HTML parser knows no SVG tags: those errors alone are fine.
	bad=$(xmllint --html --noout "$3" 2>&1 | grep 'HTML parser error' | grep -vc 'invalid$')
	[ "$bad" -eq 0 ]
	tap $? "$1: $2: xmllint --html: no error but unknown SVG tags ($bad)"
}

# check_counts VM NAME FILE KEY=N...
check_counts() {
	local vm=$1 name=$2 file=$3 kv key want got
	shift 3
	for kv in "$@"; do
		key=${kv%%=*}
		want=${kv#*=}
		got=$(xmllint --xpath "count(//*[@class=\"$key\"])" "$file" 2>&1)
		[ "$got" = "$want" ]
		tap $? "$vm: $name: $want elements of class $key"
		[ "$got" = "$want" ] || echo "$got" | head -n 4 | sed 's/^/#   got: /'
	done
}

# The files of one results log: NAME, whether its end line came, its
# expectations, one line each, in $dir/manifest; the base64 in $dir/NAME.b64.
extract() {
	tr -d '\r' < "$1" | awk -v dir="$2" '
	function close_cur() { if (cur != "") close(dir "/" cur ".b64"); cur = "" }
	/^# memsim-file: / {
		close_cur()
		name = $3
		if (name !~ /^[A-Za-z0-9][A-Za-z0-9._-]*$/) { bad++; next }
		ex = ""
		for (i = 4; i <= NF; i++) ex = ex " " $i
		order[++nfiles] = name
		expect[name] = ex
		done[name] = 0
		cur = name
		printf "" > (dir "/" cur ".b64")
		next
	}
	/^#= / { if (cur != "") print substr($0, 4) >> (dir "/" cur ".b64"); next }
	/^# memsim-file-end: / { if ($3 == cur) done[cur] = 1; close_cur(); next }
	END {
		for (i = 1; i <= nfiles; i++)
			printf "%s\t%d\t%s\n", order[i], done[order[i]], expect[order[i]] > (dir "/manifest")
		if (bad) printf "#\tbad\t%d\n", bad > (dir "/manifest")
		close(dir "/manifest")
	}'
}

if [ $# -eq 0 ]; then
	echo "usage: scripts/check-pictures.sh RESULTS_LOG..." >&2
	exit 2
fi

for log in "$@"; do
	vm=$(basename "$log")
	vm=${vm%.console.results}
	vm=${vm%.results}
	if [ ! -r "$log" ]; then
		tap 1 "$vm: results log $log"
		continue
	fi
	dir=$out/$vm
	rm -rf "$dir"
	mkdir -p "$dir"
	: > "$dir/manifest"
	extract "$log" "$dir"
	nfiles=$(grep -cv '^#' "$dir/manifest")
	[ "$nfiles" -gt 0 ]
	tap $? "$vm: the results log holds pictures ($nfiles)"
	if grep -q '^#' "$dir/manifest"; then
		tap 1 "$vm: every picture has a plain file name"
	fi
	while IFS=$'\t' read -r name complete expect; do
		[ "$name" = "#" ] && continue
		file=$dir/$name
		# shellcheck disable=SC2086
		set -- $expect
		if [ "${1:-}" = missing ]; then
			tap 1 "$vm: $name: the guest wrote it"
			continue
		fi
		if [ "$complete" -eq 1 ] && base64 -d "$file.b64" > "$file" 2> /dev/null &&
		   [ -s "$file" ]; then
			tap 0 "$vm: $name: complete and decoded ($(stat -c %s "$file") bytes)"
		else
			tap 1 "$vm: $name: complete and decoded"
			continue
		fi
		rm -f "$file.b64"
		case $name in
		*.html) check_html "$vm" "$name" "$file" ;;
		*) check_svg "$vm" "$name" "$file" ;;
		esac
		check_counts "$vm" "$name" "$file" "$@"
	done < "$dir/manifest"
done
echo "pictures: $pass passed, $fail failed"
[ "$fail" -eq 0 ]
