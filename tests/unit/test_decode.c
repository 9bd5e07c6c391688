/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the decoder and encoders: every format, every fault. */
#include <errno.h>
#include <stdlib.h>

#include "check.h"
#include "mbuftrace/mbuftrace.h"

static uint8_t buf[70000];

static struct mbt_str
S(const char *s) {
	struct mbt_str r = {s, (uint16_t)strlen(s)};

	return r;
}

static int
str_eq(struct mbt_str s, const char *want)
{
	return s.len == strlen(want) &&
	       (s.len == 0 || memcmp(s.ptr, want, s.len) == 0);
}

/* Where s occurs first in b[from..n), or SIZE_MAX (memmem() is not POSIX). */
static size_t
find(const uint8_t *b, size_t n, size_t from, const char *s)
{
	size_t len = strlen(s);

	for (size_t i = from; i + len <= n; i++)
		if (memcmp(b + i, s, len) == 0)
			return i;
	return SIZE_MAX;
}

static const char *
text_of(const struct mbt_record *r)
{
	static char line[512];

	mbt_record_text(r, line, sizeof(line));
	return line;
}

static const uint8_t frame[42] = {
    0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 2, 0, 0, 0, 0, 1, 0x08, 0x06};

static void
test_v2_oldest_first(void)
{
	struct mbt_v2_item items[] = {
	    {.pkt = frame, .pktlen = sizeof(frame)},
	    {.text = "/usr/src/sys/net/if.c:3982: IFQ_HANDOFF_ADJ(vtnet0)"},
	    {.text = "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)"},
	};
	struct mbt_trace t;
	int n = mbt_enc_v2(buf, sizeof(buf), items, 3);

	mbt_trace_init(&t);
	/* Stored newest first: the last item's string comes right after the count. */
	CHECK(n > 0 && buf[1] == 3 && buf[5] == 1);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V2 && t.nrecords == 3);
	CHECK(
	    t.records[0].kind == MBT_KIND_PACKET && t.records[0].pkt_len == 42);
	CHECK(t.records[0].linktype == MBT_LINKTYPE_ETHERNET);
	CHECK(str_eq(t.records[1].func, "IFQ_HANDOFF_ADJ"));
	CHECK(str_eq(t.records[1].file, "/usr/src/sys/net/if.c"));
	CHECK(t.records[1].line == 3982);
	CHECK_STR(text_of(&t.records[2]),
	    "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)");
	CHECK(t.tail == NULL);
	mbt_trace_free(&t);
}

/* The early v2 layout: packets type 1, strings types 2 and 3. */
static void
test_v2_early(void)
{
	struct mbt_v2_item items[] = {
	    {.pkt = frame, .pktlen = sizeof(frame)},
	    {.text = "/usr/src/sys/net/if.c:3982: IFQ_HANDOFF_ADJ(vtnet0)"},
	    {.text = "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)",
		.alt = true},
	};
	struct mbt_trace t;
	int n = mbt_enc_v2_early(buf, sizeof(buf), items, 3);

	mbt_trace_init(&t);
	/* Newest first: the type 3 string, then type 2, then the packet. */
	CHECK(n > 0 && buf[5] == 3 && buf[2 + 4 + 47 + 3] == 2);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V2_EARLY && t.nrecords == 3);
	CHECK_STR(mbt_format_name(t.format), "v2");
	CHECK_STR(mbt_layout_name(t.format), "v2-early");
	CHECK(t.records[0].kind == MBT_KIND_PACKET &&
	      t.records[0].pkt_len == sizeof(frame) &&
	      t.records[0].linktype == MBT_LINKTYPE_ETHERNET);
	CHECK(str_eq(t.records[1].func, "IFQ_HANDOFF_ADJ"));
	CHECK_STR(text_of(&t.records[2]),
	    "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)");
	CHECK(t.tail == NULL);

	/* Cut by the capture: still the early layout, truncated. */
	CHECK(mbt_decode(buf, 60, (size_t)n, &t) == -EINVAL);
	CHECK(t.format == MBT_FORMAT_V2_EARLY &&
	      t.error.kind == MBT_ERR_TRUNCATED && t.nrecords == 1);
	CHECK(t.error.record == 1 && t.error.offset == 2 + 4 + 47);
	mbt_trace_free(&t);
}

/* Type 1 alone: text is the later layout, Ethernet frames the early one. */
static void
test_v2_type1_by_content(void)
{
	static const uint8_t runt[13] = {1, 2, 3};
	struct mbt_v2_item text[] = {{.text = "/usr/src/sys/net/if.c:1: a"}};
	struct mbt_v2_item eth[] = {{.pkt = frame, .pktlen = sizeof(frame)}};
	struct mbt_v2_item bad[] = {{.pkt = runt, .pktlen = sizeof(runt)}};
	struct mbt_trace t;
	int n;

	mbt_trace_init(&t);
	n = mbt_enc_v2(buf, sizeof(buf), text, 1);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V2 && t.records[0].kind == MBT_KIND_POINT);
	n = mbt_enc_v2_early(buf, sizeof(buf), eth, 1);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V2_EARLY &&
	      t.records[0].kind == MBT_KIND_PACKET);
	/* An Ethernet type between 1501 and 1535 is neither: a bad string. */
	n = mbt_enc_v2_early(buf, sizeof(buf), eth, 1);
	buf[6 + 12] = 0x05;
	buf[6 + 13] = 0xe0;
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == -EINVAL);
	CHECK(t.format == MBT_FORMAT_V2 && t.error.kind == MBT_ERR_MALFORMED);
	/* Too short for Ethernet and not text: the later layout's fault. */
	n = mbt_enc_v2_early(buf, sizeof(buf), bad, 1);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == -EINVAL);
	CHECK(t.format == MBT_FORMAT_V2 && t.error.kind == MBT_ERR_MALFORMED);
	/* No record at all: the later layout. */
	CHECK(mbt_decode((const uint8_t *)"\0\0", 2, 2, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V2 && t.nrecords == 0);
	/* Types 0 and 2 together: neither v2, and not v1 either. */
	memcpy(buf,
	    "\x00\x02\x00\x03\x00\x02"
	    "ab\0"
	    "\x00\x00\x00\x00",
	    13);
	CHECK(mbt_decode(buf, 13, 13, &t) == -EINVAL);
	CHECK(t.format == MBT_FORMAT_UNKNOWN &&
	      strstr(t.error.what, "mix the two v2 layouts") != NULL);
	mbt_trace_free(&t);
}

static void
test_v1_both_byte_orders(void)
{
	static const char *const texts[] = {
	    "/usr/src/sys/net/if.c:1: a", "/usr/src/sys/net/if.c:2: b"};
	struct mbt_trace t;

	mbt_trace_init(&t);
	for (int le = 0; le <= 1; le++) {
		int n = mbt_enc_v1(
		    buf, sizeof(buf), le, texts, 2, frame, sizeof(frame));

		CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
		CHECK(t.format == (le ? MBT_FORMAT_V1_LE : MBT_FORMAT_V1_BE));
		CHECK(t.nrecords == 2 && str_eq(t.records[0].func, "a"));
		CHECK(t.tail_len == sizeof(frame) &&
		      t.tail_orig_len == sizeof(frame));
		CHECK(t.tail_linktype == MBT_LINKTYPE_ETHERNET);
	}
	/* No records: both orders read the same; the kernel's (LE) wins. */
	int n = mbt_enc_v1(buf, sizeof(buf), 0, NULL, 0, frame, sizeof(frame));
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V1_LE && t.nrecords == 0 &&
	      t.tail_len == 42);
	mbt_trace_free(&t);
}

static void
test_legacy_strings(void)
{
	static const struct {
		const char *s, *file, *func, *text;
		uint32_t line;
		uint8_t kind;
	} cases[] = {
	    {"/a/if.c:4784: if_dequeue(vtnet0)", "/a/if.c", "if_dequeue",
		"/a/if.c:4784: if_dequeue(vtnet0)", 4784, MBT_KIND_POINT},
	    {"/a/if_ethersubr.c:612", "/a/if_ethersubr.c", "",
		"/a/if_ethersubr.c:612", 612, MBT_KIND_POINT},
	    {"x.c:12: y:34: z", "x.c", "y", "x.c:12: y:34: z", 12,
		MBT_KIND_POINT},
	    {"plain words: no place", "", "", "plain words: no place", 0,
		MBT_KIND_TEXT},
	    {"ratio 3:4 here", "", "", "ratio 3:4 here", 0, MBT_KIND_TEXT},
	    {"f.c:0042: x", "f.c", "x", "f.c:0042: x", 42, MBT_KIND_POINT},
	    {"f.c:12345678901: x", "", "", "f.c:12345678901: x", 0,
		MBT_KIND_TEXT},
	    {"f.c:4294967296", "", "", "f.c:4294967296", 0, MBT_KIND_TEXT},
	    {"f.c:12:", "", "", "f.c:12:", 0, MBT_KIND_TEXT},
	};
	static const char *texts[1];
	struct mbt_trace t;

	mbt_trace_init(&t);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		texts[0] = cases[i].s;
		int n = mbt_enc_v1(buf, sizeof(buf), 1, texts, 1, NULL, 0);

		CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
		CHECK(t.nrecords == 1 && t.records[0].kind == cases[i].kind);
		CHECK(str_eq(t.records[0].file, cases[i].file));
		CHECK(str_eq(t.records[0].func, cases[i].func));
		CHECK(t.records[0].line == cases[i].line);
		CHECK_STR(text_of(&t.records[0]), cases[i].text);
	}
	mbt_trace_free(&t);
}

/* A v3 trace using every attribute, for round trips. */
static int
full_v3(uint8_t *out, size_t cap)
{
	struct mbt_v3_info info = {.trace_id = 0x1122334455667788ull,
	    .parent_id = 9,
	    .start_ns = 1767132000123456789ull,
	    .origin = MBT_ORIGIN_LINUX,
	    .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_record r[4] = {
	    {.kind = MBT_KIND_PACKET,
		.has_packet = true,
		.linktype = 101,
		.orig_len = 1500,
		.pkt = frame,
		.pkt_len = 20,
		.has_time = true,
		.time_ns = 5,
		.has_cpu = true,
		.cpu = 3},
	    {.kind = MBT_KIND_POINT,
		.detail = MBT_POINT_ENTER,
		.has_src = true,
		.file = S("net/ipv4/ip_input.c"),
		.line = 565,
		.func = S("ip_rcv"),
		.has_iface = true,
		.ifindex = 2,
		.ifname = S("eth0"),
		.has_ns = true,
		.ns_id = 4026531840u,
		.ns_name = S("r1")},
	    {.kind = MBT_KIND_RULE,
		.detail = MBT_VERDICT_DROP,
		.has_rule = true,
		.fw = MBT_FW_NFTABLES,
		.rule_table = S("inet/filter/forward"),
		.rule_number = 4,
		.has_reason = true,
		.reason_code = 6,
		.reason = S("NETFILTER_DROP"),
		.text = S("counter")},
	    {.kind = MBT_KIND_ROUTE,
		.has_route = true,
		.route_table = 254,
		.route_oif = 3,
		.route_family = 4,
		.route_gw = {10, 0, 2, 2},
		.has_related = true,
		.related_id = 77,
		.has_src = true,
		.file = S("net/ipv4/ip_input.c"),
		.func = S("ip_route_input")},
	};
	struct mbt_encoder e;

	mbt_enc_begin(&e, out, cap, &info);
	for (int i = 0; i < 4; i++)
		mbt_enc_event(&e, &r[i]);
	return mbt_enc_finish(&e, 0, 2);
}

static void
test_v3_round_trip(void)
{
	struct mbt_trace t;
	int n = full_v3(buf, sizeof(buf));

	mbt_trace_init(&t);
	CHECK(n > MBT_V3_HDR_LEN);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V3 && t.nrecords == 4);
	CHECK(t.trace_id == 0x1122334455667788ull && t.parent_id == 9);
	CHECK(t.start_ns == 1767132000123456789ull &&
	      t.origin == MBT_ORIGIN_LINUX);
	CHECK(t.lost == 2 && (t.flags & MBT_V3_F_LOST));
	CHECK(t.records[0].has_packet && t.records[0].pkt_len == 20 &&
	      t.records[0].orig_len == 1500 && t.records[0].linktype == 101);
	CHECK(t.records[0].has_time && t.records[0].time_ns == 5);
	CHECK(t.records[0].has_cpu && t.records[0].cpu == 3);
	CHECK(!t.records[1].has_time && !t.records[1].has_cpu);
	CHECK_STR(
	    text_of(&t.records[1]), "net/ipv4/ip_input.c:565: ip_rcv enter");
	CHECK(str_eq(t.records[1].ns_name, "r1") &&
	      t.records[1].ns_id == 4026531840u);
	CHECK(str_eq(t.records[1].ifname, "eth0") && t.records[1].ifindex == 2);
	CHECK_STR(text_of(&t.records[2]),
	    "rule nftables inet/filter/forward 4 drop counter");
	CHECK(t.records[2].reason_code == 6 &&
	      str_eq(t.records[2].reason, "NETFILTER_DROP"));
	CHECK_STR(text_of(&t.records[3]), "net/ipv4/ip_input.c: ip_route_input "
					  "route table 254 via 10.0.2.2 oif 3");
	CHECK(t.records[3].has_related && t.records[3].related_id == 77);
	/* The file name is stored once, though two records use it. */
	CHECK(find(buf, (size_t)n, 0, "ip_input.c") != SIZE_MAX &&
	      find(buf, (size_t)n, find(buf, (size_t)n, 0, "ip_input.c") + 1,
		  "ip_input.c") == SIZE_MAX);
	mbt_trace_free(&t);
}

/* Every prefix of a valid trace is "truncated", never "malformed". */
static void
test_every_cut_is_truncated(void)
{
	struct mbt_trace t;
	int n = full_v3(buf, sizeof(buf)), bad = 0;

	mbt_trace_init(&t);
	for (int cap = 0; cap < n; cap++) {
		if (mbt_decode(buf, (size_t)cap, (size_t)n, &t) != -EINVAL ||
		    t.error.kind != MBT_ERR_TRUNCATED) {
			if (bad++ == 0)
				fprintf(stderr, "cut at %d: %s\n", cap,
				    t.error.what);
		}
	}
	CHECK(bad == 0);
	mbt_trace_free(&t);
}

/* The encoder fails cleanly with ENOSPC for every buffer too small. */
static void
test_encoder_space(void)
{
	static uint8_t ref[4096], small[4096];
	int n = full_v3(ref, sizeof(ref)), bad = 0;

	for (int cap = 0; cap < n; cap++) {
		if (full_v3(small, (size_t)cap) != -ENOSPC)
			bad++;
	}
	CHECK(bad == 0);
	CHECK(full_v3(small, (size_t)n) == n &&
	      memcmp(ref, small, (size_t)n) == 0);
}

/*
 * Past the 256 remembered strings the encoder still defines new ones under
 * new ids (not shared), up to the largest id readers accept.
 */
static void
test_string_table_limit(void)
{
	struct mbt_v3_info info = { .trace_id = 1,
		.tail_linktype = MBT_LINKTYPE_NONE };
	struct mbt_encoder e;
	struct mbt_trace t;
	char name[16];
	int rc = 0, i, n;

	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	for (i = 0; i < 300 && rc == 0; i++) {
		struct mbt_record r = { .kind = MBT_KIND_POINT, .has_src = true };

		snprintf(name, sizeof(name), "f%d", i % 290); /* some repeat */
		r.file = S(name);
		rc = mbt_enc_event(&e, &r);
	}
	n = mbt_enc_finish(&e, 0, 0);
	CHECK(rc == 0 && n > 0);
	mbt_trace_init(&t);
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0 && t.nrecords == 300);
	CHECK(t.nrecords == 300 && str_eq(t.records[299].file, "f9") &&
	    str_eq(t.records[260].file, "f260"));
	mbt_trace_free(&t);

	/* Ids run out at 4095 distinct strings: -ENOSPC, not a bad trace. */
	static uint8_t big[300000];
	mbt_enc_begin(&e, big, sizeof(big), &info);
	e.next_id = MBT_ENC_MAX_STRING_ID - 1;
	struct mbt_record r = { .kind = MBT_KIND_POINT, .has_src = true,
		.file = S("last") };
	CHECK(mbt_enc_event(&e, &r) == 0);
	r.file = S("one too many");
	CHECK(mbt_enc_event(&e, &r) == -ENOSPC);
}

struct fault {
	const char *what;
	size_t off;	 /* byte to patch */
	uint8_t value;	 /* new value */
	int record;	 /* expected error record */
	const char *msg; /* expected in the message */
};

static void
test_v3_faults(void)
{
	/*
	 * In full_v3(), record 0 is the PACKET event and record 1 the first
	 * STRING, whose id's low byte sits just before the file name.
	 */
	int n = full_v3(buf, sizeof(buf));
	size_t id = find(buf, (size_t)n, 0, "net/ipv4") - 1;
	size_t ev0_len = MBT_V3_HDR_LEN + 3;
	const struct fault faults[] = {
	    {"hdr_len below 48", 5, 47, -1, "hdr_len 47"},
	    {"trace_len too long", 10, 0xff, -1, "trace_len"},
	    {"unknown version", 4, 4, -1, "version 4"},
	    {"string id 0", id, 0, 1, "outside 1.."},
	    {"string id too large", id - 1, 0x20, 1, "outside 1.."},
	    {"event head cut", ev0_len, 8, 0, "shorter than its 12-byte head"},
	};
	struct mbt_trace t;

	mbt_trace_init(&t);
	for (size_t i = 0; i < sizeof(faults) / sizeof(faults[0]); i++) {
		uint8_t saved = buf[faults[i].off];

		buf[faults[i].off] = faults[i].value;
		CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == -EINVAL);
		CHECK(t.error.kind == MBT_ERR_MALFORMED);
		CHECK(t.error.record == faults[i].record);
		if (strstr(t.error.what, faults[i].msg) == NULL)
			fprintf(stderr, "%s: \"%s\"\n", faults[i].what,
			    t.error.what);
		CHECK(strstr(t.error.what, faults[i].msg) != NULL);
		buf[faults[i].off] = saved;
	}
	mbt_trace_free(&t);
}

/*
 * FreeBSD's STATE records: the FLOW key of an IPv6 state round-trips
 * and is worded with bracketed addresses; a FLOW of another family, or
 * whose length is not its family's, is malformed.
 */
static void
test_v3_flow(void)
{
	struct mbt_v3_info info = {.trace_id = 5,
	    .origin = MBT_ORIGIN_FREEBSD,
	    .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_record r = {.kind = MBT_KIND_STATE,
	    .detail = MBT_STATE_MATCHED,
	    .has_rule = true,
	    .fw = MBT_FW_PF,
	    .rule_number = 7,
	    .has_flow = true,
	    .flow = {6, 17, MBT_DIR_OUT, 5353, 53,
		{0x20, 0x01, 0x0d, 0xb8, [15] = 1},
		{0x20, 0x01, 0x0d, 0xb8, [15] = 2}}};
	struct mbt_encoder e;
	struct mbt_trace t;
	size_t at;
	int n;

	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	mbt_enc_event(&e, &r);
	n = mbt_enc_finish(&e, 0, 0);
	mbt_trace_init(&t);
	CHECK(n > 0 && mbt_decode(buf, (size_t)n, (size_t)n, &t) == 0);
	CHECK(t.nrecords == 1 && t.records[0].has_flow &&
	      memcmp(&t.records[0].flow, &r.flow, sizeof(r.flow)) == 0);
	CHECK_STR(text_of(&t.records[0]),
	    "state matched pf rule 7 out udp [2001:db8::1]:5353 > "
	    "[2001:db8::2]:53");
	/* The FLOW attribute is the event's last: type 16, 40 bytes. */
	at = (size_t)n - 40 - MBT_V3_TLV_HDR_LEN;
	CHECK(buf[at] == 0 && buf[at + 1] == MBT_ATTR_FLOW && buf[at + 3] == 40);
	buf[at + 4] = 5;
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == -EINVAL &&
	      t.error.kind == MBT_ERR_MALFORMED &&
	      strstr(t.error.what, "FLOW family 5") != NULL);
	buf[at + 4] = 4; /* an IPv4 key must be 16 bytes, not 40 */
	CHECK(mbt_decode(buf, (size_t)n, (size_t)n, &t) == -EINVAL &&
	      strstr(t.error.what, "not 16") != NULL);
	r.flow.family = 9;
	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	CHECK(mbt_enc_event(&e, &r) == -EINVAL);
	mbt_trace_free(&t);
}

static void
test_error_text(void)
{
	struct mbt_error e = {MBT_ERR_MALFORMED, 3, 85, "EVENT too short"};
	char s[128];

	mbt_error_text(&e, s, sizeof(s));
	CHECK_STR(s, "record 3 at byte 85: EVENT too short");
	e.record = -1;
	mbt_error_text(&e, s, sizeof(s));
	CHECK_STR(s, "header at byte 85: EVENT too short");
	CHECK_STR(mbt_error_kind_name(MBT_ERR_TRUNCATED), "truncated");
}

int
main(void)
{
	test_v2_oldest_first();
	test_v2_early();
	test_v2_type1_by_content();
	test_v1_both_byte_orders();
	test_legacy_strings();
	test_v3_round_trip();
	test_every_cut_is_truncated();
	test_encoder_space();
	test_string_table_limit();
	test_v3_faults();
	test_v3_flow();
	test_error_text();
	return check_summary("test_decode");
}
