/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A traced packet entering a bridge port: netif_receive_skb on a device
 * that is a port of a Linux bridge, just before the bridge's rx handler
 * (br_handle_frame) takes it.  The event says the port's STP state, which
 * decides whether the bridge forwards, only learns from, or drops what
 * the port receives.  What the bridge then did (forwarded to one port,
 * flooded, passed up, dropped) is not a hook here: the assembler infers
 * it from the events that follow (linux/assemble_bridge.c).
 *
 * The bridge may be a module, absent from the vmlinux.h this is built
 * with: its port is read through a local CO-RE flavour, and not at all
 * on a kernel without it.  Included by record.bpf.c after its
 * netif_receive_skb program.
 */
#ifndef MBT_LINUX_BRIDGE_BPF_H
#define MBT_LINUX_BRIDGE_BPF_H

struct net_bridge_port___mbt {
	__u8 state; /* BR_STATE_*: the port's STP state */
} __attribute__((preserve_access_index));

/* A program of its own on netif_receive_skb, attached after the hook's
 * (which has started or continued the trace by then). */
SEC("tp_btf/netif_receive_skb")
int
BPF_PROG(bridge_port, struct sk_buff *skb)
{
	struct net_device *dev = skb->dev;
	struct net_bridge_port___mbt *port;
	__u64 flags;

	if (ntracked == 0 || !dev ||
	    !bpf_core_type_exists(struct net_bridge_port___mbt) ||
	    !bpf_core_enum_value_exists(
		enum netdev_priv_flags, IFF_BRIDGE_PORT))
		return 0;
	flags = BPF_CORE_READ_BITFIELD_PROBED(dev, priv_flags);
	if (!(flags &
		bpf_core_enum_value(enum netdev_priv_flags, IFF_BRIDGE_PORT)))
		return 0;
	port =
	    (struct net_bridge_port___mbt *)BPF_CORE_READ(dev, rx_handler_data);
	if (!port)
		return 0;
	return track(ctx, skb, dev, MBT_LX_P_BRIDGE_PORT, false, 0,
	    BPF_CORE_READ(port, state), 0, 0);
}

#endif /* MBT_LINUX_BRIDGE_BPF_H */
