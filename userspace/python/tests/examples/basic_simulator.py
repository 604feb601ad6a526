from ures.memory import (
    DeviceMemorySimulator,
    BlockPool,
    FirstFitAllocator,
    AllocationRequest,
)

sim = DeviceMemorySimulator(device_id=0, total_memory=1024 * 1024, base_address=0x10000000)
sim.set_allocator("Best Fit")
result = sim.allocate(256)
if result.success:
    addr = result.address
    # ... use addr ...
    sim.free(addr)
info = sim.get_memory_info()
print(info["memory_summary"])
