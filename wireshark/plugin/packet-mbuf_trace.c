/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Wireshark C plugin that shows an mbuf_trace (link type USER0) as a tree of
 * records, decoding every trace through libmbuftrace.
 *
 * This source is BSD-2-Clause like the rest of the project.  The built
 * plugin links libwireshark (GPL-2.0-or-later), so the combined binary is
 * under the GPL; that is fine, and it is why nothing else links this file.
 *
 * The plugin never parses trace bytes itself: libmbuftrace is the one
 * decoder, so the plugin, the CLI and the fuzzers can never disagree.  It
 * only turns the decoded records into tree items and hands packet
 * snapshots to Wireshark's own dissectors.
 */

#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <glib.h>

#include <epan/exceptions.h>
#include <epan/expert.h>
#include <epan/packet.h>
#include <epan/prefs.h>
#include <epan/show_exception.h>
#include <wiretap/wtap.h>
#include <ws_symbol_export.h>
#include <ws_version.h>

#include <mbuftrace/mbuftrace.h>

/*
 * The four symbols Wireshark 4.0's plugin loader looks up.  Everything else
 * in the shared object, libmbuftrace included, is built hidden.
 */
#ifndef MBT_PLUGIN_VERSION
#define MBT_PLUGIN_VERSION "0.1.0"
#endif
WS_DLL_PUBLIC_DEF const gchar plugin_version[] = MBT_PLUGIN_VERSION;
WS_DLL_PUBLIC_DEF const int plugin_want_major = WIRESHARK_VERSION_MAJOR;
WS_DLL_PUBLIC_DEF const int plugin_want_minor = WIRESHARK_VERSION_MINOR;
WS_DLL_PUBLIC void plugin_register(void);

static int proto_mbt = -1;

/*
 * The fields of wireshark/mbuf_trace.lua, same names and types, so that a
 * filter or a column works with either dissector.  Its byte-level fields
 * (hdr_len, string, string_id, skipped) are left out: the library does not
 * expose the string table or skipped TLVs.
 */
static int hf_format = -1;
static int hf_layout = -1;
static int hf_count = -1;
static int hf_summary = -1;
static int hf_kind = -1;
static int hf_detail = -1;
static int hf_text = -1;
static int hf_file = -1;
static int hf_line = -1;
static int hf_func = -1;
static int hf_ns = -1;
static int hf_ns_id = -1;
static int hf_ifname = -1;
static int hf_ifindex = -1;
static int hf_trace_id = -1;
static int hf_parent_id = -1;
static int hf_related_id = -1;
static int hf_time_ns = -1;
static int hf_cpu = -1;
static int hf_flags = -1;
static int hf_trace_len = -1;
static int hf_lost = -1;
static int hf_start_ns = -1;
static int hf_tail_linktype = -1;
static int hf_origin = -1;
static int hf_linktype = -1;
static int hf_orig_len = -1;
static int hf_rule_fw = -1;
static int hf_rule_table = -1;
static int hf_rule_number = -1;
static int hf_reason = -1;
static int hf_reason_code = -1;
static int hf_route_table = -1;
static int hf_route_oif = -1;
static int hf_route_error = -1;
static int hf_route_family = -1;
static int hf_route_gw = -1;
static int hf_flow_proto = -1;
static int hf_flow_dir = -1;
static int hf_flow_src = -1;
static int hf_flow_sport = -1;
static int hf_flow_dst = -1;
static int hf_flow_dport = -1;
/* C plugin only: the clickable link to a record's source line. */
static int hf_src_url = -1;
/* One field per value key (mbuf_trace.value.qdisc_handle), and the rest. */
static int hf_values[MBT_VAL_MAX + 1];
static int hf_value_unknown = -1;

static gint ett_mbt = -1;
static gint ett_header = -1;
static gint ett_record = -1;
static gint ett_file = -1;
static gint ett_packet = -1;

static expert_field ei_malformed = EI_INIT;
static expert_field ei_truncated = EI_INIT;
static expert_field ei_snapshot = EI_INIT;
static expert_field ei_skipped = EI_INIT;

static const value_string flow_dir_vals[] = {
    {MBT_DIR_UNKNOWN, "unknown"},
    {MBT_DIR_IN, "in"},
    {MBT_DIR_OUT, "out"},
    {0, NULL},
};

static const value_string origin_vals[] = {
    {MBT_ORIGIN_UNKNOWN, "unknown"},
    {MBT_ORIGIN_FREEBSD, "FreeBSD"},
    {MBT_ORIGIN_LINUX, "Linux"},
    {0, NULL},
};

static const char *pref_source_root = "";

static dissector_handle_t mbt_handle;
static dissector_handle_t eth_handle, ip_handle, ipv6_handle, null_handle,
    sll_handle, data_handle;
static dissector_table_t wtap_encap_table;

/*
 * One decoded trace, reused for every packet so that its record array is
 * allocated once.  Dissection is single-threaded in Wireshark 4.0, and a
 * static trace is never leaked when a sub-dissector throws.
 */
static struct mbt_trace cur;
static bool cur_ready;

/* Bytes of [ptr, ptr + len) as an offset into the dissected buffer. */
struct span {
	gint off, len;
};

static struct span span_of(
    const uint8_t *base, size_t caplen, const void *ptr, size_t len)
{
	const uint8_t *p = ptr;
	struct span s = {0, 0};

	/*
	 * Only bytes inside the captured buffer can be highlighted; a string
	 * that is absent gets no bytes.
	 */
	if (p == NULL || p < base || p > base + caplen)
		return s;
	if (len > caplen - (size_t)(p - base))
		len = caplen - (size_t)(p - base);
	s.off = (gint)(p - base);
	s.len = (gint)len;
	return s;
}

/*
 * Printable UTF-8 for a field value: bytes that are not valid UTF-8 and
 * control characters become \xNN.  The Lua dissector's clean() (its rule
 * R7) does exactly this, and the two must show the same values.
 */
static char *clean(wmem_allocator_t *pool, const char *p, size_t n)
{
	wmem_strbuf_t *b = wmem_strbuf_new(pool, "");
	size_t i = 0;

	while (i < n) {
		uint8_t c = (uint8_t)p[i], c2;
		size_t len = 0, j;
		bool ok;

		if (c >= 0x20 && c < 0x7f)
			len = 1;
		else if (c >= 0xc2 && c <= 0xdf)
			len = 2;
		else if (c >= 0xe0 && c <= 0xef)
			len = 3;
		else if (c >= 0xf0 && c <= 0xf4)
			len = 4;
		ok = len > 0 && i + len <= n;
		for (j = 1; ok && j < len; j++)
			if ((uint8_t)p[i + j] < 0x80 ||
			    (uint8_t)p[i + j] > 0xbf)
				ok = false;
		if (ok && len >= 3) {
			/* No overlongs, surrogates, nor past U+10FFFF. */
			c2 = (uint8_t)p[i + 1];
			if ((c == 0xe0 && c2 < 0xa0) ||
			    (c == 0xed && c2 > 0x9f) ||
			    (c == 0xf0 && c2 < 0x90) ||
			    (c == 0xf4 && c2 > 0x8f))
				ok = false;
		}
		if (ok) {
			wmem_strbuf_append_len(b, p + i, len);
			i += len;
		} else {
			wmem_strbuf_append_printf(b, "\\x%02x", c);
			i++;
		}
	}
	return wmem_strbuf_finalize(b);
}

static char *clean_str(wmem_allocator_t *pool, struct mbt_str s)
{
	return clean(pool, s.ptr ? s.ptr : "", s.len);
}

/* mbt_record_text, cleaned, however long the text. */
static char *record_text(wmem_allocator_t *pool, const struct mbt_record *r)
{
	char small[256];
	size_t want = mbt_record_text(r, small, sizeof(small));
	char *big;

	if (want < sizeof(small))
		return clean(pool, small, want);
	big = wmem_alloc(pool, want + 1);
	mbt_record_text(r, big, want + 1);
	return clean(pool, big, want);
}

/*
 * A file:// link to the record's source line, or NULL when the recorded
 * path is relative and no source root says where it lives.  The #L fragment
 * is the line anchor of GitHub, GitLab, Gitea and Elixir; a source root that
 * is itself a URL (it contains "://") is used as the link's base, so such a
 * viewer opens at the line.
 */
static char *source_url(wmem_allocator_t *pool, const char *file, uint32_t line)
{
	const char *root = pref_source_root ? pref_source_root : "";
	bool root_is_url = strstr(root, "://") != NULL;
	const char *sep;
	char *path, *esc, *url;

	if (file[0] == '\0')
		return NULL;
	if (file[0] == '/' || root[0] == '\0') {
		if (file[0] != '/')
			return NULL;
		root = "";
		root_is_url = false;
	}
	sep = (root[0] != '\0' && root[strlen(root) - 1] != '/') ? "/" : "";
	path = wmem_strdup_printf(pool, "%s%s%s", root, sep, file);
	if (root_is_url) {
		url = wmem_strdup(pool, path);
	} else {
		esc = g_uri_escape_string(
		    path, G_URI_RESERVED_CHARS_ALLOWED_IN_PATH, FALSE);
		/* A relative source root still needs the URL's third slash. */
		url = wmem_strdup_printf(
		    pool, "file://%s%s", esc[0] == '/' ? "" : "/", esc);
		g_free(esc);
	}
	if (line != 0)
		url = wmem_strdup_printf(pool, "%s#L%" PRIu32, url, line);
	return url;
}

/* Which of Wireshark's dissectors reads a snapshot of this link type. */
static dissector_handle_t linktype_handle(
    uint16_t linktype, const uint8_t *pkt, uint32_t len)
{
	switch (linktype) {
	case MBT_LINKTYPE_ETHERNET:
		return eth_handle;
	case MBT_LINKTYPE_RAW:
		/* LINKTYPE_RAW carries either IP version: ask the packet. */
		if (len > 0 && (pkt[0] >> 4) == 4)
			return ip_handle;
		if (len > 0 && (pkt[0] >> 4) == 6)
			return ipv6_handle;
		return data_handle;
	case MBT_LINKTYPE_IPV4:
		return ip_handle;
	case MBT_LINKTYPE_IPV6:
		return ipv6_handle;
	case MBT_LINKTYPE_NULL:
		return null_handle;
	case MBT_LINKTYPE_LINUX_SLL:
		return sll_handle;
	case MBT_LINKTYPE_LOOP: {
		/* Wireshark's loop dissector has no name, only an encap. */
		dissector_handle_t h =
		    wtap_encap_table ? dissector_get_uint_handle(
					   wtap_encap_table, WTAP_ENCAP_LOOP)
				     : NULL;
		return h ? h : data_handle;
	}
	default:
		return data_handle;
	}
}

/* What every part of one packet's dissection needs. */
struct ctx {
	tvbuff_t *tvb;
	packet_info *pinfo;
	const uint8_t *base; /* the trace, contiguous */
	size_t caplen;
	const struct mbt_trace *t;
	uint32_t *starts; /* every record's offset, sorted */
};

/* Why a snapshot's dissector gave up, in words. */
static const char *exception_text(unsigned long code, const char *msg)
{
	if (msg != NULL)
		return msg;
	switch (code) {
	case ReportedBoundsError:
		return "Malformed frame";
	default:
		return "dissector error";
	}
}

/*
 * Hand a packet snapshot to Wireshark's dissector for its link type, into
 * tree.  The subset tvb highlights the snapshot's bytes in the trace, and
 * its reported length is the packet's original length, so a cut snapshot
 * shows as cut.  A broken snapshot must not hide the records after it, so
 * its exceptions stop here.  Returns whether a dissector ran.
 */
static bool dissect_snapshot(struct ctx *c, proto_tree *tree, uint16_t linktype,
    const uint8_t *pkt, uint32_t pkt_len, uint32_t orig_len)
{
	struct span s = span_of(c->base, c->caplen, pkt, pkt_len);
	dissector_handle_t h;
	tvbuff_t *next;

	if (s.len == 0)
		return false;
	next = tvb_new_subset_length_caplen(
	    c->tvb, s.off, s.len, (gint)MAX(orig_len, (uint32_t)s.len));
	h = linktype_handle(linktype, pkt, (uint32_t)s.len);
	TRY
	{
		call_dissector(h ? h : data_handle, next, c->pinfo, tree);
	}
	CATCH_BOUNDS_AND_DISSECTOR_ERRORS
	{
		show_exception(next, c->pinfo, tree, EXCEPT_CODE, GET_MESSAGE);
		/* A capture that cut the packet is no fault of the snapshot. */
		if (EXCEPT_CODE != BoundsError)
			expert_add_info_format(c->pinfo,
			    proto_tree_get_parent(tree), &ei_snapshot,
			    "snapshot at offset %d (%s): %s", s.off,
			    mbt_linktype_name(linktype),
			    exception_text(EXCEPT_CODE, GET_MESSAGE));
	}
	ENDTRY;
	return true;
}

/* A string field over the bytes it came from, its value cleaned. */
static proto_item *add_str(
    struct ctx *c, proto_tree *tree, int hf, struct mbt_str s)
{
	struct span sp = span_of(c->base, c->caplen, s.ptr, s.len);

	return proto_tree_add_string(
	    tree, hf, c->tvb, sp.off, sp.len, clean_str(c->pinfo->pool, s));
}

static int cmp_u32(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return x < y ? -1 : x > y;
}

/*
 * Where a record's bytes end.  The library gives each record's start only,
 * and v1/v2 store records newest first, so a record runs to the nearest
 * start after its own (or the end of the trace): c->starts holds every
 * start, sorted.
 */
static gint record_len(const struct ctx *c, size_t i)
{
	const struct mbt_trace *t = c->t;
	uint32_t start = t->records[i].offset;
	uint32_t end = t->trace_len ? t->trace_len : (uint32_t)c->caplen;
	size_t lo = 0, hi = t->nrecords;

	if (end > c->caplen)
		end = (uint32_t)c->caplen;
	while (lo < hi) { /* the first start after this one */
		size_t mid = lo + (hi - lo) / 2;

		if (c->starts[mid] <= start)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < t->nrecords && c->starts[lo] < end)
		end = c->starts[lo];
	return start < end ? (gint)(end - start) : 0;
}

static void add_source(struct ctx *c, proto_tree *rt,
    const struct mbt_record *r, gint off, gint len)
{
	char *file = clean_str(c->pinfo->pool, r->file);
	char *url = source_url(c->pinfo->pool, file, r->line);
	proto_item *ti;

	/* An absent file or function is no field, as in the Lua one. */
	ti = r->file.len > 0 ? add_str(c, rt, hf_file, r->file) : NULL;
	if (ti && url) {
		/*
		 * Wireshark opens the value of a URL item on double-click, so
		 * the link is an item of its own under the file, not the file.
		 */
		ti = proto_tree_add_string(proto_item_add_subtree(ti, ett_file),
		    hf_src_url, c->tvb, 0, 0, url);
		proto_item_set_generated(ti);
		proto_item_set_url(ti);
	}
	proto_tree_add_uint(rt, hf_line, c->tvb, off, len, r->line);
	if (r->func.len > 0)
		add_str(c, rt, hf_func, r->func);
}

/* The record's typed values, each under its own field. */
static void
add_values(struct ctx *c, proto_tree *rt, const struct mbt_record *r, gint off,
    gint len)
{
	for (uint8_t i = 0; i < r->nvalues && i < MBT_MAX_VALUES; i++) {
		const struct mbt_value *x = &r->values[i];
		char a[INET6_ADDRSTRLEN] = "?";
		const char *str = a;

		if (x->type == MBT_VT_ADDR)
			inet_ntop(x->family == 4 ? AF_INET : AF_INET6, x->addr,
			    a, sizeof(a));
		else if (x->type == MBT_VT_STRING)
			str = clean_str(c->pinfo->pool, x->str);
		if (x->key > MBT_VAL_MAX || mbt_value_type(x->key) != x->type)
			proto_tree_add_string_format_value(rt, hf_value_unknown,
			    c->tvb, off, len, "", "key %u: %s", x->key,
			    x->type == MBT_VT_INT
				? wmem_strdup_printf(
				      c->pinfo->pool, "%" PRId64, x->num)
				: str);
		else if (x->type == MBT_VT_INT)
			proto_tree_add_int64(
			    rt, hf_values[x->key], c->tvb, off, len, x->num);
		else
			proto_tree_add_string(
			    rt, hf_values[x->key], c->tvb, off, len, str);
	}
}

static void add_attributes(struct ctx *c, proto_tree *rt,
    const struct mbt_record *r, gint off, gint len)
{
	wmem_allocator_t *pool = c->pinfo->pool;
	char gw[INET6_ADDRSTRLEN];
	proto_item *ti;

	if (r->has_iface) {
		proto_tree_add_uint(
		    rt, hf_ifindex, c->tvb, off, len, r->ifindex);
		if (r->ifname.len > 0)
			add_str(c, rt, hf_ifname, r->ifname);
	}
	if (r->has_ns) {
		if (r->ns_name.len > 0)
			add_str(c, rt, hf_ns, r->ns_name);
		else
			proto_tree_add_string(rt, hf_ns, c->tvb, off, len,
			    wmem_strdup_printf(pool, "%" PRIu64, r->ns_id));
		proto_tree_add_uint64(rt, hf_ns_id, c->tvb, off, len, r->ns_id);
	}
	if (r->has_rule) {
		proto_tree_add_string(
		    rt, hf_rule_fw, c->tvb, off, len, mbt_fw_name(r->fw));
		add_str(c, rt, hf_rule_table, r->rule_table);
		proto_tree_add_uint64(
		    rt, hf_rule_number, c->tvb, off, len, r->rule_number);
	}
	if (r->has_reason) {
		proto_tree_add_uint(
		    rt, hf_reason_code, c->tvb, off, len, r->reason_code);
		add_str(c, rt, hf_reason, r->reason);
	}
	if (r->has_route) {
		proto_tree_add_uint(
		    rt, hf_route_table, c->tvb, off, len, r->route_table);
		proto_tree_add_uint(
		    rt, hf_route_oif, c->tvb, off, len, r->route_oif);
		proto_tree_add_int(
		    rt, hf_route_error, c->tvb, off, len, r->route_error);
		proto_tree_add_uint(
		    rt, hf_route_family, c->tvb, off, len, r->route_family);
		if ((r->route_family == 4 || r->route_family == 6) &&
		    inet_ntop(r->route_family == 4 ? AF_INET : AF_INET6,
			r->route_gw, gw, sizeof(gw)) != NULL)
			proto_tree_add_string(
			    rt, hf_route_gw, c->tvb, off, len, gw);
	}
	if (r->has_flow) {
		int af = r->flow.family == 4 ? AF_INET : AF_INET6;

		proto_tree_add_uint(
		    rt, hf_flow_proto, c->tvb, off, len, r->flow.proto);
		proto_tree_add_uint(
		    rt, hf_flow_dir, c->tvb, off, len, r->flow.dir);
		if (inet_ntop(af, r->flow.src, gw, sizeof(gw)) != NULL)
			proto_tree_add_string(
			    rt, hf_flow_src, c->tvb, off, len, gw);
		proto_tree_add_uint(
		    rt, hf_flow_sport, c->tvb, off, len, r->flow.sport);
		if (inet_ntop(af, r->flow.dst, gw, sizeof(gw)) != NULL)
			proto_tree_add_string(
			    rt, hf_flow_dst, c->tvb, off, len, gw);
		proto_tree_add_uint(
		    rt, hf_flow_dport, c->tvb, off, len, r->flow.dport);
	}
	if (r->has_related)
		proto_tree_add_uint64(
		    rt, hf_related_id, c->tvb, off, len, r->related_id);
	add_values(c, rt, r, off, len);
	if (r->has_packet && c->t->format == MBT_FORMAT_V3) {
		ti = proto_tree_add_uint(
		    rt, hf_linktype, c->tvb, off, len, r->linktype);
		proto_item_append_text(
		    ti, " (%s)", mbt_linktype_name(r->linktype));
		proto_tree_add_uint(
		    rt, hf_orig_len, c->tvb, off, len, r->orig_len);
	}
}

/* One record as a subtree; returns whether a snapshot was dissected. */
static bool dissect_mbt_record(struct ctx *c, proto_tree *tree, size_t i)
{
	const struct mbt_record *r = &c->t->records[i];
	bool v3 = c->t->format == MBT_FORMAT_V3;
	char *line = record_text(c->pinfo->pool, r);
	gint off = r->offset <= c->caplen ? (gint)r->offset : (gint)c->caplen;
	gint len = record_len(c, i);
	proto_tree *rt;
	proto_item *ti;

	ti = proto_tree_add_string(tree, hf_summary, c->tvb, off, len, line);
	rt = proto_item_add_subtree(ti, ett_record);
	proto_tree_add_string(
	    rt, hf_kind, c->tvb, off, len, mbt_kind_name(r->kind));

	/* Only v3 events carry a detail byte; v1/v2 records have none. */
	if (v3 && r->kind == MBT_KIND_POINT)
		proto_tree_add_string(
		    rt, hf_detail, c->tvb, off, len, mbt_point_name(r->detail));
	else if (v3 &&
		 (r->kind == MBT_KIND_RULE || r->kind == MBT_KIND_VERDICT))
		proto_tree_add_string(rt, hf_detail, c->tvb, off, len,
		    mbt_verdict_name(r->detail));
	else if (v3 && r->kind == MBT_KIND_END)
		proto_tree_add_string(
		    rt, hf_detail, c->tvb, off, len, mbt_end_name(r->detail));
	else if (v3 && r->kind == MBT_KIND_STATE)
		proto_tree_add_string(rt, hf_detail, c->tvb, off, len,
		    mbt_state_name(r->detail));

	if (r->has_cpu)
		proto_tree_add_uint(rt, hf_cpu, c->tvb, off, len, r->cpu);
	if (r->has_time)
		proto_tree_add_uint64(
		    rt, hf_time_ns, c->tvb, off, len, r->time_ns);

	/* Text for source points and free text, whatever else they carry. */
	if (r->kind == MBT_KIND_POINT || r->kind == MBT_KIND_TEXT)
		proto_tree_add_string(rt, hf_text, c->tvb, off, len, line);
	if (r->has_src)
		add_source(c, rt, r, off, len);
	add_attributes(c, rt, r, off, len);

	if (!r->has_packet)
		return false;
	return dissect_snapshot(
	    c, rt, r->linktype, r->pkt, r->pkt_len, r->orig_len);
}

/*
 * Where a v3 header field lies, for highlighting only: the values come from
 * the library, the positions from format.h, and a header that was not
 * captured whole highlights nothing.
 */
static gint hdr_len_of(const struct ctx *c, gint len)
{
	return c->caplen >= MBT_V3_HDR_LEN ? len : 0;
}

static void add_header(struct ctx *c, proto_tree *mt)
{
	const struct mbt_trace *t = c->t;
	tvbuff_t *tvb = c->tvb;
	proto_tree *ht;
	proto_item *ti;

	proto_tree_add_uint64(mt, hf_trace_id, tvb, MBT_V3_OFF_TRACE_ID,
	    hdr_len_of(c, 8), t->trace_id);
	proto_tree_add_uint64(mt, hf_parent_id, tvb, MBT_V3_OFF_PARENT_ID,
	    hdr_len_of(c, 8), t->parent_id);
	ht = proto_tree_add_subtree(mt, tvb, 0, hdr_len_of(c, MBT_V3_HDR_LEN),
	    ett_header, NULL, "Header");
	proto_tree_add_uint(
	    ht, hf_flags, tvb, MBT_V3_OFF_FLAGS, hdr_len_of(c, 2), t->flags);
	proto_tree_add_uint(ht, hf_trace_len, tvb, MBT_V3_OFF_TRACE_LEN,
	    hdr_len_of(c, 4), t->trace_len);
	proto_tree_add_uint(
	    ht, hf_lost, tvb, MBT_V3_OFF_LOST, hdr_len_of(c, 4), t->lost);
	proto_tree_add_uint64(ht, hf_start_ns, tvb, MBT_V3_OFF_START_NS,
	    hdr_len_of(c, 8), t->start_ns);
	ti = proto_tree_add_uint(ht, hf_tail_linktype, tvb,
	    MBT_V3_OFF_TAIL_LINKTYPE, hdr_len_of(c, 2), t->tail_linktype);
	proto_item_append_text(
	    ti, " (%s)", mbt_linktype_name(t->tail_linktype));
	proto_tree_add_uint(
	    ht, hf_origin, tvb, MBT_V3_OFF_ORIGIN, hdr_len_of(c, 1), t->origin);
}

/* The packet after the trace, at the end of its life. */
static bool dissect_tail(struct ctx *c, proto_tree *mt)
{
	const struct mbt_trace *t = c->t;
	struct span s = span_of(c->base, c->caplen, t->tail, t->tail_len);
	proto_item *ti;

	if (t->tail == NULL || t->tail_linktype == MBT_LINKTYPE_NONE)
		return false;
	ti = proto_tree_add_uint_format(mt, hf_linktype, c->tvb, s.off, s.len,
	    t->tail_linktype, "Tail: packet %s %" PRIu32 " bytes",
	    mbt_linktype_name(t->tail_linktype),
	    MAX(t->tail_orig_len, t->tail_len));
	return dissect_snapshot(c, proto_item_add_subtree(ti, ett_packet),
	    t->tail_linktype, t->tail, t->tail_len, t->tail_orig_len);
}

/* The first fault the library found: what, in which record, where. */
static void add_fault(struct ctx *c, proto_tree *mt, int rc)
{
	const struct mbt_error *e = &c->t->error;
	guint off = MIN(e->offset, (uint32_t)c->caplen);

	if (rc == -ENOMEM) {
		proto_tree_add_expert_format(mt, c->pinfo, &ei_malformed,
		    c->tvb, 0, 0, "out of memory decoding the trace");
		return;
	}
	/* Highlight from the fault on: nothing after it could be decoded. */
	proto_tree_add_expert_format(mt, c->pinfo,
	    e->kind == MBT_ERR_TRUNCATED ? &ei_truncated : &ei_malformed,
	    c->tvb, (gint)off, (gint)(c->caplen - off),
	    "record %d, offset %" PRIu32 ": %s", e->record, e->offset, e->what);
}

static int dissect_mbt(
    tvbuff_t *tvb, packet_info *pinfo, proto_tree *tree, void *data _U_)
{
	static const uint8_t empty[1];
	guint caplen = tvb_captured_length(tvb);
	guint wirelen = tvb_reported_length(tvb);
	struct ctx c;
	proto_item *top;
	proto_tree *mt;
	bool dissected = false;
	const char *last;
	size_t i, n;
	int rc;

	/* The library decodes one contiguous buffer; the tvb may not be. */
	c.base = caplen > 0 ? tvb_get_ptr(tvb, 0, (gint)caplen) : empty;
	c.caplen = caplen;
	c.tvb = tvb;
	c.pinfo = pinfo;
	c.t = &cur;
	if (!cur_ready) {
		mbt_trace_init(&cur);
		cur_ready = true;
	}
	rc = mbt_decode(c.base, caplen, MAX(wirelen, caplen), &cur);
	n = cur.nrecords;
	c.starts = wmem_alloc_array(pinfo->pool, uint32_t, n ? n : 1);
	for (i = 0; i < n; i++)
		c.starts[i] = cur.records[i].offset;
	qsort(c.starts, n, sizeof(*c.starts), cmp_u32);

	col_set_str(pinfo->cinfo, COL_PROTOCOL, "mbuf_trace");
	/* Snapshots may fill the Info column; the trace prefixes it below. */
	col_clear(pinfo->cinfo, COL_INFO);

	top = proto_tree_add_item(tree, proto_mbt, tvb, 0, -1, ENC_NA);
	proto_item_set_text(top, "mbuf_trace %s, %zu record%s",
	    mbt_format_name(cur.format), n, n == 1 ? "" : "s");
	mt = proto_item_add_subtree(top, ett_mbt);
	/* Nothing captured is no format at all, not an unknown one. */
	if (caplen > 0) {
		proto_tree_add_string(
		    mt, hf_format, tvb, 0, 0, mbt_format_name(cur.format));
		/* v2 was published with two sets of type numbers. */
		if (cur.format == MBT_FORMAT_V2 ||
		    cur.format == MBT_FORMAT_V2_EARLY)
			proto_item_set_generated(proto_tree_add_string(mt,
			    hf_layout, tvb, 0, 0, mbt_layout_name(cur.format)));
		proto_item_set_generated(
		    proto_tree_add_uint(mt, hf_count, tvb, 0, 0, (guint32)n));
	}
	if (cur.format == MBT_FORMAT_V3)
		add_header(&c, mt);

	/* The library returns records oldest first, whatever the format. */
	for (i = 0; i < n; i++)
		dissected |= dissect_mbt_record(&c, mt, i);
	dissected |= dissect_tail(&c, mt);
	if (rc != 0)
		add_fault(&c, mt, rc);
	/* Newer producers may add types; the library skips what it can. */
	if (cur.unknown_skipped > 0)
		proto_tree_add_expert_format(mt, pinfo, &ei_skipped, tvb, 0, 0,
		    "%zu unknown record or attribute type%s skipped",
		    cur.unknown_skipped, cur.unknown_skipped == 1 ? "" : "s");

	/* The same Info as the Lua dissector's. */
	if (dissected)
		col_prepend_fstr(pinfo->cinfo, COL_INFO, "[%zu rec] ", n);
	else if (n > 0 && (last = record_text(
			       pinfo->pool, &cur.records[n - 1]))[0] != '\0')
		col_add_fstr(pinfo->cinfo, COL_INFO, "[%zu rec] %s", n, last);
	else
		col_add_fstr(pinfo->cinfo, COL_INFO, "[%zu rec]", n);
	if (rc != 0)
		col_append_str(pinfo->cinfo, COL_INFO,
		    cur.error.kind == MBT_ERR_TRUNCATED ? " [truncated]"
							: " [malformed]");
	col_set_str(pinfo->cinfo, COL_PROTOCOL, "mbuf_trace");
	return (int)caplen;
}

static void mbt_shutdown(void)
{
	if (cur_ready) {
		mbt_trace_free(&cur);
		cur_ready = false;
	}
}

/* mbuf_trace.value.NAME for each key lib/names.c names; they live on. */
static void
register_value_fields(void)
{
	static hf_register_info hf[MBT_VAL_MAX + 1];
	int n = 0;

	for (uint16_t k = 1; k <= MBT_VAL_MAX; k++) {
		const char *name = mbt_value_name(k);
		bool num = mbt_value_type(k) == MBT_VT_INT;

		hf_values[k] = -1;
		if (name == NULL)
			continue;
		hf[n].p_id = &hf_values[k];
		hf[n].hfinfo = (header_field_info){g_strdup(name),
		    g_strdup_printf("mbuf_trace.value.%s", name),
		    num ? FT_INT64 : FT_STRING, num ? BASE_DEC : BASE_NONE,
		    NULL, 0x0, "A typed value (docs/format.md, VALUES)", HFILL};
		n++;
	}
	hf[n].p_id = &hf_value_unknown;
	hf[n].hfinfo = (header_field_info){"Value of an unknown key",
	    "mbuf_trace.value.unknown", FT_STRING, BASE_NONE, NULL, 0x0, NULL,
	    HFILL};
	proto_register_field_array(proto_mbt, hf, n + 1);
}

static void proto_register_mbuf_trace(void)
{
#define F(hf, name, abbrev, type, base, strings, blurb)                       \
	{                                                                     \
		&hf,                                                          \
		{                                                             \
			name, "mbuf_trace." abbrev, type, base, strings, 0x0, \
			    blurb, HFILL                                      \
		}                                                             \
	}
	static hf_register_info hf[] = {
	    F(hf_format, "Format", "format", FT_STRING, BASE_NONE, NULL,
		"Layout the trace was decoded as: v1, v2 or v3"),
	    F(hf_layout, "Layout", "layout", FT_STRING, BASE_NONE, NULL,
		"v2 only: v2, or v2-early (the type numbers of 2026-01-02)"),
	    F(hf_count, "Record count", "count", FT_UINT32, BASE_DEC, NULL,
		"Records decoded"),
	    F(hf_summary, "Record", "summary", FT_STRING, BASE_NONE, NULL,
		"The record as one line"),
	    F(hf_kind, "Kind", "kind", FT_STRING, BASE_NONE, NULL, NULL),
	    F(hf_detail, "Detail", "detail", FT_STRING, BASE_NONE, NULL,
		"Enter/leave, verdict or how the life ended"),
	    F(hf_text, "Text", "text", FT_STRING, BASE_NONE, NULL,
		"Line of a record with a source point or text"),
	    F(hf_file, "File", "file", FT_STRING, BASE_NONE, NULL, NULL),
	    F(hf_line, "Line", "line", FT_UINT32, BASE_DEC, NULL,
		"0 = unknown"),
	    F(hf_func, "Function", "func", FT_STRING, BASE_NONE, NULL, NULL),
	    F(hf_ns, "Namespace", "ns", FT_STRING, BASE_NONE, NULL,
		"VNET or network namespace: its name, else its id"),
	    F(hf_ns_id, "Namespace id", "ns_id", FT_UINT64, BASE_DEC, NULL,
		NULL),
	    F(hf_ifname, "Interface", "ifname", FT_STRING, BASE_NONE, NULL,
		NULL),
	    F(hf_ifindex, "Interface index", "ifindex", FT_UINT32, BASE_DEC,
		NULL, NULL),
	    F(hf_trace_id, "Trace id", "trace_id", FT_UINT64, BASE_HEX, NULL,
		NULL),
	    F(hf_parent_id, "Parent trace id", "parent_id", FT_UINT64, BASE_HEX,
		NULL, "Trace this one was copied from; 0 = none"),
	    F(hf_related_id, "Related trace id", "related_id", FT_UINT64,
		BASE_HEX, NULL, "For a copy: the child's trace"),
	    F(hf_time_ns, "Time since start (ns)", "time_ns", FT_UINT64,
		BASE_DEC, NULL, NULL),
	    F(hf_cpu, "CPU", "cpu", FT_UINT16, BASE_DEC, NULL, NULL),
	    F(hf_flags, "Flags", "flags", FT_UINT16, BASE_HEX, NULL, NULL),
	    F(hf_trace_len, "Trace length", "trace_len", FT_UINT32, BASE_DEC,
		NULL, "Header and records, without the tail"),
	    F(hf_lost, "Records lost", "lost", FT_UINT32, BASE_DEC, NULL, NULL),
	    F(hf_start_ns, "Start (ns since epoch)", "start_ns", FT_UINT64,
		BASE_DEC, NULL, NULL),
	    F(hf_tail_linktype, "Tail link type", "tail_linktype", FT_UINT16,
		BASE_DEC, NULL, NULL),
	    F(hf_origin, "Origin", "origin", FT_UINT8, BASE_DEC,
		VALS(origin_vals), NULL),
	    F(hf_linktype, "Link type", "linktype", FT_UINT16, BASE_DEC, NULL,
		NULL),
	    F(hf_orig_len, "Original length", "orig_len", FT_UINT32, BASE_DEC,
		NULL, NULL),
	    F(hf_rule_fw, "Firewall", "rule.fw", FT_STRING, BASE_NONE, NULL,
		NULL),
	    F(hf_rule_table, "Table/chain", "rule.table", FT_STRING, BASE_NONE,
		NULL, NULL),
	    F(hf_rule_number, "Rule number", "rule.number", FT_UINT64, BASE_DEC,
		NULL, NULL),
	    F(hf_reason, "Reason", "reason", FT_STRING, BASE_NONE, NULL, NULL),
	    F(hf_reason_code, "Reason code", "reason_code", FT_UINT32, BASE_DEC,
		NULL, NULL),
	    F(hf_route_table, "Route table", "route.table", FT_UINT32, BASE_DEC,
		NULL, NULL),
	    F(hf_route_oif, "Route out ifindex", "route.oif", FT_UINT32,
		BASE_DEC, NULL, NULL),
	    F(hf_route_error, "Route error", "route.error", FT_INT32, BASE_DEC,
		NULL, NULL),
	    F(hf_route_family, "Route family", "route.family", FT_UINT8,
		BASE_DEC, NULL, NULL),
	    F(hf_route_gw, "Route gateway", "route.gw", FT_STRING, BASE_NONE,
		NULL, NULL),
	    F(hf_flow_proto, "State protocol", "flow.proto", FT_UINT8,
		BASE_DEC, NULL, NULL),
	    F(hf_flow_dir, "State direction", "flow.dir", FT_UINT8, BASE_DEC,
		VALS(flow_dir_vals), NULL),
	    F(hf_flow_src, "State source", "flow.src", FT_STRING, BASE_NONE,
		NULL, NULL),
	    F(hf_flow_sport, "State source port", "flow.sport", FT_UINT16,
		BASE_DEC, NULL, NULL),
	    F(hf_flow_dst, "State destination", "flow.dst", FT_STRING,
		BASE_NONE, NULL, NULL),
	    F(hf_flow_dport, "State destination port", "flow.dport",
		FT_UINT16, BASE_DEC, NULL, NULL),
	    F(hf_src_url, "Source link", "src_url", FT_STRING, BASE_NONE, NULL,
		"file:// link to the source line (preference source_root)"),
	};
#undef F
	static gint *ett[] = {
	    &ett_mbt, &ett_header, &ett_record, &ett_file, &ett_packet};
	static ei_register_info ei[] = {
	    {&ei_malformed, {"mbuf_trace.malformed", PI_MALFORMED, PI_ERROR,
				"Malformed mbuf_trace", EXPFILL}},
	    {&ei_truncated, {"mbuf_trace.truncated", PI_MALFORMED, PI_ERROR,
				"Truncated mbuf_trace", EXPFILL}},
	    {&ei_skipped, {"mbuf_trace.skipped_tlv", PI_UNDECODED, PI_NOTE,
			      "Unknown TLV skipped", EXPFILL}},
	    {&ei_snapshot, {"mbuf_trace.snapshot", PI_MALFORMED, PI_WARN,
			       "Packet snapshot not dissected", EXPFILL}},
	};
	module_t *module;
	expert_module_t *expert;

	proto_mbt = proto_register_protocol(
	    "mbuf_trace packet path trace", "mbuf_trace", "mbuf_trace");
	proto_register_field_array(proto_mbt, hf, array_length(hf));
	register_value_fields();
	proto_register_subtree_array(ett, array_length(ett));
	expert = expert_register_protocol(proto_mbt);
	expert_register_field_array(expert, ei, array_length(ei));

	module = prefs_register_protocol(proto_mbt, NULL);
	prefs_register_string_preference(module, "source_root", "Source root",
	    "Directory prefixed to relative source paths in source links, "
	    "e.g. /usr/src/linux; empty uses paths as recorded.  A URL (with "
	    "://) such as a web source viewer is used as the links' base.",
	    &pref_source_root);

	mbt_handle = register_dissector("mbuf_trace", dissect_mbt, proto_mbt);
	register_shutdown_routine(mbt_shutdown);
}

static void proto_reg_handoff_mbuf_trace(void)
{
	dissector_add_uint("wtap_encap", WTAP_ENCAP_USER0, mbt_handle);
	eth_handle = find_dissector_add_dependency("eth_withoutfcs", proto_mbt);
	ip_handle = find_dissector_add_dependency("ip", proto_mbt);
	ipv6_handle = find_dissector_add_dependency("ipv6", proto_mbt);
	null_handle = find_dissector_add_dependency("null", proto_mbt);
	sll_handle = find_dissector_add_dependency("sll", proto_mbt);
	data_handle = find_dissector("data");
	wtap_encap_table = find_dissector_table("wtap_encap");
}

void plugin_register(void)
{
	static proto_plugin plug;

	plug.register_protoinfo = proto_register_mbuf_trace;
	plug.register_handoff = proto_reg_handoff_mbuf_trace;
	proto_register_plugin(&plug);
}
