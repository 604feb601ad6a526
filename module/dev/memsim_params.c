// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: module parameters and the limits they set
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Module parameters
 *
 * The limits every instance runs under (&memsim_limits), the memory budget
 * (&memsim_budget) and the mode of /dev/memsim.  This file is the bottom of
 * the glue: everything reads the values kept here and it calls nothing of
 * the glue, so a new reader adds no dependency loop.
 *
 * Every parameter is range-checked when it is set, at load time or later
 * through /sys/module/memsim/parameters/: a value out of range is refused
 * with -EINVAL (insmod fails) and the old value stays.  Readers use
 * READ_ONCE(): a limit may change under a running instance, and each call
 * applies the value in force when it starts.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/mm.h>
#include <linux/moduleparam.h>
#include <linux/sysfs.h>

#include "memsim_internal.h"

struct memsim_limits memsim_limits = {
	.max_segments = 1024,
	.max_blocks = 4 << 20,
	.max_batch = 4096,
	.max_trace_records = 65536,
};

/* 0 until set: memsim_params_init() then derives them from the RAM size. */
struct memsim_budget memsim_budget;

umode_t memsim_dev_mode = 0600;

bool memsim_block_life = true;
module_param_named(block_life, memsim_block_life, bool, 0644);
MODULE_PARM_DESC(block_life, "New instances keep each block's times, owner and label (default Y; N saves 64 bytes per block and every clock read)");

/* A numeric parameter: where it lives, its width and its range. */
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

/**
 * memsim_params_init() - give the memory budget its defaults
 *
 * Called once at load, after the parameters given to insmod were set: a
 * budget left unset (0) becomes a quarter of RAM per instance and half of
 * RAM for all instances together, at least 1 MiB each, the parameters'
 * own minimum.
 */
void memsim_params_init(void)
{
	u64 ram = (u64)totalram_pages() << PAGE_SHIFT;

	if (!memsim_budget.instance_limit)
		memsim_budget.instance_limit = max_t(u64, ram >> 2, SZ_1M);
	if (!memsim_budget.total_limit)
		memsim_budget.total_limit = max_t(u64, ram >> 1, SZ_1M);
}
