// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: the success path of every /dev/memsim ioctl
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Each test builds a small, known state under one of the five strategies
 * and checks what the ioctls report against values worked out by hand from
 * the placement rules (include/uapi/linux/memsim.h and the DOC comment of
 * module/core/memsim_core.h): addresses, sizes, splits, coalescing, counters,
 * histograms.  ms_check_pool() then recomputes every counter from the
 * block list.  Isolation between instances, sharing through fork(), RESET
 * and closing an instance that still holds blocks are covered here too.
 */
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

FIXTURE(io)
{
	int fd;
	struct memsim_info info;
};

#define MS_FIXTURE io
#include "memsim_variants.h"

FIXTURE_SETUP(io)
{
	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_EQ(0, ms_set_strategy(self->fd, variant->strategy, 0));
}

FIXTURE_TEARDOWN(io)
{
	if (self->fd >= 0)
		close(self->fd);
}

#define BUDDY	ms_is_buddy(variant->strategy)

/*
 * Buddy roots from first principles: from the start upwards, the largest
 * power of two the address is aligned to that fits before the end.
 */
static unsigned int buddy_roots(__u64 start, __u64 size, __u64 *addr, __u64 *len,
				unsigned int max)
{
	__u64 at = start, end = start + size;
	unsigned int n = 0;

	while (at < end) {
		__u64 r = 1ULL << ms_log2(end - at);

		if (at && (at & -at) < r)
			r = at & -at;
		if (n < max) {
			addr[n] = at;
			len[n] = r;
		}
		n++;
		at += r;
	}
	return n;
}

/* The free blocks of a fresh segment: one, or the buddy roots. */
static void expect_fresh_blocks(struct __test_metadata *_metadata, int fd, bool buddy,
				__u64 start, __u64 size, __u64 seg_id)
{
	__u64 addr[130], len[130];
	unsigned int n = buddy ? buddy_roots(start, size, addr, len, 130) : 1;
	struct ms_list l;
	size_t i, first = 0;

	if (!buddy) {
		addr[0] = start;
		len[0] = size;
	}
	ASSERT_EQ(0, ms_blocks(_metadata, fd, 5, &l));
	while (first < l.nr && MS_BLOCK(&l, first)->addr < start)
		first++;
	ASSERT_LE(first + n, l.nr);
	for (i = 0; i < n; i++) {
		struct memsim_block_info *b = MS_BLOCK(&l, first + i);

		EXPECT_EQ(addr[i], b->addr) TH_LOG("root %zu", i);
		EXPECT_EQ(len[i], b->size) TH_LOG("root %zu", i);
		EXPECT_EQ(seg_id, b->segment_id);
		EXPECT_EQ((__u32)MEMSIM_STATE_FREE, b->state);
	}
	free(l.items);
}

TEST_F(io, get_info_limits)
{
	struct memsim_info a, b;
	int fd2;

	EXPECT_EQ(MEMSIM_ABI_VERSION, self->info.abi_version);
	EXPECT_NE(0U, self->info.max_segments);
	EXPECT_NE(0U, self->info.max_batch);
	EXPECT_NE(0ULL, self->info.max_blocks);
	EXPECT_EQ(4096U, self->info.max_list);
	EXPECT_NE(0U, self->info.max_trace_records);
	EXPECT_LE(self->info.max_instance_memory, self->info.max_total_memory * 2);

	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_info(self->fd, &a));
	ASSERT_EQ(0, ms_info(fd2, &b));
	EXPECT_EQ(self->info.instance_id, a.instance_id);
	EXPECT_LT(a.instance_id, b.instance_id);
	/* Module-wide limits: the same for every instance. */
	EXPECT_EQ(a.max_segments, b.max_segments);
	EXPECT_EQ(a.max_batch, b.max_batch);
	EXPECT_EQ(a.max_blocks, b.max_blocks);
	close(fd2);
}

TEST_F(io, set_strategy)
{
	static const __u32 fits[] = {
		MEMSIM_STRATEGY_FIRST_FIT, MEMSIM_STRATEGY_BEST_FIT,
		MEMSIM_STRATEGY_WORST_FIT, MEMSIM_STRATEGY_NEXT_FIT,
	};
	struct memsim_alloc_arg r;
	struct memsim_summary s;
	unsigned int i;

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(variant->strategy, s.strategy);
	EXPECT_EQ(0ULL, s.nr_segments);
	EXPECT_EQ(0U, s.nr_streams);
	EXPECT_EQ(0ULL, s.usage.total);
	EXPECT_EQ(0U, s.pad);
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));

	if (BUDDY) {
		EXPECT_EQ(64ULL, s.buddy_min_block);
		/* A larger minimum block, with nothing allocated. */
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 256));
		ASSERT_EQ(0, ms_summary(self->fd, &s));
		EXPECT_EQ(256ULL, s.buddy_min_block);
		ASSERT_EQ(0, ms_alloc(self->fd, 1, 0, 0, &r));
		EXPECT_EQ(256ULL, r.actual_size);
		EXPECT_EQ(255ULL, r.waste);
		ASSERT_EQ(0, ms_free(self->fd, r.addr, 1, 0, NULL));
		/* 0 selects 64 again. */
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 0));
		ASSERT_EQ(0, ms_summary(self->fd, &s));
		EXPECT_EQ(64ULL, s.buddy_min_block);
		ASSERT_EQ(0, ms_alloc(self->fd, 1, 0, 0, &r));
		EXPECT_EQ(64ULL, r.actual_size);
		ms_check_pool(_metadata, self->fd, 7, NULL, 0);
		return;
	}

	if (variant->strategy == MEMSIM_STRATEGY_TLSF) {
		/* A family of its own: leaving it needs nothing allocated. */
		ASSERT_EQ(0, ms_alloc(self->fd, 100, 0, 0, &r));
		EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0));
		ASSERT_EQ(0, ms_summary(self->fd, &s));
		EXPECT_EQ((__u32)MEMSIM_STRATEGY_TLSF, s.strategy);
		ASSERT_EQ(0, ms_free(self->fd, r.addr, 100, 0, NULL));
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0));
		ASSERT_EQ(0, ms_summary(self->fd, &s));
		EXPECT_EQ((__u32)MEMSIM_STRATEGY_FIRST_FIT, s.strategy);
		return;
	}

	/* The fit strategies switch among themselves with blocks allocated. */
	ASSERT_EQ(0, ms_alloc(self->fd, 100, 0, 0, &r));
	for (i = 0; i < ARRAY_SIZE(fits); i++) {
		ASSERT_EQ(0, ms_set_strategy(self->fd, fits[i], 0));
		ASSERT_EQ(0, ms_summary(self->fd, &s));
		EXPECT_EQ(fits[i], s.strategy);
		EXPECT_EQ(1ULL, s.usage.live_blocks);
	}
	ASSERT_EQ(0, ms_set_strategy(self->fd, variant->strategy, 0));
	ms_check_pool(_metadata, self->fd, 7, NULL, 0);
}

TEST_F(io, create_segments)
{
	static const struct { __u64 start, size; __u32 stream; } segs[] = {
		{ MS_SEG2, 0x10000, 0 },	/* id 1 */
		{ MS_SEG0, 0x40000, 0 },	/* id 2 */
		{ MS_SEG1, 0x20000, 5 },	/* id 3 */
	};
	/* Address order: id 2, 3, 1. */
	static const unsigned int order[] = { 1, 2, 0 };
	struct memsim_summary s;
	struct ms_list l;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(segs); i++)
		ASSERT_EQ((long long)i + 1, ms_create(self->fd, segs[i].start, segs[i].size,
						      segs[i].stream));

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(3ULL, s.nr_segments);
	EXPECT_EQ(2U, s.nr_streams);
	EXPECT_EQ(0x70000ULL, s.usage.total);
	EXPECT_EQ(0x70000ULL, s.usage.free);
	EXPECT_EQ(0ULL, s.usage.allocated);
	EXPECT_EQ(3ULL, s.usage.free_blocks);	/* aligned powers of two: one root */
	EXPECT_EQ(0x40000ULL, s.usage.largest_free);
	EXPECT_EQ(0U, s.usage.utilization_ppm);
	EXPECT_EQ(ms_frag_ppm(0x70000, 0x40000), s.usage.frag_ppm);
	EXPECT_EQ(1ULL, s.usage.free_hist[16]);
	EXPECT_EQ(1ULL, s.usage.free_hist[17]);
	EXPECT_EQ(1ULL, s.usage.free_hist[18]);

	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 2, &l));
	ASSERT_EQ(3U, l.nr);
	EXPECT_EQ(2U, l.pages);
	for (i = 0; i < 3; i++) {
		struct memsim_segment_info *si = MS_SEG(&l, i);
		unsigned int k = order[i];

		EXPECT_EQ(k + 1ULL, si->id);
		EXPECT_EQ(segs[k].start, si->start);
		EXPECT_EQ(segs[k].size, si->size);
		EXPECT_EQ(segs[k].stream, si->stream);
		EXPECT_EQ(segs[k].stream + 100, si->device);
		EXPECT_EQ(1ULL, si->nr_blocks);
		EXPECT_EQ(segs[k].size, si->largest_free);
		EXPECT_EQ(0U, si->split_ratio_ppm);
		EXPECT_EQ(segs[k].size, si->usage.total);
		EXPECT_EQ(segs[k].size, si->usage.free);
		EXPECT_EQ(1ULL, si->usage.free_blocks);
		EXPECT_EQ(1ULL, si->usage.free_hist[ms_log2(segs[k].size)]);
		EXPECT_EQ(0U, si->usage.frag_ppm);
	}
	free(l.items);
	ms_check_pool(_metadata, self->fd, 3, NULL, 0);

	/* Unaligned starts and odd sizes: several buddy roots. */
	ASSERT_EQ(4, ms_create(self->fd, 0x1000, 0x3000, 9));
	expect_fresh_blocks(_metadata, self->fd, BUDDY, 0x1000, 0x3000, 4);
	ASSERT_EQ(5, ms_create(self->fd, 0x10000040, 0x1000, 9));
	expect_fresh_blocks(_metadata, self->fd, BUDDY, 0x10000040, 0x1000, 5);
	ASSERT_EQ(6, ms_create(self->fd, 0x20000000, 0x12345, 9));
	expect_fresh_blocks(_metadata, self->fd, BUDDY, 0x20000000, 0x12345, 6);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(3U, s.nr_streams);
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
}

TEST_F(io, release_segment)
{
	struct memsim_summary s;
	struct ms_list l;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x20000, 1));
	ASSERT_EQ(3, ms_create(self->fd, MS_SEG2, 0x40000, 0));
	/* A segment that was used and is entirely free again. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 1, 0, NULL));
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG1, 0, 0, NULL));
	ASSERT_EQ(0, ms_release(self->fd, 2));

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(2ULL, s.nr_segments);
	EXPECT_EQ(0x50000ULL, s.usage.total);
	EXPECT_EQ(0x50000ULL, s.usage.free);
	EXPECT_EQ(1U, s.nr_streams);		/* stream 1 went with its last segment */
	EXPECT_EQ(1ULL, s.usage.allocs);	/* history stays */
	EXPECT_EQ(1ULL, s.usage.frees);
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 8, &l));
	ASSERT_EQ(2U, l.nr);
	EXPECT_EQ(1ULL, MS_SEG(&l, 0)->id);
	EXPECT_EQ(3ULL, MS_SEG(&l, 1)->id);
	free(l.items);

	/* Its range is free again; ids are not reused. */
	ASSERT_EQ(4, ms_create(self->fd, MS_SEG1, 0x20000, 1));
	ASSERT_EQ(0, ms_release(self->fd, 1));
	ASSERT_EQ(0, ms_release(self->fd, 3));
	ASSERT_EQ(0, ms_release(self->fd, 4));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(0ULL, s.nr_segments);
	EXPECT_EQ(0ULL, s.usage.total);
	EXPECT_EQ(0ULL, s.usage.free_blocks);
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);
}

TEST_F(io, check_overlap)
{
	static const struct {
		__u64 start, size;
		__u32 kind, nr;
		__u64 ids[2];
	} cases[] = {
		{ 0x20000, 0x10000, MEMSIM_OVERLAP_KIND_NONE, 0, { 0 } },	/* the gap */
		{ 0, 0x10000, MEMSIM_OVERLAP_KIND_NONE, 0, { 0 } },	/* touches A */
		{ 0x10000, 0x10000, MEMSIM_OVERLAP_KIND_CONTAINED, 1, { 1 } },	/* A */
		{ 0x18000, 0x100, MEMSIM_OVERLAP_KIND_CONTAINED, 1, { 1 } },
		{ 0x1ffff, 1, MEMSIM_OVERLAP_KIND_CONTAINED, 1, { 1 } },
		{ 0x1ffff, 2, MEMSIM_OVERLAP_KIND_PARTIAL, 1, { 1 } },
		{ 0xffff, 2, MEMSIM_OVERLAP_KIND_PARTIAL, 1, { 1 } },
		{ 0, 0x30000, MEMSIM_OVERLAP_KIND_PARTIAL, 1, { 1 } },		/* around A */
		{ 0x38000, 0x10000, MEMSIM_OVERLAP_KIND_PARTIAL, 2, { 3, 2 } },	/* B, C */
		{ 0x40000, 0x10000, MEMSIM_OVERLAP_KIND_CONTAINED, 1, { 2 } },	/* C */
		{ 0x50000, ~0ULL - 0x50000, MEMSIM_OVERLAP_KIND_NONE, 0, { 0 } },
	};
	struct memsim_overlap_arg ov;
	__u64 ids[3];
	unsigned int i;

	/* A = 1, C = 2, B = 3: ids are not in address order. */
	ASSERT_EQ(1, ms_create(self->fd, 0x10000, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, 0x40000, 0x10000, 1));
	ASSERT_EQ(3, ms_create(self->fd, 0x30000, 0x10000, 0));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&ov, 0, sizeof(ov));
		memset(ids, 0xee, sizeof(ids));
		ov.start = cases[i].start;
		ov.size = cases[i].size;
		ov.ids_ptr = (uintptr_t)ids;
		ov.ids_cap = 3;
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
		EXPECT_EQ(cases[i].kind, ov.kind) TH_LOG("case %u", i);
		EXPECT_EQ(cases[i].nr, ov.nr_ids) TH_LOG("case %u", i);
		if (cases[i].nr > 0)
			EXPECT_EQ(cases[i].ids[0], ids[0]) TH_LOG("case %u", i);
		if (cases[i].nr > 1)
			EXPECT_EQ(cases[i].ids[1], ids[1]) TH_LOG("case %u", i);
		/* Nothing written past the ids found. */
		EXPECT_EQ(0xeeeeeeeeeeeeeeeeULL, ids[cases[i].nr]) TH_LOG("case %u", i);
		EXPECT_EQ(0ULL, ov.reserved[0] | ov.reserved[1]);
	}

	/* More overlaps than room: all counted, only ids_cap written. */
	memset(&ov, 0, sizeof(ov));
	memset(ids, 0xee, sizeof(ids));
	ov.start = 0;
	ov.size = 0x100000;
	ov.ids_ptr = (uintptr_t)ids;
	ov.ids_cap = 2;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
	EXPECT_EQ((__u32)MEMSIM_OVERLAP_KIND_PARTIAL, ov.kind);
	EXPECT_EQ(3U, ov.nr_ids);
	EXPECT_EQ(1ULL, ids[0]);
	EXPECT_EQ(3ULL, ids[1]);
	EXPECT_EQ(0xeeeeeeeeeeeeeeeeULL, ids[2]);

	/* No room at all: [0x18000, 0x48000) meets A, B and C. */
	memset(&ov, 0, sizeof(ov));
	ov.start = 0x18000;
	ov.size = 0x30000;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
	EXPECT_EQ((__u32)MEMSIM_OVERLAP_KIND_PARTIAL, ov.kind);
	EXPECT_EQ(3U, ov.nr_ids);
}

TEST_F(io, find_safe_range)
{
	static const struct {
		__u64 size, align, min, max;
		int ret;
		__u64 addr;
	} cases[] = {
		{ 0x1000, 0, 0, 1ULL << 40, 0, 0 },
		{ 0x1000, 0, 0x8000, 1ULL << 40, 0, 0x8000 },
		{ 0x8001, 0, 0x8000, 1ULL << 40, 0, 0x20000 },	/* gap below A too small */
		{ 0x10000, 0, 0x10000, 1ULL << 40, 0, 0x20000 },	/* the gap exactly */
		{ 0x10001, 0, 0x10000, 1ULL << 40, 0, 0x50000 },
		{ 0x1000, 0x40000, 0x1000, 1ULL << 40, 0, 0x80000 },
		{ 0x1000, 0x20000, 0x1000, 1ULL << 40, 0, 0x20000 },
		{ 0x1000, 0, 0x18000, 1ULL << 40, 0, 0x20000 },	/* min inside A */
		{ 0x10000, 0, 0x20000, 0x30000, 0, 0x20000 },	/* ends at max */
		{ 0x10001, 0, 0x10000, 0x50000, -ENOSPC, 0 },
		{ 0x1000, 0, 0x10000, 0x20000, -ENOSPC, 0 },	/* inside A */
		{ 0x1000, 0, ~0ULL - 0x1000, ~0ULL, 0, ~0ULL - 0x1000 },
		{ 0x1001, 0, ~0ULL - 0x1000, ~0ULL, -ENOSPC, 0 },
	};
	struct memsim_safe_range_arg sr;
	unsigned int i;

	ASSERT_EQ(1, ms_create(self->fd, 0x10000, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, 0x40000, 0x10000, 1));
	ASSERT_EQ(3, ms_create(self->fd, 0x30000, 0x10000, 0));

	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		memset(&sr, 0, sizeof(sr));
		sr.size = cases[i].size;
		sr.align = cases[i].align;
		sr.min = cases[i].min;
		sr.max = cases[i].max;
		EXPECT_EQ(cases[i].ret, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr))
			TH_LOG("case %u", i);
		if (!cases[i].ret)
			EXPECT_EQ(cases[i].addr, sr.addr) TH_LOG("case %u", i);
	}
}

/* On a fresh segment every strategy starts at the bottom. */
TEST_F(io, alloc_fresh_segment)
{
	__u64 actual = ms_actual(variant->strategy, 1000, 64);
	struct memsim_alloc_arg r;
	__u64 want[3];
	unsigned int i;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x10000, 1));

	ASSERT_EQ(0, ms_alloc(self->fd, 1000, 0, 0x1234, &r));
	EXPECT_EQ(MS_SEG0, r.addr);
	EXPECT_EQ(1000ULL, r.size);
	EXPECT_EQ(actual, r.actual_size);
	EXPECT_EQ(actual - 1000, r.waste);
	EXPECT_EQ(1ULL, r.segment_id);
	EXPECT_EQ(0U, r.out_stream);
	/* Fit: the tail splits off; buddy: 64 KiB halved down to 1 KiB. */
	EXPECT_EQ(BUDDY ? 6U : 1U, r.splits);
	EXPECT_LE(1U, r.steps);
	EXPECT_EQ(0ULL, r.largest);	/* CAN_ALLOC only */
	EXPECT_EQ(0U, r.pad2);
	EXPECT_EQ(0ULL, r.reserved);
	EXPECT_EQ(0ULL, r.label_ptr);	/* input, left as it was */
	EXPECT_EQ(0x1234ULL, r.tag);	/* input, left as it was */

	/* Then upwards: fit right after it, buddy from the smallest order. */
	want[0] = BUDDY ? MS_SEG0 + 0x1000 : MS_SEG0 + 1000;
	want[1] = BUDDY ? MS_SEG0 + 0x2000 : MS_SEG0 + 1000 + 0x1000;
	want[2] = BUDDY ? MS_SEG0 + 0x3000 : MS_SEG0 + 1000 + 0x2000;
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, i, &r));
		EXPECT_EQ(want[i], r.addr) TH_LOG("allocation %u", i);
		EXPECT_EQ(0x1000ULL, r.actual_size);
		EXPECT_EQ(0ULL, r.waste);
	}

	/* A whole segment: no split. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x10000, 1, 0, &r));
	EXPECT_EQ(MS_SEG1, r.addr);
	EXPECT_EQ(2ULL, r.segment_id);
	EXPECT_EQ(1U, r.out_stream);
	EXPECT_EQ(0U, r.splits);
	EXPECT_EQ(0ULL, r.waste);
	EXPECT_EQ(-ENOSPC, ms_alloc(self->fd, 1, 1, 0, NULL));
	/* A stream without segments has no space. */
	EXPECT_EQ(-ENOSPC, ms_alloc(self->fd, 1, 2, 0, NULL));
	ms_check_pool(_metadata, self->fd, 3, NULL, 0);
}

/*
 * The four fit strategies on one layout.  Segment [0x100000, 0x110000):
 *   H0 [0x100000, 0x101000) free 4 KiB
 *   F1 [0x101000, 0x102000) allocated, last (the cursor is at its end)
 *   H1 [0x102000, 0x102800) free 2 KiB
 *   F2 [0x102800, 0x103000) allocated
 *   H2 [0x103000, 0x103400) free 1 KiB
 *   F3 [0x103400, 0x104000) allocated, first
 *   T  [0x104000, 0x110000) free 48 KiB
 */
#define H0	0x100000ULL
#define H1	0x102000ULL
#define H2	0x103000ULL
#define T	0x104000ULL
#define END	0x110000ULL

struct place_case {
	const char *what;
	__u64 size, align;
	__u32 flags;
	__u64 lo, hi;
	/* Expected address by strategy: first, best, worst, next fit. */
	__u64 addr[4];
	__u32 splits[4];
};

static const struct place_case place_cases[] = {
	{ "1 KiB", 0x400, 0, 0, 0, 0,
	  { H0, H2, T, H1 }, { 1, 0, 1, 1 } },
	{ "1 KiB top-down", 0x400, 0, MEMSIM_ALLOC_TOPDOWN, 0, 0,
	  { END - 0x400, H2, END - 0x400, H0 + 0xc00 }, { 1, 0, 1, 1 } },
	{ "2 KiB", 0x800, 0, 0, 0, 0,
	  { H0, H1, T, H1 }, { 1, 0, 1, 0 } },
	{ "4 KiB + 1", 0x1001, 0, 0, 0, 0,
	  { T, T, T, T }, { 1, 1, 1, 1 } },
	{ "1 KiB aligned 8 KiB", 0x400, 0x2000, 0, 0, 0,
	  { H0, H1, T, H1 }, { 1, 1, 1, 1 } },
	{ "1 KiB in [0x100800, 0x10a000)", 0x400, 0, MEMSIM_ALLOC_RANGE, H0 + 0x800, 0x10a000,
	  { H0 + 0x800, H2, T, H1 }, { 2, 0, 1, 1 } },
	{ "1 KiB in [0x100800, 0x10a000) top-down", 0x400, 0,
	  MEMSIM_ALLOC_RANGE | MEMSIM_ALLOC_TOPDOWN, H0 + 0x800, 0x10a000,
	  { 0x10a000 - 0x400, H2, 0x10a000 - 0x400, H0 + 0xc00 }, { 2, 0, 2, 1 } },
};

static void fit_layout(struct __test_metadata *_metadata, int fd)
{
	ASSERT_EQ(1, ms_create(fd, H0, END - H0, 0));
	ASSERT_EQ(0, ms_alloc_fixed(fd, 0x103400, 0xc00, 0));
	ASSERT_EQ(0, ms_alloc_fixed(fd, 0x102800, 0x800, 0));
	ASSERT_EQ(0, ms_alloc_fixed(fd, 0x101000, 0x1000, 0));
}

static void place_req(struct memsim_alloc_arg *a, const struct place_case *c)
{
	ms_alloc_req(a, c->size, 0);
	a->align = c->align;
	a->flags = c->flags;
	a->range_lo = c->lo;
	a->range_hi = c->hi;
}

TEST_F(io, placement_fit)
{
	struct memsim_alloc_arg a, b;
	unsigned int i, s = variant->strategy;
	struct ms_snap snap;

	if (BUDDY)
		SKIP(return, "fit layout; see placement_buddy");
	/* Its rule depends on the order blocks were freed in, not on the layout alone. */
	if (s == MEMSIM_STRATEGY_TLSF)
		SKIP(return, "TLSF's placement: memsim_tlsf_test and KUnit's memsim_tlsf suite");
	fit_layout(_metadata, self->fd);
	ms_snap_take(_metadata, self->fd, &snap);

	/* Each case as a dry run, from the same state. */
	for (i = 0; i < ARRAY_SIZE(place_cases); i++) {
		const struct place_case *c = &place_cases[i];

		place_req(&a, c);
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a)) TH_LOG("%s", c->what);
		EXPECT_EQ(c->addr[s], a.addr) TH_LOG("%s: 0x%llx", c->what,
						     (unsigned long long)a.addr);
		EXPECT_EQ(c->splits[s], a.splits) TH_LOG("%s", c->what);
		EXPECT_EQ(c->size, a.actual_size);
		ms_snap_expect_same(_metadata, self->fd, &snap, c->what);
	}
	ms_snap_free(&snap);

	/* Then for real, twice in a row: the second sees the first. */
	place_req(&a, &place_cases[0]);
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(place_cases[0].addr[s], a.addr);
	place_req(&b, &place_cases[0]);
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &b));
	switch (s) {
	case MEMSIM_STRATEGY_FIRST_FIT:
		EXPECT_EQ(H0 + 0x400, b.addr);
		break;
	case MEMSIM_STRATEGY_BEST_FIT:	/* H2 is gone: H1 is the smallest */
		EXPECT_EQ(H1, b.addr);
		break;
	case MEMSIM_STRATEGY_WORST_FIT:
		EXPECT_EQ(T + 0x400, b.addr);
		break;
	case MEMSIM_STRATEGY_NEXT_FIT:	/* on from the cursor */
		EXPECT_EQ(H1 + 0x400, b.addr);
		break;
	}
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
}

/* Next fit: the cursor follows every allocation and wraps at the top. */
TEST_F(io, next_fit_cursor)
{
	struct memsim_alloc_arg a;

	if (variant->strategy != MEMSIM_STRATEGY_NEXT_FIT)
		SKIP(return, "next fit only");
	fit_layout(_metadata, self->fd);
	/* A block ending at the segment's end puts the cursor there... */
	ASSERT_EQ(0, ms_alloc_fixed(self->fd, END - 0x400, 0x400, 0));
	/* ...so the next search wraps: plain first fit. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x400, 0, 0, &a));
	EXPECT_EQ(H0, a.addr);
	/* The cursor is now at H0 + 0x400: a 2 KiB block goes there too. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x800, 0, 0, &a));
	EXPECT_EQ(H0 + 0x400, a.addr);
	/* A top-down allocation leaves the cursor at its start... */
	ms_alloc_req(&a, 0x400, 0);
	a.flags = MEMSIM_ALLOC_TOPDOWN;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(END - 0x800, a.addr);
	/* ...and the next top-down one searches below it. */
	ms_alloc_req(&a, 0x400, 0);
	a.flags = MEMSIM_ALLOC_TOPDOWN;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(END - 0xc00, a.addr);
	/* Bottom-up from END - 0xc00: nothing above it fits, wrap to H0 + 0xc00. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x400, 0, 0, &a));
	EXPECT_EQ(H0 + 0xc00, a.addr);
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
}

/*
 * Buddy on a 64 KiB segment at 0x100000 (one root of order 16), minimum
 * block 64.
 */
TEST_F(io, placement_buddy)
{
	static const struct {
		const char *what;
		__u64 size, align;
		__u32 flags;
		__u64 lo, hi;
		__u64 addr, actual;
		__u32 splits;
	} steps[] = {
		/* 128 from the root: 9 halvings, the halves 128 .. 32 KiB free. */
		{ "100", 100, 0, 0, 0, 0, H0, 128, 9 },
		/* The free 128 at 0x100080 halves once. */
		{ "64", 64, 0, 0, 0, 0, H0 + 0x80, 64, 1 },
		/* An exact free 4 KiB block at 0x101000. */
		{ "4096", 4096, 0, 0, 0, 0, H0 + 0x1000, 4096, 0 },
		/*
		 * Top-down still takes the smallest order first: the 256 at
		 * 0x100100, its upper half.
		 */
		{ "100 top-down", 100, 0, MEMSIM_ALLOC_TOPDOWN, 0, 0, H0 + 0x180, 128, 1 },
		/* Alignment raises the size: 4 KiB from the 8 KiB at 0x102000. */
		{ "64 aligned 4096", 64, 4096, 0, 0, 0, H0 + 0x2000, 4096, 1 },
		/*
		 * [0x10a000, 0x10c000): the 4 KiB at 0x103000 and the 16 KiB at
		 * 0x104000 lie outside; the 32 KiB at 0x108000 halves 3 times.
		 */
		{ "4096 in range", 4096, 0, MEMSIM_ALLOC_RANGE, 0x10a000, 0x10c000,
		  0x10a000, 4096, 3 },
	};
	struct memsim_alloc_arg a;
	struct memsim_free_arg f;
	unsigned int i;

	if (!BUDDY)
		SKIP(return, "buddy only; see placement_fit");
	ASSERT_EQ(1, ms_create(self->fd, H0, 0x10000, 0));
	for (i = 0; i < ARRAY_SIZE(steps); i++) {
		ms_alloc_req(&a, steps[i].size, 0);
		a.align = steps[i].align;
		a.flags = steps[i].flags;
		a.range_lo = steps[i].lo;
		a.range_hi = steps[i].hi;
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a)) TH_LOG("%s", steps[i].what);
		EXPECT_EQ(steps[i].addr, a.addr) TH_LOG("%s: 0x%llx", steps[i].what,
							(unsigned long long)a.addr);
		EXPECT_EQ(steps[i].actual, a.actual_size) TH_LOG("%s", steps[i].what);
		EXPECT_EQ(steps[i].actual - steps[i].size, a.waste) TH_LOG("%s", steps[i].what);
		EXPECT_EQ(steps[i].splits, a.splits) TH_LOG("%s", steps[i].what);
	}
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);

	/* Its buddy (0x100080) is split: no merge. */
	ASSERT_EQ(0, ms_free(self->fd, H0, 100, 0, &f));
	EXPECT_EQ(128ULL, f.freed_size);
	EXPECT_EQ(0U, f.coalesced);
	EXPECT_EQ(H0, f.coalesced_addr);
	EXPECT_EQ(128ULL, f.coalesced_size);
	/* 64 + 64 -> 128 + 128 -> 256; the 256 at 0x100100 is split. */
	ASSERT_EQ(0, ms_free(self->fd, H0 + 0x80, 64, 0, &f));
	EXPECT_EQ(64ULL, f.freed_size);
	EXPECT_EQ(1U, f.coalesced);
	EXPECT_EQ(H0, f.coalesced_addr);
	EXPECT_EQ(256ULL, f.coalesced_size);
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
}

/* Alignment padding becomes a free block of its own (fit strategies). */
TEST_F(io, alloc_align_and_topdown)
{
	struct memsim_alloc_arg a;
	struct ms_list l;
	struct memsim_block_info *b;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 1, 0, 0, &a));
	EXPECT_EQ(MS_SEG0, a.addr);

	ms_alloc_req(&a, 0x100, 0);
	a.align = 0x1000;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG0 + 0x1000, a.addr);
	EXPECT_EQ(0ULL, a.addr & 0xfff);
	if (BUDDY) {
		EXPECT_EQ(0x1000ULL, a.actual_size);
		EXPECT_EQ(0x1000ULL - 0x100, a.waste);
	} else {
		EXPECT_EQ(0x100ULL, a.actual_size);
		EXPECT_EQ(2U, a.splits);	/* padding and tail */
		ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 16, &l));
		ASSERT_EQ(4U, l.nr);
		b = MS_BLOCK(&l, 1);
		EXPECT_EQ(MS_SEG0 + 1, b->addr);
		EXPECT_EQ(0xfffULL, b->size);
		EXPECT_EQ((__u32)MEMSIM_STATE_FREE, b->state);
		free(l.items);
	}

	/* Top-down on a 64 KiB segment: its highest fitting address. */
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x10000, 1));
	ms_alloc_req(&a, 1000, 1);
	a.flags = MEMSIM_ALLOC_TOPDOWN;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG1 + 0x10000 - (BUDDY ? 1024 : 1000), a.addr);
	EXPECT_EQ(BUDDY ? 6U : 1U, a.splits);
	/* Top-down and aligned: rounded down. */
	ms_alloc_req(&a, 1000, 1);
	a.flags = MEMSIM_ALLOC_TOPDOWN;
	a.align = 0x800;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG1 + 0x10000 - 0x800 - (BUDDY ? 0x800 : 0), a.addr) {
		TH_LOG("0x%llx", (unsigned long long)a.addr);
	}
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

TEST_F(io, alloc_range_and_fixed)
{
	struct memsim_alloc_arg a;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	/* The lowest (top-down: highest) place inside the range. */
	ms_alloc_req(&a, 0x1000, 0);
	a.flags = MEMSIM_ALLOC_RANGE;
	a.range_lo = MS_SEG0 + 0x3000;
	a.range_hi = MS_SEG0 + 0x6000;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG0 + 0x3000, a.addr);
	a.flags = MEMSIM_ALLOC_RANGE | MEMSIM_ALLOC_TOPDOWN;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG0 + 0x5000, a.addr);
	a.flags = MEMSIM_ALLOC_RANGE;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG0 + 0x4000, a.addr);
	/* The range is full now. */
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	/* A range outside every segment. */
	a.range_lo = MS_SEG1;
	a.range_hi = MS_SEG1 + 0x10000;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));

	/* Fixed: exactly there, or nothing. */
	EXPECT_EQ(0, ms_alloc_fixed(self->fd, MS_SEG0 + 0x8000, 0x1000, 0));
	EXPECT_EQ(-ENOSPC, ms_alloc_fixed(self->fd, MS_SEG0 + 0x8000, 0x1000, 0));
	EXPECT_EQ(-ENOSPC, ms_alloc_fixed(self->fd, MS_SEG0 + 0x3000, 0x1000, 0));
	EXPECT_EQ(-ENOSPC, ms_alloc_fixed(self->fd, MS_SEG1, 0x1000, 0));
	EXPECT_EQ(-ENOSPC, ms_alloc_fixed(self->fd, MS_SEG0, 0x20000, 0));
	EXPECT_EQ(0, ms_alloc_fixed(self->fd, MS_SEG0 + 0xf000, 0x1000, 0));
	ms_alloc_req(&a, 0x1000, MS_ANY);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = MS_SEG0 + 0x9000;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(MS_SEG0 + 0x9000, a.addr);
	EXPECT_EQ(0U, a.out_stream);
	if (!BUDDY) {
		/* Not a power of two, in the middle of a free block. */
		EXPECT_EQ(0, ms_alloc_fixed(self->fd, MS_SEG0 + 0xa123, 0x333, 0));
	}
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

TEST_F(io, alloc_streams)
{
	struct memsim_alloc_arg a;

	/* Stream 1 lies below stream 0. */
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG1, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG0, 0x8000, 1));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 0, &a));
	EXPECT_EQ(MS_SEG1, a.addr);
	EXPECT_EQ(0U, a.out_stream);
	EXPECT_EQ(1ULL, a.segment_id);
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 1, 0, &a));
	EXPECT_EQ(MS_SEG0, a.addr);
	EXPECT_EQ(1U, a.out_stream);
	EXPECT_EQ(2ULL, a.segment_id);
	/* Too large for stream 1, not for stream 0. */
	EXPECT_EQ(-ENOSPC, ms_alloc(self->fd, 0x9000, 1, 0, NULL));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x8000, MS_ANY, 0, &a));
	EXPECT_EQ(0U, a.out_stream);
	/* Buddy: the 256 at MS_SEG1 left 32 KiB free at MS_SEG1 + 0x8000. */
	EXPECT_EQ(MS_SEG1 + (BUDDY ? 0x8000 : 0x100), a.addr);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

/* Three 4 KiB blocks in a row: the same addresses and merges everywhere. */
TEST_F(io, free_coalesces)
{
	struct memsim_free_arg f;
	struct memsim_alloc_arg r;
	unsigned int i;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, 0, &r));
		ASSERT_EQ(MS_SEG0 + i * 0x1000, r.addr);
	}
	/* Between two allocated blocks: nothing to merge with. */
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0 + 0x1000, 0x1000, 0, &f));
	EXPECT_EQ(0x1000ULL, f.freed_size);
	EXPECT_EQ(0U, f.coalesced);
	EXPECT_EQ(0U, f.deferred);
	EXPECT_EQ(MS_SEG0 + 0x1000, f.coalesced_addr);
	EXPECT_EQ(0x1000ULL, f.coalesced_size);
	EXPECT_EQ(0ULL, f.reserved | f.label_ptr);
	/* With the one above. */
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0, 0, 0, &f));
	EXPECT_EQ(1U, f.coalesced);
	EXPECT_EQ(MS_SEG0, f.coalesced_addr);
	EXPECT_EQ(0x2000ULL, f.coalesced_size);
	/* With both sides: the whole segment again. */
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0 + 0x2000, 0, 0, &f));
	EXPECT_EQ(1U, f.coalesced);
	EXPECT_EQ(MS_SEG0, f.coalesced_addr);
	EXPECT_EQ(0x10000ULL, f.coalesced_size);
	expect_fresh_blocks(_metadata, self->fd, BUDDY, MS_SEG0, 0x10000, 1);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

TEST_F(io, deferred_free)
{
	struct memsim_free_arg f;
	struct memsim_alloc_arg r;
	struct memsim_summary s;
	struct memsim_block_info *b;
	struct ms_held held[3];
	struct ms_list l;
	unsigned int i;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, 100 + i, &r));
		ASSERT_EQ(MS_SEG0 + i * 0x1000, r.addr);
		held[i] = (struct ms_held){ r.addr, 0x1000, 0x1000, 100 + i,
					    MEMSIM_STATE_ALLOCATED };
	}
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0 + 0x1000, 0, MEMSIM_FREE_DEFER, &f));
	EXPECT_EQ(1U, f.deferred);
	EXPECT_EQ(0x1000ULL, f.freed_size);
	EXPECT_EQ(0U, f.coalesced);
	EXPECT_EQ(0ULL, f.coalesced_addr);
	EXPECT_EQ(0ULL, f.coalesced_size);
	held[1].state = MEMSIM_STATE_FREE_REQUESTED;

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(3ULL, s.usage.live_blocks);
	EXPECT_EQ(0x3000ULL, s.usage.allocated);
	EXPECT_EQ(1ULL, s.usage.deferred_blocks);
	EXPECT_EQ(0x1000ULL, s.usage.deferred_bytes);
	EXPECT_EQ(0ULL, s.usage.frees);
	ms_check_pool(_metadata, self->fd, 2, held, 3);

	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 16, &l));
	b = ms_find_block(&l, MS_SEG0 + 0x1000);
	ASSERT_NE(NULL, b);
	EXPECT_EQ((__u32)MEMSIM_STATE_FREE_REQUESTED, b->state);
	EXPECT_LE(b->alloc_ns, b->free_ns);
	free(l.items);

	/* Not reusable yet. */
	ms_alloc_req(&r, 0x1000, 0);
	r.flags = MEMSIM_ALLOC_FIXED;
	r.fixed_addr = MS_SEG0 + 0x1000;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &r));
	/* Nor does a neighbour's free merge with it. */
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0, 0, 0, &f));
	EXPECT_EQ(0U, f.coalesced);
	EXPECT_EQ(0x1000ULL, f.coalesced_size);
	held[0] = held[2];

	ASSERT_EQ(0, ms_complete(self->fd, MS_SEG0 + 0x1000, &f));
	EXPECT_EQ(0x1000ULL, f.freed_size);
	EXPECT_EQ(1U, f.coalesced);
	EXPECT_EQ(0U, f.deferred);
	EXPECT_EQ(MS_SEG0, f.coalesced_addr);
	EXPECT_EQ(0x2000ULL, f.coalesced_size);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(0ULL, s.usage.deferred_blocks);
	EXPECT_EQ(0ULL, s.usage.deferred_bytes);
	EXPECT_EQ(2ULL, s.usage.frees);
	ms_check_pool(_metadata, self->fd, 2, held, 1);
}

TEST_F(io, sync_stream)
{
	struct memsim_alloc_arg r;
	struct memsim_summary s;
	__u64 n;
	unsigned int i;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x10000, 1));
	for (i = 0; i < 5; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, 0x100, i < 3 ? 0 : 1, 0, &r));
		ASSERT_EQ(0, ms_free(self->fd, r.addr, 0, MEMSIM_FREE_DEFER, NULL));
	}
	/* One block of stream 0 stays allocated. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 0, &r));

	ASSERT_EQ(0, ms_sync(self->fd, 0, &n));
	EXPECT_EQ(3ULL, n);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(2ULL, s.usage.deferred_blocks);
	EXPECT_EQ(3ULL, s.usage.live_blocks);
	EXPECT_EQ(3ULL, s.usage.frees);
	ASSERT_EQ(0, ms_sync(self->fd, MS_ANY, &n));
	EXPECT_EQ(2ULL, n);
	ASSERT_EQ(0, ms_sync(self->fd, MS_ANY, &n));
	EXPECT_EQ(0ULL, n);
	ASSERT_EQ(0, ms_sync(self->fd, 1, &n));
	EXPECT_EQ(0ULL, n);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(0ULL, s.usage.deferred_blocks);
	EXPECT_EQ(1ULL, s.usage.live_blocks);
	EXPECT_EQ(5ULL, s.usage.frees);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

/*
 * GET_SUMMARY, GET_STATS and GET_SEGMENTS after a known sequence on a
 * 64 KiB segment: allocations of 3000, 100, 4096 and 10 bytes.
 *   fit:   at +0, +3000, +3100, +7196; one free block of 58330 bytes.
 *   buddy: 4096 at +0, 128 at +0x1000, 4096 at +0x2000, 64 at +0x1080;
 *          free: 64 +0x10c0, 256 +0x1100, 512 +0x1200, 1K +0x1400,
 *          2K +0x1800, 4K +0x3000, 16K +0x4000, 32K +0x8000.
 */
TEST_F(io, summary_after_sequence)
{
	static const __u64 sizes[] = { 3000, 100, 4096, 10 };
	static const __u64 fit_at[] = { 0, 3000, 3100, 7196 };
	static const __u64 buddy_at[] = { 0, 0x1000, 0x2000, 0x1080 };
	static const __u64 buddy_actual[] = { 4096, 128, 4096, 64 };
	struct memsim_usage_info want;
	struct memsim_stream_info *si;
	struct memsim_alloc_arg r;
	struct memsim_summary s;
	struct ms_held held[4];
	__u64 steps = 0, peak;
	struct ms_stats *st;
	struct ms_list l;
	unsigned int i;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	memset(&want, 0, sizeof(want));
	want.total = 0x10000;
	for (i = 0; i < 4; i++) {
		__u64 actual = BUDDY ? buddy_actual[i] : sizes[i];

		ASSERT_EQ(0, ms_alloc(self->fd, sizes[i], 0, 0x70 + i, &r));
		EXPECT_EQ(MS_SEG0 + (BUDDY ? buddy_at[i] : fit_at[i]), r.addr)
			TH_LOG("allocation %u", i);
		EXPECT_EQ(actual, r.actual_size);
		held[i] = (struct ms_held){ r.addr, sizes[i], actual, 0x70 + i,
					    MEMSIM_STATE_ALLOCATED };
		want.allocated += actual;
		want.requested += sizes[i];
		steps += r.steps;
	}
	want.free = want.total - want.allocated;
	if (BUDDY) {
		static const unsigned int orders[] = { 6, 8, 9, 10, 11, 12, 14, 15 };

		want.free_blocks = 8;
		want.largest_free = 0x8000;
		for (i = 0; i < ARRAY_SIZE(orders); i++)
			want.free_hist[orders[i]] = 1;
	} else {
		want.free_blocks = 1;
		want.largest_free = 0x10000 - 7206;
		want.free_hist[15] = 1;
	}

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(variant->strategy, s.strategy);
	EXPECT_EQ(1ULL, s.nr_segments);
	EXPECT_EQ(1U, s.nr_streams);
	EXPECT_EQ(want.total, s.usage.total);
	EXPECT_EQ(want.allocated, s.usage.allocated);
	EXPECT_EQ(7206ULL, s.usage.requested);
	EXPECT_EQ(want.free, s.usage.free);
	EXPECT_EQ(want.allocated, s.usage.peak_allocated);
	EXPECT_EQ(4ULL, s.usage.live_blocks);
	EXPECT_EQ(want.free_blocks, s.usage.free_blocks);
	EXPECT_EQ(0ULL, s.usage.deferred_blocks);
	EXPECT_EQ(4ULL, s.usage.allocs);
	EXPECT_EQ(0ULL, s.usage.frees);
	EXPECT_EQ(0ULL, s.usage.failures);
	EXPECT_EQ(want.largest_free, s.usage.largest_free);
	EXPECT_EQ(ms_frag_ppm(want.free, want.largest_free), s.usage.frag_ppm);
	EXPECT_EQ(ms_ratio_ppm(want.allocated, want.total), s.usage.utilization_ppm);
	for (i = 0; i < MEMSIM_HIST_SIZE; i++)
		EXPECT_EQ(want.free_hist[i], s.usage.free_hist[i]) TH_LOG("bucket %u", i);
	/* Nothing freed yet: the history equals the state. */
	EXPECT_EQ(s.usage.allocated, s.alloc_bytes);
	EXPECT_EQ(s.usage.requested, s.requested_bytes);
	EXPECT_EQ(s.usage.requested, s.peak_requested);
	EXPECT_EQ(s.usage.live_blocks, s.peak_live_blocks);
	ms_check_pool(_metadata, self->fd, 3, held, 4);
	peak = want.allocated;

	/* Free the 100-byte block, defer the second 4096, fail one. */
	ASSERT_EQ(0, ms_free(self->fd, held[1].addr, 100, 0, NULL));
	ASSERT_EQ(0, ms_free(self->fd, held[2].addr, 4096, MEMSIM_FREE_DEFER, NULL));
	EXPECT_EQ(-ENOSPC, ms_alloc(self->fd, 0x100000, 0, 0, NULL));
	held[1] = held[3];
	held[2].state = MEMSIM_STATE_FREE_REQUESTED;

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(peak, s.usage.peak_allocated);
	EXPECT_EQ(peak - (BUDDY ? 128 : 100), s.usage.allocated);
	EXPECT_EQ(7206ULL - 100, s.usage.requested);
	EXPECT_EQ(3ULL, s.usage.live_blocks);
	EXPECT_EQ(1ULL, s.usage.deferred_blocks);
	EXPECT_EQ(4096ULL, s.usage.deferred_bytes);
	EXPECT_EQ(4ULL, s.usage.allocs);
	EXPECT_EQ(1ULL, s.usage.frees);
	EXPECT_EQ(1ULL, s.usage.failures);
	/* Fit: the freed block sits between allocated ones; buddy: its buddy is split. */
	EXPECT_EQ(want.free_blocks + 1, s.usage.free_blocks);
	ms_check_pool(_metadata, self->fd, 3, held, 3);

	/* The active strategy did all of it; the others nothing. */
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		struct memsim_strategy_stats_info *x = &st->arg.strategies[i];

		if (i != variant->strategy) {
			EXPECT_EQ(0ULL, x->allocs | x->failures | x->frees | x->steps)
				TH_LOG("strategy %u", i);
			continue;
		}
		EXPECT_EQ(4ULL, x->allocs);
		EXPECT_EQ(1ULL, x->failures);
		EXPECT_EQ(1ULL, x->frees);
		/* The failed search's steps come on top of the successful ones. */
		EXPECT_LE(steps, x->steps);
	}
	/* One stream: its counters are the pool's. */
	ASSERT_EQ(1U, st->nr_streams);
	si = ms_stream(st, 0);
	ASSERT_NE(NULL, si);
	EXPECT_EQ(1ULL, si->nr_segments);
	EXPECT_EQ(0, memcmp(&s.usage, &si->usage, sizeof(s.usage)));
	/* The segment's too, but failures are not attributed to segments. */
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 4, &l));
	ASSERT_EQ(1U, l.nr);
	s.usage.failures = 0;
	EXPECT_EQ(0, memcmp(&s.usage, &MS_SEG(&l, 0)->usage, sizeof(s.usage)));
	free(l.items);
	free(st);
}

TEST_F(io, get_stats_streams)
{
	static const __u32 streams[] = { 7, 0, 0xfffffffe, 100, 3 };
	static const __u32 sorted[] = { 0, 3, 7, 100, 0xfffffffe };
	struct memsim_stream_info out[8];
	struct memsim_stats_arg a;
	struct ms_stats *st;
	unsigned int i;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	for (i = 0; i < ARRAY_SIZE(streams); i++)
		ASSERT_EQ((long long)i + 1,
			  ms_create(self->fd, MS_SEG0 + i * 0x100000, 0x1000 * (i + 1),
				    streams[i]));
	/* Two segments on stream 7. */
	ASSERT_EQ(6, ms_create(self->fd, MS_SEG0 + 0x1000000, 0x1000, 7));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 100, 0, NULL));

	/* One at a time. */
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 1, st));
	ASSERT_EQ(5U, st->nr_streams);
	for (i = 0; i < 5; i++) {
		EXPECT_EQ(sorted[i], st->streams[i].stream);
		EXPECT_EQ(sorted[i] == 7 ? 2ULL : 1ULL, st->streams[i].nr_segments);
	}
	EXPECT_EQ(0x1000ULL * 4, ms_stream(st, 100)->usage.total);
	EXPECT_EQ(1ULL, ms_stream(st, 100)->usage.live_blocks);
	EXPECT_EQ(0x1000ULL + 0x1000, ms_stream(st, 7)->usage.total);
	EXPECT_EQ(1ULL, st->arg.strategies[variant->strategy].allocs);

	/* No room: counters only, and more says streams exist. */
	memset(&a, 0, sizeof(a));
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	EXPECT_EQ(0U, a.nr_streams);
	EXPECT_EQ(1U, a.more);
	EXPECT_EQ(1ULL, a.strategies[variant->strategy].allocs);

	/* From a cursor between stream numbers. */
	memset(&a, 0, sizeof(a));
	a.streams_ptr = (uintptr_t)out;
	a.streams_cap = 8;
	a.stream_cursor = 8;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	ASSERT_EQ(2U, a.nr_streams);
	EXPECT_EQ(100U, out[0].stream);
	EXPECT_EQ(0xfffffffeU, out[1].stream);
	EXPECT_EQ(0U, a.more);
	/* Past the last. */
	a.stream_cursor = 0xffffffffULL;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	EXPECT_EQ(0U, a.nr_streams);
	EXPECT_EQ(0U, a.more);
	a.stream_cursor = 1ULL << 40;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	EXPECT_EQ(0U, a.nr_streams);
	EXPECT_EQ(0U, a.more);
	/* Exactly the room needed: no more. */
	a.stream_cursor = 0;
	a.streams_cap = 5;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	EXPECT_EQ(5U, a.nr_streams);
	EXPECT_EQ(0U, a.more);
	a.streams_cap = 4;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &a));
	EXPECT_EQ(4U, a.nr_streams);
	EXPECT_EQ(1U, a.more);
	EXPECT_LT(100ULL, a.stream_cursor);
	EXPECT_GE(0xfffffffeULL, a.stream_cursor);
	ms_check_pool(_metadata, self->fd, 2, NULL, 0);
	free(st);
}

/* CAN_ALLOC answers exactly what ALLOC then does, and changes nothing. */
TEST_F(io, can_alloc_matches_alloc)
{
	static const __u64 sizes[] = { 0x300, 0x1000, 0x80, 0x2000, 0x500, 0x40, 0x900,
				       0x1800, 0x100, 0x700 };
	struct memsim_alloc_arg reqs[8], can, got;
	__u64 addrs[ARRAY_SIZE(sizes)];
	struct ms_snap snap;
	struct ms_stats *st;
	unsigned int i;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x4000, 1));
	for (i = 0; i < ARRAY_SIZE(sizes); i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, sizes[i], 0, i, &got));
		addrs[i] = got.addr;
	}
	for (i = 1; i < ARRAY_SIZE(sizes); i += 3)
		ASSERT_EQ(0, ms_free(self->fd, addrs[i], 0, 0, NULL));

	ms_alloc_req(&reqs[0], 0x300, 0);
	ms_alloc_req(&reqs[1], 0x300, 0);
	reqs[1].flags = MEMSIM_ALLOC_TOPDOWN;
	ms_alloc_req(&reqs[2], 0x100, 0);
	reqs[2].align = 0x400;
	ms_alloc_req(&reqs[3], 0x200, 0);
	reqs[3].flags = MEMSIM_ALLOC_RANGE;
	reqs[3].range_lo = MS_SEG0 + 0x800;
	reqs[3].range_hi = MS_SEG0 + 0x8000;
	ms_alloc_req(&reqs[4], 0x100, 1);
	ms_alloc_req(&reqs[5], 0x100, MS_ANY);
	reqs[5].flags = MEMSIM_ALLOC_TOPDOWN;
	/* Its address is picked below, from a free block of segment 1. */
	ms_alloc_req(&reqs[6], 0x40, MS_ANY);
	reqs[6].flags = MEMSIM_ALLOC_FIXED;
	ms_alloc_req(&reqs[7], 0x3000, MS_ANY);

	for (i = 0; i < ARRAY_SIZE(reqs); i++) {
		if (reqs[i].flags & MEMSIM_ALLOC_FIXED) {
			struct ms_list l;
			size_t k;

			ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 64, &l));
			for (k = 0; k < l.nr; k++) {
				struct memsim_block_info *b = MS_BLOCK(&l, k);

				if (b->state == MEMSIM_STATE_FREE && b->size >= 0x40 &&
				    b->segment_id == 1) {
					reqs[i].fixed_addr = b->addr;
					break;
				}
			}
			ASSERT_LT(k, l.nr);
			free(l.items);
		}
		ms_snap_take(_metadata, self->fd, &snap);
		can = reqs[i];
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &can)) TH_LOG("req %u", i);
		ms_snap_expect_same(_metadata, self->fd, &snap, "CAN_ALLOC");
		ms_snap_free(&snap);

		/* largest: what an unconstrained request on the stream gets. */
		ASSERT_EQ(0, ms_stats(_metadata, self->fd, 8, st));
		if (reqs[i].stream == MS_ANY) {
			struct memsim_summary s;

			ASSERT_EQ(0, ms_summary(self->fd, &s));
			EXPECT_EQ(s.usage.largest_free, can.largest) TH_LOG("req %u", i);
		} else {
			EXPECT_EQ(ms_stream(st, reqs[i].stream)->usage.largest_free,
				  can.largest) TH_LOG("req %u", i);
		}

		got = reqs[i];
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &got)) TH_LOG("req %u", i);
		EXPECT_EQ(can.addr, got.addr) TH_LOG("req %u", i);
		EXPECT_EQ(can.actual_size, got.actual_size);
		EXPECT_EQ(can.waste, got.waste);
		EXPECT_EQ(can.segment_id, got.segment_id);
		EXPECT_EQ(can.out_stream, got.out_stream);
		EXPECT_EQ(can.steps, got.steps) TH_LOG("req %u", i);
		EXPECT_EQ(can.splits, got.splits) TH_LOG("req %u", i);
		EXPECT_EQ(0ULL, got.largest);
	}
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);

	/* largest fits; one byte more does not, and largest is still written. */
	ms_alloc_req(&can, 1, 0);
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &can));
	ASSERT_NE(0ULL, can.largest);
	ms_alloc_req(&got, can.largest + 1, 0);
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &got));
	EXPECT_EQ(can.largest, got.largest);
	ms_alloc_req(&got, can.largest, 0);
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &got));
	EXPECT_EQ(can.largest, got.actual_size);
	free(st);
}

TEST_F(io, reset_everything)
{
	struct memsim_summary s, fresh;
	struct memsim_info info;
	struct ms_stats *st;
	struct ms_list l;
	unsigned int i;
	__u64 addr;
	int fd2;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	if (BUDDY)
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 128));
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x10000, 4));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, 1, NULL));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 4, 1, NULL));
	addr = MS_SEG1;
	ASSERT_EQ(0, ms_free(self->fd, addr, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(-ENOSPC, ms_alloc(self->fd, 0x100000, 0, 0, NULL));

	ASSERT_EQ(0, ms_reset(self->fd, 0));
	/* The state after open(): what a new instance reports. */
	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_summary(fd2, &fresh));
	close(fd2);
	EXPECT_EQ((__u32)MEMSIM_STRATEGY_FIRST_FIT, fresh.strategy);
	EXPECT_EQ(0ULL, fresh.usage.total);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(0, memcmp(&fresh, &s, sizeof(s))) {
		TH_LOG("strategy %u, min %llu, segments %llu, streams %u, total %llu",
		       s.strategy, (unsigned long long)s.buddy_min_block,
		       (unsigned long long)s.nr_segments, s.nr_streams,
		       (unsigned long long)s.usage.total);
	}
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	EXPECT_EQ(0U, st->nr_streams);
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		struct memsim_strategy_stats_info *x = &st->arg.strategies[i];

		EXPECT_EQ(0ULL, x->allocs | x->failures | x->frees | x->steps |
			  x->alloc_ns | x->free_ns) TH_LOG("strategy %u", i);
	}
	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 4, &l));
	EXPECT_EQ(0U, l.nr);
	free(l.items);
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 4, &l));
	EXPECT_EQ(0U, l.nr);
	free(l.items);
	EXPECT_EQ(-ENOENT, ms_complete(self->fd, addr, NULL));
	EXPECT_EQ(-ENOENT, ms_free(self->fd, MS_SEG0, 0, 0, NULL));
	EXPECT_EQ(-ENOENT, ms_sync(self->fd, 0, NULL));
	/* The same instance. */
	ASSERT_EQ(0, ms_info(self->fd, &info));
	EXPECT_EQ(self->info.instance_id, info.instance_id);
	/* And usable like a new one: ids from 1 again. */
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG1, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 0, NULL));
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
	free(st);
}

TEST_F(io, reset_keep_segments)
{
	struct memsim_summary before, s;
	struct memsim_alloc_arg r;
	struct ms_list segs0, segs1;
	struct ms_stats *st;
	unsigned int i;
	__u64 n;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	if (BUDDY)
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 128));
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x10000, 4));
	ASSERT_EQ(3, ms_create(self->fd, MS_SEG2, 0x3000, 4));
	for (i = 0; i < 6; i++)
		ASSERT_EQ(0, ms_alloc(self->fd, 0x100 * (i + 1), i & 1 ? 0 : 4, i, NULL));
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(-ENOSPC, ms_alloc(self->fd, 0x100000, 0, 0, NULL));
	/* The last allocation is on stream 4, above segment 1. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 4, 0, NULL));
	ASSERT_EQ(0, ms_summary(self->fd, &before));
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 8, &segs0));

	ASSERT_EQ(0, ms_reset(self->fd, MEMSIM_RESET_KEEP_SEGMENTS));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(variant->strategy, s.strategy);
	EXPECT_EQ(before.buddy_min_block, s.buddy_min_block);
	EXPECT_EQ(3ULL, s.nr_segments);
	EXPECT_EQ(2U, s.nr_streams);
	EXPECT_EQ(before.usage.total, s.usage.total);
	EXPECT_EQ(s.usage.total, s.usage.free);
	EXPECT_EQ(0ULL, s.usage.allocated | s.usage.requested | s.usage.live_blocks |
		  s.usage.deferred_blocks | s.usage.deferred_bytes);
	/* Statistics cleared. */
	EXPECT_EQ(0ULL, s.usage.allocs | s.usage.frees | s.usage.failures |
		  s.usage.peak_allocated);
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		struct memsim_strategy_stats_info *x = &st->arg.strategies[i];

		EXPECT_EQ(0ULL, x->allocs | x->failures | x->frees | x->steps |
			  x->alloc_ns | x->free_ns) TH_LOG("strategy %u", i);
	}
	for (i = 0; i < st->nr_streams; i++)
		EXPECT_EQ(0ULL, st->streams[i].usage.allocs | st->streams[i].usage.failures |
			  st->streams[i].usage.frees | st->streams[i].usage.peak_allocated);

	/* The same segments, each free as when created. */
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, 8, &segs1));
	ASSERT_EQ(segs0.nr, segs1.nr);
	for (i = 0; i < segs1.nr; i++) {
		struct memsim_segment_info *a = MS_SEG(&segs0, i), *b = MS_SEG(&segs1, i);

		EXPECT_EQ(a->id, b->id);
		EXPECT_EQ(a->start, b->start);
		EXPECT_EQ(a->size, b->size);
		EXPECT_EQ(a->device, b->device);
		EXPECT_EQ(a->stream, b->stream);
		EXPECT_EQ(b->size, b->usage.free);
		EXPECT_EQ(0ULL, b->usage.allocs | b->usage.peak_allocated);
		expect_fresh_blocks(_metadata, self->fd, BUDDY, b->start, b->size, b->id);
	}
	free(segs0.items);
	free(segs1.items);
	EXPECT_EQ(0, ms_sync(self->fd, MS_ANY, &n));
	EXPECT_EQ(0ULL, n);
	EXPECT_EQ(-ENOENT, ms_free(self->fd, MS_SEG0 + 0x100, 0, 0, NULL));
	EXPECT_EQ(-ENOENT, ms_complete(self->fd, MS_SEG0, NULL));

	/* Usable again; new segment ids do not collide with the kept ones. */
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 0, &r));
	EXPECT_EQ(MS_SEG0, r.addr);
	EXPECT_LT(3, ms_create(self->fd, 0x2000000, 0x1000, 0));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(1ULL, s.usage.allocs);
	EXPECT_EQ(0x100ULL, s.usage.peak_allocated);
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
	free(st);
}

/* Two opens are two devices: neither sees nor frees the other's blocks. */
TEST_F(io, isolation_between_fds)
{
	struct memsim_alloc_arg r1, r2;
	struct memsim_summary s;
	struct ms_list l;
	int fd2;

	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_set_strategy(fd2, variant->strategy, 0));
	/* Before fd2 has any segment. */
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, 7, &r1));
	EXPECT_EQ(-ENOENT, ms_free(fd2, r1.addr, 0, 0, NULL));

	/* The same layout on fd2: the same addresses, separately. */
	ASSERT_EQ(1, ms_create(fd2, MS_SEG0, 0x10000, 0));
	EXPECT_EQ(-ENOENT, ms_free(fd2, r1.addr, 0, 0, NULL));
	EXPECT_EQ(-ENOENT, ms_free(fd2, r1.addr, 0, MEMSIM_FREE_DEFER, NULL));
	EXPECT_EQ(-ENOENT, ms_complete(fd2, r1.addr, NULL));
	ASSERT_EQ(0, ms_blocks(_metadata, fd2, 4, &l));
	EXPECT_EQ(1U, l.nr);
	EXPECT_EQ((__u32)MEMSIM_STATE_FREE, MS_BLOCK(&l, 0)->state);
	free(l.items);
	ASSERT_EQ(0, ms_alloc(fd2, 0x1000, 0, 8, &r2));
	EXPECT_EQ(r1.addr, r2.addr);
	ASSERT_EQ(0, ms_free(fd2, r2.addr, 0, MEMSIM_FREE_DEFER, NULL));

	/* fd1's block is untouched by fd2's deferred free and sync. */
	ASSERT_EQ(0, ms_sync(fd2, MS_ANY, NULL));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(1ULL, s.usage.live_blocks);
	EXPECT_EQ(0ULL, s.usage.deferred_blocks);
	EXPECT_EQ(0ULL, s.usage.frees);

	/* A reset or strategy switch of fd2 leaves fd1 alone. */
	ASSERT_EQ(0, ms_reset(fd2, 0));
	ASSERT_EQ(0, ms_set_strategy(fd2, BUDDY ? MEMSIM_STRATEGY_FIRST_FIT :
				     MEMSIM_STRATEGY_BUDDY, 0));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(variant->strategy, s.strategy);
	EXPECT_EQ(1ULL, s.nr_segments);
	ASSERT_EQ(0, ms_free(self->fd, r1.addr, 0x1000, 0, NULL));
	close(fd2);
	ms_check_pool(_metadata, self->fd, 4, NULL, 0);
}

/* fork() shares the open file, and with it the instance. */
TEST_F(io, fork_shares_instance)
{
	struct memsim_info info;
	struct memsim_summary s;
	int status;
	pid_t pid;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memsim_alloc_arg r;
		int ok;

		ok = !ms_info(self->fd, &info) && info.instance_id == self->info.instance_id &&
		     !ms_alloc(self->fd, 0x1000, 0, 42, &r) && r.addr == MS_SEG0;
		_exit(ok ? 0 : 1);
	}
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	ASSERT_TRUE(WIFEXITED(status));
	EXPECT_EQ(0, WEXITSTATUS(status));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(1ULL, s.usage.live_blocks);
	EXPECT_EQ(0, ms_free(self->fd, MS_SEG0, 0x1000, 0, NULL));
}

/* Is instance @id listed in debugfs?  -1 when debugfs is not readable. */
static int debugfs_lists(__u64 id)
{
	char line[256];
	int found = 0;
	FILE *f;

	f = fopen("/sys/kernel/debug/memsim/instances", "r");
	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		if (strtoull(line, NULL, 10) == id && line[0] != 'i')
			found = 1;
	fclose(f);
	return found;
}

/*
 * Closing an instance that holds segments, blocks and deferred frees
 * releases all of it (the VM harness checks kmemleak afterwards); a dup()
 * keeps the instance alive until the last close.
 */
TEST_F(io, close_releases_everything)
{
	struct memsim_batch_op *ops;
	struct memsim_batch_arg ba;
	struct memsim_info info;
	int fd2, fd3, listed;
	unsigned int i, n = 256;

	if (n > self->info.max_batch)
		n = self->info.max_batch;
	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_info(fd2, &info));
	ASSERT_EQ(0, ms_set_strategy(fd2, variant->strategy, 0));
	ASSERT_EQ(1, ms_create(fd2, MS_SEG0, 0x100000, 0));
	ASSERT_EQ(2, ms_create(fd2, MS_SEG1, 0x100000, 1));
	ASSERT_EQ(3, ms_create(fd2, MS_SEG2, 0x1000, 2));
	ops = calloc(n, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < n; i++) {
		ops[i].op = MEMSIM_BATCH_ALLOC;
		ops[i].size = 64 + 8 * i;
		ops[i].stream = i & 1;
		ops[i].tag = i;
	}
	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = n;
	ASSERT_EQ(0, ms_ioctl(fd2, MEMSIM_IOC_BATCH, &ba));
	ASSERT_EQ(n, ba.done);
	ASSERT_EQ(0U, ba.failed);
	for (i = 0; i < n; i += 3)
		ASSERT_EQ(0, ms_free(fd2, ops[i].addr, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(-ENOSPC, ms_alloc(fd2, 1ULL << 30, 0, 0, NULL));
	free(ops);

	fd3 = dup(fd2);
	ASSERT_LE(0, fd3);
	listed = debugfs_lists(info.instance_id);
	if (listed >= 0)
		EXPECT_EQ(1, listed);
	ASSERT_EQ(0, close(fd2));
	/* Still alive through the dup. */
	ASSERT_EQ(0, ms_info(fd3, &info));
	ms_check_pool(_metadata, fd3, 64, NULL, 0);
	if (listed >= 0)
		EXPECT_EQ(1, debugfs_lists(info.instance_id));
	ASSERT_EQ(0, close(fd3));
	if (listed >= 0)
		EXPECT_EQ(0, debugfs_lists(info.instance_id));
}

/* A segment that ends at the top of the address space, U64_MAX. */
TEST_F(io, top_of_address_space)
{
	const __u64 start = ~0ULL - 0xfffff, size = 0xfffff;	/* ends at ~0ULL */
	struct memsim_safe_range_arg sr;
	struct memsim_overlap_arg ov;
	struct memsim_alloc_arg a;

	ASSERT_EQ(1, ms_create(self->fd, start, size, 0));
	expect_fresh_blocks(_metadata, self->fd, BUDDY, start, size, 1);

	memset(&ov, 0, sizeof(ov));
	ov.start = ~0ULL - 0x10;
	ov.size = 0x10;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
	EXPECT_EQ((__u32)MEMSIM_OVERLAP_KIND_CONTAINED, ov.kind);

	memset(&sr, 0, sizeof(sr));
	sr.size = 0x1000;
	sr.min = start - 0x100000;
	sr.max = ~0ULL;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));
	EXPECT_EQ(start - 0x100000, sr.addr);
	sr.min = start;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));

	ms_alloc_req(&a, 0x1000, 0);
	a.flags = MEMSIM_ALLOC_TOPDOWN;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	if (BUDDY) {
		/* Roots 512K, 256K, ... 1: the 4 KiB root is the smallest fit. */
		EXPECT_EQ(~0ULL - 0x1fff, a.addr);
		EXPECT_EQ(0x80000ULL, a.largest);
	} else {
		EXPECT_EQ(~0ULL - 0x1000, a.addr);
		EXPECT_EQ(size, a.largest);
	}
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(0, ms_free(self->fd, a.addr, 0, 0, NULL));

	if (!BUDDY) {
		/* The very last bytes, and the whole segment. */
		EXPECT_EQ(0, ms_alloc_fixed(self->fd, ~0ULL - 0x10, 0x10, 0));
		EXPECT_EQ(-ENOSPC, ms_alloc(self->fd, size, 0, 0, NULL));
		EXPECT_EQ(0, ms_free(self->fd, ~0ULL - 0x10, 0x10, 0, NULL));
		ASSERT_EQ(0, ms_alloc(self->fd, size, 0, 0, &a));
		EXPECT_EQ(start, a.addr);
		EXPECT_EQ(0U, a.splits);
	} else {
		/* The smallest root, a single byte, can never be allocated. */
		ms_alloc_req(&a, 1, 0);
		a.flags = MEMSIM_ALLOC_RANGE;
		a.range_lo = ~0ULL - 1;
		a.range_hi = ~0ULL;
		EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
		ASSERT_EQ(0, ms_alloc(self->fd, 0x80000, 0, 0, &a));
		EXPECT_EQ(start, a.addr);
	}
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);
}

TEST_HARNESS_MAIN
