/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: why an allocation failed, in figures
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef MEMSIMCTL_EXPLAIN_H
#define MEMSIMCTL_EXPLAIN_H

#include <stdbool.h>
#include <stdio.h>

#include "../libmemsim.h"

char *explain_request(char *buf, size_t len, const struct memsim_alloc_arg *req);
char *explain_message(char *buf, size_t len, const struct memsim_alloc_arg *req,
		      const struct memsim_explain_arg *e);
void explain_print_candidates(FILE *f, const struct memsim_explain_arg *e);
void explain_print(FILE *f, const char *where, const struct memsim_alloc_arg *req,
		   const struct memsim_explain_arg *e);
void explain_print_json(FILE *f, const char *where, const struct memsim_alloc_arg *req,
			const struct memsim_explain_arg *e);
int explain_alloc_failure(struct memsim_handle *h, const char *where,
			  const struct memsim_alloc_arg *req, bool json, FILE *f,
			  struct memsim_explain_arg *out);

#endif /* MEMSIMCTL_EXPLAIN_H */
