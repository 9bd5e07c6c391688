/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One bounds-checked pass over a packet snapshot's headers, shared by the
 * summary and the diff, and the number and address writers they print with.
 */
#include "packet_parse.h"

#define MBT_ETH_HLEN 14
#define MBT_SLL_HLEN 16
#define MBT_LOOP_HLEN 4
#define MBT_IP4_HLEN 20
#define MBT_IP6_HLEN 40
#define MBT_IP6_MAX_EXT 8 /* extension headers we walk before giving up */
#define MBT_WIRE_MAX ((size_t)1 << 30)

static void mbt_parse_ip4(struct mbt_pkt *p, size_t off);
static void mbt_parse_ip6(struct mbt_pkt *p, size_t off);

static bool mbt_is_vlan_tpid(uint16_t type)
{
	/* 802.1Q, 802.1ad, and the pre-standard QinQ type some switches use. */
	return type == 0x8100 || type == 0x88a8 || type == 0x9100;
}

/* The IP version nibble decides, for link types that carry either. */
static void mbt_parse_ip_any(struct mbt_pkt *p, size_t off)
{
	if (!mbt_pkt_has(p, off, 1)) {
		p->l3 = MBT_L3_IP4;
		p->trunc = "ip";
		return;
	}
	if (mbt_pkt_u8(p, off) >> 4 == 6)
		mbt_parse_ip6(p, off);
	else
		mbt_parse_ip4(p, off);
}

static void mbt_parse_ethertype(struct mbt_pkt *p, size_t off, uint16_t type)
{
	p->ethertype = type;
	p->l3_off = off;
	switch (type) {
	case MBT_ETH_IP4:
		mbt_parse_ip4(p, off);
		break;
	case MBT_ETH_IP6:
		mbt_parse_ip6(p, off);
		break;
	case MBT_ETH_ARP:
		p->l3 = MBT_L3_ARP;
		break;
	default:
		p->l3 = MBT_L3_OTHER;
		break;
	}
}

/* Tags come in pairs of (TCI, next type); a cut pair leaves the frame. */
static void mbt_parse_vlans(struct mbt_pkt *p, size_t off, uint16_t type)
{
	while (mbt_is_vlan_tpid(type) && p->nvlan < MBT_MAX_VLAN) {
		if (!mbt_pkt_has(p, off, 4)) {
			p->trunc = "vlan";
			return;
		}
		p->vlan_tci[p->nvlan++] = mbt_pkt_be16(p, off);
		type = mbt_pkt_be16(p, off + 2);
		off += 4;
	}
	mbt_parse_ethertype(p, off, type);
}

static void mbt_parse_ether(struct mbt_pkt *p)
{
	p->l2 = MBT_L2_ETHER;
	p->macs_ok = mbt_pkt_has(p, 0, 12);
	if (!mbt_pkt_has(p, 0, MBT_ETH_HLEN)) {
		p->trunc = "ether";
		return;
	}
	mbt_parse_vlans(p, MBT_ETH_HLEN, mbt_pkt_be16(p, 12));
}

static void mbt_parse_sll(struct mbt_pkt *p)
{
	p->l2 = MBT_L2_SLL;
	if (!mbt_pkt_has(p, 0, MBT_SLL_HLEN)) {
		p->trunc = "sll";
		return;
	}
	mbt_parse_vlans(p, MBT_SLL_HLEN, mbt_pkt_be16(p, 14));
}

static bool mbt_is_af_inet6(uint32_t af)
{
	/* NetBSD/OpenBSD, FreeBSD, Darwin, and Linux numbers for AF_INET6. */
	return af == 24 || af == 28 || af == 30 || af == 10;
}

/*
 * The BSD loopback family is in the byte order of the machine that wrote the
 * file, which we do not know, so either order is accepted; OpenBSD's is
 * always network order.
 */
static void mbt_parse_loop(struct mbt_pkt *p, bool either_order)
{
	uint32_t be, le;

	p->l2 = MBT_L2_LOOP;
	if (!mbt_pkt_has(p, 0, MBT_LOOP_HLEN)) {
		p->trunc = either_order ? "null" : "loop";
		return;
	}
	be = mbt_pkt_be32(p, 0);
	le = (be >> 24) | (be >> 8 & 0xff00) | (be << 8 & 0xff0000) | be << 24;
	p->family = (either_order && le < be) ? le : be;
	p->l3_off = MBT_LOOP_HLEN;
	if (p->family == 2)
		mbt_parse_ip4(p, MBT_LOOP_HLEN);
	else if (mbt_is_af_inet6(p->family))
		mbt_parse_ip6(p, MBT_LOOP_HLEN);
	else
		p->l3 = MBT_L3_OTHER;
}

void mbt_pkt_parse(struct mbt_pkt *p, uint16_t linktype, const uint8_t *pkt,
    size_t caplen, size_t wirelen)
{
	memset(p, 0, sizeof(*p));
	p->data = pkt;
	p->caplen = pkt != NULL ? caplen : 0;
	/* Snapshots may claim less on the wire than they hold; trust the bytes.
	 */
	p->wirelen = wirelen > p->caplen ? wirelen : p->caplen;
	p->linktype = linktype;

	switch (linktype) {
	case MBT_LT_ETHERNET:
		mbt_parse_ether(p);
		break;
	case MBT_LT_RAW:
		mbt_parse_ip_any(p, 0);
		break;
	case MBT_LT_IPV4:
		mbt_parse_ip4(p, 0);
		break;
	case MBT_LT_IPV6:
		mbt_parse_ip6(p, 0);
		break;
	case MBT_LT_NULL:
		mbt_parse_loop(p, true);
		break;
	case MBT_LT_LOOP:
		mbt_parse_loop(p, false);
		break;
	case MBT_LT_LINUX_SLL:
		mbt_parse_sll(p);
		break;
	default:
		p->l2 = MBT_L2_UNKNOWN;
		break;
	}
}

/* Ports, TCP flags and the ICMP echo id: what the diff compares. */
static void mbt_parse_l4(struct mbt_pkt *p)
{
	size_t off = p->l4_off;

	switch (p->proto) {
	case MBT_IPP_TCP:
		p->tcpflags_ok = mbt_pkt_has(p, off + 13, 1);
		p->tcpflags = mbt_pkt_u8(p, off + 13);
		/* fall through */
	case MBT_IPP_UDP:
		p->ports_ok = mbt_pkt_has(p, off, 4);
		p->sport = mbt_pkt_be16(p, off);
		p->dport = mbt_pkt_be16(p, off + 2);
		break;
	case MBT_IPP_ICMP:
	case MBT_IPP_ICMP6: {
		uint8_t type = mbt_pkt_u8(p, off);
		bool echo = p->proto == MBT_IPP_ICMP
				? (type == 0 || type == 8)
				: (type == 128 || type == 129);

		p->echo_ok = echo && mbt_pkt_has(p, off, 6);
		p->echo_id = mbt_pkt_be16(p, off + 4);
		break;
	}
	default:
		break;
	}
}

/*
 * Bytes from off to the end of the wire, which may be beyond caplen.  Capped
 * far below 2^32 so that length arithmetic in uint32_t cannot wrap.
 */
static size_t mbt_wire_left(const struct mbt_pkt *p, size_t off)
{
	size_t left = off < p->wirelen ? p->wirelen - off : 0;

	return left < MBT_WIRE_MAX ? left : MBT_WIRE_MAX;
}

static void mbt_parse_ip4(struct mbt_pkt *p, size_t off)
{
	uint32_t hlen, len, frag;

	p->l3 = MBT_L3_IP4;
	p->l3_off = off;
	if (!mbt_pkt_has(p, off, MBT_IP4_HLEN)) {
		p->ipver = mbt_pkt_u8(p, off) >> 4;
		p->trunc = "ip";
		return;
	}
	p->ipver = mbt_pkt_u8(p, off) >> 4;
	if (p->ipver != 4) {
		p->l3 = MBT_L3_BADVER;
		return;
	}
	hlen = (mbt_pkt_u8(p, off) & 0x0f) * 4u;
	len = mbt_pkt_be16(p, off + 2);
	p->ip_totlen = len;
	p->ip_id = mbt_pkt_be16(p, off + 4);
	frag = mbt_pkt_be16(p, off + 6);
	p->ttl = mbt_pkt_u8(p, off + 8);
	p->proto = mbt_pkt_u8(p, off + 9);
	p->src = p->data + off + 12;
	p->dst = p->data + off + 16;
	p->ip_ok = true;

	/*
	 * A zero length is what TSO and BIG TCP leave in a packet bigger than
	 * the field can say; the wire length is the best guess then.
	 */
	if (len == 0)
		len = (uint32_t)mbt_wire_left(p, off);
	if (hlen < MBT_IP4_HLEN) {
		p->ip_bad = "bad-hlen";
		p->ip_bad_val = hlen;
		return;
	}
	if (len < hlen) {
		p->ip_bad = "bad-len";
		p->ip_bad_val = len;
		return;
	}
	if (len > mbt_wire_left(p, off))
		p->ip_missing = len - (uint32_t)mbt_wire_left(p, off);

	p->frag_more = (frag & 0x2000) != 0;
	p->frag_off = (frag & 0x1fff) * 8u;
	p->frag = p->frag_more || p->frag_off != 0;
	p->frag_id = p->ip_id;

	if (!mbt_pkt_has(p, off, hlen)) {
		p->trunc = "ip";
		return;
	}
	p->l4_off = off + hlen;
	p->l4_len = len - hlen;
	p->l4_ok = p->frag_off == 0;
	if (p->l4_ok)
		mbt_parse_l4(p);
}

/*
 * Walk the extension headers that sit between IPv6 and the transport: each is
 * checked against both the capture and the payload length.  Returns false
 * when the capture cut one or the payload length cannot hold it.
 */
static bool mbt_parse_ip6_ext(struct mbt_pkt *p, size_t *offp, uint32_t *leftp)
{
	size_t off = *offp;
	uint32_t left = *leftp, hlen;
	int i;

	for (i = 0; i < MBT_IP6_MAX_EXT; i++) {
		switch (p->proto) {
		case 0:	 /* hop-by-hop options */
		case 43: /* routing */
		case 60: /* destination options */
			if (!mbt_pkt_has(p, off, 2))
				goto cut;
			hlen = (mbt_pkt_u8(p, off + 1) + 1u) * 8u;
			break;
		case 44: /* fragment */
			if (!mbt_pkt_has(p, off, 8))
				goto cut;
			hlen = 8;
			p->frag = true;
			p->frag_off = mbt_pkt_be16(p, off + 2) & 0xfff8;
			p->frag_more = (mbt_pkt_u8(p, off + 3) & 1) != 0;
			p->frag_id = mbt_pkt_be32(p, off + 4);
			break;
		default:
			goto done;
		}
		if (hlen > left) {
			p->ip_bad = "bad-len";
			p->ip_bad_val = *leftp;
			return false;
		}
		p->proto = mbt_pkt_u8(p, off);
		off += hlen;
		left -= hlen;
		/* Past a later fragment's header there is only data. */
		if (p->frag && p->frag_off != 0)
			break;
	}
done:
	*offp = off;
	*leftp = left;
	return true;
cut:
	p->trunc = "ip6";
	return false;
}

static void mbt_parse_ip6(struct mbt_pkt *p, size_t off)
{
	uint32_t plen;
	size_t l4;

	p->l3 = MBT_L3_IP6;
	p->l3_off = off;
	p->ipver = mbt_pkt_u8(p, off) >> 4;
	if (!mbt_pkt_has(p, off, MBT_IP6_HLEN)) {
		p->trunc = "ip6";
		return;
	}
	if (p->ipver != 6) {
		p->l3 = MBT_L3_BADVER;
		return;
	}
	plen = mbt_pkt_be16(p, off + 4);
	p->ip_totlen = MBT_IP6_HLEN + plen;
	p->proto = mbt_pkt_u8(p, off + 6);
	p->ttl = mbt_pkt_u8(p, off + 7);
	p->src = p->data + off + 8;
	p->dst = p->data + off + 24;
	p->ip_ok = true;

	/* Jumbograms and GSO packets say 0; the wire knows better. */
	if (plen == 0 && mbt_wire_left(p, off) > MBT_IP6_HLEN)
		plen = (uint32_t)(mbt_wire_left(p, off) - MBT_IP6_HLEN);
	if (plen + MBT_IP6_HLEN > mbt_wire_left(p, off))
		p->ip_missing =
		    plen + MBT_IP6_HLEN - (uint32_t)mbt_wire_left(p, off);

	l4 = off + MBT_IP6_HLEN;
	if (!mbt_parse_ip6_ext(p, &l4, &plen))
		return;
	p->l4_off = l4;
	p->l4_len = plen;
	p->l4_ok = !(p->frag && p->frag_off != 0);
	if (p->l4_ok)
		mbt_parse_l4(p);
}

/* Writers.  Digits are produced backwards into a small buffer. */

void mbt_out_u32(struct mbt_out *o, uint32_t v)
{
	char tmp[10];
	size_t i = sizeof(tmp);

	do {
		tmp[--i] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	mbt_out_mem(o, tmp + i, sizeof(tmp) - i);
}

static const char mbt_hexdig[] = "0123456789abcdef";

/* Four hex digits with 0x, as ethertypes are usually written. */
void mbt_out_hex16(struct mbt_out *o, uint16_t v)
{
	char tmp[6] = {'0', 'x', mbt_hexdig[v >> 12], mbt_hexdig[v >> 8 & 15],
	    mbt_hexdig[v >> 4 & 15], mbt_hexdig[v & 15]};

	mbt_out_mem(o, tmp, sizeof(tmp));
}

void mbt_out_mac(struct mbt_out *o, const uint8_t *mac)
{
	char tmp[17];
	int i;

	for (i = 0; i < 6; i++) {
		tmp[i * 3] = mbt_hexdig[mac[i] >> 4];
		tmp[i * 3 + 1] = mbt_hexdig[mac[i] & 15];
		if (i < 5)
			tmp[i * 3 + 2] = ':';
	}
	mbt_out_mem(o, tmp, sizeof(tmp));
}

void mbt_out_ip4(struct mbt_out *o, const uint8_t *a)
{
	int i;

	for (i = 0; i < 4; i++) {
		if (i > 0)
			mbt_out_chr(o, '.');
		mbt_out_u32(o, a[i]);
	}
}

/* One group of an IPv6 address: lower case, no leading zeros. */
static void mbt_out_hex_group(struct mbt_out *o, uint16_t v)
{
	char tmp[4];
	size_t n = 0;
	int shift;

	for (shift = 12; shift >= 0; shift -= 4)
		if (n > 0 || (v >> shift & 15) != 0 || shift == 0)
			tmp[n++] = mbt_hexdig[v >> shift & 15];
	mbt_out_mem(o, tmp, n);
}

/*
 * RFC 5952: the longest run of two or more zero groups (the first one on a
 * tie) becomes "::".  Like inet_ntop and tcpdump, IPv4-mapped and -compatible
 * addresses end in dotted quad.
 */
void mbt_out_ip6(struct mbt_out *o, const uint8_t *a)
{
	uint16_t w[8];
	int i, best = -1, bestlen = 0, cur = -1, curlen = 0;

	for (i = 0; i < 8; i++) {
		w[i] = (uint16_t)(a[2 * i] << 8 | a[2 * i + 1]);
		if (w[i] == 0) {
			if (cur < 0)
				cur = i;
			if (++curlen > bestlen) {
				best = cur;
				bestlen = curlen;
			}
		} else {
			cur = -1;
			curlen = 0;
		}
	}
	if (bestlen < 2)
		best = -1;
	for (i = 0; i < 8; i++) {
		if (i == best) {
			mbt_out_mem(o, "::", i == 0 ? 2 : 1);
			i += bestlen - 1;
			continue;
		}
		if (i == 6 && best == 0 &&
		    (bestlen == 6 || (bestlen == 5 && w[5] == 0xffff))) {
			mbt_out_ip4(o, a + 12);
			break;
		}
		mbt_out_hex_group(o, w[i]);
		if (i < 7)
			mbt_out_chr(o, ':');
	}
}

/* tcpdump's letters, in its order, with "." for ACK. */
void mbt_out_tcpflags(struct mbt_out *o, uint8_t flags)
{
	static const char letters[] = "FSRP.UEW";
	static const uint8_t bits[] = {
	    0x01, 0x02, 0x04, 0x08, 0x10, 0x20, 0x40, 0x80};
	int i;

	mbt_out_chr(o, '[');
	if (flags == 0)
		mbt_out_str(o, "none");
	for (i = 0; i < 8; i++)
		if (flags & bits[i])
			mbt_out_chr(o, letters[i]);
	mbt_out_chr(o, ']');
}

const char *mbt_ipproto_name(uint8_t proto)
{
	switch (proto) {
	case MBT_IPP_ICMP:
		return "ICMP";
	case 2:
		return "IGMP";
	case MBT_IPP_TCP:
		return "TCP";
	case MBT_IPP_UDP:
		return "UDP";
	case 47:
		return "GRE";
	case 50:
		return "ESP";
	case 51:
		return "AH";
	case MBT_IPP_ICMP6:
		return "ICMP6";
	case 89:
		return "OSPF";
	case 103:
		return "PIM";
	case 112:
		return "VRRP";
	case 132:
		return "SCTP";
	default:
		return NULL;
	}
}
