// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: growing arrays
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The readers and the renderers keep what they read in arrays that grow
 * as the input does; this is the one place that grows them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "array.h"

/**
 * array_grow() - make room for @need elements
 * @arr: the array (NULL when empty); may move.
 * @cap: its capacity in elements; updated.
 * @need: elements it must hold.
 * @size: bytes of an element.
 *
 * The capacity doubles from 16, so appending one element at a time costs
 * O(1) amortised.
 *
 * Return: 0, or -ENOMEM (the array is then as it was) when memory is short
 * or the size would overflow.
 */
int array_grow(void **arr, size_t *cap, size_t need, size_t size)
{
	size_t n = *cap ? *cap : 16;
	void *p;

	if (need <= *cap)
		return 0;
	while (n < need) {
		if (n > SIZE_MAX / 2)
			return -ENOMEM;
		n *= 2;
	}
	if (n > SIZE_MAX / size)
		return -ENOMEM;
	p = realloc(*arr, n * size);
	if (!p)
		return -ENOMEM;
	*arr = p;
	*cap = n;
	return 0;
}
