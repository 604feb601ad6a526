/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: NDJSON output, one object per line on standard output
 *
 * Copyright (C) 2026 The memsim authors
 *
 * A minimal writer: jopen(NULL, '{') starts an object, ju64()/jstr()/...
 * add members (or, with a NULL key, array elements), jclose() ends a nested
 * object or array and jend() the line.
 */
#ifndef _MEMSIMCTL_JSON_H
#define _MEMSIMCTL_JSON_H

#include "libmemsim.h"

void jstring(const char *str);
void jkey(const char *key);
void ju64(const char *key, __u64 v);
void jstr(const char *key, const char *v);
void jnull(const char *key);
void jbool(const char *key, int v);
void jopen(const char *key, char c);
void jclose(char c);
void jend(void);
/* A stream: its number, or "any" for MEMSIM_STREAM_ANY_ID. */
void jstream(const char *key, __u32 stream);

/* The fields of the uapi structures, under their uapi names. */
void json_usage(const char *key, const struct memsim_usage_info *u);
void json_summary_fields(const struct memsim_summary *sum);
void json_info_fields(const struct memsim_info *info);
void json_sim_fields(const struct memsim_simulate_arg *r);
void json_strategies(const struct memsim_strategy_stats_info *st);

#endif /* _MEMSIMCTL_JSON_H */
