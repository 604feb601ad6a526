// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: what a failed consistency check reports, and how it looks blocks up
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Check reports
 *
 * The helpers every part of memsim_pool_check() reports with: the walk in
 * memsim_check.c and each strategy family's own check hooks.  They sit
 * below both, so that a strategy's checks do not depend on the walker
 * that calls them.  snprintf() and vsnprintf() are the formatters both
 * environments share.
 */

#include "memsim_core_priv.h"
#include "memsim_check.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#include <linux/kernel.h>
#else
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#endif

#ifndef EUCLEAN
#define EUCLEAN		117	/* "Structure needs cleaning", as in glibc */
#endif

#define ull(v)	memsim_ull(v)

/**
 * memsim_check_fail() - describe a failed check
 * @c: the walk.
 * @fmt: printf format of the description.
 *
 * A message that does not fit the caller's buffer is truncated, which is
 * still a failure.
 *
 * Return: -EUCLEAN.
 */
int memsim_check_fail(struct memsim_check *c, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (c->len)
		vsnprintf(c->msg, c->len, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

/**
 * memsim_check_block_fail() - describe a failed check of one block
 * @c: the walk.
 * @blk: the block, named first: "segment 3 block [0x1000+0x40) state 0: ".
 * @fmt: printf format of the rest.
 *
 * Return: -EUCLEAN.
 */
int memsim_check_block_fail(struct memsim_check *c, const struct memsim_block *blk,
			    const char *fmt, ...)
{
	size_t n = 0;
	va_list ap;
	int head;

	if (!c->len)
		return -EUCLEAN;
	head = snprintf(c->msg, c->len, "segment %llu block [%#llx+%#llx) state %u: ",
			ull(blk->segment ? blk->segment->id : 0), ull(blk->addr),
			ull(blk->size), blk->state);
	if (head > 0)
		n = (size_t)head < c->len ? (size_t)head : c->len - 1;
	va_start(ap, fmt);
	vsnprintf(c->msg + n, c->len - n, fmt, ap);
	va_end(ap);
	return -EUCLEAN;
}

/**
 * memsim_check_addr_find() - look a block up by address, by descending
 * @root: a tree of blocks keyed by address through rb_addr.
 * @addr: the address.
 *
 * Return: the block found by its key from the root, or NULL.
 */
struct memsim_block *memsim_check_addr_find(const struct rb_root *root, u64 addr)
{
	struct rb_node *node = root->rb_node;

	while (node) {
		struct memsim_block *blk = rb_entry(node, struct memsim_block, rb_addr);

		if (addr < blk->addr)
			node = node->rb_left;
		else if (addr > blk->addr)
			node = node->rb_right;
		else
			return blk;
	}
	return NULL;
}

/**
 * memsim_check_free_entry() - an index entry must be a free block of its stream
 * @c: the walk.
 * @st: the stream whose index holds @blk.
 * @blk: the entry.
 * @index: the index's name, for the message.
 *
 * Return: 0, or -EUCLEAN with the message set.
 */
int memsim_check_free_entry(struct memsim_check *c, struct memsim_stream *st,
			    const struct memsim_block *blk, const char *index)
{
	if (blk->state != MEMSIM_BLOCK_FREE)
		return memsim_check_block_fail(c, blk, "in %s of stream %u but not free", index,
					       st->id);
	if (!blk->segment || blk->segment->stream != st)
		return memsim_check_block_fail(c, blk, "in %s of stream %u but of another stream",
					       index,
				  st->id);
	return 0;
}
