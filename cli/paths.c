/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace paths`: the distinct paths in a capture and how many packets
 * took each, the way a router's packet tracer sums up, most common first
 * (or shortest first), for people or as one JSON document.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "journey.h"
#include "latency.h"
#include "outfile.h"
#include "paths.h"

#define FRAMES_SHOWN 20 /* example frames listed per path */

struct paths_opts {
	const char *file, *match;
	bool by_length, brief, latency, taps;
	size_t limit; /* paths shown; 0 = all */
	struct latency *lat; /* --latency: the step times, else NULL */
};

enum { O_MATCH = 256, O_SORT, O_BRIEF, O_LIMIT, O_LATENCY, O_TAPS };

static const struct cli_opt paths_opts[] = {
    CLI_OPT_JSON("one JSON document"),
    CLI_OPT(O_MATCH, "match", 0, CLI_TEXT, "FILTER",
	"only packets whose first snapshot matches the\n"
	"tcpdump filter FILTER"),
    CLI_OPT_CHOICE(O_SORT, "sort", "count|length",
	"most common first (the default), or fewest\n"
	"steps first"),
    CLI_OPT(O_BRIEF, "brief", 0, CLI_FLAG, NULL,
	"no steps, only each path's summary and hops"),
    CLI_OPT_UINT(O_LIMIT, "limit", 0, "N", 1, SIZE_MAX,
	"show the first N paths only"),
    CLI_OPT(O_LATENCY, "latency", 0, CLI_FLAG, NULL,
	"per step the time from the step before, and\n"
	"the named waits (qdisc, neighbour, backlog,\n"
	"socket): count, p50, p90, p99, max"),
    CLI_OPT(O_TAPS, "taps", 0, CLI_FLAG, NULL,
	"in text, count the copies packet captures\n"
	"(tcpdump's AF_PACKET) took: left out by default"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd paths_cmd = {
    .name = "paths",
    .operands = "FILE|-",
    .about = "The distinct paths the traced packets in FILE took, with how many\n"
	     "packets took each.  A path's identity keeps its steps (source points,\n"
	     "rules and verdicts, routes, interfaces, stack instances, the end) and\n"
	     "ignores times and addresses.",
    .opts = paths_opts,
};

static int
parse_paths_opts(int argc, char **argv, struct paths_opts *opt)
{
	struct cli_val v;
	int c;

	while ((c = cli_next(&paths_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_MATCH: opt->match = v.text; break;
		case O_BRIEF: opt->brief = true; break;
		case O_LATENCY: opt->latency = true; break;
		case O_TAPS: opt->taps = true; break;
		case O_SORT: opt->by_length = v.choice == 1; break;
		case O_LIMIT: opt->limit = (size_t)v.u; break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if ((opt->file = cli_captures(argc, argv)) == NULL)
		return EXIT_USAGE;
	return 0;
}

static const struct mbt_path_set *sort_set;
static bool sort_by_length;

/* Most packets first (or fewest steps); ties by first appearance. */
static int
cmp_groups(const void *x, const void *y)
{
	const struct mbt_path_group *a = &sort_set->groups[*(const size_t *)x];
	const struct mbt_path_group *b = &sort_set->groups[*(const size_t *)y];

	if (sort_by_length && a->path.nsteps != b->path.nsteps)
		return a->path.nsteps < b->path.nsteps ? -1 : 1;
	if (a->count != b->count)
		return a->count > b->count ? -1 : 1;
	return a->first_frame < b->first_frame ? -1 : 1;
}

/* The first FRAMES_SHOWN frames of each group, in one pass. */
static uint64_t *
example_frames(const struct mbt_path_set *set, uint8_t **count)
{
	uint64_t *frames = calloc(set->ngroups * FRAMES_SHOWN, sizeof(*frames));

	*count = calloc(set->ngroups, 1);
	if (frames == NULL || *count == NULL) {
		free(frames);
		free(*count);
		return NULL;
	}
	for (uint64_t f = 0; f < set->nframes; f++) {
		uint32_t g = set->frame_group[f];

		if (g != UINT32_MAX && (*count)[g] < FRAMES_SHOWN)
			frames[g * FRAMES_SHOWN + (*count)[g]++] = f + 1;
	}
	return frames;
}

/* v1 and v2 records carry no stack instance or interface. */
static bool
has_places(const struct mbt_path *p)
{
	for (size_t i = 0; i < p->nsteps; i++) {
		if (p->steps[i].has_ns || p->steps[i].has_iface)
			return true;
	}
	return false;
}

/* Does any step of group gi carry a time? v1 and v2 records do not. */
static bool
has_times(const struct latency *l, size_t gi)
{
	const struct lat_group *g = gi < l->ng ? &l->g[gi] : NULL;

	for (size_t i = 0; g != NULL && i < g->npackets * g->nsteps; i++) {
		if (g->times[i] != INT64_MIN)
			return true;
	}
	return false;
}

/* The steps with the time each took from the one before, then the waits. */
static void
text_latency(
    struct out *o, const struct latency *l, size_t gi, const struct mbt_path *p)
{
	const struct lat_group *lg = &l->g[gi];
	struct lat_stat st;
	char buf[1024];
	size_t n;

	if (!has_times(l, gi))
		out_str(o, "   (its records carry no times: no latency)\n");
	out_str(o, "   step  count       p50       p90       p99       max\n");
	for (size_t i = 0; i < p->nsteps; i++) {
		snprintf(buf, sizeof(buf), "   %4zu ", i + 1);
		out_str(o, buf);
		if (i == 0 || latency_stat(l, gi, i - 1, i, &st) != 0)
			out_spaces(o, 46);
		else
			lat_out_text(o, &st);
		out_str(o, "  ");
		n = step_text(&p->steps[i], buf, sizeof(buf));
		out_text_cut(o, buf, n, sizeof(buf));
		out_char(o, '\n');
	}
	for (size_t w = 0; w < lg->nwaits; w++) {
		const struct mbt_wait *wt = &lg->waits[w];

		if (latency_stat(l, gi, wt->start, wt->end, &st) != 0)
			continue;
		snprintf(buf, sizeof(buf), "   wait %-9s", wt->name);
		out_str(o, buf);
		lat_out_text(o, &st);
		snprintf(buf, sizeof(buf), "  steps %zu-%zu", wt->start + 1,
		    wt->end + 1);
		out_str(o, buf);
		n = mbt_step_where(&p->steps[wt->start], buf, sizeof(buf));
		if (n > 0) {
			out_str(o, " in ");
			out_text_cut(o, buf, n, sizeof(buf));
		}
		out_char(o, '\n');
	}
}

/* ,"waits":[{"wait":"qdisc","from_step":3,"to_step":4,"count":...}] */
static void
json_waits(
    struct out *o, const struct latency *l, size_t gi, const struct mbt_path *p)
{
	const struct lat_group *lg = &l->g[gi];
	struct lat_stat st;
	char buf[256];
	size_t n;

	out_str(o, ",\"waits\":[");
	for (size_t w = 0; w < lg->nwaits; w++) {
		const struct mbt_wait *wt = &lg->waits[w];

		if (latency_stat(l, gi, wt->start, wt->end, &st) != 0)
			memset(&st, 0, sizeof(st));
		if (w > 0)
			out_char(o, ',');
		out_str(o, "{\"wait\":");
		out_json_str(o, wt->name, strlen(wt->name));
		out_str(o, ",\"from_step\":");
		out_u64(o, wt->start + 1);
		out_str(o, ",\"to_step\":");
		out_u64(o, wt->end + 1);
		n = mbt_step_where(&p->steps[wt->start], buf, sizeof(buf));
		out_str(o, ",\"where\":");
		out_json_str(o, buf, n < sizeof(buf) ? n : sizeof(buf) - 1);
		out_char(o, ',');
		lat_out_json(o, &st);
		out_char(o, '}');
	}
	out_char(o, ']');
}

static void
text_group(struct out *o, const struct paths_opts *opt,
    const struct mbt_path_set *set, size_t rank, size_t gi,
    const uint64_t *frames, uint8_t nframes, uint64_t total)
{
	const struct mbt_path_group *g = &set->groups[gi];
	char buf[1024];
	size_t n;

	snprintf(buf, sizeof(buf),
	    "path %zu: %llu packet%s (%.1f%%), %zu step%s, "
	    "ends %s",
	    rank, (unsigned long long)g->count, g->count == 1 ? "" : "s",
	    100.0 * (double)g->count / (double)total, g->path.nsteps,
	    g->path.nsteps == 1 ? "" : "s", mbt_path_end_name(&g->path));
	out_tstr(o, buf);
	n = mbt_path_end_where(&g->path, buf, sizeof(buf));
	if (n > 0) {
		out_str(o, " in ");
		out_tstr(o, buf);
	}
	out_str(o, "\n   frames ");
	for (uint8_t i = 0; i < nframes; i++) {
		if (i > 0)
			out_str(o, ", ");
		out_u64(o, frames[i]);
	}
	if (g->count > nframes)
		out_str(o, ", ...");
	n = group_summary(g, buf, sizeof(buf));
	out_str(o, "\n   first: ");
	out_text_cut(o, buf, n, sizeof(buf));
	out_str(o, "\n   hops: ");
	if (has_places(&g->path))
		out_hops(o, &g->path, " > ");
	else
		out_str(o, "(its records name no stack instance or interface)");
	out_char(o, '\n');
	if (opt->brief)
		return;
	if (opt->lat != NULL) {
		text_latency(o, opt->lat, gi, &g->path);
		return;
	}
	for (size_t i = 0; i < g->path.nsteps; i++) {
		char num[32];

		snprintf(num, sizeof(num), "   %4zu  ", i + 1);
		out_str(o, num);
		n = step_text(&g->path.steps[i], buf, sizeof(buf));
		out_text_cut(o, buf, n, sizeof(buf));
		out_char(o, '\n');
	}
}

static void
json_group(struct out *o, const struct paths_opts *opt,
    const struct mbt_path_set *set, size_t rank, size_t gi,
    const uint64_t *frames, uint8_t nframes)
{
	const struct mbt_path_group *g = &set->groups[gi];
	char buf[1024];
	size_t n;

	out_str(o, "{\"path\":");
	out_u64(o, rank);
	out_str(o, ",\"count\":");
	out_u64(o, g->count);
	out_str(o, ",\"first_frame\":");
	out_u64(o, g->first_frame);
	out_str(o, ",\"frames\":[");
	for (uint8_t i = 0; i < nframes; i++) {
		if (i > 0)
			out_char(o, ',');
		out_u64(o, frames[i]);
	}
	out_str(o, "],\"nsteps\":");
	out_u64(o, g->path.nsteps);
	out_str(o, ",\"ends\":");
	out_json_str(o, mbt_path_end_name(&g->path),
	    strlen(mbt_path_end_name(&g->path)));
	n = mbt_path_end_where(&g->path, buf, sizeof(buf));
	if (n > 0) {
		out_str(o, ",\"ends_in\":");
		out_json_cut(o, buf, n, sizeof(buf));
	}
	n = group_summary(g, buf, sizeof(buf));
	out_str(o, ",\"summary\":");
	out_json_cut(o, buf, n, sizeof(buf));
	out_str(o, ",\"hops\":");
	out_hops_json(o, &g->path);
	if (!opt->brief) {
		struct json j;

		json_init(&j, o);
		out_str(o, ",\"steps\":");
		json_open(&j, '[');
		for (size_t i = 0; i < g->path.nsteps; i++) {
			json_open(&j, '{');
			json_step_members(&j, &g->path.steps[i], i);
			if (opt->lat != NULL && i > 0) {
				struct lat_stat st;

				if (latency_stat(opt->lat, gi, i - 1, i, &st) ==
				    0) {
					/* Its members follow the step's. */
					out_str(o, ",\"latency\":{");
					lat_out_json(o, &st);
					out_char(o, '}');
				}
			}
			json_close(&j, '}');
		}
		json_close(&j, ']');
	}
	if (opt->lat != NULL)
		json_waits(o, opt->lat, gi, &g->path);
	out_char(o, '}');
}

static int
show(const struct paths_opts *opt, const struct mbt_path_set *set,
    const struct load_stats *st)
{
	static struct out o;
	size_t *order = malloc((set->ngroups + 1) * sizeof(*order));
	size_t shown = set->ngroups;
	uint8_t *nframes = NULL;
	uint64_t *frames = example_frames(set, &nframes);

	if (order == NULL || frames == NULL) {
		free(order);
		free(frames);
		cli_error("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < set->ngroups; i++)
		order[i] = i;
	sort_set = set;
	sort_by_length = opt->by_length;
	qsort(order, set->ngroups, sizeof(*order), cmp_groups);
	if (opt->limit > 0 && opt->limit < shown)
		shown = opt->limit;
	out_init(&o, stdout);
	if (cli_json) {
		out_str(&o, "{\"packets\":");
		out_u64(&o, st->packets);
		out_str(&o, ",\"selected\":");
		out_u64(&o, st->selected);
		out_str(&o, ",\"malformed\":");
		out_u64(&o, st->malformed);
		out_str(&o, ",\"truncated\":");
		out_u64(&o, st->truncated);
		out_str(&o, ",\"distinct_paths\":");
		out_u64(&o, set->ngroups);
		out_str(&o, ",\"paths\":[");
	} else {
		char head[256];

		snprintf(head, sizeof(head),
		    "%zu distinct path%s in %llu "
		    "packet%s",
		    set->ngroups, set->ngroups == 1 ? "" : "s",
		    (unsigned long long)st->selected,
		    st->selected == 1 ? "" : "s");
		out_str(&o, head);
		if (st->selected != st->packets) {
			snprintf(head, sizeof(head),
			    " (of %llu in the capture)",
			    (unsigned long long)st->packets);
			out_str(&o, head);
		}
		if (shown < set->ngroups) {
			snprintf(
			    head, sizeof(head), "; the first %zu shown", shown);
			out_str(&o, head);
		}
		out_char(&o, '\n');
	}
	for (size_t r = 0; r < shown; r++) {
		size_t g = order[r];

		if (cli_json) {
			if (r > 0)
				out_char(&o, ',');
			json_group(&o, opt, set, r + 1, g,
			    &frames[g * FRAMES_SHOWN], nframes[g]);
		} else {
			out_char(&o, '\n');
			text_group(&o, opt, set, r + 1, g,
			    &frames[g * FRAMES_SHOWN], nframes[g],
			    st->selected);
		}
	}
	if (cli_json)
		out_str(&o, "]}\n");
	out_flush(&o);
	free(order);
	free(frames);
	free(nframes);
	if (out_check(&o, NULL) != 0)
		return -EIO;
	return 0;
}

int
do_paths(int argc, char **argv)
{
	struct paths_opts opt = {0};
	struct load_stats st = {0};
	struct mbt_path_set set;
	struct mbt_match *m = NULL;
	struct latency lat = {0};
	char err[512];
	int rc = parse_paths_opts(argc, argv, &opt);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if (opt.match != NULL &&
	    (m = mbt_match_new(opt.match, err, sizeof(err))) == NULL) {
		cli_error("--match '%s': %s", opt.match, err);
		return EXIT_USAGE;
	}
	mbt_path_set_init(&set);
	if (opt.latency)
		opt.lat = &lat;
	st.hide_taps = !cli_json && !opt.taps;
	rc = paths_load(opt.file, m, &set, &st,
	    opt.latency ? latency_collect : NULL, &lat);
	if (rc == 0)
		rc = show(&opt, &set, &st);
	paths_note_broken(&st);
	mbt_path_set_free(&set);
	latency_free(&lat);
	mbt_match_free(m);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
