/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Internal to the packet describers: one bounds-checked pass over a packet's
 * link, network and transport headers, and the small text appender that the
 * summary and the diff both write with.
 */
#ifndef MBT_PACKET_PARSE_H
#define MBT_PACKET_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

/* pcap LINKTYPE_* values we understand. */
#define MBT_LT_NULL 0
#define MBT_LT_ETHERNET 1
#define MBT_LT_RAW 101
#define MBT_LT_LOOP 108
#define MBT_LT_LINUX_SLL 113
#define MBT_LT_IPV4 228
#define MBT_LT_IPV6 229

#define MBT_ETH_IP4 0x0800
#define MBT_ETH_ARP 0x0806
#define MBT_ETH_IP6 0x86dd

#define MBT_IPP_ICMP 1
#define MBT_IPP_TCP 6
#define MBT_IPP_UDP 17
#define MBT_IPP_ICMP6 58

#define MBT_TH_FIN 0x01
#define MBT_TH_SYN 0x02
#define MBT_TH_RST 0x04
#define MBT_TH_ACK 0x10
#define MBT_TH_URG 0x20

/* Deeper stacks than this are rare enough to show as an unknown ethertype. */
#define MBT_MAX_VLAN 4

enum mbt_l2 {
	MBT_L2_NONE,	/* raw IP: no link header */
	MBT_L2_ETHER,	/* Ethernet, possibly VLAN-tagged */
	MBT_L2_SLL,	/* Linux cooked capture */
	MBT_L2_LOOP,	/* BSD or OpenBSD loopback */
	MBT_L2_UNKNOWN, /* a link type we do not decode */
};

enum mbt_l3 {
	MBT_L3_NONE,  /* nothing decodable: unknown link or cut link header */
	MBT_L3_OTHER, /* an ethertype or address family we do not decode */
	MBT_L3_ARP,
	MBT_L3_IP4,
	MBT_L3_IP6,
	MBT_L3_BADVER, /* IP whose version nibble contradicts its framing */
};

/*
 * What one pass over the headers found.  Addresses point into the packet, so
 * the struct is only valid while the packet is.  Offsets are from the start
 * of the packet; every *_ok flag says the bytes behind a field were captured.
 */
struct mbt_pkt {
	const uint8_t *data;
	size_t caplen;	   /* bytes we may read */
	size_t wirelen;	   /* bytes on the wire, at least caplen */
	const char *trunc; /* header the capture cut ("ip", "vlan"), or NULL */
	uint16_t linktype;
	uint8_t l2; /* enum mbt_l2 */
	uint8_t l3; /* enum mbt_l3 */

	/* Link layer. */
	bool macs_ok;  /* Ethernet addresses were captured */
	uint8_t nvlan; /* VLAN tags parsed, outermost first */
	uint16_t vlan_tci[MBT_MAX_VLAN];
	uint16_t ethertype; /* after the tags; SLL protocol too */
	uint32_t family;    /* loopback address family */
	size_t l3_off;

	/* Network layer: valid when ip_ok. */
	bool ip_ok; /* the fixed IP header and its addresses are there */
	const char *ip_bad; /* "bad-len", "bad-hlen": header is nonsense */
	uint32_t ip_bad_val;
	uint8_t ipver; /* from the version nibble */
	uint8_t ttl;   /* TTL or hop limit */
	uint8_t proto; /* transport protocol, after IPv6 extensions */
	const uint8_t *src, *dst;
	uint16_t ip_id;
	uint32_t ip_totlen;  /* IPv4 total length, IPv6 40 + payload length */
	uint32_t ip_missing; /* bytes the IP length claims beyond the wire */
	bool frag;	     /* a fragment, first or later */
	bool frag_more;
	uint32_t frag_id;
	uint32_t frag_off; /* in bytes */

	/* Transport layer: valid when l4_ok (it is not a later fragment). */
	bool l4_ok;
	size_t l4_off;
	uint32_t l4_len; /* transport bytes the IP header accounts for */
	bool ports_ok;	 /* TCP or UDP with both ports captured */
	uint16_t sport, dport;
	bool tcpflags_ok;
	uint8_t tcpflags;
	bool echo_ok; /* ICMP or ICMPv6 echo with its id captured */
	uint16_t echo_id;
};

void mbt_pkt_parse(struct mbt_pkt *p, uint16_t linktype, const uint8_t *pkt,
    size_t caplen, size_t wirelen);

/*
 * Accessors.  mbt_pkt_has() decides what to print; the readers check again
 * and give 0 when out of bounds, so a wrong decision cannot read past caplen.
 */
static inline bool mbt_pkt_has(const struct mbt_pkt *p, size_t off, size_t n)
{
	return off <= p->caplen && n <= p->caplen - off;
}

static inline uint8_t mbt_pkt_u8(const struct mbt_pkt *p, size_t off)
{
	return off < p->caplen ? p->data[off] : 0;
}

static inline uint16_t mbt_pkt_be16(const struct mbt_pkt *p, size_t off)
{
	if (!mbt_pkt_has(p, off, 2))
		return 0;
	return (uint16_t)(p->data[off] << 8 | p->data[off + 1]);
}

static inline uint32_t mbt_pkt_be32(const struct mbt_pkt *p, size_t off)
{
	if (!mbt_pkt_has(p, off, 4))
		return 0;
	return (uint32_t)p->data[off] << 24 | (uint32_t)p->data[off + 1] << 16 |
	       (uint32_t)p->data[off + 2] << 8 | p->data[off + 3];
}

/* A pointer to n captured bytes at off, or NULL when they are not all there. */
static inline const uint8_t *mbt_pkt_ptr(
    const struct mbt_pkt *p, size_t off, size_t n)
{
	return mbt_pkt_has(p, off, n) ? p->data + off : NULL;
}

/*
 * The appender: writes at most size - 1 characters and keeps the buffer
 * NUL-terminated, so callers never check room themselves.
 */
struct mbt_out {
	char *buf;
	size_t len;
	size_t cap; /* characters that fit, not counting the NUL */
};

static inline void mbt_out_init(struct mbt_out *o, char *buf, size_t size)
{
	/* With no room even for the NUL, forget the buffer: nothing is written.
	 */
	o->buf = size > 0 ? buf : NULL;
	o->len = 0;
	o->cap = o->buf != NULL ? size - 1 : 0;
	if (o->buf != NULL)
		o->buf[0] = '\0';
}

static inline void mbt_out_mem(struct mbt_out *o, const char *s, size_t n)
{
	size_t room = o->cap - o->len;

	if (n > room)
		n = room;
	if (n == 0)
		return;
	memcpy(o->buf + o->len, s, n);
	o->len += n;
}

static inline void mbt_out_str(struct mbt_out *o, const char *s)
{
	mbt_out_mem(o, s, strlen(s));
}

static inline void mbt_out_chr(struct mbt_out *o, char c)
{
	if (o->len < o->cap)
		o->buf[o->len++] = c;
}

/* Terminates the text and returns its length. */
static inline size_t mbt_out_end(struct mbt_out *o)
{
	if (o->buf != NULL)
		o->buf[o->len] = '\0';
	return o->len;
}

void mbt_out_u32(struct mbt_out *o, uint32_t v);
void mbt_out_hex16(struct mbt_out *o, uint16_t v);
void mbt_out_mac(struct mbt_out *o, const uint8_t *mac);
void mbt_out_ip4(struct mbt_out *o, const uint8_t *a);
void mbt_out_ip6(struct mbt_out *o, const uint8_t *a);
void mbt_out_tcpflags(struct mbt_out *o, uint8_t flags);
const char *mbt_ipproto_name(uint8_t proto);

#endif /* MBT_PACKET_PARSE_H */
