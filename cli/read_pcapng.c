/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace read --write-pcapng`: each packet snapshot of a trace becomes
 * an ordinary packet of its own link type, with the whole path in its
 * comment, so stock tcpdump, tshark and Wireshark show traces without a
 * plugin.  A trace with no snapshot is kept as itself (DLT_USER0) so that
 * nothing is lost.
 */
#include <stdio.h>

#include "read.h"

#define COMMENT_MAX 65000 /* a pcapng option holds at most 65535 bytes */

struct comment {
	char buf[COMMENT_MAX];
	size_t len;
};

static void
comment_add(struct comment *c, const char *s, size_t n)
{
	if (n > COMMENT_MAX - c->len)
		n = COMMENT_MAX - c->len;
	memcpy(c->buf + c->len, s, n);
	c->len += n;
}

/* The path, one record a line, after a line saying which snapshot this is. */
static void
comment_build(struct comment *c, const struct mbt_packet *p,
    const struct mbt_trace *t, size_t nth, size_t nsnaps)
{
	char line[1024];
	int n = snprintf(line, sizeof(line),
	    "mbuf_trace frame %llu (%s, %zu records): snapshot %zu of %zu",
	    (unsigned long long)p->frame, mbt_format_name(t->format), t->nrecords,
	    nth, nsnaps);

	c->len = 0;
	comment_add(c, line, (size_t)n);
	for (size_t i = 0; i < t->nrecords; i++) {
		size_t k = mbt_record_text(&t->records[i], line, sizeof(line));

		comment_add(c, "\n", 1);
		comment_add(c, line, k < sizeof(line) ? k : sizeof(line) - 1);
	}
	if (t->error.kind != MBT_OK) {
		size_t k = mbt_error_text(&t->error, line, sizeof(line));

		comment_add(c, "\n", 1);
		comment_add(c, mbt_error_kind_name(t->error.kind),
		    strlen(mbt_error_kind_name(t->error.kind)));
		comment_add(c, ": ", 2);
		comment_add(c, line, k < sizeof(line) ? k : sizeof(line) - 1);
	}
}

int
pcapng_trace(struct mbt_pcapng *w, const struct mbt_packet *p,
    const struct mbt_trace *t)
{
	static struct comment c;
	bool has_tail = t->tail != NULL && t->tail_orig_len > 0;
	size_t nsnaps = has_tail ? 1 : 0, nth = 0;
	int rc = 0;

	for (size_t i = 0; i < t->nrecords; i++)
		nsnaps += t->records[i].has_packet;
	if (nsnaps == 0) {
		comment_build(&c, p, t, 0, 0);
		return mbt_pcapng_write(w, MBT_DLT_USER0, p->ts_sec, p->ts_usec,
		    p->data, p->caplen, p->wirelen, c.buf, c.len);
	}
	for (size_t i = 0; i < t->nrecords && rc == 0; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!r->has_packet)
			continue;
		comment_build(&c, p, t, ++nth, nsnaps);
		rc = mbt_pcapng_write(w, r->linktype, p->ts_sec, p->ts_usec,
		    r->pkt, r->pkt_len, r->orig_len, c.buf, c.len);
	}
	if (has_tail && rc == 0) {
		comment_build(&c, p, t, ++nth, nsnaps);
		rc = mbt_pcapng_write(w, t->tail_linktype, p->ts_sec, p->ts_usec,
		    t->tail, t->tail_len, t->tail_orig_len, c.buf, c.len);
	}
	return rc;
}
