/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: the ioctl handlers, as the dispatcher's table names them
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Every command has a handler, memsim_ioctl_NAME(), and most a check,
 * memsim_ioctl_NAME_check(); DOC: ioctl dispatch in memsim_ioctl.c says
 * what the dispatcher does around them.  A handler's @data is the kernel
 * copy of the command's structure, already checked; @uarg the caller's
 * structure, for the handlers that write their result themselves.  The
 * signatures are the table's, exactly: the calls are indirect, and with
 * CFI a cast function would not be called.
 */
#ifndef _MEMSIM_IOCTL_H
#define _MEMSIM_IOCTL_H

#include <linux/compiler_types.h>
#include <linux/types.h>

struct memsim_instance;

/* memsim_ioctl_segment.c: the strategy and the address space. */
int memsim_ioctl_set_strategy_check(const void *data);
long memsim_ioctl_set_strategy(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_create_segment_check(const void *data);
long memsim_ioctl_create_segment(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_release_segment_check(const void *data);
long memsim_ioctl_release_segment(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_check_overlap_check(const void *data);
long memsim_ioctl_check_overlap(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_find_safe_range_check(const void *data);
long memsim_ioctl_find_safe_range(struct memsim_instance *inst, void *data, void __user *uarg);

/* memsim_ioctl_alloc.c: blocks, one at a time. */
int memsim_ioctl_alloc_check(const void *data);
long memsim_ioctl_alloc(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_can_alloc_check(const void *data);
long memsim_ioctl_can_alloc(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_explain_alloc_check(const void *data);
long memsim_ioctl_explain_alloc(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_free_check(const void *data);
long memsim_ioctl_free(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_complete_free_check(const void *data);
long memsim_ioctl_complete_free(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_sync_stream_check(const void *data);
long memsim_ioctl_sync_stream(struct memsim_instance *inst, void *data, void __user *uarg);

/* memsim_ioctl_query.c: counters and listings. */
int memsim_ioctl_get_summary_check(const void *data);
long memsim_ioctl_get_summary(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_get_stats_check(const void *data);
long memsim_ioctl_get_stats(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_get_stats_v1_check(const void *data);
long memsim_ioctl_get_stats_v1(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_list_check(const void *data);
long memsim_ioctl_get_segments(struct memsim_instance *inst, void *data, void __user *uarg);
long memsim_ioctl_get_blocks(struct memsim_instance *inst, void *data, void __user *uarg);
long memsim_ioctl_get_blocks_life(struct memsim_instance *inst, void *data,
				  void __user *uarg);

/* memsim_ioctl_batch.c: many operations in one call. */
int memsim_ioctl_batch_check(const void *data);
long memsim_ioctl_batch(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_simulate_check(const void *data);
long memsim_ioctl_simulate(struct memsim_instance *inst, void *data, void __user *uarg);

/* memsim_ioctl_trace.c: the operation trace. */
int memsim_ioctl_trace_ctl_check(const void *data);
long memsim_ioctl_trace_ctl(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_trace_read_check(const void *data);
long memsim_ioctl_trace_read(struct memsim_instance *inst, void *data, void __user *uarg);

/* memsim_ioctl_info.c: the module, the instance as a whole. */
long memsim_ioctl_get_info(struct memsim_instance *inst, void *data, void __user *uarg);
int memsim_ioctl_reset_check(const void *data);
long memsim_ioctl_reset(struct memsim_instance *inst, void *data, void __user *uarg);

#endif /* _MEMSIM_IOCTL_H */
