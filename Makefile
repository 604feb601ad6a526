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
HOST_WARN := -Wall -Wextra -Werror
USER_CFLAGS := -O2 -g -Wall -Wextra -Werror -std=gnu11 -I$(CURDIR)/include/uapi
# Static, so the binaries run in the busybox initramfs of the test VMs.
USER_LDFLAGS := -static

MEMSIMCTL := $(BUILD)/userspace/memsimctl
# memsimctl's sources, one file per responsibility (userspace/memsimctl/);
# objects in build/userspace/ctl/.  MEMSIMCTL_LIBS: libraries it links.
MEMSIMCTL_SRCS := $(wildcard userspace/memsimctl/*.c)
MEMSIMCTL_HDRS := $(wildcard userspace/memsimctl/*.h)
MEMSIMCTL_OBJS := $(patsubst userspace/memsimctl/%.c,$(BUILD)/userspace/ctl/%.o,$(MEMSIMCTL_SRCS))
MEMSIMCTL_CFLAGS := -I$(CURDIR)/userspace -I$(CURDIR)/userspace/memsimctl
# The release, kept in one place: the file VERSION.  memsimctl --version,
# the module's MODULE_VERSION (module/Kbuild), libmemsim's soname and
# memsim.pc take it from there; make lint checks that dkms.conf,
# debian/changelog and userspace/python/pyproject.toml carry the same.
MEMSIM_VERSION := $(shell cat $(CURDIR)/VERSION)
MEMSIMCTL_VERSION_H := $(BUILD)/userspace/ctl/version.h
# libjansson (JSON, for replay's readers), linked statically.
JANSSON_LIBS := -l:libjansson.a
MEMSIMCTL_LIBS := $(JANSSON_LIBS)
# The memsimctl tests that need the device, for the guest: one tarball of
# selftests/memsimctl/ (run.sh, lib.sh, t-*.sh) and userspace/examples/.
CTLTAR := $(BUILD)/memsimctl-tests.tar
CTLTAR_FILES := $(wildcard selftests/memsimctl/*.sh userspace/examples/* \
	userspace/examples/*/*)
# Host tests of memsimctl's pure modules (make ctltest): each
# selftests/memsimctl/host/NAME.c is linked with the modules listed in
# CTLTEST_MODS_NAME (file names in userspace/memsimctl/ without .c) and the
# sources in CTLTEST_SRCS_NAME and the libraries in CTLTEST_LIBS_NAME, and
# run with the arguments CTLTEST_ARGS_NAME.  Each prints TAP.
CTLTEST_BIN := $(BUILD)/ctltest
CTLTEST_SRCS := $(wildcard selftests/memsimctl/host/*.c)
CTLTESTS := $(patsubst selftests/memsimctl/host/%.c,$(CTLTEST_BIN)/%,$(CTLTEST_SRCS))
CTLTEST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all $(HOST_WARN) \
	-I$(CURDIR)/include/uapi $(MEMSIMCTL_CFLAGS)
CTLTEST_MODS_options_test := options num
CTLTEST_MODS_expr_test := expr num
# compare's bisection and figures (compare_search.c).
CTLTEST_MODS_compare_test := compare_search
# The renderer's test keeps the pictures it draws in build/ctltest/.
CTLTEST_MODS_render_test := render_svg render_trace array
CTLTEST_SRCS_render_test := userspace/libmemsim.c
CTLTEST_ARGS_render_test := $(CTLTEST_BIN)
# The trace readers of replay, on the samples of userspace/examples/traces/.
CTLTEST_MODS_replay_read_test := replay_read array
CTLTEST_SRCS_replay_read_test := userspace/libmemsim.c
CTLTEST_LIBS_replay_read_test := $(JANSSON_LIBS)
CTLTEST_ARGS_replay_read_test := $(CURDIR)/userspace/examples/traces
# The pictures of a saved trace: the readers linked in, and memsimctl
# timeline --trace run on the traces in selftests/memsimctl/data/.
CTLTEST_MODS_pictures_test := pictures render_svg render_trace json options num array
CTLTEST_SRCS_pictures_test := userspace/libmemsim.c
CTLTEST_ARGS_pictures_test := $(CTLTEST_BIN) $(MEMSIMCTL) selftests/memsimctl/data
# libmemsim: the ioctl wrappers memsimctl is built on, also as an archive
# for other programs (include userspace/libmemsim.h, link libmemsim.a).
LIBMEMSIM := $(BUILD)/userspace/libmemsim.a
# The ioctl benchmark of make bench (userspace/ioctlbench/), static.
IOCTLBENCH := $(BUILD)/userspace/memsim-ioctlbench
LIBMEMSIM_HDR := userspace/libmemsim.h
SELFTEST_SRCS := $(wildcard selftests/memsim/*_test.c)
SELFTESTS := $(patsubst selftests/memsim/%.c,$(BUILD)/selftests/%,$(SELFTEST_SRCS))
# The fuzzer of the ioctl interface, built like the kselftests.
FUZZ := $(BUILD)/selftests/memsim_fuzz
UAPI := include/uapi/linux/memsim.h

# The allocator core.  Besides the module, the host harness builds it
# unchanged in userspace against the kernel source's tools/include and
# tools/lib/rbtree.c (see module/core/memsim_env.h), with only core/ on its
# include path: a core file that includes the glue or the uapi fails there.
CORE_SRCS := $(sort $(wildcard module/core/*.c))
HOST := $(BUILD)/host
HOSTTEST := $(HOST)/memsim-hosttest
HOSTBENCH := $(HOST)/memsim-bench
HOSTTEST_SRCS := $(CORE_SRCS) userspace/host/memsim_ref.c \
	userspace/host/memsim_hosttest.c
HOSTBENCH_SRCS := $(CORE_SRCS) userspace/host/memsim_bench.c
HOSTTEST_OBJS := $(patsubst %.c,$(HOST)/test/%.o,$(HOSTTEST_SRCS)) \
	$(HOST)/test/rbtree.o
HOSTBENCH_OBJS := $(patsubst %.c,$(HOST)/bench/%.o,$(HOSTBENCH_SRCS)) \
	$(HOST)/bench/rbtree.o
# Lazy: the kernel source is looked up only when a host object is built.
host_cppflags = -I$(CURDIR)/module/core -I$(CURDIR)/userspace/host \
	-I$(ksrc)/tools/include -I$(ksrc)/tools/arch/x86/include
HOSTTEST_CFLAGS := -std=gnu11 -O1 -g -fsanitize=address,undefined \
	-fno-omit-frame-pointer -fno-sanitize-recover=all $(HOST_WARN)
HOSTBENCH_CFLAGS := -std=gnu11 -O2 -g $(HOST_WARN)
# tools/lib/rbtree.c has callbacks that ignore their arguments.
RBTREE_CFLAGS := -Wno-unused-parameter
# The core is kernel code: like the kernel's own W=1 (scripts/Makefile.extrawarn
# adds -Wno-unused-parameter to -Wextra), it may leave a parameter unused.
CORE_HOST_CFLAGS := -Wno-unused-parameter
# Arguments for the test binary, e.g. HOSTTEST_ARGS="--seed 7 --ops 1000000"
HOSTTEST_ARGS ?=

# The libFuzzer target: the core against its model, built with clang.
HOSTFUZZ := $(HOST)/memsim-fuzz
HOSTFUZZ_SRCS := $(CORE_SRCS) userspace/host/memsim_ref.c \
	userspace/host/memsim_fuzz_target.c
HOSTFUZZ_OBJS := $(patsubst %.c,$(HOST)/fuzz/%.o,$(HOSTFUZZ_SRCS)) \
	$(HOST)/fuzz/rbtree.o
HOSTFUZZ_CC ?= clang
HOSTFUZZ_SAN := -fsanitize=address,undefined -fno-sanitize-recover=all
HOSTFUZZ_CFLAGS := -std=gnu11 -O1 -g -fno-omit-frame-pointer $(HOSTFUZZ_SAN) $(HOST_WARN)
# make hostfuzz HOSTFUZZ_TIME=600 HOSTFUZZ_ARGS="-jobs=2 -seed=7"
HOSTFUZZ_TIME ?= 60
HOSTFUZZ_ARGS ?=
HOSTFUZZ_SEEDS := userspace/host/fuzz-corpus

# The fuzzer of the ioctl interface in the debug VM: make fuzz SEED=N OPS=M
SEED ?=
OPS ?= 200000

.PHONY: all modules userspace selftests check run testkernel compat lint \
	clean install install-build install-module install-userspace uninstall dist man deps help hosttest hostbench tracebench fuzz hostfuzz \
	ctltest bench ioctlbench FORCE

all: modules userspace selftests $(CTLTAR)

help:
	@echo "make            modules (memsim.ko, memsim_test.ko), memsimctl, selftests"
	@echo "make run        boot the debug VM and run the demo"
	@echo "make check      every test: lint, KUnit, kselftests on 6.12 and 6.1"
	@echo "make testkernel build (or find cached) the 6.12 debug test kernel"
	@echo "make compat     build the module against every kernel given or found"
	@echo "make lint       checkpatch --strict, kernel-doc, W=1, uapi header"
	@echo "make hosttest   the allocator core in userspace (ASan, UBSan) against its model"
	@echo "make hostbench  build/host/memsim-bench, the core's per-operation cost"
	@echo "make ctltest    memsimctl's option parser, numbers... on the host (ASan, UBSan)"
	@echo "make fuzz       memsim_fuzz in the debug VM: SEED=N OPS=M (default 200000)"
	@echo "make hostfuzz   libFuzzer on the core against its model, HOSTFUZZ_TIME=60 s"
	@echo "make tracebench the cost of the operation trace, in a VM (Debian's kernel)"
	@echo "make bench      memsim next to drm_mm, drm_buddy, gen_pool, in a VM (Debian's kernel)"
	@echo "make install    memsim.ko for the running kernel (or KDIR), memsimctl, libmemsim,"
	@echo "                headers, memsim.pc, man pages, completion, udev rule: DESTDIR, PREFIX"
	@echo "make install-build  build all install copies, as you (then: sudo make install)"
	@echo "make man        build/man/: memsimctl.1, libmemsim.3, memsim.4 (rst2man)"
	@echo "make uninstall  remove what make install installed (same DESTDIR, PREFIX, KDIR)"
	@echo "make deb        the Debian packages in build/deb/ (dpkg-buildpackage), lintian"
	@echo "make clean      remove build products"

deps:
	@$(CURDIR)/scripts/install-deps.sh

modules:
	$(MAKE) -C $(kdir) M=$(CURDIR) modules

userspace: $(MEMSIMCTL) $(LIBMEMSIM)

$(BUILD)/userspace/%.o: userspace/%.c $(LIBMEMSIM_HDR) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -c -o $@ $<

$(LIBMEMSIM): $(BUILD)/userspace/libmemsim.o
	$(AR) rcs $@ $^

$(BUILD)/userspace/ctl/%.o: userspace/memsimctl/%.c $(MEMSIMCTL_HDRS) $(LIBMEMSIM_HDR) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) $(MEMSIMCTL_CFLAGS) -c -o $@ $<

# Rewritten only when the version changes, so that main.o is rebuilt then.
$(MEMSIMCTL_VERSION_H): FORCE
	@mkdir -p $(@D)
	@echo '#define MEMSIMCTL_VERSION "$(MEMSIM_VERSION)"' > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

# Both builds of memsimctl (static here, build/dist/ for make install).
MEMSIMCTL_MAIN_OBJS := $(BUILD)/userspace/ctl/main.o $(BUILD)/dist/ctl/main.o
$(MEMSIMCTL_MAIN_OBJS): $(MEMSIMCTL_VERSION_H)
$(MEMSIMCTL_MAIN_OBJS): MEMSIMCTL_CFLAGS += -I$(BUILD)/userspace/ctl

$(MEMSIMCTL): $(MEMSIMCTL_OBJS) $(LIBMEMSIM)
	$(CC) $(USER_CFLAGS) -o $@ $^ $(MEMSIMCTL_LIBS) $(USER_LDFLAGS)

$(CTLTAR): $(CTLTAR_FILES)
	@mkdir -p $(@D)
	tar cf $@ --format=ustar --owner=0 --group=0 --sort=name \
		--exclude=selftests/memsimctl/host --exclude=selftests/memsimctl/data \
		selftests/memsimctl userspace/examples

# Each host test with the modules it names (see CTLTEST_MODS_NAME above).
.SECONDEXPANSION:
$(CTLTEST_BIN)/%: selftests/memsimctl/host/%.c \
		$$(addprefix userspace/memsimctl/,$$(addsuffix .c,$$(CTLTEST_MODS_$$*))) \
		$$(CTLTEST_SRCS_$$*) $(MEMSIMCTL_HDRS) $(LIBMEMSIM_HDR) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(CTLTEST_CFLAGS) -o $@ $(filter %.c,$^) $(CTLTEST_LIBS_$*)

$(CTLTEST_BIN)/pictures_test: $(MEMSIMCTL)

# Every host test of memsimctl; the last line sums their TAP cases.
ctltest_one = $(1) $(CTLTEST_ARGS_$(notdir $(1))) > $(1).log 2>&1; rc=$$?; \
	cat $(1).log; p=$$(grep -c '^ok ' $(1).log); f=$$(grep -c '^not ok ' $(1).log); \
	if [ $$rc -ne 0 ] && [ $$f -eq 0 ]; then f=1; fi; \
	pass=$$((pass + p)); fail=$$((fail + f));
ctltest: $(CTLTESTS)
	@pass=0; fail=0; $(foreach t,$(CTLTESTS),$(call ctltest_one,$(t))) \
	echo "ctltest: $$pass passed, $$fail failed"; [ $$fail -eq 0 ]

selftests: $(SELFTESTS) $(FUZZ)

# Every program is linked with the shared helpers, compiled once.
SELFTEST_CFLAGS = $(USER_CFLAGS) -D_GNU_SOURCE -Wno-unused-parameter \
	-I$(ksrc)/tools/testing/selftests
SELFTEST_UTIL := $(BUILD)/selftests/memsim_util.o

$(SELFTEST_UTIL): selftests/memsim/memsim_util.c selftests/memsim/memsim_util.h $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -c -o $@ $<

$(BUILD)/selftests/%: selftests/memsim/%.c $(SELFTEST_UTIL) $(wildcard selftests/memsim/*.h) \
		$(UAPI)
	@mkdir -p $(@D)
	$(CC) $(SELFTEST_CFLAGS) -o $@ $< $(SELFTEST_UTIL) $(USER_LDFLAGS) -pthread

hosttest: $(HOSTTEST)
	$(HOSTTEST) $(HOSTTEST_ARGS)

hostbench: $(HOSTBENCH)

$(HOSTTEST): $(HOSTTEST_OBJS)
	$(CC) $(HOSTTEST_CFLAGS) -o $@ $^

$(HOSTBENCH): $(HOSTBENCH_OBJS)
	$(CC) $(HOSTBENCH_CFLAGS) -o $@ $^

$(HOST)/test/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTTEST_CFLAGS) $(HOST_EXTRA_CFLAGS) $(host_cppflags) -MMD -MP -c -o $@ $<

$(HOST)/bench/%.o: %.c
	@mkdir -p $(@D)
	$(CC) $(HOSTBENCH_CFLAGS) $(HOST_EXTRA_CFLAGS) $(host_cppflags) -MMD -MP -c -o $@ $<

$(patsubst %.c,$(HOST)/test/%.o,$(CORE_SRCS)) \
$(patsubst %.c,$(HOST)/bench/%.o,$(CORE_SRCS)): HOST_EXTRA_CFLAGS := $(CORE_HOST_CFLAGS)

$(HOSTFUZZ): $(HOSTFUZZ_OBJS)
	$(HOSTFUZZ_CC) $(HOSTFUZZ_CFLAGS) -fsanitize=fuzzer -o $@ $^

$(HOST)/fuzz/%.o: %.c
	@mkdir -p $(@D)
	$(HOSTFUZZ_CC) $(HOSTFUZZ_CFLAGS) -fsanitize=fuzzer-no-link $(HOST_EXTRA_CFLAGS) \
		$(host_cppflags) -MMD -MP -c -o $@ $<

$(patsubst %.c,$(HOST)/fuzz/%.o,$(CORE_SRCS)): HOST_EXTRA_CFLAGS := $(CORE_HOST_CFLAGS)

$(HOST)/fuzz/rbtree.o:
	@mkdir -p $(@D)
	$(HOSTFUZZ_CC) $(HOSTFUZZ_CFLAGS) $(RBTREE_CFLAGS) $(host_cppflags) -c -o $@ \
		$(ksrc)/tools/lib/rbtree.c

# Bounded: HOSTFUZZ_TIME seconds; new inputs go to build/host/fuzz-corpus,
# crashes to build/host/fuzz-crashes/ (rerun one: build/host/memsim-fuzz FILE).
hostfuzz:
	@$(CURDIR)/scripts/install-deps.sh hostfuzz
	$(MAKE) $(HOSTFUZZ)
	@mkdir -p $(HOST)/fuzz-corpus $(HOST)/fuzz-crashes
	$(HOSTFUZZ) -max_total_time=$(HOSTFUZZ_TIME) -print_final_stats=1 \
		-artifact_prefix=$(HOST)/fuzz-crashes/ $(HOSTFUZZ_ARGS) \
		$(HOST)/fuzz-corpus $(HOSTFUZZ_SEEDS)

# Long runs of the VM fuzzer; the VM's timeout grows with OPS.
fuzz: deps modules $(FUZZ)
	$(CURDIR)/scripts/vm-run --log $(BUILD)/fuzz.console \
		--timeout $$(( $(OPS) / 200 + 300 )) \
		--kernel $(kdir)/arch/x86/boot/bzImage --add module/memsim.ko \
		--add $(FUZZ) --add scripts/guest/memsim-tests.sh -- \
		env MEMSIM_FUZZ_OPS=$(OPS) MEMSIM_FUZZ_ARGS="$(if $(SEED),--seed $(SEED))" \
		sh memsim-tests.sh

$(HOST)/test/rbtree.o:
	@mkdir -p $(@D)
	$(CC) $(HOSTTEST_CFLAGS) $(RBTREE_CFLAGS) $(host_cppflags) -c -o $@ \
		$(ksrc)/tools/lib/rbtree.c

$(HOST)/bench/rbtree.o:
	@mkdir -p $(@D)
	$(CC) $(HOSTBENCH_CFLAGS) $(RBTREE_CFLAGS) $(host_cppflags) -c -o $@ \
		$(ksrc)/tools/lib/rbtree.c

-include $(shell find $(HOST) -name '*.d' 2>/dev/null)


testkernel: deps
	@$(CURDIR)/scripts/build-testkernel.sh

check: deps
	@$(CURDIR)/scripts/check.sh

run: deps
	@$(CURDIR)/scripts/run-demo.sh

tracebench: deps
	@$(CURDIR)/scripts/trace-bench.sh

# The in-kernel benchmark (module/bench/) and the ioctl benchmark, in one
# VM run of Debian's 6.1 kernel; results in build/bench/.  See
# scripts/bench.sh for MEMSIM_BENCH_PARAMS and MEMSIM_BENCH_MEMORY.
bench: deps
	@$(CURDIR)/scripts/bench.sh

ioctlbench: $(IOCTLBENCH)

$(IOCTLBENCH): userspace/ioctlbench/memsim_ioctlbench.c $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(USER_CFLAGS) -o $@ $< $(USER_LDFLAGS)

compat: deps
	@$(CURDIR)/scripts/compat.sh $(KDIRS)

lint:
	@$(CURDIR)/scripts/lint.sh

# The man pages memsimctl(1), libmemsim(3), memsim(4): reStructuredText in
# Documentation/man/NAME.SECTION.rst, rendered by rst2man (Debian's
# python3-docutils, scripts/install-deps.sh) into build/man/NAME.SECTION.
# A docutils warning fails the build (--halt=warning).  scripts/check-man.sh
# (a stage of make lint) checks them further.
RST2MAN ?= rst2man
MAN_SRCS := $(wildcard Documentation/man/*.rst)
MAN_PAGES := $(patsubst Documentation/man/%.rst,$(BUILD)/man/%,$(MAN_SRCS))

.PHONY: man
man: $(MAN_PAGES)

$(BUILD)/man/%: Documentation/man/%.rst
	@mkdir -p $(@D)
	$(RST2MAN) --halt=warning --exit-status=warning $< $@.tmp
	@mv $@.tmp $@

# The Debian packages (debian/): built in a copy of the tree under
# build/deb/, checked with lintian and dpkg-deb (scripts/deb.sh).
.PHONY: deb
deb: deps
	@$(CURDIR)/scripts/deb.sh

# --- make install, make uninstall -----------------------------------------
#
# make install [DESTDIR=...] [PREFIX=/usr/local] [LIBDIR=...] [KDIR=...]
# is install-module and install-userspace; make uninstall removes exactly
# what they install, with the same variables.
#
# install-module builds memsim.ko for the running kernel (KDIR unset: its
# /lib/modules/$(uname -r)/build, not the test kernel) in build/install/,
# (make install-build builds it, and the rest, as you: a later
# sudo make install then only copies) and installs it with modules_install
# under
# $(DESTDIR)/lib/modules/KVER/updates/ (with memsim_test.ko, the KUnit
# suites, when that kernel has KUnit).  depmod runs only when DESTDIR is
# empty: a staging tree gets the module and nothing else.
#
# install-userspace needs no kernel.  Its programs are built apart from the
# static test binaries, in build/dist/: a shared libmemsim (soname
# libmemsim.so.MAJOR, the file libmemsim.so.VERSION) and a memsimctl
# linked against it and libjansson.so, with the distribution's CC, CFLAGS,
# CPPFLAGS and LDFLAGS (dpkg-buildflags in debian/rules) and no -Werror.
PREFIX ?= /usr/local
# PREFIX=/usr/ is PREFIX=/usr.
prefix = $(patsubst %/,%,$(PREFIX))
BINDIR ?= $(prefix)/bin
LIBDIR ?= $(prefix)/lib
INCLUDEDIR ?= $(prefix)/include
MANDIR ?= $(prefix)/share/man
DOCDIR ?= $(prefix)/share/doc/memsim
BASHCOMPDIR ?= $(prefix)/share/bash-completion/completions
# udev reads rules from /usr/lib/udev and /etc/udev only, never /usr/local.
UDEVRULESDIR ?= $(if $(filter /usr,$(prefix)),/usr/lib/udev/rules.d,/etc/udev/rules.d)
INSTALL ?= install

# Like kdir and ksrc above: looked up once, and only by a rule that uses them.
ifeq ($(origin KDIR),undefined)
install_kdir = $(eval install_kdir := /lib/modules/$(shell uname -r)/build)$(install_kdir)
else
install_kdir = $(KDIR)
endif
# The release of the kernel install_kdir is for, as its modules' vermagic
# has it (Debian's headers say "6.1.192" in kernel.release, but install to
# and load from /lib/modules/6.1.0-57-amd64).
install_kver = $(eval install_kver := $(shell sed -n 's/^\#define UTS_RELEASE "\(.*\)"$$/\1/p' \
	$(install_kdir)/include/generated/utsrelease.h 2>/dev/null))$(install_kver)
INSTALL_MODULE_BUILD = $(BUILD)/install/$(install_kver)
INSTALL_KO = $(INSTALL_MODULE_BUILD)/module/memsim.ko

DIST := $(BUILD)/dist
LIBMEMSIM_MAJOR := $(firstword $(subst ., ,$(MEMSIM_VERSION)))
LIBMEMSIM_SONAME := libmemsim.so.$(LIBMEMSIM_MAJOR)
LIBMEMSIM_SO := $(DIST)/libmemsim.so.$(MEMSIM_VERSION)
LIBMEMSIM_DIST_A := $(DIST)/libmemsim.a
MEMSIMCTL_DIST := $(DIST)/memsimctl
MEMSIM_PC := $(DIST)/memsim.pc
CFLAGS ?= -O2 -g
DIST_CFLAGS = -std=gnu11 -Wall -Wextra $(CPPFLAGS) $(CFLAGS) -I$(CURDIR)/include/uapi
MEMSIMCTL_DIST_OBJS := $(patsubst userspace/memsimctl/%.c,$(DIST)/ctl/%.o,$(MEMSIMCTL_SRCS))

dist: $(LIBMEMSIM_SO) $(LIBMEMSIM_DIST_A) $(MEMSIMCTL_DIST) $(MEMSIM_PC)

$(DIST)/libmemsim.o: userspace/libmemsim.c $(LIBMEMSIM_HDR) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(DIST_CFLAGS) -fPIC -c -o $@ $<

$(LIBMEMSIM_SO): $(DIST)/libmemsim.o
	$(CC) $(CFLAGS) $(LDFLAGS) -shared -Wl,-soname,$(LIBMEMSIM_SONAME) -o $@ $^
	ln -sf $(notdir $@) $(DIST)/$(LIBMEMSIM_SONAME)
	ln -sf $(notdir $@) $(DIST)/libmemsim.so

$(LIBMEMSIM_DIST_A): $(DIST)/libmemsim.o
	$(AR) rcs $@ $^

$(DIST)/ctl/%.o: userspace/memsimctl/%.c $(MEMSIMCTL_HDRS) $(LIBMEMSIM_HDR) $(UAPI)
	@mkdir -p $(@D)
	$(CC) $(DIST_CFLAGS) $(MEMSIMCTL_CFLAGS) -c -o $@ $<


$(MEMSIMCTL_DIST): $(MEMSIMCTL_DIST_OBJS) $(LIBMEMSIM_SO)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $(MEMSIMCTL_DIST_OBJS) -L$(DIST) -lmemsim -ljansson

# Rewritten when PREFIX, LIBDIR, INCLUDEDIR or the version change.
$(MEMSIM_PC): userspace/install/memsim.pc.in FORCE
	@mkdir -p $(@D)
	@sed -e '/^#/d' -e 's|@PREFIX@|$(PREFIX)|' -e 's|@LIBDIR@|$(LIBDIR)|' \
		-e 's|@INCLUDEDIR@|$(INCLUDEDIR)|' -e 's|@VERSION@|$(MEMSIM_VERSION)|' \
		$< > $@.tmp
	@cmp -s $@.tmp $@ && rm -f $@.tmp || mv $@.tmp $@

install: install-module install-userspace

# The module's rules name files by kernel release, so reading them means
# finding that release and the sources: done only when a goal needs them,
# not at every make.
ifneq ($(filter install install-build install-module,$(MAKECMDGOALS)),)
# What the module is built from: a change rebuilds it for install.
MODULE_SRCS := Kbuild VERSION $(shell find module include -name '*.[ch]' ! -name '*.mod.c' \
	-o -name Kbuild 2>/dev/null)

# Everything install copies, built without installing anything.
install-build: $(INSTALL_KO) dist man

$(INSTALL_KO): $(MODULE_SRCS)
	@[ -f "$(install_kdir)/Makefile" ] || { echo "Makefile: install-module: no kernel" \
		"build tree at $(install_kdir):" \
		"install the headers of the running kernel" \
		"(apt install linux-headers-$$(uname -r)) or give KDIR=..." >&2; exit 1; }
	$(CURDIR)/scripts/build-module.sh "$(install_kdir)" "$(INSTALL_MODULE_BUILD)"

install-module: $(INSTALL_KO)
	$(MAKE) -C "$(install_kdir)" M="$(INSTALL_MODULE_BUILD)/module" \
		INSTALL_MOD_PATH="$(DESTDIR)" INSTALL_MOD_DIR=updates \
		$(if $(DESTDIR),DEPMOD=true) modules_install
	$(if $(DESTDIR),,depmod -a $(install_kver))
endif

install-userspace: dist man
	$(INSTALL) -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(LIBDIR)/pkgconfig" \
		"$(DESTDIR)$(INCLUDEDIR)/memsim/linux" "$(DESTDIR)$(MANDIR)/man1" \
		"$(DESTDIR)$(MANDIR)/man3" "$(DESTDIR)$(MANDIR)/man4" \
		"$(DESTDIR)$(BASHCOMPDIR)" "$(DESTDIR)$(UDEVRULESDIR)" "$(DESTDIR)$(DOCDIR)/examples"
	$(INSTALL) -m 0755 $(MEMSIMCTL_DIST) "$(DESTDIR)$(BINDIR)/memsimctl"
	$(INSTALL) -m 0644 $(LIBMEMSIM_SO) "$(DESTDIR)$(LIBDIR)/"
	ln -sf $(notdir $(LIBMEMSIM_SO)) "$(DESTDIR)$(LIBDIR)/$(LIBMEMSIM_SONAME)"
	ln -sf $(LIBMEMSIM_SONAME) "$(DESTDIR)$(LIBDIR)/libmemsim.so"
	$(INSTALL) -m 0644 $(LIBMEMSIM_DIST_A) "$(DESTDIR)$(LIBDIR)/libmemsim.a"
	$(INSTALL) -m 0644 $(MEMSIM_PC) "$(DESTDIR)$(LIBDIR)/pkgconfig/memsim.pc"
	$(INSTALL) -m 0644 $(LIBMEMSIM_HDR) "$(DESTDIR)$(INCLUDEDIR)/memsim/libmemsim.h"
	$(INSTALL) -m 0644 $(UAPI) "$(DESTDIR)$(INCLUDEDIR)/memsim/linux/memsim.h"
	$(foreach m,$(MAN_PAGES),$(INSTALL) -m 0644 $(m) \
		"$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))";)
	$(INSTALL) -m 0644 userspace/install/memsimctl.bash-completion \
		"$(DESTDIR)$(BASHCOMPDIR)/memsimctl"
	$(INSTALL) -m 0644 userspace/install/60-memsim.rules \
		"$(DESTDIR)$(UDEVRULESDIR)/60-memsim.rules"
	$(INSTALL) -m 0644 userspace/install/memsim-modprobe.conf \
		"$(DESTDIR)$(DOCDIR)/examples/memsim-modprobe.conf"
	$(ldconfig)

# A live install refreshes the loader's cache, so that memsimctl finds
# libmemsim.so.MAJOR in a LIBDIR such as /usr/local/lib at once.
ldconfig = $(if $(DESTDIR),,-ldconfig)

# The kernel release whose module uninstall removes: install_kdir's, or,
# its headers gone and no KDIR given, the running kernel's.
uninstall_kver = $(or $(install_kver),$(if $(filter undefined,$(origin KDIR)),$(shell uname -r)))

# Every file install puts in place (the module also compressed, as a kernel
# with CONFIG_MODULE_COMPRESS_* installs it), and then the directories
# memsim alone owns (include/memsim, the doc directory) if left empty.
uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/memsimctl" \
		"$(DESTDIR)$(LIBDIR)/$(notdir $(LIBMEMSIM_SO))" \
		"$(DESTDIR)$(LIBDIR)/$(LIBMEMSIM_SONAME)" "$(DESTDIR)$(LIBDIR)/libmemsim.so" \
		"$(DESTDIR)$(LIBDIR)/libmemsim.a" "$(DESTDIR)$(LIBDIR)/pkgconfig/memsim.pc" \
		"$(DESTDIR)$(INCLUDEDIR)/memsim/libmemsim.h" \
		"$(DESTDIR)$(INCLUDEDIR)/memsim/linux/memsim.h" \
		$(foreach m,$(MAN_PAGES),"$(DESTDIR)$(MANDIR)/man$(subst .,,$(suffix $(m)))/$(notdir $(m))") \
		"$(DESTDIR)$(BASHCOMPDIR)/memsimctl" "$(DESTDIR)$(UDEVRULESDIR)/60-memsim.rules" \
		"$(DESTDIR)$(DOCDIR)/examples/memsim-modprobe.conf"
	-rmdir "$(DESTDIR)$(INCLUDEDIR)/memsim/linux" "$(DESTDIR)$(INCLUDEDIR)/memsim" \
		"$(DESTDIR)$(DOCDIR)/examples" "$(DESTDIR)$(DOCDIR)" 2>/dev/null
	$(ldconfig)
	@kver='$(uninstall_kver)'; \
	if [ -z "$$kver" ]; then \
		echo "Makefile: uninstall: no kernel release for KDIR=$(KDIR) (its headers" \
			"are gone): memsim.ko left in place; give KDIR= of its kernel" >&2; \
	else \
		mods=; \
		for m in memsim memsim_test; do for z in .ko .ko.gz .ko.xz .ko.zst; do \
			mods="$$mods $(DESTDIR)/lib/modules/$$kver/updates/$$m$$z"; \
		done; done; \
		echo rm -f $$mods; rm -f $$mods; \
		$(if $(DESTDIR),true,depmod -a "$$kver"); \
	fi

clean:
	rm -rf $(BUILD)
	rm -f module/*.o module/*.ko module/*.mod module/*.mod.c module/.*.cmd \
		module/*/*.o module/*/.*.cmd \
		module/modules.order module/Module.symvers \
		.*.cmd modules.order Module.symvers
