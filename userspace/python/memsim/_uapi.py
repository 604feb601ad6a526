# SPDX-License-Identifier: GPL-2.0
"""The /dev/memsim ABI, transcribed from include/uapi/linux/memsim.h.

Every structure of the header is a :class:`ctypes.Structure` here with the
same fields in the same order and the same fixed-width types, so ctypes lays
them out as a C compiler does on the same machine.  The command numbers are
computed with the kernel's ``_IOC()`` encoding from the structure sizes, as
the header's ``_IOWR()``/``_IOW()`` macros do.  ``tests/test_layout.py``
compiles a C program against the header and compares every size, every
field offset and every command number with this module.
"""

from __future__ import annotations

import ctypes
from ctypes import c_char, c_int32, c_uint32, c_uint64

u32 = c_uint32
u64 = c_uint64
s32 = c_int32

MEMSIM_ABI_VERSION = 1

MEMSIM_FEATURE_DEBUGFS = 1 << 0
MEMSIM_FEATURE_TRACE = 1 << 1
MEMSIM_FEATURE_TRACE_STACK = 1 << 2
MEMSIM_FEATURE_EXPLAIN = 1 << 3

MEMSIM_LIST_MAX = 4096

MEMSIM_STRATEGY_FIRST_FIT = 0
MEMSIM_STRATEGY_BEST_FIT = 1
MEMSIM_STRATEGY_WORST_FIT = 2
MEMSIM_STRATEGY_NEXT_FIT = 3
MEMSIM_STRATEGY_BUDDY = 4
MEMSIM_STRATEGY_TLSF = 5
MEMSIM_STRATEGY_COUNT = 6
MEMSIM_STRATEGY_COUNT_V1 = 5

MEMSIM_STREAM_ANY_ID = 0xFFFFFFFF

MEMSIM_OVERLAP_KIND_NONE = 0
MEMSIM_OVERLAP_KIND_CONTAINED = 1
MEMSIM_OVERLAP_KIND_PARTIAL = 2

MEMSIM_LABEL_MAX = 32

MEMSIM_ALLOC_TOPDOWN = 1 << 0
MEMSIM_ALLOC_RANGE = 1 << 1
MEMSIM_ALLOC_FIXED = 1 << 2

MEMSIM_FREE_DEFER = 1 << 0

MEMSIM_HIST_SIZE = 64

MEMSIM_STATE_FREE = 0
MEMSIM_STATE_ALLOCATED = 1
MEMSIM_STATE_FREE_REQUESTED = 2

MEMSIM_BATCH_ALLOC = 1
MEMSIM_BATCH_FREE = 2
MEMSIM_BATCH_COMPLETE_FREE = 3
MEMSIM_BATCH_STOP_ON_ERROR = 1 << 0

MEMSIM_RESET_KEEP_SEGMENTS = 1 << 0

TRACE_OPS = (
    "segment_create", "segment_release", "alloc", "alloc_fail",
    "free_request", "free_complete", "split", "coalesce",
    "buddy_split", "buddy_merge", "strategy", "reset",
)
MEMSIM_TRACE_ANY_STREAM = 1 << 31
MEMSIM_TRACE_ON = 1 << 0
MEMSIM_TRACE_STACK = 1 << 1

MEMSIM_REFUSED_FITS = 0
MEMSIM_REFUSED_SMALL = 1
MEMSIM_REFUSED_ALIGN = 2
MEMSIM_REFUSED_RANGE = 3
MEMSIM_REFUSED_STREAM = 4
MEMSIM_REFUSED_DEFERRED = 5
REFUSED_NAMES = ("fits", "small", "align", "range", "stream", "deferred")
MEMSIM_EXPLAIN_MAX = 8


class _Struct(ctypes.Structure):
    """A uapi structure: zero-initialised, convertible to a dict."""

    def to_dict(self) -> dict:
        """Return the fields as a dict (nested structures and arrays too)."""
        out: dict = {}
        for name, ctype in self._fields_:
            out[name] = _value(getattr(self, name))
        return out


def _value(v):
    if isinstance(v, _Struct):
        return v.to_dict()
    if isinstance(v, bytes):
        return v.decode("ascii", "replace")
    if isinstance(v, ctypes.Array):
        return [_value(x) for x in v]
    return v


class memsim_info(_Struct):
    _fields_ = [("abi_version", u32), ("flags", u32), ("features", u64),
                ("instance_id", u64), ("max_segments", u32), ("max_batch", u32),
                ("max_blocks", u64), ("max_list", u32),
                ("max_trace_records", u32), ("max_instance_memory", u64),
                ("max_total_memory", u64)]


class memsim_strategy_arg(_Struct):
    _fields_ = [("strategy", u32), ("flags", u32), ("buddy_min_block", u64),
                ("reserved", u64), ("tlsf_classes", u64)]


class memsim_segment_arg(_Struct):
    _fields_ = [("start", u64), ("size", u64), ("device", u32), ("stream", u32),
                ("flags", u32), ("pad", u32), ("segment_id", u64),
                ("reserved", u64 * 2)]


class memsim_overlap_arg(_Struct):
    _fields_ = [("start", u64), ("size", u64), ("ids_ptr", u64), ("ids_cap", u32),
                ("flags", u32), ("kind", u32), ("nr_ids", u32),
                ("reserved", u64 * 2)]


class memsim_safe_range_arg(_Struct):
    _fields_ = [("size", u64), ("align", u64), ("min", u64), ("max", u64),
                ("addr", u64), ("flags", u32), ("pad", u32), ("reserved", u64 * 2)]


class memsim_alloc_arg(_Struct):
    _fields_ = [("size", u64), ("align", u64), ("range_lo", u64),
                ("range_hi", u64), ("fixed_addr", u64), ("tag", u64),
                ("stream", u32), ("flags", u32), ("priority", u32), ("pad", u32),
                ("addr", u64), ("actual_size", u64), ("waste", u64),
                ("segment_id", u64), ("largest", u64), ("out_stream", u32),
                ("steps", u32), ("splits", u32), ("pad2", u32),
                ("label_ptr", u64), ("reserved", u64)]


class memsim_free_arg(_Struct):
    _fields_ = [("addr", u64), ("expected_size", u64), ("flags", u32),
                ("pad", u32), ("freed_size", u64), ("coalesced_addr", u64),
                ("coalesced_size", u64), ("coalesced", u32), ("deferred", u32),
                ("label_ptr", u64), ("reserved", u64)]


class memsim_sync_arg(_Struct):
    _fields_ = [("stream", u32), ("flags", u32), ("completed", u64),
                ("reserved", u64 * 2)]


class memsim_usage_info(_Struct):
    _fields_ = [("total", u64), ("allocated", u64), ("requested", u64),
                ("free", u64), ("peak_allocated", u64), ("live_blocks", u64),
                ("free_blocks", u64), ("deferred_blocks", u64),
                ("deferred_bytes", u64), ("allocs", u64), ("frees", u64),
                ("failures", u64), ("largest_free", u64), ("frag_ppm", u32),
                ("utilization_ppm", u32), ("free_hist", u64 * MEMSIM_HIST_SIZE)]


class memsim_summary(_Struct):
    _fields_ = [("flags", u32), ("strategy", u32), ("buddy_min_block", u64),
                ("nr_segments", u64), ("nr_streams", u32), ("pad", u32),
                ("usage", memsim_usage_info), ("alloc_bytes", u64),
                ("requested_bytes", u64), ("peak_requested", u64),
                ("peak_live_blocks", u64)]


class memsim_strategy_stats_info(_Struct):
    _fields_ = [("allocs", u64), ("failures", u64), ("frees", u64),
                ("steps", u64), ("alloc_ns", u64), ("free_ns", u64)]


class memsim_stream_info(_Struct):
    _fields_ = [("stream", u32), ("pad", u32), ("nr_segments", u64),
                ("usage", memsim_usage_info)]


class memsim_stats_arg(_Struct):
    _fields_ = [("strategies", memsim_strategy_stats_info * MEMSIM_STRATEGY_COUNT),
                ("streams_ptr", u64), ("streams_cap", u32), ("flags", u32),
                ("stream_cursor", u64), ("nr_streams", u32), ("more", u32),
                ("reserved", u64 * 2)]


class memsim_stats_arg_v1(_Struct):
    _fields_ = [("strategies", memsim_strategy_stats_info * MEMSIM_STRATEGY_COUNT_V1),
                ("streams_ptr", u64), ("streams_cap", u32), ("flags", u32),
                ("stream_cursor", u64), ("nr_streams", u32), ("more", u32),
                ("reserved", u64 * 2)]


class memsim_segment_info(_Struct):
    _fields_ = [("id", u64), ("start", u64), ("size", u64), ("device", u32),
                ("stream", u32), ("nr_blocks", u64), ("largest_free", u64),
                ("split_ratio_ppm", u32), ("pad", u32),
                ("usage", memsim_usage_info)]


class memsim_block_info(_Struct):
    _fields_ = [("addr", u64), ("size", u64), ("requested", u64),
                ("segment_id", u64), ("tag", u64), ("alloc_ns", u64),
                ("free_ns", u64), ("stream", u32), ("state", u32)]


class memsim_block_life(_Struct):
    _fields_ = [("block", memsim_block_info), ("create_ns", u64),
                ("owner_tgid", u32), ("pad", u32),
                ("label", c_char * MEMSIM_LABEL_MAX)]


class memsim_list_arg(_Struct):
    _fields_ = [("buf_ptr", u64), ("buf_cap", u32), ("flags", u32),
                ("cursor", u64), ("nr", u32), ("more", u32), ("reserved", u64 * 2)]


class memsim_batch_op(_Struct):
    _fields_ = [("op", u32), ("flags", u32), ("size", u64), ("align", u64),
                ("addr", u64), ("range_lo", u64), ("range_hi", u64), ("tag", u64),
                ("stream", u32), ("error", s32), ("result_size", u64)]


class memsim_batch_arg(_Struct):
    _fields_ = [("ops_ptr", u64), ("count", u32), ("flags", u32), ("done", u32),
                ("failed", u32), ("reserved", u64 * 2)]


class memsim_simulate_arg(_Struct):
    _fields_ = [("nr_ops", u64), ("min_size", u64), ("max_size", u64),
                ("seed", u64), ("free_ppm", u32), ("stream", u32), ("flags", u32),
                ("pad", u32), ("successes", u64), ("failures", u64),
                ("frees", u64), ("peak_allocated", u64), ("final_allocated", u64),
                ("frag_ppm", u32), ("pad2", u32), ("elapsed_ns", u64),
                ("reserved", u64 * 2)]


class memsim_reset_arg(_Struct):
    _fields_ = [("flags", u32), ("pad", u32), ("reserved", u64 * 2)]


class memsim_trace_record(_Struct):
    _fields_ = [("seq", u64), ("ts_ns", u64), ("addr", u64), ("size", u64),
                ("requested", u64), ("align", u64), ("segment_id", u64),
                ("tag", u64), ("op", u32), ("strategy", u32), ("stream", u32),
                ("flags", u32), ("error", s32), ("pid", u32), ("tgid", u32),
                ("stack_id", u32), ("comm", c_char * 16),
                ("label", c_char * MEMSIM_LABEL_MAX)]


class memsim_trace_ctl_arg(_Struct):
    _fields_ = [("capacity", u32), ("flags", u32), ("reserved", u64 * 2)]


class memsim_trace_read_arg(_Struct):
    _fields_ = [("buf_ptr", u64), ("buf_cap", u32), ("flags", u32),
                ("cursor", u64), ("lost", u64), ("head", u64), ("dropped", u64),
                ("nr", u32), ("capacity", u32), ("trace_flags", u32),
                ("max_capacity", u32), ("reserved", u64 * 2)]


class memsim_explain_block(_Struct):
    _fields_ = [("addr", u64), ("size", u64), ("segment_id", u64),
                ("usable", u64), ("stream", u32), ("reason", u32)]


class memsim_explain_arg(_Struct):
    _fields_ = [("req", memsim_alloc_arg), ("free_bytes", u64),
                ("largest_free", u64), ("largest_alloc", u64),
                ("deferred_bytes", u64), ("other_free_bytes", u64),
                ("free_blocks", u64), ("frag_ppm", u32), ("would_fit", u32),
                ("nr_blocks", u32), ("pad", u32),
                ("blocks", memsim_explain_block * MEMSIM_EXPLAIN_MAX),
                ("reserved", u64 * 2)]


# linux/ioctl.h (asm-generic): nr 8 bits, type 8, size 14, dir 2.
_IOC_NRSHIFT = 0
_IOC_TYPESHIFT = 8
_IOC_SIZESHIFT = 16
_IOC_DIRSHIFT = 30
_IOC_WRITE = 1
_IOC_READ = 2


def _IOC(direction: int, typ: int, nr: int, size: int) -> int:
    return ((direction << _IOC_DIRSHIFT) | (typ << _IOC_TYPESHIFT) |
            (nr << _IOC_NRSHIFT) | (size << _IOC_SIZESHIFT))


def _IOW(nr: int, struct: type) -> int:
    return _IOC(_IOC_WRITE, MEMSIM_IOC_MAGIC, nr, ctypes.sizeof(struct))


def _IOWR(nr: int, struct: type) -> int:
    return _IOC(_IOC_READ | _IOC_WRITE, MEMSIM_IOC_MAGIC, nr, ctypes.sizeof(struct))


MEMSIM_IOC_MAGIC = ord("J")

MEMSIM_IOC_GET_INFO = _IOWR(0x00, memsim_info)
MEMSIM_IOC_SET_STRATEGY = _IOW(0x01, memsim_strategy_arg)
MEMSIM_IOC_CREATE_SEGMENT = _IOWR(0x02, memsim_segment_arg)
MEMSIM_IOC_RELEASE_SEGMENT = _IOW(0x03, memsim_segment_arg)
MEMSIM_IOC_CHECK_OVERLAP = _IOWR(0x04, memsim_overlap_arg)
MEMSIM_IOC_FIND_SAFE_RANGE = _IOWR(0x05, memsim_safe_range_arg)
MEMSIM_IOC_ALLOC = _IOWR(0x06, memsim_alloc_arg)
MEMSIM_IOC_CAN_ALLOC = _IOWR(0x07, memsim_alloc_arg)
MEMSIM_IOC_FREE = _IOWR(0x08, memsim_free_arg)
MEMSIM_IOC_COMPLETE_FREE = _IOWR(0x09, memsim_free_arg)
MEMSIM_IOC_SYNC_STREAM = _IOWR(0x0a, memsim_sync_arg)
MEMSIM_IOC_GET_SUMMARY = _IOWR(0x0b, memsim_summary)
MEMSIM_IOC_GET_STATS = _IOWR(0x0c, memsim_stats_arg)
MEMSIM_IOC_GET_STATS_V1 = _IOWR(0x0c, memsim_stats_arg_v1)
MEMSIM_IOC_GET_SEGMENTS = _IOWR(0x0d, memsim_list_arg)
MEMSIM_IOC_GET_BLOCKS = _IOWR(0x0e, memsim_list_arg)
MEMSIM_IOC_BATCH = _IOWR(0x0f, memsim_batch_arg)
MEMSIM_IOC_SIMULATE = _IOWR(0x10, memsim_simulate_arg)
MEMSIM_IOC_RESET = _IOW(0x11, memsim_reset_arg)
MEMSIM_IOC_TRACE_CTL = _IOW(0x12, memsim_trace_ctl_arg)
MEMSIM_IOC_TRACE_READ = _IOWR(0x13, memsim_trace_read_arg)
MEMSIM_IOC_GET_BLOCKS_LIFE = _IOWR(0x14, memsim_list_arg)
MEMSIM_IOC_EXPLAIN_ALLOC = _IOWR(0x15, memsim_explain_arg)

#: Every structure, for the layout test.
STRUCTS = {cls.__name__: cls for cls in _Struct.__subclasses__()}

#: Every command, for the layout test.
IOCTLS = {name: value for name, value in globals().items()
          if name.startswith("MEMSIM_IOC_") and name != "MEMSIM_IOC_MAGIC"}
