// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the registry of placement strategies
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Strategy registry
 *
 * memsim_strategies[] maps each &enum memsim_strategy to its operations;
 * the pool reads its &memsim_pool.ops from here when the strategy changes.
 * A new strategy is one line here (see DOC: Strategy interface).
 */

#include "memsim_core_priv.h"

#include <kunit/visibility.h>

const struct memsim_strategy_ops *const memsim_strategies[MEMSIM_NR_STRATEGIES] = {
	[MEMSIM_FIRST_FIT] = &memsim_first_fit_ops,
	[MEMSIM_BEST_FIT] = &memsim_best_fit_ops,
	[MEMSIM_WORST_FIT] = &memsim_worst_fit_ops,
	[MEMSIM_NEXT_FIT] = &memsim_next_fit_ops,
	[MEMSIM_BUDDY] = &memsim_buddy_ops,
	[MEMSIM_TLSF] = &memsim_tlsf_ops,
};

/**
 * memsim_strategy_name() - short name of a strategy, for humans
 * @strategy: the strategy.
 *
 * Return: "first", "best", "worst", "next", "buddy", "tlsf", or "?".
 */
const char *memsim_strategy_name(enum memsim_strategy strategy)
{
	return (unsigned int)strategy < MEMSIM_NR_STRATEGIES ?
		memsim_strategies[strategy]->name : "?";
}
EXPORT_SYMBOL_IF_KUNIT(memsim_strategy_name);
