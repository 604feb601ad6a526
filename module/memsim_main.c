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

#include "memsim_core.h"
#include "memsim_internal.h"

static int __init memsim_init(void)
{
	int ret;

	ret = memsim_core_init();
	if (ret)
		return ret;
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
