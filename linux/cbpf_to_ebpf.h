/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Translation of a classic BPF filter (what libpcap compiles a tcpdump
 * expression into) to an eBPF program the kernel JIT-compiles, so that the
 * filter costs a few instructions per packet instead of an interpreter.
 */
#ifndef MBT_LINUX_CBPF_TO_EBPF_H
#define MBT_LINUX_CBPF_TO_EBPF_H

#include <linux/bpf.h>
#include <stddef.h>
#include <stdint.h>

#include "record_event.h"

/*
 * The program made is of type BPF_PROG_TYPE_RAW_TRACEPOINT.  It looks up
 * entry 0 of the per-CPU array in_map_fd (struct mbt_lx_filter_in: the
 * packet bytes the hook copied), runs the filter on them, stores 1 (match)
 * or 0 in its result, then tail-calls entry cont_index of the program
 * array progs_fd with its own context, so that the hook goes on.
 *
 * Writes at most cap instructions to out; returns how many, or -EINVAL for
 * an instruction the kernel's filter machine would also refuse, -E2BIG.
 */
int mbt_cbpf_to_ebpf(const struct mbt_cbpf_insn *in, size_t n, int in_map_fd,
    int progs_fd, int cont_index, struct bpf_insn *out, size_t cap);

/*
 * How many bytes from the start of the packet the filter can ever read
 * (at most MBT_LX_FILTER_BYTES): copying more for it is wasted.
 */
uint32_t mbt_cbpf_bytes_needed(const struct mbt_cbpf_insn *in, size_t n);

/* Enough room for any filter of n instructions. */
#define MBT_EBPF_MAX_LEN(n) (40 + 12 * (n))

#endif /* MBT_LINUX_CBPF_TO_EBPF_H */
