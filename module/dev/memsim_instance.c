// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: simulated device instances and their registry
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Instances
 *
 * Each open() of /dev/memsim owns one &struct memsim_instance.  All live
 * instances sit on one module-wide list so that debugfs can enumerate them.
 * The list has its own mutex.  Lock order: the list's mutex, then an
 * instance's; no instance operation ever takes the list's mutex, so walking
 * the list and reading each instance under its own lock cannot deadlock.
 *
 * Instance ids come from a 64-bit counter: they increase for as long as the
 * module stays loaded and cannot wrap in practice, so a user can name an
 * instance (and find its debugfs directory) without fear of reuse.
 *
 * The list's debugfs view, the "instances" file, lives here beside the list
 * it walks: the per-instance files of memsim_debugfs.c sit below this file
 * and never reach the list, so the registry and its views depend one way.
 */

#include <linux/atomic.h>
#include <linux/debugfs.h>
#include <linux/mm.h>
#include <linux/seq_file.h>
#include <linux/slab.h>

#include "memsim_internal.h"

static LIST_HEAD(memsim_instances);
static DEFINE_MUTEX(memsim_instances_lock);
static atomic64_t memsim_last_id = ATOMIC64_INIT(0);

/**
 * memsim_instance_create() - create an empty simulated device
 *
 * The instance is charged to the caller's memory cgroup and recorded as
 * belonging to the current thread group.
 *
 * Return: the new instance, or NULL when out of memory.
 */
struct memsim_instance *memsim_instance_create(void)
{
	struct memsim_instance *inst;

	inst = kzalloc(sizeof(*inst), GFP_KERNEL_ACCOUNT);
	if (!inst)
		return NULL;

	inst->id = atomic64_inc_return(&memsim_last_id);
	inst->tgid = task_tgid_nr(current);
	get_task_comm(inst->comm, current);
	mutex_init(&inst->lock);
	memsim_pool_init(&inst->pool);
	/* Cannot fail: the pool has no segment yet. */
	memsim_pool_set_life(&inst->pool, READ_ONCE(memsim_block_life));
	inst->pool.budget = &memsim_budget;
	inst->pool.event = memsim_trace_event;
	inst->pool.event_priv = inst;

	mutex_lock(&memsim_instances_lock);
	list_add_tail(&inst->link, &memsim_instances);
	mutex_unlock(&memsim_instances_lock);
	memsim_debugfs_instance_add(inst);

	return inst;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_instance_create);

/**
 * memsim_instance_destroy() - release a simulated device and all it holds
 * @inst: instance from memsim_instance_create(); may be NULL.
 *
 * Every block and segment it holds goes with it.  The caller guarantees
 * that no other user of @inst remains (the file was released).
 */
void memsim_instance_destroy(struct memsim_instance *inst)
{
	if (!inst)
		return;

	/* First, so that no debugfs reader can reach the instance any more. */
	memsim_debugfs_instance_remove(inst);
	mutex_lock(&memsim_instances_lock);
	list_del(&inst->link);
	mutex_unlock(&memsim_instances_lock);

	memsim_pool_fini(&inst->pool);
	memsim_pool_uncharge(&inst->pool, inst->tlog.charged);
	kvfree(inst->tlog.recs);
	mutex_destroy(&inst->lock);
	kfree(inst);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_instance_destroy);

/*
 * The "instances" file: one line per live instance.  The first line names
 * the columns, so the format can be parsed and grown by appending columns.
 */
static int instances_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst;

	seq_puts(m, "id\ttgid\tcomm\tstrategy\tsegments\tlive_blocks\tallocated\tblock_structs\tmemory\n");

	mutex_lock(&memsim_instances_lock);
	list_for_each_entry(inst, &memsim_instances, link) {
		mutex_lock(&inst->lock);
		seq_printf(m, "%llu\t%d\t", inst->id, inst->tgid);
		memsim_seq_name(m, inst->comm);
		seq_printf(m, "\t%s\t%llu\t%llu\t%llu\t%llu\t%llu\n",
			   memsim_strategy_name(inst->pool.strategy),
			   inst->pool.nr_segments, inst->pool.usage.live_blocks,
			   inst->pool.usage.allocated, inst->pool.nr_block_structs,
			   inst->pool.mem_used);
		mutex_unlock(&inst->lock);
	}
	mutex_unlock(&memsim_instances_lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(instances);

/**
 * memsim_instances_debugfs_init() - create /sys/kernel/debug/memsim/instances
 *
 * Called once at load, after memsim_debugfs_init(); the file goes with the
 * directory in memsim_debugfs_exit().  Without debugfs it does nothing.
 */
void memsim_instances_debugfs_init(void)
{
	if (!memsim_debugfs_available())
		return;
	debugfs_create_file("instances", 0400, memsim_debugfs_dir(), NULL,
			    &instances_fops);
}
