/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Is the skb a hook sees the packet a trace follows, or another packet
 * that got the same address?  An sk_buff is freed where no hook sees it
 * (TCP frees a pure ACK so, GRO a merged segment, a socket what it read)
 * and the slab hands its address, often with the same data buffer, to
 * the next packet.  An address alone follows that packet on.
 *
 * The identity is what stays of a packet from hop to hop and differs
 * between two packets: the IPv4 id and fragment field, TCP's sequence and
 * acknowledgement numbers and its SYN/RST/ACK flags, UDP's length, ICMP's
 * type, code and sequence, IPv6's flow label, and ARP's whole header.
 * Forwarding (TTL, checksums, ECN), NAT (addresses, ports, ICMP ids) and
 * GRO (lengths, PSH and FIN) change none of it.  A tunnel moves the
 * network header: the packet is the same if the identity is where its
 * inner header is now, or still where its header was.
 *
 * Shared by record.bpf.c and functions.bpf.c; needs vmlinux.h and
 * shared_maps.bpf.h first.
 */
#ifndef MBT_LINUX_IDENTITY_BPF_H
#define MBT_LINUX_IDENTITY_BPF_H

#define ID_ETH_P_IP_BE 0x0008	/* htons(0x0800) */
#define ID_ETH_P_IPV6_BE 0xdd86 /* htons(0x86dd) */
#define ID_ETH_P_ARP_BE 0x0608	/* htons(0x0806) */

/*
 * The bytes the functions below read: in a map, not on the stack, which
 * the hooks that call them fill nearly to the verifier's limit.
 */
struct id_bytes {
	__u32 w[7];
	__u32 th[4];
	__u8 ip[20];
};

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct id_bytes);
} id_bytes SEC(".maps");

static __always_inline struct id_bytes *
get_id_bytes(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&id_bytes, &zero);
}

static __always_inline __u32
id_mix(__u32 h, __u32 w)
{
	return (h ^ w) * 16777619u; /* FNV-1a, a word at a time */
}

/* The transport's part: TCP, UDP, ICMP(v6); 0 for the rest. */
static __noinline __u32
id_transport(const unsigned char *th, __u8 proto)
{
	struct id_bytes *b = get_id_bytes();
	__u32 *w;

	if (!b || bpf_probe_read_kernel(b->th, sizeof(b->th), th) != 0)
		return 0;
	w = b->th;
	switch (proto) {
	case 6: /* TCP: seq, ack_seq, flags SYN RST ACK URG */
		return id_mix(id_mix(w[1], w[2]), w[3] & bpf_htonl(0x00360000));
	case 17: /* UDP: its length */ return w[1] & bpf_htonl(0xffff0000);
	case 1:	 /* ICMP */
	case 58: /* ICMPv6: type, code, an echo's sequence */
		return id_mix(
		    w[0] & bpf_htonl(0xffff0000), w[1] & bpf_htonl(0x0000ffff));
	}
	return 0;
}

/*
 * The identity of the IP packet whose header is at p (by its version),
 * or of the ARP message there (arp); 0 when there is neither.
 */
static __noinline __u32
packet_ident_at(const unsigned char *p, int arp)
{
	struct id_bytes *b = get_id_bytes();
	__u32 h = 2166136261u, *w;
	__u8 v, proto;

	if (!b)
		return 0;
	w = b->w;
	if (arp) {
		if (bpf_probe_read_kernel(w, 28, p) != 0)
			return 0;
		for (int i = 0; i < 7; i++)
			h = id_mix(h, w[i]);
		return h | 1;
	}
	if (bpf_probe_read_kernel(w, 4, p) != 0)
		return 0;
	v = *(__u8 *)w >> 4;
	if (v == 4) {
		__u8 ihl = *(__u8 *)w & 0xf;

		if (ihl < 5 || bpf_probe_read_kernel(w, 20, p) != 0)
			return 0;
		/* id and fragment field; protocol */
		h = id_mix(id_mix(h, w[1]), w[2] & bpf_htonl(0x00ff0000));
		/* A later fragment has no transport header. */
		if (!(w[1] & bpf_htonl(0x1fff))) {
			proto = ((__u8 *)w)[9];
			h = id_mix(h, id_transport(p + ihl * 4, proto));
		}
		return h | 1;
	}
	if (v == 6) {
		if (bpf_probe_read_kernel(w, 8, p) != 0)
			return 0;
		/* flow label; next header */
		h = id_mix(id_mix(h, w[0] & bpf_htonl(0x000fffff)),
		    w[1] & bpf_htonl(0x0000ff00));
		proto = ((__u8 *)w)[6];
		h = id_mix(h, id_transport(p + 40, proto));
		return h | 1;
	}
	return 0;
}

/*
 * Does the IP header at p carry a tunnel: IPIP, IPv6 in IPv4, GRE, or
 * UDP to VXLAN's or Geneve's port?
 */
static __noinline int
tunnel_at(const unsigned char *p)
{
	struct id_bytes *b = get_id_bytes();
	__u16 dport = 0;
	__u8 *ip;

	if (!b)
		return 0;
	ip = b->ip;
	if (bpf_probe_read_kernel(ip, 20, p) != 0 || ip[0] >> 4 != 4)
		return 0;
	if (ip[9] == 4 || ip[9] == 41 || ip[9] == 47)
		return 1;
	if (ip[9] != 17 ||
	    bpf_probe_read_kernel(&dport, 2, p + (ip[0] & 0xf) * 4 + 2) != 0)
		return 0;
	dport = bpf_ntohs(dport);
	return dport == 4789 || dport == 8472 || dport == 6081;
}

/*
 * The IPv4 id and protocol of the header at p, when that is a fragment
 * (or with any, whatever it is); 0 otherwise.  Reassembly turns the last
 * fragment's skb into the whole datagram, which keeps them.
 */
static __noinline __u32
frag_key_at(const unsigned char *p, int any)
{
	struct id_bytes *b = get_id_bytes();
	__u8 *ip;

	if (!b)
		return 0;
	ip = b->ip;
	if (bpf_probe_read_kernel(ip, 10, p) != 0 || ip[0] >> 4 != 4 ||
	    (!any && !(ip[6] & 0x3f) && !ip[7]))
		return 0;
	return (__u32)ip[4] << 24 | (__u32)ip[5] << 16 | (__u32)ip[9] << 8 | 1;
}

/* The identity of skb's packet where its network header is now. */
static __always_inline __u32
packet_ident(struct sk_buff *skb)
{
	__u16 proto = BPF_CORE_READ(skb, protocol);
	unsigned char *head = BPF_CORE_READ(skb, head);

	if (proto != ID_ETH_P_IP_BE && proto != ID_ETH_P_IPV6_BE &&
	    proto != ID_ETH_P_ARP_BE)
		return 0;
	return packet_ident_at(head + BPF_CORE_READ(skb, network_header),
	    proto == ID_ETH_P_ARP_BE);
}

/*
 * Is skb the packet of t?  Unsure (no identity then or now) counts as
 * yes.  On yes, t keeps skb's identity for the next hop.
 */
static __always_inline bool
same_packet(struct sk_buff *skb, struct tracked *t)
{
	__u32 now = packet_ident(skb);
	unsigned char *head = BPF_CORE_READ(skb, head);
	__u16 nh = BPF_CORE_READ(skb, network_header);

	if (now == 0 || t->ident == 0 || now == t->ident) {
		if (now != 0)
			goto moved;
		return true;
	}
	/* A fragment reassembled into the datagram. */
	if (t->frag != 0 && frag_key_at(head + nh, 1) == t->frag)
		goto moved;
	/* Encapsulated: the header it had is the inner one now. */
	if (BPF_CORE_READ_BITFIELD_PROBED(skb, encapsulation) &&
	    packet_ident_at(head + BPF_CORE_READ(skb, inner_network_header),
		false) == t->ident)
		goto moved;
	/*
	 * Decapsulated: the tunnel's header is still where it was, before
	 * the inner one.  (Not any header: a buffer freed unseen and given
	 * to a new packet still holds the old packet's bytes.)
	 */
	if ((__u64)head == t->head && nh > t->nh && tunnel_at(head + t->nh) &&
	    packet_ident_at(head + t->nh, false) == t->ident)
		goto moved;
	return false;
moved:
	t->ident = now;
	t->nh = nh;
	t->frag = frag_key_at(head + nh, 0);
	return true;
}

#endif /* MBT_LINUX_IDENTITY_BPF_H */
