/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: the number grammar
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Pure functions (no device, no output), tested on the host by
 * selftests/memsimctl/host/.  The grammar (Documentation/memsimctl.rst,
 * Numbers):
 *
 *   number   := hex | decimal
 *   hex      := "0x" HEXDIGIT+ [suffix]
 *   decimal  := DIGIT+ ["." DIGIT+] [suffix]   a fraction only with a unit
 *   suffix   := unit ["iB" | "B"] | "B"        letters in either case
 *   unit     := "K" | "M" | "G" | "T" | "P"    2^10 .. 2^50
 *
 * The value must be a whole number of bytes that fits in 64 bits.
 */
#ifndef _MEMSIMCTL_NUM_H
#define _MEMSIMCTL_NUM_H

#include <stddef.h>

#include <linux/types.h>

/* num_parse() errors */
#define NUM_BAD		-1	/* not a number */
#define NUM_RANGE	-2	/* over 2^64 - 1 */
#define NUM_FRACTION	-3	/* not a whole number of bytes */
#define NUM_NO_UNIT	-4	/* a fraction without a unit */

int num_parse(const char *str, __u64 *out);
int num_parse_len(const char *str, size_t len, __u64 *out);
const char *num_strerror(int err);
int parse_u64(const char *str, __u64 *out);
long parse_prob(const char *str);

#endif /* _MEMSIMCTL_NUM_H */
