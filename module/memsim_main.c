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
#include <linux/moduleparam.h>

#include "memsim_core.h"
#include "memsim_internal.h"

struct memsim_limits memsim_limits = {
	.max_segments = 1024,
	.max_blocks = 4 << 20,
	.max_batch = 4096,
	.max_trace_records = 65536,
};

umode_t memsim_dev_mode = 0600;

module_param_named(max_segments, memsim_limits.max_segments, uint, 0644);
MODULE_PARM_DESC(max_segments, "Segments one instance may hold (default 1024)");
module_param_named(max_blocks, memsim_limits.max_blocks, ullong, 0644);
MODULE_PARM_DESC(max_blocks, "Live blocks one instance may hold (default 4M)");
module_param_named(max_batch, memsim_limits.max_batch, uint, 0644);
MODULE_PARM_DESC(max_batch, "Operations one BATCH ioctl may carry (default 4096, at most 65536)");
module_param_named(max_trace_records, memsim_limits.max_trace_records, uint, 0644);
MODULE_PARM_DESC(max_trace_records,
		 "Records one instance's trace may hold (default 65536, at most 1M)");
module_param_named(dev_mode, memsim_dev_mode, ushort, 0444);
MODULE_PARM_DESC(dev_mode, "Mode of /dev/memsim (default 0600)");

static int __init memsim_init(void)
{
	int ret;

	ret = memsim_core_init();
	if (ret)
		return ret;
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
