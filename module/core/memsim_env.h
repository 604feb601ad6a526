/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: what the allocator core needs from its environment
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIM_ENV_H
#define _MEMSIM_ENV_H

/**
 * DOC: Environment
 *
 * The allocator core (memsim_core.h and the files implementing it) is plain
 * data-structure code.  It compiles unchanged in two places: in the module,
 * and in userspace against the kernel source's own tools/include (list,
 * rbtree, rbtree_augmented, overflow, log2) and tools/lib/rbtree.c, for the
 * host harness.  The few things that differ between the two live here:
 * where metadata memory comes from, which clock stamps the statistics, how
 * the module-wide memory budget is counted (an atomic in the kernel, where
 * instances run in parallel; a plain integer on the host, which is
 * single-threaded), 64x64/64-bit arithmetic, and yielding the CPU in bulk
 * loops (cond_resched(), as drivers/gpu/buddy.c does in its free loop; a
 * no-op on the host).
 *
 * In the kernel, blocks come from a kmem_cache that memsim_core_init()
 * creates, and every metadata allocation is charged to the caller's memory
 * cgroup.  In userspace they come from calloc().
 */

#ifdef __KERNEL__

#include <linux/atomic.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
#include <linux/sched.h>
#include <linux/overflow.h>
#include <linux/rbtree_augmented.h>
#include <linux/slab.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/types.h>

#define MEMSIM_GFP	GFP_KERNEL_ACCOUNT

static inline void *memsim_env_zalloc(size_t size)
{
	return kzalloc(size, MEMSIM_GFP);
}

static inline void memsim_env_free(void *p)
{
	kfree(p);
}

static inline u64 memsim_env_now_ns(void)
{
	return ktime_get_ns();
}

static inline u64 memsim_env_div64(u64 a, u64 b)
{
	return div64_u64(a, b);
}

/* floor(a * b / c), exact; the quotient must fit in 64 bits. */
static inline u64 memsim_env_mul_div(u64 a, u64 b, u64 c)
{
	return mul_u64_u64_div_u64(a, b, c);
}

static inline void memsim_env_cond_resched(void)
{
	cond_resched();
}

/* A byte counter shared by pools that run in parallel. */
struct memsim_env_counter {
	atomic64_t v;
};

static inline u64 memsim_env_counter_add(struct memsim_env_counter *c, u64 v)
{
	return atomic64_add_return(v, &c->v);
}

static inline void memsim_env_counter_sub(struct memsim_env_counter *c, u64 v)
{
	atomic64_sub(v, &c->v);
}

static inline u64 memsim_env_counter_read(struct memsim_env_counter *c)
{
	return atomic64_read(&c->v);
}

#define memsim_env_read_once(x)	READ_ONCE(x)

/* Copy a NUL-terminated string into @dst, truncating to fit. */
static inline void memsim_env_strcpy(char *dst, const char *src, size_t size)
{
	strscpy(dst, src, size);
}

#else /* userspace host harness */

#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <asm/bug.h>
#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/overflow.h>
#include <linux/rbtree_augmented.h>
#include <linux/types.h>

#ifndef U32_MAX
#define U32_MAX		((u32)~0U)
#endif
#ifndef U64_MAX
#define U64_MAX		((u64)~0ULL)
#endif

static inline void *memsim_env_zalloc(size_t size)
{
	return calloc(1, size);
}

static inline void memsim_env_free(void *p)
{
	free(p);
}

static inline u64 memsim_env_now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (u64)ts.tv_sec * 1000000000ULL + ts.tv_nsec;
}

static inline u64 memsim_env_div64(u64 a, u64 b)
{
	return a / b;
}

static inline u64 memsim_env_mul_div(u64 a, u64 b, u64 c)
{
	return (u64)((__uint128_t)a * b / c);
}

static inline void memsim_env_cond_resched(void)
{
}

/* The host harness is single-threaded. */
struct memsim_env_counter {
	u64 v;
};

static inline u64 memsim_env_counter_add(struct memsim_env_counter *c, u64 v)
{
	return c->v += v;
}

static inline void memsim_env_counter_sub(struct memsim_env_counter *c, u64 v)
{
	c->v -= v;
}

static inline u64 memsim_env_counter_read(struct memsim_env_counter *c)
{
	return c->v;
}

#define memsim_env_read_once(x)	(x)

static inline void memsim_env_strcpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
}

#endif /* __KERNEL__ */

#endif /* _MEMSIM_ENV_H */
