# SPDX-License-Identifier: GPL-2.0
"""Thin, typed wrapper of the /dev/memsim ioctls.

:class:`Device` is one open file of ``/dev/memsim``, that is one memsim
*instance* (Documentation/uapi.rst).  Each method is one ioctl: it fills the
uapi structure of :mod:`memsim._uapi`, calls :func:`fcntl.ioctl` and returns
the structure the kernel wrote back.  A failing ioctl raises
:class:`OSError` with the kernel's errno; the design-level classes of
:mod:`memsim.blocks` and :mod:`memsim.allocator` turn the errnos a caller
can cause into ``success=False`` results.
"""

from __future__ import annotations

import ctypes
import errno
import fcntl
import os
from typing import Dict, List, Optional, Sequence, Tuple

from . import _uapi as U

DEFAULT_PATH = "/dev/memsim"
U64_MAX = (1 << 64) - 1
U32_MAX = (1 << 32) - 1

_IOCTL_NAMES = {v: k for k, v in U.IOCTLS.items()}


def errno_name(err: int) -> str:
    """Return the symbolic name of an errno value (``"ENOSPC"``)."""
    return errno.errorcode.get(err, "E%d" % err)


def label_buffer(label: Optional[str]) -> Tuple[int, Optional[ctypes.Array]]:
    """Return (pointer, buffer) for a label; keep the buffer alive.

    The label is passed as given (the kernel checks it: printable ASCII, at
    most ``MEMSIM_LABEL_MAX`` bytes with its NUL); ``None`` is no label.
    """
    if label is None:
        return 0, None
    buf = ctypes.create_string_buffer(label.encode("utf-8", "replace"))
    return ctypes.addressof(buf), buf


def check_u64(name: str, value: int) -> None:
    """Raise ValueError unless value fits a __u64 (ctypes would wrap it)."""
    if not isinstance(value, int) or isinstance(value, bool) or not 0 <= value <= U64_MAX:
        raise ValueError("%s %r is not an integer in [0, 2^64 - 1]" % (name, value))


class Device:
    """One memsim instance: an open file of ``/dev/memsim``.

    Use it as a context manager or call :meth:`close`; closing frees every
    segment and block of the instance.
    """

    def __init__(self, path: str = DEFAULT_PATH) -> None:
        self.path = path
        self.fd: int = os.open(path, os.O_RDWR | os.O_CLOEXEC)

    def close(self) -> None:
        """Close the file: the kernel frees the instance."""
        if self.fd >= 0:
            os.close(self.fd)
            self.fd = -1

    def __enter__(self) -> "Device":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __del__(self) -> None:
        try:
            self.close()
        except Exception:
            pass

    def ioctl(self, cmd: int, arg: ctypes.Structure) -> ctypes.Structure:
        """Run one command on arg in place; OSError(errno) on failure
        (EBADF once the device is closed)."""
        if self.fd < 0:
            raise OSError(errno.EBADF, "%s: the memsim instance is closed" % self.path)
        try:
            fcntl.ioctl(self.fd, cmd, arg, True)
        except OSError as e:
            name = _IOCTL_NAMES.get(cmd, "ioctl 0x%08x" % cmd)
            raise OSError(e.errno, "%s: %s" % (name, os.strerror(e.errno))) from None
        return arg

    # --- commands, one method each, in the header's order -------------------

    def get_info(self) -> U.memsim_info:
        """GET_INFO: ABI version, features, instance id, limits."""
        return self.ioctl(U.MEMSIM_IOC_GET_INFO, U.memsim_info())

    def set_strategy(self, strategy: int, buddy_min_block: int = 0,
                     tlsf_classes: int = 0) -> None:
        """SET_STRATEGY."""
        self.ioctl(U.MEMSIM_IOC_SET_STRATEGY, U.memsim_strategy_arg(
            strategy=strategy, buddy_min_block=buddy_min_block,
            tlsf_classes=tlsf_classes))

    def create_segment(self, start: int, size: int, device: int = 0,
                       stream: int = 0) -> int:
        """CREATE_SEGMENT; returns the new segment's id."""
        check_u64("start", start)
        check_u64("size", size)
        arg = U.memsim_segment_arg(start=start, size=size, device=device, stream=stream)
        return self.ioctl(U.MEMSIM_IOC_CREATE_SEGMENT, arg).segment_id

    def release_segment(self, segment_id: int) -> None:
        """RELEASE_SEGMENT."""
        self.ioctl(U.MEMSIM_IOC_RELEASE_SEGMENT, U.memsim_segment_arg(segment_id=segment_id))

    def check_overlap(self, start: int, size: int) -> Tuple[int, List[int]]:
        """CHECK_OVERLAP; returns (kind, ids of the overlapping segments)."""
        check_u64("start", start)
        check_u64("size", size)
        cap = 64
        while True:
            ids = (ctypes.c_uint64 * cap)()
            arg = U.memsim_overlap_arg(start=start, size=size,
                                       ids_ptr=ctypes.addressof(ids), ids_cap=cap)
            self.ioctl(U.MEMSIM_IOC_CHECK_OVERLAP, arg)
            if arg.nr_ids <= cap or cap == U.MEMSIM_LIST_MAX:
                return arg.kind, list(ids[:min(arg.nr_ids, cap)])
            cap = min(U.MEMSIM_LIST_MAX, arg.nr_ids)

    def find_safe_range(self, size: int, align: int = 0, lo: int = 0,
                        hi: int = U64_MAX) -> int:
        """FIND_SAFE_RANGE; the lowest start, OSError(ENOSPC) if none."""
        arg = U.memsim_safe_range_arg(size=size, align=align, min=lo, max=hi)
        return self.ioctl(U.MEMSIM_IOC_FIND_SAFE_RANGE, arg).addr

    def alloc(self, arg: U.memsim_alloc_arg, dry_run: bool = False) -> U.memsim_alloc_arg:
        """ALLOC (or CAN_ALLOC when dry_run) on a filled memsim_alloc_arg."""
        cmd = U.MEMSIM_IOC_CAN_ALLOC if dry_run else U.MEMSIM_IOC_ALLOC
        return self.ioctl(cmd, arg)

    def free(self, addr: int, expected_size: int = 0, defer: bool = False,
             label: Optional[str] = None) -> U.memsim_free_arg:
        """FREE, immediate or (defer) only requested."""
        ptr, _keep = label_buffer(label)
        arg = U.memsim_free_arg(addr=addr, expected_size=expected_size,
                                flags=U.MEMSIM_FREE_DEFER if defer else 0,
                                label_ptr=ptr)
        return self.ioctl(U.MEMSIM_IOC_FREE, arg)

    def complete_free(self, addr: int, label: Optional[str] = None) -> U.memsim_free_arg:
        """COMPLETE_FREE of a deferred free."""
        ptr, _keep = label_buffer(label)
        arg = U.memsim_free_arg(addr=addr, label_ptr=ptr)
        return self.ioctl(U.MEMSIM_IOC_COMPLETE_FREE, arg)

    def sync_stream(self, stream: int = U.MEMSIM_STREAM_ANY_ID) -> int:
        """SYNC_STREAM; returns the number of frees completed."""
        arg = U.memsim_sync_arg(stream=stream)
        return self.ioctl(U.MEMSIM_IOC_SYNC_STREAM, arg).completed

    def get_summary(self) -> U.memsim_summary:
        """GET_SUMMARY: the whole instance's counters."""
        return self.ioctl(U.MEMSIM_IOC_GET_SUMMARY, U.memsim_summary())

    def get_stats(self) -> Tuple[U.memsim_stats_arg, List[U.memsim_stream_info]]:
        """GET_STATS, every page: (per-strategy counters, per-stream list)."""
        streams: List[U.memsim_stream_info] = []
        cursor = 0
        cap = 64
        while True:
            buf = (U.memsim_stream_info * cap)()
            arg = U.memsim_stats_arg(streams_ptr=ctypes.addressof(buf),
                                     streams_cap=cap, stream_cursor=cursor)
            self.ioctl(U.MEMSIM_IOC_GET_STATS, arg)
            streams.extend(U.memsim_stream_info.from_buffer_copy(buf[i])
                           for i in range(arg.nr_streams))
            if not arg.more:
                return arg, streams
            cursor = arg.stream_cursor

    def _list(self, cmd: int, entry: type) -> list:
        out: list = []
        cursor = 0
        cap = 256
        while True:
            buf = (entry * cap)()
            arg = U.memsim_list_arg(buf_ptr=ctypes.addressof(buf), buf_cap=cap,
                                    cursor=cursor)
            self.ioctl(cmd, arg)
            out.extend(entry.from_buffer_copy(buf[i]) for i in range(arg.nr))
            if not arg.more:
                return out
            cursor = arg.cursor

    def get_segments(self) -> List[U.memsim_segment_info]:
        """GET_SEGMENTS, every page, in address order."""
        return self._list(U.MEMSIM_IOC_GET_SEGMENTS, U.memsim_segment_info)

    def get_blocks(self) -> List[U.memsim_block_info]:
        """GET_BLOCKS, every page, in address order."""
        return self._list(U.MEMSIM_IOC_GET_BLOCKS, U.memsim_block_info)

    def get_blocks_life(self) -> List[U.memsim_block_life]:
        """GET_BLOCKS_LIFE, every page, in address order."""
        return self._list(U.MEMSIM_IOC_GET_BLOCKS_LIFE, U.memsim_block_life)

    def batch(self, ops: Sequence[U.memsim_batch_op],
              stop_on_error: bool = False) -> U.memsim_batch_arg:
        """BATCH: run ops in one call; their results are written back."""
        arr = (U.memsim_batch_op * len(ops))(*ops)
        arg = U.memsim_batch_arg(ops_ptr=ctypes.addressof(arr), count=len(ops),
                                 flags=U.MEMSIM_BATCH_STOP_ON_ERROR if stop_on_error else 0)
        try:
            self.ioctl(U.MEMSIM_IOC_BATCH, arg)
        finally:
            for i, op in enumerate(ops):
                ctypes.memmove(ctypes.addressof(op), ctypes.addressof(arr[i]),
                               ctypes.sizeof(op))
        return arg

    def simulate(self, nr_ops: int, min_size: int, max_size: int, seed: int = 0,
                 free_ppm: int = 300000,
                 stream: int = U.MEMSIM_STREAM_ANY_ID) -> U.memsim_simulate_arg:
        """SIMULATE: the kernel's seeded random workload."""
        arg = U.memsim_simulate_arg(nr_ops=nr_ops, min_size=min_size,
                                    max_size=max_size, seed=seed,
                                    free_ppm=free_ppm, stream=stream)
        return self.ioctl(U.MEMSIM_IOC_SIMULATE, arg)

    def reset(self, keep_segments: bool = False) -> None:
        """RESET: back to the state after open() (or free every block)."""
        self.ioctl(U.MEMSIM_IOC_RESET, U.memsim_reset_arg(
            flags=U.MEMSIM_RESET_KEEP_SEGMENTS if keep_segments else 0))

    def trace_ctl(self, capacity: int = 0, on: bool = False, stack: bool = False) -> None:
        """TRACE_CTL: start a new ring of capacity records, or stop."""
        flags = (U.MEMSIM_TRACE_ON if on else 0) | (U.MEMSIM_TRACE_STACK if stack else 0)
        self.ioctl(U.MEMSIM_IOC_TRACE_CTL, U.memsim_trace_ctl_arg(capacity=capacity, flags=flags))

    def trace_read(self, cursor: int = 0, cap: int = 256
                   ) -> Tuple[U.memsim_trace_read_arg, List[U.memsim_trace_record]]:
        """TRACE_READ from cursor: (state, records); cap 0 reads the state only."""
        buf = (U.memsim_trace_record * max(cap, 1))()
        arg = U.memsim_trace_read_arg(buf_ptr=ctypes.addressof(buf) if cap else 0,
                                      buf_cap=cap, cursor=cursor)
        self.ioctl(U.MEMSIM_IOC_TRACE_READ, arg)
        return arg, [U.memsim_trace_record.from_buffer_copy(buf[i]) for i in range(arg.nr)]

    def explain(self, req: U.memsim_alloc_arg) -> U.memsim_explain_arg:
        """EXPLAIN_ALLOC: why req would fail, in figures."""
        arg = U.memsim_explain_arg()
        ctypes.memmove(ctypes.addressof(arg.req), ctypes.addressof(req), ctypes.sizeof(req))
        return self.ioctl(U.MEMSIM_IOC_EXPLAIN_ALLOC, arg)


def stats_by_strategy(stats: U.memsim_stats_arg) -> Dict[int, dict]:
    """Per-strategy counters of GET_STATS as {strategy id: dict}."""
    return {i: stats.strategies[i].to_dict() for i in range(U.MEMSIM_STRATEGY_COUNT)}
