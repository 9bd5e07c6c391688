/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace read --write-pcapng`: each packet snapshot of a trace becomes
 * an ordinary packet of its own link type, with the whole path in its
 * comment, so stock tcpdump, tshark and Wireshark show traces without a
 * plugin.  A trace with no snapshot has nothing to show there: the caller
 * counts and reports those.
 *
 * libpcap, and so tcpdump, stops at the first packet whose interface has a
 * link type other than the first one's; so snapshots of raw IP, loopback and
 * Linux "cooked" captures are given an Ethernet header (zero MACs) and the
 * whole file is Ethernet.
 */
#include <stdio.h>

#include "read.h"

#define COMMENT_MAX 65000
#define LINE_MAX_ 1024 /* a record's line, cut past it as in text */
#define ETHER_HDR_LEN 14
#define SNAP_MAX \
	(65535 + ETHER_HDR_LEN) /* a pcapng option holds at most 65535 bytes */

/* The comment being built: gathered (no file), escaped as text is. */
static struct out comment;

/* One line of it, unless it could pass the gathering buffer (then the
 * comment is cut there). */
static bool
comment_line(const char *s, size_t n, size_t size)
{
	if (comment.len + 1 + OUT_ESCAPED_MAX(size) > OUT_BUFSZ)
		return false;
	if (comment.len > 0)
		out_char(&comment, '\n');
	out_text_cut(&comment, s, n, size);
	return true;
}

/*
 * The path, one record a line, after a line saying which snapshot this is:
 * every line escaped as text is (the comment must be UTF-8, and tshark
 * prints it to terminals), at most COMMENT_MAX bytes, cut after a line.
 */
static void
comment_build(const struct mbt_packet *p, const struct mbt_trace *t,
    size_t nth, size_t nsnaps)
{
	char line[LINE_MAX_];
	bool whole = true;
	int n = snprintf(line, sizeof(line),
	    "mbuf_trace frame %llu (%s, %zu records): snapshot %zu of %zu",
	    (unsigned long long)p->frame, mbt_format_name(t->format),
	    t->nrecords, nth, nsnaps);

	out_init(&comment, NULL);
	comment_line(line, (size_t)n, sizeof(line));
	for (size_t i = 0; i < t->nrecords && whole; i++) {
		size_t k = mbt_record_text(&t->records[i], line, sizeof(line));

		whole = comment_line(line, k, sizeof(line));
	}
	if (t->error.kind != MBT_OK && whole) {
		char err[LINE_MAX_ - 64];
		size_t k = mbt_error_text(&t->error, err, sizeof(err));

		n = snprintf(line, sizeof(line), "%s: %.*s",
		    mbt_error_kind_name(t->error.kind),
		    (int)(k < sizeof(err) ? k : sizeof(err) - 1), err);
		whole = comment_line(line, (size_t)n, sizeof(line));
	}
	out_comment_end(&comment, COMMENT_MAX, !whole);
}

/* The ethertype for a snapshot's link layer, and where its IP packet starts. */
static uint16_t
ethertype_of(
    uint16_t linktype, const uint8_t *p, uint32_t caplen, uint32_t *skip)
{
	uint32_t fam;

	*skip = 0;
	switch (linktype) {
	case MBT_LINKTYPE_RAW:
		if (caplen < 1)
			return 0;
		return (p[0] >> 4) == 6	  ? 0x86dd
		       : (p[0] >> 4) == 4 ? 0x0800
					  : 0;
	case MBT_LINKTYPE_IPV4: return 0x0800;
	case MBT_LINKTYPE_IPV6: return 0x86dd;
	case MBT_LINKTYPE_NULL:
	case MBT_LINKTYPE_LOOP:
		if (caplen < 4)
			return 0;
		*skip = 4;
		/* The family is in the writer's byte order: look at both. */
		fam = p[0] != 0 ? p[0] : p[3];
		return fam == 2 ? 0x0800
		       : (fam == 10 || fam == 24 || fam == 28 || fam == 30)
			   ? 0x86dd
			   : 0;
	case MBT_LINKTYPE_LINUX_SLL:
		if (caplen < 16)
			return 0;
		*skip = 16;
		return (uint16_t)(p[14] << 8 | p[15]);
	default: return 0;
	}
}

/* Write one snapshot, as Ethernet when that can be done. */
static int
write_snapshot(struct mbt_pcapng *w, const struct mbt_packet *p,
    uint16_t linktype, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	static uint8_t eth[SNAP_MAX];
	uint32_t skip;
	uint16_t type = linktype == MBT_LINKTYPE_ETHERNET
			    ? 0
			    : ethertype_of(linktype, data, caplen, &skip);

	if (type == 0 || caplen - skip > SNAP_MAX - ETHER_HDR_LEN)
		return mbt_pcapng_write(w, linktype, p->ts_sec, p->ts_usec,
		    data, caplen, wirelen, comment.buf, comment.len);
	memset(eth, 0, 12);
	eth[12] = (uint8_t)(type >> 8);
	eth[13] = (uint8_t)type;
	memcpy(eth + ETHER_HDR_LEN, data + skip, caplen - skip);
	return mbt_pcapng_write(w, MBT_LINKTYPE_ETHERNET, p->ts_sec, p->ts_usec,
	    eth, caplen - skip + ETHER_HDR_LEN, wirelen - skip + ETHER_HDR_LEN,
	    comment.buf, comment.len);
}

int
pcapng_trace(
    struct mbt_pcapng *w, const struct mbt_packet *p, const struct mbt_trace *t)
{
	bool has_tail = t->tail != NULL && t->tail_orig_len > 0;
	size_t nsnaps = has_tail ? 1 : 0, nth = 0;
	int rc = 0;

	for (size_t i = 0; i < t->nrecords; i++)
		nsnaps += t->records[i].has_packet;
	if (nsnaps == 0)
		return 1;
	for (size_t i = 0; i < t->nrecords && rc == 0; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!r->has_packet)
			continue;
		comment_build(p, t, ++nth, nsnaps);
		rc = write_snapshot(
		    w, p, r->linktype, r->pkt, r->pkt_len, r->orig_len);
	}
	if (has_tail && rc == 0) {
		comment_build(p, t, ++nth, nsnaps);
		rc = write_snapshot(w, p, t->tail_linktype, t->tail,
		    t->tail_len, t->tail_orig_len);
	}
	return rc;
}
