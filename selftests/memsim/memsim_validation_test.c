// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: every validation rule of the /dev/memsim ioctls
 *
 * Copyright (C) 2026 The memsim authors
 *
 * One test per rule of include/uapi/linux/memsim.h, run under each of the
 * five strategies.  The fixture builds a small instance with live blocks
 * and a deferred free, then every test feeds otherwise valid requests with
 * exactly one thing wrong and checks three things: the errno, that a
 * rejected argument was not written back, and - through a snapshot of
 * everything GET_SUMMARY, GET_STATS, GET_SEGMENTS, GET_BLOCKS and a
 * CAN_ALLOC probe report - that the instance did not change at all (only
 * -ENOSPC may count a failure).  Where a table of bad requests ends, the
 * valid request it was derived from is run to prove it was valid.
 */
#include <stddef.h>
#include <sys/mman.h>

#include "kselftest_harness.h"
#include "memsim_util.h"

/*
 * The fixture's instance, identical under every strategy:
 *   segment 1  [MS_SEG0, +1 MiB) stream 0:  a = 4096 B at MS_SEG0,
 *                                           b = 100 B at MS_SEG0 + 0x1000
 *   segment 2  [MS_SEG1, +1 MiB) stream 1:  c = 8192 B at MS_SEG1,
 *                                           d = 512 B at MS_SEG1 + 0x2000,
 *                                               its free requested
 *   segment 3  [MS_SEG2, +64 KiB) stream 2: free
 */
FIXTURE(val)
{
	int fd;
	struct memsim_info info;
	__u64 seg[3];
	__u64 a, b, c, d;
	struct ms_snap snap;
};

#define MS_FIXTURE val
#include "memsim_variants.h"

FIXTURE_SETUP(val)
{
	struct memsim_alloc_arg r;
	long long id;
	int i;

	if (ms_open_instance(_metadata, &self->fd, &self->info) == -ENOENT)
		SKIP(return, MS_ABSENT);
	ASSERT_EQ(0, ms_set_strategy(self->fd, variant->strategy, 0));

	for (i = 0; i < 3; i++) {
		static const __u64 start[] = { MS_SEG0, MS_SEG1, MS_SEG2 };
		static const __u64 size[] = { 0x100000, 0x100000, 0x10000 };

		id = ms_create(self->fd, start[i], size[i], i);
		ASSERT_EQ(i + 1, id);
		self->seg[i] = id;
	}
	/* On fresh segments every strategy allocates from the bottom up. */
	ASSERT_EQ(0, ms_alloc(self->fd, 4096, 0, 0xa, &r));
	ASSERT_EQ(MS_SEG0, r.addr);
	self->a = r.addr;
	ASSERT_EQ(0, ms_alloc(self->fd, 100, 0, 0xb, &r));
	ASSERT_EQ(MS_SEG0 + 0x1000, r.addr);
	self->b = r.addr;
	ASSERT_EQ(0, ms_alloc(self->fd, 8192, 1, 0xc, &r));
	ASSERT_EQ(MS_SEG1, r.addr);
	self->c = r.addr;
	ASSERT_EQ(0, ms_alloc(self->fd, 512, 1, 0xd, &r));
	ASSERT_EQ(MS_SEG1 + 0x2000, r.addr);
	self->d = r.addr;
	ASSERT_EQ(0, ms_free(self->fd, self->d, 0, MEMSIM_FREE_DEFER, NULL));
}

FIXTURE_TEARDOWN(val)
{
	ms_snap_free(&self->snap);
	if (self->fd >= 0)
		close(self->fd);
}

#define SNAP()		ms_snap_take(_metadata, self->fd, &self->snap)
#define SAME(ctx)	ms_snap_expect_same(_metadata, self->fd, &self->snap, ctx)
#define RESNAP()	do { ms_snap_free(&self->snap); SNAP(); } while (0)

/* The commands, with their argument sizes. */
struct ms_cmd {
	const char *name;
	unsigned long cmd;
	size_t size;
};

#define CMD(n, t)	{ #n, MEMSIM_IOC_##n, sizeof(struct t) }

/*
 * Ordered so that running each valid request in turn keeps the later ones
 * valid: the read-only commands first, RESET last.
 */
static const struct ms_cmd ms_cmds[] = {
	CMD(GET_INFO, memsim_info),
	CMD(GET_SUMMARY, memsim_summary),
	CMD(GET_STATS, memsim_stats_arg),
	CMD(GET_SEGMENTS, memsim_list_arg),
	CMD(GET_BLOCKS, memsim_list_arg),
	CMD(GET_BLOCKS_LIFE, memsim_list_arg),
	CMD(CHECK_OVERLAP, memsim_overlap_arg),
	CMD(FIND_SAFE_RANGE, memsim_safe_range_arg),
	CMD(CAN_ALLOC, memsim_alloc_arg),
	CMD(TRACE_READ, memsim_trace_read_arg),
	CMD(TRACE_CTL, memsim_trace_ctl_arg),
	CMD(SET_STRATEGY, memsim_strategy_arg),
	CMD(CREATE_SEGMENT, memsim_segment_arg),
	CMD(RELEASE_SEGMENT, memsim_segment_arg),
	CMD(ALLOC, memsim_alloc_arg),
	CMD(FREE, memsim_free_arg),
	CMD(COMPLETE_FREE, memsim_free_arg),
	CMD(SYNC_STREAM, memsim_sync_arg),
	CMD(BATCH, memsim_batch_arg),
	CMD(SIMULATE, memsim_simulate_arg),
	CMD(RESET, memsim_reset_arg),
};

#define NR_CMDS		ARRAY_SIZE(ms_cmds)

/* The commands that page through a &struct memsim_list_arg. */
static const struct {
	unsigned long cmd;
	char name[16];
} ms_list_cmds[] = {
	{ MEMSIM_IOC_GET_SEGMENTS, "GET_SEGMENTS" },
	{ MEMSIM_IOC_GET_BLOCKS, "GET_BLOCKS" },
	{ MEMSIM_IOC_GET_BLOCKS_LIFE, "GET_BLOCKS_LIFE" },
};
#define ARG_MAX		1024	/* larger than every argument structure */

/* Buffers the valid requests point into. */
struct ms_aux {
	__u64 ids[8];
	struct memsim_stream_info streams[8];
	struct memsim_segment_info segs[8];
	struct memsim_block_info blocks[8];
	struct memsim_block_life lives[8];
	struct memsim_batch_op ops[2];
	struct memsim_trace_record trace[4];
};

/* A request that succeeds on the fixture's instance (and its successors). */
static void valid_arg(struct _test_data_val *self, const struct _fixture_variant_val *variant,
		      unsigned long cmd, void *buf, struct ms_aux *aux)
{
	memset(buf, 0, ARG_MAX);
	memset(aux, 0, sizeof(*aux));

	switch (cmd) {
	case MEMSIM_IOC_SET_STRATEGY: {
		struct memsim_strategy_arg *a = buf;

		/* The active strategy again: valid even with blocks allocated. */
		a->strategy = variant->strategy;
		break;
	}
	case MEMSIM_IOC_CREATE_SEGMENT: {
		struct memsim_segment_arg *a = buf;

		a->start = 0x2000000;
		a->size = 0x10000;
		a->stream = 3;
		break;
	}
	case MEMSIM_IOC_RELEASE_SEGMENT: {
		struct memsim_segment_arg *a = buf;

		a->segment_id = self->seg[2];
		break;
	}
	case MEMSIM_IOC_CHECK_OVERLAP: {
		struct memsim_overlap_arg *a = buf;

		a->start = MS_SEG0;
		a->size = 0x1000;
		a->ids_ptr = (uintptr_t)aux->ids;
		a->ids_cap = ARRAY_SIZE(aux->ids);
		break;
	}
	case MEMSIM_IOC_FIND_SAFE_RANGE: {
		struct memsim_safe_range_arg *a = buf;

		a->size = 0x1000;
		a->align = 0x1000;
		a->min = 0;
		a->max = 1ULL << 40;
		break;
	}
	case MEMSIM_IOC_ALLOC:
	case MEMSIM_IOC_CAN_ALLOC: {
		struct memsim_alloc_arg *a = buf;

		a->size = 64;
		a->stream = 0;
		break;
	}
	case MEMSIM_IOC_FREE: {
		struct memsim_free_arg *a = buf;

		a->addr = self->a;
		a->expected_size = 4096;
		break;
	}
	case MEMSIM_IOC_COMPLETE_FREE: {
		struct memsim_free_arg *a = buf;

		a->addr = self->d;
		break;
	}
	case MEMSIM_IOC_SYNC_STREAM: {
		struct memsim_sync_arg *a = buf;

		a->stream = 1;
		break;
	}
	case MEMSIM_IOC_GET_STATS: {
		struct memsim_stats_arg *a = buf;

		a->streams_ptr = (uintptr_t)aux->streams;
		a->streams_cap = ARRAY_SIZE(aux->streams);
		break;
	}
	case MEMSIM_IOC_GET_SEGMENTS: {
		struct memsim_list_arg *a = buf;

		a->buf_ptr = (uintptr_t)aux->segs;
		a->buf_cap = ARRAY_SIZE(aux->segs);
		break;
	}
	case MEMSIM_IOC_GET_BLOCKS: {
		struct memsim_list_arg *a = buf;

		a->buf_ptr = (uintptr_t)aux->blocks;
		a->buf_cap = ARRAY_SIZE(aux->blocks);
		break;
	}
	case MEMSIM_IOC_GET_BLOCKS_LIFE: {
		struct memsim_list_arg *a = buf;

		a->buf_ptr = (uintptr_t)aux->lives;
		a->buf_cap = ARRAY_SIZE(aux->lives);
		break;
	}
	case MEMSIM_IOC_BATCH: {
		struct memsim_batch_arg *a = buf;

		aux->ops[0].op = MEMSIM_BATCH_ALLOC;
		aux->ops[0].size = 64;
		aux->ops[0].stream = 0;
		a->ops_ptr = (uintptr_t)aux->ops;
		a->count = 1;
		break;
	}
	case MEMSIM_IOC_SIMULATE: {
		struct memsim_simulate_arg *a = buf;

		a->nr_ops = 10;
		a->min_size = 16;
		a->max_size = 64;
		a->seed = 1;
		a->stream = 0;
		break;
	}
	case MEMSIM_IOC_TRACE_CTL: {
		struct memsim_trace_ctl_arg *a = buf;

		a->capacity = 16;
		a->flags = MEMSIM_TRACE_ON;
		break;
	}
	case MEMSIM_IOC_TRACE_READ: {
		struct memsim_trace_read_arg *a = buf;

		a->buf_ptr = (uintptr_t)aux->trace;
		a->buf_cap = ARRAY_SIZE(aux->trace);
		break;
	}
	default:
		/* GET_INFO, GET_SUMMARY, RESET: all zero. */
		break;
	}
}

/*
 * Run a request that must fail with @err and leave its argument as it was.
 * The caller checks the instance afterwards: a rejected call that changed
 * something leaves the change behind, so one snapshot after a series of
 * rejected calls catches it.
 */
static void try_reject(struct __test_metadata *_metadata, struct _test_data_val *self,
		       const struct ms_cmd *c, void *arg, int err, const char *what)
{
	unsigned char copy[ARG_MAX];
	int ret;

	memcpy(copy, arg, c->size);
	ret = ms_ioctl(self->fd, c->cmd, arg);
	EXPECT_EQ(-err, ret) {
		TH_LOG("%s with %s: got %d (%s), want %d", c->name, what, ret,
		       strerror(-ret), -err);
	}
	EXPECT_EQ(0, memcmp(copy, arg, c->size)) {
		TH_LOG("%s with %s: rejected argument written back", c->name, what);
	}
}

/* Run the valid request of @c, which must succeed; then snapshot again. */
static void run_valid(struct __test_metadata *_metadata, struct _test_data_val *self,
		      const struct _fixture_variant_val *variant, const struct ms_cmd *c)
{
	unsigned char arg[ARG_MAX];
	struct ms_aux aux;
	int ret;

	valid_arg(self, variant, c->cmd, arg, &aux);
	ret = ms_ioctl(self->fd, c->cmd, arg);
	EXPECT_EQ(0, ret) {
		TH_LOG("%s: the valid request failed: %s", c->name, strerror(-ret));
	}
	RESNAP();
}

/* Offsets of the fields that must be zero on input, per command. */
struct ms_field {
	unsigned long cmd;
	const char *name;
	size_t off;
	size_t len;
};

#define FLD(c, t, f)	{ MEMSIM_IOC_##c, #f, offsetof(struct t, f), \
			  sizeof(((struct t *)0)->f) }
#define RSV(c, t, i)	{ MEMSIM_IOC_##c, "reserved[" #i "]", \
			  offsetof(struct t, reserved) + (i) * 8, 8 }

/* Padding, reserved words and fields a command does not use. */
static const struct ms_field ms_zero_fields[] = {
	RSV(GET_STATS, memsim_stats_arg, 0), RSV(GET_STATS, memsim_stats_arg, 1),
	RSV(GET_SEGMENTS, memsim_list_arg, 0), RSV(GET_SEGMENTS, memsim_list_arg, 1),
	RSV(GET_BLOCKS, memsim_list_arg, 0), RSV(GET_BLOCKS, memsim_list_arg, 1),
	RSV(GET_BLOCKS_LIFE, memsim_list_arg, 0), RSV(GET_BLOCKS_LIFE, memsim_list_arg, 1),
	RSV(CHECK_OVERLAP, memsim_overlap_arg, 0),
	RSV(CHECK_OVERLAP, memsim_overlap_arg, 1),
	FLD(FIND_SAFE_RANGE, memsim_safe_range_arg, pad),
	RSV(FIND_SAFE_RANGE, memsim_safe_range_arg, 0),
	RSV(FIND_SAFE_RANGE, memsim_safe_range_arg, 1),
	FLD(CAN_ALLOC, memsim_alloc_arg, pad),
	FLD(CAN_ALLOC, memsim_alloc_arg, reserved),
	/* Without MEMSIM_ALLOC_RANGE / _FIXED these must be zero. */
	FLD(CAN_ALLOC, memsim_alloc_arg, range_lo),
	FLD(CAN_ALLOC, memsim_alloc_arg, range_hi),
	FLD(CAN_ALLOC, memsim_alloc_arg, fixed_addr),
	RSV(SET_STRATEGY, memsim_strategy_arg, 0),
	RSV(SET_STRATEGY, memsim_strategy_arg, 1),
	FLD(CREATE_SEGMENT, memsim_segment_arg, pad),
	RSV(CREATE_SEGMENT, memsim_segment_arg, 0),
	RSV(CREATE_SEGMENT, memsim_segment_arg, 1),
	/* RELEASE_SEGMENT uses only segment_id. */
	FLD(RELEASE_SEGMENT, memsim_segment_arg, start),
	FLD(RELEASE_SEGMENT, memsim_segment_arg, size),
	FLD(RELEASE_SEGMENT, memsim_segment_arg, device),
	FLD(RELEASE_SEGMENT, memsim_segment_arg, stream),
	FLD(RELEASE_SEGMENT, memsim_segment_arg, pad),
	RSV(RELEASE_SEGMENT, memsim_segment_arg, 0),
	RSV(RELEASE_SEGMENT, memsim_segment_arg, 1),
	FLD(ALLOC, memsim_alloc_arg, pad),
	FLD(ALLOC, memsim_alloc_arg, reserved),
	FLD(ALLOC, memsim_alloc_arg, range_lo),
	FLD(ALLOC, memsim_alloc_arg, range_hi),
	FLD(ALLOC, memsim_alloc_arg, fixed_addr),
	FLD(FREE, memsim_free_arg, pad),
	FLD(FREE, memsim_free_arg, reserved),
	/* COMPLETE_FREE takes no size. */
	FLD(COMPLETE_FREE, memsim_free_arg, expected_size),
	FLD(COMPLETE_FREE, memsim_free_arg, pad),
	FLD(COMPLETE_FREE, memsim_free_arg, reserved),
	RSV(SYNC_STREAM, memsim_sync_arg, 0), RSV(SYNC_STREAM, memsim_sync_arg, 1),
	RSV(BATCH, memsim_batch_arg, 0), RSV(BATCH, memsim_batch_arg, 1),
	FLD(SIMULATE, memsim_simulate_arg, pad),
	RSV(SIMULATE, memsim_simulate_arg, 0), RSV(SIMULATE, memsim_simulate_arg, 1),
	FLD(RESET, memsim_reset_arg, pad),
	RSV(RESET, memsim_reset_arg, 0), RSV(RESET, memsim_reset_arg, 1),
	RSV(TRACE_CTL, memsim_trace_ctl_arg, 0),
	RSV(TRACE_CTL, memsim_trace_ctl_arg, 1),
	RSV(TRACE_READ, memsim_trace_read_arg, 0),
	RSV(TRACE_READ, memsim_trace_read_arg, 1),
};

/* The flag words and the bits each command knows. */
static const struct {
	unsigned long cmd;
	size_t off;
	__u32 known;
} ms_flag_words[] = {
	{ MEMSIM_IOC_GET_INFO, offsetof(struct memsim_info, flags), 0 },
	{ MEMSIM_IOC_GET_SUMMARY, offsetof(struct memsim_summary, flags), 0 },
	{ MEMSIM_IOC_GET_STATS, offsetof(struct memsim_stats_arg, flags), 0 },
	{ MEMSIM_IOC_GET_SEGMENTS, offsetof(struct memsim_list_arg, flags), 0 },
	{ MEMSIM_IOC_GET_BLOCKS, offsetof(struct memsim_list_arg, flags), 0 },
	{ MEMSIM_IOC_GET_BLOCKS_LIFE, offsetof(struct memsim_list_arg, flags), 0 },
	{ MEMSIM_IOC_CHECK_OVERLAP, offsetof(struct memsim_overlap_arg, flags), 0 },
	{ MEMSIM_IOC_FIND_SAFE_RANGE, offsetof(struct memsim_safe_range_arg, flags), 0 },
	{ MEMSIM_IOC_CAN_ALLOC, offsetof(struct memsim_alloc_arg, flags), MEMSIM_ALLOC_FLAGS },
	{ MEMSIM_IOC_SET_STRATEGY, offsetof(struct memsim_strategy_arg, flags), 0 },
	{ MEMSIM_IOC_CREATE_SEGMENT, offsetof(struct memsim_segment_arg, flags), 0 },
	{ MEMSIM_IOC_RELEASE_SEGMENT, offsetof(struct memsim_segment_arg, flags), 0 },
	{ MEMSIM_IOC_ALLOC, offsetof(struct memsim_alloc_arg, flags), MEMSIM_ALLOC_FLAGS },
	{ MEMSIM_IOC_FREE, offsetof(struct memsim_free_arg, flags), MEMSIM_FREE_DEFER },
	{ MEMSIM_IOC_COMPLETE_FREE, offsetof(struct memsim_free_arg, flags), 0 },
	{ MEMSIM_IOC_SYNC_STREAM, offsetof(struct memsim_sync_arg, flags), 0 },
	{ MEMSIM_IOC_BATCH, offsetof(struct memsim_batch_arg, flags),
	  MEMSIM_BATCH_STOP_ON_ERROR },
	{ MEMSIM_IOC_SIMULATE, offsetof(struct memsim_simulate_arg, flags), 0 },
	{ MEMSIM_IOC_RESET, offsetof(struct memsim_reset_arg, flags),
	  MEMSIM_RESET_KEEP_SEGMENTS },
	{ MEMSIM_IOC_TRACE_CTL, offsetof(struct memsim_trace_ctl_arg, flags),
	  MEMSIM_TRACE_FLAGS },
	{ MEMSIM_IOC_TRACE_READ, offsetof(struct memsim_trace_read_arg, flags), 0 },
};

static void set_field(void *arg, size_t off, size_t len, __u64 v)
{
	if (len == 4) {
		__u32 w = v;

		memcpy((char *)arg + off, &w, 4);
	} else {
		memcpy((char *)arg + off, &v, 8);
	}
}

/* Padding, reserved and unused fields: each set alone gives -EINVAL. */
TEST_F(val, nonzero_reserved_pad_unused)
{
	unsigned char arg[ARG_MAX];
	struct ms_aux aux;
	size_t i, f;

	SNAP();
	for (i = 0; i < NR_CMDS; i++) {
		const struct ms_cmd *c = &ms_cmds[i];
		bool any = false;

		for (f = 0; f < ARRAY_SIZE(ms_zero_fields); f++) {
			const struct ms_field *fl = &ms_zero_fields[f];
			static const __u64 values[] = { 1, 1ULL << 31, ~0ULL };
			unsigned int v;
			char what[96];

			if (fl->cmd != c->cmd)
				continue;
			any = true;
			for (v = 0; v < ARRAY_SIZE(values); v++) {
				valid_arg(self, variant, c->cmd, arg, &aux);
				set_field(arg, fl->off, fl->len, values[v]);
				snprintf(what, sizeof(what), "%s = 0x%llx", fl->name,
					 (unsigned long long)values[v]);
				try_reject(_metadata, self, c, arg, EINVAL, what);
			}
		}
		/* GET_SUMMARY's and GET_INFO's only input is their flags (see unknown_flag). */
		EXPECT_TRUE(any || c->cmd == MEMSIM_IOC_GET_SUMMARY ||
			    c->cmd == MEMSIM_IOC_GET_INFO)
			TH_LOG("%s: no field tested", c->name);
		SAME(c->name);
		run_valid(_metadata, self, variant, c);
	}
}

/* Every bit a command does not know, in its flag word: -EINVAL. */
TEST_F(val, unknown_flag)
{
	unsigned char arg[ARG_MAX];
	struct ms_aux aux;
	size_t i, f;

	SNAP();
	for (i = 0; i < NR_CMDS; i++) {
		const struct ms_cmd *c = &ms_cmds[i];

		for (f = 0; f < ARRAY_SIZE(ms_flag_words); f++) {
			unsigned int bit;

			if (ms_flag_words[f].cmd != c->cmd)
				continue;
			for (bit = 0; bit < 32; bit++) {
				__u32 flag = 1U << bit, word;
				char what[64];

				if (ms_flag_words[f].known & flag)
					continue;
				/* Added to the valid request's flags (TRACE_CTL: ON). */
				valid_arg(self, variant, c->cmd, arg, &aux);
				memcpy(&word, arg + ms_flag_words[f].off, 4);
				set_field(arg, ms_flag_words[f].off, 4, word | flag);
				snprintf(what, sizeof(what), "flags = 0x%x", word | flag);
				try_reject(_metadata, self, c, arg, EINVAL, what);
			}
		}
		SAME(c->name);
		run_valid(_metadata, self, variant, c);
	}
}

/* Some output fields are also inputs; the rest are ignored on input. */
TEST_F(val, output_fields_ignored_on_input)
{
	struct memsim_alloc_arg a;
	struct memsim_summary s;
	struct memsim_info info;

	/* The former reserved words are out fields now: ignored too. */
	memset(&info, 0xa5, sizeof(info));
	info.flags = 0;
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
	EXPECT_EQ(4096U, info.max_list);
	EXPECT_EQ(self->info.instance_id, info.instance_id);
	EXPECT_EQ(self->info.max_segments, info.max_segments);
	EXPECT_EQ(MEMSIM_ABI_VERSION, info.abi_version);

	/* Everything but flags is out only, the former reserved words too. */
	memset(&s, 0x5a, sizeof(s));
	s.flags = 0;
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_SUMMARY, &s));
	EXPECT_EQ(variant->strategy, s.strategy);
	EXPECT_EQ(0U, s.pad);
	EXPECT_EQ(4ULL, s.usage.live_blocks);	/* a, b, c and the deferred d */
	EXPECT_LE(s.usage.live_blocks, s.peak_live_blocks);
	EXPECT_LE(s.usage.allocated, s.alloc_bytes);

	/* addr .. pad2: out only (label_ptr, after them, is an input). */
	ms_alloc_req(&a, 64, 0);
	memset(&a.addr, 0xff, offsetof(struct memsim_alloc_arg, label_ptr) -
	       offsetof(struct memsim_alloc_arg, addr));
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	EXPECT_EQ(64ULL, a.actual_size);
	EXPECT_EQ(0U, a.pad2);
	EXPECT_EQ(0ULL, a.reserved);
	EXPECT_EQ(0ULL, a.label_ptr);
	EXPECT_EQ(0U, a.out_stream);
	EXPECT_EQ(self->seg[0], a.segment_id);
	EXPECT_EQ(a.actual_size - 64, a.waste);
}

/* A pointer to nothing, to an inaccessible page, or across its edge. */
TEST_F(val, bad_pointer_efault)
{
	long page = getpagesize();
	char *map, *none;
	size_t i;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	none = map + page;
	ASSERT_EQ(0, mprotect(none, page, PROT_NONE));

	SNAP();
	for (i = 0; i < NR_CMDS; i++) {
		const struct ms_cmd *c = &ms_cmds[i];
		struct ms_aux aux;
		char *straddle = none - c->size / 2;
		int ret;

		ret = ms_ioctl(self->fd, c->cmd, NULL);
		EXPECT_EQ(-EFAULT, ret) TH_LOG("%s(NULL): %d", c->name, ret);
		SAME(c->name);

		ret = ms_ioctl(self->fd, c->cmd, none);
		EXPECT_EQ(-EFAULT, ret) TH_LOG("%s(PROT_NONE): %d", c->name, ret);
		SAME(c->name);

		/* The first half readable and valid, the rest not. */
		valid_arg(self, variant, c->cmd, map, &aux);
		memmove(straddle, map, c->size / 2);
		ret = ms_ioctl(self->fd, c->cmd, straddle);
		EXPECT_EQ(-EFAULT, ret) TH_LOG("%s(straddling): %d", c->name, ret);
		SAME(c->name);
	}
	munmap(map, 2 * page);
}

/* Pointers inside the arguments: unreadable or unwritable. */
TEST_F(val, bad_embedded_pointer_efault)
{
	struct memsim_overlap_arg ov;
	struct memsim_stats_arg st;
	struct memsim_list_arg la;
	struct memsim_batch_arg ba;
	void *none = ms_prot_none_page();
	__u64 ptrs[3];
	size_t l;
	char *ro;
	int i;

	ASSERT_NE(NULL, none);
	ro = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
		  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ro);
	ASSERT_EQ(0, mprotect(ro, getpagesize(), PROT_READ));
	ptrs[0] = 0;
	ptrs[1] = (uintptr_t)none;
	ptrs[2] = (uintptr_t)ro;

	SNAP();
	for (i = 0; i < 3; i++) {
		char what[64];

		snprintf(what, sizeof(what), "pointer %s",
			 i == 0 ? "NULL" : i == 1 ? "PROT_NONE" : "PROT_READ");

		/* The range overlaps segment 1, so an id has to be written. */
		memset(&ov, 0, sizeof(ov));
		ov.start = MS_SEG0;
		ov.size = 0x1000;
		ov.ids_ptr = ptrs[i];
		ov.ids_cap = 4;
		EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov))
			TH_LOG("CHECK_OVERLAP ids %s", what);
		SAME(what);

		memset(&st, 0, sizeof(st));
		st.streams_ptr = ptrs[i];
		st.streams_cap = 4;
		EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &st))
			TH_LOG("GET_STATS streams %s", what);
		SAME(what);

		for (l = 0; l < ARRAY_SIZE(ms_list_cmds); l++) {
			memset(&la, 0, sizeof(la));
			la.buf_ptr = ptrs[i];
			la.buf_cap = 4;
			EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, ms_list_cmds[l].cmd, &la))
				TH_LOG("%s buf %s", ms_list_cmds[l].name, what);
			SAME(what);
		}

		if (i == 2)
			continue;	/* readable ops: see readonly_batch_ops */
		memset(&ba, 0, sizeof(ba));
		ba.ops_ptr = ptrs[i];
		ba.count = 1;
		EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba))
			TH_LOG("BATCH ops %s", what);
		SAME(what);
	}
	munmap(none, getpagesize());
	munmap(ro, getpagesize());
}

/*
 * Labels of ALLOC, CAN_ALLOC, FREE and COMPLETE_FREE: unreadable (-EFAULT),
 * no NUL within MEMSIM_LABEL_MAX bytes (-ENAMETOOLONG), a byte outside
 * printable ASCII (-EINVAL).  The kernel reads at most MEMSIM_LABEL_MAX
 * bytes: 32 characters that end at an inaccessible page are too long, not a
 * fault; fewer that end there without a NUL are a fault.
 */
TEST_F(val, bad_label)
{
	static const unsigned long cmds[] = {
		MEMSIM_IOC_ALLOC, MEMSIM_IOC_CAN_ALLOC, MEMSIM_IOC_FREE,
		MEMSIM_IOC_COMPLETE_FREE,
	};
	static const char * const nonprint[] = {
		"tab\there", "nl\n", "\x01", "del\x7f", "high\x80", "\xff",
		"x\x1f",
	};
	long page = getpagesize();
	struct {
		const char *what;
		__u64 ptr;
		int err;
	} bad[16];
	unsigned int nbad = 0, i, j;
	char *map, *edge32, *edge10, *buf;
	unsigned char arg[ARG_MAX];
	struct ms_aux aux;

	map = mmap(NULL, 2 * page, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
		   -1, 0);
	ASSERT_NE(MAP_FAILED, map);
	ASSERT_EQ(0, mprotect(map + page, page, PROT_NONE));
	edge32 = map + page - MEMSIM_LABEL_MAX;
	memset(edge32, 'e', MEMSIM_LABEL_MAX);
	buf = map;	/* scratch strings at the start of the page */

	bad[nbad].what = "PROT_NONE";
	bad[nbad].ptr = (uintptr_t)(map + page);
	bad[nbad++].err = EFAULT;
	bad[nbad].what = "unmapped";
	bad[nbad].ptr = 8;
	bad[nbad++].err = EFAULT;
	/* 10 characters, the page ends before a NUL: a fault. */
	edge10 = map + page - 10;
	bad[nbad].what = "10 characters at the end of the page";
	bad[nbad].ptr = (uintptr_t)edge10;
	bad[nbad++].err = EFAULT;
	/* 32 characters with no NUL: too long, whatever follows them. */
	bad[nbad].what = "32 characters at the end of the page";
	bad[nbad].ptr = (uintptr_t)edge32;
	bad[nbad++].err = ENAMETOOLONG;
	memset(buf, 'x', 40);
	buf[40] = '\0';
	bad[nbad].what = "40 characters";
	bad[nbad].ptr = (uintptr_t)buf;
	bad[nbad++].err = ENAMETOOLONG;
	memset(buf + 64, 'y', MEMSIM_LABEL_MAX);
	buf[64 + MEMSIM_LABEL_MAX] = '\0';
	bad[nbad].what = "32 characters and a NUL";
	bad[nbad].ptr = (uintptr_t)(buf + 64);
	bad[nbad++].err = ENAMETOOLONG;
	for (i = 0; i < ARRAY_SIZE(nonprint); i++) {
		char *p = buf + 128 + 32 * i;

		snprintf(p, 32, "%s", nonprint[i]);
		bad[nbad].what = "a non-printable byte";
		bad[nbad].ptr = (uintptr_t)p;
		bad[nbad++].err = EINVAL;
	}
	ASSERT_GE(ARRAY_SIZE(bad), nbad);

	SNAP();
	for (i = 0; i < ARRAY_SIZE(cmds); i++) {
		const struct ms_cmd *c = NULL;

		for (j = 0; j < NR_CMDS; j++)
			if (ms_cmds[j].cmd == cmds[i])
				c = &ms_cmds[j];
		ASSERT_NE(NULL, c);
		for (j = 0; j < nbad; j++) {
			char what[96];

			valid_arg(self, variant, c->cmd, arg, &aux);
			if (c->cmd == MEMSIM_IOC_ALLOC || c->cmd == MEMSIM_IOC_CAN_ALLOC)
				((struct memsim_alloc_arg *)arg)->label_ptr = bad[j].ptr;
			else
				((struct memsim_free_arg *)arg)->label_ptr = bad[j].ptr;
			snprintf(what, sizeof(what), "label %s (#%u)", bad[j].what, j);
			try_reject(_metadata, self, c, arg, bad[j].err, what);
		}
		SAME(c->name);
	}
	munmap(map, 2 * page);
}

/*
 * An argument that can be read but not written back.  "A call that fails
 * changes nothing": a command that changes the instance must fail with
 * -EFAULT before changing it, not after.  Commands that only read their
 * argument (_IOW) must succeed.
 */
TEST_F(val, readonly_argument)
{
	unsigned char *page;
	struct ms_aux aux;
	size_t i;

	page = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
		    MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);

	SNAP();
	for (i = 0; i < NR_CMDS; i++) {
		const struct ms_cmd *c = &ms_cmds[i];
		bool in_only = _IOC_DIR(c->cmd) == _IOC_WRITE;
		int ret;

		ASSERT_EQ(0, mprotect(page, getpagesize(), PROT_READ | PROT_WRITE));
		valid_arg(self, variant, c->cmd, page, &aux);
		ASSERT_EQ(0, mprotect(page, getpagesize(), PROT_READ));
		ret = ms_ioctl(self->fd, c->cmd, page);
		if (in_only) {
			EXPECT_EQ(0, ret) TH_LOG("%s (_IOW) from a read-only page: %d",
						 c->name, ret);
			RESNAP();
			continue;
		}
		EXPECT_EQ(-EFAULT, ret) TH_LOG("%s into a read-only page: %d", c->name, ret);
		SAME(c->name);
		/* Judge each command on its own. */
		RESNAP();
	}
	munmap(page, getpagesize());
}

/* BATCH whose operations can be read but their results not written. */
TEST_F(val, readonly_batch_ops)
{
	struct memsim_batch_op *ops;
	struct memsim_batch_arg ba;

	ops = mmap(NULL, getpagesize(), PROT_READ | PROT_WRITE,
		   MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, ops);
	ops[0].op = MEMSIM_BATCH_ALLOC;
	ops[0].size = 64;
	ops[1].op = MEMSIM_BATCH_FREE;
	ops[1].addr = self->b;
	ASSERT_EQ(0, mprotect(ops, getpagesize(), PROT_READ));

	SNAP();
	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = 2;
	EXPECT_EQ(-EFAULT, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	SAME("BATCH with read-only operations");
	munmap(ops, getpagesize());
}

TEST_F(val, zero_size)
{
	struct memsim_safe_range_arg sr;
	struct memsim_simulate_arg sim;
	struct memsim_overlap_arg ov;
	struct memsim_segment_arg sa;
	struct memsim_alloc_arg a;
	__u64 ids[4];

	SNAP();
	memset(&sa, 0, sizeof(sa));
	sa.start = 0x2000000;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CREATE_SEGMENT, &sa));
	SAME("CREATE_SEGMENT size 0");

	memset(&ov, 0, sizeof(ov));
	ov.start = MS_SEG0;
	ov.ids_ptr = (uintptr_t)ids;
	ov.ids_cap = 4;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
	SAME("CHECK_OVERLAP size 0");

	memset(&sr, 0, sizeof(sr));
	sr.max = 1ULL << 40;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));
	SAME("FIND_SAFE_RANGE size 0");

	ms_alloc_req(&a, 0, 0);
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	SAME("ALLOC size 0");
	ms_alloc_req(&a, 0, MS_ANY);
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("CAN_ALLOC size 0");

	memset(&sim, 0, sizeof(sim));
	sim.nr_ops = 10;
	sim.max_size = 64;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_SIMULATE, &sim));
	SAME("SIMULATE min_size 0");
}

TEST_F(val, wrapping_or_empty_range)
{
	static const struct { __u64 start, size; } wraps[] = {
		{ ~0ULL, 2 },
		{ ~0ULL - 0xfff, 0x1000 },	/* ends exactly at 2^64 */
		{ 1ULL << 63, 1ULL << 63 },
		{ 0x1000, ~0ULL },
	};
	struct memsim_safe_range_arg sr;
	struct memsim_overlap_arg ov;
	struct memsim_segment_arg sa;
	struct memsim_alloc_arg a;
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(wraps); i++) {
		memset(&sa, 0, sizeof(sa));
		sa.start = wraps[i].start;
		sa.size = wraps[i].size;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CREATE_SEGMENT, &sa))
			TH_LOG("segment 0x%llx + 0x%llx", (unsigned long long)wraps[i].start,
			       (unsigned long long)wraps[i].size);
		SAME("CREATE_SEGMENT wrapping");

		memset(&ov, 0, sizeof(ov));
		ov.start = wraps[i].start;
		ov.size = wraps[i].size;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
		SAME("CHECK_OVERLAP wrapping");

		/* A fixed address whose block would wrap. */
		ms_alloc_req(&a, wraps[i].size, MS_ANY);
		a.flags = MEMSIM_ALLOC_FIXED;
		a.fixed_addr = wraps[i].start;
		if (i == 0)
			a.fixed_addr = ~0ULL & ~0xfffULL;	/* aligned for buddy too */
		if (i == 0)
			a.size = 0x2000;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a))
			TH_LOG("fixed 0x%llx + 0x%llx", (unsigned long long)a.fixed_addr,
			       (unsigned long long)a.size);
		SAME("ALLOC fixed wrapping");
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
		SAME("CAN_ALLOC fixed wrapping");
	}

	/* Empty windows. */
	memset(&sr, 0, sizeof(sr));
	sr.size = 0x1000;
	sr.min = 0x10000;
	sr.max = 0x10000;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));
	sr.max = 0x8000;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));
	SAME("FIND_SAFE_RANGE min >= max");

	ms_alloc_req(&a, 64, 0);
	a.flags = MEMSIM_ALLOC_RANGE;
	a.range_lo = MS_SEG0 + 0x10000;
	a.range_hi = MS_SEG0 + 0x10000;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	a.range_hi = MS_SEG0;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("ALLOC empty range");
}

TEST_F(val, bad_alignment)
{
	static const __u64 aligns[] = { 3, 6, 0x1800, 0xffffffff, (1ULL << 63) | 1, ~0ULL };
	struct memsim_safe_range_arg sr;
	struct memsim_alloc_arg a;
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(aligns); i++) {
		ms_alloc_req(&a, 64, 0);
		a.align = aligns[i];
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a))
			TH_LOG("align 0x%llx", (unsigned long long)aligns[i]);
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
		SAME("ALLOC bad alignment");

		memset(&sr, 0, sizeof(sr));
		sr.size = 0x1000;
		sr.align = aligns[i];
		sr.max = 1ULL << 40;
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_FIND_SAFE_RANGE, &sr));
		SAME("FIND_SAFE_RANGE bad alignment");
	}

	/* A fixed address that is not a multiple of the alignment. */
	ms_alloc_req(&a, 0x1000, 0);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.align = 0x1000;
	a.fixed_addr = MS_SEG0 + 0x10010;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("ALLOC misaligned fixed address");
}

TEST_F(val, bad_strategy)
{
	static const struct { __u32 strategy; __u64 min; } bad[] = {
		{ MEMSIM_STRATEGY_COUNT, 0 },
		{ 0xffffffff, 0 },
		{ MEMSIM_STRATEGY_BUDDY, 100 },		/* not a power of two */
		{ MEMSIM_STRATEGY_BUDDY, 96 },
		{ MEMSIM_STRATEGY_BUDDY, ~0ULL },
		{ MEMSIM_STRATEGY_FIRST_FIT, 64 },	/* a minimum block for a fit */
		{ MEMSIM_STRATEGY_NEXT_FIT, 1 },
		{ MEMSIM_STRATEGY_BEST_FIT, 4096 },
		{ MEMSIM_STRATEGY_WORST_FIT, 64 },
	};
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ms_set_strategy(self->fd, bad[i].strategy, bad[i].min))
			TH_LOG("strategy %u, minimum block %llu", bad[i].strategy,
			       (unsigned long long)bad[i].min);
		SAME("SET_STRATEGY invalid");
	}
}

/* Entering, leaving or re-sizing the buddy system needs nothing allocated. */
TEST_F(val, strategy_switch_busy)
{
	struct memsim_summary s;
	__u32 other;

	SNAP();
	if (ms_is_buddy(variant->strategy)) {
		EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, MEMSIM_STRATEGY_FIRST_FIT, 0));
		SAME("buddy -> first fit");
		EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 128));
		SAME("buddy minimum 64 -> 128");
		/* The same minimum block again changes nothing: allowed. */
		EXPECT_EQ(0, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 64));
		SAME("buddy minimum 64 -> 64");
		other = MEMSIM_STRATEGY_FIRST_FIT;
	} else {
		EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, MEMSIM_STRATEGY_BUDDY, 0));
		SAME("fit -> buddy");
		other = MEMSIM_STRATEGY_BUDDY;
	}

	/* Only the deferred free left: it still counts as allocated. */
	ASSERT_EQ(0, ms_free(self->fd, self->a, 0, 0, NULL));
	ASSERT_EQ(0, ms_free(self->fd, self->b, 0, 0, NULL));
	ASSERT_EQ(0, ms_free(self->fd, self->c, 0, 0, NULL));
	RESNAP();
	EXPECT_EQ(1ULL, self->snap.summary.usage.live_blocks);
	EXPECT_EQ(-EBUSY, ms_set_strategy(self->fd, other, 0));
	SAME("switch with a deferred free pending");

	ASSERT_EQ(0, ms_complete(self->fd, self->d, NULL));
	EXPECT_EQ(0, ms_set_strategy(self->fd, other, 0));
	ASSERT_EQ(0, ms_summary(self->fd, &s));
	EXPECT_EQ(other, s.strategy);
	ms_check_pool(_metadata, self->fd, 16, NULL, 0);
}

TEST_F(val, unknown_segment)
{
	static const __u64 ids[] = { 0, 4, 999, ~0ULL };
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(ids); i++) {
		EXPECT_EQ(-ENOENT, ms_release(self->fd, ids[i]))
			TH_LOG("segment %llu", (unsigned long long)ids[i]);
		SAME("RELEASE_SEGMENT unknown id");
	}
	/* A released id stays unknown. */
	ASSERT_EQ(0, ms_release(self->fd, self->seg[2]));
	RESNAP();
	EXPECT_EQ(-ENOENT, ms_release(self->fd, self->seg[2]));
	SAME("RELEASE_SEGMENT twice");
}

TEST_F(val, release_busy_segment)
{
	SNAP();
	EXPECT_EQ(-EBUSY, ms_release(self->fd, self->seg[0]));
	SAME("release with live blocks");
	/* Segment 2 with only the deferred free left. */
	ASSERT_EQ(0, ms_free(self->fd, self->c, 0, 0, NULL));
	RESNAP();
	EXPECT_EQ(-EBUSY, ms_release(self->fd, self->seg[1]));
	SAME("release with a deferred free pending");
	ASSERT_EQ(0, ms_complete(self->fd, self->d, NULL));
	EXPECT_EQ(0, ms_release(self->fd, self->seg[1]));
}

TEST_F(val, overlapping_or_bad_segment)
{
	static const struct { __u64 start, size; } overlaps[] = {
		{ MS_SEG0, 0x100000 },			/* the same */
		{ MS_SEG0 - 0x1000, 0x2000 },		/* across its start */
		{ MS_SEG0 + 0xff000, 0x2000 },		/* across its end */
		{ MS_SEG0 + 0x1000, 0x1000 },		/* inside */
		{ 0, 0x200000 },			/* around */
		{ MS_SEG0 + 0xfffff, 1 },		/* its last byte */
		{ MS_SEG0, ~0ULL - MS_SEG0 },		/* all of them */
	};
	struct memsim_segment_arg sa;
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(overlaps); i++) {
		EXPECT_EQ(-EEXIST, ms_create(self->fd, overlaps[i].start, overlaps[i].size, 5))
			TH_LOG("segment 0x%llx + 0x%llx",
			       (unsigned long long)overlaps[i].start,
			       (unsigned long long)overlaps[i].size);
		SAME("CREATE_SEGMENT overlapping");
	}
	memset(&sa, 0, sizeof(sa));
	sa.start = 0x2000000;
	sa.size = 0x1000;
	sa.stream = MS_ANY;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CREATE_SEGMENT, &sa));
	SAME("CREATE_SEGMENT on stream ANY");

	/* Touching neighbours do not overlap. */
	EXPECT_EQ(4, ms_create(self->fd, MS_SEG0 - 0x1000, 0x1000, 0));
	EXPECT_EQ(5, ms_create(self->fd, MS_SEG0 + 0x100000, 0x1000, 0));
}

TEST_F(val, double_free)
{
	struct memsim_free_arg f;

	ASSERT_EQ(0, ms_free(self->fd, self->a, 0, 0, NULL));
	SNAP();
	memset(&f, 0, sizeof(f));
	f.addr = self->a;
	EXPECT_EQ(-ENOENT, ms_ioctl(self->fd, MEMSIM_IOC_FREE, &f));
	EXPECT_EQ(0ULL, f.freed_size);
	SAME("second FREE");
	EXPECT_EQ(-ENOENT, ms_free(self->fd, self->a, 0, MEMSIM_FREE_DEFER, NULL));
	SAME("deferred FREE of a freed block");
	EXPECT_EQ(-ENOENT, ms_complete(self->fd, self->a, NULL));
	SAME("COMPLETE_FREE of a freed block");

	/* A deferred free: FREE again is -EBUSY, a second completion -ENOENT. */
	EXPECT_EQ(-EBUSY, ms_free(self->fd, self->d, 0, 0, NULL));
	EXPECT_EQ(-EBUSY, ms_free(self->fd, self->d, 0, MEMSIM_FREE_DEFER, NULL));
	SAME("FREE of a deferred free");
	ASSERT_EQ(0, ms_complete(self->fd, self->d, NULL));
	RESNAP();
	EXPECT_EQ(-ENOENT, ms_complete(self->fd, self->d, NULL));
	EXPECT_EQ(-ENOENT, ms_free(self->fd, self->d, 0, 0, NULL));
	SAME("second COMPLETE_FREE");
}

TEST_F(val, free_never_allocated)
{
	const __u64 addrs[] = {
		self->a + 8,			/* inside a block */
		self->b + 100,			/* right after one */
		MS_SEG0 + 0x80000,		/* free space */
		MS_SEG2,			/* a free segment's start */
		0x3000000,			/* no segment */
		0, ~0ULL,
	};
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(addrs); i++) {
		EXPECT_EQ(-ENOENT, ms_free(self->fd, addrs[i], 0, 0, NULL))
			TH_LOG("0x%llx", (unsigned long long)addrs[i]);
		EXPECT_EQ(-ENOENT, ms_free(self->fd, addrs[i], 0, MEMSIM_FREE_DEFER, NULL));
		EXPECT_EQ(-ENOENT, ms_complete(self->fd, addrs[i], NULL));
		SAME("free of a never-allocated address");
	}
}

TEST_F(val, expected_size_mismatch)
{
	__u64 actual_b = ms_actual(variant->strategy, 100, 64);
	static const __u64 wrong[] = { 99, 101, 127, 129, 4096, ~0ULL };
	unsigned int i;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(wrong); i++) {
		if (wrong[i] == actual_b)
			continue;
		EXPECT_EQ(-EINVAL, ms_free(self->fd, self->b, wrong[i], 0, NULL))
			TH_LOG("expected size %llu", (unsigned long long)wrong[i]);
		EXPECT_EQ(-EINVAL, ms_free(self->fd, self->b, wrong[i], MEMSIM_FREE_DEFER,
					   NULL));
		SAME("FREE with a wrong size");
	}
	/* Both the requested and the actual size are accepted. */
	EXPECT_EQ(0, ms_free(self->fd, self->b, 100, MEMSIM_FREE_DEFER, NULL));
	EXPECT_EQ(0, ms_complete(self->fd, self->b, NULL));
	EXPECT_EQ(0, ms_free(self->fd, self->c, 8192, 0, NULL));
	if (actual_b != 100) {
		struct memsim_alloc_arg r;

		ASSERT_EQ(0, ms_alloc(self->fd, 100, 0, 0, &r));
		EXPECT_EQ(actual_b, r.actual_size);
		EXPECT_EQ(0, ms_free(self->fd, r.addr, actual_b, 0, NULL));
	}
}

TEST_F(val, complete_without_request)
{
	struct memsim_free_arg f;

	SNAP();
	EXPECT_EQ(-EINVAL, ms_complete(self->fd, self->a, NULL));
	SAME("COMPLETE_FREE of a block whose free was not requested");
	/* DEFER is FREE's flag, not COMPLETE_FREE's. */
	memset(&f, 0, sizeof(f));
	f.addr = self->d;
	f.flags = MEMSIM_FREE_DEFER;
	EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_COMPLETE_FREE, &f));
	SAME("COMPLETE_FREE with DEFER");
}

TEST_F(val, unknown_stream)
{
	__u64 n = 77;

	SNAP();
	EXPECT_EQ(-ENOENT, ms_sync(self->fd, 3, &n));
	EXPECT_EQ(-ENOENT, ms_sync(self->fd, 0x7fffffff, &n));
	SAME("SYNC_STREAM of a stream without segments");
}

TEST_F(val, list_capacity)
{
	struct memsim_block_info *buf = calloc(MS_LIST_MAX + 1, sizeof(*buf));
	struct memsim_overlap_arg ov;
	struct memsim_stats_arg st;
	struct memsim_list_arg la;
	static const __u32 caps[] = { 0, MS_LIST_MAX + 1, 0xffffffff };
	unsigned int i;
	size_t l;

	ASSERT_NE(NULL, buf);
	SNAP();
	for (i = 0; i < ARRAY_SIZE(caps); i++) {
		memset(&la, 0, sizeof(la));
		la.buf_ptr = (uintptr_t)buf;
		la.buf_cap = caps[i];
		for (l = 0; l < ARRAY_SIZE(ms_list_cmds); l++)
			EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, ms_list_cmds[l].cmd, &la))
				TH_LOG("%s buf_cap %u", ms_list_cmds[l].name, caps[i]);
		SAME("list capacity");
		if (!caps[i])
			continue;	/* 0 is a valid capacity for the others */
		memset(&ov, 0, sizeof(ov));
		ov.start = MS_SEG0;
		ov.size = 0x1000;
		ov.ids_ptr = (uintptr_t)buf;
		ov.ids_cap = caps[i];
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_CHECK_OVERLAP, &ov));
		memset(&st, 0, sizeof(st));
		st.streams_ptr = (uintptr_t)buf;
		st.streams_cap = caps[i];
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_GET_STATS, &st));
		SAME("ids / streams capacity");
	}
	/* The largest capacity is fine. */
	memset(&la, 0, sizeof(la));
	la.buf_ptr = (uintptr_t)buf;
	la.buf_cap = MS_LIST_MAX;
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_GET_BLOCKS, &la));
	EXPECT_EQ(0U, la.more);
	free(buf);
}

TEST_F(val, batch_count)
{
	__u32 n = self->info.max_batch + 1;
	struct memsim_batch_op *ops;
	struct memsim_batch_arg ba;
	__u32 i;

	ASSERT_NE(0U, self->info.max_batch);
	ASSERT_GT(1U << 20, self->info.max_batch) TH_LOG("max_batch is huge");
	ops = calloc(n, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	for (i = 0; i < n; i++) {
		ops[i].op = MEMSIM_BATCH_ALLOC;
		ops[i].size = 1;
		ops[i].stream = 0;
	}
	SNAP();
	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = n;
	EXPECT_EQ(-E2BIG, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	SAME("BATCH over max_batch");
	ba.count = 0;
	EXPECT_EQ(-E2BIG, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	SAME("BATCH of no operation");
	ba.count = ~0U;
	EXPECT_EQ(-E2BIG, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	SAME("BATCH of 2^32 - 1 operations");
	for (i = 0; i < n; i++)
		EXPECT_EQ(0, ops[i].error);
	free(ops);
}

TEST_F(val, simulate_bad_arguments)
{
	struct memsim_simulate_arg sim, bad[5];
	unsigned int i;

	memset(&sim, 0, sizeof(sim));
	sim.nr_ops = 10;
	sim.min_size = 16;
	sim.max_size = 64;
	sim.stream = 0;
	for (i = 0; i < ARRAY_SIZE(bad); i++)
		bad[i] = sim;
	bad[0].nr_ops = 0;
	bad[1].nr_ops = (1ULL << 20) + 1;
	bad[2].min_size = 0;
	bad[3].max_size = 15;
	bad[4].free_ppm = 1000001;

	SNAP();
	for (i = 0; i < ARRAY_SIZE(bad); i++) {
		EXPECT_EQ(-EINVAL, ms_ioctl(self->fd, MEMSIM_IOC_SIMULATE, &bad[i]))
			TH_LOG("case %u", i);
		SAME("SIMULATE invalid");
	}
	sim.free_ppm = 1000000;
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_SIMULATE, &sim));
}

TEST_F(val, unknown_ioctl)
{
	static const unsigned int dirs[] = {
		_IOC_NONE, _IOC_READ, _IOC_WRITE, _IOC_READ | _IOC_WRITE
	};
	unsigned char *buf = calloc(1, 1 << 14);
	unsigned long cmd;
	unsigned int nr, d;
	size_t i;

	ASSERT_NE(NULL, buf);
	SNAP();
	for (nr = 0x15; nr < 0x100; nr += 0x13) {
		cmd = _IOC(_IOC_READ | _IOC_WRITE, MEMSIM_IOC_MAGIC, nr, 64);
		EXPECT_EQ(-ENOTTY, ms_ioctl(self->fd, cmd, buf)) TH_LOG("nr 0x%x", nr);
	}
	SAME("unknown numbers");

	for (i = 0; i < NR_CMDS; i++) {
		const struct ms_cmd *c = &ms_cmds[i];
		unsigned int n = _IOC_NR(c->cmd);

		/* The right number with another size or direction. */
		cmd = _IOC(_IOC_DIR(c->cmd), MEMSIM_IOC_MAGIC, n, c->size + 8);
		EXPECT_EQ(-ENOTTY, ms_ioctl(self->fd, cmd, buf)) TH_LOG("%s, size + 8", c->name);
		cmd = _IOC(_IOC_DIR(c->cmd), MEMSIM_IOC_MAGIC, n, c->size - 8);
		EXPECT_EQ(-ENOTTY, ms_ioctl(self->fd, cmd, buf)) TH_LOG("%s, size - 8", c->name);
		for (d = 0; d < ARRAY_SIZE(dirs); d++) {
			if (dirs[d] == _IOC_DIR(c->cmd))
				continue;
			cmd = _IOC(dirs[d], MEMSIM_IOC_MAGIC, n, c->size);
			EXPECT_EQ(-ENOTTY, ms_ioctl(self->fd, cmd, buf))
				TH_LOG("%s, direction %u", c->name, dirs[d]);
		}
		/* Another driver's letter with memsim's number and size. */
		cmd = _IOC(_IOC_DIR(c->cmd), 'K', n, c->size);
		EXPECT_EQ(-ENOTTY, ms_ioctl(self->fd, cmd, buf)) TH_LOG("%s, type 'K'", c->name);
		SAME(c->name);
	}
	free(buf);
}

/* -ENOSPC: the one failure that changes something, the failure counters. */
TEST_F(val, enospc_counts_only_failures)
{
	struct memsim_alloc_arg a;
	struct ms_snap after;

	SNAP();
	ms_alloc_req(&a, 0x200000, 0);
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_ALLOC, &a));
	ms_snap_take(_metadata, self->fd, &after);
	ms_snap_count_failure(&self->snap, variant->strategy, 0, &after);
	ms_snap_free(&after);
	SAME("ALLOC -ENOSPC, less its failure count");

	/* CAN_ALLOC counts nothing, and still reports the largest size. */
	RESNAP();
	ms_alloc_req(&a, 0x200000, 0);
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	EXPECT_NE(0ULL, a.largest);
	EXPECT_EQ(self->snap.stats.streams[0].usage.largest_free, a.largest);
	SAME("CAN_ALLOC -ENOSPC");

	/* Another fixed block where one is allocated. */
	ms_alloc_req(&a, 64, 0);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = self->a;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("CAN_ALLOC fixed on an allocated block");
	/* The deferred free's block is not reusable until completed. */
	a.fixed_addr = self->d;
	a.stream = 1;
	EXPECT_EQ(-ENOSPC, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("CAN_ALLOC fixed on a deferred free");
}

/* GET_INFO's limits, and max_segments enforced. */
TEST_F_TIMEOUT(val, max_segments, 120)
{
	__u32 max = self->info.max_segments;
	long long id;
	__u32 i;

	ASSERT_NE(0U, self->info.max_segments);
	ASSERT_NE(0U, self->info.max_batch);
	ASSERT_NE(0ULL, self->info.max_blocks);
	if (max > 4096)
		SKIP(return, "max_segments %u: too many to create", max);

	/* Three exist; fill up with one-byte segments. */
	for (i = 3; i < max; i++) {
		id = ms_create(self->fd, 0x10000000ULL + 2 * i, 1, 7);
		ASSERT_EQ((long long)i + 1, id) TH_LOG("segment %u of %u", i + 1, max);
	}
	SNAP();
	EXPECT_EQ((__u64)max, self->snap.summary.nr_segments);
	EXPECT_EQ(-E2BIG, ms_create(self->fd, 0x20000000ULL, 1, 7));
	SAME("segment max_segments + 1");
	/* Validation comes first. */
	EXPECT_EQ(-EINVAL, ms_create(self->fd, 0x20000000ULL, 0, 7));
	SAME("zero-size segment when full");

	ASSERT_EQ(0, ms_release(self->fd, self->seg[2]));
	EXPECT_EQ((long long)max + 1, ms_create(self->fd, 0x20000000ULL, 1, 7));
}

/* max_blocks enforced: -E2BIG, not counted as a failure. */
TEST_F_TIMEOUT(val, max_blocks, 300)
{
	__u64 max = self->info.max_blocks, live = 3, n;
	struct memsim_batch_op *ops;
	struct memsim_batch_arg ba;
	struct memsim_alloc_arg a;
	__u32 i;

	if (max > 20000)
		SKIP(return, "max_blocks %llu: too many to allocate",
		     (unsigned long long)max);
	ASSERT_NE(0U, self->info.max_batch);
	/* Make room: a 64 MiB segment. */
	ASSERT_EQ(4, ms_create(self->fd, 0x10000000ULL, 64ULL << 20, 9));
	ops = calloc(self->info.max_batch, sizeof(*ops));
	ASSERT_NE(NULL, ops);
	while (live < max) {
		n = max - live;
		if (n > self->info.max_batch)
			n = self->info.max_batch;
		memset(ops, 0, n * sizeof(*ops));
		for (i = 0; i < n; i++) {
			ops[i].op = MEMSIM_BATCH_ALLOC;
			ops[i].size = 64;
			ops[i].stream = 9;
		}
		memset(&ba, 0, sizeof(ba));
		ba.ops_ptr = (uintptr_t)ops;
		ba.count = n;
		ASSERT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
		ASSERT_EQ(n, ba.done);
		ASSERT_EQ(0U, ba.failed);
		live += n;
	}
	SNAP();
	EXPECT_EQ(max, self->snap.summary.usage.live_blocks);
	EXPECT_EQ(-E2BIG, ms_alloc(self->fd, 64, 9, 0, NULL));
	SAME("ALLOC at max_blocks");
	/* A dry run does not hit the limit. */
	ms_alloc_req(&a, 64, 9);
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_CAN_ALLOC, &a));
	SAME("CAN_ALLOC at max_blocks");
	/* In a batch, the operation's own error. */
	memset(ops, 0, sizeof(*ops));
	ops[0].op = MEMSIM_BATCH_ALLOC;
	ops[0].size = 64;
	ops[0].stream = 9;
	memset(&ba, 0, sizeof(ba));
	ba.ops_ptr = (uintptr_t)ops;
	ba.count = 1;
	EXPECT_EQ(0, ms_ioctl(self->fd, MEMSIM_IOC_BATCH, &ba));
	EXPECT_EQ(1U, ba.done);
	EXPECT_EQ(1U, ba.failed);
	EXPECT_EQ(-E2BIG, ops[0].error);
	SAME("BATCH ALLOC at max_blocks");
	/* A deferred free still holds its block; a completed one does not. */
	ASSERT_EQ(0, ms_free(self->fd, self->a, 0, MEMSIM_FREE_DEFER, NULL));
	EXPECT_EQ(-E2BIG, ms_alloc(self->fd, 64, 9, 0, NULL));
	ASSERT_EQ(0, ms_complete(self->fd, self->a, NULL));
	EXPECT_EQ(0, ms_alloc(self->fd, 64, 9, 0, NULL));
	free(ops);
}

TEST_HARNESS_MAIN
