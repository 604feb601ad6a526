// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: command-line front end of /dev/memsim
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsimctl [--dev PATH] [--json] COMMAND [ARGS]
 *
 * Commands:
 *   info              ABI version, features, limits and this instance's id
 *   simulate [OPTS]   the kernel's random workload, on a fresh segment, for
 *                     one or more strategies
 *   run SCRIPT|-      a script of commands against one instance
 *   summary, blocks, map, trace SCRIPT|-
 *                     a script, then the instance's counters, blocks, map
 *                     or operation trace; or, with --instance ID, the
 *                     debugfs file of a live instance
 *
 * Every open() of /dev/memsim is a new, empty instance that dies with the
 * file, so multi-step scenarios go through "run": the script language is
 * described in Documentation/memsimctl.rst.  A script is read whole and
 * checked before its first command runs; then each line runs in turn and the
 * first unexpected failure stops it with "memsimctl: LINE N: message".
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <unistd.h>

#include "libmemsim.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

#define EXIT_USAGE	2
#define MAX_TOKENS	64

static const char *dev_path = MEMSIM_DEFAULT_PATH;
static int json;
/* 1 while a script's output is discarded: no notices on stderr either. */
static int quiet;

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsimctl [--dev PATH] [--json] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  info                 ABI version, features, limits, instance id\n"
		"  simulate [OPTIONS]   the kernel's random workload on a fresh segment\n"
		"      --ops N             operations (default 10000)\n"
		"      --min SIZE          smallest allocation (default 64)\n"
		"      --max SIZE          largest allocation (default 64K)\n"
		"      --free-prob P       probability of a free: 0..1 or N%% (default 0.45)\n"
		"      --seed S            seed (default 1)\n"
		"      --strategy LIST     first,best,worst,next,buddy or all (default first)\n"
		"      --buddy-min SIZE    the buddy system's minimum block (default 64)\n"
		"      --segment-size SIZE size of the segment (default 16M)\n"
		"      --segment-start A   its start address (default 0)\n"
		"  run [--check] SCRIPT run a script against one instance (- = stdin);\n"
		"                       --check only checks its syntax\n"
		"  summary SCRIPT       run the script quietly, then print the counters\n"
		"  blocks SCRIPT        ... then list the blocks\n"
		"  map SCRIPT           ... then print each segment's map (as debugfs)\n"
		"  trace [OPTIONS] SCRIPT  trace the script's calls and print the records\n"
		"      --capacity N        records the ring keeps (default 64K)\n"
		"      --stack             record kernel stacks too\n"
		"      --format csv|ndjson CSV with a header line (default), or NDJSON\n"
		"      summary, blocks, map, trace also take:\n"
		"      --verbose           the script's own output to stderr\n"
		"      --debugfs           print the instance's debugfs file instead\n"
		"      --instance ID       no script: print the debugfs file of instance ID\n"
		"\n"
		"Numbers: decimal, 0x hex, with an optional K, M, G or T suffix.\n"
		"--json (before or after COMMAND) prints one JSON object per result.\n"
		"Exit status: 0 ok, 1 failure, 2 usage.  See Documentation/memsimctl.rst.\n");
}

/* Numbers */

/**
 * parse_u64() - decimal or 0x hex, with an optional K, M, G or T suffix
 * @str: the text.
 * @out: the value.
 *
 * Return: 0, or -1 if @str is not such a number or overflows 64 bits.
 */
static int parse_u64(const char *str, __u64 *out)
{
	unsigned int shift = 0;
	__u64 v;
	char *end;

	if (!isdigit((unsigned char)str[0]))
		return -1;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno || end == str)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (shift) {
		end++;
		if (*end || v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
	}
	*out = v;
	return 0;
}

/* A probability: "0.25", "1", or a percentage "25%".  Return: ppm or -1. */
static long parse_prob(const char *str)
{
	double p;
	char *end;

	errno = 0;
	p = strtod(str, &end);
	if (errno || end == str)
		return -1;
	if (*end == '%') {
		end++;
		p /= 100.0;
	}
	if (*end || !(p >= 0.0 && p <= 1.0))
		return -1;
	return (long)(p * 1e6 + 0.5);
}

/* JSON output: a minimal writer, one object per line. */

static int jcomma;

static void jstring(const char *str)
{
	memsim_print_json_string(stdout, str);
}

/* Start a member (or, with @key NULL, an array element). */
static void jkey(const char *key)
{
	if (jcomma)
		putchar(',');
	if (key) {
		jstring(key);
		putchar(':');
	}
	jcomma = 1;
}

static void ju64(const char *key, __u64 v)
{
	jkey(key);
	printf("%llu", (unsigned long long)v);
}

static void jstr(const char *key, const char *v)
{
	jkey(key);
	jstring(v);
}

static void jnull(const char *key)
{
	jkey(key);
	printf("null");
}

static void jbool(const char *key, int v)
{
	jkey(key);
	printf("%s", v ? "true" : "false");
}

static void jopen(const char *key, char c)
{
	jkey(key);
	putchar(c);
	jcomma = 0;
}

static void jclose(char c)
{
	putchar(c);
	jcomma = 1;
}

static void jend(void)
{
	printf("}\n");
	jcomma = 0;
	fflush(stdout);
}

static void json_usage(const char *key, const struct memsim_usage_info *u)
{
	int i;

	jopen(key, '{');
	ju64("total", u->total);
	ju64("allocated", u->allocated);
	ju64("requested", u->requested);
	ju64("free", u->free);
	ju64("peak_allocated", u->peak_allocated);
	ju64("live_blocks", u->live_blocks);
	ju64("free_blocks", u->free_blocks);
	ju64("deferred_blocks", u->deferred_blocks);
	ju64("deferred_bytes", u->deferred_bytes);
	ju64("allocs", u->allocs);
	ju64("frees", u->frees);
	ju64("failures", u->failures);
	ju64("largest_free", u->largest_free);
	ju64("frag_ppm", u->frag_ppm);
	ju64("utilization_ppm", u->utilization_ppm);
	jopen("free_hist", '[');
	for (i = 0; i < MEMSIM_HIST_SIZE; i++)
		ju64(NULL, u->free_hist[i]);
	jclose(']');
	jclose('}');
}

static void json_summary_fields(const struct memsim_summary *sum)
{
	jstr("strategy", memsim_strategy_name(sum->strategy));
	ju64("buddy_min_block", sum->buddy_min_block);
	ju64("nr_segments", sum->nr_segments);
	ju64("nr_streams", sum->nr_streams);
	json_usage("usage", &sum->usage);
}

static void json_info_fields(const struct memsim_info *info)
{
	ju64("abi_version", info->abi_version);
	ju64("features", info->features);
	jbool("debugfs", !!(info->features & MEMSIM_FEATURE_DEBUGFS));
	ju64("instance_id", info->instance_id);
	ju64("max_segments", info->max_segments);
	ju64("max_batch", info->max_batch);
	ju64("max_blocks", info->max_blocks);
}

static void print_ppm(__u32 ppm)
{
	printf("%u.%04u%%", ppm / 10000, ppm % 10000);
}

/* info */

static int cmd_info(int argc, char **argv)
{
	struct memsim_handle h;
	struct memsim_info info;

	if (argc > 1) {
		fprintf(stderr, "memsimctl: info: unexpected argument '%s'\n",
			argv[1]);
		return EXIT_USAGE;
	}
	if (memsim_open(&h, dev_path)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&h));
		return 1;
	}
	if (memsim_get_info(&h, &info)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&h));
		memsim_close(&h);
		return 1;
	}
	memsim_close(&h);

	if (json) {
		jopen(NULL, '{');
		jstr("cmd", "info");
		jbool("ok", 1);
		json_info_fields(&info);
		jend();
	} else {
		memsim_print_info(stdout, &info);
	}
	return 0;
}

/* simulate */

static void print_sim_header(void)
{
	printf("%-8s %10s %10s %9s %10s %12s %12s %10s %10s %10s\n",
	       "strategy", "ops", "allocs", "failures", "frees", "peak",
	       "final", "frag", "util", "ms");
}

static void print_sim_row(const char *name, const struct memsim_simulate_arg *r,
			  const struct memsim_summary *sum)
{
	printf("%-8s %10llu %10llu %9llu %10llu %12llu %12llu %6u.%02u%% %6u.%02u%% %10.3f\n",
	       name, (unsigned long long)r->nr_ops,
	       (unsigned long long)r->successes,
	       (unsigned long long)r->failures, (unsigned long long)r->frees,
	       (unsigned long long)r->peak_allocated,
	       (unsigned long long)r->final_allocated,
	       r->frag_ppm / 10000, r->frag_ppm % 10000 / 100,
	       sum->usage.utilization_ppm / 10000,
	       sum->usage.utilization_ppm % 10000 / 100,
	       (double)r->elapsed_ns / 1e6);
}

static void json_sim_fields(const struct memsim_simulate_arg *r)
{
	ju64("nr_ops", r->nr_ops);
	ju64("min_size", r->min_size);
	ju64("max_size", r->max_size);
	ju64("seed", r->seed);
	ju64("free_ppm", r->free_ppm);
	if (r->stream == MEMSIM_STREAM_ANY_ID)
		jstr("stream", "any");
	else
		ju64("stream", r->stream);
	ju64("successes", r->successes);
	ju64("failures", r->failures);
	ju64("frees", r->frees);
	ju64("peak_allocated", r->peak_allocated);
	ju64("final_allocated", r->final_allocated);
	ju64("frag_ppm", r->frag_ppm);
	ju64("elapsed_ns", r->elapsed_ns);
}

static int sim_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "memsimctl: simulate: %s '%s'\n", msg, arg);
	return EXIT_USAGE;
}

static int cmd_simulate(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "ops", required_argument, NULL, 'o' },
		{ "min", required_argument, NULL, 'm' },
		{ "max", required_argument, NULL, 'M' },
		{ "free-prob", required_argument, NULL, 'f' },
		{ "seed", required_argument, NULL, 's' },
		{ "strategy", required_argument, NULL, 'S' },
		{ "buddy-min", required_argument, NULL, 'b' },
		{ "segment-size", required_argument, NULL, 'z' },
		{ "segment-start", required_argument, NULL, 'a' },
		{ "json", no_argument, NULL, 'j' },
		{ NULL, 0, NULL, 0 },
	};
	struct memsim_simulate_arg in, out;
	__u64 seg_start = 0, seg_size = 16ULL << 20, buddy_min = 0, v;
	int strategies[MEMSIM_STRATEGY_COUNT * 4];
	int nr_strategies = 0, c, i, ret = 0;
	struct memsim_summary sum;
	struct memsim_handle h;
	char *list = NULL, *tok, *save;
	long ppm;

	memset(&in, 0, sizeof(in));
	in.nr_ops = 10000;
	in.min_size = 64;
	in.max_size = 64 << 10;
	in.seed = 1;
	in.free_ppm = 450000;
	in.stream = MEMSIM_STREAM_ANY_ID;

	optind = 1;
	while ((c = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (c) {
		case 'o':
		case 'm':
		case 'M':
		case 's':
		case 'b':
		case 'z':
		case 'a':
			if (parse_u64(optarg, &v))
				return sim_usage("not a number:", optarg);
			if (c == 'o')
				in.nr_ops = v;
			else if (c == 'm')
				in.min_size = v;
			else if (c == 'M')
				in.max_size = v;
			else if (c == 's')
				in.seed = v;
			else if (c == 'b')
				buddy_min = v;
			else if (c == 'z')
				seg_size = v;
			else
				seg_start = v;
			break;
		case 'f':
			ppm = parse_prob(optarg);
			if (ppm < 0)
				return sim_usage("not a probability (0..1 or N%):", optarg);
			in.free_ppm = ppm;
			break;
		case 'S':
			list = optarg;
			break;
		case 'j':
			json = 1;
			break;
		default:
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		return sim_usage("unexpected argument", argv[optind]);

	if (!list || !strcasecmp(list, "all")) {
		for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++)
			strategies[nr_strategies++] = i;
		if (!list)
			nr_strategies = 1;
	} else {
		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (nr_strategies == (int)ARRAY_SIZE(strategies))
				return sim_usage("too many strategies in", optarg);
			strategies[nr_strategies] = memsim_strategy_from_name(tok);
			if (strategies[nr_strategies] < 0)
				return sim_usage("unknown strategy", tok);
			nr_strategies++;
		}
		if (!nr_strategies)
			return sim_usage("no strategy in", "");
	}

	if (memsim_open(&h, dev_path)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&h));
		return 1;
	}
	for (i = 0; i < nr_strategies; i++) {
		int s = strategies[i];

		/* Every run starts from an empty instance. */
		ret = memsim_reset(&h, 0);
		if (!ret)
			ret = memsim_set_strategy(&h, s, s == MEMSIM_STRATEGY_BUDDY ?
						  buddy_min : 0);
		if (!ret)
			ret = memsim_create_segment(&h, seg_start, seg_size, 0, 0, NULL);
		if (!ret)
			ret = memsim_simulate(&h, &in, &out);
		if (!ret)
			ret = memsim_get_summary(&h, &sum);
		if (ret) {
			if (json) {
				jopen(NULL, '{');
				jstr("cmd", "simulate");
				jstr("strategy", memsim_strategy_name(s));
				jbool("ok", 0);
				jstr("errno", memsim_errno_name(ret));
				jstr("error", memsim_strerror(&h));
				jend();
			}
			fflush(stdout);
			fprintf(stderr, "memsimctl: simulate %s: %s\n",
				memsim_strategy_name(s), memsim_strerror(&h));
			break;
		}
		if (json) {
			jopen(NULL, '{');
			jstr("cmd", "simulate");
			jbool("ok", 1);
			jstr("strategy", memsim_strategy_name(s));
			ju64("segment_start", seg_start);
			ju64("segment_size", seg_size);
			json_sim_fields(&out);
			json_usage("usage", &sum.usage);
			jend();
		} else {
			if (!i)
				print_sim_header();
			print_sim_row(memsim_strategy_name(s), &out, &sum);
		}
	}
	if (!ret && !json && nr_strategies == 1) {
		printf("\n");
		memsim_print_summary(stdout, &sum);
	}
	memsim_close(&h);
	return ret ? 1 : 0;
}

/* run: the script interpreter */

/**
 * struct var - a name bound by "as NAME" or "set NAME VALUE"
 * @name: the name, without "$".
 * @value: its value.
 * @bound: 1 once bound; in the checking pass, declared.
 */
struct var {
	char *name;
	__u64 value;
	int bound;
};

/**
 * struct script - the interpreter's state
 * @h: the instance.
 * @exec: 0 in the checking pass (nothing is sent to the kernel), 1 when
 *	running.
 * @line: number of the line being handled, from 1.
 * @expect: errno (positive) the current command must fail with, or 0.
 * @vars: the bound names.
 * @nr_vars: entries in @vars.
 * @in_batch: 1 while the lines of a batch are parsed.
 * @text: the current command as written (its words), for messages.
 * @name: the script's file name without its directory ("stdin" for -),
 *	the first part of the automatic labels.
 * @label: the automatic label of the current line, "NAME:LINE".
 * @trace_cursor: where the next "trace dump" starts.
 */
struct script {
	struct memsim_handle h;
	int exec;
	int in_batch;
	unsigned int line;
	int expect;
	struct var *vars;
	size_t nr_vars;
	char text[256];
	char name[MEMSIM_LABEL_MAX];
	char label[MEMSIM_LABEL_MAX];
	__u64 trace_cursor;
};

/* The message of serr(); glibc's snprintf() checks the format. */
static char serr_buf[512];

/* Report serr_buf as an error of the current line.  Return: -1. */
static int serr_print(struct script *s)
{
	fflush(stdout);
	if (s->line)
		fprintf(stderr, "memsimctl: LINE %u: %s\n", s->line, serr_buf);
	else
		fprintf(stderr, "memsimctl: %s\n", serr_buf);
	return -1;
}

/* Report an error on the current line, printf-style.  Return: -1. */
#define serr(s, ...) \
	(snprintf(serr_buf, sizeof(serr_buf), __VA_ARGS__), serr_print(s))

static struct var *var_find(struct script *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr_vars; i++)
		if (!strcmp(s->vars[i].name, name))
			return &s->vars[i];
	return NULL;
}

static int valid_name(const char *name)
{
	const char *p = name;

	if (!isalpha((unsigned char)*p) && *p != '_')
		return 0;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

/* Bind @name to @value (checking pass: declare it). */
static int var_set(struct script *s, const char *name, __u64 value)
{
	struct var *v = var_find(s, name), *nv;

	if (!v) {
		nv = realloc(s->vars, (s->nr_vars + 1) * sizeof(*nv));
		if (!nv)
			return serr(s, "out of memory");
		s->vars = nv;
		v = &s->vars[s->nr_vars];
		v->name = strdup(name);
		if (!v->name)
			return serr(s, "out of memory");
		s->nr_vars++;
	}
	v->value = s->exec ? value : 0;
	v->bound = 1;
	return 0;
}

static void vars_clear(struct script *s)
{
	size_t i;

	for (i = 0; i < s->nr_vars; i++)
		free(s->vars[i].name);
	free(s->vars);
	s->vars = NULL;
	s->nr_vars = 0;
}

/* A number, or $NAME.  Return: 0 or -1 (reported). */
static int value(struct script *s, const char *str, __u64 *out)
{
	struct var *v;

	if (str[0] == '$') {
		v = var_find(s, str + 1);
		if (!v && !s->exec)
			return serr(s, "'%s' is not bound by an earlier line%s", str,
				    s->in_batch ? " (names bound in a batch are usable after its end)" : "");
		if (!v || !v->bound)
			return serr(s, "'%s' is not bound (did the command binding it fail?)",
				    str);
		*out = v->value;
		return 0;
	}
	if (parse_u64(str, out))
		return serr(s, "'%s' is not a number", str);
	return 0;
}

static int value32(struct script *s, const char *str, __u32 *out)
{
	__u64 v;

	if (value(s, str, &v))
		return -1;
	if (v > UINT32_MAX)
		return serr(s, "'%s' does not fit in 32 bits", str);
	*out = v;
	return 0;
}

/* A stream number, or "any". */
static int stream_value(struct script *s, const char *str, __u32 *out)
{
	if (!strcasecmp(str, "any")) {
		*out = MEMSIM_STREAM_ANY_ID;
		return 0;
	}
	return value32(s, str, out);
}

/* If @tok is "KEY=VALUE", point *@val at VALUE.  Return: 1 if so, else 0. */
static int is_opt(const char *tok, const char *key, const char **val)
{
	size_t n = strlen(key);

	if (strncmp(tok, key, n) || tok[n] != '=')
		return 0;
	*val = tok + n + 1;
	return 1;
}

/* "as NAME" at tok[*i]: take it.  Return: 1 taken, 0 not "as", -1 error. */
static int opt_as(struct script *s, char **tok, int ntok, int *i,
		  const char **name)
{
	if (strcmp(tok[*i], "as"))
		return 0;
	if (*i + 1 >= ntok)
		return serr(s, "'as' needs a name");
	if (!valid_name(tok[*i + 1]))
		return serr(s, "'%s' is not a valid name", tok[*i + 1]);
	*name = tok[++*i];
	return 1;
}

static int want_args(struct script *s, char **tok, int ntok, int min,
		     const char *usage)
{
	if (ntok - 1 < min)
		return serr(s, "usage: %s %s", tok[0], usage);
	return 0;
}

static int unknown_opt(struct script *s, char **tok, int i)
{
	return serr(s, "%s: unknown argument '%s'", tok[0], tok[i]);
}

/*
 * The label of a call: "label=TEXT" (TEXT empty: none), or else the line's
 * automatic label "NAME:LINE", NAME cut so that it fits in
 * MEMSIM_LABEL_MAX - 1 characters.  A batch carries no labels.
 */
static int opt_label(struct script *s, const char *tok, const char **label)
{
	const char *v;

	if (!is_opt(tok, "label", &v))
		return 0;
	if (s->in_batch)
		return serr(s, "label= cannot be used in a batch (its operations carry none)");
	*label = v;
	return 1;
}

static const char *call_label(struct script *s, const char *label)
{
	char num[16];
	int n;

	if (label)
		return *label ? label : NULL;
	if (s->in_batch)
		return NULL;
	n = snprintf(num, sizeof(num), ":%u", s->line);
	snprintf(s->label, sizeof(s->label), "%.*s%s",
		 (int)(sizeof(s->label) - 1 - n), s->name, num);
	return s->label;
}

/* The script's name for the automatic labels: printable, "stdin" for -. */
static void script_name(struct script *s, const char *path)
{
	const char *base = strrchr(path, '/');
	char *p;

	base = base ? base + 1 : path;
	snprintf(s->name, sizeof(s->name), "%s",
		 strcmp(path, "-") && *base ? base : "stdin");
	for (p = s->name; *p; p++)
		if (*p < 0x20 || *p > 0x7e)
			*p = '?';
}

/* Start a JSON result object for the current line (none: line 0). */
static void jbegin(struct script *s, const char *cmd)
{
	jopen(NULL, '{');
	if (s->line)
		ju64("line", s->line);
	jstr("cmd", cmd);
}

/**
 * outcome() - judge the return of a kernel call against the expectation
 * @s: the script.
 * @cmd: the command's name, for the messages.
 * @ret: 0 or a negative errno.
 *
 * Return: 0 if the command succeeded as it should (the caller prints its
 * result), 1 if it failed as expected (reported here), -1 on an error
 * (reported here).
 */
static int outcome(struct script *s, const char *cmd, int ret)
{
	int expect = s->expect;

	if (ret && (!expect || -ret != expect)) {
		if (json) {
			jbegin(s, cmd);
			jbool("ok", 0);
			jstr("errno", memsim_errno_name(ret));
			jstr("error", memsim_strerror(&s->h));
			jend();
		}
		if (expect)
			return serr(s, "expected %s, got %s (%s)",
				    memsim_errno_name(expect),
				    memsim_errno_name(ret), memsim_strerror(&s->h));
		return serr(s, "%s", memsim_strerror(&s->h));
	}
	if (!ret && expect) {
		if (json) {
			jbegin(s, cmd);
			jbool("ok", 1);
			jstr("expected", memsim_errno_name(expect));
			jend();
		}
		return serr(s, "expected %s, but %s succeeded",
			    memsim_errno_name(expect), cmd);
	}
	if (!ret)
		return 0;
	if (json) {
		jbegin(s, cmd);
		jbool("ok", 0);
		jstr("errno", memsim_errno_name(ret));
		jstr("error", memsim_strerror(&s->h));
		jbool("expected", 1);
		jend();
	} else {
		printf("%s: failed as expected: %s (%s)\n", s->text,
		       memsim_errno_name(ret), memsim_strerror(&s->h));
	}
	return 1;
}

static const char *stream_str(__u32 stream, char *buf, size_t len)
{
	if (stream == MEMSIM_STREAM_ANY_ID)
		return "any";
	snprintf(buf, len, "%u", stream);
	return buf;
}

static void jstream(const char *key, __u32 stream)
{
	if (stream == MEMSIM_STREAM_ANY_ID)
		jstr(key, "any");
	else
		ju64(key, stream);
}

static int sc_info(struct script *s, char **tok, int ntok)
{
	struct memsim_info info;
	int ret;

	if (ntok > 1)
		return unknown_opt(s, tok, 1);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_get_info(&s->h, &info));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_info_fields(&info);
		jend();
	} else {
		memsim_print_info(stdout, &info);
	}
	return 0;
}

static int sc_strategy(struct script *s, char **tok, int ntok)
{
	__u64 min = 0;
	int id, ret;

	if (want_args(s, tok, ntok, 1, "first|best|worst|next|buddy [MIN_BLOCK]"))
		return -1;
	id = memsim_strategy_from_name(tok[1]);
	if (id < 0)
		return serr(s, "unknown strategy '%s' (first, best, worst, next, buddy)",
			    tok[1]);
	if (ntok > 2) {
		const char *v = tok[2];

		is_opt(tok[2], "min", &v);
		if (value(s, v, &min))
			return -1;
	}
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_set_strategy(&s->h, id, min));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstr("strategy", memsim_strategy_name(id));
		if (id == MEMSIM_STRATEGY_BUDDY)
			ju64("buddy_min_block", min);
		jend();
	} else if (id == MEMSIM_STRATEGY_BUDDY && min) {
		printf("strategy: buddy, minimum block %llu\n",
		       (unsigned long long)min);
	} else {
		printf("strategy: %s\n", memsim_strategy_name(id));
	}
	return 0;
}

static int sc_segment(struct script *s, char **tok, int ntok)
{
	__u64 start, size, id = 0;
	__u32 stream = 0, device = 0;
	const char *name = NULL, *v;
	char sz[32];
	int i, ret;

	if (want_args(s, tok, ntok, 2,
		      "START SIZE [stream=N] [device=N] [as NAME]"))
		return -1;
	if (value(s, tok[1], &start) || value(s, tok[2], &size))
		return -1;
	for (i = 3; i < ntok; i++) {
		ret = opt_as(s, tok, ntok, &i, &name);
		if (ret < 0)
			return -1;
		if (ret)
			continue;
		if (is_opt(tok[i], "stream", &v)) {
			if (stream_value(s, v, &stream))
				return -1;
		} else if (is_opt(tok[i], "device", &v)) {
			if (value32(s, v, &device))
				return -1;
		} else {
			return unknown_opt(s, tok, i);
		}
	}
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	ret = outcome(s, tok[0],
		      memsim_create_segment(&s->h, start, size, device, stream, &id));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, id))
		return -1;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("segment_id", id);
		ju64("start", start);
		ju64("size", size);
		jstream("stream", stream);
		ju64("device", device);
		if (name)
			jstr("name", name);
		jend();
	} else {
		printf("segment %llu: [0x%llx, 0x%llx) %s, stream %u, device %u%s%s\n",
		       (unsigned long long)id, (unsigned long long)start,
		       (unsigned long long)(start + size),
		       memsim_format_size(sz, sizeof(sz), size), stream, device,
		       name ? " as $" : "", name ? name : "");
	}
	return 0;
}

static int sc_release(struct script *s, char **tok, int ntok)
{
	__u64 id;
	int ret;

	if (want_args(s, tok, ntok, 1, "ID|$NAME") || value(s, tok[1], &id))
		return -1;
	if (ntok > 2)
		return unknown_opt(s, tok, 2);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_release_segment(&s->h, id));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("segment_id", id);
		jend();
	} else {
		printf("release: segment %llu\n", (unsigned long long)id);
	}
	return 0;
}

/*
 * The arguments of alloc and can-alloc (and of an alloc in a batch, where
 * @batch is set: no priority there).
 */
static int parse_alloc(struct script *s, char **tok, int ntok,
		       struct memsim_alloc_arg *a, const char **name, int batch)
{
	const char *v, *label = NULL;
	char *colon;
	int i, ret;

	memset(a, 0, sizeof(*a));
	a->stream = MEMSIM_STREAM_ANY_ID;
	*name = NULL;
	if (want_args(s, tok, ntok, 1,
		      "SIZE [align=A] [stream=N|any] [topdown] [range=LO:HI] [fixed=ADDR] [tag=T] [priority=P] [flags=F] [label=TEXT] [as NAME]"))
		return -1;
	if (value(s, tok[1], &a->size))
		return -1;
	for (i = 2; i < ntok; i++) {
		ret = opt_as(s, tok, ntok, &i, name);
		if (!ret)
			ret = opt_label(s, tok[i], &label);
		if (ret < 0)
			return -1;
		if (ret)
			continue;
		if (!strcmp(tok[i], "topdown")) {
			a->flags |= MEMSIM_ALLOC_TOPDOWN;
		} else if (is_opt(tok[i], "align", &v)) {
			if (value(s, v, &a->align))
				return -1;
		} else if (is_opt(tok[i], "stream", &v)) {
			if (stream_value(s, v, &a->stream))
				return -1;
		} else if (is_opt(tok[i], "range", &v)) {
			colon = strchr(v, ':');
			if (!colon)
				return serr(s, "range= wants LO:HI, not '%s'", v);
			*colon = '\0';
			ret = value(s, v, &a->range_lo);
			if (!ret)
				ret = value(s, colon + 1, &a->range_hi);
			*colon = ':';
			if (ret)
				return -1;
			a->flags |= MEMSIM_ALLOC_RANGE;
		} else if (is_opt(tok[i], "fixed", &v)) {
			if (value(s, v, &a->fixed_addr))
				return -1;
			a->flags |= MEMSIM_ALLOC_FIXED;
		} else if (is_opt(tok[i], "tag", &v)) {
			if (value(s, v, &a->tag))
				return -1;
		} else if (!batch && is_opt(tok[i], "priority", &v)) {
			if (value32(s, v, &a->priority))
				return -1;
		} else if (is_opt(tok[i], "flags", &v)) {
			__u32 f = 0;

			/* Raw bits, for testing how the kernel rejects them. */
			if (value32(s, v, &f))
				return -1;
			a->flags |= f;
		} else {
			return unknown_opt(s, tok, i);
		}
	}
	a->label_ptr = (uintptr_t)call_label(s, label);
	return 0;
}

static void print_alloc(struct script *s, const char *cmd,
			const struct memsim_alloc_arg *a, const char *name,
			int dry)
{
	char st[16];

	if (json) {
		jbegin(s, cmd);
		jbool("ok", 1);
		ju64("size", a->size);
		ju64("addr", a->addr);
		ju64("actual_size", a->actual_size);
		ju64("waste", a->waste);
		ju64("segment_id", a->segment_id);
		ju64("stream", a->out_stream);
		ju64("steps", a->steps);
		ju64("splits", a->splits);
		if (dry)
			ju64("largest", a->largest);
		if (name)
			jstr("name", name);
		jend();
		return;
	}
	printf("%s %llu: %s0x%llx, size %llu, waste %llu, segment %llu, stream %s, steps %u, splits %u",
	       cmd, (unsigned long long)a->size, dry ? "would be at " : "",
	       (unsigned long long)a->addr, (unsigned long long)a->actual_size,
	       (unsigned long long)a->waste, (unsigned long long)a->segment_id,
	       stream_str(a->out_stream, st, sizeof(st)), a->steps, a->splits);
	if (dry)
		printf(", largest %llu", (unsigned long long)a->largest);
	if (name)
		printf(" -> $%s", name);
	printf("\n");
}

static int sc_alloc(struct script *s, char **tok, int ntok)
{
	struct memsim_alloc_arg a;
	const char *name;
	int ret;

	if (parse_alloc(s, tok, ntok, &a, &name, 0))
		return -1;
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	ret = outcome(s, tok[0], memsim_alloc(&s->h, &a, &a));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, a.addr))
		return -1;
	print_alloc(s, tok[0], &a, name, 0);
	return 0;
}

static int sc_can_alloc(struct script *s, char **tok, int ntok)
{
	struct memsim_alloc_arg a;
	const char *name;
	int ret, err;

	if (parse_alloc(s, tok, ntok, &a, &name, 0))
		return -1;
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	err = memsim_can_alloc(&s->h, &a, &a);
	if (err == -ENOSPC && s->expect != ENOSPC) {
		/* Nothing fits: say what would have. */
		if (json) {
			jbegin(s, tok[0]);
			jbool("ok", 0);
			jstr("errno", memsim_errno_name(err));
			jstr("error", memsim_strerror(&s->h));
			ju64("largest", a.largest);
			jend();
		}
		if (s->expect)
			return serr(s, "expected %s, got ENOSPC (%s, largest possible %llu)",
				    memsim_errno_name(s->expect),
				    memsim_strerror(&s->h),
				    (unsigned long long)a.largest);
		return serr(s, "%s (largest possible %llu)", memsim_strerror(&s->h),
			    (unsigned long long)a.largest);
	}
	if (err == -ENOSPC) {
		if (json) {
			jbegin(s, tok[0]);
			jbool("ok", 0);
			jstr("errno", memsim_errno_name(err));
			jstr("error", memsim_strerror(&s->h));
			jbool("expected", 1);
			ju64("largest", a.largest);
			jend();
		} else {
			printf("%s: failed as expected: ENOSPC, largest possible %llu\n",
			       s->text, (unsigned long long)a.largest);
		}
		return 0;
	}
	ret = outcome(s, tok[0], err);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, a.addr))
		return -1;
	print_alloc(s, tok[0], &a, name, 1);
	return 0;
}

static void print_free(struct script *s, const char *cmd, __u64 addr,
		       const struct memsim_free_arg *f)
{
	if (json) {
		jbegin(s, cmd);
		jbool("ok", 1);
		ju64("addr", addr);
		ju64("freed_size", f->freed_size);
		jbool("deferred", f->deferred);
		jbool("coalesced", f->coalesced);
		ju64("coalesced_addr", f->coalesced_addr);
		ju64("coalesced_size", f->coalesced_size);
		jend();
		return;
	}
	printf("%s 0x%llx: %llu bytes", cmd, (unsigned long long)addr,
	       (unsigned long long)f->freed_size);
	if (f->deferred)
		printf(", deferred\n");
	else
		printf(", free block [0x%llx, 0x%llx)%s\n",
		       (unsigned long long)f->coalesced_addr,
		       (unsigned long long)(f->coalesced_addr + f->coalesced_size),
		       f->coalesced ? ", coalesced" : "");
}

static int sc_free(struct script *s, char **tok, int ntok)
{
	struct memsim_free_arg f;
	__u64 addr, size = 0;
	__u32 flags = 0, raw = 0;
	const char *v, *label = NULL;
	int i, ret;

	if (want_args(s, tok, ntok, 1,
		      "ADDR|$NAME [size=S] [defer] [flags=F] [label=TEXT]") ||
	    value(s, tok[1], &addr))
		return -1;
	for (i = 2; i < ntok; i++) {
		ret = opt_label(s, tok[i], &label);
		if (ret < 0)
			return -1;
		if (ret)
			continue;
		if (!strcmp(tok[i], "defer")) {
			flags |= MEMSIM_FREE_DEFER;
		} else if (is_opt(tok[i], "size", &v)) {
			if (value(s, v, &size))
				return -1;
		} else if (is_opt(tok[i], "flags", &v)) {
			if (value32(s, v, &raw))
				return -1;
			flags |= raw;
		} else {
			return unknown_opt(s, tok, i);
		}
	}
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_free_label(&s->h, addr, size, flags,
						   call_label(s, label), &f));
	if (ret)
		return ret < 0 ? -1 : 0;
	print_free(s, tok[0], addr, &f);
	return 0;
}

static int sc_complete(struct script *s, char **tok, int ntok)
{
	const char *label = NULL;
	struct memsim_free_arg f;
	__u64 addr;
	int ret = 0;

	if (want_args(s, tok, ntok, 1, "ADDR|$NAME [label=TEXT]") ||
	    value(s, tok[1], &addr))
		return -1;
	if (ntok > 2)
		ret = opt_label(s, tok[2], &label);
	if (ret < 0)
		return -1;
	if (ntok > 2 + ret)
		return unknown_opt(s, tok, 2 + ret);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_complete_free_label(&s->h, addr,
							    call_label(s, label), &f));
	if (ret)
		return ret < 0 ? -1 : 0;
	print_free(s, tok[0], addr, &f);
	return 0;
}

static int sc_sync(struct script *s, char **tok, int ntok)
{
	__u64 completed = 0;
	__u32 stream = 0;
	char st[16];
	int ret;

	if (want_args(s, tok, ntok, 1, "STREAM|any") ||
	    stream_value(s, tok[1], &stream))
		return -1;
	if (ntok > 2)
		return unknown_opt(s, tok, 2);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_sync_stream(&s->h, stream, &completed));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstream("stream", stream);
		ju64("completed", completed);
		jend();
	} else {
		printf("sync %s: %llu free%s completed\n",
		       stream_str(stream, st, sizeof(st)),
		       (unsigned long long)completed, completed == 1 ? "" : "s");
	}
	return 0;
}

static int sc_overlap(struct script *s, char **tok, int ntok)
{
	__u64 start, size, ids[64];
	__u32 kind = 0, nr = 0, i;
	int ret;

	if (want_args(s, tok, ntok, 2, "START SIZE") || value(s, tok[1], &start) ||
	    value(s, tok[2], &size))
		return -1;
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_check_overlap(&s->h, start, size, ids,
						      ARRAY_SIZE(ids), &kind, &nr));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("start", start);
		ju64("size", size);
		jstr("kind", memsim_overlap_name(kind));
		ju64("nr_ids", nr);
		jopen("ids", '[');
		for (i = 0; i < nr && i < ARRAY_SIZE(ids); i++)
			ju64(NULL, ids[i]);
		jclose(']');
		jend();
		return 0;
	}
	printf("overlap [0x%llx, 0x%llx): %s", (unsigned long long)start,
	       (unsigned long long)(start + size), memsim_overlap_name(kind));
	for (i = 0; i < nr && i < ARRAY_SIZE(ids); i++)
		printf("%s%llu", i ? ", " : ", segments ", (unsigned long long)ids[i]);
	if (nr > ARRAY_SIZE(ids))
		printf(" (%u in all)", nr);
	printf("\n");
	return 0;
}

static int sc_safe_range(struct script *s, char **tok, int ntok)
{
	__u64 size, align = 0, min = 0, max = UINT64_MAX, addr = 0;
	const char *name = NULL, *v;
	int i, ret;

	if (want_args(s, tok, ntok, 1, "SIZE [align=A] [min=LO] [max=HI] [as NAME]") ||
	    value(s, tok[1], &size))
		return -1;
	for (i = 2; i < ntok; i++) {
		ret = opt_as(s, tok, ntok, &i, &name);
		if (ret < 0)
			return -1;
		if (ret)
			continue;
		if (is_opt(tok[i], "align", &v)) {
			if (value(s, v, &align))
				return -1;
		} else if (is_opt(tok[i], "min", &v)) {
			if (value(s, v, &min))
				return -1;
		} else if (is_opt(tok[i], "max", &v)) {
			if (value(s, v, &max))
				return -1;
		} else {
			return unknown_opt(s, tok, i);
		}
	}
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	ret = outcome(s, tok[0],
		      memsim_find_safe_range(&s->h, size, align, min, max, &addr));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, addr))
		return -1;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("size", size);
		ju64("addr", addr);
		if (name)
			jstr("name", name);
		jend();
	} else {
		printf("safe-range %llu: 0x%llx%s%s\n", (unsigned long long)size,
		       (unsigned long long)addr, name ? " -> $" : "",
		       name ? name : "");
	}
	return 0;
}

static int summary_table(struct script *s, const char *cmd);

static int sc_summary(struct script *s, char **tok, int ntok)
{
	struct memsim_summary sum;
	int ret;

	if (ntok > 1 && strcmp(tok[1], "table"))
		return unknown_opt(s, tok, 1);
	if (ntok > 2)
		return unknown_opt(s, tok, 2);
	if (!s->exec)
		return 0;
	if (ntok > 1)
		return summary_table(s, tok[0]);
	ret = outcome(s, tok[0], memsim_get_summary(&s->h, &sum));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_summary_fields(&sum);
		jend();
	} else {
		printf("summary:\n");
		memsim_print_summary(stdout, &sum);
	}
	return 0;
}

static int print_stream(const struct memsim_stream_info *st, void *ctx)
{
	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("stream", st->stream);
		ju64("nr_segments", st->nr_segments);
		json_usage("usage", &st->usage);
		jclose('}');
	} else {
		printf("stream %u: %llu segment%s\n", st->stream,
		       (unsigned long long)st->nr_segments,
		       st->nr_segments == 1 ? "" : "s");
		memsim_print_usage(stdout, &st->usage, "  ");
	}
	return 0;
}

/*
 * Start a listing command that takes no argument: 0, with *@ret the value
 * to return, if it must stop there (bad argument, or a dry run); else 1.
 */
static int list_begin(struct script *s, char **tok, int ntok, const char *key, int *ret)
{
	*ret = 0;
	if (ntok > 1) {
		*ret = unknown_opt(s, tok, 1);
		return 0;
	}
	if (!s->exec)
		return 0;
	if (json) {
		jbegin(s, tok[0]);
		jopen(key, '[');
	}
	return 1;
}

/* Close a listing's JSON object: ok, or the error that cut it short. */
static int list_end(struct script *s, const char *cmd, int err)
{
	if (json) {
		jclose(']');
		jbool("ok", !err);
		if (err) {
			jstr("errno", memsim_errno_name(err));
			jstr("error", memsim_strerror(&s->h));
		}
		jend();
	}
	if (!err && s->expect)
		return serr(s, "expected %s, but %s succeeded",
			    memsim_errno_name(s->expect), cmd);
	if (err && -err == s->expect) {
		if (!json)
			printf("%s: failed as expected: %s (%s)\n", s->text,
			       memsim_errno_name(err), memsim_strerror(&s->h));
		return 0;
	}
	if (err)
		return serr(s, "%s", memsim_strerror(&s->h));
	return 0;
}

static void json_strategies(const struct memsim_strategy_stats_info *st)
{
	int i;

	jopen("strategies", '{');
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		jopen(memsim_strategy_name(i), '{');
		ju64("allocs", st[i].allocs);
		ju64("failures", st[i].failures);
		ju64("frees", st[i].frees);
		ju64("steps", st[i].steps);
		ju64("alloc_ns", st[i].alloc_ns);
		ju64("free_ns", st[i].free_ns);
		jclose('}');
	}
	jclose('}');
}

/* The strategies' counters; @active (if >= 0) is marked with a '*'. */
static void print_strategies(const struct memsim_strategy_stats_info *st,
			     int active)
{
	int i;

	printf("%-8s %10s %10s %10s %12s %14s %14s\n", "strategy",
	       "allocs", "failures", "frees", "steps", "alloc_ns",
	       "free_ns");
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++)
		printf("%-8s %10llu %10llu %10llu %12llu %14llu %14llu%s\n",
		       memsim_strategy_name(i),
		       (unsigned long long)st[i].allocs,
		       (unsigned long long)st[i].failures,
		       (unsigned long long)st[i].frees,
		       (unsigned long long)st[i].steps,
		       (unsigned long long)st[i].alloc_ns,
		       (unsigned long long)st[i].free_ns,
		       i == active ? " *" : "");
}

static int sc_stats(struct script *s, char **tok, int ntok)
{
	struct memsim_strategy_stats_info st[MEMSIM_STRATEGY_COUNT];
	struct memsim_stats_arg a;
	int ret;

	if (ntok > 1)
		return unknown_opt(s, tok, 1);
	if (!s->exec)
		return 0;
	/* The strategies come with the first page: fetch it alone first. */
	ret = outcome(s, tok[0], memsim_get_stats(&s->h, 0, NULL, 0, &a));
	if (ret)
		return ret < 0 ? -1 : 0;
	memcpy(st, a.strategies, sizeof(st));
	if (json) {
		jbegin(s, tok[0]);
		json_strategies(st);
		jopen("streams", '[');
	} else {
		print_strategies(st, -1);
	}
	ret = memsim_walk_streams(&s->h, print_stream, NULL, NULL);
	return list_end(s, tok[0], ret);
}

static int print_segment(const struct memsim_segment_info *g, void *ctx)
{
	char sz[32];

	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("id", g->id);
		ju64("start", g->start);
		ju64("size", g->size);
		ju64("device", g->device);
		ju64("stream", g->stream);
		ju64("nr_blocks", g->nr_blocks);
		ju64("largest_free", g->largest_free);
		ju64("split_ratio_ppm", g->split_ratio_ppm);
		json_usage("usage", &g->usage);
		jclose('}');
		return 0;
	}
	printf("segment %llu: [0x%llx, 0x%llx) %s, stream %u, device %u: %llu blocks (%llu live), %llu allocated, largest free %llu, fragmentation ",
	       (unsigned long long)g->id, (unsigned long long)g->start,
	       (unsigned long long)(g->start + g->size),
	       memsim_format_size(sz, sizeof(sz), g->size), g->stream,
	       g->device, (unsigned long long)g->nr_blocks,
	       (unsigned long long)g->usage.live_blocks,
	       (unsigned long long)g->usage.allocated,
	       (unsigned long long)g->largest_free);
	print_ppm(g->usage.frag_ppm);
	printf("\n");
	return 0;
}

static int sc_segments(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "segments", &ret))
		return ret;
	if (!json)
		printf("segments:\n");
	return list_end(s, tok[0], memsim_walk_segments(&s->h, print_segment, NULL));
}

static int print_block(const struct memsim_block_life *l, void *ctx)
{
	const struct memsim_block_info *b = &l->block;

	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("addr", b->addr);
		ju64("size", b->size);
		jstr("state", memsim_state_name(b->state));
		ju64("stream", b->stream);
		ju64("segment_id", b->segment_id);
		ju64("requested", b->requested);
		ju64("tag", b->tag);
		ju64("create_ns", l->create_ns);
		ju64("alloc_ns", b->alloc_ns);
		ju64("free_ns", b->free_ns);
		ju64("owner_tgid", l->owner_tgid);
		jstr("label", l->label);
		jclose('}');
		return 0;
	}
	printf("  0x%-16llx 0x%-16llx %12llu  %-9s %6u %7llu %12llu 0x%-8llx %7u %s\n",
	       (unsigned long long)b->addr,
	       (unsigned long long)(b->addr + b->size),
	       (unsigned long long)b->size, memsim_state_name(b->state),
	       b->stream, (unsigned long long)b->segment_id,
	       (unsigned long long)b->requested, (unsigned long long)b->tag,
	       l->owner_tgid, l->label[0] ? l->label : "-");
	return 0;
}

static int sc_blocks(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "blocks", &ret))
		return ret;
	if (!json)
		printf("blocks:\n  %-18s %-18s %12s  %-9s %6s %7s %12s %-10s %7s %s\n",
		       "start", "end", "size", "state", "stream", "segment",
		       "requested", "tag", "owner", "label");
	return list_end(s, tok[0], memsim_walk_blocks_life(&s->h, print_block, NULL));
}

static int sc_simulate(struct script *s, char **tok, int ntok)
{
	struct memsim_simulate_arg a;
	const char *v;
	long ppm;
	int i, ret;

	memset(&a, 0, sizeof(a));
	a.nr_ops = 10000;
	a.min_size = 64;
	a.max_size = 64 << 10;
	a.seed = 1;
	a.free_ppm = 450000;
	a.stream = MEMSIM_STREAM_ANY_ID;
	for (i = 1; i < ntok; i++) {
		if (is_opt(tok[i], "ops", &v)) {
			ret = value(s, v, &a.nr_ops);
		} else if (is_opt(tok[i], "min", &v)) {
			ret = value(s, v, &a.min_size);
		} else if (is_opt(tok[i], "max", &v)) {
			ret = value(s, v, &a.max_size);
		} else if (is_opt(tok[i], "seed", &v)) {
			ret = value(s, v, &a.seed);
		} else if (is_opt(tok[i], "stream", &v)) {
			ret = stream_value(s, v, &a.stream);
		} else if (is_opt(tok[i], "free", &v)) {
			ppm = parse_prob(v);
			if (ppm < 0)
				return serr(s, "free= wants a probability (0..1 or N%%), not '%s'",
					    v);
			a.free_ppm = ppm;
			ret = 0;
		} else {
			return unknown_opt(s, tok, i);
		}
		if (ret)
			return -1;
	}
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_simulate(&s->h, &a, &a));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_sim_fields(&a);
		jend();
	} else {
		printf("simulate: %llu ops, %llu allocs, %llu failures, %llu frees; peak %llu, now %llu allocated, fragmentation ",
		       (unsigned long long)a.nr_ops,
		       (unsigned long long)a.successes,
		       (unsigned long long)a.failures,
		       (unsigned long long)a.frees,
		       (unsigned long long)a.peak_allocated,
		       (unsigned long long)a.final_allocated);
		print_ppm(a.frag_ppm);
		printf(", %.3f ms\n", (double)a.elapsed_ns / 1e6);
	}
	return 0;
}

static int sc_reset(struct script *s, char **tok, int ntok)
{
	__u32 flags = 0;
	int i, ret;

	for (i = 1; i < ntok; i++) {
		if (!strcmp(tok[i], "keep-segments"))
			flags |= MEMSIM_RESET_KEEP_SEGMENTS;
		else
			return unknown_opt(s, tok, i);
	}
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_reset(&s->h, flags));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jbool("keep_segments", !!flags);
		jend();
	} else {
		printf("reset%s\n", flags ? ": segments kept" : "");
	}
	return 0;
}

/* summary table: the counters as a table of current, peak and total. */

#define HAS_CUR		(1U << 0)
#define HAS_PEAK	(1U << 1)
#define HAS_TOTAL	(1U << 2)

enum metric_unit { UNIT_BYTES, UNIT_COUNT, UNIT_PPM };

/**
 * struct metric - a row of the summary table
 * @name: its name in JSON (and in the debugfs summary file).
 * @title: its name for humans.
 * @unit: how its values read.
 * @has: HAS_* for the columns that apply.
 * @v: current, peak and total.
 */
struct metric {
	const char *name;
	const char *title;
	enum metric_unit unit;
	unsigned int has;
	__u64 v[3];
};

#define NR_USAGE_METRICS	14
#define NR_METRICS		(NR_USAGE_METRICS + 4)

static __u64 ratio_ppm(__u64 part, __u64 whole)
{
	return whole ? (__u64)((__uint128_t)part * 1000000 / whole) : 0;
}

/* The rows of a pool's or a stream's counters, into @m. */
static void usage_metrics(const struct memsim_usage_info *u, struct metric *m)
{
	const struct metric rows[NR_USAGE_METRICS] = {
		{ "managed_bytes", "managed", UNIT_BYTES, HAS_CUR, { u->total } },
		{ "allocated_bytes", "allocated", UNIT_BYTES, HAS_CUR | HAS_PEAK,
		  { u->allocated, u->peak_allocated } },
		{ "requested_bytes", "requested", UNIT_BYTES, HAS_CUR, { u->requested } },
		{ "internal_waste_bytes", "internal waste", UNIT_BYTES, HAS_CUR,
		  { u->allocated - u->requested } },
		{ "free_bytes", "free", UNIT_BYTES, HAS_CUR, { u->free } },
		{ "largest_free_bytes", "largest free block", UNIT_BYTES, HAS_CUR,
		  { u->largest_free } },
		{ "deferred_bytes", "deferred frees", UNIT_BYTES, HAS_CUR,
		  { u->deferred_bytes } },
		{ "live_blocks", "live blocks (total: allocs)", UNIT_COUNT,
		  HAS_CUR | HAS_TOTAL, { u->live_blocks, 0, u->allocs } },
		{ "free_blocks", "free blocks", UNIT_COUNT, HAS_CUR, { u->free_blocks } },
		{ "deferred_blocks", "deferred blocks", UNIT_COUNT, HAS_CUR,
		  { u->deferred_blocks } },
		{ "frees", "frees", UNIT_COUNT, HAS_TOTAL, { 0, 0, u->frees } },
		{ "failures", "failures", UNIT_COUNT, HAS_TOTAL, { 0, 0, u->failures } },
		{ "utilization_ppm", "utilization", UNIT_PPM, HAS_CUR | HAS_PEAK,
		  { u->utilization_ppm, ratio_ppm(u->peak_allocated, u->total) } },
		{ "external_frag_ppm", "external fragmentation", UNIT_PPM, HAS_CUR,
		  { u->frag_ppm } },
	};

	memcpy(m, rows, sizeof(rows));
}

/*
 * The pool's history, which only GET_SUMMARY has (streams have none in the
 * uapi): totals of allocated and requested bytes, peaks of requested bytes
 * and live blocks.  @m holds usage_metrics()' rows, in their order.
 */
static void pool_history_metrics(const struct memsim_summary *sum, struct metric *m)
{
	m[1].has |= HAS_TOTAL;
	m[1].v[2] = sum->alloc_bytes;
	m[2].has |= HAS_PEAK | HAS_TOTAL;
	m[2].v[1] = sum->peak_requested;
	m[2].v[2] = sum->requested_bytes;
	m[7].has |= HAS_PEAK;
	m[7].v[1] = sum->peak_live_blocks;
}

static const char *metric_cell(const struct metric *m, int col, char *buf,
			       size_t len)
{
	__u64 v = m->v[col];

	if (!(m->has & (1U << col)))
		return "";
	if (m->unit == UNIT_BYTES)
		return memsim_format_size(buf, len, v);
	if (m->unit == UNIT_PPM)
		snprintf(buf, len, "%llu.%02llu%%", (unsigned long long)v / 10000,
			 (unsigned long long)v % 10000 / 100);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* A line of @c across the summary table. */
static void print_rule(char c)
{
	char line[79];

	memset(line, c, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	printf("%s\n", line);
}

static void print_metrics(const char *scope, const struct metric *m, int n)
{
	char a[32], b[32], c[32], line[128], *end;
	int i, col;

	for (i = 0; i < n; i++) {
		if (json) {
			jopen(NULL, '{');
			jstr("scope", scope);
			jstr("metric", m[i].name);
			for (col = 0; col < 3; col++) {
				static const char * const keys[] = { "current", "peak", "total" };

				if (m[i].has & (1U << col))
					ju64(keys[col], m[i].v[col]);
				else
					jnull(keys[col]);
			}
			jclose('}');
			continue;
		}
		snprintf(line, sizeof(line), "    %-32s %13s %13s %13s", m[i].title,
			 metric_cell(&m[i], 0, a, sizeof(a)),
			 metric_cell(&m[i], 1, b, sizeof(b)),
			 metric_cell(&m[i], 2, c, sizeof(c)));
		end = line + strlen(line);
		while (end > line && end[-1] == ' ')
			end--;
		printf("%.*s\n", (int)(end - line), line);
	}
}

static int print_stream_metrics(const struct memsim_stream_info *st, void *ctx)
{
	struct metric m[NR_USAGE_METRICS];
	char scope[24];

	(void)ctx;
	snprintf(scope, sizeof(scope), "stream:%u", st->stream);
	if (!json)
		printf(" stream %u: %llu segment%s\n", st->stream,
		       (unsigned long long)st->nr_segments,
		       st->nr_segments == 1 ? "" : "s");
	usage_metrics(&st->usage, m);
	print_metrics(scope, m, NR_USAGE_METRICS);
	return 0;
}

/*
 * "summary table", and "memsimctl summary": GET_INFO, GET_SUMMARY,
 * GET_STATS and the trace's state, as a table of current, peak and total
 * values, pool first, then each stream; the strategies' counters after.
 */
static int summary_table(struct script *s, const char *cmd)
{
	struct memsim_strategy_stats_info st[MEMSIM_STRATEGY_COUNT];
	struct metric m[NR_METRICS], *t = &m[NR_USAGE_METRICS + 2];
	struct memsim_trace_read_arg tr;
	struct memsim_trace_record rec;
	struct memsim_summary sum;
	struct memsim_stats_arg a;
	struct memsim_info info;
	int ret, n = 2;
	char sz[32];

	ret = memsim_get_info(&s->h, &info);
	if (!ret)
		ret = memsim_get_summary(&s->h, &sum);
	if (!ret)
		ret = memsim_get_stats(&s->h, 0, NULL, 0, &a);
	ret = outcome(s, cmd, ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	memcpy(st, a.strategies, sizeof(st));
	memset(m, 0, sizeof(m));
	m[0] = (struct metric){ "segments", "segments", UNIT_COUNT, HAS_CUR,
				{ sum.nr_segments } };
	m[1] = (struct metric){ "streams", "streams", UNIT_COUNT, HAS_CUR,
				{ sum.nr_streams } };
	usage_metrics(&sum.usage, &m[2]);
	pool_history_metrics(&sum, &m[2]);
	n += NR_USAGE_METRICS;
	/* One record read from 0: its seq is the oldest kept (modules with a trace). */
	if (!memsim_trace_read(&s->h, 0, &rec, 1, &tr)) {
		t[0] = (struct metric){ "trace_records", "trace records (peak: capacity)",
					UNIT_COUNT, HAS_CUR | HAS_PEAK | HAS_TOTAL,
					{ tr.nr ? tr.head - rec.seq : 0, tr.capacity, tr.head } };
		t[1] = (struct metric){ "trace_dropped", "trace records dropped",
					UNIT_COUNT, HAS_TOTAL, { 0, 0, tr.dropped } };
		n += 2;
	}
	if (json) {
		jbegin(s, cmd);
		ju64("instance_id", info.instance_id);
		jstr("strategy", memsim_strategy_name(sum.strategy));
		ju64("buddy_min_block", sum.buddy_min_block);
		json_strategies(st);
		jopen("rows", '[');
	} else {
		print_rule('=');
		printf(" memsim summary: instance %llu, strategy %s",
		       (unsigned long long)info.instance_id,
		       memsim_strategy_name(sum.strategy));
		if (sum.strategy == MEMSIM_STRATEGY_BUDDY)
			printf(" (minimum block %s)",
			       memsim_format_size(sz, sizeof(sz), sum.buddy_min_block));
		printf("\n");
		print_rule('=');
		printf(" %-35s %13s %13s %13s\n", "metric", "current", "peak", "total");
		print_rule('-');
		printf(" pool\n");
	}
	print_metrics("pool", m, n);
	ret = memsim_walk_streams(&s->h, print_stream_metrics, NULL, NULL);
	if (!json && !ret) {
		print_rule('=');
		print_strategies(st, sum.strategy);
		print_rule('=');
	}
	return list_end(s, cmd, ret);
}

/* map: what the debugfs file "map" shows, computed from the ioctls. */

static int print_map(const struct memsim_map *m, void *ctx)
{
	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("segment", m->segment_id);
		ju64("start", m->start);
		ju64("slice", m->slice);
		jstr("map", m->line);
		jclose('}');
	} else {
		/* The format of map_segment() in module/memsim_debugfs.c. */
		printf("%llu\t0x%llx\t%llu\t%s\n", (unsigned long long)m->segment_id,
		       (unsigned long long)m->start, (unsigned long long)m->slice,
		       m->line);
	}
	return 0;
}

static int sc_map(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "segments", &ret))
		return ret;
	if (!json)
		printf("segment\tstart\tslice\tmap\n");
	return list_end(s, tok[0], memsim_walk_maps(&s->h, print_map, NULL));
}

/* trace: the instance's operation trace. */

/* Capacity of "trace on" without one, if the module allows as many. */
#define TRACE_DEFAULT_CAPACITY	65536U

static int dump_record(const struct memsim_trace_record *r, void *ctx)
{
	memsim_print_trace_record(stdout, r, *(int *)ctx);
	return 0;
}

/*
 * Print the records from s->trace_cursor on, in CSV after a header line or
 * as NDJSON, and tell on standard error how many were no longer there.
 */
static int trace_dump(struct script *s, int ndjson)
{
	struct memsim_trace_read_arg st;
	__u64 lost = 0;
	int ret;

	/* A first read, so that a failure comes before the CSV header. */
	ret = memsim_trace_read(&s->h, s->trace_cursor, NULL, 0, &st);
	if (ret)
		return ret;
	if (!ndjson)
		memsim_print_trace_csv_header(stdout);
	ret = memsim_walk_trace(&s->h, &s->trace_cursor, dump_record, &ndjson,
				&lost, &st);
	if (ret)
		return ret;
	fflush(stdout);
	if (lost && !quiet)
		fprintf(stderr, "memsimctl: trace: %llu record%s lost (ring capacity %u, %llu dropped in all)\n",
			(unsigned long long)lost, lost == 1 ? "" : "s", st.capacity,
			(unsigned long long)st.dropped);
	return 0;
}

/* "on" with no capacity: the default, or the module's maximum if lower. */
static int trace_default_capacity(struct script *s, __u32 *capacity)
{
	struct memsim_trace_read_arg st;
	int ret;

	ret = memsim_trace_read(&s->h, 0, NULL, 0, &st);
	if (!ret)
		*capacity = st.max_capacity < TRACE_DEFAULT_CAPACITY ?
			    st.max_capacity : TRACE_DEFAULT_CAPACITY;
	return ret;
}

static int sc_trace(struct script *s, char **tok, int ntok)
{
	__u32 capacity = 0, flags = 0;
	int i, on, dump, ndjson = json, cap_given = 0, ret;
	const char *v;

	if (want_args(s, tok, ntok, 1, "on [CAPACITY] [stack] | off | dump [csv|ndjson]"))
		return -1;
	on = !strcmp(tok[1], "on");
	dump = !strcmp(tok[1], "dump");
	if (!on && !dump && strcmp(tok[1], "off"))
		return serr(s, "trace: unknown action '%s' (on, off, dump)", tok[1]);
	for (i = 2; i < ntok; i++) {
		if (on && !strcmp(tok[i], "stack")) {
			flags |= MEMSIM_TRACE_STACK;
		} else if (on && !cap_given) {
			v = tok[i];
			is_opt(tok[i], "capacity", &v);
			if (value32(s, v, &capacity))
				return -1;
			cap_given = 1;
		} else if (dump && i == 2 && (!strcmp(tok[i], "csv") ||
					      !strcmp(tok[i], "ndjson"))) {
			ndjson = tok[i][0] == 'n';
		} else {
			return unknown_opt(s, tok, i);
		}
	}
	if (!s->exec)
		return 0;
	if (dump)
		ret = trace_dump(s, ndjson);
	else if (on && !cap_given)
		ret = trace_default_capacity(s, &capacity);
	else
		ret = 0;
	if (!ret && !dump)
		ret = memsim_trace_ctl(&s->h, capacity, on ? flags | MEMSIM_TRACE_ON : 0);
	ret = outcome(s, tok[0], ret);
	if (ret || dump)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstr("action", tok[1]);
		ju64("capacity", capacity);
		jbool("stack", !!flags);
		jend();
	} else if (on) {
		printf("trace: on, capacity %u%s\n", capacity, flags ? ", stacks" : "");
	} else {
		printf("trace: off\n");
	}
	return 0;
}

static int sc_set(struct script *s, char **tok, int ntok)
{
	__u64 v;

	if (want_args(s, tok, ntok, 2, "NAME VALUE"))
		return -1;
	if (!valid_name(tok[1]))
		return serr(s, "'%s' is not a valid name", tok[1]);
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (value(s, tok[2], &v))
		return -1;
	return var_set(s, tok[1], v);
}

static int sc_assert(struct script *s, char **tok, int ntok)
{
	static const char * const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	__u64 a, b;
	unsigned int op;
	int ok;

	if (ntok != 4)
		return serr(s, "usage: assert A OP B (OP: == != < <= > >=)");
	for (op = 0; op < ARRAY_SIZE(ops); op++)
		if (!strcmp(tok[2], ops[op]))
			break;
	if (op == ARRAY_SIZE(ops))
		return serr(s, "assert: unknown operator '%s' (== != < <= > >=)",
			    tok[2]);
	if (value(s, tok[1], &a) || value(s, tok[3], &b))
		return -1;
	if (!s->exec)
		return 0;
	switch (op) {
	case 0:
		ok = a == b;
		break;
	case 1:
		ok = a != b;
		break;
	case 2:
		ok = a < b;
		break;
	case 3:
		ok = a <= b;
		break;
	case 4:
		ok = a > b;
		break;
	default:
		ok = a >= b;
		break;
	}
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", ok);
		ju64("a", a);
		jstr("op", ops[op]);
		ju64("b", b);
		jend();
	}
	if (!ok)
		return serr(s, "assertion failed: %s %s %s (0x%llx %s 0x%llx)",
			    tok[1], tok[2], tok[3], (unsigned long long)a,
			    ops[op], (unsigned long long)b);
	return 0;
}

/* "echo" prints the rest of its line as written; see run_line(). */
static int sc_echo(struct script *s, const char *text)
{
	if (!s->exec)
		return 0;
	if (json) {
		jbegin(s, "echo");
		jbool("ok", 1);
		jstr("text", text);
		jend();
	} else {
		printf("%s\n", text);
	}
	return 0;
}

/**
 * struct command - a command of the script language
 * @name: its name.
 * @fn: its handler: parses, then (when running) executes and prints.
 * @kernel: 1 if it calls the kernel, so that expect-error may precede it.
 */
struct command {
	const char *name;
	int (*fn)(struct script *s, char **tok, int ntok);
	int kernel;
};

static const struct command commands[] = {
	{ "info", sc_info, 1 },
	{ "strategy", sc_strategy, 1 },
	{ "segment", sc_segment, 1 },
	{ "release", sc_release, 1 },
	{ "alloc", sc_alloc, 1 },
	{ "can-alloc", sc_can_alloc, 1 },
	{ "free", sc_free, 1 },
	{ "complete", sc_complete, 1 },
	{ "sync", sc_sync, 1 },
	{ "overlap", sc_overlap, 1 },
	{ "safe-range", sc_safe_range, 1 },
	{ "summary", sc_summary, 1 },
	{ "stats", sc_stats, 1 },
	{ "segments", sc_segments, 1 },
	{ "blocks", sc_blocks, 1 },
	{ "simulate", sc_simulate, 1 },
	{ "reset", sc_reset, 1 },
	{ "map", sc_map, 1 },
	{ "trace", sc_trace, 1 },
	{ "set", sc_set, 0 },
	{ "assert", sc_assert, 0 },
};

/*
 * Split @line in place into whitespace-separated tokens; a token starting
 * with '#' starts a comment.  Return: the number of tokens, or -1 if there
 * are too many.
 */
static int tokenize(char *line, char **tok)
{
	int n = 0;
	char *p = line;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_TOKENS)
			return -1;
		tok[n++] = p;
		while (*p && !isspace((unsigned char)*p))
			p++;
		if (*p)
			*p++ = '\0';
	}
}

/**
 * struct script_text - the script, read whole
 * @lines: the lines, without their newline.
 * @nr: number of lines.
 */
struct script_text {
	char **lines;
	size_t nr;
};

/*
 * Copy line @idx into *@copy and split it into @tok.  Return: the number of
 * tokens (0 for a blank or comment line), or -1 (reported).
 */
static int line_tokens(struct script *s, struct script_text *t, size_t idx,
		       char **copy, char **tok)
{
	int n;

	*copy = strdup(t->lines[idx]);
	if (!*copy)
		return serr(s, "out of memory");
	n = tokenize(*copy, tok);
	if (n < 0) {
		free(*copy);
		*copy = NULL;
		return serr(s, "more than %d words", MAX_TOKENS);
	}
	return n;
}

/*
 * "expect-error ERRNAME [COMMAND...]" at the start of @tok: consume it into
 * *@expect.  Return: tokens consumed (0 or 2), or -1 on an error.
 */
static int take_expect(struct script *s, char **tok, int ntok, int *expect)
{
	int err;

	if (strcmp(tok[0], "expect-error"))
		return 0;
	if (ntok < 2)
		return serr(s, "usage: expect-error ERRNAME [COMMAND ...]");
	err = memsim_errno_from_name(tok[1]);
	if (err < 0)
		return serr(s, "unknown errno name '%s'", tok[1]);
	*expect = err;
	return 2;
}

/* One operation of a batch, as written. */
struct batch_line {
	unsigned int line;
	int expect;
	const char *name;
	const char *cmd;
};

static int parse_batch_op(struct script *s, char **tok, int ntok,
			  struct memsim_batch_op *op, const char **name)
{
	struct memsim_alloc_arg a;
	const char *v;
	int i;

	memset(op, 0, sizeof(*op));
	*name = NULL;
	if (!strcmp(tok[0], "alloc")) {
		if (parse_alloc(s, tok, ntok, &a, name, 1))
			return -1;
		op->op = MEMSIM_BATCH_ALLOC;
		op->flags = a.flags;
		op->size = a.size;
		op->align = a.align;
		op->addr = a.fixed_addr;
		op->range_lo = a.range_lo;
		op->range_hi = a.range_hi;
		op->tag = a.tag;
		op->stream = a.stream;
		return 0;
	}
	if (!strcmp(tok[0], "free") || !strcmp(tok[0], "complete")) {
		int is_free = tok[0][0] == 'f';

		if (want_args(s, tok, ntok, 1, is_free ? "ADDR|$NAME [size=S] [defer]" :
			      "ADDR|$NAME") || value(s, tok[1], &op->addr))
			return -1;
		op->op = is_free ? MEMSIM_BATCH_FREE : MEMSIM_BATCH_COMPLETE_FREE;
		for (i = 2; i < ntok; i++) {
			if (is_free && !strcmp(tok[i], "defer")) {
				op->flags |= MEMSIM_FREE_DEFER;
			} else if (is_free && is_opt(tok[i], "size", &v)) {
				if (value(s, v, &op->size))
					return -1;
			} else if (opt_label(s, tok[i], &v)) {
				return -1;
			} else {
				return unknown_opt(s, tok, i);
			}
		}
		return 0;
	}
	return serr(s, "'%s' cannot be part of a batch (alloc, free, complete)",
		    tok[0]);
}

static void print_batch_op(const struct batch_line *bl,
			   const struct memsim_batch_op *op, int ran)
{
	char st[16];

	if (json) {
		jopen(NULL, '{');
		ju64("line", bl->line);
		jstr("op", bl->cmd);
		jbool("done", ran);
		if (ran) {
			jbool("ok", !op->error);
			if (op->error) {
				jstr("errno", memsim_errno_name(op->error));
				jstr("error", strerror(-op->error));
			}
			ju64("addr", op->addr);
			ju64("result_size", op->result_size);
		}
		if (bl->name)
			jstr("name", bl->name);
		if (bl->expect)
			jstr("expected", memsim_errno_name(bl->expect));
		jclose('}');
		return;
	}
	printf("  line %u: %s", bl->line, bl->cmd);
	if (op->op == MEMSIM_BATCH_ALLOC)
		printf(" %llu stream %s", (unsigned long long)op->size,
		       stream_str(op->stream, st, sizeof(st)));
	else
		printf(" 0x%llx", (unsigned long long)op->addr);
	if (!ran)
		printf(": skipped\n");
	else if (op->error)
		printf(": %s (%s)%s\n", memsim_errno_name(op->error),
		       strerror(-op->error),
		       -op->error == bl->expect ? ", as expected" : "");
	else if (op->op == MEMSIM_BATCH_ALLOC)
		printf(": 0x%llx, size %llu%s%s\n", (unsigned long long)op->addr,
		       (unsigned long long)op->result_size,
		       bl->name ? " -> $" : "", bl->name ? bl->name : "");
	else
		printf(": %llu bytes\n", (unsigned long long)op->result_size);
}

/* Double the capacity of a batch's three arrays.  Return: 0 or -1. */
static int batch_grow(struct memsim_batch_op **ops, struct batch_line **bl,
		      char ***copies, __u32 *cap)
{
	__u32 n = *cap ? *cap * 2 : 16;
	void *p;

	p = realloc(*ops, n * sizeof(**ops));
	if (!p)
		return -1;
	*ops = p;
	p = realloc(*bl, n * sizeof(**bl));
	if (!p)
		return -1;
	*bl = p;
	p = realloc(*copies, n * sizeof(**copies));
	if (!p)
		return -1;
	*copies = p;
	*cap = n;
	return 0;
}

/*
 * "batch [stop-on-error]" on line *@idx, up to "end": parse the operations,
 * then run them in one MEMSIM_IOC_BATCH.  Names bound by the batch's
 * allocations are usable after "end".  *@idx is left on the "end" line.
 */
static int run_batch(struct script *s, struct script_text *t, size_t *idx,
		     char **tok, int ntok)
{
	unsigned int batch_line = s->line, i;
	int batch_expect = s->expect, ret = 0, n, skip;
	struct memsim_batch_op *ops = NULL;
	struct batch_line *bl = NULL;
	__u32 count = 0, cap = 0, flags = 0, done = 0, failed = 0;
	char *btok[MAX_TOKENS], **copies = NULL;

	for (n = 1; n < ntok; n++) {
		if (!strcmp(tok[n], "stop-on-error"))
			flags |= MEMSIM_BATCH_STOP_ON_ERROR;
		else
			return unknown_opt(s, tok, n);
	}

	s->in_batch = 1;
	for (;;) {
		char *copy;

		if (++*idx >= t->nr) {
			s->line = batch_line;
			ret = serr(s, "batch without end");
			goto out;
		}
		s->line = *idx + 1;
		n = line_tokens(s, t, *idx, &copy, btok);
		if (n <= 0) {
			free(copy);
			if (n < 0) {
				ret = -1;
				goto out;
			}
			continue;
		}
		if (!strcmp(btok[0], "end")) {
			ret = n > 1 ? unknown_opt(s, btok, 1) : 0;
			free(copy);
			if (ret)
				goto out;
			break;
		}
		if (count == cap && batch_grow(&ops, &bl, &copies, &cap)) {
			free(copy);
			ret = serr(s, "out of memory");
			goto out;
		}
		copies[count] = copy;
		bl[count].line = s->line;
		bl[count].expect = 0;
		skip = take_expect(s, btok, n, &bl[count].expect);
		if (skip >= 0 && skip == n)
			skip = serr(s, "expect-error in a batch needs an operation on its line");
		if (skip < 0 ||
		    parse_batch_op(s, btok + skip, n - skip, &ops[count],
				   &bl[count].name)) {
			free(copy);
			ret = -1;
			goto out;
		}
		bl[count].cmd = btok[skip];
		count++;
	}

	if (!s->exec) {
		for (i = 0; i < count; i++)
			if (bl[i].name && var_set(s, bl[i].name, 0)) {
				ret = -1;
				goto out;
			}
		goto out;
	}

	s->line = batch_line;
	s->expect = batch_expect;
	ret = memsim_batch(&s->h, ops, count, flags, &done, &failed);
	if (ret) {
		ret = outcome(s, "batch", ret);
		ret = ret < 0 ? -1 : 0;
		goto out;
	}
	if (batch_expect) {
		ret = outcome(s, "batch", 0);
		goto out;
	}
	for (i = 0; i < done && i < count; i++)
		if (!ops[i].error && bl[i].name && var_set(s, bl[i].name, ops[i].addr)) {
			ret = -1;
			goto out;
		}
	if (json) {
		jbegin(s, "batch");
		jbool("ok", 1);
		ju64("count", count);
		ju64("done", done);
		ju64("failed", failed);
		jopen("ops", '[');
	} else {
		printf("batch: %u op%s, %u done, %u failed\n", count,
		       count == 1 ? "" : "s", done, failed);
	}
	for (i = 0; i < count; i++)
		print_batch_op(&bl[i], &ops[i], i < done);
	if (json) {
		jclose(']');
		jend();
	}
	/* Then judge each operation against its expectation. */
	for (i = 0; i < count; i++) {
		s->line = bl[i].line;
		if (i >= done) {
			if (bl[i].expect) {
				ret = serr(s, "expected %s, but the operation was not run",
					   memsim_errno_name(bl[i].expect));
				goto out;
			}
			continue;
		}
		if (ops[i].error && -ops[i].error != bl[i].expect) {
			if (bl[i].expect)
				ret = serr(s, "expected %s, got %s (%s)",
					   memsim_errno_name(bl[i].expect),
					   memsim_errno_name(ops[i].error),
					   strerror(-ops[i].error));
			else
				ret = serr(s, "BATCH %s: %s",
					   ops[i].op == MEMSIM_BATCH_ALLOC ? "ALLOC" :
					   ops[i].op == MEMSIM_BATCH_FREE ? "FREE" :
					   "COMPLETE_FREE", strerror(-ops[i].error));
			goto out;
		}
		if (!ops[i].error && bl[i].expect) {
			ret = serr(s, "expected %s, but %s succeeded",
				   memsim_errno_name(bl[i].expect), bl[i].cmd);
			goto out;
		}
	}
out:
	s->in_batch = 0;
	for (i = 0; copies && i < count; i++)
		free(copies[i]);
	free(copies);
	free(ops);
	free(bl);
	return ret;
}

static int dispatch(struct script *s, struct script_text *t, size_t *idx,
		    char **tok, int ntok)
{
	const struct command *c = NULL;
	size_t i, len = 0;
	const char *p;
	int n;

	s->text[0] = '\0';
	for (n = 0; n < ntok && len < sizeof(s->text); n++)
		len += snprintf(s->text + len, sizeof(s->text) - len, "%s%s",
				n ? " " : "", tok[n]);

	if (!strcmp(tok[0], "echo")) {
		if (s->expect)
			return serr(s, "expect-error cannot precede echo");
		/* The rest of the line, as written. */
		p = strstr(t->lines[*idx], "echo") + 4;
		while (isspace((unsigned char)*p))
			p++;
		return sc_echo(s, p);
	}
	if (!strcmp(tok[0], "batch"))
		return run_batch(s, t, idx, tok, ntok);
	if (!strcmp(tok[0], "end"))
		return serr(s, "end without batch");
	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(tok[0], commands[i].name))
			c = &commands[i];
	if (!c)
		return serr(s, "unknown command '%s'", tok[0]);
	if (s->expect && !c->kernel)
		return serr(s, "expect-error cannot precede %s", c->name);
	return c->fn(s, tok, ntok);
}

/* Handle line *@idx (a batch consumes the lines up to its "end"). */
static int run_line(struct script *s, struct script_text *t, size_t *idx)
{
	char *tok[MAX_TOKENS], *copy;
	int ntok, skip, expect, ret;
	unsigned int expect_line;

	s->line = *idx + 1;
	s->expect = 0;
	ntok = line_tokens(s, t, *idx, &copy, tok);
	if (ntok <= 0) {
		free(copy);
		return ntok;
	}
	skip = take_expect(s, tok, ntok, &s->expect);
	if (skip < 0) {
		free(copy);
		return -1;
	}
	if (skip == ntok) {
		/* "expect-error ERRNAME" alone applies to the next command. */
		expect = s->expect;
		expect_line = s->line;
		do {
			free(copy);
			copy = NULL;
			if (++*idx >= t->nr) {
				s->line = expect_line;
				return serr(s, "expect-error without a command after it");
			}
			s->line = *idx + 1;
			ntok = line_tokens(s, t, *idx, &copy, tok);
			if (ntok < 0)
				return -1;
		} while (!ntok);
		if (!strcmp(tok[0], "expect-error")) {
			free(copy);
			return serr(s, "expect-error follows expect-error");
		}
		s->expect = expect;
		skip = 0;
	}
	ret = dispatch(s, t, idx, tok + skip, ntok - skip);
	free(copy);
	return ret;
}

static int read_script(const char *path, struct script_text *t)
{
	FILE *f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	char *line = NULL, **nl;
	size_t cap = 0;
	ssize_t n;

	memset(t, 0, sizeof(*t));
	if (!f) {
		fprintf(stderr, "memsimctl: %s: %s\n", path, strerror(errno));
		return -1;
	}
	while ((n = getline(&line, &cap, f)) >= 0) {
		while (n > 0 && (line[n - 1] == '\n' || line[n - 1] == '\r'))
			line[--n] = '\0';
		nl = realloc(t->lines, (t->nr + 1) * sizeof(*nl));
		if (!nl)
			break;
		t->lines = nl;
		t->lines[t->nr++] = line;
		line = NULL;
		cap = 0;
	}
	free(line);
	if (ferror(f) || n >= 0) {
		fprintf(stderr, "memsimctl: %s: %s\n", path,
			n >= 0 ? "out of memory" : "read error");
		if (f != stdin)
			fclose(f);
		return -1;
	}
	if (f != stdin)
		fclose(f);
	return 0;
}

static int run_pass(struct script *s, struct script_text *t)
{
	size_t i;

	vars_clear(s);
	for (i = 0; i < t->nr; i++)
		if (run_line(s, t, &i))
			return -1;
	return 0;
}

/*
 * run, summary, blocks, map and trace: a script against a fresh instance;
 * all but run then show the instance (their own output from the script is
 * discarded, or sent to standard error with --verbose).  With --instance,
 * they show instead the debugfs file of a live instance.
 */

#define OPT_JSON	(1U << 0)
#define OPT_CHECK	(1U << 1)
#define OPT_VERBOSE	(1U << 2)
#define OPT_INSTANCE	(1U << 3)
#define OPT_DEBUGFS	(1U << 4)
#define OPT_CAPACITY	(1U << 5)
#define OPT_STACK	(1U << 6)
#define OPT_FORMAT	(1U << 7)

#define DEBUGFS_DIR	"/sys/kernel/debug/memsim"

/**
 * struct cli - the options of a script command
 * @given: OPT_* of the options given.
 * @ndjson: --format ndjson (or --json without --format).
 * @instance: --instance ID.
 * @capacity: --capacity N, as a script word.
 * @script: the script's path, "-" for standard input, NULL if none.
 */
struct cli {
	unsigned int given;
	int ndjson;
	__u64 instance;
	char capacity[24];
	const char *script;
};

/**
 * struct script_cmd - a command that runs a script
 * @name: its name.
 * @opts: OPT_* it accepts.
 * @usage: its arguments, for the usage message.
 * @file: the debugfs file that --instance and --debugfs show, or NULL.
 * @before: NULL, or a script line to run before the script; --capacity
 *	and --stack add their words to it.
 * @show: NULL (run), or the script line that shows the instance after the
 *	script; --format adds its word to it.
 */
struct script_cmd {
	const char *name;
	unsigned int opts;
	const char *usage;
	const char *file;
	const char *before;
	const char *show;
};

#define VIEW_OPTS	(OPT_JSON | OPT_VERBOSE | OPT_INSTANCE | OPT_DEBUGFS)
#define VIEW_USAGE	"[--json] [--verbose] [--debugfs] SCRIPT|- | --instance ID"

static const struct script_cmd script_cmds[] = {
	{ "run", OPT_JSON | OPT_CHECK, "[--json] [--check] SCRIPT|-",
	  NULL, NULL, NULL },
	{ "summary", VIEW_OPTS, VIEW_USAGE, "summary", NULL, "summary table" },
	{ "blocks", VIEW_OPTS, VIEW_USAGE, "blocks", NULL, "blocks" },
	{ "map", VIEW_OPTS, VIEW_USAGE, "map", NULL, "map" },
	{ "trace", VIEW_OPTS | OPT_CAPACITY | OPT_STACK | OPT_FORMAT,
	  "[--capacity N] [--stack] [--format csv|ndjson] " VIEW_USAGE,
	  "trace", "trace on", "trace dump" },
};

/*
 * Run @words, a line that memsimctl writes itself, followed by @extra and
 * @extra2 (each "" or a word), as line 0 of the script.
 */
static int run_words(struct script *s, const char *words, const char *extra,
		     const char *extra2)
{
	char line[128], *tok[MAX_TOKENS];
	size_t i;
	int n;

	snprintf(line, sizeof(line), "%s %s %s", words, extra, extra2);
	n = tokenize(line, tok);
	s->line = 0;
	s->expect = 0;
	for (i = 0; n > 0 && i < ARRAY_SIZE(commands); i++)
		if (!strcmp(tok[0], commands[i].name))
			return commands[i].fn(s, tok, n);
	return serr(s, "internal error: '%s'", words);
}

static int cli_usage(const struct script_cmd *c, const char *msg, const char *arg)
{
	if (msg)
		fprintf(stderr, "memsimctl: %s: %s%s%s\n", c->name, msg,
			arg ? " " : "", arg ? arg : "");
	fprintf(stderr, "usage: memsimctl %s %s\n", c->name, c->usage);
	return EXIT_USAGE;
}

/* The options of every script command, checked against @c->opts. */
static int parse_cli(const struct script_cmd *c, int argc, char **argv,
		     struct cli *o)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, OPT_JSON },
		{ "check", no_argument, NULL, OPT_CHECK },
		{ "verbose", no_argument, NULL, OPT_VERBOSE },
		{ "instance", required_argument, NULL, OPT_INSTANCE },
		{ "debugfs", no_argument, NULL, OPT_DEBUGFS },
		{ "capacity", required_argument, NULL, OPT_CAPACITY },
		{ "stack", no_argument, NULL, OPT_STACK },
		{ "format", required_argument, NULL, OPT_FORMAT },
		{ NULL, 0, NULL, 0 },
	};
	__u64 v;
	int opt, i;

	memset(o, 0, sizeof(*o));
	optind = 1;
	while ((opt = getopt_long(argc, argv, "+", opts, &i)) != -1) {
		if (opt == '?')
			return cli_usage(c, NULL, NULL);
		if (!(c->opts & opt)) {
			char name[16];

			snprintf(name, sizeof(name), "--%s", opts[i].name);
			return cli_usage(c, "no such option:", name);
		}
		o->given |= opt;
		if (opt == OPT_INSTANCE && parse_u64(optarg, &o->instance))
			return cli_usage(c, "not an instance id:", optarg);
		if (opt == OPT_CAPACITY) {
			if (parse_u64(optarg, &v) || v > UINT32_MAX)
				return cli_usage(c, "not a capacity:", optarg);
			snprintf(o->capacity, sizeof(o->capacity), "%llu",
				 (unsigned long long)v);
		}
		if (opt == OPT_FORMAT) {
			if (strcmp(optarg, "csv") && strcmp(optarg, "ndjson"))
				return cli_usage(c, "format is csv or ndjson, not", optarg);
			o->ndjson = optarg[0] == 'n';
		}
	}
	if (o->given & OPT_JSON)
		json = 1;
	if (!(o->given & OPT_FORMAT))
		o->ndjson = json;
	if (o->given & OPT_INSTANCE) {
		if (optind != argc)
			return cli_usage(c, "--instance takes no script:", argv[optind]);
		if (o->given & ~(OPT_INSTANCE | OPT_JSON))
			return cli_usage(c, "--instance goes alone", NULL);
		return 0;
	}
	if (optind + 1 != argc)
		return cli_usage(c, optind < argc ? "one script only:" : "no script",
				 optind < argc ? argv[optind + 1] : NULL);
	o->script = argv[optind];
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

/* The script against the open instance, then what @c shows. */
static int run_instance(struct script *s, struct script_text *t,
			const struct script_cmd *c, const struct cli *o)
{
	struct memsim_info info;
	int saved = -1, ret = 0;

	if (c->show) {
		saved = stdout_divert(o->given & OPT_VERBOSE);
		if (saved < 0)
			return -1;
		quiet = !(o->given & OPT_VERBOSE);
	}
	if (c->before)
		ret = run_words(s, c->before, o->capacity,
				o->given & OPT_STACK ? "stack" : "");
	if (!ret)
		ret = run_pass(s, t);
	if (saved >= 0)
		stdout_restore(saved);
	quiet = 0;
	if (ret || !c->show)
		return ret;
	if (!(o->given & OPT_DEBUGFS)) {
		/* All the records, even those a "trace dump" of the script showed. */
		s->trace_cursor = 0;
		return run_words(s, c->show, c->opts & OPT_FORMAT ?
				 (o->ndjson ? "ndjson" : "csv") : "", "");
	}
	if (memsim_get_info(&s->h, &info)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&s->h));
		return -1;
	}
	if (!(info.features & MEMSIM_FEATURE_DEBUGFS)) {
		fprintf(stderr, "memsimctl: the module has no debugfs views\n");
		return -1;
	}
	return show_debugfs(info.instance_id, c->file);
}

static int cmd_script(const struct script_cmd *c, int argc, char **argv)
{
	struct script_text t;
	struct script s;
	struct cli o;
	size_t i;
	int ret;

	ret = parse_cli(c, argc, argv, &o);
	if (ret)
		return ret;
	if (o.given & OPT_INSTANCE)
		return show_debugfs(o.instance, c->file) ? 1 : 0;
	if (read_script(o.script, &t))
		return 1;

	memset(&s, 0, sizeof(s));
	s.h.fd = -1;
	script_name(&s, o.script);
	/* First the whole script is checked, with nothing sent. */
	ret = run_pass(&s, &t);
	if (!ret && !(o.given & OPT_CHECK)) {
		if (memsim_open(&s.h, dev_path)) {
			fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&s.h));
			ret = -1;
		} else {
			s.exec = 1;
			ret = run_instance(&s, &t, c, &o);
			memsim_close(&s.h);
		}
	}
	vars_clear(&s);
	for (i = 0; i < t.nr; i++)
		free(t.lines[i]);
	free(t.lines);
	return ret ? 1 : 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	const char *cmd;
	size_t i;
	int c;

	while ((c = getopt_long(argc, argv, "+d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev_path = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return EXIT_USAGE;
		}
	}

	if (optind >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	cmd = argv[optind];
	argc -= optind;
	argv += optind;

	if (!strcmp(cmd, "info")) {
		if (argc > 1 && !strcmp(argv[1], "--json")) {
			json = 1;
			argc--;
			argv++;
		}
		return cmd_info(argc, argv);
	}
	if (!strcmp(cmd, "simulate"))
		return cmd_simulate(argc, argv);
	for (i = 0; i < ARRAY_SIZE(script_cmds); i++)
		if (!strcmp(cmd, script_cmds[i].name))
			return cmd_script(&script_cmds[i], argc, argv);
	if (!strcmp(cmd, "help")) {
		print_usage(stdout);
		return 0;
	}
	fprintf(stderr, "memsimctl: unknown command '%s'\n", cmd);
	print_usage(stderr);
	return EXIT_USAGE;
}
