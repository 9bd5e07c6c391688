# SPDX-License-Identifier: BSD-2-Clause
# Full-function tracing (linux/functions*): its eBPF object and skeleton,
# and build/bin/functions-probe, the standalone tool the VM suites and the
# benchmark run.  Uses linux/linux.mk's vmlinux.h and variables.

# linux.mk is read after this file: its variables are used only in recipes.
FN_DIR     := build/linux
FN_BPF_OBJ := $(FN_DIR)/functions.bpf.o
FN_SKEL    := $(FN_DIR)/functions.skel.h
FN_PROBE   := $(B)/bin/functions-probe
FN_SRC     := linux/functions.c linux/functions_probe.c linux/names.c \
	      linux/kbtf.c \
	      linux/srcline.c
FN_OBJ     := $(FN_SRC:%.c=$(B)/obj/fn/%.o)

all: $(FN_PROBE)

$(FN_BPF_OBJ): linux/functions.bpf.c $(FN_DIR)/vmlinux.h linux/record_event.h \
		linux/functions_event.h linux/shared_maps.bpf.h linux/identity.bpf.h
	clang -g -O2 -target bpf -D__TARGET_ARCH_$(LX_ARCH) -I$(FN_DIR) \
		-Wall -Wno-unused-function -c -o $@ $<

$(FN_SKEL): $(FN_BPF_OBJ)
	bpftool gen skeleton $< name functions_bpf > $@.tmp && mv $@.tmp $@

$(B)/obj/fn/%.o: %.c $(FN_SKEL) $(wildcard linux/*.h) $(HDRS)
	@mkdir -p $(dir $@)
	$(CC) $(STD) $(CPPFLAGS) -I$(FN_DIR) $(CFLAGS) $(WARN) $(EXTRA_CFLAGS) \
		-c -o $@ $<

$(FN_PROBE): $(FN_OBJ) $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS) -lbpf -ldw -lelf -lz
