// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_fuzz_target: libFuzzer target, the allocator core against its model
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Built by "make hostfuzz" with clang -fsanitize=fuzzer,address,undefined
 * from the core's sources (module/core/memsim_{pool,fit,buddy,check}.c, as the
 * host harness builds them) and the reference model (memsim_ref.c).
 *
 * The fuzzer's bytes are decoded into a sequence of core operations:
 * segment create and release, set strategy, allocations with every flag
 * (top-down, range, fixed) and the dry run, immediate and deferred frees,
 * completions, stream syncs, resets with and without the segments, overlap
 * and safe-range queries.  Each one runs on the core and on the model;
 * their return codes and results must agree, then memsim_pool_check() must
 * pass and the whole state (every segment, block, stream and counter) must
 * agree.  Any disagreement prints the operation and both states and
 * aborts, which libFuzzer reports as a crash with the input that caused it.
 *
 * Values are drawn from small universes (addresses on a 64-byte grid in a
 * few MiB, sizes near powers of two, a handful of streams) mixed with the
 * edges (0, 1, 2^63, U64_MAX, sizes reaching 2^64 - start), so that short
 * inputs reach deep states.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>

#include "memsim_core.h"
#include "memsim_ref.h"

#define P64(x)	((unsigned long long)(x))
#define MAX_OPS		512	/* per input */
#define MAX_SEGS	24
#define MAX_IDS		8

struct input {
	const u8 *p;
	size_t len;
};

static u8 in_u8(struct input *in)
{
	u8 v;

	if (!in->len)
		return 0;
	v = *in->p++;
	in->len--;
	return v;
}

static u16 in_u16(struct input *in)
{
	return in_u8(in) | (u16)in_u8(in) << 8;
}

static u64 in_u64(struct input *in)
{
	u64 v = 0;
	int i;

	for (i = 0; i < 8; i++)
		v |= (u64)in_u8(in) << (8 * i);
	return v;
}

static const u64 edges[] = {
	0, 1, 2, 63, 64, 65, 4096, 1ULL << 32, (1ULL << 63) - 1, 1ULL << 63,
	(1ULL << 63) + 1, U64_MAX - 64, U64_MAX - 1, U64_MAX,
};

/* An address: mostly on a 64-byte grid below 8 MiB, sometimes an edge. */
static u64 in_addr(struct input *in)
{
	u8 sel = in_u8(in);

	if (sel < 16)
		return edges[sel % ARRAY_SIZE(edges)];
	if (sel < 24)
		return in_u64(in);
	if (sel < 32)
		return U64_MAX - ((u64)in_u16(in) << 6);
	return ((u64)in_u16(in) << 7) + (sel & 1 ? in_u8(in) : 0);
}

/* A size: small, near a power of two, or an edge; @start for 2^64 - start. */
static u64 in_size(struct input *in, u64 start)
{
	u8 sel = in_u8(in);

	if (sel < 12)
		return edges[sel % ARRAY_SIZE(edges)];
	if (sel < 20)
		return 0 - start + (sel % 3) - 1;
	if (sel < 60)
		return (1ULL << (in_u8(in) % 64)) + (sel % 3) - 1;
	if (sel < 64)
		return in_u64(in);
	return 1 + in_u16(in);
}

static u64 in_align(struct input *in)
{
	u8 sel = in_u8(in);

	if (sel < 128)
		return 0;
	if (sel < 136)
		return sel;	/* mostly not a power of two */
	return 1ULL << (sel % 64);
}

static u32 in_stream(struct input *in)
{
	u8 sel = in_u8(in);

	if (sel < 32)
		return MEMSIM_STREAM_ANY;
	if (sel < 36)
		return sel;
	return sel % 4;
}

/* ---- the pair ------------------------------------------------------------- */

static struct memsim_pool core;
static struct ref_pool ref;
static char what[256];
static unsigned int op_index;

static void dump_core(void)
{
	struct memsim_block *b;
	struct rb_node *n;

	fprintf(stderr, "core: strategy %d min_order %u cursor %#llx, %llu segments, %u streams\n",
		core.strategy, core.buddy_min_order, P64(core.cursor),
		P64(core.nr_segments), core.nr_streams);
	for (n = rb_first(&core.segments); n; n = rb_next(n)) {
		struct memsim_segment *s = rb_entry(n, struct memsim_segment, rb_start);

		fprintf(stderr, "  segment %llu [%#llx, +%#llx) stream %u\n", P64(s->id),
			P64(s->start), P64(s->size), s->stream ? s->stream->id : 0);
		list_for_each_entry(b, &s->blocks, link)
			fprintf(stderr, "    block %#llx +%#llx state %u req %llu\n",
				P64(b->addr), P64(b->size), b->state, P64(b->requested));
	}
	fprintf(stderr, "model:\n");
	ref_dump(&ref, stderr);
}

static void __printf(1, 2) __noreturn
mismatch(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "memsim_fuzz_target: op %u: %s\n  ", op_index, what);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fprintf(stderr, "\n");
	dump_core();
	abort();
}

static void eq(const char *name, u64 c, u64 r)
{
	if (c != r)
		mismatch("%s: core %llu (%#llx), model %llu (%#llx)", name, P64(c),
			 P64(c), P64(r), P64(r));
}

static void eq_usage(const char *name, const struct memsim_usage *c,
		     const struct memsim_usage *r)
{
	char f[96];
	int i;

#define U(x) do { snprintf(f, sizeof(f), "%s " #x, name); eq(f, c->x, r->x); } while (0)
	U(total);
	U(allocated);
	U(requested);
	U(free);
	U(peak_allocated);
	U(live_blocks);
	U(free_blocks);
	U(deferred_blocks);
	U(deferred_bytes);
	U(allocs);
	U(frees);
	U(failures);
#undef U
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++) {
		snprintf(f, sizeof(f), "%s free_hist[%d]", name, i);
		eq(f, c->free_hist[i], r->free_hist[i]);
	}
}

/* The whole state: the core's own invariants, then core against model. */
static void check_state(void)
{
	struct memsim_usage ru;
	struct rb_node *n;
	char msg[256] = "", name[64];
	size_t i = 0, bi = 0;
	int ret;

	ret = memsim_pool_check(&core, msg, sizeof(msg));
	if (ret)
		mismatch("memsim_pool_check() = %d: %s", ret, msg);
	eq("strategy", core.strategy, ref.strategy);
	if (ref.strategy == MEMSIM_BUDDY)
		eq("buddy min block", 1ULL << core.buddy_min_order, ref.setting[MEMSIM_BUDDY]);
	eq("cursor", core.cursor, ref.cursor);
	eq("nr_segments", core.nr_segments, ref.nr_segs);
	eq("nr_streams", core.nr_streams, ref.nr_streams);
	eq("last_segment_id", core.last_segment_id, ref.last_segment_id);
	ref_pool_usage(&ref, &ru);
	eq_usage("pool", &core.usage, &ru);
	eq("largest_free(any)", memsim_largest_free(&core, MEMSIM_STREAM_ANY),
	   ref_largest_free(&ref, MEMSIM_STREAM_ANY));
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++) {
		eq("strategy allocs", core.strategy_stats[i].allocs, ref.strat_allocs[i]);
		eq("strategy failures", core.strategy_stats[i].failures,
		   ref.strat_failures[i]);
		eq("strategy frees", core.strategy_stats[i].frees, ref.strat_frees[i]);
	}
	i = 0;
	for (n = rb_first(&core.streams); n; n = rb_next(n), i++) {
		struct memsim_stream *st = rb_entry(n, struct memsim_stream, rb);

		if (i >= ref.nr_streams)
			mismatch("core has an extra stream %u", st->id);
		eq("stream id", st->id, ref.streams[i].id);
		snprintf(name, sizeof(name), "stream %u", st->id);
		ref_stream_usage(&ref, st->id, &ru);
		eq_usage(name, &st->usage, &ru);
		eq("stream largest_free", memsim_largest_free(&core, st->id),
		   ref_largest_free(&ref, st->id));
	}
	eq("streams", i, ref.nr_streams);
	i = 0;
	for (n = rb_first(&core.segments); n; n = rb_next(n), i++) {
		struct memsim_segment *s = rb_entry(n, struct memsim_segment, rb_start);
		const struct ref_segment *rs;
		struct memsim_block *b;

		if (i >= ref.nr_segs)
			mismatch("core has an extra segment %llu", P64(s->id));
		rs = &ref.segs[i];
		eq("segment id", s->id, rs->id);
		eq("segment start", s->start, rs->start);
		eq("segment size", s->size, rs->size);
		eq("segment device", s->device, rs->device);
		eq("segment stream", s->stream->id, rs->stream);
		snprintf(name, sizeof(name), "segment %llu", P64(s->id));
		ref_segment_usage(&ref, s->id, &ru);
		eq_usage(name, &s->usage, &ru);
		eq("segment largest_free", memsim_segment_largest_free(&core, s),
		   ref_segment_largest_free(&ref, s->id));
		list_for_each_entry(b, &s->blocks, link) {
			const struct ref_block *r;

			if (bi >= ref.nr_blocks)
				mismatch("core has an extra block %#llx", P64(b->addr));
			r = &ref.blocks[bi++];
			eq("block addr", b->addr, r->addr);
			eq("block size", b->size, r->size);
			eq("block state", b->state, r->state);
			eq("block segment", s->id, r->seg_id);
			if (r->state != MEMSIM_BLOCK_FREE) {
				eq("block requested", b->requested, r->requested);
				eq("block tag", b->tag, r->tag);
				if (memsim_block_lookup(&core, b->addr) != b)
					mismatch("memsim_block_lookup(%#llx) is wrong",
						 P64(b->addr));
			}
		}
	}
	eq("segments", i, ref.nr_segs);
	eq("blocks", bi, ref.nr_blocks);
}

/* The model has no reset: built from its operations, as the core's reset reads. */
static void ref_reset(struct ref_pool *p, bool keep)
{
	struct memsim_free_result fres;
	size_t i;

	if (!keep) {
		ref_fini(p);
		ref_init(p);
		return;
	}
	/* Free every block (completing deferred frees), then clear the history. */
	for (i = 0; i < p->nr_blocks;) {
		struct ref_block *b = &p->blocks[i];

		if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
			ref_complete_free(p, b->addr, &fres);
		else if (b->state == MEMSIM_BLOCK_ALLOCATED)
			ref_free(p, b->addr, 0, 0, &fres);
		else
			i++;
	}
	memset(&p->h, 0, sizeof(p->h));
	for (i = 0; i < p->nr_segs; i++)
		memset(&p->segs[i].h, 0, sizeof(p->segs[i].h));
	for (i = 0; i < p->nr_streams; i++)
		memset(&p->streams[i].h, 0, sizeof(p->streams[i].h));
	memset(p->strat_allocs, 0, sizeof(p->strat_allocs));
	memset(p->strat_failures, 0, sizeof(p->strat_failures));
	memset(p->strat_frees, 0, sizeof(p->strat_frees));
	p->cursor = 0;
}

/* A known block's address, or any address. */
static u64 in_block(struct input *in)
{
	u8 sel = in_u8(in);

	if (ref.nr_blocks && sel >= 32)
		return ref.blocks[in_u16(in) % ref.nr_blocks].addr + (sel == 255);
	return in_addr(in);
}

static u64 in_segment_id(struct input *in)
{
	u8 sel = in_u8(in);

	if (ref.nr_segs && sel >= 16)
		return ref.segs[sel % ref.nr_segs].id;
	return sel < 4 ? edges[sel + 9] : sel;
}

static void cmp_result(const struct memsim_result *c, const struct memsim_result *r)
{
	eq("result addr", c->addr, r->addr);
	eq("result size", c->size, r->size);
	eq("result waste", c->waste, r->waste);
	eq("result segment", c->segment_id, r->segment_id);
	eq("result stream", c->stream, r->stream);
	eq("result splits", c->splits, r->splits);
}

static void cmp_free(const struct memsim_free_result *c, const struct memsim_free_result *r)
{
	eq("freed_size", c->freed_size, r->freed_size);
	eq("coalesced", c->coalesced, r->coalesced);
	eq("coalesced_addr", c->coalesced_addr, r->coalesced_addr);
	eq("coalesced_size", c->coalesced_size, r->coalesced_size);
	eq("deferred", c->deferred, r->deferred);
}

static void build_request(struct input *in, struct memsim_request *q)
{
	u8 flags = in_u8(in);

	memset(q, 0, sizeof(*q));
	q->size = in_size(in, 0);
	q->align = in_align(in);
	q->stream = in_stream(in);
	q->flags = flags & MEMSIM_REQ_ALL;
	if (flags & 0x80)
		q->flags |= 1U << (flags & 31);	/* an unknown flag, now and then */
	q->tag = in_u16(in);
	if (q->flags & MEMSIM_REQ_RANGE || flags & 0x40) {
		q->range_lo = in_addr(in);
		q->range_hi = q->range_lo + in_size(in, q->range_lo);
	}
	if (q->flags & MEMSIM_REQ_FIXED || (flags & 0x60) == 0x60) {
		q->addr = in_block(in);
		if (in_u8(in) < 64)
			q->size = in_size(in, q->addr);
	}
}

enum { OP_CREATE, OP_RELEASE, OP_STRATEGY, OP_ALLOC, OP_CAN_ALLOC, OP_FREE,
	OP_COMPLETE, OP_SYNC, OP_RESET, OP_OVERLAP, OP_SAFE, OP_NR };

static void run_one(struct input *in)
{
	u8 op = in_u8(in) % OP_NR;
	int cr, rr;

	switch (op) {
	case OP_CREATE: {
		u64 start = in_addr(in), size = in_size(in, start), rid = 0;
		u32 stream = in_stream(in), dev = in_u8(in);
		struct memsim_segment *seg = NULL;

		if (ref.nr_segs >= MAX_SEGS)
			return;
		snprintf(what, sizeof(what), "segment_create [%#llx, +%#llx) stream %u",
			 P64(start), P64(size), stream);
		cr = memsim_segment_create(&core, start, size, dev, stream, &seg);
		rr = ref_segment_create(&ref, start, size, dev, stream, &rid);
		eq("return", cr, rr);
		if (!cr)
			eq("segment id", seg->id, rid);
		break;
	}
	case OP_RELEASE: {
		u64 id = in_segment_id(in);

		snprintf(what, sizeof(what), "segment_release %llu", P64(id));
		eq("return", memsim_segment_release(&core, id), ref_segment_release(&ref, id));
		break;
	}
	case OP_STRATEGY: {
		u8 s = in_u8(in), m = in_u8(in);
		u64 min = m < 128 ? 0 : m < 240 ? 1ULL << (m % 24) : m;
		int strategy = s % (MEMSIM_NR_STRATEGIES + 1);

		if (s == 255)
			strategy = -1;
		snprintf(what, sizeof(what), "set_strategy %d min_block %llu", strategy, P64(min));
		eq("return", memsim_set_strategy(&core, strategy, min),
		   ref_set_strategy(&ref, strategy, min));
		break;
	}
	case OP_ALLOC:
	case OP_CAN_ALLOC: {
		struct memsim_request q;
		struct memsim_result c = { 0 }, r = { 0 };

		build_request(in, &q);
		snprintf(what, sizeof(what),
			 "%s size %#llx align %#llx stream %d flags %#x range [%#llx, %#llx) addr %#llx",
			 op == OP_ALLOC ? "alloc" : "can_alloc", P64(q.size), P64(q.align),
			 (int)q.stream, q.flags, P64(q.range_lo), P64(q.range_hi), P64(q.addr));
		if (op == OP_ALLOC) {
			cr = memsim_alloc(&core, &q, &c);
			rr = ref_alloc(&ref, &q, &r);
		} else {
			struct ref_pool dry;

			/* the model's answer from a copy it then throws away */
			ref_copy(&dry, &ref);
			cr = memsim_can_alloc(&core, &q, &c);
			rr = ref_alloc(&dry, &q, &r);
			ref_fini(&dry);
		}
		eq("return", cr, rr);
		if (!cr)
			cmp_result(&c, &r);
		break;
	}
	case OP_FREE:
	case OP_COMPLETE: {
		struct memsim_free_result c = { 0 }, r = { 0 };
		u64 addr = in_block(in), expected = 0;
		u8 f = in_u8(in);
		u32 flags = f & 1 ? MEMSIM_FREE_DEFERRED : 0;

		if (f & 2)
			flags |= 1U << (f % 32);
		if (f & 4)
			expected = f & 8 ? in_size(in, 0) :
				   ref_block_at(&ref, addr) ? ref_block_at(&ref, addr)->requested : 1;
		if (op == OP_FREE) {
			snprintf(what, sizeof(what), "free %#llx expected %#llx flags %#x",
				 P64(addr), P64(expected), flags);
			cr = memsim_free(&core, addr, expected, flags, &c);
			rr = ref_free(&ref, addr, expected, flags, &r);
		} else {
			snprintf(what, sizeof(what), "complete_free %#llx", P64(addr));
			cr = memsim_complete_free(&core, addr, &c);
			rr = ref_complete_free(&ref, addr, &r);
		}
		eq("return", cr, rr);
		if (!cr)
			cmp_free(&c, &r);
		break;
	}
	case OP_SYNC: {
		u32 stream = in_stream(in);
		u64 c = 0, r = 0;

		snprintf(what, sizeof(what), "sync_stream %d", (int)stream);
		cr = memsim_sync_stream(&core, stream, &c);
		rr = ref_sync_stream(&ref, stream, &r);
		eq("return", cr, rr);
		if (!cr)
			eq("completed", c, r);
		break;
	}
	case OP_RESET: {
		bool keep = in_u8(in) & 1;

		snprintf(what, sizeof(what), "reset%s", keep ? " keep segments" : "");
		memsim_pool_reset(&core, keep);
		ref_reset(&ref, keep);
		break;
	}
	case OP_OVERLAP: {
		u64 start = in_addr(in), size = in_size(in, start);
		u64 cids[MAX_IDS] = { 0 }, rids[MAX_IDS] = { 0 };
		u32 cn = 0, rn = 0, max = in_u8(in) % (MAX_IDS + 1), i;

		snprintf(what, sizeof(what), "check_overlap [%#llx, +%#llx) max %u",
			 P64(start), P64(size), max);
		eq("overlap", memsim_check_overlap(&core, start, size, cids, max, &cn),
		   ref_check_overlap(&ref, start, size, rids, max, &rn));
		eq("overlap nr_ids", cn, rn);
		for (i = 0; i < cn && i < max; i++)
			eq("overlap id", cids[i], rids[i]);
		break;
	}
	default: {
		u64 size = in_size(in, 0), align = in_align(in), min = in_addr(in);
		u64 max = min + in_size(in, min), c = 0, r = 0;

		snprintf(what, sizeof(what), "find_safe_range size %#llx align %#llx [%#llx, %#llx)",
			 P64(size), P64(align), P64(min), P64(max));
		cr = memsim_find_safe_range(&core, size, align, min, max, &c);
		rr = ref_find_safe_range(&ref, size, align, min, max, &r);
		eq("return", cr, rr);
		if (!cr)
			eq("safe address", c, r);
		break;
	}
	}
	check_state();
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	(void)argc;
	(void)argv;
	if (memsim_core_init())
		abort();
	return 0;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct input in = { data, size };

	memsim_pool_init(&core);
	ref_init(&ref);
	/* The first byte picks the starting strategy. */
	if (in.len) {
		int s = in_u8(&in) % MEMSIM_NR_STRATEGIES;

		memsim_set_strategy(&core, s, 0);
		ref_set_strategy(&ref, s, 0);
	}
	for (op_index = 0; in.len && op_index < MAX_OPS; op_index++)
		run_one(&in);
	memsim_pool_fini(&core);
	ref_fini(&ref);
	return 0;
}
