/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: the script language
 *
 * Copyright (C) 2026 The memsim authors
 *
 * A script is read whole (script_read()), checked with nothing sent to the
 * kernel (script_check()), then run line by line on an open instance
 * (script_run()).  The language is described in
 * Documentation/memsimctl.rst; its commands are in script_cmds.c.
 *
 * Any command can run a script this way on a handle of its own:
 *
 *	struct script_text t;
 *	struct script s;
 *
 *	script_read(path, &t);
 *	script_init(&s, path);
 *	if (!script_check(&s, &t) && !memsim_open(&s.h, dev_path))
 *		ret = script_run(&s, &t);
 *	memsim_close(&s.h);
 *	script_fini(&s);
 *	script_text_free(&t);
 *
 * Errors are reported through @on_error (default: printed on stderr) as a
 * struct diag: the script's file, the line, the message; the first one is
 * kept in @err.  With SCRIPT_KEEP_GOING, script_run() goes on after a line
 * that fails and counts it in @failures.
 */
#ifndef _MEMSIMCTL_SCRIPT_H
#define _MEMSIMCTL_SCRIPT_H

#include "diag.h"
#include "libmemsim.h"
#include "options.h"

#define MAX_TOKENS	64

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
 * struct script_text - the script, read whole
 * @lines: the lines, without their newline.
 * @nr: number of lines.
 */
struct script_text {
	char **lines;
	size_t nr;
};

/* struct script @flags */
#define SCRIPT_KEEP_GOING	(1U << 0)

/**
 * struct script - the interpreter's state
 * @h: the instance (opened by the caller before script_run()).
 * @exec: 0 in the checking pass (nothing is sent to the kernel), 1 when
 *	running.
 * @in_batch: 1 while the lines of a batch are parsed.
 * @line: number of the line being handled, from 1; 0 for a line memsimctl
 *	wrote itself (script_words()).
 * @expect: errno (positive) the current command must fail with, or 0.
 * @vars: the bound names.
 * @nr_vars: entries in @vars.
 * @text: the current command as written (its words), for messages.
 * @name: the script's file name without its directory ("stdin" for -),
 *	the first part of the automatic labels.
 * @label: the automatic label of the current line, "NAME:LINE".
 * @trace_cursor: where the next "trace dump" starts.
 * @path: the script as the user named it ("-" for standard input).
 * @flags: SCRIPT_*.
 * @failures: lines that failed (with SCRIPT_KEEP_GOING, the run goes on).
 * @err: the first error.
 * @nr_errors: errors reported.
 * @explain: the kernel's EXPLAIN_ALLOC answer for the latest allocation
 *	that failed with no space (set before its error is reported).
 * @explained: allocations explained so far.
 * @explaining: set while the error of an explained allocation is reported,
 *	so that the error hook can show @explain with it.
 * @on_error: called with each error; NULL prints it on stderr.
 * @before_cmd: NULL, or called before each command is handled, in both
 *	passes (@exec tells which), with its words (without expect-error); a
 *	non-zero return fails the line (the hook reports why with serr()).
 *	compare uses it to bind names, refuse commands and see the peaks.
 * @ctx: for @on_error and @before_cmd.
 * @bind: the name "as NAME" of the current line binds, resolved
 *	("act[3]").
 * @why: what went wrong with the current line's call, in memsim's words
 *	("no allocated block at 0x1000"), or "" to say it with the errno.
 * @ends: for each line that opens a block (repeat, batch), the index of
 *	its "end" line once known, else 0; for @ends_of.
 * @ends_of: the script @ends belongs to.
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
	const char *path;
	unsigned int flags;
	unsigned int failures;
	struct diag err;
	unsigned int nr_errors;
	struct memsim_explain_arg explain;
	unsigned int explained;
	int explaining;
	void (*on_error)(struct script *s, const struct diag *d);
	int (*before_cmd)(struct script *s, char **tok, int ntok);
	void *ctx;
	char bind[128];
	char why[256];
	size_t *ends;
	const struct script_text *ends_of;
};

/* The executor */
int script_read(const char *path, struct script_text *t);
void script_text_free(struct script_text *t);
void script_init(struct script *s, const char *path);
void script_fini(struct script *s);
int script_check(struct script *s, const struct script_text *t);
int script_run(struct script *s, const struct script_text *t);
int script_words(struct script *s, const char *words, const char *extra,
		 const char *extra2);

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

/* script_cmds.c */
const struct command *script_command(const char *name);
const char *script_command_nearest(const char *word);
int parse_alloc(struct script *s, char **tok, int ntok,
		struct memsim_alloc_arg *a, const char **name);
int parse_batch_free(struct script *s, char **tok, int ntok,
		     struct memsim_batch_op *op);

/* For the commands: errors, values, names, results */
__printf(2, 3) int script_error(struct script *s, const char *fmt, ...);
#define serr(s, ...)	script_error(s, __VA_ARGS__)
int value(struct script *s, const char *str, __u64 *out);
int value32(struct script *s, const char *str, __u32 *out);
int stream_value(struct script *s, const char *str, __u32 *out);
int valid_name(const char *name);
int resolve_name(struct script *s, const char *word, char *buf, size_t len);
int var_set(struct script *s, const char *name, __u64 value);
int want_args(struct script *s, char **tok, int ntok, int min,
	      const char *usage);
int unknown_opt(struct script *s, char **tok, int i);
const char *call_label(struct script *s, const char *label);
int outcome(struct script *s, const char *cmd, int ret);
void json_failure(struct script *s, const char *cmd, int ret, int expected);
void jbegin(struct script *s, const char *cmd);
int list_begin(struct script *s, char **tok, int ntok, const char *key,
	       int *ret);
int list_end(struct script *s, const char *cmd, int err);

/*
 * The option words tok[first..ntok) of a line against @tab, into @base;
 * @positional (may be NULL) takes the words no entry matches.
 */
int script_opts(struct script *s, const struct opt *tab, void *base,
		char **tok, int ntok, int first,
		int (*positional)(struct opt_ctx *c, const char *word));
/* Parse functions of the script's own options: "as NAME", "label=TEXT". */
int opt_as(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_label(struct opt_ctx *c, const struct opt *o, const char *val);

#endif /* _MEMSIMCTL_SCRIPT_H */
