/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: declarations shared by the module's glue files
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_INTERNAL_H
#define _MEMSIM_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/sizes.h>
#include <linux/types.h>

#include <kunit/visibility.h>
#include <uapi/linux/memsim.h>

#include "memsim_core.h"

/**
 * struct memsim_tlog - an instance's operation trace, a ring of records
 * @recs: the ring, @capacity records; NULL while tracing is off.
 * @capacity: records the ring holds; 0 while tracing is off.
 * @flags: the MEMSIM_TRACE_* flags in force.
 * @slot: index in @recs of the record @head will get.
 * @first: sequence number of the first record this ring was given.
 * @head: sequence number of the next record.
 * @dropped: records overwritten, or discarded with a previous ring.
 * @charged: bytes of the ring charged to the instance's memory budget.
 *
 * The ring keeps the records [max(@first, @head - @capacity), @head).
 * Sequence numbers only grow, across rings, so a reader's cursor stays
 * meaningful whatever happens to the ring.
 */
struct memsim_tlog {
	struct memsim_trace_record *recs;
	u32 capacity;
	u32 flags;
	u32 slot;
	u64 first;
	u64 head;
	u64 dropped;
	u64 charged;
};

/**
 * struct memsim_instance - one simulated device, created by open()
 * @id: identifier reported by %MEMSIM_IOC_GET_INFO; increasing, never 0.
 * @tgid: thread group that opened the device.
 * @comm: command name of the opener, for the debugfs views.
 * @link: entry in the module-wide list of live instances, protected by
 *	the registry lock in memsim_instance.c.
 * @lock: serialises every operation on this instance; the allocator core
 *	does no locking of its own and relies on the caller holding it.
 * @pool: the simulated device's address space, under @lock.
 * @tlog: the operation trace, under @lock.
 * @call_label: while a call that passed a label runs (under @lock), that
 *	label, for the trace records the call makes; else NULL.
 * @debugfs: the instance's directory below /sys/kernel/debug/memsim/.
 */
struct memsim_instance {
	u64 id;
	pid_t tgid;
	char comm[TASK_COMM_LEN];
	struct list_head link;
	struct mutex lock; /* protects everything the instance holds */
	struct memsim_pool pool;
	struct memsim_tlog tlog;
	const char *call_label;
	struct dentry *debugfs;
};

/**
 * struct memsim_limits - module parameters in force for every instance
 * @max_segments: segments one instance may hold.
 * @max_blocks: live (allocated) blocks one instance may hold.
 * @max_batch: operations one BATCH call may carry.
 * @max_trace_records: records one instance's trace may hold.
 */
struct memsim_limits {
	u32 max_segments;
	u32 max_batch;
	u64 max_blocks;
	u32 max_trace_records;
};

/* The most max_trace_records may raise the capacity to: 144 MiB of ring. */
#define MEMSIM_TRACE_HARD_MAX	SZ_1M
/* The ranges of the other limits' module parameters. */
#define MEMSIM_MAX_SEGMENTS_LIMIT	65536
#define MEMSIM_MAX_BLOCKS_LIMIT		BIT_ULL(32)
#define MEMSIM_BATCH_HARD_MAX		65536

extern struct memsim_limits memsim_limits;
extern struct memsim_budget memsim_budget;
extern umode_t memsim_dev_mode;

struct dentry;
struct seq_file;

struct memsim_instance *memsim_instance_create(void);
void memsim_instance_destroy(struct memsim_instance *inst);
void memsim_instances_show(struct seq_file *m);

int memsim_get_info(struct memsim_instance *inst, struct memsim_info *info);
long memsim_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

bool memsim_reserved_set(const void *area, size_t len);
u32 memsim_strategy_to_uapi(enum memsim_strategy s);
const char *memsim_strategy_uapi_name(u32 id);
void memsim_usage_to_uapi(const struct memsim_usage *u, u64 largest,
			  struct memsim_usage_info *out);

long memsim_ioctl_get_summary(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_get_stats(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_get_stats_v1(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_get_segments(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_get_blocks(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_get_blocks_life(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_batch(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_simulate(struct memsim_instance *inst, void __user *uarg);

void memsim_trace_event(struct memsim_pool *pool, const struct memsim_event *ev);

u32 memsim_tlog_max_capacity(void);
u64 memsim_tlog_bytes(u32 capacity);
bool memsim_tlog_stacks_available(void);
int memsim_tlog_stacks_init(void);
u64 memsim_tlog_oldest(const struct memsim_tlog *t);
struct memsim_trace_record *memsim_tlog_append(struct memsim_tlog *t);
const struct memsim_trace_record *memsim_tlog_get(const struct memsim_tlog *t, u64 seq);
struct memsim_trace_record *memsim_tlog_swap(struct memsim_tlog *t,
					     struct memsim_trace_record *recs,
					     u32 capacity, u32 flags);
u32 memsim_tlog_copy(const struct memsim_tlog *t, u64 *cursor,
		     struct memsim_trace_record *dst, u32 max, u64 *lost);
void memsim_tlog_record(struct memsim_instance *inst, const struct memsim_event *ev);
const char *memsim_trace_op_name(u32 op);
void memsim_tlog_show_stack(struct seq_file *m, u32 handle);
extern const struct file_operations memsim_trace_fops;
long memsim_ioctl_trace_ctl(struct memsim_instance *inst, void __user *uarg);
long memsim_ioctl_trace_read(struct memsim_instance *inst, void __user *uarg);

int memsim_alloc_request(const struct memsim_alloc_arg *arg, struct memsim_request *req);
int memsim_do_alloc(struct memsim_instance *inst, const struct memsim_request *req,
		    struct memsim_result *res);

int memsim_dev_register(void);
void memsim_dev_unregister(void);

void memsim_seq_name(struct seq_file *m, const char *name);
void memsim_debugfs_init(void);
void memsim_debugfs_instance_add(struct memsim_instance *inst);
void memsim_debugfs_instance_remove(struct memsim_instance *inst);
void memsim_debugfs_exit(void);
bool memsim_debugfs_available(void);

#endif /* _MEMSIM_INTERNAL_H */
