/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace graph` as Graphviz DOT: each stack instance a record whose
 * fields are its interfaces, topology links dashed, the traced hops as
 * arrows as thick as the log of their packet count, where lives ended as
 * small nodes (drops red), and a chosen packet's hops numbered in red.
 * With a topology every node has the position the person drew it at, for
 * `neato -n2`; without one `dot` lays it out.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"
#include "latency.h"

/*
 * The arrow's width grows with the decimal digits of its count (a log10
 * within a tenth), so 100,000 packets do not draw a wall.
 */
static double
width_for(uint64_t count)
{
	double w = 1;

	while (count >= 10) {
		count /= 10;
		w += 1.5;
	}
	return w + 1.5 * (double)(count - 1) / 9;
}

/* A record field: Graphviz gives {}|<>" and spaces a meaning there. */
static void
out_record_text(struct out *o, const char *s)
{
	out_escaped(o, OUT_DOT_RECORD, s, strlen(s));
}

/* Inside a quoted DOT string. */
static void
out_quoted(struct out *o, const char *s)
{
	out_escaped(o, OUT_DOT, s, strlen(s));
}

static void
out_place(struct out *o, struct g_place p)
{
	char buf[64];

	if (p.port == SIZE_MAX)
		snprintf(buf, sizeof(buf), "s%zu", p.stack);
	else
		snprintf(buf, sizeof(buf), "s%zu:p%zu", p.stack, p.port);
	out_str(o, buf);
}

/* Graphviz's y grows upwards, IMUNES's canvas y downwards. */
static void
out_pos(struct out *o, const struct graph *g, double x, double y)
{
	char buf[64];

	if (g->topo == NULL)
		return;
	snprintf(buf, sizeof(buf), ", pos=\"%.0f,%.0f!\"", x, -y);
	out_str(o, buf);
}

static void
stacks(struct out *o, const struct graph *g)
{
	for (size_t i = 0; i < g->nstacks; i++) {
		const struct g_stack *s = &g->stacks[i];
		char buf[64];

		snprintf(
		    buf, sizeof(buf), "\ts%zu [shape=record, label=\"{", i);
		out_str(o, buf);
		out_record_text(o, s->name);
		if (s->node != NULL) {
			out_str(o, "\\n(");
			out_record_text(o, s->node->id);
			out_str(o, "\\ ");
			out_record_text(o, s->node->type);
			out_str(o, ")");
		}
		if (s->nports > 0)
			out_str(o, "|{");
		for (size_t k = 0; k < s->nports; k++) {
			snprintf(
			    buf, sizeof(buf), "%s<p%zu> ", k ? "|" : "", k);
			out_str(o, buf);
			out_record_text(o, s->ports[k]);
		}
		out_str(o, s->nports > 0 ? "}}\"" : "}\"");
		if (!s->seen)
			out_str(o, ", color=gray60, fontcolor=gray40");
		if (s->node == NULL && g->topo != NULL)
			out_str(o, ", style=dashed");
		out_pos(o, g, s->x, s->y);
		out_str(o, "];\n");
	}
}

/* The positions (1-based) at which the chosen path takes hop h. */
/* --latency: "\np50 46.68ms p99 49.36ms" under the count. */
static void
hop_latency_label(struct out *o, const struct graph *g, size_t h)
{
	const struct lat_stat *st = g->hop_lat ? &g->hop_lat[h] : NULL;
	char a[32], b[32], buf[96];

	if (st == NULL || st->count == 0)
		return;
	lat_dur(st->p50, a, sizeof(a));
	lat_dur(st->p99, b, sizeof(b));
	snprintf(buf, sizeof(buf), "\\np50 %s p99 %s", a, b);
	out_str(o, buf);
}

/* About log10 of ns without libm: the digits, and a straight line between. */
static double
lg10(int64_t ns)
{
	double v = ns > 1 ? (double)ns : 1, d = 0;

	while (v >= 10) {
		v /= 10;
		d++;
	}
	return d + (v - 1) / 9;
}

/*
 * The hop's colour: blue, or with --latency from blue (the fastest hop's
 * p50) to orange (the slowest's) on a log scale, so a queue stands out.
 */
static void
hop_colour(const struct graph *g, size_t h, char *buf, size_t size)
{
	double lo = 0, hi = 0, v, f = 0;
	bool any = false;

	snprintf(buf, size, "#3060c0");
	if (g->hop_lat == NULL || g->hop_lat[h].count == 0)
		return;
	for (size_t k = 0; k < g->nhops; k++) {
		const struct lat_stat *st = &g->hop_lat[k];

		if (st->count == 0)
			continue;
		v = lg10(st->p50);
		lo = any && lo < v ? lo : v;
		hi = any && hi > v ? hi : v;
		any = true;
	}
	v = lg10(g->hop_lat[h].p50);
	if (hi > lo)
		f = (v - lo) / (hi - lo);
	snprintf(buf, size, "#%02x%02x%02x", (unsigned)(0x30 + f * (0xe0 - 0x30)),
	    (unsigned)(0x60 + f * (0x80 - 0x60)),
	    (unsigned)(0xc0 - f * 0xc0));
}

static void
chosen_label(
    struct out *o, const struct g_hop *h, const struct g_place *pl, size_t n)
{
	bool first = true;

	for (size_t k = 0; k + 1 < n; k++) {
		char buf[24];

		if (pl[k].stack != h->from.stack ||
		    pl[k].port != h->from.port ||
		    pl[k + 1].stack != h->to.stack ||
		    pl[k + 1].port != h->to.port)
			continue;
		snprintf(buf, sizeof(buf), "%s#%zu", first ? "" : " ", k + 1);
		out_str(o, buf);
		first = false;
	}
}

static bool
on_chosen(const struct g_hop *h, const struct g_place *pl, size_t n)
{
	for (size_t k = 0; k + 1 < n; k++) {
		if (pl[k].stack == h->from.stack &&
		    pl[k].port == h->from.port &&
		    pl[k + 1].stack == h->to.stack &&
		    pl[k + 1].port == h->to.port)
			return true;
	}
	return false;
}

static void
ends(struct out *o, const struct graph *g, const struct mbt_path *chosen)
{
	size_t chosen_stack = SIZE_MAX;

	if (chosen != NULL && chosen->end != 0) {
		struct g_place e =
		    graph_step_place(g, &chosen->steps[chosen->end_step]);

		chosen_stack = e.stack;
	}
	for (size_t i = 0; i < g->nstacks; i++) {
		const struct g_stack *s = &g->stacks[i];
		size_t k = 0;

		for (uint8_t how = 1; how <= G_END_UNKNOWN; how++) {
			bool mine = i == chosen_stack && chosen->end == how;
			char buf[160];

			if (s->ends[how] == 0)
				continue;
			snprintf(buf, sizeof(buf),
			    "\te%zu_%u [shape=%s, "
			    "fontsize=10, label=\"%s %llu\", color=%s%s",
			    i, how,
			    how == MBT_END_DROPPED ? "octagon" : "ellipse",
			    mbt_end_name(how), (unsigned long long)s->ends[how],
			    how == MBT_END_DROPPED ? "red, fontcolor=red"
						   : "gray40",
			    mine ? ", penwidth=3, style=bold" : "");
			out_str(o, buf);
			out_pos(o, g, s->x + 90.0 * (double)k - 45, s->y + 70);
			snprintf(buf, sizeof(buf),
			    "];\n\ts%zu -> e%zu_%u [style=dotted, "
			    "arrowhead=none, color=%s];\n",
			    i, i, how, mine ? "red" : "gray50");
			out_str(o, buf);
			k++;
		}
	}
}

int
graph_write_dot(struct out *o, const struct graph *g)
{
	const struct mbt_path *chosen = NULL;
	struct g_place *pl = NULL;
	size_t npl = 0;
	char buf[256];

	if (g->chosen != SIZE_MAX) {
		chosen = &g->set->groups[g->chosen].path;
		pl = graph_path_places(g, chosen, &npl);
	}
	out_str(o,
	    "digraph mbuftrace {\n\tgraph [rankdir=LR, fontname=\"DejaVu "
	    "Sans\", labelloc=t, label=\"");
	snprintf(buf, sizeof(buf), "%llu traced packet%s, %zu distinct path%s",
	    (unsigned long long)g->packets, g->packets == 1 ? "" : "s",
	    g->set->ngroups, g->set->ngroups == 1 ? "" : "s");
	out_str(o, buf);
	if (chosen != NULL) {
		snprintf(buf, sizeof(buf),
		    "; frame %llu numbered in red, ends %s",
		    (unsigned long long)g->frame, mbt_path_end_name(chosen));
		out_str(o, buf);
	}
	out_str(o, "\"];\n\tnode [fontname=\"DejaVu Sans\", fontsize=11];\n"
		   "\tedge [fontname=\"DejaVu Sans\", fontsize=10];\n");
	stacks(o, g);
	for (size_t k = 0; k < g->nlinks; k++) {
		out_char(o, '\t');
		out_place(o, g->links[k].a);
		out_str(o, " -> ");
		out_place(o, g->links[k].b);
		out_str(o, " [dir=none, style=dashed, color=gray70];\n");
	}
	for (size_t h = 0; h < g->nhops; h++) {
		const struct g_hop *hop = &g->hops[h];
		bool mine = chosen != NULL && on_chosen(hop, pl, npl);
		char colour[16];

		out_char(o, '\t');
		out_place(o, hop->from);
		out_str(o, " -> ");
		out_place(o, hop->to);
		hop_colour(g, h, colour, sizeof(colour));
		snprintf(buf, sizeof(buf),
		    " [penwidth=%.1f, color=\"%s\", label=\"",
		    width_for(hop->count), mine ? "red" : colour);
		out_str(o, buf);
		if (mine) {
			chosen_label(o, hop, pl, npl);
			out_str(o, " (");
		}
		out_u64(o, hop->count);
		if (mine)
			out_char(o, ')');
		hop_latency_label(o, g, h);
		out_str(o, mine ? "\", fontcolor=red];\n" : "\"];\n");
	}
	ends(o, g, chosen);
	if (g->topo != NULL) {
		/* Say which stacks are not in the drawing, in the drawing. */
		bool any = false;

		for (size_t i = 0; i < g->nstacks; i++) {
			if (g->stacks[i].node != NULL)
				continue;
			out_str(o, any ? ", "
				       : "\tunmatched [shape=note, "
					 "fontsize=10, label=\"not in the "
					 "topology: ");
			out_quoted(o, g->stacks[i].name);
			any = true;
		}
		if (any) {
			out_str(o, "\"");
			out_pos(o, g, 100, -40);
			out_str(o, "];\n");
		}
	}
	out_str(o, "}\n");
	free(pl);
	return o->error;
}
