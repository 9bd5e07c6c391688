/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the kernel's record buffer (freebsd/sys/kern/
 * subr_mbuf_trace_buf.c): budget, lost counts, the arena, copies as child
 * traces, and the round trip of every record kind through libmbuftrace.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <sys/mbuf_trace_buf.h>

#include "../../../tests/unit/check.h"

#define	TRACE_ID	0x1122334455667788ULL
#define	START_NS	1767225600000000000ULL	/* 2026-01-01T00:00:00Z */
#define	START_MONO	5000

static struct mtrace_buf *
new_buf(uint16_t maxrec, uint16_t arena)
{
	struct mtrace_buf *b = malloc(MTRACE_BUF_SIZE(maxrec, arena));

	if (b == NULL || mtrace_buf_init(b, maxrec, arena, TRACE_ID, START_NS,
	    START_MONO) != 0)
		abort();
	return (b);
}

static struct mbt_encoder enc;
static uint8_t out[65536];

/* Encode b and decode it again into t; returns mbt_decode's result. */
static int
round_trip(const struct mtrace_buf *b, struct mbt_trace *t)
{
	int len = mtrace_buf_encode(b, &enc, out, sizeof(out));

	if (len < 0)
		return (len);
	return (mbt_decode(out, (size_t)len, (size_t)len, t));
}

static int
str_is(struct mbt_str s, const char *want)
{
	return (s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0);
}

static void
test_init(void)
{
	struct mtrace_buf b;

	CHECK(mtrace_buf_init(&b, 1, 0, TRACE_ID, 0, 0) == -EINVAL);
	CHECK(mtrace_buf_init(&b, 4, 0, 0, 0, 0) == -EINVAL);
	CHECK(sizeof(struct mtrace_buf) % 8 == 0);
}

/* The budget: records past it are counted lost, END always has a slot. */
static void
test_budget(void)
{
	struct mtrace_buf *b = new_buf(4, 0);
	struct mbt_trace t;
	int i, got = 0;

	for (i = 0; i < 10; i++)
		got += mtrace_buf_append(b, MBT_KIND_POINT, 0,
		    START_MONO + i, 0) != NULL;
	CHECK(got == 3);
	CHECK(b->mb_lost == 7);
	CHECK(mtrace_buf_append(b, MBT_KIND_END, MBT_END_FREED, 0, 0) != NULL);
	/* Nothing after the end, not even another END. */
	CHECK(mtrace_buf_append(b, MBT_KIND_END, MBT_END_FREED, 0, 0) == NULL);
	CHECK(mtrace_buf_append(b, MBT_KIND_POINT, 0, 0, 0) == NULL);
	CHECK(b->mb_nrec == 4);

	mbt_trace_init(&t);
	CHECK(round_trip(b, &t) == 0);
	CHECK(t.nrecords == 4);
	CHECK(t.lost == 7);	/* after END: ignored, not lost */
	CHECK((t.flags & MBT_V3_F_LOST) != 0);
	CHECK(t.records[3].kind == MBT_KIND_END);
	/* Times are relative to the start; a clock before it reads 0. */
	CHECK(t.records[1].time_ns == 1);
	CHECK(t.records[3].time_ns == 0);
	mbt_trace_free(&t);
	free(b);
}

/* Dynamic bytes are cut at the arena's end and say so. */
static void
test_arena(void)
{
	struct mtrace_buf *b = new_buf(8, 10);
	struct mtrace_rec *r;
	struct mbt_trace t;

	r = mtrace_buf_append(b, MBT_KIND_TEXT, 0, START_MONO, 0);
	CHECK(mtrace_buf_dyn_copy(b, r, "hello", 5) == 0);
	r = mtrace_buf_append(b, MBT_KIND_TEXT, 0, START_MONO, 0);
	CHECK(mtrace_buf_dyn_copy(b, r, "world, again", 12) == -ENOSPC);
	r = mtrace_buf_append(b, MBT_KIND_TEXT, 0, START_MONO, 0);
	CHECK(mtrace_buf_dyn_copy(b, r, "x", 1) == -ENOSPC);
	CHECK(b->mb_arena_len == 10);

	mbt_trace_init(&t);
	CHECK(round_trip(b, &t) == 0);
	CHECK(t.nrecords == 3);
	CHECK(str_is(t.records[0].text, "hello"));
	CHECK(str_is(t.records[1].text, "world"));
	CHECK(t.records[2].text.len == 0);
	mbt_trace_free(&t);
	free(b);
}

/*
 * m_tag_copy() copies the tag byte for byte; the copy then forks.  The
 * child must not depend on the parent's memory, must start empty with the
 * parent's id, and the parent must name the child in a COPY record.
 */
static void
test_copy(void)
{
	size_t size = MTRACE_BUF_SIZE(8, 64);
	struct mtrace_buf *parent = new_buf(8, 64), *child = malloc(size);
	struct mtrace_rec *r;
	struct mbt_trace t;

	r = mtrace_buf_append(parent, MBT_KIND_IFACE, 0, START_MONO + 1, 0);
	r->mr_u32 = 4;
	r->mr_u64 = 7;
	mtrace_buf_dyn_copy(parent, r, "bridge0", 7);
	mtrace_buf_dyn_copy(parent, r, "sw", 2);
	r = mtrace_buf_append(parent, MBT_KIND_TEXT, 0, START_MONO + 1, 0);
	mtrace_buf_dyn_copy(parent, r, "before the copy", 15);
	memcpy(child, parent, size);
	mtrace_buf_fork(parent, child, 0x99, START_NS + 50, START_MONO + 50, 3);
	r = mtrace_buf_append(child, MBT_KIND_TEXT, 0, START_MONO + 60, 1);
	mtrace_buf_dyn_copy(child, r, "in the child", 12);
	memset(parent, 0xa5, size);	/* the parent is gone */
	free(parent);

	mbt_trace_init(&t);
	CHECK(round_trip(child, &t) == 0);
	CHECK(t.trace_id == 0x99);
	CHECK(t.parent_id == TRACE_ID);
	CHECK(t.start_ns == START_NS + 50);
	/* Where the copy was made, then its own record, named after it. */
	CHECK(t.nrecords == 2);
	if (t.nrecords == 2) {
		CHECK(t.records[0].kind == MBT_KIND_IFACE);
		CHECK(t.records[0].time_ns == 0 && t.records[0].cpu == 3);
		CHECK(str_is(t.records[0].ifname, "bridge0"));
		CHECK(t.records[0].ns_id == 7 && str_is(t.records[0].ns_name, "sw"));
		CHECK(str_is(t.records[1].text, "in the child"));
		CHECK(t.records[1].time_ns == 10);
		CHECK(str_is(t.records[1].ifname, "bridge0"));
	}
	mbt_trace_free(&t);

	parent = new_buf(8, 64);
	memcpy(child, parent, size);
	mtrace_buf_fork(parent, child, 0x99, START_NS, START_MONO, 3);
	mbt_trace_init(&t);
	CHECK(round_trip(parent, &t) == 0);
	CHECK(t.nrecords == 1);
	CHECK(t.records[0].kind == MBT_KIND_COPY);
	CHECK(t.records[0].has_related && t.records[0].related_id == 0x99);
	CHECK(t.records[0].cpu == 3);
	mbt_trace_free(&t);
	free(parent);
	free(child);
}

static const uint8_t frame[] = {
	0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x54,
};

static struct mtrace_rec *
point(struct mtrace_buf *b, uint8_t kind, uint8_t detail, uint32_t line)
{
	struct mtrace_rec *r = mtrace_buf_append(b, kind, detail,
	    START_MONO + line, (uint16_t)(line % 4));

	if (r == NULL)
		abort();
	r->mr_file = "sys/netinet/ip_input.c";
	r->mr_func = "ip_input";
	r->mr_line = line;
	return (r);
}

/* Every kind the kernel writes, written and read back field by field. */
static void
test_every_kind(void)
{
	static const uint8_t gw4[4] = { 192, 0, 2, 1 };
	static const uint8_t gw6[16] = { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 };
	struct mtrace_buf *b = new_buf(32, 512);
	const struct mbt_record *x;
	struct mtrace_rec *r;
	struct mbt_trace t;

	point(b, MBT_KIND_POINT, MBT_POINT_PLAIN, 100);
	point(b, MBT_KIND_POINT, MBT_POINT_ENTER, 101);
	point(b, MBT_KIND_POINT, MBT_POINT_LEAVE, 102);
	r = point(b, MBT_KIND_TEXT, 0, 103);
	r->mr_text = "static text";
	r->mr_text_len = 6;			/* mtrace_static_length */
	r = point(b, MBT_KIND_TEXT, 0, 104);
	mtrace_buf_dyn_copy(b, r, "printf 42", 9);
	r = point(b, MBT_KIND_PACKET, 0, 105);
	r->mr_linktype = MBT_LINKTYPE_ETHERNET;
	r->mr_u32 = 98;
	mtrace_buf_dyn_copy(b, r, frame, sizeof(frame));
	r = point(b, MBT_KIND_RULE, MBT_VERDICT_DROP, 106);
	r->mr_small = MBT_FW_IPFW;
	r->mr_u64 = 100;
	r->mr_name = "set 3";
	r = point(b, MBT_KIND_VERDICT, MBT_VERDICT_PASS, 107);
	r->mr_u32 = 7;
	r->mr_name = "PFIL_PASS";
	r = mtrace_buf_append(b, MBT_KIND_IFACE, 0, START_MONO + 108, 1);
	r->mr_u32 = 3;
	r->mr_u64 = 12;
	mtrace_buf_dyn_copy(b, r, "epair0b", 7);
	mtrace_buf_dyn_copy(b, r, "router", 6);
	r = point(b, MBT_KIND_ROUTE, 0, 109);
	r->mr_u32 = 0;
	r->mr_u32b = 3;
	r->mr_small = 4;
	mtrace_buf_dyn_copy(b, r, gw4, sizeof(gw4));
	r = point(b, MBT_KIND_ROUTE, 0, 110);
	r->mr_u32 = 1;
	r->mr_small = 6;
	mtrace_buf_dyn_copy(b, r, gw6, sizeof(gw6));
	r = point(b, MBT_KIND_ROUTE, 0, 111);
	r->mr_error = 65;			/* EHOSTUNREACH on FreeBSD */
	r = point(b, MBT_KIND_COPY, 0, 112);
	r->mr_u64 = 0xc0ffee;
	r = point(b, MBT_KIND_END, MBT_END_DROPPED, 113);
	r->mr_u32 = 2;
	r->mr_name = "ipfw deny";

	mbt_trace_init(&t);
	CHECK(round_trip(b, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V3);
	CHECK(t.origin == MBT_ORIGIN_FREEBSD);
	CHECK(t.trace_id == TRACE_ID && t.parent_id == 0);
	CHECK(t.start_ns == START_NS);
	CHECK(t.lost == 0 && t.flags == 0);
	CHECK(t.tail_linktype == MBT_LINKTYPE_NONE && t.tail_len == 0);
	CHECK(t.unknown_skipped == 0);
	CHECK(t.nrecords == 14);
	if (t.nrecords != 14)
		goto out;
	x = t.records;
	CHECK(x[0].kind == MBT_KIND_POINT && x[0].detail == MBT_POINT_PLAIN);
	CHECK(x[0].has_src && x[0].line == 100);
	CHECK(str_is(x[0].file, "sys/netinet/ip_input.c"));
	CHECK(str_is(x[0].func, "ip_input"));
	CHECK(x[0].has_cpu && x[0].cpu == 0);
	CHECK(x[0].has_time && x[0].time_ns == 100);
	CHECK(x[1].detail == MBT_POINT_ENTER && x[2].detail == MBT_POINT_LEAVE);
	CHECK(x[3].kind == MBT_KIND_TEXT && str_is(x[3].text, "static"));
	CHECK(str_is(x[4].text, "printf 42"));
	CHECK(x[5].kind == MBT_KIND_PACKET && x[5].has_packet);
	CHECK(x[5].linktype == MBT_LINKTYPE_ETHERNET && x[5].orig_len == 98);
	CHECK(x[5].pkt_len == sizeof(frame) &&
	    memcmp(x[5].pkt, frame, sizeof(frame)) == 0);
	CHECK(x[6].kind == MBT_KIND_RULE && x[6].detail == MBT_VERDICT_DROP);
	CHECK(x[6].has_rule && x[6].fw == MBT_FW_IPFW);
	CHECK(x[6].rule_number == 100 && str_is(x[6].rule_table, "set 3"));
	CHECK(x[7].kind == MBT_KIND_VERDICT && x[7].has_reason);
	CHECK(x[7].reason_code == 7 && str_is(x[7].reason, "PFIL_PASS"));
	/* Before any IFACE record no event names an interface or a VNET. */
	CHECK(!x[0].has_iface && !x[0].has_ns && !x[7].has_ns);
	CHECK(x[8].kind == MBT_KIND_IFACE && !x[8].has_src);
	CHECK(x[8].has_iface && x[8].ifindex == 3);
	CHECK(str_is(x[8].ifname, "epair0b"));
	CHECK(x[8].has_ns && x[8].ns_id == 12 && str_is(x[8].ns_name, "router"));
	/* After it, every event is named after it. */
	CHECK(x[9].has_ns && x[9].ns_id == 12 && str_is(x[9].ns_name, "router"));
	CHECK(x[13].has_iface && str_is(x[13].ifname, "epair0b"));
	CHECK(x[9].has_route && x[9].route_oif == 3 && x[9].route_family == 4);
	CHECK(memcmp(x[9].route_gw, gw4, 4) == 0);
	CHECK(x[10].route_table == 1 && x[10].route_family == 6);
	CHECK(memcmp(x[10].route_gw, gw6, 16) == 0);
	CHECK(x[11].route_error == 65 && x[11].route_family == 0);
	CHECK(x[12].kind == MBT_KIND_COPY && x[12].related_id == 0xc0ffee);
	CHECK(x[13].kind == MBT_KIND_END && x[13].detail == MBT_END_DROPPED);
	CHECK(x[13].has_reason && x[13].reason_code == 2);
	CHECK(str_is(x[13].reason, "ipfw deny"));
out:
	mbt_trace_free(&t);
	free(b);
}

/* A VNET change alone: the record names the VNET, not an interface. */
static void
test_vnet_only(void)
{
	struct mtrace_buf *b = new_buf(8, 64);
	struct mtrace_rec *r;
	struct mbt_trace t;

	r = mtrace_buf_append(b, MBT_KIND_IFACE, 0, START_MONO, 0);
	mtrace_buf_dyn_copy(b, r, "", 0);
	r->mr_u64 = 0;					/* the host */
	mtrace_buf_dyn_copy(b, r, "", 0);
	mtrace_buf_append(b, MBT_KIND_POINT, 0, START_MONO, 0);
	mbt_trace_init(&t);
	CHECK(round_trip(b, &t) == 0);
	CHECK(t.nrecords == 2);
	if (t.nrecords == 2) {
		CHECK(!t.records[0].has_iface && t.records[0].has_ns);
		CHECK(t.records[0].ns_id == 0 && t.records[0].ns_name.len == 0);
		CHECK(!t.records[1].has_iface && t.records[1].has_ns);
	}
	mbt_trace_free(&t);
	free(b);
}

/*
 * More distinct strings than the encoder remembers: the ones past its table
 * are defined again under new ids, so every record is kept and none lost.
 */
static void
test_too_many_strings(void)
{
	static char names[300][24];
	struct mtrace_buf *b = new_buf(301, 0);
	struct mtrace_rec *r;
	struct mbt_trace t;
	int i;

	for (i = 0; i < 300; i++) {
		snprintf(names[i], sizeof(names[i]), "file%d.c", i);
		r = mtrace_buf_append(b, MBT_KIND_POINT, 0, START_MONO, 0);
		r->mr_file = names[i];
		r->mr_line = (uint32_t)i;
	}
	mbt_trace_init(&t);
	CHECK(round_trip(b, &t) == 0);
	CHECK(t.nrecords == 300 && t.lost == 0);
	CHECK((t.flags & MBT_V3_F_LOST) == 0);
	CHECK(t.nrecords == 300 && t.records[299].line == 299 &&
	    t.records[299].file.len == strlen("file299.c") &&
	    memcmp(t.records[299].file.ptr, "file299.c", 9) == 0);
	mbt_trace_free(&t);
	/* A buffer smaller than the header is refused. */
	CHECK(mtrace_buf_encode(b, &enc, out, 40) == -ENOSPC);
	free(b);
}

int
main(void)
{
	test_init();
	test_budget();
	test_arena();
	test_copy();
	test_every_kind();
	test_vnet_only();
	test_too_many_strings();
	return (check_summary("test_mtrace_buf"));
}
