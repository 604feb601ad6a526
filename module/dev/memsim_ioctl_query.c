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

/**
 * memsim_usage_to_uapi() - copy counters into their ABI form
 * @u: the core's counters.
 * @largest: the largest free block of the same scope.
 * @out: the ABI structure; every field is written.
 */
void memsim_usage_to_uapi(const struct memsim_usage *u, u64 largest,
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

long memsim_ioctl_get_summary(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_summary *sum;
	struct memsim_pool *pool = &inst->pool;
	long ret = 0;

	/* 700 bytes: too much for the stack of an ioctl. */
	sum = kmalloc(sizeof(*sum), GFP_KERNEL);
	if (!sum)
		return -ENOMEM;
	if (copy_from_user(sum, uarg, sizeof(*sum))) {
		ret = -EFAULT;
		goto out;
	}
	if (sum->flags) {
		ret = -EINVAL;
		goto out;
	}

	sum->pad = 0;
	mutex_lock(&inst->lock);
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
	mutex_unlock(&inst->lock);

	if (copy_to_user(uarg, sum, sizeof(*sum)))
		ret = -EFAULT;
out:
	kfree(sum);
	return ret;
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

static long memsim_get_stats(struct memsim_instance *inst, struct memsim_stats_arg *argp)
{
	struct memsim_stream_info *buf = NULL;
	struct memsim_pool *pool = &inst->pool;
	struct memsim_stats_arg arg = *argp;
	struct rb_node *node;
	u32 n = 0, i;
	long ret = 0;

	if (arg.flags || memsim_reserved_set(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (arg.streams_cap > MEMSIM_LIST_MAX)
		return -EINVAL;

	if (arg.streams_cap) {
		buf = kvcalloc(arg.streams_cap, sizeof(*buf), GFP_KERNEL_ACCOUNT);
		if (!buf)
			return -ENOMEM;
	}

	arg.more = 0;
	mutex_lock(&inst->lock);
	for (i = 0; i < MEMSIM_NR_STRATEGIES; i++)
		memsim_strategy_stats_to_uapi(&pool->strategy_stats[i],
					      &arg.strategies[memsim_strategy_to_uapi(i)]);
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		struct memsim_stream *s = rb_entry(node, struct memsim_stream, rb);

		if (s->id < arg.stream_cursor)
			continue;
		if (n == arg.streams_cap) {
			arg.more = 1;
			arg.stream_cursor = s->id;
			break;
		}
		buf[n].stream = s->id;
		buf[n].nr_segments = s->nr_segments;
		memsim_usage_to_uapi(&s->usage, memsim_largest_free(pool, s->id),
				     &buf[n].usage);
		n++;
	}
	mutex_unlock(&inst->lock);
	arg.nr_streams = n;

	if (n && copy_to_user(u64_to_user_ptr(arg.streams_ptr), buf, n * sizeof(*buf)))
		ret = -EFAULT;
	*argp = arg;
	kvfree(buf);
	return ret;
}

long memsim_ioctl_get_stats(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_stats_arg arg;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_get_stats(inst, &arg);
	if (ret)
		return ret;
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;
}

/**
 * memsim_ioctl_get_stats_v1() - %MEMSIM_IOC_GET_STATS_V1
 * @inst: the instance.
 * @uarg: the caller's &struct memsim_stats_arg_v1.
 *
 * The first release's structure: the same request, answered with the
 * counters of its five strategies.
 *
 * Return: as memsim_ioctl_get_stats().
 */
long memsim_ioctl_get_stats_v1(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_stats_arg_v1 v1;
	struct memsim_stats_arg arg = { 0 };
	long ret;

	BUILD_BUG_ON(sizeof(v1.strategies) > sizeof(arg.strategies));
	if (copy_from_user(&v1, uarg, sizeof(v1)))
		return -EFAULT;
	arg.streams_ptr = v1.streams_ptr;
	arg.streams_cap = v1.streams_cap;
	arg.flags = v1.flags;
	arg.stream_cursor = v1.stream_cursor;
	memcpy(arg.reserved, v1.reserved, sizeof(arg.reserved));
	ret = memsim_get_stats(inst, &arg);
	if (ret)
		return ret;
	memcpy(v1.strategies, arg.strategies, sizeof(v1.strategies));
	v1.stream_cursor = arg.stream_cursor;
	v1.nr_streams = arg.nr_streams;
	v1.more = arg.more;
	return copy_to_user(uarg, &v1, sizeof(v1)) ? -EFAULT : 0;
}

/* Validate a listing request. */
static int memsim_list_check(const struct memsim_list_arg *arg)
{
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

/* Copy @n entries of @size bytes out, then the argument itself. */
static long memsim_list_copy_out(void __user *uarg, struct memsim_list_arg *arg,
				 const void *buf, size_t size)
{
	if (arg->nr && copy_to_user(u64_to_user_ptr(arg->buf_ptr), buf, arg->nr * size))
		return -EFAULT;
	return copy_to_user(uarg, arg, sizeof(*arg)) ? -EFAULT : 0;
}

long memsim_ioctl_get_segments(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_segment_info *buf;
	struct memsim_segment *seg;
	struct memsim_list_arg arg;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_list_check(&arg);
	if (ret)
		return ret;
	buf = kvcalloc(arg.buf_cap, sizeof(*buf), GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	arg.nr = 0;
	arg.more = 0;

	mutex_lock(&inst->lock);
	for (seg = memsim_segment_first_from(&inst->pool, arg.cursor); seg;
	     seg = memsim_segment_after(&inst->pool, seg)) {
		if (arg.nr == arg.buf_cap) {
			arg.more = 1;
			arg.cursor = seg->start;
			break;
		}
		memsim_segment_to_uapi(&inst->pool, seg, &buf[arg.nr++]);
	}
	mutex_unlock(&inst->lock);

	ret = memsim_list_copy_out(uarg, &arg, buf, sizeof(*buf));
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
	bool live = b->state != MEMSIM_BLOCK_FREE;

	out->addr = b->addr;
	out->size = b->size;
	out->requested = live ? b->requested : 0;
	out->segment_id = b->segment->id;
	out->tag = live ? b->tag : 0;
	out->alloc_ns = live ? b->alloc_ns : 0;
	out->free_ns = live ? b->free_ns : 0;
	out->stream = b->segment->stream->id;
	out->state = memsim_state_to_uapi(b->state);
}

static void memsim_block_fill(const struct memsim_block *b, void *out)
{
	memsim_block_to_uapi(b, out);
}

static void memsim_block_life_fill(const struct memsim_block *b, void *out)
{
	struct memsim_block_life *life = out;
	bool live = b->state != MEMSIM_BLOCK_FREE;

	memsim_block_to_uapi(b, &life->block);
	life->create_ns = b->create_ns;
	if (live) {
		life->owner_tgid = b->owner;
		/* The buffer is zeroed: the label stays NUL padded. */
		strscpy(life->label, b->label, sizeof(life->label));
	}
}

/*
 * GET_BLOCKS and GET_BLOCKS_LIFE: the same walk, entries of @size bytes
 * filled by @fill.
 */
static long memsim_list_blocks(struct memsim_instance *inst, void __user *uarg,
			       size_t size, void (*fill)(const struct memsim_block *b, void *out))
{
	struct memsim_list_arg arg;
	struct memsim_block *b;
	void *buf;
	long ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_list_check(&arg);
	if (ret)
		return ret;
	buf = kvcalloc(arg.buf_cap, size, GFP_KERNEL_ACCOUNT);
	if (!buf)
		return -ENOMEM;
	arg.nr = 0;
	arg.more = 0;

	mutex_lock(&inst->lock);
	for (b = memsim_block_first_from(&inst->pool, arg.cursor); b;
	     b = memsim_block_after(&inst->pool, b)) {
		if (arg.nr == arg.buf_cap) {
			arg.more = 1;
			arg.cursor = b->addr;
			break;
		}
		fill(b, buf + arg.nr++ * size);
	}
	mutex_unlock(&inst->lock);

	ret = memsim_list_copy_out(uarg, &arg, buf, size);
	kvfree(buf);
	return ret;
}

/**
 * memsim_ioctl_get_blocks() - handle %MEMSIM_IOC_GET_BLOCKS
 * @inst: the instance.
 * @uarg: user pointer to a &struct memsim_list_arg.
 *
 * Return: 0 or a negative errno.
 */
long memsim_ioctl_get_blocks(struct memsim_instance *inst, void __user *uarg)
{
	return memsim_list_blocks(inst, uarg, sizeof(struct memsim_block_info),
				  memsim_block_fill);
}

/**
 * memsim_ioctl_get_blocks_life() - handle %MEMSIM_IOC_GET_BLOCKS_LIFE
 * @inst: the instance.
 * @uarg: user pointer to a &struct memsim_list_arg.
 *
 * Return: 0 or a negative errno.
 */
long memsim_ioctl_get_blocks_life(struct memsim_instance *inst, void __user *uarg)
{
	return memsim_list_blocks(inst, uarg, sizeof(struct memsim_block_life),
				  memsim_block_life_fill);
}
