// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: debugfs views
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: debugfs
 *
 * Everything lives below /sys/kernel/debug/memsim/.  As the debugfs
 * documentation asks, return values are not checked: a missing debugfs makes
 * the views disappear and nothing else.  Whether the directory exists is
 * still reported to userspace as %MEMSIM_FEATURE_DEBUGFS.
 *
 * Files:
 *
 * instances
 *	one line per live instance, tab separated, after a header line naming
 *	the columns: id, tgid, comm, strategy, segments, live_blocks,
 *	allocated (bytes).
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/seq_file.h>

#include "memsim_internal.h"

static struct dentry *memsim_debugfs_root;

static int instances_show(struct seq_file *m, void *unused)
{
	memsim_instances_show(m);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(instances);

/**
 * memsim_debugfs_init() - create /sys/kernel/debug/memsim/ and its files
 */
void memsim_debugfs_init(void)
{
	memsim_debugfs_root = debugfs_create_dir("memsim", NULL);
	debugfs_create_file("instances", 0400, memsim_debugfs_root, NULL,
			    &instances_fops);
}

/**
 * memsim_debugfs_exit() - remove everything memsim_debugfs_init() created
 */
void memsim_debugfs_exit(void)
{
	debugfs_remove_recursive(memsim_debugfs_root);
	memsim_debugfs_root = NULL;
}

/**
 * memsim_debugfs_available() - whether the debugfs directory exists
 *
 * Return: true if /sys/kernel/debug/memsim/ was created.
 */
bool memsim_debugfs_available(void)
{
	return !IS_ERR_OR_NULL(memsim_debugfs_root);
}
