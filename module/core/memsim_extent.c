// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: extents - splitting a free block and merging freed neighbours
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Extents
 *
 * The families whose free blocks are arbitrary extents of a segment (the
 * fit strategies and TLSF; not the buddy system, whose blocks are powers of
 * two merged with their buddies) take and give back space the same way:
 * an allocation keeps the free block's structure and splits off the
 * alignment padding before it and the tail after it; a free merges the
 * block with its free neighbours on the segment's list.  The free index
 * each family keeps is reached through memsim_free_insert() and
 * memsim_free_remove(), so the same code serves them all.
 */

#include "memsim_core_priv.h"

/**
 * memsim_extent_splits() - blocks taking a candidate splits off its free block
 * @pool: the pool.
 * @c: the candidate.
 *
 * Return: 0 to 2: the alignment padding before the allocation, the tail
 * after it.
 */
u32 memsim_extent_splits(const struct memsim_pool *pool, const struct memsim_candidate *c)
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
 * memsim_extent_take() - carve a candidate's allocation out of its free block
 * @pool: the pool.
 * @c: the candidate.
 * @r: a reserve holding memsim_extent_splits() blocks.
 *
 * The free block's own structure becomes the allocated block; the padding
 * before it, then the tail after it, become new free blocks on either side,
 * inserted into the free index in that order.
 *
 * Return: the block, not yet marked allocated.
 */
struct memsim_block *memsim_extent_take(struct memsim_pool *pool,
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
 * memsim_extent_give_back() - return a freed block, merged with free neighbours
 * @pool: the pool.
 * @b: the block, out of the allocated tree and the counters already.
 * @res: coalescing outcome.
 *
 * Merges with the free neighbours on the same segment, the lower one
 * first (a segment's list never holds another segment's blocks, so merges
 * cannot cross segments), then indexes the result.  Deferred frees are not
 * free, so they stay apart.
 */
void memsim_extent_give_back(struct memsim_pool *pool, struct memsim_block *b,
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
	memsim_free_settle(pool, b, res);
}
