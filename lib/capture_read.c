/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Reading captures of traces: classic pcap files through a memory map
 * (fast), everything else (pcapng, standard input) through libpcap.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/capture.h"
#include "mbuftrace/format.h"
#include "pcap_map.h"
#include "pcapng_read.h"

struct mbt_capture {
	pcap_t *pcap; /* or */
	struct mbt_pcap_map *map; /* or */
	struct mbt_pcapng_reader *png; /* pcapng with several link types */
	uint64_t frame;
};

/*
 * Wrap an opened source (a map or a pcap_t, the other NULL) once its link
 * type is known to be mbuf_trace's; on failure the source is closed.
 */
static struct mbt_capture *
capture_new(const char *path, struct mbt_pcap_map *map, pcap_t *p, int lt,
    char *err, size_t errlen)
{
	const char *ltname = pcap_datalink_val_to_name(lt);
	struct mbt_capture *c = NULL;

	if (lt != MBT_DLT_USER0)
		snprintf(err, errlen,
		    "%s: link type %d (%s) is not mbuf_trace's DLT_USER0 (147)",
		    path, lt, ltname ? ltname : "?");
	else if ((c = calloc(1, sizeof(*c))) == NULL)
		snprintf(err, errlen, "%s: out of memory", path);
	if (c == NULL) {
		if (map != NULL)
			mbt_pcap_map_close(map);
		else
			pcap_close(p);
		return NULL;
	}
	c->map = map;
	c->pcap = p;
	return c;
}

/* Returned by open_mixed for an error it reported. */
static struct mbt_capture none;

/*
 * A pcapng file whose interfaces have several link types, which libpcap
 * refuses whole: read here, its DLT_USER0 interfaces' packets only.  NULL
 * for any other file (libpcap reads it, or says why not).
 */
static struct mbt_capture *
open_mixed(const char *path, char *err, size_t errlen)
{
	FILE *f = fopen(path, "rb");
	struct mbt_pcapng_reader *r = NULL;
	struct mbt_capture *c;
	int lt;

	if (f == NULL)
		return NULL;
	if (mbt_pcapng_reader_open(f, &r) != 1 ||
	    mbt_pcapng_reader_scan(r, &lt) != 1) {
		if (r != NULL)
			mbt_pcapng_reader_close(r); /* closes f */
		else
			fclose(f);
		return NULL;
	}
	if ((c = calloc(1, sizeof(*c))) == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		mbt_pcapng_reader_close(r);
		return &none;
	}
	c->png = r;
	return c;
}

struct mbt_capture *
mbt_capture_open(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct mbt_pcap_map *map;
	struct mbt_capture *c;
	pcap_t *p;

	if (strcmp(path, "-") != 0) {
		switch (mbt_pcap_map_open(path, &map, err, errlen)) {
		case 1:
			return capture_new(path, map, NULL,
			    (int)mbt_pcap_map_linktype(map), err, errlen);
		case -1: return NULL;
		default: break; /* not a regular classic pcap file */
		}
	}
	if (strcmp(path, "-") != 0 && (c = open_mixed(path, err, errlen)) != NULL)
		return c == &none ? NULL : c;
	if (strcmp(path, "-") == 0)
		p = pcap_fopen_offline(stdin, perr);
	else
		p = pcap_open_offline(path, perr);
	if (p == NULL) {
		/* libpcap names the file in some messages and not in others. */
		if (strncmp(perr, path, strlen(path)) == 0)
			snprintf(err, errlen, "%s", perr);
		else
			snprintf(err, errlen, "%s: %s", path, perr);
		return NULL;
	}
	return capture_new(path, NULL, p, pcap_datalink(p), err, errlen);
}

int
mbt_capture_next(
    struct mbt_capture *c, struct mbt_packet *p, char *err, size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc;

	if (c->map != NULL || c->png != NULL) {
		char why[256];

		rc = c->map ? mbt_pcap_map_next(c->map, p, why, sizeof(why))
			    : mbt_pcapng_reader_next(c->png, p, why, sizeof(why));
		if (rc < 0)
			snprintf(err, errlen, "after frame %llu: %s",
			    (unsigned long long)c->frame, why);
		else if (rc == 1)
			p->frame = ++c->frame;
		return rc;
	}
	rc = pcap_next_ex(c->pcap, &h, &data);

	if (rc == PCAP_ERROR_BREAK)
		return 0;
	if (rc != 1) {
		snprintf(err, errlen, "after frame %llu: %s",
		    (unsigned long long)c->frame, pcap_geterr(c->pcap));
		return -1;
	}
	p->frame = ++c->frame;
	p->ts_sec = h->ts.tv_sec;
	p->ts_usec = (uint32_t)h->ts.tv_usec;
	p->caplen = h->caplen;
	p->wirelen = h->len < h->caplen ? h->caplen : h->len;
	p->data = data;
	return 1;
}

int
mbt_capture_linktype(const struct mbt_capture *c)
{
	return c->map	? (int)mbt_pcap_map_linktype(c->map)
	       : c->png ? MBT_DLT_USER0
			: pcap_datalink(c->pcap);
}

void
mbt_capture_close(struct mbt_capture *c)
{
	if (c == NULL)
		return;
	if (c->map != NULL)
		mbt_pcap_map_close(c->map);
	else if (c->png != NULL)
		mbt_pcapng_reader_close(c->png);
	else
		pcap_close(c->pcap);
	free(c);
}
