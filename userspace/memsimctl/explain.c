// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: why an allocation failed, in figures
 *
 * Copyright (C) 2026 The memsim authors
 */

/*
 * DOC: Explaining a failed allocation
 *
 * When an ALLOC fails with ENOSPC, memsimctl asks the kernel at once, while
 * the instance still stands as it was, with MEMSIM_IOC_EXPLAIN_ALLOC, and
 * prints one line that says where, what and why:
 *
 *   train.msim:102: alloc 2 MiB align=64 KiB stream=1: no space: 48 MiB
 *   free in stream 1 (32 blocks), largest free block 1.5 MiB, external
 *   fragmentation 96.9%
 *
 * followed by the largest candidate blocks, each with the rule that refused
 * it.  The figures are the kernel's; nothing here recomputes them.  The
 * percentage is frag_ppm rounded to the nearest tenth.
 */
#include <errno.h>
#include <inttypes.h>
#include <string.h>

#include "explain.h"

#define SIZE_LEN	32

static const char *sz(char *buf, __u64 v)
{
	return memsim_format_size(buf, SIZE_LEN, v);
}

/* "stream 1", "all streams" */
static const char *streams_of(char *buf, size_t len, __u32 stream)
{
	if (stream == MEMSIM_STREAM_ANY_ID)
		snprintf(buf, len, "all streams");
	else
		snprintf(buf, len, "stream %u", stream);
	return buf;
}

/**
 * explain_request() - a request as memsimctl's script language writes it
 * @buf: where to write.
 * @len: its size.
 * @req: the request.
 *
 * Return: @buf, e.g. "alloc 2 MiB align=64 KiB stream=1 topdown".
 */
char *explain_request(char *buf, size_t len, const struct memsim_alloc_arg *req)
{
	char a[SIZE_LEN], b[SIZE_LEN];
	size_t n;

	n = snprintf(buf, len, "alloc %s", sz(a, req->size));
	if (req->align && n < len)
		n += snprintf(buf + n, len - n, " align=%s", sz(b, req->align));
	if (req->stream != MEMSIM_STREAM_ANY_ID && n < len)
		n += snprintf(buf + n, len - n, " stream=%u", req->stream);
	if ((req->flags & MEMSIM_ALLOC_RANGE) && n < len)
		n += snprintf(buf + n, len - n, " range=0x%llx-0x%llx",
			      (unsigned long long)req->range_lo,
			      (unsigned long long)req->range_hi);
	if ((req->flags & MEMSIM_ALLOC_FIXED) && n < len)
		n += snprintf(buf + n, len - n, " at=0x%llx",
			      (unsigned long long)req->fixed_addr);
	if ((req->flags & MEMSIM_ALLOC_TOPDOWN) && n < len)
		snprintf(buf + n, len - n, " topdown");
	return buf;
}

/* Why one candidate was refused, with the number that decides it. */
static void print_candidate(FILE *f, const struct memsim_explain_block *c)
{
	char a[SIZE_LEN], b[SIZE_LEN];

	fprintf(f, "  0x%llx %s (segment %llu, stream %u): %s",
		(unsigned long long)c->addr, sz(a, c->size),
		(unsigned long long)c->segment_id, c->stream,
		memsim_refusal_name(c->reason));
	if (c->reason == MEMSIM_REFUSED_ALIGN || c->reason == MEMSIM_REFUSED_RANGE)
		fprintf(f, ", %s usable", sz(b, c->usable));
	fputc('\n', f);
}

/**
 * explain_message() - the one-line form of an explanation
 * @buf: where to write.
 * @len: its size.
 * @req: the request that failed.
 * @e: the kernel's answer to EXPLAIN_ALLOC for it.
 *
 * Return: @buf, e.g. "alloc 2 MiB stream=1: no space: 48 MiB free in
 * stream 1 (32 blocks), largest free block 1.5 MiB, external fragmentation
 * 96.9%".
 */
char *explain_message(char *buf, size_t len, const struct memsim_alloc_arg *req,
		      const struct memsim_explain_arg *e)
{
	char what[160], st[32], a[SIZE_LEN], b[SIZE_LEN];
	size_t n;

	explain_request(what, sizeof(what), req);
	streams_of(st, sizeof(st), req->stream);
	n = snprintf(buf, len, "%s: no space: %s free in %s (%llu block%s), largest free block %s, external fragmentation %u.%u%%",
		     what, sz(a, e->free_bytes), st, (unsigned long long)e->free_blocks,
		     e->free_blocks == 1 ? "" : "s", sz(b, e->largest_free),
		     (e->frag_ppm + 500) / 10000, (e->frag_ppm + 500) / 1000 % 10);
	if (e->deferred_bytes && n < len)
		n += snprintf(buf + n, len - n, "; %s waiting for deferred frees to complete",
			      sz(a, e->deferred_bytes));
	if (e->other_free_bytes && n < len)
		n += snprintf(buf + n, len - n, "; %s free in other streams",
			      sz(a, e->other_free_bytes));
	if (e->would_fit && n < len)
		snprintf(buf + n, len - n, "; it would fit now");
	return buf;
}

/**
 * explain_print_candidates() - the candidates of an explanation, a line each
 * @f: where to print.
 * @e: the kernel's answer to EXPLAIN_ALLOC.
 */
void explain_print_candidates(FILE *f, const struct memsim_explain_arg *e)
{
	unsigned int i;

	if (e->nr_blocks)
		fprintf(f, "  the %u largest blocks free or waiting for their free:\n",
			e->nr_blocks);
	for (i = 0; i < e->nr_blocks && i < MEMSIM_EXPLAIN_MAX; i++)
		print_candidate(f, &e->blocks[i]);
}

/**
 * explain_print() - the text form of an explanation
 * @f: where to print.
 * @where: "file:line" of the failing operation, or NULL.
 * @req: the request that failed.
 * @e: the kernel's answer to EXPLAIN_ALLOC for it.
 */
void explain_print(FILE *f, const char *where, const struct memsim_alloc_arg *req,
		   const struct memsim_explain_arg *e)
{
	char msg[512];

	fprintf(f, "%s%s%s\n", where ? where : "", where ? ": " : "",
		explain_message(msg, sizeof(msg), req, e));
	explain_print_candidates(f, e);
}

static const char * const reason_keys[] = {
	[MEMSIM_REFUSED_FITS] = "fits",
	[MEMSIM_REFUSED_SMALL] = "small",
	[MEMSIM_REFUSED_ALIGN] = "align",
	[MEMSIM_REFUSED_RANGE] = "range",
	[MEMSIM_REFUSED_STREAM] = "stream",
	[MEMSIM_REFUSED_DEFERRED] = "deferred",
};

/**
 * explain_print_json() - the NDJSON form of an explanation
 * @f: where to print.
 * @where: "file:line" of the failing operation, or NULL.
 * @req: the request that failed.
 * @e: the kernel's answer to EXPLAIN_ALLOC for it.
 *
 * One object on one line: {"explain": {...}} with the request, every
 * figure of &struct memsim_explain_arg and the candidates, reasons as
 * words ("small", "align", ...).
 */
void explain_print_json(FILE *f, const char *where, const struct memsim_alloc_arg *req,
			const struct memsim_explain_arg *e)
{
	unsigned int i;

	fprintf(f, "{\"explain\":{\"where\":");
	if (where)
		memsim_print_json_string(f, where);
	else
		fprintf(f, "null");
	fprintf(f, ",\"size\":%llu,\"align\":%llu,\"stream\":",
		(unsigned long long)req->size, (unsigned long long)req->align);
	if (req->stream == MEMSIM_STREAM_ANY_ID)
		fprintf(f, "\"any\"");
	else
		fprintf(f, "%u", req->stream);
	fprintf(f, ",\"flags\":%u,\"range_lo\":%llu,\"range_hi\":%llu,\"fixed_addr\":%llu",
		req->flags, (unsigned long long)req->range_lo,
		(unsigned long long)req->range_hi, (unsigned long long)req->fixed_addr);
	fprintf(f, ",\"free_bytes\":%llu,\"free_blocks\":%llu,\"largest_free\":%llu,\"largest_alloc\":%llu,\"frag_ppm\":%u,\"deferred_bytes\":%llu,\"other_free_bytes\":%llu,\"would_fit\":%s,\"candidates\":[",
		(unsigned long long)e->free_bytes, (unsigned long long)e->free_blocks,
		(unsigned long long)e->largest_free, (unsigned long long)e->largest_alloc,
		e->frag_ppm, (unsigned long long)e->deferred_bytes,
		(unsigned long long)e->other_free_bytes, e->would_fit ? "true" : "false");
	for (i = 0; i < e->nr_blocks && i < MEMSIM_EXPLAIN_MAX; i++) {
		const struct memsim_explain_block *c = &e->blocks[i];

		fprintf(f, "%s{\"addr\":%llu,\"size\":%llu,\"segment_id\":%llu,\"stream\":%u,\"usable\":%llu,\"reason\":\"%s\"}",
			i ? "," : "", (unsigned long long)c->addr,
			(unsigned long long)c->size, (unsigned long long)c->segment_id,
			c->stream, (unsigned long long)c->usable,
			c->reason <= MEMSIM_REFUSED_DEFERRED ? reason_keys[c->reason] : "unknown");
	}
	fprintf(f, "]}}\n");
}

/**
 * explain_alloc_failure() - ask why an allocation failed and say it
 * @h: the instance, as it stands right after the failure.
 * @where: "file:line" of the failing operation, or NULL.
 * @req: the request that failed.
 * @json: print the NDJSON form instead of the text.
 * @f: where to print; NULL to print nothing.
 * @out: the kernel's answer, if not NULL.
 *
 * Return: 0, or the negative errno of EXPLAIN_ALLOC (-ENOTTY from a module
 * older than the call: nothing is printed then).
 */
int explain_alloc_failure(struct memsim_handle *h, const char *where,
			  const struct memsim_alloc_arg *req, bool json, FILE *f,
			  struct memsim_explain_arg *out)
{
	struct memsim_explain_arg e;
	int ret;

	ret = memsim_explain_alloc(h, req, &e);
	if (ret)
		return ret;
	if (f && json)
		explain_print_json(f, where, req, &e);
	else if (f)
		explain_print(f, where, req, &e);
	if (out)
		*out = e;
	return 0;
}
