/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The assembler of `mbuftrace record` (linux/assemble.c): events in, v3
 * traces out, decoded back with the library; every malformed ring buffer
 * record is refused and counted, and nothing is lost silently.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../linux/assemble.h"
#include "check.h"
#include "mbuftrace/mbuftrace.h"

#define OFFSET_NS 1700000000000000000LL

struct emitted {
	int n;
	uint8_t buf[8][MBT_V3_MAX_TRACE_LEN];
	size_t len[8];
	uint64_t time[8];
};

static int
capture(void *ctx, const uint8_t *trace, size_t len, uint64_t t)
{
	struct emitted *e = ctx;

	if (e->n < 8) {
		memcpy(e->buf[e->n], trace, len);
		e->len[e->n] = len;
		e->time[e->n] = t;
	}
	e->n++;
	return 0;
}

static const char *
reason_name(void *ctx, uint32_t code)
{
	return code == 12 ? "NETFILTER_DROP" : NULL;
}

static const char *
symbol_name(void *ctx, uint64_t addr, uint64_t *off)
{
	*off = addr - 0xffffffff81000000ULL;
	return "nf_hook_slow";
}

static const char *
netns_name(void *ctx, uint64_t inode)
{
	return inode == 4026532000ULL ? "r1" : NULL;
}

static const struct mbt_lx_names names = {
    NULL, reason_name, symbol_name, netns_name, NULL};

/* An event buffer: the fixed part and snap bytes of snapshot. */
struct ev_buf {
	struct mbt_lx_event ev;
	uint8_t snap[64];
};

static size_t
make_event(struct ev_buf *b, uint64_t id, uint8_t point, uint64_t t,
    uint32_t flags, uint8_t end, uint16_t snap)
{
	memset(b, 0, sizeof(*b));
	b->ev.version = MBT_LX_EVENT_VERSION;
	b->ev.point = point;
	b->ev.cpu = 1;
	b->ev.time_ns = t;
	b->ev.trace_id = id;
	b->ev.netns = 4026532000ULL;
	b->ev.ifindex = 2;
	memcpy(b->ev.ifname, "eth0", 4);
	b->ev.flags = flags;
	b->ev.end = end;
	b->ev.snap_len = snap;
	b->ev.snap_orig = snap ? 84 : 0;
	b->ev.snap_linktype = snap ? MBT_LINKTYPE_RAW : 0;
	if (snap)
		b->snap[0] = 0x45;
	b->ev.size = (uint16_t)(sizeof(b->ev) + snap);
	return b->ev.size;
}

static void
test_one_path(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	size_t n;

	CHECK(mbt_lx_asm_init(&a, &names, capture, &out, OFFSET_NS) == 0);
	n = make_event(
	    &b, 7, MBT_LX_P_NETIF_RECEIVE_SKB, 1000, MBT_LX_F_START, 0, 20);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(&b, 7, MBT_LX_P_FIB_TABLE_LOOKUP, 1500, 0, 0, 0);
	b.ev.table = 254;
	b.ev.oif = 3;
	b.ev.family = 4;
	memcpy(b.ev.gw, "\x0a\x00\x02\x02", 4);
	/* As the recorder sends it: placed by the assembler, oif named. */
	b.ev.ifindex = 0;
	memcpy(b.ev.ifname, "eth1", 4);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 0); /* not ended yet */
	n = make_event(
	    &b, 7, MBT_LX_P_KFREE_SKB, 4000, MBT_LX_F_END, MBT_END_DROPPED, 0);
	b.ev.reason = 12;
	b.ev.location = 0xffffffff81000040ULL;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	CHECK(out.time[0] == (uint64_t)(4000 + OFFSET_NS));

	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.trace_id == 7);
	CHECK(t.origin == MBT_ORIGIN_LINUX);
	CHECK(t.start_ns == (uint64_t)(1000 + OFFSET_NS));
	CHECK(t.lost == 0);
	CHECK(t.nrecords == 4); /* snapshot, point, route, end */
	if (t.nrecords == 4) {
		char text[256];

		CHECK(t.records[0].kind == MBT_KIND_PACKET);
		CHECK(
		    t.records[0].pkt_len == 20 && t.records[0].orig_len == 84);
		CHECK(t.records[1].kind == MBT_KIND_POINT);
		mbt_record_text(&t.records[1], text, sizeof(text));
		CHECK_STR(text, "netif_receive_skb");
		CHECK(t.records[1].has_ns && t.records[1].ns_name.len == 2 &&
		      memcmp(t.records[1].ns_name.ptr, "r1", 2) == 0);
		CHECK(t.records[1].ifindex == 2);
		CHECK(t.records[2].kind == MBT_KIND_ROUTE);
		CHECK(t.records[2].time_ns == 500);
		mbt_record_text(&t.records[2], text, sizeof(text));
		CHECK_STR(text, "fib_table_lookup route table 254 via 10.0.2.2 "
				"oif 3 (eth1)");
		CHECK(t.records[3].kind == MBT_KIND_END);
		CHECK(t.records[3].detail == MBT_END_DROPPED);
		CHECK(t.records[3].time_ns == 3000);
		mbt_record_text(&t.records[3], text, sizeof(text));
		CHECK_STR(text, "nf_hook_slow end dropped: NETFILTER_DROP at "
				"nf_hook_slow+0x40 (kfree_skb)");
	}
	CHECK(a.stats.traces == 1 && a.stats.events == 3);
	CHECK(a.nopen == 0);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* Each broken record is refused with a reason, and emits nothing. */
static void
test_rejects(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct ev_buf b;
	size_t n;
	uint64_t bad = 0;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(&b, 1, 1, 10, MBT_LX_F_END, MBT_END_FREED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, 3) == -EINVAL); /* shorter than a head */
	CHECK(a.stats.bad_events == ++bad);
	b.ev.version = MBT_LX_EVENT_VERSION + 1;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	CHECK(strstr(a.stats.last_error, "version 3, expected 2") != NULL);
	make_event(&b, 1, 1, 10, MBT_LX_F_END, MBT_END_FREED, 8);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL); /* size disagrees */
	n = make_event(&b, 1, 1, 10, MBT_LX_F_END, MBT_END_FREED, 8);
	b.ev.snap_orig = 4; /* snapshot longer than the packet */
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	n = make_event(&b, 1, 99, 10, MBT_LX_F_END, MBT_END_FREED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL); /* unknown point */
	n = make_event(&b, 0, 1, 10, MBT_LX_F_END, MBT_END_FREED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL); /* no trace id */
	n = make_event(&b, 1, 1, 10, MBT_LX_F_END, 0, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL); /* end without how */
	n = make_event(&b, 1, 1, 10, 0x80, 0, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL); /* unknown flag */
	n = make_event(&b, 1, 1, 10, 0, 0, 8);
	b.ev.snap_linktype = 147;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	n = make_event(&b, 1, MBT_LX_P_FIB_TABLE_LOOKUP, 10, 0, 0, 0);
	b.ev.family = 5;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	CHECK(a.stats.bad_events == 10);
	CHECK(a.stats.events == 0 && out.n == 0 && a.nopen == 0);
	mbt_lx_asm_free(&a);
}

/* Beyond MBT_LX_MAX_EVENTS, and events the kernel lost: counted. */
static void
test_lost(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	for (int i = 0; i < MBT_LX_MAX_EVENTS + 6; i++) {
		n = make_event(&b, 9, MBT_LX_P_NETIF_RX, (uint64_t)i, 0, 0, 0);
		b.ev.lost = i == 3 ? 2 : 0;
		CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	}
	n = make_event(&b, 9, MBT_LX_P_CONSUME_SKB, 100, MBT_LX_F_END,
	    MBT_END_CONSUMED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.lost == 2 + 6 + 1); /* the kernel's 2, 6 points and the end */
	CHECK(t.flags & MBT_V3_F_LOST);
	CHECK(t.nrecords == MBT_LX_MAX_EVENTS);
	CHECK(a.stats.kernel_lost == 2 && a.stats.records_lost == 7);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* Two skbs at once keep apart; an open one is flushed when idle. */
static void
test_interleaved_and_idle(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(&b, 1, MBT_LX_P_NET_DEV_QUEUE, 10, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	n = make_event(&b, 2, MBT_LX_P_NET_DEV_QUEUE, 20, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	n = make_event(
	    &b, 1, MBT_LX_P_NET_DEV_XMIT, 30, MBT_LX_F_END, MBT_END_SENT, 0);
	mbt_lx_asm_feed(&a, &b, n);
	CHECK(out.n == 1 && a.nopen == 1);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.trace_id == 1 && t.nrecords == 2);
	CHECK(mbt_lx_asm_flush(&a, 1000, 5000) == 0);
	CHECK(out.n == 1); /* not idle long enough */
	CHECK(mbt_lx_asm_flush(&a, 10000, 5000) == 0);
	CHECK(out.n == 2 && a.nopen == 0 && a.stats.unfinished == 1);
	CHECK(mbt_decode(out.buf[1], out.len[1], out.len[1], &t) == 0);
	CHECK(t.trace_id == 2 && t.nrecords == 2);
	if (t.nrecords == 2)
		CHECK(t.records[1].kind == MBT_KIND_TEXT);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* More open traces than the table holds: the oldest goes out unfinished. */
static void
test_eviction(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct ev_buf b;
	size_t n;
	int fails = 0;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	for (uint64_t id = 1; id <= MBT_LX_MAX_OPEN + 1; id++) {
		n = make_event(
		    &b, id, MBT_LX_P_NETIF_RX, id, MBT_LX_F_START, 0, 0);
		fails += mbt_lx_asm_feed(&a, &b, n) != 0;
	}
	CHECK(fails == 0);
	CHECK(out.n == 1 && a.nopen == MBT_LX_MAX_OPEN);
	CHECK(a.stats.unfinished == 1);
	mbt_lx_asm_flush(&a, 0, 0);
	CHECK(out.n == MBT_LX_MAX_OPEN + 1 && a.nopen == 0);
	mbt_lx_asm_free(&a);
}

/* A packet queued to a socket ends delivered, in words people read. */
static void
test_delivered(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	char text[256];
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(
	    &b, 5, MBT_LX_P_NETIF_RECEIVE_SKB, 10, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	n = make_event(&b, 5, MBT_LX_P_SK_DATA_READY, 20, MBT_LX_F_END,
	    MBT_END_DELIVERED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.nrecords == 2);
	if (t.nrecords == 2) {
		CHECK(t.records[1].kind == MBT_KIND_END &&
		      t.records[1].detail == MBT_END_DELIVERED);
		mbt_record_text(&t.records[1], text, sizeof(text));
		CHECK_STR(
		    text, "sk_data_ready end delivered queued to a socket");
	}
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* A function that returned an error says which, by name. */
static void
test_function_return(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	char text[256];
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(
	    &b, 6, MBT_LX_P_NETIF_RECEIVE_SKB, 10, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	/* The route goes out of eth1: the packet is still on eth0. */
	n = make_event(&b, 6, MBT_LX_P_FIB_TABLE_LOOKUP, 12, 0, 0, 0);
	b.ev.ifindex = 3;
	memcpy(b.ev.ifname, "eth1", 4);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(&b, 6, MBT_LX_P_FUNCTION_RETURN, 15, 0, 0, 0);
	b.ev.location = 0xffffffff81000000ULL;
	b.ev.value = -22;
	b.ev.netns = 0; /* the program reads nothing of the skb */
	b.ev.ifindex = 0;
	memset(b.ev.ifname, 0, sizeof(b.ev.ifname));
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(&b, 6, MBT_LX_P_FUNCTION_RETURN, 16, 0, 0, 0);
	b.ev.location = 0xffffffff81000000ULL;
	b.ev.value = 1;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(
	    &b, 6, MBT_LX_P_CONSUME_SKB, 20, MBT_LX_F_END, MBT_END_CONSUMED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.nrecords == 5);
	if (t.nrecords == 5) {
		mbt_record_text(&t.records[2], text, sizeof(text));
		CHECK_STR(text, "nf_hook_slow returned -22 (EINVAL)");
		CHECK(t.records[2].has_iface && t.records[2].ifname.len == 4 &&
		      memcmp(t.records[2].ifname.ptr, "eth0", 4) == 0);
		mbt_record_text(&t.records[3], text, sizeof(text));
		CHECK_STR(text, "nf_hook_slow returned 1");
	}
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* An IPv4 header as the snapshot of b and as the header of rule r. */
static const uint8_t ip_header[20] = {
    0x45, 0, 0, 84, 0x12, 0x34, 0x40, 0, 64, 1, 0, 0, 10, 0, 1, 1, 10, 0, 2, 2};

#define NS_H1 4026531001ULL
#define NS_R1 4026532000ULL

static void
make_rule(struct mbt_lx_rule *r, const char *chain, uint8_t place,
    int32_t verdict, uint64_t handle, bool header)
{
	memset(r, 0, sizeof(*r));
	r->netns = NS_R1;
	r->seen_ns = 100;
	r->nft_id = 0xabcd;
	r->type = handle != 0 ? 3 : 1; /* rule, or the chain's policy */
	r->family = 1;
	r->place = place;
	r->verdict = verdict;
	r->handle = handle;
	strcpy(r->table, "mbt");
	strcpy(r->chain, chain);
	if (header) {
		memcpy(r->nethdr, ip_header, sizeof(ip_header));
		r->nethdr[8] = 63; /* after the TTL went down: still the same */
		r->nethdr_len = sizeof(ip_header);
		r->iif = 2;
		r->oif = place == MBT_LX_HOOK_INGRESS ? 0 : 3;
	}
}

static void
feed_at(struct mbt_lx_asm *a, uint64_t netns, uint32_t ifindex,
    const char *ifname, uint8_t point, uint64_t t, uint32_t flags, uint8_t end)
{
	struct ev_buf b;
	size_t n = make_event(&b, 9, point, t, flags, end,
	    flags & MBT_LX_F_START ? sizeof(ip_header) : 0);

	if (flags & MBT_LX_F_START)
		memcpy(b.snap, ip_header, sizeof(ip_header));
	b.ev.netns = netns;
	b.ev.ifindex = ifindex;
	memset(b.ev.ifname, 0, sizeof(b.ev.ifname));
	strcpy(b.ev.ifname, ifname);
	CHECK(mbt_lx_asm_feed(a, &b, n) == 0);
}

/* The text of each record of the one emitted trace, joined by '|'. */
static void
trace_texts(const struct emitted *out, char *all, size_t size)
{
	struct mbt_trace t;
	char text[256];

	all[0] = '\0';
	mbt_trace_init(&t);
	CHECK(mbt_decode(out->buf[0], out->len[0], out->len[0], &t) == 0);
	for (size_t i = 0; i < t.nrecords; i++) {
		mbt_record_text(&t.records[i], text, sizeof(text));
		strncat(all, text, size - strlen(all) - 2);
		strcat(all, "|");
	}
	mbt_trace_free(&t);
}

/*
 * nftables verdicts go where their hooks are: prerouting after the packet
 * arrived, forward after its route, postrouting before it is queued out;
 * a verdict without headers follows by the kernel's id; the end-of-rules
 * marker names the packet but is not shown.
 */
static void
test_verdicts_placed(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[4096];
	struct mbt_lx_rule r;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	a.hold = true;
	feed_at(&a, NS_H1, 2, "eth0", MBT_LX_P_NET_DEV_QUEUE, 10,
	    MBT_LX_F_START, 0);
	feed_at(&a, NS_R1, 2, "eth0", MBT_LX_P_NETIF_RECEIVE_SKB, 20, 0, 0);
	feed_at(&a, NS_R1, 3, "eth1", MBT_LX_P_FIB_TABLE_LOOKUP, 30, 0, 0);
	feed_at(&a, NS_R1, 3, "eth1", MBT_LX_P_NET_DEV_QUEUE, 40, 0, 0);
	feed_at(&a, NS_R1, 3, "eth1", MBT_LX_P_KFREE_SKB, 50, MBT_LX_F_END,
	    MBT_END_DROPPED);
	CHECK(out.n == 0); /* held: verdicts may still come */

	make_rule(&r, "pre", MBT_LX_HOOK_INGRESS, -1, 4, true);
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	make_rule(&r, "pre", MBT_LX_HOOK_INGRESS, 1, 0, false); /* policy */
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	make_rule(&r, "forward", MBT_LX_HOOK_ROUTED, -1, 0, true);
	r.type = 3; /* the end-of-rules marker, with the headers */
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	make_rule(&r, "forward", MBT_LX_HOOK_ROUTED, 1, 0, false);
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	make_rule(&r, "post", MBT_LX_HOOK_EGRESS, 0, 6, true);
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	CHECK(a.stats.rules == 4 && a.npending == 0);

	CHECK(mbt_lx_asm_release(&a) == 0);
	CHECK(out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK_STR(all,
	    "packet raw-ip 84 bytes|net_dev_queue|netif_receive_skb|"
	    "nft_do_chain rule nftables inet/mbt/pre 4 continue|"
	    "nft_do_chain rule nftables inet/mbt/pre 0 pass policy|"
	    "fib_table_lookup route table 0 oif 0|"
	    "nft_do_chain rule nftables inet/mbt/forward 0 pass policy|"
	    "nft_do_chain rule nftables inet/mbt/post 6 drop|"
	    "net_dev_queue|kfree_skb end dropped: 0|");
	mbt_lx_asm_free(&a);
}

/*
 * A verdict heard before its trace started (a trace that starts where
 * the packet is dropped) waits for it; one no trace claims is counted
 * when its wait is over.
 */
static void
test_verdict_waits(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[4096];
	struct mbt_lx_rule r;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	a.hold = true;
	make_rule(&r, "forward", MBT_LX_HOOK_ROUTED, 0, 5, true);
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	make_rule(&r, "forward", MBT_LX_HOOK_ROUTED, 0, 5, true);
	r.nethdr[5] = 0x35; /* another packet: no trace will want it */
	CHECK(mbt_lx_asm_rule(&a, &r) == 0);
	CHECK(a.npending == 2 && a.stats.rules == 0);
	feed_at(&a, NS_R1, 2, "eth0", MBT_LX_P_KFREE_SKB, 50,
	    MBT_LX_F_START | MBT_LX_F_END, MBT_END_DROPPED);
	CHECK(mbt_lx_asm_release(&a) == 0);
	CHECK(out.n == 1 && a.stats.rules == 1 && a.npending == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK_STR(all, "packet raw-ip 84 bytes|"
		       "nft_do_chain rule nftables inet/mbt/forward 5 drop|"
		       "kfree_skb end dropped: 0|");
	/* Not yet given up on; then given up on, and counted. */
	CHECK(mbt_lx_asm_flush(&a, 100 + MBT_LX_RULE_WAIT_NS, 1) == 0);
	CHECK(a.npending == 1 && a.stats.rules_unmatched == 0);
	CHECK(mbt_lx_asm_flush(&a, 101 + MBT_LX_RULE_WAIT_NS, 1) == 0);
	CHECK(a.npending == 0 && a.stats.rules_unmatched == 1);
	mbt_lx_asm_free(&a);
}

/*
 * A copy (an skb sharing a traced skb's data) is a trace of its own that
 * names its original, and the original's trace names it where it was seen.
 */
static void
test_copy(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	struct mbt_trace t;
	struct ev_buf b;
	char text[256];
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(
	    &b, 1, MBT_LX_P_NETIF_RECEIVE_SKB, 10, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	n = make_event(&b, 1, MBT_LX_P_COPY, 20, 0, 0, 0);
	b.ev.related_id = 2;
	b.ev.value = MBT_LX_P_NET_DEV_QUEUE;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(&b, 2, MBT_LX_P_NET_DEV_QUEUE, 20, MBT_LX_F_START, 0, 0);
	b.ev.related_id = 1;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(
	    &b, 2, MBT_LX_P_CONSUME_SKB, 30, MBT_LX_F_END, MBT_END_CONSUMED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(
	    &b, 1, MBT_LX_P_CONSUME_SKB, 40, MBT_LX_F_END, MBT_END_CONSUMED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	/* A copy of a trace that was emitted already: only the copy's own
	 * trace names it (it is no error). */
	n = make_event(&b, 1, MBT_LX_P_COPY, 45, 0, 0, 0);
	b.ev.related_id = 7;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0 && a.nopen == 0);
	/* A trace is no copy of itself. */
	n = make_event(&b, 4, MBT_LX_P_NETIF_RX, 50, MBT_LX_F_START, 0, 0);
	b.ev.related_id = 4;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	/* A copy event that names no copy is refused. */
	n = make_event(&b, 3, MBT_LX_P_COPY, 50, 0, 0, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == -EINVAL);
	CHECK(out.n == 2);

	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.trace_id == 2 && t.parent_id == 1);
	CHECK(mbt_decode(out.buf[1], out.len[1], out.len[1], &t) == 0);
	CHECK(t.trace_id == 1 && t.parent_id == 0 && t.nrecords == 3);
	if (t.nrecords == 3) {
		CHECK(t.records[1].kind == MBT_KIND_COPY &&
		      t.records[1].has_related && t.records[1].related_id == 2);
		mbt_record_text(&t.records[1], text, sizeof(text));
		CHECK_STR(text,
		    "copy to trace 0x2 sharing its data, first seen "
		    "at net_dev_queue");
	}
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* A copy record says how the copy was made: by its reason. */
static void
test_copy_kinds(void)
{
	static const char *const want[] = {
	    "sharing its data",
	    "a fragment or segment made from it",
	    "a copy made before it was freed",
	};
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[512], expect[512];
	struct ev_buf b;
	size_t n;

	for (int reason = 0; reason < 3; reason++) {
		mbt_lx_asm_init(&a, &names, capture, &out, 0);
		a.hold = true; /* as record holds ended traces */
		out.n = 0;
		n = make_event(&b, 1, MBT_LX_P_NETIF_RECEIVE_SKB, 10,
		    MBT_LX_F_START, 0, 0);
		mbt_lx_asm_feed(&a, &b, n);
		n = make_event(&b, 1, MBT_LX_P_CONSUME_SKB, 20, MBT_LX_F_END,
		    MBT_END_CONSUMED, 0);
		mbt_lx_asm_feed(&a, &b, n);
		/* After the end: the copy shows up once its original is gone. */
		n = make_event(&b, 1, MBT_LX_P_COPY, 30, 0, 0, 0);
		b.ev.related_id = 2;
		b.ev.reason = (uint32_t)reason;
		b.ev.value = MBT_LX_P_NETIF_RECEIVE_SKB;
		CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
		mbt_lx_asm_release(&a);
		CHECK(out.n == 1);
		trace_texts(&out, all, sizeof(all));
		snprintf(expect, sizeof(expect),
		    "copy to trace 0x2 %s, first seen at netif_receive_skb|",
		    want[reason]);
		CHECK(strstr(all, expect) != NULL);
		mbt_lx_asm_free(&a);
	}
}

/*
 * GRO merged a packet into the one before it: its trace ends there, in the
 * place of its GRO hop (the event reads nothing of the freed skb; the
 * sender's driver returned after the packet had crossed).
 */
static void
test_gro_merged(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[512];
	struct mbt_trace t;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	feed_at(&a, NS_H1, 2, "eth0", MBT_LX_P_NET_DEV_START_XMIT, 10,
	    MBT_LX_F_START, 0);
	feed_at(&a, NS_R1, 2, "eth0", MBT_LX_P_GRO_RECEIVE, 20, 0, 0);
	feed_at(&a, NS_H1, 2, "eth0", MBT_LX_P_NET_DEV_XMIT, 25, 0, 0);
	feed_at(&a, 0, 0, "", MBT_LX_P_GRO_RECEIVE, 30, MBT_LX_F_END,
	    MBT_END_CONSUMED);
	CHECK(out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK(strstr(all, "|napi_gro_receive end consumed by GRO, merged into "
			  "the packet before it|") != NULL);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.nrecords >= 2 && t.records[t.nrecords - 1].has_ns &&
	      t.records[t.nrecords - 1].ns_id == NS_R1);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/*
 * Another packet at a traced skb's address: the trace ends "freed where
 * no hook saw it", placed and timed where the packet was last seen, and
 * naming that point.  A table with no match reads as a miss, where the
 * lookup was made; an end the kernel sent without a device says where.
 */
static void
test_unseen_free(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[1024];
	struct mbt_trace t;
	struct ev_buf b;
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	feed_at(&a, NS_H1, 2, "eth0", MBT_LX_P_NET_DEV_QUEUE, 10,
	    MBT_LX_F_START, 0);
	feed_at(&a, NS_R1, 5, "eth1", MBT_LX_P_NETIF_RECEIVE_SKB, 20, 0, 0);
	n = make_event(&b, 9, MBT_LX_P_FIB_TABLE_LOOKUP, 25, 0, 0, 0);
	b.ev.ifindex = 0;
	b.ev.netns = NS_R1;
	b.ev.table = 255;
	b.ev.value = -EAGAIN;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(
	    &b, 9, MBT_LX_P_UNSEEN_FREE, 900, MBT_LX_F_END, MBT_END_FREED, 0);
	b.ev.netns = 0;
	b.ev.ifindex = 0;
	b.ev.value = MBT_LX_P_NET_DEV_QUEUE;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK(strstr(all, "|fib_table_lookup route error -11 no match in "
			  "table 255: on to the next rule|") != NULL);
	CHECK(strstr(all, "|unseen_free end freed freed where no hook saw "
			  "it; last seen at fib_table_lookup, its address "
			  "another packet's at net_dev_queue|") != NULL);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.nrecords == 5);
	if (t.nrecords == 5) {
		const struct mbt_record *route = &t.records[3];
		const struct mbt_record *end = &t.records[4];

		/* The lookup where it was made: r1's eth1. */
		CHECK(route->has_ns && route->ns_id == NS_R1 &&
		      route->has_iface && route->ifindex == 5);
		CHECK(
		    end->kind == MBT_KIND_END && end->detail == MBT_END_FREED);
		CHECK(end->has_ns && end->ns_id == NS_R1 && end->ifindex == 5);
		CHECK(end->time_ns == 15); /* when it was last seen */
	}
	mbt_trace_free(&t);

	/* An end with no device (TCP's consume): where it was last. */
	out.n = 0;
	feed_at(&a, NS_R1, 5, "eth1", MBT_LX_P_NETIF_RECEIVE_SKB, 10,
	    MBT_LX_F_START, 0);
	feed_at(&a, 0, 0, "", MBT_LX_P_CONSUME_SKB, 30, MBT_LX_F_END,
	    MBT_END_CONSUMED);
	CHECK(out.n == 1);
	mbt_trace_init(&t);
	CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
	CHECK(t.nrecords >= 2 && t.records[t.nrecords - 1].has_ns &&
	      t.records[t.nrecords - 1].ns_id == NS_R1 &&
	      t.records[t.nrecords - 1].ifindex == 5);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

/* A packet queued while its next hop resolves says for which and how. */
static void
test_neigh(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[1024];
	struct ev_buf b;
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	n = make_event(
	    &b, 1, MBT_LX_P_NETIF_RECEIVE_SKB, 10, MBT_LX_F_START, 0, 0);
	mbt_lx_asm_feed(&a, &b, n);
	n = make_event(&b, 1, MBT_LX_P_NEIGH, 20, 0, 0, 0);
	b.ev.value = 0x01; /* NUD_INCOMPLETE */
	b.ev.reason = 1;
	b.ev.family = 4;
	memcpy(b.ev.gw, "\x0a\x00\x02\x62", 4);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(
	    &b, 1, MBT_LX_P_KFREE_SKB, 30, MBT_LX_F_END, MBT_END_DROPPED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK_STR(all, "netif_receive_skb|neigh_event_send neighbour "
		       "10.0.2.98 INCOMPLETE: queued until it resolves|"
		       "kfree_skb end dropped: 0|");
	mbt_lx_asm_free(&a);
}

static const char *
srcline_name(void *ctx, uint64_t addr, uint32_t *line)
{
	*line = (uint32_t)(addr & 0xfff);
	return "net/netfilter/core.c";
}

/* With the kernel's debug information, the dropping call's file:line. */
static void
test_srcline(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[1024];
	struct mbt_lx_names with_lines = names;
	struct ev_buf b;
	size_t n;

	with_lines.srcline = srcline_name;
	mbt_lx_asm_init(&a, &with_lines, capture, &out, 0);
	n = make_event(&b, 1, MBT_LX_P_KFREE_SKB, 30,
	    MBT_LX_F_START | MBT_LX_F_END, MBT_END_DROPPED, 0);
	b.ev.reason = 12;
	b.ev.location = 0xffffffff81000272ULL;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK_STR(all, "net/netfilter/core.c:626: nf_hook_slow end dropped: "
		       "NETFILTER_DROP at nf_hook_slow+0x272 (kfree_skb)|");
	mbt_lx_asm_free(&a);
}

/*
 * nf_hook_slow frees a dropped packet, then returns -EPERM: the return
 * comes after the trace's end, joins it while it is held, and says where
 * by the hop before; with the trace gone it is let go.
 */
static void
test_late_return(void)
{
	static struct mbt_lx_asm a;
	static struct emitted out;
	static char all[1024];
	struct ev_buf b;
	size_t n;

	mbt_lx_asm_init(&a, &names, capture, &out, 0);
	a.hold = true;
	n = make_event(&b, 1, MBT_LX_P_KFREE_SKB, 30,
	    MBT_LX_F_START | MBT_LX_F_END, MBT_END_DROPPED, 0);
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	n = make_event(&b, 1, MBT_LX_P_FUNCTION_RETURN, 31, 0, 0, 0);
	b.ev.netns = 0;
	b.ev.ifindex = 0;
	b.ev.value = -1;
	b.ev.location = 0xffffffff81000010ULL;
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0);
	CHECK(a.nopen == 0 && out.n == 0);
	CHECK(mbt_lx_asm_release(&a) == 0 && out.n == 1);
	trace_texts(&out, all, sizeof(all));
	CHECK_STR(all, "kfree_skb end dropped: 0|"
		       "nf_hook_slow returned -1 (EPERM)|");
	if (out.n == 1) {
		struct mbt_trace t;

		mbt_trace_init(&t);
		CHECK(mbt_decode(out.buf[0], out.len[0], out.len[0], &t) == 0);
		CHECK(t.nrecords == 2 && t.records[1].has_ns &&
		      t.records[1].ns_id == 4026532000ULL &&
		      t.records[1].ifindex == 2);
		mbt_trace_free(&t);
	}
	/* Its trace emitted: no trace of its own. */
	CHECK(mbt_lx_asm_feed(&a, &b, n) == 0 && a.nopen == 0);
	mbt_lx_asm_free(&a);
}

int
main(void)
{
	test_unseen_free();
	test_late_return();
	test_srcline();
	test_neigh();
	test_copy();
	test_copy_kinds();
	test_gro_merged();
	test_verdicts_placed();
	test_verdict_waits();
	test_function_return();
	test_delivered();
	test_one_path();
	test_rejects();
	test_lost();
	test_interleaved_and_idle();
	test_eviction();
	return check_summary("test_linux_assemble");
}
