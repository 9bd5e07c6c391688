/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The netlink messages of nftables that `mbuftrace record` reads: trace
 * events (NFT_MSG_TRACE) and chains (NFT_MSG_NEWCHAIN, for their hooks).
 * Bytes from a socket are checked before use, every length of them; no
 * netlink library, no allocation, so it is fuzzed as it is.
 */
#ifndef MBT_LINUX_NFT_PARSE_H
#define MBT_LINUX_NFT_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "assemble.h"

/* Message types, (NFNL_SUBSYS_NFTABLES << 8) | NFT_MSG_*. */
#define MBT_NFT_TYPE_TRACE (10 << 8 | 17)
#define MBT_NFT_TYPE_NEWCHAIN (10 << 8 | 3)
#define MBT_NFT_TYPE_GETCHAIN (10 << 8 | 4)

/*
 * The next netlink message of buf from *off: 1 with *msg and *len set (the
 * whole message, header included), 0 at the end, -EINVAL when a header
 * does not fit its buffer.
 */
int mbt_nft_next(const uint8_t *buf, size_t size, size_t *off,
    const uint8_t **msg, size_t *len);

/* The type of a message mbt_nft_next() gave. */
uint16_t mbt_nft_type(const uint8_t *msg);

/*
 * A trace event into r: names, handle, verdict, id, devices, headers.
 * netns, seen_ns and place are the caller's.  0 or -EINVAL.
 */
int mbt_nft_parse_trace(const uint8_t *msg, size_t len, struct mbt_lx_rule *r);

struct mbt_nft_chain {
	uint8_t family; /* NFPROTO_* */
	int hook;	/* NF_INET_* / NF_NETDEV_*; -1: not a base chain */
	char table[MBT_LX_RULE_NAME], name[MBT_LX_RULE_NAME];
};

/* A chain of a dump into c.  0 or -EINVAL. */
int mbt_nft_parse_chain(
    const uint8_t *msg, size_t len, struct mbt_nft_chain *c);

/* Where a base chain's hook sits on the path (enum mbt_lx_hook_place). */
uint8_t mbt_nft_hook_place(uint8_t family, int hook);

#endif /* MBT_LINUX_NFT_PARSE_H */
