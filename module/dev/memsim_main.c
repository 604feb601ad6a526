// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: module entry points
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Overview
 *
 * memsim simulates the memory of a device (think of a GPU's VRAM): an
 * address space made of segments that are split into blocks by switchable
 * placement strategies.  It hands out no real memory; it is an instrument for
 * studying allocation policies with the kernel's own data structures.
 *
 * The module is a thin glue layer around that model: a misc device,
 * /dev/memsim, whose every open() creates an independent simulated device
 * driven by ioctls, and a debugfs directory, /sys/kernel/debug/memsim/, that
 * shows what the instances hold.
 *
 * Ordering matters on both ends: the device node is the only way in for
 * userspace, so it is registered last on load, once everything it reaches is
 * ready, and deregistered first on unload.  The misc device's file operations
 * pin the module while any file is open, so unload never races an instance.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>
#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "memsim_core.h"
#include "memsim_internal.h"

struct memsim_limits memsim_limits = {
	.max_segments = 1024,
	.max_blocks = 4 << 20,
	.max_batch = 4096,
	.max_trace_records = 65536,
};

/* 0 until set: memsim_init() then derives them from the RAM size. */
struct memsim_budget memsim_budget;

umode_t memsim_dev_mode = 0600;

/*
 * Every parameter is range-checked when it is set, at load time or later
 * through /sys/module/memsim/parameters/: a value out of range is refused
 * with -EINVAL (insmod fails) and the old value stays.
 */
struct memsim_param {
	void *value;
	u8 bytes;
	u64 min;
	u64 max;
};

static int memsim_param_set(const char *val, const struct kernel_param *kp)
{
	const struct memsim_param *p = kp->arg;
	u64 v;
	int ret;

	ret = kstrtoull(val, 0, &v);
	if (ret)
		return ret;
	if (v < p->min || v > p->max)
		return -EINVAL;
	switch (p->bytes) {
	case sizeof(u16):
		WRITE_ONCE(*(u16 *)p->value, v);
		break;
	case sizeof(u32):
		WRITE_ONCE(*(u32 *)p->value, v);
		break;
	default:
		WRITE_ONCE(*(u64 *)p->value, v);
		break;
	}
	return 0;
}

static int memsim_param_get(char *buf, const struct kernel_param *kp)
{
	const struct memsim_param *p = kp->arg;
	u64 v;

	switch (p->bytes) {
	case sizeof(u16):
		v = READ_ONCE(*(u16 *)p->value);
		break;
	case sizeof(u32):
		v = READ_ONCE(*(u32 *)p->value);
		break;
	default:
		v = READ_ONCE(*(u64 *)p->value);
		break;
	}
	return sysfs_emit(buf, p->value == &memsim_dev_mode ? "0%llo\n" : "%llu\n", v);
}

static const struct kernel_param_ops memsim_param_ops = {
	.set = memsim_param_set,
	.get = memsim_param_get,
};

/* /dev/memsim may be shared by a group, but never written by everyone. */
static int memsim_dev_mode_set(const char *val, const struct kernel_param *kp)
{
	u16 mode;
	int ret;

	ret = kstrtou16(val, 8, &mode);
	if (ret)
		return ret;
	if (mode & ~0777 || mode & 0002) {
		pr_err("dev_mode=%s refused: not a mode, or writable by all users (use a group and a udev rule, see Documentation/uapi.rst)\n",
		       val);
		return -EINVAL;
	}
	memsim_dev_mode = mode;
	return 0;
}

static const struct kernel_param_ops memsim_dev_mode_ops = {
	.set = memsim_dev_mode_set,
	.get = memsim_param_get,
};

static struct memsim_param memsim_param_max_segments = {
	.value = &memsim_limits.max_segments,
	.bytes = sizeof(memsim_limits.max_segments),
	.min = 1,
	.max = MEMSIM_MAX_SEGMENTS_LIMIT,
};
module_param_cb(max_segments, &memsim_param_ops, &memsim_param_max_segments, 0644);
MODULE_PARM_DESC(max_segments, "Segments one instance may hold, 1..65536 (default 1024)");

static struct memsim_param memsim_param_max_blocks = {
	.value = &memsim_limits.max_blocks,
	.bytes = sizeof(memsim_limits.max_blocks),
	.min = 1,
	.max = MEMSIM_MAX_BLOCKS_LIMIT,
};
module_param_cb(max_blocks, &memsim_param_ops, &memsim_param_max_blocks, 0644);
MODULE_PARM_DESC(max_blocks, "Live blocks one instance may hold, 1..2^32 (default 4M)");

static struct memsim_param memsim_param_max_batch = {
	.value = &memsim_limits.max_batch,
	.bytes = sizeof(memsim_limits.max_batch),
	.min = 1,
	.max = MEMSIM_BATCH_HARD_MAX,
};
module_param_cb(max_batch, &memsim_param_ops, &memsim_param_max_batch, 0644);
MODULE_PARM_DESC(max_batch, "Operations one BATCH ioctl may carry, 1..65536 (default 4096)");

static struct memsim_param memsim_param_max_trace_records = {
	.value = &memsim_limits.max_trace_records,
	.bytes = sizeof(memsim_limits.max_trace_records),
	.min = 1,
	.max = MEMSIM_TRACE_HARD_MAX,
};
module_param_cb(max_trace_records, &memsim_param_ops, &memsim_param_max_trace_records, 0644);
MODULE_PARM_DESC(max_trace_records, "Records one instance's trace may hold, 1..1M (default 65536)");

static struct memsim_param memsim_param_max_instance_memory = {
	.value = &memsim_budget.instance_limit,
	.bytes = sizeof(memsim_budget.instance_limit),
	.min = SZ_1M,
	.max = U64_MAX,
};
module_param_cb(max_instance_memory, &memsim_param_ops, &memsim_param_max_instance_memory, 0644);
MODULE_PARM_DESC(max_instance_memory, "Bytes of metadata one instance may hold, at least 1 MiB (default: a quarter of RAM)");

static struct memsim_param memsim_param_max_total_memory = {
	.value = &memsim_budget.total_limit,
	.bytes = sizeof(memsim_budget.total_limit),
	.min = SZ_1M,
	.max = U64_MAX,
};
module_param_cb(max_total_memory, &memsim_param_ops, &memsim_param_max_total_memory, 0644);
MODULE_PARM_DESC(max_total_memory, "Bytes of metadata all instances may hold together, at least 1 MiB (default: half of RAM)");

static struct memsim_param memsim_param_dev_mode = {
	.value = &memsim_dev_mode,
	.bytes = sizeof(memsim_dev_mode),
};

module_param_cb(dev_mode, &memsim_dev_mode_ops, &memsim_param_dev_mode, 0444);
MODULE_PARM_DESC(dev_mode, "Mode of /dev/memsim, not writable by others (default 0600)");

static int __init memsim_init(void)
{
	int ret;

	ret = memsim_core_init();
	if (ret)
		return ret;
	if (!memsim_budget.instance_limit)
		memsim_budget.instance_limit = max_t(u64, (u64)totalram_pages() << PAGE_SHIFT >> 2,
						     SZ_1M);
	if (!memsim_budget.total_limit)
		memsim_budget.total_limit = max_t(u64, (u64)totalram_pages() << PAGE_SHIFT >> 1,
						  SZ_1M);
	memsim_tlog_stacks_init();
	memsim_debugfs_init();

	ret = memsim_dev_register();
	if (ret) {
		memsim_debugfs_exit();
		memsim_core_exit();
		return ret;
	}

	pr_info("loaded, ABI version %u\n", MEMSIM_ABI_VERSION);
	return 0;
}

static void __exit memsim_exit(void)
{
	memsim_dev_unregister();
	memsim_debugfs_exit();
	memsim_core_exit();
}

module_init(memsim_init);
module_exit(memsim_exit);

MODULE_DESCRIPTION("Simulated device memory allocator");
MODULE_AUTHOR("The memsim authors");
MODULE_LICENSE("GPL");
