/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A packet's identity on one wire: the header fields that the host that
 * sent it and the host that received it both saw, read from snapshots.
 */
#include <string.h>

#include "mbuftrace/journey.h"
#include "packet_parse.h"

/* Where the transport payload starts, or 0 when it cannot be known. */
static size_t
payload_off(const struct mbt_pkt *p)
{
	size_t off = p->l4_off;

	switch (p->proto) {
	case MBT_IPP_TCP:
		if (!mbt_pkt_has(p, off + 12, 1))
			return 0;
		return off + 4u * (mbt_pkt_u8(p, off + 12) >> 4);
	case MBT_IPP_UDP:
	case MBT_IPP_ICMP:
	case MBT_IPP_ICMP6: return off + 8;
	default: return off;
	}
}

static void
get_l4(const struct mbt_pkt *p, struct mbt_wire_id *id)
{
	size_t off = p->l4_off, pay, end;

	switch (p->proto) {
	case MBT_IPP_TCP:
		if (!mbt_pkt_has(p, off, 16))
			return;
		id->seq = mbt_pkt_be32(p, off + 4);
		id->ack = mbt_pkt_be32(p, off + 8);
		break;
	case MBT_IPP_UDP:
		if (!mbt_pkt_has(p, off, 8))
			return;
		break;
	case MBT_IPP_ICMP:
	case MBT_IPP_ICMP6:
		/* Type and code, then the echo id and sequence (or what the
		 * message has in their place: both ends see the same). */
		if (!mbt_pkt_has(p, off, 8))
			return;
		id->sport = mbt_pkt_be16(p, off);
		id->dport = mbt_pkt_be16(p, off + 4);
		id->seq = mbt_pkt_be16(p, off + 6);
		break;
	default: break;
	}
	if (p->ports_ok) {
		id->sport = p->sport;
		id->dport = p->dport;
	}
	id->l4 = true;
	pay = payload_off(p);
	/* The payload the IP length accounts for, as far as captured. */
	end = p->l4_off + p->l4_len;
	if (end > p->caplen)
		end = p->caplen;
	if (pay == 0 || pay >= end)
		return;
	id->payload_len = (uint16_t)(end - pay < MBT_WIRE_PAYLOAD
					 ? end - pay
					 : MBT_WIRE_PAYLOAD);
	memcpy(id->payload, p->data + pay, id->payload_len);
}

bool
mbt_wire_id_get(uint16_t linktype, const uint8_t *pkt, size_t caplen,
    size_t wirelen, struct mbt_wire_id *id)
{
	struct mbt_pkt p;

	memset(id, 0, sizeof(*id));
	mbt_pkt_parse(&p, linktype, pkt, caplen, wirelen);
	if (!p.ip_ok || (p.l3 != MBT_L3_IP4 && p.l3 != MBT_L3_IP6))
		return false;
	id->ver = p.l3 == MBT_L3_IP4 ? 4 : 6;
	id->proto = p.proto;
	id->ttl = p.ttl;
	memcpy(id->src, p.src, id->ver == 4 ? 4 : 16);
	memcpy(id->dst, p.dst, id->ver == 4 ? 4 : 16);
	id->totlen = p.ip_totlen;
	id->ip_id = id->ver == 4 ? p.ip_id : 0;
	id->frag = p.frag;
	id->frag_id = p.frag ? p.frag_id : 0;
	id->frag_off = p.frag ? p.frag_off : 0;
	if (p.l4_ok)
		get_l4(&p, id);
	return true;
}

bool
mbt_wire_id_same(const struct mbt_wire_id *a, const struct mbt_wire_id *b)
{
	uint16_t n = a->payload_len < b->payload_len ? a->payload_len
						     : b->payload_len;

	if (a->ver != b->ver || a->proto != b->proto || a->ttl != b->ttl ||
	    a->totlen != b->totlen || a->ip_id != b->ip_id ||
	    a->frag != b->frag || a->frag_id != b->frag_id ||
	    a->frag_off != b->frag_off || memcmp(a->src, b->src, 16) != 0 ||
	    memcmp(a->dst, b->dst, 16) != 0)
		return false;
	/* A snapshot cut before the transport header knows less, but what
	 * it knows agrees: the other fields decide. */
	if (a->l4 && b->l4 &&
	    (a->sport != b->sport || a->dport != b->dport ||
		a->seq != b->seq || a->ack != b->ack))
		return false;
	return memcmp(a->payload, b->payload, n) == 0;
}

size_t
mbt_wire_id_text(const struct mbt_wire_id *id, char *buf, size_t size)
{
	struct mbt_out o;

	mbt_out_init(&o, buf, size);
	mbt_out_str(&o, mbt_ipproto_name(id->proto));
	mbt_out_chr(&o, ' ');
	if (id->ver == 4)
		mbt_out_ip4(&o, id->src);
	else
		mbt_out_ip6(&o, id->src);
	if (id->l4 && (id->proto == MBT_IPP_TCP || id->proto == MBT_IPP_UDP)) {
		mbt_out_chr(&o, ':');
		mbt_out_u32(&o, id->sport);
	}
	mbt_out_str(&o, " > ");
	if (id->ver == 4)
		mbt_out_ip4(&o, id->dst);
	else
		mbt_out_ip6(&o, id->dst);
	if (id->l4 && (id->proto == MBT_IPP_TCP || id->proto == MBT_IPP_UDP)) {
		mbt_out_chr(&o, ':');
		mbt_out_u32(&o, id->dport);
	}
	mbt_out_str(&o, " ttl ");
	mbt_out_u32(&o, id->ttl);
	if (id->ver == 4) {
		mbt_out_str(&o, " id ");
		mbt_out_u32(&o, id->ip_id);
	}
	if (id->l4 && id->proto == MBT_IPP_TCP) {
		mbt_out_str(&o, " seq ");
		mbt_out_u32(&o, id->seq);
	} else if (id->l4 && (id->proto == MBT_IPP_ICMP ||
				 id->proto == MBT_IPP_ICMP6)) {
		mbt_out_str(&o, " icmp id ");
		mbt_out_u32(&o, id->dport);
		mbt_out_str(&o, " seq ");
		mbt_out_u32(&o, id->seq);
	}
	mbt_out_str(&o, " length ");
	mbt_out_u32(&o, id->totlen);
	return mbt_out_end(&o);
}
