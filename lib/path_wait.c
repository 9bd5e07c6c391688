/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Named waits: the places where a packet sits in a queue between two of its
 * records (a qdisc, a neighbour's queue while its address resolves, the
 * receive backlog or netisr queue, a socket's queue until a reader takes
 * it), found from the records both kernels write.  One table, so `paths`,
 * `diff`, `graph` and `explain` name the same waits.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"

/*
 * A wait starts at a record whose function is `start` (Linux points) or
 * whose text begins with it (the FreeBSD patches' words), and ends at the
 * first later record that matches `end` the same way; with no `end`, at
 * the next step (the packet went on when the queue let it go).
 */
static const struct wait_rule {
	const char *name, *start, *end;
} rules[] = {
    {"qdisc", "qdisc_enqueue", "qdisc_dequeue"},
    {"neighbour", "neigh_event_send", NULL},
    {"neighbour", "arpresolve: held", NULL},
    {"neighbour", "nd6: held", "nd6: sent from the hold"},
    /* A veth's sender logs its transmit between netif_rx and the
     * receiver's backlog run: the end is named. */
    {"backlog", "netif_rx", "netif_receive_skb"},
    {"backlog", "netisr: queued", NULL},
    {"backlog", "epair: to ", NULL},
    {"socket", "sk_data_ready", "skb_copy_datagram_iovec"},
};

static bool
str_is(struct mbt_str s, const char *want)
{
	size_t n = strlen(want);

	return s.len == n && memcmp(s.ptr, want, n) == 0;
}

static bool
str_begins(struct mbt_str s, const char *want)
{
	size_t n = strlen(want);

	return s.len >= n && memcmp(s.ptr, want, n) == 0;
}

static bool
matches(const struct mbt_record *r, const char *key)
{
	return str_is(r->func, key) || str_begins(r->text, key);
}

long
mbt_path_waits(const struct mbt_path *p, struct mbt_wait **out)
{
	struct mbt_wait *v = NULL;
	size_t n = 0;

	*out = NULL;
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct mbt_record *r = p->steps[i].rec;

		for (size_t k = 0; k < sizeof(rules) / sizeof(rules[0]); k++) {
			const struct wait_rule *w = &rules[k];
			size_t e = i + 1;
			struct mbt_wait *nv;

			if (!matches(r, w->start))
				continue;
			while (w->end != NULL && e < p->nsteps &&
			    !matches(p->steps[e].rec, w->end))
				e++;
			if (e >= p->nsteps)
				break; /* it never left the queue in this trace */
			nv = realloc(v, (n + 1) * sizeof(*v));
			if (nv == NULL) {
				free(v);
				return -ENOMEM;
			}
			v = nv;
			v[n++] = (struct mbt_wait){w->name, i, e};
			break;
		}
	}
	*out = v;
	return (long)n;
}
