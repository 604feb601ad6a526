/* SPDX-License-Identifier: GPL-2.0 */
/*
 * libmemsim: a small C library over the /dev/memsim ioctls
 *
 * Copyright (C) 2026 The memsim authors
 *
 * One function per ioctl of include/uapi/linux/memsim.h, taking plain C
 * arguments (of the ABI's own __u32 and __u64 types) or the uapi
 * structures, plus a few helpers: strategy and errno names, pagers over the
 * listing ioctls and the trace, the debugfs map computed from the ioctls,
 * and printers.
 *
 * Labels: a call site for the trace and the block ("demo.c:42"), at most
 * MEMSIM_LABEL_MAX - 1 printable ASCII characters.  memsim_alloc() and
 * memsim_can_alloc() take it in the label_ptr field of their structure
 * ((uintptr_t)"demo.c:42", or 0 for none); memsim_free_label() and
 * memsim_complete_free_label() as an argument.  The kernel checks them.
 *
 * Every function that talks to the device returns 0 or a negative errno and
 * remembers, in the handle, which operation failed and why, so that
 * memsim_strerror() can say e.g. "ALLOC: No space left on device".
 *
 * The library fills every argument structure itself from a zeroed copy:
 * padding, reserved and out-only fields are always passed as zero, whatever
 * the caller's structure holds.
 */
#ifndef _LIBMEMSIM_H
#define _LIBMEMSIM_H

#include <stdio.h>

#include <linux/memsim.h>

#define MEMSIM_DEFAULT_PATH	"/dev/memsim"

/* Most entries the kernel lists in one GET_SEGMENTS/GET_BLOCKS/GET_STATS. */
#define MEMSIM_LIST_MAX		4096

/**
 * struct memsim_handle - an open instance of /dev/memsim
 * @fd: the file descriptor, -1 when closed.
 * @err: result of the last call: 0 or a negative errno.
 * @op: name of the last operation ("ALLOC", "open", ...).
 * @msg: the message memsim_strerror() returns after a failure.
 */
struct memsim_handle {
	int fd;
	int err;
	const char *op;
	char msg[160];
};

/* Opening and errors */
int memsim_open(struct memsim_handle *h, const char *path);
void memsim_close(struct memsim_handle *h);
const char *memsim_strerror(struct memsim_handle *h);
int memsim_fail(struct memsim_handle *h, const char *op, int err);

/* One function per ioctl */
int memsim_get_info(struct memsim_handle *h, struct memsim_info *out);
int memsim_set_strategy(struct memsim_handle *h, __u32 strategy,
			__u64 param);
int memsim_create_segment(struct memsim_handle *h, __u64 start,
			  __u64 size, __u32 device, __u32 stream,
			  __u64 *id);
int memsim_release_segment(struct memsim_handle *h, __u64 id);
int memsim_check_overlap(struct memsim_handle *h, __u64 start,
			 __u64 size, __u64 *ids, __u32 ids_cap,
			 __u32 *kind, __u32 *nr_ids);
int memsim_find_safe_range(struct memsim_handle *h, __u64 size,
			   __u64 align, __u64 min, __u64 max,
			   __u64 *addr);
int memsim_alloc(struct memsim_handle *h, const struct memsim_alloc_arg *in,
		 struct memsim_alloc_arg *out);
int memsim_can_alloc(struct memsim_handle *h,
		     const struct memsim_alloc_arg *in,
		     struct memsim_alloc_arg *out);
int memsim_explain_alloc(struct memsim_handle *h,
			 const struct memsim_alloc_arg *in,
			 struct memsim_explain_arg *out);
int memsim_free(struct memsim_handle *h, __u64 addr,
		__u64 expected_size, __u32 flags,
		struct memsim_free_arg *out);
int memsim_free_label(struct memsim_handle *h, __u64 addr,
		      __u64 expected_size, __u32 flags, const char *label,
		      struct memsim_free_arg *out);
int memsim_complete_free(struct memsim_handle *h, __u64 addr,
			 struct memsim_free_arg *out);
int memsim_complete_free_label(struct memsim_handle *h, __u64 addr,
			       const char *label, struct memsim_free_arg *out);
int memsim_sync_stream(struct memsim_handle *h, __u32 stream,
		       __u64 *completed);
int memsim_get_summary(struct memsim_handle *h, struct memsim_summary *out);
int memsim_get_stats(struct memsim_handle *h, __u64 stream_cursor,
		     struct memsim_stream_info *streams, __u32 streams_cap,
		     struct memsim_stats_arg *out);
int memsim_get_segments(struct memsim_handle *h, __u64 cursor,
			struct memsim_segment_info *buf, __u32 cap,
			struct memsim_list_arg *out);
int memsim_get_blocks(struct memsim_handle *h, __u64 cursor,
		      struct memsim_block_info *buf, __u32 cap,
		      struct memsim_list_arg *out);
int memsim_get_blocks_life(struct memsim_handle *h, __u64 cursor,
			   struct memsim_block_life *buf, __u32 cap,
			   struct memsim_list_arg *out);
int memsim_batch(struct memsim_handle *h, struct memsim_batch_op *ops,
		 __u32 count, __u32 flags, __u32 *done,
		 __u32 *failed);
int memsim_simulate(struct memsim_handle *h,
		    const struct memsim_simulate_arg *in,
		    struct memsim_simulate_arg *out);
int memsim_reset(struct memsim_handle *h, __u32 flags);
int memsim_trace_ctl(struct memsim_handle *h, __u32 capacity, __u32 flags);
int memsim_trace_read(struct memsim_handle *h, __u64 cursor,
		      struct memsim_trace_record *buf, __u32 cap,
		      struct memsim_trace_read_arg *out);

/*
 * Pagers: call @fn for every entry, in address (stream) order, looping on
 * the kernel's cursor.  A non-zero return of @fn stops the walk and is
 * returned; otherwise the result is 0 or the ioctl's negative errno.
 */
typedef int (*memsim_segment_fn)(const struct memsim_segment_info *seg,
				 void *ctx);
typedef int (*memsim_block_fn)(const struct memsim_block_info *blk, void *ctx);
typedef int (*memsim_block_life_fn)(const struct memsim_block_life *life,
				    void *ctx);
typedef int (*memsim_stream_fn)(const struct memsim_stream_info *st, void *ctx);

int memsim_walk_segments(struct memsim_handle *h, memsim_segment_fn fn,
			    void *ctx);
int memsim_walk_blocks(struct memsim_handle *h, memsim_block_fn fn,
			  void *ctx);
int memsim_walk_blocks_life(struct memsim_handle *h, memsim_block_life_fn fn,
			    void *ctx);
/* @strategies, if not NULL, receives the per-strategy counters. */
int memsim_walk_streams(struct memsim_handle *h, memsim_stream_fn fn,
			   void *ctx,
			   struct memsim_strategy_stats_info *strategies);

/*
 * The trace from *@cursor on, page by page; *@cursor is left after the last
 * record seen and *@lost (if not NULL) counts the records that were gone
 * from the ring.  See libmemsim.c.
 */
typedef int (*memsim_trace_fn)(const struct memsim_trace_record *rec,
			       void *ctx);
int memsim_walk_trace(struct memsim_handle *h, __u64 *cursor,
		      memsim_trace_fn fn, void *ctx, __u64 *lost,
		      struct memsim_trace_read_arg *state);

/* The debugfs "map" of each segment, computed from GET_SEGMENTS/GET_BLOCKS. */
#define MEMSIM_MAP_SLICES	64

/**
 * struct memsim_map - one segment's line of the map
 * @segment_id: the segment.
 * @start: its first address.
 * @slice: bytes per character, rounded down: min(64, size) characters
 *	share the segment to the byte, so a character stands for @slice or
 *	@slice + 1 bytes.
 * @line: one character per share, '.', '#', 'D' or '+', NUL-terminated.
 */
struct memsim_map {
	__u64 segment_id;
	__u64 start;
	__u64 slice;
	char line[MEMSIM_MAP_SLICES + 1];
};

typedef int (*memsim_map_fn)(const struct memsim_map *map, void *ctx);
int memsim_walk_maps(struct memsim_handle *h, memsim_map_fn fn, void *ctx);

/* Names */
const char *memsim_strategy_name(__u32 strategy);
int memsim_strategy_from_name(const char *name);
const char *memsim_state_name(__u32 state);
const char *memsim_overlap_name(__u32 kind);
const char *memsim_refusal_name(__u32 reason);
const char *memsim_trace_op_name(__u32 op);
const char *memsim_errno_name(int err);
int memsim_errno_from_name(const char *name);

/* Printers, for humans */
char *memsim_format_size(char *buf, size_t len, __u64 bytes);
void memsim_print_info(FILE *f, const struct memsim_info *info);
void memsim_print_usage(FILE *f, const struct memsim_usage_info *u,
			const char *indent);
void memsim_print_summary(FILE *f, const struct memsim_summary *s);

/* Printers, for programs */
void memsim_print_json_string(FILE *f, const char *str);
void memsim_print_csv_string(FILE *f, const char *str);
void memsim_print_trace_csv_header(FILE *f);
void memsim_print_trace_record(FILE *f, const struct memsim_trace_record *r,
			       int ndjson);

#endif /* _LIBMEMSIM_H */
