# SPDX-License-Identifier: GPL-2.0
"""memsim's extras through the design API: top-down, range and fixed
placement, tags, batches, TLSF's setting, stack traces, the raw Device.

Expected values follow Documentation/allocator.rst (top-down: the highest
fitting address of the chosen block, first fit's chosen block the highest
one) and Documentation/uapi.rst (BATCH: per-operation errno)."""

import errno
import unittest

from memsim import DeviceMemorySimulator, TLSFAllocator, AllocationRequest
from memsim import _uapi as U

BASE = 0x10000000
MiB = 1 << 20


class Placement(unittest.TestCase):
    def setUp(self):
        self.sim = DeviceMemorySimulator(0, MiB, BASE)

    def tearDown(self):
        self.sim.close()

    def test_topdown_range_fixed(self):
        r = self.sim.allocate(256, topdown=True)
        self.assertEqual(r.address, BASE + MiB - 256)
        r = self.sim.allocate(256, address_range=(BASE + 0x1000, BASE + 0x2000))
        self.assertEqual(r.address, BASE + 0x1000)
        r = self.sim.allocate(256, address_range=(BASE + 0x1000, BASE + 0x2000), topdown=True)
        self.assertEqual(r.address, BASE + 0x2000 - 256)
        r = self.sim.allocate(64, fixed_addr=BASE + 0x3000)
        self.assertEqual(r.address, BASE + 0x3000)
        r = self.sim.allocate(64, fixed_addr=BASE + 0x3000)
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("ENOSPC: "), r.error_message)
        r = self.sim.allocate(64, fixed_addr=BASE + 0x5001, alignment=4096)
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("EINVAL: "), r.error_message)

    def test_batch(self):
        dev = self.sim.pool.device
        ops = [U.memsim_batch_op(op=U.MEMSIM_BATCH_ALLOC, size=100, stream=U.MEMSIM_STREAM_ANY_ID),
               U.memsim_batch_op(op=U.MEMSIM_BATCH_ALLOC, size=200, stream=0),
               U.memsim_batch_op(op=U.MEMSIM_BATCH_FREE, addr=BASE + 8)]
        res = dev.batch(ops)
        self.assertEqual((res.done, res.failed), (3, 1))
        self.assertEqual([(o.addr, o.result_size, o.error) for o in ops[:2]],
                         [(BASE, 100, 0), (BASE + 100, 200, 0)])
        self.assertEqual(ops[2].error, -errno.ENOENT)
        self.assertEqual(self.sim.pool.get_memory_summary()["live_blocks"], 2)

    def test_tlsf_classes(self):
        alloc = TLSFAllocator(classes=32)
        r = alloc.allocate(self.sim.pool, AllocationRequest(size=100))
        self.assertTrue(r.success, r.error_message)
        self.assertEqual(r.address, BASE)
        bad = TLSFAllocator(classes=20)
        self.assertTrue(self.sim.free(r.address).success)
        with self.assertRaises(OSError) as cm:
            bad.activate(self.sim.pool)
        self.assertEqual(cm.exception.errno, errno.EINVAL)

    def test_info_limits(self):
        info = self.sim.pool.device.get_info()
        self.assertEqual(info.abi_version, U.MEMSIM_ABI_VERSION)
        self.assertEqual(info.max_list, U.MEMSIM_LIST_MAX)
        self.assertTrue(info.features & U.MEMSIM_FEATURE_TRACE)


if __name__ == "__main__":
    unittest.main()
