// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - allocating and freeing blocks
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Allocation ioctls
 *
 * ALLOC, CAN_ALLOC, EXPLAIN_ALLOC, FREE, COMPLETE_FREE and SYNC_STREAM: one
 * block at a time.  The allocating commands translate their argument the
 * same way (memsim_alloc_request()) and check the label the same way, so
 * a dry run or an explanation rejects exactly what ALLOC rejects.
 *
 * ALLOC and FREE may pass a label, copied in before the lock is taken; the
 * trace records the call makes while it holds the lock carry it
 * (&memsim_instance.call_label).  ALLOC writes its own result: the block's
 * address reaches the caller only through it, so the block is made only
 * once the result is written (see DOC: ioctl dispatch).
 */

#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

/**
 * memsim_label_from_user() - copy in the label a caller passed
 * @uptr: the user pointer from the argument, or 0 for none.
 * @label: %MEMSIM_LABEL_MAX bytes, set to the label (empty for none).
 *
 * The label ends up in text files, one record per line, so it must be
 * printable ASCII: no tab, newline or escape sequence can forge a column
 * or a line.
 *
 * Return: 0; -EFAULT if it cannot be read; -ENAMETOOLONG if it has no NUL
 * within %MEMSIM_LABEL_MAX bytes; -EINVAL for a byte that is not printable.
 */
static int memsim_label_from_user(u64 uptr, char *label)
{
	long len, i;

	BUILD_BUG_ON(MEMSIM_LABEL_MAX != MEMSIM_LABEL_LEN);
	label[0] = '\0';
	if (!uptr)
		return 0;
	len = strncpy_from_user(label, u64_to_user_ptr(uptr), MEMSIM_LABEL_MAX);
	if (len < 0)
		return len;
	if (len == MEMSIM_LABEL_MAX) {
		label[0] = '\0';
		return -ENAMETOOLONG;
	}
	for (i = 0; i < len; i++) {
		if (label[i] < 0x20 || label[i] > 0x7e) {
			label[0] = '\0';
			return -EINVAL;
		}
	}
	return 0;
}

/* Start and end a call whose trace records carry @label (if not empty). */
static void memsim_call_begin(struct memsim_instance *inst, const char *label)
{
	mutex_lock(&inst->lock);
	inst->call_label = label[0] ? label : NULL;
}

static void memsim_call_end(struct memsim_instance *inst)
{
	inst->call_label = NULL;
	mutex_unlock(&inst->lock);
}

static void memsim_alloc_result(const struct memsim_result *res,
				struct memsim_alloc_arg *arg)
{
	arg->largest = 0;
	arg->pad2 = 0;
	arg->addr = res->addr;
	arg->actual_size = res->size;
	arg->waste = res->waste;
	arg->segment_id = res->segment_id;
	arg->out_stream = res->stream;
	arg->steps = res->steps;
	arg->splits = res->splits;
}

/* ENOSPC's answer: nothing was placed; only @largest has something to say. */
static void memsim_alloc_nospace(struct memsim_instance *inst, u32 stream,
				 struct memsim_alloc_arg *arg)
{
	struct memsim_result none = { 0 };

	memsim_alloc_result(&none, arg);
	arg->largest = memsim_largest_alloc(&inst->pool, stream);
}

/**
 * memsim_ioctl_alloc_check() - check a &struct memsim_alloc_arg for ALLOC
 * @data: the kernel copy.
 *
 * The label is checked by the handler, which copies it in.
 *
 * Return: as memsim_alloc_request().
 */
int memsim_ioctl_alloc_check(const void *data)
{
	struct memsim_request req;

	return memsim_alloc_request(data, &req);
}

/**
 * memsim_ioctl_alloc() - %MEMSIM_IOC_ALLOC
 * @inst: the instance.
 * @data: the checked &struct memsim_alloc_arg; its out fields are set.
 * @uarg: the caller's structure, where the result goes.
 *
 * The block is made only once the result is written; on -ENOSPC the
 * failure is counted only once its answer (the largest possible size) is
 * written.  Either way an -EFAULT leaves no trace.
 *
 * Return: 0, or the label's errno, or as memsim_alloc_prepare() (-ENOSPC
 * with the result written), or -EFAULT.
 */
long memsim_ioctl_alloc(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_alloc_arg *arg = data;
	char label[MEMSIM_LABEL_MAX];
	struct memsim_alloc_plan plan;
	struct memsim_request req;
	unsigned int try;
	int ret, wret;

	/* Checked already: this cannot fail. */
	memsim_alloc_request(arg, &req);
	ret = memsim_label_from_user(arg->label_ptr, label);
	if (ret)
		return ret;
	req.label = label;

	for (try = 0; ; try++) {
		memsim_call_begin(inst, label);
		inst->pool.max_live_blocks = READ_ONCE(memsim_limits.max_blocks);
		ret = memsim_alloc_prepare(&inst->pool, &req, &plan);
		if (ret && ret != -ENOSPC) {
			memsim_call_end(inst);
			return ret;
		}
		if (ret)
			memsim_alloc_nospace(inst, req.stream, arg);
		else
			memsim_alloc_result(&plan.res, arg);
		wret = memsim_result_write(uarg, arg, sizeof(*arg));
		if (wret) {
			if (!ret)
				memsim_alloc_abort(&inst->pool, &plan);
		} else if (ret) {
			memsim_alloc_count_failure(&inst->pool, &plan);
		} else {
			memsim_alloc_commit(&inst->pool, &plan);
		}
		memsim_call_end(inst);
		if (!wret)
			return ret;
		wret = memsim_result_fault_in(uarg, sizeof(*arg), try);
		if (wret)
			return wret;
	}
}

/**
 * memsim_ioctl_can_alloc_check() - check a &struct memsim_alloc_arg for CAN_ALLOC
 * @data: the kernel copy.
 *
 * Checked as ALLOC would, the label included, so a dry run rejects what
 * ALLOC rejects; the label is not used.
 *
 * Return: as memsim_alloc_request(), or the label's errno.
 */
int memsim_ioctl_can_alloc_check(const void *data)
{
	const struct memsim_alloc_arg *arg = data;
	char label[MEMSIM_LABEL_MAX];
	struct memsim_request req;
	int ret;

	ret = memsim_alloc_request(arg, &req);
	if (ret)
		return ret;
	return memsim_label_from_user(arg->label_ptr, label);
}

/**
 * memsim_ioctl_can_alloc() - %MEMSIM_IOC_CAN_ALLOC, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_alloc_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: as memsim_can_alloc(); on -ENOSPC the result is copied back too,
 * with only @largest set.
 */
long memsim_ioctl_can_alloc(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_alloc_arg *arg = data;
	struct memsim_request req;
	struct memsim_result res;
	u64 largest;
	int ret;

	memsim_alloc_request(arg, &req);
	ret = memsim_can_alloc(&inst->pool, &req, &res);
	largest = memsim_largest_alloc(&inst->pool, req.stream);
	if (ret && ret != -ENOSPC)
		return ret;
	/* On -ENOSPC only @largest has something to say. */
	if (ret)
		memset(&res, 0, sizeof(res));
	memsim_alloc_result(&res, arg);
	arg->largest = largest;
	return ret;
}

/* The core's reasons, as the uapi numbers them. */
static const u32 memsim_refusal_uapi[] = {
	[MEMSIM_REFUSAL_FITS] = MEMSIM_REFUSED_FITS,
	[MEMSIM_REFUSAL_SMALL] = MEMSIM_REFUSED_SMALL,
	[MEMSIM_REFUSAL_ALIGN] = MEMSIM_REFUSED_ALIGN,
	[MEMSIM_REFUSAL_RANGE] = MEMSIM_REFUSED_RANGE,
	[MEMSIM_REFUSAL_STREAM] = MEMSIM_REFUSED_STREAM,
	[MEMSIM_REFUSAL_DEFERRED] = MEMSIM_REFUSED_DEFERRED,
};

static void memsim_explain_result(const struct memsim_explanation *ex,
				  struct memsim_explain_arg *arg)
{
	unsigned int i;

	arg->free_bytes = ex->free_bytes;
	arg->largest_free = ex->largest_free;
	arg->largest_alloc = ex->largest_alloc;
	arg->deferred_bytes = ex->deferred_bytes;
	arg->other_free_bytes = ex->other_free_bytes;
	arg->free_blocks = ex->free_blocks;
	arg->frag_ppm = ex->frag_ppm;
	arg->would_fit = ex->would_fit;
	arg->nr_blocks = ex->nr_blocks;
	memset(arg->blocks, 0, sizeof(arg->blocks));
	BUILD_BUG_ON(MEMSIM_EXPLAIN_MAX != MEMSIM_EXPLAIN_BLOCKS);
	for (i = 0; i < ex->nr_blocks; i++) {
		arg->blocks[i].addr = ex->blocks[i].addr;
		arg->blocks[i].size = ex->blocks[i].size;
		arg->blocks[i].segment_id = ex->blocks[i].segment_id;
		arg->blocks[i].usable = ex->blocks[i].usable;
		arg->blocks[i].stream = memsim_stream_to_uapi(ex->blocks[i].stream);
		arg->blocks[i].reason = memsim_refusal_uapi[ex->blocks[i].reason];
	}
}

/**
 * memsim_ioctl_explain_alloc_check() - check a &struct memsim_explain_arg
 * @data: the kernel copy.
 *
 * The request is checked as CAN_ALLOC checks it, label included.
 *
 * Return: 0, -EINVAL for a pad or reserved field, or as
 * memsim_ioctl_can_alloc_check().
 */
int memsim_ioctl_explain_alloc_check(const void *data)
{
	const struct memsim_explain_arg *arg = data;

	if (arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return memsim_ioctl_can_alloc_check(&arg->req);
}

/**
 * memsim_ioctl_explain_alloc() - %MEMSIM_IOC_EXPLAIN_ALLOC, a query
 * @inst: the instance.
 * @data: the checked &struct memsim_explain_arg; its out fields are set.
 * @uarg: unused.
 *
 * The request part of the argument is only read (the dispatcher copies
 * back from @free_bytes on), so a caller can pass the very structure an
 * ALLOC just failed with.
 *
 * Return: 0, -ENOMEM, or as memsim_explain().
 */
long memsim_ioctl_explain_alloc(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_explain_arg *arg = data;
	struct memsim_explanation *ex;
	struct memsim_request req;
	int ret;

	memsim_alloc_request(&arg->req, &req);
	/* 400 bytes: too many for the stack beside the argument. */
	ex = kmalloc(sizeof(*ex), GFP_KERNEL);
	if (!ex)
		return -ENOMEM;
	mutex_lock(&inst->lock);
	ret = memsim_explain(&inst->pool, &req, ex);
	mutex_unlock(&inst->lock);
	if (!ret)
		memsim_explain_result(ex, arg);
	kfree(ex);
	return ret;
}

/* The pad and reserved fields FREE and COMPLETE_FREE share. */
static int memsim_free_arg_check(const struct memsim_free_arg *arg)
{
	if (arg->pad || arg->reserved)
		return -EINVAL;
	return 0;
}

static void memsim_free_result(const struct memsim_free_result *res,
			       struct memsim_free_arg *arg)
{
	arg->freed_size = res->freed_size;
	arg->coalesced_addr = res->coalesced_addr;
	arg->coalesced_size = res->coalesced_size;
	arg->coalesced = res->coalesced;
	arg->deferred = res->deferred;
}

/**
 * memsim_ioctl_free_check() - check a &struct memsim_free_arg for FREE
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a pad or reserved field or an unknown flag.
 */
int memsim_ioctl_free_check(const void *data)
{
	const struct memsim_free_arg *arg = data;
	int ret;

	ret = memsim_free_arg_check(arg);
	if (ret)
		return ret;
	if (arg->flags & ~MEMSIM_FREE_DEFER)
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_free() - %MEMSIM_IOC_FREE
 * @inst: the instance.
 * @data: the checked &struct memsim_free_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, the label's errno, or as memsim_free().
 */
long memsim_ioctl_free(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_free_arg *arg = data;
	char label[MEMSIM_LABEL_MAX];
	struct memsim_free_result res;
	int ret;

	ret = memsim_label_from_user(arg->label_ptr, label);
	if (ret)
		return ret;

	memsim_call_begin(inst, label);
	ret = memsim_free(&inst->pool, arg->addr, arg->expected_size,
			  arg->flags & MEMSIM_FREE_DEFER ? MEMSIM_FREE_DEFERRED : 0, &res);
	memsim_call_end(inst);
	if (!ret)
		memsim_free_result(&res, arg);
	return ret;
}

/**
 * memsim_ioctl_complete_free_check() - check a &struct memsim_free_arg for
 *	COMPLETE_FREE
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a pad or reserved field, a flag or an expected
 * size.
 */
int memsim_ioctl_complete_free_check(const void *data)
{
	const struct memsim_free_arg *arg = data;
	int ret;

	ret = memsim_free_arg_check(arg);
	if (ret)
		return ret;
	if (arg->flags || arg->expected_size)
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_complete_free() - %MEMSIM_IOC_COMPLETE_FREE
 * @inst: the instance.
 * @data: the checked &struct memsim_free_arg; its out fields are set.
 * @uarg: unused.
 *
 * Return: 0, the label's errno, or as memsim_complete_free().
 */
long memsim_ioctl_complete_free(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_free_arg *arg = data;
	char label[MEMSIM_LABEL_MAX];
	struct memsim_free_result res;
	int ret;

	ret = memsim_label_from_user(arg->label_ptr, label);
	if (ret)
		return ret;

	memsim_call_begin(inst, label);
	ret = memsim_complete_free(&inst->pool, arg->addr, &res);
	memsim_call_end(inst);
	if (!ret)
		memsim_free_result(&res, arg);
	return ret;
}

/**
 * memsim_ioctl_sync_stream_check() - check a &struct memsim_sync_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag or a reserved field.
 */
int memsim_ioctl_sync_stream_check(const void *data)
{
	const struct memsim_sync_arg *arg = data;

	if (arg->flags || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	return 0;
}

/**
 * memsim_ioctl_sync_stream() - %MEMSIM_IOC_SYNC_STREAM, under the lock
 * @inst: the instance.
 * @data: the checked &struct memsim_sync_arg; @completed is set.
 * @uarg: unused.
 *
 * Return: as memsim_sync_stream().
 */
long memsim_ioctl_sync_stream(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_sync_arg *arg = data;

	return memsim_sync_stream(&inst->pool, memsim_stream_from_uapi(arg->stream),
				  &arg->completed);
}
