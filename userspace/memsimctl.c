// SPDX-License-Identifier: GPL-2.0
/*
 * memsimctl: command-line front end of /dev/memsim
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Usage: memsimctl [--dev PATH] [--json] COMMAND
 *
 * Commands:
 *   info    print the module's ABI version, features and this instance's id
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include <linux/memsim.h>

static const char *dev_path = "/dev/memsim";
static int json;

static void print_usage(FILE *f)
{
	fprintf(f,
		"usage: memsimctl [--dev PATH] [--json] COMMAND\n"
		"\n"
		"commands:\n"
		"  info    ABI version, features and instance id\n");
}

static int open_dev(void)
{
	int fd = open(dev_path, O_RDWR | O_CLOEXEC);

	if (fd < 0)
		fprintf(stderr, "memsimctl: %s: %s\n", dev_path, strerror(errno));
	return fd;
}

static int cmd_info(int fd)
{
	struct memsim_info info;

	memset(&info, 0, sizeof(info));
	if (ioctl(fd, MEMSIM_IOC_GET_INFO, &info)) {
		fprintf(stderr, "memsimctl: GET_INFO: %s\n", strerror(errno));
		return 1;
	}

	if (json) {
		printf("{\"abi_version\":%u,\"features\":%llu,\"debugfs\":%s,\"instance_id\":%llu}\n",
		       info.abi_version, (unsigned long long)info.features,
		       info.features & MEMSIM_FEATURE_DEBUGFS ? "true" : "false",
		       (unsigned long long)info.instance_id);
		return 0;
	}

	printf("abi_version: %u\n", info.abi_version);
	printf("features:    0x%llx%s\n", (unsigned long long)info.features,
	       info.features & MEMSIM_FEATURE_DEBUGFS ? " (debugfs)" : "");
	printf("instance_id: %llu\n", (unsigned long long)info.instance_id);
	return 0;
}

int main(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "dev", required_argument, NULL, 'd' },
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	int c, fd, ret;

	while ((c = getopt_long(argc, argv, "d:jh", opts, NULL)) != -1) {
		switch (c) {
		case 'd':
			dev_path = optarg;
			break;
		case 'j':
			json = 1;
			break;
		case 'h':
			print_usage(stdout);
			return 0;
		default:
			print_usage(stderr);
			return 2;
		}
	}

	if (optind >= argc) {
		print_usage(stderr);
		return 2;
	}

	if (strcmp(argv[optind], "info")) {
		fprintf(stderr, "memsimctl: unknown command '%s'\n", argv[optind]);
		print_usage(stderr);
		return 2;
	}

	fd = open_dev();
	if (fd < 0)
		return 1;
	ret = cmd_info(fd);
	close(fd);
	return ret;
}
