// SPDX-License-Identifier: GPL-2.0
/*
 * compare_test: the pure parts of memsimctl compare (compare_search.c) on
 * the host, in TAP: the search of --min-capacity and the formatting of its
 * figures.  Built and run by "make ctltest".
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The expected values are worked out from Documentation/memsimctl.rst
 * ("compare", "--min-capacity"): start at --device-size rounded up to the
 * granularity, double until a run succeeds, take the largest multiple of
 * the granularity under that run's peak of live requested bytes as failing,
 * then halve (mid = lo + (hi - lo) / 2, rounded down) until hi - lo is one
 * granule or 100 * (hi - lo) <= hi.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"

static int nr_test, nr_fail;

static void check(int cond, const char *what)
{
	nr_test++;
	if (!cond)
		nr_fail++;
	printf("%sok %d %s\n", cond ? "" : "not ", nr_test, what);
}

#define MAX_PROBES	128

/* A workload that runs without a failure on @threshold bytes or more. */
struct model {
	__u64 threshold;
	__u64 peak;
	int error_at;		/* probe number that fails with -EIO, 0: none */
	int nr;
	__u64 sizes[MAX_PROBES];
};

static int model_probe(void *ctx, __u64 size, __u64 *peak)
{
	struct model *m = ctx;

	if (m->nr < MAX_PROBES)
		m->sizes[m->nr] = size;
	m->nr++;
	if (m->error_at && m->nr == m->error_at)
		return -EIO;
	*peak = m->peak;
	return size >= m->threshold;
}

static void sizes_are(const struct model *m, const __u64 *want, int n,
		      const char *what)
{
	int ok = m->nr == n, i;

	for (i = 0; ok && i < n; i++)
		ok = m->sizes[i] == want[i];
	check(ok, what);
	if (!ok) {
		printf("# tried:");
		for (i = 0; i < m->nr && i < MAX_PROBES; i++)
			printf(" %llu", (unsigned long long)m->sizes[i]);
		printf("\n");
	}
}

#define K	1024ULL

static void test_worked_examples(void)
{
	struct compare_mincap mc;
	struct model m;
	int ret;

	/*
	 * t-compare.sh's first fit: 64K succeeds, peak 20K, so 16K is under
	 * the bound; [4, 16] granules: 10 ok, 7 ok, 5 fails, 6 ok: 24K.
	 */
	static const __u64 ff[] = { 64 * K, 40 * K, 28 * K, 20 * K, 24 * K };
	/* Its buddy system: 20K succeeds. */
	static const __u64 bud[] = { 64 * K, 40 * K, 28 * K, 20 * K };
	/*
	 * Too small a start: 4K, 8K, ..., 128K succeeds; peak 50K: lo 12
	 * (48K); [12, 32]: 22 fails, 27 ok, 24 fails, 25 ok: 100K.
	 */
	static const __u64 grow[] = { 4 * K, 8 * K, 16 * K, 32 * K, 64 * K,
				      128 * K, 88 * K, 108 * K, 96 * K, 100 * K };

	memset(&m, 0, sizeof(m));
	m.threshold = 24 * K;
	m.peak = 20 * K;
	ret = compare_min_capacity(model_probe, &m, 64 * K, 4 * K, &mc);
	check(!ret && mc.found && mc.size == 24 * K && mc.below == 20 * K,
	      "first fit of t-compare.sh: 24 KiB, 20 KiB below fails");
	check(mc.lower_bound == 20 * K && mc.probes == 5,
	      "... lower bound 20 KiB, 5 runs");
	sizes_are(&m, ff, 5, "... tried 64K 40K 28K 20K 24K");

	memset(&m, 0, sizeof(m));
	m.threshold = 20 * K;
	m.peak = 20 * K;
	ret = compare_min_capacity(model_probe, &m, 64 * K, 4 * K, &mc);
	check(!ret && mc.found && mc.size == 20 * K && mc.below == 16 * K &&
	      mc.probes == 4, "buddy of t-compare.sh: 20 KiB in 4 runs, 16 KiB not run");
	sizes_are(&m, bud, 4, "... tried 64K 40K 28K 20K");

	memset(&m, 0, sizeof(m));
	m.threshold = 100 * K;
	m.peak = 50 * K;
	ret = compare_min_capacity(model_probe, &m, 4 * K, 4 * K, &mc);
	check(!ret && mc.found && mc.size == 100 * K && mc.below == 96 * K &&
	      mc.probes == 10, "a start below the answer doubles first: 100 KiB");
	sizes_are(&m, grow, 10, "... tried 4K..128K, then 88K 108K 96K 100K");

	/* Not a multiple: 10000 rounds up to 12K (granule 4K). */
	memset(&m, 0, sizeof(m));
	m.threshold = 8 * K;
	m.peak = 8 * K;
	ret = compare_min_capacity(model_probe, &m, 10000, 4 * K, &mc);
	check(!ret && m.sizes[0] == 12 * K && mc.size == 8 * K && mc.below == 4 * K,
	      "the start rounds up to the granularity: 12K first, 8K found");

	/* The bound itself: peak 8K on a multiple, 4K below it is not run. */
	check(m.nr == 2, "... 12K, 8K: two runs (4K is under the bound)");
}

/* The 1% rule, and that what is reported was seen. */
static void test_within_one_percent(void)
{
	struct compare_mincap mc;
	struct model m;
	char what[160];
	__u64 t;
	int ret, ok = 1, n = 0;

	for (t = 1000; t < 50000000; t = t * 7 / 5 + 13) {
		memset(&m, 0, sizeof(m));
		m.threshold = t;
		m.peak = t - t / 3;
		ret = compare_min_capacity(model_probe, &m, 1000, 1, &mc);
		n++;
		if (ret || !mc.found || mc.size < t || mc.below >= t ||
		    (mc.size - mc.below > 1 && (mc.size - mc.below) * 100 > mc.size)) {
			ok = 0;
			printf("# threshold %llu: ret %d found %d size %llu below %llu\n",
			       (unsigned long long)t, ret, mc.found,
			       (unsigned long long)mc.size, (unsigned long long)mc.below);
		}
	}
	snprintf(what, sizeof(what),
		 "granule 1, %d thresholds: size succeeds, below fails, 100 * (size - below) <= size", n);
	check(ok, what);

	/* With a large granule the step is one granule. */
	memset(&m, 0, sizeof(m));
	m.threshold = 3 * 1048576 + 1;
	m.peak = 1048576;
	ret = compare_min_capacity(model_probe, &m, 16 * 1048576, 1048576, &mc);
	check(!ret && mc.size == 4 * 1048576 && mc.below == 3 * 1048576,
	      "granule 1 MiB: 4 MiB, 3 MiB below (one granule apart)");
}

static void test_limits(void)
{
	struct compare_mincap mc;
	struct model m;
	int ret;

	memset(&m, 0, sizeof(m));
	m.threshold = ~0ULL;
	ret = compare_min_capacity(model_probe, &m, 4 * K, 4 * K, &mc);
	check(!ret && !mc.found && mc.tried == COMPARE_MAX_SIZE && mc.probes == 39,
	      "never succeeds: gives up after 2^50 bytes (39 runs)");

	memset(&m, 0, sizeof(m));
	m.threshold = 8 * K;
	m.peak = 8 * K;
	m.error_at = 2;
	ret = compare_min_capacity(model_probe, &m, 64 * K, 4 * K, &mc);
	check(ret == -EIO && m.nr == 2, "a run that cannot be made stops the search");

	ret = compare_min_capacity(model_probe, &m, ~0ULL, 4 * K, &mc);
	check(ret == -EOVERFLOW, "a start that cannot be rounded up: -EOVERFLOW");
	ret = compare_min_capacity(model_probe, &m, 4 * K, 0, &mc);
	check(ret == -EINVAL, "granularity 0: -EINVAL");

	/* A peak above the size that ran (other segments): lo is hi - 1. */
	memset(&m, 0, sizeof(m));
	m.threshold = 0;
	m.peak = 1 << 20;
	ret = compare_min_capacity(model_probe, &m, 64 * K, 4 * K, &mc);
	check(!ret && mc.found && mc.size == 64 * K && mc.below == 60 * K && mc.probes == 1,
	      "a peak above the device: lo = hi - 1 granule, nothing more run");
}

static void test_done(void)
{
	struct compare_bisect b = { .lo = 99, .hi = 100 };

	check(compare_bisect_done(&b), "bisect: one granule apart is done");
	b.lo = 198;
	b.hi = 200;
	check(compare_bisect_done(&b), "bisect: 2 of 200 is exactly 1%: done");
	b.lo = 197;
	b.hi = 200;
	check(!compare_bisect_done(&b), "bisect: 3 of 200 is not");
	b.lo = 197;
	b.hi = 300;
	check(!compare_bisect_done(&b), "bisect: 103 of 300 is not done");
	b.lo = 297;
	b.hi = 300;
	check(compare_bisect_done(&b), "bisect: 3 of 300 is 1%: done");
	b.lo = 296;
	b.hi = 300;
	check(!compare_bisect_done(&b), "bisect: 4 of 300 is not");
	b.lo = 4;
	b.hi = 16;
	check(compare_bisect_mid(&b) == 10, "bisect: mid of [4, 16] is 10");
	b.lo = 4;
	b.hi = 7;
	check(compare_bisect_mid(&b) == 5, "bisect: mid of [4, 7] is 5 (rounded down)");
}

static void fmt_is(const char *got, const char *want, const char *what)
{
	char line[160];

	snprintf(line, sizeof(line), "%s: \"%s\"", what, want);
	check(!strcmp(got, want), line);
	if (strcmp(got, want))
		printf("# got \"%s\"\n", got);
}

static void test_format(void)
{
	char buf[32];

	fmt_is(compare_fmt_ppm(buf, sizeof(buf), 500000), "50.00%", "ppm 500000");
	fmt_is(compare_fmt_ppm(buf, sizeof(buf), 333333), "33.33%", "ppm 333333");
	fmt_is(compare_fmt_ppm(buf, sizeof(buf), 666666), "66.66%", "ppm 666666 (rounded down)");
	fmt_is(compare_fmt_ppm(buf, sizeof(buf), 99), "0.00%", "ppm 99");
	fmt_is(compare_fmt_ppm(buf, sizeof(buf), 1000000), "100.00%", "ppm 1000000");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 24576, 20480, 4), "1.2000", "24K / 20K");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 24576, 20480, 2), "1.20", "24K / 20K, 2 decimals");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 2, 3, 2), "0.66", "2 / 3 (rounded down)");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 7, 7, 0), "1", "7 / 7, no decimals");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 1ULL << 50, 3, 4), "375299968947541.3333",
	       "2^50 / 3");
	fmt_is(compare_fmt_ratio(buf, sizeof(buf), 5, 0, 2), "-", "a ratio to 0");
}

int main(void)
{
	test_worked_examples();
	test_within_one_percent();
	test_limits();
	test_done();
	test_format();
	printf("1..%d\n", nr_test);
	printf("compare_test: %d passed, %d failed\n", nr_test - nr_fail, nr_fail);
	return nr_fail ? 1 : 0;
}
