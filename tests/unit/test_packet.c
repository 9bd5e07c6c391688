/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the packet summary and diff on hand-built frames, whose
 * expected texts were checked against what tcpdump 4.99 prints for them.
 */
#include <mbuftrace/packet.h>

#include "check.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* The internal writers are tested directly for the IPv6 text form. */
#include "../../lib/packet_parse.h"

/* Ethernet ARP request: who has 10.0.0.1, tell 10.0.0.2 (02:00:00:00:00:02). */
static const uint8_t arp_request[] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x02, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06,
    0x04, 0x00, 0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x0a, 0x00, 0x00, 0x01};

/* Ethernet ARP reply: 10.0.0.1 is at 02:00:00:00:00:01. */
static const uint8_t arp_reply[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 0x06,
    0x04, 0x00, 0x02, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x0a, 0x00, 0x00,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x02};

/* Ethernet IPv4 ICMP echo request 10.0.0.1 > 10.0.0.2, id 17834, 56 data bytes.
 */
static const uint8_t icmp_echo[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x54, 0x12,
    0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x73, 0x0a, 0x00, 0x00, 0x01, 0x0a,
    0x00, 0x00, 0x02, 0x08, 0x00, 0x00, 0x00, 0x45, 0xaa, 0x00, 0x00, 0x00,
    0x01, 0x02, 0x03, 0x04, 0x05, 0x06, 0x07, 0x08, 0x09, 0x0a, 0x0b, 0x0c,
    0x0d, 0x0e, 0x0f, 0x10, 0x11, 0x12, 0x13, 0x14, 0x15, 0x16, 0x17, 0x18,
    0x19, 0x1a, 0x1b, 0x1c, 0x1d, 0x1e, 0x1f, 0x20, 0x21, 0x22, 0x23, 0x24,
    0x25, 0x26, 0x27, 0x28, 0x29, 0x2a, 0x2b, 0x2c, 0x2d, 0x2e, 0x2f, 0x30,
    0x31, 0x32, 0x33, 0x34, 0x35, 0x36, 0x37};

/* Ethernet IPv4 TCP SYN 10.0.0.1:43210 > 10.0.0.2:80, seq 1, no options. */
static const uint8_t tcp_syn[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12,
    0x34, 0x40, 0x00, 0x40, 0x06, 0x14, 0x9a, 0x0a, 0x00, 0x00, 0x01, 0x0a,
    0x00, 0x00, 0x02, 0xa8, 0xca, 0x00, 0x50, 0x00, 0x00, 0x00, 0x01, 0x00,
    0x00, 0x00, 0x00, 0x50, 0x02, 0xfa, 0xf0, 0x00, 0x00, 0x00, 0x00};

/* Ethernet IPv4 UDP 10.0.0.1:43210 > 10.0.0.2:7777, 12 data bytes. */
static const uint8_t udp_dgram[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x28, 0x12,
    0x34, 0x40, 0x00, 0x40, 0x11, 0x14, 0x8f, 0x0a, 0x00, 0x00, 0x01, 0x0a,
    0x00, 0x00, 0x02, 0xa8, 0xca, 0x1e, 0x61, 0x00, 0x14, 0x00, 0x00, 0x61,
    0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61};

/* Ethernet IPv6 neighbor solicitation for fe80::2 with a source link-layer
 * option. */
static const uint8_t icmp6_ns[] = {0x33, 0x33, 0xff, 0x00, 0x00, 0x02, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00,
    0x20, 0x3a, 0xff, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x00, 0x00, 0x02, 0x87,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfe, 0x80, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x02, 0x01,
    0x01, 0x02, 0x00, 0x00, 0x00, 0x00, 0x01};

/* ICMP port unreachable quoting a UDP datagram to 10.0.0.3:33434. */
static const uint8_t icmp_port_unreach[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x40,
    0x12, 0x34, 0x40, 0x00, 0x40, 0x01, 0x14, 0x85, 0x0a, 0x00, 0x00, 0x03,
    0x0a, 0x00, 0x00, 0x02, 0x03, 0x03, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x45, 0x00, 0x00, 0x24, 0x12, 0x34, 0x40, 0x00, 0x01, 0x11, 0x53, 0x91,
    0x0a, 0x00, 0x00, 0x02, 0x0a, 0x00, 0x00, 0x03, 0xa8, 0xca, 0x82, 0x9a,
    0x00, 0x10, 0x00, 0x00, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61, 0x61};

/* A later IPv4 fragment (offset 1480, more fragments) of an ICMP packet. */
static const uint8_t ip_frag_later[] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02,
    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x08, 0x00, 0x45, 0x00, 0x00, 0x54,
    0x12, 0x34, 0x20, 0xb9, 0x40, 0x01, 0x33, 0xba, 0x0a, 0x00, 0x00, 0x01,
    0x0a, 0x00, 0x00, 0x02, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00};

/* IPv6 hop-by-hop router alert, then an MLDv2 report. */
static const uint8_t ip6_hbh_mld[] = {0x33, 0x33, 0x00, 0x00, 0x00, 0x16, 0x02,
    0x00, 0x00, 0x00, 0x00, 0x01, 0x86, 0xdd, 0x60, 0x00, 0x00, 0x00, 0x00,
    0x24, 0x00, 0x01, 0xfe, 0x80, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x01, 0xff, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x16, 0x3a,
    0x00, 0x05, 0x02, 0x00, 0x00, 0x01, 0x00, 0x8f, 0x00, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x01, 0x04, 0x00, 0x00, 0x00, 0xff, 0x02, 0x00, 0x00, 0x00,
    0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0x00, 0xfb};

/* A frame assembled from parts, for the encapsulations of the same packet. */
struct frame {
	uint8_t b[256];
	size_t len;
};

static void frame_add(struct frame *f, const void *p, size_t n)
{
	memcpy(f->b + f->len, p, n);
	f->len += n;
}

/* The summary, with a check that the return value is the text's length. */
static const char *summary(
    uint16_t lt, const uint8_t *pkt, size_t caplen, size_t wirelen)
{
	static char buf[256];
	size_t n =
	    mbt_packet_summary(lt, pkt, caplen, wirelen, buf, sizeof(buf));

	CHECK(n == strlen(buf));
	return buf;
}

static const char *summary_whole(uint16_t lt, const uint8_t *pkt, size_t len)
{
	return summary(lt, pkt, len, len);
}

static const char *diff(uint16_t lta, const uint8_t *a, size_t alen,
    uint16_t ltb, const uint8_t *b, size_t blen)
{
	static char buf[256];
	size_t n =
	    mbt_packet_diff(lta, a, alen, ltb, b, blen, buf, sizeof(buf));

	CHECK(n == strlen(buf));
	return buf;
}

static const char ICMP_ECHO_TEXT[] =
    "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, "
    "id 17834, seq 0, length 64";

static void test_ethernet(void)
{
	CHECK_STR(summary_whole(1, arp_request, sizeof(arp_request)),
	    "ARP, Request who-has 10.0.0.1 tell 10.0.0.2, length 28");
	CHECK_STR(summary_whole(1, arp_reply, sizeof(arp_reply)),
	    "ARP, Reply 10.0.0.1 is-at 02:00:00:00:00:01, length 28");
	CHECK_STR(
	    summary_whole(1, icmp_echo, sizeof(icmp_echo)), ICMP_ECHO_TEXT);
	CHECK_STR(summary_whole(1, tcp_syn, sizeof(tcp_syn)),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [S], seq 1, win 64240, "
	    "length 0");
	CHECK_STR(summary_whole(1, udp_dgram, sizeof(udp_dgram)),
	    "IP 10.0.0.1.43210 > 10.0.0.2.7777: UDP, length 12");
	CHECK_STR(summary_whole(1, icmp6_ns, sizeof(icmp6_ns)),
	    "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, "
	    "who has fe80::2, length 32");
	CHECK_STR(
	    summary_whole(1, icmp_port_unreach, sizeof(icmp_port_unreach)),
	    "IP 10.0.0.3 > 10.0.0.2: ICMP 10.0.0.3 udp port 33434 unreachable, "
	    "length 44");
	CHECK_STR(summary_whole(1, ip_frag_later, sizeof(ip_frag_later)),
	    "IP 10.0.0.1 > 10.0.0.2: frag 4660/1480+, ICMP, length 64");
	CHECK_STR(summary_whole(1, ip6_hbh_mld, sizeof(ip6_hbh_mld)),
	    "IP6 fe80::1 > ff02::16: ICMP6, multicast listener report v2, "
	    "length 28");
}

/* A TCP SYN-ACK with 100 bytes of data claimed beyond the snapshot. */
static void test_tcp_fields(void)
{
	struct frame f = {0};
	uint8_t synack[sizeof(tcp_syn)];

	memcpy(synack, tcp_syn, sizeof(synack));
	synack[47] = 0x12; /* SYN|ACK */
	synack[45] = 0x02; /* ack 2 */
	frame_add(&f, synack, sizeof(synack));
	CHECK_STR(summary_whole(1, f.b, f.len),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [S.], seq 1, ack 2, "
	    "win 64240, length 0");

	synack[47] = 0x18;	 /* PSH|ACK */
	synack[17] = 0x28 + 100; /* IP total length */
	CHECK_STR(summary(1, synack, sizeof(synack), sizeof(synack) + 100),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [P.], seq 1:101, ack 2, "
	    "win 64240, length 100");
	synack[47] = 0;
	CHECK_STR(summary(1, synack, sizeof(synack), sizeof(synack) + 100),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [none], seq 1:101, "
	    "win 64240, length 100");
}

static void test_vlan(void)
{
	static const uint8_t tag10[] = {0x81, 0x00, 0x00, 0x0a};
	static const uint8_t tag100[] = {0x88, 0xa8, 0x00, 0x64};
	static const uint8_t tag10_prio5[] = {0x81, 0x00, 0xa0, 0x0a};
	struct frame f = {0};

	frame_add(&f, icmp_echo, 12);
	frame_add(&f, tag10, sizeof(tag10));
	frame_add(&f, icmp_echo + 12, sizeof(icmp_echo) - 12);
	CHECK_STR(summary_whole(1, f.b, f.len),
	    "vlan 10, IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 17834, "
	    "seq 0, length 64");

	f.len = 0;
	frame_add(&f, icmp_echo, 12);
	frame_add(&f, tag100, sizeof(tag100));
	frame_add(&f, tag10, sizeof(tag10));
	frame_add(&f, icmp_echo + 12, sizeof(icmp_echo) - 12);
	CHECK_STR(summary_whole(1, f.b, f.len),
	    "vlan 100, vlan 10, IP 10.0.0.1 > 10.0.0.2: ICMP echo request, "
	    "id 17834, seq 0, length 64");
	/* Cut inside the inner tag. */
	CHECK_STR(summary(1, f.b, 20, f.len), "vlan 100, [|vlan]");

	f.len = 0;
	frame_add(&f, arp_request, 12);
	frame_add(&f, tag10_prio5, sizeof(tag10_prio5));
	frame_add(&f, arp_request + 12, sizeof(arp_request) - 12);
	CHECK_STR(summary_whole(1, f.b, f.len),
	    "vlan 10, p 5, ARP, Request who-has 10.0.0.1 tell 10.0.0.2, "
	    "length 28");
}

/* The same ICMP packet under every other link type. */
static void test_link_types(void)
{
	const uint8_t *ip = icmp_echo + 14;
	size_t iplen = sizeof(icmp_echo) - 14;
	static const uint8_t af_inet_le[] = {2, 0, 0, 0};
	static const uint8_t af_inet_be[] = {0, 0, 0, 2};
	static const uint8_t af_inet6_fbsd_le[] = {28, 0, 0, 0};
	static const uint8_t af_inet6_darwin_be[] = {0, 0, 0, 30};
	static const uint8_t af_inet6_linux_le[] = {10, 0, 0, 0};
	static const uint8_t af_unknown[] = {7, 0, 0, 0};
	static const uint8_t sll_in[] = {0x00, 0x00, 0x00, 0x01, 0x00, 0x06,
	    0x02, 0x00, 0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x08, 0x00};
	struct frame f = {0};

	CHECK_STR(summary_whole(101, ip, iplen), ICMP_ECHO_TEXT);
	CHECK_STR(summary_whole(228, ip, iplen), ICMP_ECHO_TEXT);
	CHECK_STR(summary_whole(101, icmp6_ns + 14, sizeof(icmp6_ns) - 14),
	    "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, "
	    "who has fe80::2, length 32");
	CHECK_STR(summary_whole(229, icmp6_ns + 14, sizeof(icmp6_ns) - 14),
	    "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation, "
	    "who has fe80::2, length 32");

	frame_add(&f, af_inet_le, 4);
	frame_add(&f, ip, iplen);
	CHECK_STR(summary_whole(0, f.b, f.len), ICMP_ECHO_TEXT);
	memcpy(f.b, af_inet_be, 4);
	CHECK_STR(summary_whole(0, f.b, f.len), ICMP_ECHO_TEXT);
	/* OpenBSD's loopback is always in network order. */
	CHECK_STR(summary_whole(108, f.b, f.len), ICMP_ECHO_TEXT);
	memcpy(f.b, af_unknown, 4);
	CHECK_STR(summary_whole(0, f.b, f.len), "AF 7, length 88");

	f.len = 0;
	frame_add(&f, af_inet6_fbsd_le, 4);
	frame_add(&f, icmp6_ns + 14, sizeof(icmp6_ns) - 14);
	CHECK(strncmp(summary_whole(0, f.b, f.len), "IP6 fe80::1 > ", 14) == 0);
	memcpy(f.b, af_inet6_darwin_be, 4);
	CHECK(strncmp(summary_whole(0, f.b, f.len), "IP6 fe80::1 > ", 14) == 0);
	memcpy(f.b, af_inet6_linux_le, 4);
	CHECK(strncmp(summary_whole(0, f.b, f.len), "IP6 fe80::1 > ", 14) == 0);

	f.len = 0;
	frame_add(&f, sll_in, sizeof(sll_in));
	frame_add(&f, ip, iplen);
	CHECK_STR(summary_whole(113, f.b, f.len), ICMP_ECHO_TEXT);

	CHECK_STR(summary_whole(147, ip, 30), "linktype 147, length 30");
	CHECK_STR(summary(147, ip, 30, 1500), "linktype 147, length 1500");
}

static void check_ip6(const char *text, const char *want)
{
	uint8_t a[16] = {0};
	char buf[64];
	struct mbt_out o;
	unsigned int v[8] = {0};
	int i;

	/* Tests spell every group, so sscanf is enough to read them. */
	if (sscanf(text, "%x:%x:%x:%x:%x:%x:%x:%x", &v[0], &v[1], &v[2], &v[3],
		&v[4], &v[5], &v[6], &v[7]) != 8) {
		CHECK(!"bad test address");
		return;
	}
	for (i = 0; i < 8; i++) {
		a[2 * i] = (uint8_t)(v[i] >> 8);
		a[2 * i + 1] = (uint8_t)v[i];
	}
	mbt_out_init(&o, buf, sizeof(buf));
	mbt_out_ip6(&o, a);
	mbt_out_end(&o);
	CHECK_STR(buf, want);
}

/* RFC 5952 section 4, and inet_ntop's dotted tail for embedded IPv4. */
static void test_ip6_text(void)
{
	check_ip6("0:0:0:0:0:0:0:0", "::");
	check_ip6("0:0:0:0:0:0:0:1", "::1");
	check_ip6("1:0:0:0:0:0:0:0", "1::");
	check_ip6("2001:db8:0:0:0:0:2:1", "2001:db8::2:1");
	check_ip6("2001:db8:0:1:1:1:1:1", "2001:db8:0:1:1:1:1:1");
	check_ip6("2001:0:0:1:0:0:0:1", "2001:0:0:1::1");
	check_ip6("2001:db8:0:0:1:0:0:1", "2001:db8::1:0:0:1");
	check_ip6("1:0:1:0:1:0:1:0", "1:0:1:0:1:0:1:0");
	check_ip6("2001:DB8:0:0:0:0:0:ABCD", "2001:db8::abcd");
	check_ip6("0:0:0:0:0:ffff:a00:1", "::ffff:10.0.0.1");
	check_ip6("0:0:0:0:0:0:a00:1", "::10.0.0.1");
	check_ip6("fe80:0:0:0:0:0:0:2", "fe80::2");
}

/* A snapshot of n bytes in a buffer of exactly n, so ASan sees overreads. */
static const char *summary_cut(
    uint16_t lt, const uint8_t *pkt, size_t n, size_t wirelen)
{
	uint8_t *copy = malloc(n > 0 ? n : 1);
	const char *s;

	if (copy == NULL)
		abort();
	memcpy(copy, pkt, n);
	s = summary(lt, n > 0 ? copy : NULL, n, wirelen);
	free(copy);
	return s;
}

static void test_truncation(void)
{
	const char *s;
	size_t n;

	for (n = 0; n < sizeof(tcp_syn); n++) {
		s = summary_cut(1, tcp_syn, n, sizeof(tcp_syn));
		CHECK(strstr(s, "[|") != NULL);
	}
	CHECK_STR(summary_cut(1, tcp_syn, 0, 54), "[|ether]");
	CHECK_STR(summary_cut(1, tcp_syn, 13, 54), "[|ether]");
	CHECK_STR(summary_cut(1, tcp_syn, 14, 54), "IP [|ip]");
	CHECK_STR(summary_cut(1, tcp_syn, 33, 54), "IP [|ip]");
	CHECK_STR(
	    summary_cut(1, tcp_syn, 34, 54), "IP 10.0.0.1 > 10.0.0.2: [|tcp]");
	CHECK_STR(summary_cut(1, tcp_syn, 38, 54),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: [|tcp]");
	CHECK_STR(summary_cut(1, tcp_syn, 54, 54),
	    "IP 10.0.0.1.43210 > 10.0.0.2.80: Flags [S], seq 1, win 64240, "
	    "length 0");
	CHECK_STR(summary_cut(1, arp_request, 20, 42), "[|arp]");
	CHECK_STR(summary_cut(1, icmp6_ns, 58, 86),
	    "IP6 fe80::1 > ff02::1:ff00:2: ICMP6, neighbor solicitation "
	    "[|icmp6]");
	CHECK_STR(summary_cut(1, icmp_echo, 40, 98),
	    "IP 10.0.0.1 > 10.0.0.2: [|icmp]");
	/* A snapshot of the headers: the lengths still come from the header. */
	CHECK_STR(summary_cut(1, icmp_echo, 42, 98), ICMP_ECHO_TEXT);
	CHECK_STR(summary_cut(1, udp_dgram, 40, 54),
	    "IP 10.0.0.1.43210 > 10.0.0.2.7777: [|udp]");
	CHECK_STR(summary_cut(0, icmp_echo, 2, 98), "[|null]");
	CHECK_STR(summary_cut(113, icmp_echo, 15, 98), "[|sll]");
}

/* Every frame at every length and under every link type must be safe. */
static void test_cut_everywhere(void)
{
	static const struct {
		const uint8_t *p;
		size_t len;
	} frames[] = {
	    {arp_request, sizeof(arp_request)},
	    {arp_reply, sizeof(arp_reply)},
	    {icmp_echo, sizeof(icmp_echo)},
	    {tcp_syn, sizeof(tcp_syn)},
	    {udp_dgram, sizeof(udp_dgram)},
	    {icmp6_ns, sizeof(icmp6_ns)},
	    {icmp_port_unreach, sizeof(icmp_port_unreach)},
	    {ip_frag_later, sizeof(ip_frag_later)},
	    {ip6_hbh_mld, sizeof(ip6_hbh_mld)},
	};
	static const uint16_t lts[] = {0, 1, 101, 108, 113, 228, 229, 147};
	size_t i, j, n, off;

	for (i = 0; i < sizeof(frames) / sizeof(frames[0]); i++)
		for (j = 0; j < sizeof(lts) / sizeof(lts[0]); j++)
			for (off = 0; off <= 14; off += 14)
				for (n = 0; n + off <= frames[i].len; n++)
					summary_cut(lts[j], frames[i].p + off,
					    n, frames[i].len);
	CHECK(1);
}

/* Output cut at every size: a NUL-terminated prefix, never an overrun. */
static void test_output_size(void)
{
	char full[256], buf[256];
	size_t want, size, n;

	want = mbt_packet_summary(
	    1, tcp_syn, sizeof(tcp_syn), sizeof(tcp_syn), full, sizeof(full));
	for (size = 0; size <= want + 1; size++) {
		memset(buf, '#', sizeof(buf));
		n = mbt_packet_summary(
		    1, tcp_syn, sizeof(tcp_syn), sizeof(tcp_syn), buf, size);
		CHECK(n == (size == 0 ? 0 : size - 1 < want ? size - 1 : want));
		CHECK(buf[size] == '#');
		if (size > 0)
			CHECK(buf[n] == '\0' && strncmp(buf, full, n) == 0);
	}
	CHECK(
	    mbt_packet_summary(1, tcp_syn, sizeof(tcp_syn), 54, NULL, 0) == 0);
	CHECK(mbt_packet_diff(
		  1, tcp_syn, 54, 101, icmp_echo + 14, 84, NULL, 0) == 0);
	want = mbt_packet_diff(
	    1, tcp_syn, 54, 101, icmp_echo + 14, 84, full, sizeof(full));
	CHECK(want > 8);
	memset(buf, '#', sizeof(buf));
	n = mbt_packet_diff(1, tcp_syn, 54, 101, icmp_echo + 14, 84, buf, 8);
	CHECK(n == 7 && buf[7] == '\0' && buf[8] == '#' &&
	      strncmp(buf, full, 7) == 0);
}

static void test_diff(void)
{
	uint8_t routed[sizeof(icmp_echo) - 14], nat[sizeof(tcp_syn)];
	uint8_t retagged[sizeof(icmp_echo) + 4];
	static const uint8_t tag10[] = {0x81, 0x00, 0x00, 0x0a};
	uint8_t ns6[sizeof(icmp6_ns)];

	/* Through the stack: Ethernet in, raw IP after a hop, then SNAT. */
	memcpy(routed, icmp_echo + 14, sizeof(routed));
	CHECK_STR(
	    diff(1, icmp_echo, sizeof(icmp_echo), 101, routed, sizeof(routed)),
	    "");
	CHECK(mbt_packet_diff(1, icmp_echo, sizeof(icmp_echo), 101, routed,
		  sizeof(routed), NULL, 0) == 0);
	routed[8] = 63;
	routed[12] = 192, routed[13] = 0, routed[14] = 2, routed[15] = 1;
	CHECK_STR(
	    diff(1, icmp_echo, sizeof(icmp_echo), 101, routed, sizeof(routed)),
	    "ttl 64 -> 63, src 10.0.0.1 -> 192.0.2.1");
	routed[24] = 0x04, routed[25] = 0x00; /* ICMP echo id 1024 */
	CHECK_STR(diff(101, icmp_echo + 14, 84, 101, routed, sizeof(routed)),
	    "ttl 64 -> 63, src 10.0.0.1 -> 192.0.2.1, icmp id 17834 -> 1024");

	/* TCP SNAT with a port change, and a rewritten destination MAC. */
	memcpy(nat, tcp_syn, sizeof(nat));
	nat[5] = 0x09;
	nat[22] = 63;
	nat[29] = 0x63;
	nat[34] = 0x04, nat[35] = 0x00;
	CHECK_STR(diff(1, tcp_syn, sizeof(tcp_syn), 1, nat, sizeof(nat)),
	    "ether dst 02:00:00:00:00:02 -> 02:00:00:00:00:09, ttl 64 -> 63, "
	    "src 10.0.0.1 -> 10.0.0.99, sport 43210 -> 1024");
	nat[47] = 0x12;
	nat[18] = 0x00, nat[19] = 0x01;
	CHECK_STR(diff(1, tcp_syn, sizeof(tcp_syn), 101, nat + 14, 40),
	    "ttl 64 -> 63, src 10.0.0.1 -> 10.0.0.99, id 4660 -> 1, "
	    "sport 43210 -> 1024, flags [S] -> [S.]");
	/* A snapshot cut before the ports does not claim they changed. */
	CHECK_STR(diff(1, tcp_syn, sizeof(tcp_syn), 1, nat, 34),
	    "ether dst 02:00:00:00:00:02 -> 02:00:00:00:00:09, ttl 64 -> 63, "
	    "src 10.0.0.1 -> 10.0.0.99, id 4660 -> 1");

	/* A tag pushed on the way out. */
	memcpy(retagged, icmp_echo, 12);
	memcpy(retagged + 12, tag10, 4);
	memcpy(retagged + 16, icmp_echo + 12, sizeof(icmp_echo) - 12);
	CHECK_STR(diff(1, icmp_echo, sizeof(icmp_echo), 1, retagged,
		      sizeof(retagged)),
	    "vlan none -> 10");

	memcpy(ns6, icmp6_ns, sizeof(ns6));
	ns6[21] = 254;
	ns6[19] = 0x28;
	CHECK_STR(diff(1, icmp6_ns, sizeof(icmp6_ns), 229, ns6 + 14,
		      sizeof(ns6) - 14),
	    "hlim 255 -> 254, len 72 -> 80");
	CHECK_STR(diff(1, icmp6_ns, sizeof(icmp6_ns), 1, icmp_echo,
		      sizeof(icmp_echo)),
	    "ether dst 33:33:ff:00:00:02 -> 02:00:00:00:00:02, "
	    "ether proto IP6 -> IP, hlim 255 -> 64, src fe80::1 -> 10.0.0.1, "
	    "dst ff02::1:ff00:2 -> 10.0.0.2, len 72 -> 84, "
	    "proto ICMP6 -> ICMP");
}

int main(void)
{
	test_ethernet();
	test_tcp_fields();
	test_vlan();
	test_link_types();
	test_ip6_text();
	test_truncation();
	test_cut_everywhere();
	test_output_size();
	test_diff();
	return check_summary("test_packet");
}
