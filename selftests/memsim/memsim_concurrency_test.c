// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: many threads and processes on one instance, and many
 * instances at once
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Workers run a seeded random mix of allocations (sizes, alignments,
 * streams, top-down), plain and deferred frees, completions and read-only
 * queries, each keeping the list of blocks it holds and counting what it
 * did.  Three settings: 8 threads sharing one file descriptor, 4 forked
 * processes sharing it, and 8 threads with an instance each.  Afterwards
 * the instance is checked from the outside through GET_BLOCKS paged a few
 * entries at a time (ms_check_pool()): the blocks tile every segment
 * without overlap, every counter adds up, and the allocated blocks are
 * exactly those the workers hold, with their sizes, tags and states; the
 * allocation, free and failure counters equal the sum of what the workers
 * saw.
 *
 * A fourth setting reads the debugfs views and the operation trace while
 * threads work on the instance, and goes on reading while the instance is
 * closed and its directory removed under the reader.
 *
 * The debug VM runs under TCG with KASAN: the operation count per worker is
 * modest by default (see DEFAULT_OPS); MEMSIM_CC_OPS=N in the environment
 * sets it, e.g. MEMSIM_CC_OPS=20000 on real hardware.
 */
#include <pthread.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

#define NR_THREADS	8
#define NR_PROCS	4
#define NR_INSTANCES	8
/*
 * Operations per worker.  Under TCG with KASAN an operation costs about a
 * millisecond, so these keep the whole program near 20 seconds there.
 */
#define DEFAULT_OPS	300	/* shared instance, per strategy */
#define OWN_OPS		600	/* an instance each, all strategies at once */
#define MAX_HELD	48	/* blocks one worker holds at most */

FIXTURE(cc)
{
	int fd;
	struct memsim_info info;
	unsigned int ops;
};

#define MS_FIXTURE cc
#include "memsim_variants.h"

/* Segments: two streams, room for every worker's blocks most of the time. */
static int cc_layout(int fd, __u32 strategy)
{
	int ret = ms_set_strategy(fd, strategy, 0);

	if (!ret && ms_create(fd, MS_SEG0, 0x200000, 0) != 1)
		ret = -EIO;
	if (!ret && ms_create(fd, MS_SEG0 + 0x400000, 0x200000, 1) != 2)
		ret = -EIO;
	/* A smaller, unaligned one: odd buddy roots. */
	if (!ret && ms_create(fd, MS_SEG0 + 0x800000 + 0x1040, 0x31000, 0) != 3)
		ret = -EIO;
	return ret;
}

FIXTURE_SETUP(cc)
{
	const char *env = getenv("MEMSIM_CC_OPS");

	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_EQ(0, cc_layout(self->fd, variant->strategy));
	self->ops = env ? strtoul(env, NULL, 0) : DEFAULT_OPS;
}

FIXTURE_TEARDOWN(cc)
{
	if (self->fd >= 0)
		close(self->fd);
}

struct cc_worker {
	int fd;
	unsigned int id;
	unsigned int nops;
	__u64 seed;
	bool own_instance;	/* alone on its instance: may SYNC_STREAM */
	bool switch_fits;	/* switch among the fit strategies now and then */
	unsigned int pause_us;	/* sleep between operations, to let readers in */
	struct ms_held held[MAX_HELD];
	unsigned int nheld;
	__u64 allocs, frees, failures;
	int err;
	char msg[160];
};

static __u64 rnd(struct cc_worker *w)
{
	w->seed ^= w->seed << 13;
	w->seed ^= w->seed >> 7;
	w->seed ^= w->seed << 17;
	return w->seed;
}

static void fail(struct cc_worker *w, const char *what, int ret)
{
	if (w->err)
		return;
	w->err = ret ? ret : -EPROTO;
	snprintf(w->msg, sizeof(w->msg), "worker %u: %s: %d (%s)", w->id, what, ret,
		 strerror(ret < 0 ? -ret : EPROTO));
}

static void cc_alloc(struct cc_worker *w, __u64 seq)
{
	static const __u64 aligns[] = { 0, 0, 0, 8, 64, 256, 4096 };
	static const __u32 streams[] = { 0, 1, MS_ANY };
	struct memsim_alloc_arg a;
	__u64 x = rnd(w);
	int ret;

	ms_alloc_req(&a, 1 + x % 2048, streams[(x >> 12) % 3]);
	a.align = aligns[(x >> 16) % ARRAY_SIZE(aligns)];
	a.tag = ((__u64)w->id + 1) << 40 | seq;
	/* Half of them name a call site (shown by debugfs and the trace). */
	if (x & (1ULL << 24))
		a.label_ptr = (uintptr_t)"cc worker: alloc";
	if ((x >> 20) % 4 == 0)
		a.flags = MEMSIM_ALLOC_TOPDOWN;
	ret = ms_ioctl(w->fd, MEMSIM_IOC_ALLOC, &a);
	if (ret == -ENOSPC) {
		w->failures++;
		return;
	}
	if (ret == -E2BIG)
		return;
	if (ret) {
		fail(w, "ALLOC", ret);
		return;
	}
	if (a.actual_size < a.size || (a.align && a.addr & (a.align - 1)) ||
	    a.waste != a.actual_size - a.size) {
		fail(w, "ALLOC result", 0);
		return;
	}
	w->allocs++;
	w->held[w->nheld++] = (struct ms_held){ a.addr, a.size, a.actual_size, a.tag,
						MEMSIM_STATE_ALLOCATED };
}

static void cc_free(struct cc_worker *w)
{
	unsigned int k = rnd(w) % w->nheld;
	struct ms_held *h = &w->held[k];
	struct memsim_free_arg f;
	__u64 x = rnd(w);
	int ret;

	if (h->state == MEMSIM_STATE_ALLOCATED && x % 4 == 0) {
		/* Only request the free; completed later. */
		ret = ms_free(w->fd, h->addr, x & 16 ? h->size : h->requested,
			      MEMSIM_FREE_DEFER, &f);
		if (ret)
			fail(w, "deferred FREE", ret);
		else if (!f.deferred || f.freed_size != h->size)
			fail(w, "deferred FREE result", 0);
		h->state = MEMSIM_STATE_FREE_REQUESTED;
		return;
	}
	if (h->state == MEMSIM_STATE_FREE_REQUESTED)
		ret = ms_complete(w->fd, h->addr, &f);
	else
		ret = ms_free(w->fd, h->addr, x & 16 ? h->size : 0, 0, &f);
	if (ret) {
		fail(w, "FREE", ret);
		return;
	}
	if (f.freed_size != h->size || f.deferred || f.coalesced_size < h->size ||
	    f.coalesced_addr > h->addr ||
	    f.coalesced_addr + f.coalesced_size < h->addr + h->size) {
		fail(w, "FREE result", 0);
		return;
	}
	w->frees++;
	*h = w->held[--w->nheld];
}

/* Queries while others change the instance: each answer must be sane. */
static void cc_query(struct cc_worker *w)
{
	struct memsim_block_info blocks[5];
	struct memsim_list_arg l;
	struct memsim_summary s;
	struct memsim_alloc_arg a;
	__u64 x = rnd(w), from;
	unsigned int i;
	int ret;

	switch (x % 3) {
	case 0:
		ret = ms_summary(w->fd, &s);
		if (ret || s.usage.allocated + s.usage.free != s.usage.total ||
		    s.usage.deferred_blocks > s.usage.live_blocks)
			fail(w, "GET_SUMMARY", ret);
		break;
	case 1:
		from = MS_SEG0 + (x >> 8) % 0x900000;
		memset(&l, 0, sizeof(l));
		l.buf_ptr = (uintptr_t)blocks;
		l.buf_cap = 5;
		l.cursor = from;
		ret = ms_ioctl(w->fd, MEMSIM_IOC_GET_BLOCKS, &l);
		if (ret || l.nr > 5 || (l.more && l.nr != 5)) {
			fail(w, "GET_BLOCKS", ret);
			break;
		}
		/* In address order from the cursor, no overlap, sane fields. */
		for (i = 0; i < l.nr; i++) {
			if (blocks[i].addr < from || !blocks[i].size ||
			    blocks[i].state > MEMSIM_STATE_FREE_REQUESTED ||
			    (i && blocks[i].addr < blocks[i - 1].addr + blocks[i - 1].size))
				fail(w, "GET_BLOCKS entry", 0);
		}
		if (l.more && l.cursor <= blocks[l.nr - 1].addr)
			fail(w, "GET_BLOCKS cursor", 0);
		break;
	default:
		ms_alloc_req(&a, 1 + (x >> 8) % 4096, MS_ANY);
		ret = ms_ioctl(w->fd, MEMSIM_IOC_CAN_ALLOC, &a);
		if (ret && ret != -ENOSPC)
			fail(w, "CAN_ALLOC", ret);
		break;
	}
}

/* Complete every deferred free of every stream (own instance only). */
static void cc_sync(struct cc_worker *w)
{
	unsigned int i, deferred = 0;
	__u64 n;
	int ret;

	for (i = 0; i < w->nheld; i++)
		deferred += w->held[i].state == MEMSIM_STATE_FREE_REQUESTED;
	ret = ms_sync(w->fd, MS_ANY, &n);
	if (ret || n != deferred) {
		fail(w, "SYNC_STREAM", ret);
		return;
	}
	w->frees += n;
	for (i = 0; i < w->nheld;) {
		if (w->held[i].state == MEMSIM_STATE_FREE_REQUESTED)
			w->held[i] = w->held[--w->nheld];
		else
			i++;
	}
}

static void *cc_run(void *arg)
{
	static const __u32 fits[] = {
		MEMSIM_STRATEGY_FIRST_FIT, MEMSIM_STRATEGY_BEST_FIT,
		MEMSIM_STRATEGY_WORST_FIT, MEMSIM_STRATEGY_NEXT_FIT,
	};
	struct cc_worker *w = arg;
	unsigned int op;

	for (op = 0; op < w->nops && !w->err; op++) {
		__u64 x = rnd(w) % 100;

		if (w->switch_fits && op % 97 == 0) {
			int ret = ms_set_strategy(w->fd, fits[(op / 97) % 4], 0);

			if (ret)
				fail(w, "SET_STRATEGY among fits", ret);
		}
		if (x < 8)
			cc_query(w);
		else if (x < 10 && w->own_instance)
			cc_sync(w);
		else if (w->nheld == MAX_HELD || (w->nheld && x >= 60))
			cc_free(w);
		else
			cc_alloc(w, op);
		if (w->pause_us)
			usleep(w->pause_us);
	}
	return NULL;
}

static void cc_init(struct cc_worker *w, int fd, unsigned int id, unsigned int nops)
{
	memset(w, 0, sizeof(*w));
	w->fd = fd;
	w->id = id;
	w->nops = nops;
	w->seed = 0x9e3779b97f4a7c15ULL * (id + 1) + 12345;
}

/* The instance against what its workers hold and counted. */
static void cc_check(struct __test_metadata *_metadata, int fd, struct cc_worker *w,
		     unsigned int nw)
{
	struct ms_held *held;
	__u64 allocs = 0, frees = 0, failures = 0, sa = 0, sf = 0, sx = 0;
	struct memsim_summary s;
	struct ms_stats *st;
	unsigned int i, n = 0;

	held = calloc(nw * MAX_HELD + 1, sizeof(*held));
	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, held);
	ASSERT_NE(NULL, st);
	for (i = 0; i < nw; i++) {
		EXPECT_EQ(0, w[i].err) TH_LOG("%s", w[i].msg);
		memcpy(held + n, w[i].held, w[i].nheld * sizeof(*held));
		n += w[i].nheld;
		allocs += w[i].allocs;
		frees += w[i].frees;
		failures += w[i].failures;
	}
	/* Small pages: the cursor walks the whole instance. */
	ms_check_pool(_metadata, fd, 5, held, n);
	ASSERT_EQ(0, ms_summary(fd, &s));
	EXPECT_EQ((__u64)n, s.usage.live_blocks);
	EXPECT_EQ(allocs, s.usage.allocs);
	EXPECT_EQ(frees, s.usage.frees);
	EXPECT_EQ(failures, s.usage.failures);
	ASSERT_EQ(0, ms_stats(_metadata, fd, 1, st));
	for (i = 0; i < MEMSIM_STRATEGY_COUNT; i++) {
		sa += st->arg.strategies[i].allocs;
		sf += st->arg.strategies[i].frees;
		sx += st->arg.strategies[i].failures;
	}
	EXPECT_EQ(allocs, sa);
	EXPECT_EQ(frees, sf);
	EXPECT_EQ(failures, sx);
	EXPECT_LT(0ULL, allocs);
	EXPECT_LT(0ULL, frees);
	free(held);
	free(st);
}

/* 8 threads on one file descriptor. */
TEST_F_TIMEOUT(cc, threads_one_instance, 300)
{
	struct cc_worker *w = calloc(NR_THREADS, sizeof(*w));
	pthread_t tid[NR_THREADS];
	struct memsim_summary s;
	unsigned int i;

	ASSERT_NE(NULL, w);
	for (i = 0; i < NR_THREADS; i++) {
		cc_init(&w[i], self->fd, i, self->ops);
		/* One thread switches among the fit strategies under the others. */
		/*
		 * Only a fit strategy can switch among the fits while blocks
		 * are allocated: from buddy or TLSF the first switch would
		 * race with the other workers' allocations (EBUSY).
		 */
		w[i].switch_fits = i == 0 && !ms_is_buddy(variant->strategy) &&
				   variant->strategy != MEMSIM_STRATEGY_TLSF;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, cc_run, &w[i]));
	}
	for (i = 0; i < NR_THREADS; i++)
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
	cc_check(_metadata, self->fd, w, NR_THREADS);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	if (ms_is_buddy(variant->strategy))
		EXPECT_EQ(variant->strategy, s.strategy);
	free(w);
}

/* 4 processes sharing the file descriptor through fork(). */
TEST_F_TIMEOUT(cc, processes_one_instance, 300)
{
	struct cc_worker *w;
	pid_t pid[NR_PROCS];
	unsigned int i;
	int status;

	w = mmap(NULL, NR_PROCS * sizeof(*w), PROT_READ | PROT_WRITE,
		 MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, w);
	for (i = 0; i < NR_PROCS; i++) {
		cc_init(&w[i], self->fd, i, self->ops);
		pid[i] = fork();
		ASSERT_LE(0, pid[i]);
		if (pid[i] == 0) {
			cc_run(&w[i]);
			_exit(0);
		}
	}
	for (i = 0; i < NR_PROCS; i++) {
		ASSERT_EQ(pid[i], waitpid(pid[i], &status, 0));
		EXPECT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);
	}
	cc_check(_metadata, self->fd, w, NR_PROCS);
	munmap(w, NR_PROCS * sizeof(*w));
}

/*
 * A reader of the instance's views: it loops over opening and reading the
 * debugfs files and over TRACE_READ, and keeps two of the files open to
 * read them again from the start each round.  Once the instance is closed
 * (@closing set first), opening must fail with ENOENT and reading an open
 * file with EIO; anything else, or a failure before @closing, is an error.
 */
#define NR_VIEW_WORKERS	4
#define AFTER_CLOSE	30	/* reader rounds after the close */

struct view_reader {
	char dir[96];
	int fd;			/* the instance, for TRACE_READ */
	int stop_ioctl;		/* set by the main thread; acked in ioctl_stopped */
	int ioctl_stopped;
	int closing;		/* set just before the instance is closed */
	int stop;
	unsigned long rounds, rounds_after_close, reads, failures, trace_reads;
	int err;
	char msg[160];
};

static int vr_get(const int *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static unsigned long vr_get_ulong(const unsigned long *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static void vr_set(int *p)
{
	__atomic_store_n(p, 1, __ATOMIC_RELEASE);
}

static void vr_fail(struct view_reader *r, const char *what, int err)
{
	if (r->err)
		return;
	r->err = err ? err : EPROTO;
	snprintf(r->msg, sizeof(r->msg), "%s: %s", what, strerror(r->err));
}

/* A failed open or read: fine only once closing, and only ENOENT or EIO. */
static void vr_failed(struct view_reader *r, const char *what, int err)
{
	r->failures++;
	if (!vr_get(&r->closing))
		vr_fail(r, what, err);
	else if (err != ENOENT && err != EIO)
		vr_fail(r, what, err);
}

/*
 * At most this much of a file per read: the trace file follows the ring,
 * so while records come faster than they are formatted (stacks, under TCG)
 * a read to the end would only end with the workers.
 */
#define VR_READ_MAX	(64 * 1024)

/*
 * Read an open file from the start, to its end or VR_READ_MAX bytes; its
 * first @len - 1 bytes, NUL-terminated, in @head.  Returns the bytes read
 * or -errno.
 */
static int vr_reread(int fd, char *head, size_t len)
{
	ssize_t n = 0, total = 0;
	char buf[4096];

	head[0] = '\0';
	if (lseek(fd, 0, SEEK_SET) < 0)
		return -errno;
	while (total < VR_READ_MAX && (n = read(fd, buf, sizeof(buf))) > 0) {
		if (!total) {
			size_t k = (size_t)n < len - 1 ? (size_t)n : len - 1;

			memcpy(head, buf, k);
			head[k] = '\0';
		}
		total += n;
	}
	return n < 0 ? -errno : (int)total;
}

/* Open, read as vr_reread() does, close. */
static int vr_read_path(const char *path, char *head, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), n;

	if (fd < 0)
		return -errno;
	n = vr_reread(fd, head, len);
	close(fd);
	return n;
}

static void *vr_run(void *arg)
{
	static const char * const files[] = {
		"blocks", "trace", "summary", "segments", "map", "stats", "histogram",
	};
	static const char * const headers[] = {
		"addr\t", "seq\t", "scope\t", "id\t", "segment\t", "strategy\t", "stream",
	};
	struct view_reader *r = arg;
	struct memsim_trace_record recs[16];
	struct memsim_trace_read_arg ta;
	char path[160], head[64];
	int keep[2] = { -1, -1 };
	__u64 cursor = 0;
	unsigned int i;

	for (i = 0; i < 2; i++) {
		snprintf(path, sizeof(path), "%s/%s", r->dir, files[i]);
		keep[i] = open(path, O_RDONLY | O_CLOEXEC);
		if (keep[i] < 0)
			vr_fail(r, "open to keep", errno);
	}
	while (!vr_get(&r->stop) && !r->err) {
		bool closing = vr_get(&r->closing);

		for (i = 0; i < ARRAY_SIZE(files); i++) {
			int n;

			snprintf(path, sizeof(path), "%s/%s", r->dir, files[i]);
			n = vr_read_path(path, head, sizeof(head));
			if (n < 0) {
				vr_failed(r, files[i], -n);
				continue;
			}
			r->reads++;
			if (strncmp(head, headers[i], strlen(headers[i])))
				vr_fail(r, files[i], EBADMSG);
		}
		for (i = 0; i < 2; i++) {
			int n = keep[i] < 0 ? -EBADF : vr_reread(keep[i], head, sizeof(head));

			if (n < 0)
				vr_failed(r, "reading a kept file", -n);
			else
				r->reads++;
		}
		if (!vr_get(&r->stop_ioctl)) {
			int ret = ms_trace_read(r->fd, cursor, recs, ARRAY_SIZE(recs), &ta);

			if (ret) {
				vr_fail(r, "TRACE_READ", -ret);
			} else {
				/* In order, from the cursor or after what was lost. */
				for (i = 0; i < ta.nr; i++)
					if (recs[i].seq != cursor + ta.lost + i)
						vr_fail(r, "TRACE_READ sequence", 0);
				cursor = ta.cursor;
				__atomic_add_fetch(&r->trace_reads, 1, __ATOMIC_RELEASE);
			}
		} else if (!vr_get(&r->ioctl_stopped)) {
			vr_set(&r->ioctl_stopped);
		}
		__atomic_add_fetch(&r->rounds, 1, __ATOMIC_RELEASE);
		if (closing)
			__atomic_add_fetch(&r->rounds_after_close, 1, __ATOMIC_RELEASE);
	}
	for (i = 0; i < 2; i++)
		if (keep[i] >= 0)
			close(keep[i]);
	return NULL;
}

/*
 * Four threads allocate and free while a fifth reads blocks, trace and the
 * other views and TRACE_READs; then the instance is closed under the
 * reader, which goes on reading the vanishing files.
 */
TEST_F_TIMEOUT(cc, views_while_busy_and_closed, 300)
{
	struct cc_worker *w = calloc(NR_VIEW_WORKERS, sizeof(*w));
	pthread_t tid[NR_VIEW_WORKERS], rtid;
	struct view_reader *r = calloc(1, sizeof(*r));
	struct memsim_trace_read_arg st;
	unsigned int i, pass, overlapped = 0;
	__u32 flags = MEMSIM_TRACE_ON;
	struct stat sb;

	ASSERT_NE(NULL, w);
	ASSERT_NE(NULL, r);
	if (!ms_debugfs_available(&self->info))
		SKIP(return, "debugfs is not mounted at /sys/kernel/debug");
	/* A small ring: it wraps under the readers. */
	if (self->info.features & MEMSIM_FEATURE_TRACE_STACK)
		flags |= MEMSIM_TRACE_STACK;
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 64, flags));
	ms_debugfs_dir(r->dir, sizeof(r->dir), self->info.instance_id);
	r->fd = self->fd;
	ASSERT_EQ(0, pthread_create(&rtid, NULL, vr_run, r));
	/*
	 * The workers go on, keeping what they hold, until the reader has been
	 * through a few rounds of everything with them at work.  They pause
	 * between operations: four threads taking the instance lock back to
	 * back would starve the reader under TCG.
	 */
	for (i = 0; i < NR_VIEW_WORKERS; i++) {
		cc_init(&w[i], self->fd, i, self->ops);
		w[i].pause_us = 200;
	}
	for (pass = 0; pass < 100 && !r->err; pass++) {
		unsigned long from = vr_get_ulong(&r->trace_reads);

		for (i = 0; i < NR_VIEW_WORKERS; i++) {
			w[i].nops = self->ops / 4;
			ASSERT_EQ(0, pthread_create(&tid[i], NULL, cc_run, &w[i]));
		}
		for (i = 0; i < NR_VIEW_WORKERS; i++)
			ASSERT_EQ(0, pthread_join(tid[i], NULL));
		if (vr_get_ulong(&r->trace_reads) > from)
			overlapped++;
		if (overlapped >= 3)
			break;
	}
	EXPECT_LE(3U, overlapped) TH_LOG("%u passes, reader %lu rounds", pass,
					 vr_get_ulong(&r->rounds));
	cc_check(_metadata, self->fd, w, NR_VIEW_WORKERS);
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	EXPECT_LT(64ULL, st.head);
	EXPECT_EQ(st.head - 64, st.dropped);

	/* No more ioctls on the descriptor about to be closed. */
	vr_set(&r->stop_ioctl);
	while (!vr_get(&r->ioctl_stopped) && !r->err)
		usleep(1000);
	vr_set(&r->closing);
	close(self->fd);
	self->fd = -1;
	EXPECT_EQ(-1, stat(r->dir, &sb));
	EXPECT_EQ(ENOENT, errno);
	for (i = 0; i < 100000 && vr_get_ulong(&r->rounds_after_close) < AFTER_CLOSE &&
	     !r->err; i++)
		usleep(1000);
	vr_set(&r->stop);
	ASSERT_EQ(0, pthread_join(rtid, NULL));
	EXPECT_EQ(0, r->err) TH_LOG("reader: %s", r->msg);
	EXPECT_LE((unsigned long)AFTER_CLOSE, r->rounds_after_close);
	EXPECT_LT(0UL, r->trace_reads);
	EXPECT_LT(0UL, r->reads);
	/*
	 * Each round after the close fails its 9 reads (the rounds that began
	 * while close() was still removing the directory may not).
	 */
	EXPECT_LE((unsigned long)(AFTER_CLOSE - 2) * 9, r->failures);
	TH_LOG("reader: %lu rounds, %lu reads, %lu TRACE_READs, %lu failures after close",
	       r->rounds, r->reads, r->trace_reads, r->failures);
	free(r);
	free(w);
}

/*
 * 8 threads, each with an instance of its own; instance i uses strategy
 * i % 5, so every strategy runs next to the others.  Not a variant test:
 * it covers the five strategies in one run.
 */
FIXTURE(own)
{
	int unused;
};

FIXTURE_SETUP(own)
{
}

FIXTURE_TEARDOWN(own)
{
}

TEST_F_TIMEOUT(own, threads_own_instances, 300)
{
	struct cc_worker *w = calloc(NR_INSTANCES, sizeof(*w));
	const char *env = getenv("MEMSIM_CC_OPS");
	unsigned int i, j, ops = env ? strtoul(env, NULL, 0) : OWN_OPS;
	pthread_t tid[NR_INSTANCES];
	struct memsim_info info;
	__u64 ids[NR_INSTANCES];
	int fd;

	ASSERT_NE(NULL, w);
	fd = ms_open();
	if (fd == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_LE(0, fd);
	close(fd);
	for (i = 0; i < NR_INSTANCES; i++) {
		fd = ms_open();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, cc_layout(fd, i % MEMSIM_STRATEGY_COUNT));
		ASSERT_EQ(0, ms_info(fd, &info));
		ids[i] = info.instance_id;
		for (j = 0; j < i; j++)
			EXPECT_NE(ids[j], ids[i]);
		cc_init(&w[i], fd, i, ops);
		w[i].own_instance = true;
		ASSERT_EQ(0, pthread_create(&tid[i], NULL, cc_run, &w[i]));
	}
	for (i = 0; i < NR_INSTANCES; i++)
		ASSERT_EQ(0, pthread_join(tid[i], NULL));
	/* Each instance holds exactly its own worker's blocks. */
	for (i = 0; i < NR_INSTANCES; i++) {
		cc_check(_metadata, w[i].fd, &w[i], 1);
		close(w[i].fd);
	}
	free(w);
}

TEST_HARNESS_MAIN
