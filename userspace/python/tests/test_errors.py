# SPDX-License-Identifier: GPL-2.0
"""Errors: which errno a call meets (Documentation/uapi.rst), and how the
design API reports it (Documentation/python.rst): allocation and free
failures are results whose error_message starts with the errno's name;
device failures raise OSError with that errno."""

import ctypes
import errno
import os
import unittest

from memsim import (AllocationRequest, BlockPool, BuddySystemAllocator,
                    DeviceMemorySimulator, FirstFitAllocator, FreeRequest, MemoryBlock)
from memsim import _uapi as U

BASE = 0x10000000


class Errors(unittest.TestCase):
    def setUp(self):
        self.sim = DeviceMemorySimulator(0, 4096, BASE)

    def tearDown(self):
        self.sim.close()

    def failed(self, r, name):
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith(name + ": "), r.error_message)
        self.assertIsNone(getattr(r, "block", None))

    def test_free_unknown_and_twice(self):
        self.failed(self.sim.free(BASE + 8), "ENOENT")
        a = self.sim.allocate(64).address
        self.assertTrue(self.sim.free(a).success)
        r = self.sim.free(a)
        self.failed(r, "ENOENT")
        self.assertEqual(r.strategy_info["errno"], errno.ENOENT)

    def test_free_size_mismatch(self):
        a = self.sim.allocate(100).address
        self.failed(self.sim.free(a, expected_size=99), "EINVAL")
        self.assertEqual(self.sim.pool.get_memory_summary()["live_blocks"], 1)
        self.assertTrue(self.sim.free(a, expected_size=100).success)

    def test_complete_free_errors(self):
        a = self.sim.allocate(100).address
        self.failed(self.sim.complete_free(a), "EINVAL")
        self.failed(self.sim.complete_free(BASE + 200), "ENOENT")

    def test_bad_requests(self):
        self.failed(self.sim.allocate(0), "EINVAL")
        self.failed(self.sim.allocate(-1), "EINVAL")
        self.failed(self.sim.allocate(1 << 64), "EINVAL")
        self.failed(self.sim.allocate(16, alignment=3), "EINVAL")
        self.failed(self.sim.allocate(16, stream=-2), "EINVAL")
        self.failed(self.sim.allocate(16, label="x" * 40), "ENAMETOOLONG")
        self.failed(self.sim.allocate(16, label="a\tb"), "EINVAL")
        s = self.sim.pool.get_memory_summary()
        self.assertEqual((s["allocs"], s["failures"]), (0, 0))

    def test_every_failure_names_its_errno(self):
        # python.rst: on failure strategy_info has "strategy" and "errno",
        # also for failures found in Python and for a refused switch.
        r = self.sim.allocate(0)
        self.assertEqual(r.strategy_info["errno"], errno.EINVAL)
        r = FirstFitAllocator().free(self.sim.pool, FreeRequest(address=-1))
        self.failed(r, "EINVAL")
        self.assertEqual(r.strategy_info["errno"], errno.EINVAL)
        a = self.sim.allocate(64).address
        # uapi.rst: the buddy system cannot be entered with blocks allocated.
        r = BuddySystemAllocator().allocate(self.sim.pool, AllocationRequest(size=64))
        self.failed(r, "EBUSY")
        self.assertEqual(r.strategy_info["errno"], errno.EBUSY)
        self.assertEqual(r.strategy_info["strategy"], "Buddy System")
        self.assertTrue(self.sim.free(a).success)

    def test_free_label_checked_first(self):
        # The kernel checks a free's label before it looks for the block.
        a = self.sim.allocate(64).address
        r = self.sim.free(a, label="a\tb")
        self.failed(r, "EINVAL")
        self.assertIn("label", r.error_message)
        r = self.sim.free(a, label="x" * 40)
        self.failed(r, "ENAMETOOLONG")
        self.assertEqual(self.sim.pool.get_memory_summary()["live_blocks"], 1)
        self.assertTrue(self.sim.free(a, label="ok").success)

    def test_failed_simulator_keeps_no_instance(self):
        def fds():
            return len(os.listdir("/proc/self/fd"))
        before = fds()
        with self.assertRaises(ValueError):
            DeviceMemorySimulator(0, 0, BASE)
        self.assertEqual(fds(), before)

    def test_no_space_is_counted(self):
        r = self.sim.allocate(4097)
        self.failed(r, "ENOSPC")
        self.assertIn("largest allocation possible now is 4096 bytes", r.error_message)
        self.assertEqual(r.strategy_info["explain"]["would_fit"], 0)
        self.assertEqual(self.sim.pool.get_memory_summary()["failures"], 1)
        self.assertEqual(len(self.sim.allocation_history), 1)

    def test_unknown_allocator(self):
        with self.assertRaises(ValueError):
            self.sim.set_allocator("Quick Fit")

    def test_device_failures_raise(self):
        dev = self.sim.pool.device
        with self.assertRaises(OSError) as cm:
            dev.ioctl(U._IOWR(0x7f, U.memsim_info), U.memsim_info())
        self.assertEqual(cm.exception.errno, errno.ENOTTY)
        # a known number with another size encoded
        with self.assertRaises(OSError) as cm:
            dev.ioctl(U._IOC(3, U.MEMSIM_IOC_MAGIC, 0x06, 8), U.memsim_reset_arg())
        self.assertEqual(cm.exception.errno, errno.ENOTTY)
        with self.assertRaises(OSError) as cm:
            dev.sync_stream(7)
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        self.sim.pool.close()
        with self.assertRaises(OSError):
            self.sim.allocate(16)

    def test_reserved_field_refused(self):
        with self.assertRaises(OSError) as cm:
            self.sim.pool.device.ioctl(U.MEMSIM_IOC_GET_INFO, U.memsim_info(flags=1))
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_segment_errors(self):
        pool = self.sim.pool
        with self.assertRaises(ValueError):
            pool.create_segment(0x1000, 0)
        with self.assertRaises(ValueError):
            pool.create_segment((1 << 64) - 16, 32)
        a = self.sim.allocate(16).address
        sid = self.sim.segment.segment_id
        with self.assertRaises(OSError) as cm:
            pool.release_segment(sid)
        self.assertEqual(cm.exception.errno, errno.EBUSY)
        with self.assertRaises(OSError) as cm:
            pool.release_segment(sid + 100)
        self.assertEqual(cm.exception.errno, errno.ENOENT)
        self.sim.free(a)
        pool.release_segment(sid)
        self.assertEqual(pool.segments, {})

    def test_design_transitions_are_kernel_side(self):
        blk = self.sim.allocate(16).block
        self.assertIsInstance(blk, MemoryBlock)
        for call in (lambda: blk.splice(8), blk.coalesce, blk.request_alloc,
                     lambda: self.sim.pool.insert_into_blocks(blk)):
            with self.assertRaises(NotImplementedError):
                call()

    def test_free_by_another_allocator(self):
        pool = self.sim.pool
        r = FirstFitAllocator().allocate(pool, AllocationRequest(size=32))
        other = FirstFitAllocator()
        self.assertTrue(other.free(pool, FreeRequest(address=r.address)).success)


class StructLayoutUse(unittest.TestCase):
    def test_overlap_ids_page(self):
        with BlockPool() as pool:
            for i in range(70):
                pool.create_segment(0x1000 * (i + 1), 0x1000)
            ov = pool.check_segment_overlap(0, 0x1000 * 80)
            self.assertEqual(len(ov["overlapping_segments"]), 70)
            self.assertEqual(ctypes.sizeof(U.memsim_segment_arg), 56)


if __name__ == "__main__":
    unittest.main()
