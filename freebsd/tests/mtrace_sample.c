/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writes a pcap of traces built by the kernel's record buffer the way
 * kern_mbuf_trace.c fills it for a ping between vnet jails a and b, a
 * packet ipfw drops, a copied packet, and a TCP connection's first two
 * packets through pf's and ipfw's states, so that freebsd/tests/
 * test_core.sh can check what mbuftrace(8) shows of FreeBSD traces.
 * The records are simulated here; their bytes are the kernel's encoding.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbuftrace/capture.h>
#include <sys/mbuf_trace_buf.h>

#define	START_NS	1767225600000000000ULL	/* 2026-01-01T00:00:00Z */
#define	MAXREC		32
#define	ARENA		512

static uint64_t now;	/* the simulated monotonic clock, ns */

/* An ICMP echo request from 192.0.2.1 to 192.0.2.2, as on epair0a. */
static const uint8_t echo_request[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00,
	0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00, 0x40, 0x01, 0xe4, 0x82,
	0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02,
	0x08, 0x00, 0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00,
};

static struct mtrace_buf *
buf_new(uint64_t id)
{
	struct mtrace_buf *b = malloc(MTRACE_BUF_SIZE(MAXREC, ARENA));

	if (b == NULL || mtrace_buf_init(b, MAXREC, ARENA, id,
	    START_NS + id * 1000000, now) != 0)
		abort();
	return (b);
}

static struct mtrace_rec *
rec(struct mtrace_buf *b, uint8_t kind, uint8_t detail, const char *file,
    uint32_t line, const char *func)
{
	struct mtrace_rec *r;

	now += 700;
	r = mtrace_buf_append(b, kind, detail, now, 1);
	if (r == NULL)
		abort();
	r->mr_file = file;
	r->mr_func = func;
	r->mr_line = line;
	return (r);
}

/* What mtrace_iface_at() records: the interface and its jail. */
static void
iface(struct mtrace_buf *b, uint32_t ifindex, const char *ifname,
    uint64_t jid, const char *jail)
{
	struct mtrace_rec *r = rec(b, MBT_KIND_IFACE, 0, NULL, 0, NULL);

	r->mr_u32 = ifindex;
	mtrace_buf_dyn_copy(b, r, ifname, strlen(ifname));
	r->mr_u64 = jid;
	mtrace_buf_dyn_copy(b, r, jail, strlen(jail));
}

static int
emit(FILE *f, const struct mtrace_buf *b, uint32_t sec)
{
	static struct mbt_encoder enc;
	static uint8_t out[65536];
	int len = mtrace_buf_encode(b, &enc, out, sizeof(out));

	if (len < 0)
		return (len);
	return (mbt_pcap_write_packet(f, 1767225600 + sec, 0, out,
	    (uint32_t)len, (uint32_t)len));
}

static const char eth[] = "sys/net/if_ethersubr.c";
static const char ipin[] = "sys/netinet/ip_input.c";

/* Leaves a by epair0a, is answered in b, comes back to a. */
static struct mtrace_buf *
ping(void)
{
	struct mtrace_buf *b = buf_new(0x100);
	struct mtrace_rec *r;

	iface(b, 0, "", 1, "a");
	r = rec(b, MBT_KIND_POINT, 0, eth, 505, "ether_output_frame");
	r->mr_text = "trace started";
	r->mr_text_len = 13;
	iface(b, 2, "epair0a", 1, "a");
	r = rec(b, MBT_KIND_PACKET, 0, eth, 505, "ether_output_frame");
	r->mr_linktype = MBT_LINKTYPE_ETHERNET;
	r->mr_u32 = sizeof(echo_request);
	mtrace_buf_dyn_copy(b, r, echo_request, sizeof(echo_request));
	rec(b, MBT_KIND_POINT, 0, eth, 506, "ether_output_frame");
	iface(b, 3, "epair0b", 2, "b");
	rec(b, MBT_KIND_POINT, MBT_POINT_ENTER, ipin, 457, "ip_input");
	r = rec(b, MBT_KIND_TEXT, 0, ipin, 599, "ip_input");
	r->mr_text = "pfil_mbuf_in inet";
	r->mr_text_len = 17;
	r = rec(b, MBT_KIND_VERDICT, MBT_VERDICT_PASS,
	    "sys/netpfil/ipfw/ip_fw_pfil.c", 149, "ipfw_check_packet");
	r->mr_name = "ipfw";
	rec(b, MBT_KIND_POINT, MBT_POINT_ENTER, "sys/netinet/ip_output.c", 332,
	    "ip_output");
	rec(b, MBT_KIND_POINT, 0, eth, 506, "ether_output_frame");
	iface(b, 2, "epair0a", 1, "a");
	rec(b, MBT_KIND_POINT, MBT_POINT_ENTER, ipin, 457, "ip_input");
	(void)mtrace_buf_append(b, MBT_KIND_END, MBT_END_FREED, now + 900, 0);
	return (b);
}

/* Started by "eaction mtrace" in b, denied by the next rule. */
static struct mtrace_buf *
denied(void)
{
	static const char pfil[] = "sys/netpfil/ipfw/ip_fw_pfil.c";
	struct mtrace_buf *b = buf_new(0x200);
	struct mtrace_rec *r;

	iface(b, 0, "", 2, "b");
	r = rec(b, MBT_KIND_POINT, 0, "sys/netpfil/ipfw/ip_fw_mtrace.c", 47,
	    "ipfw_mtrace");
	r->mr_text = "trace started";
	r->mr_text_len = 13;
	r = rec(b, MBT_KIND_RULE, MBT_VERDICT_CONTINUE,
	    "sys/netpfil/ipfw/ip_fw_mtrace.c", 48, "ipfw_mtrace");
	r->mr_small = MBT_FW_IPFW;
	r->mr_name = "eaction mtrace";
	r = rec(b, MBT_KIND_VERDICT, MBT_VERDICT_DROP, pfil, 149,
	    "ipfw_check_packet");
	r->mr_name = "ipfw";
	r = rec(b, MBT_KIND_END, MBT_END_DROPPED, pfil, 302,
	    "ipfw_check_packet");
	r->mr_name = "ipfw: not passed";
	return (b);
}

/* What mtrace_state_at() records: the state's rule and key. */
static void
state(struct mtrace_buf *b, uint8_t how, uint8_t engine, uint64_t rule,
    const struct mbt_flow *f, const char *file, uint32_t line,
    const char *func)
{
	struct mtrace_rec *r = rec(b, MBT_KIND_STATE, how, file, line, func);

	r->mr_small = engine;
	r->mr_u64 = rule;
	mtrace_buf_dyn_copy(b, r, f, sizeof(*f));
}

/*
 * A TCP connection from a to b through pf and ipfw in b.  The SYN makes
 * pf's state ("pass in proto tcp", rule 3) and ipfw's dynamic rule
 * ("keep-state", rule 200); the SYN-ACK matches both, and each record
 * shows the state's key as the connection's first packet had it.  Both
 * are routed in FIB 1.
 */
static struct mtrace_buf *
stateful(uint64_t id, int reply)
{
	static const char pf[] = "sys/netpfil/pf/pf.c";
	static const char fw2[] = "sys/netpfil/ipfw/ip_fw2.c";
	static const struct mbt_flow syn = { 4, 6, MBT_DIR_IN, 40000, 80,
	    { 192, 0, 2, 1 }, { 192, 0, 2, 2 } };
	static const uint8_t gw[4] = { 192, 0, 2, 254 };
	struct mtrace_buf *b = buf_new(id);
	struct mtrace_rec *r;

	iface(b, 3, "epair0b", 2, "b");
	if (!reply) {
		state(b, MBT_STATE_CREATED, MBT_FW_PF, 3, &syn, pf, 6320,
		    "pf_create_state");
		state(b, MBT_STATE_CREATED, MBT_FW_IPFW, 200, &syn, fw2, 3170,
		    "ipfw_chk");
		rec(b, MBT_KIND_END, MBT_END_DELIVERED,
		    "sys/netinet/tcp_input.c", 1380, "tcp_input_with_port");
		return (b);
	}
	state(b, MBT_STATE_MATCHED, MBT_FW_PF, 3, &syn, pf, 1843,
	    "pf_find_state");
	state(b, MBT_STATE_MATCHED, MBT_FW_IPFW, 200, &syn, fw2, 3040,
	    "ipfw_chk");
	r = rec(b, MBT_KIND_ROUTE, MBT_ROUTE_FIB, "sys/netinet/ip_output.c",
	    510, "ip_output");
	r->mr_u32 = 1;
	r->mr_u32b = 3;
	r->mr_small = 4;
	mtrace_buf_dyn_copy(b, r, gw, sizeof(gw));
	rec(b, MBT_KIND_END, MBT_END_SENT, "sys/net/if_ethersubr.c", 506,
	    "ether_output_frame");
	return (b);
}

int
main(int argc, char **argv)
{
	size_t size = MTRACE_BUF_SIZE(MAXREC, ARENA);
	struct mtrace_buf *p, *d, *parent, *child, *syn, *synack;
	FILE *f;
	int error;

	if (argc != 2) {
		fprintf(stderr, "usage: mtrace-sample out.pcap\n");
		return (2);
	}
	if ((f = fopen(argv[1], "wb")) == NULL) {
		perror(argv[1]);
		return (1);
	}
	p = ping();
	d = denied();
	syn = stateful(0x400, 0);
	synack = stateful(0x401, 1);
	/* A broadcast copied to two sockets: m_tag_copy(), then the fork. */
	parent = buf_new(0x300);
	iface(parent, 3, "epair0b", 2, "b");
	child = malloc(size);
	if (child == NULL)
		abort();
	memcpy(child, parent, size);
	mtrace_buf_fork(parent, child, 0x301, START_NS + 0x301 * 1000000,
	    now, 1);
	rec(child, MBT_KIND_END, MBT_END_DELIVERED, "sys/netinet/udp_usrreq.c",
	    415, "udp_append");
	rec(parent, MBT_KIND_END, MBT_END_DELIVERED, "sys/netinet/udp_usrreq.c",
	    415, "udp_append");
	error = mbt_pcap_write_header(f, MBT_DLT_USER0, 262144);
	if (error == 0)
		error = emit(f, p, 1);
	if (error == 0)
		error = emit(f, d, 2);
	if (error == 0)
		error = emit(f, parent, 3);
	if (error == 0)
		error = emit(f, child, 3);
	if (error == 0)
		error = emit(f, syn, 4);
	if (error == 0)
		error = emit(f, synack, 4);
	if (fclose(f) != 0 && error == 0)
		error = -errno;
	if (error != 0) {
		fprintf(stderr, "mtrace-sample: %s\n", strerror(-error));
		return (1);
	}
	free(p);
	free(d);
	free(parent);
	free(child);
	free(syn);
	free(synack);
	return (0);
}
