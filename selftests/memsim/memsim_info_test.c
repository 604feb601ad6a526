// SPDX-License-Identifier: GPL-2.0
/*
 * memsim kselftest: the /dev/memsim device node and GET_INFO
 *
 * Copyright (C) 2026 The memsim authors
 *
 * Built against the kselftest harness of the fetched kernel source; runs in
 * the test VMs and on any machine with memsim.ko loaded.  Skips when the
 * device node is absent.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/memsim.h>

#include "kselftest_harness.h"

/* As in memsim_util.h: the harness keeps a local across setjmp(). */
#pragma GCC diagnostic ignored "-Wclobbered"

#define MEMSIM_DEV "/dev/memsim"

FIXTURE(memsim)
{
	int fd;
};

FIXTURE_SETUP(memsim)
{
	self->fd = open(MEMSIM_DEV, O_RDWR | O_CLOEXEC);
	if (self->fd < 0 && errno == ENOENT)
		SKIP(return, MEMSIM_DEV " is absent: load memsim.ko");
	ASSERT_GE(self->fd, 0);
}

FIXTURE_TEARDOWN(memsim)
{
	if (self->fd >= 0)
		close(self->fd);
}

TEST_F(memsim, get_info)
{
	struct memsim_info info;

	memset(&info, 0, sizeof(info));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
	EXPECT_EQ(MEMSIM_ABI_VERSION, info.abi_version);
	EXPECT_NE(0ULL, info.instance_id);
	EXPECT_EQ(0ULL, info.features & ~(MEMSIM_FEATURE_DEBUGFS | MEMSIM_FEATURE_TRACE |
					   MEMSIM_FEATURE_TRACE_STACK | MEMSIM_FEATURE_EXPLAIN));
	/* The operation trace is always built in. */
	EXPECT_NE(0ULL, info.features & MEMSIM_FEATURE_TRACE);
	/* The per-call bound and the limits in force are all reported. */
	EXPECT_EQ((__u32)MEMSIM_LIST_MAX, info.max_list);
	EXPECT_EQ(4096U, info.max_list);
	EXPECT_GE(info.max_trace_records, 1U);
	EXPECT_LE(info.max_trace_records, 1U << 20);
	EXPECT_GE(info.max_instance_memory, 1ULL << 20);
	EXPECT_GE(info.max_total_memory, 1ULL << 20);
	EXPECT_GE(info.max_segments, 1U);
	EXPECT_GE(info.max_blocks, 1ULL);
}

TEST_F(memsim, get_info_is_stable_per_fd)
{
	struct memsim_info a, b;

	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &a));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &b));
	EXPECT_EQ(a.instance_id, b.instance_id);
}

TEST_F(memsim, each_open_is_a_new_instance)
{
	struct memsim_info a, b;
	int fd2;

	fd2 = open(MEMSIM_DEV, O_RDWR | O_CLOEXEC);
	ASSERT_GE(fd2, 0);
	memset(&a, 0, sizeof(a));
	memset(&b, 0, sizeof(b));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &a));
	ASSERT_EQ(0, ioctl(fd2, MEMSIM_IOC_GET_INFO, &b));
	EXPECT_GT(b.instance_id, a.instance_id);
	close(fd2);
}

TEST_F(memsim, get_info_rejects_flags)
{
	struct memsim_info info;

	memset(&info, 0, sizeof(info));
	info.flags = 1;
	EXPECT_EQ(-1, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
	EXPECT_EQ(EINVAL, errno);
	/* Rejected: nothing was written back. */
	EXPECT_EQ(0U, info.abi_version);
	EXPECT_EQ(0ULL, info.instance_id);
}

TEST_F(memsim, get_info_ignores_out_fields)
{
	struct memsim_info info, want;

	memset(&want, 0, sizeof(want));
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &want));
	/* Out-only fields (the former reserved words among them) are ignored. */
	memset(&info, 0xa5, sizeof(info));
	info.flags = 0;
	ASSERT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
	EXPECT_EQ(0, memcmp(&want, &info, sizeof(info)));
}

/* Module parameters: refused out of their documented range, in force within. */
#define PARAM_DIR	"/sys/module/memsim/parameters/"

static int param_write(const char *name, const char *val)
{
	char path[128];
	ssize_t n;
	int fd, err = 0;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	n = write(fd, val, strlen(val));
	if (n < 0)
		err = -errno;
	close(fd);
	return err;
}

static int param_read(const char *name, char *buf, size_t len)
{
	char path[128];
	ssize_t n;
	int fd;

	snprintf(path, sizeof(path), PARAM_DIR "%s", name);
	fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	n = read(fd, buf, len - 1);
	close(fd);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	buf[strcspn(buf, "\n")] = '\0';
	return 0;
}

TEST_F(memsim, module_parameters_are_range_checked)
{
	static const struct {
		const char *name, *bad[4], *good;
	} params[] = {
		{ "max_segments", { "0", "65537", "4294967296", "x" }, "65536" },
		{ "max_blocks", { "0", "4294967297", "-1", "" }, "4294967296" },
		{ "max_batch", { "0", "65537", "4294967295", "1k" }, "65536" },
		{ "max_trace_records", { "0", "1048577", "4294967295", "-5" }, "1048576" },
		{ "max_instance_memory", { "0", "1048575", "-1", "1M" }, "1048576" },
		{ "max_total_memory", { "0", "1", "1048575", "z" }, "1048576" },
	};
	char old[64], now[64];
	unsigned int i, j;

	if (access(PARAM_DIR "max_batch", W_OK))
		SKIP(return, "no writable %smax_batch", PARAM_DIR);
	for (i = 0; i < ARRAY_SIZE(params); i++) {
		ASSERT_EQ(0, param_read(params[i].name, old, sizeof(old)));
		for (j = 0; j < ARRAY_SIZE(params[i].bad); j++) {
			if (!params[i].bad[j][0])
				continue;
			EXPECT_EQ(-EINVAL, param_write(params[i].name, params[i].bad[j]))
				TH_LOG("%s=%s", params[i].name, params[i].bad[j]);
			ASSERT_EQ(0, param_read(params[i].name, now, sizeof(now)));
			EXPECT_STREQ(old, now);
		}
		EXPECT_EQ(0, param_write(params[i].name, params[i].good));
		ASSERT_EQ(0, param_read(params[i].name, now, sizeof(now)));
		EXPECT_STREQ(params[i].good, now);
		EXPECT_EQ(0, param_write(params[i].name, old));
	}
}

TEST_F(memsim, get_info_reports_the_parameters)
{
	struct memsim_info info;
	char old[4][64];
	static const char * const names[] = {
		"max_batch", "max_trace_records", "max_instance_memory", "max_total_memory",
	};
	unsigned int i;

	if (access(PARAM_DIR "max_batch", W_OK))
		SKIP(return, "no writable %smax_batch", PARAM_DIR);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		ASSERT_EQ(0, param_read(names[i], old[i], sizeof(old[i])));
	ASSERT_EQ(0, param_write("max_batch", "77"));
	ASSERT_EQ(0, param_write("max_trace_records", "1234"));
	ASSERT_EQ(0, param_write("max_instance_memory", "1073741824000"));
	ASSERT_EQ(0, param_write("max_total_memory", "2147483648000"));
	memset(&info, 0, sizeof(info));
	EXPECT_EQ(0, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
	EXPECT_EQ(77U, info.max_batch);
	EXPECT_EQ(1234U, info.max_trace_records);
	EXPECT_EQ(1073741824000ULL, info.max_instance_memory);
	EXPECT_EQ(2147483648000ULL, info.max_total_memory);
	for (i = 0; i < ARRAY_SIZE(names); i++)
		EXPECT_EQ(0, param_write(names[i], old[i]));
}

TEST_F(memsim, get_info_bad_pointer)
{
	void *page;

	/* A mapping that exists but cannot be touched gives a clean -EFAULT. */
	page = mmap(NULL, getpagesize(), PROT_NONE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	ASSERT_NE(MAP_FAILED, page);
	EXPECT_EQ(-1, ioctl(self->fd, MEMSIM_IOC_GET_INFO, page));
	EXPECT_EQ(EFAULT, errno);
	EXPECT_EQ(-1, ioctl(self->fd, MEMSIM_IOC_GET_INFO, NULL));
	EXPECT_EQ(EFAULT, errno);
	munmap(page, getpagesize());
}

TEST_F(memsim, unknown_ioctl)
{
	struct memsim_info info;

	memset(&info, 0, sizeof(info));
	/* Unknown number, right type letter. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MEMSIM_IOC_MAGIC, 0xff, struct memsim_info), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* Known number, wrong size encoded in the command. */
	EXPECT_EQ(-1, ioctl(self->fd, _IOWR(MEMSIM_IOC_MAGIC, 0x00, __u64), &info));
	EXPECT_EQ(ENOTTY, errno);
	/* Another driver's letter. */
	EXPECT_EQ(-1, ioctl(self->fd, _IO('T', 0x01)));
	EXPECT_EQ(ENOTTY, errno);
}

TEST_HARNESS_MAIN
