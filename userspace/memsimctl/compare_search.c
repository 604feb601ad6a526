// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl compare: the pure parts, the search of --min-capacity and the
 * formatting of figures
 *
 * Copyright (C) 2026 The memsim authors
 *
 * No device, no output: tested on the host by
 * selftests/memsimctl/host/compare_test.c.  The search is the one
 * Documentation/memsimctl.rst states ("compare", --min-capacity).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>

#include "compare.h"

/**
 * compare_bisect_done() - is the search close enough?
 * @b: the search, in granules: @lo fails, @hi succeeds.
 *
 * Return: 1 when @hi and @lo are one granule apart, or within 1% of @hi
 * (100 * (hi - lo) <= hi).
 */
int compare_bisect_done(const struct compare_bisect *b)
{
	__u64 d = b->hi - b->lo;

	return d <= 1 || d <= b->hi / 100;
}

/* The next size to try: halfway, rounded down. */
__u64 compare_bisect_mid(const struct compare_bisect *b)
{
	return b->lo + (b->hi - b->lo) / 2;
}

/* @mid succeeded (@ok) or failed. */
void compare_bisect_step(struct compare_bisect *b, __u64 mid, int ok)
{
	if (ok)
		b->hi = mid;
	else
		b->lo = mid;
}

/**
 * compare_min_capacity() - the smallest device size at which a workload
 *	runs without a failure, to within 1%
 * @fn: runs the workload on a device of a given size.
 * @ctx: for @fn.
 * @start: the first size tried (--device-size).
 * @granule: sizes tried are multiples of it (> 0).
 * @out: the result.
 *
 * First @start rounded up to a multiple of @granule, doubled until a run
 * succeeds (giving up past %COMPARE_MAX_SIZE); the peak live requested
 * bytes L of that run bound the search from below: the largest multiple of
 * @granule under L cannot hold the peak and is not run.  Then bisection
 * (compare_bisect_*()) between the two.
 *
 * Return: 0 (see @out->found), a negative errno from @fn, or -EOVERFLOW if
 * @start rounded up does not fit in 64 bits.
 */
int compare_min_capacity(compare_probe_fn fn, void *ctx, __u64 start,
			 __u64 granule, struct compare_mincap *out)
{
	struct compare_bisect b;
	__u64 hi, peak = 0, mid;
	int ret;

	*out = (struct compare_mincap){ 0 };
	if (!granule)
		return -EINVAL;
	hi = start / granule + (start % granule != 0);
	if (!hi)
		hi = 1;
	if (hi > UINT64_MAX / granule)
		return -EOVERFLOW;
	for (;;) {
		out->tried = hi * granule;
		out->probes++;
		ret = fn(ctx, hi * granule, &peak);
		if (ret < 0)
			return ret;
		if (ret)
			break;
		if (hi * granule >= COMPARE_MAX_SIZE || hi > UINT64_MAX / 2 / granule)
			return 0;
		hi *= 2;
	}
	out->lower_bound = peak;
	b.hi = hi;
	b.lo = peak ? (peak - 1) / granule : 0;
	if (b.lo >= b.hi)
		b.lo = b.hi - 1;
	while (!compare_bisect_done(&b)) {
		mid = compare_bisect_mid(&b);
		out->probes++;
		ret = fn(ctx, mid * granule, &peak);
		if (ret < 0)
			return ret;
		compare_bisect_step(&b, mid, ret);
		if (ret)
			out->lower_bound = peak;
	}
	out->found = 1;
	out->size = b.hi * granule;
	out->below = b.lo * granule;
	return 0;
}

/* Parts per million as a percentage with two decimals, rounded down: "66.66%". */
char *compare_fmt_ppm(char *buf, size_t len, __u32 ppm)
{
	snprintf(buf, len, "%u.%02u%%", ppm / 10000, ppm % 10000 / 100);
	return buf;
}

/*
 * @num / @den with @decimals decimals (at most 9), rounded down: "1.25".
 * "-" if @den is 0.
 */
char *compare_fmt_ratio(char *buf, size_t len, __u64 num, __u64 den,
			unsigned int decimals)
{
	unsigned __int128 frac;
	__u64 scale = 1;
	unsigned int i;

	if (!den) {
		snprintf(buf, len, "-");
		return buf;
	}
	if (decimals > 9)
		decimals = 9;
	for (i = 0; i < decimals; i++)
		scale *= 10;
	frac = (unsigned __int128)(num % den) * scale / den;
	if (decimals)
		snprintf(buf, len, "%llu.%0*llu", (unsigned long long)(num / den),
			 (int)decimals, (unsigned long long)frac);
	else
		snprintf(buf, len, "%llu", (unsigned long long)(num / den));
	return buf;
}
