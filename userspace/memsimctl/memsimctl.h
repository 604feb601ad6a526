/* SPDX-License-Identifier: GPL-2.0 */
/*
 * memsimctl: what its files share
 *
 * Copyright (C) 2026 The memsim authors
 *
 * memsimctl's sources, by responsibility:
 *   main.c         global options, the command table, dispatch
 *   options.[ch]   the table-driven option parser of every command
 *   num.[ch]       the number grammar (sizes, probabilities)
 *   json.[ch]      NDJSON output
 *   diag.[ch]      errors that belong to a line of an input (file:line)
 *   script.[ch]    the script language: reading, tokens, names, the
 *                  executor, batches
 *   script_cmds.c  the script language's commands
 *   render_text.[ch] tables for humans: summary, strategies, blocks, maps
 *   render_svg.[ch], render_trace.[ch]  the pictures (pure rendering)
 *   pictures.[ch]  the pictures from the device and from traces: map --svg
 *                  and --html, timeline
 *   simulate.c     "simulate"
 *   view.c         "run", "summary", "blocks", "map", "trace", "timeline"
 *   replay_read.[ch] the trace readers of "replay" (pure parsing)
 *   replay.[ch]    the replay engine, replay_run(); replay_cmd.c "replay"
 */
#ifndef _MEMSIMCTL_H
#define _MEMSIMCTL_H

#include <stdio.h>

#include "libmemsim.h"
#include "options.h"

#define ARRAY_SIZE(a)	(sizeof(a) / sizeof((a)[0]))

/* Exit status of a usage error (1 is a failure, 0 success). */
#define EXIT_USAGE	2

/* --dev PATH, default MEMSIM_DEFAULT_PATH. */
extern const char *dev_path;
/* --json: every result as one JSON object on a line. */
extern int json;
/* 1 while a script's output is discarded: no notices on stderr either. */
extern int quiet;


/**
 * struct ctl_cmd - a command of memsimctl
 * @name: its name on the command line.
 * @fn: runs it: @argv[0] is the command's name.  Return: the exit status.
 * @args: its arguments after the options, for the usage line.
 * @summary: one line for the list of commands.
 * @opts: its options (the table its @fn parses), for help, or NULL.
 * @data: anything @fn needs besides (e.g. its variant), or NULL.
 */
struct ctl_cmd {
	const char *name;
	int (*fn)(const struct ctl_cmd *cmd, int argc, char **argv);
	const char *args;
	const char *summary;
	const struct opt *opts;
	const void *data;
};

/* The commands, in main.c's table. */
int cmd_info(const struct ctl_cmd *cmd, int argc, char **argv);
int cmd_simulate(const struct ctl_cmd *cmd, int argc, char **argv);
int cmd_script(const struct ctl_cmd *cmd, int argc, char **argv);

extern const struct opt info_opts[];
extern const struct opt simulate_opts[];
extern const struct opt run_opts[];
extern const struct opt view_opts[];
extern const struct opt trace_opts[];
extern const struct opt map_opts[];
extern const struct opt timeline_opts[];

/* view.c: what run, summary, blocks, map and trace do (their @data). */
struct script_cmd;
extern const struct script_cmd script_run_cmd;
extern const struct script_cmd script_summary_cmd;
extern const struct script_cmd script_blocks_cmd;
extern const struct script_cmd script_map_cmd;
extern const struct script_cmd script_trace_cmd;
extern const struct script_cmd script_timeline_cmd;

/* "usage: memsimctl NAME ARGS" on stderr (after MSG if not NULL): EXIT_USAGE. */
int cmd_usage(const struct ctl_cmd *cmd, const char *msg);

/* Open @dev_path, saying on stderr what went wrong.  Return: 0 or -1. */
int ctl_open(struct memsim_handle *h);

#endif /* _MEMSIMCTL_H */
