/* SPDX-License-Identifier: GPL-2.0 */
/*
 * render_svg: memsimctl's pictures, as SVG and as one self-contained HTML
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Pure rendering: the functions below read plain structures that the
 * caller filled (from the device, or from a trace: see render_trace.h) and
 * write text to a FILE.  They never touch /dev/memsim.
 *
 *   render_map_svg()       the address space at one moment: one row per
 *                          segment, one rectangle per block
 *   render_timeline_svg()  every allocation over time: x = operation or
 *                          time, y = address, one rectangle per allocation
 *                          from its alloc to its free
 *   render_series_svg()    bytes (allocated, requested, free, largest free
 *                          block) and percentages (utilization, external
 *                          fragmentation) over time, as line charts
 *   render_html()          a heading, a summary table and the three above,
 *                          in one HTML file without any external resource
 *
 * Every rectangle that stands for a block has class="block", for an
 * allocation class="alloc", both with data-addr (hexadecimal) and
 * data-size (decimal) attributes and a <title> tooltip; axes are groups
 * with class="axis", the legend a group with class="legend".  A picture
 * that would need more than render_opts.max_rects rectangles is reduced by
 * the rules in Documentation/memsimctl.rst (Pictures) and says so in a
 * <text class="reduced"> line.  All text from the input is escaped for XML.
 */
#ifndef _MEMSIMCTL_RENDER_SVG_H
#define _MEMSIMCTL_RENDER_SVG_H

#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

/* Bytes of a label or a command name kept, NUL included; longer is cut. */
#define RENDER_TEXT_MAX		64
#define RENDER_COMM_MAX		16

/* A time that did not happen (yet): an allocation still live at the end. */
#define RENDER_T_NONE		(~0ULL)

/* Defaults of struct render_opts (its zero fields). */
#define RENDER_WIDTH		1000
#define RENDER_MAX_RECTS	20000
#define RENDER_MAX_POINTS	4000

/**
 * enum render_block_state - what a block holds
 * @RENDER_FREE: free.
 * @RENDER_ALLOCATED: allocated.
 * @RENDER_DEFERRED: allocated, its free requested but not completed.
 */
enum render_block_state {
	RENDER_FREE = 0,
	RENDER_ALLOCATED = 1,
	RENDER_DEFERRED = 2,
};

/**
 * enum render_time_unit - what the x axis of a timeline or series counts
 * @RENDER_TIME_OPS: operations, numbered from 0.
 * @RENDER_TIME_SEQ: trace sequence numbers (the seq column of a trace).
 * @RENDER_TIME_NS: nanoseconds (ktime_get_ns() or a trace's clock); the
 *	axis shows the time since its start.
 */
enum render_time_unit {
	RENDER_TIME_OPS = 0,
	RENDER_TIME_SEQ = 1,
	RENDER_TIME_NS = 2,
};

/**
 * struct render_segment - one segment
 * @id: its id.
 * @start: first address.
 * @size: size in bytes (a segment of size 0 is not drawn).
 * @stream: its stream.
 * @t_create: timelines: when it was created (0: from the start).
 * @t_release: timelines: when it was released, or %RENDER_T_NONE.
 */
struct render_segment {
	__u64 id;
	__u64 start;
	__u64 size;
	__u32 stream;
	__u64 t_create;
	__u64 t_release;
};

/**
 * struct render_block - one block of an address-space snapshot
 * @addr: first address.
 * @size: size in bytes.
 * @requested: size asked for (allocated blocks), else 0.
 * @segment_id: its segment (shown in the tooltip; the row is found by
 *	address).
 * @tag: the caller's tag (allocated blocks).
 * @stream: its stream.
 * @state: an &enum render_block_state.
 * @owner_pid: the process that allocated it, 0 if unknown.
 * @owner_comm: its command name, "" if unknown.
 * @label: the label of the allocation, "" for none.
 */
struct render_block {
	__u64 addr;
	__u64 size;
	__u64 requested;
	__u64 segment_id;
	__u64 tag;
	__u32 stream;
	__u32 state;
	__u32 owner_pid;
	char owner_comm[RENDER_COMM_MAX];
	char label[RENDER_TEXT_MAX];
};

/**
 * struct render_snapshot - the address space at one moment
 * @segs: the segments, in any order.
 * @nr_segs: how many.
 * @blocks: the blocks, in any order; each must lie inside a segment.
 * @nr_blocks: how many.
 */
struct render_snapshot {
	const struct render_segment *segs;
	size_t nr_segs;
	const struct render_block *blocks;
	size_t nr_blocks;
};

/**
 * struct render_alloc - one allocation of a timeline
 * @addr: its address.
 * @size: its size in bytes (the block's actual size).
 * @requested: the size asked for, 0 if unknown.
 * @tag: the caller's tag.
 * @stream: its stream.
 * @owner_pid: the process that made it, 0 if unknown.
 * @t_alloc: when it was allocated.
 * @t_free_req: when its free was requested (a deferred free), or
 *	%RENDER_T_NONE.
 * @t_free: when it was freed (its free completed), or %RENDER_T_NONE if
 *	it is still live at the end.
 * @owner_comm: the command name of @owner_pid, "" if unknown.
 * @label: its label, "" for none.
 */
struct render_alloc {
	__u64 addr;
	__u64 size;
	__u64 requested;
	__u64 tag;
	__u32 stream;
	__u32 owner_pid;
	__u64 t_alloc;
	__u64 t_free_req;
	__u64 t_free;
	char owner_comm[RENDER_COMM_MAX];
	char label[RENDER_TEXT_MAX];
};

/**
 * struct render_fail - an allocation that failed, marked on a timeline
 * @t: when.
 * @size: the size asked for.
 * @stream: the stream asked for (MEMSIM_STREAM_ANY_ID: any).
 * @error: the negative errno, 0 if unknown.
 * @label: its label, "" for none.
 */
struct render_fail {
	__u64 t;
	__u64 size;
	__u32 stream;
	__s32 error;
	char label[RENDER_TEXT_MAX];
};

/**
 * struct render_timeline - allocations over time
 * @segs: the segments that existed at some time, in any order; none: the
 *	y axis spans the addresses of the allocations.
 * @nr_segs: how many.
 * @allocs: the allocations, in any order; each must lie inside a segment.
 * @nr_allocs: how many.
 * @fails: failed allocations, or NULL.
 * @nr_fails: how many.
 * @unit: what the times count.
 * @t_begin: first time of the x axis.
 * @t_end: last time of the x axis; @t_begin == @t_end == 0: from the
 *	earliest to the latest time of the input (plus one operation for
 *	%RENDER_TIME_OPS and %RENDER_TIME_SEQ, so the last one has a width).
 */
struct render_timeline {
	const struct render_segment *segs;
	size_t nr_segs;
	const struct render_alloc *allocs;
	size_t nr_allocs;
	const struct render_fail *fails;
	size_t nr_fails;
	enum render_time_unit unit;
	__u64 t_begin;
	__u64 t_end;
};

/**
 * struct render_point - the pool's figures after one operation
 * @t: when (in the series' unit).
 * @allocated: bytes allocated (blocks whose free is pending included).
 * @requested: bytes requested by those allocations.
 * @free: free bytes.
 * @largest_free: the largest free block.
 * @frag_ppm: external fragmentation, 10^6 * (1 - @largest_free / @free).
 */
struct render_point {
	__u64 t;
	__u64 allocated;
	__u64 requested;
	__u64 free;
	__u64 largest_free;
	__u32 frag_ppm;
};

/**
 * struct render_series - figures over time
 * @pts: the points, in time order.
 * @nr: how many.
 * @unit: what @pts[i].t counts.
 */
struct render_series {
	const struct render_point *pts;
	size_t nr;
	enum render_time_unit unit;
};

/**
 * struct render_opts - how to draw (all zero: the defaults)
 * @title: heading of the picture (the HTML page's too), NULL for a default.
 * @width: width in pixels (default %RENDER_WIDTH, at least 400).
 * @max_rects: most rectangles for blocks or allocations in one picture
 *	(default %RENDER_MAX_RECTS); beyond, the picture is reduced.
 * @max_points: most points of one line of a series (default
 *	%RENDER_MAX_POINTS, at least 16); beyond, the line is reduced.
 */
struct render_opts {
	const char *title;
	unsigned int width;
	size_t max_rects;
	size_t max_points;
};

/*
 * Each returns 0, or a negative errno: -EINVAL for an input that breaks
 * the rules above (a block or allocation outside every segment, an
 * allocation freed before it was made), -ENOMEM, -EIO if writing failed.
 * @opts may be NULL.  On an error, what was written is incomplete.
 */
int render_map_svg(FILE *f, const struct render_snapshot *snap,
		   const struct render_opts *opts);
int render_timeline_svg(FILE *f, const struct render_timeline *tl,
			const struct render_opts *opts);
int render_series_svg(FILE *f, const struct render_series *ser,
		      const struct render_opts *opts);
/* Any of @snap, @tl and @ser may be NULL: its section is left out. */
int render_html(FILE *f, const struct render_snapshot *snap,
		const struct render_timeline *tl,
		const struct render_series *ser,
		const struct render_opts *opts);

/* Copies @src into @dst (RENDER_TEXT_MAX or RENDER_COMM_MAX), cut. */
void render_set_text(char *dst, size_t len, const char *src);

/* Writes @s to @f escaped for XML text and attributes (see render_svg.c). */
void render_xml_escape(FILE *f, const char *s);

#endif /* _MEMSIMCTL_RENDER_SVG_H */
