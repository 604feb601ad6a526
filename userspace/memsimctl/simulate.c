// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl simulate: the kernel's random workload, for one or more
 * strategies, on a fresh segment
 *
 * Copyright (C) 2026 The memsim authors
 */
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "json.h"
#include "memsimctl.h"
#include "options.h"

/**
 * struct sim_opts - the options of simulate
 * @in: the SIMULATE request.
 * @seg_start: --segment-start.
 * @seg_size: --segment-size.
 * @buddy_min: --buddy-min.
 * @list: --strategy, or NULL.
 * @json: --json.
 */
struct sim_opts {
	struct memsim_simulate_arg in;
	__u64 seg_start;
	__u64 seg_size;
	__u64 buddy_min;
	char *list;
	int json;
};

#define SIM_OPT(name, fn, field, metavar, help) \
	{ name, 0, OPT_VALUE, fn, offsetof(struct sim_opts, field), 0, metavar, help }

const struct opt simulate_opts[] = {
	SIM_OPT("ops", opt_u64, in.nr_ops, "N", "operations (default 10000)"),
	SIM_OPT("min", opt_u64, in.min_size, "SIZE", "smallest allocation (default 64)"),
	SIM_OPT("max", opt_u64, in.max_size, "SIZE", "largest allocation (default 64K)"),
	SIM_OPT("free-prob", opt_prob, in.free_ppm, "P",
		"probability of a free: 0..1 or N% (default 0.45)"),
	SIM_OPT("seed", opt_u64, in.seed, "S", "seed (default 1)"),
	SIM_OPT("strategy", opt_str, list, "LIST",
		"first,best,worst,next,buddy,tlsf or all (default first)"),
	SIM_OPT("buddy-min", opt_u64, buddy_min, "SIZE",
		"the buddy system's minimum block (default 64)"),
	SIM_OPT("segment-size", opt_u64, seg_size, "SIZE",
		"size of the segment (default 16M)"),
	SIM_OPT("segment-start", opt_u64, seg_start, "A",
		"its start address (default 0)"),
	{ "json", 0, 0, opt_flag, offsetof(struct sim_opts, json), 0, NULL,
	  "one JSON object per strategy" },
	OPT_END
};

static void print_sim_header(void)
{
	printf("%-8s %10s %10s %9s %10s %12s %12s %10s %10s %10s\n",
	       "strategy", "ops", "allocs", "failures", "frees", "peak",
	       "final", "frag", "util", "ms");
}

static void print_sim_row(const char *name, const struct memsim_simulate_arg *r,
			  const struct memsim_summary *sum)
{
	printf("%-8s %10llu %10llu %9llu %10llu %12llu %12llu %6u.%02u%% %6u.%02u%% %10.3f\n",
	       name, (unsigned long long)r->nr_ops,
	       (unsigned long long)r->successes,
	       (unsigned long long)r->failures, (unsigned long long)r->frees,
	       (unsigned long long)r->peak_allocated,
	       (unsigned long long)r->final_allocated,
	       r->frag_ppm / 10000, r->frag_ppm % 10000 / 100,
	       sum->usage.utilization_ppm / 10000,
	       sum->usage.utilization_ppm % 10000 / 100,
	       (double)r->elapsed_ns / 1e6);
}

static int sim_usage(const char *msg, const char *arg)
{
	fprintf(stderr, "memsimctl: simulate: %s '%s'\n", msg, arg);
	return EXIT_USAGE;
}

int cmd_simulate(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct sim_opts o = {
		.in = {
			.nr_ops = 10000,
			.min_size = 64,
			.max_size = 64 << 10,
			.seed = 1,
			.free_ppm = 450000,
			.stream = MEMSIM_STREAM_ANY_ID,
		},
		.seg_size = 16ULL << 20,
	};
	struct opt_ctx ctx = { .cmd = cmd->name, .base = &o };
	int strategies[MEMSIM_STRATEGY_COUNT * 4];
	int nr_strategies = 0, i, ret = 0, argi;
	struct memsim_simulate_arg out;
	struct memsim_summary sum;
	struct memsim_handle h;
	char *tok, *save;

	argi = opt_parse_argv(&ctx, simulate_opts, argc, argv);
	if (argi < 0)
		return EXIT_USAGE;
	if (o.json)
		json = 1;
	if (argi < argc)
		return sim_usage("unexpected argument", argv[argi]);

	if (!o.list || !strcasecmp(o.list, "all")) {
		for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++)
			strategies[nr_strategies++] = i;
		if (!o.list)
			nr_strategies = 1;
	} else {
		char *list = o.list;

		for (tok = strtok_r(list, ",", &save); tok;
		     tok = strtok_r(NULL, ",", &save)) {
			if (nr_strategies == (int)ARRAY_SIZE(strategies))
				return sim_usage("too many strategies in", o.list);
			strategies[nr_strategies] = memsim_strategy_from_name(tok);
			if (strategies[nr_strategies] < 0)
				return sim_usage("unknown strategy", tok);
			nr_strategies++;
		}
		if (!nr_strategies)
			return sim_usage("no strategy in", "");
	}

	if (ctl_open(&h))
		return 1;
	for (i = 0; i < nr_strategies; i++) {
		int s = strategies[i];

		/* Every run starts from an empty instance. */
		ret = memsim_reset(&h, 0);
		if (!ret)
			ret = memsim_set_strategy(&h, s, s == MEMSIM_STRATEGY_BUDDY ?
						  o.buddy_min : 0);
		if (!ret)
			ret = memsim_create_segment(&h, o.seg_start, o.seg_size, 0, 0,
						    NULL);
		if (!ret)
			ret = memsim_simulate(&h, &o.in, &out);
		if (!ret)
			ret = memsim_get_summary(&h, &sum);
		if (ret) {
			if (json) {
				jopen(NULL, '{');
				jstr("cmd", "simulate");
				jstr("strategy", memsim_strategy_name(s));
				jbool("ok", 0);
				jstr("errno", memsim_errno_name(ret));
				jstr("error", memsim_strerror(&h));
				jend();
			}
			fflush(stdout);
			fprintf(stderr, "memsimctl: simulate %s: %s\n",
				memsim_strategy_name(s), memsim_strerror(&h));
			break;
		}
		if (json) {
			jopen(NULL, '{');
			jstr("cmd", "simulate");
			jbool("ok", 1);
			jstr("strategy", memsim_strategy_name(s));
			ju64("segment_start", o.seg_start);
			ju64("segment_size", o.seg_size);
			json_sim_fields(&out);
			json_usage("usage", &sum.usage);
			jend();
		} else {
			if (!i)
				print_sim_header();
			print_sim_row(memsim_strategy_name(s), &out, &sum);
		}
	}
	if (!ret && !json && nr_strategies == 1) {
		printf("\n");
		memsim_print_summary(stdout, &sum);
	}
	memsim_close(&h);
	return ret ? 1 : 0;
}
