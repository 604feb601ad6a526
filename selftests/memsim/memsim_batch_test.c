// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: MEMSIM_IOC_BATCH and MEMSIM_IOC_SIMULATE
 *
 * Copyright (C) 2026 The memsim authors
 *
 * BATCH: a mixed list of operations with expected per-operation results,
 * run to the end and with MEMSIM_BATCH_STOP_ON_ERROR; malformed operations
 * that fail the whole call before anything runs; a full batch of max_batch
 * operations; and the same random operations run as batches on one
 * instance and one by one on another, which must agree exactly.
 *
 * SIMULATE: counts worked out for workloads whose outcome is forced, the
 * relations between its outputs and the instance's counters, and
 * determinism: the same seed on the same state gives the same outputs and
 * the same blocks, another seed a different run.
 */
#include <signal.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

FIXTURE(bt)
{
	int fd;
	struct memsim_info info;
};

#define MS_FIXTURE bt
#include "memsim_variants.h"

/* Two 64 KiB segments: stream 0 at MS_SEG0, stream 1 at MS_SEG1. */
static int bt_instance(int fd, __u32 strategy)
{
	int ret = ms_set_strategy(fd, strategy, 0);

	if (!ret && ms_create(fd, MS_SEG0, 0x10000, 0) != 1)
		ret = -EIO;
	if (!ret && ms_create(fd, MS_SEG1, 0x10000, 1) != 2)
		ret = -EIO;
	return ret;
}

FIXTURE_SETUP(bt)
{
	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_EQ(0, bt_instance(self->fd, variant->strategy));
}

FIXTURE_TEARDOWN(bt)
{
	if (self->fd >= 0)
		close(self->fd);
}

static int batch(int fd, struct memsim_batch_op *ops, __u32 n, __u32 flags,
		 struct memsim_batch_arg *out)
{
	struct memsim_batch_arg ba;
	int ret;

	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = n;
	ba.flags = flags;
	ret = ms_ioctl(fd, MEMSIM_IOC_BATCH, &ba);
	if (out)
		*out = ba;
	return ret;
}

static struct memsim_batch_op op_alloc(__u64 size, __u32 stream, __u64 tag)
{
	return (struct memsim_batch_op){ .op = MEMSIM_BATCH_ALLOC, .size = size,
					 .stream = stream, .tag = tag };
}

static struct memsim_batch_op op_free(__u64 addr, __u64 size, __u32 flags)
{
	return (struct memsim_batch_op){ .op = MEMSIM_BATCH_FREE, .addr = addr,
					 .size = size, .flags = flags };
}

static struct memsim_batch_op op_complete(__u64 addr)
{
	return (struct memsim_batch_op){ .op = MEMSIM_BATCH_COMPLETE_FREE, .addr = addr };
}

/*
 * A mixed batch.  On fresh segments the three 4 KiB blocks go to MS_SEG0,
 * +0x1000 and +0x2000 under every strategy.
 */
#define A	MS_SEG0
#define B	(MS_SEG0 + 0x1000)
#define C	(MS_SEG0 + 0x2000)
#define NR_MIXED	14

static void mixed_ops(struct memsim_batch_op *ops)
{
	ops[0] = op_alloc(4096, 0, 1);
	ops[1] = op_alloc(4096, 0, 2);
	ops[2] = op_alloc(4096, 0, 3);
	ops[3] = op_free(A, 4096, 0);
	ops[4] = op_free(B, 0, MEMSIM_FREE_DEFER);
	ops[5] = op_complete(B);
	ops[6] = op_free(0xdead000, 0, 0);			/* -ENOENT */
	ops[7] = op_alloc(1ULL << 30, 0, 0);			/* -ENOSPC */
	ops[8] = op_alloc(0x1000, 1, 8);
	ops[8].flags = MEMSIM_ALLOC_FIXED;
	ops[8].addr = MS_SEG1 + 0x4000;
	ops[9] = op_free(C, 100, 0);				/* -EINVAL: size */
	ops[10] = op_alloc(100, MS_ANY, 10);
	ops[11] = op_free(C, 0, MEMSIM_FREE_DEFER);
	ops[12] = op_free(C, 0, 0);				/* -EBUSY */
	ops[13] = op_complete(C);
}

static const int mixed_errors[NR_MIXED] = {
	0, 0, 0, 0, 0, 0, -ENOENT, -ENOSPC, 0, -EINVAL, 0, 0, -EBUSY, 0,
};

TEST_F(bt, mixed_run_to_end)
{
	struct memsim_batch_op ops[NR_MIXED];
	__u64 small = ms_actual(variant->strategy, 100, 64);
	struct memsim_batch_arg ba;
	struct memsim_summary s;
	struct ms_held held[2];
	unsigned int i;

	mixed_ops(ops);
	ASSERT_EQ(0, batch(self->fd, ops, NR_MIXED, 0, &ba));
	EXPECT_EQ((__u32)NR_MIXED, ba.done);
	EXPECT_EQ(4U, ba.failed);
	EXPECT_EQ(0ULL, ba.reserved[0] | ba.reserved[1]);
	for (i = 0; i < NR_MIXED; i++) {
		EXPECT_EQ(mixed_errors[i], ops[i].error) TH_LOG("op %u", i);
		if (ops[i].error)
			EXPECT_EQ(0ULL, ops[i].result_size) TH_LOG("op %u", i);
	}
	EXPECT_EQ(A, ops[0].addr);
	EXPECT_EQ(B, ops[1].addr);
	EXPECT_EQ(C, ops[2].addr);
	EXPECT_EQ(4096ULL, ops[0].result_size);
	EXPECT_EQ(4096ULL, ops[3].result_size);
	EXPECT_EQ(4096ULL, ops[4].result_size);
	EXPECT_EQ(4096ULL, ops[5].result_size);
	EXPECT_EQ(0ULL, ops[7].addr);
	EXPECT_EQ(MS_SEG1 + 0x4000, ops[8].addr);
	EXPECT_EQ(0x1000ULL, ops[8].result_size);
	EXPECT_EQ(small, ops[10].result_size);
	EXPECT_EQ(4096ULL, ops[11].result_size);
	EXPECT_EQ(4096ULL, ops[13].result_size);

	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(5ULL, s.usage.allocs);
	EXPECT_EQ(3ULL, s.usage.frees);
	EXPECT_EQ(1ULL, s.usage.failures);
	EXPECT_EQ(2ULL, s.usage.live_blocks);
	held[0] = (struct ms_held){ ops[8].addr, 0x1000, 0x1000, 8, MEMSIM_STATE_ALLOCATED };
	held[1] = (struct ms_held){ ops[10].addr, 100, small, 10, MEMSIM_STATE_ALLOCATED };
	ms_check_pool(_metadata, self->fd, 4, held, 2);
}

TEST_F(bt, mixed_stop_on_error)
{
	struct memsim_batch_op ops[NR_MIXED], orig[NR_MIXED];
	struct memsim_batch_arg ba;
	struct memsim_summary s;
	struct ms_held held;
	unsigned int i;

	mixed_ops(ops);
	memcpy(orig, ops, sizeof(ops));
	ASSERT_EQ(0, batch(self->fd, ops, NR_MIXED, MEMSIM_BATCH_STOP_ON_ERROR, &ba));
	/* Ops 0..6 ran; op 6 failed and stopped it. */
	EXPECT_EQ(7U, ba.done);
	EXPECT_EQ(1U, ba.failed);
	for (i = 0; i < 7; i++)
		EXPECT_EQ(mixed_errors[i], ops[i].error) TH_LOG("op %u", i);
	/* The rest was neither run nor written. */
	EXPECT_EQ(0, memcmp(&orig[7], &ops[7], sizeof(ops) - 7 * sizeof(ops[0])));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(3ULL, s.usage.allocs);
	EXPECT_EQ(2ULL, s.usage.frees);
	EXPECT_EQ(0ULL, s.usage.failures);
	held = (struct ms_held){ C, 4096, 4096, 3, MEMSIM_STATE_ALLOCATED };
	ms_check_pool(_metadata, self->fd, 4, &held, 1);

	/* A batch without failure is not stopped. */
	ops[0] = op_alloc(64, 1, 0);
	ops[1] = op_free(C, 4096, 0);
	ASSERT_EQ(0, batch(self->fd, ops, 2, MEMSIM_BATCH_STOP_ON_ERROR, &ba));
	EXPECT_EQ(2U, ba.done);
	EXPECT_EQ(0U, ba.failed);
}

/* A malformed operation anywhere fails the whole call; nothing runs. */
TEST_F(bt, malformed_operation)
{
	struct memsim_batch_op bad[18], ops[3], copy[3];
	struct ms_snap snap;
	unsigned int i, n = 0;

	bad[n++] = (struct memsim_batch_op){ .op = 0 };
	bad[n++] = (struct memsim_batch_op){ .op = 4 };
	bad[n++] = (struct memsim_batch_op){ .op = 0xffffffff, .size = 64 };
	bad[n] = op_alloc(64, 0, 0);
	bad[n++].flags = 1U << 3;				/* unknown ALLOC flag */
	bad[n] = op_alloc(64, 0, 0);
	bad[n++].flags = 1U << 31;
	bad[n] = op_alloc(64, 0, 0);
	bad[n++].range_lo = MS_SEG0;				/* without RANGE */
	bad[n] = op_alloc(64, 0, 0);
	bad[n++].range_hi = MS_SEG0 + 0x10000;
	bad[n] = op_alloc(64, 0, 0);
	bad[n++].flags = MEMSIM_FREE_DEFER << 3;
	bad[n++] = op_free(A, 0, 1U << 1);			/* unknown FREE flag */
	bad[n] = op_free(A, 0, 0);
	bad[n++].align = 64;					/* FREE has no alignment */
	bad[n] = op_free(A, 0, 0);
	bad[n++].tag = 1;
	bad[n] = op_free(A, 0, 0);
	bad[n++].stream = 1;
	bad[n] = op_free(A, 0, 0);
	bad[n++].range_hi = 1;
	bad[n] = op_complete(A);
	bad[n++].flags = MEMSIM_FREE_DEFER;
	bad[n] = op_complete(A);
	bad[n++].size = 4096;
	bad[n] = op_complete(A);
	bad[n++].tag = 5;
	bad[n] = op_complete(A);
	bad[n++].stream = 1;
	ASSERT_GE(ARRAY_SIZE(bad), n);

	ASSERT_EQ(0, ms_alloc(self->fd, 4096, 0, 0, NULL));
	ASSERT_EQ(0, ms_free(self->fd, A, 0, MEMSIM_FREE_DEFER, NULL));
	ms_snap_take(_metadata, self->fd, &snap);
	for (i = 0; i < n; i++) {
		unsigned int pos;

		for (pos = 0; pos < 3; pos++) {
			ops[0] = op_alloc(64, 0, 0);
			ops[1] = op_alloc(64, 1, 0);
			ops[2] = op_alloc(64, 0, 0);
			ops[pos] = bad[i];
			memcpy(copy, ops, sizeof(ops));
			EXPECT_EQ(-EINVAL, batch(self->fd, ops, 3, 0, NULL))
				TH_LOG("malformed op %u at %u", i, pos);
			EXPECT_EQ(0, memcmp(copy, ops, sizeof(ops)))
				TH_LOG("malformed op %u at %u: results written", i, pos);
			ms_snap_expect_same(_metadata, self->fd, &snap, "malformed batch");
			EXPECT_EQ(-EINVAL, batch(self->fd, ops, 3, MEMSIM_BATCH_STOP_ON_ERROR,
						 NULL));
			ms_snap_expect_same(_metadata, self->fd, &snap, "malformed batch");
		}
	}
	ms_snap_free(&snap);
}

/*
 * Requests that are well formed but invalid as allocations (zero size, bad
 * alignment, empty range, misaligned fixed address).  The ABI lists as
 * "malformed" only unknown ops and flags and non-zero unused fields, so
 * these are taken as the operation's own -EINVAL; a kernel that rejects
 * the whole call instead must then have run nothing.
 */
TEST_F(bt, invalid_allocation_in_batch)
{
	struct memsim_batch_op bad[4], ops[3];
	struct memsim_batch_arg ba;
	struct ms_snap snap;
	unsigned int i;
	int ret;

	bad[0] = op_alloc(0, 0, 0);
	bad[1] = op_alloc(64, 0, 0);
	bad[1].align = 3;
	bad[2] = op_alloc(64, 0, 0);
	bad[2].flags = MEMSIM_ALLOC_RANGE;
	bad[2].range_lo = MS_SEG0 + 0x100;
	bad[2].range_hi = MS_SEG0 + 0x100;
	bad[3] = op_alloc(0x1000, 0, 0);
	bad[3].flags = MEMSIM_ALLOC_FIXED;
	bad[3].align = 0x1000;
	bad[3].addr = MS_SEG0 + 0x10;

	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		ms_snap_take(_metadata, self->fd, &snap);
		ops[0] = op_alloc(64, 0, 0);
		ops[1] = bad[i];
		ops[2] = op_alloc(64, 1, 0);
		ret = batch(self->fd, ops, 3, 0, &ba);
		if (ret) {
			EXPECT_EQ(-EINVAL, ret);
			ms_snap_expect_same(_metadata, self->fd, &snap, "rejected batch");
		} else {
			EXPECT_EQ(3U, ba.done) TH_LOG("case %u", i);
			EXPECT_EQ(1U, ba.failed);
			EXPECT_EQ(0, ops[0].error);
			EXPECT_EQ(-EINVAL, ops[1].error) TH_LOG("case %u", i);
			EXPECT_EQ(0, ops[2].error);
			/* Not a lack of space: no failure counted. */
			ASSERT_EQ(0, ms_summary(self->fd, &snap.summary));
			EXPECT_EQ(0ULL, snap.summary.usage.failures);
		}
		ms_snap_free(&snap);
	}
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);
}

TEST_F_TIMEOUT(bt, full_batch, 120)
{
	__u32 n = self->info.max_batch, i;
	struct memsim_batch_op *ops;
	struct memsim_batch_arg ba;
	struct memsim_summary s;
	__u64 room = 64;

	if (n > 65536)
		SKIP(return, "max_batch %u", n);
	/* A power of two: one buddy root, filled from the bottom. */
	while (room < 64ULL * n)
		room <<= 1;
	ASSERT_EQ(3, ms_create(self->fd, 0x10000000ULL, room, 2));
	ops = calloc(n, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < n; i++)
		ops[i] = op_alloc(64, 2, i);
	ASSERT_EQ(0, batch(self->fd, ops, n, 0, &ba));
	EXPECT_EQ(n, ba.done);
	EXPECT_EQ(0U, ba.failed);
	/* 64-byte blocks filling the segment from the bottom, in order. */
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, ops[i].error);
		EXPECT_EQ(0x10000000ULL + 64ULL * i, ops[i].addr) TH_LOG("op %u", i);
		if (ops[i].addr != 0x10000000ULL + 64ULL * i)
			break;
	}
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ((__u64)n, s.usage.live_blocks);
	for (i = 0; i < n; i++)
		ops[i] = op_free(0x10000000ULL + 64ULL * i, 64, i & 1 ? MEMSIM_FREE_DEFER : 0);
	ASSERT_EQ(0, batch(self->fd, ops, n, MEMSIM_BATCH_STOP_ON_ERROR, &ba));
	EXPECT_EQ(n, ba.done);
	EXPECT_EQ(0U, ba.failed);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ((__u64)n / 2, s.usage.live_blocks);
	EXPECT_EQ((__u64)n / 2, s.usage.deferred_blocks);
	ms_check_pool(_metadata, self->fd, 100, NULL, 0);
	free(ops);
}

static __u64 xorshift(__u64 *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* BATCH and the single ioctls do the same thing, result for result. */
TEST_F_TIMEOUT(bt, batch_equals_single_calls, 120)
{
	enum { CHUNK = 40, ROUNDS = 15 };
	struct memsim_batch_op ops[CHUNK], single[CHUNK];
	__u64 live[CHUNK * ROUNDS], seed = 42;
	unsigned int nlive = 0, r, i;
	struct ms_list la, lb;
	int fd2;

	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, bt_instance(fd2, variant->strategy));

	for (r = 0; r < ROUNDS; r++) {
		__u32 n = self->info.max_batch > CHUNK ? CHUNK : self->info.max_batch;
		struct memsim_batch_arg ba;

		for (i = 0; i < n; i++) {
			__u64 x = xorshift(&seed);

			if (nlive && x % 3 == 0) {
				unsigned int k = (x >> 8) % nlive;

				ops[i] = op_free(live[k], 0, (x >> 40) & 1 ? MEMSIM_FREE_DEFER : 0);
				live[k] = live[--nlive];
				if (ops[i].flags) {
					/* Complete it in the same batch. */
					if (i + 1 < n) {
						ops[i + 1] = op_complete(ops[i].addr);
						i++;
					} else {
						ops[i].flags = 0;
					}
				}
			} else {
				ops[i] = op_alloc(1 + (x >> 16) % 3000, (x >> 32) % 3 == 2 ?
						  MS_ANY : (x >> 32) % 3, i);
				if ((x >> 48) & 1)
					ops[i].flags |= MEMSIM_ALLOC_TOPDOWN;
				if ((x >> 50) & 1)
					ops[i].align = 1ULL << ((x >> 52) % 10);
			}
		}
		/* fd2: one by one. */
		memcpy(single, ops, n * sizeof(ops[0]));
		for (i = 0; i < n; i++) {
			struct memsim_batch_op *o = &single[i];

			if (o->op == MEMSIM_BATCH_ALLOC) {
				struct memsim_alloc_arg a;

				ms_alloc_req(&a, o->size, o->stream);
				a.align = o->align;
				a.flags = o->flags;
				a.tag = o->tag;
				o->error = ms_ioctl(fd2, MEMSIM_IOC_ALLOC, &a);
				o->addr = o->error ? 0 : a.addr;
				o->result_size = o->error ? 0 : a.actual_size;
			} else {
				struct memsim_free_arg f;

				if (o->op == MEMSIM_BATCH_FREE)
					o->error = ms_free(fd2, o->addr, o->size, o->flags, &f);
				else
					o->error = ms_complete(fd2, o->addr, &f);
				o->result_size = o->error ? 0 : f.freed_size;
			}
		}
		ASSERT_EQ(0, batch(self->fd, ops, n, 0, &ba));
		ASSERT_EQ(n, ba.done);
		for (i = 0; i < n; i++) {
			EXPECT_EQ(single[i].error, ops[i].error) TH_LOG("round %u op %u", r, i);
			EXPECT_EQ(single[i].addr, ops[i].addr) TH_LOG("round %u op %u", r, i);
			EXPECT_EQ(single[i].result_size, ops[i].result_size);
			if (ops[i].op == MEMSIM_BATCH_ALLOC && !ops[i].error)
				live[nlive++] = ops[i].addr;
		}
	}

	/* The same blocks, timestamps aside. */
	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 64, &la));
	ASSERT_EQ(0, ms_blocks(_metadata, fd2, 64, &lb));
	ASSERT_EQ(la.nr, lb.nr);
	for (i = 0; i < la.nr; i++) {
		MS_BLOCK(&la, i)->alloc_ns = MS_BLOCK(&lb, i)->alloc_ns;
		MS_BLOCK(&la, i)->free_ns = MS_BLOCK(&lb, i)->free_ns;
	}
	EXPECT_EQ(0, memcmp(la.items, lb.items, la.nr * sizeof(struct memsim_block_info)));
	free(la.items);
	free(lb.items);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
	close(fd2);
}

static int simulate(int fd, __u64 nr_ops, __u64 min, __u64 max, __u64 seed,
		    __u32 free_ppm, __u32 stream, struct memsim_simulate_arg *out)
{
	memset(out, 0, sizeof(*out));
	out->nr_ops = nr_ops;
	out->min_size = min;
	out->max_size = max;
	out->seed = seed;
	out->free_ppm = free_ppm;
	out->stream = stream;
	return ms_ioctl(fd, MEMSIM_IOC_SIMULATE, out);
}

/* Workloads whose outcome is forced. */
TEST_F(bt, simulate_forced_outcomes)
{
	struct memsim_simulate_arg sim;
	struct memsim_summary s;
	struct ms_stats *st;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	/* Only 4 KiB allocations, never a free: 16 fit in 64 KiB, 14 fail. */
	ASSERT_EQ(0, simulate(self->fd, 30, 4096, 4096, 7, 0, 0, &sim));
	EXPECT_EQ(16ULL, sim.successes);
	EXPECT_EQ(14ULL, sim.failures);
	EXPECT_EQ(0ULL, sim.frees);
	EXPECT_EQ(0x10000ULL, sim.final_allocated);
	EXPECT_EQ(0x10000ULL, sim.peak_allocated);
	EXPECT_EQ(0U, sim.frag_ppm);
	EXPECT_EQ(0U, sim.pad2);
	EXPECT_EQ(0ULL, sim.reserved[0] | sim.reserved[1]);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(16ULL, s.usage.allocs);
	EXPECT_EQ(14ULL, s.usage.failures);
	EXPECT_EQ(16ULL, s.usage.live_blocks);
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	EXPECT_EQ(16ULL, st->arg.strategies[variant->strategy].allocs);
	EXPECT_EQ(14ULL, st->arg.strategies[variant->strategy].failures);
	EXPECT_EQ(0ULL, ms_stream(st, 1)->usage.allocs);
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);

	/*
	 * Always free when a block of the run is live: allocate, free,
	 * allocate, ... on stream 1.  The 16 blocks above are not the run's.
	 */
	ASSERT_EQ(0, simulate(self->fd, 21, 4096, 4096, 7, 1000000, 1, &sim));
	EXPECT_EQ(11ULL, sim.successes);
	EXPECT_EQ(10ULL, sim.frees);
	EXPECT_EQ(0ULL, sim.failures);
	EXPECT_EQ(0x10000ULL + 4096, sim.final_allocated);
	EXPECT_EQ(0x10000ULL + 4096, sim.peak_allocated);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(17ULL, s.usage.live_blocks);
	EXPECT_EQ(10ULL, s.usage.frees);
	ms_check_pool(_metadata, self->fd, 8, NULL, 0);
	free(st);
}

/* What SIMULATE reports agrees with what the instance counts. */
TEST_F(bt, simulate_consistent)
{
	struct memsim_simulate_arg sim;
	struct memsim_alloc_arg r;
	struct memsim_summary s;
	struct ms_held held[3];
	struct ms_stats *st;
	struct ms_list l;
	unsigned int i;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	/* Blocks from before the run stay allocated through it. */
	for (i = 0; i < 3; i++) {
		ASSERT_EQ(0, ms_alloc(self->fd, 512, i & 1, 0xbeef + i, &r));
		held[i] = (struct ms_held){ r.addr, 512, ms_actual(variant->strategy, 512, 64),
					    0xbeef + i, MEMSIM_STATE_ALLOCATED };
	}
	ASSERT_EQ(0, simulate(self->fd, 3000, 1, 3000, 99, 450000, MS_ANY, &sim));
	EXPECT_EQ(3000ULL, sim.successes + sim.failures + sim.frees);
	EXPECT_LT(0ULL, sim.successes);
	EXPECT_LT(0ULL, sim.frees);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(3 + sim.successes, s.usage.allocs);
	EXPECT_EQ(sim.frees, s.usage.frees);
	EXPECT_EQ(sim.failures, s.usage.failures);
	EXPECT_EQ(3 + sim.successes - sim.frees, s.usage.live_blocks);
	EXPECT_EQ(s.usage.allocated, sim.final_allocated);
	EXPECT_EQ(s.usage.peak_allocated, sim.peak_allocated);
	EXPECT_EQ(s.usage.frag_ppm, sim.frag_ppm);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, 64, &l));
	for (i = 0; i < 3; i++) {
		struct memsim_block_info *b = ms_find_block(&l, held[i].addr);

		ASSERT_NE(NULL, b);
		EXPECT_EQ((__u32)MEMSIM_STATE_ALLOCATED, b->state);
		EXPECT_EQ(held[i].tag, b->tag);
	}
	free(l.items);

	/* On one stream only. */
	ASSERT_EQ(0, ms_reset(self->fd, MEMSIM_RESET_KEEP_SEGMENTS));
	ASSERT_EQ(0, simulate(self->fd, 500, 16, 1024, 5, 300000, 1, &sim));
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	EXPECT_EQ(0ULL, ms_stream(st, 0)->usage.allocs);
	EXPECT_EQ(sim.successes, ms_stream(st, 1)->usage.allocs);
	free(st);
}

/*
 * The largest run the ABI allows, 2^20 operations, is accepted.  Running it
 * takes minutes under KASAN, so a child starts it on an instance of its
 * own and is killed after a moment: a fatal signal must end the run
 * (-EINTR, never seen since the child dies).  A child that exits by itself
 * reports how the call ended: 0 (it was fast) passes, an error fails, and
 * -ENOMEM (no room for the run's 8 MiB of bookkeeping) is inconclusive.
 * The strategy does not matter: this runs once, not per variant.
 */
TEST(simulate_largest_run_accepted)
{
	int pipefd[2], status, ret;
	char c;
	pid_t pid;

	ret = ms_open();
	if (ret == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_LE(0, ret);
	close(ret);
	ASSERT_EQ(0, pipe(pipefd));
	pid = fork();
	ASSERT_LE(0, pid);
	if (pid == 0) {
		struct memsim_simulate_arg sim;
		int fd = ms_open();

		if (fd < 0 || bt_instance(fd, MEMSIM_STRATEGY_FIRST_FIT))
			_exit(100);
		if (write(pipefd[1], "r", 1) != 1)
			_exit(101);
		ret = simulate(fd, 1ULL << 20, 64, 64, 1, 500000, 0, &sim);
		_exit(ret == -ENOMEM ? 102 : ret ? 103 : 0);
	}
	close(pipefd[1]);
	ASSERT_EQ(1, read(pipefd[0], &c, 1));
	usleep(300000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &status, 0));
	close(pipefd[0]);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 102)
		SKIP(return, "no memory for a run of 2^20 operations");
	EXPECT_TRUE((WIFSIGNALED(status) && WTERMSIG(status) == SIGKILL) ||
		    (WIFEXITED(status) && WEXITSTATUS(status) == 0)) {
		TH_LOG("SIMULATE of 2^20 operations: child exit %d (103: the call failed)",
		       WIFEXITED(status) ? WEXITSTATUS(status) : -1);
	}
}

/* Blocks of an instance, timestamps cleared, for comparison. */
static void blocks_untimed(struct __test_metadata *_metadata, int fd, struct ms_list *l)
{
	size_t i;

	ASSERT_EQ(0, ms_blocks(_metadata, fd, 512, l));
	for (i = 0; i < l->nr; i++) {
		MS_BLOCK(l, i)->alloc_ns = 0;
		MS_BLOCK(l, i)->free_ns = 0;
	}
}

TEST_F(bt, simulate_deterministic)
{
	struct memsim_simulate_arg a, b, c;
	struct memsim_summary sa, sb;
	struct ms_list la, lb, lc;
	int fd2, fd3;

	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	fd3 = ms_open();
	ASSERT_LE(0, fd3);
	ASSERT_EQ(0, bt_instance(fd2, variant->strategy));
	ASSERT_EQ(0, bt_instance(fd3, variant->strategy));
	/* The same starting state on all three: one block each. */
	ASSERT_EQ(0, ms_alloc(self->fd, 777, 1, 0, NULL));
	ASSERT_EQ(0, ms_alloc(fd2, 777, 1, 0, NULL));
	ASSERT_EQ(0, ms_alloc(fd3, 777, 1, 0, NULL));

	ASSERT_EQ(0, simulate(self->fd, 2000, 1, 2048, 0x5eed, 400000, MS_ANY, &a));
	ASSERT_EQ(0, simulate(fd2, 2000, 1, 2048, 0x5eed, 400000, MS_ANY, &b));
	ASSERT_EQ(0, simulate(fd3, 2000, 1, 2048, 0x5eee, 400000, MS_ANY, &c));

	EXPECT_EQ(a.successes, b.successes);
	EXPECT_EQ(a.failures, b.failures);
	EXPECT_EQ(a.frees, b.frees);
	EXPECT_EQ(a.peak_allocated, b.peak_allocated);
	EXPECT_EQ(a.final_allocated, b.final_allocated);
	EXPECT_EQ(a.frag_ppm, b.frag_ppm);
	a.elapsed_ns = 0;
	b.elapsed_ns = 0;
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));

	ASSERT_EQ(0, ms_summary(self->fd, &sa));
	ASSERT_EQ(0, ms_summary(fd2, &sb));
	EXPECT_EQ(0, memcmp(&sa, &sb, sizeof(sa)));
	blocks_untimed(_metadata, self->fd, &la);
	blocks_untimed(_metadata, fd2, &lb);
	blocks_untimed(_metadata, fd3, &lc);
	ASSERT_EQ(la.nr, lb.nr);
	EXPECT_EQ(0, memcmp(la.items, lb.items, la.nr * sizeof(struct memsim_block_info)));

	/* Another seed: another run (two equal runs are vanishingly unlikely). */
	EXPECT_TRUE(a.successes != c.successes || a.frees != c.frees ||
		    a.final_allocated != c.final_allocated || la.nr != lc.nr ||
		    memcmp(la.items, lc.items, la.nr * sizeof(struct memsim_block_info)));

	/* Running on: still in step. */
	ASSERT_EQ(0, simulate(self->fd, 500, 8, 8192, 3, 600000, 0, &a));
	ASSERT_EQ(0, simulate(fd2, 500, 8, 8192, 3, 600000, 0, &b));
	a.elapsed_ns = 0;
	b.elapsed_ns = 0;
	EXPECT_EQ(0, memcmp(&a, &b, sizeof(a)));
	free(la.items);
	free(lb.items);
	free(lc.items);
	close(fd2);
	close(fd3);
}

TEST_HARNESS_MAIN
