// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - the module and the instance
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Info and reset ioctls
 *
 * GET_INFO describes the module (ABI version, features, the limits in
 * force) and names the instance; RESET takes the instance back to the
 * state after open(), or frees every block and keeps the segments.
 */

#include <linux/string.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

/**
 * memsim_get_info() - answer %MEMSIM_IOC_GET_INFO
 * @inst: instance the request came through.
 * @info: kernel copy of the caller's structure; overwritten on success.
 *
 * Takes no lock: an instance's id never changes, and the limits are read
 * once each, as in force now.
 *
 * Return: 0 on success; -EINVAL if @info has a flag set, in which case
 * @info is left untouched.
 */
int memsim_get_info(struct memsim_instance *inst, struct memsim_info *info)
{
	if (info->flags)
		return -EINVAL;

	memset(info, 0, sizeof(*info));
	info->abi_version = MEMSIM_ABI_VERSION;
	info->features = MEMSIM_FEATURE_TRACE | MEMSIM_FEATURE_EXPLAIN;
	if (memsim_debugfs_available())
		info->features |= MEMSIM_FEATURE_DEBUGFS;
	if (memsim_tlog_stacks_available())
		info->features |= MEMSIM_FEATURE_TRACE_STACK;
	info->instance_id = inst->id;
	info->max_segments = READ_ONCE(memsim_limits.max_segments);
	info->max_batch = READ_ONCE(memsim_limits.max_batch);
	info->max_blocks = READ_ONCE(memsim_limits.max_blocks);
	info->max_list = MEMSIM_LIST_MAX;
	info->max_trace_records = memsim_tlog_max_capacity();
	info->max_instance_memory = READ_ONCE(memsim_budget.instance_limit);
	info->max_total_memory = READ_ONCE(memsim_budget.total_limit);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_get_info);

/**
 * memsim_ioctl_get_info() - %MEMSIM_IOC_GET_INFO
 * @inst: the instance.
 * @data: the kernel copy of the &struct memsim_info.
 * @uarg: unused.
 *
 * memsim_get_info() checks the flags itself, for its KUnit callers too.
 *
 * Return: as memsim_get_info().
 */
long memsim_ioctl_get_info(struct memsim_instance *inst, void *data, void __user *uarg)
{
	return memsim_get_info(inst, data);
}

/**
 * memsim_ioctl_reset_check() - check a &struct memsim_reset_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for an unknown flag, a pad or a reserved field.
 */
int memsim_ioctl_reset_check(const void *data)
{
	const struct memsim_reset_arg *arg = data;

	if ((arg->flags & ~MEMSIM_RESET_KEEP_SEGMENTS) || arg->pad ||
	    memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_reset() - %MEMSIM_IOC_RESET, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_reset_arg.
 * @uarg: unused.
 *
 * Return: 0.
 */
long memsim_ioctl_reset(struct memsim_instance *inst, void *data, void __user *uarg)
{
	const struct memsim_reset_arg *arg = data;

	memsim_pool_reset(&inst->pool, arg->flags & MEMSIM_RESET_KEEP_SEGMENTS);
	return 0;
}
