/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memsim: simulated device memory allocator - userspace ABI
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _UAPI_LINUX_MEMSIM_H
#define _UAPI_LINUX_MEMSIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: memsim uapi
 *
 * Every open() of /dev/memsim creates an independent simulated device (an
 * "instance").  Userspace drives it with the ioctls below.
 *
 * Rules that hold for every ioctl of this interface (see
 * Documentation/process/botching-up-ioctls.rst in the kernel tree):
 *
 * - structures use only fixed-width types, are naturally aligned and carry
 *   explicit padding, so 32-bit and 64-bit callers share one layout;
 *   pointers travel as __u64;
 * - every field marked "in" that is a flag word, padding or reserved must be
 *   zero; any unknown bit or non-zero reserved field fails with -EINVAL and
 *   changes nothing;
 * - fields marked "out" only are ignored on input, so one structure can be
 *   reused from call to call; the kernel writes every one of them (zero
 *   where it has nothing to say), and reserved fields read back as zero
 *   until a later ABI version gives them a meaning;
 * - an unknown command fails with -ENOTTY;
 * - structures never change size: the size is encoded in the command
 *   number, so a structure that must grow gets a new command number and
 *   the old one keeps working.  Reserved fields absorb small additions;
 * - a call that fails changes nothing, except that an allocation failing
 *   for lack of space (-ENOSPC) is counted in the statistics.
 *
 * The ioctl type letter is 'J', which Documentation/userspace-api/ioctl/
 * ioctl-number.rst lists as unused.
 */

/**
 * define MEMSIM_ABI_VERSION - version of this interface
 *
 * Returned in &memsim_info.abi_version.  It changes only if an existing
 * ioctl changes meaning; additions are announced by feature bits instead.
 */
#define MEMSIM_ABI_VERSION		1U

/**
 * define MEMSIM_FEATURE_DEBUGFS - debugfs views are available
 *
 * Set in &memsim_info.features when the module could create its directory
 * /sys/kernel/debug/memsim/ (the kernel has CONFIG_DEBUG_FS and debugfs is
 * not disabled on the command line).
 */
#define MEMSIM_FEATURE_DEBUGFS		(1ULL << 0)

/**
 * define MEMSIM_FEATURE_TRACE - the operation trace is available
 *
 * Set in &memsim_info.features: %MEMSIM_IOC_TRACE_CTL and
 * %MEMSIM_IOC_TRACE_READ work, and ALLOC and FREE take labels.
 */
#define MEMSIM_FEATURE_TRACE		(1ULL << 1)

/**
 * define MEMSIM_FEATURE_TRACE_STACK - trace records can carry kernel stacks
 *
 * Set in &memsim_info.features when the kernel has stackdepot, so
 * %MEMSIM_TRACE_STACK is accepted.
 */
#define MEMSIM_FEATURE_TRACE_STACK	(1ULL << 2)

/**
 * define MEMSIM_FEATURE_EXPLAIN - allocations can be explained
 *
 * Set in &memsim_info.features: %MEMSIM_IOC_EXPLAIN_ALLOC works.
 */
#define MEMSIM_FEATURE_EXPLAIN		(1ULL << 3)

/**
 * struct memsim_info - answer of %MEMSIM_IOC_GET_INFO
 * @abi_version: out: %MEMSIM_ABI_VERSION of the running module.
 * @flags: in: must be zero.
 * @features: out: MEMSIM_FEATURE_* bits this module provides.
 * @instance_id: out: id of the instance behind this file descriptor; ids are
 *	handed out in increasing order from 1 and never reused while the
 *	module stays loaded.
 * @max_segments: out: most segments one instance may hold.
 * @max_batch: out: most operations one %MEMSIM_IOC_BATCH may carry.
 * @max_blocks: out: most live (allocated) blocks one instance may hold.
 * @max_list: out: most entries one call takes or returns
 *	(%MEMSIM_LIST_MAX): ids of %MEMSIM_IOC_CHECK_OVERLAP, entries of
 *	%MEMSIM_IOC_GET_STATS, %MEMSIM_IOC_GET_SEGMENTS, %MEMSIM_IOC_GET_BLOCKS
 *	and %MEMSIM_IOC_GET_BLOCKS_LIFE, records of %MEMSIM_IOC_TRACE_READ.
 * @max_trace_records: out: largest trace ring %MEMSIM_IOC_TRACE_CTL
 *	accepts (the module parameter max_trace_records).
 * @max_instance_memory: out: bytes of kernel metadata one instance may
 *	hold: its blocks (free and allocated), segments, streams and trace
 *	ring, each counted at its structure's size.
 * @max_total_memory: out: bytes of such metadata all instances together
 *	may hold.
 *
 * @max_list to @max_total_memory were reserved words in earlier versions
 * of this structure; like every out field they are ignored on input.
 */
struct memsim_info {
	__u32 abi_version;
	__u32 flags;
	__u64 features;
	__u64 instance_id;
	__u32 max_segments;
	__u32 max_batch;
	__u64 max_blocks;
	__u32 max_list;
	__u32 max_trace_records;
	__u64 max_instance_memory;
	__u64 max_total_memory;
};

/**
 * define MEMSIM_LIST_MAX - most entries one call takes or returns
 *
 * The bound on @ids_cap, @streams_cap and @buf_cap of the commands that
 * list things; also reported as &memsim_info.max_list.
 */
#define MEMSIM_LIST_MAX			4096

/**
 * enum memsim_strategy_id - placement strategies
 * @MEMSIM_STRATEGY_FIRST_FIT: the lowest address that fits.
 * @MEMSIM_STRATEGY_BEST_FIT: the smallest free block that fits.
 * @MEMSIM_STRATEGY_WORST_FIT: the largest free block that fits.
 * @MEMSIM_STRATEGY_NEXT_FIT: first fit from a roving cursor, then wrap.
 * @MEMSIM_STRATEGY_BUDDY: binary buddy system.
 * @MEMSIM_STRATEGY_TLSF: two-level segregated fit: the head of the lowest
 *	non-empty size class whose blocks all hold the request (added after
 *	the first release).
 * @MEMSIM_STRATEGY_COUNT: number of strategies.  The first release had 5
 *	(%MEMSIM_STRATEGY_COUNT_V1).
 */
enum memsim_strategy_id {
	MEMSIM_STRATEGY_FIRST_FIT = 0,
	MEMSIM_STRATEGY_BEST_FIT = 1,
	MEMSIM_STRATEGY_WORST_FIT = 2,
	MEMSIM_STRATEGY_NEXT_FIT = 3,
	MEMSIM_STRATEGY_BUDDY = 4,
	MEMSIM_STRATEGY_TLSF = 5,
	MEMSIM_STRATEGY_COUNT = 6,
};

/* Strategies of the first release, and so of %MEMSIM_IOC_GET_STATS_V1. */
#define MEMSIM_STRATEGY_COUNT_V1	5

/* A stream number that matches every stream in a request. */
#define MEMSIM_STREAM_ANY_ID		0xffffffffU

/**
 * struct memsim_strategy_arg - argument of %MEMSIM_IOC_SET_STRATEGY
 * @strategy: in: an &enum memsim_strategy_id.
 * @flags: in: must be zero.
 * @buddy_min_block: in: for the buddy system, its minimum block, any power
 *	of two (a huge one leaves nothing allocatable); 0 selects 64.  Must be
 *	0 for the other strategies.
 * @reserved: in: must be zero.
 * @tlsf_classes: in: for TLSF, its size classes per level, 16 or 32; 0
 *	selects 16.  Must be 0 for the other strategies.  (The second
 *	reserved word, and so zero, in the first release.)
 */
struct memsim_strategy_arg {
	__u32 strategy;
	__u32 flags;
	__u64 buddy_min_block;
	__u64 reserved;
	__u64 tlsf_classes;
};

/**
 * struct memsim_segment_arg - argument of %MEMSIM_IOC_CREATE_SEGMENT and
 *	%MEMSIM_IOC_RELEASE_SEGMENT
 * @start: in (create): first address.
 * @size: in (create): size in bytes; start + size must not exceed
 *	2^64 - 1, so the last byte of the address space is never used.
 * @device: in (create): device number, kept for display.
 * @stream: in (create): stream of the segment's blocks; not
 *	%MEMSIM_STREAM_ANY_ID.
 * @flags: in: must be zero.
 * @pad: in: must be zero.
 * @segment_id: out (create), in (release): the segment's id.
 * @reserved: in: must be zero.
 */
struct memsim_segment_arg {
	__u64 start;
	__u64 size;
	__u32 device;
	__u32 stream;
	__u32 flags;
	__u32 pad;
	__u64 segment_id;
	__u64 reserved[2];
};

/**
 * enum memsim_overlap_kind - how a range relates to existing segments
 * @MEMSIM_OVERLAP_KIND_NONE: it touches no segment.
 * @MEMSIM_OVERLAP_KIND_CONTAINED: it lies inside one segment.
 * @MEMSIM_OVERLAP_KIND_PARTIAL: it overlaps one or more segments otherwise.
 */
enum memsim_overlap_kind {
	MEMSIM_OVERLAP_KIND_NONE = 0,
	MEMSIM_OVERLAP_KIND_CONTAINED = 1,
	MEMSIM_OVERLAP_KIND_PARTIAL = 2,
};

/**
 * struct memsim_overlap_arg - argument of %MEMSIM_IOC_CHECK_OVERLAP
 * @start: in: first address of the range.
 * @size: in: size of the range; not zero, start + size must not wrap.
 * @ids_ptr: in: user pointer to an array of __u64 that receives the ids of
 *	the overlapping segments in address order; ignored when @ids_cap is 0.
 * @ids_cap: in: entries available at @ids_ptr.
 * @flags: in: must be zero.
 * @kind: out: an &enum memsim_overlap_kind.
 * @nr_ids: out: number of overlapping segments, which may exceed @ids_cap
 *	(only @ids_cap ids are written).
 * @reserved: in: must be zero.
 */
struct memsim_overlap_arg {
	__u64 start;
	__u64 size;
	__u64 ids_ptr;
	__u32 ids_cap;
	__u32 flags;
	__u32 kind;
	__u32 nr_ids;
	__u64 reserved[2];
};

/**
 * struct memsim_safe_range_arg - argument of %MEMSIM_IOC_FIND_SAFE_RANGE
 * @size: in: size of the range wanted; not zero.
 * @align: in: alignment of its start: 0 or a power of two.
 * @min: in: lowest address it may use.
 * @max: in: it must end at or below @max; @min < @max.
 * @addr: out: the lowest suitable start outside every segment.
 * @flags: in: must be zero.
 * @pad: in: must be zero.
 * @reserved: in: must be zero.
 */
struct memsim_safe_range_arg {
	__u64 size;
	__u64 align;
	__u64 min;
	__u64 max;
	__u64 addr;
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * define MEMSIM_LABEL_MAX - size of a caller's label, its NUL included
 *
 * Labels name a call site (&memsim_alloc_arg.label_ptr,
 * &memsim_free_arg.label_ptr); the kernel copies at most this many bytes.
 */
#define MEMSIM_LABEL_MAX		32

/* Flags of &struct memsim_alloc_arg. */
#define MEMSIM_ALLOC_TOPDOWN		(1U << 0)
#define MEMSIM_ALLOC_RANGE		(1U << 1)
#define MEMSIM_ALLOC_FIXED		(1U << 2)
#define MEMSIM_ALLOC_FLAGS		(MEMSIM_ALLOC_TOPDOWN | MEMSIM_ALLOC_RANGE | \
					 MEMSIM_ALLOC_FIXED)

/**
 * struct memsim_alloc_arg - argument of %MEMSIM_IOC_ALLOC and
 *	%MEMSIM_IOC_CAN_ALLOC
 * @size: in: bytes wanted; not zero.
 * @align: in: required alignment: 0 or a power of two.
 * @range_lo: in: with %MEMSIM_ALLOC_RANGE, lowest address usable.
 * @range_hi: in: with %MEMSIM_ALLOC_RANGE, the block must end at or below
 *	it; range_lo < range_hi.  Both must be 0 without the flag.
 * @fixed_addr: in: with %MEMSIM_ALLOC_FIXED, the exact address, aligned;
 *	0 without the flag.
 * @tag: in: caller's cookie, stored with the block.
 * @stream: in: stream to allocate from, or %MEMSIM_STREAM_ANY_ID.
 * @flags: in: MEMSIM_ALLOC_* flags.
 * @priority: in: accepted as in the design this simulator follows, which
 *	records it without using it; ignored.
 * @pad: in: must be zero.
 * @addr: out: address of the block.
 * @actual_size: out: its size (buddy: rounded up).
 * @waste: out: @actual_size - @size.
 * @segment_id: out: the segment holding it.
 * @largest: out (%MEMSIM_IOC_CAN_ALLOC, and %MEMSIM_IOC_ALLOC on -ENOSPC):
 *	the largest size an unconstrained request on @stream would get now.
 * @out_stream: out: the stream of the block.
 * @steps: out: index nodes the search visited.
 * @splits: out: blocks split off (fit: padding and tail; buddy: halvings).
 * @pad2: out: zero.
 * @label_ptr: in: user pointer to the caller's label for this call (a call
 *	site such as "file.c:123 func"): a NUL-terminated string of printable
 *	ASCII, at most %MEMSIM_LABEL_MAX bytes with its NUL; or 0 for none.
 *	It is kept with the block and in the trace records of the call.
 *	%MEMSIM_IOC_CAN_ALLOC checks it and ignores it.
 * @reserved: in: must be zero; out: zero.
 */
struct memsim_alloc_arg {
	__u64 size;
	__u64 align;
	__u64 range_lo;
	__u64 range_hi;
	__u64 fixed_addr;
	__u64 tag;
	__u32 stream;
	__u32 flags;
	__u32 priority;
	__u32 pad;
	__u64 addr;
	__u64 actual_size;
	__u64 waste;
	__u64 segment_id;
	__u64 largest;
	__u32 out_stream;
	__u32 steps;
	__u32 splits;
	__u32 pad2;
	__u64 label_ptr;
	__u64 reserved;
};

/* Flags of &struct memsim_free_arg. */
#define MEMSIM_FREE_DEFER		(1U << 0)

/**
 * struct memsim_free_arg - argument of %MEMSIM_IOC_FREE and
 *	%MEMSIM_IOC_COMPLETE_FREE
 * @addr: in: start address of the block.
 * @expected_size: in: 0, or the size requested for the block or its actual
 *	size; a mismatch fails with -EINVAL.  Must be 0 for COMPLETE_FREE.
 * @flags: in: %MEMSIM_FREE_DEFER to request the free only (FREE); must be
 *	zero for COMPLETE_FREE.
 * @pad: in: must be zero.
 * @freed_size: out: size of the block.
 * @coalesced_addr: out: start of the free block the block ended up in.
 * @coalesced_size: out: size of that free block.
 * @coalesced: out: 1 if the block merged with free neighbours.
 * @deferred: out: 1 if only the free was requested.
 * @label_ptr: in: user pointer to the caller's label, as for
 *	&memsim_alloc_arg.label_ptr, or 0; it goes into the trace records of
 *	the call.
 * @reserved: in: must be zero; out: zero.
 */
struct memsim_free_arg {
	__u64 addr;
	__u64 expected_size;
	__u32 flags;
	__u32 pad;
	__u64 freed_size;
	__u64 coalesced_addr;
	__u64 coalesced_size;
	__u32 coalesced;
	__u32 deferred;
	__u64 label_ptr;
	__u64 reserved;
};

/**
 * struct memsim_sync_arg - argument of %MEMSIM_IOC_SYNC_STREAM
 * @stream: in: stream whose deferred frees complete, or
 *	%MEMSIM_STREAM_ANY_ID for all.
 * @flags: in: must be zero.
 * @completed: out: number of frees completed.
 * @reserved: in: must be zero.
 */
struct memsim_sync_arg {
	__u32 stream;
	__u32 flags;
	__u64 completed;
	__u64 reserved[2];
};

#define MEMSIM_HIST_SIZE		64

/**
 * struct memsim_usage_info - counters of a pool, stream or segment
 * @total: bytes managed.
 * @allocated: bytes in allocated blocks (deferred frees included).
 * @requested: bytes the allocations asked for.
 * @free: bytes in free blocks.
 * @peak_allocated: highest @allocated seen.
 * @live_blocks: allocated blocks.
 * @free_blocks: free blocks.
 * @deferred_blocks: blocks whose free is requested, not completed.
 * @deferred_bytes: bytes in them.
 * @allocs: successful allocations.
 * @frees: completed frees.
 * @failures: allocations that found no space.
 * @largest_free: the largest free block.
 * @frag_ppm: external fragmentation, 1 - largest free / free, in parts per
 *	million.
 * @utilization_ppm: @allocated / @total in parts per million.
 * @free_hist: free blocks by size: entry i counts sizes in [2^i, 2^(i+1)).
 */
struct memsim_usage_info {
	__u64 total;
	__u64 allocated;
	__u64 requested;
	__u64 free;
	__u64 peak_allocated;
	__u64 live_blocks;
	__u64 free_blocks;
	__u64 deferred_blocks;
	__u64 deferred_bytes;
	__u64 allocs;
	__u64 frees;
	__u64 failures;
	__u64 largest_free;
	__u32 frag_ppm;
	__u32 utilization_ppm;
	__u64 free_hist[MEMSIM_HIST_SIZE];
};

/**
 * struct memsim_summary - answer of %MEMSIM_IOC_GET_SUMMARY
 * @flags: in: must be zero.
 * @strategy: out: the active &enum memsim_strategy_id.
 * @buddy_min_block: out: the buddy system's minimum block (the one it will
 *	use, when another strategy is active).
 * @nr_segments: out: segments.
 * @nr_streams: out: streams that have segments (a stream goes with its
 *	last segment).
 * @pad: out: zero.
 * @usage: out: the whole pool's counters.
 * @alloc_bytes: out: bytes handed out by all successful allocations since
 *	creation or reset (the total of @usage.allocated); it stops at
 *	2^64 - 1 rather than wrap.
 * @requested_bytes: out: bytes those allocations asked for; stops at
 *	2^64 - 1.
 * @peak_requested: out: the highest @usage.requested since creation or
 *	reset.
 * @peak_live_blocks: out: the highest @usage.live_blocks since creation or
 *	reset.
 *
 * The last four fields were reserved (zero) in the first release of this
 * structure; a caller that filled them gets them overwritten.
 */
struct memsim_summary {
	__u32 flags;
	__u32 strategy;
	__u64 buddy_min_block;
	__u64 nr_segments;
	__u32 nr_streams;
	__u32 pad;
	struct memsim_usage_info usage;
	__u64 alloc_bytes;
	__u64 requested_bytes;
	__u64 peak_requested;
	__u64 peak_live_blocks;
};

/**
 * struct memsim_strategy_stats_info - what one strategy did
 * @allocs: successful allocations while it was active.
 * @failures: failed allocations.
 * @frees: completed frees.
 * @steps: index nodes its searches visited.
 * @alloc_ns: cumulative time spent allocating (0 for an instance opened
 *	with the module parameter block_life=N, which reads no clock).
 * @free_ns: cumulative time spent freeing (0 with block_life=N).
 */
struct memsim_strategy_stats_info {
	__u64 allocs;
	__u64 failures;
	__u64 frees;
	__u64 steps;
	__u64 alloc_ns;
	__u64 free_ns;
};

/**
 * struct memsim_stream_info - one stream's counters, for %MEMSIM_IOC_GET_STATS
 * @stream: stream number.
 * @pad: zero.
 * @nr_segments: its segments.
 * @usage: its counters.
 */
struct memsim_stream_info {
	__u32 stream;
	__u32 pad;
	__u64 nr_segments;
	struct memsim_usage_info usage;
};

/**
 * struct memsim_stats_arg - argument of %MEMSIM_IOC_GET_STATS
 * @strategies: out: counters of each strategy, indexed by
 *	&enum memsim_strategy_id.
 * @streams_ptr: in: user pointer to an array of &struct memsim_stream_info,
 *	or 0.
 * @streams_cap: in: entries available at @streams_ptr.
 * @flags: in: must be zero.
 * @stream_cursor: in: return streams numbered at or above it (a value
 *	above every stream number returns none); out: the number to pass to
 *	continue, valid when @more is 1.
 * @nr_streams: out: entries written.
 * @more: out: 1 if streams remain after those written.
 * @reserved: in: must be zero; out: zero.
 */
struct memsim_stats_arg {
	struct memsim_strategy_stats_info strategies[MEMSIM_STRATEGY_COUNT];
	__u64 streams_ptr;
	__u32 streams_cap;
	__u32 flags;
	__u64 stream_cursor;
	__u32 nr_streams;
	__u32 more;
	__u64 reserved[2];
};

/**
 * struct memsim_stats_arg_v1 - argument of %MEMSIM_IOC_GET_STATS_V1
 * @strategies: out: counters of the first release's strategies.
 * @streams_ptr: as in &struct memsim_stats_arg.
 * @streams_cap: as in &struct memsim_stats_arg.
 * @flags: as in &struct memsim_stats_arg.
 * @stream_cursor: as in &struct memsim_stats_arg.
 * @nr_streams: as in &struct memsim_stats_arg.
 * @more: as in &struct memsim_stats_arg.
 * @reserved: as in &struct memsim_stats_arg.
 *
 * The first release's &struct memsim_stats_arg, from before TLSF: binaries
 * built against it keep working, without TLSF's counters.
 */
struct memsim_stats_arg_v1 {
	struct memsim_strategy_stats_info strategies[MEMSIM_STRATEGY_COUNT_V1];
	__u64 streams_ptr;
	__u32 streams_cap;
	__u32 flags;
	__u64 stream_cursor;
	__u32 nr_streams;
	__u32 more;
	__u64 reserved[2];
};

/**
 * struct memsim_segment_info - one segment, for %MEMSIM_IOC_GET_SEGMENTS
 * @id: segment id.
 * @start: first address.
 * @size: size.
 * @device: device number.
 * @stream: stream.
 * @nr_blocks: blocks in the segment.
 * @largest_free: its largest free block.
 * @split_ratio_ppm: the design's ratio 1 - 1 / blocks, in ppm.
 * @pad: zero.
 * @usage: its counters (failures are not attributed to segments).
 */
struct memsim_segment_info {
	__u64 id;
	__u64 start;
	__u64 size;
	__u32 device;
	__u32 stream;
	__u64 nr_blocks;
	__u64 largest_free;
	__u32 split_ratio_ppm;
	__u32 pad;
	struct memsim_usage_info usage;
};

/**
 * enum memsim_block_state_id - states of a block
 * @MEMSIM_STATE_FREE: free.
 * @MEMSIM_STATE_ALLOCATED: allocated.
 * @MEMSIM_STATE_FREE_REQUESTED: allocated, its free requested (deferred).
 */
enum memsim_block_state_id {
	MEMSIM_STATE_FREE = 0,
	MEMSIM_STATE_ALLOCATED = 1,
	MEMSIM_STATE_FREE_REQUESTED = 2,
};

/**
 * struct memsim_block_info - one block, for %MEMSIM_IOC_GET_BLOCKS
 * @addr: first address.
 * @size: size.
 * @requested: size asked for (allocated blocks), else 0.
 * @segment_id: its segment.
 * @tag: the caller's tag (allocated blocks), else 0.
 * @alloc_ns: time of the allocation (ktime_get_ns()), 0 for free blocks
 *	(and for every block of an instance opened with the module parameter
 *	block_life=N).
 * @free_ns: time the free was requested, 0 while none (and with
 *	block_life=N).
 * @stream: its stream.
 * @state: an &enum memsim_block_state_id.
 */
struct memsim_block_info {
	__u64 addr;
	__u64 size;
	__u64 requested;
	__u64 segment_id;
	__u64 tag;
	__u64 alloc_ns;
	__u64 free_ns;
	__u32 stream;
	__u32 state;
};

/**
 * struct memsim_block_life - one block and the trace of its life, for
 *	%MEMSIM_IOC_GET_BLOCKS_LIFE
 * @block: the block, as %MEMSIM_IOC_GET_BLOCKS gives it (@block.alloc_ns
 *	and @block.free_ns are its allocation and free request).
 * @create_ns: when the block's structure was made, by its segment's
 *	creation or by a split; a block that absorbs free neighbours keeps
 *	its own.  0 with block_life=N.
 * @owner_tgid: allocated block: the thread group that allocated it; else 0
 *	(and with block_life=N).
 * @pad: zero.
 * @label: allocated block: the label its allocation passed, NUL padded;
 *	empty otherwise (and with block_life=N).
 */
struct memsim_block_life {
	struct memsim_block_info block;
	__u64 create_ns;
	__u32 owner_tgid;
	__u32 pad;
	char label[MEMSIM_LABEL_MAX];
};

/**
 * struct memsim_list_arg - argument of %MEMSIM_IOC_GET_SEGMENTS,
 *	%MEMSIM_IOC_GET_BLOCKS and %MEMSIM_IOC_GET_BLOCKS_LIFE
 * @buf_ptr: in: user pointer to an array of &struct memsim_segment_info,
 *	&struct memsim_block_info or &struct memsim_block_life.
 * @buf_cap: in: entries available at @buf_ptr; at most %MEMSIM_LIST_MAX per call.
 * @flags: in: must be zero.
 * @cursor: in: list the entries that start at or above this address (0
 *	for all); out: the value to pass to continue, valid when @more is 1.
 * @nr: out: entries written.
 * @more: out: 1 if entries remain after those written.
 * @reserved: in: must be zero; out: zero.
 *
 * Entries come in address order.  Paging holds no state in the kernel: an
 * entry that a call between two pages creates or removes may be seen or
 * missed, but every entry that exists throughout is listed exactly once.
 */
struct memsim_list_arg {
	__u64 buf_ptr;
	__u32 buf_cap;
	__u32 flags;
	__u64 cursor;
	__u32 nr;
	__u32 more;
	__u64 reserved[2];
};

/* Operations of &struct memsim_batch_op. */
#define MEMSIM_BATCH_ALLOC		1
#define MEMSIM_BATCH_FREE		2
#define MEMSIM_BATCH_COMPLETE_FREE	3

/**
 * struct memsim_batch_op - one operation of a %MEMSIM_IOC_BATCH
 * @op: in: MEMSIM_BATCH_*.
 * @flags: in: MEMSIM_ALLOC_* for an allocation, %MEMSIM_FREE_DEFER for a
 *	free, zero for a completion.
 * @size: in: ALLOC: bytes wanted; FREE: expected size or 0.
 * @align: in: ALLOC: alignment, 0 or a power of two.
 * @addr: in: FREE, COMPLETE_FREE: the block; ALLOC with
 *	%MEMSIM_ALLOC_FIXED: the address (ignored without the flag).  out:
 *	ALLOC: the address given.
 * @range_lo: in: ALLOC with %MEMSIM_ALLOC_RANGE: range start.
 * @range_hi: in: ALLOC with %MEMSIM_ALLOC_RANGE: range end.
 * @tag: in: ALLOC: the caller's cookie.
 * @stream: in: ALLOC: stream or %MEMSIM_STREAM_ANY_ID.
 * @error: out: 0 or the negative errno of this operation.
 * @result_size: out: ALLOC: actual size; FREE, COMPLETE_FREE: freed size.
 */
struct memsim_batch_op {
	__u32 op;
	__u32 flags;
	__u64 size;
	__u64 align;
	__u64 addr;
	__u64 range_lo;
	__u64 range_hi;
	__u64 tag;
	__u32 stream;
	__s32 error;
	__u64 result_size;
};

/* Flags of &struct memsim_batch_arg. */
#define MEMSIM_BATCH_STOP_ON_ERROR	(1U << 0)

/**
 * struct memsim_batch_arg - argument of %MEMSIM_IOC_BATCH
 * @ops_ptr: in: user pointer to an array of &struct memsim_batch_op, whose
 *	results are written back.
 * @count: in: number of operations, at most &memsim_info.max_batch.
 * @flags: in: %MEMSIM_BATCH_STOP_ON_ERROR to stop at the first failing
 *	operation; otherwise every operation runs.
 * @done: out: operations executed (their results are written back).
 * @failed: out: how many of them failed.
 * @reserved: in: must be zero.
 *
 * Every operation is validated before the first runs: a malformed one
 * (unknown op or flag, non-zero field it does not use) fails the whole call
 * with -EINVAL and nothing runs.
 */
struct memsim_batch_arg {
	__u64 ops_ptr;
	__u32 count;
	__u32 flags;
	__u32 done;
	__u32 failed;
	__u64 reserved[2];
};

/**
 * struct memsim_simulate_arg - argument of %MEMSIM_IOC_SIMULATE
 * @nr_ops: in: operations to run; not zero, at most 2^20.
 * @min_size: in: smallest allocation; not zero.
 * @max_size: in: largest allocation; >= @min_size.
 * @seed: in: seed of the pseudo-random sequence.
 * @free_ppm: in: probability, in parts per million, that an operation frees
 *	a random live block of the run instead of allocating.
 * @stream: in: stream to allocate from, or %MEMSIM_STREAM_ANY_ID.
 * @flags: in: must be zero.
 * @pad: in: must be zero.
 * @successes: out: allocations that succeeded.
 * @failures: out: allocations that found no space.
 * @frees: out: frees done.
 * @peak_allocated: out: the pool's peak allocated bytes after the run.
 * @final_allocated: out: allocated bytes after the run.
 * @frag_ppm: out: external fragmentation after the run.
 * @pad2: out: zero.
 * @elapsed_ns: out: time the run took.
 * @reserved: in: must be zero; out: zero.
 *
 * Each operation draws a number below 10^6 from the kernel's
 * prandom_u32_state() seeded with @seed: below @free_ppm, and if blocks
 * allocated by this run are live, it frees one of them, drawn uniformly;
 * otherwise it allocates a size drawn uniformly from [@min_size,
 * @max_size] on @stream.  The run works on the instance's pool and leaves
 * its blocks allocated.  The same seed on the same pool state and strategy
 * gives the same result.  An allocation refused by the live-block limit
 * counts as a failure, as one finding no space does.  A run stopped by a
 * fatal signal (-EINTR) or -ENOMEM keeps the blocks it allocated so far.
 */
struct memsim_simulate_arg {
	__u64 nr_ops;
	__u64 min_size;
	__u64 max_size;
	__u64 seed;
	__u32 free_ppm;
	__u32 stream;
	__u32 flags;
	__u32 pad;
	__u64 successes;
	__u64 failures;
	__u64 frees;
	__u64 peak_allocated;
	__u64 final_allocated;
	__u32 frag_ppm;
	__u32 pad2;
	__u64 elapsed_ns;
	__u64 reserved[2];
};

/* Flags of &struct memsim_reset_arg. */
#define MEMSIM_RESET_KEEP_SEGMENTS	(1U << 0)

/**
 * struct memsim_reset_arg - argument of %MEMSIM_IOC_RESET
 * @flags: in: %MEMSIM_RESET_KEEP_SEGMENTS keeps the segments, entirely
 *	free; otherwise they go too.
 * @pad: in: must be zero.
 * @reserved: in: must be zero.
 *
 * Without flags the instance returns to its state after open(): no
 * segment, first fit, statistics cleared.  With %MEMSIM_RESET_KEEP_SEGMENTS
 * every block is freed (deferred frees included), the segments stay, each
 * one free space again, the strategy stays, and the statistics are cleared.
 */
struct memsim_reset_arg {
	__u32 flags;
	__u32 pad;
	__u64 reserved[2];
};

/**
 * enum memsim_trace_op - what a trace record describes
 * @MEMSIM_TRACE_SEGMENT_CREATE: a segment was created: addr, size.
 * @MEMSIM_TRACE_SEGMENT_RELEASE: a segment was released.
 * @MEMSIM_TRACE_ALLOC: a block was allocated: addr, size (actual),
 *	requested, tag; align and flags of the request.
 * @MEMSIM_TRACE_ALLOC_FAIL: an allocation found no space: requested,
 *	stream (possibly %MEMSIM_STREAM_ANY_ID), align and flags of the
 *	request; error is -ENOSPC.
 * @MEMSIM_TRACE_FREE_REQUEST: a deferred free was requested.
 * @MEMSIM_TRACE_FREE_COMPLETE: a block was freed (at once, or its deferred
 *	free completed).
 * @MEMSIM_TRACE_SPLIT: a fit strategy or TLSF split a free block off (addr,
 *	size: the new free block).
 * @MEMSIM_TRACE_COALESCE: a fit strategy or TLSF merged free neighbours (addr,
 *	size: the merged block).
 * @MEMSIM_TRACE_BUDDY_SPLIT: the buddy system halved a block (addr,
 *	size: the free half).
 * @MEMSIM_TRACE_BUDDY_MERGE: the buddy system merged buddies (addr,
 *	size: the merged block).
 * @MEMSIM_TRACE_STRATEGY: the strategy was set to strategy (size: the
 *	buddy system's minimum block in force).
 * @MEMSIM_TRACE_RESET: the instance was reset (flags: MEMSIM_RESET_*;
 *	strategy: the one in force after the reset).
 * @MEMSIM_TRACE_OP_COUNT: number of operations.
 */
enum memsim_trace_op {
	MEMSIM_TRACE_SEGMENT_CREATE = 0,
	MEMSIM_TRACE_SEGMENT_RELEASE = 1,
	MEMSIM_TRACE_ALLOC = 2,
	MEMSIM_TRACE_ALLOC_FAIL = 3,
	MEMSIM_TRACE_FREE_REQUEST = 4,
	MEMSIM_TRACE_FREE_COMPLETE = 5,
	MEMSIM_TRACE_SPLIT = 6,
	MEMSIM_TRACE_COALESCE = 7,
	MEMSIM_TRACE_BUDDY_SPLIT = 8,
	MEMSIM_TRACE_BUDDY_MERGE = 9,
	MEMSIM_TRACE_STRATEGY = 10,
	MEMSIM_TRACE_RESET = 11,
	MEMSIM_TRACE_OP_COUNT = 12,
};

/*
 * In &memsim_trace_record.flags of ALLOC and ALLOC_FAIL: the request named
 * %MEMSIM_STREAM_ANY_ID.  Above every MEMSIM_ALLOC_* flag.
 */
#define MEMSIM_TRACE_ANY_STREAM		(1U << 31)

/**
 * struct memsim_trace_record - one operation, as kept in an instance's trace
 * @seq: sequence number: 0 for the instance's first record, then one more
 *	for each; never reused while the instance lives (switching the trace
 *	off and on does not restart it).
 * @ts_ns: when it happened (ktime_get_ns()).
 * @addr: address of the block or segment; ALLOC_FAIL: the fixed address
 *	asked for with %MEMSIM_ALLOC_FIXED, else 0; 0 for STRATEGY and RESET.
 * @size: its size.
 * @requested: ALLOC, ALLOC_FAIL, FREE_*: the size asked for.
 * @align: ALLOC, ALLOC_FAIL: the request's alignment.
 * @segment_id: segment concerned, 0 when none.
 * @tag: ALLOC, FREE_*: the block's tag.
 * @op: an &enum memsim_trace_op.
 * @strategy: the &enum memsim_strategy_id in force (STRATEGY: the new one).
 * @stream: stream concerned.
 * @flags: ALLOC, ALLOC_FAIL: MEMSIM_ALLOC_* of the request, and
 *	%MEMSIM_TRACE_ANY_STREAM if it named %MEMSIM_STREAM_ANY_ID (an ALLOC's
 *	@stream is then the block's, an ALLOC_FAIL's %MEMSIM_STREAM_ANY_ID); FREE_REQUEST,
 *	FREE_COMPLETE: %MEMSIM_FREE_DEFER when the free was deferred; RESET:
 *	MEMSIM_RESET_*; otherwise 0.
 * @error: 0, or the negative errno of a failure (ALLOC_FAIL: -ENOSPC).
 * @pid: thread that made the call.
 * @tgid: its thread group (the process id).
 * @stack_id: with %MEMSIM_TRACE_STACK, the stackdepot handle of the kernel
 *	stack that made the record (shown by the debugfs trace file); else 0.
 * @comm: command name of that thread, NUL-terminated.
 * @label: the label the call passed (&memsim_alloc_arg.label_ptr), NUL
 *	padded; empty when none.
 *
 * Every record produced by one call carries that call's caller and label:
 * the splits and merges of an allocation or a free name who caused them.
 */
struct memsim_trace_record {
	__u64 seq;
	__u64 ts_ns;
	__u64 addr;
	__u64 size;
	__u64 requested;
	__u64 align;
	__u64 segment_id;
	__u64 tag;
	__u32 op;
	__u32 strategy;
	__u32 stream;
	__u32 flags;
	__s32 error;
	__u32 pid;
	__u32 tgid;
	__u32 stack_id;
	char comm[16];
	char label[MEMSIM_LABEL_MAX];
};

/* Flags of &struct memsim_trace_ctl_arg. */
#define MEMSIM_TRACE_ON			(1U << 0)
#define MEMSIM_TRACE_STACK		(1U << 1)
#define MEMSIM_TRACE_FLAGS		(MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK)

/**
 * struct memsim_trace_ctl_arg - argument of %MEMSIM_IOC_TRACE_CTL
 * @capacity: in: with %MEMSIM_TRACE_ON, the records the ring holds: from 1
 *	to &memsim_trace_read_arg.max_capacity; must be 0 without it.
 * @flags: in: %MEMSIM_TRACE_ON starts tracing into a new, empty ring (the
 *	records of a previous ring are discarded and counted as dropped);
 *	%MEMSIM_TRACE_STACK, only with %MEMSIM_TRACE_ON, also records each
 *	operation's kernel stack in stackdepot.  0 stops tracing and frees
 *	the ring.
 * @reserved: in: must be zero.
 */
struct memsim_trace_ctl_arg {
	__u32 capacity;
	__u32 flags;
	__u64 reserved[2];
};

/**
 * struct memsim_trace_read_arg - argument of %MEMSIM_IOC_TRACE_READ
 * @buf_ptr: in: user pointer to an array of &struct memsim_trace_record.
 * @buf_cap: in: records available at @buf_ptr, at most %MEMSIM_LIST_MAX; 0 only reads
 *	the state below.
 * @flags: in: must be zero.
 * @cursor: in: sequence number of the first record wanted, at most @head;
 *	0 for the oldest kept.  out: the number to pass next time (one past
 *	the last record written), so consecutive reads lose nothing that the
 *	ring still held.
 * @lost: out: records between the @cursor passed in and the first record
 *	written that are no longer in the ring (overwritten or discarded).
 * @head: out: sequence number the next record will get.
 * @dropped: out: records overwritten or discarded since the instance was
 *	created.
 * @nr: out: records written.
 * @capacity: out: capacity of the ring, 0 when tracing is off.
 * @trace_flags: out: the MEMSIM_TRACE_* flags in force.
 * @max_capacity: out: the largest capacity %MEMSIM_IOC_TRACE_CTL accepts
 *	(the module parameter max_trace_records).
 * @reserved: in: must be zero; out: zero.
 *
 * Records come in sequence order.  Reading does not consume them: any
 * number of readers may follow the trace with cursors of their own.  A
 * read stops early, rather than skip, if records it was about to copy were
 * overwritten meanwhile; the next read reports them in @lost.
 */
struct memsim_trace_read_arg {
	__u64 buf_ptr;
	__u32 buf_cap;
	__u32 flags;
	__u64 cursor;
	__u64 lost;
	__u64 head;
	__u64 dropped;
	__u32 nr;
	__u32 capacity;
	__u32 trace_flags;
	__u32 max_capacity;
	__u64 reserved[2];
};

/* Reasons of &struct memsim_explain_block, the first that applies. */
#define MEMSIM_REFUSED_FITS		0	/* nothing refuses it */
#define MEMSIM_REFUSED_SMALL		1	/* smaller than the request */
#define MEMSIM_REFUSED_ALIGN		2	/* alignment padding leaves too little */
#define MEMSIM_REFUSED_RANGE		3	/* too little inside range / fixed */
#define MEMSIM_REFUSED_STREAM		4	/* a stream the request may not use */
#define MEMSIM_REFUSED_DEFERRED		5	/* allocated, free pending */

/**
 * define MEMSIM_EXPLAIN_MAX - candidates one explanation carries
 */
#define MEMSIM_EXPLAIN_MAX		8

/**
 * struct memsim_explain_block - a candidate block of an explanation
 * @addr: out: the block's address.
 * @size: out: its size.
 * @segment_id: out: the segment holding it.
 * @usable: out: bytes from the lowest address inside both the block and the
 *	request's window (its range, or [fixed_addr, fixed_addr + size) with
 *	%MEMSIM_ALLOC_FIXED; the whole block otherwise) that is aligned as the
 *	request needs, to the end of that overlap; 0 if there is none.  The
 *	alignment the buddy system needs is the request's size rounded up to
 *	its block (at least @align).
 * @stream: out: its stream.
 * @reason: out: MEMSIM_REFUSED_*, the first that applies: DEFERRED (an
 *	allocated block whose free was requested and not completed), STREAM
 *	(the request names another stream), SMALL (@size is below the
 *	request's size; the buddy system: below that size rounded up to a
 *	power of two, at least its minimum block and @align), RANGE (the
 *	overlap with the window is smaller than that), ALIGN (@usable is
 *	smaller than that), else FITS.
 */
struct memsim_explain_block {
	__u64 addr;
	__u64 size;
	__u64 segment_id;
	__u64 usable;
	__u32 stream;
	__u32 reason;
};

/**
 * struct memsim_explain_arg - argument of %MEMSIM_IOC_EXPLAIN_ALLOC
 * @req: in: an allocation request, checked as %MEMSIM_IOC_CAN_ALLOC checks
 *	it (its label too); its out fields are not looked at and not written.
 * @free_bytes: out: free bytes in the streams the request may use: its
 *	stream, or every stream for %MEMSIM_STREAM_ANY_ID.
 * @largest_free: out: the largest free block in those streams.
 * @largest_alloc: out: what %MEMSIM_IOC_CAN_ALLOC gives in its @largest.
 * @deferred_bytes: out: bytes of the blocks in those streams whose free is
 *	requested and not completed.
 * @other_free_bytes: out: free bytes in the other streams.
 * @free_blocks: out: free blocks in those streams.
 * @frag_ppm: out: external fragmentation of those streams, 10^6 * (1 -
 *	@largest_free / @free_bytes) rounded down; 0 when nothing is free.
 * @would_fit: out: 1 if %MEMSIM_IOC_CAN_ALLOC would succeed now, else 0.
 * @nr_blocks: out: entries of @blocks filled, at most %MEMSIM_EXPLAIN_MAX;
 *	the others are zero.
 * @pad: in: must be zero; out: zero.
 * @blocks: out: the candidates: of all blocks that are free or whose free
 *	is pending, in every stream, the %MEMSIM_EXPLAIN_MAX largest, largest
 *	first and, among equal sizes, the higher address first.
 * @reserved: in: must be zero; out: zero.
 */
struct memsim_explain_arg {
	struct memsim_alloc_arg req;
	__u64 free_bytes;
	__u64 largest_free;
	__u64 largest_alloc;
	__u64 deferred_bytes;
	__u64 other_free_bytes;
	__u64 free_blocks;
	__u32 frag_ppm;
	__u32 would_fit;
	__u32 nr_blocks;
	__u32 pad;
	struct memsim_explain_block blocks[MEMSIM_EXPLAIN_MAX];
	__u64 reserved[2];
};

#define MEMSIM_IOC_MAGIC		'J'

/**
 * define MEMSIM_IOC_GET_INFO - describe the module and this instance
 *
 * Takes a &struct memsim_info.  Errors: -EFAULT if the argument cannot be
 * read or written; -EINVAL if @flags is non-zero.  It is the one command
 * that takes no lock of the instance.
 */
#define MEMSIM_IOC_GET_INFO		_IOWR(MEMSIM_IOC_MAGIC, 0x00, struct memsim_info)

/**
 * define MEMSIM_IOC_SET_STRATEGY - switch the placement strategy
 *
 * Takes a &struct memsim_strategy_arg.  The four fit strategies can be
 * switched among at any time; entering or leaving the buddy system or
 * TLSF, or changing the buddy system's minimum block or TLSF's classes,
 * needs an instance with nothing allocated.
 * Errors: -EFAULT; -EINVAL for an unknown strategy, a minimum block that is
 * not a power of two or is given for another strategy than the buddy
 * system, a number of TLSF classes other than 0, 16 and 32 or one given
 * for another strategy than TLSF, or a non-zero flag or reserved field;
 * -EBUSY if blocks are allocated (deferred frees count);
 * -E2BIG if the new layout's blocks (laid before the old ones are freed)
 * would take the instance or the module over its memory budget; -ENOMEM.
 */
#define MEMSIM_IOC_SET_STRATEGY		_IOW(MEMSIM_IOC_MAGIC, 0x01, struct memsim_strategy_arg)

/**
 * define MEMSIM_IOC_CREATE_SEGMENT - add a segment of free space
 *
 * Takes a &struct memsim_segment_arg; returns its id in @segment_id.
 * Errors, checked in this order: -EFAULT; -EINVAL for a zero size, a range
 * that wraps, stream %MEMSIM_STREAM_ANY_ID, or a non-zero flag, pad or
 * reserved field; -E2BIG if the instance holds &memsim_info.max_segments
 * segments already; -EEXIST if the range overlaps a segment; -E2BIG if
 * its structures would take the instance or the module over
 * &memsim_info.max_instance_memory or &memsim_info.max_total_memory;
 * -ENOMEM.  The segment exists only once its id is written: an -EFAULT
 * leaves the instance unchanged.
 */
#define MEMSIM_IOC_CREATE_SEGMENT	_IOWR(MEMSIM_IOC_MAGIC, 0x02, struct memsim_segment_arg)

/**
 * define MEMSIM_IOC_RELEASE_SEGMENT - remove a segment that is entirely free
 *
 * Takes a &struct memsim_segment_arg; only @segment_id is used, the other
 * fields must be zero.  A stream exists while it has segments: releasing
 * its last segment removes it and its counters.  Errors: -EFAULT;
 * -EINVAL for a non-zero unused field; -ENOENT if there is no such
 * segment; -EBUSY if one of its blocks is allocated or has a deferred free
 * pending.
 */
#define MEMSIM_IOC_RELEASE_SEGMENT	_IOW(MEMSIM_IOC_MAGIC, 0x03, struct memsim_segment_arg)

/**
 * define MEMSIM_IOC_CHECK_OVERLAP - how a range relates to the segments
 *
 * Takes a &struct memsim_overlap_arg.  Errors: -EFAULT, also for an
 * unwritable @ids_ptr; -EINVAL for a zero size, a wrapping range, @ids_cap
 * over %MEMSIM_LIST_MAX, or a non-zero flag or reserved field; -ENOMEM for
 * the kernel's copy of the ids.
 */
#define MEMSIM_IOC_CHECK_OVERLAP	_IOWR(MEMSIM_IOC_MAGIC, 0x04, struct memsim_overlap_arg)

/**
 * define MEMSIM_IOC_FIND_SAFE_RANGE - lowest range outside every segment
 *
 * Takes a &struct memsim_safe_range_arg.  Errors: -EFAULT; -EINVAL for a
 * zero size, an alignment that is not a power of two, @min >= @max, or a
 * non-zero flag, pad or reserved field; -ENOSPC if no gap fits.
 */
#define MEMSIM_IOC_FIND_SAFE_RANGE	_IOWR(MEMSIM_IOC_MAGIC, 0x05, struct memsim_safe_range_arg)

/**
 * define MEMSIM_IOC_ALLOC - allocate a block
 *
 * Takes a &struct memsim_alloc_arg.  Errors, checked in this order:
 * -EFAULT; -EINVAL for a zero size, an alignment that is not a power of
 * two, an unknown flag, an empty range, range fields without
 * %MEMSIM_ALLOC_RANGE, a fixed address without %MEMSIM_ALLOC_FIXED, a
 * fixed address that is misaligned or whose block would end past 2^64 - 1
 * (for the buddy system: the block of the rounded size, which must also
 * be aligned to that size; a size over 2^63 rounds to 2^64, so it is
 * -EINVAL with %MEMSIM_ALLOC_FIXED and -ENOSPC without), or a non-zero pad
 * or reserved field; -EINVAL, -EFAULT or -ENAMETOOLONG for the label;
 * -E2BIG if the instance holds &memsim_info.max_blocks live blocks
 * already; -ENOSPC if nothing fits; -E2BIG if the blocks the allocation
 * would split off would take the instance or the module over its memory
 * budget; -ENOMEM.
 *
 * On success every out field is written.  On -ENOSPC too: @largest is the
 * largest size an unconstrained request for @stream could get now, the
 * other out fields are zero, and the failure is counted (pool, strategy,
 * and the stream named; a %MEMSIM_STREAM_ANY_ID request counts for no
 * stream).  On any other error the argument is left as it was.  The block
 * exists only once the result is written: an -EFAULT leaves the instance
 * unchanged, with nothing counted or traced.
 */
#define MEMSIM_IOC_ALLOC		_IOWR(MEMSIM_IOC_MAGIC, 0x06, struct memsim_alloc_arg)

/**
 * define MEMSIM_IOC_CAN_ALLOC - where an allocation would go, as a dry run
 *
 * Takes a &struct memsim_alloc_arg and fills it as %MEMSIM_IOC_ALLOC would,
 * plus @largest, changing nothing; -ENOSPC is not counted.  Errors: as for
 * %MEMSIM_IOC_ALLOC, without -E2BIG and -ENOMEM (limits are not applied);
 * on -ENOSPC @largest is still written and the other out fields are zero;
 * on any other error the argument is left as it was.
 */
#define MEMSIM_IOC_CAN_ALLOC		_IOWR(MEMSIM_IOC_MAGIC, 0x07, struct memsim_alloc_arg)

/**
 * define MEMSIM_IOC_FREE - free a block, now or in two phases
 *
 * Takes a &struct memsim_free_arg.  Errors: -EFAULT; -EINVAL for an unknown
 * flag, a size mismatch, or a non-zero pad or reserved field; -ENOENT if no
 * allocated block starts at @addr (never allocated, or already freed);
 * -EBUSY if its free was already requested.  An argument that cannot be
 * written back is refused with -EFAULT before anything changes; should
 * writing the result still fail after the free (another thread unmapped
 * it meanwhile), the call returns -EFAULT and the block stays freed: the
 * caller named it, only the report is lost.  The same holds for
 * %MEMSIM_IOC_COMPLETE_FREE and %MEMSIM_IOC_SYNC_STREAM.
 */
#define MEMSIM_IOC_FREE			_IOWR(MEMSIM_IOC_MAGIC, 0x08, struct memsim_free_arg)

/**
 * define MEMSIM_IOC_COMPLETE_FREE - complete a deferred free
 *
 * Takes a &struct memsim_free_arg.  Errors: -EFAULT; -EINVAL if the block's
 * free was not requested, or for a non-zero flag, size, pad or reserved
 * field; -ENOENT if no allocated block starts at @addr.
 */
#define MEMSIM_IOC_COMPLETE_FREE	_IOWR(MEMSIM_IOC_MAGIC, 0x09, struct memsim_free_arg)

/**
 * define MEMSIM_IOC_SYNC_STREAM - complete every deferred free of a stream
 *
 * Takes a &struct memsim_sync_arg.  Errors: -EFAULT; -EINVAL for a non-zero
 * flag or reserved field; -ENOENT for a stream that has no segment (never
 * had one, or its last one was released).
 */
#define MEMSIM_IOC_SYNC_STREAM		_IOWR(MEMSIM_IOC_MAGIC, 0x0a, struct memsim_sync_arg)

/**
 * define MEMSIM_IOC_GET_SUMMARY - the whole instance's counters
 *
 * Takes a &struct memsim_summary.  Errors: -EFAULT; -EINVAL for a non-zero
 * flag or reserved field; -ENOMEM for the kernel's copy of the structure
 * (too large for its stack).
 */
#define MEMSIM_IOC_GET_SUMMARY		_IOWR(MEMSIM_IOC_MAGIC, 0x0b, struct memsim_summary)

/**
 * define MEMSIM_IOC_GET_STATS - counters by strategy and by stream
 *
 * Takes a &struct memsim_stats_arg.  Errors: -EFAULT, also for an
 * unwritable @streams_ptr; -EINVAL for @streams_cap over %MEMSIM_LIST_MAX
 * or a non-zero flag or reserved field; -ENOMEM for the kernel's copy of
 * the streams.  Only streams that have segments are listed.
 */
#define MEMSIM_IOC_GET_STATS		_IOWR(MEMSIM_IOC_MAGIC, 0x0c, struct memsim_stats_arg)

/**
 * define MEMSIM_IOC_GET_STATS_V1 - %MEMSIM_IOC_GET_STATS of the first release
 *
 * The same command with the first release's &struct memsim_stats_arg_v1
 * (five strategies), whose size gave the command its number then; the
 * same errors.
 */
#define MEMSIM_IOC_GET_STATS_V1		_IOWR(MEMSIM_IOC_MAGIC, 0x0c, struct memsim_stats_arg_v1)

/**
 * define MEMSIM_IOC_GET_SEGMENTS - page through the segments
 *
 * Takes a &struct memsim_list_arg over &struct memsim_segment_info.
 * Errors: -EFAULT, also for an unwritable @buf_ptr; -EINVAL for @buf_cap 0
 * or over %MEMSIM_LIST_MAX, or a non-zero flag or reserved field; -ENOMEM
 * for the kernel's copy of the page.
 */
#define MEMSIM_IOC_GET_SEGMENTS		_IOWR(MEMSIM_IOC_MAGIC, 0x0d, struct memsim_list_arg)

/**
 * define MEMSIM_IOC_GET_BLOCKS - page through the blocks
 *
 * Takes a &struct memsim_list_arg over &struct memsim_block_info.  Errors:
 * as for %MEMSIM_IOC_GET_SEGMENTS.
 */
#define MEMSIM_IOC_GET_BLOCKS		_IOWR(MEMSIM_IOC_MAGIC, 0x0e, struct memsim_list_arg)

/**
 * define MEMSIM_IOC_BATCH - run many allocations and frees in one call
 *
 * Takes a &struct memsim_batch_arg.  Errors of the call itself: -EFAULT;
 * -EINVAL for a malformed operation, an unknown flag or a non-zero reserved
 * field; -E2BIG if @count is 0 or over &memsim_info.max_batch; -ENOMEM;
 * -EINTR if a fatal signal arrived.  Each operation's own errno is in its
 * @error field.  Operations that ran are not taken back: on -EINTR, and
 * on an -EFAULT from writing the results (the array is checked writable
 * before the first operation runs), the operations that ran stay; on
 * -EINTR @done, @failed and the results of the first @done operations
 * are written.  Before the first operation runs, an error changes nothing.
 */
#define MEMSIM_IOC_BATCH		_IOWR(MEMSIM_IOC_MAGIC, 0x0f, struct memsim_batch_arg)

/**
 * define MEMSIM_IOC_SIMULATE - run the design's random workload in the kernel
 *
 * Takes a &struct memsim_simulate_arg.  Errors: -EFAULT; -EINVAL for a zero
 * or over-large @nr_ops, a zero @min_size, @max_size < @min_size,
 * @free_ppm over 10^6, or a non-zero flag, pad or reserved field; -ENOMEM;
 * -EINTR if a fatal signal arrived.  Allocations that find no space or hit
 * a limit (-ENOSPC, -E2BIG) count as @failures and the run goes on.  The
 * operations that ran stay: if the run stops early (-EINTR, or -ENOMEM
 * from an allocation), the counters of what ran are written as on
 * success; counters that cannot be written give -EFAULT and the operations
 * stay too.  An error before the first operation changes nothing.
 */
#define MEMSIM_IOC_SIMULATE		_IOWR(MEMSIM_IOC_MAGIC, 0x10, struct memsim_simulate_arg)

/**
 * define MEMSIM_IOC_RESET - back to the initial state
 *
 * Takes a &struct memsim_reset_arg.  Errors: -EFAULT; -EINVAL for an
 * unknown flag or a non-zero pad or reserved field.  It cannot fail
 * otherwise.
 */
#define MEMSIM_IOC_RESET		_IOW(MEMSIM_IOC_MAGIC, 0x11, struct memsim_reset_arg)

/**
 * define MEMSIM_IOC_TRACE_CTL - start or stop the instance's trace
 *
 * Takes a &struct memsim_trace_ctl_arg.  Tracing is off when an instance
 * is created.  Errors: -EFAULT; -EINVAL for an unknown flag,
 * %MEMSIM_TRACE_STACK without %MEMSIM_TRACE_ON, a capacity of 0 or over
 * the maximum with %MEMSIM_TRACE_ON or non-zero without it, or a non-zero
 * reserved field; -EOPNOTSUPP for %MEMSIM_TRACE_STACK on a kernel without
 * stackdepot (%MEMSIM_FEATURE_TRACE_STACK unset); -E2BIG if the ring (144
 * bytes a record) would take the instance or the module over its memory
 * budget; -ENOMEM.  On error the trace is as it was.
 */
#define MEMSIM_IOC_TRACE_CTL		_IOW(MEMSIM_IOC_MAGIC, 0x12, struct memsim_trace_ctl_arg)

/**
 * define MEMSIM_IOC_TRACE_READ - copy trace records from a cursor on
 *
 * Takes a &struct memsim_trace_read_arg.  Errors: -EFAULT, also for an
 * unwritable @buf_ptr when there are records to copy; -EINVAL for @buf_cap
 * over %MEMSIM_LIST_MAX, a @cursor beyond @head, or a non-zero flag or
 * reserved field; -ENOMEM for the kernel's copy of the records.
 */
#define MEMSIM_IOC_TRACE_READ		_IOWR(MEMSIM_IOC_MAGIC, 0x13, struct memsim_trace_read_arg)

/**
 * define MEMSIM_IOC_GET_BLOCKS_LIFE - page through the blocks and their life
 *
 * Takes a &struct memsim_list_arg over &struct memsim_block_life: what
 * %MEMSIM_IOC_GET_BLOCKS gives, plus when each block was made, who
 * allocated it and with which label.  Errors: as for
 * %MEMSIM_IOC_GET_SEGMENTS.
 */
#define MEMSIM_IOC_GET_BLOCKS_LIFE	_IOWR(MEMSIM_IOC_MAGIC, 0x14, struct memsim_list_arg)

/**
 * define MEMSIM_IOC_EXPLAIN_ALLOC - why an allocation would fail, in figures
 *
 * Takes a &struct memsim_explain_arg.  Changes nothing; meant to be asked
 * right after an allocation failed with -ENOSPC, when the instance still
 * stands as it was.  Errors: -EFAULT; as for %MEMSIM_IOC_CAN_ALLOC,
 * -EINVAL for a malformed request and -EINVAL or -ENAMETOOLONG for a label
 * refused; -EINVAL for a non-zero &memsim_explain_arg.pad or
 * &memsim_explain_arg.reserved; -ENOMEM; never -ENOSPC.
 */
#define MEMSIM_IOC_EXPLAIN_ALLOC	_IOWR(MEMSIM_IOC_MAGIC, 0x15, struct memsim_explain_arg)

#endif /* _UAPI_LINUX_MEMSIM_H */
