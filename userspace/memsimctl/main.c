// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: command-line front end of /dev/memsim
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsimctl [--dev PATH] [--json] COMMAND [ARGS]
 *
 * Commands:
 *   info              ABI version, features, limits and this instance's id
 *   simulate [OPTS]   the kernel's random workload, on a fresh segment, for
 *                     one or more strategies
 *   run SCRIPT|-      a script of commands against one instance
 *   summary, blocks, map, trace SCRIPT|-
 *                     a script, then the instance's counters, blocks, map
 *                     or operation trace; or, with --instance ID, the
 *                     debugfs file of a live instance
 *
 * Every open() of /dev/memsim is a new, empty instance that dies with the
 * file, so multi-step scenarios go through "run": the script language is
 * described in Documentation/memsimctl.rst.  A script is read whole and
 * checked before its first command runs; then each line runs in turn and the
 * first unexpected failure stops it.
 *
 * This file holds the global options, the table of commands (one entry per
 * command: add a command there) and the dispatch.
 *
 * Exit status: 0 success, 1 failure, 2 usage error.
 */
#include <errno.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "compare.h"
#include "json.h"
#include "memsimctl.h"
#include "options.h"
#include "replay.h"
#include "version.h"

const char *dev_path = MEMSIM_DEFAULT_PATH;
int json;
int quiet;

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsimctl [--dev PATH] [--json] COMMAND [ARGS]\n"
		"\n"
		"commands:\n"
		"  info                 ABI version, features, limits, instance id\n"
		"  simulate [OPTIONS]   the kernel's random workload on a fresh segment\n"
		"      --ops N             operations (default 10000)\n"
		"      --min SIZE          smallest allocation (default 64)\n"
		"      --max SIZE          largest allocation (default 64K)\n"
		"      --free-prob P       probability of a free: 0..1 or N%% (default 0.45)\n"
		"      --seed S            seed (default 1)\n"
		"      --strategy LIST     first,best,worst,next,buddy,tlsf or all (default first)\n"
		"      --buddy-min SIZE    the buddy system's minimum block (default 64)\n"
		"      --segment-size SIZE size of the segment (default 16M)\n"
		"      --segment-start A   its start address (default 0)\n"
		"  run [--check] SCRIPT run a script against one instance (- = stdin);\n"
		"                       --check only checks its syntax\n"
		"  summary SCRIPT       run the script quietly, then print the counters\n"
		"  blocks SCRIPT        ... then list the blocks\n"
		"  map SCRIPT           ... then print each segment's map (as debugfs)\n"
		"      --svg FILE          instead, draw the address space as SVG\n"
		"      --html FILE         ... or as a self-contained HTML page\n"
		"      --title TEXT        the heading of the pictures\n"
		"  trace [OPTIONS] SCRIPT  trace the script's calls and print the records\n"
		"      --capacity N        records the ring keeps (default 64K)\n"
		"      --stack             record kernel stacks too\n"
		"      --format csv|ndjson CSV with a header line (default), or NDJSON\n"
		"  timeline [OPTIONS] SCRIPT | --trace FILE\n"
		"                       trace the script (or read a saved trace) and draw\n"
		"                       its allocations over time, and the pool's figures\n"
		"      --svg FILE          the allocations over time as SVG (- = stdout)\n"
		"      --series-svg FILE   utilization and fragmentation over time as SVG\n"
		"      --html FILE         both, the address space and a summary, as HTML\n"
		"      --trace FILE        a trace saved by trace --format ndjson|csv\n"
		"      --capacity N        records the ring keeps (default 64K)\n"
		"      --time op|seq|ns    the x axis (default op: operations)\n"
		"      --title TEXT        the heading of the pictures\n"
		"      summary, blocks, map, trace also take:\n"
		"      --verbose           the script's own output to stderr\n"
		"      --debugfs           print the instance's debugfs file instead\n"
		"      --instance ID       no script: show the live instance ID (from debugfs)\n"
		"  replay [OPTIONS] FILE  play a trace of memsim, RMM or PyTorch (- = stdin)\n"
		"  compare [OPTIONS] SCRIPT|- | --simulate [SIMULATE-OPTIONS]\n"
		"                       one workload under each strategy, side by side\n"
		"  help [COMMAND]       this text, or a command's options\n"
		"\n"
		"Numbers: decimal or 0x hex, with an optional binary unit K, M, G, T or P\n"
		"(also KiB, KB...; 1.5M is 1572864).  In scripts, $(EXPR) computes one.\n"
		"--json (before or after COMMAND) prints one JSON object per result.\n"
		"--version prints memsimctl's version.\n"
		"Exit status: 0 ok, 1 failure, 2 usage.  See Documentation/memsimctl.rst.\n");
}

int cmd_usage(const struct ctl_cmd *cmd, const char *msg)
{
	if (msg)
		fprintf(stderr, "memsimctl: %s: %s\n", cmd->name, msg);
	fprintf(stderr, "usage: memsimctl %s %s\n", cmd->name, cmd->args);
	return EXIT_USAGE;
}

/*
 * Open the device; if that fails, say why and what to do: the common cases
 * are a module not loaded and a device node only root may open.
 */
int ctl_open(struct memsim_handle *h)
{
	if (!memsim_open(h, dev_path))
		return 0;
	switch (-h->err) {
	case ENOENT:
		fprintf(stderr, "memsimctl: %s not found: load the module (sudo insmod memsim.ko)\n",
			dev_path);
		break;
	case ENXIO:
	case ENODEV:
		fprintf(stderr, "memsimctl: %s: no memsim device behind it: load the module (sudo insmod memsim.ko)\n",
			dev_path);
		break;
	case EACCES:
	case EPERM:
		fprintf(stderr, "memsimctl: %s: permission denied: run memsimctl as root (sudo), or give a group the device (dev_mode=0660 and a udev rule, Documentation/uapi.rst, Limits)\n",
			dev_path);
		break;
	default:
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(h));
		break;
	}
	return -1;
}

/* info */

const struct opt info_opts[] = {
	{ "json", 0, 0, opt_flag, 0, 0, NULL, "one JSON object" },
	OPT_END
};

int cmd_info(const struct ctl_cmd *cmd, int argc, char **argv)
{
	struct opt_ctx ctx = { .cmd = cmd->name, .base = &json };
	struct memsim_handle h;
	struct memsim_info info;
	int argi;

	argi = opt_parse_argv(&ctx, info_opts, argc, argv);
	if (argi < 0)
		return EXIT_USAGE;
	if (argi < argc) {
		fprintf(stderr, "memsimctl: info: unexpected argument '%s'\n",
			argv[argi]);
		return EXIT_USAGE;
	}
	if (ctl_open(&h))
		return 1;
	if (memsim_get_info(&h, &info)) {
		fprintf(stderr, "memsimctl: %s\n", memsim_strerror(&h));
		memsim_close(&h);
		return 1;
	}
	memsim_close(&h);

	if (json) {
		jopen(NULL, '{');
		jstr("cmd", "info");
		jbool("ok", 1);
		json_info_fields(&info);
		jend();
	} else {
		memsim_print_info(stdout, &info);
	}
	return 0;
}

static const struct ctl_cmd *find_cmd(const char *name);
static int unknown_cmd(const char *prefix, const char *name);

/* help [COMMAND]: the usage, or one command's usage and options. */
static int cmd_help(const struct ctl_cmd *cmd, int argc, char **argv)
{
	const struct ctl_cmd *c;

	if (argc < 2) {
		print_usage(stdout);
		return 0;
	}
	if (argc > 2) {
		fprintf(stderr, "memsimctl: help: one command at a time, not '%s'\n", argv[2]);
		return EXIT_USAGE;
	}
	c = find_cmd(argv[1]);
	if (!c)
		return unknown_cmd("help: ", argv[1]);
	(void)cmd;
	printf("usage: memsimctl %s%s%s\n\n%s\n", c->name, c->args[0] ? " " : "",
	       c->args, c->summary);
	if (c->opts && c->opts[0].name) {
		printf("\noptions:\n");
		opt_help(stdout, c->opts, "  ");
	}
	if (c->fn == cmd_script)
		printf("\nThe script language: Documentation/memsimctl.rst, Script language.\n");
	return 0;
}

#define VIEW_ARGS	"[--json] [--verbose] [--debugfs] SCRIPT|- | --instance ID"

/* The commands: one entry each. */
static const struct ctl_cmd commands[] = {
	{ "info", cmd_info, "[--json]",
	  "ABI version, features, limits, instance id", info_opts, NULL },
	{ "simulate", cmd_simulate, "[OPTIONS]",
	  "the kernel's random workload on a fresh segment", simulate_opts, NULL },
	{ "run", cmd_script, "[--json] [--check] SCRIPT|-",
	  "run a script against one instance (- = stdin)", run_opts,
	  &script_run_cmd },
	{ "summary", cmd_script, VIEW_ARGS,
	  "run the script quietly, then print the counters", view_opts,
	  &script_summary_cmd },
	{ "blocks", cmd_script, VIEW_ARGS,
	  "... then list the blocks", view_opts, &script_blocks_cmd },
	{ "map", cmd_script, "[--svg FILE] [--html FILE] [--title TEXT] " VIEW_ARGS,
	  "... then print each segment's map (as debugfs), or draw it",
	  map_opts, &script_map_cmd },
	{ "trace", cmd_script,
	  "[--capacity N] [--stack] [--format csv|ndjson] " VIEW_ARGS,
	  "trace the script's calls and print the records", trace_opts,
	  &script_trace_cmd },
	{ "replay", cmd_replay,
	  "[--format auto|memsim-csv|memsim-ndjson|rmm|pytorch] [--device N] "
	  "[--strategy NAME|LIST|all] [--buddy-min SIZE] [--keep-going] "
	  "[--device-size SIZE] [--evidence FILE|-] [--no-evidence] [--record FILE] "
	  "[--html FILE] [--svg FILE] [--json] FILE|-",
	  "play a trace of memsim, RMM or PyTorch against an instance",
	  replay_cli_opts, NULL },
	{ "timeline", cmd_script,
	  "[--svg FILE] [--series-svg FILE] [--html FILE] [--capacity N] [--time op|seq|ns] [--title TEXT] [--json] [--verbose] [--keep-going] [--evidence FILE|-] [--no-evidence] SCRIPT|- | --trace FILE",
	  "draw the allocations over time of a script or a saved trace",
	  timeline_opts, &script_timeline_cmd },
	{ "compare", cmd_compare,
	  "[OPTIONS] SCRIPT|- | --simulate [SIMULATE-OPTIONS]",
	  "one workload under each strategy, side by side", compare_opts, NULL },
	{ "help", cmd_help, "[COMMAND]", "the commands, or a command's options",
	  NULL, NULL },
};

static const struct ctl_cmd *find_cmd(const char *name)
{
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		if (!strcmp(name, commands[i].name))
			return &commands[i];
	return NULL;
}

/* "unknown command", with the nearest name if it looks like a typo. */
static int unknown_cmd(const char *prefix, const char *name)
{
	const char *names[ARRAY_SIZE(commands)], *near;
	size_t i;

	for (i = 0; i < ARRAY_SIZE(commands); i++)
		names[i] = commands[i].name;
	near = nearest_word(names, ARRAY_SIZE(commands), name);
	if (near)
		fprintf(stderr, "memsimctl: %sunknown command '%s' (did you mean '%s'?)\n",
			prefix, name, near);
	else
		fprintf(stderr, "memsimctl: %sunknown command '%s' ('memsimctl help' lists them)\n",
			prefix, name);
	return EXIT_USAGE;
}

/* The release (the file VERSION) and the ABI this memsimctl speaks. */
static void print_version(void)
{
	printf("memsimctl %s (memsim ABI %u)\n", MEMSIMCTL_VERSION, MEMSIM_ABI_VERSION);
}

/* The global options, before the command. */
struct global_opts {
	const char *dev;
	int json;
	int help;
	int version;
};

static const struct opt global_opts[] = {
	{ "dev", 'd', OPT_VALUE, opt_str, offsetof(struct global_opts, dev), 0,
	  "PATH", "the device node (default /dev/memsim)" },
	{ "json", 'j', 0, opt_flag, offsetof(struct global_opts, json), 0, NULL,
	  "one JSON object per result (NDJSON)" },
	{ "help", 'h', 0, opt_flag, offsetof(struct global_opts, help), 0, NULL,
	  "this text" },
	{ "version", 'V', 0, opt_flag, offsetof(struct global_opts, version), 0, NULL,
	  "memsimctl's version" },
	OPT_END
};

/* Messages about the global options: "memsimctl: unknown option ...". */
static void global_report(struct opt_ctx *c, const char *msg)
{
	(void)c;
	fprintf(stderr, "%s\n", msg);
}

int main(int argc, char **argv)
{
	struct global_opts g = { .dev = MEMSIM_DEFAULT_PATH };
	struct opt_ctx ctx = { .cmd = "memsimctl", .base = &g, .report = global_report };
	const struct ctl_cmd *c;
	char *help_argv[2];
	int argi;

	argi = opt_parse_argv(&ctx, global_opts, argc, argv);
	if (argi < 0) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	dev_path = g.dev;
	json = g.json;
	if (g.version) {
		print_version();
		return 0;
	}
	if (g.help) {
		print_usage(stdout);
		return 0;
	}
	if (argi >= argc) {
		print_usage(stderr);
		return EXIT_USAGE;
	}
	argc -= argi;
	argv += argi;
	c = find_cmd(argv[0]);
	if (!c)
		return unknown_cmd("", argv[0]);
	/* COMMAND --help is help COMMAND. */
	if (argc > 1 && (!strcmp(argv[1], "--help") || !strcmp(argv[1], "-h"))) {
		help_argv[0] = "help";
		help_argv[1] = argv[0];
		return cmd_help(find_cmd("help"), 2, help_argv);
	}
	return c->fn(c, argc, argv);
}
