// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: paging through GET_BLOCKS, GET_SEGMENTS and GET_STATS
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Paging keeps no state in the kernel: each call lists the entries that
 * start at or above a cursor and returns the cursor to continue from.  The
 * tests lay out a few thousand blocks over three segments, then page with
 * small capacities and compare against a listing in pages of 4096: every
 * entry exactly once, in address order, full pages while "more" is set,
 * "more" clear exactly when nothing remains, cursors inside blocks, inside
 * gaps and past the end.  A last test changes the instance between pages
 * and checks that every block that exists throughout is listed once.
 */
#include "kselftest_harness.h"
#include "memsim_util.h"

#define NR_ALLOC	3000U	/* allocations; every other one is freed again */

FIXTURE(pg)
{
	int fd;
	struct memsim_info info;
	__u64 addr[NR_ALLOC];
	struct ms_list ref;	/* every block, listed 4096 at a time */
};

#define MS_FIXTURE pg
#include "memsim_variants.h"

/* Run @n operations as batches of at most max_batch; fills in addresses. */
static void run_batch(struct __test_metadata *_metadata, int fd, __u32 max_batch,
		      struct memsim_batch_op *ops, __u32 n)
{
	struct memsim_batch_arg ba;
	__u32 done = 0, k;

	while (done < n) {
		k = n - done < max_batch ? n - done : max_batch;
		memset(&ba, 0, sizeof(ba));
		ba.ops_ptr = (uintptr_t)(ops + done);
		ba.count = k;
		ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_BATCH, &ba));
		ASSERT_EQ(k, ba.done);
		ASSERT_EQ(0U, ba.failed);
		done += k;
	}
}

/*
 * The blocks: NR_ALLOC allocations of 64 bytes alternating between streams
 * 0 and 1, then every other block of each stream freed again, so that free
 * blocks cannot coalesce.  Tags are the allocation's index + 1.
 */
static void pg_fill(struct __test_metadata *_metadata, struct _test_data_pg *self)
{
	struct memsim_batch_op *ops;
	unsigned int i, n;

	ops = calloc(NR_ALLOC, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < NR_ALLOC; i++) {
		ops[i].op = MEMSIM_BATCH_ALLOC;
		ops[i].size = 64;
		ops[i].stream = i & 1;
		ops[i].tag = i + 1;
	}
	run_batch(_metadata, self->fd, self->info.max_batch, ops, NR_ALLOC);
	for (i = 0; i < NR_ALLOC; i++)
		self->addr[i] = ops[i].addr;
	memset(ops, 0, NR_ALLOC * sizeof(*ops));
	for (i = 0, n = 0; i < NR_ALLOC; i += 4) {
		ops[n].op = MEMSIM_BATCH_FREE;
		ops[n++].addr = self->addr[i];
		ops[n].op = MEMSIM_BATCH_FREE;
		ops[n++].addr = self->addr[i + 1];
	}
	run_batch(_metadata, self->fd, self->info.max_batch, ops, n);
	free(ops);

	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, MS_LIST_MAX, &self->ref));
	/* NR_ALLOC / 2 allocated, as many isolated free blocks, and the tails. */
	ASSERT_LE(NR_ALLOC, self->ref.nr);
}

FIXTURE_SETUP(pg)
{
	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_EQ(0, ms_set_strategy(self->fd, variant->strategy, 0));
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x100000, 0));
	ASSERT_EQ(2, ms_create(self->fd, MS_SEG1, 0x100000, 1));
	ASSERT_EQ(3, ms_create(self->fd, MS_SEG2, 0x10000, 0));
}

FIXTURE_TEARDOWN(pg)
{
	free(self->ref.items);
	if (self->fd >= 0)
		close(self->fd);
}

/* One GET_BLOCKS call. */
static int blocks_page(int fd, __u64 cursor, __u32 cap, struct memsim_block_info *buf,
		       struct memsim_list_arg *a)
{
	memset(a, 0, sizeof(*a));
	a->buf_ptr = (uintptr_t)buf;
	a->buf_cap = cap;
	a->cursor = cursor;
	return ms_ioctl(fd, MEMSIM_IOC_GET_BLOCKS, a);
}

/* Index of the first reference block starting at or above @addr. */
static size_t ref_from(struct ms_list *ref, __u64 addr)
{
	size_t i = 0;

	while (i < ref->nr && MS_BLOCK(ref, i)->addr < addr)
		i++;
	return i;
}

/* Small pages see exactly the reference, and pages are full while more. */
TEST_F_TIMEOUT(pg, small_pages, 120)
{
	static const __u32 caps[] = { 7, 64, 4095, 1 };
	struct memsim_block_info *buf = calloc(MS_LIST_MAX, sizeof(*buf));
	struct memsim_list_arg a;
	size_t i, alloc = 0;
	unsigned int c;

	ASSERT_NE(NULL, buf);
	pg_fill(_metadata, self);
	/* The reference is what the allocations made. */
	for (i = 0; i < self->ref.nr; i++) {
		struct memsim_block_info *b = MS_BLOCK(&self->ref, i);

		if (b->state != MEMSIM_STATE_FREE) {
			EXPECT_EQ(64ULL, b->size);
			EXPECT_EQ(64ULL, b->requested);
			alloc++;
		}
	}
	EXPECT_EQ(NR_ALLOC / 2, alloc);
	for (i = 2; i < NR_ALLOC; i += 4) {
		struct memsim_block_info *b = ms_find_block(&self->ref, self->addr[i]);

		ASSERT_NE(NULL, b) TH_LOG("block %zu at 0x%llx", i,
					  (unsigned long long)self->addr[i]);
		EXPECT_EQ((__u64)i + 1, b->tag);
		EXPECT_EQ((__u32)(i & 1), b->stream);
	}
	ms_check_pool(_metadata, self->fd, 4096, NULL, 0);

	for (c = 0; c < ARRAY_SIZE(caps); c++) {
		/* One entry at a time over the last 100 only. */
		size_t seen = caps[c] == 1 ? self->ref.nr - 100 : 0;
		__u64 cursor = seen ? MS_BLOCK(&self->ref, seen)->addr : 0;

		for (;;) {
			ASSERT_EQ(0, blocks_page(self->fd, cursor, caps[c], buf, &a));
			ASSERT_GE(self->ref.nr - seen, a.nr);
			EXPECT_EQ(0, memcmp(MS_BLOCK(&self->ref, seen), buf, a.nr * sizeof(*buf)))
				TH_LOG("cap %u: page at entry %zu differs", caps[c], seen);
			seen += a.nr;
			/* "more" exactly when entries remain. */
			EXPECT_EQ((__u32)(seen < self->ref.nr), a.more) TH_LOG("cap %u, at %zu", caps[c],
								      seen);
			if (!a.more)
				break;
			EXPECT_EQ(caps[c], a.nr) TH_LOG("short page with more set");
			/* The cursor lies after the last listed, at or before the next. */
			EXPECT_LT(MS_BLOCK(&self->ref, seen - 1)->addr, a.cursor);
			EXPECT_GE(MS_BLOCK(&self->ref, seen)->addr, a.cursor);
			cursor = a.cursor;
		}
		EXPECT_EQ(self->ref.nr, seen) TH_LOG("cap %u", caps[c]);
	}
	free(buf);
}

TEST_F(pg, cursor_semantics)
{
	struct memsim_block_info buf[8], *b;
	struct memsim_list_arg a;
	size_t n, i;
	__u64 at;

	pg_fill(_metadata, self);
	n = self->ref.nr;
	at = MS_BLOCK(&self->ref, n - 7)->addr;

	/* Exactly 7 left, room for 7: no more. */
	ASSERT_EQ(0, blocks_page(self->fd, at, 7, buf, &a));
	EXPECT_EQ(7U, a.nr);
	EXPECT_EQ(0U, a.more);
	EXPECT_EQ(0, memcmp(MS_BLOCK(&self->ref, n - 7), buf, 7 * sizeof(buf[0])));
	/* Room for 8. */
	ASSERT_EQ(0, blocks_page(self->fd, at, 8, buf, &a));
	EXPECT_EQ(7U, a.nr);
	EXPECT_EQ(0U, a.more);
	/* Room for 6: one more page of one. */
	ASSERT_EQ(0, blocks_page(self->fd, at, 6, buf, &a));
	EXPECT_EQ(6U, a.nr);
	EXPECT_EQ(1U, a.more);
	ASSERT_EQ(0, blocks_page(self->fd, a.cursor, 6, buf, &a));
	EXPECT_EQ(1U, a.nr);
	EXPECT_EQ(0U, a.more);
	EXPECT_EQ(MS_BLOCK(&self->ref, n - 1)->addr, buf[0].addr);

	/* Inside a block: that block is not listed, the next one is. */
	i = self->ref.nr / 3;
	b = MS_BLOCK(&self->ref, i);
	ASSERT_EQ(0, blocks_page(self->fd, b->addr + 1, 4, buf, &a));
	ASSERT_EQ(4U, a.nr);
	EXPECT_EQ(MS_BLOCK(&self->ref, i + 1)->addr, buf[0].addr);
	/* At a block's start: it is. */
	ASSERT_EQ(0, blocks_page(self->fd, b->addr, 4, buf, &a));
	EXPECT_EQ(b->addr, buf[0].addr);

	/* In the gap between segments 1 and 2: the first block of segment 2. */
	ASSERT_EQ(0, blocks_page(self->fd, MS_SEG0 + 0x100000 + 0x10, 4, buf, &a));
	ASSERT_EQ(4U, a.nr);
	EXPECT_EQ(MS_SEG1, buf[0].addr);
	EXPECT_EQ(2ULL, buf[0].segment_id);
	/* Inside the last block of segment 1: segment 2 follows. */
	i = ref_from(&self->ref, MS_SEG1) - 1;
	ASSERT_EQ(0, blocks_page(self->fd, MS_BLOCK(&self->ref, i)->addr + 1, 4, buf, &a));
	EXPECT_EQ(MS_SEG1, buf[0].addr);
	/* Before everything. */
	ASSERT_EQ(0, blocks_page(self->fd, 1, 4, buf, &a));
	EXPECT_EQ(MS_SEG0, buf[0].addr);
	/* Inside the last block, past the end, at the top. */
	ASSERT_EQ(0, blocks_page(self->fd, MS_SEG2 + 0xffff, 4, buf, &a));
	EXPECT_EQ(0U, a.nr);
	EXPECT_EQ(0U, a.more);
	ASSERT_EQ(0, blocks_page(self->fd, MS_SEG2 + 0x10000, 4, buf, &a));
	EXPECT_EQ(0U, a.nr);
	EXPECT_EQ(0U, a.more);
	ASSERT_EQ(0, blocks_page(self->fd, ~0ULL, 4, buf, &a));
	EXPECT_EQ(0U, a.nr);
	EXPECT_EQ(0U, a.more);
}

TEST_F(pg, segments_paging)
{
	struct memsim_segment_info buf[8];
	struct ms_list all, small;
	struct memsim_list_arg a;
	unsigned int i;

	/* 3 + 50 segments, created in descending address order. */
	for (i = 0; i < 50; i++)
		ASSERT_EQ(4 + (long long)i,
			  ms_create(self->fd, 0x40000000ULL - i * 0x10000, 0x1000 + i, i % 3));
	ASSERT_EQ(0, ms_segments(_metadata, self->fd, MS_LIST_MAX, &all));
	ASSERT_EQ(53U, all.nr);
	EXPECT_EQ(1U, all.pages);
	for (i = 0; i < 7; i++) {
		ASSERT_EQ(0, ms_segments(_metadata, self->fd, i + 1, &small));
		ASSERT_EQ(53U, small.nr);
		EXPECT_EQ((53 + i) / (i + 1), small.pages) TH_LOG("cap %u", i + 1);
		EXPECT_EQ(0, memcmp(all.items, small.items,
				    53 * sizeof(struct memsim_segment_info)));
		free(small.items);
	}
	/* Address order: the new ones ascending after the first three. */
	EXPECT_EQ(53ULL, MS_SEG(&all, 3)->id);
	EXPECT_EQ(4ULL, MS_SEG(&all, 52)->id);

	/* A cursor inside a segment skips it; exactly the rest, no more. */
	memset(&a, 0, sizeof(a));
	a.buf_ptr = (uintptr_t)buf;
	a.buf_cap = 8;
	a.cursor = MS_SEG(&all, 45)->start + 1;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_SEGMENTS, &a));
	EXPECT_EQ(7U, a.nr);
	EXPECT_EQ(0U, a.more);
	EXPECT_EQ(MS_SEG(&all, 46)->id, buf[0].id);
	a.cursor = MS_SEG(&all, 45)->start;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_SEGMENTS, &a));
	EXPECT_EQ(8U, a.nr);
	EXPECT_EQ(0U, a.more);
	a.buf_cap = 7;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_SEGMENTS, &a));
	EXPECT_EQ(7U, a.nr);
	EXPECT_EQ(1U, a.more);
	EXPECT_LT(MS_SEG(&all, 51)->start, a.cursor);
	EXPECT_GE(MS_SEG(&all, 52)->start, a.cursor);
	a.cursor = ~0ULL;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_SEGMENTS, &a));
	EXPECT_EQ(0U, a.nr);
	EXPECT_EQ(0U, a.more);
	free(all.items);
	ms_check_pool(_metadata, self->fd, 5, NULL, 0);
}

static __u64 xorshift(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/*
 * Allocations and frees between pages.  The blocks allocated by the fixture
 * and never touched here (stable) must each be listed exactly once; blocks
 * created or removed meanwhile may be seen or missed.
 */
TEST_F_TIMEOUT(pg, paging_while_changing, 120)
{
	struct memsim_block_info buf[7];
	unsigned char *seen;
	__u64 cursor = 0, last = 0, seed = 0x9e3779b97f4a7c15ULL;
	__u64 extra[256];
	unsigned int nextra = 0, pages = 0, i;
	struct memsim_list_arg a;
	bool have_last = false;

	seen = calloc(NR_ALLOC, 1);
	ASSERT_NE(NULL, seen);
	pg_fill(_metadata, self);
	for (;;) {
		ASSERT_EQ(0, blocks_page(self->fd, cursor, 7, buf, &a));
		for (i = 0; i < a.nr; i++) {
			EXPECT_TRUE(!have_last || last < buf[i].addr);
			last = buf[i].addr;
			have_last = true;
			/* Tags of the fixture's blocks are their index + 1. */
			if (buf[i].state != MEMSIM_STATE_FREE && buf[i].tag &&
			    buf[i].tag <= NR_ALLOC) {
				ASSERT_EQ(self->addr[buf[i].tag - 1], buf[i].addr);
				EXPECT_EQ(0, seen[buf[i].tag - 1]++) TH_LOG("listed twice");
			}
		}
		if (!a.more)
			break;
		cursor = a.cursor;
		pages++;
		/* Change something, behind or ahead of the cursor. */
		if (nextra && (xorshift(&seed) & 1)) {
			unsigned int k = xorshift(&seed) % nextra;

			ASSERT_EQ(0, ms_free(self->fd, extra[k], 0, 0, NULL));
			extra[k] = extra[--nextra];
		} else if (nextra < ARRAY_SIZE(extra)) {
			struct memsim_alloc_arg r;
			int ret = ms_alloc(self->fd, 32 + xorshift(&seed) % 200,
					   xorshift(&seed) & 1, 0, &r);

			ASSERT_TRUE(ret == 0 || ret == -ENOSPC);
			if (!ret)
				extra[nextra++] = r.addr;
		}
	}
	EXPECT_LT(NR_ALLOC / 8, pages);
	for (i = 2; i < NR_ALLOC; i += 4) {
		EXPECT_EQ(1, seen[i]) TH_LOG("stable block %u seen %u times", i, seen[i]);
		EXPECT_EQ(1, seen[i + 1]) TH_LOG("stable block %u seen %u times", i + 1,
						 seen[i + 1]);
	}
	free(seen);
	ms_check_pool(_metadata, self->fd, 7, NULL, 0);
}

TEST_HARNESS_MAIN
