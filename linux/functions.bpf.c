// SPDX-License-Identifier: BSD-2-Clause
/*
 * Full-function tracing: one hop for every kernel function that takes a
 * traced skb, attached by linux/functions.c to every such function at once
 * (kprobe-multi where the kernel has it, else one fentry per function).
 *
 * It shares the maps `tracked`, `events` and `current` of linux/record.bpf.c
 * (the loader hands their fds over before load), so its events join the same
 * stream and the same traces: the tracepoints decide where a trace starts
 * and ends, these programs only add the functions in between.  Standalone
 * (start_daddr set), it starts and ends traces by itself, for testing.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "../include/mbuftrace/format.h"
#include "functions_event.h"
#include "record_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

#define ETH_P_IP_BE 0x0008 /* htons(0x0800) */
#define IPPROTO_ICMP_ 1

/* Standalone only: start a trace on ICMP to this IPv4 address (network
 * order); 0 = follow only what record.bpf.c started. */
const volatile __u32 start_daddr;
/*
 * The addresses of kfree_skbmem and kfree_skb_partial, which free an
 * sk_buff with no tracepoint when their callers did not (TCP's
 * __kfree_skb of a pure ACK, a coalesced segment): a trace still open
 * there ends.  0 where unknown.
 */
const volatile __u64 skbmem_free_ip, partial_free_ip;

/* The fds of these are record.bpf.c's when both are loaded. */
#include "shared_maps.bpf.h"
/* (After the maps: it reads struct tracked.) */
#include "identity.bpf.h"

/*
 * Standalone only: skbs whose trace ended.  The functions that free them
 * still see the old packet, and must not start a new trace with it; once
 * kfree_skbmem has freed the sk_buff its address may hold a new packet.
 */
struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 4096);
	__type(key, __u64);
	__type(value, __u8);
} ended SEC(".maps");

__u64 next_trace_id;

static __always_inline bool
standalone_start(struct sk_buff *skb)
{
	unsigned char *head;
	__u16 nh;
	struct iphdr ip;

	if (BPF_CORE_READ(skb, protocol) != ETH_P_IP_BE)
		return false;
	head = BPF_CORE_READ(skb, head);
	nh = BPF_CORE_READ(skb, network_header);
	if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) != 0)
		return false;
	return ip.version == 4 && ip.protocol == IPPROTO_ICMP_ &&
	       ip.daddr == start_daddr;
}

/* What every event of these programs says: where, when, which trace. */
static __always_inline void
fill_event(struct mbt_lx_event *ev, __u8 point, __u64 trace_id, __u64 ip)
{
	ev->size = sizeof(*ev);
	ev->version = MBT_LX_EVENT_VERSION;
	ev->point = point;
	ev->cpu = bpf_get_smp_processor_id();
	ev->time_ns = bpf_ktime_get_ns();
	ev->trace_id = trace_id;
	ev->location = ip;
	ev->pid = bpf_get_current_pid_tgid() >> 32;
}

/*
 * The traced skb of trace t was seen again on this CPU: route lookups,
 * sockets, fragments and segments that follow are still near enough to
 * be its (record.bpf.c attributes them by time since it was last seen).
 */
static __always_inline void
seen_again(const struct tracked *t, __u64 now)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);

	if (!c)
		return;
	if (c->trace_id == t->trace_id)
		c->time_ns = now;
	if (c->origin_id == t->trace_id)
		c->origin_time_ns = now;
}

/* Is ip the entry of the function at fn (or just past an ENDBR64)? */
static __always_inline bool
is_at(__u64 ip, __u64 fn)
{
	return fn != 0 && ip - fn < 8;
}

/*
 * The packet of trace t was freed where no tracepoint saw it: at function
 * ip if that frees skbs, else (another packet is at its address now)
 * somewhere before.
 */
static __always_inline void
unseen_free(const struct tracked *t, __u64 ip)
{
	struct mbt_lx_event ev = {};

	fill_event(&ev, MBT_LX_P_UNSEEN_FREE, t->trace_id,
	    is_at(ip, skbmem_free_ip) || is_at(ip, partial_free_ip) ? ip : 0);
	ev.flags = MBT_LX_F_END;
	ev.end = MBT_END_FREED;
	ev.value = MBT_LX_P_FUNCTION;
	ev.lost = t->lost;
	bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
}

/*
 * The one handler: an event for a traced skb at function ip; its trace id
 * when the skb is traced, else 0.  The event goes out from the stack (it has no
 * snapshot), so this costs nothing for skbs nobody traces but one hash
 * lookup.  Only a function's entry may start a trace (standalone).
 */
static __always_inline __u64
hit(struct sk_buff *skb, __u64 ip, __u8 point, __u32 flags, __u32 reason,
    __s32 value)
{
	__u64 key = (__u64)skb;
	struct tracked *t = bpf_map_lookup_elem(&tracked, &key);
	struct mbt_lx_event ev = {};
	struct net_device *dev;

	/* Another packet at its address, or being freed unseen: its trace
	 * ends (identity.bpf.h). */
	if (t && point == MBT_LX_P_FUNCTION &&
	    (!same_packet(skb, t) || is_at(ip, skbmem_free_ip) ||
		is_at(ip, partial_free_ip))) {
		unseen_free(t, ip);
		bpf_map_delete_elem(&tracked, &key);
		return 0;
	}
	if (!t) {
		if (!start_daddr || flags || point != MBT_LX_P_FUNCTION)
			return 0;
		if (bpf_map_lookup_elem(&ended, &key)) {
			/* ip is the entry, or just past an ENDBR64. */
			if (is_at(ip, skbmem_free_ip))
				bpf_map_delete_elem(&ended, &key);
			return 0;
		}
		if (!standalone_start(skb))
			return 0;
		struct tracked nt = {
		    .trace_id = __sync_fetch_and_add(&next_trace_id, 1) + 1,
		};
		bpf_map_update_elem(&tracked, &key, &nt, BPF_ANY);
		if (!(t = bpf_map_lookup_elem(&tracked, &key)))
			return 0;
		flags |= MBT_LX_F_START;
	}
	fill_event(&ev, point, t->trace_id, ip);
	seen_again(t, ev.time_ns);
	t->seen = TRACKED_SEEN(ev.time_ns);
	ev.flags = flags;
	ev.reason = reason;
	ev.value = value;
	ev.lost = t->lost;
	dev = BPF_CORE_READ(skb, dev);
	if (dev) {
		ev.ifindex = BPF_CORE_READ(dev, ifindex);
		ev.netns = BPF_CORE_READ(dev, nd_net.net, ns.inum);
		BPF_CORE_READ_STR_INTO(&ev.ifname, dev, name);
	}
	ev.pkt_len = BPF_CORE_READ(skb, len);
	ev.mark = BPF_CORE_READ(skb, mark);
	ev.protocol = BPF_CORE_READ(skb, protocol);
	if (bpf_ringbuf_output(&events, &ev, sizeof(ev), 0) != 0) {
		if (t->lost < 0xffff)
			t->lost++;
	} else {
		t->lost = 0;
	}
	if (flags & MBT_LX_F_END) {
		__u8 one = 1;

		bpf_map_delete_elem(&tracked, &key);
		bpf_map_update_elem(&ended, &key, &one, BPF_ANY);
	}
	return ev.trace_id;
}

/*
 * One program per position of the skb among the arguments (1-5).  With
 * kprobe-multi each is attached to all the functions with the skb there;
 * for fentry, linux/functions.c loads a copy per function.
 */
#define FENTRY(n)                                                       \
	SEC("fentry")                                                   \
	int fentry_skb##n(__u64 *ctx)                                   \
	{                                                               \
		hit((struct sk_buff *)ctx[n - 1], bpf_get_func_ip(ctx), \
		    MBT_LX_P_FUNCTION, 0, 0, 0);                        \
		return 0;                                               \
	}
FENTRY(1)
FENTRY(2)
FENTRY(3)
FENTRY(4)
FENTRY(5)

#define KPROBE_MULTI(n)                                                \
	SEC("kprobe.multi")                                            \
	int kprobe_skb##n(struct pt_regs *ctx)                         \
	{                                                              \
		hit((struct sk_buff *)PT_REGS_PARM##n(ctx),            \
		    bpf_get_func_ip(ctx), MBT_LX_P_FUNCTION, 0, 0, 0); \
		return 0;                                              \
	}
KPROBE_MULTI(1)
KPROBE_MULTI(2)
KPROBE_MULTI(3)
KPROBE_MULTI(4)
KPROBE_MULTI(5)

/*
 * kprobe.session (Linux 6.10), whose kfuncs these are: weak, so that the
 * object still loads where they are missing (without the programs below).
 */
extern bool bpf_session_is_return(void) __ksym __weak;
extern __u64 *bpf_session_cookie(void) __ksym __weak;

/*
 * The functions that return an int get a session program instead of the
 * one above: it runs at entry and, only if entry returned 0, at return,
 * so untraced skbs pay for no return, and the cookie (one per call)
 * carries the skb from entry to return with no map to fill or to leak,
 * through recursion and interrupts.  A return says something only when it
 * is an error (negative: 1 is NET_RX_DROP for some functions, but accept
 * for nf_hook_slow).
 */
/*
 * A function returned an error for the packet of trace trace_id.  Nothing
 * of the skb is read: the function may have freed it (nf_hook_slow frees
 * a dropped packet, then returns -EPERM), which ended its trace; the
 * assembler puts the event where the trace was.
 */
static __always_inline void
returned(__u64 trace_id, __u64 ip, __s32 rc)
{
	struct mbt_lx_event ev = {};

	fill_event(&ev, MBT_LX_P_FUNCTION_RETURN, trace_id, ip);
	ev.value = rc;
	bpf_ringbuf_output(&events, &ev, sizeof(ev), 0);
}

static __always_inline int
session(struct pt_regs *ctx, struct sk_buff *skb)
{
	__u64 *cookie = bpf_session_cookie();
	__u64 ip = bpf_get_func_ip(ctx);
	int rc;

	if (!cookie)
		return 1;
	if (bpf_session_is_return()) {
		rc = PT_REGS_RC(ctx);
		if (rc < 0)
			returned(*cookie, ip, rc);
		return 0;
	}
	/* The trace, not the skb, goes to the return: the skb may be freed
	 * and its address another packet's by then. */
	if (!(*cookie = hit(skb, ip, MBT_LX_P_FUNCTION, 0, 0, 0)))
		return 1; /* no return probe for this call */
	return 0;
}

/*
 * fentry's return values: fexit, attached by linux/functions.c to the
 * functions that return an int where few are asked for.  Unlike a session
 * it sees the skb, not its trace: an error returned after the function
 * freed the packet (which ended its trace) is not reported.
 */
static __always_inline void
exited(__u64 *ctx, struct sk_buff *skb)
{
	__u64 key = (__u64)skb, rc = 0;
	struct tracked *t;

	if (bpf_get_func_ret(ctx, &rc) != 0 || (__s32)rc >= 0)
		return;
	if ((t = bpf_map_lookup_elem(&tracked, &key)) != NULL)
		returned(t->trace_id, bpf_get_func_ip(ctx), (__s32)rc);
}

#define FEXIT(n)                                           \
	SEC("fexit")                                       \
	int fexit_skb##n(__u64 *ctx)                       \
	{                                                  \
		exited(ctx, (struct sk_buff *)ctx[n - 1]); \
		return 0;                                  \
	}
FEXIT(1)
FEXIT(2)
FEXIT(3)
FEXIT(4)
FEXIT(5)

#define SESSION(n)                                                           \
	SEC("kprobe.multi")                                                  \
	int session_skb##n(struct pt_regs *ctx)                              \
	{                                                                    \
		return session(ctx, (struct sk_buff *)PT_REGS_PARM##n(ctx)); \
	}
SESSION(1)
SESSION(2)
SESSION(3)
SESSION(4)
SESSION(5)

/* Standalone only: where a traced skb's life ends. */
SEC("tp_btf/kfree_skb")
int
BPF_PROG(standalone_kfree_skb, struct sk_buff *skb, void *location,
    enum skb_drop_reason reason)
{
	hit(skb, (__u64)location, MBT_LX_P_KFREE_SKB, MBT_LX_F_END, reason, 0);
	return 0;
}

SEC("tp_btf/consume_skb")
int
BPF_PROG(standalone_consume_skb, struct sk_buff *skb)
{
	hit(skb, 0, MBT_LX_P_CONSUME_SKB, MBT_LX_F_END, 0, 0);
	return 0;
}
