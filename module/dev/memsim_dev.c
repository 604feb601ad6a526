// SPDX-License-Identifier: GPL-2.0
/*
 * memsim: the /dev/memsim misc device
 *
 * Copyright (C) 2026 The memsim authors
 */

/**
 * DOC: Device node
 *
 * /dev/memsim is a misc device with a dynamic minor.  open() creates an
 * instance and stores it in the file's private data; release() destroys it.
 * Files share an instance only by sharing the open file (dup(), fork(),
 * threads), never by opening the node again.
 *
 * .owner pins the module while any file is open, so rmmod fails with -EAGAIN
 * instead of pulling the code from under a live instance.
 */

#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/module.h>

#include "memsim_internal.h"

static int memsim_open(struct inode *inode, struct file *file)
{
	struct memsim_instance *inst;

	inst = memsim_instance_create();
	if (!inst)
		return -ENOMEM;

	/* misc_open() left the miscdevice here; the instance replaces it. */
	file->private_data = inst;
	return 0;
}

static int memsim_release(struct inode *inode, struct file *file)
{
	memsim_instance_destroy(file->private_data);
	return 0;
}

static const struct file_operations memsim_fops = {
	.owner = THIS_MODULE,
	.open = memsim_open,
	.release = memsim_release,
	.unlocked_ioctl = memsim_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice memsim_miscdev = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = "memsim",
	.fops = &memsim_fops,
};

/**
 * memsim_dev_register() - create /dev/memsim
 *
 * Return: 0 or the negative errno of misc_register().
 */
int memsim_dev_register(void)
{
	memsim_miscdev.mode = memsim_dev_mode & 0666;
	return misc_register(&memsim_miscdev);
}

/**
 * memsim_dev_unregister() - remove /dev/memsim
 */
void memsim_dev_unregister(void)
{
	misc_deregister(&memsim_miscdev);
}
