// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the uapi's numbers and structures in the allocator core's terms
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: uapi translation
 *
 * The allocator core has numbers of its own (strategies, the "any stream"
 * value, request flags) and knows nothing of the ABI; the uapi header's
 * numbers are a contract that must never change.  This file is where one
 * becomes the other, for every glue file that needs it: the ioctl handlers,
 * the operation trace and the debugfs trace file.  It sits just above the
 * parameters, below everything else of the glue, and calls only the core.
 *
 * The strategy numbers are translated by one table, indexed by the uapi
 * number (memsim_strategy_map[]): a new strategy is one line there, and the
 * build fails until the line is there, whichever side got the strategy
 * first.
 *
 * It also holds the two helpers of the commands whose result is the
 * caller's only handle on what they make (ALLOC, CREATE_SEGMENT): the
 * result is written with page faults disabled while the instance lock is
 * held (memsim_result_write()), and a missing page is faulted in after the
 * lock is dropped (memsim_result_fault_in()), see DOC: ioctl dispatch.
 */

#include <linux/pagemap.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"

/**
 * memsim_reserved_set() - whether any byte of a reserved area is set
 * @area: the area.
 * @len: its size.
 *
 * Return: true if a byte is not zero.
 */
bool memsim_reserved_set(const void *area, size_t len)
{
	return memchr_inv(area, 0, len);
}

/* The core's strategy of each uapi number; the reverse is a scan of it. */
static const enum memsim_strategy memsim_strategy_map[] = {
	[MEMSIM_STRATEGY_FIRST_FIT] = MEMSIM_FIRST_FIT,
	[MEMSIM_STRATEGY_BEST_FIT] = MEMSIM_BEST_FIT,
	[MEMSIM_STRATEGY_WORST_FIT] = MEMSIM_WORST_FIT,
	[MEMSIM_STRATEGY_NEXT_FIT] = MEMSIM_NEXT_FIT,
	[MEMSIM_STRATEGY_BUDDY] = MEMSIM_BUDDY,
	[MEMSIM_STRATEGY_TLSF] = MEMSIM_TLSF,
};

/* Every uapi number has a strategy, every strategy a uapi number. */
static_assert(ARRAY_SIZE(memsim_strategy_map) == MEMSIM_STRATEGY_COUNT);
static_assert(ARRAY_SIZE(memsim_strategy_map) == MEMSIM_NR_STRATEGIES);

/**
 * memsim_strategy_from_uapi() - the core strategy of an ABI strategy number
 * @id: a MEMSIM_STRATEGY_* value, from userspace.
 * @s: set to the core's strategy on success.
 *
 * Return: 0, or -EINVAL for a number the ABI does not define.
 */
int memsim_strategy_from_uapi(u32 id, enum memsim_strategy *s)
{
	if (id >= ARRAY_SIZE(memsim_strategy_map))
		return -EINVAL;
	*s = memsim_strategy_map[id];
	return 0;
}

/**
 * memsim_strategy_to_uapi() - the ABI number of a core strategy
 * @s: the core's strategy.
 *
 * Return: the matching MEMSIM_STRATEGY_* value.
 */
u32 memsim_strategy_to_uapi(enum memsim_strategy s)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(memsim_strategy_map); i++)
		if (memsim_strategy_map[i] == s)
			return i;
	/* Not reached: the static_asserts above make the map complete. */
	return MEMSIM_STRATEGY_FIRST_FIT;
}

/**
 * memsim_strategy_uapi_name() - short name of an ABI strategy number
 * @id: a MEMSIM_STRATEGY_* value.
 *
 * Return: the name memsim_strategy_name() gives it, or "?".
 */
const char *memsim_strategy_uapi_name(u32 id)
{
	enum memsim_strategy s;

	if (memsim_strategy_from_uapi(id, &s))
		return "?";
	return memsim_strategy_name(s);
}

/**
 * memsim_stream_from_uapi() - the core's stream number of an ABI one
 * @stream: a stream number, or %MEMSIM_STREAM_ANY_ID for any stream.
 *
 * Return: @stream, or the core's %MEMSIM_STREAM_ANY.
 */
u32 memsim_stream_from_uapi(u32 stream)
{
	return stream == MEMSIM_STREAM_ANY_ID ? MEMSIM_STREAM_ANY : stream;
}

/**
 * memsim_stream_to_uapi() - the ABI's stream number of a core one
 * @stream: a stream number, or the core's %MEMSIM_STREAM_ANY.
 *
 * Return: @stream, or %MEMSIM_STREAM_ANY_ID.
 */
u32 memsim_stream_to_uapi(u32 stream)
{
	return stream == MEMSIM_STREAM_ANY ? MEMSIM_STREAM_ANY_ID : stream;
}

/**
 * memsim_alloc_request() - translate an ALLOC argument into a core request
 * @arg: the argument, as copied from userspace.
 * @req: the request to fill.
 *
 * The label is not looked at: the caller copies it in.  The request's owner
 * is the calling thread group.  ALLOC, CAN_ALLOC, EXPLAIN_ALLOC and the
 * allocations of a BATCH all come through here, so they reject the same
 * arguments.
 *
 * Return: 0, or -EINVAL for an unknown flag, a non-zero pad or reserved
 * field, or a range or fixed address given without its flag.
 */
int memsim_alloc_request(const struct memsim_alloc_arg *arg, struct memsim_request *req)
{
	if (arg->flags & ~MEMSIM_ALLOC_FLAGS)
		return -EINVAL;
	if (arg->pad || arg->reserved)
		return -EINVAL;
	/* Fields of an option not asked for must be zero, not ignored. */
	if (!(arg->flags & MEMSIM_ALLOC_RANGE) && (arg->range_lo || arg->range_hi))
		return -EINVAL;
	if (!(arg->flags & MEMSIM_ALLOC_FIXED) && arg->fixed_addr)
		return -EINVAL;

	memset(req, 0, sizeof(*req));
	req->size = arg->size;
	req->align = arg->align;
	req->range_lo = arg->range_lo;
	req->range_hi = arg->range_hi;
	req->addr = arg->fixed_addr;
	req->stream = memsim_stream_from_uapi(arg->stream);
	req->tag = arg->tag;
	req->owner = task_tgid_nr(current);
	if (arg->flags & MEMSIM_ALLOC_TOPDOWN)
		req->flags |= MEMSIM_REQ_TOPDOWN;
	if (arg->flags & MEMSIM_ALLOC_RANGE)
		req->flags |= MEMSIM_REQ_RANGE;
	if (arg->flags & MEMSIM_ALLOC_FIXED)
		req->flags |= MEMSIM_REQ_FIXED;
	return 0;
}

/**
 * memsim_result_write() - write a result while the instance lock is held
 * @uarg: the caller's structure.
 * @arg: the result, @size bytes.
 * @size: its size.
 *
 * Between preparing a change and committing it, with page faults
 * disabled, so that the lock is never held across a fault, which could
 * sleep on the caller's memory for as long as the caller likes
 * (userfaultfd).  When the page is not there, the caller drops the
 * prepared change and the lock, faults the page in with
 * memsim_result_fault_in() and starts again; a caller whose buffer is
 * really not writable gets -EFAULT from there, with nothing changed.
 *
 * Return: 0, or -EFAULT if the page was not there.
 */
int memsim_result_write(void __user *uarg, const void *arg, size_t size)
{
	return copy_to_user_nofault(uarg, arg, size) ? -EFAULT : 0;
}

/* Tries of the prepare, write, commit loop before giving up with -EFAULT. */
#define MEMSIM_RESULT_TRIES	8

/**
 * memsim_result_fault_in() - make a result's page present, or give up
 * @uarg: the caller's structure.
 * @size: its size.
 * @try: how many times the caller's loop failed to write it so far, from 0.
 *
 * Called without the instance lock, after memsim_result_write() failed.
 * The number of tries is bounded: a page that keeps going away (another
 * thread unmapping it) ends the call with -EFAULT.
 *
 * Return: 0 to try again, or -EFAULT.
 */
int memsim_result_fault_in(void __user *uarg, size_t size, unsigned int try)
{
	if (try + 1 >= MEMSIM_RESULT_TRIES)
		return -EFAULT;
	return fault_in_writeable(uarg, size) ? -EFAULT : 0;
}
