/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl compare: one workload under several strategies
 *
 * Copyright (C) 2026 The memsim authors
 *
 * compare.c runs a workload once per strategy, each run in a process of
 * its own on an instance of its own (its own open() of /dev/memsim), up to
 * --jobs runs at a time, and prints one row per strategy.  A workload is
 * anything that can be run on an open, empty instance whose strategy is
 * already set: a kind of workload is a &struct compare_workload_ops, and
 * its one required function, @run, does the work:
 *
 *	static int my_run(const struct compare_workload *w, struct compare_run *r)
 *	{
 *		// create the segments (r->device_size bytes in all), then for
 *		// every operation of the workload, on r->h:
 *		//   before an allocation:                nothing
 *		//   after an allocation (or a call that may allocate, such as
 *		//   a BATCH or a SIMULATE):              compare_may_grow(r)
 *		//   before any other call that changes the instance (a free,
 *		//   a segment, a release...):            compare_probe(r)
 *		//   when an operation of the workload fails:
 *		//                                        compare_failure(r, ...)
 *		// and compare_probe(r) once more at the end.
 *		return 0;
 *	}
 *	static const struct compare_workload_ops my_ops = { "mine", my_run };
 *
 * The parent prepares the workload once (reads and checks the file), fills
 * a &struct compare_workload with the ops and the kind's own data (@data),
 * and the children inherit it through fork(); @run never prints (standard
 * output is /dev/null in a child) and returns 0 when the workload ran,
 * whatever failed inside it, or a negative errno when the run itself could
 * not be made (r->error says why).  Everything else, the figures at the
 * end, the counters of the strategy, --min-capacity, is compare.c's.
 *
 * The pure parts (the bisection of --min-capacity, the formatting of
 * figures) are in compare_search.c, tested on the host by
 * selftests/memsimctl/host/compare_test.c.
 */
#ifndef _MEMSIMCTL_COMPARE_H
#define _MEMSIMCTL_COMPARE_H

#include <stddef.h>

#include "libmemsim.h"
#include "options.h"

struct compare_workload;
struct compare_run;
struct ctl_cmd;

/* The command (main.c's table) */
int cmd_compare(const struct ctl_cmd *cmd, int argc, char **argv);
extern const struct opt compare_opts[];

/**
 * struct compare_workload_ops - a kind of workload
 * @name: its name ("script", "simulate", "trace"), in the output.
 * @run: runs the workload once on r->h (see the top of this file).
 */
struct compare_workload_ops {
	const char *name;
	int (*run)(const struct compare_workload *w, struct compare_run *r);
};

/**
 * struct compare_workload - the workload every strategy runs
 * @ops: its kind.
 * @source: the file it comes from ("-" for standard input), or NULL.
 * @data: the kind's own (a script's text, SIMULATE's arguments, a trace).
 */
struct compare_workload {
	const struct compare_workload_ops *ops;
	const char *source;
	void *data;
};

/* The figures of the instance at one moment. */
struct compare_usage {
	__u64 allocated;
	__u64 requested;
	__u64 free;
	__u64 largest_free;
	__u32 frag_ppm;
	__u32 pad;
};

/* Sizes of the texts of a failure. */
#define COMPARE_WHERE_MAX	256
#define COMPARE_MSG_MAX		512
#define COMPARE_ERROR_MAX	(COMPARE_WHERE_MAX + COMPARE_MSG_MAX + 16)

/**
 * struct compare_run - one run of the workload, as its runner sees it
 * @h: the instance, open and empty, its strategy set.
 * @strategy: that strategy (&enum memsim_strategy_id).
 * @device_size: bytes of device the workload is to create.
 * @errors: operations of the workload that failed: compare_failure()
 *	counts them, or the runner sets it (a script: its failed lines).
 * @have_first: 1 once the first failure is kept in @first_*.
 * @first_where: where it happened, "FILE:LINE" (or "op N"), or "".
 * @first_msg: what happened: for an allocation that found no space, the
 *	explanation line (explain.c's explain_message()).
 * @have_explain: 1 if @first_explain holds EXPLAIN_ALLOC's answer for it.
 * @first_explain: free bytes, largest free block and fragmentation then.
 * @dirty: an allocation may have happened since the last probe.
 * @have_peak: 1 once @peak holds a probe's figures.
 * @peak: the figures of the probe that saw the highest live requested
 *	bytes (the first such probe).
 * @probe_err: negative errno of a probe that failed, else 0.
 * @error: why the run could not be made (a runner's or compare.c's own
 *	failure, not the workload's).
 */
struct compare_run {
	struct memsim_handle h;
	int strategy;
	__u64 device_size;
	__u64 errors;
	int have_first;
	char first_where[COMPARE_WHERE_MAX];
	char first_msg[COMPARE_MSG_MAX];
	int have_explain;
	struct memsim_explain_arg first_explain;
	int dirty;
	int have_peak;
	struct compare_usage peak;
	int probe_err;
	char error[COMPARE_ERROR_MAX];
};

/* For runners */
void compare_may_grow(struct compare_run *r);
int compare_probe(struct compare_run *r);
void compare_failure(struct compare_run *r, const char *where, const char *msg,
		     const struct memsim_explain_arg *e);

/* The kinds of workload (compare_work.c) */
extern const struct compare_workload_ops compare_script_ops;
extern const struct compare_workload_ops compare_simulate_ops;
/*
 * A trace (--trace FILE [--format F]): compare.c reads it with
 * replay_read_file() into a &struct replay_workload, the @data of its
 * workload, whose segments are to come from r->device_size unless the
 * trace makes its own (--min-capacity is refused then).  Its @run is
 * replay's executor's; until it exists it is NULL and --trace is refused.
 */
extern const struct compare_workload_ops compare_trace_ops;

/* A script workload's data */
struct script_text;

/**
 * struct compare_script - a script to compare on
 * @text: its lines, read and checked.
 */
struct compare_script {
	struct script_text *text;
};

int compare_script_check(const char *path, struct script_text *t,
			 __u64 device_size, int *refused);
int compare_script_uses_device_size(const struct script_text *t);

/**
 * struct compare_simulate - the kernel's random workload
 * @in: the SIMULATE request (nr_ops, sizes, seed, free_ppm, stream).
 * @seg_start: where its one segment starts; its size is the device size.
 */
struct compare_simulate {
	struct memsim_simulate_arg in;
	__u64 seg_start;
};

/* Pure: compare_search.c */

/**
 * struct compare_bisect - the search of --min-capacity, in granules
 * @lo: a size known to fail (or below the lower bound: not run).
 * @hi: a size known to succeed.
 *
 * Sizes are multiples of a granule; the search halves [lo, hi] until
 * compare_bisect_done().
 */
struct compare_bisect {
	__u64 lo;
	__u64 hi;
};

int compare_bisect_done(const struct compare_bisect *b);
__u64 compare_bisect_mid(const struct compare_bisect *b);
void compare_bisect_step(struct compare_bisect *b, __u64 mid, int ok);

/* The largest size tried when searching for one that succeeds (2^50). */
#define COMPARE_MAX_SIZE	(1ULL << 50)

/**
 * struct compare_mincap - the result of --min-capacity
 * @found: 1 if a size that succeeds was found.
 * @size: the smallest size found that succeeds (bytes).
 * @below: the size just below it that failed or is below @lower_bound.
 * @lower_bound: the peak live requested bytes of the runs that succeeded.
 * @probes: runs made.
 * @tried: @found 0: the largest size tried.
 */
struct compare_mincap {
	int found;
	__u64 size;
	__u64 below;
	__u64 lower_bound;
	__u64 probes;
	__u64 tried;
};

/*
 * One probe of the search: run the workload on a device of @size bytes.
 * Return: 1 if it ran without a failure (*@peak_requested: its peak live
 * requested bytes), 0 if something failed, a negative errno to give up.
 */
typedef int (*compare_probe_fn)(void *ctx, __u64 size, __u64 *peak_requested);

int compare_min_capacity(compare_probe_fn fn, void *ctx, __u64 start,
			 __u64 granule, struct compare_mincap *out);

char *compare_fmt_ppm(char *buf, size_t len, __u32 ppm);
char *compare_fmt_ratio(char *buf, size_t len, __u64 num, __u64 den,
			unsigned int decimals);

#endif /* _MEMSIMCTL_COMPARE_H */
