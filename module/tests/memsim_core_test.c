// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: KUnit tests of the allocator core
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Allocator core suites
 *
 * These suites drive the core (memsim_core.h) directly, one pool per test,
 * and run memsim_pool_check() after every step that changes a pool, so a
 * broken invariant is reported at the step that broke it.  Every expected
 * address, size and counter is worked out here from the placement rules of
 * memsim_core.h, never by asking the code under test.
 *
 * - memsim_check: the invariant walker itself must fail on corrupted pools,
 *   or every other suite would prove nothing;
 * - memsim_segment: creation, overlap classification, the safe-range
 *   finder, release, and their boundaries;
 * - memsim_placement: exact fill and reinsertion, placement oracles of each
 *   strategy bottom-up and top-down, the buddy system's rounding, splits,
 *   roots and merges, alignment sweeps, ranges, fixed addresses, streams;
 * - memsim_lifecycle: frees (deferred or not) and their errors, strategy
 *   switches, counters, address-space boundaries;
 * - memsim_inject: every metadata allocation of an operation is made to fail
 *   in turn; each failure must leave the pool exactly as it was;
 * - memsim_bounds: memory budgets (per pool and shared), streams freed with
 *   their last segment, exact ratios, the edges of buddy + FIXED, failure
 *   counting, saturating history, validation before limits, prepare and
 *   commit, per-segment largest free block against a walk;
 * - memsim_stress: seeded random operations checked against a model that
 *   recomputes every placement from the free blocks.  The module parameters
 *   seed and stress_ops reproduce or lengthen a run:
 *   ``insmod memsim_test.ko seed=7 stress_ops=20000``.
 *
 * Pools are embedded structures from kunit_kzalloc(), finalised by a KUnit
 * action, so a test that fails halfway leaks nothing.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memsim_core.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

static unsigned long long seed = 42;
module_param(seed, ullong, 0444);
MODULE_PARM_DESC(seed, "seed of the memsim_stress suite (default 42)");

static unsigned int stress_ops = 2000;
module_param(stress_ops, uint, 0444);
MODULE_PARM_DESC(stress_ops, "operations per strategy in memsim_stress (default 2000)");

/* Layouts are drawn in units; the base is aligned far beyond any of them. */
#define UNIT		0x100ULL
#define BASE		0x100000ULL
#define MIN_BLOCK	64ULL
#define CHECK_MSG_LEN	192

KUNIT_DEFINE_ACTION_WRAPPER(pool_fini_action, memsim_pool_fini, struct memsim_pool *);

static const char * const strategy_names[] = {
	[MEMSIM_FIRST_FIT] = "first_fit",
	[MEMSIM_BEST_FIT] = "best_fit",
	[MEMSIM_WORST_FIT] = "worst_fit",
	[MEMSIM_NEXT_FIT] = "next_fit",
	[MEMSIM_BUDDY] = "buddy",
};

static const enum memsim_strategy all_strategies[] = {
	MEMSIM_FIRST_FIT, MEMSIM_BEST_FIT, MEMSIM_WORST_FIT, MEMSIM_NEXT_FIT, MEMSIM_BUDDY,
};

static void strategy_desc(const enum memsim_strategy *s, char *desc)
{
	strscpy(desc, strategy_names[*s], KUNIT_PARAM_DESC_SIZE);
}

KUNIT_ARRAY_PARAM(strategy, all_strategies, strategy_desc);

static enum memsim_strategy param_strategy(struct kunit *test)
{
	return *(const enum memsim_strategy *)test->param_value;
}

/* ---- first principles: sizes, buddy roots ---- */

static u64 pow2_at_least(u64 n)
{
	u64 p = 1;

	while (p < n)
		p <<= 1;
	return p;
}

/* What the buddy system hands out for a request: see memsim_core.h. */
static u64 buddy_size(u64 size, u64 align, u64 min)
{
	u64 b = pow2_at_least(size);

	if (b < min)
		b = min;
	if (b < align)
		b = align;
	return b;
}

/* The largest power of two that @addr is aligned to and that fits before @end. */
static u64 root_at(u64 addr, u64 end)
{
	u64 size = 1;

	while (size < (1ULL << 63) && !(addr & (2 * size - 1)) && 2 * size <= end - addr)
		size *= 2;
	return size;
}

/* ---- pools and their consistency ---- */

/*
 * After every mutating step: an inconsistent pool ends the test case, with
 * the checker's description and the line of the step.
 */
static void __assert_pool_ok(struct kunit *test, struct memsim_pool *pool, int line)
{
	char msg[CHECK_MSG_LEN];

	if (memsim_pool_check(pool, msg, sizeof(msg)))
		KUNIT_FAIL_AND_ABORT(test, "pool inconsistent after line %d: %s", line, msg);
}

#define assert_pool_ok(test, pool)	__assert_pool_ok(test, pool, __LINE__)

static struct memsim_pool *new_pool(struct kunit *test, enum memsim_strategy strategy)
{
	struct memsim_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	memsim_pool_init(pool);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pool_fini_action, pool), 0);
	KUNIT_ASSERT_EQ(test, memsim_set_strategy(pool, strategy,
						  strategy == MEMSIM_BUDDY ? MIN_BLOCK : 0), 0);
	assert_pool_ok(test, pool);
	return pool;
}

static struct memsim_segment *add_segment(struct kunit *test, struct memsim_pool *pool,
					  u64 start, u64 size, u32 stream)
{
	struct memsim_segment *seg = NULL;

	KUNIT_ASSERT_EQ_MSG(test, memsim_segment_create(pool, start, size, 0, stream, &seg), 0,
			    "segment [%#llx+%#llx) stream %u", start, size, stream);
	KUNIT_ASSERT_NOT_NULL(test, seg);
	assert_pool_ok(test, pool);
	return seg;
}

static void req_init(struct memsim_request *req, u64 size, u64 align, u32 flags)
{
	memset(req, 0, sizeof(*req));
	req->size = size;
	req->align = align;
	req->flags = flags;
	req->stream = MEMSIM_STREAM_ANY;
}

static int do_alloc(struct kunit *test, struct memsim_pool *pool,
		    const struct memsim_request *req, struct memsim_result *res)
{
	int ret = memsim_alloc(pool, req, res);

	assert_pool_ok(test, pool);
	return ret;
}

/* An allocation that must succeed; returns its address. */
static u64 alloc_ok(struct kunit *test, struct memsim_pool *pool, u64 size, u64 align,
		    u32 flags)
{
	struct memsim_request req;
	struct memsim_result res;

	req_init(&req, size, align, flags);
	KUNIT_ASSERT_EQ_MSG(test, do_alloc(test, pool, &req, &res), 0,
			    "alloc size %#llx align %#llx flags %#x", size, align, flags);
	return res.addr;
}

/* An allocation that must fail with @err. */
static void alloc_fails(struct kunit *test, struct memsim_pool *pool, u64 size, u64 align,
			u32 flags, int err)
{
	struct memsim_request req;
	struct memsim_result res;

	req_init(&req, size, align, flags);
	KUNIT_EXPECT_EQ_MSG(test, do_alloc(test, pool, &req, &res), err,
			    "alloc size %#llx align %#llx flags %#x", size, align, flags);
}

static int do_free(struct kunit *test, struct memsim_pool *pool, u64 addr, u64 expected,
		   u32 flags, struct memsim_free_result *res)
{
	int ret = memsim_free(pool, addr, expected, flags, res);

	assert_pool_ok(test, pool);
	return ret;
}

static void free_ok(struct kunit *test, struct memsim_pool *pool, u64 addr)
{
	struct memsim_free_result res;

	KUNIT_ASSERT_EQ_MSG(test, do_free(test, pool, addr, 0, 0, &res), 0, "free %#llx", addr);
}

static int do_set_strategy(struct kunit *test, struct memsim_pool *pool,
			   enum memsim_strategy s, u64 min_block)
{
	int ret = memsim_set_strategy(pool, s, min_block);

	assert_pool_ok(test, pool);
	return ret;
}

/* ---- expected block layouts ---- */

struct layout {
	u64 addr;
	u64 size;
	u8 state;
};

#define BF	MEMSIM_BLOCK_FREE
#define BA	MEMSIM_BLOCK_ALLOCATED

/* The segment's blocks, in order, must be exactly @want (offsets in units). */
static void expect_layout(struct kunit *test, const struct memsim_segment *seg,
			  const struct layout *want, unsigned int n)
{
	const struct memsim_block *blk;
	unsigned int i = 0;

	list_for_each_entry(blk, &seg->blocks, link) {
		if (i < n) {
			KUNIT_EXPECT_EQ_MSG(test, blk->addr, seg->start + want[i].addr * UNIT,
					    "block %u address", i);
			KUNIT_EXPECT_EQ_MSG(test, blk->size, want[i].size * UNIT,
					    "block %u size", i);
			KUNIT_EXPECT_EQ_MSG(test, blk->state, want[i].state, "block %u state", i);
		}
		i++;
	}
	KUNIT_EXPECT_EQ_MSG(test, i, n, "number of blocks of segment %llu", seg->id);
}

/* The segment is whole again: one free block, or its buddy roots. */
static void expect_whole(struct kunit *test, struct memsim_pool *pool,
			 const struct memsim_segment *seg)
{
	u64 end = seg->start + seg->size, addr = seg->start;
	const struct memsim_block *blk;

	list_for_each_entry(blk, &seg->blocks, link) {
		u64 size = pool->strategy == MEMSIM_BUDDY ? root_at(addr, end) : end - addr;

		KUNIT_EXPECT_EQ_MSG(test, blk->addr, addr, "segment %llu not whole", seg->id);
		KUNIT_EXPECT_EQ_MSG(test, blk->size, size, "segment %llu block %#llx",
				    seg->id, blk->addr);
		KUNIT_EXPECT_EQ(test, blk->state, MEMSIM_BLOCK_FREE);
		addr += size;
	}
	KUNIT_EXPECT_EQ_MSG(test, addr, end, "segment %llu not covered", seg->id);
}

/* ---- snapshots: everything a failed call must leave untouched ---- */

struct snap {
	u64 *w;
	size_t n;
	size_t cap;
};

static void snap_put(struct snap *s, u64 v)
{
	if (s->n < s->cap)
		s->w[s->n] = v;
	s->n++;
}

/* Only for structures made of u64 fields alone. */
static void snap_words(struct snap *s, const void *p, size_t bytes)
{
	const u64 *q = p;
	size_t i;

	for (i = 0; i < bytes / sizeof(u64); i++)
		snap_put(s, q[i]);
}

static void snap_block(struct snap *s, const struct memsim_block *b)
{
	const struct memsim_life *life = memsim_life_of(b);
	bool live = b->state != MEMSIM_BLOCK_FREE;

	snap_put(s, b->addr);
	snap_put(s, b->size);
	snap_put(s, b->state);
	/* A free block's bytes for these belong to the free index. */
	snap_put(s, live ? b->requested : 0);
	snap_put(s, live ? b->tag : 0);
	snap_put(s, b->order);
	snap_put(s, b->root_order);
	if (life) {
		snap_put(s, life->create_ns);
		snap_put(s, life->alloc_ns);
		snap_put(s, life->free_ns);
		snap_put(s, life->owner);
	}
}

/* Everything but the fault injection countdown, in a fixed order. */
static void snap_walk(struct snap *s, struct memsim_pool *pool)
{
	struct memsim_segment *seg;
	struct memsim_stream *st;
	struct memsim_block *b;
	struct rb_node *node;

	snap_put(s, pool->nr_segments);
	snap_put(s, pool->nr_streams);
	snap_put(s, pool->last_segment_id);
	snap_put(s, pool->strategy);
	snap_put(s, pool->buddy_min_order);
	snap_put(s, pool->cursor);
	snap_put(s, pool->mem_used);
	snap_put(s, pool->nr_block_structs);
	snap_words(s, &pool->usage, sizeof(pool->usage));
	snap_words(s, pool->strategy_stats, sizeof(pool->strategy_stats));

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		st = rb_entry(node, struct memsim_stream, rb);
		snap_put(s, st->id);
		snap_put(s, st->nr_segments);
		snap_put(s, st->order_mask);
		snap_words(s, &st->usage, sizeof(st->usage));
		list_for_each_entry(b, &st->deferred, deferred)
			snap_put(s, b->addr);
	}
	for (node = rb_first(&pool->segments); node; node = rb_next(node)) {
		seg = rb_entry(node, struct memsim_segment, rb_start);
		snap_put(s, seg->id);
		snap_put(s, seg->start);
		snap_put(s, seg->size);
		snap_put(s, seg->device);
		snap_put(s, seg->stream->id);
		snap_put(s, seg->nr_blocks);
		snap_put(s, seg->create_ns);
		snap_words(s, &seg->usage, sizeof(seg->usage));
		list_for_each_entry(b, &seg->blocks, link)
			snap_block(s, b);
	}
	for (node = rb_first(&pool->allocated); node; node = rb_next(node))
		snap_put(s, rb_entry(node, struct memsim_block, rb_addr)->addr);
}

static struct snap *snap_take(struct kunit *test, struct memsim_pool *pool)
{
	struct snap *s = kunit_kzalloc(test, sizeof(*s), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, s);
	snap_walk(s, pool);		/* first pass counts */
	s->cap = s->n;
	s->n = 0;
	s->w = kunit_kmalloc_array(test, s->cap, sizeof(u64), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, s->w);
	snap_walk(s, pool);
	return s;
}

static void snap_drop(struct kunit *test, struct snap *s)
{
	kunit_kfree(test, s->w);
	kunit_kfree(test, s);
}

/* The pool must be word for word what @before recorded. */
static void expect_unchanged(struct kunit *test, struct memsim_pool *pool,
			     struct snap *before, const char *what)
{
	struct snap *now = snap_take(test, pool);
	size_t i;

	KUNIT_EXPECT_EQ_MSG(test, now->n, before->n, "%s: pool changed shape", what);
	for (i = 0; i < now->n && i < before->n; i++) {
		if (now->w[i] != before->w[i]) {
			KUNIT_FAIL(test, "%s: pool changed at word %zu: %#llx, was %#llx",
				   what, i, now->w[i], before->w[i]);
			break;
		}
	}
	snap_drop(test, now);
}

/* ==== memsim_check: the checker must be able to fail ==== */

static struct memsim_block *nth_block(struct memsim_segment *seg, unsigned int n)
{
	struct memsim_block *blk;

	list_for_each_entry(blk, &seg->blocks, link)
		if (!n--)
			return blk;
	return NULL;
}

/* Corrupts one u64, expects the checker to notice, and puts it back. */
static void expect_caught_u64(struct kunit *test, struct memsim_pool *pool, u64 *field,
			      u64 bad, const char *what)
{
	char msg[CHECK_MSG_LEN] = "";
	u64 good = *field;

	*field = bad;
	KUNIT_EXPECT_EQ_MSG(test, memsim_pool_check(pool, msg, sizeof(msg)), -EUCLEAN,
			    "corruption not caught: %s", what);
	KUNIT_EXPECT_NE_MSG(test, msg[0], '\0', "no description for: %s", what);
	*field = good;
	assert_pool_ok(test, pool);
}

static void expect_caught_u8(struct kunit *test, struct memsim_pool *pool, u8 *field,
			     u8 bad, const char *what)
{
	char msg[CHECK_MSG_LEN] = "";
	u8 good = *field;

	*field = bad;
	KUNIT_EXPECT_EQ_MSG(test, memsim_pool_check(pool, msg, sizeof(msg)), -EUCLEAN,
			    "corruption not caught: %s", what);
	KUNIT_EXPECT_NE_MSG(test, msg[0], '\0', "no description for: %s", what);
	*field = good;
	assert_pool_ok(test, pool);
}

static void check_catches_fit_corruption(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 4 * UNIT, 0);
	struct memsim_stream *st = seg->stream;
	struct memsim_block *a, *tail;
	char msg[8];

	/* free [0,1) | allocated [1,2) | free [2,4) */
	alloc_ok(test, pool, UNIT, 0, 0);
	alloc_ok(test, pool, UNIT, 0, 0);
	free_ok(test, pool, BASE);
	a = nth_block(seg, 1);
	tail = nth_block(seg, 2);
	KUNIT_ASSERT_NOT_NULL(test, tail);
	KUNIT_ASSERT_EQ(test, a->state, MEMSIM_BLOCK_ALLOCATED);

	expect_caught_u64(test, pool, &pool->usage.free, pool->usage.free + 1, "pool free");
	expect_caught_u64(test, pool, &st->usage.allocated, 0, "stream allocated");
	expect_caught_u64(test, pool, &seg->usage.free_hist[8], 2, "segment free_hist");
	expect_caught_u64(test, pool, &pool->usage.peak_allocated, 0, "peak below allocated");
	expect_caught_u64(test, pool, &a->size, 2 * UNIT, "overlapping blocks");
	expect_caught_u64(test, pool, &tail->size, UNIT, "gap at the segment end");
	expect_caught_u64(test, pool, &a->requested, UNIT + 1, "requested above size");
	expect_caught_u64(test, pool, &tail->subtree_max, tail->size + 1, "subtree_max");
	expect_caught_u64(test, pool, &seg->nr_blocks, 4, "nr_blocks");
	expect_caught_u64(test, pool, &st->nr_segments, 2, "stream nr_segments");
	expect_caught_u64(test, pool, &pool->nr_segments, 0, "pool nr_segments");
	expect_caught_u64(test, pool, &pool->last_segment_id, 0, "segment id above the last");
	expect_caught_u64(test, pool, &st->order_mask, 1ULL << 8, "order_mask in fit mode");
	expect_caught_u64(test, pool, &pool->nr_block_structs, 4, "block structures");
	/* Allocated, flagged free: adjacent free blocks, and in the wrong index. */
	expect_caught_u8(test, pool, &a->state, MEMSIM_BLOCK_FREE, "uncoalesced free blocks");
	/* Deferred without being on the deferred list. */
	expect_caught_u8(test, pool, &a->state, MEMSIM_BLOCK_FREE_REQUESTED, "deferred list");

	/* A message cut short is still a failure, and never overruns. */
	a->size++;
	memset(msg, 'x', sizeof(msg));
	KUNIT_EXPECT_EQ(test, memsim_pool_check(pool, msg, 4), -EUCLEAN);
	KUNIT_EXPECT_EQ(test, msg[3], '\0');
	KUNIT_EXPECT_EQ(test, msg[4], 'x');
	KUNIT_EXPECT_EQ(test, memsim_pool_check(pool, NULL, 0), -EUCLEAN);
	a->size--;
	assert_pool_ok(test, pool);

	/* A block that does not point back at its segment. */
	a->segment = NULL;
	KUNIT_EXPECT_EQ(test, memsim_pool_check(pool, NULL, 0), -EUCLEAN);
	a->segment = seg;
	assert_pool_ok(test, pool);
}

static void check_catches_buddy_corruption(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 4 * UNIT, 0);
	struct memsim_block *a, *half;

	/* 1024 root: [0,64) allocated, then free halves of 64, 128, 256, 512. */
	alloc_ok(test, pool, MIN_BLOCK, 0, 0);
	a = nth_block(seg, 0);
	half = nth_block(seg, 1);
	KUNIT_ASSERT_NOT_NULL(test, half);
	KUNIT_ASSERT_EQ(test, half->size, MIN_BLOCK);

	expect_caught_u8(test, pool, &half->order, half->order + 1, "order");
	expect_caught_u8(test, pool, &half->root_order, half->root_order - 1, "root_order");
	expect_caught_u64(test, pool, &seg->stream->order_mask, 0, "order_mask");
	expect_caught_u64(test, pool, &a->requested, 0, "requested zero");
	/* Allocated marked free: a free block whose free buddy was not merged. */
	expect_caught_u8(test, pool, &a->state, MEMSIM_BLOCK_FREE, "free buddies");
	expect_caught_u64(test, pool, &pool->usage.free_hist[6], 0, "buddyinfo");

	/* Under a 128-byte minimum, the 64-byte blocks were split too far. */
	pool->buddy_min_order = 7;
	KUNIT_EXPECT_EQ(test, memsim_pool_check(pool, NULL, 0), -EUCLEAN);
	pool->buddy_min_order = 6;
	assert_pool_ok(test, pool);
}

static struct kunit_case memsim_check_cases[] = {
	KUNIT_CASE(check_catches_fit_corruption),
	KUNIT_CASE(check_catches_buddy_corruption),
	{}
};

static struct kunit_suite memsim_check_suite = {
	.name = "memsim_check",
	.test_cases = memsim_check_cases,
};

/* ==== memsim_segment ==== */

static void segment_create_rules(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_segment *s1, *s2, *s3, *out = NULL;
	struct snap *before;

	s1 = add_segment(test, pool, BASE, 16 * UNIT, 0);
	s2 = add_segment(test, pool, BASE + 16 * UNIT, 8 * UNIT, 1);	/* touches s1 */
	s3 = add_segment(test, pool, BASE - 4 * UNIT, 4 * UNIT, 0);	/* touches s1 */
	KUNIT_EXPECT_EQ(test, s1->id, 1ULL);
	KUNIT_EXPECT_EQ(test, s2->id, 2ULL);
	KUNIT_EXPECT_EQ(test, s3->id, 3ULL);
	KUNIT_EXPECT_PTR_EQ(test, memsim_segment_find(pool, 2), s2);
	KUNIT_EXPECT_EQ(test, pool->nr_segments, 3ULL);
	KUNIT_EXPECT_EQ(test, pool->nr_streams, 2U);
	KUNIT_EXPECT_EQ(test, pool->usage.total, 28 * UNIT);
	KUNIT_EXPECT_EQ(test, pool->usage.free, 28 * UNIT);
	KUNIT_EXPECT_EQ(test, s1->stream->usage.total, 20 * UNIT);
	KUNIT_EXPECT_EQ(test, s1->stream->nr_segments, 2ULL);
	KUNIT_EXPECT_EQ(test, s2->usage.free_blocks, 1ULL);

	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, 0, 0, 0, 0, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, U64_MAX - 5, 7, 0, 0, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, 2, U64_MAX, 0, 0, &out), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, 0, UNIT, 0, MEMSIM_STREAM_ANY, &out),
			-EINVAL);
	/* Identical, contained, straddling the start, the end, two segments. */
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, BASE, 16 * UNIT, 0, 0, &out), -EEXIST);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, BASE + UNIT, UNIT, 0, 0, &out),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, BASE - 8 * UNIT, 5 * UNIT, 0, 0, &out),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, BASE + 23 * UNIT, 2 * UNIT, 0, 0, &out),
			-EEXIST);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, BASE + 15 * UNIT, 2 * UNIT, 0, 0, &out),
			-EEXIST);
	KUNIT_EXPECT_NULL(test, out);
	expect_unchanged(test, pool, before, "rejected segment");
	assert_pool_ok(test, pool);

	/* The very top of the address space: start + size == U64_MAX is fine. */
	out = add_segment(test, pool, U64_MAX - 16 * UNIT, 16 * UNIT, 2);
	KUNIT_EXPECT_EQ(test, out->id, 4ULL);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(pool, U64_MAX - 1, 1, 0, 0, NULL), -EEXIST);
}

static void expect_overlap(struct kunit *test, struct memsim_pool *pool, u64 start, u64 size,
			   enum memsim_overlap kind, const u64 *ids, u32 n)
{
	u64 got[4] = { 0, 0, 0, 0 };
	u32 nr = 99, i;

	KUNIT_EXPECT_EQ_MSG(test, memsim_check_overlap(pool, start, size, got, ARRAY_SIZE(got),
						       &nr), kind,
			    "overlap kind of [%#llx+%#llx)", start, size);
	KUNIT_EXPECT_EQ_MSG(test, nr, n, "overlap count of [%#llx+%#llx)", start, size);
	for (i = 0; i < n && i < nr && i < ARRAY_SIZE(got); i++)
		KUNIT_EXPECT_EQ_MSG(test, got[i], ids[i], "id %u of [%#llx+%#llx)", i, start, size);
}

static void segment_overlap_kinds(struct kunit *test)
{
	static const u64 ids_1[] = { 1 }, ids_23[] = { 2, 3 }, ids_123[] = { 1, 2, 3 };
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	u64 ids[1] = { 0xdead };
	u64 sentinel[2] = { 0, 0xdead };
	u32 nr;

	add_segment(test, pool, 0x1000, 0x1000, 0);	/* id 1: [0x1000, 0x2000) */
	add_segment(test, pool, 0x3000, 0x1000, 0);	/* id 2: [0x3000, 0x4000) */
	add_segment(test, pool, 0x4000, 0x1000, 1);	/* id 3: [0x4000, 0x5000) */

	expect_overlap(test, pool, 0, 0x1000, MEMSIM_OVERLAP_NONE, NULL, 0);
	expect_overlap(test, pool, 0x2000, 0x1000, MEMSIM_OVERLAP_NONE, NULL, 0);
	expect_overlap(test, pool, 0x5000, 0x1000, MEMSIM_OVERLAP_NONE, NULL, 0);
	expect_overlap(test, pool, 0x1000, 0x1000, MEMSIM_OVERLAP_CONTAINED, ids_1, 1);
	expect_overlap(test, pool, 0x1800, 0x100, MEMSIM_OVERLAP_CONTAINED, ids_1, 1);
	expect_overlap(test, pool, 0x1fff, 1, MEMSIM_OVERLAP_CONTAINED, ids_1, 1);
	expect_overlap(test, pool, 0x1800, 0x1000, MEMSIM_OVERLAP_PARTIAL, ids_1, 1);
	expect_overlap(test, pool, 0xfff, 2, MEMSIM_OVERLAP_PARTIAL, ids_1, 1);
	/* Inside the union of two touching segments, but in neither alone. */
	expect_overlap(test, pool, 0x3800, 0x1000, MEMSIM_OVERLAP_PARTIAL, ids_23, 2);
	expect_overlap(test, pool, 0, 0x10000, MEMSIM_OVERLAP_PARTIAL, ids_123, 3);

	/* More overlaps than room: the count is complete, the array not overrun. */
	KUNIT_EXPECT_EQ(test, memsim_check_overlap(pool, 0, 0x10000, ids, 1, &nr),
			MEMSIM_OVERLAP_PARTIAL);
	KUNIT_EXPECT_EQ(test, nr, 3U);
	KUNIT_EXPECT_EQ(test, ids[0], 1ULL);
	KUNIT_EXPECT_EQ(test, memsim_check_overlap(pool, 0, 0x10000, sentinel, 1, &nr),
			MEMSIM_OVERLAP_PARTIAL);
	KUNIT_EXPECT_EQ(test, sentinel[1], 0xdeadULL);
}

static void segment_safe_range(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	u64 addr;

	add_segment(test, pool, 0x1000, 0x1000, 0);
	add_segment(test, pool, 0x3000, 0x1000, 0);
	add_segment(test, pool, 0x4000, 0x1000, 0);

	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1000, 0, 0, U64_MAX, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0ULL);
	/* [0x800, 0x1000) is too small; the gap between 1 and 2 fits exactly. */
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1000, 0, 0x800, U64_MAX, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1001, 0, 0x800, U64_MAX, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x5000ULL);
	/* Starting inside a segment. */
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x10, 0, 0x1800, U64_MAX, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x2000ULL);
	/* Aligned: 0x4000 is taken, the next multiple is free. */
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x100, 0x4000, 1, U64_MAX, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x8000ULL);
	/* The range must end at or below max. */
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1000, 0, 0x1000, 0x3000, &addr), 0);
	KUNIT_EXPECT_EQ(test, addr, 0x2000ULL);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1001, 0, 0x1000, 0x3000, &addr),
			-ENOSPC);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x100, 0, 0x1000, 0x2000, &addr),
			-ENOSPC);
	/* The top of the address space. */
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x1000, 0x1000, 0x5000, U64_MAX, &addr),
			0);
	KUNIT_EXPECT_EQ(test, addr, 0x5000ULL);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, U64_MAX, 0, 0, U64_MAX, &addr),
			-ENOSPC);

	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0, 0, 0, U64_MAX, &addr), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x10, 3, 0, U64_MAX, &addr), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_find_safe_range(pool, 0x10, 0, 0x100, 0x100, &addr), -EINVAL);

	/* What it finds can be created. */
	KUNIT_ASSERT_EQ(test, memsim_find_safe_range(pool, 0x1000, 0, 0x800, U64_MAX, &addr), 0);
	add_segment(test, pool, addr, 0x1000, 0);
}

static void segment_release_rules(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_segment *s1, *s2;
	struct memsim_free_result fres;
	struct snap *before;
	u64 a;

	s1 = add_segment(test, pool, BASE, 4 * UNIT, 0);
	s2 = add_segment(test, pool, BASE + 8 * UNIT, 4 * UNIT, 0);
	a = alloc_ok(test, pool, UNIT, 0, 0);
	KUNIT_ASSERT_EQ(test, a, BASE);

	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_segment_release(pool, s1->id), -EBUSY);
	KUNIT_EXPECT_EQ(test, memsim_segment_release(pool, 99), -ENOENT);
	expect_unchanged(test, pool, before, "refused release");
	assert_pool_ok(test, pool);

	/* A deferred free still holds the segment. */
	KUNIT_ASSERT_EQ(test, do_free(test, pool, a, 0, MEMSIM_FREE_DEFERRED, &fres), 0);
	KUNIT_EXPECT_EQ(test, memsim_segment_release(pool, s1->id), -EBUSY);
	assert_pool_ok(test, pool);
	KUNIT_ASSERT_EQ(test, memsim_complete_free(pool, a, &fres), 0);
	assert_pool_ok(test, pool);

	KUNIT_EXPECT_EQ(test, memsim_segment_release(pool, 1), 0);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_NULL(test, memsim_segment_find(pool, 1));
	KUNIT_EXPECT_EQ(test, memsim_segment_release(pool, 1), -ENOENT);
	KUNIT_EXPECT_EQ(test, pool->nr_segments, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.total, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, s2->stream->usage.total, 4 * UNIT);

	/* The range is free again; ids are never reused. */
	s1 = add_segment(test, pool, BASE, 4 * UNIT, 0);
	KUNIT_EXPECT_EQ(test, s1->id, 3ULL);
	KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 4 * UNIT, 0, 0), BASE);
}

static struct kunit_case memsim_segment_cases[] = {
	KUNIT_CASE(segment_create_rules),
	KUNIT_CASE(segment_overlap_kinds),
	KUNIT_CASE(segment_safe_range),
	KUNIT_CASE(segment_release_rules),
	{}
};

static struct kunit_suite memsim_segment_suite = {
	.name = "memsim_segment",
	.test_cases = memsim_segment_cases,
};

/* ==== the model: placement from the documented rules ==== */

/*
 * An independent model of the core, written from Documentation/allocator.rst
 * and the DOC blocks ("Allocator core", "Fit strategies", "Buddy system")
 * alone, in a style deliberately unlike the core's: no trees, no masks, no
 * shared arithmetic.  The model keeps its OWN record of the free space, an
 * array of extents it updates from the operations it is told about and the
 * documented split and coalesce rules; it never looks at the pool.  The
 * tests compare the two only through the public API of memsim_core.h
 * (results, memsim_block_first_from()/memsim_block_after(), the counters).
 *
 * A request is answered by brute force over every free extent: in an
 * extent with at most MODEL_SCAN_MAX aligned addresses every one of them is
 * tried against the definition of "fits"; in a larger one the lowest and
 * highest aligned addresses of the window are found by division and tried
 * the same way.  A strategy is only its chooser, which picks among the
 * candidates (one per extent), plus whether it lays out free space as the
 * buddy system does: model_rules[] registers them, so a new strategy is one
 * chooser function and one line there.
 */
#define MODEL_MAX_FREE	2048
#define MODEL_MAX_SEGS	16
#define MODEL_SCAN_MAX	128

/* A free extent, as the model believes it is. */
struct mx {
	u64 start;
	u64 len;
	u64 seg_id;
	u32 stream;
};

struct mseg {
	u64 id;
	u64 start;
	u64 len;
	u32 stream;
};

struct model {
	enum memsim_strategy strategy;
	u64 min_block;		/* the buddy system's minimum block */
	u64 cursor;		/* next fit's, moved by every allocation */
	u64 last_id;
	unsigned int nr_seg;
	struct mseg seg[MODEL_MAX_SEGS];
	unsigned int nr;	/* extents, sorted by start */
	struct mx fr[MODEL_MAX_FREE];
	bool overflow;
};

/* A request as placement sees it. */
struct mreq {
	u64 size;	/* bytes the allocation takes (buddy: rounded) */
	u64 align;	/* 1 when none (buddy: the rounded size) */
	u64 lo;		/* window [lo, hi) */
	u64 hi;
	bool topdown;
	u32 stream;
};

/* A chosen place: extent @x of the model, allocation at @at. */
struct mcand {
	int x;
	u64 at;
};

struct model_result {
	u64 addr;
	u64 size;
	u64 seg_id;
	u32 stream;
	u32 splits;
};

struct model_free_result {
	bool coalesced;
	u64 addr;
	u64 size;
};

/* ---- "fits", by the definition in memsim_core.h ---- */

/*
 * The allocation [p, p + size) fits extent @x within [lo, hi): p is a
 * multiple of the alignment, and every byte lies in the extent and in the
 * window.  Written as subtractions that cannot wrap.
 */
static bool model_fits(const struct mx *x, const struct mreq *r, u64 lo, u64 hi, u64 p)
{
	if (p % r->align != 0)
		return false;
	if (p < x->start || p < lo)
		return false;
	if (r->size > x->len || p - x->start > x->len - r->size)
		return false;
	if (r->size > hi || p > hi - r->size)
		return false;
	return true;
}

/* Where @r goes in @x within [lo, hi): its lowest fitting address, top-down the highest. */
static bool model_place(const struct mx *x, const struct mreq *r, u64 lo, u64 hi, u64 *at)
{
	u64 first, p, n;
	bool found = false;

	if (r->size > x->len)
		return false;
	/* The aligned addresses of the extent: first, first + align, ... */
	first = x->start % r->align ? (x->start / r->align + 1) * r->align : x->start;
	if (first < x->start || first - x->start > x->len - 1)
		return false;
	n = (x->len - 1 - (first - x->start)) / r->align + 1;
	if (n <= MODEL_SCAN_MAX) {
		/* Every one of them, lowest first. */
		for (p = first; n--; p += r->align) {
			if (!model_fits(x, r, lo, hi, p))
				continue;
			*at = p;
			found = true;
			if (!r->topdown)
				break;
		}
		return found;
	}
	/* Too many: the lowest and highest aligned addresses of the window. */
	lo = max(lo, x->start);
	hi = min(hi, x->start + x->len);
	if (lo >= hi || hi - lo < r->size)
		return false;
	if (r->topdown) {
		p = (hi - r->size) / r->align * r->align;
	} else {
		p = lo % r->align ? lo / r->align + 1 : lo / r->align;
		if (p > U64_MAX / r->align)
			return false;
		p *= r->align;
	}
	if (!model_fits(x, r, lo, hi, p))
		return false;
	*at = p;
	return true;
}

/* ---- the strategies: one chooser each ---- */

/*
 * How two candidate extents compare under a rule, before their addresses
 * decide: < 0 when @a is preferred.
 */
typedef int (*model_order_fn)(const struct mx *a, const struct mx *b);

static int order_none(const struct mx *a, const struct mx *b)
{
	return 0;
}

static int order_smallest(const struct mx *a, const struct mx *b)
{
	return a->len == b->len ? 0 : a->len < b->len ? -1 : 1;
}

static int order_largest(const struct mx *a, const struct mx *b)
{
	return -order_smallest(a, b);
}

/*
 * Every extent the request's stream may use gives its candidate; the one
 * @order prefers wins, ties to the lowest address (top-down: highest).
 */
static bool model_pick(const struct model *m, const struct mreq *r, u64 lo, u64 hi,
		       model_order_fn order, struct mcand *c)
{
	unsigned int i;
	u64 at;
	int o;

	c->x = -1;
	for (i = 0; i < m->nr; i++) {
		const struct mx *x = &m->fr[i];

		if (r->stream != MEMSIM_STREAM_ANY && x->stream != r->stream)
			continue;
		if (!model_place(x, r, lo, hi, &at))
			continue;
		if (c->x >= 0) {
			o = order(x, &m->fr[c->x]);
			if (o > 0)
				continue;
			if (!o && (r->topdown ? at < c->at : at > c->at))
				continue;
		}
		c->x = i;
		c->at = at;
	}
	return c->x >= 0;
}

/* The lowest-addressed block that fits; top-down, the highest. */
static bool model_choose_first(const struct model *m, const struct mreq *r, struct mcand *c)
{
	return model_pick(m, r, r->lo, r->hi, order_none, c);
}

/* The smallest block that fits, ties to the lowest address (top-down: highest). */
static bool model_choose_best(const struct model *m, const struct mreq *r, struct mcand *c)
{
	return model_pick(m, r, r->lo, r->hi, order_smallest, c);
}

/* The largest block that fits, ties as for best fit. */
static bool model_choose_worst(const struct model *m, const struct mreq *r, struct mcand *c)
{
	return model_pick(m, r, r->lo, r->hi, order_largest, c);
}

/*
 * First fit with the window's low end raised to the cursor (top-down: its
 * high end lowered to it); if nothing fits there, plain first fit.
 */
static bool model_choose_next(const struct model *m, const struct mreq *r, struct mcand *c)
{
	u64 lo = r->topdown ? r->lo : max(r->lo, m->cursor);
	u64 hi = r->topdown ? min(r->hi, m->cursor) : r->hi;

	if (lo < hi && model_pick(m, r, lo, hi, order_none, c))
		return true;
	return model_choose_first(m, r, c);
}

/*
 * The smallest order holding a fitting sub-block; within it the lowest
 * (top-down: highest).  The request was rounded by the caller.
 */
static bool model_choose_buddy(const struct model *m, const struct mreq *r, struct mcand *c)
{
	return model_pick(m, r, r->lo, r->hi, order_smallest, c);
}

struct model_rule {
	bool (*choose)(const struct model *m, const struct mreq *r, struct mcand *c);
	/* Power-of-two blocks: rounding, halving, merging with the buddy. */
	bool buddy;
};

static const struct model_rule model_rules[MEMSIM_NR_STRATEGIES] = {
	[MEMSIM_FIRST_FIT] = { model_choose_first },
	[MEMSIM_BEST_FIT] = { model_choose_best },
	[MEMSIM_WORST_FIT] = { model_choose_worst },
	[MEMSIM_NEXT_FIT] = { model_choose_next },
	[MEMSIM_BUDDY] = { model_choose_buddy, true },
};

static bool model_is_buddy(const struct model *m)
{
	return model_rules[m->strategy].buddy;
}

/* ---- the model's record of the free space ---- */

static void model_insert(struct model *m, u64 start, u64 len, u64 seg_id, u32 stream)
{
	unsigned int i;

	if (m->nr == MODEL_MAX_FREE) {
		m->overflow = true;
		return;
	}
	for (i = m->nr; i > 0 && m->fr[i - 1].start > start; i--)
		m->fr[i] = m->fr[i - 1];
	m->fr[i] = (struct mx){ .start = start, .len = len, .seg_id = seg_id, .stream = stream };
	m->nr++;
}

static void model_remove(struct model *m, unsigned int i)
{
	for (; i + 1 < m->nr; i++)
		m->fr[i] = m->fr[i + 1];
	m->nr--;
}

/* The extent starting at @start, or -1. */
static int model_find(const struct model *m, u64 start)
{
	unsigned int i;

	for (i = 0; i < m->nr; i++)
		if (m->fr[i].start == start)
			return i;
	return -1;
}

static struct mseg *model_seg_at(struct model *m, u64 addr)
{
	unsigned int i;

	for (i = 0; i < m->nr_seg; i++)
		if (addr >= m->seg[i].start && addr - m->seg[i].start < m->seg[i].len)
			return &m->seg[i];
	return NULL;
}

/*
 * A buddy root: the largest power of two that @addr is a multiple of and
 * that fits in the @room bytes before the segment's end.
 */
static u64 model_root_len(u64 addr, u64 room)
{
	u64 len = 1;

	while (len <= room / 2 && len < (1ULL << 63) && addr % (len * 2) == 0)
		len *= 2;
	return len;
}

/* The root of @seg that holds @addr: start in *root, length returned. */
static u64 model_root_of(const struct mseg *seg, u64 addr, u64 *root)
{
	u64 at = seg->start, len;

	for (;;) {
		len = model_root_len(at, seg->start + seg->len - at);
		if (addr - at < len) {
			*root = at;
			return len;
		}
		at += len;
	}
}

/* A segment's free space when nothing in it is allocated. */
static void model_lay(struct model *m, const struct mseg *seg)
{
	u64 at = seg->start, end = seg->start + seg->len, len;

	if (!model_is_buddy(m)) {
		model_insert(m, seg->start, seg->len, seg->id, seg->stream);
		return;
	}
	for (; at < end; at += len) {
		len = model_root_len(at, end - at);
		model_insert(m, at, len, seg->id, seg->stream);
	}
}

static void model_init(struct model *m, enum memsim_strategy s)
{
	memset(m, 0, sizeof(*m));
	m->strategy = s;
	m->min_block = MIN_BLOCK;
}

static u64 model_add_segment(struct model *m, u64 start, u64 len, u32 stream)
{
	struct mseg *seg;

	if (m->nr_seg == MODEL_MAX_SEGS) {
		m->overflow = true;
		return 0;
	}
	seg = &m->seg[m->nr_seg++];
	*seg = (struct mseg){ .id = ++m->last_id, .start = start, .len = len, .stream = stream };
	model_lay(m, seg);
	return seg->id;
}

/* A segment goes with its free space (the caller knows nothing is live). */
static void model_release_segment(struct model *m, u64 id)
{
	unsigned int i;

	for (i = m->nr; i-- > 0;)
		if (m->fr[i].seg_id == id)
			model_remove(m, i);
	for (i = 0; i < m->nr_seg; i++)
		if (m->seg[i].id == id)
			m->seg[i] = m->seg[--m->nr_seg];
}

/* A strategy switch; across the buddy line only while nothing is allocated. */
static void model_set_strategy(struct model *m, enum memsim_strategy s, u64 min_block)
{
	bool relay = model_rules[s].buddy != model_is_buddy(m) || model_rules[s].buddy;
	unsigned int i;

	m->strategy = s;
	if (model_rules[s].buddy)
		m->min_block = min_block ? min_block : MEMSIM_BUDDY_DEFAULT_MIN;
	if (!relay)
		return;
	m->nr = 0;
	for (i = 0; i < m->nr_seg; i++)
		model_lay(m, &m->seg[i]);
}

/* The request as placement sees it; false when the buddy rounding overflows. */
static bool model_request(const struct model *m, const struct memsim_request *req,
			  struct mreq *r)
{
	u64 size = req->size, align = req->align ? req->align : 1, p;

	if (model_is_buddy(m)) {
		/* A power of two, at least the minimum block and the alignment. */
		for (p = 1; p < size || p < m->min_block || p < align; p *= 2)
			if (p == 1ULL << 63)
				return false;
		size = p;
		align = p;
	}
	r->size = size;
	r->align = align;
	r->lo = 0;
	r->hi = U64_MAX;
	r->topdown = req->flags & MEMSIM_REQ_TOPDOWN;
	r->stream = req->stream;
	if (req->flags & MEMSIM_REQ_RANGE) {
		r->lo = req->range_lo;
		r->hi = req->range_hi;
	}
	if (req->flags & MEMSIM_REQ_FIXED) {
		/* Exactly at addr: the window shrinks to the allocation itself. */
		r->lo = max(r->lo, req->addr);
		r->hi = min(r->hi, req->addr + size);
	}
	return true;
}

/*
 * Where the request goes, by the active strategy's rule; with @apply the
 * model then makes the allocation: the extent is split (fit: padding
 * below, tail above; buddy: halved down, the halves not taken staying
 * free) and the cursor moves.
 */
static bool model_alloc(struct model *m, const struct memsim_request *req, bool apply,
			struct model_result *res)
{
	struct mcand c;
	struct mreq r;
	struct mx x;

	memset(res, 0, sizeof(*res));
	if (!model_request(m, req, &r) || !model_rules[m->strategy].choose(m, &r, &c))
		return false;
	x = m->fr[c.x];
	res->addr = c.at;
	res->size = r.size;
	res->seg_id = x.seg_id;
	res->stream = x.stream;
	if (model_is_buddy(m)) {
		u64 len;

		for (len = x.len; len > r.size; len /= 2)
			res->splits++;
	} else {
		res->splits = (c.at > x.start) + (c.at + r.size < x.start + x.len);
	}
	if (!apply)
		return true;

	model_remove(m, c.x);
	if (model_is_buddy(m)) {
		while (x.len > r.size) {
			x.len /= 2;
			if (c.at - x.start < x.len) {
				model_insert(m, x.start + x.len, x.len, x.seg_id, x.stream);
			} else {
				model_insert(m, x.start, x.len, x.seg_id, x.stream);
				x.start += x.len;
			}
		}
	} else {
		if (c.at > x.start)
			model_insert(m, x.start, c.at - x.start, x.seg_id, x.stream);
		if (c.at + r.size < x.start + x.len)
			model_insert(m, c.at + r.size, x.start + x.len - c.at - r.size,
				     x.seg_id, x.stream);
	}
	m->cursor = r.topdown ? c.at : c.at + r.size;
	return true;
}

/*
 * A completed free of [addr, addr + len): fit strategies merge it with the
 * free extents that touch it in its segment; the buddy system with its
 * buddy, the other half of the pair of twice its size, while that one is
 * free and whole and the pair lies inside the block's root.
 */
static void model_free(struct model *m, u64 addr, u64 len, struct model_free_result *fr)
{
	struct mseg *seg = model_seg_at(m, addr);
	u64 root, root_len, pair;
	int i;

	memset(fr, 0, sizeof(*fr));
	if (!seg) {
		m->overflow = true;
		return;
	}
	if (model_is_buddy(m)) {
		root_len = model_root_of(seg, addr, &root);
		while (len < root_len) {
			pair = addr - addr % (2 * len);
			if (pair < root || pair - root > root_len - 2 * len)
				break;
			i = model_find(m, pair == addr ? addr + len : pair);
			if (i < 0 || m->fr[i].len != len)
				break;
			model_remove(m, i);
			addr = pair;
			len *= 2;
			fr->coalesced = true;
		}
	} else {
		for (i = 0; i < (int)m->nr; i++) {
			struct mx *x = &m->fr[i];

			if (x->seg_id != seg->id)
				continue;
			if (x->start + x->len == addr || x->start == addr + len) {
				if (x->start < addr)
					addr = x->start;
				len += x->len;
				model_remove(m, i--);
				fr->coalesced = true;
			}
		}
	}
	fr->addr = addr;
	fr->size = len;
	model_insert(m, addr, len, seg->id, seg->stream);
}

static u64 model_largest(const struct model *m, u32 stream)
{
	unsigned int i;
	u64 best = 0;

	for (i = 0; i < m->nr; i++)
		if (stream == MEMSIM_STREAM_ANY || m->fr[i].stream == stream)
			best = max(best, m->fr[i].len);
	return best;
}

/*
 * The pool's free blocks, read through memsim_block_first_from() and
 * memsim_block_after(), must be exactly the model's extents; the counters
 * and the largest free block must agree with them.
 */
static void __model_compare(struct kunit *test, const struct model *m,
			    struct memsim_pool *pool, int line)
{
	u64 hist[MEMSIM_HIST_BUCKETS] = { }, bytes = 0;
	struct memsim_block *b;
	unsigned int i = 0, k;

	KUNIT_ASSERT_FALSE_MSG(test, m->overflow, "model overflow (line %d)", line);
	for (b = memsim_block_first_from(pool, 0); b; b = memsim_block_after(pool, b)) {
		if (b->state != MEMSIM_BLOCK_FREE)
			continue;
		KUNIT_ASSERT_LT_MSG(test, i, m->nr,
				    "line %d: pool has a free block [%#llx+%#llx) the model has not",
				    line, b->addr, b->size);
		KUNIT_ASSERT_TRUE_MSG(test, b->addr == m->fr[i].start && b->size == m->fr[i].len &&
				      b->segment->id == m->fr[i].seg_id &&
				      b->segment->stream->id == m->fr[i].stream,
				      "line %d: free block %u: pool [%#llx+%#llx) seg %llu, model [%#llx+%#llx) seg %llu",
				      line, i, b->addr, b->size, b->segment->id, m->fr[i].start,
				      m->fr[i].len, m->fr[i].seg_id);
		i++;
	}
	KUNIT_ASSERT_EQ_MSG(test, i, m->nr, "line %d: free blocks the pool lacks", line);
	for (i = 0; i < m->nr; i++) {
		bytes += m->fr[i].len;
		for (k = 0; (m->fr[i].len >> k) > 1; k++)
			;
		hist[k]++;
	}
	KUNIT_ASSERT_EQ(test, pool->usage.free, bytes);
	KUNIT_ASSERT_EQ(test, pool->usage.free_blocks, (u64)m->nr);
	for (k = 0; k < MEMSIM_HIST_BUCKETS && pool->usage.free_hist[k] == hist[k]; k++)
		;
	KUNIT_ASSERT_EQ_MSG(test, k, MEMSIM_HIST_BUCKETS, "line %d: free_hist[%u] %llu, model %llu",
			    line, k, k < MEMSIM_HIST_BUCKETS ? pool->usage.free_hist[k] : 0,
			    k < MEMSIM_HIST_BUCKETS ? hist[k] : 0);
	KUNIT_ASSERT_EQ(test, memsim_largest_free(pool, MEMSIM_STREAM_ANY),
			model_largest(m, MEMSIM_STREAM_ANY));
	for (k = 0; k < 3; k++)
		KUNIT_ASSERT_EQ(test, memsim_largest_free(pool, k), model_largest(m, k));
	KUNIT_ASSERT_EQ_MSG(test, pool->cursor, m->cursor, "line %d: next fit's cursor", line);
}

#define model_compare(test, m, pool)	__model_compare(test, m, pool, __LINE__)

/* ==== memsim_placement ==== */

/*
 * Eight unit-sized blocks fill an eight-unit segment under every strategy
 * (the buddy root is 8 units, a power of two), in address order bottom-up
 * and in reverse top-down; a ninth fails; a freed slot is the only hole, so
 * every strategy must put the next allocation back there.
 */
static void fill_and_refill(struct kunit *test, u32 flags)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 8 * UNIT, 0);
	bool topdown = flags & MEMSIM_REQ_TOPDOWN;
	unsigned int i, slot;
	u64 want;

	for (i = 0; i < 8; i++) {
		want = BASE + (topdown ? 7 - i : i) * UNIT;
		KUNIT_EXPECT_EQ_MSG(test, alloc_ok(test, pool, UNIT, 0, flags), want,
				    "allocation %u", i);
	}
	KUNIT_EXPECT_EQ(test, pool->usage.allocated, 8 * UNIT);
	KUNIT_EXPECT_EQ(test, pool->usage.free, 0ULL);
	KUNIT_EXPECT_EQ(test, seg->nr_blocks, 8ULL);
	alloc_fails(test, pool, UNIT, 0, flags, -ENOSPC);
	alloc_fails(test, pool, 1, 0, flags, -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 2ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[s].failures, 2ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[s].allocs, 8ULL);

	for (slot = 0; slot < 8; slot += 3) {
		free_ok(test, pool, BASE + slot * UNIT);
		KUNIT_EXPECT_EQ_MSG(test, alloc_ok(test, pool, UNIT, 0, flags),
				    BASE + slot * UNIT, "refill of slot %u", slot);
		alloc_fails(test, pool, UNIT, 0, flags, -ENOSPC);
	}

	for (i = 0; i < 8; i++)
		free_ok(test, pool, BASE + i * UNIT);
	expect_whole(test, pool, seg);
	KUNIT_EXPECT_EQ(test, pool->usage.peak_allocated, 8 * UNIT);
}

static void placement_exact_fill(struct kunit *test)
{
	fill_and_refill(test, 0);
}

static void placement_exact_fill_topdown(struct kunit *test)
{
	fill_and_refill(test, MEMSIM_REQ_TOPDOWN);
}

/*
 * The hole layout, in units, shared by the fit oracles:
 *
 *   0    4 5  7 8       16 17  20 21         32
 *   [ 4 ]A[2 ]A[   8    ]A[ 3 ]A[    11     ]
 *
 * built by allocating 4,1,2,1,8,1,3,1 units in order (every strategy puts
 * them side by side: each time there is one free block, and next fit's
 * cursor sits at its start) and freeing the 4, 2, 8 and 3.
 */
static const u64 hole_alloc_units[] = { 4, 1, 2, 1, 8, 1, 3, 1 };

static const struct layout hole_layout[] = {
	{ 0, 4, BF }, { 4, 1, BA }, { 5, 2, BF }, { 7, 1, BA }, { 8, 8, BF },
	{ 16, 1, BA }, { 17, 3, BF }, { 20, 1, BA }, { 21, 11, BF },
};

static struct memsim_segment *build_holes(struct kunit *test, struct memsim_pool *pool)
{
	struct memsim_segment *seg = add_segment(test, pool, BASE, 32 * UNIT, 0);
	u64 off = 0;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hole_alloc_units); i++) {
		KUNIT_ASSERT_EQ(test, alloc_ok(test, pool, hole_alloc_units[i] * UNIT, 0, 0),
				BASE + off * UNIT);
		off += hole_alloc_units[i];
	}
	for (i = 0, off = 0; i < ARRAY_SIZE(hole_alloc_units); i++) {
		if (!(i & 1))
			free_ok(test, pool, BASE + off * UNIT);
		off += hole_alloc_units[i];
	}
	expect_layout(test, seg, hole_layout, ARRAY_SIZE(hole_layout));
	return seg;
}

/* The hole [start, start + size) (units) of hole_layout holding @off. */
static const struct layout *hole_at(u64 off)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(hole_layout); i++)
		if (off >= hole_layout[i].addr && off < hole_layout[i].addr + hole_layout[i].size)
			return &hole_layout[i];
	return NULL;
}

struct hole_probe {
	u64 units;
	bool topdown;
	s64 want[3];	/* offset in units for first, best, worst fit; -1: -ENOSPC */
};

static const struct hole_probe hole_probes[] = {
	{ 1, false, { 0, 5, 21 } },
	{ 2, false, { 0, 5, 21 } },
	{ 3, false, { 0, 17, 21 } },
	{ 4, false, { 0, 0, 21 } },
	{ 5, false, { 8, 8, 21 } },
	{ 9, false, { 21, 21, 21 } },
	{ 11, false, { 21, 21, 21 } },
	{ 12, false, { -1, -1, -1 } },
	{ 1, true, { 31, 6, 31 } },
	{ 2, true, { 30, 5, 30 } },
	{ 3, true, { 29, 17, 29 } },
	{ 4, true, { 28, 0, 28 } },
	{ 8, true, { 24, 8, 24 } },
	{ 9, true, { 23, 23, 23 } },
	{ 12, true, { -1, -1, -1 } },
};

/* One probe: where it lands, what it splits, and that freeing it undoes it. */
static void run_hole_probe(struct kunit *test, struct memsim_pool *pool,
			   struct memsim_segment *seg, const struct hole_probe *p, s64 want)
{
	u32 flags = p->topdown ? MEMSIM_REQ_TOPDOWN : 0;
	struct memsim_free_result fres;
	struct memsim_result res, dry;
	struct memsim_request req;
	const struct layout *hole;
	struct snap *before;
	u64 off;

	req_init(&req, p->units * UNIT, 0, flags);
	/* The dry run: the same answer, nothing changed, no failure counted. */
	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_can_alloc(pool, &req, &dry), want < 0 ? -ENOSPC : 0);
	expect_unchanged(test, pool, before, "memsim_can_alloc()");
	snap_drop(test, before);
	if (want < 0) {
		KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -ENOSPC);
		return;
	}
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, dry.addr, res.addr);
	KUNIT_EXPECT_EQ(test, dry.size, res.size);
	KUNIT_EXPECT_EQ(test, dry.splits, res.splits);
	KUNIT_EXPECT_EQ(test, dry.segment_id, res.segment_id);
	KUNIT_EXPECT_EQ_MSG(test, res.addr, BASE + want * UNIT, "%llu units%s", p->units,
			    p->topdown ? " top-down" : "");
	KUNIT_EXPECT_EQ(test, res.size, p->units * UNIT);
	KUNIT_EXPECT_EQ(test, res.waste, 0ULL);
	KUNIT_EXPECT_EQ(test, res.segment_id, seg->id);

	off = (res.addr - BASE) / UNIT;
	hole = hole_at(off);
	KUNIT_ASSERT_NOT_NULL(test, hole);
	KUNIT_ASSERT_EQ(test, hole->state, BF);
	/* Blocks split off: the part of the hole below, and the part above. */
	KUNIT_EXPECT_EQ(test, res.splits, (u32)(off > hole->addr) +
			(u32)(off + p->units < hole->addr + hole->size));

	KUNIT_ASSERT_EQ(test, do_free(test, pool, res.addr, 0, 0, &fres), 0);
	KUNIT_EXPECT_EQ(test, fres.freed_size, p->units * UNIT);
	KUNIT_EXPECT_EQ(test, fres.coalesced, p->units != hole->size);
	KUNIT_EXPECT_EQ(test, fres.coalesced_addr, BASE + hole->addr * UNIT);
	KUNIT_EXPECT_EQ(test, fres.coalesced_size, hole->size * UNIT);
	expect_layout(test, seg, hole_layout, ARRAY_SIZE(hole_layout));
}

static void placement_fit_oracles(struct kunit *test)
{
	static const enum memsim_strategy fits[] = {
		MEMSIM_FIRST_FIT, MEMSIM_BEST_FIT, MEMSIM_WORST_FIT,
	};
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(fits); i++) {
		struct memsim_pool *pool = new_pool(test, fits[i]);
		struct memsim_segment *seg = build_holes(test, pool);

		for (j = 0; j < ARRAY_SIZE(hole_probes); j++)
			run_hole_probe(test, pool, seg, &hole_probes[j], hole_probes[j].want[i]);
	}
}

/* Equal candidates: the lowest address wins, the highest top-down. */
static void placement_fit_ties(struct kunit *test)
{
	static const enum memsim_strategy fits[] = {
		MEMSIM_FIRST_FIT, MEMSIM_BEST_FIT, MEMSIM_WORST_FIT,
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(fits); i++) {
		struct memsim_pool *pool = new_pool(test, fits[i]);
		u64 a;

		/* [0,2) [2,3) [3,5) [5,6) [6,16): then free the two 2-unit blocks. */
		add_segment(test, pool, BASE, 16 * UNIT, 0);
		a = alloc_ok(test, pool, 2 * UNIT, 0, 0);
		alloc_ok(test, pool, UNIT, 0, 0);
		alloc_ok(test, pool, 2 * UNIT, 0, 0);
		alloc_ok(test, pool, UNIT, 0, 0);
		alloc_ok(test, pool, 10 * UNIT, 0, 0);
		free_ok(test, pool, a);
		free_ok(test, pool, BASE + 3 * UNIT);

		a = alloc_ok(test, pool, 2 * UNIT, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, a, BASE, "%s bottom-up", strategy_names[fits[i]]);
		free_ok(test, pool, a);
		a = alloc_ok(test, pool, 2 * UNIT, 0, MEMSIM_REQ_TOPDOWN);
		KUNIT_EXPECT_EQ_MSG(test, a, BASE + 3 * UNIT, "%s top-down",
				    strategy_names[fits[i]]);
		free_ok(test, pool, a);
		a = alloc_ok(test, pool, UNIT, 0, 0);
		KUNIT_EXPECT_EQ_MSG(test, a, BASE, "%s unit bottom-up", strategy_names[fits[i]]);
		free_ok(test, pool, a);
		a = alloc_ok(test, pool, UNIT, 0, MEMSIM_REQ_TOPDOWN);
		KUNIT_EXPECT_EQ_MSG(test, a, BASE + 4 * UNIT, "%s unit top-down",
				    strategy_names[fits[i]]);
		free_ok(test, pool, a);
	}
}

/*
 * Next fit from the cursor, which the hole layout leaves at 21 (the end of
 * the last block allocated).  Every step's hole starts at or after the
 * cursor or lies wholly before it, so none depends on how a hole that
 * straddles the cursor is treated.
 */
static void placement_next_fit(struct kunit *test)
{
	static const struct {
		u64 units;
		s64 want;
	} steps[] = {
		{ 2, 21 }, { 2, 23 }, { 4, 25 }, { 3, 29 },	/* cursor 32: end */
		{ 2, 0 },	/* wraps to the lowest hole */
		{ 3, 8 },	/* [2,4) and [5,7) are too small */
		{ 2, 11 }, { 3, 13 }, { 2, 17 },
		{ 2, 2 },	/* [19,20) too small: wraps */
		{ 1, 5 },
		{ 2, -1 },
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_NEXT_FIT);
	unsigned int i;

	build_holes(test, pool);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		if (steps[i].want < 0)
			alloc_fails(test, pool, steps[i].units * UNIT, 0, 0, -ENOSPC);
		else
			KUNIT_EXPECT_EQ_MSG(test, alloc_ok(test, pool, steps[i].units * UNIT, 0, 0),
					    BASE + steps[i].want * UNIT, "step %u", i);
		/* The cursor moves to the end of each allocation, and only then. */
		if (steps[i].want >= 0)
			KUNIT_EXPECT_EQ_MSG(test, pool->cursor,
					    BASE + (steps[i].want + steps[i].units) * UNIT,
					    "cursor after step %u", i);
	}
}

/* Top-down next fit: below the cursor (21), moving it down to each start. */
static void placement_next_fit_topdown(struct kunit *test)
{
	static const struct {
		u64 units;
		s64 want;
	} steps[] = {
		{ 2, 18 },	/* the highest hole ending at or below 21: [17,20) */
		{ 2, 14 },	/* [17,18) too small */
		{ 4, 10 },
		{ 4, 0 },	/* [8,10) and [5,7) too small */
		{ 2, 30 },	/* nothing below 0: wraps to the highest */
		{ 1, 29 },
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_NEXT_FIT);
	unsigned int i;

	build_holes(test, pool);
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		KUNIT_EXPECT_EQ_MSG(test, alloc_ok(test, pool, steps[i].units * UNIT, 0,
						   MEMSIM_REQ_TOPDOWN),
				    BASE + steps[i].want * UNIT, "step %u", i);
		/* Top-down, the cursor moves to the allocation's start. */
		KUNIT_EXPECT_EQ_MSG(test, pool->cursor, BASE + steps[i].want * UNIT,
				    "cursor after step %u", i);
	}
}

/*
 * The buddy system on one 1024-byte root with 64-byte minimum blocks: the
 * smallest order holding a fit is split first, whatever its address.
 */
static void placement_buddy_oracle(struct kunit *test)
{
	static const struct {
		u64 size;
		u32 flags;
		u64 addr;	/* offset from BASE */
		u64 bsize;
		u32 splits;
	} steps[] = {
		{ 100, 0, 0, 128, 3 },		/* 1024 -> 512 -> 256 -> 128 */
		{ 64, MEMSIM_REQ_TOPDOWN, 192, 64, 1 },	/* the 128 at 128, not the 512 */
		{ 200, 0, 256, 256, 0 },
		{ 1, 0, 128, 64, 0 },
		{ 512, 0, 512, 512, 0 },
	};
	static const struct {
		u64 addr;
		bool coalesced;
		u64 caddr;
		u64 csize;
	} frees[] = {
		{ 128, false, 128, 64 },	/* its buddy at 192 is allocated */
		{ 192, true, 128, 128 },	/* merges; 0 is allocated */
		{ 0, true, 0, 256 },
		{ 256, true, 0, 512 },
		{ 512, true, 0, 1024 },		/* back to the root */
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 1024, 0);
	struct memsim_free_result fres;
	struct memsim_request req;
	struct memsim_result res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		req_init(&req, steps[i].size, 0, steps[i].flags);
		KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
		KUNIT_EXPECT_EQ_MSG(test, res.addr, BASE + steps[i].addr, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, res.size, steps[i].bsize, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, res.waste, steps[i].bsize - steps[i].size, "step %u", i);
		KUNIT_EXPECT_EQ_MSG(test, res.splits, steps[i].splits, "step %u", i);
		if (i == 0) {
			/* The halves not taken, one per order: buddyinfo 7, 8, 9. */
			KUNIT_EXPECT_EQ(test, pool->usage.free_hist[7], 1ULL);
			KUNIT_EXPECT_EQ(test, pool->usage.free_hist[8], 1ULL);
			KUNIT_EXPECT_EQ(test, pool->usage.free_hist[9], 1ULL);
			KUNIT_EXPECT_EQ(test, pool->usage.free_blocks, 3ULL);
			KUNIT_EXPECT_EQ(test, pool->usage.requested, 100ULL);
			KUNIT_EXPECT_EQ(test, pool->usage.allocated, 128ULL);
		}
	}
	alloc_fails(test, pool, 1, 0, 0, -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.free, 0ULL);

	for (i = 0; i < ARRAY_SIZE(frees); i++) {
		KUNIT_ASSERT_EQ(test, do_free(test, pool, BASE + frees[i].addr, 0, 0, &fres), 0);
		KUNIT_EXPECT_EQ_MSG(test, fres.coalesced, frees[i].coalesced, "free %u", i);
		KUNIT_EXPECT_EQ_MSG(test, fres.coalesced_addr, BASE + frees[i].caddr, "free %u", i);
		KUNIT_EXPECT_EQ_MSG(test, fres.coalesced_size, frees[i].csize, "free %u", i);
	}
	expect_whole(test, pool, seg);
	KUNIT_EXPECT_EQ(test, seg->nr_blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.free_hist[10], 1ULL);
}

/* Rounding to a power of two, at least the minimum and the alignment. */
static void placement_buddy_rounding(struct kunit *test)
{
	static const struct {
		u64 size;
		u64 align;
	} cases[] = {
		{ 1, 0 }, { 63, 0 }, { 64, 0 }, { 65, 0 }, { 127, 0 }, { 129, 0 },
		{ 1000, 0 }, { 1024, 0 }, { 1025, 0 }, { 4096, 0 },
		{ 64, 256 }, { 300, 128 }, { 1, 2048 }, { 3000, 4 },
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 4096, 0);
	struct memsim_free_result fres;
	struct memsim_request req;
	struct memsim_result res;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		u64 b = buddy_size(cases[i].size, cases[i].align, MIN_BLOCK);

		req_init(&req, cases[i].size, cases[i].align, 0);
		KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
		KUNIT_EXPECT_EQ_MSG(test, res.size, b, "size %llu align %llu", cases[i].size,
				    cases[i].align);
		KUNIT_EXPECT_EQ(test, res.waste, b - cases[i].size);
		KUNIT_EXPECT_EQ(test, res.addr, BASE);
		KUNIT_EXPECT_EQ(test, res.splits, (u32)(ilog2(4096) - ilog2(b)));
		KUNIT_EXPECT_EQ(test, pool->usage.requested, cases[i].size);
		/* Either size names the block: the one asked for, or the real one. */
		KUNIT_ASSERT_EQ(test, do_free(test, pool, res.addr, i & 1 ? b : cases[i].size, 0,
					      &fres), 0);
		KUNIT_EXPECT_EQ(test, fres.freed_size, b);
		expect_whole(test, pool, seg);
	}
	alloc_fails(test, pool, 4097, 0, 0, -ENOSPC);

	/* A larger minimum block; 0 picks the default. */
	KUNIT_ASSERT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 512), 0);
	req_init(&req, 1, 0, 0);
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.size, 512ULL);
	KUNIT_EXPECT_EQ(test, res.splits, 3U);
	free_ok(test, pool, res.addr);
	KUNIT_ASSERT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 0), 0);
	KUNIT_EXPECT_EQ(test, 1ULL << pool->buddy_min_order, (u64)MEMSIM_BUDDY_DEFAULT_MIN);
}

/* Segments that are not one aligned power of two are carved into roots. */
static void placement_buddy_roots(struct kunit *test)
{
	static const struct {
		u64 start;	/* offset from BASE */
		u64 size;
		struct layout roots[4];	/* in units of 64 bytes, from the start */
		unsigned int n;
	} cases[] = {
		/* Aligned start: hweight64(size) roots, largest first. */
		{ 0, 0x700, { { 0, 16, BF }, { 16, 8, BF }, { 24, 4, BF } }, 3 },
		/* Unaligned start: growing roots. */
		{ 0x1040, 0x3c0, { { 0, 1, BF }, { 1, 2, BF }, { 3, 4, BF }, { 7, 8, BF } }, 4 },
		/* Both. */
		{ 0x2040, 0x140, { { 0, 1, BF }, { 1, 2, BF }, { 3, 2, BF } }, 3 },
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	unsigned int i, j;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct memsim_segment *seg = add_segment(test, pool, BASE + cases[i].start,
							 cases[i].size, i);
		const struct memsim_block *blk;

		j = 0;
		list_for_each_entry(blk, &seg->blocks, link) {
			if (j < cases[i].n) {
				KUNIT_EXPECT_EQ_MSG(test, blk->addr,
						    seg->start + cases[i].roots[j].addr * 64,
						    "case %u root %u", i, j);
				KUNIT_EXPECT_EQ_MSG(test, blk->size, cases[i].roots[j].size * 64,
						    "case %u root %u", i, j);
				KUNIT_EXPECT_EQ(test, blk->order, blk->root_order);
			}
			j++;
		}
		KUNIT_EXPECT_EQ_MSG(test, j, cases[i].n, "case %u", i);
		expect_whole(test, pool, seg);
	}
}

/* A root smaller than the minimum block stays free and is never handed out. */
static void placement_buddy_small_root(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 0x420, 0);
	unsigned int i;

	KUNIT_EXPECT_EQ(test, seg->nr_blocks, 2ULL);
	for (i = 0; i < 16; i++)
		KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 1, 0, 0), BASE + i * MIN_BLOCK);
	alloc_fails(test, pool, 1, 0, 0, -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.free, 0x20ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.free_hist[5], 1ULL);
	for (i = 0; i < 16; i++)
		free_ok(test, pool, BASE + i * MIN_BLOCK);
	expect_whole(test, pool, seg);
}

static const u64 sweep_primes[] = { 3, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093 };

/* One aligned allocation on an empty segment, then its free, against the model. */
static void sweep_one(struct kunit *test, struct memsim_pool *pool, struct model *m,
		      struct memsim_segment *seg, u64 size, u64 align, bool topdown)
{
	enum memsim_strategy s = pool->strategy;
	u64 start = seg->start, end = seg->start + seg->size, a = align ? align : 1;
	struct memsim_free_result fres;
	struct model_free_result mf;
	struct model_result want;
	struct memsim_request req;
	struct memsim_result res;

	req_init(&req, size, align, topdown ? MEMSIM_REQ_TOPDOWN : 0);
	KUNIT_ASSERT_TRUE(test, model_alloc(m, &req, true, &want));
	KUNIT_ASSERT_EQ_MSG(test, do_alloc(test, pool, &req, &res), 0,
			    "size %llu align %llu", size, align);
	KUNIT_EXPECT_EQ_MSG(test, res.addr, want.addr, "%s size %llu align %llu%s",
			    strategy_names[s], size, align, topdown ? " top-down" : "");
	KUNIT_EXPECT_EQ_MSG(test, res.size, want.size, "size %llu align %llu", size, align);
	KUNIT_EXPECT_EQ(test, res.splits, want.splits);
	KUNIT_EXPECT_EQ_MSG(test, res.addr % a, 0ULL, "size %llu align %llu", size, align);
	KUNIT_EXPECT_GE(test, res.addr, start);
	KUNIT_EXPECT_LE(test, res.addr + res.size, end);
	if (s == MEMSIM_BUDDY)
		KUNIT_EXPECT_EQ(test, res.addr % res.size, 0ULL);
	model_compare(test, m, pool);

	KUNIT_ASSERT_EQ(test, do_free(test, pool, res.addr, size, 0, &fres), 0);
	model_free(m, res.addr, res.size, &mf);
	KUNIT_EXPECT_EQ(test, fres.coalesced, mf.coalesced);
	KUNIT_EXPECT_EQ(test, fres.coalesced_addr, mf.addr);
	KUNIT_EXPECT_EQ(test, fres.coalesced_size, mf.size);
	model_compare(test, m, pool);
	expect_whole(test, pool, seg);
}

static void sweep_sizes(struct kunit *test, struct memsim_pool *pool, struct model *m,
			struct memsim_segment *seg, u64 align, bool topdown)
{
	unsigned int k, i;

	for (k = 0; k <= 12; k++) {
		if (k)
			sweep_one(test, pool, m, seg, (1ULL << k) - 1, align, topdown);
		sweep_one(test, pool, m, seg, 1ULL << k, align, topdown);
		sweep_one(test, pool, m, seg, (1ULL << k) + 1, align, topdown);
	}
	for (i = 0; i < ARRAY_SIZE(sweep_primes); i++)
		sweep_one(test, pool, m, seg, sweep_primes[i], align, topdown);
}

/* Sizes 2^k - 1, 2^k, 2^k + 1 and primes, against alignments 0 and 2^0..2^12. */
static void placement_alignment_sweep(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, param_strategy(test));
	/* An odd start, so that every alignment above 1 needs padding. */
	struct memsim_segment *seg = add_segment(test, pool, BASE + 3, 0x10000, 0);
	struct model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);
	unsigned int j;

	KUNIT_ASSERT_NOT_NULL(test, m);
	model_init(m, pool->strategy);
	KUNIT_ASSERT_EQ(test, model_add_segment(m, seg->start, seg->size, 0), seg->id);
	model_compare(test, m, pool);
	sweep_sizes(test, pool, m, seg, 0, false);
	sweep_sizes(test, pool, m, seg, 0, true);
	for (j = 0; j <= 12; j++) {
		sweep_sizes(test, pool, m, seg, 1ULL << j, false);
		sweep_sizes(test, pool, m, seg, 1ULL << j, true);
	}
}

/* A fresh pool with one 64-unit segment at BASE, cursor at 0. */
static struct memsim_pool *one_segment_pool(struct kunit *test, enum memsim_strategy s)
{
	struct memsim_pool *pool = new_pool(test, s);

	add_segment(test, pool, BASE, 64 * UNIT, 0);
	return pool;
}

static int range_alloc(struct kunit *test, struct memsim_pool *pool, u64 size, u64 align,
		       u64 lo, u64 hi, u32 flags, u64 *addr)
{
	struct memsim_request req;
	struct memsim_result res;
	int ret;

	req_init(&req, size, align, flags | MEMSIM_REQ_RANGE);
	req.range_lo = lo;
	req.range_hi = hi;
	ret = do_alloc(test, pool, &req, &res);
	if (!ret) {
		KUNIT_EXPECT_GE(test, res.addr, lo);
		KUNIT_EXPECT_LE(test, res.addr + res.size, hi);
		*addr = res.addr;
	}
	return ret;
}

/*
 * Ranges [lo, hi) on one free block.  All five strategies agree: the block
 * is the only candidate, and the buddy system's root is 64 units, so every
 * unit-aligned sub-block is available to it.
 */
static void placement_range(struct kunit *test)
{
	static const struct {
		u64 size, align;	/* units */
		s64 lo, hi;		/* units from BASE */
		u32 flags;
		s64 want;		/* units from BASE; -ENOSPC when negative */
	} cases[] = {
		{ 1, 0, 10, 20, 0, 10 },
		{ 1, 0, 10, 20, MEMSIM_REQ_TOPDOWN, 19 },
		{ 8, 0, 8, 16, 0, 8 },		/* exactly the window */
		{ 4, 4, 10, 20, 0, 12 },
		{ 4, 4, 10, 20, MEMSIM_REQ_TOPDOWN, 16 },
		{ 1, 0, -4, 2, 0, 0 },		/* only partly over the segment */
		{ 1, 0, -4, 2, MEMSIM_REQ_TOPDOWN, 1 },
		{ 1, 0, 60, 80, MEMSIM_REQ_TOPDOWN, 63 },
		{ 11, 0, 10, 20, 0, -1 },	/* too small */
		{ 4, 8, 10, 16, 0, -1 },	/* no aligned place inside */
		{ 1, 0, 64, 80, 0, -1 },	/* beyond the segment */
		{ 1, 0, -8, 0, MEMSIM_REQ_TOPDOWN, -1 },
	};
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool;
	unsigned int i;
	u64 addr;
	int ret;

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		pool = one_segment_pool(test, s);
		ret = range_alloc(test, pool, cases[i].size * UNIT, cases[i].align * UNIT,
				  BASE + cases[i].lo * UNIT, BASE + cases[i].hi * UNIT,
				  cases[i].flags, &addr);
		if (cases[i].want < 0) {
			KUNIT_EXPECT_EQ_MSG(test, ret, -ENOSPC, "case %u", i);
			continue;
		}
		KUNIT_ASSERT_EQ_MSG(test, ret, 0, "case %u", i);
		KUNIT_EXPECT_EQ_MSG(test, addr, BASE + cases[i].want * UNIT, "case %u", i);
	}

	/* Malformed ranges are rejected before anything is counted. */
	pool = one_segment_pool(test, s);
	KUNIT_EXPECT_EQ(test, range_alloc(test, pool, UNIT, 0, BASE + UNIT, BASE + UNIT, 0, &addr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, range_alloc(test, pool, UNIT, 0, BASE + 2 * UNIT, BASE, 0, &addr),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 0ULL);
}

static int fixed_alloc(struct kunit *test, struct memsim_pool *pool, u64 addr, u64 size,
		       u64 align, u32 flags)
{
	struct memsim_request req;
	struct memsim_result res;
	int ret;

	req_init(&req, size, align, flags | MEMSIM_REQ_FIXED);
	req.addr = addr;
	ret = do_alloc(test, pool, &req, &res);
	if (!ret)
		KUNIT_EXPECT_EQ(test, res.addr, addr);
	return ret;
}

static void placement_fixed(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = one_segment_pool(test, s);
	struct memsim_request req;
	struct memsim_result res;
	struct snap *before;

	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 5 * UNIT, UNIT, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 6 * UNIT, 2 * UNIT, 0,
					  MEMSIM_REQ_TOPDOWN), 0);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 63 * UNIT, UNIT, 0, 0), 0);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE, UNIT, UNIT, 0), 0);
	if (s != MEMSIM_BUDDY) {
		static const struct layout want[] = {
			{ 0, 1, BA }, { 1, 4, BF }, { 5, 1, BA }, { 6, 2, BA },
			{ 8, 55, BF }, { 63, 1, BA },
		};

		expect_layout(test, memsim_segment_find(pool, 1), want, ARRAY_SIZE(want));
	}

	/* Taken, partly taken, outside every segment, running off the end. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 5 * UNIT, UNIT, 0, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 4 * UNIT, 2 * UNIT, 0, 0), -ENOSPC);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE - 2 * UNIT, UNIT, 0, 0), -ENOSPC);
	if (s == MEMSIM_BUDDY)
		/* Buddy blocks are aligned: one running off the end is huge. */
		KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE, 128 * UNIT, 0, 0), -ENOSPC);
	else
		KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 62 * UNIT, 4 * UNIT, 0, 0),
				-ENOSPC);
	/* Free, but outside the range also given. */
	req_init(&req, UNIT, 0, MEMSIM_REQ_FIXED | MEMSIM_REQ_RANGE);
	req.addr = BASE + 20 * UNIT;
	req.range_lo = BASE + 30 * UNIT;
	req.range_hi = BASE + 40 * UNIT;
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -ENOSPC);
	req.range_lo = BASE + 20 * UNIT;
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.addr, BASE + 20 * UNIT);

	before = snap_take(test, pool);
	/* Malformed: misaligned for the alignment asked, or wrapping. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 9 * UNIT, UNIT, 2 * UNIT, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, U64_MAX - 10, UNIT, 0, 0), -EINVAL);
	if (s == MEMSIM_BUDDY) {
		/* 2 units is a 512-byte buddy block: it must sit on a multiple of 512. */
		KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, BASE + 9 * UNIT, 2 * UNIT, 0, 0),
				-EINVAL);
	}
	expect_unchanged(test, pool, before, "malformed fixed request");
}

/*
 * Streams: stream 1 owns A = [0,16) and C = [64,72), stream 2 owns
 * B = [32,48) (units).  First a unit for stream 1, then one for any stream:
 * each strategy's rule picks a different segment.
 */
static void placement_streams(struct kunit *test)
{
	static const s64 want_one[] = {
		[MEMSIM_FIRST_FIT] = 0,		/* lowest */
		[MEMSIM_BEST_FIT] = 64,		/* C, the smallest */
		[MEMSIM_WORST_FIT] = 0,		/* A, the largest */
		[MEMSIM_NEXT_FIT] = 0,		/* from cursor 0 */
		[MEMSIM_BUDDY] = 64,		/* C's root has the lower order */
	};
	static const s64 want_any[] = {
		[MEMSIM_FIRST_FIT] = 1,		/* A's rest is lowest */
		[MEMSIM_BEST_FIT] = 65,		/* C's rest (7) < A (16) = B (16) */
		[MEMSIM_WORST_FIT] = 32,	/* B (16) > A's rest (15) */
		[MEMSIM_NEXT_FIT] = 1,		/* the cursor is at 1 */
		[MEMSIM_BUDDY] = 65,		/* the one-unit half in C */
	};
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment *a, *b, *c;
	struct memsim_request req;
	struct memsim_result res;
	unsigned int n;

	a = add_segment(test, pool, BASE, 16 * UNIT, 1);
	b = add_segment(test, pool, BASE + 32 * UNIT, 16 * UNIT, 2);
	c = add_segment(test, pool, BASE + 64 * UNIT, 8 * UNIT, 1);

	req_init(&req, UNIT, 0, 0);
	req.stream = 1;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.addr, BASE + want_one[s] * UNIT);
	KUNIT_EXPECT_EQ(test, res.stream, 1U);
	KUNIT_EXPECT_EQ(test, res.segment_id, want_one[s] ? c->id : a->id);

	req.stream = MEMSIM_STREAM_ANY;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.addr, BASE + want_any[s] * UNIT);
	KUNIT_EXPECT_EQ(test, res.stream, want_any[s] == 32 ? 2U : 1U);

	/* A stream with no segment has no space. */
	req.stream = 3;
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -ENOSPC);

	/* Stream 2 only ever gets B, however full the others are. */
	req.stream = 2;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_PTR_EQ(test, memsim_segment_find(pool, res.segment_id), b);

	/* Fill stream 1: 24 units less the 1 or 2 already taken from it. */
	req.stream = 1;
	for (n = 0; !do_alloc(test, pool, &req, &res); n++) {
		KUNIT_EXPECT_EQ(test, res.stream, 1U);
		KUNIT_EXPECT_TRUE(test, res.segment_id == a->id || res.segment_id == c->id);
		KUNIT_ASSERT_LT(test, n, 24U);
	}
	KUNIT_EXPECT_EQ(test, n, want_any[s] == 32 ? 23U : 22U);
	KUNIT_EXPECT_EQ(test, a->stream->usage.free, 0ULL);
	KUNIT_EXPECT_EQ(test, a->stream->usage.failures, 1ULL);
	KUNIT_EXPECT_EQ(test, b->stream->usage.allocated, (want_any[s] == 32 ? 2 : 1) * UNIT);

	/* ...while any stream still finds B. */
	req.stream = MEMSIM_STREAM_ANY;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.stream, 2U);
}

static struct kunit_case memsim_placement_cases[] = {
	KUNIT_CASE_PARAM(placement_exact_fill, strategy_gen_params),
	KUNIT_CASE_PARAM(placement_exact_fill_topdown, strategy_gen_params),
	KUNIT_CASE(placement_fit_oracles),
	KUNIT_CASE(placement_fit_ties),
	KUNIT_CASE(placement_next_fit),
	KUNIT_CASE(placement_next_fit_topdown),
	KUNIT_CASE(placement_buddy_oracle),
	KUNIT_CASE(placement_buddy_rounding),
	KUNIT_CASE(placement_buddy_roots),
	KUNIT_CASE(placement_buddy_small_root),
	KUNIT_CASE_PARAM(placement_alignment_sweep, strategy_gen_params),
	KUNIT_CASE_PARAM(placement_range, strategy_gen_params),
	KUNIT_CASE_PARAM(placement_fixed, strategy_gen_params),
	KUNIT_CASE_PARAM(placement_streams, strategy_gen_params),
	{}
};

static struct kunit_suite memsim_placement_suite = {
	.name = "memsim_placement",
	.test_cases = memsim_placement_cases,
};

/* ==== memsim_lifecycle ==== */

/*
 * Deferred frees: four unit blocks fill a four-unit segment (a buddy root
 * of 1024); the free of the second is requested, not completed.
 */
static void lifecycle_deferred_free(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment *seg = add_segment(test, pool, BASE, 4 * UNIT, 0);
	struct memsim_free_result fres;
	struct memsim_block *blk;
	struct snap *before;
	unsigned int i;

	for (i = 0; i < 4; i++)
		KUNIT_ASSERT_EQ(test, alloc_ok(test, pool, UNIT, 0, 0), BASE + i * UNIT);

	memset(&fres, 0xff, sizeof(fres));
	KUNIT_ASSERT_EQ(test, do_free(test, pool, BASE + UNIT, UNIT, MEMSIM_FREE_DEFERRED, &fres),
			0);
	KUNIT_EXPECT_TRUE(test, fres.deferred);
	KUNIT_EXPECT_FALSE(test, fres.coalesced);
	KUNIT_EXPECT_EQ(test, fres.freed_size, UNIT);
	blk = memsim_block_lookup(pool, BASE + UNIT);
	KUNIT_ASSERT_NOT_NULL(test, blk);
	KUNIT_EXPECT_EQ(test, blk->state, MEMSIM_BLOCK_FREE_REQUESTED);
	/* Still allocated for every counter, and listed as deferred. */
	KUNIT_EXPECT_EQ(test, pool->usage.allocated, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, pool->usage.live_blocks, 4ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.deferred_blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.deferred_bytes, UNIT);
	KUNIT_EXPECT_EQ(test, seg->usage.deferred_blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.frees, 0ULL);
	/* Not reused. */
	alloc_fails(test, pool, UNIT, 0, 0, -ENOSPC);

	/* Its neighbour's free does not merge with it. */
	KUNIT_ASSERT_EQ(test, do_free(test, pool, BASE + 2 * UNIT, 0, 0, &fres), 0);
	KUNIT_EXPECT_FALSE(test, fres.coalesced);
	KUNIT_EXPECT_EQ(test, fres.coalesced_addr, BASE + 2 * UNIT);
	KUNIT_EXPECT_EQ(test, fres.coalesced_size, UNIT);
	alloc_fails(test, pool, 2 * UNIT, 0, 0, -ENOSPC);

	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, BASE + UNIT, 0, 0, &fres), -EBUSY);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, BASE + UNIT, 0, MEMSIM_FREE_DEFERRED, &fres),
			-EBUSY);
	KUNIT_EXPECT_EQ(test, memsim_complete_free(pool, BASE, &fres), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_complete_free(pool, BASE + 2 * UNIT, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, memsim_complete_free(pool, BASE + UNIT + 1, &fres), -ENOENT);
	expect_unchanged(test, pool, before, "refused frees of a deferred block");
	assert_pool_ok(test, pool);

	KUNIT_ASSERT_EQ(test, memsim_complete_free(pool, BASE + UNIT, &fres), 0);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_FALSE(test, fres.deferred);
	KUNIT_EXPECT_EQ(test, fres.freed_size, UNIT);
	if (s == MEMSIM_BUDDY) {
		/* Its buddy is [0,1), still allocated: no merge. */
		KUNIT_EXPECT_FALSE(test, fres.coalesced);
		KUNIT_EXPECT_EQ(test, fres.coalesced_addr, BASE + UNIT);
		KUNIT_EXPECT_EQ(test, fres.coalesced_size, UNIT);
	} else {
		KUNIT_EXPECT_TRUE(test, fres.coalesced);
		KUNIT_EXPECT_EQ(test, fres.coalesced_addr, BASE + UNIT);
		KUNIT_EXPECT_EQ(test, fres.coalesced_size, 2 * UNIT);
	}
	KUNIT_EXPECT_NULL(test, memsim_block_lookup(pool, BASE + UNIT));
	KUNIT_EXPECT_EQ(test, pool->usage.deferred_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.allocated, 2 * UNIT);
	KUNIT_EXPECT_EQ(test, pool->usage.frees, 2ULL);
	KUNIT_EXPECT_EQ(test, memsim_complete_free(pool, BASE + UNIT, &fres), -ENOENT);
}

static void lifecycle_sync_stream(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, param_strategy(test));
	struct memsim_segment *s1 = add_segment(test, pool, BASE, 8 * UNIT, 1);
	struct memsim_segment *s2 = add_segment(test, pool, BASE + 8 * UNIT, 8 * UNIT, 2);
	struct memsim_free_result fres;
	struct memsim_request req;
	struct memsim_result res;
	u64 addr[8], done = 99;
	unsigned int i;

	for (i = 0; i < 8; i++) {
		req_init(&req, UNIT, 0, 0);
		req.stream = i < 5 ? 1 : 2;
		KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
		addr[i] = res.addr;
	}
	/* Defer three of stream 1 (one of them freed at once), one of stream 2. */
	for (i = 0; i < 3; i++)
		KUNIT_ASSERT_EQ(test, do_free(test, pool, addr[i], 0, MEMSIM_FREE_DEFERRED, &fres),
				0);
	free_ok(test, pool, addr[3]);
	KUNIT_ASSERT_EQ(test, do_free(test, pool, addr[5], 0, MEMSIM_FREE_DEFERRED, &fres), 0);
	KUNIT_EXPECT_EQ(test, s1->stream->usage.deferred_blocks, 3ULL);
	KUNIT_EXPECT_EQ(test, s2->stream->usage.deferred_blocks, 1ULL);

	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, 7, &done), -ENOENT);
	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, 1, &done), 0);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, done, 3ULL);
	KUNIT_EXPECT_EQ(test, s1->stream->usage.deferred_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, s1->stream->usage.live_blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, s2->stream->usage.deferred_blocks, 1ULL);
	for (i = 0; i < 4; i++)
		KUNIT_EXPECT_NULL(test, memsim_block_lookup(pool, addr[i]));

	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, MEMSIM_STREAM_ANY, &done), 0);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, done, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.deferred_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, 2, &done), 0);
	KUNIT_EXPECT_EQ(test, done, 0ULL);
	KUNIT_EXPECT_EQ(test, pool->usage.live_blocks, 3ULL);
}

static void lifecycle_free_errors(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, param_strategy(test));
	struct memsim_free_result fres;
	struct snap *before;
	u64 a;

	add_segment(test, pool, BASE, 4 * UNIT, 0);
	a = alloc_ok(test, pool, UNIT, 0, 0);
	alloc_ok(test, pool, UNIT, 0, 0);

	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, UNIT + 1, 0, &fres), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, UNIT / 2, 0, &fres), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, 2 * UNIT, MEMSIM_FREE_DEFERRED, &fres),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, 0, 1U << 7, &fres), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a + UNIT / 2, 0, 0, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, BASE + 3 * UNIT, 0, 0, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, BASE - UNIT, 0, 0, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, U64_MAX, 0, 0, &fres), -ENOENT);
	expect_unchanged(test, pool, before, "refused frees");
	snap_drop(test, before);

	KUNIT_ASSERT_EQ(test, do_free(test, pool, a, UNIT, 0, &fres), 0);
	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, 0, 0, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, do_free(test, pool, a, 0, MEMSIM_FREE_DEFERRED, &fres), -ENOENT);
	expect_unchanged(test, pool, before, "double free");
}

static void lifecycle_strategy_switch(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_segment *s1 = add_segment(test, pool, BASE + 0x40, 0x7c0, 0);
	struct memsim_segment *s2 = add_segment(test, pool, BASE + 0x1000, 0x1000, 1);
	struct memsim_free_result fres;
	struct snap *before;
	unsigned int i;
	u64 a;

	a = alloc_ok(test, pool, 100, 0, 0);
	/* Among the fit strategies, any time: they share their indexes. */
	for (i = MEMSIM_BEST_FIT; i <= MEMSIM_NEXT_FIT; i++) {
		KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, i, 0), 0);
		KUNIT_EXPECT_EQ(test, pool->strategy, i);
	}
	KUNIT_EXPECT_NOT_NULL(test, memsim_block_lookup(pool, a));

	before = snap_take(test, pool);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_NR_STRATEGIES, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 96), -EINVAL);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_FIRST_FIT, 64), -EINVAL);
	expect_unchanged(test, pool, before, "refused switch");
	snap_drop(test, before);

	/* A deferred free still counts as allocated. */
	KUNIT_ASSERT_EQ(test, do_free(test, pool, a, 0, MEMSIM_FREE_DEFERRED, &fres), 0);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 0), -EBUSY);
	KUNIT_ASSERT_EQ(test, memsim_complete_free(pool, a, &fres), 0);
	assert_pool_ok(test, pool);

	KUNIT_ASSERT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 0), 0);
	KUNIT_EXPECT_EQ(test, pool->strategy, MEMSIM_BUDDY);
	expect_whole(test, pool, s1);
	expect_whole(test, pool, s2);
	KUNIT_EXPECT_EQ(test, s1->nr_blocks, 5ULL);	/* 0x40 0x80 0x100 0x200 0x400 */
	KUNIT_EXPECT_EQ(test, s2->nr_blocks, 1ULL);

	a = alloc_ok(test, pool, 100, 0, 0);
	KUNIT_EXPECT_EQ(test, a, BASE + 0x80);
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_FIRST_FIT, 0), -EBUSY);
	KUNIT_EXPECT_EQ(test, pool->strategy, MEMSIM_BUDDY);
	/* A new minimum block would strand the smaller blocks in use. */
	KUNIT_EXPECT_EQ(test, do_set_strategy(test, pool, MEMSIM_BUDDY, 256), -EBUSY);
	KUNIT_EXPECT_EQ(test, pool->buddy_min_order, 6U);
	free_ok(test, pool, a);
	KUNIT_ASSERT_EQ(test, do_set_strategy(test, pool, MEMSIM_WORST_FIT, 0), 0);
	expect_whole(test, pool, s1);
	KUNIT_EXPECT_EQ(test, s1->nr_blocks, 1ULL);
	KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 100, 0, 0), BASE + 0x1000);

	/* Each strategy's statistics count what was done under it. */
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_FIRST_FIT].allocs, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_NEXT_FIT].frees, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_BUDDY].allocs, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_BUDDY].frees, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_WORST_FIT].allocs, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[MEMSIM_BEST_FIT].allocs, 0ULL);
}

/* Counters after the hole layout, from the layout alone. */
static void lifecycle_counters(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_segment *seg = build_holes(test, pool);
	struct memsim_usage *u = &pool->usage;
	unsigned int i;

	KUNIT_EXPECT_EQ(test, u->total, 32 * UNIT);
	KUNIT_EXPECT_EQ(test, u->allocated, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, u->requested, 4 * UNIT);
	KUNIT_EXPECT_EQ(test, u->free, 28 * UNIT);
	KUNIT_EXPECT_EQ(test, u->peak_allocated, 21 * UNIT);
	KUNIT_EXPECT_EQ(test, u->live_blocks, 4ULL);
	KUNIT_EXPECT_EQ(test, u->free_blocks, 5ULL);
	KUNIT_EXPECT_EQ(test, u->allocs, 8ULL);
	KUNIT_EXPECT_EQ(test, u->frees, 4ULL);
	/* Holes of 1024, 512, 2048, 768 and 2816 bytes. */
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++)
		KUNIT_EXPECT_EQ_MSG(test, u->free_hist[i], i == 9 ? 2ULL : i == 10 ? 1ULL :
				    i == 11 ? 2ULL : 0ULL, "bucket %u", i);
	KUNIT_EXPECT_EQ(test, seg->usage.free_hist[11], 2ULL);

	KUNIT_EXPECT_EQ(test, memsim_largest_free(pool, 0), 11 * UNIT);
	KUNIT_EXPECT_EQ(test, memsim_largest_free(pool, MEMSIM_STREAM_ANY), 11 * UNIT);
	KUNIT_EXPECT_EQ(test, memsim_largest_free(pool, 5), 0ULL);
	KUNIT_EXPECT_EQ(test, memsim_segment_largest_free(pool, seg), 11 * UNIT);
	alloc_ok(test, pool, 11 * UNIT, 0, 0);
	KUNIT_EXPECT_EQ(test, memsim_largest_free(pool, 0), 8 * UNIT);
	KUNIT_EXPECT_EQ(test, memsim_segment_largest_free(pool, seg), 8 * UNIT);

	/* The design's "fragmentation", 1 - 1 / blocks. */
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(0), 0U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(1), 0U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(2), 500000U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(8), 875000U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(1000000), 999999U);

	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(0, 0), 0U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(1000, 1000), 0U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(1000, 250), 750000U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(4, 1), 750000U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(5 * UNIT, 2 * UNIT), 600000U);
	/* Utilisation of 32 TiB in 1 EiB: 2^-15, not an overflowed product. */
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(32ULL << 40, 1ULL << 60), 30U);
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(U64_MAX, U64_MAX), 1000000U);
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(1, 0), 0U);
	/* Large enough that largest * 10^6 would overflow 64 bits. */
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(1ULL << 62, 1ULL << 60), 750000U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(5ULL << 58, 1ULL << 60), 200000U);
}

/* Requests at the edges of the size and address space. */
static void lifecycle_boundaries(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	u64 top = U64_MAX - 16 * UNIT + 1;	/* [top, U64_MAX): 16 units less a byte */
	struct memsim_request req;
	struct memsim_result res;
	struct snap *before;
	u64 want;

	add_segment(test, pool, BASE, 16 * UNIT, 0);
	add_segment(test, pool, top, U64_MAX - top, 0);

	before = snap_take(test, pool);
	alloc_fails(test, pool, 0, 0, 0, -EINVAL);
	alloc_fails(test, pool, UNIT, 3, 0, -EINVAL);
	alloc_fails(test, pool, UNIT, UNIT + UNIT / 2, 0, -EINVAL);
	alloc_fails(test, pool, UNIT, 0, 1U << 9, -EINVAL);
	alloc_fails(test, pool, UNIT, 0, MEMSIM_REQ_FIXED | MEMSIM_REQ_TOPDOWN | (1U << 31),
		    -EINVAL);
	expect_unchanged(test, pool, before, "malformed requests");

	alloc_fails(test, pool, 16 * UNIT + 1, 0, 0, -ENOSPC);
	alloc_fails(test, pool, U64_MAX, 0, 0, -ENOSPC);
	alloc_fails(test, pool, U64_MAX, 0, MEMSIM_REQ_TOPDOWN, -ENOSPC);
	alloc_fails(test, pool, (1ULL << 63) + 1, 0, 0, -ENOSPC);
	alloc_fails(test, pool, 1, 1ULL << 63, 0, -ENOSPC);
	alloc_fails(test, pool, 1, 1ULL << 63, MEMSIM_REQ_TOPDOWN, -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 6ULL);

	/*
	 * Top-down, a unit from the top segment: its last UNIT bytes for fit.
	 * The buddy system carves [top, U64_MAX) into roots of 8, 4, 2 and 1
	 * units from top = 2^64 - 16 units, then smaller ones, and takes the
	 * smallest order that fits: the unit root at 2^64 - 2 units.  Worst fit
	 * alone prefers the bottom segment, one byte larger.
	 */
	want = s == MEMSIM_BUDDY ? 0 - 2 * UNIT : U64_MAX - UNIT;
	KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, UNIT, 0, MEMSIM_REQ_TOPDOWN),
			s == MEMSIM_WORST_FIT ? BASE + 15 * UNIT : want);
	if (s == MEMSIM_WORST_FIT)
		want += UNIT;	/* the range below sees the top unit still free */
	req_init(&req, 2, 0, MEMSIM_REQ_FIXED);
	req.addr = U64_MAX - 1;
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -EINVAL);	/* wraps */
	req_init(&req, UNIT, 0, MEMSIM_REQ_RANGE | MEMSIM_REQ_TOPDOWN);
	req.range_lo = top;
	req.range_hi = U64_MAX;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, res.addr, want - UNIT);
}

/* One segment covering the whole address space but its last byte. */
static void lifecycle_whole_space(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment *seg = add_segment(test, pool, 0, U64_MAX, 0);
	struct memsim_request req;
	struct memsim_result res;

	KUNIT_EXPECT_EQ(test, pool->usage.total, U64_MAX);
	if (s == MEMSIM_BUDDY) {
		/* Roots of 2^63, 2^62, ... 2^0. */
		KUNIT_EXPECT_EQ(test, seg->nr_blocks, 64ULL);
		req_init(&req, 1ULL << 63, 0, 0);
		KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
		KUNIT_EXPECT_EQ(test, res.addr, 0ULL);
		KUNIT_EXPECT_EQ(test, res.splits, 0U);
		alloc_fails(test, pool, (1ULL << 62) + 1, 0, 0, -ENOSPC);
		KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 1ULL << 62, 0, 0), 1ULL << 63);
	} else {
		req_init(&req, U64_MAX, 0, 0);
		KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
		KUNIT_EXPECT_EQ(test, res.addr, 0ULL);
		KUNIT_EXPECT_EQ(test, res.size, U64_MAX);
		KUNIT_EXPECT_EQ(test, pool->usage.free, 0ULL);
		alloc_fails(test, pool, 1, 0, 0, -ENOSPC);
		free_ok(test, pool, 0);
		KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 1, 0, MEMSIM_REQ_TOPDOWN), U64_MAX - 1);
		KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 1, 1ULL << 63, 0), 0ULL);
		KUNIT_EXPECT_EQ(test, alloc_ok(test, pool, 1, 1ULL << 63, MEMSIM_REQ_TOPDOWN),
				1ULL << 63);
		alloc_fails(test, pool, 1, 1ULL << 63, 0, -ENOSPC);
	}
}

static struct kunit_case memsim_lifecycle_cases[] = {
	KUNIT_CASE_PARAM(lifecycle_deferred_free, strategy_gen_params),
	KUNIT_CASE_PARAM(lifecycle_sync_stream, strategy_gen_params),
	KUNIT_CASE_PARAM(lifecycle_free_errors, strategy_gen_params),
	KUNIT_CASE(lifecycle_strategy_switch),
	KUNIT_CASE(lifecycle_counters),
	KUNIT_CASE_PARAM(lifecycle_boundaries, strategy_gen_params),
	KUNIT_CASE_PARAM(lifecycle_whole_space, strategy_gen_params),
	{}
};

static struct kunit_suite memsim_lifecycle_suite = {
	.name = "memsim_lifecycle",
	.test_cases = memsim_lifecycle_cases,
};

/* ==== memsim_inject ==== */

/*
 * The operation under test: it runs with pool->fail_alloc_in armed, and
 * returns 0 or a negative errno.
 */
struct inject_op {
	const char *name;
	int (*run)(struct memsim_pool *pool);
};

/*
 * Arms the countdown at 1, 2, ... until the operation succeeds.  Each -ENOMEM
 * must leave the pool exactly as it was; any other error is a failure.  The
 * first try must fail: every operation here needs metadata.  Returns the
 * number of injected failures.
 */
static unsigned int inject_until_success(struct kunit *test, struct memsim_pool *pool,
					 const struct inject_op *op)
{
	unsigned int k, failures = 0;
	struct snap *before;
	int ret;

	for (k = 1; k < 256; k++) {
		before = snap_take(test, pool);
		pool->fail_alloc_in = k;
		ret = op->run(pool);
		pool->fail_alloc_in = 0;
		assert_pool_ok(test, pool);
		if (!ret) {
			snap_drop(test, before);
			break;
		}
		KUNIT_ASSERT_EQ_MSG(test, ret, -ENOMEM, "%s with failure at %u", op->name, k);
		expect_unchanged(test, pool, before, op->name);
		snap_drop(test, before);
		failures++;
	}
	KUNIT_EXPECT_LT_MSG(test, k, 256U, "%s never succeeded", op->name);
	KUNIT_EXPECT_GE_MSG(test, failures, 1U, "%s allocated nothing", op->name);
	return failures;
}

static int op_segment_new_stream(struct memsim_pool *pool)
{
	return memsim_segment_create(pool, BASE + 0x10000, 0x1000, 0, 9, NULL);
}

static int op_segment_same_stream(struct memsim_pool *pool)
{
	return memsim_segment_create(pool, BASE + 0x20000, 0x1000, 0, 0, NULL);
}

/* 0x40, 0x80, 0x100, 0x200, 0x400 and 0x800 roots, then 0x40. */
static int op_segment_many_roots(struct memsim_pool *pool)
{
	return memsim_segment_create(pool, BASE + 0x30040, 0x1000, 0, 1, NULL);
}

/* Padding below and a tail above: two new free blocks. */
static int op_alloc_split_both(struct memsim_pool *pool)
{
	struct memsim_request req;
	struct memsim_result res;

	req_init(&req, 100, 0x400, 0);
	req.stream = 0;
	return memsim_alloc(pool, &req, &res);
}

static int op_alloc_fixed(struct memsim_pool *pool)
{
	struct memsim_request req;
	struct memsim_result res;

	req_init(&req, 64, 0, MEMSIM_REQ_FIXED);
	req.addr = BASE + 0x300;
	return memsim_alloc(pool, &req, &res);
}

static int op_to_buddy(struct memsim_pool *pool)
{
	return memsim_set_strategy(pool, MEMSIM_BUDDY, 0);
}

static int op_to_fit(struct memsim_pool *pool)
{
	return memsim_set_strategy(pool, MEMSIM_BEST_FIT, 0);
}

static void inject_fit_operations(struct kunit *test)
{
	static const struct inject_op ops[] = {
		{ "segment on a new stream", op_segment_new_stream },
		{ "segment on an existing stream", op_segment_same_stream },
		{ "alloc with padding and tail", op_alloc_split_both },
		{ "fixed alloc in the middle", op_alloc_fixed },
	};
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	unsigned int i;

	add_segment(test, pool, BASE + 1, 0x1000, 0);
	for (i = 0; i < ARRAY_SIZE(ops); i++)
		inject_until_success(test, pool, &ops[i]);
	/* The padded alloc split twice, so it needed two blocks at least. */
	KUNIT_EXPECT_EQ(test, pool->usage.live_blocks, 2ULL);
}

static void inject_buddy_operations(struct kunit *test)
{
	static const struct inject_op segs = { "buddy segment", op_segment_many_roots };
	static const struct inject_op split = { "buddy alloc, four splits", op_alloc_split_both };
	static const struct inject_op to_fit = { "switch to best fit", op_to_fit };
	static const struct inject_op to_buddy = { "switch to buddy", op_to_buddy };
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_free_result fres;
	struct memsim_request req;
	struct memsim_result res;

	add_segment(test, pool, BASE, 0x4000, 0);
	add_segment(test, pool, BASE + 0x8040, 0x1fc0, 1);
	KUNIT_EXPECT_GE(test, inject_until_success(test, pool, &to_buddy), 8U);
	KUNIT_EXPECT_GE(test, inject_until_success(test, pool, &segs), 8U);
	/* 100 bytes aligned to 0x400 is a 0x400 block: 0x4000 halved four times. */
	KUNIT_EXPECT_GE(test, inject_until_success(test, pool, &split), 4U);

	req_init(&req, 1, 0, 0);
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_ASSERT_EQ(test, do_free(test, pool, res.addr, 0, 0, &fres), 0);
	KUNIT_ASSERT_EQ(test, memsim_sync_stream(pool, MEMSIM_STREAM_ANY, NULL), 0);
	KUNIT_ASSERT_EQ(test, do_free(test, pool, BASE, 0, 0, &fres), 0);
	KUNIT_EXPECT_GE(test, inject_until_success(test, pool, &to_fit), 3U);
}

static struct kunit_case memsim_inject_cases[] = {
	KUNIT_CASE(inject_fit_operations),
	KUNIT_CASE(inject_buddy_operations),
	{}
};

static struct kunit_suite memsim_inject_suite = {
	.name = "memsim_inject",
	.test_cases = memsim_inject_cases,
};

/* ==== memsim_stress ==== */

#define STRESS_LIVE	96

struct live {
	u64 addr;
	u64 size;
	u64 requested;
	u32 stream;
	bool deferred;
};

struct stress {
	struct kunit *test;
	struct memsim_pool *pool;
	struct model *m;
	struct rnd_state rnd;
	struct live live[STRESS_LIVE];
	unsigned int nr_live;
	u64 allocs;
	u64 frees;
	u64 failures;
	unsigned int op;
};

static u32 rnd_below(struct stress *st, u32 n)
{
	return prandom_u32_state(&st->rnd) % n;
}

static struct live *stress_overlap(struct stress *st, u64 addr, u64 size)
{
	unsigned int i;

	for (i = 0; i < st->nr_live; i++)
		if (addr < st->live[i].addr + st->live[i].size && st->live[i].addr < addr + size)
			return &st->live[i];
	return NULL;
}

/* A random request: sizes mostly small, some large, some aligned or placed. */
static void stress_request(struct stress *st, struct memsim_request *req)
{
	struct model *m = st->m;
	u32 r = rnd_below(st, 100);
	struct mseg *seg;
	u64 size, b;

	size = 1 + rnd_below(st, r < 10 ? 8192 : 600);
	req_init(req, size, rnd_below(st, 4) ? 0 : 1ULL << rnd_below(st, 11),
		 rnd_below(st, 4) ? 0 : MEMSIM_REQ_TOPDOWN);
	r = rnd_below(st, 10);
	req->stream = r < 4 ? 0 : r < 7 ? 1 : r < 9 ? MEMSIM_STREAM_ANY : 2;
	req->tag = st->op;

	/* A segment of the model's, to aim ranges and fixed addresses at. */
	if (!m->nr_seg)
		return;
	seg = &m->seg[rnd_below(st, m->nr_seg)];
	r = rnd_below(st, 20);
	if (r == 0) {
		req->flags |= MEMSIM_REQ_RANGE;
		req->range_lo = seg->start + rnd_below(st, seg->len);
		req->range_hi = req->range_lo + 1 + rnd_below(st, 4 * size + 4096);
	} else if (r == 1) {
		/* Aligned as the request must be, so that -EINVAL cannot occur. */
		b = req->align ? req->align : 1;
		if (model_is_buddy(m))
			b = buddy_size(size, b, m->min_block);
		req->flags |= MEMSIM_REQ_FIXED;
		req->addr = seg->start + rnd_below(st, seg->len);
		req->addr -= req->addr % b;
	}
}

static void stress_alloc(struct stress *st)
{
	struct kunit *test = st->test;
	struct memsim_pool *pool = st->pool;
	struct memsim_result res, dry;
	struct model_result w;
	struct memsim_request req;
	struct live *l;
	bool found;
	int ret;

	stress_request(st, &req);
	found = model_alloc(st->m, &req, true, &w);
	/* memsim_can_alloc() answers the same and changes nothing. */
	KUNIT_ASSERT_EQ_MSG(test, memsim_can_alloc(pool, &req, &dry), found ? 0 : -ENOSPC,
			    "op %u: can_alloc %s size %llu align %llu flags %#x stream %u", st->op,
			    strategy_names[st->m->strategy], req.size, req.align, req.flags,
			    req.stream);
	ret = do_alloc(test, pool, &req, &res);
	if (!found) {
		KUNIT_ASSERT_EQ_MSG(test, ret, -ENOSPC, "op %u: nothing fits size %llu", st->op,
				    req.size);
		st->failures++;
		model_compare(test, st->m, pool);
		return;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "op %u: %llu/%llu flags %#x stream %u fits at %#llx",
			    st->op, req.size, req.align, req.flags, req.stream, w.addr);
	st->allocs++;
	KUNIT_ASSERT_EQ_MSG(test, res.addr, w.addr,
			    "op %u: %s size %llu align %llu flags %#x stream %u", st->op,
			    strategy_names[st->m->strategy], req.size, req.align,
			    req.flags, req.stream);
	KUNIT_ASSERT_EQ(test, res.size, w.size);
	KUNIT_ASSERT_EQ(test, res.waste, w.size - req.size);
	KUNIT_ASSERT_EQ(test, res.segment_id, w.seg_id);
	KUNIT_ASSERT_EQ(test, res.stream, w.stream);
	KUNIT_ASSERT_EQ_MSG(test, res.splits, w.splits, "op %u: splits", st->op);
	/* The dry run, made before, said the same. */
	KUNIT_ASSERT_EQ(test, dry.addr, res.addr);
	KUNIT_ASSERT_EQ(test, dry.size, res.size);
	KUNIT_ASSERT_EQ(test, dry.splits, res.splits);
	KUNIT_ASSERT_EQ(test, dry.segment_id, res.segment_id);
	KUNIT_ASSERT_EQ(test, memsim_block_lookup(pool, res.addr)->tag, req.tag);
	l = stress_overlap(st, res.addr, res.size);
	KUNIT_ASSERT_NULL_MSG(test, l, "op %u: [%#llx+%#llx) handed out twice", st->op,
			      res.addr, res.size);
	model_compare(test, st->m, pool);

	l = &st->live[st->nr_live++];
	l->addr = res.addr;
	l->size = res.size;
	l->requested = req.size;
	l->stream = res.stream;
	l->deferred = false;
}

static void stress_forget(struct stress *st, struct live *l)
{
	*l = st->live[--st->nr_live];
}

/* A completed free: the model's coalescing must be the pool's. */
static void stress_freed(struct stress *st, struct live *l, const struct memsim_free_result *fres)
{
	struct kunit *test = st->test;
	struct model_free_result mf;

	model_free(st->m, l->addr, l->size, &mf);
	KUNIT_ASSERT_EQ_MSG(test, fres->coalesced, mf.coalesced, "op %u: free %#llx coalesced",
			    st->op, l->addr);
	KUNIT_ASSERT_EQ(test, fres->coalesced_addr, mf.addr);
	KUNIT_ASSERT_EQ(test, fres->coalesced_size, mf.size);
	model_compare(test, st->m, st->pool);
	st->frees++;
	stress_forget(st, l);
}

static void stress_free(struct stress *st)
{
	struct kunit *test = st->test;
	struct memsim_free_result fres;
	struct live *l;
	u64 expected;
	u32 r;
	int ret;

	if (!st->nr_live)
		return;
	l = &st->live[rnd_below(st, st->nr_live)];
	r = rnd_below(st, 10);
	expected = r < 3 ? l->requested : r < 5 ? l->size : 0;
	if (!l->deferred && r == 9) {
		/* A wrong size, and a free of an address inside the block. */
		KUNIT_ASSERT_EQ(test, do_free(test, st->pool, l->addr, l->size + 1, 0, &fres),
				-EINVAL);
		if (l->size > 1)
			KUNIT_ASSERT_EQ(test, do_free(test, st->pool, l->addr + 1, 0, 0, &fres),
					-ENOENT);
		return;
	}
	if (l->deferred) {
		ret = memsim_complete_free(st->pool, l->addr, &fres);
		assert_pool_ok(test, st->pool);
	} else {
		ret = do_free(test, st->pool, l->addr, expected,
			      r < 2 ? MEMSIM_FREE_DEFERRED : 0, &fres);
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0, "op %u: free %#llx", st->op, l->addr);
	KUNIT_ASSERT_EQ(test, fres.freed_size, l->size);
	if (fres.deferred) {
		KUNIT_ASSERT_FALSE(test, l->deferred);
		l->deferred = true;
		/* Still allocated: nothing is free that was not. */
		model_compare(test, st->m, st->pool);
		return;
	}
	stress_freed(st, l, &fres);
}

static void stress_sync(struct stress *st)
{
	u32 stream = rnd_below(st, 3) ? rnd_below(st, 2) : MEMSIM_STREAM_ANY;
	struct model_free_result mf;
	u64 want = 0, done;
	unsigned int i;

	for (i = 0; i < st->nr_live; i++)
		if (st->live[i].deferred &&
		    (stream == MEMSIM_STREAM_ANY || st->live[i].stream == stream))
			want++;
	KUNIT_ASSERT_EQ(st->test, memsim_sync_stream(st->pool, stream, &done), 0);
	assert_pool_ok(st->test, st->pool);
	KUNIT_ASSERT_EQ(st->test, done, want);
	st->frees += done;
	/* The order of completion cannot change the coalesced result. */
	for (i = st->nr_live; i-- > 0;)
		if (st->live[i].deferred &&
		    (stream == MEMSIM_STREAM_ANY || st->live[i].stream == stream)) {
			model_free(st->m, st->live[i].addr, st->live[i].size, &mf);
			stress_forget(st, &st->live[i]);
		}
	model_compare(st->test, st->m, st->pool);
}

/* Frees everything; every segment must then be whole again. */
static void stress_drain(struct stress *st)
{
	struct memsim_free_result fres;
	unsigned int i;

	while (st->nr_live) {
		struct live *l = &st->live[rnd_below(st, st->nr_live)];

		int ret = l->deferred ? memsim_complete_free(st->pool, l->addr, &fres) :
					memsim_free(st->pool, l->addr, 0, 0, &fres);

		KUNIT_ASSERT_EQ(st->test, ret, 0);
		assert_pool_ok(st->test, st->pool);
		stress_freed(st, l, &fres);
	}
	/* The model's own record is whole again too: one extent or its roots. */
	for (i = 0; i < st->m->nr_seg; i++) {
		const struct mseg *seg = &st->m->seg[i];
		unsigned int j, n = 0;
		u64 bytes = 0;

		for (j = 0; j < st->m->nr; j++)
			if (st->m->fr[j].seg_id == seg->id) {
				bytes += st->m->fr[j].len;
				n++;
			}
		KUNIT_ASSERT_EQ(st->test, bytes, seg->len);
		if (!model_is_buddy(st->m))
			KUNIT_ASSERT_EQ(st->test, n, 1U);
	}
}

/* A switch to a random strategy: refused across the buddy line while in use. */
static void stress_switch(struct stress *st, enum memsim_strategy home)
{
	struct memsim_pool *pool = st->pool;
	/* TLSF has a suite and a model of its own (memsim_tlsf_test.c). */
	enum memsim_strategy to = rnd_below(st, MEMSIM_TLSF);
	bool crosses;
	int ret;

	/* Mostly stay on the strategy under test. */
	if (rnd_below(st, 2))
		to = home;
	/* Re-selecting the buddy system while in use: see lifecycle_strategy_switch. */
	if (model_rules[to].buddy && model_is_buddy(st->m) && st->nr_live)
		return;
	crosses = model_rules[to].buddy != model_is_buddy(st->m);
	ret = do_set_strategy(st->test, pool, to, model_rules[to].buddy ? MIN_BLOCK : 0);
	KUNIT_ASSERT_EQ(st->test, ret, crosses && st->nr_live ? -EBUSY : 0);
	if (!ret)
		model_set_strategy(st->m, to, MIN_BLOCK);
	model_compare(st->test, st->m, pool);
}

/* Releases a segment if nothing in it is live, then creates it again. */
static void stress_churn(struct stress *st)
{
	struct memsim_pool *pool = st->pool;
	struct memsim_segment *again;
	u64 start, size, id, busy = 0;
	struct mseg *seg;
	unsigned int i;
	u32 stream;
	int ret;

	seg = &st->m->seg[rnd_below(st, st->m->nr_seg)];
	id = seg->id;
	start = seg->start;
	size = seg->len;
	stream = seg->stream;
	for (i = 0; i < st->nr_live; i++)
		busy += st->live[i].addr >= start && st->live[i].addr < start + size;

	ret = memsim_segment_release(pool, id);
	assert_pool_ok(st->test, pool);
	KUNIT_ASSERT_EQ(st->test, ret, busy ? -EBUSY : 0);
	if (busy)
		return;
	model_release_segment(st->m, id);
	KUNIT_ASSERT_EQ(st->test, memsim_segment_create(pool, start, size, 0, stream, &again), 0);
	assert_pool_ok(st->test, pool);
	KUNIT_ASSERT_EQ(st->test, again->id, model_add_segment(st->m, start, size, stream));
	model_compare(st->test, st->m, pool);
}

static void stress_counters(struct stress *st)
{
	struct memsim_usage *u = &st->pool->usage;
	u64 bytes = 0, requested = 0, deferred = 0;
	struct memsim_strategy_stats sum = { };
	unsigned int i;

	for (i = 0; i < st->nr_live; i++) {
		bytes += st->live[i].size;
		requested += st->live[i].requested;
		deferred += st->live[i].deferred;
	}
	KUNIT_ASSERT_EQ(st->test, u->live_blocks, (u64)st->nr_live);
	KUNIT_ASSERT_EQ(st->test, u->allocated, bytes);
	KUNIT_ASSERT_EQ(st->test, u->requested, requested);
	KUNIT_ASSERT_EQ(st->test, u->deferred_blocks, deferred);
	KUNIT_ASSERT_EQ(st->test, u->allocs, st->allocs);
	KUNIT_ASSERT_EQ(st->test, u->frees, st->frees);
	KUNIT_ASSERT_EQ(st->test, u->failures, st->failures);

	/* Every operation is counted under the strategy active at the time. */
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++) {
		sum.allocs += st->pool->strategy_stats[i].allocs;
		sum.frees += st->pool->strategy_stats[i].frees;
		sum.failures += st->pool->strategy_stats[i].failures;
	}
	KUNIT_ASSERT_EQ(st->test, sum.allocs, st->allocs);
	KUNIT_ASSERT_EQ(st->test, sum.frees, st->frees);
	KUNIT_ASSERT_EQ(st->test, sum.failures, st->failures);
}

/* A segment in the pool and in the model, with the same id. */
static void stress_segment(struct stress *st, u64 start, u64 size, u32 stream)
{
	struct memsim_segment *seg = add_segment(st->test, st->pool, start, size, stream);

	KUNIT_ASSERT_EQ(st->test, seg->id, model_add_segment(st->m, start, size, stream));
}

static void stress_run(struct kunit *test, bool track_life)
{
	enum memsim_strategy home = param_strategy(test);
	struct stress *st = kunit_kzalloc(test, sizeof(*st), GFP_KERNEL);
	u32 r;

	KUNIT_ASSERT_NOT_NULL(test, st);
	st->m = kunit_kzalloc(test, sizeof(*st->m), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, st->m);
	kunit_info(test, "seed %llu, %u operations", seed, stress_ops);
	prandom_seed_state(&st->rnd, seed + home);
	st->test = test;
	st->pool = new_pool(test, home);
	KUNIT_ASSERT_EQ(test, memsim_pool_set_life(st->pool, track_life), 0);
	model_init(st->m, home);
	/* Two streams; an unaligned segment; a segment whose end is unaligned. */
	stress_segment(st, BASE, 0x10000, 0);
	stress_segment(st, BASE + 0x20040, 0x7fc0, 0);
	stress_segment(st, BASE + 0x40000, 0x6a00, 1);
	model_compare(test, st->m, st->pool);

	for (st->op = 0; st->op < stress_ops; st->op++) {
		r = rnd_below(st, 1000);
		if (r < 480 && st->nr_live < STRESS_LIVE)
			stress_alloc(st);
		else if (r < 900)
			stress_free(st);
		else if (r < 950)
			stress_sync(st);
		else if (r < 980)
			stress_switch(st, home);
		else if (r < 990)
			stress_churn(st);
		else
			stress_drain(st);
		stress_counters(st);
	}
	stress_drain(st);
	stress_counters(st);
	kunit_info(test, "%llu allocations, %llu failed", st->allocs, st->failures);
}

static void stress_random_ops(struct kunit *test)
{
	stress_run(test, true);
}

/* Lives are not tracked: the same placements, counters and checks. */
static void stress_random_ops_untracked(struct kunit *test)
{
	stress_run(test, false);
}

/*
 * What block_life=N promises: smaller blocks, no life, no clock; what
 * tracking promises: every block's life.  Sizes from the documentation
 * (Documentation/uapi.rst, "How memory is bounded"; issue 12's targets).
 */
static void stress_block_life(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BEST_FIT);
	const struct memsim_strategy_stats *st = &pool->strategy_stats[MEMSIM_BEST_FIT];
	struct memsim_block *b;
	u64 used, addr;
	int pass;

	for (pass = 0; pass < 2; pass++) {
		bool on = pass;

		KUNIT_ASSERT_EQ(test, memsim_pool_set_life(pool, on), 0);
		KUNIT_EXPECT_LE(test, memsim_block_struct_size(pool), on ? 168ULL : 112ULL);
		add_segment(test, pool, BASE, 0x10000, 0);
		KUNIT_EXPECT_EQ(test, memsim_pool_set_life(pool, !on), -EBUSY);
		KUNIT_EXPECT_EQ(test, pool->track_life, on);
		used = pool->mem_used;
		/* Splitting the segment's one free block makes one structure. */
		addr = alloc_ok(test, pool, 0x100, 0, 0);
		KUNIT_EXPECT_EQ(test, pool->mem_used - used, memsim_block_struct_size(pool));
		b = memsim_block_lookup(pool, addr);
		KUNIT_ASSERT_NOT_NULL(test, b);
		if (on) {
			KUNIT_ASSERT_NOT_NULL(test, memsim_life_of(b));
			KUNIT_EXPECT_NE(test, memsim_life_of(b)->alloc_ns, 0ULL);
		} else {
			KUNIT_EXPECT_NULL(test, memsim_life_of(b));
			KUNIT_EXPECT_EQ(test, st->alloc_ns, 0ULL);
		}
		assert_pool_ok(test, pool);
		memsim_pool_fini(pool);
		KUNIT_EXPECT_EQ(test, pool->track_life, on);
	}
}

static struct kunit_case memsim_stress_cases[] = {
	KUNIT_CASE_PARAM(stress_random_ops, strategy_gen_params),
	KUNIT_CASE_PARAM(stress_random_ops_untracked, strategy_gen_params),
	KUNIT_CASE(stress_block_life),
	{}
};

static struct kunit_suite memsim_stress_suite = {
	.name = "memsim_stress",
	.test_cases = memsim_stress_cases,
};

/* ---- memsim_bounds: memory budgets, streams, exact ratios, edges ---- */

/* A pool charged to @budget. */
static struct memsim_pool *budget_pool(struct kunit *test, enum memsim_strategy s,
				       struct memsim_budget *budget)
{
	struct memsim_pool *pool = new_pool(test, s);

	pool->budget = budget;
	return pool;
}

/*
 * The attack of issue 9: in buddy mode each FIXED allocation far from the
 * others splits a large block all the way down, pinning ~40 free halves.
 * The instance budget must stop it with -E2BIG, change nothing on the
 * failing call, and bound the block structures the pool holds.
 */
static void bounds_buddy_fixed_spray(struct kunit *test)
{
	struct memsim_budget *budget = kunit_kzalloc(test, sizeof(*budget), GFP_KERNEL);
	struct memsim_pool *pool;
	struct snap *before;
	u64 i, limit = 64 * 1024;
	int ret = 0;

	KUNIT_ASSERT_NOT_NULL(test, budget);
	budget->instance_limit = limit;
	pool = budget_pool(test, MEMSIM_BUDDY, budget);
	add_segment(test, pool, 0, 1ULL << 63, 0);
	for (i = 0; i < 2000; i++) {
		before = snap_take(test, pool);
		ret = fixed_alloc(test, pool, i << 43, 64, 0, 0);
		if (ret) {
			expect_unchanged(test, pool, before, "over budget");
			break;
		}
		snap_drop(test, before);
	}
	KUNIT_EXPECT_EQ(test, ret, -E2BIG);
	/* Stopped long before 2000 allocations' 74,000 free halves. */
	KUNIT_EXPECT_LT(test, i, 2000ULL);
	KUNIT_EXPECT_LE(test, pool->mem_used, limit);
	KUNIT_EXPECT_LE(test, pool->nr_block_structs * memsim_block_struct_size(pool), limit);
	KUNIT_EXPECT_EQ(test, pool->nr_block_structs,
			pool->usage.live_blocks + pool->usage.free_blocks);
	KUNIT_EXPECT_EQ(test, memsim_env_counter_read(&budget->total_used), pool->mem_used);

	/* Closing gives everything back. */
	memsim_pool_fini(pool);
	KUNIT_EXPECT_EQ(test, pool->mem_used, 0ULL);
	KUNIT_EXPECT_EQ(test, pool->nr_block_structs, 0ULL);
	KUNIT_EXPECT_EQ(test, memsim_env_counter_read(&budget->total_used), 0ULL);
}

/* Pools sharing a budget: the total limit holds for all of them together. */
static void bounds_total_budget(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_budget *budget = kunit_kzalloc(test, sizeof(*budget), GFP_KERNEL);
	struct memsim_pool *a, *b;
	u64 used;
	int i;

	KUNIT_ASSERT_NOT_NULL(test, budget);
	a = budget_pool(test, s, budget);
	b = budget_pool(test, s, budget);
	add_segment(test, a, BASE, 64 * UNIT, 0);
	used = memsim_env_counter_read(&budget->total_used);
	KUNIT_EXPECT_EQ(test, used, a->mem_used);
	KUNIT_EXPECT_GT(test, used, 0ULL);
	/* Room for exactly one more such segment, then none. */
	budget->total_limit = 2 * used;
	add_segment(test, b, BASE, 64 * UNIT, 0);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(b, BASE + 64 * UNIT, 64 * UNIT, 0, 1, NULL),
			-E2BIG);
	KUNIT_EXPECT_EQ(test, memsim_segment_create(a, BASE + 64 * UNIT, 64 * UNIT, 0, 0, NULL),
			-E2BIG);
	/* A full budget fails allocations that need a split, not others. */
	if (s != MEMSIM_BUDDY) {
		alloc_fails(test, a, UNIT, 0, 0, -E2BIG);
		KUNIT_EXPECT_EQ(test, a->usage.failures, 0ULL);
		alloc_ok(test, a, 64 * UNIT, 0, 0);
	}
	assert_pool_ok(test, a);
	assert_pool_ok(test, b);
	memsim_pool_fini(a);
	/* What @a gave back is @b's to use. */
	KUNIT_EXPECT_EQ(test, memsim_segment_create(b, BASE + 64 * UNIT, 64 * UNIT, 0, 1, NULL), 0);
	for (i = 0; i < 2; i++)
		assert_pool_ok(test, i ? b : a);
}

/* A stream goes with its last segment: streams are bounded by segments. */
static void bounds_streams_freed(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_budget *budget = kunit_kzalloc(test, sizeof(*budget), GFP_KERNEL);
	struct memsim_pool *pool;
	struct memsim_segment *seg;
	u64 base_mem, completed;
	u32 i;

	KUNIT_ASSERT_NOT_NULL(test, budget);
	pool = budget_pool(test, s, budget);
	add_segment(test, pool, BASE, 16 * UNIT, 7);
	base_mem = pool->mem_used;
	for (i = 0; i < 2000; i++) {
		KUNIT_ASSERT_EQ(test, memsim_segment_create(pool, 2 * BASE, 16 * UNIT, 0, 100 + i,
							    &seg), 0);
		KUNIT_ASSERT_EQ(test, memsim_segment_release(pool, seg->id), 0);
	}
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, pool->nr_streams, 1U);
	KUNIT_EXPECT_EQ(test, pool->mem_used, base_mem);
	KUNIT_EXPECT_NULL(test, memsim_stream_find(pool, 100));
	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, 100, &completed), -ENOENT);
	/* The stream that still has a segment is untouched. */
	KUNIT_EXPECT_NOT_NULL(test, memsim_stream_find(pool, 7));
	KUNIT_EXPECT_EQ(test, memsim_sync_stream(pool, 7, &completed), 0);
}

/* Ratios are floor(part * 10^6 / whole), exactly, whatever the magnitudes. */
static void bounds_ppm_floor(struct kunit *test)
{
	/* Free blocks of 1 and 998 bytes: 1/999 is 1001.001 ppm. */
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(999, 998), 1001U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(3, 1), 666666U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(3, 2), 333333U);
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(1, 3), 333333U);
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(2, 3), 666666U);
	/* One free byte in 2^64 - 1 is not full. */
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(U64_MAX - 1, U64_MAX), MEMSIM_PPM - 1);
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(U64_MAX / 3, U64_MAX), 333333U);
	/* 10^12 + 1 over 10^18 + 2: 1.000000000999.. ppm rounds down to 1. */
	KUNIT_EXPECT_EQ(test, memsim_ratio_ppm(1000000000001ULL, 1000000000000000002ULL), 1U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(U64_MAX, U64_MAX - 1), 0U);
	KUNIT_EXPECT_EQ(test, memsim_frag_ppm(U64_MAX, 1), MEMSIM_PPM - 1);
	/* (n - 1) / n, rounded down. */
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(3), 666666U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(7), 857142U);
	KUNIT_EXPECT_EQ(test, memsim_split_ratio_ppm(U64_MAX), MEMSIM_PPM - 1);
}

/* Buddy + FIXED at the top of the size range. */
static void bounds_buddy_fixed_edges(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_request req;
	struct memsim_result res;
	struct snap *before;

	add_segment(test, pool, 0, 1ULL << 63, 0);
	before = snap_take(test, pool);
	/* Above 2^63 the block would be 2^64: no fixed address can start it. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 0, (1ULL << 63) + 1, 0, 0), -EINVAL);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 1ULL << 62, (1ULL << 63) + 1, 0, 0),
			-EINVAL);
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 0, U64_MAX, 0, 0), -EINVAL);
	/* Rounded to 2^63, at 2^63 it would end at 2^64. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 1ULL << 63, 1ULL << 62 | 1, 0, 0), -EINVAL);
	/* Not aligned to the rounded size. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 1ULL << 61, (1ULL << 61) + 1, 0, 0),
			-EINVAL);
	expect_unchanged(test, pool, before, "malformed fixed requests");
	/* Without FIXED, a size over 2^63 is well formed and finds no space. */
	req_init(&req, (1ULL << 63) + 1, 0, 0);
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 1ULL);
	/* The largest legal one: the whole 2^63 root. */
	KUNIT_EXPECT_EQ(test, fixed_alloc(test, pool, 0, 1ULL << 63, 0, 0), 0);
}

/* An any-stream failure counts for the pool only; a named one for its stream. */
static void bounds_failure_counts(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_stream *s1, *s2;
	struct memsim_request req;
	struct memsim_result res;

	add_segment(test, pool, BASE, 16 * UNIT, 1);
	add_segment(test, pool, 2 * BASE, 16 * UNIT, 2);
	s1 = memsim_stream_find(pool, 1);
	s2 = memsim_stream_find(pool, 2);
	alloc_fails(test, pool, 64 * UNIT, 0, 0, -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 1ULL);
	KUNIT_EXPECT_EQ(test, s1->usage.failures + s2->usage.failures, 0ULL);
	req_init(&req, 64 * UNIT, 0, 0);
	req.stream = 2;
	KUNIT_EXPECT_EQ(test, do_alloc(test, pool, &req, &res), -ENOSPC);
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 2ULL);
	KUNIT_EXPECT_EQ(test, s1->usage.failures, 0ULL);
	KUNIT_EXPECT_EQ(test, s2->usage.failures, 1ULL);
	KUNIT_EXPECT_EQ(test, pool->strategy_stats[s].failures, 2ULL);
}

/* History counters stop at U64_MAX. */
static void bounds_history_saturates(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	u64 addr;
	int i;

	add_segment(test, pool, 0, U64_MAX, 0);
	for (i = 0; i < 3; i++) {
		addr = alloc_ok(test, pool, 1ULL << 63, 0, 0);
		free_ok(test, pool, addr);
	}
	KUNIT_EXPECT_EQ(test, pool->usage.alloc_bytes, U64_MAX);
	KUNIT_EXPECT_EQ(test, pool->usage.requested_bytes, U64_MAX);
	KUNIT_EXPECT_EQ(test, pool->usage.allocs, 3ULL);
}

/* Arguments are checked before limits: a malformed request is -EINVAL. */
static void bounds_validation_order(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);

	add_segment(test, pool, BASE, 64 * UNIT, 0);
	pool->max_live_blocks = 1;
	alloc_ok(test, pool, UNIT, 0, 0);
	alloc_fails(test, pool, 0, 0, 0, -EINVAL);
	alloc_fails(test, pool, UNIT, 3, 0, -EINVAL);
	alloc_fails(test, pool, UNIT, 0, 1U << 31, -EINVAL);
	alloc_fails(test, pool, UNIT, 0, 0, -E2BIG);
	/* A limit is not a failure to find space. */
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 0ULL);
}

/* prepare + abort changes nothing; prepare + commit gives what was prepared. */
static void bounds_prepare_commit(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment_plan splan;
	struct memsim_alloc_plan plan;
	struct memsim_segment *seg;
	struct memsim_request req;
	struct memsim_result res;
	struct snap *before;

	add_segment(test, pool, BASE, 64 * UNIT, 0);
	alloc_ok(test, pool, 3 * UNIT, 0, 0);
	req_init(&req, 5 * UNIT, 4 * UNIT, MEMSIM_REQ_TOPDOWN);

	before = snap_take(test, pool);
	KUNIT_ASSERT_EQ(test, memsim_alloc_prepare(pool, &req, &plan), 0);
	memsim_alloc_abort(pool, &plan);
	expect_unchanged(test, pool, before, "alloc prepare + abort");
	KUNIT_ASSERT_EQ(test, memsim_segment_prepare(pool, 2 * BASE, 8 * UNIT, 3, 9, &splan), 0);
	KUNIT_EXPECT_EQ(test, splan.id, pool->last_segment_id + 1);
	memsim_segment_abort(pool, &splan);
	expect_unchanged(test, pool, before, "segment prepare + abort");

	KUNIT_ASSERT_EQ(test, memsim_can_alloc(pool, &req, &res), 0);
	KUNIT_ASSERT_EQ(test, memsim_alloc_prepare(pool, &req, &plan), 0);
	KUNIT_EXPECT_EQ(test, memcmp(&plan.res, &res, sizeof(res)), 0);
	memsim_alloc_commit(pool, &plan);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_block_lookup(pool, res.addr)->size, res.size);

	KUNIT_ASSERT_EQ(test, memsim_segment_prepare(pool, 2 * BASE, 8 * UNIT, 3, 9, &splan), 0);
	seg = memsim_segment_commit(pool, &splan);
	assert_pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, seg->id, splan.id);
	KUNIT_EXPECT_PTR_EQ(test, memsim_segment_find(pool, splan.id), seg);
}

/* The largest free block of a segment, against a walk of its blocks. */
static u64 walk_largest_free(const struct memsim_segment *seg)
{
	const struct memsim_block *b;
	u64 best = 0;

	list_for_each_entry(b, &seg->blocks, link)
		if (b->state == MEMSIM_BLOCK_FREE && b->size > best)
			best = b->size;
	return best;
}

static void bounds_segment_largest_free(struct kunit *test)
{
	enum memsim_strategy s = param_strategy(test);
	struct memsim_pool *pool = new_pool(test, s);
	struct memsim_segment *segs[3];
	struct rnd_state rnd;
	u64 live[64];
	unsigned int nlive = 0, i, j;

	/* Three segments of one stream, so its free index mixes them. */
	for (i = 0; i < 3; i++)
		segs[i] = add_segment(test, pool, BASE * (i + 1), 64 * UNIT, 0);
	prandom_seed_state(&rnd, seed);
	for (i = 0; i < 600; i++) {
		struct memsim_request req;
		struct memsim_result res;

		if (nlive && (nlive == ARRAY_SIZE(live) || prandom_u32_state(&rnd) % 3 == 0)) {
			j = prandom_u32_state(&rnd) % nlive;
			free_ok(test, pool, live[j]);
			live[j] = live[--nlive];
		} else {
			req_init(&req, 1 + prandom_u32_state(&rnd) % (8 * UNIT), 0,
				 prandom_u32_state(&rnd) & MEMSIM_REQ_TOPDOWN);
			if (!do_alloc(test, pool, &req, &res))
				live[nlive++] = res.addr;
		}
		for (j = 0; j < 3; j++)
			KUNIT_ASSERT_EQ_MSG(test, memsim_segment_largest_free(pool, segs[j]),
					    walk_largest_free(segs[j]), "step %u segment %u", i, j);
	}
}

static struct kunit_case memsim_bounds_cases[] = {
	KUNIT_CASE(bounds_buddy_fixed_spray),
	KUNIT_CASE_PARAM(bounds_total_budget, strategy_gen_params),
	KUNIT_CASE_PARAM(bounds_streams_freed, strategy_gen_params),
	KUNIT_CASE(bounds_ppm_floor),
	KUNIT_CASE(bounds_buddy_fixed_edges),
	KUNIT_CASE_PARAM(bounds_failure_counts, strategy_gen_params),
	KUNIT_CASE(bounds_history_saturates),
	KUNIT_CASE_PARAM(bounds_validation_order, strategy_gen_params),
	KUNIT_CASE_PARAM(bounds_prepare_commit, strategy_gen_params),
	KUNIT_CASE_PARAM(bounds_segment_largest_free, strategy_gen_params),
	{}
};

static struct kunit_suite memsim_bounds_suite = {
	.name = "memsim_bounds",
	.test_cases = memsim_bounds_cases,
};

/*
 * memsim_explain(): every figure of a constructed case is worked out by
 * hand from the documented rules (uapi.rst, EXPLAIN_ALLOC) and written
 * down here as a number, not recomputed from the pool.
 */

struct expect_cand {
	u64 addr;
	u64 size;
	u64 usable;
	u32 stream;
	enum memsim_refusal reason;
};

static void expect_candidates(struct kunit *test, const struct memsim_explanation *ex,
			      const struct expect_cand *want, unsigned int n)
{
	unsigned int i;

	KUNIT_ASSERT_EQ(test, ex->nr_blocks, n);
	for (i = 0; i < n; i++) {
		const struct memsim_refused_block *c = &ex->blocks[i];

		KUNIT_EXPECT_EQ_MSG(test, c->addr, want[i].addr, "candidate %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->size, want[i].size, "candidate %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->usable, want[i].usable, "candidate %u", i);
		KUNIT_EXPECT_EQ_MSG(test, c->stream, want[i].stream, "candidate %u", i);
		KUNIT_EXPECT_STREQ_MSG(test, memsim_refusal_name(c->reason),
				       memsim_refusal_name(want[i].reason), "candidate %u", i);
	}
}

static void explain_ok(struct kunit *test, struct memsim_pool *pool,
		       const struct memsim_request *req, struct memsim_explanation *ex)
{
	KUNIT_ASSERT_EQ(test, memsim_explain(pool, req, ex), 0);
	assert_pool_ok(test, pool);
}

/* Every other unit freed: 8 free units of 16, nothing larger than one. */
static void explain_scattered(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BEST_FIT);
	struct memsim_explanation ex;
	struct memsim_request req;
	struct expect_cand want[8];
	u64 addr[16];
	int i;

	add_segment(test, pool, 0, 16 * UNIT, 0);
	for (i = 0; i < 16; i++)
		addr[i] = alloc_ok(test, pool, UNIT, 0, 0);
	for (i = 0; i < 16; i += 2)
		free_ok(test, pool, addr[i]);
	alloc_fails(test, pool, 2 * UNIT, 0, 0, -ENOSPC);

	req_init(&req, 2 * UNIT, 0, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 8 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.largest_free, UNIT);
	KUNIT_EXPECT_EQ(test, ex.largest_alloc, UNIT);
	KUNIT_EXPECT_EQ(test, ex.free_blocks, 8ULL);
	KUNIT_EXPECT_EQ(test, ex.deferred_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.other_free_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.frag_ppm, 875000U);	/* 1 - 1/8 */
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	/* Equal sizes: the higher address first; the blocks are at 14U..0. */
	for (i = 0; i < 8; i++)
		want[i] = (struct expect_cand){ (14 - 2 * i) * UNIT, UNIT, UNIT, 0,
						MEMSIM_REFUSAL_SMALL };
	expect_candidates(test, &ex, want, 8);

	/* One unit fits anywhere: the same candidates, all FITS. */
	req_init(&req, UNIT, 0, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_TRUE(test, ex.would_fit);
	for (i = 0; i < 8; i++)
		want[i].reason = MEMSIM_REFUSAL_FITS;
	expect_candidates(test, &ex, want, 8);

	/* Asking changed nothing: the failure count is ALLOC's one. */
	KUNIT_EXPECT_EQ(test, pool->usage.failures, 1ULL);
	KUNIT_EXPECT_EQ(test, memsim_explain(pool, &(struct memsim_request){ .size = 0 }, &ex),
			-EINVAL);
}

/* Alignment, range and fixed refusals, and usable bytes. */
static void explain_placement_rules(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_explanation ex;
	struct memsim_request req;

	/* One free block [1U, 6U). */
	add_segment(test, pool, UNIT, 5 * UNIT, 0);

	/* 3U aligned to 4U: the only aligned start inside is 4U, 2U before the end. */
	req_init(&req, 3 * UNIT, 4 * UNIT, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, 2 * UNIT, 0, MEMSIM_REFUSAL_ALIGN } }, 1);

	/* 2U aligned to 4U fits at 4U: usable is still 2U. */
	req_init(&req, 2 * UNIT, 4 * UNIT, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_TRUE(test, ex.would_fit);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, 2 * UNIT, 0, MEMSIM_REFUSAL_FITS } }, 1);

	/* A range overlapping the block by 1U: [5U, 16U). */
	req_init(&req, 2 * UNIT, 0, MEMSIM_REQ_RANGE);
	req.range_lo = 5 * UNIT;
	req.range_hi = 16 * UNIT;
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, UNIT, 0, MEMSIM_REFUSAL_RANGE } }, 1);

	/* A range wholly outside: nothing usable. */
	req.range_lo = 8 * UNIT;
	explain_ok(test, pool, &req, &ex);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, 0, 0, MEMSIM_REFUSAL_RANGE } }, 1);

	/* Fixed at 5U for 2U runs past the block's end at 6U. */
	req_init(&req, 2 * UNIT, 0, MEMSIM_REQ_FIXED);
	req.addr = 5 * UNIT;
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, UNIT, 0, MEMSIM_REFUSAL_RANGE } }, 1);

	/* Larger than the block: SMALL comes before the window rules. */
	req_init(&req, 6 * UNIT, 0, 0);
	explain_ok(test, pool, &req, &ex);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ UNIT, 5 * UNIT, 5 * UNIT, 0, MEMSIM_REFUSAL_SMALL } }, 1);
}

/* Streams and pending frees. */
static void explain_streams_and_deferred(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_WORST_FIT);
	struct memsim_free_result fres;
	struct memsim_explanation ex;
	struct memsim_request req;
	struct memsim_result res;

	add_segment(test, pool, 0, 2 * UNIT, 1);		/* stream 1: [0, 2U) */
	add_segment(test, pool, 4 * UNIT, 8 * UNIT, 2);	/* stream 2: [4U, 12U) */

	/* Stream 1 takes its whole segment, then frees it in two phases. */
	req_init(&req, 2 * UNIT, 0, 0);
	req.stream = 1;
	KUNIT_ASSERT_EQ(test, do_alloc(test, pool, &req, &res), 0);
	KUNIT_ASSERT_EQ(test, do_free(test, pool, 0, 0, MEMSIM_FREE_DEFERRED, &fres), 0);

	req_init(&req, UNIT, 0, 0);
	req.stream = 1;
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.largest_free, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.free_blocks, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.deferred_bytes, 2 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.other_free_bytes, 8 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.frag_ppm, 0U);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ 4 * UNIT, 8 * UNIT, 8 * UNIT, 2, MEMSIM_REFUSAL_STREAM },
		{ 0, 2 * UNIT, 2 * UNIT, 1, MEMSIM_REFUSAL_DEFERRED } }, 2);

	/* Any stream: stream 2's block fits; all the pool's figures. */
	req.stream = MEMSIM_STREAM_ANY;
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_TRUE(test, ex.would_fit);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 8 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.other_free_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.deferred_bytes, 2 * UNIT);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ 4 * UNIT, 8 * UNIT, 8 * UNIT, 2, MEMSIM_REFUSAL_FITS },
		{ 0, 2 * UNIT, 2 * UNIT, 1, MEMSIM_REFUSAL_DEFERRED } }, 2);

	/* A stream with no segment: nothing of its own. */
	req.stream = 7;
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 0ULL);
	KUNIT_EXPECT_EQ(test, ex.other_free_bytes, 8 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.blocks[0].reason, (u32)MEMSIM_REFUSAL_STREAM);
}

/* The buddy system compares against the rounded size. */
static void explain_buddy_rounding(struct kunit *test)
{
	struct memsim_pool *pool = new_pool(test, MEMSIM_BUDDY);
	struct memsim_explanation ex;
	struct memsim_request req;

	add_segment(test, pool, 0, 4 * UNIT, 0);
	/* One unit splits 4U into [0,1U) taken, [1U,2U) and [2U,4U) free. */
	KUNIT_ASSERT_EQ(test, alloc_ok(test, pool, UNIT, 0, 0), 0ULL);

	/* 3U rounds up to 4U: both free blocks are too small. */
	req_init(&req, 3 * UNIT, 0, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_FALSE(test, ex.would_fit);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 3 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.largest_free, 2 * UNIT);
	KUNIT_EXPECT_EQ(test, ex.frag_ppm, 333333U);	/* 1 - 2/3 */
	/* Usable counts from the first address aligned to the 4U block. */
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ 2 * UNIT, 2 * UNIT, 0, 0, MEMSIM_REFUSAL_SMALL },
		{ UNIT, UNIT, 0, 0, MEMSIM_REFUSAL_SMALL } }, 2);

	/* 1.5U rounds to 2U: the 2U block fits, the 1U one is too small. */
	req_init(&req, UNIT + UNIT / 2, 0, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_EXPECT_TRUE(test, ex.would_fit);
	expect_candidates(test, &ex, (struct expect_cand[]){
		{ 2 * UNIT, 2 * UNIT, 2 * UNIT, 0, MEMSIM_REFUSAL_FITS },
		{ UNIT, UNIT, 0, 0, MEMSIM_REFUSAL_SMALL } }, 2);
}

/* More than eight blocks: the eight largest, whatever the order made. */
static void explain_keeps_the_largest(struct kunit *test)
{
	static const u64 sizes[] = { 3, 9, 1, 7, 12, 2, 5, 11, 4, 8, 6, 10 };
	struct memsim_pool *pool = new_pool(test, MEMSIM_FIRST_FIT);
	struct memsim_explanation ex;
	struct memsim_request req;
	u64 start = 0;
	unsigned int i;

	/* Separate segments of each size, one stream each. */
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		add_segment(test, pool, start, sizes[i] * UNIT, i);
		start += 16 * UNIT;
	}
	req_init(&req, 13 * UNIT, 0, 0);
	explain_ok(test, pool, &req, &ex);
	KUNIT_ASSERT_EQ(test, ex.nr_blocks, 8U);
	/* 12, 11, ..., 5 units, largest first. */
	for (i = 0; i < 8; i++)
		KUNIT_EXPECT_EQ_MSG(test, ex.blocks[i].size, (12 - i) * UNIT, "candidate %u", i);
	KUNIT_EXPECT_EQ(test, ex.blocks[0].stream, 4U);
	KUNIT_EXPECT_EQ(test, ex.free_blocks, 12ULL);
	KUNIT_EXPECT_EQ(test, ex.free_bytes, 78 * UNIT);
}

static struct kunit_case memsim_explain_cases[] = {
	KUNIT_CASE(explain_scattered),
	KUNIT_CASE(explain_placement_rules),
	KUNIT_CASE(explain_streams_and_deferred),
	KUNIT_CASE(explain_buddy_rounding),
	KUNIT_CASE(explain_keeps_the_largest),
	{}
};

static struct kunit_suite memsim_explain_suite = {
	.name = "memsim_explain",
	.test_cases = memsim_explain_cases,
};

kunit_test_suites(&memsim_check_suite, &memsim_segment_suite, &memsim_placement_suite,
		  &memsim_lifecycle_suite, &memsim_inject_suite, &memsim_stress_suite,
		  &memsim_bounds_suite, &memsim_explain_suite);
