// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: invariant walker of the allocator core, for tests
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Consistency check
 *
 * memsim_pool_check() walks a whole pool and recomputes, from the blocks
 * alone, everything the core keeps incrementally: the tiling of each
 * segment, the free indexes of each stream, the pool's tree of allocated
 * blocks, the deferred-free lists and every &struct memsim_usage counter.
 * It stops at the first difference and describes it, naming the segment and
 * the block, so that a failing test points at the operation that broke the
 * pool rather than at a later symptom.
 *
 * Set equality between the blocks and an index is shown in two halves: every
 * block that must be indexed is looked up in the index and must be found as
 * that very node, and the index holds no more nodes than there are such
 * blocks.  Each index is also walked in order, which checks its ordering and
 * that it holds only blocks in the right state and stream.
 *
 * What is particular to a family of strategies (the shape of a buddy block,
 * the fit strategies' merging rule, each free index) is checked by that
 * family's &memsim_index_ops.check_block and &memsim_index_ops.check hooks,
 * with the helpers of memsim_check.h; this file checks the rest.
 *
 * The walk is O(n log n) in the number of blocks (O(n) plus one lookup per
 * block) and allocates nothing.  It is meant for tests - the KUnit suites
 * and the userspace host harness call it after every mutating step - and
 * not for production paths.  Like the rest of the core it takes no locks:
 * the caller serialises it with every other call on the pool.
 */

#include <kunit/visibility.h>

#include "memsim_core_priv.h"
#include "memsim_check.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/export.h>
#include <linux/kernel.h>
#include <linux/stddef.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <stddef.h>
#endif

#ifndef EUCLEAN
#define EUCLEAN		117	/* "Structure needs cleaning", as in glibc */
#endif

/*
 * u64 is unsigned long long in the kernel but uint64_t (unsigned long on
 * 64-bit) in tools/include: convert at the call so one format fits both.
 */
#define ull(v)	memsim_ull(v)

#define check_fail	memsim_check_fail
#define block_fail	memsim_check_block_fail

static bool block_is_live(const struct memsim_block *blk)
{
	return blk->state == MEMSIM_BLOCK_ALLOCATED ||
	       blk->state == MEMSIM_BLOCK_FREE_REQUESTED;
}

static u64 block_end(const struct memsim_block *blk)
{
	return blk->addr + blk->size;
}

/* Histogram bucket of a free block: floor(log2(size)). */
static unsigned int hist_bucket(u64 size)
{
	return ilog2(size);
}

/* ---- lookups by key, the way the core's own searches descend ---- */

/*
 * The pool's own lookups would do, but searching the trees here states what
 * is checked: the node is reachable from the root by its key.
 */
static struct rb_node *segment_id_node(struct memsim_pool *pool, u64 id)
{
	return rb_find(&id, &pool->segments_by_id, memsim_segment_id_cmp);
}

static struct rb_node *stream_node(struct memsim_pool *pool, u32 id)
{
	return rb_find(&id, &pool->streams, memsim_stream_id_cmp);
}

/* ---- counters ---- */

#define USAGE_FIELD(f)	{ #f, offsetof(struct memsim_usage, f) }

/* The counters that follow from the blocks; allocs, frees, failures do not. */
static const struct {
	const char *name;
	size_t offset;
} usage_fields[] = {
	USAGE_FIELD(total),
	USAGE_FIELD(allocated),
	USAGE_FIELD(requested),
	USAGE_FIELD(free),
	USAGE_FIELD(live_blocks),
	USAGE_FIELD(free_blocks),
	USAGE_FIELD(deferred_blocks),
	USAGE_FIELD(deferred_bytes),
};

static u64 usage_field(const struct memsim_usage *u, size_t offset)
{
	return *(const u64 *)((const char *)u + offset);
}

static void usage_add(struct memsim_usage *sum, const struct memsim_usage *u)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(usage_fields); i++)
		*(u64 *)((char *)sum + usage_fields[i].offset) +=
			usage_field(u, usage_fields[i].offset);
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++)
		sum->free_hist[i] += u->free_hist[i];
}

/* Compares the recomputed counters in c->scratch with what @what keeps. */
static int usage_compare(struct memsim_check *c, const struct memsim_usage *have,
			 const char *what, u64 id)
{
	const struct memsim_usage *want = &c->scratch;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(usage_fields); i++) {
		u64 h = usage_field(have, usage_fields[i].offset);
		u64 w = usage_field(want, usage_fields[i].offset);

		if (h != w)
			return check_fail(c, "%s %llu: usage.%s is %llu, expected %llu", what,
					  ull(id), usage_fields[i].name, ull(h), ull(w));
	}
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++) {
		if (have->free_hist[i] != want->free_hist[i])
			return check_fail(c, "%s %llu: usage.free_hist[%u] is %llu, expected %llu",
					  what, ull(id), i, ull(have->free_hist[i]),
					  ull(want->free_hist[i]));
	}
	if (have->peak_allocated < have->allocated)
		return check_fail(c, "%s %llu: usage.peak_allocated %llu below allocated %llu",
				  what, ull(id), ull(have->peak_allocated), ull(have->allocated));
	return 0;
}

static void usage_count_block(struct memsim_usage *u, const struct memsim_block *blk)
{
	if (blk->state == MEMSIM_BLOCK_FREE) {
		u->free += blk->size;
		u->free_blocks++;
		u->free_hist[hist_bucket(blk->size)]++;
		return;
	}
	u->allocated += blk->size;
	u->requested += blk->requested;
	u->live_blocks++;
	if (blk->state == MEMSIM_BLOCK_FREE_REQUESTED) {
		u->deferred_blocks++;
		u->deferred_bytes += blk->size;
	}
}

/* ---- one block ---- */

/* A live block must be in the pool's allocated tree, as that very node. */
static int check_block_allocated(struct memsim_check *c, struct memsim_block *blk)
{
	if (block_is_live(blk) &&
	    memsim_check_addr_find(&c->pool->allocated, blk->addr) != blk)
		return block_fail(c, blk, "not in the pool's allocated tree");
	return 0;
}

static int check_block_state(struct memsim_check *c, const struct memsim_block *blk)
{
	switch (blk->state) {
	case MEMSIM_BLOCK_FREE:
		return 0;
	case MEMSIM_BLOCK_ALLOCATED:
	case MEMSIM_BLOCK_FREE_REQUESTED:
		if (!blk->requested || blk->requested > blk->size)
			return block_fail(c, blk, "requested %llu does not fit the block",
					  ull(blk->requested));
		return 0;
	default:
		return block_fail(c, blk, "unknown state");
	}
}

/* ---- one segment ---- */

/* Walks the block list; leaves the recomputed counters in c->scratch. */
static int check_segment_blocks(struct memsim_check *c, struct memsim_segment *seg)
{
	const struct memsim_index_ops *index = c->pool->ops->index;
	u64 end = seg->start + seg->size;
	u64 next = seg->start;
	struct memsim_block *blk, *prev = NULL;
	u64 n = 0;
	int ret;

	memset(&c->scratch, 0, sizeof(c->scratch));
	c->scratch.total = seg->size;

	list_for_each_entry(blk, &seg->blocks, link) {
		/* First, so that the messages below name the right segment. */
		if (blk->segment != seg)
			return check_fail(c, "segment %llu block [%#llx+%#llx): ->segment is %s",
					  ull(seg->id), ull(blk->addr), ull(blk->size),
					  blk->segment ? "another segment" : "NULL");
		/* Stops a corrupt, cyclic list as soon as an address repeats. */
		if (blk->addr != next)
			return block_fail(c, blk, "expected at %#llx (%s)", ull(next),
					  blk->addr < next ? "overlap" : "gap");
		if (!blk->size || blk->size > end - blk->addr)
			return block_fail(c, blk, "runs past the segment end %#llx", ull(end));
		ret = check_block_state(c, blk);
		if (!ret)
			ret = check_block_allocated(c, blk);
		/* The family's shape and merging rules, and its free index. */
		if (!ret)
			ret = index->check_block(c, blk, prev);
		if (ret)
			return ret;

		usage_count_block(&c->scratch, blk);
		next = block_end(blk);
		prev = blk;
		n++;
	}
	if (next != end)
		return check_fail(c, "segment %llu [%#llx+%#llx): blocks end at %#llx",
				  ull(seg->id), ull(seg->start), ull(seg->size), ull(next));
	if (n != seg->nr_blocks)
		return check_fail(c, "segment %llu: nr_blocks %llu, list holds %llu", ull(seg->id),
				  ull(seg->nr_blocks), ull(n));

	c->nr_blocks += n;
	c->nr_live += c->scratch.live_blocks;
	return 0;
}

/* The segment trees, then every segment's blocks. */
static int check_segments(struct memsim_check *c)
{
	struct memsim_pool *pool = c->pool;
	struct memsim_segment *seg, *prev = NULL;
	struct rb_node *node;
	u64 n = 0;
	int ret;

	for (node = rb_first(&pool->segments); node; node = rb_next(node)) {
		seg = rb_entry(node, struct memsim_segment, rb_start);
		if (!seg->size || seg->start + seg->size < seg->start)
			return check_fail(c, "segment %llu [%#llx+%#llx): empty or wraps",
					  ull(seg->id), ull(seg->start), ull(seg->size));
		if (prev && prev->start + prev->size > seg->start)
			return check_fail(c, "segment %llu [%#llx+%#llx) overlaps [%#llx+%#llx)",
					  ull(seg->id), ull(seg->start), ull(seg->size),
					  ull(prev->start), ull(prev->size));
		if (!seg->id || seg->id > pool->last_segment_id)
			return check_fail(c, "segment %llu: id outside [1, %llu]", ull(seg->id),
					  ull(pool->last_segment_id));
		if (segment_id_node(pool, seg->id) != &seg->rb_id)
			return check_fail(c, "segment %llu: not in segments_by_id", ull(seg->id));
		if (!seg->stream || stream_node(pool, seg->stream->id) != &seg->stream->rb)
			return check_fail(c, "segment %llu: stream not in the pool's stream tree",
					  ull(seg->id));

		ret = check_segment_blocks(c, seg);
		if (ret)
			return ret;
		memsim_env_cond_resched();
		ret = usage_compare(c, &seg->usage, "segment", seg->id);
		if (ret)
			return ret;
		prev = seg;
		n++;
	}
	if (n != pool->nr_segments)
		return check_fail(c, "pool: nr_segments %llu, segment tree holds %llu",
				  ull(pool->nr_segments), ull(n));

	/* Every segment was found in it, so equal counts mean equal sets. */
	n = 0;
	prev = NULL;
	for (node = rb_first(&pool->segments_by_id); node; node = rb_next(node)) {
		seg = rb_entry(node, struct memsim_segment, rb_id);
		if (prev && prev->id >= seg->id)
			return check_fail(c, "segments_by_id: %llu after %llu", ull(seg->id),
					  ull(prev->id));
		prev = seg;
		n++;
	}
	if (n != pool->nr_segments)
		return check_fail(c, "pool: nr_segments %llu, id tree holds %llu",
				  ull(pool->nr_segments), ull(n));
	return 0;
}

/* ---- the free indexes of one stream ---- */

/* A stream's deferred list holds exactly its FREE_REQUESTED blocks. */
static int check_deferred(struct memsim_check *c, struct memsim_stream *st)
{
	struct memsim_block *blk;
	u64 n = 0;

	list_for_each_entry(blk, &st->deferred, deferred) {
		/* More entries than blocks in the pool: the list is cyclic. */
		if (n++ > c->nr_blocks)
			return check_fail(c, "stream %u: deferred list longer than the pool",
					  st->id);
		if (blk->state != MEMSIM_BLOCK_FREE_REQUESTED)
			return block_fail(c, blk, "on the deferred list of stream %u", st->id);
		if (!blk->segment || blk->segment->stream != st)
			return block_fail(c, blk,
					  "on the deferred list of stream %u, another stream's",
					  st->id);
	}
	if (n != st->usage.deferred_blocks)
		return check_fail(c, "stream %u: deferred list holds %llu, its blocks %llu", st->id,
				  ull(n), ull(st->usage.deferred_blocks));
	return 0;
}

/* Sums the segments' (already verified) counters into c->scratch. */
static u64 stream_sum_segments(struct memsim_check *c, struct memsim_stream *st)
{
	struct memsim_segment *seg;
	struct rb_node *node;
	u64 n = 0;

	memset(&c->scratch, 0, sizeof(c->scratch));
	/* O(segments) per stream: fine for a test helper, and allocation-free. */
	for (node = rb_first(&c->pool->segments); node; node = rb_next(node)) {
		seg = rb_entry(node, struct memsim_segment, rb_start);
		if (seg->stream != st)
			continue;
		usage_add(&c->scratch, &seg->usage);
		n++;
	}
	return n;
}

static int check_stream(struct memsim_check *c, struct memsim_stream *st)
{
	u64 nr_segments, n;
	int ret;

	nr_segments = stream_sum_segments(c, st);
	/* A stream goes with its last segment. */
	if (!nr_segments)
		return check_fail(c, "stream %u: no segment left", st->id);
	if (nr_segments != st->nr_segments)
		return check_fail(c, "stream %u: nr_segments %llu, the pool has %llu", st->id,
				  ull(st->nr_segments), ull(nr_segments));
	ret = usage_compare(c, &st->usage, "stream", st->id);
	if (ret)
		return ret;

	ret = c->pool->ops->index->check(c, st, &n);
	if (ret)
		return ret;
	/* Each free block was found in its index; no entry may be extra. */
	if (n != st->usage.free_blocks)
		return check_fail(c, "stream %u: free index holds %llu, free blocks %llu", st->id,
				  ull(n), ull(st->usage.free_blocks));

	return check_deferred(c, st);
}

static int check_streams(struct memsim_check *c)
{
	struct memsim_pool *pool = c->pool;
	struct memsim_stream *st, *prev = NULL;
	struct rb_node *node;
	u64 n = 0;
	int ret;

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		st = rb_entry(node, struct memsim_stream, rb);
		if (prev && prev->id >= st->id)
			return check_fail(c, "streams: %u after %u", st->id, prev->id);
		ret = check_stream(c, st);
		if (ret)
			return ret;
		prev = st;
		n++;
	}
	if (n != pool->nr_streams)
		return check_fail(c, "pool: nr_streams %u, stream tree holds %llu",
				  pool->nr_streams, ull(n));

	memset(&c->scratch, 0, sizeof(c->scratch));
	for (node = rb_first(&pool->streams); node; node = rb_next(node))
		usage_add(&c->scratch, &rb_entry(node, struct memsim_stream, rb)->usage);
	return usage_compare(c, &pool->usage, "pool", 0);
}

/* The pool's allocated tree: address order, live blocks only, no extras. */
static int check_allocated(struct memsim_check *c)
{
	struct memsim_block *blk, *prev = NULL;
	struct rb_node *node;
	u64 n = 0;

	for (node = rb_first(&c->pool->allocated); node; node = rb_next(node)) {
		blk = rb_entry(node, struct memsim_block, rb_addr);
		if (!block_is_live(blk))
			return block_fail(c, blk, "in the allocated tree but not allocated");
		if (prev && block_end(prev) > blk->addr)
			return block_fail(c, blk, "after [%#llx+%#llx) in the allocated tree",
					  ull(prev->addr), ull(prev->size));
		prev = blk;
		n++;
	}
	if (n != c->nr_live)
		return check_fail(c, "pool: allocated tree holds %llu, live blocks %llu", ull(n),
				  ull(c->nr_live));
	return 0;
}

/**
 * memsim_pool_check() - verify every invariant of a pool
 * @pool: the pool; not changed.
 * @msg: buffer for a description of the first inconsistency; may be NULL
 *	when @len is 0.
 * @len: size of @msg in bytes.
 *
 * Walks the segments and their blocks and recomputes the tiling, the
 * family's block shape (the strategy's check hooks: buddy shape, fit
 * merging), the free indexes of every stream (with the address tree's
 * subtree maxima), the tree of allocated blocks, the deferred lists and
 * every usage counter, comparing each with what the pool keeps.  See
 * DOC: Consistency check.  For tests only: it costs O(n log n) in the
 * number of blocks.
 *
 * Context: the caller serialises it with every other call on @pool.
 * Return: 0 when the pool is consistent, -EUCLEAN otherwise, with @msg
 * describing the first offending segment, stream or block.
 */
int memsim_pool_check(struct memsim_pool *pool, char *msg, size_t len)
{
	struct memsim_check c = {
		.pool = pool,
		.msg = msg,
		.len = len,
	};
	int ret;

	if (len)
		msg[0] = '\0';
	if (pool->strategy >= MEMSIM_NR_STRATEGIES)
		return check_fail(&c, "pool: unknown strategy %u", pool->strategy);
	if (pool->ops != memsim_strategies[pool->strategy])
		return check_fail(&c, "pool: ops are not those of strategy %u", pool->strategy);
	if (pool->buddy_min_order > MEMSIM_MAX_ORDER)
		return check_fail(&c, "pool: buddy_min_order %u", pool->buddy_min_order);

	ret = check_segments(&c);
	if (ret)
		return ret;
	/* Every block structure the pool counts is on a segment's list. */
	if (pool->nr_block_structs != c.nr_blocks)
		return check_fail(&c, "pool: %llu block structures, the segments hold %llu",
				  ull(pool->nr_block_structs), ull(c.nr_blocks));
	ret = check_streams(&c);
	if (ret)
		return ret;
	return check_allocated(&c);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_check);
