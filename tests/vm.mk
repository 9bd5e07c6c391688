# SPDX-License-Identifier: BSD-2-Clause
# The VM suites alone (`make check-vm`): stock Debian kernels 6.1 and 6.12
# under QEMU through tests/vm/run.  tests/run-all.sh finds tests/vm/test_*.sh
# by itself, so `make check` runs them too.

.PHONY: check-vm
check-vm: all
	@fail=0; for t in tests/vm/test_*.sh; do \
		echo "== $$t"; $$t || fail=1; \
	done; exit $$fail

# functions-join: full-function hops in record.bpf.c's own maps.  Built by
# tests/vm/test_functions.sh on demand, not by `all`: it links the record
# backend's skeleton, which is still moving.
$(B)/bin/functions-join: $(B)/obj/fn/tests/vm/functions_join.o \
		$(B)/obj/fn/linux/functions.o $(B)/obj/fn/linux/names.o \
		$(B)/obj/fn/linux/srcline.o $(B)/obj/fn/linux/kbtf.o \
		$(B)/obj/linux/assemble.o $(B)/obj/linux/assemble_bridge.o \
		$(B)/obj/linux/assemble_nft.o \
		$(B)/obj/linux/nft_parse.o $(LIBA)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(EXTRA_CFLAGS) -o $@ $^ $(LDLIBS) -lbpf -ldw -lelf -lz

$(B)/obj/fn/tests/vm/functions_join.o: build/linux/record.skel.h
$(B)/obj/fn/tests/vm/functions_join.o: CPPFLAGS += -Ilinux
