# SPDX-License-Identifier: GPL-2.0
"""memsim._uapi against include/uapi/linux/memsim.h.

A C program generated from _uapi's field lists is compiled against the
header with the host's C compiler: every structure's size, every field's
offset and size, and every command number must equal what ctypes computes.
The header is also parsed: it must declare exactly the structures,
fields (in order) and commands that _uapi has.
"""

import ctypes
import os
import re
import subprocess
import tempfile
import unittest

from memsim import _uapi as U

TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))
HEADER = os.environ.get("MEMSIM_UAPI_HEADER",
                        os.path.join(TOP, "include", "uapi", "linux", "memsim.h"))


def header_text():
    with open(HEADER, encoding="utf-8") as f:
        return f.read()


def header_structs():
    """{struct name: [field names in order]} from the header's definitions."""
    text = re.sub(r"/\*.*?\*/", "", header_text(), flags=re.S)
    out = {}
    for m in re.finditer(r"^struct (memsim_\w+) \{(.*?)^\};", text, flags=re.S | re.M):
        fields = []
        for decl in m.group(2).split(";"):
            decl = decl.strip()
            if decl:
                fields.append(re.match(r".*?(\w+)\s*(\[[^]]*\])?$", decl, re.S).group(1))
        out[m.group(1)] = fields
    return out


class Layout(unittest.TestCase):
    def test_header_declares_what_uapi_has(self):
        hs = header_structs()
        self.assertEqual(sorted(hs), sorted(U.STRUCTS))
        for name, cls in U.STRUCTS.items():
            self.assertEqual([f[0] for f in cls._fields_], hs[name], name)
        cmds = set(re.findall(r"^#define (MEMSIM_IOC_\w+)\s+_IO", header_text(), re.M))
        self.assertEqual(cmds, set(U.IOCTLS))

    def test_header_constants(self):
        text = header_text()
        for name in ("MEMSIM_LIST_MAX", "MEMSIM_LABEL_MAX", "MEMSIM_HIST_SIZE",
                     "MEMSIM_EXPLAIN_MAX", "MEMSIM_STRATEGY_COUNT_V1",
                     "MEMSIM_STREAM_ANY_ID"):
            m = re.search(r"^#define %s\s+(0x[0-9a-fA-F]+|\d+)U?\b" % name, text, re.M)
            self.assertIsNotNone(m, name)
            self.assertEqual(int(m.group(1), 0), getattr(U, name), name)
        for name in ("MEMSIM_STRATEGY_FIRST_FIT", "MEMSIM_STRATEGY_BUDDY",
                     "MEMSIM_STRATEGY_TLSF", "MEMSIM_STRATEGY_COUNT"):
            m = re.search(r"\b%s = (\d+)," % name, text)
            self.assertEqual(int(m.group(1)), getattr(U, name), name)

    def test_compiled_sizes_offsets_and_commands(self):
        lines = ["#include <stdio.h>", "#include <stddef.h>", "#include <linux/memsim.h>",
                 "int main(void) {"]
        expect = []
        for name, cls in sorted(U.STRUCTS.items()):
            lines.append('printf("%%s %%zu\\n", "%s", sizeof(struct %s));' % (name, name))
            expect.append("%s %d" % (name, ctypes.sizeof(cls)))
            for field, _ in cls._fields_:
                fd = getattr(cls, field)
                lines.append('printf("%%s %%zu %%zu\\n", "%s.%s", offsetof(struct %s, %s), '
                             'sizeof(((struct %s *)0)->%s));'
                             % (name, field, name, field, name, field))
                expect.append("%s.%s %d %d" % (name, field, fd.offset, fd.size))
        for name, value in sorted(U.IOCTLS.items()):
            lines.append('printf("%%s %%lu\\n", "%s", (unsigned long)%s);' % (name, name))
            expect.append("%s %d" % (name, value))
        lines += ["return 0;", "}"]
        with tempfile.TemporaryDirectory() as d:
            src = os.path.join(d, "layout.c")
            exe = os.path.join(d, "layout")
            with open(src, "w") as f:
                f.write("\n".join(lines) + "\n")
            cc = subprocess.run(["cc", "-Wall", "-Werror", "-I", os.path.join(TOP, "include", "uapi"),
                                 "-o", exe, src], capture_output=True, text=True)
            self.assertEqual(cc.returncode, 0, cc.stderr)
            got = subprocess.run([exe], capture_output=True, text=True, check=True).stdout
        self.assertEqual(got.splitlines(), expect)


if __name__ == "__main__":
    unittest.main()
