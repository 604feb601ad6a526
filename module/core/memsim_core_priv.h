/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: allocator core internals shared by its implementation files
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_CORE_PRIV_H
#define _MEMSIM_CORE_PRIV_H

#include "memsim_core.h"

static inline u64 memsim_block_end(const struct memsim_block *b)
{
	return b->addr + b->size;
}

static inline bool memsim_strategy_is_fit(enum memsim_strategy s)
{
	return s != MEMSIM_BUDDY;
}

/* Size class of a free block: floor(log2(size)). */
static inline unsigned int memsim_size_class(u64 size)
{
	return ilog2(size);
}

/*
 * Where an allocation of @q->size fits inside [start, end) under @q's window
 * and alignment, at the low end or (top-down) the high end.  Returns false
 * when it does not fit.  Every sum is checked: windows can touch U64_MAX.
 */
bool memsim_place_in(const struct memsim_query *q, u64 start, u64 end,
		     bool topdown, u64 *place);

/* Check a request and turn it into the query the searches take. */
int memsim_query_init(struct memsim_pool *pool, const struct memsim_request *req,
		      struct memsim_query *q);

/* rb_find() comparisons of the plain trees: key first, as rb_find() wants. */
int memsim_block_addr_cmp(const void *key, const struct rb_node *node);
int memsim_stream_id_cmp(const void *key, const struct rb_node *node);
int memsim_segment_id_cmp(const void *key, const struct rb_node *node);

/* Tell the pool's observer, if any, what happened (memsim_pool.c). */
void memsim_emit(struct memsim_pool *pool, struct memsim_event *ev);
void memsim_emit_block(struct memsim_pool *pool, enum memsim_event_type type,
		       const struct memsim_block *b);

/* Block metadata: from the kmem_cache in the kernel, honouring injection. */
struct memsim_block *memsim_block_new(struct memsim_pool *pool);
void memsim_block_put(struct memsim_pool *pool, struct memsim_block *b);

int memsim_reserve_fill(struct memsim_pool *pool, struct memsim_block_reserve *r,
			unsigned int n);
struct memsim_block *memsim_reserve_take(struct memsim_block_reserve *r);
void memsim_reserve_drain(struct memsim_block_reserve *r);

/*
 * A free block enters or leaves its stream's free index; the counters of
 * pool, stream and segment follow (memsim_pool.c).
 */
void memsim_free_insert(struct memsim_pool *pool, struct memsim_block *b);
void memsim_free_remove(struct memsim_pool *pool, struct memsim_block *b);
void memsim_account_blocks(struct memsim_segment *seg, int delta);

/* Free indexes of the fit strategies (memsim_fit.c). */
void memsim_fit_insert(struct memsim_stream *s, struct memsim_block *b);
void memsim_fit_remove(struct memsim_stream *s, struct memsim_block *b);
bool memsim_fit_search(struct memsim_pool *pool, struct memsim_stream *s,
		       struct memsim_query *q, struct memsim_candidate *c);
bool memsim_fit_better(enum memsim_strategy strategy, bool topdown,
		       const struct memsim_candidate *a,
		       const struct memsim_candidate *b);
u32 memsim_fit_splits(const struct memsim_candidate *c);
struct memsim_block *memsim_fit_take(struct memsim_pool *pool,
				     const struct memsim_candidate *c,
				     struct memsim_block_reserve *r);
void memsim_fit_give_back(struct memsim_pool *pool, struct memsim_block *b,
			  struct memsim_free_result *res);
u64 memsim_fit_largest(const struct memsim_stream *s);
u64 memsim_fit_largest_in(const struct memsim_stream *s, u64 lo, u64 hi);
/* Free blocks by decreasing size, then address, until @fn returns false. */
void memsim_fit_walk_largest(struct memsim_stream *s,
			     bool (*fn)(struct memsim_block *b, void *data), void *data);

/* Free indexes of the buddy system (memsim_buddy.c). */
void memsim_buddy_insert(struct memsim_stream *s, struct memsim_block *b);
void memsim_buddy_remove(struct memsim_stream *s, struct memsim_block *b);
bool memsim_buddy_search(struct memsim_pool *pool, struct memsim_stream *s,
			 struct memsim_query *q, struct memsim_candidate *c);
bool memsim_buddy_better(bool topdown, const struct memsim_candidate *a,
			 const struct memsim_candidate *b);
u32 memsim_buddy_splits(const struct memsim_candidate *c);
struct memsim_block *memsim_buddy_take(struct memsim_pool *pool,
				       const struct memsim_candidate *c,
				       struct memsim_block_reserve *r);
void memsim_buddy_give_back(struct memsim_pool *pool, struct memsim_block *b,
			    struct memsim_free_result *res);
u64 memsim_buddy_largest(const struct memsim_stream *s);
u64 memsim_buddy_largest_in(const struct memsim_stream *s, u64 lo, u64 hi);
void memsim_buddy_walk_largest(struct memsim_stream *s,
			       bool (*fn)(struct memsim_block *b, void *data), void *data);
unsigned int memsim_buddy_roots(u64 start, u64 size);
u64 memsim_buddy_root_size(u64 addr, u64 end);

#endif /* _MEMSIM_CORE_PRIV_H */
