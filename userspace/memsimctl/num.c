// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the number grammar
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See num.h.
 */
#include <ctype.h>
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "num.h"

typedef unsigned __int128 u128;

/* Digits after the point, trailing zeros aside, that num_parse() takes. */
#define MAX_FRACTION_DIGITS	19

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/*
 * The suffix @p (up to @end): its shift in *@shift (0 for "B" or none).
 * Return: 0, or NUM_BAD if it is no suffix.
 */
static int parse_suffix(const char *p, const char *end, unsigned int *shift)
{
	static const char units[] = "KMGTP";
	const char *u;

	*shift = 0;
	if (p == end)
		return 0;
	u = strchr(units, toupper((unsigned char)*p));
	if (u && *p) {
		*shift = 10 * (unsigned int)(u - units + 1);
		p++;
		if (p < end && tolower((unsigned char)*p) == 'i') {
			p++;
			if (p == end || tolower((unsigned char)*p) != 'b')
				return NUM_BAD;
		}
	}
	if (p < end && tolower((unsigned char)*p) == 'b')
		p++;
	return p == end ? 0 : NUM_BAD;
}

/**
 * num_parse_len() - a number of the grammar in num.h
 * @str: the text.
 * @len: its length.
 * @out: the value.
 *
 * Return: 0, or NUM_BAD, NUM_RANGE, NUM_FRACTION or NUM_NO_UNIT.
 */
int num_parse_len(const char *str, size_t len, __u64 *out)
{
	const char *p = str, *end = str + len, *frac_start = NULL, *frac_end = NULL;
	u128 frac = 0, pow10 = 1, part;
	unsigned int shift, base = 10;
	__u64 v = 0;
	int d, ret;

	if (p == end || !isdigit((unsigned char)*p))
		return NUM_BAD;
	if (end - p > 2 && p[0] == '0' && (p[1] == 'x' || p[1] == 'X')) {
		base = 16;
		p += 2;
		if (hexval((unsigned char)*p) < 0)
			return NUM_BAD;
	}
	for (; p < end && (d = base == 16 ? hexval((unsigned char)*p) :
			  isdigit((unsigned char)*p) ? *p - '0' : -1) >= 0; p++) {
		if (v > (UINT64_MAX - d) / base)
			return NUM_RANGE;
		v = v * base + d;
	}
	if (base == 10 && p < end && *p == '.') {
		frac_start = ++p;
		while (p < end && isdigit((unsigned char)*p))
			p++;
		frac_end = p;
		if (frac_end == frac_start)
			return NUM_BAD;
	}
	ret = parse_suffix(p, end, &shift);
	if (ret)
		return ret;
	if (frac_start) {
		/* Trailing zeros change nothing. */
		while (frac_end > frac_start && frac_end[-1] == '0')
			frac_end--;
		if (!shift)
			return NUM_NO_UNIT;
		if (frac_end - frac_start > MAX_FRACTION_DIGITS)
			return NUM_FRACTION;
		for (p = frac_start; p < frac_end; p++) {
			frac = frac * 10 + (*p - '0');
			pow10 *= 10;
		}
	}
	if (shift && v > (UINT64_MAX >> shift))
		return NUM_RANGE;
	v <<= shift;
	if (frac) {
		/* frac / 10^digits of 2^shift bytes: whole, or refused. */
		part = frac << shift;
		if (part % pow10)
			return NUM_FRACTION;
		part /= pow10;
		if (v > UINT64_MAX - (__u64)part)
			return NUM_RANGE;
		v += (__u64)part;
	}
	*out = v;
	return 0;
}

int num_parse(const char *str, __u64 *out)
{
	return num_parse_len(str, strlen(str), out);
}

/* What is wrong, after the number itself: "'X' is not a number". */
const char *num_strerror(int err)
{
	switch (err) {
	case NUM_RANGE:
		return "does not fit in 64 bits";
	case NUM_FRACTION:
		return "is not a whole number of bytes";
	case NUM_NO_UNIT:
		return "has a fraction but no unit (K, M, G, T or P)";
	default:
		return "is not a number";
	}
}

/* num_parse(), any error as -1. */
int parse_u64(const char *str, __u64 *out)
{
	return num_parse(str, out) ? -1 : 0;
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
