// SPDX-License-Identifier: GPL-2.0
/*
 * libmemsim: a small C library over the /dev/memsim ioctls
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See libmemsim.h.  Each wrapper copies the "in" fields the caller gave into
 * a zeroed structure, so padding, reserved and out-only fields always reach
 * the kernel as zero, issues the ioctl and copies the result back.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "libmemsim.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Entries asked for per call by the pagers. */
#define PAGE_ENTRIES	256

static void set_ok(struct memsim_handle *h, const char *op)
{
	h->err = 0;
	h->op = op;
	h->msg[0] = '\0';
}

/**
 * memsim_fail() - record a failure in the handle
 * @h: the handle.
 * @op: name of the operation.
 * @err: negative errno.
 *
 * Return: @err, so that callers can write "return memsim_fail(...)".
 */
int memsim_fail(struct memsim_handle *h, const char *op, int err)
{
	h->err = err;
	h->op = op;
	snprintf(h->msg, sizeof(h->msg), "%s: %s", op, strerror(-err));
	return err;
}

/**
 * memsim_strerror() - describe the last failure
 * @h: the handle.
 *
 * Return: "OPERATION: message", e.g. "ALLOC: No space left on device", or
 * "no error" if the last call succeeded.
 */
const char *memsim_strerror(struct memsim_handle *h)
{
	if (!h->err)
		return "no error";
	return h->msg;
}

/**
 * memsim_open() - open a new instance
 * @h: the handle to fill.
 * @path: the device node, or NULL for /dev/memsim.
 *
 * Return: 0 or a negative errno (h->fd is then -1).
 */
int memsim_open(struct memsim_handle *h, const char *path)
{
	if (!path)
		path = MEMSIM_DEFAULT_PATH;
	memset(h, 0, sizeof(*h));
	h->fd = open(path, O_RDWR | O_CLOEXEC);
	if (h->fd < 0) {
		int err = -errno;

		h->err = err;
		h->op = "open";
		snprintf(h->msg, sizeof(h->msg), "%s: %s", path, strerror(-err));
		return err;
	}
	set_ok(h, "open");
	return 0;
}

/**
 * memsim_close() - close the instance, which destroys it
 * @h: the handle; closing a closed handle does nothing.
 */
void memsim_close(struct memsim_handle *h)
{
	if (h->fd >= 0)
		close(h->fd);
	h->fd = -1;
}

static int do_ioctl(struct memsim_handle *h, const char *op,
		    unsigned long cmd, void *arg)
{
	if (h->fd < 0)
		return memsim_fail(h, op, -EBADF);
	if (ioctl(h->fd, cmd, arg) < 0)
		return memsim_fail(h, op, -errno);
	set_ok(h, op);
	return 0;
}

int memsim_get_info(struct memsim_handle *h, struct memsim_info *out)
{
	struct memsim_info a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = do_ioctl(h, "GET_INFO", MEMSIM_IOC_GET_INFO, &a);
	if (!ret)
		*out = a;
	return ret;
}

/*
 * @param is the strategy's setting: the buddy system's minimum block,
 * TLSF's classes per level; 0 for the default (and for the others).
 */
int memsim_set_strategy(struct memsim_handle *h, __u32 strategy,
			__u64 param)
{
	struct memsim_strategy_arg a;

	memset(&a, 0, sizeof(a));
	a.strategy = strategy;
	if (strategy == MEMSIM_STRATEGY_TLSF)
		a.tlsf_classes = param;
	else
		a.buddy_min_block = param;
	return do_ioctl(h, "SET_STRATEGY", MEMSIM_IOC_SET_STRATEGY, &a);
}

int memsim_create_segment(struct memsim_handle *h, __u64 start,
			  __u64 size, __u32 device, __u32 stream,
			  __u64 *id)
{
	struct memsim_segment_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.start = start;
	a.size = size;
	a.device = device;
	a.stream = stream;
	ret = do_ioctl(h, "CREATE_SEGMENT", MEMSIM_IOC_CREATE_SEGMENT, &a);
	if (!ret && id)
		*id = a.segment_id;
	return ret;
}

int memsim_release_segment(struct memsim_handle *h, __u64 id)
{
	struct memsim_segment_arg a;

	memset(&a, 0, sizeof(a));
	a.segment_id = id;
	return do_ioctl(h, "RELEASE_SEGMENT", MEMSIM_IOC_RELEASE_SEGMENT, &a);
}

/*
 * @ids may be NULL with @ids_cap 0; *@nr_ids may then exceed @ids_cap, as
 * only @ids_cap ids are written.
 */
int memsim_check_overlap(struct memsim_handle *h, __u64 start,
			 __u64 size, __u64 *ids, __u32 ids_cap,
			 __u32 *kind, __u32 *nr_ids)
{
	struct memsim_overlap_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.start = start;
	a.size = size;
	a.ids_ptr = ids_cap ? (uintptr_t)ids : 0;
	a.ids_cap = ids ? ids_cap : 0;
	ret = do_ioctl(h, "CHECK_OVERLAP", MEMSIM_IOC_CHECK_OVERLAP, &a);
	if (ret)
		return ret;
	if (kind)
		*kind = a.kind;
	if (nr_ids)
		*nr_ids = a.nr_ids;
	return 0;
}

int memsim_find_safe_range(struct memsim_handle *h, __u64 size,
			   __u64 align, __u64 min, __u64 max,
			   __u64 *addr)
{
	struct memsim_safe_range_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.size = size;
	a.align = align;
	a.min = min;
	a.max = max;
	ret = do_ioctl(h, "FIND_SAFE_RANGE", MEMSIM_IOC_FIND_SAFE_RANGE, &a);
	if (!ret && addr)
		*addr = a.addr;
	return ret;
}

static void alloc_in(struct memsim_alloc_arg *a,
		     const struct memsim_alloc_arg *in)
{
	memset(a, 0, sizeof(*a));
	a->size = in->size;
	a->align = in->align;
	a->range_lo = in->range_lo;
	a->range_hi = in->range_hi;
	a->fixed_addr = in->fixed_addr;
	a->tag = in->tag;
	a->stream = in->stream;
	a->flags = in->flags;
	a->priority = in->priority;
	a->label_ptr = in->label_ptr;
}

/*
 * Only the "in" fields of @in are read.  @out (which may be @in, or NULL)
 * receives the whole answer on success.
 */
int memsim_alloc(struct memsim_handle *h, const struct memsim_alloc_arg *in,
		 struct memsim_alloc_arg *out)
{
	struct memsim_alloc_arg a;
	int ret;

	alloc_in(&a, in);
	ret = do_ioctl(h, "ALLOC", MEMSIM_IOC_ALLOC, &a);
	if (!ret && out)
		*out = a;
	return ret;
}

/* As memsim_alloc(); on -ENOSPC @out is written too, for its @largest. */
int memsim_can_alloc(struct memsim_handle *h,
		     const struct memsim_alloc_arg *in,
		     struct memsim_alloc_arg *out)
{
	struct memsim_alloc_arg a;
	int ret;

	alloc_in(&a, in);
	ret = do_ioctl(h, "CAN_ALLOC", MEMSIM_IOC_CAN_ALLOC, &a);
	if ((!ret || ret == -ENOSPC) && out)
		*out = a;
	return ret;
}

/*
 * EXPLAIN_ALLOC for the request @in (its in fields only, label included);
 * the figures land in @out, whose @req is a copy of the request sent.
 */
int memsim_explain_alloc(struct memsim_handle *h,
			 const struct memsim_alloc_arg *in,
			 struct memsim_explain_arg *out)
{
	struct memsim_explain_arg e;
	int ret;

	memset(&e, 0, sizeof(e));
	alloc_in(&e.req, in);
	ret = do_ioctl(h, "EXPLAIN_ALLOC", MEMSIM_IOC_EXPLAIN_ALLOC, &e);
	if (!ret)
		*out = e;
	return ret;
}

/*
 * @label: the call site to record with the block and in the trace (a
 * NUL-terminated string of at most MEMSIM_LABEL_MAX - 1 printable ASCII
 * characters), or NULL for none.  The kernel checks it, not the library.
 */
int memsim_free_label(struct memsim_handle *h, __u64 addr,
		      __u64 expected_size, __u32 flags, const char *label,
		      struct memsim_free_arg *out)
{
	struct memsim_free_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.addr = addr;
	a.expected_size = expected_size;
	a.flags = flags;
	a.label_ptr = (uintptr_t)label;
	ret = do_ioctl(h, "FREE", MEMSIM_IOC_FREE, &a);
	if (!ret && out)
		*out = a;
	return ret;
}

int memsim_free(struct memsim_handle *h, __u64 addr,
		__u64 expected_size, __u32 flags,
		struct memsim_free_arg *out)
{
	return memsim_free_label(h, addr, expected_size, flags, NULL, out);
}

/* @label: as for memsim_free_label(). */
int memsim_complete_free_label(struct memsim_handle *h, __u64 addr,
			       const char *label, struct memsim_free_arg *out)
{
	struct memsim_free_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.addr = addr;
	a.label_ptr = (uintptr_t)label;
	ret = do_ioctl(h, "COMPLETE_FREE", MEMSIM_IOC_COMPLETE_FREE, &a);
	if (!ret && out)
		*out = a;
	return ret;
}

int memsim_complete_free(struct memsim_handle *h, __u64 addr,
			 struct memsim_free_arg *out)
{
	return memsim_complete_free_label(h, addr, NULL, out);
}

int memsim_sync_stream(struct memsim_handle *h, __u32 stream,
		       __u64 *completed)
{
	struct memsim_sync_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.stream = stream;
	ret = do_ioctl(h, "SYNC_STREAM", MEMSIM_IOC_SYNC_STREAM, &a);
	if (!ret && completed)
		*completed = a.completed;
	return ret;
}

int memsim_get_summary(struct memsim_handle *h, struct memsim_summary *out)
{
	struct memsim_summary a;
	int ret;

	memset(&a, 0, sizeof(a));
	ret = do_ioctl(h, "GET_SUMMARY", MEMSIM_IOC_GET_SUMMARY, &a);
	if (!ret)
		*out = a;
	return ret;
}

/* @streams may be NULL with @streams_cap 0: the strategies only. */
int memsim_get_stats(struct memsim_handle *h, __u64 stream_cursor,
		     struct memsim_stream_info *streams, __u32 streams_cap,
		     struct memsim_stats_arg *out)
{
	struct memsim_stats_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.streams_ptr = streams_cap ? (uintptr_t)streams : 0;
	a.streams_cap = streams ? streams_cap : 0;
	a.stream_cursor = stream_cursor;
	ret = do_ioctl(h, "GET_STATS", MEMSIM_IOC_GET_STATS, &a);
	if (!ret)
		*out = a;
	return ret;
}

static int get_list(struct memsim_handle *h, const char *op,
		    unsigned long cmd, __u64 cursor, void *buf,
		    __u32 cap, struct memsim_list_arg *out)
{
	struct memsim_list_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.buf_ptr = (uintptr_t)buf;
	a.buf_cap = cap;
	a.cursor = cursor;
	ret = do_ioctl(h, op, cmd, &a);
	if (!ret)
		*out = a;
	return ret;
}

int memsim_get_segments(struct memsim_handle *h, __u64 cursor,
			struct memsim_segment_info *buf, __u32 cap,
			struct memsim_list_arg *out)
{
	return get_list(h, "GET_SEGMENTS", MEMSIM_IOC_GET_SEGMENTS, cursor,
			buf, cap, out);
}

int memsim_get_blocks(struct memsim_handle *h, __u64 cursor,
		      struct memsim_block_info *buf, __u32 cap,
		      struct memsim_list_arg *out)
{
	return get_list(h, "GET_BLOCKS", MEMSIM_IOC_GET_BLOCKS, cursor,
			buf, cap, out);
}

int memsim_get_blocks_life(struct memsim_handle *h, __u64 cursor,
			   struct memsim_block_life *buf, __u32 cap,
			   struct memsim_list_arg *out)
{
	return get_list(h, "GET_BLOCKS_LIFE", MEMSIM_IOC_GET_BLOCKS_LIFE, cursor,
			buf, cap, out);
}

/*
 * @ops is handed to the kernel as is, which writes the results into it.
 * Their out fields are cleared first (@error, @result_size, and @addr of
 * an allocation without MEMSIM_ALLOC_FIXED), so that an array can be run
 * again.  *@done and *@failed are written whenever the kernel got that far
 * (also on -EINTR).
 */
int memsim_batch(struct memsim_handle *h, struct memsim_batch_op *ops,
		 __u32 count, __u32 flags, __u32 *done,
		 __u32 *failed)
{
	struct memsim_batch_arg a;
	__u32 i;
	int ret;

	for (i = 0; i < count; i++) {
		ops[i].error = 0;
		ops[i].result_size = 0;
		if (ops[i].op == MEMSIM_BATCH_ALLOC &&
		    !(ops[i].flags & MEMSIM_ALLOC_FIXED))
			ops[i].addr = 0;
	}
	memset(&a, 0, sizeof(a));
	a.ops_ptr = (uintptr_t)ops;
	a.count = count;
	a.flags = flags;
	ret = do_ioctl(h, "BATCH", MEMSIM_IOC_BATCH, &a);
	if (done)
		*done = a.done;
	if (failed)
		*failed = a.failed;
	return ret;
}

int memsim_simulate(struct memsim_handle *h,
		    const struct memsim_simulate_arg *in,
		    struct memsim_simulate_arg *out)
{
	struct memsim_simulate_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.nr_ops = in->nr_ops;
	a.min_size = in->min_size;
	a.max_size = in->max_size;
	a.seed = in->seed;
	a.free_ppm = in->free_ppm;
	a.stream = in->stream;
	ret = do_ioctl(h, "SIMULATE", MEMSIM_IOC_SIMULATE, &a);
	if (!ret && out)
		*out = a;
	return ret;
}

int memsim_reset(struct memsim_handle *h, __u32 flags)
{
	struct memsim_reset_arg a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	return do_ioctl(h, "RESET", MEMSIM_IOC_RESET, &a);
}

int memsim_trace_ctl(struct memsim_handle *h, __u32 capacity, __u32 flags)
{
	struct memsim_trace_ctl_arg a;

	memset(&a, 0, sizeof(a));
	a.capacity = capacity;
	a.flags = flags;
	return do_ioctl(h, "TRACE_CTL", MEMSIM_IOC_TRACE_CTL, &a);
}

/*
 * @buf may be NULL with @cap 0: only the state (head, dropped, capacity,
 * flags, max_capacity; lost as seen from @cursor) is read.
 */
int memsim_trace_read(struct memsim_handle *h, __u64 cursor,
		      struct memsim_trace_record *buf, __u32 cap,
		      struct memsim_trace_read_arg *out)
{
	struct memsim_trace_read_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.buf_ptr = cap ? (uintptr_t)buf : 0;
	a.buf_cap = buf ? cap : 0;
	a.cursor = cursor;
	ret = do_ioctl(h, "TRACE_READ", MEMSIM_IOC_TRACE_READ, &a);
	if (!ret && out)
		*out = a;
	return ret;
}

/*
 * The kernel promises progress: a page that says "more" has entries and a
 * cursor past the one passed.  Anything else would loop forever.
 */
static int check_progress(struct memsim_handle *h, const char *op,
			  __u64 cursor, const struct memsim_list_arg *l)
{
	if (l->nr > PAGE_ENTRIES || (l->more && (!l->nr || l->cursor <= cursor)))
		return memsim_fail(h, op, -EPROTO);
	return 0;
}

/*
 * The pager of the listing ioctls: the walk's callback, of the type the
 * command lists, and its context.
 */
struct list_walk {
	memsim_segment_fn seg;
	memsim_block_fn blk;
	memsim_block_life_fn life;
	void *ctx;
};

static int list_walk_call(const struct list_walk *w, const void *entry)
{
	if (w->seg)
		return w->seg(entry, w->ctx);
	if (w->blk)
		return w->blk(entry, w->ctx);
	return w->life(entry, w->ctx);
}

static int walk_list(struct memsim_handle *h, const char *op, unsigned long cmd,
		     size_t size, const struct list_walk *w)
{
	struct memsim_list_arg l;
	__u64 cursor = 0;
	char *buf;
	__u32 i;
	int ret;

	buf = calloc(PAGE_ENTRIES, size);
	if (!buf)
		return memsim_fail(h, op, -ENOMEM);
	do {
		ret = get_list(h, op, cmd, cursor, buf, PAGE_ENTRIES, &l);
		if (!ret)
			ret = check_progress(h, op, cursor, &l);
		for (i = 0; !ret && i < l.nr; i++)
			ret = list_walk_call(w, buf + i * size);
		cursor = l.cursor;
	} while (!ret && l.more);
	free(buf);
	return ret;
}

int memsim_walk_segments(struct memsim_handle *h, memsim_segment_fn fn,
			    void *ctx)
{
	const struct list_walk w = { .seg = fn, .ctx = ctx };

	return walk_list(h, "GET_SEGMENTS", MEMSIM_IOC_GET_SEGMENTS,
			 sizeof(struct memsim_segment_info), &w);
}

int memsim_walk_blocks(struct memsim_handle *h, memsim_block_fn fn,
			  void *ctx)
{
	const struct list_walk w = { .blk = fn, .ctx = ctx };

	return walk_list(h, "GET_BLOCKS", MEMSIM_IOC_GET_BLOCKS,
			 sizeof(struct memsim_block_info), &w);
}

int memsim_walk_blocks_life(struct memsim_handle *h, memsim_block_life_fn fn,
			    void *ctx)
{
	const struct list_walk w = { .life = fn, .ctx = ctx };

	return walk_list(h, "GET_BLOCKS_LIFE", MEMSIM_IOC_GET_BLOCKS_LIFE,
			 sizeof(struct memsim_block_life), &w);
}

int memsim_walk_streams(struct memsim_handle *h, memsim_stream_fn fn,
			   void *ctx,
			   struct memsim_strategy_stats_info *strategies)
{
	struct memsim_stream_info *buf;
	struct memsim_stats_arg s;
	struct memsim_list_arg l;
	__u64 cursor = 0;
	__u32 i;
	int ret;

	buf = calloc(PAGE_ENTRIES, sizeof(*buf));
	if (!buf)
		return memsim_fail(h, "GET_STATS", -ENOMEM);
	do {
		ret = memsim_get_stats(h, cursor, buf, PAGE_ENTRIES, &s);
		if (ret)
			break;
		if (strategies && !cursor)
			memcpy(strategies, s.strategies, sizeof(s.strategies));
		memset(&l, 0, sizeof(l));
		l.nr = s.nr_streams;
		l.more = s.more;
		l.cursor = s.stream_cursor;
		ret = check_progress(h, "GET_STATS", cursor, &l);
		for (i = 0; !ret && i < s.nr_streams; i++)
			ret = fn ? fn(&buf[i], ctx) : 0;
		cursor = s.stream_cursor;
	} while (!ret && s.more);
	free(buf);
	return ret;
}

/**
 * memsim_walk_trace() - call @fn for every trace record from a cursor on
 * @h: the handle.
 * @cursor: in: sequence number of the first record wanted (0: the oldest
 *	kept); out: the one to pass next time, so that successive walks see
 *	each record once.
 * @fn: called for each record in sequence order; a non-zero return stops
 *	the walk (the cursor is then past that record).
 * @ctx: passed to @fn.
 * @lost: if not NULL, receives the records the walk could not see any
 *	more (overwritten by a full ring, or discarded by a new one).
 * @state: if not NULL, receives the last TRACE_READ answer (head,
 *	dropped, capacity...).
 *
 * Reads until the cursor reaches the head seen by the read.
 *
 * Return: 0, the non-zero return of @fn, or a negative errno.
 */
int memsim_walk_trace(struct memsim_handle *h, __u64 *cursor,
		      memsim_trace_fn fn, void *ctx, __u64 *lost,
		      struct memsim_trace_read_arg *state)
{
	struct memsim_trace_record *buf;
	struct memsim_trace_read_arg a;
	__u64 pos = *cursor, gone = 0;
	__u32 i;
	int ret;

	buf = calloc(PAGE_ENTRIES, sizeof(*buf));
	if (!buf)
		return memsim_fail(h, "TRACE_READ", -ENOMEM);
	for (;;) {
		ret = memsim_trace_read(h, pos, buf, PAGE_ENTRIES, &a);
		if (ret)
			break;
		if (a.nr > PAGE_ENTRIES || a.cursor < pos || a.cursor > a.head) {
			ret = memsim_fail(h, "TRACE_READ", -EPROTO);
			break;
		}
		gone += a.lost;
		for (i = 0; !ret && i < a.nr; i++) {
			ret = fn(&buf[i], ctx);
			if (ret)
				pos = buf[i].seq + 1;
		}
		if (ret)
			break;
		/* No progress means nothing more to read. */
		if (a.cursor == pos || a.cursor >= a.head) {
			pos = a.cursor;
			break;
		}
		pos = a.cursor;
	}
	free(buf);
	*cursor = pos;
	if (lost)
		*lost = gone;
	if (state && !ret)
		*state = a;
	return ret;
}

/* One segment's map in the making, as map_segment() in memsim_debugfs.c. */
struct map_state {
	struct memsim_map map;
	__u64 size;
	__u64 seg_end;
	__u64 pos;
	__u64 end;
	__u64 bytes[3];
	unsigned int n;
	unsigned int chars;
};

struct map_walk {
	struct memsim_handle *h;
	struct map_state *st;
	size_t nr;
	size_t cap;
	size_t cur;
};

/*
 * The end of character @i's share of the segment: the map has
 * chars = min(64, size) characters, character i standing for
 * [start + floor(i * size / chars), start + floor((i + 1) * size / chars)).
 */
static __u64 map_slice_end(const struct map_state *st, unsigned int i)
{
	return st->map.start +
	       (__u64)((__uint128_t)(i + 1) * st->size / st->chars);
}

static char map_char(const __u64 *bytes)
{
	__u64 free = bytes[MEMSIM_STATE_FREE];
	__u64 alloc = bytes[MEMSIM_STATE_ALLOCATED];
	__u64 deferred = bytes[MEMSIM_STATE_FREE_REQUESTED];

	if (!alloc && !deferred)
		return '.';
	if (!free && !deferred)
		return '#';
	if (!free && !alloc)
		return 'D';
	return '+';
}

/* Account the bytes from st->pos up to @upto as being in @state. */
static void map_account(struct map_state *st, __u64 upto, __u32 state)
{
	__u64 stop;

	if (state > MEMSIM_STATE_FREE_REQUESTED)
		state = MEMSIM_STATE_ALLOCATED;
	while (st->pos < upto && st->n < st->chars) {
		stop = upto < st->end ? upto : st->end;
		st->bytes[state] += stop - st->pos;
		st->pos = stop;
		if (st->pos == st->end) {
			st->map.line[st->n++] = map_char(st->bytes);
			memset(st->bytes, 0, sizeof(st->bytes));
			if (st->n < st->chars)
				st->end = map_slice_end(st, st->n);
		}
	}
	st->map.line[st->n] = '\0';
}

static int map_add_segment(const struct memsim_segment_info *seg, void *ctx)
{
	struct map_walk *w = ctx;
	struct map_state *st;

	if (w->nr == w->cap) {
		size_t n = w->cap ? w->cap * 2 : 16;

		st = realloc(w->st, n * sizeof(*st));
		if (!st)
			return memsim_fail(w->h, "GET_SEGMENTS", -ENOMEM);
		w->st = st;
		w->cap = n;
	}
	st = &w->st[w->nr++];
	memset(st, 0, sizeof(*st));
	st->map.segment_id = seg->id;
	st->map.start = seg->start;
	st->size = seg->size;
	st->chars = seg->size < MEMSIM_MAP_SLICES ? seg->size : MEMSIM_MAP_SLICES;
	st->map.slice = seg->size / st->chars;
	st->seg_end = seg->start + seg->size;
	st->pos = seg->start;
	st->end = map_slice_end(st, 0);
	return 0;
}

static int map_add_block(const struct memsim_block_info *b, void *ctx)
{
	struct map_walk *w = ctx;
	struct map_state *st;
	__u64 end;

	while (w->cur < w->nr && b->addr >= w->st[w->cur].seg_end)
		w->cur++;
	if (w->cur == w->nr || b->addr < w->st[w->cur].map.start)
		return 0;
	st = &w->st[w->cur];
	if (b->addr > st->pos)
		map_account(st, b->addr, MEMSIM_STATE_FREE);
	end = st->seg_end - b->addr < b->size ? st->seg_end : b->addr + b->size;
	map_account(st, end, b->state);
	return 0;
}

/**
 * memsim_walk_maps() - the debugfs map of every segment, from the ioctls
 * @h: the handle.
 * @fn: called for each segment in address order.
 * @ctx: passed to @fn.
 *
 * Computes from GET_SEGMENTS and GET_BLOCKS what the debugfs file "map"
 * shows: each segment cut in min(64, size) shares that tile it to the
 * byte (each of size / 64 or size / 64 + 1 bytes, see &struct memsim_map),
 * one character per share: '.' only free bytes, '#' only allocated, 'D'
 * only deferred, '+' a mix.
 *
 * Return: 0, the non-zero return of @fn, or a negative errno.
 */
int memsim_walk_maps(struct memsim_handle *h, memsim_map_fn fn, void *ctx)
{
	struct map_walk w;
	size_t i;
	int ret;

	memset(&w, 0, sizeof(w));
	w.h = h;
	ret = memsim_walk_segments(h, map_add_segment, &w);
	if (!ret)
		ret = memsim_walk_blocks(h, map_add_block, &w);
	for (i = 0; !ret && i < w.nr; i++) {
		/* Blocks tile their segment; a gap would count as free. */
		map_account(&w.st[i], w.st[i].seg_end, MEMSIM_STATE_FREE);
		ret = fn(&w.st[i].map, ctx);
	}
	free(w.st);
	return ret;
}

static const char * const strategy_names[MEMSIM_STRATEGY_COUNT] = {
	[MEMSIM_STRATEGY_FIRST_FIT] = "first",
	[MEMSIM_STRATEGY_BEST_FIT] = "best",
	[MEMSIM_STRATEGY_WORST_FIT] = "worst",
	[MEMSIM_STRATEGY_NEXT_FIT] = "next",
	[MEMSIM_STRATEGY_BUDDY] = "buddy",
	[MEMSIM_STRATEGY_TLSF] = "tlsf",
};

/* Return: "first", "best", "worst", "next", "buddy", "tlsf" or "unknown". */
const char *memsim_strategy_name(__u32 strategy)
{
	if (strategy < MEMSIM_STRATEGY_COUNT)
		return strategy_names[strategy];
	return "unknown";
}

/*
 * Accepts the short names and the same with "-fit" or "_fit" appended
 * ("best-fit"), in any case.  Return: the id or -EINVAL.
 */
int memsim_strategy_from_name(const char *name)
{
	size_t n;
	int i;

	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		n = strlen(strategy_names[i]);
		if (strncasecmp(name, strategy_names[i], n))
			continue;
		if (!name[n])
			return i;
		if (i < MEMSIM_STRATEGY_BUDDY &&
		    (!strcasecmp(name + n, "-fit") || !strcasecmp(name + n, "_fit")))
			return i;
	}
	return -EINVAL;
}

const char *memsim_state_name(__u32 state)
{
	switch (state) {
	case MEMSIM_STATE_FREE:
		return "free";
	case MEMSIM_STATE_ALLOCATED:
		return "allocated";
	case MEMSIM_STATE_FREE_REQUESTED:
		return "deferred";
	default:
		return "unknown";
	}
}

const char *memsim_refusal_name(__u32 reason)
{
	static const char * const names[] = {
		[MEMSIM_REFUSED_FITS] = "fits",
		[MEMSIM_REFUSED_SMALL] = "too small",
		[MEMSIM_REFUSED_ALIGN] = "alignment padding",
		[MEMSIM_REFUSED_RANGE] = "outside the range",
		[MEMSIM_REFUSED_STREAM] = "other stream",
		[MEMSIM_REFUSED_DEFERRED] = "deferred free pending",
	};

	if (reason <= MEMSIM_REFUSED_DEFERRED)
		return names[reason];
	return "unknown";
}

const char *memsim_overlap_name(__u32 kind)
{
	switch (kind) {
	case MEMSIM_OVERLAP_KIND_NONE:
		return "none";
	case MEMSIM_OVERLAP_KIND_CONTAINED:
		return "contained";
	case MEMSIM_OVERLAP_KIND_PARTIAL:
		return "partial";
	default:
		return "unknown";
	}
}

static const char * const trace_op_names[MEMSIM_TRACE_OP_COUNT] = {
	[MEMSIM_TRACE_SEGMENT_CREATE] = "segment_create",
	[MEMSIM_TRACE_SEGMENT_RELEASE] = "segment_release",
	[MEMSIM_TRACE_ALLOC] = "alloc",
	[MEMSIM_TRACE_ALLOC_FAIL] = "alloc_fail",
	[MEMSIM_TRACE_FREE_REQUEST] = "free_request",
	[MEMSIM_TRACE_FREE_COMPLETE] = "free_complete",
	[MEMSIM_TRACE_SPLIT] = "split",
	[MEMSIM_TRACE_COALESCE] = "coalesce",
	[MEMSIM_TRACE_BUDDY_SPLIT] = "buddy_split",
	[MEMSIM_TRACE_BUDDY_MERGE] = "buddy_merge",
	[MEMSIM_TRACE_STRATEGY] = "strategy",
	[MEMSIM_TRACE_RESET] = "reset",
};

/* Return: the name the debugfs trace file uses ("alloc"...), or "unknown". */
const char *memsim_trace_op_name(__u32 op)
{
	if (op < MEMSIM_TRACE_OP_COUNT)
		return trace_op_names[op];
	return "unknown";
}

static const struct {
	int err;
	const char *name;
} errno_names[] = {
	{ EPERM, "EPERM" },
	{ ENOENT, "ENOENT" },
	{ EINTR, "EINTR" },
	{ EIO, "EIO" },
	{ ENXIO, "ENXIO" },
	{ E2BIG, "E2BIG" },
	{ EBADF, "EBADF" },
	{ EAGAIN, "EAGAIN" },
	{ ENOMEM, "ENOMEM" },
	{ EACCES, "EACCES" },
	{ EFAULT, "EFAULT" },
	{ EBUSY, "EBUSY" },
	{ EEXIST, "EEXIST" },
	{ ENAMETOOLONG, "ENAMETOOLONG" },
	{ ENODEV, "ENODEV" },
	{ EINVAL, "EINVAL" },
	{ ENOTTY, "ENOTTY" },
	{ ENOSPC, "ENOSPC" },
	{ ERANGE, "ERANGE" },
	{ EPROTO, "EPROTO" },
	{ EOVERFLOW, "EOVERFLOW" },
	{ EOPNOTSUPP, "EOPNOTSUPP" },
};

/* @err: positive or negative errno.  Return: "ENOSPC" etc., or "E?". */
const char *memsim_errno_name(int err)
{
	size_t i;

	if (err < 0)
		err = -err;
	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (errno_names[i].err == err)
			return errno_names[i].name;
	return "E?";
}

/* "ENOSPC" or "enospc".  Return: the positive errno, or -EINVAL. */
int memsim_errno_from_name(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(errno_names); i++)
		if (!strcasecmp(errno_names[i].name, name))
			return errno_names[i].err;
	return -EINVAL;
}

/**
 * memsim_format_size() - a byte count for humans
 * @buf: where to write.
 * @len: its size.
 * @bytes: the count.
 *
 * Return: @buf, holding e.g. "512 B", "4 KiB" or "1.5 MiB".
 */
char *memsim_format_size(char *buf, size_t len, __u64 bytes)
{
	static const char * const units[] = { "B", "KiB", "MiB", "GiB", "TiB",
					      "PiB", "EiB" };
	unsigned int u = 0;
	__u64 div = 1;

	while (u + 1 < ARRAY_SIZE(units) && bytes / div >= 1024) {
		div *= 1024;
		u++;
	}
	if (bytes % div == 0)
		snprintf(buf, len, "%llu %s", (unsigned long long)(bytes / div),
			 units[u]);
	else
		snprintf(buf, len, "%.1f %s", (double)bytes / (double)div,
			 units[u]);
	return buf;
}

void memsim_print_info(FILE *f, const struct memsim_info *info)
{
	fprintf(f, "abi_version:  %u\n", info->abi_version);
	static const char * const names[] = { "debugfs", "trace", "trace-stack",
					      "explain" };
	const char *sep = " (";
	unsigned int i;

	fprintf(f, "features:     0x%llx", (unsigned long long)info->features);
	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!(info->features & (1ULL << i)))
			continue;
		fprintf(f, "%s%s", sep, names[i]);
		sep = ", ";
	}
	fprintf(f, "%s\n", sep[0] == ',' ? ")" : "");
	fprintf(f, "instance_id:  %llu\n", (unsigned long long)info->instance_id);
	fprintf(f, "max_segments: %u\n", info->max_segments);
	fprintf(f, "max_batch:    %u\n", info->max_batch);
	fprintf(f, "max_blocks:   %llu\n", (unsigned long long)info->max_blocks);
}

/* 1 << @shift as "512", "4K", "1M"... */
static const char *pow2_str(char *buf, size_t len, unsigned int shift)
{
	static const char units[] = "KMGTPE";

	if (shift < 10)
		snprintf(buf, len, "%u", 1U << shift);
	else
		snprintf(buf, len, "%u%c", 1U << (shift % 10), units[shift / 10 - 1]);
	return buf;
}

static void print_ppm(FILE *f, __u32 ppm)
{
	fprintf(f, "%u.%04u%%", ppm / 10000, ppm % 10000);
}

void memsim_print_usage(FILE *f, const struct memsim_usage_info *u,
			const char *indent)
{
	char a[32], b[32];
	int i, any = 0;

	fprintf(f, "%stotal:          %llu (%s)\n", indent,
		(unsigned long long)u->total,
		memsim_format_size(a, sizeof(a), u->total));
	fprintf(f, "%sallocated:      %llu (%s), peak %llu (%s)\n", indent,
		(unsigned long long)u->allocated,
		memsim_format_size(a, sizeof(a), u->allocated),
		(unsigned long long)u->peak_allocated,
		memsim_format_size(b, sizeof(b), u->peak_allocated));
	fprintf(f, "%srequested:      %llu, internal waste %llu\n", indent,
		(unsigned long long)u->requested,
		(unsigned long long)(u->allocated - u->requested));
	fprintf(f, "%sfree:           %llu (%s), largest block %llu (%s)\n",
		indent, (unsigned long long)u->free,
		memsim_format_size(a, sizeof(a), u->free),
		(unsigned long long)u->largest_free,
		memsim_format_size(b, sizeof(b), u->largest_free));
	fprintf(f, "%sblocks:         %llu live, %llu free, %llu deferred (%llu bytes)\n",
		indent, (unsigned long long)u->live_blocks,
		(unsigned long long)u->free_blocks,
		(unsigned long long)u->deferred_blocks,
		(unsigned long long)u->deferred_bytes);
	fprintf(f, "%soperations:     %llu allocs, %llu frees, %llu failures\n",
		indent, (unsigned long long)u->allocs,
		(unsigned long long)u->frees, (unsigned long long)u->failures);
	fprintf(f, "%sutilization:    ", indent);
	print_ppm(f, u->utilization_ppm);
	fprintf(f, "\n%sfragmentation:  ", indent);
	print_ppm(f, u->frag_ppm);
	fprintf(f, "\n%sfree by size:  ", indent);
	for (i = 0; i < MEMSIM_HIST_SIZE; i++) {
		if (!u->free_hist[i])
			continue;
		fprintf(f, " [%s,%s):%llu", pow2_str(a, sizeof(a), i),
			i + 1 < 64 ? pow2_str(b, sizeof(b), i + 1) : "16E",
			(unsigned long long)u->free_hist[i]);
		any = 1;
	}
	fprintf(f, "%s\n", any ? "" : " none");
}

void memsim_print_summary(FILE *f, const struct memsim_summary *s)
{
	fprintf(f, "strategy:       %s", memsim_strategy_name(s->strategy));
	if (s->strategy == MEMSIM_STRATEGY_BUDDY)
		fprintf(f, " (minimum block %llu)",
			(unsigned long long)s->buddy_min_block);
	fprintf(f, "\nsegments:       %llu in %u stream%s\n",
		(unsigned long long)s->nr_segments, s->nr_streams,
		s->nr_streams == 1 ? "" : "s");
	memsim_print_usage(f, &s->usage, "");
}

/* @str as a JSON string, quotes included. */
void memsim_print_json_string(FILE *f, const char *str)
{
	const unsigned char *p;

	fputc('"', f);
	for (p = (const unsigned char *)str; *p; p++) {
		if (*p == '"' || *p == '\\')
			fprintf(f, "\\%c", *p);
		else if (*p == '\n')
			fputs("\\n", f);
		else if (*p == '\t')
			fputs("\\t", f);
		else if (*p < 0x20 || *p == 0x7f)
			fprintf(f, "\\u%04x", *p);
		else
			fputc(*p, f);
	}
	fputc('"', f);
}

/* @str as a CSV field: quoted (RFC 4180) only if it holds , " CR or LF. */
void memsim_print_csv_string(FILE *f, const char *str)
{
	const char *p;

	if (!strpbrk(str, ",\"\r\n")) {
		fputs(str, f);
		return;
	}
	fputc('"', f);
	for (p = str; *p; p++) {
		if (*p == '"')
			fputc('"', f);
		fputc(*p, f);
	}
	fputc('"', f);
}

/* How a trace column is written (see trace_fields()). */
enum trace_kind {
	TK_DEC,		/* decimal */
	TK_HEX,		/* CSV: 0x hex; JSON: a number */
	TK_INT,		/* signed decimal */
	TK_STREAM,	/* decimal, or "any" */
	TK_STR,		/* a string */
	TK_DASH,	/* a string; CSV: "-" when empty */
	TK_STACK,	/* CSV: "-" or the stackdepot handle in hex; JSON: a number */
};

struct trace_field {
	const char *name;
	enum trace_kind kind;
	__u64 v;
	const char *str;
};

#define TRACE_NR_FIELDS	18

/* The columns of the debugfs trace file, in its order. */
static void trace_fields(const struct memsim_trace_record *r, char *comm,
			 char *label, struct trace_field *f)
{
	const struct trace_field fields[TRACE_NR_FIELDS] = {
		{ "seq", TK_DEC, r->seq, NULL },
		{ "ts_ns", TK_DEC, r->ts_ns, NULL },
		{ "op", TK_STR, 0, memsim_trace_op_name(r->op) },
		{ "addr", TK_HEX, r->addr, NULL },
		{ "size", TK_DEC, r->size, NULL },
		{ "requested", TK_DEC, r->requested, NULL },
		{ "align", TK_DEC, r->align, NULL },
		{ "stream", TK_STREAM, r->stream, NULL },
		{ "segment", TK_DEC, r->segment_id, NULL },
		{ "strategy", TK_STR, 0, memsim_strategy_name(r->strategy) },
		{ "tag", TK_HEX, r->tag, NULL },
		{ "flags", TK_HEX, r->flags, NULL },
		{ "error", TK_INT, (__u64)(__s64)r->error, NULL },
		{ "pid", TK_DEC, r->pid, NULL },
		{ "tgid", TK_DEC, r->tgid, NULL },
		{ "comm", TK_STR, 0, comm },
		{ "stack", TK_STACK, r->stack_id, NULL },
		{ "label", TK_DASH, 0, label },
	};

	/* The kernel NUL-terminates them; do not rely on it. */
	memcpy(comm, r->comm, sizeof(r->comm));
	comm[sizeof(r->comm)] = '\0';
	memcpy(label, r->label, sizeof(r->label));
	label[sizeof(r->label)] = '\0';
	memcpy(f, fields, sizeof(fields));
}

/* The header line of memsim_print_trace_csv(): the debugfs column names. */
void memsim_print_trace_csv_header(FILE *f)
{
	struct memsim_trace_record r;
	struct trace_field fl[TRACE_NR_FIELDS];
	char comm[sizeof(r.comm) + 1], label[sizeof(r.label) + 1];
	int i;

	memset(&r, 0, sizeof(r));
	trace_fields(&r, comm, label, fl);
	for (i = 0; i < TRACE_NR_FIELDS; i++)
		fprintf(f, "%s%s", i ? "," : "", fl[i].name);
	fputc('\n', f);
}

/**
 * memsim_print_trace_record() - one trace record on one line
 * @f: where to write.
 * @r: the record.
 * @ndjson: 0 for a CSV row (the columns of memsim_print_trace_csv_header(),
 *	written as the debugfs trace file writes them), 1 for a JSON object
 *	with the same names (numbers as numbers, "stream" "any" or a number,
 *	"stack" the stackdepot handle or 0, "label" "" when none).
 */
void memsim_print_trace_record(FILE *f, const struct memsim_trace_record *r,
			       int ndjson)
{
	struct trace_field fl[TRACE_NR_FIELDS];
	char comm[sizeof(r->comm) + 1], label[sizeof(r->label) + 1];
	const struct trace_field *x;
	int i;

	trace_fields(r, comm, label, fl);
	if (ndjson)
		fputc('{', f);
	for (i = 0; i < TRACE_NR_FIELDS; i++) {
		x = &fl[i];
		if (i)
			fputc(',', f);
		if (ndjson) {
			memsim_print_json_string(f, x->name);
			fputc(':', f);
		}
		switch (x->kind) {
		case TK_INT:
			fprintf(f, "%lld", (long long)x->v);
			break;
		case TK_HEX:
		case TK_STACK:
			if (ndjson)
				fprintf(f, "%llu", (unsigned long long)x->v);
			else if (x->kind == TK_STACK && !x->v)
				fputc('-', f);
			else
				fprintf(f, "0x%llx", (unsigned long long)x->v);
			break;
		case TK_STREAM:
			if (x->v == MEMSIM_STREAM_ANY_ID) {
				fputs(ndjson ? "\"any\"" : "any", f);
				break;
			}
			fprintf(f, "%llu", (unsigned long long)x->v);
			break;
		case TK_STR:
		case TK_DASH:
			if (ndjson)
				memsim_print_json_string(f, x->str);
			else if (x->kind == TK_DASH && !x->str[0])
				fputc('-', f);
			else
				memsim_print_csv_string(f, x->str);
			break;
		default:
			fprintf(f, "%llu", (unsigned long long)x->v);
			break;
		}
	}
	fputs(ndjson ? "}\n" : "\n", f);
}
