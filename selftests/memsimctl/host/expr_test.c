// SPDX-License-Identifier: GPL-2.0
/*
 * expr_test: memsimctl's number grammar (num.c) and the arithmetic of
 * "$(...)" (expr.c) on the host, in TAP.  Built and run by "make ctltest".
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The expected values are worked out from Documentation/memsimctl.rst
 * (Numbers, Arithmetic), not from the code.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "expr.h"
#include "num.h"

static int nr_test, nr_fail;

static void check(int cond, const char *what)
{
	nr_test++;
	if (!cond)
		nr_fail++;
	printf("%sok %d %s\n", cond ? "" : "not ", nr_test, what);
}

static void num_is(const char *str, __u64 want)
{
	char what[160];
	__u64 v = 0xdeadbeef;
	int ret = num_parse(str, &v);

	snprintf(what, sizeof(what), "number \"%s\" = %llu", str, (unsigned long long)want);
	check(!ret && v == want, what);
	if (ret || v != want)
		printf("# got %d, %llu\n", ret, (unsigned long long)v);
}

static void num_err(const char *str, int err)
{
	char what[160];
	__u64 v = 0;
	int ret = num_parse(str, &v);

	snprintf(what, sizeof(what), "number \"%s\": %s", str, num_strerror(err));
	check(ret == err, what);
	if (ret != err)
		printf("# got %d (%llu)\n", ret, (unsigned long long)v);
}

static void test_numbers(void)
{
	num_is("0", 0);
	num_is("4096", 4096);
	num_is("010", 10);
	num_is("0x1000", 4096);
	num_is("0XfF", 255);
	num_is("0x1B", 27);
	num_is("4K", 4096);
	num_is("4k", 4096);
	num_is("4KiB", 4096);
	num_is("4kib", 4096);
	num_is("4KB", 4096);
	num_is("4kb", 4096);
	num_is("512B", 512);
	num_is("512b", 512);
	num_is("1.5M", 1572864);
	num_is("1.5MiB", 1572864);
	num_is("0.5K", 512);
	num_is("1.25K", 1280);
	num_is("1.000K", 1024);
	num_is("0.001953125M", 2048);
	num_is("2G", 2147483648ULL);
	num_is("3T", 3298534883328ULL);
	num_is("1P", 1125899906842624ULL);
	num_is("0x10M", 16777216);
	num_is("0x10KiB", 16384);
	num_is("18446744073709551615", UINT64_MAX);
	num_is("0xffffffffffffffff", UINT64_MAX);
	num_is("16383P", 16383ULL << 50);
	num_is("16383.5P", (16383ULL << 50) + (1ULL << 49));
	num_err("", NUM_BAD);
	num_err("x", NUM_BAD);
	num_err("-1", NUM_BAD);
	num_err("+1", NUM_BAD);
	num_err(" 1", NUM_BAD);
	num_err("1 ", NUM_BAD);
	num_err("4Q", NUM_BAD);
	num_err("4KK", NUM_BAD);
	num_err("4Ki", NUM_BAD);
	num_err("4iB", NUM_BAD);
	num_err("4BB", NUM_BAD);
	num_err("K", NUM_BAD);
	num_err("0x", NUM_BAD);
	num_err("0x1.5K", NUM_BAD);
	num_err(".5K", NUM_BAD);
	num_err("1.K", NUM_BAD);
	num_err("1E", NUM_BAD);
	num_err("18446744073709551616", NUM_RANGE);
	num_err("0x10000000000000000", NUM_RANGE);
	num_err("16384P", NUM_RANGE);
	num_err("16383.9999999999999999999P", NUM_FRACTION);
	/* At most 19 digits after the point (trailing zeros aside). */
	num_is("0.0009765625000000000000000K", 1);
	num_err("0.00000000000095367431640625P", NUM_FRACTION);
	num_err("1.1K", NUM_FRACTION);
	num_err("0.0001K", NUM_FRACTION);
	num_err("1.5", NUM_NO_UNIT);
	num_err("1.5B", NUM_NO_UNIT);
	num_err("1.0", NUM_NO_UNIT);
}

/* Variables: i = 3, big = 2^63, act[2] = 4096; others are unbound. */
static int lookup(struct expr_env *env, const char *name, __u64 *value)
{
	if (!strcmp(name, "i")) {
		*value = 3;
	} else if (!strcmp(name, "big")) {
		*value = 1ULL << 63;
	} else if (!strcmp(name, "act[2]") || (env->check && !strcmp(name, "act[]"))) {
		*value = 4096;
	} else {
		snprintf(env->err, sizeof(env->err), "'%s' is not bound", name);
		return -1;
	}
	return 0;
}

static void expr_is(const char *str, __u64 want)
{
	struct expr_env env = { .lookup = lookup };
	char what[200];
	__u64 v = 0xdeadbeef;
	int ret = expr_eval(&env, str, strlen(str), &v);

	snprintf(what, sizeof(what), "$(%s) = %llu", str, (unsigned long long)want);
	check(!ret && v == want, what);
	if (ret || v != want)
		printf("# got %d, %llu: %s\n", ret, (unsigned long long)v, env.err);
}

/* @str fails, with @msg in its reason; and also when only checked if @always. */
static void expr_fails(const char *str, const char *msg, int always)
{
	struct expr_env env = { .lookup = lookup };
	char what[200];
	__u64 v;
	int ret = expr_eval(&env, str, strlen(str), &v);

	snprintf(what, sizeof(what), "$(%s) fails: %s", str, msg);
	check(ret < 0 && strstr(env.err, msg), what);
	if (ret >= 0 || !strstr(env.err, msg))
		printf("# got %d: %s\n", ret, env.err);
	env.check = 1;
	ret = expr_eval(&env, str, strlen(str), &v);
	snprintf(what, sizeof(what), "$(%s) %s when only checked", str,
		 always ? "fails too" : "passes");
	check(always ? ret < 0 : ret == 0 && v == 0, what);
}

static void test_expr(void)
{
	struct expr_env env = { .lookup = lookup };
	char name[64];
	size_t used;

	expr_is("1", 1);
	expr_is("1+2*3", 7);
	expr_is("(1+2)*3", 9);
	expr_is(" 1 + 2 * 3 ", 7);
	expr_is("10-4-3", 3);
	expr_is("100/10/5", 2);
	expr_is("17%5", 2);
	expr_is("17 % 5 * 2", 4);
	expr_is("2*(3+(4-1))", 12);
	expr_is("i*4K+1M", 3 * 4096 + 1048576);
	expr_is("$i*4K + 1M", 3 * 4096 + 1048576);
	expr_is("$(i+1)*2", 8);
	expr_is("act[i-1]", 4096);
	expr_is("$act[ i - 1 ]/4", 1024);
	expr_is("1.5M/3", 524288);
	expr_is("0x10 + 010", 26);
	expr_is("big-1+big", UINT64_MAX);
	expr_is("18446744073709551615", UINT64_MAX);
	expr_is("0*big*big", 0);
	expr_is("i-3", 0);

	expr_fails("big+big", "does not fit in 64 bits", 0);
	expr_fails("big*2", "does not fit in 64 bits", 0);
	expr_fails("2-3", "is negative", 0);
	expr_fails("i/0", "division by zero", 0);
	expr_fails("i%(i-3)", "division by zero", 0);
	expr_fails("nope+1", "'nope' is not bound", 1);
	expr_fails("act[7]", "'act[7]' is not bound", 0);
	expr_fails("1+", "missing", 1);
	expr_fails("(1+2", "')' is missing", 1);
	expr_fails("1+2)", "unexpected ')'", 1);
	expr_fails("4Q", "'4Q' is not a number", 1);
	expr_fails("1.1K", "'1.1K' is not a whole number of bytes", 1);
	expr_fails("-1", "expected a name", 1);
	expr_fails("", "missing", 1);
	expr_fails("act[1", "has no ']'", 1);

	check(!expr_name(&env, "act[i-1]", 8, name, sizeof(name), NULL) &&
	      !strcmp(name, "act[2]"), "expr_name(act[i-1]) = act[2]");
	env.check = 1;
	check(!expr_name(&env, "act[i-1]", 8, name, sizeof(name), NULL) &&
	      !strcmp(name, "act[]"), "expr_name(act[i-1]) when checking = act[]");
	env.check = 0;
	check(!expr_name(&env, "x_1", 3, name, sizeof(name), NULL) && !strcmp(name, "x_1"),
	      "expr_name(x_1) = x_1");
	check(!expr_name(&env, "a[1]+2", 6, name, sizeof(name), &used) && used == 4 &&
	      !strcmp(name, "a[1]"), "expr_name(a[1]+2) takes a[1], 4 bytes");
	check(expr_name(&env, "a+2", 3, name, sizeof(name), NULL) < 0,
	      "expr_name(a+2) refuses what follows the name");
	check(expr_name(&env, "9a", 2, name, sizeof(name), NULL) < 0,
	      "expr_name(9a) is no name");
}

int main(void)
{
	test_numbers();
	test_expr();
	printf("1..%d\n", nr_test);
	printf("# expr_test: %d cases, %d failed\n", nr_test, nr_fail);
	return nr_fail ? 1 : 0;
}
