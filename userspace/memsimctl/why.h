/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: why a call failed, in memsim's words
 *
 * Copyright (C) 2026 The memsim authors
 *
 * From the errno of a call, its arguments and (where it helps) what the
 * instance holds, the reason Documentation/uapi.rst's errno table gives,
 * naming the argument at fault: "size 0: must be at least 1",
 * "align=3000: not a power of two", "no allocated block at 0x1000".
 * Each function writes into @buf and returns it, or returns NULL when it
 * cannot tell more than the errno does.  Pure code: no device, no output.
 */
#ifndef _MEMSIMCTL_WHY_H
#define _MEMSIMCTL_WHY_H

#include <stddef.h>

#include <linux/memsim.h>

const char *why_alloc(char *buf, size_t len, int err,
		      const struct memsim_alloc_arg *a, const char *label,
		      __u64 buddy_min);
const char *why_free(char *buf, size_t len, int complete, int err, __u64 addr,
		     __u64 size, __u32 flags, const struct memsim_block_info *blk,
		     int looked);
const char *why_segment(char *buf, size_t len, int err, __u64 start,
			__u64 size, __u32 stream, const __u64 *ids, __u32 nr);
const char *why_release(char *buf, size_t len, int err, __u64 id);
const char *why_sync(char *buf, size_t len, int err, __u32 stream);
const char *why_strategy(char *buf, size_t len, int err, int strategy,
			 __u64 min, __u64 busy_blocks, int from);
const char *why_safe_range(char *buf, size_t len, int err, __u64 size,
			   __u64 align, __u64 min, __u64 max);
const char *why_simulate(char *buf, size_t len, int err,
			 const struct memsim_simulate_arg *a);
const char *why_trace(char *buf, size_t len, int err, __u32 capacity,
		      __u32 max_capacity, int stack);

#endif /* _MEMSIMCTL_WHY_H */
