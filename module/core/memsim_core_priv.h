/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: allocator core internals shared by its implementation files
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_CORE_PRIV_H
#define _MEMSIM_CORE_PRIV_H

#include "memsim_core.h"
#include "memsim_strategy.h"

static inline u64 memsim_block_end(const struct memsim_block *b)
{
	return b->addr + b->size;
}

/* Size class of a free block: floor(log2(size)). */
static inline unsigned int memsim_size_class(u64 size)
{
	return ilog2(size);
}

/* Requests and placement arithmetic (memsim_query.c). */
bool memsim_place_in(const struct memsim_query *q, u64 start, u64 end,
		     bool topdown, u64 *place);

/* Check a request and turn it into the query the searches take. */
int memsim_query_init(const struct memsim_pool *pool, const struct memsim_request *req,
		      struct memsim_query *q);

/* The plain trees (memsim_block.c): rb_find() comparisons, key first. */
int memsim_block_addr_cmp(const void *key, const struct rb_node *node);
int memsim_stream_id_cmp(const void *key, const struct rb_node *node);
int memsim_segment_id_cmp(const void *key, const struct rb_node *node);
struct memsim_block *memsim_addr_first_from(const struct rb_root *root, u64 addr);

/* Tell the pool's observer, if any, what happened (memsim_usage.c). */
void memsim_emit(struct memsim_pool *pool, struct memsim_event *ev);
void memsim_emit_block(struct memsim_pool *pool, enum memsim_event_type type,
		       const struct memsim_block *b);

/*
 * Metadata (memsim_block.c): blocks from the kmem_cache in the kernel, other
 * structures charged to the budget; both honour fault injection.
 */
void *memsim_struct_new(struct memsim_pool *pool, size_t size, int *err);
void memsim_struct_put(struct memsim_pool *pool, void *p, size_t size);
struct memsim_block *memsim_block_new(struct memsim_pool *pool);
void memsim_block_put(struct memsim_pool *pool, struct memsim_block *b);
void memsim_pool_drop_spares(struct memsim_pool *pool);

/*
 * The time of an operation, read once by the pool at its start: the clock
 * is read only for pools that track lives (&memsim_pool.track_life).
 */
static inline u64 memsim_pool_now(const struct memsim_pool *pool)
{
	return pool->track_life ? memsim_env_now_ns() : 0;
}

int memsim_reserve_fill(struct memsim_pool *pool, struct memsim_block_reserve *r,
			unsigned int n, u64 now);
struct memsim_block *memsim_reserve_take(struct memsim_block_reserve *r);
void memsim_reserve_drain(struct memsim_block_reserve *r);

/*
 * Counters (memsim_usage.c).  A free block enters or leaves its stream's
 * free index through memsim_free_insert() and memsim_free_remove(); the
 * counters of pool, stream and segment follow.
 */
void memsim_free_insert(struct memsim_pool *pool, struct memsim_block *b);
void memsim_free_remove(struct memsim_pool *pool, struct memsim_block *b);
void memsim_free_resize(struct memsim_pool *pool, struct memsim_block *b, u64 addr, u64 size);
void memsim_free_settle(struct memsim_pool *pool, struct memsim_block *b,
			struct memsim_free_result *res);
void memsim_free_report(struct memsim_pool *pool, struct memsim_block *b,
			struct memsim_free_result *res);
void memsim_account_blocks(struct memsim_segment *seg, int delta);
void memsim_account_alloc(struct memsim_pool *pool, struct memsim_block *b);
void memsim_account_release(struct memsim_pool *pool, struct memsim_block *b);
void memsim_account_deferred(struct memsim_pool *pool, struct memsim_block *b, bool add);

/* Extent families' split and merge (memsim_extent.c). */
u32 memsim_extent_splits(const struct memsim_pool *pool, const struct memsim_candidate *c);
struct memsim_block *memsim_extent_take(struct memsim_pool *pool,
					const struct memsim_candidate *c,
					struct memsim_block_reserve *r);
void memsim_extent_give_back(struct memsim_pool *pool, struct memsim_block *b,
			     struct memsim_free_result *res);

#endif /* _MEMSIM_CORE_PRIV_H */
