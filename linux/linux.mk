# SPDX-License-Identifier: BSD-2-Clause
# Build the eBPF side of `mbuftrace record` and link it into the command;
# included at the end of the top Makefile.
#   vmlinux.h      from the running kernel's BTF (built, never committed)
#   record.bpf.o   clang -target bpf, CO-RE
#   record.skel.h  bpftool gen skeleton, included by linux/loader.c
# The userland files of linux/ join the command's sources, and libbpf its
# link; the assembler alone also goes into its unit tests and fuzz target.

LX_DIR     := build/linux
LX_BTF     ?= /sys/kernel/btf/vmlinux
LX_ARCH    := $(shell uname -m | sed 's/x86_64/x86/;s/aarch64/arm64/')
LX_SRC     := linux/kbtf.c linux/assemble.c linux/assemble_bridge.c linux/assemble_nft.c linux/nft_parse.c linux/nftrace.c linux/srcline.c linux/names.c linux/loader.c linux/functions.c linux/cbpf_to_ebpf.c
LX_OBJ     := $(LX_SRC:%.c=$(B)/obj/%.o)
LX_HDRS    := $(wildcard linux/*.h) cli/record.h
LX_LIBS    := -lbpf -ldw -lelf -lz

CLI_SRC    += $(LX_SRC)

# Linux's own code may use glibc's extensions; the portable rest may not
# (MBT_FEATURES in the top Makefile).
$(LX_OBJ) $(CLI_LINUX:%.c=$(B)/obj/%.o): CPPFLAGS += -D_GNU_SOURCE
$(B)/obj/fn/%.o $(B)/obj/tests/unit/test_linux_%.o: CPPFLAGS += -D_GNU_SOURCE
build/fuzz/fuzz_linux_%: CPPFLAGS += -D_GNU_SOURCE
$(BIN): $(LX_OBJ)
$(BIN): LDLIBS += $(LX_LIBS)

# The fuzz targets link every cli/*.c but main.c and read.c; record*.c
# need libbpf and the loader, so they stay out.  FUZZ_LINK is expanded in
# the fuzz recipe, after this fragment was read.
FUZZ_LINK  := $(filter-out cli/record%.c,$(FUZZ_LINK))

$(LX_DIR)/vmlinux.h: | $(LX_BTF)
	@mkdir -p $(dir $@)
	bpftool btf dump file $(LX_BTF) format c > $@.tmp && mv $@.tmp $@

$(LX_DIR)/record.bpf.o: linux/record.bpf.c $(LX_DIR)/vmlinux.h $(LX_HDRS) \
		include/mbuftrace/format.h
	clang -g -O2 -target bpf -D__TARGET_ARCH_$(LX_ARCH) -I$(LX_DIR) \
		-Wall -Wno-unused-function -c -o $@ $<

# For linux/tests/test_record.sh: an XDP program that passes every packet.
all: $(LX_DIR)/xdp_pass.bpf.o
$(LX_DIR)/xdp_pass.bpf.o: linux/tests/xdp_pass.bpf.c $(LX_DIR)/vmlinux.h
	clang -g -O2 -target bpf -I$(LX_DIR) -Wall -c -o $@ $<

$(LX_DIR)/record.skel.h: $(LX_DIR)/record.bpf.o
	bpftool gen skeleton $< name record_bpf > $@.tmp && mv $@.tmp $@

$(B)/obj/linux/loader.o $(B)/obj/linux/functions.o: $(LX_DIR)/record.skel.h $(LX_DIR)/functions.skel.h
$(B)/obj/linux/loader.o $(B)/obj/linux/functions.o: CPPFLAGS += -I$(LX_DIR)
$(LX_OBJ) $(B)/obj/cli/record.o $(B)/obj/cli/record_filter.o: $(LX_HDRS)
$(B)/obj/tests/unit/test_linux_%.o: $(LX_HDRS) tests/unit/linux_packets.h

# Source lines need libdw, and their test its own debug information.
$(B)/tests/test_linux_srcline: $(B)/obj/tests/unit/test_linux_srcline.o \
		$(B)/obj/linux/srcline.o
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ -ldw -lelf

# Unit tests of the linux side: the assembler, the classic BPF machine and
# its translation to eBPF.
$(B)/tests/test_linux_%: $(B)/obj/tests/unit/test_linux_%.o \
		$(B)/obj/linux/assemble.o $(B)/obj/linux/assemble_bridge.o \
		$(B)/obj/linux/assemble_nft.o \
		$(B)/obj/linux/nft_parse.o $(B)/obj/linux/cbpf_to_ebpf.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS)

LX_FUZZ_SRC := linux/assemble.c linux/assemble_bridge.c linux/assemble_nft.c linux/nft_parse.c
build/fuzz/fuzz_linux_%: tests/fuzz/fuzz_linux_%.c $(LX_FUZZ_SRC) \
		$(LIB_SRC) $(HDRS) $(LX_HDRS) $(wildcard tests/fuzz/*.h)
	@mkdir -p $(dir $@)
	$(FUZZCC) $(STD) $(CPPFLAGS) -g -O1 -fsanitize=fuzzer,address,undefined \
		-o $@ $< $(LX_FUZZ_SRC) $(LIB_SRC) $(LDLIBS)
