// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: counters, the free indexes' entry points and events
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Counters and events
 *
 * Counters are kept per pool, per stream and per segment, each O(1) to
 * read, and updated only by the helpers here, which every state change of
 * a block goes through: memsim_free_insert() and memsim_free_remove() put a
 * free block into its stream's index (through the active strategy's
 * &struct memsim_index_ops) and count it, the memsim_account_*() helpers
 * count allocations, releases and deferred frees.  memsim_emit() tells the
 * pool's observer what happened.  Pool and strategies both sit on this
 * layer; it calls neither.
 */

#include "memsim_core_priv.h"

#include <kunit/visibility.h>

/*
 * Counters.  Each change is applied to the pool, the block's stream and its
 * segment at once, through the helpers below.  They run several times per
 * operation, so the three levels are spelt out rather than looped over.
 */

/*
 * Count a block in (@d = 1, @bytes its size) or out of (@d = -1, @bytes
 * minus its size, modulo 2^64) the free blocks of @u.
 */
static __always_inline void memsim_usage_free(struct memsim_usage *u, u64 bytes,
					      unsigned int class, u64 d)
{
	u->free += bytes;
	u->free_blocks += d;
	u->free_hist[class] += d;
}

static void memsim_account_free(struct memsim_pool *pool,
				struct memsim_block *b, bool add)
{
	unsigned int class = memsim_size_class(b->size);
	struct memsim_segment *seg = b->segment;
	u64 bytes = add ? b->size : -b->size;
	u64 d = add ? 1 : -1;

	memsim_usage_free(&pool->usage, bytes, class, d);
	memsim_usage_free(&seg->stream->usage, bytes, class, d);
	memsim_usage_free(&seg->usage, bytes, class, d);
}

/* History counters stop at U64_MAX instead of wrapping to small numbers. */
static u64 memsim_add_sat(u64 a, u64 b)
{
	u64 sum;

	return check_add_overflow(a, b, &sum) ? U64_MAX : sum;
}

static __always_inline void memsim_usage_alloc(struct memsim_usage *u,
					       const struct memsim_block *b)
{
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

void memsim_account_alloc(struct memsim_pool *pool, struct memsim_block *b)
{
	struct memsim_segment *seg = b->segment;

	memsim_usage_alloc(&pool->usage, b);
	memsim_usage_alloc(&seg->stream->usage, b);
	memsim_usage_alloc(&seg->usage, b);
}

static __always_inline void memsim_usage_release(struct memsim_usage *u,
						 const struct memsim_block *b)
{
	u->allocated -= b->size;
	u->requested -= b->requested;
	u->live_blocks--;
	u->frees++;
}

void memsim_account_release(struct memsim_pool *pool, struct memsim_block *b)
{
	struct memsim_segment *seg = b->segment;

	memsim_usage_release(&pool->usage, b);
	memsim_usage_release(&seg->stream->usage, b);
	memsim_usage_release(&seg->usage, b);
}

/* As memsim_usage_free(), for the deferred frees. */
static __always_inline void memsim_usage_deferred(struct memsim_usage *u, u64 bytes, u64 d)
{
	u->deferred_blocks += d;
	u->deferred_bytes += bytes;
}

void memsim_account_deferred(struct memsim_pool *pool, struct memsim_block *b, bool add)
{
	struct memsim_segment *seg = b->segment;
	u64 bytes = add ? b->size : -b->size;
	u64 d = add ? 1 : -1;

	memsim_usage_deferred(&pool->usage, bytes, d);
	memsim_usage_deferred(&seg->stream->usage, bytes, d);
	memsim_usage_deferred(&seg->usage, bytes, d);
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
	struct memsim_event ev;

	if (!pool->event)
		return;
	ev = (struct memsim_event) {
		.type = type,
		.stream = b->segment->stream->id,
		.addr = b->addr,
		.size = b->size,
		.segment_id = b->segment->id,
	};
	if (b->state != MEMSIM_BLOCK_FREE) {
		ev.requested = b->requested;
		ev.tag = b->tag;
	}
	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		ev.flags = MEMSIM_FREE_DEFERRED;
	memsim_emit(pool, &ev);
}

/*
 * A free block enters or leaves its stream's free index: every change of a
 * block to or from free goes through these two, so the index and the
 * counters cannot disagree.
 */
void memsim_free_insert(struct memsim_pool *pool, struct memsim_block *b)
{
	b->state = MEMSIM_BLOCK_FREE;
	pool->ops->index->insert(pool, b->segment->stream, b);
	memsim_account_free(pool, b, true);
}

void memsim_free_remove(struct memsim_pool *pool, struct memsim_block *b)
{
	pool->ops->index->remove(pool, b->segment->stream, b);
	memsim_account_free(pool, b, false);
}

/*
 * A free block, in the index, takes the extent [addr, addr + size), which
 * keeps its place in address order (&memsim_index_ops.resize): a split
 * that leaves the block a piece of itself, a merge into a free block.
 */
void memsim_free_resize(struct memsim_pool *pool, struct memsim_block *b, u64 addr, u64 size)
{
	const struct memsim_index_ops *index = pool->ops->index;
	struct memsim_stream *s = b->segment->stream;

	memsim_account_free(pool, b, false);
	if (index->resize) {
		index->resize(pool, s, b, addr, size);
	} else {
		index->remove(pool, s, b);
		b->addr = addr;
		b->size = size;
		index->insert(pool, s, b);
	}
	memsim_account_free(pool, b, true);
}

/* The end of a free: a merge is reported, the result names the block. */
void memsim_free_report(struct memsim_pool *pool, struct memsim_block *b,
			struct memsim_free_result *res)
{
	if (res->coalesced)
		memsim_emit_block(pool, MEMSIM_EV_COALESCE, b);
	res->coalesced_addr = b->addr;
	res->coalesced_size = b->size;
}

/*
 * A freed block, merged as its family merges, becomes free: what its
 * allocation left in its life is cleared (the request's own fields share
 * their bytes with the free index, which overwrites them), it enters the
 * free index, a merge is reported, and the free's result names the block
 * it ended in.
 */
void memsim_free_settle(struct memsim_pool *pool, struct memsim_block *b,
			struct memsim_free_result *res)
{
	struct memsim_life *life = memsim_life_of(b);

	if (life) {
		life->alloc_ns = 0;
		life->free_ns = 0;
		life->owner = 0;
		life->label[0] = '\0';
	}
	memsim_free_insert(pool, b);
	memsim_free_report(pool, b, res);
}

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
