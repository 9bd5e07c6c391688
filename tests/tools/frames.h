/* SPDX-License-Identifier: BSD-2-Clause */
/* Builders of small, correct Ethernet/IP frames for sample captures. */
#ifndef MBT_TEST_FRAMES_H
#define MBT_TEST_FRAMES_H

#include <stddef.h>
#include <stdint.h>

enum { FRAME_MAX = 256 };

struct frame {
	uint8_t b[FRAME_MAX];
	size_t len;
};

/* Ethernet + IPv4 + ICMP echo request (type 8) or reply (0), 56 data bytes. */
void frame_icmp_echo(struct frame *f, const char *src, const char *dst,
    uint8_t ttl, uint8_t type, uint16_t id, uint16_t seq);
/* Ethernet + IPv4 + UDP with a payload of paylen bytes. */
void frame_udp(struct frame *f, const char *src, const char *dst,
    uint16_t sport, uint16_t dport, uint8_t ttl, size_t paylen);
/* Ethernet + IPv4 + TCP SYN. */
void frame_tcp_syn(struct frame *f, const char *src, const char *dst,
    uint16_t sport, uint16_t dport, uint8_t ttl);
/* Ethernet + IPv6 + ICMPv6 echo request. */
void frame_icmp6_echo(struct frame *f, const char *src, const char *dst,
    uint8_t hlim, uint16_t id, uint16_t seq);
/* Ethernet ARP request: who has tpa, tell spa. */
void frame_arp_request(struct frame *f, const char *spa, const char *tpa);
/* Give an Ethernet + IPv4 frame another IP id (and a checksum to match). */
void frame_set_ip_id(struct frame *f, uint16_t id);
/* Drop the Ethernet header: the same packet as raw IP. */
void frame_strip_ethernet(const struct frame *in, struct frame *out);

#endif /* MBT_TEST_FRAMES_H */
