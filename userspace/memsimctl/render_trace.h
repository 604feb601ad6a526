/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render_trace: memsim's own trace records into the pictures' structures
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Feed the records of an instance's trace (struct memsim_trace_record, as
 * TRACE_READ returns them, or parsed from the NDJSON lines that memsimctl
 * trace prints) one by one, in sequence order, to render_trace_add(); then
 * render_trace_timeline() and render_trace_series() describe what they
 * did, for render_timeline_svg(), render_series_svg() and render_html().
 * Pure: no device access.  See Documentation/memsimctl.rst (Pictures).
 */
#ifndef _MEMSIMCTL_RENDER_TRACE_H
#define _MEMSIMCTL_RENDER_TRACE_H

#include <linux/memsim.h>

#include "render_svg.h"

struct render_trace_state;

/**
 * struct render_trace - what a trace did, built record by record
 * @unit: the time the structures use: %RENDER_TIME_OPS (the n-th operation,
 *	see below), %RENDER_TIME_SEQ (the record's seq) or %RENDER_TIME_NS
 *	(its ts_ns).
 * @segs: every segment the trace created, and a stand-in for each segment
 *	it used without creating it (see render_trace_add()).
 * @nr_segs: how many.
 * @allocs: every allocation, in trace order.
 * @nr_allocs: how many.
 * @fails: every alloc_fail record.
 * @nr_fails: how many.
 * @pts: the pool after each operation.
 * @nr_pts: how many.
 * @ops: operations seen: records other than split, coalesce, buddy_split
 *	and buddy_merge, which belong to the operation next to them.
 * @unmatched: free_request and free_complete records of addresses with no
 *	live allocation in the trace (made before the trace started, or in
 *	records the ring lost); they are skipped.
 * @state: private.
 */
struct render_trace {
	enum render_time_unit unit;
	struct render_segment *segs;
	size_t nr_segs;
	struct render_alloc *allocs;
	size_t nr_allocs;
	struct render_fail *fails;
	size_t nr_fails;
	struct render_point *pts;
	size_t nr_pts;
	__u64 ops;
	__u64 unmatched;
	struct render_trace_state *state;
};

int render_trace_init(struct render_trace *t, enum render_time_unit unit);
/*
 * Returns 0, -ENOMEM, or -EINVAL for a record that contradicts the ones
 * before it (an allocation over a live one, an unknown op); the structure
 * is unchanged then and the caller may go on or stop.
 */
int render_trace_add(struct render_trace *t,
		     const struct memsim_trace_record *r);
/* Views of @t, valid until the next render_trace_add() or _free(). */
void render_trace_timeline(const struct render_trace *t,
			   struct render_timeline *tl);
void render_trace_series(const struct render_trace *t,
			 struct render_series *ser);
void render_trace_free(struct render_trace *t);

/*
 * One NDJSON line of memsimctl trace --format ndjson into @r.  Returns 0,
 * or -EINVAL with a message in @err ("field \"size\": not a number").
 */
int render_trace_parse_ndjson(const char *line, struct memsim_trace_record *r,
			      char *err, size_t errlen);

#endif /* _MEMSIMCTL_RENDER_TRACE_H */
