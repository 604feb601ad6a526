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
 * an allocation splits off the alignment padding before it and the tail
 * after it; a free merges the block with its free neighbours on the
 * segment's list.  The free index each family keeps is reached through
 * memsim_free_insert(), memsim_free_remove() and memsim_free_resize(), so
 * the same code serves them all.
 *
 * What moves is the allocation, not the free space: a free block that is
 * split stays in the index as the piece before the allocation (or, without
 * one, the piece after it) and a fresh structure becomes the allocated
 * block; a freed block that has a free neighbour is absorbed by it.  A
 * piece or a merge keeps the block's place in address order, so the index
 * updates it in place (&memsim_index_ops.resize: fit's address tree only
 * recomputes the maxima above it) instead of taking one block out and
 * putting another in, and an allocation with a tail and a free with a
 * free neighbour each touch one node of the address tree fewer.
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
 * The padding before the allocation, then the tail after it, stay free:
 * the free block's own structure keeps the first of them, in place in the
 * index, and the second is a new free block.  The allocation is a new
 * structure between them, or the free block's own when nothing is left.
 *
 * Return: the block, not yet marked allocated.
 */
struct memsim_block *memsim_extent_take(struct memsim_pool *pool,
					const struct memsim_candidate *c,
					struct memsim_block_reserve *r)
{
	struct memsim_block *b = c->block, *a, *n;
	u64 addr = b->addr, end = memsim_block_end(b), alloc_end = c->place + c->size;

	if (c->place == addr && alloc_end == end) {
		memsim_free_remove(pool, b);
		return b;
	}
	a = split_off(b, c->place, c->size, r);
	if (c->place > addr) {
		/* @b is the padding; the tail, if any, is new. */
		list_add(&a->link, &b->link);
		memsim_free_resize(pool, b, addr, c->place - addr);
		memsim_emit_block(pool, MEMSIM_EV_SPLIT, b);
		if (alloc_end < end) {
			n = split_off(b, alloc_end, end - alloc_end, r);
			list_add(&n->link, &a->link);
			memsim_free_insert(pool, n);
			memsim_emit_block(pool, MEMSIM_EV_SPLIT, n);
		}
	} else {
		/* @b is the tail. */
		list_add_tail(&a->link, &b->link);
		memsim_free_resize(pool, b, alloc_end, end - alloc_end);
		memsim_emit_block(pool, MEMSIM_EV_SPLIT, b);
	}
	return a;
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

/* Drop @victim, a block now covered by a neighbour, and its structure. */
static void drop(struct memsim_pool *pool, struct memsim_block *victim)
{
	list_del(&victim->link);
	memsim_account_blocks(victim->segment, -1);
	memsim_block_put(pool, victim);
}

/**
 * memsim_extent_give_back() - return a freed block, merged with free neighbours
 * @pool: the pool.
 * @b: the block, out of the allocated tree and the counters already.
 * @res: coalescing outcome.
 *
 * Merges with the free neighbours on the same segment (a segment's list
 * never holds another segment's blocks, so merges cannot cross segments):
 * the lower one, if free, absorbs @b and the upper one; else the upper one,
 * if free, absorbs @b; else @b is indexed alone.  Deferred frees are not
 * free, so they stay apart.
 */
void memsim_extent_give_back(struct memsim_pool *pool, struct memsim_block *b,
			     struct memsim_free_result *res)
{
	struct memsim_block *lo = free_neighbour(b, false);
	struct memsim_block *hi = free_neighbour(b, true);
	u64 addr = b->addr, end = memsim_block_end(b);

	if (!lo && !hi) {
		memsim_free_settle(pool, b, res);
		return;
	}
	res->coalesced = true;
	if (lo) {
		if (hi) {
			end = memsim_block_end(hi);
			memsim_free_remove(pool, hi);
			drop(pool, hi);
		}
		drop(pool, b);
		memsim_free_resize(pool, lo, lo->addr, end - lo->addr);
		memsim_free_report(pool, lo, res);
		return;
	}
	drop(pool, b);
	memsim_free_resize(pool, hi, addr, memsim_block_end(hi) - addr);
	memsim_free_report(pool, hi, res);
}
