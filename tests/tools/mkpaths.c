/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes captures of traffic on the example IMUNES topologies, for the
 * tests of `mbuftrace paths`, `diff`, `expect` and `graph`: many packets
 * per path, odd packets within a flow, and stack instances named the way
 * IMUNES names them.
 *   mkpaths lab OUT.pcap      examples/imunes/lab.imn, Linux namespaces
 *                             named after the nodes
 *   mkpaths jails OUT.pcap    examples/imunes/two-routers.imn, FreeBSD
 *                             VNET jails named EID.NODE as IMUNES does
 *   mkpaths mix N OUT.pcap    N packets of the lab's paths, for timing
 *   mkpaths netns FILE.imn EID
 *                             the namespaces of an IMUNES topology, as
 *                             lines a test turns into `ip` commands
 *   mkpaths distinct N OUT.pcap
 *                             N packets, each on a path of its own (N
 *                             clients), for timing `graph`
 *   mkpaths ring N OUT.pcap   a packet through N namespaces and back to
 *                             the first, and a ping and its reply: cycles
 *   mkpaths hostile OUT.pcap  names that are terminal escapes, markup and
 *                             invalid UTF-8; end details no format defines
 * The paths follow real kernel functions in the order they run.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "frames.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/imn.h"
#include "mbuftrace/mbuftrace.h"

#define T0 1767132000 /* 2025-12-30 22:00:00 UTC */

static FILE *out;
static uint64_t clock_usec;
static uint64_t next_id = 0x5000;

struct tr {
	struct mbt_encoder enc;
	uint8_t buf[MBT_V3_MAX_TRACE_LEN];
	uint64_t t_ns;
	const char *ns, *ifname;
	uint64_t ns_id;
	uint32_t ifindex;
};

static struct mbt_str
S(const char *s) {
	return (struct mbt_str){s, (uint16_t)(s ? strlen(s) : 0)};
}

static void
begin(struct tr *t, uint8_t origin)
{
	struct mbt_v3_info info = {.trace_id = next_id++,
	    .start_ns = (T0 + clock_usec / 1000000) * 1000000000ull,
	    .origin = origin,
	    .tail_linktype = MBT_LINKTYPE_NONE};

	mbt_enc_begin(&t->enc, t->buf, sizeof(t->buf), &info);
	t->t_ns = 0;
}

/* A stack instance's id: stable per name, like an inode or a jid. */
static uint64_t
ns_id_of(const char *ns, uint8_t origin)
{
	uint64_t h = 0;

	for (const char *c = ns; *c; c++)
		h = h * 31 + (uint8_t)*c;
	return origin == MBT_ORIGIN_LINUX ? 4026532000u + h % 997 : 1 + h % 97;
}

static void
at(struct tr *t, const char *ns, const char *ifname, uint32_t ifindex,
    uint8_t origin)
{
	t->ns = ns;
	t->ns_id = ns_id_of(ns, origin);
	t->ifname = ifname;
	t->ifindex = ifindex;
}

static struct mbt_record
rec(struct tr *t, uint8_t kind, uint8_t detail)
{
	struct mbt_record r = {.kind = kind, .detail = detail};

	t->t_ns += 1300;
	r.has_time = r.has_cpu = r.has_ns = r.has_iface = true;
	r.time_ns = t->t_ns;
	r.cpu = 1;
	r.ns_name = S(t->ns);
	r.ns_id = t->ns_id;
	r.ifname = S(t->ifname);
	r.ifindex = t->ifindex;
	return r;
}

static void
point(struct tr *t, const char *file, uint32_t line, const char *func)
{
	struct mbt_record r = rec(t, MBT_KIND_POINT, MBT_POINT_ENTER);

	r.has_src = true;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	mbt_enc_event(&t->enc, &r);
}

static void
snapshot(struct tr *t, const struct frame *f)
{
	struct mbt_record r = rec(t, MBT_KIND_PACKET, 0);

	r.has_packet = true;
	r.linktype = MBT_LINKTYPE_ETHERNET;
	r.orig_len = (uint32_t)f->len;
	r.pkt = f->b;
	r.pkt_len = (uint32_t)f->len;
	mbt_enc_event(&t->enc, &r);
}

static void
iface(struct tr *t)
{
	struct mbt_record r = rec(t, MBT_KIND_IFACE, 0);

	mbt_enc_event(&t->enc, &r);
}

static void
rule(struct tr *t, uint8_t fw, const char *table, uint64_t n, uint8_t verdict)
{
	struct mbt_record r = rec(t, MBT_KIND_RULE, verdict);

	r.has_rule = true;
	r.fw = fw;
	r.rule_table = S(table);
	r.rule_number = n;
	mbt_enc_event(&t->enc, &r);
}

static void
route(struct tr *t, const char *gw, uint32_t oif)
{
	struct mbt_record r = rec(t, MBT_KIND_ROUTE, 0);

	r.has_route = true;
	r.route_table = 254;
	r.route_oif = oif;
	if (gw != NULL) {
		r.route_family = 4;
		inet_pton(AF_INET, gw, r.route_gw);
	}
	mbt_enc_event(&t->enc, &r);
}

static void
end(struct tr *t, uint8_t how, const char *reason, const char *file,
    uint32_t line, const char *func)
{
	struct mbt_record r = rec(t, MBT_KIND_END, how);

	r.has_reason = reason != NULL;
	r.reason = S(reason);
	r.has_src = true;
	r.file = S(file);
	r.line = line;
	r.func = S(func);
	mbt_enc_event(&t->enc, &r);
}

static void
emit(struct tr *t)
{
	int n = mbt_enc_finish(&t->enc, 0, 0);

	if (n < 0) {
		fprintf(stderr, "mkpaths: encoding failed\n");
		exit(1);
	}
	clock_usec += 1000;
	if (mbt_pcap_write_packet(out, (int64_t)(T0 + clock_usec / 1000000),
		(uint32_t)(clock_usec % 1000000), t->buf, (uint32_t)n,
		(uint32_t)n) != 0) {
		perror("mkpaths: write");
		exit(1);
	}
}

/* --- The lab (examples/imunes/lab.imn) on Linux. --- */

/* Leaving a host: the socket layer down to the veth. */
static void
linux_send(struct tr *t, const char *ns, const struct frame *f, bool udp)
{
	at(t, ns, "eth0", 2, MBT_ORIGIN_LINUX);
	snapshot(t, f);
	if (udp)
		point(t, "net/ipv4/udp.c", 1270, "udp_sendmsg");
	point(t, "net/ipv4/ip_output.c", 425, "ip_output");
	point(t, "net/core/dev.c", 4476, "__dev_queue_xmit");
	point(t, "drivers/net/veth.c", 345, "veth_xmit");
}

/* router1 receives on eth0 and decides. */
static void
router_in(struct tr *t, const char *gw, uint32_t oif)
{
	at(t, "router1", "eth0", 2, MBT_ORIGIN_LINUX);
	iface(t);
	point(t, "net/core/dev.c", 5640, "__netif_receive_skb_core");
	point(t, "net/ipv4/ip_input.c", 565, "ip_rcv");
	route(t, gw, oif);
	point(t, "net/ipv4/ip_forward.c", 87, "ip_forward");
}

static void
router_out(struct tr *t, const char *oif_name, uint32_t oif)
{
	at(t, "router1", oif_name, oif, MBT_ORIGIN_LINUX);
	point(t, "net/ipv4/ip_output.c", 425, "ip_output");
	point(t, "net/core/dev.c", 4476, "__dev_queue_xmit");
	point(t, "drivers/net/veth.c", 345, "veth_xmit");
}

/* pc1 pings pc2 through router1; nftables lets ICMP through. */
static void
lab_ping(struct tr *t, uint16_t seq, bool neigh_fails)
{
	struct frame f;

	frame_icmp_echo(&f, "10.0.0.20", "10.0.1.20", 64, 8, 0x4d2, seq);
	begin(t, MBT_ORIGIN_LINUX);
	linux_send(t, "pc1", &f, false);
	router_in(t, "10.0.1.20", 3);
	rule(t, MBT_FW_NFTABLES, "inet/filter/forward", 4, MBT_VERDICT_PASS);
	if (neigh_fails) {
		/* pc2's address did not resolve: the neighbour queue gave up. */
		at(t, "router1", "eth1", 3, MBT_ORIGIN_LINUX);
		point(t, "net/ipv4/ip_output.c", 425, "ip_output");
		point(t, "net/core/neighbour.c", 1136, "neigh_invalidate");
		end(t, MBT_END_DROPPED, "NEIGH_FAILED", "net/core/neighbour.c",
		    1139, "neigh_invalidate");
		emit(t);
		return;
	}
	router_out(t, "eth1", 3);
	at(t, "pc2", "eth0", 2, MBT_ORIGIN_LINUX);
	iface(t);
	point(t, "net/core/dev.c", 5640, "__netif_receive_skb_core");
	point(t, "net/ipv4/ip_input.c", 565, "ip_rcv");
	point(t, "net/ipv4/icmp.c", 1221, "icmp_rcv");
	end(t, MBT_END_CONSUMED, NULL, "net/ipv4/icmp.c", 1262, "icmp_rcv");
	emit(t);
}

/* pc1 sends UDP to pc2; nftables rule 7 drops it in router1. */
static void
lab_udp_dropped(struct tr *t, uint16_t sport)
{
	struct frame f;

	frame_udp(&f, "10.0.0.20", "10.0.1.20", sport, 33434, 64, 12);
	begin(t, MBT_ORIGIN_LINUX);
	linux_send(t, "pc1", &f, true);
	router_in(t, "10.0.1.20", 3);
	rule(t, MBT_FW_NFTABLES, "inet/filter/forward", 7, MBT_VERDICT_DROP);
	end(t, MBT_END_DROPPED, "NETFILTER_DROP", "net/netfilter/core.c", 622,
	    "nf_hook_slow");
	emit(t);
}

/* pc1 opens a TCP connection to server:80, delivered to its socket. */
static void
lab_syn(struct tr *t, uint16_t sport)
{
	struct frame f;

	frame_tcp_syn(&f, "10.0.0.20", "10.0.2.10", sport, 80, 64);
	begin(t, MBT_ORIGIN_LINUX);
	linux_send(t, "pc1", &f, false);
	router_in(t, "10.0.2.10", 4);
	rule(t, MBT_FW_NFTABLES, "inet/filter/forward", 5, MBT_VERDICT_PASS);
	router_out(t, "eth2", 4);
	at(t, "server", "eth0", 2, MBT_ORIGIN_LINUX);
	iface(t);
	point(t, "net/core/dev.c", 5640, "__netif_receive_skb_core");
	point(t, "net/ipv4/ip_input.c", 565, "ip_rcv");
	point(t, "net/ipv4/tcp_ipv4.c", 2150, "tcp_v4_rcv");
	end(t, MBT_END_DELIVERED, NULL, "net/ipv4/tcp_ipv4.c", 2339,
	    "tcp_v4_rcv");
	emit(t);
}

static void
sample_lab(void)
{
	static struct tr t;

	for (uint16_t seq = 1; seq <= 6; seq++) {
		lab_ping(&t, seq, seq == 4);
		if (seq % 2 == 0)
			lab_udp_dropped(&t, (uint16_t)(40000 + seq));
	}
	lab_syn(&t, 43210);
	lab_syn(&t, 43211);
}

static void
sample_mix(unsigned long n)
{
	static struct tr t;

	for (unsigned long i = 0; i < n; i++) {
		switch (i % 10) {
		case 0:
		case 1:
		case 2:
		case 3:
		case 4: lab_ping(&t, (uint16_t)i, i % 1000 == 3); break;
		case 5:
		case 6:
			lab_udp_dropped(&t, (uint16_t)(40000 + i % 1000));
			break;
		default: lab_syn(&t, (uint16_t)(30000 + i % 20000)); break;
		}
	}
}

/* --- Shapes for the tests of `graph` and of hostile input. --- */

static void
sample_distinct(unsigned long n)
{
	static struct tr t;
	char client[32], server[32];
	struct frame f;

	for (unsigned long i = 0; i < n; i++) {
		snprintf(client, sizeof(client), "c%lu", i);
		snprintf(server, sizeof(server), "s%lu", i % 7);
		frame_icmp_echo(&f, "10.0.0.20", "10.0.1.20", 64, 8, 0x4d2,
		    (uint16_t)i);
		begin(&t, MBT_ORIGIN_LINUX);
		linux_send(&t, client, &f, false);
		router_in(&t, "10.0.1.20", 3);
		router_out(&t, "eth1", 3);
		at(&t, server, "eth0", 2, MBT_ORIGIN_LINUX);
		iface(&t);
		end(&t, MBT_END_CONSUMED, NULL, "net/ipv4/icmp.c", 1206,
		    "icmp_rcv");
		emit(&t);
	}
}

/* A ring of n namespaces r0 .. r(n-1) and back to r0, then a ping and its
 * reply between two hosts: both make cycles among the hops. */
static void
sample_ring(unsigned long n)
{
	static struct tr t;
	char(*names)[16] = calloc(n + 1, sizeof(*names));
	struct frame f;

	if (names == NULL || n == 0 || n > 2000) {
		fprintf(stderr, "mkpaths: ring of 1 to 2000\n");
		exit(2);
	}
	frame_icmp_echo(&f, "10.0.0.20", "10.0.1.20", 64, 8, 0x4d2, 1);
	begin(&t, MBT_ORIGIN_LINUX);
	for (unsigned long i = 0; i <= n; i++) {
		snprintf(names[i], sizeof(names[i]), "r%lu", i % n);
		at(&t, names[i], "eth0", 2, MBT_ORIGIN_LINUX);
		point(&t, "net/ipv4/ip_forward.c", 87, "ip_forward");
	}
	end(&t, MBT_END_DROPPED, "ttl", "net/ipv4/ip_forward.c", 150,
	    "ip_forward");
	emit(&t);
	for (int reply = 0; reply < 2; reply++) {
		const char *a = reply ? "pc2" : "pc1", *b = reply ? "pc1" : "pc2";

		frame_icmp_echo(&f, reply ? "10.0.1.20" : "10.0.0.20",
		    reply ? "10.0.0.20" : "10.0.1.20", 64, reply ? 0 : 8,
		    0x4d2, 1);
		begin(&t, MBT_ORIGIN_LINUX);
		linux_send(&t, a, &f, false);
		at(&t, b, "eth0", 2, MBT_ORIGIN_LINUX);
		iface(&t);
		end(&t, MBT_END_CONSUMED, NULL, "net/ipv4/icmp.c", 1206,
		    "icmp_rcv");
		emit(&t);
	}
	free(names);
}

/*
 * Names a container's root can give (interfaces, namespaces) or a crafted
 * capture can carry: terminal escapes (window title, clipboard, clear),
 * line breaks that would forge records, C1 controls, DEL, markup, quotes,
 * invalid UTF-8 (overlong, surrogate, past U+10FFFF, cut short), wide and
 * combining characters and a literal "\x1b" (columns must still align,
 * and the text must not pass for an escaped byte), and end details no
 * version of the format defines.
 */
static const char *const hostile[] = {
    "\x1b]0;owned\x07",
    "\x1b]52;c;ZXZpbA==\x07",
    "a\r\n#99 forged 1.000000 trace\x1b[2J",
    "\xc2\x9b" "31m\x7f\b",
    "<script>alert(1)</script>&amp;",
    "q\"uo\\te'}\"];",
    "\xe0\x80\x80 overlong",
    "\xed\xa0\x80 surrogate",
    "\xf4\x90\x80\x80 too big",
    "cut \xe2\x82",
    "\xe7\xbd\x91\xe5\x8d\xa1 wide",
    "e\xcc\x81 \\x1b literal",
};

static void
sample_hostile(void)
{
	static struct tr t;
	static char longname[1400];
	size_t nh = sizeof(hostile) / sizeof(hostile[0]);
	struct frame f;

	/* Three-byte characters after one byte, so that a line cut at 1023
	 * bytes falls inside one. */
	longname[0] = 'x';
	for (size_t i = 1; i + 3 <= sizeof(longname) - 1; i += 3)
		memcpy(longname + i, "\xe2\x82\xac", 3);
	frame_icmp_echo(&f, "10.0.0.20", "10.0.1.20", 64, 8, 0x4d2, 1);
	for (size_t i = 0; i < nh; i++) {
		const char *h = hostile[i], *next = hostile[(i + 1) % nh];

		begin(&t, MBT_ORIGIN_LINUX);
		at(&t, h, h, 2, MBT_ORIGIN_LINUX);
		snapshot(&t, &f);
		point(&t, h, 1, h);
		rule(&t, MBT_FW_NFTABLES, h, 4, MBT_VERDICT_PASS);
		at(&t, next, "eth0", 2, MBT_ORIGIN_LINUX);
		iface(&t);
		/* Back again: a cycle between hostile names. */
		at(&t, h, h, 2, MBT_ORIGIN_LINUX);
		end(&t, (uint8_t)(i % 2 ? 255 : 200), h, h, 2, h);
		emit(&t);
	}
	begin(&t, MBT_ORIGIN_LINUX);
	at(&t, "pc1", "eth0", 2, MBT_ORIGIN_LINUX);
	point(&t, "net/core/dev.c", 1, longname);
	end(&t, 77, longname, "net/core/dev.c", 2, "kfree_skb");
	emit(&t);
}

/* --- two-routers.imn on FreeBSD: VNET jails named EID.NODE. --- */

static void
jails_ping(struct tr *t, uint16_t seq, bool denied)
{
	struct frame f;

	frame_icmp_echo(&f, "10.0.0.20", "10.0.2.20", 64, 8, 0x77, seq);
	begin(t, MBT_ORIGIN_FREEBSD);
	at(t, "i5a1e.n0", "eth0", 2, MBT_ORIGIN_FREEBSD);
	snapshot(t, &f);
	point(t, "sys/netinet/ip_output.c", 345, "ip_output");
	point(t, "sys/net/if_ethersubr.c", 438, "ether_output_frame");
	at(t, "i5a1e.n1", "eth0", 2, MBT_ORIGIN_FREEBSD);
	iface(t);
	point(t, "sys/net/if_ethersubr.c", 524, "ether_input");
	point(t, "sys/netinet/ip_input.c", 460, "ip_input");
	rule(t, MBT_FW_IPFW, NULL, denied ? 200 : 100,
	    denied ? MBT_VERDICT_DROP : MBT_VERDICT_PASS);
	if (denied) {
		end(t, MBT_END_DROPPED, "ipfw deny",
		    "sys/netpfil/ipfw/ip_fw_pfil.c", 164, "ipfw_check_packet");
		emit(t);
		return;
	}
	point(t, "sys/netinet/ip_fastfwd.c", 220, "ip_tryforward");
	at(t, "i5a1e.n1", "eth1", 3, MBT_ORIGIN_FREEBSD);
	point(t, "sys/net/if_ethersubr.c", 438, "ether_output_frame");
	at(t, "i5a1e.n2", "eth0", 2, MBT_ORIGIN_FREEBSD);
	iface(t);
	point(t, "sys/netinet/ip_input.c", 460, "ip_input");
	point(t, "sys/netinet/ip_fastfwd.c", 220, "ip_tryforward");
	at(t, "i5a1e.n2", "eth1", 3, MBT_ORIGIN_FREEBSD);
	point(t, "sys/net/if_ethersubr.c", 438, "ether_output_frame");
	at(t, "i5a1e.n3", "eth0", 2, MBT_ORIGIN_FREEBSD);
	iface(t);
	point(t, "sys/netinet/ip_input.c", 460, "ip_input");
	point(t, "sys/netinet/ip_icmp.c", 405, "icmp_input");
	end(t, MBT_END_CONSUMED, NULL, "sys/netinet/ip_icmp.c", 640,
	    "icmp_input");
	emit(t);
}

/* A packet seen only in the host's own stack, which no node is. */
static void
jails_host(struct tr *t)
{
	struct frame f;

	frame_arp_request(&f, "192.0.2.1", "192.0.2.2");
	begin(t, MBT_ORIGIN_FREEBSD);
	at(t, "host", "em0", 1, MBT_ORIGIN_FREEBSD);
	snapshot(t, &f);
	point(t, "sys/net/if_ethersubr.c", 524, "ether_input");
	end(t, MBT_END_CONSUMED, NULL, "sys/netinet/if_ether.c", 700,
	    "arpintr");
	emit(t);
}

static void
sample_jails(void)
{
	static struct tr t;

	for (uint16_t seq = 0; seq < 4; seq++)
		jails_ping(&t, seq, seq == 2);
	jails_host(&t);
}

/* --- An IMUNES topology as network namespaces, the way IMUNES names them. --- */

/* The address without its prefix length. */
static const char *
bare(const char *addr)
{
	static char buf[MBT_IMN_NAME];
	size_t n = strcspn(addr, "/");

	snprintf(buf, sizeof(buf), "%.*s", (int)n, addr);
	return buf;
}

/*
 * Lines for the end-to-end test, read with libmbuftrace's own parser:
 *   node NS NAME TYPE            a namespace EID-ID for node NAME
 *   link NS_A IFACE_A NS_B IFACE_B
 *   addr NS IFACE ADDR/LEN
 *   route NS GATEWAY             hosts with one interface: the default
 *                                route via the address at its link's end
 */
static int
netns_lines(const char *path, const char *eid)
{
	static char text[1 << 20];
	struct mbt_imn t;
	char err[256];
	FILE *f = fopen(path, "rb");
	size_t n;

	if (f == NULL) {
		perror(path);
		return 1;
	}
	n = fread(text, 1, sizeof(text), f);
	fclose(f);
	if (mbt_imn_parse(text, n, &t, err, sizeof(err)) != 0) {
		fprintf(stderr, "mkpaths: %s: %s\n", path, err);
		return 1;
	}
	for (size_t i = 0; i < t.nnodes; i++)
		printf("node %s-%s %s %s\n", eid, t.nodes[i].id,
		    t.nodes[i].name, t.nodes[i].type);
	for (size_t k = 0; k < t.nlinks; k++)
		printf("link %s-%s %s %s-%s %s\n", eid, t.links[k].node[0],
		    t.links[k].iface[0], eid, t.links[k].node[1],
		    t.links[k].iface[1]);
	for (size_t i = 0; i < t.nnodes; i++) {
		const struct mbt_imn_node *node = &t.nodes[i];

		for (size_t k = 0; k < node->nifaces; k++) {
			const struct mbt_imn_iface *fc = &node->ifaces[k];
			const struct mbt_imn_node *peer;

			if (fc->ipv4[0] != '\0')
				printf("addr %s-%s %s %s\n", eid, node->id,
				    fc->name, fc->ipv4);
			if (node->nifaces != 1 ||
			    strcmp(node->type, "router") == 0 ||
			    (peer = mbt_imn_node_by_id(&t, fc->peer)) == NULL)
				continue;
			for (size_t q = 0; q < peer->nifaces; q++) {
				if (strcmp(peer->ifaces[q].peer, node->id) ==
					0 &&
				    peer->ifaces[q].ipv4[0] != '\0')
					printf("route %s-%s %s\n", eid,
					    node->id,
					    bare(peer->ifaces[q].ipv4));
			}
		}
	}
	mbt_imn_free(&t);
	return 0;
}

int
main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	unsigned long n = 0;

	if (argc == 4 && strcmp(what, "netns") == 0)
		return netns_lines(argv[2], argv[3]);
	if (!(argc == 3 &&
		(strcmp(what, "lab") == 0 || strcmp(what, "jails") == 0 ||
		    strcmp(what, "hostile") == 0)) &&
	    !(argc == 4 &&
		(strcmp(what, "mix") == 0 || strcmp(what, "distinct") == 0 ||
		    strcmp(what, "ring") == 0))) {
		fprintf(stderr, "usage: mkpaths lab|jails|hostile OUT.pcap\n"
				"       mkpaths mix|distinct|ring COUNT OUT.pcap\n"
				"       mkpaths netns FILE.imn EID\n");
		return 2;
	}
	if (argc == 4)
		n = strtoul(argv[2], NULL, 10);
	out = strcmp(argv[argc - 1], "-") == 0 ? stdout
					       : fopen(argv[argc - 1], "wb");
	if (out == NULL) {
		perror(argv[argc - 1]);
		return 1;
	}
	mbt_pcap_write_header(out, MBT_DLT_USER0, 262144);
	if (strcmp(what, "lab") == 0)
		sample_lab();
	else if (strcmp(what, "jails") == 0)
		sample_jails();
	else if (strcmp(what, "hostile") == 0)
		sample_hostile();
	else if (strcmp(what, "distinct") == 0)
		sample_distinct(n);
	else if (strcmp(what, "ring") == 0)
		sample_ring(n);
	else
		sample_mix(n);
	if (fflush(out) != 0 || ferror(out) || (out != stdout && fclose(out))) {
		fprintf(stderr, "mkpaths: write failed\n");
		return 1;
	}
	return 0;
}
