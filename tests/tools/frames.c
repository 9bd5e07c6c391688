/* SPDX-License-Identifier: BSD-2-Clause */
/* Builders of small, correct Ethernet/IP frames for sample captures. */
#include "frames.h"

#include <arpa/inet.h>
#include <string.h>

static const uint8_t mac_a[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
static const uint8_t mac_b[6] = {0x02, 0x00, 0x00, 0x00, 0x00, 0x02};

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static uint16_t
checksum(const uint8_t *p, size_t n, uint32_t sum)
{
	for (size_t i = 0; i + 1 < n; i += 2)
		sum += (uint32_t)(p[i] << 8 | p[i + 1]);
	if (n & 1)
		sum += (uint32_t)(p[n - 1] << 8);
	while (sum >> 16)
		sum = (sum & 0xffff) + (sum >> 16);
	return (uint16_t)~sum;
}

static uint8_t *
ethernet(struct frame *f, uint16_t type)
{
	memset(f, 0, sizeof(*f));
	memcpy(f->b, mac_b, 6);
	memcpy(f->b + 6, mac_a, 6);
	put16(f->b + 12, type);
	f->len = 14;
	return f->b + 14;
}

/* An IPv4 header for a payload of len bytes; returns the payload. */
static uint8_t *
ipv4(struct frame *f, const char *src, const char *dst, uint8_t proto,
    uint8_t ttl, size_t len)
{
	uint8_t *ip = ethernet(f, 0x0800);

	ip[0] = 0x45;
	put16(ip + 2, (uint16_t)(20 + len));
	put16(ip + 4, 0x7f10);
	ip[8] = ttl;
	ip[9] = proto;
	inet_pton(AF_INET, src, ip + 12);
	inet_pton(AF_INET, dst, ip + 16);
	put16(ip + 10, checksum(ip, 20, 0));
	f->len += 20 + len;
	return ip + 20;
}

void
frame_icmp_echo(struct frame *f, const char *src, const char *dst, uint8_t ttl,
    uint8_t type, uint16_t id, uint16_t seq)
{
	uint8_t *icmp = ipv4(f, src, dst, 1, ttl, 64);

	icmp[0] = type;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (int i = 8; i < 64; i++)
		icmp[i] = (uint8_t)i;
	put16(icmp + 2, checksum(icmp, 64, 0));
}

void
frame_udp(struct frame *f, const char *src, const char *dst, uint16_t sport,
    uint16_t dport, uint8_t ttl, size_t paylen)
{
	uint8_t *udp = ipv4(f, src, dst, 17, ttl, 8 + paylen);

	put16(udp, sport);
	put16(udp + 2, dport);
	put16(udp + 4, (uint16_t)(8 + paylen));
	memset(udp + 8, 'x', paylen);
}

void
frame_tcp_syn(struct frame *f, const char *src, const char *dst, uint16_t sport,
    uint16_t dport, uint8_t ttl)
{
	uint8_t *tcp = ipv4(f, src, dst, 6, ttl, 20);

	put16(tcp, sport);
	put16(tcp + 2, dport);
	put16(tcp + 6, 1); /* seq 1 */
	tcp[12] = 5 << 4;
	tcp[13] = 0x02; /* SYN */
	put16(tcp + 14, 64240);
}

void
frame_icmp6_echo(struct frame *f, const char *src, const char *dst,
    uint8_t hlim, uint16_t id, uint16_t seq)
{
	uint8_t *ip6 = ethernet(f, 0x86dd), *icmp = ip6 + 40;

	ip6[0] = 0x60;
	put16(ip6 + 4, 16);
	ip6[6] = 58;
	ip6[7] = hlim;
	inet_pton(AF_INET6, src, ip6 + 8);
	inet_pton(AF_INET6, dst, ip6 + 24);
	uint32_t pseudo = 16 + 58; /* upper-layer length and next header */

	icmp[0] = 128;
	put16(icmp + 4, id);
	put16(icmp + 6, seq);
	for (int i = 8; i < 40; i += 2)
		pseudo += (uint32_t)(ip6[i] << 8 | ip6[i + 1]);
	put16(icmp + 2, checksum(icmp, 16, pseudo));
	f->len += 40 + 16;
}

void
frame_arp_request(struct frame *f, const char *spa, const char *tpa)
{
	uint8_t *arp = ethernet(f, 0x0806);

	memset(f->b, 0xff, 6);
	put16(arp, 1);
	put16(arp + 2, 0x0800);
	arp[4] = 6;
	arp[5] = 4;
	put16(arp + 6, 1);
	memcpy(arp + 8, mac_a, 6);
	inet_pton(AF_INET, spa, arp + 14);
	inet_pton(AF_INET, tpa, arp + 24);
	f->len += 28;
}

void
frame_strip_ethernet(const struct frame *in, struct frame *out)
{
	memset(out, 0, sizeof(*out));
	out->len = in->len - 14;
	memcpy(out->b, in->b + 14, out->len);
}

void
frame_set_ip_id(struct frame *f, uint16_t id)
{
	uint8_t *ip = f->b + 14;

	put16(ip + 4, id);
	put16(ip + 10, 0);
	put16(ip + 10, checksum(ip, 20, 0));
}
