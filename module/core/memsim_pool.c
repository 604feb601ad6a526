// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the pool - segments, streams and the life of a block
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Pool
 *
 * The pool owns the segments and the streams and the tree of allocated
 * blocks; the active strategy (&memsim_pool.ops, see DOC: Strategy
 * interface) owns the free indexes and the choice of block, and the pool
 * never asks which strategy it has.  Every entry point here follows the
 * same shape:
 *
 * 1. validate the arguments, failing with -EINVAL before anything changes;
 * 2. search, which only reads;
 * 3. reserve every block structure the change will need, failing with
 *    -ENOMEM before anything changes;
 * 4. make the change, which cannot fail.
 *
 * So a failed call leaves the pool as it was, with one documented exception:
 * an allocation that finds no space counts as a failure in the statistics.
 *
 * Below the pool and the strategies: block structures and the budget
 * (memsim_block.c), counters and events (memsim_usage.c), requests and the
 * placement arithmetic (memsim_query.c).
 */

#include "memsim_core_priv.h"

#include <kunit/visibility.h>

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

/*
 * Add the time since @t0 to a strategy's counter: only for pools that
 * track lives, which read the clock at the start of every operation.
 */
static void memsim_count_time(const struct memsim_pool *pool, u64 *counter, u64 t0)
{
	if (pool->track_life)
		*counter += memsim_env_now_ns() - t0;
}

static void memsim_emit_alloc(struct memsim_pool *pool, const struct memsim_block *b,
			      const struct memsim_request *req)
{
	struct memsim_event ev;

	if (!pool->event)
		return;
	ev = (struct memsim_event) {
		.type = MEMSIM_EV_ALLOC,
		.stream = b->segment->stream->id,
		.req_stream = req->stream,
		.flags = req->flags,
		.addr = b->addr,
		.size = b->size,
		.requested = b->requested,
		.align = req->align,
		.segment_id = b->segment->id,
		.tag = b->tag,
	};
	memsim_emit(pool, &ev);
}

static void memsim_emit_segment(struct memsim_pool *pool, enum memsim_event_type type,
				const struct memsim_segment *seg)
{
	struct memsim_event ev = {
		.type = type,
		.stream = seg->stream->id,
		.addr = seg->start,
		.size = seg->size,
		.segment_id = seg->id,
	};

	memsim_emit(pool, &ev);
}

static bool memsim_block_addr_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memsim_block, rb_addr)->addr <
	       rb_entry(b, struct memsim_block, rb_addr)->addr;
}

static bool memsim_stream_id_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memsim_stream, rb)->id <
	       rb_entry(b, struct memsim_stream, rb)->id;
}

static bool memsim_segment_start_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memsim_segment, rb_start)->start <
	       rb_entry(b, struct memsim_segment, rb_start)->start;
}

static bool memsim_segment_id_less(struct rb_node *a, const struct rb_node *b)
{
	return rb_entry(a, struct memsim_segment, rb_id)->id <
	       rb_entry(b, struct memsim_segment, rb_id)->id;
}

/* The tree of allocated blocks, by address: free() looks blocks up here. */
static void memsim_allocated_insert(struct memsim_pool *pool,
				    struct memsim_block *b)
{
	rb_add(&b->rb_addr, &pool->allocated, memsim_block_addr_less);
}

/**
 * memsim_block_lookup() - find the allocated block at an address
 * @pool: the pool.
 * @addr: exact start address of the block.
 *
 * Return: the block (allocated or with a deferred free pending), or NULL.
 */
struct memsim_block *memsim_block_lookup(struct memsim_pool *pool, u64 addr)
{
	struct rb_node *node = pool->allocated.rb_node;

	/*
	 * Every free walks this tree: the descent is spelt out, with the key
	 * compared in place, rather than rb_find() calling a comparison of
	 * another file at every level.
	 */
	while (node) {
		struct memsim_block *b = rb_entry(node, struct memsim_block, rb_addr);

		if (addr < b->addr)
			node = node->rb_left;
		else if (addr > b->addr)
			node = node->rb_right;
		else
			return b;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_block_lookup);

/* Streams, created with their first segment and kept until the pool goes. */

/**
 * memsim_stream_find() - look a stream up by number
 * @pool: the pool.
 * @id: stream number.
 *
 * Return: the stream, or NULL if no segment was ever created on it.
 */
struct memsim_stream *memsim_stream_find(struct memsim_pool *pool, u32 id)
{
	struct rb_node *node = rb_find(&id, &pool->streams, memsim_stream_id_cmp);

	return node ? rb_entry(node, struct memsim_stream, rb) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_stream_find);

static void memsim_stream_link(struct memsim_pool *pool, struct memsim_stream *s)
{
	rb_add(&s->rb, &pool->streams, memsim_stream_id_less);
	pool->nr_streams++;
}

/* A stream's out-of-line index, when its family has one (@size bytes). */
static void memsim_stream_index_put(struct memsim_pool *pool, struct memsim_stream *s,
				    size_t size)
{
	memsim_struct_put(pool, s->index, size);
	s->index = NULL;
}

static void memsim_stream_put(struct memsim_pool *pool, struct memsim_stream *s)
{
	if (!s)
		return;
	memsim_stream_index_put(pool, s, pool->ops->index->index_size);
	memsim_struct_put(pool, s, sizeof(*s));
}

static struct memsim_stream *memsim_stream_new(struct memsim_pool *pool, u32 id,
					       int *err)
{
	const struct memsim_index_ops *index = pool->ops->index;
	struct memsim_stream *s = memsim_struct_new(pool, sizeof(*s), err);
	unsigned int i;

	if (!s)
		return NULL;
	if (index->index_size) {
		s->index = memsim_struct_new(pool, index->index_size, err);
		if (!s->index) {
			memsim_struct_put(pool, s, sizeof(*s));
			return NULL;
		}
	}
	s->id = id;
	s->addr_tree = RB_ROOT;
	s->size_tree = RB_ROOT_CACHED;
	for (i = 0; i <= MEMSIM_MAX_ORDER; i++)
		s->order_tree[i] = RB_ROOT;
	INIT_LIST_HEAD(&s->deferred);
	index->init(pool, s);
	return s;
}

/* Segments. */

/* rb_find_first() keys: the first segment ending after, or starting at or above, an address. */
static int memsim_segment_ends_after(const void *key, const struct rb_node *node)
{
	const struct memsim_segment *seg = rb_entry(node, struct memsim_segment, rb_start);

	return seg->start + seg->size > *(const u64 *)key ? 0 : 1;
}

static int memsim_segment_starts_from(const void *key, const struct rb_node *node)
{
	return rb_entry(node, struct memsim_segment, rb_start)->start >= *(const u64 *)key ?
		0 : 1;
}

static struct memsim_segment *memsim_segment_next(struct memsim_segment *seg)
{
	struct rb_node *node = rb_next(&seg->rb_start);

	return node ? rb_entry(node, struct memsim_segment, rb_start) : NULL;
}

static struct memsim_segment *memsim_segment_first(struct memsim_pool *pool)
{
	struct rb_node *node = rb_first(&pool->segments);

	return node ? rb_entry(node, struct memsim_segment, rb_start) : NULL;
}

/*
 * The first segment that ends after @addr: the one an overlap scan starts
 * at.  Segments do not overlap, so their ends are in the order of their
 * starts and the tree by start is also a tree by end.
 */
static struct memsim_segment *memsim_segment_ending_after(struct memsim_pool *pool,
							  u64 addr)
{
	struct rb_node *node = rb_find_first(&addr, &pool->segments, memsim_segment_ends_after);

	return node ? rb_entry(node, struct memsim_segment, rb_start) : NULL;
}

/**
 * memsim_check_overlap() - how a range relates to the existing segments
 * @pool: the pool.
 * @start: first address of the range.
 * @size: size of the range; start + size must not wrap.
 * @ids: where to store the ids of overlapping segments, in address order.
 * @max_ids: room in @ids.
 * @nr_ids: set to the number of overlapping segments (may exceed @max_ids).
 *
 * O(log n + k) for k overlapping segments.  A range that wraps or is empty
 * overlaps nothing.
 *
 * Return: the kind of overlap.
 */
enum memsim_overlap memsim_check_overlap(struct memsim_pool *pool, u64 start,
					 u64 size, u64 *ids, u32 max_ids,
					 u32 *nr_ids)
{
	struct memsim_segment *seg;
	u64 end;
	u32 n = 0;
	bool contained = false;

	*nr_ids = 0;
	if (!size || check_add_overflow(start, size, &end))
		return MEMSIM_OVERLAP_NONE;

	for (seg = memsim_segment_ending_after(pool, start);
	     seg && seg->start < end; seg = memsim_segment_next(seg)) {
		if (n < max_ids)
			ids[n] = seg->id;
		n++;
		contained = seg->start <= start && end <= seg->start + seg->size;
	}
	*nr_ids = n;
	if (!n)
		return MEMSIM_OVERLAP_NONE;
	return n == 1 && contained ? MEMSIM_OVERLAP_CONTAINED : MEMSIM_OVERLAP_PARTIAL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_check_overlap);

/**
 * memsim_find_safe_range() - lowest free address range outside all segments
 * @pool: the pool.
 * @size: size of the range wanted; not zero.
 * @align: alignment of its start: 0 or a power of two.
 * @min: lowest address the range may use.
 * @max: the range must end at or below @max.
 * @addr: set to the start found.
 *
 * Walks the gaps between segments from @min upwards: O(log n + g) for g
 * gaps visited.
 *
 * Return: 0, -EINVAL for a bad size, alignment or window, -ENOSPC if no gap
 * fits.
 */
int memsim_find_safe_range(struct memsim_pool *pool, u64 size, u64 align,
			   u64 min, u64 max, u64 *addr)
{
	struct memsim_query q = { .size = size, .align = align ? align : 1,
				  .lo = min, .hi = max };
	struct memsim_segment *seg;
	u64 gap = min;

	if (!size || (align && !is_power_of_2(align)) || min >= max)
		return -EINVAL;

	for (seg = memsim_segment_ending_after(pool, min);
	     true; seg = memsim_segment_next(seg)) {
		u64 gap_end = seg ? seg->start : max;

		if (gap_end > max)
			gap_end = max;
		if (gap < gap_end && memsim_place_in(&q, gap, gap_end, false, addr))
			return 0;
		if (!seg || seg->start >= max)
			return -ENOSPC;
		gap = seg->start + seg->size;
	}
}
EXPORT_SYMBOL_IF_KUNIT(memsim_find_safe_range);

static void memsim_segment_link(struct memsim_pool *pool, struct memsim_segment *seg)
{
	rb_add(&seg->rb_start, &pool->segments, memsim_segment_start_less);
	rb_add(&seg->rb_id, &pool->segments_by_id, memsim_segment_id_less);
	pool->nr_segments++;
}

/**
 * memsim_segment_find() - look a segment up by id
 * @pool: the pool.
 * @id: segment id.
 *
 * Return: the segment or NULL.
 */
struct memsim_segment *memsim_segment_find(struct memsim_pool *pool, u64 id)
{
	struct rb_node *node = rb_find(&id, &pool->segments_by_id, memsim_segment_id_cmp);

	return node ? rb_entry(node, struct memsim_segment, rb_id) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_find);

/*
 * Lay free blocks over [start, start + size) of @seg, in address order, as
 * the strategy's family lays them (fit: one block; buddy: its roots).  The
 * blocks come from @r, which holds enough of them.
 */
static void memsim_segment_lay_blocks(struct memsim_pool *pool,
				      struct memsim_segment *seg,
				      struct memsim_block_reserve *r)
{
	u64 addr = seg->start, end = seg->start + seg->size;

	while (addr < end) {
		struct memsim_block *b = memsim_reserve_take(r);

		b->segment = seg;
		b->addr = addr;
		b->size = pool->ops->index->lay(pool, b, end);
		list_add_tail(&b->link, &seg->blocks);
		memsim_account_blocks(seg, 1);
		memsim_free_insert(pool, b);
		addr += b->size;
	}
}

static unsigned int memsim_blocks_to_lay(struct memsim_pool *pool, u64 start,
					 u64 size)
{
	return pool->ops->index->blocks_to_lay(pool, start, size);
}

/**
 * memsim_segment_args_valid() - check the arguments of a segment creation
 * @start: first address.
 * @size: size in bytes.
 * @stream: stream number.
 *
 * Return: 0, or -EINVAL for a zero size, a range that wraps, or
 * %MEMSIM_STREAM_ANY as the stream.
 */
int memsim_segment_args_valid(u64 start, u64 size, u32 stream)
{
	u64 end;

	if (!size || check_add_overflow(start, size, &end) || stream == MEMSIM_STREAM_ANY)
		return -EINVAL;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_args_valid);

/**
 * memsim_segment_prepare() - make ready to add a segment, changing nothing
 * @pool: the pool.
 * @start: first address.
 * @size: size in bytes; not zero, and start + size must not wrap.
 * @device: device number, kept for display.
 * @stream: stream the segment's blocks belong to; not %MEMSIM_STREAM_ANY.
 * @plan: filled with what memsim_segment_commit() needs, and the id the
 *	segment will get.
 *
 * Every structure the segment needs is allocated (and charged) here.  The
 * caller must not change the pool before memsim_segment_commit() or
 * memsim_segment_abort().
 *
 * Return: 0; -EINVAL for a zero size, a wrapping range or a bad stream;
 * -EEXIST if the range overlaps a segment; -E2BIG if the memory budget
 * would be exceeded; -ENOMEM.
 */
int memsim_segment_prepare(struct memsim_pool *pool, u64 start, u64 size,
			   u32 device, u32 stream, struct memsim_segment_plan *plan)
{
	u32 nr_ids;
	int ret;

	ret = memsim_segment_args_valid(start, size, stream);
	if (ret)
		return ret;
	if (memsim_check_overlap(pool, start, size, NULL, 0, &nr_ids) != MEMSIM_OVERLAP_NONE)
		return -EEXIST;

	memset(plan, 0, sizeof(*plan));
	plan->start = start;
	plan->size = size;
	plan->device = device;
	plan->id = pool->last_segment_id + 1;
	plan->stream = memsim_stream_find(pool, stream);
	if (!plan->stream) {
		plan->new_stream = memsim_stream_new(pool, stream, &ret);
		if (!plan->new_stream)
			return ret;
		plan->stream = plan->new_stream;
	}
	plan->seg = memsim_struct_new(pool, sizeof(*plan->seg), &ret);
	if (!plan->seg)
		goto err_stream;
	ret = memsim_reserve_fill(pool, &plan->r, memsim_blocks_to_lay(pool, start, size),
				  memsim_pool_now(pool));
	if (ret)
		goto err_segment;
	return 0;

err_segment:
	memsim_struct_put(pool, plan->seg, sizeof(*plan->seg));
err_stream:
	memsim_stream_put(pool, plan->new_stream);
	return ret;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_prepare);

/**
 * memsim_segment_abort() - drop a prepared segment creation
 * @pool: the pool.
 * @plan: from memsim_segment_prepare().
 */
void memsim_segment_abort(struct memsim_pool *pool, struct memsim_segment_plan *plan)
{
	memsim_reserve_drain(&plan->r);
	memsim_struct_put(pool, plan->seg, sizeof(*plan->seg));
	memsim_stream_put(pool, plan->new_stream);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_abort);

/**
 * memsim_segment_commit() - add a prepared segment; cannot fail
 * @pool: the pool.
 * @plan: from memsim_segment_prepare().
 *
 * Return: the new segment, whose id is @plan->id.
 */
struct memsim_segment *memsim_segment_commit(struct memsim_pool *pool,
					     struct memsim_segment_plan *plan)
{
	struct memsim_segment *seg = plan->seg;
	struct memsim_stream *s = plan->stream;

	if (plan->new_stream)
		memsim_stream_link(pool, plan->new_stream);
	seg->id = ++pool->last_segment_id;
	seg->start = plan->start;
	seg->size = plan->size;
	seg->device = plan->device;
	seg->stream = s;
	/* Its first blocks and the segment are made at the same time. */
	seg->create_ns = plan->r.now;
	INIT_LIST_HEAD(&seg->blocks);
	memsim_segment_link(pool, seg);
	s->nr_segments++;
	pool->usage.total += plan->size;
	s->usage.total += plan->size;
	seg->usage.total = plan->size;
	memsim_segment_lay_blocks(pool, seg, &plan->r);
	memsim_emit_segment(pool, MEMSIM_EV_SEGMENT_CREATE, seg);
	return seg;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_commit);

/**
 * memsim_segment_create() - add a segment of free space to the pool
 * @pool: the pool.
 * @start: first address.
 * @size: size in bytes; not zero, and start + size must not wrap.
 * @device: device number, kept for display.
 * @stream: stream the segment's blocks belong to; not %MEMSIM_STREAM_ANY.
 * @out: set to the new segment on success; may be NULL.
 *
 * memsim_segment_prepare() and memsim_segment_commit() in one.
 *
 * Return: 0; -EINVAL for a zero size, a wrapping range or a bad stream;
 * -EEXIST if the range overlaps a segment; -E2BIG if the memory budget
 * would be exceeded; -ENOMEM.
 */
int memsim_segment_create(struct memsim_pool *pool, u64 start, u64 size,
			  u32 device, u32 stream, struct memsim_segment **out)
{
	struct memsim_segment_plan plan;
	struct memsim_segment *seg;
	int ret;

	ret = memsim_segment_prepare(pool, start, size, device, stream, &plan);
	if (ret)
		return ret;
	seg = memsim_segment_commit(pool, &plan);
	if (out)
		*out = seg;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_create);

/* Drop every (free) block of @seg and its share of the counters. */
static void memsim_segment_clear(struct memsim_pool *pool, struct memsim_segment *seg)
{
	struct memsim_block *b, *next;

	list_for_each_entry_safe(b, next, &seg->blocks, link) {
		memsim_free_remove(pool, b);
		list_del(&b->link);
		memsim_block_put(pool, b);
		memsim_env_cond_resched();
	}
	seg->nr_blocks = 0;
}

static void memsim_segment_unlink(struct memsim_pool *pool, struct memsim_segment *seg)
{
	struct memsim_stream *s = seg->stream;

	rb_erase(&seg->rb_start, &pool->segments);
	rb_erase(&seg->rb_id, &pool->segments_by_id);
	pool->nr_segments--;
	s->nr_segments--;
	/* The history (allocs, frees, peak) stays with pool and stream. */
	pool->usage.total -= seg->size;
	s->usage.total -= seg->size;
}

/**
 * memsim_segment_release() - remove a segment that is entirely free
 * @pool: the pool.
 * @id: segment id.
 *
 * The segment's stream goes with its last segment, counters included: a
 * stream exists only while it has segments.
 *
 * Return: 0; -ENOENT if there is no such segment; -EBUSY if any of its blocks
 * is allocated or has a deferred free pending.
 */
int memsim_segment_release(struct memsim_pool *pool, u64 id)
{
	struct memsim_segment *seg = memsim_segment_find(pool, id);
	struct memsim_stream *s;

	if (!seg)
		return -ENOENT;
	if (seg->usage.live_blocks)
		return -EBUSY;

	memsim_emit_segment(pool, MEMSIM_EV_SEGMENT_RELEASE, seg);
	memsim_segment_clear(pool, seg);
	memsim_segment_unlink(pool, seg);
	s = seg->stream;
	memsim_struct_put(pool, seg, sizeof(*seg));
	/*
	 * A stream lives as long as it has segments, so that streams, like
	 * segments, are bounded by max_segments.  Its counters go with it.
	 */
	if (!s->nr_segments) {
		rb_erase(&s->rb, &pool->streams);
		pool->nr_streams--;
		memsim_stream_put(pool, s);
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_release);

/**
 * memsim_pool_init() - initialise an empty pool
 * @pool: the pool; its memory is owned by the caller.
 *
 * The pool starts with no segment, first fit, the buddy system's default
 * minimum block of %MEMSIM_BUDDY_DEFAULT_MIN bytes, and lives tracked
 * (&memsim_pool.track_life).
 */
void memsim_pool_init(struct memsim_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->segments = RB_ROOT;
	pool->segments_by_id = RB_ROOT;
	pool->streams = RB_ROOT;
	pool->allocated = RB_ROOT;
	pool->strategy = MEMSIM_FIRST_FIT;
	pool->ops = memsim_strategies[MEMSIM_FIRST_FIT];
	pool->buddy_min_order = ilog2(MEMSIM_BUDDY_DEFAULT_MIN);
	pool->track_life = true;
	INIT_LIST_HEAD(&pool->spare);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_init);

/**
 * memsim_pool_fini() - release everything a pool holds
 * @pool: the pool.
 *
 * Allocated blocks need not be freed first.  The pool can be used again
 * afterwards: it is empty as after memsim_pool_init(), but keeps its budget,
 * its live-block limit, whether it tracks lives and what its owner charged
 * to it.  Yields the CPU
 * between blocks: a pool can hold millions.
 */
void memsim_pool_fini(struct memsim_pool *pool)
{
	struct memsim_budget *budget = pool->budget;
	u64 max_live = pool->max_live_blocks;
	bool track_life = pool->track_life;
	struct memsim_segment *seg, *next_seg;
	struct memsim_stream *s, *next_s;
	u64 owner_charge;

	rbtree_postorder_for_each_entry_safe(seg, next_seg, &pool->segments, rb_start) {
		struct memsim_block *b, *next;

		/* A pool may hold millions of blocks: let others run. */
		list_for_each_entry_safe(b, next, &seg->blocks, link) {
			memsim_block_put(pool, b);
			memsim_env_cond_resched();
		}
		memsim_struct_put(pool, seg, sizeof(*seg));
	}
	rbtree_postorder_for_each_entry_safe(s, next_s, &pool->streams, rb)
		memsim_stream_put(pool, s);
	memsim_pool_drop_spares(pool);
	/* What is left was charged by the pool's owner, who still holds it. */
	owner_charge = pool->mem_used;
	memsim_pool_init(pool);
	pool->budget = budget;
	pool->mem_used = owner_charge;
	pool->max_live_blocks = max_live;
	pool->track_life = track_life;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_fini);

/**
 * memsim_pool_set_life() - choose whether a pool tracks its blocks' lives
 * @pool: the pool, with no segment.
 * @on: true to give every block a &struct memsim_life (the default), false
 *	to save its 64 bytes per block and every clock read.
 *
 * Return: 0; -EBUSY if the pool has a segment (its blocks are already made).
 */
int memsim_pool_set_life(struct memsim_pool *pool, bool on)
{
	if (pool->nr_segments)
		return -EBUSY;
	if (pool->track_life != on)
		memsim_pool_drop_spares(pool);
	pool->track_life = on;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_set_life);

static void memsim_emit_strategy(struct memsim_pool *pool)
{
	struct memsim_event ev = {
		.type = MEMSIM_EV_STRATEGY,
		.strategy = pool->strategy,
		.size = 1ULL << pool->buddy_min_order,
	};

	memsim_emit(pool, &ev);
}

/*
 * Out-of-line indexes for every stream under @index, made before anything
 * changes; NULL entries for a family that keeps its index in the stream.
 */
static void **memsim_indexes_new(struct memsim_pool *pool,
				 const struct memsim_index_ops *index, int *err)
{
	void **fresh;
	u32 i;

	*err = 0;
	if (!index->index_size || !pool->nr_streams)
		return NULL;
	fresh = memsim_env_zalloc(pool->nr_streams * sizeof(*fresh));
	if (!fresh) {
		*err = -ENOMEM;
		return NULL;
	}
	for (i = 0; i < pool->nr_streams; i++) {
		fresh[i] = memsim_struct_new(pool, index->index_size, err);
		if (!fresh[i]) {
			while (i--)
				memsim_struct_put(pool, fresh[i], index->index_size);
			memsim_env_free(fresh);
			return NULL;
		}
	}
	return fresh;
}

/*
 * Re-lay every segment's free space under @ops (nothing is allocated): the
 * old family's index is emptied, the new one made and filled.  @fresh holds
 * the new out-of-line indexes, @r the blocks; neither can run out.
 */
static void memsim_relay(struct memsim_pool *pool, const struct memsim_strategy_ops *ops,
			 void **fresh, struct memsim_block_reserve *r)
{
	const struct memsim_index_ops *old = pool->ops->index;
	struct memsim_segment *seg;
	struct rb_node *node;
	u32 i = 0;

	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		memsim_segment_clear(pool, seg);
	pool->ops = ops;
	for (node = rb_first(&pool->streams); node; node = rb_next(node), i++) {
		struct memsim_stream *s = rb_entry(node, struct memsim_stream, rb);

		if (old != ops->index) {
			memsim_stream_index_put(pool, s, old->index_size);
			s->index = fresh ? fresh[i] : NULL;
		}
		ops->index->init(pool, s);
	}
	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		memsim_segment_lay_blocks(pool, seg, r);
}

/**
 * memsim_set_strategy() - switch the placement strategy
 * @pool: the pool.
 * @strategy: the new strategy.
 * @param: the strategy's parameter, 0 for its default: for %MEMSIM_TLSF
 *	its classes per level, 16 or 32 (default 16); for %MEMSIM_BUDDY
 *	the minimum block size, a power of two (default
 *	%MEMSIM_BUDDY_DEFAULT_MIN); must be 0 for strategies that take none.
 *
 * Strategies of one family share their free index (the four fit
 * strategies do), so switching among them with the same setting is free
 * and allowed at any time.  Any other switch, a change of the buddy
 * system's minimum block included, re-lays every segment's free space and
 * is allowed only while nothing is allocated (deferred frees count as
 * allocated).  Setting the buddy system again with the same minimum block
 * changes nothing and is not reported to the observer.
 *
 * Return: 0; -EINVAL for an unknown strategy or a bad parameter; -EBUSY if
 * blocks are allocated; -E2BIG if the new layout would exceed the memory
 * budget; -ENOMEM.
 */
int memsim_set_strategy(struct memsim_pool *pool, enum memsim_strategy strategy,
			u64 param)
{
	const struct memsim_strategy_ops *ops, *old = pool->ops;
	struct memsim_block_reserve r;
	struct memsim_segment *seg;
	u32 setting = 0, *slot, was = 0;
	unsigned int need = 0;
	void **fresh;
	int ret;

	if ((unsigned int)strategy >= MEMSIM_NR_STRATEGIES)
		return -EINVAL;
	ops = memsim_strategies[strategy];
	if (ops->configure) {
		ret = ops->configure(param, &setting);
		if (ret)
			return ret;
	} else if (param) {
		return -EINVAL;
	}
	slot = ops->setting ? ops->setting(pool) : NULL;

	if (ops->index == old->index && (!slot || *slot == setting)) {
		if (ops == old && slot)
			return 0;
		pool->strategy = strategy;
		pool->ops = ops;
		memsim_emit_strategy(pool);
		return 0;
	}
	/* Live blocks were laid out under the old rules. */
	if (pool->usage.live_blocks)
		return -EBUSY;

	/* Count, and reserve, what the new layout needs under the new rule. */
	if (slot) {
		was = *slot;
		*slot = setting;
	}
	pool->ops = ops;
	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		need += memsim_blocks_to_lay(pool, seg->start, seg->size);
	pool->ops = old;
	if (slot)
		*slot = was;
	fresh = NULL;
	if (ops->index != old->index) {
		fresh = memsim_indexes_new(pool, ops->index, &ret);
		if (ret)
			return ret;
	}
	ret = memsim_reserve_fill(pool, &r, need, memsim_pool_now(pool));
	if (ret) {
		for (need = 0; fresh && need < pool->nr_streams; need++)
			memsim_struct_put(pool, fresh[need], ops->index->index_size);
		memsim_env_free(fresh);
		return ret;
	}

	if (slot)
		*slot = setting;
	memsim_relay(pool, ops, fresh, &r);
	memsim_env_free(fresh);
	pool->strategy = strategy;
	memsim_emit_strategy(pool);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_set_strategy);

/* The best candidate among the streams a request may use. */
static bool memsim_search(struct memsim_pool *pool, u32 stream,
			  struct memsim_query *q, struct memsim_candidate *best)
{
	struct memsim_candidate c;
	struct memsim_stream *s;
	struct rb_node *node;
	bool found = false;

	if (stream != MEMSIM_STREAM_ANY) {
		s = memsim_stream_find(pool, stream);
		return s && pool->ops->search(pool, s, q, best);
	}

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		s = rb_entry(node, struct memsim_stream, rb);
		if (!pool->ops->search(pool, s, q, &c))
			continue;
		if (!found || pool->ops->better(q, &c, best)) {
			*best = c;
			found = true;
		}
	}
	return found;
}

/*
 * A roving strategy (next fit) first looks on the cursor's side of the
 * address space only, then wraps around to the whole window.
 */
static bool memsim_search_roving(struct memsim_pool *pool, u32 stream,
				 struct memsim_query *q, struct memsim_candidate *c)
{
	struct memsim_query rove = *q;
	bool found;

	if (q->topdown) {
		if (pool->cursor < rove.hi)
			rove.hi = pool->cursor;
	} else if (pool->cursor > rove.lo) {
		rove.lo = pool->cursor;
	}

	found = rove.lo < rove.hi && memsim_search(pool, stream, &rove, c);
	q->steps += rove.steps;
	return found || memsim_search(pool, stream, q, c);
}

/* The candidate the active strategy picks for a validated query. */
static bool memsim_find(struct memsim_pool *pool, u32 stream, struct memsim_query *q,
			struct memsim_candidate *c)
{
	if (pool->ops->roving && !q->fixed)
		return memsim_search_roving(pool, stream, q, c);
	return memsim_search(pool, stream, q, c);
}

/* What an allocation at @c gives: the result memsim_alloc() reports. */
static void memsim_plan_result(struct memsim_pool *pool, const struct memsim_query *q,
			       const struct memsim_request *req,
			       const struct memsim_candidate *c, struct memsim_result *res)
{
	memset(res, 0, sizeof(*res));
	res->addr = c->place;
	res->size = c->size;
	res->waste = c->size - req->size;
	res->segment_id = c->block->segment->id;
	res->stream = c->block->segment->stream->id;
	res->steps = q->steps;
	res->splits = pool->ops->index->splits(pool, c);
}

/**
 * memsim_can_alloc() - where an allocation would go, changing nothing
 * @pool: the pool.
 * @req: the request.
 * @res: filled as memsim_alloc() would fill it, on success.
 *
 * A dry run: no block, counter or cursor changes, and a miss is not
 * counted as a failure.  The live-block limit is not applied.
 *
 * Return: 0 if memsim_alloc() would succeed (barring -E2BIG and -ENOMEM);
 * -EINVAL for a malformed request; -ENOSPC if nothing fits.
 */
int memsim_can_alloc(struct memsim_pool *pool, const struct memsim_request *req,
		     struct memsim_result *res)
{
	struct memsim_candidate c;
	struct memsim_query q;
	int ret;

	ret = memsim_query_init(pool, req, &q);
	if (ret)
		return ret;
	if (!memsim_find(pool, req->stream, &q, &c))
		return -ENOSPC;
	memsim_plan_result(pool, &q, req, &c, res);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_can_alloc);

/**
 * memsim_alloc_prepare() - decide an allocation, changing nothing
 * @pool: the pool.
 * @req: the request; it must stay valid until the plan is committed or
 *	aborted.
 * @plan: filled with the decision; @plan->res is what the allocation will
 *	give.
 *
 * Validates the request, applies the live-block limit, searches and
 * reserves the block structures the allocation will split off.  On
 * success the caller must call memsim_alloc_commit() or
 * memsim_alloc_abort() before anything else touches the pool.  On -ENOSPC
 * nothing is counted yet: memsim_alloc_count_failure() does that.
 *
 * Return: 0; -EINVAL for a malformed request; -E2BIG at the live-block
 * limit (&memsim_pool.max_live_blocks), or if the memory budget would be
 * exceeded; -ENOSPC if nothing fits; -ENOMEM.
 */
int memsim_alloc_prepare(struct memsim_pool *pool, const struct memsim_request *req,
			 struct memsim_alloc_plan *plan)
{
	int ret;

	plan->req = req;
	plan->t0 = memsim_pool_now(pool);
	ret = memsim_query_init(pool, req, &plan->q);
	if (ret)
		return ret;
	/* Limits after the arguments: a malformed request is always -EINVAL. */
	if (pool->max_live_blocks && pool->usage.live_blocks >= pool->max_live_blocks)
		return -E2BIG;
	if (!memsim_find(pool, req->stream, &plan->q, &plan->c))
		return -ENOSPC;
	memsim_plan_result(pool, &plan->q, req, &plan->c, &plan->res);
	return memsim_reserve_fill(pool, &plan->r, plan->res.splits, plan->t0);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_alloc_prepare);

/**
 * memsim_alloc_abort() - drop a prepared allocation
 * @pool: the pool.
 * @plan: from a successful memsim_alloc_prepare().
 */
void memsim_alloc_abort(struct memsim_pool *pool, struct memsim_alloc_plan *plan)
{
	memsim_reserve_drain(&plan->r);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_alloc_abort);

/**
 * memsim_alloc_count_failure() - count an allocation that found no space
 * @pool: the pool.
 * @plan: from a memsim_alloc_prepare() that returned -ENOSPC.
 *
 * The failure counts for the pool, the active strategy and the stream
 * the request named (none for %MEMSIM_STREAM_ANY), and is reported to the
 * pool's observer.
 */
void memsim_alloc_count_failure(struct memsim_pool *pool, struct memsim_alloc_plan *plan)
{
	const struct memsim_request *req = plan->req;
	struct memsim_strategy_stats *st = &pool->strategy_stats[pool->strategy];
	struct memsim_event ev = {
		.type = MEMSIM_EV_ALLOC_FAIL,
		.stream = req->stream,
		.req_stream = req->stream,
		.addr = req->flags & MEMSIM_REQ_FIXED ? req->addr : 0,
		.requested = req->size,
		.align = req->align,
		.flags = req->flags,
	};
	struct memsim_stream *s = NULL;

	memsim_emit(pool, &ev);

	pool->usage.failures++;
	st->failures++;
	if (req->stream != MEMSIM_STREAM_ANY)
		s = memsim_stream_find(pool, req->stream);
	if (s)
		s->usage.failures++;
	st->steps += plan->q.steps;
	memsim_count_time(pool, &st->alloc_ns, plan->t0);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_alloc_count_failure);

/**
 * memsim_alloc_commit() - make a prepared allocation; cannot fail
 * @pool: the pool.
 * @plan: from a successful memsim_alloc_prepare(), with no change to the
 *	pool since.
 *
 * The block is at @plan->res.addr, as prepared.
 */
void memsim_alloc_commit(struct memsim_pool *pool, struct memsim_alloc_plan *plan)
{
	struct memsim_strategy_stats *st = &pool->strategy_stats[pool->strategy];
	const struct memsim_request *req = plan->req;
	struct memsim_life *life;
	struct memsim_block *b;

	b = pool->ops->index->take(pool, &plan->c, &plan->r);
	/* The reserve held exactly the splits; anything left is a bug. */
	if (WARN_ON_ONCE(plan->r.count))
		memsim_reserve_drain(&plan->r);

	b->state = MEMSIM_BLOCK_ALLOCATED;
	b->requested = req->size;
	b->tag = req->tag;
	life = memsim_life_of(b);
	if (life) {
		life->owner = req->owner;
		/* The structure came zeroed or was cleared on its free. */
		if (req->label)
			memsim_env_strcpy(life->label, req->label, sizeof(life->label));
		life->alloc_ns = plan->t0;
		life->free_ns = 0;
	}
	memsim_allocated_insert(pool, b);
	memsim_account_alloc(pool, b);
	memsim_emit_alloc(pool, b, req);

	pool->cursor = plan->q.topdown ? b->addr : memsim_block_end(b);

	st->steps += plan->q.steps;
	st->allocs++;
	memsim_count_time(pool, &st->alloc_ns, plan->t0);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_alloc_commit);

/**
 * memsim_alloc() - allocate a block under the active strategy
 * @pool: the pool.
 * @req: the request.
 * @res: filled with the outcome on success.
 *
 * memsim_alloc_prepare(), then memsim_alloc_commit() or, when nothing
 * fits, memsim_alloc_count_failure().
 *
 * Cost: O(log n) per stream searched for the fit strategies; alignment,
 * range and fixed-address constraints add the candidates they reject (see
 * memsim_fit.c).  O(max order * log n) for the buddy system.
 *
 * Return: 0; -EINVAL for a malformed request (zero size, unknown flag,
 * alignment not a power of two, empty range, misaligned or wrapping fixed
 * address; for the buddy system a fixed address must be aligned to the
 * rounded size, and a size over 2^63 is -EINVAL with %MEMSIM_REQ_FIXED and
 * -ENOSPC without), with nothing counted; -E2BIG at the live-block limit or the
 * memory budget; -ENOSPC if nothing fits, counted as a failure; -ENOMEM.
 */
int memsim_alloc(struct memsim_pool *pool, const struct memsim_request *req,
		 struct memsim_result *res)
{
	struct memsim_alloc_plan plan;
	int ret;

	ret = memsim_alloc_prepare(pool, req, &plan);
	if (ret == -ENOSPC)
		memsim_alloc_count_failure(pool, &plan);
	if (ret)
		return ret;
	memsim_alloc_commit(pool, &plan);
	*res = plan.res;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_alloc);

/*
 * Return an allocated block to the free space and coalesce it; @t0 is when
 * the operation began.
 */
static void memsim_release_block(struct memsim_pool *pool, struct memsim_block *b,
				 struct memsim_free_result *res, u64 t0)
{
	struct memsim_strategy_stats *st = &pool->strategy_stats[pool->strategy];

	memsim_emit_block(pool, MEMSIM_EV_FREE_COMPLETE, b);
	rb_erase(&b->rb_addr, &pool->allocated);
	memsim_account_release(pool, b);
	res->freed_size = b->size;
	pool->ops->index->give_back(pool, b, res);
	st->frees++;
	memsim_count_time(pool, &st->free_ns, t0);
}

/**
 * memsim_free() - free an allocated block, now or in two phases
 * @pool: the pool.
 * @addr: start address of the block.
 * @expected_size: 0, or the size the caller believes the block has: either
 *	the size that was requested or the actual size.
 * @flags: %MEMSIM_FREE_DEFERRED to only request the free; the block stays
 *	allocated until memsim_complete_free() or memsim_sync_stream().
 * @res: filled with the outcome.
 *
 * Return: 0; -EINVAL for an unknown flag or a size mismatch; -ENOENT if no
 * allocated block starts at @addr; -EBUSY if its free is already pending,
 * whatever @expected_size.
 */
int memsim_free(struct memsim_pool *pool, u64 addr, u64 expected_size,
		u32 flags, struct memsim_free_result *res)
{
	struct memsim_life *life;
	struct memsim_block *b;
	u64 t0;

	if (flags & ~MEMSIM_FREE_ALL)
		return -EINVAL;
	b = memsim_block_lookup(pool, addr);
	if (!b)
		return -ENOENT;
	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		return -EBUSY;
	if (expected_size && expected_size != b->requested && expected_size != b->size)
		return -EINVAL;

	memset(res, 0, sizeof(*res));
	t0 = memsim_pool_now(pool);
	life = memsim_life_of(b);
	if (life)
		life->free_ns = t0;
	if (flags & MEMSIM_FREE_DEFERRED) {
		b->state = MEMSIM_BLOCK_FREE_REQUESTED;
		list_add_tail(&b->deferred, &b->segment->stream->deferred);
		memsim_account_deferred(pool, b, true);
		memsim_emit_block(pool, MEMSIM_EV_FREE_REQUEST, b);
		res->freed_size = b->size;
		res->deferred = true;
		return 0;
	}
	memsim_release_block(pool, b, res, t0);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_free);

static void memsim_complete_block(struct memsim_pool *pool, struct memsim_block *b,
				  struct memsim_free_result *res)
{
	list_del(&b->deferred);
	memsim_account_deferred(pool, b, false);
	memset(res, 0, sizeof(*res));
	memsim_release_block(pool, b, res, memsim_pool_now(pool));
}

/**
 * memsim_complete_free() - complete a deferred free
 * @pool: the pool.
 * @addr: start address of the block.
 * @res: filled with the outcome.
 *
 * Return: 0; -ENOENT if no allocated block starts at @addr; -EINVAL if its
 * free was not requested.
 */
int memsim_complete_free(struct memsim_pool *pool, u64 addr,
			 struct memsim_free_result *res)
{
	struct memsim_block *b = memsim_block_lookup(pool, addr);

	if (!b)
		return -ENOENT;
	if (b->state != MEMSIM_BLOCK_FREE_REQUESTED)
		return -EINVAL;
	memsim_complete_block(pool, b, res);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_complete_free);

/**
 * memsim_sync_stream() - complete every deferred free of a stream
 * @pool: the pool.
 * @stream: stream number, or %MEMSIM_STREAM_ANY for all streams.
 * @completed: set to the number of frees completed; may be NULL.
 *
 * Frees complete in the order they were requested.  Yields the CPU between
 * them.
 *
 * Return: 0, or -ENOENT for a stream that has no segment.
 */
int memsim_sync_stream(struct memsim_pool *pool, u32 stream, u64 *completed)
{
	struct memsim_free_result res;
	struct memsim_block *b, *next;
	struct memsim_stream *s;
	struct rb_node *node;
	u64 n = 0;

	if (stream != MEMSIM_STREAM_ANY && !memsim_stream_find(pool, stream))
		return -ENOENT;

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		s = rb_entry(node, struct memsim_stream, rb);
		if (stream != MEMSIM_STREAM_ANY && s->id != stream)
			continue;
		list_for_each_entry_safe(b, next, &s->deferred, deferred) {
			memsim_complete_block(pool, b, &res);
			n++;
			memsim_env_cond_resched();
		}
	}
	if (completed)
		*completed = n;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_sync_stream);

static u64 memsim_stream_largest(struct memsim_pool *pool, const struct memsim_stream *s)
{
	return pool->ops->index->largest(pool, s);
}

/**
 * memsim_largest_free() - size of the largest free block
 * @pool: the pool.
 * @stream: a stream, or %MEMSIM_STREAM_ANY for the whole pool.
 *
 * O(1) per stream: the fit strategies read it from the root of the
 * augmented address tree, the buddy system from its order bitmap.  One
 * stream is found in O(log streams); the whole pool visits every stream
 * (at most one per segment), yielding the CPU between them.
 *
 * Return: the size, 0 if there is no free block.
 */
u64 memsim_largest_free(struct memsim_pool *pool, u32 stream)
{
	struct memsim_stream *s;
	struct rb_node *node;
	u64 best = 0;

	if (stream != MEMSIM_STREAM_ANY) {
		s = memsim_stream_find(pool, stream);
		return s ? memsim_stream_largest(pool, s) : 0;
	}
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		s = rb_entry(node, struct memsim_stream, rb);
		best = max(best, memsim_stream_largest(pool, s));
		memsim_env_cond_resched();
	}
	return best;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_largest_free);

/**
 * memsim_segment_largest_free() - size of a segment's largest free block
 * @pool: the pool.
 * @seg: a segment of @pool.
 *
 * The segment's free blocks are those of its stream's free index that
 * start inside it.  Fit strategies: a range maximum over the augmented
 * address tree, O(log n).  Buddy: the highest order with a free block
 * inside it, O(max order * log n).
 *
 * Return: the size, 0 if the segment has no free block.
 */
u64 memsim_segment_largest_free(struct memsim_pool *pool,
				const struct memsim_segment *seg)
{
	return pool->ops->index->largest_in(pool, seg->stream, seg->start,
					    seg->start + seg->size);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_largest_free);

/* Clear the history counters; the state counters describe the blocks. */
static void memsim_usage_clear_history(struct memsim_usage *u)
{
	u->allocs = 0;
	u->frees = 0;
	u->failures = 0;
	u->alloc_bytes = 0;
	u->requested_bytes = 0;
	u->peak_allocated = u->allocated;
	u->peak_requested = u->requested;
	u->peak_live_blocks = u->live_blocks;
}

/**
 * memsim_pool_reset() - free every block and clear the statistics
 * @pool: the pool.
 * @keep_segments: keep the segments (each entirely free again) and the
 *	strategy; otherwise return to the state of memsim_pool_init().
 *
 * Cannot fail: freeing and merging only release metadata.  Yields the CPU
 * between blocks.
 */
void memsim_pool_reset(struct memsim_pool *pool, bool keep_segments)
{
	struct memsim_free_result res;
	struct memsim_segment *seg;
	struct memsim_stream *s;
	struct rb_node *node;
	struct memsim_event ev = {
		.type = MEMSIM_EV_RESET,
		.flags = keep_segments ? MEMSIM_RESET_KEEP : 0,
	};
	memsim_event_fn event = pool->event;
	void *event_priv = pool->event_priv;

	if (!keep_segments) {
		/* The observer belongs to the pool's owner: it stays. */
		memsim_pool_fini(pool);
		pool->event = event;
		pool->event_priv = event_priv;
		memsim_emit(pool, &ev);
		return;
	}

	while ((node = rb_first(&pool->allocated))) {
		struct memsim_block *b = rb_entry(node, struct memsim_block, rb_addr);

		if (b->state == MEMSIM_BLOCK_FREE_REQUESTED) {
			list_del(&b->deferred);
			memsim_account_deferred(pool, b, false);
		}
		memset(&res, 0, sizeof(res));
		memsim_release_block(pool, b, &res, memsim_pool_now(pool));
		memsim_env_cond_resched();
	}

	memsim_usage_clear_history(&pool->usage);
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		s = rb_entry(node, struct memsim_stream, rb);
		memsim_usage_clear_history(&s->usage);
	}
	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		memsim_usage_clear_history(&seg->usage);
	memset(pool->strategy_stats, 0, sizeof(pool->strategy_stats));
	pool->cursor = 0;
	memsim_emit(pool, &ev);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_reset);

/**
 * memsim_segment_first_from() - first segment that starts at or above addr
 * @pool: the pool.
 * @addr: the address.
 *
 * For paging through the segments: O(log n).
 *
 * Return: the segment, or NULL.
 */
struct memsim_segment *memsim_segment_first_from(struct memsim_pool *pool, u64 addr)
{
	struct rb_node *node = rb_find_first(&addr, &pool->segments, memsim_segment_starts_from);

	return node ? rb_entry(node, struct memsim_segment, rb_start) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_first_from);

/**
 * memsim_segment_after() - the segment after another, in address order
 * @pool: the pool.
 * @seg: a segment of @pool.
 *
 * Return: the next segment, or NULL.
 */
struct memsim_segment *memsim_segment_after(struct memsim_pool *pool,
					    struct memsim_segment *seg)
{
	return memsim_segment_next(seg);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_after);

static struct memsim_block *memsim_lower(struct memsim_block *a, struct memsim_block *b)
{
	if (!a)
		return b;
	if (!b)
		return a;
	return a->addr < b->addr ? a : b;
}

/**
 * memsim_block_first_from() - first block that starts at or above an address
 * @pool: the pool.
 * @addr: the address.
 *
 * For paging through the blocks without holding state between pages.  The
 * answer is the lower of the first allocated block and the first free block
 * from @addr in the stream of the segment concerned (the strategy's
 * &memsim_index_ops.first_from: O(log n) for the fit strategies,
 * O(max order * log n) for the buddy system).  Walking on from there
 * follows the segment lists.
 *
 * Return: the block, or NULL.
 */
struct memsim_block *memsim_block_first_from(struct memsim_pool *pool, u64 addr)
{
	struct memsim_segment *seg = memsim_segment_ending_after(pool, addr);
	struct memsim_block *best, *found;
	struct memsim_stream *s;

	while (seg) {
		if (seg->start >= addr)
			return list_first_entry_or_null(&seg->blocks, struct memsim_block, link);

		/* @addr is inside @seg: the answer is in @seg or after it. */
		s = seg->stream;
		best = memsim_addr_first_from(&pool->allocated, addr);
		found = pool->ops->index->first_from(pool, s, addr);
		best = memsim_lower(best, found);
		if (best && best->segment == seg)
			return best;
		/* Nothing of @seg starts at or above @addr: go on with the next. */
		seg = memsim_segment_next(seg);
		addr = seg ? seg->start : addr;
	}
	return NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_block_first_from);

/**
 * memsim_block_after() - the block after another, in address order
 * @pool: the pool.
 * @b: a block of @pool.
 *
 * Return: the next block of the same segment, else the first block of the
 * next segment, else NULL.
 */
struct memsim_block *memsim_block_after(struct memsim_pool *pool, struct memsim_block *b)
{
	struct memsim_segment *seg = b->segment;

	if (!list_is_last(&b->link, &seg->blocks))
		return list_next_entry(b, link);
	seg = memsim_segment_next(seg);
	return seg ? list_first_entry_or_null(&seg->blocks, struct memsim_block, link) : NULL;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_block_after);

/**
 * memsim_largest_alloc() - the largest unconstrained allocation possible now
 * @pool: the pool.
 * @stream: a stream, or %MEMSIM_STREAM_ANY.
 *
 * For the fit strategies, the largest free block; for the buddy system, the
 * largest free block of at least the minimum block (smaller roots cannot be
 * allocated).  Alignment and range constraints can only lower it.
 *
 * Return: the size in bytes, 0 if nothing can be allocated.
 */
u64 memsim_largest_alloc(struct memsim_pool *pool, u32 stream)
{
	u64 largest = memsim_largest_free(pool, stream);

	if (pool->ops->min_alloc && largest < pool->ops->min_alloc(pool))
		return 0;
	return largest;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_largest_alloc);
