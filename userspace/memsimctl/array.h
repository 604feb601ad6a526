/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: growing arrays
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIMCTL_ARRAY_H
#define _MEMSIMCTL_ARRAY_H

#include <stddef.h>

int array_grow(void **arr, size_t *cap, size_t need, size_t size);

#endif /* _MEMSIMCTL_ARRAY_H */
