// SPDX-License-Identifier: GPL-2.0
/*
 * replay: a trace played against a memsim instance, through BATCH
 *
 * Copyright (C) 2026 The memsim authors
 */

/*
 * DOC: The replay engine
 *
 * The events of a workload (replay_read.h) are cut into batches: runs of
 * allocations and frees sent in one MEMSIM_IOC_BATCH of at most max_batch
 * operations, with MEMSIM_BATCH_STOP_ON_ERROR.  Other events (segments,
 * strategy changes, resets, syncs) end the batch and are one call each.
 *
 * A BATCH operation cannot name the result of an earlier operation of the
 * same batch, so a free of an allocation still waiting in the batch being
 * built ends that batch first: its address is known once the batch has
 * run.  Batches are as long as the trace's allocations live (a trace that
 * frees what it just allocated gets batches of two).
 *
 * Every allocation id of the trace (the readers' dense ids) has a slot in
 * an array with the memsim address it got and its state: waiting in the
 * batch, live, failed, ended.  A free of an allocation that failed now is
 * not sent; nor is a free of a pointer the trace never allocated.
 *
 * When an operation fails, the kernel stops the batch right there, so the
 * instance stands exactly as at the failure: an allocation that found no
 * space is explained (EXPLAIN_ALLOC) and the failure hook called before
 * anything else is sent.  Then the replay stops, or with REPLAY_KEEP_GOING
 * sends the rest of the batch.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "explain.h"
#include "replay.h"
#include "why.h"

/* The state of an allocation id. */
enum {
	ID_NONE = 0,	/* not reached yet */
	ID_PENDING,	/* in the batch being built */
	ID_LIVE,	/* allocated, @addr known */
	ID_FAILED,	/* its allocation failed now */
	ID_ENDED,	/* freed, or ended by a reset */
};

/* What a skipped event counts as, once the batch it sits in has run. */
enum {
	SKIP_FREE_FAILED,	/* skipped_frees */
	SKIP_UNKNOWN,		/* unknown_frees */
};

struct skip {
	__u32 event;
	__u32 what;
};

/**
 * struct run - one replay_run()
 * @h: the instance.
 * @w: the workload.
 * @o: the options.
 * @r: the result.
 * @addr: per allocation id, the memsim address it got.
 * @state: per allocation id, ID_*.
 * @seg: per segment id of the trace, the memsim segment id (0: none).
 * @ops: the batch being built.
 * @evi: for each operation of @ops, its event.
 * @n: operations in @ops.
 * @max: most operations a batch takes.
 * @skips: events skipped while the batch was built, counted when it ran.
 * @nskip: entries of @skips.
 * @next: the index of the event after the last one added to the batch.
 * @has_alloc: the batch has an allocation.
 * @has_free: the batch has a free or completion.
 * @dirty: an allocation ran since the last probe.
 * @cur: the strategy in force.
 * @buddy_min: the buddy system's minimum block in force.
 * @keep: REPLAY_STRATEGY_KEEP: the strategy the caller set, -1 otherwise.
 * @keep_min: its buddy minimum block.
 * @stop: stop now.
 */
struct run {
	struct memsim_handle *h;
	const struct replay_workload *w;
	const struct replay_opts *o;
	struct replay_result *r;
	__u64 *addr;
	__u8 *state;
	__u64 *seg;
	struct memsim_batch_op *ops;
	__u32 *evi;
	__u32 n;
	__u32 max;
	struct skip *skips;
	__u32 nskip;
	size_t next;
	int has_alloc;
	int has_free;
	int dirty;
	int cur;
	__u64 buddy_min;
	int keep;
	__u64 keep_min;
	int stop;
};

static __u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static int device_mode(const struct run *run)
{
	return run->o->device_size != 0;
}

static int memsim_format(const struct replay_workload *w)
{
	return w->format == REPLAY_FMT_MEMSIM_CSV || w->format == REPLAY_FMT_MEMSIM_NDJSON;
}

int replay_has_segments(const struct replay_workload *w)
{
	return w->count[REPLAY_SEGMENT_ALLOC] != 0;
}

static void hook_progress(struct run *run)
{
	const struct replay_hooks *k = run->o->hooks;

	if (k && k->progress)
		k->progress(run->o->ctx, run->h, run->r);
}

static void hook_probe(struct run *run)
{
	const struct replay_hooks *k = run->o->hooks;

	if (run->dirty && k && k->probe)
		k->probe(run->o->ctx);
	run->dirty = 0;
}

static void hook_grew(struct run *run)
{
	const struct replay_hooks *k = run->o->hooks;

	run->dirty = 1;
	if (k && k->grew)
		k->grew(run->o->ctx);
}

/* The peaks of the instance so far, before a reset clears them. */
static int fold_peaks(struct run *run, struct memsim_summary *sum)
{
	struct replay_result *r = run->r;
	int ret;

	ret = memsim_get_summary(run->h, sum);
	if (ret) {
		snprintf(r->error, sizeof(r->error), "%s", memsim_strerror(run->h));
		return ret;
	}
	if (sum->usage.peak_allocated > r->peak_allocated)
		r->peak_allocated = sum->usage.peak_allocated;
	if (sum->peak_requested > r->peak_requested)
		r->peak_requested = sum->peak_requested;
	return 0;
}

/* "ENOENT (No such file or directory)" */
static const char *errno_text(char *buf, size_t len, int err)
{
	snprintf(buf, len, "%s (%s)", memsim_errno_name(err), strerror(-err));
	return buf;
}

/*
 * Event @i failed with @err; @f->msg (and for an allocation @f->req) is
 * filled.  Count it, keep the first, call the hook, decide whether to stop.
 */
static void failed(struct run *run, size_t i, struct replay_failure *f)
{
	const struct replay_hooks *k = run->o->hooks;
	struct replay_result *r = run->r;
	int stop = 0;

	f->event = i;
	f->ev = &run->w->ev[i];
	replay_event_where(run->w, f->ev, f->where, sizeof(f->where));
	if (!f->alloc)
		r->errors++;
	if (!r->have_first) {
		r->first = *f;
		r->first.ev = f->ev;
		r->have_first = 1;
	}
	if (k && k->failure)
		stop = k->failure(run->o->ctx, run->h, f);
	if (stop || !(run->o->flags & REPLAY_KEEP_GOING)) {
		run->stop = 1;
		r->stopped = 1;
		r->replayed = i + 1;
	}
}

/*
 * A failure of an event outside a batch: "WHAT: WHY" in memsim's words
 * (why.c), or "WHAT: ERRNO (text)" when they say no more than the errno.
 */
static void failed_call(struct run *run, size_t i, int err, const char *what,
			const char *why)
{
	struct replay_failure f;
	char e[96];

	memset(&f, 0, sizeof(f));
	f.error = err;
	snprintf(f.msg, sizeof(f.msg), "%s: %s", what, why ? why : errno_text(e, sizeof(e), err));
	failed(run, i, &f);
}

/* The request a batch's allocation stands for. */
static void op_request(const struct memsim_batch_op *op, struct memsim_alloc_arg *a)
{
	memset(a, 0, sizeof(*a));
	a->size = op->size;
	a->align = op->align;
	a->range_lo = op->range_lo;
	a->range_hi = op->range_hi;
	a->fixed_addr = op->flags & MEMSIM_ALLOC_FIXED ? op->addr : 0;
	a->tag = op->tag;
	a->stream = op->stream;
	a->flags = op->flags;
}

/* Operation @j of the batch failed: the instance stands as at the failure. */
static void op_failed(struct run *run, __u32 j)
{
	const struct memsim_batch_op *op = &run->ops[j];
	const struct replay_event *ev = &run->w->ev[run->evi[j]];
	struct replay_failure f;
	char what[192], e[96], why[256];
	const char *w;

	memset(&f, 0, sizeof(f));
	f.error = op->error;
	if (op->op == MEMSIM_BATCH_ALLOC) {
		f.alloc = 1;
		f.recorded = ev->kind == REPLAY_ALLOC_FAILED;
		op_request(op, &f.req);
		if (op->error == -ENOSPC && !memsim_explain_alloc(run->h, &f.req, &f.explain)) {
			f.have_explain = 1;
			explain_message(f.msg, sizeof(f.msg), &f.req, &f.explain);
		} else {
			explain_request(what, sizeof(what), &f.req);
			w = why_alloc(why, sizeof(why), op->error, &f.req, NULL,
				      run->cur == MEMSIM_STRATEGY_BUDDY ? run->buddy_min : 0);
			snprintf(f.msg, sizeof(f.msg), "%s: %s", what,
				 op->error == -ENOSPC ? "no space (ENOSPC)" :
				 w ? w : errno_text(e, sizeof(e), op->error));
		}
	} else {
		w = why_free(why, sizeof(why), op->op == MEMSIM_BATCH_COMPLETE_FREE, op->error,
			     op->addr, 0, op->flags, NULL, 0);
		snprintf(f.msg, sizeof(f.msg), "%s 0x%llx: %s",
			 op->op == MEMSIM_BATCH_FREE ?
			 (op->flags & MEMSIM_FREE_DEFER ? "free defer" : "free") : "complete",
			 (unsigned long long)op->addr, w ? w : errno_text(e, sizeof(e), op->error));
	}
	failed(run, run->evi[j], &f);
}

/* Operation @j of the batch ran: count it. */
static void op_done(struct run *run, __u32 j)
{
	const struct memsim_batch_op *op = &run->ops[j];
	const struct replay_event *ev = &run->w->ev[run->evi[j]];
	struct replay_result *r = run->r;

	if (op->op != MEMSIM_BATCH_ALLOC) {
		if (op->error)
			return;
		if (op->op == MEMSIM_BATCH_COMPLETE_FREE)
			r->completions++;
		else if (op->flags & MEMSIM_FREE_DEFER)
			r->deferred++;
		else
			r->frees++;
		return;
	}
	r->allocs++;
	if (ev->kind == REPLAY_ALLOC_FAILED)
		r->recorded_failures++;
	if (op->error) {
		r->failures++;
		if (op->error == -ENOSPC)
			r->failures_nospc++;
		if (ev->kind == REPLAY_ALLOC)
			run->state[ev->id] = ID_FAILED;
		return;
	}
	r->allocs_ok++;
	if (ev->kind == REPLAY_ALLOC_FAILED) {
		r->recorded_ok++;
		return;
	}
	run->addr[ev->id] = op->addr;
	run->state[ev->id] = ID_LIVE;
	if (device_mode(run))
		return;
	if (op->addr == ev->addr) {
		r->placed_as_traced++;
	} else {
		if (!r->placed_elsewhere++) {
			r->first_elsewhere = run->evi[j];
			r->first_elsewhere_addr = op->addr;
		}
	}
}

/* Count the skipped events of the batch before event @upto. */
static void commit_skips(struct run *run, size_t upto)
{
	struct replay_result *r = run->r;
	__u32 i;

	for (i = 0; i < run->nskip && run->skips[i].event < upto; i++) {
		switch (run->skips[i].what) {
		case SKIP_FREE_FAILED:
			r->skipped_frees++;
			break;
		default:
			r->unknown_frees++;
			break;
		}
	}
	run->nskip = 0;
}

/* Send the batch being built.  Return: 0 (run->stop may be set) or -errno. */
static int flush(struct run *run)
{
	struct replay_result *r = run->r;
	__u32 start = 0, done, nfailed, j;
	int ret, grew;

	while (start < run->n) {
		if (run->has_free)
			hook_probe(run);
		ret = memsim_batch(run->h, run->ops + start, run->n - start,
				   MEMSIM_BATCH_STOP_ON_ERROR, &done, &nfailed);
		r->batches++;
		r->batched += run->n - start;
		if (ret) {
			snprintf(r->error, sizeof(r->error), "%s", memsim_strerror(run->h));
			return ret;
		}
		if (!done || start + done > run->n) {
			snprintf(r->error, sizeof(r->error), "BATCH ran %u of %u operations",
				 done, run->n - start);
			return -EPROTO;
		}
		grew = 0;
		for (j = start; j < start + done; j++) {
			op_done(run, j);
			if (run->ops[j].op == MEMSIM_BATCH_ALLOC && !run->ops[j].error)
				grew = 1;
		}
		if (grew)
			hook_grew(run);
		start += done;
		if (!run->ops[start - 1].error)
			continue;
		op_failed(run, start - 1);
		if (run->stop) {
			commit_skips(run, run->evi[start - 1]);
			run->n = 0;
			run->has_alloc = 0;
			run->has_free = 0;
			return 0;
		}
	}
	commit_skips(run, (size_t)-1);
	r->replayed = run->next;
	run->n = 0;
	run->has_alloc = 0;
	run->has_free = 0;
	hook_progress(run);
	return 0;
}

/* Make room for one more operation or skip. */
static int room(struct run *run)
{
	if (run->n < run->max && run->nskip < run->max)
		return 0;
	return flush(run);
}

static int add_skip(struct run *run, size_t i, __u32 what)
{
	int ret = room(run);

	if (ret || run->stop)
		return ret;
	run->skips[run->nskip].event = i;
	run->skips[run->nskip].what = what;
	run->nskip++;
	run->next = i + 1;
	return 0;
}

static int add_alloc(struct run *run, size_t i, const struct replay_event *ev)
{
	struct memsim_batch_op *op;
	__u32 flags = ev->flags & MEMSIM_ALLOC_FLAGS;
	int ret;

	ret = room(run);
	if (ret || run->stop)
		return ret;
	op = &run->ops[run->n];
	memset(op, 0, sizeof(*op));
	op->op = MEMSIM_BATCH_ALLOC;
	op->size = ev->size;
	op->align = ev->align;
	op->tag = ev->tag;
	op->stream = device_mode(run) ? MEMSIM_STREAM_ANY_ID : ev->stream;
	if (flags & MEMSIM_ALLOC_RANGE) {
		/* The trace does not say which range: sent without. */
		flags &= ~MEMSIM_ALLOC_RANGE;
		run->r->ranges_dropped++;
	}
	/* The state before a PyTorch trace is placed where the snapshot has it. */
	if ((ev->flags & REPLAY_F_INITIAL) && !device_mode(run))
		flags |= MEMSIM_ALLOC_FIXED;
	if (flags & MEMSIM_ALLOC_FIXED)
		op->addr = ev->addr;
	op->flags = flags;
	run->evi[run->n++] = i;
	run->has_alloc = 1;
	run->next = i + 1;
	if (ev->kind == REPLAY_ALLOC)
		run->state[ev->id] = ID_PENDING;
	return 0;
}

static int add_free(struct run *run, size_t i, const struct replay_event *ev)
{
	struct memsim_batch_op *op;
	int ret;

	if (ev->id == REPLAY_NO_ID || ev->id >= run->w->nr_ids)
		return add_skip(run, i, SKIP_UNKNOWN);
	if (run->state[ev->id] == ID_PENDING) {
		/* Its address comes back with the batch. */
		ret = flush(run);
		if (ret || run->stop)
			return ret;
	}
	switch (run->state[ev->id]) {
	case ID_FAILED:
		return add_skip(run, i, SKIP_FREE_FAILED);
	case ID_LIVE:
		break;
	default:
		return add_skip(run, i, SKIP_UNKNOWN);
	}
	if ((run->o->flags & REPLAY_EXACT_PEAKS) && run->has_alloc) {
		ret = flush(run);
		if (ret || run->stop)
			return ret;
	}
	ret = room(run);
	if (ret || run->stop)
		return ret;
	op = &run->ops[run->n];
	memset(op, 0, sizeof(*op));
	op->addr = run->addr[ev->id];
	switch (ev->kind) {
	case REPLAY_FREE:
		op->op = MEMSIM_BATCH_FREE;
		run->state[ev->id] = ID_ENDED;
		break;
	case REPLAY_FREE_REQUESTED:
		op->op = MEMSIM_BATCH_FREE;
		op->flags = MEMSIM_FREE_DEFER;
		break;
	default:
		op->op = MEMSIM_BATCH_COMPLETE_FREE;
		run->state[ev->id] = ID_ENDED;
		break;
	}
	run->evi[run->n++] = i;
	run->has_free = 1;
	run->next = i + 1;
	return 0;
}

/*
 * SET_STRATEGY for event @i (REPLAY_NO_EVENT: before the first, where a
 * failure ends the replay).  Return: 0 (a failure of an event is
 * reported), 1 if it failed, or -errno.
 */
static int set_strategy(struct run *run, size_t i, int strategy, __u64 buddy_min)
{
	__u64 min = strategy == MEMSIM_STRATEGY_BUDDY ? buddy_min : 0;
	char what[64], why[256];
	struct memsim_summary sum;
	const char *w;
	int ret;

	ret = memsim_set_strategy(run->h, strategy, min);
	if (!ret) {
		run->cur = strategy;
		if (strategy == MEMSIM_STRATEGY_BUDDY)
			run->buddy_min = min ? min : 64;
		return 0;
	}
	if (i == REPLAY_NO_EVENT) {
		snprintf(run->r->error, sizeof(run->r->error), "%s", memsim_strerror(run->h));
		return ret;
	}
	if (memsim_get_summary(run->h, &sum)) {
		sum.usage.live_blocks = 0;
		sum.strategy = -1;
	}
	w = why_strategy(why, sizeof(why), ret, strategy, min, sum.usage.live_blocks,
			 (int)sum.strategy);
	snprintf(what, sizeof(what), "strategy %s", memsim_strategy_name(strategy));
	failed_call(run, i, ret, what, w);
	return 1;
}

static int do_reset(struct run *run, size_t i, const struct replay_event *ev)
{
	__u32 flags = ev->flags & MEMSIM_RESET_KEEP_SEGMENTS, id;
	struct memsim_summary sum;
	int ret;

	hook_probe(run);
	ret = fold_peaks(run, &sum);
	if (ret)
		return ret;
	if (device_mode(run))
		flags |= MEMSIM_RESET_KEEP_SEGMENTS;
	ret = memsim_reset(run->h, flags);
	if (ret) {
		failed_call(run, i, ret, "reset", NULL);
		return 0;
	}
	run->r->resets++;
	for (id = 0; id < run->w->nr_ids; id++)
		if (run->state[id] == ID_LIVE || run->state[id] == ID_PENDING)
			run->state[id] = ID_ENDED;
	if (!(flags & MEMSIM_RESET_KEEP_SEGMENTS)) {
		memset(run->seg, 0, run->w->nr_seg_ids * sizeof(*run->seg));
		run->cur = MEMSIM_STRATEGY_FIRST_FIT;
	}
	/* A strategy chosen by the caller stays after a reset that lost it. */
	if (run->o->strategy >= 0 && run->cur != run->o->strategy)
		set_strategy(run, i, run->o->strategy, run->o->buddy_min);
	else if (run->keep >= 0 && run->cur != run->keep)
		set_strategy(run, i, run->keep, run->keep_min);
	/* The trace's full reset brought first fit back; the device stayed. */
	if (run->o->strategy == REPLAY_STRATEGY_TRACE &&
	    !(ev->flags & MEMSIM_RESET_KEEP_SEGMENTS) &&
	    run->cur != MEMSIM_STRATEGY_FIRST_FIT)
		set_strategy(run, i, MEMSIM_STRATEGY_FIRST_FIT, 0);
	return 0;
}

/* An event that is not part of a batch; the batch was sent. */
static int other_event(struct run *run, size_t i, const struct replay_event *ev)
{
	struct replay_result *r = run->r;
	char what[128], sz[32], why[256];
	__u64 id, done;
	int ret = 0;

	switch (ev->kind) {
	case REPLAY_SEGMENT_ALLOC:
		if (device_mode(run)) {
			r->segments_ignored++;
			break;
		}
		ret = memsim_create_segment(run->h, ev->addr, ev->size, 0, ev->stream, &id);
		if (!ret) {
			run->seg[ev->id] = id;
			r->segments++;
			break;
		}
		snprintf(what, sizeof(what), "segment 0x%llx %s stream=%u",
			 (unsigned long long)ev->addr,
			 memsim_format_size(sz, sizeof(sz), ev->size), ev->stream);
		failed_call(run, i, ret, what, why_segment(why, sizeof(why), ret, ev->addr,
							   ev->size, ev->stream, NULL, 0));
		ret = 0;
		break;
	case REPLAY_SEGMENT_FREE:
		if (device_mode(run) || ev->id == REPLAY_NO_ID || ev->id >= run->w->nr_seg_ids ||
		    !run->seg[ev->id]) {
			r->segments_ignored++;
			break;
		}
		hook_probe(run);
		ret = memsim_release_segment(run->h, run->seg[ev->id]);
		if (!ret) {
			run->seg[ev->id] = 0;
			r->segments_released++;
			break;
		}
		snprintf(what, sizeof(what), "release of the segment at 0x%llx",
			 (unsigned long long)ev->addr);
		failed_call(run, i, ret, what, why_release(why, sizeof(why), ret,
							   run->seg[ev->id]));
		ret = 0;
		break;
	case REPLAY_STRATEGY:
		if (run->o->strategy != REPLAY_STRATEGY_TRACE) {
			r->strategies_ignored++;
			break;
		}
		hook_probe(run);
		ret = set_strategy(run, i, ev->strategy, ev->size);
		if (!ret)
			r->strategy_changes++;
		ret = ret < 0 ? ret : 0;
		break;
	case REPLAY_RESET:
		ret = do_reset(run, i, ev);
		break;
	case REPLAY_STREAM_SYNC:
		hook_probe(run);
		ret = memsim_sync_stream(run->h, device_mode(run) ? MEMSIM_STREAM_ANY_ID :
					 ev->stream, &done);
		if (!ret) {
			r->syncs++;
			break;
		}
		snprintf(what, sizeof(what), "sync of stream %u", ev->stream);
		failed_call(run, i, ret, what, why_sync(why, sizeof(why), ret, ev->stream));
		ret = 0;
		break;
	default:
		r->markers++;
		break;
	}
	if (!ret && !run->stop) {
		run->next = i + 1;
		r->replayed = i + 1;
		hook_progress(run);
	}
	return ret;
}

/* The strategy of the first event of a memsim trace, else first fit. */
static int trace_strategy(const struct replay_workload *w, int cur)
{
	if (!memsim_format(w))
		return MEMSIM_STRATEGY_FIRST_FIT;
	/* A first record that changes the strategy does not say the old one. */
	if (!w->nr || w->ev[0].kind == REPLAY_STRATEGY)
		return cur;
	return w->ev[0].strategy;
}

static int start(struct run *run)
{
	const struct replay_opts *o = run->o;
	struct replay_result *r = run->r;
	struct memsim_summary sum;
	struct memsim_info info;
	int want, ret;
	__u64 id;

	ret = memsim_get_info(run->h, &info);
	if (!ret)
		ret = memsim_get_summary(run->h, &sum);
	if (ret) {
		snprintf(r->error, sizeof(r->error), "%s", memsim_strerror(run->h));
		return ret;
	}
	run->max = info.max_batch ? info.max_batch : 1;
	if (o->max_batch && o->max_batch < run->max)
		run->max = o->max_batch;
	run->cur = sum.strategy;
	run->buddy_min = sum.buddy_min_block;
	run->keep = o->strategy == REPLAY_STRATEGY_KEEP ? (int)sum.strategy : -1;
	run->keep_min = sum.buddy_min_block;
	if (!o->device_size && !replay_has_segments(run->w)) {
		snprintf(r->error, sizeof(r->error),
			 "%s: the trace creates no segment: give --device-size SIZE",
			 run->w->name);
		return -EINVAL;
	}

	run->addr = calloc(run->w->nr_ids ? run->w->nr_ids : 1, sizeof(*run->addr));
	run->state = calloc(run->w->nr_ids ? run->w->nr_ids : 1, sizeof(*run->state));
	run->seg = calloc(run->w->nr_seg_ids ? run->w->nr_seg_ids : 1, sizeof(*run->seg));
	run->ops = calloc(run->max, sizeof(*run->ops));
	run->evi = calloc(run->max, sizeof(*run->evi));
	run->skips = calloc(run->max, sizeof(*run->skips));
	if (!run->addr || !run->state || !run->seg || !run->ops || !run->evi || !run->skips) {
		snprintf(r->error, sizeof(r->error), "out of memory");
		return -ENOMEM;
	}

	want = o->strategy >= 0 ? o->strategy :
	       o->strategy == REPLAY_STRATEGY_TRACE ? trace_strategy(run->w, run->cur) :
	       run->cur;
	if (want != run->cur ||
	    (want == MEMSIM_STRATEGY_BUDDY && o->buddy_min && o->buddy_min != sum.buddy_min_block)) {
		ret = set_strategy(run, REPLAY_NO_EVENT, want, o->buddy_min);
		if (ret)
			return ret;
	}
	r->strategy = run->cur;
	if (o->device_size) {
		ret = memsim_create_segment(run->h, 0, o->device_size, 0, 0, &id);
		if (ret) {
			snprintf(r->error, sizeof(r->error), "--device-size: %s",
				 memsim_strerror(run->h));
			return ret;
		}
		r->segments++;
	}
	return 0;
}

/**
 * replay_run() - play a workload on an instance
 * @h: the instance, open (normally empty: a fresh open() or a RESET).
 * @w: the workload.
 * @o: how (&struct replay_opts).
 * @r: the counters of what ran, filled in every case.
 *
 * Return: 0 when every event ran, 1 when the replay stopped at a failure,
 * or a negative errno when it could not go on (@r->error says why).
 */
int replay_run(struct memsim_handle *h, const struct replay_workload *w,
	       const struct replay_opts *o, struct replay_result *r)
{
	struct run run = { .h = h, .w = w, .o = o, .r = r };
	struct memsim_summary sum;
	__u64 t0;
	size_t i;
	int ret;

	memset(r, 0, sizeof(*r));
	r->events = w->nr;
	r->first_elsewhere = REPLAY_NO_EVENT;
	r->strategy = -1;
	t0 = now_ns();
	ret = start(&run);
	for (i = 0; !ret && !run.stop && i < w->nr; i++) {
		const struct replay_event *ev = &w->ev[i];

		switch (ev->kind) {
		case REPLAY_ALLOC:
		case REPLAY_ALLOC_FAILED:
			ret = add_alloc(&run, i, ev);
			break;
		case REPLAY_FREE:
		case REPLAY_FREE_REQUESTED:
		case REPLAY_FREE_COMPLETED:
			ret = add_free(&run, i, ev);
			break;
		default:
			ret = flush(&run);
			if (!ret && !run.stop)
				ret = other_event(&run, i, ev);
			break;
		}
	}
	if (!ret && !run.stop)
		ret = flush(&run);
	/* The figures at the end, or at the stop, once the run had started. */
	if (r->strategy >= 0) {
		int err;

		hook_probe(&run);
		err = fold_peaks(&run, &sum);
		if (!err) {
			r->final = sum;
			r->have_final = 1;
		} else if (!ret) {
			ret = err;
		}
	}
	r->elapsed_ns = now_ns() - t0;
	free(run.addr);
	free(run.state);
	free(run.seg);
	free(run.ops);
	free(run.evi);
	free(run.skips);
	if (ret)
		return ret;
	return r->stopped ? 1 : 0;
}
