// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: errors that belong to a line of an input
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <stdarg.h>
#include <stdio.h>

#include "diag.h"

void diag_set(struct diag *d, const char *file, unsigned int line,
	      const char *fmt, ...)
{
	va_list ap;

	d->file = file;
	d->line = line;
	va_start(ap, fmt);
	vsnprintf(d->msg, sizeof(d->msg), fmt, ap);
	va_end(ap);
}

/*
 * Print @d on @f as one line: "FILE:LINE: MESSAGE" (FILE "-" for standard
 * input), the form editors and compilers use; "memsimctl: MESSAGE" when it
 * is about no line of an input.
 */
void diag_print(const struct diag *d, FILE *f)
{
	if (d->file && d->line)
		fprintf(f, "%s:%u: %s\n", d->file, d->line, d->msg);
	else if (d->file)
		fprintf(f, "memsimctl: %s: %s\n", d->file, d->msg);
	else
		fprintf(f, "memsimctl: %s\n", d->msg);
}
