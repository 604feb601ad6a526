// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: KUnit tests
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: KUnit suites
 *
 * The suites run when memsim_test.ko is loaded, after memsim.ko, whose
 * internals they reach through EXPORT_SYMBOL_IF_KUNIT().  Results appear as
 * KTAP in the kernel log and in /sys/kernel/debug/kunit/<suite>/results.
 *
 * memsim_smoke checks the module's front door: GET_INFO answers with the
 * ABI version and the instance's id, rejects every flag it
 * does not know without touching the caller's structure, and instances get
 * distinct, increasing ids.
 */

#include <kunit/test.h>
#include <linux/string.h>

#include "memsim_internal.h"

MODULE_IMPORT_NS(EXPORTED_FOR_KUNIT_TESTING);

KUNIT_DEFINE_ACTION_WRAPPER(instance_destroy_action, memsim_instance_destroy,
			    struct memsim_instance *);

/* An instance that is destroyed when the test ends, however it ends. */
static struct memsim_instance *smoke_instance(struct kunit *test)
{
	struct memsim_instance *inst = memsim_instance_create();

	KUNIT_ASSERT_NOT_NULL(test, inst);
	KUNIT_ASSERT_EQ(test, kunit_add_action_or_reset(test, instance_destroy_action, inst), 0);
	return inst;
}

static void get_info_answers(struct kunit *test)
{
	struct memsim_instance *inst = smoke_instance(test);
	struct memsim_info info;

	/* Output-only fields carry garbage in; none of it may survive. */
	memset(&info, 0, sizeof(info));
	info.abi_version = 0xdead;
	info.features = ~0ULL;
	info.instance_id = ~0ULL;
	info.max_list = ~0U;
	info.max_total_memory = 1;

	KUNIT_EXPECT_EQ(test, memsim_get_info(inst, &info), 0);
	KUNIT_EXPECT_EQ(test, info.abi_version, MEMSIM_ABI_VERSION);
	KUNIT_EXPECT_EQ(test, info.instance_id, inst->id);
	KUNIT_EXPECT_EQ(test, info.features & ~(MEMSIM_FEATURE_DEBUGFS | MEMSIM_FEATURE_TRACE |
						MEMSIM_FEATURE_TRACE_STACK |
						MEMSIM_FEATURE_EXPLAIN), 0ULL);
	KUNIT_EXPECT_TRUE(test, info.features & MEMSIM_FEATURE_TRACE);
	KUNIT_EXPECT_EQ(test, info.flags, 0U);
	KUNIT_EXPECT_EQ(test, info.max_list, MEMSIM_LIST_MAX);
	KUNIT_EXPECT_EQ(test, info.max_trace_records, memsim_tlog_max_capacity());
	KUNIT_EXPECT_GE(test, info.max_instance_memory, (u64)SZ_1M);
	KUNIT_EXPECT_GE(test, info.max_total_memory, (u64)SZ_1M);
}

static void get_info_rejects_flags(struct kunit *test)
{
	struct memsim_instance *inst = smoke_instance(test);
	struct memsim_info info, before;
	unsigned int bit;

	for (bit = 0; bit < 32; bit++) {
		memset(&info, 0, sizeof(info));
		info.flags = 1U << bit;
		before = info;
		KUNIT_EXPECT_EQ_MSG(test, memsim_get_info(inst, &info), -EINVAL,
				    "flag bit %u", bit);
		KUNIT_EXPECT_EQ_MSG(test, memcmp(&info, &before, sizeof(info)), 0,
				    "flag bit %u changed the structure", bit);
	}
}

static void instance_ids_increase(struct kunit *test)
{
	struct memsim_instance *a = smoke_instance(test);
	struct memsim_instance *b = smoke_instance(test);

	KUNIT_EXPECT_NE(test, a->id, 0ULL);
	KUNIT_EXPECT_GT(test, b->id, a->id);
}

static struct kunit_case memsim_smoke_cases[] = {
	KUNIT_CASE(get_info_answers),
	KUNIT_CASE(get_info_rejects_flags),
	KUNIT_CASE(instance_ids_increase),
	{}
};

static struct kunit_suite memsim_smoke_suite = {
	.name = "memsim_smoke",
	.test_cases = memsim_smoke_cases,
};

kunit_test_suites(&memsim_smoke_suite);

MODULE_DESCRIPTION("KUnit tests for memsim");
MODULE_LICENSE("GPL");
