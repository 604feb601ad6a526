/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: tables for humans (and their NDJSON form with --json)
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The summary table, the strategies' counters, the listings of segments,
 * streams and blocks, and the map.  Each printer takes the data, not the
 * device, so that any source (the ioctls, a debugfs file) can be shown
 * the same way.
 */
#ifndef _MEMSIMCTL_RENDER_TEXT_H
#define _MEMSIMCTL_RENDER_TEXT_H

#include <stddef.h>

#include "libmemsim.h"

void print_ppm(__u32 ppm);
const char *stream_str(__u32 stream, char *buf, size_t len);
void print_strategies(const struct memsim_strategy_stats_info *st, int active);

/* Callbacks of the libmemsim pagers (their @ctx is unused). */
int print_stream(const struct memsim_stream_info *st, void *ctx);
int print_segment(const struct memsim_segment_info *g, void *ctx);
int print_block(const struct memsim_block_life *l, void *ctx);
int print_map(const struct memsim_map *m, void *ctx);
void print_blocks_header(void);
void print_map_header(void);

/**
 * struct summary_table - what the summary table shows besides the streams
 * @instance_id: the instance.
 * @sum: GET_SUMMARY.
 * @st: the strategies' counters (GET_STATS).
 * @has_trace: 1 if the trace figures below are known.
 * @trace_kept: records the ring holds.
 * @trace_capacity: its capacity.
 * @trace_head: records ever made.
 * @trace_dropped: records dropped.
 */
struct summary_table {
	__u64 instance_id;
	struct memsim_summary sum;
	struct memsim_strategy_stats_info st[MEMSIM_STRATEGY_COUNT];
	int has_trace;
	__u64 trace_kept;
	__u64 trace_capacity;
	__u64 trace_head;
	__u64 trace_dropped;
};

/*
 * The table: summary_begin() (text: the title and the pool's rows; JSON:
 * the members of the object already started, then the pool's "rows"),
 * summary_stream() for each stream, summary_end() (text: the strategies;
 * JSON: nothing, the caller closes "rows" and the object).
 */
void summary_begin(const struct summary_table *t);
int summary_stream(const struct memsim_stream_info *st, void *ctx);
void summary_end(const struct summary_table *t);

#endif /* _MEMSIMCTL_RENDER_TEXT_H */
