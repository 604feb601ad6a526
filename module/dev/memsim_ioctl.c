// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the ioctl dispatcher of /dev/memsim, a table of commands
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: ioctl dispatch
 *
 * Every command is one row of memsim_ioctls[], in the manner of drm's
 * DRM_IOCTL_DEF() table: the command number (which carries the size of its
 * structure), an optional check, the handler, and flags that say what the
 * dispatcher does around them.  For every command, in this order,
 * memsim_ioctl():
 *
 * 1. finds the row whose command number equals @cmd exactly (size and
 *    direction bits included), else fails with -ENOTTY;
 * 2. copies the structure in, _IOC_SIZE(cmd) bytes (the size the uapi
 *    header built into the command number), to the stack, or to kmalloc()ed
 *    memory for the two large query answers;
 * 3. with %MEMSIM_IOCTL_PROBE, writes it back unchanged, so that a caller
 *    whose structure cannot take the answer gets -EFAULT before anything
 *    changes rather than after;
 * 4. runs the check: every input field is validated here, before the
 *    instance lock is taken and before anything changes, so a rejected
 *    call leaves both the instance and the caller's structure as they were;
 * 5. runs the handler, with the instance lock held if the row says
 *    %MEMSIM_IOCTL_LOCKED; the other handlers take it themselves, because
 *    they allocate or touch user memory first (a label, an array), and the
 *    lock is never held across a copy that can fault;
 * 6. with %MEMSIM_IOCTL_OUT, copies the structure back (from the row's
 *    @out offset) once the handler returned 0, or -ENOSPC with
 *    %MEMSIM_IOCTL_OUT_NOSPC, whose answer says what would fit.
 *
 * A handler without %MEMSIM_IOCTL_OUT writes its result itself: ALLOC and
 * CREATE_SEGMENT, whose result is the caller's only handle on what they
 * make, write it before the change is committed, under the lock but with
 * page faults disabled (memsim_result_write()), and a page that is not
 * there makes the call start again after faulting it in, never leaves a
 * block or segment nobody knows of; BATCH and SIMULATE write what they did
 * also when they stop early.
 *
 * Because a row is keyed by the whole command number, serving an earlier
 * size of a command's structure (a structure that grew) is one more row:
 * its command number built from the old structure, and a handler that
 * converts.  Rows are found by a scan; there are two dozen, fewer cache
 * lines than the copy in touches.
 */

#include <linux/fs.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

/* What the dispatcher does around a handler: see DOC: ioctl dispatch. */
#define MEMSIM_IOCTL_PROBE	BIT(0)
#define MEMSIM_IOCTL_LOCKED	BIT(1)
#define MEMSIM_IOCTL_OUT	BIT(2)
#define MEMSIM_IOCTL_OUT_NOSPC	BIT(3)

/**
 * struct memsim_ioctl_desc - one command of /dev/memsim
 * @cmd: the command number, direction and size included: the size of the
 *	structure copied in and out is _IOC_SIZE(@cmd).
 * @out: the first byte of the structure copied back with %MEMSIM_IOCTL_OUT.
 * @flags: MEMSIM_IOCTL_* flags.
 * @check: validates the kernel copy before anything else happens; NULL if
 *	the handler has nothing to check first.
 * @func: the handler.
 */
struct memsim_ioctl_desc {
	unsigned int cmd;
	unsigned int out;
	unsigned int flags;
	int (*check)(const void *data);
	long (*func)(struct memsim_instance *inst, void *data, void __user *uarg);
};

/* A row; %MEMSIM_IOCTL_OUT is for _IOWR commands only. */
#define MEMSIM_IOCTL_DEF_OUT(ioctl, _out, _check, _func, _flags)	\
	{ .cmd = ioctl, .out = _out, .flags = _flags, .check = _check, .func = _func }
#define MEMSIM_IOCTL_DEF(ioctl, _check, _func, _flags)			\
	MEMSIM_IOCTL_DEF_OUT(ioctl, 0, _check, _func, _flags)

#define PROBE		MEMSIM_IOCTL_PROBE
#define LOCKED		MEMSIM_IOCTL_LOCKED
#define OUT		MEMSIM_IOCTL_OUT
#define OUT_NOSPC	(MEMSIM_IOCTL_OUT | MEMSIM_IOCTL_OUT_NOSPC)

static const struct memsim_ioctl_desc memsim_ioctls[] = {
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_INFO,
			 NULL, memsim_ioctl_get_info, PROBE | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_SET_STRATEGY,
			 memsim_ioctl_set_strategy_check, memsim_ioctl_set_strategy, LOCKED),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_CREATE_SEGMENT,
			 memsim_ioctl_create_segment_check, memsim_ioctl_create_segment, 0),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_RELEASE_SEGMENT,
			 memsim_ioctl_release_segment_check, memsim_ioctl_release_segment,
			 LOCKED),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_CHECK_OVERLAP,
			 memsim_ioctl_check_overlap_check, memsim_ioctl_check_overlap, OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_FIND_SAFE_RANGE,
			 memsim_ioctl_find_safe_range_check, memsim_ioctl_find_safe_range,
			 PROBE | LOCKED | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_ALLOC,
			 memsim_ioctl_alloc_check, memsim_ioctl_alloc, 0),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_CAN_ALLOC,
			 memsim_ioctl_can_alloc_check, memsim_ioctl_can_alloc,
			 LOCKED | OUT_NOSPC),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_FREE,
			 memsim_ioctl_free_check, memsim_ioctl_free, PROBE | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_COMPLETE_FREE,
			 memsim_ioctl_complete_free_check, memsim_ioctl_complete_free,
			 PROBE | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_SYNC_STREAM,
			 memsim_ioctl_sync_stream_check, memsim_ioctl_sync_stream,
			 PROBE | LOCKED | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_SUMMARY,
			 memsim_ioctl_get_summary_check, memsim_ioctl_get_summary,
			 LOCKED | OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_STATS,
			 memsim_ioctl_get_stats_check, memsim_ioctl_get_stats, OUT),
	/* The first release's structure, with five strategies' counters. */
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_STATS_V1,
			 memsim_ioctl_get_stats_v1_check, memsim_ioctl_get_stats_v1, OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_SEGMENTS,
			 memsim_ioctl_list_check, memsim_ioctl_get_segments, OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_BLOCKS,
			 memsim_ioctl_list_check, memsim_ioctl_get_blocks, OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_BATCH,
			 memsim_ioctl_batch_check, memsim_ioctl_batch, 0),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_SIMULATE,
			 memsim_ioctl_simulate_check, memsim_ioctl_simulate, 0),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_RESET,
			 memsim_ioctl_reset_check, memsim_ioctl_reset, LOCKED),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_TRACE_CTL,
			 memsim_ioctl_trace_ctl_check, memsim_ioctl_trace_ctl, 0),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_TRACE_READ,
			 memsim_ioctl_trace_read_check, memsim_ioctl_trace_read, OUT),
	MEMSIM_IOCTL_DEF(MEMSIM_IOC_GET_BLOCKS_LIFE,
			 memsim_ioctl_list_check, memsim_ioctl_get_blocks_life, OUT),
	/* The request part is only read: it can be the very ALLOC that failed. */
	MEMSIM_IOCTL_DEF_OUT(MEMSIM_IOC_EXPLAIN_ALLOC,
			     offsetof(struct memsim_explain_arg, free_bytes),
			     memsim_ioctl_explain_alloc_check, memsim_ioctl_explain_alloc, OUT),
};

#undef PROBE
#undef LOCKED
#undef OUT
#undef OUT_NOSPC

/*
 * Structures up to this size are copied to the stack: every command's but
 * GET_SUMMARY's and EXPLAIN_ALLOC's, which are queries, not the hot path,
 * and whose structures would make the dispatcher's frame too large.
 */
#define MEMSIM_IOCTL_ONSTACK	320

static const struct memsim_ioctl_desc *memsim_ioctl_find(unsigned int cmd)
{
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(memsim_ioctls); i++)
		if (memsim_ioctls[i].cmd == cmd)
			return &memsim_ioctls[i];
	return NULL;
}

/* Steps 2 to 6 of DOC: ioctl dispatch, on the kernel copy @data. */
static long memsim_ioctl_run(struct memsim_instance *inst,
			     const struct memsim_ioctl_desc *d, void *data,
			     void __user *uarg)
{
	size_t size = _IOC_SIZE(d->cmd);
	bool out;
	long ret;

	if (_IOC_DIR(d->cmd) & _IOC_WRITE) {
		if (copy_from_user(data, uarg, size))
			return -EFAULT;
	} else {
		memset(data, 0, size);
	}
	if ((d->flags & MEMSIM_IOCTL_PROBE) && copy_to_user(uarg, data, size))
		return -EFAULT;
	if (d->check) {
		ret = d->check(data);
		if (ret)
			return ret;
	}

	if (d->flags & MEMSIM_IOCTL_LOCKED)
		mutex_lock(&inst->lock);
	ret = d->func(inst, data, uarg);
	if (d->flags & MEMSIM_IOCTL_LOCKED)
		mutex_unlock(&inst->lock);

	out = (d->flags & MEMSIM_IOCTL_OUT) &&
	      (!ret || (ret == -ENOSPC && (d->flags & MEMSIM_IOCTL_OUT_NOSPC)));
	if (out && copy_to_user(uarg + d->out, data + d->out, size - d->out))
		return -EFAULT;
	return ret;
}

/**
 * memsim_ioctl() - dispatch an ioctl on /dev/memsim
 * @file: open file; its private data is the instance.
 * @cmd: ioctl command.
 * @arg: user pointer to the command's structure.
 *
 * Return: 0 or a negative errno; -ENOTTY for a command memsim does not know.
 */
long memsim_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	u64 onstack[MEMSIM_IOCTL_ONSTACK / sizeof(u64)];
	struct memsim_instance *inst = file->private_data;
	const struct memsim_ioctl_desc *d;
	void *data = onstack;
	long ret;

	d = memsim_ioctl_find(cmd);
	if (!d)
		return -ENOTTY;
	if (_IOC_SIZE(cmd) > sizeof(onstack)) {
		data = kmalloc(_IOC_SIZE(cmd), GFP_KERNEL);
		if (!data)
			return -ENOMEM;
	}
	ret = memsim_ioctl_run(inst, d, data, (void __user *)arg);
	if (data != onstack)
		kfree(data);
	return ret;
}
