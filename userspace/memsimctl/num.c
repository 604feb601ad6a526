// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the number grammar
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>

#include "num.h"

/**
 * parse_u64() - decimal or 0x hex, with an optional K, M, G or T suffix
 * @str: the text.
 * @out: the value.
 *
 * Return: 0, or -1 if @str is not such a number or overflows 64 bits.
 */
int parse_u64(const char *str, __u64 *out)
{
	unsigned int shift = 0;
	__u64 v;
	char *end;

	if (!isdigit((unsigned char)str[0]))
		return -1;
	errno = 0;
	v = strtoull(str, &end, 0);
	if (errno || end == str)
		return -1;
	switch (toupper((unsigned char)*end)) {
	case 'K':
		shift = 10;
		break;
	case 'M':
		shift = 20;
		break;
	case 'G':
		shift = 30;
		break;
	case 'T':
		shift = 40;
		break;
	case '\0':
		break;
	default:
		return -1;
	}
	if (shift) {
		end++;
		if (*end || v > (UINT64_MAX >> shift))
			return -1;
		v <<= shift;
	}
	*out = v;
	return 0;
}

/**
 * parse_prob() - a probability: "0.25", "1", or a percentage "25%"
 * @str: the text.
 *
 * Return: the probability in parts per million, or -1.
 */
long parse_prob(const char *str)
{
	double p;
	char *end;

	errno = 0;
	p = strtod(str, &end);
	if (errno || end == str)
		return -1;
	if (*end == '%') {
		end++;
		p /= 100.0;
	}
	if (*end || !(p >= 0.0 && p <= 1.0))
		return -1;
	return (long)(p * 1e6 + 0.5);
}
