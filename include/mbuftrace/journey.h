/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Journeys: traces of one packet recorded on several hosts, joined by what
 * survives the wire, with the hosts' clock offsets solved from the joins,
 * so that `mbuftrace merge` (and the commands that read several captures)
 * show one path across machines on one clock.
 */
#ifndef MBUFTRACE_JOURNEY_H
#define MBUFTRACE_JOURNEY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbuftrace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * What a packet looks like on one wire: the fields the sender's last
 * snapshot and the receiver's first have in common.  Addresses, ports and
 * ICMP ids are taken as they are on that wire (after NAT on the sender,
 * before NAT on the receiver), and so are the TTL and the IP id.  MACs,
 * checksums and VLAN tags are left out: a NIC or a switch may change them.
 */
#define MBT_WIRE_PAYLOAD 32 /* payload bytes compared, when both have them */
struct mbt_wire_id {
	uint8_t ver, proto, ttl; /* ver 4 or 6 */
	uint8_t src[16], dst[16];
	uint32_t totlen; /* IP length: both ends of a wire agree on it */
	uint16_t ip_id;	 /* IPv4 only */
	bool frag;
	uint32_t frag_id, frag_off;
	bool l4;	      /* the transport fields below were captured */
	uint16_t sport, dport; /* TCP, UDP; ICMP type/code and echo id */
	uint32_t seq, ack;     /* TCP; ICMP echo sequence in seq */
	uint16_t payload_len;  /* bytes in payload (at most MBT_WIRE_PAYLOAD) */
	uint8_t payload[MBT_WIRE_PAYLOAD];
};

/* false when the snapshot holds no IP header to know the packet by. */
bool mbt_wire_id_get(uint16_t linktype, const uint8_t *pkt, size_t caplen,
    size_t wirelen, struct mbt_wire_id *id);
/* Are they the same packet on one wire?  Payloads: their common prefix. */
bool mbt_wire_id_same(const struct mbt_wire_id *a, const struct mbt_wire_id *b);
/* "ICMP 10.0.1.1 > 10.0.3.3 ttl 64 id 0x1c46 echo 7/1" (like snprintf). */
size_t mbt_wire_id_text(const struct mbt_wire_id *id, char *buf, size_t size);

#define MBT_HOST_NAME 64

/* One host's trace, as read from its capture. */
struct mbt_hop {
	size_t host;
	uint64_t frame; /* in its capture, from 1 */
	uint8_t *bytes; /* owned; t points into it */
	uint32_t caplen, wirelen;
	struct mbt_trace t;
	bool timed;	    /* first_ns/last_ns come from the trace's clock */
	int64_t first_ns;   /* arrival (its first record), the host's clock */
	int64_t last_ns;    /* its end, the host's clock */
	bool has_in, has_out;
	struct mbt_wire_id in, out; /* first and last snapshot (or tail) */
	size_t prev, next;	    /* joined hops; SIZE_MAX: none */
};

struct mbt_host {
	char name[MBT_HOST_NAME];
	bool solved;	  /* offset known relative to ref */
	size_t ref;	  /* the host whose clock this one is put on */
	int64_t offset_ns; /* added to this host's times */
	uint64_t error_ns; /* MBT_CLOCK_UNBOUNDED when one-sided */
	bool inconsistent; /* the joins contradict each other */
};

/* What the joins said about the clocks of hosts a < b: off_b - off_a. */
struct mbt_clock_link {
	size_t a, b;
	bool has_lo, has_hi;
	int64_t lo, hi; /* lo <= off_b - off_a <= hi */
	size_t npairs;
};

/* Packets that cannot be told apart: one hop, the others it could be. */
#define MBT_REFUSAL_SHOWN 8
struct mbt_refusal {
	size_t hop;    /* the hop that had several candidates */
	bool leaving;  /* its exit matched several arrivals, else its */
		       /* arrival matched several exits */
	size_t nothers; /* how many; the first MBT_REFUSAL_SHOWN are in: */
	size_t others[MBT_REFUSAL_SHOWN];
};

struct mbt_journeys {
	struct mbt_host *hosts;
	size_t nhosts;
	struct mbt_hop *hops;
	size_t nhops, hops_cap;
	struct mbt_clock_link *links;
	size_t nlinks;
	struct mbt_refusal *refusals;
	size_t nrefusals;
	size_t pairs; /* joins made */
};

void mbt_journeys_init(struct mbt_journeys *j);
void mbt_journeys_free(struct mbt_journeys *j);
/* A new host; returns its index or -ENOMEM. */
long mbt_journeys_host(struct mbt_journeys *j, const char *name);
/*
 * A packet of host's capture: its bytes are copied and decoded.  ts_ns is
 * its capture time (when the trace was emitted), used when the trace
 * itself has no clock (v1, v2).  Returns 0 or -ENOMEM.
 */
int mbt_journeys_add(struct mbt_journeys *j, size_t host, uint64_t frame,
    int64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wirelen);
/* Join the hops and solve the clocks.  Returns 0 or -ENOMEM. */
int mbt_journeys_solve(struct mbt_journeys *j);

/* A hop's time on the journey's one clock. */
int64_t mbt_hop_time(
    const struct mbt_journeys *j, const struct mbt_hop *h, int64_t ns);

/*
 * Encode the journey that starts at hop first (a hop without prev) as one
 * v3 trace: each hop's records, each naming its host, on one clock; where
 * a host's part starts, an IFACE event with the host's clock offset and its
 * own trace id; a tail that is not the last hop's becomes a snapshot.
 * Writes the trace and the last hop's tail into buf (at least
 * MBT_V3_MAX_TRACE_LEN + 65535 bytes).
 */
struct mbt_journey_out {
	uint32_t caplen, wirelen; /* of what was written */
	int64_t start_ns, end_ns; /* on the one clock */
	size_t nhops;
};
/* 0, -ENOSPC (too big for one trace) or -EINVAL (a hop is broken). */
int mbt_journey_encode(const struct mbt_journeys *j, size_t first,
    uint8_t *buf, size_t cap, struct mbt_journey_out *out);
#define MBT_JOURNEY_BUF (MBT_V3_MAX_TRACE_LEN + 65536)

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_JOURNEY_H */
