/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: the option parser of every command
 *
 * Copyright (C) 2026 The memsim authors
 *
 * A command describes its options in a table of struct opt, ended by an
 * entry with a NULL name, and hands it to one of two drivers:
 *
 *   opt_parse_argv()   command-line arguments: --name VALUE, --name=VALUE,
 *                      -c VALUE, -cVALUE, bare --flag; stops at the first
 *                      argument that is not an option, or after "--"
 *   opt_parse_words()  the words of a script line: name=VALUE, a bare flag,
 *                      or a name whose value is the next word ("as NAME")
 *
 * Each entry names a parse function and a destination, an offset into the
 * structure the context points at (struct opt_ctx @base), so that the
 * tables are constant and can also serve the help text and "did you mean"
 * (opt_nearest()).  Numbers go through the context's @number hook: the
 * script language resolves $NAME there.
 *
 * Pure code (no device): tested on the host by selftests/memsimctl/host/.
 */
#ifndef _MEMSIMCTL_OPTIONS_H
#define _MEMSIMCTL_OPTIONS_H

#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

#include "compiler.h"

struct opt;
struct opt_ctx;

/*
 * Parse @val (NULL for a flag, or for OPT_NEXT without a next word) into
 * the destination of @o.  Return: 0, -1 on an error (reported), or
 * OPT_UNKNOWN to have the word reported as an unknown argument.
 */
typedef int (*opt_fn)(struct opt_ctx *c, const struct opt *o, const char *val);

#define OPT_UNKNOWN	1

/* struct opt @flags */
#define OPT_VALUE	(1U << 0)	/* takes a value */
#define OPT_NEXT	(1U << 1)	/* words: the value is the next word */
#define OPT_ONCE	(1U << 2)	/* given again, it is an unknown argument */

/**
 * struct opt - an option
 * @name: its name: "ops" is --ops on the command line, ops= in a script.
 * @short_name: command line: its one-letter form (-d), or 0.
 * @flags: OPT_*.
 * @parse: how its value is read (opt_flag(), opt_u64(), ...).
 * @off: where it goes: an offset in the context's @base.
 * @arg: for @parse: the bits of opt_bits().
 * @metavar: its value in the help text ("N", "SIZE"), NULL for a flag.
 * @help: one line of help.
 */
struct opt {
	const char *name;
	char short_name;
	unsigned char flags;
	opt_fn parse;
	size_t off;
	unsigned long arg;
	const char *metavar;
	const char *help;
};

/**
 * struct opt_ctx - one parse
 * @cmd: the command, for messages.
 * @words: 1 for the words of a script line, 0 for command-line arguments.
 * @base: the structure the entries' @off point into.
 * @number: reads a number (reporting its own errors): 0 or -1; NULL:
 *	parse_u64(), with a message of the parser's.
 * @positional: words: called with a word no entry matches: 1 if it took it,
 *	0 if the word is unknown, -1 on an error (reported); may be NULL.
 * @report: prints a message of the parser's (one line, without newline);
 *	NULL: "memsimctl: MESSAGE" on stderr.
 * @arg: the caller's, for its hooks.
 * @seen: bit i is set once entry i of the table was given.
 * @index: words: the index of the word being parsed.
 */
struct opt_ctx {
	const char *cmd;
	int words;
	void *base;
	int (*number)(struct opt_ctx *c, const char *str, __u64 *out);
	int (*positional)(struct opt_ctx *c, const char *word);
	void (*report)(struct opt_ctx *c, const char *msg);
	void *arg;
	unsigned long long seen;
	int index;
};

#define OPT_END		{ .name = NULL }

int opt_parse_argv(struct opt_ctx *c, const struct opt *tab, int argc,
		   char **argv);
int opt_parse_words(struct opt_ctx *c, const struct opt *tab, char **tok,
		    int ntok, int first);
int opt_given(const struct opt_ctx *c, const struct opt *tab,
	      const char *name);
const char *opt_nearest(const struct opt *tab, const char *word);
const char *nearest_word(const char *const *names, size_t n, const char *word);
unsigned int edit_distance(const char *a, const char *b);
void opt_help(FILE *f, const struct opt *tab, const char *indent);
__printf(2, 3) int opt_error(struct opt_ctx *c, const char *fmt, ...);
void *opt_dest(const struct opt_ctx *c, const struct opt *o);
int opt_number(struct opt_ctx *c, const struct opt *o, const char *val,
	       __u64 *out);

/* Parse functions */
int opt_flag(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_bits(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_u64(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_u32(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_or32(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_stream(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_prob(struct opt_ctx *c, const struct opt *o, const char *val);
int opt_str(struct opt_ctx *c, const struct opt *o, const char *val);

#endif /* _MEMSIMCTL_OPTIONS_H */
