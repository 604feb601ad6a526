// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl run, summary, blocks, map, trace: a script against a fresh
 * instance; all but run then show the instance (their own output from the
 * script is discarded, or sent to standard error with --verbose).  With
 * --instance, they show instead the debugfs file of a live instance.
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "json.h"
#include "memsimctl.h"
#include "num.h"
#include "options.h"
#include "render_text.h"
#include "pictures.h"
#include "script.h"

#define DEBUGFS_DIR	"/sys/kernel/debug/memsim"

/**
 * struct cli - the options of a script command
 * @json: --json.
 * @check: --check.
 * @verbose: --verbose.
 * @debugfs: --debugfs.
 * @stack: --stack.
 * @instance: --instance ID.
 * @capacity: --capacity N.
 * @format: --format csv|ndjson, or NULL.
 * @keep_going: --keep-going.
 * @evidence: --evidence FILE, or NULL.
 * @no_evidence: --no-evidence.
 * @pic: map and timeline: --svg, --html, --series-svg, --trace, --title,
 *	--time.
 */
struct cli {
	int json;
	int check;
	int verbose;
	int debugfs;
	int stack;
	__u64 instance;
	__u32 capacity;
	const char *format;
	int keep_going;
	const char *evidence;
	int no_evidence;
	struct pictures_args pic;
};

/* --format csv|ndjson */
static int opt_format(struct opt_ctx *c, const struct opt *o, const char *val)
{
	if (strcmp(val, "csv") && strcmp(val, "ndjson"))
		return opt_error(c, "%s: --%s: '%s' is not a format (csv, ndjson)",
				 c->cmd, o->name, val);
	return opt_str(c, o, val);
}

#define CLI_FLAG(name, field, help) \
	{ name, 0, 0, opt_flag, offsetof(struct cli, field), 0, NULL, help }
#define CLI_VALUE(name, fn, field, metavar, help) \
	{ name, 0, OPT_VALUE, fn, offsetof(struct cli, field), 0, metavar, help }
#define PIC_VALUE(name, fn, field, metavar, help) \
	{ name, 0, OPT_VALUE, fn, offsetof(struct cli, pic.field), 0, metavar, help }
#define JSON_HELP	"one JSON object per result (NDJSON)"
#define VERBOSE_HELP	"the script's own output to stderr"
#define DEBUGFS_HELP	"print the instance's debugfs file instead"
#define INSTANCE_HELP	"no script: show the live instance ID, from debugfs"
#define KEEP_GOING_HELP	"go on after a failing line; count the failures"
#define EVIDENCE_HELP	"where the instance at the first failure goes (- stderr)"
#define NO_EVIDENCE_HELP "keep no evidence (and start no trace ring)"
#define CLI_KEEP_GOING	CLI_FLAG("keep-going", keep_going, KEEP_GOING_HELP)
#define CLI_EVIDENCE	CLI_VALUE("evidence", opt_str, evidence, "FILE", EVIDENCE_HELP)
#define CLI_NO_EVIDENCE	CLI_FLAG("no-evidence", no_evidence, NO_EVIDENCE_HELP)

const struct opt run_opts[] = {
	CLI_FLAG("json", json, JSON_HELP),
	CLI_FLAG("check", check, "only check the script: nothing is opened"),
	CLI_KEEP_GOING,
	CLI_EVIDENCE,
	CLI_NO_EVIDENCE,
	OPT_END
};

const struct opt view_opts[] = {
	CLI_FLAG("json", json, JSON_HELP),
	CLI_FLAG("verbose", verbose, VERBOSE_HELP),
	CLI_FLAG("debugfs", debugfs, DEBUGFS_HELP),
	CLI_VALUE("instance", opt_u64, instance, "ID", INSTANCE_HELP),
	CLI_KEEP_GOING,
	CLI_EVIDENCE,
	CLI_NO_EVIDENCE,
	OPT_END
};

const struct opt map_opts[] = {
	CLI_FLAG("json", json, JSON_HELP),
	CLI_FLAG("verbose", verbose, VERBOSE_HELP),
	CLI_FLAG("debugfs", debugfs, DEBUGFS_HELP),
	CLI_VALUE("instance", opt_u64, instance, "ID", INSTANCE_HELP),
	PIC_VALUE("svg", opt_str, svg, "FILE", "write the address space as SVG (- = stdout)"),
	PIC_VALUE("html", opt_str, html, "FILE", "write it as a self-contained HTML page"),
	PIC_VALUE("title", opt_str, title, "TEXT", "the heading of the pictures"),
	CLI_KEEP_GOING,
	CLI_EVIDENCE,
	CLI_NO_EVIDENCE,
	OPT_END
};

const struct opt timeline_opts[] = {
	PIC_VALUE("svg", opt_str, svg, "FILE", "the allocations over time as SVG (- = stdout)"),
	PIC_VALUE("series-svg", opt_str, series_svg, "FILE",
		  "utilization and fragmentation over time as SVG"),
	PIC_VALUE("html", opt_str, html, "FILE", "all of them and the address space, as HTML"),
	PIC_VALUE("trace", opt_str, trace, "FILE",
		  "no script: a trace saved by memsimctl trace (NDJSON or CSV)"),
	CLI_VALUE("capacity", opt_u32, capacity, "N", "records the ring keeps (default 64K)"),
	PIC_VALUE("time", pictures_opt_time, unit, "op|seq|ns",
		  "the x axis: operations (default), trace seq, nanoseconds"),
	PIC_VALUE("title", opt_str, title, "TEXT", "the heading of the pictures"),
	CLI_FLAG("json", json, JSON_HELP),
	CLI_FLAG("verbose", verbose, VERBOSE_HELP),
	CLI_KEEP_GOING,
	CLI_EVIDENCE,
	CLI_NO_EVIDENCE,
	OPT_END
};

const struct opt trace_opts[] = {
	CLI_VALUE("capacity", opt_u32, capacity, "N", "records the ring keeps (default 64K)"),
	CLI_FLAG("stack", stack, "record kernel stacks too"),
	CLI_VALUE("format", opt_format, format, "csv|ndjson",
		  "CSV with a header line (default), or NDJSON"),
	CLI_FLAG("json", json, JSON_HELP),
	CLI_FLAG("verbose", verbose, VERBOSE_HELP),
	CLI_FLAG("debugfs", debugfs, DEBUGFS_HELP),
	CLI_VALUE("instance", opt_u64, instance, "ID", INSTANCE_HELP),
	CLI_KEEP_GOING,
	OPT_END
};

/**
 * struct script_cmd - a command that runs a script
 * @file: the debugfs file that --instance and --debugfs show, or NULL.
 * @before: NULL, or a script line to run before the script; --capacity
 *	and --stack add their words to it.
 * @show: NULL (run), or the script line that shows the instance after the
 *	script; --format adds its word to it.
 * @picture: PIC_MAP: --svg and --html draw the instance instead of @show;
 *	PIC_TIMELINE: the pictures of the trace are all it shows.
 */
struct script_cmd {
	const char *file;
	const char *before;
	const char *show;
	int picture;
};

#define PIC_MAP		1
#define PIC_TIMELINE	2

const struct script_cmd script_run_cmd = { NULL, NULL, NULL, 0 };
const struct script_cmd script_summary_cmd = { "summary", NULL, "summary table", 0 };
const struct script_cmd script_blocks_cmd = { "blocks", NULL, "blocks", 0 };
const struct script_cmd script_map_cmd = { "map", NULL, "map", PIC_MAP };
const struct script_cmd script_trace_cmd = { "trace", "trace on", "trace dump", 0 };
const struct script_cmd script_timeline_cmd = { NULL, "trace on", NULL, PIC_TIMELINE };

/* An instance's summary from its debugfs files, for summary --instance */

#define DEBUGFS_NA	UINT64_MAX

/* A cell of a debugfs table: a number, or "-" (DEBUGFS_NA). */
static int debugfs_cell(const char *str, __u64 *v)
{
	if (!strcmp(str, "-")) {
		*v = DEBUGFS_NA;
		return 0;
	}
	return parse_u64(str, v);
}

/* Split @line at its tabs into at most @max fields.  Return: their number. */
static int split_tabs(char *line, char **f, int max)
{
	int n = 0;

	line[strcspn(line, "\n")] = '\0';
	f[n++] = line;
	while (n < max && (line = strchr(line, '\t'))) {
		*line++ = '\0';
		f[n++] = line;
	}
	return n;
}

static FILE *debugfs_open(__u64 id, const char *file)
{
	char path[96];
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS_DIR "/%llu/%s", (unsigned long long)id, file);
	f = fopen(path, "r");
	if (!f)
		fprintf(stderr, "memsimctl: %s: %s\n", path, strerror(errno));
	return f;
}

/* One metric of a usage scope (the pool's, or a stream's). */
static void usage_metric(struct memsim_usage_info *u, struct memsim_summary *sum,
			 const char *metric, const __u64 *v)
{
	static const char * const names[] = {
		"managed_bytes", "allocated_bytes", "requested_bytes", "free_bytes",
		"largest_free_bytes", "deferred_bytes", "live_blocks", "free_blocks",
		"deferred_blocks", "frees", "failures", "utilization_ppm",
		"external_frag_ppm",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names) && strcmp(names[i], metric); i++)
		;
	switch (i) {
	case 0:
		u->total = v[0];
		break;
	case 1:
		u->allocated = v[0];
		u->peak_allocated = v[1];
		if (sum)
			sum->alloc_bytes = v[2];
		break;
	case 2:
		u->requested = v[0];
		if (sum) {
			sum->peak_requested = v[1];
			sum->requested_bytes = v[2];
		}
		break;
	case 3:
		u->free = v[0];
		break;
	case 4:
		u->largest_free = v[0];
		break;
	case 5:
		u->deferred_bytes = v[0];
		break;
	case 6:
		u->live_blocks = v[0];
		u->allocs = v[2];
		if (sum)
			sum->peak_live_blocks = v[1];
		break;
	case 7:
		u->free_blocks = v[0];
		break;
	case 8:
		u->deferred_blocks = v[0];
		break;
	case 9:
		u->frees = v[2];
		break;
	case 10:
		u->failures = v[2];
		break;
	case 11:
		u->utilization_ppm = v[0];
		break;
	case 12:
		u->frag_ppm = v[0];
		break;
	}
}

/**
 * struct instance_view - an instance as its debugfs files show it
 * @t: what the summary table shows besides the streams.
 * @streams: each stream's counters, in the summary file's order.
 * @nr: entries of @streams.
 */
struct instance_view {
	struct summary_table t;
	struct memsim_stream_info *streams;
	size_t nr;
};

static struct memsim_stream_info *view_stream(struct instance_view *iv, __u32 id)
{
	struct memsim_stream_info *p;
	size_t i;

	for (i = 0; i < iv->nr; i++)
		if (iv->streams[i].stream == id)
			return &iv->streams[i];
	p = realloc(iv->streams, (iv->nr + 1) * sizeof(*p));
	if (!p)
		return NULL;
	iv->streams = p;
	p = &iv->streams[iv->nr++];
	memset(p, 0, sizeof(*p));
	p->stream = id;
	return p;
}

/* summary, stats and segments of instance @id into @iv.  Return: 0 or -1. */
static int read_instance(__u64 id, struct instance_view *iv)
{
	struct memsim_summary *sum = &iv->t.sum;
	struct memsim_stream_info *st;
	char line[512], *f[10];
	__u64 v[3], sid;
	int n, i, bad = 0, strategy;
	FILE *fp;

	memset(iv, 0, sizeof(*iv));
	iv->t.instance_id = id;
	iv->t.has_trace = 1;
	fp = debugfs_open(id, "summary");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		n = split_tabs(line, f, 5);
		if (n != 5 || !strcmp(f[0], "scope"))
			continue;
		if (!strcmp(f[1], "strategy")) {
			strategy = memsim_strategy_from_name(f[2]);
			sum->strategy = strategy < 0 ? 0 : strategy;
			continue;
		}
		for (i = 0; i < 3; i++)
			if (debugfs_cell(f[2 + i], &v[i]))
				bad = 1;
		if (!strcmp(f[0], "pool")) {
			if (!strcmp(f[1], "segments"))
				sum->nr_segments = v[0];
			else if (!strcmp(f[1], "streams"))
				sum->nr_streams = v[0];
			else if (!strcmp(f[1], "trace_records")) {
				iv->t.trace_kept = v[0];
				iv->t.trace_capacity = v[1];
				iv->t.trace_head = v[2];
			} else if (!strcmp(f[1], "trace_dropped")) {
				iv->t.trace_dropped = v[2];
			} else {
				usage_metric(&sum->usage, sum, f[1], v);
			}
		} else if (!strncmp(f[0], "stream:", 7) && !parse_u64(f[0] + 7, &sid) &&
			   sid <= UINT32_MAX) {
			st = view_stream(iv, sid);
			if (!st)
				bad = 1;
			else
				usage_metric(&st->usage, NULL, f[1], v);
		}
	}
	fclose(fp);
	fp = debugfs_open(id, "stats");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		n = split_tabs(line, f, 8);
		strategy = n == 8 ? memsim_strategy_from_name(f[0]) : -1;
		if (strategy < 0 || strategy >= MEMSIM_STRATEGY_COUNT)
			continue;
		if (parse_u64(f[2], &iv->t.st[strategy].allocs) ||
		    parse_u64(f[3], &iv->t.st[strategy].failures) ||
		    parse_u64(f[4], &iv->t.st[strategy].frees) ||
		    parse_u64(f[5], &iv->t.st[strategy].steps) ||
		    parse_u64(f[6], &iv->t.st[strategy].alloc_ns) ||
		    parse_u64(f[7], &iv->t.st[strategy].free_ns))
			bad = 1;
	}
	fclose(fp);
	fp = debugfs_open(id, "segments");
	if (!fp)
		return -1;
	while (fgets(line, sizeof(line), fp)) {
		n = split_tabs(line, f, 10);
		if (n < 5 || parse_u64(f[4], &sid) || sid > UINT32_MAX)
			continue;
		st = view_stream(iv, sid);
		if (st)
			st->nr_segments++;
	}
	fclose(fp);
	if (bad) {
		fprintf(stderr, "memsimctl: %s/%llu: a file does not read as expected\n",
			DEBUGFS_DIR, (unsigned long long)id);
		return -1;
	}
	return 0;
}

/* summary --instance ID: the table of the script path, from debugfs. */
static int show_instance_summary(__u64 id)
{
	struct instance_view iv;
	size_t i;

	if (read_instance(id, &iv)) {
		free(iv.streams);
		return -1;
	}
	if (json) {
		jopen(NULL, '{');
		jstr("cmd", "summary");
	}
	summary_begin(&iv.t);
	for (i = 0; i < iv.nr; i++)
		summary_stream(&iv.streams[i], NULL);
	summary_end(&iv.t);
	if (json) {
		jclose(']');
		jbool("ok", 1);
		jend();
	}
	free(iv.streams);
	return 0;
}

/* Copy /sys/kernel/debug/memsim/@id/@file to standard output. */
static int show_debugfs(__u64 id, const char *file)
{
	char path[96], buf[4096];
	size_t n;
	FILE *f;

	snprintf(path, sizeof(path), DEBUGFS_DIR "/%llu/%s", (unsigned long long)id,
		 file);
	f = fopen(path, "r");
	if (!f) {
		fprintf(stderr, "memsimctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = fread(buf, 1, sizeof(buf), f)) > 0)
		fwrite(buf, 1, n, stdout);
	if (ferror(f)) {
		fprintf(stderr, "memsimctl: %s: read error\n", path);
		fclose(f);
		return -1;
	}
	fclose(f);
	return fflush(stdout) ? -1 : 0;
}

/* Point stdout at /dev/null, or at stderr.  Return: the old stdout, or -1. */
static int stdout_divert(int to_stderr)
{
	int saved, fd;

	fflush(stdout);
	fd = to_stderr ? dup(STDERR_FILENO) : open("/dev/null", O_WRONLY | O_CLOEXEC);
	if (fd < 0) {
		fprintf(stderr, "memsimctl: %s: %s\n", to_stderr ? "stderr" : "/dev/null",
			strerror(errno));
		return -1;
	}
	saved = dup(STDOUT_FILENO);
	if (saved < 0 || dup2(fd, STDOUT_FILENO) < 0) {
		fprintf(stderr, "memsimctl: stdout: %s\n", strerror(errno));
		if (saved >= 0)
			close(saved);
		close(fd);
		return -1;
	}
	close(fd);
	return saved;
}

static void stdout_restore(int saved)
{
	fflush(stdout);
	dup2(saved, STDOUT_FILENO);
	close(saved);
}

/* --keep-going: how many lines failed, and the first. */
static void keep_going_report(struct script *s)
{
	if (json) {
		jopen(NULL, '{');
		jopen("keep_going", '{');
		ju64("failures", s->failures);
		jopen("first", '{');
		jstr("file", s->err.file ? s->err.file : "-");
		ju64("line", s->err.line);
		jstr("message", s->err.msg);
		jclose('}');
		jclose('}');
		jend();
	}
	fprintf(stderr, "memsimctl: %u line%s failed; the first: %s:%u: %s\n",
		s->failures, s->failures == 1 ? "" : "s",
		s->err.file ? s->err.file : "-", s->err.line, s->err.msg);
}

/* The default evidence file: $TMPDIR/memsimctl-failure.PID.txt. */
static const char *evidence_default(char *buf, size_t len)
{
	const char *dir = getenv("TMPDIR");

	snprintf(buf, len, "%s/memsimctl-failure.%d.txt", dir && *dir ? dir : "/tmp",
		 (int)getpid());
	return buf;
}

/* The script against the open instance, then what @c shows. */
static int run_instance(struct script *s, struct script_text *t,
			const struct script_cmd *c, const struct cli *o,
			int ndjson, const char *capacity)
{
	struct memsim_info info;
	int saved = -1, ret = 0;
	int pics = c->picture == PIC_TIMELINE || o->pic.svg || o->pic.html;

	if (c->show || pics) {
		saved = stdout_divert(o->verbose);
		if (saved < 0)
			return -1;
		quiet = !o->verbose;
	}
	if (c->before)
		ret = script_words(s, c->before, capacity, o->stack ? "stack" : "");
	if (!ret)
		ret = script_run(s, t);
	if (saved >= 0)
		stdout_restore(saved);
	quiet = 0;
	if (s->failures)
		keep_going_report(s);
	/* A failure stopped the script: show the instance as it stands. */
	if ((!c->show && !pics) || (ret && !s->nr_errors))
		return ret;
	if (pics)
		return pictures_run(&s->h, &o->pic) || ret;
	if (!o->debugfs) {
		/* All the records, even those a "trace dump" of the script showed. */
		s->trace_cursor = 0;
		s->on_error = NULL;
		return script_words(s, c->show, c == &script_trace_cmd ?
				    (ndjson ? "ndjson" : "csv") : "", "") || ret;
	}
	if (memsim_get_info(&s->h, &info)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&s->h));
		return -1;
	}
	if (!(info.features & MEMSIM_FEATURE_DEBUGFS)) {
		fprintf(stderr, "memsimctl: the module has no debugfs views\n");
		return -1;
	}
	return show_debugfs(info.instance_id, c->file) || ret;
}

static int cli_usage(const struct ctl_cmd *cmd, const char *msg, const char *arg)
{
	char line[256];

	if (!msg)
		return cmd_usage(cmd, NULL);
	snprintf(line, sizeof(line), "%s%s%s", msg, arg ? " " : "", arg ? arg : "");
	return cmd_usage(cmd, line);
}

/* The picture options of map and timeline.  Return: 0, or EXIT_USAGE (said). */
static int pictures_usage(const struct ctl_cmd *cmd, const struct script_cmd *c,
			  const struct cli *o, int capacity, int instance)
{
	const struct pictures_args *p = &o->pic;
	int to_stdout = 0;

	to_stdout += p->svg && !strcmp(p->svg, "-");
	to_stdout += p->html && !strcmp(p->html, "-");
	to_stdout += p->series_svg && !strcmp(p->series_svg, "-");
	if (to_stdout > 1)
		return cli_usage(cmd, "only one picture can go to standard output (-)", NULL);
	if (c->picture == PIC_TIMELINE) {
		if (!p->svg && !p->html && !p->series_svg)
			return cli_usage(cmd, "nothing to draw: give --svg FILE, --html FILE or --series-svg FILE",
					 NULL);
		if (p->trace && capacity)
			return cli_usage(cmd, "--capacity sizes a script's trace, not --trace", NULL);
		if (p->trace && (o->keep_going || o->evidence || o->no_evidence))
			return cli_usage(cmd, "--keep-going, --evidence and --no-evidence run a script, not --trace",
					 NULL);
		return 0;
	}
	if ((p->svg || p->html) && (o->debugfs || instance))
		return cli_usage(cmd, "--svg and --html draw the script's instance: not with --debugfs or --instance",
				 NULL);
	if (p->title && !p->svg && !p->html)
		return cli_usage(cmd, "--title names a picture: give --svg FILE or --html FILE", NULL);
	return 0;
}

static const char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	if (!strcmp(path, "-"))
		return "stdin";
	return slash && slash[1] ? slash + 1 : path;
}

int cmd_script(const struct ctl_cmd *cmd, int argc, char **argv)
{
	const struct script_cmd *c = cmd->data;
	struct cli o = { 0 };
	struct opt_ctx ctx = { .cmd = cmd->name, .base = &o };
	char capacity[24] = "", evpath[4096];
	struct evidence ev = { 0 };
	struct script_text t;
	struct script s;
	int ret, argi, ndjson;

	argi = opt_parse_argv(&ctx, cmd->opts, argc, argv);
	if (argi < 0)
		return cmd_usage(cmd, NULL);
	if (o.json)
		json = 1;
	ndjson = o.format ? o.format[0] == 'n' : json;
	if (opt_given(&ctx, cmd->opts, "capacity"))
		snprintf(capacity, sizeof(capacity), "%u", o.capacity);
	o.pic.timeline = c->picture == PIC_TIMELINE;
	if (c->picture && pictures_usage(cmd, c, &o, capacity[0],
					 opt_given(&ctx, cmd->opts, "instance")))
		return EXIT_USAGE;
	if (o.pic.trace) {
		if (argi != argc)
			return cli_usage(cmd, "--trace takes no script:", argv[argi]);
		o.pic.name = base_name(o.pic.trace);
		return pictures_run(NULL, &o.pic) ? 1 : 0;
	}
	if (opt_given(&ctx, cmd->opts, "instance")) {
		if (argi != argc)
			return cli_usage(cmd, "--instance takes no script:", argv[argi]);
		if (o.verbose || o.debugfs || o.stack || o.format || capacity[0] ||
		    o.keep_going || o.evidence || o.no_evidence)
			return cli_usage(cmd, "--instance goes alone", NULL);
		if (c == &script_summary_cmd)
			return show_instance_summary(o.instance) ? 1 : 0;
		return show_debugfs(o.instance, c->file) ? 1 : 0;
	}
	if (o.evidence && o.no_evidence)
		return cli_usage(cmd, "--evidence and --no-evidence exclude each other", NULL);
	if (argi + 1 != argc)
		return cli_usage(cmd, argi < argc ? "one script only:" : "no script",
				 argi < argc ? argv[argi + 1] : NULL);
	if (script_read(argv[argi], &t))
		return 1;

	script_init(&s, argv[argi]);
	o.pic.name = base_name(argv[argi]);
	/* First the whole script is checked, with nothing sent. */
	ret = script_check(&s, &t);
	if (!ret && !o.check) {
		if (ctl_open(&s.h)) {
			ret = -1;
		} else {
			if (o.keep_going)
				s.flags |= SCRIPT_KEEP_GOING;
			/* trace: its own ring says what happened. */
			ev.path = o.no_evidence || c == &script_trace_cmd ? NULL :
				  o.evidence ? o.evidence :
				  evidence_default(evpath, sizeof(evpath));
			if (c != &script_trace_cmd)
				evidence_start(&s, &ev);
			ret = run_instance(&s, &t, c, &o, ndjson, capacity);
			memsim_close(&s.h);
		}
	}
	script_fini(&s);
	script_text_free(&t);
	return ret ? 1 : 0;
}
