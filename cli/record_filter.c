/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A tcpdump expression for `mbuftrace record`, compiled by libpcap to
 * classic BPF.  The kernel side runs it on the packet from its network
 * header, so that packets a host sends match before they have a link
 * header; expressions that name anything below IP ("ether host", "arp",
 * "icmp or arp") are compiled for Ethernet frames instead (libpcap
 * would compile "icmp or arp" for raw IP too, with "arp" never true: the
 * words decide).  The kernel side then gives an IP packet that has no
 * Ethernet header where it is seen a made-up one (zero addresses, its
 * protocol as the type): the IP terms match it, the link-layer ones
 * never do, which is said per term for the start interfaces that never
 * have one.
 */
#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <pcap/pcap.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include "cli.h"
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

/* libpcap's keywords for protocols and fields below IP. */
static const char *const link_words[] = {"arp", "rarp", "ether", "vlan", "mpls",
    "pppoed", "pppoes", "llc", "stp", "ipx", "aarp", "atalk", "decnet", "lat",
    "sca", "moprc", "mopdl", "iso", "esis", "isis", "clnp", "netbeui", NULL};

/* The word at *p (letters and digits), its length; *p moves to it. */
static size_t
next_word(const char **p)
{
	size_t n = 0;

	while (**p != '\0' && !isalnum((unsigned char)**p))
		(*p)++;
	while (isalnum((unsigned char)(*p)[n]))
		n++;
	return n;
}

static bool
is_link_word(const char *w, size_t n)
{
	for (int i = 0; link_words[i] != NULL && n > 0; i++)
		if (strlen(link_words[i]) == n &&
		    strncmp(w, link_words[i], n) == 0)
			return true;
	return false;
}

/* Does expr name a protocol or field below IP?  Then only Ethernet
 * frames can match it. */
static bool
needs_link(const char *expr)
{
	const char *p = expr;
	size_t n;

	while ((n = next_word(&p)) > 0) {
		if (is_link_word(p, n))
			return true;
		p += n;
	}
	return false;
}

/* The length of the term starting at p: up to the next "and", "or",
 * "&&", "||" or parenthesis. */
static size_t
term_len(const char *p)
{
	size_t i = 0, end = 0;

	while (p[i] != '\0' && p[i] != '(' && p[i] != ')' && p[i] != '&' &&
	       p[i] != '|') {
		size_t n = 0;

		while (isspace((unsigned char)p[i]))
			i++;
		while (p[i + n] != '\0' && !isspace((unsigned char)p[i + n]) &&
		       p[i + n] != '(' && p[i + n] != ')')
			n++;
		if (n == 0 ||
		    (i > 0 && ((n == 3 && strncmp(p + i, "and", 3) == 0) ||
				  (n == 2 && strncmp(p + i, "or", 2) == 0))))
			break;
		i += n;
		end = i;
	}
	return end;
}

/*
 * The link type of interface name in the namespace at ns_path (an
 * ARPHRD_* value), asked of a socket made in that namespace; -1 if not
 * known.
 */
static int
iface_arphrd(const char *ns_path, const char *name)
{
	int self = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	int ns = open(ns_path, O_RDONLY | O_CLOEXEC), s = -1, type = -1;
	struct ifreq ifr;

	if (self >= 0 && ns >= 0 && setns(ns, CLONE_NEWNET) == 0) {
		s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		if (setns(self, CLONE_NEWNET) != 0) {
			/* Never go on in another namespace. */
			perror("mbuftrace: setns back");
			exit(EXIT_FAILURE);
		}
	}
	memset(&ifr, 0, sizeof(ifr));
	snprintf(ifr.ifr_name, sizeof(ifr.ifr_name), "%s", name);
	if (s >= 0 && ioctl(s, SIOCGIFHWADDR, &ifr) == 0)
		type = ifr.ifr_hwaddr.sa_family;
	if (s >= 0)
		close(s);
	if (ns >= 0)
		close(ns);
	if (self >= 0)
		close(self);
	return type;
}

void
record_filter_warn(const char *expr, const struct record_filter *f,
    const char *const *names, const char *const *ns_paths, int n)
{
	if (!f->link)
		return;
	for (int i = 0; i < n; i++) {
		int type = iface_arphrd(ns_paths[i], names[i]);
		const char *p = expr;
		size_t len;

		/* Ethernet, and loopback's zero-address Ethernet headers. */
		if (type < 0 || type == ARPHRD_ETHER || type == ARPHRD_LOOPBACK)
			continue;
		while ((len = next_word(&p)) > 0) {
			if (!is_link_word(p, len)) {
				p += len;
				continue;
			}
			len = term_len(p);
			cli_note("warning: '%.*s' can never match at start "
				 "point %s: it has no Ethernet header (link "
				 "type %d)",
			    (int)len, p, names[i], type);
			p += len;
		}
	}
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
