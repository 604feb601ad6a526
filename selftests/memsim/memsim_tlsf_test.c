// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: TLSF through the uapi
 *
 * Copyright (C) 2026 The memsim authors
 *
 * MEMSIM_STRATEGY_TLSF and its tlsf_classes parameter (0, 16 and 32 valid,
 * nothing else, and only for TLSF); the first release's GET_STATS_V1 next
 * to GET_STATS; placements worked out by hand from the rule in
 * Documentation/allocator.rst ("Two-level segregated fit").  Skips when
 * the device node is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/memsim.h>

#include "kselftest_harness.h"

#pragma GCC diagnostic ignored "-Wclobbered"

#define MEMSIM_DEV "/dev/memsim"

FIXTURE(tlsf)
{
	int fd;
};

FIXTURE_SETUP(tlsf)
{
	self->fd = open(MEMSIM_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, MEMSIM_DEV " is absent: load memsim.ko");
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(tlsf)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int set_strategy(int fd, __u32 strategy, __u64 min, __u64 classes)
{
	struct memsim_strategy_arg a;

	memset(&a, 0, sizeof(a));
	a.strategy = strategy;
	a.buddy_min_block = min;
	a.tlsf_classes = classes;
	return ioctl(fd, MEMSIM_IOC_SET_STRATEGY, &a) ? -errno : 0;
}

static int segment(int fd, __u64 start, __u64 size)
{
	struct memsim_segment_arg a;

	memset(&a, 0, sizeof(a));
	a.start = start;
	a.size = size;
	return ioctl(fd, MEMSIM_IOC_CREATE_SEGMENT, &a) ? -errno : 0;
}

static long long alloc(int fd, __u64 size, __u32 flags, __u64 addr)
{
	struct memsim_alloc_arg a;

	memset(&a, 0, sizeof(a));
	a.size = size;
	a.stream = MEMSIM_STREAM_ANY_ID;
	a.flags = flags;
	a.fixed_addr = addr;
	if (ioctl(fd, MEMSIM_IOC_ALLOC, &a))
		return -errno;
	return a.addr;
}

static int dofree(int fd, __u64 addr)
{
	struct memsim_free_arg a;

	memset(&a, 0, sizeof(a));
	a.addr = addr;
	return ioctl(fd, MEMSIM_IOC_FREE, &a) ? -errno : 0;
}

TEST_F(tlsf, parameters)
{
	ASSERT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 0));
	EXPECT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 16));
	EXPECT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 32));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 8));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 64));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 64, 0));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0, 16));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 64, 16));
	EXPECT_EQ(-EINVAL, set_strategy(self->fd, MEMSIM_STRATEGY_COUNT, 0, 0));
	/* Changing the classes with a block allocated: -EBUSY. */
	ASSERT_EQ(0, segment(self->fd, 0x100000, 0x10000));
	ASSERT_EQ(0x100000, alloc(self->fd, 0x100, 0, 0));
	EXPECT_EQ(-EBUSY, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 16));
	EXPECT_EQ(-EBUSY, set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0, 0));
	EXPECT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 32));
}

/*
 * 16 classes.  Holes of 0x430 (class [0x400, 0x440)) at 0x100000 and of
 * 0x460 ([0x440, 0x480)) at 0x100440: 0x401 rounds up past its own class
 * and takes the second; 0x400, a class bound, takes the first; 0x20 at a
 * fixed address takes exactly that.
 */
TEST_F(tlsf, placement)
{
	long long small, big;

	ASSERT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 0));
	ASSERT_EQ(0, segment(self->fd, 0x100000, 0x1000));
	small = alloc(self->fd, 0x430, 0, 0);
	ASSERT_EQ(0x100000, small);
	ASSERT_EQ(0x100430, alloc(self->fd, 0x10, 0, 0));
	big = alloc(self->fd, 0x460, 0, 0);
	ASSERT_EQ(0x100440, big);
	ASSERT_EQ(0x1008a0, alloc(self->fd, 0x10, 0, 0));
	ASSERT_EQ(0x1008b0, alloc(self->fd, 0x750, 0, 0));
	ASSERT_EQ(0, dofree(self->fd, small));
	ASSERT_EQ(0, dofree(self->fd, big));
	EXPECT_EQ(big, alloc(self->fd, 0x401, 0, 0));
	EXPECT_EQ(small, alloc(self->fd, 0x400, 0, 0));
	EXPECT_EQ(0x100400, alloc(self->fd, 0x20, MEMSIM_ALLOC_FIXED, 0x100400));
	/* Left: 0x10 at 0x100420, 0x5f at 0x100841 (class [0x5c, 0x60)). */
	EXPECT_EQ(0x100841, alloc(self->fd, 0x40, 0, 0));
	EXPECT_EQ(-ENOSPC, alloc(self->fd, 0x20, 0, 0));
}

/* GET_STATS counts TLSF's allocations; the first release's command still works. */
TEST_F(tlsf, stats_v1)
{
	struct memsim_stats_arg st;
	struct memsim_stats_arg_v1 v1;

	ASSERT_EQ(0, segment(self->fd, 0x100000, 0x1000));
	ASSERT_EQ(0x100000, alloc(self->fd, 0x10, 0, 0));
	ASSERT_EQ(0, dofree(self->fd, 0x100000));
	ASSERT_EQ(0, set_strategy(self->fd, MEMSIM_STRATEGY_TLSF, 0, 0));
	ASSERT_EQ(0x100000, alloc(self->fd, 0x10, 0, 0));
	ASSERT_EQ(0x100010, alloc(self->fd, 0x10, 0, 0));

	memset(&st, 0, sizeof(st));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_STATS, &st));
	EXPECT_EQ(1ULL, st.strategies[MEMSIM_STRATEGY_FIRST_FIT].allocs);
	EXPECT_EQ(2ULL, st.strategies[MEMSIM_STRATEGY_TLSF].allocs);

	memset(&v1, 0, sizeof(v1));
	EXPECT_NE(MEMSIM_IOC_GET_STATS, MEMSIM_IOC_GET_STATS_V1);
	EXPECT_EQ(5 * sizeof(struct memsim_strategy_stats_info) + 48, sizeof(v1));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_STATS_V1, &v1));
	EXPECT_EQ(1ULL, v1.strategies[MEMSIM_STRATEGY_FIRST_FIT].allocs);
	EXPECT_EQ(1ULL, v1.strategies[MEMSIM_STRATEGY_FIRST_FIT].frees);
	EXPECT_EQ(0ULL, v1.nr_streams);
	v1.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MEMSIM_IOC_GET_STATS_V1, &v1));
	EXPECT_EQ(EINVAL, errno);
}

TEST_HARNESS_MAIN
