// SPDX-License-Identifier: BSD-2-Clause
/*
 * An XDP program that passes every packet, for linux/tests/test_record.sh:
 * a veth with an XDP program copies a packet that lacks the headroom XDP
 * needs into a new skb, and record must follow the copy.
 */
#include "vmlinux.h"

#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

SEC("xdp")
int
xdp_pass(struct xdp_md *ctx)
{
	return XDP_PASS;
}
