/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim_ref: a deliberately naive reference model of the allocator core
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The model keeps plain arrays (segments sorted by start, blocks sorted by
 * address) and decides everything by linear scans, following the placement
 * rules of the DOC comment in module/core/memsim_core.h.  It shares nothing with
 * the core but the API's types and constants: the host harness runs both
 * side by side and compares them after every operation.  Its functions take
 * the same arguments and return the same errno values as the core's.
 */
#ifndef _MEMSIM_REF_H
#define _MEMSIM_REF_H

#include "memsim_core.h"

/* A block: a piece of a segment, free, allocated or with a deferred free. */
struct ref_block {
	u64 addr;
	u64 size;
	u64 requested;		/* allocated blocks: the size asked for */
	u64 tag;		/* allocated blocks: the caller's tag */
	u64 seg_id;
	u32 stream;
	u8 state;		/* enum memsim_block_state */
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
};

struct ref_pool {
	struct ref_segment *segs;	/* sorted by start */
	size_t nr_segs, cap_segs;
	struct ref_block *blocks;	/* sorted by address */
	size_t nr_blocks, cap_blocks;
	struct ref_stream *streams;	/* sorted by id */
	size_t nr_streams, cap_streams;
	u64 last_segment_id;
	enum memsim_strategy strategy;
	u64 min_block;			/* buddy: minimum block size */
	u64 cursor;			/* next fit */
	bool literal_next_fit;		/* see pick() in memsim_ref.c */
	struct ref_hist h;
	u64 strat_allocs[MEMSIM_NR_STRATEGIES];
	u64 strat_failures[MEMSIM_NR_STRATEGIES];
	u64 strat_frees[MEMSIM_NR_STRATEGIES];
};

void ref_init(struct ref_pool *p);
void ref_fini(struct ref_pool *p);

int ref_segment_create(struct ref_pool *p, u64 start, u64 size, u32 device,
		       u32 stream, u64 *id);
int ref_segment_release(struct ref_pool *p, u64 id);
int ref_set_strategy(struct ref_pool *p, enum memsim_strategy s, u64 min_block);
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
