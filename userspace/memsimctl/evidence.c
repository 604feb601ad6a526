// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the instance as it stood at a script's first failure
 *
 * Copyright (C) 2026 The memsim authors
 */

/*
 * DOC: Evidence
 *
 * A script that fails used to leave nothing behind: the instance closed
 * with its file, so the summary, the map and the blocks that would explain
 * the failure were gone.  Now the script commands (run, summary, blocks,
 * map) start a small trace ring before the script (EVIDENCE_RING records,
 * silently; a script's own "trace on" replaces it) and install
 * evidence_on_error() as the script's error hook.  At the first error of
 * the run, before the next line runs, it writes to the evidence file:
 * the error, the kernel's explanation of an allocation that found no
 * space, the summary table, the map, the blocks and the last
 * EVIDENCE_TRACE trace records, all as the instance stood then, and names
 * the file on standard error.  Errors found by the check before the run
 * (syntax, names) write nothing: the instance does not exist yet.
 */
#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "evidence.h"
#include "explain.h"
#include "memsimctl.h"

/**
 * evidence_start() - prepare @s to keep the evidence of its first failure
 * @s: the script, its instance open.
 * @ev: where to write; @ev->path NULL for nowhere.
 */
void evidence_start(struct script *s, struct evidence *ev)
{
	s->ctx = ev;
	s->on_error = evidence_on_error;
	ev->written = 0;
	ev->tracing = 0;
	if (ev->path && !memsim_trace_ctl(&s->h, EVIDENCE_RING, MEMSIM_TRACE_ON))
		ev->tracing = 1;
}

/* Run one of memsimctl's own lines for the file, the script's state kept. */
static void evidence_words(struct script *s, const char *words, const char *extra)
{
	unsigned int line = s->line;
	int expect = s->expect, in_batch = s->in_batch;
	void (*hook)(struct script *, const struct diag *) = s->on_error;

	s->on_error = NULL;
	s->in_batch = 0;
	if (script_words(s, words, extra, ""))
		printf("(%s failed)\n", words);
	s->on_error = hook;
	s->in_batch = in_batch;
	s->expect = expect;
	s->line = line;
}

/* The last EVIDENCE_TRACE records of the ring, if it is on. */
static void evidence_trace(struct script *s)
{
	struct memsim_trace_read_arg st;
	__u64 cursor = s->trace_cursor;

	if (memsim_trace_read(&s->h, 0, NULL, 0, &st) || !st.capacity) {
		printf("(the trace is off)\n");
		return;
	}
	s->trace_cursor = st.head > EVIDENCE_TRACE ? st.head - EVIDENCE_TRACE : 0;
	evidence_words(s, "trace dump", "csv");
	s->trace_cursor = cursor;
}

static void evidence_write(struct script *s, const struct diag *d, FILE *f)
{
	int saved_json = json, saved_quiet = quiet, out;

	fflush(stdout);
	out = dup(STDOUT_FILENO);
	if (out < 0 || dup2(fileno(f), STDOUT_FILENO) < 0) {
		if (out >= 0)
			close(out);
		return;
	}
	json = 0;
	quiet = 1;
	printf("memsimctl: the instance at the first failure\n\n");
	diag_print(d, stdout);
	if (s->explaining)
		explain_print_candidates(stdout, &s->explain);
	printf("\n== summary\n");
	evidence_words(s, "summary", "table");
	printf("\n== map\n");
	evidence_words(s, "map", "");
	printf("\n== blocks\n");
	evidence_words(s, "blocks", "");
	printf("\n== trace: the last %u records\n", EVIDENCE_TRACE);
	evidence_trace(s);
	fflush(stdout);
	dup2(out, STDOUT_FILENO);
	close(out);
	json = saved_json;
	quiet = saved_quiet;
}

/**
 * evidence_on_error() - the script error hook of the script commands
 * @s: the script; @s->ctx is its &struct evidence.
 * @d: the error.
 *
 * Prints the error on standard error as the default would, the candidates
 * of an allocation that found no space after it, and at the first error
 * while the script runs writes the evidence file.
 */
void evidence_on_error(struct script *s, const struct diag *d)
{
	struct evidence *ev = s->ctx;
	FILE *f;

	diag_print(d, stderr);
	if (s->explaining)
		explain_print_candidates(stderr, &s->explain);
	if (!s->exec || ev->written || !ev->path)
		return;
	ev->written = 1;
	if (!strcmp(ev->path, "-")) {
		fflush(stderr);
		evidence_write(s, d, stderr);
		return;
	}
	f = fopen(ev->path, "w");
	if (!f) {
		fprintf(stderr, "memsimctl: %s: cannot write the evidence: %m\n", ev->path);
		return;
	}
	evidence_write(s, d, f);
	if (fclose(f))
		fprintf(stderr, "memsimctl: %s: cannot write the evidence: %m\n", ev->path);
	else
		fprintf(stderr, "memsimctl: the instance at the failure (summary, map, blocks, last %u trace records): %s\n",
			EVIDENCE_TRACE, ev->path);
}
