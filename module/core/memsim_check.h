/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: what the invariant checker offers the strategies' own checks
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_CHECK_H
#define _MEMSIM_CHECK_H

#include "memsim_core.h"

/*
 * One walk of memsim_pool_check().  @scratch holds the counters being
 * recomputed; there is only one, so that the walk stays within a small
 * stack frame (a &struct memsim_usage is over 600 bytes).
 */
struct memsim_check {
	struct memsim_pool *pool;
	char *msg;
	size_t len;
	u64 nr_blocks;
	u64 nr_live;
	struct memsim_usage scratch;
};

/*
 * Describe the failed check in the caller's buffer and return -EUCLEAN.
 * A message that does not fit is truncated, which is still a failure.
 */
__printf(2, 3)
int memsim_check_fail(struct memsim_check *c, const char *fmt, ...);

/* The same, naming the block first: "segment 3 block [0x1000+0x40) state 0: " */
__printf(3, 4)
int memsim_check_block_fail(struct memsim_check *c, const struct memsim_block *blk,
			    const char *fmt, ...);

/* An index entry must be a free block of stream @s. */
int memsim_check_free_entry(struct memsim_check *c, struct memsim_stream *s,
			    const struct memsim_block *blk, const char *index);

/* Look a block up in a tree keyed by address, descending from the root. */
struct memsim_block *memsim_check_addr_find(const struct rb_root *root, u64 addr);

/* u64 is unsigned long long in the kernel, uint64_t in tools/include. */
static inline unsigned long long memsim_ull(u64 v)
{
	return v;
}

#endif /* _MEMSIM_CHECK_H */
