/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding of the prototype's layouts, v1 (either byte order) and v2.  They
 * carry no magic, so each candidate is tested in the order docs/format.md
 * gives, v2, then v1 little-endian (what the prototype's kernel wrote), then
 * v1 big-endian (what its dissector read), and the first that explains the
 * bytes is decoded.
 */
#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "decode_internal.h"

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

/* The v2 test: framing only (types 0 or 1, records fill the packet). */
static enum fit
fit_v2(struct layout *l)
{
	unsigned count = rd16(l, 0);
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
		if (type != MBT_V2_TYPE_PACKET && type != MBT_V2_TYPE_STRING)
			return no_fit(l, "record %u has type %u", i, type);
		if (pos + 4 + len > l->wirelen)
			return no_fit(
			    l, "record %u: length %u past the end", i, len);
		pos += 4 + len;
		if (pos > l->caplen)
			break;
		l->walked++;
	}
	l->end = pos;
	if (pos > l->caplen || (pos + 4 > l->caplen && l->walked < count))
		return FIT_TRUNCATED;
	if (pos != l->wirelen)
		return no_fit(
		    l, "%zu bytes follow the last record", l->wirelen - pos);
	return FIT_YES;
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
	size_t hdr = l->format == MBT_FORMAT_V2 ? 4 : 2, pos = 2;

	for (unsigned i = 0; i < l->walked; i++) {
		unsigned len = rd16(l, pos);
		bool packet = l->format == MBT_FORMAT_V2 &&
			      rd16(l, pos + 2) == MBT_V2_TYPE_PACKET;
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
	if (fit == FIT_YES && l->format != MBT_FORMAT_V2 &&
	    l->end < l->wirelen) {
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
