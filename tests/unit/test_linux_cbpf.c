/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The classic BPF machine that `mbuftrace record` runs in the kernel
 * (linux/cbpf_run.h), against libpcap's own pcap_offline_filter(): for
 * many tcpdump expressions and many generated packets, both must agree.
 */
#include <pcap/pcap.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "../../linux/cbpf_run.h"
#include "check.h"

static uint32_t rng = 12345;

static uint32_t
rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

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

/* Addresses and ports drawn from small sets, so expressions match often. */
static const uint8_t addrs4[][4] = {
    {10, 0, 0, 1}, {10, 0, 0, 5}, {10, 1, 2, 3}, {192, 168, 1, 1}};
static const uint16_t ports[] = {53, 80, 443, 1500, 33434, 9};

static size_t
put_l4(uint8_t *p, uint8_t proto)
{
	uint16_t sp = ports[rnd() % 6], dp = ports[rnd() % 6];

	p[0] = (uint8_t)(sp >> 8), p[1] = (uint8_t)sp;
	p[2] = (uint8_t)(dp >> 8), p[3] = (uint8_t)dp;
	if (proto == 6) { /* TCP: data offset 5, random flags */
		p[12] = 0x50;
		p[13] = (uint8_t)rnd();
		return 20;
	}
	if (proto == 1 || proto == 58) { /* ICMP: type, code */
		p[0] = (uint8_t)(rnd() % 4 == 0 ? 3 : rnd() % 2 ? 8 : 0);
		p[1] = (uint8_t)(rnd() % 4);
	}
	return 8;
}

/* An IPv4 or IPv6 packet, sometimes with options, fragments or junk. */
static size_t
make_ip(uint8_t *p, size_t cap)
{
	static const uint8_t protos[] = {1, 6, 17, 58, 47};
	uint8_t proto = protos[rnd() % 5];
	size_t n, hl;

	memset(p, 0, cap);
	if (rnd() % 8 == 0) { /* junk */
		n = rnd() % 80;
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)rnd();
		return n;
	}
	if (rnd() % 3 == 0) { /* IPv6 */
		p[0] = 0x60;
		p[6] = proto == 1 ? 58 : proto;
		p[7] = (uint8_t)(1 + rnd() % 64);
		p[8 + 15] = (uint8_t)(1 + rnd() % 4);
		p[24] = 0x20, p[25] = 0x01,
		p[24 + 15] = (uint8_t)(1 + rnd() % 4);
		n = 40 + put_l4(p + 40, p[6]);
		n += rnd() % 100;
		p[4] = (uint8_t)((n - 40) >> 8), p[5] = (uint8_t)(n - 40);
		return n;
	}
	hl = rnd() % 4 == 0 ? 6 : 5;
	p[0] = (uint8_t)(0x40 | hl);
	p[8] = (uint8_t)(1 + rnd() % 64);
	p[9] = proto;
	if (rnd() % 6 == 0)
		p[6] = 0x20, p[7] = (uint8_t)(rnd() % 3); /* a fragment */
	memcpy(p + 12, addrs4[rnd() % 4], 4);
	memcpy(p + 16, addrs4[rnd() % 4], 4);
	n = hl * 4 + put_l4(p + hl * 4, proto) + rnd() % 200;
	p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n;
	return n;
}

/* An Ethernet frame around an IP packet, or an ARP or LLDP frame. */
static size_t
make_eth(uint8_t *p, size_t cap)
{
	uint32_t kind = rnd() % 6;
	size_t n;

	memset(p, 0, 14);
	p[0] = 0x02, p[5] = (uint8_t)(rnd() % 3);
	if (rnd() % 8 == 0)
		memset(p, 0xff, 6); /* broadcast */
	p[6] = 0x02, p[11] = (uint8_t)(rnd() % 3);
	if (kind == 0) {
		p[12] = 0x08, p[13] = 0x06;
		memset(p + 14, 0, 28);
		p[14 + 7] = (uint8_t)(1 + rnd() % 2); /* request, reply */
		return 42;
	}
	if (kind == 1) {
		p[12] = 0x88, p[13] = 0xcc;
		return 14 + rnd() % 40;
	}
	n = make_ip(p + 14, cap - 14);
	p[12] = (p[14] >> 4) == 6 ? 0x86 : 0x08;
	p[13] = (p[14] >> 4) == 6 ? 0xdd : 0x00;
	return 14 + n;
}

static const char *const raw_exprs[] = {
    "icmp",
    "udp",
    "tcp",
    "ip",
    "ip6",
    "icmp6",
    "udp port 53",
    "tcp dst port 80",
    "port 443 or port 1500",
    "portrange 1000-2000",
    "host 10.0.0.1",
    "src host 10.0.0.5 and dst net 10.1.0.0/16",
    "net 192.168.0.0/16",
    "tcp[tcpflags] & tcp-syn != 0",
    "tcp[13] & 0x12 = 0x12",
    "icmp[icmptype] = icmp-echo",
    "icmp[icmptype] = icmp-unreach and icmp[icmpcode] = 3",
    "ip[8] < 10",
    "ip6[7] > 32",
    "len > 100",
    "greater 200",
    "less 60",
    "ip[6:2] & 0x1fff != 0",
    "udp and not port 53",
    "ip[2:2] / 4 > 30",
    "ip[2:2] % 3 = 1",
    "ip[0] & 0xf > 5",
    "(ip[9] << 2) - 4 = 64",
    "ip[2:2] * 2 >= 400",
    "ip[1] ^ 0xff = 0xff",
    "ip6 and udp port 33434",
    "ip proto 47",
    "ip6 proto 58",
    "tcp port 80 and (src host 10.0.0.5 or ip6)",
    "ip[2:2] >> 1 = 50",
    "not ip and not ip6",
    "ip[9] | 0x10 = 0x11",
    "ip[40:4] = 0",
};

static const char *const eth_exprs[] = {
    "arp",
    "ether host 02:00:00:00:00:01",
    "ether proto 0x88cc",
    "ether dst 02:00:00:00:00:00 and icmp",
    "arp[7] = 2",
    "not arp",
    "ether broadcast or ether multicast",
    "ip or vlan",
};

static void
compare(int dlt, const char *const *exprs, size_t nexprs,
    size_t (*make)(uint8_t *, size_t))
{
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	uint8_t pkt[512];

	for (size_t e = 0; e < nexprs; e++) {
		struct bpf_program prog;
		int disagree = 0, matched = 0;

		if (pcap_compile(
			dead, &prog, exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0) {
			fprintf(
			    stderr, "%s: %s\n", exprs[e], pcap_geterr(dead));
			CHECK(!"the expression compiles");
			continue;
		}
		for (int i = 0; i < 3000; i++) {
			size_t wire = make(pkt, sizeof(pkt));
			/* The kernel copies at most MBT_CBPF_PKT_MAX bytes, and
			 * sometimes fewer than the packet has. */
			size_t cap =
			    wire > MBT_CBPF_PKT_MAX ? MBT_CBPF_PKT_MAX : wire;
			struct pcap_pkthdr h = {
			    .caplen = (uint32_t)cap, .len = (uint32_t)wire};
			uint32_t want, got;

			if (rnd() % 10 == 0 && cap > 0)
				h.caplen = (uint32_t)(cap = rnd() % cap);
			want = (uint32_t)pcap_offline_filter(&prog, &h, pkt);
			got = run(&prog, pkt, (uint32_t)cap, (uint32_t)wire);
			matched += want != 0;
			if ((want != 0) != (got != 0) && disagree++ == 0)
				fprintf(stderr,
				    "'%s': libpcap %u, ours %u on "
				    "packet %d\n",
				    exprs[e], want, got, i);
		}
		CHECK(disagree == 0);
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
	compare(DLT_RAW, raw_exprs, sizeof(raw_exprs) / sizeof(raw_exprs[0]),
	    make_ip);
	compare(DLT_EN10MB, eth_exprs, sizeof(eth_exprs) / sizeof(eth_exprs[0]),
	    make_eth);
	test_faults();
	return check_summary("test_linux_cbpf");
}
