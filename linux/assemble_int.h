/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The assembler's own state of a trace, shared by its two halves:
 * linux/assemble.c (events) and linux/assemble_nft.c (nftables verdicts).
 */
#ifndef MBT_LINUX_ASSEMBLE_INT_H
#define MBT_LINUX_ASSEMBLE_INT_H

#include <string.h>

#include "assemble.h"

/* A C string (or NULL) as the records' string type. */
static inline struct mbt_str
mbt_lx_str(const char *s)
{
	return (struct mbt_str){s, s != NULL ? (uint16_t)strnlen(s, 4096) : 0};
}

/* A verdict and the event it goes before (nevents: after them all). */
struct mbt_lx_placed_rule {
	struct mbt_lx_rule rule;
	size_t before;
};

/* The kernel's pseudo ids this trace's packet had, by namespace. */
#define MBT_LX_NFT_IDS 4
struct mbt_lx_nft_id {
	uint64_t netns;
	uint32_t id;
	uint32_t iif, oif; /* of the hook the id was last seen in */
};

struct mbt_lx_open_trace {
	struct mbt_lx_open_trace *next; /* in its bucket, or in held */
	uint64_t trace_id;
	uint64_t parent_id; /* a copy's: the trace of its original */
	uint64_t last_ns;   /* CLOCK_MONOTONIC of its newest event */
	uint32_t lost;	    /* records lost: kernel and the MBT_LX_MAX_* */
	size_t nevents, nrules, nids;
	struct mbt_lx_placed_rule *rules; /* MBT_LX_MAX_RULES, on demand */
	struct mbt_lx_nft_id ids[MBT_LX_NFT_IDS];
	struct mbt_lx_event *events[MBT_LX_MAX_EVENTS]; /* with snapshots */
};

/* Retry the waiting verdicts; then drop, counted, those that have waited
 * MBT_LX_RULE_WAIT_NS at CLOCK_MONOTONIC now_ns (0: none; UINT64_MAX: all). */
void mbt_lx_nft_retry(struct mbt_lx_asm *a, uint64_t now_ns);

/* The record of a placed verdict of t, next to its event `near`. */
void mbt_lx_nft_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, const struct mbt_lx_placed_rule *p,
    const struct mbt_lx_event *near, uint64_t t0, char *text, size_t size,
    char *table, size_t tsize);

/* The words of event i of t, a packet entering a bridge port: the
 * port's STP state and what the bridge did with it, inferred from what
 * follows (linux/assemble_bridge.c). */
void mbt_lx_bridge_text(const struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, size_t i, char *text, size_t size);

#endif /* MBT_LINUX_ASSEMBLE_INT_H */
