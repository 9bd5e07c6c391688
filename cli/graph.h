/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace graph`: the picture of where traced traffic went, as a model
 * (stack instances with their interfaces as ports, topology links, hops
 * weighted by packet count, ends) that the DOT and HTML writers draw.
 */
#ifndef MBT_CLI_GRAPH_H
#define MBT_CLI_GRAPH_H

#include "mbuftrace/imn.h"
#include "paths.h"

#define G_NAME 96
#define G_END_UNKNOWN (MBT_END_MAX + 1)

struct g_stack {
	char name[G_NAME];		 /* as in the traces, or the node's */
	const struct mbt_imn_node *node; /* NULL when not in the topology */
	bool seen;			 /* some trace was in it */
	double x, y;			 /* where to draw it */
	char ports[MBT_IMN_MAX_IFACES][G_NAME];
	size_t nports;
	/* Packets whose life ended here, by how; end details no format
	 * version defines (a newer producer, a crafted capture) are counted
	 * together as G_END_UNKNOWN, which mbt_end_name() calls "unknown". */
	uint64_t ends[G_END_UNKNOWN + 1];
};

/* A place: a port of a stack; port SIZE_MAX is the stack itself. */
struct g_place {
	size_t stack, port;
};

struct g_link { /* from the topology */
	struct g_place a, b;
};

struct g_hop { /* traced traffic from one place to the next */
	struct g_place from, to;
	uint64_t count;
};

/* A stack instance as the traces name it, and the stack it is drawn as. */
struct g_alias {
	char ns[G_NAME];
	size_t stack;
};

struct graph {
	const struct mbt_path_set *set;
	const struct mbt_imn *topo; /* NULL without --topology */
	struct g_stack *stacks;
	size_t nstacks;
	struct g_link *links;
	size_t nlinks;
	struct g_hop *hops;
	size_t nhops;
	size_t *order;	  /* groups, most packets first */
	size_t chosen;	  /* the group highlighted, SIZE_MAX for none */
	uint64_t frame;	  /* the frame that chose it, 0 for none */
	uint64_t packets; /* in the set */
	/* --latency: per hop, the time to cross it (graph_latency.c). */
	const struct lat_stat *hop_lat;
	/* Filled while the model is built; lookups only afterwards. */
	struct g_alias *aliases;
	size_t naliases, aliases_cap, stacks_cap, hops_cap;
	/* Open-addressed indices into aliases and hops (SIZE_MAX empty), so
	 * that building the model is linear in the steps it reads. */
	size_t *alias_slot, *hop_slot;
	size_t alias_slots, hop_slots;
};

/* Build the model; returns 0 or -ENOMEM (reported). */
int graph_build(struct graph *g, const struct mbt_path_set *set,
    const struct mbt_imn *topo);
void graph_free(struct graph *g);

/* The places a path passes, in order, repeats folded; *n set.  Malloc'ed. */
struct g_place *graph_path_places(
    const struct graph *g, const struct mbt_path *p, size_t *n);
/* The place of one step, or stack SIZE_MAX when the step has none. */
struct g_place graph_step_place(
    const struct graph *g, const struct mbt_step *s);
/* The subsystem a step belongs to, for the sequence view's lanes. */
const char *graph_lane(const struct mbt_step *s);

struct latency;
struct lat_stat;
/* Per hop of g the time to cross it, malloc'ed into *out; 0 or -ENOMEM. */
int graph_hop_latency(
    const struct graph *g, const struct latency *l, struct lat_stat **out);

int graph_write_dot(struct out *o, const struct graph *g);
/* The chosen packet's (else the commonest path's) records in lanes. */
int graph_write_sequence(struct out *o, const struct graph *g);
int graph_write_html(struct out *o, const struct graph *g, const char *title);
/* The page around the data (graph_page.c). */
extern const char graph_page_head[], graph_page_tail[];

#endif /* MBT_CLI_GRAPH_H */
