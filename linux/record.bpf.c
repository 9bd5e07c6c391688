// SPDX-License-Identifier: BSD-2-Clause
/*
 * The eBPF side of `mbuftrace record`: one program per kernel hook, named
 * after it, that follows traced skbs by address and sends one event per
 * hook to user space, where linux/assemble.c turns them into v3 traces.
 * A trace starts where user space asked (start points and a classic BPF
 * filter, in rodata); after that the skb is followed wherever it goes.
 *
 * Every hook here is a BTF tracepoint.  Hooks on arbitrary functions
 * (fentry, kprobe-multi) are one more SEC() each calling track(), where the
 * kernel allows them.
 */
#include "vmlinux.h"

#include <bpf/bpf_core_read.h>
#include <bpf/bpf_endian.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_tracing.h>

#include "../include/mbuftrace/format.h"
#include "cbpf_run.h"
#include "record_event.h"

char LICENSE[] SEC("license") = "Dual BSD/GPL";

/*
 * Makes a pointer kept as a number a BTF pointer again (read only).  Weak:
 * kernels before 6.2 lack it, and they lack sk_data_ready, its only user.
 */
extern void *bpf_rdonly_cast(const void *obj, __u32 btf_id) __ksym __weak;

#define IFF_LOOPBACK_ 0x8
#define ETH_P_IP_BE 0x0008   /* htons(0x0800) */
#define ETH_P_IPV6_BE 0xdd86 /* htons(0x86dd) */
#define MAC_HEADER_UNSET 0xffff

/* Knobs set by the loader between open and load. */
const volatile struct mbt_lx_bpf_config cfg = {
    .snaplen = 128,
    .filter_bytes = MBT_LX_FILTER_BYTES,
    .consume_has_location = 1,
};

/* A traced skb, by address; LRU because an end can be missed. */
#include "shared_maps.bpf.h"
/* (After the maps: it reads struct tracked.) */
#include "identity.bpf.h"

/*
 * The data of traced skbs, by address (skb->head), and whose it is.  A
 * clone shares its original's data: an skb no trace follows that shows
 * up with a traced skb's data is a copy of it (a bridge flooding, a tap, a
 * multicast), and is followed as a child trace.
 */
struct head_owner {
	__u64 trace_id, skb;
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(map_flags, BPF_F_NO_COMMON_LRU);
	__uint(max_entries, 16384);
	__type(key, __u64);
	__type(value, struct head_owner);
} heads SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, MBT_CBPF_MAX_INSNS);
	__type(key, __u32);
	__type(value, struct mbt_cbpf_insn);
} filter_prog SEC(".maps");

/* Per CPU: the event being built, and the interpreter's state. */
struct scratch {
	struct mbt_lx_event ev;		/* first: submit() sends ev and snap */
	__u8 snap[2 * MBT_LX_SNAP_MAX]; /* half of it is room: copy_packet() */
	struct mbt_cbpf_vm vm;
	struct tracked nt; /* a trace's entry, before it is in the map */
	/* Where the packet is, for an event with no device: 0 = unknown. */
	__u64 where_netns;
	__u32 where_ifindex, pad;
};

/* Per CPU: the bytes the filter reads, and its answer. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct mbt_lx_filter_in);
} filter_in SEC(".maps");

/*
 * Set by the loader when the filter runs translated to eBPF in programs of
 * its own, attached to the start hooks before these: they leave a match in
 * filter_in.start_skb.  Otherwise the hooks interpret the filter.
 */
__u32 filter_external;

/*
 * A route lookup belongs to the traced skb last seen on its CPU if it came
 * this soon after and was for the skb's destination; so does TCP's merged
 * segment to its socket.  A segment is seen this soon after its packet was
 * last seen (or routed) on the same CPU: a first route lookup can take
 * 200 us.  The loader widens both tenfold when it attaches every function
 * that takes an skb: each costs a probe on the way, and under emulation
 * one probe can take tens of microseconds.
 */
__u64 route_window_ns = 200000;
__u64 made_window_ns = 1000000;

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct scratch);
} scratch SEC(".maps");

/* Counters user space sums over CPUs for the summary. */
struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, MBT_LX_STAT_MAX);
	__type(key, __u32);
	__type(value, __u64);
} stats SEC(".maps");

__u64 next_trace_id;
/*
 * The idle path: traced skbs in the map, give or take.  While it is 0,
 * hooks where no trace starts return after reading it, instead of
 * looking the skb up; start hooks run their checks and the filter only.
 * It is a hint that may be too high, never too low while an entry is in
 * the map: it is raised just after an entry is added (by the hook that
 * holds the skb then), and lowered only by whoever deleted an entry
 * (forget(), or user space's sweep).  Too high costs lookups, never a
 * record.  What would keep it
 * too high for good, an entry the LRU evicts or functions.bpf.c deletes,
 * user space sets right: it forgets entries unseen for long
 * (tracked.seen), and resets the hint to 0 when it finds the map empty
 * and the hint unchanged since it began to look (mbt_lx_sweep()).
 */
__u64 ntracked;

static __always_inline void
count(__u32 which)
{
	__u64 *v = bpf_map_lookup_elem(&stats, &which);

	if (v)
		*v += 1;
}

static __always_inline struct scratch *
get_scratch(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&scratch, &zero);
}

static __always_inline __u64
dev_netns(struct net_device *dev)
{
	return dev->nd_net.net->ns.inum;
}

static __always_inline bool
name_equal(const volatile char *want, const char *got)
{
	for (int i = 0; i < 16; i++) {
		if (want[i] != got[i])
			return false;
		if (got[i] == 0)
			return true;
	}
	return true;
}

/*
 * Copy up to max bytes of the packet from its network header (or link
 * header for link-layer filters) into buf, of cap bytes (a constant); sets
 * *orig to the packet's length from there.  Returns the bytes copied.
 */
static __always_inline __u32
copy_packet(struct sk_buff *skb, bool link, __u8 *buf, const __u32 cap,
    __u32 max, __u32 *orig, __u16 *linktype)
{
	unsigned char *head = skb->head;
	__u32 data_off = skb->data - head;
	__u32 tail = skb->tail;
	__u32 len = skb->len;
	__u16 proto = skb->protocol;
	__u32 off, n;

	*orig = 0;
	if (link) {
		off = skb->mac_header;
		*linktype = MBT_LINKTYPE_ETHERNET;
		if (off == MAC_HEADER_UNSET)
			return 0;
	} else {
		if (proto != ETH_P_IP_BE && proto != ETH_P_IPV6_BE)
			return 0;
		off = skb->network_header;
		*linktype = MBT_LINKTYPE_RAW;
	}
	if (off > tail || off > data_off + len)
		return 0;
	*orig = len + data_off - off;
	n = tail - off;
	if (n > *orig)
		n = *orig;
	if (n > max)
		n = max;
	/*
	 * Hide the bound from clang and state it as a mask, which even the
	 * 6.1 verifier keeps when clang spills n: buf has room for 2 * cap.
	 */
	asm volatile("" : "+r"(n));
	n &= 2 * cap - 1;
	if (n > cap || bpf_probe_read_kernel(buf, n, head + off) != 0)
		return 0;
	return n;
}

#include "filter_copy.bpf.h"

/*
 * A digest of the network header and what follows it (for IPv4, the ports
 * too): what forwarding (TTL, hop limit) and NAT change.  A traced packet
 * whose digest changed since its last snapshot gets a new one, so that the
 * trace shows where it changed.  0: no IP header to look at.
 */
static __always_inline __u32
header_digest(struct sk_buff *skb)
{
	__u32 w[10], h = 2166136261u;

	if (skb->protocol != ETH_P_IP_BE && skb->protocol != ETH_P_IPV6_BE)
		return 0;
	if (bpf_probe_read_kernel(
		w, sizeof(w), skb->head + skb->network_header))
		return 0;
	for (int i = 0; i < 10; i++)
		h = (h ^ w[i]) * 16777619u; /* FNV-1a, a word at a time */
	return h | 1;
}

static __always_inline struct mbt_lx_filter_in *
get_filter_in(void)
{
	__u32 zero = 0;

	return bpf_map_lookup_elem(&filter_in, &zero);
}

/* bpf_loop() passes a stack pointer only: the state is in the maps. */
static long
cbpf_callback(__u32 index, void *unused)
{
	struct scratch *s = get_scratch();
	struct mbt_lx_filter_in *fi = get_filter_in();
	struct mbt_cbpf_insn *in;
	__u32 pc;

	if (!s || !fi)
		return 1;
	pc = s->vm.pc;
	in = bpf_map_lookup_elem(&filter_prog, &pc);
	if (!in || pc >= cfg.filter_len)
		return mbt_cbpf_reject(&s->vm);
	return mbt_cbpf_step(&s->vm, in, fi->pkt, fi->caplen, fi->wirelen);
}

/*
 * The filter interpreted, for when the loader could not translate it:
 * does it accept the bytes in fi?
 */
static __always_inline bool
filter_interpret(struct mbt_lx_filter_in *fi, struct scratch *s)
{
	__builtin_memset(&s->vm, 0, sizeof(s->vm));
	bpf_loop(MBT_CBPF_MAX_INSNS, cbpf_callback, NULL, 0);
	return s->vm.done && s->vm.result != 0;
}

/*
 * Does sk belong to a process (it has a file), rather than to the kernel
 * (the ICMP socket that answers for a namespace)?  While a process sends,
 * the kernel often handles other packets on its CPU in its name.
 */
static __always_inline bool
user_socket(struct sock *sk)
{
	return sk && sk->sk_socket && sk->sk_socket->file;
}

/* Is this where the user wants a trace to start? */
static __always_inline bool
start_matches(struct sk_buff *skb, struct net_device *dev, struct scratch *s)
{
	if (cfg.n_ifaces > 0) {
		char name[16];
		bool found = false;
		__u64 netns;

		if (!dev)
			return false;
		netns = dev_netns(dev);
		__builtin_memcpy(name, dev->name, sizeof(name));
		for (int i = 0; i < MBT_LX_MAX_IFACES; i++) {
			if (i >= cfg.n_ifaces)
				break;
			if ((cfg.ifaces[i].netns == 0 ||
				cfg.ifaces[i].netns == netns) &&
			    name_equal(cfg.ifaces[i].name, name)) {
				found = true;
				break;
			}
		}
		if (!found)
			return false;
	}
	if (cfg.want_mark && (skb->mark & cfg.mark_mask) != cfg.mark_value)
		return false;
	if (cfg.want_nftrace && !BPF_CORE_READ_BITFIELD(skb, nf_trace))
		return false;
	if (cfg.self_pid && bpf_get_current_pid_tgid() >> 32 == cfg.self_pid &&
	    user_socket(skb->sk))
		return false;
	if (cfg.want_pid && (bpf_get_current_pid_tgid() >> 32 != cfg.pid_value ||
			    !user_socket(skb->sk)))
		return false;
	return true;
}

/*
 * Wake the reader only when a good part of the ring buffer is full.  A
 * wakeup is an interrupt to another CPU, which costs microseconds in a
 * virtual machine, and it came with nearly every trace's first event;
 * the reader looks at least every RECORD_POLL_MS anyway.
 */
#define WAKEUP_BYTES (1 << 20)
static __always_inline __u64
wakeup_flags(void)
{
	return bpf_ringbuf_query(&events, BPF_RB_AVAIL_DATA) > WAKEUP_BYTES
		   ? BPF_RB_FORCE_WAKEUP
		   : BPF_RB_NO_WAKEUP;
}

/* Send s->ev and snap_len bytes of s->snap; count what could not go. */
static __always_inline int
submit(struct scratch *s, struct tracked *t)
{
	__u32 snap = s->ev.snap_len, size;

	/* A mask the 6.1 verifier keeps, within snap's room (2 * max). */
	asm volatile("" : "+r"(snap));
	snap &= 2 * MBT_LX_SNAP_MAX - 1;
	size = sizeof(s->ev) + snap;
	s->ev.lost = t ? t->lost : 0;
	s->ev.size = size;
	if (snap > MBT_LX_SNAP_MAX ||
	    bpf_ringbuf_output(&events, s, size, wakeup_flags()) != 0) {
		count(MBT_LX_STAT_LOST);
		if (t && t->lost < 0xffff)
			t->lost++;
		return -1;
	}
	count(MBT_LX_STAT_EVENTS);
	if (t)
		t->lost = 0;
	return 0;
}

static __always_inline void
fill_head(struct scratch *s, __u8 point, __u64 trace_id)
{
	__builtin_memset(&s->ev, 0, sizeof(s->ev));
	s->ev.version = MBT_LX_EVENT_VERSION;
	s->ev.point = point;
	s->ev.cpu = bpf_get_smp_processor_id();
	s->ev.time_ns = bpf_ktime_get_ns();
	s->ev.trace_id = trace_id;
	s->ev.pid = bpf_get_current_pid_tgid() >> 32;
}

static __always_inline void
fill_dev(struct scratch *s, struct net_device *dev)
{
	if (!dev)
		return;
	s->ev.ifindex = dev->ifindex;
	s->ev.netns = dev_netns(dev);
	__builtin_memcpy(s->ev.ifname, dev->name, sizeof(s->ev.ifname));
}

/* Remember a traced skb's destination for route lookups on this CPU. */
static __always_inline void
set_current(struct sk_buff *skb, struct scratch *s, struct tracked *t)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	unsigned char *head = skb->head;
	__u16 nh = skb->network_header;

	if (!c)
		return;
	c->trace_id = s->ev.trace_id;
	c->skb = (__u64)skb;
	c->netns = s->ev.netns;
	c->time_ns = s->ev.time_ns;
	if (s->ev.protocol == ETH_P_IP_BE) {
		struct iphdr ip;

		if (bpf_probe_read_kernel(&ip, sizeof(ip), head + nh) != 0)
			return;
		c->daddr4 = ip.daddr;
		if (t->flags & TRACKED_MADE)
			return;
		c->origin_id = s->ev.trace_id;
		c->origin_time_ns = s->ev.time_ns;
		c->origin_netns = s->ev.netns;
		c->saddr4 = ip.saddr;
		c->odaddr4 = ip.daddr;
		c->id = ip.id;
		c->proto = ip.protocol;
		c->ofrag = (ip.frag_off & bpf_htons(0x3fff)) != 0;
		c->ports = 0;
		c->ochildren = 0;
		bpf_probe_read_kernel(&c->ports, 4, head + nh + ip.ihl * 4);
		/* Only a GSO packet is cut into segments. */
		c->ogso =
		    BPF_CORE_READ((struct skb_shared_info *)(head + skb->end),
			gso_size) != 0;
		/* TCP: the bytes its segments may carry (seq, length). */
		c->oseq = c->olen = 0;
		if (ip.protocol == 6) {
			__u32 th[4];

			if (bpf_probe_read_kernel(
				th, sizeof(th), head + nh + ip.ihl * 4) == 0) {
				c->oseq = bpf_ntohl(th[1]);
				c->olen = bpf_ntohs(ip.tot_len) - ip.ihl * 4 -
					  (((__u8 *)th)[12] >> 4) * 4;
			}
		}
	} else if (s->ev.protocol == ETH_P_IPV6_BE)
		bpf_probe_read_kernel(&c->daddr6, 16, head + nh + 24);
}

/* The data at head is no longer the packet of trace trace_id (if it was). */
static __always_inline void
disown(__u64 head, __u64 trace_id)
{
	struct head_owner *o = head ? bpf_map_lookup_elem(&heads, &head) : NULL;

	if (o && o->trace_id == trace_id)
		bpf_map_delete_elem(&heads, &head);
}

/*
 * Keep heads up to date for a traced skb: its data may move (a copy for
 * more headroom), and at its end the data is no longer its.
 */
static __always_inline void
own_head(struct sk_buff *skb, struct tracked *t, __u8 end)
{
	__u64 head = (__u64)skb->head;

	if (end) {
		disown(head, t->trace_id);
	} else if (head != t->head) {
		struct head_owner no = {t->trace_id, (__u64)skb};

		/* Its old data may be freed, and given to another packet. */
		disown(t->head, t->trace_id);
		/* A copy leaves the data to its original, which owns it. */
		bpf_map_update_elem(&heads, &head, &no, BPF_NOEXIST);
		t->head = head;
	}
}

/* A trace ended: the skb at key is no longer followed. */
static __always_inline void
forget(__u64 key)
{
	if (bpf_map_delete_elem(&tracked, &key) == 0)
		__sync_fetch_and_add(&ntracked, -1);
}

/*
 * A trace ended: route lookups and sockets are no longer its.  What its
 * fragments and segments need stays: GSO cuts a packet into segments
 * after the packet itself was freed.
 */
static __always_inline void
end_current(struct tracked *t)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);

	if (c && c->trace_id == t->trace_id) {
		c->trace_id = 0;
		c->skb = 0;
	}
}

/*
 * End trace t, of the skb at key, at point with end and value, reading
 * nothing of the skb: it may be freed, or another packet's (the
 * assembler gives the event the place of the hop before).
 */
static __always_inline void
end_unread(struct scratch *s, struct tracked *t, __u64 key, __u8 point,
    __u8 end, __s32 value)
{
	fill_head(s, point, t->trace_id);
	s->ev.flags = MBT_LX_F_END;
	s->ev.end = end;
	s->ev.value = value;
	end_current(t);
	submit(s, t);
	/* Its data, if still there, is no longer its. */
	disown(t->head, t->trace_id);
	forget(key);
}

/*
 * The skb at key, of trace t, holds another packet now (same_packet()):
 * t's packet was freed where no hook saw it.  Its trace ends so, rather
 * than carry on with the other packet; the other packet is not joined
 * to it.  point: where the other packet showed up.
 */
static __always_inline void
lost_sight(struct scratch *s, struct tracked *t, __u64 key, __u8 point)
{
	end_unread(s, t, key, MBT_LX_P_UNSEEN_FREE, MBT_END_FREED, point);
}

/*
 * A traced packet was consumed: the next packet on this CPU with the same
 * headers may be a copy of it the kernel made and then freed it for
 * (rebuilt_from()).
 */
static __always_inline void
remember_consumed(struct tracked *t, struct scratch *s, __u32 digest)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);

	if (!c || digest == 0)
		return;
	c->gone_id = t->trace_id;
	c->gone_time_ns = s->ev.time_ns;
	c->gone_netns = s->ev.netns;
	c->gone_digest = digest;
}

/* Send the event of a traced skb at this hook; forget it at its end. */
static __always_inline int
emit_event(struct scratch *s, struct sk_buff *skb, struct net_device *dev,
    struct tracked *t, bool start, __u8 point, __u8 end, __s32 value,
    __u32 reason, __u64 location, __u64 parent)
{
	__u64 key = (__u64)skb;
	__u32 digest;

	fill_head(s, point, t->trace_id);
	fill_dev(s, dev);
	if (!dev) {
		s->ev.netns = s->where_netns;
		s->ev.ifindex = s->where_ifindex;
	}
	s->ev.related_id = parent; /* a copy's first event: its original */
	s->ev.flags = (start ? MBT_LX_F_START : 0) | (end ? MBT_LX_F_END : 0);
	s->ev.end = end;
	s->ev.value = value;
	s->ev.reason = reason;
	s->ev.location = location;
	s->ev.pkt_len = skb->len;
	s->ev.mark = skb->mark;
	s->ev.protocol = skb->protocol;
	digest = header_digest(skb);
	if (start || end || (digest != 0 && digest != t->digest)) {
		__u32 orig;
		__u16 lt = 0;
		__u32 n = copy_packet(
		    skb, false, s->snap, MBT_LX_SNAP_MAX, cfg.snaplen, &orig, &lt);

		if (n == 0)
			n = copy_packet(skb, true, s->snap, MBT_LX_SNAP_MAX,
			    cfg.snaplen, &orig, &lt);
		s->ev.snap_len = n;
		s->ev.snap_orig = orig;
		s->ev.snap_linktype = lt;
		t->digest = digest;
	}
	if (dev && point == MBT_LX_P_NET_DEV_XMIT) {
		const char *kind = BPF_CORE_READ(dev, rtnl_link_ops, kind);

		if (kind)
			bpf_probe_read_kernel_str(
			    &s->ev.kind, sizeof(s->ev.kind), kind);
	}
	if (dev)
		t->dev = (__u64)dev;
	t->seen = TRACKED_SEEN(s->ev.time_ns);
	if (!end)
		set_current(skb, s, t);
	else
		end_current(t);
	if (end == MBT_END_CONSUMED)
		remember_consumed(t, s, digest);
	submit(s, end ? NULL : t);
	own_head(skb, t, end);
	if (end && !start)
		forget(key);
	return 0;
}

/* Start a trace for skb here: every start point and the filter agreed,
 * or skb is a copy of the traced packet of trace parent. */
static __always_inline int
begin(struct sk_buff *skb, struct net_device *dev, __u8 point, __u8 end,
    __s32 value, __u32 reason, __u64 location, __u64 parent, __u16 flags)
{
	struct scratch *s = get_scratch();
	__u64 key = (__u64)skb;
	struct tracked *t;

	if (!s)
		return 0;
	/* (In scratch: the hooks' stack is nearly full.) */
	t = &s->nt;
	__builtin_memset(t, 0, sizeof(*t));
	t->trace_id = __sync_fetch_and_add(&next_trace_id, 1) + 1;
	t->flags = flags;
	t->ident = packet_ident(skb);
	t->nh = skb->network_header;
	t->frag = frag_key_at(skb->head + skb->network_header, 0);
	/* A trace that ends where it starts needs no entry. */
	if (end == 0) {
		if (bpf_map_update_elem(&tracked, &key, t, BPF_ANY) != 0)
			return 0;
		__sync_fetch_and_add(&ntracked, 1);
		if (!(t = bpf_map_lookup_elem(&tracked, &key)))
			return 0;
	}
	count(MBT_LX_STAT_STARTED);
	if (parent != 0) {
		/* The original's trace says it was copied, and to which. */
		fill_head(s, MBT_LX_P_COPY, parent);
		fill_dev(s, dev);
		s->ev.related_id = t->trace_id;
		s->ev.value = point;
		/* 0: sharing its data; 1: a part of it; 2: a whole copy */
		s->ev.reason = flags & TRACKED_MADE	 ? 1
			       : flags & TRACKED_REBUILT ? 2
							 : 0;
		submit(s, NULL);
	}
	return emit_event(
	    s, skb, dev, t, true, point, end, value, reason, location, parent);
}

/*
 * Is skb, which no trace follows, a copy of a traced skb (it has its
 * data)?  The trace of that skb, or 0.  The owner must still be traced: an
 * entry whose owner's end was missed says nothing of new data there.
 */
static __always_inline __u64
copy_of(struct sk_buff *skb)
{
	__u64 head = (__u64)skb->head;
	struct head_owner *o = bpf_map_lookup_elem(&heads, &head);
	struct tracked *p;
	__u64 owner;
	__u32 ident;

	if (!o || o->skb == (__u64)skb)
		return 0;
	owner = o->skb;
	p = bpf_map_lookup_elem(&tracked, &owner);
	if (!p || p->trace_id != o->trace_id || p->head != head)
		return 0;
	/*
	 * Sharing the data is not enough: data freed where no hook saw it
	 * can be another packet's.  The copy must be the same packet, and
	 * a trace has so many copies at most.
	 */
	ident = packet_ident(skb);
	if (p->ident != 0 && ident != 0 && ident != p->ident)
		return 0;
	if (p->children >= MAX_CHILDREN)
		return 0;
	p->children++;
	return o->trace_id;
}

/*
 * Is skb, which no trace follows, a fragment or a segment of the traced
 * IPv4 packet just seen on this CPU (in the same namespace)?  They are new
 * skbs with data of their own, made where no hook is.  Fragments keep the
 * protocol and the id (even through NAT); no other packet but another
 * datagram's fragment shares them, so they may come a while later.
 * Segments keep the addresses, protocol and ports, as do the flow's next
 * packets: they must come moments later.  A fragment's fragments are its
 * siblings, not made from it.  The trace of that packet, or 0.
 */
#define FRAGMENT_WINDOW_NS 100000000
static __always_inline __u64
made_from(struct sk_buff *skb, struct net_device *dev)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	struct iphdr ip;
	__u32 ports = 0, seq = 0;
	unsigned char *th;
	__u64 age;

	if (!c || !c->origin_id || !dev || skb->protocol != ETH_P_IP_BE ||
	    dev_netns(dev) != c->origin_netns ||
	    bpf_probe_read_kernel(
		&ip, sizeof(ip), skb->head + skb->network_header) != 0 ||
	    ip.protocol != c->proto)
		return 0;
	age = bpf_ktime_get_ns() - c->origin_time_ns;
	if (c->ochildren >= MAX_CHILDREN)
		return 0;
	if (ip.frag_off & bpf_htons(0x3fff)) {
		if (ip.id != c->id || c->ofrag || age > FRAGMENT_WINDOW_NS)
			return 0;
		c->ochildren++;
		return c->origin_id;
	}
	if (age > made_window_ns || !c->ogso || ip.saddr != c->saddr4 ||
	    ip.daddr != c->odaddr4)
		return 0;
	th = skb->head + skb->network_header + ip.ihl * 4;
	bpf_probe_read_kernel(&ports, 4, th);
	if (ports != c->ports)
		return 0;
	/*
	 * The flow's next packet has the same addresses and ports: a
	 * segment is known by what it carries, a part of the packet's
	 * bytes (TCP: its sequence number in the packet's; UDP, whose
	 * segments count the IPv4 id up from the packet's: its id).
	 */
	if (ip.protocol == 6) {
		if (bpf_probe_read_kernel(&seq, 4, th + 4) != 0 ||
		    bpf_ntohl(seq) - c->oseq >= c->olen)
			return 0;
	} else if (ip.protocol != 17 ||
		   (__u16)(bpf_ntohs(ip.id) - bpf_ntohs(c->id)) >=
		       MAX_CHILDREN) {
		return 0;
	}
	c->ochildren++;
	return c->origin_id; /* a segment */
}

/*
 * Is skb, which no trace follows, a copy of the traced packet consumed
 * just before on this CPU, in the same namespace, with the same headers?
 * The kernel rebuilds a packet so: veth with an XDP program copies a
 * packet without the headroom XDP needs into a new skb (skb_pp_cow_data)
 * and frees the old one.  Once only.  The trace of that packet, or 0.
 */
static __always_inline __u64
rebuilt_from(struct sk_buff *skb, struct net_device *dev)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	__u64 id;

	if (!c || !c->gone_id || !dev ||
	    bpf_ktime_get_ns() - c->gone_time_ns > made_window_ns ||
	    dev_netns(dev) != c->gone_netns ||
	    header_digest(skb) != c->gone_digest)
		return 0;
	id = c->gone_id;
	c->gone_id = 0;
	return id;
}

/*
 * The one handler every skb hook calls.  may_start: a trace can start here
 * (not at hooks that only continue or end one).  end: MBT_END_* or 0.
 */
static __always_inline int
track(void *ctx, struct sk_buff *skb, struct net_device *dev, __u8 point,
    bool may_start, __u8 end, __s32 value, __u32 reason, __u64 location)
{
	__u64 key = (__u64)skb;
	struct tracked *t = NULL;
	struct mbt_lx_filter_in *fi = NULL;
	bool matched = cfg.filter_len == 0;
	struct scratch *s;
	__u64 parent;

	/*
	 * The translated filter ran just before us on this CPU and left its
	 * match in start_skb.  Take it now, whatever follows, so that it
	 * cannot outlive this skb and start a trace for the next one to get
	 * the same address.
	 */
	if (may_start && cfg.filter_len != 0 && (fi = get_filter_in()) &&
	    filter_external) {
		matched = fi->start_skb == key;
		fi->start_skb = 0;
	}
	if (ntracked != 0)
		t = bpf_map_lookup_elem(&tracked, &key);
	else if (!may_start && point != MBT_LX_P_NET_DEV_START_XMIT)
		return 0; /* (segments show up there after their packet ended) */
	/* Another packet at a traced packet's address: that one's life
	 * ended unseen.  This one is then looked at like any other. */
	if (t && !same_packet(skb, t)) {
		if (!(s = get_scratch()))
			return 0;
		lost_sight(s, t, key, point);
		t = NULL;
	}
	/* (A socket's skb->dev is UDP's scratch: sk_data_ready says.) */
	if (!dev && point != MBT_LX_P_SK_DATA_READY)
		dev = skb->dev;
	if (!t && ntracked != 0 && (parent = copy_of(skb)) != 0)
		return begin(
		    skb, dev, point, end, value, reason, location, parent, 0);
	if (!t &&
	    (point == MBT_LX_P_NET_DEV_QUEUE ||
		point == MBT_LX_P_NET_DEV_START_XMIT) &&
	    (parent = made_from(skb, dev)) != 0)
		return begin(skb, dev, point, end, value, reason, location,
		    parent, TRACKED_MADE);
	if (!t && may_start && (parent = rebuilt_from(skb, dev)) != 0)
		return begin(skb, dev, point, end, value, reason, location,
		    parent, TRACKED_REBUILT);
	if (!t && (!may_start || (filter_external && !matched)))
		return 0;
	if (t) {
		s = get_scratch();
		return s ? emit_event(s, skb, dev, t, false, point, end, value,
			       reason, location, 0)
			 : 0;
	}
	if (!(s = get_scratch()) || !start_matches(skb, dev, s))
		return 0;
	if (cfg.filter_len != 0 && !filter_external) {
		if (!fi)
			return 0;
		fi->caplen = filter_copy(skb, cfg.filter_link, fi->pkt,
		    cfg.filter_bytes, &fi->wirelen);
		if (fi->caplen == 0 || !filter_interpret(fi, s))
			return 0;
	}
	return begin(skb, dev, point, end, value, reason, location, 0, 0);
}

SEC("tp_btf/netif_receive_skb")
int
BPF_PROG(netif_receive_skb, struct sk_buff *skb)
{
	return track(
	    ctx, skb, NULL, MBT_LX_P_NETIF_RECEIVE_SKB, true, 0, 0, 0, 0);
}

#include "bridge.bpf.h"

SEC("tp_btf/netif_rx")
int
BPF_PROG(netif_rx, struct sk_buff *skb)
{
	return track(ctx, skb, NULL, MBT_LX_P_NETIF_RX, false, 0, 0, 0, 0);
}

SEC("tp_btf/net_dev_queue")
int
BPF_PROG(net_dev_queue, struct sk_buff *skb)
{
	return track(ctx, skb, NULL, MBT_LX_P_NET_DEV_QUEUE, true, 0, 0, 0, 0);
}

SEC("tp_btf/net_dev_start_xmit")
int
BPF_PROG(net_dev_start_xmit, struct sk_buff *skb, struct net_device *dev)
{
	return track(
	    ctx, skb, dev, MBT_LX_P_NET_DEV_START_XMIT, false, 0, 0, 0, 0);
}

/*
 * A packet a driver accepted has left the host, unless the device hands it
 * back to the stack (veth, loopback and other virtual devices, which have
 * link ops or the loopback flag): then the trace goes on in its peer.
 */
SEC("tp_btf/net_dev_xmit")
int
BPF_PROG(net_dev_xmit, struct sk_buff *skb, int rc, struct net_device *dev,
    unsigned int len)
{
	bool leaves;

	if (ntracked == 0)
		return 0; /* no trace starts here: nothing to look at */
	leaves =
	    rc == 0 && !dev->rtnl_link_ops && !(dev->flags & IFF_LOOPBACK_);
	return track(ctx, skb, dev, MBT_LX_P_NET_DEV_XMIT, false,
	    leaves ? MBT_END_SENT : 0, rc, 0, 0);
}

SEC("tp_btf/qdisc_enqueue")
int
BPF_PROG(qdisc_enqueue, struct Qdisc *q, const struct netdev_queue *txq,
    struct sk_buff *skb)
{
	return track(ctx, skb, q->dev_queue->dev, MBT_LX_P_QDISC_ENQUEUE, false,
	    0, 0, q->handle, 0);
}

SEC("tp_btf/qdisc_dequeue")
int
BPF_PROG(qdisc_dequeue, struct Qdisc *q, const struct netdev_queue *txq,
    int packets, struct sk_buff *skb)
{
	if (!skb)
		return 0;
	return track(ctx, skb, q->dev_queue->dev, MBT_LX_P_QDISC_DEQUEUE, false,
	    0, packets, q->handle, 0);
}

SEC("tp_btf/icmp_send")
int
BPF_PROG(icmp_send, const struct sk_buff *skb, int type, int code)
{
	return track(ctx, (struct sk_buff *)skb, NULL, MBT_LX_P_ICMP_SEND,
	    false, 0, type << 8 | code, 0, 0);
}

SEC("tp_btf/udp_fail_queue_rcv_skb")
int
BPF_PROG(udp_fail_queue_rcv_skb, int rc, struct sock *sk, struct sk_buff *skb)
{
	return track(ctx, skb, NULL, MBT_LX_P_UDP_FAIL_QUEUE_RCV_SKB, false, 0,
	    rc, 0, 0);
}

SEC("tp_btf/sock_rcvqueue_full")
int
BPF_PROG(sock_rcvqueue_full, struct sock *sk, struct sk_buff *skb)
{
	return track(
	    ctx, skb, NULL, MBT_LX_P_SOCK_RCVQUEUE_FULL, false, 0, 0, 0, 0);
}

/* A process read the packet's data: it was delivered. */
SEC("tp_btf/skb_copy_datagram_iovec")
int
BPF_PROG(skb_copy_datagram_iovec, const struct sk_buff *skb, int len)
{
	return track(ctx, (struct sk_buff *)skb, NULL,
	    MBT_LX_P_SKB_COPY_DATAGRAM_IOVEC, false, MBT_END_DELIVERED, len, 0,
	    0);
}

SEC("tp_btf/kfree_skb")
int
BPF_PROG(
    kfree_skb, struct sk_buff *skb, void *location, enum skb_drop_reason reason)
{
	return track(ctx, skb, NULL, MBT_LX_P_KFREE_SKB, true, MBT_END_DROPPED,
	    0, reason, (__u64)location);
}


SEC("tp_btf/consume_skb")
int
consume_skb(unsigned long long *ctx)
{
	struct sk_buff *skb = (struct sk_buff *)ctx[0];

	return track(ctx, skb, NULL, MBT_LX_P_CONSUME_SKB, false,
	    MBT_END_CONSUMED, 0, 0, cfg.consume_has_location ? ctx[1] : 0);
}

/*
 * A TCP segment that carried on its tail's data: TCP merged it into the
 * skb at the tail of sk's receive queue and freed it (with no hook) just
 * before waking the reader.  It is the traced skb just seen on this CPU,
 * to sk's port in sk's namespace.  NULL if it is not.
 */
static __always_inline struct sk_buff *
merged_into_tail(const struct sock *sk)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	struct sk_buff *skb;
	__u16 dport;

	if (!c || !c->skb ||
	    bpf_ktime_get_ns() - c->time_ns > route_window_ns ||
	    sk->sk_protocol != 6 /* IPPROTO_TCP */ ||
	    sk->__sk_common.skc_net.net->ns.inum != c->netns)
		return NULL;
	/* A BTF pointer, so that it reads like the hooks' own. */
	skb = bpf_rdonly_cast(
	    (void *)c->skb, bpf_core_type_id_kernel(struct sk_buff));
	if (bpf_probe_read_kernel(
		&dport, 2, skb->head + skb->transport_header + 2) != 0 ||
	    bpf_ntohs(dport) != sk->__sk_common.skc_num)
		return NULL;
	c->skb = 0;
	return skb;
}

/* What sk_data_ready's events say of the socket: family << 8 | type. */
static __always_inline __s32
sk_kind(const struct sock *sk)
{
	return sk->__sk_common.skc_family << 8 | sk->sk_type;
}

/*
 * With --nftrace and no other start point: is skb, which no trace
 * follows, one an nftables rule marked?  A rule in an input chain marks
 * it after the last start hook, on its way to a socket.
 */
static __always_inline bool
traced_by_nftables(struct sk_buff *skb)
{
	return cfg.want_nftrace && cfg.n_ifaces == 0 && cfg.filter_len == 0 && !cfg.want_pid &&
	       BPF_CORE_READ_BITFIELD(skb, nf_trace) &&
	       (!cfg.want_mark || (skb->mark & cfg.mark_mask) == cfg.mark_value);
}

/*
 * Its trace starts and ends at its socket.  The device is not known any
 * more (UDP reuses the field): the socket's namespace and the device the
 * packet came in by say where.
 */
static __always_inline int
delivered_unseen(struct sk_buff *skb, const struct sock *sk, __u64 parent)
{
	struct scratch *s = get_scratch();

	if (!s)
		return 0;
	s->where_netns = sk->__sk_common.skc_net.net->ns.inum;
	s->where_ifindex = skb->skb_iif;
	begin(skb, NULL, MBT_LX_P_SK_DATA_READY, MBT_END_DELIVERED, sk_kind(sk),
	    0, 0, parent, 0);
	s->where_netns = 0;
	s->where_ifindex = 0;
	return 0;
}

/*
 * Data was queued to a socket, and its reader woken.  The tracepoint
 * names only the socket: the packet is the one just put at the tail of its
 * receive queue (UDP, ping, raw, TCP), or just merged into it (TCP).  This
 * is the end of a packet delivered to a socket that no hook would
 * otherwise see: UDP and ping sockets free a packet that was read without
 * a tracepoint, and its address is soon another packet's.  A traced skb
 * at the tail came since the last wakeup, which would have ended its
 * trace.
 */
SEC("tp_btf/sk_data_ready")
int
BPF_PROG(sk_data_ready, const struct sock *sk)
{
	struct net_device *dev;
	struct sk_buff *skb;
	struct scratch *s;
	struct tracked *t;
	__u64 key, parent = 0;

	if (ntracked == 0 && !cfg.want_nftrace)
		return 0;
	skb = sk->sk_receive_queue.prev; /* the queue itself when empty */
	key = (__u64)skb;
	if (key == (__u64)&sk->sk_receive_queue ||
	    !(t = bpf_map_lookup_elem(&tracked, &key))) {
		/*
		 * A copy of a traced packet (a raw socket's: raw_rcv()
		 * clones each packet for it, and the original goes on to its
		 * protocol), or one an nftables rule marked: its trace
		 * starts and ends here.
		 */
		if (key != (__u64)&sk->sk_receive_queue &&
		    ((ntracked != 0 && (parent = copy_of(skb)) != 0) ||
			traced_by_nftables(skb)))
			return delivered_unseen(skb, sk, parent);
		if (!(skb = merged_into_tail(sk)))
			return 0;
		key = (__u64)skb;
		if (!(t = bpf_map_lookup_elem(&tracked, &key)))
			return 0;
	}
	/*
	 * Where the packet was last: UDP reuses skb->dev for its own
	 * accounting once the packet is queued (dev_scratch).  Unless that
	 * is in another namespace than the socket: a device whose receive
	 * handler took the packet on with no hook (macvlan, ipvlan) is the
	 * last, and skb_iif names it.
	 */
	dev = t->dev ? bpf_rdonly_cast((void *)t->dev,
			   bpf_core_type_id_kernel(struct net_device))
		     : NULL;
	if (dev && dev_netns(dev) != sk->__sk_common.skc_net.net->ns.inum &&
	    (s = get_scratch())) {
		s->where_netns = sk->__sk_common.skc_net.net->ns.inum;
		s->where_ifindex = skb->skb_iif;
		dev = NULL;
	}
	track(ctx, skb, dev, MBT_LX_P_SK_DATA_READY, false, MBT_END_DELIVERED,
	    sk_kind(sk), 0, 0);
	if ((s = get_scratch())) {
		s->where_netns = 0;
		s->where_ifindex = 0;
	}
	return 0;
}

/* A route lookup: attributed to the traced skb just seen on this CPU. */
static __always_inline int
route_event(__u8 point, __u32 table, struct net_device *dev, __s32 err,
    __u8 family, const void *gw, const void *daddr)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	struct scratch *s;
	__u64 now = bpf_ktime_get_ns();

	if (!c || c->trace_id == 0 || now - c->time_ns > route_window_ns)
		return 0;
	/* Another namespace's lookup of the same address (an ARP request
	 * for it, answered there) is not this packet's. */
	if (dev && dev_netns(dev) != c->netns)
		return 0;
	if (family == 4 && *(const __u32 *)daddr != c->daddr4)
		return 0;
	if (family == 6 &&
	    (((const __u64 *)daddr)[0] != ((__u64 *)c->daddr6)[0] ||
		((const __u64 *)daddr)[1] != ((__u64 *)c->daddr6)[1]))
		return 0;
	if (c->origin_id == c->trace_id)
		c->origin_time_ns = now; /* routed: its fragments are near */
	s = get_scratch();
	if (!s)
		return 0;
	fill_head(s, point, c->trace_id);
	/*
	 * The lookup happened where the packet is (the assembler places
	 * it at its last hop): the device found is where it is to go.
	 */
	s->ev.netns = c->netns;
	s->ev.oif = dev ? dev->ifindex : 0;
	/* Its name, to say which one: ifindex 0 keeps it out of placing. */
	if (dev)
		__builtin_memcpy(s->ev.ifname, dev->name, sizeof(s->ev.ifname));
	s->ev.table = table;
	s->ev.value = err;
	if (gw) {
		s->ev.family = family;
		__builtin_memcpy(s->ev.gw, gw, family == 4 ? 4 : 16);
	}
	submit(s, NULL);
	return 0;
}

/*
 * GRO may merge a packet into the one before it of its flow, and free its
 * sk_buff with no tracepoint (or keep it in that one's list): its trace
 * ends there, or the address would carry it on into a later skb.  Entry
 * names the skb, exit the result.
 */
SEC("tp_btf/napi_gro_receive_entry")
int
BPF_PROG(napi_gro_receive_entry, const struct sk_buff *skb)
{
	__u32 zero = 0;
	struct current *c;
	__u64 key = (__u64)skb;

	if (ntracked == 0 || !(c = bpf_map_lookup_elem(&current, &zero)))
		return 0;
	c->gro_skb = bpf_map_lookup_elem(&tracked, &key) ? key : 0;
	/* A hop too: a veth in NAPI mode hands it over with no netif_rx. */
	return c->gro_skb ? track(ctx, (struct sk_buff *)skb, NULL,
				MBT_LX_P_GRO_RECEIVE, false, 0, 0, 0, 0)
			  : 0;
}

SEC("tp_btf/napi_gro_receive_exit")
int
BPF_PROG(napi_gro_receive_exit, int ret)
{
	__u32 zero = 0;
	struct current *c = bpf_map_lookup_elem(&current, &zero);
	struct tracked *t;
	struct scratch *s;
	__u64 key;

	if (!c || !c->gro_skb)
		return 0;
	key = c->gro_skb;
	c->gro_skb = 0;
	/* (GRO_HELD: it is the packet others merge into, and goes on.) */
	if ((ret != GRO_MERGED && ret != GRO_MERGED_FREE) ||
	    !(t = bpf_map_lookup_elem(&tracked, &key)) || !(s = get_scratch()))
		return 0;
	/* Its data, if still there, is the merged packet's. */
	end_unread(s, t, key, MBT_LX_P_GRO_RECEIVE, MBT_END_CONSUMED, ret);
	return 0;
}

/*
 * The next hop's link address is not known: the packet waits in the
 * neighbour's queue while it resolves (rc 1), the last in it.  (When the
 * address is only to be confirmed, rc 0, the packet goes on and the
 * tracepoint does not say which it was: that is left out.)
 */
SEC("tp_btf/neigh_event_send_done")
int
BPF_PROG(neigh_event_send_done, struct neighbour *n, int rc)
{
	struct sk_buff *queued;
	struct tracked *t;
	struct scratch *s;
	__u64 key;
	__u16 family;

	if (ntracked == 0 || rc != 1 || n->arp_queue.qlen == 0)
		return 0;
	queued = n->arp_queue.prev;
	key = (__u64)queued;
	if (!(t = bpf_map_lookup_elem(&tracked, &key)) || !(s = get_scratch()))
		return 0;
	fill_head(s, MBT_LX_P_NEIGH, t->trace_id);
	fill_dev(s, n->dev);
	s->ev.value = n->nud_state;
	s->ev.reason = rc;
	family = n->tbl->family;
	if (family == 2 /* AF_INET */ || family == 10 /* AF_INET6 */) {
		s->ev.family = family == 2 ? 4 : 6;
		bpf_probe_read_kernel(
		    s->ev.gw, family == 2 ? 4 : 16, n->primary_key);
	}
	submit(s, NULL);
	return 0;
}

SEC("tp_btf/fib_table_lookup")
int
BPF_PROG(fib_table_lookup, u32 tb_id, const struct flowi4 *flp,
    const struct fib_nh_common *nhc, int err)
{
	__u32 daddr = BPF_CORE_READ(flp, daddr);
	__u32 gw = 0;
	struct net_device *dev = NULL;

	if (nhc && err == 0) {
		dev = nhc->nhc_dev;
		if (nhc->nhc_gw_family == 2 /* AF_INET */)
			gw = nhc->nhc_gw.ipv4;
	}
	return route_event(MBT_LX_P_FIB_TABLE_LOOKUP, tb_id, dev, err, 4,
	    gw ? &gw : NULL, &daddr);
}

SEC("tp_btf/fib6_table_lookup")
int
BPF_PROG(fib6_table_lookup, const struct net *net,
    const struct fib6_result *res, struct fib6_table *table,
    const struct flowi6 *flp)
{
	struct in6_addr daddr = BPF_CORE_READ(flp, daddr);
	struct in6_addr gw = {0};
	struct fib6_nh *nh = res->nh;
	struct net_device *dev = nh ? nh->nh_common.nhc_dev : NULL;
	bool has_gw = nh && nh->nh_common.nhc_gw_family != 0;

	if (has_gw)
		gw = nh->nh_common.nhc_gw.ipv6;
	return route_event(MBT_LX_P_FIB6_TABLE_LOOKUP,
	    table ? BPF_CORE_READ(table, tb6_id) : 0, dev, dev ? 0 : -101, 6,
	    has_gw ? &gw : NULL, &daddr);
}
