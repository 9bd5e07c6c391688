/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace graph --sequence`: one packet's records in time order, in
 * lanes per stack instance and subsystem (link, netgraph, firewall, ip,
 * transport, socket), as a Graphviz table, so that it shows when each
 * subsystem comes into play.  The HTML page shows the same below its
 * drawing.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

static const char *const lanes[] = {
    "link", "netgraph", "firewall", "ip", "transport", "socket"};
#define NLANES (sizeof(lanes) / sizeof(lanes[0]))

/* Text inside a Graphviz HTML-like label. */
static void
out_html(struct out *o, const char *s, size_t n)
{
	out_escaped(o, OUT_XML, s, n);
}

static size_t
lane_index(const char *lane)
{
	for (size_t i = 0; i < NLANES; i++) {
		if (strcmp(lanes[i], lane) == 0)
			return i;
	}
	return 0;
}

struct column {
	size_t stack, lane;
};

/* The columns: stacks in the order the packet reached them, lanes in
 * the order of the stack, each only when some record is in it. */
static size_t
columns(const struct graph *g, const struct mbt_path *p, struct column *c)
{
	size_t n = 0;

	for (size_t i = 0; i < p->nsteps; i++) {
		struct g_place pl = graph_step_place(g, &p->steps[i]);
		size_t lane = lane_index(graph_lane(&p->steps[i]));
		size_t at = n;
		bool have = false;

		for (size_t k = 0; k < n && !have; k++)
			have = c[k].stack == pl.stack && c[k].lane == lane;
		if (have)
			continue;
		/* After the last column of the same stack, in lane order. */
		for (size_t k = 0; k < n; k++) {
			if (c[k].stack == pl.stack) {
				at = k + 1;
				if (c[k].lane > lane) {
					at = k;
					break;
				}
			}
		}
		memmove(&c[at + 1], &c[at], (n - at) * sizeof(*c));
		c[at] = (struct column){pl.stack, lane};
		n++;
	}
	return n;
}

int
graph_write_sequence(struct out *o, const struct graph *g)
{
	const struct mbt_path_group *grp;
	const struct mbt_path *p;
	struct column *c;
	char buf[1024];
	size_t n, len;

	if (g->set->ngroups == 0) {
		out_str(o, "digraph sequence {\n\tnone [shape=plaintext, "
			   "label=\"no traced packet\"];\n}\n");
		return o->error;
	}
	grp = &g->set->groups[g->chosen != SIZE_MAX ? g->chosen : g->order[0]];
	p = &grp->path;
	c = malloc((p->nsteps + 1) * sizeof(*c));
	if (c == NULL)
		return -ENOMEM;
	n = columns(g, p, c);
	out_str(o,
	    "digraph sequence {\n\tnode [shape=plaintext, fontname=\"DejaVu "
	    "Sans\", fontsize=10];\n\tseq [label=<<TABLE BORDER=\"0\" "
	    "CELLBORDER=\"1\" CELLSPACING=\"0\" CELLPADDING=\"3\">\n");
	len = group_summary(grp, buf, sizeof(buf));
	out_str(o, "\t<TR><TD COLSPAN=\"");
	out_u64(o, n + 2);
	out_str(o, "\"><B>");
	out_cut(o, OUT_XML, buf, len, sizeof(buf));
	if (g->frame != 0) {
		out_str(o, " (frame ");
		out_u64(o, g->frame);
		out_str(o, ")");
	}
	out_str(o, "</B></TD></TR>\n\t<TR><TD ROWSPAN=\"2\">#</TD><TD "
		   "ROWSPAN=\"2\">time</TD>");
	for (size_t k = 0; k < n;) {
		size_t span = 1;
		const char *name = c[k].stack == SIZE_MAX
				       ? "(no stack named)"
				       : g->stacks[c[k].stack].name;

		while (k + span < n && c[k + span].stack == c[k].stack)
			span++;
		out_str(o, "<TD BGCOLOR=\"#f0f3f8\" COLSPAN=\"");
		out_u64(o, span);
		out_str(o, "\">");
		out_html(o, name, strlen(name));
		out_str(o, "</TD>");
		k += span;
	}
	out_str(o, "</TR>\n\t<TR>");
	for (size_t k = 0; k < n; k++) {
		out_str(o, "<TD BGCOLOR=\"#f0f3f8\">");
		out_str(o, lanes[c[k].lane]);
		out_str(o, "</TD>");
	}
	out_str(o, "</TR>\n");
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct mbt_step *s = &p->steps[i];
		struct g_place pl = graph_step_place(g, s);
		size_t lane = lane_index(graph_lane(s));

		out_str(o, "\t<TR><TD>");
		out_u64(o, i + 1);
		out_str(o, "</TD><TD>");
		if (s->rec->has_time) {
			snprintf(buf, sizeof(buf), "+%.1f us",
			    (double)s->rec->time_ns / 1000);
			out_str(o, buf);
		}
		out_str(o, "</TD>");
		for (size_t k = 0; k < n; k++) {
			if (c[k].stack != pl.stack || c[k].lane != lane) {
				out_str(o, "<TD></TD>");
				continue;
			}
			len = mbt_record_text(s->rec, buf, sizeof(buf));
			out_str(
			    o, s->rec->kind == MBT_KIND_END &&
				       s->rec->detail == MBT_END_DROPPED
				   ? "<TD BGCOLOR=\"#fbdada\" ALIGN=\"LEFT\">"
				   : "<TD BGCOLOR=\"#fdf6e3\" ALIGN=\"LEFT\">");
			out_cut(o, OUT_XML, buf, len, sizeof(buf));
			out_str(o, "</TD>");
		}
		out_str(o, "</TR>\n");
	}
	out_str(o, "\t</TABLE>>];\n}\n");
	free(c);
	return o->error;
}
