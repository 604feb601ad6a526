// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: KUnit tests of the pool's event observer
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: memsim_event suite
 *
 * The module's tracepoints (and, later, its trace records) are fed by the
 * core's observer callback, so the callback must report every change, in
 * order, with the right fields, and nothing for calls that change nothing.
 * The tests record the events of a scripted sequence and compare them with
 * the sequence worked out by hand from the placement rules.
 */

#include <kunit/test.h>
#include <linux/slab.h>

#include "memsim_core.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

#define EVENT_LOG_MAX	32

struct event_log {
	struct memsim_pool pool;
	unsigned int n;
	struct memsim_event ev[EVENT_LOG_MAX];
};

static void record(struct memsim_pool *pool, const struct memsim_event *ev)
{
	struct event_log *log = pool->event_priv;

	if (log->n < EVENT_LOG_MAX)
		log->ev[log->n] = *ev;
	log->n++;
}

KUNIT_DEFINE_ACTION_WRAPPER(pool_fini_action, memsim_pool_fini, struct memsim_pool *);

static struct event_log *event_log_new(struct kunit *test)
{
	struct event_log *log = kunit_kzalloc(test, sizeof(*log), GFP_KERNEL);

	KUNIT_ASSERT_NOT_NULL(test, log);
	memsim_pool_init(&log->pool);
	log->pool.event = record;
	log->pool.event_priv = log;
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, pool_fini_action, &log->pool), 0);
	return log;
}

/* Check event @i: type, address and size; the other fields where given. */
static void expect_event(struct kunit *test, struct event_log *log, unsigned int i,
			 enum memsim_event_type type, u64 addr, u64 size)
{
	KUNIT_ASSERT_LT(test, i, log->n);
	KUNIT_EXPECT_EQ_MSG(test, log->ev[i].type, type, "event %u", i);
	KUNIT_EXPECT_EQ_MSG(test, log->ev[i].addr, addr, "event %u", i);
	KUNIT_EXPECT_EQ_MSG(test, log->ev[i].size, size, "event %u", i);
}

static void event_fit_sequence(struct kunit *test)
{
	struct event_log *log = event_log_new(test);
	struct memsim_request req = { .size = 0x100, .stream = 3, .tag = 0xabc };
	struct memsim_free_result fres;
	struct memsim_result res;
	struct memsim_segment *seg;

	KUNIT_ASSERT_EQ(test, memsim_segment_create(&log->pool, 0x1000, 0x1000, 0, 3, &seg), 0);
	expect_event(test, log, 0, MEMSIM_EV_SEGMENT_CREATE, 0x1000, 0x1000);
	KUNIT_EXPECT_EQ(test, log->ev[0].segment_id, seg->id);
	KUNIT_EXPECT_EQ(test, log->ev[0].stream, 3U);

	/* First fit at the start: the tail is split off, then the allocation. */
	KUNIT_ASSERT_EQ(test, memsim_alloc(&log->pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, log->n, 3U);
	expect_event(test, log, 1, MEMSIM_EV_SPLIT, 0x1100, 0xf00);
	expect_event(test, log, 2, MEMSIM_EV_ALLOC, 0x1000, 0x100);
	KUNIT_EXPECT_EQ(test, log->ev[2].requested, 0x100ULL);
	KUNIT_EXPECT_EQ(test, log->ev[2].tag, 0xabcULL);
	KUNIT_EXPECT_EQ(test, log->ev[2].strategy, (u32)MEMSIM_FIRST_FIT);

	/* A request that cannot fit: one failure event with the request. */
	req.size = 0x10000;
	KUNIT_EXPECT_EQ(test, memsim_alloc(&log->pool, &req, &res), -ENOSPC);
	KUNIT_EXPECT_EQ(test, log->n, 4U);
	expect_event(test, log, 3, MEMSIM_EV_ALLOC_FAIL, 0, 0);
	KUNIT_EXPECT_EQ(test, log->ev[3].requested, 0x10000ULL);

	/* Malformed requests and dry runs say nothing. */
	req.size = 0;
	KUNIT_EXPECT_EQ(test, memsim_alloc(&log->pool, &req, &res), -EINVAL);
	req.size = 0x100;
	KUNIT_EXPECT_EQ(test, memsim_can_alloc(&log->pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, memsim_free(&log->pool, 0x1234, 0, 0, &fres), -ENOENT);
	KUNIT_EXPECT_EQ(test, log->n, 4U);

	/* Two-phase free: request, then completion and the merge. */
	KUNIT_ASSERT_EQ(test, memsim_free(&log->pool, 0x1000, 0, MEMSIM_FREE_DEFERRED, &fres), 0);
	expect_event(test, log, 4, MEMSIM_EV_FREE_REQUEST, 0x1000, 0x100);
	KUNIT_EXPECT_EQ(test, log->ev[4].tag, 0xabcULL);
	KUNIT_ASSERT_EQ(test, memsim_complete_free(&log->pool, 0x1000, &fres), 0);
	expect_event(test, log, 5, MEMSIM_EV_FREE_COMPLETE, 0x1000, 0x100);
	expect_event(test, log, 6, MEMSIM_EV_COALESCE, 0x1000, 0x1000);

	KUNIT_ASSERT_EQ(test, memsim_set_strategy(&log->pool, MEMSIM_BEST_FIT, 0), 0);
	KUNIT_EXPECT_EQ(test, log->ev[7].type, MEMSIM_EV_STRATEGY);
	KUNIT_EXPECT_EQ(test, log->ev[7].strategy, (u32)MEMSIM_BEST_FIT);

	KUNIT_ASSERT_EQ(test, memsim_segment_release(&log->pool, seg->id), 0);
	expect_event(test, log, 8, MEMSIM_EV_SEGMENT_RELEASE, 0x1000, 0x1000);
	memsim_pool_reset(&log->pool, false);
	KUNIT_EXPECT_EQ(test, log->ev[9].type, MEMSIM_EV_RESET);
	KUNIT_EXPECT_EQ(test, log->n, 10U);
	/* The observer survives a reset. */
	KUNIT_EXPECT_PTR_EQ(test, (void *)log->pool.event, (void *)record);
}

static void event_buddy_sequence(struct kunit *test)
{
	struct event_log *log = event_log_new(test);
	struct memsim_request req = { .size = 100, .stream = 0 };
	struct memsim_free_result fres;
	struct memsim_result res;

	KUNIT_ASSERT_EQ(test, memsim_set_strategy(&log->pool, MEMSIM_BUDDY, 64), 0);
	KUNIT_ASSERT_EQ(test, memsim_segment_create(&log->pool, 0, 1024, 0, 0, NULL), 0);
	log->n = 0;

	/* 100 rounds to 128: 1024 -> 512 -> 256 -> 128, upper halves freed. */
	KUNIT_ASSERT_EQ(test, memsim_alloc(&log->pool, &req, &res), 0);
	KUNIT_EXPECT_EQ(test, log->n, 4U);
	expect_event(test, log, 0, MEMSIM_EV_SPLIT, 512, 512);
	expect_event(test, log, 1, MEMSIM_EV_SPLIT, 256, 256);
	expect_event(test, log, 2, MEMSIM_EV_SPLIT, 128, 128);
	expect_event(test, log, 3, MEMSIM_EV_ALLOC, 0, 128);
	KUNIT_EXPECT_EQ(test, log->ev[3].requested, 100ULL);
	KUNIT_EXPECT_EQ(test, log->ev[3].strategy, (u32)MEMSIM_BUDDY);

	/* Freeing merges all the way back to the root in one event. */
	KUNIT_ASSERT_EQ(test, memsim_free(&log->pool, 0, 0, 0, &fres), 0);
	KUNIT_EXPECT_EQ(test, log->n, 6U);
	expect_event(test, log, 4, MEMSIM_EV_FREE_COMPLETE, 0, 128);
	expect_event(test, log, 5, MEMSIM_EV_COALESCE, 0, 1024);
}

static struct kunit_case memsim_event_cases[] = {
	KUNIT_CASE(event_fit_sequence),
	KUNIT_CASE(event_buddy_sequence),
	{}
};

static struct kunit_suite memsim_event_suite = {
	.name = "memsim_event",
	.test_cases = memsim_event_cases,
};

kunit_test_suites(&memsim_event_suite);
