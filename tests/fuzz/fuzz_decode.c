/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the trace decoder.  The first byte chooses how much
 * longer the packet was on the wire than what was captured, so truncation
 * paths are explored too.  A v3 trace that decodes must survive being
 * encoded again and decoded to the same records (and typed values).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/mbuftrace.h"

static void
render(const struct mbt_trace *t)
{
	char small[8], big[2048];

	for (size_t i = 0; i < t->nrecords; i++) {
		size_t want = mbt_record_text(&t->records[i], big, sizeof(big));

		if (mbt_record_text(&t->records[i], small, sizeof(small)) !=
			want ||
		    strlen(small) >= sizeof(small))
			abort();
	}
	mbt_error_text(&t->error, big, sizeof(big));
}

static void
reencode(const struct mbt_trace *t)
{
	static uint8_t out[MBT_V3_MAX_TRACE_LEN];
	struct mbt_v3_info info = {
	    .trace_id = t->trace_id, .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_encoder e;
	struct mbt_trace again;
	int n;

	mbt_enc_begin(&e, out, sizeof(out), &info);
	for (size_t i = 0; i < t->nrecords; i++)
		mbt_enc_event(&e, &t->records[i]);
	n = mbt_enc_finish(&e, 0, 0);
	if (n == -ENOSPC)
		return; /* more distinct strings than one writer may use */
	mbt_trace_init(&again);
	if (n < 0 || mbt_decode(out, (size_t)n, (size_t)n, &again) != 0 ||
	    again.nrecords != t->nrecords)
		abort();
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *a = &again.records[i],
					*b = &t->records[i];

		if (a->kind != b->kind || a->line != b->line ||
		    a->pkt_len != b->pkt_len || a->nvalues != b->nvalues)
			abort();
		for (uint8_t k = 0; k < a->nvalues; k++) /* typed values */
			if (a->values[k].key != b->values[k].key ||
			    a->values[k].type != b->values[k].type ||
			    (a->values[k].type == MBT_VT_INT &&
				a->values[k].num != b->values[k].num))
				abort();
	}
	mbt_trace_free(&again);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbt_trace t;
	size_t caplen, extra;
	uint8_t *copy;
	int rc;

	if (size < 1)
		return 0;
	caplen = size - 1;
	extra = (size_t)(data[0] & 3) * 17;
	/* An exact-size copy, so ASan sees any read past the capture. */
	copy = malloc(caplen ? caplen : 1);
	memcpy(copy, data + 1, caplen);
	mbt_trace_init(&t);
	rc = mbt_decode(copy, caplen, caplen + extra, &t);
	if ((rc == 0) != (t.error.kind == MBT_OK))
		abort();
	render(&t);
	if (rc == 0 && t.format == MBT_FORMAT_V3)
		reencode(&t);
	mbt_trace_free(&t);
	free(copy);
	return 0;
}
