// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - the strategy and the segments
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Strategy and segment ioctls
 *
 * SET_STRATEGY, CREATE_SEGMENT, RELEASE_SEGMENT, CHECK_OVERLAP and
 * FIND_SAFE_RANGE: what the address space is made of and which rule places
 * blocks in it.  CREATE_SEGMENT is the one that writes its own result: the
 * caller learns the new segment's id only from it, so the segment is
 * committed only once the id is written (see DOC: ioctl dispatch).
 */

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/overflow.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

/**
 * memsim_ioctl_set_strategy_check() - check a &struct memsim_strategy_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a reserved field, an unknown strategy
 * or a parameter of another strategy (TLSF's classes, the buddy minimum).
 */
int memsim_ioctl_set_strategy_check(const void *data)
{
	const struct memsim_strategy_arg *arg = data;
	enum memsim_strategy s;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	/* Each parameter belongs to its strategy. */
	if (arg->strategy == MEMSIM_STRATEGY_TLSF ? arg->buddy_min_block : arg->tlsf_classes)
		return -EINVAL;
	return memsim_strategy_from_uapi(arg->strategy, &s);
}

/**
 * memsim_ioctl_set_strategy() - %MEMSIM_IOC_SET_STRATEGY, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_strategy_arg.
 * @uarg: unused.
 *
 * Return: as memsim_set_strategy().
 */
long memsim_ioctl_set_strategy(struct memsim_instance *inst, void *data, void __user *uarg)
{
	const struct memsim_strategy_arg *arg = data;
	enum memsim_strategy s;

	memsim_strategy_from_uapi(arg->strategy, &s);
	return memsim_set_strategy(&inst->pool, s, arg->strategy == MEMSIM_STRATEGY_TLSF ?
				   arg->tlsf_classes : arg->buddy_min_block);
}

/**
 * memsim_ioctl_create_segment_check() - check a segment to create
 * @data: the kernel copy of the &struct memsim_segment_arg.
 *
 * A malformed request gets -EINVAL even when the instance is full.
 *
 * Return: 0, -EINVAL, or what memsim_segment_args_valid() says.
 */
int memsim_ioctl_create_segment_check(const void *data)
{
	const struct memsim_segment_arg *arg = data;

	if (arg->flags || arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return memsim_segment_args_valid(arg->start, arg->size, arg->stream);
}

/**
 * memsim_ioctl_create_segment() - %MEMSIM_IOC_CREATE_SEGMENT
 * @inst: the instance.
 * @data: the checked &struct memsim_segment_arg.
 * @uarg: the caller's structure, where the segment's id goes.
 *
 * Prepares the segment, writes the id, and commits only if the write went
 * through; else undoes, faults the page in without the lock and starts
 * again.
 *
 * Return: 0; -E2BIG when the instance holds max_segments segments;
 * -EFAULT; or what memsim_segment_prepare() says.
 */
long memsim_ioctl_create_segment(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_segment_arg *arg = data;
	struct memsim_segment_plan plan;
	unsigned int try;
	int ret;

	for (try = 0; ; try++) {
		mutex_lock(&inst->lock);
		if (inst->pool.nr_segments >= READ_ONCE(memsim_limits.max_segments)) {
			mutex_unlock(&inst->lock);
			return -E2BIG;
		}
		ret = memsim_segment_prepare(&inst->pool, arg->start, arg->size, arg->device,
					     arg->stream, &plan);
		if (ret) {
			mutex_unlock(&inst->lock);
			return ret;
		}
		arg->segment_id = plan.id;
		ret = memsim_result_write(uarg, arg, sizeof(*arg));
		if (!ret)
			memsim_segment_commit(&inst->pool, &plan);
		else
			memsim_segment_abort(&inst->pool, &plan);
		mutex_unlock(&inst->lock);
		if (!ret)
			return 0;
		ret = memsim_result_fault_in(uarg, sizeof(*arg), try);
		if (ret)
			return ret;
	}
}

/**
 * memsim_ioctl_release_segment_check() - check a segment to release
 * @data: the kernel copy of the &struct memsim_segment_arg.
 *
 * Only @segment_id is an input: every other field must be zero.
 *
 * Return: 0 or -EINVAL.
 */
int memsim_ioctl_release_segment_check(const void *data)
{
	const struct memsim_segment_arg *arg = data;

	if (arg->start || arg->size || arg->device || arg->stream || arg->flags ||
	    arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_release_segment() - %MEMSIM_IOC_RELEASE_SEGMENT, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_segment_arg.
 * @uarg: unused.
 *
 * Return: as memsim_segment_release().
 */
long memsim_ioctl_release_segment(struct memsim_instance *inst, void *data,
				  void __user *uarg)
{
	const struct memsim_segment_arg *arg = data;

	return memsim_segment_release(&inst->pool, arg->segment_id);
}

/**
 * memsim_ioctl_check_overlap_check() - check a &struct memsim_overlap_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a reserved field, an empty or wrapping
 * range or more ids than %MEMSIM_LIST_MAX.
 */
int memsim_ioctl_check_overlap_check(const void *data)
{
	const struct memsim_overlap_arg *arg = data;
	u64 end;

	if (arg->flags || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	if (!arg->size || check_add_overflow(arg->start, arg->size, &end) ||
	    arg->ids_cap > MEMSIM_LIST_MAX)
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_check_overlap() - %MEMSIM_IOC_CHECK_OVERLAP
 * @inst: the instance.
 * @data: the checked &struct memsim_overlap_arg; its out fields are set.
 * @uarg: unused.
 *
 * The ids are gathered under the lock into a kernel buffer and copied to
 * @ids_ptr after the lock is dropped.
 *
 * Return: 0, -ENOMEM, or -EFAULT if the ids cannot be written.
 */
long memsim_ioctl_check_overlap(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_overlap_arg *arg = data;
	u64 *ids = NULL;
	u32 nr, n;
	int ret = 0;

	if (arg->ids_cap) {
		ids = kvcalloc(arg->ids_cap, sizeof(*ids), GFP_KERNEL_ACCOUNT);
		if (!ids)
			return -ENOMEM;
	}

	mutex_lock(&inst->lock);
	arg->kind = memsim_check_overlap(&inst->pool, arg->start, arg->size, ids,
					 arg->ids_cap, &nr);
	mutex_unlock(&inst->lock);
	arg->nr_ids = nr;

	n = min(nr, arg->ids_cap);
	if (n && copy_to_user(u64_to_user_ptr(arg->ids_ptr), ids, n * sizeof(*ids)))
		ret = -EFAULT;
	kvfree(ids);
	return ret;
}

/**
 * memsim_ioctl_find_safe_range_check() - check a &struct memsim_safe_range_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a pad or a reserved field.
 */
int memsim_ioctl_find_safe_range_check(const void *data)
{
	const struct memsim_safe_range_arg *arg = data;

	if (arg->flags || arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_find_safe_range() - %MEMSIM_IOC_FIND_SAFE_RANGE, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_safe_range_arg; @addr is set.
 * @uarg: unused.
 *
 * Return: as memsim_find_safe_range().
 */
long memsim_ioctl_find_safe_range(struct memsim_instance *inst, void *data,
				  void __user *uarg)
{
	struct memsim_safe_range_arg *arg = data;

	return memsim_find_safe_range(&inst->pool, arg->size, arg->align, arg->min,
				      arg->max, &arg->addr);
}
