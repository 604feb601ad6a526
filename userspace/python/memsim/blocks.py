# SPDX-License-Identifier: GPL-2.0
"""The design's block layer over the kernel: BlockPool, Segment, MemoryBlock.

In the Python design these classes *are* the memory model.  Here the model
lives in the kernel: a :class:`BlockPool` owns one memsim instance (one open
file of ``/dev/memsim``), and :class:`Segment` and :class:`MemoryBlock` are
read views of what the kernel reports (``GET_SEGMENTS``, ``GET_BLOCKS_LIFE``).
Splitting and coalescing happen in the kernel as a side effect of
allocating and freeing; see Documentation/python.rst for every difference.
"""

from __future__ import annotations

import dataclasses
import errno
import os
import sys
from typing import Any, Dict, List, Optional

from . import _uapi as U
from .device import DEFAULT_PATH, U64_MAX, Device

#: The name the design (and memsim, for TLSF) gives each kernel strategy id.
STRATEGY_NAMES = {
    U.MEMSIM_STRATEGY_FIRST_FIT: "First Fit",
    U.MEMSIM_STRATEGY_BEST_FIT: "Best Fit",
    U.MEMSIM_STRATEGY_WORST_FIT: "Worst Fit",
    U.MEMSIM_STRATEGY_NEXT_FIT: "Next Fit",
    U.MEMSIM_STRATEGY_BUDDY: "Buddy System",
    U.MEMSIM_STRATEGY_TLSF: "TLSF",
}

_STATE_ACTIONS = {
    U.MEMSIM_STATE_FREE: "free",
    U.MEMSIM_STATE_ALLOCATED: "alloc",
    U.MEMSIM_STATE_FREE_REQUESTED: "free_requested",
}

#: Records of the default trace ring that create_segment(capture_trace=True)
#: starts.
DEFAULT_TRACE_CAPACITY = 4096


@dataclasses.dataclass
class TraceInfo:
    """One operation of the instance's trace (``struct memsim_trace_record``).

    ``operation`` is the design's name of the record's operation
    (``"alloc"``, ``"split"``, ``"coalesce"``, ``"free_request"``,
    ``"free_complete"``...); ``code_context`` is the caller's label.
    """

    timestamp_ns: int
    operation: str
    seq: int = 0
    addr: int = 0
    size: int = 0
    requested: int = 0
    align: int = 0
    segment_id: int = 0
    tag: int = 0
    strategy: str = ""
    stream: int = 0
    flags: int = 0
    error: int = 0
    pid: int = 0
    tgid: int = 0
    comm: str = ""
    code_context: str = ""

    @classmethod
    def from_record(cls, r: U.memsim_trace_record) -> "TraceInfo":
        """Build from a kernel trace record."""
        op = U.TRACE_OPS[r.op] if r.op < len(U.TRACE_OPS) else "op%d" % r.op
        return cls(timestamp_ns=r.ts_ns, operation=op, seq=r.seq, addr=r.addr,
                   size=r.size, requested=r.requested, align=r.align,
                   segment_id=r.segment_id, tag=r.tag,
                   strategy=STRATEGY_NAMES.get(r.strategy, str(r.strategy)),
                   stream=r.stream, flags=r.flags, error=r.error, pid=r.pid,
                   tgid=r.tgid, comm=r.comm.decode("ascii", "replace"),
                   code_context=r.label.decode("ascii", "replace"))

    def to_dict(self) -> Dict[str, Any]:
        """The record as a plain dict."""
        return dataclasses.asdict(self)


@dataclasses.dataclass
class MemoryInfo:
    """The design's MemoryInfo: what one block is and does."""

    addr: int
    size: int
    action: str = "free"
    allocated: bool = False
    alloc_time_ns: int = 0
    free_time_ns: int = 0
    traces: List[TraceInfo] = dataclasses.field(default_factory=list)

    def is_allocated(self) -> bool:
        """True for "alloc" and "free_requested", as in the design."""
        return self.action in ("alloc", "free_requested")

    def get_end_addr(self) -> int:
        """One past the last byte."""
        return self.addr + self.size


class MemoryBlock:
    """A read view of one kernel block (``struct memsim_block_info``).

    It is a snapshot: call :meth:`refresh` for the block's state now.  The
    design's transitions are kernel operations here: :meth:`request_free`
    and :meth:`complete_free` call FREE (deferred) and COMPLETE_FREE;
    :meth:`splice`, :meth:`coalesce` and :meth:`request_alloc` are done by
    the kernel inside ALLOC and FREE and raise :class:`NotImplementedError`.
    """

    def __init__(self, pool: Optional["BlockPool"], addr: int, size: int,
                 state: int, stream: int = 0, segment_id: int = 0,
                 requested: int = 0, tag: int = 0, alloc_ns: int = 0,
                 free_ns: int = 0, label: str = "") -> None:
        self.pool = pool
        self.stream = stream
        self.segment_id = segment_id
        self.requested = requested
        self.tag = tag
        self.state = state
        self.label = label
        action = _STATE_ACTIONS.get(state, "free")
        self.value = MemoryInfo(addr=addr, size=size, action=action,
                                allocated=state != U.MEMSIM_STATE_FREE,
                                alloc_time_ns=alloc_ns, free_time_ns=free_ns)

    @classmethod
    def from_info(cls, pool: Optional["BlockPool"], b: U.memsim_block_info,
                  label: str = "") -> "MemoryBlock":
        """Build from a GET_BLOCKS entry."""
        return cls(pool, b.addr, b.size, b.state, b.stream, b.segment_id,
                   b.requested, b.tag, b.alloc_ns, b.free_ns, label)

    @property
    def addr(self) -> int:
        """First address."""
        return self.value.addr

    @property
    def size(self) -> int:
        """Size in bytes (the buddy system's rounded size)."""
        return self.value.size

    @property
    def end_addr(self) -> int:
        """One past the last byte."""
        return self.value.get_end_addr()

    def sort_key(self) -> tuple:
        """The design's SortedSet key: (stream, size, addr)."""
        return (self.stream, self.size, self.addr)

    def refresh(self) -> "MemoryBlock":
        """Return the block that starts at this address now (or self)."""
        if self.pool is not None:
            for b in self.pool.get_blocks():
                if b.addr == self.addr:
                    return b
        return self

    def request_free(self, time_ns: Optional[int] = None) -> None:
        """First phase of a deferred free (FREE with MEMSIM_FREE_DEFER)."""
        pool = self._need_pool()
        label = caller_label(2) if pool.capture_trace else None
        pool.device.free(self.addr, defer=True, label=label)
        self.value.action = "free_requested"

    def complete_free(self, time_ns: Optional[int] = None) -> None:
        """Second phase (COMPLETE_FREE)."""
        pool = self._need_pool()
        label = caller_label(2) if pool.capture_trace else None
        pool.device.complete_free(self.addr, label)
        self.value.action = "free_completed"
        self.value.allocated = False

    def splice(self, memory_size: int) -> "MemoryBlock":
        """Not available: the kernel splits inside ALLOC."""
        raise NotImplementedError("memsim splits blocks in the kernel; use an allocator")

    def coalesce(self) -> "MemoryBlock":
        """Not available: the kernel merges inside FREE."""
        raise NotImplementedError("memsim merges blocks in the kernel on free")

    def request_alloc(self, time_ns: Optional[int] = None) -> None:
        """Not available: the kernel marks blocks allocated inside ALLOC."""
        raise NotImplementedError("memsim allocates in the kernel; use an allocator")

    def _need_pool(self) -> "BlockPool":
        if self.pool is None:
            raise ValueError("this block view has no pool")
        return self.pool

    def __repr__(self) -> str:
        return "MemoryBlock(addr=0x%x, size=%d, action=%r, stream=%d)" % (
            self.addr, self.size, self.value.action, self.stream)


class Segment:
    """A read view of one segment (``struct memsim_segment_info``)."""

    def __init__(self, pool: "BlockPool", info: U.memsim_segment_info) -> None:
        self.pool = pool
        self.segment_id: int = info.id
        self.start_addr: int = info.start
        self.original_size: int = info.size
        self.device: int = info.device
        self.stream: int = info.stream
        self.info = info

    @property
    def end_addr(self) -> int:
        """One past the last byte."""
        return self.start_addr + self.original_size

    def _now(self) -> U.memsim_segment_info:
        for s in self.pool.device.get_segments():
            if s.id == self.segment_id:
                self.info = s
                return s
        raise LookupError("segment %d no longer exists" % self.segment_id)

    @property
    def first_block(self) -> MemoryBlock:
        """The block at the segment's start."""
        return self.get_blocks()[0]

    def get_blocks(self) -> List[MemoryBlock]:
        """Every block of the segment, in address order."""
        return [b for b in self.pool.get_blocks() if b.segment_id == self.segment_id]

    def get_allocated_bytes(self) -> int:
        """Bytes in allocated blocks (deferred frees included)."""
        return self._now().usage.allocated

    def get_free_bytes(self) -> int:
        """Bytes in free blocks."""
        return self._now().usage.free

    def get_fragmentation_ratio(self) -> float:
        """The design's ratio 1 - 1/blocks (kernel: split_ratio_ppm / 10^6)."""
        return self._now().split_ratio_ppm / 1e6

    def get_external_fragmentation(self) -> float:
        """1 - largest free / free of the segment (0.0 when nothing is free)."""
        u = self._now().usage
        return u.frag_ppm / 1e6

    def to_dict(self) -> Dict[str, Any]:
        """The kernel's figures for the segment as a dict."""
        return self._now().to_dict()

    def __repr__(self) -> str:
        return "Segment(id=%d, start=0x%x, size=%d, device=%d, stream=%d)" % (
            self.segment_id, self.start_addr, self.original_size, self.device, self.stream)


def _is_own_module(name: str) -> bool:
    """True for memsim, ures and their submodules (not memsim_demo)."""
    return any(name == p or name.startswith(p + ".") for p in ("memsim", "ures"))


def caller_label(depth: int = 2) -> str:
    """A label naming the caller's call site: "file.py:LINE func" (<= 31 chars)."""
    f = sys._getframe(depth)
    while f is not None and _is_own_module(f.f_globals.get("__name__", "")):
        f = f.f_back
    if f is None:
        return ""
    text = "%s:%d %s" % (os.path.basename(f.f_code.co_filename), f.f_lineno,
                         f.f_code.co_name)
    text = "".join(c if " " <= c <= "~" else "?" for c in text)
    return text[:U.MEMSIM_LABEL_MAX - 1]


class BlockPool:
    """The design's BlockPool: one memsim instance's segments and blocks.

    ``BlockPool()`` opens a new instance on ``/dev/memsim`` (``path``), or
    wraps an open :class:`~memsim.device.Device`.  The instance and all it
    holds go away with :meth:`close` (or the pool's garbage collection).
    """

    def __init__(self, path: str = DEFAULT_PATH, device: Optional[Device] = None) -> None:
        self.device: Device = device if device is not None else Device(path)
        #: Strategy (id, setting) last set on the instance; first fit at open.
        self.strategy_key: tuple = (U.MEMSIM_STRATEGY_FIRST_FIT, 0)
        #: Label every allocation and free with the Python call site.
        self.capture_trace: bool = False
        self._trace_cursor = 0

    def close(self) -> None:
        """Close the instance: every segment and block goes."""
        self.device.close()

    def __enter__(self) -> "BlockPool":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- segments -------------------------------------------------------------

    def create_segment(self, start_addr: int, size: int, device: int = 0,
                       stream: Optional[int] = 0, capture_trace: bool = False) -> Segment:
        """Create a segment [start_addr, start_addr + size) (CREATE_SEGMENT).

        Raises :class:`MemoryError` if it overlaps a segment (EEXIST) or a
        limit is reached (E2BIG, ENOMEM), :class:`ValueError` for a
        malformed range (EINVAL: zero size, wrapping range).  stream None
        is stream 0.  capture_trace starts the instance's trace (if it is
        not on) and labels later calls with their Python call site.
        """
        if capture_trace:
            self.start_trace()
        try:
            sid = self.device.create_segment(start_addr, size, device,
                                             0 if stream is None else stream)
        except OSError as e:
            if e.errno == errno.EEXIST:
                ov = self.check_segment_overlap(start_addr, size)
                raise MemoryError("EEXIST: segment [0x%x, +%d) overlaps segment(s) %s" % (
                    start_addr, size, ov["overlapping_segments"])) from None
            if e.errno in (errno.E2BIG, errno.ENOMEM):
                raise MemoryError("%s: %s" % (errno.errorcode[e.errno], e.strerror)) from None
            if e.errno == errno.EINVAL:
                raise ValueError("EINVAL: segment [0x%x, +%d) is malformed (zero size "
                                 "or a range that wraps)" % (start_addr, size)) from None
            raise
        return self.get_segment(sid)

    def release_segment(self, segment_id: int) -> None:
        """Remove an entirely free segment (RELEASE_SEGMENT); OSError otherwise."""
        self.device.release_segment(segment_id)

    def get_segment(self, segment_id: int) -> Segment:
        """The segment with that id (KeyError if none)."""
        return self.segments[segment_id]

    @property
    def segments(self) -> Dict[int, Segment]:
        """Every segment by id (design: ``pool.segments``), read now."""
        return {s.id: Segment(self, s) for s in self.device.get_segments()}

    def check_segment_overlap(self, start_addr: int, size: int,
                              device: Optional[int] = None,
                              stream: Optional[int] = None) -> Dict[str, Any]:
        """How [start_addr, start_addr + size) relates to the segments.

        Returns the design's dict: ``has_overlap``, ``overlapping_segments``
        (ids in address order), ``safe_to_create``; plus ``kind``:
        ``"none"``, ``"contained"`` or ``"partial"`` (CHECK_OVERLAP).
        Segments overlap whatever their device and stream.
        """
        kind, ids = self.device.check_overlap(start_addr, size)
        return {
            "has_overlap": kind != U.MEMSIM_OVERLAP_KIND_NONE,
            "overlapping_segments": ids,
            "safe_to_create": kind == U.MEMSIM_OVERLAP_KIND_NONE,
            "kind": ("none", "contained", "partial")[kind],
        }

    def find_safe_address_range(self, size: int, alignment: int = 1,
                                min_addr: int = 0, max_addr: int = U64_MAX
                                ) -> Optional[int]:
        """Lowest aligned start of a free range of size bytes outside every
        segment, ending at or below max_addr (FIND_SAFE_RANGE); None if none."""
        try:
            return self.device.find_safe_range(size, alignment, min_addr, max_addr)
        except OSError as e:
            if e.errno == errno.ENOSPC:
                return None
            raise

    def insert_into_blocks(self, block: MemoryBlock) -> None:
        """Not available: the kernel keeps the free index."""
        raise NotImplementedError("memsim keeps its free index in the kernel")

    # --- blocks ----------------------------------------------------------------

    def get_blocks(self) -> List[MemoryBlock]:
        """Every block, free and allocated, in address order."""
        return [MemoryBlock.from_info(self, b.block, b.label.decode("ascii", "replace"))
                for b in self.device.get_blocks_life()]

    @property
    def blocks(self) -> List[MemoryBlock]:
        """The free blocks in the design's order: (stream, size, addr)."""
        return sorted((b for b in self.get_blocks() if b.state == U.MEMSIM_STATE_FREE),
                      key=MemoryBlock.sort_key)

    @property
    def allocated_blocks(self) -> Dict[int, MemoryBlock]:
        """Allocated blocks (deferred frees included) by address."""
        return {b.addr: b for b in self.get_blocks() if b.state != U.MEMSIM_STATE_FREE}

    # --- figures ---------------------------------------------------------------

    def get_memory_summary(self) -> Dict[str, Any]:
        """The pool's figures (GET_SUMMARY).

        Design keys: total_segments, total_size, total_original_size,
        allocated_bytes, free_bytes, utilization (allocated / total, 0..1),
        fragmentation (external: 1 - largest free / free).  memsim adds the
        rest: requested_bytes, largest_free, live_blocks, free_blocks,
        deferred_blocks, deferred_bytes, peak_allocated, allocs, frees,
        failures, utilization_ppm, frag_ppm, strategy, nr_streams.
        """
        s = self.device.get_summary()
        u = s.usage
        return {
            "total_segments": s.nr_segments,
            "total_size": u.total,
            "total_original_size": u.total,
            "allocated_bytes": u.allocated,
            "free_bytes": u.free,
            "utilization": u.utilization_ppm / 1e6,
            "fragmentation": u.frag_ppm / 1e6,
            "requested_bytes": u.requested,
            "largest_free": u.largest_free,
            "live_blocks": u.live_blocks,
            "free_blocks": u.free_blocks,
            "deferred_blocks": u.deferred_blocks,
            "deferred_bytes": u.deferred_bytes,
            "peak_allocated": u.peak_allocated,
            "allocs": u.allocs,
            "frees": u.frees,
            "failures": u.failures,
            "utilization_ppm": u.utilization_ppm,
            "frag_ppm": u.frag_ppm,
            "strategy": STRATEGY_NAMES.get(s.strategy, str(s.strategy)),
            "nr_streams": s.nr_streams,
        }

    def get_stream_summary(self) -> Dict[int, Dict[str, Any]]:
        """Per-stream counters (GET_STATS) by stream number."""
        _, streams = self.device.get_stats()
        return {st.stream: dict(st.usage.to_dict(), nr_segments=st.nr_segments)
                for st in streams}

    def get_strategy_stats(self) -> Dict[str, Dict[str, int]]:
        """Per-strategy counters (GET_STATS) by strategy name."""
        stats, _ = self.device.get_stats()
        return {STRATEGY_NAMES[i]: stats.strategies[i].to_dict()
                for i in range(U.MEMSIM_STRATEGY_COUNT)}

    # --- trace -----------------------------------------------------------------

    def start_trace(self, capacity: int = DEFAULT_TRACE_CAPACITY, stack: bool = False,
                    restart: bool = False) -> None:
        """Start the trace (TRACE_CTL) unless it is on and restart is False;
        label later calls with their Python call site."""
        state, _ = self.device.trace_read(0, 0)
        if restart or state.capacity == 0:
            self.device.trace_ctl(capacity, on=True, stack=stack)
            state, _ = self.device.trace_read(0, 0)
            self._trace_cursor = state.head
        self.capture_trace = True

    def stop_trace(self) -> None:
        """Stop the trace and free its ring."""
        self.device.trace_ctl(0)
        self.capture_trace = False

    def get_traces(self, since_start: bool = True) -> List[Dict[str, Any]]:
        """The trace's records as dicts (TraceInfo fields), oldest first.

        since_start: from the ring's start (else: every record still held)."""
        cursor = self._trace_cursor if since_start else 0
        out: List[Dict[str, Any]] = []
        while True:
            state, recs = self.device.trace_read(cursor, 256)
            out.extend(TraceInfo.from_record(r).to_dict() for r in recs)
            if not recs or state.cursor >= state.head:
                return out
            cursor = state.cursor

    def reset(self, keep_segments: bool = False) -> None:
        """RESET: free every block (keep_segments) or everything."""
        self.device.reset(keep_segments)
        if not keep_segments:
            self.strategy_key = (U.MEMSIM_STRATEGY_FIRST_FIT, 0)
