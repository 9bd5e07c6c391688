/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Packets and tcpdump expressions shared by the tests of the two filter
 * engines of `mbuftrace record` (interpreter and eBPF translation), which
 * both compare themselves with libpcap's pcap_offline_filter().
 */
#ifndef MBT_TEST_LINUX_PACKETS_H
#define MBT_TEST_LINUX_PACKETS_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

static uint32_t rng = 12345;

static inline uint32_t
test_rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 17;
	rng ^= rng << 5;
	return rng;
}

/* Addresses and ports drawn from small sets, so expressions match often. */
static const uint8_t addrs4[][4] = {
    {10, 0, 0, 1}, {10, 0, 0, 5}, {10, 1, 2, 3}, {192, 168, 1, 1}};
static const uint16_t ports[] = {53, 80, 443, 1500, 33434, 9};

static size_t
put_l4(uint8_t *p, uint8_t proto)
{
	uint16_t sp = ports[test_rnd() % 6], dp = ports[test_rnd() % 6];

	p[0] = (uint8_t)(sp >> 8), p[1] = (uint8_t)sp;
	p[2] = (uint8_t)(dp >> 8), p[3] = (uint8_t)dp;
	if (proto == 6) { /* TCP: data offset 5, random flags */
		p[12] = 0x50;
		p[13] = (uint8_t)test_rnd();
		return 20;
	}
	if (proto == 1 || proto == 58) { /* ICMP: type, code */
		p[0] = (uint8_t)(test_rnd() % 4 == 0 ? 3
				 : test_rnd() % 2    ? 8
						     : 0);
		p[1] = (uint8_t)(test_rnd() % 4);
	}
	return 8;
}

/* An IPv4 or IPv6 packet, sometimes with options, fragments or junk. */
static size_t
test_make_ip(uint8_t *p, size_t cap)
{
	static const uint8_t protos[] = {1, 6, 17, 58, 47};
	uint8_t proto = protos[test_rnd() % 5];
	size_t n, hl;

	memset(p, 0, cap);
	if (test_rnd() % 8 == 0) { /* junk */
		n = test_rnd() % 80;
		for (size_t i = 0; i < n; i++)
			p[i] = (uint8_t)test_rnd();
		return n;
	}
	if (test_rnd() % 3 == 0) { /* IPv6 */
		p[0] = 0x60;
		p[6] = proto == 1 ? 58 : proto;
		p[7] = (uint8_t)(1 + test_rnd() % 64);
		p[8 + 15] = (uint8_t)(1 + test_rnd() % 4);
		p[24] = 0x20, p[25] = 0x01,
		p[24 + 15] = (uint8_t)(1 + test_rnd() % 4);
		n = 40 + put_l4(p + 40, p[6]);
		n += test_rnd() % 100;
		p[4] = (uint8_t)((n - 40) >> 8), p[5] = (uint8_t)(n - 40);
		return n;
	}
	hl = test_rnd() % 4 == 0 ? 6 : 5;
	p[0] = (uint8_t)(0x40 | hl);
	p[8] = (uint8_t)(1 + test_rnd() % 64);
	p[9] = proto;
	if (test_rnd() % 6 == 0)
		p[6] = 0x20, p[7] = (uint8_t)(test_rnd() % 3); /* a fragment */
	memcpy(p + 12, addrs4[test_rnd() % 4], 4);
	memcpy(p + 16, addrs4[test_rnd() % 4], 4);
	n = hl * 4 + put_l4(p + hl * 4, proto) + test_rnd() % 200;
	p[2] = (uint8_t)(n >> 8), p[3] = (uint8_t)n;
	return n;
}

/* An Ethernet frame around an IP packet, or an ARP or LLDP frame. */
static size_t
test_make_eth(uint8_t *p, size_t cap)
{
	uint32_t kind = test_rnd() % 6;
	size_t n;

	memset(p, 0, 14);
	p[0] = 0x02, p[5] = (uint8_t)(test_rnd() % 3);
	if (test_rnd() % 8 == 0)
		memset(p, 0xff, 6); /* broadcast */
	p[6] = 0x02, p[11] = (uint8_t)(test_rnd() % 3);
	if (kind == 0) {
		p[12] = 0x08, p[13] = 0x06;
		memset(p + 14, 0, 28);
		p[14 + 7] = (uint8_t)(1 + test_rnd() % 2); /* request, reply */
		return 42;
	}
	if (kind == 1) {
		p[12] = 0x88, p[13] = 0xcc;
		return 14 + test_rnd() % 40;
	}
	n = test_make_ip(p + 14, cap - 14);
	p[12] = (p[14] >> 4) == 6 ? 0x86 : 0x08;
	p[13] = (p[14] >> 4) == 6 ? 0xdd : 0x00;
	return 14 + n;
}

static const char *const test_raw_exprs[] = {
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

static const char *const test_eth_exprs[] = {
    "arp",
    "ether host 02:00:00:00:00:01",
    "ether proto 0x88cc",
    "ether dst 02:00:00:00:00:00 and icmp",
    "arp[7] = 2",
    "not arp",
    "ether broadcast or ether multicast",
    "ip or vlan",
};

static const size_t test_n_raw_exprs =
    sizeof(test_raw_exprs) / sizeof(test_raw_exprs[0]);
static const size_t test_n_eth_exprs =
    sizeof(test_eth_exprs) / sizeof(test_eth_exprs[0]);

#endif /* MBT_TEST_LINUX_PACKETS_H */
