/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading captures of traces: regular classic pcap files through a sliding
 * window (fast); classic pcap from a stream (a pipe, standard input) record
 * by record with the same parser; pcapng block by block (pcapng_read.c),
 * which also reads files with several link types.  A stream is read once,
 * never seeked: so `mbuftrace read - < t.pcapng` and `read <(zcat ...)`
 * work as the file does.
 */
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/capture.h"
#include "mbuftrace/format.h"
#include "pcap_map.h"
#include "pcapng_read.h"

struct mbt_capture {
	struct mbt_pcap_map *map;      /* a regular classic pcap file, or */
	struct mbt_pcapng_reader *png; /* pcapng, or */
	struct mbt_pcap_hdr hdr;       /* a classic pcap stream */
	FILE *f;		       /* the stream, for both of these */
	uint8_t *rec;		       /* a stream's record */
	uint64_t frame;
	int linktype;
};

static const struct mbt_capture_skipped no_skips;

/* The capture's link type is mbuf_trace's; else say so (c is closed). */
static struct mbt_capture *
checked(struct mbt_capture *c, const char *path, char *err, size_t errlen)
{
	const char *ltname = pcap_datalink_val_to_name(c->linktype);

	if (c->linktype == MBT_DLT_USER0)
		return c;
	snprintf(err, errlen,
	    "%s: link type %d (%s) is not mbuf_trace's DLT_USER0 (147)", path,
	    c->linktype, ltname ? ltname : "?");
	mbt_capture_close(c);
	return NULL;
}

/* A stream: pcapng or classic pcap, told by its first bytes. */
static struct mbt_capture *
open_stream(struct mbt_capture *c, const char *path, char *err, size_t errlen)
{
	uint8_t h[MBT_PCAP_FILE_HDR_LEN];
	size_t n = fread(h, 1, 4, c->f);

	if (n == 4 && memcmp(h, "\x0a\x0d\x0d\x0a", 4) == 0) {
		int lt;

		if (mbt_pcapng_reader_open(c->f, &c->png) != 0) {
			snprintf(err, errlen, "%s: out of memory", path);
			mbt_capture_close(c);
			return NULL;
		}
		c->linktype = mbt_pcapng_reader_scan(c->png, &lt) == 1
				  ? MBT_DLT_USER0
				  : lt;
		return checked(c, path, err, errlen);
	}
	if (n == 4 && fread(h + 4, 1, sizeof(h) - 4, c->f) == sizeof(h) - 4 &&
	    mbt_pcap_parse_file_hdr(h, sizeof(h), &c->hdr)) {
		c->linktype = (int)c->hdr.linktype;
		c->rec = malloc(MBT_PCAP_REC_HDR_LEN + MBT_PCAP_MAX_CAPLEN);
		if (c->rec != NULL)
			return checked(c, path, err, errlen);
		snprintf(err, errlen, "%s: out of memory", path);
	} else if (ferror(c->f)) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
	} else if (n == 0) {
		snprintf(err, errlen, "%s: empty, not a capture", path);
	} else {
		snprintf(err, errlen, "%s: not a pcap or pcapng capture", path);
	}
	mbt_capture_close(c);
	return NULL;
}

struct mbt_capture *
mbt_capture_open(const char *path, char *err, size_t errlen)
{
	bool in = strcmp(path, "-") == 0;
	struct mbt_pcap_map *map = NULL;
	struct mbt_capture *c;

	if (!in && mbt_pcap_map_open(path, &map, err, errlen) < 0)
		return NULL;
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		mbt_pcap_map_close(map);
		snprintf(err, errlen, "%s: out of memory", path);
		return NULL;
	}
	if (map != NULL) {
		c->map = map;
		c->linktype = (int)mbt_pcap_map_linktype(map);
		return checked(c, path, err, errlen);
	}
	c->f = in ? stdin : fopen(path, "rb");
	if (c->f == NULL) {
		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(c);
		return NULL;
	}
	return open_stream(c, path, err, errlen);
}

/* A classic pcap stream's next record: read its header, then its bytes;
 * the parser says what is wrong, as for a file. */
static int
stream_next(struct mbt_capture *c, struct mbt_packet *p, char *err,
    size_t errlen)
{
	size_t n = fread(c->rec, 1, MBT_PCAP_REC_HDR_LEN, c->f);
	uint32_t caplen = 0;

	if (n == MBT_PCAP_REC_HDR_LEN) {
		memcpy(&caplen, c->rec + 8, 4);
		if (c->hdr.swapped)
			caplen = __builtin_bswap32(caplen);
		if (caplen <= MBT_PCAP_MAX_CAPLEN) /* else the parser says */
			n += fread(c->rec + n, 1, caplen, c->f);
	}
	if (ferror(c->f)) {
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
		return -1;
	}
	return mbt_pcap_parse_record(&c->hdr, c->rec, n, p, err, errlen) > 0
		   ? 1
		   : n == 0 ? 0
			    : -1;
}

int
mbt_capture_next(
    struct mbt_capture *c, struct mbt_packet *p, char *err, size_t errlen)
{
	char why[256];
	int rc;

	if (c->map != NULL)
		rc = mbt_pcap_map_next(c->map, p, why, sizeof(why));
	else if (c->png != NULL)
		rc = mbt_pcapng_reader_next(c->png, p, why, sizeof(why));
	else
		rc = stream_next(c, p, why, sizeof(why));
	if (rc < 0)
		snprintf(err, errlen, "after frame %llu: %s",
		    (unsigned long long)c->frame, why);
	else if (rc == 1 && c->png != NULL) /* the file's own numbers */
		c->frame = p->frame;
	else if (rc == 1)
		p->frame = ++c->frame;
	return rc;
}

int
mbt_capture_linktype(const struct mbt_capture *c)
{
	return c->linktype;
}

const struct mbt_capture_skipped *
mbt_capture_skipped(const struct mbt_capture *c)
{
	return c->png != NULL ? mbt_pcapng_reader_skipped(c->png) : &no_skips;
}

void
mbt_capture_close(struct mbt_capture *c)
{
	if (c == NULL)
		return;
	mbt_pcap_map_close(c->map);
	mbt_pcapng_reader_close(c->png);
	if (c->f != NULL && c->f != stdin)
		fclose(c->f);
	free(c->rec);
	free(c);
}
