# SPDX-License-Identifier: GPL-2.0
"""The design API against the real module: placement, coalescing, strategies,
overlap, streams, deferred free, trace, get_memory_info, simulate_workload.

Every expected address and figure follows from the rules documented in
Documentation/allocator.rst, Documentation/uapi.rst and
Documentation/python.rst (first fit: lowest address; best fit: smallest
block, ties low; worst fit: largest; next fit: from the end of the last
allocation, then wrap; buddy: power of two >= 64, lowest block of the
smallest order, halved down; ratios in ppm rounded down).
"""

import errno
import os
import re
import sys
import unittest

import memsim
from memsim import (AllocationRequest, AllocationStrategy, BestFitAllocator,
                    BlockPool, BuddySystemAllocator, DeviceMemorySimulator,
                    FirstFitAllocator, FreeRequest, NextFitAllocator,
                    TLSFAllocator, WorstFitAllocator)

BASE = 0x10000000
MiB = 1 << 20
TOP = os.path.abspath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", ".."))


class SimCase(unittest.TestCase):
    total = MiB

    def setUp(self):
        self.sim = DeviceMemorySimulator(device_id=0, total_memory=self.total,
                                         base_address=BASE)

    def tearDown(self):
        self.sim.close()

    def alloc(self, size, **kw):
        r = self.sim.allocate(size, **kw)
        self.assertTrue(r.success, r.error_message)
        return r

    def addrs(self, *sizes):
        return [self.alloc(s).address - BASE for s in sizes]

    def summary(self):
        return self.sim.pool.get_memory_summary()


class FirstFitAndCoalesce(SimCase):
    def test_first_fit_lowest_address(self):
        self.assertEqual(self.sim.current_allocator.name, "First Fit")
        self.assertEqual(self.addrs(100, 200, 300), [0, 100, 300])
        r = self.sim.free(BASE + 100)
        self.assertTrue(r.success)
        self.assertEqual((r.freed_size, r.coalesced, r.coalesced_size), (200, False, 200))
        self.assertEqual(self.addrs(150), [100])

    def test_split_counts(self):
        r = self.alloc(100)
        self.assertEqual(r.strategy_info["splits"], 1)
        self.assertEqual(r.strategy_info["waste"], 0)
        self.assertEqual(r.strategy_info["segment_id"], self.sim.segment.segment_id)

    def test_coalesce_both_sides(self):
        self.addrs(100, 200, 300)
        r = self.sim.free(BASE)
        self.assertEqual((r.coalesced, r.coalesced_size), (False, 100))
        r = self.sim.free(BASE + 300)
        self.assertEqual((r.coalesced, r.coalesced_size), (True, MiB - 300))
        self.assertEqual(r.strategy_info["coalesced_addr"], BASE + 300)
        r = self.sim.free(BASE + 100)
        self.assertEqual((r.coalesced, r.coalesced_size), (True, MiB))
        self.assertEqual(r.strategy_info["coalesced_addr"], BASE)
        s = self.summary()
        self.assertEqual((s["allocated_bytes"], s["free_blocks"], s["live_blocks"]), (0, 1, 0))

    def test_alignment_padding_is_a_free_block(self):
        self.addrs(1)
        r = self.alloc(16, alignment=4096)
        self.assertEqual(r.address, BASE + 4096)
        self.assertEqual(r.strategy_info["splits"], 2)
        free = [(b.addr - BASE, b.size) for b in self.sim.pool.blocks]
        self.assertEqual(free, [(1, 4095), (4112, MiB - 4112)])

    def test_expected_size_requested_or_actual(self):
        self.sim.set_allocator("Buddy System")
        a = self.alloc(100).address
        b = self.alloc(100).address
        self.assertTrue(self.sim.free(a, expected_size=100).success)
        self.assertTrue(self.sim.free(b, expected_size=128).success)


class Strategies(SimCase):
    def holes(self):
        # [0,100) free, [100,150) used, [150,450) free, [450,500) used, rest free.
        self.assertEqual(self.addrs(100, 50, 300, 50), [0, 100, 150, 450])
        self.assertTrue(self.sim.free(BASE).success)
        self.assertTrue(self.sim.free(BASE + 150).success)

    def place(self, name, size):
        self.sim.set_allocator(name)
        r = self.alloc(size)
        self.assertTrue(self.sim.free(r.address).success)
        return r.address - BASE

    def test_strategy_names(self):
        self.assertEqual([s.value for s in AllocationStrategy],
                         ["First Fit", "Best Fit", "Worst Fit", "Next Fit", "Buddy System", "TLSF"])
        self.assertEqual(AllocationStrategy("Best Fit"), AllocationStrategy.BEST_FIT)
        for cls, s in ((FirstFitAllocator, "First Fit"), (BestFitAllocator, "Best Fit"),
                       (WorstFitAllocator, "Worst Fit"), (NextFitAllocator, "Next Fit"),
                       (BuddySystemAllocator, "Buddy System"), (TLSFAllocator, "TLSF")):
            self.assertEqual(cls().name, s)
            self.assertIsInstance(self.sim.allocators[s], cls)

    def test_best_worst_first(self):
        self.holes()
        self.assertEqual(self.place("Best Fit", 80), 0)
        self.assertEqual(self.place("Best Fit", 120), 150)
        self.assertEqual(self.place("Worst Fit", 80), 500)
        self.assertEqual(self.place("First Fit", 200), 150)
        self.assertEqual(self.place("First Fit", 80), 0)
        self.assertEqual(self.sim.pool.get_memory_summary()["strategy"], "First Fit")

    def test_per_strategy_counters(self):
        self.holes()
        self.place("Best Fit", 80)
        stats = self.sim.pool.get_strategy_stats()
        self.assertEqual(stats["First Fit"]["allocs"], 4)
        self.assertEqual(stats["Best Fit"]["allocs"], 1)
        self.assertEqual(stats["Best Fit"]["frees"], 1)

    def test_tlsf(self):
        self.sim.set_allocator("TLSF")
        self.assertEqual(self.addrs(100), [0])
        self.assertEqual(self.summary()["strategy"], "TLSF")


class NextFit(SimCase):
    total = 500

    def test_cursor_then_wrap(self):
        self.assertEqual(self.addrs(100, 100, 100), [0, 100, 200])
        self.assertTrue(self.sim.free(BASE).success)
        self.sim.set_allocator("Next Fit")
        self.assertEqual(self.addrs(100, 100), [300, 400])
        self.assertEqual(self.addrs(100), [0])
        r = self.sim.allocate(1)
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("ENOSPC: "), r.error_message)


class Buddy(SimCase):
    def test_rounding_and_halving(self):
        self.sim.set_allocator("Buddy System")
        r = self.alloc(100)
        self.assertEqual((r.address, r.actual_size, r.strategy_info["waste"]), (BASE, 128, 28))
        r = self.alloc(64)
        self.assertEqual((r.address, r.actual_size), (BASE + 128, 64))
        r = self.alloc(100)
        self.assertEqual((r.address, r.actual_size), (BASE + 256, 128))
        for a in (BASE, BASE + 128, BASE + 256):
            self.assertTrue(self.sim.free(a).success)
        s = self.summary()
        self.assertEqual((s["free_blocks"], s["largest_free"], s["allocated_bytes"]), (1, MiB, 0))

    def test_min_block(self):
        pool = self.sim.pool
        alloc = BuddySystemAllocator(min_block_size=256)
        r = alloc.allocate(pool, AllocationRequest(size=1))
        self.assertTrue(r.success, r.error_message)
        self.assertEqual((r.address, r.actual_size), (BASE, 256))
        self.assertEqual(list(alloc.allocated_blocks), [BASE])
        self.assertTrue(alloc.free(pool, FreeRequest(address=BASE)).success)
        self.assertEqual(alloc.allocated_blocks, {})

    def test_switch_refused_with_blocks(self):
        self.alloc(10)
        with self.assertRaises(OSError) as cm:
            self.sim.set_allocator("Buddy System")
        self.assertEqual(cm.exception.errno, errno.EBUSY)
        self.assertEqual(self.sim.current_allocator.name, "First Fit")
        r = BuddySystemAllocator().allocate(self.sim.pool, AllocationRequest(size=10))
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("EBUSY: "), r.error_message)


class Overlap(unittest.TestCase):
    def setUp(self):
        self.pool = BlockPool()

    def tearDown(self):
        self.pool.close()

    def test_overlap_kinds(self):
        seg = self.pool.create_segment(0x1000, 0x1000, device=2)
        self.assertEqual((seg.start_addr, seg.original_size, seg.device, seg.stream),
                         (0x1000, 0x1000, 2, 0))
        sid = seg.segment_id
        ov = self.pool.check_segment_overlap(0x1800, 0x100)
        self.assertEqual(ov, {"has_overlap": True, "overlapping_segments": [sid],
                              "safe_to_create": False, "kind": "contained"})
        self.assertEqual(self.pool.check_segment_overlap(0x1800, 0x1000)["kind"], "partial")
        ov = self.pool.check_segment_overlap(0x2000, 0x10)
        self.assertEqual(ov, {"has_overlap": False, "overlapping_segments": [],
                              "safe_to_create": True, "kind": "none"})
        seg2 = self.pool.create_segment(0x2000, 0x1000)
        ov = self.pool.check_segment_overlap(0x1fff, 2)
        self.assertEqual(ov["overlapping_segments"], [sid, seg2.segment_id])
        self.assertEqual(ov["kind"], "partial")

    def test_create_overlapping_raises_memory_error(self):
        self.pool.create_segment(0x1000, 0x1000)
        with self.assertRaises(MemoryError) as cm:
            self.pool.create_segment(0x1fff, 0x10)
        self.assertTrue(str(cm.exception).startswith("EEXIST: "))
        self.assertEqual(len(self.pool.segments), 1)

    def test_find_safe_address_range(self):
        self.pool.create_segment(0x1000, 0x1000)
        self.pool.create_segment(0x2000, 0x1000)
        self.assertEqual(self.pool.find_safe_address_range(0x1000, min_addr=0x1000), 0x3000)
        self.assertEqual(self.pool.find_safe_address_range(0x800), 0)
        self.assertIsNone(self.pool.find_safe_address_range(
            0x100, alignment=0x100, min_addr=0x1000, max_addr=0x3000))
        s = self.pool.get_memory_summary()
        self.assertEqual((s["total_segments"], s["total_size"], s["free_bytes"]), (2, 0x2000, 0x2000))

    def test_segment_views(self):
        seg = self.pool.create_segment(0x1000, 0x1000)
        a = FirstFitAllocator()
        self.assertTrue(a.allocate(self.pool, AllocationRequest(size=0x100)).success)
        self.assertEqual(seg.get_allocated_bytes(), 0x100)
        self.assertEqual(seg.get_free_bytes(), 0xF00)
        # design ratio 1 - 1/blocks with 2 blocks: 500000 ppm
        self.assertEqual(seg.get_fragmentation_ratio(), 0.5)
        self.assertEqual(seg.get_external_fragmentation(), 0.0)
        self.assertEqual([(b.addr, b.size, b.value.action) for b in seg.get_blocks()],
                         [(0x1000, 0x100, "alloc"), (0x1100, 0xF00, "free")])
        self.assertEqual(seg.first_block.addr, 0x1000)
        self.assertTrue(seg.first_block.value.is_allocated())
        self.assertEqual(seg.first_block.end_addr, 0x1100)


class Streams(unittest.TestCase):
    def setUp(self):
        self.pool = BlockPool()
        self.pool.create_segment(0x1000, 0x1000, stream=0)
        self.pool.create_segment(0x10000, 0x1000, stream=1)
        self.ff = FirstFitAllocator()

    def tearDown(self):
        self.pool.close()

    def test_stream_placement(self):
        r = self.ff.allocate(self.pool, AllocationRequest(size=256, stream=1))
        self.assertEqual((r.address, r.block.stream), (0x10000, 1))
        r = self.ff.allocate(self.pool, AllocationRequest(size=256))
        self.assertEqual((r.address, r.block.stream), (0x1000, 0))
        r = self.ff.allocate(self.pool, AllocationRequest(size=0x1000, stream=1))
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("ENOSPC: "), r.error_message)
        self.assertEqual(r.strategy_info["largest"], 0xF00)
        self.assertEqual(r.strategy_info["explain"]["free_bytes"], 0xF00)
        per = self.pool.get_stream_summary()
        self.assertEqual(sorted(per), [0, 1])
        self.assertEqual((per[0]["allocated"], per[1]["allocated"], per[1]["failures"]),
                         (256, 256, 1))
        self.assertEqual(self.pool.get_memory_summary()["nr_streams"], 2)
        # stream None is any stream: the lowest fitting address of all
        r = self.ff.allocate(self.pool, AllocationRequest(size=0xF00))
        self.assertEqual((r.address, r.block.stream), (0x1100, 0))
        r = self.ff.allocate(self.pool, AllocationRequest(size=0xF00))
        self.assertEqual((r.address, r.block.stream), (0x10100, 1))

    def test_can_allocate_changes_nothing(self):
        self.assertTrue(self.ff.can_allocate(self.pool, AllocationRequest(size=0x1000, stream=0)))
        self.assertFalse(self.ff.can_allocate(self.pool, AllocationRequest(size=0x1001, stream=0)))
        s = self.pool.get_memory_summary()
        self.assertEqual((s["allocs"], s["failures"], s["live_blocks"]), (0, 0, 0))


class Deferred(SimCase):
    def test_two_phase_free(self):
        a, b = [BASE + x for x in self.addrs(256, 256)]
        r = self.sim.free(a, defer=True)
        self.assertTrue(r.success)
        self.assertEqual((r.freed_size, r.coalesced, r.strategy_info["deferred"]), (256, False, True))
        s = self.summary()
        self.assertEqual((s["deferred_blocks"], s["deferred_bytes"], s["allocated_bytes"]),
                         (1, 256, 512))
        r = self.sim.free(a)
        self.assertFalse(r.success)
        self.assertTrue(r.error_message.startswith("EBUSY: "), r.error_message)
        self.assertEqual(self.addrs(256), [512])
        r = self.sim.complete_free(a)
        self.assertTrue(r.success, r.error_message)
        self.assertEqual((r.freed_size, r.coalesced, r.coalesced_size), (256, False, 256))
        self.assertEqual(self.summary()["deferred_blocks"], 0)

    def test_sync_stream(self):
        addrs = [BASE + x for x in self.addrs(256, 256, 256)]
        for a in addrs:
            self.assertTrue(self.sim.free(a, defer=True).success)
        self.assertEqual(self.sim.sync_stream(0), 3)
        s = self.summary()
        self.assertEqual((s["deferred_blocks"], s["allocated_bytes"], s["free_blocks"]), (0, 0, 1))

    def test_block_request_free(self):
        r = self.alloc(64)
        r.block.request_free()
        self.assertEqual(r.block.refresh().value.action, "free_requested")
        self.assertTrue(r.block.refresh().value.is_allocated())
        r.block.complete_free()
        self.assertEqual(r.block.refresh().value.action, "free")


class Trace(unittest.TestCase):
    def test_trace_records(self):
        with BlockPool() as pool:
            seg = pool.create_segment(0x1000, 0x1000, capture_trace=True)
            ff = FirstFitAllocator()
            alloc_line = sys._getframe().f_lineno + 1
            r = ff.allocate(pool, AllocationRequest(size=256))
            self.assertTrue(ff.free(pool, FreeRequest(address=r.address)).success)
            recs = pool.get_traces()
            self.assertEqual([t["operation"] for t in recs],
                             ["segment_create", "split", "alloc", "free_complete", "coalesce"])
            self.assertEqual([(t["addr"], t["size"]) for t in recs],
                             [(0x1000, 0x1000), (0x1100, 0xF00), (0x1000, 256),
                              (0x1000, 256), (0x1000, 0x1000)])
            self.assertEqual(recs[2]["requested"], 256)
            self.assertEqual(recs[2]["segment_id"], seg.segment_id)
            self.assertEqual(recs[2]["strategy"], "First Fit")
            self.assertEqual([t["seq"] for t in recs], list(range(recs[0]["seq"], recs[0]["seq"] + 5)))
            # "FILE:LINE FUNC", cut to MEMSIM_LABEL_MAX - 1 = 31 bytes
            self.assertEqual(recs[2]["code_context"],
                             ("test_api.py:%d test_trace_records" % alloc_line)[:31])
            self.assertEqual(recs[1]["code_context"], recs[2]["code_context"])
            self.assertEqual(recs[2]["pid"], os.getpid())
            pool.stop_trace()
            self.assertEqual(pool.get_traces(since_start=False), [])

    def test_labels_kept_with_block(self):
        with DeviceMemorySimulator(0, 4096, 0) as sim:
            r = sim.allocate(64, label="train.py:88 step", tag=7)
            blk = r.block.refresh()
            self.assertEqual((blk.label, blk.tag, blk.requested), ("train.py:88 step", 7, 64))


class MemoryInfoCase(SimCase):
    def test_get_memory_info(self):
        sim = DeviceMemorySimulator(device_id=3, total_memory=MiB, base_address=BASE)
        try:
            info = sim.get_memory_info()
            for k in ("device_id", "total_memory", "base_address", "current_allocator",
                      "memory_summary", "segments", "allocated_blocks"):
                self.assertIn(k, info)
            self.assertEqual((info["device_id"], info["total_memory"], info["base_address"]),
                             (3, MiB, BASE))
            self.assertEqual(info["current_allocator"], "First Fit")
            sim.set_allocator("Best Fit")
            a = sim.allocate(1000).address
            sim.allocate(24)
            info = sim.get_memory_info()
            self.assertEqual(info["current_allocator"], "Best Fit")
            m = info["memory_summary"]
            self.assertEqual((m["allocated_bytes"], m["free_bytes"], m["live_blocks"],
                              m["total_segments"]), (1024, MiB - 1024, 2, 1))
            self.assertEqual(m["utilization"], 976 / 1e6)   # floor(1024e6 / 2^20)
            self.assertEqual(m["fragmentation"], 0.0)
            self.assertEqual((info["allocated_blocks"], info["total_allocations"]), (2, 2))
            self.assertEqual(info["segments"][0]["device"], 3)
            sim.free(a)
            m = sim.get_memory_info()["memory_summary"]
            # free 1048552, largest 1047552: floor(1000e6 / 1048552) = 953
            self.assertEqual(m["fragmentation"], 953 / 1e6)
            self.assertEqual(sim.get_memory_info()["total_frees"], 1)
        finally:
            sim.close()


class Workload(SimCase):
    total = 16384

    def test_simulate_fills_exactly(self):
        r = self.sim.simulate_workload(num_operations=40, min_size=1024, max_size=1024,
                                       free_probability=0.0, seed=5)
        self.assertEqual((r["successful_allocations"], r["failed_allocations"], r["frees"]),
                         (16, 24, 0))
        self.assertEqual((r["final_allocated"], r["peak_allocated"]), (16384, 16384))
        self.assertEqual(self.summary()["live_blocks"], 16)

    def test_simulate_repeats_with_seed(self):
        kw = dict(num_operations=300, min_size=16, max_size=900, free_probability=0.4, seed=42)
        r1 = self.sim.simulate_workload(**kw)
        with DeviceMemorySimulator(0, self.total, BASE) as other:
            r2 = other.simulate_workload(**kw)
        r1.pop("elapsed_ns")
        r2.pop("elapsed_ns")
        self.assertEqual(r1, r2)
        self.assertEqual(r1["successful_allocations"] + r1["failed_allocations"] + r1["frees"], 300)

    def test_compare_strategies(self):
        out = self.sim.compare_strategies(["First Fit", "Buddy System"], num_operations=100,
                                          min_size=1000, max_size=1000, free_probability=0.0)
        # 16384 / 1000 -> 16; buddy: 1024-byte blocks, 16 of them.
        self.assertEqual(out["First Fit"]["successful_allocations"], 16)
        self.assertEqual(out["Buddy System"]["successful_allocations"], 16)
        self.assertEqual(self.summary()["live_blocks"], 0)


class BuddyRoots(SimCase):
    total = 16000

    def test_compare_on_unaligned_total(self):
        out = self.sim.compare_strategies(["First Fit", "Buddy System"], num_operations=100,
                                          min_size=1000, max_size=1000, free_probability=0.0)
        # roots 8192+4096+2048+1024+512+128: 8+4+2+1 blocks of 1024
        self.assertEqual(out["First Fit"]["successful_allocations"], 16)
        self.assertEqual(out["Buddy System"]["successful_allocations"], 15)


class Package(unittest.TestCase):
    def test_version_is_the_release(self):
        with open(os.path.join(TOP, "VERSION")) as f:
            release = f.read().strip()
        self.assertEqual(memsim.__version__, release)
        with open(os.path.join(TOP, "userspace", "python", "pyproject.toml")) as f:
            m = re.search(r'^version = "([^"]+)"', f.read(), re.M)
        self.assertEqual(m.group(1), release)


if __name__ == "__main__":
    unittest.main()
