from ures.memory import (
    DeviceMemorySimulator,
    BlockPool,
    FirstFitAllocator,
    AllocationRequest,
)

pool = BlockPool()
seg = pool.create_segment(start_addr=0x1000, size=8192, device=0)
allocator = FirstFitAllocator()
req = AllocationRequest(size=256, stream=0)
res = allocator.allocate(pool, req)
if res.success:
    block = res.block
    # ... later ...
    allocator.free(pool, FreeRequest(address=block.addr))
