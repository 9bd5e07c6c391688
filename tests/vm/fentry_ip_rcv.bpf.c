// SPDX-License-Identifier: BSD-2-Clause
/*
 * The smallest fentry program, on ip_rcv: tests/vm/test_vm.sh loads it to
 * prove that the guest kernel allows what the host kernel refuses.
 */
/* linux/bpf.h first: bpf_helpers.h uses its types. */
#include <linux/bpf.h>

#include <bpf/bpf_helpers.h>

char LICENSE[] SEC("license") = "Dual BSD/GPL";

__u64 hits;

SEC("fentry/ip_rcv")
int
ip_rcv_entry(__u64 *ctx)
{
	__sync_fetch_and_add(&hits, 1);
	return 0;
}
