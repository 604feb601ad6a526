#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-loops.sh: repeat ... end, names with an index, and arithmetic in
# arguments (Documentation/memsimctl.rst, Script language: Loops,
# Arithmetic), in the plain and the batched path.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

nosteps() {
	ctl "$@" | sed -e 's/steps [0-9]*/steps S/' -e 's/"steps":[0-9]*/"steps":S/'
}

# A counter, arithmetic in a size, names with an index, freed in reverse.
msim counter.msim <<'M'
segment 0 1M
repeat 3 i
  alloc $(i * 4K + 4K) as a[i]
end
assert $a[0] == 0
assert $a[1] == 4K
assert $a[2] == 12K
repeat 3 i
  free $a[$(2 - i)]
end
M
expect_out nosteps run counter.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
alloc 4096: 0x0, size 4096, waste 0, segment 1, stream 0, steps S, splits 1 -> $a[0]
alloc 8192: 0x1000, size 8192, waste 0, segment 1, stream 0, steps S, splits 1 -> $a[1]
alloc 12288: 0x3000, size 12288, waste 0, segment 1, stream 0, steps S, splits 1 -> $a[2]
free 0x3000: 12288 bytes, free block [0x3000, 0x100000), coalesced
free 0x1000: 8192 bytes, free block [0x1000, 0x100000), coalesced
free 0x0: 4096 bytes, free block [0x0, 0x100000), coalesced
E
expect_out nosteps --json run counter.msim <<'E'
{"line":1,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0}
{"line":3,"cmd":"alloc","ok":true,"size":4096,"addr":0,"actual_size":4096,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"a[0]"}
{"line":3,"cmd":"alloc","ok":true,"size":8192,"addr":4096,"actual_size":8192,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"a[1]"}
{"line":3,"cmd":"alloc","ok":true,"size":12288,"addr":12288,"actual_size":12288,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"a[2]"}
{"line":5,"cmd":"assert","ok":true,"a":0,"op":"==","b":0}
{"line":6,"cmd":"assert","ok":true,"a":4096,"op":"==","b":4096}
{"line":7,"cmd":"assert","ok":true,"a":12288,"op":"==","b":12288}
{"line":9,"cmd":"free","ok":true,"addr":12288,"freed_size":12288,"deferred":false,"coalesced":true,"coalesced_addr":12288,"coalesced_size":1036288}
{"line":9,"cmd":"free","ok":true,"addr":4096,"freed_size":8192,"deferred":false,"coalesced":true,"coalesced_addr":4096,"coalesced_size":1044480}
{"line":9,"cmd":"free","ok":true,"addr":0,"freed_size":4096,"deferred":false,"coalesced":true,"coalesced_addr":0,"coalesced_size":1048576}
E

# Nested loops: sum over i < 2, j < 3 of 10 i + j = 3 + 33.
msim nested.msim <<'M'
set n 0
repeat 2 i
  repeat 3 j
    set n $(n + i * 10 + j)
    echo inner
  end
end
assert $n == 36
assert $i == 1
assert $j == 2
M
expect_out ctl run nested.msim <<'E'
inner
inner
inner
inner
inner
inner
E
expect_exit 0 ctl run nested.msim

# The count is a value: a number, a name, an expression; 0 runs nothing.
msim counts.msim <<'M'
set k 2
repeat $(k * 2)
  echo four
end
repeat $k
  echo two
end
repeat 0 z
  echo never
end
M
expect_out ctl run counts.msim <<'E'
four
four
four
four
two
two
E
msim zero.msim <<'M'
repeat 0 z
  set inside 1
end
assert $inside == 1
M
expect_err_exact ctl run --no-evidence zero.msim <<'E'
zero.msim:4: '$inside' is not bound (did the command binding it fail?)
E

# A loop inside a batch adds its operations to the one BATCH call; the
# counter is usable there, the names after the batch's end.
msim batchloop.msim <<'M'
segment 0 1M
batch
  repeat 4 i
    alloc $((i + 1) * 1K) as b[i]
  end
end
assert $b[3] == 6K
batch
  repeat 4 i
    free $b[i]
  end
end
M
expect_out ctl run batchloop.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
batch: 4 ops, 4 done, 0 failed
  line 4: alloc 1024 stream any: 0x0, size 1024 -> $b[0]
  line 4: alloc 2048 stream any: 0x400, size 2048 -> $b[1]
  line 4: alloc 3072 stream any: 0xc00, size 3072 -> $b[2]
  line 4: alloc 4096 stream any: 0x1800, size 4096 -> $b[3]
batch: 4 ops, 4 done, 0 failed
  line 10: free 0x0: 1024 bytes
  line 10: free 0x400: 2048 bytes
  line 10: free 0xc00: 3072 bytes
  line 10: free 0x1800: 4096 bytes
E
expect_out ctl --json run batchloop.msim <<'E'
{"line":1,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0}
{"line":2,"cmd":"batch","ok":true,"count":4,"done":4,"failed":0,"ops":[{"line":4,"op":"alloc","done":true,"ok":true,"addr":0,"result_size":1024,"name":"b[0]"},{"line":4,"op":"alloc","done":true,"ok":true,"addr":1024,"result_size":2048,"name":"b[1]"},{"line":4,"op":"alloc","done":true,"ok":true,"addr":3072,"result_size":3072,"name":"b[2]"},{"line":4,"op":"alloc","done":true,"ok":true,"addr":6144,"result_size":4096,"name":"b[3]"}]}
{"line":7,"cmd":"assert","ok":true,"a":6144,"op":"==","b":6144}
{"line":8,"cmd":"batch","ok":true,"count":4,"done":4,"failed":0,"ops":[{"line":10,"op":"free","done":true,"ok":true,"addr":0,"result_size":1024},{"line":10,"op":"free","done":true,"ok":true,"addr":1024,"result_size":2048},{"line":10,"op":"free","done":true,"ok":true,"addr":3072,"result_size":3072},{"line":10,"op":"free","done":true,"ok":true,"addr":6144,"result_size":4096}]}
E
msim batchname.msim <<'M'
segment 0 1M
batch
  repeat 2 i
    alloc 4K as c[i]
    free $c[i]
  end
end
M
expect_err "^batchname.msim:5: '\\\$c\[i\]' is not bound by an earlier line \(names bound in a batch are usable after its end\)$" \
	ctl run batchname.msim

# Arithmetic: precedence, parentheses, units, blanks inside $(...).
msim arith.msim <<'M'
set a $(1 + 2 * 3)
assert $a == 7
set b $((1 + 2) * 3)
assert $b == 9
set c $( 100 / 7 % 4 )
assert $c == 2
set d $(1.5M / 3 - 0x10)
assert $d == 524272
set e $(a * 4K + 1M)
assert $e == 1077248
set f $($a * 2)
assert $f == 14
set g $(18446744073709551615 - 1 + 1)
assert $g == 0xffffffffffffffff
M
expect_exit 0 ctl run arith.msim

# Arithmetic errors stop the script at their line, when it runs.
msim div0.msim <<'M'
repeat 3 i
  set x $(100 / (2 - i))
end
M
expect_exit 0 ctl run --check div0.msim
expect_err_exact ctl run --no-evidence div0.msim <<'E'
div0.msim:2: '$(100 / (2 - i))': 100 / 0: division by zero
E
msim mod0.msim <<'M'
set z 0
set x $(7 % z)
M
expect_err_exact ctl run --no-evidence mod0.msim <<'E'
mod0.msim:2: '$(7 % z)': 7 % 0: division by zero
E
msim over.msim <<'M'
set a 18446744073709551615
set b $(a + 1)
M
expect_err_exact ctl run --no-evidence over.msim <<'E'
over.msim:2: '$(a + 1)': 18446744073709551615 + 1 does not fit in 64 bits
E
msim overmul.msim <<'M'
set a $(4G * 4G)
M
expect_err_exact ctl run --no-evidence overmul.msim <<'E'
overmul.msim:1: '$(4G * 4G)': 4294967296 * 4294967296 does not fit in 64 bits
E
msim neg.msim <<'M'
set a 3
alloc $(a - 5)
M
expect_err_exact ctl run --no-evidence neg.msim <<'E'
neg.msim:2: '$(a - 5)': 3 - 5 is negative
E
expect_exit 1 ctl run neg.msim

# Syntax errors are found before anything runs.
msim noend.msim <<'M'
segment 0 1M
repeat 2
  alloc 4K
M
expect_err_exact ctl run --no-evidence noend.msim <<'E'
noend.msim:2: repeat without end
E
expect_out ctl run noend.msim <<'E'
E
msim badvar.msim <<'M'
repeat 2 x-y
end
M
expect_err_exact ctl run --no-evidence badvar.msim <<'E'
badvar.msim:1: repeat: 'x-y' is not a valid name for its counter
E
msim endargs.msim <<'M'
repeat 2
end now
M
expect_err_exact ctl run --no-evidence endargs.msim <<'E'
endargs.msim:2: end: unknown argument 'now'
E
msim unbal.msim <<'M'
alloc $(4K * (1 + 2)
M
expect_err_exact ctl run --no-evidence unbal.msim <<'E'
unbal.msim:1: a '$(' has no matching ')'
E
msim missing.msim <<'M'
set a $(1 +)
M
expect_err_exact ctl run --no-evidence missing.msim <<'E'
missing.msim:1: '$(1 +)': a number or a name is missing at the end
E
msim twoexpr.msim <<'M'
set a $(1)+$(2)
M
expect_err "^twoexpr.msim:1: '\\\$\(1\)\+\\\$\(2\)': \\\$\(\.\.\.\) must be the whole argument" \
	ctl run twoexpr.msim
msim unboundexpr.msim <<'M'
set a $(nothing + 1)
M
expect_err_exact ctl run --no-evidence unboundexpr.msim <<'E'
unboundexpr.msim:1: '$(nothing + 1)': 'nothing' is not bound by an earlier line
E
msim badnum.msim <<'M'
set a $(4Q + 1)
M
expect_err_exact ctl run --no-evidence badnum.msim <<'E'
badnum.msim:1: '$(4Q + 1)': '4Q' is not a number
E
msim expectrepeat.msim <<'M'
expect-error EINVAL repeat 2
end
M
expect_err_exact ctl run --no-evidence expectrepeat.msim <<'E'
expectrepeat.msim:1: expect-error cannot precede repeat
E

# The example: two training steps of a 12-layer model on two streams.
# Weights 12 x 24M stay; each step allocates activations 8M + l x 512K
# (129M for the 12) and gradients 12 x 16M on stream 1, the activations
# freed deferred: peak 288M + 129M + 192M, total 288M + 2 x 321M.
training() {
	ctl summary "$EXAMPLES/training-loop.msim" |
		grep -E '^    (allocated|live blocks|failures|deferred frees) ' | head -n 4
}
expect_out training <<E
$(printf '    %-32s %13s %13s %13s\n' allocated '288 MiB' '609 MiB' '930 MiB')
$(printf '    %-32s %13s\n' 'deferred frees' '0 B')
$(printf '    %-32s %13s %13s %13s\n' 'live blocks (total: allocs)' 12 36 60)
$(printf '    %-32s %13s %13s %13s\n' failures '' '' 0)
E
expect_exit 0 ctl run "$EXAMPLES/training-loop.msim"

done_testing
