/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of the named waits (lib/path_wait.c) and of how a packet
 * capture's own copy is known (lib/trace_tap.c), on traces encoded with the
 * library's v3 encoder the way the Linux recorder writes them.
 */
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mbuftrace/mbuftrace.h"
#include "mbuftrace/path.h"

struct ev {
	uint8_t kind, detail;
	const char *func, *text;
	uint64_t time;
};

static struct mbt_str
S(const char *s)
{
	return (struct mbt_str){s, (uint16_t)(s ? strlen(s) : 0)};
}

static void
make(struct mbt_trace *t, uint8_t *buf, size_t cap, uint64_t parent,
    const struct ev *v, size_t n)
{
	struct mbt_v3_info info = {.trace_id = 9,
	    .parent_id = parent,
	    .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_encoder e;
	int len;

	mbt_enc_begin(&e, buf, cap, &info);
	for (size_t i = 0; i < n; i++) {
		struct mbt_record r = {.kind = v[i].kind, .detail = v[i].detail};

		r.has_src = v[i].func != NULL;
		r.func = S(v[i].func);
		r.file = S("");
		r.text = S(v[i].text);
		r.has_time = true;
		r.time_ns = v[i].time;
		r.has_ns = true;
		r.ns_id = 1;
		mbt_enc_event(&e, &r);
	}
	len = mbt_enc_finish(&e, 0, 0);
	CHECK(len > 0);
	mbt_trace_init(t);
	CHECK(mbt_decode(buf, (size_t)len, (size_t)len, t) == 0);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

/* A veth crossing after a qdisc, as the recorder logs it. */
static const struct ev veth[] = {
    {MBT_KIND_POINT, 0, "net_dev_queue", NULL, 0},
    {MBT_KIND_POINT, 0, "qdisc_enqueue", NULL, 10},
    {MBT_KIND_POINT, 0, "qdisc_dequeue", NULL, 46000010},
    {MBT_KIND_POINT, 0, "net_dev_start_xmit", NULL, 46000020},
    {MBT_KIND_POINT, 0, "netif_rx", NULL, 46000030},
    {MBT_KIND_POINT, 0, "net_dev_xmit", NULL, 46000040},
    {MBT_KIND_POINT, 0, "netif_receive_skb", NULL, 46000090},
    {MBT_KIND_END, MBT_END_DELIVERED, "sk_data_ready", NULL, 46000100},
};

/* FreeBSD: an ARP hold, then the netisr queue, by their words. */
static const struct ev bsd[] = {
    {MBT_KIND_POINT, 0, "arpresolve", "arpresolve: held until an ARP reply",
	0},
    {MBT_KIND_POINT, 0, "ether_output_frame", NULL, 700},
    {MBT_KIND_POINT, 0, "netisr_queue_src", "netisr: queued for protocol 1",
	800},
    {MBT_KIND_POINT, 1, "ip_input", NULL, 900},
};

static void
test_waits(void)
{
	uint8_t buf[4096];
	struct mbt_trace t;
	struct mbt_path p;
	struct mbt_wait *w;
	long n;

	make(&t, buf, sizeof(buf), 0, veth, N(veth));
	mbt_path_init(&p);
	CHECK(mbt_path_build(&t, &p) == 0);
	n = mbt_path_waits(&p, &w);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(w[0].name, "qdisc");
		CHECK(w[0].start == 1 && w[0].end == 2);
		/* The backlog ends at the receiver, past the sender's log. */
		CHECK_STR(w[1].name, "backlog");
		CHECK(w[1].start == 4 && w[1].end == 6);
	}
	free(w);
	mbt_trace_free(&t);

	make(&t, buf, sizeof(buf), 0, bsd, N(bsd));
	CHECK(mbt_path_build(&t, &p) == 0);
	n = mbt_path_waits(&p, &w);
	CHECK(n == 2);
	if (n == 2) {
		CHECK_STR(w[0].name, "neighbour");
		CHECK(w[0].start == 0 && w[0].end == 1);
		CHECK_STR(w[1].name, "backlog");
		CHECK(w[1].start == 2 && w[1].end == 3);
	}
	free(w);
	mbt_trace_free(&t);

	/* A queue the packet never left in its trace is no wait. */
	make(&t, buf, sizeof(buf), 0, veth, 2);
	CHECK(mbt_path_build(&t, &p) == 0);
	n = mbt_path_waits(&p, &w);
	CHECK(n == 0);
	free(w);
	mbt_trace_free(&t);
	mbt_path_free(&p);
}

static void
test_taps(void)
{
	static const struct ev tap_end[] = {
	    {MBT_KIND_COPY, 0, NULL, "sharing its data, first seen at "
				     "consume_skb", 0},
	    {MBT_KIND_END, MBT_END_CONSUMED, "tpacket_rcv",
		"end consumed at tpacket_rcv+0x2f0 (consume_skb)", 5},
	};
	static const struct ev tap_func[] = {
	    {MBT_KIND_POINT, 0, "packet_rcv", NULL, 0},
	    {MBT_KIND_END, MBT_END_CONSUMED, "skb_free_datagram", NULL, 5},
	};
	static const struct ev neigh[] = {
	    {MBT_KIND_END, MBT_END_CONSUMED, "__neigh_event_send",
		"end consumed at __neigh_event_send+0x236 (consume_skb)", 0},
	};
	uint8_t buf[4096];
	struct mbt_trace t;

	make(&t, buf, sizeof(buf), 5, tap_end, N(tap_end));
	CHECK(mbt_trace_is_tap(&t));
	mbt_trace_free(&t);
	make(&t, buf, sizeof(buf), 5, tap_func, N(tap_func));
	CHECK(mbt_trace_is_tap(&t));
	mbt_trace_free(&t);
	/* Not a child: the packet itself, whatever it passed. */
	make(&t, buf, sizeof(buf), 0, tap_func, N(tap_func));
	CHECK(!mbt_trace_is_tap(&t));
	mbt_trace_free(&t);
	/* A child the stack made (a neighbour's queue), not a capture's. */
	make(&t, buf, sizeof(buf), 5, neigh, N(neigh));
	CHECK(!mbt_trace_is_tap(&t));
	mbt_trace_free(&t);
}

int
main(void)
{
	test_waits();
	test_taps();
	return check_summary("test_path_wait");
}
