/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace graph -o OUT.html`: one self-contained page (inline CSS and
 * JS, no network) that draws the topology with the traced hops summed per
 * path, lets a person pick a path or a packet and see it highlighted and
 * numbered, hover a hop for its records, read the packet's sequence of
 * records in lanes per stack instance and subsystem, and click a source
 * location to copy "file:line".  The page holds one entry per distinct
 * path, and per frame only the number of its path, so 100,000 packets
 * make a page of a few hundred kilobytes that stays responsive.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "graph.h"

#define PATHS_MAX 500 /* paths the page lists; the rest are counted */

/* A JSON string that cannot end the <script> it sits in; text formatted
 * into a buffer of size bytes is cut as out_cut() does. */
static void
hstr_cut(struct out *o, const char *s, size_t n, size_t size)
{
	out_char(o, '"');
	out_cut(o, OUT_SCRIPT, s, n, size);
	out_char(o, '"');
}

static void
hcstr(struct out *o, const char *s)
{
	hstr_cut(o, s, strlen(s), SIZE_MAX);
}

static void
num(struct out *o, size_t v)
{
	if (v == SIZE_MAX)
		out_str(o, "-1");
	else
		out_u64(o, v);
}

static void
json_stacks(struct out *o, const struct graph *g)
{
	char buf[64];

	out_str(o, "\"stacks\":[");
	for (size_t i = 0; i < g->nstacks; i++) {
		const struct g_stack *s = &g->stacks[i];

		out_str(o, i ? ",{\"name\":" : "{\"name\":");
		hcstr(o, s->name);
		if (s->node != NULL) {
			out_str(o, ",\"node\":");
			hcstr(o, s->node->id);
			out_str(o, ",\"type\":");
			hcstr(o, s->node->type);
		}
		snprintf(
		    buf, sizeof(buf), ",\"x\":%.1f,\"y\":%.1f", s->x, s->y);
		out_str(o, buf);
		out_str(o, s->seen ? ",\"seen\":true" : ",\"seen\":false");
		out_str(o, ",\"ports\":[");
		for (size_t k = 0; k < s->nports; k++) {
			if (k > 0)
				out_char(o, ',');
			hcstr(o, s->ports[k]);
		}
		out_str(o, "],\"ends\":{");
		for (uint8_t how = 1, first = 1; how <= G_END_UNKNOWN; how++) {
			if (s->ends[how] == 0)
				continue;
			if (!first)
				out_char(o, ',');
			hcstr(o, mbt_end_name(how));
			out_char(o, ':');
			out_u64(o, s->ends[how]);
			first = 0;
		}
		out_str(o, "}}");
	}
	out_str(o, "],\n\"links\":[");
	for (size_t k = 0; k < g->nlinks; k++) {
		const struct g_link *l = &g->links[k];

		out_str(o, k ? ",[" : "[");
		num(o, l->a.stack);
		out_char(o, ',');
		num(o, l->a.port);
		out_char(o, ',');
		num(o, l->b.stack);
		out_char(o, ',');
		num(o, l->b.port);
		out_char(o, ']');
	}
	out_str(o, "],\n\"hops\":[");
	for (size_t h = 0; h < g->nhops; h++) {
		const struct g_hop *p = &g->hops[h];

		out_str(o, h ? ",[" : "[");
		num(o, p->from.stack);
		out_char(o, ',');
		num(o, p->from.port);
		out_char(o, ',');
		num(o, p->to.stack);
		out_char(o, ',');
		num(o, p->to.port);
		out_char(o, ',');
		out_u64(o, p->count);
		out_char(o, ']');
	}
	out_str(o, "],\n");
}

static void
json_step(struct out *o, const struct graph *g, const struct mbt_step *s)
{
	const struct mbt_record *r = s->rec;
	struct g_place pl = graph_step_place(g, s);
	char buf[1024];
	size_t n;

	out_str(o, "{\"s\":");
	num(o, pl.stack);
	out_str(o, ",\"p\":");
	num(o, pl.port);
	out_str(o, ",\"lane\":\"");
	out_str(o, graph_lane(s));
	n = mbt_step_where(s, buf, sizeof(buf));
	out_str(o, "\",\"where\":");
	hstr_cut(o, buf, n, sizeof(buf));
	n = mbt_record_text(r, buf, sizeof(buf));
	out_str(o, ",\"text\":");
	hstr_cut(o, buf, n, sizeof(buf));
	if (r->has_src && r->file.len > 0) {
		out_str(o, ",\"file\":");
		hstr_cut(o, r->file.ptr, r->file.len, SIZE_MAX);
		out_str(o, ",\"line\":");
		out_u64(o, r->line);
	}
	if (r->has_time) {
		out_str(o, ",\"t\":");
		out_u64(o, r->time_ns);
	}
	out_char(o, '}');
}

static void
json_paths(struct out *o, const struct graph *g, size_t shown)
{
	out_str(o, "\"paths\":[");
	for (size_t i = 0; i < shown; i++) {
		const struct mbt_path_group *grp = &g->set->groups[g->order[i]];
		const struct mbt_path *p = &grp->path;
		struct g_place *pl;
		char buf[512];
		size_t n;

		out_str(o, i ? ",\n{\"count\":" : "\n{\"count\":");
		out_u64(o, grp->count);
		out_str(o, ",\"frame\":");
		out_u64(o, grp->first_frame);
		out_str(o, ",\"ends\":");
		hcstr(o, mbt_path_end_name(p));
		n = mbt_path_end_where(p, buf, sizeof(buf));
		out_str(o, ",\"ends_in\":");
		hstr_cut(o, buf, n, sizeof(buf));
		n = group_summary(grp, buf, sizeof(buf));
		out_str(o, ",\"summary\":");
		hstr_cut(o, buf, n, sizeof(buf));
		pl = graph_path_places(g, p, &n);
		out_str(o, ",\"places\":[");
		for (size_t k = 0; pl != NULL && k < n; k++) {
			out_str(o, k ? ",[" : "[");
			num(o, pl[k].stack);
			out_char(o, ',');
			num(o, pl[k].port);
			out_char(o, ']');
		}
		free(pl);
		out_str(o, "],\"steps\":[");
		for (size_t k = 0; k < p->nsteps; k++) {
			if (k > 0)
				out_char(o, ',');
			json_step(o, g, &p->steps[k]);
		}
		out_str(o, "]}");
	}
	out_str(o, "],\n");
}

/* Per frame, the index of its path in "paths", or -1. */
static void
json_frames(struct out *o, const struct graph *g, size_t shown)
{
	const struct mbt_path_set *set = g->set;
	size_t *rank = malloc((set->ngroups + 1) * sizeof(*rank));

	out_str(o, "\"frames\":[");
	if (rank != NULL) {
		for (size_t i = 0; i < set->ngroups; i++)
			rank[i] = SIZE_MAX;
		for (size_t i = 0; i < shown; i++)
			rank[g->order[i]] = i;
		for (uint64_t f = 0; f < set->nframes; f++) {
			uint32_t grp = set->frame_group[f];

			if (f > 0)
				out_char(o, ',');
			num(o, grp == UINT32_MAX ? SIZE_MAX : rank[grp]);
		}
	}
	free(rank);
	out_str(o, "]");
}

int
graph_write_html(struct out *o, const struct graph *g, const char *title)
{
	size_t shown =
	    g->set->ngroups < PATHS_MAX ? g->set->ngroups : PATHS_MAX;

	out_str(o, graph_page_head);
	out_str(o, "<script id=\"data\" type=\"application/json\">{\"title\":");
	hcstr(o, title);
	out_str(o, ",\"packets\":");
	out_u64(o, g->packets);
	out_str(o, ",\"distinct\":");
	out_u64(o, g->set->ngroups);
	out_str(o, ",\"topology\":");
	out_str(o, g->topo != NULL ? "true" : "false");
	out_str(o, ",\"chosen_frame\":");
	out_u64(o, g->frame);
	out_str(o, ",\n");
	json_stacks(o, g);
	json_paths(o, g, shown);
	json_frames(o, g, shown);
	out_str(o, "}</script>\n");
	out_str(o, graph_page_tail);
	return o->error;
}
