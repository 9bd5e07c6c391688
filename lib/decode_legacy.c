/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Decoding of the prototype's layouts, v1 (either byte order) and v2.  They
 * carry no magic, so each candidate layout is walked and the first that
 * explains the bytes wins: v2, then v1 little-endian (what the prototype's
 * kernel wrote), then v1 big-endian (what its dissector read).
 */
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <string.h>

#include "bytes.h"
#include "decode_internal.h"

enum walk_result { WALK_OK, WALK_TRUNCATED, WALK_BAD, WALK_NOMEM };

/* Why a candidate layout did not explain the bytes. */
struct walk_fault {
	size_t offset;
	int record;
	char what[160];
};

struct walk {
	const uint8_t *buf;
	size_t caplen, wirelen;
	size_t cut; /* where the capture cut the records, when it did */
	enum mbt_format format;
	struct mbt_trace *t;
	struct walk_fault fault;
};

static uint16_t
walk_u16(const struct walk *w, size_t off)
{
	return w->format == MBT_FORMAT_V1_LE ? mbt_le16(w->buf + off) :
					       mbt_be16(w->buf + off);
}

static enum walk_result
walk_bad(struct walk *w, int record, size_t offset, const char *what)
{
	w->fault.record = record;
	w->fault.offset = offset;
	snprintf(w->fault.what, sizeof(w->fault.what), "%s", what);
	return WALK_BAD;
}

/*
 * Is the value at [off, off+len) available?  Returns WALK_OK when captured,
 * WALK_TRUNCATED when the packet has it but the capture cut it, WALK_BAD
 * when it would run past the end of the packet itself.
 */
static enum walk_result
walk_need(const struct walk *w, size_t off, size_t len)
{
	if (off + len <= w->caplen)
		return WALK_OK;
	if (off + len <= w->wirelen)
		return WALK_TRUNCATED;
	return WALK_BAD;
}

/* A prototype string ends in its only NUL; anything else is not one. */
static bool
legacy_string_ok(const uint8_t *s, uint16_t len)
{
	return len >= 1 && s[len - 1] == '\0' && memchr(s, '\0', len) == s + len - 1;
}

static enum walk_result
walk_string(struct walk *w, int i, size_t off, uint16_t len)
{
	const uint8_t *s = w->buf + off;
	struct mbt_record *r;

	if (!legacy_string_ok(s, len)) {
		char what[160];

		snprintf(what, sizeof(what),
		    "%u bytes of text not ending in its only NUL", len);
		return walk_bad(w, i, off, what);
	}
	r = mbt_trace_push(w->t, (uint32_t)(off - (w->format == MBT_FORMAT_V2 ? 4 : 2)));
	if (r == NULL)
		return WALK_NOMEM;
	mbt_parse_legacy_text(r, (const char *)s, (uint16_t)(len - 1));
	return WALK_OK;
}

static enum walk_result
walk_packet(struct walk *w, size_t off, uint16_t len)
{
	struct mbt_record *r = mbt_trace_push(w->t, (uint32_t)(off - 4));

	if (r == NULL)
		return WALK_NOMEM;
	r->kind = MBT_KIND_PACKET;
	r->has_packet = true;
	r->linktype = MBT_LINKTYPE_ETHERNET;
	r->orig_len = len;
	r->pkt = w->buf + off;
	r->pkt_len = len;
	return WALK_OK;
}

/* Walk the records of one candidate layout, appending them to w->t. */
static enum walk_result
walk_records(struct walk *w, size_t *end)
{
	size_t hdr = w->format == MBT_FORMAT_V2 ? 4 : 2;
	size_t pos = 2;
	unsigned count = walk_u16(w, 0);
	char what[160];

	for (unsigned i = 0; i < count; i++) {
		enum walk_result need = walk_need(w, pos, hdr);
		uint16_t len, type = MBT_V2_TYPE_STRING;

		if (need == WALK_BAD) {
			snprintf(what, sizeof(what),
			    "its %zu-byte header runs past the end of the "
			    "trace (record %u of %u)", hdr, i + 1, count);
			return walk_bad(w, (int)i, pos, what);
		}
		if (need == WALK_TRUNCATED) {
			*end = pos;
			return WALK_TRUNCATED;
		}
		len = walk_u16(w, pos);
		if (w->format == MBT_FORMAT_V2) {
			type = mbt_be16(w->buf + pos + 2);
			if (type != MBT_V2_TYPE_PACKET && type != MBT_V2_TYPE_STRING) {
				snprintf(what, sizeof(what),
				    "type %u is neither 0 (packet) nor 1 "
				    "(string)", type);
				return walk_bad(w, (int)i, pos + 2, what);
			}
		}
		pos += hdr;
		need = walk_need(w, pos, len);
		if (need == WALK_BAD) {
			snprintf(what, sizeof(what),
			    "length %u runs past the end of the trace "
			    "(%zu bytes left)", len, w->wirelen - pos);
			return walk_bad(w, (int)i, pos - hdr, what);
		}
		if (need == WALK_TRUNCATED) {
			*end = pos - hdr;
			return WALK_TRUNCATED;
		}
		enum walk_result r = type == MBT_V2_TYPE_STRING ?
		    walk_string(w, (int)i, pos, len) :
		    walk_packet(w, pos, len);
		if (r != WALK_OK)
			return r;
		pos += len;
	}
	*end = pos;
	return WALK_OK;
}

/* Try one layout; on WALK_OK the trace holds its records, newest first. */
static enum walk_result
walk_layout(struct walk *w, enum mbt_format f)
{
	size_t end = 0;
	enum walk_result r;

	w->format = f;
	w->t->nrecords = 0;
	memset(&w->fault, 0, sizeof(w->fault));
	r = walk_records(w, &end);
	w->cut = end;
	if (r != WALK_OK)
		return r;
	if (f == MBT_FORMAT_V2 && end != w->wirelen) {
		char what[160];

		snprintf(what, sizeof(what),
		    "%zu bytes follow the last record", w->wirelen - end);
		return walk_bad(w, -1, end, what);
	}
	if (f != MBT_FORMAT_V2 && end < w->wirelen) {
		/* v1: the packet follows the strings, to the end. */
		w->t->tail_linktype = MBT_LINKTYPE_ETHERNET;
		w->t->tail = w->buf + end;
		w->t->tail_len = (uint32_t)(w->caplen > end ? w->caplen - end : 0);
		w->t->tail_orig_len = (uint32_t)(w->wirelen - end);
	}
	w->t->trace_len = (uint32_t)end;
	return WALK_OK;
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

int
mbt_decode_legacy(const uint8_t *buf, size_t caplen, size_t wirelen,
    struct mbt_trace *t)
{
	static const enum mbt_format order[] = { MBT_FORMAT_V2,
		MBT_FORMAT_V1_LE, MBT_FORMAT_V1_BE };
	struct walk w = { .buf = buf, .caplen = caplen, .wirelen = wirelen, .t = t };
	struct walk_fault best = { 0 };
	enum mbt_format best_format = MBT_FORMAT_UNKNOWN;
	size_t best_records = 0;
	unsigned best_count = 0;
	int rc;

	if (caplen < 2) {
		t->format = MBT_FORMAT_UNKNOWN;
		return mbt_fail(t, wirelen >= 2 ? MBT_ERR_TRUNCATED : MBT_ERR_MALFORMED,
		    -1, 0, "%zu bytes: too short for a record count", caplen);
	}
	for (size_t i = 0; i < sizeof(order) / sizeof(order[0]); i++) {
		enum walk_result r = walk_layout(&w, order[i]);

		if (r == WALK_NOMEM)
			return -ENOMEM;
		if (r == WALK_OK || r == WALK_TRUNCATED) {
			t->format = order[i];
			reverse_records(t);
			if (r == WALK_OK)
				return 0;
			return mbt_fail(t, MBT_ERR_TRUNCATED, (int)t->nrecords,
			    w.cut,
			    "capture cut the trace after %zu of %u records "
			    "(%zu of %zu bytes captured)", t->nrecords,
			    walk_u16(&w, 0), caplen, wirelen);
		}
		/*
		 * Remember the layout that explained most before failing; on
		 * a tie, the one that claimed fewer records is the likelier.
		 */
		if (best_format == MBT_FORMAT_UNKNOWN ||
		    t->nrecords > best_records ||
		    (t->nrecords == best_records && walk_u16(&w, 0) < best_count)) {
			best_count = walk_u16(&w, 0);
			best = w.fault;
			best_format = order[i];
			best_records = t->nrecords;
		}
	}
	/* Nothing fits: report against the closest layout, with its records. */
	(void)walk_layout(&w, best_format);
	t->format = best_format;
	reverse_records(t);
	rc = mbt_fail(t, MBT_ERR_MALFORMED, best.record, best.offset,
	    "not a v1 or v2 trace; read as %s: %s",
	    best_format == MBT_FORMAT_V2 ? "v2" : best_format == MBT_FORMAT_V1_LE ?
	    "v1 little-endian" : "v1 big-endian", best.what);
	return rc;
}
