// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_hosttest: the allocator core, in userspace, against its model
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsim-hosttest [--seed S] [--ops N] [--verbose]
 *
 * The core (every module/core/ source) is compiled unchanged against the kernel
 * source's tools/include and run next to the reference model of memsim_ref.c,
 * which is derived from the documented rules alone (allocator.rst, the DOC
 * overviews, the kernel-doc) and decides by brute force over every candidate
 * of every free block:
 *
 * - boundary cases (invalid arguments, U64_MAX values, overflow);
 * - for each strategy, N seeded random operations (allocations of awkward
 *   sizes and alignments, top-down, range and fixed requests, immediate,
 *   deferred and bogus frees, stream syncs, segment creation and release,
 *   strategy switches); after every one the return code, the results, every
 *   block, every counter of the pool, its streams and segments and the
 *   largest free block are compared with the model, and
 *   memsim_pool_check() must pass;
 * - metadata allocation failures injected with pool->fail_alloc_in into
 *   every operation that allocates metadata: each failing attempt must
 *   return -ENOMEM and leave the pool exactly as it was.
 *
 * Output: TAP-like "ok N name" / "not ok N name" lines, then
 * "host: N passed, N failed".  Exit status 1 on any failure.
 */
#include <errno.h>
#include <getopt.h>
#include <stdarg.h>

#include "memsim_core.h"
#include "memsim_ref.h"

#define P64(x)	((unsigned long long)(x))

static u64 opt_seed = 20260101;
static u64 opt_ops = 100000;
static bool opt_verbose;

static int nr_pass, nr_fail;

/* ---- seeded PRNG (splitmix64) ---------------------------------------- */

static u64 rng_state;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* Uniform in [0, n), n > 0. */
static u64 rnd_below(u64 n)
{
	return rnd() % n;
}

/* True with probability @per_mille / 1000. */
static bool chance(unsigned int per_mille)
{
	return rnd_below(1000) < per_mille;
}

/* ---- operations, run on either side ---------------------------------- */

enum op_kind {
	OP_ALLOC,
	OP_FREE,
	OP_COMPLETE,
	OP_SYNC,
	OP_SEG_CREATE,
	OP_SEG_RELEASE,
	OP_STRATEGY,
	OP_OVERLAP,
	OP_SAFE_RANGE,
};

struct op {
	enum op_kind kind;
	struct memsim_request req;	/* OP_ALLOC */
	u64 addr;			/* free, complete, create */
	u64 size;			/* create, overlap, safe range */
	u64 expected;			/* free */
	u64 id;				/* release */
	u64 align, min, max;		/* safe range */
	u64 min_block;			/* strategy */
	u32 flags;			/* free */
	u32 stream;			/* sync, create */
	u32 device;			/* create */
	int strategy;			/* strategy */
};

#define MAX_IDS 16

struct outcome {
	int ret;
	struct memsim_result res;
	struct memsim_free_result fres;
	u64 value;		/* completed count, segment id, safe address */
	int overlap;
	u32 nr_ids;
	u64 ids[MAX_IDS];
};

static const char *const strategy_names[MEMSIM_NR_STRATEGIES] = {
	"first", "best", "worst", "next", "buddy", "tlsf"
};

static const char *strategy_name(int s)
{
	return s >= 0 && s < MEMSIM_NR_STRATEGIES ? strategy_names[s] : "invalid";
}

static void describe(const struct op *op, char *buf, size_t len)
{
	const struct memsim_request *r = &op->req;

	switch (op->kind) {
	case OP_ALLOC:
		snprintf(buf, len,
			 "alloc size %llu align %llu stream %d flags %#x range [%#llx, %#llx) addr %#llx",
			 P64(r->size), P64(r->align), (int)r->stream, r->flags,
			 P64(r->range_lo), P64(r->range_hi), P64(r->addr));
		break;
	case OP_FREE:
		snprintf(buf, len, "free %#llx expected %llu flags %#x",
			 P64(op->addr), P64(op->expected), op->flags);
		break;
	case OP_COMPLETE:
		snprintf(buf, len, "complete_free %#llx", P64(op->addr));
		break;
	case OP_SYNC:
		snprintf(buf, len, "sync_stream %d", (int)op->stream);
		break;
	case OP_SEG_CREATE:
		snprintf(buf, len, "segment_create [%#llx, +%llu) stream %d",
			 P64(op->addr), P64(op->size), (int)op->stream);
		break;
	case OP_SEG_RELEASE:
		snprintf(buf, len, "segment_release %llu", P64(op->id));
		break;
	case OP_STRATEGY:
		snprintf(buf, len, "set_strategy %s (%d) min_block %llu",
			 strategy_name(op->strategy), op->strategy,
			 P64(op->min_block));
		break;
	case OP_OVERLAP:
		snprintf(buf, len, "check_overlap [%#llx, +%llu)",
			 P64(op->addr), P64(op->size));
		break;
	case OP_SAFE_RANGE:
		snprintf(buf, len,
			 "find_safe_range size %llu align %llu [%#llx, %#llx)",
			 P64(op->size), P64(op->align), P64(op->min),
			 P64(op->max));
		break;
	}
}

static void run_core(struct memsim_pool *p, const struct op *op,
		     struct outcome *o)
{
	struct memsim_segment *seg = NULL;

	memset(o, 0, sizeof(*o));
	switch (op->kind) {
	case OP_ALLOC:
		o->ret = memsim_alloc(p, &op->req, &o->res);
		break;
	case OP_FREE:
		o->ret = memsim_free(p, op->addr, op->expected, op->flags,
				     &o->fres);
		break;
	case OP_COMPLETE:
		o->ret = memsim_complete_free(p, op->addr, &o->fres);
		break;
	case OP_SYNC:
		o->ret = memsim_sync_stream(p, op->stream, &o->value);
		break;
	case OP_SEG_CREATE:
		o->ret = memsim_segment_create(p, op->addr, op->size,
					       op->device, op->stream, &seg);
		if (!o->ret)
			o->value = seg ? seg->id : 0;
		break;
	case OP_SEG_RELEASE:
		o->ret = memsim_segment_release(p, op->id);
		break;
	case OP_STRATEGY:
		o->ret = memsim_set_strategy(p, op->strategy, op->min_block);
		break;
	case OP_OVERLAP:
		o->overlap = memsim_check_overlap(p, op->addr, op->size, o->ids,
						  MAX_IDS, &o->nr_ids);
		break;
	case OP_SAFE_RANGE:
		o->ret = memsim_find_safe_range(p, op->size, op->align, op->min,
						op->max, &o->value);
		break;
	}
}

static void run_ref(struct ref_pool *p, const struct op *op, struct outcome *o)
{
	memset(o, 0, sizeof(*o));
	switch (op->kind) {
	case OP_ALLOC:
		o->ret = ref_alloc(p, &op->req, &o->res);
		break;
	case OP_FREE:
		o->ret = ref_free(p, op->addr, op->expected, op->flags,
				  &o->fres);
		break;
	case OP_COMPLETE:
		o->ret = ref_complete_free(p, op->addr, &o->fres);
		break;
	case OP_SYNC:
		o->ret = ref_sync_stream(p, op->stream, &o->value);
		break;
	case OP_SEG_CREATE:
		o->ret = ref_segment_create(p, op->addr, op->size, op->device,
					    op->stream, &o->value);
		break;
	case OP_SEG_RELEASE:
		o->ret = ref_segment_release(p, op->id);
		break;
	case OP_STRATEGY:
		o->ret = ref_set_strategy(p, op->strategy, op->min_block);
		break;
	case OP_OVERLAP:
		o->overlap = ref_check_overlap(p, op->addr, op->size, o->ids,
					       MAX_IDS, &o->nr_ids);
		break;
	case OP_SAFE_RANGE:
		o->ret = ref_find_safe_range(p, op->size, op->align, op->min,
					     op->max, &o->value);
		break;
	}
}

/* ---- the pair: core and model side by side --------------------------- */

struct pair {
	struct memsim_pool core;
	struct ref_pool ref;
	const char *name;	/* the test this pair runs for */
	u64 op_index;
	const struct op *cur;	/* the current operation */
	char desc[256];		/* described when needed */
	int errors;		/* mismatches found in this operation */
	bool dead;		/* a mismatch was found: run nothing more */
	/* what the operations did, to show what a run covered */
	u64 nr_ok[OP_SAFE_RANGE + 1], nr_err[OP_SAFE_RANGE + 1];
	u64 nr_topdown, nr_range, nr_fixed, nr_any, nr_aligned, nr_deferred;
};

static void tally(struct pair *pr, const struct op *op, int ret)
{
	u32 f = op->req.flags;

	if (ret) {
		pr->nr_err[op->kind]++;
		return;
	}
	pr->nr_ok[op->kind]++;
	if (op->kind == OP_FREE && (op->flags & MEMSIM_FREE_DEFERRED))
		pr->nr_deferred++;
	if (op->kind != OP_ALLOC)
		return;
	pr->nr_topdown += !!(f & MEMSIM_REQ_TOPDOWN);
	pr->nr_range += !!(f & MEMSIM_REQ_RANGE);
	pr->nr_fixed += !!(f & MEMSIM_REQ_FIXED);
	pr->nr_any += op->req.stream == MEMSIM_STREAM_ANY;
	pr->nr_aligned += op->req.align > 1;
}

static void pair_init(struct pair *pr, const char *name)
{
	memset(pr, 0, sizeof(*pr));
	memsim_pool_init(&pr->core);
	ref_init(&pr->ref);
	pr->name = name;
	snprintf(pr->desc, sizeof(pr->desc), "init");
}

static void pair_fini(struct pair *pr)
{
	memsim_pool_fini(&pr->core);
	ref_fini(&pr->ref);
}

static void __printf(2, 3)
mismatch(struct pair *pr, const char *fmt, ...)
{
	va_list ap;

	if (!pr->errors) {
		if (pr->cur)
			describe(pr->cur, pr->desc, sizeof(pr->desc));
		printf("# %s: op %llu: %s\n", pr->name, P64(pr->op_index),
		       pr->desc);
	}
	if (pr->errors++ >= 20)
		return;
	printf("#   ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
}

static bool cmp_u64(struct pair *pr, const char *what, u64 c, u64 r)
{
	if (c == r)
		return true;
	mismatch(pr, "%s: core %llu (%#llx), model %llu (%#llx)", what,
		 P64(c), P64(c), P64(r), P64(r));
	return false;
}

/* cmp_u64() with the name formatted only when needed. */
static bool __printf(4, 5)
cmpf(struct pair *pr, u64 c, u64 r, const char *fmt, ...)
{
	char what[128];
	va_list ap;

	if (c == r)
		return true;
	va_start(ap, fmt);
	vsnprintf(what, sizeof(what), fmt, ap);
	va_end(ap);
	return cmp_u64(pr, what, c, r);
}

static const char *const block_states[] = { "free", "alloc", "deferred" };

static const char *block_state(unsigned int s)
{
	return s < 3 ? block_states[s] : "?";
}

static void core_dump(struct memsim_pool *p)
{
	struct rb_node *n;
	struct memsim_block *b;

	printf("# core: strategy %d min_order %u cursor %#llx, %llu segments, %u streams\n",
	       p->strategy, p->buddy_min_order, P64(p->cursor),
	       P64(p->nr_segments), p->nr_streams);
	for (n = rb_first(&p->segments); n; n = rb_next(n)) {
		struct memsim_segment *s = rb_entry(n, struct memsim_segment,
						    rb_start);

		printf("#   segment %llu [%#llx, %#llx) stream %u, %llu blocks\n",
		       P64(s->id), P64(s->start), P64(s->start + s->size),
		       s->stream ? s->stream->id : 0, P64(s->nr_blocks));
		list_for_each_entry(b, &s->blocks, link)
			printf("#     block [%#llx, %#llx) size %llu %s req %llu order %u root %u\n",
			       P64(b->addr), P64(b->addr + b->size),
			       P64(b->size), block_state(b->state),
			       P64(b->requested), b->order, b->root_order);
	}
}

static void model_dump(struct ref_pool *p)
{
	printf("#\n");
	fflush(stdout);
	ref_dump(p, stdout);
}

static void pair_dump(struct pair *pr)
{
	core_dump(&pr->core);
	model_dump(&pr->ref);
	fflush(stdout);
}

static const struct {
	const char *name;
	size_t off;
} usage_fields[] = {
#define F(x) { #x, offsetof(struct memsim_usage, x) }
	F(total), F(allocated), F(requested), F(free), F(peak_allocated),
	F(live_blocks), F(free_blocks), F(deferred_blocks), F(deferred_bytes),
	F(allocs), F(frees), F(failures),
#undef F
};

/* Counters of the pool (@kind "pool"), stream or segment @id. */
static void cmp_usage(struct pair *pr, const char *kind, u64 id,
		      const struct memsim_usage *c,
		      const struct memsim_usage *r)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(usage_fields); i++) {
		u64 cv = *(const u64 *)((const char *)c + usage_fields[i].off);
		u64 rv = *(const u64 *)((const char *)r + usage_fields[i].off);

		cmpf(pr, cv, rv, "%s %llu: %s", kind, P64(id),
		     usage_fields[i].name);
	}
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++)
		cmpf(pr, c->free_hist[i], r->free_hist[i],
		     "%s %llu: free_hist[%zu]", kind, P64(id), i);
}

/* Compare one segment's blocks with the model's blocks of that segment. */
static void cmp_blocks(struct pair *pr, struct memsim_segment *s)
{
	struct ref_pool *rp = &pr->ref;
	struct memsim_block *b, *found;
	size_t i = 0, n = 0;

	while (i < rp->nr_blocks && rp->blocks[i].seg_id != s->id)
		i++;
	list_for_each_entry(b, &s->blocks, link) {
		const struct ref_block *r;

		n++;
		if (i >= rp->nr_blocks || rp->blocks[i].seg_id != s->id) {
			mismatch(pr, "segment %llu: core has an extra block [%#llx, +%llu) %s",
				 P64(s->id), P64(b->addr), P64(b->size),
				 block_state(b->state));
			return;
		}
		r = &rp->blocks[i++];
		if (!cmpf(pr, b->addr, r->addr, "segment %llu block %zu addr",
			  P64(s->id), n - 1))
			return;
		cmpf(pr, b->size, r->size, "block %#llx size", P64(b->addr));
		cmpf(pr, b->state, r->state, "block %#llx state", P64(b->addr));
		if (b->segment != s)
			mismatch(pr, "block %#llx: wrong segment pointer",
				 P64(b->addr));
		if (r->state == MEMSIM_BLOCK_FREE)
			continue;
		cmpf(pr, b->requested, r->requested, "block %#llx requested",
		     P64(b->addr));
		cmpf(pr, b->tag, r->tag, "block %#llx tag", P64(b->addr));
		found = memsim_block_lookup(&pr->core, b->addr);
		if (found != b)
			mismatch(pr, "memsim_block_lookup(%#llx) = %p, want %p",
				 P64(b->addr), (void *)found, (void *)b);
	}
	if (i < rp->nr_blocks && rp->blocks[i].seg_id == s->id)
		mismatch(pr, "segment %llu: core lacks block [%#llx, +%llu)",
			 P64(s->id), P64(rp->blocks[i].addr),
			 P64(rp->blocks[i].size));
	cmpf(pr, s->nr_blocks, n, "segment %llu nr_blocks", P64(s->id));
}

static void check_streams(struct pair *pr)
{
	struct memsim_pool *cp = &pr->core;
	struct ref_pool *rp = &pr->ref;
	struct memsim_usage ru;
	struct rb_node *n;
	size_t i = 0, j;

	/* in id order on both sides */
	for (n = rb_first(&cp->streams); n; n = rb_next(n), i++) {
		struct memsim_stream *st = rb_entry(n, struct memsim_stream, rb);
		u64 nsegs = 0;

		if (i >= rp->nr_streams) {
			mismatch(pr, "core has an extra stream %u", st->id);
			return;
		}
		if (!cmpf(pr, st->id, rp->streams[i].id, "stream #%zu id", i))
			return;
		if (memsim_stream_find(cp, st->id) != st)
			mismatch(pr, "memsim_stream_find(%u) is wrong", st->id);
		ref_stream_usage(rp, st->id, &ru);
		cmp_usage(pr, "stream", st->id, &st->usage, &ru);
		for (j = 0; j < rp->nr_segs; j++)
			nsegs += rp->segs[j].stream == st->id;
		cmpf(pr, st->nr_segments, nsegs, "stream %u nr_segments",
		     st->id);
		cmpf(pr, memsim_largest_free(cp, st->id),
		     ref_largest_free(rp, st->id), "largest_free(%u)", st->id);
	}
	if (i < rp->nr_streams)
		mismatch(pr, "core lacks stream %u", rp->streams[i].id);
}

static void check_segments(struct pair *pr)
{
	struct memsim_pool *cp = &pr->core;
	struct ref_pool *rp = &pr->ref;
	struct memsim_usage ru;
	struct rb_node *n;
	size_t i = 0;

	/* in address order on both sides */
	for (n = rb_first(&cp->segments); n; n = rb_next(n), i++) {
		struct memsim_segment *s = rb_entry(n, struct memsim_segment,
						    rb_start);
		const struct ref_segment *rs;

		if (i >= rp->nr_segs) {
			mismatch(pr, "core has an extra segment %llu",
				 P64(s->id));
			return;
		}
		rs = &rp->segs[i];
		if (!cmpf(pr, s->id, rs->id, "segment #%zu id", i))
			return;
		cmpf(pr, s->start, rs->start, "segment %llu start", P64(s->id));
		cmpf(pr, s->size, rs->size, "segment %llu size", P64(s->id));
		cmpf(pr, s->device, rs->device, "segment %llu device",
		     P64(s->id));
		cmpf(pr, s->stream ? s->stream->id : U64_MAX, rs->stream,
		     "segment %llu stream", P64(s->id));
		if (memsim_segment_find(cp, s->id) != s)
			mismatch(pr, "memsim_segment_find(%llu) is wrong",
				 P64(s->id));
		ref_segment_usage(rp, s->id, &ru);
		cmp_usage(pr, "segment", s->id, &s->usage, &ru);
		cmpf(pr, memsim_segment_largest_free(cp, s),
		     ref_segment_largest_free(rp, s->id),
		     "segment_largest_free(%llu)", P64(s->id));
		cmp_blocks(pr, s);
	}
	if (i < rp->nr_segs)
		mismatch(pr, "core lacks segment %llu", P64(rp->segs[i].id));
}

/* The whole state, core against model; false (and a dump) on mismatch. */
static bool check_state(struct pair *pr)
{
	struct memsim_pool *cp = &pr->core;
	struct ref_pool *rp = &pr->ref;
	struct memsim_usage ru;
	char msg[256];
	size_t i;
	int ret;

	msg[0] = 0;
	ret = memsim_pool_check(cp, msg, sizeof(msg));
	if (ret)
		mismatch(pr, "memsim_pool_check() = %d: %s", ret, msg);

	cmp_u64(pr, "strategy", cp->strategy, rp->strategy);
	if (rp->strategy == MEMSIM_BUDDY)
		cmp_u64(pr, "buddy min block", 1ULL << cp->buddy_min_order,
			rp->setting[MEMSIM_BUDDY]);
	cmp_u64(pr, "cursor", cp->cursor, rp->cursor);
	cmp_u64(pr, "nr_segments", cp->nr_segments, rp->nr_segs);
	cmp_u64(pr, "nr_streams", cp->nr_streams, rp->nr_streams);
	cmp_u64(pr, "last_segment_id", cp->last_segment_id,
		rp->last_segment_id);
	ref_pool_usage(rp, &ru);
	cmp_usage(pr, "pool", 0, &cp->usage, &ru);
	cmp_u64(pr, "largest_free(ANY)",
		memsim_largest_free(cp, MEMSIM_STREAM_ANY),
		ref_largest_free(rp, MEMSIM_STREAM_ANY));
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++) {
		cmpf(pr, cp->strategy_stats[i].allocs, rp->strat_allocs[i],
		     "strategy_stats[%s].allocs", strategy_names[i]);
		cmpf(pr, cp->strategy_stats[i].failures, rp->strat_failures[i],
		     "strategy_stats[%s].failures", strategy_names[i]);
		cmpf(pr, cp->strategy_stats[i].frees, rp->strat_frees[i],
		     "strategy_stats[%s].frees", strategy_names[i]);
	}
	check_streams(pr);
	check_segments(pr);

	if (pr->errors) {
		pair_dump(pr);
		return false;
	}
	return true;
}

static bool cmp_outcome(struct pair *pr, const struct op *op,
			const struct outcome *c, const struct outcome *r)
{
	u32 i;

	if (op->kind == OP_OVERLAP) {
		cmp_u64(pr, "overlap", c->overlap, r->overlap);
		cmp_u64(pr, "overlap nr_ids", c->nr_ids, r->nr_ids);
		for (i = 0; i < c->nr_ids && i < r->nr_ids && i < MAX_IDS; i++)
			cmp_u64(pr, "overlap id", c->ids[i], r->ids[i]);
		return !pr->errors;
	}
	if (c->ret != r->ret) {
		mismatch(pr, "return: core %d (%s), model %d (%s)", c->ret,
			 strerror(-c->ret), r->ret, strerror(-r->ret));
		return false;
	}
	if (c->ret)
		return true;
	switch (op->kind) {
	case OP_ALLOC:
		cmp_u64(pr, "result.addr", c->res.addr, r->res.addr);
		cmp_u64(pr, "result.size", c->res.size, r->res.size);
		cmp_u64(pr, "result.waste", c->res.waste, r->res.waste);
		cmp_u64(pr, "result.segment_id", c->res.segment_id,
			r->res.segment_id);
		cmp_u64(pr, "result.stream", c->res.stream, r->res.stream);
		cmp_u64(pr, "result.splits", c->res.splits, r->res.splits);
		break;
	case OP_FREE:
	case OP_COMPLETE:
		cmp_u64(pr, "free.freed_size", c->fres.freed_size,
			r->fres.freed_size);
		cmp_u64(pr, "free.coalesced", c->fres.coalesced,
			r->fres.coalesced);
		cmp_u64(pr, "free.coalesced_addr", c->fres.coalesced_addr,
			r->fres.coalesced_addr);
		cmp_u64(pr, "free.coalesced_size", c->fres.coalesced_size,
			r->fres.coalesced_size);
		cmp_u64(pr, "free.deferred", c->fres.deferred,
			r->fres.deferred);
		break;
	case OP_SYNC:
		cmp_u64(pr, "sync completed", c->value, r->value);
		break;
	case OP_SEG_CREATE:
		cmp_u64(pr, "segment id", c->value, r->value);
		break;
	case OP_SAFE_RANGE:
		cmp_u64(pr, "safe address", c->value, r->value);
		break;
	default:
		break;
	}
	return !pr->errors;
}

/*
 * Run @op on both sides and compare the outcomes and the whole state.
 * Returns false on a mismatch (already reported).
 */
static bool step(struct pair *pr, const struct op *op, struct outcome *out)
{
	struct outcome c, r;

	if (pr->dead)
		return false;
	pr->dead = true;	/* until proven otherwise */
	pr->op_index++;
	pr->errors = 0;
	pr->cur = op;
	if (opt_verbose) {
		describe(op, pr->desc, sizeof(pr->desc));
		printf("# %s %llu: %s\n", pr->name, P64(pr->op_index), pr->desc);
	}
	run_core(&pr->core, op, &c);
	run_ref(&pr->ref, op, &r);
	if (out)
		*out = c;
	if (!cmp_outcome(pr, op, &c, &r))
		pair_dump(pr);
	else if (check_state(pr))
		pr->dead = false;
	tally(pr, op, c.ret);
	pr->cur = NULL;
	return !pr->dead;
}

/* ---- test bookkeeping ------------------------------------------------ */

static void result(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", nr_pass + nr_fail + 1);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (ok)
		nr_pass++;
	else
		nr_fail++;
}

/* Within a test: expect a condition, say what went wrong otherwise. */
#define EXPECT(ok, cond, ...) do {					\
	if (!(cond)) {							\
		printf("#   %s:%d: ", __FILE__, __LINE__);		\
		printf(__VA_ARGS__);					\
		printf("\n");						\
		ok = false;						\
	}								\
} while (0)

static struct op op_alloc(u64 size, u64 align, u32 stream, u32 flags)
{
	struct op op = { .kind = OP_ALLOC };

	op.req.size = size;
	op.req.align = align;
	op.req.stream = stream;
	op.req.flags = flags;
	return op;
}

static struct op op_create(u64 start, u64 size, u32 stream)
{
	struct op op = { .kind = OP_SEG_CREATE };

	op.addr = start;
	op.size = size;
	op.stream = stream;
	op.device = 0;
	return op;
}

static struct op op_free(u64 addr, u64 expected, u32 flags)
{
	struct op op = { .kind = OP_FREE };

	op.addr = addr;
	op.expected = expected;
	op.flags = flags;
	return op;
}

static struct op op_strategy(int s, u64 min_block)
{
	struct op op = { .kind = OP_STRATEGY };

	op.strategy = s;
	op.min_block = min_block;
	return op;
}

/*
 * Run @what on both sides, require agreement, and require the core's
 * return code to be @want.
 */
static bool expect_ret(struct pair *pr, struct op what, int want,
		       struct outcome *out)
{
	struct outcome o;

	if (!step(pr, &what, &o))
		return false;
	if (out)
		*out = o;
	if (o.ret != want) {
		describe(&what, pr->desc, sizeof(pr->desc));
		printf("# %s: %s: returned %d, want %d\n", pr->name, pr->desc,
		       o.ret, want);
		pr->dead = true;
		return false;
	}
	return true;
}

/* ---- boundary tests -------------------------------------------------- */

static bool test_invalid_args(int strategy)
{
	struct pair pr;
	struct op op;
	bool ok = true;

	pair_init(&pr, "invalid arguments");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x10000, 0x10000, 0), 0, NULL);
	/* size 0 */
	ok &= expect_ret(&pr, op_alloc(0, 0, 0, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_alloc(0, 0, MEMSIM_STREAM_ANY, 0), -EINVAL,
			 NULL);
	/* alignments that are not powers of two */
	ok &= expect_ret(&pr, op_alloc(64, 3, 0, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_alloc(64, 96, 0, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_alloc(64, U64_MAX, 0, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_alloc(64, (1ULL << 63) + 1, 0, 0), -EINVAL,
			 NULL);
	/* unknown flags */
	ok &= expect_ret(&pr, op_alloc(64, 0, 0, 1U << 3), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_alloc(64, 0, 0, 1U << 31), -EINVAL, NULL);
	op = op_alloc(64, 0, 0, 0);
	ok &= expect_ret(&pr, op, 0, NULL);
	ok &= expect_ret(&pr, op_free(0x10000, 0, 1U << 1), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_free(0x10000, 0, ~0U), -EINVAL, NULL);
	/* unknown strategy */
	ok &= expect_ret(&pr, op_strategy(MEMSIM_NR_STRATEGIES, 0), -EINVAL,
			 NULL);
	ok &= expect_ret(&pr, op_strategy(-1, 0), -EINVAL, NULL);
	pair_fini(&pr);
	return ok;
}

static bool test_nospace(int strategy)
{
	struct pair pr;
	bool ok = true;

	pair_init(&pr, "no space");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x100000, 0x30000, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x200000, 0x20000, 1), 0, NULL);
	/* larger than any segment, larger than all together */
	ok &= expect_ret(&pr, op_alloc(0x30001, 0, MEMSIM_STREAM_ANY, 0),
			 -ENOSPC, NULL);
	ok &= expect_ret(&pr, op_alloc(0x50000, 0, MEMSIM_STREAM_ANY, 0),
			 -ENOSPC, NULL);
	ok &= expect_ret(&pr, op_alloc(U64_MAX, 0, 0, 0), -ENOSPC, NULL);
	ok &= expect_ret(&pr, op_alloc(1ULL << 63, 0, 0, 0), -ENOSPC, NULL);
	ok &= expect_ret(&pr, op_alloc((1ULL << 63) + 1, 0, 0, 0), -ENOSPC,
			 NULL);
	/* fits stream 0's segment but not stream 1's */
	ok &= expect_ret(&pr, op_alloc(0x20001, 0, 1, 0), -ENOSPC, NULL);
	/* an alignment no address of the pool satisfies */
	ok &= expect_ret(&pr, op_alloc(1, 1ULL << 63, 0, 0), -ENOSPC, NULL);
	/* the failures were counted; a stream with no segment */
	ok &= expect_ret(&pr, op_alloc(64, 0, 5, 0), -ENOSPC, NULL);
	/* fill stream 1 exactly, then nothing more fits */
	ok &= expect_ret(&pr, op_alloc(0x20000, 0, 1, 0), 0, NULL);
	ok &= expect_ret(&pr, op_alloc(1, 0, 1, 0), -ENOSPC, NULL);
	pair_fini(&pr);
	return ok;
}

static bool test_segment_bounds(int strategy)
{
	struct pair pr;
	struct outcome o;
	bool ok = true;

	pair_init(&pr, "segment bounds");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x1000, 0, 0), -EINVAL, NULL);
	/* start + size wraps, or reaches exactly 2^64 */
	ok &= expect_ret(&pr, op_create(U64_MAX - 10, 20, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_create(U64_MAX, 1, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_create(1, U64_MAX, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_create(U64_MAX, U64_MAX, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_create(0x1000, 0x1000, MEMSIM_STREAM_ANY),
			 -EINVAL, NULL);
	/* the largest possible segment: [0, U64_MAX) */
	ok &= expect_ret(&pr, op_create(0, U64_MAX, 3), 0, &o);
	/* nothing else fits anywhere */
	ok &= expect_ret(&pr, op_create(U64_MAX - 1, 1, 0), -EEXIST, NULL);
	ok &= expect_ret(&pr, op_create(0x1000, 0x1000, 0), -EEXIST, NULL);
	if (strategy == MEMSIM_BUDDY) {
		/* roots 2^63, 2^62, ..., 1; U64_MAX does not round */
		ok &= expect_ret(&pr, op_alloc(U64_MAX, 0, 3, 0), -ENOSPC, NULL);
		ok &= expect_ret(&pr, op_alloc(1ULL << 63, 0, 3, 0), 0, NULL);
		ok &= expect_ret(&pr, op_alloc(1ULL << 62, 0, 3,
					       MEMSIM_REQ_TOPDOWN), 0, NULL);
		ok &= expect_ret(&pr, op_alloc(1, 0, 3, MEMSIM_REQ_TOPDOWN), 0,
				 NULL);
		ok &= expect_ret(&pr, op_alloc((1ULL << 63) + 1, 0, 3, 0),
				 -ENOSPC, NULL);
	} else {
		/* the whole segment, then nothing */
		ok &= expect_ret(&pr, op_alloc(U64_MAX, 0, 3, 0), 0, &o);
		ok &= expect_ret(&pr, op_alloc(1, 0, 3, 0), -ENOSPC, NULL);
		ok &= expect_ret(&pr, op_free(0, U64_MAX, 0), 0, NULL);
		ok &= expect_ret(&pr, op_alloc(U64_MAX - 1, 0, 3, 0), 0, &o);
		ok &= expect_ret(&pr, op_free(0, U64_MAX - 1, 0), 0, NULL);
		/* 2^63 alignment: only 0 and 2^63 */
		ok &= expect_ret(&pr, op_alloc(1, 1ULL << 63, 3, 0), 0, NULL);
		ok &= expect_ret(&pr, op_alloc(1, 1ULL << 63, 3,
					       MEMSIM_REQ_TOPDOWN), 0, NULL);
		ok &= expect_ret(&pr, op_alloc(1, 1ULL << 63, 3, 0), -ENOSPC,
				 NULL);
		/* the last bytes of the address space */
		ok &= expect_ret(&pr, op_alloc(7, 0, 3, MEMSIM_REQ_TOPDOWN), 0,
				 &o);
		EXPECT(ok, strategy > MEMSIM_BEST_FIT ||
		       o.res.addr == U64_MAX - 7, "top-down at %#llx",
		       P64(o.res.addr));
		ok &= expect_ret(&pr, op_alloc(U64_MAX - 2, 0, 3, 0), -ENOSPC,
				 NULL);
		ok &= expect_ret(&pr, op_alloc(16, 16, 3, MEMSIM_REQ_TOPDOWN),
				 0, &o);
		EXPECT(ok, strategy > MEMSIM_BEST_FIT ||
		       o.res.addr == U64_MAX - 31, "top-down at %#llx",
		       P64(o.res.addr));
	}
	/* release: busy, unknown, then fine once free */
	ok &= expect_ret(&pr, (struct op){ .kind = OP_SEG_RELEASE, .id = 1 },
			 -EBUSY, NULL);
	ok &= expect_ret(&pr, (struct op){ .kind = OP_SEG_RELEASE, .id = 99 },
			 -ENOENT, NULL);
	pair_fini(&pr);
	return ok;
}

static bool test_free_errors(int strategy)
{
	struct pair pr;
	struct outcome o;
	bool ok = true;
	u64 a;

	pair_init(&pr, "free errors");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x40000, 0x40000, 0), 0, NULL);
	ok &= expect_ret(&pr, op_alloc(100, 0, 0, 0), 0, &o);
	a = o.res.addr;
	/* not a block start, never allocated, past every segment */
	ok &= step(&pr, &(struct op){ .kind = OP_FREE, .addr = a + 1 }, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_FREE, .addr = 0x7000000 },
		   NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_FREE, .addr = U64_MAX },
		   NULL);
	/* size mismatch */
	ok &= expect_ret(&pr, op_free(a, 101, 0), -EINVAL, NULL);
	ok &= expect_ret(&pr, op_free(a, U64_MAX, 0), -EINVAL, NULL);
	/* deferred, again, completion, double free */
	ok &= expect_ret(&pr, op_free(a, 100, MEMSIM_FREE_DEFERRED), 0, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_FREE, .addr = a }, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_COMPLETE, .addr = a + 1 },
		   NULL);
	ok &= expect_ret(&pr, (struct op){ .kind = OP_COMPLETE, .addr = a },
			 0, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_COMPLETE, .addr = a }, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_FREE, .addr = a }, NULL);
	/* complete_free of a block whose free was never requested */
	ok &= expect_ret(&pr, op_alloc(100, 0, 0, 0), 0, &o);
	ok &= step(&pr, &(struct op){ .kind = OP_COMPLETE,
				      .addr = o.res.addr }, NULL);
	/* sync of an unknown stream, of every stream */
	ok &= step(&pr, &(struct op){ .kind = OP_SYNC, .stream = 42 }, NULL);
	ok &= step(&pr, &(struct op){ .kind = OP_SYNC,
				      .stream = MEMSIM_STREAM_ANY }, NULL);
	/* buddy can't be entered or left while anything is allocated */
	ok &= expect_ret(&pr, op_strategy(strategy == MEMSIM_BUDDY ?
					  MEMSIM_FIRST_FIT : MEMSIM_BUDDY, 0),
			 -EBUSY, NULL);
	ok &= expect_ret(&pr, op_free(o.res.addr, 0, MEMSIM_FREE_DEFERRED), 0,
			 NULL);
	ok &= expect_ret(&pr, op_strategy(strategy == MEMSIM_BUDDY ?
					  MEMSIM_FIRST_FIT : MEMSIM_BUDDY, 0),
			 -EBUSY, NULL);
	ok &= expect_ret(&pr, (struct op){ .kind = OP_SEG_RELEASE, .id = 1 },
			 -EBUSY, NULL);
	ok &= expect_ret(&pr, (struct op){ .kind = OP_SYNC, .stream = 0 }, 0,
			 &o);
	EXPECT(ok, o.value == 1, "sync completed %llu, want 1", P64(o.value));
	ok &= expect_ret(&pr, op_strategy(strategy == MEMSIM_BUDDY ?
					  MEMSIM_FIRST_FIT : MEMSIM_BUDDY, 0),
			 0, NULL);
	ok &= expect_ret(&pr, op_strategy(MEMSIM_BUDDY, 3), -EINVAL, NULL);
	ok &= expect_ret(&pr, (struct op){ .kind = OP_SEG_RELEASE, .id = 1 },
			 0, NULL);
	pair_fini(&pr);
	return ok;
}

/* step() for an operation built in place. */
static bool run_op(struct pair *pr, struct op what, struct outcome *out)
{
	return step(pr, &what, out);
}

static struct op op_overlap(u64 start, u64 size)
{
	return (struct op){ .kind = OP_OVERLAP, .addr = start, .size = size };
}

static struct op op_safe(u64 size, u64 align, u64 min, u64 max)
{
	return (struct op){ .kind = OP_SAFE_RANGE, .size = size,
			    .align = align, .min = min, .max = max };
}

/* Touching segments, overlap queries and free ranges at the edges. */
static bool test_address_space(void)
{
	struct pair pr;
	struct outcome o;
	bool ok = true;

	pair_init(&pr, "address space");
	ok &= expect_ret(&pr, op_create(0x1000, 0x1000, 0), 0, NULL);
	/* touching on either side is no overlap */
	ok &= expect_ret(&pr, op_create(0x2000, 0x1000, 1), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x800, 0x800, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x2fff, 2, 0), -EEXIST, NULL);
	ok &= expect_ret(&pr, op_create(0x7ff, 2, 0), -EEXIST, NULL);
	ok &= expect_ret(&pr, op_create(0, 0x10000, 0), -EEXIST, NULL);
	ok &= expect_ret(&pr, op_create(U64_MAX - 0x1000, 0x1000, 2), 0,
			 NULL);
	/* overlap queries: none, contained, partial, several, edges */
	ok &= run_op(&pr, op_overlap(0, 0x800), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_NONE, "overlap %d", o.overlap);
	ok &= run_op(&pr, op_overlap(0x1000, 0x1000), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_CONTAINED, "overlap %d",
	       o.overlap);
	ok &= run_op(&pr, op_overlap(0x1fff, 2), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_PARTIAL && o.nr_ids == 2,
	       "overlap %d, %u ids", o.overlap, o.nr_ids);
	ok &= run_op(&pr, op_overlap(0, U64_MAX), &o);
	EXPECT(ok, o.nr_ids == 4, "%u ids", o.nr_ids);
	ok &= run_op(&pr, op_overlap(U64_MAX - 1, 1), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_CONTAINED, "overlap %d",
	       o.overlap);
	/* empty and wrapping ranges overlap nothing */
	ok &= run_op(&pr, op_overlap(0x1000, 0), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_NONE, "overlap %d", o.overlap);
	ok &= run_op(&pr, op_overlap(U64_MAX - 10, 20), &o);
	EXPECT(ok, o.overlap == MEMSIM_OVERLAP_NONE, "overlap %d", o.overlap);
	/* free ranges */
	ok &= expect_ret(&pr, op_safe(0x800, 0, 0, U64_MAX), 0, &o);
	EXPECT(ok, o.value == 0, "safe at %#llx", P64(o.value));
	ok &= expect_ret(&pr, op_safe(0x801, 0, 0, U64_MAX), 0, &o);
	EXPECT(ok, o.value == 0x3000, "safe at %#llx", P64(o.value));
	ok &= expect_ret(&pr, op_safe(1, 0x10000, 1, U64_MAX), 0, &o);
	EXPECT(ok, o.value == 0x10000, "safe at %#llx", P64(o.value));
	ok &= expect_ret(&pr, op_safe(0x1000, 0, 0x3000, 0x4000), 0, &o);
	ok &= expect_ret(&pr, op_safe(0x1001, 0, 0x3000, 0x4000), -ENOSPC,
			 NULL);
	ok &= expect_ret(&pr, op_safe(2, 0, U64_MAX - 0x1001, U64_MAX),
			 -ENOSPC, NULL);
	ok &= expect_ret(&pr, op_safe(1, 1ULL << 63, 0x4000, U64_MAX), 0, &o);
	EXPECT(ok, o.value == 1ULL << 63, "safe at %#llx", P64(o.value));
	ok &= run_op(&pr, op_safe(0, 0, 0, U64_MAX), NULL);
	ok &= run_op(&pr, op_safe(1, 3, 0, U64_MAX), NULL);
	ok &= run_op(&pr, op_safe(1, 0, 0x5000, 0x4000), NULL);
	ok &= run_op(&pr, op_safe(1, 0, 0x5000, 0x5000), NULL);
	ok &= run_op(&pr, op_safe(U64_MAX, 0, 0, U64_MAX), NULL);
	pair_fini(&pr);
	return ok;
}

static struct op op_fixed(u64 addr, u64 size, u64 align, u32 flags)
{
	struct op op = op_alloc(size, align, MEMSIM_STREAM_ANY,
				MEMSIM_REQ_FIXED | flags);

	op.req.addr = addr;
	return op;
}

static struct op op_range(u64 size, u64 align, u64 lo, u64 hi, u32 flags)
{
	struct op op = op_alloc(size, align, MEMSIM_STREAM_ANY,
				MEMSIM_REQ_RANGE | flags);

	op.req.range_lo = lo;
	op.req.range_hi = hi;
	return op;
}

/* Fixed, range and aligned requests at the very top of the address space. */
static bool test_top_edges(int strategy)
{
	const u64 top = 0xfffffffffff00000ULL;
	struct pair pr;
	bool ok = true;

	pair_init(&pr, "top edges");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(top, U64_MAX - top, 0), 0, NULL);
	/* wrapping or misaligned fixed addresses are invalid */
	ok &= run_op(&pr, op_fixed(U64_MAX - 1, 2, 0, 0), NULL);
	ok &= run_op(&pr, op_fixed(U64_MAX, 1, 0, 0), NULL);
	ok &= run_op(&pr, op_fixed(top + 8, 8, 16, 0), NULL);
	ok &= run_op(&pr, op_fixed(top + 64, 1, 0, MEMSIM_REQ_TOPDOWN), NULL);
	ok &= run_op(&pr, op_fixed(U64_MAX - 64, 64, 0, 0), NULL);
	ok &= run_op(&pr, op_fixed(U64_MAX - 1, 1, 0, 0), NULL);
	/* a fixed address outside its range, inside it */
	ok &= run_op(&pr, op_fixed(top + 0x1000, 0x100, 0, MEMSIM_REQ_RANGE),
		     NULL);
	ok &= run_op(&pr, op_range(0x100, 0, top + 0x1000, top + 0x1100,
				   MEMSIM_REQ_FIXED), NULL);
	/* ranges reaching U64_MAX, top-down, huge alignments */
	ok &= run_op(&pr, op_range(100, 0, top, U64_MAX, MEMSIM_REQ_TOPDOWN),
		     NULL);
	ok &= run_op(&pr, op_range(1, 1ULL << 62, 0, U64_MAX, 0), NULL);
	ok &= run_op(&pr, op_range(1, 1ULL << 19, top, U64_MAX,
				   MEMSIM_REQ_TOPDOWN), NULL);
	ok &= run_op(&pr, op_range(1, 1ULL << 20, top + 1, U64_MAX, 0), NULL);
	ok &= run_op(&pr, op_range(1, 1ULL << 20, top, U64_MAX, 0), NULL);
	ok &= run_op(&pr, op_range(3, 0, U64_MAX - 3, U64_MAX, 0), NULL);
	ok &= run_op(&pr, op_range(3, 0, U64_MAX - 3, U64_MAX,
				   MEMSIM_REQ_TOPDOWN), NULL);
	ok &= run_op(&pr, op_range(1, 0, U64_MAX, U64_MAX, 0), NULL);
	ok &= run_op(&pr, op_range(1, 0, 0, top, 0), NULL);
	ok &= run_op(&pr, op_alloc(0x10000, 0x10000, 0, MEMSIM_REQ_TOPDOWN),
		     NULL);
	ok &= run_op(&pr, op_alloc(U64_MAX - top, 0, 0, 0), NULL);
	ok &= run_op(&pr, (struct op){ .kind = OP_SYNC, .stream = 0 }, NULL);
	pair_fini(&pr);
	return ok;
}

/*
 * A busy buddy pool given a larger minimum block: the call may refuse
 * (-EBUSY) or accept, but the pool must stay consistent either way.
 */
static bool test_buddy_min_change(void)
{
	struct memsim_pool pool;
	struct memsim_request req = { .size = 1 };
	struct memsim_result res;
	char msg[256] = "";
	bool ok = true;
	int ret;

	memsim_pool_init(&pool);
	ret = memsim_segment_create(&pool, 0, 4096, 0, 0, NULL);
	EXPECT(ok, !ret, "segment_create: %d", ret);
	ret = memsim_set_strategy(&pool, MEMSIM_BUDDY, 32);
	EXPECT(ok, !ret, "set_strategy(buddy, 32): %d", ret);
	ret = memsim_alloc(&pool, &req, &res);
	EXPECT(ok, !ret && res.size == 32, "alloc: %d, size %llu", ret,
	       P64(res.size));
	ret = memsim_set_strategy(&pool, MEMSIM_BUDDY, 64);
	EXPECT(ok, !ret || ret == -EBUSY, "set_strategy(buddy, 64): %d", ret);
	ret = memsim_pool_check(&pool, msg, sizeof(msg));
	EXPECT(ok, !ret, "memsim_pool_check: %d: %s", ret, msg);
	memsim_pool_fini(&pool);
	return ok;
}

/*
 * Aligned requests among many free blocks that are large enough by size
 * but not once aligned: holes of 1000..1254 bytes at random misaligned
 * starts, so that for a request of n bytes aligned to 256 most blocks of
 * the size window [n, n + 255) cannot hold it and a few can.  Enough
 * requests of one alignment to make the fit strategies build their
 * alignment aggregates (memsim_fit.c), then other alignments (rebuilds,
 * weaker classes), top-down and ranges, and frees in between that merge
 * and split blocks under the aggregates.  Every step is compared with the
 * model, and the core's invariants (the aggregates included) checked.
 */
#define WINDOW_HOLES	400

static bool test_aligned_window(int strategy)
{
	static u64 holes[WINDOW_HOLES], live[2 * WINDOW_HOLES];
	const u64 base = 0x100000 + 24;
	unsigned int i, nr_live = 0;
	struct outcome o;
	struct pair pr;
	bool ok = true;

	pair_init(&pr, "aligned window");
	ok &= expect_ret(&pr, op_strategy(strategy, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(base, 1ULL << 24, 0), 0, NULL);
	for (i = 0; i < WINDOW_HOLES && ok; i++) {
		ok &= run_op(&pr, op_alloc(1000 + rnd_below(255), 0, 0, 0), &o);
		holes[i] = o.ret ? 0 : o.res.addr;
		ok &= run_op(&pr, op_alloc(1 + rnd_below(64), 0, 0, 0), NULL);
	}
	for (i = 0; i < WINDOW_HOLES && ok; i++)
		if (holes[i])
			ok &= run_op(&pr, op_free(holes[i], 0, 0), NULL);

	for (i = 0; i < 3000 && ok; i++) {
		u64 align = i < 1500 ? 256 : 1ULL << rnd_below(13);
		u32 flags = i % 3 == 1 ? MEMSIM_REQ_TOPDOWN : 0;
		struct op op = op_alloc(1000 + rnd_below(200), align, 0, flags);

		if (i % 17 == 5) {
			op.req.flags |= MEMSIM_REQ_RANGE;
			op.req.range_lo = base + rnd_below(1 << 20);
			op.req.range_hi = op.req.range_lo + (1 << 20);
		}
		ok &= run_op(&pr, op, &o);
		if (!o.ret && nr_live < 2 * WINDOW_HOLES)
			live[nr_live++] = o.res.addr;
		if (nr_live && (chance(400) || nr_live == 2 * WINDOW_HOLES)) {
			unsigned int k = rnd_below(nr_live);

			ok &= run_op(&pr, op_free(live[k], 0, 0), NULL);
			live[k] = live[--nr_live];
		}
	}
	pair_fini(&pr);
	return ok;
}

/* ---- the random differential test ------------------------------------ */

static const u64 primes[] = {
	2, 3, 5, 7, 13, 31, 61, 127, 251, 509, 1021, 2039, 4093, 8191,
	16381, 65521, 131071, 524287,
};

static u64 random_size(void)
{
	unsigned int k = rnd_below(17);

	switch (rnd_below(10)) {
	case 0:
	case 1:
		return 1 + rnd_below(64);
	case 2:
		return 1 + rnd_below(4096);
	case 3:
		return k ? (1ULL << k) - 1 : 1;
	case 4:
		return 1ULL << k;
	case 5:
		return (1ULL << k) + 1;
	case 6:
		return primes[rnd_below(ARRAY_SIZE(primes))];
	case 7:
		return 1 + rnd_below(65536);
	case 8:
		return 1 + rnd_below(1 << 18);
	default:
		if (chance(100))
			return rnd_below(4) ? 1 + rnd_below(1ULL << 22) :
					      U64_MAX - rnd_below(3);
		return 1 + rnd_below(16384);
	}
}

static u64 random_align(void)
{
	if (rnd_below(10) < 6)
		return 0;
	if (chance(20))
		return rnd_below(2) ? 1ULL << (20 + rnd_below(44)) : 24;
	return 1ULL << rnd_below(13);
}

/* The streams the random test uses, and one that never exists. */
#define NR_TEST_STREAMS 3
#define NO_STREAM 7

static u32 random_stream(void)
{
	if (chance(10))
		return NO_STREAM;
	if (rnd_below(4) == 0)
		return MEMSIM_STREAM_ANY;
	return rnd_below(NR_TEST_STREAMS);
}

/* The segments the random test starts with. */
static const struct {
	u64 start, size;
	u32 stream;
} base_segments[] = {
	{ 0x100000, 1 << 20, 0 },
	/* unaligned start, size not a power of two */
	{ 0x301235, 777777, 1 },
	{ 0x500000, (1 << 18) + 4096 + 100, 0 },
	/* two adjacent segments of one stream: no coalescing across */
	{ 0x700000, 1 << 16, 2 },
	{ 0x710000, 3 << 14, 2 },
	/* the very top of the address space, ending at U64_MAX */
	{ 0xfffffffffff00000ULL, 0xfffff, 1 },
};

/* Extra segments are created (and released) in this window. */
#define EXTRA_LO	0x1000000ULL
#define EXTRA_SPAN	0x400000ULL

/* A random non-free block of the model, in @state or any if < 0. */
static const struct ref_block *random_live(struct ref_pool *p, int state)
{
	size_t i, n = 0, pick;

	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].state != MEMSIM_BLOCK_FREE &&
		    (state < 0 || p->blocks[i].state == state))
			n++;
	if (!n)
		return NULL;
	pick = rnd_below(n);
	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].state != MEMSIM_BLOCK_FREE &&
		    (state < 0 || p->blocks[i].state == state) && !pick--)
			return &p->blocks[i];
	return NULL;
}

static const struct ref_block *random_block(struct ref_pool *p)
{
	return p->nr_blocks ? &p->blocks[rnd_below(p->nr_blocks)] : NULL;
}

static void random_alloc(struct ref_pool *p, struct op *op)
{
	struct memsim_request *r = &op->req;
	const struct ref_block *b;
	u64 al;

	*op = op_alloc(random_size(), random_align(), random_stream(), 0);
	r->tag = rnd();
	if (chance(200))
		r->flags |= MEMSIM_REQ_TOPDOWN;
	if (chance(60)) {
		/* a range around a random block, or a random one */
		r->flags |= MEMSIM_REQ_RANGE;
		b = random_block(p);
		if (b && rnd_below(4)) {
			r->range_lo = b->addr - rnd_below(b->addr < 4096 ?
							  b->addr + 1 : 4096);
			r->range_hi = b->addr + b->size + rnd_below(4096);
			if (r->range_hi < r->range_lo)
				r->range_hi = U64_MAX;
			if (chance(300))
				r->range_hi = r->range_lo + r->size;
		} else {
			r->range_lo = rnd_below(0x800000);
			r->range_hi = r->range_lo + rnd_below(0x800000);
		}
		if (chance(20)) {
			u64 t = r->range_lo;

			r->range_lo = r->range_hi + 1;
			r->range_hi = t;
		}
	}
	if (chance(40)) {
		/* fixed: inside a random block, aligned, or anywhere */
		r->flags |= MEMSIM_REQ_FIXED;
		b = random_block(p);
		if (b && rnd_below(8)) {
			al = r->align ? r->align : 1;
			if (p->strategy == MEMSIM_BUDDY && rnd_below(4))
				al = 1ULL << rnd_below(13);
			r->addr = b->addr + rnd_below(b->size);
			if (rnd_below(4))
				r->addr &= ~(al - 1);
			if (rnd_below(2))
				r->addr = b->addr;
		} else {
			r->addr = rnd_below(0x800000);
		}
		if (rnd_below(3) == 0)
			r->stream = MEMSIM_STREAM_ANY;
	}
	if (chance(3))
		r->flags |= 1U << (3 + rnd_below(29));
}

static void random_free(struct ref_pool *p, struct op *op)
{
	const struct ref_block *b = random_live(p, MEMSIM_BLOCK_ALLOCATED);
	unsigned int how = rnd_below(100);

	*op = op_free(0, 0, 0);
	if (!b || how < 4) {
		/* bogus: inside a block, a free block, or anywhere */
		b = random_block(p);
		op->addr = b ? b->addr + (b->size > 1 ? rnd_below(b->size) : 0) :
			       rnd();
		if (b && rnd_below(2))
			op->addr = b->addr;
		return;
	}
	op->addr = b->addr;
	if (how < 30)
		op->flags = MEMSIM_FREE_DEFERRED;
	if (how < 60)
		op->expected = rnd_below(2) ? b->size : b->requested;
	else if (how < 66)
		op->expected = b->size + 1 + rnd_below(2);
	if (chance(5))
		op->flags |= 1U << (1 + rnd_below(31));
}

static void random_complete(struct ref_pool *p, struct op *op)
{
	const struct ref_block *b = random_live(p, MEMSIM_BLOCK_FREE_REQUESTED);

	*op = (struct op){ .kind = OP_COMPLETE };
	if (!b || chance(50))
		b = random_block(p);
	op->addr = b ? b->addr : rnd();
}

/* Free (completing deferred frees) every live block of @seg_id, or all. */
static bool drain(struct pair *pr, u64 seg_id, bool all)
{
	const struct ref_block *b;
	struct op op;
	size_t i;

	for (;;) {
		b = NULL;
		for (i = 0; i < pr->ref.nr_blocks; i++) {
			if (pr->ref.blocks[i].state != MEMSIM_BLOCK_FREE &&
			    (all || pr->ref.blocks[i].seg_id == seg_id)) {
				b = &pr->ref.blocks[i];
				break;
			}
		}
		if (!b)
			return true;
		if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
			op = (struct op){ .kind = OP_COMPLETE, .addr = b->addr };
		else
			op = op_free(b->addr, 0, 0);
		if (!step(pr, &op, NULL))
			return false;
	}
}

static bool setup_base(struct pair *pr, int strategy, u64 min_block)
{
	size_t i;

	if (!expect_ret(pr, op_strategy(strategy, min_block), 0, NULL))
		return false;
	for (i = 0; i < ARRAY_SIZE(base_segments); i++)
		if (!expect_ret(pr, op_create(base_segments[i].start,
					      base_segments[i].size,
					      base_segments[i].stream), 0, NULL))
			return false;
	return true;
}

static bool random_segment_op(struct pair *pr)
{
	struct ref_pool *p = &pr->ref;
	const struct ref_segment *s;
	struct op op = { .kind = OP_SEG_CREATE };
	u64 id;
	size_t i;

	switch (rnd_below(4)) {
	case 0:
	case 1:
		if (p->nr_segs >= 16)
			return true;
		op.addr = EXTRA_LO + rnd_below(EXTRA_SPAN);
		op.size = 1 + rnd_below(rnd_below(2) ? 4096 : 1 << 18);
		op.stream = rnd_below(NR_TEST_STREAMS + 1);
		op.device = rnd_below(4);
		return step(pr, &op, NULL);
	case 2:
		op.kind = OP_SEG_RELEASE;
		op.id = p->nr_segs ? p->segs[rnd_below(p->nr_segs)].id :
				     rnd_below(100);
		if (chance(100))
			op.id = rnd_below(2) ? 0 : U64_MAX;
		return step(pr, &op, NULL);
	default:
		/* drain a segment and release it; a base one comes back */
		if (!p->nr_segs)
			return true;
		s = &p->segs[rnd_below(p->nr_segs)];
		id = s->id;
		if (!drain(pr, id, false))
			return false;
		op.kind = OP_SEG_RELEASE;
		op.id = id;
		s = ref_segment_find(p, id);
		op.addr = s->start;
		op.size = s->size;
		op.stream = s->stream;
		if (!expect_ret(pr, op, 0, NULL))
			return false;
		for (i = 0; i < ARRAY_SIZE(base_segments); i++)
			if (base_segments[i].start == op.addr)
				return expect_ret(pr, op_create(op.addr, op.size,
								op.stream),
						  0, NULL);
		return true;
	}
}

static bool random_query(struct pair *pr)
{
	struct op op = { .kind = OP_OVERLAP };

	if (rnd_below(2)) {
		op.addr = rnd_below(2) ? rnd_below(0x1800000) :
					 EXTRA_LO + rnd_below(EXTRA_SPAN);
		op.size = 1 + rnd_below(1 << 20);
		return step(pr, &op, NULL);
	}
	op.kind = OP_SAFE_RANGE;
	op.size = 1 + rnd_below(1 << 20);
	op.align = rnd_below(2) ? 0 : 1ULL << rnd_below(21);
	op.min = rnd_below(0x1800000);
	op.max = op.min + rnd_below(0x2000000);
	return step(pr, &op, NULL);
}

static bool random_run(int home, u64 seed, u64 nr_ops)
{
	char name[64];
	struct pair pr;
	struct op op;
	u64 i, min_block = 0;
	bool ok = false;
	size_t live;
	int target;

	snprintf(name, sizeof(name), "random %s", strategy_names[home]);
	pair_init(&pr, name);
	rng_state = seed ^ (0x1000 * (home + 1));
	if (home == MEMSIM_BUDDY)
		min_block = rnd_below(2) ? 0 : 32;
	if (!setup_base(&pr, home, min_block))
		goto out;

	for (i = 0; i < nr_ops; i++) {
		unsigned int r = rnd_below(1000), alloc_share;

		live = ref_live_blocks(&pr.ref);
		alloc_share = live < 40 ? 700 : live > 250 ? 350 : 520;
		if (r < alloc_share) {
			random_alloc(&pr.ref, &op);
		} else if (r < 900) {
			random_free(&pr.ref, &op);
		} else if (r < 950) {
			random_complete(&pr.ref, &op);
		} else if (r < 965) {
			op = (struct op){ .kind = OP_SYNC };
			op.stream = rnd_below(NR_TEST_STREAMS + 1);
			if (chance(300))
				op.stream = MEMSIM_STREAM_ANY;
		} else if (r < 975) {
			if (!random_segment_op(&pr))
				goto out;
			continue;
		} else if (r < 985) {
			if (!random_query(&pr))
				goto out;
			continue;
		} else if (r < 995) {
			/* switch strategy, often back home */
			target = rnd_below(2) ? home :
				 (int)rnd_below(MEMSIM_NR_STRATEGIES);
			op = op_strategy(target, 0);
			if (target == MEMSIM_BUDDY)
				op.min_block = rnd_below(3) ? min_block :
					       1ULL << rnd_below(12);
			else if (chance(30))
				op.min_block = 64;
			if (chance(30))
				op.strategy = MEMSIM_NR_STRATEGIES + rnd_below(3);
			if (chance(30))
				op.min_block = 96;
		} else {
			/*
			 * Now and then, free everything so that switches to
			 * and from the buddy system can succeed.
			 */
			if (!chance(100))
				continue;
			if (!drain(&pr, 0, true))
				goto out;
			target = (int)pr.ref.strategy == home ?
				 (int)rnd_below(MEMSIM_NR_STRATEGIES) : home;
			op = op_strategy(target, target != MEMSIM_BUDDY ? 0 :
					 rnd_below(2) ? min_block : 16);
		}
		if (!step(&pr, &op, NULL))
			goto out;
	}
	/* wind down: everything freed, every segment released */
	if (!drain(&pr, 0, true))
		goto out;
	while (pr.ref.nr_segs) {
		op = (struct op){ .kind = OP_SEG_RELEASE,
				  .id = pr.ref.segs[0].id };
		if (!expect_ret(&pr, op, 0, NULL))
			goto out;
	}
	ok = true;
out:
	printf("# %s: %llu operations; allocations: %llu ok (%llu top-down, %llu range, %llu fixed, %llu any stream, %llu aligned), %llu failed\n",
	       name, P64(pr.op_index), P64(pr.nr_ok[OP_ALLOC]),
	       P64(pr.nr_topdown), P64(pr.nr_range), P64(pr.nr_fixed),
	       P64(pr.nr_any), P64(pr.nr_aligned), P64(pr.nr_err[OP_ALLOC]));
	printf("# %s: frees %llu ok (%llu deferred), %llu failed; complete %llu/%llu; sync %llu/%llu; segment create %llu/%llu, release %llu/%llu; strategy %llu/%llu; queries %llu\n",
	       name, P64(pr.nr_ok[OP_FREE]), P64(pr.nr_deferred),
	       P64(pr.nr_err[OP_FREE]), P64(pr.nr_ok[OP_COMPLETE]),
	       P64(pr.nr_err[OP_COMPLETE]), P64(pr.nr_ok[OP_SYNC]),
	       P64(pr.nr_err[OP_SYNC]), P64(pr.nr_ok[OP_SEG_CREATE]),
	       P64(pr.nr_err[OP_SEG_CREATE]), P64(pr.nr_ok[OP_SEG_RELEASE]),
	       P64(pr.nr_err[OP_SEG_RELEASE]), P64(pr.nr_ok[OP_STRATEGY]),
	       P64(pr.nr_err[OP_STRATEGY]),
	       P64(pr.nr_ok[OP_OVERLAP] + pr.nr_ok[OP_SAFE_RANGE] +
		   pr.nr_err[OP_SAFE_RANGE]));
	pair_fini(&pr);
	return ok;
}

/* ---- metadata allocation failures ------------------------------------ */

struct snap {
	size_t n, cap;
	u64 *v;
	const char **tag;
};

static void snap_add(struct snap *s, const char *tag, u64 v)
{
	if (s->n == s->cap) {
		s->cap = s->cap * 2 + 256;
		s->v = realloc(s->v, s->cap * sizeof(*s->v));
		s->tag = realloc(s->tag, s->cap * sizeof(*s->tag));
		if (!s->v || !s->tag)
			abort();
	}
	s->v[s->n] = v;
	s->tag[s->n++] = tag;
}

static void snap_usage(struct snap *s, const struct memsim_usage *u)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(usage_fields); i++)
		snap_add(s, usage_fields[i].name,
			 *(const u64 *)((const char *)u + usage_fields[i].off));
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++)
		snap_add(s, "free_hist", u->free_hist[i]);
}

/* Everything the core shows, timing aside, as a list of values. */
static void snap_take(struct memsim_pool *p, struct snap *s)
{
	struct memsim_block *b;
	struct rb_node *n;
	size_t i;

	s->n = 0;
	snap_add(s, "nr_segments", p->nr_segments);
	snap_add(s, "nr_streams", p->nr_streams);
	snap_add(s, "last_segment_id", p->last_segment_id);
	snap_add(s, "strategy", p->strategy);
	snap_add(s, "buddy_min_order", p->buddy_min_order);
	snap_add(s, "cursor", p->cursor);
	snap_usage(s, &p->usage);
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++) {
		snap_add(s, "strategy allocs", p->strategy_stats[i].allocs);
		snap_add(s, "strategy failures", p->strategy_stats[i].failures);
		snap_add(s, "strategy frees", p->strategy_stats[i].frees);
	}
	for (n = rb_first(&p->streams); n; n = rb_next(n)) {
		struct memsim_stream *st = rb_entry(n, struct memsim_stream, rb);

		snap_add(s, "stream id", st->id);
		snap_add(s, "stream nr_segments", st->nr_segments);
		snap_add(s, "stream order_mask", st->order_mask);
		snap_usage(s, &st->usage);
	}
	for (n = rb_first(&p->segments); n; n = rb_next(n)) {
		struct memsim_segment *sg = rb_entry(n, struct memsim_segment,
						     rb_start);

		snap_add(s, "segment id", sg->id);
		snap_add(s, "segment start", sg->start);
		snap_add(s, "segment size", sg->size);
		snap_add(s, "segment nr_blocks", sg->nr_blocks);
		snap_usage(s, &sg->usage);
		list_for_each_entry(b, &sg->blocks, link) {
			snap_add(s, "block addr", b->addr);
			snap_add(s, "block size", b->size);
			snap_add(s, "block state", b->state);
			snap_add(s, "block requested", b->requested);
			snap_add(s, "block tag", b->tag);
			snap_add(s, "block order", b->order);
			snap_add(s, "block root_order", b->root_order);
		}
	}
	for (n = rb_first(&p->allocated); n; n = rb_next(n))
		snap_add(s, "allocated tree addr",
			 rb_entry(n, struct memsim_block, rb_addr)->addr);
}

static bool snap_same(const struct snap *a, const struct snap *b)
{
	size_t i;

	for (i = 0; i < a->n && i < b->n; i++) {
		if (a->v[i] != b->v[i] || a->tag[i] != b->tag[i]) {
			printf("#   changed at value %zu (%s): %llu -> %llu (%s)\n",
			       i, a->tag[i], P64(a->v[i]), P64(b->v[i]),
			       b->tag[i]);
			return false;
		}
	}
	if (a->n != b->n) {
		printf("#   %zu values before, %zu after\n", a->n, b->n);
		return false;
	}
	return true;
}

/*
 * Run @op with the k-th metadata allocation failing, k = 1, 2, ... until
 * it succeeds; every failure must be -ENOMEM and change nothing.  Then
 * compare with the model as usual.  @min_failures: how many failing
 * attempts there must at least be.
 */
static bool inject(struct pair *pr, const struct op *op, u32 min_failures)
{
	struct snap before = { 0 }, after = { 0 };
	struct outcome c, r;
	bool ok = true;
	u32 k;

	if (pr->dead)
		return false;
	pr->cur = NULL;
	describe(op, pr->desc, sizeof(pr->desc));
	snap_take(&pr->core, &before);
	for (k = 1; k < 1000; k++) {
		pr->core.fail_alloc_in = k;
		run_core(&pr->core, op, &c);
		pr->core.fail_alloc_in = 0;
		if (c.ret != -ENOMEM)
			break;
		snap_take(&pr->core, &after);
		if (!snap_same(&before, &after)) {
			printf("# %s: %s: failing metadata allocation %u changed the pool\n",
			       pr->name, pr->desc, k);
			ok = false;
			break;
		}
		pr->errors = 0;
		if (!check_state(pr)) {
			ok = false;
			break;
		}
	}
	if (ok && k - 1 < min_failures) {
		printf("# %s: %s: %u failing attempts, want at least %u (ret %d)\n",
		       pr->name, pr->desc, k - 1, min_failures, c.ret);
		ok = false;
	}
	if (ok) {
		pr->op_index++;
		pr->errors = 0;
		run_ref(&pr->ref, op, &r);
		ok = cmp_outcome(pr, op, &c, &r) && check_state(pr);
		if (ok && c.ret) {
			printf("# %s: %s: returned %d\n", pr->name, pr->desc,
			       c.ret);
			ok = false;
		}
		if (opt_verbose)
			printf("# %s: %s: %u failing attempts\n", pr->name,
			       pr->desc, k - 1);
	}
	free(before.v);
	free(before.tag);
	free(after.v);
	free(after.tag);
	if (!ok)
		pr->dead = true;
	return ok;
}

static bool test_inject_fit(void)
{
	struct pair pr;
	struct op op;
	bool ok = true;

	pair_init(&pr, "metadata failures, fit");
	/* the first segment of a stream, a second one, a new stream */
	ok &= inject(&pr, &(struct op){ .kind = OP_SEG_CREATE,
					.addr = 0x10000, .size = 0x10000 }, 1);
	ok &= inject(&pr, &(struct op){ .kind = OP_SEG_CREATE,
					.addr = 0x30000, .size = 0x1234 }, 1);
	ok &= inject(&pr, &(struct op){ .kind = OP_SEG_CREATE, .stream = 4,
					.addr = 0x50001, .size = 0x8000 }, 1);
	/* an allocation that splits off padding and a tail */
	op = op_alloc(100, 256, 0, 0);
	ok &= expect_ret(&pr, op_alloc(3, 0, 0, 0), 0, NULL);
	ok &= inject(&pr, &op, 1);
	op.req.flags = MEMSIM_REQ_TOPDOWN;
	ok &= inject(&pr, &op, 1);
	/* with every strategy, on stream 4 with its unaligned start */
	op = op_alloc(77, 64, 4, 0);
	ok &= expect_ret(&pr, op_strategy(MEMSIM_BEST_FIT, 0), 0, NULL);
	ok &= inject(&pr, &op, 1);
	ok &= expect_ret(&pr, op_strategy(MEMSIM_WORST_FIT, 0), 0, NULL);
	ok &= inject(&pr, &op, 1);
	ok &= expect_ret(&pr, op_strategy(MEMSIM_NEXT_FIT, 0), 0, NULL);
	ok &= inject(&pr, &op, 1);
	/* fixed, in the middle of a free block */
	op.req.flags = MEMSIM_REQ_FIXED;
	op.req.addr = 0x12000;
	op.req.stream = 0;
	ok &= inject(&pr, &op, 1);
	/* a free: whatever it allocates, a failure must change nothing */
	ok &= inject(&pr, &(struct op){ .kind = OP_FREE, .addr = 0x12000 }, 0);
	pair_fini(&pr);
	return ok;
}

static bool test_inject_buddy(void)
{
	struct pair pr;
	struct op op;
	bool ok = true;

	pair_init(&pr, "metadata failures, buddy");
	ok &= expect_ret(&pr, op_create(0x100000, 0x100000, 0), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x301235, 777777, 1), 0, NULL);
	ok &= expect_ret(&pr, op_create(0x500000, 0x1000, 2), 0, NULL);
	/* the switch carves every segment into roots */
	ok &= inject(&pr, &(struct op){ .kind = OP_STRATEGY,
					.strategy = MEMSIM_BUDDY }, 1);
	/* a segment of many roots */
	ok &= inject(&pr, &(struct op){ .kind = OP_SEG_CREATE, .stream = 1,
					.addr = 0x900007, .size = 0x12345 }, 1);
	/* a new stream */
	ok &= inject(&pr, &(struct op){ .kind = OP_SEG_CREATE, .stream = 6,
					.addr = 0xa00000, .size = 0x10000 }, 1);
	/* allocations with many halvings */
	op = op_alloc(100, 0, 0, 0);
	ok &= inject(&pr, &op, 1);
	op = op_alloc(100, 0, 2, MEMSIM_REQ_TOPDOWN);
	ok &= inject(&pr, &op, 1);
	op = op_alloc(1, 0, MEMSIM_STREAM_ANY, MEMSIM_REQ_FIXED);
	op.req.addr = 0x180000;
	ok &= inject(&pr, &op, 1);
	op = op_alloc(1, 0, 1, 0);
	ok &= inject(&pr, &op, 0);
	/* a free with merges, under the same rule */
	ok &= inject(&pr, &(struct op){ .kind = OP_FREE, .addr = 0x180000 }, 0);
	ok &= drain(&pr, 0, true);
	/* and back to a fit strategy */
	ok &= inject(&pr, &(struct op){ .kind = OP_STRATEGY,
					.strategy = MEMSIM_FIRST_FIT }, 0);
	pair_fini(&pr);
	return ok;
}

/* ---- main ------------------------------------------------------------ */

static void print_usage(FILE *f)
{
	fprintf(f, "usage: memsim-hosttest [--seed S] [--ops N] [--verbose]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, s, ret;

	while ((c = getopt_long(argc, argv, "s:n:vh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoull(optarg, NULL, 0);
			break;
		case 'n':
			opt_ops = strtoull(optarg, NULL, 0);
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (optind < argc)
		opt_seed = strtoull(argv[optind], NULL, 0);

	ret = memsim_core_init();
	if (ret) {
		printf("memsim_core_init() = %d\n", ret);
		printf("host: 0 passed, 1 failed\n");
		return 1;
	}
	printf("# memsim host tests: seed %llu, %llu operations per strategy\n",
	       P64(opt_seed), P64(opt_ops));
	for (s = 0; s < MEMSIM_NR_STRATEGIES; s++) {
		result(test_invalid_args(s), "invalid arguments (%s)",
		       strategy_names[s]);
		result(test_nospace(s), "no space (%s)", strategy_names[s]);
		result(test_segment_bounds(s), "segment and U64_MAX bounds (%s)",
		       strategy_names[s]);
		result(test_free_errors(s), "free errors (%s)",
		       strategy_names[s]);
		result(test_top_edges(s), "top of the address space (%s)",
		       strategy_names[s]);
	}
	result(test_address_space(), "address space queries");
	result(test_buddy_min_change(),
	       "busy buddy pool, new minimum block: still consistent");
	result(test_inject_fit(), "metadata allocation failures (fit)");
	result(test_inject_buddy(), "metadata allocation failures (buddy)");
	for (s = 0; s < MEMSIM_NR_STRATEGIES; s++)
		result(random_run(s, opt_seed, opt_ops),
		       "random differential (%s), seed %llu",
		       strategy_names[s], P64(opt_seed));
	for (s = 0; s < MEMSIM_NR_STRATEGIES; s++)
		result(test_aligned_window(s), "aligned requests, misaligned holes (%s)",
		       strategy_names[s]);
	memsim_core_exit();
	printf("host: %d passed, %d failed\n", nr_pass, nr_fail);
	return nr_fail ? 1 : 0;
}
