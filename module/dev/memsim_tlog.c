// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the operation trace of an instance - a ring of records
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Operation trace
 *
 * Each instance can keep a trace of what happens to its pool: one
 * &struct memsim_trace_record per event of the allocator core (segment
 * creation and release, allocation, failed allocation, free request and
 * completion, split, merge, strategy change, reset), with who caused it
 * (pid, tgid, comm, the label the call passed) and, on request, the kernel
 * stack as a stackdepot handle, as drm_mm keeps one per node under
 * CONFIG_DRM_DEBUG_MM.
 *
 * The records go into a ring of fixed capacity, allocated when the trace is
 * switched on (%MEMSIM_IOC_TRACE_CTL) and freed when it is switched off.  A
 * full ring overwrites its oldest record and counts it as dropped: the
 * allocator never waits for a reader.  Records are numbered from 0 for the
 * instance's life, across rings, so readers follow the trace with cursors
 * of their own (%MEMSIM_IOC_TRACE_READ, the debugfs trace file) and learn
 * exactly how many records they missed.
 *
 * The ring functions below are pure data-structure code: the caller holds
 * the instance lock.  The records are the uapi structure itself, so a read
 * is a copy.
 */

#include <linux/sched.h>
#include <linux/seq_file.h>
#include <linux/slab.h>
#include <linux/stackdepot.h>
#include <linux/stacktrace.h>
#include <linux/string.h>
#include <linux/timekeeping.h>

#include "memsim_internal.h"

/* Frames kept per stack: enough to reach the system call from the core. */
#define MEMSIM_STACK_DEPTH	16

#if IS_ENABLED(CONFIG_STACKDEPOT) && IS_ENABLED(CONFIG_STACKTRACE)
static bool memsim_stacks;

/**
 * memsim_tlog_stacks_init() - get stackdepot ready, if the kernel has it
 *
 * Return: 0.  Without stackdepot the trace works without stacks and
 * %MEMSIM_TRACE_STACK is refused.
 */
int memsim_tlog_stacks_init(void)
{
	memsim_stacks = !stack_depot_init();
	return 0;
}

static u32 memsim_tlog_stack(void)
{
	unsigned long entries[MEMSIM_STACK_DEPTH];
	unsigned int n;

	n = stack_trace_save(entries, ARRAY_SIZE(entries), 0);
	return stack_depot_save(entries, n, GFP_KERNEL | __GFP_NOWARN);
}

/**
 * memsim_tlog_show_stack() - print a record's stack, outermost frame first
 * @m: the seq_file.
 * @handle: the record's stack_id.
 *
 * Frames are joined by ';', in the "folded stacks" order that flame graph
 * tools read; "-" for no stack.
 */
void memsim_tlog_show_stack(struct seq_file *m, u32 handle)
{
	unsigned long *entries;
	unsigned int n;

	n = handle ? stack_depot_fetch(handle, &entries) : 0;
	if (!n) {
		seq_putc(m, '-');
		return;
	}
	while (n--)
		seq_printf(m, "%ps%s", (void *)entries[n], n ? ";" : "");
}
#else
static const bool memsim_stacks;

int memsim_tlog_stacks_init(void)
{
	return 0;
}

static u32 memsim_tlog_stack(void)
{
	return 0;
}

void memsim_tlog_show_stack(struct seq_file *m, u32 handle)
{
	seq_putc(m, '-');
}
#endif

/**
 * memsim_tlog_stacks_available() - whether records can carry stacks
 *
 * Return: true if stackdepot is built in and initialised.
 */
bool memsim_tlog_stacks_available(void)
{
	return memsim_stacks;
}

/**
 * memsim_tlog_max_capacity() - the largest ring %MEMSIM_IOC_TRACE_CTL takes
 *
 * Return: the module parameter max_trace_records (1 to
 * %MEMSIM_TRACE_HARD_MAX, checked when it is set).
 */
u32 memsim_tlog_max_capacity(void)
{
	return READ_ONCE(memsim_limits.max_trace_records);
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_max_capacity);

/**
 * memsim_tlog_oldest() - sequence number of the oldest record kept
 * @t: the trace.
 *
 * Return: that number; @t->head when the ring is empty or tracing is off.
 */
u64 memsim_tlog_oldest(const struct memsim_tlog *t)
{
	if (t->head - t->first > t->capacity)
		return t->head - t->capacity;
	return t->first;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_oldest);

/**
 * memsim_tlog_append() - make room for the next record
 * @t: the trace.
 *
 * Overwrites the oldest record when the ring is full, counting it dropped.
 *
 * Return: the zeroed record, its @seq set; NULL while tracing is off.
 */
struct memsim_trace_record *memsim_tlog_append(struct memsim_tlog *t)
{
	struct memsim_trace_record *rec;

	if (!t->capacity)
		return NULL;
	if (t->head - t->first >= t->capacity)
		t->dropped++;
	rec = &t->recs[t->slot];
	memset(rec, 0, sizeof(*rec));
	rec->seq = t->head++;
	if (++t->slot == t->capacity)
		t->slot = 0;
	return rec;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_append);

/**
 * memsim_tlog_get() - the record with a given sequence number
 * @t: the trace.
 * @seq: its number.
 *
 * Return: the record, valid until the next change to @t; NULL if it is not
 * in the ring (overwritten, discarded, or not written yet).
 */
const struct memsim_trace_record *memsim_tlog_get(const struct memsim_tlog *t, u64 seq)
{
	u32 back;

	if (seq < memsim_tlog_oldest(t) || seq >= t->head)
		return NULL;
	/* head - seq is in [1, capacity]: the slot is that far behind. */
	back = t->head - seq;
	return &t->recs[(t->slot + t->capacity - back) % t->capacity];
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_get);

/**
 * memsim_tlog_swap() - install a new, empty ring (or none)
 * @t: the trace.
 * @recs: the new ring of @capacity records, or NULL to stop tracing.
 * @capacity: its size; 0 with a NULL @recs.
 * @flags: the MEMSIM_TRACE_* flags in force from now on.
 *
 * The records of the old ring are discarded and counted as dropped; the
 * sequence numbers carry on.
 *
 * Return: the old ring, for the caller to free once it drops the lock.
 */
struct memsim_trace_record *memsim_tlog_swap(struct memsim_tlog *t,
					     struct memsim_trace_record *recs,
					     u32 capacity, u32 flags)
{
	struct memsim_trace_record *old = t->recs;

	t->dropped += t->head - memsim_tlog_oldest(t);
	t->recs = recs;
	t->capacity = capacity;
	t->flags = flags;
	t->slot = 0;
	t->first = t->head;
	return old;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_swap);

/**
 * memsim_tlog_copy() - copy records from a cursor on
 * @t: the trace.
 * @cursor: in: the first sequence number wanted, at most @t->head; out: one
 *	past the last record copied, or the oldest kept if none was.
 * @dst: where to copy.
 * @max: records @dst holds.
 * @lost: set to the records between the cursor passed in and the first
 *	one copied that the ring no longer holds.
 *
 * Return: the number of records copied.
 */
u32 memsim_tlog_copy(const struct memsim_tlog *t, u64 *cursor,
		     struct memsim_trace_record *dst, u32 max, u64 *lost)
{
	u64 oldest = memsim_tlog_oldest(t), seq = max(*cursor, oldest);
	u32 n = min_t(u64, max, t->head - seq), i;

	*lost = seq - *cursor;
	for (i = 0; i < n; i++)
		dst[i] = *memsim_tlog_get(t, seq + i);
	*cursor = seq + n;
	return n;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_copy);

/**
 * memsim_trace_op_name() - name of a trace operation, for text output
 * @op: an &enum memsim_trace_op.
 *
 * Return: its name, as in the debugfs trace file, or "?".
 */
const char *memsim_trace_op_name(u32 op)
{
	static const char * const names[MEMSIM_TRACE_OP_COUNT] = {
		[MEMSIM_TRACE_SEGMENT_CREATE] = "segment_create",
		[MEMSIM_TRACE_SEGMENT_RELEASE] = "segment_release",
		[MEMSIM_TRACE_ALLOC] = "alloc",
		[MEMSIM_TRACE_ALLOC_FAIL] = "alloc_fail",
		[MEMSIM_TRACE_FREE_REQUEST] = "free_request",
		[MEMSIM_TRACE_FREE_COMPLETE] = "free_complete",
		[MEMSIM_TRACE_SPLIT] = "split",
		[MEMSIM_TRACE_COALESCE] = "coalesce",
		[MEMSIM_TRACE_BUDDY_SPLIT] = "buddy_split",
		[MEMSIM_TRACE_BUDDY_MERGE] = "buddy_merge",
		[MEMSIM_TRACE_STRATEGY] = "strategy",
		[MEMSIM_TRACE_RESET] = "reset",
	};

	return op < MEMSIM_TRACE_OP_COUNT ? names[op] : "?";
}
EXPORT_SYMBOL_IF_KUNIT(memsim_trace_op_name);

static u32 memsim_trace_op_of(const struct memsim_event *ev)
{
	bool buddy = ev->strategy == MEMSIM_BUDDY;

	switch (ev->type) {
	case MEMSIM_EV_SEGMENT_CREATE:
		return MEMSIM_TRACE_SEGMENT_CREATE;
	case MEMSIM_EV_SEGMENT_RELEASE:
		return MEMSIM_TRACE_SEGMENT_RELEASE;
	case MEMSIM_EV_ALLOC:
		return MEMSIM_TRACE_ALLOC;
	case MEMSIM_EV_ALLOC_FAIL:
		return MEMSIM_TRACE_ALLOC_FAIL;
	case MEMSIM_EV_FREE_REQUEST:
		return MEMSIM_TRACE_FREE_REQUEST;
	case MEMSIM_EV_FREE_COMPLETE:
		return MEMSIM_TRACE_FREE_COMPLETE;
	case MEMSIM_EV_SPLIT:
		return buddy ? MEMSIM_TRACE_BUDDY_SPLIT : MEMSIM_TRACE_SPLIT;
	case MEMSIM_EV_COALESCE:
		return buddy ? MEMSIM_TRACE_BUDDY_MERGE : MEMSIM_TRACE_COALESCE;
	case MEMSIM_EV_STRATEGY:
		return MEMSIM_TRACE_STRATEGY;
	default:
		return MEMSIM_TRACE_RESET;
	}
}

/* The core's flags of an event in the uapi's terms of its operation. */
static u32 memsim_trace_flags_of(const struct memsim_event *ev)
{
	u32 flags = 0;

	switch (ev->type) {
	case MEMSIM_EV_ALLOC:
	case MEMSIM_EV_ALLOC_FAIL:
		if (ev->flags & MEMSIM_REQ_TOPDOWN)
			flags |= MEMSIM_ALLOC_TOPDOWN;
		if (ev->flags & MEMSIM_REQ_RANGE)
			flags |= MEMSIM_ALLOC_RANGE;
		if (ev->flags & MEMSIM_REQ_FIXED)
			flags |= MEMSIM_ALLOC_FIXED;
		if (ev->req_stream == MEMSIM_STREAM_ANY)
			flags |= MEMSIM_TRACE_ANY_STREAM;
		break;
	case MEMSIM_EV_FREE_REQUEST:
	case MEMSIM_EV_FREE_COMPLETE:
		if (ev->flags & MEMSIM_FREE_DEFERRED)
			flags |= MEMSIM_FREE_DEFER;
		break;
	case MEMSIM_EV_RESET:
		if (ev->flags & MEMSIM_RESET_KEEP)
			flags |= MEMSIM_RESET_KEEP_SEGMENTS;
		break;
	default:
		break;
	}
	return flags;
}

/**
 * memsim_tlog_record() - append the record of one event to the trace
 * @inst: the instance; its lock is held.
 * @ev: the event, from the allocator core.
 *
 * Does nothing while tracing is off.  The caller's identity is the current
 * task's, the label the one of the call in progress.
 */
void memsim_tlog_record(struct memsim_instance *inst, const struct memsim_event *ev)
{
	struct memsim_trace_record *rec;

	lockdep_assert_held(&inst->lock);
	rec = memsim_tlog_append(&inst->tlog);
	if (!rec)
		return;
	rec->ts_ns = ktime_get_ns();
	rec->op = memsim_trace_op_of(ev);
	rec->strategy = memsim_strategy_to_uapi(ev->strategy);
	rec->stream = memsim_stream_to_uapi(ev->stream);
	rec->flags = memsim_trace_flags_of(ev);
	rec->addr = ev->addr;
	rec->size = ev->size;
	rec->requested = ev->requested;
	rec->align = ev->align;
	rec->segment_id = ev->segment_id;
	rec->tag = ev->tag;
	if (ev->type == MEMSIM_EV_ALLOC_FAIL)
		rec->error = -ENOSPC;
	rec->pid = task_pid_nr(current);
	rec->tgid = task_tgid_nr(current);
	get_task_comm(rec->comm, current);
	if (inst->call_label)
		strscpy(rec->label, inst->call_label, sizeof(rec->label));
	if (inst->tlog.flags & MEMSIM_TRACE_STACK)
		rec->stack_id = memsim_tlog_stack();
}
EXPORT_SYMBOL_IF_KUNIT(memsim_tlog_record);
