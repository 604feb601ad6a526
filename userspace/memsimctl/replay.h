/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay: a trace, read by replay_read.c, played against a memsim instance
 *
 * Copyright (C) 2026 The memsim authors
 *
 * replay_run() plays a &struct replay_workload on an open instance through
 * MEMSIM_IOC_BATCH with MEMSIM_BATCH_STOP_ON_ERROR, so that when an event
 * fails the instance stands exactly as it did then: the failure (with the
 * kernel's EXPLAIN_ALLOC answer for an allocation that found no space) is
 * handed to a hook while nothing has moved since.  It prints nothing:
 * "memsimctl replay" (replay_cmd.c) prints, and so can any other caller
 * (compare runs it once per strategy):
 *
 *	struct replay_opts o = REPLAY_OPTS_INIT;
 *	struct replay_result r;
 *
 *	o.strategy = REPLAY_STRATEGY_KEEP;   // the caller set it
 *	o.device_size = size;                // or 0: the trace's segments
 *	o.flags = REPLAY_KEEP_GOING;
 *	o.hooks = &my_hooks;                 // may be NULL
 *	o.ctx = my_ctx;
 *	ret = replay_run(h, w, &o, &r);
 *
 * Return: 0 when every event ran, 1 when it stopped at a failure (without
 * REPLAY_KEEP_GOING, or because the failure hook asked to), or a negative
 * errno when the replay itself could not go on (a BATCH call refused,
 * GET_SUMMARY failed...): @r->error says why.  In every case @r holds the
 * counters of what ran.  Documentation/memsimctl.rst, "replay", describes
 * what each event becomes.
 */
#ifndef _MEMSIMCTL_REPLAY_H
#define _MEMSIMCTL_REPLAY_H

#include "libmemsim.h"
#include "options.h"
#include "replay_read.h"

/* &replay_opts.strategy besides an &enum memsim_strategy_id */
#define REPLAY_STRATEGY_TRACE	(-1)	/* the trace's records (memsim), else first fit */
#define REPLAY_STRATEGY_KEEP	(-2)	/* as the caller set it; records ignored */

/* &replay_opts.flags */
#define REPLAY_KEEP_GOING	(1U << 0)	/* count a failure and go on */
/*
 * End a batch before a free that follows an allocation, so that the probe
 * hook sees every local peak (compare); batches get shorter.
 */
#define REPLAY_EXACT_PEAKS	(1U << 1)

/* Sizes of the texts of a failure. */
#define REPLAY_WHERE_MAX	320
#define REPLAY_MSG_MAX		512

/**
 * struct replay_failure - an event that failed, as the instance stands
 * @event: its index in &replay_workload.ev.
 * @ev: the event.
 * @where: its place in the input: "FILE:LINE", "FILE:device_traces[D][I]".
 * @error: the negative errno of the operation.
 * @alloc: 1 for an allocation (@req is the request sent), 0 for another
 *	event (a free, a segment, a strategy change...).
 * @recorded: 1 if the trace records this allocation as failed too.
 * @req: the allocation request as it was sent (no label).
 * @have_explain: 1 if @explain holds the kernel's EXPLAIN_ALLOC answer
 *	(an allocation that failed with -ENOSPC, on a module that has it).
 * @explain: that answer.
 * @msg: what failed, without @where: for an explained allocation
 *	explain_message()'s line ("alloc 2 MiB stream=1: no space: ..."),
 *	else e.g. "free 0x1000: ENOENT (No such file or directory)".
 */
struct replay_failure {
	size_t event;
	const struct replay_event *ev;
	char where[REPLAY_WHERE_MAX];
	int error;
	int alloc;
	int recorded;
	struct memsim_alloc_arg req;
	int have_explain;
	struct memsim_explain_arg explain;
	char msg[REPLAY_MSG_MAX];
};

struct replay_result;

/**
 * struct replay_hooks - what a caller of replay_run() may want to see
 * @failure: an event failed; the instance stands as at the failure.
 *	Return 0 to go on as &replay_opts.flags say, non-zero to stop.
 * @progress: after each batch and each event outside a batch, with the
 *	counters so far (for a progress line; rate-limit it yourself).
 * @grew: after a batch (or call) that allocated: the usage may have grown.
 * @probe: before a batch (or call) that may lower the usage, when an
 *	allocation happened since the last probe.
 *
 * Every hook may be NULL.  @ctx of &struct replay_opts is passed to each.
 */
struct replay_hooks {
	int (*failure)(void *ctx, struct memsim_handle *h, const struct replay_failure *f);
	void (*progress)(void *ctx, struct memsim_handle *h, const struct replay_result *r);
	void (*grew)(void *ctx);
	void (*probe)(void *ctx);
};

/**
 * struct replay_opts - how to replay
 * @strategy: an &enum memsim_strategy_id, set before the first event (and
 *	again after a RESET that brought first fit back), the trace's own
 *	strategy changes ignored; or REPLAY_STRATEGY_TRACE, or
 *	REPLAY_STRATEGY_KEEP.
 * @buddy_min: the buddy system's minimum block for @strategy (0: the
 *	kernel's 64).
 * @device_size: 0: the segments are the trace's; else one segment of this
 *	size at address 0 on stream 0, requests on any stream, the trace's
 *	segment events ignored.
 * @flags: REPLAY_*.
 * @max_batch: most operations a BATCH carries; 0: GET_INFO's max_batch.
 * @hooks: the caller's hooks, or NULL.
 * @ctx: for the hooks.
 */
struct replay_opts {
	int strategy;
	__u64 buddy_min;
	__u64 device_size;
	unsigned int flags;
	__u32 max_batch;
	const struct replay_hooks *hooks;
	void *ctx;
};

#define REPLAY_OPTS_INIT	{ .strategy = REPLAY_STRATEGY_TRACE }

/**
 * struct replay_result - what a replay did
 * @events: events of the workload.
 * @replayed: events handled (sent, or skipped as described below), up to
 *	and including the one a stop came at.
 * @allocs: allocation requests sent (alloc and recorded failed alloc events).
 * @allocs_ok: those that succeeded.
 * @failures: those that failed now (any errno).
 * @failures_nospc: of these, failed with -ENOSPC.
 * @recorded_failures: alloc_failed events replayed (the trace's own failures).
 * @recorded_ok: of these, succeeded now.
 * @frees: immediate frees sent.
 * @deferred: deferred frees requested (FREE with MEMSIM_FREE_DEFER).
 * @completions: deferred frees completed (COMPLETE_FREE).
 * @skipped_frees: free events not sent: their allocation failed now.
 * @unknown_frees: free events not sent: the trace never allocated their
 *	pointer (REPLAY_F_UNKNOWN_PTR), or a reset ended the allocation.
 * @ranges_dropped: range requests whose range the trace lacks, sent without.
 * @segments: segments created.
 * @segments_released: segments released.
 * @segments_ignored: segment events not played (with @device_size; a
 *	release of a segment that was never created).
 * @strategy_changes: strategy events played.
 * @strategies_ignored: strategy events not played (a strategy was chosen).
 * @resets: resets played.
 * @syncs: stream syncs played.
 * @markers: snapshot markers (no effect).
 * @errors: other events that failed (a free, a segment, a strategy...).
 * @placed_as_traced: allocations that got the traced pointer as address
 *	(only with the trace's own segments).
 * @placed_elsewhere: allocations that got another address.
 * @first_elsewhere: index of the first of these, or REPLAY_NO_EVENT.
 * @first_elsewhere_addr: the address it got.
 * @batches: BATCH calls.
 * @batched: operations they carried (a failure's resent rest counted again).
 * @peak_allocated: the highest allocated bytes of the run (across resets).
 * @peak_requested: the highest requested bytes of the run.
 * @final: GET_SUMMARY at the end (or at the stop).
 * @have_final: @final is filled.
 * @strategy: the strategy in force at the start.
 * @elapsed_ns: the time the events took (reading the trace excluded).
 * @stopped: 1 if the replay stopped at a failure.
 * @first: the first failure (@have_first).
 * @have_first: 1 once @first is filled.
 * @error: the reason of a negative return, "" otherwise.
 */
struct replay_result {
	__u64 events;
	__u64 replayed;
	__u64 allocs;
	__u64 allocs_ok;
	__u64 failures;
	__u64 failures_nospc;
	__u64 recorded_failures;
	__u64 recorded_ok;
	__u64 frees;
	__u64 deferred;
	__u64 completions;
	__u64 skipped_frees;
	__u64 unknown_frees;
	__u64 ranges_dropped;
	__u64 segments;
	__u64 segments_released;
	__u64 segments_ignored;
	__u64 strategy_changes;
	__u64 strategies_ignored;
	__u64 resets;
	__u64 syncs;
	__u64 markers;
	__u64 errors;
	__u64 placed_as_traced;
	__u64 placed_elsewhere;
	size_t first_elsewhere;
	__u64 first_elsewhere_addr;
	__u64 batches;
	__u64 batched;
	__u64 peak_allocated;
	__u64 peak_requested;
	struct memsim_summary final;
	int have_final;
	int strategy;
	__u64 elapsed_ns;
	int stopped;
	struct replay_failure first;
	int have_first;
	char error[256];
};

#define REPLAY_NO_EVENT		((size_t)-1)

int replay_run(struct memsim_handle *h, const struct replay_workload *w,
	       const struct replay_opts *o, struct replay_result *r);

/*
 * replay_compare.c: compare's run function of a trace (&struct
 * compare_workload_ops.run of compare_trace_ops, compare.h).
 */
struct compare_workload;
struct compare_run;
int replay_compare_run(const struct compare_workload *w, struct compare_run *r);

/* replay_cmd.c: "memsimctl replay", for main.c's table of commands. */
struct ctl_cmd;
int cmd_replay(const struct ctl_cmd *cmd, int argc, char **argv);
extern const struct opt replay_cli_opts[];

/* 1 if @w has segment events of its own (replay needs --device-size otherwise). */
int replay_has_segments(const struct replay_workload *w);

#endif /* _MEMSIMCTL_REPLAY_H */
