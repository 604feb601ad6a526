// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: KUnit tests of the operation trace
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Trace tests
 *
 * memsim_tlog checks the ring on its own: numbering, wrap-around with drop
 * counting, cursors that fall behind, and rings replaced while records are
 * kept.  memsim_tlog_record drives a real instance through the allocator
 * core and checks every field of the records a known sequence makes,
 * including the bounds of labels longer than a record or a block holds.
 */

#include <kunit/test.h>
#include <linux/mm.h>
#include <linux/sched.h>
#include <linux/slab.h>
#include <linux/string.h>

#include "memsim_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

/* A ring of @capacity records, freed when the test ends. */
static void tlog_start(struct kunit *test, struct memsim_tlog *t, u32 capacity, u32 flags)
{
	struct memsim_trace_record *recs = kunit_kcalloc(test, capacity, sizeof(*recs),
							 GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, recs);
	memsim_tlog_swap(t, recs, capacity, flags);
}

/* Append @n records whose tag is their sequence number times 10. */
static void tlog_fill(struct kunit *test, struct memsim_tlog *t, unsigned int n)
{
	struct memsim_trace_record *rec;

	while (n--) {
		rec = memsim_tlog_append(t);
		KUNIT_ASSERT_NOT_NULL(test, rec);
		rec->tag = rec->seq * 10;
	}
}

static void tlog_off_records_nothing(struct kunit *test)
{
	struct memsim_tlog t = {};

	KUNIT_EXPECT_NULL(test, memsim_tlog_append(&t));
	KUNIT_EXPECT_EQ(test, t.head, 0ULL);
	KUNIT_EXPECT_EQ(test, memsim_tlog_oldest(&t), 0ULL);
	KUNIT_EXPECT_NULL(test, memsim_tlog_get(&t, 0));
}

static void tlog_wrap_counts_drops(struct kunit *test)
{
	struct memsim_trace_record out[8];
	struct memsim_tlog t = {};
	u64 cursor = 0, lost;
	u32 n, i;

	tlog_start(test, &t, 4, MEMSIM_TRACE_ON);
	tlog_fill(test, &t, 3);
	KUNIT_EXPECT_EQ(test, t.dropped, 0ULL);
	KUNIT_EXPECT_EQ(test, memsim_tlog_oldest(&t), 0ULL);

	tlog_fill(test, &t, 7);
	KUNIT_EXPECT_EQ(test, t.head, 10ULL);
	KUNIT_EXPECT_EQ(test, t.dropped, 6ULL);
	KUNIT_EXPECT_EQ(test, memsim_tlog_oldest(&t), 6ULL);
	KUNIT_EXPECT_NULL(test, memsim_tlog_get(&t, 5));
	KUNIT_EXPECT_NULL(test, memsim_tlog_get(&t, 10));
	for (i = 6; i < 10; i++) {
		KUNIT_ASSERT_NOT_NULL(test, memsim_tlog_get(&t, i));
		KUNIT_EXPECT_EQ(test, memsim_tlog_get(&t, i)->seq, (u64)i);
		KUNIT_EXPECT_EQ(test, memsim_tlog_get(&t, i)->tag, (u64)i * 10);
	}

	/* A reader at 0 lost 0..5 and gets 6..9 in order. */
	n = memsim_tlog_copy(&t, &cursor, out, ARRAY_SIZE(out), &lost);
	KUNIT_EXPECT_EQ(test, n, 4U);
	KUNIT_EXPECT_EQ(test, lost, 6ULL);
	KUNIT_EXPECT_EQ(test, cursor, 10ULL);
	for (i = 0; i < n; i++)
		KUNIT_EXPECT_EQ(test, out[i].seq, 6ULL + i);

	/* Caught up: nothing more, nothing lost. */
	n = memsim_tlog_copy(&t, &cursor, out, ARRAY_SIZE(out), &lost);
	KUNIT_EXPECT_EQ(test, n, 0U);
	KUNIT_EXPECT_EQ(test, lost, 0ULL);
	KUNIT_EXPECT_EQ(test, cursor, 10ULL);
}

static void tlog_cursor_reads_in_pieces(struct kunit *test)
{
	struct memsim_trace_record out[3];
	struct memsim_tlog t = {};
	u64 cursor = 0, lost, expect = 0;
	u32 n, i;

	tlog_start(test, &t, 16, MEMSIM_TRACE_ON);
	tlog_fill(test, &t, 11);
	/* Three records at a time: every record exactly once. */
	do {
		n = memsim_tlog_copy(&t, &cursor, out, ARRAY_SIZE(out), &lost);
		KUNIT_EXPECT_EQ(test, lost, 0ULL);
		for (i = 0; i < n; i++)
			KUNIT_EXPECT_EQ(test, out[i].seq, expect++);
	} while (n);
	KUNIT_EXPECT_EQ(test, expect, 11ULL);

	/* Writer laps a slow reader: the gap is reported, then the rest. */
	cursor = 9;
	tlog_fill(test, &t, 20);
	n = memsim_tlog_copy(&t, &cursor, out, ARRAY_SIZE(out), &lost);
	KUNIT_EXPECT_EQ(test, lost, 31ULL - 16 - 9);
	KUNIT_EXPECT_EQ(test, out[0].seq, 15ULL);
	KUNIT_EXPECT_EQ(test, cursor, 18ULL);
}

static void tlog_swap_discards_and_keeps_numbering(struct kunit *test)
{
	struct memsim_trace_record out[4];
	struct memsim_tlog t = {};
	u64 cursor = 0, lost;

	tlog_start(test, &t, 8, MEMSIM_TRACE_ON);
	tlog_fill(test, &t, 5);
	/* Off: the five are discarded, nothing is recorded. */
	memsim_tlog_swap(&t, NULL, 0, 0);
	KUNIT_EXPECT_EQ(test, t.dropped, 5ULL);
	KUNIT_EXPECT_NULL(test, memsim_tlog_append(&t));
	KUNIT_EXPECT_EQ(test, memsim_tlog_oldest(&t), 5ULL);

	/* On again: numbering carries on from 5. */
	tlog_start(test, &t, 2, MEMSIM_TRACE_ON);
	tlog_fill(test, &t, 3);
	KUNIT_EXPECT_EQ(test, t.dropped, 6ULL);
	KUNIT_EXPECT_EQ(test, memsim_tlog_copy(&t, &cursor, out, ARRAY_SIZE(out), &lost), 2U);
	KUNIT_EXPECT_EQ(test, lost, 6ULL);
	KUNIT_EXPECT_EQ(test, out[0].seq, 6ULL);
	KUNIT_EXPECT_EQ(test, out[1].seq, 7ULL);
}

static struct kunit_case memsim_tlog_cases[] = {
	KUNIT_CASE(tlog_off_records_nothing),
	KUNIT_CASE(tlog_wrap_counts_drops),
	KUNIT_CASE(tlog_cursor_reads_in_pieces),
	KUNIT_CASE(tlog_swap_discards_and_keeps_numbering),
	{}
};

static struct kunit_suite memsim_tlog_suite = {
	.name = "memsim_tlog",
	.test_cases = memsim_tlog_cases,
};

KUNIT_DEFINE_ACTION_WRAPPER(instance_destroy_action, memsim_instance_destroy,
			    struct memsim_instance *);

/* An instance tracing into a ring of 64 records, gone when the test ends. */
static struct memsim_instance *traced_instance(struct kunit *test)
{
	struct memsim_instance *inst = memsim_instance_create();

	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, instance_destroy_action, inst), 0);
	/* The instance frees its ring with kvfree(). */
	inst->tlog.recs = kvcalloc(64, sizeof(*inst->tlog.recs), GFP_KERNEL);
	KUNIT_ASSERT_NOT_NULL(test, inst->tlog.recs);
	inst->tlog.capacity = 64;
	inst->tlog.flags = MEMSIM_TRACE_ON;
	return inst;
}

static const struct memsim_trace_record *rec_at(struct kunit *test,
						struct memsim_instance *inst, u64 seq,
						u32 op, u64 addr, u64 size)
{
	const struct memsim_trace_record *rec = memsim_tlog_get(&inst->tlog, seq);

	KUNIT_ASSERT_NOT_NULL(test, rec);
	KUNIT_EXPECT_EQ_MSG(test, rec->op, op, "record %llu", seq);
	KUNIT_EXPECT_EQ_MSG(test, rec->addr, addr, "record %llu", seq);
	KUNIT_EXPECT_EQ_MSG(test, rec->size, size, "record %llu", seq);
	KUNIT_EXPECT_EQ_MSG(test, rec->pid, (u32)task_pid_nr(current), "record %llu", seq);
	KUNIT_EXPECT_EQ_MSG(test, rec->tgid, (u32)task_tgid_nr(current), "record %llu", seq);
	KUNIT_EXPECT_STREQ_MSG(test, rec->comm, current->comm, "record %llu", seq);
	return rec;
}

static void record_fit_sequence(struct kunit *test)
{
	struct memsim_instance *inst = traced_instance(test);
	struct memsim_request req = {
		.size = 0x100, .align = 0x200, .stream = 2, .tag = 0x77,
		.flags = MEMSIM_REQ_TOPDOWN,
	};
	const struct memsim_trace_record *rec;
	struct memsim_free_result fres;
	struct memsim_segment *seg;
	struct memsim_result res;

	mutex_lock(&inst->lock);
	KUNIT_ASSERT_EQ(test, memsim_segment_create(&inst->pool, 0x1000, 0x1000, 0, 2, &seg), 0);
	inst->call_label = "test.c:1 alloc";
	/* Top-down at 0x1e00: the padding below is split off, then the tail. */
	KUNIT_ASSERT_EQ(test, memsim_alloc(&inst->pool, &req, &res), 0);
	inst->call_label = "test.c:2 free";
	KUNIT_ASSERT_EQ(test, memsim_free(&inst->pool, res.addr, 0, MEMSIM_FREE_DEFERRED,
					  &fres), 0);
	KUNIT_ASSERT_EQ(test, memsim_complete_free(&inst->pool, res.addr, &fres), 0);
	inst->call_label = NULL;
	req.size = 0x10000;
	KUNIT_EXPECT_EQ(test, memsim_alloc(&inst->pool, &req, &res), -ENOSPC);
	mutex_unlock(&inst->lock);

	KUNIT_EXPECT_EQ(test, inst->tlog.head, 8ULL);
	rec = rec_at(test, inst, 0, MEMSIM_TRACE_SEGMENT_CREATE, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, rec->segment_id, seg->id);
	KUNIT_EXPECT_EQ(test, rec->stream, 2U);
	KUNIT_EXPECT_STREQ(test, rec->label, "");
	KUNIT_EXPECT_EQ(test, rec->strategy, (u32)MEMSIM_STRATEGY_FIRST_FIT);

	rec = rec_at(test, inst, 1, MEMSIM_TRACE_SPLIT, 0x1000, 0xe00);
	KUNIT_EXPECT_STREQ(test, rec->label, "test.c:1 alloc");
	rec = rec_at(test, inst, 2, MEMSIM_TRACE_SPLIT, 0x1f00, 0x100);
	rec = rec_at(test, inst, 3, MEMSIM_TRACE_ALLOC, 0x1e00, 0x100);
	KUNIT_EXPECT_EQ(test, rec->requested, 0x100ULL);
	KUNIT_EXPECT_EQ(test, rec->align, 0x200ULL);
	KUNIT_EXPECT_EQ(test, rec->flags, MEMSIM_ALLOC_TOPDOWN);
	KUNIT_EXPECT_EQ(test, rec->tag, 0x77ULL);
	KUNIT_EXPECT_EQ(test, rec->segment_id, seg->id);
	KUNIT_EXPECT_EQ(test, rec->error, 0);
	KUNIT_EXPECT_STREQ(test, rec->label, "test.c:1 alloc");

	rec = rec_at(test, inst, 4, MEMSIM_TRACE_FREE_REQUEST, 0x1e00, 0x100);
	KUNIT_EXPECT_EQ(test, rec->flags, MEMSIM_FREE_DEFER);
	KUNIT_EXPECT_EQ(test, rec->tag, 0x77ULL);
	KUNIT_EXPECT_STREQ(test, rec->label, "test.c:2 free");
	rec = rec_at(test, inst, 5, MEMSIM_TRACE_FREE_COMPLETE, 0x1e00, 0x100);
	KUNIT_EXPECT_EQ(test, rec->flags, MEMSIM_FREE_DEFER);
	rec = rec_at(test, inst, 6, MEMSIM_TRACE_COALESCE, 0x1000, 0x1000);

	rec = rec_at(test, inst, 7, MEMSIM_TRACE_ALLOC_FAIL, 0, 0);
	KUNIT_EXPECT_EQ(test, rec->requested, 0x10000ULL);
	KUNIT_EXPECT_EQ(test, rec->align, 0x200ULL);
	KUNIT_EXPECT_EQ(test, rec->stream, 2U);
	KUNIT_EXPECT_EQ(test, rec->error, -ENOSPC);
	KUNIT_EXPECT_STREQ(test, rec->label, "");
}

static void record_buddy_and_reset(struct kunit *test)
{
	struct memsim_instance *inst = traced_instance(test);
	struct memsim_request req = { .size = 100, .stream = MEMSIM_STREAM_ANY };
	const struct memsim_trace_record *rec;
	struct memsim_free_result fres;
	struct memsim_segment *seg;
	struct memsim_result res;

	mutex_lock(&inst->lock);
	KUNIT_ASSERT_EQ(test, memsim_set_strategy(&inst->pool, MEMSIM_BUDDY, 64), 0);
	KUNIT_ASSERT_EQ(test, memsim_segment_create(&inst->pool, 0, 1024, 0, 0, &seg), 0);
	KUNIT_ASSERT_EQ(test, memsim_alloc(&inst->pool, &req, &res), 0);
	KUNIT_ASSERT_EQ(test, memsim_free(&inst->pool, 0, 0, 0, &fres), 0);
	memsim_pool_reset(&inst->pool, true);
	mutex_unlock(&inst->lock);

	/* A strategy record's size is the buddy system's minimum block. */
	rec = rec_at(test, inst, 0, MEMSIM_TRACE_STRATEGY, 0, 64);
	KUNIT_EXPECT_EQ(test, rec->strategy, (u32)MEMSIM_STRATEGY_BUDDY);
	rec_at(test, inst, 1, MEMSIM_TRACE_SEGMENT_CREATE, 0, 1024);
	rec_at(test, inst, 2, MEMSIM_TRACE_BUDDY_SPLIT, 512, 512);
	rec_at(test, inst, 3, MEMSIM_TRACE_BUDDY_SPLIT, 256, 256);
	rec_at(test, inst, 4, MEMSIM_TRACE_BUDDY_SPLIT, 128, 128);
	rec = rec_at(test, inst, 5, MEMSIM_TRACE_ALLOC, 0, 128);
	KUNIT_EXPECT_EQ(test, rec->requested, 100ULL);
	KUNIT_EXPECT_EQ(test, rec->strategy, (u32)MEMSIM_STRATEGY_BUDDY);
	KUNIT_EXPECT_EQ(test, rec->stream, 0U);
	rec_at(test, inst, 6, MEMSIM_TRACE_FREE_COMPLETE, 0, 128);
	rec_at(test, inst, 7, MEMSIM_TRACE_BUDDY_MERGE, 0, 1024);
	rec = rec_at(test, inst, 8, MEMSIM_TRACE_RESET, 0, 0);
	KUNIT_EXPECT_EQ(test, rec->flags, MEMSIM_RESET_KEEP_SEGMENTS);
	KUNIT_EXPECT_EQ(test, inst->tlog.head, 9ULL);
}

/* Labels longer than a record or a block holds are cut, never overrun. */
static void record_label_bounds(struct kunit *test)
{
	static const char long_label[] = "a label of well over thirty-two characters";
	struct memsim_instance *inst = traced_instance(test);
	struct memsim_request req = {
		.size = 16, .stream = 0, .owner = 4242, .label = long_label,
	};
	const struct memsim_trace_record *rec;
	struct memsim_segment *seg;
	struct memsim_result res;
	struct memsim_life *life;
	struct memsim_block *b;

	BUILD_BUG_ON(sizeof(long_label) <= MEMSIM_LABEL_MAX);
	mutex_lock(&inst->lock);
	KUNIT_ASSERT_EQ(test, memsim_segment_create(&inst->pool, 0, 4096, 0, 0, &seg), 0);
	inst->call_label = long_label;
	KUNIT_ASSERT_EQ(test, memsim_alloc(&inst->pool, &req, &res), 0);
	inst->call_label = NULL;
	b = memsim_block_lookup(&inst->pool, res.addr);
	KUNIT_ASSERT_NOT_NULL(test, b);
	life = memsim_life_of(b);
	KUNIT_ASSERT_NOT_NULL(test, life);
	KUNIT_EXPECT_EQ(test, strlen(life->label), (size_t)MEMSIM_LABEL_LEN - 1);
	KUNIT_EXPECT_EQ(test, strncmp(life->label, long_label, MEMSIM_LABEL_LEN - 1), 0);
	KUNIT_EXPECT_EQ(test, life->owner, 4242U);
	mutex_unlock(&inst->lock);

	rec = rec_at(test, inst, 2, MEMSIM_TRACE_ALLOC, 0, 16);
	KUNIT_EXPECT_EQ(test, strnlen(rec->label, sizeof(rec->label)), sizeof(rec->label) - 1);
	KUNIT_EXPECT_EQ(test, strncmp(rec->label, long_label, sizeof(rec->label) - 1), 0);
}

static struct kunit_case memsim_tlog_record_cases[] = {
	KUNIT_CASE(record_fit_sequence),
	KUNIT_CASE(record_buddy_and_reset),
	KUNIT_CASE(record_label_bounds),
	{}
};

static struct kunit_suite memsim_tlog_record_suite = {
	.name = "memsim_tlog_record",
	.test_cases = memsim_tlog_record_cases,
};

kunit_test_suites(&memsim_tlog_suite, &memsim_tlog_record_suite);
