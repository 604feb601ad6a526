// SPDX-License-Identifier: GPL-2.0
/*
 * replay_read_test: the trace readers of `memsimctl replay`, on the host
 *
 * Copyright (C) 2026 The memsim authors
 *
 *   replay_read_test TRACES_DIR
 *
 * TRACES_DIR is userspace/examples/traces.  Every sample there is read and
 * compared, event by event, with what its format's documentation says it
 * holds (the expectations below were written from the sample files and
 * Documentation/memsimctl.rst, "replay", not from the reader's output);
 * then malformed inputs, each with the exact message it must give; then the
 * pointer map against a plain array.  TAP output, ending with
 * "replay_read_test: N passed, N failed"; exit status 1 if any test fails.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "libmemsim.h"
#include "replay_read.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

static int tests, failures;
static const char *dir;

static bool ok(bool cond, const char *fmt, ...)
{
	char desc[1024], *p;
	va_list ap;

	tests++;
	if (!cond)
		failures++;
	printf("%s %d - ", cond ? "ok" : "not ok", tests);
	va_start(ap, fmt);
	vsnprintf(desc, sizeof(desc), fmt, ap);
	va_end(ap);
	/* A '#' would start a TAP directive. */
	for (p = desc; *p; p++)
		if (*p == '#')
			*p = '%';
	puts(desc);
	return cond;
}

static void diag(const char *fmt, ...)
{
	va_list ap;

	printf("# ");
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
}

static struct replay_workload *read_sample(const char *file, enum replay_format fmt, int device)
{
	struct replay_options opt = { .format = fmt, .device = device };
	struct replay_workload *w = NULL;
	char path[4096], err[512];
	int ret;

	snprintf(path, sizeof(path), "%s/%s", dir, file);
	ret = replay_read_file(path, &opt, &w, err, sizeof(err));
	if (!ok(!ret && w, "%s read as %s", file, replay_format_name(fmt)))
		diag("error %d: %s", ret, err);
	return ret ? NULL : w;
}

/*
 * An expected event: the fields a test names.  Unnamed numbers are
 * checked against their defaults: actual, align, error, tag 0; flags as
 * given exactly.
 */
struct want {
	unsigned int kind;
	unsigned int where;	/* line, or PyTorch index (NO_INDEX: none) */
	__u64 addr;
	__u64 size;
	__u64 actual;
	__u64 align;
	__u32 id;
	__u32 stream;
	__u32 flags;
	__s32 error;
	const char *label;
};

#define NOID	REPLAY_NO_ID
#define NOIX	REPLAY_NO_INDEX
#define ANY	MEMSIM_STREAM_ANY_ID
#define INIT	REPLAY_F_INITIAL

/* Compare every field of @w's events with @want; one test per event. */
static void check_events(const char *what, const struct replay_workload *w,
			 const struct want *want, size_t n, bool by_index)
{
	char where[128];
	size_t i;

	ok(w->nr == n, "%s: %zu events (got %zu)", what, n, w->nr);
	for (i = 0; i < n && i < w->nr; i++) {
		const struct replay_event *e = &w->ev[i];
		const struct want *x = &want[i];
		__u32 pos = by_index ? e->index : e->line;
		bool good = e->kind == x->kind && pos == x->where && e->addr == x->addr &&
			    e->size == x->size && e->actual == x->actual &&
			    e->align == x->align && e->id == x->id && e->stream == x->stream &&
			    e->flags == x->flags && e->error == x->error &&
			    (!x->label || !strcmp(replay_label(w, e), x->label));

		replay_event_where(w, e, where, sizeof(where));
		if (!ok(good, "%s: event %zu (%s) %s", what, i, where, replay_kind_name(x->kind)))
			diag("got kind %s %s %u addr 0x%llx size %llu actual %llu align %llu id %d stream %u flags 0x%x error %d label \"%s\"",
			     replay_kind_name(e->kind), by_index ? "index" : "line", pos,
			     (unsigned long long)e->addr, (unsigned long long)e->size,
			     (unsigned long long)e->actual, (unsigned long long)e->align,
			     (int)e->id, e->stream, e->flags, e->error, replay_label(w, e));
	}
}

static void check_counts(const char *what, const struct replay_workload *w,
			 const __u64 *count)
{
	unsigned int k;
	bool good = true;

	for (k = 0; k < REPLAY_NR_KINDS; k++)
		good &= w->count[k] == count[k];
	ok(good, "%s: events counted by kind", what);
}

/* memsim's own trace: sample.msim as recorded (memsim.csv, memsim.ndjson, debugfs) */

/* Lines of memsim.csv: record seq N is on line N + 2 (line 1 is the header). */
#define L(seq)	((seq) + 2)

static const struct want memsim_want[] = {
	{ REPLAY_SEGMENT_ALLOC, L(0), 0x100000, 262144, 0, 0, 0, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_ALLOC, L(1), 0x200000, 262144, 0, 0, 1, 1, 0, 0, "" },
	{ REPLAY_ALLOC, L(3), 0x100000, 65536, 65536, 0, 0, 0, 0, 0, "weights" },
	{ REPLAY_ALLOC, L(5), 0x200000, 16384, 16384, 4096, 1, 1, 0, 0, "sample.msim:16" },
	{ REPLAY_ALLOC, L(7), 0x13ec78, 5000, 5000, 0, 2, 0, MEMSIM_ALLOC_TOPDOWN, 0,
	  "sample.msim:17" },
	{ REPLAY_ALLOC, L(10), 0x220000, 4096, 4096, 0, 3, 1, MEMSIM_ALLOC_FIXED, 0,
	  "sample.msim:18" },
	{ REPLAY_FREE_REQUESTED, L(11), 0x200000, 16384, 16384, 0, 1, 1, 0, 0, "sample.msim:19" },
	{ REPLAY_FREE_COMPLETED, L(12), 0x200000, 16384, 16384, 0, 1, 1, 0, 0, "sample.msim:20" },
	{ REPLAY_FREE_REQUESTED, L(14), 0x13ec78, 5000, 5000, 0, 2, 0, 0, 0, "sample.msim:21" },
	/* sync 0 completes it: its records carry no label */
	{ REPLAY_FREE_COMPLETED, L(15), 0x13ec78, 5000, 5000, 0, 2, 0, 0, 0, "" },
	{ REPLAY_ALLOC_FAILED, L(17), 0, 524288, 0, 0, NOID, 1, 0, -ENOSPC, "sample.msim:23" },
	{ REPLAY_FREE, L(18), 0x220000, 4096, 4096, 0, 3, 1, 0, 0, "sample.msim:24" },
	{ REPLAY_STRATEGY, L(20), 0, 64, 0, 0, NOID, 0, 0, 0, "" },
	{ REPLAY_ALLOC, L(22), 0x110000, 8192, 8192, 0, 4, 0, 0, 0, "sample.msim:26" },
	{ REPLAY_FREE, L(23), 0x110000, 8192, 8192, 0, 4, 0, 0, 0, "sample.msim:27" },
	{ REPLAY_FREE, L(25), 0x100000, 65536, 65536, 0, 0, 0, 0, 0, "sample.msim:28" },
	{ REPLAY_RESET, L(27), 0, 0, 0, 0, NOID, 0, MEMSIM_RESET_KEEP_SEGMENTS, 0, "" },
	{ REPLAY_SEGMENT_FREE, L(28), 0x200000, 262144, 0, 0, 1, 1, 0, 0, "" },
};

static const __u64 memsim_count[REPLAY_NR_KINDS] = {
	[REPLAY_SEGMENT_ALLOC] = 2, [REPLAY_SEGMENT_FREE] = 1, [REPLAY_ALLOC] = 5,
	[REPLAY_FREE] = 3, [REPLAY_FREE_REQUESTED] = 2, [REPLAY_FREE_COMPLETED] = 2,
	[REPLAY_ALLOC_FAILED] = 1, [REPLAY_STRATEGY] = 1, [REPLAY_RESET] = 1,
};

static void test_memsim(const char *file, enum replay_format fmt, enum replay_format is,
			int line_shift, __u64 first_ts)
{
	struct want want[ARRAY_SIZE(memsim_want)];
	struct replay_workload *w;
	size_t i;

	w = read_sample(file, fmt, -1);
	if (!w)
		return;
	memcpy(want, memsim_want, sizeof(want));
	for (i = 0; i < ARRAY_SIZE(want); i++)
		want[i].where += line_shift;
	ok(w->format == is, "%s: format %s (got %s)", file, replay_format_name(is),
	   replay_format_name(w->format));
	check_events(file, w, want, ARRAY_SIZE(want), false);
	check_counts(file, w, memsim_count);
	/* split and coalesce: seq 2 4 6 8 9 13 16 19 21 24 26 */
	ok(w->skipped == 11, "%s: 11 split/coalesce records skipped (got %llu)", file,
	   (unsigned long long)w->skipped);
	ok(w->nr_ids == 5 && w->nr_seg_ids == 2, "%s: 5 allocation ids, 2 segment ids", file);
	ok(w->nr_streams == 2 && w->stream_value[0] == 0 && w->stream_value[1] == 1,
	   "%s: streams 0 and 1, in memsim's own numbers", file);
	ok(w->lost == 0 && w->first_seq == 0 && w->unknown_frees == 0 && w->reused_ptrs == 0,
	   "%s: nothing lost, no unknown pointer", file);
	ok(w->ev[0].time_ns == first_ts && w->ev[0].strategy == MEMSIM_STRATEGY_FIRST_FIT &&
	   w->ev[12].strategy == MEMSIM_STRATEGY_BEST_FIT &&
	   w->ev[16].strategy == MEMSIM_STRATEGY_BEST_FIT,
	   "%s: times and strategies", file);
	ok(w->ev[0].segment == 1 && w->ev[3].segment == 2 && w->ev[10].segment == 0 &&
	   w->ev[2].thread > 0, "%s: segment ids and pid", file);
	for (i = 0; i < w->nr_ids; i++)
		if (w->ev[w->id_event[i]].kind != REPLAY_ALLOC || w->ev[w->id_event[i]].id != i)
			break;
	ok(i == w->nr_ids, "%s: id_event[] names each id's ALLOC", file);
	replay_free(w);
}

/* RMM */

#define RA	256	/* RMM: "at least 256B alignment" */

static const struct want rmm_want[] = {
	{ REPLAY_ALLOC, 2, 0x7f3a2c000000, 1048576, 0, RA, 0, 0, 0, 0, "" },
	{ REPLAY_ALLOC, 3, 0x7f3a2c100000, 262144, 0, RA, 1, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 4, 0x7f3a2c140000, 4096, 0, RA, 2, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 5, 0x7f3a2c141000, 524288, 0, RA, 3, 2, 0, 0, "" },
	{ REPLAY_FREE, 6, 0x7f3a2c140000, 4096, 0, 0, 2, 1, 0, 0, "" },
	{ REPLAY_ALLOC_FAILED, 7, 0, 8589934592ULL, 0, RA, NOID, 2, 0, -ENOSPC, "" },
	{ REPLAY_ALLOC, 8, 0x7f3a2c140000, 2048, 0, RA, 4, 1, 0, 0, "" },
	{ REPLAY_FREE, 9, 0x7f3a2c141000, 524288, 0, 0, 3, 2, 0, 0, "" },
	{ REPLAY_FREE, 10, 0x7f3a2c100000, 262144, 0, 0, 1, 1, 0, 0, "" },
	{ REPLAY_FREE, 11, 0x7f3a2c140000, 2048, 0, 0, 4, 1, 0, 0, "" },
	{ REPLAY_FREE, 12, 0x7f3a2c000000, 1048576, 0, 0, 0, 0, 0, 0, "" },
};

static const struct want rmm_variants_want[] = {
	{ REPLAY_ALLOC, 2, 0x7f0000000000, 256, 0, RA, 0, 0, 0, 0, "" },
	{ REPLAY_ALLOC, 3, 0x7f0000000100, 512, 0, RA, 1, 1, 0, 0, "" },
	{ REPLAY_FREE, 4, 0x7f0000000000, 256, 0, 0, 0, 0, 0, 0, "" },
	{ REPLAY_ALLOC_FAILED, 5, 0, 1099511627776ULL, 0, RA, NOID, 0, 0, -ENOSPC, "" },
	{ REPLAY_FREE, 6, 0x7f0000000100, 512, 0, 0, 1, 1, 0, 0, "" },
	{ REPLAY_FREE, 7, 0x7f0000abcdef, 64, 0, 0, NOID, 0, REPLAY_F_UNKNOWN_PTR, 0, "" },
};

#define SEC	1000000000ULL
#define CLOCK(h, m, s)	(((h) * 3600ULL + (m) * 60ULL + (s)) * SEC)

static void test_rmm(void)
{
	static const __u64 times[] = {
		CLOCK(14, 2, 7) + 118250000, CLOCK(14, 2, 7) + 118301000,
		CLOCK(14, 2, 7) + 118342000, CLOCK(14, 2, 7) + 118390000,
		CLOCK(14, 2, 7) + 119002000, CLOCK(14, 2, 7) + 119117000,
		CLOCK(14, 2, 7) + 119520000, CLOCK(14, 2, 7) + 120003000,
		CLOCK(14, 2, 7) + 120410000, CLOCK(14, 2, 7) + 120800000,
		CLOCK(14, 2, 7) + 121250000,
	};
	/* 23:59:59.999 then past midnight: the day goes on */
	static const __u64 vtimes[] = {
		CLOCK(23, 59, 59) + 999000000, CLOCK(23, 59, 59) + 999500000,
		CLOCK(24, 0, 0) + 250000, CLOCK(24, 0, 1), CLOCK(24, 0, 1) + 123,
		CLOCK(24, 0, 2) + 500000000,
	};
	struct replay_workload *w;
	size_t i;
	bool good;

	w = read_sample("rmm.csv", REPLAY_FMT_AUTO, -1);
	if (w) {
		ok(w->format == REPLAY_FMT_RMM, "rmm.csv: told as rmm");
		check_events("rmm.csv", w, rmm_want, ARRAY_SIZE(rmm_want), false);
		for (good = true, i = 0; i < ARRAY_SIZE(times) && i < w->nr; i++)
			good &= w->ev[i].time_ns == times[i];
		ok(good, "rmm.csv: Time HH:MM:SS.ffffff in ns");
		ok(w->ev[0].thread == 139872745576256ULL && w->ev[3].thread == 139872737183488ULL,
		   "rmm.csv: Thread");
		ok(w->nr_streams == 3 && w->stream_value[0] == 0 &&
		   w->stream_value[1] == 0x5581f6a0c010ULL && w->stream_value[2] == 0x5581f6a0c8e0ULL,
		   "rmm.csv: streams numbered in order of first appearance");
		ok(w->nr_ids == 5 && w->unknown_frees == 0 && w->reused_ptrs == 0,
		   "rmm.csv: 5 ids, a pointer freed and reused is a new id");
		replay_free(w);
	}
	w = read_sample("rmm-variants.csv", REPLAY_FMT_RMM, -1);
	if (w) {
		check_events("rmm-variants.csv", w, rmm_variants_want,
			     ARRAY_SIZE(rmm_variants_want), false);
		for (good = true, i = 0; i < ARRAY_SIZE(vtimes) && i < w->nr; i++)
			good &= w->ev[i].time_ns == vtimes[i];
		ok(good, "rmm-variants.csv: clock times across midnight");
		ok(w->unknown_frees == 1, "rmm-variants.csv: one free of an unknown pointer");
		replay_free(w);
	}
}

/* PyTorch: pytorch.json, written from torch.cuda.memory._snapshot()'s docs */

#define PA	512
#define MIB	(1ULL << 20)
#define PT_A	0x7f0000000000ULL
#define PT_B	0x7f0000200000ULL
#define PT_C	0x7f0001600000ULL
#define PT_E	0x7f1000000000ULL
#define PT_S	94826117003280ULL

static const struct want pytorch_want[] = {
	/*
	 * Before the trace: segment A, block X that entries 0 and 1 free, and
	 * block Y whose free was requested before the trace (entry 14
	 * completes it).
	 */
	{ REPLAY_SEGMENT_ALLOC, 0, PT_A, 2 * MIB, 0, 0, 0, 0, INIT, 0, "" },
	{ REPLAY_ALLOC, NOIX, PT_A, 1000, 1000, PA, 0, 0, INIT, 0, "" },
	{ REPLAY_ALLOC, NOIX, PT_A + 4096, 512, 512, PA, 1, 0, INIT, 0, "" },
	{ REPLAY_FREE_REQUESTED, NOIX, PT_A + 4096, 512, 512, 0, 1, 0, INIT, 0, "" },
	/* entries 0 and 1: a free requested and completed at once */
	{ REPLAY_FREE, 0, PT_A, 1000, 0, 0, 0, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_ALLOC, 2, PT_B, 20 * MIB, 0, 0, 1, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 3, PT_B, 4 * MIB, 0, PA, 2, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 4, PT_B + 4 * MIB, MIB, 0, PA, 3, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 5, PT_A, 512, 0, PA, 4, 0, 0, 0, "" },
	{ REPLAY_FREE_REQUESTED, 6, PT_B, 4 * MIB, 0, 0, 2, 1, 0, 0, "" },
	{ REPLAY_ALLOC, 7, PT_A + 512, 2048, 0, PA, 5, 0, 0, 0, "" },
	{ REPLAY_FREE_COMPLETED, 8, PT_B, 4 * MIB, 0, 0, 2, 1, 0, 0, "" },
	{ REPLAY_ALLOC_FAILED, 9, 0, 32ULL << 30, 0, PA, NOID, 0, 0, -ENOSPC, "" },
	{ REPLAY_SNAPSHOT, 10, 0, 0, 0, 0, NOID, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_ALLOC, 11, PT_C, 2 * MIB, 0, 0, 2, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_FREE, 12, PT_C, 2 * MIB, 0, 0, 2, 0, 0, 0, "" },
	{ REPLAY_FREE_REQUESTED, 13, PT_B + 4 * MIB, MIB, 0, 0, 3, 1, 0, 0, "" },
	{ REPLAY_FREE_COMPLETED, 14, PT_A + 4096, 512, 0, 0, 1, 0, 0, 0, "" },
};

static const struct want pytorch_dev1_want[] = {
	{ REPLAY_SEGMENT_ALLOC, 0, PT_E, 2 * MIB, 0, 0, 0, 0, REPLAY_F_MAP, 0, "" },
	{ REPLAY_ALLOC, 1, PT_E, MIB, 0, PA, 0, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_ALLOC, 2, PT_E + 2 * MIB, 2 * MIB, 0, 0, 1, 0, REPLAY_F_MAP, 0, "" },
	{ REPLAY_ALLOC, 3, PT_E + MIB, 2 * MIB, 0, PA, 1, 0, 0, 0, "" },
	{ REPLAY_FREE, 4, PT_E + MIB, 2 * MIB, 0, 0, 1, 0, 0, 0, "" },
	{ REPLAY_SEGMENT_FREE, 6, PT_E + 2 * MIB, 2 * MIB, 0, 0, 1, 0, REPLAY_F_MAP, 0, "" },
};

static void test_pytorch(void)
{
	struct replay_options opt = { .format = REPLAY_FMT_PYTORCH, .device = 2 };
	struct replay_workload *w;
	char where[128], err[512], path[4096];
	int ret;

	w = read_sample("pytorch.json", REPLAY_FMT_AUTO, -1);
	if (w) {
		ok(w->format == REPLAY_FMT_PYTORCH && w->device == 0 && w->nr_devices == 2,
		   "pytorch.json: told as pytorch, device 0 of 2 (the first with events)");
		check_events("pytorch.json", w, pytorch_want, ARRAY_SIZE(pytorch_want), true);
		ok(w->nr_streams == 2 && w->stream_value[0] == 0 && w->stream_value[1] == PT_S,
		   "pytorch.json: streams 0 and %llu", PT_S);
		ok(w->ev[0].time_ns == REPLAY_NO_TIME && w->ev[4].time_ns == 1733000000000010000ULL &&
		   w->ev[16].time_ns == 1733000000000070000ULL, "pytorch.json: time_us in ns");
		ok(w->ev[0].line == 0, "pytorch.json: no line numbers");
		replay_event_where(w, &w->ev[0], where, sizeof(where));
		ok(strstr(where, "pytorch.json:segments[0]") != NULL, "where: %s", where);
		replay_event_where(w, &w->ev[1], where, sizeof(where));
		ok(strstr(where, "pytorch.json:initial state") != NULL, "where: %s", where);
		replay_event_where(w, &w->ev[9], where, sizeof(where));
		ok(strstr(where, "pytorch.json:device_traces[0][6]") != NULL, "where: %s", where);
		replay_free(w);
	}
	w = read_sample("pytorch.json", REPLAY_FMT_PYTORCH, 1);
	if (w) {
		ok(w->device == 1, "pytorch.json --device 1");
		check_events("pytorch.json --device 1", w, pytorch_dev1_want,
			     ARRAY_SIZE(pytorch_dev1_want), true);
		replay_free(w);
	}
	snprintf(path, sizeof(path), "%s/pytorch.json", dir);
	ret = replay_read_file(path, &opt, &w, err, sizeof(err));
	ok(ret == -EINVAL && !w && strstr(err, "pytorch.json: --device 2: the snapshot traces only 2 devices"),
	   "pytorch.json --device 2: %s", err);
}

/* Malformed inputs and edge cases, read from memory */

struct bad {
	const char *name;
	enum replay_format fmt;
	const char *text;
	const char *msg;	/* the whole message, or its start if it ends in '*' */
};

#define MHDR	"seq,ts_ns,op,addr,size,requested,align,stream,segment,strategy,tag,flags,error,pid,tgid,comm,stack,label\n"
#define MROW(seq, op, addr)	#seq ",100," op "," addr ",4096,4096,0,0,1,first,0x0,0x0,0,7,7,x,-,-\n"
#define RHDR	"Thread,Time,Action,Pointer,Size,Stream\n"

static const struct bad bads[] = {
	{ "m1.csv", REPLAY_FMT_MEMSIM_CSV, "seq,op\n0,alloc\n",
	  "m1.csv:1: missing column \"addr\" in the header" },
	{ "m2.csv", REPLAY_FMT_AUTO, MHDR MROW(0, "alloc", "0xZZ"),
	  "m2.csv:2: bad number \"0xZZ\" in column addr" },
	{ "m3.csv", REPLAY_FMT_AUTO, MHDR MROW(0, "alloc", "0x0") MROW(1, "allocate", "0x0"),
	  "m3.csv:3: unknown op \"allocate\"" },
	{ "m4.csv", REPLAY_FMT_AUTO, MHDR "0,100,alloc,0x0,4096,4096,0,0,1,first,0x0,0x0,0,7,7,x,-\n",
	  "m4.csv:2: 17 fields, the header has 18" },
	{ "m5.csv", REPLAY_FMT_AUTO, MHDR "0,100,alloc,0x0,4096,4096,0,0,1,first,0x0,0x0,0,7,7,x,-,-,-\n",
	  "m5.csv:2: more than 18 fields, the header has 18" },
	{ "m6.csv", REPLAY_FMT_AUTO, MHDR "0,100,alloc,0x0,4096,4096,0,0,1,first,0x0,0x0,0,7,7,x,-,\"a,b\n",
	  "m6.csv:2: unterminated quoted field" },
	{ "m7.csv", REPLAY_FMT_AUTO, MHDR MROW(5, "alloc", "0x0") MROW(1, "free_complete", "0x0"),
	  "m7.csv:3: seq 1 after 5: the records are out of order" },
	{ "m8.csv", REPLAY_FMT_AUTO,
	  MHDR "0,100,strategy,0x0,64,0,0,0,0,fastest,0x0,0x0,0,7,7,x,-,-\n",
	  "m8.csv:2: unknown strategy \"fastest\"" },
	{ "m9.csv", REPLAY_FMT_AUTO,
	  MHDR "0,100,alloc,0x0,4096,4096,0,x,1,first,0x0,0x0,0,7,7,x,-,-\n",
	  "m9.csv:2: bad stream \"x\" (a number below 4294967295, or any)" },
	{ "m10.csv", REPLAY_FMT_AUTO,
	  MHDR "0,100,alloc,0x0,4096,4096,0,0,1,first,0x0,0x8,0,7,7,x,-,-\n",
	  "m10.csv:2: unknown flags 0x8 for alloc" },
	{ "m11.csv", REPLAY_FMT_AUTO,
	  MHDR "0,100,alloc,0x0,99999999999999999999,4096,0,0,1,first,0x0,0x0,0,7,7,x,-,-\n",
	  "m11.csv:2: bad number \"99999999999999999999\" in column size" },
	{ "m12.csv", REPLAY_FMT_MEMSIM_CSV, "", "m12.csv: no header line (seq,ts_ns,op,addr,...)" },
	{ "m13.csv", REPLAY_FMT_AUTO, "op,addr,size,requested,align,stream,flags,op\n",
	  "m13.csv:1: column \"op\" twice in the header" },
	{ "n1.ndjson", REPLAY_FMT_AUTO,
	  "{\"op\":\"alloc\",\"addr\":0,\"size\":1,\"requested\":1,\"align\":0,\"stream\":0,\"flags\":0}\n{\"op\":\"free\n",
	  "n1.ndjson:2: invalid JSON: *" },
	{ "n2.ndjson", REPLAY_FMT_MEMSIM_NDJSON,
	  "{\"addr\":0,\"size\":1,\"requested\":1,\"align\":0,\"stream\":0,\"flags\":0}\n",
	  "n2.ndjson:1: missing \"op\"" },
	{ "n3.ndjson", REPLAY_FMT_AUTO,
	  "{\"op\":\"alloc\",\"addr\":0,\"size\":1,\"requested\":1,\"align\":0,\"stream\":-1,\"flags\":0}\n",
	  "n3.ndjson:1: bad \"stream\": -1 (a number below 4294967295, or \"any\")" },
	{ "n4.ndjson", REPLAY_FMT_MEMSIM_NDJSON, "[1,2]\n",
	  "n4.ndjson:1: a record must be a JSON object" },
	{ "n5.ndjson", REPLAY_FMT_AUTO,
	  "{\"op\":\"alloc\",\"addr\":18446744073709551616,\"size\":1,\"requested\":1,\"align\":0,\"stream\":0,\"flags\":0}\n",
	  "n5.ndjson:1: bad number for \"addr\": \"18446744073709551616\"" },
	{ "r1.csv", REPLAY_FMT_AUTO, RHDR "1,00:00:01.5,alloc,0x10,16,0x0\n",
	  "r1.csv:2: unknown action \"alloc\" (allocate, free, deallocate or allocate failure)" },
	{ "r2.csv", REPLAY_FMT_AUTO, RHDR "1,00:00:01.5,allocate,0xGG,16,0x0\n",
	  "r2.csv:2: bad Pointer \"0xGG\" (hexadecimal)" },
	{ "r3.csv", REPLAY_FMT_AUTO, RHDR "1,25:00:00.0,allocate,0x10,16,0x0\n",
	  "r3.csv:2: bad Time \"25:00:00.0\" (HH:MM:SS.ffffff, or seconds)" },
	{ "r4.csv", REPLAY_FMT_RMM, "Thread,Time,Action,Pointer,Size\n",
	  "r4.csv:1: not an RMM log header: expected Thread,Time,Action,Pointer,Size,Stream" },
	{ "r5.csv", REPLAY_FMT_AUTO, RHDR "\n1,00:00:01.5,allocate,0x10,16\n",
	  "r5.csv:3: 5 fields, expected 6 (Thread,Time,Action,Pointer,Size,Stream)" },
	{ "r6.csv", REPLAY_FMT_AUTO, RHDR "1,00:00:01.5,allocate,0x10,-16,0x0\n",
	  "r6.csv:2: bad Size \"-16\" (decimal bytes)" },
	{ "r7.csv", REPLAY_FMT_AUTO, RHDR "x1,00:00:01.5,allocate,0x10,16,0x0\n",
	  "r7.csv:2: bad Thread \"x1\" (a decimal thread id)" },
	{ "p1.json", REPLAY_FMT_AUTO, "{\n \"segments\": [],\n \"device_traces\": [[}\n",
	  "p1.json:3: invalid JSON: *" },
	{ "p2.json", REPLAY_FMT_AUTO,
	  "{\"device_traces\": [[{\"action\":\"alloc\",\"addr\":1,\"size\":2},{\"action\":\"malloc\",\"addr\":1,\"size\":2}]]}",
	  "p2.json:device_traces[0][1]: unknown action \"malloc\"" },
	{ "p3.json", REPLAY_FMT_AUTO, "{\"device_traces\": [[{\"action\":\"alloc\",\"size\":2}]]}",
	  "p3.json:device_traces[0][0]: missing \"addr\"" },
	{ "p4.json", REPLAY_FMT_AUTO,
	  "{\"segments\": [{\"address\":0,\"total_size\":1024,\"blocks\":[{\"size\":1024,\"state\":\"busy\"}]}]}",
	  "p4.json:segments[0].blocks[0]: unknown block state \"busy\"" },
	{ "p5.json", REPLAY_FMT_AUTO, "{\"foo\": 1}",
	  "p5.json: not a PyTorch memory snapshot: no \"segments\" or \"device_traces\"" },
	{ "p6.json", REPLAY_FMT_PYTORCH, "{\"segments\": [{\"address\":-5,\"total_size\":1}]}",
	  "p6.json:segments[0]: bad \"address\": -5" },
	{ "p7.json", REPLAY_FMT_AUTO, "{\"device_traces\": [[{\"action\":\"alloc\",\"addr\":1,\"size\":\"x\"}]]}",
	  "p7.json:device_traces[0][0]: bad \"size\": \"x\"" },
	{ "p8.json", REPLAY_FMT_AUTO,
	  "{\"segments\": [{\"address\":18446744073709551600,\"total_size\":32}]}",
	  "p8.json:segments[0]: segment past the end of the address space" },
	{ "p9.json", REPLAY_FMT_AUTO, "{\"device_traces\": [{\"action\":\"alloc\"}]}",
	  "p9.json: device_traces[0] must be an array" },
	{ "a1.txt", REPLAY_FMT_AUTO, "hello, world\n",
	  "a1.txt:1: unknown format: not a memsim trace header (seq,ts_ns,op,addr,...), an RMM log header (Thread,Time,Action,Pointer,Size,Stream) or JSON; give --format" },
	{ "a2.txt", REPLAY_FMT_AUTO, "\n\x20\x20\n# nothing\n",
	  "a2.txt: no trace in the file (it is empty, or blank and '#' lines only)" },
	{ "a3.txt", REPLAY_FMT_AUTO, "",
	  "a3.txt: no trace in the file (it is empty, or blank and '#' lines only)" },
};

static int read_text(const char *name, enum replay_format fmt, int device, const char *text,
		     size_t len, struct replay_workload **w, char *err, size_t errlen)
{
	struct replay_options opt = { .format = fmt, .device = device };
	FILE *f = fmemopen((void *)text, len, "r");
	int ret;

	if (!f) {
		snprintf(err, errlen, "fmemopen: %s", strerror(errno));
		*w = NULL;
		return -errno;
	}
	ret = replay_read_stream(f, name, &opt, w, err, errlen);
	fclose(f);
	return ret;
}

static void test_bad(void)
{
	struct replay_workload *w;
	char err[1024];
	size_t i, n;
	bool match;
	int ret;

	for (i = 0; i < ARRAY_SIZE(bads); i++) {
		const struct bad *b = &bads[i];

		w = (void *)1;
		ret = read_text(b->name, b->fmt, -1, b->text, strlen(b->text), &w, err,
				sizeof(err));
		n = strlen(b->msg);
		if (b->msg[n - 1] == '*')
			match = !strncmp(err, b->msg, n - 1);
		else
			match = !strcmp(err, b->msg);
		if (!ok(ret == -EINVAL && !w && match, "%s: %s", b->name, b->msg))
			diag("got %d, workload %p, \"%s\"", ret, (void *)w, err);
		if (ret == 0)
			replay_free(w);
	}
}

/* Inputs that are odd but valid. */
static void test_edges(void)
{
	static const char gap[] = MHDR MROW(3, "alloc", "0x1000") MROW(7, "free_complete", "0x1000");
	static const char lost[] =
		"op\taddr\tsize\trequested\talign\tstream\tflags\n"
		"alloc\t0x1000\t64\t64\t0\t0\t0x0\n# lost 4\nfree_complete\t0x1000\t64\t64\t0\t0\t0x0\n";
	static const char quoted[] = MHDR
		"0,100,alloc,0xffffffffffffff00,256,200,0,3,1,buddy,0x2a,0x3,-0,7,7,\"a \"\"b\"\"\",-,\"x,y\"\n";
	static const char big[] =
		"{\"op\":\"alloc\",\"addr\":18446744073709551360,\"size\":256,\"requested\":200,\"align\":0,"
		"\"stream\":\"any\",\"flags\":0,\"tag\":18446744073709551615,\"segment\":9223372036854775808,"
		"\"pid\":9223372036854775807,\"label\":\"x,y\"}\n";
	static const char epoch[] = RHDR "7,1634567890.123456,allocate,0x10,16,0x0\n"
		"7,1634567890.5,allocate,0x10,16,0x0\n";
	static const char mismatch[] = RHDR "7,00:00:01,allocate,0x10,16,0x0\n"
		"7,00:00:02,free,0x10,32,0x0\n";
	static const char noblocks[] =
		"{\"segments\": [{\"address\":4096,\"total_size\":8192}], \"device_traces\": [[]]}";
	static const char old[] = "[{\"address\":4096,\"total_size\":8192,\"blocks\":["
		"{\"size\":512,\"state\":\"inactive\"},"
		"{\"size\":512,\"requested_size\":100,\"state\":\"active_awaiting_free\"},"
		"{\"size\":7168,\"state\":\"inactive\"}]}]";
	static const char crlf[] = RHDR "7,00:00:01.000001,allocate,0x10,16,0x0\r\n";
	struct replay_workload *w;
	char err[1024], *longline;
	size_t n;
	int ret;

	ret = read_text("gap.csv", REPLAY_FMT_AUTO, -1, gap, strlen(gap), &w, err, sizeof(err));
	if (ok(!ret, "gap.csv: a gap in seq is no error (%s)", err)) {
		ok(w->first_seq == 3 && w->lost == 3 && w->nr == 2 &&
		   !(w->ev[0].flags & REPLAY_F_AFTER_GAP) && (w->ev[1].flags & REPLAY_F_AFTER_GAP),
		   "gap.csv: starts at seq 3, 3 records lost before line 3");
		replay_free(w);
	}
	ret = read_text("lost.tsv", REPLAY_FMT_AUTO, -1, lost, strlen(lost), &w, err, sizeof(err));
	if (ok(!ret, "lost.tsv: tab-separated, \"# lost 4\" (%s)", err)) {
		ok(w->format == REPLAY_FMT_MEMSIM_CSV && w->lost == 4 && w->nr == 2 &&
		   w->ev[1].line == 4 && (w->ev[1].flags & REPLAY_F_AFTER_GAP) &&
		   w->ev[1].id == 0 && w->ev[0].time_ns == REPLAY_NO_TIME,
		   "lost.tsv: 4 lost, the free after them flagged, no time column");
		replay_free(w);
	}
	ret = read_text("quoted.csv", REPLAY_FMT_AUTO, -1, quoted, strlen(quoted), &w, err,
			sizeof(err));
	if (ok(!ret, "quoted.csv: quoted fields, a 64-bit address (%s)", err)) {
		ok(w->nr == 1 && w->ev[0].addr == 0xffffffffffffff00ULL && w->ev[0].size == 200 &&
		   w->ev[0].actual == 256 && w->ev[0].stream == 3 && w->ev[0].tag == 42 &&
		   w->ev[0].flags == (MEMSIM_ALLOC_TOPDOWN | MEMSIM_ALLOC_RANGE | REPLAY_F_RANGE_UNKNOWN) &&
		   w->ev[0].strategy == MEMSIM_STRATEGY_BUDDY &&
		   !strcmp(replay_label(w, &w->ev[0]), "x,y"),
		   "quoted.csv: fields as written, RANGE flagged as unknown");
		replay_free(w);
	}
	ret = read_text("big.ndjson", REPLAY_FMT_AUTO, -1, big, strlen(big), &w, err, sizeof(err));
	if (ok(!ret, "big.ndjson: integers above 2^63 (%s)", err)) {
		ok(w->format == REPLAY_FMT_MEMSIM_NDJSON && w->nr == 1 &&
		   w->ev[0].addr == 18446744073709551360ULL && w->ev[0].tag == UINT64_MAX &&
		   w->ev[0].segment == 1ULL << 63 && w->ev[0].thread == (1ULL << 63) - 1 &&
		   w->ev[0].stream == ANY && w->nr_streams == 0 &&
		   !strcmp(replay_label(w, &w->ev[0]), "x,y"),
		   "big.ndjson: exact, stream any");
		replay_free(w);
	}
	ret = read_text("epoch.csv", REPLAY_FMT_AUTO, -1, epoch, strlen(epoch), &w, err,
			sizeof(err));
	if (ok(!ret, "epoch.csv: Time in seconds since the epoch (%s)", err)) {
		ok(w->nr == 2 && w->ev[0].time_ns == 1634567890123456000ULL &&
		   w->ev[1].time_ns == 1634567890500000000ULL &&
		   (w->ev[1].flags & REPLAY_F_PTR_REUSED) && w->ev[1].id == 1 && w->reused_ptrs == 1,
		   "epoch.csv: times in ns; a pointer allocated twice is flagged");
		replay_free(w);
	}
	ret = read_text("crlf.csv", REPLAY_FMT_AUTO, -1, crlf, strlen(crlf), &w, err, sizeof(err));
	if (ok(!ret, "crlf.csv: CRLF line ends (%s)", err)) {
		ok(w->nr == 1 && w->ev[0].stream == 0 && w->ev[0].time_ns == SEC + 1000,
		   "crlf.csv: the last field without its CR");
		replay_free(w);
	}
	ret = read_text("mismatch.csv", REPLAY_FMT_AUTO, -1, mismatch, strlen(mismatch), &w, err,
			sizeof(err));
	if (ok(!ret, "mismatch.csv: a free of another size (%s)", err)) {
		ok(w->nr == 2 && w->ev[1].id == 0 && w->ev[1].flags == REPLAY_F_SIZE_MISMATCH &&
		   w->ev[0].flags == 0, "mismatch.csv: flagged, not an error");
		replay_free(w);
	}
	ret = read_text("noblocks.json", REPLAY_FMT_AUTO, -1, noblocks, strlen(noblocks), &w, err,
			sizeof(err));
	if (ok(!ret, "noblocks.json: a segment without blocks, an empty trace (%s)", err)) {
		ok(w->nr == 1 && w->ev[0].kind == REPLAY_SEGMENT_ALLOC && w->ev[0].addr == 4096 &&
		   w->ev[0].size == 8192 && w->ev[0].flags == REPLAY_F_INITIAL && w->device == 0,
		   "noblocks.json: the segment, as the state before the trace");
		replay_free(w);
	}
	ret = read_text("old.json", REPLAY_FMT_AUTO, -1, old, strlen(old), &w, err, sizeof(err));
	if (ok(!ret, "old.json: a list of segments alone (%s)", err)) {
		ok(w->nr == 3 && w->ev[1].kind == REPLAY_ALLOC && w->ev[1].addr == 4096 + 512 &&
		   w->ev[1].size == 100 && w->ev[1].actual == 512 && w->ev[2].kind == REPLAY_FREE_REQUESTED &&
		   w->ev[2].id == 0 && w->device == 0 && w->nr_devices == 0,
		   "old.json: block addresses from the segment's, pending free kept");
		replay_free(w);
	}
	/* json.dump() writes one line: a snapshot far longer than a text line */
	n = 64 * 1024;
	longline = malloc(n);
	if (longline) {
		size_t k = 0;
		int i;

		k += snprintf(longline + k, n - k, "{\"device_traces\": [[");
		for (i = 0; i < 1000; i++)
			k += snprintf(longline + k, n - k, "%s{\"action\":\"alloc\",\"addr\":%d,\"size\":512}",
				      i ? "," : "", 4096 + 512 * i);
		k += snprintf(longline + k, n - k, "]]}");
		ret = read_text("compact.json", REPLAY_FMT_AUTO, -1, longline, k, &w, err,
				sizeof(err));
		if (ok(!ret && k > REPLAY_LINE_MAX, "compact.json: %zu bytes on one line (%s)", k,
		       err)) {
			ok(w->format == REPLAY_FMT_PYTORCH && w->nr == 1000 && w->nr_ids == 1000 &&
			   w->ev[999].addr == 4096 + 512 * 999 && w->ev[999].index == 999,
			   "compact.json: told as pytorch, 1000 allocations");
			replay_free(w);
		}
		free(longline);
	}
	{
		static const char nul[] = RHDR "7,00:00:01,allocate,0x10\0,16,0x0\n";

		ret = read_text("nul.csv", REPLAY_FMT_AUTO, -1, nul, sizeof(nul) - 1, &w, err,
				sizeof(err));
		ok(ret == -EINVAL && !w && !strcmp(err, "nul.csv:2: NUL byte in a text line"),
		   "nul.csv: %s", err);
	}
	/* REPLAY_LINE_MAX - 1 characters are fine, one more is not */
	n = strlen(RHDR) + REPLAY_LINE_MAX + 2;
	longline = calloc(1, n);
	if (!longline)
		return;
	memcpy(longline, RHDR, strlen(RHDR));
	memset(longline + strlen(RHDR), ' ', REPLAY_LINE_MAX - 1);
	longline[strlen(RHDR) + REPLAY_LINE_MAX - 1] = '\n';
	ret = read_text("long.csv", REPLAY_FMT_RMM, -1, longline, strlen(longline), &w, err,
			sizeof(err));
	ok(!ret && w && w->nr == 0, "long.csv: a blank line of %d characters (%s)",
	   REPLAY_LINE_MAX - 1, err);
	replay_free(w);
	memset(longline + strlen(RHDR), ' ', REPLAY_LINE_MAX);
	longline[strlen(RHDR) + REPLAY_LINE_MAX] = '\n';
	ret = read_text("long.csv", REPLAY_FMT_RMM, -1, longline, strlen(longline), &w, err,
			sizeof(err));
	ok(ret == -EINVAL && !w && !strcmp(err, "long.csv:2: line longer than 8191 characters"),
	   "long.csv: a line of %d characters: %s", REPLAY_LINE_MAX, err);
	free(longline);
}

static void test_names(void)
{
	enum replay_format f;
	int i, good = 1;

	for (i = 0; i < REPLAY_NR_FORMATS; i++)
		good &= !replay_format_from_name(replay_format_name(i), &f) && f == (enum replay_format)i;
	ok(good && !strcmp(replay_format_name(REPLAY_FMT_MEMSIM_NDJSON), "memsim-ndjson") &&
	   replay_format_from_name("csv", &f) == -EINVAL,
	   "format names: auto memsim-csv memsim-ndjson rmm pytorch");
	ok(!strcmp(replay_kind_name(REPLAY_FREE_COMPLETED), "free_completed") &&
	   !strcmp(replay_kind_name(99), "?"), "kind names");
}

/* The pointer map against a plain array, through growth and backward-shift deletion. */
static void test_ptrmap(void)
{
	enum { N = 20000, KEYS = 5000 };
	static __u32 model[KEYS];
	struct replay_ptrmap m;
	unsigned int seed = 1, i, k, bad = 0, live = 0;
	__u32 v, old;
	__u64 key;
	int ret;

	replay_ptrmap_init(&m);
	ok(replay_ptrmap_get(&m, 0, &v) == -ENOENT && replay_ptrmap_del(&m, 0, NULL) == -ENOENT,
	   "ptrmap: empty");
	memset(model, 0xff, sizeof(model));
	for (i = 0; i < N; i++) {
		seed = seed * 1103515245 + 12345;
		k = (seed >> 8) % KEYS;
		/* 2 MiB-aligned pointers, and 0 and ~0 among the keys */
		key = k == 1 ? ~0ULL : (__u64)k << 21;
		if ((seed >> 4) & 1) {
			ret = replay_ptrmap_put(&m, key, i, &old);
			bad += ret != (model[k] != REPLAY_NO_ID) || (ret == 1 && old != model[k]);
			live += model[k] == REPLAY_NO_ID;
			model[k] = i;
		} else {
			ret = replay_ptrmap_del(&m, key, &v);
			bad += model[k] == REPLAY_NO_ID ? ret != -ENOENT : ret || v != model[k];
			live -= model[k] != REPLAY_NO_ID;
			model[k] = REPLAY_NO_ID;
		}
	}
	for (k = 0; k < KEYS; k++) {
		key = k == 1 ? ~0ULL : (__u64)k << 21;
		ret = replay_ptrmap_get(&m, key, &v);
		bad += model[k] == REPLAY_NO_ID ? ret != -ENOENT : ret || v != model[k];
	}
	ok(!bad && m.nr == live && m.cap >= 2 * m.nr,
	   "ptrmap: %d puts and deletes agree with a plain array (%u live, %u slots)", N, live,
	   m.cap);
	ok(replay_ptrmap_put(&m, 5, REPLAY_NO_ID, NULL) == -EINVAL, "ptrmap: REPLAY_NO_ID refused");
	replay_ptrmap_clear(&m);
	ok(m.nr == 0 && replay_ptrmap_get(&m, 0, &v) == -ENOENT, "ptrmap: cleared");
	replay_ptrmap_destroy(&m);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s TRACES_DIR\n", argv[0]);
		return 2;
	}
	dir = argv[1];
	setvbuf(stdout, NULL, _IOLBF, 0);
	diag("struct replay_event: %zu bytes", sizeof(struct replay_event));
	test_memsim("memsim.csv", REPLAY_FMT_AUTO, REPLAY_FMT_MEMSIM_CSV, 0, 13400716479ULL);
	test_memsim("memsim.csv", REPLAY_FMT_MEMSIM_CSV, REPLAY_FMT_MEMSIM_CSV, 0, 13400716479ULL);
	test_memsim("memsim.ndjson", REPLAY_FMT_AUTO, REPLAY_FMT_MEMSIM_NDJSON, -1, 13599284934ULL);
	test_memsim("memsim-debugfs.tsv", REPLAY_FMT_AUTO, REPLAY_FMT_MEMSIM_CSV, 0,
		    13820149336ULL);
	test_rmm();
	test_pytorch();
	test_bad();
	test_edges();
	test_names();
	test_ptrmap();
	printf("1..%d\n", tests);
	printf("replay_read_test: %d passed, %d failed\n", tests - failures, failures);
	return failures ? 1 : 0;
}
