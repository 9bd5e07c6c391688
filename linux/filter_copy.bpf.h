/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The bytes a link-layer filter reads, when the hooks interpret it (the
 * kernel refused its translation): the same as the translated program's
 * prologue copies (linux/cbpf_to_ebpf.c).  An IP packet with no Ethernet
 * header just before its network header (one this host sends, before its
 * link header is made; one on a tun or IP tunnel device) gets one made
 * up: zero addresses, its protocol as the type, so that the filter's IP
 * terms mean what they say and its link-layer terms never match.
 * Included by record.bpf.c after copy_packet().
 */
#ifndef MBT_LINUX_FILTER_COPY_BPF_H
#define MBT_LINUX_FILTER_COPY_BPF_H

#define FILTER_ETH_HEADER 14

/* An Ethernet header: the network header, or the data not yet pulled
 * past it, follows it. */
static __always_inline bool
has_ethernet_header(struct sk_buff *skb)
{
	__u16 mac = skb->mac_header, net = skb->network_header;
	__u32 data_off = skb->data - skb->head;

	return mac != MAC_HEADER_UNSET &&
	       ((__u32)mac + FILTER_ETH_HEADER == net ||
		   (__u32)mac + FILTER_ETH_HEADER == data_off);
}

/*
 * As copy_packet(), into the filter's bytes (MBT_LX_FILTER_BYTES, with as
 * much room after them: the made-up header's 14 bytes ahead of a copy
 * bounded by the power of two copy_packet() masks with stay inside the
 * map's value); max is at least MBT_EBPF_LINK_MIN_BYTES.
 */
static __always_inline __u32
filter_copy(struct sk_buff *skb, bool link, __u8 *buf, __u32 max, __u32 *orig)
{
	__u16 lt, proto = skb->protocol;
	__u32 n;

	if (!link || has_ethernet_header(skb))
		return copy_packet(
		    skb, link, buf, MBT_LX_FILTER_BYTES, max, orig, &lt);
	if (max <= FILTER_ETH_HEADER)
		return 0;
	n = copy_packet(skb, false, buf + FILTER_ETH_HEADER,
	    MBT_LX_FILTER_BYTES, max - FILTER_ETH_HEADER, orig, &lt);
	if (n == 0)
		return 0;
	__builtin_memset(buf, 0, 12);
	__builtin_memcpy(buf + 12, &proto, 2);
	*orig += FILTER_ETH_HEADER;
	return n + FILTER_ETH_HEADER;
}

#endif /* MBT_LINUX_FILTER_COPY_BPF_H */
