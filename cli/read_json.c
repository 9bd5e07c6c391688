/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace read --json`: JSON Lines, one object per captured packet.  The
 * keys are stable snake_case and documented in mbuftrace(8); a key is left
 * out when the record does not carry its value.
 */
#include <arpa/inet.h>

#include "mbuftrace/packet.h"
#include "read.h"

#define TEXT_MAX 1024

static void
key(struct out *o, const char *k)
{
	out_str(o, ",\"");
	out_str(o, k);
	out_str(o, "\":");
}

static void
key_str(struct out *o, const char *k, const char *v, size_t n)
{
	key(o, k);
	out_json_str(o, v, n);
}

/* Text of length n formatted into a buffer of size bytes (out_cut). */
static void
key_str_cut(struct out *o, const char *k, const char *v, size_t n, size_t size)
{
	key(o, k);
	out_json_cut(o, v, n, size);
}

static void
key_cstr(struct out *o, const char *k, const char *v)
{
	key_str(o, k, v, strlen(v));
}

static void
key_u64(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	out_u64(o, v);
}

/* A code by name, or by number when this reader has no name for it. */
static void
key_code(
    struct out *o, const char *k, const char *name, uint8_t value, uint8_t max)
{
	if (value <= max)
		key_cstr(o, k, name);
	else
		key_u64(o, k, value);
}

/* 64-bit ids as hex strings: JSON readers often hold numbers as doubles. */
static void
key_id(struct out *o, const char *k, uint64_t v)
{
	key(o, k);
	out_char(o, '"');
	out_hex64(o, v);
	out_char(o, '"');
}

static void
json_packet(struct out *o, uint16_t linktype, const uint8_t *pkt,
    uint32_t caplen, uint32_t wirelen, struct snapshot *prev)
{
	char buf[512];
	size_t n;

	if (!mbt_linktype_known(linktype))
		key_u64(o, "linktype", linktype); /* no name: its number */
	else
		key_cstr(o, "linktype", mbt_linktype_name(linktype));
	key_u64(o, "len", wirelen);
	key_u64(o, "captured", caplen);
	if (prev->data == NULL) {
		n = mbt_packet_summary(
		    linktype, pkt, caplen, wirelen, buf, sizeof(buf));
		key_str_cut(o, "summary", buf, n, sizeof(buf));
	} else {
		n = mbt_packet_diff(prev->linktype, prev->data, prev->caplen,
		    linktype, pkt, caplen, buf, sizeof(buf));
		key_str_cut(o, "changes", buf, n, sizeof(buf));
	}
	*prev = (struct snapshot){linktype, pkt, caplen, wirelen};
}

static void
json_route(struct out *o, const struct mbt_record *r)
{
	char gw[INET6_ADDRSTRLEN];

	key_u64(o, "route_table", r->route_table);
	key_u64(o, "route_oif", r->route_oif);
	key(o, "route_error");
	out_i64(o, r->route_error);
	if (r->route_family != 0 &&
	    inet_ntop(r->route_family == 4 ? AF_INET : AF_INET6, r->route_gw,
		gw, sizeof(gw)) != NULL)
		key_cstr(o, "route_gw", gw);
	if (r->detail == MBT_ROUTE_FIB)
		key_u64(o, "route_fib", r->route_table);
}

/* A firewall state's key (STATE records). */
static void
json_flow(struct out *o, const struct mbt_flow *f)
{
	char a[INET6_ADDRSTRLEN];
	int af = f->family == 4 ? AF_INET : AF_INET6;

	key_code(o, "flow_dir", mbt_dir_name(f->dir), f->dir, MBT_DIR_OUT);
	key_u64(o, "flow_proto", f->proto);
	if (inet_ntop(af, f->src, a, sizeof(a)) != NULL)
		key_cstr(o, "flow_src", a);
	key_u64(o, "flow_sport", f->sport);
	if (inet_ntop(af, f->dst, a, sizeof(a)) != NULL)
		key_cstr(o, "flow_dst", a);
	key_u64(o, "flow_dport", f->dport);
}

/*
 * Typed values under their names ("qdisc_handle": 65536); a key this
 * reader has no name for as "value_N".
 */
static void
json_values(struct out *o, const struct mbt_record *r)
{
	for (uint8_t i = 0; i < r->nvalues && i < MBT_MAX_VALUES; i++) {
		const struct mbt_value *x = &r->values[i];
		const char *name = mbt_value_name(x->key);
		char k[24], a[INET6_ADDRSTRLEN];

		if (name == NULL)
			snprintf(k, sizeof(k), "value_%u", x->key);
		key(o, name != NULL ? name : k);
		if (x->type == MBT_VT_INT)
			out_i64(o, x->num);
		else if (x->type == MBT_VT_STRING)
			out_json_str(o, x->str.ptr, x->str.len);
		else if (inet_ntop(x->family == 4 ? AF_INET : AF_INET6, x->addr,
			     a, sizeof(a)) != NULL)
			out_json_str(o, a, strlen(a));
		else
			out_str(o, "null");
	}
}

/* The kind-specific meaning of the detail byte, under its own key. */
static void
json_detail(struct out *o, const struct mbt_record *r)
{
	switch (r->kind) {
	case MBT_KIND_POINT:
		if (r->detail != MBT_POINT_PLAIN)
			key_code(o, "phase", mbt_point_name(r->detail),
			    r->detail, MBT_POINT_LEAVE);
		break;
	case MBT_KIND_RULE:
	case MBT_KIND_VERDICT:
		key_code(o, "verdict", mbt_verdict_name(r->detail), r->detail,
		    MBT_VERDICT_MAX);
		break;
	case MBT_KIND_END:
		key_code(
		    o, "end", mbt_end_name(r->detail), r->detail, MBT_END_MAX);
		break;
	case MBT_KIND_STATE:
		key_code(o, "state", mbt_state_name(r->detail), r->detail,
		    MBT_STATE_MAX);
		break;
	default: break;
	}
}

static void
json_where(struct out *o, const struct mbt_record *r)
{
	if (r->has_time)
		key_u64(o, "time_ns", r->time_ns);
	if (r->has_cpu)
		key_u64(o, "cpu", r->cpu);
	if (r->has_ns) {
		if (r->ns_name.len > 0) {
			key_str(o, "ns", r->ns_name.ptr, r->ns_name.len);
		} else {
			key(o, "ns");
			out_char(o, '"');
			out_u64(o, r->ns_id);
			out_char(o, '"');
		}
		key_u64(o, "ns_id", r->ns_id);
	}
	if (r->has_iface) {
		key_u64(o, "ifindex", r->ifindex);
		if (r->ifname.len > 0)
			key_str(o, "ifname", r->ifname.ptr, r->ifname.len);
	}
	if (r->has_host)
		key_str(o, "host", r->host.ptr, r->host.len);
	if (r->has_clock) {
		key(o, "clock_offset_ns");
		if (r->clock_offset_ns < 0)
			out_char(o, '-');
		out_u64(o, r->clock_offset_ns < 0
			       ? 0 - (uint64_t)r->clock_offset_ns
			       : (uint64_t)r->clock_offset_ns);
		if (r->clock_error_ns != MBT_CLOCK_UNBOUNDED)
			key_u64(o, "clock_error_ns", r->clock_error_ns);
	}
}

static void
json_record(struct out *o, const struct mbt_record *r, struct snapshot *prev)
{
	char text[TEXT_MAX];
	size_t n = mbt_record_text(r, text, sizeof(text));

	out_str(o, "{\"kind\":");
	out_json_str(o, mbt_kind_name(r->kind), strlen(mbt_kind_name(r->kind)));
	json_detail(o, r);
	key_str_cut(o, "text", text, n, sizeof(text));
	if (r->has_src) {
		key_str(o, "file", r->file.ptr, r->file.len);
		if (r->line != 0)
			key_u64(o, "line", r->line);
		if (r->func.len > 0)
			key_str(o, "func", r->func.ptr, r->func.len);
	}
	json_where(o, r);
	if (r->has_packet)
		json_packet(
		    o, r->linktype, r->pkt, r->pkt_len, r->orig_len, prev);
	if (r->has_rule) {
		key_code(o, "fw", mbt_fw_name(r->fw), r->fw, MBT_FW_MAX);
		if (r->rule_table.len > 0)
			key_str(
			    o, "table", r->rule_table.ptr, r->rule_table.len);
		key_u64(o, "rule", r->rule_number);
	}
	if (r->has_reason) {
		key_u64(o, "reason_code", r->reason_code);
		if (r->reason.len > 0)
			key_str(o, "reason", r->reason.ptr, r->reason.len);
	}
	if (r->has_route)
		json_route(o, r);
	if (r->has_flow)
		json_flow(o, &r->flow);
	/* A COPY names its child; where a journey's host part starts, the
	 * trace that host recorded. */
	if (r->has_related)
		key_id(o, r->has_clock ? "host_trace_id" : "child_trace_id",
		    r->related_id);
	json_values(o, r);
	key_u64(o, "offset", r->offset);
	out_char(o, '}');
}

static void
json_header(
    struct out *o, const struct mbt_packet *p, const struct mbt_trace *t)
{
	static const char *const origins[] = {"unknown", "freebsd", "linux"};
	char summary[512];
	size_t n = trace_summary(t, summary, sizeof(summary));

	out_str(o, "{\"frame\":");
	out_u64(o, p->frame);
	key(o, "time");
	out_i64(o, p->ts_sec);
	out_char(o, '.');
	out_u64_pad(o, p->ts_usec, 6);
	key_u64(o, "caplen", p->caplen);
	key_u64(o, "wirelen", p->wirelen);
	key_cstr(o, "format", mbt_format_name(t->format));
	if (t->format == MBT_FORMAT_V2 || t->format == MBT_FORMAT_V2_EARLY)
		key_cstr(o, "layout", mbt_layout_name(t->format));
	key_str_cut(o, "summary", summary, n, sizeof(summary));
	if (t->format == MBT_FORMAT_V3) {
		key_cstr(o, "origin",
		    t->origin <= MBT_ORIGIN_LINUX ? origins[t->origin]
						  : "unknown");
		key_id(o, "trace_id", t->trace_id);
		if (t->parent_id != 0)
			key_id(o, "parent_id", t->parent_id);
		if (t->start_ns != 0)
			key_u64(o, "start_ns", t->start_ns);
		key_u64(o, "records_lost", t->lost);
	}
}

void
json_trace(struct out *o, const struct mbt_packet *p, const struct mbt_trace *t)
{
	struct snapshot prev = {0};
	char err[300];

	json_header(o, p, t);
	out_str(o, ",\"records\":[");
	for (size_t i = 0; i < t->nrecords; i++) {
		if (i > 0)
			out_char(o, ',');
		json_record(o, &t->records[i], &prev);
	}
	out_char(o, ']');
	if (t->tail != NULL && t->tail_orig_len > 0) {
		out_str(o, ",\"tail\":{\"kind\":\"packet\"");
		json_packet(o, t->tail_linktype, t->tail, t->tail_len,
		    t->tail_orig_len, &prev);
		out_char(o, '}');
	}
	if (t->unknown_skipped > 0)
		key_u64(o, "unknown_skipped", t->unknown_skipped);
	if (t->error.kind != MBT_OK) {
		size_t n = mbt_error_text(&t->error, err, sizeof(err));

		key_str_cut(o, "malformed", err, n, sizeof(err));
		key_cstr(o, "error_kind", mbt_error_kind_name(t->error.kind));
	}
	out_str(o, "}\n");
}
