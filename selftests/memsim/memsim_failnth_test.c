// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: every mutating call under systematic fault injection
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The technique syzkaller uses: write n to /proc/thread-self/fail-nth, make
 * one call, read fail-nth back (0: the n-th fault site of the call failed),
 * for n = 1, 2, ... until the call runs with no fault injected.  Fault sites
 * are the slab and page allocations (failslab, fail_page_alloc) and the user
 * copies (fail_usercopy) the call makes, in memsim's glue, its core and the
 * rest of the kernel on the way.
 *
 * Each case builds an instance (fixed addresses, so the layout is the same
 * under every strategy), runs the call once on a twin instance built the
 * same way to learn what success looks like, then loops over n.  After
 * each injected fault:
 *
 * - the call returned 0, ENOMEM or EFAULT (no other errno can come of an
 *   allocation or a copy failing);
 * - it failed: the instance is exactly as before (GET_SUMMARY, GET_STATS,
 *   GET_SEGMENTS, GET_BLOCKS, a CAN_ALLOC probe and the trace ring, time
 *   fields aside) and the caller's structure is untouched; except that
 *   FREE, COMPLETE_FREE, SYNC_STREAM, BATCH and SIMULATE may fail with
 *   EFAULT after their change (the final copy), and then the instance is
 *   exactly as after the call succeeding; and SIMULATE's ENOMEM keeps the
 *   operations that ran, which a twin running that many operations must
 *   reproduce, counters included;
 * - it returned 0 (the kernel retried, or the allocation was optional): the
 *   instance and the results are those of the call succeeding; a BATCH
 *   operation that failed with ENOMEM changed nothing, which a twin running
 *   the other operations one by one must reproduce.
 *
 * An instance that did not change is reused for the next n; otherwise it
 * is rebuilt.  The test skips when the kernel has no fail-nth (Debian's
 * kernel), and configures fault injection so that only fail-nth triggers
 * and nothing is printed (the VM runner fails on any stack in the log).
 */
#include <stddef.h>
#include <time.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

#define FN_FAIL_NTH		"/proc/thread-self/fail-nth"
#define FN_DEBUGFS		"/sys/kernel/debug"
#define FN_MAX_N		3000	/* fault sites one call may have */
#define FN_BACK			3	/* last sites tried again */

/*
 * The instance most cases start from, the same under every strategy
 * (fixed addresses, all buddy-aligned):
 *   segment 1  [MS_SEG0, +1 MiB) stream 0: a b c e, 4 KiB each at +0, +4 KiB,
 *                                         +8 KiB, +12 KiB; a and c freed
 *   segment 2  [MS_SEG1, +1 MiB) stream 1: d 512 B at +0 and k 4 KiB at
 *                                         +64 KiB, both free requested;
 *                                         g 4 KiB at +128 KiB
 *   segment 3  [MS_SEG2, +1 MiB - 64) stream 2: 300 B anywhere (buddy: 14
 *                                         roots, one of them split)
 */
#define FN_ODD_SIZE		0xfffc0ULL
#define FN_SEG3			0xc00000ULL
#define FN_A			MS_SEG0
#define FN_B			(MS_SEG0 + 0x1000)
#define FN_C			(MS_SEG0 + 0x2000)
#define FN_E			(MS_SEG0 + 0x3000)
#define FN_D			MS_SEG1
#define FN_K			(MS_SEG1 + 0x10000)
#define FN_G			(MS_SEG1 + 0x20000)
#define FN_FIXED		(MS_SEG1 + 0x40000)
#define FN_NOWHERE		0x7000000ULL

#define FN_POISON		0x5a5a5a5a5a5a5a5aULL
#define FN_POISON32		0x5a5a5a5aU
#define FN_MAX_OPS		8

static const char fn_label[] = "failnth.c:1 fn_case";

/* Fault injection knobs: set for the test, restored after it. */
struct fn_knob {
	const char *dir;
	const char *name;
	const char *value;
};

static const struct fn_knob fn_knobs[] = {
	/* Only fail-nth injects: the probability path stays off. */
	{ "failslab", "probability", "0" },
	{ "failslab", "verbose", "0" },
	{ "failslab", "ignore-gfp-wait", "N" },
	{ "fail_page_alloc", "probability", "0" },
	{ "fail_page_alloc", "verbose", "0" },
	{ "fail_page_alloc", "ignore-gfp-wait", "N" },
	{ "fail_page_alloc", "min-order", "0" },
	{ "fail_usercopy", "probability", "0" },
	{ "fail_usercopy", "verbose", "0" },
};

#define FN_NR_KNOBS	ARRAY_SIZE(fn_knobs)

struct fn_env {
	int failfd;
	bool stack;		/* MEMSIM_FEATURE_TRACE_STACK */
	bool debugfs;		/* memsim's debugfs views */
	unsigned int nr_saved;
	struct {
		char path[128];
		char value[32];
	} saved[FN_NR_KNOBS];
};

/* Each test runs in a child of its own: one environment per process. */
static struct fn_env fn_env;

/* Details of a violation are logged for the first few of a case only. */
static bool fn_quiet;
#define FN_LOG(fmt, ...) do {						\
		if (!fn_quiet)						\
			TH_LOG(fmt, ##__VA_ARGS__);			\
	} while (0)

/* The argument of one call; BATCH's operations travel with it. */
union fn_arg {
	struct memsim_strategy_arg strat;
	struct memsim_segment_arg seg;
	struct memsim_alloc_arg alloc;
	struct memsim_free_arg free;
	struct memsim_sync_arg sync;
	struct memsim_batch_arg batch;
	struct memsim_simulate_arg sim;
	struct memsim_reset_arg reset;
	struct memsim_trace_ctl_arg tctl;
};

struct fn_call {
	unsigned long cmd;
	union fn_arg arg;
	struct memsim_batch_op ops[FN_MAX_OPS];
};

/* Point BATCH at the operations of this copy of the call. */
static void fn_fix(struct fn_call *c)
{
	if (c->cmd == MEMSIM_IOC_BATCH)
		c->arg.batch.ops_ptr = (uintptr_t)c->ops;
}

/* Case flags. */
#define FN_KEEPS	(1U << 0)	/* EFAULT may come after the change */

struct fn_case {
	const char *name;
	void (*setup)(struct __test_metadata *_metadata, int fd, __u32 strategy);
	void (*prepare)(struct fn_call *c, __u32 strategy);
	unsigned int flags;
};

static double fn_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fn_read_knob(const char *path, char *buf, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = read(fd, buf, len - 1);
	close(fd);
	if (r < 0)
		return -errno;
	buf[r] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

static int fn_write_knob(const char *path, const char *value)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC);
	ssize_t r;

	if (fd < 0)
		return -errno;
	r = write(fd, value, strlen(value));
	close(fd);
	return r == (ssize_t)strlen(value) ? 0 : r < 0 ? -errno : -EIO;
}

static bool fn_dir_exists(const char *dir)
{
	char path[128];

	snprintf(path, sizeof(path), FN_DEBUGFS "/%s", dir);
	return access(path, F_OK) == 0;
}

/*
 * 0 when the environment is ready; otherwise the reason to skip, in @why.
 * failslab must be there (it is what fail-nth mostly hits); the other two
 * are configured when the kernel has them.
 */
static int fn_env_setup(struct __test_metadata *_metadata, char *why, size_t len)
{
	struct memsim_info info;
	unsigned int i;
	int fd, ret;

	memset(&fn_env, 0, sizeof(fn_env));
	fn_env.failfd = -1;
	fd = ms_open();
	if (fd == -ENOENT) {
		snprintf(why, len, MEMSIM_DEV " is absent: load memsim.ko");
		return -1;
	}
	ASSERT_LE(0, fd);
	ASSERT_EQ(0, ms_info(fd, &info));
	close(fd);
	fn_env.stack = info.features & MEMSIM_FEATURE_TRACE_STACK;
	fn_env.debugfs = ms_debugfs_available(&info);

	fn_env.failfd = open(FN_FAIL_NTH, O_RDWR | O_CLOEXEC);
	if (fn_env.failfd < 0) {
		snprintf(why, len, FN_FAIL_NTH " is absent: no CONFIG_FAULT_INJECTION");
		return -1;
	}
	if (!fn_dir_exists("failslab")) {
		snprintf(why, len, FN_DEBUGFS "/failslab is absent: no CONFIG_FAILSLAB or debugfs");
		return -1;
	}
	for (i = 0; i < FN_NR_KNOBS; i++) {
		char *path = fn_env.saved[fn_env.nr_saved].path;
		char *old = fn_env.saved[fn_env.nr_saved].value;

		if (!fn_dir_exists(fn_knobs[i].dir))
			continue;
		snprintf(path, sizeof(fn_env.saved[0].path), FN_DEBUGFS "/%s/%s",
			 fn_knobs[i].dir, fn_knobs[i].name);
		ret = fn_read_knob(path, old, sizeof(fn_env.saved[0].value));
		ASSERT_EQ(0, ret) TH_LOG("%s: %s", path, strerror(-ret));
		ret = fn_write_knob(path, fn_knobs[i].value);
		ASSERT_EQ(0, ret) TH_LOG("%s: %s", path, strerror(-ret));
		fn_env.nr_saved++;
	}
	return 0;
}

static void fn_env_teardown(void)
{
	unsigned int i;

	for (i = 0; i < fn_env.nr_saved; i++)
		fn_write_knob(fn_env.saved[i].path, fn_env.saved[i].value);
	if (fn_env.failfd >= 0)
		close(fn_env.failfd);
	fn_env.failfd = -1;
}

/*
 * Whether the fault armed before the call was injected, and disarm.  The
 * read itself is a user copy: when the call left exactly one site to go,
 * the read fails with EFAULT (the call saw no fault).  The write of "0"
 * can fail the same way, leaving the count at 0 all the same.
 */
static bool fn_fired(struct __test_metadata *_metadata)
{
	char buf[32];
	ssize_t r;
	bool fired;

	r = pread(fn_env.failfd, buf, sizeof(buf) - 1, 0);
	if (r > 0) {
		buf[r] = '\0';
		fired = strtoul(buf, NULL, 10) == 0;
	} else {
		ASSERT_EQ(EFAULT, errno);
		fired = false;
	}
	if (pwrite(fn_env.failfd, "0", 1, 0) != 1)
		ASSERT_EQ(EFAULT, errno);
	r = pread(fn_env.failfd, buf, sizeof(buf) - 1, 0);
	ASSERT_LT(0, r);
	ASSERT_EQ('0', buf[0]);
	return fired;
}

/* Arm fail-nth for the n-th site, make the call, report whether it fired. */
static int fn_inject(struct __test_metadata *_metadata, unsigned int n, int fd,
		     struct fn_call *c, bool *fired)
{
	char num[16];
	int len = snprintf(num, sizeof(num), "%u", n);
	int ret;

	/* Nothing but the call between arming and reading back. */
	if (pwrite(fn_env.failfd, num, len, 0) != len)
		ASSERT_TRUE(false) TH_LOG("write %s to fail-nth: %s", num, strerror(errno));
	ret = ioctl(fd, c->cmd, &c->arg) ? -errno : 0;
	*fired = fn_fired(_metadata);
	return ret;
}

/* Everything observable of an instance, time fields cleared. */
struct fn_snap {
	struct ms_snap s;
	struct memsim_trace_read_arg trace;
	struct memsim_trace_record *recs;
	size_t nr_recs;
};

static void fn_take(struct __test_metadata *_metadata, int fd, struct fn_snap *f)
{
	size_t i;

	memset(f, 0, sizeof(*f));
	ms_snap_take(_metadata, fd, &f->s);
	for (i = 0; i < f->s.blocks.nr; i++) {
		MS_BLOCK(&f->s.blocks, i)->alloc_ns = 0;
		MS_BLOCK(&f->s.blocks, i)->free_ns = 0;
	}
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		f->s.stats.arg.strategies[i].alloc_ns = 0;
		f->s.stats.arg.strategies[i].free_ns = 0;
	}
	ASSERT_EQ(0, ms_trace_read(fd, 0, NULL, 0, &f->trace));
	if (f->trace.capacity) {
		ASSERT_EQ(0, ms_trace_all(fd, 0, 64, &f->recs, &f->nr_recs, NULL));
		/* A stack is optional: a record may lose it to a failed allocation. */
		for (i = 0; i < f->nr_recs; i++) {
			f->recs[i].ts_ns = 0;
			f->recs[i].stack_id = 0;
		}
	}
}

static void fn_snap_free(struct fn_snap *f)
{
	ms_snap_free(&f->s);
	free(f->recs);
	f->recs = NULL;
}

static void fn_log_usage(struct __test_metadata *_metadata, const char *what,
			 const struct memsim_usage_info *a, const struct memsim_usage_info *b)
{
	TH_LOG("  %s: allocated %llu -> %llu, live %llu -> %llu, free blocks %llu -> %llu, deferred %llu -> %llu, allocs %llu -> %llu, frees %llu -> %llu, failures %llu -> %llu",
	       what, (unsigned long long)a->allocated, (unsigned long long)b->allocated,
	       (unsigned long long)a->live_blocks, (unsigned long long)b->live_blocks,
	       (unsigned long long)a->free_blocks, (unsigned long long)b->free_blocks,
	       (unsigned long long)a->deferred_blocks, (unsigned long long)b->deferred_blocks,
	       (unsigned long long)a->allocs, (unsigned long long)b->allocs,
	       (unsigned long long)a->frees, (unsigned long long)b->frees,
	       (unsigned long long)a->failures, (unsigned long long)b->failures);
}

static void fn_log_block(struct __test_metadata *_metadata, const char *side,
			 const struct ms_list *l, size_t i)
{
	const struct memsim_block_info *b;

	if (i >= l->nr) {
		TH_LOG("  %s: no block %zu", side, i);
		return;
	}
	b = MS_BLOCK(l, i);
	TH_LOG("  %s: block %zu at 0x%llx size %llu state %u requested %llu tag %llu",
	       side, i, (unsigned long long)b->addr, (unsigned long long)b->size, b->state,
	       (unsigned long long)b->requested, (unsigned long long)b->tag);
}

/*
 * Whether @a and @b are the same state; with @log, what differs (expected
 * @a, found @b).
 */
static bool fn_same(struct __test_metadata *_metadata, const struct fn_snap *a,
		    const struct fn_snap *b, bool log)
{
	size_t i, nr;
	bool ok = true;

	log = log && !fn_quiet;
#define FN_CMP(what, x, y, len) do {					\
		if (memcmp(x, y, len)) {				\
			ok = false;					\
			if (log)					\
				ms_same(_metadata, what, x, y, len);	\
		}							\
	} while (0)

	if (memcmp(&a->s.summary, &b->s.summary, sizeof(a->s.summary))) {
		ok = false;
		if (log) {
			TH_LOG("  summary: segments %llu -> %llu, streams %u -> %u, strategy %u -> %u",
			       (unsigned long long)a->s.summary.nr_segments,
			       (unsigned long long)b->s.summary.nr_segments,
			       a->s.summary.nr_streams, b->s.summary.nr_streams,
			       a->s.summary.strategy, b->s.summary.strategy);
			fn_log_usage(_metadata, "pool", &a->s.summary.usage, &b->s.summary.usage);
			ms_same(_metadata, "summary", &a->s.summary, &b->s.summary,
				sizeof(a->s.summary));
		}
	}
	FN_CMP("strategy stats", a->s.stats.arg.strategies, b->s.stats.arg.strategies,
	       sizeof(a->s.stats.arg.strategies));
	if (a->s.stats.nr_streams != b->s.stats.nr_streams) {
		ok = false;
		if (log)
			TH_LOG("  streams listed %u -> %u", a->s.stats.nr_streams,
			       b->s.stats.nr_streams);
	} else {
		FN_CMP("streams", a->s.stats.streams, b->s.stats.streams,
		       a->s.stats.nr_streams * sizeof(a->s.stats.streams[0]));
	}
	if (a->s.segs.nr != b->s.segs.nr) {
		ok = false;
		if (log)
			TH_LOG("  segments listed %zu -> %zu", a->s.segs.nr, b->s.segs.nr);
	} else {
		FN_CMP("segments", a->s.segs.items, b->s.segs.items,
		       a->s.segs.nr * sizeof(struct memsim_segment_info));
	}
	nr = a->s.blocks.nr > b->s.blocks.nr ? a->s.blocks.nr : b->s.blocks.nr;
	for (i = 0; i < nr; i++) {
		if (i < a->s.blocks.nr && i < b->s.blocks.nr &&
		    !memcmp(MS_BLOCK(&a->s.blocks, i), MS_BLOCK(&b->s.blocks, i),
			    sizeof(struct memsim_block_info)))
			continue;
		ok = false;
		if (log) {
			TH_LOG("  blocks listed %zu -> %zu, first difference:",
			       a->s.blocks.nr, b->s.blocks.nr);
			fn_log_block(_metadata, "expected", &a->s.blocks, i);
			fn_log_block(_metadata, "found", &b->s.blocks, i);
		}
		break;
	}
	if (a->s.probe_ret != b->s.probe_ret) {
		ok = false;
		if (log)
			TH_LOG("  probe %d -> %d", a->s.probe_ret, b->s.probe_ret);
	} else {
		FN_CMP("probe", &a->s.probe, &b->s.probe, sizeof(a->s.probe));
	}
	if (a->trace.head != b->trace.head || a->trace.dropped != b->trace.dropped ||
	    a->trace.capacity != b->trace.capacity ||
	    a->trace.trace_flags != b->trace.trace_flags || a->nr_recs != b->nr_recs) {
		ok = false;
		if (log)
			TH_LOG("  trace: head %llu -> %llu, dropped %llu -> %llu, capacity %u -> %u, flags %u -> %u, records %zu -> %zu",
			       (unsigned long long)a->trace.head,
			       (unsigned long long)b->trace.head,
			       (unsigned long long)a->trace.dropped,
			       (unsigned long long)b->trace.dropped,
			       a->trace.capacity, b->trace.capacity,
			       a->trace.trace_flags, b->trace.trace_flags,
			       a->nr_recs, b->nr_recs);
	} else if (a->nr_recs) {
		FN_CMP("trace records", a->recs, b->recs, a->nr_recs * sizeof(a->recs[0]));
	}
#undef FN_CMP
	return ok;
}

static int fn_build(struct __test_metadata *_metadata, const struct fn_case *fc,
		    __u32 strategy)
{
	int fd = ms_open();

	ASSERT_LE(0, fd);
	fc->setup(_metadata, fd, strategy);
	return fd;
}

/* What a case saw, printed as a TAP diagnostic at its end. */
struct fn_tally {
	unsigned int runs;
	unsigned int enomem;
	unsigned int efault;
	unsigned int absorbed;	/* a fault injected, the call returned 0 */
	unsigned int kept;	/* EFAULT after the change */
	unsigned int partial;	/* checked against a twin: BATCH op, SIMULATE */
	unsigned int bad;	/* contract violations */
	double start;
};

static void fn_report(const char *name, __u32 strategy, const struct fn_tally *t)
{
	ksft_print_msg("%s/%s: %u runs: %u ENOMEM, %u EFAULT (%u after the change), %u absorbed, %u partial, %u violations, %.2f s\n",
		       name, strategy < MEMSIM_STRATEGY_COUNT ? ms_strategy_names[strategy] : "-",
		       t->runs, t->enomem, t->efault, t->kept, t->absorbed, t->partial, t->bad,
		       fn_now() - t->start);
}

/* Compare the bytes of a call's results with the reference's. */
static bool fn_same_results(struct __test_metadata *_metadata, const struct fn_call *ref,
			    const struct fn_call *got, bool log)
{
	struct fn_call a = *ref, b = *got;
	size_t size = _IOC_SIZE(a.cmd);
	bool ok = true;

	log = log && !fn_quiet;

	if (a.cmd == MEMSIM_IOC_SIMULATE) {
		a.arg.sim.elapsed_ns = 0;
		b.arg.sim.elapsed_ns = 0;
	}
	if (a.cmd == MEMSIM_IOC_BATCH) {
		/* Each copy points at its own operations. */
		a.arg.batch.ops_ptr = 0;
		b.arg.batch.ops_ptr = 0;
		if (memcmp(a.ops, b.ops, a.arg.batch.count * sizeof(a.ops[0]))) {
			ok = false;
			if (log)
				ms_same(_metadata, "batch operations", a.ops, b.ops,
					a.arg.batch.count * sizeof(a.ops[0]));
		}
	}
	if (memcmp(&a.arg, &b.arg, size)) {
		ok = false;
		if (log)
			ms_same(_metadata, "results", &a.arg, &b.arg, size);
	}
	return ok;
}

/* The index of the BATCH operation that failed with ENOMEM, or -1. */
static int fn_batch_enomem(const struct fn_call *c)
{
	unsigned int i;

	for (i = 0; i < c->arg.batch.count && i < c->arg.batch.done; i++)
		if (c->ops[i].error == -ENOMEM)
			return i;
	return -1;
}

/*
 * A BATCH that returned 0 with operation @bad failed by ENOMEM: that
 * operation changed nothing, so a twin running every other operation that
 * ran, one per BATCH, reaches the same state and the same results.
 */
static bool fn_batch_model(struct __test_metadata *_metadata, const struct fn_case *fc,
			   __u32 strategy, const struct fn_call *sent,
			   const struct fn_call *got, int bad, const struct fn_snap *after)
{
	struct fn_snap twin;
	unsigned int i, failed = 0, want_done;
	bool ok = true;
	int fd;

	want_done = (sent->arg.batch.flags & MEMSIM_BATCH_STOP_ON_ERROR) ? (__u32)bad + 1 :
		    sent->arg.batch.count;
	if (got->arg.batch.done != want_done) {
		FN_LOG("  done %u, expected %u", got->arg.batch.done, want_done);
		ok = false;
	}
	fd = fn_build(_metadata, fc, strategy);
	for (i = 0; i < got->arg.batch.done && i < sent->arg.batch.count; i++) {
		struct memsim_batch_op op = sent->ops[i];
		struct memsim_batch_arg one;

		if (got->ops[i].error)
			failed++;
		if ((int)i == bad)
			continue;
		memset(&one, 0, sizeof(one));
		one.ops_ptr = (uintptr_t)&op;
		one.count = 1;
		ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_BATCH, &one));
		if (memcmp(&op, &got->ops[i], sizeof(op))) {
			FN_LOG("  operation %u: error %d size %llu addr 0x%llx, alone %d %llu 0x%llx",
			       i, got->ops[i].error,
			       (unsigned long long)got->ops[i].result_size,
			       (unsigned long long)got->ops[i].addr, op.error,
			       (unsigned long long)op.result_size,
			       (unsigned long long)op.addr);
			ok = false;
		}
	}
	if (got->arg.batch.failed != failed) {
		FN_LOG("  failed %u, expected %u", got->arg.batch.failed, failed);
		ok = false;
	}
	fn_take(_metadata, fd, &twin);
	close(fd);
	if (!fn_same(_metadata, &twin, after, false)) {
		FN_LOG("  the instance is not that of the other operations alone:");
		fn_same(_metadata, &twin, after, true);
		ok = false;
	}
	fn_snap_free(&twin);
	return ok;
}

/*
 * SIMULATE stopped by ENOMEM: the operations that ran stay and the counters
 * are written back.  The run is deterministic, so a twin asked for exactly
 * as many operations must reach the same state and the same counters.
 */
static bool fn_sim_model(struct __test_metadata *_metadata, const struct fn_case *fc,
			 __u32 strategy, const struct fn_call *sent, const struct fn_call *got,
			 const struct fn_snap *before, const struct fn_snap *after)
{
	const struct memsim_simulate_arg *g = &got->arg.sim;
	struct fn_call twin = *sent;
	struct fn_snap ts;
	__u64 ran;
	bool ok;
	int fd;

	if (g->successes == FN_POISON || g->failures == FN_POISON || g->frees == FN_POISON) {
		/* Nothing written back: acceptable only if nothing ran. */
		if (!memcmp(&got->arg, &sent->arg, sizeof(got->arg)) &&
		    fn_same(_metadata, before, after, false))
			return true;
		FN_LOG("  counters not written back, yet the instance or the structure changed");
		fn_same(_metadata, before, after, true);
		return false;
	}
	ran = g->successes + g->failures + g->frees;
	if (ran > sent->arg.sim.nr_ops) {
		FN_LOG("  %llu operations reported for %llu asked", (unsigned long long)ran,
		       (unsigned long long)sent->arg.sim.nr_ops);
		return false;
	}
	if (!ran) {
		/* Nothing ran: nothing changed, and the counters say so. */
		ok = fn_same(_metadata, before, after, true);
		if (g->final_allocated != before->s.summary.usage.allocated ||
		    g->peak_allocated != before->s.summary.usage.peak_allocated ||
		    g->frag_ppm != before->s.summary.usage.frag_ppm) {
			FN_LOG("  no operation ran, but final_allocated %llu peak %llu frag %u",
			       (unsigned long long)g->final_allocated,
			       (unsigned long long)g->peak_allocated, g->frag_ppm);
			ok = false;
		}
		return ok;
	}
	twin.arg.sim.nr_ops = ran;
	fd = fn_build(_metadata, fc, strategy);
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_SIMULATE, &twin.arg));
	fn_take(_metadata, fd, &ts);
	close(fd);
	/* The counters of the partial run are those of the shorter one. */
	twin.arg.sim.nr_ops = sent->arg.sim.nr_ops;
	ok = fn_same_results(_metadata, &twin, got, true);
	if (!ok)
		FN_LOG("  counters differ from a run of %llu operations",
		       (unsigned long long)ran);
	if (!fn_same(_metadata, &ts, after, false)) {
		FN_LOG("  the instance is not that of a run of %llu operations:",
		       (unsigned long long)ran);
		fn_same(_metadata, &ts, after, true);
		ok = false;
	}
	fn_snap_free(&ts);
	return ok;
}

/*
 * A contract violation: the test fails.  The first few of a case say in
 * detail what differs (the serial console of the VM is slow).
 */
#define FN_LOG_MAX	2
#define FN_BAD(t, fmt, ...) do {					\
		(t)->bad++;						\
		_metadata->exit_code = KSFT_FAIL;			\
		TH_LOG(fmt, ##__VA_ARGS__);				\
	} while (0)

/* Run one case: the call under fail-nth for n = 1, 2, ... */
static void fn_run(struct __test_metadata *_metadata, const struct fn_case *fc,
		   __u32 strategy)
{
	struct fn_call proto, refcall, sent, call;
	struct fn_snap before, ref, after;
	struct fn_tally t = { .start = fn_now() };
	bool rebuild = false, fired = false, exhausted = false;
	unsigned int n = 0, end = 0, back = 0;
	int fd, ret;

	memset(&proto, 0, sizeof(proto));
	fc->prepare(&proto, strategy);

	/* The call succeeding, on a twin. */
	fd = fn_build(_metadata, fc, strategy);
	refcall = proto;
	fn_fix(&refcall);
	ret = ms_ioctl(fd, refcall.cmd, &refcall.arg);
	ASSERT_EQ(0, ret) TH_LOG("%s: the call fails without a fault: %s", fc->name,
				 strerror(-ret));
	fn_take(_metadata, fd, &ref);
	close(fd);

	fd = fn_build(_metadata, fc, strategy);
	fn_take(_metadata, fd, &before);
	for (;;) {
		bool same;

		if (!end) {
			if (++n > FN_MAX_N) {
				exhausted = true;
				break;
			}
		} else if (back) {
			n = end - back--;
		} else {
			break;
		}
		fn_quiet = t.bad >= FN_LOG_MAX;
		if (rebuild) {
			close(fd);
			fd = fn_build(_metadata, fc, strategy);
			rebuild = false;
		}
		call = proto;
		fn_fix(&call);
		sent = call;
		ret = fn_inject(_metadata, n, fd, &call, &fired);
		fn_take(_metadata, fd, &after);
		t.runs++;

		if (!fired) {
			/* Every site passed: this is the plain call. */
			if (ret)
				FN_BAD(&t, "%s n=%u: no fault injected, the call failed: %s",
				       fc->name, n, strerror(-ret));
			if (!fn_same(_metadata, &ref, &after, false) ||
			    !fn_same_results(_metadata, &refcall, &call, false)) {
				FN_BAD(&t, "%s n=%u: no fault injected, the result differs from the twin's",
				       fc->name, n);
				fn_same(_metadata, &ref, &after, true);
				fn_same_results(_metadata, &refcall, &call, true);
			}
			fn_snap_free(&after);
			/*
			 * The sites of a call vary a little from run to run
			 * (a slab refill takes a page now and then): the last
			 * ones, the final copies, may have been skipped when
			 * the count shrank.  Try them again.
			 */
			rebuild = true;
			if (!end) {
				end = n;
				back = n - 1 < FN_BACK ? n - 1 : FN_BACK;
			}
			continue;
		}

		if (!ret) {
			int bad = call.cmd == MEMSIM_IOC_BATCH ? fn_batch_enomem(&call) : -1;

			t.absorbed++;
			rebuild = true;
			if (bad >= 0) {
				t.partial++;
				if (!fn_batch_model(_metadata, fc, strategy, &sent, &call, bad,
						    &after))
					FN_BAD(&t, "%s n=%u: operation %d failed with ENOMEM, the batch is not the others alone",
					       fc->name, n, bad);
			} else if (!fn_same(_metadata, &ref, &after, false) ||
				   !fn_same_results(_metadata, &refcall, &call, false)) {
				FN_BAD(&t, "%s n=%u: fault injected, call returned 0, but not as the call succeeding:",
				       fc->name, n);
				fn_same(_metadata, &ref, &after, true);
				fn_same_results(_metadata, &refcall, &call, true);
			}
			fn_snap_free(&after);
			continue;
		}

		if (ret == -ENOMEM)
			t.enomem++;
		else if (ret == -EFAULT)
			t.efault++;
		else
			FN_BAD(&t, "%s n=%u: an injected fault gave %s, neither ENOMEM nor EFAULT",
			       fc->name, n, strerror(-ret));

		if (call.cmd == MEMSIM_IOC_SIMULATE && ret == -ENOMEM) {
			t.partial++;
			if (!fn_sim_model(_metadata, fc, strategy, &sent, &call, &before, &after))
				FN_BAD(&t, "%s n=%u: SIMULATE's ENOMEM does not keep what ran",
				       fc->name, n);
			rebuild = !fn_same(_metadata, &before, &after, false);
			fn_snap_free(&after);
			continue;
		}

		same = fn_same(_metadata, &before, &after, false);
		if (same) {
			/* BATCH may write results back before failing to copy the rest. */
			if (!(call.cmd == MEMSIM_IOC_BATCH && ret == -EFAULT) &&
			    memcmp(&call, &sent, sizeof(call))) {
				FN_BAD(&t, "%s n=%u: failed with %s, yet wrote the caller's structure",
				       fc->name, n, strerror(-ret));
				if (!fn_quiet)
					ms_same(_metadata, "argument", &sent.arg, &call.arg,
						_IOC_SIZE(call.cmd));
			}
		} else if (ret == -EFAULT && (fc->flags & FN_KEEPS) &&
			   fn_same(_metadata, &ref, &after, false)) {
			/* The final copy failed after the change, which stays. */
			t.kept++;
			rebuild = true;
		} else {
			FN_BAD(&t, "%s n=%u: failed with %s, but the instance changed:",
			       fc->name, n, strerror(-ret));
			fn_same(_metadata, &before, &after, true);
			rebuild = true;
		}
		fn_snap_free(&after);
	}
	if (exhausted)
		FN_BAD(&t, "%s: still injecting after %u fault sites", fc->name, FN_MAX_N);
	close(fd);
	fn_snap_free(&before);
	fn_snap_free(&ref);
	fn_report(fc->name, strategy, &t);
}

/* ---- Instances the cases start from ---- */

static void fn_std(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	int i;

	ASSERT_EQ(0, ms_set_strategy(fd, strategy, 0));
	ASSERT_EQ(1, ms_create(fd, MS_SEG0, 0x100000, 0));
	ASSERT_EQ(2, ms_create(fd, MS_SEG1, 0x100000, 1));
	ASSERT_EQ(3, ms_create(fd, MS_SEG2, FN_ODD_SIZE, 2));
	for (i = 0; i < 4; i++)
		ASSERT_EQ(0, ms_alloc_fixed(fd, FN_A + i * 0x1000, 0x1000, 0));
	ASSERT_EQ(0, ms_free(fd, FN_A, 0, 0, NULL));
	ASSERT_EQ(0, ms_free(fd, FN_C, 0, 0, NULL));
	ASSERT_EQ(0, ms_alloc_fixed(fd, FN_D, 0x200, 1));
	ASSERT_EQ(0, ms_alloc_fixed(fd, FN_K, 0x1000, 1));
	ASSERT_EQ(0, ms_alloc_fixed(fd, FN_G, 0x1000, 1));
	ASSERT_EQ(0, ms_free(fd, FN_D, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(0, ms_free(fd, FN_K, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(0, ms_alloc(fd, 300, 2, 7, NULL));
}

/* Three segments as in fn_std, with a history, and nothing allocated. */
static void fn_idle(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	struct memsim_alloc_arg r1, r2;

	ASSERT_EQ(0, ms_set_strategy(fd, strategy, 0));
	ASSERT_EQ(1, ms_create(fd, MS_SEG0, 0x100000, 0));
	ASSERT_EQ(2, ms_create(fd, MS_SEG1, 0x100000, 1));
	ASSERT_EQ(3, ms_create(fd, MS_SEG2, FN_ODD_SIZE, 2));
	ASSERT_EQ(0, ms_alloc(fd, 5000, 0, 1, &r1));
	ASSERT_EQ(0, ms_alloc(fd, 100, 2, 2, &r2));
	ASSERT_EQ(0, ms_free(fd, r1.addr, 0, 0, NULL));
	ASSERT_EQ(0, ms_free(fd, r2.addr, 0, 0, NULL));
}

/* fn_std plus a free segment [FN_SEG3, +1 MiB - 64) on a new stream. */
static void fn_std_seg3_new(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	fn_std(_metadata, fd, strategy);
	ASSERT_EQ(4, ms_create(fd, FN_SEG3, FN_ODD_SIZE, 9));
}

/* fn_std plus a free segment [FN_SEG3, +1 MiB - 64) on stream 0. */
static void fn_std_seg3_shared(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	fn_std(_metadata, fd, strategy);
	ASSERT_EQ(4, ms_create(fd, FN_SEG3, FN_ODD_SIZE, 0));
}

/* fn_std with the trace on (with kernel stacks when the kernel has them). */
static void fn_std_trace(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	fn_std(_metadata, fd, strategy);
	ASSERT_EQ(0, ms_trace_ctl(fd, 64, MEMSIM_TRACE_ON |
				  (fn_env.stack ? MEMSIM_TRACE_STACK : 0)));
}

/* fn_std with the trace on and records in the ring. */
static void fn_std_traced(struct __test_metadata *_metadata, int fd, __u32 strategy)
{
	struct memsim_alloc_arg r;

	fn_std(_metadata, fd, strategy);
	ASSERT_EQ(0, ms_trace_ctl(fd, 16, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_alloc(fd, 1000, 0, 3, &r));
	ASSERT_EQ(0, ms_free(fd, r.addr, 0, 0, NULL));
}

/* ---- The calls ---- */

static void fn_set_strategy_buddy(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_SET_STRATEGY;
	/* Into the buddy system, or out of it. */
	c->arg.strat.strategy = ms_is_buddy(strategy) ? MEMSIM_STRATEGY_FIRST_FIT :
				MEMSIM_STRATEGY_BUDDY;
}

static void fn_set_strategy_other(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_SET_STRATEGY;
	if (ms_is_buddy(strategy)) {
		/* A new minimum block. */
		c->arg.strat.strategy = MEMSIM_STRATEGY_BUDDY;
		c->arg.strat.buddy_min_block = 4096;
	} else if (strategy == MEMSIM_STRATEGY_TLSF) {
		/* Twice the classes: the free space is indexed again. */
		c->arg.strat.strategy = MEMSIM_STRATEGY_TLSF;
		c->arg.strat.tlsf_classes = 32;
	} else {
		/* Another fit strategy, blocks live. */
		c->arg.strat.strategy = (strategy + 1) % MEMSIM_STRATEGY_BUDDY;
	}
}

static void fn_create(struct fn_call *c, __u32 stream)
{
	c->cmd = MEMSIM_IOC_CREATE_SEGMENT;
	c->arg.seg.start = FN_SEG3;
	c->arg.seg.size = FN_ODD_SIZE;
	c->arg.seg.device = 5;
	c->arg.seg.stream = stream;
	c->arg.seg.segment_id = FN_POISON;
}

static void fn_create_new_stream(struct fn_call *c, __u32 strategy)
{
	fn_create(c, 9);
}

static void fn_create_old_stream(struct fn_call *c, __u32 strategy)
{
	fn_create(c, 0);
}

static void fn_release(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_RELEASE_SEGMENT;
	c->arg.seg.segment_id = 4;
}

static void fn_alloc_req(struct fn_call *c, unsigned long cmd, __u64 size, __u32 stream)
{
	struct memsim_alloc_arg *a = &c->arg.alloc;

	c->cmd = cmd;
	a->size = size;
	a->stream = stream;
	a->tag = 0x77;
	/* Out fields: the kernel writes every one on success. */
	a->addr = FN_POISON;
	a->actual_size = FN_POISON;
	a->waste = FN_POISON;
	a->segment_id = FN_POISON;
	a->largest = FN_POISON;
	a->out_stream = FN_POISON32;
	a->steps = FN_POISON32;
	a->splits = FN_POISON32;
	a->pad2 = FN_POISON32;
}

static void fn_alloc_label(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 100, 0);
	c->arg.alloc.label_ptr = (uintptr_t)fn_label;
}

static void fn_alloc_any(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 3000, MS_ANY);
}

static void fn_alloc_odd(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 64, 2);
}

static void fn_alloc_topdown(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 8192, 1);
	c->arg.alloc.flags = MEMSIM_ALLOC_TOPDOWN;
}

static void fn_alloc_fixed(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 0x1000, 1);
	c->arg.alloc.flags = MEMSIM_ALLOC_FIXED;
	c->arg.alloc.fixed_addr = FN_FIXED;
}

static void fn_alloc_range(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_ALLOC, 0x800, 1);
	c->arg.alloc.flags = MEMSIM_ALLOC_RANGE;
	c->arg.alloc.align = 0x100;
	c->arg.alloc.range_lo = MS_SEG1 + 0x80000;
	c->arg.alloc.range_hi = MS_SEG1 + 0x90000;
}

static void fn_can_alloc(struct fn_call *c, __u32 strategy)
{
	fn_alloc_req(c, MEMSIM_IOC_CAN_ALLOC, 100, MS_ANY);
	c->arg.alloc.label_ptr = (uintptr_t)fn_label;
}

static void fn_free_req(struct fn_call *c, unsigned long cmd, __u64 addr, __u32 flags)
{
	struct memsim_free_arg *f = &c->arg.free;

	c->cmd = cmd;
	f->addr = addr;
	f->flags = flags;
	f->freed_size = FN_POISON;
	f->coalesced_addr = FN_POISON;
	f->coalesced_size = FN_POISON;
	f->coalesced = FN_POISON32;
	f->deferred = FN_POISON32;
}

static void fn_free_coalesce(struct fn_call *c, __u32 strategy)
{
	/* b, between the free a and c. */
	fn_free_req(c, MEMSIM_IOC_FREE, FN_B, 0);
	c->arg.free.expected_size = 0x1000;
	c->arg.free.label_ptr = (uintptr_t)fn_label;
}

static void fn_free_defer(struct fn_call *c, __u32 strategy)
{
	fn_free_req(c, MEMSIM_IOC_FREE, FN_E, MEMSIM_FREE_DEFER);
	c->arg.free.label_ptr = (uintptr_t)fn_label;
}

static void fn_complete(struct fn_call *c, __u32 strategy)
{
	fn_free_req(c, MEMSIM_IOC_COMPLETE_FREE, FN_D, 0);
}

static void fn_sync_stream(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_SYNC_STREAM;
	c->arg.sync.stream = 1;
	c->arg.sync.completed = FN_POISON;
}

static void fn_sync_any(struct fn_call *c, __u32 strategy)
{
	fn_sync_stream(c, strategy);
	c->arg.sync.stream = MS_ANY;
}

static void fn_batch_ops(struct fn_call *c, bool stop)
{
	struct memsim_batch_op *op = c->ops;
	unsigned int n = 0;

	c->cmd = MEMSIM_IOC_BATCH;
	op[n].op = MEMSIM_BATCH_ALLOC;
	op[n].size = 100;
	op[n].tag = 1;
	n++;
	op[n].op = MEMSIM_BATCH_ALLOC;
	op[n].flags = MEMSIM_ALLOC_FIXED;
	op[n].addr = FN_FIXED;
	op[n].size = 0x1000;
	op[n].stream = 1;
	op[n].tag = 2;
	n++;
	op[n].op = MEMSIM_BATCH_FREE;
	op[n].addr = FN_B;
	op[n].size = 0x1000;
	n++;
	op[n].op = MEMSIM_BATCH_FREE;
	op[n].flags = MEMSIM_FREE_DEFER;
	op[n].addr = FN_FIXED;
	n++;
	op[n].op = MEMSIM_BATCH_COMPLETE_FREE;
	op[n].addr = FN_FIXED;
	n++;
	op[n].op = MEMSIM_BATCH_COMPLETE_FREE;
	op[n].addr = FN_D;
	n++;
	if (!stop) {
		/* Fails by design: -ENOENT. */
		op[n].op = MEMSIM_BATCH_FREE;
		op[n].addr = FN_NOWHERE;
		n++;
	}
	op[n].op = MEMSIM_BATCH_ALLOC;
	op[n].flags = MEMSIM_ALLOC_TOPDOWN;
	op[n].size = 3000;
	op[n].stream = MS_ANY;
	op[n].tag = 3;
	n++;
	c->arg.batch.count = n;
	c->arg.batch.flags = stop ? MEMSIM_BATCH_STOP_ON_ERROR : 0;
	c->arg.batch.done = FN_POISON32;
	c->arg.batch.failed = FN_POISON32;
}

static void fn_batch(struct fn_call *c, __u32 strategy)
{
	fn_batch_ops(c, false);
}

static void fn_batch_stop(struct fn_call *c, __u32 strategy)
{
	fn_batch_ops(c, true);
}

static void fn_simulate(struct fn_call *c, __u32 strategy)
{
	struct memsim_simulate_arg *s = &c->arg.sim;

	c->cmd = MEMSIM_IOC_SIMULATE;
	s->nr_ops = 12;
	s->min_size = 64;
	s->max_size = 8192;
	s->seed = 0x5eed;
	s->free_ppm = 300000;
	s->stream = MS_ANY;
	s->successes = FN_POISON;
	s->failures = FN_POISON;
	s->frees = FN_POISON;
	s->peak_allocated = FN_POISON;
	s->final_allocated = FN_POISON;
	s->frag_ppm = FN_POISON32;
	s->pad2 = FN_POISON32;
	s->elapsed_ns = FN_POISON;
}

static void fn_reset(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_RESET;
}

static void fn_reset_keep(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_RESET;
	c->arg.reset.flags = MEMSIM_RESET_KEEP_SEGMENTS;
}

static void fn_trace_on(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_TRACE_CTL;
	c->arg.tctl.capacity = 32;
	c->arg.tctl.flags = MEMSIM_TRACE_ON;
}

static void fn_trace_on_stack(struct fn_call *c, __u32 strategy)
{
	fn_trace_on(c, strategy);
	c->arg.tctl.flags |= MEMSIM_TRACE_STACK;
}

static void fn_trace_off(struct fn_call *c, __u32 strategy)
{
	c->cmd = MEMSIM_IOC_TRACE_CTL;
}

#define FN_CASE(n, s, p, f)	{ .name = n, .setup = s, .prepare = p, .flags = f }

static const struct fn_case fn_set_strategy_buddy_case =
	FN_CASE("set_strategy_buddy", fn_idle, fn_set_strategy_buddy, 0);
static const struct fn_case fn_set_strategy_fit_case =
	FN_CASE("set_strategy_other", fn_std, fn_set_strategy_other, 0);
static const struct fn_case fn_set_strategy_min_case =
	FN_CASE("set_strategy_other", fn_idle, fn_set_strategy_other, 0);
static const struct fn_case fn_create_new_case =
	FN_CASE("create_segment_new_stream", fn_std, fn_create_new_stream, 0);
static const struct fn_case fn_create_old_case =
	FN_CASE("create_segment_old_stream", fn_std, fn_create_old_stream, 0);
static const struct fn_case fn_release_new_case =
	FN_CASE("release_segment_last_of_stream", fn_std_seg3_new, fn_release, 0);
static const struct fn_case fn_release_shared_case =
	FN_CASE("release_segment_shared_stream", fn_std_seg3_shared, fn_release, 0);
static const struct fn_case fn_alloc_label_case =
	FN_CASE("alloc_label", fn_std, fn_alloc_label, 0);
static const struct fn_case fn_alloc_any_case =
	FN_CASE("alloc_any_stream", fn_std, fn_alloc_any, 0);
static const struct fn_case fn_alloc_odd_case =
	FN_CASE("alloc_odd_segment", fn_std, fn_alloc_odd, 0);
static const struct fn_case fn_alloc_topdown_case =
	FN_CASE("alloc_topdown", fn_std, fn_alloc_topdown, 0);
static const struct fn_case fn_alloc_fixed_case =
	FN_CASE("alloc_fixed", fn_std, fn_alloc_fixed, 0);
static const struct fn_case fn_alloc_range_case =
	FN_CASE("alloc_range", fn_std, fn_alloc_range, 0);
static const struct fn_case fn_can_alloc_case =
	FN_CASE("can_alloc", fn_std, fn_can_alloc, 0);
static const struct fn_case fn_free_coalesce_case =
	FN_CASE("free_coalesce", fn_std, fn_free_coalesce, FN_KEEPS);
static const struct fn_case fn_free_defer_case =
	FN_CASE("free_defer", fn_std, fn_free_defer, FN_KEEPS);
static const struct fn_case fn_complete_case =
	FN_CASE("complete_free", fn_std, fn_complete, FN_KEEPS);
static const struct fn_case fn_sync_stream_case =
	FN_CASE("sync_stream", fn_std, fn_sync_stream, FN_KEEPS);
static const struct fn_case fn_sync_any_case =
	FN_CASE("sync_any", fn_std, fn_sync_any, FN_KEEPS);
static const struct fn_case fn_batch_case =
	FN_CASE("batch", fn_std, fn_batch, FN_KEEPS);
static const struct fn_case fn_batch_stop_case =
	FN_CASE("batch_stop_on_error", fn_std, fn_batch_stop, FN_KEEPS);
static const struct fn_case fn_simulate_case =
	FN_CASE("simulate", fn_std, fn_simulate, FN_KEEPS);
static const struct fn_case fn_reset_case =
	FN_CASE("reset", fn_std, fn_reset, 0);
static const struct fn_case fn_reset_keep_case =
	FN_CASE("reset_keep_segments", fn_std, fn_reset_keep, 0);
static const struct fn_case fn_trace_alloc_case =
	FN_CASE("traced_alloc", fn_std_trace, fn_alloc_label, 0);
static const struct fn_case fn_trace_free_case =
	FN_CASE("traced_free", fn_std_trace, fn_free_coalesce, FN_KEEPS);
static const struct fn_case fn_trace_complete_case =
	FN_CASE("traced_complete_free", fn_std_trace, fn_complete, FN_KEEPS);

/* ---- Every case under each strategy ---- */

FIXTURE(failnth)
{
	bool ready;
};

#define MS_FIXTURE failnth
#include "memsim_variants.h"

FIXTURE_SETUP(failnth)
{
	char why[160];

	if (fn_env_setup(_metadata, why, sizeof(why)))
		SKIP(return, "%s", why);
	self->ready = true;
}

FIXTURE_TEARDOWN(failnth)
{
	fn_env_teardown();
}

/* Run each case of a group in turn. */
static void fn_run_all(struct __test_metadata *_metadata,
		       const struct fn_case *const *cases, size_t nr, __u32 strategy)
{
	size_t i;

	for (i = 0; i < nr; i++)
		fn_run(_metadata, cases[i], strategy);
}

/*
 * Cases are grouped, one test per group and strategy: each test costs two
 * forks, about a quarter of a second under TCG with KASAN.  The # line of
 * each case and every violation name the case.
 */
TEST_F_TIMEOUT(failnth, strategy_and_segments, 120)
{
	const struct fn_case *const cases[] = {
		/* Fit: into the buddy system, 14 roots for the odd segment; buddy: out. */
		&fn_set_strategy_buddy_case,
		/*
		 * Fit: another fit strategy, blocks live; buddy: a new minimum
		 * block; TLSF: new classes (both with nothing allocated).
		 */
		ms_is_buddy(variant->strategy) || variant->strategy == MEMSIM_STRATEGY_TLSF ?
			&fn_set_strategy_min_case : &fn_set_strategy_fit_case,
		&fn_create_new_case,
		&fn_create_old_case,
		&fn_release_new_case,
		&fn_release_shared_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

TEST_F_TIMEOUT(failnth, alloc, 120)
{
	const struct fn_case *const cases[] = {
		&fn_alloc_label_case,
		&fn_alloc_any_case,
		&fn_alloc_odd_case,
		&fn_alloc_topdown_case,
		&fn_alloc_fixed_case,
		&fn_alloc_range_case,
		&fn_can_alloc_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

TEST_F_TIMEOUT(failnth, free, 120)
{
	const struct fn_case *const cases[] = {
		&fn_free_coalesce_case,
		&fn_free_defer_case,
		&fn_complete_case,
		&fn_sync_stream_case,
		&fn_sync_any_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

TEST_F_TIMEOUT(failnth, batch, 120)
{
	const struct fn_case *const cases[] = {
		&fn_batch_case,
		&fn_batch_stop_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

TEST_F_TIMEOUT(failnth, simulate, 120)
{
	fn_run(_metadata, &fn_simulate_case, variant->strategy);
}

TEST_F_TIMEOUT(failnth, reset, 120)
{
	const struct fn_case *const cases[] = {
		&fn_reset_case,
		&fn_reset_keep_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

/* The trace recording path: ALLOC, FREE and COMPLETE_FREE with the trace on. */
TEST_F_TIMEOUT(failnth, traced, 120)
{
	const struct fn_case *const cases[] = {
		&fn_trace_alloc_case,
		&fn_trace_free_case,
		&fn_trace_complete_case,
	};

	fn_run_all(_metadata, cases, ARRAY_SIZE(cases), variant->strategy);
}

/* ---- Calls whose glue does not depend on the strategy ---- */

FIXTURE(glue)
{
	bool ready;
};

FIXTURE_SETUP(glue)
{
	char why[160];

	if (fn_env_setup(_metadata, why, sizeof(why)))
		SKIP(return, "%s", why);
	self->ready = true;
}

FIXTURE_TEARDOWN(glue)
{
	fn_env_teardown();
}

/*
 * TRACE_CTL: start (with kernel stacks too, when the kernel has stackdepot),
 * a new ring while the old one holds records, stop.
 */
TEST_F_TIMEOUT(glue, trace_ctl, 120)
{
	const struct fn_case start = FN_CASE("trace_start", fn_std, fn_trace_on, 0);
	const struct fn_case stack = FN_CASE("trace_start_stack", fn_std,
					     fn_trace_on_stack, 0);
	const struct fn_case restart = FN_CASE("trace_restart", fn_std_traced,
					       fn_trace_on, 0);
	const struct fn_case stop = FN_CASE("trace_stop", fn_std_traced, fn_trace_off, 0);

	fn_run(_metadata, &start, MEMSIM_STRATEGY_FIRST_FIT);
	if (fn_env.stack)
		fn_run(_metadata, &stack, MEMSIM_STRATEGY_FIRST_FIT);
	else
		ksft_print_msg("trace_start_stack: no stackdepot, MEMSIM_TRACE_STACK is refused\n");
	fn_run(_metadata, &restart, MEMSIM_STRATEGY_BUDDY);
	fn_run(_metadata, &stop, MEMSIM_STRATEGY_FIRST_FIT);
}

/*
 * open(): a failed open leaves no instance behind (the debugfs instances
 * list is unchanged); one that succeeds after a fault gives a working
 * instance.
 */
TEST_F_TIMEOUT(glue, open, 120)
{
	struct fn_tally t = { .start = fn_now() };
	char *list_before = NULL;
	unsigned int n, nodir = 0;
	bool fired = false;

	if (fn_env.debugfs) {
		list_before = ms_read_file(MS_DEBUGFS "/instances", NULL);
		ASSERT_NE(NULL, list_before);
	}
	for (n = 1; n <= FN_MAX_N; n++) {
		char num[16], path[96];
		int len = snprintf(num, sizeof(num), "%u", n);
		struct memsim_info info;
		int fd, err;

		ASSERT_EQ(len, pwrite(fn_env.failfd, num, len, 0));
		fd = open(MEMSIM_DEV, O_RDWR | O_CLOEXEC);
		err = errno;
		fired = fn_fired(_metadata);
		t.runs++;
		if (fd >= 0) {
			struct memsim_alloc_arg r;

			if (fired)
				t.absorbed++;
			ASSERT_EQ(0, ms_info(fd, &info));
			if (fn_env.debugfs) {
				ms_debugfs_dir(path, sizeof(path), info.instance_id);
				if (access(path, F_OK))
					nodir++;
			}
			EXPECT_EQ(1, ms_create(fd, MS_SEG0, 0x10000, 0));
			EXPECT_EQ(0, ms_alloc(fd, 100, 0, 1, &r));
			ms_check_pool(_metadata, fd, 16, NULL, 0);
			close(fd);
			if (!fired)
				break;
			continue;
		}
		if (!fired)
			FN_BAD(&t, "open n=%u: no fault injected, open failed: %s", n,
			       strerror(err));
		if (err == ENOMEM)
			t.enomem++;
		else if (err == EFAULT)
			t.efault++;
		else
			FN_BAD(&t, "open n=%u: an injected fault gave %s", n, strerror(err));
		if (list_before) {
			char *list = ms_read_file(MS_DEBUGFS "/instances", NULL);

			ASSERT_NE(NULL, list);
			if (strcmp(list_before, list))
				FN_BAD(&t, "open n=%u failed, yet the instances changed:\n%s",
				       n, list);
			free(list);
		}
		if (!fired)
			break;
	}
	if (n > FN_MAX_N)
		FN_BAD(&t, "open: still injecting after %u fault sites", FN_MAX_N);
	if (nodir)
		ksft_print_msg("open: %u instances opened without their debugfs directory\n",
			       nodir);
	free(list_before);
	fn_report("open", MEMSIM_STRATEGY_COUNT, &t);
}

TEST_HARNESS_MAIN
