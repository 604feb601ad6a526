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
 * where metadata memory comes from and which clock stamps the statistics.
 *
 * In the kernel, blocks come from a kmem_cache that memsim_core_init()
 * creates, and every metadata allocation is charged to the caller's memory
 * cgroup.  In userspace they come from calloc().
 */

#ifdef __KERNEL__

#include <linux/bitops.h>
#include <linux/kernel.h>
#include <linux/list.h>
#include <linux/log2.h>
#include <linux/math64.h>
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

static inline void memsim_env_strcpy(char *dst, const char *src, size_t size)
{
	snprintf(dst, size, "%s", src);
}

#endif /* __KERNEL__ */

#endif /* _MEMSIM_ENV_H */
