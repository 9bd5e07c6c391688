/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --match: tcpdump's filter language, compiled by libpcap itself so that it
 * means exactly what it means to tcpdump, and applied to a trace's first
 * snapshot.  Snapshots come in several link types; the filter is compiled
 * once for each link type met.
 */
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"

#define MATCH_LINKTYPES 8

struct compiled {
	uint16_t linktype;
	bool ok; /* false: the filter means nothing for this link type */
	struct bpf_program prog;
};

struct mbt_match {
	char *expr;
	size_t n;
	struct compiled c[MATCH_LINKTYPES];
};

/* pcap LINKTYPE_* to the DLT_* that pcap_open_dead() takes. */
static int
linktype_dlt(uint16_t lt)
{
	switch (lt) {
	case MBT_LINKTYPE_NULL: return DLT_NULL;
	case MBT_LINKTYPE_ETHERNET: return DLT_EN10MB;
	case MBT_LINKTYPE_RAW: return DLT_RAW;
	case MBT_LINKTYPE_LOOP: return DLT_LOOP;
	case MBT_LINKTYPE_LINUX_SLL: return DLT_LINUX_SLL;
	case MBT_LINKTYPE_IPV4: return DLT_IPV4;
	case MBT_LINKTYPE_IPV6: return DLT_IPV6;
	default: return -1;
	}
}

static int
compile(const char *expr, uint16_t lt, struct bpf_program *prog, char *err,
    size_t errlen)
{
	int dlt = linktype_dlt(lt);
	pcap_t *pd;
	int rc;

	if (dlt < 0) {
		snprintf(err, errlen, "link type %u is not supported", lt);
		return -1;
	}
	pd = pcap_open_dead(dlt, 262144);
	if (pd == NULL) {
		snprintf(err, errlen, "libpcap: out of memory");
		return -1;
	}
	rc = pcap_compile(pd, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc != 0)
		snprintf(err, errlen, "%s", pcap_geterr(pd));
	pcap_close(pd);
	return rc;
}

struct mbt_match *
mbt_match_new(const char *expr, char *err, size_t errlen)
{
	struct mbt_match *m = calloc(1, sizeof(*m));
	struct bpf_program prog;

	if (m == NULL || (m->expr = strdup(expr)) == NULL) {
		free(m);
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	/* Say at once when the filter is not tcpdump syntax at all. */
	if (compile(expr, MBT_LINKTYPE_ETHERNET, &prog, err, errlen) != 0) {
		mbt_match_free(m);
		return NULL;
	}
	m->c[0] = (struct compiled){MBT_LINKTYPE_ETHERNET, true, prog};
	m->n = 1;
	return m;
}

static struct compiled *
for_linktype(struct mbt_match *m, uint16_t lt)
{
	char err[PCAP_ERRBUF_SIZE];
	struct compiled *c;

	for (size_t i = 0; i < m->n; i++) {
		if (m->c[i].linktype == lt)
			return &m->c[i];
	}
	if (m->n == MATCH_LINKTYPES)
		return NULL; /* more link types than anyone uses */
	c = &m->c[m->n++];
	c->linktype = lt;
	/* "ether host" means nothing on raw IP: such packets do not pass. */
	c->ok = compile(m->expr, lt, &c->prog, err, sizeof(err)) == 0;
	return c;
}

bool
mbt_match_trace(struct mbt_match *m, const struct mbt_trace *t)
{
	struct pcap_pkthdr h = {0};
	struct compiled *c;
	const uint8_t *data;
	uint16_t lt;
	uint32_t caplen, wirelen;

	if (!mbt_path_snapshot(t, &lt, &data, &caplen, &wirelen))
		return false;
	c = for_linktype(m, lt);
	if (c == NULL || !c->ok)
		return false;
	h.caplen = caplen;
	h.len = wirelen;
	return pcap_offline_filter(&c->prog, &h, data) != 0;
}

void
mbt_match_free(struct mbt_match *m)
{
	if (m == NULL)
		return;
	for (size_t i = 0; i < m->n; i++) {
		if (m->c[i].ok)
			pcap_freecode(&m->c[i].prog);
	}
	free(m->expr);
	free(m);
}
