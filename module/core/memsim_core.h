/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: the allocator core - pool, segments, blocks, strategies, statistics
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_CORE_H
#define _MEMSIM_CORE_H

#include "memsim_env.h"

/**
 * DOC: Allocator core
 *
 * A &struct memsim_pool models one device's address space.  It is made of
 * segments (&struct memsim_segment), non-overlapping ranges created by the
 * user, each belonging to one stream.  A segment is cut into blocks
 * (&struct memsim_block) that tile it exactly: they sit on the segment's
 * address-ordered list, and each is free, allocated, or allocated with its
 * free requested but not completed (a deferred free).
 *
 * The core does no locking: the caller serialises all calls on one pool.
 * Every failing call returns a negative errno and leaves the pool exactly as
 * it was; metadata is allocated before anything is changed.
 *
 * Indexes.  Free blocks are indexed per stream, so a request for one stream
 * never looks at another's blocks:
 *
 * - fit strategies: an rbtree by address whose nodes are augmented with the
 *   largest free size in their subtree (first fit and next fit descend only
 *   into subtrees that can fit: O(log n)), and an rbtree keyed by (size,
 *   address) for best fit and worst fit (O(log n));
 * - buddy system: one rbtree by address per order, and a bitmap of the
 *   orders that have free blocks;
 * - TLSF: a list per size class, a bitmap of the non-empty classes of each
 *   level and one of the non-empty levels (memsim_tlsf.c).
 *
 * Allocated blocks (including deferred frees) are in one pool-wide rbtree by
 * address, which free looks them up in: O(log n).
 *
 * Placement rules.  Each strategy picks a free block, then places the
 * allocation inside it; "fits" below means the block holds an allocation of
 * the request's size at an address that is a multiple of the alignment, and
 * lies within the request's range.  Bottom-up placement takes the lowest such
 * address of the block, top-down (%MEMSIM_REQ_TOPDOWN) the highest.
 *
 * - first fit: the lowest-addressed block that fits; top-down, the highest.
 * - next fit: first fit with the window's low end raised to the pool's
 *   cursor (a block straddling the cursor can be used from the cursor up);
 *   if nothing fits there, plain first fit over the whole window (the
 *   wrap).  Top-down mirrors this: the window's high end is lowered to the
 *   cursor, then the wrap is plain top-down first fit.  Every successful
 *   allocation, whatever the strategy, moves the cursor: to the end of the
 *   allocation, or for a top-down one to its start.  It starts at 0.  With
 *   %MEMSIM_STREAM_ANY, next fit wraps only when no stream has a block
 *   that fits on the cursor's side.
 * - best fit: the smallest block that fits; ties to the lowest address
 *   (top-down: the highest).
 * - worst fit: the largest block that fits; ties as for best fit.
 * - buddy: the request is rounded up to a power of two, at least the minimum
 *   block and at least the alignment.  The smallest order that has a free
 *   block holding a fitting sub-block is used; within it, the lowest (top-
 *   down: highest) such block.  It is halved down to the rounded size, the
 *   halves not taken becoming free blocks.
 * - tlsf: the head of the lowest non-empty size class at or above the class
 *   bound that n + align - 1 rounds up to, then (bounded) the classes
 *   below it down to the request's own; the exact rule is in memsim_tlsf.c
 *   and Documentation/allocator.rst.
 *
 * With %MEMSIM_STREAM_ANY the candidates of every stream compete by the
 * same rule.  A fixed-address request (%MEMSIM_REQ_FIXED) allocates exactly
 * at @addr or fails.
 *
 * Buddy roots.  In buddy mode a segment [start, end) is carved into maximal
 * naturally aligned power-of-two roots: from start upwards, each root is the
 * largest power of two that start is aligned to and that fits before end.
 * A segment whose start is aligned this gives the same roots as drm_buddy's
 * hweight64(size) carving; an unaligned start costs a few more, smaller
 * roots, but every buddy block is then aligned to its size in absolute
 * terms, so alignment requests hold and the buddy of a block is at
 * address ^ size both relative to its root and absolutely.  Roots smaller
 * than the minimum block stay free but can never be allocated.
 */

/**
 * enum memsim_strategy - placement strategies
 * @MEMSIM_FIRST_FIT: lowest address that fits.
 * @MEMSIM_BEST_FIT: smallest block that fits.
 * @MEMSIM_WORST_FIT: largest block that fits.
 * @MEMSIM_NEXT_FIT: first fit from a roving cursor.
 * @MEMSIM_BUDDY: binary buddy system.
 * @MEMSIM_TLSF: two-level segregated fit.
 * @MEMSIM_NR_STRATEGIES: number of strategies.
 */
enum memsim_strategy {
	MEMSIM_FIRST_FIT,
	MEMSIM_BEST_FIT,
	MEMSIM_WORST_FIT,
	MEMSIM_NEXT_FIT,
	MEMSIM_BUDDY,
	MEMSIM_TLSF,
	MEMSIM_NR_STRATEGIES
};

/**
 * enum memsim_block_state - where a block is in its life
 * @MEMSIM_BLOCK_FREE: free, in its stream's free indexes.
 * @MEMSIM_BLOCK_ALLOCATED: handed out by an allocation.
 * @MEMSIM_BLOCK_FREE_REQUESTED: its free was requested (deferred free) but
 *	not completed; still counted as allocated, never coalesced or reused.
 *
 * A completed free returns the block to %MEMSIM_BLOCK_FREE and coalesces it.
 */
enum memsim_block_state {
	MEMSIM_BLOCK_FREE,
	MEMSIM_BLOCK_ALLOCATED,
	MEMSIM_BLOCK_FREE_REQUESTED,
};

/* A request for this stream takes blocks of every stream. */
#define MEMSIM_STREAM_ANY		U32_MAX

#define MEMSIM_REQ_TOPDOWN		BIT(0)
#define MEMSIM_REQ_RANGE		BIT(1)
#define MEMSIM_REQ_FIXED		BIT(2)
#define MEMSIM_REQ_ALL			(MEMSIM_REQ_TOPDOWN | MEMSIM_REQ_RANGE | MEMSIM_REQ_FIXED)

#define MEMSIM_FREE_DEFERRED		BIT(0)
#define MEMSIM_FREE_ALL			MEMSIM_FREE_DEFERRED

/* &memsim_event.flags of a reset that kept the segments. */
#define MEMSIM_RESET_KEEP		BIT(0)

/* Bytes of a block's label, NUL included (the uapi's MEMSIM_LABEL_MAX). */
#define MEMSIM_LABEL_LEN		32

/*
 * Block structures a pool keeps for reuse (&memsim_pool.spare): an
 * allocation splits off at most two and a free merges away at most two, so
 * a few cover the steady state; the bound keeps what a pool holds outside
 * its budget small (under 6 KiB).
 */
#define MEMSIM_SPARE_BLOCKS		32

/* Ratios are reported in parts per million, rounded down. */
#define MEMSIM_PPM			1000000U

#define MEMSIM_BUDDY_DEFAULT_MIN	64
#define MEMSIM_MAX_ORDER		63
#define MEMSIM_HIST_BUCKETS		64

/**
 * struct memsim_usage - byte and block counters of a pool, stream or segment
 * @total: bytes managed (sum of segment sizes).
 * @allocated: bytes in allocated blocks, deferred frees included.
 * @requested: bytes the allocations asked for (@allocated minus internal
 *	waste from buddy rounding).
 * @free: bytes in free blocks.
 * @peak_allocated: highest @allocated seen since creation or reset.
 * @peak_requested: highest @requested seen since creation or reset.
 * @peak_live_blocks: highest @live_blocks seen since creation or reset.
 * @alloc_bytes: bytes handed out by all successful allocations (history;
 *	stops at U64_MAX rather than wrap).
 * @requested_bytes: bytes those allocations asked for (history; stops at
 *	U64_MAX).
 * @live_blocks: allocated blocks, deferred frees included.
 * @free_blocks: free blocks.
 * @deferred_blocks: blocks whose free is requested but not completed.
 * @deferred_bytes: bytes in those blocks.
 * @allocs: successful allocations.
 * @frees: completed frees.
 * @failures: allocations that found no space: a pool counts all of them, a
 *	stream those that named it (a request for %MEMSIM_STREAM_ANY counts
 *	for the pool only); not counted per segment.
 * @free_hist: free blocks by size class: bucket i counts sizes in
 *	[2^i, 2^(i+1)).  In buddy mode bucket i is the free count of order i,
 *	as in /proc/buddyinfo.
 */
struct memsim_usage {
	u64 total;
	u64 allocated;
	u64 requested;
	u64 free;
	u64 peak_allocated;
	u64 peak_requested;
	u64 peak_live_blocks;
	u64 alloc_bytes;
	u64 requested_bytes;
	u64 live_blocks;
	u64 free_blocks;
	u64 deferred_blocks;
	u64 deferred_bytes;
	u64 allocs;
	u64 frees;
	u64 failures;
	u64 free_hist[MEMSIM_HIST_BUCKETS];
};

/**
 * struct memsim_strategy_stats - what one strategy did (the spec's
 *	get_statistics)
 * @allocs: successful allocations made while the strategy was active.
 * @failures: failed allocations.
 * @frees: completed frees.
 * @steps: index nodes visited by its searches.
 * @alloc_ns: cumulative time spent allocating, successful or not.
 * @free_ns: cumulative time spent freeing.
 */
struct memsim_strategy_stats {
	u64 allocs;
	u64 failures;
	u64 frees;
	u64 steps;
	u64 alloc_ns;
	u64 free_ns;
};

struct memsim_stream;
struct memsim_segment;
struct memsim_pool;
struct memsim_strategy_ops;

/**
 * enum memsim_event_type - what happened to a pool
 * @MEMSIM_EV_SEGMENT_CREATE: a segment was created.
 * @MEMSIM_EV_SEGMENT_RELEASE: a segment was released.
 * @MEMSIM_EV_ALLOC: a block was allocated.
 * @MEMSIM_EV_ALLOC_FAIL: an allocation found no space.
 * @MEMSIM_EV_FREE_REQUEST: a deferred free was requested.
 * @MEMSIM_EV_FREE_COMPLETE: a block was freed (immediately, or its
 *	deferred free completed).
 * @MEMSIM_EV_SPLIT: a free block was split off another.
 * @MEMSIM_EV_COALESCE: free blocks merged (buddy: with the buddy).
 * @MEMSIM_EV_STRATEGY: the strategy changed.
 * @MEMSIM_EV_RESET: the pool was reset.
 * @MEMSIM_NR_EVENTS: number of event types.
 */
enum memsim_event_type {
	MEMSIM_EV_SEGMENT_CREATE,
	MEMSIM_EV_SEGMENT_RELEASE,
	MEMSIM_EV_ALLOC,
	MEMSIM_EV_ALLOC_FAIL,
	MEMSIM_EV_FREE_REQUEST,
	MEMSIM_EV_FREE_COMPLETE,
	MEMSIM_EV_SPLIT,
	MEMSIM_EV_COALESCE,
	MEMSIM_EV_STRATEGY,
	MEMSIM_EV_RESET,
	MEMSIM_NR_EVENTS
};

/**
 * struct memsim_event - one event, as passed to &memsim_pool.event
 * @type: an &enum memsim_event_type.
 * @strategy: the strategy active when it happened (for
 *	%MEMSIM_EV_STRATEGY: the new one).
 * @stream: stream concerned (ALLOC_FAIL: the requested one, possibly
 *	%MEMSIM_STREAM_ANY).
 * @addr: address of the block, segment or merged block; ALLOC_FAIL: the
 *	fixed address asked for with %MEMSIM_REQ_FIXED, else 0.
 * @size: its size (ALLOC: actual size).
 * @requested: ALLOC and ALLOC_FAIL: the size asked for.
 * @align: ALLOC and ALLOC_FAIL: the alignment asked for.
 * @segment_id: segment concerned, 0 when none.
 * @tag: ALLOC, FREE_*: the block's tag.
 * @req_stream: ALLOC and ALLOC_FAIL: the stream the request named,
 *	possibly %MEMSIM_STREAM_ANY.
 * @flags: ALLOC and ALLOC_FAIL: the request's MEMSIM_REQ_* flags;
 *	FREE_REQUEST and FREE_COMPLETE: %MEMSIM_FREE_DEFERRED when the free
 *	is (was) deferred; RESET: %MEMSIM_RESET_KEEP when segments were kept.
 */
struct memsim_event {
	enum memsim_event_type type;
	u32 strategy;
	u32 stream;
	u32 req_stream;
	u32 flags;
	u64 addr;
	u64 size;
	u64 requested;
	u64 align;
	u64 segment_id;
	u64 tag;
};

/*
 * Observer of a pool's events, called synchronously under the caller's
 * serialisation; it must not call back into the pool.
 */
typedef void (*memsim_event_fn)(struct memsim_pool *pool,
				const struct memsim_event *ev);

/**
 * struct memsim_life - what a block adds when its pool tracks lives
 * @create_ns: time the block's structure was made (by a segment's creation
 *	or a split); a block that absorbs its neighbours keeps its own.
 * @alloc_ns: allocated block: time of the allocation.
 * @free_ns: allocated block: time of the free request, 0 while none.
 * @owner: allocated block: the request's @owner (the module: a tgid).
 * @label: allocated block: the request's label, NUL-terminated; empty when
 *	none.
 *
 * None of it steers the allocator: it is there for the people reading the
 * pool.  A pool made with &memsim_pool.track_life clear has none, reads no
 * clock, and its blocks are 64 bytes smaller (see memsim_life_of()).
 */
struct memsim_life {
	u64 create_ns;
	u64 alloc_ns;
	u64 free_ns;
	u32 owner;
	char label[MEMSIM_LABEL_LEN];
};

/**
 * struct memsim_block - a contiguous piece of a segment
 * @link: entry in the segment's address-ordered block list.
 * @rb_addr: free block: node in its stream's address index (fit: the
 *	augmented tree; buddy: the tree of its order); allocated block: node
 *	in the pool's tree of allocated blocks.
 * @segment: segment the block belongs to.
 * @addr: first address.
 * @size: size in bytes.
 * @rb_size: free block in fit mode: node in its stream's (size, address)
 *	tree.
 * @free_link: free block of a family that keeps free lists (TLSF): entry
 *	in its class's list.
 * @subtree_max: free block in fit mode: the largest free size in
 *	@rb_addr's subtree.
 * @requested: allocated block: the size asked for.
 * @tag: allocated block: the caller's tag.
 * @deferred: allocated block with a deferred free pending: entry in the
 *	stream's list of deferred frees.
 * @state: an &enum memsim_block_state.
 * @order: buddy mode: log2 of @size.
 * @root_order: buddy mode: order of the root the block was cut from;
 *	merging stops there.
 * @tracked: the structure is followed by a &struct memsim_life.
 * @align_gap: free block in fit mode, while its stream keeps alignment
 *	aggregates (&memsim_stream.align_class k > 0): @subtree_max minus
 *	the largest size usable at alignment 2^k (from the first aligned
 *	address to the end) of a block in @rb_addr's subtree; below 2^k.
 * @align_lead: likewise for @rb_size's subtree: @size minus the largest
 *	usable size at alignment 2^k in it, negative when a larger block
 *	below it holds more (memsim_fit.c).  These two fill what was the
 *	structure's tail padding.
 *
 * A block is free or allocated, never both, so what only a free block
 * needs (its places in the free index) and what only an allocated one
 * needs (the request) share their bytes: 104 bytes on 64-bit, 168 with the
 * life that follows a tracked block (drm_mm_node: 168).  Whoever changes
 * @state must leave the fields of the old state behind: the free index
 * takes a block out before it is marked allocated (memsim_free_remove())
 * and puts it in only after its request is counted off
 * (memsim_free_settle()).
 */
struct memsim_block {
	struct list_head link;
	struct rb_node rb_addr;
	struct memsim_segment *segment;
	u64 addr;
	u64 size;
	union {
		struct {
			union {
				struct rb_node rb_size;
				struct hlist_node free_link;
			};
			u64 subtree_max;
		};
		struct {
			u64 requested;
			u64 tag;
			struct list_head deferred;
		};
	};
	u8 state;
	u8 order;
	u8 root_order;
	bool tracked;
	u16 align_gap;
	s16 align_lead;
};

/**
 * memsim_life_of() - the life of a block, if its pool tracks lives
 * @b: the block.
 *
 * Return: the &struct memsim_life after @b, or NULL for a pool made
 * with &memsim_pool.track_life clear.
 */
static inline struct memsim_life *memsim_life_of(const struct memsim_block *b)
{
	return b->tracked ? (struct memsim_life *)(b + 1) : NULL;
}

/**
 * struct memsim_segment - a contiguous range of the device's address space
 * @rb_start: node in the pool's segment tree by start address.
 * @rb_id: node in the pool's segment tree by id.
 * @blocks: the blocks tiling the segment, in address order.
 * @stream: the stream the segment's blocks belong to.
 * @id: identifier, increasing from 1, never reused within a pool.
 * @start: first address.
 * @size: size in bytes; start + size does not wrap.
 * @device: device number given at creation (informational).
 * @nr_blocks: number of blocks on @blocks.
 * @create_ns: creation time.
 * @usage: counters of this segment's blocks.
 */
struct memsim_segment {
	struct rb_node rb_start;
	struct rb_node rb_id;
	struct list_head blocks;
	struct memsim_stream *stream;
	u64 id;
	u64 start;
	u64 size;
	u32 device;
	u64 nr_blocks;
	u64 create_ns;
	struct memsim_usage usage;
};

/**
 * struct memsim_stream - the free indexes and counters of one stream
 * @rb: node in the pool's stream tree.
 * @id: stream number.
 * @nr_segments: segments of this stream.
 * @addr_tree: fit mode: free blocks by address, augmented with the largest
 *	free size per subtree.
 * @size_tree: fit mode: free blocks by (size, address).
 * @order_tree: buddy mode: free blocks of each order, by address.
 * @order_mask: buddy mode: bit i set when @order_tree[i] is not empty.
 * @align_class: fit mode: log2 of the alignment the trees' alignment
 *	aggregates (&memsim_block.align_gap, &memsim_block.align_lead) are
 *	kept for; 0 while none are kept.
 * @align_waste: fit mode: candidates rejected on alignment, since the
 *	aggregates were last rebuilt, by searches they did not serve exactly.
 * @index: the free index of a family that keeps it out of line
 *	(&memsim_index_ops.index_size bytes), NULL otherwise.
 * @deferred: blocks of this stream with a deferred free pending.
 * @usage: counters of this stream's blocks.
 */
struct memsim_stream {
	struct rb_node rb;
	u32 id;
	u64 nr_segments;
	struct rb_root addr_tree;
	struct rb_root_cached size_tree;
	struct rb_root order_tree[MEMSIM_MAX_ORDER + 1];
	u64 order_mask;
	u8 align_class;
	u64 align_waste;
	void *index;
	struct list_head deferred;
	struct memsim_usage usage;
};

/**
 * struct memsim_budget - how much metadata memory pools may hold
 * @instance_limit: bytes one pool may hold; 0 for no limit.
 * @total_limit: bytes all pools sharing the budget may hold together; 0
 *	for no limit.
 * @total_used: bytes they hold now.
 *
 * Every structure a pool allocates (blocks, free or allocated; segments;
 * streams) is charged at its size before it is allocated, and so is what
 * the pool's owner charges through memsim_pool_charge() (the module: the
 * trace ring).  The limits may change at any time; a change applies to
 * later charges and never takes anything away.
 */
struct memsim_budget {
	u64 instance_limit;
	u64 total_limit;
	struct memsim_env_counter total_used;
};

/**
 * struct memsim_pool - one simulated device
 * @segments: segments by start address.
 * @segments_by_id: segments by id.
 * @streams: streams by number, created with their first segment.
 * @allocated: allocated blocks (deferred frees included) by address.
 * @nr_segments: number of segments.
 * @nr_streams: number of streams.
 * @last_segment_id: id of the most recently created segment.
 * @strategy: the active &enum memsim_strategy.
 * @ops: its operations (memsim_strategies[@strategy]).
 * @buddy_min_order: buddy mode: log2 of the minimum block size.
 * @strategy_setting: the setting of each strategy that keeps one here
 *	(TLSF: its second-level classes); the buddy system keeps its own in
 *	@buddy_min_order.
 * @cursor: next fit's roving cursor.
 * @usage: counters of the whole pool.
 * @strategy_stats: per-strategy counters.
 * @event: optional observer of everything that happens to the pool (the
 *	module turns events into tracepoints and trace records); NULL for none.
 * @event_priv: for @event's owner.
 * @budget: the memory budget the pool charges its structures to; NULL for
 *	none (unlimited).
 * @mem_used: bytes of metadata charged by this pool.
 * @nr_block_structs: block structures the pool holds, free and allocated,
 *	reserved ones included.
 * @max_live_blocks: the most allocated blocks (deferred frees included);
 *	0 for no limit.  An allocation beyond it fails with -E2BIG.
 * @fail_alloc_in: fault injection for tests: when non-zero, counts metadata
 *	allocations down and fails the one that brings it to zero.
 * @track_life: the pool's blocks carry a &struct memsim_life, stamped
 *	with ktime_get_ns(), and its strategies' time is counted
 *	(&memsim_strategy_stats.alloc_ns, .free_ns).  Set by
 *	memsim_pool_init(); change it only with memsim_pool_set_life().
 *	Clear, the pool reads no clock at all.
 * @spare: block structures kept for reuse, uncharged, so that a split
 *	after a merge does not go back to the allocator.
 * @nr_spare: blocks on @spare, at most %MEMSIM_SPARE_BLOCKS.
 */
struct memsim_pool {
	struct rb_root segments;
	struct rb_root segments_by_id;
	struct rb_root streams;
	struct rb_root allocated;
	u64 nr_segments;
	u32 nr_streams;
	u64 last_segment_id;
	enum memsim_strategy strategy;
	const struct memsim_strategy_ops *ops;
	u32 buddy_min_order;
	u32 strategy_setting[MEMSIM_NR_STRATEGIES];
	u64 cursor;
	struct memsim_usage usage;
	struct memsim_strategy_stats strategy_stats[MEMSIM_NR_STRATEGIES];
	memsim_event_fn event;
	void *event_priv;
	struct memsim_budget *budget;
	u64 mem_used;
	u64 nr_block_structs;
	u64 max_live_blocks;
	u32 fail_alloc_in;
	bool track_life;
	struct list_head spare;
	u32 nr_spare;
};

/**
 * struct memsim_request - an allocation request
 * @size: bytes wanted; not zero.
 * @align: required alignment of the address: 0 or a power of two.
 * @range_lo: with %MEMSIM_REQ_RANGE: lowest address the block may use.
 * @range_hi: with %MEMSIM_REQ_RANGE: the block must end at or below it.
 * @addr: with %MEMSIM_REQ_FIXED: the exact address.
 * @stream: stream to allocate from, or %MEMSIM_STREAM_ANY.
 * @flags: MEMSIM_REQ_* flags.
 * @tag: caller's cookie, stored in the block.
 * @owner: who asks, stored in the block (opaque to the core).
 * @label: the caller's name for the call site, copied into the block
 *	(truncated to %MEMSIM_LABEL_LEN - 1 bytes); NULL for none.
 */
struct memsim_request {
	u64 size;
	u64 align;
	u64 range_lo;
	u64 range_hi;
	u64 addr;
	u32 stream;
	u32 flags;
	u64 tag;
	u32 owner;
	const char *label;
};

/**
 * struct memsim_result - what an allocation gave
 * @addr: address of the block.
 * @size: actual size (buddy: the rounded size).
 * @waste: @size minus the requested size.
 * @segment_id: segment holding the block.
 * @stream: stream of that segment.
 * @steps: index nodes visited by the search.
 * @splits: blocks split off: alignment padding and tail for fit
 *	strategies, halvings for the buddy system.
 */
struct memsim_result {
	u64 addr;
	u64 size;
	u64 waste;
	u64 segment_id;
	u32 stream;
	u32 steps;
	u32 splits;
};

/**
 * struct memsim_free_result - what a free did
 * @freed_size: size of the block whose free was requested or completed.
 * @coalesced: whether it merged with neighbours (buddy: with its buddy).
 * @coalesced_addr: address of the resulting free block.
 * @coalesced_size: size of the resulting free block.
 * @deferred: the free was only requested; the block is still allocated.
 */
struct memsim_free_result {
	u64 freed_size;
	bool coalesced;
	u64 coalesced_addr;
	u64 coalesced_size;
	bool deferred;
};

/*
 * A search's outcome: the free block to take and where in it the
 * allocation goes.  @size is the allocation's actual size (buddy: rounded);
 * @order is the order of @block for the buddy system.
 */
struct memsim_candidate {
	struct memsim_block *block;
	u64 place;
	u64 size;
	u32 order;
};

/*
 * A validated request: the window [lo, hi) every byte of the allocation must
 * lie in (the whole address space without MEMSIM_REQ_RANGE/FIXED), the
 * alignment as a power of two (1 when none), and the flags that matter to
 * placement.
 */
struct memsim_query {
	u64 size;
	u64 align;
	u64 lo;
	u64 hi;
	bool topdown;
	bool fixed;
	u32 steps;
};

/*
 * Preallocated blocks, so that a change can be made without failing.  The
 * blocks are charged to @pool's budget while they wait here; @now is the
 * time they were made (0 for a pool that does not track lives).
 */
struct memsim_block_reserve {
	struct memsim_pool *pool;
	struct list_head list;
	unsigned int count;
	u64 now;
};

/**
 * struct memsim_alloc_plan - an allocation decided but not yet made
 * @req: the request.
 * @q: the validated request.
 * @c: the free block chosen and the place in it.
 * @r: the block structures the change needs, already allocated.
 * @res: what the allocation will give, as memsim_alloc() reports it.
 * @t0: when the call started, for the strategy's time statistics.
 *
 * memsim_alloc_prepare() fills it without changing the pool;
 * memsim_alloc_commit() makes the allocation and cannot fail;
 * memsim_alloc_abort() drops it.  Between the two the caller may do what
 * must succeed before the allocation exists (the module: write the result
 * to userspace), as long as the pool is not touched.
 */
struct memsim_alloc_plan {
	const struct memsim_request *req;
	struct memsim_query q;
	struct memsim_candidate c;
	struct memsim_block_reserve r;
	struct memsim_result res;
	u64 t0;
};

/**
 * struct memsim_segment_plan - a segment creation decided but not yet made
 * @start: first address.
 * @size: size in bytes.
 * @device: device number.
 * @id: the id the segment will get.
 * @stream: the segment's stream, existing or @new_stream.
 * @new_stream: the stream structure to add, NULL if it exists.
 * @seg: the segment structure.
 * @r: the free blocks the segment will be laid with.
 *
 * As for &struct memsim_alloc_plan: prepare, then commit or abort.
 */
struct memsim_segment_plan {
	u64 start;
	u64 size;
	u32 device;
	u64 id;
	struct memsim_stream *stream;
	struct memsim_stream *new_stream;
	struct memsim_segment *seg;
	struct memsim_block_reserve r;
};

/**
 * enum memsim_refusal - why a candidate block cannot take a request
 * @MEMSIM_REFUSAL_FITS: nothing refuses it: it can take the request.
 * @MEMSIM_REFUSAL_SMALL: it is smaller than the request (the buddy
 *	system: than the request rounded up to its block).
 * @MEMSIM_REFUSAL_ALIGN: large enough, but the alignment padding leaves
 *	less than the request inside it.
 * @MEMSIM_REFUSAL_RANGE: the part of it inside the request's range, or at
 *	its fixed address, is too small.
 * @MEMSIM_REFUSAL_STREAM: it belongs to a stream the request may not use.
 * @MEMSIM_REFUSAL_DEFERRED: it is allocated, its free requested and not
 *	completed.
 *
 * The first of these that applies is the reason; the values are the uapi's
 * MEMSIM_REFUSED_* numbers.
 */
enum memsim_refusal {
	MEMSIM_REFUSAL_FITS,
	MEMSIM_REFUSAL_SMALL,
	MEMSIM_REFUSAL_ALIGN,
	MEMSIM_REFUSAL_RANGE,
	MEMSIM_REFUSAL_STREAM,
	MEMSIM_REFUSAL_DEFERRED,
};

/* Candidates memsim_explain() reports. */
#define MEMSIM_EXPLAIN_BLOCKS		8

/**
 * struct memsim_refused_block - one candidate of an explanation
 * @addr: the block's address.
 * @size: its size.
 * @segment_id: the segment holding it.
 * @usable: bytes from the first address inside it and the request's window
 *	that is aligned as the request needs, to the end of that overlap.
 * @stream: its stream.
 * @reason: an &enum memsim_refusal.
 */
struct memsim_refused_block {
	u64 addr;
	u64 size;
	u64 segment_id;
	u64 usable;
	u32 stream;
	u32 reason;
};

/**
 * struct memsim_explanation - figures behind an allocation's outcome
 * @free_bytes: free bytes in the streams the request may use.
 * @largest_free: the largest free block among them.
 * @largest_alloc: memsim_largest_alloc() of the request's stream.
 * @deferred_bytes: bytes in those streams whose free is pending.
 * @other_free_bytes: free bytes in the other streams.
 * @free_blocks: free blocks in the streams the request may use.
 * @frag_ppm: memsim_frag_ppm() of @free_bytes and @largest_free.
 * @would_fit: memsim_can_alloc() would succeed.
 * @nr_blocks: entries of @blocks.
 * @blocks: the candidates, largest first (see memsim_explain()).
 */
struct memsim_explanation {
	u64 free_bytes;
	u64 largest_free;
	u64 largest_alloc;
	u64 deferred_bytes;
	u64 other_free_bytes;
	u64 free_blocks;
	u32 frag_ppm;
	bool would_fit;
	u32 nr_blocks;
	struct memsim_refused_block blocks[MEMSIM_EXPLAIN_BLOCKS];
};

/**
 * enum memsim_overlap - how a range relates to existing segments
 * @MEMSIM_OVERLAP_NONE: it touches no segment.
 * @MEMSIM_OVERLAP_CONTAINED: it lies within one segment.
 * @MEMSIM_OVERLAP_PARTIAL: it overlaps one or more segments otherwise.
 */
enum memsim_overlap {
	MEMSIM_OVERLAP_NONE,
	MEMSIM_OVERLAP_CONTAINED,
	MEMSIM_OVERLAP_PARTIAL,
};

int memsim_core_init(void);
void memsim_core_exit(void);

void memsim_pool_init(struct memsim_pool *pool);
void memsim_pool_fini(struct memsim_pool *pool);
int memsim_pool_set_life(struct memsim_pool *pool, bool on);
void memsim_pool_reset(struct memsim_pool *pool, bool keep_segments);

int memsim_segment_args_valid(u64 start, u64 size, u32 stream);
int memsim_segment_create(struct memsim_pool *pool, u64 start, u64 size,
			  u32 device, u32 stream, struct memsim_segment **out);
int memsim_segment_prepare(struct memsim_pool *pool, u64 start, u64 size,
			   u32 device, u32 stream, struct memsim_segment_plan *plan);
struct memsim_segment *memsim_segment_commit(struct memsim_pool *pool,
					     struct memsim_segment_plan *plan);
void memsim_segment_abort(struct memsim_pool *pool, struct memsim_segment_plan *plan);
int memsim_segment_release(struct memsim_pool *pool, u64 id);
struct memsim_segment *memsim_segment_find(struct memsim_pool *pool, u64 id);
enum memsim_overlap memsim_check_overlap(struct memsim_pool *pool, u64 start,
					 u64 size, u64 *ids, u32 max_ids,
					 u32 *nr_ids);
int memsim_find_safe_range(struct memsim_pool *pool, u64 size, u64 align,
			   u64 min, u64 max, u64 *addr);

const char *memsim_strategy_name(enum memsim_strategy strategy);
int memsim_set_strategy(struct memsim_pool *pool, enum memsim_strategy strategy,
			u64 buddy_min_block);
int memsim_alloc(struct memsim_pool *pool, const struct memsim_request *req,
		 struct memsim_result *res);
int memsim_alloc_prepare(struct memsim_pool *pool, const struct memsim_request *req,
			 struct memsim_alloc_plan *plan);
void memsim_alloc_commit(struct memsim_pool *pool, struct memsim_alloc_plan *plan);
void memsim_alloc_abort(struct memsim_pool *pool, struct memsim_alloc_plan *plan);
void memsim_alloc_count_failure(struct memsim_pool *pool, struct memsim_alloc_plan *plan);
int memsim_can_alloc(struct memsim_pool *pool, const struct memsim_request *req,
		     struct memsim_result *res);
int memsim_free(struct memsim_pool *pool, u64 addr, u64 expected_size,
		u32 flags, struct memsim_free_result *res);
int memsim_complete_free(struct memsim_pool *pool, u64 addr,
			 struct memsim_free_result *res);
int memsim_sync_stream(struct memsim_pool *pool, u32 stream, u64 *completed);
struct memsim_block *memsim_block_lookup(struct memsim_pool *pool, u64 addr);
struct memsim_block *memsim_block_first_from(struct memsim_pool *pool, u64 addr);
struct memsim_block *memsim_block_after(struct memsim_pool *pool, struct memsim_block *b);
struct memsim_segment *memsim_segment_first_from(struct memsim_pool *pool, u64 addr);
struct memsim_segment *memsim_segment_after(struct memsim_pool *pool,
					    struct memsim_segment *seg);

struct memsim_stream *memsim_stream_find(struct memsim_pool *pool, u32 id);
u64 memsim_largest_free(struct memsim_pool *pool, u32 stream);
u64 memsim_largest_alloc(struct memsim_pool *pool, u32 stream);
u64 memsim_segment_largest_free(struct memsim_pool *pool,
				const struct memsim_segment *seg);
u32 memsim_ratio_ppm(u64 part, u64 whole);
u32 memsim_frag_ppm(u64 free, u64 largest);
u32 memsim_split_ratio_ppm(u64 nr_blocks);

int memsim_pool_charge(struct memsim_pool *pool, u64 bytes);
void memsim_pool_uncharge(struct memsim_pool *pool, u64 bytes);
u64 memsim_block_struct_size(const struct memsim_pool *pool);
const struct memsim_life *memsim_life_read(const struct memsim_block *b);

int memsim_pool_check(struct memsim_pool *pool, char *msg, size_t len);
int memsim_explain(struct memsim_pool *pool, const struct memsim_request *req,
		   struct memsim_explanation *ex);
const char *memsim_refusal_name(enum memsim_refusal reason);

#endif /* _MEMSIM_CORE_H */
