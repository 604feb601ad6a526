/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: the number grammar
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Pure functions (no device, no output), tested on the host by
 * selftests/memsimctl/host/.
 */
#ifndef _MEMSIMCTL_NUM_H
#define _MEMSIMCTL_NUM_H

#include <linux/types.h>

int parse_u64(const char *str, __u64 *out);
long parse_prob(const char *str);

#endif /* _MEMSIMCTL_NUM_H */
