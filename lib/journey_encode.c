/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A joined journey written as one v3 trace: the hops' records in order,
 * each naming its host (a HOST attribute), their times moved onto the
 * journey's one clock, and an IFACE event where each host's part starts
 * that says how its clock was moved and which of its traces this was.
 */
#include <errno.h>
#include <string.h>

#include "mbuftrace/journey.h"

static struct mbt_str
str_of(const char *s)
{
	return (struct mbt_str){s, (uint16_t)strnlen(s, MBT_HOST_NAME)};
}

/* The journey's start: the earliest arrival on the one clock. */
static int64_t
journey_start(const struct mbt_journeys *j, size_t first, size_t *nhops)
{
	int64_t start = 0;
	size_t n = 0;

	for (size_t h = first; h != SIZE_MAX && n < j->nhops;
	     h = j->hops[h].next, n++) {
		int64_t t = mbt_hop_time(j, &j->hops[h], j->hops[h].first_ns);

		start = n == 0 || t < start ? t : start;
	}
	*nhops = n;
	return start;
}

/* Where a host's part starts: its host, clock and own trace id. */
static void
hop_event(const struct mbt_journeys *j, const struct mbt_hop *h,
    int64_t start, struct mbt_record *r)
{
	const struct mbt_host *host = &j->hosts[h->host];

	memset(r, 0, sizeof(*r));
	r->kind = MBT_KIND_IFACE;
	r->has_time = true;
	r->time_ns = (uint64_t)(mbt_hop_time(j, h, h->first_ns) - start);
	r->has_host = r->has_clock = true;
	r->host = str_of(host->name);
	r->clock_offset_ns = host->offset_ns;
	r->clock_error_ns = host->error_ns;
	r->has_related = h->t.trace_id != 0;
	r->related_id = h->t.trace_id;
	/* Where it came in: the first record that says. */
	for (size_t i = 0; i < h->t.nrecords; i++) {
		const struct mbt_record *x = &h->t.records[i];

		if (!r->has_iface && x->has_iface) {
			r->has_iface = true;
			r->ifindex = x->ifindex;
			r->ifname = x->ifname;
		}
		if (!r->has_ns && x->has_ns) {
			r->has_ns = true;
			r->ns_id = x->ns_id;
			r->ns_name = x->ns_name;
		}
	}
}

static void
hop_records(struct mbt_encoder *e, const struct mbt_journeys *j,
    const struct mbt_hop *h, int64_t start, bool last)
{
	const struct mbt_trace *t = &h->t;
	struct mbt_str host = str_of(j->hosts[h->host].name);
	struct mbt_record r;

	hop_event(j, h, start, &r);
	mbt_enc_event(e, &r);
	for (size_t i = 0; i < t->nrecords; i++) {
		r = t->records[i];
		r.has_host = true;
		r.host = host;
		r.has_clock = false;
		/* Times since an unknown start cannot be put on any clock. */
		r.has_time = r.has_time && h->timed;
		if (r.has_time)
			r.time_ns = (uint64_t)(mbt_hop_time(j, h,
						   (int64_t)(t->start_ns +
							     r.time_ns)) -
					       start);
		mbt_enc_event(e, &r);
	}
	/* The packet as it left this host, when it is not the journey's
	 * tail. */
	if (!last && t->tail != NULL && t->tail_orig_len > 0) {
		memset(&r, 0, sizeof(r));
		r.kind = MBT_KIND_PACKET;
		r.has_host = true;
		r.host = host;
		r.has_time = h->timed;
		r.time_ns = (uint64_t)(mbt_hop_time(j, h, h->last_ns) - start);
		r.has_packet = true;
		r.linktype = t->tail_linktype;
		r.orig_len = t->tail_orig_len;
		r.pkt = t->tail;
		r.pkt_len = t->tail_len;
		mbt_enc_event(e, &r);
	}
}

int
mbt_journey_encode(const struct mbt_journeys *j, size_t first, uint8_t *buf,
    size_t cap, struct mbt_journey_out *out)
{
	const struct mbt_hop *h0 = &j->hops[first], *last = h0;
	struct mbt_v3_info info = {0};
	static _Thread_local struct mbt_encoder e;
	uint16_t flags = 0;
	uint32_t lost = 0;
	size_t n = 0, nhops;
	int64_t start = journey_start(j, first, &nhops);
	int len;

	if (cap < MBT_JOURNEY_BUF)
		return -ENOSPC;
	info.trace_id = h0->t.trace_id != 0
			    ? h0->t.trace_id
			    : (uint64_t)(h0->host + 1) << 48 | h0->frame;
	info.parent_id =
	    h0->t.parent_id != info.trace_id ? h0->t.parent_id : 0;
	info.start_ns = (uint64_t)start;
	info.origin = h0->t.origin;
	for (size_t h = first; h != SIZE_MAX && n < nhops;
	     h = j->hops[h].next, n++) {
		last = &j->hops[h];
		if (last->t.error.kind != MBT_OK)
			return -EINVAL;
		if (last->t.origin != info.origin)
			info.origin = MBT_ORIGIN_UNKNOWN; /* a mixed journey */
	}
	info.tail_linktype =
	    last->t.tail != NULL ? last->t.tail_linktype : MBT_LINKTYPE_NONE;
	mbt_enc_begin(&e, buf, MBT_V3_MAX_TRACE_LEN, &info);
	n = 0;
	for (size_t h = first; h != SIZE_MAX && n < nhops;
	     h = j->hops[h].next, n++) {
		const struct mbt_hop *hop = &j->hops[h];

		hop_records(&e, j, hop, start, hop == last);
		flags |= hop->t.flags & MBT_V3_F_TRUNCATED;
		lost = lost > UINT32_MAX - hop->t.lost ? UINT32_MAX
						       : lost + hop->t.lost;
		if (hop->t.flags & MBT_V3_F_LOST)
			flags |= MBT_V3_F_LOST;
	}
	len = mbt_enc_finish(&e, flags, lost);
	if (len < 0)
		return len;
	out->caplen = out->wirelen = (uint32_t)len;
	if (last->t.tail != NULL) {
		memcpy(buf + len, last->t.tail, last->t.tail_len);
		out->caplen += last->t.tail_len;
		out->wirelen += last->t.tail_orig_len;
	}
	out->start_ns = start;
	out->end_ns = mbt_hop_time(j, last, last->last_ns);
	out->nhops = nhops;
	return 0;
}
