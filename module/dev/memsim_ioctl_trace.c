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
#include "memsim_ioctl.h"

/* Records gathered per lock hold. */
#define MEMSIM_TRACE_CHUNK	32

/**
 * memsim_ioctl_trace_ctl_check() - check a &struct memsim_trace_ctl_arg
 * @data: the kernel copy.
 *
 * Return: 0; -EINVAL for an unknown flag, a reserved field, a capacity
 * with the trace off or a capacity of 0 or above max_trace_records with it
 * on; -EOPNOTSUPP for stacks on a kernel without stackdepot.
 */
int memsim_ioctl_trace_ctl_check(const void *data)
{
	const struct memsim_trace_ctl_arg *arg = data;

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
 * memsim_ioctl_trace_ctl() - %MEMSIM_IOC_TRACE_CTL
 * @inst: the instance.
 * @data: the checked &struct memsim_trace_ctl_arg.
 * @uarg: unused.
 *
 * The new ring is charged to the instance's memory budget before it is
 * allocated, the old one uncharged once it is swapped out; for a moment
 * both count, so replacing a ring needs room for both.
 *
 * Return: 0 or a negative errno, the trace unchanged on error.
 */
long memsim_ioctl_trace_ctl(struct memsim_instance *inst, void *data, void __user *uarg)
{
	const struct memsim_trace_ctl_arg *arg = data;
	struct memsim_trace_record *recs = NULL;
	u64 bytes, old;
	int ret;

	bytes = memsim_tlog_bytes(arg->capacity);
	if (arg->capacity) {
		mutex_lock(&inst->lock);
		ret = memsim_pool_charge(&inst->pool, bytes);
		mutex_unlock(&inst->lock);
		if (ret)
			return ret;
		recs = kvcalloc(arg->capacity, sizeof(*recs), GFP_KERNEL_ACCOUNT);
		if (!recs) {
			mutex_lock(&inst->lock);
			memsim_pool_uncharge(&inst->pool, bytes);
			mutex_unlock(&inst->lock);
			return -ENOMEM;
		}
	}
	mutex_lock(&inst->lock);
	old = inst->tlog.charged;
	recs = memsim_tlog_swap(&inst->tlog, recs, arg->capacity, arg->flags);
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
 * memsim_ioctl_trace_read_check() - check a &struct memsim_trace_read_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a reserved field or more records than
 * %MEMSIM_LIST_MAX.  A cursor beyond the head is refused by the handler,
 * which sees the head.
 */
int memsim_ioctl_trace_read_check(const void *data)
{
	const struct memsim_trace_read_arg *arg = data;

	if (arg->flags || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)) ||
	    arg->buf_cap > MEMSIM_LIST_MAX)
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_trace_read() - %MEMSIM_IOC_TRACE_READ
 * @inst: the instance.
 * @data: the checked &struct memsim_trace_read_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0; -EINVAL for a cursor beyond the head; -ENOMEM; -EFAULT if the
 * records cannot be written.
 */
long memsim_ioctl_trace_read(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_trace_read_arg *arg = data;
	struct memsim_trace_record __user *ubuf;
	struct memsim_trace_record *chunk;
	u64 cursor, lost;
	u32 done = 0, n;
	long ret = 0;

	chunk = kmalloc_array(MEMSIM_TRACE_CHUNK, sizeof(*chunk), GFP_KERNEL);
	if (!chunk)
		return -ENOMEM;
	ubuf = u64_to_user_ptr(arg->buf_ptr);
	cursor = arg->cursor;

	mutex_lock(&inst->lock);
	if (cursor > inst->tlog.head) {
		mutex_unlock(&inst->lock);
		ret = -EINVAL;
		goto out;
	}
	/* The first chunk reports the records lost before the cursor. */
	n = memsim_tlog_copy(&inst->tlog, &cursor, chunk,
			     min(arg->buf_cap, MEMSIM_TRACE_CHUNK), &arg->lost);
	memsim_trace_read_state(&inst->tlog, arg);
	mutex_unlock(&inst->lock);

	while (n) {
		if (copy_to_user(ubuf + done, chunk, n * sizeof(*chunk))) {
			ret = -EFAULT;
			goto out;
		}
		done += n;
		if (done == arg->buf_cap)
			break;
		mutex_lock(&inst->lock);
		n = memsim_tlog_copy(&inst->tlog, &cursor, chunk,
				     min(arg->buf_cap - done, MEMSIM_TRACE_CHUNK), &lost);
		if (lost) {
			/* Overwritten meanwhile: stop before the gap. */
			cursor -= n + lost;
			n = 0;
		}
		memsim_trace_read_state(&inst->tlog, arg);
		mutex_unlock(&inst->lock);
	}
	arg->nr = done;
	arg->cursor = cursor;
out:
	kfree(chunk);
	return ret;
}
