// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the pool observer - events to tracepoints
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Tracepoints
 *
 * The allocator core reports what happens to a pool through one observer
 * callback (&memsim_pool.event) and knows nothing of tracing.  This file is
 * that observer for the module: it turns each event into a tracepoint of
 * the "memsim" trace system (events/memsim/ in tracefs), tagged with the
 * instance's id, so trace-cmd, perf and ftrace users see memsim_alloc,
 * memsim_alloc_fail, memsim_free (phase request or complete), memsim_split,
 * memsim_coalesce, memsim_segment_create and memsim_segment_release with
 * no memsim-specific tooling.  A disabled tracepoint costs a static branch.
 */

#include "memsim_internal.h"

#define CREATE_TRACE_POINTS
#include "memsim_trace.h"

/**
 * memsim_trace_event() - the module's observer of an instance's pool
 * @pool: the pool; its event_priv is the instance.
 * @ev: what happened.
 *
 * Called with the instance lock held, from inside the allocator core.
 * Each event becomes a record of the instance's own trace, if it is on,
 * and a tracepoint hit.
 */
void memsim_trace_event(struct memsim_pool *pool, const struct memsim_event *ev)
{
	struct memsim_instance *inst = pool->event_priv;

	memsim_tlog_record(inst, ev);
	switch (ev->type) {
	case MEMSIM_EV_ALLOC:
		trace_memsim_alloc(inst->id, ev);
		break;
	case MEMSIM_EV_ALLOC_FAIL:
		trace_memsim_alloc_fail(inst->id, ev);
		break;
	case MEMSIM_EV_FREE_REQUEST:
	case MEMSIM_EV_FREE_COMPLETE:
		trace_memsim_free(inst->id, ev);
		break;
	case MEMSIM_EV_SPLIT:
		trace_memsim_split(inst->id, ev);
		break;
	case MEMSIM_EV_COALESCE:
		trace_memsim_coalesce(inst->id, ev);
		break;
	case MEMSIM_EV_SEGMENT_CREATE:
		trace_memsim_segment_create(inst->id, ev);
		break;
	case MEMSIM_EV_SEGMENT_RELEASE:
		trace_memsim_segment_release(inst->id, ev);
		break;
	default:
		break;
	}
}
