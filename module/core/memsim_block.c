// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: block structures, reserves and the memory budget
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Block structures
 *
 * The lowest layer of the core: where the metadata of a pool comes from and
 * what it is charged to.  Block structures come from a kmem_cache in the
 * kernel (calloc() on the host); segments, streams and out-of-line free
 * indexes from memsim_struct_new().  Every structure is charged to the
 * pool's &struct memsim_budget before it is allocated, and a change that
 * needs blocks reserves them all (memsim_reserve_fill()) before it changes
 * anything, so that it cannot fail half way.  The key comparisons of the
 * pool's plain rbtrees live here too, so that the checker and the
 * strategies can use them without depending on the pool.
 *
 * Fault injection for tests (&memsim_pool.fail_alloc_in) fails the n-th
 * metadata allocation of a pool.
 */

#include "memsim_core_priv.h"

#include <kunit/visibility.h>

/* A tracked block: the structure and its life, allocated together. */
struct memsim_tracked_block {
	struct memsim_block block;
	struct memsim_life life;
};

#ifdef __KERNEL__
#include <linux/errno.h>

/* Blocks of pools that track lives, and of pools that do not. */
static struct kmem_cache *memsim_block_cache[2];

/**
 * memsim_core_init() - set up what all pools share
 *
 * Return: 0 or -ENOMEM.
 */
int memsim_core_init(void)
{
	memsim_block_cache[0] = KMEM_CACHE(memsim_block, 0);
	memsim_block_cache[1] = KMEM_CACHE(memsim_tracked_block, 0);
	if (memsim_block_cache[0] && memsim_block_cache[1])
		return 0;
	kmem_cache_destroy(memsim_block_cache[0]);
	kmem_cache_destroy(memsim_block_cache[1]);
	return -ENOMEM;
}

/**
 * memsim_core_exit() - tear down what memsim_core_init() set up
 *
 * Every pool must have been finalised.
 */
void memsim_core_exit(void)
{
	kmem_cache_destroy(memsim_block_cache[0]);
	kmem_cache_destroy(memsim_block_cache[1]);
}

static struct memsim_block *memsim_block_alloc(bool tracked, bool nofail)
{
	return kmem_cache_zalloc(memsim_block_cache[tracked],
				 MEMSIM_GFP | (nofail ? __GFP_NOFAIL : 0));
}

static void memsim_block_free(struct memsim_block *b)
{
	kmem_cache_free(memsim_block_cache[b->tracked], b);
}

#else /* userspace */

#include <errno.h>

int memsim_core_init(void)
{
	return 0;
}

void memsim_core_exit(void)
{
}

static struct memsim_block *memsim_block_alloc(bool tracked, bool nofail)
{
	struct memsim_block *b;

	b = memsim_env_zalloc(tracked ? sizeof(struct memsim_tracked_block) :
				      sizeof(struct memsim_block));
	if (!b && nofail)
		abort();
	return b;
}

static void memsim_block_free(struct memsim_block *b)
{
	memsim_env_free(b);
}

#endif

/* A zeroed block structure of @pool's kind, from its spares if it has one. */
static struct memsim_block *memsim_block_make(struct memsim_pool *pool, bool nofail)
{
	struct memsim_block *b;

	if (pool->nr_spare) {
		b = list_first_entry(&pool->spare, struct memsim_block, link);
		list_del(&b->link);
		pool->nr_spare--;
		memset(b, 0, memsim_block_struct_size(pool));
	} else {
		b = memsim_block_alloc(pool->track_life, nofail);
		if (!b)
			return NULL;
	}
	b->tracked = pool->track_life;
	return b;
}

/**
 * memsim_pool_drop_spares() - give the pool's spare block structures back
 * @pool: the pool.
 */
void memsim_pool_drop_spares(struct memsim_pool *pool)
{
	struct memsim_block *b, *next;

	list_for_each_entry_safe(b, next, &pool->spare, link)
		memsim_block_free(b);
	INIT_LIST_HEAD(&pool->spare);
	pool->nr_spare = 0;
}

/**
 * memsim_life_read() - a block's life, for a reader
 * @b: the block.
 *
 * A pool that does not track lives reads as if every time were 0, with no
 * owner and no label: the one place that rule is kept.
 *
 * Return: the block's &struct memsim_life, or one of zeros.
 */
const struct memsim_life *memsim_life_read(const struct memsim_block *b)
{
	static const struct memsim_life untracked;

	return memsim_life_of(b) ?: &untracked;
}

/* Fault injection for tests: fail the metadata allocation that hits zero. */
static bool memsim_inject_failure(struct memsim_pool *pool)
{
	if (!pool->fail_alloc_in)
		return false;
	return --pool->fail_alloc_in == 0;
}

/**
 * memsim_block_struct_size() - bytes one block structure is charged at
 * @pool: the pool.
 *
 * Return: the size of &struct memsim_block, plus that of &struct
 * memsim_life if @pool tracks lives.
 */
u64 memsim_block_struct_size(const struct memsim_pool *pool)
{
	return pool->track_life ? sizeof(struct memsim_tracked_block) :
				  sizeof(struct memsim_block);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_block_struct_size);

/**
 * memsim_pool_charge() - count metadata against the pool's memory budget
 * @pool: the pool.
 * @bytes: the size of what is about to be allocated.
 *
 * Charge before allocating and uncharge after freeing, so that the budget
 * bounds what the pool can make the kernel hold at any moment.
 *
 * Return: 0, or -E2BIG when the pool, or all pools sharing its budget
 * together, would hold more than the budget allows; then nothing is charged.
 */
int memsim_pool_charge(struct memsim_pool *pool, u64 bytes)
{
	struct memsim_budget *bg = pool->budget;
	u64 limit, total;

	if (bg) {
		limit = memsim_env_read_once(bg->instance_limit);
		if (limit && (pool->mem_used + bytes < pool->mem_used ||
			      pool->mem_used + bytes > limit))
			return -E2BIG;
		total = memsim_env_counter_add(&bg->total_used, bytes);
		limit = memsim_env_read_once(bg->total_limit);
		if (limit && total > limit) {
			memsim_env_counter_sub(&bg->total_used, bytes);
			return -E2BIG;
		}
	}
	pool->mem_used += bytes;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_charge);

/**
 * memsim_pool_uncharge() - give back what memsim_pool_charge() counted
 * @pool: the pool.
 * @bytes: the size of what was freed.
 */
void memsim_pool_uncharge(struct memsim_pool *pool, u64 bytes)
{
	/* More back than was charged: an accounting bug, not a user's doing. */
	if (WARN_ON_ONCE(bytes > pool->mem_used))
		bytes = pool->mem_used;
	if (pool->budget)
		memsim_env_counter_sub(&pool->budget->total_used, bytes);
	pool->mem_used -= bytes;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_pool_uncharge);

/* Metadata structures other than blocks, charged to the budget. */
void *memsim_struct_new(struct memsim_pool *pool, size_t size, int *err)
{
	void *p;

	*err = memsim_pool_charge(pool, size);
	if (*err)
		return NULL;
	p = memsim_inject_failure(pool) ? NULL : memsim_env_zalloc(size);
	if (!p) {
		memsim_pool_uncharge(pool, size);
		*err = -ENOMEM;
	}
	return p;
}

void memsim_struct_put(struct memsim_pool *pool, void *p, size_t size)
{
	if (!p)
		return;
	memsim_env_free(p);
	memsim_pool_uncharge(pool, size);
}

struct memsim_block *memsim_block_new(struct memsim_pool *pool)
{
	struct memsim_block *b;

	/* The n-th metadata allocation fails, spare or not. */
	if (memsim_inject_failure(pool))
		return NULL;
	b = memsim_block_make(pool, false);
	if (b)
		pool->nr_block_structs++;
	return b;
}

void memsim_block_put(struct memsim_pool *pool, struct memsim_block *b)
{
	pool->nr_block_structs--;
	memsim_pool_uncharge(pool, memsim_block_struct_size(pool));
	if (pool->nr_spare < MEMSIM_SPARE_BLOCKS) {
		list_add(&b->link, &pool->spare);
		pool->nr_spare++;
		return;
	}
	memsim_block_free(b);
}

/*
 * Reserve @n block structures: charged first, so that a budget that would
 * be exceeded fails the call (-E2BIG) before anything is allocated.
 */
int memsim_reserve_fill(struct memsim_pool *pool, struct memsim_block_reserve *r,
			unsigned int n, u64 now)
{
	size_t bytes = memsim_block_struct_size(pool);
	struct memsim_life *life;
	int ret;

	r->pool = pool;
	INIT_LIST_HEAD(&r->list);
	r->count = 0;
	r->now = now;
	if (!n)
		return 0;
	ret = memsim_pool_charge(pool, (u64)n * bytes);
	if (ret)
		return ret;
	while (r->count < n) {
		struct memsim_block *b = memsim_block_new(pool);

		if (!b) {
			/* The blocks not made were charged but will not be put. */
			memsim_pool_uncharge(pool, (u64)(n - r->count) * bytes);
			memsim_reserve_drain(r);
			return -ENOMEM;
		}
		life = memsim_life_of(b);
		if (life)
			life->create_ns = now;
		list_add(&b->link, &r->list);
		r->count++;
	}
	return 0;
}

/*
 * Take a block from the reserve.  Callers reserve what the change they are
 * about to make will take, counted by the same functions the change
 * follows (&memsim_index_ops.splits, &memsim_index_ops.blocks_to_lay), so
 * the reserve cannot run dry.  Should that invariant ever break, the block
 * is allocated here with __GFP_NOFAIL instead: a change under way is never
 * left half made.
 */
struct memsim_block *memsim_reserve_take(struct memsim_block_reserve *r)
{
	struct memsim_block *b;

	if (WARN_ON_ONCE(list_empty(&r->list))) {
		size_t bytes = memsim_block_struct_size(r->pool);

		b = memsim_block_make(r->pool, true);
		r->pool->nr_block_structs++;
		/* Over budget, perhaps, but a bug must not corrupt the pool. */
		r->pool->mem_used += bytes;
		if (r->pool->budget)
			memsim_env_counter_add(&r->pool->budget->total_used, bytes);
		return b;
	}
	b = list_first_entry(&r->list, struct memsim_block, link);
	list_del(&b->link);
	r->count--;
	return b;
}

void memsim_reserve_drain(struct memsim_block_reserve *r)
{
	struct memsim_block *b, *next;

	list_for_each_entry_safe(b, next, &r->list, link)
		memsim_block_put(r->pool, b);
	INIT_LIST_HEAD(&r->list);
	r->count = 0;
}

/*
 * Key comparisons of the pool's plain rbtrees, for rb_find() and rb_add():
 * allocated blocks by address, streams by number, segments by start and by
 * id.  The invariant checker looks nodes up with the same ones.
 */
int memsim_block_addr_cmp(const void *key, const struct rb_node *node)
{
	u64 addr = *(const u64 *)key, cur = rb_entry(node, struct memsim_block, rb_addr)->addr;

	return addr < cur ? -1 : addr > cur;
}

int memsim_stream_id_cmp(const void *key, const struct rb_node *node)
{
	u32 id = *(const u32 *)key, cur = rb_entry(node, struct memsim_stream, rb)->id;

	return id < cur ? -1 : id > cur;
}

int memsim_segment_id_cmp(const void *key, const struct rb_node *node)
{
	u64 id = *(const u64 *)key, cur = rb_entry(node, struct memsim_segment, rb_id)->id;

	return id < cur ? -1 : id > cur;
}

static int memsim_addr_at_or_above(const void *key, const struct rb_node *node)
{
	return rb_entry(node, struct memsim_block, rb_addr)->addr >= *(const u64 *)key ? 0 : 1;
}

/*
 * The first block, of a tree keyed by address through rb_addr (the pool's
 * allocated blocks, a fit stream's free blocks, a buddy order), that starts
 * at or above @addr: O(log n).
 */
struct memsim_block *memsim_addr_first_from(const struct rb_root *root, u64 addr)
{
	struct rb_node *node = rb_find_first(&addr, root, memsim_addr_at_or_above);

	return node ? rb_entry(node, struct memsim_block, rb_addr) : NULL;
}
