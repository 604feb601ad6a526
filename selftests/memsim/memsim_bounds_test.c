// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftests: what a user of /dev/memsim can make the kernel hold
 * and do, and what a failing call leaves behind
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Each test reproduces one of the defects of issue 9 from the documented
 * contract (Documentation/uapi.rst, the uapi kernel-doc):
 *
 * - the memory budget (module parameter max_instance_memory) bounds the
 *   block structures a buddy-mode FIXED spray pins, with -E2BIG;
 * - streams go with their last segment, so create/release cycles on new
 *   streams hold nothing;
 * - an instance of a million block structures is synced, reset and closed
 *   without the kernel reporting a stall (the VM run fails on one);
 * - an ALLOC whose result cannot be written leaves no block behind, even
 *   when another thread takes the page away during the call;
 * - a BATCH stopped by SIGKILL keeps exactly the operations that ran, a
 *   prefix of the batch;
 * - debugfs: the map has min(64, size) characters whatever the segment's
 *   size (also near 2^64), and a task's name cannot forge a column or row
 *   of the instances file.
 *
 * Tests that change module parameters restore them; they need root.
 */
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

#define PARAM_DIR	"/sys/module/memsim/parameters/"

/* A module parameter, saved for restoring; -errno on failure. */
struct param {
	const char *name;
	char old[64];
	bool saved;
};

static int param_io(const char *name, char *buf, size_t len, bool wr)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, wr ? O_WRONLY : O_RDONLY);
	if (fd < 0)
		return -errno;
	n = wr ? write(fd, buf, strlen(buf)) : read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	if (!wr) {
		buf[n] = '\0';
		buf[strcspn(buf, "\n")] = '\0';
	}
	return 0;
}

static int param_set(struct param *p, unsigned long long v)
{
	char buf[32];
	int ret;

	if (!p->saved) {
		ret = param_io(p->name, p->old, sizeof(p->old), false);
		if (ret)
			return ret;
		p->saved = true;
	}
	snprintf(buf, sizeof(buf), "%llu", v);
	return param_io(p->name, buf, sizeof(buf), true);
}

static void param_restore(struct param *p)
{
	if (p->saved)
		param_io(p->name, p->old, sizeof(p->old), true);
	p->saved = false;
}

/* The debugfs instances row of @id, split into @nf fields; 0 or -errno. */
static int instance_row(__u64 id, char *buf, size_t len, char **field, unsigned int *nf)
{
	struct ms_lines l;
	unsigned int i;
	int ret = -ENOENT;

	if (ms_read_lines(MS_DEBUGFS "/instances", &l))
		return -errno;
	for (i = 1; i < l.nr; i++) {
		if (strtoull(l.line[i], NULL, 10) != id)
			continue;
		snprintf(buf, len, "%s", l.line[i]);
		*nf = ms_split_tabs(buf, field, 16);
		ret = 0;
		break;
	}
	ms_lines_free(&l);
	return ret;
}

/* Column @col (0-based) of @id's instances row as a number. */
static long long instance_col(__u64 id, unsigned int col)
{
	char buf[512], *field[16];
	unsigned int nf;

	if (instance_row(id, buf, sizeof(buf), field, &nf) || nf <= col)
		return -1;
	return strtoll(field[col], NULL, 10);
}

/* debugfs instances columns: id tgid comm strategy segments live allocated structs memory */
#define COL_BLOCK_STRUCTS	7
#define COL_MEMORY		8

/* Run @n FIXED allocations of 64 bytes at i << @shift; returns how many failed with @err. */
static int fixed_spray(struct __test_metadata *_metadata, int fd, unsigned int first,
		       unsigned int n, unsigned int shift, int err, unsigned int *ok)
{
	struct memsim_batch_op *ops = calloc(n, sizeof(*ops));
	struct memsim_batch_arg b;
	unsigned int i, bad = 0;

	if (!ops)
		return -ENOMEM;
	for (i = 0; i < n; i++) {
		ops[i].op = MEMSIM_BATCH_ALLOC;
		ops[i].flags = MEMSIM_ALLOC_FIXED;
		ops[i].addr = (__u64)(first + i) << shift;
		ops[i].size = 64;
		ops[i].tag = first + i;
	}
	memset(&b, 0, sizeof(b));
	b.ops_ptr = (uintptr_t)ops;
	b.count = n;
	EXPECT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_BATCH, &b));
	EXPECT_EQ(n, b.done);
	for (i = 0; i < n; i++) {
		if (!ops[i].error)
			(*ok)++;
		else if (ops[i].error == -err)
			bad++;
		else
			EXPECT_EQ(0, ops[i].error) TH_LOG("op %u", i);
	}
	free(ops);
	return bad;
}

FIXTURE(bounds) {
	int fd;
	struct memsim_info info;
};

FIXTURE_SETUP(bounds)
{
	self->fd = ms_open();
	if (self->fd == -ENOENT)
		SKIP(return, "no %s: is memsim.ko loaded?", MEMSIM_DEV);
	ASSERT_LE(0, self->fd);
	ASSERT_EQ(0, ms_info(self->fd, &self->info));
}

FIXTURE_TEARDOWN(bounds)
{
	if (self->fd >= 0)
		close(self->fd);
}

/*
 * Issue 9, defect 1: FIXED 64-byte allocations 2^43 apart in a 2^63-byte
 * buddy segment pin ~40 free halves each.  The instance budget stops them.
 */
TEST_F(bounds, buddy_spray_is_bounded_by_the_memory_budget)
{
	struct param mem = { .name = "max_instance_memory" };
	const unsigned long long limit = 4ULL << 20;
	struct memsim_summary s;
	unsigned int ok = 0;
	int refused;

	if (param_set(&mem, limit))
		SKIP(return, "cannot set %s", mem.name);
	ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 64));
	ASSERT_LT(0, ms_create(self->fd, 0, 1ULL << 63, 0));
	refused = fixed_spray(_metadata, self->fd, 0, 2000, 43, E2BIG, &ok);
	EXPECT_LT(0, refused) TH_LOG("no allocation was refused with E2BIG");
	EXPECT_LT(0U, ok);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(ok, s.usage.live_blocks);
	/* Every block structure is charged at 100 bytes or more. */
	EXPECT_LE((s.usage.live_blocks + s.usage.free_blocks) * 100, limit)
		TH_LOG("%llu live + %llu free blocks",
		       (unsigned long long)s.usage.live_blocks,
		       (unsigned long long)s.usage.free_blocks);
	if (ms_debugfs_available(&self->info)) {
		EXPECT_LE(instance_col(self->info.instance_id, COL_MEMORY), (long long)limit);
		EXPECT_EQ((long long)(s.usage.live_blocks + s.usage.free_blocks),
			  instance_col(self->info.instance_id, COL_BLOCK_STRUCTS));
	}
	ms_check_pool(_metadata, self->fd, MS_LIST_MAX, NULL, 0);
	param_restore(&mem);
}

/* A segment's creation also counts: E2BIG, nothing created. */
TEST_F(bounds, segment_over_budget)
{
	struct param mem = { .name = "max_instance_memory" };
	struct param segs = { .name = "max_segments" };
	struct memsim_summary s;
	long long ret = 0;
	bool set;
	__u64 i = 0;

	set = !param_set(&mem, 1ULL << 20) && !param_set(&segs, 65536);
	/* A segment, its block and a share of 32 streams: 1 MiB runs out. */
	for (; set && i < 65536 && ret >= 0; i++)
		ret = ms_create(self->fd, i << 20, 1 << 20, (__u32)i % 32);
	param_restore(&mem);
	param_restore(&segs);
	if (!set)
		SKIP(return, "cannot set %s and %s", mem.name, segs.name);
	EXPECT_EQ(-E2BIG, ret);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(i - 1, s.nr_segments);
	ms_check_pool(_metadata, self->fd, MS_LIST_MAX, NULL, 0);
}

/* Issue 9, defect 1: streams are freed with their last segment. */
TEST_F(bounds, streams_go_with_their_last_segment)
{
	struct memsim_summary sum;
	long long mem0 = -1;
	__u64 completed;
	unsigned int i;
	long long id;

	ASSERT_LT(0, ms_create(self->fd, 0x100000, 0x10000, 7));
	if (ms_debugfs_available(&self->info))
		mem0 = instance_col(self->info.instance_id, COL_MEMORY);
	for (i = 0; i < 2000; i++) {
		id = ms_create(self->fd, 0x200000, 0x10000, 100 + i);
		ASSERT_LT(0, id);
		ASSERT_EQ(0, ms_release(self->fd, id));
	}
	ASSERT_EQ(0, ms_summary(self->fd, &sum));
	EXPECT_EQ(1U, sum.nr_streams);
	EXPECT_EQ(1ULL, sum.nr_segments);
	EXPECT_EQ(-ENOENT, ms_sync(self->fd, 100, &completed));
	EXPECT_EQ(-ENOENT, ms_sync(self->fd, 2099, &completed));
	EXPECT_EQ(0, ms_sync(self->fd, 7, &completed));
	if (mem0 >= 0)
		EXPECT_EQ(mem0, instance_col(self->info.instance_id, COL_MEMORY));
}

/*
 * Issue 9, defect 2: a million block structures synced, reset and closed.
 * The VM runner fails the run on any RCU stall, soft lockup or hung task.
 * MEMSIM_BOUNDS_ALLOCS=N makes it N allocations (~37 structures each)
 * instead of 28,000: make check's debug stage, where a million take about
 * 15 minutes under KASAN in TCG, runs 2,800 (about 106,000 structures).
 */
TEST_F_TIMEOUT(bounds, a_million_blocks_sync_reset_and_close, 1800)
{
	struct param mem = { .name = "max_instance_memory" };
	struct param total = { .name = "max_total_memory" };
	struct memsim_batch_op *ops;
	struct memsim_summary s;
	struct memsim_batch_arg b;
	unsigned int ok = 0, i, n;
	__u64 structs, completed;
	time_t t0 = time(NULL);
	unsigned int allocs = 28000;

	/* MEMSIM_BOUNDS_ALLOCS shortens the run for experiments. */
	if (getenv("MEMSIM_BOUNDS_ALLOCS"))
		allocs = strtoul(getenv("MEMSIM_BOUNDS_ALLOCS"), NULL, 0);
	if (param_set(&mem, 400ULL << 20) || param_set(&total, 400ULL << 20))
		SKIP(goto out, "cannot raise the memory budget");
	ASSERT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 64));
	ASSERT_LT(0, ms_create(self->fd, 0, 1ULL << 63, 0));
	/* ~37 free halves per allocation: 28,000 of them make a million. */
	for (n = 0; n < allocs; n += 4000)
		EXPECT_EQ(0, fixed_spray(_metadata, self->fd, n, allocs - n < 4000 ? allocs - n : 4000, 43,
					 E2BIG, &ok));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	structs = s.usage.live_blocks + s.usage.free_blocks;
	TH_LOG("[%lds] sprayed", (long)(time(NULL) - t0));
	TH_LOG("%u allocations, %llu block structures", ok, (unsigned long long)structs);
	EXPECT_LE(allocs * 36ULL, structs);

	/* Deferred frees of every other block, then one sync completes them. */
	ops = calloc(4000, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (n = 0; n < ok; n += 4000) {
		unsigned int k = 0;

		for (i = n; i < n + 4000 && i < ok; i += 2) {
			memset(&ops[k], 0, sizeof(ops[k]));
			ops[k].op = MEMSIM_BATCH_FREE;
			ops[k].flags = MEMSIM_FREE_DEFER;
			ops[k].addr = (__u64)i << 43;
			k++;
		}
		memset(&b, 0, sizeof(b));
		b.ops_ptr = (uintptr_t)ops;
		b.count = k;
		EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &b));
		EXPECT_EQ(0U, b.failed);
	}
	free(ops);
	EXPECT_EQ(0, ms_sync(self->fd, 0, &completed));
	EXPECT_EQ((ok + 1) / 2, completed);
	TH_LOG("[%lds] synced", (long)(time(NULL) - t0));

	/* Reset keeping the segments: every block freed and merged. */
	EXPECT_EQ(0, ms_reset(self->fd, MEMSIM_RESET_KEEP_SEGMENTS));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(0ULL, s.usage.live_blocks);
	EXPECT_EQ(1ULL, s.usage.free_blocks);

	/* A million again, then close with them all in place. */
	ok = 0;
	for (n = 0; n < allocs; n += 4000)
		EXPECT_EQ(0, fixed_spray(_metadata, self->fd, n, allocs - n < 4000 ? allocs - n : 4000, 43,
					 E2BIG, &ok));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_LE(allocs * 36ULL, s.usage.live_blocks + s.usage.free_blocks);
	close(self->fd);
	self->fd = -1;
	TH_LOG("[%lds] closed", (long)(time(NULL) - t0));
out:
	param_restore(&mem);
	param_restore(&total);
}

/*
 * Issue 9, defect 4: an ALLOC that returns EFAULT allocated nothing, even
 * when another thread takes the argument's page away during the call.
 */
struct flipper {
	void *page;
	size_t len;
	int stop;
};

static void *flip(void *p)
{
	struct flipper *f = p;

	while (!__atomic_load_n(&f->stop, __ATOMIC_RELAXED)) {
		mprotect(f->page, f->len, PROT_READ);
		mprotect(f->page, f->len, PROT_READ | PROT_WRITE);
	}
	return NULL;
}

TEST_F(bounds, alloc_efault_leaves_nothing_behind)
{
	struct flipper f = { .len = (size_t)getpagesize() };
	unsigned int i, ok = 0, fault = 0;
	struct memsim_alloc_arg *a;
	struct memsim_summary s;
	pthread_t t;
	int ret;

	ASSERT_LT(0, ms_create(self->fd, 0x1000000, 1ULL << 32, 0));
	f.page = mmap(NULL, f.len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, f.page);
	/* The request stays valid: the kernel writes its in fields back unchanged. */
	a = f.page;
	ms_alloc_req(a, 4096, 0);
	ASSERT_EQ(0, pthread_create(&t, NULL, flip, &f));
	for (i = 0; i < 4000; i++) {
		ret = ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, a);
		if (!ret)
			ok++;
		else if (ret == -EFAULT)
			fault++;
		else
			EXPECT_EQ(0, ret);
	}
	__atomic_store_n(&f.stop, 1, __ATOMIC_RELAXED);
	pthread_join(t, NULL);
	TH_LOG("%u allocated, %u EFAULT", ok, fault);
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(ok, s.usage.live_blocks);
	EXPECT_EQ(ok, s.usage.allocs);
	ms_check_pool(_metadata, self->fd, MS_LIST_MAX, NULL, 0);
	munmap(f.page, f.len);
}

/* ALLOC on ENOSPC writes every out field; on EINVAL it writes none. */
TEST_F(bounds, alloc_out_fields_on_failure)
{
	struct memsim_alloc_arg a, before;

	ASSERT_LT(0, ms_create(self->fd, 0x100000, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x1000, 0, 0, NULL));
	ms_alloc_req(&a, 0x100000, 0);
	a.addr = a.actual_size = a.waste = a.segment_id = a.largest = ~0ULL;
	a.out_stream = a.steps = a.splits = ~0U;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(0ULL, a.addr);
	EXPECT_EQ(0ULL, a.actual_size);
	EXPECT_EQ(0ULL, a.waste);
	EXPECT_EQ(0ULL, a.segment_id);
	EXPECT_EQ(0U, a.out_stream);
	EXPECT_EQ(0U, a.steps);
	EXPECT_EQ(0U, a.splits);
	EXPECT_EQ(0xf000ULL, a.largest);
	/* Malformed: the caller's structure is left as it was. */
	a.size = 0;
	before = a;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(0, memcmp(&a, &before, sizeof(a)));
}

/* Issue 9, defect 4: a BATCH killed midway keeps a prefix of its operations. */
TEST_F(bounds, killed_batch_keeps_a_prefix)
{
	struct param batch = { .name = "max_batch" };
	const unsigned int n = 65536;
	struct ms_list l = { 0 };
	struct memsim_block_info *bi;
	unsigned int i, live = 0;
	int st, ready[2];
	__u64 max_tag = 0;
	pid_t pid;
	char c;

	if (param_set(&batch, n))
		SKIP(return, "cannot set %s", batch.name);
	ASSERT_LT(0, ms_create(self->fd, 0x100000, 64ULL * n, 0));
	ASSERT_EQ(0, pipe(ready));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct memsim_batch_op *ops = calloc(n, sizeof(*ops));
		struct memsim_batch_arg b = { 0 };

		for (i = 0; ops && i < n; i++) {
			ops[i].op = MEMSIM_BATCH_ALLOC;
			ops[i].size = 64;
			ops[i].tag = i + 1;
		}
		b.ops_ptr = (uintptr_t)ops;
		b.count = n;
		/* The array is ready and touched: the batch starts at once. */
		if (write(ready[1], "x", 1) != 1)
			_exit(1);
		ioctl(self->fd, MEMSIM_IOC_BATCH, &b);
		_exit(0);
	}
	ASSERT_EQ(1, read(ready[0], &c, 1));
	usleep(200000);
	kill(pid, SIGKILL);
	ASSERT_EQ(pid, waitpid(pid, &st, 0));
	param_restore(&batch);

	/* The allocated blocks carry tags 1..k: the first k operations ran. */
	ASSERT_EQ(0, ms_blocks(_metadata, self->fd, MS_LIST_MAX, &l));
	bi = l.items;
	for (i = 0; i < l.nr; i++) {
		if (bi[i].state != MEMSIM_STATE_ALLOCATED)
			continue;
		live++;
		max_tag = bi[i].tag > max_tag ? bi[i].tag : max_tag;
		/* First fit, bottom-up: operation k got the k-th 64 bytes. */
		EXPECT_EQ(0x100000 + (bi[i].tag - 1) * 64, bi[i].addr);
	}
	TH_LOG("%u of %u operations ran before SIGKILL%s", live, n,
	       WIFSIGNALED(st) ? "" : " (the batch ended first)");
	EXPECT_EQ(live, max_tag);
	close(ready[0]);
	close(ready[1]);
	free(l.items);
	ms_check_pool(_metadata, self->fd, MS_LIST_MAX, NULL, 0);
}

/* The map of one segment, from debugfs: its slice column and characters. */
static int map_line(__u64 instance, unsigned long long *slice, char *map, size_t len)
{
	char path[128], *field[4];
	struct ms_lines l;
	int ret = -ENOENT;

	ms_debugfs_dir(path, sizeof(path), instance);
	strncat(path, "/map", sizeof(path) - strlen(path) - 1);
	if (ms_read_lines(path, &l))
		return -errno;
	if (l.nr >= 2 && ms_split_tabs(l.line[1], field, 4) == 4) {
		*slice = strtoull(field[2], NULL, 10);
		snprintf(map, len, "%s", field[3]);
		ret = 0;
	}
	ms_lines_free(&l);
	return ret;
}

/* Issue 9, defects 3 and 5: min(64, size) characters, each an equal share. */
TEST_F(bounds, map_has_full_width_for_every_size)
{
	static const struct {
		unsigned long long size;
		unsigned int chars;
	} cases[] = { { 66, 64 }, { 1538, 64 }, { 10, 10 }, { 64, 64 }, { 1, 1 }, { 127, 64 } };
	unsigned long long slice;
	char map[128];
	unsigned int i;
	int fd;

	if (!ms_debugfs_available(&self->info))
		SKIP(return, "no debugfs");
	for (i = 0; i < ARRAY_SIZE(cases); i++) {
		struct memsim_info info;

		fd = ms_open();
		ASSERT_LE(0, fd);
		ASSERT_EQ(0, ms_info(fd, &info));
		ASSERT_LT(0, ms_create(fd, 0x1000, cases[i].size, 0));
		ASSERT_EQ(0, map_line(info.instance_id, &slice, map, sizeof(map)));
		EXPECT_EQ(cases[i].chars, strlen(map)) TH_LOG("size %llu: '%s'", cases[i].size, map);
		EXPECT_EQ(cases[i].size / cases[i].chars, slice);
		EXPECT_EQ(strspn(map, "."), strlen(map));
		close(fd);
	}

	/* [0, 2^64 - 1), its lower half allocated: no wrapped slice. */
	ASSERT_LT(0, ms_create(self->fd, 0, ~0ULL, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 1ULL << 63, 0, 0, NULL));
	ASSERT_EQ(0, map_line(self->info.instance_id, &slice, map, sizeof(map)));
	EXPECT_EQ(~0ULL / 64, slice);
	EXPECT_EQ(64U, strlen(map));
	/* Slices 0..31 end at or below 2^63 - 1: all allocated. */
	EXPECT_EQ(32U, strspn(map, "#")) TH_LOG("%s", map);
	EXPECT_EQ('+', map[32]);
	EXPECT_EQ(31U, strspn(map + 33, "."));
}

/* Issue 9, defect 3: a task's name cannot forge a column or a row. */
TEST_F(bounds, instances_file_escapes_the_task_name)
{
	char buf[512], *field[16];
	int up[2], down[2], st;
	unsigned int nf;
	__u64 id = 0;
	pid_t pid;

	if (!ms_debugfs_available(&self->info))
		SKIP(return, "no debugfs");
	ASSERT_EQ(0, pipe(up));
	ASSERT_EQ(0, pipe(down));
	pid = fork();
	ASSERT_LE(0, pid);
	if (!pid) {
		struct memsim_info info;
		int fd;

		prctl(PR_SET_NAME, "a\tb\nX\\y", 0, 0, 0);
		fd = ms_open();
		if (fd < 0 || ms_info(fd, &info))
			_exit(1);
		if (write(up[1], &info.instance_id, sizeof(info.instance_id)) < 0)
			_exit(1);
		/* Hold the instance open until the parent has read the file. */
		if (read(down[0], &st, 1) < 0)
			_exit(1);
		_exit(0);
	}
	ASSERT_EQ((ssize_t)sizeof(id), read(up[0], &id, sizeof(id)));
	ASSERT_EQ(0, instance_row(id, buf, sizeof(buf), field, &nf));
	EXPECT_EQ(9U, nf);
	EXPECT_STREQ("a\\011b\\012X\\134y", field[2]);
	ASSERT_EQ(1, write(down[1], "x", 1));
	waitpid(pid, &st, 0);
	close(up[0]);
	close(up[1]);
	close(down[0]);
	close(down[1]);
}

TEST_HARNESS_MAIN
