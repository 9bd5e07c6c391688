/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace explain`: for each trace, one paragraph a person can act on:
 * what happened, where it ended, the records that show it, and what to
 * check or change.  The causes are a table: a cause holds when the trace
 * was dropped with one of its drop reasons (Linux kfree_skb reasons,
 * FreeBSD drop texts), or passed a record that marks it (an ICMP error
 * sent for it, a firewall verdict); the first cause that holds is told.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "opt.h"
#include "paths.h"

#define MAX_KEYS 8
#define MAX_FRAMES 64

/* Which records are evidence for a cause, besides its marks and the end. */
enum {
	EV_RULE = 1,  /* firewall rules and verdicts that dropped or rejected */
	EV_ROUTE = 2, /* route lookups */
};

struct cause {
	const char *id, *what;
	/* Drop reasons, whole (Linux) or as a prefix (FreeBSD's words). */
	const char *reasons[MAX_KEYS];
	/* Records that mark it: a function, or the start of a text. */
	const char *marks[MAX_KEYS];
	/* Records that are only evidence for it (they also happen to packets
	 * that go on). */
	const char *shows[MAX_KEYS];
	unsigned evidence;
	const char *advice;
};

static const struct cause causes[] = {
    {"ttl-expired", "its TTL (hop limit) ran out at a router",
	{"ip_forward: ttl", "ip6_forward: hop limit", NULL},
	{"icmp type 11 ", "icmp6 type 3 ", NULL}, {NULL}, 0,
	"A routing loop, or a sender that starts too low (traceroute does "
	"this on purpose): check the routes along the path for a loop, and "
	"the sender's TTL."},
    {"mtu", "it was too big for the next link and could not be fragmented",
	{"PKT_TOO_BIG", "ip_output: fragmentation needed", NULL},
	{"icmp type 3 code 4", "icmp6 type 2 ", NULL}, {NULL}, EV_ROUTE,
	"The packet had DF set (or is IPv6) and the next link's MTU is "
	"smaller: let path MTU discovery work (do not filter ICMP "
	"'fragmentation needed'), lower the sender's MTU or MSS, or raise the "
	"link's MTU (ip link show)."},
    {"firewall", "a firewall rule dropped it",
	{"NETFILTER_DROP", "ipfw:", "pf:", "IPT_", NULL}, {NULL}, {NULL},
	EV_RULE,
	"The rule named in the evidence decided it: list it (nft -a list "
	"ruleset, iptables -vnL, ipfw list N, pfctl -vvsr) and check what it "
	"matches, and whether an earlier rule should have accepted the "
	"packet."},
    {"conntrack-invalid", "connection tracking found it invalid",
	{"NF_CT_INVALID", NULL}, {"ct state invalid", "conntrack invalid", NULL},
	{NULL}, EV_RULE,
	"Connection tracking saw no connection this packet belongs to (a lone "
	"ACK, a reply after the entry expired, asymmetric routing): check "
	"conntrack -L, the timeouts, and that both directions pass this "
	"host."},
    {"rp-filter", "reverse path filtering dropped it", {"IP_RPFILTER", NULL},
	{NULL}, {NULL}, EV_ROUTE,
	"Its source address would not be routed back out of the interface "
	"it came in on: check the routes to the source (ip route get "
	"SOURCE), or set net.ipv4.conf.IFACE.rp_filter to 2 (loose) or 0 "
	"where paths are asymmetric."},
    {"martian", "its source address is a martian",
	{"IP_INVALID_SOURCE", "IP_LOCALNET", "ip_input: martian", NULL},
	{NULL}, {NULL}, EV_ROUTE,
	"No packet from outside may carry this source (loopback, 0.0.0.0, "
	"this host's own or a broadcast address): find who sends it "
	"(spoofing, missing NAT); net.ipv4.conf.IFACE.log_martians=1 logs "
	"them, route_localnet=1 allows 127/8 on purpose."},
    {"no-route", "there was no route to its destination",
	{"IP_NOROUTE", "IP_INNOROUTES", "IP_OUTNOROUTES", "IPV6_NOROUTE",
	    "ip_input: no route", "ip_output: no route", NULL},
	{"icmp type 3 code 0", "icmp6 type 1 code 0", NULL}, {NULL}, EV_ROUTE,
	"Add a route (or a default route) for the destination in that stack "
	"instance (ip route get DEST; netstat -rn), or check why the packet "
	"came here."},
    {"neighbour-failed", "the next hop's link address never resolved",
	{"NEIGH_FAILED", "NEIGH_QUEUEFULL", "NEIGH_DEAD", "NEIGH_NOARP",
	    "arpresolve", "nd6: ", NULL},
	{"icmp type 3 code 1", NULL}, {"neigh_event_send", NULL}, EV_ROUTE,
	"Nothing answered ARP or neighbour discovery for the next hop: check "
	"that it is up and on that link (ip neigh show, arp -an), its "
	"address and the route's gateway."},
    {"rcvbuf-full", "the socket's receive buffer was full",
	{"SOCKET_RCVBUFF", "SOCKET_BACKLOG", "udp_append: socket buffer full",
	    NULL},
	{"udp_fail_queue_rcv_skb", "sock_rcvqueue_full", NULL}, {NULL}, 0,
	"The application does not read as fast as packets come: read faster "
	"or in more threads, or raise SO_RCVBUF (net.core.rmem_max, "
	"kern.ipc.maxsockbuf); netstat -su counts these."},
    {"no-socket", "no socket was listening on its port",
	{"NO_SOCKET", "udp_input: no socket", "tcp_input: no socket", NULL},
	{"icmp type 3 code 3", NULL}, {NULL}, 0,
	"Nothing listens on that port in that stack instance: check that the "
	"service runs, the address and port it binds (ss -lnup, sockstat "
	"-l), and that it runs in this network namespace."},
    {"qdisc-drop", "a queueing discipline dropped it (its queue was full)",
	{"QDISC_DROP", "TC_DROP", "epair: the peer's queue is full",
	    "netisr: queue full", NULL},
	{NULL}, {"qdisc_enqueue", NULL}, 0,
	"Packets came faster than the link or the shaper lets them go: check "
	"tc -s qdisc show dev IFACE (drops, backlog), the rate and limit, or "
	"send slower."},
};

struct explain_opts {
	const char *file;
	uint64_t frames[MAX_FRAMES];
	size_t nframes;
};

static const struct cli_opt explain_opts[] = {
    CLI_OPT_JSON("one JSON object a line"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd explain_cmd = {
    .name = "explain",
    .operands = "FILE|- [FRAME...]",
    .about = "For each trace in FILE (or the frames given), one paragraph: what\n"
	     "happened to the packet, where its life ended, the records that show\n"
	     "it, and what to check or change.",
    .opts = explain_opts,
};

static bool
str_is(struct mbt_str s, const char *want)
{
	return s.len == strlen(want) && memcmp(s.ptr, want, s.len) == 0;
}

static bool
str_begins(struct mbt_str s, const char *want)
{
	size_t n = strlen(want);

	return s.len >= n && memcmp(s.ptr, want, n) == 0;
}

/* Do the record's words (its values' or its text) begin with key? */
static bool
words_begin(const struct mbt_record *r, const char *key)
{
	char words[256];
	size_t n;

	if (str_begins(r->text, key) || r->nvalues == 0)
		return str_begins(r->text, key);
	n = mbt_values_text(r, words, sizeof(words));
	return n < sizeof(words) && strncmp(words, key, strlen(key)) == 0;
}

static bool
reason_is(const struct mbt_record *r, const char *key)
{
	/* Linux names its reasons exactly; FreeBSD's are words. */
	return str_is(r->reason, key) || str_begins(r->reason, key) ||
	       words_begin(r, key);
}

static bool
marks(const struct mbt_record *r, const char *key)
{
	return str_is(r->func, key) || words_begin(r, key);
}

static bool
any_key(const struct mbt_record *r, const char *const *keys,
    bool (*fn)(const struct mbt_record *, const char *))
{
	for (size_t k = 0; k < MAX_KEYS && keys[k] != NULL; k++) {
		if (fn(r, keys[k]))
			return true;
	}
	return false;
}

/* The end record, when the trace ended dropped. */
static const struct mbt_record *
drop_of(const struct mbt_trace *t)
{
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (r->kind == MBT_KIND_END)
			return r->detail == MBT_END_DROPPED ? r : NULL;
	}
	return NULL;
}

/*
 * The drop reason decides first (in table order); only when no cause
 * names it do the records that mark a cause decide.
 */
static const struct cause *
find_cause(const struct mbt_trace *t)
{
	const struct mbt_record *end = drop_of(t);
	const size_t ncauses = sizeof(causes) / sizeof(causes[0]);

	if (end == NULL)
		return NULL;
	for (size_t c = 0; c < ncauses; c++) {
		if (any_key(end, causes[c].reasons, reason_is))
			return &causes[c];
	}
	for (size_t c = 0; c < ncauses; c++) {
		for (size_t i = 0; i < t->nrecords; i++) {
			if (t->records[i].kind != MBT_KIND_END &&
			    any_key(&t->records[i], causes[c].marks, marks))
				return &causes[c];
		}
	}
	return NULL;
}

static bool
is_evidence(const struct cause *c, const struct mbt_record *r)
{
	if (r->kind == MBT_KIND_END)
		return true;
	if (c == NULL)
		return false;
	if ((c->evidence & EV_RULE) &&
	    (r->kind == MBT_KIND_RULE || r->kind == MBT_KIND_VERDICT) &&
	    (r->detail == MBT_VERDICT_DROP || r->detail == MBT_VERDICT_REJECT))
		return true;
	if ((c->evidence & EV_ROUTE) && r->kind == MBT_KIND_ROUTE)
		return true;
	return any_key(r, c->marks, marks) || any_key(r, c->shows, marks);
}

/* "ns:iface" of a record, or "". */
static size_t
where_of(const struct mbt_record *r, char *buf, size_t size)
{
	struct mbt_step s = {.rec = r,
	    .has_ns = r->has_ns,
	    .has_iface = r->has_iface,
	    .ns = r->ns_name,
	    .ns_id = r->ns_id,
	    .ifname = r->ifname,
	    .ifindex = r->ifindex};

	return mbt_step_where(&s, buf, size);
}

static const struct mbt_record *
end_of(const struct mbt_trace *t, size_t *index)
{
	for (size_t i = 0; i < t->nrecords; i++) {
		if (t->records[i].kind == MBT_KIND_END) {
			*index = i;
			return &t->records[i];
		}
	}
	return NULL;
}

/* " by rule nftables inet/mbt/forward 2." for the rule that dropped it. */
static void
name_rule(const struct mbt_trace *t, char *buf, size_t size)
{
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!r->has_rule ||
		    (r->detail != MBT_VERDICT_DROP &&
			r->detail != MBT_VERDICT_REJECT))
			continue;
		snprintf(buf, size, ", by the rule %s %.*s %llu (record %zu).",
		    mbt_fw_name(r->fw), (int)r->rule_table.len,
		    r->rule_table.ptr ? r->rule_table.ptr : "",
		    (unsigned long long)r->rule_number, i + 1);
		return;
	}
}

/* "dropped in r1:eth0 at record 9: nft_do_chain end dropped: ..." */
static void
what_happened(const struct mbt_trace *t, const struct cause *c, char *buf,
    size_t size)
{
	size_t i = 0, n;
	const struct mbt_record *end = end_of(t, &i);
	char where[160];

	if (end == NULL) {
		snprintf(buf, size, "Its trace has no end record: the packet's "
				    "life was still going on, or its end was "
				    "not seen.");
		return;
	}
	where_of(end, where, sizeof(where));
	/* "Dropped in r1:eth0 (record 9): a firewall rule dropped it." or
	 * "It ended delivered in h2:eth0 (record 15)." */
	n = (size_t)snprintf(buf, size, "%s%s%s%s (record %zu)%s%s.",
	    c != NULL ? "Dropped" : "It ended ",
	    c != NULL ? "" : mbt_end_name(end->detail),
	    where[0] ? " in " : "", where, i + 1, c != NULL ? ": " : "",
	    c != NULL ? c->what : "");
	if (c != NULL && (c->evidence & EV_RULE) && n > 0 && n < size)
		name_rule(t, buf + n - 1, size - n + 1); /* over the '.' */
	if (c == NULL && end->detail == MBT_END_DROPPED && n < size)
		snprintf(buf + n, size - n,
		    " No cause in explain's table matches its reason.");
}

static void
text_trace(struct out *o, const struct mbt_packet *pkt,
    const struct mbt_trace *t)
{
	const struct cause *c = find_cause(t);
	struct mbt_path_group g = {.trace = *t};
	char buf[1024];
	size_t n;

	snprintf(buf, sizeof(buf), "frame %llu: ",
	    (unsigned long long)pkt->frame);
	out_str(o, buf);
	n = group_summary(&g, buf, sizeof(buf));
	out_text(o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	out_str(o, "\n  ");
	what_happened(t, c, buf, sizeof(buf));
	out_text(o, buf, strlen(buf));
	out_str(o, "\n  Evidence:");
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];
		char where[160];
		size_t w;

		if (!is_evidence(c, r))
			continue;
		snprintf(buf, sizeof(buf), "\n    record %zu: ", i + 1);
		out_str(o, buf);
		w = where_of(r, where, sizeof(where));
		if (w > 0) {
			out_text(o, where, w < sizeof(where) ? w : sizeof(where) - 1);
			out_str(o, "  ");
		}
		n = mbt_record_text(r, buf, sizeof(buf));
		out_text(o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
	}
	if (c != NULL) {
		out_str(o, "\n  Check: ");
		out_str(o, c->advice);
	}
	out_str(o, "\n\n");
}

/* Text formatted into buf (n as snprintf counts it), as far as it went. */
static void
json_buf(struct json *j, const char *key, const char *buf, size_t n,
    size_t size)
{
	json_key(j, key);
	json_str(j, buf, n < size ? n : size - 1);
}

static void
json_trace(struct out *o, const struct mbt_packet *pkt,
    const struct mbt_trace *t)
{
	const struct cause *c = find_cause(t);
	struct mbt_path_group g = {.trace = *t};
	size_t e = 0;
	const struct mbt_record *end = end_of(t, &e);
	char buf[1024];
	struct json j;

	json_init(&j, o);
	json_open(&j, '{');
	json_ku64(&j, "frame", pkt->frame);
	json_buf(&j, "summary", buf, group_summary(&g, buf, sizeof(buf)),
	    sizeof(buf));
	json_kstr(&j, "ends", end != NULL ? mbt_end_name(end->detail) : NULL);
	if (end != NULL) {
		json_buf(&j, "ends_in", buf, where_of(end, buf, sizeof(buf)),
		    sizeof(buf));
		json_ku64(&j, "end_record", e + 1);
	}
	json_kstr(&j, "cause", c != NULL ? c->id : NULL);
	what_happened(t, c, buf, sizeof(buf));
	json_kstr(&j, "what", buf);
	json_key(&j, "evidence");
	json_open(&j, '[');
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!is_evidence(c, r))
			continue;
		json_open(&j, '{');
		json_ku64(&j, "record", i + 1);
		json_buf(&j, "where", buf, where_of(r, buf, sizeof(buf)),
		    sizeof(buf));
		json_buf(&j, "text", buf, mbt_record_text(r, buf, sizeof(buf)),
		    sizeof(buf));
		json_close(&j, '}');
	}
	json_close(&j, ']');
	json_kstr(&j, "check", c != NULL ? c->advice : NULL);
	json_close(&j, '}');
	out_char(o, '\n');
}

static bool
wanted(const struct explain_opts *opt, uint64_t frame)
{
	if (opt->nframes == 0)
		return true;
	for (size_t i = 0; i < opt->nframes; i++) {
		if (opt->frames[i] == frame)
			return true;
	}
	return false;
}

static int
parse_explain_opts(int argc, char **argv, struct explain_opts *opt)
{
	struct cli_val v;
	char why[128];
	int c;

	while ((c = cli_next(&explain_cmd, argc, argv, &v)) > 0)
		;
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if (optind >= argc) {
		cli_error("which capture? give a FILE, or - for standard "
			  "input (see --help)");
		return EXIT_USAGE;
	}
	opt->file = argv[optind++];
	for (; optind < argc; optind++) {
		const char *s = argv[optind];

		if (opt->nframes == MAX_FRAMES) {
			cli_error("at most %d frames", MAX_FRAMES);
			return EXIT_USAGE;
		}
		if (cli_uint(s, 1, UINT64_MAX, &opt->frames[opt->nframes], why,
			sizeof(why)) != 0) {
			cli_error("frame '%s': %s", s, why);
			return EXIT_USAGE;
		}
		opt->nframes++;
	}
	return 0;
}

int
do_explain(int argc, char **argv)
{
	static struct out o;
	struct explain_opts opt = {0};
	struct mbt_capture *cap;
	struct mbt_packet pkt;
	struct mbt_trace t;
	char err[512];
	int rc = parse_explain_opts(argc, argv, &opt);
	uint64_t shown = 0;

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if ((cap = mbt_capture_open(opt.file, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	mbt_trace_init(&t);
	out_init(&o, stdout);
	while ((rc = mbt_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		if (!wanted(&opt, pkt.frame))
			continue;
		if (mbt_decode(pkt.data, pkt.caplen, pkt.wirelen, &t) ==
		    -ENOMEM) {
			rc = -ENOMEM;
			break;
		}
		shown++;
		if (cli_json)
			json_trace(&o, &pkt, &t);
		else
			text_trace(&o, &pkt, &t);
	}
	out_flush(&o);
	mbt_trace_free(&t);
	cli_capture_close(cap, opt.file);
	if (rc < 0) {
		cli_error("%s: %s", opt.file, rc == -ENOMEM ? "out of memory" : err);
		return EXIT_FAIL;
	}
	if (opt.nframes > shown) {
		cli_error("%s: %llu of the frames given are not traces in it",
		    opt.file, (unsigned long long)(opt.nframes - shown));
		return EXIT_USAGE;
	}
	return o.error ? EXIT_FAIL : EXIT_OK;
}
