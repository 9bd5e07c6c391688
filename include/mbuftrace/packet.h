/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Describing packet snapshots for people: a one-line summary in the manner of
 * tcpdump, and what changed between two snapshots of the same packet.
 */
#ifndef MBUFTRACE_PACKET_H
#define MBUFTRACE_PACKET_H

#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

/*
 * Summarise a packet of the given pcap LINKTYPE_* (Ethernet, VLAN-tagged
 * Ethernet, raw IPv4/IPv6, BSD/OpenBSD loopback, Linux SLL): ARP, IPv4, IPv6,
 * ICMP, ICMPv6, TCP, UDP with addresses, ports, protocol and length, e.g.
 * "IP 10.0.0.1 > 10.0.0.2: ICMP echo request, id 17834, seq 0, length 64".
 * caplen bytes are present, wirelen is the length on the wire.  Truncated
 * headers are said ("[|tcp]"), never read past caplen.  Writes at most size
 * bytes including the NUL; returns the length written (without the NUL).
 */
size_t mbt_packet_summary(uint16_t linktype, const uint8_t *pkt, size_t caplen,
    size_t wirelen, char *out, size_t size);

/*
 * Say what changed from snapshot a to snapshot b of one packet, in header
 * fields people care about: addresses, ports, TTL / hop limit, length, VLAN,
 * MACs (a field is compared only when both snapshots
 * have it, so losing the Ethernet header is not a change), e.g. "ttl 64 -> 63, src 10.0.0.1 -> 192.0.2.1".
 * Returns 0 and writes "" when nothing they show differs.
 */
size_t mbt_packet_diff(uint16_t lt_a, const uint8_t *a, size_t alen,
    uint16_t lt_b, const uint8_t *b, size_t blen, char *out, size_t size);

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_PACKET_H */
