// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the binary buddy system
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Buddy system
 *
 * Blocks are powers of two, at least the pool's minimum block, each aligned
 * to its size.  A segment is carved into naturally aligned power-of-two
 * roots (see the core's overview); a block of order j inside a root of order
 * r > j has its buddy at address ^ 2^j, which is always its neighbour on the
 * segment's block list, so finding the buddy costs O(1).
 *
 * Each stream keeps one rbtree of free blocks per order, by address, and a
 * bitmap of the orders that have any.  An allocation of order k looks at the
 * orders j >= k present in the bitmap, smallest first, and in each order's
 * tree takes the lowest (top-down: highest) block holding a k-aligned
 * sub-block inside the request's window.  Blocks wholly inside the window
 * always do, so at most the two blocks straddling the window's ends are
 * rejected per order: O(max order * log n) in all, never a scan.  The
 * block is then halved down to order k, the halves not taken going back to
 * their trees; a free merges the block with its buddy for as long as the
 * buddy is free and whole, up to the root.
 *
 * drm_buddy keeps its free lists as lists; sorting them by offset made its
 * inserts O(n) until upstream moved them to rbtrees.  Trees by address give
 * O(log n) inserts and removals, and the deterministic lowest-address choice
 * that ranges, top-down placement and reproducible experiments need.
 */

#include "memsim_core_priv.h"
#include "memsim_check.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

static inline struct memsim_block *order_entry(struct rb_node *node)
{
	return node ? rb_entry(node, struct memsim_block, rb_addr) : NULL;
}

/*
 * The size of the root that starts at @addr in a segment ending at @end:
 * the largest power of two that @addr is aligned to and that fits.
 */
static u64 buddy_root_size(u64 addr, u64 end)
{
	u64 size = 1ULL << ilog2(end - addr);

	if (addr && (addr & -addr) < size)
		size = addr & -addr;
	return size;
}

/* The number of roots a segment is carved into: at most 2 * 64. */
static unsigned int buddy_blocks_to_lay(const struct memsim_pool *pool, u64 start, u64 size)
{
	u64 addr = start, end = start + size;
	unsigned int n = 0;

	while (addr < end) {
		addr += buddy_root_size(addr, end);
		n++;
	}
	return n;
}

/* A free block (its order set) enters, or leaves, its order's tree. */
static void buddy_insert(struct memsim_pool *pool, struct memsim_stream *s,
			 struct memsim_block *b)
{
	struct rb_root *root = &s->order_tree[b->order];
	struct rb_node **link = &root->rb_node, *parent = NULL;

	while (*link) {
		parent = *link;
		link = b->addr < order_entry(parent)->addr ?
			&parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&b->rb_addr, parent, link);
	rb_insert_color(&b->rb_addr, root);
	s->order_mask |= 1ULL << b->order;
}

static void buddy_remove(struct memsim_pool *pool, struct memsim_stream *s,
			 struct memsim_block *b)
{
	struct rb_root *root = &s->order_tree[b->order];

	rb_erase(&b->rb_addr, root);
	if (RB_EMPTY_ROOT(root))
		s->order_mask &= ~(1ULL << b->order);
}

/* The largest free block, from the order bitmap in O(1). */
static u64 buddy_largest(const struct memsim_pool *pool, const struct memsim_stream *s)
{
	return s->order_mask ? 1ULL << (fls64(s->order_mask) - 1) : 0;
}

/* A bound in address order, and the search's step counter. */
struct order_key {
	u64 bound;
	u32 *steps;
};

/* rb_find_first() keys: blocks ending after, and starting at or above, a bound. */
static int order_ends_after(const void *key, const struct rb_node *node)
{
	const struct order_key *k = key;

	(*k->steps)++;
	return memsim_block_end(order_entry((struct rb_node *)node)) > k->bound ? 0 : 1;
}

static int order_starts_from(const void *key, const struct rb_node *node)
{
	const struct order_key *k = key;

	(*k->steps)++;
	return order_entry((struct rb_node *)node)->addr >= k->bound ? 0 : 1;
}

/* First block of the tree, by address, that ends after @lo. */
static struct memsim_block *order_first_after(const struct rb_root *root, u64 lo,
					      u32 *steps)
{
	struct order_key key = { .bound = lo, .steps = steps };

	return order_entry(rb_find_first(&key, root, order_ends_after));
}

/*
 * Its mirror image, the last block that starts below @hi: the one before
 * the first that starts at or above it.
 */
static struct memsim_block *order_last_before(const struct rb_root *root, u64 hi,
					      u32 *steps)
{
	struct order_key key = { .bound = hi, .steps = steps };
	struct rb_node *node = rb_find_first(&key, root, order_starts_from);

	return order_entry(node ? rb_prev(node) : rb_last(root));
}

/*
 * The largest free block starting in [lo, hi) (a segment): the highest
 * order with a free block in the range, one lookup per order that has free
 * blocks, O(max order * log n).  Blocks never straddle a segment's ends, so
 * the first block of an order ending after @lo is in the range exactly
 * when it starts below @hi.
 */
static u64 buddy_largest_in(const struct memsim_pool *pool, const struct memsim_stream *s,
			    u64 lo, u64 hi)
{
	struct memsim_block *b;
	u32 steps = 0;
	int i;

	for (i = MEMSIM_MAX_ORDER; i >= 0; i--) {
		if (!(s->order_mask & (1ULL << i)))
			continue;
		b = order_first_after(&s->order_tree[i], lo, &steps);
		if (b && b->addr < hi)
			return b->size;
	}
	return 0;
}

/* Free blocks by decreasing order and, within an order, decreasing address. */
static void buddy_walk_largest(struct memsim_pool *pool, struct memsim_stream *s,
			       bool (*fn)(struct memsim_block *b, void *data), void *data)
{
	struct rb_node *node;
	u64 mask = s->order_mask;
	int order;

	while (mask) {
		order = fls64(mask) - 1;
		mask &= ~(1ULL << order);
		for (node = rb_last(&s->order_tree[order]); node; node = rb_prev(node))
			if (!fn(order_entry(node), data))
				return;
	}
}

/* In one order's tree: the lowest (or highest) block with a fitting sub-block. */
static bool buddy_search_order(struct rb_root *root, struct memsim_query *q,
			       struct memsim_candidate *c)
{
	struct memsim_block *b;

	if (!q->topdown) {
		for (b = order_first_after(root, q->lo, &q->steps);
		     b && b->addr < q->hi;
		     b = order_entry(rb_next(&b->rb_addr))) {
			q->steps++;
			if (memsim_place_in(q, b->addr, memsim_block_end(b), false, &c->place))
				goto found;
		}
	} else {
		for (b = order_last_before(root, q->hi, &q->steps);
		     b && memsim_block_end(b) > q->lo;
		     b = order_entry(rb_prev(&b->rb_addr))) {
			q->steps++;
			if (memsim_place_in(q, b->addr, memsim_block_end(b), true, &c->place))
				goto found;
		}
	}
	return false;

found:
	c->block = b;
	c->order = b->order;
	c->size = q->size;
	return true;
}

/*
 * The smallest order holding a fitting block, and in it the lowest (top-
 * down: highest); @q's size is already rounded to the allocation's order.
 */
static bool buddy_search(struct memsim_pool *pool, struct memsim_stream *s,
			 struct memsim_query *q, struct memsim_candidate *c)
{
	unsigned int k, j;
	u64 mask;

	if (!is_power_of_2(q->size))
		return false;
	k = ilog2(q->size);
	mask = s->order_mask >> k;
	for (j = k; mask; j++, mask >>= 1) {
		if ((mask & 1) && buddy_search_order(&s->order_tree[j], q, c))
			return true;
	}
	return false;
}

/* Between streams: fewer splits, or as many at a lower (top-down: higher) address. */
static bool buddy_better(const struct memsim_query *q, const struct memsim_candidate *a,
			 const struct memsim_candidate *b)
{
	if (a->order != b->order)
		return a->order < b->order;
	return q->topdown ? a->place > b->place : a->place < b->place;
}

/* Halvings an allocation needs: its free block's order minus the order allocated. */
static u32 buddy_splits(const struct memsim_pool *pool, const struct memsim_candidate *c)
{
	return c->order - ilog2(c->size);
}

/*
 * Halve a candidate's free block down to the allocation: each halving keeps
 * the half that holds the target and frees the other.
 */
static struct memsim_block *buddy_take(struct memsim_pool *pool,
				       const struct memsim_candidate *c,
				       struct memsim_block_reserve *r)
{
	struct memsim_block *b = c->block, *half;
	unsigned int k = ilog2(c->size);

	memsim_free_remove(pool, b);
	while (b->order > k) {
		half = memsim_reserve_take(r);
		b->order--;
		b->size >>= 1;
		half->segment = b->segment;
		half->root_order = b->root_order;
		half->order = b->order;
		half->size = b->size;
		memsim_account_blocks(b->segment, 1);
		if (c->place >= b->addr + b->size) {
			/* The target is in the upper half: free the lower. */
			half->addr = b->addr;
			b->addr += b->size;
			list_add_tail(&half->link, &b->link);
		} else {
			half->addr = b->addr + b->size;
			list_add(&half->link, &b->link);
		}
		memsim_free_insert(pool, half);
		memsim_emit_block(pool, MEMSIM_EV_SPLIT, half);
	}
	return b;
}

/* @b's buddy if it is free and whole, else NULL. */
static struct memsim_block *free_buddy(struct memsim_block *b)
{
	u64 buddy_addr = b->addr ^ b->size;
	struct list_head *pos;
	struct memsim_block *n;

	if (b->order >= b->root_order)
		return NULL;
	pos = buddy_addr > b->addr ? b->link.next : b->link.prev;
	if (pos == &b->segment->blocks)
		return NULL;
	n = list_entry(pos, struct memsim_block, link);
	if (n->addr != buddy_addr || n->order != b->order || n->state != MEMSIM_BLOCK_FREE)
		return NULL;
	return n;
}

/* Return a freed block, merging it with its buddy for as long as that is free and whole. */
static void buddy_give_back(struct memsim_pool *pool, struct memsim_block *b,
			    struct memsim_free_result *res)
{
	struct memsim_block *buddy;

	while ((buddy = free_buddy(b))) {
		memsim_free_remove(pool, buddy);
		if (buddy->addr < b->addr)
			b->addr = buddy->addr;
		b->size <<= 1;
		b->order++;
		list_del(&buddy->link);
		memsim_account_blocks(b->segment, -1);
		memsim_block_put(pool, buddy);
		res->coalesced = true;
	}
	memsim_free_settle(pool, b, res);
}

/*
 * The buddy system's minimum block (its setting: the order), the parameter
 * of memsim_set_strategy().
 */
static u32 *buddy_setting(struct memsim_pool *pool)
{
	return &pool->buddy_min_order;
}

static int buddy_configure(u64 param, u32 *setting)
{
	if (!param)
		param = MEMSIM_BUDDY_DEFAULT_MIN;
	if (!is_power_of_2(param))
		return -EINVAL;
	*setting = ilog2(param);
	return 0;
}

static u64 buddy_min_alloc(const struct memsim_pool *pool)
{
	return 1ULL << pool->buddy_min_order;
}

/*
 * A request becomes a block: its size rounded up to a power of two, at
 * least the minimum block and the alignment; a buddy block is aligned to
 * its own size.
 */
static int buddy_round(const struct memsim_pool *pool, struct memsim_query *q)
{
	/*
	 * Nothing above 2^63 rounds to a power of two in 64 bits: it would be
	 * a block of 2^64 bytes, which no segment can hold (-ENOSPC) and no
	 * fixed address can start (-EINVAL, as any fixed block that would end
	 * past U64_MAX).  U64_MAX stands for it; it is never used as a mask.
	 */
	if (q->size > (1ULL << MEMSIM_MAX_ORDER)) {
		if (q->fixed)
			return -EINVAL;
		q->size = U64_MAX;
		return 0;
	}
	q->size = roundup_pow_of_two(q->size);
	if (q->size < buddy_min_alloc(pool))
		q->size = buddy_min_alloc(pool);
	if (q->size < q->align)
		q->size = q->align;
	q->align = q->size;
	return 0;
}

/* A segment is laid with its roots, each a free block of its own order. */
static u64 buddy_lay(const struct memsim_pool *pool, struct memsim_block *b, u64 end)
{
	u64 size = buddy_root_size(b->addr, end);

	b->order = ilog2(size);
	b->root_order = b->order;
	return size;
}

/* The trees live in the stream, zeroed (empty) when it was made. */
static void buddy_init(const struct memsim_pool *pool, struct memsim_stream *s)
{
	unsigned int i;

	for (i = 0; i <= MEMSIM_MAX_ORDER; i++)
		s->order_tree[i] = RB_ROOT;
	s->order_mask = 0;
}

/* The lowest free block from @addr: the lowest of each order's. */
static struct memsim_block *buddy_first_from(struct memsim_pool *pool,
					     struct memsim_stream *s, u64 addr)
{
	struct memsim_block *best = NULL, *found;
	unsigned int i;

	for (i = 0; i <= MEMSIM_MAX_ORDER; i++) {
		if (!(s->order_mask & (1ULL << i)))
			continue;
		found = memsim_addr_first_from(&s->order_tree[i], addr);
		if (found && (!best || found->addr < best->addr))
			best = found;
	}
	return best;
}

/* ---- invariants, for memsim_pool_check() ---- */

/*
 * The root that holds @addr, recomputed from the rule of the core's
 * overview rather than taken from the blocks: from the segment's start
 * upwards, each root is the largest power of two its start is aligned to
 * and that fits before the end.
 */
static void check_root_of(const struct memsim_segment *seg, u64 addr, u64 *root,
			  u64 *root_size)
{
	u64 start = seg->start, end = seg->start + seg->size, fit, align;

	for (;;) {
		fit = 1ULL << ilog2(end - start);
		align = start ? start & (~start + 1) : 1ULL << 63;
		*root = start;
		*root_size = fit < align ? fit : align;
		if (addr < start + *root_size || start + *root_size >= end)
			return;
		start += *root_size;
	}
}

/* The checker's reporting helpers, under the names the checks read best with. */
#define check_fail	memsim_check_fail
#define block_fail	memsim_check_block_fail
#define ull		memsim_ull

/*
 * Buddy shape of one block.  @root and @root_size are the recomputed root
 * that holds the block's first address.  The buddy of a block below its
 * root's order lies at addr ^ size, inside the same root, and so is the list
 * neighbour on that side if it has not been split.
 */
static int buddy_check_shape(struct memsim_check *c, struct memsim_block *blk,
			     u64 root, u64 root_size)
{
	struct memsim_segment *seg = blk->segment;
	struct memsim_block *nb;
	u64 buddy;

	if (blk->size & (blk->size - 1))
		return block_fail(c, blk, "size not a power of two");
	if (blk->addr & (blk->size - 1))
		return block_fail(c, blk, "not aligned to its size");
	if (blk->order != ilog2(blk->size))
		return block_fail(c, blk, "order %u, expected %d", blk->order, ilog2(blk->size));
	if (blk->addr < root || blk->addr + blk->size > root + root_size)
		return block_fail(c, blk, "crosses its root [%#llx+%#llx)", ull(root),
				  ull(root_size));
	if (blk->root_order != ilog2(root_size))
		return block_fail(c, blk, "root_order %u, root [%#llx+%#llx) has %d",
				  blk->root_order, ull(root), ull(root_size), ilog2(root_size));
	if (blk->order == blk->root_order)
		return 0;
	/*
	 * Only halvings make blocks below a root, and they stop at the minimum
	 * (which cannot change while any block is split off a root).
	 */
	if (blk->order < c->pool->buddy_min_order)
		return block_fail(c, blk, "split below the minimum order %u",
				  c->pool->buddy_min_order);
	if (blk->state != MEMSIM_BLOCK_FREE)
		return 0;

	buddy = blk->addr ^ blk->size;
	if (buddy < blk->addr)
		nb = blk->link.prev == &seg->blocks ? NULL :
		     list_prev_entry(blk, link);
	else
		nb = blk->link.next == &seg->blocks ? NULL :
		     list_next_entry(blk, link);
	if (!nb)
		return block_fail(c, blk, "buddy %#llx outside the segment", ull(buddy));
	if (nb->addr == buddy && nb->size == blk->size &&
	    nb->state == MEMSIM_BLOCK_FREE)
		return block_fail(c, blk, "free, and so is its buddy %#llx", ull(buddy));
	return 0;
}

/* Walks every order's tree; the fit trees must be empty. */
static int buddy_check(struct memsim_check *c, struct memsim_stream *st, u64 *n)
{
	struct memsim_block *blk, *prev;
	struct rb_node *node;
	unsigned int order;
	u64 total = 0;
	int ret;

	for (order = 0; order <= MEMSIM_MAX_ORDER; order++) {
		bool empty = RB_EMPTY_ROOT(&st->order_tree[order]);
		bool bit = st->order_mask & (1ULL << order);

		if (empty == bit)
			return check_fail(c,
					  "stream %u: order_mask bit %u is %d, order_tree[%u] %s",
					  st->id, order, bit, order, empty ? "empty" : "not empty");
		prev = NULL;
		for (node = rb_first(&st->order_tree[order]); node; node = rb_next(node)) {
			blk = rb_entry(node, struct memsim_block, rb_addr);
			ret = memsim_check_free_entry(c, st, blk, "order_tree");
			if (ret)
				return ret;
			if (blk->order != order)
				return block_fail(c, blk, "order %u in order_tree[%u] of stream %u",
						  blk->order, order, st->id);
			if (prev && prev->addr >= blk->addr)
				return block_fail(c, blk,
						  "after %#llx in order_tree[%u] of stream %u",
						  ull(prev->addr), order, st->id);
			prev = blk;
			total++;
		}
	}
	if (!RB_EMPTY_ROOT(&st->addr_tree) || !RB_EMPTY_ROOT(&st->size_tree.rb_root))
		return check_fail(c, "stream %u: buddy mode but the fit trees are not empty",
				  st->id);
	*n = total;
	return 0;
}

static int buddy_check_block(struct memsim_check *c, struct memsim_block *blk,
			     const struct memsim_block *prev)
{
	struct memsim_stream *st = blk->segment->stream;
	u64 root, root_size;
	int ret;

	check_root_of(blk->segment, blk->addr, &root, &root_size);
	ret = buddy_check_shape(c, blk, root, root_size);
	if (ret || blk->state != MEMSIM_BLOCK_FREE)
		return ret;
	if (memsim_check_addr_find(&st->order_tree[blk->order], blk->addr) != blk)
		return block_fail(c, blk, "not in order_tree[%u] of stream %u", blk->order,
				  st->id);
	return 0;
}

static const struct memsim_index_ops memsim_buddy_index = {
	.name = "buddy",
	.init = buddy_init,
	.blocks_to_lay = buddy_blocks_to_lay,
	.lay = buddy_lay,
	.insert = buddy_insert,
	.remove = buddy_remove,
	.splits = buddy_splits,
	.take = buddy_take,
	.give_back = buddy_give_back,
	.largest = buddy_largest,
	.largest_in = buddy_largest_in,
	.first_from = buddy_first_from,
	.walk_largest = buddy_walk_largest,
	.check_block = buddy_check_block,
	.check = buddy_check,
};

const struct memsim_strategy_ops memsim_buddy_ops = {
	.name = "buddy",
	.index = &memsim_buddy_index,
	.setting = buddy_setting,
	.configure = buddy_configure,
	.round = buddy_round,
	.min_alloc = buddy_min_alloc,
	.search = buddy_search,
	.better = buddy_better,
};
