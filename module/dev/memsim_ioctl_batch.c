// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: ioctl handlers of /dev/memsim - batches and simulated workloads
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Long-running ioctls
 *
 * BATCH replays an array of allocations and frees in one call, the fast
 * path for replaying traces; SIMULATE runs the design's random workload in
 * the kernel.  Both hold the instance lock for their whole run, so their
 * operations are not interleaved with other callers', and both give the CPU
 * away every %MEMSIM_RESCHED_EVERY operations and stop with -EINTR when the
 * caller is being killed.
 *
 * A batch is validated in full before its first operation runs, so a
 * malformed one changes nothing.  Once they run, operations are not taken
 * back: a batch or a workload stopped by a fatal signal (or, for SIMULATE,
 * by -ENOMEM) keeps what it did and reports how far it got.
 */

#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/mutex.h>
#include <linux/prandom.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/slab.h>
#include <linux/uaccess.h>

#include "memsim_internal.h"
#include "memsim_ioctl.h"

#define MEMSIM_RESCHED_EVERY	64
#define MEMSIM_SIMULATE_MAX_OPS	BIT(20)

/*
 * Allocate under the instance's limits: the core's -E2BIG covers the
 * live-block limit (the module parameter max_blocks, as in force now) and
 * the memory budget.
 */
static int memsim_do_alloc(struct memsim_instance *inst, const struct memsim_request *req,
			   struct memsim_result *res)
{
	lockdep_assert_held(&inst->lock);

	inst->pool.max_live_blocks = READ_ONCE(memsim_limits.max_blocks);
	return memsim_alloc(&inst->pool, req, res);
}

/* The ALLOC argument a batch operation stands for. */
static void memsim_batch_alloc_arg(const struct memsim_batch_op *op,
				   struct memsim_alloc_arg *arg)
{
	memset(arg, 0, sizeof(*arg));
	arg->size = op->size;
	arg->align = op->align;
	arg->range_lo = op->range_lo;
	arg->range_hi = op->range_hi;
	arg->fixed_addr = op->flags & MEMSIM_ALLOC_FIXED ? op->addr : 0;
	arg->tag = op->tag;
	arg->stream = op->stream;
	arg->flags = op->flags;
}

static int memsim_batch_op_check(const struct memsim_batch_op *op)
{
	struct memsim_alloc_arg arg;
	struct memsim_request req;

	switch (op->op) {
	case MEMSIM_BATCH_ALLOC:
		/* @addr is out-only without FIXED: a replayed array is fine. */
		memsim_batch_alloc_arg(op, &arg);
		return memsim_alloc_request(&arg, &req);
	case MEMSIM_BATCH_FREE:
		if (op->flags & ~MEMSIM_FREE_DEFER)
			return -EINVAL;
		break;
	case MEMSIM_BATCH_COMPLETE_FREE:
		if (op->flags || op->size)
			return -EINVAL;
		break;
	default:
		return -EINVAL;
	}
	/* Fields a free does not use must be zero. */
	if (op->align || op->range_lo || op->range_hi || op->tag || op->stream)
		return -EINVAL;
	return 0;
}

static int memsim_batch_run_op(struct memsim_instance *inst, struct memsim_batch_op *op)
{
	struct memsim_free_result fres;
	struct memsim_alloc_arg arg;
	struct memsim_request req;
	struct memsim_result res;
	int ret;

	switch (op->op) {
	case MEMSIM_BATCH_ALLOC:
		memsim_batch_alloc_arg(op, &arg);
		memsim_alloc_request(&arg, &req);
		ret = memsim_do_alloc(inst, &req, &res);
		if (!ret) {
			op->addr = res.addr;
			op->result_size = res.size;
		}
		return ret;
	case MEMSIM_BATCH_FREE:
		ret = memsim_free(&inst->pool, op->addr, op->size,
				  op->flags & MEMSIM_FREE_DEFER ? MEMSIM_FREE_DEFERRED : 0,
				  &fres);
		break;
	default:
		ret = memsim_complete_free(&inst->pool, op->addr, &fres);
		break;
	}
	if (!ret)
		op->result_size = fres.freed_size;
	return ret;
}

/**
 * memsim_ioctl_batch_check() - check a &struct memsim_batch_arg
 * @data: the kernel copy.
 *
 * The operations are checked by the handler, once it has copied them in.
 *
 * Return: 0; -EINVAL for an unknown flag or a reserved field; -E2BIG for
 * no operation or more than max_batch.
 */
int memsim_ioctl_batch_check(const void *data)
{
	const struct memsim_batch_arg *arg = data;

	if ((arg->flags & ~MEMSIM_BATCH_STOP_ON_ERROR) ||
	    memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	if (!arg->count || arg->count > READ_ONCE(memsim_limits.max_batch))
		return -E2BIG;
	return 0;
}

/**
 * memsim_ioctl_batch() - %MEMSIM_IOC_BATCH
 * @inst: the instance.
 * @data: the checked &struct memsim_batch_arg.
 * @uarg: the caller's structure: the handler writes it back itself, also
 *	when the run stops early.
 *
 * The operations are copied in and checked in full, then written back
 * unchanged with the argument (results must be able to go back before
 * anything runs), then run under the lock.
 *
 * Return: 0 (each operation's own errno is in its @error); -EINVAL for a
 * malformed operation; -ENOMEM; -EINTR when a fatal signal stopped the run;
 * -EFAULT.
 */
long memsim_ioctl_batch(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_batch_arg *arg = data;
	struct memsim_batch_op *ops;
	long ret = 0;
	u32 i;

	ops = kvmalloc_array(arg->count, sizeof(*ops), GFP_KERNEL_ACCOUNT);
	if (!ops)
		return -ENOMEM;
	if (copy_from_user(ops, u64_to_user_ptr(arg->ops_ptr), arg->count * sizeof(*ops))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < arg->count; i++) {
		ret = memsim_batch_op_check(&ops[i]);
		if (ret)
			goto out;
	}
	/* Results must be able to go back before anything runs. */
	if (copy_to_user(u64_to_user_ptr(arg->ops_ptr), ops, arg->count * sizeof(*ops)) ||
	    copy_to_user(uarg, arg, sizeof(*arg))) {
		ret = -EFAULT;
		goto out;
	}
	for (i = 0; i < arg->count; i++) {
		ops[i].error = 0;
		ops[i].result_size = 0;
	}

	arg->done = 0;
	arg->failed = 0;
	mutex_lock(&inst->lock);
	for (i = 0; i < arg->count; i++) {
		if (fatal_signal_pending(current)) {
			ret = -EINTR;
			break;
		}
		ops[i].error = memsim_batch_run_op(inst, &ops[i]);
		arg->done++;
		if (ops[i].error) {
			arg->failed++;
			if (arg->flags & MEMSIM_BATCH_STOP_ON_ERROR)
				break;
		}
		if (i % MEMSIM_RESCHED_EVERY == MEMSIM_RESCHED_EVERY - 1)
			cond_resched();
	}
	mutex_unlock(&inst->lock);

	if (arg->done && copy_to_user(u64_to_user_ptr(arg->ops_ptr), ops,
				      arg->done * sizeof(*ops)))
		ret = -EFAULT;
	else if (copy_to_user(uarg, arg, sizeof(*arg)))
		ret = -EFAULT;
out:
	kvfree(ops);
	return ret;
}

/**
 * memsim_ioctl_simulate_check() - check a &struct memsim_simulate_arg
 * @data: the kernel copy.
 *
 * Return: 0, or -EINVAL for a flag, a pad or reserved field, no operation
 * or more than 2^20, an empty size range or a free ratio above 1.
 */
int memsim_ioctl_simulate_check(const void *data)
{
	const struct memsim_simulate_arg *arg = data;

	if (arg->flags || arg->pad || memsim_reserved_set(arg->reserved, sizeof(arg->reserved)))
		return -EINVAL;
	if (!arg->nr_ops || arg->nr_ops > MEMSIM_SIMULATE_MAX_OPS)
		return -EINVAL;
	if (!arg->min_size || arg->max_size < arg->min_size || arg->free_ppm > MEMSIM_PPM)
		return -EINVAL;
	return 0;
}

/* A draw in [0, span) from two 32-bit draws; span 0 stands for 2^64. */
static u64 memsim_draw(struct rnd_state *rnd, u64 span)
{
	u64 v = (u64)prandom_u32_state(rnd) << 32, rem;

	v |= prandom_u32_state(rnd);
	if (!span)
		return v;
	div64_u64_rem(v, span, &rem);
	return rem;
}

static int memsim_simulate_run(struct memsim_instance *inst,
			       struct memsim_simulate_arg *arg, u64 *live)
{
	struct memsim_request req = {
		.stream = memsim_stream_from_uapi(arg->stream),
		.owner = task_tgid_nr(current),
	};
	u64 span = arg->max_size - arg->min_size + 1;
	struct memsim_free_result fres;
	struct memsim_result res;
	struct rnd_state rnd;
	u64 i, nlive = 0;
	int ret;

	lockdep_assert_held(&inst->lock);
	prandom_seed_state(&rnd, arg->seed);
	for (i = 0; i < arg->nr_ops; i++) {
		if (fatal_signal_pending(current))
			return -EINTR;
		if (i % MEMSIM_RESCHED_EVERY == MEMSIM_RESCHED_EVERY - 1)
			cond_resched();

		if (prandom_u32_state(&rnd) % MEMSIM_PPM < arg->free_ppm && nlive) {
			u64 k = memsim_draw(&rnd, nlive);

			ret = memsim_free(&inst->pool, live[k], 0, 0, &fres);
			if (ret)
				return ret;
			live[k] = live[--nlive];
			arg->frees++;
			continue;
		}

		req.size = arg->min_size + memsim_draw(&rnd, span);
		ret = memsim_do_alloc(inst, &req, &res);
		if (ret == -ENOSPC || ret == -E2BIG) {
			arg->failures++;
			continue;
		}
		if (ret)
			return ret;
		live[nlive++] = res.addr;
		arg->successes++;
	}
	return 0;
}

/**
 * memsim_ioctl_simulate() - %MEMSIM_IOC_SIMULATE
 * @inst: the instance.
 * @data: the checked &struct memsim_simulate_arg.
 * @uarg: the caller's structure: the handler writes it back itself, also
 *	when the run stops early.
 *
 * The argument is written back unchanged before the run, so that one that
 * cannot take the counters fails before anything runs.
 *
 * Return: 0; -ENOMEM; -EINTR when a fatal signal stopped the run; -EFAULT.
 * The operations that ran stay, also when the run stopped early (-EINTR,
 * -ENOMEM): the counters written back say what they were.
 */
long memsim_ioctl_simulate(struct memsim_instance *inst, void *data, void __user *uarg)
{
	struct memsim_simulate_arg *arg = data;
	struct memsim_pool *pool = &inst->pool;
	u64 *live, t0;
	long ret;

	if (copy_to_user(uarg, arg, sizeof(*arg)))
		return -EFAULT;

	/* At most one live block per operation. */
	live = kvmalloc_array(arg->nr_ops, sizeof(*live), GFP_KERNEL_ACCOUNT);
	if (!live)
		return -ENOMEM;

	arg->successes = 0;
	arg->failures = 0;
	arg->frees = 0;
	arg->pad2 = 0;
	t0 = ktime_get_ns();
	mutex_lock(&inst->lock);
	ret = memsim_simulate_run(inst, arg, live);
	arg->peak_allocated = pool->usage.peak_allocated;
	arg->final_allocated = pool->usage.allocated;
	arg->frag_ppm = memsim_frag_ppm(pool->usage.free,
					memsim_largest_free(pool, MEMSIM_STREAM_ANY));
	mutex_unlock(&inst->lock);
	arg->elapsed_ns = ktime_get_ns() - t0;
	kvfree(live);

	if (copy_to_user(uarg, arg, sizeof(*arg)) && !ret)
		ret = -EFAULT;
	return ret;
}
