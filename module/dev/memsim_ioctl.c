// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - configuration, segments, blocks
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: ioctl handling
 *
 * Each command is split in two: a thin wrapper that copies the argument in
 * and out of userspace, and the work on a kernel copy.  Every input field is
 * validated before the instance lock is taken and before anything changes,
 * so a rejected call leaves both the instance and the caller's structure as
 * they were.  The lock is never held across a copy that can fault: results
 * are gathered under the lock into kernel memory and copied out after it
 * is dropped.  ALLOC and CREATE_SEGMENT are the exception that proves it:
 * their result is the caller's only handle on what they make, so it is
 * written before the change is committed, under the lock but with page
 * faults disabled (memsim_result_write()), and a page that is not there
 * makes the call start again after faulting it in, never leaves a block or
 * segment nobody knows of.
 *
 * The uapi numbers (strategies, flags) are translated here; the allocator
 * core has its own and knows nothing of the ABI.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/pagemap.h>
#include <linux/mutex.h>
#include <linux/string.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"

/**
 * memsim_reserved_set() - whether any byte of a reserved area is set
 * @area: the area.
 * @len: its size.
 *
 * Return: true if a byte is not zero.
 */
bool memsim_reserved_set(const void *area, size_t len)
{
	return memchr_inv(area, 0, len);
}

static const enum memsim_strategy memsim_strategy_from_uapi[] = {
	[MEMSIM_STRATEGY_FIRST_FIT] = MEMSIM_FIRST_FIT,
	[MEMSIM_STRATEGY_BEST_FIT] = MEMSIM_BEST_FIT,
	[MEMSIM_STRATEGY_WORST_FIT] = MEMSIM_WORST_FIT,
	[MEMSIM_STRATEGY_NEXT_FIT] = MEMSIM_NEXT_FIT,
	[MEMSIM_STRATEGY_BUDDY] = MEMSIM_BUDDY,
	[MEMSIM_STRATEGY_TLSF] = MEMSIM_TLSF,
};

/**
 * memsim_strategy_uapi_name() - short name of an ABI strategy number
 * @id: a MEMSIM_STRATEGY_* value.
 *
 * Return: the name memsim_strategy_name() gives it, or "?".
 */
const char *memsim_strategy_uapi_name(u32 id)
{
	if (id >= ARRAY_SIZE(memsim_strategy_from_uapi))
		return "?";
	return memsim_strategy_name(memsim_strategy_from_uapi[id]);
}

/**
 * memsim_strategy_to_uapi() - the ABI number of a core strategy
 * @s: the core's strategy.
 *
 * Return: the matching MEMSIM_STRATEGY_* value.
 */
u32 memsim_strategy_to_uapi(enum memsim_strategy s)
{
	u32 i;

	for (i = 0; i < ARRAY_SIZE(memsim_strategy_from_uapi); i++)
		if (memsim_strategy_from_uapi[i] == s)
			return i;
	return MEMSIM_STRATEGY_FIRST_FIT;
}

/**
 * memsim_get_info() - answer %MEMSIM_IOC_GET_INFO
 * @inst: instance the request came through.
 * @info: kernel copy of the caller's structure; overwritten on success.
 *
 * Return: 0 on success; -EINVAL if @info has a flag set, in which case
 * @info is left untouched.
 */
int memsim_get_info(struct memsim_instance *inst, struct memsim_info *info)
{
	if (info->flags)
		return -EINVAL;

	memset(info, 0, sizeof(*info));
	info->abi_version = MEMSIM_ABI_VERSION;
	info->features = MEMSIM_FEATURE_TRACE | MEMSIM_FEATURE_EXPLAIN;
	if (memsim_debugfs_available())
		info->features |= MEMSIM_FEATURE_DEBUGFS;
	if (memsim_tlog_stacks_available())
		info->features |= MEMSIM_FEATURE_TRACE_STACK;
	info->instance_id = inst->id;
	info->max_segments = READ_ONCE(memsim_limits.max_segments);
	info->max_batch = READ_ONCE(memsim_limits.max_batch);
	info->max_blocks = READ_ONCE(memsim_limits.max_blocks);
	info->max_list = MEMSIM_LIST_MAX;
	info->max_trace_records = memsim_tlog_max_capacity();
	info->max_instance_memory = READ_ONCE(memsim_budget.instance_limit);
	info->max_total_memory = READ_ONCE(memsim_budget.total_limit);
	return 0;
}
EXPORT_SYMBOL_IF_KUNIT(memsim_get_info);

/*
 * Copy-in, handle, copy-out for the commands whose handler needs nothing
 * but the kernel copy: memsim_ioctl_NAME() wraps NAME().  Commands that
 * only take input (_IOW) copy nothing back.  The others first write the
 * argument back unchanged: a caller whose buffer cannot take the answer
 * gets -EFAULT before anything changes, rather than a segment or block it
 * cannot know about.
 */
#define MEMSIM_IOCTL(name, type, copy_back)					\
static long memsim_ioctl_##name(struct memsim_instance *inst, void __user *uarg)	\
{										\
	const bool back = copy_back;						\
	type arg;								\
	int ret;								\
										\
	if (copy_from_user(&arg, uarg, sizeof(arg)))				\
		return -EFAULT;							\
	if (back && copy_to_user(uarg, &arg, sizeof(arg)))			\
		return -EFAULT;							\
	ret = name(inst, &arg);							\
	if (ret || !back)							\
		return ret;							\
	return copy_to_user(uarg, &arg, sizeof(arg)) ? -EFAULT : 0;		\
}

static int memsim_set_strategy_arg(struct memsim_instance *inst,
				   struct memsim_strategy_arg *arg)
{
	int ret;

	if (arg->flags || arg->reserved)
		return -EINVAL;
	if (arg->strategy >= MEMSIM_STRATEGY_COUNT)
		return -EINVAL;
	/* Each parameter belongs to its strategy: TLSF's classes, buddy's minimum. */
	if (arg->strategy == MEMSIM_STRATEGY_TLSF ? arg->buddy_min_block : arg->tlsf_classes)
		return -EINVAL;

	mutex_lock(&inst->lock);
	ret = memsim_set_strategy(&inst->pool, memsim_strategy_from_uapi[arg->strategy],
				  arg->strategy == MEMSIM_STRATEGY_TLSF ? arg->tlsf_classes :
				  arg->buddy_min_block);
	mutex_unlock(&inst->lock);
	return ret;
}

/*
 * Write a command's result to userspace while the instance lock is held,
 * between preparing a change and committing it: with page faults
 * disabled, so that the lock is never held across a fault, which could
 * sleep on the caller's memory for as long as the caller likes
 * (userfaultfd).  When the page is not there, the caller drops the
 * prepared change and the lock, faults the page in with
 * memsim_result_fault_in() and starts again; a caller whose buffer is
 * really not writable gets -EFAULT from there, with nothing changed.
 */
static int memsim_result_write(void __user *uarg, const void *arg, size_t size)
{
	return copy_to_user_nofault(uarg, arg, size) ? -EFAULT : 0;
}

/* Tries of the prepare, write, commit loop before giving up with -EFAULT. */
#define MEMSIM_RESULT_TRIES	8

static int memsim_result_fault_in(void __user *uarg, size_t size, unsigned int try)
{
	if (try + 1 >= MEMSIM_RESULT_TRIES)
		return -EFAULT;
	return fault_in_writeable(uarg, size) ? -EFAULT : 0;
}

/*
 * CREATE_SEGMENT: the caller learns the segment's id only from the result,
 * so the segment is created only once the result is written.
 */
static long memsim_ioctl_create_segment(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_segment_plan plan;
	struct memsim_segment_arg arg;
	unsigned int try;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || arg.pad || memsim_reserved_set(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	/* A malformed request gets -EINVAL even when the instance is full. */
	ret = memsim_segment_args_valid(arg.start, arg.size, arg.stream);
	if (ret)
		return ret;

	for (try = 0; ; try++) {
		mutex_lock(&inst->lock);
		if (inst->pool.nr_segments >= READ_ONCE(memsim_limits.max_segments)) {
			mutex_unlock(&inst->lock);
			return -E2BIG;
		}
		ret = memsim_segment_prepare(&inst->pool, arg.start, arg.size, arg.device,
					     arg.stream, &plan);
		if (ret) {
			mutex_unlock(&inst->lock);
			return ret;
		}
		arg.segment_id = plan.id;
		ret = memsim_result_write(uarg, &arg, sizeof(arg));
		if (!ret)
			memsim_segment_commit(&inst->pool, &plan);
		else
			memsim_segment_abort(&inst->pool, &plan);
		mutex_unlock(&inst->lock);
		if (!ret)
			return 0;
		ret = memsim_result_fault_in(uarg, sizeof(arg), try);
		if (ret)
			return ret;
	}
}

static int memsim_release_segment(struct memsim_instance *inst,
				  struct memsim_segment_arg *arg)
{
	int ret;

	if (arg->start || arg->size || arg->device || arg->stream || arg->flags ||
	    arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;

	mutex_lock(&inst->lock);
	ret = memsim_segment_release(&inst->pool, arg->segment_id);
	mutex_unlock(&inst->lock);
	return ret;
}

static long memsim_ioctl_check_overlap(struct memsim_instance *inst, void __user *uarg)
{
	struct memsim_overlap_arg arg;
	u64 *ids = NULL, end;
	u32 nr, n;
	int ret = 0;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.flags || memsim_reserved_set(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	if (!arg.size || check_add_overflow(arg.start, arg.size, &end) ||
	    arg.ids_cap > MEMSIM_LIST_MAX)
		return -EINVAL;

	if (arg.ids_cap) {
		ids = kvcalloc(arg.ids_cap, sizeof(*ids), GFP_KERNEL_ACCOUNT);
		if (!ids)
			return -ENOMEM;
	}

	mutex_lock(&inst->lock);
	arg.kind = memsim_check_overlap(&inst->pool, arg.start, arg.size, ids,
					arg.ids_cap, &nr);
	mutex_unlock(&inst->lock);
	arg.nr_ids = nr;

	n = min(nr, arg.ids_cap);
	if (n && copy_to_user(u64_to_user_ptr(arg.ids_ptr), ids, n * sizeof(*ids)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, &arg, sizeof(arg)))
		ret = -EFAULT;
	kvfree(ids);
	return ret;
}

static int memsim_find_safe_range_arg(struct memsim_instance *inst,
				      struct memsim_safe_range_arg *arg)
{
	int ret;

	if (arg->flags || arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;

	mutex_lock(&inst->lock);
	ret = memsim_find_safe_range(&inst->pool, arg->size, arg->align, arg->min,
				     arg->max, &arg->addr);
	mutex_unlock(&inst->lock);
	return ret;
}

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

/**
 * memsim_alloc_request() - translate an ALLOC argument into a core request
 * @arg: the argument, as copied from userspace.
 * @req: the request to fill.
 *
 * The label is not looked at: the caller copies it in.  The request's owner
 * is the calling thread group.
 *
 * Return: 0, or -EINVAL for an unknown flag, a non-zero pad or reserved
 * field, or a range or fixed address given without its flag.
 */
int memsim_alloc_request(const struct memsim_alloc_arg *arg, struct memsim_request *req)
{
	if (arg->flags & ~MEMSIM_ALLOC_FLAGS)
		return -EINVAL;
	if (arg->pad || arg->reserved)
		return -EINVAL;
	/* Fields of an option not asked for must be zero, not ignored. */
	if (!(arg->flags & MEMSIM_ALLOC_RANGE) && (arg->range_lo || arg->range_hi))
		return -EINVAL;
	if (!(arg->flags & MEMSIM_ALLOC_FIXED) && arg->fixed_addr)
		return -EINVAL;

	memset(req, 0, sizeof(*req));
	req->size = arg->size;
	req->align = arg->align;
	req->range_lo = arg->range_lo;
	req->range_hi = arg->range_hi;
	req->addr = arg->fixed_addr;
	req->stream = arg->stream == MEMSIM_STREAM_ANY_ID ? MEMSIM_STREAM_ANY : arg->stream;
	req->tag = arg->tag;
	req->owner = task_tgid_nr(current);
	if (arg->flags & MEMSIM_ALLOC_TOPDOWN)
		req->flags |= MEMSIM_REQ_TOPDOWN;
	if (arg->flags & MEMSIM_ALLOC_RANGE)
		req->flags |= MEMSIM_REQ_RANGE;
	if (arg->flags & MEMSIM_ALLOC_FIXED)
		req->flags |= MEMSIM_REQ_FIXED;
	return 0;
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
 * memsim_do_alloc() - allocate under the instance's limits
 * @inst: the instance; its lock is held.
 * @req: the core request.
 * @res: the result.
 *
 * Return: as memsim_alloc(), whose -E2BIG covers the live-block limit
 * (the module parameter max_blocks) and the memory budget.
 */
int memsim_do_alloc(struct memsim_instance *inst, const struct memsim_request *req,
		    struct memsim_result *res)
{
	lockdep_assert_held(&inst->lock);

	inst->pool.max_live_blocks = READ_ONCE(memsim_limits.max_blocks);
	return memsim_alloc(&inst->pool, req, res);
}

/*
 * ALLOC: the block's address reaches the caller only through the result,
 * so the block is made only once the result is written; on -ENOSPC the
 * failure is counted only once its answer (the largest possible size) is
 * written.  Either way an -EFAULT leaves no trace.
 */
static long memsim_ioctl_alloc(struct memsim_instance *inst, void __user *uarg)
{
	char label[MEMSIM_LABEL_MAX];
	struct memsim_alloc_plan plan;
	struct memsim_alloc_arg arg;
	struct memsim_request req;
	unsigned int try;
	int ret, wret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_alloc_request(&arg, &req);
	if (ret)
		return ret;
	ret = memsim_label_from_user(arg.label_ptr, label);
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
			memsim_alloc_nospace(inst, req.stream, &arg);
		else
			memsim_alloc_result(&plan.res, &arg);
		wret = memsim_result_write(uarg, &arg, sizeof(arg));
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
		wret = memsim_result_fault_in(uarg, sizeof(arg), try);
		if (wret)
			return wret;
	}
}

static long memsim_ioctl_can_alloc(struct memsim_instance *inst, void __user *uarg)
{
	char label[MEMSIM_LABEL_MAX];
	struct memsim_alloc_arg arg;
	struct memsim_request req;
	struct memsim_result res;
	u64 largest;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	ret = memsim_alloc_request(&arg, &req);
	if (ret)
		return ret;
	/* Checked as ALLOC would, so a dry run rejects what ALLOC rejects. */
	ret = memsim_label_from_user(arg.label_ptr, label);
	if (ret)
		return ret;

	mutex_lock(&inst->lock);
	ret = memsim_can_alloc(&inst->pool, &req, &res);
	largest = memsim_largest_alloc(&inst->pool, req.stream);
	mutex_unlock(&inst->lock);

	if (ret && ret != -ENOSPC)
		return ret;
	/* On -ENOSPC only @largest has something to say. */
	if (ret)
		memset(&res, 0, sizeof(res));
	memsim_alloc_result(&res, &arg);
	arg.largest = largest;
	if (copy_to_user(uarg, &arg, sizeof(arg)))
		return -EFAULT;
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
		arg->blocks[i].stream = ex->blocks[i].stream == MEMSIM_STREAM_ANY ?
					MEMSIM_STREAM_ANY_ID : ex->blocks[i].stream;
		arg->blocks[i].reason = memsim_refusal_uapi[ex->blocks[i].reason];
	}
}

/*
 * EXPLAIN_ALLOC: a query.  The request part of the argument is only read,
 * so a caller can pass the very structure an ALLOC just failed with.
 */
static long memsim_ioctl_explain_alloc(struct memsim_instance *inst, void __user *uarg)
{
	const size_t out = offsetof(struct memsim_explain_arg, free_bytes);
	struct memsim_explanation *ex;
	char label[MEMSIM_LABEL_MAX];
	struct memsim_explain_arg arg;
	struct memsim_request req;
	int ret;

	if (copy_from_user(&arg, uarg, sizeof(arg)))
		return -EFAULT;
	if (arg.pad || memsim_reserved_set(arg.reserved, sizeof(arg.reserved)))
		return -EINVAL;
	ret = memsim_alloc_request(&arg.req, &req);
	if (ret)
		return ret;
	ret = memsim_label_from_user(arg.req.label_ptr, label);
	if (ret)
		return ret;

	/* 400 bytes: too many for the stack beside the argument. */
	ex = kmalloc(sizeof(*ex), GFP_KERNEL);
	if (!ex)
		return -ENOMEM;
	mutex_lock(&inst->lock);
	ret = memsim_explain(&inst->pool, &req, ex);
	mutex_unlock(&inst->lock);
	if (!ret) {
		memsim_explain_result(ex, &arg);
		if (copy_to_user(uarg + out, (char *)&arg + out, sizeof(arg) - out))
			ret = -EFAULT;
	}
	kfree(ex);
	return ret;
}

static int memsim_free_check(const struct memsim_free_arg *arg)
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

static int memsim_free_arg(struct memsim_instance *inst, struct memsim_free_arg *arg)
{
	char label[MEMSIM_LABEL_MAX];
	struct memsim_free_result res;
	int ret;

	ret = memsim_free_check(arg);
	if (ret)
		return ret;
	if (arg->flags & ~MEMSIM_FREE_DEFER)
		return -EINVAL;
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

static int memsim_complete_free_arg(struct memsim_instance *inst,
				    struct memsim_free_arg *arg)
{
	char label[MEMSIM_LABEL_MAX];
	struct memsim_free_result res;
	int ret;

	ret = memsim_free_check(arg);
	if (ret)
		return ret;
	if (arg->flags || arg->expected_size)
		return -EINVAL;
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

static int memsim_sync_stream_arg(struct memsim_instance *inst, struct memsim_sync_arg *arg)
{
	u32 stream = arg->stream == MEMSIM_STREAM_ANY_ID ? MEMSIM_STREAM_ANY : arg->stream;
	int ret;

	if (arg->flags || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;

	mutex_lock(&inst->lock);
	ret = memsim_sync_stream(&inst->pool, stream, &arg->completed);
	mutex_unlock(&inst->lock);
	return ret;
}

static int memsim_reset_arg(struct memsim_instance *inst, struct memsim_reset_arg *arg)
{
	if ((arg->flags & ~MEMSIM_RESET_KEEP_SEGMENTS) || arg->pad ||
	    memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;

	mutex_lock(&inst->lock);
	memsim_pool_reset(&inst->pool, arg->flags & MEMSIM_RESET_KEEP_SEGMENTS);
	mutex_unlock(&inst->lock);
	return 0;
}

MEMSIM_IOCTL(memsim_get_info, struct memsim_info, true)
MEMSIM_IOCTL(memsim_set_strategy_arg, struct memsim_strategy_arg, false)
MEMSIM_IOCTL(memsim_release_segment, struct memsim_segment_arg, false)
MEMSIM_IOCTL(memsim_find_safe_range_arg, struct memsim_safe_range_arg, true)
MEMSIM_IOCTL(memsim_free_arg, struct memsim_free_arg, true)
MEMSIM_IOCTL(memsim_complete_free_arg, struct memsim_free_arg, true)
MEMSIM_IOCTL(memsim_sync_stream_arg, struct memsim_sync_arg, true)
MEMSIM_IOCTL(memsim_reset_arg, struct memsim_reset_arg, false)

/**
 * memsim_ioctl() - dispatch an ioctl on /dev/memsim
 * @file: open file; its private data is the instance.
 * @cmd: ioctl command.
 * @arg: user pointer to the command's structure.
 *
 * Return: 0 or a negative errno; -ENOTTY for a command memsim does not know.
 */
long memsim_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	struct memsim_instance *inst = file->private_data;
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case MEMSIM_IOC_GET_INFO:
		return memsim_ioctl_memsim_get_info(inst, uarg);
	case MEMSIM_IOC_SET_STRATEGY:
		return memsim_ioctl_memsim_set_strategy_arg(inst, uarg);
	case MEMSIM_IOC_CREATE_SEGMENT:
		return memsim_ioctl_create_segment(inst, uarg);
	case MEMSIM_IOC_RELEASE_SEGMENT:
		return memsim_ioctl_memsim_release_segment(inst, uarg);
	case MEMSIM_IOC_CHECK_OVERLAP:
		return memsim_ioctl_check_overlap(inst, uarg);
	case MEMSIM_IOC_FIND_SAFE_RANGE:
		return memsim_ioctl_memsim_find_safe_range_arg(inst, uarg);
	case MEMSIM_IOC_ALLOC:
		return memsim_ioctl_alloc(inst, uarg);
	case MEMSIM_IOC_CAN_ALLOC:
		return memsim_ioctl_can_alloc(inst, uarg);
	case MEMSIM_IOC_FREE:
		return memsim_ioctl_memsim_free_arg(inst, uarg);
	case MEMSIM_IOC_COMPLETE_FREE:
		return memsim_ioctl_memsim_complete_free_arg(inst, uarg);
	case MEMSIM_IOC_SYNC_STREAM:
		return memsim_ioctl_memsim_sync_stream_arg(inst, uarg);
	case MEMSIM_IOC_GET_SUMMARY:
		return memsim_ioctl_get_summary(inst, uarg);
	case MEMSIM_IOC_GET_STATS:
		return memsim_ioctl_get_stats(inst, uarg);
	case MEMSIM_IOC_GET_STATS_V1:
		return memsim_ioctl_get_stats_v1(inst, uarg);
	case MEMSIM_IOC_GET_SEGMENTS:
		return memsim_ioctl_get_segments(inst, uarg);
	case MEMSIM_IOC_GET_BLOCKS:
		return memsim_ioctl_get_blocks(inst, uarg);
	case MEMSIM_IOC_BATCH:
		return memsim_ioctl_batch(inst, uarg);
	case MEMSIM_IOC_SIMULATE:
		return memsim_ioctl_simulate(inst, uarg);
	case MEMSIM_IOC_RESET:
		return memsim_ioctl_memsim_reset_arg(inst, uarg);
	case MEMSIM_IOC_TRACE_CTL:
		return memsim_ioctl_trace_ctl(inst, uarg);
	case MEMSIM_IOC_TRACE_READ:
		return memsim_ioctl_trace_read(inst, uarg);
	case MEMSIM_IOC_GET_BLOCKS_LIFE:
		return memsim_ioctl_get_blocks_life(inst, uarg);
	case MEMSIM_IOC_EXPLAIN_ALLOC:
		return memsim_ioctl_explain_alloc(inst, uarg);
	default:
		return -ENOTTY;
	}
}
