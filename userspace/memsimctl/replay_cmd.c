// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl replay: a trace of memsim, RMM or PyTorch against an instance
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The trace is read whole and checked (replay_read.c) before the device is
 * opened; replay.c plays it; this file prints: the failures as they come
 * (explained, with the evidence of the first), a progress line on a
 * terminal, and at the end a summary table, or with several strategies a
 * row per strategy.  See Documentation/memsimctl.rst, "replay".
 */
#include <errno.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include "evidence.h"
#include "explain.h"
#include "json.h"
#include "memsimctl.h"
#include "compare.h"
#include "options.h"
#include "pictures.h"
#include "replay.h"
#include "script.h"

/* Failures printed one by one; the others are counted. */
#define REPLAY_SHOWN		10
/* The progress line is redrawn at most this often. */
#define PROGRESS_NS		250000000ULL
/* --record: the ring, and the operations of a batch for each record slot. */
#define RECORD_RING		65536U
#define RECORD_PER_OP		16U

/**
 * struct replay_cli - the options of replay
 * @format: --format, an &enum replay_format.
 * @device: --device N.
 * @strategy: --strategy NAME|LIST|all, or NULL.
 * @buddy_min: --buddy-min SIZE.
 * @keep_going: --keep-going.
 * @device_size: --device-size SIZE.
 * @evidence: --evidence FILE|-, or NULL.
 * @no_evidence: --no-evidence.
 * @json: --json.
 * @record: --record FILE, or NULL.
 * @html: --html FILE, or NULL.
 * @svg: --svg FILE, or NULL.
 */
struct replay_cli {
	int format;
	__u32 device;
	const char *strategy;
	__u64 buddy_min;
	int keep_going;
	__u64 device_size;
	const char *evidence;
	int no_evidence;
	int json;
	const char *record;
	const char *html;
	const char *svg;
};

/* --format auto|memsim-csv|memsim-ndjson|rmm|pytorch */
static int opt_replay_format(struct opt_ctx *c, const struct opt *o, const char *val)
{
	enum replay_format f;

	if (replay_format_from_name(val, &f))
		return opt_error(c, "%s: --%s: '%s' is not a format (auto, memsim-csv, memsim-ndjson, rmm, pytorch)",
				 c->cmd, o->name, val);
	*(int *)opt_dest(c, o) = f;
	return 0;
}

#define RC_FLAG(name, field, help) \
	{ name, 0, 0, opt_flag, offsetof(struct replay_cli, field), 0, NULL, help }
#define RC_VALUE(name, fn, field, metavar, help) \
	{ name, 0, OPT_VALUE, fn, offsetof(struct replay_cli, field), 0, metavar, help }

const struct opt replay_cli_opts[] = {
	RC_VALUE("format", opt_replay_format, format, "auto|memsim-csv|memsim-ndjson|rmm|pytorch",
		 "the trace's format (default auto: told from the file)"),
	RC_VALUE("device", opt_u32, device, "N", "PyTorch: the device_traces entry to replay"),
	RC_VALUE("strategy", opt_str, strategy, "NAME|LIST|all",
		 "the strategy, or several compared (default: the trace's, else first)"),
	RC_VALUE("buddy-min", opt_u64, buddy_min, "SIZE",
		 "the buddy system's minimum block (default 64)"),
	RC_FLAG("keep-going", keep_going, "go on after a failing event; count the failures"),
	RC_VALUE("device-size", opt_u64, device_size, "SIZE",
		 "one segment of SIZE at 0 instead of the trace's segments"),
	RC_VALUE("evidence", opt_str, evidence, "FILE",
		 "where the instance at the first failure goes (- stderr)"),
	RC_FLAG("no-evidence", no_evidence, "keep no evidence (and start no trace ring)"),
	RC_FLAG("json", json, "one JSON object per result (NDJSON)"),
	RC_VALUE("record", opt_str, record, "FILE",
		 "write the replay's own memsim trace (CSV) to FILE"),
	RC_VALUE("html", opt_str, html, "FILE",
		 "an HTML page of the replay: address space, allocations over time, series"),
	RC_VALUE("svg", opt_str, svg, "FILE", "the replay's allocations over time, as SVG"),
	OPT_END
};

/**
 * struct replay_ctx - one run of replay, as the hooks see it
 * @w: the workload.
 * @s: the script whose handle is the instance and whose error hook keeps
 *	the evidence.
 * @ev: the evidence file.
 * @strategy: the strategy of the run (-1: the trace's own).
 * @shown: failures printed in this run.
 * @progress: 1 if a progress line may be drawn (stderr is a terminal).
 * @drawn: a progress line is on the screen.
 * @last_ns: when it was drawn.
 * @t0: when the run started.
 * @rec: --record's file, or NULL.
 * @rec_cursor: the next record to read from the ring.
 * @rec_lost: records the ring overwrote before they were read.
 * @rec_buf: a page of records.
 * @rec_err: reading the records failed.
 * @tracing: the ring is read after every batch (--record, --html, --svg).
 * @pt: the records for --html and --svg.
 * @pictures: @pt is in use.
 * @pic_skipped: records the pictures could not take.
 */
struct replay_ctx {
	const struct replay_workload *w;
	struct script s;
	struct evidence ev;
	int strategy;
	unsigned int shown;
	int progress;
	int drawn;
	__u64 last_ns;
	__u64 t0;
	FILE *rec;
	__u64 rec_cursor;
	__u64 rec_lost;
	struct memsim_trace_record *rec_buf;
	int rec_err;
	int tracing;
	struct pictures_trace pt;
	int pictures;
	__u64 pic_skipped;
};

static __u64 clock_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (__u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

/* One record for the pictures; one they cannot take is counted. */
static void picture_record(struct replay_ctx *c, const struct memsim_trace_record *r)
{
	int ret = pictures_trace_add(&c->pt, r);

	if (ret == -EINVAL)
		c->pic_skipped++;
	else if (ret && !c->rec_err) {
		fprintf(stderr, "memsimctl: replay: the pictures: out of memory\n");
		c->rec_err = 1;
	}
}

/*
 * Every record the ring holds from the cursor on, into the --record file
 * and the pictures.
 */
static void record_drain(struct replay_ctx *c, struct memsim_handle *h)
{
	struct memsim_trace_read_arg a;
	__u32 i;

	if (!c->tracing || c->rec_err)
		return;
	for (;;) {
		if (memsim_trace_read(h, c->rec_cursor, c->rec_buf, MEMSIM_LIST_MAX, &a)) {
			fprintf(stderr, "memsimctl: replay: --record: %s\n", memsim_strerror(h));
			c->rec_err = 1;
			return;
		}
		c->rec_lost += a.lost;
		for (i = 0; i < a.nr && i < MEMSIM_LIST_MAX; i++) {
			if (c->rec)
				memsim_print_trace_record(c->rec, &c->rec_buf[i], 0);
			if (c->pictures)
				picture_record(c, &c->rec_buf[i]);
		}
		if (!a.nr || a.cursor <= c->rec_cursor) {
			c->rec_cursor = a.cursor;
			return;
		}
		c->rec_cursor = a.cursor;
		if (c->rec_cursor >= a.head)
			return;
	}
}

static void progress_clear(struct replay_ctx *c)
{
	if (!c->drawn)
		return;
	fprintf(stderr, "\r%79s\r", "");
	c->drawn = 0;
}

/* "replay: 52000/100000 events (52%), 81000 events/s, 1 s left" */
static void hook_progress(void *ctx, struct memsim_handle *h, const struct replay_result *r)
{
	struct replay_ctx *c = ctx;
	double rate, left;
	__u64 now;

	record_drain(c, h);
	if (!c->progress)
		return;
	now = clock_ns();
	if (now - c->last_ns < PROGRESS_NS)
		return;
	c->last_ns = now;
	rate = now > c->t0 ? (double)r->replayed * 1e9 / (double)(now - c->t0) : 0;
	left = rate > 0 ? (double)(r->events - r->replayed) / rate : 0;
	fprintf(stderr, "\rmemsimctl: replay: %llu/%llu events (%llu%%), %.0f events/s, %.0f s left   ",
		(unsigned long long)r->replayed, (unsigned long long)r->events,
		(unsigned long long)(r->events ? r->replayed * 100 / r->events : 100),
		rate, left);
	c->drawn = 1;
}

static void json_explain_fields(const struct memsim_explain_arg *e)
{
	ju64("free_bytes", e->free_bytes);
	ju64("free_blocks", e->free_blocks);
	ju64("largest_free", e->largest_free);
	ju64("frag_ppm", e->frag_ppm);
	ju64("deferred_bytes", e->deferred_bytes);
	ju64("other_free_bytes", e->other_free_bytes);
}

/* The members of a failure in JSON, inside an object already open. */
static void json_failure_fields(const struct replay_workload *w, const struct replay_failure *f)
{
	jstr("where", f->where);
	ju64("event", f->event + 1);
	jstr("kind", replay_kind_name(f->ev->kind));
	jstr("errno", memsim_errno_name(f->error));
	jbool("recorded", f->recorded);
	jstr("message", f->msg);
	if (f->ev->line)
		ju64("line", f->ev->line);
	if (w->format == REPLAY_FMT_PYTORCH && f->ev->index != REPLAY_NO_INDEX)
		ju64("index", f->ev->index);
}

/*
 * A failing event, the instance standing as at the failure: printed
 * (explained, for an allocation that found no space), and the first one's
 * evidence written.
 */
static int hook_failure(void *ctx, struct memsim_handle *h, const struct replay_failure *f)
{
	struct replay_ctx *c = ctx;
	struct diag d;

	(void)h;
	record_drain(c, &c->s.h);
	if (c->shown >= REPLAY_SHOWN)
		return 0;
	progress_clear(c);
	if (json) {
		jopen(NULL, '{');
		jopen("failure", '{');
		if (c->strategy >= 0)
			jstr("strategy", memsim_strategy_name(c->strategy));
		json_failure_fields(c->w, f);
		jclose('}');
		jend();
		if (f->have_explain)
			explain_print_json(stdout, f->where, &f->req, &f->explain);
	}
	/* "FILE:LINE: MESSAGE" as for a script; PyTorch's places have no line. */
	if (f->ev->line)
		diag_set(&d, c->w->name, f->ev->line, "%s%s", f->msg,
			 f->recorded ? " (failed in the trace too)" : "");
	else
		diag_set(&d, NULL, 0, "%s: %s%s", f->where, f->msg,
			 f->recorded ? " (failed in the trace too)" : "");
	if (!c->shown++) {
		c->s.explaining = f->have_explain;
		c->s.explain = f->explain;
		evidence_on_error(&c->s, &d);
		c->s.explaining = 0;
	} else {
		diag_print(&d, stderr);
	}
	if (c->shown == REPLAY_SHOWN)
		fprintf(stderr, "memsimctl: more failures are counted, not shown\n");
	return 0;
}

static const struct replay_hooks cli_hooks = {
	.failure = hook_failure,
	.progress = hook_progress,
};

/* Summary */

static const char *sz(char *buf, size_t len, __u64 v)
{
	return memsim_format_size(buf, len, v);
}

static void row(const char *metric, const char *fmt, ...) __printf(2, 3);

static void row(const char *metric, const char *fmt, ...)
{
	char val[128];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(val, sizeof(val), fmt, ap);
	va_end(ap);
	printf(" %-40s %s\n", metric, val);
}

static const char *strategy_text(const struct replay_result *r)
{
	return r->strategy >= 0 ? memsim_strategy_name(r->strategy) : "-";
}

static void print_table(const struct replay_workload *w, const struct replay_opts *o,
			const struct replay_result *r)
{
	static const char rule[] =
		"==============================================================================";
	char a[32], b[32], where[REPLAY_WHERE_MAX];
	__u64 ops = r->batched, evs = r->elapsed_ns;

	printf("%s\n memsim replay: %s (%s), strategy %s%s%s\n%s\n", rule, w->name,
	       replay_format_name(w->format), strategy_text(r),
	       o->device_size ? ", --device-size " : "",
	       o->device_size ? sz(a, sizeof(a), o->device_size) : "", rule);
	row("events replayed", "%llu of %llu%s", (unsigned long long)r->replayed,
	    (unsigned long long)r->events, r->stopped ? " (stopped at the first failure)" : "");
	row("allocations", "%llu", (unsigned long long)r->allocs);
	row("  succeeded", "%llu", (unsigned long long)r->allocs_ok);
	row("  failed now", "%llu", (unsigned long long)r->failures);
	row("  failed in the trace", "%llu (succeeded now: %llu)",
	    (unsigned long long)r->recorded_failures, (unsigned long long)r->recorded_ok);
	row("frees", "%llu", (unsigned long long)r->frees);
	row("  deferred: requested", "%llu", (unsigned long long)r->deferred);
	row("  deferred: completed", "%llu", (unsigned long long)r->completions);
	row("  skipped: allocation failed now", "%llu", (unsigned long long)r->skipped_frees);
	row("  skipped: pointer not allocated", "%llu", (unsigned long long)r->unknown_frees);
	row("segments created", "%llu", (unsigned long long)r->segments);
	if (r->segments_released)
		row("segments released", "%llu", (unsigned long long)r->segments_released);
	if (r->segments_ignored)
		row("segment events not played", "%llu", (unsigned long long)r->segments_ignored);
	if (r->strategy_changes)
		row("strategy changes", "%llu", (unsigned long long)r->strategy_changes);
	if (r->strategies_ignored)
		row("strategy changes not played", "%llu", (unsigned long long)r->strategies_ignored);
	if (r->resets)
		row("resets", "%llu", (unsigned long long)r->resets);
	if (r->syncs)
		row("stream syncs", "%llu", (unsigned long long)r->syncs);
	if (r->ranges_dropped)
		row("range requests sent without the range", "%llu",
		    (unsigned long long)r->ranges_dropped);
	if (r->errors)
		row("other events that failed", "%llu", (unsigned long long)r->errors);
	if (!o->device_size)
		row("allocations at the traced address", "%llu of %llu",
		    (unsigned long long)r->placed_as_traced,
		    (unsigned long long)(r->placed_as_traced + r->placed_elsewhere));
	if (r->first_elsewhere != REPLAY_NO_EVENT) {
		replay_event_where(w, &w->ev[r->first_elsewhere], where, sizeof(where));
		row("  the first elsewhere", "%s (0x%llx, traced 0x%llx)", where,
		    (unsigned long long)r->first_elsewhere_addr,
		    (unsigned long long)w->ev[r->first_elsewhere].addr);
	}
	row("peak allocated", "%s (%llu)", sz(a, sizeof(a), r->peak_allocated),
	    (unsigned long long)r->peak_allocated);
	row("peak requested", "%s (%llu)", sz(b, sizeof(b), r->peak_requested),
	    (unsigned long long)r->peak_requested);
	if (r->have_final) {
		row("allocated at the end", "%s (%llu)", sz(a, sizeof(a), r->final.usage.allocated),
		    (unsigned long long)r->final.usage.allocated);
		row("external fragmentation at the end", "%u.%02u%%",
		    r->final.usage.frag_ppm / 10000, r->final.usage.frag_ppm % 10000 / 100);
	}
	row("batches", "%llu (%.1f operations each)", (unsigned long long)r->batches,
	    r->batches ? (double)ops / (double)r->batches : 0.0);
	row("time", "%.3f s (%.0f events/s)", (double)evs / 1e9,
	    evs ? (double)r->replayed * 1e9 / (double)evs : 0.0);
	printf("%s\n", rule);
}

static void print_json(const struct replay_workload *w, const struct replay_opts *o,
		       const struct replay_result *r, int ret)
{
	char where[REPLAY_WHERE_MAX];

	jopen(NULL, '{');
	jstr("cmd", "replay");
	jbool("ok", !ret && !r->failures && !r->errors);
	jstr("file", w->name);
	jstr("format", replay_format_name(w->format));
	jstr("strategy", strategy_text(r));
	if (o->device_size)
		ju64("device_size", o->device_size);
	else
		jnull("device_size");
	ju64("events", r->events);
	ju64("replayed", r->replayed);
	jbool("stopped", r->stopped);
	ju64("allocs", r->allocs);
	ju64("allocs_ok", r->allocs_ok);
	ju64("failures", r->failures);
	ju64("failures_nospc", r->failures_nospc);
	ju64("recorded_failures", r->recorded_failures);
	ju64("recorded_ok", r->recorded_ok);
	ju64("trace_failures", w->count[REPLAY_ALLOC_FAILED]);
	ju64("frees", r->frees);
	ju64("deferred", r->deferred);
	ju64("completions", r->completions);
	ju64("skipped_frees", r->skipped_frees);
	ju64("unknown_frees", r->unknown_frees);
	ju64("ranges_dropped", r->ranges_dropped);
	ju64("segments", r->segments);
	ju64("segments_released", r->segments_released);
	ju64("segments_ignored", r->segments_ignored);
	ju64("strategy_changes", r->strategy_changes);
	ju64("strategies_ignored", r->strategies_ignored);
	ju64("resets", r->resets);
	ju64("syncs", r->syncs);
	ju64("markers", r->markers);
	ju64("errors", r->errors);
	ju64("placed_as_traced", r->placed_as_traced);
	ju64("placed_elsewhere", r->placed_elsewhere);
	if (r->first_elsewhere != REPLAY_NO_EVENT) {
		replay_event_where(w, &w->ev[r->first_elsewhere], where, sizeof(where));
		jopen("first_elsewhere", '{');
		jstr("where", where);
		ju64("addr", r->first_elsewhere_addr);
		ju64("traced", w->ev[r->first_elsewhere].addr);
		jclose('}');
	} else {
		jnull("first_elsewhere");
	}
	ju64("peak_allocated", r->peak_allocated);
	ju64("peak_requested", r->peak_requested);
	if (r->have_final) {
		ju64("final_allocated", r->final.usage.allocated);
		ju64("final_requested", r->final.usage.requested);
		ju64("final_largest_free", r->final.usage.largest_free);
		ju64("final_frag_ppm", r->final.usage.frag_ppm);
	}
	ju64("batches", r->batches);
	ju64("batched", r->batched);
	ju64("elapsed_ns", r->elapsed_ns);
	ju64("events_per_s", r->elapsed_ns ? r->replayed * 1000000000ULL / r->elapsed_ns : 0);
	if (r->have_first) {
		jopen("first_failure", '{');
		json_failure_fields(w, &r->first);
		if (r->first.have_explain)
			json_explain_fields(&r->first.explain);
		jclose('}');
	} else {
		jnull("first_failure");
	}
	if (ret < 0)
		jstr("error", r->error);
	if (r->have_final) {
		jopen("instance", '{');
		json_summary_fields(&r->final);
		ju64("alloc_bytes", r->final.alloc_bytes);
		ju64("requested_bytes", r->final.requested_bytes);
		ju64("peak_requested", r->final.peak_requested);
		ju64("peak_live_blocks", r->final.peak_live_blocks);
		jclose('}');
	}
	jend();
}

static int usage(const struct ctl_cmd *cmd, const char *msg)
{
	return cmd_usage(cmd, msg);
}

/* The default evidence file: $TMPDIR/memsimctl-failure.PID.txt. */
static const char *evidence_path(char *buf, size_t len, const char *given)
{
	const char *dir = getenv("TMPDIR");

	if (given)
		return given;
	snprintf(buf, len, "%s/memsimctl-failure.%d.txt", dir && *dir ? dir : "/tmp",
		 (int)getpid());
	return buf;
}

/*
 * --strategy NAME: that strategy; no --strategy: the trace's own.  Return:
 * the strategy, REPLAY_STRATEGY_TRACE, 1 + MEMSIM_STRATEGY_COUNT for a
 * list (compare's), or -3 (said).
 */
#define STRATEGY_LIST	(1 + MEMSIM_STRATEGY_COUNT)

static int parse_strategy(const char *arg)
{
	int i;

	if (!arg)
		return REPLAY_STRATEGY_TRACE;
	if (strchr(arg, ',') || !strcasecmp(arg, "all"))
		return STRATEGY_LIST;
	i = memsim_strategy_from_name(arg);
	if (i >= 0)
		return i;
	fprintf(stderr, "memsimctl: replay: --strategy: unknown strategy '%s' (first, best, worst, next, buddy, tlsf, a comma-separated list, or all)\n",
		arg);
	return -3;
}

/*
 * --strategy LIST|all: compare's runner, "memsimctl compare --trace FILE"
 * with the options that apply: a process and an instance per strategy,
 * compare's table.
 */
static int run_compare(const struct replay_cli *o, struct opt_ctx *ctx,
		       const struct ctl_cmd *cmd, const char *path)
{
	static const struct ctl_cmd compare_cmd = {
		"compare", cmd_compare, "[OPTIONS] --trace FILE [--format F]",
		"one workload under each strategy, side by side", compare_opts, NULL,
	};
	char bmin[32], dsize[32], *av[16];
	int ac = 0;

	if (opt_given(ctx, cmd->opts, "device"))
		return usage(cmd, "--device: with several strategies the trace is compare's, which reads the first device with events; give one strategy");
	if (o->evidence)
		return usage(cmd, "--evidence: with several strategies compare keeps no evidence");
	if (o->record || o->html || o->svg)
		return usage(cmd, "--record, --html and --svg take one strategy");
	av[ac++] = "compare";
	av[ac++] = "--trace";
	av[ac++] = (char *)path;
	av[ac++] = "--strategy";
	av[ac++] = (char *)o->strategy;
	if (o->format != REPLAY_FMT_AUTO) {
		av[ac++] = "--format";
		av[ac++] = (char *)replay_format_name(o->format);
	}
	if (opt_given(ctx, cmd->opts, "buddy-min")) {
		snprintf(bmin, sizeof(bmin), "%llu", (unsigned long long)o->buddy_min);
		av[ac++] = "--buddy-min";
		av[ac++] = bmin;
	}
	if (opt_given(ctx, cmd->opts, "device-size")) {
		snprintf(dsize, sizeof(dsize), "%llu", (unsigned long long)o->device_size);
		av[ac++] = "--device-size";
		av[ac++] = dsize;
	}
	if (json)
		av[ac++] = "--json";
	av[ac] = NULL;
	return cmd_compare(&compare_cmd, ac, av);
}

/* Start --record, --html, --svg: the ring, the file with its header. */
static int record_start(struct replay_ctx *c, const char *path, struct replay_opts *o)
{
	struct memsim_info info;
	__u32 cap;

	if (memsim_get_info(&c->s.h, &info)) {
		fprintf(stderr, "memsimctl: replay: %s\n", memsim_strerror(&c->s.h));
		return -1;
	}
	cap = info.max_trace_records && info.max_trace_records < RECORD_RING ?
	      info.max_trace_records : RECORD_RING;
	if (memsim_trace_ctl(&c->s.h, cap, MEMSIM_TRACE_ON)) {
		fprintf(stderr, "memsimctl: replay: --record: %s\n", memsim_strerror(&c->s.h));
		return -1;
	}
	c->ev.tracing = 1;
	/* Every batch must fit in the ring between two reads. */
	o->max_batch = cap / RECORD_PER_OP ? cap / RECORD_PER_OP : 1;
	c->tracing = 1;
	c->rec_buf = calloc(MEMSIM_LIST_MAX, sizeof(*c->rec_buf));
	if (!c->rec_buf) {
		fprintf(stderr, "memsimctl: replay: out of memory\n");
		return -1;
	}
	if (!path)
		return 0;
	c->rec = strcmp(path, "-") ? fopen(path, "w") : stdout;
	if (!c->rec) {
		fprintf(stderr, "memsimctl: replay: %s: %s\n", path, strerror(errno));
		return -1;
	}
	memsim_print_trace_csv_header(c->rec);
	return 0;
}

static int record_end(struct replay_ctx *c, const char *path)
{
	int ret = 0;

	if (!c->tracing)
		return 0;
	record_drain(c, &c->s.h);
	if (c->rec_lost)
		fprintf(stderr, "memsimctl: replay: %llu trace records lost (the ring overwrote them)\n",
			(unsigned long long)c->rec_lost);
	if (c->rec && (ferror(c->rec) ||
		       (c->rec != stdout ? fclose(c->rec) : fflush(c->rec)))) {
		fprintf(stderr, "memsimctl: replay: %s: cannot write the records\n", path);
		ret = -1;
	}
	c->rec = NULL;
	return ret || c->rec_err || c->rec_lost ? -1 : 0;
}

/* --svg, then --html: the pictures of the replay, the instance as it stands. */
static int pictures_end(struct replay_ctx *c, const struct replay_cli *o)
{
	const struct {
		const char *path;
		enum pictures_format fmt;
	} out[] = {
		{ o->svg, PICTURES_TIMELINE_SVG },
		{ o->html, PICTURES_HTML },
	};
	struct pictures_opts po = { .name = c->w->name };
	struct pictures_info in;
	size_t i;
	int quiet_out;

	if (!c->pictures)
		return 0;
	if (c->pic_skipped)
		fprintf(stderr, "memsimctl: replay: the pictures: %llu trace record%s not drawn (they contradict the records before them)\n",
			(unsigned long long)c->pic_skipped, c->pic_skipped == 1 ? "" : "s");
	quiet_out = (o->svg && !strcmp(o->svg, "-")) || (o->html && !strcmp(o->html, "-"));
	for (i = 0; i < ARRAY_SIZE(out); i++) {
		if (!out[i].path)
			continue;
		po.format = out[i].fmt;
		if (pictures_write(&c->s.h, out[i].path, &c->pt, &po, &in))
			return -1;
		if (quiet_out)
			continue;
		if (json) {
			jopen(NULL, '{');
			jstr("cmd", "replay");
			jbool("ok", 1);
			jstr("file", out[i].path);
			jstr("picture", out[i].fmt == PICTURES_HTML ? "html" : "timeline");
			if (out[i].fmt == PICTURES_HTML) {
				ju64("segments", in.segments);
				ju64("blocks", in.blocks);
				ju64("points", in.points);
			}
			ju64("allocs", in.allocs);
			ju64("fails", in.fails);
			ju64("bytes", in.bytes);
			jend();
			continue;
		}
		if (out[i].fmt == PICTURES_HTML)
			printf("%s: HTML page, %zu segment%s, %zu block%s, %zu allocation%s, %zu failed, %zu point%s, %llu bytes\n",
			       out[i].path, in.segments, in.segments == 1 ? "" : "s", in.blocks,
			       in.blocks == 1 ? "" : "s", in.allocs, in.allocs == 1 ? "" : "s",
			       in.fails, in.points, in.points == 1 ? "" : "s",
			       (unsigned long long)in.bytes);
		else
			printf("%s: allocations over time (SVG), %zu allocation%s, %zu failed, %llu bytes\n",
			       out[i].path, in.allocs, in.allocs == 1 ? "" : "s", in.fails,
			       (unsigned long long)in.bytes);
	}
	fflush(stdout);
	return 0;
}

/*
 * The reader's message: "FILE:LINE: what" as it is (the form of a script's
 * errors), anything else after "memsimctl: ".
 */
static void print_read_error(const char *path, const char *err)
{
	const char *name = strcmp(path, "-") ? path : "stdin";
	size_t n = strlen(name);

	if (!strncmp(err, name, n) && err[n] == ':' && err[n + 1] >= '0' && err[n + 1] <= '9')
		fprintf(stderr, "%s\n", err);
	else
		fprintf(stderr, "memsimctl: %s\n", err);
}

int cmd_replay(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct replay_cli o = { .format = REPLAY_FMT_AUTO };
	struct opt_ctx ctx = { .cmd = cmd->name, .base = &o };
	struct replay_options ropt = { .format = REPLAY_FMT_AUTO, .device = -1 };
	int strategy, argi, ret, status = 0, to_stdout;
	struct replay_workload *w = NULL;
	struct replay_opts ro = REPLAY_OPTS_INIT;
	struct replay_result *res;
	struct replay_ctx *c;
	char err[1024], evpath[4096];

	argi = opt_parse_argv(&ctx, cmd->opts, argc, argv);
	if (argi < 0)
		return cmd_usage(cmd, NULL);
	if (o.json)
		json = 1;
	if (argi + 1 != argc)
		return usage(cmd, argi < argc ? "one trace only" : "no trace file");
	if (o.evidence && o.no_evidence)
		return usage(cmd, "--evidence and --no-evidence exclude each other");
	if (opt_given(&ctx, cmd->opts, "device-size") && !o.device_size)
		return usage(cmd, "--device-size: the size must not be 0");
	strategy = parse_strategy(o.strategy);
	if (strategy == -3)
		return EXIT_USAGE;
	if (strategy == STRATEGY_LIST)
		return run_compare(&o, &ctx, cmd, argv[argi]);
	to_stdout = (o.record && !strcmp(o.record, "-")) || (o.html && !strcmp(o.html, "-")) ||
		    (o.svg && !strcmp(o.svg, "-"));
	ropt.format = o.format;
	if (opt_given(&ctx, cmd->opts, "device"))
		ropt.device = o.device > 0x7fffffff ? 0x7fffffff : (int)o.device;

	/* The whole trace is read and checked before the device is opened. */
	ret = replay_read_file(argv[argi], &ropt, &w, err, sizeof(err));
	if (ret) {
		print_read_error(argv[argi], err);
		return 1;
	}
	if (!o.device_size && !replay_has_segments(w)) {
		fprintf(stderr, "memsimctl: replay: %s: the trace creates no segment%s: give --device-size SIZE\n",
			w->name, w->format == REPLAY_FMT_RMM ? " (an RMM log never does)" : "");
		replay_free(w);
		return EXIT_USAGE;
	}

	c = calloc(1, sizeof(*c));
	res = calloc(1, sizeof(*res));
	if (!c || !res) {
		fprintf(stderr, "memsimctl: replay: out of memory\n");
		free(c);
		free(res);
		replay_free(w);
		return 1;
	}
	c->w = w;
	c->progress = isatty(STDERR_FILENO);
	script_init(&c->s, argv[argi]);
	if (ctl_open(&c->s.h)) {
		status = 1;
		goto out;
	}
	c->s.exec = 1;
	ro.buddy_min = o.buddy_min;
	ro.device_size = o.device_size;
	ro.flags = o.keep_going ? REPLAY_KEEP_GOING : 0;
	ro.hooks = &cli_hooks;
	ro.ctx = c;

	ro.strategy = strategy;
	c->strategy = strategy;
	c->ev.path = o.no_evidence ? NULL : evidence_path(evpath, sizeof(evpath), o.evidence);
	evidence_start(&c->s, &c->ev);
	if (o.html || o.svg) {
		if (pictures_trace_init(&c->pt, RENDER_TIME_OPS)) {
			fprintf(stderr, "memsimctl: replay: out of memory\n");
			status = 1;
			goto close;
		}
		c->pictures = 1;
	}
	if ((o.record || c->pictures) && record_start(c, o.record, &ro)) {
		status = 1;
		goto close;
	}
	c->t0 = clock_ns();
	c->last_ns = c->t0;
	ret = replay_run(&c->s.h, w, &ro, res);
	progress_clear(c);
	if (record_end(c, o.record))
		status = 1;
	if (ret < 0)
		fprintf(stderr, "memsimctl: replay: %s\n", res->error);
	if (ret || res->failures || res->errors)
		status = 1;
	/* A picture or the records on standard output: nothing else there. */
	if (!to_stdout && json)
		print_json(w, &ro, res, ret);
	else if (!to_stdout)
		print_table(w, &ro, res);
	fflush(stdout);
	if (pictures_end(c, &o))
		status = 1;
	if (res->stopped)
		fprintf(stderr, "memsimctl: replay stopped at %s (event %zu of %llu); --keep-going replays the rest\n",
			res->first.where, res->first.event + 1, (unsigned long long)res->events);
	else if (res->failures + res->errors)
		fprintf(stderr, "memsimctl: %llu event%s failed; the first: %s: %s\n",
			(unsigned long long)(res->failures + res->errors),
			res->failures + res->errors == 1 ? "" : "s", res->first.where,
			res->first.msg);
	if (res->skipped_frees)
		fprintf(stderr, "memsimctl: %llu free%s of allocations that failed now were skipped\n",
			(unsigned long long)res->skipped_frees, res->skipped_frees == 1 ? "" : "s");
close:
	memsim_close(&c->s.h);
out:
	if (c->pictures)
		pictures_trace_free(&c->pt);
	script_fini(&c->s);
	free(c->rec_buf);
	free(c);
	free(res);
	replay_free(w);
	return status;
}
