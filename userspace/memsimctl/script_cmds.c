// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: the commands of the script language
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Each handler parses its line (reporting errors with the line's number),
 * and when the script runs (s->exec) makes its call, judges the result
 * against expect-error (outcome()) and prints it, as text or JSON.
 */
#include <errno.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "explain.h"
#include "json.h"
#include "memsimctl.h"
#include "num.h"
#include "render_text.h"
#include "script.h"
#include "why.h"

static const struct opt no_opts[] = { OPT_END };

/*
 * Ask the instance something to explain a failure, keeping the failure's
 * errno and message in the handle (JSON's "error" reports them).
 */
struct saved_err {
	int err;
	const char *op;
	char msg[sizeof(((struct memsim_handle *)0)->msg)];
};

static void err_save(struct script *s, struct saved_err *e)
{
	e->err = s->h.err;
	e->op = s->h.op;
	memcpy(e->msg, s->h.msg, sizeof(e->msg));
}

static void err_restore(struct script *s, const struct saved_err *e)
{
	s->h.err = e->err;
	s->h.op = e->op;
	memcpy(s->h.msg, e->msg, sizeof(e->msg));
}

struct find_block {
	__u64 addr;
	int found;
	struct memsim_block_info blk;
};

static int find_block_fn(const struct memsim_block_info *b, void *ctx)
{
	struct find_block *f = ctx;

	if (f->addr < b->addr || f->addr - b->addr >= b->size)
		return 0;
	f->blk = *b;
	f->found = 1;
	return 1;
}

/*
 * The block that holds @addr into *@blk.  Return: 1 if one does, 0 if none,
 * -1 if the blocks could not be listed.
 */
static int block_at(struct script *s, __u64 addr, struct memsim_block_info *blk)
{
	struct find_block f = { .addr = addr };
	struct saved_err e;
	int ret;

	err_save(s, &e);
	ret = memsim_walk_blocks(&s->h, find_block_fn, &f);
	err_restore(s, &e);
	if (ret < 0)
		return -1;
	if (f.found)
		*blk = f.blk;
	return f.found;
}

/* The buddy system's minimum block if it is in force, else 0. */
static __u64 buddy_min(struct script *s)
{
	struct memsim_summary sum;
	struct saved_err e;
	int ret;

	err_save(s, &e);
	ret = memsim_get_summary(&s->h, &sum);
	err_restore(s, &e);
	if (ret || sum.strategy != MEMSIM_STRATEGY_BUDDY)
		return 0;
	return sum.buddy_min_block ? sum.buddy_min_block : 64;
}

/* Memsim's words for a failed alloc or can-alloc, into s->why. */
static void alloc_why(struct script *s, int err, const struct memsim_alloc_arg *a)
{
	if (err != -EINVAL && err != -ENAMETOOLONG)
		return;
	why_alloc(s->why, sizeof(s->why), err, a,
		  a->label_ptr ? (const char *)(uintptr_t)a->label_ptr : NULL,
		  a->flags & MEMSIM_ALLOC_FIXED ? buddy_min(s) : 0);
}

/* ... and for a failed free or complete. */
static void free_why(struct script *s, int complete, int err, __u64 addr,
		     __u64 size, __u32 flags)
{
	struct memsim_block_info blk;
	int found = 0;

	if (err == -ENOENT || err == -EINVAL)
		found = block_at(s, addr, &blk);
	why_free(s->why, sizeof(s->why), complete, err, addr, size, flags,
		 found > 0 ? &blk : NULL, found >= 0);
}

/* Entries of the common options. */
#define S_AS(type, field) \
	{ .name = "as", .flags = OPT_NEXT, .parse = opt_as, .off = offsetof(type, field) }
#define S_LABEL(type, field, fl) \
	{ .name = "label", .flags = OPT_VALUE | (fl), .parse = opt_label, \
	  .off = offsetof(type, field) }
#define S_VAL(nm, fn, type, field) \
	{ .name = nm, .flags = OPT_VALUE, .parse = fn, .off = offsetof(type, field) }
#define S_FLAG(nm, type, field, bits) \
	{ .name = nm, .parse = opt_bits, .off = offsetof(type, field), .arg = bits }

static int sc_info(struct script *s, char **tok, int ntok)
{
	struct memsim_info info;
	int ret;

	if (script_opts(s, no_opts, NULL, tok, ntok, 1, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_get_info(&s->h, &info));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_info_fields(&info);
		jend();
	} else {
		memsim_print_info(stdout, &info);
	}
	return 0;
}

static int sc_strategy(struct script *s, char **tok, int ntok)
{
	__u64 min = 0;
	int id, ret;

	if (want_args(s, tok, ntok, 1, "first|best|worst|next|buddy|tlsf [MIN_BLOCK|CLASSES]"))
		return -1;
	id = memsim_strategy_from_name(tok[1]);
	if (id < 0)
		return serr(s, "unknown strategy '%s' (first, best, worst, next, buddy, tlsf)",
			    tok[1]);
	if (ntok > 2) {
		/*
		 * MIN_BLOCK or min=MIN_BLOCK (TLSF: CLASSES or classes=CLASSES),
		 * in the one place after the name.
		 */
		const char *v = tok[2];

		if (!strncmp(v, "min=", 4))
			v += 4;
		else if (!strncmp(v, "classes=", 8))
			v += 8;
		if (value(s, v, &min))
			return -1;
	}
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (!s->exec)
		return 0;
	ret = memsim_set_strategy(&s->h, id, min);
	if (ret) {
		struct memsim_summary sum = { .strategy = -1 };
		struct saved_err e;

		err_save(s, &e);
		if (ret == -EBUSY)
			memsim_get_summary(&s->h, &sum);
		err_restore(s, &e);
		why_strategy(s->why, sizeof(s->why), ret, id, min, sum.usage.live_blocks,
			     (int)sum.strategy);
	}
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstr("strategy", memsim_strategy_name(id));
		if (id == MEMSIM_STRATEGY_BUDDY)
			ju64("buddy_min_block", min);
		if (id == MEMSIM_STRATEGY_TLSF)
			ju64("tlsf_classes", min ? min : 16);
		jend();
	} else if (id == MEMSIM_STRATEGY_BUDDY && min) {
		printf("strategy: buddy, minimum block %llu\n",
		       (unsigned long long)min);
	} else if (id == MEMSIM_STRATEGY_TLSF && min) {
		printf("strategy: tlsf, %llu classes per level\n",
		       (unsigned long long)min);
	} else {
		printf("strategy: %s\n", memsim_strategy_name(id));
	}
	return 0;
}

struct segment_words {
	__u32 stream;
	__u32 device;
	const char *name;
};

static const struct opt segment_opts[] = {
	S_AS(struct segment_words, name),
	S_VAL("stream", opt_stream, struct segment_words, stream),
	S_VAL("device", opt_u32, struct segment_words, device),
	OPT_END
};

static int sc_segment(struct script *s, char **tok, int ntok)
{
	struct segment_words w = { 0 };
	__u64 start, size, id = 0;
	char sz[32];
	int ret;

	if (want_args(s, tok, ntok, 2,
		      "START SIZE [stream=N] [device=N] [as NAME]"))
		return -1;
	if (value(s, tok[1], &start) || value(s, tok[2], &size) ||
	    script_opts(s, segment_opts, &w, tok, ntok, 3, NULL))
		return -1;
	if (!s->exec)
		return w.name ? var_set(s, w.name, 0) : 0;
	ret = memsim_create_segment(&s->h, start, size, w.device, w.stream, &id);
	if (ret == -EINVAL || ret == -EEXIST) {
		__u64 ids[8];
		__u32 kind, nr = 0;
		struct saved_err e;

		err_save(s, &e);
		if (ret == -EEXIST &&
		    memsim_check_overlap(&s->h, start, size, ids, ARRAY_SIZE(ids), &kind, &nr))
			nr = 0;
		err_restore(s, &e);
		why_segment(s->why, sizeof(s->why), ret, start, size, w.stream, ids,
			    nr < ARRAY_SIZE(ids) ? nr : ARRAY_SIZE(ids));
	}
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (w.name && var_set(s, w.name, id))
		return -1;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("segment_id", id);
		ju64("start", start);
		ju64("size", size);
		jstream("stream", w.stream);
		ju64("device", w.device);
		if (w.name)
			jstr("name", w.name);
		jend();
	} else {
		printf("segment %llu: [0x%llx, 0x%llx) %s, stream %u, device %u%s%s\n",
		       (unsigned long long)id, (unsigned long long)start,
		       (unsigned long long)(start + size),
		       memsim_format_size(sz, sizeof(sz), size), w.stream, w.device,
		       w.name ? " as $" : "", w.name ? w.name : "");
	}
	return 0;
}

static int sc_release(struct script *s, char **tok, int ntok)
{
	__u64 id;
	int ret;

	if (want_args(s, tok, ntok, 1, "ID|$NAME") || value(s, tok[1], &id))
		return -1;
	if (script_opts(s, no_opts, NULL, tok, ntok, 2, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = memsim_release_segment(&s->h, id);
	if (ret)
		why_release(s->why, sizeof(s->why), ret, id);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("segment_id", id);
		jend();
	} else {
		printf("release: segment %llu\n", (unsigned long long)id);
	}
	return 0;
}

/* alloc, can-alloc and an alloc of a batch */

struct alloc_words {
	struct memsim_alloc_arg a;
	const char *name;
	const char *label;
};

/* range=LO:HI */
static int opt_range(struct opt_ctx *c, const struct opt *o, const char *val)
{
	struct alloc_words *w = c->base;
	struct script *s = c->arg;
	const char *colon = strchr(val, ':');
	char lo[256];

	(void)o;
	if (!colon)
		return serr(s, "range= wants LO:HI, not '%s'", val);
	snprintf(lo, sizeof(lo), "%.*s", (int)(colon - val), val);
	if (value(s, lo, &w->a.range_lo) || value(s, colon + 1, &w->a.range_hi))
		return -1;
	w->a.flags |= MEMSIM_ALLOC_RANGE;
	return 0;
}

/* fixed=ADDR */
static int opt_fixed(struct opt_ctx *c, const struct opt *o, const char *val)
{
	struct alloc_words *w = c->base;

	if (opt_u64(c, o, val))
		return -1;
	w->a.flags |= MEMSIM_ALLOC_FIXED;
	return 0;
}

/* priority=P; a batch operation carries none: unknown there. */
static int opt_priority(struct opt_ctx *c, const struct opt *o, const char *val)
{
	struct script *s = c->arg;

	if (s->in_batch)
		return OPT_UNKNOWN;
	return opt_u32(c, o, val);
}

static const struct opt alloc_opts[] = {
	S_AS(struct alloc_words, name),
	S_LABEL(struct alloc_words, label, 0),
	S_FLAG("topdown", struct alloc_words, a.flags, MEMSIM_ALLOC_TOPDOWN),
	S_VAL("align", opt_u64, struct alloc_words, a.align),
	S_VAL("stream", opt_stream, struct alloc_words, a.stream),
	S_VAL("range", opt_range, struct alloc_words, a),
	S_VAL("fixed", opt_fixed, struct alloc_words, a.fixed_addr),
	S_VAL("tag", opt_u64, struct alloc_words, a.tag),
	S_VAL("priority", opt_priority, struct alloc_words, a.priority),
	/* Raw bits, for testing how the kernel rejects them. */
	S_VAL("flags", opt_or32, struct alloc_words, a.flags),
	OPT_END
};

/*
 * The arguments of alloc and can-alloc, and of an alloc in a batch
 * (s->in_batch: no priority there).
 */
int parse_alloc(struct script *s, char **tok, int ntok,
		struct memsim_alloc_arg *a, const char **name)
{
	struct alloc_words w;

	memset(&w, 0, sizeof(w));
	w.a.stream = MEMSIM_STREAM_ANY_ID;
	*name = NULL;
	if (want_args(s, tok, ntok, 1,
		      "SIZE [align=A] [stream=N|any] [topdown] [range=LO:HI] [fixed=ADDR] [tag=T] [priority=P] [flags=F] [label=TEXT] [as NAME]"))
		return -1;
	if (value(s, tok[1], &w.a.size) ||
	    script_opts(s, alloc_opts, &w, tok, ntok, 2, NULL))
		return -1;
	w.a.label_ptr = (uintptr_t)call_label(s, w.label);
	*a = w.a;
	*name = w.name;
	return 0;
}

static void print_alloc(struct script *s, const char *cmd,
			const struct memsim_alloc_arg *a, const char *name,
			int dry)
{
	char st[16];

	if (json) {
		jbegin(s, cmd);
		jbool("ok", 1);
		ju64("size", a->size);
		ju64("addr", a->addr);
		ju64("actual_size", a->actual_size);
		ju64("waste", a->waste);
		ju64("segment_id", a->segment_id);
		ju64("stream", a->out_stream);
		ju64("steps", a->steps);
		ju64("splits", a->splits);
		if (dry)
			ju64("largest", a->largest);
		if (name)
			jstr("name", name);
		jend();
		return;
	}
	printf("%s %llu: %s0x%llx, size %llu, waste %llu, segment %llu, stream %s, steps %u, splits %u",
	       cmd, (unsigned long long)a->size, dry ? "would be at " : "",
	       (unsigned long long)a->addr, (unsigned long long)a->actual_size,
	       (unsigned long long)a->waste, (unsigned long long)a->segment_id,
	       stream_str(a->out_stream, st, sizeof(st)), a->steps, a->splits);
	if (dry)
		printf(", largest %llu", (unsigned long long)a->largest);
	if (name)
		printf(" -> $%s", name);
	printf("\n");
}

/*
 * An allocation that found no space and did not expect to: the kernel says
 * why at once, before anything else changes, and the message carries its
 * figures.  The explanation is kept in @s (for the error hook: the
 * evidence, compare); without a hook its candidates follow the message.
 */
static int alloc_nospace(struct script *s, const char *cmd,
			 const struct memsim_alloc_arg *a)
{
	struct memsim_explain_arg e;
	char msg[512], where[320];
	int ret = s->expect ? -1 : memsim_explain_alloc(&s->h, a, &e);

	/* Whatever the query did, the handle's last error is the ALLOC's. */
	memsim_fail(&s->h, "ALLOC", -ENOSPC);
	if (ret)
		return outcome(s, cmd, -ENOSPC);
	s->explain = e;
	s->explained++;
	if (json) {
		json_failure(s, cmd, -ENOSPC, 0);
		snprintf(where, sizeof(where), "%s:%u", s->path ? s->path : "-", s->line);
		explain_print_json(stdout, where, a, &e);
	}
	s->explaining = 1;
	serr(s, "%s", explain_message(msg, sizeof(msg), a, &e));
	s->explaining = 0;
	if (!s->on_error)
		explain_print_candidates(stderr, &e);
	return -1;
}

static int sc_alloc(struct script *s, char **tok, int ntok)
{
	struct memsim_alloc_arg a;
	const char *name;
	int ret, err;

	if (parse_alloc(s, tok, ntok, &a, &name))
		return -1;
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	err = memsim_alloc(&s->h, &a, &a);
	if (err == -ENOSPC && s->expect != ENOSPC)
		return alloc_nospace(s, tok[0], &a);
	if (err)
		alloc_why(s, err, &a);
	ret = outcome(s, tok[0], err);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, a.addr))
		return -1;
	print_alloc(s, tok[0], &a, name, 0);
	return 0;
}

static int sc_can_alloc(struct script *s, char **tok, int ntok)
{
	struct memsim_alloc_arg a;
	const char *name;
	int ret, err;

	if (parse_alloc(s, tok, ntok, &a, &name))
		return -1;
	if (!s->exec)
		return name ? var_set(s, name, 0) : 0;
	err = memsim_can_alloc(&s->h, &a, &a);
	if (err == -ENOSPC && s->expect != ENOSPC) {
		/* Nothing fits: say what would have. */
		if (json) {
			jbegin(s, tok[0]);
			jbool("ok", 0);
			jstr("errno", memsim_errno_name(err));
			jstr("error", memsim_strerror(&s->h));
			ju64("largest", a.largest);
			jend();
		}
		if (s->expect)
			return serr(s, "expected %s, got ENOSPC (%s, largest possible %llu)",
				    memsim_errno_name(s->expect),
				    memsim_strerror(&s->h),
				    (unsigned long long)a.largest);
		return serr(s, "%s (largest possible %llu)", memsim_strerror(&s->h),
			    (unsigned long long)a.largest);
	}
	if (err == -ENOSPC) {
		if (json) {
			jbegin(s, tok[0]);
			jbool("ok", 0);
			jstr("errno", memsim_errno_name(err));
			jstr("error", memsim_strerror(&s->h));
			jbool("expected", 1);
			ju64("largest", a.largest);
			jend();
		} else {
			printf("%s: failed as expected: ENOSPC, largest possible %llu\n",
			       s->text, (unsigned long long)a.largest);
		}
		return 0;
	}
	if (err)
		alloc_why(s, err, &a);
	ret = outcome(s, tok[0], err);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (name && var_set(s, name, a.addr))
		return -1;
	print_alloc(s, tok[0], &a, name, 1);
	return 0;
}

/* free and complete, also in a batch */

struct free_words {
	__u64 size;
	__u32 flags;
	const char *label;
};

static const struct opt free_opts[] = {
	S_LABEL(struct free_words, label, 0),
	S_FLAG("defer", struct free_words, flags, MEMSIM_FREE_DEFER),
	S_VAL("size", opt_u64, struct free_words, size),
	S_VAL("flags", opt_or32, struct free_words, flags),
	OPT_END
};

static const struct opt complete_opts[] = {
	S_LABEL(struct free_words, label, OPT_ONCE),
	OPT_END
};

/* In a batch: label= is refused (by opt_label()), raw flags= unknown. */
static const struct opt batch_free_opts[] = {
	S_FLAG("defer", struct free_words, flags, MEMSIM_FREE_DEFER),
	S_VAL("size", opt_u64, struct free_words, size),
	S_LABEL(struct free_words, label, 0),
	OPT_END
};

int parse_batch_free(struct script *s, char **tok, int ntok,
		     struct memsim_batch_op *op)
{
	int is_free = tok[0][0] == 'f';
	struct free_words w = { 0 };

	if (want_args(s, tok, ntok, 1, is_free ? "ADDR|$NAME [size=S] [defer]" :
		      "ADDR|$NAME") || value(s, tok[1], &op->addr))
		return -1;
	op->op = is_free ? MEMSIM_BATCH_FREE : MEMSIM_BATCH_COMPLETE_FREE;
	if (script_opts(s, is_free ? batch_free_opts : complete_opts, &w, tok, ntok,
			2, NULL))
		return -1;
	op->flags = w.flags;
	op->size = w.size;
	return 0;
}

static void print_free(struct script *s, const char *cmd, __u64 addr,
		       const struct memsim_free_arg *f)
{
	if (json) {
		jbegin(s, cmd);
		jbool("ok", 1);
		ju64("addr", addr);
		ju64("freed_size", f->freed_size);
		jbool("deferred", f->deferred);
		jbool("coalesced", f->coalesced);
		ju64("coalesced_addr", f->coalesced_addr);
		ju64("coalesced_size", f->coalesced_size);
		jend();
		return;
	}
	printf("%s 0x%llx: %llu bytes", cmd, (unsigned long long)addr,
	       (unsigned long long)f->freed_size);
	if (f->deferred)
		printf(", deferred\n");
	else
		printf(", free block [0x%llx, 0x%llx)%s\n",
		       (unsigned long long)f->coalesced_addr,
		       (unsigned long long)(f->coalesced_addr + f->coalesced_size),
		       f->coalesced ? ", coalesced" : "");
}

static int sc_free(struct script *s, char **tok, int ntok)
{
	struct free_words w = { 0 };
	struct memsim_free_arg f;
	__u64 addr;
	int ret;

	if (want_args(s, tok, ntok, 1,
		      "ADDR|$NAME [size=S] [defer] [flags=F] [label=TEXT]") ||
	    value(s, tok[1], &addr) ||
	    script_opts(s, free_opts, &w, tok, ntok, 2, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = memsim_free_label(&s->h, addr, w.size, w.flags, call_label(s, w.label), &f);
	if (ret)
		free_why(s, 0, ret, addr, w.size, w.flags);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	print_free(s, tok[0], addr, &f);
	return 0;
}

static int sc_complete(struct script *s, char **tok, int ntok)
{
	struct free_words w = { 0 };
	struct memsim_free_arg f;
	__u64 addr;
	int ret;

	if (want_args(s, tok, ntok, 1, "ADDR|$NAME [label=TEXT]") ||
	    value(s, tok[1], &addr) ||
	    script_opts(s, complete_opts, &w, tok, ntok, 2, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = memsim_complete_free_label(&s->h, addr, call_label(s, w.label), &f);
	if (ret)
		free_why(s, 1, ret, addr, 0, 0);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	print_free(s, tok[0], addr, &f);
	return 0;
}

static int sc_sync(struct script *s, char **tok, int ntok)
{
	__u64 completed = 0;
	__u32 stream = 0;
	char st[16];
	int ret;

	if (want_args(s, tok, ntok, 1, "STREAM|any") ||
	    stream_value(s, tok[1], &stream) ||
	    script_opts(s, no_opts, NULL, tok, ntok, 2, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = memsim_sync_stream(&s->h, stream, &completed);
	if (ret)
		why_sync(s->why, sizeof(s->why), ret, stream);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstream("stream", stream);
		ju64("completed", completed);
		jend();
	} else {
		printf("sync %s: %llu free%s completed\n",
		       stream_str(stream, st, sizeof(st)),
		       (unsigned long long)completed, completed == 1 ? "" : "s");
	}
	return 0;
}

static int sc_overlap(struct script *s, char **tok, int ntok)
{
	__u64 start, size, ids[64];
	__u32 kind = 0, nr = 0, i;
	int ret;

	if (want_args(s, tok, ntok, 2, "START SIZE") || value(s, tok[1], &start) ||
	    value(s, tok[2], &size) ||
	    script_opts(s, no_opts, NULL, tok, ntok, 3, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_check_overlap(&s->h, start, size, ids,
						      ARRAY_SIZE(ids), &kind, &nr));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("start", start);
		ju64("size", size);
		jstr("kind", memsim_overlap_name(kind));
		ju64("nr_ids", nr);
		jopen("ids", '[');
		for (i = 0; i < nr && i < ARRAY_SIZE(ids); i++)
			ju64(NULL, ids[i]);
		jclose(']');
		jend();
		return 0;
	}
	printf("overlap [0x%llx, 0x%llx): %s", (unsigned long long)start,
	       (unsigned long long)(start + size), memsim_overlap_name(kind));
	for (i = 0; i < nr && i < ARRAY_SIZE(ids); i++)
		printf("%s%llu", i ? ", " : ", segments ", (unsigned long long)ids[i]);
	if (nr > ARRAY_SIZE(ids))
		printf(" (%u in all)", nr);
	printf("\n");
	return 0;
}

struct safe_range_words {
	__u64 align;
	__u64 min;
	__u64 max;
	const char *name;
};

static const struct opt safe_range_opts[] = {
	S_AS(struct safe_range_words, name),
	S_VAL("align", opt_u64, struct safe_range_words, align),
	S_VAL("min", opt_u64, struct safe_range_words, min),
	S_VAL("max", opt_u64, struct safe_range_words, max),
	OPT_END
};

static int sc_safe_range(struct script *s, char **tok, int ntok)
{
	struct safe_range_words w = { .max = UINT64_MAX };
	__u64 size, addr = 0;
	int ret;

	if (want_args(s, tok, ntok, 1, "SIZE [align=A] [min=LO] [max=HI] [as NAME]") ||
	    value(s, tok[1], &size) ||
	    script_opts(s, safe_range_opts, &w, tok, ntok, 2, NULL))
		return -1;
	if (!s->exec)
		return w.name ? var_set(s, w.name, 0) : 0;
	ret = memsim_find_safe_range(&s->h, size, w.align, w.min, w.max, &addr);
	if (ret)
		why_safe_range(s->why, sizeof(s->why), ret, size, w.align, w.min, w.max);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (w.name && var_set(s, w.name, addr))
		return -1;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		ju64("size", size);
		ju64("addr", addr);
		if (w.name)
			jstr("name", w.name);
		jend();
	} else {
		printf("safe-range %llu: 0x%llx%s%s\n", (unsigned long long)size,
		       (unsigned long long)addr, w.name ? " -> $" : "",
		       w.name ? w.name : "");
	}
	return 0;
}

/*
 * "summary table", and "memsimctl summary": GET_INFO, GET_SUMMARY,
 * GET_STATS and the trace's state, as a table of current, peak and total
 * values, pool first, then each stream; the strategies' counters after.
 */
static int summary_table(struct script *s, const char *cmd)
{
	struct memsim_trace_read_arg tr;
	struct memsim_trace_record rec;
	struct summary_table tab;
	struct memsim_stats_arg a;
	struct memsim_info info;
	int ret;

	memset(&tab, 0, sizeof(tab));
	ret = memsim_get_info(&s->h, &info);
	if (!ret)
		ret = memsim_get_summary(&s->h, &tab.sum);
	if (!ret)
		ret = memsim_get_stats(&s->h, 0, NULL, 0, &a);
	ret = outcome(s, cmd, ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	tab.instance_id = info.instance_id;
	memcpy(tab.st, a.strategies, sizeof(tab.st));
	/* One record read from 0: its seq is the oldest kept (modules with a trace). */
	if (!memsim_trace_read(&s->h, 0, &rec, 1, &tr)) {
		tab.has_trace = 1;
		tab.trace_kept = tr.nr ? tr.head - rec.seq : 0;
		tab.trace_capacity = tr.capacity;
		tab.trace_head = tr.head;
		tab.trace_dropped = tr.dropped;
	}
	if (json)
		jbegin(s, cmd);
	summary_begin(&tab);
	ret = memsim_walk_streams(&s->h, summary_stream, NULL, NULL);
	if (!ret)
		summary_end(&tab);
	return list_end(s, cmd, ret);
}

static const struct opt summary_opts[] = {
	{ .name = "table", .flags = OPT_ONCE, .parse = opt_flag },
	OPT_END
};

static int sc_summary(struct script *s, char **tok, int ntok)
{
	struct memsim_summary sum;
	int table = 0, ret;

	if (script_opts(s, summary_opts, &table, tok, ntok, 1, NULL))
		return -1;
	if (!s->exec)
		return 0;
	if (table)
		return summary_table(s, tok[0]);
	ret = outcome(s, tok[0], memsim_get_summary(&s->h, &sum));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_summary_fields(&sum);
		jend();
	} else {
		printf("summary:\n");
		memsim_print_summary(stdout, &sum);
	}
	return 0;
}

static int sc_stats(struct script *s, char **tok, int ntok)
{
	struct memsim_strategy_stats_info st[MEMSIM_STRATEGY_COUNT];
	struct memsim_stats_arg a;
	int ret;

	if (script_opts(s, no_opts, NULL, tok, ntok, 1, NULL))
		return -1;
	if (!s->exec)
		return 0;
	/* The strategies come with the first page: fetch it alone first. */
	ret = outcome(s, tok[0], memsim_get_stats(&s->h, 0, NULL, 0, &a));
	if (ret)
		return ret < 0 ? -1 : 0;
	memcpy(st, a.strategies, sizeof(st));
	if (json) {
		jbegin(s, tok[0]);
		json_strategies(st);
		jopen("streams", '[');
	} else {
		print_strategies(st, -1);
	}
	ret = memsim_walk_streams(&s->h, print_stream, NULL, NULL);
	return list_end(s, tok[0], ret);
}

static int sc_segments(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "segments", &ret))
		return ret;
	if (!json)
		printf("segments:\n");
	return list_end(s, tok[0], memsim_walk_segments(&s->h, print_segment, NULL));
}

static int sc_blocks(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "blocks", &ret))
		return ret;
	if (!json)
		print_blocks_header();
	return list_end(s, tok[0], memsim_walk_blocks_life(&s->h, print_block, NULL));
}

static int sc_map(struct script *s, char **tok, int ntok)
{
	int ret;

	if (!list_begin(s, tok, ntok, "segments", &ret))
		return ret;
	if (!json)
		print_map_header();
	return list_end(s, tok[0], memsim_walk_maps(&s->h, print_map, NULL));
}

#define SIM_VAL(name, fn, field) S_VAL(name, fn, struct memsim_simulate_arg, field)

static const struct opt script_simulate_opts[] = {
	SIM_VAL("ops", opt_u64, nr_ops),
	SIM_VAL("min", opt_u64, min_size),
	SIM_VAL("max", opt_u64, max_size),
	SIM_VAL("seed", opt_u64, seed),
	SIM_VAL("stream", opt_stream, stream),
	SIM_VAL("free", opt_prob, free_ppm),
	OPT_END
};

static int sc_simulate(struct script *s, char **tok, int ntok)
{
	struct memsim_simulate_arg a = {
		.nr_ops = 10000,
		.min_size = 64,
		.max_size = 64 << 10,
		.seed = 1,
		.free_ppm = 450000,
		.stream = MEMSIM_STREAM_ANY_ID,
	};
	int ret;

	if (script_opts(s, script_simulate_opts, &a, tok, ntok, 1, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = memsim_simulate(&s->h, &a, &a);
	if (ret)
		why_simulate(s->why, sizeof(s->why), ret, &a);
	ret = outcome(s, tok[0], ret);
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		json_sim_fields(&a);
		jend();
	} else {
		printf("simulate: %llu ops, %llu allocs, %llu failures, %llu frees; peak %llu, now %llu allocated, fragmentation ",
		       (unsigned long long)a.nr_ops,
		       (unsigned long long)a.successes,
		       (unsigned long long)a.failures,
		       (unsigned long long)a.frees,
		       (unsigned long long)a.peak_allocated,
		       (unsigned long long)a.final_allocated);
		print_ppm(a.frag_ppm);
		printf(", %.3f ms\n", (double)a.elapsed_ns / 1e6);
	}
	return 0;
}

static const struct opt reset_opts[] = {
	{ .name = "keep-segments", .parse = opt_bits, .arg = MEMSIM_RESET_KEEP_SEGMENTS },
	OPT_END
};

static int sc_reset(struct script *s, char **tok, int ntok)
{
	__u32 flags = 0;
	int ret;

	if (script_opts(s, reset_opts, &flags, tok, ntok, 1, NULL))
		return -1;
	if (!s->exec)
		return 0;
	ret = outcome(s, tok[0], memsim_reset(&s->h, flags));
	if (ret)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jbool("keep_segments", !!flags);
		jend();
	} else {
		printf("reset%s\n", flags ? ": segments kept" : "");
	}
	return 0;
}

/* trace: the instance's operation trace. */

/* Capacity of "trace on" without one, if the module allows as many. */
#define TRACE_DEFAULT_CAPACITY	65536U

static int dump_record(const struct memsim_trace_record *r, void *ctx)
{
	memsim_print_trace_record(stdout, r, *(int *)ctx);
	return 0;
}

/*
 * Print the records from s->trace_cursor on, in CSV after a header line or
 * as NDJSON, and tell on standard error how many were no longer there.
 */
static int trace_dump(struct script *s, int ndjson)
{
	struct memsim_trace_read_arg st;
	__u64 lost = 0;
	int ret;

	/* A first read, so that a failure comes before the CSV header. */
	ret = memsim_trace_read(&s->h, s->trace_cursor, NULL, 0, &st);
	if (ret)
		return ret;
	if (!ndjson)
		memsim_print_trace_csv_header(stdout);
	ret = memsim_walk_trace(&s->h, &s->trace_cursor, dump_record, &ndjson,
				&lost, &st);
	if (ret)
		return ret;
	fflush(stdout);
	if (lost && !quiet)
		fprintf(stderr, "memsimctl: trace: %llu record%s lost (ring capacity %u, %llu dropped in all)\n",
			(unsigned long long)lost, lost == 1 ? "" : "s", st.capacity,
			(unsigned long long)st.dropped);
	return 0;
}

/* "on" with no capacity: the default, or the module's maximum if lower. */
static int trace_default_capacity(struct script *s, __u32 *capacity)
{
	struct memsim_trace_read_arg st;
	int ret;

	ret = memsim_trace_read(&s->h, 0, NULL, 0, &st);
	if (!ret)
		*capacity = st.max_capacity < TRACE_DEFAULT_CAPACITY ?
			    st.max_capacity : TRACE_DEFAULT_CAPACITY;
	return ret;
}

/**
 * struct trace_words - the words after "trace on|off|dump"
 * @capacity: "on": CAPACITY or capacity=N.
 * @flags: "on": MEMSIM_TRACE_STACK for "stack".
 * @cap_given: 1 once the capacity was given (once only).
 * @ndjson: "dump": 1 for ndjson, 0 for csv.
 * @format_given: "dump": 1 once the format was given.
 */
struct trace_words {
	__u32 capacity;
	__u32 flags;
	int cap_given;
	int ndjson;
	int format_given;
};

/* capacity=N, or a word that is no option: the capacity, once. */
static int trace_capacity(struct opt_ctx *c, const char *word)
{
	struct trace_words *w = c->base;

	if (w->cap_given)
		return 0;
	if (value32(c->arg, word, &w->capacity))
		return -1;
	w->cap_given = 1;
	return 1;
}

static int opt_capacity(struct opt_ctx *c, const struct opt *o, const char *val)
{
	(void)o;
	return trace_capacity(c, val) ? 0 : OPT_UNKNOWN;
}

/* "dump": csv or ndjson, right after it. */
static int trace_format(struct opt_ctx *c, const char *word)
{
	struct trace_words *w = c->base;

	if (c->index != 2 || (strcmp(word, "csv") && strcmp(word, "ndjson")))
		return 0;
	w->ndjson = word[0] == 'n';
	return 1;
}

static const struct opt trace_on_opts[] = {
	S_FLAG("stack", struct trace_words, flags, MEMSIM_TRACE_STACK),
	S_VAL("capacity", opt_capacity, struct trace_words, capacity),
	OPT_END
};

static int sc_trace(struct script *s, char **tok, int ntok)
{
	struct trace_words w = { .ndjson = json };
	int on, dump, ret;

	if (want_args(s, tok, ntok, 1, "on [CAPACITY] [stack] | off | dump [csv|ndjson]"))
		return -1;
	on = !strcmp(tok[1], "on");
	dump = !strcmp(tok[1], "dump");
	if (!on && !dump && strcmp(tok[1], "off"))
		return serr(s, "trace: unknown action '%s' (on, off, dump)", tok[1]);
	if (script_opts(s, on ? trace_on_opts : no_opts, &w, tok, ntok, 2,
			on ? trace_capacity : dump ? trace_format : NULL))
		return -1;
	if (!s->exec)
		return 0;
	if (dump)
		ret = trace_dump(s, w.ndjson);
	else if (on && !w.cap_given)
		ret = trace_default_capacity(s, &w.capacity);
	else
		ret = 0;
	if (!ret && !dump) {
		ret = memsim_trace_ctl(&s->h, w.capacity,
				       on ? w.flags | MEMSIM_TRACE_ON : 0);
		if (ret && on) {
			struct memsim_trace_read_arg st = { 0 };
			struct saved_err e;

			err_save(s, &e);
			memsim_trace_read(&s->h, 0, NULL, 0, &st);
			err_restore(s, &e);
			why_trace(s->why, sizeof(s->why), ret, w.capacity, st.max_capacity,
				  !!w.flags);
		}
	}
	ret = outcome(s, tok[0], ret);
	if (ret || dump)
		return ret < 0 ? -1 : 0;
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", 1);
		jstr("action", tok[1]);
		ju64("capacity", w.capacity);
		jbool("stack", !!w.flags);
		jend();
	} else if (on) {
		printf("trace: on, capacity %u%s\n", w.capacity,
		       w.flags ? ", stacks" : "");
	} else {
		printf("trace: off\n");
	}
	return 0;
}

static int sc_set(struct script *s, char **tok, int ntok)
{
	char name[sizeof(s->bind)];
	__u64 v;

	if (want_args(s, tok, ntok, 2, "NAME VALUE"))
		return -1;
	if (resolve_name(s, tok[1], name, sizeof(name)))
		return -1;
	if (ntok > 3)
		return unknown_opt(s, tok, 3);
	if (value(s, tok[2], &v))
		return -1;
	return var_set(s, name, v);
}

static int sc_assert(struct script *s, char **tok, int ntok)
{
	static const char * const ops[] = { "==", "!=", "<", "<=", ">", ">=" };
	__u64 a, b;
	unsigned int op;
	int ok;

	if (ntok != 4)
		return serr(s, "usage: assert A OP B (OP: == != < <= > >=)");
	for (op = 0; op < ARRAY_SIZE(ops); op++)
		if (!strcmp(tok[2], ops[op]))
			break;
	if (op == ARRAY_SIZE(ops))
		return serr(s, "assert: unknown operator '%s' (== != < <= > >=)",
			    tok[2]);
	if (value(s, tok[1], &a) || value(s, tok[3], &b))
		return -1;
	if (!s->exec)
		return 0;
	switch (op) {
	case 0:
		ok = a == b;
		break;
	case 1:
		ok = a != b;
		break;
	case 2:
		ok = a < b;
		break;
	case 3:
		ok = a <= b;
		break;
	case 4:
		ok = a > b;
		break;
	default:
		ok = a >= b;
		break;
	}
	if (json) {
		jbegin(s, tok[0]);
		jbool("ok", ok);
		ju64("a", a);
		jstr("op", ops[op]);
		ju64("b", b);
		jend();
	}
	if (!ok)
		return serr(s, "assertion failed: %s %s %s (0x%llx %s 0x%llx)",
			    tok[1], tok[2], tok[3], (unsigned long long)a,
			    ops[op], (unsigned long long)b);
	return 0;
}

/* The commands; echo, batch and end are the executor's own (script.c). */
static const struct command commands[] = {
	{ "info", sc_info, 1 },
	{ "strategy", sc_strategy, 1 },
	{ "segment", sc_segment, 1 },
	{ "release", sc_release, 1 },
	{ "alloc", sc_alloc, 1 },
	{ "can-alloc", sc_can_alloc, 1 },
	{ "free", sc_free, 1 },
	{ "complete", sc_complete, 1 },
	{ "sync", sc_sync, 1 },
	{ "overlap", sc_overlap, 1 },
	{ "safe-range", sc_safe_range, 1 },
	{ "summary", sc_summary, 1 },
	{ "stats", sc_stats, 1 },
	{ "segments", sc_segments, 1 },
	{ "blocks", sc_blocks, 1 },
	{ "simulate", sc_simulate, 1 },
	{ "reset", sc_reset, 1 },
	{ "map", sc_map, 1 },
	{ "trace", sc_trace, 1 },
	{ "set", sc_set, 0 },
	{ "assert", sc_assert, 0 },
};

/* The words that start a line, besides the commands. */
static const char *const keywords[] = {
	"echo", "batch", "repeat", "end", "expect-error",
};

/* The command or keyword nearest to the typo @word, or NULL. */
const char *script_command_nearest(const char *word)
{
	const char *names[ARRAY_SIZE(commands) + ARRAY_SIZE(keywords)];
	size_t i, n = 0;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		names[n++] = commands[i].name;
	for (i = 0; i < ARRAY_SIZE(keywords); i++)
		names[n++] = keywords[i];
	return nearest_word(names, n, word);
}

const struct command *script_command(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}
