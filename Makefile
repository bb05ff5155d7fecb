# SPDX-License-Identifier: GPL-2.0
#
# weft: `make` builds weft.ko and the userspace programs, `make check` runs
# every test (unit tests on the host, system tests in the VM), `make demo`
# shows a datapath forwarding between two namespaces in the VM.

.DEFAULT_GOAL := all

TOP := $(abspath $(dir $(lastword $(MAKEFILE_LIST))))
BUILD := $(TOP)/build

# The kernel to build against: the newest Debian headers that scripts/deps
# installed, never the running kernel (this host cannot load modules).
KVER ?= $(shell ls -1 /lib/modules 2>/dev/null | grep -v '^$$' | sort -V | \
	while read v; do [ -d /lib/modules/$$v/build ] && echo $$v; done | tail -n 1)
KDIR ?= /lib/modules/$(KVER)/build

CC ?= gcc
CFLAGS ?= -O2 -g
WEFT_CFLAGS := -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	-Wshadow -Wformat=2 -Wmissing-prototypes -Wstrict-prototypes \
	-D_GNU_SOURCE -I$(TOP) -I$(TOP)/include \
	$(shell pkg-config --cflags libmnl jansson 2>/dev/null)
LIBS := $(shell pkg-config --libs libmnl jansson openssl 2>/dev/null) -lpthread

LIB_SRCS := $(sort $(wildcard $(TOP)/agent/lib/*.c))
LIB_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB := $(BUILD)/libweft.a

# Each program is a directory of sources under agent/: agent/weftd builds
# weftd, agent/NAME builds weft-NAME (agent/lib is the library).
PROG_DIRS := $(filter-out lib,$(notdir $(patsubst %/,%,$(sort $(dir $(wildcard $(TOP)/agent/*/*.c))))))
prog_name = $(if $(filter weftd,$(1)),weftd,weft-$(1))
PROGS := $(foreach d,$(PROG_DIRS),$(call prog_name,$(d)))

define prog_rule
$(BUILD)/$(call prog_name,$(1)): $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(sort $(wildcard $(TOP)/agent/$(1)/*.c))) $(LIB)
	$$(CC) $$(CFLAGS) -o $$@ $$(filter %.o,$$^) $(LIB) $(LIBS)
endef
$(foreach d,$(PROG_DIRS),$(eval $(call prog_rule,$(d))))

# Test tools (run inside the VM by tests/system): tests/tools/NAME.c is one
# program, build/tests/tools/NAME, linked with libweft.
TOOL_SRCS := $(sort $(wildcard $(TOP)/tests/tools/*.c))
TOOL_BINS := $(patsubst $(TOP)/tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))

UNIT_SRCS := $(sort $(wildcard $(TOP)/tests/unit/check_*.c))
UNIT_BINS := $(patsubst $(TOP)/tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))

.PHONY: all module userspace tests clean check check-unit check-system demo \
	bench bench-tunnel bench-ct deps install

all: module userspace tests

module:
	@test -d "$(KDIR)" || { echo "no kernel headers at KDIR=$(KDIR): run scripts/deps" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

userspace: $(addprefix $(BUILD)/,$(PROGS)) $(TOOL_BINS)

tests: $(UNIT_BINS) $(TOOL_BINS)

$(BUILD)/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WEFT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS) $(shell pkg-config --libs check)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

# Keep the objects of test programs (make would delete them as
# intermediate files, and then rebuild the programs every time).
.SECONDARY:

# ---- tests, demo, install ------------------------------------------------
#
# `make check` installs what is missing (scripts/deps, quick when all is
# there), builds everything, runs the unit tests on the host (plain and
# under valgrind) and the system tests in the VM, and ends with the line
# "N passed, N failed".  TESTS="test_foo test_bar" runs only those system
# tests (and skips the unit tests); logs are in results/NAME/. System tests
# run JOBS VMs at a time (2: a guest mostly keeps one vCPU busy).

JOBS ?= 2

deps:
	@$(TOP)/scripts/deps

check:
	@$(TOP)/scripts/deps
	@$(MAKE) --no-print-directory all
	@$(TOP)/scripts/run-tests $(if $(TESTS),,--unit --valgrind) --system \
		--jobs $(JOBS) $(if $(TESTS),--tests "$(TESTS)")

check-unit: $(UNIT_BINS)
	@$(TOP)/scripts/run-tests --unit --valgrind --jobs $(JOBS)

check-system:
	@$(MAKE) --no-print-directory module userspace
	@$(TOP)/scripts/run-tests --system --jobs $(JOBS) \
		$(if $(TESTS),--tests "$(TESTS)")

# Two namespaces talking through a weft datapath, in the VM.
demo:
	@$(TOP)/scripts/deps
	@$(MAKE) --no-print-directory module userspace
	@$(TOP)/scripts/vm-run --name demo $(TOP)/scripts/demo

# The datapath benchmark, weft.ko beside openvswitch.ko, veth and a bridge,
# in one VM under -icount; it updates docs/benchmarks.md. Not a test.
bench:
	@$(TOP)/scripts/deps
	@$(MAKE) --no-print-directory module userspace
	@$(TOP)/tests/bench/bench_datapath.sh

# The tunnel benchmark: GENEVE and VXLAN between two nodes through Linux's
# own devices, a bridge, openvswitch.ko and weft.ko; it updates
# docs/benchmarks-tunnel.md. Not a test.
bench-tunnel:
	@$(TOP)/scripts/deps
	@$(MAKE) --no-print-directory module userspace
	@$(TOP)/tests/bench/bench_tunnel.sh

# The conntrack benchmark: TCP conn/s and 64-byte pps through a stateful
# ct pipeline, weftd on weft.ko beside ovs-vswitchd on openvswitch.ko; it
# updates docs/benchmarks-ct.md. Not a test.
bench-ct:
	@$(TOP)/scripts/deps
	@$(MAKE) --no-print-directory module userspace
	@$(TOP)/tests/bench/bench_ct.sh

PREFIX ?= /usr/local
MODDIR ?= /lib/modules/$(KVER)/extra
UNITDIR ?= /lib/systemd/system
# Where container runtimes look for CNI plugins.
CNIDIR ?= /opt/cni/bin

install: all
	install -D -m 0644 $(TOP)/kmod/weft.ko $(DESTDIR)$(MODDIR)/weft.ko
	install -d $(DESTDIR)$(PREFIX)/bin
	install -m 0755 $(addprefix $(BUILD)/,$(PROGS)) $(DESTDIR)$(PREFIX)/bin/
	install -D -m 0755 $(BUILD)/weft-cni $(DESTDIR)$(CNIDIR)/weft-cni
	install -D -m 0644 $(TOP)/uapi/linux/weft.h \
		$(DESTDIR)$(PREFIX)/include/linux/weft.h
	install -d $(DESTDIR)$(UNITDIR)
	sed 's|/usr/local/bin/|$(PREFIX)/bin/|g' $(TOP)/dist/weftd.service \
		>$(DESTDIR)$(UNITDIR)/weftd.service
	$(if $(DESTDIR),,depmod -a $(KVER))

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf $(BUILD) $(TOP)/results
