/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes three hosts' captures of the same packets, for the journey tests:
 * `mkjourney DIR` writes DIR/h1.pcap, DIR/h2.pcap and DIR/h3.pcap.
 *
 * h1 (Linux, 10.0.1.1) pings h3 (Linux, 10.0.3.3) through h2 (FreeBSD, pf
 * NAT: 10.0.1.1 becomes 192.0.2.2, ICMP id 7 becomes 30007).  Requests take
 * 100 us a link, replies 300 us.  h2's clock is 5.000300 s ahead of h1's,
 * h3's 3.2 s behind: merge must find offsets -5.000300 s and +3.200000 s
 * within its stated error.  Then pf drops one request on h2, and h1 sends
 * two UDP packets that look exactly alike, which must not be joined.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/mbuftrace.h"

#define T0 1767132000000000000LL /* 2025-12-30 22:00:00 UTC, true time */
#define H2_AHEAD 5000300000LL	 /* h2's clock minus the true time */
#define H3_AHEAD (-3200000000LL)
#define FWD_NS 100000 /* request transit per link */
#define REV_NS 300000 /* reply transit per link */

enum { H1, H2, H3, NHOSTS };
static const int64_t ahead[NHOSTS] = {0, H2_AHEAD, H3_AHEAD};
static const uint8_t origin[NHOSTS] = {
    MBT_ORIGIN_LINUX, MBT_ORIGIN_FREEBSD, MBT_ORIGIN_LINUX};
static FILE *files[NHOSTS];
static uint64_t next_id = 0x1000;

/* One trace being written, on its host's clock. */
struct tr {
	int host;
	int64_t start; /* true time */
	uint64_t t;    /* ns since start */
	const char *ifname;
	uint32_t ifindex;
	struct mbt_encoder enc;
	uint8_t buf[4096];
};

static struct mbt_str
S(const char *s)
{
	return (struct mbt_str){s, s ? (uint16_t)strlen(s) : 0};
}

static void
begin(struct tr *t, int host, int64_t start)
{
	struct mbt_v3_info info = {
	    .trace_id = next_id++,
	    .start_ns = (uint64_t)(start + ahead[host]),
	    .origin = origin[host],
	    .tail_linktype = MBT_LINKTYPE_NONE,
	};

	t->host = host;
	t->start = start;
	t->t = 0;
	t->ifname = NULL;
	mbt_enc_begin(&t->enc, t->buf, sizeof(t->buf), &info);
}

static struct mbt_record
rec(struct tr *t, uint8_t kind, uint8_t detail, uint64_t dt)
{
	struct mbt_record r = {.kind = kind, .detail = detail};

	t->t += dt;
	r.has_time = r.has_cpu = true;
	r.time_ns = t->t;
	r.has_iface = t->ifname != NULL;
	r.ifname = S(t->ifname);
	r.ifindex = t->ifindex;
	return r;
}

static void
at(struct tr *t, const char *ifname, uint32_t ifindex)
{
	struct mbt_record r;

	t->ifname = ifname;
	t->ifindex = ifindex;
	r = rec(t, MBT_KIND_IFACE, 0, 500);
	mbt_enc_event(&t->enc, &r);
}

static void
packet(struct tr *t, const struct frame *f)
{
	struct mbt_record r = rec(t, MBT_KIND_PACKET, 0, 200);

	r.has_packet = true;
	r.linktype = MBT_LINKTYPE_ETHERNET;
	r.orig_len = r.pkt_len = (uint32_t)f->len;
	r.pkt = f->b;
	mbt_enc_event(&t->enc, &r);
}

static void
point(struct tr *t, const char *file, uint32_t line, const char *func)
{
	struct mbt_record r = rec(t, MBT_KIND_POINT, MBT_POINT_ENTER, 1500);

	r.has_src = true;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	mbt_enc_event(&t->enc, &r);
}

static void
rule(struct tr *t, uint64_t number, uint8_t verdict, const char *text)
{
	struct mbt_record r = rec(t, MBT_KIND_RULE, verdict, 900);

	r.has_rule = true;
	r.fw = MBT_FW_PF;
	r.rule_number = number;
	r.text = S(text);
	mbt_enc_event(&t->enc, &r);
}

static void
route(struct tr *t, const char *gw, uint32_t oif)
{
	struct mbt_record r = rec(t, MBT_KIND_ROUTE, 0, 700);

	r.has_route = true;
	r.route_oif = oif;
	r.route_family = 4;
	sscanf(gw, "%hhu.%hhu.%hhu.%hhu", &r.route_gw[0], &r.route_gw[1],
	    &r.route_gw[2], &r.route_gw[3]);
	mbt_enc_event(&t->enc, &r);
}

/* The end; returns when it happened, in true time. */
static int64_t
end(struct tr *t, uint8_t how, const char *reason)
{
	struct mbt_record r = rec(t, MBT_KIND_END, how, 2500);
	int64_t when = t->start + (int64_t)t->t, local = when + ahead[t->host];
	int n;

	r.has_reason = reason != NULL;
	r.reason_code = reason != NULL ? 1 : 0;
	r.reason = S(reason);
	mbt_enc_event(&t->enc, &r);
	n = mbt_enc_finish(&t->enc, 0, 0);
	if (n < 0 || mbt_pcap_write_packet(files[t->host], local / 1000000000,
			 (uint32_t)(local % 1000000000 / 1000), t->buf,
			 (uint32_t)n, (uint32_t)n) != 0) {
		fprintf(stderr, "mkjourney: cannot write a trace\n");
		exit(1);
	}
	return when;
}

static void
echo(struct frame *f, const char *src, const char *dst, uint8_t ttl,
    uint8_t type, uint16_t id, uint16_t seq, uint16_t ipid)
{
	frame_icmp_echo(f, src, dst, ttl, type, id, seq);
	frame_set_ip_id(f, ipid);
}

/* h1 pings h3 through h2; with drop, pf on h2 drops the request. */
static void
ping(int64_t when, uint16_t seq, int drop)
{
	struct tr *t = calloc(1, sizeof(*t));
	struct frame a, b;

	echo(&a, "10.0.1.1", "10.0.3.3", 64, 8, 7, seq, 0x100 + seq);
	begin(t, H1, when);
	at(t, "eth0", 2);
	packet(t, &a);
	point(t, "net/ipv4/ip_output.c", 425, "ip_output");
	point(t, "net/core/dev.c", 4476, "__dev_queue_xmit");
	when = end(t, MBT_END_SENT, NULL) + FWD_NS;

	begin(t, H2, when);
	at(t, "vtnet0", 1);
	packet(t, &a);
	point(t, "/usr/src/sys/netinet/ip_input.c", 469, "ip_input");
	if (drop) {
		rule(t, 2, MBT_VERDICT_DROP, "block drop in quick proto icmp");
		end(t, MBT_END_DROPPED, "PFIL_DROP");
		free(t);
		return;
	}
	rule(t, 3, MBT_VERDICT_PASS, "nat on vtnet1 from 10.0.1.0/24 to any "
				     "-> 192.0.2.2");
	route(t, "192.0.2.3", 2);
	echo(&b, "192.0.2.2", "10.0.3.3", 63, 8, 30007, seq, 0x100 + seq);
	at(t, "vtnet1", 2);
	packet(t, &b);
	point(t, "/usr/src/sys/netinet/ip_output.c", 788, "ip_output");
	when = end(t, MBT_END_SENT, NULL) + FWD_NS;

	begin(t, H3, when);
	at(t, "eth0", 2);
	packet(t, &b);
	point(t, "net/ipv4/ip_input.c", 565, "ip_rcv");
	point(t, "net/ipv4/icmp.c", 1183, "icmp_rcv");
	when = end(t, MBT_END_CONSUMED, NULL);

	/* The reply, 50 us later. */
	echo(&a, "10.0.3.3", "192.0.2.2", 64, 0, 30007, seq, 0x200 + seq);
	begin(t, H3, when + 50000);
	at(t, "eth0", 2);
	packet(t, &a);
	point(t, "net/ipv4/icmp.c", 378, "icmp_reply");
	when = end(t, MBT_END_SENT, NULL) + REV_NS;

	begin(t, H2, when);
	at(t, "vtnet1", 2);
	packet(t, &a);
	point(t, "/usr/src/sys/netinet/ip_input.c", 469, "ip_input");
	rule(t, 3, MBT_VERDICT_PASS, "nat state");
	echo(&b, "10.0.3.3", "10.0.1.1", 63, 0, 7, seq, 0x200 + seq);
	at(t, "vtnet0", 1);
	packet(t, &b);
	when = end(t, MBT_END_SENT, NULL) + REV_NS;

	begin(t, H1, when);
	at(t, "eth0", 2);
	packet(t, &b);
	point(t, "net/ipv4/icmp.c", 1183, "icmp_rcv");
	end(t, MBT_END_DELIVERED, NULL);
	free(t);
}

/* Two UDP packets alike in every byte, 1 ms apart: h2 sees both. */
static void
twins(int64_t when)
{
	struct tr *t = calloc(1, sizeof(*t));
	struct frame a;

	frame_udp(&a, "10.0.1.1", "10.0.3.3", 5000, 53, 64, 24);
	frame_set_ip_id(&a, 0);
	for (int i = 0; i < 2; i++) {
		begin(t, H1, when + i * 1000000);
		at(t, "eth0", 2);
		packet(t, &a);
		end(t, MBT_END_SENT, NULL);
	}
	for (int i = 0; i < 2; i++) {
		begin(t, H2, when + i * 1000000 + FWD_NS + 3000);
		at(t, "vtnet0", 1);
		packet(t, &a);
		end(t, MBT_END_DROPPED, "PFIL_DROP");
	}
	free(t);
}

int
main(int argc, char **argv)
{
	static const char *const names[NHOSTS] = {"h1", "h2", "h3"};
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: mkjourney DIR\n");
		return 2;
	}
	for (int h = 0; h < NHOSTS; h++) {
		snprintf(path, sizeof(path), "%s/%s.pcap", argv[1], names[h]);
		files[h] = fopen(path, "wb");
		if (files[h] == NULL ||
		    mbt_pcap_write_header(files[h], 147, 65535) != 0) {
			fprintf(stderr, "mkjourney: %s: %s\n", path,
			    strerror(errno));
			return 1;
		}
	}
	for (uint16_t seq = 1; seq <= 3; seq++)
		ping(T0 + (int64_t)seq * 1000000000, seq, 0);
	ping(T0 + 4000000000LL, 4, 1);
	twins(T0 + 5000000000LL);
	for (int h = 0; h < NHOSTS; h++)
		if (fclose(files[h]) != 0)
			return 1;
	return 0;
}
