/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: errors that belong to a line of an input
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The script executor and the trace readers report what went wrong where
 * in one structure, so that a caller can print it (diag_print()), keep it
 * (the first failure of a run) or count it (keep-going).
 */
#ifndef _MEMSIMCTL_DIAG_H
#define _MEMSIMCTL_DIAG_H

#include <stdio.h>

#include "compiler.h"

/**
 * struct diag - an error at a line of an input
 * @file: the input as the user named it ("-" for standard input), or NULL
 *	if the error is not about an input.
 * @line: the line, from 1; 0 if the error is about no line in particular.
 * @msg: what is wrong (and what to do), without file, line or newline.
 */
struct diag {
	const char *file;
	unsigned int line;
	char msg[512];
};

__printf(4, 5) void diag_set(struct diag *d, const char *file, unsigned int line,
			     const char *fmt, ...);
void diag_print(const struct diag *d, FILE *f);

#endif /* _MEMSIMCTL_DIAG_H */
