// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: debugfs views
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: debugfs
 *
 * Everything lives below /sys/kernel/debug/memsim/.  As the debugfs
 * documentation asks, return values are not checked: a missing debugfs makes
 * the views disappear and nothing else.  Whether the directory exists is
 * still reported to userspace as %MEMSIM_FEATURE_DEBUGFS.
 *
 * Files:
 *
 * instances (memsim_instance.c, beside the list it walks)
 *	one line per live instance, tab separated, after a header line naming
 *	the columns: id, tgid, comm (escaped: see memsim_seq_name()),
 *	strategy, segments, live_blocks, allocated (bytes), block_structs
 *	(block structures held, free and allocated), memory (bytes of
 *	metadata charged to the instance's budget).
 *
 * <id>/ (one directory per instance, created on open, removed on release)
 *	summary: a table in the spirit of PyTorch's memory_summary(): one row
 *	per scope (the pool, then each stream) and metric, with its current,
 *	peak and total (cumulative) values, "-" where one does not apply;
 *	segments: one line per segment;
 *	blocks: one line per block, streamed in address order, with the
 *	trace of its life (made, allocated, free requested; owner, label);
 *	histogram: free blocks by log2 size class, one line per stream;
 *	map: one line per segment, min(64, size) characters, each for an
 *	equal share of it (to the byte): '.' free, '#' allocated, 'D'
 *	deferred free, '+' a mix;
 *	stats: one line per strategy, what it did;
 *	trace: the operation trace (see memsim_debugfs_trace.c).
 *
 * Every file starts with a header line naming its tab-separated columns.
 * Each file takes the instance lock while it fills seq_file's buffer and
 * drops it before the buffer is copied to userspace; blocks resumes each
 * buffer-full from the address where the previous one stopped, so a
 * million blocks stream out in O(n log n) without a large allocation.
 * Removing an instance's directory waits for readers inside its files
 * (debugfs' file removal does), so a file read while its instance is
 * released sees either the instance or -EIO, never freed memory.
 */

#include <linux/debugfs.h>
#include <linux/err.h>
#include <linux/kernel.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/seq_file.h>

#include "memsim_internal.h"

static struct dentry *memsim_debugfs_root;

/* A cell of the summary table that does not apply. */
#define NA	U64_MAX

static void summary_cell(struct seq_file *m, u64 v, char sep)
{
	if (v == NA)
		seq_putc(m, '-');
	else
		seq_printf(m, "%llu", v);
	seq_putc(m, sep);
}

static void summary_row(struct seq_file *m, const char *scope, const char *metric,
			u64 current_val, u64 peak, u64 total)
{
	seq_printf(m, "%s\t%s\t", scope, metric);
	summary_cell(m, current_val, '\t');
	summary_cell(m, peak, '\t');
	summary_cell(m, total, '\n');
}

/* The rows of one scope's counters: the pool's, or a stream's. */
static void summary_usage(struct seq_file *m, const char *scope,
			  const struct memsim_usage *u, u64 largest)
{
	summary_row(m, scope, "managed_bytes", u->total, NA, NA);
	summary_row(m, scope, "allocated_bytes", u->allocated, u->peak_allocated,
		    u->alloc_bytes);
	summary_row(m, scope, "requested_bytes", u->requested, u->peak_requested,
		    u->requested_bytes);
	summary_row(m, scope, "internal_waste_bytes", u->allocated - u->requested, NA, NA);
	summary_row(m, scope, "free_bytes", u->free, NA, NA);
	summary_row(m, scope, "largest_free_bytes", largest, NA, NA);
	summary_row(m, scope, "deferred_bytes", u->deferred_bytes, NA, NA);
	summary_row(m, scope, "live_blocks", u->live_blocks, u->peak_live_blocks, u->allocs);
	summary_row(m, scope, "free_blocks", u->free_blocks, NA, NA);
	summary_row(m, scope, "deferred_blocks", u->deferred_blocks, NA, NA);
	summary_row(m, scope, "frees", NA, NA, u->frees);
	summary_row(m, scope, "failures", NA, NA, u->failures);
	summary_row(m, scope, "utilization_ppm", memsim_ratio_ppm(u->allocated, u->total),
		    memsim_ratio_ppm(u->peak_allocated, u->total), NA);
	summary_row(m, scope, "external_frag_ppm", memsim_frag_ppm(u->free, largest), NA, NA);
}

static int summary_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst = m->private;
	struct memsim_pool *pool = &inst->pool;
	const struct memsim_tlog *t = &inst->tlog;
	struct rb_node *node;
	char scope[24];

	seq_puts(m, "scope\tmetric\tcurrent\tpeak\ttotal\n");
	mutex_lock(&inst->lock);
	seq_printf(m, "pool\tstrategy\t%s\t-\t-\n", memsim_strategy_name(pool->strategy));
	summary_row(m, "pool", "segments", pool->nr_segments, NA, NA);
	summary_row(m, "pool", "streams", pool->nr_streams, NA, NA);
	summary_usage(m, "pool", &pool->usage, memsim_largest_free(pool, MEMSIM_STREAM_ANY));
	summary_row(m, "pool", "trace_records", t->head - memsim_tlog_oldest(t), t->capacity,
		    t->head);
	summary_row(m, "pool", "trace_dropped", NA, NA, t->dropped);
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		struct memsim_stream *s = rb_entry(node, struct memsim_stream, rb);

		snprintf(scope, sizeof(scope), "stream:%u", s->id);
		summary_usage(m, scope, &s->usage, memsim_largest_free(pool, s->id));
	}
	mutex_unlock(&inst->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(summary);

static int segments_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst = m->private;
	struct memsim_segment *seg;

	seq_puts(m, "id\tstart\tsize\tdevice\tstream\tblocks\tallocated\tfree\tlargest_free\tfrag_ppm\n");
	mutex_lock(&inst->lock);
	for (seg = memsim_segment_first_from(&inst->pool, 0); seg;
	     seg = memsim_segment_after(&inst->pool, seg)) {
		u64 largest = memsim_segment_largest_free(&inst->pool, seg);

		seq_printf(m, "%llu\t0x%llx\t%llu\t%u\t%u\t%llu\t%llu\t%llu\t%llu\t%u\n",
			   seg->id, seg->start, seg->size, seg->device, seg->stream->id,
			   seg->nr_blocks, seg->usage.allocated, seg->usage.free, largest,
			   memsim_frag_ppm(seg->usage.free, largest));
	}
	mutex_unlock(&inst->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(segments);

static const char *block_state_name(u8 state)
{
	switch (state) {
	case MEMSIM_BLOCK_ALLOCATED:
		return "alloc";
	case MEMSIM_BLOCK_FREE_REQUESTED:
		return "free_requested";
	default:
		return "free";
	}
}

/*
 * Where the blocks file stopped: the position and address of the next block
 * to show, so that each buffer-full resumes in O(log n).
 */
struct blocks_iter {
	struct memsim_instance *inst;
	loff_t next_pos;
	u64 next_addr;
};

static void *blocks_start(struct seq_file *m, loff_t *pos)
{
	struct blocks_iter *it = m->private;
	struct memsim_pool *pool = &it->inst->pool;
	struct memsim_block *b;
	loff_t i;

	mutex_lock(&it->inst->lock);
	if (!*pos)
		return SEQ_START_TOKEN;
	if (*pos == it->next_pos)
		return memsim_block_first_from(pool, it->next_addr);
	/* A seek: walk from the start. */
	b = memsim_block_first_from(pool, 0);
	for (i = 1; b && i < *pos; i++)
		b = memsim_block_after(pool, b);
	return b;
}

static void *blocks_next(struct seq_file *m, void *v, loff_t *pos)
{
	struct blocks_iter *it = m->private;
	struct memsim_pool *pool = &it->inst->pool;
	struct memsim_block *b;

	b = v == SEQ_START_TOKEN ? memsim_block_first_from(pool, 0) :
		memsim_block_after(pool, v);
	++*pos;
	if (b) {
		it->next_pos = *pos;
		it->next_addr = b->addr;
	}
	return b;
}

static void blocks_stop(struct seq_file *m, void *v)
{
	struct blocks_iter *it = m->private;

	mutex_unlock(&it->inst->lock);
}

static int blocks_show(struct seq_file *m, void *v)
{
	const struct memsim_life *life;
	struct memsim_block *b = v;
	bool live;

	if (v == SEQ_START_TOKEN) {
		seq_puts(m, "addr\tsize\tstate\tstream\tsegment\trequested\ttag\t"
			 "create_ns\talloc_ns\tfree_ns\ttgid\tlabel\n");
		return 0;
	}
	live = b->state != MEMSIM_BLOCK_FREE;
	life = memsim_life_read(b);
	seq_printf(m, "0x%llx\t%llu\t%s\t%u\t%llu\t%llu\t0x%llx\t%llu\t%llu\t%llu\t%u\t%s\n",
		   b->addr, b->size, block_state_name(b->state), b->segment->stream->id,
		   b->segment->id, live ? b->requested : 0, live ? b->tag : 0,
		   life->create_ns, live ? life->alloc_ns : 0, live ? life->free_ns : 0,
		   live ? life->owner : 0, live && life->label[0] ? life->label : "-");
	return 0;
}

static const struct seq_operations blocks_sops = {
	.start = blocks_start,
	.next = blocks_next,
	.stop = blocks_stop,
	.show = blocks_show,
};

static int blocks_open(struct inode *inode, struct file *file)
{
	struct blocks_iter *it;

	it = __seq_open_private(file, &blocks_sops, sizeof(*it));
	if (!it)
		return -ENOMEM;
	it->inst = inode->i_private;
	return 0;
}

static const struct file_operations blocks_fops = {
	.owner = THIS_MODULE,
	.open = blocks_open,
	.read = seq_read,
	.llseek = seq_lseek,
	.release = seq_release_private,
};

static int histogram_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst = m->private;
	struct memsim_pool *pool = &inst->pool;
	unsigned int i, top = 0;
	struct rb_node *node;

	mutex_lock(&inst->lock);
	for (i = 0; i < MEMSIM_HIST_BUCKETS; i++)
		if (pool->usage.free_hist[i])
			top = i + 1;
	/* Columns: size classes 2^0 .. 2^(top-1), as far as any is used. */
	seq_puts(m, "stream");
	for (i = 0; i < top; i++)
		seq_printf(m, "\t2^%u", i);
	seq_putc(m, '\n');
	for (node = rb_first(&pool->streams); node; node = rb_next(node)) {
		struct memsim_stream *s = rb_entry(node, struct memsim_stream, rb);

		seq_printf(m, "%u", s->id);
		for (i = 0; i < top; i++)
			seq_printf(m, "\t%llu", s->usage.free_hist[i]);
		seq_putc(m, '\n');
	}
	mutex_unlock(&inst->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(histogram);

static int stats_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst = m->private;
	struct memsim_pool *pool = &inst->pool;
	enum memsim_strategy s;

	seq_puts(m, "strategy\tactive\tallocs\tfailures\tfrees\tsteps\talloc_ns\tfree_ns\n");
	mutex_lock(&inst->lock);
	for (s = 0; s < MEMSIM_NR_STRATEGIES; s++) {
		const struct memsim_strategy_stats *st = &pool->strategy_stats[s];

		seq_printf(m, "%s\t%d\t%llu\t%llu\t%llu\t%llu\t%llu\t%llu\n",
			   memsim_strategy_name(s), s == pool->strategy, st->allocs,
			   st->failures, st->frees, st->steps, st->alloc_ns, st->free_ns);
	}
	mutex_unlock(&inst->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(stats);

#define MAP_SLICES	64

/* The character for a slice given the bytes of each kind it covers. */
static char map_char(u64 free, u64 alloc, u64 deferred)
{
	if (!alloc && !deferred)
		return '.';
	if (!free && !deferred)
		return '#';
	if (!free && !alloc)
		return 'D';
	return '+';
}

/*
 * A segment of @size bytes is drawn with n = min(64, size) characters;
 * character i stands for [start + floor(i * size / n), start +
 * floor((i + 1) * size / n)), so the line always has n characters and
 * the slices differ by at most one byte.  The products are 128-bit: a
 * segment may be nearly 2^64 bytes.  Drawing visits every block of the
 * segment once, yielding the CPU every MAP_YIELD_EVERY blocks.
 */
#define MAP_YIELD_EVERY	1024

static void map_segment(struct seq_file *m, const struct memsim_segment *seg)
{
	unsigned int n = seg->size < MAP_SLICES ? seg->size : MAP_SLICES, i;
	const struct memsim_block *b;
	char line[MAP_SLICES + 1];
	u64 pos = seg->start, end, stop, walked = 0;

	b = list_first_entry(&seg->blocks, struct memsim_block, link);
	for (i = 0; i < n; i++) {
		u64 bytes[3] = { 0 };

		end = seg->start + mul_u64_u64_div_u64(i + 1, seg->size, n);
		while (pos < end) {
			/* Account the part of @b inside this slice. */
			stop = min(b->addr + b->size, end);
			bytes[b->state] += stop - pos;
			pos = stop;
			if (pos == b->addr + b->size && !list_is_last(&b->link, &seg->blocks)) {
				b = list_next_entry(b, link);
				if (++walked % MAP_YIELD_EVERY == 0)
					cond_resched();
			}
		}
		line[i] = map_char(bytes[MEMSIM_BLOCK_FREE], bytes[MEMSIM_BLOCK_ALLOCATED],
				   bytes[MEMSIM_BLOCK_FREE_REQUESTED]);
	}
	line[n] = '\0';
	seq_printf(m, "%llu\t0x%llx\t%llu\t%s\n", seg->id, seg->start, seg->size / n, line);
}

static int map_show(struct seq_file *m, void *unused)
{
	struct memsim_instance *inst = m->private;
	struct memsim_segment *seg;

	seq_puts(m, "segment\tstart\tslice\tmap\n");
	mutex_lock(&inst->lock);
	for (seg = memsim_segment_first_from(&inst->pool, 0); seg;
	     seg = memsim_segment_after(&inst->pool, seg))
		map_segment(m, seg);
	mutex_unlock(&inst->lock);
	return 0;
}
DEFINE_SHOW_ATTRIBUTE(map);

/**
 * memsim_debugfs_instance_add() - create an instance's directory
 * @inst: the new instance.
 */
void memsim_debugfs_instance_add(struct memsim_instance *inst)
{
	char name[24];

	if (!memsim_debugfs_available())
		return;
	snprintf(name, sizeof(name), "%llu", inst->id);
	inst->debugfs = debugfs_create_dir(name, memsim_debugfs_root);
	debugfs_create_file("summary", 0400, inst->debugfs, inst, &summary_fops);
	debugfs_create_file("segments", 0400, inst->debugfs, inst, &segments_fops);
	debugfs_create_file("blocks", 0400, inst->debugfs, inst, &blocks_fops);
	debugfs_create_file("histogram", 0400, inst->debugfs, inst, &histogram_fops);
	debugfs_create_file("map", 0400, inst->debugfs, inst, &map_fops);
	debugfs_create_file("stats", 0400, inst->debugfs, inst, &stats_fops);
	debugfs_create_file("trace", 0400, inst->debugfs, inst, &memsim_trace_fops);
}

/**
 * memsim_debugfs_instance_remove() - remove an instance's directory
 * @inst: the instance being released.
 *
 * Returns once no reader is inside one of its files any more, so the
 * instance can be freed right after.
 */
void memsim_debugfs_instance_remove(struct memsim_instance *inst)
{
	debugfs_remove_recursive(inst->debugfs);
	inst->debugfs = NULL;
}

/**
 * memsim_debugfs_init() - create /sys/kernel/debug/memsim/
 *
 * The "instances" file in it is memsim_instances_debugfs_init()'s, beside
 * the list it shows.
 */
void memsim_debugfs_init(void)
{
	memsim_debugfs_root = debugfs_create_dir("memsim", NULL);
}

/**
 * memsim_debugfs_dir() - the directory /sys/kernel/debug/memsim/
 *
 * Return: its dentry, for files created elsewhere in it; an error pointer
 * or NULL without debugfs (debugfs_create_file() takes either and does
 * nothing).
 */
struct dentry *memsim_debugfs_dir(void)
{
	return memsim_debugfs_root;
}

/**
 * memsim_debugfs_exit() - remove everything memsim_debugfs_init() created
 */
void memsim_debugfs_exit(void)
{
	debugfs_remove_recursive(memsim_debugfs_root);
	memsim_debugfs_root = NULL;
}

/**
 * memsim_debugfs_available() - whether the debugfs directory exists
 *
 * Return: true if /sys/kernel/debug/memsim/ was created.
 */
bool memsim_debugfs_available(void)
{
	return !IS_ERR_OR_NULL(memsim_debugfs_root);
}
