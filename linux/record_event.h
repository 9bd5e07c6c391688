/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one record the eBPF programs send to user space through the ring
 * buffer, shared by linux/record.bpf.c and the assembler.  User space trusts
 * none of it: linux/assemble.c checks size, version and every length first.
 */
#ifndef MBT_LINUX_RECORD_EVENT_H
#define MBT_LINUX_RECORD_EVENT_H

#ifndef __bpf__
#include <stdint.h>
typedef uint8_t mbt_u8;
typedef uint16_t mbt_u16;
typedef uint32_t mbt_u32;
typedef int32_t mbt_s32;
typedef uint64_t mbt_u64;
#else
typedef __u8 mbt_u8;
typedef __u16 mbt_u16;
typedef __u32 mbt_u32;
typedef __s32 mbt_s32;
typedef __u64 mbt_u64;
#endif

/* Bump when the layout changes; the assembler refuses other versions. */
#define MBT_LX_EVENT_VERSION 2

/*
 * Where the event was made: MBT_LX_P_<CODE> of linux/points.h, the one
 * table of points.  What the event's fields hold at some of them:
 *  SK_DATA_READY: value = the socket's family << 8 | its type: AF_PACKET
 *    (17) is a capture tap's, SOCK_RAW (3) a raw socket's.
 *  COPY: the traced packet was copied: a new skb sharing its data (reason
 *    0), a fragment or segment of it (reason 1), or a copy of it made
 *    before it was freed (reason 2), was seen; related_id = the copy's
 *    trace, value = the point it was seen at.
 *  NEIGH: the packet waits for its next hop's link address: value = the
 *    neighbour's NUD_* state, reason = 1 (queued until it resolves),
 *    family and gw = the neighbour's address.
 *  GRO_RECEIVE: the packet entered GRO (napi_gro_receive); with
 *    MBT_LX_F_END, GRO merged it into the one before it of its flow
 *    (value = the gro_result): it is that packet's data now.
 *  UNSEEN_FREE: always with MBT_LX_F_END: the traced skb's address holds
 *    another packet (linux/identity.bpf.h), so the traced packet was freed
 *    where no hook saw it.  value = the point the other packet was seen
 *    at; nothing else is known (the assembler places it where the packet
 *    was last seen).  From functions.bpf.c: freed by the function at
 *    location, which no tracepoint marks.
 *  FUNCTION: linux/functions.bpf.c: location = the function.
 *  FUNCTION_RETURN: a function returned: location = the function, value =
 *    what it returned (sent only when that says error or drop).
 */
#include "points.h"

enum mbt_lx_point {
#define MBT_LX_POINT_ENUM(code, number, ...) MBT_LX_P_##code = number,
	MBT_LX_POINTS(MBT_LX_POINT_ENUM)
#undef MBT_LX_POINT_ENUM
	MBT_LX_P_MAX = MBT_LX_P_FUNCTION_RETURN,
};

/* flags */
#define MBT_LX_F_START 0x1 /* the first event of its trace */
#define MBT_LX_F_END 0x2   /* the last: the skb was freed or left the host */
#define MBT_LX_F_KIND_LEN 8

/* The largest snapshot an event carries; -s is capped to it. */
#define MBT_LX_SNAP_MAX 1024

/*
 * Fixed part of an event, followed by snap_len bytes of packet.  Fields a
 * point does not fill are zero.  Sizes are multiples of 8 so the layout is
 * the same for clang -target bpf and the host compiler.
 */
struct mbt_lx_event {
	mbt_u16 size;	/* bytes of the whole event, snapshot included */
	mbt_u8 version; /* MBT_LX_EVENT_VERSION */
	mbt_u8 point;	/* enum mbt_lx_point */
	mbt_u16 cpu;
	mbt_u16 snap_len; /* packet bytes after the fixed part */
	mbt_u64 time_ns;  /* bpf_ktime_get_ns(): CLOCK_MONOTONIC */
	mbt_u64 trace_id; /* nonzero, one per traced skb */
	mbt_u64 netns;	  /* inode of the network namespace; 0 = unknown */
	mbt_u32 ifindex;  /* 0 = no device */
	mbt_u32 flags;	  /* MBT_LX_F_* */
	char ifname[16];  /* NUL-padded, not always NUL-terminated; of
			   * a route lookup (ifindex 0): oif's */
	char kind[MBT_LX_F_KIND_LEN]; /* qdisc kind, device link kind */
	mbt_u32 pkt_len;	      /* skb->len */
	mbt_u32 snap_orig;     /* the snapshot's packet length from its start */
	mbt_u32 mark;	       /* skb->mark */
	mbt_u16 protocol;      /* skb->protocol, network byte order */
	mbt_u16 snap_linktype; /* MBT_LINKTYPE_* of the snapshot */
	mbt_u32 reason;	       /* kfree_skb: enum skb_drop_reason */
	mbt_s32 value;	       /* xmit rc, route error, icmp type << 8 | code */
	mbt_u32 table;	       /* route table; qdisc handle */
	mbt_u32 oif;	       /* route output interface */
	mbt_u8 family;	       /* route gateway family: 0, 4 or 6 */
	mbt_u8 end;	       /* MBT_END_* when flags has MBT_LX_F_END */
	mbt_u16 lost;	  /* events of this trace lost just before this one */
	mbt_u32 pid;	  /* the current task's thread-group id */
	mbt_u8 gw[16];	  /* route gateway */
	mbt_u64 location; /* kfree_skb: address in the freeing function */
	/* A copy's first event: the trace it was copied from; COPY: the
	 * copy's trace.  0 otherwise. */
	mbt_u64 related_id;
};

#define MBT_LX_EVENT_LEN 136 /* sizeof(struct mbt_lx_event), checked */

/* The start points user space selects; rodata of the BPF object. */
#define MBT_LX_MAX_IFACES 8
struct mbt_lx_iface_match {
	mbt_u64 netns; /* inode; 0 = any namespace */
	char name[16];
};

/*
 * Everything the loader sets in record.bpf.c between open and load: one
 * struct in rodata (`cfg`), which the verifier sees as constants, so that
 * code for options not given is pruned.
 */
struct mbt_lx_bpf_config {
	mbt_u32 snaplen;
	mbt_u32 filter_len;   /* classic BPF instructions; 0 = all */
	mbt_u32 filter_link;  /* 1: the filter reads Ethernet frames */
	mbt_u32 filter_bytes; /* bytes of the packet the filter can read */
	mbt_u32 n_ifaces;
	mbt_u32 want_mark, mark_value, mark_mask;
	mbt_u32 want_nftrace;
	mbt_u32 want_pid, pid_value;
	/* Our own process: what it sends (our output, over ssh) is never
	 * traced. */
	mbt_u32 self_pid;
	/* Before 6.3 the consume_skb tracepoint had no location. */
	mbt_u32 consume_has_location;
	mbt_u32 pad;
	struct mbt_lx_iface_match ifaces[MBT_LX_MAX_IFACES];
};

/* The counters of record.bpf.c's per-CPU map `stats`, summed by user
 * space for the summary. */
enum mbt_lx_stat {
	MBT_LX_STAT_STARTED, /* traces started */
	MBT_LX_STAT_EVENTS,  /* events sent */
	MBT_LX_STAT_LOST,    /* events the ring buffer had no room for */
	MBT_LX_STAT_MAX,
};

/*
 * The bytes a hook hands to the translated filter (linux/cbpf_to_ebpf.c),
 * and its answer; the value of a one-entry per-CPU array.
 */
#define MBT_LX_FILTER_BYTES 256
struct mbt_lx_filter_in {
	mbt_u8 pkt[MBT_LX_FILTER_BYTES];
	mbt_u32 caplen;	 /* bytes of pkt present */
	mbt_u32 wirelen; /* the packet's length from the same header */
	mbt_u32 result;	 /* set by the filter: 1 = match */
	mbt_u32 pad;
	mbt_u64 start_skb; /* set by the filter: the skb it matched */
	/* Never written: a verifier that bounds a copy into pkt by a mask
	 * (2 * MBT_LX_FILTER_BYTES) needs it inside the value. */
	mbt_u8 room[MBT_LX_FILTER_BYTES];
};

/* One classic BPF instruction, as struct bpf_insn of <pcap/bpf.h>. */
struct mbt_cbpf_insn {
	mbt_u16 code;
	mbt_u8 jt, jf;
	mbt_u32 k;
};

#endif /* MBT_LINUX_RECORD_EVENT_H */
