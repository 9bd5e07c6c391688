/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Which packet a path is about: its first snapshot, and the flow that
 * snapshot belongs to, so that `mbuftrace diff` can compare each packet
 * with what the other packets of its flow did.
 */
#include "mbuftrace/path.h"
#include "packet_parse.h"

bool
mbt_path_snapshot(const struct mbt_trace *t, uint16_t *linktype,
    const uint8_t **data, uint32_t *caplen, uint32_t *wirelen)
{
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (r->has_packet) {
			*linktype = r->linktype;
			*data = r->pkt;
			*caplen = r->pkt_len;
			*wirelen =
			    r->orig_len > r->pkt_len ? r->orig_len : r->pkt_len;
			return true;
		}
	}
	if (t->tail != NULL && t->tail_orig_len > 0) {
		*linktype = t->tail_linktype;
		*data = t->tail;
		*caplen = t->tail_len;
		*wirelen = t->tail_orig_len;
		return true;
	}
	return false;
}

static void
put_addr(struct mbt_out *o, const struct mbt_pkt *p, const uint8_t *a)
{
	if (p->l3 == MBT_L3_IP4)
		mbt_out_ip4(o, a);
	else
		mbt_out_ip6(o, a);
}

size_t
mbt_path_flow(const struct mbt_trace *t, char *buf, size_t size)
{
	struct mbt_out o;
	struct mbt_pkt p;
	uint16_t lt;
	const uint8_t *data;
	uint32_t caplen, wirelen;

	mbt_out_init(&o, buf, size);
	if (!mbt_path_snapshot(t, &lt, &data, &caplen, &wirelen)) {
		mbt_out_str(&o, "(no packet)");
		return mbt_out_end(&o);
	}
	mbt_pkt_parse(&p, lt, data, caplen, wirelen);
	if (p.l3 == MBT_L3_ARP) {
		mbt_out_str(&o, "ARP");
		return mbt_out_end(&o);
	}
	if (!p.ip_ok) {
		mbt_out_str(&o, "(not IP)");
		return mbt_out_end(&o);
	}
	if (mbt_ipproto_name(p.proto) != NULL) {
		mbt_out_str(&o, mbt_ipproto_name(p.proto));
	} else {
		mbt_out_str(&o, "ip-proto-");
		mbt_out_u32(&o, p.proto);
	}
	mbt_out_chr(&o, ' ');
	put_addr(&o, &p, p.src);
	if (p.ports_ok) {
		mbt_out_chr(&o, ':');
		mbt_out_u32(&o, p.sport);
	}
	mbt_out_str(&o, " > ");
	put_addr(&o, &p, p.dst);
	if (p.ports_ok) {
		mbt_out_chr(&o, ':');
		mbt_out_u32(&o, p.dport);
	}
	if (p.echo_ok) {
		mbt_out_str(&o, " id ");
		mbt_out_u32(&o, p.echo_id);
	}
	return mbt_out_end(&o);
}
