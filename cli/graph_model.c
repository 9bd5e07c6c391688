/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The model `mbuftrace graph` draws: stack instances as boxes (the IMUNES
 * nodes when a topology is given, matched by the names IMUNES gives them),
 * interfaces as ports, topology links, and the hops the traced packets took
 * between places, summed over each distinct path so that 100,000 packets
 * cost no more than the few paths they took.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "graph.h"

/* Room for one more of n elements of size sz in *v, growing geometrically. */
static int
grow(void *v, size_t *cap, size_t n, size_t sz)
{
	size_t c = *cap ? 2 * *cap : 16;
	void *p;

	if (n < *cap)
		return 0;
	if ((p = realloc(*(void **)v, c * sz)) == NULL)
		return -ENOMEM;
	*(void **)v = p;
	*cap = c;
	return 0;
}

static size_t
add_stack(struct graph *g, const char *name)
{
	struct g_stack *v;

	if (grow(&g->stacks, &g->stacks_cap, g->nstacks, sizeof(*v)) != 0)
		return SIZE_MAX;
	v = g->stacks;
	memset(&v[g->nstacks], 0, sizeof(v[0]));
	snprintf(v[g->nstacks].name, G_NAME, "%s", name);
	return g->nstacks++;
}

/*
 * The hash tables: slots hold indices (SIZE_MAX when empty), probed
 * linearly; the caller says what each index hashes to and whether it is
 * the key sought.
 */
static uint64_t
hash_mix(uint64_t h, uint64_t v)
{
	h ^= v + 0x9e3779b97f4a7c15ull + (h << 6) + (h >> 2);
	return h * 0xff51afd7ed558ccdull;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 14695981039346656037ull;

	while (*s)
		h = (h ^ (unsigned char)*s++) * 1099511628211ull;
	return h;
}

static uint64_t
hop_hash(struct g_place a, struct g_place b)
{
	return hash_mix(hash_mix(hash_mix(hash_mix(0, a.stack), a.port),
			    b.stack),
	    b.port);
}

/* Make room for n entries in a table (aliases', else hops') at most half
 * full. */
static int
table_reserve(struct graph *g, bool aliases, size_t n)
{
	size_t **slots = aliases ? &g->alias_slot : &g->hop_slot;
	size_t *nslots = aliases ? &g->alias_slots : &g->hop_slots;
	size_t cap = *nslots ? *nslots : 64, *v, *old = *slots;

	while (cap < 2 * n)
		cap *= 2;
	if (cap == *nslots)
		return 0;
	if ((v = malloc(cap * sizeof(*v))) == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < cap; k++)
		v[k] = SIZE_MAX;
	for (size_t k = 0; k < *nslots; k++) {
		size_t i = old[k], h;

		if (i == SIZE_MAX)
			continue;
		h = (size_t)(aliases ? hash_str(g->aliases[i].ns)
				     : hop_hash(g->hops[i].from, g->hops[i].to)) &
		    (cap - 1);
		while (v[h] != SIZE_MAX)
			h = (h + 1) & (cap - 1);
		v[h] = old[k];
	}
	free(old);
	*slots = v;
	*nslots = cap;
	return 0;
}

static size_t
add_port(struct g_stack *s, const char *name)
{
	for (size_t i = 0; i < s->nports; i++) {
		if (strcmp(s->ports[i], name) == 0)
			return i;
	}
	if (s->nports == MBT_IMN_MAX_IFACES)
		return SIZE_MAX; /* drawn as the stack itself */
	snprintf(s->ports[s->nports], G_NAME, "%s", name);
	return s->nports++;
}

/* The stack a trace's stack instance is, created on first sight. */
static size_t
stack_for(struct graph *g, const char *ns)
{
	const struct mbt_imn_node *node;
	size_t s = SIZE_MAX, h;

	if (table_reserve(g, true, g->naliases + 1))
		return SIZE_MAX;
	h = (size_t)hash_str(ns) & (g->alias_slots - 1);
	for (; g->alias_slot[h] != SIZE_MAX; h = (h + 1) & (g->alias_slots - 1)) {
		const struct g_alias *a = &g->aliases[g->alias_slot[h]];

		if (strcmp(a->ns, ns) == 0)
			return a->stack;
	}
	if (g->topo != NULL &&
	    (node = mbt_imn_node_for_ns(g->topo, ns, strlen(ns))) != NULL) {
		for (size_t i = 0; i < g->nstacks && s == SIZE_MAX; i++) {
			if (g->stacks[i].node == node)
				s = i;
		}
	}
	if (s == SIZE_MAX)
		s = add_stack(g, ns);
	if (s == SIZE_MAX || grow(&g->aliases, &g->aliases_cap, g->naliases,
				 sizeof(*g->aliases)) != 0)
		return SIZE_MAX;
	snprintf(g->aliases[g->naliases].ns, G_NAME, "%s", ns);
	g->aliases[g->naliases].stack = s;
	g->alias_slot[h] = g->naliases++;
	return s;
}

struct g_place
graph_step_place(const struct graph *g, const struct mbt_step *st)
{
	struct g_place p = {SIZE_MAX, SIZE_MAX};
	char ns[G_NAME], ifname[G_NAME];

	if (!st->has_ns && !st->has_iface)
		return p;
	/* In a journey a stack is its host's: "h2/r1", or "h2". */
	if (st->host.len > 0 || st->has_ns)
		mbt_step_where(&(struct mbt_step){.host = st->host,
				   .has_ns = st->has_ns,
				   .ns = st->ns,
				   .ns_id = st->ns_id},
		    ns, sizeof(ns));
	else
		snprintf(ns, sizeof(ns), "(no stack name)");
	/* The model only grows here while it is built (graph_build). */
	p.stack = stack_for((struct graph *)g, ns);
	if (p.stack == SIZE_MAX || !st->has_iface)
		return p;
	if (st->ifname.len > 0)
		snprintf(ifname, sizeof(ifname), "%.*s", (int)st->ifname.len,
		    st->ifname.ptr);
	else
		snprintf(ifname, sizeof(ifname), "if#%u", st->ifindex);
	p.port = add_port(&g->stacks[p.stack], ifname);
	return p;
}

static bool
same_place(struct g_place a, struct g_place b)
{
	return a.stack == b.stack && a.port == b.port;
}

struct g_place *
graph_path_places(const struct graph *g, const struct mbt_path *p, size_t *n)
{
	struct g_place *v = malloc((p->nsteps + 1) * sizeof(*v));

	*n = 0;
	if (v == NULL)
		return NULL;
	for (size_t i = 0; i < p->nsteps; i++) {
		struct g_place pl = graph_step_place(g, &p->steps[i]);

		if (pl.stack == SIZE_MAX ||
		    (*n > 0 && same_place(v[*n - 1], pl)))
			continue;
		v[(*n)++] = pl;
		/* A B A B is A B: a sender's stack logs that its transmit
		 * completed after the receiver got the packet. */
		if (*n >= 4 && same_place(v[*n - 1], v[*n - 3]) &&
		    same_place(v[*n - 2], v[*n - 4]))
			*n -= 2;
	}
	return v;
}

static int
add_hop(struct graph *g, struct g_place from, struct g_place to, uint64_t n)
{
	size_t h;

	if (table_reserve(g, false, g->nhops + 1) != 0)
		return -ENOMEM;
	h = (size_t)hop_hash(from, to) & (g->hop_slots - 1);
	for (; g->hop_slot[h] != SIZE_MAX; h = (h + 1) & (g->hop_slots - 1)) {
		struct g_hop *hop = &g->hops[g->hop_slot[h]];

		if (same_place(hop->from, from) && same_place(hop->to, to)) {
			hop->count += n;
			return 0;
		}
	}
	if (grow(&g->hops, &g->hops_cap, g->nhops, sizeof(*g->hops)) != 0)
		return -ENOMEM;
	g->hops[g->nhops] = (struct g_hop){from, to, n};
	g->hop_slot[h] = g->nhops++;
	return 0;
}

/* Which canvas, in the order canvases first appear among the nodes. */
static double
canvas_index(const struct mbt_imn *t, const struct mbt_imn_node *node)
{
	size_t first = 0, n = 0;

	while (strcmp(t->nodes[first].canvas, node->canvas) != 0)
		first++; /* stops at node itself at the latest */
	for (size_t i = 0; i < first; i++) {
		bool seen = false;

		for (size_t k = 0; k < i && !seen; k++)
			seen =
			    strcmp(t->nodes[k].canvas, t->nodes[i].canvas) == 0;
		n += !seen;
	}
	return (double)n;
}

static int
from_topology(struct graph *g)
{
	const struct mbt_imn *t = g->topo;

	double width = 0;

	for (size_t i = 0; i < t->nnodes; i++)
		width = t->nodes[i].x > width ? t->nodes[i].x : width;
	for (size_t i = 0; i < t->nnodes; i++) {
		const struct mbt_imn_node *node = &t->nodes[i];
		size_t s = add_stack(g, node->name);

		if (s == SIZE_MAX)
			return -ENOMEM;
		g->stacks[s].node = node;
		/* IMUNES's canvases are pages: drawn side by side. */
		g->stacks[s].x =
		    node->x + canvas_index(t, node) * (width + 200);
		g->stacks[s].y = node->y;
		for (size_t k = 0; k < node->nifaces; k++)
			add_port(&g->stacks[s], node->ifaces[k].name);
	}
	g->links = calloc(t->nlinks + 1, sizeof(*g->links));
	if (g->links == NULL)
		return -ENOMEM;
	for (size_t k = 0; k < t->nlinks; k++) {
		struct g_place end[2];
		bool ok = true;

		for (int e = 0; e < 2; e++) {
			const struct mbt_imn_node *n =
			    mbt_imn_node_by_id(t, t->links[k].node[e]);

			ok &= n != NULL;
			if (n == NULL)
				break;
			end[e].stack = (size_t)(n - t->nodes);
			end[e].port = t->links[k].iface[e][0]
					  ? add_port(&g->stacks[end[e].stack],
						t->links[k].iface[e])
					  : SIZE_MAX;
		}
		if (ok)
			g->links[g->nlinks++] = (struct g_link){end[0], end[1]};
	}
	return 0;
}

/*
 * Each stack's depth: the longest chain of hops that leads to it from where
 * traffic first appeared.  Hops that close a cycle (a reply, an ICMP error
 * going back, a ring of namespaces) are left out, found by a depth-first
 * walk from the stacks in the order they appeared; what remains is acyclic,
 * and its longest paths are summed up in topological order.  Linear in
 * stacks and hops; every depth is below the stack count.  Returns NULL
 * when out of memory.
 */
static size_t *
stack_depths(const struct graph *g)
{
	size_t n = g->nstacks, nh = g->nhops, top = 0, done = n;
	size_t *first = calloc(n + 2, sizeof(size_t)); /* CSR of the hops */
	size_t *next = malloc((nh + 1) * sizeof(size_t));
	size_t *stack = malloc((n + 1) * sizeof(size_t)); /* the walk */
	size_t *edge = malloc((n + 1) * sizeof(size_t)); /* its next hop */
	size_t *pos = malloc((n + 1) * sizeof(size_t)); /* topological */
	size_t *depth = calloc(n + 1, sizeof(size_t));
	unsigned char *state = calloc(n + 1, 1); /* 0 new, 1 open, 2 done */

	if (!first || !next || !stack || !edge || !pos || !depth || !state) {
		free(depth);
		depth = NULL;
		goto out;
	}
	for (size_t h = 0; h < nh; h++)
		first[g->hops[h].from.stack + 2]++;
	for (size_t i = 2; i < n + 2; i++)
		first[i] += first[i - 1];
	for (size_t h = 0; h < nh; h++) /* hops by where they leave */
		next[first[g->hops[h].from.stack + 1]++] = h;
	/* Now hops of stack u are next[first[u] .. first[u + 1]). */
	for (size_t root = 0; root < n; root++) {
		if (state[root] != 0)
			continue;
		stack[top] = root;
		edge[top++] = first[root];
		state[root] = 1;
		while (top > 0) {
			size_t u = stack[top - 1], v;

			if (edge[top - 1] == first[u + 1]) {
				state[u] = 2;
				pos[u] = --done; /* reverse finishing order */
				top--;
				continue;
			}
			v = g->hops[next[edge[top - 1]++]].to.stack;
			if (state[v] == 0) {
				state[v] = 1;
				stack[top] = v;
				edge[top++] = first[v];
			}
		}
	}
	for (size_t u = 0; u < n; u++) /* the order itself, by position */
		stack[pos[u]] = u;
	for (size_t k = 0; k < n; k++) {
		size_t u = stack[k];

		for (size_t e = first[u]; e < first[u + 1]; e++) {
			size_t v = g->hops[next[e]].to.stack;

			/* Forward in the order, or it would close a cycle. */
			if (pos[v] > pos[u] && depth[v] < depth[u] + 1)
				depth[v] = depth[u] + 1;
		}
	}
out:
	free(first);
	free(next);
	free(stack);
	free(edge);
	free(pos);
	free(state);
	return depth;
}

/*
 * Stacks with no place on a drawing: left to right by how many hops from
 * where traffic first appeared, in rows; below the topology when there is
 * one.
 */
static int
layout(struct graph *g)
{
	size_t *depth = stack_depths(g);
	size_t *row = calloc(g->nstacks + 1, sizeof(*row));
	double top = 60;

	if (depth == NULL || row == NULL) {
		free(depth);
		free(row);
		return -ENOMEM;
	}
	for (size_t i = 0; i < g->nstacks; i++) {
		if (g->stacks[i].node != NULL &&
		    g->stacks[i].node->has_coords && g->stacks[i].y + 140 > top)
			top = g->stacks[i].y + 140;
	}
	if (g->topo == NULL)
		top = 80;
	for (size_t i = 0; i < g->nstacks; i++) {
		struct g_stack *s = &g->stacks[i];

		if (s->node != NULL && s->node->has_coords)
			continue;
		s->x = 110 + 230.0 * (double)depth[i];
		s->y = top + 150.0 * (double)row[depth[i]]++;
	}
	free(depth);
	free(row);
	return 0;
}

/*
 * The groups' order, commonest first, then by first frame.  qsort_r() is
 * not in POSIX.1-2008 and FreeBSD before 14 swaps its arguments, so the
 * keys are copied beside the indices and sorted with plain qsort().
 */
struct rank {
	uint64_t count, first_frame;
	size_t group;
};

static int
cmp_rank(const void *x, const void *y)
{
	const struct rank *a = x, *b = y;

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->first_frame < b->first_frame ? -1 : 1;
}

static int
order_groups(size_t *order, const struct mbt_path_set *set)
{
	struct rank *r = malloc((set->ngroups + 1) * sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < set->ngroups; i++)
		r[i] = (struct rank){set->groups[i].count,
		    set->groups[i].first_frame, i};
	qsort(r, set->ngroups, sizeof(*r), cmp_rank);
	for (size_t i = 0; i < set->ngroups; i++)
		order[i] = r[i].group;
	free(r);
	return 0;
}

int
graph_build(
    struct graph *g, const struct mbt_path_set *set, const struct mbt_imn *topo)
{
	memset(g, 0, sizeof(*g));
	g->set = set;
	g->topo = topo;
	g->chosen = SIZE_MAX;
	if (topo != NULL && from_topology(g) != 0)
		goto nomem;
	g->order = malloc((set->ngroups + 1) * sizeof(*g->order));
	if (g->order == NULL)
		goto nomem;
	for (size_t i = 0; i < set->ngroups; i++) {
		const struct mbt_path_group *grp = &set->groups[i];
		const struct mbt_path *p = &grp->path;
		size_t n;
		struct g_place *pl = graph_path_places(g, p, &n);

		g->packets += grp->count;
		if (pl == NULL)
			goto nomem;
		for (size_t k = 0; k < n; k++)
			g->stacks[pl[k].stack].seen = true;
		for (size_t k = 0; k + 1 < n; k++) {
			if (add_hop(g, pl[k], pl[k + 1], grp->count) != 0) {
				free(pl);
				goto nomem;
			}
		}
		if (p->end != 0) {
			struct g_place e =
			    graph_step_place(g, &p->steps[p->end_step]);

			if (e.stack != SIZE_MAX)
				g->stacks[e.stack]
				    .ends[p->end <= MBT_END_MAX ? p->end
								: G_END_UNKNOWN] +=
				    grp->count;
		}
		free(pl);
	}
	if (order_groups(g->order, set) != 0)
		goto nomem;
	if (layout(g) != 0)
		goto nomem;
	return 0;
nomem:
	cli_error("out of memory");
	return -ENOMEM;
}

void
graph_free(struct graph *g)
{
	free(g->stacks);
	free(g->links);
	free(g->hops);
	free(g->order);
	free(g->aliases);
	free(g->alias_slot);
	free(g->hop_slot);
	memset(g, 0, sizeof(*g));
}

static bool
has(const struct mbt_str s, const char *needle)
{
	size_t n = strlen(needle);

	for (size_t i = 0; i + n <= s.len; i++) {
		if (memcmp(s.ptr + i, needle, n) == 0)
			return true;
	}
	return false;
}

const char *
graph_lane(const struct mbt_step *s)
{
	const struct mbt_record *r = s->rec;
	struct mbt_str f = r->file;

	if ((r->has_rule && r->fw == MBT_FW_NETGRAPH) || has(f, "netgraph"))
		return "netgraph";
	if (r->kind == MBT_KIND_RULE || r->kind == MBT_KIND_VERDICT ||
	    has(f, "netfilter") || has(f, "netpfil") || has(f, "/pf"))
		return "firewall";
	if ((r->kind == MBT_KIND_END && r->detail == MBT_END_DELIVERED) ||
	    has(f, "sock") || has(f, "socket"))
		return "socket";
	if (has(f, "tcp") || has(f, "udp") || has(f, "icmp") || has(f, "sctp"))
		return "transport";
	if (r->kind == MBT_KIND_ROUTE || has(f, "ipv4") || has(f, "ipv6") ||
	    has(f, "netinet") || has(f, "/ip_") || has(f, "route"))
		return "ip";
	return "link";
}
