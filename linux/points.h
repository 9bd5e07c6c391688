/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one table of the Linux recorder's points: where an event is made.
 * Everything that lists points draws from it: enum mbt_lx_point (here, for
 * the BPF programs and user space alike), the names traces print and the
 * values each point's record carries (linux/assemble.c), and the list in
 * mbuftrace-record(8), which tests/cli/test_points_man.sh checks against
 * this table.  A new point is one line here, plus a fill function in
 * linux/assemble.c when it records values no point records yet.
 *
 * X(CODE, number, name, hook, kind, fill, values):
 *   CODE    MBT_LX_P_<CODE>; number its value, fixed (events carry it)
 *   name    the record's function name in traces
 *   hook    the BPF program(s) that make the event
 *   kind    the v3 kind of its record (MBT_KIND_END when the event ends
 *           the packet's life, whatever this says)
 *   fill    linux/assemble.c's fill_<fill>(): the values it writes
 *   values  their keys' names (format.h MBT_VAL_*, JSON keys), for docs
 */
#ifndef MBT_LINUX_POINTS_H
#define MBT_LINUX_POINTS_H

#define MBT_LX_POINTS(X)                                                      \
	X(NETIF_RECEIVE_SKB, 1, "netif_receive_skb",                          \
	    "tp_btf/netif_receive_skb", MBT_KIND_POINT, none, "")             \
	X(NETIF_RX, 2, "netif_rx", "tp_btf/netif_rx", MBT_KIND_POINT, none,   \
	    "")                                                               \
	X(NET_DEV_QUEUE, 3, "net_dev_queue", "tp_btf/net_dev_queue",          \
	    MBT_KIND_POINT, none, "")                                         \
	X(NET_DEV_START_XMIT, 4, "net_dev_start_xmit",                        \
	    "tp_btf/net_dev_start_xmit", MBT_KIND_POINT, none, "")            \
	X(NET_DEV_XMIT, 5, "net_dev_xmit", "tp_btf/net_dev_xmit",             \
	    MBT_KIND_POINT, xmit, "rc dev_kind")                              \
	X(QDISC_ENQUEUE, 6, "qdisc_enqueue", "tp_btf/qdisc_enqueue",          \
	    MBT_KIND_POINT, qdisc, "qdisc_handle")                            \
	X(QDISC_DEQUEUE, 7, "qdisc_dequeue", "tp_btf/qdisc_dequeue",          \
	    MBT_KIND_POINT, qdisc, "qdisc_handle")                            \
	X(FIB_TABLE_LOOKUP, 8, "fib_table_lookup", "tp_btf/fib_table_lookup", \
	    MBT_KIND_ROUTE, route, "route_next")                              \
	X(FIB6_TABLE_LOOKUP, 9, "fib6_table_lookup",                          \
	    "tp_btf/fib6_table_lookup", MBT_KIND_ROUTE, route, "route_next")  \
	X(ICMP_SEND, 10, "icmp_send", "tp_btf/icmp_send", MBT_KIND_POINT,     \
	    icmp, "icmp_type icmp_code")                                      \
	X(UDP_FAIL_QUEUE_RCV_SKB, 11, "udp_fail_queue_rcv_skb",               \
	    "tp_btf/udp_fail_queue_rcv_skb", MBT_KIND_POINT, rc, "rc")        \
	X(SOCK_RCVQUEUE_FULL, 12, "sock_rcvqueue_full",                       \
	    "tp_btf/sock_rcvqueue_full", MBT_KIND_POINT, rcvq_full,           \
	    "rcvq_full")                                                      \
	X(SKB_COPY_DATAGRAM_IOVEC, 13, "skb_copy_datagram_iovec",             \
	    "tp_btf/skb_copy_datagram_iovec", MBT_KIND_POINT, read,           \
	    "bytes pid")                                                      \
	X(KFREE_SKB, 14, "kfree_skb", "tp_btf/kfree_skb", MBT_KIND_POINT,     \
	    none, "")                                                         \
	X(CONSUME_SKB, 15, "consume_skb", "tp_btf/consume_skb",               \
	    MBT_KIND_POINT, none, "")                                         \
	X(SK_DATA_READY, 16, "sk_data_ready", "tp_btf/sk_data_ready",         \
	    MBT_KIND_POINT, sock, "sock_tap sock_type")                       \
	X(COPY, 17, "copy", "(any)", MBT_KIND_COPY, copy,                  \
	    "copy_how seen_at")                                               \
	X(NEIGH, 18, "neigh_event_send", "tp_btf/neigh_event_send_done",      \
	    MBT_KIND_POINT, neigh, "neigh_addr neigh_state neigh_queued")     \
	X(GRO_RECEIVE, 19, "napi_gro_receive",                                \
	    "tp_btf/napi_gro_receive_entry tp_btf/napi_gro_receive_exit",     \
	    MBT_KIND_POINT, gro, "gro_merged")                                \
	X(UNSEEN_FREE, 20, "unseen_free", "(any)", MBT_KIND_END, unseen,   \
	    "")                                                               \
	X(BRIDGE_PORT, 21, "br_handle_frame", "tp_btf/netif_receive_skb",     \
	    MBT_KIND_POINT, none, "")                                         \
	X(FUNCTION, 64, "function", "fentry kprobe.multi", MBT_KIND_POINT,    \
	    function, "")                                                     \
	X(FUNCTION_RETURN, 65, "function_return", "fexit kprobe.multi",       \
	    MBT_KIND_POINT, function, "return return_name")

#endif /* MBT_LINUX_POINTS_H */
