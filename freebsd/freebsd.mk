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

# kern_mbuf_trace.c itself, run on simulated KPIs (freebsd/tests/sim):
# compiled as the syntax check compiles it, against freebsd_kpi.h with
# every other kernel header an empty stub, malloc(9) renamed away from
# libc's, and linked with the userland build of the record buffer.
FB_GLUE       = $(B)/tests/test_kern_glue
FB_STUB       = $(B)/freebsd/stub
FB_KERN_SRC  := freebsd/sys/kern/kern_mbuf_trace.c
FB_KCFLAGS   := -std=gnu11 -nostdinc -ffreestanding -D_KERNEL -DMBUF_TRACE -DDDB \
		-DMBUF_TRACE_ALL \
		-Dmalloc=sim_kmalloc -Dfree=sim_kfree -Dprintf=sim_kprintf \
		-include freebsd/check/freebsd_kpi.h -Ifreebsd/sys -Iinclude \
		-Ifreebsd/sys/contrib/mbuftrace/compat
all: $(FB_GLUE)

FB_SIM_SRC   := $(FB_KERN_SRC) freebsd/sys/netpfil/ipfw/ip_fw_mtrace.c \
		freebsd/sys/netgraph/ng_mtrace.c
$(FB_STUB)/.stamp: $(FB_SIM_SRC) $(wildcard freebsd/sys/sys/*.h)
	@rm -rf $(FB_STUB) && mkdir -p $(FB_STUB)
	@for h in $$(sed -n 's/^#include <\(.*\)>.*/\1/p' $(FB_SIM_SRC) \
	    freebsd/sys/sys/*.h freebsd/sys/contrib/mbuftrace/compat/*.h); do \
		[ -f freebsd/sys/$$h ] || [ -f include/$$h ] || \
		[ -f freebsd/sys/contrib/mbuftrace/compat/$$h ] || \
		{ mkdir -p $(FB_STUB)/$$(dirname $$h) && : >$(FB_STUB)/$$h; }; \
	done
	@touch $@

$(B)/obj/freebsd/tests/sim/%.o: freebsd/tests/sim/%.c \
    freebsd/tests/sim/kern_sim.h $(FB_SIM_SRC) freebsd/check/freebsd_kpi.h \
    $(FB_STUB)/.stamp $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(FB_KCFLAGS) -I$(FB_STUB) $(CFLAGS) $(WARN) $(EXTRA_CFLAGS) \
		-c -o $@ $<

# The start-point modules are built as modules are: their unit counters
# go into the linker set the kernel's unload veto walks.
$(B)/obj/freebsd/tests/sim/startpoints_sim.o: FB_KCFLAGS += -DKLD_MODULE

FB_SHAPES    := $(B)/obj/freebsd/cocci/shapes.golden.o
$(FB_GLUE): $(B)/obj/freebsd/tests/unit/test_kern_glue.o \
    $(B)/obj/freebsd/tests/sim/kern_sim.o $(FB_SHAPES) \
    $(B)/obj/freebsd/tests/sim/startpoints_sim.o $(FB_CORE_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)

# options MBUF_TRACE_ALL: the fixture freebsd/cocci/mbuf_trace_all.cocci
# instrumented (its golden file), run by test_kern_glue on the simulated
# KPIs.  The K&R definition is one of its shapes.
$(FB_SHAPES): freebsd/cocci/tests/shapes.golden.c freebsd/sys/sys/mbuf_trace_all.h \
    freebsd/check/freebsd_kpi.h $(FB_STUB)/.stamp
	@mkdir -p $(dir $@)
	$(CC) $(FB_KCFLAGS) -DINET -DINET6 -I$(FB_STUB) $(CFLAGS) $(WARN) \
		-Wno-strict-prototypes -Wno-missing-prototypes \
		-Wno-unused-parameter $(EXTRA_CFLAGS) -c -o $@ $<
