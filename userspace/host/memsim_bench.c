// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_bench: cost of a free + allocate pair with many live blocks
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsim-bench [--strategy first|best|worst|next|buddy|tlsf] [--live N]
 *                     [--ops M] [--seed S] [--min SIZE] [--max SIZE]
 *                     [--untracked]
 *
 * One segment large enough for N live blocks of random sizes in
 * [SIZE_MIN, SIZE_MAX] (default 64..4096) is filled with N allocations;
 * then M pairs of (free a random live block, allocate a new random size)
 * run in run_pairs(), timed with CLOCK_MONOTONIC.  run_pairs() is a
 * function of its own so that callgrind can count its instructions alone:
 *
 *   valgrind --tool=callgrind --toggle-collect=run_pairs \
 *	memsim-bench --strategy best --live 1000000 --ops 100000
 *
 * --untracked runs the pool without block lives (memsim_pool_set_life()):
 * no clock reads, 104-byte blocks.
 *
 * This is a benchmark, not a test: it fails only if the core does.
 */
#include <errno.h>
#include <getopt.h>

#include "memsim_core.h"

#define P64(x)	((unsigned long long)(x))

static u64 rng_state;

static u64 rnd(void)
{
	u64 z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

struct bench {
	struct memsim_pool pool;
	u64 *live;		/* addresses of the live blocks */
	u64 nr_live;
	u64 size_min, size_max;
	u64 failures;
};

static int alloc_one(struct bench *b, u64 *addr)
{
	struct memsim_request req = {
		.size = b->size_min + rnd() % (b->size_max - b->size_min + 1),
		.stream = 0,
	};
	struct memsim_result res;
	int ret = memsim_alloc(&b->pool, &req, &res);

	if (!ret)
		*addr = res.addr;
	return ret;
}

/*
 * The measured loop: M times, free a random live block, allocate anew.
 * noipa: never inlined nor cloned, so that callgrind finds it by its name
 * (the tools headers define noinline as nothing).
 */
static __attribute__((noipa)) int run_pairs(struct bench *b, u64 m)
{
	struct memsim_free_result fres;
	u64 i, k;
	int ret;

	for (i = 0; i < m; i++) {
		k = rnd() % b->nr_live;
		ret = memsim_free(&b->pool, b->live[k], 0, 0, &fres);
		if (ret)
			return ret;
		ret = alloc_one(b, &b->live[k]);
		if (ret == -ENOSPC) {
			/* keep the live count: take the slot from the end */
			b->failures++;
			b->live[k] = b->live[--b->nr_live];
			if (!b->nr_live)
				return ret;
		} else if (ret) {
			return ret;
		}
	}
	return 0;
}

static u64 now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static const char *const names[MEMSIM_NR_STRATEGIES] = {
	"first", "best", "worst", "next", "buddy", "tlsf"
};

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsim-bench [--strategy first|best|worst|next|buddy|tlsf] [--live N]\n"
		"                    [--ops M] [--seed S] [--min SIZE] [--max SIZE]\n"
		"                    [--untracked]\n");
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "strategy", required_argument, NULL, 't' },
		{ "live", required_argument, NULL, 'l' },
		{ "ops", required_argument, NULL, 'o' },
		{ "seed", required_argument, NULL, 's' },
		{ "min", required_argument, NULL, 'a' },
		{ "max", required_argument, NULL, 'b' },
		{ "untracked", no_argument, NULL, 'u' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	static struct bench b;
	u64 n = 1000, m = 100000, seed = 1, seg_size, t0, t1, t2, i;
	int strategy = MEMSIM_FIRST_FIT, c, ret;
	bool track_life = true;
	struct memsim_segment *seg;

	b.size_min = 64;
	b.size_max = 4096;
	while ((c = getopt_long(argc, argv, "t:l:o:s:a:b:uh", opts, NULL)) != -1) {
		switch (c) {
		case 't':
			for (strategy = 0; strategy < MEMSIM_NR_STRATEGIES; strategy++)
				if (!strcmp(optarg, names[strategy]))
					break;
			if (strategy == MEMSIM_NR_STRATEGIES) {
				print_usage(stderr);
				return 2;
			}
			break;
		case 'l':
			n = strtoull(optarg, NULL, 0);
			break;
		case 'o':
			m = strtoull(optarg, NULL, 0);
			break;
		case 's':
			seed = strtoull(optarg, NULL, 0);
			break;
		case 'a':
			b.size_min = strtoull(optarg, NULL, 0);
			break;
		case 'b':
			b.size_max = strtoull(optarg, NULL, 0);
			break;
		case 'u':
			track_life = false;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (!n || !b.size_min || b.size_max < b.size_min || b.size_max > (1ULL << 40)) {
		print_usage(stderr);
		return 2;
	}
	rng_state = seed;

	/*
	 * Room for twice the largest possible live set, rounded up to a
	 * power of two so that the buddy system gets a single root.
	 */
	seg_size = 1;
	while (seg_size < 2 * n * b.size_max)
		seg_size <<= 1;
	b.live = calloc(n, sizeof(*b.live));
	if (!b.live || memsim_core_init())
		return 1;
	memsim_pool_init(&b.pool);
	memsim_pool_set_life(&b.pool, track_life);
	ret = memsim_set_strategy(&b.pool, strategy, 0);
	if (!ret)
		ret = memsim_segment_create(&b.pool, seg_size, seg_size, 0, 0, &seg);
	if (ret) {
		fprintf(stderr, "memsim-bench: setup: %s\n", strerror(-ret));
		return 1;
	}

	t0 = now_ns();
	for (i = 0; i < n; i++) {
		ret = alloc_one(&b, &b.live[i]);
		if (ret) {
			fprintf(stderr, "memsim-bench: fill %llu: %s\n", P64(i),
				strerror(-ret));
			return 1;
		}
	}
	b.nr_live = n;
	t1 = now_ns();
	ret = run_pairs(&b, m);
	t2 = now_ns();
	if (ret) {
		fprintf(stderr, "memsim-bench: pairs: %s\n", strerror(-ret));
		return 1;
	}

	printf("fill: %llu allocations in %.3f s, %.1f ns each\n", P64(n),
	       (t1 - t0) / 1e9, (double)(t1 - t0) / n);
	printf("pairs: %llu in %.3f s, %.1f ns per pair\n", P64(m),
	       (t2 - t1) / 1e9, m ? (double)(t2 - t1) / m : 0.0);
	printf("bench: strategy %s live %llu ops %llu seed %llu: %.1f ns/pair, segment %llu bytes, allocated %llu, %llu free blocks, largest free %llu, %llu failed\n",
	       names[strategy], P64(n), P64(m), P64(seed),
	       m ? (double)(t2 - t1) / m : 0.0, P64(seg_size),
	       P64(b.pool.usage.allocated), P64(b.pool.usage.free_blocks),
	       P64(memsim_largest_free(&b.pool, MEMSIM_STREAM_ANY)),
	       P64(b.failures));
	memsim_pool_fini(&b.pool);
	memsim_core_exit();
	free(b.live);
	return 0;
}
