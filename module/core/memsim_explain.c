// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: why an allocation would fail, with the figures that say so
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Explaining a failure
 *
 * An allocation that fails with -ENOSPC says nothing about why.  The
 * figures that do are the free space the request could use (its stream,
 * or every stream for %MEMSIM_STREAM_ANY) beside the largest free block in
 * it, and the blocks that came closest, each with the rule that refused
 * it.  memsim_explain() computes them for any valid request, changing
 * nothing, so a caller can ask right after a failure and see the pool as
 * it stood.
 *
 * The candidates are the %MEMSIM_EXPLAIN_BLOCKS largest blocks that are
 * free or waiting for their free to complete, in every stream, largest
 * first and, among equal sizes, the higher address first.  Each gets the
 * first reason that applies, in the order of &enum memsim_refusal: its
 * free is still pending, it belongs to another stream, it is smaller than
 * the request (the buddy system: than the request rounded up to its
 * block), the part of it inside the request's range (or at its fixed
 * address) is too small, or the alignment padding leaves too little.  A
 * candidate none of these refuse can take the request.  The rules are the
 * ones the searches apply (memsim_place_in()), so a request that fails has
 * no candidate that fits - except under TLSF, whose search gives up after a
 * bounded number of candidates (see its DOC block): there a failed request
 * can show a fitting block the search never reached.
 *
 * The figures come from the usage counters and the largest-free queries in
 * O(streams); the candidates from each stream's free index walked from its
 * largest block, stopping at the first block that ranks below the ones
 * kept, so O(streams * %MEMSIM_EXPLAIN_BLOCKS) index steps.  Blocks waiting
 * for their free are not indexed by size: the deferred lists of the streams
 * are walked whole, yielding the CPU.
 */

#include <kunit/visibility.h>

#include "memsim_core_priv.h"

#ifdef __KERNEL__
#include <linux/export.h>
#include <linux/string.h>
#else
#include <string.h>
#endif

/* Does @b rank before @x: larger, or as large and higher up? */
static bool memsim_explain_before(const struct memsim_block *b,
				  const struct memsim_refused_block *x)
{
	return b->size > x->size || (b->size == x->size && b->addr > x->addr);
}

/*
 * Bytes a request of @q could use in @b: from the first address aligned for
 * it inside both @b and the request's window to the end of that overlap.
 */
static u64 memsim_explain_usable(const struct memsim_query *q,
				 const struct memsim_block *b)
{
	u64 lo = max(b->addr, q->lo);
	u64 hi = min(memsim_block_end(b), q->hi);
	u64 first;

	if (lo >= hi || check_add_overflow(lo, q->align - 1, &first))
		return 0;
	first &= ~(q->align - 1);
	return first < hi ? hi - first : 0;
}

static enum memsim_refusal memsim_explain_reason(const struct memsim_query *q,
						 u32 stream,
						 const struct memsim_block *b)
{
	u64 lo = max(b->addr, q->lo);
	u64 hi = min(memsim_block_end(b), q->hi);
	u64 place;

	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		return MEMSIM_REFUSAL_DEFERRED;
	if (stream != MEMSIM_STREAM_ANY && b->segment->stream->id != stream)
		return MEMSIM_REFUSAL_STREAM;
	if (b->size < q->size)
		return MEMSIM_REFUSAL_SMALL;
	if (lo >= hi || hi - lo < q->size)
		return MEMSIM_REFUSAL_RANGE;
	if (!memsim_place_in(q, b->addr, memsim_block_end(b), false, &place))
		return MEMSIM_REFUSAL_ALIGN;
	return MEMSIM_REFUSAL_FITS;
}

struct memsim_explain_walk {
	const struct memsim_query *q;
	u32 stream;
	struct memsim_explanation *ex;
};

/*
 * Keep @b among the candidates if it ranks high enough.  Returns false
 * when it does not, so a walk in decreasing rank can stop there.
 */
static bool memsim_explain_offer(struct memsim_block *b, void *data)
{
	struct memsim_explain_walk *w = data;
	struct memsim_explanation *ex = w->ex;
	struct memsim_refused_block *c;
	unsigned int i = ex->nr_blocks;

	if (i == MEMSIM_EXPLAIN_BLOCKS) {
		if (!memsim_explain_before(b, &ex->blocks[i - 1]))
			return false;
		i--;
	} else {
		ex->nr_blocks++;
	}
	/* Insertion into the sorted array: at most eight moves. */
	while (i && memsim_explain_before(b, &ex->blocks[i - 1])) {
		ex->blocks[i] = ex->blocks[i - 1];
		i--;
	}
	c = &ex->blocks[i];
	c->addr = b->addr;
	c->size = b->size;
	c->segment_id = b->segment->id;
	c->stream = b->segment->stream->id;
	c->usable = memsim_explain_usable(w->q, b);
	c->reason = memsim_explain_reason(w->q, w->stream, b);
	return true;
}

static void memsim_explain_stream(struct memsim_pool *pool, struct memsim_stream *s,
				  struct memsim_explain_walk *w)
{
	struct memsim_block *b;

	pool->ops->index->walk_largest(pool, s, memsim_explain_offer, w);
	/* Not ordered by size: every pending free is looked at. */
	list_for_each_entry(b, &s->deferred, deferred) {
		memsim_explain_offer(b, w);
		memsim_env_cond_resched();
	}
}

/**
 * memsim_explain() - the figures behind an allocation's outcome
 * @pool: the pool.
 * @req: the request, as memsim_alloc() would take it.
 * @ex: filled with the figures and candidates (see the DOC above).
 *
 * Changes nothing; the request is checked as memsim_can_alloc() checks it.
 *
 * Return: 0, or -EINVAL for a malformed request.
 */
int memsim_explain(struct memsim_pool *pool, const struct memsim_request *req,
		   struct memsim_explanation *ex)
{
	struct memsim_explain_walk w = { .stream = req->stream, .ex = ex };
	const struct memsim_usage *u = &pool->usage;
	struct memsim_result res;
	struct memsim_query q;
	struct rb_node *node;
	int ret;

	ret = memsim_query_init(pool, req, &q);
	if (ret)
		return ret;
	w.q = &q;

	memset(ex, 0, sizeof(*ex));
	if (req->stream != MEMSIM_STREAM_ANY) {
		struct memsim_stream *s = memsim_stream_find(pool, req->stream);

		u = s ? &s->usage : NULL;
	}
	if (u) {
		ex->free_bytes = u->free;
		ex->free_blocks = u->free_blocks;
		ex->deferred_bytes = u->deferred_bytes;
	}
	ex->other_free_bytes = pool->usage.free - ex->free_bytes;
	ex->largest_free = memsim_largest_free(pool, req->stream);
	ex->largest_alloc = memsim_largest_alloc(pool, req->stream);
	ex->frag_ppm = memsim_frag_ppm(ex->free_bytes, ex->largest_free);
	ex->would_fit = memsim_can_alloc(pool, req, &res) == 0;

	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		memsim_explain_stream(pool, rb_entry(node, struct memsim_stream, rb), &w);
		memsim_env_cond_resched();
	}
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_explain);

/**
 * memsim_refusal_name() - short name of a refusal, for humans
 * @reason: an &enum memsim_refusal.
 *
 * Return: "fits", "small", "align", "range", "stream", "deferred" or "?".
 */
const char *memsim_refusal_name(enum memsim_refusal reason)
{
	static const char * const names[] = {
		[MEMSIM_REFUSAL_FITS] = "fits",
		[MEMSIM_REFUSAL_SMALL] = "small",
		[MEMSIM_REFUSAL_ALIGN] = "align",
		[MEMSIM_REFUSAL_RANGE] = "range",
		[MEMSIM_REFUSAL_STREAM] = "stream",
		[MEMSIM_REFUSAL_DEFERRED] = "deferred",
	};

	return (unsigned int)reason < ARRAY_SIZE(names) ? names[reason] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(memsim_refusal_name);
