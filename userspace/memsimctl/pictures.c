// SPDX-License-Identifier: GPL-2.0
/*
 * pictures: the SVG and HTML pictures of an instance and of a trace
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See pictures.h.  The address space comes from the device (GET_SEGMENTS,
 * GET_BLOCKS_LIFE) or, for a saved trace, from the state the trace ends
 * in: its live segments and allocations, and between them the free blocks
 * the instance had, one per hole for the fit strategies, and under the
 * buddy system the naturally aligned powers of two the hole is cut into.
 */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "array.h"
#include "json.h"
#include "memsimctl.h"
#include "pictures.h"

int pictures_trace_init(struct pictures_trace *pt, enum render_time_unit unit)
{
	memset(pt, 0, sizeof(*pt));
	return render_trace_init(&pt->rt, unit);
}

void pictures_trace_free(struct pictures_trace *pt)
{
	render_trace_free(&pt->rt);
	free(pt->made);
	free(pt->comms);
	memset(pt, 0, sizeof(*pt));
}

static void copy_text(char *dst, size_t len, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

static const char *comm_find(const struct pictures_comm *v, size_t n, __u32 pid)
{
	size_t i;

	for (i = 0; i < n; i++)
		if (v[i].pid == pid)
			return v[i].comm;
	return NULL;
}

/* The first command name seen for @r's process is kept. */
static int comm_note(struct pictures_comm **v, size_t *n, size_t *cap,
		     const struct memsim_trace_record *r)
{
	if (!r->tgid || !r->comm[0] || comm_find(*v, *n, r->tgid))
		return 0;
	if (array_grow((void **)v, cap, *n + 1, sizeof(**v)))
		return -ENOMEM;
	(*v)[*n].pid = r->tgid;
	copy_text((*v)[*n].comm, sizeof((*v)[*n].comm), r->comm, sizeof(r->comm));
	(*n)++;
	return 0;
}

int pictures_trace_add(struct pictures_trace *pt,
		       const struct memsim_trace_record *r)
{
	int ret;

	if (r->op == MEMSIM_TRACE_SEGMENT_CREATE &&
	    array_grow((void **)&pt->made, &pt->cap_made, pt->nr_made + 1, sizeof(*pt->made)))
		return -ENOMEM;
	ret = render_trace_add(&pt->rt, r);
	if (ret)
		return ret;
	if (comm_note(&pt->comms, &pt->nr_comms, &pt->cap_comms, r))
		return -ENOMEM;
	if (r->op == MEMSIM_TRACE_SEGMENT_CREATE)
		pt->made[pt->nr_made++] = r->segment_id;
	if (r->seq > pt->next_seq)
		pt->lost += r->seq - pt->next_seq;
	if (r->seq >= pt->next_seq)
		pt->next_seq = r->seq + 1;
	pt->strategy = r->strategy;
	pt->records++;
	return 0;
}

/*
 * A record that contradicts the ones before it is an error, unless records
 * were lost before it: then it may well be the release of a segment whose
 * creation was lost, and it is skipped.
 */
static int add_or_skip(struct pictures_trace *pt, const struct memsim_trace_record *r,
		       int *skipped)
{
	int ret = pictures_trace_add(pt, r);

	*skipped = 0;
	if (ret != -EINVAL || (!pt->lost && r->seq == pt->next_seq))
		return ret;
	*skipped = 1;
	if (r->seq > pt->next_seq)
		pt->lost += r->seq - pt->next_seq;
	if (r->seq >= pt->next_seq)
		pt->next_seq = r->seq + 1;
	pt->records++;
	return 0;
}

struct walk_ctx {
	struct pictures_trace *pt;
	__u64 skipped;
	__u64 bad_seq;
	int err;
};

static int walk_record(const struct memsim_trace_record *r, void *arg)
{
	struct walk_ctx *w = arg;
	int skipped;

	w->err = add_or_skip(w->pt, r, &skipped);
	if (w->err) {
		w->bad_seq = r->seq;
		return 1;
	}
	w->skipped += skipped;
	return 0;
}

int pictures_trace_device(struct memsim_handle *h, struct pictures_trace *pt)
{
	struct walk_ctx w = { .pt = pt };
	struct memsim_trace_read_arg st;
	__u64 cursor = 0, lost = 0;
	int ret;

	ret = memsim_walk_trace(h, &cursor, walk_record, &w, &lost, &st);
	if (ret > 0) {
		if (w.err == -ENOMEM)
			fprintf(stderr, "memsimctl: trace: out of memory at record %llu\n",
				(unsigned long long)w.bad_seq);
		else
			fprintf(stderr, "memsimctl: trace: record %llu contradicts the records before it\n",
				(unsigned long long)w.bad_seq);
		return w.err;
	}
	if (ret) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(h));
		return ret;
	}
	/* Records after the last one seen: a ring turned off or on again. */
	if (st.head > pt->next_seq) {
		pt->lost += st.head - pt->next_seq;
		pt->next_seq = st.head;
	}
	if (pt->lost && st.capacity)
		fprintf(stderr, "memsimctl: trace: %llu record%s lost (ring capacity %u): the pictures start after them; a larger --capacity keeps them\n",
			(unsigned long long)pt->lost, pt->lost == 1 ? "" : "s", st.capacity);
	else if (pt->lost)
		fprintf(stderr, "memsimctl: trace: %llu record%s lost (the trace is off): the pictures lack them\n",
			(unsigned long long)pt->lost, pt->lost == 1 ? "" : "s");
	if (w.skipped)
		fprintf(stderr, "memsimctl: trace: %llu record%s skipped: they concern what the lost records made\n",
			(unsigned long long)w.skipped, w.skipped == 1 ? "" : "s");
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * memsim's trace CSV: the columns of memsim_print_trace_csv_header().
 */

enum csv_col {
	C_SEQ, C_TS, C_OP, C_ADDR, C_SIZE, C_REQUESTED, C_ALIGN, C_STREAM,
	C_SEGMENT, C_STRATEGY, C_TAG, C_FLAGS, C_ERROR, C_PID, C_TGID, C_COMM,
	C_STACK, C_LABEL, C_NR
};

static const char * const csv_names[C_NR] = {
	"seq", "ts_ns", "op", "addr", "size", "requested", "align", "stream",
	"segment", "strategy", "tag", "flags", "error", "pid", "tgid", "comm",
	"stack", "label",
};

/* Decimal, or hexadecimal after 0x; all of @s. */
static int csv_number(const char *s, __u64 *out)
{
	unsigned int base = 10, d;
	__u64 v = 0;

	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -1;
	for (; *s; s++) {
		if (*s >= '0' && *s <= '9')
			d = *s - '0';
		else if (base == 16 && *s >= 'a' && *s <= 'f')
			d = *s - 'a' + 10;
		else if (base == 16 && *s >= 'A' && *s <= 'F')
			d = *s - 'A' + 10;
		else
			return -1;
		if (v > (UINT64_MAX - d) / base)
			return -1;
		v = v * base + d;
	}
	*out = v;
	return 0;
}

static int csv_err(char *err, size_t len, int col, const char *what)
{
	snprintf(err, len, "column \"%s\": %s", csv_names[col], what);
	return -EINVAL;
}

/* Field @col, text @s, into @r. */
static int csv_field(struct memsim_trace_record *r, int col, const char *s,
		     int quoted, char *err, size_t len)
{
	__u64 v = 0;
	int k;

	switch (col) {
	case C_OP:
		for (k = 0; k < MEMSIM_TRACE_OP_COUNT; k++)
			if (!strcmp(s, memsim_trace_op_name(k)))
				break;
		if (k == MEMSIM_TRACE_OP_COUNT)
			return csv_err(err, len, col, "unknown operation");
		r->op = k;
		return 0;
	case C_STRATEGY:
		k = memsim_strategy_from_name(s);
		if (k < 0)
			return csv_err(err, len, col, "unknown strategy");
		r->strategy = k;
		return 0;
	case C_COMM:
	case C_LABEL:
		if (col == C_LABEL && !quoted && !strcmp(s, "-"))
			return 0;
		if (strlen(s) >= (col == C_COMM ? sizeof(r->comm) : sizeof(r->label)))
			return csv_err(err, len, col, "too long");
		memcpy(col == C_COMM ? r->comm : r->label, s, strlen(s) + 1);
		return 0;
	case C_STACK:
		/* "-", a handle, or (debugfs) the frames: none are kept. */
		if (!strcmp(s, "-") || csv_number(s, &v) || v > UINT32_MAX)
			v = 0;
		r->stack_id = v;
		return 0;
	case C_STREAM:
		if (!strcmp(s, "any")) {
			r->stream = MEMSIM_STREAM_ANY_ID;
			return 0;
		}
		if (csv_number(s, &v) || v > UINT32_MAX)
			return csv_err(err, len, col, "not a stream (a number or any)");
		r->stream = v;
		return 0;
	case C_ERROR:
		if (!strcmp(s, "0"))
			return 0;
		if (s[0] != '-' || csv_number(s + 1, &v) || !v || v > 4095)
			return csv_err(err, len, col, "not 0 or a negative errno");
		r->error = -(__s32)v;
		return 0;
	}
	if (csv_number(s, &v))
		return csv_err(err, len, col, "not a number");
	switch (col) {
	case C_SEQ:
		r->seq = v;
		return 0;
	case C_TS:
		r->ts_ns = v;
		return 0;
	case C_ADDR:
		r->addr = v;
		return 0;
	case C_SIZE:
		r->size = v;
		return 0;
	case C_REQUESTED:
		r->requested = v;
		return 0;
	case C_ALIGN:
		r->align = v;
		return 0;
	case C_SEGMENT:
		r->segment_id = v;
		return 0;
	case C_TAG:
		r->tag = v;
		return 0;
	}
	if (v > UINT32_MAX)
		return csv_err(err, len, col, "out of range");
	if (col == C_FLAGS)
		r->flags = v;
	else if (col == C_PID)
		r->pid = v;
	else
		r->tgid = v;
	return 0;
}

int pictures_parse_csv(const char *line, char sep, struct memsim_trace_record *r,
		       char *err, size_t errlen)
{
	const char *p = line;
	char field[256];
	size_t n;
	int col, quoted, ret;

	memset(r, 0, sizeof(*r));
	for (col = 0; ; col++) {
		n = 0;
		quoted = *p == '"';
		if (quoted) {
			/* RFC 4180: "" is a quote; the field ends at a lone one. */
			for (p++; *p && !(*p == '"' && p[1] != '"'); p++) {
				if (*p == '"')
					p++;
				if (n + 1 < sizeof(field))
					field[n++] = *p;
			}
			if (*p != '"') {
				snprintf(err, errlen, "column %d: a quoted field without its closing quote",
					 col + 1);
				return -EINVAL;
			}
			p++;
			if (*p && *p != sep && *p != '\r' && *p != '\n') {
				snprintf(err, errlen, "column %d: text after a quoted field", col + 1);
				return -EINVAL;
			}
		} else {
			for (; *p && *p != sep && *p != '\r' && *p != '\n'; p++)
				if (n + 1 < sizeof(field))
					field[n++] = *p;
		}
		field[n] = '\0';
		if (col >= C_NR) {
			snprintf(err, errlen, "more than the %d columns of the header", C_NR);
			return -EINVAL;
		}
		ret = csv_field(r, col, field, quoted, err, errlen);
		if (ret)
			return ret;
		if (*p != sep)
			break;
		p++;
	}
	if (col + 1 != C_NR) {
		snprintf(err, errlen, "%d columns, the header has %d", col + 1, C_NR);
		return -EINVAL;
	}
	return 0;
}

/* The header line with @sep between the names. */
static int csv_header(const char *line, char sep)
{
	size_t n;
	int i;

	for (i = 0; i < C_NR; i++) {
		n = strlen(csv_names[i]);
		if (strncmp(line, csv_names[i], n))
			return 0;
		line += n;
		if (i + 1 < C_NR && *line++ != sep)
			return 0;
	}
	return !*line || !strcmp(line, "\n") || !strcmp(line, "\r\n");
}

/* Quotes in @s: odd: a quoted field goes on in the next line. */
static int open_quote(const char *s)
{
	int n = 0;

	for (; *s; s++)
		n += *s == '"';
	return n & 1;
}

int pictures_trace_file(const char *path, struct pictures_trace *pt)
{
	enum { UNKNOWN, NDJSON, CSV } fmt = UNKNOWN;
	unsigned int lineno = 0, first = 0;
	char *line = NULL, *more = NULL, err[160], sep = ',';
	size_t cap = 0, mcap = 0;
	struct memsim_trace_record r;
	__u64 skipped_total = 0;
	FILE *f;
	int ret = 0, skipped;
	ssize_t len;

	f = strcmp(path, "-") ? fopen(path, "r") : stdin;
	if (!f) {
		ret = -errno;
		fprintf(stderr, "memsimctl: %s: %s\n", path, strerror(errno));
		return ret;
	}
	while ((len = getline(&line, &cap, f)) >= 0) {
		const char *p;

		lineno++;
		first = lineno;
		/* A quoted CSV field may hold a line break. */
		while (fmt == CSV && open_quote(line) && getline(&more, &mcap, f) >= 0) {
			char *j;

			lineno++;
			j = realloc(line, strlen(line) + strlen(more) + 1);
			if (!j) {
				ret = -ENOMEM;
				goto out_err;
			}
			line = j;
			strcat(line, more);
			cap = strlen(line) + 1;
		}
		p = line;
		while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
			p++;
		if (!*p || *p == '#')	/* blank, or the debugfs "# lost N" */
			continue;
		if (fmt == UNKNOWN) {
			if (*p == '{') {
				fmt = NDJSON;
			} else if (csv_header(line, ',') || csv_header(line, '\t')) {
				fmt = CSV;
				sep = csv_header(line, ',') ? ',' : '\t';
				continue;
			} else {
				snprintf(err, sizeof(err),
					 "neither memsim's trace NDJSON (memsimctl trace --format ndjson) nor its CSV with the header line (%s,%s,%s,...)",
					 csv_names[0], csv_names[1], csv_names[2]);
				ret = -EINVAL;
				goto out_err;
			}
		}
		if (fmt == NDJSON)
			ret = render_trace_parse_ndjson(line, &r, err, sizeof(err));
		else
			ret = pictures_parse_csv(line, sep, &r, err, sizeof(err));
		if (ret)
			goto out_err;
		ret = add_or_skip(pt, &r, &skipped);
		if (ret == -EINVAL) {
			snprintf(err, sizeof(err),
				 "this %s record contradicts the records before it (an allocation over a live one, or a release of an unknown segment)",
				 memsim_trace_op_name(r.op));
			goto out_err;
		}
		if (ret) {
			snprintf(err, sizeof(err), "%s", strerror(-ret));
			goto out_err;
		}
		skipped_total += skipped;
	}
	if (ferror(f)) {
		ret = -EIO;
		fprintf(stderr, "memsimctl: %s: read error\n", path);
		goto out;
	}
	if (fmt == UNKNOWN) {
		ret = -EINVAL;
		fprintf(stderr, "memsimctl: %s: no trace records\n", path);
		goto out;
	}
	if (pt->lost)
		fprintf(stderr, "memsimctl: %s: %llu trace record%s missing (sequence numbers not in the file): the pictures lack them\n",
			path, (unsigned long long)pt->lost, pt->lost == 1 ? "" : "s");
	if (skipped_total)
		fprintf(stderr, "memsimctl: %s: %llu record%s skipped: they concern what the missing records made\n",
			path, (unsigned long long)skipped_total, skipped_total == 1 ? "" : "s");
	goto out;
out_err:
	fprintf(stderr, "memsimctl: %s:%u: %s\n", path, first,
		ret == -ENOMEM ? "out of memory" : err);
out:
	free(line);
	free(more);
	if (f != stdin)
		fclose(f);
	return ret;
}

/*
 * ---------------------------------------------------------------------------
 * The address space, from the device or from the end of a trace.
 */

struct snap {
	struct render_segment *segs;
	size_t nsegs, cap_segs;
	struct render_block *blocks;
	size_t nblocks, cap_blocks;
	const struct pictures_comm *comms;
	size_t nr_comms;
};

static void snap_free(struct snap *s)
{
	free(s->segs);
	free(s->blocks);
}

static struct render_block *snap_block(struct snap *s)
{
	struct render_block *b;

	if (array_grow((void **)&s->blocks, &s->cap_blocks, s->nblocks + 1, sizeof(*s->blocks)))
		return NULL;
	b = &s->blocks[s->nblocks++];
	memset(b, 0, sizeof(*b));
	return b;
}

static int dev_segment(const struct memsim_segment_info *si, void *arg)
{
	struct snap *s = arg;
	struct render_segment *g;

	if (array_grow((void **)&s->segs, &s->cap_segs, s->nsegs + 1, sizeof(*s->segs)))
		return -ENOMEM;
	g = &s->segs[s->nsegs++];
	memset(g, 0, sizeof(*g));
	g->id = si->id;
	g->start = si->start;
	g->size = si->size;
	g->stream = si->stream;
	g->t_release = RENDER_T_NONE;
	return 0;
}

static int dev_block(const struct memsim_block_life *l, void *arg)
{
	struct snap *s = arg;
	struct render_block *b = snap_block(s);
	const char *comm;

	if (!b)
		return -ENOMEM;
	b->addr = l->block.addr;
	b->size = l->block.size;
	b->requested = l->block.requested;
	b->segment_id = l->block.segment_id;
	b->tag = l->block.tag;
	b->stream = l->block.stream;
	switch (l->block.state) {
	case MEMSIM_STATE_ALLOCATED:
		b->state = RENDER_ALLOCATED;
		break;
	case MEMSIM_STATE_FREE_REQUESTED:
		b->state = RENDER_DEFERRED;
		break;
	default:
		b->state = RENDER_FREE;
		break;
	}
	if (b->state != RENDER_FREE) {
		b->owner_pid = l->owner_tgid;
		comm = comm_find(s->comms, s->nr_comms, l->owner_tgid);
		if (comm)
			render_set_text(b->owner_comm, sizeof(b->owner_comm), comm);
		copy_text(b->label, sizeof(b->label), l->label, sizeof(l->label));
	}
	return 0;
}

struct comm_walk {
	struct pictures_comm *v;
	size_t n, cap;
};

static int comm_record(const struct memsim_trace_record *r, void *arg)
{
	struct comm_walk *c = arg;

	return comm_note(&c->v, &c->n, &c->cap, r) ? 1 : 0;
}

static int snap_device(struct memsim_handle *h, const struct pictures_trace *pt,
		       struct snap *s, struct comm_walk *cw)
{
	struct memsim_trace_read_arg st;
	__u64 cursor = 0;
	int ret;

	if (pt) {
		s->comms = pt->comms;
		s->nr_comms = pt->nr_comms;
	} else if (!memsim_trace_read(h, 0, NULL, 0, &st) && st.head) {
		/* The script's own trace, if it kept one, knows the names. */
		if (memsim_walk_trace(h, &cursor, comm_record, cw, NULL, NULL) > 0)
			return -ENOMEM;
		s->comms = cw->v;
		s->nr_comms = cw->n;
	}
	ret = memsim_walk_segments(h, dev_segment, s);
	if (!ret)
		ret = memsim_walk_blocks_life(h, dev_block, s);
	if (ret == -ENOMEM)
		fprintf(stderr, "memsimctl: out of memory\n");
	else if (ret)
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(h));
	return ret;
}

/* The free block(s) of the hole [a, b) of segment @g. */
static int snap_hole(struct snap *s, const struct render_segment *g, __u64 a,
		     __u64 b, int buddy)
{
	struct render_block *fb;
	__u64 sz;

	while (a < b) {
		sz = b - a;
		if (buddy) {
			sz = 1ULL << (63 - __builtin_clzll(b - a));
			if (a && (a & -a) < sz)
				sz = a & -a;
		}
		fb = snap_block(s);
		if (!fb)
			return -ENOMEM;
		fb->addr = a;
		fb->size = sz;
		fb->segment_id = g->id;
		fb->stream = g->stream;
		fb->state = RENDER_FREE;
		a += sz;
	}
	return 0;
}

static int cmp_block(const void *x, const void *y)
{
	const struct render_block *a = x, *b = y;

	return a->addr < b->addr ? -1 : a->addr > b->addr;
}

static int made(const struct pictures_trace *pt, __u64 id)
{
	size_t i;

	for (i = 0; i < pt->nr_made; i++)
		if (pt->made[i] == id)
			return 1;
	return 0;
}

/* The state at the end of @pt. */
static int snap_trace(const struct pictures_trace *pt, struct snap *s)
{
	const struct render_trace *t = &pt->rt;
	int buddy = pt->strategy == MEMSIM_STRATEGY_BUDDY;
	size_t i, j, nalloc;
	__u64 a;

	for (i = 0; i < t->nr_segs; i++) {
		if (t->segs[i].t_release != RENDER_T_NONE)
			continue;
		if (array_grow((void **)&s->segs, &s->cap_segs, s->nsegs + 1, sizeof(*s->segs)))
			return -ENOMEM;
		s->segs[s->nsegs++] = t->segs[i];
	}
	for (i = 0; i < t->nr_allocs; i++) {
		const struct render_alloc *al = &t->allocs[i];
		struct render_block *b;

		if (al->t_free != RENDER_T_NONE)
			continue;
		b = snap_block(s);
		if (!b)
			return -ENOMEM;
		b->addr = al->addr;
		b->size = al->size;
		b->requested = al->requested;
		b->tag = al->tag;
		b->stream = al->stream;
		b->state = al->t_free_req != RENDER_T_NONE ? RENDER_DEFERRED : RENDER_ALLOCATED;
		b->owner_pid = al->owner_pid;
		memcpy(b->owner_comm, al->owner_comm, sizeof(b->owner_comm));
		memcpy(b->label, al->label, sizeof(b->label));
		for (j = 0; j < s->nsegs; j++)
			if (al->addr - s->segs[j].start < s->segs[j].size)
				b->segment_id = s->segs[j].id;
	}
	nalloc = s->nblocks;
	qsort(s->blocks, nalloc, sizeof(*s->blocks), cmp_block);
	/* The holes of the segments the trace made; a stand-in's are unknown. */
	for (i = 0; i < s->nsegs; i++) {
		const struct render_segment g = s->segs[i];

		if (!made(pt, g.id))
			continue;
		a = g.start;
		for (j = 0; j < nalloc; j++) {
			/* snap_hole() may move the blocks: copy first. */
			__u64 addr = s->blocks[j].addr, end = addr + s->blocks[j].size;

			if (addr < g.start || addr - g.start >= g.size)
				continue;
			if (snap_hole(s, &g, a, addr, buddy))
				return -ENOMEM;
			a = end;
		}
		if (snap_hole(s, &g, a, g.start + g.size, buddy))
			return -ENOMEM;
	}
	return 0;
}

/*
 * ---------------------------------------------------------------------------
 * Writing.
 */

static const char * const kind_titles[] = {
	[PICTURES_HTML] = "memsim",
	[PICTURES_MAP_SVG] = "memsim address space",
	[PICTURES_TIMELINE_SVG] = "memsim allocations over time",
	[PICTURES_SERIES_SVG] = "memsim utilization and fragmentation over time",
};

static const char *format_name(enum pictures_format f)
{
	switch (f) {
	case PICTURES_MAP_SVG:
		return "map";
	case PICTURES_TIMELINE_SVG:
		return "timeline";
	case PICTURES_SERIES_SVG:
		return "series";
	default:
		return "html";
	}
}

/* A temporary file beside @path: "DIR/.NAME.XXXXXX". */
static FILE *open_beside(const char *path, char *tmp, size_t len)
{
	const char *slash = strrchr(path, '/');
	int n = slash ? (int)(slash - path + 1) : 0, fd;
	FILE *f;

	if ((size_t)snprintf(tmp, len, "%.*s.%s.XXXXXX", n, path, path + n) >= len) {
		errno = ENAMETOOLONG;
		return NULL;
	}
	fd = mkstemp(tmp);
	if (fd < 0)
		return NULL;
	f = fdopen(fd, "w");
	if (!f) {
		close(fd);
		unlink(tmp);
	}
	return f;
}

int pictures_write(struct memsim_handle *h, const char *path,
		   const struct pictures_trace *pt, const struct pictures_opts *o,
		   struct pictures_info *info)
{
	const struct render_snapshot *snapp = NULL;
	struct comm_walk cw = { 0 };
	struct render_snapshot snap;
	struct render_timeline tl;
	struct render_series ser;
	struct render_opts ro = { 0 };
	struct pictures_info inf = { 0 };
	struct snap s = { 0 };
	char tmp[PATH_MAX], title[512];
	int to_stdout = !strcmp(path, "-"), ret = 0;
	mode_t mask;
	FILE *f;

	if ((unsigned int)o->format > PICTURES_SERIES_SVG ||
	    (!pt && o->format != PICTURES_MAP_SVG && o->format != PICTURES_HTML) ||
	    (!h && !pt)) {
		fprintf(stderr, "memsimctl: %s: the %s picture needs %s\n", path,
			format_name(o->format),
			o->format == PICTURES_TIMELINE_SVG || o->format == PICTURES_SERIES_SVG ?
			"a trace" : "an instance or a trace");
		return -EINVAL;
	}
	if (o->format == PICTURES_MAP_SVG || o->format == PICTURES_HTML) {
		ret = h ? snap_device(h, pt, &s, &cw) : snap_trace(pt, &s);
		if (ret == -ENOMEM && !h)
			fprintf(stderr, "memsimctl: out of memory\n");
		if (ret)
			goto out;
		snap.segs = s.segs;
		snap.nr_segs = s.nsegs;
		snap.blocks = s.blocks;
		snap.nr_blocks = s.nblocks;
		snapp = &snap;
		inf.segments = s.nsegs;
		inf.blocks = s.nblocks;
	}
	if (pt) {
		render_trace_timeline(&pt->rt, &tl);
		render_trace_series(&pt->rt, &ser);
		inf.allocs = tl.nr_allocs;
		inf.fails = tl.nr_fails;
		inf.points = ser.nr;
		inf.lost = pt->lost;
	}
	if (o->format == PICTURES_MAP_SVG)
		inf.allocs = inf.fails = inf.points = 0;
	else if (o->format == PICTURES_TIMELINE_SVG)
		inf.points = 0;
	else if (o->format == PICTURES_SERIES_SVG)
		inf.allocs = inf.fails = 0;

	if (o->title)
		snprintf(title, sizeof(title), "%s", o->title);
	else
		snprintf(title, sizeof(title), "%s%s%s", kind_titles[o->format],
			 o->name ? ": " : "", o->name ? o->name : "");
	if (pt && pt->lost && o->format != PICTURES_MAP_SVG)
		snprintf(title + strlen(title), sizeof(title) - strlen(title),
			 " (%llu trace record%s lost)", (unsigned long long)pt->lost,
			 pt->lost == 1 ? "" : "s");
	ro.title = title;
	ro.width = o->width;

	if (to_stdout) {
		f = stdout;
	} else {
		f = open_beside(path, tmp, sizeof(tmp));
		if (!f) {
			ret = -errno;
			fprintf(stderr, "memsimctl: %s: %s\n", path, strerror(errno));
			goto out;
		}
	}
	switch (o->format) {
	case PICTURES_MAP_SVG:
		ret = render_map_svg(f, snapp, &ro);
		break;
	case PICTURES_TIMELINE_SVG:
		ret = render_timeline_svg(f, &tl, &ro);
		break;
	case PICTURES_SERIES_SVG:
		ret = render_series_svg(f, &ser, &ro);
		break;
	default:
		ret = render_html(f, snapp, pt ? &tl : NULL, pt ? &ser : NULL, &ro);
		break;
	}
	if (!ret && fflush(f))
		ret = -EIO;
	inf.bytes = ftell(f) > 0 ? (__u64)ftell(f) : 0;
	if (to_stdout) {
		if (ret)
			fprintf(stderr, "memsimctl: standard output: %s\n", strerror(-ret));
		goto out;
	}
	if (ferror(f))
		ret = -EIO;
	if (fclose(f) && !ret)
		ret = -EIO;
	if (!ret) {
		/* mkstemp() made it 0600: as any new file instead. */
		mask = umask(0);
		umask(mask);
		if (chmod(tmp, 0666 & ~mask) || rename(tmp, path))
			ret = -errno;
	}
	if (ret) {
		fprintf(stderr, "memsimctl: %s: %s\n", path,
			ret == -EINVAL ? "the renderer refused the input (a block or allocation outside every segment)" :
			strerror(-ret));
		unlink(tmp);
	}
out:
	snap_free(&s);
	free(cw.v);
	if (info)
		*info = inf;
	return ret;
}

/*
 * ---------------------------------------------------------------------------
 * The commands: map --svg/--html, timeline.
 */

int pictures_opt_time(struct opt_ctx *c, const struct opt *o, const char *val)
{
	static const char * const names[] = {
		[RENDER_TIME_OPS] = "op",
		[RENDER_TIME_SEQ] = "seq",
		[RENDER_TIME_NS] = "ns",
	};
	size_t i;

	for (i = 0; i < ARRAY_SIZE(names); i++) {
		if (!strcmp(val, names[i])) {
			*(int *)opt_dest(c, o) = i;
			return 0;
		}
	}
	return opt_error(c, "%s: --%s: '%s' is not a time (op, seq, ns)", c->cmd,
			 o->name, val);
}

/* The line that says what was written. */
static void say_written(const struct pictures_args *a, const char *path,
			enum pictures_format fmt, const struct pictures_info *in)
{
	if (json) {
		jopen(NULL, '{');
		jstr("cmd", a->timeline ? "timeline" : "map");
		jbool("ok", 1);
		jstr("file", path);
		jstr("picture", format_name(fmt));
		if (fmt == PICTURES_MAP_SVG || fmt == PICTURES_HTML) {
			ju64("segments", in->segments);
			ju64("blocks", in->blocks);
		}
		if (fmt == PICTURES_TIMELINE_SVG || (fmt == PICTURES_HTML && a->timeline)) {
			ju64("allocs", in->allocs);
			ju64("fails", in->fails);
		}
		if (fmt == PICTURES_SERIES_SVG || (fmt == PICTURES_HTML && a->timeline))
			ju64("points", in->points);
		if (a->timeline)
			ju64("lost", in->lost);
		ju64("bytes", in->bytes);
		jend();
		return;
	}
	printf("%s: ", path);
	switch (fmt) {
	case PICTURES_MAP_SVG:
		printf("address space (SVG), %zu segment%s, %zu block%s", in->segments,
		       in->segments == 1 ? "" : "s", in->blocks, in->blocks == 1 ? "" : "s");
		break;
	case PICTURES_TIMELINE_SVG:
		printf("allocations over time (SVG), %zu allocation%s, %zu failed",
		       in->allocs, in->allocs == 1 ? "" : "s", in->fails);
		break;
	case PICTURES_SERIES_SVG:
		printf("utilization and fragmentation over time (SVG), %zu point%s",
		       in->points, in->points == 1 ? "" : "s");
		break;
	default:
		printf("HTML page, %zu segment%s, %zu block%s", in->segments,
		       in->segments == 1 ? "" : "s", in->blocks, in->blocks == 1 ? "" : "s");
		if (a->timeline)
			printf(", %zu allocation%s, %zu failed, %zu point%s", in->allocs,
			       in->allocs == 1 ? "" : "s", in->fails, in->points,
			       in->points == 1 ? "" : "s");
		break;
	}
	if (a->timeline && in->lost)
		printf(", %llu trace record%s lost", (unsigned long long)in->lost,
		       in->lost == 1 ? "" : "s");
	printf(", %llu bytes\n", (unsigned long long)in->bytes);
}

int pictures_run(struct memsim_handle *h, const struct pictures_args *a)
{
	const struct {
		const char *path;
		enum pictures_format fmt;
	} out[] = {
		{ a->svg, a->timeline ? PICTURES_TIMELINE_SVG : PICTURES_MAP_SVG },
		{ a->series_svg, PICTURES_SERIES_SVG },
		{ a->html, PICTURES_HTML },
	};
	struct pictures_opts po = { .title = a->title, .name = a->name };
	struct pictures_trace pt, *ptp = NULL;
	struct pictures_info in;
	size_t i;
	int ret = 0, to_stdout = 0;

	/* A picture on standard output: no line may mix with it. */
	for (i = 0; i < ARRAY_SIZE(out); i++)
		to_stdout |= out[i].path && !strcmp(out[i].path, "-");
	if (a->timeline) {
		ret = pictures_trace_init(&pt, a->unit);
		if (ret) {
			fprintf(stderr, "memsimctl: out of memory\n");
			return -1;
		}
		ptp = &pt;
		ret = h ? pictures_trace_device(h, &pt) : pictures_trace_file(a->trace, &pt);
	}
	for (i = 0; !ret && i < ARRAY_SIZE(out); i++) {
		if (!out[i].path)
			continue;
		po.format = out[i].fmt;
		ret = pictures_write(h, out[i].path, ptp, &po, &in);
		if (!ret && !to_stdout)
			say_written(a, out[i].path, out[i].fmt, &in);
	}
	fflush(stdout);
	if (ptp)
		pictures_trace_free(&pt);
	return ret ? -1 : 0;
}
