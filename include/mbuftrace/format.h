/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mbuf_trace wire format: the one contract between producers (the
 * FreeBSD kernel, the Linux eBPF backend) and consumers.  docs/format.md
 * explains every field; this header only names offsets, sizes and codes.
 *
 * Plain C with fixed-width types only, so that kernel code can include it.
 */
#ifndef MBUFTRACE_FORMAT_H
#define MBUFTRACE_FORMAT_H

/* A trace is the payload of one packet of this link type. */
#define MBT_DLT_USER0 147 /* DLT_USER0 == LINKTYPE_USER0 */

/*
 * v1 and v2: the prototype's layouts.  Records are stored newest first.
 *   v1: u16 count; count x { u16 len; len bytes of NUL-terminated text };
 *       the rest is the packet (Ethernet).  u16s in either byte order.
 *   v2: u16 BE count; count x { u16 BE len; u16 BE type; len bytes }.
 */
#define MBT_V2_TYPE_PACKET 0 /* bytes are an Ethernet frame */
#define MBT_V2_TYPE_STRING 1 /* bytes are NUL-terminated text */
/*
 * The early v2 layout (published 2026-01-02, replaced 2026-01-11): the same
 * framing with other type numbers.  docs/format.md says how the two are told
 * apart.
 */
#define MBT_V2_EARLY_TYPE_PACKET 1  /* bytes are an Ethernet frame */
#define MBT_V2_EARLY_TYPE_STRING 2  /* bytes are NUL-terminated text */
#define MBT_V2_EARLY_TYPE_STRING2 3 /* the same, by another type number */

/*
 * v3: a fixed header, then type-length-value records, oldest first, all
 * integers in network byte order, nothing aligned.  After trace_len bytes an
 * optional tail follows: the packet itself at the end of its life, of link
 * type tail_linktype, so a kernel can hand the packet to BPF without copying.
 */
#define MBT_V3_MAGIC0 0xfe
#define MBT_V3_MAGIC1 0xed
#define MBT_V3_MAGIC2 0x4d /* 'M' */
#define MBT_V3_MAGIC3 0x54 /* 'T' */
#define MBT_V3_VERSION 3

#define MBT_V3_HDR_LEN 48 /* minimum; readers honour a larger hdr_len */
#define MBT_V3_MAX_TRACE_LEN 65535 /* header + records, not the tail */

/* Header field offsets. */
#define MBT_V3_OFF_MAGIC 0	/* 4 bytes: fe ed 4d 54 */
#define MBT_V3_OFF_VERSION 4	/* u8: 3 */
#define MBT_V3_OFF_HDR_LEN 5	/* u8: header length in bytes, >= 48 */
#define MBT_V3_OFF_FLAGS 6	/* u16: MBT_V3_F_* */
#define MBT_V3_OFF_TRACE_LEN 8	/* u32: header + records */
#define MBT_V3_OFF_LOST 12	/* u32: records lost because full */
#define MBT_V3_OFF_TRACE_ID 16	/* u64: nonzero id of this trace */
#define MBT_V3_OFF_PARENT_ID 24 /* u64: trace copied from, or 0 */
#define MBT_V3_OFF_START_NS \
	32 /* u64: UNIX time of the start, ns; 0 = unknown */
#define MBT_V3_OFF_TAIL_LINKTYPE 40 /* u16: LINKTYPE_* of the tail */
#define MBT_V3_OFF_ORIGIN 42	    /* u8: MBT_ORIGIN_* */
#define MBT_V3_OFF_RESERVED 43	    /* 5 bytes: zero */

#define MBT_V3_F_LOST 0x0001	  /* records were lost: the trace was full */
#define MBT_V3_F_TRUNCATED 0x0002 /* a packet snapshot was cut to fit */

#define MBT_ORIGIN_UNKNOWN 0
#define MBT_ORIGIN_FREEBSD 1
#define MBT_ORIGIN_LINUX 2

/* Records and attributes share one shape: u16 type, u16 length, value. */
#define MBT_V3_TLV_HDR_LEN 4

/* Top-level record types. */
#define MBT_V3_REC_STRING 1 /* u16 id (>= 1), then UTF-8 bytes, no NUL */
#define MBT_V3_REC_EVENT 2  /* event head, then attributes */

/* An event's head: the first 12 bytes of an EVENT record's value. */
#define MBT_V3_EVENT_HEAD_LEN 12
#define MBT_V3_EV_OFF_KIND 0   /* u8: MBT_KIND_* */
#define MBT_V3_EV_OFF_DETAIL 1 /* u8: meaning depends on the kind */
#define MBT_V3_EV_OFF_CPU 2    /* u16: 0xffff = unknown */
#define MBT_V3_EV_OFF_TIME 4   /* u64: ns since start_ns; ~0 = unknown */
#define MBT_V3_CPU_UNKNOWN 0xffff
#define MBT_V3_TIME_UNKNOWN 0xffffffffffffffffULL

/* Event kinds. */
#define MBT_KIND_POINT 1   /* a place in the source; detail: MBT_POINT_* */
#define MBT_KIND_TEXT 2	   /* free text */
#define MBT_KIND_PACKET 3  /* a snapshot of the packet's bytes */
#define MBT_KIND_RULE 4	   /* a firewall rule matched; detail: MBT_VERDICT_* */
#define MBT_KIND_VERDICT 5 /* a decision; detail: MBT_VERDICT_* */
#define MBT_KIND_IFACE 6   /* the packet is now on another interface */
#define MBT_KIND_END 7	   /* end of life; detail: MBT_END_* */
#define MBT_KIND_ROUTE 8   /* a route lookup and its result */
#define MBT_KIND_COPY 9	   /* the packet was copied; the copy is a child */
#define MBT_KIND_MAX 16 /* 10 to 15: none here; 16 is MBT_KIND_STATE */

#define MBT_POINT_PLAIN 0
#define MBT_POINT_ENTER 1
#define MBT_POINT_LEAVE 2

#define MBT_VERDICT_NONE 0
#define MBT_VERDICT_PASS 1
#define MBT_VERDICT_DROP 2
#define MBT_VERDICT_REJECT 3
#define MBT_VERDICT_CONTINUE 4 /* evaluation goes on (jump, goto, count) */
#define MBT_VERDICT_QUEUE 5    /* handed elsewhere (divert, dummynet, queue) */
#define MBT_VERDICT_MAX 5

#define MBT_END_FREED 1	    /* freed without a known cause */
#define MBT_END_DELIVERED 2 /* queued to a socket */
#define MBT_END_SENT 3	    /* handed to a driver / left the host */
#define MBT_END_DROPPED 4   /* dropped; a REASON attribute says why */
#define MBT_END_CONSUMED 5  /* absorbed by the stack (e.g. reassembled) */
#define MBT_END_MAX 5

/* Attribute types, inside an EVENT after its head. */
#define MBT_ATTR_SRC 1	 /* u16 file string, u16 function string, u32 line */
#define MBT_ATTR_TEXT 2	 /* UTF-8 bytes, no NUL */
#define MBT_ATTR_IFACE 3 /* u32 ifindex, u16 name string (0 = none) */
#define MBT_ATTR_NS 4	 /* u64 stack instance id, u16 name string (0 = none) */
#define MBT_ATTR_PACKET 5 /* u16 LINKTYPE_*, u32 original length, bytes */
#define MBT_ATTR_RULE \
	6 /* u8 MBT_FW_*, u8 0, u16 table/chain string, u64 number */
#define MBT_ATTR_REASON 7 /* u32 code, u16 name string (0 = none) */
#define MBT_ATTR_ROUTE \
	8 /* u32 table, u32 out ifindex, i32 error, u8 family, gateway */
#define MBT_ATTR_TRACE 9 /* u64 the related trace id (COPY: the child's) */
#define MBT_ATTR_HOST \
	10 /* u16 host name string; optionally i64 clock offset, u64 its error */
#define MBT_ATTR_VALUES 11 /* typed values: { u16 key, u8 type, u8 len, len } */

#define MBT_ATTR_SRC_LEN 8
#define MBT_ATTR_IFACE_LEN 6
#define MBT_ATTR_NS_LEN 10
#define MBT_ATTR_PACKET_HEAD_LEN 6
#define MBT_ATTR_RULE_LEN 12
#define MBT_ATTR_REASON_LEN 6
#define MBT_ATTR_ROUTE_HEAD_LEN 13 /* gateway: 0, 4 or 16 bytes follow */
#define MBT_ATTR_TRACE_LEN 8
#define MBT_ATTR_HOST_LEN 2
#define MBT_ATTR_HOST_CLOCK_LEN 18 /* with the clock offset and its error */
#define MBT_CLOCK_UNBOUNDED 0xffffffffffffffffULL /* error not known */
#define MBT_VALUE_HDR_LEN 4 /* one value of VALUES: u16 key, u8 type, u8 len */

/* The type of one value of a VALUES attribute, and the lengths it may have. */
#define MBT_VT_INT 1	/* signed, network byte order: 1, 2, 4 or 8 bytes */
#define MBT_VT_STRING 2 /* u16 string id (2 bytes) */
#define MBT_VT_ADDR 3	/* an IPv4 (4 bytes) or IPv6 (16 bytes) address */

/*
 * Keys of values: what a value is.  Each has one type; docs/format.md says
 * what each means.  Readers keep a key they do not know, by its number.
 */
#define MBT_VAL_RETURN 1       /* INT: what a function returned */
#define MBT_VAL_RETURN_NAME 2  /* STRING: the origin's name of it (EINVAL) */
#define MBT_VAL_RC 3	       /* INT: the return code the point reports */
#define MBT_VAL_DEV_KIND 4     /* STRING: the device's kind (veth) */
#define MBT_VAL_QDISC_HANDLE 5 /* INT: major << 16 | minor */
#define MBT_VAL_ICMP_TYPE 6    /* INT: the ICMP type sent */
#define MBT_VAL_ICMP_CODE 7    /* INT: its code */
#define MBT_VAL_NEIGH_ADDR 8   /* ADDR: the neighbour's address */
#define MBT_VAL_NEIGH_STATE 9  /* INT: NUD_* bits (Linux) */
#define MBT_VAL_NEIGH_QUEUED 10 /* INT: 1 queued until it resolves, 0 sent */
#define MBT_VAL_SOCK_TAP 11    /* INT: 1: a packet socket (a capture tap) */
#define MBT_VAL_SOCK_TYPE 12   /* INT: 1 stream, 2 datagram, 3 raw */
#define MBT_VAL_RCVQ_FULL 13   /* INT: 1: the socket's receive queue was full */
#define MBT_VAL_GRO_MERGED 14  /* INT: the gro_result that merged it */
#define MBT_VAL_BYTES 15       /* INT: bytes read by the application */
#define MBT_VAL_PID 16	       /* INT: the process (thread-group id) */
#define MBT_VAL_COPY_HOW 17    /* INT: MBT_COPY_* */
#define MBT_VAL_SEEN_AT 18     /* STRING: the point a copy was first seen at */
#define MBT_VAL_ROUTE_NEXT 19  /* INT: 1: no match, on to the next rule */
#define MBT_VAL_MAX 19

/* How a copy was made, for MBT_VAL_COPY_HOW. */
#define MBT_COPY_SHARED 0   /* a new skb sharing its data */
#define MBT_COPY_SEGMENT 1  /* a fragment or segment made from it */
#define MBT_COPY_BEFORE_FREE 2 /* a copy made before it was freed */

/* Firewalls and other rule engines, for MBT_ATTR_RULE. */
#define MBT_FW_OTHER 0
#define MBT_FW_IPFW 1
#define MBT_FW_PF 2
#define MBT_FW_NFTABLES 3
#define MBT_FW_IPTABLES 4
#define MBT_FW_NETGRAPH 5
#define MBT_FW_MAX 5

/* Link types of snapshots and tails (pcap LINKTYPE_* numbers). */
#define MBT_LINKTYPE_NULL 0 /* BSD loopback: host-order u32 family */
#define MBT_LINKTYPE_ETHERNET 1
#define MBT_LINKTYPE_RAW 101  /* IPv4 or IPv6, by the version nibble */
#define MBT_LINKTYPE_LOOP 108 /* OpenBSD loopback: network-order u32 family */
#define MBT_LINKTYPE_LINUX_SLL 113
#define MBT_LINKTYPE_IPV4 228
#define MBT_LINKTYPE_IPV6 229
#define MBT_LINKTYPE_NONE 0xffff /* no tail */

/*
 * FreeBSD firewall state and FIBs (issue 15).  Numbered from 16, apart
 * from the Linux connection-tracking codes added in the same round, so
 * the two sets never collide.
 *
 * A STATE event: a firewall created or matched a connection's state (pf's
 * state, ipfw's dynamic rule); a RULE attribute names the engine and the
 * rule that made the state, a FLOW attribute holds its key.
 */
#define MBT_KIND_STATE 16 /* detail: MBT_STATE_* */
#define MBT_STATE_CREATED 1 /* this packet made the state */
#define MBT_STATE_MATCHED 2 /* this packet belongs to an existing state */
#define MBT_STATE_MAX 2
#define MBT_ATTR_FLOW \
	16 /* u8 family, u8 proto, u8 dir, u8 0, u16 sport, u16 dport, src, dst */
#define MBT_ATTR_FLOW_HEAD_LEN 8 /* then 4+4 (family 4) or 16+16 (6) */
#define MBT_DIR_UNKNOWN 0
#define MBT_DIR_IN 1  /* the state was made by an inbound packet */
#define MBT_DIR_OUT 2 /* ... by an outbound one */
/* ROUTE's detail byte: what its table number is. */
#define MBT_ROUTE_TABLE 0 /* a routing table id (Linux), or not said */
#define MBT_ROUTE_FIB 1	  /* a FreeBSD FIB number (setfib(1)) */

#endif /* MBUFTRACE_FORMAT_H */
