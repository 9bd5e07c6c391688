/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Typed values (the v3 VALUES attribute): encoded, decoded, every fault,
 * what a reader skips, and the words lib/record_text.c makes of them.
 */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "mbuftrace/mbuftrace.h"

static uint8_t buf[4096];

static struct mbt_str
S(const char *s) {
	struct mbt_str r = {s, (uint16_t)strlen(s)};

	return r;
}

static const char *
text_of(const struct mbt_record *r)
{
	static char line[512];

	mbt_record_text(r, line, sizeof(line));
	return line;
}

static const struct mbt_v3_info info = {.trace_id = 1,
    .origin = MBT_ORIGIN_LINUX,
    .tail_linktype = MBT_LINKTYPE_NONE};

/* Encode r alone, decode it into t; the decoder's return. */
static int
round_trip(const struct mbt_record *r, struct mbt_trace *t)
{
	struct mbt_encoder e;
	int n;

	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	mbt_enc_event(&e, r);
	n = mbt_enc_finish(&e, 0, 0);
	if (n < 0)
		return n;
	return mbt_decode(buf, (size_t)n, (size_t)n, t);
}

/* A point record named func with the values added by the caller. */
static void
point(struct mbt_record *r, const char *func)
{
	memset(r, 0, sizeof(*r));
	r->kind = MBT_KIND_POINT;
	r->has_src = true;
	r->func = S(func);
}

/* Words of r after a round trip through the encoder and the decoder. */
static const char *
words(const struct mbt_record *r)
{
	static struct mbt_trace t;
	static bool init;

	if (!init) {
		mbt_trace_init(&t);
		init = true;
	}
	if (round_trip(r, &t) != 0 || t.nrecords != 1)
		return "(did not decode)";
	return text_of(&t.records[0]);
}

static void
test_words(void)
{
	struct mbt_record r;
	const uint8_t v4[4] = {10, 0, 3, 3};
	uint8_t v6[16] = {0xfe, 0x80};

	point(&r, "net_dev_xmit");
	mbt_record_add_int(&r, MBT_VAL_RC, 0);
	mbt_record_add_str(&r, MBT_VAL_DEV_KIND, S("veth"));
	CHECK_STR(words(&r), "net_dev_xmit rc 0 to veth");
	point(&r, "qdisc_enqueue");
	mbt_record_add_int(&r, MBT_VAL_QDISC_HANDLE, 0x10000);
	CHECK_STR(words(&r), "qdisc_enqueue qdisc 1:0");
	point(&r, "qdisc_dequeue");
	mbt_record_add_int(&r, MBT_VAL_QDISC_HANDLE, 0xffff0001u);
	CHECK_STR(words(&r), "qdisc_dequeue qdisc ffff:1");
	point(&r, "icmp_send");
	mbt_record_add_int(&r, MBT_VAL_ICMP_TYPE, 3);
	mbt_record_add_int(&r, MBT_VAL_ICMP_CODE, 1);
	CHECK_STR(words(&r), "icmp_send icmp type 3 code 1");
	point(&r, "neigh_event_send");
	mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 4, v4);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_STATE, 1);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_QUEUED, 1);
	CHECK_STR(words(&r), "neigh_event_send neighbour 10.0.3.3 INCOMPLETE: "
			     "queued until it resolves");
	point(&r, "neigh_event_send");
	mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 6, v6);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_STATE, 0x08);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_QUEUED, 0);
	CHECK_STR(words(&r),
	    "neigh_event_send neighbour fe80:: DELAY: sent, to be confirmed");
	point(&r, "neigh_event_send");
	mbt_record_add_int(&r, MBT_VAL_NEIGH_STATE, 0);
	CHECK_STR(words(&r),
	    "neigh_event_send neighbour ? NONE: sent, to be confirmed");
	point(&r, "function");
	r.detail = MBT_POINT_LEAVE;
	mbt_record_add_int(&r, MBT_VAL_RETURN, -22);
	mbt_record_add_str(&r, MBT_VAL_RETURN_NAME, S("EINVAL"));
	CHECK_STR(words(&r), "function returned -22 (EINVAL)");
	point(&r, "function");
	r.detail = MBT_POINT_LEAVE;
	mbt_record_add_int(&r, MBT_VAL_RETURN, 1);
	CHECK_STR(words(&r), "function returned 1");
	r.kind = MBT_KIND_END;
	r.detail = MBT_END_DELIVERED;
	r.nvalues = 0;
	r.func = S("sk_data_ready");
	mbt_record_add_int(&r, MBT_VAL_SOCK_TAP, 0);
	mbt_record_add_int(&r, MBT_VAL_SOCK_TYPE, 2);
	CHECK_STR(words(&r), "sk_data_ready end delivered queued to a socket");
	r.values[1].num = 3;
	CHECK_STR(
	    words(&r), "sk_data_ready end delivered queued to a raw socket");
	r.values[0].num = 1;
	CHECK_STR(words(&r), "sk_data_ready end delivered copied to a packet "
			     "socket (a capture tap)");
	r.nvalues = 0;
	r.func = S("skb_copy_datagram_iovec");
	mbt_record_add_int(&r, MBT_VAL_BYTES, 64);
	mbt_record_add_int(&r, MBT_VAL_PID, 4321);
	CHECK_STR(words(&r), "skb_copy_datagram_iovec end delivered 64 bytes "
			     "read by pid 4321");
	/* Values and a text: the values' words first. */
	r.text = S("at x+0x4 (y)");
	CHECK_STR(words(&r), "skb_copy_datagram_iovec end delivered 64 bytes "
			     "read by pid 4321 at x+0x4 (y)");
	memset(&r, 0, sizeof(r));
	r.kind = MBT_KIND_COPY;
	r.has_related = true;
	r.related_id = 0x42;
	mbt_record_add_int(&r, MBT_VAL_COPY_HOW, MBT_COPY_SEGMENT);
	mbt_record_add_str(&r, MBT_VAL_SEEN_AT, S("netif_receive_skb"));
	CHECK_STR(words(&r), "copy to trace 0x42 a fragment or segment made "
			     "from it, first seen at netif_receive_skb");
	memset(&r, 0, sizeof(r));
	r.kind = MBT_KIND_ROUTE;
	r.has_route = true;
	r.route_table = 255;
	r.route_error = -11;
	mbt_record_add_int(&r, MBT_VAL_ROUTE_NEXT, 1);
	CHECK_STR(words(&r),
	    "route error -11 no match in table 255: on to the next rule");
	/* Two phrases in one record: "; " between them. */
	point(&r, "x");
	mbt_record_add_int(&r, MBT_VAL_RCVQ_FULL, 1);
	mbt_record_add_int(&r, MBT_VAL_GRO_MERGED, 3);
	CHECK_STR(words(&r), "x socket receive queue full; by GRO, merged into "
			     "the packet before it");
}

static void
test_round_trip(void)
{
	struct mbt_record r;
	struct mbt_trace t;
	const int64_t nums[] = {0, -1, 127, -128, 128, 32767, -32769,
	    0x7fffffffLL, 0xffffffffLL, INT64_MIN, INT64_MAX};
	const uint8_t v6[16] = {0x20, 0x01, 0x0d, 0xb8, [15] = 1};

	mbt_trace_init(&t);
	for (size_t i = 0; i < sizeof(nums) / sizeof(nums[0]); i++) {
		point(&r, "p");
		mbt_record_add_int(&r, MBT_VAL_RETURN, nums[i]);
		CHECK(round_trip(&r, &t) == 0 && t.nrecords == 1);
		CHECK(t.records[0].nvalues == 1 &&
		      t.records[0].values[0].key == MBT_VAL_RETURN &&
		      t.records[0].values[0].type == MBT_VT_INT &&
		      t.records[0].values[0].num == nums[i]);
	}
	point(&r, "p");
	CHECK(mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 6, v6));
	CHECK(mbt_record_add_str(&r, MBT_VAL_DEV_KIND, S("bridge")));
	CHECK(!mbt_record_add_int(&r, MBT_VAL_DEV_KIND, 1)); /* key twice */
	CHECK(!mbt_record_add_str(&r, MBT_VAL_SEEN_AT, S("")));
	CHECK(!mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 5, v6));
	CHECK(round_trip(&r, &t) == 0 && t.records[0].nvalues == 2);
	CHECK(t.records[0].values[0].family == 6 &&
	      memcmp(t.records[0].values[0].addr, v6, 16) == 0);
	CHECK(t.records[0].values[1].str.len == 6 &&
	      memcmp(t.records[0].values[1].str.ptr, "bridge", 6) == 0);
	CHECK(mbt_record_value(&t.records[0], MBT_VAL_DEV_KIND) ==
	      &t.records[0].values[1]);
	CHECK(mbt_record_value(&t.records[0], MBT_VAL_PID) == NULL);
	/* The string is in the trace's table once, shared. */
	CHECK(t.unknown_skipped == 0);
	/* Full: the ninth value is refused. */
	point(&r, "p");
	for (uint16_t k = 1; k <= MBT_MAX_VALUES; k++)
		CHECK(mbt_record_add_int(&r, (uint16_t)(100 + k), k));
	CHECK(!mbt_record_add_int(&r, 200, 1));
	CHECK(
	    round_trip(&r, &t) == 0 && t.records[0].nvalues == MBT_MAX_VALUES);
	/* Keys this reader does not know are kept, and have no words. */
	CHECK(mbt_value_name(101) == NULL && mbt_value_type(101) == 0);
	CHECK_STR(text_of(&t.records[0]), "p");
	CHECK_STR(mbt_value_name(MBT_VAL_QDISC_HANDLE), "qdisc_handle");
	CHECK(mbt_value_type(MBT_VAL_NEIGH_ADDR) == MBT_VT_ADDR);
	mbt_trace_free(&t);
}

/*
 * A trace of one EVENT (a point, no time, no CPU) whose attributes are
 * attrs, after a STRING "veth" (id 1); returns its length.
 */
static size_t
event_with(const uint8_t *attrs, size_t alen)
{
	struct mbt_encoder e;
	uint8_t *p;

	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	p = buf + e.len;
	memcpy(p, "\0\x01\0\x06\0\x01veth", 10);
	p += 10;
	p[0] = 0;
	p[1] = MBT_V3_REC_EVENT;
	p[2] = (uint8_t)((12 + alen) >> 8);
	p[3] = (uint8_t)(12 + alen);
	memset(p + 4, 0xff, 12);
	p[4] = MBT_KIND_POINT;
	p[5] = 0;
	memcpy(p + 16, attrs, alen);
	e.len += 10 + 16 + alen;
	return (size_t)mbt_enc_finish(&e, 0, 0);
}

struct vfault {
	const char *what;
	uint8_t attrs[40];
	size_t len;
	const char *msg; /* NULL: decodes */
};

static void
test_faults(void)
{
	static const struct vfault faults[] = {
	    {"a good one", {0, 11, 0, 5, 0, 6, 1, 1, 3}, 9, NULL},
	    {"key 0", {0, 11, 0, 5, 0, 0, 1, 1, 3}, 9, "key 0"},
	    {"INT of 3 bytes", {0, 11, 0, 7, 0, 6, 1, 3, 0, 0, 3}, 11,
		"has 3 bytes"},
	    {"ADDR of 5 bytes", {0, 11, 0, 9, 0, 8, 3, 5, 1, 2, 3, 4, 5}, 13,
		"has 5 bytes"},
	    {"STRING of 1 byte", {0, 11, 0, 5, 0, 4, 2, 1, 1}, 9,
		"has 1 bytes"},
	    {"STRING not defined", {0, 11, 0, 6, 0, 4, 2, 2, 0, 9}, 10,
		"string id 9"},
	    {"a key twice", {0, 11, 0, 10, 0, 6, 1, 1, 3, 0, 6, 1, 1, 4}, 14,
		"appears twice"},
	    {"value past VALUES", {0, 11, 0, 5, 0, 6, 1, 2, 3}, 9,
		"runs past the end of VALUES"},
	    {"value header cut", {0, 11, 0, 3, 0, 6, 1}, 7, "header cut"},
	    {"VALUES twice", {0, 11, 0, 0, 0, 11, 0, 0}, 8, "appears twice"},
	};
	struct mbt_trace t;

	mbt_trace_init(&t);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		const struct vfault *f = &faults[i];
		size_t n = event_with(f->attrs, f->len);
		int rc = mbt_decode(buf, n, n, &t);

		if (f->msg == NULL) {
			CHECK(rc == 0 && t.nrecords == 1);
			continue;
		}
		CHECK(rc == -EINVAL && t.error.kind == MBT_ERR_MALFORMED);
		CHECK(t.nrecords == 0); /* only whole records */
		if (strstr(t.error.what, f->msg) == NULL)
			fprintf(stderr, "%s: \"%s\"\n", f->what, t.error.what);
		CHECK(strstr(t.error.what, f->msg) != NULL);
	}
	mbt_trace_free(&t);
}

/* What a reader skips, and counts: a type it does not know, a 9th value. */
static void
test_skipped(void)
{
	uint8_t a[4 + 9 * 5] = {0, 11, 0, 9 * 5};
	struct mbt_trace t;
	size_t n;

	/* type 9 (unknown), 3 bytes; then the STRING veth as DEV_KIND */
	static const uint8_t unknown[] = {
	    0, 11, 0, 13, 0, 50, 9, 3, 1, 2, 3, 0, 4, 2, 2, 0, 1};
	mbt_trace_init(&t);
	n = event_with(unknown, sizeof(unknown));
	CHECK(mbt_decode(buf, n, n, &t) == 0 && t.nrecords == 1);
	CHECK(t.unknown_skipped == 1 && t.records[0].nvalues == 1);
	CHECK(t.records[0].values[0].str.len == 4);
	/* Nine INT values of one byte: the ninth is skipped. */
	for (int i = 0; i < 9; i++) {
		uint8_t *v = a + 4 + i * 5;

		v[0] = 0;
		v[1] = (uint8_t)(100 + i);
		v[2] = MBT_VT_INT;
		v[3] = 1;
		v[4] = (uint8_t)i;
	}
	n = event_with(a, sizeof(a));
	CHECK(mbt_decode(buf, n, n, &t) == 0);
	CHECK(t.records[0].nvalues == MBT_MAX_VALUES && t.unknown_skipped == 1);
	mbt_trace_free(&t);
}

int
main(void)
{
	test_words();
	test_round_trip();
	test_faults();
	test_skipped();
	return check_summary("test_values");
}
