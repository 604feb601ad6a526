// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: requests - validation and the placement arithmetic
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Requests
 *
 * memsim_query_init() checks a request and turns it into the window
 * [lo, hi) every byte of the allocation must lie in, a power-of-two
 * alignment and the size the strategy will allocate (its
 * &memsim_strategy_ops.round hook: the buddy system rounds up).
 * memsim_place_in() is the one place that computes where such an
 * allocation goes inside a free range, bottom-up or top-down; every
 * strategy places through it, and so does memsim_find_safe_range().
 */

#include "memsim_core_priv.h"

#ifdef __KERNEL__
#include <linux/errno.h>
#else
#include <errno.h>
#endif

/**
 * memsim_place_in() - where an allocation fits inside a free range
 * @q: the query: size, alignment and window.
 * @start: first address of the range.
 * @end: its end (exclusive).
 * @topdown: place at the range's high end rather than its low end.
 * @place: set to the address found.
 *
 * The lowest (top-down: highest) address that is a multiple of the
 * alignment and leaves the whole allocation inside both the range and the
 * window.  Every sum is checked: windows can touch U64_MAX.
 *
 * Return: true if the allocation fits.
 */
bool memsim_place_in(const struct memsim_query *q, u64 start, u64 end,
		     bool topdown, u64 *place)
{
	u64 lo = start > q->lo ? start : q->lo;
	u64 hi = end < q->hi ? end : q->hi;
	u64 mask = q->align - 1, p;

	if (lo >= hi || hi - lo < q->size)
		return false;
	if (topdown) {
		p = (hi - q->size) & ~mask;
		if (p < lo)
			return false;
	} else {
		if (check_add_overflow(lo, mask, &p))
			return false;
		p &= ~mask;
		if (p > hi - q->size)
			return false;
	}
	*place = p;
	return true;
}

/**
 * memsim_query_init() - turn a request into a query
 * @pool: the pool, whose strategy decides the rounding.
 * @req: the request.
 * @q: the query to fill.
 *
 * Return: 0, or -EINVAL for a malformed request.
 */
int memsim_query_init(const struct memsim_pool *pool, const struct memsim_request *req,
		      struct memsim_query *q)
{
	u64 end;

	if (!req->size || (req->flags & ~MEMSIM_REQ_ALL))
		return -EINVAL;
	if (req->align && !is_power_of_2(req->align))
		return -EINVAL;

	q->size = req->size;
	q->align = req->align ? req->align : 1;
	q->lo = 0;
	q->hi = U64_MAX;
	q->topdown = req->flags & MEMSIM_REQ_TOPDOWN;
	q->fixed = req->flags & MEMSIM_REQ_FIXED;
	q->steps = 0;

	if (req->flags & MEMSIM_REQ_RANGE) {
		if (req->range_lo >= req->range_hi)
			return -EINVAL;
		q->lo = req->range_lo;
		q->hi = req->range_hi;
	}

	/* What the strategy allocates, before a fixed address is checked. */
	if (pool->ops->round) {
		int ret = pool->ops->round(pool, q);

		if (ret)
			return ret;
	}

	if (q->fixed) {
		if (req->addr & (q->align - 1))
			return -EINVAL;
		if (check_add_overflow(req->addr, q->size, &end))
			return -EINVAL;
		/* Exactly there: the window is the allocation itself. */
		if (req->addr > q->lo)
			q->lo = req->addr;
		if (end < q->hi)
			q->hi = end;
	}
	return 0;
}
