// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: ioctl handling
 *
 * Each command is split in two: a thin wrapper that copies the argument in
 * and out of userspace, and a handler that works on a kernel copy.  The
 * handlers validate every input field before they change anything, so a
 * rejected call leaves both the instance and the caller's structure as they
 * were; they are also what the KUnit suites call directly.
 */

#include <linux/fs.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"

/* Non-zero if any byte of a reserved area is set. */
static bool memsim_reserved_set(const void *area, size_t len)
{
	return memchr_inv(area, 0, len);
}

/**
 * memsim_get_info() - answer %MEMSIM_IOC_GET_INFO
 * @inst: instance the request came through.
 * @info: kernel copy of the caller's structure; overwritten on success.
 *
 * Return: 0 on success; -EINVAL if @info has a flag or reserved field set,
 * in which case @info is left untouched.
 */
int memsim_get_info(struct memsim_instance *inst, struct memsim_info *info)
{
	if (info->flags || memsim_reserved_set(info->reserved, sizeof(info->reserved)))
		return -EINVAL;

	memset(info, 0, sizeof(*info));
	info->abi_version = MEMSIM_ABI_VERSION;
	if (memsim_debugfs_available())
		info->features |= MEMSIM_FEATURE_DEBUGFS;
	info->instance_id = inst->id;
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_get_info);

static long memsim_ioctl_get_info(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_info info;
	int ret;

	if (copy_from_user(&info, uarg, sizeof(info)))
		return -EFAULT;

	ret = memsim_get_info(inst, &info);
	if (ret)
		return ret;

	if (copy_to_user(uarg, &info, sizeof(info)))
		return -EFAULT;
	return 0;
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
	struct memsim_instance *inst = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MEMSIM_IOC_GET_INFO:
		return memsim_ioctl_get_info(inst, uarg);
	default:
		return -ENOTTY;
	}
}
