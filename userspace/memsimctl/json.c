// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: NDJSON output
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <stdio.h>

#include "json.h"

/* 1 once the current object or array has a member: the next needs a comma. */
static int jcomma;

void jstring(const char *str)
{
	memsim_print_json_string(stdout, str);
}

/* Start a member (or, with @key NULL, an array element). */
void jkey(const char *key)
{
	if (jcomma)
		putchar(',');
	if (key) {
		jstring(key);
		putchar(':');
	}
	jcomma = 1;
}

void ju64(const char *key, __u64 v)
{
	jkey(key);
	printf("%llu", (unsigned long long)v);
}

void jstr(const char *key, const char *v)
{
	jkey(key);
	jstring(v);
}

void jnull(const char *key)
{
	jkey(key);
	printf("null");
}

void jbool(const char *key, int v)
{
	jkey(key);
	printf("%s", v ? "true" : "false");
}

void jopen(const char *key, char c)
{
	jkey(key);
	putchar(c);
	jcomma = 0;
}

void jclose(char c)
{
	putchar(c);
	jcomma = 1;
}

void jend(void)
{
	printf("}\n");
	jcomma = 0;
	fflush(stdout);
}

void jstream(const char *key, __u32 stream)
{
	if (stream == MEMSIM_STREAM_ANY_ID)
		jstr(key, "any");
	else
		ju64(key, stream);
}

void json_usage(const char *key, const struct memsim_usage_info *u)
{
	int i;

	jopen(key, '{');
	ju64("total", u->total);
	ju64("allocated", u->allocated);
	ju64("requested", u->requested);
	ju64("free", u->free);
	ju64("peak_allocated", u->peak_allocated);
	ju64("live_blocks", u->live_blocks);
	ju64("free_blocks", u->free_blocks);
	ju64("deferred_blocks", u->deferred_blocks);
	ju64("deferred_bytes", u->deferred_bytes);
	ju64("allocs", u->allocs);
	ju64("frees", u->frees);
	ju64("failures", u->failures);
	ju64("largest_free", u->largest_free);
	ju64("frag_ppm", u->frag_ppm);
	ju64("utilization_ppm", u->utilization_ppm);
	jopen("free_hist", '[');
	for (i = 0; i < MEMSIM_HIST_SIZE; i++)
		ju64(NULL, u->free_hist[i]);
	jclose(']');
	jclose('}');
}

void json_summary_fields(const struct memsim_summary *sum)
{
	jstr("strategy", memsim_strategy_name(sum->strategy));
	ju64("buddy_min_block", sum->buddy_min_block);
	ju64("nr_segments", sum->nr_segments);
	ju64("nr_streams", sum->nr_streams);
	json_usage("usage", &sum->usage);
}

void json_info_fields(const struct memsim_info *info)
{
	ju64("abi_version", info->abi_version);
	ju64("features", info->features);
	jbool("debugfs", !!(info->features & MEMSIM_FEATURE_DEBUGFS));
	ju64("instance_id", info->instance_id);
	ju64("max_segments", info->max_segments);
	ju64("max_batch", info->max_batch);
	ju64("max_blocks", info->max_blocks);
}

void json_sim_fields(const struct memsim_simulate_arg *r)
{
	ju64("nr_ops", r->nr_ops);
	ju64("min_size", r->min_size);
	ju64("max_size", r->max_size);
	ju64("seed", r->seed);
	ju64("free_ppm", r->free_ppm);
	jstream("stream", r->stream);
	ju64("successes", r->successes);
	ju64("failures", r->failures);
	ju64("frees", r->frees);
	ju64("peak_allocated", r->peak_allocated);
	ju64("final_allocated", r->final_allocated);
	ju64("frag_ppm", r->frag_ppm);
	ju64("elapsed_ns", r->elapsed_ns);
}

void json_strategies(const struct memsim_strategy_stats_info *st)
{
	int i;

	jopen("strategies", '{');
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		jopen(memsim_strategy_name(i), '{');
		ju64("allocs", st[i].allocs);
		ju64("failures", st[i].failures);
		ju64("frees", st[i].frees);
		ju64("steps", st[i].steps);
		ju64("alloc_ns", st[i].alloc_ns);
		ju64("free_ns", st[i].free_ns);
		jclose('}');
	}
	jclose('}');
}
