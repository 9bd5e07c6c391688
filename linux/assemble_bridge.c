/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What a bridge did with a traced packet, in words for the record of its
 * entry into a bridge port (MBT_LX_P_BRIDGE_PORT, linux/bridge.bpf.h).
 * The port's STP state is read in the kernel; the decision is not a hook
 * on the kernels recorded with tracepoints, so it is inferred from what
 * the trace shows next in the bridge's namespace, and said to be:
 *
 *  - copies of the packet made there (the bridge clones it for every
 *    port but the last when it floods): flooded;
 *  - no copy, and out of exactly one other port: forwarded (its
 *    forwarding database knew the destination);
 *  - no copy, and up to the bridge device only: for the bridge's host;
 *  - an end there: dropped, with the kernel's reason.
 *
 * A flood to a single other port cannot be told from a forward.
 */
#include <inttypes.h>
#include <stdio.h>

#include "assemble_int.h"

static const char *
stp_state(int32_t state)
{
	static const char *const names[] = {
	    "disabled", "listening", "learning", "forwarding", "blocking"};

	return state >= 0 && state < 5 ? names[state] : "unknown";
}

/* What follows event i of t in its namespace, until it leaves it. */
struct bridge_next {
	unsigned copies;
	const struct mbt_lx_event *out, *up, *end;
	char out_name[17], up_name[17];
	bool more_out; /* left by a second port too */
};

static void
name_of(char *dst, const struct mbt_lx_event *ev)
{
	snprintf(dst, 17, "%.*s", (int)sizeof(ev->ifname), ev->ifname);
}

static void
follow(const struct mbt_lx_open_trace *t, size_t i, struct bridge_next *n)
{
	const struct mbt_lx_event *in = t->events[i];

	memset(n, 0, sizeof(*n));
	for (size_t j = i + 1; j < t->nevents; j++) {
		const struct mbt_lx_event *e = t->events[j];

		if (e->point == MBT_LX_P_COPY) {
			n->copies++;
			continue;
		}
		if (e->netns != 0 && e->netns != in->netns)
			break; /* handed on to the next namespace */
		if (e->point == MBT_LX_P_BRIDGE_PORT)
			break; /* in a bridge again: its own decision */
		if (e->flags & MBT_LX_F_END) {
			n->end = e;
			break;
		}
		if (e->ifindex == 0 || e->ifindex == in->ifindex)
			continue;
		if (e->point == MBT_LX_P_NET_DEV_QUEUE ||
		    e->point == MBT_LX_P_NET_DEV_START_XMIT) {
			if (n->out != NULL && n->out->ifindex != e->ifindex)
				n->more_out = true;
			if (n->out == NULL) {
				n->out = e;
				name_of(n->out_name, e);
			}
		} else if (e->point == MBT_LX_P_NETIF_RECEIVE_SKB &&
			   n->up == NULL) {
			n->up = e;
			name_of(n->up_name, e);
		}
	}
}

void
mbt_lx_bridge_text(const struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, size_t i, char *text, size_t size)
{
	const struct mbt_lx_event *ev = t->events[i];
	const char *reason = NULL;
	char *start = text;
	struct bridge_next n;
	int len;

	follow(t, i, &n);
	len = snprintf(text, size, "bridge port %s", stp_state(ev->value));
	if (len < 0 || (size_t)len >= size)
		goto done;
	text += len;
	size -= (size_t)len;
	if (n.end != NULL && n.end->end == MBT_END_DROPPED &&
	    a->names.drop_reason != NULL)
		reason = a->names.drop_reason(a->names.ctx, n.end->reason);
	if (ev->value != 3 /* BR_STATE_FORWARDING */ && n.out == NULL &&
	    n.copies == 0)
		snprintf(text, size, ": %s, not forwarded%s%s",
		    ev->value == 2 ? "its source learned" : "dropped",
		    reason != NULL ? ": " : "", reason != NULL ? reason : "");
	else if (n.copies > 0)
		snprintf(text, size,
		    ": flooded (inferred: %u cop%s made here%s%s%s%s)",
		    n.copies, n.copies == 1 ? "y" : "ies",
		    n.out != NULL ? ", this one out of " : "", n.out_name,
		    n.out == NULL && n.up != NULL ? ", this one up to " : "",
		    n.out == NULL ? n.up_name : "");
	else if (n.out != NULL && !n.more_out)
		snprintf(text, size,
		    ": forwarded to %s (inferred: out of that port only, no "
		    "copies)",
		    n.out_name);
	else if (n.up != NULL && n.out == NULL)
		snprintf(text, size, ": up to %s, for this host", n.up_name);
	else if (n.end != NULL && n.end->end == MBT_END_DROPPED)
		snprintf(text, size, ": dropped in the bridge%s%s",
		    reason != NULL ? ": " : "", reason != NULL ? reason : "");
done:
	r->text = mbt_lx_str(start);
}
