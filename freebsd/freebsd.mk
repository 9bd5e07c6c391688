# SPDX-License-Identifier: BSD-2-Clause
# The FreeBSD part's build glue, included by the top Makefile: the kernel's
# shared record buffer built as userland C with its unit test (plain and
# sanitized, both run by tests/run-all.sh), the benchmark, and the
# syntax-and-types check of the kernel files (freebsd/tests/test_kernel.sh).

FB_CORE_SRC  := freebsd/sys/kern/subr_mbuf_trace_buf.c
FB_CORE_OBJ   = $(FB_CORE_SRC:%.c=$(B)/obj/%.o)
FB_UNIT       = $(B)/tests/test_mtrace_buf
FB_BENCH      = $(B)/bin/bench-mtrace-core

all: $(FB_UNIT) $(FB_BENCH)

# The kernel's headers are found as <sys/...>, as they are in the kernel.
$(B)/obj/freebsd/%.o $(B)/obj/bench/%.o: CPPFLAGS += -Ifreebsd/sys
$(B)/obj/freebsd/%.o $(B)/obj/bench/%.o: $(wildcard freebsd/sys/sys/*.h)

$(FB_UNIT): $(B)/obj/freebsd/tests/unit/test_mtrace_buf.o $(FB_CORE_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)

$(FB_BENCH): $(B)/obj/bench/mtrace-core.o $(FB_CORE_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)

.PHONY: bench-mtrace-core
bench-mtrace-core: $(FB_BENCH)
	$(FB_BENCH)

# Sample FreeBSD traces made by the record buffer, for the golden test.
FB_SAMPLE     = $(B)/bin/mtrace-sample
all: $(FB_SAMPLE)
$(FB_SAMPLE): $(B)/obj/freebsd/tests/mtrace_sample.o $(FB_CORE_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)
