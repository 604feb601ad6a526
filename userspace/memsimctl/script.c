// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the script language: reading, words, names, the executor,
 * batches
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See script.h.  A script is read whole and checked before its first
 * command runs; then each line runs in turn and the first unexpected
 * failure stops it.
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "expr.h"
#include "json.h"
#include "memsimctl.h"
#include "num.h"
#include "render_text.h"
#include "script.h"
#include "why.h"

/* Errors */

/* Report an error on the current line, printf-style.  Return: -1. */
int script_error(struct script *s, const char *fmt, ...)
{
	struct diag d;
	va_list ap;

	/* Line 0: a line memsimctl wrote itself, not the script's. */
	d.file = s->line ? s->path : NULL;
	d.line = s->line;
	va_start(ap, fmt);
	vsnprintf(d.msg, sizeof(d.msg), fmt, ap);
	va_end(ap);
	if (!s->nr_errors++)
		s->err = d;
	fflush(stdout);
	if (s->on_error)
		s->on_error(s, &d);
	else
		diag_print(&d, stderr);
	return -1;
}

/* Names */

static struct var *var_find(struct script *s, const char *name)
{
	size_t i;

	for (i = 0; i < s->nr_vars; i++)
		if (!strcmp(s->vars[i].name, name))
			return &s->vars[i];
	return NULL;
}

static int is_name_start(int c)
{
	return isalpha((unsigned char)c) || c == '_';
}

/* A plain name: letters, digits and '_', not starting with a digit. */
int valid_name(const char *name)
{
	const char *p = name;

	if (!is_name_start(*p))
		return 0;
	for (p++; *p; p++)
		if (!isalnum((unsigned char)*p) && *p != '_')
			return 0;
	return 1;
}

/* Bind @name to @value (checking pass: declare it). */
int var_set(struct script *s, const char *name, __u64 value)
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

/* Values */

/* Names inside "$(...)" and in indexes: bare, or with a '$'. */
static int script_lookup(struct expr_env *env, const char *name, __u64 *value)
{
	struct script *s = env->arg;
	struct var *v = var_find(s, name);

	if (!v && !s->exec) {
		snprintf(env->err, sizeof(env->err), "'%s' is not bound by an earlier line%s",
			 name, s->in_batch ? " (names bound in a batch are usable after its end)" : "");
		return -1;
	}
	if (!v || !v->bound) {
		snprintf(env->err, sizeof(env->err),
			 "'%s' is not bound (did the command binding it fail?)", name);
		return -1;
	}
	*value = v->value;
	return 0;
}

static void expr_env_init(struct script *s, struct expr_env *env)
{
	memset(env, 0, sizeof(*env));
	env->lookup = script_lookup;
	env->check = !s->exec;
	env->arg = s;
}

/*
 * A name as written, "act" or "act[i+1]", resolved into @buf: "act[3]"
 * (checking pass: "act[]").  Return: 0 or -1 (reported).
 */
int resolve_name(struct script *s, const char *word, char *buf, size_t len)
{
	struct expr_env env;

	expr_env_init(s, &env);
	if (!is_name_start(word[0]))
		return serr(s, "'%s' is not a valid name", word);
	if (expr_name(&env, word, strlen(word), buf, len, NULL))
		return serr(s, "'%s' is not a valid name: %s", word, env.err);
	return 0;
}

/* The "..." of a word "$(...)" (its own parentheses matched). */
static int expr_word(struct script *s, const char *str, __u64 *out)
{
	size_t len = strlen(str), i;
	struct expr_env env;
	int depth = 0;

	for (i = 1; i < len; i++) {
		if (str[i] == '(')
			depth++;
		else if (str[i] == ')' && !--depth)
			break;
	}
	if (i != len - 1)
		return serr(s, "'%s': $(...) must be the whole argument: put what follows inside it, as in $((n + 1) * 4K)",
			    str);
	expr_env_init(s, &env);
	if (expr_eval(&env, str + 2, len - 3, out))
		return serr(s, "'%s': %s", str, env.err);
	return 0;
}

/* A number, $NAME, $NAME[INDEX] or $(EXPR).  Return: 0 or -1 (reported). */
int value(struct script *s, const char *str, __u64 *out)
{
	char name[128];
	struct var *v;
	int ret;

	if (str[0] == '$' && str[1] == '(')
		return expr_word(s, str, out);
	if (str[0] == '$') {
		struct expr_env env;

		expr_env_init(s, &env);
		if (expr_name(&env, str + 1, strlen(str + 1), name, sizeof(name), NULL))
			return serr(s, "'%s': %s", str, env.err);
		v = var_find(s, name);
		if (!v && !s->exec)
			return serr(s, "'%s' is not bound by an earlier line%s", str,
				    s->in_batch ? " (names bound in a batch are usable after its end)" : "");
		if (!v || !v->bound) {
			if (strcmp(name, str + 1))
				return serr(s, "'%s' ($%s) is not bound (did the command binding it fail?)",
					    str, name);
			return serr(s, "'%s' is not bound (did the command binding it fail?)",
				    str);
		}
		*out = v->value;
		return 0;
	}
	ret = num_parse(str, out);
	if (ret)
		return serr(s, "'%s' %s", str, num_strerror(ret));
	return 0;
}

int value32(struct script *s, const char *str, __u32 *out)
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
int stream_value(struct script *s, const char *str, __u32 *out)
{
	if (!strcasecmp(str, "any")) {
		*out = MEMSIM_STREAM_ANY_ID;
		return 0;
	}
	return value32(s, str, out);
}

/* Options: the option parser with the script's numbers and messages. */

static int script_number(struct opt_ctx *c, const char *str, __u64 *out)
{
	return value(c->arg, str, out);
}

static void script_report(struct opt_ctx *c, const char *msg)
{
	serr((struct script *)c->arg, "%s", msg);
}

int script_opts(struct script *s, const struct opt *tab, void *base,
		char **tok, int ntok, int first,
		int (*positional)(struct opt_ctx *c, const char *word))
{
	struct opt_ctx c = {
		.cmd = tok[0],
		.base = base,
		.number = script_number,
		.positional = positional,
		.report = script_report,
		.arg = s,
	};

	return opt_parse_words(&c, tab, tok, ntok, first);
}

/*
 * "as NAME" or "as NAME[INDEX]": a const char * destination, pointed at
 * the resolved name (s->bind).
 */
int opt_as(struct opt_ctx *c, const struct opt *o, const char *val)
{
	struct script *s = c->arg;

	if (!val)
		return serr(s, "'as' needs a name");
	if (resolve_name(s, val, s->bind, sizeof(s->bind)))
		return -1;
	*(const char **)opt_dest(c, o) = s->bind;
	return 0;
}

/*
 * "label=TEXT" (TEXT empty: none): a const char * destination.  A batch
 * carries no labels.
 */
int opt_label(struct opt_ctx *c, const struct opt *o, const char *val)
{
	struct script *s = c->arg;

	if (s->in_batch)
		return serr(s, "label= cannot be used in a batch (its operations carry none)");
	*(const char **)opt_dest(c, o) = val;
	return 0;
}

int want_args(struct script *s, char **tok, int ntok, int min,
	      const char *usage)
{
	if (ntok - 1 < min)
		return serr(s, "usage: %s %s", tok[0], usage);
	return 0;
}

int unknown_opt(struct script *s, char **tok, int i)
{
	return serr(s, "%s: unknown argument '%s'", tok[0], tok[i]);
}

/*
 * The label of a call: @label as given by label= (empty: none), or else
 * the line's automatic label "NAME:LINE", NAME cut so that it fits in
 * MEMSIM_LABEL_MAX - 1 characters.  A batch carries no labels.
 */
const char *call_label(struct script *s, const char *label)
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

/* Results */

/* Start a JSON result object for the current line (none: line 0). */
void jbegin(struct script *s, const char *cmd)
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
/*
 * The JSON object of a call that failed with @ret: errno, the kernel's
 * text, memsim's own words when there are some, and whether expect-error
 * asked for it.
 */
void json_failure(struct script *s, const char *cmd, int ret, int expected)
{
	jbegin(s, cmd);
	jbool("ok", 0);
	jstr("errno", memsim_errno_name(ret));
	jstr("error", memsim_strerror(&s->h));
	if (s->why[0])
		jstr("message", s->why);
	if (expected)
		jbool("expected", 1);
	jend();
}

int outcome(struct script *s, const char *cmd, int ret)
{
	const char *why = s->why[0] ? s->why : memsim_strerror(&s->h);
	int expect = s->expect;

	if (ret && (!expect || -ret != expect)) {
		if (json)
			json_failure(s, cmd, ret, 0);
		if (expect)
			return serr(s, "expected %s, got %s (%s)",
				    memsim_errno_name(expect),
				    memsim_errno_name(ret), why);
		if (s->why[0])
			return serr(s, "%s: %s", cmd, why);
		return serr(s, "%s", why);
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
	if (json)
		json_failure(s, cmd, ret, 1);
	else
		printf("%s: failed as expected: %s (%s)\n", s->text,
		       memsim_errno_name(ret), why);
	return 1;
}

/*
 * Start a listing command that takes no argument: 0, with *@ret the value
 * to return, if it must stop there (bad argument, or a dry run); else 1.
 */
int list_begin(struct script *s, char **tok, int ntok, const char *key, int *ret)
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
int list_end(struct script *s, const char *cmd, int err)
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

/* Words */

#define TOK_TOO_MANY	-1
#define TOK_UNBALANCED	-2

/*
 * Split @line in place into whitespace-separated tokens; a token starting
 * with '#' starts a comment.  Blanks inside "$(...)" do not split.
 * Return: the number of tokens, TOK_TOO_MANY or TOK_UNBALANCED.
 */
static int tokenize(char *line, char **tok)
{
	int n = 0, depth;
	char *p = line;

	for (;;) {
		while (isspace((unsigned char)*p))
			p++;
		if (!*p || *p == '#')
			return n;
		if (n == MAX_TOKENS)
			return TOK_TOO_MANY;
		tok[n++] = p;
		for (depth = 0; *p && (depth || !isspace((unsigned char)*p)); p++) {
			if (p[0] == '$' && p[1] == '(') {
				depth++;
				p++;
			} else if (depth && *p == '(') {
				depth++;
			} else if (depth && *p == ')') {
				depth--;
			}
		}
		if (depth)
			return TOK_UNBALANCED;
		if (*p)
			*p++ = '\0';
	}
}

/*
 * Copy line @idx into *@copy and split it into @tok.  Return: the number of
 * tokens (0 for a blank or comment line), or -1 (reported).
 */
static int line_tokens(struct script *s, const struct script_text *t, size_t idx,
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
		if (n == TOK_UNBALANCED)
			return serr(s, "a '$(' has no matching ')'");
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

/* Blocks: repeat ... end, batch ... end */

/*
 * The "end" of the block line @idx opens (repeat or batch), counting the
 * blocks opened inside it, into *@end; the end line must have no other
 * word.  Return: 0 or -1 (reported).
 */
static int find_end(struct script *s, const struct script_text *t, size_t idx,
		    const char *what, size_t *end)
{
	unsigned int line = s->line;
	char *tok[MAX_TOKENS], *copy;
	int n, depth = 1, cmd;
	size_t i;

	if (s->ends_of != t) {
		free(s->ends);
		s->ends = calloc(t->nr ? t->nr : 1, sizeof(*s->ends));
		s->ends_of = s->ends ? t : NULL;
		if (!s->ends)
			return serr(s, "out of memory");
	}
	if (s->ends[idx]) {
		*end = s->ends[idx];
		return 0;
	}
	for (i = idx + 1; i < t->nr; i++) {
		s->line = i + 1;
		n = line_tokens(s, t, i, &copy, tok);
		if (n < 0)
			return -1;
		/* The command, after an "expect-error ERRNAME" of the line. */
		cmd = n > 2 && !strcmp(tok[0], "expect-error") ? 2 : 0;
		if (n > cmd && (!strcmp(tok[cmd], "repeat") || !strcmp(tok[cmd], "batch")))
			depth++;
		if (n > cmd && !strcmp(tok[cmd], "end") && !--depth) {
			if (n > 1) {
				unknown_opt(s, tok, 1);
				free(copy);
				return -1;
			}
			free(copy);
			s->line = line;
			s->ends[idx] = i;
			*end = i;
			return 0;
		}
		free(copy);
	}
	s->line = line;
	return serr(s, "%s without end", what);
}

/*
 * "repeat N [VAR]" in @tok, the line @idx: its end (*@end, 0 if not
 * found), its count (1 in the checking pass, which checks the body once)
 * and its variable (copied into @var, "" for none).  Return: 0 or -1
 * (reported).
 */
static int repeat_head(struct script *s, const struct script_text *t, size_t idx,
		       char **tok, int ntok, __u64 *count, char *var, size_t len,
		       size_t *end)
{
	var[0] = '\0';
	*end = 0;
	if (want_args(s, tok, ntok, 1, "N [VAR] (the lines up to its end run N times)"))
		return -1;
	if (find_end(s, t, idx, "repeat", end))
		return -1;
	if (value(s, tok[1], count))
		return -1;
	if (ntok > 2) {
		if (!valid_name(tok[2]))
			return serr(s, "repeat: '%s' is not a valid name for its counter",
				    tok[2]);
		snprintf(var, len, "%s", tok[2]);
	}
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (!s->exec)
		*count = 1;
	return 0;
}

static int run_lines(struct script *s, const struct script_text *t, size_t from,
		     size_t to);

/* "repeat N [VAR]" on line *@idx: the lines up to its end, N times. */
static int run_repeat(struct script *s, const struct script_text *t, size_t *idx,
		      char **tok, int ntok)
{
	size_t from = *idx + 1, end;
	char var[64];
	__u64 count, k;
	int n;

	if (s->expect)
		return serr(s, "expect-error cannot precede repeat");
	n = repeat_head(s, t, *idx, tok, ntok, &count, var, sizeof(var), &end);
	/* Even after an error, what follows is after the end (keep-going). */
	if (end)
		*idx = end;
	if (n)
		return -1;
	for (k = 0; k < count; k++) {
		if (var[0] && var_set(s, var, k))
			return -1;
		if (run_lines(s, t, from, end))
			return -1;
	}
	return 0;
}

/* Batches */

/* One operation of a batch, as written; @name is allocated. */
struct batch_line {
	unsigned int line;
	int expect;
	char *name;
	const char *cmd;
};

/**
 * struct batch - the operations of a batch, as its lines are read
 * @ops: the BATCH operations.
 * @bl: the line of each.
 * @copies: the words of each line (@bl's @cmd points into them).
 * @count: operations.
 * @cap: room in the three arrays.
 */
struct batch {
	struct memsim_batch_op *ops;
	struct batch_line *bl;
	char **copies;
	__u32 count;
	__u32 cap;
};

static int parse_batch_op(struct script *s, char **tok, int ntok,
			  struct memsim_batch_op *op, char **name)
{
	struct memsim_alloc_arg a;
	const char *n;

	memset(op, 0, sizeof(*op));
	*name = NULL;
	if (!strcmp(tok[0], "alloc")) {
		if (parse_alloc(s, tok, ntok, &a, &n))
			return -1;
		if (n) {
			*name = strdup(n);
			if (!*name)
				return serr(s, "out of memory");
		}
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
	if (!strcmp(tok[0], "free") || !strcmp(tok[0], "complete"))
		return parse_batch_free(s, tok, ntok, op);
	return serr(s, "'%s' cannot be part of a batch (alloc, free, complete, repeat)",
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
static int batch_grow(struct batch *b)
{
	__u32 n = b->cap ? b->cap * 2 : 16;
	void *p;

	p = realloc(b->ops, n * sizeof(*b->ops));
	if (!p)
		return -1;
	b->ops = p;
	p = realloc(b->bl, n * sizeof(*b->bl));
	if (!p)
		return -1;
	b->bl = p;
	p = realloc(b->copies, n * sizeof(*b->copies));
	if (!p)
		return -1;
	b->copies = p;
	b->cap = n;
	return 0;
}

static void batch_free(struct batch *b)
{
	__u32 i;

	for (i = 0; i < b->count; i++) {
		free(b->copies[i]);
		free(b->bl[i].name);
	}
	free(b->copies);
	free(b->ops);
	free(b->bl);
}

/*
 * The operations of lines [@from, @to) of a batch into @b; a repeat inside
 * adds its lines N times, its counter bound as they are read.
 */
static int batch_collect(struct script *s, const struct script_text *t,
			 size_t from, size_t to, struct batch *b)
{
	char *tok[MAX_TOKENS], *copy, var[64];
	struct batch_line *bl;
	__u64 count, k;
	size_t i, end;
	int n, skip;

	for (i = from; i < to; i++) {
		s->line = i + 1;
		n = line_tokens(s, t, i, &copy, tok);
		if (n <= 0) {
			free(copy);
			if (n < 0)
				return -1;
			continue;
		}
		if (!strcmp(tok[0], "repeat")) {
			n = repeat_head(s, t, i, tok, n, &count, var, sizeof(var), &end);
			free(copy);
			if (n)
				return -1;
			/* The counter is the script's: usable inside the batch. */
			for (k = 0; k < count; k++) {
				if (var[0] && var_set(s, var, k))
					return -1;
				if (batch_collect(s, t, i + 1, end, b))
					return -1;
			}
			i = end;
			continue;
		}
		if (b->count == b->cap && batch_grow(b)) {
			free(copy);
			return serr(s, "out of memory");
		}
		bl = &b->bl[b->count];
		bl->line = s->line;
		bl->expect = 0;
		bl->name = NULL;
		skip = take_expect(s, tok, n, &bl->expect);
		if (skip >= 0 && skip == n)
			skip = serr(s, "expect-error in a batch needs an operation on its line");
		if (skip < 0 ||
		    parse_batch_op(s, tok + skip, n - skip, &b->ops[b->count], &bl->name)) {
			free(bl->name);
			free(copy);
			return -1;
		}
		bl->cmd = tok[skip];
		b->copies[b->count++] = copy;
	}
	return 0;
}

static const struct opt batch_opts[] = {
	{ .name = "stop-on-error", .parse = opt_bits, .arg = MEMSIM_BATCH_STOP_ON_ERROR },
	OPT_END
};

/* Memsim's words for a failed operation of a batch, from its errno alone. */
static const char *batch_why(const struct memsim_batch_op *op, char *buf, size_t len)
{
	switch (op->op) {
	case MEMSIM_BATCH_FREE:
		return why_free(buf, len, 0, op->error, op->addr, op->size, op->flags, NULL, 0);
	case MEMSIM_BATCH_COMPLETE_FREE:
		return why_free(buf, len, 1, op->error, op->addr, 0, 0, NULL, 0);
	default:
		return NULL;
	}
}

/*
 * "batch [stop-on-error]" on line *@idx, up to "end": parse the operations,
 * then run them in one MEMSIM_IOC_BATCH.  Names bound by the batch's
 * allocations are usable after "end".  *@idx is left on the "end" line.
 */
static int run_batch(struct script *s, const struct script_text *t, size_t *idx,
		     char **tok, int ntok)
{
	unsigned int batch_line = s->line, i;
	int batch_expect = s->expect, ret = 0;
	__u32 flags = 0, done = 0, failed = 0;
	struct batch b = { 0 };
	const char *why;
	char buf[256];
	size_t end;

	if (script_opts(s, batch_opts, &flags, tok, ntok, 1, NULL) ||
	    find_end(s, t, *idx, "batch", &end))
		return -1;

	s->in_batch = 1;
	ret = batch_collect(s, t, *idx + 1, end, &b);
	s->in_batch = 0;
	*idx = end;
	if (ret)
		goto out;

	if (!s->exec) {
		for (i = 0; i < b.count; i++)
			if (b.bl[i].name && var_set(s, b.bl[i].name, 0)) {
				ret = -1;
				goto out;
			}
		goto out;
	}

	s->line = batch_line;
	s->expect = batch_expect;
	ret = memsim_batch(&s->h, b.ops, b.count, flags, &done, &failed);
	if (ret) {
		ret = outcome(s, "batch", ret);
		ret = ret < 0 ? -1 : 0;
		goto out;
	}
	if (batch_expect) {
		ret = outcome(s, "batch", 0);
		goto out;
	}
	for (i = 0; i < done && i < b.count; i++)
		if (!b.ops[i].error && b.bl[i].name &&
		    var_set(s, b.bl[i].name, b.ops[i].addr)) {
			ret = -1;
			goto out;
		}
	if (json) {
		jbegin(s, "batch");
		jbool("ok", 1);
		ju64("count", b.count);
		ju64("done", done);
		ju64("failed", failed);
		jopen("ops", '[');
	} else {
		printf("batch: %u op%s, %u done, %u failed\n", b.count,
		       b.count == 1 ? "" : "s", done, failed);
	}
	for (i = 0; i < b.count; i++)
		print_batch_op(&b.bl[i], &b.ops[i], i < done);
	if (json) {
		jclose(']');
		jend();
	}
	/* Then judge each operation against its expectation. */
	for (i = 0; i < b.count; i++) {
		const struct memsim_batch_op *op = &b.ops[i];

		s->line = b.bl[i].line;
		if (i >= done) {
			if (b.bl[i].expect) {
				ret = serr(s, "expected %s, but the operation was not run",
					   memsim_errno_name(b.bl[i].expect));
				goto out;
			}
			continue;
		}
		why = op->error ? batch_why(op, buf, sizeof(buf)) : NULL;
		if (op->error && -op->error != b.bl[i].expect) {
			if (b.bl[i].expect)
				ret = serr(s, "expected %s, got %s (%s)",
					   memsim_errno_name(b.bl[i].expect),
					   memsim_errno_name(op->error),
					   why ? why : strerror(-op->error));
			else if (why)
				ret = serr(s, "%s: %s", b.bl[i].cmd, why);
			else
				ret = serr(s, "BATCH %s: %s",
					   op->op == MEMSIM_BATCH_ALLOC ? "ALLOC" :
					   op->op == MEMSIM_BATCH_FREE ? "FREE" :
					   "COMPLETE_FREE", strerror(-op->error));
			goto out;
		}
		if (!op->error && b.bl[i].expect) {
			ret = serr(s, "expected %s, but %s succeeded",
				   memsim_errno_name(b.bl[i].expect), b.bl[i].cmd);
			goto out;
		}
	}
out:
	s->in_batch = 0;
	batch_free(&b);
	return ret;
}

/* The executor */

/* "echo" prints the rest of its line as written. */
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

static int dispatch(struct script *s, const struct script_text *t, size_t *idx,
		    char **tok, int ntok)
{
	const struct command *c;
	const char *p, *near;
	size_t len = 0;
	int n;

	s->text[0] = '\0';
	s->why[0] = '\0';
	for (n = 0; n < ntok && len < sizeof(s->text); n++)
		len += snprintf(s->text + len, sizeof(s->text) - len, "%s%s",
				n ? " " : "", tok[n]);

	if (s->before_cmd && s->before_cmd(s, tok, ntok))
		return -1;
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
	if (!strcmp(tok[0], "repeat"))
		return run_repeat(s, t, idx, tok, ntok);
	if (!strcmp(tok[0], "end"))
		return serr(s, "end without repeat or batch");
	c = script_command(tok[0]);
	if (!c) {
		near = script_command_nearest(tok[0]);
		if (near)
			return serr(s, "unknown command '%s' (did you mean '%s'?)", tok[0],
				    near);
		return serr(s, "unknown command '%s'", tok[0]);
	}
	if (s->expect && !c->kernel)
		return serr(s, "expect-error cannot precede %s", c->name);
	return c->fn(s, tok, ntok);
}

/*
 * Handle line *@idx (a batch or a repeat consumes the lines up to its
 * "end"); an "expect-error" alone takes the next command, before @limit.
 */
static int run_line(struct script *s, const struct script_text *t, size_t *idx,
		    size_t limit)
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
			if (++*idx >= limit) {
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

/*
 * Lines [@from, @to): with SCRIPT_KEEP_GOING, a line that fails when
 * running is counted and the next one runs.  Return: 0 or -1.
 */
static int run_lines(struct script *s, const struct script_text *t, size_t from,
		     size_t to)
{
	size_t i;

	for (i = from; i < to; i++) {
		if (!run_line(s, t, &i, to))
			continue;
		if (!s->exec || !(s->flags & SCRIPT_KEEP_GOING))
			return -1;
		s->failures++;
	}
	return 0;
}

/**
 * script_read() - read a script whole
 * @path: its file, "-" for standard input.
 * @t: the lines.
 *
 * Return: 0, or -1 (reported on stderr).
 */
int script_read(const char *path, struct script_text *t)
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

void script_text_free(struct script_text *t)
{
	size_t i;

	for (i = 0; i < t->nr; i++)
		free(t->lines[i]);
	free(t->lines);
	t->lines = NULL;
	t->nr = 0;
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

/* A fresh interpreter for the script @path ("-": standard input). */
void script_init(struct script *s, const char *path)
{
	memset(s, 0, sizeof(*s));
	s->h.fd = -1;
	s->path = path;
	script_name(s, path);
}

void script_fini(struct script *s)
{
	vars_clear(s);
	free(s->ends);
	s->ends = NULL;
	s->ends_of = NULL;
}

static int run_pass(struct script *s, const struct script_text *t)
{
	vars_clear(s);
	if (run_lines(s, t, 0, t->nr))
		return -1;
	return s->failures ? -1 : 0;
}

/* Check every line of @t, with nothing sent.  Return: 0 or -1 (reported). */
int script_check(struct script *s, const struct script_text *t)
{
	s->exec = 0;
	return run_pass(s, t);
}

/* Run @t on s->h, open.  Return: 0, or -1 if a line failed (reported). */
int script_run(struct script *s, const struct script_text *t)
{
	s->exec = 1;
	s->failures = 0;
	return run_pass(s, t);
}

/**
 * script_words() - run a line that memsimctl writes itself
 * @s: the script, whose instance it runs on.
 * @words: the line.
 * @extra: "" or a word added to it.
 * @extra2: "" or another.
 *
 * It runs as line 0 (no line number in its messages, no automatic label),
 * on the instance s->h, open.
 *
 * Return: 0 or -1 (reported).
 */
int script_words(struct script *s, const char *words, const char *extra,
		 const char *extra2)
{
	char line[128], *tok[MAX_TOKENS];
	const struct command *c;
	int n;

	snprintf(line, sizeof(line), "%s %s %s", words, extra, extra2);
	n = tokenize(line, tok);
	s->exec = 1;
	s->line = 0;
	s->expect = 0;
	s->why[0] = '\0';
	c = n > 0 ? script_command(tok[0]) : NULL;
	if (c)
		return c->fn(s, tok, n);
	return serr(s, "internal error: '%s'", words);
}
