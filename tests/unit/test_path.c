/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of path assembly, identity, alignment, expectations, --match
 * and the IMUNES topology parser: the behaviour the path commands rely on.
 * Traces are encoded with the library's v3 encoder and decoded again, as a
 * capture would bring them.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "check.h"
#include "mbuftrace/imn.h"
#include "mbuftrace/mbuftrace.h"
#include "mbuftrace/path.h"

/* One step of a test trace: kind, detail, where, and what. */
struct st {
	uint8_t kind, detail;
	const char *ns, *ifname, *func;
	uint8_t fw;
	const char *table;
	uint64_t number;
	uint64_t time;
	const char *gw; /* ROUTE: the gateway, an address */
};

static struct mbt_str
S(const char *s) {
	return (struct mbt_str){s, (uint16_t)(s ? strlen(s) : 0)};
}

/* A 42-byte Ethernet + IPv4 + ICMP echo request from src to 10.0.0.2. */
static void
icmp_frame(uint8_t *f, uint8_t src_last)
{
	static const uint8_t tmpl[42] = {0, 1, 2, 3, 4, 5, 0, 1, 2, 3, 4, 6,
	    0x08, 0x00, 0x45, 0, 0, 28, 0, 1, 0, 0, 64, 1, 0, 0, 10, 0, 0, 1,
	    10, 0, 0, 2, 8, 0, 0, 0, 0, 7, 0, 1};

	memcpy(f, tmpl, sizeof(tmpl));
	f[29] = src_last;
}

/* Encode the steps (with a snapshot first) and decode them into t. */
static void
make(struct mbt_trace *t, uint8_t *buf, size_t cap, const struct st *s,
    size_t n, uint8_t src_last)
{
	struct mbt_v3_info info = {
	    .trace_id = 7, .tail_linktype = MBT_LINKTYPE_NONE};
	static uint8_t frame[4][42];
	static int k;
	uint8_t *f = frame[k++ & 3];
	struct mbt_encoder e;
	struct mbt_record r = {.kind = MBT_KIND_PACKET,
	    .has_packet = true,
	    .linktype = MBT_LINKTYPE_ETHERNET,
	    .orig_len = 42,
	    .pkt_len = 42};
	int len;

	icmp_frame(f, src_last);
	r.pkt = f;
	mbt_enc_begin(&e, buf, cap, &info);
	mbt_enc_event(&e, &r);
	for (size_t i = 0; i < n; i++) {
		r = (struct mbt_record){
		    .kind = s[i].kind, .detail = s[i].detail};
		r.has_ns = s[i].ns != NULL;
		r.ns_name = S(s[i].ns);
		r.ns_id = 100 + (s[i].ns ? (uint8_t)s[i].ns[0] : 0);
		r.has_iface = s[i].ifname != NULL;
		r.ifname = S(s[i].ifname);
		r.has_src = s[i].func != NULL;
		r.file = S(s[i].func ? "net/x.c" : NULL);
		r.func = S(s[i].func);
		r.line = 10;
		r.has_time = true;
		r.time_ns = s[i].time;
		if (s[i].kind == MBT_KIND_RULE) {
			r.has_rule = true;
			r.fw = s[i].fw;
			r.rule_table = S(s[i].table);
			r.rule_number = s[i].number;
		}
		if (s[i].kind == MBT_KIND_ROUTE) {
			r.has_route = true;
			r.route_table = 254;
			r.route_oif = 3;
			r.route_family = 4;
			r.route_gw[0] = 10;
			r.route_gw[3] = (uint8_t)(s[i].gw ? s[i].gw[0] : 0);
		}
		mbt_enc_event(&e, &r);
	}
	len = mbt_enc_finish(&e, 0, 0);
	CHECK(len > 0);
	mbt_trace_init(t);
	CHECK(mbt_decode(buf, (size_t)len, (size_t)len, t) == 0);
}

#define N(a) (sizeof(a) / sizeof((a)[0]))

static const struct st ping[] = {
    {MBT_KIND_POINT, 1, "h1", "eth0", "ip_output", 0, 0, 0, 100, NULL},
    {MBT_KIND_IFACE, 0, "r1", "eth0", NULL, 0, 0, 0, 200, NULL},
    {MBT_KIND_POINT, 1, NULL, NULL, "ip_rcv", 0, 0, 0, 300, NULL},
    {MBT_KIND_ROUTE, 0, NULL, NULL, NULL, 0, 0, 0, 350, "a"},
    {MBT_KIND_RULE, MBT_VERDICT_PASS, NULL, NULL, NULL, MBT_FW_NFTABLES,
	"inet/filter/forward", 4, 400, NULL},
    {MBT_KIND_POINT, 1, NULL, "eth1", "ip_output", 0, 0, 0, 500, NULL},
    {MBT_KIND_IFACE, 0, "h2", "eth0", NULL, 0, 0, 0, 600, NULL},
    {MBT_KIND_END, MBT_END_DELIVERED, NULL, NULL, "icmp_rcv", 0, 0, 0, 700,
	NULL},
};

/* Names may hold the key's separators: different steps stay different
 * (once ns "r1:eth0" on "x" was ns "r1" on "eth0:x", and a name's newline
 * the steps' separator). */
static void
test_identity_hostile_names(void)
{
	static const struct st a[] = {
	    {MBT_KIND_IFACE, 0, "r1:eth0", "x", NULL, 0, 0, 0, 100, NULL},
	    {MBT_KIND_END, MBT_END_DELIVERED, NULL, NULL, "f", 0, 0, 0, 200,
		NULL}};
	static const struct st b[] = {
	    {MBT_KIND_IFACE, 0, "r1", "eth0:x", NULL, 0, 0, 0, 100, NULL},
	    {MBT_KIND_END, MBT_END_DELIVERED, NULL, NULL, "f", 0, 0, 0, 200,
		NULL}};
	static const struct st c[] = {
	    {MBT_KIND_IFACE, 0, "r1", "a\n", NULL, 0, 0, 0, 100, NULL},
	    {MBT_KIND_END, MBT_END_DELIVERED, NULL, NULL, "f", 0, 0, 0, 200,
		NULL}};
	static const struct st d[] = {
	    {MBT_KIND_IFACE, 0, "r1", "a?", NULL, 0, 0, 0, 100, NULL},
	    {MBT_KIND_END, MBT_END_DELIVERED, NULL, NULL, "f", 0, 0, 0, 200,
		NULL}};
	static uint8_t b1[1024], b2[1024], b3[1024], b4[1024];
	struct mbt_trace t1, t2, t3, t4;
	struct mbt_path p1, p2, p3, p4;

	make(&t1, b1, sizeof(b1), a, N(a), 1);
	make(&t2, b2, sizeof(b2), b, N(b), 1);
	make(&t3, b3, sizeof(b3), c, N(c), 1);
	make(&t4, b4, sizeof(b4), d, N(d), 1);
	mbt_path_init(&p1);
	mbt_path_init(&p2);
	mbt_path_init(&p3);
	mbt_path_init(&p4);
	CHECK(mbt_path_build(&t1, &p1) == 0 && mbt_path_build(&t2, &p2) == 0);
	CHECK(mbt_path_build(&t3, &p3) == 0 && mbt_path_build(&t4, &p4) == 0);
	CHECK(!mbt_path_same(&p1, &p2));
	CHECK(!mbt_step_same(&p1, 0, &p2, 0));
	CHECK(!mbt_path_same(&p3, &p4));
	mbt_path_free(&p1);
	mbt_path_free(&p2);
	mbt_path_free(&p3);
	mbt_path_free(&p4);
	mbt_trace_free(&t1);
	mbt_trace_free(&t2);
	mbt_trace_free(&t3);
	mbt_trace_free(&t4);
}

static void
test_identity(void)
{
	static uint8_t b1[4096], b2[4096], b3[4096];
	struct st other_times[N(ping)], dropped[N(ping)];
	struct mbt_trace t1, t2, t3;
	struct mbt_path p1, p2, p3;
	char where[64];

	memcpy(other_times, ping, sizeof(ping));
	memcpy(dropped, ping, sizeof(ping));
	for (size_t i = 0; i < N(ping); i++)
		other_times[i].time += 12345;
	other_times[3].gw = "b"; /* another gateway address */
	dropped[4].detail = MBT_VERDICT_DROP;
	make(&t1, b1, sizeof(b1), ping, N(ping), 1);
	make(&t2, b2, sizeof(b2), other_times, N(ping), 99); /* other source */
	make(&t3, b3, sizeof(b3), dropped, N(ping), 1);
	mbt_path_init(&p1);
	mbt_path_init(&p2);
	mbt_path_init(&p3);
	CHECK(mbt_path_build(&t1, &p1) == 0);
	CHECK(mbt_path_build(&t2, &p2) == 0);
	CHECK(mbt_path_build(&t3, &p3) == 0);

	/* The snapshot is not a step; every other record is. */
	CHECK(p1.nsteps == N(ping));
	/* Times, addresses and gateways do not make another path... */
	CHECK(mbt_path_same(&p1, &p2));
	/* ...a rule's verdict does. */
	CHECK(!mbt_path_same(&p1, &p3));
	/* The location is carried forward to records that do not repeat it,
	 * and a new stack instance forgets the old interface. */
	mbt_step_where(&p1.steps[2], where, sizeof(where));
	CHECK_STR(where, "r1:eth0");
	mbt_step_where(&p1.steps[5], where, sizeof(where));
	CHECK_STR(where, "r1:eth1");
	CHECK(p1.end == MBT_END_DELIVERED && p1.end_step == 7);
	CHECK_STR(mbt_path_end_name(&p1), "delivered");
	mbt_path_end_where(&p1, where, sizeof(where));
	CHECK_STR(where, "h2");

	/* Where the dropped one parts: the rule, and why. */
	{
		struct mbt_pair *pairs;
		struct mbt_parting part;
		long n = mbt_path_align(&p1, &p3, &pairs);

		CHECK(n == (long)N(ping));
		mbt_path_parting(&p1, &p3, pairs, (size_t)n, &part);
		CHECK(!part.same && part.a == 4 && part.b == 4);
		CHECK(strncmp(part.why,
			  "a different rule verdict: nftables "
			  "inet/filter/forward 4 pass vs",
			  58) == 0);
		free(pairs);
		n = mbt_path_align(&p1, &p2, &pairs);
		mbt_path_parting(&p1, &p2, pairs, (size_t)n, &part);
		CHECK(part.same);
		free(pairs);
	}

	/* One extra step aligns as a gap, and the rest still lines up. */
	{
		static uint8_t b4[4096];
		struct st extra[N(ping) + 1];
		struct mbt_trace t4;
		struct mbt_path p4;
		struct mbt_pair *pairs;
		long n;

		memcpy(extra, ping, 3 * sizeof(ping[0]));
		extra[3] = (struct st){.kind = MBT_KIND_POINT,
		    .detail = 1,
		    .func = "ip_rcv_finish"};
		memcpy(extra + 4, ping + 3, (N(ping) - 3) * sizeof(ping[0]));
		make(&t4, b4, sizeof(b4), extra, N(extra), 1);
		mbt_path_init(&p4);
		CHECK(mbt_path_build(&t4, &p4) == 0);
		n = mbt_path_align(&p1, &p4, &pairs);
		CHECK(n == (long)N(extra));
		CHECK(pairs[3].a == SIZE_MAX && pairs[3].b == 3);
		CHECK(pairs[4].a == 3 && pairs[4].b == 4);
		free(pairs);
		mbt_path_free(&p4);
		mbt_trace_free(&t4);
	}

	/* --match: tcpdump's language on the first snapshot. */
	{
		char err[256];
		struct mbt_match *m =
		    mbt_match_new("icmp and dst 10.0.0.2", err, sizeof(err));
		struct mbt_match *u = mbt_match_new("udp", err, sizeof(err));

		CHECK(m != NULL && u != NULL);
		CHECK(mbt_match_trace(m, &t1));
		CHECK(!mbt_match_trace(u, &t1));
		CHECK(mbt_match_new("icmp and", err, sizeof(err)) == NULL);
		CHECK(strstr(err, "syntax error") != NULL);
		mbt_match_free(m);
		mbt_match_free(u);
	}
	{
		char flow[128];

		mbt_path_flow(&t1, flow, sizeof(flow));
		CHECK_STR(flow, "ICMP 10.0.0.1 > 10.0.0.2 id 7");
	}
	mbt_path_free(&p1);
	mbt_path_free(&p2);
	mbt_path_free(&p3);
	mbt_trace_free(&t1);
	mbt_trace_free(&t2);
	mbt_trace_free(&t3);
}

static void
test_wants(void)
{
	struct mbt_want w;
	struct mbt_ends e;
	char err[256];

	CHECK(mbt_want_parse("r1:eth1", &w, err, sizeof(err)) == 0);
	CHECK(w.kind == MBT_WANT_IFACE);
	CHECK_STR(w.name, "r1");
	CHECK_STR(w.iface, "eth1");
	CHECK(mbt_want_parse("ns:r1", &w, err, sizeof(err)) == 0);
	CHECK(w.kind == MBT_WANT_NS);
	CHECK(mbt_want_parse("ipfw:100", &w, err, sizeof(err)) == 0);
	CHECK(w.kind == MBT_WANT_RULE && w.fw == MBT_FW_IPFW && w.has_number &&
	      w.number == 100 && w.name[0] == '\0');
	CHECK(mbt_want_parse(
		  "nft:inet/filter/forward/4", &w, err, sizeof(err)) == 0);
	CHECK(w.fw == MBT_FW_NFTABLES && w.has_number && w.number == 4);
	CHECK_STR(w.name, "inet/filter/forward");
	CHECK(mbt_want_parse("nft:inet/filter/forward", &w, err, sizeof(err)) ==
	      0);
	CHECK(!w.has_number);
	CHECK(mbt_want_parse("pf:100", &w, err, sizeof(err)) == 0);
	CHECK(w.fw == MBT_FW_PF && w.number == 100);
	CHECK(mbt_want_parse("ip_forward", &w, err, sizeof(err)) == 0);
	CHECK(w.kind == MBT_WANT_FUNC);
	CHECK(mbt_want_parse("nft:", &w, err, sizeof(err)) == -EINVAL);
	CHECK(strstr(err, "which rule?") != NULL);
	CHECK(mbt_want_parse("r1:", &w, err, sizeof(err)) == -EINVAL);
	CHECK(mbt_want_parse("ipfw:99999999999999999999999", &w, err,
		  sizeof(err)) == -EINVAL);

	CHECK(mbt_ends_parse("delivered@h2", &e, err, sizeof(err)) == 0);
	CHECK(e.set && e.end == MBT_END_DELIVERED);
	CHECK_STR(e.ns, "h2");
	CHECK(mbt_ends_parse("dropped", &e, err, sizeof(err)) == 0);
	CHECK(e.end == MBT_END_DROPPED && e.ns[0] == '\0');
	CHECK(mbt_ends_parse("arrived", &e, err, sizeof(err)) == -EINVAL);
	CHECK(mbt_ends_parse("sent@", &e, err, sizeof(err)) == -EINVAL);
}

static void
test_expect(void)
{
	static uint8_t b[4096];
	static const char file[] =
	    "# the ping must cross r1 and reach h2\n"
	    "case ping\n"
	    "  match icmp\n"
	    "  through r1:eth0 nft:inet/filter/forward/4\n"
	    "  through r1:eth1\n"
	    "  ends delivered@h2\n"
	    "  in-order\n"
	    "\n"
	    "case backwards\n"
	    "  through r1:eth1 r1:eth0\n"
	    "  in-order\n"
	    "case missing\n"
	    "  through r2:eth0\n"
	    "case ends elsewhere\n"
	    "  ends delivered@r1\n";
	struct mbt_expectations x = {0};
	struct mbt_trace t;
	struct mbt_path p;
	struct mbt_check k;
	char err[256];

	CHECK(mbt_expect_parse(file, strlen(file), &x, err, sizeof(err)) == 0);
	CHECK(x.ncases == 4);
	CHECK_STR(x.cases[0].name, "ping");
	CHECK(x.cases[0].nwants == 3 && x.cases[0].in_order);
	CHECK_STR(x.cases[0].match, "icmp");
	CHECK(x.cases[0].line == 2);
	make(&t, b, sizeof(b), ping, N(ping), 1);
	mbt_path_init(&p);
	CHECK(mbt_path_build(&t, &p) == 0);

	CHECK(mbt_expect_check(&x.cases[0], &p, &k) == 0);
	CHECK(k.problem == MBT_PROBLEM_NONE);
	CHECK(k.matched[0] == 1 && k.matched[1] == 4 && k.matched[2] == 5);
	free(k.matched);
	CHECK(mbt_expect_check(&x.cases[1], &p, &k) == 0);
	CHECK(
	    k.problem == MBT_PROBLEM_ORDER && k.want == 1 && k.part_step == 1);
	free(k.matched);
	CHECK(mbt_expect_check(&x.cases[2], &p, &k) == 0);
	CHECK(k.problem == MBT_PROBLEM_MISSING && k.part_step == 7);
	free(k.matched);
	CHECK(mbt_expect_check(&x.cases[3], &p, &k) == 0);
	CHECK(k.problem == MBT_PROBLEM_END_WHERE);
	free(k.matched);
	mbt_expect_free(&x);

	/* Mistakes say where. */
	CHECK(mbt_expect_parse("through r1:eth0\n", 16, &x, err, sizeof(err)) ==
	      -EINVAL);
	CHECK_STR(err, "line 1: 'through r1:eth0' before the first 'case NAME' "
		       "line");
	CHECK(mbt_expect_parse("case a\nends nowhere\n", 20, &x, err,
		  sizeof(err)) == -EINVAL);
	CHECK(strncmp(err, "line 2: 'nowhere': ends how?", 28) == 0);
	CHECK(mbt_expect_parse("case a\nthrough\n", 15, &x, err, sizeof(err)) ==
	      -EINVAL);
	CHECK_STR(err, "line 2: through what?");
	CHECK(mbt_expect_parse("", 0, &x, err, sizeof(err)) == -EINVAL);
	CHECK(x.ncases == 0);
	mbt_path_free(&p);
	mbt_trace_free(&t);
}

static void
test_imn(void)
{
	static const char tcl[] =
	    "node n0 {\n    type pc\n    network-config {\n\thostname pc1\n"
	    "\t!\n\tinterface eth0\n\t ip address 10.0.0.20/24\n\t!\n    }\n"
	    "    canvas c0\n    iconcoords {96 240}\n"
	    "    interface-peer {eth0 n1}\n}\n"
	    "node n1 {\n    type router\n    network-config {\n"
	    "\thostname router1\n\t!\n    }\n    iconcoords {336 240.5}\n"
	    "    interface-peer {eth0 n2}\n    interface-peer {eth1 n0}\n}\n"
	    "link l0 {\n    nodes {n0 n1}\n    bandwidth 0\n}\n"
	    "canvas c0 {\n    name {Canvas0}\n}\n";
	static const char json[] =
	    "{\"nodes\": {\"n0\": {\"type\": \"pc\", \"name\": \"pc1\","
	    " \"iconcoords\": \"10 20\", \"ifaces\": {\"ifc0\": {\"name\":"
	    " \"eth0\", \"ipv4_addrs\": [\"10.0.0.1/24\"]}}},"
	    " \"n1\": {\"type\": \"router\", \"name\": \"r1\", \"ifaces\":"
	    " {\"ifc0\": {\"name\": \"eth3\"}}}},"
	    " \"links\": {\"l0\": {\"peers\": \"n0 n1\","
	    " \"peers_ifaces\": \"ifc0 ifc0\"}}, \"options\": {\"x\": [1, 2.5,"
	    " true, null]}}";
	struct mbt_imn t;
	char err[256];

	CHECK(mbt_imn_parse(tcl, strlen(tcl), &t, err, sizeof(err)) == 0);
	CHECK(!t.json && t.nnodes == 2 && t.nlinks == 1);
	CHECK_STR(t.nodes[0].name, "pc1");
	CHECK_STR(t.nodes[0].type, "pc");
	CHECK(
	    t.nodes[0].has_coords && t.nodes[0].x == 96 && t.nodes[0].y == 240);
	CHECK(t.nodes[1].y == 240.5);
	CHECK_STR(t.nodes[0].ifaces[0].ipv4, "10.0.0.20/24");
	/* The link's interfaces come from the interface-peer fields. */
	CHECK_STR(t.links[0].iface[0], "eth0");
	CHECK_STR(t.links[0].iface[1], "eth1");
	/* IMUNES's own names for a node's namespace and jail. */
	CHECK(mbt_imn_node_for_ns(&t, "router1", 7) == &t.nodes[1]);
	CHECK(mbt_imn_node_for_ns(&t, "i5a1e-n1", 8) == &t.nodes[1]);
	CHECK(mbt_imn_node_for_ns(&t, "i5a1e.n0", 8) == &t.nodes[0]);
	CHECK(mbt_imn_node_for_ns(&t, "n1", 2) == &t.nodes[1]);
	CHECK(mbt_imn_node_for_ns(&t, "i5a1e-n11", 9) == NULL);
	CHECK(mbt_imn_node_for_ns(&t, "host", 4) == NULL);
	mbt_imn_free(&t);

	CHECK(mbt_imn_parse(json, strlen(json), &t, err, sizeof(err)) == 0);
	CHECK(t.json && t.nnodes == 2 && t.nlinks == 1);
	CHECK_STR(t.nodes[1].name, "r1");
	CHECK(t.nodes[0].x == 10 && t.nodes[0].y == 20);
	/* Interface ids in links become the interfaces' names. */
	CHECK_STR(t.links[0].iface[0], "eth0");
	CHECK_STR(t.links[0].iface[1], "eth3");
	CHECK_STR(t.nodes[0].ifaces[0].peer, "n1");
	mbt_imn_free(&t);

	/* \u escapes are the characters they stand for (a name is matched
	 * against traces' names and escaped where shown): surrogate pairs
	 * joined, a lone one U+FFFD, only a NUL made '?'. */
	{
		static const char uj[] =
		    "{\"nodes\":{\"n0\":{\"name\":\"a\\u001b\\u00e9\\ud83d"
		    "\\ude00\\udc00\\u0000z\"}}}";

		CHECK(mbt_imn_parse(uj, strlen(uj), &t, err, sizeof(err)) == 0);
		CHECK(t.nnodes == 1);
		if (t.nnodes == 1)
			CHECK_STR(t.nodes[0].name, "a\x1b\xc3\xa9\xf0\x9f\x98"
						   "\x80\xef\xbf\xbd?z");
		mbt_imn_free(&t);
	}

	/* Refusals say where. */
	CHECK(mbt_imn_parse("node n0 {\n type pc\n", 19, &t, err,
		  sizeof(err)) == -EINVAL);
	CHECK_STR(err, "line 1: a '{' that is never closed");
	CHECK(
	    mbt_imn_parse("hello world", 11, &t, err, sizeof(err)) == -EINVAL);
	CHECK(strncmp(err, "line 1: 'hello' is not an IMUNES object", 39) == 0);
	CHECK(mbt_imn_parse("{\"nodes\": {\"n0\": [}", 19, &t, err,
		  sizeof(err)) == -EINVAL);
	CHECK(mbt_imn_parse("{}", 2, &t, err, sizeof(err)) == -EINVAL);
	CHECK_STR(err, "no nodes: is this an IMUNES topology?");
	CHECK(t.nnodes == 0 && t.nodes == NULL);
}

int
main(void)
{
	test_identity();
	test_identity_hostile_names();
	test_wants();
	test_expect();
	test_imn();
	return check_summary("test_path");
}
