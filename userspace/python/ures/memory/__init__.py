# SPDX-License-Identifier: GPL-2.0
"""The design's public API (``from ures.memory import ...``), served by memsim.

Every name is memsim's own object (``ures.memory.BlockPool is
memsim.BlockPool``), so design code runs unchanged against /dev/memsim.
"""

from memsim import (  # noqa: F401
    AbstractMemoryAllocator,
    AllocationRequest,
    AllocationResult,
    AllocationStrategy,
    BestFitAllocator,
    BlockPool,
    BuddySystemAllocator,
    DeviceMemorySimulator,
    FirstFitAllocator,
    FreeRequest,
    FreeResult,
    MemoryAllocator,
    MemoryBlock,
    MemoryInfo,
    NextFitAllocator,
    Segment,
    TLSFAllocator,
    TraceInfo,
    WorstFitAllocator,
)

__all__ = [
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
