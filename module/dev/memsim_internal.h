/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: declarations shared by the module's glue files
 *
 * Grouped by the file that defines them, from the bottom of the glue up
 * (see DOC: Overview in memsim_main.c for the order); the ioctl handlers
 * have their own header, memsim_ioctl.h.
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_INTERNAL_H
#define _MEMSIM_INTERNAL_H

#include <linux/list.h>
#include <linux/mutex.h>
#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/sizes.h>
#include <linux/string_helpers.h>
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

/* memsim_params.c: the bottom of the glue, read by every other file. */
extern struct memsim_limits memsim_limits;
extern struct memsim_budget memsim_budget;
extern umode_t memsim_dev_mode;
extern bool memsim_block_life;
void memsim_params_init(void);

struct dentry;
struct file;

/* memsim_uapi.c: the uapi's numbers and structures in the core's terms. */
bool memsim_reserved_set(const void *area, size_t len);
int memsim_strategy_from_uapi(u32 id, enum memsim_strategy *s);
u32 memsim_strategy_to_uapi(enum memsim_strategy s);
const char *memsim_strategy_uapi_name(u32 id);
u32 memsim_stream_from_uapi(u32 stream);
u32 memsim_stream_to_uapi(u32 stream);
int memsim_alloc_request(const struct memsim_alloc_arg *arg, struct memsim_request *req);
int memsim_result_write(void __user *uarg, const void *arg, size_t size);
int memsim_result_fault_in(void __user *uarg, size_t size, unsigned int try);

/* memsim_tlog.c: the operation trace ring. */
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

/* memsim_trace.c: the pool's observer. */
void memsim_trace_event(struct memsim_pool *pool, const struct memsim_event *ev);

/* memsim_debugfs.c, memsim_debugfs_trace.c: an instance's files. */
extern const struct file_operations memsim_trace_fops;
void memsim_debugfs_init(void);
struct dentry *memsim_debugfs_dir(void);
void memsim_debugfs_instance_add(struct memsim_instance *inst);
void memsim_debugfs_instance_remove(struct memsim_instance *inst);
void memsim_debugfs_exit(void);
bool memsim_debugfs_available(void);

/**
 * memsim_seq_name() - print a name a task chose, safe for a text table
 * @m: the seq_file.
 * @name: a task's comm, or anything else a user can set.
 *
 * A task can name itself with any byte but NUL: every byte that is not
 * printable ASCII (tab and newline among them) and the backslash are
 * printed as a backslash and three octal digits, so that no name can
 * forge a column or a row, and the escapes can be undone.  Inline, for
 * the instance list and the trace file alike, which sit on different
 * floors of the glue.
 */
static inline void memsim_seq_name(struct seq_file *m, const char *name)
{
	seq_escape_str(m, name, ESCAPE_OCTAL | ESCAPE_NAP | ESCAPE_APPEND, "\\");
}

/* memsim_instance.c: instances, their list and its debugfs view. */
struct memsim_instance *memsim_instance_create(void);
void memsim_instance_destroy(struct memsim_instance *inst);
void memsim_instances_debugfs_init(void);

/* memsim_ioctl_info.c (exported for KUnit), memsim_ioctl.c. */
int memsim_get_info(struct memsim_instance *inst, struct memsim_info *info);
long memsim_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

/* memsim_dev.c: the misc device. */
int memsim_dev_register(void);
void memsim_dev_unregister(void);

#endif /* _MEMSIM_INTERNAL_H */
