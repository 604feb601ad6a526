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
import os
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
# Hangs and stalls, as the 6.12 debug kernel words them.  Most reports also
# dump a "Call Trace", but not all (a starved RCU kthread on an idle CPU, a
# suppressed stall report), so each is matched on its own first line.
STALLS = [
    re.compile(p) for p in (
        # kernel/rcu/tree_stall.h, with tree.c's "rcu: " prefix:
        # "rcu: INFO: rcu_sched self-detected stall on CPU"
        r'INFO: \S+ self-detected stall on CPU',
        # "rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:"
        r'INFO: \S+ detected stalls? on CPUs/tasks',
        # "rcu: INFO: rcu_sched detected stall, but suppressed full report..."
        r'INFO: \S+ detected stall, but suppressed',
        # "rcu: rcu_sched kthread starved for 6502 jiffies! g... f..."
        r'\S+ kthread starved for \d+ jiffies',
        # "rcu: rcu_sched kthread timer wakeup didn't happen for N jiffies!"
        r"kthread timer wakeup didn't happen",
        # kernel/rcu/tree_exp.h: "rcu: INFO: rcu_sched detected expedited
        # stalls on CPUs/tasks: {"
        r'INFO: \S+ detected expedited stalls',
        # kernel/rcu/tasks.h: "INFO: rcu_tasks detected stalls on tasks:"
        r'INFO: \S+ detected stalls\?? on tasks',
        # kernel/watchdog.c: "watchdog: BUG: soft lockup - CPU#0 stuck for
        # 22s! [comm:pid]", "Watchdog detected hard LOCKUP on cpu 1"
        r'soft lockup - CPU#\d+ stuck', r'detected hard LOCKUP',
        # kernel/hung_task.c: "INFO: task comm:pid blocked for more than 120
        # seconds." and the line that follows it
        r'blocked for more than \d+ seconds',
        r'hung_task_timeout_secs" disables this message',
        # kernel/workqueue.c: "BUG: workqueue lockup - pool cpus=0 ..."
        r'BUG: workqueue lockup',
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
        if any(p.search(line) for p in SPLATS + STALLS):
            bad.append(line)
            continue
        # KTAP printed by the kernel itself (KUnit), not by userspace.
        m = TIMESTAMP.match(line)
        if m and KUNIT_NOT_OK.match(line[m.end():]):
            bad.append(line)
    return bad


def judge(console, results, timed_out):
    """Return (exit status, output lines) for one run's two logs."""
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

    if timed_out:
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
    if any('Switched to clocksource refined-jiffies' in l or
           'Switched to clocksource jiffies' in l for l in console):
        problems.append('note: the guest clock fell back to jiffies '
                        '(timestamps in 4 ms steps)')

    out = ['vm-run: ' + p for p in problems]
    tail = 'vm-run: %d passed, %d failed' % (passed, failed)
    if skipped:
        tail += ', %d skipped' % skipped
    out.append(tail)
    return (1 if failed else 0), out


# --follow: progress while the guest runs.  The guest scripts mark each test
# program on the results port with "# memsim-progress: start NAME" and
# "# memsim-progress: end NAME STATUS" (TAP comments, ignored by the count);
# the KUnit suites are followed in the kernel log, as are the guest's own
# markers (scripts/guest/init) and any splat.
PROGRESS = re.compile(r'^# memsim-progress: (start|end) (\S+)(?: (-?\d+))?\s*$')
KUNIT_SUITE_START = re.compile(r'^    # Subtest: (\S+)\s*$')
KUNIT_SUITE_END = re.compile(r'^(?:not ok|ok) \d+ (\S+)')
# The kselftest harness: "#  RUN           fixture.variant.case ..."
KSFT_RUN = re.compile(r'^#\s+RUN\s+(\S+) \.\.\.')


class Follower:
    """Print a timestamped line per step of a running guest to stderr."""

    def __init__(self, console, results, start, heartbeat=60, out=sys.stderr):
        self.files = {'console': [console, 0, b''], 'results': [results, 0, b'']}
        self.exit = None        # the guest's exit, said after the results
        self.start = start
        self.heartbeat = heartbeat
        self.out = out
        self.last_print = start
        self.running = {}       # name -> start time, in start order
        self.suite = None       # current KUnit suite and its start
        self.times = []         # (name, seconds) of finished steps
        self.case = None        # current kselftest case and its start
        self.cases = []         # (seconds, name) of finished cases
        self.suites = []        # (seconds, name) of finished KUnit suites
        self.splats = 0

    def say(self, now, msg):
        self.out.write('vm-run: [%ds] %s\n' % (now - self.start, msg))
        self.out.flush()
        self.last_print = now

    def poll(self, now):
        for kind, state in self.files.items():
            path, off, part = state
            try:
                with open(path, 'rb') as f:
                    f.seek(off)
                    data = f.read()
            except OSError:
                continue
            state[1] = off + len(data)
            data = part + data
            lines = data.split(b'\n')
            state[2] = lines.pop()
            for raw in lines:
                line = raw.decode('utf-8', 'replace').rstrip('\r').replace('\r', '')
                if kind == 'results':
                    self.results_line(now, line)
                else:
                    self.console_line(now, line)
        if self.exit is not None:
            self.say(now, 'guest command exited with status %s' % self.exit)
            self.exit = None
        if now - self.last_print >= self.heartbeat:
            if self.running:
                name, t0 = list(self.running.items())[-1]
                self.say(now, '%s still running (%ds)' % (name, now - t0))
            elif self.suite:
                self.say(now, 'KUnit suite %s still running (%ds)'
                         % (self.suite[0], now - self.suite[1]))
            else:
                self.say(now, 'still running')

    def results_line(self, now, line):
        m = PROGRESS.match(line)
        if m:
            what, name, status = m.groups()
            if what == 'start':
                self.running[name] = now
                self.say(now, '%s started' % name)
            else:
                t0 = self.running.pop(name, now)
                self.times.append((name, now - t0))
                self.say(now, '%s finished in %ds%s' % (
                    name, now - t0,
                    ' (exit %s)' % status if status is not None else ''))
            return
        m = KSFT_RUN.match(line)
        if m:
            self.case = (m.group(1), now)
            return
        m = RESULT.match(line)
        if m and self.case and m.group(4).strip() == self.case[0]:
            self.cases.append((now - self.case[1], self.case[0]))
            self.case = None
        if m and m.group(2) == 'not ok':
            self.say(now, line.strip())

    def console_line(self, now, line):
        if 'MEMSIM-VM-BEGIN' in line:
            self.times.append(('boot', now - self.start))
            self.say(now, 'guest booted')
            return
        if 'MEMSIM-KMEMLEAK-SCAN' in line:
            self.running['kmemleak scan'] = now
            self.say(now, 'kmemleak scan started')
            return
        if 'MEMSIM-KMEMLEAK-BEGIN' in line and 'kmemleak scan' in self.running:
            t0 = self.running.pop('kmemleak scan')
            self.times.append(('kmemleak', now - t0))
            return
        m = re.search(r'MEMSIM-VM-EXIT: (\d+)', line)
        if m:
            self.exit = m.group(1)
            return
        ts = TIMESTAMP.match(line)
        if ts:
            msg = line[ts.end():]
            m = KUNIT_SUITE_START.match(msg)
            if m:
                # Suites are timed, not announced: KUnit as a whole is one
                # program with its own start and end lines.
                self.suite = (m.group(1), now)
                return
            m = KUNIT_SUITE_END.match(msg)
            if m and self.suite and m.group(1) == self.suite[0]:
                self.suites.append((now - self.suite[1], self.suite[0]))
                self.suite = None
                return
        if any(p.search(line) for p in SPLATS + STALLS):
            self.splats += 1
            if self.splats <= 10:
                self.say(now, 'kernel: ' + line.strip())

    def summary(self, now):
        if self.times:
            self.say(now, 'times: ' + ', '.join(
                '%s %ds' % t for t in self.times))
        for what, items in (('KUnit suites', self.suites),
                            ('kselftest cases', self.cases)):
            slow = sorted((c for c in items if c[0] >= 2), reverse=True)[:8]
            if slow:
                self.say(now, 'slowest %s: %s' % (what, ', '.join(
                    '%s %ds' % (n, t) for t, n in slow)))


def follow(args):
    import time
    fol = Follower(args.console, args.results, args.start or time.time(),
                   args.heartbeat)
    parent = os.getppid()
    while True:
        # Done, or vm-run itself is gone (killed): a last look, then stop.
        done = os.path.exists(args.done) or os.getppid() != parent
        now = time.time()
        fol.poll(now)
        if done:
            fol.summary(now)
            return 0
        time.sleep(0.5)


# --self-test: synthetic logs that must fail a run, and benign ones that
# must not.  Run by scripts/lint.sh.
BENIGN_BOOT = r"""[    0.000000] Linux version 6.12.57 (root@host) #1 SMP PREEMPT_DYNAMIC
[    0.000000] Command line: console=ttyS0 loglevel=7 panic=-1 rdinit=/init clocksource=tsc tsc=reliable
[    0.000000] kasan: KernelAddressSanitizer initialized
[    0.010000] tsc: Fast TSC calibration using PIT
[    0.010000] tsc: Fast TSC calibration failed
[    0.010000] tsc: Detected 2399.998 MHz processor
[    0.020000] rcu: Hierarchical RCU implementation.
[    0.020000] rcu: 	RCU event tracing is enabled.
[    0.020000] rcu: 	RCU CPU stall warnings timeout set to 21 (rcu_cpu_stall_timeout).
[    0.020000] rcu: RCU calculated value of scheduler-enlistment delay is 25 jiffies.
[    0.020000] 	Tasks-RCU CPU stall warnings timeout set to 120000 (rcu_task_stall_timeout).
[    0.100000] clocksource: tsc-early: mask: 0xffffffffffffffff max_cycles: 0x2297ae0ee07, max_idle_ns: 440795284765 ns
[    0.200000] watchdog: Delayed init of the lockup detector failed: -19
[    0.200000] watchdog: Hard watchdog permanently disabled
[    0.300000] Lockdep: spin_lock_init ...
[    0.400000] clocksource: Switched to clocksource tsc
[    0.500000] kmemleak: Kernel memory leak detector initialized (mem pool available: 15682)
[    0.500000] kmemleak: Automatic memory scanning thread started
[    0.600000] memsim: loaded
MEMSIM-VM-BEGIN
# kselftest: memsim_ioctl_test
# hung_task and soft lockup detectors are on in this kernel
ok 1 insmod memsim.ko
MEMSIM-KMEMLEAK-SCAN
MEMSIM-KMEMLEAK-BEGIN
MEMSIM-KMEMLEAK-END
MEMSIM-VM-EXIT: 0
"""

REPORTS = [
    '[  100.000000] rcu: INFO: rcu_sched self-detected stall on CPU',
    '[  100.000000] rcu: INFO: rcu_preempt self-detected stall on CPU',
    '[  100.000000] rcu: INFO: rcu_sched detected stalls on CPUs/tasks:',
    '[  100.000000] rcu: INFO: rcu_preempt detected stalls on CPUs/tasks:',
    '[  100.000000] rcu: INFO: rcu_sched detected stall, but suppressed full '
    'report due to a stuck CSD-lock.',
    '[  100.000000] rcu: rcu_sched kthread starved for 6502 jiffies! g1234 f0x0 '
    'RCU_GP_WAIT_FQS(5) ->state=0x0 ->cpu=1',
    "[  100.000000] rcu: rcu_preempt kthread timer wakeup didn't happen for "
    '2503 jiffies! g77 f0x0 RCU_GP_WAIT_FQS(5) ->state=0x402',
    '[  100.000000] rcu: INFO: rcu_sched detected expedited stalls on '
    'CPUs/tasks: { 1-... } 21002 jiffies s: 113 root: 0x2/.',
    '[  100.000000] INFO: rcu_tasks detected stalls on tasks:',
    '[  100.000000] watchdog: BUG: soft lockup - CPU#0 stuck for 22s! '
    '[memsim_ioctl_t:93]',
    '[  100.000000] Watchdog detected hard LOCKUP on cpu 1',
    '[  100.000000] INFO: task memsim_concurr:101 blocked for more than 120 '
    'seconds.',
    '[  100.000000] "echo 0 > /proc/sys/kernel/hung_task_timeout_secs" '
    'disables this message.',
    '[  100.000000] BUG: workqueue lockup - pool cpus=0 node=0 flags=0x0 '
    'nice=0 stuck for 35s!',
    '[  100.000000] BUG: KASAN: slab-use-after-free in memsim_pool_fini+0x1/0x2',
    '[  100.000000] WARNING: CPU: 0 PID: 1 at module/core/memsim_pool.c:10 x+0x1/0x2',
    '[  100.000000]     not ok 3 memsim_stress',
]


def self_test():
    ok = True

    def check(what, cond):
        nonlocal ok
        if not cond:
            print('vm-results self-test: FAILED: ' + what)
            ok = False

    benign = BENIGN_BOOT.splitlines(True)
    results = ['ok 1 insmod memsim.ko\n', 'ok 2 memsim_ioctl_test\n']
    check('benign boot has no splat: %r' % kernel_splats(benign),
          not kernel_splats(benign))
    st, out = judge(benign, results, 0)
    check('benign run passes: %r' % out, st == 0 and out[-1] ==
          'vm-run: 3 passed, 0 failed')
    for rep in REPORTS:
        i = benign.index('MEMSIM-VM-BEGIN\n') + 2
        console = benign[:i] + [rep + '\n'] + benign[i:]
        st, out = judge(console, results, 0)
        check('report fails the run: %r' % rep,
              st == 1 and out[-1] == 'vm-run: 2 passed, 1 failed')
        # A splat counts once however many lines it has.
        st, out = judge(console + [rep + '\n'], results, 0)
        check('two reports are one failed case: %r' % rep,
              out[-1] == 'vm-run: 2 passed, 1 failed')
    st, out = judge(benign, results, 1)
    check('a timeout fails the run', st == 1)
    st, out = judge(benign[:-1], results, 0)
    check('a guest that never reports its exit fails the run', st == 1)
    st, out = judge(benign, results + ['not ok 3 memsim_batch_test\n'], 0)
    check('a not ok case fails the run', st == 1)
    st, out = judge(benign[:benign.index('MEMSIM-KMEMLEAK-END\n')] +
                    ['unreferenced object 0xffff8880 (size 64):\n'] +
                    benign[benign.index('MEMSIM-KMEMLEAK-END\n'):], results, 0)
    check('a kmemleak report fails the run', st == 1)

    # The follower: one line per marker, times in whole seconds.
    import io
    import tempfile
    with tempfile.TemporaryDirectory() as d:
        con, res = os.path.join(d, 'console'), os.path.join(d, 'results')
        with open(con, 'w') as f:
            f.write('[    1.0] x\nMEMSIM-VM-BEGIN\n')
        with open(res, 'w') as f:
            f.write('# memsim-progress: start memsim_ioctl_test\n')
        buf = io.StringIO()
        fol = Follower(con, res, 1000, heartbeat=60, out=buf)
        fol.poll(1011)
        with open(res, 'a') as f:
            f.write('not ok 2 bad\n# memsim-progress: end memsim_ioctl_test 1\n'
                    '# memsim-progress: start memsim_list_')
        fol.poll(1030)
        fol.poll(1100)
        with open(res, 'a') as f:
            f.write('test\n#  RUN           lst.big ...\n')
        fol.poll(1200)
        with open(res, 'a') as f:
            f.write('#            OK  lst.big\nok 1 lst.big\n')
        fol.poll(1230)
        fol.summary(1231)
        want = ['vm-run: [11s] guest booted',
                'vm-run: [11s] memsim_ioctl_test started',
                'vm-run: [30s] not ok 2 bad',
                'vm-run: [30s] memsim_ioctl_test finished in 19s (exit 1)',
                'vm-run: [100s] still running',
                'vm-run: [200s] memsim_list_test started',
                'vm-run: [231s] times: boot 11s, memsim_ioctl_test 19s',
                'vm-run: [231s] slowest kselftest cases: lst.big 30s']
        check('follower lines: %r' % buf.getvalue(),
              buf.getvalue().splitlines() == want)
        # Progress lines must never look like a stage's result line.
        check('follower lines are not result lines', not any(
            re.search(r'[0-9]+ passed, [0-9]+ failed', w) for w in want))

    print('vm-results self-test: %s' % ('ok' if ok else 'FAILED'))
    return 0 if ok else 1


def main():
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument('--console')
    ap.add_argument('--results')
    ap.add_argument('--timed-out', type=int, default=0)
    ap.add_argument('--follow', action='store_true',
                    help='print progress to stderr until --done FILE exists')
    ap.add_argument('--done', help='with --follow: stop when this file exists')
    ap.add_argument('--start', type=float, default=0,
                    help='with --follow: epoch time the guest started')
    ap.add_argument('--heartbeat', type=int, default=60,
                    help='with --follow: a line at least this often (s)')
    ap.add_argument('--self-test', action='store_true',
                    help='check the judge on synthetic logs')
    args = ap.parse_args()

    if args.self_test:
        return self_test()
    if not args.console or not args.results:
        ap.error('--console and --results are required')
    if args.follow:
        if not args.done:
            ap.error('--follow needs --done FILE')
        return follow(args)

    with open(args.console, errors='replace') as f:
        console = f.readlines()
    with open(args.results, errors='replace') as f:
        results = f.readlines()
    status, out = judge(console, results, args.timed_out)
    print('\n'.join(out))
    return status


if __name__ == '__main__':
    sys.exit(main())
