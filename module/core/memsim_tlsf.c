// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: two-level segregated fit (TLSF)
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Two-level segregated fit
 *
 * TLSF (Masmano et al., ECRTS 2004), the good-fit policy of Vulkan Memory
 * Allocator's virtual blocks and of OffsetAllocator.  Free blocks of a
 * stream are kept in size classes, each a list; two levels of bitmaps find
 * a non-empty class in O(1).
 *
 * Classes.  The pool's setting is the number C of classes per level, 16
 * (the default, parameter 0) or 32, and SL = log2(C).  A size s below C is
 * in class s (one class per size).  A larger size, with f = floor(log2(s)),
 * is in row f - SL + 1, column (s >> (f - SL)) - C: the first level is the
 * power of two, the second level cuts it into C equal parts.  The class
 * number is row * C + column, so classes are ordered as their sizes; for
 * s < 2C it is s itself.  A class's lower bound lb is the smallest size in
 * it; sizes up to 2^64 - 1 give (65 - SL) * C classes.
 *
 * Free lists.  Each class holds its free blocks in a list; a block enters
 * at the head (so the most recently inserted block comes first) and leaves
 * from wherever it is.  A free block is inserted when it comes to exist: a
 * segment's one free block when the segment is laid (segments in address
 * order when a whole pool is re-laid), the padding before an allocation
 * and then the remainder after it when a block is split, and the merged
 * block when a free coalesces.  Every free block is merged with both free
 * neighbours on its segment's list as it is freed (the one below first),
 * as the fit strategies do, so no two free blocks are ever adjacent.
 *
 * Placement.  A request for n bytes aligned to a (1 when none) is searched
 * with n' = n + a - 1, which any block of a size at least n' holds whatever
 * its address.  The good-fit class g is the lowest class whose lb is at
 * least n' ("rounding up to the next class boundary"); every block of g or
 * above is large enough.  The search examines blocks in this order:
 *
 * 1. the non-empty classes from g upwards, each list from its head to its
 *    tail;
 * 2. then the classes from g - 1 down to the class of n itself, each list
 *    from its head: those may hold blocks that are large enough (a block of
 *    exactly n bytes, an aligned one) which rounding up passed over.
 *
 * The first block examined that fits, as the other strategies define it
 * (it holds n bytes at an address aligned to a inside the request's
 * window), is taken; the allocation goes at its lowest such address, or
 * with %MEMSIM_REQ_TOPDOWN at its highest.  A search gives up with -ENOSPC
 * after %MEMSIM_TLSF_MAX_CANDIDATES blocks of a stream have been examined
 * without a fit.  Without a range the first block of step 1 always fits, so
 * the cap only matters for ranges, for blocks passed over by rounding up
 * (step 2), and when n' has no class (n + a - 1 overflows or lies above the
 * last lb): then step 1 is empty and step 2 starts at the last class.
 *
 * Fixed addresses (%MEMSIM_REQ_FIXED) do not use the classes: the one free
 * block that contains the address is found from the segment tree, the
 * pool's tree of allocated blocks (the last allocated block at or below
 * the address: the free block after it on its segment's list, or else the
 * segment's first block, is the only candidate) in O(log n), and it is
 * taken if the allocation fits there.
 *
 * With %MEMSIM_STREAM_ANY each stream is searched as above (each with its
 * own cap), and the candidates compete by the step and class they were
 * found in: an earlier step wins, then within step 1 the lower class and
 * within step 2 the higher one; a tie goes to the lower address (top-down:
 * the higher).
 *
 * Costs, n free blocks of a stream, L the length of one class's list:
 * insert, remove, split and coalesce O(1) (besides the pool's allocated
 * tree); a search O(1) plus one step per block examined, at most
 * %MEMSIM_TLSF_MAX_CANDIDATES; fixed addresses O(log n).  The queries
 * answer exactly, at these costs: largest scans the top non-empty class,
 * O(L); largest_in walks the block lists of the segments overlapping the
 * range; first_from finds the block holding the address in O(log n), then
 * walks the segment's list past allocated blocks to the next free one;
 * walk_largest takes the classes from the top, and within a class selects
 * the next block by (size, address) with a scan of the list, O(L) per
 * block visited.  Every walk over blocks yields the CPU every
 * %MEMSIM_TLSF_RESCHED_EVERY blocks.
 */

#include "memsim_check.h"
#include "memsim_core_priv.h"
#include "memsim_strategy.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/string.h>
#else
#include <errno.h>
#include <string.h>
#endif

/* Blocks a search examines in one stream before it gives up. */
#define MEMSIM_TLSF_MAX_CANDIDATES	256
/* Walks over blocks yield the CPU this often. */
#define MEMSIM_TLSF_RESCHED_EVERY	1024

/* Second-level classes: log2 of the default and of the largest setting. */
#define TLSF_SL_DEFAULT		4
#define TLSF_SL_MIN		4
#define TLSF_SL_MAX		5
/* Rows of the smallest SL: the linear row 0, then one per f in [SL, 63]. */
#define TLSF_ROWS_MAX		(64 - TLSF_SL_MIN + 1)
/* Classes of the largest setting: (65 - SL) * 2^SL is largest for SL = 5. */
#define TLSF_LISTS_MAX		((65 - TLSF_SL_MAX) << TLSF_SL_MAX)

/**
 * struct memsim_tlsf_index - a stream's TLSF free index
 * @sl: log2 of its classes per level, the pool's setting when it was
 *	made empty: insertions and removals follow the index's own layout.
 * @fl_map: bit r set when row r has a non-empty class.
 * @sl_map: bit j of @sl_map[r] set when class r * C + j is not empty.
 * @list: the free blocks of each class, most recently inserted first.
 */
struct memsim_tlsf_index {
	unsigned int sl;
	u64 fl_map;
	u32 sl_map[TLSF_ROWS_MAX];
	struct hlist_head list[TLSF_LISTS_MAX];
};

static inline struct memsim_tlsf_index *tlsf_index(const struct memsim_stream *s)
{
	return s->index;
}

static inline struct memsim_block *free_entry(struct hlist_node *node)
{
	return node ? hlist_entry(node, struct memsim_block, free_link) : NULL;
}

/* log2 of the pool's classes per level. */
static unsigned int tlsf_sl(const struct memsim_pool *pool)
{
	u32 classes = pool->strategy_setting[MEMSIM_TLSF];

	return classes == 1U << TLSF_SL_MAX ? TLSF_SL_MAX : TLSF_SL_DEFAULT;
}

static unsigned int tlsf_nr_classes(unsigned int sl)
{
	return (65 - sl) << sl;
}

/* The class of a size (not 0). */
static unsigned int tlsf_class(u64 size, unsigned int sl)
{
	unsigned int f;

	if (size < (1ULL << sl))
		return size;
	f = ilog2(size);
	return ((f - sl + 1) << sl) + (unsigned int)(size >> (f - sl)) - (1U << sl);
}

/* The smallest size of a class. */
static u64 tlsf_lb(unsigned int k, unsigned int sl)
{
	unsigned int row = k >> sl, col = k & ((1U << sl) - 1);

	if (!row)
		return col;
	return ((1ULL << sl) + col) << (row - 1);
}

/*
 * The good-fit class of a request of @n bytes aligned to @align: the lowest
 * class whose lower bound is at least n + align - 1; the class count when
 * there is none.
 */
static unsigned int tlsf_good_class(u64 n, u64 align, unsigned int sl)
{
	unsigned int k;
	u64 need;

	if (check_add_overflow(n, align - 1, &need))
		return tlsf_nr_classes(sl);
	k = tlsf_class(need, sl);
	return tlsf_lb(k, sl) == need ? k : k + 1;
}

/* The lowest non-empty class at or above @k, or -1. */
static int tlsf_next_class(const struct memsim_tlsf_index *idx, unsigned int k,
			   unsigned int sl)
{
	unsigned int row = k >> sl, col = k & ((1U << sl) - 1);
	u64 m;

	if (k >= tlsf_nr_classes(sl))
		return -1;
	m = idx->sl_map[row] & (~0U << col);
	if (!m) {
		m = row + 1 < 64 ? idx->fl_map & (~0ULL << (row + 1)) : 0;
		if (!m)
			return -1;
		row = fls64(m & -m) - 1;
		m = idx->sl_map[row];
	}
	return (row << sl) + fls64(m & -m) - 1;
}

/* The highest non-empty class at or below @k (-1: none), or -1. */
static int tlsf_prev_class(const struct memsim_tlsf_index *idx, int k, unsigned int sl)
{
	unsigned int row, col;
	u64 m;

	if (k < 0)
		return -1;
	row = k >> sl;
	col = k & ((1U << sl) - 1);
	m = idx->sl_map[row] & ((2ULL << col) - 1);
	if (!m) {
		m = idx->fl_map & ((1ULL << row) - 1);
		if (!m)
			return -1;
		row = fls64(m) - 1;
		m = idx->sl_map[row];
	}
	return (row << sl) + fls64(m) - 1;
}

/* ---- the index ---- */

static void tlsf_init(const struct memsim_pool *pool, struct memsim_stream *s)
{
	struct memsim_tlsf_index *idx = tlsf_index(s);

	memset(idx, 0, sizeof(*idx));
	idx->sl = tlsf_sl(pool);
}

static unsigned int tlsf_blocks_to_lay(const struct memsim_pool *pool, u64 start, u64 size)
{
	return 1;
}

static u64 tlsf_lay(const struct memsim_pool *pool, struct memsim_block *b, u64 end)
{
	b->size = end - b->addr;
	return b->size;
}

static void tlsf_insert(struct memsim_pool *pool, struct memsim_stream *s,
			struct memsim_block *b)
{
	struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl = idx->sl, k = tlsf_class(b->size, sl);

	hlist_add_head(&b->free_link, &idx->list[k]);
	idx->sl_map[k >> sl] |= 1U << (k & ((1U << sl) - 1));
	idx->fl_map |= 1ULL << (k >> sl);
}

static void tlsf_remove(struct memsim_pool *pool, struct memsim_stream *s,
			struct memsim_block *b)
{
	struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl = idx->sl, k = tlsf_class(b->size, sl);

	hlist_del_init(&b->free_link);
	if (!hlist_empty(&idx->list[k]))
		return;
	idx->sl_map[k >> sl] &= ~(1U << (k & ((1U << sl) - 1)));
	if (!idx->sl_map[k >> sl])
		idx->fl_map &= ~(1ULL << (k >> sl));
}

/* ---- address lookups without an address index of free blocks ---- */

/* The segment that contains @addr, or NULL. */
static struct memsim_segment *tlsf_segment_at(const struct memsim_pool *pool, u64 addr,
					      u32 *steps)
{
	struct rb_node *node = pool->segments.rb_node;
	struct memsim_segment *seg;

	while (node) {
		seg = rb_entry(node, struct memsim_segment, rb_start);
		(*steps)++;
		if (addr < seg->start)
			node = node->rb_left;
		else if (addr - seg->start >= seg->size)
			node = node->rb_right;
		else
			return seg;
	}
	return NULL;
}

/* The first segment that starts above @addr, or NULL. */
static struct memsim_segment *tlsf_segment_above(const struct memsim_pool *pool, u64 addr)
{
	struct rb_node *node = pool->segments.rb_node;
	struct memsim_segment *seg, *found = NULL;

	while (node) {
		seg = rb_entry(node, struct memsim_segment, rb_start);
		if (seg->start > addr) {
			found = seg;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

static struct memsim_segment *tlsf_segment_next(struct memsim_segment *seg)
{
	struct rb_node *node = rb_next(&seg->rb_start);

	return node ? rb_entry(node, struct memsim_segment, rb_start) : NULL;
}

/*
 * The block of @seg that contains @addr (inside @seg).  The last allocated
 * block at or below @addr, if it is in @seg and does not contain @addr, is
 * followed by the free block that does; with none in @seg, the segment's
 * first block is free and contains it.  Free neighbours are always merged,
 * so nothing else can lie between.
 */
static struct memsim_block *tlsf_block_at(const struct memsim_pool *pool,
					  struct memsim_segment *seg, u64 addr, u32 *steps)
{
	struct rb_node *node = pool->allocated.rb_node;
	struct memsim_block *b, *last = NULL;

	while (node) {
		b = rb_entry(node, struct memsim_block, rb_addr);
		(*steps)++;
		if (b->addr <= addr) {
			last = b;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	if (!last || last->segment != seg)
		return list_first_entry_or_null(&seg->blocks, struct memsim_block, link);
	if (addr - last->addr < last->size || list_is_last(&last->link, &seg->blocks))
		return last;
	return list_next_entry(last, link);
}

static bool tlsf_search_fixed(struct memsim_pool *pool, struct memsim_stream *s,
			      struct memsim_query *q, struct memsim_candidate *c)
{
	struct memsim_segment *seg = tlsf_segment_at(pool, q->lo, &q->steps);
	struct memsim_block *b;

	if (!seg || seg->stream != s)
		return false;
	b = tlsf_block_at(pool, seg, q->lo, &q->steps);
	if (!b || b->state != MEMSIM_BLOCK_FREE || q->lo < b->addr ||
	    q->lo - b->addr >= b->size)
		return false;
	if (!memsim_place_in(q, b->addr, memsim_block_end(b), q->topdown, &c->place))
		return false;
	c->block = b;
	c->size = q->size;
	c->order = 0;
	return true;
}

/* ---- the rule ---- */

/*
 * Examine the list of class @k: the first block that fits becomes @c, with
 * @rank.  Returns 1 on a fit, -1 when the cap is reached, else 0.
 */
static int tlsf_search_class(struct memsim_tlsf_index *idx, unsigned int k, u32 rank,
			     struct memsim_query *q, unsigned int *budget,
			     struct memsim_candidate *c)
{
	struct memsim_block *b;

	hlist_for_each_entry(b, &idx->list[k], free_link) {
		q->steps++;
		if (memsim_place_in(q, b->addr, memsim_block_end(b), q->topdown, &c->place)) {
			c->block = b;
			c->size = q->size;
			c->order = rank;
			return 1;
		}
		if (!--*budget)
			return -1;
	}
	return 0;
}

static bool tlsf_search(struct memsim_pool *pool, struct memsim_stream *s,
			struct memsim_query *q, struct memsim_candidate *c)
{
	struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl = idx->sl, nr = tlsf_nr_classes(sl);
	unsigned int budget = MEMSIM_TLSF_MAX_CANDIDATES;
	unsigned int g, own;
	int k, ret;

	if (q->fixed)
		return tlsf_search_fixed(pool, s, q, c);

	/* Step 1: the good-fit class and above, where everything is big enough. */
	g = tlsf_good_class(q->size, q->align, sl);
	for (k = tlsf_next_class(idx, g, sl); k >= 0; k = tlsf_next_class(idx, k + 1, sl)) {
		ret = tlsf_search_class(idx, k, k - g, q, &budget, c);
		if (ret)
			return ret > 0;
	}

	/* Step 2: down to the request's own class, which rounding passed over. */
	own = tlsf_class(q->size, sl);
	for (k = tlsf_prev_class(idx, (int)g - 1, sl); k >= (int)own;
	     k = tlsf_prev_class(idx, k - 1, sl)) {
		ret = tlsf_search_class(idx, k, nr + (g - 1 - k), q, &budget, c);
		if (ret)
			return ret > 0;
	}
	return false;
}

static bool tlsf_better(const struct memsim_query *q, const struct memsim_candidate *a,
			const struct memsim_candidate *b)
{
	if (a->order != b->order)
		return a->order < b->order;
	/* Blocks of different streams never overlap: addresses decide. */
	return q->topdown ? a->place > b->place : a->place < b->place;
}

static u32 *tlsf_setting(struct memsim_pool *pool)
{
	return &pool->strategy_setting[MEMSIM_TLSF];
}

static int tlsf_configure(u64 param, u32 *setting)
{
	if (!param)
		param = 1U << TLSF_SL_DEFAULT;
	if (param != 1U << TLSF_SL_MIN && param != 1U << TLSF_SL_MAX)
		return -EINVAL;
	*setting = param;
	return 0;
}

/* ---- queries ---- */

/* Yield now and then in a walk over blocks. */
static void tlsf_walked(unsigned int *n)
{
	if (!(++*n % MEMSIM_TLSF_RESCHED_EVERY))
		memsim_env_cond_resched();
}

static u64 tlsf_largest(const struct memsim_pool *pool, const struct memsim_stream *s)
{
	const struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl = idx->sl, n = 0;
	struct memsim_block *b;
	u64 best = 0;
	int k;

	k = tlsf_prev_class(idx, tlsf_nr_classes(sl) - 1, sl);
	if (k < 0)
		return 0;
	/* Sizes within a class differ (but for the one-size classes). */
	hlist_for_each_entry(b, &idx->list[k], free_link) {
		best = max(best, b->size);
		tlsf_walked(&n);
	}
	return best;
}

static u64 tlsf_largest_in(const struct memsim_pool *pool, const struct memsim_stream *s,
			   u64 lo, u64 hi)
{
	struct memsim_segment *seg;
	struct memsim_block *b;
	unsigned int n = 0;
	u32 steps = 0;
	u64 best = 0;

	seg = tlsf_segment_at(pool, lo, &steps);
	if (!seg)
		seg = tlsf_segment_above(pool, lo);
	for (; seg && seg->start < hi; seg = tlsf_segment_next(seg)) {
		tlsf_walked(&n);
		if (seg->stream != s)
			continue;
		list_for_each_entry(b, &seg->blocks, link) {
			tlsf_walked(&n);
			if (b->addr >= hi)
				break;
			if (b->state == MEMSIM_BLOCK_FREE && b->addr >= lo)
				best = max(best, b->size);
		}
	}
	return best;
}

static struct memsim_block *tlsf_first_from(struct memsim_pool *pool,
					    struct memsim_stream *s, u64 addr)
{
	struct memsim_segment *seg;
	struct memsim_block *b;
	unsigned int n = 0;
	u32 steps = 0;

	seg = tlsf_segment_at(pool, addr, &steps);
	if (seg && seg->stream == s) {
		b = tlsf_block_at(pool, seg, addr, &steps);
		for (; b; b = list_is_last(&b->link, &seg->blocks) ? NULL :
			       list_next_entry(b, link)) {
			if (b->state == MEMSIM_BLOCK_FREE && b->addr >= addr)
				return b;
			tlsf_walked(&n);
		}
	}
	seg = seg ? tlsf_segment_next(seg) : tlsf_segment_above(pool, addr);
	for (; seg; seg = tlsf_segment_next(seg)) {
		tlsf_walked(&n);
		if (seg->stream != s)
			continue;
		list_for_each_entry(b, &seg->blocks, link) {
			if (b->state == MEMSIM_BLOCK_FREE)
				return b;
			tlsf_walked(&n);
		}
	}
	return NULL;
}

/* (size, address) order: is @b below the block of @size at @addr? */
static bool tlsf_below(const struct memsim_block *b, u64 size, u64 addr)
{
	return b->size < size || (b->size == size && b->addr < addr);
}

static void tlsf_walk_largest(struct memsim_pool *pool, struct memsim_stream *s,
			      bool (*fn)(struct memsim_block *b, void *data), void *data)
{
	struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl = idx->sl, n = 0;
	struct memsim_block *b, *best;
	u64 size, addr;
	int k;

	for (k = tlsf_prev_class(idx, tlsf_nr_classes(sl) - 1, sl); k >= 0;
	     k = tlsf_prev_class(idx, k - 1, sl)) {
		/*
		 * The class's blocks by decreasing (size, address): each is the
		 * greatest below the one before, found by a scan of the list.
		 */
		size = U64_MAX;
		addr = U64_MAX;
		for (;;) {
			best = NULL;
			hlist_for_each_entry(b, &idx->list[k], free_link) {
				tlsf_walked(&n);
				if (tlsf_below(b, size, addr) &&
				    (!best || tlsf_below(best, b->size, b->addr)))
					best = b;
			}
			if (!best)
				break;
			if (!fn(best, data))
				return;
			size = best->size;
			addr = best->addr;
		}
	}
}

/* ---- checks ---- */

static int tlsf_check_block(struct memsim_check *c, struct memsim_block *blk,
			    const struct memsim_block *prev)
{
	const struct memsim_tlsf_index *idx = tlsf_index(blk->segment->stream);
	unsigned int sl = idx->sl, k;

	if (blk->state != MEMSIM_BLOCK_FREE) {
		/* Every byte not asked for is split off. */
		if (blk->requested != blk->size)
			return memsim_check_block_fail(c, blk, "requested %llu, not its size",
						       memsim_ull(blk->requested));
		return 0;
	}
	if (prev && prev->state == MEMSIM_BLOCK_FREE)
		return memsim_check_block_fail(c, blk, "free after a free block (not coalesced)");
	/* Membership, as that very node of that very list, is proved by tlsf_check(). */
	if (sl != tlsf_sl(c->pool))
		return memsim_check_block_fail(c, blk, "its stream's TLSF index has 2^%u classes",
					       sl);
	if (hlist_unhashed(&blk->free_link))
		return memsim_check_block_fail(c, blk, "free but on no TLSF list");
	k = tlsf_class(blk->size, sl);
	if (!(idx->sl_map[k >> sl] & (1U << (k & ((1U << sl) - 1)))) ||
	    !(idx->fl_map & (1ULL << (k >> sl))))
		return memsim_check_block_fail(c, blk, "class %u marked empty in the bitmaps", k);
	return 0;
}

/*
 * Every list: its entries are free blocks of @s of the list's class, each
 * linked back to the one before it (so no entry is on two lists), and no
 * more of them than @s has free blocks (so no list is a cycle).  With the
 * count compared by the checker, the lists hold exactly the free blocks.
 */
static int tlsf_check(struct memsim_check *c, struct memsim_stream *s, u64 *nr_free)
{
	const struct memsim_tlsf_index *idx = tlsf_index(s);
	unsigned int sl, nr, k, row, walked = 0;
	u64 n = 0, limit = s->usage.free_blocks;
	struct hlist_node *const *pprev;
	struct memsim_block *b;
	u32 sl_bits[TLSF_ROWS_MAX];
	u64 fl = 0;
	int ret;

	if (!idx)
		return memsim_check_fail(c, "stream %u: no TLSF index", s->id);
	sl = idx->sl;
	if (sl != tlsf_sl(c->pool))
		return memsim_check_fail(c, "stream %u: TLSF index of 2^%u classes, pool 2^%u",
					 s->id, sl, tlsf_sl(c->pool));
	nr = tlsf_nr_classes(sl);
	for (k = nr; k < TLSF_LISTS_MAX; k++)
		if (!hlist_empty(&idx->list[k]))
			return memsim_check_fail(c, "stream %u: TLSF list %u beyond %u classes",
						 s->id, k, nr);
	/* The entries first, then the bitmaps they imply. */
	memset(sl_bits, 0, sizeof(sl_bits));
	for (k = 0; k < nr; k++) {
		pprev = &idx->list[k].first;
		hlist_for_each_entry(b, &idx->list[k], free_link) {
			if (++n > limit)
				return memsim_check_fail(c,
					"stream %u: TLSF lists hold more than its %llu free blocks",
					s->id, memsim_ull(limit));
			if (b->free_link.pprev != pprev)
				return memsim_check_block_fail(c, b,
					"TLSF list %u: not linked back to its predecessor", k);
			ret = memsim_check_free_entry(c, s, b, "a TLSF list");
			if (ret)
				return ret;
			if (tlsf_class(b->size, sl) != k)
				return memsim_check_block_fail(c, b, "on TLSF list %u, class %u",
							       k, tlsf_class(b->size, sl));
			pprev = &b->free_link.next;
			tlsf_walked(&walked);
		}
		if (!hlist_empty(&idx->list[k]))
			sl_bits[k >> sl] |= 1U << (k & ((1U << sl) - 1));
	}
	for (row = 0; row < TLSF_ROWS_MAX; row++) {
		if (idx->sl_map[row] != sl_bits[row])
			return memsim_check_fail(c, "stream %u: TLSF row %u bitmap %#x, lists %#x",
						 s->id, row, idx->sl_map[row], sl_bits[row]);
		if (sl_bits[row])
			fl |= 1ULL << row;
	}
	if (idx->fl_map != fl)
		return memsim_check_fail(c, "stream %u: TLSF first level %#llx, rows say %#llx",
					 s->id, memsim_ull(idx->fl_map), memsim_ull(fl));
	*nr_free = n;
	return 0;
}

static const struct memsim_index_ops memsim_tlsf_index_ops = {
	.name = "tlsf",
	.index_size = sizeof(struct memsim_tlsf_index),
	.init = tlsf_init,
	.blocks_to_lay = tlsf_blocks_to_lay,
	.lay = tlsf_lay,
	.insert = tlsf_insert,
	.remove = tlsf_remove,
	.splits = memsim_extent_splits,
	.take = memsim_extent_take,
	.give_back = memsim_extent_give_back,
	.largest = tlsf_largest,
	.largest_in = tlsf_largest_in,
	.first_from = tlsf_first_from,
	.walk_largest = tlsf_walk_largest,
	.check_block = tlsf_check_block,
	.check = tlsf_check,
};

const struct memsim_strategy_ops memsim_tlsf_ops = {
	.name = "tlsf",
	.index = &memsim_tlsf_index_ops,
	.setting = tlsf_setting,
	.configure = tlsf_configure,
	.search = tlsf_search,
	.better = tlsf_better,
};
