/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: the instance as it stood at a script's first failure
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIMCTL_EVIDENCE_H
#define _MEMSIMCTL_EVIDENCE_H

#include "script.h"

/* Records the evidence ring keeps; the file shows the last EVIDENCE_TRACE. */
#define EVIDENCE_RING	1024
#define EVIDENCE_TRACE	32

/**
 * struct evidence - where a script's first failure is written down
 * @path: the file, "-" for standard error, or NULL for none.
 * @written: the file was written (once per run).
 * @tracing: the evidence ring was started before the script.
 */
struct evidence {
	const char *path;
	int written;
	int tracing;
};

void evidence_start(struct script *s, struct evidence *ev);
void evidence_on_error(struct script *s, const struct diag *d);

#endif /* _MEMSIMCTL_EVIDENCE_H */
