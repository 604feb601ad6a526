#!/bin/sh
# SPDX-License-Identifier: GPL-2.0
#
# t-script.sh: the script language of memsimctl run (Documentation/
# memsimctl.rst, "run" and "Script language"): exact outputs of small
# scripts, exit statuses, expect-error, names, batches, --json, --check,
# standard input.  Needs /dev/memsim.
. "${CTLTEST_DIR:-$(dirname "$0")}/lib.sh"

# "steps" counts the index nodes a search visited: the core's business,
# tested by the host harness; masked here.
nosteps() {
	ctl "$@" | sed -e 's/steps [0-9]*/steps S/' -e 's/"steps":[0-9]*/"steps":S/'
}

msim basic.msim <<'M'
# a comment line, then a blank one

segment 0 1M as s	# a comment after a command
alloc 4K as a
alloc 8K as b
free $a
alloc 2K as c
assert $c == $a
set n 3
assert $n == 3
echo done,  with two blanks
M
expect_out nosteps run basic.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0 as $s
alloc 4096: 0x0, size 4096, waste 0, segment 1, stream 0, steps S, splits 1 -> $a
alloc 8192: 0x1000, size 8192, waste 0, segment 1, stream 0, steps S, splits 1 -> $b
free 0x0: 4096 bytes, free block [0x0, 0x1000)
alloc 2048: 0x0, size 2048, waste 0, segment 1, stream 0, steps S, splits 1 -> $c
done,  with two blanks
E
expect_exit 0 ctl run basic.msim

expect_out nosteps --json run basic.msim <<'E'
{"line":3,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0,"name":"s"}
{"line":4,"cmd":"alloc","ok":true,"size":4096,"addr":0,"actual_size":4096,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"a"}
{"line":5,"cmd":"alloc","ok":true,"size":8192,"addr":4096,"actual_size":8192,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"b"}
{"line":6,"cmd":"free","ok":true,"addr":0,"freed_size":4096,"deferred":false,"coalesced":false,"coalesced_addr":0,"coalesced_size":4096}
{"line":7,"cmd":"alloc","ok":true,"size":2048,"addr":0,"actual_size":2048,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"c"}
{"line":8,"cmd":"assert","ok":true,"a":0,"op":"==","b":0}
{"line":10,"cmd":"assert","ok":true,"a":3,"op":"==","b":3}
{"line":11,"cmd":"echo","ok":true,"text":"done,  with two blanks"}
E
# --json after the command name is the same.
expect_out nosteps run --json basic.msim <<'E'
{"line":3,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0,"name":"s"}
{"line":4,"cmd":"alloc","ok":true,"size":4096,"addr":0,"actual_size":4096,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"a"}
{"line":5,"cmd":"alloc","ok":true,"size":8192,"addr":4096,"actual_size":8192,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"b"}
{"line":6,"cmd":"free","ok":true,"addr":0,"freed_size":4096,"deferred":false,"coalesced":false,"coalesced_addr":0,"coalesced_size":4096}
{"line":7,"cmd":"alloc","ok":true,"size":2048,"addr":0,"actual_size":2048,"waste":0,"segment_id":1,"stream":0,"steps":S,"splits":1,"name":"c"}
{"line":8,"cmd":"assert","ok":true,"a":0,"op":"==","b":0}
{"line":10,"cmd":"assert","ok":true,"a":3,"op":"==","b":3}
{"line":11,"cmd":"echo","ok":true,"text":"done,  with two blanks"}
E

# Standard input.
from_stdin() {
	printf 'segment 16M 64K\nalloc 0x10K as x\nassert $x == 16M\n' | nosteps run -
}
expect_out from_stdin <<'E'
segment 1: [0x1000000, 0x1010000) 64 KiB, stream 0, device 0
alloc 16384: 0x1000000, size 16384, waste 0, segment 1, stream 0, steps S, splits 1 -> $x
E

# --check parses only: no output, and nothing is opened.
expect_out ctl run --check basic.msim < /dev/null <<'E'
E
expect_exit 0 ctl --dev /nonexistent run --check basic.msim

# Exit status 1: a failing line stops the script there.
msim fail.msim <<'M'
segment 0 1M
assert 1 == 2
echo not reached
M
expect_out ctl run fail.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
E
expect_exit 1 ctl run fail.msim
expect_err_exact ctl run --no-evidence fail.msim <<'E'
memsimctl: LINE 2: assertion failed: 1 == 2 (0x1 == 0x2)
E

# A syntax error is found before anything runs: no output at all.
msim syntax.msim <<'M'
segment 0 1M
alloc 4K colour=red
M
expect_out ctl run syntax.msim <<'E'
E
expect_exit 1 ctl run syntax.msim
expect_err "^memsimctl: LINE 2: alloc: unknown argument 'colour=red'$" ctl run syntax.msim

msim badnum.msim <<'M'
alloc 99999999999999999999
M
expect_err "LINE 1: '99999999999999999999' is not a number" ctl run badnum.msim
msim unknown.msim <<'M'

frobnicate 1
M
expect_err "LINE 2: unknown command 'frobnicate'" ctl run unknown.msim
msim unbound.msim <<'M'
free $nowhere
M
expect_err "LINE 1: '\\\$nowhere' is not bound by an earlier line" ctl run unbound.msim
msim noend.msim <<'M'
segment 0 1M
batch
alloc 4K
M
expect_err "LINE 2: batch without end" ctl run noend.msim
msim endonly.msim <<'M'
end
M
expect_err "LINE 1: end without batch" ctl run endonly.msim

# Exit status 2: usage errors.
expect_exit 2 ctl
expect_exit 2 ctl frobnicate
expect_exit 2 ctl run
expect_exit 2 ctl run basic.msim basic.msim
expect_exit 2 ctl run --verbose basic.msim
expect_exit 2 ctl simulate --ops many
expect_exit 0 ctl --help
expect_exit 1 ctl run no-such-file.msim

# expect-error: on the line, or alone before the command.
msim expect.msim <<'M'
segment 0 1M
expect-error ENOSPC alloc 2M as big
expect-error EINVAL
alloc 0
M
expect_out ctl run expect.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
alloc 2M as big: failed as expected: ENOSPC (ALLOC: No space left on device)
alloc 0: failed as expected: EINVAL (ALLOC: Invalid argument)
E
expect_out ctl --json run expect.msim <<'E'
{"line":1,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0}
{"line":2,"cmd":"alloc","ok":false,"errno":"ENOSPC","error":"ALLOC: No space left on device","expected":true}
{"line":4,"cmd":"alloc","ok":false,"errno":"EINVAL","error":"ALLOC: Invalid argument","expected":true}
E
msim wrongerr.msim <<'M'
segment 0 1M
expect-error EINVAL alloc 2M
M
expect_err_exact ctl run --no-evidence wrongerr.msim <<'E'
memsimctl: LINE 2: expected EINVAL, got ENOSPC (ALLOC: No space left on device)
E
msim noerr.msim <<'M'
segment 0 1M
expect-error ENOSPC alloc 4K
M
expect_err_exact ctl run --no-evidence noerr.msim <<'E'
memsimctl: LINE 2: expected ENOSPC, but alloc succeeded
E
expect_exit 1 ctl run noerr.msim
# The name of a command that failed (as expected) is not bound.
msim failedname.msim <<'M'
segment 0 1M
expect-error ENOSPC alloc 2M as big
free $big
M
expect_err "LINE 3: '\\\$big' is not bound \(did the command binding it fail\?\)" \
	ctl run failedname.msim

# A batch: one BATCH call, each operation judged at its own line.
msim batch.msim <<'M'
segment 0 1M
batch
  alloc 4K as b1
  expect-error ENOENT free 0x777000
end
free $b1
M
expect_out ctl run batch.msim <<'E'
segment 1: [0x0, 0x100000) 1 MiB, stream 0, device 0
batch: 2 ops, 2 done, 1 failed
  line 3: alloc 4096 stream any: 0x0, size 4096 -> $b1
  line 4: free 0x777000: ENOENT (No such file or directory), as expected
free 0x0: 4096 bytes, free block [0x0, 0x100000), coalesced
E
expect_out ctl --json run batch.msim <<'E'
{"line":1,"cmd":"segment","ok":true,"segment_id":1,"start":0,"size":1048576,"stream":0,"device":0}
{"line":2,"cmd":"batch","ok":true,"count":2,"done":2,"failed":1,"ops":[{"line":3,"op":"alloc","done":true,"ok":true,"addr":0,"result_size":4096,"name":"b1"},{"line":4,"op":"free","done":true,"ok":false,"errno":"ENOENT","error":"No such file or directory","addr":7827456,"result_size":0,"expected":"ENOENT"}]}
{"line":6,"cmd":"free","ok":true,"addr":0,"freed_size":4096,"deferred":false,"coalesced":true,"coalesced_addr":0,"coalesced_size":1048576}
E
msim batchfail.msim <<'M'
segment 0 1M
batch
  alloc 4M
end
M
expect_err_exact ctl run --no-evidence batchfail.msim <<'E'
memsimctl: LINE 3: BATCH ALLOC: No space left on device
E
msim batchname.msim <<'M'
segment 0 1M
batch
  alloc 4K as q
  free $q
end
M
expect_err "LINE 4: '\\\$q' is not bound by an earlier line \(names bound in a batch are usable after its end\)" \
	ctl run batchname.msim

# The map and the automatic labels of a script.
msim map.msim <<'M'
segment 0 64K
alloc 16K
alloc 16K as b
free $b defer
M
expect_out ctl map map.msim <<'E'
segment	start	slice	map
1	0x0	1024	################DDDDDDDDDDDDDDDD................................
E
labels() {
	ctl blocks map.msim | awk 'NR > 2 { print $1, $4, $NF }'
}
expect_out labels <<'E'
0x0 allocated map.msim:2
0x4000 deferred map.msim:3
0x8000 free -
E

done_testing
