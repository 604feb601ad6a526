/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: integer arithmetic in script arguments
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The text inside "$(...)": unsigned 64-bit integers with + - * / % and
 * parentheses, the usual precedence, left to right:
 *
 *   expr     := term (("+" | "-") term)*
 *   term     := factor (("*" | "/" | "%") factor)*
 *   factor   := NUMBER | name | "(" expr ")" | "$(" expr ")"
 *   name     := ["$"] NAME ["[" expr "]"]
 *
 * NUMBER is num.h's grammar (4K, 1.5M, 0x10); blanks may separate the
 * tokens.  A result over 2^64 - 1 or below 0, and a division or remainder
 * by zero, are errors.  Names are looked up through the environment; with
 * @check set, the arithmetic is not judged (names must still be known):
 * the checking pass of a script, whose names have no values yet.
 *
 * Pure code (no device, no output): tested on the host by
 * selftests/memsimctl/host/expr_test.c.
 */
#ifndef _MEMSIMCTL_EXPR_H
#define _MEMSIMCTL_EXPR_H

#include <stddef.h>

#include <linux/types.h>

/**
 * struct expr_env - what an expression is evaluated in
 * @lookup: the value of the variable @name ("i", or "act[3]" for an
 *	element): 0, or -1 with the reason in @err.
 * @check: 1 to check only: every result is 0, arithmetic errors are not
 *	looked for, and an element's name has "[]" for its index ("act[]").
 * @arg: for @lookup.
 * @err: the reason of the last failure, without the expression.
 */
struct expr_env {
	int (*lookup)(struct expr_env *env, const char *name, __u64 *value);
	int check;
	void *arg;
	char err[256];
};

int expr_eval(struct expr_env *env, const char *str, size_t len, __u64 *out);
int expr_name(struct expr_env *env, const char *str, size_t len, char *buf,
	      size_t buflen, size_t *used);

#endif /* _MEMSIMCTL_EXPR_H */
