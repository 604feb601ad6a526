#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""Run the memsim Python tests: one TAP line per case, then a summary.

    python3 tests/run.py [PATTERN]

Discovers tests/test_*.py (or PATTERN), with the package directory
(userspace/python) first on sys.path so the tests use this checkout's
memsim and ures.memory.  Prints "ok N - id" / "not ok N - id" per case
(vm-run counts them), the failures' tracebacks as "#" comments, and last
"python: N passed, M failed" (a skipped case counts as failed:
the tests run where the device is).  Exit status 0 only if nothing
failed.
"""

import os
import sys
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.dirname(HERE))


class TapResult(unittest.TestResult):
    """A TestResult that prints TAP as cases end."""

    def __init__(self):
        super().__init__()
        self.n = 0
        self.passed = 0
        self.nfailed = 0

    def _line(self, test, ok, note="", detail=""):
        self.n += 1
        print("%s %d - %s%s" % ("ok" if ok else "not ok", self.n, test.id(), note), flush=True)
        for line in detail.rstrip().splitlines():
            print("# " + line)
        if ok:
            self.passed += 1
        else:
            self.nfailed += 1

    def addSuccess(self, test):
        super().addSuccess(test)
        self._line(test, True)

    def addFailure(self, test, err):
        super().addFailure(test, err)
        self._line(test, False, detail=self.failures[-1][1])

    def addError(self, test, err):
        super().addError(test, err)
        self._line(test, False, detail=self.errors[-1][1])

    def addSkip(self, test, reason):
        # In make check the device is always there: a skipped case is a
        # case that did not test, so it fails the run.
        super().addSkip(test, reason)
        self._line(test, False, note=" # skipped, counted as failed: " + reason)

    def addExpectedFailure(self, test, err):
        super().addExpectedFailure(test, err)
        self._line(test, True, note=" # expected failure")

    def addUnexpectedSuccess(self, test):
        super().addUnexpectedSuccess(test)
        self._line(test, False, note=" # unexpected success")


def main():
    pattern = sys.argv[1] if len(sys.argv) > 1 else "test_*.py"
    suite = unittest.defaultTestLoader.discover(HERE, pattern=pattern, top_level_dir=HERE)
    result = TapResult()
    suite.run(result)
    # Import errors of a test module show as errors of a case of their own.
    print("python: %d passed, %d failed" % (result.passed, result.nfailed), flush=True)
    return 0 if result.nfailed == 0 and result.n > 0 else 1


if __name__ == "__main__":
    sys.exit(main())
