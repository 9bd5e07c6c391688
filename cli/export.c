/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace export --otlp FILE|URL`: each journey (or single trace) as an
 * OpenTelemetry trace in OTLP's JSON encoding: a root span for the packet,
 * a span for each host's part, and in it a span for each stack instance
 * the packet passed, with the records as span events.  Written to a file
 * (one ExportTraceServiceRequest a line, as OTLP files are) or POSTed to
 * an OTLP/HTTP receiver.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "export.h"
#include "journey.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/packet.h"
#include "mbuftrace/path.h"
#include "out.h"

#define SPAN_KIND_INTERNAL 1
#define STATUS_CODE_ERROR 2

enum { O_OTLP = 256, O_SERVICE };

static const struct cli_opt export_opts[] = {
    CLI_OPT_NEEDED(O_OTLP, "otlp", 0, "FILE|URL",
	"write to FILE (- is standard output), or POST to\n"
	"URL (http://HOST[:PORT][/PATH]; /v1/traces when\n"
	"no path is given)"),
    CLI_OPT(O_SERVICE, "service", 0, CLI_TEXT, "NAME",
	"the service.name of every host (default mbuftrace)"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd export_cmd = {
    .name = "export",
    .operands = "FILE...",
    .about = "Write each packet's journey in the captures (several captures are\n"
	     "joined first, as `mbuftrace merge` does) as an OpenTelemetry trace,\n"
	     "OTLP JSON: a span for the packet, one for each host's part, one for\n"
	     "each stack instance in it, the records as span events.",
    .opts = export_opts,
};

/* One host's spans, gathered apart: OTLP groups spans by resource. */
struct host_spans {
	char name[MBT_HOST_NAME];
	char *text;
	size_t len;
	FILE *f;
	struct out *o;
	size_t nspans;
};

struct exporter {
	struct host_spans **hosts; /* apart: memstreams hold their address */
	size_t nhosts;
	const char *default_host; /* for traces that do not name theirs */
	uint64_t trace_hi, trace_lo;
	uint64_t next_span;
	int error;
};

/* splitmix64: ids that differ for near inputs, never 0 in practice. */
static uint64_t
mix(uint64_t x)
{
	x += 0x9e3779b97f4a7c15ull;
	x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
	x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
	x ^= x >> 31;
	return x != 0 ? x : 1;
}

static void
hex16(struct out *o, uint64_t v)
{
	static const char d[] = "0123456789abcdef";

	for (int i = 60; i >= 0; i -= 4)
		out_char(o, d[(v >> i) & 15]);
}

static struct out *
host_out(struct exporter *x, struct mbt_str name)
{
	struct host_spans *h;
	size_t n = name.len < MBT_HOST_NAME - 1 ? name.len : MBT_HOST_NAME - 1;

	struct host_spans **all;

	for (size_t i = 0; i < x->nhosts; i++) {
		h = x->hosts[i];
		if (strlen(h->name) == n && memcmp(h->name, name.ptr, n) == 0)
			goto found;
	}
	all = realloc(x->hosts, (x->nhosts + 1) * sizeof(*all));
	if (all == NULL)
		return NULL;
	x->hosts = all;
	if ((h = calloc(1, sizeof(*h))) == NULL)
		return NULL;
	all[x->nhosts] = h;
	memcpy(h->name, name.ptr, n);
	x->nhosts++; /* freed with the others, whatever follows */
	h->f = open_memstream(&h->text, &h->len);
	h->o = malloc(sizeof(*h->o));
	if (h->f == NULL || h->o == NULL)
		return NULL;
	out_init(h->o, h->f);
found:
	if (h->nspans++ > 0)
		out_char(h->o, ',');
	return h->o;
}

/* Attributes: "key":{"stringValue":...} and friends, comma-separated. */
static void
attr_key(struct out *o, bool *first, const char *k)
{
	out_str(o, *first ? "{\"key\":" : ",{\"key\":");
	*first = false;
	out_json_str(o, k, strlen(k));
	out_str(o, ",\"value\":");
}

static void
attr_str(struct out *o, bool *first, const char *k, const char *v, size_t n)
{
	attr_key(o, first, k);
	out_str(o, "{\"stringValue\":");
	out_json_str(o, v, n);
	out_str(o, "}}");
}

static void
attr_mstr(struct out *o, bool *first, const char *k, struct mbt_str v)
{
	attr_str(o, first, k, v.ptr, v.len);
}

static void
attr_int(struct out *o, bool *first, const char *k, int64_t v)
{
	attr_key(o, first, k);
	out_str(o, "{\"intValue\":\"");
	out_i64(o, v);
	out_str(o, "\"}}");
}

/* A trace id as mbuftrace shows it: "0x0000000000001000". */
static void
attr_id(struct out *o, bool *first, const char *k, uint64_t v)
{
	attr_key(o, first, k);
	out_str(o, "{\"stringValue\":\"0x");
	hex16(o, v);
	out_str(o, "\"}}");
}

/* What a record says, as event attributes. */
static void
record_attrs(struct out *o, const struct mbt_record *r)
{
	char text[1024];
	size_t n = mbt_record_text(r, text, sizeof(text));
	bool first = true;

	out_str(o, "\"attributes\":[");
	attr_str(o, &first, "mbuftrace.text", text,
	    n < sizeof(text) ? n : sizeof(text) - 1);
	if (r->has_src) {
		attr_mstr(o, &first, "code.filepath", r->file);
		if (r->line != 0)
			attr_int(o, &first, "code.lineno", r->line);
		if (r->func.len > 0)
			attr_mstr(o, &first, "code.function", r->func);
	}
	if (r->has_iface) {
		if (r->ifname.len > 0)
			attr_mstr(o, &first, "network.interface.name",
			    r->ifname);
		attr_int(o, &first, "mbuftrace.ifindex", r->ifindex);
	}
	if (r->has_cpu)
		attr_int(o, &first, "mbuftrace.cpu", r->cpu);
	if (r->has_rule) {
		const char *fw = mbt_fw_name(r->fw);

		attr_str(o, &first, "mbuftrace.rule.engine", fw, strlen(fw));
		if (r->rule_table.len > 0)
			attr_mstr(o, &first, "mbuftrace.rule.table",
			    r->rule_table);
		attr_int(o, &first, "mbuftrace.rule.number",
		    (int64_t)r->rule_number);
	}
	if (r->kind == MBT_KIND_RULE || r->kind == MBT_KIND_VERDICT) {
		const char *v = mbt_verdict_name(r->detail);

		attr_str(o, &first, "mbuftrace.verdict", v, strlen(v));
	}
	if (r->has_route) {
		attr_int(o, &first, "mbuftrace.route.table", r->route_table);
		attr_int(o, &first, "mbuftrace.route.oif", r->route_oif);
		attr_int(o, &first, "mbuftrace.route.error", r->route_error);
	}
	if (r->kind == MBT_KIND_END) {
		const char *e = mbt_end_name(r->detail);

		attr_str(o, &first, "mbuftrace.end", e, strlen(e));
	}
	if (r->has_reason) {
		if (r->reason.len > 0)
			attr_mstr(o, &first, "mbuftrace.drop_reason", r->reason);
		attr_int(o, &first, "mbuftrace.drop_reason_code",
		    r->reason_code);
	}
	if (r->has_packet) {
		char s[512];
		size_t m = mbt_packet_summary(r->linktype, r->pkt, r->pkt_len,
		    r->orig_len, s, sizeof(s));

		attr_str(o, &first, "mbuftrace.packet", s,
		    m < sizeof(s) ? m : sizeof(s) - 1);
	}
	out_char(o, ']');
}

/* A stretch of records: a host's part, or a stack instance in it. */
struct stretch {
	size_t from, to; /* records [from, to) */
	struct mbt_str host;
};

static uint64_t
rec_time(const struct mbt_trace *t, const struct mbt_record *r, uint64_t ts)
{
	return t->start_ns != 0 && r->has_time ? t->start_ns + r->time_ns
					       : (t->start_ns != 0 ? t->start_ns
								   : ts);
}

static void
span_head(struct out *o, struct exporter *x, uint64_t id, uint64_t parent,
    const char *name, size_t n, uint64_t start, uint64_t end)
{
	out_str(o, "{\"traceId\":\"");
	hex16(o, x->trace_hi);
	hex16(o, x->trace_lo);
	out_str(o, "\",\"spanId\":\"");
	hex16(o, id);
	out_char(o, '"');
	if (parent != 0) {
		out_str(o, ",\"parentSpanId\":\"");
		hex16(o, parent);
		out_char(o, '"');
	}
	out_str(o, ",\"name\":");
	out_json_str(o, name, n);
	out_str(o, ",\"kind\":1,\"startTimeUnixNano\":\"");
	out_u64(o, start);
	out_str(o, "\",\"endTimeUnixNano\":\"");
	out_u64(o, end < start ? start : end);
	out_char(o, '"');
}

/* The end of the stretch, when it ended the packet's life badly. */
static const struct mbt_record *
dropped_in(const struct mbt_trace *t, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if (t->records[i].kind == MBT_KIND_END &&
		    t->records[i].detail == MBT_END_DROPPED)
			return &t->records[i];
	return NULL;
}

static void
span_status(struct out *o, const struct mbt_record *drop)
{
	char msg[300];
	int n;

	if (drop == NULL)
		return;
	n = snprintf(msg, sizeof(msg), "dropped%s%.*s",
	    drop->reason.len > 0 ? ": " : "", (int)drop->reason.len,
	    drop->reason.ptr);
	out_str(o, ",\"status\":{\"code\":2,\"message\":");
	out_json_str(o, msg, (size_t)n < sizeof(msg) ? (size_t)n : 0);
	out_char(o, '}');
}

/* Did a record before i in the stretch give the same list entry? */
static bool
seen_before(const struct mbt_trace *t, size_t from, size_t i, int which)
{
	const struct mbt_record *r = &t->records[i];

	for (size_t k = from; k < i; k++) {
		const struct mbt_record *q = &t->records[k];

		if (which == 0 && q->has_iface &&
		    q->ifname.len == r->ifname.len &&
		    memcmp(q->ifname.ptr, r->ifname.ptr, r->ifname.len) == 0)
			return true;
		if (which == 1 && q->has_rule && q->fw == r->fw &&
		    q->rule_number == r->rule_number && q->detail == r->detail)
			return true;
	}
	return false;
}

/* Set attributes for a stack instance's span: interfaces, rules, routes. */
static void
list_attr(struct out *o, bool *first, const char *k,
    const struct mbt_trace *t, size_t from, size_t to, int which)
{
	bool any = false;

	for (size_t i = from; i < to; i++) {
		const struct mbt_record *r = &t->records[i];
		char text[512];
		size_t n;
		bool want = which == 0   ? r->has_iface && r->ifname.len > 0
			    : which == 1 ? r->has_rule
					 : r->has_route;

		if (!want || seen_before(t, from, i, which))
			continue;
		if (!any) {
			attr_key(o, first, k);
			out_str(o, "{\"arrayValue\":{\"values\":[");
		}
		n = which == 0 ? r->ifname.len
			       : mbt_record_text(r, text, sizeof(text));
		out_str(o, any ? ",{\"stringValue\":" : "{\"stringValue\":");
		if (which == 0)
			out_json_str(o, r->ifname.ptr, r->ifname.len);
		else
			out_json_str(
			    o, text, n < sizeof(text) ? n : sizeof(text) - 1);
		out_char(o, '}');
		any = true;
	}
	if (any)
		out_str(o, "]}}}");
}

/* One stack instance's span, its records as events. */
static int
ns_span(struct exporter *x, const struct mbt_trace *t, struct stretch s,
    uint64_t parent, uint64_t ts)
{
	const struct mbt_record *r0 = &t->records[s.from];
	struct out *o = host_out(x, s.host);
	char name[MBT_HOST_NAME + 80];
	bool first = true;
	int n;

	if (o == NULL)
		return -ENOMEM;
	for (size_t i = s.from; i < s.to && !r0->has_ns; i++)
		if (t->records[i].has_ns)
			r0 = &t->records[i];
	if (r0->has_ns && r0->ns_name.len > 0)
		n = snprintf(name, sizeof(name), "%.*s/%.*s", (int)s.host.len,
		    s.host.ptr, (int)r0->ns_name.len, r0->ns_name.ptr);
	else if (r0->has_ns)
		n = snprintf(name, sizeof(name), "%.*s/ns %llu",
		    (int)s.host.len, s.host.ptr,
		    (unsigned long long)r0->ns_id);
	else /* the host's own stack: no instance was named */
		n = snprintf(name, sizeof(name), "%.*s stack", (int)s.host.len,
		    s.host.ptr);
	span_head(o, x, mix(++x->next_span ^ x->trace_lo), parent, name,
	    (size_t)n < sizeof(name) ? (size_t)n : sizeof(name) - 1,
	    rec_time(t, &t->records[s.from], ts),
	    rec_time(t, &t->records[s.to - 1], ts));
	out_str(o, ",\"attributes\":[");
	attr_mstr(o, &first, "host.name", s.host);
	if (r0->has_ns) {
		if (r0->ns_name.len > 0)
			attr_mstr(o, &first, "mbuftrace.ns", r0->ns_name);
		attr_int(o, &first, "mbuftrace.ns_id", (int64_t)r0->ns_id);
	}
	list_attr(o, &first, "mbuftrace.interfaces", t, s.from, s.to, 0);
	list_attr(o, &first, "mbuftrace.rules", t, s.from, s.to, 1);
	list_attr(o, &first, "mbuftrace.routes", t, s.from, s.to, 2);
	out_str(o, "],\"events\":[");
	for (size_t i = s.from; i < s.to; i++) {
		const struct mbt_record *r = &t->records[i];
		const char *kind = mbt_kind_name(r->kind);

		out_str(o, i > s.from ? ",{\"timeUnixNano\":\""
				      : "{\"timeUnixNano\":\"");
		out_u64(o, rec_time(t, r, ts));
		out_str(o, "\",\"name\":");
		out_json_str(o, kind, strlen(kind));
		out_char(o, ',');
		record_attrs(o, r);
		out_char(o, '}');
	}
	out_char(o, ']');
	span_status(o, dropped_in(t, s.from, s.to));
	out_char(o, '}');
	return 0;
}

static bool
same_ns(const struct mbt_record *a, const struct mbt_record *b)
{
	return a->ns_id == b->ns_id && a->ns_name.len == b->ns_name.len &&
	       memcmp(a->ns_name.ptr, b->ns_name.ptr, a->ns_name.len) == 0;
}

/* A host's part: its span, and a span per stack instance in it. */
static int
host_span(struct exporter *x, const struct mbt_trace *t, struct stretch s,
    uint64_t parent, uint64_t ts)
{
	const struct mbt_record *hop = &t->records[s.from];
	struct out *o = host_out(x, s.host);
	uint64_t id = mix(++x->next_span ^ x->trace_lo);
	const struct mbt_record *ns = NULL;
	struct stretch part = s;
	bool first = true;
	int rc = 0;

	if (o == NULL)
		return -ENOMEM;
	span_head(o, x, id, parent, s.host.ptr, s.host.len,
	    rec_time(t, &t->records[s.from], ts),
	    rec_time(t, &t->records[s.to - 1], ts));
	out_str(o, ",\"attributes\":[");
	attr_mstr(o, &first, "host.name", s.host);
	if (hop->has_clock) {
		attr_int(o, &first, "mbuftrace.clock_offset_ns",
		    hop->clock_offset_ns);
		if (hop->clock_error_ns != MBT_CLOCK_UNBOUNDED)
			attr_int(o, &first, "mbuftrace.clock_error_ns",
			    (int64_t)hop->clock_error_ns);
	}
	if (hop->has_related)
		attr_id(o, &first, "mbuftrace.trace_id", hop->related_id);
	out_char(o, ']');
	span_status(o, dropped_in(t, s.from, s.to));
	out_char(o, '}');
	/* Runs of records in one stack instance; records that name none
	 * belong to the one before. */
	part.to = s.from;
	for (size_t i = s.from; i < s.to && rc == 0; i++) {
		const struct mbt_record *r = &t->records[i];

		if (r->has_ns && ns != NULL && !same_ns(ns, r)) {
			part.to = i;
			rc = ns_span(x, t, part, id, ts);
			part.from = i;
		}
		if (r->has_ns)
			ns = r;
	}
	part.to = s.to;
	return rc != 0 ? rc : ns_span(x, t, part, id, ts);
}

static int
export_trace(struct exporter *x, const struct mbt_trace *t, uint64_t ts)
{
	struct mbt_str host0 = {x->default_host,
	    (uint16_t)strlen(x->default_host)};
	struct stretch s = {0, 0, host0};
	uint64_t root = mix(++x->next_span ^ t->trace_id);
	char name[600];
	uint16_t lt;
	const uint8_t *pkt;
	uint32_t caplen, wirelen;
	struct out *o;
	bool first = true;
	size_t n = 0;
	int rc = 0;

	if (t->nrecords == 0)
		return 0;
	x->trace_lo = t->trace_id != 0 ? t->trace_id : mix(ts);
	x->trace_hi = mix(x->trace_lo ^ t->start_ns ^ ts);
	if (t->records[0].has_host)
		s.host = t->records[0].host;
	if ((o = host_out(x, s.host)) == NULL)
		return -ENOMEM;
	n = (size_t)snprintf(name, sizeof(name), "packet");
	if (mbt_path_snapshot(t, &lt, &pkt, &caplen, &wirelen))
		n = mbt_packet_summary(lt, pkt, caplen, wirelen, name,
		    sizeof(name));
	span_head(o, x, root, 0, "packet journey", 14,
	    rec_time(t, &t->records[0], ts),
	    rec_time(t, &t->records[t->nrecords - 1], ts));
	out_str(o, ",\"attributes\":[");
	attr_str(o, &first, "mbuftrace.packet", name,
	    n < sizeof(name) ? n : sizeof(name) - 1);
	attr_id(o, &first, "mbuftrace.trace_id", t->trace_id);
	out_char(o, ']');
	span_status(o, dropped_in(t, 0, t->nrecords));
	out_char(o, '}');
	/* A host's part starts where a record names another host. */
	for (size_t i = 1; i <= t->nrecords && rc == 0; i++) {
		const struct mbt_record *r =
		    i < t->nrecords ? &t->records[i] : NULL;

		if (r != NULL && !(r->has_clock && r->has_host))
			continue;
		s.to = i;
		rc = host_span(x, t, s, root, ts);
		s.from = i;
		if (r != NULL)
			s.host = r->host;
	}
	return rc;
}

/* The request: a resourceSpans entry per host. */
static void
write_request(struct exporter *x, const char *service, struct out *o)
{
	out_str(o, "{\"resourceSpans\":[");
	for (size_t i = 0; i < x->nhosts; i++) {
		struct host_spans *h = x->hosts[i];
		bool first = true;

		out_str(o, i > 0 ? ",{\"resource\":{\"attributes\":["
				 : "{\"resource\":{\"attributes\":[");
		attr_str(o, &first, "service.name", service, strlen(service));
		attr_str(o, &first, "host.name", h->name, strlen(h->name));
		out_str(o, "]},\"scopeSpans\":[{\"scope\":{\"name\":"
			   "\"mbuftrace\",\"version\":\"" MBT_VERSION
			   "\"},\"spans\":[");
		out_flush(h->o);
		fflush(h->f);
		out_put(o, h->text, h->len);
		out_str(o, "]}]}");
	}
	out_str(o, "]}\n");
}

static int
read_all(struct exporter *x, const char *file)
{
	struct mbt_capture *cap;
	struct mbt_packet pkt;
	struct mbt_trace t;
	char err[512];
	int rc;

	if ((cap = mbt_capture_open(file, err, sizeof(err))) == NULL) {
		cli_error("%s", err);
		return -EIO;
	}
	mbt_trace_init(&t);
	while ((rc = mbt_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		uint64_t ts =
		    (uint64_t)pkt.ts_sec * 1000000000u + pkt.ts_usec * 1000u;

		if (mbt_decode(pkt.data, pkt.caplen, pkt.wirelen, &t) ==
			-ENOMEM ||
		    export_trace(x, &t, ts) != 0) {
			rc = -2;
			break;
		}
	}
	if (rc == -1)
		cli_error("%s: %s", file, err);
	else if (rc == -2)
		cli_error("out of memory");
	mbt_trace_free(&t);
	cli_capture_close(cap, file);
	return rc < 0 ? -EIO : 0;
}

static void
exporter_free(struct exporter *x)
{
	for (size_t i = 0; i < x->nhosts; i++) {
		if (x->hosts[i]->f != NULL)
			fclose(x->hosts[i]->f);
		free(x->hosts[i]->text);
		free(x->hosts[i]->o);
		free(x->hosts[i]);
	}
	free(x->hosts);
}

/* "dir/h1.pcap" -> "h1", for traces that do not name their host. */
static void
base_name(const char *file, char *out, size_t size)
{
	const char *b = strrchr(file, '/');
	size_t n;

	b = b != NULL ? b + 1 : file;
	n = strcspn(b, ".");
	snprintf(out, size, "%.*s", (int)n, b);
}

int
do_export(int argc, char **argv)
{
	struct exporter x = {0};
	struct cli_val v;
	const char *dest = NULL, *service = "mbuftrace", *file;
	char host[MBT_HOST_NAME], *body = NULL;
	size_t len = 0;
	struct out *o = NULL;
	FILE *f = NULL;
	int c, rc = EXIT_FAIL;

	while ((c = cli_next(&export_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_OTLP: dest = v.text; break;
		case O_SERVICE: service = v.text; break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	if (dest == NULL) {
		cli_error("where to? give --otlp FILE|URL (see --help)");
		return EXIT_USAGE;
	}
	if ((file = cli_captures(argc, argv)) == NULL)
		return EXIT_USAGE;
	for (int i = optind; i < argc; i++) /* the output is no input */
		if (outfile_check_input(dest, argv[i]) != 0)
			return EXIT_FAIL;
	base_name(optind == argc - 1 ? argv[optind] : "unknown", host,
	    sizeof(host));
	x.default_host = host;
	if (read_all(&x, file) != 0)
		goto out;
	if ((f = open_memstream(&body, &len)) == NULL ||
	    (o = malloc(sizeof(*o))) == NULL) {
		cli_error("out of memory");
		goto out;
	}
	out_init(o, f);
	write_request(&x, service, o);
	out_flush(o);
	if (o->error != 0 || fflush(f) != 0) {
		cli_error("out of memory");
		goto out;
	}
	rc = otlp_deliver(dest, body, len) == 0 ? EXIT_OK : EXIT_FAIL;
out:
	if (f != NULL)
		fclose(f);
	free(body);
	free(o);
	exporter_free(&x);
	return rc;
}
