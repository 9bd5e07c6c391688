/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding of the prototype's layouts, v1 (either byte order) and v2 (its
 * early and its later type numbers).  They carry no magic, so each candidate
 * is tested in the order docs/format.md gives, v2, then v1 little-endian
 * (what the prototype's kernel wrote), then v1 big-endian (what its
 * dissector read), and the first that explains the bytes is decoded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "decode_internal.h"

static bool
is_v2(enum mbt_format f)
{
	return f == MBT_FORMAT_V2 || f == MBT_FORMAT_V2_EARLY;
}

/* How a layout explains the bytes. */
enum fit { FIT_NO, FIT_YES, FIT_TRUNCATED };

struct layout {
	const uint8_t *buf;
	size_t caplen, wirelen;
	enum mbt_format format;
	size_t end;	 /* after the last record walked */
	unsigned walked; /* records wholly captured */
	char why[96];	 /* why it does not fit */
};

static unsigned
rd16(const struct layout *l, size_t off)
{
	return l->format == MBT_FORMAT_V1_LE ? mbt_le16(l->buf + off)
					     : mbt_be16(l->buf + off);
}

static enum fit __attribute__((format(printf, 2, 3)))
no_fit(struct layout *l, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(l->why, sizeof(l->why), fmt, ap);
	va_end(ap);
	return FIT_NO;
}

/* Does a type 1 record hold a prototype string?  Only captured bytes count. */
static bool
looks_like_text(const uint8_t *s, size_t have, unsigned len)
{
	for (size_t i = 0; i < have; i++) {
		if (s[i] == '\0')
			return i + 1 == len;
		if (s[i] < 0x20 || s[i] == 0x7f)
			return false;
	}
	return have < len; /* its NUL was not captured */
}

/* Could it be an Ethernet frame: a whole header, a type or an 802.3 length? */
static bool
looks_like_ethernet(const uint8_t *s, size_t have, unsigned len)
{
	unsigned type;

	if (len < 14)
		return false;
	if (have < 14)
		return true;
	type = mbt_be16(s + 12);
	return type >= 0x0600 || type <= 1500;
}

/*
 * Which v2 the records are.  Type 0 exists only in the later layout, types 2
 * and 3 only in the early one.  Type 1 alone (or no record) is decided by
 * the content: if every type 1 record is text, the later layout's strings;
 * else if every one could be an Ethernet frame, the early layout's packets;
 * else the later layout, whose string rules then report the fault.
 */
#define EARLY_ONLY \
	(1u << MBT_V2_EARLY_TYPE_STRING | 1u << MBT_V2_EARLY_TYPE_STRING2)

static enum mbt_format
v2_variant(const struct layout *l, unsigned seen)
{
	bool text = true, ethernet = true;
	size_t pos = 2;

	if (seen & (1u << MBT_V2_TYPE_PACKET))
		return MBT_FORMAT_V2;
	if (seen & EARLY_ONLY)
		return MBT_FORMAT_V2_EARLY;
	for (unsigned i = rd16(l, 0); i > 0 && pos + 4 <= l->caplen; i--) {
		unsigned len = rd16(l, pos);
		size_t have = l->caplen - pos - 4;

		if (have > len)
			have = len;
		text = text && looks_like_text(l->buf + pos + 4, have, len);
		ethernet = ethernet &&
			   looks_like_ethernet(l->buf + pos + 4, have, len);
		pos += 4 + len;
	}
	return !text && ethernet ? MBT_FORMAT_V2_EARLY : MBT_FORMAT_V2;
}

/*
 * The v2 test: framing only (types 0 to 3, records fill the packet), for
 * both v2 layouts; then v2_variant() says which.
 */
static enum fit
fit_v2(struct layout *l)
{
	unsigned count = rd16(l, 0);
	unsigned seen = 0; /* bit N: a record of type N */
	enum fit fit = FIT_YES;
	size_t pos = 2;

	for (unsigned i = 0; i < count; i++) {
		unsigned len, type;

		if (pos + 4 > l->wirelen)
			return no_fit(l, "record %u of %u: header past the end",
			    i, count);
		if (pos + 4 > l->caplen)
			break;
		len = rd16(l, pos);
		type = rd16(l, pos + 2);
		if (type > MBT_V2_EARLY_TYPE_STRING2)
			return no_fit(l, "record %u has type %u", i, type);
		if (pos + 4 + len > l->wirelen)
			return no_fit(
			    l, "record %u: length %u past the end", i, len);
		seen |= 1u << type;
		if (pos + 4 + len > l->caplen) {
			fit = FIT_TRUNCATED; /* the fault is this record's */
			break;
		}
		pos += 4 + len;
		l->walked++;
	}
	l->end = pos;
	if (pos + 4 > l->caplen && l->walked < count)
		fit = FIT_TRUNCATED; /* a record header was cut */
	if (fit == FIT_YES && pos != l->wirelen)
		return no_fit(
		    l, "%zu bytes follow the last record", l->wirelen - pos);
	if ((seen & (1u << MBT_V2_TYPE_PACKET)) && (seen & EARLY_ONLY))
		return no_fit(l, "types 0 and 2 or 3 mix the two v2 layouts");
	l->format = v2_variant(l, seen);
	return fit;
}

/* The v1 test in one byte order: every string ends in its only NUL. */
static enum fit
fit_v1(struct layout *l)
{
	unsigned count = rd16(l, 0);
	size_t pos = 2;

	for (unsigned i = 0; i < count; i++) {
		unsigned len;
		size_t have;
		const uint8_t *nul;

		if (pos + 2 > l->wirelen)
			return no_fit(l, "record %u of %u: length past the end",
			    i, count);
		if (pos + 2 > l->caplen) {
			l->end = pos;
			return FIT_TRUNCATED;
		}
		len = rd16(l, pos);
		if (len == 0)
			return no_fit(l, "record %u has length 0", i);
		if (pos + 2 + len > l->wirelen)
			return no_fit(
			    l, "record %u: length %u past the end", i, len);
		have = pos + 2 + len <= l->caplen ? len : l->caplen - pos - 2;
		nul = memchr(l->buf + pos + 2, '\0', have);
		if (nul != NULL && nul != l->buf + pos + 2 + len - 1)
			return no_fit(l, "record %u: a NUL inside its text", i);
		if (have < len) {
			l->end = pos;
			return FIT_TRUNCATED;
		}
		if (nul == NULL)
			return no_fit(l, "record %u: text without its NUL", i);
		pos += 2 + len;
		l->walked++;
	}
	l->end = pos;
	return FIT_YES;
}

/* v1 strings passed the test; v2 strings are checked here (faults). */
static int
push_string(struct mbt_trace *t, const struct layout *l, unsigned i, size_t rec,
    size_t off, unsigned len)
{
	const uint8_t *s = l->buf + off;
	struct mbt_record *r;

	if (len == 0 || s[len - 1] != '\0' ||
	    memchr(s, '\0', len) != s + len - 1)
		return mbt_fail(t, MBT_ERR_MALFORMED, (int)i, rec,
		    "string of "
		    "%u bytes %s",
		    len,
		    len == 0		 ? "is empty (no NUL)"
		    : s[len - 1] != '\0' ? "does not end in NUL"
					 : "holds a NUL before its end");
	r = mbt_trace_push(t, (uint32_t)rec);
	if (r == NULL)
		return -ENOMEM;
	mbt_parse_legacy_text(r, (const char *)s, (uint16_t)(len - 1));
	return 0;
}

static int
push_packet(struct mbt_trace *t, const struct layout *l, size_t rec, size_t off,
    unsigned len)
{
	struct mbt_record *r = mbt_trace_push(t, (uint32_t)rec);

	if (r == NULL)
		return -ENOMEM;
	r->kind = MBT_KIND_PACKET;
	r->has_packet = true;
	r->linktype = MBT_LINKTYPE_ETHERNET;
	r->orig_len = len;
	r->pkt = l->buf + off;
	r->pkt_len = len;
	return 0;
}

/* Decode the records the test walked, stored newest first. */
static int
push_records(struct mbt_trace *t, const struct layout *l)
{
	bool v1 = !is_v2(l->format);
	unsigned packet_type = l->format == MBT_FORMAT_V2_EARLY
				   ? MBT_V2_EARLY_TYPE_PACKET
				   : MBT_V2_TYPE_PACKET;
	size_t hdr = v1 ? 2 : 4, pos = 2;

	for (unsigned i = 0; i < l->walked; i++) {
		unsigned len = rd16(l, pos);
		bool packet = !v1 && rd16(l, pos + 2) == packet_type;
		int rc = packet ? push_packet(t, l, pos, pos + hdr, len)
				: push_string(t, l, i, pos, pos + hdr, len);

		if (rc != 0)
			return rc;
		pos += hdr + len;
	}
	return 0;
}

static void
reverse_records(struct mbt_trace *t)
{
	for (size_t i = 0, j = t->nrecords; i + 1 < j; i++, j--) {
		struct mbt_record tmp = t->records[i];

		t->records[i] = t->records[j - 1];
		t->records[j - 1] = tmp;
	}
}

static int
decode_layout(struct mbt_trace *t, struct layout *l, enum fit fit)
{
	int rc = push_records(t, l);

	t->format = l->format;
	t->trace_len = (uint32_t)l->end;
	reverse_records(t);
	if (rc == -ENOMEM)
		return rc;
	if (fit == FIT_YES && !is_v2(l->format) && l->end < l->wirelen) {
		/* v1: the packet follows the strings, to the end. */
		t->tail_linktype = MBT_LINKTYPE_ETHERNET;
		t->tail = l->buf + l->end;
		t->tail_len =
		    (uint32_t)(l->caplen > l->end ? l->caplen - l->end : 0);
		t->tail_orig_len = (uint32_t)(l->wirelen - l->end);
	}
	if (rc == 0 && fit == FIT_TRUNCATED)
		rc = mbt_fail(t, MBT_ERR_TRUNCATED, (int)l->walked, l->end,
		    "capture cut the trace after %u of %u records (%zu of %zu "
		    "bytes captured)",
		    l->walked, rd16(l, 0), l->caplen, l->wirelen);
	return rc;
}

int
mbt_decode_legacy(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t)
{
	struct layout v2 = {buf, caplen, wirelen, MBT_FORMAT_V2, 0, 0, ""};
	struct layout le = {buf, caplen, wirelen, MBT_FORMAT_V1_LE, 0, 0, ""};
	struct layout be = {buf, caplen, wirelen, MBT_FORMAT_V1_BE, 0, 0, ""};
	enum fit fit;

	if ((fit = fit_v2(&v2)) != FIT_NO)
		return decode_layout(t, &v2, fit);
	if ((fit = fit_v1(&le)) != FIT_NO)
		return decode_layout(t, &le, fit);
	if ((fit = fit_v1(&be)) != FIT_NO)
		return decode_layout(t, &be, fit);
	t->format = MBT_FORMAT_UNKNOWN;
	return mbt_fail(t, MBT_ERR_MALFORMED, -1, 0,
	    "not a v1, v2 or v3 trace "
	    "(as v2: %s; as v1 little-endian: %s; as v1 big-endian: %s)",
	    v2.why, le.why, be.why);
}
