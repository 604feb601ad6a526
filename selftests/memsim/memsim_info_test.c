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
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <unistd.h>

#include <linux/memsim.h>

#include "kselftest_harness.h"

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
					   MEMSIM_FEATURE_TRACE_STACK));
	/* The operation trace is always built in. */
	EXPECT_NE(0ULL, info.features & MEMSIM_FEATURE_TRACE);
	for (unsigned int i = 0; i < ARRAY_SIZE(info.reserved); i++)
		EXPECT_EQ(0ULL, info.reserved[i]);
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

TEST_F(memsim, get_info_rejects_reserved)
{
	struct memsim_info info;
	unsigned int i;

	for (i = 0; i < ARRAY_SIZE(info.reserved); i++) {
		memset(&info, 0, sizeof(info));
		info.reserved[i] = 1ULL << 63;
		EXPECT_EQ(-1, ioctl(self->fd, MEMSIM_IOC_GET_INFO, &info));
		EXPECT_EQ(EINVAL, errno);
		EXPECT_EQ(0ULL, info.instance_id);
	}
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
