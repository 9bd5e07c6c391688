/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Tests of sys/kern/kern_mbuf_trace.c itself, run on the simulated KPIs of
 * freebsd/tests/sim/kern_sim.c: start points, records across VNETs, the
 * persistent tag across an epair, copies as child traces, budgets, drops,
 * emission only to a listener, counters, and that every trace it emits
 * decodes with libmbuftrace as what happened.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <mbuftrace/mbuftrace.h>

#include "../sim/kern_sim.h"
#include "../../../tests/unit/check.h"

void *
sim_libc_alloc(size_t size)
{
	return (malloc(size));
}

void
sim_libc_free(void *p)
{
	free(p);
}

static const uint8_t frame[] = {
	0x02, 0x00, 0x00, 0x00, 0x00, 0x0b, 0x02, 0x00, 0x00, 0x00, 0x00, 0x0a,
	0x08, 0x00, 0x45, 0x00, 0x00, 0x1c, 0x12, 0x34, 0x00, 0x00, 0x40, 0x01,
	0xe4, 0x82, 0xc0, 0x00, 0x02, 0x01, 0xc0, 0x00, 0x02, 0x02, 0x08, 0x00,
	0xf7, 0xfe, 0x00, 0x01, 0x00, 0x00,
};

static int vnet_a, vnet_b;	/* their addresses stand for two VNETs */
static struct ifnet *epair0a, *epair0b;

static int
str_is(struct mbt_str s, const char *want)
{
	return (s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0);
}

/* Decode capture i into t; 0 when it decoded entirely. */
static int
decode(int i, struct mbt_trace *t)
{
	uint32_t len;
	const uint8_t *p = sim_capture(i, &len);

	mbt_trace_init(t);
	return (mbt_decode(p, len, len, t));
}

/* Free m with someone listening, run the emitter, decode what came out. */
static int
end_and_read(struct mbuf *m, struct mbt_trace *t)
{
	int before = sim_ncaptured();

	sim_set_listener(1);
	sim_mbuf_free(m);
	if (sim_run_emitter() != 1)
		return (-1);
	return (decode(before, t));
}

static void
test_off_and_anywhere(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));

	sim_set_enable(0);
	CHECK(sim_start_point(m) != 0);
	CHECK(sim_ntags(m) == 0);
	sim_set_enable(1);
	/* mtrace_start() in the code waits for start_anywhere. */
	CHECK(sim_start(m) != 0 && sim_ntags(m) == 0);
	sim_set_start_anywhere(1);
	CHECK(sim_start(m) == 0 && sim_ntags(m) == 1);
	CHECK(sim_start(m) != 0 && sim_ntags(m) == 1);	/* one trace only */
	sim_set_start_anywhere(0);
	sim_set_listener(0);
	sim_mbuf_free(m);
	CHECK(sim_run_emitter() == 0);		/* nobody listens */
	CHECK(sim_live() == 0);
}

/*
 * A ping from jail a to jail b and back over an epair, the interface
 * start point on epair0a: the trace survives both crossings and names
 * each record's VNET in order.
 */
static void
test_ping_two_vnets(void)
{
	static const uint8_t gw[4] = { 192, 0, 2, 254 };
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	struct mbt_trace t;
	const struct mbt_record *r;
	uint64_t started = sim_counter("started");
	size_t i, n;
	char seq[64] = "";

	CHECK(sim_sysctl_ifaces("epair0a") == 0);
	sim_enter_vnet(&vnet_a);
	sim_ether_output(m, epair0a);
	CHECK(sim_counter("started") == started + 1);
	sim_strip_nonpersistent(m);		/* if_epair.c */
	CHECK(sim_ntags(m) == 1);
	sim_enter_vnet(&vnet_b);
	sim_ether_input(m, epair0b);
	sim_ip_input(m);
	sim_ipfw_verdict(m, 1);
	sim_answer(m, 0);
	sim_route(m, 0, epair0b, 0, gw);
	sim_ether_output(m, epair0b);
	sim_strip_nonpersistent(m);
	sim_enter_vnet(&vnet_a);
	sim_ether_input(m, epair0a);
	sim_ip_input(m);
	sim_delivered(m);
	CHECK(sim_sysctl_ifaces("") == 0);

	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.format == MBT_FORMAT_V3 && t.origin == MBT_ORIGIN_FREEBSD);
	CHECK(t.trace_id != 0 && t.parent_id == 0);
	CHECK(t.start_ns == 1767225600000000000ULL);
	CHECK(t.lost == 0 && t.tail_linktype == MBT_LINKTYPE_NONE);
	/* Every record names its VNET; the sequence of VNETs is a, b, a. */
	for (i = 0, n = 0; i < t.nrecords; i++) {
		r = &t.records[i];
		CHECK(r->has_ns);
		if (r->has_ns && (n == 0 || seq[n - 1] != r->ns_name.ptr[0]) &&
		    n < sizeof(seq) - 1 && r->ns_name.len == 1)
			seq[n++] = r->ns_name.ptr[0];
	}
	CHECK_STR(seq, "aba");
	/* The first records: where it started, and what it looked like. */
	CHECK(t.nrecords > 5);
	if (t.nrecords > 5) {
		CHECK(t.records[0].kind == MBT_KIND_IFACE);
		CHECK(t.records[1].kind == MBT_KIND_POINT &&
		    str_is(t.records[1].text, "trace started"));
		CHECK(str_is(t.records[1].func, "sim_ether_output"));
		CHECK(t.records[2].kind == MBT_KIND_IFACE &&
		    str_is(t.records[2].ifname, "epair0a") &&
		    t.records[2].ifindex == 2);
		CHECK(t.records[3].kind == MBT_KIND_PACKET &&
		    t.records[3].pkt_len == sizeof(frame) &&
		    memcmp(t.records[3].pkt, frame, sizeof(frame)) == 0);
	}
	/* Some facts on the way, and the end. */
	for (i = 0, n = 0; i < t.nrecords; i++) {
		r = &t.records[i];
		n += r->kind == MBT_KIND_VERDICT && r->detail == MBT_VERDICT_PASS &&
		    str_is(r->reason, "ipfw");
		n += r->kind == MBT_KIND_TEXT &&
		    str_is(r->text, "icmp_input: answered in place, type 0");
		n += r->kind == MBT_KIND_ROUTE && r->route_oif == 3 &&
		    r->route_family == 4 && memcmp(r->route_gw, gw, 4) == 0;
		n += r->kind == MBT_KIND_IFACE && str_is(r->ifname, "epair0b") &&
		    str_is(r->ns_name, "b");
	}
	CHECK(n == 5);	/* epair0b twice: in and out */
	r = &t.records[t.nrecords - 1];
	CHECK(r->kind == MBT_KIND_END && r->detail == MBT_END_DELIVERED);
	CHECK(sim_counter("emitted") >= 1 && sim_live() == 0);
	mbt_trace_free(&t);
}

/* Patch 01's hook: the copy is a child; without it, the copy adopts. */
static void
test_copies(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame)), *c, *u;
	struct mbt_trace p, k, a;

	sim_enter_vnet(&vnet_b);
	CHECK(sim_start_point(m) == 0);
	sim_static(m, "before the copy");
	c = sim_mbuf_copy(m, 1);
	CHECK(sim_live() == 2);
	sim_static(c, "in the copy");
	u = sim_mbuf_copy(m, 0);		/* a copy the hook missed */
	sim_static(u, "in the other copy");
	CHECK(sim_live() == 3);
	/* Only kernel code recorded: every module may unload. */
	CHECK(sim_kld_unload(0) == 0 && sim_kld_unload(1) == 0);
	CHECK(end_and_read(m, &p) == 0);
	CHECK(end_and_read(c, &k) == 0);
	CHECK(end_and_read(u, &a) == 0);
	CHECK(k.parent_id == p.trace_id && k.trace_id != p.trace_id);
	CHECK(a.parent_id == p.trace_id && a.trace_id != k.trace_id);
	/* The parent says whom it copied; the hooked child starts there. */
	CHECK(p.nrecords >= 3 && p.records[p.nrecords - 2].kind ==
	    MBT_KIND_COPY && p.records[p.nrecords - 2].related_id == k.trace_id);
	CHECK(k.nrecords >= 2 && str_is(k.records[k.nrecords - 2].text,
	    "in the copy"));
	CHECK(k.records[0].has_ns && str_is(k.records[0].ns_name, "b"));
	CHECK(a.nrecords >= 2 && str_is(a.records[a.nrecords - 2].text,
	    "in the other copy"));
	CHECK(sim_live() == 0);
	mbt_trace_free(&p);
	mbt_trace_free(&k);
	mbt_trace_free(&a);
}

/* The budget: what does not fit is counted, the end always fits. */
static void
test_budget_and_drop(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	uint64_t lost = sim_counter("records_lost");
	struct mbt_trace t;
	int i;

	CHECK(sim_sysctl_uint("records", 1) != 0);	/* below the minimum */
	CHECK(sim_sysctl_uint("records", 513) != 0);
	CHECK(sim_sysctl_uint("records", 6) == 0);
	CHECK(sim_sysctl_uint("arena", 20) == 0);
	sim_enter_vnet(&vnet_b);
	CHECK(sim_start_point(m) == 0);
	sim_dynamic(m, "a dynamic string longer than the arena");
	for (i = 0; i < 10; i++)
		sim_ip_input(m);
	sim_drop(m, "test: dropped here");
	sim_ip_input(m);			/* after the end: ignored */
	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.nrecords == 6);
	CHECK((t.flags & MBT_V3_F_LOST) != 0 && t.lost >= 7);
	CHECK(sim_counter("records_lost") - lost == t.lost);
	CHECK(t.nrecords == 6 && t.records[5].kind == MBT_KIND_END &&
	    t.records[5].detail == MBT_END_DROPPED &&
	    str_is(t.records[5].reason, "test: dropped here") &&
	    str_is(t.records[5].func, "sim_drop"));
	/* The dynamic text was cut to the arena, the VNET name kept first. */
	CHECK(t.nrecords == 6 && t.records[2].kind == MBT_KIND_TEXT &&
	    t.records[2].text.len > 0 && t.records[2].text.len < 20);
	CHECK(sim_sysctl_uint("records", 64) == 0);
	CHECK(sim_sysctl_uint("arena", 1024) == 0);
	mbt_trace_free(&t);
}

/*
 * A firewall state and a route lookup as the patches record them: the
 * state's key, the rule that made it, created or matched; the route's
 * table named as a FIB.
 */
static void
test_state_and_fib(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	const struct mbt_record *r;
	struct mbt_trace t;

	sim_enter_vnet(&vnet_b);
	CHECK(sim_start_point(m) == 0);
	sim_fw_state(m, MBT_FW_PF, MBT_STATE_CREATED, 3, MBT_DIR_IN,
	    6, a, 40000, b, 80);
	sim_fw_state(m, MBT_FW_IPFW, MBT_STATE_MATCHED, 200, 0, 17, b,
	    53, a, 5353);
	sim_route(m, 2, epair0b, 0, a);
	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.nrecords >= 4);
	if (t.nrecords < 4)
		return;
	r = &t.records[t.nrecords - 4];
	CHECK(r->kind == MBT_KIND_STATE && r->detail == MBT_STATE_CREATED &&
	    r->has_rule && r->fw == MBT_FW_PF && r->rule_number == 3 &&
	    r->has_flow && r->flow.family == 4 && r->flow.proto == 6 &&
	    r->flow.dir == MBT_DIR_IN && memcmp(r->flow.src, a, 4) == 0 &&
	    memcmp(r->flow.dst, b, 4) == 0 && r->flow.sport == 40000 &&
	    r->flow.dport == 80 && str_is(r->func, "sim_fw_state"));
	r++;
	CHECK(r->kind == MBT_KIND_STATE && r->detail == MBT_STATE_MATCHED &&
	    r->fw == MBT_FW_IPFW && r->rule_number == 200 && r->has_flow &&
	    r->flow.dir == MBT_DIR_UNKNOWN && r->flow.proto == 17 &&
	    r->flow.sport == 53 && r->flow.dport == 5353);
	r++;
	CHECK(r->kind == MBT_KIND_ROUTE && r->detail == MBT_ROUTE_FIB &&
	    r->has_route && r->route_table == 2 &&
	    r->route_oif == 3 && r->route_family == 4);
	mbt_trace_free(&t);
	sim_clear_captures();	/* the simulated tap keeps 16 */
}

/*
 * ipfw's dynamic rule (patch 26's header): the SYN makes it, the SYN-ACK
 * matches it in reverse, and both records show the key the SYN had, with
 * no direction (ipfw keeps none).
 */
static void
test_ipfw_state(void)
{
	static const uint8_t a[4] = { 192, 0, 2, 1 }, b[4] = { 192, 0, 2, 2 };
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	const struct mbt_record *r;
	struct mbt_trace t;
	int i;

	sim_enter_vnet(&vnet_b);
	CHECK(sim_start_point(m) == 0);
	sim_ipfw_state(m, MBT_STATE_CREATED, 0, a, 40000, b, 80, 200);
	sim_ipfw_state(m, MBT_STATE_MATCHED, 1, b, 80, a, 40000, 200);
	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.nrecords >= 3);
	for (i = 0; t.nrecords >= 3 && i < 2; i++) {
		r = &t.records[t.nrecords - 3 + i];
		CHECK(r->kind == MBT_KIND_STATE && r->detail ==
		    (i == 0 ? MBT_STATE_CREATED : MBT_STATE_MATCHED) &&
		    r->fw == MBT_FW_IPFW && r->rule_number == 200 &&
		    r->has_flow && r->flow.family == 4 && r->flow.proto == 6 &&
		    r->flow.dir == MBT_DIR_UNKNOWN &&
		    memcmp(r->flow.src, a, 4) == 0 &&
		    memcmp(r->flow.dst, b, 4) == 0 &&
		    r->flow.sport == 40000 && r->flow.dport == 80);
	}
	mbt_trace_free(&t);
	sim_clear_captures();	/* the simulated tap keeps 16 */
}

/* A full emit queue drops traces and counts them. */
static void
test_emit_queue(void)
{
	struct mbuf *m1 = sim_mbuf(frame, sizeof(frame));
	struct mbuf *m2 = sim_mbuf(frame, sizeof(frame));
	uint64_t dropped = sim_counter("emit_dropped");

	CHECK(sim_start_point(m1) == 0 && sim_start_point(m2) == 0);
	CHECK(sim_sysctl_uint("emit_queue_max", 1) == 0);
	sim_set_listener(1);
	sim_mbuf_free(m1);
	sim_mbuf_free(m2);
	CHECK(sim_counter("emit_dropped") == dropped + 1);
	CHECK(sim_run_emitter() == 1);
	CHECK(sim_live() == 0);
	CHECK(sim_sysctl_uint("emit_queue_max", 1024) == 0);
}

/*
 * "ipfw add 100 eaction mtrace ...": the action starts a trace, records
 * ipfw's rule, and lets ipfw go on to the next rule; it ignores other
 * actions' opcodes; the module stays while traces are alive.
 */
static void
test_ipfw_action(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	struct mbuf *other = sim_mbuf(frame, sizeof(frame));
	struct mbt_trace t;
	int done;

	CHECK(sim_ipfw_load() == 0);
	sim_enter_vnet(&vnet_b);
	CHECK(sim_ipfw_match(other, 0, &done) == 0 && done == 0);
	CHECK(sim_ntags(other) == 0);
	CHECK(sim_ipfw_match(m, 1, &done) == 0 && done == 0);
	CHECK(sim_ntags(m) == 1);
	/* A trace alive points at the module's strings: the kernel keeps it. */
	CHECK(sim_ipfw_unload() == EBUSY);
	CHECK(strstr(sim_last_kmsg(), "ipfw_mtrace.ko stays") != NULL);
	CHECK(sim_kld_unload(0) == 0);		/* other modules may go */
	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.nrecords == 4);
	if (t.nrecords == 4) {
		CHECK(str_is(t.records[1].func, "ipfw_mtrace"));
		CHECK(t.records[2].kind == MBT_KIND_RULE && t.records[2].has_rule);
		CHECK(t.records[2].fw == MBT_FW_IPFW &&
		    t.records[2].detail == MBT_VERDICT_CONTINUE);
		CHECK(t.records[3].kind == MBT_KIND_END);
	}
	/* A rule uses the action: unloaded, the rule would drop. Refused. */
	sim_ipfw_rules(1);
	CHECK(sim_ipfw_unload() == EBUSY);
	CHECK(strstr(sim_last_kmsg(), "rules use") != NULL);
	sim_ipfw_rules(0);
	CHECK(sim_ipfw_unload() == 0);
	sim_set_listener(0);
	sim_mbuf_free(other);
	mbt_trace_free(&t);
}

/* An ng_mtrace node between two hooks: traces what crosses it. */
static void
test_ng_node(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame)), *out;
	struct mbt_trace t;

	CHECK(sim_ng_setup(1) == 0);
	CHECK(sim_ng_newhook("in") != 0);	/* taken */
	CHECK(sim_ng_newhook("sideways") != 0);
	sim_enter_vnet(&vnet_a);
	CHECK(sim_ng_input(m, &out) == 0 && out == m);
	CHECK(sim_ntags(m) == 1);
	CHECK(sim_ng_unload() != 0);		/* a trace is alive */
	CHECK(end_and_read(m, &t) == 0);
	CHECK(t.nrecords == 4);
	if (t.nrecords == 4) {
		CHECK(t.records[2].kind == MBT_KIND_RULE &&
		    t.records[2].fw == MBT_FW_NETGRAPH &&
		    t.records[2].rule_number == 42 &&
		    t.records[2].detail == MBT_VERDICT_PASS);
		CHECK(str_is(t.records[2].ns_name, "a"));
	}
	mbt_trace_free(&t);
	CHECK(sim_ng_unload() == 0);
	sim_ng_shutdown();

	/* With nothing on "out" the packet is dropped, and says so. */
	m = sim_mbuf(frame, sizeof(frame));
	CHECK(sim_ng_setup(0) == 0);
	sim_set_listener(1);
	CHECK(sim_ng_input(m, &out) != 0 && out == NULL);
	CHECK(sim_run_emitter() == 1);
	CHECK(decode(sim_ncaptured() - 1, &t) == 0);
	CHECK(t.nrecords >= 1 && t.records[t.nrecords - 1].kind == MBT_KIND_END &&
	    t.records[t.nrecords - 1].detail == MBT_END_DROPPED &&
	    str_is(t.records[t.nrecords - 1].reason,
	    "ng_mtrace: other hook not connected"));
	mbt_trace_free(&t);
	sim_ng_shutdown();
}

/* ddb's "show mtrace <addr>": the trace as stored, or why there is none. */
static void
test_ddb(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	const char *out;

	sim_enter_vnet(&vnet_b);
	CHECK(strstr(sim_ddb_show_mtrace(m), "carries no trace") != NULL);
	CHECK(sim_start_point(m) == 0);
	sim_static(m, "seen by ddb");
	out = sim_ddb_show_mtrace(m);
	CHECK(strstr(out, "trace 0x") != NULL);
	CHECK(strstr(out, "records, 0 lost") != NULL);
	CHECK(strstr(out, "sim_static seen by ddb") != NULL);
	CHECK(strstr(out, "iface/0 if 0  vnet of jail 2 b") != NULL);
	if (getenv("SHOW_DDB") != NULL)
		fputs(out, stderr);
	sim_set_listener(0);
	sim_mbuf_free(m);
}

/*
 * No current VNET (an early Ethernet input drop, before CURVNET_SET):
 * the interface's VNET names the records, or none when there is no
 * interface; no V_ variable is read without a VNET.
 */
static void
test_no_vnet(void)
{
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	struct mbt_trace t;
	int before = sim_violations_count();
	size_t i;

	sim_ifnet_set_vnet(epair0b, &vnet_b);
	sim_enter_vnet(NULL);
	sim_mbuf_set_rcvif(m, epair0b);
	CHECK(sim_start_point(m) == 0);
	sim_ether_input(m, epair0b);
	sim_drop(m, "ether_input: early drop");
	CHECK(end_and_read(m, &t) == 0);
	CHECK(sim_violations_count() == before);
	/* The start is named by the receiving interface's VNET. */
	CHECK(t.nrecords == 4);
	if (t.nrecords == 4) {
		CHECK(t.records[0].kind == MBT_KIND_IFACE &&
		    str_is(t.records[0].ns_name, "b"));
		CHECK(t.records[2].kind == MBT_KIND_IFACE &&
		    str_is(t.records[2].ifname, "epair0b") &&
		    str_is(t.records[2].ns_name, "b"));
		CHECK(t.records[3].kind == MBT_KIND_END &&
		    t.records[3].has_ns && str_is(t.records[3].ns_name, "b"));
	}
	mbt_trace_free(&t);

	/* No VNET and no interface: the record names no VNET at all. */
	m = sim_mbuf(frame, sizeof(frame));
	sim_enter_vnet(&vnet_a);
	CHECK(sim_start_point(m) == 0);
	sim_static(m, "in a");
	sim_enter_vnet(NULL);
	sim_static(m, "nowhere known");
	CHECK(end_and_read(m, &t) == 0);
	CHECK(sim_violations_count() == before);
	for (i = 0; i < t.nrecords; i++) {
		if (str_is(t.records[i].text, "in a"))
			CHECK(t.records[i].has_ns &&
			    str_is(t.records[i].ns_name, "a"));
		if (str_is(t.records[i].text, "nowhere known"))
			CHECK(!t.records[i].has_ns);
	}
	mbt_trace_free(&t);
	sim_enter_vnet(&vnet_b);
}

/*
 * A packet freed under a driver's lock or in UMA's destructor: the free
 * path takes no sleep mutex and enqueues no task; the traces still leave,
 * in the order they ended, once the epoch's callback kicked the task.
 */
static void
test_free_in_any_context(void)
{
	struct mbuf *m1 = sim_mbuf(frame, sizeof(frame));
	struct mbuf *m2 = sim_mbuf(frame, sizeof(frame));
	struct mbt_trace t1, t2;
	int before = sim_violations_count(), n = sim_ncaptured();

	sim_enter_vnet(&vnet_a);
	CHECK(sim_start_point(m1) == 0 && sim_start_point(m2) == 0);
	sim_static(m1, "first");
	sim_static(m2, "second");
	sim_set_listener(1);
	sim_set_nosleep(1);
	sim_mbuf_free(m1);
	sim_mbuf_free(m2);
	sim_set_nosleep(0);
	CHECK(sim_violations_count() == before);
	CHECK(sim_live() == 2);
	CHECK(sim_run_emitter() == 2);
	CHECK(sim_live() == 0);
	CHECK(decode(n, &t1) == 0 && decode(n + 1, &t2) == 0);
	CHECK(t1.nrecords >= 3 && str_is(t1.records[2].text, "first"));
	CHECK(t2.nrecords >= 3 && str_is(t2.records[2].text, "second"));
	mbt_trace_free(&t1);
	mbt_trace_free(&t2);
	/* A later end kicks the emitter again. */
	m1 = sim_mbuf(frame, sizeof(frame));
	CHECK(sim_start_point(m1) == 0);
	sim_mbuf_free(m1);
	CHECK(sim_run_emitter() == 1);
	sim_set_listener(0);
}

/* The cost caps: traces per second, traces alive; both counted. */
static void
test_caps(void)
{
	struct mbuf *m[3];
	uint64_t rate = sim_counter("rate_limited");
	uint64_t live = sim_counter("live_limited");
	int i;

	for (i = 0; i < 3; i++)
		m[i] = sim_mbuf(frame, sizeof(frame));
	sim_set_listener(0);
	sim_sysctl_caps(2, 0);
	sim_set_uptime(200);
	CHECK(sim_start_point(m[0]) == 0 && sim_start_point(m[1]) == 0);
	CHECK(sim_start_point(m[2]) != 0 && sim_ntags(m[2]) == 0);
	CHECK(sim_counter("rate_limited") == rate + 1);
	sim_set_uptime(201);			/* the next second */
	CHECK(sim_start_point(m[2]) == 0);
	for (i = 0; i < 3; i++)
		sim_mbuf_free(m[i]);

	sim_sysctl_caps(0, 1);
	m[0] = sim_mbuf(frame, sizeof(frame));
	m[1] = sim_mbuf(frame, sizeof(frame));
	CHECK(sim_start_point(m[0]) == 0);
	CHECK(sim_start_point(m[1]) != 0);
	CHECK(sim_counter("live_limited") == live + 1);
	sim_mbuf_free(m[0]);
	CHECK(sim_start_point(m[1]) == 0);
	sim_mbuf_free(m[1]);
	CHECK(sim_live() == 0);
	sim_sysctl_caps(1000, 1024);
}

static void
test_iface_list(void)
{
	CHECK(sim_sysctl_ifaces("em0, epair0b,vtnet0") == 0);
	CHECK(sim_sysctl_ifaces("an_interface_name_too_long") != 0);
	CHECK(sim_sysctl_ifaces("a,b,c,d,e,f,g,h,i,j,k,l,m,n,o,p,q") != 0);
	CHECK(sim_sysctl_ifaces("") == 0);
}

/*
 * options MBUF_TRACE_ALL: the fixture mbuf_trace_all.cocci instrumented
 * (freebsd/cocci/tests/shapes.golden.c), called on a traced and on an
 * untraced packet.  Only the traced one gets records, one ENTER per
 * function entered, naming it; none while the sysctl is off.
 */
extern bool	mtrace_all_functions;
int	shape_plain(struct mbuf *);
int	shape_two(struct mbuf *, struct mbuf *, int);
int	shape_pp_in(struct mbuf **, int *, int);
int	shape_pp_out(int, struct mbuf **);
int	shape_flow(struct mbuf *, int);
void	shape_empty(struct mbuf *);

static void
call_shapes(struct mbuf *m, struct mbuf *other)
{
	struct mbuf *none = NULL;
	int off = 0;

	(void)shape_plain(m);
	(void)shape_two(other, m, 0);	/* m second: not recorded */
	(void)shape_pp_in(&m, &off, 0);
	(void)shape_pp_out(0, &none);		/* an output: nothing */
	(void)shape_flow(m, 0);			/* an early return */
	shape_empty(m);
}

static void
test_all_functions(void)
{
	static const char *const want[] = { "shape_plain", "shape_pp_in",
	    "shape_flow", "shape_empty" };
	struct mbuf *m = sim_mbuf(frame, sizeof(frame));
	struct mbuf *other = sim_mbuf(frame, sizeof(frame));
	struct mbt_trace t;
	size_t i, n;

	sim_set_start_anywhere(1);
	CHECK(sim_start(m) == 0);
	sim_set_start_anywhere(0);
	mtrace_all_functions = false;
	call_shapes(m, other);
	mtrace_all_functions = true;
	call_shapes(m, other);
	mtrace_all_functions = false;
	CHECK(sim_ntags(other) == 0);	/* untraced stays untraced */
	sim_mbuf_free(other);
	if (end_and_read(m, &t) != 0) {
		CHECK(0);
		return;
	}
	/*
	 * After "trace started" (and an IFACE record naming the VNET), one
	 * ENTER per function entered with tracing on, then the end.
	 */
	n = 0;
	for (i = 0; i < t.nrecords; i++) {
		if (t.records[i].kind != MBT_KIND_POINT ||
		    t.records[i].detail != MBT_POINT_ENTER)
			continue;
		CHECK(n < sizeof(want) / sizeof(want[0]) &&
		    str_is(t.records[i].func, want[n]));
		CHECK(str_is(t.records[i].file,
		    "freebsd/cocci/tests/shapes.golden.c") &&
		    t.records[i].line > 0);
		n++;
	}
	CHECK(n == sizeof(want) / sizeof(want[0]));
	CHECK(t.nrecords > 0 &&
	    t.records[t.nrecords - 1].kind == MBT_KIND_END);
	mbt_trace_free(&t);
}

int
main(void)
{
	sim_init();
	CHECK(sim_jail_created(&vnet_a, 1, "a", 1) == 0);
	CHECK(sim_jail_created(&vnet_b, 2, "b", 1) == 0);
	epair0a = sim_ifnet("epair0a", 2);
	epair0b = sim_ifnet("epair0b", 3);
	test_off_and_anywhere();
	test_ping_two_vnets();
	test_copies();
	test_budget_and_drop();
	test_state_and_fib();
	test_ipfw_state();
	test_emit_queue();
	test_no_vnet();
	test_free_in_any_context();
	test_caps();
	test_iface_list();
	test_ddb();
	test_ipfw_action();
	test_ng_node();
	test_all_functions();
	sim_clear_captures();
	return (check_summary("test_kern_glue"));
}
