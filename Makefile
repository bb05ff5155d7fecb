# SPDX-License-Identifier: GPL-2.0
#
# weft: `make` builds weft.ko and the userspace programs, `make check` runs
# every test (unit tests on the host, system tests in the VM), `make demo`
# shows a datapath forwarding between two namespaces in the VM.

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
LIBS := $(shell pkg-config --libs libmnl jansson 2>/dev/null) -lpthread

LIB_SRCS := $(sort $(wildcard $(TOP)/agent/lib/*.c))
LIB_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(LIB_SRCS))
LIB := $(BUILD)/libweft.a

# Each program is a directory of sources under agent/.
PROGS := weft-dpctl
DPCTL_SRCS := $(sort $(wildcard $(TOP)/agent/dpctl/*.c))
DPCTL_OBJS := $(patsubst $(TOP)/%.c,$(BUILD)/%.o,$(DPCTL_SRCS))

# Test tools (run inside the VM by tests/system): tests/tools/NAME.c is one
# program, build/tests/tools/NAME, linked with libweft.
TOOL_SRCS := $(sort $(wildcard $(TOP)/tests/tools/*.c))
TOOL_BINS := $(patsubst $(TOP)/tests/tools/%.c,$(BUILD)/tests/tools/%,$(TOOL_SRCS))

UNIT_SRCS := $(sort $(wildcard $(TOP)/tests/unit/check_*.c))
UNIT_BINS := $(patsubst $(TOP)/tests/unit/%.c,$(BUILD)/tests/unit/%,$(UNIT_SRCS))

.PHONY: all module userspace clean check check-unit check-system demo \
	bench deps install

all: module userspace

module:
	@test -d "$(KDIR)" || { echo "no kernel headers at KDIR=$(KDIR): run scripts/deps" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(TOP) modules

userspace: $(addprefix $(BUILD)/,$(PROGS)) $(TOOL_BINS)

$(BUILD)/%.o: $(TOP)/%.c
	@mkdir -p $(dir $@)
	$(CC) $(WEFT_CFLAGS) $(CFLAGS) -MMD -MP -c -o $@ $<

$(LIB): $(LIB_OBJS)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BUILD)/weft-dpctl: $(DPCTL_OBJS) $(LIB)
	$(CC) $(CFLAGS) -o $@ $(DPCTL_OBJS) $(LIB) $(LIBS)

$(BUILD)/tests/tools/%: $(BUILD)/tests/tools/%.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS)

$(BUILD)/tests/unit/%: $(BUILD)/tests/unit/%.o $(LIB)
	$(CC) $(CFLAGS) -o $@ $< $(LIB) $(LIBS) $(shell pkg-config --libs check)

-include $(shell find $(BUILD) -name '*.d' 2>/dev/null)

clean:
	$(MAKE) -C $(KDIR) M=$(TOP) clean 2>/dev/null || true
	rm -rf $(BUILD)
