/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes sample captures of traces in every format, for tests, the demo and
 * the benchmark: `mktrace SAMPLE OUT.pcap` or `mktrace bench N OUT.pcap`.
 * The paths are modelled on real kernel paths (function names, files and
 * the order they run in); the bytes are built with the library's encoders.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/mbuftrace.h"
#include "samples.h"

#define T0 1767132000 /* 2025-12-30 22:00:00 UTC */

static FILE *out;
static uint32_t clock_usec;

static void
emit(const uint8_t *buf, size_t caplen, size_t wirelen)
{
	clock_usec += 1000;
	if (mbt_pcap_write_packet(out, T0 + clock_usec / 1000000,
		clock_usec % 1000000, buf, (uint32_t)caplen,
		(uint32_t)wirelen) != 0) {
		perror("mktrace: write");
		exit(1);
	}
}

/* --- v1 and v2: the prototype's layouts, with its kind of strings. --- */

static const char *const if_path[] = {
    "/usr/src/sys/net/if.c:3982: IFQ_HANDOFF_ADJ(vtnet0)",
    "/usr/src/sys/net/if.c:3982: IFQ_ENQUEUE",
    "/usr/src/sys/net/if.c:3982: _IF_ENQUEUE",
    "/usr/src/sys/net/if.c:4782: _IF_DEQUEUE",
    "/usr/src/sys/net/if.c:4782: IFQ_DEQUEUE_NOLOCK",
    "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)",
};
#define NPATH (sizeof(if_path) / sizeof(if_path[0]))

static void
sample_v1(int little_endian)
{
	static const char *const positions[] = {
	    "/usr/src/sys/net/if_ethersubr.c:612",
	    "/usr/src/sys/net/if.c:4012: if_input(em0)",
	    "free text without a source position",
	};
	struct frame f;
	uint8_t buf[1024];
	int n;

	for (uint16_t seq = 0; seq < 2; seq++) {
		frame_icmp_echo(&f, "10.0.0.1", "10.0.0.2", 64, 8, 0x46aa, seq);
		n = mbt_enc_v1(buf, sizeof(buf), little_endian, if_path, NPATH,
		    f.b, f.len);
		emit(buf, (size_t)n, (size_t)n);
	}
	frame_arp_request(&f, "10.0.0.1", "10.0.0.2");
	n = mbt_enc_v1(
	    buf, sizeof(buf), little_endian, positions, 3, f.b, f.len);
	emit(buf, (size_t)n, (size_t)n);
	/* No records at all: just the packet. */
	n = mbt_enc_v1(buf, sizeof(buf), little_endian, NULL, 0, f.b, f.len);
	emit(buf, (size_t)n, (size_t)n);
}

/*
 * ntraces traces of the if_path, each between two snapshots: an ARP request,
 * then ICMP echoes.  In the early layout the second trace stores every
 * other string as type 3.
 */
static void
v2_paths(uint16_t ntraces, bool early)
{
	struct mbt_v2_item items[NPATH + 2];
	struct frame f;
	uint8_t buf[1024];
	int n;

	for (uint16_t seq = 0; seq < ntraces; seq++) {
		if (seq == 0)
			frame_arp_request(&f, "10.0.0.1", "10.0.0.1");
		else
			frame_icmp_echo(
			    &f, "10.0.0.1", "10.0.0.2", 64, 8, 0x46aa, seq);
		items[0] = (struct mbt_v2_item){.pkt = f.b, .pktlen = f.len};
		for (size_t i = 0; i < NPATH; i++)
			items[i + 1] = (struct mbt_v2_item){.text = if_path[i],
			    .alt = early && seq == 1 && i % 2 == 1};
		items[NPATH + 1] = items[0];
		n = early ? mbt_enc_v2_early(buf, sizeof(buf), items, NPATH + 2)
			  : mbt_enc_v2(buf, sizeof(buf), items, NPATH + 2);
		emit(buf, (size_t)n, (size_t)n);
	}
}

static void
sample_v2(void)
{
	v2_paths(3, false);
}

/*
 * The early v2 layout (types 1 = Ethernet, 2 and 3 = strings), and the
 * traces whose records are all of type 1, which only their content tells
 * apart: Ethernet frames (early) or strings (later).
 */
static void
sample_v2_early(void)
{
	struct mbt_v2_item items[NPATH];
	struct frame f;
	uint8_t buf[1024];
	int n;

	v2_paths(2, true);
	/* Type 1 only, Ethernet frames: early, packets. */
	frame_icmp_echo(&f, "10.0.0.1", "10.0.0.2", 64, 8, 0x46aa, 2);
	items[0] = (struct mbt_v2_item){.pkt = f.b, .pktlen = f.len};
	items[1] = items[0];
	n = mbt_enc_v2_early(buf, sizeof(buf), items, 2);
	emit(buf, (size_t)n, (size_t)n);
	/* Type 1 only, strings: the later layout. */
	for (size_t i = 0; i < NPATH; i++)
		items[i] = (struct mbt_v2_item){.text = if_path[i]};
	n = mbt_enc_v2(buf, sizeof(buf), items, NPATH);
	emit(buf, (size_t)n, (size_t)n);
}

/* --- v3: our layout, with the context the kernels know. --- */

struct v3 {
	struct mbt_encoder enc;
	uint8_t buf[MBT_V3_MAX_TRACE_LEN];
	uint64_t time_ns;
	uint16_t cpu;
	const char *ifname, *ns;
	uint32_t ifindex;
	uint64_t ns_id;
};

static struct mbt_str
S(const char *s) {
	struct mbt_str r = {s, (uint16_t)(s ? strlen(s) : 0)};

	return r;
}

static void
v3_begin(struct v3 *t, uint8_t origin, uint64_t id, uint64_t parent,
    uint16_t tail_linktype)
{
	struct mbt_v3_info info = {.trace_id = id,
	    .parent_id = parent,
	    .start_ns = (uint64_t)(T0 + clock_usec / 1000000) * 1000000000u,
	    .origin = origin,
	    .tail_linktype = tail_linktype};

	mbt_enc_begin(&t->enc, t->buf, sizeof(t->buf), &info);
	t->time_ns = 0;
}

/* Where the packet is now: every later record carries it. */
static void
v3_at(struct v3 *t, const char *ns, uint64_t ns_id, const char *ifname,
    uint32_t ifindex, uint16_t cpu)
{
	t->ns = ns;
	t->ns_id = ns_id;
	t->ifname = ifname;
	t->ifindex = ifindex;
	t->cpu = cpu;
}

static struct mbt_record
v3_rec(struct v3 *t, uint8_t kind, uint8_t detail, uint64_t dt_ns)
{
	struct mbt_record r = {.kind = kind, .detail = detail};

	t->time_ns += dt_ns;
	r.has_time = r.has_cpu = true;
	r.time_ns = t->time_ns;
	r.cpu = t->cpu;
	r.has_ns = t->ns != NULL;
	r.ns_name = S(t->ns);
	r.ns_id = t->ns_id;
	r.has_iface = t->ifname != NULL;
	r.ifname = S(t->ifname);
	r.ifindex = t->ifindex;
	return r;
}

static void
v3_point(struct v3 *t, const char *file, uint32_t line, const char *func,
    uint8_t phase, const char *text)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_POINT, phase, 1500);

	r.has_src = true;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	r.text = S(text);
	mbt_enc_event(&t->enc, &r);
}

static void
v3_packet(
    struct v3 *t, uint16_t linktype, const uint8_t *p, size_t len, size_t snap)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_PACKET, 0, 200);

	r.has_packet = true;
	r.linktype = linktype;
	r.orig_len = (uint32_t)len;
	r.pkt = p;
	r.pkt_len = (uint32_t)(len < snap ? len : snap);
	mbt_enc_event(&t->enc, &r);
}

static void
v3_iface(struct v3 *t)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_IFACE, 0, 4000);

	mbt_enc_event(&t->enc, &r);
}

static void
v3_rule(struct v3 *t, uint8_t fw, const char *table, uint64_t number,
    uint8_t verdict)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_RULE, verdict, 900);

	r.has_rule = true;
	r.fw = fw;
	r.rule_table = S(table);
	r.rule_number = number;
	mbt_enc_event(&t->enc, &r);
}

static void
v3_route(
    struct v3 *t, uint32_t table, const char *gw, uint32_t oif, int32_t error)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_ROUTE, 0, 700);

	r.has_route = true;
	r.route_table = table;
	r.route_oif = oif;
	r.route_error = error;
	if (gw != NULL) {
		r.route_family = 4;
		inet_pton(AF_INET, gw, r.route_gw);
	}
	mbt_enc_event(&t->enc, &r);
}

static void
v3_end(struct v3 *t, uint8_t how, uint32_t code, const char *reason,
    const char *file, uint32_t line, const char *func)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_END, how, 2500);

	r.has_reason = reason != NULL;
	r.reason_code = code;
	r.reason = S(reason);
	r.has_src = file != NULL;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	mbt_enc_event(&t->enc, &r);
}

static void
v3_copy(struct v3 *t, uint64_t child, const char *file, uint32_t line,
    const char *func)
{
	struct mbt_record r = v3_rec(t, MBT_KIND_COPY, 0, 300);

	r.has_related = true;
	r.related_id = child;
	r.has_src = true;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	mbt_enc_event(&t->enc, &r);
}

static void
v3_emit(struct v3 *t, uint32_t lost, const uint8_t *tail, size_t tail_len)
{
	uint8_t pkt[MBT_V3_MAX_TRACE_LEN + FRAME_MAX];
	int n = mbt_enc_finish(&t->enc, 0, lost);

	if (n < 0) {
		fprintf(stderr, "mktrace: encoding failed: %s\n", strerror(-n));
		exit(1);
	}
	memcpy(pkt, t->buf, (size_t)n);
	if (tail_len > 0)
		memcpy(pkt + n, tail, tail_len);
	emit(pkt, (size_t)n + tail_len, (size_t)n + tail_len);
}

#define NS_H1 4026532281u
#define NS_R1 4026532353u
#define NS_H2 4026532425u

/* Linux: h1 -> r1 (forwards, TTL 64 -> 63) -> h2, where ICMP consumes it. */
static void
linux_forwarded_ping(struct v3 *t, uint64_t id, uint16_t seq)
{
	struct frame f, g;

	frame_icmp_echo(&f, "10.0.1.1", "10.0.2.2", 64, 8, 0x1f2e, seq);
	frame_icmp_echo(&g, "10.0.1.1", "10.0.2.2", 63, 8, 0x1f2e, seq);
	v3_begin(t, MBT_ORIGIN_LINUX, id, 0, MBT_LINKTYPE_NONE);
	v3_at(t, "h1", NS_H1, "eth0", 2, 0);
	v3_packet(t, MBT_LINKTYPE_ETHERNET, f.b, f.len, 128);
	v3_point(t, "net/core/dev.c", 4476, "__dev_queue_xmit", MBT_POINT_ENTER,
	    NULL);
	v3_point(
	    t, "drivers/net/veth.c", 345, "veth_xmit", MBT_POINT_ENTER, NULL);
	v3_at(t, "r1", NS_R1, "eth0", 2, 1);
	v3_iface(t);
	v3_point(t, "net/core/dev.c", 5640, "__netif_receive_skb_core",
	    MBT_POINT_ENTER, NULL);
	v3_point(
	    t, "net/ipv4/ip_input.c", 565, "ip_rcv", MBT_POINT_ENTER, NULL);
	v3_route(t, 254, "10.0.2.2", 3, 0);
	v3_point(t, "net/ipv4/ip_forward.c", 87, "ip_forward", MBT_POINT_ENTER,
	    NULL);
	v3_rule(t, MBT_FW_NFTABLES, "inet/filter/forward", 4, MBT_VERDICT_PASS);
	v3_packet(t, MBT_LINKTYPE_ETHERNET, g.b, g.len, 128);
	v3_at(t, "r1", NS_R1, "eth1", 3, 1);
	v3_point(
	    t, "net/ipv4/ip_output.c", 425, "ip_output", MBT_POINT_ENTER, NULL);
	v3_point(t, "net/core/dev.c", 4476, "__dev_queue_xmit", MBT_POINT_ENTER,
	    NULL);
	v3_at(t, "h2", NS_H2, "eth0", 2, 1);
	v3_iface(t);
	v3_point(
	    t, "net/ipv4/ip_input.c", 565, "ip_rcv", MBT_POINT_ENTER, NULL);
	v3_point(t, "net/ipv4/icmp.c", 1221, "icmp_rcv", MBT_POINT_ENTER,
	    "echo request");
	v3_end(
	    t, MBT_END_CONSUMED, 0, NULL, "net/ipv4/icmp.c", 1262, "icmp_rcv");
	v3_emit(t, 0, NULL, 0);
}

/* Linux: a UDP datagram dropped by an nftables rule in r1. */
static void
linux_dropped_udp(struct v3 *t, uint64_t id)
{
	struct frame f;

	frame_udp(&f, "10.0.1.1", "10.0.2.2", 40000, 33434, 64, 12);
	v3_begin(t, MBT_ORIGIN_LINUX, id, 0, MBT_LINKTYPE_NONE);
	v3_at(t, "r1", NS_R1, "eth0", 2, 0);
	v3_packet(t, MBT_LINKTYPE_ETHERNET, f.b, f.len, 128);
	v3_point(
	    t, "net/ipv4/ip_input.c", 565, "ip_rcv", MBT_POINT_ENTER, NULL);
	v3_route(t, 254, "10.0.2.2", 3, 0);
	v3_point(t, "net/ipv4/ip_forward.c", 87, "ip_forward", MBT_POINT_ENTER,
	    NULL);
	v3_rule(t, MBT_FW_NFTABLES, "inet/filter/forward", 7, MBT_VERDICT_DROP);
	v3_end(t, MBT_END_DROPPED, 6, "NETFILTER_DROP", "net/netfilter/core.c",
	    622, "nf_hook_slow");
	v3_emit(t, 0, NULL, 0);
}

/* Linux: a TCP SYN delivered to a listening socket in h2. */
static void
linux_delivered_syn(struct v3 *t, uint64_t id)
{
	struct frame f, raw;

	frame_tcp_syn(&f, "10.0.1.1", "10.0.2.2", 43210, 80, 63);
	frame_strip_ethernet(&f, &raw);
	v3_begin(t, MBT_ORIGIN_LINUX, id, 0, MBT_LINKTYPE_NONE);
	v3_at(t, "h2", NS_H2, "eth0", 2, 1);
	v3_packet(t, MBT_LINKTYPE_RAW, raw.b, raw.len, 128);
	v3_point(
	    t, "net/ipv4/ip_input.c", 565, "ip_rcv", MBT_POINT_ENTER, NULL);
	v3_point(t, "net/ipv4/tcp_ipv4.c", 2150, "tcp_v4_rcv", MBT_POINT_ENTER,
	    NULL);
	v3_end(t, MBT_END_DELIVERED, 0, NULL, "net/ipv4/tcp_ipv4.c", 2339,
	    "tcp_v4_rcv");
	v3_emit(t, 0, NULL, 0);
}

/* FreeBSD: a ping across an epair into VNET jail "j2", through ipfw. */
static void
freebsd_epair_ping(struct v3 *t, uint64_t id, uint64_t child)
{
	struct frame f;

	frame_icmp_echo(&f, "192.0.2.1", "192.0.2.2", 64, 8, 0x2b, 0);
	v3_begin(t, MBT_ORIGIN_FREEBSD, id, 0, MBT_LINKTYPE_ETHERNET);
	v3_at(t, "j1", 2, "epair0a", 3, 0);
	v3_point(t, "sys/netinet/ip_output.c", 345, "ip_output",
	    MBT_POINT_ENTER, NULL);
	v3_rule(t, MBT_FW_IPFW, NULL, 100, MBT_VERDICT_PASS);
	v3_point(t, "sys/net/if_ethersubr.c", 438, "ether_output_frame",
	    MBT_POINT_PLAIN, NULL);
	v3_point(t, "sys/net/if_epair.c", 380, "epair_transmit",
	    MBT_POINT_PLAIN, NULL);
	v3_copy(t, child, "sys/net/bpf.c", 2440, "bpf_mtap");
	v3_at(t, "j2", 3, "epair0b", 4, 1);
	v3_iface(t);
	v3_point(t, "sys/net/if_ethersubr.c", 524, "ether_input",
	    MBT_POINT_ENTER, NULL);
	v3_point(t, "sys/netinet/ip_input.c", 460, "ip_input", MBT_POINT_ENTER,
	    NULL);
	v3_point(t, "sys/netinet/ip_icmp.c", 405, "icmp_input", MBT_POINT_ENTER,
	    NULL);
	v3_end(t, MBT_END_CONSUMED, 0, NULL, "sys/netinet/ip_icmp.c", 640,
	    "icmp_input");
	v3_emit(t, 0, f.b, f.len);
}

/* A trace that filled up: records were lost and the flag says so. */
static void
linux_full_trace(struct v3 *t, uint64_t id)
{
	struct frame f;

	frame_icmp6_echo(&f, "2001:db8::1", "2001:db8::2", 64, 7, 1);
	v3_begin(t, MBT_ORIGIN_LINUX, id, 0, MBT_LINKTYPE_NONE);
	v3_at(t, "h1", NS_H1, "eth0", 2, 0);
	v3_packet(t, MBT_LINKTYPE_ETHERNET, f.b, f.len, 128);
	v3_point(t, "net/ipv6/ip6_output.c", 226, "ip6_output", MBT_POINT_ENTER,
	    NULL);
	v3_point(t, "net/core/dev.c", 4476, "__dev_queue_xmit", MBT_POINT_ENTER,
	    NULL);
	v3_emit(t, 12, NULL, 0);
}

/*
 * A newer writer's trace: a record type and an attribute type this reader
 * does not know, which it must skip.
 */
static void
newer_writer(struct v3 *t, uint64_t id)
{
	static const uint8_t unknown_record[] = {0, 99, 0, 3, 'n', 'e', 'w'};
	struct mbt_record r = v3_rec(t, MBT_KIND_POINT, 0, 100);
	uint8_t *ev;

	v3_begin(t, MBT_ORIGIN_LINUX, id, 0, MBT_LINKTYPE_NONE);
	memcpy(t->buf + t->enc.len, unknown_record, sizeof(unknown_record));
	t->enc.len += sizeof(unknown_record);
	r.has_src = true;
	r.file = S("net/core/dev.c");
	r.line = 5640;
	r.func = S("__netif_receive_skb_core");
	mbt_enc_event(&t->enc, &r); /* interns the strings */
	ev = t->buf + t->enc.len;   /* so the second is only an EVENT */
	mbt_enc_event(&t->enc, &r);
	/* Grow the EVENT by an attribute of unknown type 77 with 2 bytes. */
	ev[3] = (uint8_t)(ev[3] + 6);
	memcpy(t->buf + t->enc.len, "\x00\x4d\x00\x02\x01\x02", 6);
	t->enc.len += 6;
	v3_emit(t, 0, NULL, 0);
}

/* A point of a Linux hook (no file, no line), for the caller's values. */
static struct mbt_record
v3_hook(struct v3 *t, uint8_t kind, uint8_t detail, const char *func)
{
	struct mbt_record r = v3_rec(t, kind, detail, 1200);

	r.has_src = func != NULL;
	r.func = S(func);
	return r;
}

/*
 * Typed values (VALUES) as the Linux recorder writes them: a ping from h1
 * through r1, whose neighbour does not answer, and a datagram read by a
 * process in h2 (IPv6 neighbour, a key no reader knows yet).
 */
static void
sample_values(void)
{
	static struct v3 t;
	static const uint8_t gw4[4] = {10, 0, 2, 98};
	uint8_t gw6[16] = {0xfe, 0x80, [15] = 2};
	struct frame f;
	struct mbt_record r;

	frame_icmp_echo(&f, "10.0.1.1", "10.0.2.98", 64, 8, 0x77, 1);
	v3_begin(&t, MBT_ORIGIN_LINUX, 0x3001, 0, MBT_LINKTYPE_NONE);
	v3_at(&t, "h1", NS_H1, "eth0", 2, 0);
	v3_packet(&t, MBT_LINKTYPE_ETHERNET, f.b, f.len, 128);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "qdisc_enqueue");
	mbt_record_add_int(&r, MBT_VAL_QDISC_HANDLE, 0x10000);
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "net_dev_xmit");
	mbt_record_add_int(&r, MBT_VAL_RC, 0);
	mbt_record_add_str(&r, MBT_VAL_DEV_KIND, S("veth"));
	mbt_enc_event(&t.enc, &r);
	v3_at(&t, "r1", NS_R1, "eth0", 2, 1);
	r = v3_hook(&t, MBT_KIND_ROUTE, 0, "fib_table_lookup");
	r.has_route = true;
	r.route_table = 255;
	r.route_error = -11;
	mbt_record_add_int(&r, MBT_VAL_ROUTE_NEXT, 1);
	mbt_enc_event(&t.enc, &r);
	v3_route(&t, 254, NULL, 3, 0);
	r = v3_hook(&t, MBT_KIND_POINT, MBT_POINT_LEAVE, "nf_hook_slow");
	mbt_record_add_int(&r, MBT_VAL_RETURN, -22);
	mbt_record_add_str(&r, MBT_VAL_RETURN_NAME, S("EINVAL"));
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(&t, MBT_KIND_COPY, 0, NULL);
	r.has_related = true;
	r.related_id = 0x3002;
	mbt_record_add_int(&r, MBT_VAL_COPY_HOW, MBT_COPY_SHARED);
	mbt_record_add_str(&r, MBT_VAL_SEEN_AT, S("netif_receive_skb"));
	mbt_enc_event(&t.enc, &r);
	v3_at(&t, "r1", NS_R1, "eth1", 3, 1);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "neigh_event_send");
	mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 4, gw4);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_STATE, 0x01);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_QUEUED, 1);
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "icmp_send");
	mbt_record_add_int(&r, MBT_VAL_ICMP_TYPE, 3);
	mbt_record_add_int(&r, MBT_VAL_ICMP_CODE, 1);
	mbt_enc_event(&t.enc, &r);
	v3_end(&t, MBT_END_DROPPED, 65, "NEIGH_FAILED", NULL, 0, NULL);
	v3_emit(&t, 0, NULL, 0);

	frame_udp(&f, "10.0.1.1", "10.0.2.2", 40000, 33434, 63, 8);
	v3_begin(&t, MBT_ORIGIN_LINUX, 0x3003, 0, MBT_LINKTYPE_NONE);
	v3_at(&t, "h2", NS_H2, "eth0", 2, 1);
	v3_packet(&t, MBT_LINKTYPE_ETHERNET, f.b, f.len, 128);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "neigh_event_send");
	mbt_record_add_addr(&r, MBT_VAL_NEIGH_ADDR, 6, gw6);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_STATE, 0x08);
	mbt_record_add_int(&r, MBT_VAL_NEIGH_QUEUED, 0);
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(&t, MBT_KIND_POINT, 0, "sock_rcvqueue_full");
	mbt_record_add_int(&r, MBT_VAL_RCVQ_FULL, 1);
	mbt_record_add_int(&r, 300, 7); /* a key from a newer writer */
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(&t, MBT_KIND_END, MBT_END_DELIVERED, "sk_data_ready");
	mbt_record_add_int(&r, MBT_VAL_SOCK_TAP, 0);
	mbt_record_add_int(&r, MBT_VAL_SOCK_TYPE, 3);
	mbt_enc_event(&t.enc, &r);
	r = v3_hook(
	    &t, MBT_KIND_END, MBT_END_DELIVERED, "skb_copy_datagram_iovec");
	mbt_record_add_int(&r, MBT_VAL_BYTES, 8);
	mbt_record_add_int(&r, MBT_VAL_PID, 4321);
	mbt_enc_event(&t.enc, &r);
	v3_emit(&t, 0, NULL, 0);
}

/* The demo shows the paths; the v3 sample adds a newer writer's trace. */
static void
sample_v3(bool with_newer_writer)
{
	static struct v3 t;

	linux_forwarded_ping(&t, 0x1001, 1);
	linux_dropped_udp(&t, 0x1002);
	linux_delivered_syn(&t, 0x1003);
	freebsd_epair_ping(&t, 0x2001, 0x2002);
	linux_full_trace(&t, 0x1004);
	if (with_newer_writer)
		newer_writer(&t, 0x1005);
}

static int
usage(void)
{
	fprintf(stderr,
	    "usage: mktrace v1-le|v1-be|v2|v2-early|v3|values|malformed|demo "
	    "OUT.pcap\n"
	    "       mktrace bench COUNT OUT.pcap\n");
	return 2;
}

int
main(int argc, char **argv)
{
	const char *sample = argc > 1 ? argv[1] : "";
	const char *path = argc > 2 ? argv[argc - 1] : NULL;
	unsigned long count = 0;

	if (argc != 3 && !(argc == 4 && strcmp(sample, "bench") == 0))
		return usage();
	if (argc == 4)
		count = strtoul(argv[2], NULL, 10);
	out = strcmp(path, "-") == 0 ? stdout : fopen(path, "wb");
	if (out == NULL) {
		fprintf(stderr, "mktrace: %s: %s\n", path, strerror(errno));
		return 1;
	}
	mbt_pcap_write_header(out, MBT_DLT_USER0, 262144);
	if (strcmp(sample, "v1-le") == 0)
		sample_v1(1);
	else if (strcmp(sample, "v1-be") == 0)
		sample_v1(0);
	else if (strcmp(sample, "v2") == 0)
		sample_v2();
	else if (strcmp(sample, "v2-early") == 0)
		sample_v2_early();
	else if (strcmp(sample, "v3") == 0)
		sample_v3(true);
	else if (strcmp(sample, "demo") == 0)
		sample_v3(false);
	else if (strcmp(sample, "values") == 0)
		sample_values();
	else if (strcmp(sample, "malformed") == 0)
		sample_malformed(emit);
	else if (strcmp(sample, "bench") == 0)
		sample_bench(count, emit);
	else
		return usage();
	if (fflush(out) != 0 || ferror(out)) {
		fprintf(stderr, "mktrace: %s: write failed\n", path);
		return 1;
	}
	return 0;
}
