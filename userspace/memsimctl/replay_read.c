// SPDX-License-Identifier: GPL-2.0
/*
 * replay_read: allocation traces read into one in-memory workload
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See replay_read.h and Documentation/memsimctl.rst ("replay") for the
 * formats.  The line-based formats (memsim CSV and NDJSON, RMM) are read a
 * line at a time into the growing event array; the PyTorch snapshot is one
 * JSON document, held by jansson while it is converted and freed after.
 *
 * jansson's integers are signed 64-bit, memsim's addresses unsigned 64-bit:
 * every JSON integer above 2^63 - 1 is handed to jansson as a string (see
 * struct jfilter) and read back exactly by json_u64().
 */
#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include <jansson.h>

#include "array.h"
#include "libmemsim.h"
#include "replay_read.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

_Static_assert(sizeof(struct replay_event) == 96, "replay_event is 96 bytes");

/* Bytes read ahead to tell the format (blank and '#' lines, then one line). */
#define DETECT_MAX	(64 * 1024)

/* RMM's Time is a clock time: a step back of more than this is midnight. */
#define HALF_DAY_NS	(12ULL * 3600 * 1000000000)
#define DAY_NS		(24ULL * 3600 * 1000000000)

/* RMM: "The returned pointer has at least 256B alignment". */
#define RMM_ALIGN	256
/* PyTorch's caching allocator rounds every block to 512 bytes. */
#define PYTORCH_ALIGN	512

static const char * const format_names[REPLAY_NR_FORMATS] = {
	[REPLAY_FMT_AUTO] = "auto",
	[REPLAY_FMT_MEMSIM_CSV] = "memsim-csv",
	[REPLAY_FMT_MEMSIM_NDJSON] = "memsim-ndjson",
	[REPLAY_FMT_RMM] = "rmm",
	[REPLAY_FMT_PYTORCH] = "pytorch",
};

const char *replay_format_name(enum replay_format fmt)
{
	return (unsigned int)fmt < REPLAY_NR_FORMATS ? format_names[fmt] : "?";
}

/* Return: 0 and *@fmt, or -EINVAL for a name not in the list. */
int replay_format_from_name(const char *name, enum replay_format *fmt)
{
	unsigned int i;

	for (i = 0; i < REPLAY_NR_FORMATS; i++) {
		if (!strcmp(name, format_names[i])) {
			*fmt = i;
			return 0;
		}
	}
	return -EINVAL;
}

static const char * const kind_names[REPLAY_NR_KINDS] = {
	[REPLAY_SEGMENT_ALLOC] = "segment_alloc",
	[REPLAY_SEGMENT_FREE] = "segment_free",
	[REPLAY_ALLOC] = "alloc",
	[REPLAY_FREE] = "free",
	[REPLAY_FREE_REQUESTED] = "free_requested",
	[REPLAY_FREE_COMPLETED] = "free_completed",
	[REPLAY_ALLOC_FAILED] = "alloc_failed",
	[REPLAY_STREAM_SYNC] = "stream_sync",
	[REPLAY_STRATEGY] = "strategy",
	[REPLAY_RESET] = "reset",
	[REPLAY_SNAPSHOT] = "snapshot",
};

const char *replay_kind_name(unsigned int kind)
{
	return kind < REPLAY_NR_KINDS ? kind_names[kind] : "?";
}

/* The pointer map */

void replay_ptrmap_init(struct replay_ptrmap *m)
{
	memset(m, 0, sizeof(*m));
}

void replay_ptrmap_destroy(struct replay_ptrmap *m)
{
	free(m->keys);
	free(m->vals);
	replay_ptrmap_init(m);
}

void replay_ptrmap_clear(struct replay_ptrmap *m)
{
	if (m->cap)
		memset(m->vals, 0xff, m->cap * sizeof(*m->vals));
	m->nr = 0;
}

/* Fibonacci hashing: the top bits of key * 2^64 / phi. */
static __u32 ptrmap_slot(const struct replay_ptrmap *m, __u64 key)
{
	return (__u32)((key * 0x9e3779b97f4a7c15ULL) >> 32) & (m->cap - 1);
}

static int ptrmap_grow(struct replay_ptrmap *m)
{
	struct replay_ptrmap n;
	__u32 i, s;

	n.cap = m->cap ? m->cap * 2 : 64;
	if (n.cap < m->cap)
		return -ENOMEM;
	n.nr = m->nr;
	n.keys = malloc((size_t)n.cap * sizeof(*n.keys));
	n.vals = malloc((size_t)n.cap * sizeof(*n.vals));
	if (!n.keys || !n.vals) {
		free(n.keys);
		free(n.vals);
		return -ENOMEM;
	}
	memset(n.vals, 0xff, (size_t)n.cap * sizeof(*n.vals));
	for (i = 0; i < m->cap; i++) {
		if (m->vals[i] == REPLAY_NO_ID)
			continue;
		for (s = ptrmap_slot(&n, m->keys[i]); n.vals[s] != REPLAY_NO_ID;
		     s = (s + 1) & (n.cap - 1))
			;
		n.keys[s] = m->keys[i];
		n.vals[s] = m->vals[i];
	}
	free(m->keys);
	free(m->vals);
	*m = n;
	return 0;
}

/* Return: the slot holding @key, or the empty slot where it would go. */
static __u32 ptrmap_find(const struct replay_ptrmap *m, __u64 key)
{
	__u32 s;

	for (s = ptrmap_slot(m, key); m->vals[s] != REPLAY_NO_ID; s = (s + 1) & (m->cap - 1))
		if (m->keys[s] == key)
			break;
	return s;
}

int replay_ptrmap_put(struct replay_ptrmap *m, __u64 key, __u32 val, __u32 *old)
{
	__u32 s;

	if (val == REPLAY_NO_ID)
		return -EINVAL;
	if ((m->nr + 1) * 2 > m->cap && ptrmap_grow(m))
		return -ENOMEM;
	s = ptrmap_find(m, key);
	if (m->vals[s] != REPLAY_NO_ID) {
		if (old)
			*old = m->vals[s];
		m->vals[s] = val;
		return 1;
	}
	m->keys[s] = key;
	m->vals[s] = val;
	m->nr++;
	return 0;
}

int replay_ptrmap_get(const struct replay_ptrmap *m, __u64 key, __u32 *val)
{
	__u32 s;

	if (!m->cap)
		return -ENOENT;
	s = ptrmap_find(m, key);
	if (m->vals[s] == REPLAY_NO_ID)
		return -ENOENT;
	*val = m->vals[s];
	return 0;
}

int replay_ptrmap_del(struct replay_ptrmap *m, __u64 key, __u32 *val)
{
	__u32 hole, s, home;

	if (!m->cap)
		return -ENOENT;
	hole = ptrmap_find(m, key);
	if (m->vals[hole] == REPLAY_NO_ID)
		return -ENOENT;
	if (val)
		*val = m->vals[hole];
	m->vals[hole] = REPLAY_NO_ID;
	m->nr--;
	/*
	 * Backward shift: move up every entry of the run after the hole that
	 * may sit in it, i.e. whose home slot is not cyclically in (hole, s].
	 */
	for (s = (hole + 1) & (m->cap - 1); m->vals[s] != REPLAY_NO_ID;
	     s = (s + 1) & (m->cap - 1)) {
		home = ptrmap_slot(m, m->keys[s]);
		if (((s - home) & (m->cap - 1)) < ((s - hole) & (m->cap - 1)))
			continue;
		m->keys[hole] = m->keys[s];
		m->vals[hole] = m->vals[s];
		m->vals[s] = REPLAY_NO_ID;
		hole = s;
	}
	return 0;
}

/* The input: bytes read ahead to tell the format, then the file. */
struct src {
	FILE *f;
	char *pre;
	size_t pre_len;
	size_t pre_pos;
};

static int src_getc(struct src *s)
{
	if (s->pre_pos < s->pre_len)
		return (unsigned char)s->pre[s->pre_pos++];
	return getc(s->f);
}

/* Everything a reader needs while it builds a workload. */
struct ctx {
	struct replay_workload *w;
	const char *name;
	unsigned long line;
	char loc[80];			/* PyTorch: where in the document, instead of line */
	char *err;
	size_t errlen;
	struct src src;
	struct replay_ptrmap live;	/* traced pointer -> live allocation id */
	struct replay_ptrmap segs;	/* segment start -> live segment id */
	struct replay_ptrmap streams;	/* the trace's stream value -> memsim stream id */
	__u32 *strtab;			/* label interning: offsets into w->strings */
	__u32 strtab_cap;
	__u32 strtab_nr;
	size_t ids_cap;
	size_t streams_cap;
	int gap;			/* the next event follows lost records */
	char buf[REPLAY_LINE_MAX];
	char json[2 * REPLAY_LINE_MAX];
};

static int fail(struct ctx *c, const char *fmt, ...)
{
	va_list ap;
	int n;

	if (c->loc[0])
		n = snprintf(c->err, c->errlen, "%s:%s: ", c->name, c->loc);
	else if (c->line)
		n = snprintf(c->err, c->errlen, "%s:%lu: ", c->name, c->line);
	else
		n = snprintf(c->err, c->errlen, "%s: ", c->name);
	if (n < 0 || (size_t)n >= c->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(c->err + n, c->errlen - n, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static int nomem(struct ctx *c)
{
	snprintf(c->err, c->errlen, "%s: out of memory", c->name);
	return -ENOMEM;
}

/* Labels */

static __u32 str_hash(const char *s)
{
	__u32 h = 2166136261U;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 16777619U;
	return h;
}

static int strtab_grow(struct ctx *c)
{
	__u32 ncap = c->strtab_cap ? c->strtab_cap * 2 : 64, i, s, *n;
	const char *str;

	n = calloc(ncap, sizeof(*n));
	if (!n)
		return -ENOMEM;
	for (i = 0; i < c->strtab_cap; i++) {
		if (!c->strtab[i])
			continue;
		str = c->w->strings + c->strtab[i];
		for (s = str_hash(str) & (ncap - 1); n[s]; s = (s + 1) & (ncap - 1))
			;
		n[s] = c->strtab[i];
	}
	free(c->strtab);
	c->strtab = n;
	c->strtab_cap = ncap;
	return 0;
}

/* The offset of @s in w->strings, added if new; "" is offset 0. */
static int intern(struct ctx *c, const char *s, __u32 *off)
{
	struct replay_workload *w = c->w;
	size_t len = strlen(s);
	__u32 slot;
	char *p;

	*off = 0;
	if (!len)
		return 0;
	if ((c->strtab_nr + 1) * 2 > c->strtab_cap && strtab_grow(c))
		return nomem(c);
	for (slot = str_hash(s) & (c->strtab_cap - 1); c->strtab[slot];
	     slot = (slot + 1) & (c->strtab_cap - 1)) {
		if (!strcmp(w->strings + c->strtab[slot], s)) {
			*off = c->strtab[slot];
			return 0;
		}
	}
	if (w->strings_len + len + 1 > UINT32_MAX)
		return fail(c, "labels take more than 4 GiB");
	while (w->strings_len + len + 1 > w->strings_cap) {
		p = realloc(w->strings, w->strings_cap * 2);
		if (!p)
			return nomem(c);
		w->strings = p;
		w->strings_cap *= 2;
	}
	memcpy(w->strings + w->strings_len, s, len + 1);
	*off = w->strings_len;
	c->strtab[slot] = *off;
	c->strtab_nr++;
	w->strings_len += len + 1;
	return 0;
}

/*
 * The memsim stream id of a stream the trace names.  memsim traces keep
 * their own ids (MEMSIM_STREAM_ANY_ID included); the other formats number
 * their streams from 0 in order of first appearance.
 */
static int map_stream(struct ctx *c, __u64 value, __u32 *id)
{
	struct replay_workload *w = c->w;
	bool own = w->format == REPLAY_FMT_MEMSIM_CSV || w->format == REPLAY_FMT_MEMSIM_NDJSON;
	__u32 v;
	int ret;

	if (own && value == MEMSIM_STREAM_ANY_ID) {
		*id = MEMSIM_STREAM_ANY_ID;
		return 0;
	}
	if (!replay_ptrmap_get(&c->streams, value, &v)) {
		*id = v;
		return 0;
	}
	if (w->nr_streams == MEMSIM_STREAM_ANY_ID - 1)
		return fail(c, "more than %u streams", MEMSIM_STREAM_ANY_ID - 1);
	if (array_grow((void **)&w->stream_value, &c->streams_cap, w->nr_streams + 1,
		 sizeof(*w->stream_value)))
		return nomem(c);
	v = own ? (__u32)value : w->nr_streams;
	ret = replay_ptrmap_put(&c->streams, value, v, NULL);
	if (ret < 0)
		return nomem(c);
	w->stream_value[w->nr_streams++] = value;
	*id = v;
	return 0;
}

/* Events */

static void event_init(struct ctx *c, struct replay_event *ev, enum replay_kind kind)
{
	memset(ev, 0, sizeof(*ev));
	ev->kind = kind;
	ev->line = c->line;
	ev->index = REPLAY_NO_INDEX;
	ev->id = REPLAY_NO_ID;
	ev->time_ns = REPLAY_NO_TIME;
}

/* The live id at @addr in @m for a free: removed when @end, else kept. */
static void resolve(struct replay_ptrmap *m, struct replay_event *ev, bool end)
{
	int ret;

	if (end)
		ret = replay_ptrmap_del(m, ev->addr, &ev->id);
	else
		ret = replay_ptrmap_get(m, ev->addr, &ev->id);
	if (ret) {
		ev->id = REPLAY_NO_ID;
		ev->flags |= REPLAY_F_UNKNOWN_PTR;
	}
}

/* Append @ev, giving it its id; for a free, the id of the allocation it ends. */
static int push_event(struct ctx *c, struct replay_event *ev)
{
	struct replay_workload *w = c->w;
	const struct replay_event *a;
	int ret;

	if (w->nr >= UINT32_MAX - 1)
		return fail(c, "more than %u events", UINT32_MAX - 2);
	if (array_grow((void **)&w->ev, &w->cap, w->nr + 1, sizeof(*w->ev)))
		return nomem(c);
	if (c->gap) {
		ev->flags |= REPLAY_F_AFTER_GAP;
		c->gap = 0;
	}
	switch (ev->kind) {
	case REPLAY_ALLOC:
		if (array_grow((void **)&w->id_event, &c->ids_cap, w->nr_ids + 1, sizeof(*w->id_event)))
			return nomem(c);
		ev->id = w->nr_ids;
		ret = replay_ptrmap_put(&c->live, ev->addr, ev->id, NULL);
		if (ret < 0)
			return nomem(c);
		if (ret)
			ev->flags |= REPLAY_F_PTR_REUSED;
		w->id_event[w->nr_ids++] = w->nr;
		break;
	case REPLAY_FREE:
	case REPLAY_FREE_REQUESTED:
	case REPLAY_FREE_COMPLETED:
		resolve(&c->live, ev, ev->kind != REPLAY_FREE_REQUESTED);
		if (ev->id == REPLAY_NO_ID || !ev->size)
			break;
		a = &w->ev[w->id_event[ev->id]];
		if (ev->size != a->size && ev->size != a->actual)
			ev->flags |= REPLAY_F_SIZE_MISMATCH;
		break;
	case REPLAY_SEGMENT_ALLOC:
		ev->id = w->nr_seg_ids;
		ret = replay_ptrmap_put(&c->segs, ev->addr, ev->id, NULL);
		if (ret < 0)
			return nomem(c);
		if (ret)
			ev->flags |= REPLAY_F_PTR_REUSED;
		w->nr_seg_ids++;
		break;
	case REPLAY_SEGMENT_FREE:
		resolve(&c->segs, ev, true);
		break;
	case REPLAY_RESET:
		replay_ptrmap_clear(&c->live);
		if (!(ev->flags & MEMSIM_RESET_KEEP_SEGMENTS))
			replay_ptrmap_clear(&c->segs);
		break;
	default:
		break;
	}
	if (ev->flags & REPLAY_F_UNKNOWN_PTR)
		w->unknown_frees++;
	if (ev->flags & REPLAY_F_PTR_REUSED)
		w->reused_ptrs++;
	w->count[ev->kind]++;
	w->ev[w->nr++] = *ev;
	return 0;
}

/* Numbers */

enum numfmt {
	NUM_DEC,	/* decimal */
	NUM_AUTO,	/* decimal, or hexadecimal after 0x */
	NUM_HEX,	/* hexadecimal, with or without 0x */
};

static int digit_value(int ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	if (ch >= 'A' && ch <= 'F')
		return ch - 'A' + 10;
	return 99;
}

/* A whole unsigned 64-bit number: no sign, no blanks, no overflow. */
static int parse_u64(const char *s, enum numfmt f, __u64 *v)
{
	unsigned int base = f == NUM_HEX ? 16 : 10;
	__u64 x = 0;
	int d;

	if (f != NUM_DEC && s[0] == '0' && (s[1] == 'x' || s[1] == 'X')) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return -EINVAL;
	for (; *s; s++) {
		d = digit_value(*s);
		if (d >= (int)base)
			return -EINVAL;
		if (x > (UINT64_MAX - d) / base)
			return -ERANGE;
		x = x * base + d;
	}
	*v = x;
	return 0;
}

/* A signed 32-bit decimal number. */
static int parse_s32(const char *s, __s32 *v)
{
	bool neg = *s == '-';
	__u64 x;

	if (parse_u64(s + neg, NUM_DEC, &x) || x > (neg ? 0x80000000ULL : 0x7fffffffULL))
		return -EINVAL;
	*v = neg ? (__s32)(0 - x) : (__s32)x;
	return 0;
}

/* "SEC[.FRACTION]" into nanoseconds (digits past the ninth are dropped). */
static int parse_seconds(const char *s, __u64 *ns)
{
	__u64 sec = 0, frac = 0;
	const char *dot = strchr(s, '.');
	char whole[24];
	int i;

	if (!dot)
		dot = s + strlen(s);
	if (dot == s || (size_t)(dot - s) >= sizeof(whole))
		return -EINVAL;
	memcpy(whole, s, dot - s);
	whole[dot - s] = '\0';
	if (parse_u64(whole, NUM_DEC, &sec))
		return -EINVAL;
	if (*dot) {
		if (!dot[1])
			return -EINVAL;
		for (i = 0, s = dot + 1; *s; s++, i++) {
			if (*s < '0' || *s > '9')
				return -EINVAL;
			if (i < 9)
				frac = frac * 10 + (*s - '0');
		}
		for (; i < 9; i++)
			frac *= 10;
	}
	if (sec > (UINT64_MAX - frac) / 1000000000)
		return -ERANGE;
	*ns = sec * 1000000000 + frac;
	return 0;
}

/* RMM's Time: "HH:MM:SS.ffffff" (a clock time, @clock set) or seconds. */
static int parse_rmm_time(const char *s, __u64 *ns, bool *clock)
{
	unsigned int h, m;
	__u64 sec;
	int i;

	*clock = strchr(s, ':');
	if (!*clock)
		return parse_seconds(s, ns);
	for (i = 0; i < 8; i++)
		if (i % 3 == 2 ? s[i] != ':' : !isdigit((unsigned char)s[i]))
			return -EINVAL;
	h = (s[0] - '0') * 10 + s[1] - '0';
	m = (s[3] - '0') * 10 + s[4] - '0';
	if (h > 23 || m > 59 || (s[8] && s[8] != '.') || parse_seconds(s + 6, &sec) ||
	    sec >= 61000000000ULL)
		return -EINVAL;
	*ns = (h * 3600ULL + m * 60ULL) * 1000000000 + sec;
	return 0;
}

/* Lines */

static int read_error(struct ctx *c)
{
	c->line = 0;
	c->loc[0] = '\0';
	snprintf(c->err, c->errlen, "%s: read error", c->name);
	return -EIO;
}

/* Return: 1 with the next line in c->buf (no newline), 0 at the end, or an error. */
static int next_line(struct ctx *c)
{
	size_t n = 0;
	int ch;

	ch = src_getc(&c->src);
	if (ch == EOF)
		return ferror(c->src.f) ? read_error(c) : 0;
	c->line++;
	for (; ch != EOF && ch != '\n'; ch = src_getc(&c->src)) {
		if (n == REPLAY_LINE_MAX - 1)
			return fail(c, "line longer than %d characters", REPLAY_LINE_MAX - 1);
		if (!ch)
			return fail(c, "NUL byte in a text line");
		c->buf[n++] = ch;
	}
	if (ch == EOF && ferror(c->src.f))
		return read_error(c);
	if (n && c->buf[n - 1] == '\r')
		n--;
	c->buf[n] = '\0';
	return 1;
}

static bool blank(const char *s)
{
	while (isspace((unsigned char)*s))
		s++;
	return !*s;
}

/*
 * Split @s in place at @sep into at most @max fields.  With ',' a field may
 * be quoted as RFC 4180 says ("a,b" and "say ""hi"""); with '\t' it may not
 * (the debugfs file never quotes).  Return: the number of fields (@max + 1
 * when there are more), or -1 with *@why set.
 */
static int split_fields(char *s, char sep, char **f, int max, const char **why)
{
	char *r = s, *w;
	int n = 0;

	for (;;) {
		if (n == max)
			return max + 1;
		f[n++] = r;
		if (sep == ',' && *r == '"') {
			w = r;
			for (r++; ; r++) {
				if (!*r) {
					*why = "unterminated quoted field";
					return -1;
				}
				if (*r == '"' && r[1] == '"')
					r++;
				else if (*r == '"')
					break;
				*w++ = *r;
			}
			*w = '\0';
			r++;
			if (*r && *r != sep) {
				*why = "characters after the closing quote of a field";
				return -1;
			}
		} else {
			while (*r && *r != sep)
				r++;
		}
		if (!*r)
			return n;
		*r++ = '\0';
	}
}

static char *trim(char *s)
{
	char *e;

	while (isspace((unsigned char)*s))
		s++;
	e = s + strlen(s);
	while (e > s && isspace((unsigned char)e[-1]))
		*--e = '\0';
	return s;
}

/* JSON */

/*
 * Rewrite JSON text so that jansson can read every integer: an integer
 * token above 2^63 - 1 (outside strings) is quoted, "18446744073709551615"
 * for 18446744073709551615.  Fed a character at a time; newlines pass
 * through, so jansson's line numbers stay right.
 */
struct jfilter {
	bool in_str;
	bool esc;
	bool tok_long;		/* passing a number too long to keep through */
	size_t tok_len;
	char tok[40];		/* the number token being read */
};

static bool num_char(int ch)
{
	return isdigit(ch) || ch == '-' || ch == '+' || ch == '.' || ch == 'e' || ch == 'E';
}

static size_t jf_flush(struct jfilter *j, char *out)
{
	bool big = j->tok_len > 19 ||
		   (j->tok_len == 19 && memcmp(j->tok, "9223372036854775807", 19) > 0);
	size_t i, n = 0;

	for (i = 0; i < j->tok_len; i++)
		if (!isdigit((unsigned char)j->tok[i]))
			big = false;
	if (big)
		out[n++] = '"';
	memcpy(out + n, j->tok, j->tok_len);
	n += j->tok_len;
	if (big)
		out[n++] = '"';
	j->tok_len = 0;
	return n;
}

/* Feed @ch (EOF at the end); write at most sizeof(tok) + 3 bytes to @out. */
static size_t jf_push(struct jfilter *j, int ch, char *out)
{
	size_t n = 0;

	if (j->tok_len || j->tok_long) {
		if (ch != EOF && num_char(ch)) {
			if (j->tok_long) {
				out[0] = ch;
				return 1;
			}
			if (j->tok_len < sizeof(j->tok)) {
				j->tok[j->tok_len++] = ch;
				return 0;
			}
			/* Longer than any number jansson can read: let it say so. */
			memcpy(out, j->tok, j->tok_len);
			n = j->tok_len;
			j->tok_len = 0;
			j->tok_long = true;
			out[n++] = ch;
			return n;
		}
		n = jf_flush(j, out);
		j->tok_long = false;
	}
	if (ch == EOF)
		return n;
	if (j->in_str) {
		if (j->esc)
			j->esc = false;
		else if (ch == '\\')
			j->esc = true;
		else if (ch == '"')
			j->in_str = false;
	} else if (ch == '"') {
		j->in_str = true;
	} else if (ch == '-' || isdigit(ch)) {
		j->tok[0] = ch;
		j->tok_len = 1;
		return n;
	}
	out[n++] = ch;
	return n;
}

/* Filter a line of JSON into c->json. */
static void jf_line(struct ctx *c, const char *s)
{
	struct jfilter j = { 0 };
	size_t n = 0;

	for (; *s; s++)
		n += jf_push(&j, (unsigned char)*s, c->json + n);
	n += jf_push(&j, EOF, c->json + n);
	c->json[n] = '\0';
}

/* A non-negative JSON integer, or a string holding one (decimal or 0x hex). */
static int json_u64(const json_t *v, __u64 *out)
{
	if (json_is_integer(v)) {
		if (json_integer_value(v) < 0)
			return -EINVAL;
		*out = json_integer_value(v);
		return 0;
	}
	if (json_is_string(v))
		return parse_u64(json_string_value(v), NUM_AUTO, out);
	return -EINVAL;
}

/* Describe a JSON value for a message: its text, cut short. */
static const char *json_what(const json_t *v, char *buf, size_t len)
{
	char *s;

	if (!v)
		return "nothing";
	s = json_dumps(v, JSON_ENCODE_ANY | JSON_COMPACT);
	if (!s)
		return "?";
	snprintf(buf, len, "%s", s);
	if (strlen(s) >= len && len > 4)
		memcpy(buf + len - 4, "...", 4);
	free(s);
	return buf;
}

/* memsim's own trace */

/* The columns a memsim record is read from. */
enum mcol {
	MC_SEQ, MC_TS, MC_OP, MC_ADDR, MC_SIZE, MC_REQUESTED, MC_ALIGN, MC_STREAM,
	MC_SEGMENT, MC_STRATEGY, MC_TAG, MC_FLAGS, MC_ERROR, MC_PID, MC_LABEL, MC_NR,
};

static const char * const mcol_names[MC_NR] = {
	"seq", "ts_ns", "op", "addr", "size", "requested", "align", "stream",
	"segment", "strategy", "tag", "flags", "error", "pid", "label",
};

/* Every record needs these; the others have defaults. */
#define MC_REQUIRED	((1U << MC_OP) | (1U << MC_ADDR) | (1U << MC_SIZE) | \
			 (1U << MC_REQUESTED) | (1U << MC_ALIGN) | (1U << MC_STREAM) | \
			 (1U << MC_FLAGS))

struct mrec {
	__u64 v[MC_NR];		/* the numbers, by column */
	__u32 stream;
	__s32 error;
	int op;
	int strategy;
	const char *label;
	unsigned int have;	/* columns present */
};

/* memsim seq numbers: first, gaps (lost records), order. */
struct seqstate {
	bool started;
	__u64 prev;
};

static int mrec_op(struct ctx *c, const char *s, struct mrec *r)
{
	int i;

	for (i = 0; i < MEMSIM_TRACE_OP_COUNT; i++) {
		if (!strcmp(s, memsim_trace_op_name(i))) {
			r->op = i;
			return 0;
		}
	}
	return fail(c, "unknown op \"%s\"", s);
}

static int mrec_strategy(struct ctx *c, const char *s, struct mrec *r)
{
	int st = memsim_strategy_from_name(s);

	if (st < 0)
		return fail(c, "unknown strategy \"%s\"", s);
	r->strategy = st;
	return 0;
}

static int mrec_to_event(struct ctx *c, struct mrec *r, struct seqstate *sq)
{
	struct replay_workload *w = c->w;
	struct replay_event ev;
	__u64 seq = r->v[MC_SEQ];
	bool any = false;
	int ret;

	if (r->have & (1U << MC_SEQ)) {
		if (!sq->started) {
			w->first_seq = seq;
		} else if (seq <= sq->prev) {
			return fail(c, "seq %llu after %llu: the records are out of order",
				    (unsigned long long)seq, (unsigned long long)sq->prev);
		} else if (seq != sq->prev + 1) {
			w->lost += seq - sq->prev - 1;
			c->gap = 1;
		}
		sq->started = true;
		sq->prev = seq;
	}
	event_init(c, &ev, REPLAY_ALLOC);
	if (r->have & (1U << MC_TS))
		ev.time_ns = r->v[MC_TS];
	ev.tag = r->v[MC_TAG];
	ev.thread = r->v[MC_PID];
	ev.segment = r->v[MC_SEGMENT];
	ev.strategy = r->strategy;
	ev.addr = r->v[MC_ADDR];
	ev.size = r->v[MC_SIZE];
	switch (r->op) {
	case MEMSIM_TRACE_SEGMENT_CREATE:
		ev.kind = REPLAY_SEGMENT_ALLOC;
		break;
	case MEMSIM_TRACE_SEGMENT_RELEASE:
		ev.kind = REPLAY_SEGMENT_FREE;
		break;
	case MEMSIM_TRACE_ALLOC:
	case MEMSIM_TRACE_ALLOC_FAIL:
		if (r->v[MC_FLAGS] & ~(__u64)(MEMSIM_ALLOC_FLAGS | MEMSIM_TRACE_ANY_STREAM))
			return fail(c, "unknown flags 0x%llx for %s",
				    (unsigned long long)r->v[MC_FLAGS], memsim_trace_op_name(r->op));
		ev.kind = r->op == MEMSIM_TRACE_ALLOC ? REPLAY_ALLOC : REPLAY_ALLOC_FAILED;
		ev.size = r->v[MC_REQUESTED];
		ev.align = r->v[MC_ALIGN];
		ev.flags = r->v[MC_FLAGS] & MEMSIM_ALLOC_FLAGS;
		/* The request named any stream; the record's stream is the block's. */
		any = r->v[MC_FLAGS] & MEMSIM_TRACE_ANY_STREAM;
		if (ev.flags & MEMSIM_ALLOC_RANGE)
			ev.flags |= REPLAY_F_RANGE_UNKNOWN;
		if (r->op == MEMSIM_TRACE_ALLOC) {
			ev.actual = r->v[MC_SIZE];
		} else {
			ev.actual = 0;
			ev.error = r->error < 0 ? r->error : -ENOSPC;
		}
		break;
	case MEMSIM_TRACE_FREE_REQUEST:
	case MEMSIM_TRACE_FREE_COMPLETE:
		if (r->op == MEMSIM_TRACE_FREE_REQUEST)
			ev.kind = REPLAY_FREE_REQUESTED;
		else if (r->v[MC_FLAGS] & MEMSIM_FREE_DEFER)
			ev.kind = REPLAY_FREE_COMPLETED;
		else
			ev.kind = REPLAY_FREE;
		ev.size = r->v[MC_REQUESTED];
		ev.actual = r->v[MC_SIZE];
		break;
	case MEMSIM_TRACE_STRATEGY:
		ev.kind = REPLAY_STRATEGY;
		break;
	case MEMSIM_TRACE_RESET:
		ev.kind = REPLAY_RESET;
		ev.addr = 0;
		ev.size = 0;
		ev.flags = r->v[MC_FLAGS] & REPLAY_F_OP_MASK;
		break;
	default:
		/* split, coalesce, buddy_split, buddy_merge: ALLOC and FREE redo them. */
		w->skipped++;
		return 0;
	}
	ret = r->label ? intern(c, r->label, &ev.label) : 0;
	if (!ret && ev.kind != REPLAY_STRATEGY && ev.kind != REPLAY_RESET)
		ret = map_stream(c, r->stream, &ev.stream);
	if (any)
		ev.stream = MEMSIM_STREAM_ANY_ID;
	return ret ? ret : push_event(c, &ev);
}

/* One column of a CSV row into @r. */
static int mrec_field(struct ctx *c, enum mcol col, const char *s, struct mrec *r)
{
	enum numfmt f = NUM_DEC;

	switch (col) {
	case MC_OP:
		return mrec_op(c, s, r);
	case MC_STRATEGY:
		return mrec_strategy(c, s, r);
	case MC_LABEL:
		r->label = strcmp(s, "-") ? s : "";
		return 0;
	case MC_ERROR:
		if (parse_s32(s, &r->error))
			return fail(c, "bad number \"%s\" in column error", s);
		return 0;
	case MC_STREAM:
		if (!strcmp(s, "any")) {
			r->stream = MEMSIM_STREAM_ANY_ID;
			return 0;
		}
		if (parse_u64(s, NUM_DEC, &r->v[col]) || r->v[col] >= MEMSIM_STREAM_ANY_ID)
			return fail(c, "bad stream \"%s\" (a number below %u, or any)", s,
				    MEMSIM_STREAM_ANY_ID);
		r->stream = r->v[col];
		return 0;
	case MC_ADDR:
	case MC_TAG:
	case MC_FLAGS:
		f = NUM_AUTO;
		break;
	default:
		break;
	}
	if (parse_u64(s, f, &r->v[col]))
		return fail(c, "bad number \"%s\" in column %s", s, mcol_names[col]);
	return 0;
}

static void mrec_init(struct mrec *r)
{
	memset(r, 0, sizeof(*r));
	r->op = -1;
}

/* Parse "# lost N" (debugfs); other '#' lines are comments. */
static int memsim_comment(struct ctx *c, char *s, bool counts)
{
	__u64 n;
	char *e;

	if (strncmp(s, "# lost ", 7))
		return 0;
	s = trim(s + 7);
	e = strchr(s, ' ');
	if (e)
		*e = '\0';
	if (parse_u64(s, NUM_DEC, &n))
		return fail(c, "bad \"# lost N\" line");
	if (counts)
		c->w->lost += n;
	c->gap = 1;
	return 0;
}

static int read_memsim_csv(struct ctx *c)
{
	char *f[64], sep;
	int col[64], nf, nh = 0, i, j, ret;
	const char *why = "";
	struct seqstate sq = { 0 };
	unsigned int have = 0;
	struct mrec r;

	for (;;) {
		ret = next_line(c);
		if (ret < 0)
			return ret;
		if (!ret)
			return fail(c, "no header line (seq,ts_ns,op,addr,...)");
		if (!blank(c->buf) && c->buf[0] != '#')
			break;
	}
	sep = strchr(c->buf, '\t') ? '\t' : ',';
	nh = split_fields(c->buf, sep, f, ARRAY_SIZE(f) - 1, &why);
	if (nh < 0)
		return fail(c, "header: %s", why);
	if (nh >= (int)ARRAY_SIZE(f))
		return fail(c, "header: more than %zu columns", ARRAY_SIZE(f) - 1);
	for (i = 0; i < nh; i++) {
		col[i] = -1;
		for (j = 0; j < MC_NR; j++) {
			if (strcmp(trim(f[i]), mcol_names[j]))
				continue;
			if (have & (1U << j))
				return fail(c, "column \"%s\" twice in the header", mcol_names[j]);
			have |= 1U << j;
			col[i] = j;
		}
	}
	for (j = 0; j < MC_NR; j++)
		if ((MC_REQUIRED & (1U << j)) && !(have & (1U << j)))
			return fail(c, "missing column \"%s\" in the header", mcol_names[j]);

	for (;;) {
		ret = next_line(c);
		if (ret <= 0)
			return ret;
		if (c->buf[0] == '#') {
			ret = memsim_comment(c, c->buf, !(have & (1U << MC_SEQ)));
			if (ret)
				return ret;
			continue;
		}
		if (blank(c->buf))
			continue;
		nf = split_fields(c->buf, sep, f, nh, &why);
		if (nf < 0)
			return fail(c, "%s", why);
		if (nf != nh)
			return fail(c, "%s%d fields, the header has %d", nf > nh ? "more than " : "",
				    nf > nh ? nh : nf, nh);
		mrec_init(&r);
		r.have = have;
		for (i = 0; i < nh; i++) {
			if (col[i] < 0)
				continue;
			ret = mrec_field(c, col[i], f[i], &r);
			if (ret)
				return ret;
		}
		ret = mrec_to_event(c, &r, &sq);
		if (ret)
			return ret;
	}
}

/* One member of an NDJSON record into @r. */
static int mrec_json(struct ctx *c, enum mcol col, json_t *v, struct mrec *r)
{
	char what[48];

	switch (col) {
	case MC_OP:
	case MC_STRATEGY:
	case MC_LABEL:
		if (!json_is_string(v))
			return fail(c, "\"%s\" must be a string, not %s", mcol_names[col],
				    json_what(v, what, sizeof(what)));
		if (col == MC_LABEL) {
			r->label = json_string_value(v);
			return 0;
		}
		return col == MC_OP ? mrec_op(c, json_string_value(v), r) :
			mrec_strategy(c, json_string_value(v), r);
	case MC_ERROR:
		if (!json_is_integer(v) || json_integer_value(v) < INT32_MIN ||
		    json_integer_value(v) > INT32_MAX)
			return fail(c, "bad \"error\": %s", json_what(v, what, sizeof(what)));
		r->error = json_integer_value(v);
		return 0;
	case MC_STREAM:
		if (json_is_string(v) && !strcmp(json_string_value(v), "any")) {
			r->stream = MEMSIM_STREAM_ANY_ID;
			return 0;
		}
		if (json_u64(v, &r->v[col]) || r->v[col] >= MEMSIM_STREAM_ANY_ID)
			return fail(c, "bad \"stream\": %s (a number below %u, or \"any\")",
				    json_what(v, what, sizeof(what)), MEMSIM_STREAM_ANY_ID);
		r->stream = r->v[col];
		return 0;
	default:
		if (json_u64(v, &r->v[col]))
			return fail(c, "bad number for \"%s\": %s", mcol_names[col],
				    json_what(v, what, sizeof(what)));
		return 0;
	}
}

static int read_memsim_ndjson(struct ctx *c)
{
	struct seqstate sq = { 0 };
	json_error_t jerr;
	struct mrec r;
	json_t *o, *v;
	int ret, j;

	for (;;) {
		ret = next_line(c);
		if (ret <= 0)
			return ret;
		if (blank(c->buf))
			continue;
		jf_line(c, c->buf);
		o = json_loads(c->json, JSON_REJECT_DUPLICATES, &jerr);
		if (!o)
			return fail(c, "invalid JSON: %s", jerr.text);
		if (!json_is_object(o)) {
			json_decref(o);
			return fail(c, "a record must be a JSON object");
		}
		mrec_init(&r);
		ret = 0;
		for (j = 0; j < MC_NR && !ret; j++) {
			v = json_object_get(o, mcol_names[j]);
			if (!v) {
				if (MC_REQUIRED & (1U << j))
					ret = fail(c, "missing \"%s\"", mcol_names[j]);
				continue;
			}
			r.have |= 1U << j;
			ret = mrec_json(c, j, v, &r);
		}
		if (!ret)
			ret = mrec_to_event(c, &r, &sq);
		json_decref(o);
		if (ret)
			return ret;
	}
}

/* RMM */

enum rcol { RC_THREAD, RC_TIME, RC_ACTION, RC_POINTER, RC_SIZE, RC_STREAM, RC_NR };

static const char * const rcol_names[RC_NR] = {
	"Thread", "Time", "Action", "Pointer", "Size", "Stream",
};

/* RMM pointers: hex with or without 0x; glibc's %p writes NULL as "(nil)". */
static int rmm_hex(const char *s, __u64 *v)
{
	if (!strcmp(s, "(nil)")) {
		*v = 0;
		return 0;
	}
	return parse_u64(s, NUM_HEX, v);
}

static int read_rmm(struct ctx *c)
{
	__u64 t, prev = 0, day = 0, stream;
	char *f[RC_NR + 1], *s;
	int col[RC_NR], nh, nf, i, j, ret;
	struct replay_event ev;
	const char *why = "";
	bool clock;

	for (;;) {
		ret = next_line(c);
		if (ret < 0)
			return ret;
		if (!ret)
			return fail(c, "no header line (Thread,Time,Action,Pointer,Size,Stream)");
		if (!blank(c->buf))
			break;
	}
	nh = split_fields(c->buf, ',', f, RC_NR, &why);
	if (nh < 0)
		return fail(c, "header: %s", why);
	for (j = 0; j < RC_NR; j++)
		col[j] = -1;
	for (i = 0; i < nh && i < RC_NR; i++)
		for (j = 0; j < RC_NR; j++)
			if (!strcmp(trim(f[i]), rcol_names[j]))
				col[j] = i;
	for (j = 0; j < RC_NR; j++)
		if (col[j] < 0 || nh != RC_NR)
			return fail(c, "not an RMM log header: expected Thread,Time,Action,Pointer,Size,Stream");

	for (;;) {
		ret = next_line(c);
		if (ret <= 0)
			return ret;
		if (blank(c->buf))
			continue;
		nf = split_fields(c->buf, ',', f, RC_NR, &why);
		if (nf < 0)
			return fail(c, "%s", why);
		if (nf != RC_NR)
			return fail(c, "%s%d fields, expected %d (Thread,Time,Action,Pointer,Size,Stream)",
				    nf > RC_NR ? "more than " : "", nf > RC_NR ? RC_NR : nf, RC_NR);
		for (i = 0; i < RC_NR; i++)
			f[i] = trim(f[i]);
		s = f[col[RC_ACTION]];
		if (!strcmp(s, "allocate"))
			event_init(c, &ev, REPLAY_ALLOC);
		else if (!strcmp(s, "free") || !strcmp(s, "deallocate"))
			event_init(c, &ev, REPLAY_FREE);
		else if (!strcmp(s, "allocate failure"))
			event_init(c, &ev, REPLAY_ALLOC_FAILED);
		else
			return fail(c, "unknown action \"%s\" (allocate, free, deallocate or allocate failure)",
				    s);
		s = f[col[RC_THREAD]];
		if (parse_u64(s, NUM_DEC, &ev.thread))
			return fail(c, "bad Thread \"%s\" (a decimal thread id)", s);
		s = f[col[RC_TIME]];
		if (parse_rmm_time(s, &t, &clock))
			return fail(c, "bad Time \"%s\" (HH:MM:SS.ffffff, or seconds)", s);
		/* A clock time that jumps back by more than half a day is the next day. */
		if (clock && t + day + HALF_DAY_NS < prev)
			day += DAY_NS;
		ev.time_ns = t + (clock ? day : 0);
		prev = ev.time_ns;
		s = f[col[RC_POINTER]];
		if (rmm_hex(s, &ev.addr))
			return fail(c, "bad Pointer \"%s\" (hexadecimal)", s);
		s = f[col[RC_SIZE]];
		if (parse_u64(s, NUM_DEC, &ev.size))
			return fail(c, "bad Size \"%s\" (decimal bytes)", s);
		s = f[col[RC_STREAM]];
		if (rmm_hex(s, &stream))
			return fail(c, "bad Stream \"%s\" (hexadecimal)", s);
		ret = map_stream(c, stream, &ev.stream);
		if (ret)
			return ret;
		if (ev.kind != REPLAY_FREE)
			ev.align = RMM_ALIGN;
		if (ev.kind == REPLAY_ALLOC_FAILED) {
			ev.addr = 0;
			ev.error = -ENOSPC;
		}
		ret = push_event(c, &ev);
		if (ret)
			return ret;
	}
}

/* PyTorch */

/* A segment of the state before the trace, being worked out. */
struct pseg {
	__u64 addr;
	__u64 size;
	__u64 stream;
	__u32 index;		/* in "segments", or REPLAY_NO_INDEX */
	bool live;
};

/* A block live or pending free before the trace. */
struct pblk {
	__u64 addr;
	__u64 size;		/* the block's size (its requested size if unknown) */
	__u64 requested;
	__u32 index;		/* its segment's index in "segments", or REPLAY_NO_INDEX */
	bool pending;
	bool live;
};

enum pact {
	PA_ALLOC, PA_FREE, PA_FREE_REQUESTED, PA_FREE_COMPLETED, PA_SEGMENT_ALLOC,
	PA_SEGMENT_FREE, PA_SEGMENT_MAP, PA_SEGMENT_UNMAP, PA_OOM, PA_SNAPSHOT, PA_NR,
};

static const char * const pact_names[PA_NR] = {
	"alloc", "free", "free_requested", "free_completed", "segment_alloc",
	"segment_free", "segment_map", "segment_unmap", "oom", "snapshot",
};

struct pent {
	__u64 addr;
	__u64 size;
	__u64 stream;
	__u64 time_ns;
	int action;
};

struct pyt {
	struct pseg *segs;
	size_t nr_segs;
	size_t segs_cap;
	struct pblk *blks;
	size_t nr_blks;
	size_t blks_cap;
	struct replay_ptrmap bmap;	/* block address -> index in blks */
	struct pent *ent;
	size_t nr_ent;
};

static void pyt_free(struct pyt *p)
{
	free(p->segs);
	free(p->blks);
	free(p->ent);
	replay_ptrmap_destroy(&p->bmap);
}

static int pyt_add_seg(struct ctx *c, struct pyt *p, __u64 addr, __u64 size, __u64 stream,
		       __u32 index)
{
	struct pseg *s;

	if (array_grow((void **)&p->segs, &p->segs_cap, p->nr_segs + 1, sizeof(*p->segs)))
		return nomem(c);
	s = &p->segs[p->nr_segs++];
	s->addr = addr;
	s->size = size;
	s->stream = stream;
	s->index = index;
	s->live = true;
	return 0;
}

static struct pblk *pyt_add_blk(struct ctx *c, struct pyt *p, __u64 addr, __u64 size)
{
	struct pblk *b;

	if (p->nr_blks >= REPLAY_NO_ID - 1 ||
	    array_grow((void **)&p->blks, &p->blks_cap, p->nr_blks + 1, sizeof(*p->blks)) ||
	    replay_ptrmap_put(&p->bmap, addr, p->nr_blks, NULL) < 0) {
		nomem(c);
		return NULL;
	}
	b = &p->blks[p->nr_blks++];
	memset(b, 0, sizeof(*b));
	b->addr = addr;
	b->size = size;
	b->requested = size;
	b->index = REPLAY_NO_INDEX;
	b->live = true;
	return b;
}

static struct pblk *pyt_blk(struct pyt *p, __u64 addr)
{
	__u32 i;

	return replay_ptrmap_get(&p->bmap, addr, &i) ? NULL : &p->blks[i];
}

static struct pseg *pyt_seg_containing(struct pyt *p, __u64 addr, __u64 size)
{
	size_t i;

	for (i = 0; i < p->nr_segs; i++) {
		struct pseg *s = &p->segs[i];

		if (s->live && addr >= s->addr && addr - s->addr <= s->size &&
		    size <= s->size - (addr - s->addr))
			return s;
	}
	return NULL;
}

/* Get member @key of @o as an unsigned number; absent: @def, or an error if @def is NULL. */
static int pyt_u64(struct ctx *c, json_t *o, const char *key, __u64 *v, const __u64 *def)
{
	json_t *x = json_object_get(o, key);
	char what[48];

	if (!x) {
		if (def) {
			*v = *def;
			return 0;
		}
		return fail(c, "missing \"%s\"", key);
	}
	if (json_u64(x, v))
		return fail(c, "bad \"%s\": %s", key, json_what(x, what, sizeof(what)));
	return 0;
}

/* Streams are int64 in a snapshot: keep negative ones as their bits. */
static int pyt_stream(struct ctx *c, json_t *o, __u64 *v)
{
	json_t *x = json_object_get(o, "stream");
	char what[48];

	*v = 0;
	if (!x)
		return 0;
	if (json_is_integer(x)) {
		*v = (__u64)json_integer_value(x);
		return 0;
	}
	if (json_u64(x, v))
		return fail(c, "bad \"stream\": %s", json_what(x, what, sizeof(what)));
	return 0;
}

/* The final state: the device's segments and their active blocks. */
static int pyt_final(struct ctx *c, struct pyt *p, json_t *segments, int device)
{
	const __u64 zero = 0;
	json_t *s, *blocks, *b, *x;
	__u64 addr, size, stream, dev, off, req;
	size_t i, j;
	const char *st;
	struct pblk *k;
	int ret;

	json_array_foreach(segments, i, s) {
		snprintf(c->loc, sizeof(c->loc), "segments[%zu]", i);
		if (!json_is_object(s))
			return fail(c, "a segment must be an object");
		if (json_object_get(s, "device")) {
			ret = pyt_u64(c, s, "device", &dev, NULL);
			if (ret)
				return ret;
			if (dev != (__u64)device)
				continue;
		}
		ret = pyt_u64(c, s, "address", &addr, NULL);
		if (!ret)
			ret = pyt_u64(c, s, "total_size", &size, NULL);
		if (!ret)
			ret = pyt_stream(c, s, &stream);
		if (!ret && size > UINT64_MAX - addr)
			ret = fail(c, "segment past the end of the address space");
		if (!ret)
			ret = pyt_add_seg(c, p, addr, size, stream, i);
		if (ret)
			return ret;
		blocks = json_object_get(s, "blocks");
		if (!blocks)
			continue;
		if (!json_is_array(blocks))
			return fail(c, "\"blocks\" must be an array");
		off = addr;
		json_array_foreach(blocks, j, b) {
			snprintf(c->loc, sizeof(c->loc), "segments[%zu].blocks[%zu]", i, j);
			if (!json_is_object(b))
				return fail(c, "a block must be an object");
			ret = pyt_u64(c, b, "size", &size, NULL);
			if (!ret)
				ret = pyt_u64(c, b, "address", &addr, &off);
			if (!ret)
				ret = pyt_u64(c, b, "requested_size", &req, &zero);
			if (ret)
				return ret;
			x = json_object_get(b, "state");
			st = json_string_value(x);
			if (!st)
				return fail(c, "missing \"state\"");
			off = addr + size;
			if (!strcmp(st, "inactive"))
				continue;
			if (strcmp(st, "active_allocated") && strcmp(st, "active_pending_free") &&
			    strcmp(st, "active_awaiting_free"))
				return fail(c, "unknown block state \"%s\"", st);
			if (pyt_blk(p, addr))
				return fail(c, "two blocks at 0x%llx", (unsigned long long)addr);
			k = pyt_add_blk(c, p, addr, size);
			if (!k)
				return -ENOMEM;
			k->requested = req && req <= size ? req : size;
			k->pending = strcmp(st, "active_allocated");
			k->index = i;
		}
	}
	c->loc[0] = '\0';
	return 0;
}

/* Read and check device_traces[device]. */
static int pyt_entries(struct ctx *c, struct pyt *p, json_t *trace, int device)
{
	const __u64 zero = 0;
	size_t i, n = json_array_size(trace);
	json_t *e, *x;
	struct pent *t;
	const char *a;
	__u64 us;
	int ret, k;

	p->ent = calloc(n ? n : 1, sizeof(*p->ent));
	if (!p->ent)
		return nomem(c);
	json_array_foreach(trace, i, e) {
		snprintf(c->loc, sizeof(c->loc), "device_traces[%d][%zu]", device, i);
		t = &p->ent[i];
		if (!json_is_object(e))
			return fail(c, "a trace entry must be an object");
		a = json_string_value(json_object_get(e, "action"));
		if (!a)
			return fail(c, "missing \"action\"");
		for (k = 0; k < PA_NR && strcmp(a, pact_names[k]); k++)
			;
		if (k == PA_NR)
			return fail(c, "unknown action \"%s\"", a);
		t->action = k;
		ret = pyt_u64(c, e, k == PA_OOM ? "device_free" : "addr", &t->addr,
			      k == PA_OOM || k == PA_SNAPSHOT ? &zero : NULL);
		if (!ret)
			ret = pyt_u64(c, e, "size", &t->size, k == PA_SNAPSHOT ? &zero : NULL);
		if (!ret)
			ret = pyt_stream(c, e, &t->stream);
		if (ret)
			return ret;
		if (k == PA_OOM)
			t->addr = 0;
		t->time_ns = REPLAY_NO_TIME;
		x = json_object_get(e, "time_us");
		if (x) {
			if (json_u64(x, &us) || us > UINT64_MAX / 1000 - 1)
				return fail(c, "bad \"time_us\"");
			t->time_ns = us * 1000;
		}
		if (t->size > UINT64_MAX - t->addr)
			return fail(c, "addr + size past the end of the address space");
	}
	p->nr_ent = n;
	c->loc[0] = '\0';
	return 0;
}

/* Undo entry @t on the state after it, giving the state before it. */
static int pyt_undo(struct ctx *c, struct pyt *p, const struct pent *t)
{
	struct pseg *s, *o;
	struct pblk *b;
	__u64 end;
	size_t i;

	switch (t->action) {
	case PA_ALLOC:
		b = pyt_blk(p, t->addr);
		if (b) {
			b->live = false;
			replay_ptrmap_del(&p->bmap, t->addr, NULL);
		}
		break;
	case PA_FREE_REQUESTED:
		b = pyt_blk(p, t->addr);
		if (b)
			b->pending = false;
		break;
	case PA_FREE:
	case PA_FREE_COMPLETED:
		b = pyt_blk(p, t->addr);
		if (!b) {
			b = pyt_add_blk(c, p, t->addr, t->size);
			if (!b)
				return -ENOMEM;
		}
		b->pending = t->action == PA_FREE_COMPLETED;
		break;
	case PA_SEGMENT_ALLOC:
		for (i = 0; i < p->nr_segs; i++)
			if (p->segs[i].live && p->segs[i].addr == t->addr)
				p->segs[i].live = false;
		break;
	case PA_SEGMENT_FREE:
		return pyt_add_seg(c, p, t->addr, t->size, t->stream, REPLAY_NO_INDEX);
	case PA_SEGMENT_MAP:
		/* Unmap [addr, addr + size) from the range holding it. */
		s = pyt_seg_containing(p, t->addr, t->size);
		if (!s)
			break;
		end = s->addr + s->size;
		if (s->addr == t->addr) {
			s->addr += t->size;
			s->size -= t->size;
			s->live = s->size;
		} else if (end == t->addr + t->size) {
			s->size -= t->size;
		} else {
			s->size = t->addr - s->addr;
			return pyt_add_seg(c, p, t->addr + t->size, end - t->addr - t->size,
					   s->stream, REPLAY_NO_INDEX);
		}
		break;
	case PA_SEGMENT_UNMAP:
		/* Map it back, merged with the neighbours of its stream. */
		if (pyt_add_seg(c, p, t->addr, t->size, t->stream, REPLAY_NO_INDEX))
			return -ENOMEM;
		s = &p->segs[p->nr_segs - 1];
		for (i = 0; i + 1 < p->nr_segs; i++) {
			o = &p->segs[i];
			if (!o->live || o->stream != s->stream)
				continue;
			if (o->addr + o->size == s->addr) {
				o->size += s->size;
				s->live = false;
				s = o;
			}
		}
		for (i = 0; i < p->nr_segs; i++) {
			o = &p->segs[i];
			if (o != s && o->live && o->stream == s->stream &&
			    s->addr + s->size == o->addr) {
				s->size += o->size;
				o->live = false;
			}
		}
		break;
	default:
		break;
	}
	return 0;
}

static int cmp_seg(const void *a, const void *b)
{
	const struct pseg *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static int cmp_blk(const void *a, const void *b)
{
	const struct pblk *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* The events of the state before the trace. */
static int pyt_initial(struct ctx *c, struct pyt *p)
{
	struct replay_event ev;
	struct pseg *s;
	struct pblk *b;
	size_t i;
	int ret;

	if (p->nr_segs)
		qsort(p->segs, p->nr_segs, sizeof(*p->segs), cmp_seg);
	for (i = 0; i < p->nr_segs; i++) {
		s = &p->segs[i];
		if (!s->live)
			continue;
		event_init(c, &ev, REPLAY_SEGMENT_ALLOC);
		ev.flags = REPLAY_F_INITIAL;
		ev.index = s->index;
		ev.addr = s->addr;
		ev.size = s->size;
		ret = map_stream(c, s->stream, &ev.stream);
		if (!ret)
			ret = push_event(c, &ev);
		if (ret)
			return ret;
	}
	if (p->nr_blks)
		qsort(p->blks, p->nr_blks, sizeof(*p->blks), cmp_blk);
	for (i = 0; i < p->nr_blks; i++) {
		b = &p->blks[i];
		if (!b->live)
			continue;
		event_init(c, &ev, REPLAY_ALLOC);
		ev.flags = REPLAY_F_INITIAL;
		ev.index = b->index;
		ev.addr = b->addr;
		ev.size = b->requested;
		ev.actual = b->size;
		ev.align = PYTORCH_ALIGN;
		s = pyt_seg_containing(p, b->addr, b->size);
		ret = map_stream(c, s ? s->stream : 0, &ev.stream);
		if (!ret)
			ret = push_event(c, &ev);
		if (ret)
			return ret;
		if (!b->pending)
			continue;
		ev.kind = REPLAY_FREE_REQUESTED;
		ev.align = 0;
		ret = push_event(c, &ev);
		if (ret)
			return ret;
	}
	return 0;
}

static int pyt_forward(struct ctx *c, struct pyt *p, int device)
{
	static const enum replay_kind kinds[PA_NR] = {
		[PA_ALLOC] = REPLAY_ALLOC,
		[PA_FREE] = REPLAY_FREE,
		[PA_FREE_REQUESTED] = REPLAY_FREE_REQUESTED,
		[PA_FREE_COMPLETED] = REPLAY_FREE_COMPLETED,
		[PA_SEGMENT_ALLOC] = REPLAY_SEGMENT_ALLOC,
		[PA_SEGMENT_FREE] = REPLAY_SEGMENT_FREE,
		[PA_SEGMENT_MAP] = REPLAY_SEGMENT_ALLOC,
		[PA_SEGMENT_UNMAP] = REPLAY_SEGMENT_FREE,
		[PA_OOM] = REPLAY_ALLOC_FAILED,
		[PA_SNAPSHOT] = REPLAY_SNAPSHOT,
	};
	struct replay_event ev;
	const struct pent *t;
	size_t i;
	int ret;

	for (i = 0; i < p->nr_ent; i++) {
		t = &p->ent[i];
		snprintf(c->loc, sizeof(c->loc), "device_traces[%d][%zu]", device, i);
		event_init(c, &ev, kinds[t->action]);
		ev.index = i;
		ev.addr = t->addr;
		ev.size = t->size;
		ev.time_ns = t->time_ns;
		/* A free requested and completed at once is an immediate free. */
		if (t->action == PA_FREE_REQUESTED && i + 1 < p->nr_ent &&
		    t[1].action == PA_FREE_COMPLETED && t[1].addr == t->addr) {
			ev.kind = REPLAY_FREE;
			i++;
		}
		if (t->action == PA_SEGMENT_MAP || t->action == PA_SEGMENT_UNMAP)
			ev.flags |= REPLAY_F_MAP;
		if (t->action == PA_ALLOC || t->action == PA_OOM)
			ev.align = PYTORCH_ALIGN;
		if (t->action == PA_OOM)
			ev.error = -ENOSPC;
		ret = t->action == PA_SNAPSHOT ? 0 : map_stream(c, t->stream, &ev.stream);
		if (!ret)
			ret = push_event(c, &ev);
		if (ret)
			return ret;
	}
	c->loc[0] = '\0';
	return 0;
}

/* Hands jansson the input through a jfilter. */
struct jfeed {
	struct src *src;
	struct jfilter jf;
	char pend[64];
	size_t pend_len;
	size_t pend_pos;
	bool eof;
};

static size_t jfeed_cb(void *buffer, size_t buflen, void *data)
{
	struct jfeed *j = data;
	char *out = buffer;
	size_t n = 0, k;
	int ch;

	while (n < buflen) {
		if (j->pend_pos < j->pend_len) {
			k = j->pend_len - j->pend_pos;
			if (k > buflen - n)
				k = buflen - n;
			memcpy(out + n, j->pend + j->pend_pos, k);
			j->pend_pos += k;
			n += k;
			continue;
		}
		if (j->eof)
			break;
		ch = src_getc(j->src);
		if (ch == EOF) {
			if (ferror(j->src->f))
				return (size_t)-1;
			j->eof = true;
		}
		j->pend_len = jf_push(&j->jf, ch, j->pend);
		j->pend_pos = 0;
	}
	return n;
}

static int read_pytorch(struct ctx *c, int want)
{
	struct jfeed feed = { .src = &c->src };
	json_t *root, *segments, *traces, *t, *s;
	struct pyt p = { 0 };
	json_error_t jerr;
	int device = 0, ret;
	size_t i, n;
	__u64 dev;

	root = json_load_callback(jfeed_cb, &feed, 0, &jerr);
	if (!root) {
		if (ferror(c->src.f)) {
			snprintf(c->err, c->errlen, "%s: read error", c->name);
			return -EIO;
		}
		c->line = jerr.line > 0 ? jerr.line : 0;
		return fail(c, "invalid JSON: %s", jerr.text);
	}
	replay_ptrmap_init(&p.bmap);
	if (json_is_array(root)) {
		segments = root;	/* an old snapshot: the segments alone */
		traces = NULL;
	} else if (json_is_object(root)) {
		segments = json_object_get(root, "segments");
		traces = json_object_get(root, "device_traces");
	} else {
		segments = NULL;
		traces = NULL;
	}
	if (!segments && !traces) {
		ret = fail(c, "not a PyTorch memory snapshot: no \"segments\" or \"device_traces\"");
		goto out;
	}
	if ((segments && !json_is_array(segments)) || (traces && !json_is_array(traces))) {
		ret = fail(c, "\"segments\" and \"device_traces\" must be arrays");
		goto out;
	}
	n = json_array_size(traces);
	json_array_foreach(traces, i, t) {
		if (!json_is_array(t)) {
			ret = fail(c, "device_traces[%zu] must be an array", i);
			goto out;
		}
	}
	if (n > INT32_MAX) {
		ret = fail(c, "too many devices");
		goto out;
	}
	c->w->nr_devices = n;
	if (want >= 0) {
		device = want;
		if (traces && (size_t)want >= n) {
			ret = fail(c, "--device %d: the snapshot traces %s%zu device%s", want,
				   n ? "only " : "", n, n == 1 ? "" : "s");
			goto out;
		}
	} else {
		for (i = 0; i < n && !json_array_size(json_array_get(traces, i)); i++)
			;
		if (i < n) {
			device = i;
		} else if (json_array_size(segments)) {
			s = json_array_get(segments, 0);
			if (json_is_object(s) && !json_u64(json_object_get(s, "device"), &dev) &&
			    dev <= INT32_MAX)
				device = dev;
		}
	}
	c->w->device = device;
	ret = segments ? pyt_final(c, &p, segments, device) : 0;
	if (!ret && traces)
		ret = pyt_entries(c, &p, json_array_get(traces, device), device);
	for (i = p.nr_ent; !ret && i-- > 0;)
		ret = pyt_undo(c, &p, &p.ent[i]);
	if (!ret)
		ret = pyt_initial(c, &p);
	if (!ret)
		ret = pyt_forward(c, &p, device);
out:
	pyt_free(&p);
	json_decref(root);
	return ret;
}

/* Telling the format */

/* Whether a header line names memsim trace columns. */
static bool memsim_header(char *line)
{
	char *f[64];
	const char *why;
	bool op = false, addr = false;
	int n, i;

	n = split_fields(line, strchr(line, '\t') ? '\t' : ',', f, ARRAY_SIZE(f), &why);
	for (i = 0; i < n && i < (int)ARRAY_SIZE(f); i++) {
		op |= !strcmp(trim(f[i]), "op");
		addr |= !strcmp(trim(f[i]), "addr");
	}
	return op && addr;
}

/*
 * Read ahead up to the first line that is neither blank nor a '#' comment
 * and tell the format from it; the bytes read stay in c->src.pre for the
 * reader.
 */
static int detect(struct ctx *c, enum replay_format *fmt)
{
	size_t len = 0, cap = 4096, start = 0;
	bool long_line = false;
	json_error_t jerr;
	char *pre, *p, *line;
	int ch, ret = 0;
	json_t *o;

	pre = malloc(cap);
	if (!pre)
		return nomem(c);
	c->line = 1;
	for (;;) {
		ch = getc(c->src.f);
		if (ch != EOF) {
			if (len + 1 >= cap) {
				p = realloc(pre, cap * 2);
				if (!p) {
					free(pre);
					return nomem(c);
				}
				pre = p;
				cap *= 2;
			}
			pre[len++] = ch;
			/* Past REPLAY_LINE_MAX a line can only be JSON: stop there. */
			if (ch != '\n' && len - start < REPLAY_LINE_MAX)
				continue;
		}
		pre[len] = '\0';
		line = pre + start;
		long_line = ch != EOF && ch != '\n';
		if ((!blank(line) && line[0] != '#') || long_line || ch == EOF || len > DETECT_MAX)
			break;
		start = len;
		c->line++;
	}
	c->src.pre = pre;
	c->src.pre_len = len;
	if (ferror(c->src.f)) {
		c->line = 0;
		snprintf(c->err, c->errlen, "%s: read error", c->name);
		return -EIO;
	}
	line = strndup(pre + start, len - start);
	if (!line)
		return nomem(c);
	p = trim(line);
	if (!*p || *p == '#') {
		c->line = 0;
		ret = fail(c, "no trace in the file (it is empty, or blank and '#' lines only)");
	} else if (*p == '[') {
		*fmt = REPLAY_FMT_PYTORCH;
	} else if (*p == '{' && long_line) {
		*fmt = REPLAY_FMT_PYTORCH;
	} else if (*p == '{') {
		/* A whole object on the first line with an "op" is memsim NDJSON. */
		jf_line(c, p);
		o = json_loads(c->json, 0, &jerr);
		*fmt = json_is_object(o) && json_object_get(o, "op") ?
			REPLAY_FMT_MEMSIM_NDJSON : REPLAY_FMT_PYTORCH;
		json_decref(o);
	} else if (!strncmp(p, "Thread,", 7)) {
		*fmt = REPLAY_FMT_RMM;
	} else if (memsim_header(p)) {
		*fmt = REPLAY_FMT_MEMSIM_CSV;
	} else {
		ret = fail(c, "unknown format: not a memsim trace header (seq,ts_ns,op,addr,...), an RMM log header (Thread,Time,Action,Pointer,Size,Stream) or JSON; give --format");
	}
	free(line);
	c->line = 0;
	return ret;
}

void replay_free(struct replay_workload *w)
{
	if (!w)
		return;
	free(w->name);
	free(w->ev);
	free(w->id_event);
	free(w->stream_value);
	free(w->strings);
	free(w);
}

int replay_read_stream(FILE *f, const char *name, const struct replay_options *opt,
		       struct replay_workload **out, char *err, size_t errlen)
{
	enum replay_format fmt = opt ? opt->format : REPLAY_FMT_AUTO;
	struct replay_workload *w;
	struct ctx *c;
	int ret;

	*out = NULL;
	if (errlen)
		err[0] = '\0';
	if ((unsigned int)fmt >= REPLAY_NR_FORMATS) {
		snprintf(err, errlen, "%s: unknown format", name);
		return -EINVAL;
	}
	c = calloc(1, sizeof(*c));
	w = calloc(1, sizeof(*w));
	if (w) {
		w->name = strdup(name);
		w->strings_cap = 256;
		w->strings = calloc(1, w->strings_cap);
		w->strings_len = 1;
		w->device = -1;
	}
	if (!c || !w || !w->name || !w->strings) {
		free(c);
		replay_free(w);
		snprintf(err, errlen, "%s: out of memory", name);
		return -ENOMEM;
	}
	c->w = w;
	c->name = w->name;
	c->err = err;
	c->errlen = errlen;
	c->src.f = f;
	replay_ptrmap_init(&c->live);
	replay_ptrmap_init(&c->segs);
	replay_ptrmap_init(&c->streams);

	ret = fmt == REPLAY_FMT_AUTO ? detect(c, &fmt) : 0;
	if (!ret) {
		w->format = fmt;
		switch (fmt) {
		case REPLAY_FMT_MEMSIM_CSV:
			ret = read_memsim_csv(c);
			break;
		case REPLAY_FMT_MEMSIM_NDJSON:
			ret = read_memsim_ndjson(c);
			break;
		case REPLAY_FMT_RMM:
			ret = read_rmm(c);
			break;
		default:
			ret = read_pytorch(c, opt ? opt->device : -1);
			break;
		}
	}
	free(c->src.pre);
	free(c->strtab);
	replay_ptrmap_destroy(&c->live);
	replay_ptrmap_destroy(&c->segs);
	replay_ptrmap_destroy(&c->streams);
	free(c);
	if (ret) {
		replay_free(w);
		return ret;
	}
	*out = w;
	return 0;
}

int replay_read_file(const char *path, const struct replay_options *opt,
		     struct replay_workload **out, char *err, size_t errlen)
{
	FILE *f;
	int ret;

	*out = NULL;
	if (!strcmp(path, "-"))
		return replay_read_stream(stdin, "stdin", opt, out, err, errlen);
	f = fopen(path, "r");
	if (!f) {
		ret = -errno;
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		return ret;
	}
	ret = replay_read_stream(f, path, opt, out, err, errlen);
	fclose(f);
	return ret;
}

int replay_event_where(const struct replay_workload *w, const struct replay_event *ev,
		       char *buf, size_t len)
{
	if (w->format != REPLAY_FMT_PYTORCH)
		return snprintf(buf, len, "%s:%u", w->name, ev->line);
	if (!(ev->flags & REPLAY_F_INITIAL))
		return snprintf(buf, len, "%s:device_traces[%d][%u]", w->name, w->device,
				ev->index);
	if (ev->index != REPLAY_NO_INDEX)
		return snprintf(buf, len, "%s:segments[%u]", w->name, ev->index);
	return snprintf(buf, len, "%s:initial state", w->name);
}
