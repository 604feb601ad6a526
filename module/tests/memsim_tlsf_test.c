// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: KUnit tests of two-level segregated fit
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: TLSF suite
 *
 * memsim_tlsf drives a pool under %MEMSIM_TLSF and checks every placement
 * against a model written from the rule in Documentation/allocator.rst
 * (and the DOC block of memsim_tlsf.c), never from the code: the model
 * keeps no lists and no bitmaps.  Each free block carries the time it was
 * inserted; a class's list order is "latest insertion first".  Classes are
 * found by walking the table of class boundaries row by row (each row's
 * first bound and step), not by bit arithmetic; the candidate order is a
 * sort of every free block of the stream by (step, class, insertion time);
 * placement scans aligned addresses by division.  memsim_pool_check() runs
 * after every step.
 *
 * - tlsf_settings: parameter 0 is 16 classes, 16 and 32 are valid, others
 *   are -EINVAL, and a change needs an empty pool;
 * - tlsf_check_catches: the checker sees a free block on another class's
 *   list or on none, and an allocated block larger than its request;
 * - tlsf_head_of_class, tlsf_rounding, tlsf_own_class, tlsf_alignment,
 *   tlsf_cap, tlsf_fixed, tlsf_streams, tlsf_step2_order, tlsf_split_order,
 *   tlsf_coalesce: the rule's clauses
 *   one at a time, with layouts small enough to work out by hand;
 * - tlsf_random: seeded random allocations (alignment, ranges, top-down,
 *   fixed addresses, streams) and frees (deferred too) on several
 *   segments, with 16 and 32 classes, each compared with the model, and
 *   the queries (largest free block, per segment too; the first block from
 *   an address; the explanation's candidates, largest first) with it.
 *   ``insmod memsim_test.ko tlsf_seed=7 tlsf_ops=20000`` reproduces or
 *   lengthens a run.
 */

#include <kunit/test.h>
#include <linux/module.h>
#include <linux/prandom.h>
#include <linux/slab.h>
#include <linux/sort.h>
#include <linux/string.h>

#include "memsim_core.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* From the documentation: classes per level, and the search's cap. */
#define DEFAULT_CLASSES	16
#define CAP		256

#define BASE		0x1000000ULL
#define MSG_LEN		192
#define MAX_BLOCKS	4096

KUNIT_DEFINE_ACTION_WRAPPER(tlsf_pool_fini, memsim_pool_fini, struct memsim_pool *);

/* ---- the class table, by boundaries ---- */

/*
 * Row r of the table starts at the bound first(r) and has C classes of
 * width step(r): row 0 starts at 0 with step 1, row 1 at C with step 1,
 * and each later row at twice the previous row's start, with twice its
 * step.  The class of a size is the last bound at or below it.
 */
static unsigned int model_class(u64 size, unsigned int classes)
{
	u64 first = classes, step = 1;
	unsigned int row = 1;

	if (size < classes)
		return size;
	/* The row whose range [first, 2 * first) holds the size. */
	while (size / 2 >= first) {
		first *= 2;
		step *= 2;
		row++;
	}
	return row * classes + (size - first) / step;
}

static u64 model_bound(unsigned int k, unsigned int classes)
{
	unsigned int row = k / classes, col = k % classes;
	u64 first = classes, step = 1;

	if (!row)
		return col;
	while (--row) {
		first *= 2;
		step *= 2;
	}
	return first + col * step;
}

static unsigned int model_nr_classes(unsigned int classes)
{
	unsigned int k = 0;

	/* The last row is the one that starts at 2^63. */
	while (model_class(1ULL << 63, classes) >= k)
		k += classes;
	return k;
}

/* ---- the model ---- */

struct mblock {
	u64 addr;
	u64 size;
	u64 seg_id;
	u64 time;	/* when it was last inserted as a free block */
	u32 stream;
	u8 state;	/* MEMSIM_BLOCK_* */
	bool used;
};

struct model {
	struct mblock b[MAX_BLOCKS];
	u64 clock;
	unsigned int classes;
};

static struct mblock *model_new(struct kunit *test, struct model *m)
{
	unsigned int i;

	for (i = 0; i < MAX_BLOCKS; i++)
		if (!m->b[i].used) {
			memset(&m->b[i], 0, sizeof(m->b[i]));
			m->b[i].used = true;
			return &m->b[i];
		}
	KUNIT_FAIL_AND_ABORT(test, "model out of blocks");
	return NULL;
}

static void model_insert_free(struct model *m, struct mblock *b)
{
	b->state = MEMSIM_BLOCK_FREE;
	b->time = ++m->clock;
}

static void model_segment(struct kunit *test, struct model *m, u64 start, u64 size,
			  u32 stream, u64 id)
{
	struct mblock *b = model_new(test, m);

	b->addr = start;
	b->size = size;
	b->seg_id = id;
	b->stream = stream;
	model_insert_free(m, b);
}

static struct mblock *model_at(struct model *m, u64 addr)
{
	unsigned int i;

	for (i = 0; i < MAX_BLOCKS; i++)
		if (m->b[i].used && m->b[i].addr <= addr && addr - m->b[i].addr < m->b[i].size)
			return &m->b[i];
	return NULL;
}

/* A query as the documentation states it: window [lo, hi), alignment a. */
struct mquery {
	u64 n;
	u64 a;
	u64 lo;
	u64 hi;
	bool topdown;
	bool fixed;
	u64 addr;
	u32 stream;
};

/* Brute force over the aligned addresses of the window's overlap with @b. */
static bool model_fits(const struct mquery *q, const struct mblock *b, u64 *place)
{
	u64 lo = max(q->lo, b->addr), hi = min(q->hi, b->addr + b->size), p;

	if (q->fixed) {
		if (q->addr < lo || q->addr > hi || hi - q->addr < q->n)
			return false;
		*place = q->addr;
		return true;
	}
	if (lo >= hi || hi - lo < q->n)
		return false;
	if (q->topdown) {
		p = (hi - q->n) / q->a * q->a;
		if (p < lo)
			return false;
	} else {
		p = (lo + q->a - 1) / q->a * q->a;
		if (p > hi - q->n)
			return false;
	}
	*place = p;
	return true;
}

/*
 * The classes a query's search starts from: the lowest class whose bound
 * reaches n + a - 1 (@have_g false when none does), and the class of n.
 */
struct mstart {
	unsigned int g;
	bool have_g;
	unsigned int own;
};

static void model_start(unsigned int c, const struct mquery *q, struct mstart *ms)
{
	unsigned int nr = model_nr_classes(c);
	u64 need = q->n + q->a - 1, bound = 0, step = 1;

	ms->own = model_class(q->n, c);
	ms->g = 0;
	ms->have_g = need >= q->n;
	if (!ms->have_g)
		return;
	/*
	 * Walk the bounds: each class is as wide as the step of its row, 1
	 * in rows 0 and 1, doubling at the start of every row after.
	 */
	while (bound < need && ++ms->g < nr) {
		bound += step;
		if (!(ms->g % c) && ms->g / c >= 2)
			step *= 2;
	}
	ms->have_g = ms->g < nr;
}

/*
 * Where a block stands in the candidate order: step 1 or 2 and the class
 * key within it (step 1 ascending, step 2 descending); 0 when the search
 * never looks at it.
 */
static int model_step(const struct model *m, const struct mstart *ms, const struct mblock *b,
		      long *key)
{
	unsigned int k = model_class(b->size, m->classes);

	if (ms->have_g && k >= ms->g) {
		*key = k;
		return 1;
	}
	if (k >= ms->own) {
		*key = -(long)k;
		return 2;
	}
	return 0;
}

struct mcand {
	struct mblock *b;
	int step;
	long key;
};

static int mcand_cmp(const void *x, const void *y)
{
	const struct mcand *a = x, *b = y;

	if (a->step != b->step)
		return a->step < b->step ? -1 : 1;
	if (a->key != b->key)
		return a->key < b->key ? -1 : 1;
	/* The later insertion is nearer the head. */
	return a->b->time > b->b->time ? -1 : 1;
}

static struct mcand cands[MAX_BLOCKS];

/* The block the rule takes in one stream, or NULL. */
static struct mblock *model_search_stream(struct model *m, const struct mquery *q, u32 stream,
					  u64 *place, int *step, long *key)
{
	unsigned int i, n = 0;
	struct mstart ms;

	if (q->fixed) {
		struct mblock *b = model_at(m, q->addr);

		if (!b || b->state != MEMSIM_BLOCK_FREE || b->stream != stream ||
		    !model_fits(q, b, place))
			return NULL;
		*step = 0;
		*key = 0;
		return b;
	}
	model_start(m->classes, q, &ms);
	for (i = 0; i < MAX_BLOCKS; i++) {
		struct mblock *b = &m->b[i];

		if (!b->used || b->state != MEMSIM_BLOCK_FREE || b->stream != stream)
			continue;
		cands[n].step = model_step(m, &ms, b, &cands[n].key);
		if (!cands[n].step)
			continue;
		cands[n++].b = b;
	}
	sort(cands, n, sizeof(cands[0]), mcand_cmp, NULL);
	for (i = 0; i < n && i < CAP; i++)
		if (model_fits(q, cands[i].b, place)) {
			*step = cands[i].step;
			*key = cands[i].key;
			return cands[i].b;
		}
	return NULL;
}

/* The whole rule, every stream (0..3 in these tests) competing for ANY. */
static struct mblock *model_search(struct model *m, const struct mquery *q, u64 *place)
{
	struct mblock *best = NULL, *b;
	int step, best_step = 0;
	long key, best_key = 0;
	u64 p, best_p = 0;
	u32 s;

	for (s = 0; s < 4; s++) {
		if (q->stream != MEMSIM_STREAM_ANY && q->stream != s)
			continue;
		b = model_search_stream(m, q, s, &p, &step, &key);
		if (!b)
			continue;
		if (!best || step < best_step || (step == best_step && key < best_key) ||
		    (step == best_step && key == best_key &&
		     (q->topdown ? p > best_p : p < best_p))) {
			best = b;
			best_step = step;
			best_key = key;
			best_p = p;
		}
	}
	*place = best_p;
	return best;
}

/* Carve the allocation: padding first, then the remainder, as free blocks. */
static unsigned int model_take(struct kunit *test, struct model *m, struct mblock *b,
			       u64 place, u64 n)
{
	u64 end = b->addr + b->size;
	unsigned int splits = 0;
	struct mblock *x;

	if (place > b->addr) {
		x = model_new(test, m);
		*x = *b;
		x->size = place - b->addr;
		model_insert_free(m, x);
		splits++;
	}
	if (place + n < end) {
		x = model_new(test, m);
		*x = *b;
		x->addr = place + n;
		x->size = end - x->addr;
		model_insert_free(m, x);
		splits++;
	}
	b->addr = place;
	b->size = n;
	b->state = MEMSIM_BLOCK_ALLOCATED;
	return splits;
}

/* Free @b: merge with the free neighbours of its segment, below first. */
static void model_free(struct model *m, struct mblock *b)
{
	struct mblock *n;

	if (b->addr) {
		n = model_at(m, b->addr - 1);
		if (n && n->seg_id == b->seg_id && n->state == MEMSIM_BLOCK_FREE) {
			b->addr = n->addr;
			b->size += n->size;
			n->used = false;
		}
	}
	n = model_at(m, b->addr + b->size);
	if (n && n->seg_id == b->seg_id && n->state == MEMSIM_BLOCK_FREE) {
		b->size += n->size;
		n->used = false;
	}
	model_insert_free(m, b);
}

/* ---- the pool side ---- */

static void __pool_ok(struct kunit *test, struct memsim_pool *pool, int line)
{
	char msg[MSG_LEN];

	if (memsim_pool_check(pool, msg, sizeof(msg)))
		KUNIT_FAIL_AND_ABORT(test, "pool inconsistent after line %d: %s", line, msg);
}

#define pool_ok(test, pool)	__pool_ok(test, pool, __LINE__)

static struct memsim_pool *tlsf_pool(struct kunit *test, u64 classes)
{
	struct memsim_pool *pool = kunit_kzalloc(test, sizeof(*pool), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, pool);
	memsim_pool_init(pool);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, tlsf_pool_fini, pool), 0);
	KUNIT_ASSERT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, classes), 0);
	pool_ok(test, pool);
	return pool;
}

static struct model *tlsf_model(struct kunit *test, u64 classes)
{
	struct model *m = kunit_kzalloc(test, sizeof(*m), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, m);
	m->classes = classes ? classes : DEFAULT_CLASSES;
	return m;
}

static u64 add_seg(struct kunit *test, struct memsim_pool *pool, struct model *m,
		   u64 start, u64 size, u32 stream)
{
	struct memsim_segment *seg;

	KUNIT_ASSERT_EQ(test, memsim_segment_create(pool, start, size, 0, stream, &seg), 0);
	pool_ok(test, pool);
	if (m)
		model_segment(test, m, start, size, stream, seg->id);
	return seg->id;
}

static void mq_init(struct mquery *q, u64 n, u64 align)
{
	memset(q, 0, sizeof(*q));
	q->n = n;
	q->a = align ? align : 1;
	q->hi = U64_MAX;
	q->stream = MEMSIM_STREAM_ANY;
}

static void mq_request(const struct mquery *q, struct memsim_request *req)
{
	memset(req, 0, sizeof(*req));
	req->size = q->n;
	req->align = q->a;
	req->stream = q->stream;
	if (q->topdown)
		req->flags |= MEMSIM_REQ_TOPDOWN;
	if (q->fixed) {
		req->flags |= MEMSIM_REQ_FIXED;
		req->addr = q->addr;
	}
	if (q->lo || q->hi != U64_MAX) {
		req->flags |= MEMSIM_REQ_RANGE;
		req->range_lo = q->lo;
		req->range_hi = q->hi;
	}
}

/* Allocate on both sides; they must agree.  Returns the address or 0. */
static u64 both_alloc(struct kunit *test, struct memsim_pool *pool, struct model *m,
		      const struct mquery *q)
{
	struct memsim_request req;
	struct memsim_result res;
	struct mblock *b;
	unsigned int splits;
	u64 place;
	int ret;

	mq_request(q, &req);
	b = model_search(m, q, &place);
	ret = memsim_alloc(pool, &req, &res);
	pool_ok(test, pool);
	if (!b) {
		KUNIT_EXPECT_EQ_MSG(test, ret, -ENOSPC,
				    "n %#llx a %#llx [%#llx, %#llx) td %d fixed %d@%#llx stream %d: got %#llx",
				    q->n, q->a, q->lo, q->hi, q->topdown, q->fixed, q->addr,
				    (int)q->stream, ret ? 0 : res.addr);
		return 0;
	}
	KUNIT_ASSERT_EQ_MSG(test, ret, 0,
			    "n %#llx a %#llx [%#llx, %#llx) td %d fixed %d@%#llx stream %d: model %#llx",
			    q->n, q->a, q->lo, q->hi, q->topdown, q->fixed, q->addr,
			    (int)q->stream, place);
	KUNIT_ASSERT_EQ_MSG(test, res.addr, place,
			    "n %#llx a %#llx [%#llx, %#llx) td %d fixed %d stream %d",
			    q->n, q->a, q->lo, q->hi, q->topdown, q->fixed, (int)q->stream);
	KUNIT_EXPECT_EQ(test, res.size, q->n);
	KUNIT_EXPECT_EQ(test, res.waste, 0ULL);
	KUNIT_EXPECT_EQ(test, res.stream, b->stream);
	KUNIT_EXPECT_EQ(test, res.segment_id, b->seg_id);
	splits = model_take(test, m, b, place, q->n);
	KUNIT_EXPECT_EQ(test, res.splits, splits);
	return place;
}

static u64 alloc_n(struct kunit *test, struct memsim_pool *pool, struct model *m, u64 n,
		   u64 align)
{
	struct mquery q;

	mq_init(&q, n, align);
	return both_alloc(test, pool, m, &q);
}

static void both_free(struct kunit *test, struct memsim_pool *pool, struct model *m,
		      u64 addr, bool deferred)
{
	struct memsim_free_result fres;
	struct mblock *b = model_at(m, addr);

	KUNIT_ASSERT_NOT_NULL(test, b);
	KUNIT_ASSERT_EQ(test, memsim_free(pool, addr, 0, deferred ? MEMSIM_FREE_DEFERRED : 0,
					  &fres), 0);
	pool_ok(test, pool);
	if (deferred) {
		b->state = MEMSIM_BLOCK_FREE_REQUESTED;
		return;
	}
	model_free(m, b);
	KUNIT_EXPECT_EQ(test, fres.coalesced_addr, b->addr);
	KUNIT_EXPECT_EQ(test, fres.coalesced_size, b->size);
}

static void both_complete(struct kunit *test, struct memsim_pool *pool, struct model *m,
			  u64 addr)
{
	struct memsim_free_result fres;
	struct mblock *b = model_at(m, addr);

	KUNIT_ASSERT_EQ(test, memsim_complete_free(pool, addr, &fres), 0);
	pool_ok(test, pool);
	model_free(m, b);
	KUNIT_EXPECT_EQ(test, fres.coalesced_addr, b->addr);
	KUNIT_EXPECT_EQ(test, fres.coalesced_size, b->size);
}

/* ---- the clauses, one at a time ---- */

/* The model's two ways to the bounds, and its class table, agree. */
static void model_self_check(struct kunit *test, unsigned int c)
{
	unsigned int k, nr = model_nr_classes(c);
	struct mquery q;
	struct mstart ms;

	KUNIT_EXPECT_EQ(test, nr, (65 - ilog2(c)) * c);
	for (k = 1; k < nr; k++) {
		mq_init(&q, model_bound(k, c), 0);
		model_start(c, &q, &ms);
		KUNIT_ASSERT_EQ_MSG(test, ms.g, k, "classes %u", c);
		KUNIT_ASSERT_EQ_MSG(test, model_class(model_bound(k, c), c), k, "classes %u", c);
		KUNIT_ASSERT_EQ_MSG(test, model_class(model_bound(k, c) - 1, c), k - 1,
				    "classes %u", c);
	}
}

static void tlsf_settings(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 a;

	KUNIT_EXPECT_EQ(test, pool->strategy_setting[MEMSIM_TLSF], 16U);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 8), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 64), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 17), -EINVAL);
	KUNIT_EXPECT_EQ(test, pool->strategy_setting[MEMSIM_TLSF], 16U);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 32), 0);
	KUNIT_EXPECT_EQ(test, pool->strategy_setting[MEMSIM_TLSF], 32U);
	pool_ok(test, pool);
	m->classes = 32;
	add_seg(test, pool, m, BASE, 0x10000, 0);
	a = alloc_n(test, pool, m, 100, 0);
	/* Another setting re-lays the free space: only while nothing is allocated. */
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 16), -EBUSY);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 32), 0);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_FIRST_FIT, 0), -EBUSY);
	pool_ok(test, pool);
	both_free(test, pool, m, a, false);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 0), 0);
	KUNIT_EXPECT_EQ(test, pool->strategy_setting[MEMSIM_TLSF], 16U);
	pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_BEST_FIT, 0), 0);
	pool_ok(test, pool);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 5), -EINVAL);
	KUNIT_EXPECT_EQ(test, memsim_set_strategy(pool, MEMSIM_TLSF, 32), 0);
	pool_ok(test, pool);
	KUNIT_EXPECT_STREQ(test, memsim_strategy_name(MEMSIM_TLSF), "tlsf");
	model_self_check(test, 16);
	model_self_check(test, 32);
}

/*
 * Free blocks of one class, made in a known order: 16 classes, sizes in
 * [0x400, 0x440) share one class (width 0x40).  Holes of 0x400, 0x410,
 * 0x420 are freed in that order, separated by live blocks; the hole freed
 * last is the head and is taken first, whatever its size or address.
 */
static void tlsf_head_of_class(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 h[3], sizes[3] = { 0x400, 0x410, 0x420 };
	unsigned int i;

	add_seg(test, pool, m, BASE, 0x2000, 0);
	for (i = 0; i < 3; i++) {
		h[i] = alloc_n(test, pool, m, sizes[i], 0);
		alloc_n(test, pool, m, 0x10, 0);
	}
	for (i = 0; i < 3; i++)
		both_free(test, pool, m, h[i], false);
	/*
	 * 0x400 is a class bound: the holes' class is the good fit, and the
	 * remainder (0x13a0) is in a class above it.  Each split leaves a
	 * tail below the request's class, out of the way.
	 */
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), h[2]);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), h[1]);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), h[0]);
}

/*
 * Rounding up: a request of 0x401 has class [0x400, 0x440) as its own, so
 * the search starts at [0x440, 0x480); a hole of 0x430 is passed over for
 * the bigger one, though it would fit.  A request of exactly 0x400 (a
 * class bound) starts in the hole's class and takes it.
 */
static void tlsf_rounding(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 small, big, rest;

	add_seg(test, pool, m, BASE, 0x1000, 0);
	small = alloc_n(test, pool, m, 0x430, 0);
	alloc_n(test, pool, m, 0x10, 0);
	big = alloc_n(test, pool, m, 0x460, 0);
	alloc_n(test, pool, m, 0x10, 0);
	rest = alloc_n(test, pool, m, 0x1000 - 0x430 - 0x460 - 0x20, 0);
	both_free(test, pool, m, small, false);
	both_free(test, pool, m, big, false);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x401, 0), big);
	both_free(test, pool, m, big, false);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), small);
	both_free(test, pool, m, rest, false);
}

/*
 * Step 2: with nothing at or above the good-fit class, the request's own
 * class is searched, so a segment's whole size can be allocated even when
 * it is no class bound.
 */
static void tlsf_own_class(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 a;

	add_seg(test, pool, m, BASE, 1000, 0);
	a = alloc_n(test, pool, m, 1000, 0);
	KUNIT_EXPECT_EQ(test, a, BASE);
	both_free(test, pool, m, a, false);
	/* 1001 does not fit anywhere. */
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 1001, 0), 0ULL);
	/* Own class, but the block is smaller than the request. */
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 1010, 0), 0ULL);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 999, 0), BASE);
}

/*
 * Alignment: the search starts at the class of n + a - 1.  A hole of 0x4c0
 * at an unaligned address holds 0x400 aligned to 0x100 only past its
 * padding, and its class is below the good fit; step 2 finds it once it is
 * the only one.
 */
static void tlsf_alignment(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct mquery q;
	u64 h, big;

	add_seg(test, pool, m, BASE, 0x4000, 0);
	alloc_n(test, pool, m, 0x40, 0);
	h = alloc_n(test, pool, m, 0x4c0, 0);
	alloc_n(test, pool, m, 0x40, 0);
	big = alloc_n(test, pool, m, 0x600, 0);
	alloc_n(test, pool, m, 0x4000 - 0x40 - 0x4c0 - 0x40 - 0x600, 0);
	both_free(test, pool, m, h, false);
	both_free(test, pool, m, big, false);
	/* 0x400 + 0xff is above [0x4c0, 0x500)'s bound: only the 0x600 hole is that high. */
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0x100), big + 0xc0);
	mq_init(&q, 0x400, 0x100);
	q.topdown = true;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x100);
}

/*
 * The cap: CAP + 1 holes of one class outside a range, the one hole inside
 * it freed first (so last in its list).  With CAP holes ahead of it the
 * search gives up; with CAP - 1 it reaches it.
 */
static void tlsf_cap(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 *holes = kunit_kcalloc(test, CAP + 2, sizeof(*holes), GFP_KERNEL);
	struct mquery q;
	unsigned int i;
	u64 inside;

	KUNIT_ASSERT_NOT_NULL(test, holes);
	add_seg(test, pool, m, BASE, (CAP + 2) * 0x100 + 0x1000, 0);
	for (i = 0; i < CAP + 1; i++) {
		holes[i] = alloc_n(test, pool, m, 0x80, 0);
		alloc_n(test, pool, m, 0x80, 0);
	}
	/* The range covers the first hole only. */
	for (i = 0; i < CAP + 1; i++)
		both_free(test, pool, m, holes[i], false);
	mq_init(&q, 0x40, 0);
	q.lo = holes[0];
	q.hi = holes[0] + 0x80;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	/* One hole fewer ahead: found, as the CAP-th block examined. */
	inside = alloc_n(test, pool, m, 0x80, 0);
	KUNIT_EXPECT_EQ(test, inside, holes[CAP]);
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), holes[0]);
}

/* Fixed addresses: the one free block holding the address, in any class. */
static void tlsf_fixed(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct mquery q;
	u64 a, b;

	add_seg(test, pool, m, BASE, 0x1000, 0);
	add_seg(test, pool, m, BASE + 0x2000, 0x1000, 1);
	mq_init(&q, 0x10, 0);
	q.fixed = true;
	q.addr = BASE + 0x2800;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x2800);
	q.addr = BASE + 0x100;
	a = both_alloc(test, pool, m, &q);
	KUNIT_EXPECT_EQ(test, a, BASE + 0x100);
	q.addr = BASE + 0x108;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	q.addr = BASE + 0x110;
	b = both_alloc(test, pool, m, &q);
	KUNIT_EXPECT_EQ(test, b, BASE + 0x110);
	q.addr = BASE + 0xff8;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	q.addr = BASE + 0xff0;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0xff0);
	q.addr = BASE + 0x1000;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	q.addr = BASE + 0x2000;
	q.stream = 0;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	q.stream = 1;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x2000);
	both_free(test, pool, m, a, false);
	q.addr = BASE;
	q.stream = MEMSIM_STREAM_ANY;
	q.n = 0x111;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	q.n = 0x110;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE);
	/* A range that leaves the fixed block outside. */
	q.addr = BASE + 0x800;
	q.lo = BASE + 0x801;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
}

/*
 * Streams: a request for any stream takes the candidate found in the
 * earliest step and class; between equal ones, the lower address (top-
 * down: the higher).
 */
static void tlsf_streams(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct mquery q;

	add_seg(test, pool, m, BASE, 0x2000, 0);
	add_seg(test, pool, m, BASE + 0x4000, 0x1000, 1);
	add_seg(test, pool, m, BASE + 0x8000, 0x1000, 2);
	add_seg(test, pool, m, BASE - 0x1000, 0x7f8, 3);
	/* 0x1000 and 0x1000: equal classes, so addresses decide. */
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x800, 0), BASE + 0x4000);
	/* The remainder of 0x800 is the good-fit class itself: it beats 0x1000. */
	mq_init(&q, 0x800, 0);
	q.topdown = true;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x4800);
	/* 0x1000 is a lower class than 0x2000: top-down inside it. */
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x8800);
	q.stream = 0;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x1800);
	q.stream = 3;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), 0ULL);
	/*
	 * 0x7f0: good fit from [0x800, 0x840).  Stream 2's 0x800 is there,
	 * stream 0's 0x1800 higher up, stream 3's 0x7f8 only in step 2.
	 */
	mq_init(&q, 0x7f0, 0);
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x8000);
	/* Step 1 in a higher class beats step 2 at a lower address. */
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE);
	q.stream = 3;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE - 0x1000);
}

/*
 * Step 2 goes down from the class below the good fit: 0x700 aligned to
 * 0x100 starts at the class above 0x7ff's, [0x800, 0x840); of two blocks
 * that hold it only once aligned, 0x7c0 ([0x7c0, 0x800)) comes before
 * 0x740 ([0x740, 0x780)), in one stream and across two.
 */
static void tlsf_step2_order(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct mquery q;

	add_seg(test, pool, m, BASE, 0x740, 0);
	add_seg(test, pool, m, BASE + 0x10000, 0x7c0, 1);
	add_seg(test, pool, m, BASE + 0x20000, 0x7c0, 0);
	mq_init(&q, 0x700, 0x100);
	q.stream = 0;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x20000);
	q.stream = MEMSIM_STREAM_ANY;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x10000);
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE);
}

/*
 * A split inserts the padding, then the remainder: of two equal halves
 * left around a fixed allocation, the remainder is the head.
 */
static void tlsf_split_order(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct mquery q;

	add_seg(test, pool, m, BASE, 0x900, 0);
	mq_init(&q, 0x100, 0);
	q.fixed = true;
	q.addr = BASE + 0x400;
	KUNIT_EXPECT_EQ(test, both_alloc(test, pool, m, &q), BASE + 0x400);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), BASE + 0x500);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x400, 0), BASE);
}

/* Coalescing: both neighbours merge, deferred frees stay apart until done. */
static void tlsf_coalesce(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	u64 a, b, c;

	add_seg(test, pool, m, BASE, 0x300, 0);
	a = alloc_n(test, pool, m, 0x100, 0);
	b = alloc_n(test, pool, m, 0x100, 0);
	c = alloc_n(test, pool, m, 0x100, 0);
	both_free(test, pool, m, a, false);
	both_free(test, pool, m, b, true);
	both_free(test, pool, m, c, false);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x101, 0), 0ULL);
	both_complete(test, pool, m, b);
	KUNIT_EXPECT_EQ(test, alloc_n(test, pool, m, 0x300, 0), BASE);
}

/*
 * The checker must see a corrupt TLSF index, or every other case proves
 * nothing: a free block on no list, on another class's list, and an
 * allocated block with bytes it was not asked for.
 */
static void tlsf_check_catches(struct kunit *test)
{
	struct memsim_pool *pool = tlsf_pool(test, 0);
	struct model *m = tlsf_model(test, 0);
	struct memsim_block *fa, *fb, *live;
	char msg[MSG_LEN];
	u64 a, b;

	add_seg(test, pool, m, BASE, 0x10000, 0);
	a = alloc_n(test, pool, m, 0x100, 0);
	alloc_n(test, pool, m, 0x10, 0);
	b = alloc_n(test, pool, m, 0x2000, 0);
	alloc_n(test, pool, m, 0x10, 0);
	both_free(test, pool, m, a, false);
	both_free(test, pool, m, b, false);
	fa = memsim_block_first_from(pool, a);
	fb = memsim_block_first_from(pool, b);
	live = memsim_block_first_from(pool, a + 0x100);
	KUNIT_ASSERT_TRUE(test, fa && fb && live && fa->addr == a && fb->addr == b);
	KUNIT_ASSERT_EQ(test, fa->state, MEMSIM_BLOCK_FREE);
	KUNIT_ASSERT_EQ(test, live->state, MEMSIM_BLOCK_ALLOCATED);

	live->requested--;
	KUNIT_EXPECT_NE(test, memsim_pool_check(pool, msg, sizeof(msg)), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "requested"), "%s", msg);
	live->requested++;
	pool_ok(test, pool);

	/* On the 0x2000 block's list, a class far above its own. */
	hlist_del(&fa->free_link);
	hlist_add_behind(&fa->free_link, &fb->free_link);
	KUNIT_EXPECT_NE(test, memsim_pool_check(pool, msg, sizeof(msg)), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, ", class "), "%s", msg);

	/* On no list at all. */
	hlist_del_init(&fa->free_link);
	KUNIT_EXPECT_NE(test, memsim_pool_check(pool, msg, sizeof(msg)), 0);
	KUNIT_EXPECT_NOT_NULL_MSG(test, strstr(msg, "on no TLSF list"), "%s", msg);
	/* The pool is finalised as it is: removal tolerates an unlisted block. */
}

/* ---- random operations against the model ---- */

static unsigned long long tlsf_seed = 42;
module_param(tlsf_seed, ullong, 0444);
MODULE_PARM_DESC(tlsf_seed, "seed of the memsim_tlsf suite (default 42)");

static unsigned int tlsf_ops = 2000;
module_param(tlsf_ops, uint, 0444);
MODULE_PARM_DESC(tlsf_ops, "operations per setting in memsim_tlsf (default 2000)");

static u64 rnd(struct rnd_state *st, u64 n)
{
	return n ? prandom_u32_state(st) % n : 0;
}

static struct mblock *random_block(struct model *m, struct rnd_state *st, u8 state)
{
	unsigned int i, n = 0, pick;

	for (i = 0; i < MAX_BLOCKS; i++)
		n += m->b[i].used && m->b[i].state == state;
	if (!n)
		return NULL;
	pick = rnd(st, n);
	for (i = 0; i < MAX_BLOCKS; i++)
		if (m->b[i].used && m->b[i].state == state && !pick--)
			return &m->b[i];
	return NULL;
}

static int mblock_rank_cmp(const void *x, const void *y)
{
	const struct mblock *a = *(const struct mblock * const *)x;
	const struct mblock *b = *(const struct mblock * const *)y;

	if (a->size != b->size)
		return a->size > b->size ? -1 : 1;
	return a->addr > b->addr ? -1 : 1;
}

static const struct mblock *ranked[MAX_BLOCKS];

/* The queries, each against the model. */
static void compare_queries(struct kunit *test, struct memsim_pool *pool, struct model *m,
			    struct rnd_state *st, const u64 *seg_ids, unsigned int nr_segs)
{
	struct memsim_explanation *ex;
	struct memsim_segment *seg;
	struct memsim_request req;
	struct memsim_block *blk;
	u64 want, addr, best;
	unsigned int i, j, n;
	u32 s;

	for (s = 0; s < 4; s++) {
		want = 0;
		for (i = 0; i < MAX_BLOCKS; i++)
			if (m->b[i].used && m->b[i].state == MEMSIM_BLOCK_FREE &&
			    m->b[i].stream == s)
				want = max(want, m->b[i].size);
		KUNIT_EXPECT_EQ_MSG(test, memsim_largest_free(pool, s), want, "stream %u", s);
	}
	for (j = 0; j < nr_segs; j++) {
		want = 0;
		for (i = 0; i < MAX_BLOCKS; i++)
			if (m->b[i].used && m->b[i].state == MEMSIM_BLOCK_FREE &&
			    m->b[i].seg_id == seg_ids[j])
				want = max(want, m->b[i].size);
		seg = memsim_segment_find(pool, seg_ids[j]);
		KUNIT_EXPECT_EQ_MSG(test, memsim_segment_largest_free(pool, seg), want,
				    "segment %llu", seg_ids[j]);
	}

	/* The first block from an address, any state. */
	addr = BASE + rnd(st, 0x50000);
	best = U64_MAX;
	for (i = 0; i < MAX_BLOCKS; i++)
		if (m->b[i].used && m->b[i].addr >= addr)
			best = min(best, m->b[i].addr);
	blk = memsim_block_first_from(pool, addr);
	KUNIT_EXPECT_EQ_MSG(test, blk ? blk->addr : U64_MAX, best, "first from %#llx", addr);

	/* The explanation's candidates: free or pending, largest first. */
	n = 0;
	for (i = 0; i < MAX_BLOCKS; i++)
		if (m->b[i].used && m->b[i].state != MEMSIM_BLOCK_ALLOCATED)
			ranked[n++] = &m->b[i];
	sort(ranked, n, sizeof(ranked[0]), mblock_rank_cmp, NULL);
	ex = kzalloc(sizeof(*ex), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, ex);
	memset(&req, 0, sizeof(req));
	req.size = 1 + rnd(st, 0x4000);
	req.stream = MEMSIM_STREAM_ANY;
	KUNIT_EXPECT_EQ(test, memsim_explain(pool, &req, ex), 0);
	KUNIT_EXPECT_EQ(test, ex->nr_blocks, min_t(unsigned int, n, MEMSIM_EXPLAIN_BLOCKS));
	for (i = 0; i < ex->nr_blocks && i < n; i++) {
		KUNIT_EXPECT_EQ_MSG(test, ex->blocks[i].addr, ranked[i]->addr, "candidate %u", i);
		KUNIT_EXPECT_EQ_MSG(test, ex->blocks[i].size, ranked[i]->size, "candidate %u", i);
	}
	kfree(ex);
}

static const u64 aligns[] = { 0, 1, 2, 8, 16, 64, 256, 0x1000 };

static void random_query(struct model *m, struct rnd_state *st, struct mquery *q)
{
	struct mblock *b;
	u64 n;

	switch (rnd(st, 4)) {
	case 0:
		n = 1 + rnd(st, 32);
		break;
	case 1:
		n = 1 + rnd(st, 0x400);
		break;
	case 2:
		n = 1 + rnd(st, 0x2000);
		break;
	default:
		n = 1 + rnd(st, 0x9000);
		break;
	}
	mq_init(q, n, rnd(st, 3) ? 0 : aligns[rnd(st, ARRAY_SIZE(aligns))]);
	q->topdown = !rnd(st, 3);
	q->stream = rnd(st, 2) ? MEMSIM_STREAM_ANY : rnd(st, 4);
	if (!rnd(st, 6)) {
		q->lo = BASE + rnd(st, 0x50000);
		q->hi = q->lo + 1 + rnd(st, 0x20000);
	}
	if (!rnd(st, 6)) {
		/* Mostly inside some block, free or not. */
		b = random_block(m, st, rnd(st, 5) ? MEMSIM_BLOCK_FREE : MEMSIM_BLOCK_ALLOCATED);
		q->fixed = true;
		q->addr = b ? b->addr + rnd(st, b->size) : BASE + rnd(st, 0x50000);
		q->addr = q->addr / q->a * q->a;
		/* Often a size that stays inside the block, or ends it exactly. */
		if (b && q->addr >= b->addr && q->addr < b->addr + b->size && rnd(st, 2))
			q->n = rnd(st, 2) ? b->addr + b->size - q->addr :
					    1 + rnd(st, b->addr + b->size - q->addr);
	}
}

static void tlsf_random_with(struct kunit *test, u64 classes, u64 seed_mix)
{
	struct memsim_pool *pool = tlsf_pool(test, classes);
	struct model *m = tlsf_model(test, classes);
	struct rnd_state st;
	struct mquery q;
	struct mblock *b;
	u64 ids[5];
	unsigned int i;

	prandom_seed_state(&st, tlsf_seed ^ seed_mix);
	ids[0] = add_seg(test, pool, m, BASE, 0x10000, 0);
	ids[1] = add_seg(test, pool, m, BASE + 0x10000, 0x8000, 1);
	ids[2] = add_seg(test, pool, m, BASE + 0x20000, 0x9ab4, 0);
	ids[3] = add_seg(test, pool, m, BASE + 0x30001, 0x1fff, 2);
	ids[4] = add_seg(test, pool, m, BASE + 0x40000, 0xc000, 3);

	for (i = 0; i < tlsf_ops; i++) {
		switch (rnd(&st, 10)) {
		case 0: case 1: case 2: case 3: case 4:
			random_query(m, &st, &q);
			both_alloc(test, pool, m, &q);
			break;
		case 5: case 6: case 7:
			b = random_block(m, &st, MEMSIM_BLOCK_ALLOCATED);
			if (b)
				both_free(test, pool, m, b->addr, !rnd(&st, 5));
			break;
		case 8:
			b = random_block(m, &st, MEMSIM_BLOCK_FREE_REQUESTED);
			if (b)
				both_complete(test, pool, m, b->addr);
			break;
		default:
			compare_queries(test, pool, m, &st, ids, ARRAY_SIZE(ids));
			break;
		}
		if (test->status == KUNIT_FAILURE)
			return;
	}
	compare_queries(test, pool, m, &st, ids, ARRAY_SIZE(ids));
}

static void tlsf_random(struct kunit *test)
{
	tlsf_random_with(test, 0, 0);
	tlsf_random_with(test, 32, 0x5eed);
}

static struct kunit_case memsim_tlsf_cases[] = {
	KUNIT_CASE(tlsf_settings),
	KUNIT_CASE(tlsf_check_catches),
	KUNIT_CASE(tlsf_head_of_class),
	KUNIT_CASE(tlsf_rounding),
	KUNIT_CASE(tlsf_own_class),
	KUNIT_CASE(tlsf_alignment),
	KUNIT_CASE(tlsf_cap),
	KUNIT_CASE(tlsf_fixed),
	KUNIT_CASE(tlsf_streams),
	KUNIT_CASE(tlsf_step2_order),
	KUNIT_CASE(tlsf_split_order),
	KUNIT_CASE(tlsf_coalesce),
	KUNIT_CASE(tlsf_random),
	{}
};

static struct kunit_suite memsim_tlsf_suite = {
	.name = "memsim_tlsf",
	.test_cases = memsim_tlsf_cases,
};

kunit_test_suite(memsim_tlsf_suite);
