/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The value of the map `tracked` (linux/shared_maps.bpf.h), for the eBPF
 * programs and for the loader, which forgets entries long unseen.
 */
#ifndef MBT_LINUX_TRACKED_H
#define MBT_LINUX_TRACKED_H

#include "record_event.h"

/* What is known of a traced skb, keyed by its address. */
struct tracked {
	mbt_u64 trace_id;
	mbt_u16 lost;	/* events not delivered since the last one that was */
	mbt_u16 flags;	/* TRACKED_* */
	mbt_u32 digest;	/* of the headers in the last snapshot; 0 = none */
	mbt_u64 head;	/* skb->head when last seen: its data's address */
	mbt_u64 dev;	/* the net_device a hook last saw it on */
	mbt_u32 ident;	/* what stays of the packet: identity.bpf.h; 0 = none */
	mbt_u16 nh;	/* its network header's offset then */
	mbt_u16 children; /* child traces started from it */
	mbt_u32 frag;	/* an IPv4 fragment's id and protocol: frag_key_at() */
	/* When a hook last saw it, in units of 2^30 ns (about a second);
	 * 0 until the hook that added it has filled it in.  User space
	 * forgets entries long unseen (mbt_lx_sweep()). */
	mbt_u32 seen;
};

/* tracked.seen of a CLOCK_MONOTONIC time in ns. */
#define TRACKED_SEEN(ns) ((mbt_u32)((ns) >> 30))

/* Child traces one trace may start at most: a bridge's flood, a tap,
 * a datagram's fragments, a super-packet's segments. */
#define MAX_CHILDREN 64

/* A fragment or segment of a traced packet, with data of its own. */
#define TRACKED_MADE 0x1
/* A copy of a traced packet made before that was freed: a whole packet. */
#define TRACKED_REBUILT 0x2

#endif /* MBT_LINUX_TRACKED_H */
