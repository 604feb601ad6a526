#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""check-rst.py FILE...: parse each reStructuredText file with docutils and
print every warning or error as FILE:LINE: message; exit 1 if there was one.

The documentation is read by people and by tests written from it: a table
docutils cannot parse (a cell one column off) renders as an error block,
so make lint fails on it."""
import io
import sys

from docutils.core import publish_doctree


def main(paths):
    bad = 0
    for path in paths:
        with open(path, encoding='utf-8') as f:
            text = f.read()
        err = io.StringIO()
        publish_doctree(text, source_path=path,
                        settings_overrides={'warning_stream': err,
                                            'report_level': 2,
                                            'halt_level': 5})
        for line in err.getvalue().splitlines():
            if line.strip():
                print(line)
                bad = 1
    return bad


if __name__ == '__main__':
    sys.exit(main(sys.argv[1:]))
