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

static inline struct memsim_block *order_entry(struct rb_node *node)
{
	return node ? rb_entry(node, struct memsim_block, rb_addr) : NULL;
}

/**
 * memsim_buddy_root_size() - size of the root that starts at an address
 * @addr: where the root starts.
 * @end: end of the segment.
 *
 * Return: the largest power of two that @addr is aligned to and that fits
 * in [@addr, @end).
 */
u64 memsim_buddy_root_size(u64 addr, u64 end)
{
	u64 size = 1ULL << ilog2(end - addr);

	if (addr && (addr & -addr) < size)
		size = addr & -addr;
	return size;
}

/**
 * memsim_buddy_roots() - number of roots a segment is carved into
 * @start: segment start.
 * @size: segment size.
 *
 * Return: the count, at most 2 * 64.
 */
unsigned int memsim_buddy_roots(u64 start, u64 size)
{
	u64 addr = start, end = start + size;
	unsigned int n = 0;

	while (addr < end) {
		addr += memsim_buddy_root_size(addr, end);
		n++;
	}
	return n;
}

/**
 * memsim_buddy_insert() - add a free block to its stream's order tree
 * @s: the block's stream.
 * @b: the free block; b->order is set.
 */
void memsim_buddy_insert(struct memsim_stream *s, struct memsim_block *b)
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

/**
 * memsim_buddy_remove() - take a free block out of its order tree
 * @s: the block's stream.
 * @b: the free block.
 */
void memsim_buddy_remove(struct memsim_stream *s, struct memsim_block *b)
{
	struct rb_root *root = &s->order_tree[b->order];

	rb_erase(&b->rb_addr, root);
	if (RB_EMPTY_ROOT(root))
		s->order_mask &= ~(1ULL << b->order);
}

/**
 * memsim_buddy_largest() - the largest free block of a stream
 * @s: the stream.
 *
 * Return: its size, from the order bitmap in O(1); 0 if none.
 */
u64 memsim_buddy_largest(const struct memsim_stream *s)
{
	return s->order_mask ? 1ULL << (fls64(s->order_mask) - 1) : 0;
}

/* First block of the tree, by address, that ends after @lo. */
static struct memsim_block *order_first_after(struct rb_root *root, u64 lo,
					      u32 *steps)
{
	struct rb_node *node = root->rb_node;
	struct memsim_block *found = NULL;

	while (node) {
		struct memsim_block *b = order_entry(node);

		(*steps)++;
		if (memsim_block_end(b) > lo) {
			found = b;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/* Last block of the tree, by address, that starts below @hi. */
static struct memsim_block *order_last_before(struct rb_root *root, u64 hi,
					      u32 *steps)
{
	struct rb_node *node = root->rb_node;
	struct memsim_block *found = NULL;

	while (node) {
		struct memsim_block *b = order_entry(node);

		(*steps)++;
		if (b->addr < hi) {
			found = b;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	return found;
}

/**
 * memsim_buddy_largest_in() - the largest free block starting in [lo, hi)
 * @s: the stream.
 * @lo: low end of the address range (a segment's start).
 * @hi: high end (the segment's end).
 *
 * The highest order with a free block in the range: one lookup per order
 * that has free blocks, O(max order * log n).  Blocks never straddle a
 * segment's ends, so the first block of an order ending after @lo is in
 * the range exactly when it starts below @hi.
 *
 * Return: the size, 0 if no free block starts in the range.
 */
u64 memsim_buddy_largest_in(const struct memsim_stream *s, u64 lo, u64 hi)
{
	struct memsim_block *b;
	u32 steps = 0;
	int i;

	for (i = MEMSIM_MAX_ORDER; i >= 0; i--) {
		if (!(s->order_mask & (1ULL << i)))
			continue;
		b = order_first_after((struct rb_root *)&s->order_tree[i], lo, &steps);
		if (b && b->addr < hi)
			return b->size;
	}
	return 0;
}

/**
 * memsim_buddy_walk_largest() - visit free blocks from the largest down
 * @s: the stream.
 * @fn: called for each block, by decreasing order and, within an order,
 *	decreasing address; the walk stops when it returns false.
 * @data: passed to @fn.
 */
void memsim_buddy_walk_largest(struct memsim_stream *s,
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

/**
 * memsim_buddy_search() - find a block in one stream under the buddy system
 * @pool: the pool.
 * @s: the stream to search.
 * @q: the query, its size already rounded to the allocation's order.
 * @c: set to the block and placement found.
 *
 * Return: true if a block fits.
 */
bool memsim_buddy_search(struct memsim_pool *pool, struct memsim_stream *s,
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

/**
 * memsim_buddy_better() - whether candidate @a beats @b (from another stream)
 * @topdown: the request is top-down.
 * @a: one candidate.
 * @b: the other.
 *
 * Return: true if @a needs fewer splits, or as many at a lower (top-down:
 * higher) address.
 */
bool memsim_buddy_better(bool topdown, const struct memsim_candidate *a,
			 const struct memsim_candidate *b)
{
	if (a->order != b->order)
		return a->order < b->order;
	return topdown ? a->place > b->place : a->place < b->place;
}

/**
 * memsim_buddy_splits() - halvings an allocation needs
 * @c: the candidate.
 *
 * Return: the order of its free block minus the order allocated.
 */
u32 memsim_buddy_splits(const struct memsim_candidate *c)
{
	return c->order - ilog2(c->size);
}

/**
 * memsim_buddy_take() - halve a candidate's free block down to the allocation
 * @pool: the pool.
 * @c: the candidate from memsim_buddy_search().
 * @r: a reserve holding memsim_buddy_splits() blocks.
 *
 * Each halving keeps the half that holds the target and frees the other.
 *
 * Return: the block, not yet marked allocated.
 */
struct memsim_block *memsim_buddy_take(struct memsim_pool *pool,
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

/**
 * memsim_buddy_give_back() - return a freed block, merging with its buddies
 * @pool: the pool.
 * @b: the block, out of the allocated tree and the counters already.
 * @res: coalescing outcome.
 */
void memsim_buddy_give_back(struct memsim_pool *pool, struct memsim_block *b,
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
	b->requested = 0;
	b->tag = 0;
	b->owner = 0;
	b->label[0] = '\0';
	memsim_free_insert(pool, b);
	if (res->coalesced)
		memsim_emit_block(pool, MEMSIM_EV_COALESCE, b);
	res->coalesced_addr = b->addr;
	res->coalesced_size = b->size;
}
