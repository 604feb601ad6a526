/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim_ref: a brute-force reference model of the allocator core
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Derived from the documents only, never from the core's code:
 * Documentation/allocator.rst, the "DOC: Allocator core" overview in
 * module/core/memsim_core.h, the DOC blocks "Fit strategies"
 * (module/core/memsim_fit.c) and "Buddy system" (module/core/memsim_buddy.c),
 * the kernel-doc of the core's entry points, and for what a malformed
 * fixed-address request is, Documentation/uapi.rst's error table and
 * MEMSIM_IOC_ALLOC's kernel-doc (include/uapi/linux/memsim.h).
 *
 * Deliberately unlike the core: no trees, no bit masks.  Each stream keeps
 * its free space as a plain array of extents sorted by address; allocated
 * blocks are one array sorted by address.  Every request enumerates every
 * free block, computes the block's candidate address by division and
 * multiplication on 128-bit integers, collects all candidates and lets the
 * strategy's chooser pick one with an explicit comparator.  O(blocks) per
 * request: obviousness matters here, speed does not.
 *
 * A strategy is one chooser function and one line in ref_strategies[]
 * (memsim_ref.c); the layout of free space (splitting, merging, the size an
 * allocation actually takes) belongs to a family shared by strategies.
 */
#ifndef _MEMSIM_REF_H
#define _MEMSIM_REF_H

#include "memsim_core.h"

/*
 * A block as the harness sees it: a piece of a segment, free, allocated or
 * with a deferred free.  The model's allocated blocks are kept in this form;
 * ref_pool.blocks is every block, rebuilt after each change.
 */
struct ref_block {
	u64 addr;
	u64 size;
	u64 requested;		/* allocated blocks: the size asked for */
	u64 tag;		/* allocated blocks: the caller's tag */
	u64 seg_id;
	u64 seq;		/* deferred free: when it was requested */
	u32 stream;
	u8 state;		/* enum memsim_block_state */
};

/* A free extent of a stream. */
struct ref_extent {
	u64 addr;
	u64 size;
	u64 seg_id;
	u64 born;	/* when it became a free block of its stream (TLSF) */
};

/*
 * The counters of struct memsim_usage that are history and cannot be
 * recomputed from the blocks: everything else is computed by scanning.
 */
struct ref_hist {
	u64 peak_allocated;
	u64 allocs;
	u64 frees;
	u64 failures;
};

struct ref_segment {
	u64 id;
	u64 start;
	u64 size;
	u32 device;
	u32 stream;
	struct ref_hist h;
};

struct ref_stream {
	u32 id;
	struct ref_hist h;
	struct ref_extent *free;	/* sorted by address */
	size_t nr_free, cap_free;
	u64 clock;			/* free blocks made so far */
};

struct ref_pool {
	struct ref_segment *segs;	/* sorted by start */
	size_t nr_segs, cap_segs;
	struct ref_stream *streams;	/* sorted by id */
	size_t nr_streams, cap_streams;
	struct ref_block *live;		/* allocated blocks, by address */
	size_t nr_live, cap_live;
	struct ref_block *blocks;	/* view: every block, by address */
	size_t nr_blocks, cap_blocks;
	u64 last_segment_id;
	enum memsim_strategy strategy;
	/* each strategy's setting when last chosen (buddy: minimum block) */
	u64 setting[MEMSIM_NR_STRATEGIES];
	u64 cursor;			/* next fit */
	u64 seq;			/* deferred frees requested so far */
	struct ref_hist h;
	u64 strat_allocs[MEMSIM_NR_STRATEGIES];
	u64 strat_failures[MEMSIM_NR_STRATEGIES];
	u64 strat_frees[MEMSIM_NR_STRATEGIES];
};

void ref_init(struct ref_pool *p);
void ref_fini(struct ref_pool *p);
void ref_copy(struct ref_pool *dst, const struct ref_pool *src);

int ref_segment_create(struct ref_pool *p, u64 start, u64 size, u32 device,
		       u32 stream, u64 *id);
int ref_segment_release(struct ref_pool *p, u64 id);
int ref_set_strategy(struct ref_pool *p, enum memsim_strategy s, u64 setting);
int ref_alloc(struct ref_pool *p, const struct memsim_request *req,
	      struct memsim_result *res);
int ref_free(struct ref_pool *p, u64 addr, u64 expected_size, u32 flags,
	     struct memsim_free_result *res);
int ref_complete_free(struct ref_pool *p, u64 addr,
		      struct memsim_free_result *res);
int ref_sync_stream(struct ref_pool *p, u32 stream, u64 *completed);

enum memsim_overlap ref_check_overlap(struct ref_pool *p, u64 start, u64 size,
				      u64 *ids, u32 max_ids, u32 *nr_ids);
int ref_find_safe_range(struct ref_pool *p, u64 size, u64 align, u64 min,
			u64 max, u64 *addr);

/* Statistics, computed from scratch. */
void ref_pool_usage(const struct ref_pool *p, struct memsim_usage *u);
bool ref_stream_usage(const struct ref_pool *p, u32 stream,
		      struct memsim_usage *u);
bool ref_segment_usage(const struct ref_pool *p, u64 id,
		       struct memsim_usage *u);
u64 ref_largest_free(const struct ref_pool *p, u32 stream);
u64 ref_segment_largest_free(const struct ref_pool *p, u64 id);

struct ref_segment *ref_segment_find(struct ref_pool *p, u64 id);
struct ref_block *ref_block_at(struct ref_pool *p, u64 addr);
size_t ref_live_blocks(const struct ref_pool *p);

void ref_dump(const struct ref_pool *p, FILE *f);

#endif /* _MEMSIM_REF_H */
