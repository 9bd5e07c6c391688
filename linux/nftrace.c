/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nftables trace events from every named namespace into the assembler.
 * The kernel builds these events only while someone listens, and only for
 * packets whose nf_trace bit a rule set (`meta nftrace set 1`), so
 * listening costs nothing to other packets.
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <linux/netfilter/nfnetlink.h>
#include <linux/netlink.h>

#include "nftrace.h"

#define NETNS_DIR "/run/netns"
#define SCAN_EVERY_NS 1000000000ULL
#define DUMP_AT_MOST_EVERY_NS 1000000000ULL
#define RCVBUF (4 << 20)

static void
close_ns(struct mbt_nft_ns *ns)
{
	close(ns->fd);
	close(ns->qfd);
	free(ns);
}

/* The two sockets, made in the namespace this thread is in now. */
static int
make_sockets(struct mbt_nft_ns *ns)
{
	struct sockaddr_nl sa = {.nl_family = AF_NETLINK};
	struct timeval tv = {.tv_sec = 1};
	int group = NFNLGRP_NFTRACE, size = RCVBUF;

	ns->fd = socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK,
	    NETLINK_NETFILTER);
	ns->qfd =
	    socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC, NETLINK_NETFILTER);
	if (ns->fd < 0 || ns->qfd < 0 ||
	    bind(ns->fd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    bind(ns->qfd, (struct sockaddr *)&sa, sizeof(sa)) != 0 ||
	    setsockopt(ns->fd, SOL_NETLINK, NETLINK_ADD_MEMBERSHIP, &group,
		sizeof(group)) != 0 ||
	    setsockopt(ns->qfd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv)) != 0)
		return -errno;
	/* A burst must not overflow it: FORCE passes rmem_max (as root). */
	if (setsockopt(
		ns->fd, SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size)) != 0)
		setsockopt(ns->fd, SOL_SOCKET, SO_RCVBUF, &size, sizeof(size));
	return 0;
}

static bool
known(const struct mbt_nft_listener *l, uint64_t netns, size_t *at)
{
	for (size_t i = 0; i < l->nns; i++) {
		if (l->ns[i]->netns == netns) {
			*at = i;
			return true;
		}
	}
	return false;
}

/*
 * Listen in the namespace of path (NULL: ours).  Enters it for as long as
 * socket() takes, then comes back to self_fd.
 */
static int
add_ns(struct mbt_nft_listener *l, const char *path, int self_fd)
{
	struct mbt_nft_ns *ns;
	struct stat st;
	size_t at;
	int nsfd = -1, rc = 0;

	if (stat(path != NULL ? path : "/proc/self/ns/net", &st) != 0)
		return -errno;
	if (known(l, (uint64_t)st.st_ino, &at)) {
		l->ns[at]->seen = true;
		return 0;
	}
	if (l->nns == MBT_NFT_MAX_NS)
		return -ENOSPC;
	if ((ns = calloc(1, sizeof(*ns))) == NULL)
		return -ENOMEM;
	ns->fd = ns->qfd = -1;
	ns->netns = (uint64_t)st.st_ino;
	ns->own = path == NULL;
	ns->seen = true;
	if (path != NULL && ((nsfd = open(path, O_RDONLY | O_CLOEXEC)) < 0 ||
				setns(nsfd, CLONE_NEWNET) != 0))
		rc = -errno;
	if (rc == 0)
		rc = make_sockets(ns);
	if (path != NULL && nsfd >= 0 && setns(self_fd, CLONE_NEWNET) != 0)
		rc = -errno; /* cannot happen to root; fatal if it did */
	if (nsfd >= 0)
		close(nsfd);
	if (rc != 0) {
		close_ns(ns);
		return rc;
	}
	l->ns[l->nns++] = ns;
	return 0;
}

/* Follow /run/netns: listen in new namespaces, let go of removed ones
 * (a socket would keep a deleted namespace alive). */
static void
scan(struct mbt_nft_listener *l)
{
	DIR *d = opendir(NETNS_DIR);
	int self_fd = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
	struct dirent *de;
	char path[300];
	size_t kept = 0;

	for (size_t i = 0; i < l->nns; i++)
		l->ns[i]->seen = l->ns[i]->own;
	while (d != NULL && self_fd >= 0 && (de = readdir(d)) != NULL) {
		int rc;

		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "%s/%s", NETNS_DIR, de->d_name);
		if ((rc = add_ns(l, path, self_fd)) != 0)
			snprintf(l->last_error, sizeof(l->last_error), "%s: %s",
			    path, strerror(-rc));
	}
	for (size_t i = 0; i < l->nns; i++) {
		if (l->ns[i]->seen)
			l->ns[kept++] = l->ns[i];
		else
			close_ns(l->ns[i]);
	}
	l->nns = kept;
	if (d != NULL)
		closedir(d);
	if (self_fd >= 0)
		close(self_fd);
}

int
mbt_nft_open(struct mbt_nft_listener *l, char *err, size_t errlen)
{
	int rc;

	memset(l, 0, sizeof(*l));
	if ((rc = add_ns(l, NULL, -1)) != 0) {
		snprintf(err, errlen, "nftables trace events: %s%s",
		    strerror(-rc),
		    rc == -EPERM ? " (needs CAP_NET_ADMIN)" : "");
		return rc;
	}
	scan(l);
	return 0;
}

/* Ask the namespace for its chains and the hooks they are on. */
static void
dump_chains(struct mbt_nft_listener *l, struct mbt_nft_ns *ns, uint64_t now)
{
	static uint8_t buf[65536];
	/* Every family's chains: nfgenmsg all zero (NFPROTO_UNSPEC, v0). */
	struct {
		struct nlmsghdr h;
		struct nfgenmsg g;
	} req = {.h = {.nlmsg_len = sizeof(req),
		     .nlmsg_type = MBT_NFT_TYPE_GETCHAIN,
		     .nlmsg_flags = NLM_F_REQUEST | NLM_F_DUMP,
		     .nlmsg_seq = 1}};
	ssize_t n;

	ns->dumped_ns = now;
	ns->nchains = 0;
	if (send(ns->qfd, &req, sizeof(req), 0) != (ssize_t)sizeof(req))
		return;
	while ((n = recv(ns->qfd, buf, sizeof(buf), 0)) > 0) {
		const uint8_t *msg;
		size_t off = 0, len;

		while (mbt_nft_next(buf, (size_t)n, &off, &msg, &len) == 1) {
			uint16_t type = mbt_nft_type(msg);

			if (type == NLMSG_DONE || type == NLMSG_ERROR)
				return;
			if (ns->nchains < MBT_NFT_MAX_CHAINS &&
			    mbt_nft_parse_chain(
				msg, len, &ns->chains[ns->nchains]) == 0)
				ns->nchains++;
		}
	}
	snprintf(l->last_error, sizeof(l->last_error), "listing chains: %s",
	    n < 0 ? strerror(errno) : "no end");
}

static const struct mbt_nft_chain *
find_chain(const struct mbt_nft_ns *ns, const struct mbt_lx_rule *r)
{
	for (size_t i = 0; i < ns->nchains; i++) {
		const struct mbt_nft_chain *c = &ns->chains[i];

		if (c->family == r->family && strcmp(c->table, r->table) == 0 &&
		    strcmp(c->name, r->chain) == 0)
			return c;
	}
	return NULL;
}

/* Where r's hook is: its chain's, else that of the verdict before it
 * on the same packet (a chain jumped to is on its caller's hook). */
static uint8_t
rule_place(struct mbt_nft_listener *l, struct mbt_nft_ns *ns,
    const struct mbt_lx_rule *r, uint64_t now)
{
	const struct mbt_nft_chain *c = find_chain(ns, r);
	uint8_t place = MBT_LX_HOOK_UNKNOWN;

	if (c == NULL && now - ns->dumped_ns > DUMP_AT_MOST_EVERY_NS) {
		dump_chains(l, ns, now);
		c = find_chain(ns, r);
	}
	if (c != NULL && c->hook >= 0)
		place = mbt_nft_hook_place(c->family, c->hook);
	else if (r->nft_id == ns->last_id)
		place = ns->last_place;
	ns->last_id = r->nft_id;
	ns->last_place = place;
	return place;
}

static int
drain(struct mbt_nft_listener *l, struct mbt_nft_ns *ns, struct mbt_lx_asm *a,
    uint64_t now)
{
	static uint8_t buf[65536];
	struct mbt_lx_rule r;
	ssize_t n;
	int rc = 0;

	for (;;) {
		const uint8_t *msg;
		size_t off = 0, len;

		n = recv(ns->fd, buf, sizeof(buf), MSG_DONTWAIT);
		if (n < 0 && errno == ENOBUFS) {
			l->overruns++; /* events were lost; the rest follow */
			continue;
		}
		if (n <= 0)
			return rc;
		while (mbt_nft_next(buf, (size_t)n, &off, &msg, &len) == 1) {
			if (mbt_nft_parse_trace(msg, len, &r) != 0) {
				l->bad++;
				continue;
			}
			r.netns = ns->netns;
			r.seen_ns = now;
			r.place = rule_place(l, ns, &r, now);
			if ((rc = mbt_lx_asm_rule(a, &r)) != 0)
				return rc;
		}
	}
}

int
mbt_nft_poll(struct mbt_nft_listener *l, struct mbt_lx_asm *a, uint64_t now_ns)
{
	int rc = 0;

	for (size_t i = 0; i < l->nns && rc == 0; i++)
		rc = drain(l, l->ns[i], a, now_ns);
	if (now_ns - l->scanned_ns > SCAN_EVERY_NS) {
		l->scanned_ns = now_ns;
		scan(l);
	}
	return rc;
}

void
mbt_nft_close(struct mbt_nft_listener *l)
{
	for (size_t i = 0; i < l->nns; i++)
		close_ns(l->ns[i]);
	l->nns = 0;
}
