// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_ref: a deliberately naive reference model of the allocator core
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Written from the placement rules in the DOC comment of memsim_core.h,
 * not from the core's code: plain sorted arrays, a linear scan for every
 * decision, every statistic recomputed from the blocks when asked for.
 * Speed does not matter here, obviousness does.
 *
 * Where the header leaves a rule open, the interpretation taken is stated
 * in a comment marked "Interpretation".  Those marked "the core's" were
 * first written as guesses and, where the first comparison showed the core
 * chose otherwise, aligned with the core's kernel-doc: error numbers,
 * next fit's cursor and strategy switches within the buddy system.  Since
 * issue 9 the header states that a stream goes with its last segment.
 */
#include <errno.h>

#include "memsim_ref.h"

static void *xrealloc(void *ptr, size_t nmemb, size_t size)
{
	void *p = realloc(ptr, nmemb * size);

	if (!p) {
		fprintf(stderr, "memsim_ref: out of memory\n");
		abort();
	}
	return p;
}

static bool pow2(u64 x)
{
	return x && !(x & (x - 1));
}

static unsigned int log2_u64(u64 x)
{
	return 63 - __builtin_clzll(x);
}

static u64 blk_end(const struct ref_block *b)
{
	return b->addr + b->size;
}

void ref_init(struct ref_pool *p)
{
	memset(p, 0, sizeof(*p));
	/*
	 * Interpretation: a new pool is first fit, with the default minimum
	 * buddy block, and its next-fit cursor at 0.
	 */
	p->strategy = MEMSIM_FIRST_FIT;
	p->min_block = MEMSIM_BUDDY_DEFAULT_MIN;
}

void ref_fini(struct ref_pool *p)
{
	free(p->segs);
	free(p->blocks);
	free(p->streams);
	memset(p, 0, sizeof(*p));
}

/* ---- blocks ---------------------------------------------------------- */

static void blk_insert(struct ref_pool *p, size_t idx,
		       const struct ref_block *b, size_t n)
{
	if (!n)
		return;
	if (p->nr_blocks + n > p->cap_blocks) {
		p->cap_blocks = (p->nr_blocks + n) * 2;
		p->blocks = xrealloc(p->blocks, p->cap_blocks, sizeof(*b));
	}
	memmove(&p->blocks[idx + n], &p->blocks[idx],
		(p->nr_blocks - idx) * sizeof(*b));
	memcpy(&p->blocks[idx], b, n * sizeof(*b));
	p->nr_blocks += n;
}

static void blk_remove(struct ref_pool *p, size_t idx, size_t n)
{
	if (!n)
		return;
	memmove(&p->blocks[idx], &p->blocks[idx + n],
		(p->nr_blocks - idx - n) * sizeof(p->blocks[0]));
	p->nr_blocks -= n;
}

/* Index of the first block at or above @addr. */
static size_t blk_lower_bound(const struct ref_pool *p, u64 addr)
{
	size_t i;

	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].addr >= addr)
			break;
	return i;
}

static long blk_index(const struct ref_pool *p, u64 addr)
{
	size_t i;

	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].addr == addr)
			return i;
	return -1;
}

struct ref_block *ref_block_at(struct ref_pool *p, u64 addr)
{
	long i = blk_index(p, addr);

	return i < 0 ? NULL : &p->blocks[i];
}

size_t ref_live_blocks(const struct ref_pool *p)
{
	size_t i, n = 0;

	for (i = 0; i < p->nr_blocks; i++)
		if (p->blocks[i].state != MEMSIM_BLOCK_FREE)
			n++;
	return n;
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

static void stream_get(struct ref_pool *p, u32 id)
{
	size_t i;

	if (stream_find(p, id))
		return;
	if (p->nr_streams == p->cap_streams) {
		p->cap_streams = p->cap_streams * 2 + 4;
		p->streams = xrealloc(p->streams, p->cap_streams,
				      sizeof(p->streams[0]));
	}
	for (i = 0; i < p->nr_streams; i++)
		if (p->streams[i].id > id)
			break;
	memmove(&p->streams[i + 1], &p->streams[i],
		(p->nr_streams - i) * sizeof(p->streams[0]));
	memset(&p->streams[i], 0, sizeof(p->streams[0]));
	p->streams[i].id = id;
	p->nr_streams++;
}

/*
 * Buddy roots of [start, start + size): from start upwards, the largest
 * power of two that the address is aligned to and that fits before the
 * end.  Calls @fn for each root, in address order.
 */
static u64 root_at(u64 a, u64 end)
{
	u64 r = a ? (a & -a) : (1ULL << 63);

	while (r > end - a)
		r >>= 1;
	return r;
}

/* The root holding @addr in segment @s: its size. */
static u64 root_size_of(const struct ref_segment *s, u64 addr)
{
	u64 a = s->start, end = s->start + s->size, r;

	for (;;) {
		r = root_at(a, end);
		if (addr < a + r)
			return r;
		a += r;
	}
}

/* Replace the blocks of segment @s (all free) by its buddy roots or one
 * block.
 */
static void seg_reset_blocks(struct ref_pool *p, const struct ref_segment *s,
			     bool buddy)
{
	size_t first = blk_lower_bound(p, s->start), n = 0;
	u64 end = s->start + s->size, a;
	struct ref_block b = {
		.seg_id = s->id,
		.stream = s->stream,
		.state = MEMSIM_BLOCK_FREE,
	};

	while (first + n < p->nr_blocks && p->blocks[first + n].seg_id == s->id)
		n++;
	blk_remove(p, first, n);
	if (!buddy) {
		b.addr = s->start;
		b.size = s->size;
		blk_insert(p, first, &b, 1);
		return;
	}
	for (a = s->start; a < end; a += b.size) {
		b.addr = a;
		b.size = root_at(a, end);
		blk_insert(p, first++, &b, 1);
	}
}

static bool ranges_overlap(u64 s1, u64 e1, u64 s2, u64 e2)
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
	 * Interpretation: size 0, a range that wraps (start + size beyond
	 * U64_MAX, the header says "does not wrap") and stream
	 * MEMSIM_STREAM_ANY are invalid; an overlap is -EEXIST.
	 */
	if (!size || start > U64_MAX - size || stream == MEMSIM_STREAM_ANY)
		return -EINVAL;
	for (i = 0; i < p->nr_segs; i++)
		if (ranges_overlap(start, start + size, p->segs[i].start,
				   p->segs[i].start + p->segs[i].size))
			return -EEXIST;

	s.id = ++p->last_segment_id;
	if (p->nr_segs == p->cap_segs) {
		p->cap_segs = p->cap_segs * 2 + 4;
		p->segs = xrealloc(p->segs, p->cap_segs, sizeof(s));
	}
	for (i = 0; i < p->nr_segs; i++)
		if (p->segs[i].start > start)
			break;
	memmove(&p->segs[i + 1], &p->segs[i],
		(p->nr_segs - i) * sizeof(s));
	p->segs[i] = s;
	p->nr_segs++;
	stream_get(p, stream);
	seg_reset_blocks(p, &s, p->strategy == MEMSIM_BUDDY);
	if (id)
		*id = s.id;
	return 0;
}

int ref_segment_release(struct ref_pool *p, u64 id)
{
	struct ref_segment *s = ref_segment_find(p, id);
	size_t i, first, n = 0;
	struct ref_stream *st;
	u32 stream;

	if (!s)
		return -ENOENT;
	stream = s->stream;
	first = blk_lower_bound(p, s->start);
	while (first + n < p->nr_blocks && p->blocks[first + n].seg_id == id) {
		if (p->blocks[first + n].state != MEMSIM_BLOCK_FREE)
			return -EBUSY;
		n++;
	}
	blk_remove(p, first, n);
	i = s - p->segs;
	memmove(&p->segs[i], &p->segs[i + 1],
		(p->nr_segs - i - 1) * sizeof(p->segs[0]));
	p->nr_segs--;
	/*
	 * memsim_segment_release()'s kernel-doc (issue 9): a stream exists
	 * only while it has segments; it goes, counters included, with its
	 * last one.
	 */
	for (i = 0; i < p->nr_segs; i++)
		if (p->segs[i].stream == stream)
			return 0;
	st = stream_find(p, stream);
	if (st) {
		i = st - p->streams;
		memmove(&p->streams[i], &p->streams[i + 1],
			(p->nr_streams - i - 1) * sizeof(p->streams[0]));
		p->nr_streams--;
	}
	return 0;
}

int ref_set_strategy(struct ref_pool *p, enum memsim_strategy s, u64 min_block)
{
	bool to_buddy = s == MEMSIM_BUDDY, from_buddy;
	size_t i;

	if ((unsigned int)s >= MEMSIM_NR_STRATEGIES)
		return -EINVAL;
	/*
	 * Interpretation (the core's kernel-doc; the header is silent):
	 * buddy_min_block is 0 (MEMSIM_BUDDY_DEFAULT_MIN) or a power of two
	 * for the buddy system and must be 0 for the others.  Switching among
	 * the fit strategies is always allowed, and so is asking for the
	 * buddy system with the minimum block it already has; entering or
	 * leaving the buddy system, or changing its minimum block, needs a
	 * pool with nothing allocated.
	 */
	if (to_buddy) {
		if (!min_block)
			min_block = MEMSIM_BUDDY_DEFAULT_MIN;
		if (!pow2(min_block))
			return -EINVAL;
	} else if (min_block) {
		return -EINVAL;
	}
	from_buddy = p->strategy == MEMSIM_BUDDY;
	if (to_buddy && from_buddy && min_block == p->min_block)
		return 0;
	if (ref_live_blocks(p) && (to_buddy || from_buddy))
		return -EBUSY;
	if (to_buddy != from_buddy)
		for (i = 0; i < p->nr_segs; i++)
			seg_reset_blocks(p, &p->segs[i], to_buddy);
	p->strategy = s;
	if (to_buddy)
		p->min_block = min_block;
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
			u->free_hist[log2_u64(b->size)]++;
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
 * Interpretation: the largest free block, whatever the strategy; in buddy
 * mode this includes roots below the minimum block, which are free blocks
 * even though no allocation can use them.
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

/* Peaks are history: refresh them after anything that can raise them. */
static void update_peaks(struct ref_pool *p, u64 seg_id, u32 stream)
{
	struct ref_segment *s = ref_segment_find(p, seg_id);
	struct ref_stream *st = stream_find(p, stream);
	struct memsim_usage u;

	scan_usage(p, SC_POOL, 0, &u);
	if (u.allocated > p->h.peak_allocated)
		p->h.peak_allocated = u.allocated;
	scan_usage(p, SC_STREAM, stream, &u);
	if (u.allocated > st->h.peak_allocated)
		st->h.peak_allocated = u.allocated;
	scan_usage(p, SC_SEGMENT, seg_id, &u);
	if (u.allocated > s->h.peak_allocated)
		s->h.peak_allocated = u.allocated;
}

/* ---- allocation ------------------------------------------------------ */

/*
 * Where an allocation of @size, aligned to @al, inside [@lo, @hi) can go
 * in the free block [@b, @e): the lowest address, or the highest when
 * @top.  False when it does not fit.
 */
static bool place(u64 b, u64 e, u64 size, u64 al, u64 lo, u64 hi, bool top,
		  u64 *out)
{
	u64 l = b > lo ? b : lo, h = e < hi ? e : hi, a;

	if (h < l || h - l < size)
		return false;
	if (top) {
		a = (h - size) & ~(al - 1);
		if (a < l)
			return false;
	} else {
		if (l > U64_MAX - (al - 1))
			return false;
		a = (l + al - 1) & ~(al - 1);
		if (a > h - size)
			return false;
	}
	*out = a;
	return true;
}

/* Is candidate (block @c) preferred to the current choice (block @cur)? */
static bool better(const struct ref_pool *p, const struct ref_block *c,
		   const struct ref_block *cur, bool top)
{
	bool higher = c->addr > cur->addr;

	switch (p->strategy) {
	case MEMSIM_BEST_FIT:
	case MEMSIM_BUDDY:
		/* buddy: the smallest order, then by address */
		if (c->size != cur->size)
			return c->size < cur->size;
		break;
	case MEMSIM_WORST_FIT:
		if (c->size != cur->size)
			return c->size > cur->size;
		break;
	default:
		break;
	}
	return top ? higher : !higher;
}

static void count_failure(struct ref_pool *p, u32 stream)
{
	struct ref_stream *st;

	p->h.failures++;
	p->strat_failures[p->strategy]++;
	/*
	 * Interpretation: a failed request for a stream counts on that stream
	 * (if it exists); a failed MEMSIM_STREAM_ANY request counts on the
	 * pool only.  Never per segment.
	 */
	if (stream != MEMSIM_STREAM_ANY) {
		st = stream_find(p, stream);
		if (st)
			st->h.failures++;
	}
}

/* The buddy size of a request; U64_MAX when no power of two holds it. */
static u64 buddy_round(const struct ref_pool *p, u64 size, u64 align)
{
	u64 r;

	if (size > (1ULL << 63))
		return U64_MAX;
	r = pow2(size) ? size : 1ULL << (log2_u64(size) + 1);
	if (r < p->min_block)
		r = p->min_block;
	if (r < align)
		r = align;
	return r;
}

/*
 * A fixed-address request: the window shrinks to the allocation itself,
 * so exactly one block can hold it.
 */
static void fixed_window(const struct memsim_request *req, u64 size, u64 *lo,
			 u64 *hi)
{
	if (req->addr > *lo)
		*lo = req->addr;
	if (req->addr + size < *hi)
		*hi = req->addr + size;
}

/* Choose the block and address by the strategy's rule; -ENOSPC if none. */
static int pick(struct ref_pool *p, const struct memsim_request *req,
		u64 size, u64 al, u64 lo, u64 hi, long *idx, u64 *addr)
{
	bool top = req->flags & MEMSIM_REQ_TOPDOWN;
	bool next = p->strategy == MEMSIM_NEXT_FIT &&
		    !(req->flags & MEMSIM_REQ_FIXED);
	int pass, npass = next ? 2 : 1;
	u64 a, best_a = 0, plo, phi;
	long best = -1;
	size_t i;

	for (pass = 0; pass < npass && best < 0; pass++) {
		plo = lo;
		phi = hi;
		/*
		 * Next fit, first pass: only what lies on the cursor's side.
		 * The header says "the lowest block at or above it" (top-down:
		 * "the highest block whose end is at or below the cursor").
		 * Interpretation (the core's): the allocation, not the whole
		 * block, must lie at or above (top-down: end at or below) the
		 * cursor, so a free block straddling the cursor is used from
		 * the cursor on.  literal_next_fit selects the block rule.
		 * The second pass is the wrap-around: plain first fit.
		 */
		if (pass == 0 && next && !p->literal_next_fit) {
			if (top && p->cursor < phi)
				phi = p->cursor;
			else if (!top && p->cursor > plo)
				plo = p->cursor;
			if (plo >= phi)
				continue;
		}
		for (i = 0; i < p->nr_blocks; i++) {
			const struct ref_block *b = &p->blocks[i];

			if (b->state != MEMSIM_BLOCK_FREE)
				continue;
			if (req->stream != MEMSIM_STREAM_ANY &&
			    b->stream != req->stream)
				continue;
			if (pass == 0 && next && p->literal_next_fit) {
				if (!top && b->addr < p->cursor)
					continue;
				if (top && blk_end(b) > p->cursor)
					continue;
			}
			if (!place(b->addr, blk_end(b), size, al, plo, phi, top,
				   &a))
				continue;
			if (best < 0 || better(p, b, &p->blocks[best], top)) {
				best = i;
				best_a = a;
			}
		}
	}
	if (best < 0)
		return -ENOSPC;
	*idx = best;
	*addr = best_a;
	return 0;
}

/* Cut block @idx so that [@a, @a + @size) becomes an allocated block. */
static u32 carve(struct ref_pool *p, long idx, u64 a, u64 size,
		 const struct memsim_request *req)
{
	struct ref_block b = p->blocks[idx], pieces[130];
	u32 n = 0, splits = 0, i, j;
	u64 base, s;

	if (p->strategy != MEMSIM_BUDDY) {
		if (a > b.addr) {
			pieces[n] = b;
			pieces[n++].size = a - b.addr;
			splits++;
		}
		pieces[n] = b;
		pieces[n].addr = a;
		pieces[n++].size = size;
		if (a + size < blk_end(&b)) {
			pieces[n] = b;
			pieces[n].addr = a + size;
			pieces[n++].size = blk_end(&b) - (a + size);
			splits++;
		}
	} else {
		/* Halve down to @size, keeping the half that holds @a. */
		base = b.addr;
		s = b.size;
		while (s > size) {
			s >>= 1;
			pieces[n] = b;
			pieces[n].size = s;
			if (a < base + s) {
				pieces[n++].addr = base + s;
			} else {
				pieces[n++].addr = base;
				base += s;
			}
			splits++;
		}
		pieces[n] = b;
		pieces[n].addr = a;
		pieces[n++].size = size;
		/* sort the pieces by address (insertion sort) */
		for (i = 1; i < n; i++) {
			struct ref_block t = pieces[i];

			for (j = i; j > 0 && pieces[j - 1].addr > t.addr; j--)
				pieces[j] = pieces[j - 1];
			pieces[j] = t;
		}
	}
	for (i = 0; i < n; i++) {
		if (pieces[i].addr == a) {
			pieces[i].state = MEMSIM_BLOCK_ALLOCATED;
			pieces[i].requested = req->size;
			pieces[i].tag = req->tag;
		}
	}
	blk_remove(p, idx, 1);
	blk_insert(p, idx, pieces, n);
	return splits;
}

int ref_alloc(struct ref_pool *p, const struct memsim_request *req,
	      struct memsim_result *res)
{
	bool buddy = p->strategy == MEMSIM_BUDDY;
	u64 al, size, lo = 0, hi = U64_MAX, a = 0;
	struct ref_segment *s;
	struct ref_stream *st;
	long idx = -1;
	int ret;

	/*
	 * Invalid requests (size 0, unknown flags, an alignment that is not
	 * 0 or a power of two) are -EINVAL and not counted as failed
	 * allocations.  Interpretation (the core's, the header is silent): so
	 * are an empty range (range_lo >= range_hi) and a fixed address that
	 * is misaligned or where the allocation would wrap past U64_MAX.
	 */
	if (!req->size || (req->flags & ~MEMSIM_REQ_ALL) ||
	    (req->align && !pow2(req->align)))
		return -EINVAL;
	if ((req->flags & MEMSIM_REQ_RANGE) && req->range_lo >= req->range_hi)
		return -EINVAL;
	al = req->align ? req->align : 1;
	if (req->flags & MEMSIM_REQ_RANGE) {
		lo = req->range_lo;
		hi = req->range_hi;
	}
	size = req->size;
	if (buddy) {
		/* buddy blocks are aligned to their size */
		size = buddy_round(p, req->size, al);
		if (size != U64_MAX)
			al = size;
	}
	if (req->flags & MEMSIM_REQ_FIXED) {
		if ((req->addr & (al - 1)) || req->addr > U64_MAX - size)
			return -EINVAL;
		fixed_window(req, size, &lo, &hi);
	}
	ret = pick(p, req, size, al, lo, hi, &idx, &a);
	if (ret) {
		count_failure(p, req->stream);
		return ret;
	}

	memset(res, 0, sizeof(*res));
	res->splits = carve(p, idx, a, size, req);
	idx = blk_index(p, a);
	res->addr = a;
	res->size = size;
	res->waste = size - req->size;
	res->segment_id = p->blocks[idx].seg_id;
	res->stream = p->blocks[idx].stream;

	s = ref_segment_find(p, res->segment_id);
	st = stream_find(p, res->stream);
	p->h.allocs++;
	s->h.allocs++;
	st->h.allocs++;
	p->strat_allocs[p->strategy]++;
	update_peaks(p, s->id, st->id);
	/*
	 * "The cursor moves to the end of each allocation": every one, under
	 * any strategy, fixed ones included; top-down, to its start.
	 */
	p->cursor = (req->flags & MEMSIM_REQ_TOPDOWN) ? a : a + size;
	return 0;
}

/* ---- free ------------------------------------------------------------ */

/* Make block @idx free, count the free and coalesce it. */
static void complete(struct ref_pool *p, long idx,
		     struct memsim_free_result *res)
{
	struct ref_block *b = &p->blocks[idx];
	struct ref_segment *s = ref_segment_find(p, b->seg_id);
	struct ref_stream *st = stream_find(p, b->stream);
	bool merged = false;
	u64 rsize;

	memset(res, 0, sizeof(*res));
	res->freed_size = b->size;
	b->state = MEMSIM_BLOCK_FREE;
	b->requested = 0;
	b->tag = 0;
	p->h.frees++;
	s->h.frees++;
	st->h.frees++;
	p->strat_frees[p->strategy]++;

	if (p->strategy == MEMSIM_BUDDY) {
		rsize = root_size_of(s, b->addr);
		for (;;) {
			long j;

			b = &p->blocks[idx];
			if (b->size >= rsize)
				break;
			j = blk_index(p, b->addr ^ b->size);
			if (j < 0 || p->blocks[j].size != b->size ||
			    p->blocks[j].state != MEMSIM_BLOCK_FREE)
				break;
			if (j < idx) {
				p->blocks[j].size *= 2;
				blk_remove(p, idx, 1);
				idx = j;
			} else {
				b->size *= 2;
				blk_remove(p, j, 1);
			}
			merged = true;
		}
	} else {
		if (idx + 1 < (long)p->nr_blocks &&
		    p->blocks[idx + 1].seg_id == b->seg_id &&
		    p->blocks[idx + 1].state == MEMSIM_BLOCK_FREE) {
			b->size += p->blocks[idx + 1].size;
			blk_remove(p, idx + 1, 1);
			merged = true;
		}
		if (idx > 0 && p->blocks[idx - 1].seg_id == b->seg_id &&
		    p->blocks[idx - 1].state == MEMSIM_BLOCK_FREE) {
			p->blocks[idx - 1].size += b->size;
			blk_remove(p, idx, 1);
			idx--;
			merged = true;
		}
	}
	res->coalesced = merged;
	/*
	 * Interpretation: coalesced_addr/size describe the resulting free
	 * block also when nothing merged (then: the freed block itself).
	 */
	res->coalesced_addr = p->blocks[idx].addr;
	res->coalesced_size = p->blocks[idx].size;
}

int ref_free(struct ref_pool *p, u64 addr, u64 expected_size, u32 flags,
	     struct memsim_free_result *res)
{
	long idx;
	struct ref_block *b;

	if (flags & ~MEMSIM_FREE_ALL)
		return -EINVAL;
	idx = blk_index(p, addr);
	/*
	 * Interpretation: an address that is not the start of an allocated
	 * block is -ENOENT; a block whose free is already requested is
	 * -EBUSY (the core's choice); an expected size (0: not checked) that is neither the
	 * block's size nor the size asked for is -EINVAL.
	 */
	if (idx < 0 || p->blocks[idx].state == MEMSIM_BLOCK_FREE)
		return -ENOENT;
	b = &p->blocks[idx];
	if (b->state == MEMSIM_BLOCK_FREE_REQUESTED)
		return -EBUSY;
	if (expected_size && expected_size != b->size &&
	    expected_size != b->requested)
		return -EINVAL;
	if (flags & MEMSIM_FREE_DEFERRED) {
		b->state = MEMSIM_BLOCK_FREE_REQUESTED;
		memset(res, 0, sizeof(*res));
		res->freed_size = b->size;
		res->deferred = true;
		return 0;
	}
	complete(p, idx, res);
	return 0;
}

int ref_complete_free(struct ref_pool *p, u64 addr,
		      struct memsim_free_result *res)
{
	long idx = blk_index(p, addr);

	/*
	 * Interpretation: -ENOENT if no allocated block starts at @addr,
	 * -EINVAL if one does but its free was not requested.
	 */
	if (idx < 0 || p->blocks[idx].state == MEMSIM_BLOCK_FREE)
		return -ENOENT;
	if (p->blocks[idx].state != MEMSIM_BLOCK_FREE_REQUESTED)
		return -EINVAL;
	complete(p, idx, res);
	return 0;
}

int ref_sync_stream(struct ref_pool *p, u32 stream, u64 *completed)
{
	struct memsim_free_result res;
	u64 n = 0;
	size_t i;

	/*
	 * Interpretation: MEMSIM_STREAM_ANY completes the deferred frees of
	 * every stream; a stream that does not exist is -ENOENT.
	 */
	if (stream != MEMSIM_STREAM_ANY && !stream_find(p, stream))
		return -ENOENT;
	/* Each completion may merge blocks: look again from the start. */
	i = 0;
	while (i < p->nr_blocks) {
		const struct ref_block *b = &p->blocks[i];

		if (b->state != MEMSIM_BLOCK_FREE_REQUESTED ||
		    (stream != MEMSIM_STREAM_ANY && b->stream != stream)) {
			i++;
			continue;
		}
		complete(p, i, &res);
		n++;
		i = 0;
	}
	if (completed)
		*completed = n;
	return 0;
}

/* ---- address space queries ------------------------------------------- */

enum memsim_overlap ref_check_overlap(struct ref_pool *p, u64 start, u64 size,
				      u64 *ids, u32 max_ids, u32 *nr_ids)
{
	u64 end = start + size;
	u32 n = 0;
	bool contained = false;
	size_t i;

	/*
	 * Interpretation (the core's kernel-doc): *nr_ids counts every
	 * overlapping segment; an empty or wrapping range overlaps nothing.
	 */
	if (nr_ids)
		*nr_ids = 0;
	if (!size || start > U64_MAX - size)
		return MEMSIM_OVERLAP_NONE;
	for (i = 0; i < p->nr_segs; i++) {
		const struct ref_segment *s = &p->segs[i];

		if (!ranges_overlap(start, end, s->start, s->start + s->size))
			continue;
		if (n < max_ids)
			ids[n] = s->id;
		n++;
		contained = start >= s->start && end <= s->start + s->size;
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
	u64 al = align ? align : 1, a;
	size_t i;

	/*
	 * Interpretation: the lowest address a, a multiple of @align, with
	 * min <= a and a + size <= max, such that [a, a + size) touches no
	 * segment.  An empty window (min >= max) is -EINVAL, as the core's
	 * kernel-doc says ("a bad ... window").
	 */
	if (!size || (align && !pow2(align)) || min >= max)
		return -EINVAL;
	if (min > U64_MAX - (al - 1))
		return -ENOSPC;
	a = (min + al - 1) & ~(al - 1);
	for (i = 0; i < p->nr_segs; i++) {
		const struct ref_segment *s = &p->segs[i];
		u64 e = s->start + s->size;

		if (a > U64_MAX - size)
			return -ENOSPC;
		if (e <= a)
			continue;
		if (s->start >= a + size)
			break;
		if (e > U64_MAX - (al - 1))
			return -ENOSPC;
		a = (e + al - 1) & ~(al - 1);
	}
	if (a > max || max - a < size)
		return -ENOSPC;
	*addr = a;
	return 0;
}

/* ---- debugging ------------------------------------------------------- */

static const char *const state_names[] = { "free", "alloc", "deferred" };

void ref_dump(const struct ref_pool *p, FILE *f)
{
	size_t i;

	fprintf(f, "model: strategy %d min_block %llu cursor %#llx, %zu segments, %zu blocks\n",
		p->strategy, (unsigned long long)p->min_block,
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
			(unsigned long long)blk_end(b),
			(unsigned long long)b->size, state_names[b->state],
			(unsigned long long)b->requested,
			(unsigned long long)b->seg_id);
	}
}
