// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: the debugfs views and the memsim tracepoints
 *
 * Copyright (C) 2026 The memsim authors
 *
 * A scripted sequence builds a small, known instance; then every file of
 * /sys/kernel/debug/memsim/<id>/ (summary, segments, blocks, histogram,
 * map, stats, trace) and ../instances must show the lines worked out by
 * hand: the header naming the columns, then each value (timings are only
 * checked for being set or not).  The trace file must agree with
 * MEMSIM_IOC_TRACE_READ record for record.  The directory must go away
 * with the instance.  Finally the memsim events of tracefs, enabled around
 * the same sequence, must report it in order.
 *
 * Everything here SKIPs when debugfs (or tracefs) is not mounted.
 */
#include <stdarg.h>
#include <sys/prctl.h>
#include <sys/stat.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

FIXTURE(dbg)
{
	int fd;
	struct memsim_info info;
	char dir[96];
};

FIXTURE_SETUP(dbg)
{
	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	if (!ms_debugfs_available(&self->info))
		SKIP(return, "debugfs is not mounted at /sys/kernel/debug");
	ms_debugfs_dir(self->dir, sizeof(self->dir), self->info.instance_id);
}

FIXTURE_TEARDOWN(dbg)
{
	if (self->fd >= 0)
		close(self->fd);
}

/* Read <dir>/<name> into @l. */
static int read_view(struct _test_data_dbg *self, const char *name, struct ms_lines *l)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", self->dir, name);
	return ms_read_lines(path, l);
}

/* Every line of @l equal to @want (nr lines, the header included). */
static void expect_lines(struct __test_metadata *_metadata, const char *file,
			 const struct ms_lines *l, const char * const *want, size_t nr)
{
	size_t i;

	EXPECT_EQ(nr, l->nr) TH_LOG("%s: %zu lines, want %zu", file, l->nr, nr);
	for (i = 0; i < nr && i < l->nr; i++)
		EXPECT_STREQ(want[i], l->line[i]) TH_LOG("%s line %zu", file, i);
}

/*
 * The scripted sequence, first fit, tracing on (64 records):
 *   segment 1 [0x100000, +64 KiB) stream 0, device 100
 *     a  0x100000  4096  allocated, tag 0xa, label "alpha site"
 *     b  0x101000  2048  free requested, tag 0xb, no label
 *        0x101800 59392  free (d, 512 bytes, allocated and freed there)
 *   segment 2 [0x400000, +4 KiB) stream 1, device 101
 *     c  0x400000   256  allocated, tag 0xc, label "c"
 *        0x400100  3840  free
 *   and one allocation of 1 MiB on stream 0 that failed.
 * 14 trace records.
 */
static void script(struct __test_metadata *_metadata, int fd)
{
	struct memsim_alloc_arg a;
	struct memsim_free_arg f;

	ASSERT_EQ(0, ms_trace_ctl(fd, 64, MEMSIM_TRACE_ON));
	ASSERT_EQ(1, ms_create(fd, 0x100000, 0x10000, 0));
	ASSERT_EQ(2, ms_create(fd, 0x400000, 0x1000, 1));
	ms_alloc_req(&a, 0x1000, 0);
	a.tag = 0xa;
	a.label_ptr = (uintptr_t)"alpha site";
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_ALLOC, &a));
	ASSERT_EQ(0x100000ULL, a.addr);
	ASSERT_EQ(0, ms_alloc(fd, 0x800, 0, 0xb, &a));
	ASSERT_EQ(0x101000ULL, a.addr);
	ms_alloc_req(&a, 0x100, 1);
	a.tag = 0xc;
	a.label_ptr = (uintptr_t)"c";
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_ALLOC, &a));
	ASSERT_EQ(0x400000ULL, a.addr);
	ASSERT_EQ(0, ms_alloc(fd, 0x200, 0, 0xd, &a));
	ASSERT_EQ(0x101800ULL, a.addr);
	ASSERT_EQ(0, ms_free(fd, 0x101800, 0, 0, &f));
	ASSERT_EQ(1U, f.coalesced);
	memset(&f, 0, sizeof(f));
	f.addr = 0x101000;
	f.flags = MEMSIM_FREE_DEFER;
	f.label_ptr = (uintptr_t)"free b";
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_FREE, &f));
	ASSERT_EQ(-ENOSPC, ms_alloc(fd, 0x100000, 0, 0, NULL));
}

/* A printf() into a fresh string, for the expected lines. */
static char *fmt(const char *f, ...)
{
	va_list ap;
	char *s;

	va_start(ap, f);
	if (vasprintf(&s, f, ap) < 0)
		s = NULL;
	va_end(ap);
	return s;
}

static void free_strs(char **s, size_t n)
{
	while (n--)
		free(s[n]);
}

/* The counter rows of one scope. */
struct scope_want {
	const char *scope;
	__u64 managed, alloc, alloc_peak, alloc_total, req, req_peak, req_total;
	__u64 free, largest, deferred, live, live_peak, live_total, free_blocks;
	__u64 deferred_blocks, frees, failures;
};

static size_t scope_rows(char **w, const struct scope_want *s)
{
	const char *sc = s->scope;
	size_t n = 0;

	w[n++] = fmt("%s\tmanaged_bytes\t%llu\t-\t-", sc, s->managed);
	w[n++] = fmt("%s\tallocated_bytes\t%llu\t%llu\t%llu", sc, s->alloc, s->alloc_peak,
		     s->alloc_total);
	w[n++] = fmt("%s\trequested_bytes\t%llu\t%llu\t%llu", sc, s->req, s->req_peak,
		     s->req_total);
	w[n++] = fmt("%s\tinternal_waste_bytes\t%llu\t-\t-", sc, s->alloc - s->req);
	w[n++] = fmt("%s\tfree_bytes\t%llu\t-\t-", sc, s->free);
	w[n++] = fmt("%s\tlargest_free_bytes\t%llu\t-\t-", sc, s->largest);
	w[n++] = fmt("%s\tdeferred_bytes\t%llu\t-\t-", sc, s->deferred);
	w[n++] = fmt("%s\tlive_blocks\t%llu\t%llu\t%llu", sc, s->live, s->live_peak,
		     s->live_total);
	w[n++] = fmt("%s\tfree_blocks\t%llu\t-\t-", sc, s->free_blocks);
	w[n++] = fmt("%s\tdeferred_blocks\t%llu\t-\t-", sc, s->deferred_blocks);
	w[n++] = fmt("%s\tfrees\t-\t-\t%llu", sc, s->frees);
	w[n++] = fmt("%s\tfailures\t-\t-\t%llu", sc, s->failures);
	w[n++] = fmt("%s\tutilization_ppm\t%llu\t%llu\t-", sc,
		     ms_ratio_ppm(s->alloc, s->managed), ms_ratio_ppm(s->alloc_peak, s->managed));
	w[n++] = fmt("%s\texternal_frag_ppm\t%u\t-\t-", sc, ms_frag_ppm(s->free, s->largest));
	return n;
}

TEST_F(dbg, summary)
{
	static const struct scope_want pool = {
		"pool", 69632, 6400, 6912, 6912, 6400, 6912, 6912,
		63232, 59392, 2048, 3, 4, 4, 2, 1, 1, 1,
	};
	static const struct scope_want s0 = {
		"stream:0", 65536, 6144, 6656, 6656, 6144, 6656, 6656,
		59392, 59392, 2048, 2, 3, 3, 1, 1, 1, 1,
	};
	static const struct scope_want s1 = {
		"stream:1", 4096, 256, 256, 256, 256, 256, 256,
		3840, 3840, 0, 1, 1, 1, 1, 0, 0, 0,
	};
	struct ms_lines l;
	char *w[64];
	size_t n = 0;

	script(_metadata, self->fd);
	w[n++] = fmt("scope\tmetric\tcurrent\tpeak\ttotal");
	w[n++] = fmt("pool\tstrategy\tfirst\t-\t-");
	w[n++] = fmt("pool\tsegments\t2\t-\t-");
	w[n++] = fmt("pool\tstreams\t2\t-\t-");
	n += scope_rows(w + n, &pool);
	w[n++] = fmt("pool\ttrace_records\t14\t64\t14");
	w[n++] = fmt("pool\ttrace_dropped\t-\t-\t0");
	n += scope_rows(w + n, &s0);
	n += scope_rows(w + n, &s1);
	ASSERT_GE(ARRAY_SIZE(w), n);
	ASSERT_EQ(0, read_view(self, "summary", &l));
	expect_lines(_metadata, "summary", &l, (const char * const *)w, n);
	ms_lines_free(&l);
	free_strs(w, n);
}

TEST_F(dbg, segments)
{
	static const char * const w[] = {
		"id\tstart\tsize\tdevice\tstream\tblocks\tallocated\tfree\tlargest_free\tfrag_ppm",
		"1\t0x100000\t65536\t100\t0\t3\t6144\t59392\t59392\t0",
		"2\t0x400000\t4096\t101\t1\t2\t256\t3840\t3840\t0",
	};
	struct ms_lines l;

	script(_metadata, self->fd);
	ASSERT_EQ(0, read_view(self, "segments", &l));
	expect_lines(_metadata, "segments", &l, w, ARRAY_SIZE(w));
	ms_lines_free(&l);
}

TEST_F(dbg, blocks)
{
	static const struct {
		const char *addr, *size, *state, *stream, *segment, *requested, *tag;
		bool alloc_ns, free_ns;
		const char *label;
	} want[] = {
		{ "0x100000", "4096", "alloc", "0", "1", "4096", "0xa", true, false,
		  "alpha site" },
		{ "0x101000", "2048", "free_requested", "0", "1", "2048", "0xb", true, true,
		  "-" },
		{ "0x101800", "59392", "free", "0", "1", "0", "0x0", false, false, "-" },
		{ "0x400000", "256", "alloc", "1", "2", "256", "0xc", true, false, "c" },
		{ "0x400100", "3840", "free", "1", "2", "0", "0x0", false, false, "-" },
	};
	struct ms_lines l;
	char tgid[16];
	size_t i;

	script(_metadata, self->fd);
	snprintf(tgid, sizeof(tgid), "%d", getpid());
	ASSERT_EQ(0, read_view(self, "blocks", &l));
	ASSERT_LE(1U, l.nr);
	EXPECT_STREQ("addr\tsize\tstate\tstream\tsegment\trequested\ttag\tcreate_ns\t"
		     "alloc_ns\tfree_ns\ttgid\tlabel", l.line[0]);
	EXPECT_EQ(ARRAY_SIZE(want) + 1, l.nr);
	for (i = 0; i < ARRAY_SIZE(want) && i + 1 < l.nr; i++) {
		bool live = strcmp(want[i].state, "free");
		unsigned long long alloc_ns, free_ns;
		char *f[12];

		ASSERT_EQ(12U, ms_split_tabs(l.line[i + 1], f, 12)) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].addr, f[0]);
		EXPECT_STREQ(want[i].size, f[1]) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].state, f[2]) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].stream, f[3]) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].segment, f[4]) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].requested, f[5]) TH_LOG("block %zu", i);
		EXPECT_STREQ(want[i].tag, f[6]) TH_LOG("block %zu", i);
		EXPECT_NE(0ULL, strtoull(f[7], NULL, 10)) TH_LOG("block %zu create_ns", i);
		alloc_ns = strtoull(f[8], NULL, 10);
		free_ns = strtoull(f[9], NULL, 10);
		EXPECT_EQ(want[i].alloc_ns, alloc_ns != 0) TH_LOG("block %zu alloc_ns", i);
		EXPECT_EQ(want[i].free_ns, free_ns != 0) TH_LOG("block %zu free_ns", i);
		EXPECT_LE(want[i].free_ns ? alloc_ns : 0, free_ns);
		EXPECT_STREQ(live ? tgid : "0", f[10]) TH_LOG("block %zu tgid", i);
		EXPECT_STREQ(want[i].label, f[11]) TH_LOG("block %zu label", i);
	}
	ms_lines_free(&l);
}

TEST_F(dbg, histogram)
{
	char *w[3];
	struct ms_lines l;
	size_t i;

	script(_metadata, self->fd);
	/* Free blocks of 59392 (class 2^15) on stream 0, 3840 (2^11) on 1. */
	w[0] = fmt("stream");
	w[1] = fmt("0");
	w[2] = fmt("1");
	for (i = 0; i < 16; i++) {
		char *a = fmt("%s\t2^%zu", w[0], i);
		char *b = fmt("%s\t%d", w[1], i == 15);
		char *c = fmt("%s\t%d", w[2], i == 11);

		free(w[0]);
		free(w[1]);
		free(w[2]);
		w[0] = a;
		w[1] = b;
		w[2] = c;
	}
	ASSERT_EQ(0, read_view(self, "histogram", &l));
	expect_lines(_metadata, "histogram", &l, (const char * const *)w, 3);
	ms_lines_free(&l);
	free_strs(w, 3);
}

TEST_F(dbg, map)
{
	char *w[3];
	struct ms_lines l;

	script(_metadata, self->fd);
	/* Slices of 1024 and 64 bytes: a is 4 slices, b 2, c 4. */
	w[0] = fmt("segment\tstart\tslice\tmap");
	w[1] = fmt("1\t0x100000\t1024\t####DD%s", "..........................................................");
	w[2] = fmt("2\t0x400000\t64\t####%s", "............................................................");
	ASSERT_EQ(64U, strlen(w[1]) - strlen("1\t0x100000\t1024\t"));
	ASSERT_EQ(64U, strlen(w[2]) - strlen("2\t0x400000\t64\t"));
	ASSERT_EQ(0, read_view(self, "map", &l));
	expect_lines(_metadata, "map", &l, (const char * const *)w, 3);
	ms_lines_free(&l);
	free_strs(w, 3);
}

TEST_F(dbg, stats)
{
	struct ms_stats *st = calloc(1, sizeof(*st));
	struct ms_lines l;
	char *w[MEMSIM_STRATEGY_COUNT + 1];
	size_t i;

	ASSERT_NE(NULL, st);
	script(_metadata, self->fd);
	ASSERT_EQ(0, ms_stats(_metadata, self->fd, 4, st));
	/* First fit: 4 allocations, 1 failure, 1 completed free. */
	EXPECT_EQ(4ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].allocs);
	EXPECT_EQ(1ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].failures);
	EXPECT_EQ(1ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].frees);
	w[0] = fmt("strategy\tactive\tallocs\tfailures\tfrees\tsteps\talloc_ns\tfree_ns");
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		const struct memsim_strategy_stats_info *s = &st->arg.strategies[i];

		w[i + 1] = fmt("%s\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu",
			       ms_strategy_names[i], i == MEMSIM_STRATEGY_FIRST_FIT,
			       (unsigned long long)s->allocs, (unsigned long long)s->failures,
			       (unsigned long long)s->frees, (unsigned long long)s->steps,
			       (unsigned long long)s->alloc_ns, (unsigned long long)s->free_ns);
	}
	ASSERT_EQ(0, read_view(self, "stats", &l));
	expect_lines(_metadata, "stats", &l, (const char * const *)w,
		     MEMSIM_STRATEGY_COUNT + 1);
	ms_lines_free(&l);
	free_strs(w, MEMSIM_STRATEGY_COUNT + 1);
	free(st);
}

/* One record as the trace file prints it (no stack). */
static char *trace_line(const struct memsim_trace_record *r)
{
	char stream[16];

	if (r->stream == MS_ANY)
		snprintf(stream, sizeof(stream), "any");
	else
		snprintf(stream, sizeof(stream), "%u", r->stream);
	return fmt("%llu\t%llu\t%s\t0x%llx\t%llu\t%llu\t%llu\t%s\t%llu\t%s\t0x%llx\t0x%x\t%d\t%u\t%u\t%s\t-\t%s",
		   (unsigned long long)r->seq, (unsigned long long)r->ts_ns,
		   r->op < MEMSIM_TRACE_OP_COUNT ? ms_trace_op_names[r->op] : "?",
		   (unsigned long long)r->addr, (unsigned long long)r->size,
		   (unsigned long long)r->requested, (unsigned long long)r->align, stream,
		   (unsigned long long)r->segment_id,
		   r->strategy < MEMSIM_STRATEGY_COUNT ? ms_strategy_names[r->strategy] : "?",
		   (unsigned long long)r->tag, r->flags, r->error, r->pid, r->tgid, r->comm,
		   r->label[0] ? r->label : "-");
}

#define TRACE_HEADER	"seq\tts_ns\top\taddr\tsize\trequested\talign\tstream\tsegment\t" \
			"strategy\ttag\tflags\terror\tpid\ttgid\tcomm\tstack\tlabel"

TEST_F(dbg, trace)
{
	static const char * const ops[] = {
		"segment_create", "segment_create", "split", "alloc", "split", "alloc",
		"split", "alloc", "split", "alloc", "free_complete", "coalesce",
		"free_request", "alloc_fail", "alloc_fail",
	};
	struct memsim_trace_record *r;
	struct ms_lines l;
	char *w[32], *f[18];
	size_t nr, i;

	/* Off, then on and empty: the header alone. */
	ASSERT_EQ(0, read_view(self, "trace", &l));
	ASSERT_EQ(1U, l.nr);
	EXPECT_STREQ(TRACE_HEADER, l.line[0]);
	ms_lines_free(&l);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, read_view(self, "trace", &l));
	ASSERT_EQ(1U, l.nr);
	ms_lines_free(&l);

	script(_metadata, self->fd);
	ASSERT_EQ(-ENOSPC, ms_alloc(self->fd, 0x100000, MS_ANY, 0, NULL));
	ASSERT_EQ(0, ms_trace_all(self->fd, 0, 64, &r, &nr, NULL));
	ASSERT_EQ(ARRAY_SIZE(ops), nr);
	w[0] = fmt(TRACE_HEADER);
	for (i = 0; i < nr; i++)
		w[i + 1] = trace_line(&r[i]);
	ASSERT_EQ(0, read_view(self, "trace", &l));
	expect_lines(_metadata, "trace", &l, (const char * const *)w, nr + 1);
	/* The operations of the script, the failure's stream and error. */
	for (i = 0; i < nr && i + 1 < l.nr; i++) {
		ASSERT_EQ(18U, ms_split_tabs(l.line[i + 1], f, 18));
		EXPECT_STREQ(ops[i], f[2]) TH_LOG("record %zu", i);
	}
	if (l.nr == nr + 1) {
		EXPECT_STREQ("any", f[7]);
		EXPECT_STREQ("-28", f[12]);
		EXPECT_STREQ("first", f[9]);
	}
	ms_lines_free(&l);
	free_strs(w, nr + 1);
	free(r);
}

/* Read the trace file whole: the lost count and the sequence numbers. */
static void read_trace_file(struct __test_metadata *_metadata, int fd,
			    unsigned int *lost, unsigned int *seqs, unsigned int *nseq)
{
	char buf[8192], *line, *save;
	unsigned int lines = 0;
	ssize_t n;

	n = read(fd, buf, sizeof(buf) - 1);
	ASSERT_LT(0, n);
	buf[n] = '\0';
	EXPECT_EQ(0, read(fd, buf + n, 1));
	*lost = 0;
	*nseq = 0;
	for (line = strtok_r(buf, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		lines++;
		if (sscanf(line, "# lost %u", lost) == 1) {
			EXPECT_EQ(0U, *nseq) TH_LOG("lost line after a record");
			continue;
		}
		if (lines > 1 && *nseq < 16)
			seqs[(*nseq)++] = strtoul(line, NULL, 10);
	}
}

/*
 * A reader is told what the ring lost before it got there, and an open file
 * ends at the records made before it was opened.
 */
TEST_F(dbg, trace_snapshot_and_lost)
{
	unsigned int seqs[16], nseq, lost;
	char path[160], c;
	int fd, i;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 4, MEMSIM_TRACE_ON));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0));
	snprintf(path, sizeof(path), "%s/trace", self->dir);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);

	/* Seq 6..9 kept: "# lost 6" before the first. */
	read_trace_file(_metadata, fd, &lost, seqs, &nseq);
	EXPECT_EQ(6U, lost);
	ASSERT_EQ(4U, nseq);
	EXPECT_EQ(6U, seqs[0]);
	EXPECT_EQ(9U, seqs[3]);

	/* Ten more records: the open file still ends where it ended. */
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0));
	EXPECT_EQ(0, read(fd, &c, 1));
	close(fd);

	/* Opened again: 16..19 kept, 0..15 lost to this reader. */
	fd = open(path, O_RDONLY | O_CLOEXEC);
	ASSERT_LE(0, fd);
	read_trace_file(_metadata, fd, &lost, seqs, &nseq);
	EXPECT_EQ(16U, lost);
	ASSERT_EQ(4U, nseq);
	EXPECT_EQ(16U, seqs[0]);
	EXPECT_EQ(19U, seqs[3]);
	close(fd);
}

TEST_F(dbg, instances_and_removal)
{
	char id[24], dir2[96], *w, *f[10];
	struct memsim_summary sum;
	struct memsim_info info2;
	struct ms_lines l;
	struct stat sb;
	unsigned int found = 0;
	size_t i;
	int fd2;

	script(_metadata, self->fd);
	ASSERT_EQ(0, ms_summary(self->fd, &sum));
	snprintf(id, sizeof(id), "%llu", (unsigned long long)self->info.instance_id);
	ASSERT_EQ(0, ms_read_lines(MS_DEBUGFS "/instances", &l));
	ASSERT_LE(1U, l.nr);
	EXPECT_STREQ("id\ttgid\tcomm\tstrategy\tsegments\tlive_blocks\tallocated\t"
		     "block_structs\tmemory", l.line[0]);
	for (i = 1; i < l.nr; i++) {
		char comm[16] = "";

		ASSERT_EQ(9U, ms_split_tabs(l.line[i], f, 9));
		if (strcmp(f[0], id))
			continue;
		found++;
		EXPECT_EQ(getpid(), atoi(f[1]));
		prctl(PR_GET_NAME, comm);
		EXPECT_STREQ(comm, f[2]);
		EXPECT_STREQ("first", f[3]);
		EXPECT_STREQ("2", f[4]);
		EXPECT_STREQ("3", f[5]);
		EXPECT_STREQ("6400", f[6]);
		/* Every block structure, free or allocated, and what they cost. */
		EXPECT_EQ(sum.usage.live_blocks + sum.usage.free_blocks, strtoull(f[7], NULL, 10));
		EXPECT_LT(0ULL, strtoull(f[8], NULL, 10));
	}
	EXPECT_EQ(1U, found);
	ms_lines_free(&l);

	/* Another instance, another directory; closing it removes it alone. */
	fd2 = ms_open();
	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_info(fd2, &info2));
	ms_debugfs_dir(dir2, sizeof(dir2), info2.instance_id);
	EXPECT_EQ(0, stat(dir2, &sb));
	close(fd2);
	EXPECT_EQ(-1, stat(dir2, &sb));
	EXPECT_EQ(ENOENT, errno);
	EXPECT_EQ(0, stat(self->dir, &sb));

	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(-1, stat(self->dir, &sb));
	EXPECT_EQ(ENOENT, errno);
	w = fmt("%s/summary", self->dir);
	EXPECT_EQ(-1, open(w, O_RDONLY));
	EXPECT_EQ(ENOENT, errno);
	free(w);
	ASSERT_EQ(0, ms_read_lines(MS_DEBUGFS "/instances", &l));
	for (i = 1; i < l.nr; i++) {
		ASSERT_EQ(9U, ms_split_tabs(l.line[i], f, 9));
		EXPECT_STRNE(id, f[0]);
	}
	ms_lines_free(&l);
}

/* The buddy system's rounding shows as internal waste. */
TEST_F(dbg, buddy_waste)
{
	struct ms_lines l;
	char *f[5];
	size_t i;
	unsigned int seen = 0;

	ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 0));
	ASSERT_EQ(1, ms_create(self->fd, 0x100000, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 1000, 0, 1, NULL));
	ASSERT_EQ(0, ms_alloc(self->fd, 100, 0, 2, NULL));
	ASSERT_EQ(0, read_view(self, "summary", &l));
	for (i = 1; i < l.nr; i++) {
		ASSERT_EQ(5U, ms_split_tabs(l.line[i], f, 5));
		if (strcmp(f[0], "pool"))
			continue;
		if (!strcmp(f[1], "strategy")) {
			EXPECT_STREQ("buddy", f[2]);
			seen++;
		} else if (!strcmp(f[1], "allocated_bytes")) {
			EXPECT_STREQ("1152", f[2]);	/* 1024 + 128 */
			seen++;
		} else if (!strcmp(f[1], "requested_bytes")) {
			EXPECT_STREQ("1100", f[2]);
			seen++;
		} else if (!strcmp(f[1], "internal_waste_bytes")) {
			EXPECT_STREQ("52", f[2]);
			seen++;
		}
	}
	EXPECT_EQ(4U, seen);
	ms_lines_free(&l);
}

/*
 * The memsim tracepoints: enabled, the trace cleared, the script run, the
 * events disabled again; the trace must show the script's events, in
 * order, with the TP_printk() formats of module/dev/memsim_trace.h.
 */
FIXTURE(tfs)
{
	int fd;
	struct memsim_info info;
	char root[64];
	bool enabled;
	char tracing_on[8];
};

static int write_str(const char *path, const char *s, int flags)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | flags);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : -EIO;
}

static int tfs_write(struct _test_data_tfs *self, const char *name, const char *s)
{
	char path[160];

	snprintf(path, sizeof(path), "%s/%s", self->root, name);
	return write_str(path, s, O_TRUNC);
}

FIXTURE_SETUP(tfs)
{
	static const char * const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[160];
	unsigned int i;
	char *on;

	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		snprintf(path, sizeof(path), "%s/events/memsim/enable", roots[i]);
		if (!access(path, W_OK)) {
			snprintf(self->root, sizeof(self->root), "%s", roots[i]);
			break;
		}
	}
	if (!self->root[0])
		SKIP(return, "tracefs with the memsim events is not mounted");
	snprintf(path, sizeof(path), "%s/tracing_on", self->root);
	on = ms_read_file(path, NULL);
	ASSERT_NE(NULL, on);
	snprintf(self->tracing_on, sizeof(self->tracing_on), "%c", on[0]);
	free(on);
}

FIXTURE_TEARDOWN(tfs)
{
	if (self->enabled) {
		tfs_write(self, "events/memsim/enable", "0");
		tfs_write(self, "tracing_on", self->tracing_on);
	}
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(tfs, events_in_order)
{
	char want[14][200], inst[32], path[160], *p;
	unsigned int n = 0, seen = 0;
	struct ms_lines l;
	size_t k;

	snprintf(inst, sizeof(inst), "instance=%llu ",
		 (unsigned long long)self->info.instance_id);
#define EV(name, fmt_, ...)	snprintf(want[n++], sizeof(want[0]), "memsim_" name ": %s" fmt_, \
					 inst, __VA_ARGS__)
	EV("segment_create", "segment=%d addr=0x%x size=%d requested=0 stream=%d tag=0x0 strategy=first",
	   1, 0x100000, 65536, 0);
	EV("segment_create", "segment=%d addr=0x%x size=%d requested=0 stream=%d tag=0x0 strategy=first",
	   2, 0x400000, 4096, 1);
	EV("split", "segment=1 addr=0x%x size=%d requested=0 stream=0 tag=0x0 strategy=first",
	   0x101000, 61440);
	EV("alloc", "segment=1 addr=0x%x size=%d requested=%d stream=0 tag=0xa strategy=first",
	   0x100000, 4096, 4096);
	EV("split", "segment=1 addr=0x%x size=%d requested=0 stream=0 tag=0x0 strategy=first",
	   0x101800, 59392);
	EV("alloc", "segment=1 addr=0x%x size=%d requested=%d stream=0 tag=0xb strategy=first",
	   0x101000, 2048, 2048);
	EV("split", "segment=2 addr=0x%x size=%d requested=0 stream=1 tag=0x0 strategy=first",
	   0x400100, 3840);
	EV("alloc", "segment=2 addr=0x%x size=%d requested=%d stream=1 tag=0xc strategy=first",
	   0x400000, 256, 256);
	EV("split", "segment=1 addr=0x%x size=%d requested=0 stream=0 tag=0x0 strategy=first",
	   0x101a00, 58880);
	EV("alloc", "segment=1 addr=0x%x size=%d requested=%d stream=0 tag=0xd strategy=first",
	   0x101800, 512, 512);
	EV("free", "segment=1 addr=0x%x size=%d requested=%d stream=0 tag=0xd strategy=first phase=complete",
	   0x101800, 512, 512);
	EV("coalesce", "segment=1 addr=0x%x size=%d requested=0 stream=0 tag=0x0 strategy=first",
	   0x101800, 59392);
	EV("free", "segment=1 addr=0x%x size=%d requested=%d stream=0 tag=0xb strategy=first phase=request",
	   0x101000, 2048, 2048);
	EV("alloc_fail", "segment=0 addr=0x%x size=%d requested=%d stream=0 tag=0x0 strategy=first",
	   0, 0, 0x100000);
#undef EV

	ASSERT_EQ(0, tfs_write(self, "tracing_on", "1"));
	ASSERT_EQ(0, tfs_write(self, "trace", ""));
	self->enabled = true;
	ASSERT_EQ(0, tfs_write(self, "events/memsim/enable", "1"));
	script(_metadata, self->fd);
	ASSERT_EQ(0, tfs_write(self, "events/memsim/enable", "0"));
	ASSERT_EQ(0, tfs_write(self, "tracing_on", self->tracing_on));
	self->enabled = false;

	snprintf(path, sizeof(path), "%s/trace", self->root);
	ASSERT_EQ(0, ms_read_lines(path, &l));
	for (k = 0; k < l.nr; k++) {
		if (l.line[k][0] == '#')
			continue;
		p = strstr(l.line[k], ": memsim_");
		if (!p || !strstr(p, inst))
			continue;
		p += 2;
		if (seen >= n) {
			TH_LOG("extra event: %s", p);
			seen++;
			continue;
		}
		EXPECT_STREQ(want[seen], p) TH_LOG("event %u", seen);
		seen++;
	}
	EXPECT_EQ(n, seen);
	ms_lines_free(&l);
}

TEST_HARNESS_MAIN
