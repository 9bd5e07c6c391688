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

static size_t
add_stack(struct graph *g, const char *name)
{
	struct g_stack *v = realloc(g->stacks, (g->nstacks + 1) * sizeof(*v));

	if (v == NULL)
		return SIZE_MAX;
	g->stacks = v;
	memset(&v[g->nstacks], 0, sizeof(v[0]));
	snprintf(v[g->nstacks].name, G_NAME, "%s", name);
	return g->nstacks++;
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
	struct g_alias *a;
	size_t s = SIZE_MAX;

	for (size_t i = 0; i < g->naliases; i++) {
		if (strcmp(g->aliases[i].ns, ns) == 0)
			return g->aliases[i].stack;
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
	a = realloc(g->aliases, (g->naliases + 1) * sizeof(*a));
	if (s == SIZE_MAX || a == NULL)
		return SIZE_MAX;
	g->aliases = a;
	snprintf(a[g->naliases].ns, G_NAME, "%s", ns);
	a[g->naliases++].stack = s;
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
	struct g_hop *v;

	for (size_t i = 0; i < g->nhops; i++) {
		if (same_place(g->hops[i].from, from) &&
		    same_place(g->hops[i].to, to)) {
			g->hops[i].count += n;
			return 0;
		}
	}
	v = realloc(g->hops, (g->nhops + 1) * sizeof(*v));
	if (v == NULL)
		return -ENOMEM;
	g->hops = v;
	v[g->nhops++] = (struct g_hop){from, to, n};
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
 * Stacks with no place on a drawing: left to right by how many hops from
 * where traffic first appeared, in rows; below the topology when there is
 * one.
 */
static void
layout(struct graph *g)
{
	size_t *depth = calloc(g->nstacks + 1, sizeof(*depth));
	size_t *row = calloc(g->nstacks + 1, sizeof(*row));
	double top = 60;
	bool changed = true;

	if (depth == NULL || row == NULL) {
		free(depth);
		free(row);
		return;
	}
	for (size_t i = 0; i < g->nstacks; i++) {
		if (g->stacks[i].node != NULL &&
		    g->stacks[i].node->has_coords && g->stacks[i].y + 140 > top)
			top = g->stacks[i].y + 140;
	}
	if (g->topo == NULL)
		top = 80;
	/* Longest-path depth along the hops, bounded by the stack count. */
	for (size_t round = 0; changed && round < g->nstacks; round++) {
		changed = false;
		for (size_t h = 0; h < g->nhops; h++) {
			size_t a = g->hops[h].from.stack,
			       b = g->hops[h].to.stack;

			/* Cycles (a request and its reply) would grow the
			 * depth past the rows: it stays below nstacks. */
			if (a != b && depth[b] < depth[a] + 1 &&
			    depth[a] + 1 < g->nstacks) {
				depth[b] = depth[a] + 1;
				changed = true;
			}
		}
	}
	for (size_t i = 0; i < g->nstacks; i++) {
		struct g_stack *s = &g->stacks[i];

		if (s->node != NULL && s->node->has_coords)
			continue;
		s->x = 110 + 230.0 * (double)depth[i];
		s->y = top + 150.0 * (double)row[depth[i]]++;
	}
	free(depth);
	free(row);
}

static int
cmp_count(const void *x, const void *y, void *arg)
{
	const struct mbt_path_set *set = arg;
	const struct mbt_path_group *a = &set->groups[*(const size_t *)x];
	const struct mbt_path_group *b = &set->groups[*(const size_t *)y];

	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->first_frame < b->first_frame ? -1 : 1;
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

		g->order[i] = i;
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
				g->stacks[e.stack].ends[p->end] += grp->count;
		}
		free(pl);
	}
	qsort_r(
	    g->order, set->ngroups, sizeof(*g->order), cmp_count, (void *)set);
	layout(g);
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
