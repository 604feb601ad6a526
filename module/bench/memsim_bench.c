// SPDX-License-Identifier: GPL-2.0
/*
 * memsim_bench: memsim's strategies next to the kernel's range allocators
 *
 * Copyright (C) 2026 The memsim authors
 *
 * One seeded workload (prandom_u32_state()) is generated up front: N
 * allocation sizes for the fill, then pairs of (victim slot, new size).  It
 * is replayed, identically, on every allocator: memsim's strategies through
 * the core API (module/core/memsim_core.h, compiled into this module),
 * drm_mm, drm_buddy and gen_pool.  Each run fills N live blocks, then makes
 * the pairs: free the victim's block (if it has one: an earlier allocation
 * into the slot may have failed) and allocate the new size into the slot.
 * Only the pair loop is timed, with ktime_get_ns() around chunks of pairs
 * (cond_resched() between chunks, outside the clock); under QEMU's
 * "-icount shift=0" a guest nanosecond is one instruction.
 *
 * Everything runs at module load; the table (text and JSON) is kept in
 * debugfs (memsim_bench/table, memsim_bench/json) until the module is
 * unloaded, each row also goes to the kernel log.  This is a benchmark,
 * not a test: it fails only when an allocator misbehaves (an error other
 * than "no space") or memory runs out.
 */
#define pr_fmt(fmt) KBUILD_MODNAME ": " fmt

#include <linux/debugfs.h>
#include <linux/genalloc.h>
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>
#include <linux/prandom.h>
#include <linux/sizes.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/time64.h>
#include <linux/timekeeping.h>
#include <linux/utsname.h>
#include <linux/vmalloc.h>

#include <drm/drm_buddy.h>
#include <drm/drm_mm.h>

#include "memsim_core.h"

static char *n_list = "1000,10000,100000";
module_param(n_list, charp, 0444);
MODULE_PARM_DESC(n_list, "live block counts of the main workload, comma separated");

static uint pairs = 100000;
module_param(pairs, uint, 0444);
MODULE_PARM_DESC(pairs, "timed free+alloc pairs per run");

static uint steady_n = 100000;
module_param(steady_n, uint, 0444);
MODULE_PARM_DESC(steady_n, "live blocks of the steady-state run (0: none)");

static uint steady_factor = 3;
module_param(steady_factor, uint, 0444);
MODULE_PARM_DESC(steady_factor, "untimed pairs before the steady-state window, in live sets");

static char *align_list = "1000,100000";
module_param(align_list, charp, 0444);
MODULE_PARM_DESC(align_list, "live block counts of the aligned mix (empty: none)");

static uint align_steady_factor = 3;
module_param(align_steady_factor, uint, 0444);
MODULE_PARM_DESC(align_steady_factor,
		 "aligned mix at the largest count: also a window after this many live sets (0: none)");

static uint genpool_max_live = 10000;
module_param(genpool_max_live, uint, 0444);
MODULE_PARM_DESC(genpool_max_live, "gen_pool runs only up to this many live blocks");

static uint genpool_max_pairs = 20000;
module_param(genpool_max_pairs, uint, 0444);
MODULE_PARM_DESC(genpool_max_pairs, "timed pairs of a gen_pool run at most");

static uint drm_buddy_multi_max_live = 100000;
module_param(drm_buddy_multi_max_live, uint, 0444);
MODULE_PARM_DESC(drm_buddy_multi_max_live,
		 "drm_buddy's multi-block mode runs only up to this many live blocks");

static uint run_budget_s = 10;
module_param(run_budget_s, uint, 0444);
MODULE_PARM_DESC(run_budget_s,
		 "guest seconds one allocator may take on one workload; then it stops, and says so");

static uint seed = 1;
module_param(seed, uint, 0444);
MODULE_PARM_DESC(seed, "seed of the workload");

static uint capacity_pct = 200;
module_param(capacity_pct, uint, 0444);
MODULE_PARM_DESC(capacity_pct, "space managed, in percent of the fill's bytes");

static char *only;
module_param(only, charp, 0444);
MODULE_PARM_DESC(only, "run only the allocators whose names contain this string");

static char *tag = "";
module_param(tag, charp, 0444);
MODULE_PARM_DESC(tag, "free text recorded in the output (e.g. the git commit)");

#define BENCH_BASE		BIT_ULL(44)	/* first address; 16 TiB aligned */
#define BENCH_CHUNK		1024		/* pairs between two clock reads */
#define BENCH_MAX_N		BIT(24)
#define BENCH_NO_SLOT		U32_MAX
#define BENCH_TEXT_SIZE		(64 * 1024)
#define BENCH_JSON_SIZE		(128 * 1024)

/* One request of the workload: size in bytes, alignment as a shift (0: none). */
struct bench_req {
	u32 size;
	u8 align_shift;
};

struct bench_pair {
	u32 victim;
	struct bench_req req;
};

/*
 * A workload: @n fill requests, then @nr_warm untimed pairs, then @nr_pairs
 * timed ones.
 */
struct bench_work {
	const char *name;
	bool aligned;
	u32 n;
	u32 nr_warm;
	u32 nr_pairs;
	u64 fill_bytes;
	struct bench_req *fill;
	struct bench_pair *pair;
};

struct bench_run;

/*
 * An allocator under test.  @alloc puts a block of @r in @slot (which has
 * none) and returns 0, -ENOSPC, or another error that stops the bench.
 */
struct bench_allocator {
	const char *name;
	const char *family;
	int (*setup)(struct bench_run *run);
	int (*alloc)(struct bench_run *run, u32 slot, const struct bench_req *r);
	void (*free)(struct bench_run *run, u32 slot);
	u64 (*meta)(struct bench_run *run, u64 *extra);
	void (*teardown)(struct bench_run *run);
	/* memsim */
	enum memsim_strategy strategy;
	u32 req_flags;
	bool life;		/* the pool tracks block lives */
	/* drm_mm */
	enum drm_mm_insert_mode mode;
	/* drm_buddy: one power-of-two block per allocation */
	bool pow2;
	/* gen_pool */
	genpool_algo_t algo;
	bool no_align;		/* gen_pool_best_fit knows no alignment */
	/* caps for the slow ones: live blocks, timed pairs (NULL: none) */
	const uint *max_live;
	const char *max_live_name;
	const uint *max_pairs;
};

/* The state of one allocator on one workload. */
struct bench_run {
	const struct bench_allocator *a;
	const struct bench_work *w;
	u64 capacity;
	unsigned long *live;	/* slots holding a block */
	u64 nr_live;
	u64 deadline;		/* ktime_get_ns() of the run's end */
	union {
		struct {
			struct memsim_pool pool;
			u64 *addr;
		} ms;
		struct {
			struct drm_mm mm;
			struct drm_mm_node *node;
		} mm;
		struct {
			struct drm_buddy mm;
			struct list_head *blocks;
		} buddy;
		struct {
			struct gen_pool *pool;
			unsigned long *addr;
			u32 *size;
			int order;
			struct genpool_data_align align;
		} gp;
	};
};

struct bench_result {
	u64 ns;
	u64 timed;
	u64 fill_ns;
	u64 fill_fail;
	u64 warm_fail;
	u64 fail;
	u64 live;
	u64 meta;
	u64 extra;
	bool skipped;
	const char *note;
	char why[96];
};

static struct bench_out {
	char *text;
	size_t text_len;
	char *json;
	size_t json_len;
	bool json_first_row;
	struct debugfs_blob_wrapper text_blob;
	struct debugfs_blob_wrapper json_blob;
	struct dentry *dir;
} out;

static __printf(1, 2) void text_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out.text_len += vscnprintf(out.text + out.text_len,
				   BENCH_TEXT_SIZE - out.text_len, fmt, ap);
	va_end(ap);
}

static __printf(1, 2) void json_printf(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	out.json_len += vscnprintf(out.json + out.json_len,
				   BENCH_JSON_SIZE - out.json_len, fmt, ap);
	va_end(ap);
}

static void json_u64(const char *key, u64 v)
{
	json_printf(", \"%s\": %llu", key, v);
}

/* ---- the workload ---- */

/* 2^(i/16) in 16.16 fixed point, i = 0..16. */
static const u32 bench_exp2_q16[17] = {
	65536, 68438, 71468, 74632, 77936, 81386, 84990, 88752, 92682,
	96785, 101070, 105545, 110218, 115098, 120194, 125515, 131072,
};

/*
 * A size log-uniform in [2^lo, 2^hi): the exponent in steps of 1/16, then
 * uniform within the step.
 */
static u64 bench_log_uniform(struct rnd_state *rs, u32 lo, u32 hi)
{
	u32 e = prandom_u32_state(rs) % ((hi - lo) * 16);
	u32 f = e % 16;
	u32 step = bench_exp2_q16[f + 1] - bench_exp2_q16[f];
	u64 m = bench_exp2_q16[f] + prandom_u32_state(rs) % step;

	return (m << (lo + e / 16)) >> 16;
}

static void bench_draw(struct rnd_state *rs, bool aligned, struct bench_req *r)
{
	u64 size;

	if (aligned) {
		/* 256 B .. 1 MiB, any byte count; alignment 256 B .. 64 KiB */
		size = bench_log_uniform(rs, 8, 20);
		r->align_shift = 8 + prandom_u32_state(rs) % 9;
	} else {
		/* 4 KiB .. 4 MiB, whole pages */
		size = round_up(bench_log_uniform(rs, 12, 22), PAGE_SIZE);
		r->align_shift = 0;
	}
	r->size = max_t(u64, size, aligned ? 256 : PAGE_SIZE);
}

static void bench_work_free(struct bench_work *w)
{
	kvfree(w->fill);
	kvfree(w->pair);
	w->fill = NULL;
	w->pair = NULL;
}

static int bench_work_make(struct bench_work *w, const char *name, bool aligned,
			   u32 n, u32 nr_warm, u32 nr_pairs)
{
	struct rnd_state rs;
	u64 i, total = (u64)nr_warm + nr_pairs;

	memset(w, 0, sizeof(*w));
	w->name = name;
	w->aligned = aligned;
	w->n = n;
	w->nr_warm = nr_warm;
	w->nr_pairs = nr_pairs;
	w->fill = kvmalloc_array(n, sizeof(*w->fill), GFP_KERNEL);
	w->pair = kvmalloc_array(total, sizeof(*w->pair), GFP_KERNEL);
	if (!w->fill || !w->pair) {
		bench_work_free(w);
		return -ENOMEM;
	}
	prandom_seed_state(&rs, ((u64)seed << 32) | n | (aligned ? 1ULL << 31 : 0));
	for (i = 0; i < n; i++) {
		bench_draw(&rs, aligned, &w->fill[i]);
		w->fill_bytes += w->fill[i].size;
	}
	for (i = 0; i < total; i++) {
		w->pair[i].victim = prandom_u32_state(&rs) % n;
		bench_draw(&rs, aligned, &w->pair[i].req);
	}
	return 0;
}

/* ---- memsim, through the core API ---- */

static int ms_setup(struct bench_run *run)
{
	const struct bench_allocator *a = run->a;
	struct memsim_segment *seg;
	u64 min_block = run->w->aligned ? 256 : PAGE_SIZE;
	int ret;

	run->ms.addr = kvcalloc(run->w->n, sizeof(*run->ms.addr), GFP_KERNEL);
	if (!run->ms.addr)
		return -ENOMEM;
	memsim_pool_init(&run->ms.pool);
	ret = memsim_pool_set_life(&run->ms.pool, a->life);
	if (!ret)
		ret = memsim_set_strategy(&run->ms.pool, a->strategy,
					  a->strategy == MEMSIM_BUDDY ? min_block : 0);
	if (!ret)
		ret = memsim_segment_create(&run->ms.pool, BENCH_BASE, run->capacity,
					    0, 0, &seg);
	if (ret) {
		memsim_pool_fini(&run->ms.pool);
		kvfree(run->ms.addr);
	}
	return ret;
}

static int ms_alloc(struct bench_run *run, u32 slot, const struct bench_req *r)
{
	struct memsim_request req = {
		.size = r->size,
		.align = r->align_shift ? 1ULL << r->align_shift : 0,
		.flags = run->a->req_flags,
	};
	struct memsim_result res;
	int ret = memsim_alloc(&run->ms.pool, &req, &res);

	if (!ret)
		run->ms.addr[slot] = res.addr;
	return ret;
}

static void ms_free(struct bench_run *run, u32 slot)
{
	struct memsim_free_result fres;

	WARN_ON_ONCE(memsim_free(&run->ms.pool, run->ms.addr[slot], 0, 0, &fres));
}

/* Block structures (free and allocated) times their size. */
static u64 ms_meta(struct bench_run *run, u64 *extra)
{
	*extra = run->ms.pool.mem_used;
	return run->ms.pool.nr_block_structs * memsim_block_struct_size(&run->ms.pool);
}

static void ms_teardown(struct bench_run *run)
{
	memsim_pool_fini(&run->ms.pool);
	kvfree(run->ms.addr);
}

/* ---- drm_mm ---- */

static int dmm_setup(struct bench_run *run)
{
	run->mm.node = kvcalloc(run->w->n, sizeof(*run->mm.node), GFP_KERNEL);
	if (!run->mm.node)
		return -ENOMEM;
	drm_mm_init(&run->mm.mm, BENCH_BASE, run->capacity);
	return 0;
}

static int dmm_alloc(struct bench_run *run, u32 slot, const struct bench_req *r)
{
	struct drm_mm_node *node = &run->mm.node[slot];

	memset(node, 0, sizeof(*node));
	return drm_mm_insert_node_in_range(&run->mm.mm, node, r->size,
					   r->align_shift ? 1ULL << r->align_shift : 0,
					   0, 0, U64_MAX, run->a->mode);
}

static void dmm_free(struct bench_run *run, u32 slot)
{
	drm_mm_remove_node(&run->mm.node[slot]);
}

/* One node per allocation; the holes live in the nodes. */
static u64 dmm_meta(struct bench_run *run, u64 *extra)
{
	*extra = 0;
	return run->nr_live * sizeof(struct drm_mm_node);
}

static void dmm_teardown(struct bench_run *run)
{
	drm_mm_takedown(&run->mm.mm);
	kvfree(run->mm.node);
}

/* ---- drm_buddy ---- */

static int buddy_setup(struct bench_run *run)
{
	u32 i;
	int ret;

	run->buddy.blocks = kvmalloc_array(run->w->n, sizeof(*run->buddy.blocks),
					   GFP_KERNEL);
	if (!run->buddy.blocks)
		return -ENOMEM;
	for (i = 0; i < run->w->n; i++)
		INIT_LIST_HEAD(&run->buddy.blocks[i]);
	ret = drm_buddy_init(&run->buddy.mm, run->capacity, PAGE_SIZE);
	if (ret)
		kvfree(run->buddy.blocks);
	return ret;
}

static int buddy_alloc(struct bench_run *run, u32 slot, const struct bench_req *r)
{
	struct drm_buddy *mm = &run->buddy.mm;
	u64 size = round_up((u64)r->size, mm->chunk_size);
	u64 min = max_t(u64, mm->chunk_size, r->align_shift ? 1ULL << r->align_shift : 0);

	if (run->a->pow2) {
		size = roundup_pow_of_two(max(size, min));
		min = size;
	} else {
		/* drm_buddy wants the size a multiple of the block size */
		size = round_up(size, min);
	}
	return drm_buddy_alloc_blocks(mm, 0, mm->size, size, min,
				      &run->buddy.blocks[slot], 0);
}

static void buddy_free(struct bench_run *run, u32 slot)
{
	drm_buddy_free_list(&run->buddy.mm, &run->buddy.blocks[slot]);
}

/*
 * The blocks on the allocations' lists and on the free lists; *@extra: the
 * whole tree, split blocks included (every split block has two children,
 * so a tree of L leaves has L - 1 of them).
 */
static u64 buddy_meta(struct bench_run *run, u64 *extra)
{
	struct drm_buddy *mm = &run->buddy.mm;
	struct drm_buddy_block *b;
	u64 leaves = 0;
	u32 i;

	for (i = 0; i < run->w->n; i++)
		list_for_each_entry(b, &run->buddy.blocks[i], link)
			leaves++;
	for (i = 0; i <= mm->max_order; i++)
		list_for_each_entry(b, &mm->free_list[i], link)
			leaves++;
	*extra = (2 * leaves - mm->n_roots) * sizeof(struct drm_buddy_block);
	return leaves * sizeof(struct drm_buddy_block);
}

static void buddy_teardown(struct bench_run *run)
{
	drm_buddy_fini(&run->buddy.mm);
	kvfree(run->buddy.blocks);
}

/* ---- gen_pool ---- */

static int gp_setup(struct bench_run *run)
{
	int ret;

	run->gp.order = run->w->aligned ? 8 : PAGE_SHIFT;
	run->gp.addr = kvcalloc(run->w->n, sizeof(*run->gp.addr), GFP_KERNEL);
	run->gp.size = kvcalloc(run->w->n, sizeof(*run->gp.size), GFP_KERNEL);
	run->gp.pool = gen_pool_create(run->gp.order, NUMA_NO_NODE);
	if (!run->gp.addr || !run->gp.size || !run->gp.pool) {
		ret = -ENOMEM;
		goto fail;
	}
	ret = gen_pool_add(run->gp.pool, BENCH_BASE, run->capacity, NUMA_NO_NODE);
	if (ret)
		goto fail;
	return 0;
fail:
	if (run->gp.pool)
		gen_pool_destroy(run->gp.pool);
	kvfree(run->gp.addr);
	kvfree(run->gp.size);
	return ret;
}

static int gp_alloc(struct bench_run *run, u32 slot, const struct bench_req *r)
{
	genpool_algo_t algo = run->a->algo;
	unsigned long addr;
	void *data = NULL;

	/* first fit with an alignment: its _align variant */
	if (r->align_shift) {
		run->gp.align.align = 1UL << r->align_shift;
		data = &run->gp.align;
		algo = gen_pool_first_fit_align;
	}
	addr = gen_pool_alloc_algo(run->gp.pool, r->size, algo, data);
	if (!addr)
		return -ENOSPC;
	run->gp.addr[slot] = addr;
	run->gp.size[slot] = r->size;
	return 0;
}

static void gp_free(struct bench_run *run, u32 slot)
{
	gen_pool_free(run->gp.pool, run->gp.addr[slot], run->gp.size[slot]);
}

/* The chunk's bitmap, one bit per granule of the space. */
static u64 gp_meta(struct bench_run *run, u64 *extra)
{
	*extra = 0;
	return BITS_TO_LONGS(run->capacity >> run->gp.order) * sizeof(long);
}

static void gp_teardown(struct bench_run *run)
{
	gen_pool_destroy(run->gp.pool);
	kvfree(run->gp.addr);
	kvfree(run->gp.size);
}

/* ---- the harness alone: nothing allocated, nothing freed ---- */

static int null_setup(struct bench_run *run)
{
	return 0;
}

static int null_alloc(struct bench_run *run, u32 slot, const struct bench_req *r)
{
	return 0;
}

static void null_free(struct bench_run *run, u32 slot)
{
}

static u64 null_meta(struct bench_run *run, u64 *extra)
{
	*extra = 0;
	return 0;
}

static void null_teardown(struct bench_run *run)
{
}

#define MS(n, s, f, l) { .name = n, .family = "memsim", .setup = ms_setup, \
	.alloc = ms_alloc, .free = ms_free, .meta = ms_meta, \
	.teardown = ms_teardown, .strategy = s, .req_flags = f, .life = l }
#define MM(n, m) { .name = n, .family = "drm_mm", .setup = dmm_setup, \
	.alloc = dmm_alloc, .free = dmm_free, .meta = dmm_meta, \
	.teardown = dmm_teardown, .mode = m }
#define BUDDY(n, p) { .name = n, .family = "drm_buddy", .setup = buddy_setup, \
	.alloc = buddy_alloc, .free = buddy_free, .meta = buddy_meta, \
	.teardown = buddy_teardown, .pow2 = p }
#define GP(n, f, p) { .name = n, .family = "gen_pool", .setup = gp_setup, \
	.alloc = gp_alloc, .free = gp_free, .meta = gp_meta, \
	.teardown = gp_teardown, .algo = f, .no_align = p, \
	.max_live = &genpool_max_live, .max_pairs = &genpool_max_pairs, \
	.max_live_name = "skipped: live count above genpool_max_live" }

static const struct bench_allocator bench_allocators[] = {
	{ .name = "loop-only", .family = "harness", .setup = null_setup,
	  .alloc = null_alloc, .free = null_free, .meta = null_meta,
	  .teardown = null_teardown },
	MS("memsim-first", MEMSIM_FIRST_FIT, 0, false),
	MS("memsim-first-topdown", MEMSIM_FIRST_FIT, MEMSIM_REQ_TOPDOWN, false),
	MS("memsim-best", MEMSIM_BEST_FIT, 0, false),
	MS("memsim-best-life", MEMSIM_BEST_FIT, 0, true),
	MS("memsim-worst", MEMSIM_WORST_FIT, 0, false),
	MS("memsim-next", MEMSIM_NEXT_FIT, 0, false),
	MS("memsim-buddy", MEMSIM_BUDDY, 0, false),
	MS("memsim-tlsf", MEMSIM_TLSF, 0, false),
	MM("drm_mm-best", DRM_MM_INSERT_BEST),
	MM("drm_mm-low", DRM_MM_INSERT_LOW),
	MM("drm_mm-high", DRM_MM_INSERT_HIGH),
	BUDDY("drm_buddy-pow2", true),
	{ .name = "drm_buddy-multi", .family = "drm_buddy", .setup = buddy_setup,
	  .alloc = buddy_alloc, .free = buddy_free, .meta = buddy_meta,
	  .teardown = buddy_teardown, .max_live = &drm_buddy_multi_max_live,
	  .max_live_name = "skipped: live count above drm_buddy_multi_max_live" },
	GP("gen_pool-first", gen_pool_first_fit, false),
	GP("gen_pool-best", gen_pool_best_fit, true),
};

/* ---- running ---- */

/* Per allocator, plain and aligned: the live count its fill was stopped at. */
static u32 bench_stopped[ARRAY_SIZE(bench_allocators)][2];

static int bench_alloc_into(struct bench_run *run, u32 slot,
			    const struct bench_req *r, u64 *fail)
{
	int ret = run->a->alloc(run, slot, r);

	if (!ret) {
		__set_bit(slot, run->live);
		run->nr_live++;
	} else if (ret == -ENOSPC) {
		(*fail)++;
		ret = 0;
	}
	return ret;
}

/*
 * Pairs [@from, @to); *@done counts those made.  Returns -ETIME when the
 * run's budget ran out first (checked between chunks).
 */
static int bench_pairs(struct bench_run *run, u32 from, u32 to, u64 *fail,
		       u64 *ns, u64 *done)
{
	const struct bench_pair *p;
	u32 i, end;
	u64 t0;
	int ret = 0;

	for (i = from; i < to; i = end) {
		end = min(to, i + BENCH_CHUNK);
		t0 = ktime_get_ns();
		for (p = &run->w->pair[i]; p < &run->w->pair[end]; p++) {
			if (__test_and_clear_bit(p->victim, run->live)) {
				run->a->free(run, p->victim);
				run->nr_live--;
			}
			ret = bench_alloc_into(run, p->victim, &p->req, fail);
			if (ret)
				break;
		}
		if (ns)
			*ns += ktime_get_ns() - t0;
		if (ret)
			return ret;
		*done += end - i;
		cond_resched();
		if (end < to && ktime_get_ns() > run->deadline)
			return -ETIME;
	}
	return 0;
}

static void bench_free_all(struct bench_run *run)
{
	u32 slot;

	for_each_set_bit(slot, run->live, run->w->n) {
		run->a->free(run, slot);
		if (!(slot % BENCH_CHUNK))
			cond_resched();
	}
	bitmap_zero(run->live, run->w->n);
	run->nr_live = 0;
}

static int bench_run_one(const struct bench_allocator *a, const struct bench_work *w,
			 struct bench_result *res)
{
	struct bench_run *run;
	u32 i, stopped, nr_pairs = w->nr_pairs;
	u64 t0, done = 0;
	int ret;

	memset(res, 0, sizeof(*res));
	if (a->max_live && w->n > *a->max_live) {
		res->skipped = true;
		res->note = a->max_live_name;
		return 0;
	}
	stopped = bench_stopped[a - bench_allocators][w->aligned];
	if (stopped && w->n >= stopped) {
		/* its fill ran out of time at this count already */
		res->skipped = true;
		snprintf(res->why, sizeof(res->why),
			 "skipped: its fill of %u was stopped before", stopped);
		res->note = res->why;
		return 0;
	}
	if (a->no_align && w->aligned) {
		res->skipped = true;
		res->note = "skipped: gen_pool_best_fit takes no alignment";
		return 0;
	}
	if (a->max_pairs && nr_pairs > *a->max_pairs) {
		nr_pairs = *a->max_pairs;
		res->note = "pairs capped at genpool_max_pairs";
	}
	run = kzalloc(sizeof(*run), GFP_KERNEL);
	if (!run)
		return -ENOMEM;
	run->a = a;
	run->w = w;
	run->capacity = round_up(div_u64(w->fill_bytes * capacity_pct, 100), SZ_4M);
	run->live = bitmap_zalloc(w->n, GFP_KERNEL);
	ret = run->live ? a->setup(run) : -ENOMEM;
	if (ret)
		goto out;

	t0 = ktime_get_ns();
	run->deadline = t0 + (u64)run_budget_s * NSEC_PER_SEC;
	for (i = 0; i < w->n && !ret; ) {
		ret = bench_alloc_into(run, i, &w->fill[i], &res->fill_fail);
		if (!(++i % BENCH_CHUNK)) {
			cond_resched();
			if (i < w->n && ktime_get_ns() > run->deadline)
				break;
		}
	}
	res->fill_ns = ktime_get_ns() - t0;
	if (!ret && i < w->n) {
		/* a fill this slow: nothing to time */
		res->skipped = true;
		bench_stopped[a - bench_allocators][w->aligned] = w->n;
		snprintf(res->why, sizeof(res->why),
			 "stopped: filled %u of %u in run_budget_s=%u s", i, w->n,
			 run_budget_s);
		res->note = res->why;
	}
	if (!ret && !res->skipped)
		ret = bench_pairs(run, 0, w->nr_warm, &res->warm_fail, NULL, &done);
	if (ret == -ETIME) {
		ret = 0;
		res->skipped = true;
		snprintf(res->why, sizeof(res->why),
			 "stopped: %llu of %u untimed pairs in run_budget_s=%u s", done,
			 w->nr_warm, run_budget_s);
		res->note = res->why;
	}
	done = 0;
	if (!ret && !res->skipped)
		ret = bench_pairs(run, w->nr_warm, w->nr_warm + nr_pairs,
				  &res->fail, &res->ns, &done);
	if (ret == -ETIME) {
		ret = 0;
		snprintf(res->why, sizeof(res->why),
			 "stopped after %llu timed pairs (run_budget_s=%u)", done,
			 run_budget_s);
		res->note = res->why;
	}
	res->timed = done;
	res->live = run->nr_live;
	res->meta = a->meta(run, &res->extra);
	bench_free_all(run);
	a->teardown(run);
out:
	bitmap_free(run->live);
	kfree(run);
	return ret;
}

static u64 per(u64 a, u64 b)
{
	return b ? div64_u64(a + b / 2, b) : 0;
}

static void bench_header(const struct bench_work *w)
{
	text_printf("\n%s: %u live, %u pairs timed", w->name, w->n, w->nr_pairs);
	if (w->nr_warm)
		text_printf(" after %u untimed (%u x the live set)", w->nr_warm,
			    w->nr_warm / w->n);
	text_printf(", %s\n", w->aligned ?
		    "sizes 256 B..1 MiB log-uniform, alignment 2^8..2^16 uniform" :
		    "page sizes 4 KiB..4 MiB log-uniform");
	text_printf("%-22s %12s %10s %8s %8s %10s %10s\n", "allocator",
		    "ins/pair", "fill/op", "fails", "live", "meta/live", "meta2/live");
}

static void bench_row(const struct bench_work *w, const struct bench_allocator *a,
		      const struct bench_result *r)
{
	u64 fails = r->fill_fail + r->warm_fail + r->fail;

	if (r->skipped) {
		text_printf("%-22s %12s  (%s)\n", a->name, "-", r->note);
	} else {
		text_printf("%-22s %12llu %10llu %8llu %8llu %10llu %10llu%s%s\n",
			    a->name, per(r->ns, r->timed), per(r->fill_ns, w->n),
			    fails, r->live, per(r->meta, r->live), per(r->extra, r->live),
			    r->note ? "  " : "", r->note ? r->note : "");
	}
	if (r->skipped)
		pr_info("%s %s: %s\n", w->name, a->name, r->note);
	else
		pr_info("%s %s: %llu ns/pair over %llu pairs, %llu failures, %llu B meta/live\n",
			w->name, a->name, per(r->ns, r->timed), r->timed, fails,
			per(r->meta, r->live));
	json_printf("%s\n    {\"workload\": \"%s\", \"aligned\": %s",
		    out.json_first_row ? "" : ",", w->name, w->aligned ? "true" : "false");
	out.json_first_row = false;
	json_u64("live_target", w->n);
	json_u64("warm_pairs", w->nr_warm);
	json_printf(", \"allocator\": \"%s\", \"family\": \"%s\", \"skipped\": %s",
		    a->name, a->family, r->skipped ? "true" : "false");
	if (!r->skipped) {
		json_u64("pairs", r->timed);
		json_u64("pair_ns", r->ns);
		json_u64("ns_per_pair", per(r->ns, r->timed));
		json_u64("fill_ns_per_alloc", per(r->fill_ns, w->n));
		json_u64("fill_failures", r->fill_fail);
		json_u64("warm_failures", r->warm_fail);
		json_u64("failures", r->fail);
		json_u64("live", r->live);
		json_u64("meta_bytes", r->meta);
		json_u64("meta_per_live", per(r->meta, r->live));
		json_u64("meta2_bytes", r->extra);
	}
	if (r->note)
		json_printf(", \"note\": \"%s\"", r->note);
	json_printf("}");
}

static bool bench_selected(const struct bench_allocator *a)
{
	return !only || !*only || strstr(a->name, only) || !strcmp(a->family, "harness");
}

static int bench_workload(const char *name, bool aligned, u32 n, u32 nr_warm, u32 nr_pairs)
{
	struct bench_work w;
	struct bench_result r;
	unsigned int i;
	int ret;

	ret = bench_work_make(&w, name, aligned, n, nr_warm, nr_pairs);
	if (ret)
		return ret;
	bench_header(&w);
	for (i = 0; i < ARRAY_SIZE(bench_allocators); i++) {
		if (!bench_selected(&bench_allocators[i]))
			continue;
		ret = bench_run_one(&bench_allocators[i], &w, &r);
		if (ret) {
			pr_err("%s %s: error %d\n", name, bench_allocators[i].name, ret);
			break;
		}
		bench_row(&w, &bench_allocators[i], &r);
	}
	bench_work_free(&w);
	return ret;
}

/* Parse "1000,10000" into @v (at most @max entries); returns the count. */
static int bench_parse_list(const char *s, u32 *v, int max)
{
	char buf[128], *p = buf, *tok;
	int nr = 0, ret;

	if (!s)
		return 0;
	strscpy(buf, s, sizeof(buf));
	while ((tok = strsep(&p, ",")) != NULL) {
		if (!*tok)
			continue;
		if (nr == max)
			return -E2BIG;
		ret = kstrtou32(tok, 0, &v[nr]);
		if (ret)
			return ret;
		if (!v[nr] || v[nr] > BENCH_MAX_N)
			return -EINVAL;
		nr++;
	}
	return nr;
}

static int bench_all(void)
{
	u32 ns[8], as[8];
	int nr_n, nr_a, i, ret = 0;
	struct tm tm;
	char name[32];

	nr_n = bench_parse_list(n_list, ns, ARRAY_SIZE(ns));
	nr_a = bench_parse_list(align_list, as, ARRAY_SIZE(as));
	if (nr_n < 0 || nr_a < 0 || !pairs || steady_n > BENCH_MAX_N || !capacity_pct)
		return -EINVAL;

	time64_to_tm(ktime_get_real_seconds(), 0, &tm);
	text_printf("memsim_bench: Linux %s, %04ld-%02d-%02d %02d:%02d UTC",
		    utsname()->release, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min);
	text_printf(", seed %u, capacity %u%% of the fill, %u timed pairs per run%s%s\n",
		    seed, capacity_pct, pairs, *tag ? ", " : "", tag);
	text_printf("ins/pair: guest ns per free+alloc pair (instructions under -icount shift=0);\n"
		    "fill/op: the same per fill allocation; fails: no-space failures (fill,\n"
		    "untimed and timed pairs); meta/live: metadata bytes per live allocation\n"
		    "(memsim: block structures x memsim_block_struct_size(); drm_mm: drm_mm_node;\n"
		    "drm_buddy: blocks on the allocations' and free lists; gen_pool: its bitmap);\n"
		    "meta2/live: memsim: all it charged (mem_used), drm_buddy: the whole tree,\n"
		    "split blocks included.  loop-only: the harness alone, in every row.\n"
		    "memsim pools track no block lives (memsim_pool_set_life()) but in\n"
		    "memsim-best-life.\n");
	text_printf("gen_pool runs up to %u live blocks and %u timed pairs (O(n) bitmap scans);\n",
		    genpool_max_live, genpool_max_pairs);
	text_printf("Each allocator has run_budget_s=%u guest s per workload (fill included).\n",
		    run_budget_s);
	text_printf("drm_buddy-multi up to %u live blocks (6.1 keeps its free lists sorted:\n"
		    "each free walks one).\n", drm_buddy_multi_max_live);
	json_printf("{\n  \"kernel\": \"%s\", \"date\": \"%04ld-%02d-%02dT%02d:%02d:%02dZ\"",
		    utsname()->release, tm.tm_year + 1900, tm.tm_mon + 1, tm.tm_mday,
		    tm.tm_hour, tm.tm_min, tm.tm_sec);
	json_printf(", \"tag\": \"%s\"", tag);
	json_u64("seed", seed);
	json_u64("capacity_pct", capacity_pct);
	json_u64("genpool_max_live", genpool_max_live);
	json_u64("genpool_max_pairs", genpool_max_pairs);
	json_u64("drm_buddy_multi_max_live", drm_buddy_multi_max_live);
	json_u64("run_budget_s", run_budget_s);
	json_u64("chunk", BENCH_CHUNK);
	json_printf(",\n  \"rows\": [");
	out.json_first_row = true;

	for (i = 0; i < nr_n && !ret; i++) {
		snprintf(name, sizeof(name), "pages-%u", ns[i]);
		ret = bench_workload(name, false, ns[i], 0, pairs);
	}
	if (!ret && steady_n)
		ret = bench_workload("pages-steady", false, steady_n,
				     steady_factor * steady_n, pairs);
	for (i = 0; i < nr_a && !ret; i++) {
		snprintf(name, sizeof(name), "aligned-%u", as[i]);
		ret = bench_workload(name, true, as[i], 0, pairs);
	}
	if (!ret && nr_a && align_steady_factor)
		ret = bench_workload("aligned-steady", true, as[nr_a - 1],
				     align_steady_factor * as[nr_a - 1], pairs);
	json_printf("\n  ]\n}\n");
	return ret;
}

static int __init memsim_bench_init(void)
{
	int ret;

	out.text = kvzalloc(BENCH_TEXT_SIZE, GFP_KERNEL);
	out.json = kvzalloc(BENCH_JSON_SIZE, GFP_KERNEL);
	ret = out.text && out.json ? memsim_core_init() : -ENOMEM;
	if (ret)
		goto fail;
	ret = bench_all();
	memsim_core_exit();
	if (ret)
		goto fail;
	out.text_blob.data = out.text;
	out.text_blob.size = out.text_len;
	out.json_blob.data = out.json;
	out.json_blob.size = out.json_len;
	out.dir = debugfs_create_dir(KBUILD_MODNAME, NULL);
	debugfs_create_blob("table", 0444, out.dir, &out.text_blob);
	debugfs_create_blob("json", 0444, out.dir, &out.json_blob);
	return 0;
fail:
	kvfree(out.text);
	kvfree(out.json);
	return ret;
}

static void __exit memsim_bench_exit(void)
{
	debugfs_remove_recursive(out.dir);
	kvfree(out.text);
	kvfree(out.json);
}

module_init(memsim_bench_init);
module_exit(memsim_bench_exit);

MODULE_DESCRIPTION("memsim next to drm_mm, drm_buddy and gen_pool on one seeded workload");
MODULE_AUTHOR("The memsim authors");
MODULE_LICENSE("GPL");
