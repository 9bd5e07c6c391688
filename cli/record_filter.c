/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tcpdump expression for `mbuftrace record`, compiled by libpcap to
 * classic BPF.  The kernel side runs it on the packet from its network
 * header, so that packets a host sends match before they have a link
 * header; expressions that need the link layer ("ether host", "arp")
 * are compiled for Ethernet frames instead.  libpcap compiles a mixed
 * one ("icmp or arp") for raw IP too, with its link-layer terms never
 * true: the words decide.
 */
#include <ctype.h>
#include <errno.h>
#include <pcap/pcap.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "record.h"

static int
compile_for(int dlt, const char *expr, struct bpf_program *prog, char *err,
    size_t errlen)
{
	pcap_t *p = pcap_open_dead(dlt, 65535);
	int rc;

	if (p == NULL)
		return -ENOMEM;
	rc = pcap_compile(p, prog, expr, 1, PCAP_NETMASK_UNKNOWN);
	if (rc != 0)
		snprintf(err, errlen, "%s", pcap_geterr(p));
	pcap_close(p);
	return rc == 0 ? 0 : -EINVAL;
}

/*
 * Does expr name a protocol or field below IP (libpcap's keywords for
 * them)?  Then only Ethernet frames can match it.
 */
static bool
needs_link(const char *expr)
{
	static const char *const words[] = {"arp", "rarp", "ether", "vlan",
	    "mpls", "pppoed", "pppoes", "llc", "stp", "ipx", "aarp", "atalk",
	    "decnet", "lat", "sca", "moprc", "mopdl", "iso", "esis", "isis",
	    "clnp", "netbeui", NULL};
	const char *p = expr;

	while (*p != '\0') {
		size_t n = 0;

		while (*p != '\0' && !isalnum((unsigned char)*p))
			p++;
		while (isalnum((unsigned char)p[n]))
			n++;
		for (int i = 0; words[i] != NULL && n > 0; i++)
			if (strlen(words[i]) == n &&
			    strncmp(p, words[i], n) == 0)
				return true;
		p += n;
	}
	return false;
}

int
record_filter_compile(
    const char *expr, struct record_filter *f, char *err, size_t errlen)
{
	struct bpf_program prog;
	char raw_err[256];
	int rc;

	memset(f, 0, sizeof(*f));
	rc = needs_link(expr)
		 ? -EINVAL
		 : compile_for(DLT_RAW, expr, &prog, raw_err, sizeof(raw_err));
	if (rc == -EINVAL) {
		rc = compile_for(DLT_EN10MB, expr, &prog, err, errlen);
		f->link = rc == 0;
	}
	if (rc != 0)
		return rc;
	f->insns = calloc(prog.bf_len ? prog.bf_len : 1, sizeof(*f->insns));
	if (f->insns == NULL) {
		pcap_freecode(&prog);
		return -ENOMEM;
	}
	for (unsigned i = 0; i < prog.bf_len; i++) {
		f->insns[i].code = prog.bf_insns[i].code;
		f->insns[i].jt = prog.bf_insns[i].jt;
		f->insns[i].jf = prog.bf_insns[i].jf;
		f->insns[i].k = prog.bf_insns[i].k;
	}
	f->len = prog.bf_len;
	pcap_freecode(&prog);
	return 0;
}

void
record_filter_free(struct record_filter *f)
{
	free(f->insns);
	memset(f, 0, sizeof(*f));
}
