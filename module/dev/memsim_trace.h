/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsim: tracepoints
 *
 * Copyright (C) 2026 The memsim authors
 */
#undef TRACE_SYSTEM
#define TRACE_SYSTEM memsim

#if !defined(_MEMSIM_TRACE_H) || defined(TRACE_HEADER_MULTI_READ)
#define _MEMSIM_TRACE_H

#include <linux/tracepoint.h>

#include "memsim_core.h"

/* Let userspace tools resolve the enum names in the formats below. */
TRACE_DEFINE_ENUM(MEMSIM_FIRST_FIT);
TRACE_DEFINE_ENUM(MEMSIM_BEST_FIT);
TRACE_DEFINE_ENUM(MEMSIM_WORST_FIT);
TRACE_DEFINE_ENUM(MEMSIM_NEXT_FIT);
TRACE_DEFINE_ENUM(MEMSIM_BUDDY);
TRACE_DEFINE_ENUM(MEMSIM_TLSF);
TRACE_DEFINE_ENUM(MEMSIM_EV_FREE_REQUEST);
TRACE_DEFINE_ENUM(MEMSIM_EV_FREE_COMPLETE);

#define memsim_show_strategy(s)					\
	__print_symbolic(s,					\
			 { MEMSIM_FIRST_FIT, "first" },		\
			 { MEMSIM_BEST_FIT, "best" },		\
			 { MEMSIM_WORST_FIT, "worst" },		\
			 { MEMSIM_NEXT_FIT, "next" },		\
			 { MEMSIM_BUDDY, "buddy" },		\
			 { MEMSIM_TLSF, "tlsf" })

#define memsim_show_free_phase(t)				\
	__print_symbolic(t,					\
			 { MEMSIM_EV_FREE_REQUEST, "request" },	\
			 { MEMSIM_EV_FREE_COMPLETE, "complete" })

/*
 * One class for every event: the instance, where in its address space, and
 * under which strategy.  Streams print as numbers; the "any stream" of a
 * failed request prints as 4294967295.
 */
DECLARE_EVENT_CLASS(memsim_event_class,
		    TP_PROTO(u64 instance, const struct memsim_event *ev),
		    TP_ARGS(instance, ev),
		    TP_STRUCT__entry(__field(u64, instance)
				     __field(u64, segment)
				     __field(u64, addr)
				     __field(u64, size)
				     __field(u64, requested)
				     __field(u64, tag)
				     __field(u32, stream)
				     __field(u32, strategy)
				     __field(u32, type)),
		    TP_fast_assign(__entry->instance = instance;
				   __entry->segment = ev->segment_id;
				   __entry->addr = ev->addr;
				   __entry->size = ev->size;
				   __entry->requested = ev->requested;
				   __entry->tag = ev->tag;
				   __entry->stream = ev->stream;
				   __entry->strategy = ev->strategy;
				   __entry->type = ev->type;),
		    TP_printk("instance=%llu segment=%llu addr=0x%llx size=%llu requested=%llu stream=%u tag=0x%llx strategy=%s",
			      __entry->instance, __entry->segment, __entry->addr,
			      __entry->size, __entry->requested, __entry->stream,
			      __entry->tag, memsim_show_strategy(__entry->strategy))
);

#define MEMSIM_DEFINE_EVENT(name)						\
	DEFINE_EVENT(memsim_event_class, name,					\
		     TP_PROTO(u64 instance, const struct memsim_event *ev),	\
		     TP_ARGS(instance, ev))

MEMSIM_DEFINE_EVENT(memsim_alloc);
MEMSIM_DEFINE_EVENT(memsim_alloc_fail);
MEMSIM_DEFINE_EVENT(memsim_split);
MEMSIM_DEFINE_EVENT(memsim_coalesce);
MEMSIM_DEFINE_EVENT(memsim_segment_create);
MEMSIM_DEFINE_EVENT(memsim_segment_release);

DEFINE_EVENT_PRINT(memsim_event_class, memsim_free,
		   TP_PROTO(u64 instance, const struct memsim_event *ev),
		   TP_ARGS(instance, ev),
		   TP_printk("instance=%llu segment=%llu addr=0x%llx size=%llu requested=%llu stream=%u tag=0x%llx strategy=%s phase=%s",
			     __entry->instance, __entry->segment, __entry->addr,
			     __entry->size, __entry->requested, __entry->stream,
			     __entry->tag, memsim_show_strategy(__entry->strategy),
			     memsim_show_free_phase(__entry->type)));

#endif /* _MEMSIM_TRACE_H */

/* Out of tree: the header is found next to its user (see module/Kbuild). */
#undef TRACE_INCLUDE_PATH
#define TRACE_INCLUDE_PATH .
#undef TRACE_INCLUDE_FILE
#define TRACE_INCLUDE_FILE memsim_trace
#include <trace/define_trace.h>
