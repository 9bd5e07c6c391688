/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nftables verdicts into traces.  The kernel reports each rule, policy and
 * return that a packet with nf_trace set meets (NFT_MSG_TRACE), naming the
 * packet by a per-skb pseudo id and, once per hook, by its headers; no
 * tracepoint marks the hook itself.  So a verdict joins the trace whose
 * packet has those headers in that namespace (or the trace an earlier
 * verdict with the same id joined), and is placed among the trace's hops by
 * what its hook is: before routing, after it, or before the packet is
 * queued to its output device.
 *
 * Verdicts are read after the events of the same moment (see cli/record.c),
 * and the kernel sends a verdict before the hops that follow its hook, so a
 * verdict whose trace has not started yet (a trace that starts where the
 * packet is dropped) waits for it a while.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble_int.h"

/* Values of <linux/netfilter.h> and <linux/netfilter/nf_tables.h>. */
enum { NF_DROP_ = 0, NF_ACCEPT_, NF_STOLEN_, NF_QUEUE_, NF_REPEAT_ };
enum {
	NFT_CONTINUE_ = -1,
	NFT_BREAK_ = -2,
	NFT_JUMP_ = -3,
	NFT_GOTO_ = -4,
	NFT_RETURN_ = -5,
};
enum { NFT_TRACETYPE_POLICY_ = 1, NFT_TRACETYPE_RETURN_ = 2 };

bool
mbt_lx_rule_says_nothing(const struct mbt_lx_rule *r)
{
	/* The kernel's end-of-rules marker: a "rule" without a handle that
	 * lets evaluation continue to the chain's policy, reported next. */
	return r->type == 3 /* NFT_TRACETYPE_RULE */ && r->handle == 0 &&
	       r->verdict == -1 /* NFT_CONTINUE */;
}

static bool
is_point(const struct mbt_lx_event *ev, uint8_t a, uint8_t b)
{
	return ev->point == a || ev->point == b;
}

static bool
is_egress(const struct mbt_lx_event *ev)
{
	return ev->point == MBT_LX_P_NET_DEV_QUEUE ||
	       ev->point == MBT_LX_P_NEIGH || /* after postrouting too */
	       ev->point == MBT_LX_P_QDISC_ENQUEUE ||
	       ev->point == MBT_LX_P_NET_DEV_START_XMIT ||
	       ev->point == MBT_LX_P_NET_DEV_XMIT;
}

static uint8_t
hook_place(const struct mbt_lx_rule *r)
{
	if (r->place != MBT_LX_HOOK_UNKNOWN)
		return r->place;
	/* Only forward has both devices; prerouting and input the first. */
	if (r->iif != 0)
		return r->oif != 0 ? MBT_LX_HOOK_ROUTED : MBT_LX_HOOK_INGRESS;
	return MBT_LX_HOOK_EGRESS;
}

/*
 * The index of the event the verdict goes before.  The packet's latest
 * arrival in the namespace (on the verdict's input device) anchors it; with
 * none, the hook came before the trace's first hop there.
 */
static size_t
placement(const struct mbt_lx_open_trace *t, const struct mbt_lx_rule *r)
{
	size_t i, from = 0, n = t->nevents;
	uint8_t place = hook_place(r);

	for (i = n; i-- > 0;) {
		const struct mbt_lx_event *ev = t->events[i];

		if (ev->netns == r->netns &&
		    ev->point == MBT_LX_P_NETIF_RECEIVE_SKB &&
		    (r->iif == 0 || ev->ifindex == r->iif)) {
			from = i + 1;
			break;
		}
	}
	if (place == MBT_LX_HOOK_INGRESS)
		return from;
	for (i = from; i < n; i++) {
		const struct mbt_lx_event *ev = t->events[i];

		if (ev->netns != r->netns)
			continue;
		if (place == MBT_LX_HOOK_ROUTED &&
		    is_point(ev, MBT_LX_P_FIB_TABLE_LOOKUP,
			MBT_LX_P_FIB6_TABLE_LOOKUP))
			return i + 1;
		if ((ev->flags & MBT_LX_F_END) ||
		    (is_egress(ev) && (r->oif == 0 || ev->ifindex == r->oif)))
			return i;
	}
	return n;
}

/* The newest snapshot of the trace's packet, from its network header. */
static const uint8_t *
newest_snapshot(const struct mbt_lx_open_trace *t, size_t *len)
{
	for (size_t i = t->nevents; i-- > 0;) {
		const struct mbt_lx_event *ev = t->events[i];
		size_t skip =
		    ev->snap_linktype == MBT_LINKTYPE_ETHERNET ? 14 : 0;

		if (ev->snap_len > skip) {
			*len = ev->snap_len - skip;
			return (const uint8_t *)(ev + 1) + skip;
		}
	}
	return NULL;
}

/*
 * Is the packet the kernel described the one in the snapshot?  What NAT
 * and forwarding leave alone must agree: for IPv4 the length, the id and
 * the protocol; for IPv6 the length, next header, addresses and the first
 * transport bytes (ports, or an echo's id and sequence).
 */
static bool
same_packet(const struct mbt_lx_rule *r, const uint8_t *p, size_t len)
{
	const uint8_t *h = r->nethdr;

	if (r->nethdr_len < 20 || len < 20 || (h[0] >> 4) != (p[0] >> 4))
		return false;
	if ((h[0] >> 4) == 4)
		return memcmp(h + 2, p + 2, 4) == 0 && h[9] == p[9];
	if ((h[0] >> 4) != 6 || r->nethdr_len < 40 || len < 40 ||
	    memcmp(h + 4, p + 4, 3) != 0 || memcmp(h + 8, p + 8, 32) != 0)
		return false;
	return r->thdr_len < 8 || len < 48 || memcmp(r->thdr, p + 40, 8) == 0;
}

static bool
has_id(const struct mbt_lx_open_trace *t, uint64_t netns, uint32_t id)
{
	for (size_t i = 0; i < t->nids; i++)
		if (t->ids[i].netns == netns && t->ids[i].id == id)
			return true;
	return false;
}

static bool
seen_in(const struct mbt_lx_open_trace *t, uint64_t netns)
{
	for (size_t i = 0; i < t->nevents; i++)
		if (t->events[i]->netns == netns)
			return true;
	return false;
}

/* Did t's packet arrive in r's namespace on r's input device? */
static bool
arrived_on(const struct mbt_lx_open_trace *t, const struct mbt_lx_rule *r)
{
	for (size_t i = 0; i < t->nevents; i++) {
		const struct mbt_lx_event *ev = t->events[i];

		if (ev->netns == r->netns && ev->ifindex == r->iif &&
		    ev->point == MBT_LX_P_NETIF_RECEIVE_SKB)
			return true;
	}
	return false;
}

/*
 * Is t the trace of r's packet, and how good a match: 3 when its packet
 * arrived on r's input device (not a copy made after), 2 when it is in
 * r's namespace now, 1 when it was there before, 0 when not at all.
 */
static int
match_score(const struct mbt_lx_open_trace *t, const struct mbt_lx_rule *r)
{
	const uint8_t *snap;
	size_t len;

	if (r->nethdr_len == 0)
		return has_id(t, r->netns, r->nft_id) ? 3 : 0;
	if (!seen_in(t, r->netns) ||
	    (snap = newest_snapshot(t, &len)) == NULL ||
	    !same_packet(r, snap, len))
		return 0;
	if (r->iif != 0 && arrived_on(t, r))
		return 3;
	return t->events[t->nevents - 1]->netns == r->netns ? 2 : 1;
}

static void
consider(struct mbt_lx_open_trace *t, const struct mbt_lx_rule *r,
    struct mbt_lx_open_trace **best, int *best_score)
{
	int score = match_score(t, r);

	if (score > *best_score || (score > 0 && score == *best_score &&
				       t->last_ns > (*best)->last_ns)) {
		*best = t;
		*best_score = score;
	}
}

static struct mbt_lx_open_trace *
find_trace(struct mbt_lx_asm *a, const struct mbt_lx_rule *r)
{
	struct mbt_lx_open_trace *best = NULL;
	int score = 0;

	for (size_t b = 0; b < a->nbuckets; b++)
		for (struct mbt_lx_open_trace *t = a->buckets[b]; t != NULL;
		     t = t->next)
			consider(t, r, &best, &score);
	for (struct mbt_lx_open_trace *t = a->held; t != NULL; t = t->next)
		consider(t, r, &best, &score);
	return best;
}

/*
 * The id r's packet has in r's namespace, and the devices of its hook.
 * One id per namespace: the newest, which is the one in use.
 */
static void
remember_id(struct mbt_lx_open_trace *t, const struct mbt_lx_rule *r)
{
	struct mbt_lx_nft_id *id;
	size_t i;

	for (i = 0; i < t->nids && t->ids[i].netns != r->netns; i++)
		;
	if (i == MBT_LX_NFT_IDS)
		i = MBT_LX_NFT_IDS - 1;
	else if (i == t->nids)
		t->nids++;
	id = &t->ids[i];
	if (id->netns != r->netns || id->id != r->nft_id)
		*id = (struct mbt_lx_nft_id){r->netns, r->nft_id, 0, 0};
	if (r->nethdr_len != 0) {
		id->iif = r->iif;
		id->oif = r->oif;
	}
}

/*
 * The kernel names the devices only in a hook's first event: the others
 * of the same hook get them from it, to say where they happened.
 */
static void
inherit_devices(const struct mbt_lx_open_trace *t, struct mbt_lx_rule *r)
{
	for (size_t i = 0; i < t->nids; i++) {
		if (t->ids[i].netns == r->netns && t->ids[i].id == r->nft_id) {
			r->iif = t->ids[i].iif;
			r->oif = t->ids[i].oif;
		}
	}
}

/* Place r in t.  Returns 0 or -ENOMEM. */
static int
attach(struct mbt_lx_asm *a, struct mbt_lx_open_trace *t,
    const struct mbt_lx_rule *rule)
{
	struct mbt_lx_rule copy = *rule, *r = &copy;

	if (r->nethdr_len == 0)
		inherit_devices(t, r);
	remember_id(t, r);
	if (mbt_lx_rule_says_nothing(r))
		return 0; /* it named the packet; that was all */
	if (t->nrules == MBT_LX_MAX_RULES) {
		t->lost++;
		a->stats.records_lost++;
		return 0;
	}
	if (t->rules == NULL &&
	    (t->rules = malloc(MBT_LX_MAX_RULES * sizeof(*t->rules))) == NULL)
		return -ENOMEM;
	t->rules[t->nrules].rule = *r;
	t->rules[t->nrules].before = placement(t, r);
	t->nrules++;
	a->stats.rules++;
	return 0;
}

static int
wait_for_trace(struct mbt_lx_asm *a, const struct mbt_lx_rule *r)
{
	if (a->npending == MBT_LX_MAX_PENDING_RULES) {
		/* The oldest has waited longest: it gives way. */
		memmove(a->pending, a->pending + 1,
		    (a->npending - 1) * sizeof(*a->pending));
		a->npending--;
		a->stats.rules_unmatched++;
	}
	if (a->pending == NULL &&
	    (a->pending = malloc(
		 MBT_LX_MAX_PENDING_RULES * sizeof(*a->pending))) == NULL)
		return -ENOMEM;
	a->pending[a->npending++] = *r;
	return 0;
}

int
mbt_lx_asm_rule(struct mbt_lx_asm *a, const struct mbt_lx_rule *r)
{
	struct mbt_lx_open_trace *t = find_trace(a, r);

	return t != NULL ? attach(a, t, r) : wait_for_trace(a, r);
}

void
mbt_lx_nft_retry(struct mbt_lx_asm *a, uint64_t now_ns)
{
	/* Only new events or verdicts can give a waiting one its trace:
	 * without them, each round would scan every open trace again. */
	uint64_t news = a->stats.events + a->stats.rules;
	bool look = news != a->pending_news;
	size_t kept = 0;

	a->pending_news = news;
	/* In arrival order, so that a verdict with headers names the id
	 * before the verdicts without them that follow it. */
	for (size_t i = 0; i < a->npending; i++) {
		const struct mbt_lx_rule *r = &a->pending[i];
		struct mbt_lx_open_trace *t = look ? find_trace(a, r) : NULL;

		if (t != NULL && attach(a, t, r) == 0)
			continue;
		if (now_ns == UINT64_MAX ||
		    (now_ns > r->seen_ns &&
			now_ns - r->seen_ns > MBT_LX_RULE_WAIT_NS)) {
			a->stats.rules_unmatched++;
			continue;
		}
		a->pending[kept++] = *r;
	}
	a->npending = kept;
}

static const char *
family_name(uint8_t family)
{
	switch (family) {
	case 1: return "inet";
	case 2: return "ip";
	case 3: return "arp";
	case 5: return "netdev";
	case 7: return "bridge";
	case 10: return "ip6";
	default: return "?";
	}
}

/* The verdict in the format's terms, and in nftables' words in text. */
static uint8_t
verdict(const struct mbt_lx_rule *r, char *text, size_t size)
{
	const char *what = NULL;
	uint8_t v = MBT_VERDICT_CONTINUE;

	switch (r->verdict >= 0 ? r->verdict & 0xff : r->verdict) {
	case NF_DROP_: v = MBT_VERDICT_DROP; break;
	case NF_ACCEPT_: v = MBT_VERDICT_PASS; break;
	case NF_STOLEN_: v = MBT_VERDICT_QUEUE, what = "stolen"; break;
	case NF_QUEUE_: v = MBT_VERDICT_QUEUE, what = "queue"; break;
	case NF_REPEAT_: what = "repeat"; break;
	case NFT_CONTINUE_: break;
	case NFT_BREAK_: what = "break"; break;
	case NFT_JUMP_: what = "jump"; break;
	case NFT_GOTO_: what = "goto"; break;
	case NFT_RETURN_: what = "return"; break;
	default: what = "unknown verdict"; break;
	}
	if (r->type == NFT_TRACETYPE_POLICY_)
		snprintf(text, size, "policy%s%s", what ? " " : "",
		    what ? what : "");
	else if (r->type == NFT_TRACETYPE_RETURN_)
		snprintf(text, size, "end of chain: return");
	else if (r->target[0] != '\0')
		snprintf(text, size, "%s %s", what ? what : "to", r->target);
	else
		snprintf(text, size, "%s", what ? what : "");
	return v;
}

/* An event of t on that device of that namespace, for its name. */
static const struct mbt_lx_event *
on_device(const struct mbt_lx_open_trace *t, uint64_t netns, uint32_t ifindex)
{
	for (size_t i = 0; i < t->nevents; i++)
		if (t->events[i]->netns == netns &&
		    t->events[i]->ifindex == ifindex)
			return t->events[i];
	return NULL;
}

void
mbt_lx_nft_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, const struct mbt_lx_placed_rule *p,
    const struct mbt_lx_event *near, uint64_t t0, char *text, size_t size,
    char *table, size_t tsize)
{
	const struct mbt_lx_event *dev;
	const struct mbt_lx_rule *rule = &p->rule;
	bool egress = hook_place(rule) == MBT_LX_HOOK_EGRESS;
	uint32_t ifindex = egress && rule->oif != 0 ? rule->oif
			   : rule->iif != 0	    ? rule->iif
						    : rule->oif;

	memset(r, 0, sizeof(*r));
	r->kind = MBT_KIND_RULE;
	r->has_src = true;
	r->func = mbt_lx_str("nft_do_chain");
	r->has_rule = true;
	r->fw = MBT_FW_NFTABLES;
	snprintf(table, tsize, "%s/%s/%s", family_name(rule->family),
	    rule->table, rule->chain);
	r->rule_table = mbt_lx_str(table);
	r->rule_number = rule->handle;
	r->detail = verdict(rule, text, size);
	r->text = mbt_lx_str(text);
	/* No clock of its own: it happened next to this hop. */
	r->has_time = near->time_ns >= t0;
	r->time_ns = near->time_ns - t0;
	r->has_ns = true;
	r->ns_id = rule->netns;
	if (a->names.netns != NULL)
		r->ns_name =
		    mbt_lx_str(a->names.netns(a->names.ctx, rule->netns));
	if (ifindex != 0) {
		r->has_iface = true;
		r->ifindex = ifindex;
		if ((dev = on_device(t, rule->netns, ifindex)) != NULL)
			r->ifname = (struct mbt_str){
			    dev->ifname, (uint16_t)strnlen(
					     dev->ifname, sizeof(dev->ifname))};
	}
}
