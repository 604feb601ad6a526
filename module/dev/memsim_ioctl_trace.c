// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - the operation trace
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Trace ioctls
 *
 * %MEMSIM_IOC_TRACE_CTL allocates the new ring before it takes the lock and
 * frees the old one after dropping it, so switching holds the lock for a
 * few stores.  %MEMSIM_IOC_TRACE_READ copies records in chunks: each chunk
 * is gathered under the lock into a small kernel buffer and copied to
 * userspace after the lock is dropped, so a reader of a large trace delays
 * the allocator by one chunk at a time.  If the ring overwrites records
 * between two chunks, the read stops before the gap instead of skipping
 * it; the next read reports the gap in &memsim_trace_read_arg.lost.
 */

#include <linux/mm.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"

/* Records gathered per lock hold. */
#define MEMSIM_TRACE_CHUNK	32

static int memsim_trace_ctl_check(const struct memsim_trace_ctl_arg *arg)
{
	if ((arg->flags & ~MEMSIM_TRACE_FLAGS) ||
	    memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	if (!(arg->flags & MEMSIM_TRACE_ON))
		return arg->flags || arg->capacity ? -EINVAL : 0;
	if (!arg->capacity || arg->capacity > memsim_tlog_max_capacity())
		return -EINVAL;
	if ((arg->flags & MEMSIM_TRACE_STACK) && !memsim_tlog_stacks_available())
		return -EOPNOTSUPP;
	return 0;
}

/**
 * memsim_tlog_bytes() - what a trace ring of @capacity records is charged at
 * @capacity: records.
 *
 * Return: its size in bytes.
 */
u64 memsim_tlog_bytes(u32 capacity)
{
	return (u64)capacity * sizeof(struct memsim_trace_record);
}

/**
 * memsim_ioctl_trace_ctl() - handle %MEMSIM_IOC_TRACE_CTL
 * @inst: the instance.
 * @uarg: user pointer to a &struct memsim_trace_ctl_arg.
 *
 * The new ring is charged to the instance's memory budget before it is
 * allocated, the old one uncharged once it is swapped out; for a moment
 * both count, so replacing a ring needs room for both.
 *
 * Return: 0 or a negative errno, the trace unchanged on error.
 */
long memsim_ioctl_trace_ctl(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_trace_record *recs = NULL;
	struct memsim_trace_ctl_arg arg;
	u64 bytes, old;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_trace_ctl_check(&arg);
	if (ret)
		return ret;
	bytes = memsim_tlog_bytes(arg.capacity);
	if (arg.capacity) {
		mutex_lock(&inst->lock);
		ret = memsim_pool_charge(&inst->pool, bytes);
		mutex_unlock(&inst->lock);
		if (ret)
			return ret;
		recs = kvcalloc(arg.capacity, sizeof(*recs), GFP_KERNEL_ACCOUNT);
		if (!recs) {
			mutex_lock(&inst->lock);
			memsim_pool_uncharge(&inst->pool, bytes);
			mutex_unlock(&inst->lock);
			return -ENOMEM;
		}
	}
	mutex_lock(&inst->lock);
	old = inst->tlog.charged;
	recs = memsim_tlog_swap(&inst->tlog, recs, arg.capacity, arg.flags);
	inst->tlog.charged = bytes;
	memsim_pool_uncharge(&inst->pool, old);
	mutex_unlock(&inst->lock);
	kvfree(recs);
	return 0;
}

/* The trace's state, for the out fields of a read. */
static void memsim_trace_read_state(const struct memsim_tlog *t,
				    struct memsim_trace_read_arg *arg)
{
	arg->head = t->head;
	arg->dropped = t->dropped;
	arg->capacity = t->capacity;
	arg->trace_flags = t->flags;
	arg->max_capacity = memsim_tlog_max_capacity();
}

/**
 * memsim_ioctl_trace_read() - handle %MEMSIM_IOC_TRACE_READ
 * @inst: the instance.
 * @uarg: user pointer to a &struct memsim_trace_read_arg.
 *
 * Return: 0 or a negative errno.
 */
long memsim_ioctl_trace_read(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_trace_record __user *ubuf;
	struct memsim_trace_record *chunk;
	struct memsim_trace_read_arg arg;
	u64 cursor, lost;
	u32 done = 0, n;
	long ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memsim_reserved_set(arg.reserved, sizeof(arg.reserved)) ||
	    arg.buf_cap > MEMSIM_LIST_MAX)
		return -EINVAL;
	chunk = kmalloc_array(MEMSIM_TRACE_CHUNK, sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	ubuf = u64_to_user_ptr(arg.buf_ptr);
	cursor = arg.cursor;

	mutex_lock(&inst->lock);
	if (cursor > inst->tlog.head) {
		mutex_unlock(&inst->lock);
		ret = -EINVAL;
		goto out;
	}
	/* The first chunk reports the records lost before the cursor. */
	n = memsim_tlog_copy(&inst->tlog, &cursor, chunk,
			     min(arg.buf_cap, MEMSIM_TRACE_CHUNK), &arg.lost);
	memsim_trace_read_state(&inst->tlog, &arg);
	mutex_unlock(&inst->lock);

	while (n) {
		if (copy_to_user(ubuf + done, chunk, n * sizeof(*chunk))) {
			ret = -EFAULT;
			goto out;
		}
		done += n;
		if (done == arg.buf_cap)
			break;
		mutex_lock(&inst->lock);
		n = memsim_tlog_copy(&inst->tlog, &cursor, chunk,
				     min(arg.buf_cap - done, MEMSIM_TRACE_CHUNK), &lost);
		if (lost) {
			/* Overwritten meanwhile: stop before the gap. */
			cursor -= n + lost;
			n = 0;
		}
		memsim_trace_read_state(&inst->tlog, &arg);
		mutex_unlock(&inst->lock);
	}
	arg.nr = done;
	arg.cursor = cursor;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
out:
	kfree(chunk);
	return ret;
}
