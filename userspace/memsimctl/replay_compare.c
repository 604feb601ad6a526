// SPDX-License-Identifier: GPL-2.0
/*
 * replay as a workload of compare: "memsimctl compare --trace FILE", and
 * "memsimctl replay --strategy LIST FILE", which is that
 *
 * Copyright (C) 2026 The memsim authors
 *
 * compare.c forks a process per strategy, each with an instance of its
 * own whose strategy is set, and calls the workload's run function there
 * (compare.h); for a trace that is replay_compare_run(): replay_run() with
 * compare's probes as hooks, so that compare sees the peak moment of the
 * trace as it sees a script's.
 */
#include <stdio.h>

#include "compare.h"
#include "replay.h"

static void cmp_grew(void *ctx)
{
	compare_may_grow(ctx);
}

static void cmp_probe(void *ctx)
{
	compare_probe(ctx);
}

static int cmp_failure(void *ctx, struct memsim_handle *h, const struct replay_failure *f)
{
	(void)h;
	compare_failure(ctx, f->where, f->msg, f->have_explain ? &f->explain : NULL);
	return 0;
}

static const struct replay_hooks cmp_hooks = {
	.failure = cmp_failure,
	.grew = cmp_grew,
	.probe = cmp_probe,
};

/**
 * replay_compare_run() - compare's run function of a trace
 * @w: the workload; @w->data is the &struct replay_workload.
 * @r: the run: its instance, open and empty, its strategy set.
 *
 * The trace is replayed with keep-going, under the strategy compare set
 * (the trace's own strategy changes are not played), on the trace's
 * segments or, for a trace that makes none, one segment of
 * @r->device_size bytes at 0; batches end before every free that follows
 * an allocation (REPLAY_EXACT_PEAKS), so that compare's probe sees every
 * local peak.  Prints nothing.
 *
 * Return: 0 when the trace was replayed, whatever failed in it; a negative
 * errno when the replay could not be made (@r->error says why).
 */
int replay_compare_run(const struct compare_workload *w, struct compare_run *r)
{
	const struct replay_workload *trace = w->data;
	struct replay_opts o = REPLAY_OPTS_INIT;
	struct replay_result res;
	int ret;

	o.strategy = REPLAY_STRATEGY_KEEP;
	o.device_size = replay_has_segments(trace) ? 0 : r->device_size;
	o.flags = REPLAY_KEEP_GOING | REPLAY_EXACT_PEAKS;
	o.hooks = &cmp_hooks;
	o.ctx = r;
	ret = replay_run(&r->h, trace, &o, &res);
	if (ret < 0) {
		snprintf(r->error, sizeof(r->error), "%s", res.error);
		return ret;
	}
	compare_probe(r);
	return 0;
}
