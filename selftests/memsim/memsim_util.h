/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim kselftests: helpers shared by the test programs
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Included by the *_test.c files after kselftest_harness.h; the helpers are
 * compiled once in memsim_util.c (each documented there) and linked into
 * every test program.  Every helper
 * that checks something takes the harness's _metadata, so EXPECT_* and
 * ASSERT_* report in the calling test; none of them may be called from a
 * thread or a forked worker (workers report through their own results).
 *
 * The central helpers:
 *
 * - ms_snap_take() / ms_snap_expect_same(): everything userspace can observe
 *   of an instance (summary, per-strategy and per-stream statistics, every
 *   segment, every block, and where a small allocation would go, which
 *   exposes next fit's cursor), to prove that a failing call changed
 *   nothing;
 * - ms_check_pool(): the instance's invariants recomputed from its blocks:
 *   blocks tile their segments, counters, histogram, fragmentation, and the
 *   blocks a caller believes it holds.
 */
#ifndef _MEMSIM_SELFTEST_UTIL_H
#define _MEMSIM_SELFTEST_UTIL_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/memsim.h>

/*
 * TEST_F()'s wrapper in kselftest_harness.h keeps a local across setjmp();
 * once GCC inlines a long test body into it, -Wclobbered fires at -O2.  The
 * local only matters after an ASSERT has failed, and the test is failed
 * either way.
 */
#pragma GCC diagnostic ignored "-Wclobbered"

/* The harness's per-test state; the helpers only take pointers to it. */
struct __test_metadata;

#define MEMSIM_DEV		"/dev/memsim"
#define MS_LIST_MAX		4096	/* most entries one list call returns */
#define MS_MAX_STREAMS		64U	/* most streams a test snapshot keeps */
#define MS_PPM			1000000ULL
#define MS_ANY			MEMSIM_STREAM_ANY_ID

/* Segments the tests lay out; every start is aligned to 1 MiB. */
#define MS_SEG0			0x100000ULL
#define MS_SEG1			0x400000ULL
#define MS_SEG2			0x800000ULL

/* What a fixture's setup SKIPs with when ms_open_instance() says -ENOENT. */
#define MS_ABSENT		MEMSIM_DEV " is absent: load memsim.ko"

bool ms_is_buddy(__u32 strategy);
int ms_ioctl(int fd, unsigned long cmd, void *arg);
int ms_open(void);
int ms_open_instance(struct __test_metadata *_metadata, int *fd, struct memsim_info *info);
int ms_set_strategy(int fd, __u32 strategy, __u64 buddy_min);
long long ms_create(int fd, __u64 start, __u64 size, __u32 stream);
int ms_release(int fd, __u64 id);
void ms_alloc_req(struct memsim_alloc_arg *a, __u64 size, __u32 stream);
int ms_alloc(int fd, __u64 size, __u32 stream, __u64 tag, struct memsim_alloc_arg *out);
int ms_alloc_fixed(int fd, __u64 addr, __u64 size, __u32 stream);
int ms_free(int fd, __u64 addr, __u64 expected, __u32 flags, struct memsim_free_arg *out);
int ms_complete(int fd, __u64 addr, struct memsim_free_arg *out);
int ms_sync(int fd, __u32 stream, __u64 *completed);
int ms_summary(int fd, struct memsim_summary *s);
int ms_info(int fd, struct memsim_info *info);
int ms_reset(int fd, __u32 flags);
__u64 ms_actual(__u32 strategy, __u64 size, __u64 buddy_min);
unsigned int ms_log2(__u64 v);
bool ms_pow2(__u64 v);
__u32 ms_frag_ppm(__u64 free, __u64 largest);
__u64 ms_ratio_ppm(__u64 num, __u64 den);

/* A listing from GET_SEGMENTS or GET_BLOCKS. */
struct ms_list {
	void *items;
	size_t nr;
	unsigned int pages;
};

int ms_list_all(struct __test_metadata *_metadata, int fd, unsigned long cmd, size_t esz, __u32 cap,
		__u64 cursor, struct ms_list *out);
int ms_blocks(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_list *out);
int ms_segments(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_list *out);

#define MS_BLOCK(l, i)	(&((struct memsim_block_info *)(l)->items)[i])
#define MS_SEG(l, i)	(&((struct memsim_segment_info *)(l)->items)[i])

struct memsim_block_info *ms_find_block(struct ms_list *l, __u64 addr);

/* GET_STATS with every stream, paging @cap streams at a time. */
struct ms_stats {
	struct memsim_stats_arg arg;
	struct memsim_stream_info streams[MS_MAX_STREAMS];
	unsigned int nr_streams;
};

int ms_stats(struct __test_metadata *_metadata, int fd, __u32 cap, struct ms_stats *st);
struct memsim_stream_info *ms_stream(struct ms_stats *st, __u32 id);

/*
 * Everything observable about an instance.  The probe is a CAN_ALLOC of 64
 * bytes on any stream: it shows where the next allocation would go, which
 * for next fit depends on the (otherwise hidden) roving cursor.
 */
struct ms_snap {
	struct memsim_summary summary;
	struct ms_stats stats;
	struct ms_list segs;
	struct ms_list blocks;
	int probe_ret;
	struct memsim_alloc_arg probe;
};

void ms_snap_take(struct __test_metadata *_metadata, int fd, struct ms_snap *s);
void ms_snap_free(struct ms_snap *s);
bool ms_same(struct __test_metadata *_metadata, const char *what, const void *a, const void *b,
	     size_t len);
void ms_snap_expect_same(struct __test_metadata *_metadata, int fd, struct ms_snap *before,
			 const char *ctx);
void ms_snap_count_failure(struct ms_snap *before, __u32 strategy, __u32 stream,
			   struct ms_snap *after);

/* A block a test believes it holds. */
struct ms_held {
	__u64 addr;
	__u64 requested;
	__u64 size;
	__u64 tag;
	__u32 state;	/* MEMSIM_STATE_ALLOCATED or _FREE_REQUESTED */
};

void ms_usage_add_block(struct memsim_usage_info *u, const struct memsim_block_info *b);
void ms_usage_expect(struct __test_metadata *_metadata, const char *what,
		     const struct memsim_usage_info *want, const struct memsim_usage_info *got,
		     bool buddy);
void ms_check_pool(struct __test_metadata *_metadata, int fd, __u32 cap, const struct ms_held *held,
		   size_t nr_held);
void *ms_prot_none_page(void);
int ms_trace_ctl(int fd, __u32 capacity, __u32 flags);
int ms_trace_read(int fd, __u64 cursor, struct memsim_trace_record *buf, __u32 cap,
		  struct memsim_trace_read_arg *out);
int ms_trace_status(int fd, struct memsim_trace_read_arg *out);
int ms_trace_all(int fd, __u64 cursor, __u32 cap, struct memsim_trace_record **recs, size_t *nr,
		 __u64 *first_lost);
extern const char * const ms_trace_op_names[MEMSIM_TRACE_OP_COUNT];
extern const char * const ms_strategy_names[MEMSIM_STRATEGY_COUNT];

/* debugfs views: /sys/kernel/debug/memsim/. */
#define MS_DEBUGFS		"/sys/kernel/debug/memsim"

char *ms_read_file(const char *path, size_t *len);

/* A file split into lines (the trailing newline of each removed). */
struct ms_lines {
	char *buf;
	char **line;
	size_t nr;
};

int ms_read_lines(const char *path, struct ms_lines *l);
void ms_lines_free(struct ms_lines *l);
unsigned int ms_split_tabs(char *line, char **field, unsigned int max);
void ms_debugfs_dir(char *path, size_t len, __u64 instance_id);
bool ms_debugfs_available(const struct memsim_info *info);

#endif /* _MEMSIM_SELFTEST_UTIL_H */
