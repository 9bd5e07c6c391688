/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding of v3, the project's own layout: a fixed header, then
 * type-length-value records oldest first (docs/format.md).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdlib.h>
#include <string.h>

#include "bytes.h"
#include "decode_internal.h"

/* Readers support string ids below this; docs/format.md says so. */
#define V3_MAX_STRING_ID 4096

/*
 * The string table of one trace: t->strings, which lives with the trace
 * and is reused like its records, growing to the largest id seen (no
 * static state: two threads decode with two traces).  Entries above
 * hiwater are not yet valid in this trace.
 */
struct strtab {
	unsigned hiwater;
	struct mbt_str *s; /* == t->strings */
};

struct v3 {
	const uint8_t *buf;
	size_t caplen, wirelen, trace_len;
	struct mbt_trace *t;
	struct strtab strings;
	int record; /* index of the TLV record being decoded */
};

/* A malformed v3 trace: the message names the fault and the numbers. */
#define v3_bad(d, off, ...) \
	mbt_fail((d)->t, MBT_ERR_MALFORMED, (d)->record, (off), __VA_ARGS__)

/* Look up string id; 0 means none.  Returns false when id is undefined. */
static bool
v3_string(struct v3 *d, uint16_t id, struct mbt_str *out)
{
	if (id == 0) {
		out->ptr = NULL;
		out->len = 0;
		return true;
	}
	if (id > d->strings.hiwater || d->strings.s[id].ptr == NULL)
		return false;
	*out = d->strings.s[id];
	return true;
}

static int
v3_define_string(struct v3 *d, size_t off, const uint8_t *v, uint16_t len)
{
	uint16_t id;

	if (len < 2)
		return v3_bad(d, off,
		    "STRING of %u bytes is shorter than its 2-byte id", len);
	id = mbt_be16(v);
	if (id == 0 || id >= V3_MAX_STRING_ID)
		return v3_bad(d, off, "STRING id %u is outside 1..%d", id,
		    V3_MAX_STRING_ID - 1);
	if (memchr(v + 2, '\0', len - 2U) != NULL)
		return v3_bad(d, off, "STRING id %u holds a NUL byte", id);
	if (id >= d->t->strings_cap) {
		size_t cap = d->t->strings_cap ? d->t->strings_cap : 64;
		struct mbt_str *n;

		while (cap <= id)
			cap *= 2;
		if (cap > V3_MAX_STRING_ID)
			cap = V3_MAX_STRING_ID;
		n = realloc(d->t->strings, cap * sizeof(*n));
		if (n == NULL)
			return -ENOMEM;
		d->t->strings = d->strings.s = n;
		d->t->strings_cap = cap;
	}
	while (d->strings.hiwater < id) {
		d->strings.hiwater++;
		d->strings.s[d->strings.hiwater].ptr = NULL;
	}
	if (d->strings.s[id].ptr != NULL)
		return v3_bad(d, off, "STRING id %u is defined twice", id);
	/* An empty string still needs a non-NULL pointer to count as defined. */
	d->strings.s[id].ptr = (const char *)v + 2;
	d->strings.s[id].len = (uint16_t)(len - 2);
	return 0;
}

/* Resolve a string reference inside an attribute, or fail precisely. */
#define V3_REF(d, off, id, dst)                                             \
	do {                                                                \
		if (!v3_string((d), (id), &(dst)))                          \
			return v3_bad((d), (off),                           \
			    "refers to string id %u, which is not defined " \
			    "before it",                                    \
			    (id));                                          \
	} while (0)

static int
v3_attr_route(struct v3 *d, struct mbt_record *r, size_t off, const uint8_t *v,
    uint16_t len)
{
	size_t gwlen;

	r->route_table = mbt_be32(v);
	r->route_oif = mbt_be32(v + 4);
	r->route_error = (int32_t)mbt_be32(v + 8);
	r->route_family = v[12];
	gwlen = r->route_family == 4 ? 4 : r->route_family == 6 ? 16 : 0;
	if (r->route_family != 0 && gwlen == 0)
		return v3_bad(d, off, "ROUTE family %u is not 0, 4 or 6",
		    r->route_family);
	if (len < MBT_ATTR_ROUTE_HEAD_LEN + gwlen)
		return v3_bad(d, off,
		    "ROUTE of %u bytes is too short for its gateway "
		    "(needs %zu)",
		    len, MBT_ATTR_ROUTE_HEAD_LEN + gwlen);
	memcpy(r->route_gw, v + MBT_ATTR_ROUTE_HEAD_LEN, gwlen);
	r->has_route = true;
	return 0;
}

/* FLOW: the head, then two addresses of the family's size, no more. */
static int
v3_attr_flow(struct v3 *d, struct mbt_record *r, size_t off, const uint8_t *v,
    uint16_t len)
{
	size_t alen = v[0] == 4 ? 4 : 16;

	if (v[0] != 4 && v[0] != 6)
		return v3_bad(d, off, "FLOW family %u is not 4 or 6", v[0]);
	if (len != MBT_ATTR_FLOW_HEAD_LEN + 2 * alen)
		return v3_bad(d, off,
		    "FLOW of family %u has %u bytes, not %zu", v[0], len,
		    MBT_ATTR_FLOW_HEAD_LEN + 2 * alen);
	r->flow.family = v[0];
	r->flow.proto = v[1];
	r->flow.dir = v[2];
	r->flow.sport = mbt_be16(v + 4);
	r->flow.dport = mbt_be16(v + 6);
	memcpy(r->flow.src, v + MBT_ATTR_FLOW_HEAD_LEN, alen);
	memcpy(r->flow.dst, v + MBT_ATTR_FLOW_HEAD_LEN + alen, alen);
	r->has_flow = true;
	return 0;
}

/* Is len a length values of type may have? */
static bool
v3_value_len_ok(uint8_t type, uint8_t len)
{
	switch (type) {
	case MBT_VT_INT: return len == 1 || len == 2 || len == 4 || len == 8;
	case MBT_VT_STRING: return len == 2;
	case MBT_VT_ADDR: return len == 4 || len == 16;
	default: return true;
	}
}

/* A signed big-endian integer of 1, 2, 4 or 8 bytes. */
static int64_t
v3_int(const uint8_t *v, uint8_t len)
{
	switch (len) {
	case 1: return (int8_t)v[0];
	case 2: return (int16_t)mbt_be16(v);
	case 4: return (int32_t)mbt_be32(v);
	default: return (int64_t)mbt_be64(v);
	}
}

/* One value of VALUES: checked, then kept in r unless r is full. */
static int
v3_value(struct v3 *d, struct mbt_record *r, size_t off, const uint8_t *v)
{
	uint16_t key = mbt_be16(v);
	uint8_t type = v[2], len = v[3];
	struct mbt_value *x;

	v += MBT_VALUE_HDR_LEN;
	if (key == 0)
		return v3_bad(d, off, "value key 0 is reserved");
	if (!v3_value_len_ok(type, len))
		return v3_bad(d, off, "value key %u of type %u has %u bytes",
		    key, type, len);
	if (mbt_record_value(r, key) != NULL)
		return v3_bad(d, off, "value key %u appears twice", key);
	if ((type != MBT_VT_INT && type != MBT_VT_STRING &&
		type != MBT_VT_ADDR) ||
	    r->nvalues == MBT_MAX_VALUES) {
		d->t->unknown_skipped++; /* a newer writer's, or too many */
		return 0;
	}
	x = &r->values[r->nvalues];
	memset(x, 0, sizeof(*x));
	x->key = key;
	x->type = type;
	if (type == MBT_VT_INT)
		x->num = v3_int(v, len);
	else if (type == MBT_VT_STRING)
		V3_REF(d, off, mbt_be16(v), x->str);
	else {
		x->family = len == 4 ? 4 : 6;
		memcpy(x->addr, v, len);
	}
	r->nvalues++;
	return 0;
}

static int
v3_attr_values(struct v3 *d, struct mbt_record *r, size_t off, const uint8_t *v,
    uint16_t len)
{
	size_t pos = 0;

	while (pos < len) {
		int rc;

		if (len - pos < MBT_VALUE_HDR_LEN)
			return v3_bad(d, off + pos,
			    "value header cut by the end of VALUES (%zu bytes "
			    "left, needs %d)",
			    len - pos, MBT_VALUE_HDR_LEN);
		if (v[pos + 3] > len - pos - MBT_VALUE_HDR_LEN)
			return v3_bad(d, off + pos,
			    "value of %u bytes runs past the end of VALUES",
			    v[pos + 3]);
		if ((rc = v3_value(d, r, off + pos, v + pos)) != 0)
			return rc;
		pos += MBT_VALUE_HDR_LEN + (size_t)v[pos + 3];
	}
	return 0;
}

/* The fixed part each known attribute needs; 0 for unknown types. */
static uint16_t
v3_attr_min_len(uint16_t type)
{
	switch (type) {
	case MBT_ATTR_SRC: return MBT_ATTR_SRC_LEN;
	case MBT_ATTR_TEXT: return 0;
	case MBT_ATTR_IFACE: return MBT_ATTR_IFACE_LEN;
	case MBT_ATTR_NS: return MBT_ATTR_NS_LEN;
	case MBT_ATTR_PACKET: return MBT_ATTR_PACKET_HEAD_LEN;
	case MBT_ATTR_RULE: return MBT_ATTR_RULE_LEN;
	case MBT_ATTR_REASON: return MBT_ATTR_REASON_LEN;
	case MBT_ATTR_ROUTE: return MBT_ATTR_ROUTE_HEAD_LEN;
	case MBT_ATTR_TRACE: return MBT_ATTR_TRACE_LEN;
	case MBT_ATTR_HOST: return MBT_ATTR_HOST_LEN;
	case MBT_ATTR_FLOW: return MBT_ATTR_FLOW_HEAD_LEN;
	case MBT_ATTR_VALUES: return 0;
	default: return 0;
	}
}

static int
v3_attr(struct v3 *d, struct mbt_record *r, uint16_t type, size_t off,
    const uint8_t *v, uint16_t len)
{
	if (len < v3_attr_min_len(type))
		return v3_bad(d, off,
		    "attribute type %u has %u bytes, fewer than "
		    "its fixed %u",
		    type, len, v3_attr_min_len(type));
	switch (type) {
	case MBT_ATTR_SRC:
		V3_REF(d, off, mbt_be16(v), r->file);
		V3_REF(d, off, mbt_be16(v + 2), r->func);
		r->line = mbt_be32(v + 4);
		r->has_src = true;
		return 0;
	case MBT_ATTR_TEXT:
		if (memchr(v, '\0', len) != NULL)
			return v3_bad(d, off, "TEXT holds a NUL byte");
		r->text.ptr = (const char *)v;
		r->text.len = len;
		return 0;
	case MBT_ATTR_IFACE:
		r->ifindex = mbt_be32(v);
		V3_REF(d, off, mbt_be16(v + 4), r->ifname);
		r->has_iface = true;
		return 0;
	case MBT_ATTR_NS:
		r->ns_id = mbt_be64(v);
		V3_REF(d, off, mbt_be16(v + 8), r->ns_name);
		r->has_ns = true;
		return 0;
	case MBT_ATTR_PACKET:
		r->linktype = mbt_be16(v);
		r->orig_len = mbt_be32(v + 2);
		r->pkt = v + MBT_ATTR_PACKET_HEAD_LEN;
		r->pkt_len = len - MBT_ATTR_PACKET_HEAD_LEN;
		if (r->pkt_len > r->orig_len)
			return v3_bad(d, off,
			    "PACKET snapshot of %u bytes is longer "
			    "than the packet (%u bytes)",
			    r->pkt_len, r->orig_len);
		r->has_packet = true;
		return 0;
	case MBT_ATTR_RULE:
		r->fw = v[0];
		V3_REF(d, off, mbt_be16(v + 2), r->rule_table);
		r->rule_number = mbt_be64(v + 4);
		r->has_rule = true;
		return 0;
	case MBT_ATTR_REASON:
		r->reason_code = mbt_be32(v);
		V3_REF(d, off, mbt_be16(v + 4), r->reason);
		r->has_reason = true;
		return 0;
	case MBT_ATTR_ROUTE: return v3_attr_route(d, r, off, v, len);
	case MBT_ATTR_FLOW: return v3_attr_flow(d, r, off, v, len);
	case MBT_ATTR_TRACE:
		r->related_id = mbt_be64(v);
		if (r->related_id == 0)
			return v3_bad(d, off, "TRACE names trace id 0");
		r->has_related = true;
		return 0;
	case MBT_ATTR_HOST:
		V3_REF(d, off, mbt_be16(v), r->host);
		r->has_host = true;
		if (len >= MBT_ATTR_HOST_CLOCK_LEN) {
			r->clock_offset_ns = (int64_t)mbt_be64(v + 2);
			r->clock_error_ns = mbt_be64(v + 10);
			r->has_clock = true;
		}
		return 0;
	case MBT_ATTR_VALUES: return v3_attr_values(d, r, off, v, len);
	case 0: return v3_bad(d, off, "attribute type 0 is reserved");
	default:
		d->t->unknown_skipped++; /* a newer writer's attribute */
		return 0;
	}
}

static int
v3_event(struct v3 *d, size_t off, const uint8_t *v, uint16_t len)
{
	struct mbt_record *r;
	size_t pos = MBT_V3_EVENT_HEAD_LEN;
	uint32_t seen = 0; /* known attribute types met so far */
	uint64_t time;

	if (len < MBT_V3_EVENT_HEAD_LEN)
		return v3_bad(d, off,
		    "EVENT of %u bytes is shorter than its "
		    "%d-byte head",
		    len, MBT_V3_EVENT_HEAD_LEN);
	r = mbt_trace_push(d->t, (uint32_t)off);
	if (r == NULL)
		return -ENOMEM;
	r->kind = v[MBT_V3_EV_OFF_KIND];
	if (r->kind == 0) {
		d->t->nrecords--;
		return v3_bad(d, off, "EVENT of kind 0");
	}
	r->detail = v[MBT_V3_EV_OFF_DETAIL];
	r->cpu = mbt_be16(v + MBT_V3_EV_OFF_CPU);
	r->has_cpu = r->cpu != MBT_V3_CPU_UNKNOWN;
	time = mbt_be64(v + MBT_V3_EV_OFF_TIME);
	r->has_time = time != MBT_V3_TIME_UNKNOWN;
	r->time_ns = r->has_time ? time : 0;
	while (pos < len) {
		size_t aoff = off + MBT_V3_TLV_HDR_LEN + pos;
		uint16_t atype, alen;
		int rc;

		if (len - pos < MBT_V3_TLV_HDR_LEN) {
			d->t->nrecords--;
			return v3_bad(d, aoff,
			    "attribute header cut by the end "
			    "of its event (%zu bytes left, needs %d)",
			    len - pos, MBT_V3_TLV_HDR_LEN);
		}
		atype = mbt_be16(v + pos);
		alen = mbt_be16(v + pos + 2);
		pos += MBT_V3_TLV_HDR_LEN;
		if (alen > len - pos) {
			d->t->nrecords--;
			return v3_bad(d, aoff,
			    "attribute of %u bytes runs past the "
			    "end of its event (%zu bytes left)",
			    alen, len - pos);
		}
		/* Known types are 1..MBT_ATTR_TRACE and VALUES: one bit
		 * each (HOST was let repeat before this check grew). */
		if ((atype >= 1 && atype <= MBT_ATTR_TRACE) ||
		    atype == MBT_ATTR_VALUES) {
			if (seen & (1u << atype)) {
				d->t->nrecords--;
				return v3_bad(d, aoff,
				    "attribute type %u appears "
				    "twice in one event",
				    atype);
			}
			seen |= 1u << atype;
		}
		rc = v3_attr(d, r, atype, aoff, v + pos, alen);
		if (rc != 0) {
			d->t->nrecords--; /* keep only whole records */
			return rc;
		}
		pos += alen;
	}
	return 0;
}

/* Header faults, in the order docs/format.md lists them. */
static int
v3_header(struct v3 *d, size_t *hdr_len)
{
	const uint8_t *b = d->buf;
	struct mbt_trace *t = d->t;

	d->record = -1;
	if (d->wirelen < MBT_V3_HDR_LEN)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, 0,
		    "%zu bytes are "
		    "shorter than a v3 header (%d)",
		    d->wirelen, MBT_V3_HDR_LEN);
	if (d->caplen < MBT_V3_HDR_LEN)
		return mbt_fail(t, MBT_ERR_TRUNCATED, -1, d->caplen,
		    "capture "
		    "cut the header (%zu of %d bytes)",
		    d->caplen, MBT_V3_HDR_LEN);
	*hdr_len = b[MBT_V3_OFF_HDR_LEN];
	d->trace_len = mbt_be32(b + MBT_V3_OFF_TRACE_LEN);
	t->flags = mbt_be16(b + MBT_V3_OFF_FLAGS);
	t->lost = mbt_be32(b + MBT_V3_OFF_LOST);
	t->trace_id = mbt_be64(b + MBT_V3_OFF_TRACE_ID);
	t->parent_id = mbt_be64(b + MBT_V3_OFF_PARENT_ID);
	t->start_ns = mbt_be64(b + MBT_V3_OFF_START_NS);
	t->tail_linktype = mbt_be16(b + MBT_V3_OFF_TAIL_LINKTYPE);
	t->origin = b[MBT_V3_OFF_ORIGIN];
	if (*hdr_len < MBT_V3_HDR_LEN)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_HDR_LEN,
		    "hdr_len %zu is below the minimum %d", *hdr_len,
		    MBT_V3_HDR_LEN);
	if (d->trace_len < *hdr_len || d->trace_len > MBT_V3_MAX_TRACE_LEN)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_TRACE_LEN,
		    "trace_len %zu is outside hdr_len..65535 (%zu..%d)",
		    d->trace_len, *hdr_len, MBT_V3_MAX_TRACE_LEN);
	if (d->trace_len > d->wirelen)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_TRACE_LEN,
		    "trace_len %zu is longer than the packet (%zu bytes)",
		    d->trace_len, d->wirelen);
	if (t->trace_id == 0)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_TRACE_ID,
		    "trace_id is 0");
	if (t->parent_id == t->trace_id)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_PARENT_ID,
		    "parent_id equals trace_id");
	if (t->lost > 0 && !(t->flags & MBT_V3_F_LOST))
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_LOST,
		    "%u records lost but the LOST flag is clear", t->lost);
	t->trace_len = (uint32_t)d->trace_len;
	if (d->trace_len < d->wirelen) {
		if (t->tail_linktype == MBT_LINKTYPE_NONE)
			return mbt_fail(t, MBT_ERR_MALFORMED, -1, d->trace_len,
			    "%zu bytes follow the trace but tail_linktype says "
			    "there is no tail",
			    d->wirelen - d->trace_len);
		t->tail = b + d->trace_len;
		t->tail_len = (uint32_t)(d->caplen > d->trace_len
					     ? d->caplen - d->trace_len
					     : 0);
		t->tail_orig_len = (uint32_t)(d->wirelen - d->trace_len);
	}
	if (*hdr_len > d->caplen)
		return mbt_fail(t, MBT_ERR_TRUNCATED, -1, d->caplen,
		    "capture cut the %zu-byte header", *hdr_len);
	return 0;
}

int
mbt_decode_v3(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t)
{
	struct v3 d = {0};
	size_t pos = 0, limit;
	int rc;

	d.strings.s = t->strings;

	d.buf = buf;
	d.caplen = caplen;
	d.wirelen = wirelen;
	d.t = t;
	d.strings.hiwater = 0;
	t->format = MBT_FORMAT_V3;
	rc = v3_header(&d, &pos);
	if (rc != 0)
		return rc;
	limit = d.trace_len < caplen ? d.trace_len : caplen;
	for (d.record = 0; pos < d.trace_len; d.record++) {
		uint16_t type, len;

		if (pos + MBT_V3_TLV_HDR_LEN > limit ||
		    pos + MBT_V3_TLV_HDR_LEN + mbt_be16(buf + pos + 2) >
			limit) {
			if (limit < d.trace_len)
				return mbt_fail(t, MBT_ERR_TRUNCATED, d.record,
				    pos,
				    "capture cut the trace (%zu of "
				    "%zu bytes captured)",
				    caplen, d.trace_len);
			if (pos + MBT_V3_TLV_HDR_LEN > limit)
				return v3_bad(&d, pos,
				    "record header cut by "
				    "trace_len (%zu bytes left, needs %d)",
				    limit - pos, MBT_V3_TLV_HDR_LEN);
			return v3_bad(&d, pos,
			    "record of %u bytes runs past "
			    "trace_len (%zu bytes left)",
			    mbt_be16(buf + pos + 2),
			    limit - pos - MBT_V3_TLV_HDR_LEN);
		}
		type = mbt_be16(buf + pos);
		len = mbt_be16(buf + pos + 2);
		if (type == MBT_V3_REC_STRING)
			rc = v3_define_string(&d, pos, buf + pos + 4, len);
		else if (type == MBT_V3_REC_EVENT)
			rc = v3_event(&d, pos, buf + pos + 4, len);
		else if (type == 0)
			rc = v3_bad(&d, pos, "record type 0 is reserved");
		else {
			t->unknown_skipped++; /* a newer writer's record */
			rc = 0;
		}
		if (rc != 0)
			return rc;
		pos += MBT_V3_TLV_HDR_LEN + (size_t)len;
	}
	return 0;
}
