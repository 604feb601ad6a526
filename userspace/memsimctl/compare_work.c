// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl compare: the kinds of workload (a script, the kernel's random
 * workload) and what their runners share: the peak probe and the first
 * failure
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See compare.h for the contract of a runner.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "memsimctl.h"
#include "replay.h"
#include "script.h"

/* What runners share */

/* An allocation may have happened: the next probe looks. */
void compare_may_grow(struct compare_run *r)
{
	r->dirty = 1;
}

/**
 * compare_probe() - look at the instance before it changes otherwise
 * @r: the run.
 *
 * If an allocation may have happened since the last probe, GET_SUMMARY;
 * the figures are kept when the live requested bytes are higher than at
 * every probe before (so the first probe that sees the highest value keeps
 * it).  A failing GET_SUMMARY is kept in @r->probe_err and the run goes
 * on.
 *
 * Return: 0 or the negative errno of GET_SUMMARY.
 */
int compare_probe(struct compare_run *r)
{
	struct memsim_handle q = { .fd = r->h.fd };
	struct memsim_summary sum;
	int ret;

	if (!r->dirty)
		return 0;
	r->dirty = 0;
	ret = memsim_get_summary(&q, &sum);
	if (ret) {
		if (!r->probe_err)
			r->probe_err = ret;
		return ret;
	}
	if (r->have_peak && sum.usage.requested <= r->peak.requested)
		return 0;
	r->have_peak = 1;
	r->peak.allocated = sum.usage.allocated;
	r->peak.requested = sum.usage.requested;
	r->peak.free = sum.usage.free;
	r->peak.largest_free = sum.usage.largest_free;
	r->peak.frag_ppm = sum.usage.frag_ppm;
	return 0;
}

/**
 * compare_failure() - an operation of the workload failed
 * @r: the run.
 * @where: where, "FILE:LINE" (or "op N").
 * @msg: what happened.
 * @e: EXPLAIN_ALLOC's answer if it was an allocation that found no space,
 *	else NULL.
 *
 * Counts it in @r->errors and keeps the first.
 */
void compare_failure(struct compare_run *r, const char *where, const char *msg,
		     const struct memsim_explain_arg *e)
{
	r->errors++;
	if (r->have_first)
		return;
	r->have_first = 1;
	snprintf(r->first_where, sizeof(r->first_where), "%s", where);
	snprintf(r->first_msg, sizeof(r->first_msg), "%s", msg);
	if (e) {
		r->have_explain = 1;
		r->first_explain = *e;
	}
}

/* A script */

/*
 * The commands that change nothing in the instance's blocks and segments:
 * no probe before them.
 */
static const char * const still_cmds[] = {
	"set", "assert", "echo", "info", "can-alloc", "overlap", "safe-range",
	"summary", "stats", "segments", "blocks", "map", "trace", "repeat",
};

/* The commands that change the instance but allocate nothing. */
static const char * const nogrow_cmds[] = {
	"free", "complete", "sync", "release", "segment",
};

static int in_list(const char *word, const char * const *list, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (!strcmp(word, list[i]))
			return 1;
	return 0;
}

/**
 * struct script_ctx - a script's run under compare
 * @r: the run (NULL in the parent's check).
 * @device_size: the value of $DEVICE_SIZE.
 * @bound: 1 once $DEVICE_SIZE is bound in this pass.
 * @refused: 1 if the check refused a line for compare's own reasons.
 * @checking: 1 in the check pass.
 */
struct script_ctx {
	struct compare_run *r;
	__u64 device_size;
	int bound;
	int refused;
	int checking;
};

static int refuse(struct script *s, const char *fmt, const char *what)
{
	struct script_ctx *c = s->ctx;

	c->refused = 1;
	return serr(s, fmt, what);
}

/* Does the line bind DEVICE_SIZE ("set DEVICE_SIZE V", "... as DEVICE_SIZE")? */
static int binds_device_size(char **tok, int ntok)
{
	int i;

	if (!strcmp(tok[0], "set") && ntok > 1 && !strcmp(tok[1], "DEVICE_SIZE"))
		return 1;
	for (i = 1; i + 1 < ntok; i++)
		if (!strcmp(tok[i], "as") && !strcmp(tok[i + 1], "DEVICE_SIZE"))
			return 1;
	return 0;
}

/*
 * Before each command: bind $DEVICE_SIZE first; in the check pass refuse
 * what compare cannot run; when running, probe before every command that
 * changes the instance other than an allocation.
 */
static int script_hook(struct script *s, char **tok, int ntok)
{
	struct script_ctx *c = s->ctx;

	if (!c->bound) {
		c->bound = 1;
		if (var_set(s, "DEVICE_SIZE", c->device_size))
			return -1;
	}
	if (!s->exec) {
		if (!strcmp(tok[0], "strategy"))
			return refuse(s, "%s: compare sets the strategy of each run itself (--strategy): remove this line",
				      tok[0]);
		if (!strcmp(tok[0], "reset"))
			return refuse(s, "%s: compare reads the counters of one run from its start: a script it compares cannot reset the instance",
				      tok[0]);
		if (binds_device_size(tok, ntok))
			return refuse(s, "%s: DEVICE_SIZE is bound by compare (--device-size): use another name",
				      tok[0]);
		return 0;
	}
	if (!c->r || !strcmp(tok[0], "alloc")) {
		if (c->r)
			compare_may_grow(c->r);
		return 0;
	}
	if (in_list(tok[0], still_cmds, ARRAY_SIZE(still_cmds)))
		return 0;
	compare_probe(c->r);
	/* batch, simulate, and whatever else the language may grow. */
	if (!in_list(tok[0], nogrow_cmds, ARRAY_SIZE(nogrow_cmds)))
		compare_may_grow(c->r);
	return 0;
}

/* Errors of a run: the check's are the run's own, the others the workload's. */
static void script_on_error(struct script *s, const struct diag *d)
{
	struct script_ctx *c = s->ctx;
	struct compare_run *r = c->r;
	char where[COMPARE_WHERE_MAX];

	if (c->checking) {
		if (!r->error[0])
			snprintf(r->error, sizeof(r->error), "%s:%u: %s",
				 d->file ? d->file : "-", d->line, d->msg);
		return;
	}
	snprintf(where, sizeof(where), "%s:%u", d->file ? d->file : "-", d->line);
	/* An allocation that found no space comes with the kernel's figures. */
	compare_failure(r, where, d->msg,
			s->explaining ? &s->explain : NULL);
}

/**
 * compare_script_check() - check a script for compare, in the parent
 * @path: the script as named ("-" for standard input).
 * @t: its text.
 * @device_size: the value $DEVICE_SIZE has in the check.
 * @refused: set to 1 if a line was refused for compare's own reasons
 *	(strategy, reset, binding DEVICE_SIZE) rather than as a bad line.
 *
 * Errors are printed on stderr as "FILE:LINE: message".
 *
 * Return: 0 or -1.
 */
int compare_script_check(const char *path, struct script_text *t,
			 __u64 device_size, int *refused)
{
	struct script_ctx c = { .device_size = device_size, .checking = 1 };
	struct script s;
	int ret;

	script_init(&s, path);
	s.before_cmd = script_hook;
	s.ctx = &c;
	ret = script_check(&s, t);
	script_fini(&s);
	*refused = c.refused;
	return ret;
}

/* Can @c be part of a name? */
static int name_char(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (c >= '0' && c <= '9') || c == '_';
}

/**
 * compare_script_uses_device_size() - does a script use $DEVICE_SIZE?
 * @t: its text.
 *
 * Return: 1 if a line whose first word is not "echo" names DEVICE_SIZE
 * (as $DEVICE_SIZE, or inside $(...), where names go with or without
 * their "$"): the word DEVICE_SIZE with no letter, digit or '_' on either
 * side, before any comment ('#' at the start of a word).
 */
int compare_script_uses_device_size(const struct script_text *t)
{
	static const char name[] = "DEVICE_SIZE";
	const size_t len = sizeof(name) - 1;
	const char *line, *p;
	size_t i;

	for (i = 0; i < t->nr; i++) {
		line = t->lines[i];
		while (*line == ' ' || *line == '\t')
			line++;
		if (!strncmp(line, "echo", 4) && (!line[4] || line[4] == ' ' || line[4] == '\t'))
			continue;
		for (p = line; *p; p++) {
			if (*p == '#' && (p == line || p[-1] == ' ' || p[-1] == '\t'))
				break;
			if (strncmp(p, name, len) || (p > line && name_char(p[-1])) ||
			    name_char(p[len]))
				continue;
			return 1;
		}
	}
	return 0;
}

static int script_run_one(const struct compare_workload *w, struct compare_run *r)
{
	const struct compare_script *cs = w->data;
	struct script_ctx c = {
		.r = r,
		.device_size = r->device_size,
		.checking = 1,
	};
	struct script s;
	int ret = 0;

	script_init(&s, w->source);
	s.h = r->h;
	s.flags = SCRIPT_KEEP_GOING;
	s.before_cmd = script_hook;
	s.on_error = script_on_error;
	s.ctx = &c;
	/* Checked in the parent already; the executor wants its own pass. */
	if (script_check(&s, cs->text)) {
		ret = -EINVAL;
		goto out;
	}
	c.checking = 0;
	c.bound = 0;
	script_run(&s, cs->text);
	r->errors = s.failures;
	compare_probe(r);
out:
	script_fini(&s);
	return ret;
}

const struct compare_workload_ops compare_script_ops = {
	.name = "script",
	.run = script_run_one,
};

/* The kernel's random workload: one segment of the device's size, one SIMULATE. */
static int simulate_run_one(const struct compare_workload *w, struct compare_run *r)
{
	const struct compare_simulate *cs = w->data;
	struct memsim_simulate_arg out;
	int ret;

	ret = memsim_create_segment(&r->h, cs->seg_start, r->device_size, 0, 0, NULL);
	if (!ret) {
		compare_may_grow(r);
		ret = memsim_simulate(&r->h, &cs->in, &out);
	}
	if (ret) {
		snprintf(r->error, sizeof(r->error), "%s", memsim_strerror(&r->h));
		return ret;
	}
	/* Its failures are allocations that found no space; which, it does not say. */
	r->errors = out.failures;
	compare_probe(r);
	return 0;
}

const struct compare_workload_ops compare_simulate_ops = {
	.name = "simulate",
	.run = simulate_run_one,
};

/*
 * A trace: replay's executor (replay_compare.c) replays w->data, a struct
 * replay_workload, on r->h.
 */
const struct compare_workload_ops compare_trace_ops = {
	.name = "trace",
	.run = replay_compare_run,
};
