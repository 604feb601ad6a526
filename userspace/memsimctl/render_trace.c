// SPDX-License-Identifier: GPL-2.0
/*
 * render_trace: memsim's own trace records into the pictures' structures
 *
 * Copyright (C) 2026 The memsim authors
 *
 * The timeline needs each allocation's life: its alloc record, its
 * free_request (a deferred free) and its free_complete, matched by address
 * through a hash table of the live allocations.  The series needs the
 * pool after every operation: allocated and requested bytes are sums, the
 * free bytes the managed bytes (the live segments) less the allocated
 * ones, and the largest free block comes from the holes between live
 * blocks: the fit strategies coalesce free neighbours at once, so a hole
 * is one free block; the buddy system cuts a hole into naturally aligned
 * powers of two, so its largest free block is the largest such piece.
 * Holes go into a max-heap when they appear and are checked against the
 * sorted live blocks when they reach the top (stale ones are dropped), so
 * each operation costs O(log n) plus the insertion into the sorted array.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "array.h"
#include "libmemsim.h"
#include "render_trace.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* A hole between live blocks, as it was when it was pushed. */
struct hole {
	__u64 largest;	/* its largest free block */
	__u64 start;
	__u64 end;
};

struct render_trace_state {
	/* Live allocations: open addressing on addr, index into allocs. */
	__u64 *keys;
	size_t *vals;
	size_t hcap, hused;
	/* Live blocks by address. */
	struct live {
		__u64 addr;
		__u64 end;
	} *live;
	size_t nlive, livecap;
	/* Live segments by start: index into the trace's segs. */
	size_t *seg;
	size_t nseg, segcap;
	struct hole *heap;
	size_t nheap, heapcap;
	size_t cap_segs, cap_allocs, cap_fails, cap_pts;
	__u64 allocated, requested, managed;
	int buddy;
};

#define HASH_EMPTY	UINT64_MAX	/* no allocation starts at 2^64 - 1 */

static size_t hash(__u64 k, size_t cap)
{
	k ^= k >> 33;
	k *= 0xff51afd7ed558ccdULL;
	k ^= k >> 33;
	return k & (cap - 1);
}

static size_t *hash_find(struct render_trace_state *s, __u64 key)
{
	size_t i;

	if (!s->hcap)
		return NULL;
	for (i = hash(key, s->hcap); s->keys[i] != HASH_EMPTY; i = (i + 1) & (s->hcap - 1))
		if (s->keys[i] == key)
			return &s->vals[i];
	return NULL;
}

static int hash_put(struct render_trace_state *s, __u64 key, size_t val);

static int hash_resize(struct render_trace_state *s)
{
	__u64 *keys = s->keys;
	size_t *vals = s->vals, cap = s->hcap, i;

	s->hcap = cap ? cap * 2 : 64;
	s->keys = malloc(s->hcap * sizeof(*s->keys));
	s->vals = malloc(s->hcap * sizeof(*s->vals));
	if (!s->keys || !s->vals) {
		free(s->keys);
		free(s->vals);
		s->keys = keys;
		s->vals = vals;
		s->hcap = cap;
		return -ENOMEM;
	}
	memset(s->keys, 0xff, s->hcap * sizeof(*s->keys));
	s->hused = 0;
	for (i = 0; i < cap; i++)
		if (keys[i] != HASH_EMPTY)
			hash_put(s, keys[i], vals[i]);
	free(keys);
	free(vals);
	return 0;
}

static int hash_put(struct render_trace_state *s, __u64 key, size_t val)
{
	size_t i;

	if (2 * (s->hused + 1) > s->hcap && hash_resize(s))
		return -ENOMEM;
	for (i = hash(key, s->hcap); s->keys[i] != HASH_EMPTY; i = (i + 1) & (s->hcap - 1))
		;
	s->keys[i] = key;
	s->vals[i] = val;
	s->hused++;
	return 0;
}

/* Linear probing: the entries after the hole move back into it. */
static void hash_del(struct render_trace_state *s, size_t *val)
{
	size_t mask = s->hcap - 1, i = val - s->vals, j = i, h;

	for (;;) {
		s->keys[i] = HASH_EMPTY;
		do {
			j = (j + 1) & mask;
			if (s->keys[j] == HASH_EMPTY) {
				s->hused--;
				return;
			}
			h = hash(s->keys[j], s->hcap);
		} while (i <= j ? (i < h && h <= j) : (i < h || h <= j));
		s->keys[i] = s->keys[j];
		s->vals[i] = s->vals[j];
		i = j;
	}
}

/* The first live block at or above @a. */
static size_t live_lower(const struct render_trace_state *s, __u64 a)
{
	size_t lo = 0, hi = s->nlive;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (s->live[mid].addr < a)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

/* The live segment holding @a, or NULL. */
static const struct render_segment *seg_of(const struct render_trace *t, __u64 a)
{
	const struct render_trace_state *s = t->state;
	size_t lo = 0, hi = s->nseg;
	const struct render_segment *g;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (t->segs[s->seg[mid]].start <= a)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (!lo)
		return NULL;
	g = &t->segs[s->seg[lo - 1]];
	return a - g->start < g->size ? g : NULL;
}

/* The largest naturally aligned power of two inside [a, b). */
static __u64 buddy_largest(__u64 a, __u64 b)
{
	__u64 best = 0, sz;

	while (a < b) {
		sz = 1ULL << (63 - __builtin_clzll(b - a));
		if (a && (a & -a) < sz)
			sz = a & -a;
		if (sz > best)
			best = sz;
		a += sz;
	}
	return best;
}

static void heap_swap(struct hole *h, size_t i, size_t j)
{
	struct hole x = h[i];

	h[i] = h[j];
	h[j] = x;
}

static int hole_push(struct render_trace_state *s, __u64 start, __u64 end)
{
	size_t i;

	if (start >= end)
		return 0;
	if (array_grow((void **)&s->heap, &s->heapcap, s->nheap + 1, sizeof(*s->heap)))
		return -ENOMEM;
	i = s->nheap++;
	s->heap[i].start = start;
	s->heap[i].end = end;
	s->heap[i].largest = s->buddy ? buddy_largest(start, end) : end - start;
	while (i && s->heap[(i - 1) / 2].largest < s->heap[i].largest) {
		heap_swap(s->heap, i, (i - 1) / 2);
		i = (i - 1) / 2;
	}
	return 0;
}

static void heap_pop(struct render_trace_state *s)
{
	size_t i = 0, c;

	s->heap[0] = s->heap[--s->nheap];
	for (;;) {
		c = 2 * i + 1;
		if (c >= s->nheap)
			break;
		if (c + 1 < s->nheap && s->heap[c + 1].largest > s->heap[c].largest)
			c++;
		if (s->heap[c].largest <= s->heap[i].largest)
			break;
		heap_swap(s->heap, i, c);
		i = c;
	}
}

/* The hole around [a, b) in its segment @g: *@lo to *@hi. */
static void hole_around(const struct render_trace_state *s,
			const struct render_segment *g, __u64 a, __u64 b,
			__u64 *lo, __u64 *hi)
{
	size_t i = live_lower(s, a);

	*lo = i && s->live[i - 1].end > g->start ? s->live[i - 1].end : g->start;
	while (i < s->nlive && s->live[i].addr < b)	/* skip [a, b) itself */
		i++;
	*hi = i < s->nlive && s->live[i].addr < g->start + g->size ? s->live[i].addr :
		g->start + g->size;
}

/* Whether @h still is a hole exactly. */
static int hole_valid(const struct render_trace *t, const struct hole *h)
{
	const struct render_segment *g = seg_of(t, h->start);
	__u64 lo, hi;

	if (!g || h->end - g->start > g->size)
		return 0;
	hole_around(t->state, g, h->start, h->start, &lo, &hi);
	return lo == h->start && hi == h->end;
}

static __u64 largest_free(const struct render_trace *t)
{
	struct render_trace_state *s = t->state;

	while (s->nheap && !hole_valid(t, &s->heap[0]))
		heap_pop(s);
	return s->nheap ? s->heap[0].largest : 0;
}

/* Every hole again, after the strategy or the segments changed wholesale. */
static int holes_rebuild(struct render_trace *t)
{
	struct render_trace_state *s = t->state;
	size_t i, j = 0;
	__u64 a;

	s->nheap = 0;
	for (i = 0; i < s->nseg; i++) {
		const struct render_segment *g = &t->segs[s->seg[i]];

		a = g->start;
		while (j < s->nlive && s->live[j].addr < g->start)
			j++;
		for (; j < s->nlive && s->live[j].addr < g->start + g->size; j++) {
			if (hole_push(s, a, s->live[j].addr))
				return -ENOMEM;
			a = s->live[j].end;
		}
		if (hole_push(s, a, g->start + g->size))
			return -ENOMEM;
	}
	return 0;
}

int render_trace_init(struct render_trace *t, enum render_time_unit unit)
{
	memset(t, 0, sizeof(*t));
	t->unit = unit;
	t->state = calloc(1, sizeof(*t->state));
	return t->state ? 0 : -ENOMEM;
}

void render_trace_free(struct render_trace *t)
{
	struct render_trace_state *s = t->state;

	if (s) {
		free(s->keys);
		free(s->vals);
		free(s->live);
		free(s->seg);
		free(s->heap);
		free(s);
	}
	free(t->segs);
	free(t->allocs);
	free(t->fails);
	free(t->pts);
	memset(t, 0, sizeof(*t));
}

static __u64 rec_time(const struct render_trace *t,
		      const struct memsim_trace_record *r)
{
	switch (t->unit) {
	case RENDER_TIME_SEQ:
		return r->seq;
	case RENDER_TIME_NS:
		return r->ts_ns;
	default:
		return t->ops;
	}
}

static void copy_text(char *dst, size_t len, const char *src, size_t srclen)
{
	size_t n = strnlen(src, srclen);

	if (n >= len)
		n = len - 1;
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* A segment used without being created (before the trace began). */
static int standin_segment(struct render_trace *t, const struct memsim_trace_record *r)
{
	struct render_trace_state *s = t->state;
	struct render_segment *g;
	size_t i;

	for (i = 0; i < t->nr_segs; i++) {
		g = &t->segs[i];
		if (g->id != r->segment_id || g->t_release != RENDER_T_NONE)
			continue;
		if (r->addr < g->start) {
			g->size += g->start - r->addr;
			g->start = r->addr;
		}
		if (r->addr + r->size - g->start > g->size)
			g->size = r->addr + r->size - g->start;
		return 0;
	}
	if (array_grow((void **)&t->segs, &s->cap_segs, t->nr_segs + 1, sizeof(*t->segs)))
		return -ENOMEM;
	g = &t->segs[t->nr_segs++];
	memset(g, 0, sizeof(*g));
	g->id = r->segment_id;
	g->start = r->addr;
	g->size = r->size;
	g->stream = r->stream;
	g->t_release = RENDER_T_NONE;
	return 0;
}

static int seg_create(struct render_trace *t, const struct memsim_trace_record *r,
		      __u64 now)
{
	struct render_trace_state *s = t->state;
	struct render_segment *g;
	size_t i;

	if (!r->size || r->addr + r->size < r->addr || seg_of(t, r->addr))
		return -EINVAL;
	if (array_grow((void **)&t->segs, &s->cap_segs, t->nr_segs + 1, sizeof(*t->segs)) ||
	    array_grow((void **)&s->seg, &s->segcap, s->nseg + 1, sizeof(*s->seg)))
		return -ENOMEM;
	g = &t->segs[t->nr_segs];
	memset(g, 0, sizeof(*g));
	g->id = r->segment_id;
	g->start = r->addr;
	g->size = r->size;
	g->stream = r->stream;
	g->t_create = now;
	g->t_release = RENDER_T_NONE;
	for (i = s->nseg; i > 0 && t->segs[s->seg[i - 1]].start > g->start; i--)
		s->seg[i] = s->seg[i - 1];
	s->seg[i] = t->nr_segs++;
	s->nseg++;
	s->managed += g->size;
	return hole_push(s, g->start, g->start + g->size);
}

static void seg_release(struct render_trace *t, size_t i, __u64 now)
{
	struct render_trace_state *s = t->state;

	t->segs[s->seg[i]].t_release = now;
	s->managed -= t->segs[s->seg[i]].size;
	memmove(&s->seg[i], &s->seg[i + 1], (s->nseg - i - 1) * sizeof(*s->seg));
	s->nseg--;
}

static int do_alloc(struct render_trace *t, const struct memsim_trace_record *r,
		    __u64 now)
{
	struct render_trace_state *s = t->state;
	const struct render_segment *g;
	struct render_alloc *a;
	__u64 lo, hi;
	size_t i;

	if (!r->size || r->addr + r->size < r->addr || hash_find(s, r->addr))
		return -EINVAL;
	i = live_lower(s, r->addr);
	if ((i < s->nlive && s->live[i].addr < r->addr + r->size) ||
	    (i && s->live[i - 1].end > r->addr))
		return -EINVAL;	/* over a live block */
	if (array_grow((void **)&t->allocs, &s->cap_allocs, t->nr_allocs + 1, sizeof(*t->allocs)) ||
	    array_grow((void **)&s->live, &s->livecap, s->nlive + 1, sizeof(*s->live)))
		return -ENOMEM;
	g = seg_of(t, r->addr);
	if (!g && standin_segment(t, r))
		return -ENOMEM;
	if (hash_put(s, r->addr, t->nr_allocs))
		return -ENOMEM;

	a = &t->allocs[t->nr_allocs++];
	memset(a, 0, sizeof(*a));
	a->addr = r->addr;
	a->size = r->size;
	a->requested = r->requested;
	a->tag = r->tag;
	a->stream = r->stream;
	a->owner_pid = r->tgid;
	a->t_alloc = now;
	a->t_free_req = RENDER_T_NONE;
	a->t_free = RENDER_T_NONE;
	copy_text(a->owner_comm, sizeof(a->owner_comm), r->comm, sizeof(r->comm));
	copy_text(a->label, sizeof(a->label), r->label, sizeof(r->label));

	memmove(&s->live[i + 1], &s->live[i], (s->nlive - i) * sizeof(*s->live));
	s->live[i].addr = r->addr;
	s->live[i].end = r->addr + r->size;
	s->nlive++;
	s->allocated += r->size;
	s->requested += r->requested;
	if (!g)
		return 0;	/* a stand-in: its free space is unknown */
	hole_around(s, g, r->addr, r->addr + r->size, &lo, &hi);
	if (hole_push(s, lo, r->addr) || hole_push(s, r->addr + r->size, hi))
		return -ENOMEM;
	return 0;
}

static int do_free(struct render_trace *t, const struct memsim_trace_record *r,
		   __u64 now, int complete)
{
	struct render_trace_state *s = t->state;
	size_t *v = hash_find(s, r->addr), i;
	const struct render_segment *g;
	struct render_alloc *a;
	__u64 lo, hi;

	if (!v) {
		t->unmatched++;
		return 0;
	}
	a = &t->allocs[*v];
	if (!complete) {
		a->t_free_req = now;
		return 0;
	}
	a->t_free = now;
	hash_del(s, v);
	i = live_lower(s, a->addr);
	memmove(&s->live[i], &s->live[i + 1], (s->nlive - i - 1) * sizeof(*s->live));
	s->nlive--;
	s->allocated -= a->size;
	s->requested -= a->requested;
	g = seg_of(t, a->addr);
	if (!g)
		return 0;
	hole_around(s, g, a->addr, a->addr, &lo, &hi);
	return hole_push(s, lo, hi);
}

/* RESET: every allocation ends; without KEEP_SEGMENTS every segment too. */
static int do_reset(struct render_trace *t, const struct memsim_trace_record *r,
		    __u64 now)
{
	struct render_trace_state *s = t->state;
	size_t i;

	for (i = 0; i < s->hcap; i++)
		if (s->keys[i] != HASH_EMPTY)
			t->allocs[s->vals[i]].t_free = now;
	if (s->hcap)
		memset(s->keys, 0xff, s->hcap * sizeof(*s->keys));
	s->hused = 0;
	s->nlive = 0;
	s->allocated = 0;
	s->requested = 0;
	for (i = 0; i < t->nr_segs; i++)	/* stand-ins end here too */
		if (t->segs[i].t_release == RENDER_T_NONE &&
		    !((r->flags & MEMSIM_RESET_KEEP_SEGMENTS) && seg_of(t, t->segs[i].start)))
			t->segs[i].t_release = now;
	if (!(r->flags & MEMSIM_RESET_KEEP_SEGMENTS)) {
		s->nseg = 0;
		s->managed = 0;
	}
	s->buddy = r->strategy == MEMSIM_STRATEGY_BUDDY;
	return holes_rebuild(t);
}

static int add_point(struct render_trace *t, __u64 now)
{
	struct render_trace_state *s = t->state;
	struct render_point *p;
	__u64 free_bytes;

	if (array_grow((void **)&t->pts, &s->cap_pts, t->nr_pts + 1, sizeof(*t->pts)))
		return -ENOMEM;
	p = &t->pts[t->nr_pts++];
	free_bytes = s->managed > s->allocated ? s->managed - s->allocated : 0;
	p->t = now;
	p->allocated = s->allocated;
	p->requested = s->requested;
	p->free = free_bytes;
	p->largest_free = largest_free(t);
	if (p->largest_free > free_bytes)	/* stand-in segments */
		p->largest_free = free_bytes;
	p->frag_ppm = free_bytes ? (__u32)((__uint128_t)(free_bytes - p->largest_free) *
					   1000000 / free_bytes) : 0;
	return 0;
}

int render_trace_add(struct render_trace *t, const struct memsim_trace_record *r)
{
	struct render_trace_state *s = t->state;
	__u64 now = rec_time(t, r);
	struct render_fail *fl;
	size_t i;
	int ret = 0;

	switch (r->op) {
	case MEMSIM_TRACE_SPLIT:
	case MEMSIM_TRACE_COALESCE:
	case MEMSIM_TRACE_BUDDY_SPLIT:
	case MEMSIM_TRACE_BUDDY_MERGE:
		return 0;	/* part of the operation next to it */
	case MEMSIM_TRACE_SEGMENT_CREATE:
		ret = seg_create(t, r, now);
		break;
	case MEMSIM_TRACE_SEGMENT_RELEASE:
		for (i = 0; i < s->nseg; i++)
			if (t->segs[s->seg[i]].id == r->segment_id)
				break;
		if (i == s->nseg)
			return -EINVAL;
		seg_release(t, i, now);
		break;
	case MEMSIM_TRACE_ALLOC:
		ret = do_alloc(t, r, now);
		break;
	case MEMSIM_TRACE_ALLOC_FAIL:
		if (array_grow((void **)&t->fails, &s->cap_fails, t->nr_fails + 1, sizeof(*t->fails)))
			return -ENOMEM;
		fl = &t->fails[t->nr_fails++];
		memset(fl, 0, sizeof(*fl));
		fl->t = now;
		fl->size = r->requested ? r->requested : r->size;
		fl->stream = r->stream;
		fl->error = r->error;
		copy_text(fl->label, sizeof(fl->label), r->label, sizeof(r->label));
		break;
	case MEMSIM_TRACE_FREE_REQUEST:
	case MEMSIM_TRACE_FREE_COMPLETE:
		ret = do_free(t, r, now, r->op == MEMSIM_TRACE_FREE_COMPLETE);
		break;
	case MEMSIM_TRACE_STRATEGY:
		if (s->buddy != (r->strategy == MEMSIM_STRATEGY_BUDDY)) {
			s->buddy = r->strategy == MEMSIM_STRATEGY_BUDDY;
			ret = holes_rebuild(t);
		}
		break;
	case MEMSIM_TRACE_RESET:
		ret = do_reset(t, r, now);
		break;
	default:
		return -EINVAL;
	}
	if (ret)
		return ret;
	ret = add_point(t, now);
	t->ops++;
	return ret;
}

void render_trace_timeline(const struct render_trace *t, struct render_timeline *tl)
{
	memset(tl, 0, sizeof(*tl));
	tl->segs = t->segs;
	tl->nr_segs = t->nr_segs;
	tl->allocs = t->allocs;
	tl->nr_allocs = t->nr_allocs;
	tl->fails = t->fails;
	tl->nr_fails = t->nr_fails;
	tl->unit = t->unit;
}

void render_trace_series(const struct render_trace *t, struct render_series *ser)
{
	ser->pts = t->pts;
	ser->nr = t->nr_pts;
	ser->unit = t->unit;
}

/*
 * ---------------------------------------------------------------------------
 * NDJSON: the flat objects memsim_print_trace_record() writes.
 */

struct jv {
	int is_str;
	int neg;
	__u64 num;
	char str[64];
	int long_str;
};

static const char *skip_ws(const char *p)
{
	while (*p == ' ' || *p == '\t' || *p == '\r' || *p == '\n')
		p++;
	return p;
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* A JSON string at @p (after its quote) into @out; returns the end or NULL. */
static const char *parse_str(const char *p, char *out, size_t len, int *cut)
{
	size_t n = 0;
	unsigned int c;
	int i, h;

	*cut = 0;
	while (*p && *p != '"') {
		c = (unsigned char)*p++;
		if (c < 0x20)
			return NULL;
		if (c == '\\') {
			switch (*p++) {
			case '"':
				c = '"';
				break;
			case '\\':
				c = '\\';
				break;
			case '/':
				c = '/';
				break;
			case 'b':
				c = '\b';
				break;
			case 'f':
				c = '\f';
				break;
			case 'n':
				c = '\n';
				break;
			case 'r':
				c = '\r';
				break;
			case 't':
				c = '\t';
				break;
			case 'u':
				for (c = 0, i = 0; i < 4; i++) {
					h = hexval(*p++);
					if (h < 0)
						return NULL;
					c = c << 4 | h;
				}
				if (c > 0xff)	/* only bytes are ever escaped */
					c = '?';
				break;
			default:
				return NULL;
			}
		}
		if (n + 1 < len)
			out[n++] = (char)c;
		else
			*cut = 1;
	}
	out[n] = '\0';
	return *p == '"' ? p + 1 : NULL;
}

static const char *parse_value(const char *p, struct jv *v)
{
	memset(v, 0, sizeof(*v));
	if (*p == '"') {
		v->is_str = 1;
		return parse_str(p + 1, v->str, sizeof(v->str), &v->long_str);
	}
	if (*p == '-') {
		v->neg = 1;
		p++;
	}
	if (*p < '0' || *p > '9')
		return NULL;
	while (*p >= '0' && *p <= '9') {
		if (v->num > (UINT64_MAX - (*p - '0')) / 10)
			return NULL;
		v->num = v->num * 10 + (*p++ - '0');
	}
	if (*p == '.' || *p == 'e' || *p == 'E')
		return NULL;
	return p;
}

static int set_err(char *err, size_t len, const char *key, const char *what)
{
	if (key)
		snprintf(err, len, "field \"%s\": %s", key, what);
	else
		snprintf(err, len, "%s", what);
	return -EINVAL;
}

/* Stores @v into the field @key of @r. */
static int set_field(struct memsim_trace_record *r, const char *key,
		     const struct jv *v, char *err, size_t len, unsigned int *seen)
{
	static const struct {
		const char *name;
		size_t off, size;
	} nums[] = {
#define F(n, m)	{ n, offsetof(struct memsim_trace_record, m), \
		  sizeof(((struct memsim_trace_record *)0)->m) }
		F("seq", seq), F("ts_ns", ts_ns), F("addr", addr), F("size", size),
		F("requested", requested), F("align", align),
		F("segment", segment_id), F("tag", tag), F("flags", flags),
		F("pid", pid), F("tgid", tgid), F("stack", stack_id),
#undef F
	};
	size_t i;
	int k;

	if (!strcmp(key, "op") || !strcmp(key, "strategy")) {
		if (!v->is_str)
			return set_err(err, len, key, "not a string");
		if (key[0] == 's') {
			k = memsim_strategy_from_name(v->str);
			if (k < 0)
				return set_err(err, len, key, "unknown strategy");
			r->strategy = k;
			return 0;
		}
		for (k = 0; k < MEMSIM_TRACE_OP_COUNT; k++)
			if (!strcmp(v->str, memsim_trace_op_name(k)))
				break;
		if (k == MEMSIM_TRACE_OP_COUNT)
			return set_err(err, len, key, "unknown operation");
		r->op = k;
		*seen |= 1;
		return 0;
	}
	if (!strcmp(key, "comm") || !strcmp(key, "label")) {
		char *dst = key[0] == 'c' ? r->comm : r->label;
		size_t cap = key[0] == 'c' ? sizeof(r->comm) : sizeof(r->label);

		if (!v->is_str)
			return set_err(err, len, key, "not a string");
		if (v->long_str || strlen(v->str) >= cap)
			return set_err(err, len, key, "too long");
		memset(dst, 0, cap);
		memcpy(dst, v->str, strlen(v->str));
		return 0;
	}
	if (!strcmp(key, "stream")) {
		if (v->is_str && !strcmp(v->str, "any")) {
			r->stream = MEMSIM_STREAM_ANY_ID;
			return 0;
		}
		if (v->is_str || v->neg || v->num > UINT32_MAX)
			return set_err(err, len, key, "not a stream (a number or \"any\")");
		r->stream = v->num;
		return 0;
	}
	if (!strcmp(key, "error")) {
		if (v->is_str || v->num > (v->neg ? 4095 : 0))
			return set_err(err, len, key, "not 0 or a negative errno");
		r->error = v->neg ? -(__s32)v->num : 0;
		return 0;
	}
	for (i = 0; i < ARRAY_SIZE(nums); i++) {
		if (strcmp(key, nums[i].name))
			continue;
		if (v->is_str || v->neg)
			return set_err(err, len, key, "not a number");
		if (nums[i].size == 4) {
			__u32 x = v->num;

			if (v->num > UINT32_MAX)
				return set_err(err, len, key, "out of range");
			memcpy((char *)r + nums[i].off, &x, 4);
		} else {
			memcpy((char *)r + nums[i].off, &v->num, 8);
		}
		if (!strcmp(key, "seq"))
			*seen |= 2;
		return 0;
	}
	return 0;	/* a field added later: ignored */
}

int render_trace_parse_ndjson(const char *line, struct memsim_trace_record *r,
			      char *err, size_t errlen)
{
	const char *p = skip_ws(line);
	unsigned int seen = 0;
	char key[32];
	struct jv v;
	int cut, ret;

	memset(r, 0, sizeof(*r));
	if (*p++ != '{')
		return set_err(err, errlen, NULL, "not a JSON object");
	p = skip_ws(p);
	while (*p != '}') {
		if (*p != '"')
			return set_err(err, errlen, NULL, "expected a field name");
		p = parse_str(p + 1, key, sizeof(key), &cut);
		if (!p)
			return set_err(err, errlen, NULL, "bad field name");
		p = skip_ws(p);
		if (*p++ != ':')
			return set_err(err, errlen, key, "expected ':'");
		p = parse_value(skip_ws(p), &v);
		if (!p)
			return set_err(err, errlen, key, "bad value");
		ret = set_field(r, key, &v, err, errlen, &seen);
		if (ret)
			return ret;
		p = skip_ws(p);
		if (*p == ',')
			p = skip_ws(p + 1);
		else if (*p != '}')
			return set_err(err, errlen, key, "expected ',' or '}' after the value");
	}
	if (*skip_ws(p + 1))
		return set_err(err, errlen, NULL, "text after the object");
	if ((seen & 3) != 3)
		return set_err(err, errlen, NULL, seen & 1 ? "no \"seq\" field" : "no \"op\" field");
	return 0;
}
