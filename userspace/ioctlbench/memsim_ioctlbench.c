// SPDX-License-Identifier: GPL-2.0
/*
 * memsim-ioctlbench: what an operation costs through /dev/memsim
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsim-ioctlbench [--live N] [--pairs M] [--batch B] [--sim-ops K]
 *                          [--strategy first|best|worst|next|buddy|tlsf]
 *                          [--seed S] [--tracing DIR] [--json]
 *
 * For each trace mode (off; the instance's trace ring; the ring with
 * stacks; the memsim tracepoints; ring and tracepoints), on a fresh
 * instance: one segment, N live blocks (page sizes 4 KiB..4 MiB,
 * log-uniform), then M free+alloc pairs made with single MEMSIM_IOC_FREE
 * and MEMSIM_IOC_ALLOC calls, then the same M pairs again in
 * MEMSIM_IOC_BATCH calls of B operations, then a MEMSIM_IOC_SIMULATE of K
 * operations (the kernel's own loop: no system call per operation).  The
 * victim of pair i is slot i mod N (oldest first), so that B / 2 <= N
 * pairs in one batch never free the same block twice.  Times are
 * CLOCK_MONOTONIC; under QEMU's -icount shift=0 a nanosecond is one guest
 * instruction.  Prints one row per mode: nanoseconds per operation (an
 * operation is one allocation or one free).
 *
 * A benchmark, not a test: it fails only when a call fails unexpectedly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#include <linux/memsim.h>

#define DEV		"/dev/memsim"
#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))
#define SEG_START	(1ULL << 40)

static uint64_t rng_state;

static uint64_t rnd(void)
{
	uint64_t z = (rng_state += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

/* A page multiple in [4 KiB, 4 MiB], log-uniform by octave. */
static uint64_t rnd_size(void)
{
	uint64_t base = 4096ULL << (rnd() % 10);
	uint64_t size = base + rnd() % base;

	size = (size + 4095) & ~4095ULL;
	return size > (4ULL << 20) ? 4ULL << 20 : size;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

struct opts {
	unsigned int live;
	unsigned int pairs;
	unsigned int batch;
	unsigned int sim_ops;
	unsigned int strategy;
	uint64_t seed;
	const char *tracing;
	int json;
};

struct mode {
	const char *name;
	uint32_t trace_flags;	/* MEMSIM_TRACE_*, 0 for no ring */
	int tracepoints;
};

static const struct mode modes[] = {
	{ "off", 0, 0 },
	{ "ring", MEMSIM_TRACE_ON, 0 },
	{ "ring+stack", MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK, 0 },
	{ "tracepoints", 0, 1 },
	{ "ring+tracepoints", MEMSIM_TRACE_ON, 1 },
};

struct row {
	double single_ns;
	double batch_ns;
	double sim_ns;
	unsigned long long fails;
};

static const char *const strategy_names[] = {
	"first", "best", "worst", "next", "buddy", "tlsf"
};

static int die(const char *what)
{
	fprintf(stderr, "memsim-ioctlbench: %s: %s\n", what, strerror(errno));
	exit(1);
}

static int set_tracepoints(const char *dir, int on)
{
	char path[256];
	int fd, ok;

	snprintf(path, sizeof(path), "%s/events/memsim/enable", dir);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -1;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -1;
}

static int do_alloc(int fd, uint64_t size, uint64_t *addr)
{
	struct memsim_alloc_arg a;

	memset(&a, 0, sizeof(a));
	a.size = size;
	a.stream = 0;
	if (ioctl(fd, MEMSIM_IOC_ALLOC, &a))
		return -errno;
	*addr = a.addr;
	return 0;
}

static void do_free(int fd, uint64_t addr)
{
	struct memsim_free_arg f;

	memset(&f, 0, sizeof(f));
	f.addr = addr;
	if (ioctl(fd, MEMSIM_IOC_FREE, &f))
		die("MEMSIM_IOC_FREE");
}

/* addr[slot] == 0: the slot's last allocation failed, nothing to free. */
static void run_mode(const struct opts *o, const struct mode *m, uint64_t *addr,
		     uint64_t *sizes, struct memsim_batch_op *ops, struct row *row)
{
	struct memsim_strategy_arg sa;
	struct memsim_segment_arg seg;
	struct memsim_trace_ctl_arg tc;
	struct memsim_batch_arg ba;
	struct memsim_simulate_arg sim;
	struct memsim_reset_arg rst;
	unsigned int i, j, k, n;
	uint64_t t0, t1;
	int fd, ret;

	memset(row, 0, sizeof(*row));
	fd = open(DEV, O_RDWR);
	if (fd < 0)
		die(DEV);
	memset(&sa, 0, sizeof(sa));
	sa.strategy = o->strategy;
	if (o->strategy == MEMSIM_STRATEGY_BUDDY)
		sa.buddy_min_block = 4096;
	if (ioctl(fd, MEMSIM_IOC_SET_STRATEGY, &sa))
		die("MEMSIM_IOC_SET_STRATEGY");
	memset(&seg, 0, sizeof(seg));
	seg.start = SEG_START;
	seg.size = 1ULL << 40;
	while (seg.size / 2 > 4ULL * o->live * (4ULL << 20))
		seg.size /= 2;
	if (ioctl(fd, MEMSIM_IOC_CREATE_SEGMENT, &seg))
		die("MEMSIM_IOC_CREATE_SEGMENT");
	if (m->trace_flags) {
		memset(&tc, 0, sizeof(tc));
		tc.capacity = 1U << 20;
		tc.flags = m->trace_flags;
		if (ioctl(fd, MEMSIM_IOC_TRACE_CTL, &tc))
			die("MEMSIM_IOC_TRACE_CTL");
	}
	if (m->tracepoints && set_tracepoints(o->tracing, 1))
		die("enabling the memsim tracepoints");

	/* the same sizes for every mode */
	rng_state = o->seed;
	for (i = 0; i < o->live; i++)
		if (do_alloc(fd, rnd_size(), &addr[i]))
			addr[i] = 0;
	for (i = 0; i < o->pairs; i++)
		sizes[i] = rnd_size();

	t0 = now_ns();
	for (i = 0; i < o->pairs; i++) {
		k = i % o->live;
		if (addr[k])
			do_free(fd, addr[k]);
		ret = do_alloc(fd, sizes[i], &addr[k]);
		if (ret == -ENOSPC) {
			addr[k] = 0;
			row->fails++;
		} else if (ret) {
			errno = -ret;
			die("MEMSIM_IOC_ALLOC");
		}
	}
	t1 = now_ns();
	row->single_ns = (double)(t1 - t0) / (2.0 * o->pairs);

	t0 = now_ns();
	for (i = 0; i < o->pairs; i += n) {
		n = o->pairs - i < o->batch / 2 ? o->pairs - i : o->batch / 2;
		k = 0;
		for (j = 0; j < n; j++) {
			uint64_t a = addr[(i + j) % o->live];

			if (a) {
				memset(&ops[k], 0, sizeof(ops[k]));
				ops[k].op = MEMSIM_BATCH_FREE;
				ops[k].addr = a;
				k++;
			}
			memset(&ops[k], 0, sizeof(ops[k]));
			ops[k].op = MEMSIM_BATCH_ALLOC;
			ops[k].size = sizes[i + j];
			k++;
		}
		memset(&ba, 0, sizeof(ba));
		ba.ops_ptr = (uintptr_t)ops;
		ba.count = k;
		if (ioctl(fd, MEMSIM_IOC_BATCH, &ba) || ba.done != k)
			die("MEMSIM_IOC_BATCH");
		for (j = 0, k = 0; j < n; j++) {
			uint64_t *slot = &addr[(i + j) % o->live];

			if (*slot) {
				if (ops[k].error) {
					errno = -ops[k].error;
					die("MEMSIM_BATCH_FREE");
				}
				k++;
			}
			if (ops[k].error == -ENOSPC) {
				row->fails++;
				*slot = 0;
			} else if (ops[k].error) {
				errno = -ops[k].error;
				die("MEMSIM_BATCH_ALLOC");
			} else {
				*slot = ops[k].addr;
			}
			k++;
		}
	}
	t1 = now_ns();
	row->batch_ns = (double)(t1 - t0) / (2.0 * o->pairs);

	if (o->sim_ops) {
		memset(&rst, 0, sizeof(rst));
		rst.flags = MEMSIM_RESET_KEEP_SEGMENTS;
		if (ioctl(fd, MEMSIM_IOC_RESET, &rst))
			die("MEMSIM_IOC_RESET");
		memset(&sim, 0, sizeof(sim));
		sim.nr_ops = o->sim_ops;
		sim.min_size = 4096;
		sim.max_size = 4ULL << 20;
		sim.seed = o->seed;
		sim.free_ppm = 500000;
		sim.stream = 0;
		if (ioctl(fd, MEMSIM_IOC_SIMULATE, &sim))
			die("MEMSIM_IOC_SIMULATE");
		row->sim_ns = (double)sim.elapsed_ns / o->sim_ops;
	}
	if (m->tracepoints)
		set_tracepoints(o->tracing, 0);
	close(fd);
}

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsim-ioctlbench [--live N] [--pairs M] [--batch B] [--sim-ops K]\n"
		"                         [--strategy first|best|worst|next|buddy|tlsf]\n"
		"                         [--seed S] [--tracing DIR] [--json]\n");
}

int main(int argc, char **argv)
{
	static const struct option lopts[] = {
		{ "live", required_argument, NULL, 'l' },
		{ "pairs", required_argument, NULL, 'p' },
		{ "batch", required_argument, NULL, 'b' },
		{ "sim-ops", required_argument, NULL, 'k' },
		{ "strategy", required_argument, NULL, 't' },
		{ "seed", required_argument, NULL, 's' },
		{ "tracing", required_argument, NULL, 'T' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct opts o = {
		.live = 1000, .pairs = 20000, .batch = 256, .sim_ops = 100000,
		.strategy = MEMSIM_STRATEGY_FIRST_FIT, .seed = 1,
		.tracing = "/sys/kernel/tracing",
	};
	struct row rows[ARRAY_SIZE(modes)];
	struct memsim_batch_op *ops;
	uint64_t *addr, *sizes;
	unsigned int i, nr_modes = ARRAY_SIZE(modes);
	int c;

	while ((c = getopt_long(argc, argv, "l:p:b:k:t:s:T:jh", lopts, NULL)) != -1) {
		switch (c) {
		case 'l':
			o.live = strtoul(optarg, NULL, 0);
			break;
		case 'p':
			o.pairs = strtoul(optarg, NULL, 0);
			break;
		case 'b':
			o.batch = strtoul(optarg, NULL, 0);
			break;
		case 'k':
			o.sim_ops = strtoul(optarg, NULL, 0);
			break;
		case 't':
			for (o.strategy = 0; o.strategy < MEMSIM_STRATEGY_COUNT; o.strategy++)
				if (!strcmp(optarg, strategy_names[o.strategy]))
					break;
			if (o.strategy == MEMSIM_STRATEGY_COUNT) {
				print_usage(stderr);
				return 2;
			}
			break;
		case 's':
			o.seed = strtoull(optarg, NULL, 0);
			break;
		case 'T':
			o.tracing = optarg;
			break;
		case 'j':
			o.json = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}
	if (!o.live || !o.pairs || o.batch < 2 || o.batch / 2 > o.live) {
		print_usage(stderr);
		return 2;
	}
	addr = calloc(o.live, sizeof(*addr));
	sizes = calloc(o.pairs, sizeof(*sizes));
	ops = calloc(o.batch, sizeof(*ops));
	if (!addr || !sizes || !ops)
		die("calloc");

	for (i = 0; i < nr_modes; i++)
		run_mode(&o, &modes[i], addr, sizes, ops, &rows[i]);

	printf("memsim-ioctlbench: strategy %s, %u live, %u pairs (%u ops) single then batched by %u ops, simulate %u ops\n",
	       strategy_names[o.strategy], o.live, o.pairs, 2 * o.pairs, o.batch, o.sim_ops);
	printf("%-18s %14s %14s %12s %16s %8s\n", "trace", "single ns/op", "batch ns/op",
	       "single/batch", "simulate ns/op", "fails");
	for (i = 0; i < nr_modes; i++)
		printf("%-18s %14.0f %14.0f %12.2f %16.0f %8llu\n", modes[i].name,
		       rows[i].single_ns, rows[i].batch_ns,
		       rows[i].batch_ns ? rows[i].single_ns / rows[i].batch_ns : 0.0,
		       rows[i].sim_ns, rows[i].fails);
	if (o.json) {
		printf("{\"strategy\": \"%s\", \"live\": %u, \"pairs\": %u, \"batch\": %u, \"sim_ops\": %u, \"modes\": [",
		       strategy_names[o.strategy], o.live, o.pairs, o.batch, o.sim_ops);
		for (i = 0; i < nr_modes; i++)
			printf("%s{\"trace\": \"%s\", \"single_ns_per_op\": %.1f, \"batch_ns_per_op\": %.1f, \"simulate_ns_per_op\": %.1f, \"failures\": %llu}",
			       i ? ", " : "", modes[i].name, rows[i].single_ns,
			       rows[i].batch_ns, rows[i].sim_ns, rows[i].fails);
		printf("]}\n");
	}
	free(addr);
	free(sizes);
	free(ops);
	return 0;
}
