/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Fallback for kernels older than 6.2, which lack <kunit/visibility.h>.
 *
 * module/Kbuild puts this directory on the include path with -idirafter, so
 * the kernel's own header wins wherever it exists.  Such kernels get no KUnit
 * module from memsim, so there is nothing to export to.
 */
#ifndef _MEMSIM_COMPAT_KUNIT_VISIBILITY_H
#define _MEMSIM_COMPAT_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif /* _MEMSIM_COMPAT_KUNIT_VISIBILITY_H */
