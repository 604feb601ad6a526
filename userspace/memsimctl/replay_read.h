/* SPDX-License-Identifier: GPL-2.0 */
/*
 * replay_read: allocation traces read into one in-memory workload
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Pure parsing: nothing here opens /dev/memsim.  A reader turns a trace
 * file into a &struct replay_workload, an array of &struct replay_event in
 * file order, which `memsimctl replay` executes against a memsim instance.
 * Formats (Documentation/memsimctl.rst, "replay"):
 *
 *   memsim-csv     memsim's own trace: `memsimctl trace --format csv`, or
 *                  the debugfs trace file (the same columns, tab-separated)
 *   memsim-ndjson  memsim's own trace: `memsimctl trace --format ndjson`
 *   rmm            RAPIDS RMM's logging_resource_adaptor CSV log
 *   pytorch        torch.cuda.memory._snapshot() converted to JSON
 *
 * A reader either returns a complete workload or an error message of the
 * form "FILE:LINE: what is wrong" and no workload: nothing is half-read.
 * Anomalies of the trace itself (a free of a pointer that was never
 * allocated, records lost from a ring) are not errors: they are flagged on
 * the event (REPLAY_F_*) and counted, for the executor to decide.
 *
 * Traced pointers become dense ids: every ALLOC gets the next id (0, 1,
 * 2...), and the free events that end it carry the same id, so an executor
 * keeps "the memsim address of allocation N" in a plain array and needs no
 * lookup at replay time.  Segments get ids of their own the same way.  The
 * map from a traced pointer to its live id is a &struct replay_ptrmap.
 */
#ifndef _MEMSIMCTL_REPLAY_READ_H
#define _MEMSIMCTL_REPLAY_READ_H

#include <stddef.h>
#include <stdio.h>

#include <linux/types.h>

/* Formats, for --format. */
enum replay_format {
	REPLAY_FMT_AUTO = 0,
	REPLAY_FMT_MEMSIM_CSV,
	REPLAY_FMT_MEMSIM_NDJSON,
	REPLAY_FMT_RMM,
	REPLAY_FMT_PYTORCH,
	REPLAY_NR_FORMATS,
};

/**
 * enum replay_kind - what an event does
 * @REPLAY_SEGMENT_ALLOC: a segment appears: @addr, @size, @stream.  Its id
 *	(@id) is the next segment id.
 * @REPLAY_SEGMENT_FREE: the segment at @addr goes (@id: the segment's id).
 * @REPLAY_ALLOC: an allocation: @addr is the traced pointer, @size the
 *	bytes requested, @actual the bytes the traced allocator gave (0 if
 *	unknown), @align the alignment (0: none or unknown), @stream, the
 *	request's MEMSIM_ALLOC_* flags in @flags.  @id is the next
 *	allocation id.
 * @REPLAY_FREE: an immediate free of the allocation @id (traced pointer
 *	@addr; @size as the trace gives it, 0 if not).
 * @REPLAY_FREE_REQUESTED: the first half of a deferred free of @id.
 * @REPLAY_FREE_COMPLETED: the second half: @id's memory is reusable.
 * @REPLAY_ALLOC_FAILED: a failed allocation the trace recorded: @size,
 *	@align, @stream (possibly MEMSIM_STREAM_ANY_ID), flags as for ALLOC,
 *	@error the negative errno (-ENOSPC when the format says no more).
 * @REPLAY_STREAM_SYNC: every deferred free of @stream completes (no format
 *	read today has one; memsim's SYNC_STREAM appears as the
 *	FREE_COMPLETED events it caused).
 * @REPLAY_STRATEGY: memsim: the strategy became @strategy, @size is the
 *	buddy system's minimum block in force.
 * @REPLAY_RESET: memsim: RESET with the MEMSIM_RESET_* flags in @flags:
 *	every allocation ends (and without MEMSIM_RESET_KEEP_SEGMENTS every
 *	segment); the strategy after it is @strategy.
 * @REPLAY_SNAPSHOT: a marker (PyTorch "snapshot"): no effect.
 * @REPLAY_NR_KINDS: number of kinds.
 */
enum replay_kind {
	REPLAY_SEGMENT_ALLOC = 0,
	REPLAY_SEGMENT_FREE,
	REPLAY_ALLOC,
	REPLAY_FREE,
	REPLAY_FREE_REQUESTED,
	REPLAY_FREE_COMPLETED,
	REPLAY_ALLOC_FAILED,
	REPLAY_STREAM_SYNC,
	REPLAY_STRATEGY,
	REPLAY_RESET,
	REPLAY_SNAPSHOT,
	REPLAY_NR_KINDS,
};

/*
 * Event flags.  The low byte holds the operation's own memsim flags
 * (ALLOC, ALLOC_FAILED: MEMSIM_ALLOC_TOPDOWN, _RANGE, _FIXED; RESET:
 * MEMSIM_RESET_*), so `flags & REPLAY_F_OP_MASK` can be passed on as it is.
 */
#define REPLAY_F_OP_MASK	0xffU
/* Made up from a PyTorch snapshot's state before its trace (no line). */
#define REPLAY_F_INITIAL	(1U << 8)
/* A free (or segment free) of a pointer that is not live: @id is REPLAY_NO_ID. */
#define REPLAY_F_UNKNOWN_PTR	(1U << 9)
/* An allocation (or segment) at a pointer still live: the older one never ended. */
#define REPLAY_F_PTR_REUSED	(1U << 10)
/* MEMSIM_ALLOC_RANGE, but the trace does not say which range. */
#define REPLAY_F_RANGE_UNKNOWN	(1U << 11)
/* Records were lost just before this one (ring overwritten). */
#define REPLAY_F_AFTER_GAP	(1U << 12)
/* PyTorch segment_map / segment_unmap (expandable segments). */
#define REPLAY_F_MAP		(1U << 13)
/* A free whose size matches neither the allocation's requested nor its actual size. */
#define REPLAY_F_SIZE_MISMATCH	(1U << 14)

#define REPLAY_NO_ID		0xffffffffU	/* @id of an event without one */
#define REPLAY_NO_INDEX		0xffffffffU	/* @index outside a PyTorch trace */
#define REPLAY_NO_TIME		(~0ULL)		/* @time_ns of a format without time */

/**
 * struct replay_event - one event of a workload (96 bytes)
 * @addr: ALLOC, FREE*: the traced pointer; SEGMENT_*: the segment's start;
 *	ALLOC_FAILED: the traced address asked for (MEMSIM_ALLOC_FIXED), else 0.
 * @size: ALLOC, ALLOC_FAILED: the bytes requested; FREE*: the size the
 *	trace gives (0 if none); SEGMENT_*: the segment's size; STRATEGY: the
 *	buddy system's minimum block.
 * @actual: memsim ALLOC, FREE*: the size of the block the traced run got;
 *	PyTorch initial blocks: the block's size; else 0.
 * @align: ALLOC, ALLOC_FAILED: the alignment asked for or known (memsim:
 *	the request's; RMM: 256; PyTorch: 512), 0 for none.
 * @time_ns: when, in nanoseconds on the trace's own clock; REPLAY_NO_TIME
 *	if the format has none.
 * @tag: memsim: the block's tag; else 0.
 * @thread: memsim: the pid of the caller; RMM: the thread id; else 0.
 * @segment: memsim: the traced segment id; else 0.
 * @line: line of the input file (from 1); 0 for a PyTorch event, whose
 *	place is @index.
 * @index: PyTorch: index of the entry in device_traces[device] (INITIAL
 *	events: in segments); REPLAY_NO_INDEX for the other formats.
 * @id: allocation id (ALLOC, FREE*), segment id (SEGMENT_*), or
 *	REPLAY_NO_ID.
 * @stream: the memsim stream id: memsim's own for memsim traces (or
 *	MEMSIM_STREAM_ANY_ID), else the trace's streams numbered from 0 in
 *	order of first appearance (&replay_workload.stream_value).
 * @flags: REPLAY_F_* and the operation's memsim flags.
 * @label: offset of the call's label in &replay_workload.strings, 0 (the
 *	empty string) for none.
 * @error: ALLOC_FAILED: the negative errno; else 0.
 * @kind: an &enum replay_kind.
 * @strategy: memsim: the &enum memsim_strategy_id in force (STRATEGY: the
 *	new one); else 0.
 * @reserved: zero.
 */
struct replay_event {
	__u64 addr;
	__u64 size;
	__u64 actual;
	__u64 align;
	__u64 time_ns;
	__u64 tag;
	__u64 thread;
	__u64 segment;
	__u32 line;
	__u32 index;
	__u32 id;
	__u32 stream;
	__u32 flags;
	__u32 label;
	__s32 error;
	__u8 kind;
	__u8 strategy;
	__u16 reserved;
};

/**
 * struct replay_workload - a trace, read
 * @format: the format it was read as (never AUTO).
 * @name: the file name given (for messages).
 * @ev: the events, in the order the trace has them.
 * @nr: number of events.
 * @cap: entries allocated at @ev.
 * @nr_ids: allocation ids handed out (= ALLOC events).
 * @id_event: for each allocation id, the index in @ev of its ALLOC.
 * @nr_seg_ids: segment ids handed out (= SEGMENT_ALLOC events).
 * @nr_streams: streams seen.
 * @stream_value: for each memsim stream id below @nr_streams, the trace's
 *	own value (RMM: the cudaStream_t; PyTorch: the stream number; memsim:
 *	the stream id itself, in the order seen, so there @stream_value[i] is
 *	not i).
 * @strings: the labels, NUL-terminated, one after another; offset 0 holds
 *	the empty string.
 * @strings_len: bytes used in @strings.
 * @strings_cap: bytes allocated.
 * @count: events of each &enum replay_kind.
 * @skipped: records read but not turned into events (memsim: split,
 *	coalesce, buddy_split, buddy_merge, which ALLOC and FREE redo).
 * @lost: memsim: records missing (gaps in seq, "# lost N" lines).
 * @first_seq: memsim: seq of the first record (above 0: the ring had
 *	overwritten the start of the run).
 * @unknown_frees: events flagged REPLAY_F_UNKNOWN_PTR.
 * @reused_ptrs: events flagged REPLAY_F_PTR_REUSED.
 * @device: PyTorch: the device read; else -1.
 * @nr_devices: PyTorch: entries of device_traces; else 0.
 */
struct replay_workload {
	enum replay_format format;
	char *name;
	struct replay_event *ev;
	size_t nr;
	size_t cap;
	__u32 nr_ids;
	__u32 *id_event;
	__u32 nr_seg_ids;
	__u32 nr_streams;
	__u64 *stream_value;
	char *strings;
	size_t strings_len;
	size_t strings_cap;
	__u64 count[REPLAY_NR_KINDS];
	__u64 skipped;
	__u64 lost;
	__u64 first_seq;
	__u64 unknown_frees;
	__u64 reused_ptrs;
	int device;
	int nr_devices;
};

/**
 * struct replay_options - how to read
 * @format: a format, or REPLAY_FMT_AUTO to tell it from the content.
 * @device: PyTorch: which entry of device_traces to read; -1 for the first
 *	with events (or, without any, the first device with segments).
 */
struct replay_options {
	enum replay_format format;
	int device;
};

/* Longest line the line-based formats accept, with its newline. */
#define REPLAY_LINE_MAX		8192

const char *replay_format_name(enum replay_format fmt);
int replay_format_from_name(const char *name, enum replay_format *fmt);
const char *replay_kind_name(unsigned int kind);

/*
 * Read FILE ("-" for standard input) or an open stream named @name.
 * Return 0 and a workload in *@out, or a negative errno (-EINVAL for a
 * malformed input, -ENOMEM, -EIO, or the open() error) with the message in
 * @err ("FILE:LINE: what is wrong") and *@out NULL.
 */
int replay_read_file(const char *path, const struct replay_options *opt,
		     struct replay_workload **out, char *err, size_t errlen);
int replay_read_stream(FILE *f, const char *name, const struct replay_options *opt,
		       struct replay_workload **out, char *err, size_t errlen);
void replay_free(struct replay_workload *w);

/* The label of @ev ("" for none). */
static inline const char *replay_label(const struct replay_workload *w,
				       const struct replay_event *ev)
{
	return w->strings + ev->label;
}

/*
 * Where @ev comes from, for messages: "FILE:LINE", or for PyTorch
 * "FILE:device_traces[D][I]" ("FILE:segments[I]" for the initial state).
 */
int replay_event_where(const struct replay_workload *w, const struct replay_event *ev,
		       char *buf, size_t len);

/**
 * struct replay_ptrmap - open-addressing hash map from a 64-bit key (a
 *	traced pointer) to a 32-bit value (an id), with deletion
 * @keys: the keys.
 * @vals: the values; REPLAY_NO_ID marks an empty slot.
 * @cap: slots, a power of two (0 before the first insertion).
 * @nr: entries.
 *
 * Linear probing, Fibonacci hashing (so pointers aligned to large powers of
 * two still spread), at most half full, and deletion by backward shift, so
 * that no tombstones accumulate however many allocations come and go.  Not
 * hsearch_r(3): its keys are strings, its table cannot grow past the size
 * given to hcreate_r() and it cannot delete, while a trace frees pointers
 * and reuses them millions of times.
 */
struct replay_ptrmap {
	__u64 *keys;
	__u32 *vals;
	__u32 cap;
	__u32 nr;
};

void replay_ptrmap_init(struct replay_ptrmap *m);
void replay_ptrmap_destroy(struct replay_ptrmap *m);
void replay_ptrmap_clear(struct replay_ptrmap *m);
/* 0 if @key was new, 1 if its old value (in *@old, if not NULL) was replaced, -ENOMEM. */
int replay_ptrmap_put(struct replay_ptrmap *m, __u64 key, __u32 val, __u32 *old);
/* 0 and *@val, or -ENOENT. */
int replay_ptrmap_get(const struct replay_ptrmap *m, __u64 key, __u32 *val);
/* 0 and *@val (if not NULL) for a key removed, or -ENOENT. */
int replay_ptrmap_del(struct replay_ptrmap *m, __u64 key, __u32 *val);

#endif /* _MEMSIMCTL_REPLAY_READ_H */
