// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: integer arithmetic in script arguments
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See expr.h.  A recursive descent over the text, evaluating as it goes.
 */
#include <ctype.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "compiler.h"
#include "expr.h"
#include "num.h"

/* Nesting of parentheses and brackets an expression may have. */
#define EXPR_MAX_DEPTH	64

struct parser {
	struct expr_env *env;
	const char *p;
	const char *end;
	int depth;
};

__printf(2, 3) static int fail(struct parser *ps, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(ps->env->err, sizeof(ps->env->err), fmt, ap);
	va_end(ap);
	return -1;
}

static void skip_blanks(struct parser *ps)
{
	while (ps->p < ps->end && isspace((unsigned char)*ps->p))
		ps->p++;
}

static int is_name_start(int c)
{
	return isalpha(c) || c == '_';
}

static int is_name_char(int c)
{
	return isalnum(c) || c == '_';
}

/* The rest of the text, for messages. */
static int rest_len(const struct parser *ps)
{
	int n = ps->end - ps->p;

	return n > 40 ? 40 : n;
}

static int parse_expr(struct parser *ps, __u64 *out);

/* The text up to the bracket matching the '[' at ps->p. */
static const char *match_bracket(struct parser *ps)
{
	const char *q;
	int depth = 0;

	for (q = ps->p; q < ps->end; q++) {
		if (*q == '[')
			depth++;
		else if (*q == ']' && !--depth)
			return q;
	}
	return NULL;
}

/*
 * NAME or NAME[EXPR] at ps->p (a '$' before it taken already): its full
 * name into @buf ("act[3]", or "act[]" when checking).
 */
static int parse_name(struct parser *ps, char *buf, size_t len)
{
	const char *start = ps->p, *close;
	struct parser sub;
	size_t n;
	__u64 idx;

	if (ps->p >= ps->end || !is_name_start((unsigned char)*ps->p))
		return fail(ps, "expected a name at '%.*s'", rest_len(ps), ps->p);
	while (ps->p < ps->end && is_name_char((unsigned char)*ps->p))
		ps->p++;
	n = ps->p - start;
	if (n + 24 > len)
		return fail(ps, "the name '%.*s' is too long", (int)n, start);
	memcpy(buf, start, n);
	buf[n] = '\0';
	if (ps->p >= ps->end || *ps->p != '[')
		return 0;
	close = match_bracket(ps);
	if (!close)
		return fail(ps, "'%.*s' has no ']'", rest_len(ps), ps->p);
	if (ps->depth >= EXPR_MAX_DEPTH)
		return fail(ps, "nested too deep");
	sub = (struct parser){ ps->env, ps->p + 1, close, ps->depth + 1 };
	if (parse_expr(&sub, &idx))
		return -1;
	skip_blanks(&sub);
	if (sub.p != close)
		return fail(ps, "unexpected '%.*s' in the index of '%s'",
			    (int)(close - sub.p), sub.p, buf);
	ps->p = close + 1;
	if (ps->env->check)
		snprintf(buf + n, len - n, "[]");
	else
		snprintf(buf + n, len - n, "[%llu]", (unsigned long long)idx);
	return 0;
}

static int parse_factor(struct parser *ps, __u64 *out)
{
	const char *start;
	char name[128];
	int ret;

	skip_blanks(ps);
	if (ps->p >= ps->end)
		return fail(ps, "a number or a name is missing at the end");
	if (*ps->p == '(' || (*ps->p == '$' && ps->p + 1 < ps->end && ps->p[1] == '(')) {
		if (*ps->p == '$')
			ps->p++;
		ps->p++;
		if (++ps->depth > EXPR_MAX_DEPTH)
			return fail(ps, "nested too deep");
		if (parse_expr(ps, out))
			return -1;
		ps->depth--;
		skip_blanks(ps);
		if (ps->p >= ps->end || *ps->p != ')')
			return fail(ps, "a ')' is missing");
		ps->p++;
		return 0;
	}
	if (isdigit((unsigned char)*ps->p)) {
		start = ps->p;
		while (ps->p < ps->end && (isalnum((unsigned char)*ps->p) || *ps->p == '.'))
			ps->p++;
		ret = num_parse_len(start, ps->p - start, out);
		if (ret)
			return fail(ps, "'%.*s' %s", (int)(ps->p - start), start,
				    num_strerror(ret));
		if (ps->env->check)
			*out = 0;
		return 0;
	}
	if (*ps->p == '$')
		ps->p++;
	if (parse_name(ps, name, sizeof(name)))
		return -1;
	if (ps->env->lookup(ps->env, name, out))
		return -1;
	if (ps->env->check)
		*out = 0;
	return 0;
}

static int apply(struct parser *ps, char op, __u64 a, __u64 b, __u64 *out)
{
	if (ps->env->check) {
		*out = 0;
		return 0;
	}
	switch (op) {
	case '+':
		if (a > UINT64_MAX - b)
			return fail(ps, "%llu + %llu does not fit in 64 bits",
				    (unsigned long long)a, (unsigned long long)b);
		*out = a + b;
		return 0;
	case '-':
		if (b > a)
			return fail(ps, "%llu - %llu is negative",
				    (unsigned long long)a, (unsigned long long)b);
		*out = a - b;
		return 0;
	case '*':
		if (a && b > UINT64_MAX / a)
			return fail(ps, "%llu * %llu does not fit in 64 bits",
				    (unsigned long long)a, (unsigned long long)b);
		*out = a * b;
		return 0;
	default:
		if (!b)
			return fail(ps, "%llu %c 0: division by zero",
				    (unsigned long long)a, op);
		*out = op == '/' ? a / b : a % b;
		return 0;
	}
}

static int parse_term(struct parser *ps, __u64 *out)
{
	__u64 b;
	char op;

	if (parse_factor(ps, out))
		return -1;
	for (;;) {
		skip_blanks(ps);
		if (ps->p >= ps->end || !strchr("*/%", *ps->p))
			return 0;
		op = *ps->p++;
		if (parse_factor(ps, &b) || apply(ps, op, *out, b, out))
			return -1;
	}
}

static int parse_expr(struct parser *ps, __u64 *out)
{
	__u64 b;
	char op;

	if (parse_term(ps, out))
		return -1;
	for (;;) {
		skip_blanks(ps);
		if (ps->p >= ps->end || (*ps->p != '+' && *ps->p != '-'))
			return 0;
		op = *ps->p++;
		if (parse_term(ps, &b) || apply(ps, op, *out, b, out))
			return -1;
	}
}

/**
 * expr_eval() - evaluate an expression
 * @env: its environment.
 * @str: the expression (the text inside "$(...)").
 * @len: its length.
 * @out: its value (0 when checking).
 *
 * Return: 0, or -1 with the reason in env->err.
 */
int expr_eval(struct expr_env *env, const char *str, size_t len, __u64 *out)
{
	struct parser ps = { env, str, str + len, 0 };

	env->err[0] = '\0';
	if (parse_expr(&ps, out))
		return -1;
	skip_blanks(&ps);
	if (ps.p < ps.end)
		return fail(&ps, "unexpected '%.*s'", rest_len(&ps), ps.p);
	return 0;
}

/**
 * expr_name() - a variable's full name: NAME, or NAME[EXPR]
 * @env: the environment the index is evaluated in.
 * @str: the text, starting with the name (no '$').
 * @len: its length.
 * @buf: the name, "act[3]" for an element ("act[]" when checking).
 * @buflen: the size of @buf.
 * @used: if not NULL, the bytes of @str the name took; if NULL, the name
 *	must take them all.
 *
 * Return: 0, or -1 with the reason in env->err.
 */
int expr_name(struct expr_env *env, const char *str, size_t len, char *buf,
	      size_t buflen, size_t *used)
{
	struct parser ps = { env, str, str + len, 0 };

	env->err[0] = '\0';
	if (parse_name(&ps, buf, buflen))
		return -1;
	if (used)
		*used = ps.p - str;
	else if (ps.p < ps.end)
		return fail(&ps, "unexpected '%.*s' after the name", rest_len(&ps), ps.p);
	return 0;
}
