// SPDX-License-Identifier: GPL-2.0
/*
 * pictures_test: memsimctl's pictures of a saved trace, on the host
 *
 * Copyright (C) 2026 The memsim authors
 *
 *   pictures_test OUTDIR MEMSIMCTL DATADIR
 *
 * Two parts.  The readers of userspace/memsimctl/pictures.c, linked in:
 * the trace CSV parser (pictures_parse_csv()) on lines written here, and
 * pictures_trace_file() on the committed traces and on small ones written
 * here (lost records, a stand-in segment, errors with their line).  Then
 * the command itself, "memsimctl timeline --trace FILE" (no device: it
 * runs on the host), on DATADIR/demo.ndjson and DATADIR/demo.csv: the
 * trace of userspace/examples/demo.msim, recorded in the test VM with
 * "memsimctl trace --format ndjson|csv demo.msim".  The files it writes are
 * checked with xmllint and rsvg-convert; the expected counts come from the
 * trace files themselves (their alloc and alloc_fail lines) and from
 * demo.msim (its end state, worked out in test_cli()).
 *
 * Output: TAP, ending with "pictures_test: N passed, N failed".
 */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "libmemsim.h"
#include "pictures.h"

/* memsimctl's globals (main.c), which pictures.c and json.c use. */
const char *dev_path = MEMSIM_DEFAULT_PATH;
int json;
int quiet;

static int passed, failed, ntest;
static const char *dir = "build/ctltest";
static const char *memsimctl = "build/userspace/memsimctl";
static const char *data = "selftests/memsimctl/data";

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

static char *datafile(const char *name)
{
	static char buf[2][512];
	static int i;

	i = (i + 1) % 2;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", data, name);
	return buf[i];
}

/* Runs @cmd with the shell; its output goes to @out (up to @len). */
static int run(const char *cmd, char *out, size_t len)
{
	char sink[256];
	size_t n = 0, r;
	FILE *p;

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
	return pclose(p);
}

static int exit_code(int st)
{
	return st >= 0 && WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

static long xcount(const char *file, const char *expr)
{
	char cmd[2048], buf[256];

	snprintf(cmd, sizeof(cmd), "xmllint --xpath 'count(%s)' '%s' 2>&1", expr, file);
	if (run(cmd, buf, sizeof(buf)))
		return -1;
	return strtol(buf, NULL, 10);
}

static void xstring(const char *file, const char *expr, char *out, size_t len)
{
	char cmd[2048];
	size_t n;

	snprintf(cmd, sizeof(cmd), "xmllint --xpath 'string(%s)' '%s' 2>&1", expr, file);
	run(cmd, out, len);
	n = strlen(out);
	if (n && out[n - 1] == '\n')
		out[n - 1] = '\0';
}

#define R(el, cls)	"//*[local-name()=\"" el "\"][@class=\"" cls "\"]"

static long file_size(const char *file)
{
	struct stat st;

	return stat(file, &st) ? -1 : st.st_size;
}

static void write_text(const char *file, const char *text)
{
	FILE *f = fopen(file, "w");

	if (!f || fputs(text, f) < 0 || fclose(f)) {
		printf("Bail out! cannot write %s: %s\n", file, strerror(errno));
		exit(1);
	}
}

/* Lines of @file that hold @needle: the test's own count. */
static long count_lines(const char *file, const char *needle)
{
	char line[4096];
	long n = 0;
	FILE *f = fopen(file, "r");

	if (!f)
		return -1;
	while (fgets(line, sizeof(line), f))
		n += !!strstr(line, needle);
	fclose(f);
	return n;
}

/* xmllint --noout is silent, rsvg-convert renders a PNG. */
static void check_svg(const char *file)
{
	char cmd[1200], out[2048];
	int st;

	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>&1", file);
	st = run(cmd, out, sizeof(out));
	ok(st == 0 && !out[0], "%s: xmllint --noout", file);
	snprintf(cmd, sizeof(cmd),
		 "rm -f '%s.png' && rsvg-convert -o '%s.png' '%s' 2>&1 && head -c 4 '%s.png' | od -An -c",
		 file, file, file, file);
	st = run(cmd, out, sizeof(out));
	ok(st == 0 && strstr(out, "P   N   G"), "%s: rsvg-convert renders a PNG", file);
}

static void check_html(const char *file)
{
	char cmd[1200], out[8192], *line, *next;
	int st, bad = 0;

	snprintf(cmd, sizeof(cmd), "xmllint --noout '%s' 2>&1", file);
	st = run(cmd, out, sizeof(out));
	ok(st == 0 && !out[0], "%s: well-formed XML", file);
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
	ok(st == 0 && !bad, "%s: xmllint --html (%d errors)", file, bad);
}

/*
 * ---------------------------------------------------------------------------
 * pictures_parse_csv()
 */

static void test_csv(void)
{
	struct memsim_trace_record r;
	char err[160];
	int ret;

	ret = pictures_parse_csv("46,13044441401,alloc,0x1010000,65536,4096,65536,0,1,buddy,0x7,0x1,0,44,45,memsimctl,-,demo.msim:62\n",
				 ',', &r, err, sizeof(err));
	ok(ret == 0 && r.seq == 46 && r.ts_ns == 13044441401ULL &&
	   r.op == MEMSIM_TRACE_ALLOC && r.addr == 0x1010000 && r.size == 65536 &&
	   r.requested == 4096 && r.align == 65536 && r.stream == 0 &&
	   r.segment_id == 1 && r.strategy == MEMSIM_STRATEGY_BUDDY && r.tag == 7 &&
	   r.flags == 1 && r.error == 0 && r.pid == 44 && r.tgid == 45 &&
	   !strcmp(r.comm, "memsimctl") && r.stack_id == 0 &&
	   !strcmp(r.label, "demo.msim:62"), "csv: every column of an alloc line");

	/* RFC 4180 quoting, "any", a negative errno, a stack handle, \r\n. */
	ret = pictures_parse_csv("3,5,alloc_fail,0x0,0,2097152,0,any,0,first,0x0,0x0,-28,9,9,\"a,\"\"b\"\"\",0x1f,\"x,y\"\r\n",
				 ',', &r, err, sizeof(err));
	ok(ret == 0 && r.op == MEMSIM_TRACE_ALLOC_FAIL && r.stream == MEMSIM_STREAM_ANY_ID &&
	   r.error == -28 && !strcmp(r.comm, "a,\"b\"") && r.stack_id == 0x1f &&
	   !strcmp(r.label, "x,y"), "csv: quoted fields, any, -28, a stack handle");

	/* The debugfs file: tabs, and the stack as frames (not kept). */
	ret = pictures_parse_csv("0\t5120000\tsegment_create\t0x1000000\t1048576\t0\t0\t0\t1\tfirst\t0x0\t0x0\t0\t57\t57\tmemsimctl\tf1+0x10;f2+0x20\t-\n",
				 '\t', &r, err, sizeof(err));
	ok(ret == 0 && r.op == MEMSIM_TRACE_SEGMENT_CREATE && r.size == 1048576 &&
	   r.stack_id == 0 && !r.label[0], "csv: debugfs's tab-separated line");

	ret = pictures_parse_csv("1,5,allocate,0x0,0,0,0,0,0,first,0x0,0x0,0,1,1,x,-,-", ',', &r,
				 err, sizeof(err));
	ok(ret == -EINVAL, "csv: an unknown op is refused");
	ok_str(err, "column \"op\": unknown operation", "csv: ... and named");
	pictures_parse_csv("1,5,alloc,0x0,4k,0,0,0,0,first,0x0,0x0,0,1,1,x,-,-", ',', &r, err,
			   sizeof(err));
	ok_str(err, "column \"size\": not a number", "csv: a bad number, named");
	pictures_parse_csv("1,5,alloc,0x0,4096,0,0,0,0,first,0x0,0x0,28,1,1,x,-,-", ',', &r, err,
			   sizeof(err));
	ok_str(err, "column \"error\": not 0 or a negative errno", "csv: a positive error");
	pictures_parse_csv("1,5,alloc,0x0,4096,0,0,0,0,first,0x0,0x0,0,1,1,x,-", ',', &r, err,
			   sizeof(err));
	ok_str(err, "17 columns, the header has 18", "csv: a column missing");
	pictures_parse_csv("1,5,alloc,0x0,4096,0,0,0,0,first,0x0,0x0,0,1,1,x,-,-,extra", ',', &r,
			   err, sizeof(err));
	ok_str(err, "more than the 18 columns of the header", "csv: a column too many");
	pictures_parse_csv("1,5,alloc,0x0,4096,0,0,0,0,first,0x0,0x0,0,1,1,\"x,-,-", ',', &r, err,
			   sizeof(err));
	ok_str(err, "column 16: a quoted field without its closing quote",
	       "csv: an unterminated quote");
	pictures_parse_csv("1,5,alloc,0x0,4096,0,0,0,0,first,0x0,0x0,0,1,1,x,-,0123456789012345678901234567890123",
			   ',', &r, err, sizeof(err));
	ok_str(err, "column \"label\": too long", "csv: a label longer than the kernel's");
}

/*
 * ---------------------------------------------------------------------------
 * pictures_trace_file(): the committed traces and small written ones.
 */

/* Standard error into a file from err_begin() to err_end(). */
static FILE *err_file;
static int err_saved = -1;

static void err_begin(void)
{
	char *name = path("pictures_test.stderr");

	fflush(stderr);
	err_saved = dup(2);
	err_file = fopen(name, "w+");
	if (!err_file || err_saved < 0) {
		printf("Bail out! %s: %s\n", name, strerror(errno));
		exit(1);
	}
	dup2(fileno(err_file), 2);
}

/* What was written to standard error, in @err. */
static void err_end(char *err, size_t len)
{
	size_t n;

	fflush(stderr);
	dup2(err_saved, 2);
	close(err_saved);
	rewind(err_file);
	n = fread(err, 1, len - 1, err_file);
	err[n] = '\0';
	fclose(err_file);
}

/* Runs pictures_trace_file() with its stderr in @err. */
static int read_trace(const char *file, struct pictures_trace *pt,
		      enum render_time_unit unit, char *err, size_t len)
{
	int ret;

	err_begin();
	pictures_trace_init(pt, unit);
	ret = pictures_trace_file(file, pt);
	err_end(err, len);
	return ret;
}

static void test_trace_files(void)
{
	struct pictures_opts po = { .format = PICTURES_MAP_SVG };
	struct pictures_info info;
	struct pictures_trace a, b;
	char err[1024], want[1024];
	int ret2, ret3;
	long allocs = count_lines(datafile("demo.ndjson"), "\"op\":\"alloc\"");
	long fails = count_lines(datafile("demo.ndjson"), "\"op\":\"alloc_fail\"");
	size_t i;
	int ret, same;

	ret = read_trace(datafile("demo.ndjson"), &a, RENDER_TIME_OPS, err, sizeof(err));
	ok(ret == 0 && !err[0], "demo.ndjson: read, nothing said (%d)", ret);
	ok(allocs > 0 && a.rt.nr_allocs == (size_t)allocs && a.rt.nr_fails == (size_t)fails,
	   "demo.ndjson: %ld allocations, %ld failure, as its lines say", allocs, fails);
	ok(a.lost == 0 && a.records == (__u64)count_lines(datafile("demo.ndjson"), "\"seq\":") &&
	   a.strategy == MEMSIM_STRATEGY_BUDDY && a.nr_made == 1,
	   "demo.ndjson: every record, none lost, ends under buddy, made 1 segment");
	ok(a.nr_comms == 1 && !strcmp(a.comms[0].comm, "memsimctl"),
	   "demo.ndjson: the command name of its process");

	ret = read_trace(datafile("demo.csv"), &b, RENDER_TIME_OPS, err, sizeof(err));
	ok(ret == 0 && !err[0], "demo.csv: read, nothing said (%d)", ret);
	/* Two runs of one script: all but the times and the pid are equal. */
	same = a.rt.nr_allocs == b.rt.nr_allocs && a.rt.nr_pts == b.rt.nr_pts &&
	       a.rt.nr_fails == b.rt.nr_fails && a.records == b.records;
	for (i = 0; same && i < a.rt.nr_allocs; i++)
		same = a.rt.allocs[i].addr == b.rt.allocs[i].addr &&
		       a.rt.allocs[i].size == b.rt.allocs[i].size &&
		       a.rt.allocs[i].t_alloc == b.rt.allocs[i].t_alloc &&
		       a.rt.allocs[i].t_free == b.rt.allocs[i].t_free &&
		       !strcmp(a.rt.allocs[i].label, b.rt.allocs[i].label);
	for (i = 0; same && i < a.rt.nr_pts; i++)
		same = !memcmp(&a.rt.pts[i], &b.rt.pts[i], sizeof(a.rt.pts[i]));
	ok(same, "demo.csv: the same allocations and series as demo.ndjson");
	pictures_trace_free(&a);
	pictures_trace_free(&b);

	/*
	 * A trace whose start is gone: 5 records before seq 5, then 2 more
	 * missing.  The release of a segment never created is skipped then,
	 * and the allocation in segment 7 gets a stand-in.
	 */
	write_text(path("lost.ndjson"),
		   "{\"seq\":5,\"op\":\"alloc\",\"addr\":4096,\"size\":4096,\"segment\":7,\"tgid\":3,\"comm\":\"x\"}\n"
		   "\n"
		   "{\"seq\":6,\"op\":\"segment_release\",\"segment\":9}\n"
		   "{\"seq\":9,\"op\":\"free_complete\",\"addr\":65536,\"size\":4096}\n");
	ret = read_trace(path("lost.ndjson"), &a, RENDER_TIME_SEQ, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "memsimctl: %s: 7 trace records missing (sequence numbers not in the file): the pictures lack them\n"
		 "memsimctl: %s: 1 record skipped: they concern what the missing records made\n",
		 path("lost.ndjson"), path("lost.ndjson"));
	ok(ret == 0 && a.lost == 7 && a.records == 3 && a.rt.nr_allocs == 1 &&
	   a.rt.nr_segs == 1 && a.nr_made == 0 && a.rt.unmatched == 1,
	   "lost records: counted, the release skipped, a stand-in segment");
	ok_str(err, want, "lost records: said on stderr");
	pictures_trace_free(&a);

	/* Without records lost, a contradiction is an error at its line. */
	write_text(path("contra.ndjson"),
		   "{\"seq\":0,\"op\":\"segment_create\",\"addr\":0,\"size\":65536,\"segment\":1}\n"
		   "{\"seq\":1,\"op\":\"alloc\",\"addr\":0,\"size\":4096,\"segment\":1}\n"
		   "{\"seq\":2,\"op\":\"alloc\",\"addr\":0,\"size\":4096,\"segment\":1}\n");
	ret = read_trace(path("contra.ndjson"), &a, RENDER_TIME_OPS, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "memsimctl: %s:3: this alloc record contradicts the records before it (an allocation over a live one, or a release of an unknown segment)\n",
		 path("contra.ndjson"));
	ok(ret == -EINVAL, "a contradiction: -EINVAL");
	ok_str(err, want, "a contradiction: named by its line");
	pictures_trace_free(&a);

	/* A CSV error names the line, counted across a quoted line break. */
	write_text(path("bad.csv"),
		   "seq,ts_ns,op,addr,size,requested,align,stream,segment,strategy,tag,flags,error,pid,tgid,comm,stack,label\n"
		   "0,1,segment_create,0x0,65536,0,0,0,1,first,0x0,0x0,0,1,1,\"two\nlines\",-,-\n"
		   "1,2,alloc,0x0,4096,4096,0,zero,1,first,0x0,0x0,0,1,1,x,-,-\n");
	ret = read_trace(path("bad.csv"), &a, RENDER_TIME_OPS, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "memsimctl: %s:4: column \"stream\": not a stream (a number or any)\n",
		 path("bad.csv"));
	ok(ret == -EINVAL, "bad.csv: -EINVAL");
	ok_str(err, want, "bad.csv: the line and the column");
	pictures_trace_free(&a);

	write_text(path("none.txt"), "\n# nothing\n");
	ret = read_trace(path("none.txt"), &a, RENDER_TIME_OPS, err, sizeof(err));
	snprintf(want, sizeof(want), "memsimctl: %s: no trace records\n", path("none.txt"));
	ok(ret == -EINVAL, "no records: -EINVAL");
	ok_str(err, want, "no records: said");
	pictures_trace_free(&a);

	write_text(path("other.csv"), "Thread,Time,Action,Pointer,Size,Stream\n");
	ret = read_trace(path("other.csv"), &a, RENDER_TIME_OPS, err, sizeof(err));
	snprintf(want, sizeof(want),
		 "memsimctl: %s:1: neither memsim's trace NDJSON (memsimctl trace --format ndjson) nor its CSV with the header line (seq,ts_ns,op,...)\n",
		 path("other.csv"));
	ok(ret == -EINVAL, "another CSV: -EINVAL");
	ok_str(err, want, "another CSV: said, with what is expected");
	pictures_trace_free(&a);

	/* pictures_write() needs an instance or a trace, and a trace for a timeline. */
	pictures_trace_init(&a, RENDER_TIME_OPS);
	err_begin();
	po.format = PICTURES_MAP_SVG;
	ret = pictures_write(NULL, path("never.svg"), NULL, &po, NULL);
	po.format = PICTURES_TIMELINE_SVG;
	ret2 = pictures_write(NULL, path("never.svg"), NULL, &po, NULL);
	po.format = PICTURES_SERIES_SVG;
	ret3 = pictures_write(NULL, path("never.svg"), &a, &po, &info);
	err_end(err, sizeof(err));
	snprintf(want, sizeof(want),
		 "memsimctl: %s: the map picture needs an instance or a trace\n"
		 "memsimctl: %s: the timeline picture needs a trace\n",
		 path("never.svg"), path("never.svg"));
	ok(ret == -EINVAL && ret2 == -EINVAL, "pictures_write() without an instance or a trace: -EINVAL");
	ok_str(err, want, "pictures_write(): what is missing, said");
	ok(ret3 == 0 && info.points == 0 && info.bytes == (__u64)file_size(path("never.svg")),
	   "pictures_write(): an empty trace draws an empty series (%ld bytes)",
	   file_size(path("never.svg")));
	check_svg(path("never.svg"));
	pictures_trace_free(&a);
}

/*
 * ---------------------------------------------------------------------------
 * memsimctl timeline --trace FILE
 */

/* Runs memsimctl with @args; stdout in @out, stderr in @err. */
static int run_ctl(const char *args, char *out, size_t len, char *err, size_t errlen)
{
	char cmd[2048], *ef = path("memsimctl.stderr");
	FILE *f;
	size_t n;
	int st;

	snprintf(cmd, sizeof(cmd), "'%s' %s 2> '%s'", memsimctl, args, ef);
	st = run(cmd, out, len);
	f = fopen(ef, "r");
	n = f ? fread(err, 1, errlen - 1, f) : 0;
	err[n] = '\0';
	if (f)
		fclose(f);
	return exit_code(st);
}

/* The line that says what was written, with the file's real size. */
static void want_line(char *buf, size_t len, const char *file, const char *what)
{
	snprintf(buf, len, "%s: %s, %ld bytes\n", file, what, file_size(file));
}

static void test_cli(void)
{
	char args[2048], out[4096], err[2048], want[4096], l1[600], l2[600], l3[600], s[256];
	long allocs = count_lines(datafile("demo.ndjson"), "\"op\":\"alloc\"");
	long fails = count_lines(datafile("demo.ndjson"), "\"op\":\"alloc_fail\"");
	const char *tl = path("demo-tl.svg"), *ser = path("demo-series.svg");
	const char *html = path("demo.html"), *chtml = path("demo-csv.html");
	int rc;

	remove(tl);
	remove(ser);
	remove(html);
	snprintf(args, sizeof(args), "timeline --svg '%s' --series-svg '%s' --html '%s' --trace '%s'",
		 tl, ser, html, datafile("demo.ndjson"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	ok(rc == 0 && !err[0], "timeline --trace demo.ndjson: exit 0, nothing on stderr (%d)", rc);
	snprintf(s, sizeof(s), "allocations over time (SVG), %ld allocations, %ld failed",
		 allocs, fails);
	want_line(l1, sizeof(l1), tl, s);
	want_line(l2, sizeof(l2), ser, "utilization and fragmentation over time (SVG), 28 points");
	snprintf(s, sizeof(s), "HTML page, 1 segment, 8 blocks, %ld allocations, %ld failed, 28 points",
		 allocs, fails);
	want_line(l3, sizeof(l3), html, s);
	snprintf(want, sizeof(want), "%s%s%s", l1, l2, l3);
	ok_str(out, want, "timeline --trace: a line per file");

	check_svg(tl);
	check_svg(ser);
	check_html(html);
	ok(xcount(tl, R("rect", "alloc")) == allocs, "timeline: one rect.alloc per alloc record (%ld)",
	   allocs);
	ok(xcount(tl, R("path", "fail")) == fails, "timeline: the failed allocation marked");
	ok(xcount(tl, R("rect", "pending")) == 1, "timeline: demo.msim's deferred free");
	/* demo.msim ends with p (5K: 8K) and r (4K at 64K alignment: 64K). */
	ok(xcount(tl, "//*[@data-live=\"1\"]") == 2, "timeline: 2 allocations live at the end");
	ok(xcount(ser, R("polyline", "series")) == 6, "series: 6 lines");
	xstring(tl, "//*[@class=\"heading\"]", s, sizeof(s));
	ok_str(s, "memsim allocations over time: demo.ndjson", "timeline: the default title");
	/*
	 * The end of demo.msim under the buddy system, in its 1 MiB segment at
	 * 16 MiB: p [0, 8K) and r [64K, 128K) allocated; free the pieces
	 * 8K, 16K, 32K between them and 128K, 256K, 512K after r: 8 blocks.
	 */
	ok(xcount(html, R("rect", "block")) == 8, "html: the end state, 8 blocks");
	ok(xcount(html, "//*[local-name()=\"rect\"][@class=\"block\"][@data-state=\"free\"]") == 6,
	   "html: 6 of them free");
	ok(xcount(html, "//*[local-name()=\"rect\"][@class=\"block\"][@data-addr=\"0x1008000\"][@data-size=\"32768\"]") == 1,
	   "html: the free 32K buddy at 0x1008000");
	ok(xcount(html, R("rect", "alloc")) == allocs && xcount(html, R("polyline", "series")) == 6,
	   "html: the timeline and the series too");
	ok(xcount(html, "//*[local-name()=\"table\"][@class=\"summary\"]") == 1, "html: the summary table");

	/* The same from the CSV. */
	remove(chtml);
	snprintf(args, sizeof(args), "--json timeline --html '%s' --title 'demo <csv>' --trace '%s'",
		 chtml, datafile("demo.csv"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	snprintf(want, sizeof(want),
		 "{\"cmd\":\"timeline\",\"ok\":true,\"file\":\"%s\",\"picture\":\"html\",\"segments\":1,\"blocks\":8,\"allocs\":%ld,\"fails\":%ld,\"points\":28,\"lost\":0,\"bytes\":%ld}\n",
		 chtml, allocs, fails, file_size(chtml));
	ok(rc == 0, "timeline --json --trace demo.csv: exit 0");
	ok_str(out, want, "timeline --json: one object per file");
	check_html(chtml);
	ok(xcount(chtml, R("rect", "block")) == 8 && xcount(chtml, R("rect", "alloc")) == allocs,
	   "demo.csv: the same blocks and allocations");
	xstring(chtml, "//*[local-name()=\"h1\"]", s, sizeof(s));
	ok_str(s, "demo <csv>", "html: --title, escaped");

	/* Other x axes. */
	snprintf(args, sizeof(args), "timeline --svg '%s' --time seq --trace '%s' > /dev/null",
		 path("demo-seq.svg"), datafile("demo.ndjson"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	xstring(path("demo-seq.svg"), "//*[@class=\"axis-title\"]", s, sizeof(s));
	ok(rc == 0 && !strcmp(s, "trace record (seq)"), "--time seq: the x axis counts seq (%s)", s);
	snprintf(args, sizeof(args), "timeline --series-svg '%s' --time ns --trace '%s' > /dev/null",
		 path("demo-ns.svg"), datafile("demo.csv"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	xstring(path("demo-ns.svg"), "(//*[@class=\"axis-title\"])[1]", s, sizeof(s));
	ok(rc == 0 && !strcmp(s, "time since the start"), "--time ns: the x axis is time (%s)", s);
	check_svg(path("demo-ns.svg"));

	/* Standard output. */
	snprintf(args, sizeof(args), "timeline --svg - --trace '%s' | grep -c '<rect class=\"alloc\"'",
		 datafile("demo.ndjson"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	snprintf(want, sizeof(want), "%ld\n", allocs);
	ok_str(out, want, "--svg -: the picture on standard output, nothing else");

	/* A bad trace: exit 1, the line named, the old file left as it was. */
	write_text(path("half.ndjson"),
		   "{\"seq\":0,\"op\":\"segment_create\",\"addr\":0,\"size\":65536,\"segment\":1}\n"
		   "{\"seq\":1,\"op\":\"alloc\",\"addr\":0,\"size\":-1,\"segment\":1}\n");
	write_text(path("half.svg"), "old\n");
	snprintf(args, sizeof(args), "timeline --svg '%s' --trace '%s'", path("half.svg"),
		 path("half.ndjson"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	snprintf(want, sizeof(want), "memsimctl: %s:2: field \"size\": not a number\n",
		 path("half.ndjson"));
	ok(rc == 1 && !out[0] && file_size(path("half.svg")) == 4, "a bad trace: exit 1, the file untouched");
	ok_str(err, want, "a bad trace: its line and field");
	snprintf(args, sizeof(args), "timeline --svg '%s/no/such/dir/x.svg' --trace '%s'", dir,
		 datafile("demo.ndjson"));
	rc = run_ctl(args, out, sizeof(out), err, sizeof(err));
	snprintf(want, sizeof(want), "memsimctl: %s/no/such/dir/x.svg: No such file or directory\n",
		 dir);
	ok(rc == 1, "an unwritable file: exit 1");
	ok_str(err, want, "an unwritable file: said");

	/* Usage errors: exit 2. */
	rc = run_ctl("timeline --trace x.ndjson", out, sizeof(out), err, sizeof(err));
	ok(rc == 2 && strstr(err, "nothing to draw"), "timeline without a file to write: exit 2");
	rc = run_ctl("timeline --svg a.svg --capacity 5 --trace x.ndjson", out, sizeof(out), err,
		 sizeof(err));
	ok(rc == 2 && strstr(err, "--capacity sizes a script's trace, not --trace"),
	   "--capacity with --trace: exit 2");
	rc = run_ctl("timeline --svg a.svg --time us --trace x.ndjson", out, sizeof(out), err,
		 sizeof(err));
	ok(rc == 2 && strstr(err, "timeline: --time: 'us' is not a time (op, seq, ns)"),
	   "--time us: exit 2, the choices named");
}

int main(int argc, char **argv)
{
	char cmd[600];

	if (argc > 1)
		dir = argv[1];
	if (argc > 2)
		memsimctl = argv[2];
	if (argc > 3)
		data = argv[3];
	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", dir);
	if (system(cmd)) {
		printf("Bail out! cannot create %s\n", dir);
		return 1;
	}
	if (run("command -v xmllint && command -v rsvg-convert", NULL, 0)) {
		printf("Bail out! xmllint and rsvg-convert are needed (scripts/install-deps.sh: libxml2-utils, librsvg2-bin)\n");
		return 1;
	}
	test_csv();
	test_trace_files();
	test_cli();
	printf("1..%d\n", ntest);
	printf("pictures_test: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
