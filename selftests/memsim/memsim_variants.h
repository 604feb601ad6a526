/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim kselftests: one fixture variant per strategy
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Every test of a fixture runs under every strategy when the fixture is
 * followed by
 *
 *	#define MS_FIXTURE name
 *	#include "memsim_variants.h"
 *
 * Each variant holds its MEMSIM_STRATEGY_* value in variant->strategy.  The
 * file has no include guard: it is included once per fixture, and forgets
 * MS_FIXTURE at its end.  A new strategy is one more variant here.
 */
#ifndef MS_FIXTURE
#error "define MS_FIXTURE to the fixture's name before including memsim_variants.h"
#endif

/* The harness pastes its arguments: expand MS_FIXTURE first. */
#ifndef MS_VARIANT
#define MS_VARIANT(f)		FIXTURE_VARIANT(f)
#define MS_VARIANT_ADD(f, v)	FIXTURE_VARIANT_ADD(f, v)
#endif

MS_VARIANT(MS_FIXTURE)
{
	__u32 strategy;	/* MEMSIM_STRATEGY_* */
};

MS_VARIANT_ADD(MS_FIXTURE, first_fit) {
	.strategy = MEMSIM_STRATEGY_FIRST_FIT,
};

MS_VARIANT_ADD(MS_FIXTURE, best_fit) {
	.strategy = MEMSIM_STRATEGY_BEST_FIT,
};

MS_VARIANT_ADD(MS_FIXTURE, worst_fit) {
	.strategy = MEMSIM_STRATEGY_WORST_FIT,
};

MS_VARIANT_ADD(MS_FIXTURE, next_fit) {
	.strategy = MEMSIM_STRATEGY_NEXT_FIT,
};

MS_VARIANT_ADD(MS_FIXTURE, buddy) {
	.strategy = MEMSIM_STRATEGY_BUDDY,
};

MS_VARIANT_ADD(MS_FIXTURE, tlsf) {
	.strategy = MEMSIM_STRATEGY_TLSF,
};

#undef MS_FIXTURE
