/* SPDX-License-Identifier: GPL-2.0 */
/*
 * pictures: the SVG and HTML pictures of an instance and of a trace
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Fills the renderer's structures (render_svg.h) from the device and from
 * traces, and writes the files; render_svg.c draws, render_trace.c turns
 * trace records into allocations over time.  Used by "memsimctl map --svg
 * / --html", "memsimctl timeline" and, through pictures_write(), by any
 * command that wants a picture of its instance (replay --html):
 *
 *	struct pictures_trace pt;
 *	struct pictures_opts po = { .format = PICTURES_HTML, .name = "x.csv" };
 *
 *	pictures_trace_init(&pt, RENDER_TIME_OPS);
 *	... run the workload on @h with the trace on (TRACE_CTL) ...
 *	if (!pictures_trace_device(h, &pt))
 *		ret = pictures_write(h, "x.html", &pt, &po, NULL);
 *	pictures_trace_free(&pt);
 *
 * or, with records of its own (struct memsim_trace_record, in sequence
 * order), pictures_trace_add() for each instead of pictures_trace_device().
 * Every function here that fails says why on standard error
 * ("memsimctl: FILE: ...") and returns a negative errno.
 * See Documentation/memsimctl.rst, "Pictures: SVG and HTML".
 */
#ifndef _MEMSIMCTL_PICTURES_H
#define _MEMSIMCTL_PICTURES_H

#include <stdio.h>

#include "libmemsim.h"
#include "options.h"
#include "render_svg.h"
#include "render_trace.h"

/**
 * struct pictures_comm - the command name of a process, as a trace saw it
 * @pid: the process (a record's tgid).
 * @comm: its command name.
 */
struct pictures_comm {
	__u32 pid;
	char comm[RENDER_COMM_MAX];
};

/**
 * struct pictures_trace - a trace, read for the pictures
 * @rt: the allocations, failures and series (render_trace.h).
 * @records: records added.
 * @lost: records the trace made but that were not added: the sequence
 *	numbers missing before the first record and between two records
 *	(overwritten in the ring, or left out of a saved file).
 * @next_seq: the seq the next record should have.
 * @strategy: the strategy in force after the last record.
 * @made: ids of the segments the trace created (segment_create); the
 *	others in @rt.segs are stand-ins, whose free space is unknown.
 * @nr_made: how many.
 * @comms: the command name of every process that made a record.
 * @nr_comms: how many.
 * @cap_made: private.
 * @cap_comms: private.
 */
struct pictures_trace {
	struct render_trace rt;
	__u64 records;
	__u64 lost;
	__u64 next_seq;
	__u32 strategy;
	__u64 *made;
	size_t nr_made;
	struct pictures_comm *comms;
	size_t nr_comms;
	size_t cap_made;
	size_t cap_comms;
};

int pictures_trace_init(struct pictures_trace *pt, enum render_time_unit unit);
void pictures_trace_free(struct pictures_trace *pt);
/*
 * One record, in sequence order.  Returns 0, -ENOMEM, or -EINVAL for a
 * record that contradicts the ones before it (render_trace_add()): the
 * trace is unchanged then.  Prints nothing.
 */
int pictures_trace_add(struct pictures_trace *pt,
		       const struct memsim_trace_record *r);
/*
 * Every record the instance's trace holds, from the oldest kept.  When the
 * ring had lost records, says so on standard error:
 * "memsimctl: trace: N records lost (ring capacity C): ...".
 */
int pictures_trace_device(struct memsim_handle *h, struct pictures_trace *pt);
/*
 * A trace saved by "memsimctl trace": NDJSON (--format ndjson) or CSV
 * (--format csv, with its header line; the debugfs trace file's
 * tab-separated columns too), told apart by the first line.  "-" is
 * standard input.  Errors name the line: "FILE:LINE: ...".
 */
int pictures_trace_file(const char *path, struct pictures_trace *pt);

/*
 * One line of memsim's trace CSV after the header (the columns of
 * memsim_print_trace_csv_header(), separated by @sep, ',' or '\t') into
 * @r.  Returns 0, or -EINVAL with a message in @err ("column \"size\":
 * not a number").  Pure: for the host tests too.
 */
int pictures_parse_csv(const char *line, char sep, struct memsim_trace_record *r,
		       char *err, size_t errlen);

/**
 * enum pictures_format - what pictures_write() writes
 * @PICTURES_HTML: one HTML page: the summary table, the address space, and
 *	with a trace the allocations over time and the series.
 * @PICTURES_MAP_SVG: the address space, as SVG.
 * @PICTURES_TIMELINE_SVG: the allocations over time (needs a trace).
 * @PICTURES_SERIES_SVG: utilization and fragmentation over time (needs a
 *	trace).
 */
enum pictures_format {
	PICTURES_HTML = 0,
	PICTURES_MAP_SVG,
	PICTURES_TIMELINE_SVG,
	PICTURES_SERIES_SVG,
};

/**
 * struct pictures_opts - how pictures_write() writes
 * @format: an &enum pictures_format.
 * @title: the picture's heading, NULL for the default, which is the
 *	picture's kind ("memsim address space") and ": @name" if given.
 * @name: the workload (a script or trace file name) for the default title,
 *	or NULL.
 * @width: the width in pixels, 0 for the renderer's default.
 */
struct pictures_opts {
	enum pictures_format format;
	const char *title;
	const char *name;
	unsigned int width;
};

/**
 * struct pictures_info - what pictures_write() wrote
 * @segments: map: segments drawn.
 * @blocks: map: blocks.
 * @allocs: timeline: allocations.
 * @fails: timeline: failed allocations.
 * @points: series: points.
 * @lost: the trace's lost records (said in the title).
 * @bytes: size of the file.
 */
struct pictures_info {
	size_t segments;
	size_t blocks;
	size_t allocs;
	size_t fails;
	size_t points;
	__u64 lost;
	__u64 bytes;
};

/*
 * Writes the picture @o->format to @path ("-": standard output).  The
 * address space is the instance @h as it is now (GET_SEGMENTS,
 * GET_BLOCKS_LIFE), or without @h the state at the end of @pt.  @pt (may
 * be NULL when only the map is wanted) gives the timeline and the series,
 * and the owners' command names.  A trace with lost records says so in the
 * title.  The file is written beside @path and renamed over it at the end,
 * so a failure leaves no half-written file.  @info (may be NULL) receives
 * the figures.  Returns 0 or a negative errno (said on stderr).
 */
int pictures_write(struct memsim_handle *h, const char *path,
		   const struct pictures_trace *pt, const struct pictures_opts *o,
		   struct pictures_info *info);

/**
 * struct pictures_args - the picture options of map and timeline
 * @svg: --svg FILE: map: the address space; timeline: the allocations.
 * @html: --html FILE.
 * @series_svg: timeline --series-svg FILE.
 * @trace: timeline --trace FILE: a saved trace instead of a script.
 * @title: --title TEXT.
 * @unit: timeline --time op|seq|ns, an &enum render_time_unit.
 * @name: the script or trace, for the default titles.
 * @timeline: 1 for timeline, 0 for map.
 */
struct pictures_args {
	const char *svg;
	const char *html;
	const char *series_svg;
	const char *trace;
	const char *title;
	int unit;
	const char *name;
	int timeline;
};

/* --time op|seq|ns, into an int (enum render_time_unit). */
int pictures_opt_time(struct opt_ctx *c, const struct opt *o, const char *val);

/*
 * The commands' part: after the script ran on @h (NULL: timeline --trace,
 * no device), writes every file @a names and prints a line for each on
 * standard output (an object with --json).  Returns 0 or -1 (said).
 */
int pictures_run(struct memsim_handle *h, const struct pictures_args *a);

#endif /* _MEMSIMCTL_PICTURES_H */
