/* SPDX-License-Identifier: GPL-2.0 WITH Linux-syscall-note */
/*
 * memsim: simulated device memory allocator - userspace ABI
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _UAPI_LINUX_MEMSIM_H
#define _UAPI_LINUX_MEMSIM_H

#include <linux/ioctl.h>
#include <linux/types.h>

/**
 * DOC: memsim uapi
 *
 * Every open() of /dev/memsim creates an independent simulated device (an
 * "instance").  Userspace drives it with the ioctls below.
 *
 * Rules that hold for every ioctl of this interface (see
 * Documentation/process/botching-up-ioctls.rst in the kernel tree):
 *
 * - structures use only fixed-width types, are naturally aligned and carry
 *   explicit padding, so 32-bit and 64-bit callers share one layout;
 * - every field marked "in" that is a flag word, padding or reserved must be
 *   zero; any unknown bit or non-zero reserved field fails with -EINVAL and
 *   changes nothing;
 * - the kernel zeroes every "out" structure before filling it, so reserved
 *   fields read back as zero until a later ABI version gives them a meaning;
 * - an unknown command fails with -ENOTTY.
 *
 * The ioctl type letter is 'J', which Documentation/userspace-api/ioctl/
 * ioctl-number.rst lists as unused.
 */

/**
 * define MEMSIM_ABI_VERSION - version of this interface
 *
 * Returned in &memsim_info.abi_version.  It changes only if an existing
 * ioctl changes meaning; additions are announced by feature bits instead.
 */
#define MEMSIM_ABI_VERSION		1U

/**
 * define MEMSIM_FEATURE_DEBUGFS - debugfs views are available
 *
 * Set in &memsim_info.features when the module could create its directory
 * /sys/kernel/debug/memsim/ (the kernel has CONFIG_DEBUG_FS and debugfs is
 * not disabled on the command line).
 */
#define MEMSIM_FEATURE_DEBUGFS		(1ULL << 0)

/**
 * struct memsim_info - answer of %MEMSIM_IOC_GET_INFO
 * @abi_version: out: %MEMSIM_ABI_VERSION of the running module.
 * @flags: in: must be zero.
 * @features: out: MEMSIM_FEATURE_* bits this module provides.
 * @instance_id: out: id of the instance behind this file descriptor; ids are
 *	handed out in increasing order from 1 and never reused while the
 *	module stays loaded.
 * @reserved: in: must be zero; out: zero.  Later ABI versions assign these
 *	fields without changing the size of the structure.
 */
struct memsim_info {
	__u32 abi_version;
	__u32 flags;
	__u64 features;
	__u64 instance_id;
	__u64 reserved[5];
};

#define MEMSIM_IOC_MAGIC		'J'

/**
 * define MEMSIM_IOC_GET_INFO - describe the module and this instance
 *
 * Takes a &struct memsim_info.  Errors: -EFAULT if the argument cannot be
 * read or written; -EINVAL if @flags or a reserved field is non-zero.
 */
#define MEMSIM_IOC_GET_INFO		_IOWR(MEMSIM_IOC_MAGIC, 0x00, struct memsim_info)

#endif /* _UAPI_LINUX_MEMSIM_H */
