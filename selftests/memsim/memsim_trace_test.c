// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: the operation trace (MEMSIM_IOC_TRACE_CTL and
 * MEMSIM_IOC_TRACE_READ) and the labels of ALLOC and FREE
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Each test opens an instance of its own.  The central one runs a scripted
 * sequence (segments, allocations with alignment padding and a top-down
 * one, a failing allocation, immediate, deferred and synchronised frees,
 * strategy switches, the buddy system's halvings and merges, resets) and
 * compares every record with the one worked out by hand from the placement
 * rules, field by field.  The others cover the ring: cursors, wrapping,
 * re-enabling and switching off, every validation rule of both ioctls
 * (each leaving the trace as it was), callers (threads, forked processes),
 * labels and kernel stacks.
 */
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

#define CAP		256	/* ring capacity of most tests */

FIXTURE(trace)
{
	int fd;
	struct memsim_info info;
};

FIXTURE_SETUP(trace)
{
	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_NE(0ULL, self->info.features & MEMSIM_FEATURE_TRACE);
}

FIXTURE_TEARDOWN(trace)
{
	if (self->fd >= 0)
		close(self->fd);
}

static pid_t ms_gettid(void)
{
	return (pid_t)syscall(SYS_gettid);
}

/* Who a record must name. */
struct caller {
	pid_t pid;
	pid_t tgid;
	char comm[16];
};

static void caller_self(struct caller *c)
{
	memset(c, 0, sizeof(*c));
	c->pid = ms_gettid();
	c->tgid = getpid();
	prctl(PR_GET_NAME, c->comm);
}

/* A record as worked out by hand; fields not named are 0 or empty. */
struct want {
	__u32 op;
	__u64 addr;
	__u64 size;
	__u64 requested;
	__u64 align;
	__u64 segment;
	__u64 tag;
	__u32 stream;
	__u32 flags;
	__u32 strategy;
	__s32 error;
	const char *label;
	bool any_size;	/* STRATEGY: the ABI leaves @size open */
};

static void expect_record(struct __test_metadata *_metadata,
			  const struct memsim_trace_record *r, const struct want *w,
			  __u64 seq, const struct caller *c, bool stack)
{
	__u64 want_size = w->any_size ? r->size : w->size;
	char label[MEMSIM_LABEL_MAX];

	memset(label, 0, sizeof(label));
	if (w->label)
		snprintf(label, sizeof(label), "%s", w->label);
	EXPECT_EQ(seq, r->seq);
	EXPECT_EQ(w->op, r->op) TH_LOG("seq %llu: op %u (%s), want %u (%s)",
				       (unsigned long long)seq, r->op,
				       r->op < MEMSIM_TRACE_OP_COUNT ?
				       ms_trace_op_names[r->op] : "?", w->op,
				       ms_trace_op_names[w->op]);
	EXPECT_EQ(w->addr, r->addr) TH_LOG("seq %llu: addr", (unsigned long long)seq);
	EXPECT_EQ(want_size, r->size) TH_LOG("seq %llu: size", (unsigned long long)seq);
	EXPECT_EQ(w->requested, r->requested)
		TH_LOG("seq %llu: requested", (unsigned long long)seq);
	EXPECT_EQ(w->align, r->align) TH_LOG("seq %llu: align", (unsigned long long)seq);
	EXPECT_EQ(w->segment, r->segment_id)
		TH_LOG("seq %llu: segment_id", (unsigned long long)seq);
	EXPECT_EQ(w->tag, r->tag) TH_LOG("seq %llu: tag", (unsigned long long)seq);
	EXPECT_EQ(w->stream, r->stream) TH_LOG("seq %llu: stream", (unsigned long long)seq);
	EXPECT_EQ(w->flags, r->flags) TH_LOG("seq %llu: flags", (unsigned long long)seq);
	EXPECT_EQ(w->strategy, r->strategy)
		TH_LOG("seq %llu: strategy", (unsigned long long)seq);
	EXPECT_EQ(w->error, r->error) TH_LOG("seq %llu: error", (unsigned long long)seq);
	EXPECT_EQ((__u32)c->pid, r->pid) TH_LOG("seq %llu: pid", (unsigned long long)seq);
	EXPECT_EQ((__u32)c->tgid, r->tgid) TH_LOG("seq %llu: tgid", (unsigned long long)seq);
	EXPECT_EQ(0, strncmp(c->comm, r->comm, sizeof(r->comm)))
		TH_LOG("seq %llu: comm '%.16s', want '%s'", (unsigned long long)seq,
		       r->comm, c->comm);
	EXPECT_NE(NULL, memchr(r->comm, '\0', sizeof(r->comm)));
	/* NUL-padded: the whole array, not just the string. */
	EXPECT_EQ(0, memcmp(label, r->label, sizeof(label)))
		TH_LOG("seq %llu: label '%.32s', want '%s'", (unsigned long long)seq,
		       r->label, w->label ? w->label : "");
	EXPECT_NE(0ULL, r->ts_ns);
	EXPECT_EQ(stack, r->stack_id != 0)
		TH_LOG("seq %llu: stack_id %u", (unsigned long long)seq, r->stack_id);
}

/* Records [from, head) against @want; timestamps in order. */
static void expect_records(struct __test_metadata *_metadata, int fd, __u64 from,
			   const struct want *want, size_t nr_want, const struct caller *c,
			   bool stack)
{
	struct memsim_trace_record *r;
	size_t n, i;
	__u64 lost = 0;

	ASSERT_EQ(0, ms_trace_all(fd, from, 4096, &r, &n, &lost));
	EXPECT_EQ(0ULL, lost);
	EXPECT_EQ(nr_want, n);
	for (i = 0; i < n && i < nr_want; i++) {
		expect_record(_metadata, &r[i], &want[i], from + i, c, stack);
		if (i)
			EXPECT_LE(r[i - 1].ts_ns, r[i].ts_ns);
	}
	for (; i < n; i++)
		TH_LOG("unexpected record seq %llu op %u addr 0x%llx size %llu",
		       (unsigned long long)r[i].seq, r[i].op,
		       (unsigned long long)r[i].addr, (unsigned long long)r[i].size);
	free(r);
}

/* A labelled allocation. */
static int alloc_l(int fd, __u64 size, __u64 align, __u32 stream, __u32 flags, __u64 tag,
		   const char *label, struct memsim_alloc_arg *out)
{
	struct memsim_alloc_arg a;
	int ret;

	ms_alloc_req(&a, size, stream);
	a.align = align;
	a.flags = flags;
	a.tag = tag;
	a.label_ptr = (uintptr_t)label;
	ret = ms_ioctl(fd, MEMSIM_IOC_ALLOC, &a);
	if (out)
		*out = a;
	return ret;
}

/* A labelled FREE (@flags) or, with @complete, COMPLETE_FREE. */
static int free_l(int fd, __u64 addr, __u32 flags, bool complete, const char *label,
		  struct memsim_free_arg *out)
{
	struct memsim_free_arg f;
	int ret;

	memset(&f, 0, sizeof(f));
	f.addr = addr;
	f.flags = flags;
	f.label_ptr = (uintptr_t)label;
	ret = ms_ioctl(fd, complete ? MEMSIM_IOC_COMPLETE_FREE : MEMSIM_IOC_FREE, &f);
	if (out)
		*out = f;
	return ret;
}

/* The trace's state, all of it, and every record kept: for "unchanged". */
struct trace_state {
	struct memsim_trace_read_arg st;
	struct memsim_trace_record *r;
	size_t n;
};

static void state_take(struct __test_metadata *_metadata, int fd, struct trace_state *s)
{
	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, ms_trace_status(fd, &s->st));
	ASSERT_EQ(0, ms_trace_all(fd, 0, 4096, &s->r, &s->n, NULL));
}

static void state_expect_same(struct __test_metadata *_metadata, int fd,
			      struct trace_state *before, const char *ctx)
{
	struct trace_state after;

	state_take(_metadata, fd, &after);
	EXPECT_EQ(before->st.head, after.st.head) TH_LOG("%s: head", ctx);
	EXPECT_EQ(before->st.dropped, after.st.dropped) TH_LOG("%s: dropped", ctx);
	EXPECT_EQ(before->st.capacity, after.st.capacity) TH_LOG("%s: capacity", ctx);
	EXPECT_EQ(before->st.trace_flags, after.st.trace_flags) TH_LOG("%s: flags", ctx);
	EXPECT_EQ(before->st.max_capacity, after.st.max_capacity) TH_LOG("%s: max", ctx);
	EXPECT_EQ(before->n, after.n) TH_LOG("%s: records kept", ctx);
	if (before->n == after.n)
		EXPECT_EQ(0, memcmp(before->r, after.r, after.n * sizeof(*after.r)))
			TH_LOG("%s: records changed", ctx);
	free(after.r);
}

/* One STRATEGY record per call among the fit strategies: a record source. */
static void make_records(struct __test_metadata *_metadata, int fd, unsigned int n)
{
	unsigned int i;

	for (i = 0; i < n; i++)
		ASSERT_EQ(0, ms_set_strategy(fd, i % 2 ? MEMSIM_STRATEGY_BEST_FIT :
					     MEMSIM_STRATEGY_FIRST_FIT, 0));
}

TEST_F(trace, off_at_open)
{
	struct memsim_trace_read_arg st;
	struct memsim_trace_record r;

	memset(&r, 0x5a, sizeof(r));
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, &r, 1, &st));
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(0U, st.capacity);
	EXPECT_EQ(0U, st.trace_flags);
	EXPECT_EQ(0ULL, st.head);
	EXPECT_EQ(0ULL, st.lost);
	EXPECT_EQ(0ULL, st.dropped);
	EXPECT_EQ(0ULL, st.cursor);
	EXPECT_LE(1U, st.max_capacity);
	EXPECT_GE(1U << 20, st.max_capacity);
	EXPECT_EQ(0ULL, st.reserved[0] | st.reserved[1]);
	/* Operations while off leave nothing. */
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x1000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 64, 0, 0, NULL));
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, &r, 1, &st));
	EXPECT_EQ(0ULL, st.head);
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(0ULL, st.dropped);
}

TEST_F(trace, ctl_rejects)
{
	struct memsim_trace_read_arg st;
	struct trace_state s;
	struct memsim_trace_ctl_arg a;
	unsigned int bit, round;
	__u32 max;

	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	max = st.max_capacity;

	/* Once with tracing off, once on with records in the ring. */
	for (round = 0; round < 2; round++) {
		if (round) {
			ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
			make_records(_metadata, self->fd, 3);
		}
		state_take(_metadata, self->fd, &s);

		for (bit = 2; bit < 32; bit++) {
			EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 16, MEMSIM_TRACE_ON | 1U << bit))
				TH_LOG("flag bit %u", bit);
			EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0, 1U << bit))
				TH_LOG("flag bit %u alone", bit);
		}
		state_expect_same(_metadata, self->fd, &s, "unknown flags");
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 16, MEMSIM_TRACE_STACK));
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0, MEMSIM_TRACE_STACK));
		state_expect_same(_metadata, self->fd, &s, "STACK without ON");
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0, MEMSIM_TRACE_ON));
		if (self->info.features & MEMSIM_FEATURE_TRACE_STACK)
			EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0,
							MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK));
		state_expect_same(_metadata, self->fd, &s, "capacity 0 with ON");
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, max + 1, MEMSIM_TRACE_ON));
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0xffffffffU, MEMSIM_TRACE_ON));
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 1U << 31, MEMSIM_TRACE_ON));
		state_expect_same(_metadata, self->fd, &s, "capacity over the maximum");
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 1, 0));
		EXPECT_EQ(-EINVAL, ms_trace_ctl(self->fd, 0xffffffffU, 0));
		state_expect_same(_metadata, self->fd, &s, "capacity without ON");

		memset(&a, 0, sizeof(a));
		a.capacity = 16;
		a.flags = MEMSIM_TRACE_ON;
		a.reserved[0] = 1;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_CTL, &a));
		a.reserved[0] = 0;
		a.reserved[1] = 1ULL << 63;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_CTL, &a));
		memset(&a, 0, sizeof(a));
		a.reserved[1] = 1;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_CTL, &a));
		state_expect_same(_metadata, self->fd, &s, "reserved");

		EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_CTL, NULL));
		state_expect_same(_metadata, self->fd, &s, "NULL argument");

		if (!(self->info.features & MEMSIM_FEATURE_TRACE_STACK)) {
			EXPECT_EQ(-EOPNOTSUPP, ms_trace_ctl(self->fd, 16,
							    MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK));
			state_expect_same(_metadata, self->fd, &s, "STACK unsupported");
		}
		free(s.r);
	}
}

TEST_F(trace, ctl_accepts_bounds)
{
	struct memsim_trace_read_arg st;

	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	/* The largest ring, then the smallest. */
	ASSERT_EQ(0, ms_trace_ctl(self->fd, st.max_capacity, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	EXPECT_EQ(st.max_capacity, st.capacity);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ON, st.trace_flags);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 1, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	EXPECT_EQ(1U, st.capacity);
	make_records(_metadata, self->fd, 3);
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	EXPECT_EQ(3ULL, st.head);
	EXPECT_EQ(2ULL, st.dropped);
	if (self->info.features & MEMSIM_FEATURE_TRACE_STACK) {
		ASSERT_EQ(0, ms_trace_ctl(self->fd, 4, MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK));
		ASSERT_EQ(0, ms_trace_status(self->fd, &st));
		EXPECT_EQ((__u32)(MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK), st.trace_flags);
		EXPECT_EQ(4U, st.capacity);
	}
	/* Off, twice: stopping a stopped trace is fine. */
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 0, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 0, 0));
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	EXPECT_EQ(0U, st.capacity);
	EXPECT_EQ(0U, st.trace_flags);
	EXPECT_EQ(3ULL, st.head);
}

TEST_F(trace, read_rejects)
{
	struct memsim_trace_record *buf = calloc(4097, sizeof(*buf));
	struct memsim_trace_read_arg a, st;
	void *none = ms_prot_none_page();
	struct trace_state s;
	char *ro;

	ASSERT_NE(NULL, buf);
	ASSERT_NE(NULL, none);
	ro = mmap(NULL, getpagesize(), PROT_READ, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 16, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 5);
	state_take(_metadata, self->fd, &s);
	ASSERT_EQ(5ULL, s.st.head);

	EXPECT_EQ(-EINVAL, ms_trace_read(self->fd, 0, buf, 4097, NULL));
	EXPECT_EQ(-EINVAL, ms_trace_read(self->fd, 0, buf, 0xffffffffU, NULL));
	EXPECT_EQ(-EINVAL, ms_trace_read(self->fd, 6, buf, 4, NULL));
	EXPECT_EQ(-EINVAL, ms_trace_read(self->fd, 6, NULL, 0, NULL));
	EXPECT_EQ(-EINVAL, ms_trace_read(self->fd, ~0ULL, buf, 4, NULL));
	memset(&a, 0, sizeof(a));
	a.buf_ptr = (uintptr_t)buf;
	a.buf_cap = 4;
	a.flags = 1;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_READ, &a));
	a.flags = 1U << 31;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_READ, &a));
	a.flags = 0;
	a.reserved[0] = 1;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_READ, &a));
	a.reserved[0] = 0;
	a.reserved[1] = 1;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_READ, &a));
	state_expect_same(_metadata, self->fd, &s, "invalid reads");

	/* Records to copy, nowhere to put them. */
	EXPECT_EQ(-EFAULT, ms_trace_read(self->fd, 0, NULL, 4, NULL));
	EXPECT_EQ(-EFAULT, ms_trace_read(self->fd, 0, none, 4, NULL));
	EXPECT_EQ(-EFAULT, ms_trace_read(self->fd, 0, (void *)ro, 4, NULL));
	EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_TRACE_READ, NULL));
	state_expect_same(_metadata, self->fd, &s, "unwritable buffers");

	/* The limits themselves are fine. */
	EXPECT_EQ(0, ms_trace_read(self->fd, 0, buf, 4096, &st));
	EXPECT_EQ(5U, st.nr);
	EXPECT_EQ(5ULL, st.cursor);
	EXPECT_EQ(0, ms_trace_read(self->fd, 5, buf, 4, &st));
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(5ULL, st.cursor);
	EXPECT_EQ(0ULL, st.lost);
	/* buf_cap 0: the state only, the cursor kept. */
	EXPECT_EQ(0, ms_trace_read(self->fd, 2, NULL, 0, &st));
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(2ULL, st.cursor);
	EXPECT_EQ(0ULL, st.lost);
	EXPECT_EQ(5ULL, st.head);
	EXPECT_EQ(16U, st.capacity);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ON, st.trace_flags);
	state_expect_same(_metadata, self->fd, &s, "valid reads");
	free(s.r);
	free(buf);
	munmap(none, getpagesize());
	munmap(ro, getpagesize());
}

#define W(...)	((struct want){ __VA_ARGS__ })
#define FIRST	MEMSIM_STRATEGY_FIRST_FIT
#define BEST	MEMSIM_STRATEGY_BEST_FIT
#define BUDDY	MEMSIM_STRATEGY_BUDDY

/*
 * The scripted sequence.  Segment 1 is [0x100000, +64 KiB) on stream 0,
 * segment 2 [0x400000, +4 KiB) on stream 1.
 */
TEST_F(trace, record_sequence)
{
	struct want w[64];
	struct memsim_alloc_arg r;
	struct memsim_free_arg f;
	struct caller me;
	unsigned int n = 0;
	__u64 done;

	caller_self(&me);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));

	ASSERT_EQ(1, ms_create(self->fd, 0x100000, 0x10000, 0));
	w[n++] = W(.op = MEMSIM_TRACE_SEGMENT_CREATE, .addr = 0x100000, .size = 0x10000,
		   .segment = 1, .stream = 0);
	ASSERT_EQ(2, ms_create(self->fd, 0x400000, 0x1000, 1));
	w[n++] = W(.op = MEMSIM_TRACE_SEGMENT_CREATE, .addr = 0x400000, .size = 0x1000,
		   .segment = 2, .stream = 1);

	/* First fit at the start: the tail splits off. */
	ASSERT_EQ(0, alloc_l(self->fd, 100, 0, 0, 0, 0xa1, "A1", &r));
	ASSERT_EQ(0x100000ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_SPLIT, .addr = 0x100064, .size = 0xff9c,
		   .segment = 1, .label = "A1");
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x100000, .size = 100, .requested = 100,
		   .segment = 1, .tag = 0xa1, .label = "A1");

	/* Aligned: the padding before, then the tail. */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0x1000, 0, 0, 0xa2, "A2", &r));
	ASSERT_EQ(0x101000ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_SPLIT, .addr = 0x100064, .size = 0xf9c,
		   .segment = 1, .label = "A2");
	w[n++] = W(.op = MEMSIM_TRACE_SPLIT, .addr = 0x101100, .size = 0xef00,
		   .segment = 1, .label = "A2");
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x101000, .size = 0x100,
		   .requested = 0x100, .align = 0x1000, .segment = 1, .tag = 0xa2,
		   .label = "A2");

	/* Top down on stream 1: only a split before. */
	ASSERT_EQ(0, alloc_l(self->fd, 0x200, 0, 1, MEMSIM_ALLOC_TOPDOWN, 0xa3, "A3", &r));
	ASSERT_EQ(0x400e00ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_SPLIT, .addr = 0x400000, .size = 0xe00,
		   .segment = 2, .stream = 1, .label = "A3");
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x400e00, .size = 0x200,
		   .requested = 0x200, .segment = 2, .stream = 1, .tag = 0xa3,
		   .flags = MEMSIM_ALLOC_TOPDOWN, .label = "A3");

	/* No room anywhere. */
	ASSERT_EQ(-ENOSPC, alloc_l(self->fd, 0x100000, 0x10, MS_ANY, MEMSIM_ALLOC_TOPDOWN,
				   0, "F", NULL));
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC_FAIL, .requested = 0x100000, .align = 0x10,
		   .stream = MS_ANY, .flags = MEMSIM_ALLOC_TOPDOWN | MEMSIM_TRACE_ANY_STREAM,
		   .error = -ENOSPC,
		   .label = "F");

	/* Immediate free: merges with the padding after it. */
	ASSERT_EQ(0, free_l(self->fd, 0x100000, 0, false, "F1", &f));
	ASSERT_EQ(1U, f.coalesced);
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x100000, .size = 100,
		   .requested = 100, .segment = 1, .tag = 0xa1, .label = "F1");
	w[n++] = W(.op = MEMSIM_TRACE_COALESCE, .addr = 0x100000, .size = 0x1000,
		   .segment = 1, .label = "F1");

	/* Deferred, then completed: merges on both sides. */
	ASSERT_EQ(0, free_l(self->fd, 0x101000, MEMSIM_FREE_DEFER, false, "D2", NULL));
	w[n++] = W(.op = MEMSIM_TRACE_FREE_REQUEST, .addr = 0x101000, .size = 0x100,
		   .requested = 0x100, .segment = 1, .tag = 0xa2,
		   .flags = MEMSIM_FREE_DEFER, .label = "D2");
	ASSERT_EQ(0, free_l(self->fd, 0x101000, 0, true, "C2", &f));
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x101000, .size = 0x100,
		   .requested = 0x100, .segment = 1, .tag = 0xa2,
		   .flags = MEMSIM_FREE_DEFER, .label = "C2");
	w[n++] = W(.op = MEMSIM_TRACE_COALESCE, .addr = 0x100000, .size = 0x10000,
		   .segment = 1, .label = "C2");

	/* Deferred, completed by SYNC_STREAM (no label), then the release. */
	ASSERT_EQ(0, free_l(self->fd, 0x400e00, MEMSIM_FREE_DEFER, false, "D3", NULL));
	w[n++] = W(.op = MEMSIM_TRACE_FREE_REQUEST, .addr = 0x400e00, .size = 0x200,
		   .requested = 0x200, .segment = 2, .stream = 1, .tag = 0xa3,
		   .flags = MEMSIM_FREE_DEFER, .label = "D3");
	ASSERT_EQ(0, ms_sync(self->fd, 1, &done));
	ASSERT_EQ(1ULL, done);
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x400e00, .size = 0x200,
		   .requested = 0x200, .segment = 2, .stream = 1, .tag = 0xa3,
		   .flags = MEMSIM_FREE_DEFER);
	w[n++] = W(.op = MEMSIM_TRACE_COALESCE, .addr = 0x400000, .size = 0x1000,
		   .segment = 2, .stream = 1);
	ASSERT_EQ(0, ms_release(self->fd, 2));
	w[n++] = W(.op = MEMSIM_TRACE_SEGMENT_RELEASE, .addr = 0x400000, .size = 0x1000,
		   .segment = 2, .stream = 1);

	/* Strategy switches name the new strategy. */
	ASSERT_EQ(0, ms_set_strategy(self->fd, BEST, 0));
	w[n++] = W(.op = MEMSIM_TRACE_STRATEGY, .strategy = BEST, .any_size = true);
	ASSERT_EQ(0, ms_set_strategy(self->fd, BUDDY, 0));
	w[n++] = W(.op = MEMSIM_TRACE_STRATEGY, .strategy = BUDDY, .any_size = true);

	/* 1000 bytes: 64 KiB halved six times down to 1 KiB. */
	ASSERT_EQ(0, alloc_l(self->fd, 1000, 0, 0, 0, 0xb1, "B1", &r));
	ASSERT_EQ(0x100000ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x108000, .size = 0x8000,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x104000, .size = 0x4000,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x102000, .size = 0x2000,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x101000, .size = 0x1000,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x100800, .size = 0x800,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x100400, .size = 0x400,
		   .segment = 1, .strategy = BUDDY, .label = "B1");
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x100000, .size = 0x400,
		   .requested = 1000, .segment = 1, .tag = 0xb1, .strategy = BUDDY,
		   .label = "B1");
	/* Its buddy: no split. */
	ASSERT_EQ(0, alloc_l(self->fd, 1000, 0, 0, 0, 0xb2, NULL, &r));
	ASSERT_EQ(0x100400ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x100400, .size = 0x400,
		   .requested = 1000, .segment = 1, .tag = 0xb2, .strategy = BUDDY);
	/* The first back: its buddy is allocated, no merge. */
	ASSERT_EQ(0, free_l(self->fd, 0x100000, 0, false, "FB1", &f));
	ASSERT_EQ(0U, f.coalesced);
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x100000, .size = 0x400,
		   .requested = 1000, .segment = 1, .tag = 0xb1, .strategy = BUDDY,
		   .label = "FB1");
	/* The second: one record for the final merged block. */
	ASSERT_EQ(0, free_l(self->fd, 0x100400, 0, false, "FB2", &f));
	ASSERT_EQ(1U, f.coalesced);
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x100400, .size = 0x400,
		   .requested = 1000, .segment = 1, .tag = 0xb2, .strategy = BUDDY,
		   .label = "FB2");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_MERGE, .addr = 0x100000, .size = 0x10000,
		   .segment = 1, .strategy = BUDDY, .label = "FB2");

	/* Reset keeping the segments frees what is live; then a full reset. */
	ASSERT_EQ(0, alloc_l(self->fd, 0x2000, 0, 0, 0, 0xb3, "B3", &r));
	ASSERT_EQ(0x100000ULL, r.addr);
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x108000, .size = 0x8000,
		   .segment = 1, .strategy = BUDDY, .label = "B3");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x104000, .size = 0x4000,
		   .segment = 1, .strategy = BUDDY, .label = "B3");
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_SPLIT, .addr = 0x102000, .size = 0x2000,
		   .segment = 1, .strategy = BUDDY, .label = "B3");
	w[n++] = W(.op = MEMSIM_TRACE_ALLOC, .addr = 0x100000, .size = 0x2000,
		   .requested = 0x2000, .segment = 1, .tag = 0xb3, .strategy = BUDDY,
		   .label = "B3");
	ASSERT_EQ(0, ms_reset(self->fd, MEMSIM_RESET_KEEP_SEGMENTS));
	w[n++] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = 0x100000, .size = 0x2000,
		   .requested = 0x2000, .segment = 1, .tag = 0xb3, .strategy = BUDDY);
	w[n++] = W(.op = MEMSIM_TRACE_BUDDY_MERGE, .addr = 0x100000, .size = 0x10000,
		   .segment = 1, .strategy = BUDDY);
	w[n++] = W(.op = MEMSIM_TRACE_RESET, .flags = MEMSIM_RESET_KEEP_SEGMENTS,
		   .strategy = BUDDY);
	/* Back to the state after open(): first fit in force. */
	ASSERT_EQ(0, ms_reset(self->fd, 0));
	w[n++] = W(.op = MEMSIM_TRACE_RESET, .strategy = FIRST);
	ASSERT_GE(ARRAY_SIZE(w), n);

	expect_records(_metadata, self->fd, 0, w, n, &me, false);
}

/* Calls that fail (except -ENOSPC) or change nothing record nothing. */
/*
 * What a replay needs from the records: whether the request named any
 * stream (the record's stream is then the block's), and the fixed address
 * of a fixed request that failed.
 */
TEST_F(trace, request_stream_and_failed_fixed_address)
{
	struct memsim_trace_record *r;
	struct memsim_alloc_arg a;
	__u64 lost;
	size_t nr;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 16, MEMSIM_TRACE_ON));
	ASSERT_EQ(1, ms_create(self->fd, 0x200000, 0x1000, 3));
	ASSERT_EQ(0, alloc_l(self->fd, 0x1000, 0, MS_ANY, 0, 0, NULL, NULL));
	ASSERT_EQ(-ENOSPC, alloc_l(self->fd, 0x100, 0, 3, 0, 0, NULL, NULL));
	ms_alloc_req(&a, 0x100, 3);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = 0x200800;
	ASSERT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));

	ASSERT_EQ(0, ms_trace_all(self->fd, 0, 16, &r, &nr, &lost));
	ASSERT_EQ(4U, nr);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ALLOC, r[1].op);
	EXPECT_EQ(3U, r[1].stream);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ANY_STREAM, r[1].flags);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ALLOC_FAIL, r[2].op);
	EXPECT_EQ(3U, r[2].stream);
	EXPECT_EQ(0U, r[2].flags);
	EXPECT_EQ(0ULL, r[2].addr);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ALLOC_FAIL, r[3].op);
	EXPECT_EQ((__u32)MEMSIM_ALLOC_FIXED, r[3].flags);
	EXPECT_EQ(0x200800ULL, r[3].addr);
	free(r);
}

TEST_F(trace, no_record_without_change)
{
	struct memsim_trace_read_arg st;
	struct memsim_alloc_arg a;
	struct trace_state s;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 1, NULL));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));
	state_take(_metadata, self->fd, &s);

	ms_alloc_req(&a, 0x100, 0);
	a.label_ptr = (uintptr_t)"dry run";
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	ms_alloc_req(&a, 0x1000000, 0);
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	ms_alloc_req(&a, 0, 0);
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	ms_alloc_req(&a, 0x100, 0);
	a.align = 3;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(-ENOENT, ms_free(self->fd, MS_SEG0 + 0x1000, 0, 0, NULL));
	EXPECT_EQ(-EINVAL, ms_complete(self->fd, MS_SEG0, NULL));
	EXPECT_EQ(-EEXIST, ms_create(self->fd, MS_SEG0, 0x1000, 0));
	EXPECT_EQ(-EBUSY, ms_release(self->fd, 1));
	EXPECT_EQ(-ENOENT, ms_release(self->fd, 9));
	EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, BUDDY, 0));
	EXPECT_EQ(0, ms_trace_status(self->fd, &st));
	state_expect_same(_metadata, self->fd, &s, "calls that change nothing");
	free(s.r);
}

/* BATCH operations are recorded like the calls they stand for. */
TEST_F(trace, batch_records)
{
	struct memsim_batch_op ops[2];
	struct memsim_batch_arg ba;
	struct caller me;
	struct want w[4];

	caller_self(&me);
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));
	memset(ops, 0, sizeof(ops));
	ops[0].op = MEMSIM_BATCH_ALLOC;
	ops[0].size = 0x100;
	ops[0].tag = 0x77;
	ops[1].op = MEMSIM_BATCH_FREE;
	ops[1].addr = MS_SEG0;
	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = 2;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	ASSERT_EQ(2U, ba.done);
	ASSERT_EQ(0U, ba.failed);
	w[0] = W(.op = MEMSIM_TRACE_SPLIT, .addr = MS_SEG0 + 0x100, .size = 0xff00,
		 .segment = 1);
	w[1] = W(.op = MEMSIM_TRACE_ALLOC, .addr = MS_SEG0, .size = 0x100,
		 .requested = 0x100, .segment = 1, .tag = 0x77);
	w[2] = W(.op = MEMSIM_TRACE_FREE_COMPLETE, .addr = MS_SEG0, .size = 0x100,
		 .requested = 0x100, .segment = 1, .tag = 0x77);
	w[3] = W(.op = MEMSIM_TRACE_COALESCE, .addr = MS_SEG0, .size = 0x10000,
		 .segment = 1);
	expect_records(_metadata, self->fd, 0, w, 4, &me, false);
}

/* The thread that made the call, and its process. */
struct id_thread {
	int fd;
	int ret;
	pid_t tid;
};

static void *id_thread_fn(void *arg)
{
	struct id_thread *t = arg;

	prctl(PR_SET_NAME, "ms-trace-thr");
	t->tid = ms_gettid();
	t->ret = alloc_l(t->fd, 0x40, 0, 0, 0, 0x7, "thread", NULL);
	return NULL;
}

TEST_F(trace, caller_identity)
{
	struct memsim_trace_record r[8];
	struct memsim_trace_read_arg st;
	struct id_thread t = { .fd = self->fd };
	struct caller me;
	pthread_t th;
	pid_t child;
	int status;

	caller_self(&me);
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));

	ASSERT_EQ(0, pthread_create(&th, NULL, id_thread_fn, &t));
	ASSERT_EQ(0, pthread_join(th, NULL));
	ASSERT_EQ(0, t.ret);
	ASSERT_NE(me.pid, t.tid);

	child = fork();
	ASSERT_LE(0, child);
	if (!child) {
		prctl(PR_SET_NAME, "ms-trace-child");
		_exit(alloc_l(self->fd, 0x40, 0, 0, 0, 0x8, "child", NULL) ? 1 : 0);
	}
	ASSERT_EQ(child, waitpid(child, &status, 0));
	ASSERT_TRUE(WIFEXITED(status) && WEXITSTATUS(status) == 0);

	/* SPLIT + ALLOC from the thread, SPLIT + ALLOC from the child. */
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 8, &st));
	ASSERT_EQ(4U, st.nr);
	EXPECT_EQ((__u32)t.tid, r[0].pid);
	EXPECT_EQ((__u32)t.tid, r[1].pid);
	EXPECT_EQ((__u32)me.tgid, r[0].tgid);
	EXPECT_EQ((__u32)me.tgid, r[1].tgid);
	EXPECT_STREQ("ms-trace-thr", r[1].comm);
	EXPECT_STREQ("thread", r[0].label);
	EXPECT_STREQ("thread", r[1].label);
	EXPECT_EQ((__u32)child, r[2].pid);
	EXPECT_EQ((__u32)child, r[3].pid);
	EXPECT_EQ((__u32)child, r[2].tgid);
	EXPECT_EQ((__u32)child, r[3].tgid);
	EXPECT_STREQ("ms-trace-child", r[3].comm);
	EXPECT_STREQ("child", r[3].label);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ALLOC, r[3].op);
	EXPECT_EQ(0x8ULL, r[3].tag);
}

/* Many small reads, cursor to cursor, see exactly what one large read sees. */
TEST_F(trace, cursor_small_reads)
{
	static const __u32 caps[] = { 1, 3, 2, 5, 1, 7, 4096 };
	struct memsim_trace_record *all, *pieces, big[64];
	struct memsim_trace_read_arg st;
	size_t nall, got = 0;
	unsigned int i = 0, reads = 0;
	__u64 cursor = 0;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));
	for (i = 0; i < 10; i++)
		ASSERT_EQ(0, alloc_l(self->fd, 0x10 + i, 0, 0, 0, i, "small reads", NULL));
	make_records(_metadata, self->fd, 7);

	ASSERT_EQ(0, ms_trace_all(self->fd, 0, 4096, &all, &nall, NULL));
	ASSERT_EQ(27U, nall);	/* 10 x (SPLIT, ALLOC), 7 STRATEGY */
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, big, 64, &st));
	ASSERT_EQ(27U, st.nr);
	EXPECT_EQ(0, memcmp(all, big, 27 * sizeof(*big)));
	EXPECT_EQ(27ULL, st.cursor);
	EXPECT_EQ(27ULL, st.head);

	pieces = calloc(nall, sizeof(*pieces));
	ASSERT_NE(NULL, pieces);
	for (i = 0; cursor < st.head; i++) {
		__u32 cap = caps[i % ARRAY_SIZE(caps)];
		struct memsim_trace_read_arg a;

		if (cap > nall - got)
			cap = nall - got;
		ASSERT_EQ(0, ms_trace_read(self->fd, cursor, pieces + got, cap, &a));
		EXPECT_EQ(0ULL, a.lost);
		ASSERT_EQ(cap, a.nr);
		EXPECT_EQ(cursor + a.nr, a.cursor);
		got += a.nr;
		cursor = a.cursor;
		reads++;
		ASSERT_GT(100U, reads);
	}
	EXPECT_EQ(nall, got);
	EXPECT_EQ(0, memcmp(all, pieces, nall * sizeof(*all)));
	for (i = 0; i < nall; i++)
		EXPECT_EQ((__u64)i, all[i].seq);
	/* Reading does not consume: again from the middle. */
	ASSERT_EQ(0, ms_trace_read(self->fd, 20, big, 64, &st));
	EXPECT_EQ(7U, st.nr);
	EXPECT_EQ(0, memcmp(all + 20, big, 7 * sizeof(*big)));
	free(all);
	free(pieces);
}

/* A full ring overwrites its oldest records. */
TEST_F(trace, wrap)
{
	struct memsim_trace_record r[16];
	struct memsim_trace_read_arg st;
	unsigned int i;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 4, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 10);
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 16, &st));
	EXPECT_EQ(6ULL, st.lost);
	EXPECT_EQ(4U, st.nr);
	EXPECT_EQ(10ULL, st.head);
	EXPECT_EQ(6ULL, st.dropped);
	EXPECT_EQ(10ULL, st.cursor);
	EXPECT_EQ(4U, st.capacity);
	for (i = 0; i < 4 && i < st.nr; i++) {
		EXPECT_EQ(6ULL + i, r[i].seq);
		EXPECT_EQ((__u32)MEMSIM_TRACE_STRATEGY, r[i].op);
		/* Calls 6..9 alternate first, best. */
		EXPECT_EQ(i % 2 ? (__u32)BEST : (__u32)FIRST, r[i].strategy);
	}
	/* From inside the lost part, and from inside the ring. */
	ASSERT_EQ(0, ms_trace_read(self->fd, 3, r, 2, &st));
	EXPECT_EQ(3ULL, st.lost);
	EXPECT_EQ(2U, st.nr);
	EXPECT_EQ(6ULL, r[0].seq);
	EXPECT_EQ(8ULL, st.cursor);
	ASSERT_EQ(0, ms_trace_read(self->fd, 8, r, 16, &st));
	EXPECT_EQ(0ULL, st.lost);
	EXPECT_EQ(2U, st.nr);
	EXPECT_EQ(8ULL, r[0].seq);
	/* buf_cap 0 from a lost cursor: moves it to the oldest. */
	ASSERT_EQ(0, ms_trace_read(self->fd, 1, NULL, 0, &st));
	EXPECT_EQ(5ULL, st.lost);
	EXPECT_EQ(6ULL, st.cursor);
	EXPECT_EQ(0U, st.nr);
}

/* Re-enabling discards what the old ring held; seq numbers go on. */
TEST_F(trace, reenable_discards)
{
	struct memsim_trace_record r[16];
	struct memsim_trace_read_arg st;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 4, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 10);
	ASSERT_EQ(0, ms_trace_status(self->fd, &st));
	ASSERT_EQ(6ULL, st.dropped);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 16, &st));
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(10ULL, st.head);
	EXPECT_EQ(10ULL, st.dropped);
	EXPECT_EQ(10ULL, st.lost);
	EXPECT_EQ(10ULL, st.cursor);
	EXPECT_EQ(8U, st.capacity);
	make_records(_metadata, self->fd, 2);
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 16, &st));
	EXPECT_EQ(10ULL, st.lost);
	ASSERT_EQ(2U, st.nr);
	EXPECT_EQ(10ULL, r[0].seq);
	EXPECT_EQ(11ULL, r[1].seq);
	EXPECT_EQ(12ULL, st.head);
	EXPECT_EQ(10ULL, st.dropped);
}

/* Off: nothing recorded, the head stays, the ring's records are gone. */
TEST_F(trace, off_stops_recording)
{
	struct memsim_trace_record r[16];
	struct memsim_trace_read_arg st;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 5);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 0, 0));
	make_records(_metadata, self->fd, 3);
	ASSERT_EQ(0, ms_trace_read(self->fd, 2, r, 16, &st));
	EXPECT_EQ(0U, st.nr);
	EXPECT_EQ(0U, st.capacity);
	EXPECT_EQ(0U, st.trace_flags);
	EXPECT_EQ(5ULL, st.head);
	EXPECT_EQ(3ULL, st.lost);
	EXPECT_EQ(5ULL, st.cursor);
	/* The five records the ring held were discarded with it. */
	EXPECT_EQ(5ULL, st.dropped);
	/* Back on: numbering resumes at the head. */
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 1);
	ASSERT_EQ(0, ms_trace_read(self->fd, 5, r, 16, &st));
	EXPECT_EQ(0ULL, st.lost);
	ASSERT_EQ(1U, st.nr);
	EXPECT_EQ(5ULL, r[0].seq);
}

/* RESET clears the pool, not the trace: seq numbers go on. */
TEST_F(trace, reset_keeps_sequence)
{
	struct memsim_trace_record r[16];
	struct memsim_trace_read_arg st;

	ASSERT_EQ(0, ms_trace_ctl(self->fd, 16, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 3);
	ASSERT_EQ(0, ms_reset(self->fd, 0));
	make_records(_metadata, self->fd, 1);
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 16, &st));
	ASSERT_EQ(5U, st.nr);
	EXPECT_EQ((__u32)MEMSIM_TRACE_RESET, r[3].op);
	EXPECT_EQ(3ULL, r[3].seq);
	EXPECT_EQ(4ULL, r[4].seq);
	EXPECT_EQ((__u32)MEMSIM_TRACE_STRATEGY, r[4].op);
	EXPECT_EQ(16U, st.capacity);
	EXPECT_EQ(0ULL, st.dropped);
}

/* Instances trace independently, each numbering from 0. */
TEST_F(trace, instances_independent)
{
	struct memsim_trace_record r[8];
	struct memsim_trace_read_arg st;
	int fd2 = ms_open();

	ASSERT_LE(0, fd2);
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_trace_ctl(fd2, 8, MEMSIM_TRACE_ON));
	make_records(_metadata, self->fd, 3);
	make_records(_metadata, fd2, 1);
	ASSERT_EQ(0, ms_trace_read(fd2, 0, r, 8, &st));
	EXPECT_EQ(1U, st.nr);
	EXPECT_EQ(0ULL, r[0].seq);
	EXPECT_EQ(1ULL, st.head);
	ASSERT_EQ(0, ms_trace_ctl(fd2, 0, 0));
	make_records(_metadata, self->fd, 1);
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 8, &st));
	EXPECT_EQ(4U, st.nr);
	EXPECT_EQ(4ULL, st.head);
	close(fd2);
	/* Closing the other instance does not disturb this one. */
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 8, &st));
	EXPECT_EQ(4U, st.nr);
}

/* Valid labels: recorded as given, NUL padded. */
TEST_F(trace, labels_accepted)
{
	static const char l31[] = "abcdefghijklmnopqrstuvwxyz01234";
	static const char zero[MEMSIM_LABEL_MAX];
	struct memsim_trace_record r[32];
	struct memsim_trace_read_arg st;
	struct memsim_alloc_arg a;
	long page = getpagesize();
	char *map, *edge;

	ASSERT_EQ(31U, strlen(l31));
	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	/* 31 characters and the NUL end exactly at an inaccessible page. */
	edge = map + page - MEMSIM_LABEL_MAX;
	memcpy(edge, l31, MEMSIM_LABEL_MAX);

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));
	/* A fixed address at the end: a split before it, none after. */
	ms_alloc_req(&a, 0x100, 0);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = MS_SEG0 + 0xff00;
	a.label_ptr = (uintptr_t)l31;
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));	/* seq 0-1 */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 1, edge, NULL));	/* 2-3 */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 2, " ~", NULL));	/* 4-5 */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 3, "", NULL));	/* 6-7 */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 4, NULL, NULL));	/* 8-9 */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 5, "file.c:12 main()", NULL));

	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 32, &st));
	ASSERT_EQ(12U, st.nr);
	EXPECT_EQ((__u32)MEMSIM_TRACE_SPLIT, r[0].op);
	EXPECT_EQ((__u32)MEMSIM_TRACE_ALLOC, r[1].op);
	EXPECT_EQ((__u32)MEMSIM_ALLOC_FIXED, r[1].flags);
	EXPECT_EQ(0, memcmp(r[1].label, l31, MEMSIM_LABEL_MAX));
	EXPECT_EQ(0, memcmp(r[0].label, l31, MEMSIM_LABEL_MAX));
	EXPECT_EQ(0, memcmp(r[3].label, l31, MEMSIM_LABEL_MAX));
	EXPECT_STREQ(" ~", r[5].label);
	EXPECT_STREQ("", r[7].label);
	EXPECT_STREQ("", r[9].label);
	EXPECT_STREQ("file.c:12 main()", r[11].label);
	/* NUL padded after the string. */
	EXPECT_EQ(0, memcmp(r[5].label + 2, zero, MEMSIM_LABEL_MAX - 2));
	EXPECT_EQ(0, memcmp(r[7].label, zero, MEMSIM_LABEL_MAX));
	EXPECT_EQ(0, memcmp(r[9].label, zero, MEMSIM_LABEL_MAX));

	/* FREE and COMPLETE_FREE take labels of their own. */
	ASSERT_EQ(0, free_l(self->fd, MS_SEG0 + 0xff00, MEMSIM_FREE_DEFER, false, l31, NULL));
	ASSERT_EQ(0, free_l(self->fd, MS_SEG0 + 0xff00, 0, true, "done", NULL));
	ASSERT_EQ(0, ms_trace_read(self->fd, 12, r, 32, &st));
	ASSERT_EQ(3U, st.nr);	/* FREE_REQUEST, FREE_COMPLETE, COALESCE */
	EXPECT_EQ(0, memcmp(r[0].label, l31, MEMSIM_LABEL_MAX));
	EXPECT_STREQ("done", r[1].label);
	EXPECT_STREQ("done", r[2].label);
	EXPECT_EQ((__u32)MEMSIM_TRACE_COALESCE, r[2].op);
	munmap(map, 2 * page);
}

/* Invalid labels: the call fails, nothing is allocated, freed or recorded. */
TEST_F(trace, labels_rejected)
{
	long page = getpagesize();
	struct memsim_summary before, after;
	struct trace_state s;
	struct memsim_alloc_arg a;
	char l32[MEMSIM_LABEL_MAX + 8];
	char *map;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	memset(map + page - 8, 'q', 8);
	memset(l32, 'z', sizeof(l32));
	l32[MEMSIM_LABEL_MAX] = '\0';	/* 32 characters, then the NUL */

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 1, NULL));
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0, 0, MEMSIM_FREE_DEFER, NULL));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 2, NULL));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, CAP, MEMSIM_TRACE_ON));
	state_take(_metadata, self->fd, &s);
	ASSERT_EQ(0, ms_summary(self->fd, &before));

	EXPECT_EQ(-ENAMETOOLONG, alloc_l(self->fd, 0x100, 0, 0, 0, 0, l32, NULL));
	EXPECT_EQ(-EINVAL, alloc_l(self->fd, 0x100, 0, 0, 0, 0, "bad\tlabel", NULL));
	EXPECT_EQ(-EINVAL, alloc_l(self->fd, 0x100, 0, 0, 0, 0, "\x7f", NULL));
	EXPECT_EQ(-EINVAL, alloc_l(self->fd, 0x100, 0, 0, 0, 0, "caf\xc3\xa9", NULL));
	EXPECT_EQ(-EFAULT, alloc_l(self->fd, 0x100, 0, 0, 0, 0, map + page, NULL));
	EXPECT_EQ(-EFAULT, alloc_l(self->fd, 0x100, 0, 0, 0, 0, map + page - 8, NULL));
	/* Would fail for lack of space too: the label is checked first, no record. */
	EXPECT_EQ(-EINVAL, alloc_l(self->fd, 0x1000000, 0, 0, 0, 0, "\n", NULL));
	ms_alloc_req(&a, 0x100, 0);
	a.label_ptr = (uintptr_t)l32;
	EXPECT_EQ(-ENAMETOOLONG, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	EXPECT_EQ(-ENAMETOOLONG, free_l(self->fd, MS_SEG0 + 0x100, 0, false, l32, NULL));
	EXPECT_EQ(-EINVAL, free_l(self->fd, MS_SEG0 + 0x100, MEMSIM_FREE_DEFER, false,
				  "\x01", NULL));
	EXPECT_EQ(-EFAULT, free_l(self->fd, MS_SEG0 + 0x100, 0, false, map + page, NULL));
	EXPECT_EQ(-ENAMETOOLONG, free_l(self->fd, MS_SEG0, 0, true, l32, NULL));
	EXPECT_EQ(-EINVAL, free_l(self->fd, MS_SEG0, 0, true, "\x1b[0m", NULL));
	EXPECT_EQ(-EFAULT, free_l(self->fd, MS_SEG0, 0, true, map + page - 8, NULL));

	ASSERT_EQ(0, ms_summary(self->fd, &after));
	EXPECT_EQ(0, memcmp(&before, &after, sizeof(before)));
	state_expect_same(_metadata, self->fd, &s, "invalid labels");
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
	free(s.r);
	munmap(map, 2 * page);
}

/* The label stays with the block: debugfs blocks shows it in its last column. */
TEST_F(trace, label_on_block)
{
	char path[96], *f[16];
	struct ms_lines l;
	unsigned int i, n, seen = 0;

	if (!ms_debugfs_available(&self->info))
		SKIP(return, "debugfs is not mounted");
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 1, "first block", NULL));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 2, NULL, NULL));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 3, "abcdefghijklmnopqrstuvwxyz01234",
			     NULL));
	/* A freed block forgets its label. */
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 4, "gone", NULL));
	ASSERT_EQ(0, free_l(self->fd, MS_SEG0 + 0x300, 0, false, "freeing", NULL));

	ms_debugfs_dir(path, sizeof(path), self->info.instance_id);
	strcat(path, "/blocks");
	ASSERT_EQ(0, ms_read_lines(path, &l));
	ASSERT_LE(1U, l.nr);
	for (i = 1; i < l.nr; i++) {
		n = ms_split_tabs(l.line[i], f, 12);
		ASSERT_EQ(12U, n) TH_LOG("line %u", i);
		if (!strcmp(f[0], "0x100000")) {
			EXPECT_STREQ("first block", f[11]);
			seen++;
		} else if (!strcmp(f[0], "0x100100")) {
			EXPECT_STREQ("-", f[11]);
			seen++;
		} else if (!strcmp(f[0], "0x100200")) {
			EXPECT_STREQ("abcdefghijklmnopqrstuvwxyz01234", f[11]);
			seen++;
		} else if (!strcmp(f[0], "0x100300")) {
			EXPECT_STREQ("free", f[2]);
			EXPECT_STREQ("-", f[11]);
			seen++;
		}
	}
	EXPECT_EQ(4U, seen);
	ms_lines_free(&l);
}

/*
 * The module parameter block_life=N (Documentation/uapi.rst, Limits): an
 * instance opened under it keeps no block's times, owner or label and
 * counts no strategy time; requested sizes and tags are kept.  The
 * parameter is read at open: setting it back does not change the instance.
 */
TEST(blocks_without_life)
{
	struct memsim_block_life life[4];
	struct memsim_list_arg la;
	struct ms_stats *st;
	unsigned int i;
	int fd, pfd;

	pfd = open("/sys/module/memsim/parameters/block_life", O_WRONLY);
	if (pfd < 0)
		SKIP(return, "no writable block_life parameter");
	ASSERT_EQ(1, write(pfd, "N", 1));
	fd = ms_open();
	ASSERT_EQ(1, pwrite(pfd, "Y", 1, 0));
	close(pfd);
	ASSERT_GE(fd, 0);

	ASSERT_EQ(1, ms_create(fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, alloc_l(fd, 0x100, 0, 0, 0, 7, "kept.c:1", NULL));
	ASSERT_EQ(0, alloc_l(fd, 0x80, 0, 0, 0, 8, "deferred.c:2", NULL));
	ASSERT_EQ(0, free_l(fd, MS_SEG0 + 0x100, MEMSIM_FREE_DEFER, false, NULL, NULL));

	memset(life, 0xa5, sizeof(life));
	memset(&la, 0, sizeof(la));
	la.buf_ptr = (uintptr_t)life;
	la.buf_cap = ARRAY_SIZE(life);
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_GET_BLOCKS_LIFE, &la));
	ASSERT_EQ(3U, la.nr);
	for (i = 0; i < la.nr; i++) {
		EXPECT_EQ(0ULL, life[i].create_ns) TH_LOG("block %u", i);
		EXPECT_EQ(0ULL, life[i].block.alloc_ns) TH_LOG("block %u", i);
		EXPECT_EQ(0ULL, life[i].block.free_ns) TH_LOG("block %u", i);
		EXPECT_EQ(0U, life[i].owner_tgid) TH_LOG("block %u", i);
		EXPECT_STREQ("", life[i].label);
	}
	EXPECT_EQ(0x100ULL, life[0].block.requested);
	EXPECT_EQ(7ULL, life[0].block.tag);
	EXPECT_EQ((__u32)MEMSIM_STATE_FREE_REQUESTED, life[1].block.state);
	EXPECT_EQ(8ULL, life[1].block.tag);

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, ms_stats(_metadata, fd, 4, st));
	EXPECT_EQ(2ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].allocs);
	EXPECT_EQ(0ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].alloc_ns);
	EXPECT_EQ(0ULL, st->arg.strategies[MEMSIM_STRATEGY_FIRST_FIT].free_ns);
	free(st);
	close(fd);

	/* Opened under the default again: lives are back. */
	fd = ms_open();
	ASSERT_GE(fd, 0);
	ASSERT_EQ(1, ms_create(fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, alloc_l(fd, 0x100, 0, 0, 0, 7, "kept.c:1", NULL));
	memset(&la, 0, sizeof(la));
	la.buf_ptr = (uintptr_t)life;
	la.buf_cap = ARRAY_SIZE(life);
	ASSERT_EQ(0, ms_ioctl(fd, MEMSIM_IOC_GET_BLOCKS_LIFE, &la));
	EXPECT_NE(0ULL, life[0].create_ns);
	EXPECT_NE(0ULL, life[0].block.alloc_ns);
	EXPECT_STREQ("kept.c:1", life[0].label);
	close(fd);
}

/*
 * GET_BLOCKS_LIFE: what GET_BLOCKS gives, plus the block's life; paged one
 * entry at a time it lists the same blocks.
 */
TEST_F(trace, blocks_life)
{
	struct memsim_block_life life[8], one;
	struct memsim_block_info info[8];
	struct memsim_list_arg la;
	unsigned int i, n;

	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 1, "kept.c:1", NULL));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 2, NULL, NULL));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 3, "deferred.c:3", NULL));
	ASSERT_EQ(0, alloc_l(self->fd, 0x100, 0, 0, 0, 4, "gone.c:4", NULL));
	ASSERT_EQ(0, free_l(self->fd, MS_SEG0 + 0x200, MEMSIM_FREE_DEFER, false, NULL, NULL));
	ASSERT_EQ(0, free_l(self->fd, MS_SEG0 + 0x300, 0, false, NULL, NULL));

	memset(&la, 0, sizeof(la));
	la.buf_ptr = (uintptr_t)info;
	la.buf_cap = ARRAY_SIZE(info);
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_BLOCKS, &la));
	n = la.nr;
	ASSERT_EQ(4U, n);	/* three live blocks and the free rest */
	memset(life, 0xa5, sizeof(life));
	memset(&la, 0, sizeof(la));
	la.buf_ptr = (uintptr_t)life;
	la.buf_cap = ARRAY_SIZE(life);
	ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_BLOCKS_LIFE, &la));
	ASSERT_EQ(n, la.nr);
	EXPECT_EQ(0U, la.more);
	for (i = 0; i < n; i++) {
		EXPECT_EQ(0, memcmp(&info[i], &life[i].block, sizeof(info[i])))
			TH_LOG("block %u differs from GET_BLOCKS", i);
		EXPECT_NE(0ULL, life[i].create_ns);
		EXPECT_EQ(0U, life[i].pad);
		if (life[i].block.state != MEMSIM_STATE_FREE) {
			EXPECT_EQ((__u32)getpid(), life[i].owner_tgid);
			EXPECT_LE(life[i].create_ns, life[i].block.alloc_ns) TH_LOG("block %u", i);
		} else {
			EXPECT_EQ(0U, life[i].owner_tgid);
		}
	}
	EXPECT_STREQ("kept.c:1", life[0].label);
	EXPECT_STREQ("", life[1].label);
	EXPECT_STREQ("deferred.c:3", life[2].label);
	EXPECT_EQ((__u32)MEMSIM_STATE_FREE_REQUESTED, life[2].block.state);
	EXPECT_NE(0ULL, life[2].block.free_ns);
	/* The freed block merged with the free tail: no owner, no label. */
	EXPECT_EQ((__u32)MEMSIM_STATE_FREE, life[3].block.state);
	EXPECT_EQ(MS_SEG0 + 0x300, life[3].block.addr);
	EXPECT_STREQ("", life[3].label);
	for (i = 0; i < sizeof(life[3].label); i++)
		EXPECT_EQ(0, life[3].label[i]) TH_LOG("label byte %u not NUL", i);

	/* One at a time, by cursor: the same entries. */
	memset(&la, 0, sizeof(la));
	for (i = 0; i < n; i++) {
		la.buf_ptr = (uintptr_t)&one;
		la.buf_cap = 1;
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_BLOCKS_LIFE, &la));
		ASSERT_EQ(1U, la.nr);
		EXPECT_EQ(0, memcmp(&one, &life[i], sizeof(one))) TH_LOG("entry %u", i);
		EXPECT_EQ((__u32)(i + 1 < n), la.more);
	}
}

/* With MEMSIM_TRACE_STACK every record carries a stack. */
TEST_F(trace, stack_ids)
{
	struct memsim_trace_record r[8];
	struct memsim_trace_read_arg st;
	unsigned int i;

	if (!(self->info.features & MEMSIM_FEATURE_TRACE_STACK))
		SKIP(return, "no stackdepot: MEMSIM_FEATURE_TRACE_STACK unset");
	ASSERT_EQ(1, ms_create(self->fd, MS_SEG0, 0x10000, 0));
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 1, NULL));
	ASSERT_EQ(0, ms_free(self->fd, MS_SEG0, 0, 0, NULL));
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 8, &st));
	ASSERT_EQ(4U, st.nr);
	EXPECT_EQ((__u32)(MEMSIM_TRACE_ON | MEMSIM_TRACE_STACK), st.trace_flags);
	for (i = 0; i < st.nr; i++)
		EXPECT_NE(0U, r[i].stack_id) TH_LOG("record %u", i);

	/* Without the flag: none. */
	ASSERT_EQ(0, ms_trace_ctl(self->fd, 8, MEMSIM_TRACE_ON));
	ASSERT_EQ(0, ms_alloc(self->fd, 0x100, 0, 1, NULL));
	ASSERT_EQ(0, ms_trace_read(self->fd, 0, r, 8, &st));
	ASSERT_EQ(2U, st.nr);
	EXPECT_EQ(0U, r[0].stack_id);
	EXPECT_EQ(0U, r[1].stack_id);
}

TEST_HARNESS_MAIN
