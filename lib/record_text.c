/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One line of text per record, the same in every format, so that a search
 * for "if.c:4784" or "ip_input" finds prototype and v3 traces alike.  A v1
 * or v2 string is shown exactly as stored; a v3 record is built as:
 *   source point:  FILE:LINE: FUNC[ TEXT]   (TEXT not repeated when it
 *                  already starts with FUNC, as prototype strings do;
 *                  "enter"/"leave" stand in for an absent TEXT)
 *   other kinds:   the kind's own words, after "FILE:LINE: FUNC " when the
 *                  record also has a source location.
 * A record's typed values (VALUES) are worded here too, where a TEXT
 * attribute would stand, before it: producers write values, never words.
 */
#include <arpa/inet.h>
#include <stdbool.h>
#include <stdio.h>

#include "mbuftrace/mbuftrace.h"
#include "textbuf.h"

static void
put_str(struct mbt_textbuf *b, struct mbt_str s)
{
	mbt_tb_put(b, s.ptr, s.len);
}

static void
put_sep(struct mbt_textbuf *b)
{
	if (b->len > 0)
		mbt_tb_put(b, " ", 1);
}

static bool
starts_with(struct mbt_str s, struct mbt_str prefix)
{
	return prefix.len > 0 && s.len >= prefix.len &&
	       memcmp(s.ptr, prefix.ptr, prefix.len) == 0;
}

/* An interface by name, else by index. */
static void
put_iface(struct mbt_textbuf *b, const struct mbt_record *r)
{
	if (r->ifname.len > 0) {
		put_str(b, r->ifname);
	} else {
		mbt_tb_str(b, "if#");
		mbt_tb_u64(b, r->ifindex);
	}
}

static void
put_ns(struct mbt_textbuf *b, const struct mbt_record *r)
{
	mbt_tb_str(b, "ns ");
	if (r->ns_name.len > 0)
		put_str(b, r->ns_name);
	else
		mbt_tb_u64(b, r->ns_id);
}

/* Nanoseconds as seconds: "1.000250000". */
static void
put_secs(struct mbt_textbuf *b, uint64_t ns)
{
	char frac[10];

	mbt_tb_u64(b, ns / 1000000000u);
	snprintf(frac, sizeof(frac), "%09u", (unsigned)(ns % 1000000000u));
	mbt_tb_put(b, ".", 1);
	mbt_tb_put(b, frac, 9);
}

/* Where a host's part of a journey starts: how its clock was moved. */
static void
put_host_clock(struct mbt_textbuf *b, const struct mbt_record *r)
{
	mbt_tb_str(b, " host ");
	put_str(b, r->host);
	if (!r->has_clock)
		return;
	mbt_tb_str(b, ", clock ");
	mbt_tb_str(b, r->clock_offset_ns < 0 ? "-" : "+");
	put_secs(b, r->clock_offset_ns < 0 ? 0 - (uint64_t)r->clock_offset_ns
					   : (uint64_t)r->clock_offset_ns);
	if (r->clock_error_ns == MBT_CLOCK_UNBOUNDED) {
		mbt_tb_str(b, " s, bounded one way only");
	} else {
		mbt_tb_str(b, " s +/- ");
		put_secs(b, r->clock_error_ns);
		mbt_tb_str(b, " s");
	}
}

/* A code by its name, or by its number when this reader has no name for it. */
static void
put_code(struct mbt_textbuf *b, const char *name, uint8_t value, uint8_t max)
{
	if (value <= max)
		mbt_tb_str(b, name);
	else
		mbt_tb_u64(b, value);
}

static void
put_reason(struct mbt_textbuf *b, const struct mbt_record *r)
{
	if (!r->has_reason)
		return;
	mbt_tb_str(b, ": ");
	if (r->reason.len > 0)
		put_str(b, r->reason);
	else
		mbt_tb_u64(b, r->reason_code);
}

static void
put_route(struct mbt_textbuf *b, const struct mbt_record *r)
{
	char gw[INET6_ADDRSTRLEN];

	mbt_tb_str(b, "route");
	if (!r->has_route)
		return;
	if (r->route_error != 0) {
		mbt_tb_str(b, " error ");
		if (r->route_error < 0)
			mbt_tb_str(b, "-");
		mbt_tb_u64(b, r->route_error < 0 ? -(int64_t)r->route_error
						 : r->route_error);
		return;
	}
	mbt_tb_str(b, r->detail == MBT_ROUTE_FIB ? " fib " : " table ");
	mbt_tb_u64(b, r->route_table);
	if (r->route_family != 0 &&
	    inet_ntop(r->route_family == 4 ? AF_INET : AF_INET6, r->route_gw,
		gw, sizeof(gw)) != NULL) {
		mbt_tb_str(b, " via ");
		mbt_tb_str(b, gw);
	}
	mbt_tb_str(b, " oif ");
	mbt_tb_u64(b, r->route_oif);
}

/* One end of a flow: "192.0.2.1:80", "[2001:db8::1]:80", or no port. */
static void
put_endpoint(struct mbt_textbuf *b, const struct mbt_flow *f,
    const uint8_t *addr, uint16_t port, bool ports)
{
	char a[INET6_ADDRSTRLEN];

	if (inet_ntop(f->family == 4 ? AF_INET : AF_INET6, addr, a,
		sizeof(a)) == NULL)
		a[0] = '\0';
	if (ports && f->family == 6)
		mbt_tb_str(b, "[");
	mbt_tb_str(b, a);
	if (!ports)
		return;
	mbt_tb_str(b, f->family == 6 ? "]:" : ":");
	mbt_tb_u64(b, port);
}

/* "in tcp 192.0.2.1:40000 > 192.0.2.2:80"; ICMP ids are not ports. */
static void
put_flow(struct mbt_textbuf *b, const struct mbt_flow *f)
{
	static const struct {
		uint8_t proto;
		const char *name;
	} protos[] = {{1, "icmp"}, {6, "tcp"}, {17, "udp"}, {58, "icmp6"},
	    {132, "sctp"}};
	const char *name = NULL;
	size_t i;
	bool ports = f->proto == 6 || f->proto == 17 || f->proto == 132;

	for (i = 0; i < sizeof(protos) / sizeof(protos[0]); i++)
		if (protos[i].proto == f->proto)
			name = protos[i].name;
	if (f->dir != MBT_DIR_UNKNOWN) {
		mbt_tb_str(b, " ");
		put_code(b, mbt_dir_name(f->dir), f->dir, MBT_DIR_OUT);
	}
	mbt_tb_str(b, " ");
	if (name != NULL) {
		mbt_tb_str(b, name);
	} else {
		mbt_tb_str(b, "proto ");
		mbt_tb_u64(b, f->proto);
	}
	mbt_tb_str(b, " ");
	put_endpoint(b, f, f->src, f->sport, ports);
	mbt_tb_str(b, " > ");
	put_endpoint(b, f, f->dst, f->dport, ports);
}

static const struct mbt_value *
val(const struct mbt_record *r, uint16_t key, uint8_t type)
{
	const struct mbt_value *x = mbt_record_value(r, key);

	return x != NULL && x->type == type ? x : NULL;
}

static void
put_i64(struct mbt_textbuf *b, int64_t v)
{
	if (v < 0)
		mbt_tb_str(b, "-");
	mbt_tb_u64(b, v < 0 ? 0 - (uint64_t)v : (uint64_t)v);
}

/* "returned -22 (EINVAL)"; "returned 1" for codes the origin does not name. */
static void
put_return(struct mbt_textbuf *b, const struct mbt_record *r,
    const struct mbt_value *x)
{
	const struct mbt_value *name =
	    val(r, MBT_VAL_RETURN_NAME, MBT_VT_STRING);

	mbt_tb_str(b, "returned ");
	put_i64(b, x->num);
	if (name != NULL && name->str.len > 0) {
		mbt_tb_str(b, " (");
		put_str(b, name->str);
		mbt_tb_str(b, ")");
	}
}

/* "rc 0 to veth": a code the point reports, and the device's kind. */
static void
put_rc(struct mbt_textbuf *b, const struct mbt_record *r,
    const struct mbt_value *x)
{
	const struct mbt_value *kind = val(r, MBT_VAL_DEV_KIND, MBT_VT_STRING);

	mbt_tb_str(b, "rc ");
	put_i64(b, x->num);
	if (kind != NULL && kind->str.len > 0) {
		mbt_tb_str(b, " to ");
		put_str(b, kind->str);
	}
}

/* "qdisc 1:0", as tc writes a handle. */
static void
put_qdisc(struct mbt_textbuf *b, const struct mbt_value *x)
{
	char h[24];
	uint32_t v = (uint32_t)x->num;

	snprintf(h, sizeof(h), "%x:%x", v >> 16, v & 0xffff);
	mbt_tb_str(b, "qdisc ");
	mbt_tb_str(b, h);
}

static void
put_icmp(struct mbt_textbuf *b, const struct mbt_record *r,
    const struct mbt_value *x)
{
	const struct mbt_value *code = val(r, MBT_VAL_ICMP_CODE, MBT_VT_INT);

	mbt_tb_str(b, "icmp type ");
	put_i64(b, x->num);
	if (code != NULL) {
		mbt_tb_str(b, " code ");
		put_i64(b, code->num);
	}
}

static void
put_addr(struct mbt_textbuf *b, const struct mbt_value *x)
{
	char a[INET6_ADDRSTRLEN];

	if (x != NULL && inet_ntop(x->family == 4 ? AF_INET : AF_INET6, x->addr,
			     a, sizeof(a)) != NULL)
		mbt_tb_str(b, a);
	else
		mbt_tb_str(b, "?");
}

/* "neighbour 10.0.2.99 INCOMPLETE: queued until it resolves" */
static void
put_neigh(struct mbt_textbuf *b, const struct mbt_record *r,
    const struct mbt_value *x)
{
	/* Linux's NUD_* bits, lowest first; one is set. */
	static const char *const states[8] = {"INCOMPLETE", "REACHABLE",
	    "STALE", "DELAY", "PROBE", "FAILED", "NOARP", "PERMANENT"};
	const struct mbt_value *q = val(r, MBT_VAL_NEIGH_QUEUED, MBT_VT_INT);
	const char *state = "NONE";

	for (int i = 0; i < 8; i++)
		if (x->num & (1 << i))
			state = states[i];
	mbt_tb_str(b, "neighbour ");
	put_addr(b, val(r, MBT_VAL_NEIGH_ADDR, MBT_VT_ADDR));
	mbt_tb_str(b, " ");
	mbt_tb_str(b, state);
	mbt_tb_str(b, q != NULL && q->num == 1 ? ": queued until it resolves"
					       : ": sent, to be confirmed");
}

static void
put_sock(struct mbt_textbuf *b, const struct mbt_record *r)
{
	const struct mbt_value *tap = val(r, MBT_VAL_SOCK_TAP, MBT_VT_INT);
	const struct mbt_value *type = val(r, MBT_VAL_SOCK_TYPE, MBT_VT_INT);

	if (tap != NULL && tap->num == 1)
		mbt_tb_str(b, "copied to a packet socket (a capture tap)");
	else if (type != NULL && type->num == 3) /* SOCK_RAW */
		mbt_tb_str(b, "queued to a raw socket");
	else
		mbt_tb_str(b, "queued to a socket");
}

/* "sharing its data, first seen at netif_receive_skb" */
static void
put_copy(struct mbt_textbuf *b, const struct mbt_record *r,
    const struct mbt_value *x)
{
	const struct mbt_value *at = val(r, MBT_VAL_SEEN_AT, MBT_VT_STRING);

	mbt_tb_str(b, x->num == MBT_COPY_SEGMENT ? "a fragment or segment made "
						   "from it"
		      : x->num == MBT_COPY_BEFORE_FREE
			  ? "a copy made before it was freed"
			  : "sharing its data");
	mbt_tb_str(b, ", first seen at ");
	if (at != NULL && at->str.len > 0)
		put_str(b, at->str);
	else
		mbt_tb_str(b, "?");
}

/* The words of r's values, in one order, each phrase once. */
static void
put_values(struct mbt_textbuf *b, const struct mbt_record *r)
{
	const struct mbt_value *x;
	size_t start = b->len;

#define PHRASE(cond, words)                          \
	do {                                         \
		if (cond) {                          \
			if (b->len > start)          \
				mbt_tb_str(b, "; "); \
			words;                       \
		}                                    \
	} while (0)
	PHRASE((x = val(r, MBT_VAL_RETURN, MBT_VT_INT)) != NULL,
	    put_return(b, r, x));
	PHRASE((x = val(r, MBT_VAL_RC, MBT_VT_INT)) != NULL, put_rc(b, r, x));
	PHRASE((x = val(r, MBT_VAL_QDISC_HANDLE, MBT_VT_INT)) != NULL,
	    put_qdisc(b, x));
	PHRASE((x = val(r, MBT_VAL_ICMP_TYPE, MBT_VT_INT)) != NULL,
	    put_icmp(b, r, x));
	PHRASE((x = val(r, MBT_VAL_NEIGH_STATE, MBT_VT_INT)) != NULL,
	    put_neigh(b, r, x));
	PHRASE(val(r, MBT_VAL_SOCK_TAP, MBT_VT_INT) != NULL ||
		   val(r, MBT_VAL_SOCK_TYPE, MBT_VT_INT) != NULL,
	    put_sock(b, r));
	PHRASE(val(r, MBT_VAL_RCVQ_FULL, MBT_VT_INT) != NULL,
	    mbt_tb_str(b, "socket receive queue full"));
	PHRASE(val(r, MBT_VAL_GRO_MERGED, MBT_VT_INT) != NULL,
	    mbt_tb_str(b, "by GRO, merged into the packet before it"));
	PHRASE((x = val(r, MBT_VAL_BYTES, MBT_VT_INT)) != NULL, {
		const struct mbt_value *pid = val(r, MBT_VAL_PID, MBT_VT_INT);

		put_i64(b, x->num);
		mbt_tb_str(b, " bytes read");
		if (pid != NULL) {
			mbt_tb_str(b, " by pid ");
			put_i64(b, pid->num);
		}
	});
	PHRASE((x = val(r, MBT_VAL_COPY_HOW, MBT_VT_INT)) != NULL,
	    put_copy(b, r, x));
	PHRASE(
	    (x = val(r, MBT_VAL_ROUTE_NEXT, MBT_VT_INT)) != NULL && x->num == 1,
	    {
		    mbt_tb_str(b, "no match in table ");
		    mbt_tb_u64(b, r->route_table);
		    mbt_tb_str(b, ": on to the next rule");
	    });
#undef PHRASE
}

/* What stands where a TEXT would: the values' words, then the text. */
static void
put_words(struct mbt_textbuf *b, const struct mbt_record *r)
{
	size_t start = b->len, mark;

	put_sep(b);
	mark = b->len;
	put_values(b, r);
	if (b->len == mark)
		b->len = start; /* no values: no separator either */
	if (r->text.len > 0) {
		put_sep(b);
		put_str(b, r->text);
	}
}

/* Are there words for r's values? */
static bool
has_words(const struct mbt_record *r)
{
	char probe[1];
	struct mbt_textbuf b = {probe, 0, 0};

	put_values(&b, r);
	return b.len > 0;
}

/* The words for what happened, without the source location. */
static void
put_body(struct mbt_textbuf *b, const struct mbt_record *r)
{
	switch (r->kind) {
	case MBT_KIND_POINT:
		if (r->text.len > 0 || has_words(r)) {
			put_words(b, r);
		} else if (r->detail != MBT_POINT_PLAIN) {
			put_sep(b);
			put_code(b, mbt_point_name(r->detail), r->detail,
			    MBT_POINT_LEAVE);
		}
		return;
	case MBT_KIND_TEXT:
		put_sep(b);
		put_str(b, r->text);
		return;
	case MBT_KIND_PACKET:
		put_sep(b);
		mbt_tb_str(b, "packet ");
		mbt_tb_str(b, mbt_linktype_name(r->linktype));
		mbt_tb_str(b, " ");
		if (!mbt_linktype_known(r->linktype)) {
			mbt_tb_u64(b, r->linktype); /* no name: its number */
			mbt_tb_str(b, " ");
		}
		mbt_tb_u64(b, r->orig_len);
		mbt_tb_str(b, " bytes");
		break;
	case MBT_KIND_RULE:
		put_sep(b);
		mbt_tb_str(b, "rule ");
		put_code(b, mbt_fw_name(r->fw), r->fw, MBT_FW_MAX);
		if (r->rule_table.len > 0) {
			mbt_tb_str(b, " ");
			put_str(b, r->rule_table);
		}
		mbt_tb_str(b, " ");
		mbt_tb_u64(b, r->rule_number);
		mbt_tb_str(b, " ");
		put_code(
		    b, mbt_verdict_name(r->detail), r->detail, MBT_VERDICT_MAX);
		break;
	case MBT_KIND_VERDICT:
		put_sep(b);
		mbt_tb_str(b, "verdict ");
		put_code(
		    b, mbt_verdict_name(r->detail), r->detail, MBT_VERDICT_MAX);
		put_reason(b, r);
		break;
	case MBT_KIND_IFACE:
		put_sep(b);
		mbt_tb_str(b, "iface");
		if (r->has_iface) {
			mbt_tb_str(b, " ");
			put_iface(b, r);
		}
		if (r->has_ns) {
			mbt_tb_str(b, " ");
			put_ns(b, r);
		}
		if (r->has_clock)
			put_host_clock(b, r);
		break;
	case MBT_KIND_END:
		put_sep(b);
		mbt_tb_str(b, "end ");
		put_code(b, mbt_end_name(r->detail), r->detail, MBT_END_MAX);
		put_reason(b, r);
		break;
	case MBT_KIND_ROUTE:
		put_sep(b);
		put_route(b, r);
		break;
	case MBT_KIND_STATE:
		put_sep(b);
		mbt_tb_str(b, "state ");
		put_code(b, mbt_state_name(r->detail), r->detail,
		    MBT_STATE_MAX);
		if (r->has_rule) {
			mbt_tb_str(b, " ");
			put_code(b, mbt_fw_name(r->fw), r->fw, MBT_FW_MAX);
			mbt_tb_str(b, " rule ");
			mbt_tb_u64(b, r->rule_number);
		}
		if (r->has_flow)
			put_flow(b, &r->flow);
		break;
	case MBT_KIND_COPY:
		put_sep(b);
		mbt_tb_str(b, "copy to trace ");
		mbt_tb_hex(b, r->related_id);
		break;
	default:
		put_sep(b);
		mbt_tb_str(b, "kind ");
		mbt_tb_u64(b, r->kind);
		break;
	}
	put_words(b, r);
}

size_t
mbt_record_text(const struct mbt_record *r, char *buf, size_t size)
{
	struct mbt_textbuf b = {buf, size, 0};

	if (r->raw.len > 0) {
		put_str(&b, r->raw); /* the prototype's own words, unchanged */
		return mbt_tb_end(&b);
	}
	if (r->has_src) {
		bool func = r->func.len > 0 &&
			    !(r->kind == MBT_KIND_POINT && !has_words(r) &&
				starts_with(r->text, r->func));
		/* A bare "FILE:LINE" (the prototype's first macro) stays bare. */
		bool more = func || r->kind != MBT_KIND_POINT ||
			    r->text.len > 0 || r->detail != MBT_POINT_PLAIN ||
			    has_words(r);

		if (r->file.len > 0) {
			put_str(&b, r->file);
			if (r->line != 0) {
				mbt_tb_put(&b, ":", 1);
				mbt_tb_u64(&b, r->line);
			}
			if (more)
				mbt_tb_put(&b, ":", 1);
		}
		if (func) {
			put_sep(&b);
			put_str(&b, r->func);
		}
	}
	put_body(&b, r);
	return mbt_tb_end(&b);
}

size_t
mbt_values_text(const struct mbt_record *r, char *buf, size_t size)
{
	struct mbt_textbuf b = {buf, size, 0};

	put_values(&b, r);
	return mbt_tb_end(&b);
}
