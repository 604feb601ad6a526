/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: the interface every placement strategy implements
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_STRATEGY_H
#define _MEMSIM_STRATEGY_H

#include "memsim_core.h"

/**
 * DOC: Strategy interface
 *
 * A strategy is two things: a free index, shared by a family of strategies
 * (&struct memsim_index_ops: the four fit strategies share theirs, the buddy
 * system and TLSF have their own), and the rule that picks a block from it
 * (&struct memsim_strategy_ops).  The pool calls both only through
 * &memsim_pool.ops and never asks which strategy it has; a strategy calls
 * only the layers below the pool (blocks, counters and events,
 * memsim_block.c and memsim_usage.c; the placement arithmetic,
 * memsim_query.c), never the pool itself, so no file of the core depends on
 * one that depends on it.
 *
 * Switching between two strategies of one family with the same setting
 * costs nothing and is allowed at any time; any other switch re-lays every
 * segment's free space under the new family and is allowed only while
 * nothing is allocated.
 *
 * Adding a strategy: one file that defines its &struct memsim_strategy_ops
 * (and its index, for a new family), one &enum memsim_strategy entry and one
 * line in memsim_strategies[] (memsim_strategy.c), one uapi constant and its
 * translation, its documentation and its tests.
 *
 * Dispatch is an indirect call per operation, as genalloc's algo pointer,
 * rather than drm_mm's switch per operation: with retpolines each indirect
 * call costs a return-stack misprediction on real hardware, and an
 * allocation and free pair makes about a dozen of them; the figures are in
 * Documentation/benchmarks.rst.
 */

struct memsim_check;

/**
 * struct memsim_index_ops - the free index of a family of strategies
 * @name: the family's name, for messages.
 * @index_size: bytes of a stream's out-of-line index, allocated zeroed
 *	(and charged) by the pool into &memsim_stream.index whenever the
 *	stream is made or the pool switches to this family; 0 for families
 *	whose index lives in &struct memsim_stream itself.
 * @init: make a stream's index empty (&memsim_stream.index is allocated).
 * @blocks_to_lay: free blocks a segment [start, start + size) is laid with.
 * @lay: set @b's size (and the family's own fields) as the free block laid
 *	at @b->addr of a segment that ends at @end; returns the size.
 * @insert: add free block @b to its stream's index.
 * @remove: take free block @b out of its stream's index.
 * @resize: give free block @b, in its stream's index, the extent [@addr,
 *	@addr + @size), which keeps its place in address order among the
 *	stream's free blocks; NULL to do it with @remove and @insert.
 * @splits: block structures taking @c will split off; the pool reserves
 *	them first.
 * @take: carve @c's allocation out of its free block, through
 *	memsim_free_remove(), memsim_free_resize() and memsim_free_insert();
 *	returns the allocated block, not yet marked allocated.
 * @give_back: return a freed block (out of the allocated tree and counters
 *	already), merging it as the family merges, and index the result.
 * @largest: the largest free block of a stream; 0 if none.
 * @largest_in: the largest free block of a stream that starts in [lo, hi).
 * @first_from: the lowest free block of a stream that starts at or above
 *	@addr, or NULL.
 * @walk_largest: call @fn for free blocks of a stream by decreasing size,
 *	ties by decreasing address, until it returns false.
 * @check_block: verify what the family requires of one block on a
 *	segment's list, in address order (@prev: the block before it on the
 *	list, NULL for the first): its shape (buddy: power of two, aligned,
 *	inside its root), the merging rule (fit: no two free neighbours), an
 *	allocated block's size against its request, and that a free block is
 *	in its stream's index as that very node.
 * @check: verify a stream's index: in order, holding only free blocks of
 *	that stream; sets *@nr_free to the entries it holds (the checker
 *	compares it with the stream's free blocks, so with @check_block this
 *	proves set equality).
 *
 * The check hooks report with memsim_check_fail() and
 * memsim_check_block_fail() (memsim_check.h) and return their value.
 */
struct memsim_index_ops {
	const char *name;
	size_t index_size;
	void (*init)(const struct memsim_pool *pool, struct memsim_stream *s);
	unsigned int (*blocks_to_lay)(const struct memsim_pool *pool, u64 start, u64 size);
	u64 (*lay)(const struct memsim_pool *pool, struct memsim_block *b, u64 end);
	void (*insert)(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b);
	void (*remove)(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b);
	void (*resize)(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_block *b, u64 addr, u64 size);
	u32 (*splits)(const struct memsim_pool *pool, const struct memsim_candidate *c);
	struct memsim_block *(*take)(struct memsim_pool *pool,
				     const struct memsim_candidate *c,
				     struct memsim_block_reserve *r);
	void (*give_back)(struct memsim_pool *pool, struct memsim_block *b,
			  struct memsim_free_result *res);
	u64 (*largest)(const struct memsim_pool *pool, const struct memsim_stream *s);
	u64 (*largest_in)(const struct memsim_pool *pool, const struct memsim_stream *s,
			  u64 lo, u64 hi);
	struct memsim_block *(*first_from)(struct memsim_pool *pool,
					   struct memsim_stream *s, u64 addr);
	void (*walk_largest)(struct memsim_pool *pool, struct memsim_stream *s,
			     bool (*fn)(struct memsim_block *b, void *data), void *data);
	int (*check_block)(struct memsim_check *c, struct memsim_block *blk,
			   const struct memsim_block *prev);
	int (*check)(struct memsim_check *c, struct memsim_stream *s, u64 *nr_free);
};

/**
 * struct memsim_strategy_ops - one placement strategy
 * @name: short name, for humans ("first", "best", ...).
 * @index: its family's free index.
 * @roving: next fit: the pool first searches from its cursor (the window's
 *	low end raised to it, top-down: the high end lowered), then wraps to
 *	the whole window.  Fixed-address requests do not rove.
 * @setting: where the pool keeps the strategy's setting (the buddy
 *	system's minimum order, TLSF's second-level classes), or NULL for a
 *	strategy that has none.
 * @configure: turn the parameter of memsim_set_strategy() into a setting
 *	(0 selects the default); -EINVAL when it is not valid.  NULL: the
 *	parameter must be 0.
 * @round: adjust a validated query to what the strategy allocates (the
 *	buddy system rounds the size up to its block and aligns it to it);
 *	runs before a fixed address is checked against the result.  Returns
 *	0 or -EINVAL.  NULL: the allocation is the size asked for.
 * @min_alloc: the smallest block the strategy can allocate (the buddy
 *	system: its minimum block; free roots below it cannot be used); NULL
 *	for 1.
 * @search: the block of one stream the rule picks for @q, and the place in
 *	it; @q->steps grows by the index nodes visited.  Honours alignment,
 *	the window (range and fixed address) and top-down placement.
 * @better: whether candidate @a (of one stream) beats @b (of another) for a
 *	request of %MEMSIM_STREAM_ANY.
 */
struct memsim_strategy_ops {
	const char *name;
	const struct memsim_index_ops *index;
	bool roving;
	u32 *(*setting)(struct memsim_pool *pool);
	int (*configure)(u64 param, u32 *setting);
	int (*round)(const struct memsim_pool *pool, struct memsim_query *q);
	u64 (*min_alloc)(const struct memsim_pool *pool);
	bool (*search)(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_query *q, struct memsim_candidate *c);
	bool (*better)(const struct memsim_query *q, const struct memsim_candidate *a,
		       const struct memsim_candidate *b);
};

/* The strategies, by &enum memsim_strategy (memsim_strategy.c). */
extern const struct memsim_strategy_ops *const memsim_strategies[MEMSIM_NR_STRATEGIES];

extern const struct memsim_strategy_ops memsim_first_fit_ops;
extern const struct memsim_strategy_ops memsim_best_fit_ops;
extern const struct memsim_strategy_ops memsim_worst_fit_ops;
extern const struct memsim_strategy_ops memsim_next_fit_ops;
extern const struct memsim_strategy_ops memsim_buddy_ops;
extern const struct memsim_strategy_ops memsim_tlsf_ops;

#endif /* _MEMSIM_STRATEGY_H */
