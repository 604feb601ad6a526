/* SPDX-License-Identifier: GPL-2.0 */
/*
 * Host harness stand-in for the kernel's <kunit/visibility.h>: in userspace
 * there is no module to export the core's functions to.
 */
#ifndef _MEMSIM_HOST_KUNIT_VISIBILITY_H
#define _MEMSIM_HOST_KUNIT_VISIBILITY_H

#define EXPORT_SYMBOL_IF_KUNIT(symbol)

#endif /* _MEMSIM_HOST_KUNIT_VISIBILITY_H */
