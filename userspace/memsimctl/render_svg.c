// SPDX-License-Identifier: GPL-2.0
/*
 * render_svg: memsimctl's pictures, as SVG and as one self-contained HTML
 *
 * Copyright (C) 2026 The memsim authors
 *
 * See render_svg.h for the interface and Documentation/memsimctl.rst
 * (Pictures) for what each picture shows, its colours and its reduction
 * rules.  Everything here is plain text output: coordinates are written
 * with at most two decimals, text is escaped for XML, and nothing is
 * fetched from anywhere.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "libmemsim.h"
#include "render_svg.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Colours: a stream's allocations take STREAM_COLORS[stream % 7]. */
static const char * const STREAM_COLORS[] = {
	"#4e79a7", "#f28e2c", "#76b7b2", "#59a14f", "#edc949", "#af7aa1",
	"#9c755f",
};

#define COLOR_FREE	"#f2f2f2"
#define COLOR_DEFERRED	"#e15759"
#define COLOR_MERGED	"#8c8c8c"	/* the legend's; a run is 0xeb..0x5a grey */
#define COLOR_FAIL	"#d62728"
#define COLOR_SEGMENT	"#fafafa"
#define COLOR_FRAME	"#555555"
#define COLOR_GRID	"#dddddd"

/* The streams named in a legend; more are summed up in one item. */
#define LEGEND_STREAMS	12

#define FONT	"font-family=\"DejaVu Sans, Verdana, sans-serif\" font-size=\"11\""

static const char *stream_color(__u32 stream)
{
	return STREAM_COLORS[stream % ARRAY_SIZE(STREAM_COLORS)];
}

void render_set_text(char *dst, size_t len, const char *src)
{
	size_t n;

	if (!len)
		return;
	if (!src)
		src = "";
	n = strnlen(src, len - 1);
	memcpy(dst, src, n);
	dst[n] = '\0';
}

/* Length of the valid UTF-8 sequence that is a character XML allows, or 0. */
static size_t utf8_len(const unsigned char *s)
{
	__u32 c;
	size_t n, i;

	if (s[0] < 0x80)
		return 1;
	if (s[0] >= 0xc2 && s[0] <= 0xdf) {
		n = 2;
		c = s[0] & 0x1f;
	} else if (s[0] >= 0xe0 && s[0] <= 0xef) {
		n = 3;
		c = s[0] & 0x0f;
	} else if (s[0] >= 0xf0 && s[0] <= 0xf4) {
		n = 4;
		c = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < n; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		c = (c << 6) | (s[i] & 0x3f);
	}
	/* Overlong forms, surrogates, U+FFFE/U+FFFF and beyond U+10FFFF. */
	if ((n == 3 && c < 0x800) || (n == 4 && c < 0x10000) ||
	    (c >= 0xd800 && c <= 0xdfff) || c == 0xfffe || c == 0xffff ||
	    c > 0x10ffff)
		return 0;
	return n;
}

/*
 * XML text and attribute values: & < > " ' become entities; line breaks
 * stay (a tooltip has several lines) but tabs and other control bytes,
 * which XML 1.0 cannot hold, become '?', and so does every byte that is
 * not part of a valid UTF-8 character.
 */
void render_xml_escape(FILE *f, const char *str)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t n;

	while (s && *s) {
		switch (*s) {
		case '&':
			fputs("&amp;", f);
			break;
		case '<':
			fputs("&lt;", f);
			break;
		case '>':
			fputs("&gt;", f);
			break;
		case '"':
			fputs("&quot;", f);
			break;
		case '\'':
			fputs("&#39;", f);
			break;
		case '\n':
			fputc('\n', f);
			break;
		default:
			if (*s < 0x20 || *s == 0x7f) {
				fputc('?', f);
				break;
			}
			n = utf8_len(s);
			if (!n) {
				fputc('?', f);
				break;
			}
			fwrite(s, 1, n, f);
			s += n;
			continue;
		}
		s++;
	}
}

/* A coordinate: at most two decimals, no trailing zeros. */
static void num(FILE *f, double v)
{
	char buf[48];
	char *p;

	if (v > -0.005 && v < 0.005)
		v = 0;
	snprintf(buf, sizeof(buf), "%.2f", v);
	p = buf + strlen(buf) - 1;
	while (*p == '0')
		*p-- = '\0';
	if (*p == '.')
		*p = '\0';
	fputs(buf, f);
}

/* " NAME=\"V\"" with V a coordinate. */
static void attr(FILE *f, const char *name, double v)
{
	fprintf(f, " %s=\"", name);
	num(f, v);
	fputc('"', f);
}

static void rect_xywh(FILE *f, double x, double y, double w, double h)
{
	attr(f, "x", x);
	attr(f, "y", y);
	attr(f, "width", w);
	attr(f, "height", h);
}

static const char *size_str(char *buf, size_t len, __u64 bytes)
{
	return memsim_format_size(buf, len, bytes);
}

static const char *state_name(__u32 state)
{
	switch (state) {
	case RENDER_FREE:
		return "free";
	case RENDER_ALLOCATED:
		return "alloc";
	case RENDER_DEFERRED:
		return "free_requested";
	}
	return "?";
}

static void svg_text(FILE *f, double x, double y, const char *anchor,
		 const char *cls, const char *s)
{
	fputs("<text", f);
	attr(f, "x", x);
	attr(f, "y", y);
	if (anchor)
		fprintf(f, " text-anchor=\"%s\"", anchor);
	if (cls)
		fprintf(f, " class=\"%s\"", cls);
	fputc('>', f);
	render_xml_escape(f, s);
	fputs("</text>\n", f);
}

static void svg_open(FILE *f, int embedded, unsigned int w, double h,
		     const char *cls, const char *title)
{
	if (!embedded)
		fputs("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n", f);
	fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"%s\" width=\"%u\"",
		cls, w);
	attr(f, "height", h);
	fprintf(f, " viewBox=\"0 0 %u ", w);
	num(f, h);
	fprintf(f, "\" " FONT ">\n<title>");
	render_xml_escape(f, title);
	fputs("</title>\n", f);
	fputs("<rect class=\"background\" x=\"0\" y=\"0\" width=\"100%\" height=\"100%\" fill=\"#ffffff\"/>\n",
	      f);
	fputs("<text x=\"10\" y=\"20\" font-size=\"15\" font-weight=\"bold\" class=\"heading\">", f);
	render_xml_escape(f, title);
	fputs("</text>\n", f);
}

/* The hatching that marks a deferred free; @id is unique per document. */
static void defs_deferred(FILE *f, const char *id)
{
	fprintf(f, "<defs><pattern id=\"%s\" patternUnits=\"userSpaceOnUse\" width=\"6\" height=\"6\">",
		id);
	fputs("<rect width=\"6\" height=\"6\" fill=\"#f7c6c7\"/>", f);
	fprintf(f, "<path d=\"M0,6 L6,0 M-1,1 L1,-1 M5,7 L7,5\" stroke=\"%s\" stroke-width=\"1.5\"/>",
		COLOR_DEFERRED);
	fputs("</pattern></defs>\n", f);
}

/* Legend: a row of swatches from (x, y). */
struct legend {
	FILE *f;
	double x;
	double y;
};

static void legend_open(struct legend *lg, FILE *f, double y)
{
	lg->f = f;
	lg->x = 10;
	lg->y = y;
	fputs("<g class=\"legend\">\n", f);
}

static void legend_item(struct legend *lg, const char *fill, const char *label)
{
	FILE *f = lg->f;

	fputs("<rect class=\"swatch\"", f);
	rect_xywh(f, lg->x, lg->y - 10, 12, 12);
	fprintf(f, " fill=\"%s\" stroke=\"%s\" stroke-width=\"0.5\"/>\n", fill,
		COLOR_FRAME);
	svg_text(f, lg->x + 16, lg->y, NULL, NULL, label);
	lg->x += 16 + 6.2 * strlen(label) + 14;
}

static void legend_line(struct legend *lg, const char *color, const char *label)
{
	FILE *f = lg->f;

	fputs("<line class=\"swatch\"", f);
	attr(f, "x1", lg->x);
	attr(f, "y1", lg->y - 4);
	attr(f, "x2", lg->x + 14);
	attr(f, "y2", lg->y - 4);
	fprintf(f, " stroke=\"%s\" stroke-width=\"2\"/>\n", color);
	svg_text(f, lg->x + 18, lg->y, NULL, NULL, label);
	lg->x += 18 + 6.2 * strlen(label) + 14;
}

static void legend_close(struct legend *lg)
{
	fputs("</g>\n", lg->f);
}

static int cmp_u32(const void *a, const void *b)
{
	__u32 x = *(const __u32 *)a, y = *(const __u32 *)b;

	return x < y ? -1 : x > y;
}

/* Swatches for the streams in @streams (sorted, unique in place). */
static void legend_streams(struct legend *lg, __u32 *streams, size_t n)
{
	size_t i, u = 0;
	char buf[64];

	qsort(streams, n, sizeof(*streams), cmp_u32);
	for (i = 0; i < n; i++)
		if (!u || streams[u - 1] != streams[i])
			streams[u++] = streams[i];
	for (i = 0; i < u && i < LEGEND_STREAMS; i++) {
		snprintf(buf, sizeof(buf), "stream %u", streams[i]);
		legend_item(lg, stream_color(streams[i]), buf);
	}
	if (u > LEGEND_STREAMS) {
		snprintf(buf, sizeof(buf), "%zu more streams (colour: stream %% %zu)",
			 u - LEGEND_STREAMS, ARRAY_SIZE(STREAM_COLORS));
		svg_text(lg->f, lg->x, lg->y, NULL, NULL, buf);
	}
}

/* The largest power of two <= v (v > 0). */
static __u64 pow2_floor(__u64 v)
{
	return 1ULL << (63 - __builtin_clzll(v));
}

/* A step for about @n intervals over @span: a power of two. */
static __u64 pow2_step(__u64 span, unsigned int n)
{
	__u64 s;

	if (!span)
		return 1;
	s = pow2_floor(span / n ? span / n : 1);
	if (s < span / n)
		s <<= 1;
	return s;
}

/* A step for about @n intervals over @span: 1, 2 or 5 times a power of 10. */
static __u64 dec_step(__u64 span, unsigned int n)
{
	__u64 p = 1, want = span / n;

	if (!want)
		return 1;
	while (p <= UINT64_MAX / 10 && p * 10 <= want)
		p *= 10;
	if (want <= p || p > UINT64_MAX / 10)
		return p;
	if (want <= 2 * p)
		return 2 * p;
	if (want <= 5 * p)
		return 5 * p;
	return 10 * p;
}

/* Sorted segments, with the row or band each one got. */
struct seg_slot {
	const struct render_segment *s;
	double y;	/* top of its row or band */
	double h;	/* its height */
	size_t nr_items;
	__u64 used;
};

static int cmp_slot(const void *a, const void *b)
{
	const struct seg_slot *x = a, *y = b;

	if (x->s->start != y->s->start)
		return x->s->start < y->s->start ? -1 : 1;
	return x->s->size < y->s->size ? -1 : x->s->size > y->s->size;
}

/* The segments of @segs with a size, sorted by address; *@n gets how many. */
static struct seg_slot *sort_segments(const struct render_segment *segs,
				      size_t nr, size_t *n)
{
	struct seg_slot *v = calloc(nr ? nr : 1, sizeof(*v));
	size_t i;

	if (!v)
		return NULL;
	*n = 0;
	for (i = 0; i < nr; i++)
		if (segs[i].size)
			v[(*n)++].s = &segs[i];
	qsort(v, *n, sizeof(*v), cmp_slot);
	return v;
}

/* The slot whose segment holds [addr, addr + size), or NULL. */
static struct seg_slot *find_slot(struct seg_slot *v, size_t n, __u64 addr,
				  __u64 size)
{
	size_t lo = 0, hi = n;
	const struct render_segment *s;

	while (lo < hi) {	/* the first slot starting above @addr */
		size_t mid = lo + (hi - lo) / 2;

		if (v[mid].s->start <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	while (lo > 0) {	/* segments may overlap: try each below */
		s = v[--lo].s;
		if (addr - s->start < s->size && size <= s->size - (addr - s->start))
			return &v[lo];
	}
	return NULL;
}

static void hex(char *buf, size_t len, __u64 v)
{
	snprintf(buf, len, "0x%llx", (unsigned long long)v);
}

/*
 * ---------------------------------------------------------------------------
 * The map: one row per segment, one rectangle per block.
 */

#define MAP_LEFT	200
#define MAP_RIGHT	20
#define MAP_ROW		30
#define MAP_PITCH	(MAP_ROW + 40)

static int cmp_block_ptr(const void *a, const void *b)
{
	const struct render_block *x = *(const struct render_block * const *)a;
	const struct render_block *y = *(const struct render_block * const *)b;

	if (x->addr != y->addr)
		return x->addr < y->addr ? -1 : 1;
	return 0;
}

struct map_ctx {
	FILE *f;
	const char *pat;	/* id of the deferred pattern */
	double pw;		/* plot width */
	const struct render_block **bl;
	struct seg_slot **slot;	/* of each block in @bl */
	size_t n;
};

static double map_x(const struct render_segment *s, __u64 addr, double pw)
{
	return MAP_LEFT + (double)(addr - s->start) / (double)s->size * pw;
}

static void block_title(FILE *f, const struct render_block *b)
{
	char sz[32];

	fprintf(f, "<title>block 0x%llx, %s\nend: 0x%llx\nsize: %llu\n",
		(unsigned long long)b->addr, size_str(sz, sizeof(sz), b->size),
		(unsigned long long)(b->addr + b->size),
		(unsigned long long)b->size);
	if (b->state == RENDER_FREE)
		fprintf(f, "requested: -\n");
	else
		fprintf(f, "requested: %llu\n", (unsigned long long)b->requested);
	fprintf(f, "state: %s\nstream: %u\nsegment: %llu\n", state_name(b->state),
		b->stream, (unsigned long long)b->segment_id);
	if (b->state == RENDER_FREE) {
		fputs("tag: -\nlabel: -\nowner: -</title>", f);
		return;
	}
	fprintf(f, "tag: 0x%llx\nlabel: ", (unsigned long long)b->tag);
	render_xml_escape(f, b->label[0] ? b->label : "-");
	fputs("\nowner: ", f);
	if (b->owner_pid) {
		fprintf(f, "%u", b->owner_pid);
		if (b->owner_comm[0]) {
			fputc(' ', f);
			render_xml_escape(f, b->owner_comm);
		}
	} else {
		fputc('-', f);
	}
	fputs("</title>", f);
}

static const char *block_fill(const struct render_block *b, const char *pat,
			      char *buf, size_t len)
{
	switch (b->state) {
	case RENDER_FREE:
		return COLOR_FREE;
	case RENDER_DEFERRED:
		snprintf(buf, len, "url(#%s)", pat);
		return buf;
	}
	return stream_color(b->stream);
}

static void map_block(struct map_ctx *m, size_t i, double y)
{
	const struct render_block *b = m->bl[i];
	const struct render_segment *s = m->slot[i]->s;
	double x = map_x(s, b->addr, m->pw);
	double w = (double)b->size / (double)s->size * m->pw;
	char buf[64];
	FILE *f = m->f;

	fputs("<rect class=\"block\"", f);
	fprintf(f, " data-addr=\"0x%llx\" data-size=\"%llu\" data-state=\"%s\"",
		(unsigned long long)b->addr, (unsigned long long)b->size,
		state_name(b->state));
	rect_xywh(f, x, y, w, MAP_ROW);
	fprintf(f, " fill=\"%s\"", block_fill(b, m->pat, buf, sizeof(buf)));
	if (w >= 4)
		fputs(" stroke=\"#ffffff\" stroke-width=\"1\"", f);
	fputc('>', f);
	block_title(f, b);
	fputs("</rect>\n", f);
}

/* Blocks [i, j) of one segment as one rectangle. */
static void map_merged(struct map_ctx *m, size_t i, size_t j, double y)
{
	const struct render_segment *s = m->slot[i]->s;
	__u64 start = m->bl[i]->addr;
	__u64 end = m->bl[j - 1]->addr + m->bl[j - 1]->size;
	__u64 by_state[3] = { 0, 0, 0 };
	char a[32], b[32], c[32];
	unsigned int grey;
	FILE *f = m->f;
	double used;
	size_t k;

	for (k = i; k < j; k++)
		by_state[m->bl[k]->state <= RENDER_DEFERRED ? m->bl[k]->state : 0] +=
			m->bl[k]->size;
	fprintf(f, "<rect class=\"merged\" data-addr=\"0x%llx\" data-size=\"%llu\" data-blocks=\"%zu\"",
		(unsigned long long)start, (unsigned long long)(end - start), j - i);
	rect_xywh(f, map_x(s, start, m->pw), y,
		  (double)(end - start) / (double)s->size * m->pw, MAP_ROW);
	used = (double)(by_state[RENDER_ALLOCATED] + by_state[RENDER_DEFERRED]) /
		(double)(end - start);
	grey = (unsigned int)(235 - used * (235 - 90));
	fprintf(f, " fill=\"#%02x%02x%02x\"><title>%zu blocks merged, 0x%llx to 0x%llx\n",
		grey, grey, grey, j - i, (unsigned long long)start,
		(unsigned long long)end);
	fprintf(f, "free: %s\nallocated: %s\ndeferred: %s</title></rect>\n",
		size_str(a, sizeof(a), by_state[RENDER_FREE]),
		size_str(b, sizeof(b), by_state[RENDER_ALLOCATED]),
		size_str(c, sizeof(c), by_state[RENDER_DEFERRED]));
}

/* Width in pixels of blocks [i, j) of one segment, gaps included. */
static double map_width(const struct map_ctx *m, size_t i, size_t j)
{
	return (double)(m->bl[j - 1]->addr + m->bl[j - 1]->size - m->bl[i]->addr) /
		(double)m->slot[i]->s->size * m->pw;
}

/*
 * The end of the rectangle that starts with block @i when the map is
 * reduced with @k pixels (k = 0: not reduced): a block at least @k pixels
 * wide stands alone; a narrower one takes its narrower neighbours of the
 * same segment along, for as long as the run stays at most @k pixels wide.
 */
static size_t map_run(const struct map_ctx *m, size_t i, double k)
{
	size_t j = i + 1;

	if (!k || map_width(m, i, j) >= k)
		return j;
	while (j < m->n && m->slot[j] == m->slot[i] && map_width(m, j, j + 1) < k &&
	       map_width(m, i, j + 1) <= k)
		j++;
	return j;
}

/* The rectangles the map needs when reduced with @k pixels. */
static size_t map_count(const struct map_ctx *m, double k)
{
	size_t i = 0, n = 0;

	while (i < m->n) {
		i = map_run(m, i, k);
		n++;
	}
	return n;
}

static void map_axis(FILE *f, const struct render_segment *s, double y,
		     double pw)
{
	__u64 step = pow2_step(s->size, 6);
	__u64 first = s->start % step ? s->start - s->start % step + step : s->start;
	__u64 a, end = s->start + s->size - 1;
	char buf[48], sz[32];
	double x;

	fputs("<g class=\"axis\">\n<line", f);
	attr(f, "x1", MAP_LEFT);
	attr(f, "y1", y);
	attr(f, "x2", MAP_LEFT + pw);
	attr(f, "y2", y);
	fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
	for (a = first; first >= s->start && a >= first && a <= end; a += step) {
		x = map_x(s, a, pw);
		fputs("<line class=\"tick\"", f);
		attr(f, "x1", x);
		attr(f, "y1", y);
		attr(f, "x2", x);
		attr(f, "y2", y + 4);
		fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
		hex(buf, sizeof(buf), a);
		svg_text(f, x, y + 15, "middle", NULL, buf);
		snprintf(buf, sizeof(buf), "+%s", size_str(sz, sizeof(sz), a - s->start));
		svg_text(f, x, y + 27, "middle", "offset", buf);
		if (a > UINT64_MAX - step)
			break;
	}
	fputs("</g>\n", f);
}

static int map_svg(FILE *f, const struct render_snapshot *snap,
		   const struct render_opts *o, int embedded, const char *pat)
{
	struct map_ctx m = { .f = f, .pat = pat };
	struct seg_slot *slots;
	size_t nseg, i, j, nrect, ncount[3] = { 0, 0, 0 };
	double y0, k, h;
	__u32 *streams;
	size_t nstreams = 0;
	struct legend lg;
	char buf[256], sz[32];
	int ret = -ENOMEM;

	m.pw = o->width - MAP_LEFT - MAP_RIGHT;
	slots = sort_segments(snap->segs, snap->nr_segs, &nseg);
	m.bl = calloc(snap->nr_blocks + 1, sizeof(*m.bl));
	m.slot = calloc(snap->nr_blocks + 1, sizeof(*m.slot));
	streams = calloc(snap->nr_blocks + 1, sizeof(*streams));
	if (!slots || !m.bl || !m.slot || !streams)
		goto out;
	for (i = 0; i < snap->nr_blocks; i++)
		m.bl[i] = &snap->blocks[i];
	qsort(m.bl, snap->nr_blocks, sizeof(*m.bl), cmp_block_ptr);
	for (i = 0; i < snap->nr_blocks; i++) {
		const struct render_block *b = m.bl[i];

		m.slot[i] = find_slot(slots, nseg, b->addr, b->size);
		ret = -EINVAL;
		if (!m.slot[i] || !b->size)
			goto out;
		m.slot[i]->nr_items++;
		if (b->state != RENDER_FREE) {
			m.slot[i]->used += b->size;
			streams[nstreams++] = b->stream;
		}
		ncount[b->state <= RENDER_DEFERRED ? b->state : 0]++;
	}
	m.n = snap->nr_blocks;
	/* Within one segment the order by address is the order of @bl. */
	nrect = m.n;
	k = 0;
	while (nrect > o->max_rects && k <= 2 * m.pw) {
		k = k ? 2 * k : 1;
		nrect = map_count(&m, k);
	}

	y0 = nrect < m.n ? 84 : 68;
	h = y0 + (double)nseg * MAP_PITCH + 10;
	svg_open(f, embedded, o->width, h, "memsim-map",
		 o->title ? o->title : "memsim address space");
	defs_deferred(f, pat);
	snprintf(buf, sizeof(buf), "%zu segment%s, %zu blocks: %zu free, %zu allocated, %zu deferred",
		 nseg, nseg == 1 ? "" : "s", m.n, ncount[RENDER_FREE], ncount[RENDER_ALLOCATED],
		 ncount[RENDER_DEFERRED]);
	svg_text(f, 10, 36, NULL, "subtitle", buf);
	legend_open(&lg, f, 54);
	legend_item(&lg, COLOR_FREE, "free");
	snprintf(buf, sizeof(buf), "url(#%s)", pat);
	legend_item(&lg, buf, "deferred free");
	if (nrect < m.n)
		legend_item(&lg, COLOR_MERGED, "merged blocks (darker: more in use)");
	legend_streams(&lg, streams, nstreams);
	legend_close(&lg);
	if (nrect < m.n) {
		snprintf(buf, sizeof(buf),
			 "reduced: %zu blocks as %zu rectangles: blocks narrower than %g px merged into runs of at most %g px (grey)",
			 m.n, nrect, k, k);
		svg_text(f, 10, 72, NULL, "reduced", buf);
	}

	for (j = 0; j < nseg; j++) {
		const struct render_segment *s = slots[j].s;
		double y = y0 + (double)j * MAP_PITCH;

		slots[j].y = y;
		fprintf(f, "<g class=\"segment-row\" data-id=\"%llu\">\n",
			(unsigned long long)s->id);
		snprintf(buf, sizeof(buf), "segment %llu, stream %u",
			 (unsigned long long)s->id, s->stream);
		svg_text(f, 10, y + 11, NULL, "row-label", buf);
		snprintf(buf, sizeof(buf), "%s at 0x%llx", size_str(sz, sizeof(sz), s->size),
			 (unsigned long long)s->start);
		svg_text(f, 10, y + 24, NULL, "row-label", buf);
		snprintf(buf, sizeof(buf), "%zu blocks, %.1f%% in use", slots[j].nr_items,
			 100.0 * (double)slots[j].used / (double)s->size);
		svg_text(f, 10, y + 37, NULL, "row-label", buf);
		fputs("</g>\n", f);
	}
	i = 0;
	while (i < m.n) {
		double y = m.slot[i]->y;

		j = map_run(&m, i, k);
		if (j - i == 1)
			map_block(&m, i, y);
		else
			map_merged(&m, i, j, y);
		i = j;
	}
	for (j = 0; j < nseg; j++) {
		const struct render_segment *s = slots[j].s;

		fputs("<rect class=\"segment\"", f);
		fprintf(f, " data-id=\"%llu\" data-addr=\"0x%llx\" data-size=\"%llu\"",
			(unsigned long long)s->id, (unsigned long long)s->start,
			(unsigned long long)s->size);
		rect_xywh(f, MAP_LEFT, slots[j].y, m.pw, MAP_ROW);
		fprintf(f, " fill=\"none\" stroke=\"%s\"><title>segment %llu\nstart: 0x%llx\nsize: %llu\nstream: %u</title></rect>\n",
			COLOR_FRAME, (unsigned long long)s->id,
			(unsigned long long)s->start, (unsigned long long)s->size,
			s->stream);
		map_axis(f, s, slots[j].y + MAP_ROW, m.pw);
	}
	fputs("</svg>\n", f);
	ret = 0;
out:
	free(slots);
	free(m.bl);
	free(m.slot);
	free(streams);
	return ret;
}

static void opts_fill(struct render_opts *o, const struct render_opts *in)
{
	if (in)
		*o = *in;
	else
		memset(o, 0, sizeof(*o));
	if (!o->width)
		o->width = RENDER_WIDTH;
	if (o->width < 400)
		o->width = 400;
	if (!o->max_rects)
		o->max_rects = RENDER_MAX_RECTS;
	if (!o->max_points)
		o->max_points = RENDER_MAX_POINTS;
	if (o->max_points < 16)
		o->max_points = 16;
}

static int finish(FILE *f, int ret)
{
	if (fflush(f) || ferror(f))
		return ret ? ret : -EIO;
	return ret;
}

int render_map_svg(FILE *f, const struct render_snapshot *snap,
		   const struct render_opts *opts)
{
	struct render_opts o;

	opts_fill(&o, opts);
	return finish(f, map_svg(f, snap, &o, 0, "map-deferred"));
}

/*
 * ---------------------------------------------------------------------------
 * Time axes, shared by the timeline and the series.
 */

struct taxis {
	enum render_time_unit unit;
	__u64 t0, t1;	/* domain, t1 > t0 */
	double x0, w;	/* range */
};

static double tx(const struct taxis *a, __u64 t)
{
	if (t < a->t0)
		t = a->t0;
	if (t > a->t1)
		t = a->t1;
	return a->x0 + (double)(t - a->t0) / (double)(a->t1 - a->t0) * a->w;
}

static const char *unit_title(enum render_time_unit u)
{
	switch (u) {
	case RENDER_TIME_SEQ:
		return "trace record (seq)";
	case RENDER_TIME_NS:
		return "time since the start";
	default:
		return "operation";
	}
}

/* A time for a tooltip: "op 12", "seq 12" or "12000 ns". */
static void time_str(char *buf, size_t len, enum render_time_unit u, __u64 t)
{
	switch (u) {
	case RENDER_TIME_SEQ:
		snprintf(buf, len, "seq %llu", (unsigned long long)t);
		break;
	case RENDER_TIME_NS:
		snprintf(buf, len, "%llu ns", (unsigned long long)t);
		break;
	default:
		snprintf(buf, len, "op %llu", (unsigned long long)t);
	}
}

static void taxis_draw(FILE *f, const struct taxis *a, double y, double top)
{
	__u64 span = a->t1 - a->t0, step = dec_step(span, 8), v;
	const char *unit = "";
	double div = 1, x;
	char buf[48];

	if (a->unit == RENDER_TIME_NS) {
		if (step >= 1000000000ULL) {
			unit = " s";
			div = 1e9;
		} else if (step >= 1000000) {
			unit = " ms";
			div = 1e6;
		} else if (step >= 1000) {
			unit = " \u00b5s";
			div = 1e3;
		} else {
			unit = " ns";
		}
	}
	fputs("<g class=\"axis\" data-axis=\"x\">\n<line", f);
	attr(f, "x1", a->x0);
	attr(f, "y1", y);
	attr(f, "x2", a->x0 + a->w);
	attr(f, "y2", y);
	fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
	/* Operations and sequence numbers: ticks at multiples of the step. */
	v = a->unit == RENDER_TIME_NS || !(a->t0 % step) ? 0 : step - a->t0 % step;
	for (; v <= span; v += step) {
		x = tx(a, a->t0 + v);
		if (top < y) {
			fputs("<line class=\"grid\"", f);
			attr(f, "x1", x);
			attr(f, "y1", top);
			attr(f, "x2", x);
			attr(f, "y2", y);
			fprintf(f, " stroke=\"%s\" stroke-width=\"0.5\"/>\n", COLOR_GRID);
		}
		fputs("<line class=\"tick\"", f);
		attr(f, "x1", x);
		attr(f, "y1", y);
		attr(f, "x2", x);
		attr(f, "y2", y + 4);
		fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
		if (a->unit == RENDER_TIME_NS)
			snprintf(buf, sizeof(buf), "%g%s", (double)v / div, v ? unit : "");
		else
			snprintf(buf, sizeof(buf), "%llu", (unsigned long long)(a->t0 + v));
		svg_text(f, x, y + 15, "middle", NULL, buf);
		if (v > UINT64_MAX - step)
			break;
	}
	svg_text(f, a->x0 + a->w / 2, y + 30, "middle", "axis-title", unit_title(a->unit));
	fputs("</g>\n", f);
}

/*
 * ---------------------------------------------------------------------------
 * The timeline: x = time, y = address, one rectangle per allocation.
 */

#define TL_LEFT		150
#define TL_RIGHT	20
#define TL_HEIGHT	420
#define TL_MIN_BAND	36
#define TL_GAP		12

static int cmp_alloc_size(const void *a, const void *b)
{
	const struct render_alloc *x = *(const struct render_alloc * const *)a;
	const struct render_alloc *y = *(const struct render_alloc * const *)b;

	if (x->size != y->size)
		return x->size > y->size ? -1 : 1;
	if (x->t_alloc != y->t_alloc)
		return x->t_alloc < y->t_alloc ? -1 : 1;
	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

static double band_y(const struct seg_slot *sl, __u64 addr)
{
	return sl->y + sl->h - (double)(addr - sl->s->start) / (double)sl->s->size * sl->h;
}

static void band_axis(FILE *f, const struct seg_slot *sl)
{
	const struct render_segment *s = sl->s;
	unsigned int n = sl->h / 40 > 1 ? sl->h / 40 : 1;
	__u64 step = pow2_step(s->size, n);
	__u64 first = s->start % step ? s->start - s->start % step + step : s->start;
	__u64 a, end = s->start + s->size - 1;
	char buf[48];
	double y;

	fputs("<g class=\"axis\" data-axis=\"y\">\n<line", f);
	attr(f, "x1", TL_LEFT);
	attr(f, "y1", sl->y);
	attr(f, "x2", TL_LEFT);
	attr(f, "y2", sl->y + sl->h);
	fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
	for (a = first; first >= s->start && a >= first && a <= end; a += step) {
		y = band_y(sl, a);
		fputs("<line class=\"tick\"", f);
		attr(f, "x1", TL_LEFT - 4);
		attr(f, "y1", y);
		attr(f, "x2", TL_LEFT);
		attr(f, "y2", y);
		fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
		hex(buf, sizeof(buf), a);
		svg_text(f, TL_LEFT - 6, y + 4, "end", NULL, buf);
		if (a > UINT64_MAX - step)
			break;
	}
	fputs("</g>\n", f);
}

static void alloc_title(FILE *f, const struct render_alloc *a,
			enum render_time_unit u)
{
	char sz[32], t[48];

	fprintf(f, "<title>alloc 0x%llx, %s\nend: 0x%llx\nsize: %llu\n",
		(unsigned long long)a->addr, size_str(sz, sizeof(sz), a->size),
		(unsigned long long)(a->addr + a->size), (unsigned long long)a->size);
	if (a->requested)
		fprintf(f, "requested: %llu\n", (unsigned long long)a->requested);
	else
		fputs("requested: -\n", f);
	fprintf(f, "stream: %u\ntag: 0x%llx\nlabel: ", a->stream,
		(unsigned long long)a->tag);
	render_xml_escape(f, a->label[0] ? a->label : "-");
	fputs("\nowner: ", f);
	if (a->owner_pid) {
		fprintf(f, "%u", a->owner_pid);
		if (a->owner_comm[0]) {
			fputc(' ', f);
			render_xml_escape(f, a->owner_comm);
		}
	} else {
		fputc('-', f);
	}
	time_str(t, sizeof(t), u, a->t_alloc);
	fprintf(f, "\nallocated: %s\n", t);
	if (a->t_free_req != RENDER_T_NONE) {
		time_str(t, sizeof(t), u, a->t_free_req);
		fprintf(f, "free requested: %s\n", t);
	}
	if (a->t_free != RENDER_T_NONE) {
		time_str(t, sizeof(t), u, a->t_free);
		fprintf(f, "freed: %s</title>", t);
	} else {
		fputs("freed: still live at the end</title>", f);
	}
}

/* Widens [*lo, *hi] to hold @t, unless it is RENDER_T_NONE. */
static void see(__u64 *lo, __u64 *hi, __u64 t)
{
	if (t == RENDER_T_NONE)
		return;
	if (t < *lo)
		*lo = t;
	if (t > *hi)
		*hi = t;
}

static void tl_domain(const struct render_timeline *tl, struct taxis *ax)
{
	__u64 lo = UINT64_MAX, hi = 0;
	size_t i;

	ax->unit = tl->unit;
	if (tl->t_begin || tl->t_end) {
		ax->t0 = tl->t_begin;
		ax->t1 = tl->t_end > tl->t_begin ? tl->t_end : tl->t_begin + 1;
		return;
	}
	for (i = 0; i < tl->nr_allocs; i++) {
		see(&lo, &hi, tl->allocs[i].t_alloc);
		see(&lo, &hi, tl->allocs[i].t_free_req);
		see(&lo, &hi, tl->allocs[i].t_free);
	}
	for (i = 0; i < tl->nr_fails; i++)
		see(&lo, &hi, tl->fails[i].t);
	for (i = 0; i < tl->nr_segs; i++) {
		if (tl->segs[i].t_create)
			see(&lo, &hi, tl->segs[i].t_create);
		see(&lo, &hi, tl->segs[i].t_release);
	}
	if (lo > hi || tl->unit == RENDER_TIME_OPS)
		lo = 0;	/* operations count from 0 */
	if (lo > hi)
		hi = lo;
	ax->t0 = lo;
	ax->t1 = hi;
	if (tl->unit != RENDER_TIME_NS || hi == lo)
		ax->t1 = hi + 1;
}

static int timeline_svg(FILE *f, const struct render_timeline *tl,
			const struct render_opts *o, int embedded, const char *pat)
{
	struct render_segment whole = { .id = 0, .t_release = RENDER_T_NONE };
	const struct render_alloc **drawn = NULL;
	struct seg_slot *slots = NULL, *sl;
	size_t nseg, i, ndrawn, nlive = 0, nfails;
	double y0, band_total, h, x, w, y, hh, bottom;
	__u64 total = 0, lo = UINT64_MAX, hi = 0, undrawn_max = 0;
	__u32 *streams = NULL;
	struct legend lg;
	struct taxis ax;
	char buf[200], sz[32], t[48];
	int ret = -ENOMEM;

	nseg = 0;
	if (tl->nr_segs) {
		slots = sort_segments(tl->segs, tl->nr_segs, &nseg);
		if (!slots)
			goto out;
	}
	if (!nseg) {	/* no segment with a size: the allocations' range */
		free(slots);
		for (i = 0; i < tl->nr_allocs; i++) {
			lo = tl->allocs[i].addr < lo ? tl->allocs[i].addr : lo;
			if (tl->allocs[i].addr + tl->allocs[i].size > hi)
				hi = tl->allocs[i].addr + tl->allocs[i].size;
		}
		whole.start = lo <= hi ? lo : 0;
		whole.size = lo < hi ? hi - lo : 1;
		slots = sort_segments(&whole, 1, &nseg);
	}
	drawn = calloc(tl->nr_allocs + 1, sizeof(*drawn));
	streams = calloc(tl->nr_allocs + 1, sizeof(*streams));
	if (!slots || !drawn || !streams)
		goto out;
	ret = -EINVAL;
	for (i = 0; i < tl->nr_allocs; i++) {
		const struct render_alloc *a = &tl->allocs[i];

		if (!a->size || !find_slot(slots, nseg, a->addr, a->size))
			goto out;
		if ((a->t_free != RENDER_T_NONE && a->t_free < a->t_alloc) ||
		    (a->t_free_req != RENDER_T_NONE && a->t_free_req < a->t_alloc))
			goto out;
		drawn[i] = a;
		streams[i] = a->stream;
		if (a->t_free == RENDER_T_NONE)
			nlive++;
	}
	ndrawn = tl->nr_allocs;
	if (ndrawn > o->max_rects) {
		qsort(drawn, ndrawn, sizeof(*drawn), cmp_alloc_size);
		ndrawn = o->max_rects;
		undrawn_max = drawn[ndrawn]->size;
	}
	nfails = tl->nr_fails < o->max_rects ? tl->nr_fails : o->max_rects;
	tl_domain(tl, &ax);
	ax.x0 = TL_LEFT;
	ax.w = o->width - TL_LEFT - TL_RIGHT;

	/* Bands: lowest address at the bottom, heights by size, a minimum each. */
	for (i = 0; i < nseg; i++)
		total += slots[i].s->size;
	band_total = nseg * TL_MIN_BAND < TL_HEIGHT ? TL_HEIGHT - nseg * TL_MIN_BAND : 0;
	y0 = ndrawn < tl->nr_allocs || nfails < tl->nr_fails ? 88 : 72;
	y = y0;
	for (i = nseg; i-- > 0;) {
		slots[i].h = TL_MIN_BAND + band_total * ((double)slots[i].s->size / (double)total);
		slots[i].y = y;
		y += slots[i].h + TL_GAP;
	}
	bottom = y - TL_GAP;
	h = bottom + 50;

	svg_open(f, embedded, o->width, h, "memsim-timeline",
		 o->title ? o->title : "memsim allocations over time");
	defs_deferred(f, pat);
	snprintf(buf, sizeof(buf), "%zu allocations, %zu still live at the end, %zu failed; y: address, x: %s",
		 tl->nr_allocs, nlive, tl->nr_fails, unit_title(tl->unit));
	svg_text(f, 10, 36, NULL, "subtitle", buf);
	legend_open(&lg, f, 54);
	legend_item(&lg, COLOR_SEGMENT, "segment");
	snprintf(buf, sizeof(buf), "url(#%s)", pat);
	legend_item(&lg, buf, "free requested (deferred)");
	if (tl->nr_fails)
		legend_item(&lg, COLOR_FAIL, "failed allocation");
	legend_streams(&lg, streams, tl->nr_allocs);
	legend_close(&lg);
	if (ndrawn < tl->nr_allocs || nfails < tl->nr_fails) {
		if (ndrawn < tl->nr_allocs)
			snprintf(buf, sizeof(buf),
				 "reduced: the %zu largest of %zu allocations drawn; %zu of at most %s not drawn",
				 ndrawn, tl->nr_allocs, tl->nr_allocs - ndrawn,
				 size_str(sz, sizeof(sz), undrawn_max));
		else
			snprintf(buf, sizeof(buf), "reduced: the first %zu of %zu failures marked",
				 nfails, tl->nr_fails);
		svg_text(f, 10, 74, NULL, "reduced", buf);
	}

	for (i = 0; i < nseg; i++) {
		const struct render_segment *s = slots[i].s;
		__u64 t1 = s->t_release == RENDER_T_NONE ? ax.t1 : s->t_release;
		double xs = tx(&ax, s->t_create);

		fprintf(f, "<rect class=\"segment\" data-id=\"%llu\" data-addr=\"0x%llx\" data-size=\"%llu\"",
			(unsigned long long)s->id, (unsigned long long)s->start,
			(unsigned long long)s->size);
		rect_xywh(f, xs, slots[i].y, tx(&ax, t1) - xs, slots[i].h);
		fprintf(f, " fill=\"%s\" stroke=\"%s\" stroke-width=\"0.5\">", COLOR_SEGMENT,
			COLOR_FRAME);
		fprintf(f, "<title>segment %llu\nstart: 0x%llx\nsize: %llu\nstream: %u</title></rect>\n",
			(unsigned long long)s->id, (unsigned long long)s->start,
			(unsigned long long)s->size, s->stream);
		if (s != &whole)
			snprintf(buf, sizeof(buf), "segment %llu, stream %u, %s",
				 (unsigned long long)s->id, s->stream,
				 size_str(sz, sizeof(sz), s->size));
		else
			snprintf(buf, sizeof(buf), "addresses of the allocations, %s",
				 size_str(sz, sizeof(sz), s->size));
		svg_text(f, TL_LEFT + 4, slots[i].y + 12, NULL, "band-label", buf);
		band_axis(f, &slots[i]);
	}
	for (i = 0; i < ndrawn; i++) {
		const struct render_alloc *a = drawn[i];
		__u64 t1 = a->t_free == RENDER_T_NONE ? ax.t1 : a->t_free;

		sl = find_slot(slots, nseg, a->addr, a->size);
		x = tx(&ax, a->t_alloc);
		w = tx(&ax, t1) - x;
		y = band_y(sl, a->addr + a->size);
		hh = (double)a->size / (double)sl->s->size * sl->h;
		fprintf(f, "<rect class=\"alloc\" data-addr=\"0x%llx\" data-size=\"%llu\"%s",
			(unsigned long long)a->addr, (unsigned long long)a->size,
			a->t_free == RENDER_T_NONE ? " data-live=\"1\"" : "");
		rect_xywh(f, x, y, w > 0.5 ? w : 0.5, hh > 0.5 ? hh : 0.5);
		fprintf(f, " fill=\"%s\"%s>", stream_color(a->stream),
			w >= 4 && hh >= 4 ? " stroke=\"#ffffff\" stroke-width=\"0.5\"" : "");
		alloc_title(f, a, tl->unit);
		fputs("</rect>\n", f);
		if (a->t_free_req != RENDER_T_NONE) {
			double xr = tx(&ax, a->t_free_req);

			fprintf(f, "<rect class=\"pending\" data-addr=\"0x%llx\"",
				(unsigned long long)a->addr);
			rect_xywh(f, xr, y, tx(&ax, t1) - xr > 0.5 ? tx(&ax, t1) - xr : 0.5,
				  hh > 0.5 ? hh : 0.5);
			fprintf(f, " fill=\"url(#%s)\"/>\n", pat);
		}
	}
	for (i = 0; i < nfails; i++) {
		const struct render_fail *fl = &tl->fails[i];
		double top = slots[nseg - 1].y;

		x = tx(&ax, fl->t);
		fprintf(f, "<path class=\"fail\" d=\"M");
		num(f, x - 4);
		fputc(',', f);
		num(f, top - 9);
		fputs(" L", f);
		num(f, x + 4);
		fputc(',', f);
		num(f, top - 9);
		fputs(" L", f);
		num(f, x);
		fputc(',', f);
		num(f, top - 1);
		fprintf(f, " Z\" fill=\"%s\"><title>failed alloc: size %llu (%s)\nstream: ",
			COLOR_FAIL, (unsigned long long)fl->size,
			size_str(sz, sizeof(sz), fl->size));
		if (fl->stream == MEMSIM_STREAM_ANY_ID)
			fputs("any", f);
		else
			fprintf(f, "%u", fl->stream);
		fputs("\nlabel: ", f);
		render_xml_escape(f, fl->label[0] ? fl->label : "-");
		time_str(t, sizeof(t), tl->unit, fl->t);
		fprintf(f, "\nerror: %s\nat: %s</title></path>\n",
			fl->error ? memsim_errno_name(-fl->error) : "-", t);
	}
	taxis_draw(f, &ax, bottom, bottom);
	fputs("</svg>\n", f);
	ret = 0;
out:
	free(slots);
	free(drawn);
	free(streams);
	return ret;
}

int render_timeline_svg(FILE *f, const struct render_timeline *tl,
			const struct render_opts *opts)
{
	struct render_opts o;

	opts_fill(&o, opts);
	return finish(f, timeline_svg(f, tl, &o, 0, "tl-deferred"));
}

/*
 * ---------------------------------------------------------------------------
 * The series: two line charts over time.
 */

#define SER_LEFT	90
#define SER_RIGHT	20
#define SER_PLOT	180
#define SER_PANEL	(SER_PLOT + 70)
#define SER_TOP		100

enum {
	M_ALLOCATED, M_REQUESTED, M_FREE, M_LARGEST, M_UTIL, M_FRAG, M_COUNT
};

static const struct {
	const char *name;	/* data-metric */
	const char *label;
	const char *color;
	int percent;
} METRICS[M_COUNT] = {
	[M_ALLOCATED] = { "allocated", "allocated bytes", "#4e79a7", 0 },
	[M_REQUESTED] = { "requested", "requested bytes", "#59a14f", 0 },
	[M_FREE] = { "free", "free bytes", "#9c755f", 0 },
	[M_LARGEST] = { "largest_free", "largest free block", "#f28e2c", 0 },
	[M_UTIL] = { "utilization", "utilization", "#af7aa1", 1 },
	[M_FRAG] = { "external_frag", "external fragmentation", "#e15759", 1 },
};

/* Metric @m of @p: bytes, or a percentage times 10^4 (ppm). */
static __u64 metric(const struct render_point *p, int m)
{
	__u64 managed = p->allocated + p->free;

	switch (m) {
	case M_ALLOCATED:
		return p->allocated;
	case M_REQUESTED:
		return p->requested;
	case M_FREE:
		return p->free;
	case M_LARGEST:
		return p->largest_free;
	case M_UTIL:
		return managed ? (__u64)((double)p->allocated / (double)managed * 1e6) : 0;
	}
	return p->frag_ppm;
}

/*
 * The points of one line: all of them, or with more than @max, for each of
 * (max - 2) / 2 columns of equal time its minimum and maximum (in time
 * order), plus the first and the last point.  @keep marks the ones kept.
 */
static void series_reduce(const struct render_series *s, int m, size_t max,
			  unsigned char *keep, const struct taxis *ax)
{
	size_t cols = (max - 2) / 2, i, c, *lo, *hi;

	if (s->nr <= max) {
		memset(keep, 1, s->nr);
		return;
	}
	memset(keep, 0, s->nr);
	lo = calloc(cols, sizeof(*lo));
	hi = calloc(cols, sizeof(*hi));
	if (!lo || !hi) {	/* keep every point rather than fail */
		memset(keep, 1, s->nr);
		goto out;
	}
	for (c = 0; c < cols; c++)
		lo[c] = hi[c] = SIZE_MAX;
	for (i = 0; i < s->nr; i++) {
		__u64 v = metric(&s->pts[i], m);

		c = (size_t)((tx(ax, s->pts[i].t) - ax->x0) / ax->w * (double)cols);
		if (c >= cols)
			c = cols - 1;
		if (lo[c] == SIZE_MAX || v < metric(&s->pts[lo[c]], m))
			lo[c] = i;
		if (hi[c] == SIZE_MAX || v > metric(&s->pts[hi[c]], m))
			hi[c] = i;
	}
	for (c = 0; c < cols; c++) {
		if (lo[c] != SIZE_MAX)
			keep[lo[c]] = 1;
		if (hi[c] != SIZE_MAX)
			keep[hi[c]] = 1;
	}
	keep[0] = keep[s->nr - 1] = 1;
out:
	free(lo);
	free(hi);
}

static void series_panel(FILE *f, const struct render_series *s,
			 const struct taxis *ax, double top, int percent,
			 unsigned char *keep, size_t max_points)
{
	__u64 vmax = 0, step, v;
	double yb = top + SER_PLOT;
	char buf[96], sz[32], t[48];
	size_t i, peak;
	int m;

	for (m = 0; m < M_COUNT; m++)
		for (i = 0; !percent && !METRICS[m].percent && i < s->nr; i++)
			if (metric(&s->pts[i], m) > vmax)
				vmax = metric(&s->pts[i], m);
	if (percent) {
		vmax = 1000000;
		step = 200000;
	} else {
		step = pow2_step(vmax ? vmax : 1, 5);
		vmax = vmax ? (vmax + step - 1) / step * step : step;
	}
	svg_text(f, 10, top - 8, NULL, "panel-title",
	     percent ? "utilization and external fragmentation (%)" : "bytes");
	fprintf(f, "<rect class=\"plot\"");
	rect_xywh(f, ax->x0, top, ax->w, SER_PLOT);
	fprintf(f, " fill=\"none\" stroke=\"%s\" stroke-width=\"0.5\"/>\n", COLOR_GRID);
	fputs("<g class=\"axis\" data-axis=\"y\">\n<line", f);
	attr(f, "x1", ax->x0);
	attr(f, "y1", top);
	attr(f, "x2", ax->x0);
	attr(f, "y2", yb);
	fprintf(f, " stroke=\"%s\"/>\n", COLOR_FRAME);
	for (v = 0; v <= vmax; v += step) {
		double y = yb - (double)v / (double)vmax * SER_PLOT;

		fputs("<line class=\"grid\"", f);
		attr(f, "x1", ax->x0);
		attr(f, "y1", y);
		attr(f, "x2", ax->x0 + ax->w);
		attr(f, "y2", y);
		fprintf(f, " stroke=\"%s\" stroke-width=\"0.5\"/>\n", COLOR_GRID);
		if (percent)
			snprintf(buf, sizeof(buf), "%llu%%", (unsigned long long)(v / 10000));
		else
			size_str(buf, sizeof(buf), v);
		svg_text(f, ax->x0 - 6, y + 4, "end", NULL, buf);
		if (v > UINT64_MAX - step)
			break;
	}
	fputs("</g>\n", f);
	for (m = 0; m < M_COUNT; m++) {
		if (METRICS[m].percent != percent)
			continue;
		series_reduce(s, m, max_points, keep, ax);
		peak = 0;
		for (i = 0; i < s->nr; i++)
			if (metric(&s->pts[i], m) > metric(&s->pts[peak], m))
				peak = i;
		fprintf(f, "<polyline class=\"series\" data-metric=\"%s\" fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\" points=\"",
			METRICS[m].name, METRICS[m].color);
		for (i = 0; i < s->nr; i++) {
			if (!keep[i])
				continue;
			num(f, tx(ax, s->pts[i].t));
			fputc(',', f);
			num(f, yb - (double)metric(&s->pts[i], m) / (double)vmax * SER_PLOT);
			fputc(i + 1 < s->nr ? ' ' : '"', f);
		}
		if (!s->nr)
			fputc('"', f);
		time_str(t, sizeof(t), s->unit, s->nr ? s->pts[peak].t : 0);
		if (percent)
			snprintf(sz, sizeof(sz), "%.2f%%",
				 s->nr ? metric(&s->pts[peak], m) / 1e4 : 0.0);
		else
			size_str(sz, sizeof(sz), s->nr ? metric(&s->pts[peak], m) : 0);
		snprintf(buf, sizeof(buf), "%s, highest %s at %s", METRICS[m].label, sz, t);
		fputs("><title>", f);
		render_xml_escape(f, buf);
		fputs("</title></polyline>\n", f);
	}
}

static int series_svg(FILE *f, const struct render_series *s,
		      const struct render_opts *o, int embedded)
{
	unsigned char *keep = malloc(s->nr + 1);
	struct legend lg;
	struct taxis ax;
	char buf[160];
	double h;
	int m;

	if (!keep)
		return -ENOMEM;
	ax.unit = s->unit;
	ax.t0 = s->nr ? s->pts[0].t : 0;
	ax.t1 = s->nr ? s->pts[s->nr - 1].t : 0;
	if (ax.t1 <= ax.t0)
		ax.t1 = ax.t0 + 1;
	ax.x0 = SER_LEFT;
	ax.w = o->width - SER_LEFT - SER_RIGHT;
	h = SER_TOP + 2 * SER_PANEL - 16;
	svg_open(f, embedded, o->width, h, "memsim-series",
		 o->title ? o->title : "memsim utilization and fragmentation over time");
	snprintf(buf, sizeof(buf), "%zu points%s", s->nr,
		 s->nr > o->max_points ? "" : "; each line through every point");
	svg_text(f, 10, 36, NULL, "subtitle", buf);
	legend_open(&lg, f, 54);
	for (m = 0; m < M_COUNT; m++)
		legend_line(&lg, METRICS[m].color, METRICS[m].label);
	legend_close(&lg);
	if (s->nr > o->max_points) {
		snprintf(buf, sizeof(buf),
			 "reduced: %zu points per line at most: the lowest and highest of each of %zu time columns",
			 o->max_points, (o->max_points - 2) / 2);
		svg_text(f, 10, 72, NULL, "reduced", buf);
	}
	series_panel(f, s, &ax, SER_TOP, 0, keep, o->max_points);
	taxis_draw(f, &ax, SER_TOP + SER_PLOT, SER_TOP + SER_PLOT);
	series_panel(f, s, &ax, SER_TOP + SER_PANEL, 1, keep, o->max_points);
	taxis_draw(f, &ax, SER_TOP + SER_PANEL + SER_PLOT, SER_TOP + SER_PANEL + SER_PLOT);
	fputs("</svg>\n", f);
	free(keep);
	return 0;
}

int render_series_svg(FILE *f, const struct render_series *ser,
		      const struct render_opts *opts)
{
	struct render_opts o;

	opts_fill(&o, opts);
	return finish(f, series_svg(f, ser, &o, 0));
}

/*
 * ---------------------------------------------------------------------------
 * HTML: heading, summary table, the pictures; no external resource.
 */

static void row(FILE *f, const char *name, const char *value)
{
	fputs("<tr><th>", f);
	render_xml_escape(f, name);
	fputs("</th><td>", f);
	render_xml_escape(f, value);
	fputs("</td></tr>\n", f);
}

static void row_size(FILE *f, const char *name, __u64 v)
{
	char buf[64], sz[32];

	snprintf(buf, sizeof(buf), "%llu (%s)", (unsigned long long)v,
		 size_str(sz, sizeof(sz), v));
	row(f, name, buf);
}

static void row_u64(FILE *f, const char *name, __u64 v)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%llu", (unsigned long long)v);
	row(f, name, buf);
}

static void row_ppm(FILE *f, const char *name, __u64 ppm)
{
	char buf[32];

	snprintf(buf, sizeof(buf), "%.2f%%", (double)ppm / 1e4);
	row(f, name, buf);
}

static void summary_snapshot(FILE *f, const struct render_snapshot *s)
{
	__u64 managed = 0, bytes[3] = { 0, 0, 0 }, requested = 0, largest = 0;
	size_t count[3] = { 0, 0, 0 }, i;
	char buf[96];
	int st;

	for (i = 0; i < s->nr_segs; i++)
		managed += s->segs[i].size;
	for (i = 0; i < s->nr_blocks; i++) {
		const struct render_block *b = &s->blocks[i];

		st = b->state <= RENDER_DEFERRED ? b->state : 0;
		count[st]++;
		bytes[st] += b->size;
		if (st != RENDER_FREE)
			requested += b->requested;
		else if (b->size > largest)
			largest = b->size;
	}
	fputs("<tr><th colspan=\"2\" class=\"group\">address space</th></tr>\n", f);
	row_u64(f, "segments", s->nr_segs);
	row_size(f, "managed", managed);
	snprintf(buf, sizeof(buf), "%zu: %zu free, %zu allocated, %zu deferred",
		 s->nr_blocks, count[RENDER_FREE], count[RENDER_ALLOCATED],
		 count[RENDER_DEFERRED]);
	row(f, "blocks", buf);
	row_size(f, "allocated (deferred included)",
		 bytes[RENDER_ALLOCATED] + bytes[RENDER_DEFERRED]);
	row_size(f, "requested", requested);
	row_size(f, "free", bytes[RENDER_FREE]);
	row_size(f, "largest free block", largest);
	row_ppm(f, "external fragmentation", bytes[RENDER_FREE] ?
		(__u64)(1e6 - (double)largest / (double)bytes[RENDER_FREE] * 1e6) : 0);
}

static void summary_timeline(FILE *f, const struct render_timeline *tl)
{
	size_t i, live = 0, deferred = 0;
	struct taxis ax;
	char a[48], b[48], buf[100];

	for (i = 0; i < tl->nr_allocs; i++) {
		live += tl->allocs[i].t_free == RENDER_T_NONE;
		deferred += tl->allocs[i].t_free_req != RENDER_T_NONE;
	}
	tl_domain(tl, &ax);
	fputs("<tr><th colspan=\"2\" class=\"group\">timeline</th></tr>\n", f);
	row_u64(f, "allocations", tl->nr_allocs);
	row_u64(f, "still live at the end", live);
	row_u64(f, "deferred frees", deferred);
	row_u64(f, "failed allocations", tl->nr_fails);
	time_str(a, sizeof(a), tl->unit, ax.t0);
	time_str(b, sizeof(b), tl->unit, ax.t1);
	snprintf(buf, sizeof(buf), "%s to %s", a, b);
	row(f, "x axis", buf);
}

static void summary_series(FILE *f, const struct render_series *s)
{
	__u64 pa = 0, pr = 0, pf = 0;
	size_t i;

	for (i = 0; i < s->nr; i++) {
		pa = s->pts[i].allocated > pa ? s->pts[i].allocated : pa;
		pr = s->pts[i].requested > pr ? s->pts[i].requested : pr;
		pf = s->pts[i].frag_ppm > pf ? s->pts[i].frag_ppm : pf;
	}
	fputs("<tr><th colspan=\"2\" class=\"group\">over time</th></tr>\n", f);
	row_u64(f, "points", s->nr);
	row_size(f, "peak allocated", pa);
	row_size(f, "peak requested", pr);
	row_ppm(f, "highest external fragmentation", pf);
	if (s->nr)
		row_ppm(f, "external fragmentation at the end", s->pts[s->nr - 1].frag_ppm);
}

/* Shows the tooltip of the rectangle under the mouse in the #info box. */
static const char HOVER_JS[] =
	"(function () {\n"
	"  var info = document.getElementById('info');\n"
	"  document.addEventListener('mouseover', function (e) {\n"
	"    var t = e.target;\n"
	"    if (!t.getAttribute || !t.getAttribute('data-addr'))\n"
	"      return;\n"
	"    var title = t.querySelector('title');\n"
	"    info.textContent = title ? title.textContent : '';\n"
	"  });\n"
	"})();\n";

static const char CSS[] =
	"body { font-family: 'DejaVu Sans', Verdana, sans-serif; margin: 1em 2em; }\n"
	"table.summary { border-collapse: collapse; margin-bottom: 1em; }\n"
	"table.summary th, table.summary td { text-align: left; padding: 2px 12px 2px 0; }\n"
	"table.summary th.group { padding-top: 8px; border-bottom: 1px solid #999; }\n"
	"#info { position: fixed; right: 1em; top: 1em; background: #ffffe0;\n"
	"  border: 1px solid #999; padding: 6px; font-size: 12px; min-width: 16em; }\n"
	"svg { display: block; margin-bottom: 1.5em; }\n";

int render_html(FILE *f, const struct render_snapshot *snap,
		const struct render_timeline *tl, const struct render_series *ser,
		const struct render_opts *opts)
{
	const char *title;
	struct render_opts o;
	int ret = 0;

	opts_fill(&o, opts);
	title = o.title ? o.title : "memsim";
	fputs("<!DOCTYPE html>\n<html xmlns=\"http://www.w3.org/1999/xhtml\" lang=\"en\">\n<head>\n",
	      f);
	fputs("<meta charset=\"utf-8\"/>\n<title>", f);
	render_xml_escape(f, title);
	fprintf(f, "</title>\n<style>\n%s</style>\n</head>\n<body>\n<h1>", CSS);
	render_xml_escape(f, title);
	fputs("</h1>\n<pre id=\"info\">move the mouse over a block</pre>\n", f);
	fputs("<table class=\"summary\">\n", f);
	if (snap)
		summary_snapshot(f, snap);
	if (tl)
		summary_timeline(f, tl);
	if (ser)
		summary_series(f, ser);
	fputs("</table>\n", f);
	o.title = NULL;
	if (snap && !ret) {
		fputs("<h2>Address space</h2>\n", f);
		ret = map_svg(f, snap, &o, 1, "map-deferred");
	}
	if (tl && !ret) {
		fputs("<h2>Allocations over time</h2>\n", f);
		ret = timeline_svg(f, tl, &o, 1, "tl-deferred");
	}
	if (ser && !ret) {
		fputs("<h2>Utilization and fragmentation over time</h2>\n", f);
		ret = series_svg(f, ser, &o, 1);
	}
	fprintf(f, "<script>\n%s</script>\n</body>\n</html>\n", HOVER_JS);
	return finish(f, ret);
}
