# SPDX-License-Identifier: GPL-2.0
#
# memsim top-level Makefile.  "make help" lists the targets.
#
# KDIR selects the kernel build tree the modules are built against.  Unset,
# it is the memsim test kernel (Linux 6.12 with KASAN, lockdep, kmemleak,
# UBSAN and KUnit), built once and cached outside the repository.  On a real
# machine: make KDIR=/lib/modules/$(uname -r)/build
#
# KSRC is a full kernel source tree; its kselftest harness, checkpatch and
# kernel-doc are used at build time.  Unset, it is Debian 13's
# linux-source-6.12, fetched once into the same cache.

SHELL := /bin/bash
BUILD := $(CURDIR)/build

# Evaluate the (slow, cached) lookups at most once, and only when used.
ifeq ($(origin KDIR),undefined)
kdir = $(eval KDIR := $(shell $(CURDIR)/scripts/build-testkernel.sh))$(KDIR)
else
kdir = $(KDIR)
endif
ifeq ($(origin KSRC),undefined)
ksrc = $(eval KSRC := $(shell $(CURDIR)/scripts/fetch-kernel-source.sh))$(KSRC)
else
ksrc = $(KSRC)
endif

CC ?= gcc
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -I$(CURDIR)/include/uapi
# Static, so the binaries run in the busybox initramfs of the test VMs.
USER_LDFLAGS := -static

MEMSIMCTL := $(BUILD)/userspace/memsimctl
SELFTEST_SRCS := $(wildcard selftests/memsim/*_test.c)
SELFTESTS := $(patsubst selftests/memsim/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))
UAPI := include/uapi/linux/memsim.h

.PHONY: all modules userspace selftests check run testkernel compat lint \
	clean install deps help

all: modules userspace selftests

help:
	@echo "make            modules (memsim.ko, memsim_test.ko), memsimctl, selftests"
	@echo "make run        boot the debug VM and run the demo"
	@echo "make check      every test: lint, KUnit, kselftests on 6.12 and 6.1"
	@echo "make testkernel build (or find cached) the 6.12 debug test kernel"
	@echo "make compat     build the module against every kernel given or found"
	@echo "make lint       checkpatch --strict, kernel-doc, W=1, uapi header"
	@echo "make install    install the modules and memsimctl (KDIR of this machine)"
	@echo "make clean      remove build products"

deps:
	@$(CURDIR)/scripts/install-deps.sh

modules:
	$(MAKE) -C $(kdir) M=$(CURDIR) modules

userspace: $(MEMSIMCTL)

$(MEMSIMCTL): userspace/memsimctl.c $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

selftests: $(SELFTESTS)

$(BUILD)/selftests/%: selftests/memsim/%.c $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -D_GNU_SOURCE -Wno-unused-parameter \
		-I$(ksrc)/tools/testing/selftests -o $@ $< $(USER_LDFLAGS) -pthread

testkernel: deps
	@$(CURDIR)/scripts/build-testkernel.sh

check: deps
	@$(CURDIR)/scripts/check.sh

run: deps
	@$(CURDIR)/scripts/run-demo.sh

compat: deps
	@$(CURDIR)/scripts/compat.sh $(KDIRS)

lint:
	@$(CURDIR)/scripts/lint.sh

install: modules userspace
	$(MAKE) -C $(kdir) M=$(CURDIR) modules_install
	install -D -m 0755 $(MEMSIMCTL) $(DESTDIR)/usr/local/bin/memsimctl
	install -D -m 0644 $(UAPI) $(DESTDIR)/usr/local/include/linux/memsim.h

clean:
	rm -rf $(BUILD)
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/modules.order module/Module.symvers \
		.*.cmd modules.order Module.symvers
