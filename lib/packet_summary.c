/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A one-line, tcpdump-like description of a packet snapshot, written without
 * allocation or stdio because it runs once per packet of large captures.
 */
#include <mbuftrace/packet.h>

#include "packet_parse.h"

/* Says the capture ended inside the named header, as tcpdump does. */
static void mbt_sum_cut(struct mbt_out *o, const char *what)
{
	if (o->len > 0 && o->buf[o->len - 1] != ' ')
		mbt_out_chr(o, ' ');
	mbt_out_str(o, "[|");
	mbt_out_str(o, what);
	mbt_out_chr(o, ']');
}

static void mbt_sum_length(struct mbt_out *o, uint32_t len)
{
	mbt_out_str(o, ", length ");
	mbt_out_u32(o, len);
}

static void mbt_sum_addr(
    struct mbt_out *o, const struct mbt_pkt *p, const uint8_t *a)
{
	if (p->l3 == MBT_L3_IP6)
		mbt_out_ip6(o, a);
	else
		mbt_out_ip4(o, a);
}

/* TCP and UDP, minus the "IP src.port > dst.port: " already written. */
static void mbt_sum_tcp(struct mbt_out *o, const struct mbt_pkt *p)
{
	size_t off = p->l4_off;
	uint32_t hlen, len, seq;
	uint8_t fl = p->tcpflags;

	if (!mbt_pkt_has(p, off, 20)) {
		mbt_sum_cut(o, "tcp");
		return;
	}
	hlen = (mbt_pkt_u8(p, off + 12) >> 4) * 4u;
	if (hlen < 20 || hlen > p->l4_len) {
		mbt_out_str(o, "tcp [bad hdr length ");
		mbt_out_u32(o, hlen);
		mbt_out_chr(o, ']');
		return;
	}
	len = p->l4_len - hlen;
	seq = mbt_pkt_be32(p, off + 4);
	mbt_out_str(o, "Flags ");
	mbt_out_tcpflags(o, fl);
	/* tcpdump shows seq only when it says something: data, SYN, FIN, RST.
	 */
	if (len > 0 || (fl & (MBT_TH_SYN | MBT_TH_FIN | MBT_TH_RST))) {
		mbt_out_str(o, ", seq ");
		mbt_out_u32(o, seq);
		if (len > 0) {
			mbt_out_chr(o, ':');
			mbt_out_u32(o, seq + len);
		}
	}
	if (fl & MBT_TH_ACK) {
		mbt_out_str(o, ", ack ");
		mbt_out_u32(o, mbt_pkt_be32(p, off + 8));
	}
	mbt_out_str(o, ", win ");
	mbt_out_u32(o, mbt_pkt_be16(p, off + 14));
	if (fl & MBT_TH_URG) {
		mbt_out_str(o, ", urg ");
		mbt_out_u32(o, mbt_pkt_be16(p, off + 18));
	}
	mbt_sum_length(o, len);
}

static void mbt_sum_udp(struct mbt_out *o, const struct mbt_pkt *p)
{
	uint32_t ulen;

	if (!mbt_pkt_has(p, p->l4_off, 8)) {
		mbt_sum_cut(o, "udp");
		return;
	}
	ulen = mbt_pkt_be16(p, p->l4_off + 4);
	mbt_out_str(o, "UDP, ");
	if (ulen < 8 || ulen > p->l4_len) {
		mbt_out_str(o, "bad length ");
		mbt_out_u32(o, ulen);
		mbt_out_str(o, " > ");
		mbt_out_u32(o, p->l4_len);
		return;
	}
	mbt_out_str(o, "length ");
	mbt_out_u32(o, ulen - 8);
}

/* "id 17834, seq 0" of ICMP and ICMPv6 echoes. */
static void mbt_sum_echo(
    struct mbt_out *o, const struct mbt_pkt *p, const char *sep)
{
	mbt_out_str(o, "id ");
	mbt_out_u32(o, mbt_pkt_be16(p, p->l4_off + 4));
	mbt_out_str(o, sep);
	mbt_out_str(o, "seq ");
	mbt_out_u32(o, mbt_pkt_be16(p, p->l4_off + 6));
}

/*
 * Destination-unreachable texts of tcpdump by code; "%" marks where the
 * quoted packet's destination goes.
 */
static const char *const mbt_unreach_fmt[] = {
    "net % unreachable",
    "host % unreachable",
    NULL, /* protocol: needs the quoted header's protocol */
    NULL, /* port: needs the quoted transport header */
    "% unreachable - need to frag",
    "% unreachable - source route failed",
    "net % unreachable - unknown",
    "host % unreachable - unknown",
    "% unreachable - source host isolated",
    "net % unreachable - admin prohibited",
    "host % unreachable - admin prohibited",
    "net % unreachable - tos prohibited",
    "host % unreachable - tos prohibited",
    "host % unreachable - admin prohibited filter",
    "host % unreachable - host precedence violation",
    "host % unreachable - precedence cutoff",
};

static void mbt_out_fmt_addr(
    struct mbt_out *o, const char *fmt, const uint8_t *addr)
{
	for (; *fmt != '\0'; fmt++) {
		if (*fmt == '%')
			mbt_out_ip4(o, addr);
		else
			mbt_out_chr(o, *fmt);
	}
}

/* Returns false when the quoted header the text needs was not captured. */
static bool mbt_sum_unreach(
    struct mbt_out *o, const struct mbt_pkt *p, uint8_t code)
{
	size_t in = p->l4_off + 8; /* the quoted IP header */
	const uint8_t *dst = mbt_pkt_ptr(p, in + 16, 4);
	size_t ihl = (mbt_pkt_u8(p, in) & 0x0f) * 4u;
	uint8_t proto = mbt_pkt_u8(p, in + 9);

	bool port = code == 3 && (proto == MBT_IPP_TCP || proto == MBT_IPP_UDP);

	if (dst == NULL)
		return false;
	if (port && (ihl < 20 || !mbt_pkt_has(p, in + ihl, 4)))
		return false;
	mbt_out_str(o, "ICMP ");
	if (code == 2 || (code == 3 && !port)) {
		mbt_out_ip4(o, dst);
		mbt_out_str(o, " protocol ");
		mbt_out_u32(o, proto);
		mbt_out_str(o, " unreachable");
	} else if (port) {
		mbt_out_ip4(o, dst);
		mbt_out_str(
		    o, proto == MBT_IPP_TCP ? " tcp port " : " udp port ");
		mbt_out_u32(o, mbt_pkt_be16(p, in + ihl + 2));
		mbt_out_str(o, " unreachable");
	} else if (code <
		   sizeof(mbt_unreach_fmt) / sizeof(mbt_unreach_fmt[0])) {
		mbt_out_fmt_addr(o, mbt_unreach_fmt[code], dst);
		if (code == 4) {
			mbt_out_str(o, " (mtu ");
			mbt_out_u32(o, mbt_pkt_be16(p, p->l4_off + 6));
			mbt_out_chr(o, ')');
		}
	} else {
		mbt_out_ip4(o, dst);
		mbt_out_str(o, " unreachable - #");
		mbt_out_u32(o, code);
	}
	return true;
}

static bool mbt_sum_redirect(
    struct mbt_out *o, const struct mbt_pkt *p, uint8_t code)
{
	const uint8_t *gw = mbt_pkt_ptr(p, p->l4_off + 4, 4);
	const uint8_t *dst = mbt_pkt_ptr(p, p->l4_off + 8 + 16, 4);

	if (gw == NULL || dst == NULL)
		return false;
	mbt_out_str(o, code >= 2 ? "ICMP redirect-tos " : "ICMP redirect ");
	mbt_out_ip4(o, dst);
	mbt_out_str(o, code & 1 ? " to host " : " to net ");
	mbt_out_ip4(o, gw);
	return true;
}

static const char *mbt_icmp_simple_name(uint8_t type, uint8_t code)
{
	switch (type) {
	case 4:
		return "source quench";
	case 9:
		return "router advertisement";
	case 10:
		return "router solicitation";
	case 11:
		return code == 0   ? "time exceeded in-transit"
		       : code == 1 ? "ip reassembly time exceeded"
				   : "time exceeded";
	case 12:
		return "parameter problem";
	case 15:
		return "information request";
	case 16:
		return "information reply";
	case 17:
		return "address mask request";
	case 18:
		return "address mask reply";
	default:
		return NULL;
	}
}

/* The body after "ICMP "; false when a needed field was not captured. */
static bool mbt_sum_icmp_body(struct mbt_out *o, const struct mbt_pkt *p)
{
	size_t off = p->l4_off;
	uint8_t type = mbt_pkt_u8(p, off), code = mbt_pkt_u8(p, off + 1);
	const char *name;

	if (type == 3)
		return mbt_sum_unreach(o, p, code);
	if (type == 5)
		return mbt_sum_redirect(o, p, code);
	if (!mbt_pkt_has(p, off, 8))
		return false;
	mbt_out_str(o, "ICMP ");
	if (type == 0 || type == 8) {
		mbt_out_str(o, type == 8 ? "echo request, " : "echo reply, ");
		mbt_sum_echo(o, p, ", ");
	} else if (type == 13 || type == 14) {
		mbt_out_str(
		    o, type == 13 ? "time stamp query " : "time stamp reply ");
		mbt_sum_echo(o, p, " ");
	} else if (type == 12 && code == 0) {
		mbt_out_str(o, "parameter problem - octet ");
		mbt_out_u32(o, mbt_pkt_u8(p, off + 4));
	} else if ((name = mbt_icmp_simple_name(type, code)) != NULL) {
		mbt_out_str(o, name);
	} else {
		mbt_out_str(o, "type-#");
		mbt_out_u32(o, type);
	}
	return true;
}

static void mbt_sum_icmp(struct mbt_out *o, const struct mbt_pkt *p)
{
	if (!mbt_pkt_has(p, p->l4_off, 4) || !mbt_sum_icmp_body(o, p)) {
		mbt_sum_cut(o, "icmp");
		return;
	}
	mbt_sum_length(o, p->l4_len);
}

static const char *mbt_icmp6_name(uint8_t type)
{
	switch (type) {
	case 1:
		return "destination unreachable";
	case 2:
		return "packet too big";
	case 3:
		return "time exceeded";
	case 4:
		return "parameter problem";
	case 128:
		return "echo request";
	case 129:
		return "echo reply";
	case 130:
		return "multicast listener query";
	case 131:
		return "multicast listener report";
	case 132:
		return "multicast listener done";
	case 133:
		return "router solicitation";
	case 134:
		return "router advertisement";
	case 135:
		return "neighbor solicitation";
	case 136:
		return "neighbor advertisement";
	case 137:
		return "redirect";
	case 143:
		return "multicast listener report v2";
	default:
		return NULL;
	}
}

static const char *const mbt_unreach6_code[] = {
    "unreachable route",
    "unreachable prohibited",
    "beyond scope",
    "unreachable address",
    "unreachable port",
};

/* The quoted packet's destination, and its port for "unreachable port". */
static void mbt_sum_unreach6(
    struct mbt_out *o, const struct mbt_pkt *p, uint8_t code)
{
	size_t in = p->l4_off + 8;
	const uint8_t *dst = mbt_pkt_ptr(p, in + 24, 16);
	uint8_t nh = mbt_pkt_u8(p, in + 6);

	if (code >= sizeof(mbt_unreach6_code) / sizeof(mbt_unreach6_code[0])) {
		mbt_out_str(o, "code ");
		mbt_out_u32(o, code);
		return;
	}
	mbt_out_str(o, mbt_unreach6_code[code]);
	if (dst == NULL)
		return;
	mbt_out_str(o, code == 4 ? ", " : " ");
	mbt_out_ip6(o, dst);
	if (code == 4 && (nh == MBT_IPP_TCP || nh == MBT_IPP_UDP) &&
	    mbt_pkt_has(p, in + 40, 4)) {
		mbt_out_str(o, nh == MBT_IPP_TCP ? " tcp port " : " udp port ");
		mbt_out_u32(o, mbt_pkt_be16(p, in + 42));
	}
}

static void mbt_sum_timex6(
    struct mbt_out *o, const struct mbt_pkt *p, uint8_t code)
{
	const uint8_t *dst = mbt_pkt_ptr(p, p->l4_off + 8 + 24, 16);

	if (code == 1) {
		mbt_out_str(o, " reassembly");
		return;
	}
	if (code != 0)
		return;
	mbt_out_str(o, " in-transit");
	if (dst != NULL) {
		mbt_out_str(o, " for ");
		mbt_out_ip6(o, dst);
	}
}

/* The details tcpdump adds after an ICMPv6 type name; false if cut. */
static bool mbt_sum_icmp6_detail(
    struct mbt_out *o, const struct mbt_pkt *p, uint8_t type)
{
	size_t off = p->l4_off;
	const uint8_t *target;

	switch (type) {
	case 1:
		mbt_out_str(o, ", ");
		mbt_sum_unreach6(o, p, mbt_pkt_u8(p, off + 1));
		return true;
	case 3:
		mbt_sum_timex6(o, p, mbt_pkt_u8(p, off + 1));
		return true;
	case 2:
		if (!mbt_pkt_has(p, off, 8))
			return false;
		mbt_out_str(o, ", mtu ");
		mbt_out_u32(o, mbt_pkt_be32(p, off + 4));
		return true;
	case 128:
	case 129:
		if (!mbt_pkt_has(p, off, 8))
			return false;
		mbt_out_str(o, ", ");
		mbt_sum_echo(o, p, ", ");
		return true;
	case 135:
	case 136:
		target = mbt_pkt_ptr(p, off + 8, 16);
		if (target == NULL)
			return false;
		mbt_out_str(o, type == 135 ? ", who has " : ", tgt is ");
		mbt_out_ip6(o, target);
		return true;
	default:
		return true;
	}
}

static void mbt_sum_icmp6(struct mbt_out *o, const struct mbt_pkt *p)
{
	uint8_t type = mbt_pkt_u8(p, p->l4_off);
	const char *name = mbt_icmp6_name(type);

	if (!mbt_pkt_has(p, p->l4_off, 4)) {
		mbt_sum_cut(o, "icmp6");
		return;
	}
	mbt_out_str(o, "ICMP6, ");
	if (name != NULL) {
		mbt_out_str(o, name);
	} else {
		mbt_out_str(o, "type-#");
		mbt_out_u32(o, type);
	}
	if (!mbt_sum_icmp6_detail(o, p, type)) {
		mbt_sum_cut(o, "icmp6");
		return;
	}
	mbt_sum_length(o, p->l4_len);
}

/* Protocols we only name: "GRE, length 20" or "ip-proto-253, length 20". */
static void mbt_sum_proto(struct mbt_out *o, const struct mbt_pkt *p)
{
	const char *name = mbt_ipproto_name(p->proto);

	if (p->proto == 59 && p->l4_ok) {
		mbt_out_str(o, "no next header");
		return;
	}
	if (name != NULL) {
		mbt_out_str(o, name);
	} else {
		mbt_out_str(o, "ip-proto-");
		mbt_out_u32(o, p->proto);
	}
	mbt_sum_length(o, p->l4_len);
}

static void mbt_sum_transport(struct mbt_out *o, const struct mbt_pkt *p)
{
	if (!p->l4_ok) {
		mbt_sum_proto(o, p);
		return;
	}
	switch (p->proto) {
	case MBT_IPP_TCP:
		mbt_sum_tcp(o, p);
		break;
	case MBT_IPP_UDP:
		mbt_sum_udp(o, p);
		break;
	case MBT_IPP_ICMP:
		if (p->l3 == MBT_L3_IP4)
			mbt_sum_icmp(o, p);
		else
			mbt_sum_proto(o, p);
		break;
	case MBT_IPP_ICMP6:
		if (p->l3 == MBT_L3_IP6)
			mbt_sum_icmp6(o, p);
		else
			mbt_sum_proto(o, p);
		break;
	default:
		mbt_sum_proto(o, p);
		break;
	}
}

/* "frag 4660/1480+, ": the id, the offset in bytes, "+" if more follow. */
static void mbt_sum_frag(struct mbt_out *o, const struct mbt_pkt *p)
{
	mbt_out_str(o, "frag ");
	mbt_out_u32(o, p->frag_id);
	mbt_out_chr(o, '/');
	mbt_out_u32(o, p->frag_off);
	if (p->frag_more)
		mbt_out_chr(o, '+');
	mbt_out_str(o, ", ");
}

/* "IP 10.0.0.1.43210 > 10.0.0.2.80: " and the rest. */
static void mbt_sum_ip(struct mbt_out *o, const struct mbt_pkt *p)
{
	bool ports = p->ports_ok && p->l4_ok;

	mbt_out_str(o, p->l3 == MBT_L3_IP6 ? "IP6 " : "IP ");
	if (!p->ip_ok) {
		mbt_sum_cut(o, p->trunc != NULL ? p->trunc : "ip");
		return;
	}
	if (p->ip_bad != NULL) {
		mbt_out_str(o, p->ip_bad);
		mbt_out_chr(o, ' ');
		mbt_out_u32(o, p->ip_bad_val);
		return;
	}
	if (p->ip_missing > 0) {
		mbt_out_str(o, "truncated-ip - ");
		mbt_out_u32(o, p->ip_missing);
		mbt_out_str(o, " bytes missing! ");
	}
	mbt_sum_addr(o, p, p->src);
	if (ports) {
		mbt_out_chr(o, '.');
		mbt_out_u32(o, p->sport);
	}
	mbt_out_str(o, " > ");
	mbt_sum_addr(o, p, p->dst);
	if (ports) {
		mbt_out_chr(o, '.');
		mbt_out_u32(o, p->dport);
	}
	mbt_out_str(o, ": ");
	if (p->trunc != NULL) {
		mbt_sum_cut(o, p->trunc);
		return;
	}
	if (p->frag)
		mbt_sum_frag(o, p);
	mbt_sum_transport(o, p);
}

static void mbt_sum_arp(struct mbt_out *o, const struct mbt_pkt *p)
{
	size_t off = p->l3_off;
	uint16_t op = mbt_pkt_be16(p, off + 6);
	const uint8_t *sha = mbt_pkt_ptr(p, off + 8, 6);
	const uint8_t *spa = mbt_pkt_ptr(p, off + 14, 4);
	const uint8_t *tha = mbt_pkt_ptr(p, off + 18, 6);
	const uint8_t *tpa = mbt_pkt_ptr(p, off + 24, 4);
	uint32_t len = (uint32_t)(p->wirelen - off);

	if (!mbt_pkt_has(p, off, 8)) {
		mbt_sum_cut(o, "arp");
		return;
	}
	/* Only Ethernet/IPv4 ARP has the fixed layout read below. */
	if (mbt_pkt_be16(p, off) != 1 || mbt_pkt_be16(p, off + 2) != 0x0800 ||
	    mbt_pkt_u8(p, off + 4) != 6 || mbt_pkt_u8(p, off + 5) != 4) {
		mbt_out_str(o, "ARP, hardware ");
		mbt_out_u32(o, mbt_pkt_be16(p, off));
		mbt_out_str(o, ", protocol ");
		mbt_out_hex16(o, mbt_pkt_be16(p, off + 2));
		mbt_sum_length(o, len);
		return;
	}
	if (tpa == NULL) {
		mbt_sum_cut(o, "arp");
		return;
	}
	if (op == 1) {
		mbt_out_str(o, "ARP, Request who-has ");
		mbt_out_ip4(o, tpa);
		if (memcmp(tha, "\0\0\0\0\0\0", 6) != 0) {
			mbt_out_str(o, " (");
			mbt_out_mac(o, tha);
			mbt_out_chr(o, ')');
		}
		mbt_out_str(o, " tell ");
		mbt_out_ip4(o, spa);
	} else if (op == 2) {
		mbt_out_str(o, "ARP, Reply ");
		mbt_out_ip4(o, spa);
		mbt_out_str(o, " is-at ");
		mbt_out_mac(o, sha);
	} else {
		mbt_out_str(o, "ARP, op ");
		mbt_out_u32(o, op);
		mbt_out_str(o, ", ");
		mbt_out_ip4(o, spa);
		mbt_out_str(o, " > ");
		mbt_out_ip4(o, tpa);
	}
	mbt_sum_length(o, len);
}

/* Frames we do not decode show the link header, as tcpdump does then. */
static void mbt_sum_other(struct mbt_out *o, const struct mbt_pkt *p)
{
	uint32_t len = (uint32_t)p->wirelen;

	if (p->l2 == MBT_L2_ETHER) {
		mbt_out_mac(o, p->data + 6);
		mbt_out_str(o, " > ");
		mbt_out_mac(o, p->data);
		if (p->ethertype < 0x0600) {
			mbt_out_str(o, ", 802.3");
		} else {
			mbt_out_str(o, ", ethertype ");
			mbt_out_hex16(o, p->ethertype);
		}
	} else if (p->l2 == MBT_L2_LOOP) {
		mbt_out_str(o, "AF ");
		mbt_out_u32(o, p->family);
	} else if (p->l2 == MBT_L2_SLL) {
		mbt_out_str(o, "sll protocol ");
		mbt_out_hex16(o, p->ethertype);
	} else {
		mbt_out_str(o, "linktype ");
		mbt_out_u32(o, p->linktype);
	}
	mbt_sum_length(o, len);
}

/* "vlan 10, " per tag; the priority only when one is set. */
static void mbt_sum_vlans(struct mbt_out *o, const struct mbt_pkt *p)
{
	int i;

	for (i = 0; i < p->nvlan; i++) {
		mbt_out_str(o, "vlan ");
		mbt_out_u32(o, p->vlan_tci[i] & 0x0fff);
		mbt_out_str(o, ", ");
		if (p->vlan_tci[i] >> 13) {
			mbt_out_str(o, "p ");
			mbt_out_u32(o, p->vlan_tci[i] >> 13);
			mbt_out_str(o, ", ");
		}
	}
}

size_t mbt_packet_summary(uint16_t linktype, const uint8_t *pkt, size_t caplen,
    size_t wirelen, char *out, size_t size)
{
	struct mbt_pkt p;
	struct mbt_out o;

	mbt_pkt_parse(&p, linktype, pkt, caplen, wirelen);
	mbt_out_init(&o, out, size);
	mbt_sum_vlans(&o, &p);
	switch (p.l3) {
	case MBT_L3_IP4:
	case MBT_L3_IP6:
		mbt_sum_ip(&o, &p);
		break;
	case MBT_L3_ARP:
		mbt_sum_arp(&o, &p);
		break;
	case MBT_L3_BADVER:
		mbt_out_str(&o, "IP");
		mbt_out_u32(&o, p.ipver);
		mbt_out_str(&o, " (invalid)");
		break;
	case MBT_L3_OTHER:
		mbt_sum_other(&o, &p);
		break;
	default:
		if (p.trunc != NULL)
			mbt_sum_cut(&o, p.trunc);
		else
			mbt_sum_other(&o, &p);
		break;
	}
	return mbt_out_end(&o);
}
