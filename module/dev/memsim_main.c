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
 * The glue's files sit on each other without loops (scripts/callgraph.py
 * checks it), from the top:
 *
 * - memsim_main.c: load and unload;
 * - memsim_dev.c: the misc device, open() and release();
 * - memsim_ioctl.c: the ioctl dispatcher, a table of commands;
 * - memsim_ioctl_{segment,alloc,query,batch,trace,info}.c: the handlers,
 *   one file per group of commands;
 * - memsim_instance.c: instances, their list and its debugfs view;
 * - memsim_debugfs.c, memsim_debugfs_trace.c: an instance's debugfs files;
 * - memsim_trace.c: the pool's observer, tracepoints;
 * - memsim_tlog.c: the operation trace ring;
 * - memsim_uapi.c: translation between the uapi and the core;
 * - memsim_params.c: module parameters and limits, read by all.
 *
 * Ordering matters on both ends: the device node is the only way in for
 * userspace, so it is registered last on load, once everything it reaches is
 * ready, and deregistered first on unload.  The misc device's file operations
 * pin the module while any file is open, so unload never races an instance.
 */

#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/init.h>
#include <linux/module.h>

#include "memsim_core.h"
#include "memsim_internal.h"

static int __init memsim_init(void)
{
	int ret;

	ret = memsim_core_init();
	if (ret)
		return ret;
	memsim_params_init();
	memsim_tlog_stacks_init();
	memsim_debugfs_init();
	memsim_instances_debugfs_init();

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
MODULE_VERSION(MEMSIM_VERSION);
