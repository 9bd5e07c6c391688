/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The maps record.bpf.c and functions.bpf.c share: the loader hands the
 * first program's fds to the second, so both must define them alike.
 */
#ifndef MBT_LINUX_SHARED_MAPS_BPF_H
#define MBT_LINUX_SHARED_MAPS_BPF_H

#include "tracked.h"

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	/* LRU lists per CPU: an update takes no global lock. */
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct tracked);
} tracked SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} events SEC(".maps");

/*
 * Per CPU: the traced skb seen last, for hooks that have no skb (route
 * lookups, TCP's merged segments) and for its fragments and segments (record.bpf.c).
 * Function hops keep its times fresh (functions.bpf.c): under emulation a
 * thousand probed functions make the way to the next hook slow.
 */
struct current {
	__u64 trace_id, time_ns, skb, netns;
	__u32 daddr4;
	__u32 pad;
	__u8 daddr6[16];
	/*
	 * The last traced IPv4 packet that was not itself made from another:
	 * what its fragments and segments keep of it (made_from()).
	 */
	__u64 origin_id, origin_time_ns, origin_netns;
	__u32 saddr4, odaddr4, ports;
	__u16 id;
	__u8 proto, ofrag; /* ofrag: it is a fragment itself */
	__u32 oseq, olen;  /* TCP: its sequence number and payload length */
	__u32 ochildren;   /* fragments and segments made from it */
	__u32 ogso;	   /* it is a GSO packet: it has segments */
	/* The last traced packet consumed, for its rebuilds (rebuilt_from()). */
	__u64 gone_id, gone_time_ns, gone_netns;
	__u32 gone_digest, pad3;
	/* The traced skb in napi_gro_receive(), which may merge it. */
	__u64 gro_skb;
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct current);
} current SEC(".maps");

#endif /* MBT_LINUX_SHARED_MAPS_BPF_H */
