// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: first fit, next fit, best fit and worst fit
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Fit strategies
 *
 * The four fit strategies share two indexes of each stream's free blocks,
 * which is why switching among them costs nothing:
 *
 * - an rbtree by address, each node augmented with the largest free size in
 *   its subtree (RB_DECLARE_CALLBACKS_MAX, as drm_mm keeps its holes).  To
 *   find the lowest block of at least a size at or after an address, the
 *   search walks down towards the address, then climbs back past the nodes
 *   that lie after it, and descends into the first subtree whose maximum is
 *   large enough: O(log n).  First fit and next fit use it, top-down
 *   placement its mirror image;
 * - an rbtree by (size, address), whose in-order walk is best fit's
 *   preference order: the smallest block that fits, lowest address first.
 *   Worst fit walks it from the largest size down, jumping to the lowest
 *   address of each size group: O(log n) per group.
 *
 * Keying the size tree by address too is what makes ties deterministic:
 * drm_mm's best fit returns the most recently inserted of equal holes, the
 * Python design iterated a set whose keys changed under it.
 *
 * The indexes prune by size only.  A candidate can still fail on alignment
 * (its padding does not fit) or on the request's range; the search then
 * resumes after it.  So an unconstrained request costs O(log n), and a
 * constrained one O(log n) per rejected candidate.  For first fit and next
 * fit the rejects are blocks smaller than size + alignment - 1 plus at most
 * two blocks straddling the range's ends; best and worst fit with a range
 * may walk past every block outside it, as drm_mm's best fit does.
 * Fixed-address requests use the address search whatever the strategy:
 * only one block can hold them.
 */

#include "memsim_core_priv.h"

static inline u64 memsim_block_size(struct memsim_block *b)
{
	return b->size;
}

RB_DECLARE_CALLBACKS_MAX(static, memsim_addr_cb, struct memsim_block, rb_addr,
			 u64, subtree_max, memsim_block_size)

static inline struct memsim_block *addr_entry(struct rb_node *node)
{
	return node ? rb_entry(node, struct memsim_block, rb_addr) : NULL;
}

static inline struct memsim_block *size_entry(struct rb_node *node)
{
	return node ? rb_entry(node, struct memsim_block, rb_size) : NULL;
}

static inline u64 subtree_max(struct rb_node *node)
{
	return node ? addr_entry(node)->subtree_max : 0;
}

static void addr_insert(struct rb_root *root, struct memsim_block *b)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;

	b->subtree_max = b->size;
	while (*link) {
		struct memsim_block *cur;

		parent = *link;
		cur = addr_entry(parent);
		/* Every ancestor's maximum covers the new node from now on. */
		if (cur->subtree_max < b->size)
			cur->subtree_max = b->size;
		link = b->addr < cur->addr ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&b->rb_addr, parent, link);
	rb_insert_augmented(&b->rb_addr, root, &memsim_addr_cb);
}

static bool size_less(struct rb_node *a, const struct rb_node *b)
{
	const struct memsim_block *x = rb_entry(a, struct memsim_block, rb_size);
	const struct memsim_block *y = rb_entry(b, struct memsim_block, rb_size);

	return x->size < y->size || (x->size == y->size && x->addr < y->addr);
}

/**
 * memsim_fit_insert() - add a free block to its stream's fit indexes
 * @s: the block's stream.
 * @b: the free block.
 */
void memsim_fit_insert(struct memsim_stream *s, struct memsim_block *b)
{
	addr_insert(&s->addr_tree, b);
	rb_add_cached(&b->rb_size, &s->size_tree, size_less);
}

/**
 * memsim_fit_remove() - take a free block out of its stream's fit indexes
 * @s: the block's stream.
 * @b: the free block.
 */
void memsim_fit_remove(struct memsim_stream *s, struct memsim_block *b)
{
	rb_erase_augmented(&b->rb_addr, &s->addr_tree, &memsim_addr_cb);
	rb_erase_cached(&b->rb_size, &s->size_tree);
}

/**
 * memsim_fit_largest() - the largest free block of a stream
 * @s: the stream.
 *
 * Return: its size, read from the augmented root in O(1); 0 if none.
 */
u64 memsim_fit_largest(const struct memsim_stream *s)
{
	return subtree_max(s->addr_tree.rb_node);
}

/**
 * memsim_fit_largest_in() - the largest free block starting in [lo, hi)
 * @s: the stream.
 * @lo: low end of the address range.
 * @hi: high end, above @lo.
 *
 * A range maximum over the augmented address tree: below the node where
 * the paths to @lo and @hi part, every subtree that lies wholly inside the
 * range gives its subtree_max without being entered.  O(log n).
 *
 * Return: the size, 0 if no free block starts in the range.
 */
u64 memsim_fit_largest_in(const struct memsim_stream *s, u64 lo, u64 hi)
{
	struct rb_node *node = s->addr_tree.rb_node, *split;
	struct memsim_block *b;
	u64 best;

	/* The highest node inside the range: the paths part there. */
	while (node) {
		b = addr_entry(node);
		if (b->addr < lo)
			node = node->rb_right;
		else if (b->addr >= hi)
			node = node->rb_left;
		else
			break;
	}
	if (!node)
		return 0;
	split = node;
	best = b->size;

	/* Towards @lo: a node inside brings its whole right subtree. */
	for (node = split->rb_left; node;) {
		b = addr_entry(node);
		if (b->addr >= lo) {
			best = max(best, max(b->size, subtree_max(node->rb_right)));
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	/* Towards @hi: a node inside brings its whole left subtree. */
	for (node = split->rb_right; node;) {
		b = addr_entry(node);
		if (b->addr < hi) {
			best = max(best, max(b->size, subtree_max(node->rb_left)));
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}
	return best;
}

/**
 * memsim_fit_walk_largest() - visit free blocks from the largest down
 * @s: the stream.
 * @fn: called for each block, by decreasing size and, among equal sizes,
 *	decreasing address; the walk stops when it returns false.
 * @data: passed to @fn.
 */
void memsim_fit_walk_largest(struct memsim_stream *s,
			     bool (*fn)(struct memsim_block *b, void *data), void *data)
{
	struct rb_node *node;

	for (node = rb_last(&s->size_tree.rb_root); node; node = rb_prev(node))
		if (!fn(size_entry(node), data))
			break;
}

static struct memsim_block *leftmost_fit(struct rb_node *node, u64 need, u32 *steps)
{
	while (node) {
		struct memsim_block *b = addr_entry(node);

		(*steps)++;
		if (subtree_max(node->rb_left) >= need) {
			node = node->rb_left;
			continue;
		}
		if (b->size >= need)
			return b;
		node = node->rb_right;
	}
	return NULL;
}

static struct memsim_block *rightmost_fit(struct rb_node *node, u64 need, u32 *steps)
{
	while (node) {
		struct memsim_block *b = addr_entry(node);

		(*steps)++;
		if (subtree_max(node->rb_right) >= need) {
			node = node->rb_right;
			continue;
		}
		if (b->size >= need)
			return b;
		node = node->rb_left;
	}
	return NULL;
}

/*
 * The lowest free block with size >= @need that ends after @lo.
 *
 * Walking down towards @lo, every node that ends after it is a "pending"
 * node: it and its right subtree qualify by position, and they come in
 * address order from the deepest pending node upwards.  So: find the deepest
 * one, then climb through the pending ancestors (those reached from a left
 * child), returning the first that fits by itself or whose right subtree's
 * maximum says it holds a fit.  One walk down, one up, one descent.
 */
static struct memsim_block *addr_first_fit(struct rb_root *root, u64 lo, u64 need,
					   u32 *steps)
{
	struct rb_node *node = root->rb_node, *pending = NULL;

	if (subtree_max(node) < need)
		return NULL;
	while (node) {
		(*steps)++;
		if (memsim_block_end(addr_entry(node)) > lo) {
			pending = node;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}

	while (pending) {
		struct rb_node *child;

		(*steps)++;
		if (addr_entry(pending)->size >= need)
			return addr_entry(pending);
		if (subtree_max(pending->rb_right) >= need)
			return leftmost_fit(pending->rb_right, need, steps);
		do {
			child = pending;
			pending = rb_parent(pending);
		} while (pending && child == pending->rb_right);
	}
	return NULL;
}

/* The mirror image: the highest free block with size >= @need below @hi. */
static struct memsim_block *addr_last_fit(struct rb_root *root, u64 hi, u64 need,
					  u32 *steps)
{
	struct rb_node *node = root->rb_node, *pending = NULL;

	if (subtree_max(node) < need)
		return NULL;
	while (node) {
		(*steps)++;
		if (addr_entry(node)->addr < hi) {
			pending = node;
			node = node->rb_right;
		} else {
			node = node->rb_left;
		}
	}

	while (pending) {
		struct rb_node *child;

		(*steps)++;
		if (addr_entry(pending)->size >= need)
			return addr_entry(pending);
		if (subtree_max(pending->rb_left) >= need)
			return rightmost_fit(pending->rb_left, need, steps);
		do {
			child = pending;
			pending = rb_parent(pending);
		} while (pending && child == pending->rb_left);
	}
	return NULL;
}

/* First fit (and next fit, and fixed addresses): address order. */
static bool fit_by_address(struct memsim_stream *s, struct memsim_query *q,
			   struct memsim_candidate *c)
{
	struct memsim_block *b;

	if (!q->topdown) {
		for (b = addr_first_fit(&s->addr_tree, q->lo, q->size, &q->steps);
		     b && b->addr < q->hi;
		     b = addr_first_fit(&s->addr_tree, memsim_block_end(b), q->size,
					&q->steps)) {
			if (memsim_place_in(q, b->addr, memsim_block_end(b), false, &c->place))
				goto found;
		}
	} else {
		for (b = addr_last_fit(&s->addr_tree, q->hi, q->size, &q->steps);
		     b && memsim_block_end(b) > q->lo;
		     b = addr_last_fit(&s->addr_tree, b->addr, q->size, &q->steps)) {
			if (memsim_place_in(q, b->addr, memsim_block_end(b), true, &c->place))
				goto found;
		}
	}
	return false;

found:
	c->block = b;
	c->size = q->size;
	return true;
}

/* The first block, in (size, address) order, at or after (size, addr). */
static struct memsim_block *size_lower_bound(struct memsim_stream *s, u64 size,
					     u64 addr, u32 *steps)
{
	struct rb_node *node = s->size_tree.rb_root.rb_node;
	struct memsim_block *found = NULL;

	while (node) {
		struct memsim_block *b = size_entry(node);

		(*steps)++;
		if (b->size > size || (b->size == size && b->addr >= addr)) {
			found = b;
			node = node->rb_left;
		} else {
			node = node->rb_right;
		}
	}
	return found;
}

/* Lowest and highest address among the free blocks of exactly @size. */
static struct memsim_block *size_group_first(struct memsim_stream *s, u64 size,
					     u32 *steps)
{
	return size_lower_bound(s, size, 0, steps);
}

static struct memsim_block *size_group_last(struct memsim_stream *s, u64 size,
					    u32 *steps)
{
	struct memsim_block *after = NULL;

	if (size != U64_MAX)
		after = size_lower_bound(s, size + 1, 0, steps);
	if (after)
		return size_entry(rb_prev(&after->rb_size));
	return size_entry(rb_last(&s->size_tree.rb_root));
}

/*
 * Preference order of best fit (sizes up) and worst fit (sizes down), each
 * with ties to the lowest address, or to the highest one when top-down.
 * Within a size group the tree is walked node by node; the next group is
 * entered at its first or last node by a fresh O(log n) search.
 */
static struct memsim_block *size_first(struct memsim_stream *s, bool best,
				       bool topdown, u64 need, u32 *steps)
{
	struct memsim_block *b;

	if (best) {
		b = size_lower_bound(s, need, 0, steps);
		if (b && topdown)
			b = size_group_last(s, b->size, steps);
	} else {
		b = size_entry(rb_last(&s->size_tree.rb_root));
		if (b && !topdown)
			b = size_group_first(s, b->size, steps);
	}
	return b && b->size >= need ? b : NULL;
}

static struct memsim_block *size_next(struct memsim_stream *s, struct memsim_block *b,
				      bool best, bool topdown, u64 need, u32 *steps)
{
	struct memsim_block *n;

	(*steps)++;
	/* Within the group: towards higher or lower addresses. */
	n = size_entry(topdown ? rb_prev(&b->rb_size) : rb_next(&b->rb_size));
	if (n && n->size == b->size)
		return n;

	/* The next group: one size up for best fit, one down for worst fit. */
	if (best) {
		if (topdown)
			n = b->size == U64_MAX ? NULL :
				size_lower_bound(s, b->size + 1, 0, steps);
		if (n && topdown)
			n = size_group_last(s, n->size, steps);
	} else {
		n = topdown ? n : size_entry(rb_prev(&size_group_first(s, b->size,
								       steps)->rb_size));
		if (n && !topdown)
			n = size_group_first(s, n->size, steps);
	}
	return n && n->size >= need ? n : NULL;
}

static bool fit_by_size(struct memsim_stream *s, bool best, struct memsim_query *q,
			struct memsim_candidate *c)
{
	struct memsim_block *b;

	for (b = size_first(s, best, q->topdown, q->size, &q->steps); b;
	     b = size_next(s, b, best, q->topdown, q->size, &q->steps)) {
		if (memsim_place_in(q, b->addr, memsim_block_end(b), q->topdown, &c->place)) {
			c->block = b;
			c->size = q->size;
			return true;
		}
	}
	return false;
}

/**
 * memsim_fit_search() - find a block in one stream under a fit strategy
 * @pool: the pool; its strategy picks the rule.
 * @s: the stream to search.
 * @q: the query; its step count grows by the nodes visited.
 * @c: set to the block and placement found.
 *
 * Return: true if a block fits.
 */
bool memsim_fit_search(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_query *q, struct memsim_candidate *c)
{
	switch (q->fixed ? MEMSIM_FIRST_FIT : pool->strategy) {
	case MEMSIM_BEST_FIT:
		return fit_by_size(s, true, q, c);
	case MEMSIM_WORST_FIT:
		return fit_by_size(s, false, q, c);
	default:
		return fit_by_address(s, q, c);
	}
}

/**
 * memsim_fit_better() - whether candidate @a beats @b (from another stream)
 * @strategy: the active strategy.
 * @topdown: the request is top-down.
 * @a: one candidate.
 * @b: the other.
 *
 * Return: true if @a comes first in the strategy's preference order.
 */
bool memsim_fit_better(enum memsim_strategy strategy, bool topdown,
		       const struct memsim_candidate *a,
		       const struct memsim_candidate *b)
{
	u64 as = a->block->size, bs = b->block->size;

	if (strategy == MEMSIM_BEST_FIT && as != bs)
		return as < bs;
	if (strategy == MEMSIM_WORST_FIT && as != bs)
		return as > bs;
	/* Blocks of different streams never overlap: addresses decide. */
	return topdown ? a->place > b->place : a->place < b->place;
}

/**
 * memsim_fit_splits() - blocks an allocation will split off its free block
 * @c: the candidate.
 *
 * Return: 0 to 2: the alignment padding before it, the tail after it.
 */
u32 memsim_fit_splits(const struct memsim_candidate *c)
{
	return (c->place > c->block->addr) +
	       (c->place + c->size < memsim_block_end(c->block));
}

/* A new block of @b's segment for [addr, addr + size), from the reserve. */
static struct memsim_block *split_off(struct memsim_block *b, u64 addr, u64 size,
				      struct memsim_block_reserve *r)
{
	struct memsim_block *n = memsim_reserve_take(r);

	n->segment = b->segment;
	n->addr = addr;
	n->size = size;
	memsim_account_blocks(b->segment, 1);
	return n;
}

/**
 * memsim_fit_take() - carve a candidate's allocation out of its free block
 * @pool: the pool.
 * @c: the candidate from memsim_fit_search().
 * @r: a reserve holding memsim_fit_splits() blocks.
 *
 * The free block's own structure becomes the allocated block; the padding
 * before and the tail after it become new free blocks on either side.
 *
 * Return: the block, not yet marked allocated.
 */
struct memsim_block *memsim_fit_take(struct memsim_pool *pool,
				     const struct memsim_candidate *c,
				     struct memsim_block_reserve *r)
{
	struct memsim_block *b = c->block, *n;
	u64 end = memsim_block_end(b), alloc_end = c->place + c->size;

	memsim_free_remove(pool, b);
	if (c->place > b->addr) {
		n = split_off(b, b->addr, c->place - b->addr, r);
		list_add_tail(&n->link, &b->link);
		memsim_free_insert(pool, n);
		memsim_emit_block(pool, MEMSIM_EV_SPLIT, n);
	}
	if (alloc_end < end) {
		n = split_off(b, alloc_end, end - alloc_end, r);
		list_add(&n->link, &b->link);
		memsim_free_insert(pool, n);
		memsim_emit_block(pool, MEMSIM_EV_SPLIT, n);
	}
	b->addr = c->place;
	b->size = c->size;
	return b;
}

/* The free neighbour of @b on its segment's list in direction @next, if any. */
static struct memsim_block *free_neighbour(struct memsim_block *b, bool next)
{
	struct list_head *pos = next ? b->link.next : b->link.prev;
	struct memsim_block *n;

	if (pos == &b->segment->blocks)
		return NULL;
	n = list_entry(pos, struct memsim_block, link);
	return n->state == MEMSIM_BLOCK_FREE ? n : NULL;
}

/* Fold @victim, a free neighbour, into @b and drop its structure. */
static void absorb(struct memsim_pool *pool, struct memsim_block *b,
		   struct memsim_block *victim)
{
	memsim_free_remove(pool, victim);
	if (victim->addr < b->addr)
		b->addr = victim->addr;
	b->size += victim->size;
	list_del(&victim->link);
	memsim_account_blocks(b->segment, -1);
	memsim_block_put(pool, victim);
}

/**
 * memsim_fit_give_back() - return a freed block to the free space
 * @pool: the pool.
 * @b: the block, out of the allocated tree and the counters already.
 * @res: coalescing outcome.
 *
 * Merges with free neighbours on the same segment (a segment's list never
 * holds another segment's blocks, so merges cannot cross segments), then
 * indexes the result.  Deferred frees are not free, so they stay apart.
 */
void memsim_fit_give_back(struct memsim_pool *pool, struct memsim_block *b,
			  struct memsim_free_result *res)
{
	struct memsim_block *n;

	n = free_neighbour(b, false);
	if (n) {
		absorb(pool, b, n);
		res->coalesced = true;
	}
	n = free_neighbour(b, true);
	if (n) {
		absorb(pool, b, n);
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
