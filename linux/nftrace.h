/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Listening to nftables' trace events in every named network namespace
 * (the ones `ip netns` lists, and our own), to merge the verdicts on
 * packets with nf_trace set into their traces.  Netlink sockets belong to
 * the namespace they were made in, so there is one per namespace, plus one
 * to ask which hook each chain is on.
 */
#ifndef MBT_LINUX_NFTRACE_H
#define MBT_LINUX_NFTRACE_H

#include <stdint.h>

#include "assemble.h"
#include "nft_parse.h"

#define MBT_NFT_MAX_NS 256
#define MBT_NFT_MAX_CHAINS 128

struct mbt_nft_ns {
	uint64_t netns; /* inode */
	int fd;		/* member of NFNLGRP_NFTRACE */
	int qfd;	/* for chain dumps */
	bool seen;	/* in the last scan of /run/netns */
	bool own;	/* our own namespace: never closed by a scan */
	struct mbt_nft_chain chains[MBT_NFT_MAX_CHAINS];
	size_t nchains;
	uint64_t dumped_ns; /* when chains were last asked for */
	/* The hook of the last verdict: a chain jumped to has none. */
	uint32_t last_id;
	uint8_t last_place;
};

struct mbt_nft_listener {
	struct mbt_nft_ns *ns[MBT_NFT_MAX_NS];
	size_t nns;
	uint64_t scanned_ns;
	uint64_t overruns; /* times the kernel dropped events (ENOBUFS) */
	uint64_t bad;	   /* events that failed the checks */
	char last_error[352];
};

/*
 * Open sockets in our namespace and every named one.  0, or a negative
 * errno with err set (no namespace could be listened to).
 */
int mbt_nft_open(struct mbt_nft_listener *l, char *err, size_t errlen);

/*
 * Read every waiting event into the assembler; look for new namespaces
 * once a second.  now_ns: CLOCK_MONOTONIC.  0 or -ENOMEM.
 */
int mbt_nft_poll(
    struct mbt_nft_listener *l, struct mbt_lx_asm *a, uint64_t now_ns);

void mbt_nft_close(struct mbt_nft_listener *l);

#endif /* MBT_LINUX_NFTRACE_H */
