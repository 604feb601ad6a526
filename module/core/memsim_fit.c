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
 * The indexes prune by size and, for aligned requests, by the usable size
 * at the stream's alignment class (see "Alignment aggregates" below: first,
 * next and best fit use it; the choice is unchanged).  A candidate can
 * still fail on the request's range, or on an alignment above the class;
 * the search then resumes after it.  So an unconstrained request, and one
 * aligned to the stream's class, costs O(log n), and a constrained one
 * O(log n) per rejected candidate.  For first fit and next fit the rejects
 * are blocks usable at the class for less than size + alignment - 1, plus
 * at most two blocks straddling the range's ends; best and worst fit with a
 * range may walk past every block outside it, as drm_mm's best fit does.
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

/*
 * Alignment aggregates.
 *
 * The trees prune by size, but an aligned request can be refused by a
 * block large enough by size: its padding up to the first aligned address
 * does not leave room.  A stream whose requests are aligned therefore
 * keeps, for one alignment class k (&memsim_stream.align_class, 2^k bytes),
 * the largest *usable* size in every subtree of both trees: usable_at(b, k),
 * the bytes from the block's first 2^k-aligned address to its end.
 *
 * Why this never changes a placement: a block that fits a request aligned
 * to 2^j, j >= k, holds it at some p, a multiple of 2^j and so of 2^k, with
 * addr <= p and p + size <= end; the first 2^k-aligned address q of the
 * block is at most p, so usable_at(b, k) = end - q >= end - p >= size.
 * "usable_at(b, k) >= size" is thus a necessary condition of fitting, as
 * "b->size >= size" is (it is the case k = 0).  The searches below keep
 * their order of candidates and only skip blocks (and whole subtrees, whose
 * maxima bound every block in them) that fail it; every candidate left is
 * still checked by memsim_place_in(), alignment and range included.  The
 * candidates skipped could not fit, so the first one that fits in the
 * strategy's order - the documented choice - is the same block, placed at
 * the same address.  For a request aligned to exactly 2^k without a range,
 * the condition is also sufficient, so the first candidate fits: O(log n).
 *
 * The aggregates are exact (the checker recomputes them), stored as
 * differences that fit 16 bits for k <= FIT_MAX_CLASS (14), in what was the
 * block structure's tail padding:
 *
 * - address tree: align_gap = subtree_max - (largest usable size in the
 *   subtree), in [0, 2^k): the subtree's largest block by size is usable
 *   for all but its padding, at most 2^k - 1 (a block with no aligned
 *   address is smaller than 2^k);
 * - size tree: align_lead = size - (largest usable size in the subtree).
 *   The left subtree holds no larger block (the key is (size, address)),
 *   the node itself loses at most 2^k - 1, so the lead is below 2^k; the
 *   right subtree can hold more, any amount: a lead below -(2^15 - 1) is
 *   stored as FIT_LEAD_FAR, an unknown bound (U64_MAX) that prunes nothing.
 *   A left child's bound is clipped to its parent's size, which bounds it.
 *   With a FIT_LEAD_FAR below, a bound can exceed the truth, so the size
 *   tree's descent backtracks when a subtree promised more than it holds.
 *
 * The class is chosen by the requests: a search that the aggregates do not
 * serve exactly (no class kept, or one that differs from its alignment)
 * adds the candidates it rejected to &memsim_stream.align_waste, and when
 * they outnumber the stream's free blocks the aggregates are rebuilt for
 * that request's class in one O(n) pass (fit_rebuild()).  A stream with a
 * steady alignment pays that once; under a mix the rebuilds are paid for by
 * at least as many rejects as they cost.  Requests aligned to 2^j with j
 * above the kept k are pruned by the weaker class k; those below it (and
 * every request of a stream that keeps no class) search as before.  While
 * no class is kept (k = 0) nothing is maintained: unaligned work costs one
 * test more per insert and remove.
 */
#define FIT_MAX_CLASS		14
#define FIT_LEAD_FAR		(-0x7fff - 1)
#define FIT_LEAD_STALE		0x7fff
/* Rejects a stream tolerates above its free block count before a rebuild. */
#define FIT_REBUILD_SLACK	64

/* Bytes of @b from its first 2^@k-aligned address to its end; 0 if none. */
static inline u64 usable_at(const struct memsim_block *b, unsigned int k)
{
	u64 mask = (1ULL << k) - 1, end = memsim_block_end(b), p;

	if (check_add_overflow(b->addr, mask, &p))
		return 0;
	p &= ~mask;
	return p < end ? end - p : 0;
}

static inline unsigned int block_class(const struct memsim_block *b)
{
	return b->segment->stream->align_class;
}

/* The largest usable size at the stream's class in @node's subtree. */
static inline u64 addr_align_max(struct rb_node *node)
{
	struct memsim_block *b = addr_entry(node);

	return b ? b->subtree_max - b->align_gap : 0;
}

static bool addr_align_compute(struct memsim_block *b, bool exit)
{
	u64 max = b->size, amax = usable_at(b, block_class(b));
	struct rb_node *child[2] = { b->rb_addr.rb_left, b->rb_addr.rb_right };
	unsigned int i;

	for (i = 0; i < 2; i++) {
		if (!child[i])
			continue;
		max = max(max, subtree_max(child[i]));
		amax = max(amax, addr_align_max(child[i]));
	}
	if (exit && b->subtree_max == max && b->align_gap == max - amax)
		return true;
	b->subtree_max = max;
	b->align_gap = max - amax;
	return false;
}

static void addr_align_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop) {
		struct memsim_block *b = addr_entry(rb);

		if (addr_align_compute(b, true))
			break;
		rb = rb_parent(&b->rb_addr);
	}
}

static void addr_align_copy(struct rb_node *rb_old, struct rb_node *rb_new)
{
	struct memsim_block *old = addr_entry(rb_old), *new = addr_entry(rb_new);

	new->subtree_max = old->subtree_max;
	new->align_gap = old->align_gap;
}

static void addr_align_rotate(struct rb_node *rb_old, struct rb_node *rb_new)
{
	addr_align_copy(rb_old, rb_new);
	addr_align_compute(addr_entry(rb_old), false);
}

static const struct rb_augment_callbacks addr_align_cb = {
	.propagate = addr_align_propagate,
	.copy = addr_align_copy,
	.rotate = addr_align_rotate,
};

/* The size tree's bound from a lead: U64_MAX when it is not known. */
static inline u64 lead_max(u64 size, s16 lead)
{
	if (lead == FIT_LEAD_FAR)
		return U64_MAX;
	return lead >= 0 ? size - lead : size + (u64)(-(s64)lead);
}

static inline u64 size_align_max(struct rb_node *node)
{
	struct memsim_block *b = size_entry(node);

	return b ? lead_max(b->size, b->align_lead) : 0;
}

/* The lead of a block of @size over a subtree whose bound is @m. */
static inline s16 size_lead(u64 size, u64 m)
{
	if (m <= size)
		return size - m;	/* below 2^k <= 2^14: see above */
	if (m - size > 0x7fff)
		return FIT_LEAD_FAR;
	return -(s16)(m - size);
}

static bool size_align_compute(struct memsim_block *b, bool exit)
{
	u64 m = usable_at(b, block_class(b));
	s16 lead;

	if (b->rb_size.rb_left)
		m = max(m, min(size_align_max(b->rb_size.rb_left), b->size));
	if (b->rb_size.rb_right)
		m = max(m, size_align_max(b->rb_size.rb_right));
	lead = size_lead(b->size, m);
	if (exit && b->align_lead == lead)
		return true;
	b->align_lead = lead;
	return false;
}

/*
 * A lead is relative to its node's size, so unlike a maximum it cannot be
 * copied to another node: a rotation recomputes both nodes (the lower one
 * first, then the ancestors if the subtree's bound moved), and the node
 * that takes an erased one's place gets FIT_LEAD_STALE, a value
 * size_align_compute() never gives, so that the propagation
 * rb_erase_augmented() always runs from it recomputes it and goes on.
 */
static void size_align_propagate(struct rb_node *rb, struct rb_node *stop)
{
	while (rb != stop) {
		struct memsim_block *b = size_entry(rb);

		if (size_align_compute(b, true))
			break;
		rb = rb_parent(&b->rb_size);
	}
}

static void size_align_copy(struct rb_node *rb_old, struct rb_node *rb_new)
{
	size_entry(rb_new)->align_lead = FIT_LEAD_STALE;
}

static void size_align_rotate(struct rb_node *rb_old, struct rb_node *rb_new)
{
	struct memsim_block *old = size_entry(rb_old), *new = size_entry(rb_new);
	u64 bound = lead_max(old->size, old->align_lead);

	size_align_compute(old, false);
	size_align_compute(new, false);
	/*
	 * Exact bounds depend on the subtree's blocks only, but FIT_LEAD_FAR
	 * and the clip depend on its shape too: when the rotated subtree's
	 * bound moved, the nodes above it follow.
	 */
	if (lead_max(new->size, new->align_lead) != bound)
		size_align_propagate(rb_parent(rb_new), NULL);
}

static const struct rb_augment_callbacks size_align_cb = {
	.propagate = size_align_propagate,
	.copy = size_align_copy,
	.rotate = size_align_rotate,
};

/*
 * @k: the stream's class; 0 keeps subtree_max only.  The path down is
 * updated before the node is linked, as rb_insert_augmented() wants.
 */
static void addr_insert(struct rb_root *root, struct memsim_block *b, unsigned int k)
{
	struct rb_node **link = &root->rb_node, *parent = NULL;
	u64 u = k ? usable_at(b, k) : 0;

	b->subtree_max = b->size;
	b->align_gap = b->size - u;
	while (*link) {
		struct memsim_block *cur;

		parent = *link;
		cur = addr_entry(parent);
		/* Every ancestor's maxima cover the new node from now on. */
		if (k) {
			u64 amax = max(cur->subtree_max - cur->align_gap, u);

			cur->subtree_max = max(cur->subtree_max, b->size);
			cur->align_gap = cur->subtree_max - amax;
		} else if (cur->subtree_max < b->size) {
			cur->subtree_max = b->size;
		}
		link = b->addr < cur->addr ? &parent->rb_left : &parent->rb_right;
	}
	rb_link_node(&b->rb_addr, parent, link);
	rb_insert_augmented(&b->rb_addr, root, k ? &addr_align_cb : &memsim_addr_cb);
}

static bool size_less(struct rb_node *a, const struct rb_node *b)
{
	const struct memsim_block *x = rb_entry(a, struct memsim_block, rb_size);
	const struct memsim_block *y = rb_entry(b, struct memsim_block, rb_size);

	return x->size < y->size || (x->size == y->size && x->addr < y->addr);
}

/*
 * rb_add_cached() with the alignment aggregates of a class kept: the new
 * leaf's lead, then the path above it recomputed (up to the first node
 * that does not change) before the rebalancing rotations.
 */
static void size_insert_align(struct rb_root_cached *tree, struct memsim_block *b)
{
	struct rb_node **link = &tree->rb_root.rb_node, *parent = NULL;
	bool leftmost = true;

	while (*link) {
		parent = *link;
		if (size_less(&b->rb_size, parent)) {
			link = &parent->rb_left;
		} else {
			link = &parent->rb_right;
			leftmost = false;
		}
	}
	rb_link_node(&b->rb_size, parent, link);
	size_align_compute(b, false);
	size_align_propagate(parent, NULL);
	rb_insert_augmented_cached(&b->rb_size, tree, leftmost, &size_align_cb);
}

/* A free block enters, or leaves, both indexes of its stream. */
static void fit_insert(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b)
{
	unsigned int k = s->align_class;

	addr_insert(&s->addr_tree, b, k);
	if (k)
		size_insert_align(&s->size_tree, b);
	else
		rb_add_cached(&b->rb_size, &s->size_tree, size_less);
}

static void fit_remove(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b)
{
	if (s->align_class) {
		rb_erase_augmented(&b->rb_addr, &s->addr_tree, &addr_align_cb);
		rb_erase_augmented_cached(&b->rb_size, &s->size_tree, &size_align_cb);
	} else {
		rb_erase_augmented(&b->rb_addr, &s->addr_tree, &memsim_addr_cb);
		rb_erase_cached(&b->rb_size, &s->size_tree);
	}
}

/*
 * Recompute both trees' aggregates for class @k, children before parents.
 * O(n); it yields the CPU every 1024 blocks.
 */
static void fit_rebuild(struct memsim_stream *s, unsigned int k)
{
	struct rb_node *node;
	unsigned int n = 0;

	s->align_class = k;
	s->align_waste = 0;
	for (node = rb_first_postorder(&s->addr_tree); node; node = rb_next_postorder(node)) {
		addr_align_compute(addr_entry(node), false);
		if (!(++n % 1024))
			memsim_env_cond_resched();
	}
	for (node = rb_first_postorder(&s->size_tree.rb_root); node;
	     node = rb_next_postorder(node)) {
		size_align_compute(size_entry(node), false);
		if (!(++n % 1024))
			memsim_env_cond_resched();
	}
}

/* A request's alignment class, as far as the aggregates go. */
static inline unsigned int query_class(const struct memsim_query *q)
{
	return min_t(unsigned int, ilog2(q->align), FIT_MAX_CLASS);
}

/* The class @s's aggregates prune @q with: 0 for size only. */
static inline unsigned int search_class(const struct memsim_stream *s,
					const struct memsim_query *q)
{
	/* An unaligned stream keeps no class: no logarithm on its hot path. */
	if (!s->align_class)
		return 0;
	return s->align_class <= query_class(q) ? s->align_class : 0;
}

/*
 * After a search that pruned with class @c: the candidates it rejected
 * count towards a rebuild for the request's class, unless that is @c
 * already (then the rejects were the range's).
 */
static void note_rejects(struct memsim_stream *s, const struct memsim_query *q,
			 unsigned int c, u32 rejects)
{
	unsigned int k;

	if (!rejects)
		return;
	k = query_class(q);
	if (c == k)
		return;
	s->align_waste += rejects;
	if (s->align_waste > s->usage.free_blocks + FIT_REBUILD_SLACK)
		fit_rebuild(s, k);
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
	if (s->align_class) {
		/* The same, with the alignment aggregates of both trees. */
		rb_erase_augmented_cached(&b->rb_size, &s->size_tree, &size_align_cb);
		b->addr = addr;
		b->size = size;
		addr_align_propagate(&b->rb_addr, NULL);
		size_insert_align(&s->size_tree, b);
		return;
	}
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

/*
 * What the address walks filter on: a block's size and a subtree's
 * subtree_max, or with a class @c > 0 the usable sizes at 2^c (see
 * "Alignment aggregates").  @c is a constant 0 on the unaligned path.
 */
static __always_inline u64 addr_value(const struct memsim_block *b, unsigned int c)
{
	return c ? usable_at(b, c) : b->size;
}

static __always_inline u64 addr_bound(struct rb_node *node, unsigned int c)
{
	return c ? addr_align_max(node) : subtree_max(node);
}

/* The nearest block with a value >= @need in a subtree, following the bounds. */
static __always_inline struct memsim_block *nearest_in_subtree(struct rb_node *node, u64 need,
							       unsigned int c, bool high,
							       u32 *steps)
{
	while (node) {
		struct memsim_block *b = addr_entry(node);

		(*steps)++;
		if (addr_bound(near_child(node, high), c) >= need) {
			node = near_child(node, high);
			continue;
		}
		if (addr_value(b, c) >= need)
			return b;
		node = far_child(node, high);
	}
	return NULL;
}

/*
 * The nearest free block with size (with @c: usable size) >= @need on the
 * searched side of @bound: the lowest that ends after it, or (@high) the
 * highest that starts below it.
 *
 * Walking down towards @bound, every node ahead of it is a "pending" node:
 * it and its far subtree qualify by position, and they come in address
 * order from the deepest pending node upwards.  So: find the deepest one,
 * then climb through the pending ancestors (those reached from a near
 * child), returning the first that fits by itself or whose far subtree's
 * maximum says it holds a fit (the address tree's maxima are exact, so it
 * does).  One walk down, one up, one descent.
 */
static __always_inline struct memsim_block *addr_nearest_fit(struct rb_root *root, u64 bound,
							     u64 need, unsigned int c,
							     bool high, u32 *steps)
{
	struct rb_node *node = root->rb_node, *pending = NULL;

	if (addr_bound(node, c) < need)
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
		if (addr_value(addr_entry(pending), c) >= need)
			return addr_entry(pending);
		if (addr_bound(far_child(pending, high), c) >= need)
			return nearest_in_subtree(far_child(pending, high), need, c, high, steps);
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
	return addr_nearest_fit(root, lo, need, 0, false, steps);
}

/* The highest free block with size >= @need that starts below @hi. */
static struct memsim_block *addr_last_fit(struct rb_root *root, u64 hi, u64 need,
					  u32 *steps)
{
	return addr_nearest_fit(root, hi, need, 0, true, steps);
}

/* The same with usable sizes at class @c > 0. */
static struct memsim_block *addr_first_fit_aligned(struct rb_root *root, u64 lo, u64 need,
						   unsigned int c, u32 *steps)
{
	return addr_nearest_fit(root, lo, need, c, false, steps);
}

static struct memsim_block *addr_last_fit_aligned(struct rb_root *root, u64 hi, u64 need,
						  unsigned int c, u32 *steps)
{
	return addr_nearest_fit(root, hi, need, c, true, steps);
}

/* The next candidate in address order, with the class's filter when it has one. */
static struct memsim_block *addr_next(struct memsim_stream *s, u64 bound, u64 need,
				      unsigned int c, bool high, u32 *steps)
{
	if (high)
		return c ? addr_last_fit_aligned(&s->addr_tree, bound, need, c, steps) :
			   addr_last_fit(&s->addr_tree, bound, need, steps);
	return c ? addr_first_fit_aligned(&s->addr_tree, bound, need, c, steps) :
		   addr_first_fit(&s->addr_tree, bound, need, steps);
}

/*
 * First fit (and next fit, and fixed addresses): address order.  With a
 * class, the candidates are the blocks usable for the size at it: the same
 * order with blocks that cannot fit left out (see "Alignment aggregates").
 */
static bool fit_by_address(struct memsim_stream *s, struct memsim_query *q,
			   struct memsim_candidate *c)
{
	unsigned int k = search_class(s, q);
	struct memsim_block *b;
	u32 rejects = 0;

	if (!q->topdown) {
		for (b = addr_next(s, q->lo, q->size, k, false, &q->steps);
		     b && b->addr < q->hi;
		     b = addr_next(s, memsim_block_end(b), q->size, k, false, &q->steps)) {
			if (memsim_place_in(q, b->addr, memsim_block_end(b), false, &c->place))
				goto found;
			rejects++;
		}
	} else {
		for (b = addr_next(s, q->hi, q->size, k, true, &q->steps);
		     b && memsim_block_end(b) > q->lo;
		     b = addr_next(s, b->addr, q->size, k, true, &q->steps)) {
			if (memsim_place_in(q, b->addr, memsim_block_end(b), true, &c->place))
				goto found;
			rejects++;
		}
	}
	note_rejects(s, q, k, rejects);
	return false;

found:
	c->block = b;
	c->size = q->size;
	note_rejects(s, q, k, rejects);
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

/*
 * Best fit with a class @c > 0: the same preference order, restricted to
 * the blocks usable for the size at 2^c (see "Alignment aggregates").  The
 * walks go through the size tree in order (@high: backwards), skipping
 * every subtree whose bound says it holds no such block.
 */
static __always_inline bool size_holds(struct memsim_block *b, unsigned int c, u64 need)
{
	return usable_at(b, c) >= need;
}

static __always_inline bool size_may_hold(struct rb_node *node, u64 need)
{
	return node && size_align_max(node) >= need;
}

/*
 * The first block of @node's subtree, in the walk's direction, that holds
 * @need.  NULL if there is none; then *@done is a node whose whole subtree
 * has been ruled out (the descent ends there when a FIT_LEAD_FAR bound
 * promised more than a subtree holds).
 */
static __always_inline struct memsim_block *size_seek_down(struct rb_node *node, unsigned int c,
							   u64 need, bool high, u32 *steps,
							   struct rb_node **done)
{
	for (;;) {
		(*steps)++;
		if (size_may_hold(near_child(node, high), need)) {
			node = near_child(node, high);
			continue;
		}
		if (size_holds(size_entry(node), c, need))
			return size_entry(node);
		if (size_may_hold(far_child(node, high), need)) {
			node = far_child(node, high);
			continue;
		}
		*done = node;
		return NULL;
	}
}

/*
 * The first block after @node in the walk's direction that holds @need:
 * @node's far subtree, then each ancestor reached from its near side and
 * that ancestor's far subtree.
 */
static __always_inline struct memsim_block *size_seek_after(struct rb_node *node, unsigned int c,
							    u64 need, bool high, u32 *steps)
{
	struct rb_node *child, *done;
	struct memsim_block *b;

	for (;;) {
		if (size_may_hold(far_child(node, high), need)) {
			b = size_seek_down(far_child(node, high), c, need, high, steps, &done);
			if (b)
				return b;
			node = done;
			continue;
		}
		do {
			child = node;
			node = rb_parent(node);
		} while (node && child == far_child(node, high));
		if (!node)
			return NULL;
		(*steps)++;
		if (size_holds(size_entry(node), c, need))
			return size_entry(node);
	}
}

/* @node itself if it holds @need, else the first after it. */
static struct memsim_block *size_seek_from(struct rb_node *node, unsigned int c, u64 need,
					   bool high, u32 *steps)
{
	if (!node)
		return NULL;
	(*steps)++;
	if (size_holds(size_entry(node), c, need))
		return size_entry(node);
	return size_seek_after(node, c, need, high, steps);
}

/* The smallest (size, address) that holds @need. */
static struct memsim_block *size_seek_first(struct memsim_stream *s, unsigned int c,
					    u64 need, u32 *steps)
{
	struct rb_node *root = s->size_tree.rb_root.rb_node, *done;
	struct memsim_block *b;

	if (!size_may_hold(root, need))
		return NULL;
	b = size_seek_down(root, c, need, false, steps, &done);
	return b ? b : size_seek_after(done, c, need, false, steps);
}

/* Top-down: the highest-addressed block of @b's size group that holds @need. */
static struct memsim_block *size_seek_group_last(struct memsim_stream *s,
						 struct memsim_block *b, unsigned int c,
						 u64 need, u32 *steps)
{
	struct memsim_block *last = size_group_last(s, b->size, steps);

	/* @b holds @need and is at or before @last: the walk back meets it. */
	return size_seek_from(&last->rb_size, c, need, true, steps);
}

static struct memsim_block *best_aligned_first(struct memsim_stream *s, bool topdown,
					       unsigned int c, u64 need, u32 *steps)
{
	struct memsim_block *b = size_seek_first(s, c, need, steps);

	if (b && topdown)
		b = size_seek_group_last(s, b, c, need, steps);
	return b;
}

static struct memsim_block *best_aligned_next(struct memsim_stream *s, struct memsim_block *b,
					      bool topdown, unsigned int c, u64 need,
					      u32 *steps)
{
	struct memsim_block *n;

	if (!topdown)
		return size_seek_after(&b->rb_size, c, need, false, steps);

	/* Down the group towards lower addresses, then the next group up. */
	n = size_seek_after(&b->rb_size, c, need, true, steps);
	if (n && n->size == b->size)
		return n;
	if (b->size == U64_MAX)
		return NULL;
	n = size_lower_bound(s, b->size + 1, 0, steps);
	n = n ? size_seek_from(&n->rb_size, c, need, false, steps) : NULL;
	return n ? size_seek_group_last(s, n, c, need, steps) : NULL;
}

static bool fit_by_size(struct memsim_stream *s, bool best, struct memsim_query *q,
			struct memsim_candidate *c)
{
	unsigned int k = best ? search_class(s, q) : 0;
	struct memsim_block *b;
	u32 rejects = 0;

	if (k)
		b = best_aligned_first(s, q->topdown, k, q->size, &q->steps);
	else
		b = size_first(s, best, q->topdown, q->size, &q->steps);
	while (b) {
		if (memsim_place_in(q, b->addr, memsim_block_end(b), q->topdown, &c->place)) {
			c->block = b;
			c->size = q->size;
			break;
		}
		rejects++;
		if (k)
			b = best_aligned_next(s, b, q->topdown, k, q->size, &q->steps);
		else
			b = size_next(s, b, best, q->topdown, q->size, &q->steps);
	}
	if (best)
		note_rejects(s, q, k, rejects);
	return b;
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
	s->align_class = 0;
	s->align_waste = 0;
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
 * Recomputes subtree_max bottom-up, and while the stream keeps a class the
 * largest usable size (*@amax) with it, which align_gap must match.  The
 * recursion depth is the tree's height, at most 2 * log2(n + 1) for a
 * red-black tree.
 */
static int check_subtree_max(struct memsim_check *c, struct memsim_stream *st,
			     struct rb_node *node, u64 *max, u64 *amax)
{
	struct memsim_block *blk;
	u64 left = 0, right = 0, aleft = 0, aright = 0, want, awant;
	int ret;

	if (!node) {
		*max = 0;
		*amax = 0;
		return 0;
	}
	ret = check_subtree_max(c, st, node->rb_left, &left, &aleft);
	if (ret)
		return ret;
	ret = check_subtree_max(c, st, node->rb_right, &right, &aright);
	if (ret)
		return ret;

	blk = addr_entry(node);
	want = max(blk->size, max(left, right));
	if (blk->subtree_max != want)
		return block_fail(c, blk,
					       "stream %u addr_tree subtree_max %#llx, expected %#llx",
					       st->id, ull(blk->subtree_max),
					       ull(want));
	awant = max(usable_at(blk, st->align_class), max(aleft, aright));
	if (st->align_class && blk->align_gap != want - awant)
		return block_fail(c, blk,
				  "stream %u addr_tree align_gap %#x, expected %#llx (class %u)",
				  st->id, blk->align_gap, ull(want - awant),
				  st->align_class);
	*max = want;
	*amax = awant;
	return 0;
}

/*
 * The size tree's leads, recomputed bottom-up by the rule of
 * size_align_compute() (*@bound: the subtree's bound, U64_MAX when a lead
 * on the way was FIT_LEAD_FAR).
 */
static int check_size_leads(struct memsim_check *c, struct memsim_stream *st,
			    struct rb_node *node, u64 *bound)
{
	struct memsim_block *blk;
	u64 left, right, m;
	s16 want;
	int ret;

	if (!node) {
		*bound = 0;
		return 0;
	}
	ret = check_size_leads(c, st, node->rb_left, &left);
	if (ret)
		return ret;
	ret = check_size_leads(c, st, node->rb_right, &right);
	if (ret)
		return ret;

	blk = size_entry(node);
	m = max(usable_at(blk, st->align_class), max(min(left, blk->size), right));
	want = size_lead(blk->size, m);
	if (blk->align_lead != want)
		return block_fail(c, blk,
				  "stream %u size_tree align_lead %d, expected %d (class %u)",
				  st->id, blk->align_lead, want, st->align_class);
	*bound = lead_max(blk->size, want);
	return 0;
}

/* Walks both trees in order; the other families' fields must be empty. */
static int fit_check(struct memsim_check *c, struct memsim_stream *st, u64 *n)
{
	struct memsim_block *blk, *prev = NULL;
	struct rb_node *node;
	u64 na = 0, ns = 0, max, amax;
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
	if (st->align_class > FIT_MAX_CLASS)
		return check_fail(c, "stream %u: alignment class %u", st->id, st->align_class);
	ret = check_subtree_max(c, st, st->addr_tree.rb_node, &max, &amax);
	if (ret)
		return ret;
	if (st->align_class) {
		ret = check_size_leads(c, st, st->size_tree.rb_root.rb_node, &amax);
		if (ret)
			return ret;
	}

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
