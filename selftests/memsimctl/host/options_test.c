// SPDX-License-Identifier: GPL-2.0
/*
 * options_test: memsimctl's option parser (options.c) and number grammar
 * (num.c) on the host, in TAP.  Built and run by "make ctltest".
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The expected values are written from Documentation/memsimctl.rst
 * ("Numbers") and from the contract in options.h, not from the code.
 */
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "num.h"
#include "options.h"

static int nr_test, nr_fail;

static void check(int cond, const char *what)
{
	nr_test++;
	if (!cond)
		nr_fail++;
	printf("%sok %d %s\n", cond ? "" : "not ", nr_test, what);
}

/* Numbers */

static void num_ok(const char *str, __u64 want)
{
	char what[128];
	__u64 v = 0xdeadbeef;
	int ret = parse_u64(str, &v);

	snprintf(what, sizeof(what), "parse_u64(\"%s\") = %llu", str,
		 (unsigned long long)want);
	check(!ret && v == want, what);
	if (ret || v != want)
		printf("# got ret %d, value %llu\n", ret, (unsigned long long)v);
}

static void num_bad(const char *str)
{
	char what[128];
	__u64 v = 0;

	snprintf(what, sizeof(what), "parse_u64(\"%s\") is refused", str);
	check(parse_u64(str, &v) < 0, what);
}

static void test_numbers(void)
{
	num_ok("0", 0);
	num_ok("4096", 4096);
	num_ok("0x1000", 4096);
	num_ok("0X1f", 31);
	num_ok("4K", 4096);
	num_ok("4k", 4096);
	num_ok("16M", 16ULL << 20);
	num_ok("2G", 2ULL << 30);
	num_ok("3T", 3ULL << 40);
	num_ok("0x10M", 16ULL << 20);
	num_ok("18446744073709551615", UINT64_MAX);
	num_ok("0xffffffffffffffff", UINT64_MAX);
	num_ok("16777215T", 16777215ULL << 40);
	num_bad("");
	num_bad("x");
	num_bad("-1");
	num_bad("+1");
	num_bad(" 1");
	num_bad("1 ");
	num_bad("4Q");
	num_bad("4KK");
	num_bad("K");
	num_bad("18446744073709551616");
	num_bad("16777216T");
	num_bad("0x");

	check(parse_prob("0") == 0, "parse_prob(\"0\") = 0 ppm");
	check(parse_prob("1") == 1000000, "parse_prob(\"1\") = 10^6 ppm");
	check(parse_prob("0.45") == 450000, "parse_prob(\"0.45\") = 450000 ppm");
	check(parse_prob("30%") == 300000, "parse_prob(\"30%\") = 300000 ppm");
	check(parse_prob("100%") == 1000000, "parse_prob(\"100%\") = 10^6 ppm");
	check(parse_prob("1.5") < 0, "parse_prob(\"1.5\") is refused");
	check(parse_prob("-0.1") < 0, "parse_prob(\"-0.1\") is refused");
	check(parse_prob("101%") < 0, "parse_prob(\"101%\") is refused");
	check(parse_prob("half") < 0, "parse_prob(\"half\") is refused");
	check(parse_prob("") < 0, "parse_prob(\"\") is refused");
}

/* The parser */

struct dest {
	__u64 n;
	__u32 small;
	__u32 bits;
	__u32 stream;
	__u32 ppm;
	const char *str;
	int flag;
	const char *next;
};

static const struct opt tab[] = {
	{ "number", 'n', OPT_VALUE, opt_u64, offsetof(struct dest, n), 0, "N", "a number" },
	{ "small", 0, OPT_VALUE, opt_u32, offsetof(struct dest, small), 0, "N", NULL },
	{ "alpha", 'a', 0, opt_bits, offsetof(struct dest, bits), 1, NULL, NULL },
	{ "beta", 'b', 0, opt_bits, offsetof(struct dest, bits), 4, NULL, NULL },
	{ "stream", 0, OPT_VALUE, opt_stream, offsetof(struct dest, stream), 0, "S", NULL },
	{ "prob", 0, OPT_VALUE, opt_prob, offsetof(struct dest, ppm), 0, "P", NULL },
	{ "name", 'N', OPT_VALUE, opt_str, offsetof(struct dest, str), 0, "S", NULL },
	{ "flag", 0, OPT_ONCE, opt_flag, offsetof(struct dest, flag), 0, NULL, NULL },
	{ "as", 0, OPT_NEXT, opt_str, offsetof(struct dest, next), 0, NULL, NULL },
	OPT_END
};

static char last_msg[512];
static int nr_msgs;

static void report(struct opt_ctx *c, const char *msg)
{
	(void)c;
	snprintf(last_msg, sizeof(last_msg), "%s", msg);
	nr_msgs++;
}

/* Split @line at its blanks into @words (a copy in @buf).  Return: words. */
static int split(const char *line, char *buf, size_t len, char **words)
{
	int n = 0;
	char *p;

	snprintf(buf, len, "%s", line);
	for (p = strtok(buf, " "); p && n < 16; p = strtok(NULL, " "))
		words[n++] = p;
	return n;
}

static int argv_parse(struct dest *d, struct opt_ctx *c, const char *line)
{
	static char buf[256], *argv[16];
	int argc = split(line, buf, sizeof(buf), argv);

	memset(d, 0, sizeof(*d));
	memset(c, 0, sizeof(*c));
	c->cmd = "cmd";
	c->base = d;
	c->report = report;
	last_msg[0] = '\0';
	nr_msgs = 0;
	return opt_parse_argv(c, tab, argc, argv);
}

static int words_parse(struct dest *d, struct opt_ctx *c, const char *line,
		       int (*positional)(struct opt_ctx *c, const char *word))
{
	static char buf[256], *tok[16];
	int ntok = split(line, buf, sizeof(buf), tok);

	memset(d, 0, sizeof(*d));
	memset(c, 0, sizeof(*c));
	c->cmd = tok[0];
	c->base = d;
	c->report = report;
	c->positional = positional;
	last_msg[0] = '\0';
	nr_msgs = 0;
	return opt_parse_words(c, tab, tok, ntok, 1);
}

static int positional_seen;

static int take_digits(struct opt_ctx *c, const char *word)
{
	(void)c;
	if (word[0] < '0' || word[0] > '9')
		return 0;
	positional_seen++;
	return 1;
}

static void test_argv(void)
{
	struct opt_ctx c;
	struct dest d;
	int r;

	{
		r = argv_parse(&d, &c, "cmd --number 4K --name=x=y -a -b FILE --alpha");
		check(r == 6, "argv: stops at the first argument that is not an option");
		check(d.n == 4096 && d.str && !strcmp(d.str, "x=y") && d.bits == 5,
		      "argv: --name VALUE, --name=VALUE, flags set their bits");
		check(opt_given(&c, tab, "number") && opt_given(&c, tab, "alpha") &&
		      !opt_given(&c, tab, "small"), "argv: opt_given() tells what was given");
	}
	{
		r = argv_parse(&d, &c, "cmd -ab -n16 -N s -- --number");
		check(r == 6 && d.bits == 5 && d.n == 16 && d.str && !strcmp(d.str, "s"),
		      "argv: -ab bundles flags, -n16 and -N s take values, -- ends the options");
	}
	{
		r = argv_parse(&d, &c, "cmd - --number 1");
		check(r == 1, "argv: a lone - is an argument (standard input)");
	}
	{
		r = argv_parse(&d, &c, "cmd --nubmer 1");
		check(r < 0 && nr_msgs == 1 && strstr(last_msg, "'--nubmer'"),
		      "argv: an unknown option is an error naming it");
	}
	{
		r = argv_parse(&d, &c, "cmd --number");
		check(r < 0 && strstr(last_msg, "--number"),
		      "argv: an option without its value is an error");
	}
	{
		r = argv_parse(&d, &c, "cmd --alpha=1");
		check(r < 0 && strstr(last_msg, "--alpha"),
		      "argv: a flag given a value is an error");
	}
	{
		r = argv_parse(&d, &c, "cmd --number lots");
		check(r < 0 && strstr(last_msg, "lots") && strstr(last_msg, "--number"),
		      "argv: a bad number names the option and the value");
	}
	{
		r = argv_parse(&d, &c, "cmd --small 4294967296");
		check(r < 0, "argv: a 32-bit option refuses 2^32");
		r = argv_parse(&d, &c, "cmd --small 4294967295");
		check(r == 3 && d.small == UINT32_MAX, "argv: ... and takes 2^32 - 1");
	}
	{
		r = argv_parse(&d, &c, "cmd -x");
		check(r < 0 && strstr(last_msg, "'-x'"), "argv: an unknown short option");
	}
	{
		r = argv_parse(&d, &c, "cmd --flag --flag");
		check(r < 0, "argv: an OPT_ONCE option given twice is an error");
	}
}

static void test_words(void)
{
	struct opt_ctx c;
	struct dest d;
	int r;

	{
		r = words_parse(&d, &c, "alloc number=0x10 alpha stream=any prob=25% as x name=", NULL);
		check(!r && d.n == 16 && d.bits == 1 && d.stream == 0xffffffffU &&
		      d.ppm == 250000 && d.next && !strcmp(d.next, "x") && d.str &&
		      !*d.str, "words: name=VALUE, flags, stream any, a probability, as NAME, an empty value");
	}
	{
		r = words_parse(&d, &c, "alloc stream=7", NULL);
		check(!r && d.stream == 7, "words: stream=N");
	}
	{
		r = words_parse(&d, &c, "alloc colour=red", NULL);
		check(r < 0 && !strcmp(last_msg, "alloc: unknown argument 'colour=red'"),
		      "words: an unknown word is an error naming the command and the word");
	}
	{
		r = words_parse(&d, &c, "alloc number", NULL);
		check(r < 0 && strstr(last_msg, "'number'"),
		      "words: an option that takes a value, without '=', is unknown");
	}
	{
		r = words_parse(&d, &c, "alloc alpha=1", NULL);
		check(r < 0 && strstr(last_msg, "'alpha=1'"), "words: a flag with '=' is unknown");
	}
	{
		r = words_parse(&d, &c, "alloc flag flag", NULL);
		check(r < 0 && strstr(last_msg, "'flag'"), "words: OPT_ONCE given twice is unknown");
	}
	{
		r = words_parse(&d, &c, "alloc as", NULL);
		check(!r && !d.next, "words: OPT_NEXT at the end passes no value to its parser");
	}
	positional_seen = 0;
	r = words_parse(&d, &c, "trace 12 alpha 7 x", take_digits);
	check(r < 0 && positional_seen == 2 && d.bits == 1 && strstr(last_msg, "'x'"),
	      "words: the positional hook takes what no entry matches, or leaves it unknown");
	r = words_parse(&d, &c, "alloc prob=2", NULL);
	check(r < 0 && strstr(last_msg, "prob=") && strstr(last_msg, "'2'"),
	      "words: a bad probability names the option and the value");
}

static void test_nearest(void)
{
	const char *n;

	check(edit_distance("", "") == 0, "edit_distance(\"\", \"\") = 0");
	check(edit_distance("kitten", "sitting") == 3, "edit_distance(kitten, sitting) = 3");
	check(edit_distance("abc", "") == 3, "edit_distance(abc, \"\") = 3");
	check(edit_distance("number", "nubmer") == 1,
	      "edit_distance(number, nubmer) = 1 (a transposition)");
	check(edit_distance("algin", "align") == 1, "edit_distance(algin, align) = 1");
	check(edit_distance("ab", "ba") == 1, "edit_distance(ab, ba) = 1");
	check(edit_distance("ca", "abc") == 3, "edit_distance(ca, abc) = 3 (no edit twice)");
	n = opt_nearest(tab, "nubmer");
	check(n && !strcmp(n, "number"), "opt_nearest(nubmer) = number");
	n = opt_nearest(tab, "--strem=3");
	check(n && !strcmp(n, "stream"), "opt_nearest(--strem=3) = stream");
	n = opt_nearest(tab, "nam");
	check(n && !strcmp(n, "name"), "opt_nearest(nam) = name");
	check(!opt_nearest(tab, "zzzzzz"), "opt_nearest(zzzzzz): none");
	check(!opt_nearest(tab, "x"), "opt_nearest(x): none");
}

int main(void)
{
	test_numbers();
	test_argv();
	test_words();
	test_nearest();
	printf("1..%d\n", nr_test);
	printf("# options_test: %d cases, %d failed\n", nr_test, nr_fail);
	return nr_fail ? 1 : 0;
}
