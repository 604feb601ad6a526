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
	int ret;

	if (c->number)
		return c->number(c, val, out);
	ret = num_parse(val, out);
	if (ret)
		return opt_bad(c, o, "'%s' %s", val, num_strerror(ret));
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

/* " (did you mean '--NAME'?)" for @word, or "" if nothing is near. */
static const char *did_you_mean(const struct opt *tab, const char *word,
				int words, char *buf, size_t len)
{
	const char *n = opt_nearest(tab, word);
	int i;

	buf[0] = '\0';
	if (!n)
		return buf;
	for (i = 0; tab[i].name && strcmp(tab[i].name, n); i++)
		;
	if (!words)
		snprintf(buf, len, " (did you mean '--%s'?)", n);
	else
		snprintf(buf, len, " (did you mean '%s%s'?)", n,
			 tab[i].flags & OPT_VALUE ? "=" :
			 tab[i].flags & OPT_NEXT ? " ..." : "");
	return buf;
}

static int unknown_option(struct opt_ctx *c, const struct opt *tab, const char *arg)
{
	char hint[96];

	return opt_error(c, "%s: unknown option '%s'%s", c->cmd, arg,
			 did_you_mean(tab, arg, 0, hint, sizeof(hint)));
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
			return unknown_option(c, tab, name);
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
			return unknown_option(c, tab, name);
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
			return unknown_option(c, tab, arg);
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
			return unknown_option(c, tab, arg);
		if (ret)
			return -1;
	}
	return argc;
}

static int unknown_word(struct opt_ctx *c, const struct opt *tab, const char *word)
{
	char hint[96];

	return opt_error(c, "%s: unknown argument '%s'%s", c->cmd, word,
			 did_you_mean(tab, word, 1, hint, sizeof(hint)));
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
				return unknown_word(c, tab, word);
			continue;
		}
		val = eq ? eq + 1 : NULL;
		if (tab[i].flags & OPT_NEXT)
			val = wi + 1 < ntok ? tok[++wi] : NULL;
		ret = take(c, tab, i, val);
		if (ret == OPT_UNKNOWN)
			return unknown_word(c, tab, word);
		if (ret)
			return -1;
	}
	return 0;
}

/*
 * Edit distance for "did you mean": insertions, deletions, substitutions
 * and transpositions of two neighbours ("algin" is 1 from "align") each
 * count 1 (optimal string alignment).  Words are cut at 63 characters.
 */
unsigned int edit_distance(const char *a, const char *b)
{
	unsigned int d[64][64], i, j, la, lb, best, cost;

	la = strlen(a);
	lb = strlen(b);
	if (la > 63)
		la = 63;
	if (lb > 63)
		lb = 63;
	for (i = 0; i <= la; i++)
		d[i][0] = i;
	for (j = 0; j <= lb; j++)
		d[0][j] = j;
	for (i = 1; i <= la; i++) {
		for (j = 1; j <= lb; j++) {
			cost = a[i - 1] != b[j - 1];
			best = d[i - 1][j - 1] + cost;
			if (d[i - 1][j] + 1 < best)
				best = d[i - 1][j] + 1;
			if (d[i][j - 1] + 1 < best)
				best = d[i][j - 1] + 1;
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] &&
			    d[i - 2][j - 2] + 1 < best)
				best = d[i - 2][j - 2] + 1;
			d[i][j] = best;
		}
	}
	return d[la][lb];
}

/*
 * How near @key is to @name, if near enough to be a typo: at most a third
 * of the name's letters wrong (at least one), or a prefix of it (two
 * letters at least).  Return: the distance, or ~0U if too far.
 */
static unsigned int typo_distance(const char *key, const char *name)
{
	unsigned int d = edit_distance(key, name), limit = strlen(name) / 3;
	size_t len = strlen(key);

	if (limit < 1)
		limit = 1;
	if (len >= 2 && !strncmp(name, key, len))
		d = 0;
	return d <= limit ? d : ~0U;
}

/**
 * nearest_word() - the word of a list a typo most likely meant
 * @names: the words.
 * @n: their number.
 * @word: the typo.
 *
 * Return: the nearest of @names (see typo_distance()), or NULL.
 */
const char *nearest_word(const char *const *names, size_t n, const char *word)
{
	unsigned int d, best = ~0U;
	const char *found = NULL;
	size_t i;

	for (i = 0; i < n; i++) {
		d = typo_distance(word, names[i]);
		if (d < best) {
			best = d;
			found = names[i];
		}
	}
	return found;
}

/*
 * The name in @tab nearest to @word (its part before any '=', without
 * leading dashes), as nearest_word() judges.  Return: NULL if none.
 */
const char *opt_nearest(const struct opt *tab, const char *word)
{
	unsigned int d, best = ~0U;
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
		d = typo_distance(key, tab[i].name);
		if (d < best) {
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
