# SPDX-License-Identifier: BSD-2-Clause
# Build, test and demo mbuftrace.  Conventions keep this file short:
#   lib/*.c               -> build/lib/libmbuftrace.a
#   cli/*.c               -> build/bin/mbuftrace
#   tests/tools/mkNAME.c  -> build/bin/mkNAME (sample generators; they share
#                            the other tests/tools/*.c)
#   tests/unit/test_*.c   -> build/tests/test_* (run by `make check`)
#   tests/fuzz/fuzz_*.c   -> build/fuzz/fuzz_* (libFuzzer, corpus beside it)
# Each is built twice: plainly, and with ASan/UBSan under build-san/.

CC      ?= cc
FUZZCC  ?= clang
OPT     ?= -O2
CFLAGS  ?= $(OPT) -g
WARN    := -Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	   -Wno-unused-parameter
CPPFLAGS += -Iinclude $(MBT_FEATURES)
STD     := -std=c11
LDLIBS  := -lpcap
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all

B ?= build

# The platform boundary.  The library and every subcommand but record and
# extcap ask the libc for POSIX.1-2008 alone (plus the BSD types u_int,
# u_char that libpcap's headers use): _DEFAULT_SOURCE on glibc and musl,
# nothing on FreeBSD, whose libc shows both unasked.  MBT_LINUX=1 (the
# default on Linux) adds record and extcap, built by linux/*.mk with
# _GNU_SOURCE, libbpf and libdw; with MBT_LINUX=0, cli/record_elsewhere.c
# says why they are not there.
MBT_OS      := $(shell uname -s)
MBT_LINUX   ?= $(if $(filter Linux,$(MBT_OS)),1,0)
MBT_FEATURES ?= $(if $(filter FreeBSD,$(MBT_OS)),,-D_DEFAULT_SOURCE)
CLI_ALL   := $(sort $(wildcard cli/*.c))
CLI_LINUX := $(filter-out cli/record_elsewhere.c,\
	     $(filter cli/record%.c cli/extcap%.c,$(CLI_ALL)))
LIB_SRC   := $(sort $(wildcard lib/*.c))
ifeq ($(MBT_LINUX),1)
CLI_SRC   := $(filter-out cli/record_elsewhere.c,$(CLI_ALL))
else
CLI_SRC   := $(filter-out $(CLI_LINUX),$(CLI_ALL))
endif
TOOL_SRC  := $(sort $(wildcard tests/tools/mk*.c))
TOOL_LIB  := $(filter-out $(TOOL_SRC),$(wildcard tests/tools/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
ifneq ($(MBT_LINUX),1)
UNIT_SRC  := $(filter-out tests/unit/test_linux_%,$(UNIT_SRC))
endif
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
ifneq ($(MBT_LINUX),1)
FUZZ_SRC  := $(filter-out tests/fuzz/fuzz_linux_%,$(FUZZ_SRC))
endif
HDRS      := $(wildcard include/mbuftrace/*.h lib/*.h cli/*.h tests/tools/*.h)

LIB_OBJ   = $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ   = $(CLI_SRC:%.c=$(B)/obj/%.o)
LIBA      = $(B)/lib/libmbuftrace.a
BIN       = $(B)/bin/mbuftrace
TOOLS     = $(TOOL_SRC:tests/tools/%.c=$(B)/bin/%)
UNITS     = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZERS   = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all core deps check check-quick test-unit test-san fuzz fuzz-build demo \
	format clean install-wireshark bench
all: core
# The command, the sample generators and the unit tests, without the
# parts' extras (eBPF test programs, FreeBSD simulations, Wireshark plugin).
core: $(BIN) $(TOOLS) $(UNITS)

$(B)/obj/%.o: %.c $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) $(CFLAGS) $(WARN) $(EXTRA_CFLAGS) -c -o $@ $<

$(LIBA): $(LIB_OBJ)
	@mkdir -p $(dir $@)
	rm -f $@ && ar rcs $@ $^

$(BIN): $(CLI_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $(CLI_OBJ) $(LIBA) $(LDLIBS)

$(B)/bin/%: $(B)/obj/tests/tools/%.o $(TOOL_LIB:%.c=$(B)/obj/%.o) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)

$(B)/tests/%: $(B)/obj/tests/unit/%.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $< $(LIBA) $(LDLIBS)

# test_out includes the command's cli/out.c.
$(B)/obj/tests/unit/test_out.o: cli/out.c

# Two threads decode at once (the library keeps no mutable statics).
$(B)/tests/test_threads: LDLIBS += -pthread

# The same programs with AddressSanitizer and UBSan, in their own tree.
test-san:
	$(MAKE) B=build-san OPT=-O1 EXTRA_CFLAGS="$(SAN)" all

# Fuzz targets link the library and the renderers of `read`, which need no
# command-line glue (commands call cli_error(), which lives in main.c).
FUZZ_LINK := $(LIB_SRC) cli/out.c $(wildcard cli/read_*.c)
build/fuzz/%: tests/fuzz/%.c $(FUZZ_LINK) $(HDRS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(STD) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(FUZZ_LINK) $(FUZZ_EXTRA) $(LDLIBS)
# The graph's model and renderers (fuzz_graph brings its own cli_error).
build/fuzz/fuzz_graph: FUZZ_EXTRA = $(wildcard cli/graph_*.c) cli/paths_load.c cli/latency.c cli/capture_note.c cli/json.c
build/fuzz/fuzz_graph: $(wildcard cli/graph_*.c) cli/paths_load.c cli/latency.c cli/capture_note.c cli/json.c

fuzz-build: $(FUZZERS)

# Brief fuzzing of every parser; a long run is FUZZ_SECONDS=600 make fuzz.
FUZZ_SECONDS ?= 20
fuzz: fuzz-build
	tests/run-fuzz.sh $(FUZZ_SECONDS) $(FUZZERS)

deps:
	@scripts/deps.sh

check: deps
	$(MAKE) all
	$(MAKE) test-san
	$(MAKE) fuzz-build
	tests/run-all.sh

demo: deps
	$(MAKE) all
	scripts/demo.sh

format:
	clang-format -i $$(git ls-files '*.c' '*.h' | grep -v '^freebsd/')

bench: all
	bench/read-throughput.sh
	$(MAKE) bench-mtrace-core

clean:
	rm -rf build build-san build-portable build-musl build-tsan

# Each part with its own build steps brings a fragment (wireshark/plugin.mk,
# linux/*.mk, freebsd/*.mk, ...).
# linux/*.mk only where MBT_LINUX=1.
MK_PARTS := $(sort $(wildcard */*.mk))
ifneq ($(MBT_LINUX),1)
MK_PARTS := $(filter-out linux/%,$(MK_PARTS))
endif
-include $(MK_PARTS)
