/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Joining hosts' traces into journeys: a hop whose packet left its host
 * looking exactly as another host's packet arrived is joined to it, when
 * neither could be anything else.  Each join also says something about the
 * two hosts' clocks: the packet left before it arrived.  Joins both ways
 * between two hosts bound their offset from both sides.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/journey.h"

void
mbt_journeys_init(struct mbt_journeys *j)
{
	memset(j, 0, sizeof(*j));
}

void
mbt_journeys_free(struct mbt_journeys *j)
{
	for (size_t i = 0; i < j->nhops; i++) {
		mbt_trace_free(&j->hops[i].t);
		free(j->hops[i].bytes);
	}
	free(j->hops);
	free(j->hosts);
	free(j->links);
	free(j->refusals);
	mbt_journeys_init(j);
}

long
mbt_journeys_host(struct mbt_journeys *j, const char *name)
{
	struct mbt_host *h = realloc(j->hosts, (j->nhosts + 1) * sizeof(*h));

	if (h == NULL)
		return -ENOMEM;
	j->hosts = h;
	h += j->nhosts;
	memset(h, 0, sizeof(*h));
	snprintf(h->name, sizeof(h->name), "%s", name);
	return (long)j->nhosts++;
}

/* The first and last snapshots: the packet as it came and as it went. */
static void
hop_ids(struct mbt_hop *h)
{
	const struct mbt_trace *t = &h->t;
	const struct mbt_record *first = NULL, *last = NULL;

	for (size_t i = 0; i < t->nrecords; i++) {
		if (!t->records[i].has_packet)
			continue;
		if (first == NULL)
			first = &t->records[i];
		last = &t->records[i];
	}
	if (first != NULL)
		h->has_in = mbt_wire_id_get(first->linktype, first->pkt,
		    first->pkt_len, first->orig_len, &h->in);
	if (t->tail != NULL && t->tail_orig_len > 0)
		h->has_out = mbt_wire_id_get(t->tail_linktype, t->tail,
		    t->tail_len, t->tail_orig_len, &h->out);
	else if (last != NULL)
		h->has_out = mbt_wire_id_get(last->linktype, last->pkt,
		    last->pkt_len, last->orig_len, &h->out);
	if (!h->has_in && h->has_out) {
		h->in = h->out; /* only the tail: it came as it went */
		h->has_in = true;
	}
}

/*
 * Arrival and end on the host's clock.  Without the trace's own clock the
 * capture time (when the trace was emitted, at its end) stands for both:
 * the arrival was no later, so the bounds drawn from it stay true, only
 * looser.
 */
static void
hop_times(struct mbt_hop *h, int64_t ts_ns)
{
	const struct mbt_trace *t = &h->t;
	bool any = false;
	uint64_t lo = 0, hi = 0;

	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!r->has_time)
			continue;
		lo = any && lo < r->time_ns ? lo : r->time_ns;
		hi = any && hi > r->time_ns ? hi : r->time_ns;
		any = true;
	}
	h->timed = t->start_ns != 0;
	if (!h->timed) {
		h->first_ns = h->last_ns = ts_ns;
		return;
	}
	h->first_ns = (int64_t)(t->start_ns + lo);
	h->last_ns = (int64_t)(t->start_ns + hi);
}

int
mbt_journeys_add(struct mbt_journeys *j, size_t host, uint64_t frame,
    int64_t ts_ns, const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	struct mbt_hop *h;

	if (j->nhops == j->hops_cap) {
		size_t cap = j->hops_cap ? 2 * j->hops_cap : 64;

		h = realloc(j->hops, cap * sizeof(*h));
		if (h == NULL)
			return -ENOMEM;
		j->hops = h;
		j->hops_cap = cap;
	}
	h = &j->hops[j->nhops];
	memset(h, 0, sizeof(*h));
	h->bytes = malloc(caplen > 0 ? caplen : 1);
	if (h->bytes == NULL)
		return -ENOMEM;
	memcpy(h->bytes, data, caplen);
	h->host = host;
	h->frame = frame;
	h->caplen = caplen;
	h->wirelen = wirelen;
	h->prev = h->next = SIZE_MAX;
	mbt_trace_init(&h->t);
	if (mbt_decode(h->bytes, caplen, wirelen, &h->t) == -ENOMEM) {
		mbt_trace_free(&h->t);
		free(h->bytes);
		return -ENOMEM;
	}
	j->nhops++;
	hop_times(h, ts_ns);
	/* A broken trace is shown as it is, never joined. */
	if (h->t.error.kind == MBT_OK)
		hop_ids(h);
	return 0;
}

/* Did the packet leave its host?  A trace with no END may have. */
static bool
left_host(const struct mbt_hop *h)
{
	for (size_t i = h->t.nrecords; i-- > 0;)
		if (h->t.records[i].kind == MBT_KIND_END)
			return h->t.records[i].detail == MBT_END_SENT;
	return true;
}

static int
refuse(struct mbt_journeys *j, size_t hop, bool leaving, const size_t *cand,
    size_t n)
{
	struct mbt_refusal *r =
	    realloc(j->refusals, (j->nrefusals + 1) * sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	j->refusals = r;
	r += j->nrefusals++;
	r->hop = hop;
	r->leaving = leaving;
	r->nothers = n;
	for (size_t i = 0; i < n && i < MBT_REFUSAL_SHOWN; i++)
		r->others[i] = cand[i];
	return 0;
}

/*
 * The hops h could have come from (leaving = false) or gone to; at most
 * max are written, all are counted.
 */
static size_t
candidates(const struct mbt_journeys *j, size_t h, bool leaving, size_t *out,
    size_t max)
{
	const struct mbt_hop *a = &j->hops[h];
	size_t n = 0;

	for (size_t i = 0; i < j->nhops; i++) {
		const struct mbt_hop *b = &j->hops[i];
		const struct mbt_hop *from = leaving ? a : b, *to = leaving ? b : a;

		/* A copy made on its host (a raw socket's, a capture tap's)
		 * did not cross the wire: its original did, and is the one
		 * to join.  Taking both would make every arrival ambiguous. */
		if (b->host == a->host || b->t.error.kind != MBT_OK ||
		    b->t.parent_id != 0)
			continue;
		if (!from->has_out || !to->has_in || !left_host(from))
			continue;
		if (!mbt_wire_id_same(&from->out, &to->in))
			continue;
		if (n < max)
			out[n] = i;
		n++;
	}
	return n;
}

static struct mbt_clock_link *
link_get(struct mbt_journeys *j, size_t a, size_t b)
{
	struct mbt_clock_link *l;

	for (size_t i = 0; i < j->nlinks; i++)
		if (j->links[i].a == a && j->links[i].b == b)
			return &j->links[i];
	l = realloc(j->links, (j->nlinks + 1) * sizeof(*l));
	if (l == NULL)
		return NULL;
	j->links = l;
	l += j->nlinks++;
	memset(l, 0, sizeof(*l));
	l->a = a;
	l->b = b;
	return l;
}

/* from left at x on its clock, to arrived at y on its own: x + off_from
 * <= y + off_to. */
static int
bound_clocks(struct mbt_journeys *j, const struct mbt_hop *from,
    const struct mbt_hop *to)
{
	size_t a = from->host < to->host ? from->host : to->host;
	size_t b = from->host < to->host ? to->host : from->host;
	struct mbt_clock_link *l = link_get(j, a, b);
	int64_t d = from->last_ns - to->first_ns;

	if (l == NULL)
		return -ENOMEM;
	l->npairs++;
	if (from->host == a) { /* off_b - off_a >= x - y */
		l->lo = l->has_lo && l->lo > d ? l->lo : d;
		l->has_lo = true;
	} else { /* off_a - off_b >= x - y: off_b - off_a <= y - x */
		l->hi = l->has_hi && l->hi < -d ? l->hi : -d;
		l->has_hi = true;
	}
	return 0;
}

static uint64_t
add_error(uint64_t a, uint64_t b)
{
	if (a == MBT_CLOCK_UNBOUNDED || b == MBT_CLOCK_UNBOUNDED ||
	    a > MBT_CLOCK_UNBOUNDED - b)
		return MBT_CLOCK_UNBOUNDED;
	return a + b;
}

/* off_to - off_from, as the link says it, and how sure. */
static void
link_offset(const struct mbt_clock_link *l, bool forward, int64_t *d,
    uint64_t *err, bool *bad)
{
	*bad = false;
	if (l->has_lo && l->has_hi) {
		*d = l->lo + (l->hi - l->lo) / 2;
		*err = (uint64_t)(l->hi >= l->lo ? l->hi - l->lo
						 : l->lo - l->hi) /
		       2;
		*bad = l->hi < l->lo; /* clocks drifted, or a wrong join */
	} else {
		/* One way only: the least offset that keeps every packet
		 * arriving after it left, i.e. the fastest transit is 0. */
		*d = l->has_lo ? l->lo : l->hi;
		*err = MBT_CLOCK_UNBOUNDED;
	}
	if (!forward)
		*d = -*d;
}

/*
 * Put each host's clock on the clock of the first host of its group of
 * joined hosts, along the links found (a breadth-first walk: fewest links,
 * so errors add up the least).
 */
static int
solve_clocks(struct mbt_journeys *j)
{
	size_t *queue = malloc((j->nhosts + 1) * sizeof(*queue));

	if (queue == NULL)
		return -ENOMEM;
	for (size_t r = 0; r < j->nhosts; r++) {
		size_t head = 0, tail = 0;

		if (j->hosts[r].solved)
			continue;
		j->hosts[r].solved = true;
		j->hosts[r].ref = r;
		j->hosts[r].offset_ns = 0;
		j->hosts[r].error_ns = 0;
		j->hosts[r].inconsistent = false;
		queue[tail++] = r;
		while (head < tail) {
			size_t u = queue[head++];

			for (size_t i = 0; i < j->nlinks; i++) {
				const struct mbt_clock_link *l = &j->links[i];
				bool fwd = l->a == u;
				size_t v = fwd ? l->b : l->a;
				struct mbt_host *hv = &j->hosts[v];
				int64_t d;
				uint64_t err;
				bool bad;

				if ((l->a != u && l->b != u) || hv->solved)
					continue;
				link_offset(l, fwd, &d, &err, &bad);
				hv->solved = true;
				hv->ref = r;
				hv->offset_ns = j->hosts[u].offset_ns + d;
				hv->error_ns =
				    add_error(j->hosts[u].error_ns, err);
				hv->inconsistent =
				    bad || j->hosts[u].inconsistent;
				queue[tail++] = v;
			}
		}
	}
	free(queue);
	return 0;
}

int
mbt_journeys_solve(struct mbt_journeys *j)
{
	size_t cand[MBT_REFUSAL_SHOWN];
	int rc;

	for (size_t h = 0; h < j->nhops; h++) {
		size_t n, back;

		if (j->hops[h].t.error.kind != MBT_OK || j->hops[h].t.parent_id != 0)
			continue;
		n = candidates(j, h, true, cand, MBT_REFUSAL_SHOWN);
		if (n == 0)
			continue;
		if (n > 1) {
			if ((rc = refuse(j, h, true, cand, n)) != 0)
				return rc;
			continue;
		}
		{
			size_t to = cand[0];

			back = candidates(j, to, false, cand, MBT_REFUSAL_SHOWN);
			if (back > 1) {
				/* Said once, by the first of its candidates. */
				if (cand[0] == h &&
				    (rc = refuse(j, to, false, cand, back)) != 0)
					return rc;
				continue;
			}
			j->hops[h].next = to;
			j->hops[to].prev = h;
			j->pairs++;
			if ((rc = bound_clocks(j, &j->hops[h], &j->hops[to])) !=
			    0)
				return rc;
		}
	}
	for (size_t i = 0; i < j->nhosts; i++)
		j->hosts[i].solved = false;
	return solve_clocks(j);
}

int64_t
mbt_hop_time(const struct mbt_journeys *j, const struct mbt_hop *h, int64_t ns)
{
	return ns + j->hosts[h->host].offset_ns;
}
