# SPDX-License-Identifier: GPL-2.0
"""The design's own usage examples, executed unchanged against /dev/memsim.

The files in examples/ are the specification's text (section 6); they are
run with runpy, as "python3 FILE" would run them.  Expected values follow
from the placement rules: a fresh segment's first allocation is at its
start, and freeing it leaves one free block of the whole segment.
"""

import contextlib
import io
import os
import runpy
import unittest

import memsim
import ures.memory

EXAMPLES = os.path.join(os.path.dirname(os.path.abspath(__file__)), "examples")
MiB = 1024 * 1024


def run_example(name, init_globals=None):
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        ns = runpy.run_path(os.path.join(EXAMPLES, name), init_globals=init_globals,
                            run_name="__main__")
    return ns, out.getvalue()


class DesignExamples(unittest.TestCase):
    def test_integration_import_is_memsim(self):
        for name in ("DeviceMemorySimulator", "BlockPool", "FirstFitAllocator",
                     "AllocationRequest", "FreeRequest", "FreeResult", "AllocationResult",
                     "MemoryBlock", "Segment", "MemoryInfo", "TraceInfo", "MemoryAllocator",
                     "BestFitAllocator", "WorstFitAllocator", "NextFitAllocator",
                     "BuddySystemAllocator", "AllocationStrategy"):
            self.assertIs(getattr(ures.memory, name), getattr(memsim, name), name)

    def test_basic_simulator_usage(self):
        ns, out = run_example("basic_simulator.py")
        sim, result, info = ns["sim"], ns["result"], ns["info"]
        try:
            self.assertTrue(result.success, result.error_message)
            self.assertEqual(result.address, 0x10000000)
            self.assertEqual(result.actual_size, 256)
            self.assertEqual(ns["addr"], 0x10000000)
            self.assertEqual(sim.current_allocator.name, "Best Fit")
            self.assertEqual(len(sim.free_history), 1)
            fr = sim.free_history[0]
            self.assertTrue(fr.success, fr.error_message)
            self.assertEqual(fr.freed_size, 256)
            self.assertTrue(fr.coalesced)
            self.assertEqual(fr.coalesced_size, MiB)
            summary = info["memory_summary"]
            self.assertEqual(summary["allocated_bytes"], 0)
            self.assertEqual(summary["free_bytes"], MiB)
            self.assertEqual(summary["total_size"], MiB)
            self.assertEqual(summary["free_blocks"], 1)
            self.assertEqual(summary["strategy"], "Best Fit")
            self.assertEqual(out, str(summary) + "\n")
            self.assertIn("'total_size': 1048576", out)
        finally:
            sim.close()

    def test_pool_allocator_verbatim_lacks_free_request(self):
        # The specification's text uses FreeRequest without importing it:
        # verbatim, it must get as far as the free and stop there.
        with self.assertRaises(NameError) as cm:
            run_example("pool_allocator.py")
        self.assertIn("FreeRequest", str(cm.exception))

    def test_pool_allocator_usage(self):
        ns, _ = run_example("pool_allocator.py",
                            init_globals={"FreeRequest": ures.memory.FreeRequest})
        pool, res, seg = ns["pool"], ns["res"], ns["seg"]
        try:
            self.assertTrue(res.success, res.error_message)
            self.assertEqual(res.address, 0x1000)
            self.assertEqual(ns["block"].addr, 0x1000)
            self.assertEqual(ns["block"].size, 256)
            self.assertEqual((seg.start_addr, seg.original_size, seg.device),
                             (0x1000, 8192, 0))
            blocks = pool.get_blocks()
            self.assertEqual([(b.addr, b.size, b.value.action) for b in blocks],
                             [(0x1000, 8192, "free")])
            self.assertEqual(ns["allocator"].allocated_blocks, {})
        finally:
            pool.close()


if __name__ == "__main__":
    unittest.main()
