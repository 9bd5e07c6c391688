/* SPDX-License-Identifier: BSD-2-Clause */
/* The decoder's entry point: recognises the layout and keeps the record array. */
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "decode_internal.h"

void
mbt_trace_init(struct mbt_trace *t)
{
	memset(t, 0, sizeof(*t));
}

void
mbt_trace_free(struct mbt_trace *t)
{
	free(t->records);
	free(t->strings);
	mbt_trace_init(t);
}

/* Forget the previous packet but keep the record array for reuse. */
static void
mbt_trace_reset(struct mbt_trace *t)
{
	struct mbt_record *records = t->records;
	size_t cap = t->cap;
	struct mbt_str *strings = t->strings;
	size_t strings_cap = t->strings_cap;

	memset(t, 0, sizeof(*t));
	t->records = records;
	t->cap = cap;
	t->strings = strings;
	t->strings_cap = strings_cap;
	t->tail_linktype = MBT_LINKTYPE_NONE;
}

/*
 * volatile, so that the compiler cannot see the size: see
 * mbt_trace_push().  const: the library keeps no mutable statics.
 */
static const volatile size_t mbt_record_size =
    offsetof(struct mbt_record, values); /* values: only nvalues count */

struct mbt_record *
mbt_trace_push(struct mbt_trace *t, uint32_t offset)
{
	struct mbt_record *r;

	if (t->nrecords == t->cap) {
		size_t ncap = t->cap ? t->cap * 2 : 32;
		struct mbt_record *n = realloc(t->records, ncap * sizeof(*n));

		if (n == NULL)
			return NULL;
		t->records = n;
		t->cap = ncap;
	}
	r = &t->records[t->nrecords++];
	/*
	 * A constant-size memset of the record's fixed fields becomes "rep stosq",
	 * whose start-up cost showed as a tenth of `read`'s time; a size the
	 * compiler cannot see calls libc's vectorised memset instead.
	 */
	memset(r, 0, mbt_record_size);
	r->offset = offset;
	return r;
}

int
mbt_fail(struct mbt_trace *t, enum mbt_error_kind kind, int record,
    size_t offset, const char *fmt, ...)
{
	va_list ap;

	if (t->error.kind != MBT_OK)
		return -EINVAL;
	t->error.kind = kind;
	t->error.record = record;
	t->error.offset = (uint32_t)offset;
	va_start(ap, fmt);
	vsnprintf(t->error.what, sizeof(t->error.what), fmt, ap);
	va_end(ap);
	return -EINVAL;
}

/* The magic alone decides: no v1 or v2 trace can begin with it. */
static int
mbt_has_magic(const uint8_t *buf, size_t caplen)
{
	return caplen >= 5 && buf[0] == MBT_V3_MAGIC0 &&
	       buf[1] == MBT_V3_MAGIC1 && buf[2] == MBT_V3_MAGIC2 &&
	       buf[3] == MBT_V3_MAGIC3;
}

int
mbt_decode(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t)
{
	mbt_trace_reset(t);
	if (wirelen < caplen)
		wirelen = caplen; /* a writer that lied: trust the bytes */
	if (wirelen < 2)
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, 0,
		    "%zu bytes: too short for any trace", wirelen);
	if (caplen < 6 && caplen < wirelen)
		return mbt_fail(t, MBT_ERR_TRUNCATED, -1, caplen,
		    "capture kept %zu bytes: too few to tell the format",
		    caplen);
	if (mbt_has_magic(buf, caplen)) {
		if (buf[MBT_V3_OFF_VERSION] == MBT_V3_VERSION)
			return mbt_decode_v3(buf, caplen, wirelen, t);
		return mbt_fail(t, MBT_ERR_MALFORMED, -1, MBT_V3_OFF_VERSION,
		    "mbuf_trace version %u is not supported (this reader knows "
		    "v1, v2 and v3)",
		    buf[MBT_V3_OFF_VERSION]);
	}
	return mbt_decode_legacy(buf, caplen, wirelen, t);
}
