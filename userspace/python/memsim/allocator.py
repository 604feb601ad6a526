# SPDX-License-Identifier: GPL-2.0
"""The design's allocator layer over the kernel.

:class:`MemoryAllocator` and its concrete strategies place allocations in a
:class:`~memsim.blocks.BlockPool` by setting the pool's instance to their
strategy (SET_STRATEGY) and calling ALLOC; :class:`DeviceMemorySimulator`
is the design's facade: one instance, one segment, one active allocator.

Failed allocations and frees are results, as in the design
(``success=False``); their ``error_message`` starts with the errno's name
("ENOSPC: ...").  Only failures a caller cannot cause by its arguments or
the pool's state (EFAULT, ENOTTY, ENOMEM, EBADF, ...) raise OSError.
Documentation/python.rst has the rules and every difference from the
design.
"""

from __future__ import annotations

import dataclasses
import enum
import errno
import time
from typing import Any, Dict, Iterable, List, Optional, Tuple, Union

from . import _uapi as U
from .blocks import STRATEGY_NAMES, BlockPool, MemoryBlock, caller_label
from .device import DEFAULT_PATH, U32_MAX, U64_MAX, errno_name, label_buffer

#: errnos an allocation turns into success=False (the others raise OSError).
ALLOC_RESULT_ERRNOS = (errno.ENOSPC, errno.EINVAL, errno.E2BIG,
                       errno.ENAMETOOLONG, errno.EBUSY)
#: errnos a free turns into success=False.
FREE_RESULT_ERRNOS = (errno.ENOENT, errno.EINVAL, errno.EBUSY,
                      errno.ENAMETOOLONG)


class AllocationStrategy(enum.Enum):
    """The design's strategies, valued by their names; TLSF is memsim's."""

    FIRST_FIT = "First Fit"
    BEST_FIT = "Best Fit"
    WORST_FIT = "Worst Fit"
    NEXT_FIT = "Next Fit"
    BUDDY_SYSTEM = "Buddy System"
    TLSF = "TLSF"


#: The kernel's id of each strategy, from the one table of names.
_STRATEGY_IDS = {AllocationStrategy(name): sid for sid, name in STRATEGY_NAMES.items()}


@dataclasses.dataclass
class AllocationRequest:
    """The design's request; the fields after ``metadata`` are memsim's.

    stream None asks for any stream (MEMSIM_STREAM_ANY_ID); alignment is 0
    or 1 for none, else a power of two; priority is recorded and ignored,
    as in the design.
    """

    size: int
    alignment: int = 1
    stream: Optional[int] = None
    priority: int = 0
    metadata: Dict[str, Any] = dataclasses.field(default_factory=dict)
    tag: int = 0
    label: Optional[str] = None
    topdown: bool = False
    address_range: Optional[Tuple[int, int]] = None
    fixed_addr: Optional[int] = None


@dataclasses.dataclass
class AllocationResult:
    """The design's result.  strategy_info (memsim): strategy, segment_id,
    stream, steps, splits, waste, requested, and on ENOSPC largest and
    explain (EXPLAIN_ALLOC's figures)."""

    success: bool
    block: Optional[MemoryBlock] = None
    address: Optional[int] = None
    actual_size: int = 0
    allocation_time_ns: int = 0
    error_message: Optional[str] = None
    strategy_info: Dict[str, Any] = dataclasses.field(default_factory=dict)


@dataclasses.dataclass
class FreeRequest:
    """The design's free request; defer and label are memsim's.

    expected_size None (or 0) checks nothing; else it must be the size
    requested or the block's actual size.  defer requests the free only
    (two-phase free: complete it with complete_free or sync_stream).
    """

    address: int
    expected_size: Optional[int] = None
    metadata: Dict[str, Any] = dataclasses.field(default_factory=dict)
    defer: bool = False
    label: Optional[str] = None


@dataclasses.dataclass
class FreeResult:
    """The design's result.  strategy_info (memsim): strategy, deferred,
    coalesced_addr; coalesced_size is the free block the bytes ended in."""

    success: bool
    address: int = 0
    freed_size: int = 0
    free_time_ns: int = 0
    coalesced: bool = False
    coalesced_size: int = 0
    error_message: Optional[str] = None
    strategy_info: Dict[str, Any] = dataclasses.field(default_factory=dict)


def _bad(name: str, value: Any, hi: int = U64_MAX) -> Optional[str]:
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= hi:
        return "EINVAL: %s %r is not an integer in [0, %d]" % (name, value, hi)
    return None


class MemoryAllocator:
    """The design's abstract allocator: a strategy applied to a pool.

    A memsim instance has one active strategy; :meth:`allocate` and
    :meth:`can_allocate` set the pool's instance to this allocator's
    strategy first (SET_STRATEGY, skipped when it is already in force).
    Any allocator can free any block of the pool: the kernel knows them
    all.  ``allocated_blocks`` lists what this allocator allocated and has
    not freed.
    """

    strategy: AllocationStrategy = AllocationStrategy.FIRST_FIT

    def __init__(self) -> None:
        self.allocated_blocks: Dict[int, MemoryBlock] = {}
        self.name: str = self.strategy.value

    def _setting(self) -> Tuple[int, int]:
        return 0, 0

    def strategy_key(self) -> tuple:
        """(kernel strategy id, setting) this allocator needs."""
        return (_STRATEGY_IDS[self.strategy],) + self._setting()[:1]

    def activate(self, pool: BlockPool) -> None:
        """Make this strategy the pool's (SET_STRATEGY); OSError(EBUSY) when
        entering or leaving the buddy system or TLSF with blocks allocated."""
        key = self.strategy_key()
        if pool.strategy_key == key:
            return
        buddy_min, tlsf_classes = self._setting()
        pool.device.set_strategy(_STRATEGY_IDS[self.strategy], buddy_min, tlsf_classes)
        pool.strategy_key = key

    def _alloc_arg(self, request: AllocationRequest) -> Tuple[Optional[U.memsim_alloc_arg], Any, Optional[str]]:
        for name, value, hi in (("size", request.size, U64_MAX),
                                ("alignment", request.alignment, U64_MAX),
                                ("tag", request.tag, U64_MAX),
                                ("priority", request.priority, U32_MAX)):
            bad = _bad(name, value, hi)
            if bad:
                return None, None, bad
        stream = U.MEMSIM_STREAM_ANY_ID if request.stream is None else request.stream
        bad = _bad("stream", stream, U32_MAX)
        if bad:
            return None, None, bad
        flags = 0
        lo = hi_ = fixed = 0
        if request.topdown:
            flags |= U.MEMSIM_ALLOC_TOPDOWN
        if request.address_range is not None:
            flags |= U.MEMSIM_ALLOC_RANGE
            lo, hi_ = request.address_range
        if request.fixed_addr is not None:
            flags |= U.MEMSIM_ALLOC_FIXED
            fixed = request.fixed_addr
        for name, value in (("range low", lo), ("range high", hi_), ("fixed_addr", fixed)):
            bad = _bad(name, value)
            if bad:
                return None, None, bad
        ptr, keep = label_buffer(request.label)
        arg = U.memsim_alloc_arg(size=request.size, align=request.alignment,
                                 range_lo=lo, range_hi=hi_, fixed_addr=fixed,
                                 tag=request.tag, stream=stream, flags=flags,
                                 label_ptr=ptr)
        # priority: accepted and ignored by the kernel as by the design; the
        # uapi field is kept, but memsim passes it through unchecked.
        arg.priority = request.priority
        return arg, keep, None

    def allocate(self, pool: BlockPool, request: AllocationRequest) -> AllocationResult:
        """Allocate per request (SET_STRATEGY if needed, then ALLOC)."""
        if request.label is None and pool.capture_trace:
            request = dataclasses.replace(request, label=caller_label(2))
        arg, keep, bad = self._alloc_arg(request)
        info: Dict[str, Any] = {"strategy": self.name}
        if arg is None:
            info["errno"] = errno.EINVAL
            return AllocationResult(False, error_message=bad, strategy_info=info)
        try:
            self.activate(pool)
        except OSError as e:
            if e.errno not in (errno.EBUSY, errno.E2BIG):
                raise
            info["errno"] = e.errno
            return AllocationResult(False, error_message="%s: cannot switch the pool to %s "
                                    "while blocks are allocated" % (errno_name(e.errno), self.name)
                                    if e.errno == errno.EBUSY else "E2BIG: %s's layout is over "
                                    "the memory budget" % self.name, strategy_info=info)
        t0 = time.perf_counter_ns()
        try:
            pool.device.alloc(arg)
        except OSError as e:
            dt = time.perf_counter_ns() - t0
            if e.errno not in ALLOC_RESULT_ERRNOS:
                raise
            return AllocationResult(False, allocation_time_ns=dt,
                                    error_message=self._alloc_reason(pool, request, arg, e.errno),
                                    strategy_info=dict(info, **self._fail_info(pool, arg, e.errno)))
        dt = time.perf_counter_ns() - t0
        del keep
        block = MemoryBlock(pool, arg.addr, arg.actual_size, U.MEMSIM_STATE_ALLOCATED,
                            arg.out_stream, arg.segment_id, request.size, request.tag,
                            label=request.label or "")
        self.allocated_blocks[arg.addr] = block
        info.update(segment_id=arg.segment_id, stream=arg.out_stream, steps=arg.steps,
                    splits=arg.splits, waste=arg.waste, requested=request.size)
        return AllocationResult(True, block=block, address=arg.addr,
                                actual_size=arg.actual_size, allocation_time_ns=dt,
                                strategy_info=info)

    @staticmethod
    def _fail_info(pool: BlockPool, arg: U.memsim_alloc_arg, err: int) -> Dict[str, Any]:
        if err != errno.ENOSPC:
            return {"errno": err}
        out: Dict[str, Any] = {"errno": err, "largest": arg.largest}
        try:
            ex = pool.device.explain(arg)
        except OSError:
            return out
        d = ex.to_dict()
        d.pop("req")
        d["blocks"] = [dict(b, reason=U.REFUSED_NAMES[b["reason"]])
                       for b in d["blocks"][:ex.nr_blocks]]
        d.pop("pad")
        d.pop("reserved")
        out["explain"] = d
        return out

    def _alloc_reason(self, pool: BlockPool, request: AllocationRequest,
                      arg: U.memsim_alloc_arg, err: int) -> str:
        name = errno_name(err)
        if err == errno.ENOSPC:
            return ("ENOSPC: no free block fits %d bytes (%s, stream %s); the largest "
                    "allocation possible now is %d bytes" % (
                        request.size, self.name,
                        "any" if request.stream is None else request.stream, arg.largest))
        if err == errno.EINVAL:
            return ("EINVAL: malformed request (size %d, alignment %d: zero size, an "
                    "alignment that is not a power of two, an empty range or a "
                    "misaligned fixed address, or a bad label)" % (request.size, request.alignment))
        if err == errno.E2BIG:
            return "E2BIG: the instance's live-block limit or memory budget is reached"
        if err == errno.ENAMETOOLONG:
            return "ENAMETOOLONG: label longer than %d bytes" % (U.MEMSIM_LABEL_MAX - 1)
        return "%s: allocation refused" % name

    def can_allocate(self, pool: BlockPool, request: AllocationRequest) -> bool:
        """Whether allocate(pool, request) would succeed now (CAN_ALLOC, a
        dry run that changes nothing but the pool's strategy)."""
        arg, keep, bad = self._alloc_arg(request)
        if arg is None:
            return False
        try:
            self.activate(pool)
            pool.device.alloc(arg, dry_run=True)
        except OSError as e:
            if e.errno in ALLOC_RESULT_ERRNOS:
                return False
            raise
        del keep
        return True

    def free(self, pool: BlockPool, request: FreeRequest) -> FreeResult:
        """Free per request (FREE; deferred with request.defer)."""
        label = request.label
        if label is None and pool.capture_trace:
            label = caller_label(2)
        exp = request.expected_size or 0
        for name, value in (("address", request.address), ("expected_size", exp)):
            bad = _bad(name, value)
            if bad:
                return FreeResult(False, address=request.address if isinstance(
                    request.address, int) else 0, error_message=bad,
                    strategy_info={"strategy": self.name, "errno": errno.EINVAL})
        t0 = time.perf_counter_ns()
        try:
            r = pool.device.free(request.address, exp, request.defer, label)
        except OSError as e:
            dt = time.perf_counter_ns() - t0
            if e.errno not in FREE_RESULT_ERRNOS:
                raise
            return FreeResult(False, address=request.address, free_time_ns=dt,
                              error_message=_free_reason(request.address, exp, e.errno,
                                                         label=label),
                              strategy_info={"strategy": self.name, "errno": e.errno})
        dt = time.perf_counter_ns() - t0
        if not request.defer:
            self.allocated_blocks.pop(request.address, None)
        return _free_result(self.name, request.address, r, dt)

    def complete_free(self, pool: BlockPool, address: int,
                      label: Optional[str] = None) -> FreeResult:
        """Complete a deferred free (COMPLETE_FREE)."""
        if label is None and pool.capture_trace:
            label = caller_label(2)
        t0 = time.perf_counter_ns()
        try:
            r = pool.device.complete_free(address, label)
        except OSError as e:
            if e.errno not in FREE_RESULT_ERRNOS:
                raise
            return FreeResult(False, address=address,
                              free_time_ns=time.perf_counter_ns() - t0,
                              error_message=_free_reason(address, 0, e.errno, complete=True,
                                                         label=label),
                              strategy_info={"strategy": self.name, "errno": e.errno})
        self.allocated_blocks.pop(address, None)
        return _free_result(self.name, address, r, time.perf_counter_ns() - t0)


def _free_result(name: str, address: int, r: U.memsim_free_arg, dt: int) -> FreeResult:
    return FreeResult(True, address=address, freed_size=r.freed_size, free_time_ns=dt,
                      coalesced=bool(r.coalesced), coalesced_size=r.coalesced_size,
                      strategy_info={"strategy": name, "deferred": bool(r.deferred),
                                     "coalesced_addr": r.coalesced_addr})


def _free_reason(address: int, expected: int, err: int, complete: bool = False,
                 label: Optional[str] = None) -> str:
    # The kernel checks the label before it looks for the block.
    if err == errno.ENAMETOOLONG:
        return "ENAMETOOLONG: the label is over %d characters" % (U.MEMSIM_LABEL_MAX - 1)
    if err == errno.EINVAL and label and not all(" " <= c <= "~" for c in label):
        return "EINVAL: the label %r is not printable ASCII" % label
    if err == errno.ENOENT:
        return ("ENOENT: no allocated block starts at 0x%x (never allocated, or "
                "already freed)" % address)
    if err == errno.EBUSY:
        return "EBUSY: the free of the block at 0x%x is already requested" % address
    if err == errno.EINVAL and complete:
        return "EINVAL: the free of the block at 0x%x was not requested" % address
    if err == errno.EINVAL:
        return ("EINVAL: expected_size %d matches neither the size requested for the "
                "block at 0x%x nor its actual size" % (expected, address))
    return "%s: free refused" % errno_name(err)


class FirstFitAllocator(MemoryAllocator):
    """The lowest-addressed block that fits."""

    strategy = AllocationStrategy.FIRST_FIT


class BestFitAllocator(MemoryAllocator):
    """The smallest block that fits, ties to the lowest address."""

    strategy = AllocationStrategy.BEST_FIT


class WorstFitAllocator(MemoryAllocator):
    """The largest block that fits, ties to the lowest address."""

    strategy = AllocationStrategy.WORST_FIT


class NextFitAllocator(MemoryAllocator):
    """First fit from the pool's roving cursor (the end of the last
    allocation), then wrapping to plain first fit."""

    strategy = AllocationStrategy.NEXT_FIT


class BuddySystemAllocator(MemoryAllocator):
    """Binary buddy system: sizes rounded up to a power of two, at least
    min_block_size (0: the kernel's default, 64) and the alignment."""

    strategy = AllocationStrategy.BUDDY_SYSTEM

    def __init__(self, min_block_size: int = 0) -> None:
        super().__init__()
        self.min_block_size = min_block_size

    def _setting(self) -> Tuple[int, int]:
        return self.min_block_size, 0

    def strategy_key(self) -> tuple:
        return (U.MEMSIM_STRATEGY_BUDDY, self.min_block_size or 64)


class TLSFAllocator(MemoryAllocator):
    """memsim's two-level segregated fit, with classes (16 or 32; 0: 16)
    size classes per level."""

    strategy = AllocationStrategy.TLSF

    def __init__(self, classes: int = 0) -> None:
        super().__init__()
        self.classes = classes

    def _setting(self) -> Tuple[int, int]:
        return 0, self.classes

    def strategy_key(self) -> tuple:
        return (U.MEMSIM_STRATEGY_TLSF, self.classes or 16)


_ALLOCATOR_CLASSES = {
    AllocationStrategy.FIRST_FIT: FirstFitAllocator,
    AllocationStrategy.BEST_FIT: BestFitAllocator,
    AllocationStrategy.WORST_FIT: WorstFitAllocator,
    AllocationStrategy.NEXT_FIT: NextFitAllocator,
    AllocationStrategy.BUDDY_SYSTEM: BuddySystemAllocator,
    AllocationStrategy.TLSF: TLSFAllocator,
}


def make_allocator(strategy: Union[str, AllocationStrategy]) -> MemoryAllocator:
    """An allocator for a strategy or its name ("Best Fit"); ValueError if
    the name is unknown."""
    return _ALLOCATOR_CLASSES[_strategy(strategy)]()


def _strategy(strategy: Union[str, AllocationStrategy]) -> AllocationStrategy:
    if isinstance(strategy, AllocationStrategy):
        return strategy
    try:
        return AllocationStrategy(strategy)
    except ValueError:
        raise ValueError("unknown allocator %r: one of %s" % (
            strategy, ", ".join(repr(s.value) for s in AllocationStrategy))) from None


class DeviceMemorySimulator:
    """The design's facade: one simulated device of total_memory bytes at
    base_address, one active allocator (first fit until set_allocator).

    It opens its own memsim instance (path) with one segment
    [base_address, base_address + total_memory) on stream 0, device
    device_id.  Close it with :meth:`close` (or let it be collected).
    """

    def __init__(self, device_id: int = 0, total_memory: int = 1 << 30,
                 base_address: int = 0, path: str = DEFAULT_PATH) -> None:
        self.device_id = device_id
        self.total_memory = total_memory
        self.base_address = base_address
        self.pool = BlockPool(path)
        try:
            self.segment = self.pool.create_segment(base_address, total_memory,
                                                    device=device_id, stream=0)
        except BaseException:
            # No half-made simulator keeps an instance open.
            self.pool.close()
            raise
        self.allocators: Dict[str, MemoryAllocator] = {
            s.value: _ALLOCATOR_CLASSES[s]() for s in AllocationStrategy}
        self.current_allocator: MemoryAllocator = self.allocators["First Fit"]
        self.allocation_history: List[AllocationResult] = []
        self.free_history: List[FreeResult] = []

    def close(self) -> None:
        """Close the instance."""
        self.pool.close()

    def __enter__(self) -> "DeviceMemorySimulator":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def set_allocator(self, name: Union[str, AllocationStrategy]) -> None:
        """Make the named strategy active now (SET_STRATEGY).

        ValueError for an unknown name; OSError(EBUSY) when entering or
        leaving the buddy system or TLSF while blocks are allocated."""
        alloc = self.allocators[_strategy(name).value]
        alloc.activate(self.pool)
        self.current_allocator = alloc

    def allocate(self, size: int, alignment: int = 1, stream: Optional[int] = None,
                 priority: int = 0, metadata: Optional[Dict[str, Any]] = None,
                 **memsim: Any) -> AllocationResult:
        """Allocate size bytes with the current allocator.  memsim keyword
        arguments: tag, label, topdown, address_range, fixed_addr."""
        req = AllocationRequest(size=size, alignment=alignment, stream=stream,
                                priority=priority, metadata=metadata or {}, **memsim)
        if req.label is None and self.pool.capture_trace:
            req.label = caller_label(2)
        res = self.current_allocator.allocate(self.pool, req)
        self.allocation_history.append(res)
        return res

    def free(self, address: int, expected_size: Optional[int] = None,
             defer: bool = False, label: Optional[str] = None) -> FreeResult:
        """Free the block at address (deferred: request the free only)."""
        if label is None and self.pool.capture_trace:
            label = caller_label(2)
        res = self.current_allocator.free(
            self.pool, FreeRequest(address=address, expected_size=expected_size,
                                   defer=defer, label=label))
        self.free_history.append(res)
        return res

    def complete_free(self, address: int) -> FreeResult:
        """Complete a deferred free (COMPLETE_FREE)."""
        res = self.current_allocator.complete_free(self.pool, address)
        self.free_history.append(res)
        return res

    def sync_stream(self, stream: Optional[int] = None) -> int:
        """Complete every deferred free of stream (None: all); returns how
        many completed (SYNC_STREAM).  OSError(ENOENT) for a stream with no
        segment."""
        return self.pool.device.sync_stream(
            U.MEMSIM_STREAM_ANY_ID if stream is None else stream)

    def add_segment(self, start_addr: int, size: int, stream: int = 0) -> int:
        """Add a segment (another stream's memory, say); returns its id."""
        return self.pool.create_segment(start_addr, size, device=self.device_id,
                                        stream=stream).segment_id

    def get_memory_info(self) -> Dict[str, Any]:
        """The device's state: device_id, total_memory, base_address,
        current_allocator (name), memory_summary (BlockPool's), segments
        (dicts), allocated_blocks (live count), total_allocations and
        total_frees (successful calls of this object), strategy_stats."""
        return {
            "device_id": self.device_id,
            "total_memory": self.total_memory,
            "base_address": self.base_address,
            "current_allocator": self.current_allocator.name,
            "memory_summary": self.pool.get_memory_summary(),
            "segments": [s.to_dict() for s in self.pool.segments.values()],
            "allocated_blocks": len(self.pool.allocated_blocks),
            "total_allocations": sum(1 for r in self.allocation_history if r.success),
            "total_frees": sum(1 for r in self.free_history if r.success),
            "strategy_stats": self.pool.get_strategy_stats(),
        }

    def simulate_workload(self, num_operations: int = 1000, min_size: int = 64,
                          max_size: int = 4096, free_probability: float = 0.3,
                          seed: int = 0, stream: Optional[int] = None) -> Dict[str, Any]:
        """The design's random workload, run by the kernel (SIMULATE) with the
        current allocator: each operation frees a random live block of the
        run with free_probability, else allocates a size uniform in
        [min_size, max_size].  Its blocks stay allocated.  Same seed, same
        pool state and strategy: same figures."""
        alloc = self.current_allocator
        alloc.activate(self.pool)
        ppm = int(round(free_probability * 1e6))
        r = self.pool.device.simulate(num_operations, min_size, max_size, seed, ppm,
                                      U.MEMSIM_STREAM_ANY_ID if stream is None else stream)
        allocs = r.successes + r.failures
        return {
            "strategy": alloc.name,
            "operations": num_operations,
            "successful_allocations": r.successes,
            "failed_allocations": r.failures,
            "frees": r.frees,
            "success_rate": r.successes / allocs if allocs else 0.0,
            "peak_allocated": r.peak_allocated,
            "final_allocated": r.final_allocated,
            "fragmentation": r.frag_ppm / 1e6,
            "frag_ppm": r.frag_ppm,
            "elapsed_ns": r.elapsed_ns,
        }

    def compare_strategies(self, strategies: Optional[Iterable[Union[str, AllocationStrategy]]] = None,
                           **workload: Any) -> Dict[str, Dict[str, Any]]:
        """Run simulate_workload(**workload) for each strategy (default:
        all six) on a fresh instance with this one's segments; this
        simulator is not touched.  Returns {name: result}."""
        names = [_strategy(s).value for s in (strategies or list(AllocationStrategy))]
        segs = list(self.pool.segments.values())
        out: Dict[str, Dict[str, Any]] = {}
        for name in names:
            sim = DeviceMemorySimulator.__new__(DeviceMemorySimulator)
            sim.device_id, sim.total_memory, sim.base_address = (
                self.device_id, self.total_memory, self.base_address)
            sim.pool = BlockPool(self.pool.device.path)
            try:
                for s in segs:
                    sim.pool.create_segment(s.start_addr, s.original_size, s.device, s.stream)
                sim.allocators = {s.value: _ALLOCATOR_CLASSES[s]() for s in AllocationStrategy}
                sim.current_allocator = sim.allocators[name]
                sim.allocation_history, sim.free_history = [], []
                out[name] = sim.simulate_workload(**workload)
            finally:
                sim.close()
        return out
