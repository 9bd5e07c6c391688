/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading captures of traces through libpcap, which knows pcap and pcapng. */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/capture.h"
#include "mbuftrace/format.h"

struct mbt_capture {
	pcap_t *pcap;
	uint64_t frame;
};

struct mbt_capture *
mbt_capture_open(const char *path, char *err, size_t errlen)
{
	char perr[PCAP_ERRBUF_SIZE] = "";
	struct mbt_capture *c;
	pcap_t *p;
	int lt;

	if (strcmp(path, "-") == 0)
		p = pcap_fopen_offline(stdin, perr);
	else
		p = pcap_open_offline(path, perr);
	if (p == NULL) {
		snprintf(err, errlen, "%s: %s", path, perr);
		return NULL;
	}
	lt = pcap_datalink(p);
	if (lt != MBT_DLT_USER0) {
		snprintf(err, errlen, "%s: link type %d (%s) is not mbuf_trace's "
		    "DLT_USER0 (147)", path, lt,
		    pcap_datalink_val_to_name(lt) ? pcap_datalink_val_to_name(lt) : "?");
		pcap_close(p);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (c == NULL) {
		snprintf(err, errlen, "%s: out of memory", path);
		pcap_close(p);
		return NULL;
	}
	c->pcap = p;
	return c;
}

int
mbt_capture_next(struct mbt_capture *c, struct mbt_packet *p, char *err,
    size_t errlen)
{
	struct pcap_pkthdr *h;
	const u_char *data;
	int rc = pcap_next_ex(c->pcap, &h, &data);

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
	return pcap_datalink(c->pcap);
}

void
mbt_capture_close(struct mbt_capture *c)
{
	if (c == NULL)
		return;
	pcap_close(c->pcap);
	free(c);
}
