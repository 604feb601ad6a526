// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: why a call failed, in memsim's words
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See why.h.  The rules are those of include/uapi/linux/memsim.h, in the
 * order the kernel checks them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "why.h"

#define MEMSIM_ANY	0xffffffffU

static int is_pow2(__u64 v)
{
	return v && !(v & (v - 1));
}

/* The smallest power of two >= @v (0 if over 2^63). */
static __u64 roundup_pow2(__u64 v)
{
	__u64 p = 1;

	while (p < v) {
		if (p > (UINT64_MAX >> 1))
			return 0;
		p <<= 1;
	}
	return p;
}

/* The first byte of @label that the kernel refuses, or -1. */
static int bad_label_byte(const char *label)
{
	const unsigned char *p;

	for (p = (const unsigned char *)label; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			return *p;
	return -1;
}

/**
 * why_alloc() - why ALLOC or CAN_ALLOC refused a request
 * @buf: where to write.
 * @len: its size.
 * @err: the negative errno.
 * @a: the request.
 * @label: the label it carried, or NULL.
 * @buddy_min: the buddy system's minimum block if it is in force, else 0.
 *
 * Return: @buf, or NULL if the errno says it all (ENOSPC among them).
 */
const char *why_alloc(char *buf, size_t len, int err,
		      const struct memsim_alloc_arg *a, const char *label,
		      __u64 buddy_min)
{
	int c = label ? bad_label_byte(label) : -1;
	__u64 block;

	if (err == -ENAMETOOLONG && label) {
		snprintf(buf, len, "label=%.40s%s: %zu characters, at most %d",
			 label, strlen(label) > 40 ? "..." : "", strlen(label),
			 MEMSIM_LABEL_MAX - 1);
		return buf;
	}
	if (err != -EINVAL)
		return NULL;
	if (!a->size) {
		snprintf(buf, len, "size 0: must be at least 1");
	} else if (a->align && !is_pow2(a->align)) {
		snprintf(buf, len, "align=%llu: not a power of two",
			 (unsigned long long)a->align);
	} else if (a->flags & ~MEMSIM_ALLOC_FLAGS) {
		snprintf(buf, len, "flags: unknown bits 0x%x (known: 0x1 topdown, 0x2 range=, 0x4 fixed=)",
			 a->flags & ~MEMSIM_ALLOC_FLAGS);
	} else if ((a->flags & MEMSIM_ALLOC_RANGE) && a->range_lo >= a->range_hi) {
		snprintf(buf, len, "range=0x%llx:0x%llx: empty (LO must be below HI)",
			 (unsigned long long)a->range_lo, (unsigned long long)a->range_hi);
	} else if ((a->flags & MEMSIM_ALLOC_FIXED) && a->align &&
		   a->fixed_addr % a->align) {
		snprintf(buf, len, "fixed=0x%llx: not a multiple of align=%llu",
			 (unsigned long long)a->fixed_addr, (unsigned long long)a->align);
	} else if ((a->flags & MEMSIM_ALLOC_FIXED) &&
		   a->fixed_addr > UINT64_MAX - (a->size - 1)) {
		snprintf(buf, len, "fixed=0x%llx: a block of %llu bytes there would end past 2^64 - 1",
			 (unsigned long long)a->fixed_addr, (unsigned long long)a->size);
	} else if ((a->flags & MEMSIM_ALLOC_FIXED) && buddy_min) {
		block = roundup_pow2(a->size);
		if (block && block < buddy_min)
			block = buddy_min;
		if (block && block < a->align)
			block = a->align;
		if (!block)
			snprintf(buf, len, "size %llu: over 2^63, the buddy system cannot place it at a fixed address",
				 (unsigned long long)a->size);
		else if (a->fixed_addr % block ||
			 a->fixed_addr > UINT64_MAX - (block - 1))
			snprintf(buf, len, "fixed=0x%llx: the buddy system places a block of %llu bytes (the size rounded up to a power of two) at a multiple of its size",
				 (unsigned long long)a->fixed_addr, (unsigned long long)block);
		else
			return NULL;
	} else if (c >= 0) {
		snprintf(buf, len, "label: byte 0x%02x is not printable ASCII", c);
	} else {
		return NULL;
	}
	return buf;
}

/**
 * why_free() - why FREE or COMPLETE_FREE refused an address
 * @buf: where to write.
 * @len: its size.
 * @complete: 1 for COMPLETE_FREE.
 * @err: the negative errno.
 * @addr: the address.
 * @size: FREE's expected size (0 for none).
 * @flags: FREE's flags.
 * @blk: the block that holds @addr, if @looked found one.
 * @looked: 1 if the blocks were looked at (@blk NULL: no segment holds
 *	@addr), 0 if not.
 *
 * Return: @buf, or NULL.
 */
const char *why_free(char *buf, size_t len, int complete, int err, __u64 addr,
		     __u64 size, __u32 flags, const struct memsim_block_info *blk,
		     int looked)
{
	unsigned long long a = addr;

	switch (-err) {
	case ENOENT:
		if (looked && !blk)
			snprintf(buf, len, "no allocated block at 0x%llx: no segment holds that address",
				 a);
		else if (looked && blk->state == MEMSIM_STATE_FREE)
			snprintf(buf, len, "no allocated block at 0x%llx: it is free (never allocated, or already freed)",
				 a);
		else if (looked && blk->addr != addr)
			snprintf(buf, len, "no allocated block at 0x%llx: it is inside the block at 0x%llx (%llu bytes)",
				 a, (unsigned long long)blk->addr,
				 (unsigned long long)blk->size);
		else
			snprintf(buf, len, "no allocated block at 0x%llx", a);
		return buf;
	case EBUSY:
		if (complete)
			return NULL;
		snprintf(buf, len, "block at 0x%llx is already waiting for its free to complete (complete it, or sync its stream)",
			 a);
		return buf;
	case EINVAL:
		if (complete) {
			snprintf(buf, len, "block at 0x%llx is not waiting for its free: its free was not requested (free it with defer first)",
				 a);
		} else if (flags & ~MEMSIM_FREE_DEFER) {
			snprintf(buf, len, "flags: unknown bits 0x%x (known: 0x1 defer)",
				 flags & ~MEMSIM_FREE_DEFER);
		} else if (size && looked && blk && blk->addr == addr) {
			snprintf(buf, len, "size=%llu: the block at 0x%llx has %llu bytes, %llu requested (give either, or no size)",
				 (unsigned long long)size, a, (unsigned long long)blk->size,
				 (unsigned long long)blk->requested);
		} else if (size) {
			snprintf(buf, len, "size=%llu: not the size of the block at 0x%llx (its requested or actual size)",
				 (unsigned long long)size, a);
		} else {
			return NULL;
		}
		return buf;
	default:
		return NULL;
	}
}

/**
 * why_segment() - why CREATE_SEGMENT refused a segment
 * @buf: where to write.
 * @len: its size.
 * @err: the negative errno.
 * @start: the segment's start.
 * @size: its size.
 * @stream: its stream.
 * @ids: for EEXIST, the segments it overlaps (CHECK_OVERLAP), or NULL.
 * @nr: entries of @ids.
 *
 * Return: @buf, or NULL.
 */
const char *why_segment(char *buf, size_t len, int err, __u64 start,
			__u64 size, __u32 stream, const __u64 *ids, __u32 nr)
{
	size_t n;
	__u32 i;

	if (err == -EINVAL) {
		if (!size)
			snprintf(buf, len, "size 0: must be at least 1");
		else if (start > UINT64_MAX - (size - 1))
			snprintf(buf, len, "[0x%llx, +%llu) wraps past 2^64 - 1",
				 (unsigned long long)start, (unsigned long long)size);
		else if (stream == MEMSIM_ANY)
			snprintf(buf, len, "stream=any: a segment belongs to one stream");
		else
			return NULL;
		return buf;
	}
	if (err != -EEXIST)
		return NULL;
	n = snprintf(buf, len, "[0x%llx, 0x%llx) overlaps ", (unsigned long long)start,
		     (unsigned long long)(start + size));
	if (!ids || !nr) {
		snprintf(buf + n, len - n, "an existing segment");
		return buf;
	}
	for (i = 0; i < nr && n < len; i++)
		n += snprintf(buf + n, len - n, "%s%llu", i ? ", " : nr > 1 ? "segments " :
			      "segment ", (unsigned long long)ids[i]);
	return buf;
}

const char *why_release(char *buf, size_t len, int err, __u64 id)
{
	if (err == -ENOENT)
		snprintf(buf, len, "no segment %llu", (unsigned long long)id);
	else if (err == -EBUSY)
		snprintf(buf, len, "segment %llu has allocated blocks (or frees waiting to complete)",
			 (unsigned long long)id);
	else
		return NULL;
	return buf;
}

const char *why_sync(char *buf, size_t len, int err, __u32 stream)
{
	if (err != -ENOENT)
		return NULL;
	snprintf(buf, len, "stream %u has no segment", stream);
	return buf;
}

/**
 * why_strategy() - why SET_STRATEGY refused
 * @buf: where to write.
 * @len: its size.
 * @err: the negative errno.
 * @strategy: the strategy asked for.
 * @min: the minimum block given (0 for none).
 * @busy_blocks: blocks allocated or waiting for their free, if known.
 * @from: the strategy in force, if known (else -1).
 *
 * Return: @buf, or NULL.
 */
const char *why_strategy(char *buf, size_t len, int err, int strategy,
			 __u64 min, __u64 busy_blocks, int from)
{
	if (err == -EINVAL && min && strategy == MEMSIM_STRATEGY_TLSF)
		snprintf(buf, len, "classes=%llu: TLSF has 16 or 32 classes per level",
			 (unsigned long long)min);
	else if (err == -EINVAL && min && strategy != MEMSIM_STRATEGY_BUDDY)
		snprintf(buf, len, "min=%llu: only the buddy system has a minimum block",
			 (unsigned long long)min);
	else if (err == -EINVAL && min && !is_pow2(min))
		snprintf(buf, len, "min=%llu: not a power of two", (unsigned long long)min);
	else if (err == -EBUSY)
		snprintf(buf, len, from == MEMSIM_STRATEGY_TLSF || strategy == MEMSIM_STRATEGY_TLSF ?
			 "entering or leaving TLSF (or changing its classes) needs nothing allocated: %llu %s" :
			 "entering or leaving the buddy system (or changing its minimum block) needs nothing allocated: %llu %s",
			 (unsigned long long)busy_blocks, busy_blocks == 1 ?
			 "block is allocated or waiting for its free" :
			 "blocks are allocated or waiting for their free");
	else
		return NULL;
	return buf;
}

const char *why_safe_range(char *buf, size_t len, int err, __u64 size,
			   __u64 align, __u64 min, __u64 max)
{
	if (err == -EINVAL && !size)
		snprintf(buf, len, "size 0: must be at least 1");
	else if (err == -EINVAL && align && !is_pow2(align))
		snprintf(buf, len, "align=%llu: not a power of two", (unsigned long long)align);
	else if (err == -EINVAL && min >= max)
		snprintf(buf, len, "min=0x%llx max=0x%llx: empty (min must be below max)",
			 (unsigned long long)min, (unsigned long long)max);
	else if (err == -ENOSPC)
		snprintf(buf, len, "no gap of %llu bytes between the segments in [0x%llx, 0x%llx)",
			 (unsigned long long)size, (unsigned long long)min,
			 (unsigned long long)max);
	else
		return NULL;
	return buf;
}

const char *why_simulate(char *buf, size_t len, int err,
			 const struct memsim_simulate_arg *a)
{
	if (err != -EINVAL)
		return NULL;
	if (!a->nr_ops)
		snprintf(buf, len, "ops=0: must be at least 1");
	else if (!a->min_size)
		snprintf(buf, len, "min=0: must be at least 1");
	else if (a->max_size < a->min_size)
		snprintf(buf, len, "max=%llu: below min=%llu",
			 (unsigned long long)a->max_size, (unsigned long long)a->min_size);
	else
		return NULL;
	return buf;
}

/**
 * why_trace() - why "trace on" failed
 * @buf: where to write.
 * @len: its size.
 * @err: the negative errno.
 * @capacity: the capacity asked for.
 * @max_capacity: the module's max_trace_records, 0 if unknown.
 * @stack: 1 if kernel stacks were asked for.
 *
 * Return: @buf, or NULL.
 */
const char *why_trace(char *buf, size_t len, int err, __u32 capacity,
		      __u32 max_capacity, int stack)
{
	if (err == -EINVAL && !capacity)
		snprintf(buf, len, "capacity 0: must be at least 1");
	else if (err == -EINVAL && max_capacity && capacity > max_capacity)
		snprintf(buf, len, "capacity %u: over the module's max_trace_records (%u)",
			 capacity, max_capacity);
	else if (err == -EOPNOTSUPP && stack)
		snprintf(buf, len, "stack: this kernel cannot record stacks (no stackdepot)");
	else
		return NULL;
	return buf;
}
