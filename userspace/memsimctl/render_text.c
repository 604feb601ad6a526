// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: tables for humans (and their NDJSON form with --json)
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <stdio.h>
#include <string.h>

#include "json.h"
#include "memsimctl.h"
#include "render_text.h"

void print_ppm(__u32 ppm)
{
	printf("%u.%04u%%", ppm / 10000, ppm % 10000);
}

const char *stream_str(__u32 stream, char *buf, size_t len)
{
	if (stream == MEMSIM_STREAM_ANY_ID)
		return "any";
	snprintf(buf, len, "%u", stream);
	return buf;
}

/* The strategies' counters; @active (if >= 0) is marked with a '*'. */
void print_strategies(const struct memsim_strategy_stats_info *st, int active)
{
	int i;

	printf("%-8s %10s %10s %10s %12s %14s %14s\n", "strategy",
	       "allocs", "failures", "frees", "steps", "alloc_ns",
	       "free_ns");
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++)
		printf("%-8s %10llu %10llu %10llu %12llu %14llu %14llu%s\n",
		       memsim_strategy_name(i),
		       (unsigned long long)st[i].allocs,
		       (unsigned long long)st[i].failures,
		       (unsigned long long)st[i].frees,
		       (unsigned long long)st[i].steps,
		       (unsigned long long)st[i].alloc_ns,
		       (unsigned long long)st[i].free_ns,
		       i == active ? " *" : "");
}

int print_stream(const struct memsim_stream_info *st, void *ctx)
{
	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("stream", st->stream);
		ju64("nr_segments", st->nr_segments);
		json_usage("usage", &st->usage);
		jclose('}');
	} else {
		printf("stream %u: %llu segment%s\n", st->stream,
		       (unsigned long long)st->nr_segments,
		       st->nr_segments == 1 ? "" : "s");
		memsim_print_usage(stdout, &st->usage, "  ");
	}
	return 0;
}

int print_segment(const struct memsim_segment_info *g, void *ctx)
{
	char sz[32];

	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("id", g->id);
		ju64("start", g->start);
		ju64("size", g->size);
		ju64("device", g->device);
		ju64("stream", g->stream);
		ju64("nr_blocks", g->nr_blocks);
		ju64("largest_free", g->largest_free);
		ju64("split_ratio_ppm", g->split_ratio_ppm);
		json_usage("usage", &g->usage);
		jclose('}');
		return 0;
	}
	printf("segment %llu: [0x%llx, 0x%llx) %s, stream %u, device %u: %llu blocks (%llu live), %llu allocated, largest free %llu, fragmentation ",
	       (unsigned long long)g->id, (unsigned long long)g->start,
	       (unsigned long long)(g->start + g->size),
	       memsim_format_size(sz, sizeof(sz), g->size), g->stream,
	       g->device, (unsigned long long)g->nr_blocks,
	       (unsigned long long)g->usage.live_blocks,
	       (unsigned long long)g->usage.allocated,
	       (unsigned long long)g->largest_free);
	print_ppm(g->usage.frag_ppm);
	printf("\n");
	return 0;
}

void print_blocks_header(void)
{
	printf("blocks:\n  %-18s %-18s %12s  %-9s %6s %7s %12s %-10s %7s %s\n",
	       "start", "end", "size", "state", "stream", "segment",
	       "requested", "tag", "owner", "label");
}

int print_block(const struct memsim_block_life *l, void *ctx)
{
	const struct memsim_block_info *b = &l->block;

	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("addr", b->addr);
		ju64("size", b->size);
		jstr("state", memsim_state_name(b->state));
		ju64("stream", b->stream);
		ju64("segment_id", b->segment_id);
		ju64("requested", b->requested);
		ju64("tag", b->tag);
		ju64("create_ns", l->create_ns);
		ju64("alloc_ns", b->alloc_ns);
		ju64("free_ns", b->free_ns);
		ju64("owner_tgid", l->owner_tgid);
		jstr("label", l->label);
		jclose('}');
		return 0;
	}
	printf("  0x%-16llx 0x%-16llx %12llu  %-9s %6u %7llu %12llu 0x%-8llx %7u %s\n",
	       (unsigned long long)b->addr,
	       (unsigned long long)(b->addr + b->size),
	       (unsigned long long)b->size, memsim_state_name(b->state),
	       b->stream, (unsigned long long)b->segment_id,
	       (unsigned long long)b->requested, (unsigned long long)b->tag,
	       l->owner_tgid, l->label[0] ? l->label : "-");
	return 0;
}

/* map: what the debugfs file "map" shows, computed from the ioctls. */

void print_map_header(void)
{
	printf("segment\tstart\tslice\tmap\n");
}

int print_map(const struct memsim_map *m, void *ctx)
{
	(void)ctx;
	if (json) {
		jopen(NULL, '{');
		ju64("segment", m->segment_id);
		ju64("start", m->start);
		ju64("slice", m->slice);
		jstr("map", m->line);
		jclose('}');
	} else {
		/* The format of map_segment() in module/dev/memsim_debugfs.c. */
		printf("%llu\t0x%llx\t%llu\t%s\n", (unsigned long long)m->segment_id,
		       (unsigned long long)m->start, (unsigned long long)m->slice,
		       m->line);
	}
	return 0;
}

/* The summary table: the counters as current, peak and total. */

#define HAS_CUR		(1U << 0)
#define HAS_PEAK	(1U << 1)
#define HAS_TOTAL	(1U << 2)

enum metric_unit { UNIT_BYTES, UNIT_COUNT, UNIT_PPM };

/**
 * struct metric - a row of the summary table
 * @name: its name in JSON (and in the debugfs summary file).
 * @title: its name for humans.
 * @unit: how its values read.
 * @has: HAS_* for the columns that apply.
 * @v: current, peak and total.
 */
struct metric {
	const char *name;
	const char *title;
	enum metric_unit unit;
	unsigned int has;
	__u64 v[3];
};

#define NR_USAGE_METRICS	14
#define NR_METRICS		(NR_USAGE_METRICS + 4)

static __u64 ratio_ppm(__u64 part, __u64 whole)
{
	return whole ? (__u64)((__uint128_t)part * 1000000 / whole) : 0;
}

/* The rows of a pool's or a stream's counters, into @m. */
static void usage_metrics(const struct memsim_usage_info *u, struct metric *m)
{
	const struct metric rows[NR_USAGE_METRICS] = {
		{ "managed_bytes", "managed", UNIT_BYTES, HAS_CUR, { u->total } },
		{ "allocated_bytes", "allocated", UNIT_BYTES, HAS_CUR | HAS_PEAK,
		  { u->allocated, u->peak_allocated } },
		{ "requested_bytes", "requested", UNIT_BYTES, HAS_CUR, { u->requested } },
		{ "internal_waste_bytes", "internal waste", UNIT_BYTES, HAS_CUR,
		  { u->allocated - u->requested } },
		{ "free_bytes", "free", UNIT_BYTES, HAS_CUR, { u->free } },
		{ "largest_free_bytes", "largest free block", UNIT_BYTES, HAS_CUR,
		  { u->largest_free } },
		{ "deferred_bytes", "deferred frees", UNIT_BYTES, HAS_CUR,
		  { u->deferred_bytes } },
		{ "live_blocks", "live blocks (total: allocs)", UNIT_COUNT,
		  HAS_CUR | HAS_TOTAL, { u->live_blocks, 0, u->allocs } },
		{ "free_blocks", "free blocks", UNIT_COUNT, HAS_CUR, { u->free_blocks } },
		{ "deferred_blocks", "deferred blocks", UNIT_COUNT, HAS_CUR,
		  { u->deferred_blocks } },
		{ "frees", "frees", UNIT_COUNT, HAS_TOTAL, { 0, 0, u->frees } },
		{ "failures", "failures", UNIT_COUNT, HAS_TOTAL, { 0, 0, u->failures } },
		{ "utilization_ppm", "utilization", UNIT_PPM, HAS_CUR | HAS_PEAK,
		  { u->utilization_ppm, ratio_ppm(u->peak_allocated, u->total) } },
		{ "external_frag_ppm", "external fragmentation", UNIT_PPM, HAS_CUR,
		  { u->frag_ppm } },
	};

	memcpy(m, rows, sizeof(rows));
}

/*
 * The pool's history, which only GET_SUMMARY has (streams have none in the
 * uapi): totals of allocated and requested bytes, peaks of requested bytes
 * and live blocks.  @m holds usage_metrics()' rows, in their order.
 */
static void pool_history_metrics(const struct memsim_summary *sum, struct metric *m)
{
	m[1].has |= HAS_TOTAL;
	m[1].v[2] = sum->alloc_bytes;
	m[2].has |= HAS_PEAK | HAS_TOTAL;
	m[2].v[1] = sum->peak_requested;
	m[2].v[2] = sum->requested_bytes;
	m[7].has |= HAS_PEAK;
	m[7].v[1] = sum->peak_live_blocks;
}

static const char *metric_cell(const struct metric *m, int col, char *buf,
			       size_t len)
{
	__u64 v = m->v[col];

	if (!(m->has & (1U << col)))
		return "";
	if (m->unit == UNIT_BYTES)
		return memsim_format_size(buf, len, v);
	if (m->unit == UNIT_PPM)
		snprintf(buf, len, "%llu.%02llu%%", (unsigned long long)v / 10000,
			 (unsigned long long)v % 10000 / 100);
	else
		snprintf(buf, len, "%llu", (unsigned long long)v);
	return buf;
}

/* A line of @c across the summary table. */
static void print_rule(char c)
{
	char line[79];

	memset(line, c, sizeof(line) - 1);
	line[sizeof(line) - 1] = '\0';
	printf("%s\n", line);
}

static void print_metrics(const char *scope, const struct metric *m, int n)
{
	char a[32], b[32], c[32], line[128], *end;
	int i, col;

	for (i = 0; i < n; i++) {
		if (json) {
			jopen(NULL, '{');
			jstr("scope", scope);
			jstr("metric", m[i].name);
			for (col = 0; col < 3; col++) {
				static const char * const keys[] = { "current", "peak", "total" };

				if (m[i].has & (1U << col))
					ju64(keys[col], m[i].v[col]);
				else
					jnull(keys[col]);
			}
			jclose('}');
			continue;
		}
		snprintf(line, sizeof(line), "    %-32s %13s %13s %13s", m[i].title,
			 metric_cell(&m[i], 0, a, sizeof(a)),
			 metric_cell(&m[i], 1, b, sizeof(b)),
			 metric_cell(&m[i], 2, c, sizeof(c)));
		end = line + strlen(line);
		while (end > line && end[-1] == ' ')
			end--;
		printf("%.*s\n", (int)(end - line), line);
	}
}

int summary_stream(const struct memsim_stream_info *st, void *ctx)
{
	struct metric m[NR_USAGE_METRICS];
	char scope[24];

	(void)ctx;
	snprintf(scope, sizeof(scope), "stream:%u", st->stream);
	if (!json)
		printf(" stream %u: %llu segment%s\n", st->stream,
		       (unsigned long long)st->nr_segments,
		       st->nr_segments == 1 ? "" : "s");
	usage_metrics(&st->usage, m);
	print_metrics(scope, m, NR_USAGE_METRICS);
	return 0;
}

void summary_begin(const struct summary_table *t)
{
	const struct memsim_summary *sum = &t->sum;
	struct metric m[NR_METRICS], *tr = &m[NR_USAGE_METRICS + 2];
	int n = 2;
	char sz[32];

	memset(m, 0, sizeof(m));
	m[0] = (struct metric){ "segments", "segments", UNIT_COUNT, HAS_CUR,
				{ sum->nr_segments } };
	m[1] = (struct metric){ "streams", "streams", UNIT_COUNT, HAS_CUR,
				{ sum->nr_streams } };
	usage_metrics(&sum->usage, &m[2]);
	pool_history_metrics(sum, &m[2]);
	n += NR_USAGE_METRICS;
	if (t->has_trace) {
		tr[0] = (struct metric){ "trace_records", "trace records (peak: capacity)",
					 UNIT_COUNT, HAS_CUR | HAS_PEAK | HAS_TOTAL,
					 { t->trace_kept, t->trace_capacity, t->trace_head } };
		tr[1] = (struct metric){ "trace_dropped", "trace records dropped",
					 UNIT_COUNT, HAS_TOTAL, { 0, 0, t->trace_dropped } };
		n += 2;
	}
	if (json) {
		ju64("instance_id", t->instance_id);
		jstr("strategy", memsim_strategy_name(sum->strategy));
		ju64("buddy_min_block", sum->buddy_min_block);
		json_strategies(t->st);
		jopen("rows", '[');
	} else {
		print_rule('=');
		printf(" memsim summary: instance %llu, strategy %s",
		       (unsigned long long)t->instance_id,
		       memsim_strategy_name(sum->strategy));
		/* Unknown (0) when read from debugfs. */
		if (sum->strategy == MEMSIM_STRATEGY_BUDDY && sum->buddy_min_block)
			printf(" (minimum block %s)",
			       memsim_format_size(sz, sizeof(sz), sum->buddy_min_block));
		printf("\n");
		print_rule('=');
		printf(" %-35s %13s %13s %13s\n", "metric", "current", "peak", "total");
		print_rule('-');
		printf(" pool\n");
	}
	print_metrics("pool", m, n);
}

void summary_end(const struct summary_table *t)
{
	if (json)
		return;
	print_rule('=');
	print_strategies(t->st, t->sum.strategy);
	print_rule('=');
}
