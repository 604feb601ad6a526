# SPDX-License-Identifier: GPL-2.0
"""memsim: the Python design's memory API over the memsim kernel module.

Code written for the design (``DeviceMemorySimulator``, ``BlockPool``, the
allocators and the request/result types) runs against ``/dev/memsim``; the
design's own import path is ``ures.memory``.  Standard library only.  See
Documentation/python.rst.
"""

from .allocator import (
    AllocationRequest,
    AllocationResult,
    AllocationStrategy,
    BestFitAllocator,
    BuddySystemAllocator,
    DeviceMemorySimulator,
    FirstFitAllocator,
    FreeRequest,
    FreeResult,
    MemoryAllocator,
    NextFitAllocator,
    TLSFAllocator,
    WorstFitAllocator,
    make_allocator,
)
from .blocks import BlockPool, MemoryBlock, MemoryInfo, Segment, TraceInfo
from .device import Device, errno_name

__version__ = "0.13.0"

#: The design's name for the abstract allocator.
AbstractMemoryAllocator = MemoryAllocator

#: The names of the design's public API, which ures.memory re-exports.
DESIGN_API = [
    "AbstractMemoryAllocator",
    "AllocationRequest",
    "AllocationResult",
    "AllocationStrategy",
    "BestFitAllocator",
    "BlockPool",
    "BuddySystemAllocator",
    "DeviceMemorySimulator",
    "FirstFitAllocator",
    "FreeRequest",
    "FreeResult",
    "MemoryAllocator",
    "MemoryBlock",
    "MemoryInfo",
    "NextFitAllocator",
    "Segment",
    "TLSFAllocator",
    "TraceInfo",
    "WorstFitAllocator",
]

__all__ = DESIGN_API + ["DESIGN_API", "Device", "errno_name", "make_allocator", "__version__"]
