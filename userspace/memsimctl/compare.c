// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl compare: one workload under several strategies, each run in a
 * process and an instance of its own, up to --jobs at a time; one row per
 * strategy, in the order of --strategy
 *
 * Copyright (C) 2026 The memsim authors
 *
 *   memsimctl compare [OPTIONS] SCRIPT|-
 *   memsimctl compare [OPTIONS] --simulate [SIMULATE-OPTIONS]
 *   memsimctl compare [OPTIONS] --trace FILE [--format F]   (with replay)
 *
 * The parent reads and checks the workload, forks a child per strategy
 * (at most --jobs alive), and reads their results from one pipe as fixed
 * messages (struct compare_msg, written whole: at most PIPE_BUF bytes);
 * a child runs the workload on a fresh instance (compare_run_once()), and
 * with --min-capacity again at each size the search tries.  The columns
 * are defined in Documentation/memsimctl.rst ("compare").
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/wait.h>
#include <unistd.h>

#include "compare.h"
#include "json.h"
#include "memsimctl.h"
#include "options.h"
#include "replay_read.h"
#include "script.h"

#define MAX_STRATEGIES	32
#define SIZE_LEN	32

/**
 * struct cmp_opts - the options of compare
 * @strategy: --strategy LIST, or NULL for all five.
 * @buddy_min: --buddy-min.
 * @jobs: --jobs.
 * @json: --json.
 * @csv: --csv.
 * @min_capacity: --min-capacity.
 * @device_size: --device-size.
 * @granule: --granularity.
 * @simulate: --simulate.
 * @trace: --trace FILE.
 * @format: --format F.
 * @sim: --simulate's workload: --ops, --min, --max, --free-prob, --seed,
 *	--segment-start.
 * @seg_size: --segment-size.
 */
struct cmp_opts {
	char *strategy;
	__u64 buddy_min;
	__u32 jobs;
	int json;
	int csv;
	int min_capacity;
	__u64 device_size;
	__u64 granule;
	int simulate;
	const char *trace;
	const char *format;
	struct compare_simulate sim;
	__u64 seg_size;
};

#define C_OPT(name, fn, field, metavar, help) \
	{ name, 0, OPT_VALUE, fn, offsetof(struct cmp_opts, field), 0, metavar, help }
#define C_FLAG(name, field, help) \
	{ name, 0, 0, opt_flag, offsetof(struct cmp_opts, field), 0, NULL, help }

const struct opt compare_opts[] = {
	C_OPT("strategy", opt_str, strategy, "LIST",
	      "first,best,worst,next,buddy,tlsf or all (default all)"),
	C_OPT("buddy-min", opt_u64, buddy_min, "SIZE",
	      "the buddy system's minimum block (default 64)"),
	C_OPT("jobs", opt_u32, jobs, "N", "runs at a time (default: online CPUs)"),
	C_FLAG("json", json, "one JSON object per strategy, then a summary"),
	C_FLAG("csv", csv, "CSV, a header line then one row per strategy"),
	C_FLAG("min-capacity", min_capacity,
	       "also the smallest device that runs without a failure"),
	C_OPT("device-size", opt_u64, device_size, "SIZE",
	      "script: $DEVICE_SIZE (default 16M)"),
	C_OPT("granularity", opt_u64, granule, "SIZE",
	      "--min-capacity: sizes tried are multiples of it (default 4K)"),
	C_FLAG("simulate", simulate, "the kernel's random workload (SIMULATE)"),
	C_OPT("ops", opt_u64, sim.in.nr_ops, "N", "--simulate: operations (10000)"),
	C_OPT("min", opt_u64, sim.in.min_size, "SIZE", "--simulate: smallest allocation (64)"),
	C_OPT("max", opt_u64, sim.in.max_size, "SIZE", "--simulate: largest allocation (64K)"),
	C_OPT("free-prob", opt_prob, sim.in.free_ppm, "P",
	      "--simulate: probability of a free (0.45)"),
	C_OPT("seed", opt_u64, sim.in.seed, "S", "--simulate: seed (1)"),
	C_OPT("segment-size", opt_u64, seg_size, "SIZE",
	      "--simulate: the segment, the device (16M)"),
	C_OPT("segment-start", opt_u64, sim.seg_start, "A", "--simulate: its start (0)"),
	C_OPT("trace", opt_str, trace, "FILE", "a trace to replay (with replay)"),
	C_OPT("format", opt_str, format, "F", "--trace: its format"),
	OPT_END
};

/* Flags of struct compare_result */
#define CR_PEAK		(1U << 0)	/* the at-peak figures are known */
#define CR_FIRST	(1U << 1)	/* first_where and first_msg are set */
#define CR_EXPLAIN	(1U << 2)	/* first_free... are set */
#define CR_MINCAP	(1U << 3)	/* the search ran: see CR_FOUND */
#define CR_FOUND	(1U << 4)	/* min_capacity is set */

/**
 * struct compare_result - what a child sends back for its strategy
 * @index: its place in the strategy list.
 * @strategy: the strategy.
 * @status: 0 if the run was made, else a negative errno (@error says why).
 * @flags: CR_*.
 * @failures: allocations that found no space (the strategy's counter).
 * @errors: operations of the workload that failed.
 * @peak_allocated: the highest allocated bytes.
 * @peak_requested: the highest live requested bytes.
 * @at_peak: the figures at the peak moment (CR_PEAK).
 * @end: the figures at the end.
 * @allocs: the strategy's successful allocations.
 * @frees: its completed frees.
 * @steps: the index nodes its searches visited.
 * @alloc_ns: its time allocating.
 * @free_ns: its time freeing.
 * @first_free: EXPLAIN_ALLOC's free_bytes at the first failure.
 * @first_largest: its largest_free.
 * @first_frag_ppm: its frag_ppm.
 * @pad: zero.
 * @min_capacity: the size found (CR_FOUND).
 * @below: the size just below, failed or under the bound.
 * @lower_bound: the peak live requested bytes of the runs that succeeded.
 * @tried: without CR_FOUND, the largest size tried.
 * @probes: runs of the search.
 * @first_where: "FILE:LINE" of the first failure.
 * @first_msg: its message.
 * @error: why the run could not be made.
 */
struct compare_result {
	__u32 index;
	__u32 strategy;
	__s32 status;
	__u32 flags;
	__u64 failures;
	__u64 errors;
	__u64 peak_allocated;
	__u64 peak_requested;
	struct compare_usage at_peak;
	struct compare_usage end;
	__u64 allocs;
	__u64 frees;
	__u64 steps;
	__u64 alloc_ns;
	__u64 free_ns;
	__u64 first_free;
	__u64 first_largest;
	__u32 first_frag_ppm;
	__u32 pad;
	__u64 min_capacity;
	__u64 below;
	__u64 lower_bound;
	__u64 tried;
	__u64 probes;
	char first_where[COMPARE_WHERE_MAX];
	char first_msg[COMPARE_MSG_MAX];
	char error[COMPARE_ERROR_MAX];
};

enum { MSG_PROGRESS = 1, MSG_RESULT };

/**
 * struct compare_msg - a message from a child
 * @type: MSG_PROGRESS (a probe of the search) or MSG_RESULT.
 * @index: the child's strategy, by its place in the list.
 * @probe: MSG_PROGRESS: the probe's number, from 1.
 * @ok: MSG_PROGRESS: 1 if that size ran without a failure.
 * @size: MSG_PROGRESS: the size tried.
 * @res: MSG_RESULT: the result.
 */
struct compare_msg {
	__u32 type;
	__u32 index;
	__u32 probe;
	__u32 ok;
	__u64 size;
	struct compare_result res;
};

_Static_assert(sizeof(struct compare_msg) <= PIPE_BUF,
	       "a message must be written whole");

/**
 * struct compare - the comparison
 * @w: the workload.
 * @o: the options.
 * @strategies: the strategies, in the order of the list.
 * @nr: how many.
 * @res: their results, by index.
 * @have: 1 for each index whose result came.
 * @progress: 1 if progress goes to stderr (a terminal).
 * @done: children finished.
 * @last: the latest progress message.
 */
struct compare {
	struct compare_workload w;
	struct cmp_opts o;
	int strategies[MAX_STRATEGIES];
	int nr;
	struct compare_result res[MAX_STRATEGIES];
	int have[MAX_STRATEGIES];
	int progress;
	int done;
	struct compare_msg last;
};

/* One run */

/**
 * compare_run_once() - the workload once, under one strategy, on a fresh
 *	instance
 * @c: the comparison.
 * @strategy: the strategy.
 * @size: the device size.
 * @res: the figures (its index and strategy are the caller's).
 *
 * Return: 0, or the negative errno of a run that could not be made
 * (@res->status, @res->error).
 */
static int compare_run_once(const struct compare *c, int strategy, __u64 size,
			    struct compare_result *res)
{
	const struct memsim_strategy_stats_info *st;
	struct memsim_stats_arg stats;
	struct memsim_summary sum;
	struct compare_run *r;
	int ret;

	/* ~1 KiB of texts: off the stack of a search's loop. */
	r = calloc(1, sizeof(*r));
	if (!r) {
		res->status = -ENOMEM;
		snprintf(res->error, sizeof(res->error), "out of memory");
		return -ENOMEM;
	}
	r->strategy = strategy;
	r->device_size = size;
	r->h.fd = -1;
	ret = memsim_open(&r->h, dev_path);
	if (!ret)
		ret = memsim_set_strategy(&r->h, strategy,
					  strategy == MEMSIM_STRATEGY_BUDDY ? c->o.buddy_min : 0);
	if (ret) {
		snprintf(res->error, sizeof(res->error), "%s", memsim_strerror(&r->h));
		goto out;
	}
	ret = c->w.ops->run(&c->w, r);
	if (ret) {
		snprintf(res->error, sizeof(res->error), "%s",
			 r->error[0] ? r->error : "the workload could not be run");
		goto out;
	}
	ret = memsim_get_summary(&r->h, &sum);
	if (!ret)
		ret = memsim_get_stats(&r->h, 0, NULL, 0, &stats);
	if (!ret)
		ret = r->probe_err;
	if (ret) {
		snprintf(res->error, sizeof(res->error), "%s", memsim_strerror(&r->h));
		goto out;
	}
	st = &stats.strategies[strategy];
	res->failures = st->failures;
	res->errors = r->errors;
	res->peak_allocated = sum.usage.peak_allocated;
	res->peak_requested = sum.peak_requested;
	/* The peak moment is known if a probe saw the highest value. */
	if (r->have_peak && sum.peak_requested &&
	    r->peak.requested == sum.peak_requested) {
		res->flags |= CR_PEAK;
		res->at_peak = r->peak;
	}
	res->end.allocated = sum.usage.allocated;
	res->end.requested = sum.usage.requested;
	res->end.free = sum.usage.free;
	res->end.largest_free = sum.usage.largest_free;
	res->end.frag_ppm = sum.usage.frag_ppm;
	res->allocs = st->allocs;
	res->frees = st->frees;
	res->steps = st->steps;
	res->alloc_ns = st->alloc_ns;
	res->free_ns = st->free_ns;
	if (r->have_first) {
		res->flags |= CR_FIRST;
		snprintf(res->first_where, sizeof(res->first_where), "%s", r->first_where);
		snprintf(res->first_msg, sizeof(res->first_msg), "%s", r->first_msg);
	}
	if (r->have_explain) {
		res->flags |= CR_EXPLAIN;
		res->first_free = r->first_explain.free_bytes;
		res->first_largest = r->first_explain.largest_free;
		res->first_frag_ppm = r->first_explain.frag_ppm;
	}
out:
	res->status = ret;
	memsim_close(&r->h);
	free(r);
	return ret;
}

/* A child: its strategy, then --min-capacity's search */

struct child {
	const struct compare *c;
	int index;
	int fd;
	__u32 probes;
};

static void send_msg(int fd, const struct compare_msg *m)
{
	ssize_t n;

	do {
		n = write(fd, m, sizeof(*m));
	} while (n < 0 && errno == EINTR);
}

/* A probe of the search: the workload on @size bytes, without a failure? */
static int child_probe(void *ctx, __u64 size, __u64 *peak)
{
	struct child *ch = ctx;
	struct compare_msg *m;
	int ret, ok;

	m = calloc(1, sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->res.index = ch->index;
	ret = compare_run_once(ch->c, ch->c->strategies[ch->index], size, &m->res);
	ok = !ret && !m->res.failures && !m->res.errors;
	*peak = m->res.peak_requested;
	m->type = MSG_PROGRESS;
	m->index = ch->index;
	m->probe = ++ch->probes;
	m->ok = ok;
	m->size = size;
	if (!ret)
		send_msg(ch->fd, m);
	free(m);
	return ret ? ret : ok;
}

static void child_main(const struct compare *c, int index, int fd)
{
	struct child ch = { .c = c, .index = index, .fd = fd };
	struct compare_mincap mc;
	struct compare_msg *m;
	int nul, ret;

	/* Nothing of the workload's own output is wanted. */
	nul = open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (nul >= 0) {
		dup2(nul, STDOUT_FILENO);
		close(nul);
	}
	quiet = 1;
	json = 0;
	m = calloc(1, sizeof(*m));
	if (!m)
		_exit(1);
	m->type = MSG_RESULT;
	m->index = index;
	m->res.index = index;
	m->res.strategy = c->strategies[index];
	ret = compare_run_once(c, c->strategies[index], c->o.device_size, &m->res);
	if (!ret && c->o.min_capacity) {
		ret = compare_min_capacity(child_probe, &ch, c->o.device_size,
					   c->o.granule, &mc);
		if (ret) {
			m->res.status = ret;
			if (ret == -EOVERFLOW)
				snprintf(m->res.error, sizeof(m->res.error),
					 "--min-capacity: --device-size rounded up to the granularity is too large");
			else
				snprintf(m->res.error, sizeof(m->res.error),
					 "--min-capacity: a run could not be made: %s",
					 strerror(-ret));
		} else {
			m->res.flags |= CR_MINCAP | (mc.found ? CR_FOUND : 0);
			m->res.min_capacity = mc.size;
			m->res.below = mc.below;
			m->res.lower_bound = mc.lower_bound;
			m->res.tried = mc.tried;
			m->res.probes = mc.probes;
		}
	}
	send_msg(fd, m);
	_exit(0);
}

/* The parent: children, messages, progress */

static void show_progress(struct compare *c)
{
	char sz[SIZE_LEN], line[160];
	int n;

	if (!c->progress)
		return;
	n = snprintf(line, sizeof(line), "compare: %d/%d strategies done", c->done, c->nr);
	if (c->last.type == MSG_PROGRESS && n < (int)sizeof(line))
		snprintf(line + n, sizeof(line) - n, "; %s: --min-capacity run %u, %s %s",
			 memsim_strategy_name(c->strategies[c->last.index]), c->last.probe,
			 memsim_format_size(sz, sizeof(sz), c->last.size),
			 c->last.ok ? "ok" : "fails");
	fprintf(stderr, "\r%-78.78s", line);
	fflush(stderr);
}

static void progress_end(struct compare *c)
{
	if (c->progress)
		fprintf(stderr, "\r%78s\r", "");
}

/* Read what the children have written.  @wait: block up to 200 ms first. */
static void read_msgs(struct compare *c, int fd, int wait)
{
	struct compare_msg m;
	struct pollfd p = { .fd = fd, .events = POLLIN };
	ssize_t n;

	while (poll(&p, 1, wait ? 200 : 0) > 0 && (p.revents & POLLIN)) {
		n = read(fd, &m, sizeof(m));
		if (n != (ssize_t)sizeof(m))
			return;
		wait = 0;
		if (m.index >= (__u32)c->nr)
			continue;
		if (m.type == MSG_RESULT) {
			c->res[m.index] = m.res;
			c->have[m.index] = 1;
		} else {
			c->last = m;
			show_progress(c);
		}
	}
}

/* Run every strategy, at most --jobs at a time.  Return: 0 or -1. */
static int run_children(struct compare *c)
{
	pid_t pids[MAX_STRATEGIES];
	int fds[2], next = 0, running = 0, i, st;
	pid_t pid;

	if (pipe(fds)) {
		fprintf(stderr, "memsimctl: compare: pipe: %s\n", strerror(errno));
		return -1;
	}
	fcntl(fds[0], F_SETFD, FD_CLOEXEC);
	show_progress(c);
	while (c->done < c->nr) {
		while (running < (int)c->o.jobs && next < c->nr) {
			fflush(stdout);
			fflush(stderr);
			pid = fork();
			if (pid < 0) {
				fprintf(stderr, "memsimctl: compare: fork: %s\n", strerror(errno));
				if (!running) {
					close(fds[0]);
					close(fds[1]);
					return -1;
				}
				break;
			}
			if (!pid) {
				close(fds[0]);
				child_main(c, next, fds[1]);
			}
			pids[next++] = pid;
			running++;
		}
		read_msgs(c, fds[0], 1);
		while ((pid = waitpid(-1, &st, WNOHANG)) > 0) {
			for (i = 0; i < next && pids[i] != pid; i++)
				;
			if (i == next)
				continue;
			running--;
			c->done++;
			/* Its result, written before it ended, is in the pipe. */
			read_msgs(c, fds[0], 0);
			if (!c->have[i]) {
				c->res[i].index = i;
				c->res[i].strategy = c->strategies[i];
				c->res[i].status = -EPIPE;
				if (WIFSIGNALED(st))
					snprintf(c->res[i].error, sizeof(c->res[i].error),
						 "the run's process was killed by signal %d",
						 WTERMSIG(st));
				else
					snprintf(c->res[i].error, sizeof(c->res[i].error),
						 "the run's process ended without a result (status %d)",
						 WEXITSTATUS(st));
				c->have[i] = 1;
			}
			show_progress(c);
		}
	}
	close(fds[0]);
	close(fds[1]);
	progress_end(c);
	return 0;
}

/* Output */

static const char *size_str(char *buf, __u64 v)
{
	return memsim_format_size(buf, SIZE_LEN, v);
}

/* ns per operation: (alloc_ns + free_ns) / (allocs + failures + frees). */
static int ns_per_op(const struct compare_result *r, __u64 *out)
{
	__u64 ops = r->allocs + r->failures + r->frees;

	if (!ops)
		return 0;
	*out = (r->alloc_ns + r->free_ns) / ops;
	return 1;
}

static const char *strategy_label(const struct compare_result *r)
{
	return memsim_strategy_name(r->strategy);
}

static void print_text(const struct compare *c)
{
	char a[SIZE_LEN], b[SIZE_LEN], d[SIZE_LEN], e[SIZE_LEN], f[SIZE_LEN];
	char g[SIZE_LEN], h[SIZE_LEN];
	int i, firsts = 0, mincap = c->o.min_capacity;
	__u64 ns, bound = 0;
	int bound_same = 1, have_bound = 0;

	printf("%-8s %8s %11s %11s %9s %10s %9s %12s %10s %8s",
	       "strategy", "failures", "peak alloc", "peak req", "frag@peak",
	       "waste@peak", "frag end", "largest free", "steps", "ns/op");
	if (mincap)
		printf(" %12s %7s", "min capacity", "x bound");
	printf("\n");
	for (i = 0; i < c->nr; i++) {
		const struct compare_result *r = &c->res[i];

		if (r->status) {
			printf("%-8s error: %s\n", strategy_label(r), r->error);
			continue;
		}
		if (r->flags & CR_FIRST)
			firsts++;
		if (r->flags & CR_PEAK) {
			compare_fmt_ppm(a, sizeof(a), r->at_peak.frag_ppm);
			size_str(b, r->at_peak.allocated - r->at_peak.requested);
		} else {
			snprintf(a, sizeof(a), "-");
			snprintf(b, sizeof(b), "-");
		}
		if (ns_per_op(r, &ns))
			snprintf(g, sizeof(g), "%llu", (unsigned long long)ns);
		else
			snprintf(g, sizeof(g), "-");
		printf("%-8s %8llu %11s %11s %9s %10s %9s %12s %10llu %8s",
		       strategy_label(r), (unsigned long long)r->failures,
		       size_str(d, r->peak_allocated), size_str(e, r->peak_requested),
		       a, b, compare_fmt_ppm(f, sizeof(f), r->end.frag_ppm),
		       size_str(h, r->end.largest_free), (unsigned long long)r->steps, g);
		if (mincap && (r->flags & CR_FOUND)) {
			printf(" %12s %7s", size_str(a, r->min_capacity),
			       compare_fmt_ratio(b, sizeof(b), r->min_capacity,
						 r->lower_bound, 2));
			if (have_bound && bound != r->lower_bound)
				bound_same = 0;
			bound = r->lower_bound;
			have_bound = 1;
		} else if (mincap) {
			printf(" %12s %7s", "none", "-");
		}
		printf("\n");
	}
	if (firsts) {
		printf("\nfirst failures:\n");
		for (i = 0; i < c->nr; i++) {
			const struct compare_result *r = &c->res[i];

			if (!r->status && (r->flags & CR_FIRST))
				printf("  %s: %s: %s\n", strategy_label(r),
				       r->first_where, r->first_msg);
		}
	}
	for (i = 0; i < c->nr; i++) {
		const struct compare_result *r = &c->res[i];

		if (!r->status && r->failures && !(r->flags & CR_FIRST))
			printf("  %s: %llu failed allocation%s inside one kernel call (not seen one by one)\n",
			       strategy_label(r), (unsigned long long)r->failures,
			       r->failures == 1 ? "" : "s");
	}
	if (!mincap)
		return;
	printf("\n");
	if (have_bound && bound_same)
		printf("lower bound: %s (%llu bytes), the peak of live requested bytes: no allocator runs the workload in less\n",
		       size_str(a, bound), (unsigned long long)bound);
	else if (have_bound)
		printf("lower bound: differs between strategies (see --json)\n");
	for (i = 0; i < c->nr; i++) {
		const struct compare_result *r = &c->res[i];

		if (!r->status && (r->flags & CR_MINCAP) && !(r->flags & CR_FOUND))
			printf("%s: no size up to %s runs without a failure\n",
			       strategy_label(r), size_str(a, r->tried));
	}
}

static void json_row(const struct compare *c, const struct compare_result *r)
{
	__u64 ns;
	char ratio[32];

	jopen(NULL, '{');
	jstr("cmd", "compare");
	jstr("strategy", strategy_label(r));
	jbool("ok", !r->status);
	if (r->status) {
		jstr("errno", memsim_errno_name(r->status));
		jstr("error", r->error);
		jend();
		return;
	}
	ju64("device_size", c->o.device_size);
	ju64("failures", r->failures);
	ju64("errors", r->errors);
	ju64("peak_allocated", r->peak_allocated);
	ju64("peak_requested", r->peak_requested);
	if (r->flags & CR_PEAK) {
		ju64("allocated_at_peak", r->at_peak.allocated);
		ju64("requested_at_peak", r->at_peak.requested);
		ju64("free_at_peak", r->at_peak.free);
		ju64("largest_free_at_peak", r->at_peak.largest_free);
		ju64("frag_at_peak_ppm", r->at_peak.frag_ppm);
		ju64("waste_at_peak", r->at_peak.allocated - r->at_peak.requested);
	} else {
		jnull("allocated_at_peak");
		jnull("requested_at_peak");
		jnull("free_at_peak");
		jnull("largest_free_at_peak");
		jnull("frag_at_peak_ppm");
		jnull("waste_at_peak");
	}
	ju64("allocated_end", r->end.allocated);
	ju64("requested_end", r->end.requested);
	ju64("free_end", r->end.free);
	ju64("largest_free_end", r->end.largest_free);
	ju64("frag_end_ppm", r->end.frag_ppm);
	ju64("allocs", r->allocs);
	ju64("frees", r->frees);
	ju64("steps", r->steps);
	ju64("alloc_ns", r->alloc_ns);
	ju64("free_ns", r->free_ns);
	if (ns_per_op(r, &ns))
		ju64("ns_per_op", ns);
	else
		jnull("ns_per_op");
	if (r->flags & CR_FIRST) {
		jopen("first_failure", '{');
		jstr("where", r->first_where);
		jstr("message", r->first_msg);
		if (r->flags & CR_EXPLAIN) {
			ju64("free_bytes", r->first_free);
			ju64("largest_free", r->first_largest);
			ju64("frag_ppm", r->first_frag_ppm);
		} else {
			jnull("free_bytes");
			jnull("largest_free");
			jnull("frag_ppm");
		}
		jclose('}');
	} else {
		jnull("first_failure");
	}
	if (r->flags & CR_MINCAP) {
		if (r->flags & CR_FOUND) {
			ju64("min_capacity", r->min_capacity);
			ju64("min_capacity_below", r->below);
			ju64("lower_bound", r->lower_bound);
			jkey("min_capacity_ratio");
			if (r->lower_bound)
				printf("%s", compare_fmt_ratio(ratio, sizeof(ratio),
							       r->min_capacity,
							       r->lower_bound, 4));
			else
				printf("null");
		} else {
			jnull("min_capacity");
			jnull("min_capacity_below");
			jnull("lower_bound");
			jnull("min_capacity_ratio");
			ju64("largest_tried", r->tried);
		}
		ju64("probes", r->probes);
	}
	jend();
}

/* The strategies whose @key is the least (of those that ran). */
static void json_least(const struct compare *c, const char *key,
		       int (*get)(const struct compare_result *r, __u64 *v))
{
	__u64 best = 0, v;
	int i, any = 0;

	for (i = 0; i < c->nr; i++)
		if (!c->res[i].status && get(&c->res[i], &v) && (!any || v < best)) {
			best = v;
			any = 1;
		}
	jopen(key, '[');
	for (i = 0; i < c->nr; i++)
		if (any && !c->res[i].status && get(&c->res[i], &v) && v == best)
			jstr(NULL, strategy_label(&c->res[i]));
	jclose(']');
}

static int get_failures(const struct compare_result *r, __u64 *v)
{
	*v = r->failures;
	return 1;
}

static int get_peak_allocated(const struct compare_result *r, __u64 *v)
{
	*v = r->peak_allocated;
	return 1;
}

static int get_min_capacity(const struct compare_result *r, __u64 *v)
{
	*v = r->min_capacity;
	return !!(r->flags & CR_FOUND);
}

static void json_summary(const struct compare *c, int runs_failed)
{
	int i;

	jopen(NULL, '{');
	jstr("cmd", "compare");
	jbool("summary", 1);
	jbool("ok", !runs_failed);
	jstr("workload", c->w.ops->name);
	if (c->w.source)
		jstr("source", c->w.source);
	else
		jnull("source");
	ju64("device_size", c->o.device_size);
	jopen("strategies", '[');
	for (i = 0; i < c->nr; i++)
		jstr(NULL, memsim_strategy_name(c->strategies[i]));
	jclose(']');
	ju64("runs_failed", runs_failed);
	json_least(c, "fewest_failures", get_failures);
	json_least(c, "lowest_peak_allocated", get_peak_allocated);
	if (c->o.min_capacity)
		json_least(c, "smallest_min_capacity", get_min_capacity);
	jend();
}

static const char * const csv_cols[] = {
	"strategy", "failures", "errors", "peak_allocated", "peak_requested",
	"allocated_at_peak", "requested_at_peak", "frag_at_peak_ppm",
	"waste_at_peak", "frag_end_ppm", "largest_free_end", "free_end",
	"steps", "ns_per_op", "first_failure_where", "first_failure_free_bytes",
	"first_failure_largest_free", "first_failure_frag_ppm",
	"first_failure_message",
};

static const char * const csv_mincap_cols[] = {
	"min_capacity", "min_capacity_below", "lower_bound", "min_capacity_ratio",
};

static void csv_u64(__u64 v)
{
	printf(",%llu", (unsigned long long)v);
}

static void csv_opt(int known, __u64 v)
{
	if (known)
		csv_u64(v);
	else
		printf(",");
}

static void print_csv(const struct compare *c)
{
	char ratio[32];
	size_t i;
	int k;
	__u64 ns = 0;

	for (i = 0; i < ARRAY_SIZE(csv_cols); i++)
		printf("%s%s", i ? "," : "", csv_cols[i]);
	if (c->o.min_capacity)
		for (i = 0; i < ARRAY_SIZE(csv_mincap_cols); i++)
			printf(",%s", csv_mincap_cols[i]);
	printf(",error\n");
	for (k = 0; k < c->nr; k++) {
		const struct compare_result *r = &c->res[k];
		int ok = !r->status, peak = ok && (r->flags & CR_PEAK);
		int first = ok && (r->flags & CR_FIRST);
		int expl = ok && (r->flags & CR_EXPLAIN);

		printf("%s", strategy_label(r));
		csv_opt(ok, r->failures);
		csv_opt(ok, r->errors);
		csv_opt(ok, r->peak_allocated);
		csv_opt(ok, r->peak_requested);
		csv_opt(peak, r->at_peak.allocated);
		csv_opt(peak, r->at_peak.requested);
		csv_opt(peak, r->at_peak.frag_ppm);
		csv_opt(peak, r->at_peak.allocated - r->at_peak.requested);
		csv_opt(ok, r->end.frag_ppm);
		csv_opt(ok, r->end.largest_free);
		csv_opt(ok, r->end.free);
		csv_opt(ok, r->steps);
		csv_opt(ok && ns_per_op(r, &ns), ns);
		printf(",");
		if (first)
			memsim_print_csv_string(stdout, r->first_where);
		csv_opt(expl, r->first_free);
		csv_opt(expl, r->first_largest);
		csv_opt(expl, r->first_frag_ppm);
		printf(",");
		if (first)
			memsim_print_csv_string(stdout, r->first_msg);
		if (c->o.min_capacity) {
			int found = ok && (r->flags & CR_FOUND);

			csv_opt(found, r->min_capacity);
			csv_opt(found, r->below);
			csv_opt(found, r->lower_bound);
			printf(",");
			if (found && r->lower_bound)
				printf("%s", compare_fmt_ratio(ratio, sizeof(ratio),
							       r->min_capacity,
							       r->lower_bound, 4));
		}
		printf(",");
		if (!ok)
			memsim_print_csv_string(stdout, r->error);
		printf("\n");
	}
}

/* The command */

static int cmp_usage(const struct ctl_cmd *cmd, const char *fmt, const char *arg)
{
	char msg[256];

	snprintf(msg, sizeof(msg), fmt, arg);
	return cmd_usage(cmd, msg);
}

/* --strategy LIST: names separated by commas, or "all". */
static int parse_strategies(const struct ctl_cmd *cmd, struct compare *c)
{
	char *tok, *save;
	int i;

	if (!c->o.strategy || !strcasecmp(c->o.strategy, "all")) {
		for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++)
			c->strategies[c->nr++] = i;
		return 0;
	}
	for (tok = strtok_r(c->o.strategy, ",", &save); tok;
	     tok = strtok_r(NULL, ",", &save)) {
		if (c->nr == MAX_STRATEGIES)
			return cmp_usage(cmd, "--strategy: more than %s strategies", "32");
		c->strategies[c->nr] = memsim_strategy_from_name(tok);
		if (c->strategies[c->nr] < 0)
			return cmp_usage(cmd, "--strategy: unknown strategy '%s' (first, best, worst, next, buddy, tlsf, all)",
					 tok);
		c->nr++;
	}
	if (!c->nr)
		return cmp_usage(cmd, "--strategy: no strategy in '%s'", c->o.strategy);
	return 0;
}

/* The options that belong to one kind of workload only. */
static const char * const sim_only[] = {
	"ops", "min", "max", "free-prob", "seed", "segment-size", "segment-start",
};

static int check_opts(const struct ctl_cmd *cmd, struct opt_ctx *ctx,
		      struct compare *c, int nargs)
{
	size_t i;
	int kinds = !!nargs + !!c->o.simulate + !!c->o.trace;

	if (nargs > 1)
		return cmd_usage(cmd, "one script only");
	if (kinds != 1)
		return cmd_usage(cmd, kinds ? "one workload only: a SCRIPT, --simulate or --trace FILE" :
				 "no workload: give a SCRIPT, --simulate or --trace FILE");
	if (c->o.json && c->o.csv)
		return cmd_usage(cmd, "--json or --csv, not both");
	if (!c->o.jobs)
		return cmd_usage(cmd, "--jobs: at least 1");
	if (!c->o.granule)
		return cmd_usage(cmd, "--granularity: at least 1 byte");
	if (!c->o.simulate)
		for (i = 0; i < ARRAY_SIZE(sim_only); i++)
			if (opt_given(ctx, compare_opts, sim_only[i]))
				return cmp_usage(cmd, "--%s goes with --simulate", sim_only[i]);
	if (c->o.simulate && opt_given(ctx, compare_opts, "device-size"))
		return cmd_usage(cmd, "--simulate: the device is its segment: give --segment-size");
	if (!c->o.trace && c->o.format)
		return cmd_usage(cmd, "--format goes with --trace");
	if (c->o.trace && !compare_trace_ops.run)
		return cmd_usage(cmd, "--trace: comparing on a trace comes with replay, which this memsimctl does not have yet");
	return 0;
}

/*
 * --trace FILE [--format F]: read it whole, as replay does.  Return: 0, 1
 * (the trace cannot be read: said on stderr) or EXIT_USAGE.
 */
static int read_trace(const struct ctl_cmd *cmd, struct compare *c,
		      struct replay_workload **trace)
{
	struct replay_options ro = { .format = REPLAY_FMT_AUTO, .device = -1 };
	char err[512];

	if (c->o.format && replay_format_from_name(c->o.format, &ro.format))
		return cmp_usage(cmd, "--format: unknown format '%s' (auto, memsim-csv, memsim-ndjson, rmm, pytorch)",
				 c->o.format);
	if (replay_read_file(c->o.trace, &ro, trace, err, sizeof(err))) {
		fprintf(stderr, "memsimctl: %s\n", err);
		return 1;
	}
	if (c->o.min_capacity && (*trace)->count[REPLAY_SEGMENT_ALLOC])
		return cmp_usage(cmd, "--min-capacity: %s makes its own segments, so the device size cannot change",
				 c->o.trace);
	c->w.ops = &compare_trace_ops;
	c->w.source = c->o.trace;
	c->w.data = *trace;
	return 0;
}

int cmd_compare(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct compare *c;
	struct opt_ctx ctx = { .cmd = cmd->name };
	struct compare_script cs;
	struct script_text t = { 0 };
	struct replay_workload *trace = NULL;
	long cpus = sysconf(_SC_NPROCESSORS_ONLN);
	int argi, ret, i, refused, runs_failed = 0;

	c = calloc(1, sizeof(*c));
	if (!c) {
		fprintf(stderr, "memsimctl: compare: out of memory\n");
		return 1;
	}
	c->o.jobs = cpus > 0 ? cpus : 1;
	c->o.buddy_min = 64;
	c->o.device_size = 16ULL << 20;
	c->o.granule = 4096;
	c->o.seg_size = 16ULL << 20;
	c->o.sim.in = (struct memsim_simulate_arg){
		.nr_ops = 10000,
		.min_size = 64,
		.max_size = 64 << 10,
		.seed = 1,
		.free_ppm = 450000,
		.stream = MEMSIM_STREAM_ANY_ID,
	};
	ctx.base = &c->o;
	ret = EXIT_USAGE;
	argi = opt_parse_argv(&ctx, compare_opts, argc, argv);
	if (argi < 0) {
		cmd_usage(cmd, NULL);
		goto out;
	}
	if (c->o.json)
		json = 1;
	if (json && c->o.csv) {
		cmd_usage(cmd, "--json or --csv, not both");
		goto out;
	}
	if (check_opts(cmd, &ctx, c, argc - argi) || parse_strategies(cmd, c))
		goto out;

	if (c->o.simulate) {
		c->o.device_size = c->o.seg_size;
		c->w.ops = &compare_simulate_ops;
		c->w.data = &c->o.sim;
	} else if (c->o.trace) {
		ret = read_trace(cmd, c, &trace);
		if (ret)
			goto out;
	} else {
		c->w.ops = &compare_script_ops;
		c->w.source = argv[argi];
		ret = 1;
		if (script_read(argv[argi], &t))
			goto out;
		if (compare_script_check(argv[argi], &t, c->o.device_size, &refused)) {
			ret = refused ? EXIT_USAGE : 1;
			goto out;
		}
		if (c->o.min_capacity && !compare_script_uses_device_size(&t)) {
			ret = cmp_usage(cmd, "--min-capacity: %s does not use $DEVICE_SIZE, so the device size cannot change (write e.g. 'segment 0 $DEVICE_SIZE')",
					argv[argi]);
			goto out;
		}
		cs.text = &t;
		c->w.data = &cs;
	}

	c->progress = isatty(STDERR_FILENO);
	ret = 1;
	if (run_children(c))
		goto out;
	for (i = 0; i < c->nr; i++)
		if (c->res[i].status)
			runs_failed++;
	if (json) {
		for (i = 0; i < c->nr; i++)
			json_row(c, &c->res[i]);
		json_summary(c, runs_failed);
	} else if (c->o.csv) {
		print_csv(c);
	} else {
		print_text(c);
	}
	fflush(stdout);
	for (i = 0; i < c->nr; i++)
		if (c->res[i].status)
			fprintf(stderr, "memsimctl: compare: %s: %s\n",
				memsim_strategy_name(c->strategies[i]), c->res[i].error);
	ret = runs_failed ? 1 : 0;
out:
	script_text_free(&t);
	replay_free(trace);
	free(c);
	return ret;
}
