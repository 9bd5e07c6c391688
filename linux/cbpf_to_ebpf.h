/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Translation of a classic BPF filter (what libpcap compiles a tcpdump
 * expression into) to an eBPF program the kernel JIT-compiles, so that the
 * filter costs a few instructions per packet instead of an interpreter.
 */
#ifndef MBT_LINUX_CBPF_TO_EBPF_H
#define MBT_LINUX_CBPF_TO_EBPF_H

#include <linux/bpf.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record_event.h"

/* Where the fields the filter's prologue reads are in struct sk_buff, as
 * this kernel's BTF says.  Sizes: head, data 8; tail, len 4; the rest 2. */
struct mbt_skb_layout {
	uint32_t head, data, tail, len, protocol, network_header, mac_header;
};

/*
 * The program made is of type BPF_PROG_TYPE_RAW_TRACEPOINT, for a
 * tracepoint whose first argument is the skb.  It copies up to bytes bytes
 * of the packet (from its network header, or its link header when link)
 * into entry 0 of the per-CPU array in_map_fd (struct mbt_lx_filter_in),
 * with a made-up Ethernet header when link and the packet has none here
 * (bytes, then, is at least MBT_EBPF_LINK_MIN_BYTES),
 * runs the filter on them, and on a match sets result to 1 and start_skb
 * to the skb: the hook's own program, attached after it, starts the trace.
 *
 * With skb NULL (for tests) the prologue copies nothing: the bytes, caplen
 * and wirelen are already in the map.
 *
 * Writes at most cap instructions to out; returns how many, or -EINVAL for
 * an instruction the kernel's filter machine would also refuse, -E2BIG.
 */
int mbt_cbpf_to_ebpf(const struct mbt_cbpf_insn *in, size_t n, int in_map_fd,
    const struct mbt_skb_layout *skb, bool link, uint32_t bytes,
    struct bpf_insn *out, size_t cap);

/*
 * How many bytes from the start of the packet the filter can ever read
 * (at most MBT_LX_FILTER_BYTES): copying more for it is wasted.
 */
uint32_t mbt_cbpf_bytes_needed(const struct mbt_cbpf_insn *in, size_t n);

/* The fewest bytes a link-layer filter is given: a made-up Ethernet
 * header and an IPv4 header. */
#define MBT_EBPF_LINK_MIN_BYTES 34

/* Enough room for any filter of n instructions. */
#define MBT_EBPF_MAX_LEN(n) (120 + 12 * (n))

#endif /* MBT_LINUX_CBPF_TO_EBPF_H */
