/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What changed between two snapshots of one packet, in the header fields a
 * person follows through a stack: MACs, VLAN, addresses, ports, TTL, length.
 *
 * Field names are those of tcpdump's filter language ("ether src", "vlan",
 * "ttl") so that they read familiar.  A field is compared only when both
 * snapshots hold it: a link header stripped on the way in, or a snapshot cut
 * short, is not a change.
 */
#include <mbuftrace/packet.h>

#include "packet_parse.h"

struct mbt_diff {
	struct mbt_out *o;
	const struct mbt_pkt *a, *b;
	bool any;
};

/* Starts "name " of one change, after ", " unless it is the first. */
static void mbt_diff_field(struct mbt_diff *d, const char *name)
{
	if (d->any)
		mbt_out_str(d->o, ", ");
	d->any = true;
	mbt_out_str(d->o, name);
	mbt_out_chr(d->o, ' ');
}

static void mbt_diff_arrow(struct mbt_diff *d)
{
	mbt_out_str(d->o, " -> ");
}

static void mbt_diff_u32(
    struct mbt_diff *d, const char *name, uint32_t a, uint32_t b)
{
	if (a == b)
		return;
	mbt_diff_field(d, name);
	mbt_out_u32(d->o, a);
	mbt_diff_arrow(d);
	mbt_out_u32(d->o, b);
}

static void mbt_diff_mac(struct mbt_diff *d, const char *name, size_t off)
{
	const uint8_t *a = d->a->data + off, *b = d->b->data + off;

	if (memcmp(a, b, 6) == 0)
		return;
	mbt_diff_field(d, name);
	mbt_out_mac(d->o, a);
	mbt_diff_arrow(d);
	mbt_out_mac(d->o, b);
}

/* A tag stack as "none", "10", or outermost first "100.10". */
static void mbt_out_vlans(struct mbt_out *o, const struct mbt_pkt *p)
{
	int i;

	if (p->nvlan == 0)
		mbt_out_str(o, "none");
	for (i = 0; i < p->nvlan; i++) {
		if (i > 0)
			mbt_out_chr(o, '.');
		mbt_out_u32(o, p->vlan_tci[i] & 0x0fff);
	}
}

static bool mbt_same_vlans(const struct mbt_pkt *a, const struct mbt_pkt *b)
{
	int i;

	if (a->nvlan != b->nvlan)
		return false;
	for (i = 0; i < a->nvlan; i++)
		if ((a->vlan_tci[i] & 0x0fff) != (b->vlan_tci[i] & 0x0fff))
			return false;
	return true;
}

/* Tags are known once the frame got past them, cut or not after. */
static bool mbt_vlans_known(const struct mbt_pkt *p)
{
	return p->l2 == MBT_L2_ETHER && p->l3 != MBT_L3_NONE;
}

static void mbt_diff_link(struct mbt_diff *d)
{
	const struct mbt_pkt *a = d->a, *b = d->b;

	if (a->l2 != MBT_L2_ETHER || b->l2 != MBT_L2_ETHER)
		return;
	if (a->macs_ok && b->macs_ok) {
		mbt_diff_mac(d, "ether src", 6);
		mbt_diff_mac(d, "ether dst", 0);
	}
	if (mbt_vlans_known(a) && mbt_vlans_known(b) && !mbt_same_vlans(a, b)) {
		mbt_diff_field(d, "vlan");
		mbt_out_vlans(d->o, a);
		mbt_diff_arrow(d);
		mbt_out_vlans(d->o, b);
	}
}

static const char *mbt_l3_name(const struct mbt_pkt *p)
{
	switch (p->l3) {
	case MBT_L3_ARP:
		return "ARP";
	case MBT_L3_IP4:
		return "IP";
	case MBT_L3_IP6:
		return "IP6";
	default:
		return NULL;
	}
}

static void mbt_out_addr(
    struct mbt_out *o, const struct mbt_pkt *p, const uint8_t *addr)
{
	if (p->l3 == MBT_L3_IP6)
		mbt_out_ip6(o, addr);
	else
		mbt_out_ip4(o, addr);
}

static void mbt_diff_addr(
    struct mbt_diff *d, const char *name, const uint8_t *a, const uint8_t *b)
{
	size_t alen = d->a->l3 == MBT_L3_IP6 ? 16 : 4;

	if (d->a->l3 == d->b->l3 && memcmp(a, b, alen) == 0)
		return;
	mbt_diff_field(d, name);
	mbt_out_addr(d->o, d->a, a);
	mbt_diff_arrow(d);
	mbt_out_addr(d->o, d->b, b);
}

static void mbt_out_proto(struct mbt_out *o, uint8_t proto)
{
	const char *name = mbt_ipproto_name(proto);

	if (name != NULL) {
		mbt_out_str(o, name);
	} else {
		mbt_out_str(o, "ip-proto-");
		mbt_out_u32(o, proto);
	}
}

/* The network header; false when the transport is not comparable. */
static bool mbt_diff_net(struct mbt_diff *d)
{
	const struct mbt_pkt *a = d->a, *b = d->b;
	const char *na = mbt_l3_name(a), *nb = mbt_l3_name(b);

	if (na != NULL && nb != NULL && a->l3 != b->l3) {
		mbt_diff_field(d, "ether proto");
		mbt_out_str(d->o, na);
		mbt_diff_arrow(d);
		mbt_out_str(d->o, nb);
	}
	if (!a->ip_ok || !b->ip_ok)
		return false;
	mbt_diff_u32(d, a->l3 == MBT_L3_IP6 ? "hlim" : "ttl", a->ttl, b->ttl);
	mbt_diff_addr(d, "src", a->src, b->src);
	mbt_diff_addr(d, "dst", a->dst, b->dst);
	mbt_diff_u32(d, "len", a->ip_totlen, b->ip_totlen);
	if (a->l3 == MBT_L3_IP4 && b->l3 == MBT_L3_IP4)
		mbt_diff_u32(d, "id", a->ip_id, b->ip_id);
	if (a->proto != b->proto) {
		mbt_diff_field(d, "proto");
		mbt_out_proto(d->o, a->proto);
		mbt_diff_arrow(d);
		mbt_out_proto(d->o, b->proto);
		return false;
	}
	return a->l4_ok && b->l4_ok;
}

static void mbt_diff_transport(struct mbt_diff *d)
{
	const struct mbt_pkt *a = d->a, *b = d->b;

	if (a->ports_ok && b->ports_ok) {
		mbt_diff_u32(d, "sport", a->sport, b->sport);
		mbt_diff_u32(d, "dport", a->dport, b->dport);
	}
	/* NAT rewrites the echo id as it would a port. */
	if (a->echo_ok && b->echo_ok)
		mbt_diff_u32(d, "icmp id", a->echo_id, b->echo_id);
	if (a->tcpflags_ok && b->tcpflags_ok && a->tcpflags != b->tcpflags) {
		mbt_diff_field(d, "flags");
		mbt_out_tcpflags(d->o, a->tcpflags);
		mbt_diff_arrow(d);
		mbt_out_tcpflags(d->o, b->tcpflags);
	}
}

size_t mbt_packet_diff(uint16_t lt_a, const uint8_t *a, size_t alen,
    uint16_t lt_b, const uint8_t *b, size_t blen, char *out, size_t size)
{
	struct mbt_pkt pa, pb;
	struct mbt_out o;
	struct mbt_diff d = {&o, &pa, &pb, false};

	/* Snapshots carry no wire length of their own here: what is there is.
	 */
	mbt_pkt_parse(&pa, lt_a, a, alen, alen);
	mbt_pkt_parse(&pb, lt_b, b, blen, blen);
	mbt_out_init(&o, out, size);
	mbt_diff_link(&d);
	if (mbt_diff_net(&d))
		mbt_diff_transport(&d);
	return mbt_out_end(&o);
}
