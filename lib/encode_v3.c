/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The v3 encoder.  It writes into the caller's buffer and never allocates,
 * the way a kernel must at emit time; strings go into the trace's string
 * table once and records refer to them by id.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "mbuftrace/mbuftrace.h"

static int
enc_error(struct mbt_encoder *e, int error)
{
	if (e->error == 0)
		e->error = error;
	return e->error;
}

/* Room for n more bytes, within the buffer and the format's bound? */
static int
enc_room(struct mbt_encoder *e, size_t n)
{
	if (e->error != 0)
		return e->error;
	if (n > e->cap - e->len || e->len + n > MBT_V3_MAX_TRACE_LEN)
		return enc_error(e, -ENOSPC);
	return 0;
}

/*
 * Write a TLV header and reserve its value of len bytes; returns the value.
 * Callers checked the room first.  An EVENT's attributes are TLVs inside
 * its value, so the event reserves only its head and they follow.
 */
static uint8_t *
enc_tlv_reserve(
    struct mbt_encoder *e, uint16_t type, size_t len, size_t reserve)
{
	uint8_t *p = e->buf + e->len;

	mbt_put_be16(p, type);
	mbt_put_be16(p + 2, (uint16_t)len);
	e->len += MBT_V3_TLV_HDR_LEN + reserve;
	return p + MBT_V3_TLV_HDR_LEN;
}

static uint8_t *
enc_tlv(struct mbt_encoder *e, uint16_t type, size_t len)
{
	return enc_tlv_reserve(e, type, len, len);
}

int
mbt_enc_begin(struct mbt_encoder *e, uint8_t *buf, size_t cap,
    const struct mbt_v3_info *info)
{
	memset(e, 0, sizeof(*e));
	e->buf = buf;
	e->cap = cap;
	if (enc_room(e, MBT_V3_HDR_LEN) != 0)
		return e->error;
	memset(buf, 0, MBT_V3_HDR_LEN);
	buf[0] = MBT_V3_MAGIC0;
	buf[1] = MBT_V3_MAGIC1;
	buf[2] = MBT_V3_MAGIC2;
	buf[3] = MBT_V3_MAGIC3;
	buf[MBT_V3_OFF_VERSION] = MBT_V3_VERSION;
	buf[MBT_V3_OFF_HDR_LEN] = MBT_V3_HDR_LEN;
	mbt_put_be16(buf + MBT_V3_OFF_FLAGS, info->flags);
	mbt_put_be32(buf + MBT_V3_OFF_LOST, info->lost);
	mbt_put_be64(buf + MBT_V3_OFF_TRACE_ID, info->trace_id);
	mbt_put_be64(buf + MBT_V3_OFF_PARENT_ID, info->parent_id);
	mbt_put_be64(buf + MBT_V3_OFF_START_NS, info->start_ns);
	mbt_put_be16(buf + MBT_V3_OFF_TAIL_LINKTYPE, info->tail_linktype);
	buf[MBT_V3_OFF_ORIGIN] = info->origin;
	e->len = MBT_V3_HDR_LEN;
	return 0;
}

/*
 * The id of s in the string table, adding it first if new; 0 for none.
 * The first MBT_ENC_MAX_STRINGS strings are remembered (their id is their
 * index + 1) and shared; past that, a string is still defined under a new
 * id, only not shared, as docs/format.md allows: the trace stays valid.
 */
static uint16_t
enc_string(struct mbt_encoder *e, struct mbt_str s)
{
	uint8_t *v;
	uint16_t id;

	if (s.len == 0 || e->error != 0)
		return 0;
	for (uint16_t i = 0; i < e->nstrings; i++) {
		if (e->strings[i].len == s.len &&
		    memcmp(e->strings[i].ptr, s.ptr, s.len) == 0)
			return (uint16_t)(i + 1);
	}
	if (e->next_id >= MBT_ENC_MAX_STRING_ID ||
	    enc_room(e, MBT_V3_TLV_HDR_LEN + 2 + (size_t)s.len) != 0) {
		enc_error(e, -ENOSPC);
		return 0;
	}
	id = ++e->next_id;
	v = enc_tlv(e, MBT_V3_REC_STRING, 2 + (size_t)s.len);
	mbt_put_be16(v, id);
	memcpy(v + 2, s.ptr, s.len);
	if (e->nstrings < MBT_ENC_MAX_STRINGS) {
		/* Point at our own copy: the caller's may not outlive us. */
		e->strings[e->nstrings].ptr = (const char *)v + 2;
		e->strings[e->nstrings].len = s.len;
		e->nstrings++;
	}
	return id;
}

/* String ids an event refers to, interned before the event is written. */
struct event_refs {
	uint16_t file, func, ifname, ns, table, reason, host;
	uint16_t values[MBT_MAX_VALUES]; /* STRING values */
};

/* The bytes an INT value takes: the fewest of 1, 2, 4, 8 that hold it. */
static uint8_t
int_len(int64_t v)
{
	if (v >= INT8_MIN && v <= INT8_MAX)
		return 1;
	if (v >= INT16_MIN && v <= INT16_MAX)
		return 2;
	if (v >= INT32_MIN && v <= INT32_MAX)
		return 4;
	return 8;
}

static uint8_t
value_len(const struct mbt_value *x)
{
	switch (x->type) {
	case MBT_VT_INT: return int_len(x->num);
	case MBT_VT_STRING: return 2;
	default: return x->family == 4 ? 4 : 16;
	}
}

/* The VALUES attribute's value length; 0 when r has no values. */
static size_t
values_len(const struct mbt_record *r)
{
	size_t n = 0;

	for (uint8_t i = 0; i < r->nvalues && i < MBT_MAX_VALUES; i++)
		n += MBT_VALUE_HDR_LEN + value_len(&r->values[i]);
	return n;
}

static void
enc_values(struct mbt_encoder *e, const struct mbt_record *r,
    const struct event_refs *id)
{
	uint8_t *v = enc_tlv(e, MBT_ATTR_VALUES, values_len(r));

	for (uint8_t i = 0; i < r->nvalues && i < MBT_MAX_VALUES; i++) {
		const struct mbt_value *x = &r->values[i];
		uint8_t len = value_len(x);

		mbt_put_be16(v, x->key);
		v[2] = x->type;
		v[3] = len;
		v += MBT_VALUE_HDR_LEN;
		if (x->type == MBT_VT_STRING)
			mbt_put_be16(v, id->values[i]);
		else if (x->type == MBT_VT_ADDR)
			memcpy(v, x->addr, len);
		else if (len == 1)
			v[0] = (uint8_t)x->num;
		else if (len == 2)
			mbt_put_be16(v, (uint16_t)x->num);
		else if (len == 4)
			mbt_put_be32(v, (uint32_t)x->num);
		else
			mbt_put_be64(v, (uint64_t)x->num);
		v += len;
	}
}

static size_t
route_gw_len(const struct mbt_record *r)
{
	return r->route_family == 4 ? 4 : r->route_family == 6 ? 16 : 0;
}

static size_t
flow_len(const struct mbt_record *r)
{
	return MBT_ATTR_FLOW_HEAD_LEN + (r->flow.family == 4 ? 8 : 32);
}

static size_t
host_len(const struct mbt_record *r)
{
	return r->has_clock ? MBT_ATTR_HOST_CLOCK_LEN : MBT_ATTR_HOST_LEN;
}

/* The value length of r's EVENT record. */
static size_t
event_len(const struct mbt_record *r)
{
	size_t n = MBT_V3_EVENT_HEAD_LEN, a = MBT_V3_TLV_HDR_LEN;

	n += r->has_src ? a + MBT_ATTR_SRC_LEN : 0;
	n += r->text.len > 0 ? a + r->text.len : 0;
	n += r->has_iface ? a + MBT_ATTR_IFACE_LEN : 0;
	n += r->has_ns ? a + MBT_ATTR_NS_LEN : 0;
	n += r->has_packet ? a + MBT_ATTR_PACKET_HEAD_LEN + r->pkt_len : 0;
	n += r->has_rule ? a + MBT_ATTR_RULE_LEN : 0;
	n += r->has_reason ? a + MBT_ATTR_REASON_LEN : 0;
	n += r->has_route ? a + MBT_ATTR_ROUTE_HEAD_LEN + route_gw_len(r) : 0;
	n += r->has_related ? a + MBT_ATTR_TRACE_LEN : 0;
	n += r->has_host ? a + host_len(r) : 0;
	n += r->has_flow ? a + flow_len(r) : 0;
	n += r->nvalues > 0 ? a + values_len(r) : 0;
	return n;
}

static void
enc_attrs(struct mbt_encoder *e, const struct mbt_record *r,
    const struct event_refs *id)
{
	uint8_t *v;

	if (r->has_src) {
		v = enc_tlv(e, MBT_ATTR_SRC, MBT_ATTR_SRC_LEN);
		mbt_put_be16(v, id->file);
		mbt_put_be16(v + 2, id->func);
		mbt_put_be32(v + 4, r->line);
	}
	if (r->text.len > 0)
		memcpy(enc_tlv(e, MBT_ATTR_TEXT, r->text.len), r->text.ptr,
		    r->text.len);
	if (r->has_iface) {
		v = enc_tlv(e, MBT_ATTR_IFACE, MBT_ATTR_IFACE_LEN);
		mbt_put_be32(v, r->ifindex);
		mbt_put_be16(v + 4, id->ifname);
	}
	if (r->has_ns) {
		v = enc_tlv(e, MBT_ATTR_NS, MBT_ATTR_NS_LEN);
		mbt_put_be64(v, r->ns_id);
		mbt_put_be16(v + 8, id->ns);
	}
	if (r->has_packet) {
		v = enc_tlv(
		    e, MBT_ATTR_PACKET, MBT_ATTR_PACKET_HEAD_LEN + r->pkt_len);
		mbt_put_be16(v, r->linktype);
		mbt_put_be32(v + 2, r->orig_len);
		if (r->pkt_len > 0)
			memcpy(
			    v + MBT_ATTR_PACKET_HEAD_LEN, r->pkt, r->pkt_len);
	}
	if (r->has_rule) {
		v = enc_tlv(e, MBT_ATTR_RULE, MBT_ATTR_RULE_LEN);
		v[0] = r->fw;
		v[1] = 0;
		mbt_put_be16(v + 2, id->table);
		mbt_put_be64(v + 4, r->rule_number);
	}
	if (r->has_reason) {
		v = enc_tlv(e, MBT_ATTR_REASON, MBT_ATTR_REASON_LEN);
		mbt_put_be32(v, r->reason_code);
		mbt_put_be16(v + 4, id->reason);
	}
	if (r->has_route) {
		v = enc_tlv(e, MBT_ATTR_ROUTE,
		    MBT_ATTR_ROUTE_HEAD_LEN + route_gw_len(r));
		mbt_put_be32(v, r->route_table);
		mbt_put_be32(v + 4, r->route_oif);
		mbt_put_be32(v + 8, (uint32_t)r->route_error);
		v[12] = r->route_family;
		memcpy(
		    v + MBT_ATTR_ROUTE_HEAD_LEN, r->route_gw, route_gw_len(r));
	}
	if (r->has_related)
		mbt_put_be64(enc_tlv(e, MBT_ATTR_TRACE, MBT_ATTR_TRACE_LEN),
		    r->related_id);
	if (r->has_host) {
		v = enc_tlv(e, MBT_ATTR_HOST, host_len(r));
		mbt_put_be16(v, id->host);
		if (r->has_clock) {
			mbt_put_be64(v + 2, (uint64_t)r->clock_offset_ns);
			mbt_put_be64(v + 10, r->clock_error_ns);
		}
	}
	if (r->has_flow) {
		size_t alen = r->flow.family == 4 ? 4 : 16;

		v = enc_tlv(e, MBT_ATTR_FLOW, flow_len(r));
		v[0] = r->flow.family;
		v[1] = r->flow.proto;
		v[2] = r->flow.dir;
		v[3] = 0;
		mbt_put_be16(v + 4, r->flow.sport);
		mbt_put_be16(v + 6, r->flow.dport);
		memcpy(v + MBT_ATTR_FLOW_HEAD_LEN, r->flow.src, alen);
		memcpy(v + MBT_ATTR_FLOW_HEAD_LEN + alen, r->flow.dst, alen);
	}
	if (r->nvalues > 0)
		enc_values(e, r, id);
}

int
mbt_enc_event(struct mbt_encoder *e, const struct mbt_record *r)
{
	struct event_refs id = {0};
	size_t len = event_len(r);
	uint8_t *v;

	if (e->error != 0)
		return e->error;
	if (r->has_packet && r->pkt_len > r->orig_len)
		return enc_error(e, -EINVAL);
	if (r->has_flow && r->flow.family != 4 && r->flow.family != 6)
		return enc_error(e, -EINVAL);
	if (len > UINT16_MAX || r->text.len > UINT16_MAX - MBT_V3_TLV_HDR_LEN)
		return enc_error(e, -ENOSPC);
	if (r->has_src) {
		id.file = enc_string(e, r->file);
		id.func = enc_string(e, r->func);
	}
	if (r->has_iface)
		id.ifname = enc_string(e, r->ifname);
	if (r->has_ns)
		id.ns = enc_string(e, r->ns_name);
	if (r->has_rule)
		id.table = enc_string(e, r->rule_table);
	if (r->has_reason)
		id.reason = enc_string(e, r->reason);
	if (r->has_host)
		id.host = enc_string(e, r->host);
	if (r->nvalues > MBT_MAX_VALUES)
		return enc_error(e, -EINVAL);
	for (uint8_t i = 0; i < r->nvalues; i++) {
		const struct mbt_value *x = &r->values[i];

		if (x->type < MBT_VT_INT || x->type > MBT_VT_ADDR ||
		    (x->type == MBT_VT_ADDR && x->family != 4 &&
			x->family != 6))
			return enc_error(e, -EINVAL);
		if (x->type == MBT_VT_STRING)
			id.values[i] = enc_string(e, x->str);
	}
	if (enc_room(e, MBT_V3_TLV_HDR_LEN + len) != 0)
		return e->error;
	v = enc_tlv_reserve(e, MBT_V3_REC_EVENT, len, MBT_V3_EVENT_HEAD_LEN);
	v[MBT_V3_EV_OFF_KIND] = r->kind;
	v[MBT_V3_EV_OFF_DETAIL] = r->detail;
	mbt_put_be16(
	    v + MBT_V3_EV_OFF_CPU, r->has_cpu ? r->cpu : MBT_V3_CPU_UNKNOWN);
	mbt_put_be64(v + MBT_V3_EV_OFF_TIME,
	    r->has_time ? r->time_ns : MBT_V3_TIME_UNKNOWN);
	enc_attrs(e, r, &id);
	return 0;
}

int
mbt_enc_finish(struct mbt_encoder *e, uint16_t flags, uint32_t lost)
{
	if (e->error != 0)
		return e->error;
	mbt_put_be16(e->buf + MBT_V3_OFF_FLAGS,
	    (uint16_t)(flags | (lost > 0 ? MBT_V3_F_LOST : 0)));
	mbt_put_be32(e->buf + MBT_V3_OFF_LOST, lost);
	mbt_put_be32(e->buf + MBT_V3_OFF_TRACE_LEN, (uint32_t)e->len);
	return (int)e->len;
}
