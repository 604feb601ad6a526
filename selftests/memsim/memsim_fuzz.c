// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_fuzz: a seeded, bounded fuzzer of the /dev/memsim ioctl interface
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsim_fuzz [--seed N] [--ops M] [--procs P] [--threads T] [-v]
 *
 * The first line is always "# memsim_fuzz: seed N ops M": a failure is
 * rerun with the same --seed and --ops.  The sequential phase is
 * deterministic for a seed (its buffers sit at fixed addresses); the
 * concurrent phase is not, by nature, but its operation mix is.
 *
 * Every call is one of:
 * - a random command number on memsim's type letter 'J' (every nr, random
 *   direction and size), or on another type letter: a known number with a
 *   wrong size or direction must give ENOTTY, anything else ENOTTY or a
 *   documented errno;
 * - a known command whose argument is a valid request built from what the
 *   caller knows of the instance, that request mutated (bit flips, 0, 1,
 *   U64_MAX, 2^63, sizes near 2^64 - start), partly random or all random;
 * - with argument and embedded pointers (lists, ids, batch operations,
 *   labels) that are NULL, kernel addresses, non-canonical, in PROT_NONE
 *   memory, in buffers that end at a page followed by a PROT_NONE page,
 *   or in read-only memory where the kernel must write; with list, batch
 *   and trace counts and cursors that are wrong.
 *
 * Every return must be 0 or an errno of the table in Documentation/uapi.rst
 * (EINTR only from BATCH and SIMULATE, ENAMETOOLONG only from the calls
 * that take a label, EOPNOTSUPP only from TRACE_CTL, never ENOTTY from a
 * known command).  In the sequential phase a quarter of the calls also
 * check that a failed call left GET_SUMMARY unchanged (the ENOSPC failure
 * count aside).
 *
 * Phases (one TAP line each):
 * 1. sequential: half the operations, on two instances, one of them
 *    closed and reopened now and then;
 * 2. concurrent: the other half, from P forked processes of T threads on
 *    one shared file descriptor, while a process reads every debugfs file
 *    of every instance (and the tracefs trace) with the memsim tracepoints
 *    enabled, a thread per process closes, dup2()s and reopens a file
 *    descriptor the others use, and a child running batches and
 *    simulations is killed with SIGKILL at a random moment;
 * 3. validation of each surviving instance with ms_check_pool(): blocks
 *    tile every segment, nothing overlaps, counters agree with the blocks;
 * 4. a new instance still works and starts empty.
 *
 * Nothing asserts where a block goes: only invariants and errno sets, so
 * the fuzzer keeps working while the kernel's semantics evolve.
 */
#include <dirent.h>
#include <getopt.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

/* The harness's runner is not used, only its EXPECT/ASSERT for ms_*(). */
#pragma GCC diagnostic ignored "-Wunused-function"
#include "kselftest_harness.h"
#include "memsim_util.h"

#define FZ_ARENA_SZ	(1UL << 20)	/* per worker scratch memory */
#define FZ_ARENA_BASE	0x200000000000ULL
#define FZ_ARENA_STRIDE	(16ULL << 20)
#define FZ_PAYLOAD_OFF	(64UL << 10)	/* lists, ids, batch ops */
#define FZ_LABEL_OFF	(32UL << 10)
#define FZ_RANDCMD_MAX	0x3fff		/* _IOC_SIZEMASK */
#define FZ_MAX_SEGS	16
#define FZ_MAX_BLOCKS	128
#define FZ_MAX_STREAMS	24		/* reset when an instance has more */
#define FZ_MAX_LIVE	3000
#define FZ_MAX_FREE	20000
#define FZ_SLOT_FD	900		/* the fd number the churn thread swaps */
#define FZ_NR_STREAMS	4
#define FZ_MAX_FAIL_LOG	20
#define FZ_ARG_MAX	1024		/* larger than every argument structure */

#define P64(x)		((unsigned long long)(x))
#define U64_MAX		UINT64_MAX
#define U32_MAX		UINT32_MAX

/* ---- options and global results --------------------------------------- */

static __u64 opt_seed;
static __u64 opt_ops = 20000;
static unsigned int opt_procs = 2;
static unsigned int opt_threads = 2;
static bool opt_verbose;

static long page_size;
static int nr_failures;		/* in this process; children exit with theirs */

/* ---- PRNG: splitmix64 over a state of its own ---------------------------- */

struct fz_rng {
	__u64 s;
};

static __u64 fz_next(struct fz_rng *r)
{
	__u64 z = (r->s += 0x9e3779b97f4a7c15ULL);

	z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ULL;
	z = (z ^ (z >> 27)) * 0x94d049bb133111ebULL;
	return z ^ (z >> 31);
}

static void fz_seed(struct fz_rng *r, __u64 seed, __u64 stream)
{
	r->s = seed ^ (stream * 0xd1b54a32d192ed03ULL);
	fz_next(r);
}

/* ---- the commands ---------------------------------------------------------- */

enum {
	FZ_EINTR = 1 << 0,	/* may report a fatal signal */
	FZ_LABEL = 1 << 1,	/* takes a label: ENAMETOOLONG */
	FZ_NOTSUP = 1 << 2,	/* EOPNOTSUPP */
};

enum fz_cmd_id {
	C_INFO, C_STRATEGY, C_CREATE, C_RELEASE, C_OVERLAP, C_SAFE, C_ALLOC,
	C_CAN_ALLOC, C_FREE, C_COMPLETE, C_SYNC, C_SUMMARY, C_STATS,
	C_SEGMENTS, C_BLOCKS, C_BATCH, C_SIMULATE, C_RESET, C_TRACE_CTL,
	C_TRACE_READ, C_BLOCKS_LIFE, C_EXPLAIN, C_NR
};

struct fz_cmd {
	const char *name;
	unsigned long cmd;
	size_t size;
	unsigned int flags;
	unsigned int weight;	/* how often it is picked */
};

static const struct fz_cmd fz_cmds[C_NR] = {
	[C_INFO] = { "GET_INFO", MEMSIM_IOC_GET_INFO, sizeof(struct memsim_info), 0, 4 },
	[C_STRATEGY] = { "SET_STRATEGY", MEMSIM_IOC_SET_STRATEGY,
		sizeof(struct memsim_strategy_arg), 0, 6 },
	[C_CREATE] = { "CREATE_SEGMENT", MEMSIM_IOC_CREATE_SEGMENT,
		sizeof(struct memsim_segment_arg), 0, 12 },
	[C_RELEASE] = { "RELEASE_SEGMENT", MEMSIM_IOC_RELEASE_SEGMENT,
		sizeof(struct memsim_segment_arg), 0, 6 },
	[C_OVERLAP] = { "CHECK_OVERLAP", MEMSIM_IOC_CHECK_OVERLAP,
		sizeof(struct memsim_overlap_arg), 0, 6 },
	[C_SAFE] = { "FIND_SAFE_RANGE", MEMSIM_IOC_FIND_SAFE_RANGE,
		sizeof(struct memsim_safe_range_arg), 0, 4 },
	[C_ALLOC] = { "ALLOC", MEMSIM_IOC_ALLOC, sizeof(struct memsim_alloc_arg), FZ_LABEL, 32 },
	[C_CAN_ALLOC] = { "CAN_ALLOC", MEMSIM_IOC_CAN_ALLOC,
		sizeof(struct memsim_alloc_arg), FZ_LABEL, 8 },
	[C_FREE] = { "FREE", MEMSIM_IOC_FREE, sizeof(struct memsim_free_arg), FZ_LABEL, 24 },
	[C_COMPLETE] = { "COMPLETE_FREE", MEMSIM_IOC_COMPLETE_FREE,
		sizeof(struct memsim_free_arg), FZ_LABEL, 8 },
	[C_SYNC] = { "SYNC_STREAM", MEMSIM_IOC_SYNC_STREAM, sizeof(struct memsim_sync_arg), 0, 6 },
	[C_SUMMARY] = { "GET_SUMMARY", MEMSIM_IOC_GET_SUMMARY,
		sizeof(struct memsim_summary), 0, 4 },
	[C_STATS] = { "GET_STATS", MEMSIM_IOC_GET_STATS, sizeof(struct memsim_stats_arg), 0, 6 },
	[C_SEGMENTS] = { "GET_SEGMENTS", MEMSIM_IOC_GET_SEGMENTS,
		sizeof(struct memsim_list_arg), 0, 6 },
	[C_BLOCKS] = { "GET_BLOCKS", MEMSIM_IOC_GET_BLOCKS, sizeof(struct memsim_list_arg), 0, 8 },
	[C_BATCH] = { "BATCH", MEMSIM_IOC_BATCH, sizeof(struct memsim_batch_arg), FZ_EINTR, 10 },
	[C_SIMULATE] = { "SIMULATE", MEMSIM_IOC_SIMULATE,
		sizeof(struct memsim_simulate_arg), FZ_EINTR, 4 },
	[C_RESET] = { "RESET", MEMSIM_IOC_RESET, sizeof(struct memsim_reset_arg), 0, 1 },
	[C_TRACE_CTL] = { "TRACE_CTL", MEMSIM_IOC_TRACE_CTL,
		sizeof(struct memsim_trace_ctl_arg), FZ_NOTSUP, 4 },
	[C_TRACE_READ] = { "TRACE_READ", MEMSIM_IOC_TRACE_READ,
		sizeof(struct memsim_trace_read_arg), 0, 6 },
	[C_BLOCKS_LIFE] = { "GET_BLOCKS_LIFE", MEMSIM_IOC_GET_BLOCKS_LIFE,
		sizeof(struct memsim_list_arg), 0, 4 },
	[C_EXPLAIN] = { "EXPLAIN_ALLOC", MEMSIM_IOC_EXPLAIN_ALLOC,
		sizeof(struct memsim_explain_arg), FZ_LABEL, 4 },
};

static const struct fz_cmd *fz_cmd_lookup(unsigned long cmd)
{
	unsigned int i;

	for (i = 0; i < C_NR; i++)
		if (fz_cmds[i].cmd == cmd)
			return &fz_cmds[i];
	return NULL;
}

/* The highest nr this header defines: a wrong size or direction below it is ENOTTY. */
static unsigned int fz_max_known_nr(void)
{
	unsigned int i, max = 0;

	for (i = 0; i < C_NR; i++)
		if (_IOC_NR(fz_cmds[i].cmd) > max)
			max = _IOC_NR(fz_cmds[i].cmd);
	return max;
}

/*
 * The errno table of Documentation/uapi.rst ("Errors"): every command's
 * failure must be one of these.
 */
static bool fz_errno_documented(int e)
{
	switch (e) {
	case EINVAL:
	case EFAULT:
	case ENOTTY:
	case ENOSPC:
	case ENOENT:
	case EEXIST:
	case EBUSY:
	case E2BIG:
	case ENOMEM:
	case EINTR:
	case ENAMETOOLONG:
	case EOPNOTSUPP:
		return true;
	}
	return false;
}

static const char *fz_errno_name(int e)
{
	static const struct {
		int e;
		const char *n;
	} names[] = {
		{ EINVAL, "EINVAL" }, { EFAULT, "EFAULT" }, { ENOTTY, "ENOTTY" },
		{ ENOSPC, "ENOSPC" }, { ENOENT, "ENOENT" }, { EEXIST, "EEXIST" },
		{ EBUSY, "EBUSY" }, { E2BIG, "E2BIG" }, { ENOMEM, "ENOMEM" },
		{ EINTR, "EINTR" }, { ENAMETOOLONG, "ENAMETOOLONG" },
		{ EOPNOTSUPP, "EOPNOTSUPP" }, { EBADF, "EBADF" },
		{ EPERM, "EPERM" }, { EACCES, "EACCES" }, { EIO, "EIO" },
		{ ERANGE, "ERANGE" }, { EOVERFLOW, "EOVERFLOW" },
	};
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(names); i++)
		if (names[i].e == e)
			return names[i].n;
	return "?";
}

/* ---- per worker state ---------------------------------------------------- */

struct fz_seg {
	__u64 id, start, size;
};

struct fz_blk {
	__u64 addr;
	bool deferred;
};

/* What a worker believes about one instance (others may change it). */
struct fz_inst {
	int fd;
	__u64 id;
	struct fz_seg segs[FZ_MAX_SEGS];
	unsigned int nr_segs;
	struct fz_blk blocks[FZ_MAX_BLOCKS];
	unsigned int nr_blocks;
	__u64 trace_head;
	__u32 max_batch;
};

struct fz_mem {
	char *arena;	/* FZ_ARENA_SZ bytes, read-write */
	char *guard;	/* the PROT_NONE page after it */
	char *ro;	/* a read-only page of random bytes */
	char *none;	/* a PROT_NONE page */
	char *tail;	/* a read-write page followed by a PROT_NONE page */
};

struct fz_ctx {
	struct fz_rng rng;
	char who[32];
	struct fz_mem mem;
	struct fz_inst inst[2];
	struct fz_inst *cur;
	unsigned int nr_inst;
	bool check_unchanged;	/* sequential: failed calls change nothing */
	bool slot_ok;		/* EBADF allowed: the fd is being swapped */
	__u64 nr_ops, nr_ok, nr_err, nr_weird_ptr, nr_random_cmd;
	int failures;
	/* the call in progress, for the report */
	const char *how;
	char sent[FZ_ARG_MAX];
	size_t sent_len;
};

static __u64 rnd(struct fz_ctx *c)
{
	return fz_next(&c->rng);
}

static __u64 rnd_below(struct fz_ctx *c, __u64 n)
{
	return n ? fz_next(&c->rng) % n : 0;
}

static bool chance(struct fz_ctx *c, unsigned int pct)
{
	return rnd_below(c, 100) < pct;
}

static void fz_fill_random(struct fz_ctx *c, void *p, size_t len)
{
	unsigned char *b = p;
	size_t i;

	for (i = 0; i < len; i += 8) {
		__u64 v = rnd(c);

		memcpy(b + i, &v, len - i < 8 ? len - i : 8);
	}
}

/* Scratch memory at a fixed address per worker, so runs repeat. */
static int fz_mem_init(struct fz_ctx *c, unsigned int slot)
{
	size_t total = FZ_ARENA_SZ + 5 * page_size;
	void *want = (void *)(uintptr_t)(FZ_ARENA_BASE + slot * FZ_ARENA_STRIDE);
	char *p;

	p = mmap(want, total, PROT_READ | PROT_WRITE,
		 MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED_NOREPLACE, -1, 0);
	if (p == MAP_FAILED)
		p = mmap(NULL, total, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return -errno;
	c->mem.arena = p;
	c->mem.guard = p + FZ_ARENA_SZ;
	c->mem.ro = c->mem.guard + page_size;
	c->mem.none = c->mem.ro + page_size;
	c->mem.tail = c->mem.none + page_size;
	fz_fill_random(c, c->mem.ro, page_size);
	if (mprotect(c->mem.guard, page_size, PROT_NONE) ||
	    mprotect(c->mem.ro, page_size, PROT_READ) ||
	    mprotect(c->mem.none, page_size, PROT_NONE) ||
	    mprotect(c->mem.tail + page_size, page_size, PROT_NONE))
		return -errno;
	return 0;
}

static void fz_mem_fini(struct fz_ctx *c)
{
	munmap(c->mem.arena, FZ_ARENA_SZ + 5 * page_size);
}

/* ---- user pointers ------------------------------------------------------- */

static const __u64 fz_kernel_addrs[] = {
	0xffffffff81000000ULL,	/* kernel text */
	0xffff888000000000ULL,	/* direct map */
	0xffffffffff600000ULL,	/* vsyscall page */
	0xfffffffffffff000ULL,
	0xffffffffffffffffULL,
};

static const __u64 fz_bad_user_addrs[] = {
	0x1ULL, 0x10ULL, 0xfffULL,		/* below mmap_min_addr */
	0x0000800000000000ULL,			/* first non-canonical */
	0xdead000000000000ULL,
	0x8000000000000000ULL,
	0x00007ffffffff000ULL,			/* last user page, unmapped */
};

/*
 * A user pointer to @len bytes the kernel may read or write at @at (a
 * region of the arena); 1 time in 5 (when @weird) something else: NULL,
 * kernel or bad addresses, PROT_NONE or read-only memory, or a buffer that
 * ends at the arena's end (exactly, or crossing into the PROT_NONE page).
 */
static __u64 fz_ptr(struct fz_ctx *c, char *at, size_t len, bool weird)
{
	if (len > FZ_ARENA_SZ - FZ_PAYLOAD_OFF)
		len = FZ_ARENA_SZ - FZ_PAYLOAD_OFF;
	if (!weird || !chance(c, 20))
		return (uintptr_t)at;
	c->nr_weird_ptr++;
	switch (rnd_below(c, 8)) {
	case 0:
		return 0;
	case 1:
		return fz_kernel_addrs[rnd_below(c, ARRAY_SIZE(fz_kernel_addrs))];
	case 2:
		return fz_bad_user_addrs[rnd_below(c, ARRAY_SIZE(fz_bad_user_addrs))];
	case 3:
		return (uintptr_t)c->mem.none + rnd_below(c, page_size);
	case 4:
		return (uintptr_t)c->mem.ro + (rnd_below(c, 2) ? 0 :
					       rnd_below(c, page_size));
	case 5:
		/* ends exactly where the PROT_NONE page starts: valid */
		return (uintptr_t)(c->mem.guard - len);
	default:
		/* crosses into the PROT_NONE page */
		return (uintptr_t)(c->mem.guard - len + 1 +
				   rnd_below(c, len ? len : 1));
	}
}

static char *fz_payload(struct fz_ctx *c)
{
	return c->mem.arena + FZ_PAYLOAD_OFF;
}

/* A label for ALLOC and FREE: mostly none or valid, sometimes not. */
static __u64 fz_label(struct fz_ctx *c)
{
	char *l = c->mem.arena + FZ_LABEL_OFF;
	unsigned int n;

	if (chance(c, 70))
		return 0;
	switch (rnd_below(c, 8)) {
	case 0:
		/* the longest valid one */
		memset(l, 'a' + rnd_below(c, 26), MEMSIM_LABEL_MAX - 1);
		l[MEMSIM_LABEL_MAX - 1] = '\0';
		return (uintptr_t)l;
	case 1:
		/* no NUL within MEMSIM_LABEL_MAX bytes */
		memset(l, 'x', MEMSIM_LABEL_MAX + 8);
		return (uintptr_t)l;
	case 2:
		/* a byte that is not printable ASCII */
		snprintf(l, MEMSIM_LABEL_MAX, "fz%c%u", (char)(rnd_below(c, 2) ? 0x7f : 0x09),
			 (unsigned int)rnd_below(c, 100));
		return (uintptr_t)l;
	case 3:
		l[0] = '\0';
		return (uintptr_t)l;
	case 4:
		/* printable up to the PROT_NONE page, no NUL */
		n = 1 + rnd_below(c, MEMSIM_LABEL_MAX + 4);
		memset(c->mem.guard - n, 'g', n);
		return (uintptr_t)(c->mem.guard - n);
	case 5:
		return fz_ptr(c, l, MEMSIM_LABEL_MAX, true);
	default:
		snprintf(l, MEMSIM_LABEL_MAX, "fuzz.c:%u op%u",
			 (unsigned int)rnd_below(c, 10000),
			 (unsigned int)rnd_below(c, 50));
		return (uintptr_t)l;
	}
}

/* ---- what the worker knows --------------------------------------------- */

static void fz_forget(struct fz_inst *in)
{
	in->nr_segs = 0;
	in->nr_blocks = 0;
	in->trace_head = 0;
}

static void fz_add_block(struct fz_inst *in, __u64 addr)
{
	unsigned int i;

	for (i = 0; i < in->nr_blocks; i++)
		if (in->blocks[i].addr == addr) {
			in->blocks[i].deferred = false;
			return;
		}
	if (in->nr_blocks == FZ_MAX_BLOCKS) {
		/* forget the oldest: somebody frees it eventually, or a reset */
		memmove(in->blocks, in->blocks + 1,
			(FZ_MAX_BLOCKS - 1) * sizeof(in->blocks[0]));
		in->nr_blocks--;
	}
	in->blocks[in->nr_blocks].addr = addr;
	in->blocks[in->nr_blocks].deferred = false;
	in->nr_blocks++;
}

static void fz_drop_block(struct fz_inst *in, __u64 addr)
{
	unsigned int i;

	for (i = 0; i < in->nr_blocks; i++)
		if (in->blocks[i].addr == addr) {
			in->blocks[i] = in->blocks[--in->nr_blocks];
			return;
		}
}

static void fz_add_seg(struct fz_inst *in, __u64 id, __u64 start, __u64 size)
{
	if (in->nr_segs == FZ_MAX_SEGS) {
		/* forget the oldest */
		memmove(in->segs, in->segs + 1, (FZ_MAX_SEGS - 1) * sizeof(in->segs[0]));
		in->nr_segs--;
	}
	in->segs[in->nr_segs].id = id;
	in->segs[in->nr_segs].start = start;
	in->segs[in->nr_segs].size = size;
	in->nr_segs++;
}

static void fz_drop_seg(struct fz_inst *in, __u64 id)
{
	unsigned int i;

	for (i = 0; i < in->nr_segs; i++)
		if (in->segs[i].id == id) {
			in->segs[i] = in->segs[--in->nr_segs];
			return;
		}
}

static const struct fz_seg *fz_some_seg(struct fz_ctx *c)
{
	struct fz_inst *in = c->cur;

	return in->nr_segs ? &in->segs[rnd_below(c, in->nr_segs)] : NULL;
}

static __u64 fz_some_block(struct fz_ctx *c)
{
	struct fz_inst *in = c->cur;

	if (!in->nr_blocks || chance(c, 8))
		return rnd_below(c, 4) ? rnd_below(c, 256) << 20 : rnd(c);
	return in->blocks[rnd_below(c, in->nr_blocks)].addr;
}

static __u32 fz_stream(struct fz_ctx *c)
{
	if (chance(c, 15))
		return MS_ANY;
	return rnd_below(c, FZ_NR_STREAMS);
}

/* A size: small mostly, sometimes a power of two, sometimes huge. */
static __u64 fz_size(struct fz_ctx *c)
{
	switch (rnd_below(c, 10)) {
	case 0:
		return 1ULL << rnd_below(c, 64);
	case 1:
		return (1ULL << rnd_below(c, 20)) + rnd_below(c, 3) - 1;
	case 2:
		return rnd_below(c, 2) ? U64_MAX : 1ULL << 63;
	default:
		return 1 + rnd_below(c, rnd_below(c, 2) ? 256 : 16384);
	}
}

static __u64 fz_align(struct fz_ctx *c)
{
	if (chance(c, 60))
		return 0;
	if (chance(c, 5))
		return 1ULL << 63;
	return 1ULL << rnd_below(c, 17);
}

/* ---- building valid requests ---------------------------------------------- */

static void fz_build_segment(struct fz_ctx *c, struct memsim_segment_arg *a)
{
	unsigned int k;

	a->stream = rnd_below(c, FZ_NR_STREAMS);
	a->device = rnd_below(c, 8);
	switch (rnd_below(c, 20)) {
	case 0:
		/* the top of the address space: [start, 2^64 - 1) */
		k = 12 + rnd_below(c, 52);
		a->start = 0 - (1ULL << k);
		a->size = (1ULL << k) - 1;
		if (chance(c, 30))
			a->size += rnd_below(c, 3);	/* reaches 2^64: EINVAL */
		break;
	case 1:
		/* everything */
		a->start = 0;
		a->size = U64_MAX;
		break;
	case 2:
		a->start = rnd(c);
		a->size = 0 - a->start - rnd_below(c, 3) + 1;
		break;
	default:
		a->start = rnd_below(c, 256) << 20;
		if (chance(c, 20))
			a->start += rnd_below(c, 4096);
		a->size = chance(c, 70) ? 4096ULL << rnd_below(c, 9) :
					  1 + rnd_below(c, 65536);
		break;
	}
}

static void fz_build_alloc(struct fz_ctx *c, struct memsim_alloc_arg *a)
{
	const struct fz_seg *s = fz_some_seg(c);

	a->size = fz_size(c);
	a->align = fz_align(c);
	a->stream = fz_stream(c);
	a->tag = rnd(c);
	a->priority = rnd_below(c, 2) ? 0 : (__u32)rnd(c);
	if (chance(c, 20))
		a->flags |= MEMSIM_ALLOC_TOPDOWN;
	if (chance(c, 10)) {
		a->flags |= MEMSIM_ALLOC_RANGE;
		a->range_lo = s ? s->start + rnd_below(c, s->size) : rnd_below(c, 256) << 20;
		a->range_hi = a->range_lo + 1 + rnd_below(c, 1 << 20);
		if (chance(c, 10))
			a->range_hi = U64_MAX;
	}
	if (chance(c, 10)) {
		a->flags |= MEMSIM_ALLOC_FIXED;
		a->fixed_addr = s ? s->start + rnd_below(c, s->size) : rnd_below(c, 256) << 20;
		if (a->align)
			a->fixed_addr &= ~(a->align - 1);
		if (chance(c, 10))
			a->size = 0 - a->fixed_addr + rnd_below(c, 3) - 1;
	}
	a->label_ptr = fz_label(c);
}

static void fz_build_list(struct fz_ctx *c, struct memsim_list_arg *a, size_t esz)
{
	__u32 cap;

	switch (rnd_below(c, 12)) {
	case 0:
		cap = 0;
		break;
	case 1:
		cap = MS_LIST_MAX + rnd_below(c, 2);
		break;
	case 2:
		cap = rnd_below(c, 2) ? U32_MAX : 1U << 31;
		break;
	default:
		cap = 1 + rnd_below(c, 64);
		break;
	}
	a->buf_cap = cap;
	a->buf_ptr = fz_ptr(c, fz_payload(c), (size_t)(cap > MS_LIST_MAX ? MS_LIST_MAX : cap) * esz,
			    true);
	switch (rnd_below(c, 8)) {
	case 0:
		a->cursor = U64_MAX;
		break;
	case 1:
		a->cursor = fz_some_block(c) + rnd_below(c, 2);
		break;
	case 2:
		a->cursor = rnd(c);
		break;
	default:
		a->cursor = 0;
		break;
	}
}

static void fz_build_batch(struct fz_ctx *c, struct memsim_batch_arg *a)
{
	struct memsim_batch_op *ops = (void *)fz_payload(c);
	__u32 n = 1 + rnd_below(c, 32), i, max = c->cur->max_batch ? c->cur->max_batch : 4096;

	if (max > MS_LIST_MAX)
		max = MS_LIST_MAX;
	memset(ops, 0, n * sizeof(*ops));
	for (i = 0; i < n; i++) {
		struct memsim_batch_op *o = &ops[i];

		switch (rnd_below(c, 3)) {
		case 0:
			o->op = MEMSIM_BATCH_FREE;
			o->addr = fz_some_block(c);
			if (chance(c, 30))
				o->flags = MEMSIM_FREE_DEFER;
			break;
		case 1:
			if (chance(c, 50)) {
				o->op = MEMSIM_BATCH_COMPLETE_FREE;
				o->addr = fz_some_block(c);
				break;
			}
			/* fall through */
		default:
			o->op = MEMSIM_BATCH_ALLOC;
			o->size = fz_size(c);
			o->align = fz_align(c);
			o->stream = fz_stream(c);
			o->tag = rnd(c);
			if (chance(c, 15))
				o->flags |= MEMSIM_ALLOC_TOPDOWN;
			break;
		}
		if (chance(c, 3))
			fz_fill_random(c, o, sizeof(*o));
	}
	a->count = n;
	switch (rnd_below(c, 12)) {
	case 0:
		a->count = 0;
		break;
	case 1:
		a->count = max + rnd_below(c, 2);
		break;
	case 2:
		/* more than the array holds before the PROT_NONE page */
		memmove(c->mem.guard - n * sizeof(*ops), ops, n * sizeof(*ops));
		a->ops_ptr = (uintptr_t)(c->mem.guard - n * sizeof(*ops));
		a->count = n + 1 + rnd_below(c, 8);
		break;
	}
	if (!a->ops_ptr)
		a->ops_ptr = fz_ptr(c, (char *)ops, n * sizeof(*ops), true);
	if (chance(c, 50))
		a->flags = MEMSIM_BATCH_STOP_ON_ERROR;
}

/* Fill @a, of command @id, with a request that could succeed. */
static void fz_build(struct fz_ctx *c, unsigned int id, void *arg)
{
	struct fz_inst *in = c->cur;

	switch (id) {
	case C_STRATEGY: {
		struct memsim_strategy_arg *a = arg;

		a->strategy = rnd_below(c, MEMSIM_STRATEGY_COUNT);
		if (a->strategy == MEMSIM_STRATEGY_BUDDY && chance(c, 50))
			a->buddy_min_block = 1ULL << rnd_below(c, 14);
		break;
	}
	case C_CREATE:
		fz_build_segment(c, arg);
		break;
	case C_RELEASE: {
		struct memsim_segment_arg *a = arg;
		const struct fz_seg *s = fz_some_seg(c);

		a->segment_id = s && chance(c, 90) ? s->id : rnd_below(c, 64);
		break;
	}
	case C_OVERLAP: {
		struct memsim_overlap_arg *a = arg;
		const struct fz_seg *s = fz_some_seg(c);
		__u32 cap = rnd_below(c, 10) ? rnd_below(c, 17) : 4096 + rnd_below(c, 2);

		a->start = s ? s->start + rnd_below(c, s->size) - rnd_below(c, 4096) :
			       rnd_below(c, 256) << 20;
		a->size = chance(c, 10) ? 0 - a->start - rnd_below(c, 2) : 1 + rnd_below(c, 1 << 22);
		a->ids_cap = cap;
		a->ids_ptr = fz_ptr(c, fz_payload(c), (cap > 4096 ? 4096 : cap) * 8, true);
		break;
	}
	case C_SAFE: {
		struct memsim_safe_range_arg *a = arg;

		a->size = fz_size(c);
		a->align = fz_align(c);
		a->min = rnd_below(c, 256) << 20;
		a->max = chance(c, 10) ? U64_MAX : a->min + 1 + rnd_below(c, 1 << 28);
		break;
	}
	case C_ALLOC:
	case C_CAN_ALLOC:
		fz_build_alloc(c, arg);
		break;
	case C_EXPLAIN:
		fz_build_alloc(c, &((struct memsim_explain_arg *)arg)->req);
		break;
	case C_FREE:
	case C_COMPLETE: {
		struct memsim_free_arg *a = arg;

		a->addr = fz_some_block(c);
		if (id == C_FREE) {
			if (chance(c, 35))
				a->flags = MEMSIM_FREE_DEFER;
			if (chance(c, 10))
				a->expected_size = fz_size(c);
		}
		a->label_ptr = fz_label(c);
		break;
	}
	case C_SYNC: {
		struct memsim_sync_arg *a = arg;

		a->stream = chance(c, 10) ? (__u32)rnd(c) : fz_stream(c);
		break;
	}
	case C_STATS: {
		struct memsim_stats_arg *a = arg;
		__u32 cap = rnd_below(c, 10) ? rnd_below(c, 9) : 4096 + rnd_below(c, 2);

		a->streams_cap = cap;
		a->streams_ptr = fz_ptr(c, fz_payload(c),
					(cap > 4096 ? 4096 : cap) *
					sizeof(struct memsim_stream_info), true);
		a->stream_cursor = rnd_below(c, 8) ? rnd_below(c, FZ_NR_STREAMS + 1) : rnd(c);
		break;
	}
	case C_SEGMENTS:
		fz_build_list(c, arg, sizeof(struct memsim_segment_info));
		break;
	case C_BLOCKS:
		fz_build_list(c, arg, sizeof(struct memsim_block_info));
		break;
	case C_BLOCKS_LIFE:
		fz_build_list(c, arg, sizeof(struct memsim_block_life));
		break;
	case C_BATCH:
		fz_build_batch(c, arg);
		break;
	case C_SIMULATE: {
		struct memsim_simulate_arg *a = arg;

		a->nr_ops = 1 + rnd_below(c, 128);
		a->min_size = 1 + rnd_below(c, 4096);
		a->max_size = a->min_size + rnd_below(c, 65536);
		a->seed = rnd(c);
		a->free_ppm = rnd_below(c, 1000001);
		a->stream = fz_stream(c);
		break;
	}
	case C_RESET: {
		struct memsim_reset_arg *a = arg;

		a->flags = chance(c, 60) ? MEMSIM_RESET_KEEP_SEGMENTS : 0;
		break;
	}
	case C_TRACE_CTL: {
		struct memsim_trace_ctl_arg *a = arg;

		if (chance(c, 80)) {
			a->flags = MEMSIM_TRACE_ON;
			a->capacity = 1 + rnd_below(c, 1024);
			if (chance(c, 20))
				a->flags |= MEMSIM_TRACE_STACK;
		}
		break;
	}
	case C_TRACE_READ: {
		struct memsim_trace_read_arg *a = arg;
		__u32 cap = rnd_below(c, 10) ? rnd_below(c, 65) : 4096 + rnd_below(c, 2);

		a->buf_cap = cap;
		a->buf_ptr = fz_ptr(c, fz_payload(c), (cap > 4096 ? 4096 : cap) *
				    sizeof(struct memsim_trace_record), true);
		switch (rnd_below(c, 6)) {
		case 0:
			a->cursor = in->trace_head + 1 + rnd_below(c, 2);
			break;
		case 1:
			a->cursor = rnd_below(c, 2) ? U64_MAX : rnd(c);
			break;
		case 2:
			a->cursor = in->trace_head;
			break;
		default:
			a->cursor = in->trace_head > 64 ? in->trace_head - rnd_below(c, 64) : 0;
			break;
		}
		break;
	}
	default:
		/* GET_INFO, GET_SUMMARY: all zero */
		break;
	}
}

/* ---- mutations ------------------------------------------------------------ */

static const __u64 fz_specials[] = {
	0, 1, 2, 0x7f, 0x80, 0xff, 0xffff, 0x7fffffff, 0x80000000, 0xffffffff,
	0x100000000ULL, 1ULL << 63, (1ULL << 63) - 1, (1ULL << 63) + 1,
	U64_MAX, U64_MAX - 1, 4096, 4097, 65536, MEMSIM_STREAM_ANY_ID,
};

static void fz_mutate(struct fz_ctx *c, void *arg, size_t size)
{
	unsigned char *b = arg;
	unsigned int n = 1 + rnd_below(c, 3);

	while (n--) {
		bool wide = chance(c, 60) && size >= 8;
		size_t w = wide ? 8 : 4;
		size_t off = rnd_below(c, size / w) * w;
		__u64 v = 0;

		memcpy(&v, b + off, w);
		switch (rnd_below(c, 6)) {
		case 0:
		case 1:
			v ^= 1ULL << rnd_below(c, w * 8);
			break;
		case 2:
			v = fz_specials[rnd_below(c, ARRAY_SIZE(fz_specials))];
			break;
		case 3:
			v += rnd_below(c, 5) - 2;
			break;
		case 4:
			v = rnd(c);
			break;
		default:
			/* a size near 2^64 - (the word before it) */
			if (off >= 8 && wide) {
				__u64 prev;

				memcpy(&prev, b + off - 8, 8);
				v = 0 - prev + rnd_below(c, 3) - 1;
			} else {
				v = ~v;
			}
			break;
		}
		memcpy(b + off, &v, w);
	}
}

/*
 * Keep every call short: valid but huge counts would make one call take
 * minutes under KASAN.  Only counts that could pass validation are cut.
 */
static void fz_clamp(unsigned int id, void *arg)
{
	if (id == C_SIMULATE) {
		struct memsim_simulate_arg *a = arg;

		if (a->nr_ops > 256 && a->nr_ops <= (1ULL << 20))
			a->nr_ops = (a->nr_ops & 255) + 1;
	} else if (id == C_TRACE_CTL) {
		struct memsim_trace_ctl_arg *a = arg;

		if (a->capacity > 4096 && a->capacity <= (1U << 20))
			a->capacity = (a->capacity & 4095) + 1;
	}
}

/* ---- calling and judging ----------------------------------------------- */

static void fz_report(struct fz_ctx *c, const char *name, unsigned long cmd,
		      __u64 argp, int ret, int err, const char *why)
{
	size_t i;

	c->failures++;
	if (c->failures > FZ_MAX_FAIL_LOG)
		return;
	printf("# memsim_fuzz: FAIL seed %llu ops %llu: %s op %llu on instance %llu: %s (cmd %#lx, nr %#x, size %u, dir %u) arg %#llx (%s): returned %d errno %d (%s): %s\n",
	       P64(opt_seed), P64(opt_ops), c->who, P64(c->nr_ops), P64(c->cur->id),
	       name, cmd, (unsigned int)_IOC_NR(cmd), (unsigned int)_IOC_SIZE(cmd),
	       (unsigned int)_IOC_DIR(cmd), P64(argp),
	       c->how, ret, ret ? err : 0, ret ? fz_errno_name(err) : "-", why);
	for (i = 0; i < c->sent_len; i += 32) {
		size_t j;

		printf("#   arg+%03zx:", i);
		for (j = i; j < i + 32 && j + 8 <= c->sent_len; j += 8) {
			__u64 v;

			memcpy(&v, c->sent + j, 8);
			printf(" %016llx", P64(v));
		}
		printf("\n");
	}
	printf("# rerun: ./memsim_fuzz --seed %llu --ops %llu\n", P64(opt_seed), P64(opt_ops));
	fflush(stdout);
}

/* The summary, with what a failed allocation may change zeroed. */
static int fz_summary_for_compare(int fd, struct memsim_summary *s)
{
	int ret = ms_summary(fd, s);

	s->usage.failures = 0;
	return ret;
}

/*
 * Issue one ioctl and judge its return.  @k is the known command it is, or
 * NULL for a command number this header does not define (@strict: then it
 * must be ENOTTY).
 */
static int fz_ioctl(struct fz_ctx *c, const struct fz_cmd *k, unsigned long cmd,
		    __u64 argp, bool strict)
{
	struct memsim_summary before, after;
	const char *why = NULL;
	bool check = c->check_unchanged && k && chance(c, 25);
	int ret, err;

	if (check && fz_summary_for_compare(c->cur->fd, &before))
		check = false;
	if (opt_verbose)
		printf("# %s %llu: %s cmd %#lx arg %#llx (%s)\n", c->who, P64(c->nr_ops),
		       k ? k->name : "random", cmd, P64(argp), c->how);
	errno = 0;
	ret = ioctl(c->cur->fd, cmd, (void *)(uintptr_t)argp);
	err = errno;
	c->nr_ops++;
	if (ret == 0) {
		c->nr_ok++;
		return 0;
	}
	c->nr_err++;
	if (ret != -1)
		why = "return value neither 0 nor -1";
	else if (err == EBADF && c->slot_ok)
		return -err;	/* the churn thread closed the slot meanwhile */
	else if (!fz_errno_documented(err))
		why = "errno outside the table of Documentation/uapi.rst";
	else if (!k && strict && err != ENOTTY)
		why = "a known command number with another size or direction: not ENOTTY";
	else if (k && err == ENOTTY)
		why = "ENOTTY from a known command";
	else if (k && err == EINTR && !(k->flags & FZ_EINTR))
		why = "EINTR from a command that never waits";
	else if (k && err == ENAMETOOLONG && !(k->flags & FZ_LABEL))
		why = "ENAMETOOLONG from a command without a label";
	else if (k && err == EOPNOTSUPP && !(k->flags & FZ_NOTSUP))
		why = "EOPNOTSUPP from a command other than TRACE_CTL";
	if (!why && check) {
		/* A failed call changes nothing (documented exceptions aside). */
		bool partial = (k->cmd == MEMSIM_IOC_BATCH && (err == EFAULT || err == EINTR)) ||
			       (k->cmd == MEMSIM_IOC_SIMULATE &&
				(err == EINTR || err == ENOMEM));

		if (!partial && !fz_summary_for_compare(c->cur->fd, &after) &&
		    memcmp(&before, &after, sizeof(before))) {
			static char msg[160];
			const __u64 *x = (const void *)&before, *y = (const void *)&after;
			size_t i;

			for (i = 0; i < sizeof(before) / 8 && x[i] == y[i]; i++)
				;
			snprintf(msg, sizeof(msg),
				 "a failed call changed GET_SUMMARY (word %zu: %#llx -> %#llx)",
				 i, P64(x[i]), P64(y[i]));
			why = msg;
		}
	}
	if (why)
		fz_report(c, k ? k->name : "random command", cmd, argp, ret, err, why);
	return -err;
}

/* Learn from a successful call what can be used next. */
static void fz_harvest(struct fz_ctx *c, unsigned int id, const void *arg, bool mutated)
{
	struct fz_inst *in = c->cur;

	switch (id) {
	case C_CREATE: {
		const struct memsim_segment_arg *a = arg;

		fz_add_seg(in, a->segment_id, a->start, a->size);
		break;
	}
	case C_RELEASE:
		fz_drop_seg(in, ((const struct memsim_segment_arg *)arg)->segment_id);
		break;
	case C_ALLOC:
		fz_add_block(in, ((const struct memsim_alloc_arg *)arg)->addr);
		break;
	case C_FREE: {
		const struct memsim_free_arg *a = arg;
		unsigned int i;

		if (!a->deferred) {
			fz_drop_block(in, a->addr);
			break;
		}
		for (i = 0; i < in->nr_blocks; i++)
			if (in->blocks[i].addr == a->addr)
				in->blocks[i].deferred = true;
		break;
	}
	case C_COMPLETE:
		fz_drop_block(in, ((const struct memsim_free_arg *)arg)->addr);
		break;
	case C_RESET:
		fz_forget(in);
		break;
	case C_TRACE_READ:
		in->trace_head = ((const struct memsim_trace_read_arg *)arg)->head;
		break;
	case C_BLOCKS: {
		const struct memsim_list_arg *a = arg;
		const struct memsim_block_info *b;
		__u32 i;

		if (mutated || a->buf_ptr != (uintptr_t)fz_payload(c))
			break;
		b = (const void *)fz_payload(c);
		for (i = 0; i < a->nr && i < a->buf_cap && i < MS_LIST_MAX; i++)
			if (b[i].state != MEMSIM_STATE_FREE && chance(c, 30))
				fz_add_block(in, b[i].addr);
		break;
	}
	case C_BATCH: {
		const struct memsim_batch_arg *a = arg;
		const struct memsim_batch_op *o;
		__u32 i;

		if (mutated || a->ops_ptr != (uintptr_t)fz_payload(c))
			break;
		o = (const void *)fz_payload(c);
		for (i = 0; i < a->done && i < a->count && i < MS_LIST_MAX; i++) {
			if (o[i].error)
				continue;
			if (o[i].op == MEMSIM_BATCH_ALLOC)
				fz_add_block(in, o[i].addr);
			else if (o[i].op == MEMSIM_BATCH_COMPLETE_FREE ||
				 (o[i].op == MEMSIM_BATCH_FREE && !o[i].flags))
				fz_drop_block(in, o[i].addr);
		}
		break;
	}
	}
}

/* A random command number: on 'J' (every nr) or on another type letter. */
static void fz_random_cmd(struct fz_ctx *c)
{
	static const unsigned char vfs_types[] = {
		/* letters of ioctls do_vfs_ioctl() handles itself */
		0x00, 'T', 'f', 'X', 0x94, 0x15,
	};
	unsigned int dir = rnd_below(c, 4), nr, type, size, i;
	const struct fz_cmd *k;
	unsigned long cmd;
	char *arg = c->mem.arena;
	__u64 argp;

	c->nr_random_cmd++;
	if (chance(c, 70)) {
		type = MEMSIM_IOC_MAGIC;
		nr = chance(c, 80) ? rnd_below(c, fz_max_known_nr() + 1) : rnd_below(c, 256);
	} else {
		do {
			type = rnd_below(c, 256);
			for (i = 0; i < ARRAY_SIZE(vfs_types); i++)
				if (type == vfs_types[i])
					break;
		} while (type == MEMSIM_IOC_MAGIC || i < ARRAY_SIZE(vfs_types));
		nr = rnd_below(c, 256);
	}
	size = chance(c, 50) ? rnd_below(c, 1024) : rnd_below(c, FZ_RANDCMD_MAX + 1);
	if (dir == _IOC_NONE && chance(c, 50))
		size = 0;
	cmd = _IOC(dir, type, nr, size);
	k = fz_cmd_lookup(cmd);
	fz_fill_random(c, arg, size < 8 ? 8 : size);
	argp = fz_ptr(c, arg, size, true);
	c->how = "random command";
	c->sent_len = 0;
	if (k) {
		/* by chance a real command, with random bytes */
		c->sent_len = k->size < sizeof(c->sent) ? k->size : sizeof(c->sent);
		memcpy(c->sent, arg, c->sent_len);
	}
	fz_ioctl(c, k, cmd, argp,
		 type == MEMSIM_IOC_MAGIC && nr <= fz_max_known_nr());
}

/* Pick a command by weight. */
static unsigned int fz_pick(struct fz_ctx *c)
{
	unsigned int i, total = 0, r;

	for (i = 0; i < C_NR; i++)
		total += fz_cmds[i].weight;
	r = rnd_below(c, total);
	for (i = 0; i < C_NR; i++) {
		if (r < fz_cmds[i].weight)
			return i;
		r -= fz_cmds[i].weight;
	}
	return C_INFO;
}

/* One operation. */
static void fz_op(struct fz_ctx *c)
{
	unsigned char built[FZ_ARG_MAX];
	unsigned int id, mode = rnd_below(c, 100);
	const struct fz_cmd *k;
	bool mutated = true, readable = false;
	__u64 argp;
	char *at;

	if (chance(c, 6)) {
		fz_random_cmd(c);
		return;
	}
	id = fz_pick(c);
	k = &fz_cmds[id];
	if (k->size > sizeof(built))
		abort();
	memset(built, 0, sizeof(built));
	if (mode < 45) {
		fz_build(c, id, built);
		mutated = false;
		c->how = "valid";
	} else if (mode < 80) {
		fz_build(c, id, built);
		fz_mutate(c, built, k->size);
		c->how = "mutated";
	} else if (mode < 90) {
		size_t i;

		fz_build(c, id, built);
		for (i = 0; i + 4 <= k->size; i += 4)
			if (chance(c, 30)) {
				__u32 v = rnd(c);

				memcpy(built + i, &v, 4);
			}
		c->how = "partly random";
	} else {
		fz_fill_random(c, built, k->size);
		c->how = "random";
	}
	fz_clamp(id, built);
	c->sent_len = k->size < sizeof(c->sent) ? k->size : sizeof(c->sent);
	memcpy(c->sent, built, c->sent_len);

	/* Where the argument itself goes. */
	switch (chance(c, 88) ? 0 : 1 + rnd_below(c, 7)) {
	case 0:
		at = c->mem.arena + (chance(c, 10) ? rnd_below(c, 8) : 0);
		memcpy(at, built, k->size);
		argp = (uintptr_t)at;
		readable = true;
		break;
	case 1:
		argp = 0;
		c->how = "NULL argument";
		break;
	case 2:
		argp = fz_kernel_addrs[rnd_below(c, ARRAY_SIZE(fz_kernel_addrs))];
		c->how = "kernel address argument";
		break;
	case 3:
		argp = (uintptr_t)c->mem.none;
		c->how = "PROT_NONE argument";
		break;
	case 4:
		/* crosses into the PROT_NONE page after the tail page */
		at = c->mem.tail + page_size - k->size + 1 + rnd_below(c, k->size - 1);
		memcpy(at, built, c->mem.tail + page_size - at);
		argp = (uintptr_t)at;
		c->how = "argument crossing into PROT_NONE";
		break;
	case 5:
		/* ends exactly at the PROT_NONE page: valid */
		at = c->mem.tail + page_size - k->size;
		memcpy(at, built, k->size);
		argp = (uintptr_t)at;
		readable = true;
		break;
	default:
		/* read-only: readable, not writable */
		mprotect(c->mem.ro, page_size, PROT_READ | PROT_WRITE);
		memcpy(c->mem.ro, built, k->size);
		mprotect(c->mem.ro, page_size, PROT_READ);
		argp = (uintptr_t)c->mem.ro;
		c->how = "read-only argument";
		break;
	}
	if (!fz_ioctl(c, k, k->cmd, argp, false) && readable)
		fz_harvest(c, id, (void *)(uintptr_t)argp, mutated);
}

/*
 * Keep the instance small enough to stay fast and within what
 * ms_check_pool() can hold (MS_MAX_STREAMS streams): reset it when it
 * grows, and free what the worker knows of when it knows much.
 */
static void fz_housekeeping(struct fz_ctx *c)
{
	struct memsim_summary s;
	struct memsim_info info;

	if (ms_info(c->cur->fd, &info) == 0) {
		c->cur->id = info.instance_id;
		c->cur->max_batch = info.max_batch;
	}
	if (ms_summary(c->cur->fd, &s))
		return;
	if (s.nr_streams > FZ_MAX_STREAMS || s.usage.live_blocks > FZ_MAX_LIVE ||
	    s.usage.free_blocks > FZ_MAX_FREE || s.nr_segments > 64) {
		/* A reset without flags drops the streams too. */
		ms_reset(c->cur->fd, s.nr_streams > FZ_MAX_STREAMS ||
			 s.nr_segments > 64 ? 0 : MEMSIM_RESET_KEEP_SEGMENTS);
		fz_forget(c->cur);
	}
}

/* Open an instance for @in; the fd is close-on-exec. */
static int fz_open(struct fz_inst *in)
{
	struct memsim_info info;
	int fd = ms_open();

	memset(in, 0, sizeof(*in));
	in->fd = fd;
	if (fd < 0)
		return fd;
	if (!ms_info(fd, &info)) {
		in->id = info.instance_id;
		in->max_batch = info.max_batch;
	}
	return fd;
}

/* ---- phase 1: sequential --------------------------------------------------- */

static double fz_now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int fz_ctx_init(struct fz_ctx *c, const char *who, unsigned int slot, __u64 stream)
{
	memset(c, 0, sizeof(*c));
	snprintf(c->who, sizeof(c->who), "%s", who);
	fz_seed(&c->rng, opt_seed, stream);
	return fz_mem_init(c, slot);
}

static bool phase_sequential(struct fz_inst *a, struct fz_inst *b, __u64 nr)
{
	struct fz_ctx *c = calloc(1, sizeof(*c));
	double t0 = fz_now(), dt;
	__u64 i, reopened = 0;
	int ret;

	if (!c || fz_ctx_init(c, "sequential", 0, 1)) {
		printf("# sequential: no memory\n");
		return false;
	}
	c->inst[0] = *a;
	c->inst[1] = *b;
	c->check_unchanged = true;
	for (i = 0; i < nr; i++) {
		c->cur = &c->inst[chance(c, 75) ? 0 : 1];
		if (!(i % 64))
			fz_housekeeping(c);
		if (c->cur == &c->inst[1] && !rnd_below(c, 400)) {
			/* The second instance goes away and comes back. */
			close(c->cur->fd);
			ret = fz_open(c->cur);
			if (ret < 0) {
				printf("# sequential: reopen: %s\n", strerror(-ret));
				c->failures++;
				break;
			}
			reopened++;
		}
		fz_op(c);
	}
	dt = fz_now() - t0;
	printf("# sequential: %llu ops (%llu ok, %llu failed as allowed; %llu random command numbers, %llu odd pointers), second instance reopened %llu times, %.1f s, %.0f ops/s\n",
	       P64(c->nr_ops), P64(c->nr_ok), P64(c->nr_err), P64(c->nr_random_cmd),
	       P64(c->nr_weird_ptr), P64(reopened), dt, dt > 0 ? c->nr_ops / dt : 0.0);
	*a = c->inst[0];
	*b = c->inst[1];
	ret = c->failures;
	nr_failures += ret;
	fz_mem_fini(c);
	free(c);
	return ret == 0;
}

/* ---- phase 2: concurrent ---------------------------------------------------- */

struct fz_worker {
	pthread_t thread;
	struct fz_ctx *c;
	__u64 nr;
	bool use_slot;
};

static int fz_stop_churn;
static int fz_stop_reader;	/* set by SIGTERM */

static void *fz_worker_main(void *p)
{
	struct fz_worker *w = p;
	struct fz_ctx *c = w->c;
	struct fz_inst slot = c->inst[0];
	__u64 i;

	slot.fd = FZ_SLOT_FD;
	c->inst[1] = slot;
	for (i = 0; i < w->nr; i++) {
		c->cur = &c->inst[w->use_slot && chance(c, 30) ? 1 : 0];
		c->slot_ok = c->cur == &c->inst[1];
		if (!(i % 64) && !c->slot_ok)
			fz_housekeeping(c);
		fz_op(c);
	}
	return NULL;
}

/* Swap what FZ_SLOT_FD refers to: the shared instance, a new one, nothing. */
static void *fz_churn_main(void *p)
{
	struct fz_ctx *c = p;
	int shared = c->inst[0].fd, fd;
	__u64 n = 0;

	while (!__atomic_load_n(&fz_stop_churn, __ATOMIC_RELAXED)) {
		switch (rnd_below(c, 5)) {
		case 0:
			close(FZ_SLOT_FD);
			break;
		case 1:
			fd = ms_open();
			if (fd >= 0) {
				struct memsim_alloc_arg a;

				ms_create(fd, 0x100000, 0x100000, 0);
				ms_alloc(fd, 1 + rnd_below(c, 4096), 0, 0, &a);
				dup2(fd, FZ_SLOT_FD);
				close(fd);
			}
			break;
		case 2:
			fd = dup(shared);
			if (fd >= 0) {
				dup2(fd, FZ_SLOT_FD);
				close(fd);
			}
			break;
		default:
			dup2(shared, FZ_SLOT_FD);
			break;
		}
		n++;
		usleep(200 + rnd_below(c, 2000));
	}
	close(FZ_SLOT_FD);
	printf("# %s: the slot fd swapped %llu times\n", c->who, P64(n));
	return NULL;
}

/* A forked process: threads on the shared fd and one swapping the slot. */
static int fz_process(struct fz_inst *shared, unsigned int p, __u64 nr_per_thread)
{
	struct fz_worker *w = calloc(opt_threads, sizeof(*w));
	struct fz_ctx *churn = calloc(1, sizeof(*churn));
	pthread_t churn_thread;
	char who[32];
	unsigned int t;
	int failures = 0;

	if (!w || !churn)
		return 1;
	snprintf(who, sizeof(who), "p%u.churn", p);
	if (fz_ctx_init(churn, who, 1 + p * 16, 100 + p))
		return 1;
	churn->inst[0] = *shared;
	dup2(shared->fd, FZ_SLOT_FD);
	for (t = 0; t < opt_threads; t++) {
		w[t].c = calloc(1, sizeof(*w[t].c));
		snprintf(who, sizeof(who), "p%u.t%u", p, t);
		if (!w[t].c || fz_ctx_init(w[t].c, who, 2 + p * 16 + t, 1000 + p * 64 + t))
			return 1;
		w[t].c->inst[0] = *shared;
		w[t].nr = nr_per_thread;
		w[t].use_slot = t == 0;
	}
	if (pthread_create(&churn_thread, NULL, fz_churn_main, churn))
		return 1;
	for (t = 0; t < opt_threads; t++)
		if (pthread_create(&w[t].thread, NULL, fz_worker_main, &w[t]))
			return 1;
	for (t = 0; t < opt_threads; t++) {
		struct fz_ctx *c = w[t].c;

		pthread_join(w[t].thread, NULL);
		printf("# %s: %llu ops (%llu ok, %llu failed as allowed), %llu odd pointers\n",
		       c->who, P64(c->nr_ops), P64(c->nr_ok), P64(c->nr_err),
		       P64(c->nr_weird_ptr));
		failures += c->failures;
	}
	__atomic_store_n(&fz_stop_churn, 1, __ATOMIC_RELAXED);
	pthread_join(churn_thread, NULL);
	return failures > 100 ? 100 : failures;
}

/* A child that runs batches and simulations until it is killed. */
static int fz_victim(struct fz_inst *shared)
{
	struct fz_ctx *c = calloc(1, sizeof(*c));
	unsigned int i;

	if (!c || fz_ctx_init(c, "victim", 60, 7))
		return 1;
	c->inst[0] = *shared;
	c->cur = &c->inst[0];
	for (i = 0; i < 400; i++) {
		struct memsim_simulate_arg s;
		struct memsim_batch_arg b;

		if (chance(c, 50)) {
			memset(&s, 0, sizeof(s));
			s.nr_ops = 1 + rnd_below(c, 2048);
			s.min_size = 1 + rnd_below(c, 512);
			s.max_size = s.min_size + rnd_below(c, 8192);
			s.seed = rnd(c);
			s.free_ppm = rnd_below(c, 600000);
			s.stream = fz_stream(c);
			memcpy(c->mem.arena, &s, sizeof(s));
			c->how = "victim simulate";
			fz_ioctl(c, &fz_cmds[C_SIMULATE], MEMSIM_IOC_SIMULATE,
				 (uintptr_t)c->mem.arena, false);
		} else {
			memset(&b, 0, sizeof(b));
			fz_build_batch(c, &b);
			memcpy(c->mem.arena, &b, sizeof(b));
			c->how = "victim batch";
			fz_ioctl(c, &fz_cmds[C_BATCH], MEMSIM_IOC_BATCH,
				 (uintptr_t)c->mem.arena, false);
		}
		if (!(i % 32))
			fz_housekeeping(c);
	}
	return c->failures > 100 ? 100 : c->failures;
}

/* Read a whole file (at most @max bytes), sometimes from a random offset. */
static size_t fz_read_file(const char *path, size_t max, struct fz_rng *r)
{
	static char buf[4096];
	size_t total = 0;
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return 0;
	if (fz_next(r) % 5 == 0)
		lseek(fd, fz_next(r) % 8192, SEEK_SET);
	while (total < max && (n = read(fd, buf, 1 + fz_next(r) % sizeof(buf))) > 0)
		total += n;
	close(fd);
	return total;
}

static void fz_reader_stop(int sig)
{
	__atomic_store_n(&fz_stop_reader, 1, __ATOMIC_RELAXED);
}

/* Read every file of every memsim debugfs directory, and tracefs' trace. */
static int fz_reader(const char *tracefs)
{
	struct fz_rng r;
	__u64 files = 0, bytes = 0, passes = 0;
	char path[512];

	signal(SIGTERM, fz_reader_stop);
	fz_seed(&r, opt_seed, 99);
	while (!__atomic_load_n(&fz_stop_reader, __ATOMIC_RELAXED)) {
		DIR *top = opendir(MS_DEBUGFS);
		struct dirent *d;

		if (!top)
			break;
		while (!__atomic_load_n(&fz_stop_reader, __ATOMIC_RELAXED) && (d = readdir(top))) {
			DIR *sub;
			struct dirent *e;

			if (d->d_name[0] == '.')
				continue;
			snprintf(path, sizeof(path), MS_DEBUGFS "/%s", d->d_name);
			sub = opendir(path);
			if (!sub) {
				bytes += fz_read_file(path, 1 << 20, &r);
				files++;
				continue;
			}
			while (!__atomic_load_n(&fz_stop_reader, __ATOMIC_RELAXED) && (e = readdir(sub))) {
				char file[768];

				if (e->d_name[0] == '.')
					continue;
				snprintf(file, sizeof(file), "%s/%s", path, e->d_name);
				bytes += fz_read_file(file, 64 << 10, &r);
				files++;
			}
			closedir(sub);
		}
		closedir(top);
		if (tracefs) {
			snprintf(path, sizeof(path), "%s/trace", tracefs);
			bytes += fz_read_file(path, 64 << 10, &r);
			files++;
		}
		passes++;
	}
	printf("# debugfs reader: %llu passes, %llu files, %llu bytes\n", P64(passes),
	       P64(files), P64(bytes));
	return 0;
}

static int fz_write_file(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_CLOEXEC | O_TRUNC);
	ssize_t n;

	if (fd < 0)
		return -errno;
	n = write(fd, s, strlen(s));
	close(fd);
	return n < 0 ? -errno : 0;
}

/* The tracefs root with memsim events, or NULL. */
static const char *fz_tracefs(char *was)
{
	static const char * const roots[] = {
		"/sys/kernel/tracing", "/sys/kernel/debug/tracing",
	};
	char path[128], buf[8];
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(roots); i++) {
		int fd;
		ssize_t n;

		snprintf(path, sizeof(path), "%s/events/memsim/enable", roots[i]);
		fd = open(path, O_RDONLY | O_CLOEXEC);
		if (fd < 0)
			continue;
		n = read(fd, buf, sizeof(buf) - 1);
		close(fd);
		*was = n > 0 && buf[0] == '1' ? '1' : '0';
		return roots[i];
	}
	return NULL;
}

static bool fz_wait(pid_t pid, const char *who, bool may_be_killed)
{
	int st;

	if (waitpid(pid, &st, 0) != pid) {
		printf("# %s: waitpid: %s\n", who, strerror(errno));
		return false;
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		return true;
	if (WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && may_be_killed) {
		printf("# %s: killed as planned\n", who);
		return true;
	}
	if (WIFEXITED(st))
		printf("# %s: %d failures\n", who, WEXITSTATUS(st));
	else
		printf("# %s: died of signal %d\n", who, WTERMSIG(st));
	return false;
}

static bool phase_concurrent(struct fz_inst *shared, __u64 nr)
{
	unsigned int p, nr_workers = opt_procs * opt_threads;
	__u64 per = nr_workers ? nr / nr_workers : 0;
	pid_t *procs = calloc(opt_procs, sizeof(pid_t)), reader = -1, victim;
	char path[160], was = '0';
	const char *tracefs = fz_tracefs(&was);
	struct fz_rng r;
	double t0 = fz_now(), dt;
	bool ok = true;

	fz_seed(&r, opt_seed, 3);
	if (!procs)
		return false;
	if (tracefs) {
		snprintf(path, sizeof(path), "%s/events/memsim/enable", tracefs);
		if (fz_write_file(path, "1"))
			tracefs = NULL;
	}
	printf("# concurrent: %u processes x %u threads, %llu ops each; tracefs memsim events %s\n",
	       opt_procs, opt_threads, P64(per), tracefs ? "enabled" : "not available");
	fflush(stdout);
	if (access(MS_DEBUGFS, R_OK) == 0) {
		reader = fork();
		if (reader == 0)
			_exit(fz_reader(tracefs));
	}
	victim = fork();
	if (victim == 0)
		_exit(fz_victim(shared));
	for (p = 0; p < opt_procs; p++) {
		procs[p] = fork();
		if (procs[p] == 0)
			_exit(fz_process(shared, p, per));
	}
	usleep(5000 + fz_next(&r) % 400000);
	kill(victim, SIGKILL);
	ok &= fz_wait(victim, "victim", true);
	for (p = 0; p < opt_procs; p++) {
		snprintf(path, sizeof(path), "process %u", p);
		ok &= fz_wait(procs[p], path, false);
	}
	if (reader > 0) {
		kill(reader, SIGTERM);
		ok &= fz_wait(reader, "debugfs reader", false);
	}
	if (tracefs) {
		char s[2] = { was, 0 };

		snprintf(path, sizeof(path), "%s/events/memsim/enable", tracefs);
		fz_write_file(path, s);
		snprintf(path, sizeof(path), "%s/trace", tracefs);
		fz_write_file(path, "");
	}
	dt = fz_now() - t0;
	printf("# concurrent: %llu ops in %.1f s, %.0f ops/s\n", P64(per * nr_workers), dt,
	       dt > 0 ? per * nr_workers / dt : 0.0);
	free(procs);
	if (!ok)
		nr_failures++;
	return ok;
}

/* ---- phase 3: validation --------------------------------------------------- */

static struct __test_metadata fz_meta;

static bool fz_validate(struct fz_inst *in, __u32 cap)
{
	struct __test_metadata *_metadata = &fz_meta;
	struct memsim_summary s;

	memset(&fz_meta, 0, sizeof(fz_meta));
	fz_meta.name = "validate";
	fz_meta.exit_code = KSFT_PASS;
	if (setjmp(fz_meta.env) == 0)
		ms_check_pool(_metadata, in->fd, cap, NULL, 0);
	if (!ms_summary(in->fd, &s))
		printf("# instance %llu: %llu segments, %llu live and %llu free blocks, %u streams, checked %u entries a page\n",
		       P64(in->id), P64(s.nr_segments), P64(s.usage.live_blocks),
		       P64(s.usage.free_blocks), s.nr_streams, cap);
	return !fz_meta.aborted && fz_meta.exit_code == KSFT_PASS;
}

/* ---- main -------------------------------------------------------------------- */

static int tap_n;

static void tap(bool ok, const char *fmt, ...)
{
	va_list ap;

	printf("%s %d ", ok ? "ok" : "not ok", ++tap_n);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	printf("\n");
	fflush(stdout);
	if (!ok)
		nr_failures++;
}

static void fz_help(FILE *f)
{
	fprintf(f, "usage: memsim_fuzz [--seed N] [--ops M] [--procs P] [--threads T] [-v]\n");
}

int main(int argc, char **argv)
{
	static const __u32 page_caps[] = { 7, 64, 256 };	/* validation paging */
	static const struct option opts[] = {
		{ "seed", required_argument, NULL, 's' },
		{ "ops", required_argument, NULL, 'n' },
		{ "procs", required_argument, NULL, 'p' },
		{ "threads", required_argument, NULL, 't' },
		{ "verbose", no_argument, NULL, 'v' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	struct fz_inst a, b, fresh;
	struct memsim_summary s;
	struct fz_rng r;
	bool ok, have_seed = false;
	int c, fails_before;

	while ((c = getopt_long(argc, argv, "s:n:p:t:vh", opts, NULL)) != -1) {
		switch (c) {
		case 's':
			opt_seed = strtoull(optarg, NULL, 0);
			have_seed = true;
			break;
		case 'n':
			opt_ops = strtoull(optarg, NULL, 0);
			break;
		case 'p':
			opt_procs = strtoul(optarg, NULL, 0);
			break;
		case 't':
			opt_threads = strtoul(optarg, NULL, 0);
			break;
		case 'v':
			opt_verbose = true;
			break;
		case 'h':
			fz_help(stdout);
			return 0;
		default:
			fz_help(stderr);
			return 2;
		}
	}
	if (!have_seed)
		opt_seed = (__u64)time(NULL) ^ ((__u64)getpid() << 20);
	setvbuf(stdout, NULL, _IOLBF, 0);
	printf("# memsim_fuzz: seed %llu ops %llu\n", P64(opt_seed), P64(opt_ops));
	printf("TAP version 13\n");
	page_size = sysconf(_SC_PAGESIZE);
	if (opt_threads < 1)
		opt_threads = 1;

	if (fz_open(&a) < 0 || fz_open(&b) < 0) {
		printf("1..0 # SKIP cannot open " MEMSIM_DEV ": %s\n", strerror(errno));
		return KSFT_SKIP;
	}
	printf("1..5\n");
	/* The two instances start with a segment or two to work in. */
	fz_seed(&r, opt_seed, 2);
	ms_create(a.fd, 0x100000, 0x400000, 0);
	ms_create(a.fd, 0x800000, 0x100000, 1);
	ms_create(b.fd, 0x100000, 0x100000, 0);

	ok = phase_sequential(&a, &b, opt_ops / 2);
	tap(ok, "sequential: %llu ops on two instances, every errno documented, failed calls change nothing",
	    P64(opt_ops / 2));

	fails_before = nr_failures;
	ok = phase_concurrent(&a, opt_ops - opt_ops / 2);
	tap(ok && nr_failures == fails_before,
	    "concurrent: %u processes x %u threads on one fd, debugfs readers, tracefs events, fd churn, a killed worker",
	    opt_procs, opt_threads);

	ok = fz_validate(&a, page_caps[fz_next(&r) % 3]);
	tap(ok, "validation of the shared instance %llu: blocks tile every segment, counters agree",
	    P64(a.id));
	ok = fz_validate(&b, page_caps[fz_next(&r) % 3]);
	tap(ok, "validation of the second instance %llu: blocks tile every segment, counters agree",
	    P64(b.id));

	close(a.fd);
	close(b.fd);
	ok = fz_open(&fresh) >= 0 && !ms_summary(fresh.fd, &s) && !s.nr_segments &&
	     !s.usage.live_blocks && ms_create(fresh.fd, 0x1000, 0x1000, 0) > 0 &&
	     !ms_alloc(fresh.fd, 64, 0, 0, NULL);
	if (ok)
		ok = fz_validate(&fresh, 16);
	tap(ok, "a new instance after fuzzing starts empty and works");
	if (fresh.fd >= 0)
		close(fresh.fd);

	printf("# memsim_fuzz: seed %llu ops %llu: %s\n", P64(opt_seed), P64(opt_ops),
	       nr_failures ? "FAILED" : "passed");
	return nr_failures ? KSFT_FAIL : KSFT_PASS;
}
