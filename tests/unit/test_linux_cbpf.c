/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The classic BPF machine that `mbuftrace record` runs in the kernel
 * (linux/cbpf_run.h), against libpcap's own pcap_offline_filter(): for
 * many tcpdump expressions and many generated packets, both must agree.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../linux/cbpf_run.h"
/* The kernel's instruction struct and libpcap's share a name. */
#define bpf_insn kernel_bpf_insn
#include "../../linux/cbpf_to_ebpf.h"
#undef bpf_insn
#include <pcap/pcap.h>

#include "check.h"
#include "linux_packets.h"

/* Run prog over pkt the way the kernel side does: step by step. */
static uint32_t
run(const struct bpf_program *prog, const uint8_t *pkt, uint32_t caplen,
    uint32_t wirelen)
{
	struct mbt_cbpf_vm vm;
	struct mbt_cbpf_insn in;

	memset(&vm, 0, sizeof(vm));
	for (unsigned i = 0; i < MBT_CBPF_MAX_INSNS && !vm.done; i++) {
		if (vm.pc >= prog->bf_len) {
			mbt_cbpf_reject(&vm);
			break;
		}
		in.code = prog->bf_insns[vm.pc].code;
		in.jt = prog->bf_insns[vm.pc].jt;
		in.jf = prog->bf_insns[vm.pc].jf;
		in.k = prog->bf_insns[vm.pc].k;
		mbt_cbpf_step(&vm, &in, pkt, caplen, wirelen);
	}
	return vm.done ? vm.result : 0;
}

static void
compare(int dlt, const char *const *exprs, size_t nexprs,
    size_t (*make)(uint8_t *, size_t))
{
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	uint8_t pkt[512];

	for (size_t e = 0; e < nexprs; e++) {
		static struct mbt_cbpf_insn cb[MBT_CBPF_MAX_INSNS];
		struct bpf_program prog;
		int disagree = 0, matched = 0, short_disagree = 0;
		uint32_t need;

		if (pcap_compile(
			dead, &prog, exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0) {
			fprintf(
			    stderr, "%s: %s\n", exprs[e], pcap_geterr(dead));
			CHECK(!"the expression compiles");
			continue;
		}
		for (unsigned i = 0; i < prog.bf_len && i < MBT_CBPF_MAX_INSNS;
		     i++)
			cb[i] = (struct mbt_cbpf_insn){
			    .code = prog.bf_insns[i].code,
			    .jt = prog.bf_insns[i].jt,
			    .jf = prog.bf_insns[i].jf,
			    .k = prog.bf_insns[i].k};
		need = mbt_cbpf_bytes_needed(cb, prog.bf_len);
		for (int i = 0; i < 3000; i++) {
			size_t wire = make(pkt, sizeof(pkt));
			/* The kernel copies at most MBT_CBPF_PKT_MAX bytes, and
			 * sometimes fewer than the packet has. */
			size_t cap =
			    wire > MBT_CBPF_PKT_MAX ? MBT_CBPF_PKT_MAX : wire;
			struct pcap_pkthdr h = {
			    .caplen = (uint32_t)cap, .len = (uint32_t)wire};
			uint32_t want, got;

			if (test_rnd() % 10 == 0 && cap > 0)
				h.caplen = (uint32_t)(cap = test_rnd() % cap);
			want = (uint32_t)pcap_offline_filter(&prog, &h, pkt);
			/* The kernel copies only the bytes the filter can read:
			 * the answer must not change. */
			if (h.caplen > need) {
				struct pcap_pkthdr s = h;

				s.caplen = need;
				short_disagree +=
				    (pcap_offline_filter(&prog, &s, pkt) !=
					0) != (want != 0);
			}
			got = run(&prog, pkt, (uint32_t)cap, (uint32_t)wire);
			matched += want != 0;
			if ((want != 0) != (got != 0) && disagree++ == 0)
				fprintf(stderr,
				    "'%s': libpcap %u, ours %u on "
				    "packet %d\n",
				    exprs[e], want, got, i);
		}
		CHECK(disagree == 0);
		if (short_disagree > 0)
			fprintf(stderr, "'%s': %u bytes are not enough\n",
			    exprs[e], need);
		CHECK(short_disagree == 0);
		/* A test that never sees a match proves little. */
		if (matched == 0)
			fprintf(stderr, "'%s' never matched\n", exprs[e]);
		CHECK(matched > 0);
		pcap_freecode(&prog);
	}
	pcap_close(dead);
}

/* Faults a hand-made program can have: each must reject, never crash. */
static void
test_faults(void)
{
	const struct {
		struct bpf_insn insns[3];
		unsigned n;
	} progs[] = {
	    /* ld [1000]: outside the packet */
	    {{BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 1000),
		 BPF_STMT(BPF_RET | BPF_K, 1)},
		2},
	    /* A / X with X = 0 */
	    {{BPF_STMT(BPF_LD | BPF_IMM, 7),
		 BPF_STMT(BPF_ALU | BPF_DIV | BPF_X, 0),
		 BPF_STMT(BPF_RET | BPF_A, 0)},
		3},
	    /* M[99]: no such scratch word */
	    {{BPF_STMT(BPF_LD | BPF_MEM, 99), BPF_STMT(BPF_RET | BPF_K, 1)}, 2},
	    /* falls off the end */
	    {{BPF_STMT(BPF_LD | BPF_IMM, 7)}, 1},
	    /* ldx [x + k] does not exist: code 0x41 */
	    {{BPF_STMT(0x41, 0), BPF_STMT(BPF_RET | BPF_K, 1)}, 2},
	    /* ld [x + 0xffffffff]: the offset wraps */
	    {{BPF_STMT(BPF_LDX | BPF_IMM, 2),
		 BPF_STMT(BPF_LD | BPF_B | BPF_IND, 0xffffffff),
		 BPF_STMT(BPF_RET | BPF_K, 1)},
		3},
	};
	uint8_t pkt[64] = {0x45};

	for (size_t i = 0; i < sizeof(progs) / sizeof(progs[0]); i++) {
		struct bpf_program p = {
		    progs[i].n, (struct bpf_insn *)progs[i].insns};

		CHECK(run(&p, pkt, sizeof(pkt), sizeof(pkt)) == 0);
	}
}

int
main(void)
{
	compare(DLT_RAW, test_raw_exprs, test_n_raw_exprs, test_make_ip);
	compare(DLT_EN10MB, test_eth_exprs, test_n_eth_exprs, test_make_eth);
	test_faults();
	return check_summary("test_linux_cbpf");
}
