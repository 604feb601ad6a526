// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - summaries, statistics, listings
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Read-only ioctls
 *
 * GET_SUMMARY, GET_STATS, GET_SEGMENTS and GET_BLOCKS read the instance
 * without changing it.  The listings page: each call fills at most
 * %MEMSIM_LIST_MAX entries into a kernel buffer under the instance lock and
 * copies them out after dropping it, and hands back a cursor (an address,
 * or a stream number) from which the next call resumes.  No state is kept
 * in the kernel between pages, so a million blocks can be paged out without
 * a large allocation and without holding the lock across user copies.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

/* The core's counters in their ABI form; every field of @out is written. */
static void memsim_usage_to_uapi(const struct memsim_usage *u, u64 largest,
				 struct memsim_usage_info *out)
{
	memset(out, 0, sizeof(*out));
	out->total = u->total;
	out->allocated = u->allocated;
	out->requested = u->requested;
	out->free = u->free;
	out->peak_allocated = u->peak_allocated;
	out->live_blocks = u->live_blocks;
	out->free_blocks = u->free_blocks;
	out->deferred_blocks = u->deferred_blocks;
	out->deferred_bytes = u->deferred_bytes;
	out->allocs = u->allocs;
	out->frees = u->frees;
	out->failures = u->failures;
	out->largest_free = largest;
	out->frag_ppm = memsim_frag_ppm(u->free, largest);
	out->utilization_ppm = memsim_ratio_ppm(u->allocated, u->total);
	/* Both arrays have 64 entries: one per bit of a 64-bit size. */
	BUILD_BUG_ON(ARRAY_SIZE(out->free_hist) != ARRAY_SIZE(u->free_hist));
	memcpy(out->free_hist, u->free_hist, sizeof(out->free_hist));
}

/**
 * memsim_ioctl_get_summary_check() - check a &struct memsim_summary
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag.
 */
int memsim_ioctl_get_summary_check(const void *data)
{
	const struct memsim_summary *sum = data;

	return sum->flags ? -EINVAL : 0;
}

/**
 * memsim_ioctl_get_summary() - %MEMSIM_IOC_GET_SUMMARY, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_summary; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0.
 */
long memsim_ioctl_get_summary(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_pool *pool = &inst->pool;
	struct memsim_summary *sum = data;

	sum->pad = 0;
	sum->strategy = memsim_strategy_to_uapi(pool->strategy);
	sum->buddy_min_block = 1ULL << pool->buddy_min_order;
	sum->nr_segments = pool->nr_segments;
	sum->nr_streams = pool->nr_streams;
	memsim_usage_to_uapi(&pool->usage, memsim_largest_free(pool, MEMSIM_STREAM_ANY),
			     &sum->usage);
	sum->alloc_bytes = pool->usage.alloc_bytes;
	sum->requested_bytes = pool->usage.requested_bytes;
	sum->peak_requested = pool->usage.peak_requested;
	sum->peak_live_blocks = pool->usage.peak_live_blocks;
	return 0;
}

static void memsim_strategy_stats_to_uapi(const struct memsim_strategy_stats *st,
					  struct memsim_strategy_stats_info *out)
{
	out->allocs = st->allocs;
	out->failures = st->failures;
	out->frees = st->frees;
	out->steps = st->steps;
	out->alloc_ns = st->alloc_ns;
	out->free_ns = st->free_ns;
}

/* GET_STATS's flags, reserved words and capacity, in either release's structure. */
static int memsim_stats_check(u32 flags, const u64 *reserved, size_t len, u32 streams_cap)
{
	if (flags || memsim_reserved_set(reserved, len))
		return -EINVAL;
	if (streams_cap > MEMSIM_LIST_MAX)
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_get_stats_check() - check a &struct memsim_stats_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a reserved field or more entries than
 * %MEMSIM_LIST_MAX.
 */
int memsim_ioctl_get_stats_check(const void *data)
{
	const struct memsim_stats_arg *arg = data;

	return memsim_stats_check(arg->flags, arg->reserved, sizeof(arg->reserved),
				  arg->streams_cap);
}

/**
 * memsim_ioctl_get_stats_v1_check() - check a &struct memsim_stats_arg_v1
 * @data: the kernel copy.
 *
 * Return: as memsim_ioctl_get_stats_check().
 */
int memsim_ioctl_get_stats_v1_check(const void *data)
{
	const struct memsim_stats_arg_v1 *arg = data;

	return memsim_stats_check(arg->flags, arg->reserved, sizeof(arg->reserved),
				  arg->streams_cap);
}

/* What both releases of GET_STATS ask and answer, apart from the structure. */
struct memsim_stats_req {
	struct memsim_strategy_stats_info *strategies;
	unsigned int nr_strategies;
	u64 streams_ptr;
	u32 streams_cap;
	u64 stream_cursor;
	u32 nr_streams;
	u32 more;
};

/*
 * The counters of the strategies the caller's structure has room for (by
 * uapi number), and the streams from the cursor on, gathered under the
 * lock into a kernel buffer and copied to @streams_ptr after it is dropped.
 */
static long memsim_stats_get(struct memsim_instance *inst, struct memsim_stats_req *r)
{
	struct memsim_stream_info *buf = NULL;
	struct memsim_pool *pool = &inst->pool;
	struct rb_node *node;
	u32 n = 0, i, id;
	long ret = 0;

	if (r->streams_cap) {
		buf = kvcalloc(r->streams_cap, sizeof(*buf), GFP_KERNEL_ACCOUNT);
		if (!buf)
			return -ENOMEM;
	}

	r->more = 0;
	mutex_lock(&inst->lock);
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++) {
		id = memsim_strategy_to_uapi(i);
		if (id < r->nr_strategies)
			memsim_strategy_stats_to_uapi(&pool->strategy_stats[i], &r->strategies[id]);
	}
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		struct memsim_stream *s = rb_entry(node, struct memsim_stream, rb);

		if (s->id < r->stream_cursor)
			continue;
		if (n == r->streams_cap) {
			r->more = 1;
			r->stream_cursor = s->id;
			break;
		}
		buf[n].stream = s->id;
		buf[n].nr_segments = s->nr_segments;
		memsim_usage_to_uapi(&s->usage, memsim_largest_free(pool, s->id),
				     &buf[n].usage);
		n++;
	}
	mutex_unlock(&inst->lock);
	r->nr_streams = n;

	if (n && copy_to_user(u64_to_user_ptr(r->streams_ptr), buf, n * sizeof(*buf)))
		ret = -EFAULT;
	kvfree(buf);
	return ret;
}

/**
 * memsim_ioctl_get_stats() - %MEMSIM_IOC_GET_STATS
 * @inst: the instance.
 * @data: the checked &struct memsim_stats_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, -ENOMEM, or -EFAULT if the streams cannot be written.
 */
long memsim_ioctl_get_stats(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_stats_arg *arg = data;
	struct memsim_stats_req r = {
		.strategies = arg->strategies,
		.nr_strategies = ARRAY_SIZE(arg->strategies),
		.streams_ptr = arg->streams_ptr,
		.streams_cap = arg->streams_cap,
		.stream_cursor = arg->stream_cursor,
	};
	long ret = memsim_stats_get(inst, &r);

	arg->stream_cursor = r.stream_cursor;
	arg->nr_streams = r.nr_streams;
	arg->more = r.more;
	return ret;
}

/**
 * memsim_ioctl_get_stats_v1() - %MEMSIM_IOC_GET_STATS_V1
 * @inst: the instance.
 * @data: the checked &struct memsim_stats_arg_v1; its out fields are set.
 * @uarg: unused.
 *
 * The first release's structure: the same request, answered with the
 * counters of its five strategies.
 *
 * Return: as memsim_ioctl_get_stats().
 */
long memsim_ioctl_get_stats_v1(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_stats_arg_v1 *arg = data;
	struct memsim_stats_req r = {
		.strategies = arg->strategies,
		.nr_strategies = ARRAY_SIZE(arg->strategies),
		.streams_ptr = arg->streams_ptr,
		.streams_cap = arg->streams_cap,
		.stream_cursor = arg->stream_cursor,
	};
	long ret = memsim_stats_get(inst, &r);

	arg->stream_cursor = r.stream_cursor;
	arg->nr_streams = r.nr_streams;
	arg->more = r.more;
	return ret;
}

/**
 * memsim_ioctl_list_check() - check a &struct memsim_list_arg
 * @data: the kernel copy, of GET_SEGMENTS, GET_BLOCKS or GET_BLOCKS_LIFE.
 *
 * Return: 0, or -EINVAL for a flag, a reserved field, or a capacity of 0
 * or above %MEMSIM_LIST_MAX.
 */
int memsim_ioctl_list_check(const void *data)
{
	const struct memsim_list_arg *arg = data;

	if (arg->flags || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	if (!arg->buf_cap || arg->buf_cap > MEMSIM_LIST_MAX)
		return -EINVAL;
	return 0;
}

static void memsim_segment_to_uapi(struct memsim_pool *pool,
				   const struct memsim_segment *seg,
				   struct memsim_segment_info *out)
{
	out->id = seg->id;
	out->start = seg->start;
	out->size = seg->size;
	out->device = seg->device;
	out->stream = seg->stream->id;
	out->nr_blocks = seg->nr_blocks;
	out->largest_free = memsim_segment_largest_free(pool, seg);
	out->split_ratio_ppm = memsim_split_ratio_ppm(seg->nr_blocks);
	memsim_usage_to_uapi(&seg->usage, out->largest_free, &out->usage);
}

/* Copy the @arg->nr entries of @size bytes a listing gathered out. */
static long memsim_list_copy_out(const struct memsim_list_arg *arg, const void *buf,
				 size_t size)
{
	if (arg->nr && copy_to_user(u64_to_user_ptr(arg->buf_ptr), buf, arg->nr * size))
		return -EFAULT;
	return 0;
}

/**
 * memsim_ioctl_get_segments() - %MEMSIM_IOC_GET_SEGMENTS
 * @inst: the instance.
 * @data: the checked &struct memsim_list_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, -ENOMEM, or -EFAULT if the entries cannot be written.
 */
long memsim_ioctl_get_segments(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_list_arg *arg = data;
	struct memsim_segment_info *buf;
	struct memsim_segment *seg;
	long ret;

	buf = kvcalloc(arg->buf_cap, sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	arg->nr = 0;
	arg->more = 0;

	mutex_lock(&inst->lock);
	for (seg = memsim_segment_first_from(&inst->pool, arg->cursor); seg;
	     seg = memsim_segment_after(&inst->pool, seg)) {
		if (arg->nr == arg->buf_cap) {
			arg->more = 1;
			arg->cursor = seg->start;
			break;
		}
		memsim_segment_to_uapi(&inst->pool, seg, &buf[arg->nr++]);
	}
	mutex_unlock(&inst->lock);

	ret = memsim_list_copy_out(arg, buf, sizeof(*buf));
	kvfree(buf);
	return ret;
}

static u32 memsim_state_to_uapi(u8 state)
{
	switch (state) {
	case MEMSIM_BLOCK_ALLOCATED:
		return MEMSIM_STATE_ALLOCATED;
	case MEMSIM_BLOCK_FREE_REQUESTED:
		return MEMSIM_STATE_FREE_REQUESTED;
	default:
		return MEMSIM_STATE_FREE;
	}
}

static void memsim_block_to_uapi(const struct memsim_block *b, struct memsim_block_info *out)
{
	const struct memsim_life *life = memsim_life_read(b);
	bool live = b->state != MEMSIM_BLOCK_FREE;

	out->addr = b->addr;
	out->size = b->size;
	out->requested = live ? b->requested : 0;
	out->segment_id = b->segment->id;
	out->tag = live ? b->tag : 0;
	out->alloc_ns = live ? life->alloc_ns : 0;
	out->free_ns = live ? life->free_ns : 0;
	out->stream = b->segment->stream->id;
	out->state = memsim_state_to_uapi(b->state);
}

static void memsim_block_fill(const struct memsim_block *b, void *out)
{
	memsim_block_to_uapi(b, out);
}

static void memsim_block_life_fill(const struct memsim_block *b, void *out)
{
	const struct memsim_life *src = memsim_life_read(b);
	struct memsim_block_life *life = out;

	memsim_block_to_uapi(b, &life->block);
	life->create_ns = src->create_ns;
	if (b->state != MEMSIM_BLOCK_FREE) {
		life->owner_tgid = src->owner;
		/* The buffer is zeroed: the label stays NUL padded. */
		strscpy(life->label, src->label, sizeof(life->label));
	}
}

/*
 * GET_BLOCKS and GET_BLOCKS_LIFE: the same walk, entries of @size bytes
 * filled by @fill.
 */
static long memsim_list_blocks(struct memsim_instance *inst, struct memsim_list_arg *arg,
			       size_t size, void (*fill)(const struct memsim_block *b, void *out))
{
	struct memsim_block *b;
	void *buf;
	long ret;

	buf = kvcalloc(arg->buf_cap, size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	arg->nr = 0;
	arg->more = 0;

	mutex_lock(&inst->lock);
	for (b = memsim_block_first_from(&inst->pool, arg->cursor); b;
	     b = memsim_block_after(&inst->pool, b)) {
		if (arg->nr == arg->buf_cap) {
			arg->more = 1;
			arg->cursor = b->addr;
			break;
		}
		fill(b, buf + arg->nr++ * size);
	}
	mutex_unlock(&inst->lock);

	ret = memsim_list_copy_out(arg, buf, size);
	kvfree(buf);
	return ret;
}

/**
 * memsim_ioctl_get_blocks() - %MEMSIM_IOC_GET_BLOCKS
 * @inst: the instance.
 * @data: the checked &struct memsim_list_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, -ENOMEM, or -EFAULT if the entries cannot be written.
 */
long memsim_ioctl_get_blocks(struct memsim_instance *inst, void *data, void __user *uarg)
{
	return memsim_list_blocks(inst, data, sizeof(struct memsim_block_info),
				  memsim_block_fill);
}

/**
 * memsim_ioctl_get_blocks_life() - %MEMSIM_IOC_GET_BLOCKS_LIFE
 * @inst: the instance.
 * @data: the checked &struct memsim_list_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, -ENOMEM, or -EFAULT if the entries cannot be written.
 */
long memsim_ioctl_get_blocks_life(struct memsim_instance *inst, void *data,
				  void __user *uarg)
{
	return memsim_list_blocks(inst, data, sizeof(struct memsim_block_life),
				  memsim_block_life_fill);
}
