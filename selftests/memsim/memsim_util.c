// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftests: the helpers shared by the test programs
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Compiled once and linked into every test program; the declarations, the
 * shared structures in memsim_util.h; the fixture variants of the five
 * strategies in memsim_variants.h.
 *
 * The EXPECT_* and ASSERT_* macros come from kselftest_harness.h, which is
 * written to be included by exactly one file of a program: it defines the
 * harness's globals (_fixture_global, __active_test), __wait_for_test()
 * and __run_test().
 * Here they are renamed, so that this file's unused copies cannot clash
 * with the test program's own; the helpers touch only the struct
 * __test_metadata they are passed.
 */
#define _fixture_global		ms_util_unused_fixture_global
#define __active_test		ms_util_unused_active_test
#define __wait_for_test		ms_util_unused_wait_for_test
#define __run_test		ms_util_unused_run_test
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"
#pragma GCC diagnostic pop
#undef _fixture_global
#undef __active_test
#undef __wait_for_test
#undef __run_test

#include "memsim_util.h"

/**
 * ms_is_buddy() - whether a strategy is the buddy system
 * @strategy: a MEMSIM_STRATEGY_* value
 *
 * Every test program runs its tests under the six strategies: its fixture
 * variant holds a MEMSIM_STRATEGY_* value, one variant per strategy
 * (memsim_variants.h); helpers name them through the harness's struct
 * _test_data_NAME and struct _fixture_variant_NAME, as
 * tools/testing/selftests/net/tls.c does.
 *
 * Return: true for MEMSIM_STRATEGY_BUDDY.
 */
bool ms_is_buddy(__u32 strategy)
{
	return strategy == MEMSIM_STRATEGY_BUDDY;
}

/**
 * ms_ioctl() - ioctl() as 0 or -errno
 * @fd: an open memsim instance
 * @cmd: the MEMSIM_IOC_* command
 * @arg: its argument
 *
 * Return: 0, or -errno of the failed call (errno is preserved).
 */
int ms_ioctl(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) ? -errno : 0;
}

/**
 * ms_open() - open an instance
 *
 * Return: the file descriptor, or -errno; -ENOENT (no device node: the module is
 * not loaded) lets the caller SKIP.
 */
int ms_open(void)
{
	int fd = open(MEMSIM_DEV, O_RDWR | O_CLOEXEC);

	return fd < 0 ? -errno : fd;
}

/**
 * ms_open_instance() - a fixture's instance, with its GET_INFO
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: where the descriptor goes, stored before anything is checked, so
 *	that the fixture's teardown closes it
 * @info: filled by GET_INFO
 *
 * The setup every fixture of these programs starts with: open /dev/memsim
 * (ms_open()) and read the instance's limits and features.
 *
 * Return: 0, or -ENOENT when the device node is absent (the caller SKIPs
 * with %MS_ABSENT); any other failure fails the test.
 */
int ms_open_instance(struct __test_metadata *_metadata, int *fd, struct memsim_info *info)
{
	*fd = ms_open();
	if (*fd == -ENOENT)
		return -ENOENT;
	ASSERT_LE(0, *fd);
	ASSERT_EQ(0, ms_info(*fd, info));
	return 0;
}

/**
 * ms_set_strategy() - SET_STRATEGY
 * @fd: an open memsim instance
 * @strategy: a MEMSIM_STRATEGY_* value
 * @buddy_min: the buddy system's minimum block, 0 for the default
 *
 * Return: 0 or -errno.
 */
int ms_set_strategy(int fd, __u32 strategy, __u64 buddy_min)
{
	struct memsim_strategy_arg a;

	memset(&a, 0, sizeof(a));
	a.strategy = strategy;
	a.buddy_min_block = buddy_min;
	return ms_ioctl(fd, MEMSIM_IOC_SET_STRATEGY, &a);
}

/**
 * ms_create() - create a segment
 * @fd: an open memsim instance
 * @start: first address
 * @size: size in bytes
 * @stream: its stream; the device number is @stream + 100
 *
 * Return: the new segment's id (> 0), or -errno.
 */
long long ms_create(int fd, __u64 start, __u64 size, __u32 stream)
{
	struct memsim_segment_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.start = start;
	a.size = size;
	a.stream = stream;
	a.device = stream + 100;
	ret = ms_ioctl(fd, MEMSIM_IOC_CREATE_SEGMENT, &a);
	return ret ? ret : (long long)a.segment_id;
}

/**
 * ms_release() - release a segment
 * @fd: an open memsim instance
 * @id: the segment's id
 *
 * Return: 0 or -errno.
 */
int ms_release(int fd, __u64 id)
{
	struct memsim_segment_arg a;

	memset(&a, 0, sizeof(a));
	a.segment_id = id;
	return ms_ioctl(fd, MEMSIM_IOC_RELEASE_SEGMENT, &a);
}

/**
 * ms_alloc_req() - a zeroed ALLOC argument for a plain request
 * @a: the argument to fill
 * @size: bytes wanted
 * @stream: stream, or MS_ANY
 */
void ms_alloc_req(struct memsim_alloc_arg *a, __u64 size, __u32 stream)
{
	memset(a, 0, sizeof(*a));
	a->size = size;
	a->stream = stream;
}

/**
 * ms_alloc() - a plain allocation
 * @fd: an open memsim instance
 * @size: bytes wanted
 * @stream: stream, or MS_ANY
 * @tag: the block's tag
 * @out: the full answer, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_alloc(int fd, __u64 size, __u32 stream, __u64 tag, struct memsim_alloc_arg *out)
{
	struct memsim_alloc_arg a;
	int ret;

	ms_alloc_req(&a, size, stream);
	a.tag = tag;
	ret = ms_ioctl(fd, MEMSIM_IOC_ALLOC, &a);
	if (out)
		*out = a;
	return ret;
}

/**
 * ms_alloc_fixed() - an allocation at a fixed address
 * @fd: an open memsim instance
 * @addr: the address
 * @size: bytes wanted
 * @stream: stream, or MS_ANY
 *
 * Return: 0 or -errno.
 */
int ms_alloc_fixed(int fd, __u64 addr, __u64 size, __u32 stream)
{
	struct memsim_alloc_arg a;

	ms_alloc_req(&a, size, stream);
	a.flags = MEMSIM_ALLOC_FIXED;
	a.fixed_addr = addr;
	return ms_ioctl(fd, MEMSIM_IOC_ALLOC, &a);
}

/**
 * ms_free() - FREE
 * @fd: an open memsim instance
 * @addr: the block's address
 * @expected: the size the caller believes it has, 0 for any
 * @flags: MEMSIM_FREE_* flags
 * @out: the full answer, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_free(int fd, __u64 addr, __u64 expected, __u32 flags, struct memsim_free_arg *out)
{
	struct memsim_free_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.addr = addr;
	a.expected_size = expected;
	a.flags = flags;
	ret = ms_ioctl(fd, MEMSIM_IOC_FREE, &a);
	if (out)
		*out = a;
	return ret;
}

/**
 * ms_complete() - COMPLETE_FREE of a deferred free
 * @fd: an open memsim instance
 * @addr: the block's address
 * @out: the full answer, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_complete(int fd, __u64 addr, struct memsim_free_arg *out)
{
	struct memsim_free_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.addr = addr;
	ret = ms_ioctl(fd, MEMSIM_IOC_COMPLETE_FREE, &a);
	if (out)
		*out = a;
	return ret;
}

/**
 * ms_sync() - SYNC_STREAM
 * @fd: an open memsim instance
 * @stream: the stream, or MS_ANY
 * @completed: the number of frees completed, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_sync(int fd, __u32 stream, __u64 *completed)
{
	struct memsim_sync_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.stream = stream;
	ret = ms_ioctl(fd, MEMSIM_IOC_SYNC_STREAM, &a);
	if (completed)
		*completed = a.completed;
	return ret;
}

/**
 * ms_summary() - GET_SUMMARY
 * @fd: an open memsim instance
 * @s: the summary, zeroed first
 *
 * Return: 0 or -errno.
 */
int ms_summary(int fd, struct memsim_summary *s)
{
	memset(s, 0, sizeof(*s));
	return ms_ioctl(fd, MEMSIM_IOC_GET_SUMMARY, s);
}

/**
 * ms_info() - GET_INFO
 * @fd: an open memsim instance
 * @info: the answer, zeroed first
 *
 * Return: 0 or -errno.
 */
int ms_info(int fd, struct memsim_info *info)
{
	memset(info, 0, sizeof(*info));
	return ms_ioctl(fd, MEMSIM_IOC_GET_INFO, info);
}

/**
 * ms_reset() - RESET
 * @fd: an open memsim instance
 * @flags: MEMSIM_RESET_* flags
 *
 * Return: 0 or -errno.
 */
int ms_reset(int fd, __u32 flags)
{
	struct memsim_reset_arg a;

	memset(&a, 0, sizeof(a));
	a.flags = flags;
	return ms_ioctl(fd, MEMSIM_IOC_RESET, &a);
}

/**
 * ms_actual() - the size a strategy hands out for a request
 * @strategy: a MEMSIM_STRATEGY_* value
 * @size: bytes asked for
 * @buddy_min: the buddy system's minimum block
 *
 * Return: @size, or for the buddy system the smallest power-of-two multiple of
 * @buddy_min holding it.
 */
__u64 ms_actual(__u32 strategy, __u64 size, __u64 buddy_min)
{
	__u64 p = buddy_min;

	if (!ms_is_buddy(strategy))
		return size;
	while (p < size)
		p <<= 1;
	return p;
}

/**
 * ms_log2() - floor(log2(v))
 * @v: a value, not 0
 *
 * Return: the index of @v's highest set bit.
 */
unsigned int ms_log2(__u64 v)
{
	return 63 - __builtin_clzll(v);
}

/**
 * ms_pow2() - whether a value is a power of two
 * @v: the value
 *
 * Return: true for 1, 2, 4, ...; false for 0.
 */
bool ms_pow2(__u64 v)
{
	return v && !(v & (v - 1));
}

/**
 * ms_frag_ppm() - external fragmentation as the ABI defines it
 * @free: free bytes
 * @largest: the largest free block
 *
 * Return: (free - largest) / free in parts per million, rounded down like every
 * ratio; 0 when nothing is free.
 */
__u32 ms_frag_ppm(__u64 free, __u64 largest)
{
	if (!free || largest >= free)
		return 0;
	return (__u32)((__uint128_t)(free - largest) * MS_PPM / free);
}

/**
 * ms_ratio_ppm() - a ratio in parts per million
 * @num: numerator
 * @den: denominator
 *
 * Return: floor(num * 10^6 / den), 0 when @den is 0.
 */
__u64 ms_ratio_ppm(__u64 num, __u64 den)
{
	return den ? (__u64)((__uint128_t)num * MS_PPM / den) : 0;
}

/**
 * ms_list_all() - page through GET_SEGMENTS or GET_BLOCKS
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @cmd: MEMSIM_IOC_GET_SEGMENTS or MEMSIM_IOC_GET_BLOCKS
 * @esz: the size of one entry
 * @cap: entries per call
 * @cursor: where to start
 * @out: the listing, malloc()ed (free out->items)
 *
 * Checks the paging contract on the way: at most @cap entries per call,
 * strictly increasing starts, a returned cursor above the last entry listed
 * whenever more is set, progress, and zeroed reserved fields.
 *
 * Return: 0, or -errno of the first failing call.
 */
int ms_list_all(struct __test_metadata *_metadata, int fd, unsigned long cmd, size_t esz, __u32 cap,
		__u64 cursor, struct ms_list *out)
{
	struct memsim_list_arg a;
	size_t room = 1024, nr = 0;
	char *buf = malloc(room * esz);
	__u64 last = 0;
	bool have_last = false;
	unsigned int pages = 0;
	int ret;

	memset(out, 0, sizeof(*out));
	if (!buf)
		return -ENOMEM;
	for (;;) {
		size_t i;

		if (nr + cap > room) {
			room = (nr + cap) * 2;
			buf = realloc(buf, room * esz);
			if (!buf)
				return -ENOMEM;
		}
		memset(&a, 0, sizeof(a));
		a.buf_ptr = (uintptr_t)(buf + nr * esz);
		a.buf_cap = cap;
		a.cursor = cursor;
		ret = ms_ioctl(fd, cmd, &a);
		if (ret) {
			free(buf);
			return ret;
		}
		pages++;
		EXPECT_GE(cap, a.nr);
		EXPECT_EQ(0ULL, a.reserved[0]);
		EXPECT_EQ(0ULL, a.reserved[1]);
		EXPECT_TRUE(a.more == 0 || a.more == 1);
		if (a.nr > cap)
			a.nr = cap;
		for (i = 0; i < a.nr; i++) {
			__u64 start;

			/* Both entry types begin with their start address... */
			if (esz == sizeof(struct memsim_block_info))
				start = ((struct memsim_block_info *)(buf + (nr + i) * esz))->addr;
			else
				start = ((struct memsim_segment_info *)(buf + (nr + i) * esz))->start;
			/* ...which is at or above the cursor asked for, in order. */
			EXPECT_LE(cursor, start);
			if (have_last) {
				EXPECT_LT(last, start) {
					TH_LOG("page %u entry %zu: 0x%llx after 0x%llx",
					       pages, i, (unsigned long long)start,
					       (unsigned long long)last);
				}
			}
			last = start;
			have_last = true;
		}
		nr += a.nr;
		if (!a.more)
			break;
		/* Progress, and a cursor past what was listed. */
		ASSERT_NE(0U, a.nr) {
			TH_LOG("more set on an empty page");
		}
		ASSERT_LT(last, a.cursor) {
			TH_LOG("cursor 0x%llx does not move past 0x%llx",
			       (unsigned long long)a.cursor, (unsigned long long)last);
		}
		cursor = a.cursor;
		ASSERT_GT(1000000U, pages);
	}
	out->items = buf;
	out->nr = nr;
	out->pages = pages;
	return 0;
}

/**
 * ms_blocks() - every block, by ms_list_all()
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @cap: entries per call
 * @out: the listing
 *
 * Return: 0 or -errno.
 */
int ms_blocks(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_list *out)
{
	return ms_list_all(_metadata, fd, MEMSIM_IOC_GET_BLOCKS,
			   sizeof(struct memsim_block_info), cap, 0, out);
}

/**
 * ms_segments() - every segment, by ms_list_all()
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @cap: entries per call
 * @out: the listing
 *
 * Return: 0 or -errno.
 */
int ms_segments(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_list *out)
{
	return ms_list_all(_metadata, fd, MEMSIM_IOC_GET_SEGMENTS,
			   sizeof(struct memsim_segment_info), cap, 0, out);
}

/**
 * ms_find_block() - the block starting at an address in a listing
 * @l: a GET_BLOCKS listing (address order)
 * @addr: the address
 *
 * Return: the entry, or NULL.
 */
struct memsim_block_info *ms_find_block(struct ms_list *l, __u64 addr)
{
	size_t lo = 0, hi = l->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (MS_BLOCK(l, mid)->addr < addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo < l->nr && MS_BLOCK(l, lo)->addr == addr ? MS_BLOCK(l, lo) : NULL;
}

/**
 * ms_stats() - GET_STATS with every stream
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @cap: streams per call
 * @st: the answer: the first call's strategy counters, then every stream
 *
 * Checks the stream paging contract as ms_list_all() does for lists.
 *
 * Return: 0 or -errno.
 */
int ms_stats(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_stats *st)
{
	struct memsim_stats_arg a;
	__u64 cursor = 0;
	int ret;

	memset(st, 0, sizeof(*st));
	for (;;) {
		unsigned int i;

		if (st->nr_streams + cap > MS_MAX_STREAMS)
			cap = MS_MAX_STREAMS - st->nr_streams;
		memset(&a, 0, sizeof(a));
		a.streams_ptr = (uintptr_t)&st->streams[st->nr_streams];
		a.streams_cap = cap;
		a.stream_cursor = cursor;
		ret = ms_ioctl(fd, MEMSIM_IOC_GET_STATS, &a);
		if (ret)
			return ret;
		EXPECT_GE(cap, a.nr_streams);
		EXPECT_EQ(0ULL, a.reserved[0]);
		EXPECT_EQ(0ULL, a.reserved[1]);
		for (i = 0; i < a.nr_streams; i++) {
			struct memsim_stream_info *s = &st->streams[st->nr_streams + i];

			EXPECT_LE(cursor, (__u64)s->stream);
			EXPECT_TRUE(!(st->nr_streams + i) || s[-1].stream < s->stream);
			EXPECT_EQ(0U, s->pad);
		}
		st->nr_streams += a.nr_streams;
		if (!st->arg.streams_ptr) {
			/* Keep the strategy counters of the first call. */
			st->arg = a;
		}
		if (!a.more)
			break;
		ASSERT_NE(0U, a.nr_streams);
		ASSERT_GT(a.stream_cursor, (__u64)st->streams[st->nr_streams - 1].stream);
		ASSERT_GT(MS_MAX_STREAMS, st->nr_streams);
		cursor = a.stream_cursor;
	}
	st->arg.streams_ptr = 0;
	st->arg.streams_cap = 0;
	st->arg.stream_cursor = 0;
	st->arg.nr_streams = 0;
	st->arg.more = 0;
	return 0;
}

/**
 * ms_stream() - one stream of a GET_STATS answer
 * @st: the answer
 * @id: the stream number
 *
 * Return: its entry, or NULL.
 */
struct memsim_stream_info *ms_stream(struct ms_stats *st, __u32 id)
{
	unsigned int i;

	for (i = 0; i < st->nr_streams; i++)
		if (st->streams[i].stream == id)
			return &st->streams[i];
	return NULL;
}

/**
 * ms_snap_take() - take a snapshot of everything observable
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @s: the snapshot (release with ms_snap_free())
 *
 * See &struct ms_snap: summary, statistics, segments, blocks and the probe.
 */
void ms_snap_take(struct __test_metadata *_metadata, int fd, struct ms_snap *s)
{
	memset(s, 0, sizeof(*s));
	ASSERT_EQ(0, ms_summary(fd, &s->summary));
	ASSERT_EQ(0, ms_stats(_metadata, fd, 16, &s->stats));
	/* Pages of 256: the kernel's bounce buffer stays small (fast under KASAN). */
	ASSERT_EQ(0, ms_segments(_metadata, fd, 256, &s->segs));
	ASSERT_EQ(0, ms_blocks(_metadata, fd, 256, &s->blocks));
	ms_alloc_req(&s->probe, 64, MS_ANY);
	s->probe_ret = ms_ioctl(fd, MEMSIM_IOC_CAN_ALLOC, &s->probe);
}

/**
 * ms_snap_free() - release a snapshot's listings
 * @s: the snapshot
 */
void ms_snap_free(struct ms_snap *s)
{
	free(s->segs.items);
	free(s->blocks.items);
	s->segs.items = NULL;
	s->blocks.items = NULL;
}

/**
 * ms_same() - compare two objects, reporting the first difference
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @what: what they are, for the message
 * @a: one
 * @b: the other
 * @len: their size
 *
 * Return: true if equal; else false, after logging the first differing 64-bit word.
 */
bool ms_same(struct __test_metadata *_metadata, const char *what, const void *a, const void *b,
	     size_t len)
{
	const unsigned char *x = a, *y = b;
	size_t i;

	if (!memcmp(a, b, len))
		return true;
	for (i = 0; i < len; i++)
		if (x[i] != y[i])
			break;
	i &= ~(size_t)7;
	TH_LOG("%s changed at byte %zu: 0x%llx -> 0x%llx", what, i,
	       (unsigned long long)(i + 8 <= len ? *(const __u64 *)(x + i) : x[i]),
	       (unsigned long long)(i + 8 <= len ? *(const __u64 *)(y + i) : y[i]));
	return false;
}

/**
 * ms_snap_expect_same() - require the instance to be as it was
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @before: the snapshot taken before
 * @ctx: what was done, for the message
 *
 * Takes a new snapshot and expects it to equal @before in every respect.
 */
void ms_snap_expect_same(struct __test_metadata *_metadata, int fd, struct ms_snap *before,
			 const char *ctx)
{
	struct ms_snap after;
	bool ok = true;

	ms_snap_take(_metadata, fd, &after);
	ok &= ms_same(_metadata, "summary", &before->summary, &after.summary,
		      sizeof(after.summary));
	ok &= ms_same(_metadata, "strategy stats", before->stats.arg.strategies,
		      after.stats.arg.strategies, sizeof(after.stats.arg.strategies));
	if (before->stats.nr_streams != after.stats.nr_streams) {
		TH_LOG("stream count %u -> %u", before->stats.nr_streams,
		       after.stats.nr_streams);
		ok = false;
	} else {
		ok &= ms_same(_metadata, "streams", before->stats.streams,
			      after.stats.streams,
			      after.stats.nr_streams * sizeof(after.stats.streams[0]));
	}
	if (before->segs.nr != after.segs.nr) {
		TH_LOG("segment count %zu -> %zu", before->segs.nr, after.segs.nr);
		ok = false;
	} else {
		ok &= ms_same(_metadata, "segments", before->segs.items, after.segs.items,
			      after.segs.nr * sizeof(struct memsim_segment_info));
	}
	if (before->blocks.nr != after.blocks.nr) {
		TH_LOG("block count %zu -> %zu", before->blocks.nr, after.blocks.nr);
		ok = false;
	} else {
		ok &= ms_same(_metadata, "blocks", before->blocks.items, after.blocks.items,
			      after.blocks.nr * sizeof(struct memsim_block_info));
	}
	if (before->probe_ret != after.probe_ret) {
		TH_LOG("probe %d -> %d", before->probe_ret, after.probe_ret);
		ok = false;
	} else {
		ok &= ms_same(_metadata, "probe", &before->probe, &after.probe,
			      sizeof(after.probe));
	}
	EXPECT_TRUE(ok) {
		TH_LOG("state changed by: %s", ctx);
	}
	ms_snap_free(&after);
}

/**
 * ms_snap_count_failure() - the one change a failed allocation may make
 * @before: the snapshot to adjust
 * @strategy: the active strategy
 * @stream: the stream asked for
 * @after: the snapshot taken after
 *
 * A failed allocation (-ENOSPC) counts a failure for the pool, the active
 * strategy and the stream asked for, and the strategy's step and time
 * counters may grow: @before is adjusted accordingly.
 */
void ms_snap_count_failure(struct ms_snap *before, __u32 strategy, __u32 stream,
			   struct ms_snap *after)
{
	struct memsim_strategy_stats_info *b = &before->stats.arg.strategies[strategy];
	const struct memsim_strategy_stats_info *a = &after->stats.arg.strategies[strategy];
	struct memsim_stream_info *s = ms_stream(&before->stats, stream);

	before->summary.usage.failures++;
	b->failures++;
	if (a->steps >= b->steps)
		b->steps = a->steps;
	if (a->alloc_ns >= b->alloc_ns)
		b->alloc_ns = a->alloc_ns;
	if (s && stream != MS_ANY)
		s->usage.failures++;
}

/**
 * ms_usage_add_block() - add a block to recomputed counters
 * @u: the counters
 * @b: the block
 */
void ms_usage_add_block(struct memsim_usage_info *u, const struct memsim_block_info *b)
{
	if (b->state == MEMSIM_STATE_FREE) {
		u->free += b->size;
		u->free_blocks++;
		u->free_hist[ms_log2(b->size)]++;
		if (b->size > u->largest_free)
			u->largest_free = b->size;
		return;
	}
	u->allocated += b->size;
	u->requested += b->requested;
	u->live_blocks++;
	if (b->state == MEMSIM_STATE_FREE_REQUESTED) {
		u->deferred_blocks++;
		u->deferred_bytes += b->size;
	}
}

/**
 * ms_usage_expect() - state counters against recomputed ones
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @what: whose counters, for the messages
 * @want: recomputed from the blocks
 * @got: reported by the instance
 * @buddy: the instance is in buddy mode (unused)
 */
void ms_usage_expect(struct __test_metadata *_metadata, const char *what,
		     const struct memsim_usage_info *want, const struct memsim_usage_info *got,
		     bool buddy)
{
	unsigned int i;

	EXPECT_EQ(want->total, got->total) TH_LOG("%s: total", what);
	EXPECT_EQ(want->allocated, got->allocated) TH_LOG("%s: allocated", what);
	EXPECT_EQ(want->requested, got->requested) TH_LOG("%s: requested", what);
	EXPECT_EQ(want->free, got->free) TH_LOG("%s: free", what);
	EXPECT_EQ(want->live_blocks, got->live_blocks) TH_LOG("%s: live_blocks", what);
	EXPECT_EQ(want->free_blocks, got->free_blocks) TH_LOG("%s: free_blocks", what);
	EXPECT_EQ(want->deferred_blocks, got->deferred_blocks)
		TH_LOG("%s: deferred_blocks", what);
	EXPECT_EQ(want->deferred_bytes, got->deferred_bytes)
		TH_LOG("%s: deferred_bytes", what);
	EXPECT_EQ(want->largest_free, got->largest_free) TH_LOG("%s: largest_free", what);
	EXPECT_LE(got->allocated, got->peak_allocated) TH_LOG("%s: peak", what);
	EXPECT_EQ(got->total, got->allocated + got->free) TH_LOG("%s: total", what);
	EXPECT_EQ(ms_frag_ppm(want->free, want->largest_free), got->frag_ppm)
		TH_LOG("%s: frag_ppm", what);
	EXPECT_EQ(ms_ratio_ppm(want->allocated, want->total), got->utilization_ppm)
		TH_LOG("%s: utilization_ppm %u", what, got->utilization_ppm);
	for (i = 0; i < MEMSIM_HIST_SIZE; i++)
		EXPECT_EQ(want->free_hist[i], got->free_hist[i])
			TH_LOG("%s: free_hist[%u]", what, i);
	(void)buddy;
}

/**
 * ms_check_pool() - the instance's invariants, recomputed from its blocks
 * @_metadata: the calling test's harness metadata (EXPECT/ASSERT report there)
 * @fd: an open memsim instance
 * @cap: entries per list call
 * @held: the blocks the caller believes it holds, or NULL
 * @nr_held: entries of @held
 *
 * From GET_SEGMENTS, GET_BLOCKS (paged @cap at a time), GET_STATS and
 * GET_SUMMARY:
 *
 * - each segment's blocks tile it exactly, in address order, no overlaps;
 * - fit strategies: no two neighbouring free blocks (frees coalesce);
 *   buddy: every block a power of two aligned to its size;
 * - per segment, per stream and for the whole pool, the state counters
 *   equal what the blocks add up to; the segment's own fields too;
 * - if @held is given, the allocated blocks are exactly those, with their
 *   sizes, tags and states.
 *
 * Call it only while nothing else changes the instance.
 */
void ms_check_pool(struct __test_metadata *_metadata, int fd, __u32 cap, const struct ms_held *held,
		   size_t nr_held)
{
	struct memsim_usage_info *want_seg = NULL, want_pool, want_stream[MS_MAX_STREAMS];
	struct memsim_summary sum;
	struct ms_list segs, blocks;
	struct ms_stats *st;
	size_t i, b = 0, live = 0;
	bool buddy;

	st = calloc(1, sizeof(*st));
	ASSERT_NE(NULL, st);
	ASSERT_EQ(0, ms_summary(fd, &sum));
	buddy = ms_is_buddy(sum.strategy);
	ASSERT_EQ(0, ms_segments(_metadata, fd, cap, &segs));
	ASSERT_EQ(0, ms_blocks(_metadata, fd, cap, &blocks));
	ASSERT_EQ(0, ms_stats(_metadata, fd, 3, st));
	EXPECT_EQ(sum.nr_segments, segs.nr);
	EXPECT_EQ(sum.nr_streams, st->nr_streams);

	memset(&want_pool, 0, sizeof(want_pool));
	memset(want_stream, 0, sizeof(want_stream));
	want_seg = calloc(segs.nr + 1, sizeof(*want_seg));
	ASSERT_NE(NULL, want_seg);

	for (i = 0; i < segs.nr; i++) {
		struct memsim_segment_info *s = MS_SEG(&segs, i);
		struct memsim_stream_info *si = ms_stream(st, s->stream);
		__u64 at = s->start, nr = 0, largest = 0;
		struct memsim_block_info *prev = NULL;

		ASSERT_NE(NULL, si) TH_LOG("segment %llu: stream %u not listed",
					   (unsigned long long)s->id, s->stream);
		want_seg[i].total = s->size;
		want_pool.total += s->size;
		want_stream[si - st->streams].total += s->size;
		/* The blocks of this segment come next in address order. */
		for (; b < blocks.nr && MS_BLOCK(&blocks, b)->addr < s->start + s->size; b++) {
			struct memsim_block_info *bl = MS_BLOCK(&blocks, b);

			EXPECT_EQ(at, bl->addr) TH_LOG("segment %llu: hole or overlap at 0x%llx",
						       (unsigned long long)s->id,
						       (unsigned long long)at);
			EXPECT_EQ(s->id, bl->segment_id);
			EXPECT_EQ(s->stream, bl->stream);
			EXPECT_NE(0ULL, bl->size);
			EXPECT_GE(s->start + s->size - bl->addr, bl->size);
			EXPECT_LE(bl->state, (__u32)MEMSIM_STATE_FREE_REQUESTED);
			if (bl->state == MEMSIM_STATE_FREE) {
				EXPECT_EQ(0ULL, bl->requested);
				EXPECT_EQ(0ULL, bl->tag);
				EXPECT_EQ(0ULL, bl->alloc_ns);
				EXPECT_EQ(0ULL, bl->free_ns);
				if (bl->size > largest)
					largest = bl->size;
				EXPECT_FALSE(!buddy && prev && prev->state == MEMSIM_STATE_FREE) {
					TH_LOG("free blocks 0x%llx and 0x%llx not coalesced",
					       (unsigned long long)prev->addr,
					       (unsigned long long)bl->addr);
				}
			} else {
				EXPECT_NE(0ULL, bl->requested);
				EXPECT_LE(bl->requested, bl->size);
				EXPECT_NE(0ULL, bl->alloc_ns);
				EXPECT_EQ(bl->state == MEMSIM_STATE_FREE_REQUESTED, bl->free_ns != 0);
				EXPECT_TRUE(buddy || bl->requested == bl->size);
				live++;
			}
			if (buddy) {
				EXPECT_TRUE(ms_pow2(bl->size)) TH_LOG("buddy block 0x%llx size %llu",
					(unsigned long long)bl->addr,
					(unsigned long long)bl->size);
				EXPECT_EQ(0ULL, bl->addr & (bl->size - 1));
			}
			ms_usage_add_block(&want_seg[i], bl);
			ms_usage_add_block(&want_pool, bl);
			ms_usage_add_block(&want_stream[si - st->streams], bl);
			at = bl->addr + bl->size;
			prev = bl;
			nr++;
		}
		EXPECT_EQ(s->start + s->size, at) TH_LOG("segment %llu not tiled to its end",
							 (unsigned long long)s->id);
		EXPECT_EQ(nr, s->nr_blocks);
		EXPECT_EQ(largest, s->largest_free);
		EXPECT_EQ(nr > 1 ? ms_ratio_ppm(nr - 1, nr) : 0, s->split_ratio_ppm);
		EXPECT_EQ(0U, s->pad);
		EXPECT_EQ(0ULL, s->usage.failures);
		ms_usage_expect(_metadata, "segment", &want_seg[i], &s->usage, buddy);
	}
	EXPECT_EQ(blocks.nr, b) TH_LOG("%zu blocks outside every segment", blocks.nr - b);
	for (i = 0; i < st->nr_streams; i++) {
		__u64 nsegs = 0;
		size_t j;

		for (j = 0; j < segs.nr; j++)
			nsegs += MS_SEG(&segs, j)->stream == st->streams[i].stream;
		EXPECT_EQ(nsegs, st->streams[i].nr_segments);
		ms_usage_expect(_metadata, "stream", &want_stream[i], &st->streams[i].usage,
				buddy);
	}
	ms_usage_expect(_metadata, "pool", &want_pool, &sum.usage, buddy);

	if (held) {
		EXPECT_EQ(nr_held, live);
		for (i = 0; i < nr_held; i++) {
			struct memsim_block_info *bl = ms_find_block(&blocks, held[i].addr);

			if (!bl) {
				EXPECT_NE(NULL, bl) TH_LOG("held block 0x%llx not listed",
							   (unsigned long long)held[i].addr);
				continue;
			}
			EXPECT_EQ(held[i].state, bl->state)
				TH_LOG("0x%llx", (unsigned long long)held[i].addr);
			EXPECT_EQ(held[i].requested, bl->requested);
			EXPECT_EQ(held[i].size, bl->size);
			EXPECT_EQ(held[i].tag, bl->tag);
		}
	}
	free(segs.items);
	free(blocks.items);
	free(want_seg);
	free(st);
}

/**
 * ms_prot_none_page() - a page that cannot be touched, for -EFAULT
 *
 * Return: the page, or NULL.
 */
void *ms_prot_none_page(void)
{
	void *p = mmap(NULL, getpagesize(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);

	return p == MAP_FAILED ? NULL : p;
}

/**
 * ms_trace_ctl() - TRACE_CTL
 * @fd: an open memsim instance
 * @capacity: records the ring holds
 * @flags: MEMSIM_TRACE_* flags
 *
 * Return: 0 or -errno.
 */
int ms_trace_ctl(int fd, __u32 capacity, __u32 flags)
{
	struct memsim_trace_ctl_arg a;

	memset(&a, 0, sizeof(a));
	a.capacity = capacity;
	a.flags = flags;
	return ms_ioctl(fd, MEMSIM_IOC_TRACE_CTL, &a);
}

/**
 * ms_trace_read() - one TRACE_READ
 * @fd: an open memsim instance
 * @cursor: where to read from
 * @buf: the records
 * @cap: records @buf holds
 * @out: the answer, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_trace_read(int fd, __u64 cursor, struct memsim_trace_record *buf, __u32 cap,
		  struct memsim_trace_read_arg *out)
{
	struct memsim_trace_read_arg a;
	int ret;

	memset(&a, 0, sizeof(a));
	a.buf_ptr = (uintptr_t)buf;
	a.buf_cap = cap;
	a.cursor = cursor;
	ret = ms_ioctl(fd, MEMSIM_IOC_TRACE_READ, &a);
	if (out)
		*out = a;
	return ret;
}

/**
 * ms_trace_status() - the trace's state
 * @fd: an open memsim instance
 * @out: the answer of a TRACE_READ with no buffer, from the head
 *
 * Cursor 0 is always valid; the second read, from the head, has lost == 0.
 *
 * Return: 0 or -errno.
 */
int ms_trace_status(int fd, struct memsim_trace_read_arg *out)
{
	int ret = ms_trace_read(fd, 0, NULL, 0, out);

	/* Cursor 0 is always valid; ask again from the head for lost == 0. */
	if (!ret)
		ret = ms_trace_read(fd, out->head, NULL, 0, out);
	return ret;
}

/**
 * ms_trace_all() - every record kept from a cursor on
 * @fd: an open memsim instance
 * @cursor: where to start
 * @cap: records per read
 * @recs: the records, malloc()ed (free() it)
 * @nr: their number
 * @first_lost: the lost count of the first read, when not NULL
 *
 * Return: 0 or -errno.
 */
int ms_trace_all(int fd, __u64 cursor, __u32 cap, struct memsim_trace_record **recs, size_t *nr,
		 __u64 *first_lost)
{
	struct memsim_trace_read_arg a;
	struct memsim_trace_record *buf = NULL;
	size_t n = 0, room = 0;
	bool first = true;
	int ret;

	for (;;) {
		if (n + cap > room) {
			room = (n + cap) * 2;
			buf = realloc(buf, room * sizeof(*buf));
			if (!buf)
				return -ENOMEM;
		}
		ret = ms_trace_read(fd, cursor, buf + n, cap, &a);
		if (ret) {
			free(buf);
			return ret;
		}
		if (first && first_lost)
			*first_lost = a.lost;
		first = false;
		n += a.nr;
		cursor = a.cursor;
		if (!a.nr || cursor >= a.head)
			break;
	}
	*recs = buf;
	*nr = n;
	return 0;
}

/* Names of the trace operations, as the debugfs trace file prints them. */
const char * const ms_trace_op_names[MEMSIM_TRACE_OP_COUNT] = {
	[MEMSIM_TRACE_SEGMENT_CREATE] = "segment_create",
	[MEMSIM_TRACE_SEGMENT_RELEASE] = "segment_release",
	[MEMSIM_TRACE_ALLOC] = "alloc",
	[MEMSIM_TRACE_ALLOC_FAIL] = "alloc_fail",
	[MEMSIM_TRACE_FREE_REQUEST] = "free_request",
	[MEMSIM_TRACE_FREE_COMPLETE] = "free_complete",
	[MEMSIM_TRACE_SPLIT] = "split",
	[MEMSIM_TRACE_COALESCE] = "coalesce",
	[MEMSIM_TRACE_BUDDY_SPLIT] = "buddy_split",
	[MEMSIM_TRACE_BUDDY_MERGE] = "buddy_merge",
	[MEMSIM_TRACE_STRATEGY] = "strategy",
	[MEMSIM_TRACE_RESET] = "reset",
};

/* Names of the strategies, as debugfs prints them. */
const char * const ms_strategy_names[MEMSIM_STRATEGY_COUNT] = {
	[MEMSIM_STRATEGY_FIRST_FIT] = "first",
	[MEMSIM_STRATEGY_BEST_FIT] = "best",
	[MEMSIM_STRATEGY_WORST_FIT] = "worst",
	[MEMSIM_STRATEGY_NEXT_FIT] = "next",
	[MEMSIM_STRATEGY_BUDDY] = "buddy",
	[MEMSIM_STRATEGY_TLSF] = "tlsf",
};

/**
 * ms_read_file() - a whole file, NUL-terminated
 * @path: the file
 * @len: its length, when not NULL
 *
 * Read in small pieces, so that seq_file refills its buffer many times.
 *
 * Return: a malloc()ed buffer, or NULL with errno set.
 */
char *ms_read_file(const char *path, size_t *len)
{
	size_t n = 0, room = 4096;
	char *buf = malloc(room + 1);
	int fd, err;

	if (!buf)
		return NULL;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		goto fail;
	for (;;) {
		ssize_t r;

		if (n + 512 > room) {
			char *nb = realloc(buf, room * 2 + 1);

			if (!nb) {
				errno = ENOMEM;
				goto fail_close;
			}
			buf = nb;
			room *= 2;
		}
		r = read(fd, buf + n, 512);
		if (r < 0)
			goto fail_close;
		if (!r)
			break;
		n += r;
	}
	close(fd);
	buf[n] = '\0';
	if (len)
		*len = n;
	return buf;
fail_close:
	err = errno;
	close(fd);
	errno = err;
fail:
	err = errno;
	free(buf);
	errno = err;
	return NULL;
}

/**
 * ms_read_lines() - a file split into lines
 * @path: the file
 * @l: the lines (release with ms_lines_free())
 *
 * The trailing newline of each line is removed.
 *
 * Return: 0 or -errno.
 */
int ms_read_lines(const char *path, struct ms_lines *l)
{
	size_t len, room = 64;
	char *p;

	memset(l, 0, sizeof(*l));
	l->buf = ms_read_file(path, &len);
	if (!l->buf)
		return -errno;
	l->line = malloc(room * sizeof(*l->line));
	if (!l->line)
		return -ENOMEM;
	for (p = l->buf; *p;) {
		char *nl = strchr(p, '\n');

		if (l->nr == room) {
			room *= 2;
			l->line = realloc(l->line, room * sizeof(*l->line));
			if (!l->line)
				return -ENOMEM;
		}
		l->line[l->nr++] = p;
		if (!nl)
			break;
		*nl = '\0';
		p = nl + 1;
	}
	return 0;
}

/**
 * ms_lines_free() - release what ms_read_lines() made
 * @l: the lines
 */
void ms_lines_free(struct ms_lines *l)
{
	free(l->buf);
	free(l->line);
	memset(l, 0, sizeof(*l));
}

/**
 * ms_split_tabs() - split a line at its tabs, in place
 * @line: the line
 * @field: the fields found
 * @max: entries of @field
 *
 * Return: the number of fields; the last one keeps any further tabs.
 */
unsigned int ms_split_tabs(char *line, char **field, unsigned int max)
{
	unsigned int n = 0;

	while (n < max) {
		char *tab;

		field[n++] = line;
		tab = strchr(line, '\t');
		if (!tab || n == max)
			break;
		*tab = '\0';
		line = tab + 1;
	}
	return n;
}

/**
 * ms_debugfs_dir() - the debugfs directory of an instance
 * @path: where the path goes
 * @len: its size
 * @instance_id: the instance's id (GET_INFO)
 */
void ms_debugfs_dir(char *path, size_t len, __u64 instance_id)
{
	snprintf(path, len, MS_DEBUGFS "/%llu", (unsigned long long)instance_id);
}

/**
 * ms_debugfs_available() - whether the memsim debugfs views can be read here
 * @info: the instance's GET_INFO
 *
 * Return: true if the module has them and debugfs is mounted.
 */
bool ms_debugfs_available(const struct memsim_info *info)
{
	return (info->features & MEMSIM_FEATURE_DEBUGFS) &&
		access(MS_DEBUGFS "/instances", R_OK) == 0;
}
