// SPDX-License-Identifier: GPL-2.0
/*
 * render_test: memsimctl's pictures (userspace/memsimctl/render_svg.c)
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Renders constructed inputs into build/ctltest/ (or the directory given
 * as the first argument) and checks the files with real tools: xmllint
 * (well-formed XML, the HTML parser, XPath queries for the structure) and
 * rsvg-convert (every SVG renders to a PNG).  The expectations come from
 * the inputs built here and from Documentation/memsimctl.rst (Pictures):
 * one rectangle per block or allocation, axes, legend, the exact tooltip
 * of a chosen block, user text escaped, the reduction rules.
 *
 * Output: TAP, ending with "render_test: N passed, N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "libmemsim.h"
#include "render_svg.h"
#include "render_trace.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int passed, failed, ntest;
static const char *dir = "build/ctltest";

static void ok(int cond, const char *fmt, ...)
{
	va_list ap;

	ntest++;
	printf("%s %d - ", cond ? "ok" : "not ok", ntest);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	if (cond)
		passed++;
	else
		failed++;
	fflush(stdout);
}

/* Writes @s on one line, line breaks as \\n. */
static void diag_str(const char *what, const char *s)
{
	printf("# %s \"", what);
	for (; *s; s++) {
		if (*s == '\n')
			printf("\\n");
		else
			putchar(*s);
	}
	printf("\"\n");
}

/* ok() for two strings; on a difference both are shown. */
static void ok_str(const char *got, const char *want, const char *what)
{
	ok(!strcmp(got, want), "%s", what);
	if (strcmp(got, want)) {
		diag_str("got: ", got);
		diag_str("want:", want);
	}
}

static char *path(const char *name)
{
	static char buf[8][512];
	static int i;

	i = (i + 1) % 8;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* Runs @cmd with the shell; its output goes to @out (up to @len). */
static int run(const char *cmd, char *out, size_t len)
{
	char sink[256];
	size_t n = 0, r;
	FILE *p;
	int st;

	if (!out) {
		out = sink;
		len = sizeof(sink);
	}
	p = popen(cmd, "r");
	if (!p)
		return -1;
	while (n + 1 < len && (r = fread(out + n, 1, len - 1 - n, p)) > 0)
		n += r;
	while (fread(sink, 1, sizeof(sink), p) > 0)
		;
	out[n] = '\0';
	st = pclose(p);
	return st;
}

/* @s with its line breaks as blanks, for a TAP line. */
static char *oneline(char *s)
{
	char *p;

	for (p = s; *p; p++)
		if (*p == '\n')
			*p = ' ';
	return s;
}

/* xmllint --xpath EXPR FILE, without the line break xmllint adds. */
static int run_xpath(const char *file, const char *expr, char *out, size_t len)
{
	char cmd[2048];
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "xmllint --xpath '%s' '%s' 2>&1", expr, file);
	st = run(cmd, out, len);
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
	return st;
}

static long xcount(const char *file, const char *expr)
{
	char buf[4096], q[1024];

	snprintf(q, sizeof(q), "count(%s)", expr);
	if (run_xpath(file, q, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static double number(const char *file, const char *expr)
{
	char buf[4096];

	if (run_xpath(file, expr, buf, sizeof(buf)))
		return -1;
	return strtod(buf, NULL);
}

static char *read_file(const char *file, size_t *size)
{
	FILE *f = fopen(file, "rb");
	char *buf;
	long n;

	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc(n + 1);
	if (buf && fread(buf, 1, n, f) != (size_t)n) {
		free(buf);
		buf = NULL;
	}
	if (buf)
		buf[n] = '\0';
	fclose(f);
	if (size)
		*size = n;
	return buf;
}

static long file_size(const char *file)
{
	struct stat st;

	return stat(file, &st) ? -1 : st.st_size;
}

/* xmllint --noout FILE passes, and rsvg-convert renders FILE to a PNG. */
static void check_svg(const char *file)
{
	static const unsigned char png[8] = { 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n' };
	char cmd[1200], out[4096], pngfile[600], *data;
	size_t n = 0;
	int st;

	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>&1", file);
	st = run(cmd, out, sizeof(out));
	ok(st == 0 && !out[0], "%s: xmllint --noout%s%s", file, out[0] ? ": " : "",
	   oneline(out));
	snprintf(pngfile, sizeof(pngfile), "%.*s.png", (int)strlen(file) - 4, file);
	remove(pngfile);
	snprintf(cmd, sizeof(cmd), "rsvg-convert -o '%s' '%s' 2>&1", pngfile, file);
	st = run(cmd, out, sizeof(out));
	data = read_file(pngfile, &n);
	ok(st == 0 && data && n > 1000 && !memcmp(data, png, 8),
	   "%s: rsvg-convert renders a PNG (%zu bytes)%s%s", file, n,
	   out[0] ? ": " : "", oneline(out));
	free(data);
}

/* A file opened for writing in the output directory. */
static FILE *create_file(const char *name)
{
	FILE *f = fopen(path(name), "w");

	if (!f) {
		printf("Bail out! cannot create %s: %s\n", path(name), strerror(errno));
		exit(1);
	}
	return f;
}

#define R(el, cls)	"//*[local-name()=\"" el "\"][@class=\"" cls "\"]"

/*
 * ---------------------------------------------------------------------------
 * The map: two segments, seven blocks of known states.
 */

#define SEG1	0x100000ULL
#define SEG2	0x10000000ULL
#define KIB	1024ULL
#define MIB	(1024 * 1024ULL)

static struct render_segment map_segs[] = {
	{ .id = 1, .start = SEG1, .size = 1 * MIB, .stream = 0 },
	{ .id = 2, .start = SEG2, .size = 4 * MIB, .stream = 1 },
};

/* In no particular order: the renderer sorts. */
static struct render_block map_blocks[] = {
	{ .addr = SEG2 + 2 * MIB, .size = 2 * MIB, .segment_id = 2, .stream = 1,
	  .state = RENDER_FREE },
	{ .addr = SEG1, .size = 256 * KIB, .requested = 200000, .segment_id = 1,
	  .tag = 7, .stream = 0, .state = RENDER_ALLOCATED, .owner_pid = 42,
	  .owner_comm = "trainer", .label = "a<&\"b'>" },
	{ .addr = SEG1 + 256 * KIB, .size = 128 * KIB, .segment_id = 1,
	  .stream = 0, .state = RENDER_FREE },
	{ .addr = SEG1 + 384 * KIB, .size = 128 * KIB, .requested = 131072,
	  .segment_id = 1, .stream = 0, .state = RENDER_DEFERRED,
	  .owner_pid = 42, .label = "defer" },
	{ .addr = SEG1 + 512 * KIB, .size = 512 * KIB, .segment_id = 1,
	  .stream = 0, .state = RENDER_FREE },
	{ .addr = SEG2, .size = 1 * MIB, .requested = 1 * MIB, .segment_id = 2,
	  .stream = 1, .state = RENDER_ALLOCATED, .label = "layer1\x01\xff\xc3\xa9" },
	{ .addr = SEG2 + 1 * MIB, .size = 1 * MIB, .requested = 1000000,
	  .segment_id = 2, .stream = 1, .state = RENDER_ALLOCATED },
};

static const struct render_snapshot map_snap = {
	.segs = map_segs, .nr_segs = 2,
	.blocks = map_blocks, .nr_blocks = 7,
};

static void test_map(void)
{
	const char *file = path("map.svg");
	char buf[4096], q[512], *data;
	FILE *f = create_file("map.svg");
	int ret;

	ret = render_map_svg(f, &map_snap, NULL);
	fclose(f);
	ok(ret == 0, "render_map_svg returns 0 (%d)", ret);
	check_svg(file);
	ok(xcount(file, R("rect", "block")) == 7, "map: one rectangle per block (7)");
	ok(xcount(file, R("rect", "block") "[@data-state=\"free\"]") == 3 &&
	   xcount(file, R("rect", "block") "[@data-state=\"alloc\"]") == 3 &&
	   xcount(file, R("rect", "block") "[@data-state=\"free_requested\"]") == 1,
	   "map: 3 free, 3 allocated, 1 deferred");
	ok(xcount(file, R("rect", "segment")) == 2, "map: one frame per segment (2)");
	ok(xcount(file, R("g", "axis")) == 2, "map: an address axis per segment row");
	ok(xcount(file, R("g", "axis") "/*[local-name()=\"text\"][.=\"0x100000\"]") == 1 &&
	   xcount(file, R("g", "axis") "/*[local-name()=\"text\"][.=\"0x10000000\"]") == 1,
	   "map: each axis starts at its segment's address");
	ok(xcount(file, R("g", "legend")) == 1, "map: a legend");
	ok(xcount(file, R("g", "legend") "/*[local-name()=\"text\"][.=\"stream 0\"]") == 1 &&
	   xcount(file, R("g", "legend") "/*[local-name()=\"text\"][.=\"stream 1\"]") == 1 &&
	   xcount(file, R("g", "legend") "/*[local-name()=\"text\"][.=\"free\"]") == 1 &&
	   xcount(file, R("g", "legend") "/*[local-name()=\"text\"][.=\"deferred free\"]") == 1,
	   "map: the legend names free, deferred free and both streams");
	ok(xcount(file, R("text", "reduced")) == 0, "map: 7 blocks are not reduced");
	ok(xcount(file, R("rect", "block") "[@data-addr=\"0x10100000\"][@data-size=\"1048576\"]") == 1,
	   "map: data-addr in hex, data-size in decimal");

	/* The tooltip of the first block, line by line as documented. */
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x100000\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok_str(buf, "block 0x100000, 256 KiB\nend: 0x140000\nsize: 262144\n"
		   "requested: 200000\nstate: alloc\nstream: 0\nsegment: 1\n"
		   "tag: 0x7\nlabel: a<&\"b'>\nowner: 42 trainer",
	       "map: tooltip of the block at 0x100000 exact");
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x140000\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok_str(buf, "block 0x140000, 128 KiB\nend: 0x160000\nsize: 131072\n"
		   "requested: -\nstate: free\nstream: 0\nsegment: 1\n"
		   "tag: -\nlabel: -\nowner: -",
	       "map: tooltip of the free block at 0x140000 exact");
	data = read_file(file, NULL);
	ok(data && strstr(data, "label: a&lt;&amp;&quot;b&#39;&gt;\n"),
	   "map: the label <&\"'> is escaped in the file");
	ok(data && strstr(data, "label: layer1??\xc3\xa9\n"),
	   "map: a control byte and an invalid UTF-8 byte become '?', UTF-8 stays");
	free(data);
	snprintf(q, sizeof(q), R("rect", "block") "[@data-addr=\"0x160000\"]/@fill");
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x160000\"]/@fill)", buf,
	      sizeof(buf));
	ok(!strncmp(buf, "url(#", 5), "map: the deferred block is hatched (%s)", buf);
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x10000000\"]/@fill)", buf,
	      sizeof(buf));
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x10100000\"]/@fill)", q,
	      sizeof(q));
	ok(buf[0] == '#' && !strcmp(buf, q), "map: blocks of one stream share a colour");
	run_xpath(file, "string(" R("rect", "block") "[@data-addr=\"0x100000\"]/@fill)", q,
	      sizeof(q));
	ok(strcmp(buf, q) != 0, "map: streams 0 and 1 differ in colour");
}

static void test_map_errors(void)
{
	struct render_block b = { .addr = SEG2 + 4 * MIB, .size = 4096 };
	struct render_snapshot s = { map_segs, 2, &b, 1 };
	FILE *f = fopen("/dev/null", "w");
	int ret;

	ret = render_map_svg(f, &s, NULL);
	ok(ret == -EINVAL, "map: a block outside every segment is -EINVAL (%d)", ret);
	b.addr = SEG2 + 4 * MIB - 4096;
	b.size = 8192;
	ret = render_map_svg(f, &s, NULL);
	ok(ret == -EINVAL, "map: a block across a segment's end is -EINVAL (%d)", ret);
	fclose(f);
	f = fopen("/dev/full", "w");
	if (f) {
		ret = render_map_svg(f, &map_snap, NULL);
		ok(ret == -EIO, "map: a failing write is -EIO (%d)", ret);
		fclose(f);
	}
}

/*
 * Reduction: 30,000 blocks in one segment, every fourth 60 KiB wide, the
 * others 4 KiB (narrower than a pixel): runs of small blocks are merged.
 */
static void test_map_reduced(void)
{
	const size_t n = 30000;
	struct render_block *b = calloc(n, sizeof(*b));
	struct render_segment seg = { .id = 9, .start = 0 };
	struct render_snapshot s = { &seg, 1, b, n };
	const char *file = path("map-reduced.svg");
	size_t i, big = 0;
	__u64 addr = 0;
	long rects, merged, sum;
	FILE *f;
	int ret;

	for (i = 0; i < n; i++) {
		b[i].addr = addr;
		b[i].size = i % 4 == 0 ? 60 * KIB : 4 * KIB;
		b[i].state = i % 3 == 0 ? RENDER_FREE : RENDER_ALLOCATED;
		b[i].stream = i % 5;
		b[i].segment_id = 9;
		big += i % 4 == 0;
		addr += b[i].size;
	}
	seg.size = addr;
	f = create_file("map-reduced.svg");
	ret = render_map_svg(f, &s, NULL);
	fclose(f);
	ok(ret == 0, "reduced map: render_map_svg returns 0 (%d)", ret);
	check_svg(file);
	rects = xcount(file, R("rect", "block"));
	merged = xcount(file, R("rect", "merged"));
	sum = (long)number(file, "sum(" R("rect", "merged") "/@data-blocks)");
	ok(rects + merged <= 20000, "reduced map: %ld + %ld rectangles, at most 20000",
	   rects, merged);
	ok(merged > 0 && rects + sum == (long)n,
	   "reduced map: every block drawn or merged once (%ld + %ld = %zu)", rects, sum, n);
	ok(xcount(file, R("text", "reduced")) == 1, "reduced map: says it is reduced");
	ok(file_size(file) < 8 * 1024 * 1024, "reduced map: %ld bytes, under 8 MiB",
	   file_size(file));
	free(b);
	(void)big;
}

/*
 * ---------------------------------------------------------------------------
 * The timeline: ten allocations in two segments, three still live, one
 * deferred free, one failure.
 */

static struct render_segment tl_segs[] = {
	{ .id = 1, .start = SEG1, .size = 1 * MIB, .stream = 0,
	  .t_create = 0, .t_release = RENDER_T_NONE },
	{ .id = 2, .start = SEG2, .size = 4 * MIB, .stream = 1,
	  .t_create = 1, .t_release = RENDER_T_NONE },
};

#define NONE RENDER_T_NONE
static struct render_alloc tl_allocs[10] = {
	{ SEG1, 64 * KIB, 60000, 0, 0, 7, 2, NONE, 5, "proc", "w<1>" },
	{ SEG1 + 64 * KIB, 64 * KIB, 65536, 0, 0, 7, 3, NONE, 9, "proc", "w2" },
	{ SEG1 + 128 * KIB, 128 * KIB, 0, 0, 0, 0, 4, 10, 14, "", "" },
	{ SEG2, 1 * MIB, 1 * MIB, 0x11, 1, 7, 5, NONE, NONE, "proc", "act&1" },
	{ SEG1, 32 * KIB, 32768, 0, 0, 7, 6, NONE, 12, "proc", "x" },
	{ SEG2 + 1 * MIB, 512 * KIB, 500000, 0, 1, 7, 7, NONE, 11, "proc", "y" },
	{ SEG2 + 2 * MIB, 2 * MIB, 2 * MIB, 0, 1, 7, 8, NONE, NONE, "proc", "z" },
	{ SEG1 + 512 * KIB, 256 * KIB, 256 * KIB, 0, 0, 7, 13, NONE, 15, "proc", "u" },
	{ SEG1 + 64 * KIB, 16 * KIB, 16384, 0, 0, 7, 16, NONE, NONE, "proc", "v" },
	{ SEG2 + 1 * MIB, 256 * KIB, 256 * KIB, 0, 1, 7, 17, NONE, 18, "proc", "w" },
};

static struct render_fail tl_fails[] = {
	{ .t = 19, .size = 8 * MIB, .stream = 1, .error = -ENOSPC, .label = "big" },
};

static const struct render_timeline tl = {
	.segs = tl_segs, .nr_segs = 2, .allocs = tl_allocs, .nr_allocs = 10,
	.fails = tl_fails, .nr_fails = 1, .unit = RENDER_TIME_OPS,
};

static void test_timeline(void)
{
	const char *file = path("timeline.svg");
	char buf[4096];
	FILE *f = create_file("timeline.svg");
	int ret;

	ret = render_timeline_svg(f, &tl, NULL);
	fclose(f);
	ok(ret == 0, "render_timeline_svg returns 0 (%d)", ret);
	check_svg(file);
	ok(xcount(file, R("rect", "alloc")) == 10, "timeline: one rectangle per allocation (10)");
	ok(xcount(file, R("rect", "alloc") "[@data-live=\"1\"]") == 3,
	   "timeline: 3 still live at the end");
	ok(xcount(file, R("rect", "pending")) == 1, "timeline: 1 deferred free hatched");
	ok(xcount(file, R("path", "fail")) == 1, "timeline: 1 failure marked");
	ok(xcount(file, R("rect", "segment")) == 2, "timeline: a band per segment");
	ok(xcount(file, R("g", "axis") "[@data-axis=\"x\"]") == 1 &&
	   xcount(file, R("g", "axis") "[@data-axis=\"y\"]") == 2,
	   "timeline: one time axis, an address axis per segment");
	ok(xcount(file, R("g", "axis") "[@data-axis=\"x\"]/*[local-name()=\"text\"][.=\"operation\"]") == 1,
	   "timeline: the time axis says it counts operations");
	ok(xcount(file, R("g", "legend")) == 1, "timeline: a legend");
	ok(xcount(file, R("text", "reduced")) == 0, "timeline: 10 allocations are not reduced");
	run_xpath(file, "string(" R("rect", "alloc") "[@data-addr=\"0x100000\"][@data-size=\"65536\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok_str(buf, "alloc 0x100000, 64 KiB\nend: 0x110000\nsize: 65536\n"
		   "requested: 60000\nstream: 0\ntag: 0x0\nlabel: w<1>\n"
		   "owner: 7 proc\nallocated: op 2\nfreed: op 5",
	       "timeline: tooltip of the first allocation exact");
	run_xpath(file, "string(" R("rect", "alloc") "[@data-addr=\"0x120000\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok_str(buf, "alloc 0x120000, 128 KiB\nend: 0x140000\nsize: 131072\n"
		   "requested: -\nstream: 0\ntag: 0x0\nlabel: -\nowner: -\n"
		   "allocated: op 4\nfree requested: op 10\nfreed: op 14",
	       "timeline: tooltip of the deferred free exact");
	run_xpath(file, "string(" R("rect", "alloc") "[@data-addr=\"0x10000000\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok(strstr(buf, "label: act&1\n") && strstr(buf, "freed: still live at the end"),
	   "timeline: a live allocation says so");
	run_xpath(file, "string(" R("path", "fail") "/*[local-name()=\"title\"])", buf, sizeof(buf));
	ok_str(buf, "failed alloc: size 8388608 (8 MiB)\nstream: 1\nlabel: big\n"
		   "error: ENOSPC\nat: op 19",
	       "timeline: tooltip of the failure exact");
}

static void test_timeline_errors(void)
{
	struct render_alloc a = tl_allocs[0];
	struct render_timeline t = { .segs = tl_segs, .nr_segs = 2, .allocs = &a,
				     .nr_allocs = 1 };
	FILE *f = fopen("/dev/null", "w");
	int ret;

	a.t_free = 1;	/* before t_alloc = 2 */
	ret = render_timeline_svg(f, &t, NULL);
	ok(ret == -EINVAL, "timeline: freed before allocated is -EINVAL (%d)", ret);
	a.t_free = 5;
	a.addr = 0x40000000;
	ret = render_timeline_svg(f, &t, NULL);
	ok(ret == -EINVAL, "timeline: an allocation outside every segment is -EINVAL (%d)", ret);
	t.nr_segs = 0;
	ret = render_timeline_svg(f, &t, NULL);
	ok(ret == 0, "timeline: without segments the allocations' range is drawn (%d)", ret);
	fclose(f);
}

/* 25,000 allocations, 5,000 of them tiny: the 20,000 largest are drawn. */
static void test_timeline_reduced(void)
{
	const size_t n = 25000;
	struct render_alloc *a = calloc(n, sizeof(*a));
	struct render_segment seg = { .id = 1, .start = 0, .size = 1ULL << 40,
				      .t_release = RENDER_T_NONE };
	struct render_timeline t = { .segs = &seg, .nr_segs = 1, .allocs = a,
				     .nr_allocs = n, .unit = RENDER_TIME_NS };
	const char *file = path("timeline-reduced.svg");
	size_t i;
	FILE *f;
	int ret;

	for (i = 0; i < n; i++) {
		a[i].addr = (__u64)i << 20;
		a[i].size = i % 5 == 4 ? 64 : 4096 * (1 + i % 4);
		a[i].t_alloc = 1000 * i;
		a[i].t_free = i % 7 ? 1000 * i + 5000 : RENDER_T_NONE;
		a[i].t_free_req = RENDER_T_NONE;
		a[i].stream = i % 3;
	}
	f = create_file("timeline-reduced.svg");
	ret = render_timeline_svg(f, &t, NULL);
	fclose(f);
	ok(ret == 0, "reduced timeline: returns 0 (%d)", ret);
	check_svg(file);
	ok(xcount(file, R("rect", "alloc")) == 20000, "reduced timeline: 20000 rectangles");
	ok(xcount(file, R("rect", "alloc") "[@data-size=\"64\"]") == 0,
	   "reduced timeline: the 5000 smallest are the ones left out");
	ok(xcount(file, R("text", "reduced")) == 1, "reduced timeline: says it is reduced");
	ok(xcount(file, R("g", "axis") "[@data-axis=\"x\"]/*[local-name()=\"text\"][.=\"time since the start\"]") == 1,
	   "reduced timeline: a nanosecond axis says it is time");
	ok(file_size(file) < 16 * 1024 * 1024, "reduced timeline: %ld bytes, under 16 MiB",
	   file_size(file));
	free(a);
}

/*
 * ---------------------------------------------------------------------------
 * The series: 50 points, then 100,000 with one spike.
 */

static void make_series(struct render_point *p, size_t n)
{
	const __u64 managed = 16 * MIB;
	size_t i;

	for (i = 0; i < n; i++) {
		p[i].t = i;
		p[i].allocated = (i * 7919 % 97) * 64 * KIB;
		p[i].requested = p[i].allocated - p[i].allocated / 16;
		p[i].free = managed - p[i].allocated;
		p[i].largest_free = p[i].free / (1 + i % 3);
		p[i].frag_ppm = p[i].free ? (__u32)(1000000 - p[i].largest_free * 1000000 / p[i].free) : 0;
	}
}

static long points_of(const char *file, const char *metric)
{
	char q[256], buf[1 << 16];
	long n = 0;
	char *s;

	snprintf(q, sizeof(q), "string(" R("polyline", "series") "[@data-metric=\"%s\"]/@points)",
		 metric);
	if (run_xpath(file, q, buf, sizeof(buf)))
		return -1;
	for (s = buf; *s; s++)
		n += *s == ',';
	return n;
}

static void test_series(void)
{
	static const char * const metrics[] = { "allocated", "requested", "free",
		"largest_free", "utilization", "external_frag" };
	struct render_point p[50];
	struct render_series s = { p, 50, RENDER_TIME_OPS };
	const char *file = path("series.svg");
	size_t i;
	int ret, good = 1;
	FILE *f;

	make_series(p, 50);
	f = create_file("series.svg");
	ret = render_series_svg(f, &s, NULL);
	fclose(f);
	ok(ret == 0, "render_series_svg returns 0 (%d)", ret);
	check_svg(file);
	ok(xcount(file, R("polyline", "series")) == 6, "series: six lines");
	for (i = 0; i < 6; i++)
		good &= points_of(file, metrics[i]) == 50;
	ok(good, "series: each line goes through all 50 points");
	ok(xcount(file, R("g", "axis") "[@data-axis=\"x\"]") == 2 &&
	   xcount(file, R("g", "axis") "[@data-axis=\"y\"]") == 2,
	   "series: two charts, each with both axes");
	ok(xcount(file, R("g", "legend")) == 1, "series: a legend");
	ok(xcount(file, R("g", "axis") "[@data-axis=\"y\"]/*[local-name()=\"text\"][.=\"100%\"]") == 1,
	   "series: the percent axis ends at 100%%");
}

static void test_series_reduced(void)
{
	const size_t n = 100000;
	struct render_point *p = calloc(n, sizeof(*p));
	struct render_series s = { p, n, RENDER_TIME_OPS };
	const char *file = path("series-reduced.svg");
	char buf[512];
	long pts;
	FILE *f;
	int ret;

	make_series(p, n);
	p[54321].allocated = 15 * MIB;	/* the spike */
	p[54321].free = 1 * MIB;
	f = create_file("series-reduced.svg");
	ret = render_series_svg(f, &s, NULL);
	fclose(f);
	ok(ret == 0, "reduced series: returns 0 (%d)", ret);
	check_svg(file);
	pts = points_of(file, "allocated");
	ok(pts > 100 && pts <= 4002, "reduced series: %ld points per line, at most 4002", pts);
	ok(xcount(file, R("text", "reduced")) == 1, "reduced series: says it is reduced");
	run_xpath(file, "string(" R("polyline", "series") "[@data-metric=\"allocated\"]/*[local-name()=\"title\"])",
	      buf, sizeof(buf));
	ok_str(buf, "allocated bytes, highest 15 MiB at op 54321",
	       "reduced series: the peak is named");
	ok(file_size(file) < 1024 * 1024, "reduced series: %ld bytes, under 1 MiB",
	   file_size(file));
	free(p);
}

/*
 * ---------------------------------------------------------------------------
 * HTML: the three pictures and a summary, nothing fetched.
 */

static void test_html(void)
{
	struct render_point p[50];
	struct render_series s = { p, 50, RENDER_TIME_OPS };
	struct render_opts o = { .title = "run <1> & \"two\"" };
	const char *file = path("report.html");
	char cmd[1200], out[8192], *data, *line, *next;
	FILE *f = create_file("report.html");
	int ret, st, bad = 0;

	make_series(p, 50);
	ret = render_html(f, &map_snap, &tl, &s, &o);
	fclose(f);
	ok(ret == 0, "render_html returns 0 (%d)", ret);
	/*
	 * libxml2's HTML parser knows no SVG tags: those errors alone are fine.
	 * The shell filters them out, so that a long report (or a long path in
	 * every message) cannot overflow @out and cut a message in two.
	 */
	snprintf(cmd, sizeof(cmd),
		 "{ xmllint --html --noout '%s' 2>&1; echo \"xmllint exit $?\"; } | "
		 "grep -e 'HTML parser error' -e '^xmllint exit' | "
		 "grep -v 'HTML parser error : Tag [a-zA-Z]* invalid'", file);
	run(cmd, out, sizeof(out));
	st = strcmp(out, "xmllint exit 0\n") != 0;
	for (line = out; line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (strstr(line, "HTML parser error"))
			bad++;
	}
	ok(st == 0 && !bad, "html: xmllint --html --noout (%d errors)", bad);
	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>&1", file);
	st = run(cmd, out, sizeof(out));
	ok(st == 0 && !out[0], "html: well-formed XML too%s%s", out[0] ? ": " : "",
	   oneline(out));
	ok(xcount(file, R("rect", "block")) == 7 && xcount(file, R("rect", "alloc")) == 10 &&
	   xcount(file, R("polyline", "series")) == 6,
	   "html: holds the map (7), the timeline (10) and the series (6)");
	ok(xcount(file, "//*[local-name()=\"table\"][@class=\"summary\"]") == 1,
	   "html: a summary table");
	run_xpath(file, "string(//*[local-name()=\"h1\"])", out, sizeof(out));
	ok_str(out, "run <1> & \"two\"",
	       "html: the heading, escaped");
	run_xpath(file, "string(//*[local-name()=\"tr\"][*[local-name()=\"th\"]=\"blocks\"]/*[local-name()=\"td\"])",
	      out, sizeof(out));
	ok_str(out, "7: 3 free, 3 allocated, 1 deferred",
	       "html: summary counts the blocks");
	run_xpath(file, "string(//*[local-name()=\"tr\"][*[local-name()=\"th\"]=\"still live at the end\"]/*[local-name()=\"td\"])",
	      out, sizeof(out));
	ok_str(out, "3",
	       "html: summary counts the live allocations");
	data = read_file(file, NULL);
	ok(data && !strstr(data, "src=") && !strstr(data, "href") && !strstr(data, "@import") &&
	   !strstr(data, "url(http") && !strstr(data, "//cdn"),
	   "html: no external resource (src, href, @import, url(http)");
	ok(xcount(file, "//*[local-name()=\"script\"][@src]") == 0 &&
	   xcount(file, "//*[local-name()=\"script\"]") == 1, "html: one inline script");
	/* Pattern ids are unique in the page. */
	ok(xcount(file, "//*[local-name()=\"pattern\"][@id=\"map-deferred\"]") == 1 &&
	   xcount(file, "//*[local-name()=\"pattern\"][@id=\"tl-deferred\"]") == 1,
	   "html: the pictures' ids do not collide");
	free(data);
}

/*
 * ---------------------------------------------------------------------------
 * render_trace: a hand-written record sequence into the timeline and the
 * series, with the pool's figures after each operation worked out by hand.
 */

static struct memsim_trace_record recs[32];
static size_t nrecs;

static void rec(__u32 op, __u64 addr, __u64 size, __u64 requested,
		__u32 stream, __u64 seg, const char *label)
{
	struct memsim_trace_record *r = &recs[nrecs];

	memset(r, 0, sizeof(*r));
	r->seq = 100 + nrecs;	/* a trace that does not start at 0 */
	r->ts_ns = 5000000 + 1000 * nrecs;
	r->op = op;
	r->addr = addr;
	r->size = size;
	r->requested = requested;
	r->stream = stream;
	r->segment_id = seg;
	r->pid = 77;
	r->tgid = 77;
	memcpy(r->comm, "memsimctl", 9);
	if (label)
		memcpy(r->label, label, strlen(label));
	if (op == MEMSIM_TRACE_ALLOC_FAIL)
		r->error = -ENOSPC;
	nrecs++;
}

/* Operations 0 to 10; the splits and the coalesce are not operations. */
static void build_trace(void)
{
	const __u32 S = MEMSIM_TRACE_SPLIT;

	nrecs = 0;
	rec(MEMSIM_TRACE_SEGMENT_CREATE, SEG1, 1 * MIB, 0, 0, 1, NULL);	/* op 0 */
	rec(S, SEG1 + 256 * KIB, 768 * KIB, 0, 0, 1, "t:1");
	rec(MEMSIM_TRACE_ALLOC, SEG1, 256 * KIB, 250000, 0, 1, "t:1");	/* 1: A */
	rec(S, SEG1 + 512 * KIB, 512 * KIB, 0, 0, 1, "t:2");
	rec(MEMSIM_TRACE_ALLOC, SEG1 + 256 * KIB, 256 * KIB, 256 * KIB, 0, 1, "t:2"); /* 2: B */
	rec(S, SEG1 + 768 * KIB, 256 * KIB, 0, 0, 1, "t:3");
	rec(MEMSIM_TRACE_ALLOC, SEG1 + 512 * KIB, 256 * KIB, 256 * KIB, 0, 1, "t<3>"); /* 3: C */
	rec(MEMSIM_TRACE_FREE_COMPLETE, SEG1, 256 * KIB, 250000, 0, 1, "t:4");	/* 4 */
	rec(MEMSIM_TRACE_FREE_REQUEST, SEG1 + 256 * KIB, 256 * KIB, 256 * KIB, 0, 1, "t:5");
	rec(MEMSIM_TRACE_ALLOC_FAIL, 0, 0, 600 * KIB, MEMSIM_STREAM_ANY_ID, 0, "t:6"); /* 6 */
	rec(MEMSIM_TRACE_FREE_COMPLETE, SEG1 + 256 * KIB, 256 * KIB, 256 * KIB, 0, 1, "t:7");
	rec(MEMSIM_TRACE_COALESCE, SEG1, 512 * KIB, 0, 0, 1, "t:7");
	rec(MEMSIM_TRACE_ALLOC, SEG1, 64 * KIB, 64 * KIB, 0, 1, "t:8");	/* 8: D */
	rec(MEMSIM_TRACE_SEGMENT_CREATE, SEG2, 2 * MIB, 0, 1, 2, NULL);	/* 9 */
	rec(MEMSIM_TRACE_ALLOC, SEG2, 1 * MIB, 1 * MIB, 1, 2, "t:10");	/* 10: E */
}

struct expect_pt {
	__u64 allocated, requested, free, largest;
	__u32 frag_ppm;
};

/* By hand: free = managed - allocated; frag = floor(10^6 (free - largest) / free). */
static const struct expect_pt expect[] = {
	{ 0, 0, 1024 * KIB, 1024 * KIB, 0 },			/* segment 1 */
	{ 256 * KIB, 250000, 768 * KIB, 768 * KIB, 0 },		/* A */
	{ 512 * KIB, 250000 + 262144, 512 * KIB, 512 * KIB, 0 },	/* B */
	{ 768 * KIB, 250000 + 2 * 262144, 256 * KIB, 256 * KIB, 0 },	/* C */
	{ 512 * KIB, 2 * 262144, 512 * KIB, 256 * KIB, 500000 },	/* free A */
	{ 512 * KIB, 2 * 262144, 512 * KIB, 256 * KIB, 500000 },	/* request B */
	{ 512 * KIB, 2 * 262144, 512 * KIB, 256 * KIB, 500000 },	/* failure */
	{ 256 * KIB, 262144, 768 * KIB, 512 * KIB, 333333 },	/* complete B */
	{ 320 * KIB, 262144 + 65536, 704 * KIB, 448 * KIB, 363636 },	/* D */
	{ 320 * KIB, 262144 + 65536, 2752 * KIB, 2048 * KIB, 255813 }, /* segment 2 */
	{ 1344 * KIB, 262144 + 65536 + 1048576, 1728 * KIB, 1024 * KIB, 407407 }, /* E */
};

static void test_trace(void)
{
	const char *file = path("trace-timeline.svg");
	struct render_timeline tlv;
	struct render_series ser;
	struct render_trace t;
	size_t i, bad = 0;
	char buf[4096];
	FILE *f;
	int ret = 0;

	build_trace();
	ok(render_trace_init(&t, RENDER_TIME_OPS) == 0, "trace: init");
	for (i = 0; i < nrecs && !ret; i++)
		ret = render_trace_add(&t, &recs[i]);
	ok(ret == 0, "trace: %zu records accepted (%d)", nrecs, ret);
	ok(t.ops == 11, "trace: 11 operations (splits and coalesces are not) (%llu)",
	   (unsigned long long)t.ops);
	ok(t.nr_allocs == 5 && t.nr_fails == 1 && t.nr_segs == 2 && t.unmatched == 0,
	   "trace: 5 allocations, 1 failure, 2 segments");
	ok(t.nr_pts == ARRAY_SIZE(expect), "trace: a point per operation (%zu)", t.nr_pts);
	for (i = 0; i < t.nr_pts && i < ARRAY_SIZE(expect); i++) {
		const struct render_point *p = &t.pts[i];
		const struct expect_pt *e = &expect[i];

		if (p->t == i && p->allocated == e->allocated && p->requested == e->requested &&
		    p->free == e->free && p->largest_free == e->largest &&
		    p->frag_ppm == e->frag_ppm)
			continue;
		bad++;
		printf("# op %zu: t %llu allocated %llu requested %llu free %llu largest %llu frag %u\n",
		       i, (unsigned long long)p->t, (unsigned long long)p->allocated,
		       (unsigned long long)p->requested, (unsigned long long)p->free,
		       (unsigned long long)p->largest_free, p->frag_ppm);
	}
	ok(!bad, "trace: the pool after each operation as worked out by hand");
	ok(t.allocs[0].t_alloc == 1 && t.allocs[0].t_free == 4 &&
	   t.allocs[1].t_free_req == 5 && t.allocs[1].t_free == 7 &&
	   t.allocs[2].t_free == RENDER_T_NONE && t.allocs[3].t_alloc == 8 &&
	   t.allocs[4].t_alloc == 10 && t.allocs[4].stream == 1,
	   "trace: each allocation's life in operations");
	ok(t.fails[0].t == 6 && t.fails[0].size == 600 * KIB &&
	   t.fails[0].stream == MEMSIM_STREAM_ANY_ID && t.fails[0].error == -ENOSPC,
	   "trace: the failure");
	ok(t.segs[1].t_create == 9 && t.segs[1].t_release == RENDER_T_NONE,
	   "trace: segment 2 from operation 9 on");

	render_trace_timeline(&t, &tlv);
	render_trace_series(&t, &ser);
	f = create_file("trace-timeline.svg");
	ret = render_timeline_svg(f, &tlv, NULL);
	fclose(f);
	ok(ret == 0, "trace: its timeline renders (%d)", ret);
	check_svg(file);
	ok(xcount(file, R("rect", "alloc")) == 5 &&
	   xcount(file, R("rect", "alloc") "[@data-live=\"1\"]") == 3 &&
	   xcount(file, R("rect", "pending")) == 1 && xcount(file, R("path", "fail")) == 1,
	   "trace: 5 allocations, 3 live, 1 deferred free, 1 failure drawn");
	run_xpath(file, "string(" R("rect", "alloc") "[@data-addr=\"0x180000\"]/*[local-name()=\"title\"])",
		  buf, sizeof(buf));
	ok_str(buf, "alloc 0x180000, 256 KiB\nend: 0x1c0000\nsize: 262144\n"
	       "requested: 262144\nstream: 0\ntag: 0x0\nlabel: t<3>\n"
	       "owner: 77 memsimctl\nallocated: op 3\nfreed: still live at the end",
	       "trace: tooltip of C from its alloc record");
	f = create_file("trace.html");
	ret = render_html(f, NULL, &tlv, &ser, NULL);
	fclose(f);
	ok(ret == 0 && xcount(path("trace.html"), R("polyline", "series")) == 6,
	   "trace: timeline and series in one page");
	render_trace_free(&t);

	/* The same records in sequence numbers and in nanoseconds. */
	render_trace_init(&t, RENDER_TIME_SEQ);
	for (i = 0; i < nrecs; i++)
		render_trace_add(&t, &recs[i]);
	ok(t.allocs[0].t_alloc == 102 && t.allocs[1].t_free == 110 && t.pts[0].t == 100,
	   "trace: times as seq numbers");
	render_trace_free(&t);
	render_trace_init(&t, RENDER_TIME_NS);
	for (i = 0; i < nrecs; i++)
		render_trace_add(&t, &recs[i]);
	ok(t.allocs[0].t_alloc == 5002000 && t.fails[0].t == 5009000,
	   "trace: times as nanoseconds");
	render_trace_free(&t);
}

/* The buddy system: a hole is cut in aligned powers of two; RESET ends all. */
static void test_trace_buddy(void)
{
	struct render_trace t;
	int ret = 0;
	size_t i;

	nrecs = 0;
	rec(MEMSIM_TRACE_STRATEGY, 0, 64, 0, 0, 0, NULL);
	recs[0].strategy = MEMSIM_STRATEGY_BUDDY;
	rec(MEMSIM_TRACE_SEGMENT_CREATE, SEG1, 1 * MIB, 0, 0, 1, NULL);
	rec(MEMSIM_TRACE_ALLOC, SEG1, 64 * KIB, 60000, 0, 1, NULL);
	rec(MEMSIM_TRACE_RESET, 0, 0, 0, 0, 0, NULL);
	rec(MEMSIM_TRACE_FREE_COMPLETE, SEG1, 64 * KIB, 0, 0, 1, NULL);
	for (i = 1; i < nrecs; i++)
		recs[i].strategy = MEMSIM_STRATEGY_BUDDY;
	render_trace_init(&t, RENDER_TIME_OPS);
	for (i = 0; i < nrecs && !ret; i++)
		ret = render_trace_add(&t, &recs[i]);
	ok(ret == 0 && t.nr_pts == 5, "buddy trace: accepted (%d)", ret);
	/* 960 KiB free from 0x110000: 64K + 128K + 256K + 512K pieces. */
	ok(t.pts[2].free == 960 * KIB && t.pts[2].largest_free == 512 * KIB &&
	   t.pts[2].frag_ppm == 466666,
	   "buddy trace: largest free block 512 KiB of 960 KiB free (%llu, %u ppm)",
	   (unsigned long long)t.pts[2].largest_free, t.pts[2].frag_ppm);
	ok(t.allocs[0].t_free == 3 && t.segs[0].t_release == 3 && t.pts[3].free == 0,
	   "buddy trace: RESET frees everything and ends the segment");
	ok(t.unmatched == 1, "buddy trace: a free after the reset is unmatched");
	render_trace_free(&t);

	/* A block allocated over a live one is refused, and nothing changes. */
	nrecs = 0;
	rec(MEMSIM_TRACE_SEGMENT_CREATE, SEG1, 1 * MIB, 0, 0, 1, NULL);
	rec(MEMSIM_TRACE_ALLOC, SEG1, 64 * KIB, 0, 0, 1, NULL);
	rec(MEMSIM_TRACE_ALLOC, SEG1 + 32 * KIB, 64 * KIB, 0, 0, 1, NULL);
	render_trace_init(&t, RENDER_TIME_OPS);
	render_trace_add(&t, &recs[0]);
	render_trace_add(&t, &recs[1]);
	ret = render_trace_add(&t, &recs[2]);
	ok(ret == -EINVAL && t.nr_allocs == 1 && t.nr_pts == 2,
	   "trace: an allocation over a live one is -EINVAL (%d)", ret);
	render_trace_free(&t);
}

/* NDJSON lines as memsimctl trace prints them. */
static void test_ndjson(void)
{
	struct memsim_trace_record r, want;
	char err[128], line[1024];
	FILE *f;
	int ret;

	ret = render_trace_parse_ndjson(
		"{\"seq\":2,\"ts_ns\":10452597000,\"op\":\"alloc\",\"addr\":18446744073709486080,"
		"\"size\":65536,\"requested\":65000,\"align\":4096,\"stream\":3,\"segment\":1,"
		"\"strategy\":\"best\",\"tag\":255,\"flags\":1,\"error\":0,\"pid\":49,\"tgid\":48,"
		"\"comm\":\"memsim\\\"ctl\",\"stack\":0,\"label\":\"demo.msim:5\"}\n",
		&r, err, sizeof(err));
	memset(&want, 0, sizeof(want));
	want.seq = 2;
	want.ts_ns = 10452597000ULL;
	want.op = MEMSIM_TRACE_ALLOC;
	want.addr = 0xffffffffffff0000ULL;
	want.size = 65536;
	want.requested = 65000;
	want.align = 4096;
	want.stream = 3;
	want.segment_id = 1;
	want.strategy = MEMSIM_STRATEGY_BEST_FIT;
	want.tag = 255;
	want.flags = 1;
	want.pid = 49;
	want.tgid = 48;
	memcpy(want.comm, "memsim\"ctl", 10);
	memcpy(want.label, "demo.msim:5", 11);
	ok(ret == 0 && !memcmp(&r, &want, sizeof(r)),
	   "ndjson: a record with every field, a 64-bit address, an escaped quote");

	/* What libmemsim prints, read back. */
	want.stream = MEMSIM_STREAM_ANY_ID;
	want.op = MEMSIM_TRACE_ALLOC_FAIL;
	want.error = -ENOSPC;
	memset(want.label, 0, sizeof(want.label));
	f = fmemopen(line, sizeof(line), "w");
	memsim_print_trace_record(f, &want, 1);
	fclose(f);
	ret = render_trace_parse_ndjson(line, &r, err, sizeof(err));
	ok(ret == 0 && !memcmp(&r, &want, sizeof(r)),
	   "ndjson: memsim_print_trace_record()'s line reads back exactly (%s)", ret ? err : "");

	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"alloc\",\"size\":\"x\"}", &r, err,
					sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "field \"size\": not a number", "ndjson: a string for a number");
	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"grow\"}", &r, err, sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "field \"op\": unknown operation", "ndjson: an unknown op");
	ret = render_trace_parse_ndjson("{\"seq\":1}", &r, err, sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "no \"op\" field", "ndjson: no op");
	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"alloc\",\"size\":18446744073709551616}",
					&r, err, sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "field \"size\": bad value", "ndjson: a number over 2^64 - 1");
	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"alloc\",\"label\":\"0123456789012345678901234567890123\"}",
					&r, err, sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "field \"label\": too long", "ndjson: a label over 31 bytes");
	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"alloc\"} x", &r, err, sizeof(err));
	ok_str(ret == -EINVAL ? err : "", "text after the object", "ndjson: trailing text");
	ret = render_trace_parse_ndjson("{\"seq\":1,\"op\":\"alloc\",\"future\":7}", &r, err,
					sizeof(err));
	ok(ret == 0 && r.op == MEMSIM_TRACE_ALLOC, "ndjson: an unknown field is ignored");
}

int main(int argc, char **argv)
{
	char cmd[600];

	if (argc > 1)
		dir = argv[1];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	if (system(cmd)) {
		printf("Bail out! cannot create %s\n", dir);
		return 1;
	}
	if (run("command -v xmllint && command -v rsvg-convert", NULL, 0)) {
		printf("Bail out! xmllint and rsvg-convert are needed (scripts/install-deps.sh: libxml2-utils, librsvg2-bin)\n");
		return 1;
	}
	test_map();
	test_map_errors();
	test_map_reduced();
	test_timeline();
	test_timeline_errors();
	test_timeline_reduced();
	test_series();
	test_series_reduced();
	test_html();
	test_trace();
	test_trace_buddy();
	test_ndjson();
	printf("1..%d\n", ntest);
	printf("render_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
