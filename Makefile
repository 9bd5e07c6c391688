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
CPPFLAGS += -Iinclude -D_GNU_SOURCE
STD     := -std=c11
LDLIBS  := -lpcap
SAN     := -fsanitize=address,undefined -fno-omit-frame-pointer \
	   -fno-sanitize-recover=all

B ?= build

LIB_SRC   := $(sort $(wildcard lib/*.c))
CLI_SRC   := $(sort $(wildcard cli/*.c))
TOOL_SRC  := $(sort $(wildcard tests/tools/mk*.c))
TOOL_LIB  := $(filter-out $(TOOL_SRC),$(wildcard tests/tools/*.c))
UNIT_SRC  := $(sort $(wildcard tests/unit/test_*.c))
FUZZ_SRC  := $(sort $(wildcard tests/fuzz/fuzz_*.c))
HDRS      := $(wildcard include/mbuftrace/*.h lib/*.h cli/*.h tests/tools/*.h)

LIB_OBJ   = $(LIB_SRC:%.c=$(B)/obj/%.o)
CLI_OBJ   = $(CLI_SRC:%.c=$(B)/obj/%.o)
LIBA      = $(B)/lib/libmbuftrace.a
BIN       = $(B)/bin/mbuftrace
TOOLS     = $(TOOL_SRC:tests/tools/%.c=$(B)/bin/%)
UNITS     = $(UNIT_SRC:tests/unit/%.c=$(B)/tests/%)
FUZZERS   = $(FUZZ_SRC:tests/fuzz/%.c=build/fuzz/%)

.PHONY: all deps check check-quick test-unit test-san fuzz fuzz-build demo \
	format clean install install-wireshark bench
all: $(BIN) $(TOOLS) $(UNITS)

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
build/fuzz/fuzz_graph: FUZZ_EXTRA = $(wildcard cli/graph_*.c) cli/paths_load.c
build/fuzz/fuzz_graph: $(wildcard cli/graph_*.c) cli/paths_load.c

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

PREFIX ?= /usr/local
install: $(BIN)
	install -D -m 755 $(BIN) $(DESTDIR)$(PREFIX)/bin/mbuftrace
	for m in man/*.8; do \
		install -D -m 644 $$m $(DESTDIR)$(PREFIX)/share/man/man8/$$(basename $$m); \
	done

clean:
	rm -rf build build-san

# Each part with its own build steps brings a fragment (wireshark/plugin.mk,
# linux/*.mk, freebsd/*.mk, ...).
-include $(sort $(wildcard */*.mk))
