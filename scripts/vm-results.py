#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Judge one memsim VM run from its two serial logs.

The results log (second serial port) holds only the guest command's output:
TAP from kselftests, KTAP from /sys/kernel/debug/kunit/*/results, and TAP
lines the guest scripts print for their own steps.  Every leaf test case
counts once; a line that only summarises nested cases does not.

The console log (first serial port) holds the kernel log.  Any splat in it
fails the run, as one extra failed case named "kernel log clean".

Prints the failures, then "vm-run: N passed, N failed[, N skipped]".
Exit status: 0 when nothing failed, 1 otherwise.
"""
import argparse
import re
import sys

RESULT = re.compile(r'^(\s*)(not ok|ok)\b\s*(\d+)?\s*-?\s*([^#]*?)\s*(#\s*(.*))?$')
TIMESTAMP = re.compile(r'^\[\s*\d+\.\d+\]\s?')

# Kernel log lines that make a run fail.  Matched case-sensitively against
# the console; the kernel's benign boot lines spell "kasan"/"ubsan" in lower
# case, the reports in upper case.
SPLATS = [
    re.compile(p) for p in (
        r'BUG:', r'WARNING:', r'KASAN', r'UBSAN', r'Oops',
        r'possible recursive locking', r'circular locking',
        r'Call Trace', r'general protection fault', r'Kernel panic',
        r'unreferenced object',
    )
]
KUNIT_NOT_OK = re.compile(r'^\s*not ok\b')


def count_results(lines):
    """Return (passed, failed, skipped, failed_names) over leaf cases."""
    passed = failed = skipped = 0
    names = []
    prev_indent = None
    for raw in lines:
        line = raw.rstrip('\r\n').replace('\r', '')
        m = RESULT.match(line)
        if not m:
            continue
        indent = len(m.group(1).expandtabs())
        # A result line right after deeper ones closes a group of subtests:
        # it summarises them and is not a case of its own.
        is_parent = prev_indent is not None and prev_indent > indent
        prev_indent = indent
        if is_parent:
            continue
        directive = (m.group(6) or '').strip().upper()
        if directive.startswith('SKIP'):
            skipped += 1
        elif m.group(2) == 'ok':
            passed += 1
        else:
            failed += 1
            names.append(m.group(4).strip() or line.strip())
    return passed, failed, skipped, names


def kernel_splats(lines):
    """Console lines showing a kernel problem."""
    bad = []
    in_kmemleak = False
    for raw in lines:
        line = raw.rstrip('\r\n')
        if 'MEMSIM-KMEMLEAK-BEGIN' in line:
            in_kmemleak = True
            continue
        if 'MEMSIM-KMEMLEAK-END' in line:
            in_kmemleak = False
            continue
        if in_kmemleak and line.strip():
            bad.append(line)
            continue
        if any(p.search(line) for p in SPLATS):
            bad.append(line)
            continue
        # KTAP printed by the kernel itself (KUnit), not by userspace.
        m = TIMESTAMP.match(line)
        if m and KUNIT_NOT_OK.match(line[m.end():]):
            bad.append(line)
    return bad


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console', required=True)
    ap.add_argument('--results', required=True)
    ap.add_argument('--timed-out', type=int, default=0)
    args = ap.parse_args()

    with open(args.console, errors='replace') as f:
        console = f.readlines()
    with open(args.results, errors='replace') as f:
        results = f.readlines()

    passed, failed, skipped, names = count_results(results)
    problems = ['not ok: ' + n for n in names]

    exit_code = None
    for line in console:
        m = re.search(r'MEMSIM-VM-EXIT: (\d+)', line)
        if m:
            exit_code = int(m.group(1))

    splats = kernel_splats(console)
    if splats:
        failed += 1
        problems.append('kernel log shows problems:')
        problems += ['    ' + s for s in splats[:40]]
    else:
        passed += 1

    if args.timed_out:
        failed += 1
        problems.append('timeout: the guest did not finish in time')
    elif exit_code is None:
        failed += 1
        problems.append('the guest died before reporting its exit status')
    elif exit_code != 0:
        failed += 1
        problems.append('guest command exited with status %d' % exit_code)

    if passed + failed == 1 and not results:
        problems.append('note: the guest command printed no TAP results')

    for p in problems:
        print('vm-run: ' + p)
    tail = 'vm-run: %d passed, %d failed' % (passed, failed)
    if skipped:
        tail += ', %d skipped' % skipped
    print(tail)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main())
