// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the pool - segments, streams, block lifecycle and counters
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Pool
 *
 * The pool owns the segments and the streams, the tree of allocated blocks
 * and the counters; the strategy files own the free indexes and the choice of
 * block.  Every entry point here follows the same shape:
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
 * Counters are kept per pool, per stream and per segment and updated in the
 * few helpers below that every state change goes through, so each counter is
 * O(1) to read.
 */

#include "memsim_core_priv.h"

#include <kunit/visibility.h>

#ifdef __KERNEL__
#include <linux/errno.h>

static struct kmem_cache *memsim_block_cache;

/**
 * memsim_core_init() - set up what all pools share
 *
 * Return: 0 or -ENOMEM.
 */
int memsim_core_init(void)
{
	memsim_block_cache = KMEM_CACHE(memsim_block, 0);
	return memsim_block_cache ? 0 : -ENOMEM;
}

/**
 * memsim_core_exit() - tear down what memsim_core_init() set up
 *
 * Every pool must have been finalised.
 */
void memsim_core_exit(void)
{
	kmem_cache_destroy(memsim_block_cache);
}

static struct memsim_block *memsim_block_alloc(void)
{
	return kmem_cache_zalloc(memsim_block_cache, MEMSIM_GFP);
}

static struct memsim_block *memsim_block_alloc_nofail(void)
{
	return kmem_cache_zalloc(memsim_block_cache, MEMSIM_GFP | __GFP_NOFAIL);
}

static void memsim_block_free(struct memsim_block *b)
{
	kmem_cache_free(memsim_block_cache, b);
}

#else /* userspace */

#include <errno.h>

int memsim_core_init(void)
{
	return 0;
}

void memsim_core_exit(void)
{
}

static struct memsim_block *memsim_block_alloc(void)
{
	return memsim_env_zalloc(sizeof(struct memsim_block));
}

static struct memsim_block *memsim_block_alloc_nofail(void)
{
	struct memsim_block *b = memsim_env_zalloc(sizeof(struct memsim_block));

	if (!b)
		abort();
	return b;
}

static void memsim_block_free(struct memsim_block *b)
{
	memsim_env_free(b);
}

#endif

/* Fault injection for tests: fail the metadata allocation that hits zero. */
static bool memsim_inject_failure(struct memsim_pool *pool)
{
	if (!pool->fail_alloc_in)
		return false;
	return --pool->fail_alloc_in == 0;
}

/**
 * memsim_block_struct_size() - bytes one block structure is charged at
 *
 * Return: the size of &struct memsim_block.
 */
u64 memsim_block_struct_size(void)
{
	return sizeof(struct memsim_block);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_block_struct_size);

/**
 * memsim_pool_charge() - count metadata against the pool's memory budget
 * @pool: the pool.
 * @bytes: the size of what is about to be allocated.
 *
 * Charge before allocating and uncharge after freeing, so that the budget
 * bounds what the pool can make the kernel hold at any moment.
 *
 * Return: 0, or -E2BIG when the pool, or all pools sharing its budget
 * together, would hold more than the budget allows; then nothing is charged.
 */
int memsim_pool_charge(struct memsim_pool *pool, u64 bytes)
{
	struct memsim_budget *bg = pool->budget;
	u64 limit, total;

	if (bg) {
		limit = memsim_env_read_once(bg->instance_limit);
		if (limit && (pool->mem_used + bytes < pool->mem_used ||
			      pool->mem_used + bytes > limit))
			return -E2BIG;
		total = memsim_env_counter_add(&bg->total_used, bytes);
		limit = memsim_env_read_once(bg->total_limit);
		if (limit && total > limit) {
			memsim_env_counter_sub(&bg->total_used, bytes);
			return -E2BIG;
		}
	}
	pool->mem_used += bytes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_charge);

/**
 * memsim_pool_uncharge() - give back what memsim_pool_charge() counted
 * @pool: the pool.
 * @bytes: the size of what was freed.
 */
void memsim_pool_uncharge(struct memsim_pool *pool, u64 bytes)
{
	/* More back than was charged: an accounting bug, not a user's doing. */
	if (WARN_ON_ONCE(bytes > pool->mem_used))
		bytes = pool->mem_used;
	if (pool->budget)
		memsim_env_counter_sub(&pool->budget->total_used, bytes);
	pool->mem_used -= bytes;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_uncharge);

/* Metadata structures other than blocks, charged to the budget. */
static void *memsim_struct_new(struct memsim_pool *pool, size_t size, int *err)
{
	void *p;

	*err = memsim_pool_charge(pool, size);
	if (*err)
		return NULL;
	p = memsim_inject_failure(pool) ? NULL : memsim_env_zalloc(size);
	if (!p) {
		memsim_pool_uncharge(pool, size);
		*err = -ENOMEM;
	}
	return p;
}

static void memsim_struct_put(struct memsim_pool *pool, void *p, size_t size)
{
	if (!p)
		return;
	memsim_env_free(p);
	memsim_pool_uncharge(pool, size);
}

struct memsim_block *memsim_block_new(struct memsim_pool *pool)
{
	struct memsim_block *b;

	if (memsim_inject_failure(pool))
		return NULL;
	b = memsim_block_alloc();
	if (b)
		pool->nr_block_structs++;
	return b;
}

void memsim_block_put(struct memsim_pool *pool, struct memsim_block *b)
{
	memsim_block_free(b);
	pool->nr_block_structs--;
	memsim_pool_uncharge(pool, sizeof(*b));
}

/*
 * Reserve @n block structures: charged first, so that a budget that would
 * be exceeded fails the call (-E2BIG) before anything is allocated.
 */
int memsim_reserve_fill(struct memsim_pool *pool, struct memsim_block_reserve *r,
			unsigned int n)
{
	/* One clock read per operation: the blocks are made by this one. */
	u64 now = n ? memsim_env_now_ns() : 0;
	int ret;

	r->pool = pool;
	INIT_LIST_HEAD(&r->list);
	r->count = 0;
	if (!n)
		return 0;
	ret = memsim_pool_charge(pool, (u64)n * sizeof(struct memsim_block));
	if (ret)
		return ret;
	while (r->count < n) {
		struct memsim_block *b = memsim_block_new(pool);

		if (!b) {
			/* The blocks not made were charged but will not be put. */
			memsim_pool_uncharge(pool, (u64)(n - r->count) * sizeof(*b));
			memsim_reserve_drain(r);
			return -ENOMEM;
		}
		b->create_ns = now;
		list_add(&b->link, &r->list);
		r->count++;
	}
	return 0;
}

/*
 * Take a block from the reserve.  Callers reserve what the change they are
 * about to make will take, counted by the same functions the change
 * follows (memsim_fit_splits(), memsim_buddy_splits(), the buddy roots), so
 * the reserve cannot run dry.  Should that invariant ever break, the block
 * is allocated here with __GFP_NOFAIL instead: a change under way is never
 * left half made.
 */
struct memsim_block *memsim_reserve_take(struct memsim_block_reserve *r)
{
	struct memsim_block *b;

	if (WARN_ON_ONCE(list_empty(&r->list))) {
		b = memsim_block_alloc_nofail();
		r->pool->nr_block_structs++;
		/* Over budget, perhaps, but a bug must not corrupt the pool. */
		r->pool->mem_used += sizeof(*b);
		if (r->pool->budget)
			memsim_env_counter_add(&r->pool->budget->total_used, sizeof(*b));
		return b;
	}
	b = list_first_entry(&r->list, struct memsim_block, link);
	list_del(&b->link);
	r->count--;
	return b;
}

void memsim_reserve_drain(struct memsim_block_reserve *r)
{
	struct memsim_block *b, *next;

	list_for_each_entry_safe(b, next, &r->list, link)
		memsim_block_put(r->pool, b);
	INIT_LIST_HEAD(&r->list);
	r->count = 0;
}

/*
 * Counters.  Each change is applied to the pool, the block's stream and its
 * segment at once, through the helpers below.
 */
#define MEMSIM_USAGE_LEVELS	3

static void memsim_usage_levels(struct memsim_usage **u, struct memsim_pool *pool,
				struct memsim_segment *seg)
{
	u[0] = &pool->usage;
	u[1] = &seg->stream->usage;
	u[2] = &seg->usage;
}

static void memsim_account_free(struct memsim_pool *pool,
				struct memsim_block *b, bool add)
{
	unsigned int class = memsim_size_class(b->size);
	struct memsim_usage *levels[MEMSIM_USAGE_LEVELS], *u;
	int i;

	memsim_usage_levels(levels, pool, b->segment);
	for (i = 0; i < MEMSIM_USAGE_LEVELS; i++) {
		u = levels[i];
		if (add) {
			u->free += b->size;
			u->free_blocks++;
			u->free_hist[class]++;
		} else {
			u->free -= b->size;
			u->free_blocks--;
			u->free_hist[class]--;
		}
	}
}

/* History counters stop at U64_MAX instead of wrapping to small numbers. */
static u64 memsim_add_sat(u64 a, u64 b)
{
	u64 sum;

	return check_add_overflow(a, b, &sum) ? U64_MAX : sum;
}

static void memsim_account_alloc(struct memsim_pool *pool,
				 struct memsim_block *b)
{
	struct memsim_usage *levels[MEMSIM_USAGE_LEVELS], *u;
	int i;

	memsim_usage_levels(levels, pool, b->segment);
	for (i = 0; i < MEMSIM_USAGE_LEVELS; i++) {
		u = levels[i];
		u->allocated += b->size;
		u->requested += b->requested;
		u->live_blocks++;
		u->allocs++;
		u->alloc_bytes = memsim_add_sat(u->alloc_bytes, b->size);
		u->requested_bytes = memsim_add_sat(u->requested_bytes, b->requested);
		u->peak_allocated = max(u->peak_allocated, u->allocated);
		u->peak_requested = max(u->peak_requested, u->requested);
		u->peak_live_blocks = max(u->peak_live_blocks, u->live_blocks);
	}
}

static void memsim_account_release(struct memsim_pool *pool,
				   struct memsim_block *b)
{
	struct memsim_usage *levels[MEMSIM_USAGE_LEVELS], *u;
	int i;

	memsim_usage_levels(levels, pool, b->segment);
	for (i = 0; i < MEMSIM_USAGE_LEVELS; i++) {
		u = levels[i];
		u->allocated -= b->size;
		u->requested -= b->requested;
		u->live_blocks--;
		u->frees++;
	}
}

static void memsim_account_deferred(struct memsim_pool *pool,
				    struct memsim_block *b, bool add)
{
	struct memsim_usage *levels[MEMSIM_USAGE_LEVELS], *u;
	int i;

	memsim_usage_levels(levels, pool, b->segment);
	for (i = 0; i < MEMSIM_USAGE_LEVELS; i++) {
		u = levels[i];
		if (add) {
			u->deferred_blocks++;
			u->deferred_bytes += b->size;
		} else {
			u->deferred_blocks--;
			u->deferred_bytes -= b->size;
		}
	}
}

/* Block count of a segment changes as blocks split and merge. */
void memsim_account_blocks(struct memsim_segment *seg, int delta)
{
	seg->nr_blocks += delta;
}

void memsim_emit(struct memsim_pool *pool, struct memsim_event *ev)
{
	if (!pool->event)
		return;
	if (ev->type != MEMSIM_EV_STRATEGY)
		ev->strategy = pool->strategy;
	pool->event(pool, ev);
}

void memsim_emit_block(struct memsim_pool *pool, enum memsim_event_type type,
		       const struct memsim_block *b)
{
	struct memsim_event ev = {
		.type = type,
		.stream = b->segment->stream->id,
		.addr = b->addr,
		.size = b->size,
		.segment_id = b->segment->id,
	};

	if (!pool->event)
		return;
	if (b->state != MEMSIM_BLOCK_FREE) {
		ev.requested = b->requested;
		ev.tag = b->tag;
	}
	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		ev.flags = MEMSIM_FREE_DEFERRED;
	memsim_emit(pool, &ev);
}

static void memsim_emit_alloc(struct memsim_pool *pool, const struct memsim_block *b,
			      const struct memsim_request *req)
{
	struct memsim_event ev = {
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

void memsim_free_insert(struct memsim_pool *pool, struct memsim_block *b)
{
	b->state = MEMSIM_BLOCK_FREE;
	if (memsim_strategy_is_fit(pool->strategy))
		memsim_fit_insert(b->segment->stream, b);
	else
		memsim_buddy_insert(b->segment->stream, b);
	memsim_account_free(pool, b, true);
}

void memsim_free_remove(struct memsim_pool *pool, struct memsim_block *b)
{
	if (memsim_strategy_is_fit(pool->strategy))
		memsim_fit_remove(b->segment->stream, b);
	else
		memsim_buddy_remove(b->segment->stream, b);
	memsim_account_free(pool, b, false);
}

/*
 * Key comparisons of the pool's plain rbtrees, for rb_find() and rb_add():
 * allocated blocks by address, streams by number, segments by start and by
 * id.  The invariant checker looks nodes up with the same ones.
 */
int memsim_block_addr_cmp(const void *key, const struct rb_node *node)
{
	u64 addr = *(const u64 *)key, cur = rb_entry(node, struct memsim_block, rb_addr)->addr;

	return addr < cur ? -1 : addr > cur;
}

int memsim_stream_id_cmp(const void *key, const struct rb_node *node)
{
	u32 id = *(const u32 *)key, cur = rb_entry(node, struct memsim_stream, rb)->id;

	return id < cur ? -1 : id > cur;
}

int memsim_segment_id_cmp(const void *key, const struct rb_node *node)
{
	u64 id = *(const u64 *)key, cur = rb_entry(node, struct memsim_segment, rb_id)->id;

	return id < cur ? -1 : id > cur;
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
	struct rb_node *node = rb_find(&addr, &pool->allocated, memsim_block_addr_cmp);

	return node ? rb_entry(node, struct memsim_block, rb_addr) : NULL;
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

static struct memsim_stream *memsim_stream_new(struct memsim_pool *pool, u32 id,
					       int *err)
{
	struct memsim_stream *s = memsim_struct_new(pool, sizeof(*s), err);
	unsigned int i;

	if (!s)
		return NULL;
	s->id = id;
	s->addr_tree = RB_ROOT;
	s->size_tree = RB_ROOT_CACHED;
	for (i = 0; i <= MEMSIM_MAX_ORDER; i++)
		s->order_tree[i] = RB_ROOT;
	INIT_LIST_HEAD(&s->deferred);
	return s;
}

/* Segments. */

static struct memsim_segment *memsim_segment_at_or_before(struct memsim_pool *pool,
							  u64 addr)
{
	struct rb_node *node = pool->segments.rb_node;
	struct memsim_segment *found = NULL;

	while (node) {
		struct memsim_segment *seg =
			rb_entry(node, struct memsim_segment, rb_start);

		if (seg->start <= addr) {
			found = seg;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	return found;
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

/* The first segment that ends after @addr: the one an overlap scan starts at. */
static struct memsim_segment *memsim_segment_ending_after(struct memsim_pool *pool,
							  u64 addr)
{
	struct memsim_segment *seg = memsim_segment_at_or_before(pool, addr);

	if (seg && seg->start + seg->size > addr)
		return seg;
	return seg ? memsim_segment_next(seg) : memsim_segment_first(pool);
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
 * Lay free blocks over [start, start + size) of @seg, in address order: one
 * block for the fit strategies, the buddy roots otherwise.  The blocks come
 * from @r, which holds enough of them.
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
		if (memsim_strategy_is_fit(pool->strategy)) {
			b->size = end - addr;
		} else {
			b->size = memsim_buddy_root_size(addr, end);
			b->order = ilog2(b->size);
			b->root_order = b->order;
		}
		list_add_tail(&b->link, &seg->blocks);
		memsim_account_blocks(seg, 1);
		memsim_free_insert(pool, b);
		addr += b->size;
	}
}

static unsigned int memsim_blocks_to_lay(struct memsim_pool *pool, u64 start,
					 u64 size)
{
	if (memsim_strategy_is_fit(pool->strategy))
		return 1;
	return memsim_buddy_roots(start, size);
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
	ret = memsim_reserve_fill(pool, &plan->r, memsim_blocks_to_lay(pool, start, size));
	if (ret)
		goto err_segment;
	return 0;

err_segment:
	memsim_struct_put(pool, plan->seg, sizeof(*plan->seg));
err_stream:
	memsim_struct_put(pool, plan->new_stream, sizeof(*plan->new_stream));
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
	memsim_struct_put(pool, plan->new_stream, sizeof(*plan->new_stream));
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
	seg->create_ns = memsim_env_now_ns();
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
		memsim_struct_put(pool, s, sizeof(*s));
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_release);

/**
 * memsim_pool_init() - initialise an empty pool
 * @pool: the pool; its memory is owned by the caller.
 *
 * The pool starts with no segment, first fit, and the buddy system's
 * default minimum block of %MEMSIM_BUDDY_DEFAULT_MIN bytes.
 */
void memsim_pool_init(struct memsim_pool *pool)
{
	memset(pool, 0, sizeof(*pool));
	pool->segments = RB_ROOT;
	pool->segments_by_id = RB_ROOT;
	pool->streams = RB_ROOT;
	pool->allocated = RB_ROOT;
	pool->strategy = MEMSIM_FIRST_FIT;
	pool->buddy_min_order = ilog2(MEMSIM_BUDDY_DEFAULT_MIN);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_init);

/**
 * memsim_pool_fini() - release everything a pool holds
 * @pool: the pool.
 *
 * Allocated blocks need not be freed first.  The pool can be used again
 * afterwards: it is empty as after memsim_pool_init(), but keeps its budget,
 * its live-block limit and what its owner charged to it.  Yields the CPU
 * between blocks: a pool can hold millions.
 */
void memsim_pool_fini(struct memsim_pool *pool)
{
	struct memsim_budget *budget = pool->budget;
	u64 max_live = pool->max_live_blocks;
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
		memsim_struct_put(pool, s, sizeof(*s));
	/* What is left was charged by the pool's owner, who still holds it. */
	owner_charge = pool->mem_used;
	memsim_pool_init(pool);
	pool->budget = budget;
	pool->mem_used = owner_charge;
	pool->max_live_blocks = max_live;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_fini);

bool memsim_place_in(const struct memsim_query *q, u64 start, u64 end,
		     bool topdown, u64 *place)
{
	u64 lo = start > q->lo ? start : q->lo;
	u64 hi = end < q->hi ? end : q->hi;
	u64 mask = q->align - 1, p;

	if (lo >= hi || hi - lo < q->size)
		return false;
	if (topdown) {
		p = (hi - q->size) & ~mask;
		if (p < lo)
			return false;
	} else {
		if (check_add_overflow(lo, mask, &p))
			return false;
		p &= ~mask;
		if (p > hi - q->size)
			return false;
	}
	*place = p;
	return true;
}

static void memsim_emit_strategy(struct memsim_pool *pool)
{
	struct memsim_event ev = {
		.type = MEMSIM_EV_STRATEGY,
		.strategy = pool->strategy,
		.size = 1ULL << pool->buddy_min_order,
	};

	memsim_emit(pool, &ev);
}

/**
 * memsim_set_strategy() - switch the placement strategy
 * @pool: the pool.
 * @strategy: the new strategy.
 * @buddy_min_block: for %MEMSIM_BUDDY, the minimum block size, a power of
 *	two (0: %MEMSIM_BUDDY_DEFAULT_MIN); must be 0 for the others.
 *
 * The four fit strategies share their indexes, so switching among them is
 * free and allowed at any time.  Switching to or from the buddy system
 * re-lays every segment's free space and is allowed only while nothing is
 * allocated (deferred frees count as allocated); so is changing the buddy
 * system's minimum block.
 *
 * Return: 0; -EINVAL for an unknown strategy or a bad minimum block; -EBUSY
 * if blocks are allocated; -E2BIG if the new layout would exceed the memory
 * budget; -ENOMEM.
 */
int memsim_set_strategy(struct memsim_pool *pool, enum memsim_strategy strategy,
			u64 buddy_min_block)
{
	struct memsim_block_reserve r;
	struct memsim_segment *seg;
	enum memsim_strategy old = pool->strategy;
	unsigned int need = 0;
	u32 min_order = pool->buddy_min_order;
	int ret;

	if ((unsigned int)strategy >= MEMSIM_NR_STRATEGIES)
		return -EINVAL;
	if (strategy == MEMSIM_BUDDY) {
		if (!buddy_min_block)
			buddy_min_block = MEMSIM_BUDDY_DEFAULT_MIN;
		if (!is_power_of_2(buddy_min_block))
			return -EINVAL;
		min_order = ilog2(buddy_min_block);
	} else if (buddy_min_block) {
		return -EINVAL;
	}

	if (memsim_strategy_is_fit(old) && memsim_strategy_is_fit(strategy)) {
		pool->strategy = strategy;
		memsim_emit_strategy(pool);
		return 0;
	}
	/*
	 * Into, out of, or within the buddy system: live blocks were laid out
	 * under the old rules (a new minimum block would strand smaller ones).
	 */
	if (old == MEMSIM_BUDDY && strategy == MEMSIM_BUDDY &&
	    min_order == pool->buddy_min_order)
		return 0;
	if (pool->usage.live_blocks)
		return -EBUSY;
	if (old == MEMSIM_BUDDY && strategy == MEMSIM_BUDDY) {
		pool->buddy_min_order = min_order;
		memsim_emit_strategy(pool);
		return 0;
	}

	/* Count, and reserve, the blocks of the new layout under the new rule. */
	pool->strategy = strategy;
	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		need += memsim_blocks_to_lay(pool, seg->start, seg->size);
	pool->strategy = old;
	ret = memsim_reserve_fill(pool, &r, need);
	if (ret)
		return ret;

	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		memsim_segment_clear(pool, seg);
	pool->strategy = strategy;
	pool->buddy_min_order = min_order;
	for (seg = memsim_segment_first(pool); seg; seg = memsim_segment_next(seg))
		memsim_segment_lay_blocks(pool, seg, &r);
	memsim_emit_strategy(pool);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_set_strategy);

/**
 * memsim_query_init() - turn a request into a query
 * @pool: the pool, whose strategy decides the rounding.
 * @req: the request.
 * @q: the query to fill.
 *
 * Return: 0, or -EINVAL for a malformed request.
 */
int memsim_query_init(struct memsim_pool *pool, const struct memsim_request *req,
		      struct memsim_query *q)
{
	u64 end;

	if (!req->size || (req->flags & ~MEMSIM_REQ_ALL))
		return -EINVAL;
	if (req->align && !is_power_of_2(req->align))
		return -EINVAL;

	q->size = req->size;
	q->align = req->align ? req->align : 1;
	q->lo = 0;
	q->hi = U64_MAX;
	q->topdown = req->flags & MEMSIM_REQ_TOPDOWN;
	q->fixed = req->flags & MEMSIM_REQ_FIXED;
	q->steps = 0;

	if (req->flags & MEMSIM_REQ_RANGE) {
		if (req->range_lo >= req->range_hi)
			return -EINVAL;
		q->lo = req->range_lo;
		q->hi = req->range_hi;
	}

	if (pool->strategy == MEMSIM_BUDDY) {
		u64 min = 1ULL << pool->buddy_min_order;

		/*
		 * Nothing above 2^63 rounds to a power of two in 64 bits: it
		 * would be a block of 2^64 bytes, which no segment can hold
		 * (-ENOSPC) and no fixed address can start (-EINVAL, as any
		 * fixed block that would end past U64_MAX).  U64_MAX stands
		 * for it; it is never used as a mask.
		 */
		if (q->size > (1ULL << MEMSIM_MAX_ORDER)) {
			if (q->fixed)
				return -EINVAL;
			q->size = U64_MAX;
			return 0;
		}
		q->size = roundup_pow_of_two(q->size);
		if (q->size < min)
			q->size = min;
		if (q->size < q->align)
			q->size = q->align;
		/* A buddy block is aligned to its own size. */
		if (q->size != U64_MAX)
			q->align = q->size;
	}

	if (q->fixed) {
		if (req->addr & (q->align - 1))
			return -EINVAL;
		if (check_add_overflow(req->addr, q->size, &end))
			return -EINVAL;
		/* Exactly there: the window is the allocation itself. */
		if (req->addr > q->lo)
			q->lo = req->addr;
		if (end < q->hi)
			q->hi = end;
	}
	return 0;
}

static bool memsim_search_stream(struct memsim_pool *pool, struct memsim_stream *s,
				 struct memsim_query *q, struct memsim_candidate *c)
{
	if (memsim_strategy_is_fit(pool->strategy))
		return memsim_fit_search(pool, s, q, c);
	return memsim_buddy_search(pool, s, q, c);
}

static bool memsim_better(struct memsim_pool *pool, const struct memsim_query *q,
			  const struct memsim_candidate *a,
			  const struct memsim_candidate *b)
{
	if (memsim_strategy_is_fit(pool->strategy))
		return memsim_fit_better(pool->strategy, q->topdown, a, b);
	return memsim_buddy_better(q->topdown, a, b);
}

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
		return s && memsim_search_stream(pool, s, q, best);
	}

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		s = rb_entry(node, struct memsim_stream, rb);
		if (!memsim_search_stream(pool, s, q, &c))
			continue;
		if (!found || memsim_better(pool, q, &c, best)) {
			*best = c;
			found = true;
		}
	}
	return found;
}

/*
 * Next fit first looks on the cursor's side of the address space only, then
 * wraps around to the whole window.
 */
static bool memsim_search_next_fit(struct memsim_pool *pool, u32 stream,
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
	if (pool->strategy == MEMSIM_NEXT_FIT && !q->fixed)
		return memsim_search_next_fit(pool, stream, q, c);
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
	res->splits = memsim_strategy_is_fit(pool->strategy) ?
		memsim_fit_splits(c) : memsim_buddy_splits(c);
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
	plan->t0 = memsim_env_now_ns();
	ret = memsim_query_init(pool, req, &plan->q);
	if (ret)
		return ret;
	/* Limits after the arguments: a malformed request is always -EINVAL. */
	if (pool->max_live_blocks && pool->usage.live_blocks >= pool->max_live_blocks)
		return -E2BIG;
	if (!memsim_find(pool, req->stream, &plan->q, &plan->c))
		return -ENOSPC;
	memsim_plan_result(pool, &plan->q, req, &plan->c, &plan->res);
	return memsim_reserve_fill(pool, &plan->r, plan->res.splits);
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
	st->alloc_ns += memsim_env_now_ns() - plan->t0;
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
	struct memsim_block *b;

	if (memsim_strategy_is_fit(pool->strategy))
		b = memsim_fit_take(pool, &plan->c, &plan->r);
	else
		b = memsim_buddy_take(pool, &plan->c, &plan->r);
	/* The reserve held exactly the splits; anything left is a bug. */
	if (WARN_ON_ONCE(plan->r.count))
		memsim_reserve_drain(&plan->r);

	b->state = MEMSIM_BLOCK_ALLOCATED;
	b->requested = req->size;
	b->tag = req->tag;
	b->owner = req->owner;
	memsim_env_strcpy(b->label, req->label ? req->label : "", sizeof(b->label));
	b->alloc_ns = plan->t0;
	b->free_ns = 0;
	memsim_allocated_insert(pool, b);
	memsim_account_alloc(pool, b);
	memsim_emit_alloc(pool, b, req);

	pool->cursor = plan->q.topdown ? b->addr : memsim_block_end(b);

	st->steps += plan->q.steps;
	st->allocs++;
	st->alloc_ns += memsim_env_now_ns() - plan->t0;
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
 * address), with nothing counted; -E2BIG at the live-block limit or the
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

/* Return an allocated block to the free space and coalesce it. */
static void memsim_release_block(struct memsim_pool *pool, struct memsim_block *b,
				 struct memsim_free_result *res)
{
	struct memsim_strategy_stats *st = &pool->strategy_stats[pool->strategy];
	u64 t0 = memsim_env_now_ns();

	memsim_emit_block(pool, MEMSIM_EV_FREE_COMPLETE, b);
	rb_erase(&b->rb_addr, &pool->allocated);
	memsim_account_release(pool, b);
	res->freed_size = b->size;
	if (memsim_strategy_is_fit(pool->strategy))
		memsim_fit_give_back(pool, b, res);
	else
		memsim_buddy_give_back(pool, b, res);
	st->frees++;
	st->free_ns += memsim_env_now_ns() - t0;
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
 * allocated block starts at @addr; -EBUSY if its free is already pending.
 */
int memsim_free(struct memsim_pool *pool, u64 addr, u64 expected_size,
		u32 flags, struct memsim_free_result *res)
{
	struct memsim_block *b;

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
	if (flags & MEMSIM_FREE_DEFERRED) {
		b->state = MEMSIM_BLOCK_FREE_REQUESTED;
		b->free_ns = memsim_env_now_ns();
		list_add_tail(&b->deferred, &b->segment->stream->deferred);
		memsim_account_deferred(pool, b, true);
		memsim_emit_block(pool, MEMSIM_EV_FREE_REQUEST, b);
		res->freed_size = b->size;
		res->deferred = true;
		return 0;
	}
	b->free_ns = memsim_env_now_ns();
	memsim_release_block(pool, b, res);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_free);

static void memsim_complete_block(struct memsim_pool *pool, struct memsim_block *b,
				  struct memsim_free_result *res)
{
	list_del(&b->deferred);
	memsim_account_deferred(pool, b, false);
	memset(res, 0, sizeof(*res));
	memsim_release_block(pool, b, res);
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
	return memsim_strategy_is_fit(pool->strategy) ?
		memsim_fit_largest(s) : memsim_buddy_largest(s);
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
	if (memsim_strategy_is_fit(pool->strategy))
		return memsim_fit_largest_in(seg->stream, seg->start, seg->start + seg->size);
	return memsim_buddy_largest_in(seg->stream, seg->start, seg->start + seg->size);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_segment_largest_free);

/**
 * memsim_ratio_ppm() - a ratio in parts per million
 * @part: the numerator, at most @whole.
 * @whole: the denominator.
 *
 * Exact for any 64-bit operands (a 128-bit product), rounded down: the
 * result is %MEMSIM_PPM only when @part equals @whole.
 *
 * Return: floor(part * 10^6 / whole), 0 when @whole is 0.
 */
u32 memsim_ratio_ppm(u64 part, u64 whole)
{
	if (!whole)
		return 0;
	if (part >= whole)
		return MEMSIM_PPM;
	return (u32)memsim_env_mul_div(part, MEMSIM_PPM, whole);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_ratio_ppm);

/**
 * memsim_frag_ppm() - external fragmentation in parts per million
 * @free: free bytes.
 * @largest: the largest free block, at most @free.
 *
 * 1 - largest / free, computed as (free - largest) / free and rounded
 * down like every ratio: 0 when all free space is one block, towards 10^6
 * as it scatters.
 *
 * Return: the fragmentation, 0 when nothing is free.
 */
u32 memsim_frag_ppm(u64 free, u64 largest)
{
	if (largest >= free)
		return 0;
	return memsim_ratio_ppm(free - largest, free);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_frag_ppm);

/**
 * memsim_split_ratio_ppm() - the Python design's segment "fragmentation"
 * @nr_blocks: blocks in the segment.
 *
 * 1 - 1 / blocks, that is (blocks - 1) / blocks, in parts per million
 * rounded down.  It grows with every split whether or not free space is
 * scattered; reported for parity with the design, next to
 * memsim_frag_ppm().
 *
 * Return: the ratio, 0 for a segment of one block (or none).
 */
u32 memsim_split_ratio_ppm(u64 nr_blocks)
{
	if (nr_blocks <= 1)
		return 0;
	return memsim_ratio_ppm(nr_blocks - 1, nr_blocks);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_split_ratio_ppm);

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
		memsim_release_block(pool, b, &res);
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
	struct memsim_segment *seg = memsim_segment_at_or_before(pool, addr);

	if (seg && seg->start == addr)
		return seg;
	return seg ? memsim_segment_next(seg) : memsim_segment_first(pool);
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

/* The first block, of those in @root keyed by address, that starts at or above @addr. */
static struct memsim_block *memsim_tree_first_from(struct rb_root *root, u64 addr)
{
	struct rb_node *node = root->rb_node;
	struct memsim_block *found = NULL;

	while (node) {
		struct memsim_block *b = rb_entry(node, struct memsim_block, rb_addr);

		if (b->addr >= addr) {
			found = b;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

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
 * from @addr in the stream of the segment concerned: O(log n) for the fit
 * strategies, O(max order * log n) for the buddy system.  Walking on from
 * there follows the segment lists.
 *
 * Return: the block, or NULL.
 */
struct memsim_block *memsim_block_first_from(struct memsim_pool *pool, u64 addr)
{
	struct memsim_segment *seg = memsim_segment_ending_after(pool, addr);
	struct memsim_block *best, *found;
	struct memsim_stream *s;
	unsigned int i;

	while (seg) {
		if (seg->start >= addr)
			return list_first_entry_or_null(&seg->blocks, struct memsim_block, link);

		/* @addr is inside @seg: the answer is in @seg or after it. */
		s = seg->stream;
		best = memsim_tree_first_from(&pool->allocated, addr);
		if (memsim_strategy_is_fit(pool->strategy)) {
			found = memsim_tree_first_from(&s->addr_tree, addr);
			best = memsim_lower(best, found);
		}
		for (i = 0; !memsim_strategy_is_fit(pool->strategy) &&
		     i <= MEMSIM_MAX_ORDER; i++) {
			if (!(s->order_mask & (1ULL << i)))
				continue;
			found = memsim_tree_first_from(&s->order_tree[i], addr);
			best = memsim_lower(best, found);
		}
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

	if (pool->strategy == MEMSIM_BUDDY && largest < (1ULL << pool->buddy_min_order))
		return 0;
	return largest;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_largest_alloc);

/**
 * memsim_strategy_name() - short name of a strategy, for humans
 * @strategy: the strategy.
 *
 * Return: "first", "best", "worst", "next", "buddy", or "?".
 */
const char *memsim_strategy_name(enum memsim_strategy strategy)
{
	static const char * const names[MEMSIM_NR_STRATEGIES] = {
		[MEMSIM_FIRST_FIT] = "first",
		[MEMSIM_BEST_FIT] = "best",
		[MEMSIM_WORST_FIT] = "worst",
		[MEMSIM_NEXT_FIT] = "next",
		[MEMSIM_BUDDY] = "buddy",
	};

	return (unsigned int)strategy < MEMSIM_NR_STRATEGIES ? names[strategy] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(memsim_strategy_name);
