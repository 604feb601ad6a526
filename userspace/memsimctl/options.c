// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the option parser of every command
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See options.h.
 */
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "num.h"
#include "options.h"

#define MEMSIM_STREAM_ANY	0xffffffffU

/* Report a message of the parser's.  Return: -1. */
int opt_error(struct opt_ctx *c, const char *fmt, ...)
{
	char msg[512];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->report)
		c->report(c, msg);
	else
		fprintf(stderr, "memsimctl: %s\n", msg);
	return -1;
}

/*
 * A bad value of @o: on the command line "CMD: --NAME: MESSAGE", in a
 * script the message alone (the line says where).  Return: -1.
 */
__printf(3, 4) static int opt_bad(struct opt_ctx *c, const struct opt *o,
				  const char *fmt, ...);

static int opt_bad(struct opt_ctx *c, const struct opt *o, const char *fmt, ...)
{
	char msg[400];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (c->words)
		return opt_error(c, "%s", msg);
	return opt_error(c, "%s: --%s: %s", c->cmd, o->name, msg);
}

void *opt_dest(const struct opt_ctx *c, const struct opt *o)
{
	return (char *)c->base + o->off;
}

/* A number, through the context's hook.  Return: 0 or -1 (reported). */
int opt_number(struct opt_ctx *c, const struct opt *o, const char *val,
	       __u64 *out)
{
	if (c->number)
		return c->number(c, val, out);
	if (parse_u64(val, out))
		return opt_bad(c, o, "'%s' is not a number", val);
	return 0;
}

int opt_flag(struct opt_ctx *c, const struct opt *o, const char *val)
{
	(void)val;
	*(int *)opt_dest(c, o) = 1;
	return 0;
}

int opt_bits(struct opt_ctx *c, const struct opt *o, const char *val)
{
	(void)val;
	*(__u32 *)opt_dest(c, o) |= o->arg;
	return 0;
}

int opt_u64(struct opt_ctx *c, const struct opt *o, const char *val)
{
	return opt_number(c, o, val, opt_dest(c, o));
}

static int number32(struct opt_ctx *c, const struct opt *o, const char *val,
		    __u32 *out)
{
	__u64 v;

	if (opt_number(c, o, val, &v))
		return -1;
	if (v > UINT32_MAX)
		return opt_bad(c, o, "'%s' does not fit in 32 bits", val);
	*out = v;
	return 0;
}

int opt_u32(struct opt_ctx *c, const struct opt *o, const char *val)
{
	return number32(c, o, val, opt_dest(c, o));
}

/* A 32-bit number ORed into the destination (raw flag bits). */
int opt_or32(struct opt_ctx *c, const struct opt *o, const char *val)
{
	__u32 v = 0;

	if (number32(c, o, val, &v))
		return -1;
	*(__u32 *)opt_dest(c, o) |= v;
	return 0;
}

/* A stream number, or "any" (MEMSIM_STREAM_ANY_ID). */
int opt_stream(struct opt_ctx *c, const struct opt *o, const char *val)
{
	if (!strcasecmp(val, "any")) {
		*(__u32 *)opt_dest(c, o) = MEMSIM_STREAM_ANY;
		return 0;
	}
	return opt_u32(c, o, val);
}

/* A probability, into a __u32 in parts per million. */
int opt_prob(struct opt_ctx *c, const struct opt *o, const char *val)
{
	long ppm = parse_prob(val);

	if (ppm < 0) {
		if (c->words)
			return opt_error(c, "%s= wants a probability (0..1 or N%%), not '%s'",
					 o->name, val);
		return opt_bad(c, o, "'%s' is not a probability (0..1 or N%%)", val);
	}
	*(__u32 *)opt_dest(c, o) = ppm;
	return 0;
}

int opt_str(struct opt_ctx *c, const struct opt *o, const char *val)
{
	(void)c;
	*(const char **)opt_dest(c, o) = val;
	return 0;
}

/* Whether the entry called @name was given. */
int opt_given(const struct opt_ctx *c, const struct opt *tab, const char *name)
{
	int i;

	for (i = 0; tab[i].name; i++)
		if (!strcmp(tab[i].name, name))
			return !!(c->seen & (1ULL << i));
	return 0;
}

/* Parse @val into entry @i of @tab.  Return: 0, -1 or OPT_UNKNOWN. */
static int take(struct opt_ctx *c, const struct opt *tab, int i, const char *val)
{
	int ret;

	if ((tab[i].flags & OPT_ONCE) && (c->seen & (1ULL << i)))
		return OPT_UNKNOWN;
	ret = tab[i].parse(c, &tab[i], val);
	if (!ret)
		c->seen |= 1ULL << i;
	return ret;
}

static int find_long(const struct opt *tab, const char *name, size_t len)
{
	int i;

	for (i = 0; tab[i].name; i++)
		if (strlen(tab[i].name) == len && !strncmp(tab[i].name, name, len))
			return i;
	return -1;
}

static int find_short(const struct opt *tab, char ch)
{
	int i;

	for (i = 0; tab[i].name; i++)
		if (tab[i].short_name && tab[i].short_name == ch)
			return i;
	return -1;
}

static int unknown_option(struct opt_ctx *c, const char *arg)
{
	return opt_error(c, "%s: unknown option '%s'", c->cmd, arg);
}

/* -abc: flags, the last of which may take the rest or the next argument. */
static int parse_short(struct opt_ctx *c, const struct opt *tab, int argc,
		       char **argv, int *ai)
{
	const char *p = argv[*ai] + 1;
	char name[3] = "-?";
	int i, ret;

	for (; *p; p++) {
		name[1] = *p;
		i = find_short(tab, *p);
		if (i < 0)
			return unknown_option(c, name);
		if (!(tab[i].flags & OPT_VALUE)) {
			ret = take(c, tab, i, NULL);
		} else if (p[1]) {
			ret = take(c, tab, i, p + 1);
			p += strlen(p) - 1;
		} else if (*ai + 1 < argc) {
			ret = take(c, tab, i, argv[++*ai]);
		} else {
			return opt_error(c, "%s: option '%s' needs a value", c->cmd, name);
		}
		if (ret == OPT_UNKNOWN)
			return unknown_option(c, name);
		if (ret)
			return -1;
	}
	return 0;
}

/**
 * opt_parse_argv() - parse command-line options
 * @c: the context.
 * @tab: the options.
 * @argc: number of arguments.
 * @argv: the arguments, @argv[0] being the command (not parsed).
 *
 * Return: the index of the first argument that is not an option (after
 * "--" if it ends the options; @argc if none), or -1 on an error
 * (reported).
 */
int opt_parse_argv(struct opt_ctx *c, const struct opt *tab, int argc,
		   char **argv)
{
	const char *arg, *eq, *val;
	int ai, i, ret;
	size_t len;

	c->words = 0;
	for (ai = 1; ai < argc; ai++) {
		arg = argv[ai];
		if (!strcmp(arg, "--"))
			return ai + 1;
		if (arg[0] != '-' || !arg[1])
			return ai;
		if (arg[1] != '-') {
			if (parse_short(c, tab, argc, argv, &ai))
				return -1;
			continue;
		}
		eq = strchr(arg + 2, '=');
		len = eq ? (size_t)(eq - arg - 2) : strlen(arg + 2);
		i = find_long(tab, arg + 2, len);
		if (i < 0)
			return unknown_option(c, arg);
		if (!(tab[i].flags & OPT_VALUE)) {
			if (eq)
				return opt_error(c, "%s: option '--%s' takes no value",
						 c->cmd, tab[i].name);
			val = NULL;
		} else if (eq) {
			val = eq + 1;
		} else if (ai + 1 < argc) {
			val = argv[++ai];
		} else {
			return opt_error(c, "%s: option '--%s' needs a value", c->cmd,
					 tab[i].name);
		}
		ret = take(c, tab, i, val);
		if (ret == OPT_UNKNOWN)
			return unknown_option(c, arg);
		if (ret)
			return -1;
	}
	return argc;
}

static int unknown_word(struct opt_ctx *c, const char *word)
{
	return opt_error(c, "%s: unknown argument '%s'", c->cmd, word);
}

/**
 * opt_parse_words() - parse the options of a script line
 * @c: the context.
 * @tab: the options.
 * @tok: the line's words, @tok[0] its command.
 * @ntok: number of words.
 * @first: index of the first option word.
 *
 * A word is NAME=VALUE for an entry with OPT_VALUE, NAME for a flag, or
 * NAME followed by a word for an entry with OPT_NEXT.  Other words go to
 * the context's @positional hook, or are unknown arguments.
 *
 * Return: 0, or -1 on an error (reported).
 */
int opt_parse_words(struct opt_ctx *c, const struct opt *tab, char **tok,
		    int ntok, int first)
{
	const char *word, *eq, *val;
	int i, wi, ret;
	size_t len;

	c->words = 1;
	for (wi = first; wi < ntok; wi++) {
		word = tok[wi];
		c->index = wi;
		eq = strchr(word, '=');
		len = eq ? (size_t)(eq - word) : strlen(word);
		i = find_long(tab, word, len);
		if (i >= 0 && !eq != !(tab[i].flags & OPT_VALUE))
			i = -1;
		if (i < 0) {
			ret = c->positional ? c->positional(c, word) : 0;
			if (ret < 0)
				return -1;
			if (!ret)
				return unknown_word(c, word);
			continue;
		}
		val = eq ? eq + 1 : NULL;
		if (tab[i].flags & OPT_NEXT)
			val = wi + 1 < ntok ? tok[++wi] : NULL;
		ret = take(c, tab, i, val);
		if (ret == OPT_UNKNOWN)
			return unknown_word(c, word);
		if (ret)
			return -1;
	}
	return 0;
}

/* Levenshtein distance, for "did you mean"; long words are cut at 63. */
unsigned int edit_distance(const char *a, const char *b)
{
	unsigned int row[64], prev, tmp, i, j, la, lb, best;

	la = strlen(a);
	lb = strlen(b);
	if (la > 63)
		la = 63;
	if (lb > 63)
		lb = 63;
	for (j = 0; j <= lb; j++)
		row[j] = j;
	for (i = 1; i <= la; i++) {
		prev = row[0];
		row[0] = i;
		for (j = 1; j <= lb; j++) {
			tmp = row[j];
			best = prev + (a[i - 1] != b[j - 1]);
			if (row[j] + 1 < best)
				best = row[j] + 1;
			if (row[j - 1] + 1 < best)
				best = row[j - 1] + 1;
			row[j] = best;
			prev = tmp;
		}
	}
	return row[lb];
}

/*
 * The name in @tab nearest to @word (its part before any '=', without
 * leading dashes), if it is near enough to be a typo: at most a third of
 * its letters wrong (at least one), or a prefix.  Return: NULL if none.
 */
const char *opt_nearest(const struct opt *tab, const char *word)
{
	unsigned int d, best = ~0U, limit;
	const char *found = NULL;
	char key[64];
	size_t len;
	int i;

	while (*word == '-')
		word++;
	len = strcspn(word, "=");
	if (!len || len >= sizeof(key))
		return NULL;
	memcpy(key, word, len);
	key[len] = '\0';
	for (i = 0; tab[i].name; i++) {
		d = edit_distance(key, tab[i].name);
		limit = strlen(tab[i].name) / 3;
		if (limit < 1)
			limit = 1;
		if (!strncmp(tab[i].name, key, len) && len >= 2)
			d = 0;
		if (d <= limit && d < best) {
			best = d;
			found = tab[i].name;
		}
	}
	return found;
}

/* The options of @tab, one per line: "--name VALUE   help". */
void opt_help(FILE *f, const struct opt *tab, const char *indent)
{
	char left[64];
	int i;

	for (i = 0; tab[i].name; i++) {
		if (!tab[i].help)
			continue;
		snprintf(left, sizeof(left), "--%s%s%s", tab[i].name,
			 tab[i].metavar ? " " : "",
			 tab[i].metavar ? tab[i].metavar : "");
		fprintf(f, "%s%-22s %s\n", indent, left, tab[i].help);
	}
}
