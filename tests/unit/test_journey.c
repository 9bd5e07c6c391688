/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Journeys: when two snapshots are one packet on a wire, when hosts'
 * traces are joined or refused, and what the joins say about the clocks.
 */
#include <stdint.h>
#include <string.h>

#include "check.h"
#include "mbuftrace/journey.h"

/* Raw IPv4 ICMP echo request, 10.0.0.1 > 10.0.0.2, 16 data bytes. */
static size_t
icmp(uint8_t *p, uint8_t ttl, uint16_t seq, uint8_t data0)
{
	static const uint8_t head[] = {0x45, 0, 0, 44, 0x12, 0x34, 0, 0, 64,
	    1, 0, 0, 10, 0, 0, 1, 10, 0, 0, 2, 8, 0, 0, 0, 0, 7, 0, 0};

	memcpy(p, head, sizeof(head));
	p[8] = ttl;
	p[26] = (uint8_t)(seq >> 8);
	p[27] = (uint8_t)seq;
	for (int i = 0; i < 16; i++)
		p[28 + i] = (uint8_t)(data0 + i);
	return 44;
}

static void
test_wire_id(void)
{
	uint8_t a[64], b[64];
	struct mbt_wire_id x, y;
	char text[160];

	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, a, icmp(a, 64, 1, 0), 44, &x));
	icmp(b, 64, 1, 0);
	b[10] = 0xbe; /* the checksum is no part of it */
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 44, 44, &y));
	CHECK(mbt_wire_id_same(&x, &y));
	mbt_wire_id_text(&x, text, sizeof(text));
	CHECK_STR(text, "ICMP 10.0.0.1 > 10.0.0.2 ttl 64 id 4660 icmp id 7 "
			"seq 1 length 44");
	/* A snapshot cut in the payload agrees on what it has... */
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 30, 44, &y));
	CHECK(mbt_wire_id_same(&x, &y) && y.payload_len == 2);
	/* ...and one cut before the ICMP header on the rest. */
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 20, 44, &y) && !y.l4);
	CHECK(mbt_wire_id_same(&x, &y));
	/* A router's hop, another echo, other data: other packets. */
	icmp(b, 63, 1, 0);
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 44, 44, &y));
	CHECK(!mbt_wire_id_same(&x, &y));
	icmp(b, 64, 2, 0);
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 44, 44, &y));
	CHECK(!mbt_wire_id_same(&x, &y));
	icmp(b, 64, 1, 9);
	CHECK(mbt_wire_id_get(MBT_LINKTYPE_RAW, b, 44, 44, &y));
	CHECK(!mbt_wire_id_same(&x, &y));
	/* Not IP: no identity. */
	CHECK(!mbt_wire_id_get(MBT_LINKTYPE_RAW, a, 10, 44, &y));
}

/* A v3 trace of one snapshot and an end, started at start_ns; a copy of
 * trace parent when that is not 0. */
static size_t
trace(uint8_t *buf, uint64_t id, uint64_t parent, uint64_t start_ns,
    const uint8_t *pkt, size_t len, uint8_t end)
{
	struct mbt_v3_info info = {.trace_id = id,
	    .parent_id = parent,
	    .start_ns = start_ns,
	    .origin = MBT_ORIGIN_LINUX,
	    .tail_linktype = MBT_LINKTYPE_NONE};
	static struct mbt_encoder e;
	struct mbt_record r = {.kind = MBT_KIND_PACKET, .has_time = true};

	mbt_enc_begin(&e, buf, 1024, &info);
	r.has_packet = true;
	r.linktype = MBT_LINKTYPE_RAW;
	r.pkt = pkt;
	r.pkt_len = r.orig_len = (uint32_t)len;
	mbt_enc_event(&e, &r);
	memset(&r, 0, sizeof(r));
	r.kind = MBT_KIND_END;
	r.detail = end;
	r.has_time = true;
	r.time_ns = 1000;
	mbt_enc_event(&e, &r);
	return (size_t)mbt_enc_finish(&e, 0, 0);
}

static void
add_trace(struct mbt_journeys *j, size_t host, uint64_t frame, uint64_t parent,
    uint64_t start, const uint8_t *pkt, uint8_t end)
{
	uint8_t buf[1024];
	size_t n = trace(buf, 100 * host + frame, parent, start, pkt, 44, end);

	CHECK(mbt_journeys_add(
		  j, host, frame, 0, buf, (uint32_t)n, (uint32_t)n) == 0);
}

static void
add(struct mbt_journeys *j, size_t host, uint64_t frame, uint64_t start,
    const uint8_t *pkt, uint8_t end)
{
	add_trace(j, host, frame, 0, start, pkt, end);
}

/* b's clock is 5 s ahead of a's; requests take 100 us, replies 300 us. */
static void
test_clocks(void)
{
	const uint64_t T = 1767132000000000000ull, AHEAD = 5000000000ull;
	uint8_t req[64], rep[64];
	struct mbt_journeys j;

	icmp(req, 64, 1, 0);
	icmp(rep, 64, 1, 0);
	rep[12] = 10, rep[15] = 2, rep[19] = 1; /* 10.0.0.2 > 10.0.0.1 */
	mbt_journeys_init(&j);
	CHECK(mbt_journeys_host(&j, "a") == 0 && mbt_journeys_host(&j, "b") == 1);
	add(&j, 0, 1, T, req, MBT_END_SENT); /* leaves at T + 1000 */
	add(&j, 1, 1, T + 101000 + AHEAD, req, MBT_END_DELIVERED);
	CHECK(mbt_journeys_solve(&j) == 0);
	CHECK(j.pairs == 1 && j.hops[0].next == 1 && j.hops[1].prev == 0);
	/* One way only: the least offset, arriving as it left; unbounded. */
	CHECK(j.hosts[1].offset_ns == -(int64_t)AHEAD - 100000);
	CHECK(j.hosts[1].error_ns == MBT_CLOCK_UNBOUNDED);
	mbt_journeys_free(&j);

	mbt_journeys_init(&j);
	mbt_journeys_host(&j, "a");
	mbt_journeys_host(&j, "b");
	add(&j, 0, 1, T, req, MBT_END_SENT);
	add(&j, 1, 1, T + 101000 + AHEAD, req, MBT_END_DELIVERED);
	add(&j, 1, 2, T + 200000 + AHEAD, rep, MBT_END_SENT);
	add(&j, 0, 2, T + 501000, rep, MBT_END_DELIVERED);
	CHECK(mbt_journeys_solve(&j) == 0 && j.pairs == 2);
	/* Between -5.000100 and -4.999700 s: the middle, half the width. */
	CHECK(j.hosts[1].offset_ns == -(int64_t)AHEAD + 100000);
	CHECK(j.hosts[1].error_ns == 200000);
	CHECK(!j.hosts[1].inconsistent);
	mbt_journeys_free(&j);
}

static void
test_refused(void)
{
	uint8_t req[64];
	struct mbt_journeys j;

	icmp(req, 64, 1, 0);
	mbt_journeys_init(&j);
	mbt_journeys_host(&j, "a");
	mbt_journeys_host(&j, "b");
	add(&j, 0, 1, 1000, req, MBT_END_SENT);
	add(&j, 1, 1, 2000, req, MBT_END_DELIVERED);
	add(&j, 1, 2, 3000, req, MBT_END_DELIVERED);
	CHECK(mbt_journeys_solve(&j) == 0);
	CHECK(j.pairs == 0 && j.nrefusals == 1);
	CHECK(j.refusals[0].hop == 0 && j.refusals[0].leaving &&
	      j.refusals[0].nothers == 2);
	/* A packet that did not leave its host is no candidate. */
	mbt_journeys_free(&j);
	mbt_journeys_init(&j);
	mbt_journeys_host(&j, "a");
	mbt_journeys_host(&j, "b");
	add(&j, 0, 1, 1000, req, MBT_END_DROPPED);
	add(&j, 1, 1, 2000, req, MBT_END_DELIVERED);
	CHECK(mbt_journeys_solve(&j) == 0 && j.pairs == 0);
	mbt_journeys_free(&j);
	/* A copy made where it arrived (a raw socket's, a capture tap's)
	 * looks the same but did not cross the wire: the original is
	 * joined, nothing refused. */
	mbt_journeys_init(&j);
	mbt_journeys_host(&j, "a");
	mbt_journeys_host(&j, "b");
	add(&j, 0, 1, 1000, req, MBT_END_SENT);
	add(&j, 1, 1, 2000, req, MBT_END_DROPPED);
	add_trace(&j, 1, 2, 101, 2500, req, MBT_END_DELIVERED);
	CHECK(mbt_journeys_solve(&j) == 0);
	CHECK(j.pairs == 1 && j.nrefusals == 0 && j.hops[0].next == 1);
	mbt_journeys_free(&j);
}

int
main(void)
{
	test_wire_id();
	test_clocks();
	test_refused();
	return check_summary("test_journey");
}
