// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_ref: a brute-force reference model of the allocator core
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Sources, and nothing else: Documentation/allocator.rst; the DOC overviews
 * "Allocator core" (module/core/memsim_core.h), "Fit strategies"
 * (memsim_fit.c) and "Buddy system" (memsim_buddy.c); the kernel-doc of the
 * core's entry points for errno values; Documentation/uapi.rst's error table
 * and MEMSIM_IOC_ALLOC's kernel-doc for what a malformed fixed address is.
 * Each rule below quotes the sentence it implements.  Where the documents are
 * silent or ambiguous the model takes their most natural reading and says so
 * in a comment marked "Reading:".  A disagreement with the core is settled by
 * the documents, never by making the model agree.
 *
 * Style, on purpose unlike the core's: plain sorted arrays, no trees, no bit
 * masks; every address computed by division and multiplication on 128-bit
 * integers; every request looks at every free block.
 *
 * Adding a strategy: write its chooser (it receives every free block that
 * fits, with the address the allocation would take in it, and returns the
 * one its documented rule prefers) and add one line to ref_strategies[].  If
 * the strategy lays out free space in its own way, give it a struct
 * ref_family as well.
 */
#include <errno.h>

#include "memsim_ref.h"

typedef unsigned __int128 u128;

/* One past the highest address: the window of an unconstrained request. */
#define ADDR_SPACE_END	((u128)1 << 64)

static void *xrealloc(void *ptr, size_t nmemb, size_t size)
{
	void *p = realloc(ptr, (nmemb ? nmemb : 1) * size);

	if (!p) {
		fprintf(stderr, "memsim_ref: out of memory\n");
		abort();
	}
	return p;
}

/* Grow array @arr of @nr entries, capacity @cap, to hold one more. */
#define GROW(arr, nr, cap) do {						\
	if ((nr) == (cap)) {						\
		(cap) = (cap) * 2 + 8;					\
		(arr) = xrealloc((arr), (cap), sizeof(*(arr)));		\
	}								\
} while (0)

/* Is @x a power of two?  By repeated halving. */
static bool is_pow2(u64 x)
{
	if (!x)
		return false;
	while (x % 2 == 0)
		x /= 2;
	return x == 1;
}

/* floor(log2(@x)) for @x > 0, by repeated halving. */
static unsigned int log2_floor(u64 x)
{
	unsigned int n = 0;

	while (x >= 2) {
		x /= 2;
		n++;
	}
	return n;
}

static u128 max128(u128 a, u128 b)
{
	return a > b ? a : b;
}

static u128 min128(u128 a, u128 b)
{
	return a < b ? a : b;
}

/* ---- the query and its candidates ------------------------------------ */

/*
 * A validated request.  "fits" means: the block holds an allocation of
 * @size at an address that is a multiple of @align, and [addr, addr + size)
 * lies within [@lo, @hi).
 */
struct ref_query {
	u64 size;		/* the allocation's actual size */
	u64 align;		/* the address must be a multiple of this */
	u128 lo, hi;		/* the window */
	bool top;
	bool fixed;		/* MEMSIM_REQ_FIXED */
	u32 stream;
};

/* A free block that fits, and where the allocation would go in it. */
struct ref_cand {
	u32 stream;
	u64 blk_addr;
	u64 blk_size;
	u64 seg_id;
	u64 addr;
};

/*
 * Where an allocation of @q in the free block [@start, @start + @bsize)
 * would go inside the window [@lo, @hi): "Bottom-up placement takes the
 * lowest such address of the block, top-down the highest."
 *
 *   lowest  = ceil(max(lo, start) / align) * align
 *   highest = floor((min(hi, end) - size) / align) * align
 *
 * and it fits when lowest + size <= min(hi, end) (equivalently highest >=
 * max(lo, start)).
 */
static bool cand_place(u64 start, u64 bsize, const struct ref_query *q,
		       u128 lo, u128 hi, u64 *addr)
{
	u128 a = q->align, sz = q->size;
	u128 from = max128(lo, start);
	u128 to = min128(hi, (u128)start + bsize);
	u128 lowest, highest;

	if (to < from || to - from < sz)
		return false;
	lowest = (from + a - 1) / a * a;
	highest = (to - sz) / a * a;
	if (lowest + sz > to || highest < from || lowest > highest)
		return false;
	*addr = (u64)(q->top ? highest : lowest);
	return true;
}

/* ---- comparators ------------------------------------------------------ */

/*
 * Each returns < 0 when @x is preferred to @y.  Candidates are distinct free
 * blocks, which never overlap, so comparing block addresses is comparing the
 * blocks' places in the address space.
 */

/* Lowest-addressed block first; top-down: the highest. */
static int cmp_addr(const struct ref_cand *x, const struct ref_cand *y,
		    bool top)
{
	if (x->blk_addr == y->blk_addr)
		return 0;
	if (top)
		return x->blk_addr > y->blk_addr ? -1 : 1;
	return x->blk_addr < y->blk_addr ? -1 : 1;
}

/* Smallest block first, ties by address (top-down: the highest). */
static int cmp_smallest(const struct ref_cand *x, const struct ref_cand *y,
			bool top)
{
	if (x->blk_size != y->blk_size)
		return x->blk_size < y->blk_size ? -1 : 1;
	return cmp_addr(x, y, top);
}

/* Largest block first, ties as for best fit. */
static int cmp_largest(const struct ref_cand *x, const struct ref_cand *y,
		       bool top)
{
	if (x->blk_size != y->blk_size)
		return x->blk_size > y->blk_size ? -1 : 1;
	return cmp_addr(x, y, top);
}

/* Smallest order (log2 of the block's size) first, then by address. */
static int cmp_order(const struct ref_cand *x, const struct ref_cand *y,
		     bool top)
{
	unsigned int ox = log2_floor(x->blk_size), oy = log2_floor(y->blk_size);

	if (ox != oy)
		return ox < oy ? -1 : 1;
	return cmp_addr(x, y, top);
}

typedef int (*ref_cmp_fn)(const struct ref_cand *x, const struct ref_cand *y,
			  bool top);

/* The candidate @cmp prefers to all others; false when there is none. */
static bool pick_by(const struct ref_cand *c, size_t n, ref_cmp_fn cmp,
		    bool top, struct ref_cand *out)
{
	size_t i, best = 0;

	if (!n)
		return false;
	for (i = 1; i < n; i++)
		if (cmp(&c[i], &c[best], top) < 0)
			best = i;
	*out = c[best];
	return true;
}

/* ---- choosers: one per strategy -------------------------------------- */

/*
 * A chooser gets every free block that fits the query (in every stream the
 * request may use: "With MEMSIM_STREAM_ANY the candidates of every stream
 * compete by the same rule"), each with its bottom-up or top-down address,
 * and picks one by its strategy's rule.
 */
typedef bool (*ref_choose_fn)(const struct ref_pool *p,
			      const struct ref_query *q,
			      const struct ref_cand *c, size_t n,
			      struct ref_cand *out);

/* "first fit: the lowest-addressed block that fits; top-down, the highest." */
static bool choose_first(const struct ref_pool *p __maybe_unused, const struct ref_query *q,
			 const struct ref_cand *c, size_t n,
			 struct ref_cand *out)
{
	return pick_by(c, n, cmp_addr, q->top, out);
}

/* "best fit: the smallest block that fits; ties to the lowest address
 * (top-down: the highest)."
 */
static bool choose_best(const struct ref_pool *p __maybe_unused, const struct ref_query *q,
			const struct ref_cand *c, size_t n,
			struct ref_cand *out)
{
	return pick_by(c, n, cmp_smallest, q->top, out);
}

/* "worst fit: the largest block that fits; ties as for best fit." */
static bool choose_worst(const struct ref_pool *p __maybe_unused, const struct ref_query *q,
			 const struct ref_cand *c, size_t n,
			 struct ref_cand *out)
{
	return pick_by(c, n, cmp_largest, q->top, out);
}

/*
 * "next fit: first fit with the window's low end raised to the pool's
 * cursor (a block straddling the cursor can be used from the cursor up); if
 * nothing fits there, plain first fit over the whole window (the wrap).
 * Top-down mirrors this: the window's high end is lowered to the cursor,
 * then the wrap is plain top-down first fit."
 *
 * Reading: with MEMSIM_STREAM_ANY the raised window is tried on the blocks
 * of every stream before any stream wraps (the candidates compete by the
 * whole rule, wrap included).  A block that fits the raised window fits the
 * whole one, so the candidates of the whole window are all there is to look
 * at; their addresses are recomputed for the raised window.
 */
static bool choose_next(const struct ref_pool *p, const struct ref_query *q,
			const struct ref_cand *c, size_t n,
			struct ref_cand *out)
{
	struct ref_cand *raised;
	u128 lo = q->lo, hi = q->hi;
	size_t i, m = 0;
	bool found;

	if (q->top)
		hi = min128(hi, p->cursor);
	else
		lo = max128(lo, p->cursor);
	raised = xrealloc(NULL, n, sizeof(*raised));
	for (i = 0; i < n; i++) {
		raised[m] = c[i];
		if (cand_place(c[i].blk_addr, c[i].blk_size, q, lo, hi,
			       &raised[m].addr))
			m++;
	}
	found = pick_by(raised, m, cmp_addr, q->top, out);
	free(raised);
	if (found)
		return true;
	return pick_by(c, n, cmp_addr, q->top, out);	/* the wrap */
}

/*
 * "The smallest order that has a free block holding a fitting sub-block is
 * used; within it, the lowest (top-down: highest) such block."  The buddy
 * family makes the query's size and alignment the rounded size, so a
 * candidate is a block holding such a sub-block, and its address the
 * sub-block's.
 */
static bool choose_buddy(const struct ref_pool *p __maybe_unused, const struct ref_query *q,
			 const struct ref_cand *c, size_t n,
			 struct ref_cand *out)
{
	return pick_by(c, n, cmp_order, q->top, out);
}

/* ---- free extents of a stream ---------------------------------------- */

static void ext_add(struct ref_stream *st, u64 addr, u64 size, u64 seg_id)
{
	size_t i;

	GROW(st->free, st->nr_free, st->cap_free);
	for (i = 0; i < st->nr_free; i++)
		if (st->free[i].addr > addr)
			break;
	memmove(&st->free[i + 1], &st->free[i],
		(st->nr_free - i) * sizeof(st->free[0]));
	st->free[i] = (struct ref_extent){ addr, size, seg_id, ++st->clock };
	st->nr_free++;
}

static void ext_del(struct ref_stream *st, size_t i)
{
	memmove(&st->free[i], &st->free[i + 1],
		(st->nr_free - i - 1) * sizeof(st->free[0]));
	st->nr_free--;
}

/* Index of the extent that starts at @addr, or -1. */
static long ext_at(const struct ref_stream *st, u64 addr)
{
	size_t i;

	for (i = 0; i < st->nr_free; i++)
		if (st->free[i].addr == addr)
			return i;
	return -1;
}

/* Index of the extent that ends at @end, or -1. */
static long ext_ending_at(const struct ref_stream *st, u64 end)
{
	size_t i;

	for (i = 0; i < st->nr_free; i++)
		if ((u128)st->free[i].addr + st->free[i].size == end)
			return i;
	return -1;
}

/* Drop every free extent of segment @seg_id. */
static void ext_drop_segment(struct ref_stream *st, u64 seg_id)
{
	size_t i = 0;

	while (i < st->nr_free) {
		if (st->free[i].seg_id == seg_id)
			ext_del(st, i);
		else
			i++;
	}
}

/* ---- families: how free space is laid out, split and merged ---------- */

struct ref_family {
	const char *name;
	/*
	 * The size and alignment the allocation of @q->size, @q->align will
	 * really take (in place); false when none can hold it.
	 */
	bool (*shape)(const struct ref_pool *p, struct ref_query *q);
	/* Lay the free space of a new (or wholly free) segment. */
	void (*lay)(struct ref_stream *st, const struct ref_segment *s);
	/* Cut [c->addr, c->addr + size) out of free block @c; the splits. */
	u32 (*take)(struct ref_stream *st, const struct ref_cand *c, u64 size);
	/*
	 * Return [*addr, *addr + *size) of segment @s to the free space,
	 * merging by the family's rule; *addr and *size become the resulting
	 * free block.  True if anything merged.
	 */
	bool (*give)(struct ref_stream *st, const struct ref_segment *s,
		     u64 *addr, u64 *size);
	/*
	 * Its choice depends on the order free blocks were made in, so a new
	 * setting re-lays (TLSF: "all segments in address order when a pool
	 * is re-laid").
	 */
	bool ordered;
};

/* The fit family: first, best, worst and next fit. */

static bool fit_shape(const struct ref_pool *p __maybe_unused,
		      struct ref_query *q __maybe_unused)
{
	return true;
}

static void fit_lay(struct ref_stream *st, const struct ref_segment *s)
{
	ext_add(st, s->start, s->size, s->id);
}

/*
 * "Alignment padding before a block becomes a free block of its own; the
 * tail after it too."  @splits: "alignment padding and tail".
 */
static u32 fit_take(struct ref_stream *st, const struct ref_cand *c, u64 size)
{
	u128 end = (u128)c->blk_addr + c->blk_size, aend = (u128)c->addr + size;
	u32 splits = 0;

	ext_del(st, ext_at(st, c->blk_addr));
	if (c->addr > c->blk_addr) {
		ext_add(st, c->blk_addr, c->addr - c->blk_addr, c->seg_id);
		splits++;
	}
	if (aend < end) {
		ext_add(st, (u64)aend, (u64)(end - aend), c->seg_id);
		splits++;
	}
	return splits;
}

/*
 * A freed block merges with its free neighbours.  Reading: neighbours in
 * the same segment only (blocks "tile" a segment; two segments that touch
 * are still two).
 */
static bool fit_give(struct ref_stream *st, const struct ref_segment *s,
		     u64 *addr, u64 *size)
{
	bool merged = false;
	long i;

	i = ext_at(st, *addr + *size);
	if (i >= 0 && st->free[i].seg_id == s->id) {
		*size += st->free[i].size;
		ext_del(st, i);
		merged = true;
	}
	i = ext_ending_at(st, *addr);
	if (i >= 0 && st->free[i].seg_id == s->id) {
		*addr = st->free[i].addr;
		*size += st->free[i].size;
		ext_del(st, i);
		merged = true;
	}
	ext_add(st, *addr, *size, s->id);
	return merged;
}

static const struct ref_family fit_family = {
	.name = "fit",
	.shape = fit_shape,
	.lay = fit_lay,
	.take = fit_take,
	.give = fit_give,
};

/*
 * The TLSF family: laid, split and merged as the fit family ("a split
 * leaves the padding and the remainder on their classes' lists, a free
 * merges with both free neighbours"); ext_add() stamps each free block
 * with the time it was made, which is the order "a block is inserted at
 * the head" refers to: the padding before the remainder, as fit_take()
 * adds them, the merged block after its merge.
 */
static const struct ref_family tlsf_family = {
	.name = "tlsf",
	.shape = fit_shape,
	.lay = fit_lay,
	.take = fit_take,
	.give = fit_give,
	.ordered = true,
};

/* The buddy family. */

static u64 buddy_min_block(const struct ref_pool *p)
{
	return p->setting[MEMSIM_BUDDY];
}

/*
 * "the request is rounded up to a power of two, at least the minimum block
 * and at least the alignment."  Blocks are "each aligned to its size", so
 * the rounded size is also the alignment of the sub-block.  Reading: a
 * request above 2^63 has no power of two to round to and fits nowhere.
 */
static bool buddy_shape(const struct ref_pool *p, struct ref_query *q)
{
	u128 r = 1;

	while (r < q->size)
		r *= 2;
	r = max128(r, buddy_min_block(p));
	r = max128(r, q->align);
	if (r >= ADDR_SPACE_END)
		return false;
	q->size = (u64)r;
	q->align = (u64)r;
	return true;
}

/*
 * "from start upwards, each root is the largest power of two that start is
 * aligned to and that fits before end."
 */
static u64 root_at(u64 start, u64 end)
{
	u128 r = (u128)1 << 63;

	while (start % r != 0 || r > end - start)
		r /= 2;
	return (u64)r;
}

static void buddy_lay(struct ref_stream *st, const struct ref_segment *s)
{
	u64 end = s->start + s->size, a = s->start, r;

	while (a < end) {
		r = root_at(a, end);
		ext_add(st, a, r, s->id);
		a += r;
	}
}

/* The root of segment @s that holds @addr: its start and size. */
static void root_of(const struct ref_segment *s, u64 addr, u64 *rstart,
		    u64 *rsize)
{
	u64 end = s->start + s->size, a = s->start, r;

	for (;;) {
		r = root_at(a, end);
		if (addr >= a && addr - a < r) {
			*rstart = a;
			*rsize = r;
			return;
		}
		a += r;
	}
}

/*
 * "It is halved down to the rounded size, the halves not taken becoming
 * free blocks."  The half taken is the one holding the chosen sub-block;
 * @splits counts the halvings.
 */
static u32 buddy_take(struct ref_stream *st, const struct ref_cand *c,
		      u64 size)
{
	u64 base = c->blk_addr, half = c->blk_size;
	u32 splits = 0;

	ext_del(st, ext_at(st, c->blk_addr));
	while (half > size) {
		half /= 2;
		if (c->addr < base + half) {
			ext_add(st, base + half, half, c->seg_id);
		} else {
			ext_add(st, base, half, c->seg_id);
			base += half;
		}
		splits++;
	}
	return splits;
}

/*
 * "a free merges the block with its buddy for as long as the buddy is free
 * and whole, up to the root."  The buddy of a block of size s is the other
 * half of the naturally aligned block of size 2s that holds it:
 * parent = floor(addr / 2s) * 2s.
 */
static bool buddy_give(struct ref_stream *st, const struct ref_segment *s,
		       u64 *addr, u64 *size)
{
	u64 rstart, rsize, parent, buddy;
	bool merged = false;
	long i;

	root_of(s, *addr, &rstart, &rsize);
	while (*size < rsize) {
		parent = (u64)((u128)*addr / ((u128)*size * 2) * ((u128)*size * 2));
		buddy = parent == *addr ? *addr + *size : parent;
		i = ext_at(st, buddy);
		if (i < 0 || st->free[i].size != *size ||
		    st->free[i].seg_id != s->id)
			break;
		ext_del(st, i);
		*addr = parent;
		*size *= 2;
		merged = true;
	}
	ext_add(st, *addr, *size, s->id);
	return merged;
}

static const struct ref_family buddy_family = {
	.name = "buddy",
	.shape = buddy_shape,
	.lay = buddy_lay,
	.take = buddy_take,
	.give = buddy_give,
};

/* ---- the strategies --------------------------------------------------- */

/*
 * The buddy system's setting: "buddy_min_block: the minimum block size, a
 * power of two (0: MEMSIM_BUDDY_DEFAULT_MIN)".
 */
static int buddy_setting(u64 arg, u64 *val)
{
	if (!arg)
		arg = MEMSIM_BUDDY_DEFAULT_MIN;
	if (!is_pow2(arg))
		return -EINVAL;
	*val = arg;
	return 0;
}

/*
 * TLSF's setting: "the number C of size classes per level, 16 (the
 * default: parameter 0) or 32 ... any other value is -EINVAL".
 */
static int tlsf_setting(u64 arg, u64 *val)
{
	if (!arg)
		arg = 16;
	if (arg != 16 && arg != 32)
		return -EINVAL;
	*val = arg;
	return 0;
}

/* ---- TLSF's rule ------------------------------------------------------ */

/* "Bound. A stream's search gives up (-ENOSPC) after 256 blocks examined" */
#define TLSF_CAP	256

/* 2^e by multiplication. */
static u64 pow2(unsigned int e)
{
	u64 v = 1;

	while (e--)
		v *= 2;
	return v;
}

/*
 * "A size s < C is in class s.  A larger size, with f = floor(log2(s)), is
 * in row f - SL + 1 and column (s >> (f - SL)) - C; its class number is
 * row * C + column."
 */
static u64 tlsf_class(u64 s, u64 c)
{
	unsigned int sl = log2_floor(c), f;

	if (s < c)
		return s;
	f = log2_floor(s);
	return (f - sl + 1) * c + s / pow2(f - sl) - c;
}

/* "A class's bound is its smallest size." */
static u128 tlsf_bound(u64 k, u64 c)
{
	u64 row = k / c, col = k % c;

	if (!row)
		return col;
	return (u128)(c + col) * pow2(row - 1);
}

/* Where an extent stands in a search for @q: step (1, 2; 0: never), key. */
struct tlsf_rank {
	int step;
	long long key;
};

static struct tlsf_rank tlsf_rank_of(const struct ref_query *q, u64 c, u64 blk_size)
{
	u64 nr = (65 - log2_floor(c)) * c, k = tlsf_class(blk_size, c);
	u128 need = (u128)q->size + q->align - 1;
	u64 own = tlsf_class(q->size, c), g;
	struct tlsf_rank r = { 0, 0 };

	/*
	 * "the good-fit class g: the lowest class whose bound is at least
	 * n + a - 1 ... If n + a - 1 overflows or exceeds the last class's
	 * bound, step 1 is empty."
	 */
	for (g = 0; g < nr && tlsf_bound(g, c) < need; g++)
		;
	if (need >= ADDR_SPACE_END)
		g = nr;
	/* "1. the non-empty classes from g upwards" */
	if (g < nr && k >= g) {
		r.step = 1;
		r.key = k;
	/* "2. then the classes from g - 1 down to the class of n itself" */
	} else if (k >= own) {
		r.step = 2;
		r.key = -(long long)k;
	}
	return r;
}

struct tlsf_entry {
	const struct ref_extent *e;
	struct tlsf_rank r;
};

/* Step, class; within a class "the most recently inserted comes first". */
static int tlsf_entry_cmp(const void *a, const void *b)
{
	const struct tlsf_entry *x = a, *y = b;

	if (x->r.step != y->r.step)
		return x->r.step < y->r.step ? -1 : 1;
	if (x->r.key != y->r.key)
		return x->r.key < y->r.key ? -1 : 1;
	return x->e->born > y->e->born ? -1 : 1;
}

/*
 * TLSF: every stream's free blocks in the search order, the first of the
 * first 256 that fits; across streams "the candidate found in the earlier
 * step wins, then (step 1) the lower class or (step 2) the higher class,
 * then the lower address (top-down: the higher)".  Fixed addresses: "the
 * one free block that contains the address ... is taken if the allocation
 * fits there": the one candidate of the fixed window.
 */
static bool choose_tlsf(const struct ref_pool *p, const struct ref_query *q,
			const struct ref_cand *c, size_t n, struct ref_cand *out)
{
	u64 classes = p->setting[MEMSIM_TLSF];
	struct tlsf_entry *ord;
	struct tlsf_rank best_r = { 0, 0 };
	bool found = false;
	size_t i, j, m;
	u64 a;

	if (q->fixed)
		return pick_by(c, n, cmp_addr, q->top, out);
	for (i = 0; i < p->nr_streams; i++) {
		const struct ref_stream *st = &p->streams[i];

		if (q->stream != MEMSIM_STREAM_ANY && st->id != q->stream)
			continue;
		ord = xrealloc(NULL, st->nr_free, sizeof(*ord));
		for (j = m = 0; j < st->nr_free; j++) {
			ord[m].e = &st->free[j];
			ord[m].r = tlsf_rank_of(q, classes, st->free[j].size);
			if (ord[m].r.step)
				m++;
		}
		qsort(ord, m, sizeof(*ord), tlsf_entry_cmp);
		for (j = 0; j < m && j < TLSF_CAP; j++) {
			const struct ref_extent *e = ord[j].e;
			struct tlsf_rank r = ord[j].r;

			if (!cand_place(e->addr, e->size, q, q->lo, q->hi, &a))
				continue;
			if (!found || r.step < best_r.step ||
			    (r.step == best_r.step && r.key < best_r.key) ||
			    (r.step == best_r.step && r.key == best_r.key &&
			     (q->top ? a > out->addr : a < out->addr))) {
				*out = (struct ref_cand){
					.stream = st->id, .blk_addr = e->addr,
					.blk_size = e->size, .seg_id = e->seg_id, .addr = a,
				};
				best_r = r;
				found = true;
			}
			break;
		}
		free(ord);
	}
	return found;
}

struct ref_strategy {
	const char *name;
	const struct ref_family *family;
	/* validate and normalise the setting; NULL: it must be 0 */
	int (*setting)(u64 arg, u64 *val);
	ref_choose_fn choose;
};

/*
 * The registration: one line per strategy of enum memsim_strategy.  A new
 * strategy adds its line (and its chooser, and its family if it lays out
 * free space in its own way); nothing else in the model changes.  Switching
 * between strategies of one family is free, to another family needs an
 * empty pool (ref_set_strategy()).
 */
static const struct ref_strategy ref_strategies[MEMSIM_NR_STRATEGIES] = {
	[MEMSIM_FIRST_FIT] = { "first", &fit_family, NULL, choose_first },
	[MEMSIM_BEST_FIT] = { "best", &fit_family, NULL, choose_best },
	[MEMSIM_WORST_FIT] = { "worst", &fit_family, NULL, choose_worst },
	[MEMSIM_NEXT_FIT] = { "next", &fit_family, NULL, choose_next },
	[MEMSIM_BUDDY] = { "buddy", &buddy_family, buddy_setting, choose_buddy },
	[MEMSIM_TLSF] = { "tlsf", &tlsf_family, tlsf_setting, choose_tlsf },
};

static const struct ref_strategy *cur(const struct ref_pool *p)
{
	return &ref_strategies[p->strategy];
}

/* ---- pool ------------------------------------------------------------- */

void ref_init(struct ref_pool *p)
{
	memset(p, 0, sizeof(*p));
	/*
	 * Reading: a new pool is first fit (the enum's first value, what
	 * memsim_pool_init() leaves), with the default minimum buddy block;
	 * the cursor "starts at 0".
	 */
	p->strategy = MEMSIM_FIRST_FIT;
	p->setting[MEMSIM_BUDDY] = MEMSIM_BUDDY_DEFAULT_MIN;
}

void ref_fini(struct ref_pool *p)
{
	size_t i;

	for (i = 0; i < p->nr_streams; i++)
		free(p->streams[i].free);
	free(p->segs);
	free(p->streams);
	free(p->live);
	free(p->blocks);
	memset(p, 0, sizeof(*p));
}

#define DUP(dst, src, nr, cap) do {					\
	(dst) = xrealloc(NULL, (cap), sizeof(*(src)));			\
	if (nr)								\
		memcpy((dst), (src), (nr) * sizeof(*(src)));		\
} while (0)

void ref_copy(struct ref_pool *dst, const struct ref_pool *src)
{
	size_t i;

	*dst = *src;
	DUP(dst->segs, src->segs, src->nr_segs, src->cap_segs);
	DUP(dst->streams, src->streams, src->nr_streams, src->cap_streams);
	DUP(dst->live, src->live, src->nr_live, src->cap_live);
	DUP(dst->blocks, src->blocks, src->nr_blocks, src->cap_blocks);
	for (i = 0; i < src->nr_streams; i++)
		DUP(dst->streams[i].free, src->streams[i].free,
		    src->streams[i].nr_free, src->streams[i].cap_free);
}

static int block_cmp(const void *a, const void *b)
{
	const struct ref_block *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Rebuild p->blocks, every block by address, from the free and live ones. */
static void view_rebuild(struct ref_pool *p)
{
	size_t i, j;

	p->nr_blocks = 0;
	for (i = 0; i < p->nr_streams; i++) {
		const struct ref_stream *st = &p->streams[i];

		for (j = 0; j < st->nr_free; j++) {
			GROW(p->blocks, p->nr_blocks, p->cap_blocks);
			p->blocks[p->nr_blocks++] = (struct ref_block){
				.addr = st->free[j].addr,
				.size = st->free[j].size,
				.seg_id = st->free[j].seg_id,
				.stream = st->id,
				.state = MEMSIM_BLOCK_FREE,
			};
		}
	}
	for (i = 0; i < p->nr_live; i++) {
		GROW(p->blocks, p->nr_blocks, p->cap_blocks);
		p->blocks[p->nr_blocks++] = p->live[i];
	}
	if (p->nr_blocks)
		qsort(p->blocks, p->nr_blocks, sizeof(p->blocks[0]), block_cmp);
}

struct ref_block *ref_block_at(struct ref_pool *p, u64 addr)
{
	size_t i;

	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].addr == addr)
			return &p->blocks[i];
	return NULL;
}

size_t ref_live_blocks(const struct ref_pool *p)
{
	return p->nr_live;
}

static long live_at(const struct ref_pool *p, u64 addr)
{
	size_t i;

	for (i = 0; i < p->nr_live; i++)
		if (p->live[i].addr == addr)
			return i;
	return -1;
}

static void live_add(struct ref_pool *p, const struct ref_block *b)
{
	size_t i;

	GROW(p->live, p->nr_live, p->cap_live);
	for (i = 0; i < p->nr_live; i++)
		if (p->live[i].addr > b->addr)
			break;
	memmove(&p->live[i + 1], &p->live[i],
		(p->nr_live - i) * sizeof(p->live[0]));
	p->live[i] = *b;
	p->nr_live++;
}

static void live_del(struct ref_pool *p, size_t i)
{
	memmove(&p->live[i], &p->live[i + 1],
		(p->nr_live - i - 1) * sizeof(p->live[0]));
	p->nr_live--;
}

/* ---- segments and streams -------------------------------------------- */

struct ref_segment *ref_segment_find(struct ref_pool *p, u64 id)
{
	size_t i;

	for (i = 0; i < p->nr_segs; i++)
		if (p->segs[i].id == id)
			return &p->segs[i];
	return NULL;
}

static const struct ref_segment *seg_find_c(const struct ref_pool *p, u64 id)
{
	return ref_segment_find((struct ref_pool *)p, id);
}

static struct ref_stream *stream_find(const struct ref_pool *p, u32 id)
{
	size_t i;

	for (i = 0; i < p->nr_streams; i++)
		if (p->streams[i].id == id)
			return &p->streams[i];
	return NULL;
}

static struct ref_stream *stream_get(struct ref_pool *p, u32 id)
{
	struct ref_stream *st = stream_find(p, id);
	size_t i;

	if (st)
		return st;
	GROW(p->streams, p->nr_streams, p->cap_streams);
	for (i = 0; i < p->nr_streams; i++)
		if (p->streams[i].id > id)
			break;
	memmove(&p->streams[i + 1], &p->streams[i],
		(p->nr_streams - i) * sizeof(p->streams[0]));
	memset(&p->streams[i], 0, sizeof(p->streams[0]));
	p->streams[i].id = id;
	p->nr_streams++;
	return &p->streams[i];
}

static bool ranges_overlap(u128 s1, u128 e1, u128 s2, u128 e2)
{
	return s1 < e2 && s2 < e1;
}

int ref_segment_create(struct ref_pool *p, u64 start, u64 size, u32 device,
		       u32 stream, u64 *id)
{
	struct ref_segment s = {
		.start = start,
		.size = size,
		.device = device,
		.stream = stream,
	};
	size_t i;

	/*
	 * "-EINVAL for a zero size, a wrapping range or a bad stream; -EEXIST
	 * if the range overlaps a segment."  Reading: "start + size may not
	 * wrap" in u64 arithmetic, so start + size = 2^64 wraps; the bad
	 * stream is MEMSIM_STREAM_ANY.
	 */
	if (!size || (u128)start + size >= ADDR_SPACE_END ||
	    stream == MEMSIM_STREAM_ANY)
		return -EINVAL;
	for (i = 0; i < p->nr_segs; i++)
		if (ranges_overlap(start, (u128)start + size, p->segs[i].start,
				   (u128)p->segs[i].start + p->segs[i].size))
			return -EEXIST;

	s.id = ++p->last_segment_id;
	GROW(p->segs, p->nr_segs, p->cap_segs);
	for (i = 0; i < p->nr_segs; i++)
		if (p->segs[i].start > start)
			break;
	memmove(&p->segs[i + 1], &p->segs[i], (p->nr_segs - i) * sizeof(s));
	p->segs[i] = s;
	p->nr_segs++;
	cur(p)->family->lay(stream_get(p, stream), &s);
	view_rebuild(p);
	if (id)
		*id = s.id;
	return 0;
}

int ref_segment_release(struct ref_pool *p, u64 id)
{
	struct ref_segment *s = ref_segment_find(p, id);
	struct ref_stream *st;
	u32 stream;
	size_t i;

	if (!s)
		return -ENOENT;
	for (i = 0; i < p->nr_live; i++)
		if (p->live[i].seg_id == id)
			return -EBUSY;
	stream = s->stream;
	st = stream_find(p, stream);
	ext_drop_segment(st, id);
	i = s - p->segs;
	memmove(&p->segs[i], &p->segs[i + 1],
		(p->nr_segs - i - 1) * sizeof(p->segs[0]));
	p->nr_segs--;
	/*
	 * "A stream lives while it has segments and goes, counters included,
	 * with its last one."
	 */
	for (i = 0; i < p->nr_segs; i++)
		if (p->segs[i].stream == stream)
			break;
	if (i == p->nr_segs) {
		free(st->free);
		i = st - p->streams;
		memmove(&p->streams[i], &p->streams[i + 1],
			(p->nr_streams - i - 1) * sizeof(p->streams[0]));
		p->nr_streams--;
	}
	view_rebuild(p);
	return 0;
}

int ref_set_strategy(struct ref_pool *p, enum memsim_strategy s, u64 setting)
{
	const struct ref_strategy *to;
	bool relay, busy_needed;
	u64 val = 0;
	size_t i;
	int ret;

	if ((unsigned int)s >= MEMSIM_NR_STRATEGIES)
		return -EINVAL;
	to = &ref_strategies[s];
	if (!to->choose) {
		/* a strategy of the core's enum without its line below */
		fprintf(stderr, "memsim_ref: strategy %d is not registered in ref_strategies[]\n",
			s);
		abort();
	}
	if (to->setting) {
		ret = to->setting(setting, &val);
		if (ret)
			return ret;
	} else if (setting) {
		return -EINVAL;
	}
	/*
	 * "The four fit strategies share their indexes, so switching among
	 * them is allowed at any time and costs nothing.  Any other switch -
	 * to or from the buddy system, or a new buddy minimum block - re-lays
	 * every segment and is allowed only while nothing is allocated
	 * (deferred frees included), -EBUSY otherwise.  Setting the buddy
	 * system again with the minimum it has changes nothing."  In general:
	 * a switch to another family, or a new setting, needs an empty pool.
	 * Re-laying an empty pool within the buddy family gives the same
	 * roots, so only a change of family re-lays here.
	 */
	relay = to->family != cur(p)->family ||
		(to->family->ordered && p->setting[s] != val);
	busy_needed = relay || (to->setting && p->setting[s] != val);
	if (busy_needed && p->nr_live)
		return -EBUSY;
	p->strategy = s;
	if (to->setting)
		p->setting[s] = val;
	if (relay) {
		for (i = 0; i < p->nr_segs; i++) {
			struct ref_stream *st = stream_find(p, p->segs[i].stream);

			ext_drop_segment(st, p->segs[i].id);
			to->family->lay(st, &p->segs[i]);
		}
		view_rebuild(p);
	}
	return 0;
}

/* ---- statistics ------------------------------------------------------ */

enum scope { SC_POOL, SC_STREAM, SC_SEGMENT };

static bool in_scope(const struct ref_block *b, enum scope sc, u64 key)
{
	switch (sc) {
	case SC_STREAM:
		return b->stream == key;
	case SC_SEGMENT:
		return b->seg_id == key;
	default:
		return true;
	}
}

static void scan_usage(const struct ref_pool *p, enum scope sc, u64 key,
		       struct memsim_usage *u)
{
	const struct ref_block *b;
	size_t i;

	memset(u, 0, sizeof(*u));
	for (i = 0; i < p->nr_segs; i++) {
		const struct ref_segment *s = &p->segs[i];

		if (sc == SC_POOL || (sc == SC_STREAM && s->stream == key) ||
		    (sc == SC_SEGMENT && s->id == key))
			u->total += s->size;
	}
	for (i = 0; i < p->nr_blocks; i++) {
		b = &p->blocks[i];
		if (!in_scope(b, sc, key))
			continue;
		if (b->state == MEMSIM_BLOCK_FREE) {
			u->free += b->size;
			u->free_blocks++;
			/* "bucket i counts sizes in [2^i, 2^(i+1))" */
			u->free_hist[log2_floor(b->size)]++;
			continue;
		}
		u->allocated += b->size;
		u->requested += b->requested;
		u->live_blocks++;
		if (b->state == MEMSIM_BLOCK_FREE_REQUESTED) {
			u->deferred_blocks++;
			u->deferred_bytes += b->size;
		}
	}
}

static void put_hist(struct memsim_usage *u, const struct ref_hist *h)
{
	u->peak_allocated = h->peak_allocated;
	u->allocs = h->allocs;
	u->frees = h->frees;
	u->failures = h->failures;
}

void ref_pool_usage(const struct ref_pool *p, struct memsim_usage *u)
{
	scan_usage(p, SC_POOL, 0, u);
	put_hist(u, &p->h);
}

bool ref_stream_usage(const struct ref_pool *p, u32 stream,
		      struct memsim_usage *u)
{
	const struct ref_stream *st = stream_find(p, stream);

	if (!st)
		return false;
	scan_usage(p, SC_STREAM, stream, u);
	put_hist(u, &st->h);
	return true;
}

bool ref_segment_usage(const struct ref_pool *p, u64 id,
		       struct memsim_usage *u)
{
	const struct ref_segment *s = seg_find_c(p, id);

	if (!s)
		return false;
	scan_usage(p, SC_SEGMENT, id, u);
	put_hist(u, &s->h);
	return true;
}

/*
 * Reading: the largest free block, whatever the strategy; in buddy mode
 * this includes roots below the minimum block, which "stay free" even
 * though no allocation can use them.
 */
static u64 largest(const struct ref_pool *p, enum scope sc, u64 key)
{
	u64 m = 0;
	size_t i;

	for (i = 0; i < p->nr_blocks; i++) {
		const struct ref_block *b = &p->blocks[i];

		if (b->state == MEMSIM_BLOCK_FREE && in_scope(b, sc, key) &&
		    b->size > m)
			m = b->size;
	}
	return m;
}

u64 ref_largest_free(const struct ref_pool *p, u32 stream)
{
	if (stream == MEMSIM_STREAM_ANY)
		return largest(p, SC_POOL, 0);
	return largest(p, SC_STREAM, stream);
}

u64 ref_segment_largest_free(const struct ref_pool *p, u64 id)
{
	return largest(p, SC_SEGMENT, id);
}

static void update_peaks(struct ref_pool *p, struct ref_segment *s,
			 struct ref_stream *st)
{
	struct memsim_usage u;

	scan_usage(p, SC_POOL, 0, &u);
	if (u.allocated > p->h.peak_allocated)
		p->h.peak_allocated = u.allocated;
	scan_usage(p, SC_STREAM, st->id, &u);
	if (u.allocated > st->h.peak_allocated)
		st->h.peak_allocated = u.allocated;
	scan_usage(p, SC_SEGMENT, s->id, &u);
	if (u.allocated > s->h.peak_allocated)
		s->h.peak_allocated = u.allocated;
}

/* ---- allocation ------------------------------------------------------ */

/*
 * "failures: allocations that found no space: a pool counts all of them, a
 * stream those that named it (a request for MEMSIM_STREAM_ANY counts for
 * the pool only); not counted per segment."
 */
static void count_failure(struct ref_pool *p, u32 stream)
{
	struct ref_stream *st;

	p->h.failures++;
	p->strat_failures[p->strategy]++;
	if (stream != MEMSIM_STREAM_ANY) {
		st = stream_find(p, stream);
		if (st)
			st->h.failures++;
	}
}

/* Every free block of the streams @q may use that fits, with its address. */
static size_t collect(const struct ref_pool *p, const struct ref_query *q,
		      struct ref_cand **out)
{
	struct ref_cand *c = NULL;
	size_t i, j, n = 0, cap = 0;
	u64 a;

	for (i = 0; i < p->nr_streams; i++) {
		const struct ref_stream *st = &p->streams[i];

		if (q->stream != MEMSIM_STREAM_ANY && st->id != q->stream)
			continue;
		for (j = 0; j < st->nr_free; j++) {
			const struct ref_extent *e = &st->free[j];

			if (!cand_place(e->addr, e->size, q, q->lo, q->hi, &a))
				continue;
			GROW(c, n, cap);
			c[n++] = (struct ref_cand){
				.stream = st->id,
				.blk_addr = e->addr,
				.blk_size = e->size,
				.seg_id = e->seg_id,
				.addr = a,
			};
		}
	}
	*out = c;
	return n;
}

int ref_alloc(struct ref_pool *p, const struct memsim_request *req,
	      struct memsim_result *res)
{
	const struct ref_strategy *strat = cur(p);
	struct ref_query q = { .lo = 0, .hi = ADDR_SPACE_END };
	struct ref_cand *cands, pick;
	struct ref_segment *s;
	struct ref_stream *st;
	struct ref_block b;
	size_t n;
	bool found;
	u32 splits;

	/*
	 * memsim_alloc(): "-EINVAL for a malformed request (zero size,
	 * unknown flag, alignment not a power of two, empty range, misaligned
	 * or wrapping fixed address), with nothing counted."  What
	 * "misaligned" and "wrapping" mean for the buddy system is said by
	 * MEMSIM_IOC_ALLOC's kernel-doc and Documentation/uapi.rst: "a fixed
	 * address that is misaligned or whose block would end past 2^64 - 1
	 * (for the buddy system: the block of the rounded size, which must
	 * also be aligned to that size; a size over 2^63 rounds to 2^64, so
	 * it is -EINVAL with MEMSIM_ALLOC_FIXED and -ENOSPC without)".
	 */
	if (!req->size || (req->flags & ~MEMSIM_REQ_ALL) ||
	    (req->align && !is_pow2(req->align)))
		return -EINVAL;
	if ((req->flags & MEMSIM_REQ_RANGE) && req->range_lo >= req->range_hi)
		return -EINVAL;
	q.size = req->size;
	q.align = req->align ? req->align : 1;
	q.top = req->flags & MEMSIM_REQ_TOPDOWN;
	q.fixed = req->flags & MEMSIM_REQ_FIXED;
	q.stream = req->stream;
	/*
	 * "@range_lo: lowest address the block may use.  @range_hi: the block
	 * must end at or below it."
	 */
	if (req->flags & MEMSIM_REQ_RANGE) {
		q.lo = req->range_lo;
		q.hi = req->range_hi;
	}
	found = strat->family->shape(p, &q);
	if (req->flags & MEMSIM_REQ_FIXED) {
		if (!found || req->addr % q.align != 0 ||
		    (u128)req->addr + q.size >= ADDR_SPACE_END)
			return -EINVAL;
		/*
		 * "A fixed-address request allocates exactly at @addr or
		 * fails": the window shrinks to [addr, addr + size), which
		 * only an allocation at @addr fits.
		 */
		q.lo = max128(q.lo, req->addr);
		q.hi = min128(q.hi, (u128)req->addr + q.size);
	}
	if (found) {
		n = collect(p, &q, &cands);
		found = strat->choose(p, &q, cands, n, &pick);
		free(cands);
	}
	if (!found) {
		count_failure(p, req->stream);
		return -ENOSPC;
	}

	st = stream_find(p, pick.stream);
	s = ref_segment_find(p, pick.seg_id);
	splits = strat->family->take(st, &pick, q.size);
	b = (struct ref_block){
		.addr = pick.addr,
		.size = q.size,
		.requested = req->size,
		.tag = req->tag,
		.seg_id = pick.seg_id,
		.stream = pick.stream,
		.state = MEMSIM_BLOCK_ALLOCATED,
	};
	live_add(p, &b);
	view_rebuild(p);

	memset(res, 0, sizeof(*res));
	res->addr = pick.addr;
	res->size = q.size;
	res->waste = q.size - req->size;
	res->segment_id = pick.seg_id;
	res->stream = pick.stream;
	res->splits = splits;

	p->h.allocs++;
	s->h.allocs++;
	st->h.allocs++;
	p->strat_allocs[p->strategy]++;
	update_peaks(p, s, st);
	/*
	 * "Every successful allocation, whatever the strategy, moves the
	 * cursor: to the end of the allocation, or for a top-down one to its
	 * start."  Reading: fixed-address allocations too.
	 */
	p->cursor = q.top ? pick.addr : pick.addr + q.size;
	return 0;
}

/* ---- free ------------------------------------------------------------ */

/* Make live block @i free, count the free and merge by the family's rule. */
static void complete(struct ref_pool *p, size_t i,
		     struct memsim_free_result *res)
{
	struct ref_block b = p->live[i];
	struct ref_segment *s = ref_segment_find(p, b.seg_id);
	struct ref_stream *st = stream_find(p, b.stream);
	u64 addr = b.addr, size = b.size;

	live_del(p, i);
	memset(res, 0, sizeof(*res));
	res->freed_size = b.size;
	res->coalesced = cur(p)->family->give(st, s, &addr, &size);
	/*
	 * "@coalesced_addr: address of the resulting free block": also when
	 * nothing merged (then the freed block itself).
	 */
	res->coalesced_addr = addr;
	res->coalesced_size = size;
	p->h.frees++;
	s->h.frees++;
	st->h.frees++;
	p->strat_frees[p->strategy]++;
	view_rebuild(p);
}

int ref_free(struct ref_pool *p, u64 addr, u64 expected_size, u32 flags,
	     struct memsim_free_result *res)
{
	struct ref_block *b;
	long i;

	/*
	 * "-EINVAL for an unknown flag or a size mismatch; -ENOENT if no
	 * allocated block starts at @addr; -EBUSY if its free is already
	 * pending."  @expected_size: "0, or ... either the size that was
	 * requested or the actual size".  Reading: the flags are checked
	 * first (arguments before the search), the size only against a block
	 * that can be freed, so a pending block is -EBUSY whatever the size.
	 */
	if (flags & ~MEMSIM_FREE_ALL)
		return -EINVAL;
	i = live_at(p, addr);
	if (i < 0)
		return -ENOENT;
	b = &p->live[i];
	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		return -EBUSY;
	if (expected_size && expected_size != b->size &&
	    expected_size != b->requested)
		return -EINVAL;
	if (flags & MEMSIM_FREE_DEFERRED) {
		b->state = MEMSIM_BLOCK_FREE_REQUESTED;
		b->seq = ++p->seq;
		memset(res, 0, sizeof(*res));
		res->freed_size = b->size;
		res->deferred = true;
		view_rebuild(p);
		return 0;
	}
	complete(p, i, res);
	return 0;
}

int ref_complete_free(struct ref_pool *p, u64 addr,
		      struct memsim_free_result *res)
{
	long i = live_at(p, addr);

	/*
	 * "-ENOENT if no allocated block starts at @addr; -EINVAL if its free
	 * was not requested."
	 */
	if (i < 0)
		return -ENOENT;
	if (p->live[i].state != MEMSIM_BLOCK_FREE_REQUESTED)
		return -EINVAL;
	complete(p, i, res);
	return 0;
}

int ref_sync_stream(struct ref_pool *p, u32 stream, u64 *completed)
{
	struct memsim_free_result res;
	u64 n = 0;
	long first;
	size_t i;

	/*
	 * "@stream: stream number, or MEMSIM_STREAM_ANY for all streams";
	 * "-ENOENT for a stream that has no segment"; "Frees complete in the
	 * order they were requested."
	 */
	if (stream != MEMSIM_STREAM_ANY && !stream_find(p, stream))
		return -ENOENT;
	for (;;) {
		first = -1;
		for (i = 0; i < p->nr_live; i++) {
			const struct ref_block *b = &p->live[i];

			if (b->state != MEMSIM_BLOCK_FREE_REQUESTED ||
			    (stream != MEMSIM_STREAM_ANY && b->stream != stream))
				continue;
			if (first < 0 || b->seq < p->live[first].seq)
				first = i;
		}
		if (first < 0)
			break;
		complete(p, first, &res);
		n++;
	}
	if (completed)
		*completed = n;
	return 0;
}

/* ---- address space queries ------------------------------------------- */

enum memsim_overlap ref_check_overlap(struct ref_pool *p, u64 start, u64 size,
				      u64 *ids, u32 max_ids, u32 *nr_ids)
{
	u128 end = (u128)start + size;
	bool contained = false;
	u32 n = 0;
	size_t i;

	/*
	 * Reading (memsim_check_overlap()'s kernel-doc): *nr_ids counts
	 * every overlapping segment; an empty or wrapping range overlaps
	 * nothing.
	 */
	if (nr_ids)
		*nr_ids = 0;
	if (!size || end >= ADDR_SPACE_END)
		return MEMSIM_OVERLAP_NONE;
	for (i = 0; i < p->nr_segs; i++) {
		const struct ref_segment *s = &p->segs[i];
		u128 send = (u128)s->start + s->size;

		if (!ranges_overlap(start, end, s->start, send))
			continue;
		if (n < max_ids)
			ids[n] = s->id;
		n++;
		contained = start >= s->start && end <= send;
	}
	if (nr_ids)
		*nr_ids = n;
	if (!n)
		return MEMSIM_OVERLAP_NONE;
	return n == 1 && contained ? MEMSIM_OVERLAP_CONTAINED :
				     MEMSIM_OVERLAP_PARTIAL;
}

int ref_find_safe_range(struct ref_pool *p, u64 size, u64 align, u64 min,
			u64 max, u64 *addr)
{
	u128 al = align ? align : 1, a;
	size_t i;

	/*
	 * Reading: the lowest address a, a multiple of @align, with
	 * min <= a and a + size <= max, such that [a, a + size) touches no
	 * segment.  An empty window (min >= max) is -EINVAL ("a bad ...
	 * window").
	 */
	if (!size || (align && !is_pow2(align)) || min >= max)
		return -EINVAL;
	a = ((u128)min + al - 1) / al * al;
	for (i = 0; i < p->nr_segs; i++) {
		const struct ref_segment *s = &p->segs[i];
		u128 e = (u128)s->start + s->size;

		if (e <= a)
			continue;
		if (s->start >= a + size)
			break;
		a = (e + al - 1) / al * al;
	}
	if (a + size > max)
		return -ENOSPC;
	*addr = (u64)a;
	return 0;
}

/* ---- debugging ------------------------------------------------------- */

static const char *const state_names[] = { "free", "alloc", "deferred" };

void ref_dump(const struct ref_pool *p, FILE *f)
{
	size_t i;

	fprintf(f, "model: strategy %s (%s family) min_block %llu cursor %#llx, %zu segments, %zu blocks\n",
		cur(p)->name, cur(p)->family->name,
		(unsigned long long)p->setting[MEMSIM_BUDDY],
		(unsigned long long)p->cursor, p->nr_segs, p->nr_blocks);
	for (i = 0; i < p->nr_segs; i++)
		fprintf(f, "  segment %llu [%#llx, %#llx) stream %u\n",
			(unsigned long long)p->segs[i].id,
			(unsigned long long)p->segs[i].start,
			(unsigned long long)(p->segs[i].start + p->segs[i].size),
			p->segs[i].stream);
	for (i = 0; i < p->nr_blocks; i++) {
		const struct ref_block *b = &p->blocks[i];

		fprintf(f, "  block [%#llx, %#llx) size %llu %s req %llu seg %llu\n",
			(unsigned long long)b->addr,
			(unsigned long long)(b->addr + b->size),
			(unsigned long long)b->size, state_names[b->state],
			(unsigned long long)b->requested,
			(unsigned long long)b->seg_id);
	}
}
