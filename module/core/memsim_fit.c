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
#include "memsim_check.h"

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

/* A free block enters, or leaves, both indexes of its stream. */
static void fit_insert(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b)
{
	addr_insert(&s->addr_tree, b);
	rb_add_cached(&b->rb_size, &s->size_tree, size_less);
}

static void fit_remove(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b)
{
	rb_erase_augmented(&b->rb_addr, &s->addr_tree, &memsim_addr_cb);
	rb_erase_cached(&b->rb_size, &s->size_tree);
}

/*
 * A free block's extent changes without changing its place in address
 * order (the caller guarantees it: a split keeps a piece where the block
 * was, a merge grows a block over neighbours that were not free blocks of
 * the index).  So the address tree keeps the node where it is and only
 * the maxima above it are recomputed, up to the first that does not
 * change; the size tree, keyed by size, takes it out and back.
 */
static void fit_resize(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b, u64 addr, u64 size)
{
	rb_erase_cached(&b->rb_size, &s->size_tree);
	b->addr = addr;
	b->size = size;
	memsim_addr_cb_propagate(&b->rb_addr, NULL);
	rb_add_cached(&b->rb_size, &s->size_tree, size_less);
}

/* The largest free block, read from the augmented root in O(1). */
static u64 fit_largest(const struct memsim_pool *pool, const struct memsim_stream *s)
{
	return subtree_max(s->addr_tree.rb_node);
}

/*
 * The largest free block starting in [lo, hi): a range maximum over the
 * augmented address tree.  Below the node where the paths to @lo and @hi
 * part, every subtree that lies wholly inside the range gives its
 * subtree_max without being entered.  O(log n).
 */
static u64 fit_largest_in(const struct memsim_pool *pool, const struct memsim_stream *s,
			  u64 lo, u64 hi)
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

/* Free blocks by decreasing (size, address): the size tree backwards. */
static void fit_walk_largest(struct memsim_pool *pool, struct memsim_stream *s,
			     bool (*fn)(struct memsim_block *b, void *data), void *data)
{
	struct rb_node *node;

	for (node = rb_last(&s->size_tree.rb_root); node; node = rb_prev(node))
		if (!fn(size_entry(node), data))
			break;
}

/*
 * The address walks come in mirror pairs, written once for both directions
 * (as drm_mm writes its hole walkers once, with DECLARE_NEXT_HOLE_ADDR):
 * towards low addresses they go near = rb_left, far = rb_right; towards
 * high addresses the other way round.  @high is a constant at every call,
 * so each direction compiles to its own straight code.
 */
static __always_inline struct rb_node *near_child(const struct rb_node *node, bool high)
{
	return high ? node->rb_right : node->rb_left;
}

static __always_inline struct rb_node *far_child(const struct rb_node *node, bool high)
{
	return high ? node->rb_left : node->rb_right;
}

/* @b lies on the searched side of @bound: ends after it, or starts below it. */
static __always_inline bool ahead(const struct memsim_block *b, u64 bound, bool high)
{
	return high ? b->addr < bound : memsim_block_end(b) > bound;
}

/* The nearest block with size >= @need in a subtree, following subtree_max. */
static __always_inline struct memsim_block *nearest_in_subtree(struct rb_node *node, u64 need,
							       bool high, u32 *steps)
{
	while (node) {
		struct memsim_block *b = addr_entry(node);

		(*steps)++;
		if (subtree_max(near_child(node, high)) >= need) {
			node = near_child(node, high);
			continue;
		}
		if (b->size >= need)
			return b;
		node = far_child(node, high);
	}
	return NULL;
}

/*
 * The nearest free block with size >= @need on the searched side of
 * @bound: the lowest that ends after it, or (@high) the highest that starts
 * below it.
 *
 * Walking down towards @bound, every node ahead of it is a "pending" node:
 * it and its far subtree qualify by position, and they come in address
 * order from the deepest pending node upwards.  So: find the deepest one,
 * then climb through the pending ancestors (those reached from a near
 * child), returning the first that fits by itself or whose far subtree's
 * maximum says it holds a fit.  One walk down, one up, one descent.
 */
static __always_inline struct memsim_block *addr_nearest_fit(struct rb_root *root, u64 bound,
							     u64 need, bool high, u32 *steps)
{
	struct rb_node *node = root->rb_node, *pending = NULL;

	if (subtree_max(node) < need)
		return NULL;
	while (node) {
		(*steps)++;
		if (ahead(addr_entry(node), bound, high)) {
			pending = node;
			node = near_child(node, high);
		} else {
			node = far_child(node, high);
		}
	}

	while (pending) {
		struct rb_node *child;

		(*steps)++;
		if (addr_entry(pending)->size >= need)
			return addr_entry(pending);
		if (subtree_max(far_child(pending, high)) >= need)
			return nearest_in_subtree(far_child(pending, high), need, high, steps);
		do {
			child = pending;
			pending = rb_parent(pending);
		} while (pending && child == far_child(pending, high));
	}
	return NULL;
}

/* The lowest free block with size >= @need that ends after @lo. */
static struct memsim_block *addr_first_fit(struct rb_root *root, u64 lo, u64 need,
					   u32 *steps)
{
	return addr_nearest_fit(root, lo, need, false, steps);
}

/* The highest free block with size >= @need that starts below @hi. */
static struct memsim_block *addr_last_fit(struct rb_root *root, u64 hi, u64 need,
					  u32 *steps)
{
	return addr_nearest_fit(root, hi, need, true, steps);
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

/* A position in (size, address) order, and the search's step counter. */
struct size_key {
	u64 size;
	u64 addr;
	u32 *steps;
};

static int size_at_or_after(const void *key, const struct rb_node *node)
{
	const struct size_key *k = key;
	const struct memsim_block *b = size_entry((struct rb_node *)node);

	(*k->steps)++;
	return b->size > k->size || (b->size == k->size && b->addr >= k->addr) ? 0 : 1;
}

/* The first block, in (size, address) order, at or after (size, addr). */
static struct memsim_block *size_lower_bound(struct memsim_stream *s, u64 size,
					     u64 addr, u32 *steps)
{
	struct size_key key = { .size = size, .addr = addr, .steps = steps };

	return size_entry(rb_find_first(&key, &s->size_tree.rb_root, size_at_or_after));
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

/*
 * The four rules.  A fixed-address request uses the address search
 * whatever the strategy: only one block can hold it.
 */
static bool first_fit_search(struct memsim_pool *pool, struct memsim_stream *s,
			     struct memsim_query *q, struct memsim_candidate *c)
{
	return fit_by_address(s, q, c);
}

static bool best_fit_search(struct memsim_pool *pool, struct memsim_stream *s,
			    struct memsim_query *q, struct memsim_candidate *c)
{
	return q->fixed ? fit_by_address(s, q, c) : fit_by_size(s, true, q, c);
}

static bool worst_fit_search(struct memsim_pool *pool, struct memsim_stream *s,
			     struct memsim_query *q, struct memsim_candidate *c)
{
	return q->fixed ? fit_by_address(s, q, c) : fit_by_size(s, false, q, c);
}

/*
 * Between candidates of different streams, which never overlap: addresses
 * decide (top-down: the higher), after the size for best and worst fit.
 */
static bool by_address(const struct memsim_query *q, const struct memsim_candidate *a,
		       const struct memsim_candidate *b)
{
	return q->topdown ? a->place > b->place : a->place < b->place;
}

static bool best_fit_better(const struct memsim_query *q, const struct memsim_candidate *a,
			    const struct memsim_candidate *b)
{
	if (a->block->size != b->block->size)
		return a->block->size < b->block->size;
	return by_address(q, a, b);
}

static bool worst_fit_better(const struct memsim_query *q, const struct memsim_candidate *a,
			     const struct memsim_candidate *b)
{
	if (a->block->size != b->block->size)
		return a->block->size > b->block->size;
	return by_address(q, a, b);
}

/* A segment is laid with one free block: all of it. */
static unsigned int fit_blocks_to_lay(const struct memsim_pool *pool, u64 start, u64 size)
{
	return 1;
}

static u64 fit_lay(const struct memsim_pool *pool, struct memsim_block *b, u64 end)
{
	return end - b->addr;
}

/* The trees live in the stream, zeroed (empty) when it was made. */
static void fit_init(const struct memsim_pool *pool, struct memsim_stream *s)
{
	s->addr_tree = RB_ROOT;
	s->size_tree = RB_ROOT_CACHED;
}

static struct memsim_block *fit_first_from(struct memsim_pool *pool,
					   struct memsim_stream *s, u64 addr)
{
	return memsim_addr_first_from(&s->addr_tree, addr);
}

/* ---- invariants, for memsim_pool_check() ---- */

/* The checker's reporting helpers, under the names the checks read best with. */
#define check_fail	memsim_check_fail
#define block_fail	memsim_check_block_fail
#define ull		memsim_ull

/* The node of the size tree at (size, address), found by descending. */
static struct memsim_block *size_tree_find(const struct rb_root *root, u64 size, u64 addr)
{
	struct rb_node *node = root->rb_node;

	while (node) {
		struct memsim_block *blk = size_entry(node);

		if (size < blk->size || (size == blk->size && addr < blk->addr))
			node = node->rb_left;
		else if (size > blk->size || addr > blk->addr)
			node = node->rb_right;
		else
			return blk;
	}
	return NULL;
}

/*
 * An allocated block is exactly its request (the fit strategies split off
 * every other byte); a free one follows no free block (it would have
 * merged) and is in both trees of its stream, as that very node.
 */
static int fit_check_block(struct memsim_check *c, struct memsim_block *blk,
			   const struct memsim_block *prev)
{
	struct memsim_stream *st = blk->segment->stream;

	if (blk->state != MEMSIM_BLOCK_FREE) {
		if (blk->requested != blk->size)
			return block_fail(c, blk,
						       "requested %llu does not fit the block",
						       ull(blk->requested));
		return 0;
	}
	if (prev && prev->state == MEMSIM_BLOCK_FREE)
		return block_fail(c, blk, "free after a free block (not coalesced)");
	if (memsim_check_addr_find(&st->addr_tree, blk->addr) != blk)
		return block_fail(c, blk, "not in addr_tree of stream %u", st->id);
	if (size_tree_find(&st->size_tree.rb_root, blk->size, blk->addr) != blk)
		return block_fail(c, blk, "not in size_tree of stream %u", st->id);
	return 0;
}

/*
 * Recomputes subtree_max bottom-up.  The recursion depth is the tree's
 * height, at most 2 * log2(n + 1) for a red-black tree.
 */
static int check_subtree_max(struct memsim_check *c, struct memsim_stream *st,
			     struct rb_node *node, u64 *max)
{
	struct memsim_block *blk;
	u64 left = 0, right = 0, want;
	int ret;

	if (!node) {
		*max = 0;
		return 0;
	}
	ret = check_subtree_max(c, st, node->rb_left, &left);
	if (ret)
		return ret;
	ret = check_subtree_max(c, st, node->rb_right, &right);
	if (ret)
		return ret;

	blk = addr_entry(node);
	want = max(blk->size, max(left, right));
	if (blk->subtree_max != want)
		return block_fail(c, blk,
					       "stream %u addr_tree subtree_max %#llx, expected %#llx",
					       st->id, ull(blk->subtree_max),
					       ull(want));
	*max = want;
	return 0;
}

/* Walks both trees in order; the other families' fields must be empty. */
static int fit_check(struct memsim_check *c, struct memsim_stream *st, u64 *n)
{
	struct memsim_block *blk, *prev = NULL;
	struct rb_node *node;
	u64 na = 0, ns = 0, max;
	unsigned int order;
	int ret;

	for (node = rb_first(&st->addr_tree); node; node = rb_next(node)) {
		blk = addr_entry(node);
		ret = memsim_check_free_entry(c, st, blk, "addr_tree");
		if (ret)
			return ret;
		if (prev && prev->addr >= blk->addr)
			return block_fail(c, blk,
						       "after %#llx in addr_tree of stream %u",
						       ull(prev->addr), st->id);
		prev = blk;
		na++;
	}
	ret = check_subtree_max(c, st, st->addr_tree.rb_node, &max);
	if (ret)
		return ret;

	prev = NULL;
	for (node = rb_first(&st->size_tree.rb_root); node; node = rb_next(node)) {
		blk = size_entry(node);
		ret = memsim_check_free_entry(c, st, blk, "size_tree");
		if (ret)
			return ret;
		if (prev && (prev->size > blk->size ||
			     (prev->size == blk->size && prev->addr >= blk->addr)))
			return block_fail(c, blk,
						       "after [%#llx+%#llx) in size_tree of stream %u",
						       ull(prev->addr), ull(prev->size),
						       st->id);
		prev = blk;
		ns++;
	}
	if (st->size_tree.rb_leftmost != rb_first(&st->size_tree.rb_root))
		return check_fail(c, "stream %u: size_tree's cached leftmost is stale",
					 st->id);
	if (na != ns)
		return check_fail(c, "stream %u: addr_tree holds %llu, size_tree %llu",
					 st->id, ull(na), ull(ns));
	for (order = 0; order <= MEMSIM_MAX_ORDER; order++)
		if (!RB_EMPTY_ROOT(&st->order_tree[order]))
			return check_fail(c,
						 "stream %u: fit mode but order_tree[%u] is not empty",
						 st->id, order);
	if (st->order_mask)
		return check_fail(c, "stream %u: fit mode but order_mask %#llx", st->id,
					 ull(st->order_mask));
	*n = na;
	return 0;
}

static const struct memsim_index_ops memsim_fit_index = {
	.name = "fit",
	.init = fit_init,
	.blocks_to_lay = fit_blocks_to_lay,
	.lay = fit_lay,
	.insert = fit_insert,
	.remove = fit_remove,
	.resize = fit_resize,
	.splits = memsim_extent_splits,
	.take = memsim_extent_take,
	.give_back = memsim_extent_give_back,
	.largest = fit_largest,
	.largest_in = fit_largest_in,
	.first_from = fit_first_from,
	.walk_largest = fit_walk_largest,
	.check_block = fit_check_block,
	.check = fit_check,
};

const struct memsim_strategy_ops memsim_first_fit_ops = {
	.name = "first",
	.index = &memsim_fit_index,
	.search = first_fit_search,
	.better = by_address,
};

const struct memsim_strategy_ops memsim_best_fit_ops = {
	.name = "best",
	.index = &memsim_fit_index,
	.search = best_fit_search,
	.better = best_fit_better,
};

const struct memsim_strategy_ops memsim_worst_fit_ops = {
	.name = "worst",
	.index = &memsim_fit_index,
	.search = worst_fit_search,
	.better = worst_fit_better,
};

/* Next fit is first fit from the pool's cursor (the pool roves it). */
const struct memsim_strategy_ops memsim_next_fit_ops = {
	.name = "next",
	.index = &memsim_fit_index,
	.roving = true,
	.search = first_fit_search,
	.better = by_address,
};
