// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: MEMSIM_IOC_EXPLAIN_ALLOC
 *
 * Copyright (C) 2026 The memsim authors
 *
 * A fragmentation case built through the device, whose figures are worked
 * out by hand from the uapi documentation (struct memsim_explain_arg), and
 * the call's contract: it changes nothing, leaves the request part of its
 * argument unwritten, and refuses what CAN_ALLOC refuses.
 */
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

#define MB (1ULL << 20)

FIXTURE(explain)
{
	int fd;
};

FIXTURE_SETUP(explain)
{
	self->fd = ms_open();
	if (self->fd == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_GE(self->fd, 0);
	ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BEST_FIT, 0));
}

FIXTURE_TEARDOWN(explain)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int explain(int fd, const struct memsim_alloc_arg *req, struct memsim_explain_arg *e)
{
	memset(e, 0, sizeof(*e));
	e->req = *req;
	return ms_ioctl(fd, MEMSIM_IOC_EXPLAIN_ALLOC, e);
}

TEST_F(explain, feature_bit)
{
	struct memsim_info info;

	ASSERT_EQ(0, ms_info(self->fd, &info));
	EXPECT_NE(0ULL, info.features & MEMSIM_FEATURE_EXPLAIN);
}

/*
 * 64 blocks of 1 MiB in a 64 MiB segment, every other one freed: 32 MiB
 * free in 32 blocks of 1 MiB; a 2 MiB request fails and is explained.
 */
TEST_F(explain, scattered_free_space)
{
	struct memsim_alloc_arg a, kept;
	struct memsim_explain_arg e;
	struct memsim_summary before, after;
	__u64 addr[64];
	unsigned int i;

	ASSERT_GT(ms_create(self->fd, 0, 64 * MB, 1), 0);
	for (i = 0; i < 64; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, MB, 1, i, &a));
		addr[i] = a.addr;
	}
	for (i = 0; i < 64; i += 2)
		ASSERT_EQ(0, ms_free(self->fd, addr[i], 0, 0, NULL));

	ms_alloc_req(&a, 2 * MB, 1);
	ASSERT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	ASSERT_EQ(0, ms_summary(self->fd, &before));

	/* The failed argument as it came back, out fields and all. */
	kept = a;
	ASSERT_EQ(0, explain(self->fd, &a, &e));
	EXPECT_EQ(0, memcmp(&kept, &e.req, sizeof(kept)));
	EXPECT_EQ(32 * MB, e.free_bytes);
	EXPECT_EQ(MB, e.largest_free);
	EXPECT_EQ(MB, e.largest_alloc);
	EXPECT_EQ(32ULL, e.free_blocks);
	EXPECT_EQ(0ULL, e.deferred_bytes);
	EXPECT_EQ(0ULL, e.other_free_bytes);
	EXPECT_EQ(968750U, e.frag_ppm);		/* 1 - 1/32 */
	EXPECT_EQ(0U, e.would_fit);
	ASSERT_EQ((__u32)MEMSIM_EXPLAIN_MAX, e.nr_blocks);
	for (i = 0; i < MEMSIM_EXPLAIN_MAX; i++) {
		/* Equal sizes: from the highest free block, 62 MiB, down. */
		EXPECT_EQ((62 - 2 * i) * MB, e.blocks[i].addr);
		EXPECT_EQ(MB, e.blocks[i].size);
		EXPECT_EQ(MB, e.blocks[i].usable);
		EXPECT_EQ(1U, e.blocks[i].stream);
		EXPECT_EQ((__u32)MEMSIM_REFUSED_SMALL, e.blocks[i].reason);
		EXPECT_NE(0ULL, e.blocks[i].segment_id);
	}
	EXPECT_EQ(0ULL, e.reserved[0] | e.reserved[1]);
	EXPECT_EQ(0U, e.pad);

	/* A query: the instance is as it was. */
	ASSERT_EQ(0, ms_summary(self->fd, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));

	/* A fixed block in the free MiB at 10 MiB would fit there. */
	ms_alloc_req(&a, MB, 1);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = 10 * MB;
	ASSERT_EQ(0, explain(self->fd, &a, &e));
	EXPECT_EQ(1U, e.would_fit);
	/* Only the block at 10 MiB holds the fixed window. */
	for (i = 0; i < e.nr_blocks; i++)
		EXPECT_EQ((__u32)(e.blocks[i].addr == 10 * MB ? MEMSIM_REFUSED_FITS :
				  MEMSIM_REFUSED_RANGE), e.blocks[i].reason);
}

/* Stream 2's free space is no use to stream 1; a pending free is shown. */
TEST_F(explain, streams_and_pending_frees)
{
	struct memsim_alloc_arg a;
	struct memsim_explain_arg e;

	ASSERT_GT(ms_create(self->fd, 0, 4 * MB, 1), 0);
	ASSERT_GT(ms_create(self->fd, 16 * MB, 8 * MB, 2), 0);
	ASSERT_EQ(0, ms_alloc(self->fd, 4 * MB, 1, 0, &a));
	ASSERT_EQ(0, ms_free(self->fd, a.addr, 0, MEMSIM_FREE_DEFER, NULL));

	ms_alloc_req(&a, MB, 1);
	ASSERT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	ASSERT_EQ(0, explain(self->fd, &a, &e));
	EXPECT_EQ(0ULL, e.free_bytes);
	EXPECT_EQ(0ULL, e.largest_free);
	EXPECT_EQ(4 * MB, e.deferred_bytes);
	EXPECT_EQ(8 * MB, e.other_free_bytes);
	EXPECT_EQ(0U, e.frag_ppm);
	ASSERT_EQ(2U, e.nr_blocks);
	EXPECT_EQ(16 * MB, e.blocks[0].addr);
	EXPECT_EQ(2U, e.blocks[0].stream);
	EXPECT_EQ((__u32)MEMSIM_REFUSED_STREAM, e.blocks[0].reason);
	EXPECT_EQ(0ULL, e.blocks[1].addr);
	EXPECT_EQ(4 * MB, e.blocks[1].size);
	EXPECT_EQ((__u32)MEMSIM_REFUSED_DEFERRED, e.blocks[1].reason);
	/* Entries past nr_blocks are zero. */
	EXPECT_EQ(0ULL, e.blocks[2].size | e.blocks[7].addr);

	/* Any stream may use stream 2's block. */
	a.stream = MEMSIM_STREAM_ANY_ID;
	ASSERT_EQ(0, explain(self->fd, &a, &e));
	EXPECT_EQ(1U, e.would_fit);
	EXPECT_EQ(8 * MB, e.free_bytes);
	EXPECT_EQ((__u32)MEMSIM_REFUSED_FITS, e.blocks[0].reason);
}

/* An empty instance answers with zeros, not an error. */
TEST_F(explain, empty_instance)
{
	struct memsim_alloc_arg a;
	struct memsim_explain_arg e;

	ms_alloc_req(&a, MB, MEMSIM_STREAM_ANY_ID);
	ASSERT_EQ(0, explain(self->fd, &a, &e));
	EXPECT_EQ(0ULL, e.free_bytes | e.largest_free | e.other_free_bytes);
	EXPECT_EQ(0U, e.nr_blocks | e.would_fit | e.frag_ppm);
}

/* What CAN_ALLOC refuses, and the argument's own reserved fields. */
TEST_F(explain, refuses_what_can_alloc_refuses)
{
	struct memsim_alloc_arg a;
	struct memsim_explain_arg e;
	char *page;

	ASSERT_GT(ms_create(self->fd, 0, 4 * MB, 0), 0);
	ms_alloc_req(&a, 0, 0);
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));
	ms_alloc_req(&a, MB, 0);
	a.align = 3000;
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));
	ms_alloc_req(&a, MB, 0);
	a.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));
	ms_alloc_req(&a, MB, 0);
	a.range_lo = MB;
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));
	ms_alloc_req(&a, MB, 0);
	a.reserved = 1;
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));
	ms_alloc_req(&a, MB, 0);
	a.label_ptr = (uintptr_t)"bad\ttab";
	EXPECT_EQ(-EINVAL, explain(self->fd, &a, &e));

	ms_alloc_req(&a, MB, 0);
	memset(&e, 0, sizeof(e));
	e.req = a;
	e.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_EXPLAIN_ALLOC, &e));
	e.reserved[1] = 0;
	e.pad = 1;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_EXPLAIN_ALLOC, &e));

	page = ms_prot_none_page();
	ASSERT_NE(NULL, page);
	EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_EXPLAIN_ALLOC, page));
	munmap(page, getpagesize());
}

TEST_HARNESS_MAIN
