/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace diff`: two packets' paths aligned step by step, with the first
 * point where they part and why (a rule verdict, a route, an interface, a
 * drop).  Without frames, each flow's odd packets are compared with the
 * path most packets of that flow took.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "latency.h"
#include "paths.h"

enum { O_MATCH = 256, O_WIDTH, O_LATENCY };

static const struct cli_opt diff_opts[] = {
    CLI_OPT_JSON("one JSON document"),
    CLI_OPT(O_MATCH, "match", 0, CLI_TEXT, "FILTER",
	"without frames: only packets whose first\n"
	"snapshot matches the tcpdump filter FILTER"),
    CLI_OPT('y', "side-by-side", 'y', CLI_FLAG, NULL,
	"with frames: A's steps on the left, B's on the\n"
	"right, on one line each"),
    CLI_OPT_UINT(O_WIDTH, "width", 0, "N", 20, 1000,
	"columns of each side with -y (default 70)"),
    CLI_OPT(O_LATENCY, "latency", 0, CLI_FLAG, NULL,
	"with frames: each aligned step's time from\n"
	"the step before in A and in B, and the named\n"
	"waits (qdisc, neighbour, backlog, socket) of each"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd diff_cmd = {
    .name = "diff",
    .operands = "FILE [FRAME_A FRAME_B]",
    .about = "With two frame numbers: their paths aligned step by step, and where\n"
	     "and why they part.  Without: the packets of each flow (protocol,\n"
	     "addresses, ports or ICMP id) that did not take the path most of that\n"
	     "flow's packets took, and where and why they left it.",
    .opts = diff_opts,
};

struct diff_opts {
	const char *file, *match;
	uint64_t frame[2];
	bool side_by_side, latency;
	size_t width; /* of each side, with side_by_side */
};

static int
parse_frame(const char *s, uint64_t *v)
{
	char why[128];

	if (cli_uint(s, 1, UINT64_MAX, v, why, sizeof(why)) != 0) {
		cli_error("frame '%s': %s", s, why);
		return EXIT_USAGE;
	}
	return 0;
}

static int
parse_diff_opts(int argc, char **argv, struct diff_opts *opt)
{
	struct cli_val v;
	int c, left;

	while ((c = cli_next(&diff_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_MATCH: opt->match = v.text; break;
		case 'y': opt->side_by_side = true; break;
		case O_LATENCY: opt->latency = true; break;
		case O_WIDTH: opt->width = (size_t)v.u; break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	left = argc - optind;
	if (left != 1 && left != 3) {
		cli_error(left == 0 ? "which capture? give a FILE, or - for "
				      "standard input (see --help)"
				    : "give a FILE and either no frames or "
				      "two (see --help)");
		return EXIT_USAGE;
	}
	opt->file = argv[optind];
	if (left == 3 && (parse_frame(argv[optind + 1], &opt->frame[0]) ||
			     parse_frame(argv[optind + 2], &opt->frame[1])))
		return EXIT_USAGE;
	return 0;
}

/* --- Two frames. --- */

struct side {
	uint64_t frame;
	uint8_t *bytes;
	struct mbt_trace t;
	struct mbt_path p;
	bool found;
};

static int
load_frames(const char *file, struct side *s)
{
	struct mbt_capture *cap;
	struct mbt_packet pkt;
	uint64_t skipped;
	char err[512];
	int rc;

	cap = mbt_capture_open(file, err, sizeof(err));
	if (cap == NULL) {
		cli_error("%s", err);
		return -EIO;
	}
	while ((rc = mbt_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		for (int k = 0; k < 2; k++) {
			if (pkt.frame != s[k].frame || s[k].found)
				continue;
			s[k].bytes = malloc(pkt.caplen ? pkt.caplen : 1);
			if (s[k].bytes == NULL)
				goto nomem;
			memcpy(s[k].bytes, pkt.data, pkt.caplen);
			if (mbt_decode(s[k].bytes, pkt.caplen, pkt.wirelen,
				&s[k].t) == -ENOMEM ||
			    mbt_path_build(&s[k].t, &s[k].p) != 0)
				goto nomem;
			s[k].found = true;
		}
		if (s[0].found && s[1].found)
			break;
	}
	skipped = mbt_capture_skipped(cap)->packets;
	mbt_capture_close(cap);
	if (rc < 0) {
		cli_error("%s: %s", file, err);
		return -EIO;
	}
	for (int k = 0; k < 2; k++) {
		if (!s[k].found) {
			/* A frame of another link type is there, not a trace. */
			cli_error(skipped > 0 ? "%s has no trace at frame %llu "
						"(it holds packets of other link "
						"types)"
					      : "%s has no frame %llu",
			    file, (unsigned long long)s[k].frame);
			return -ENOENT;
		}
	}
	return 0;
nomem:
	mbt_capture_close(cap);
	cli_error("out of memory");
	return -ENOMEM;
}

/* The drop that follows a parting explains it better than the step. */
static void
add_drop(const struct mbt_path *a, const struct mbt_path *b,
    struct mbt_parting *part)
{
	const struct mbt_path *p[2] = {a, b};
	const size_t at[2] = {part->a, part->b};
	char *why = part->why;
	size_t size = sizeof(part->why);

	for (int k = 0; k < 2; k++) {
		const struct mbt_step *s;
		char where[128];
		size_t n = strlen(why);

		/* Not when the parting step is the drop itself. */
		if (p[k]->end != MBT_END_DROPPED ||
		    p[1 - k]->end == MBT_END_DROPPED || at[k] == p[k]->end_step)
			continue;
		s = &p[k]->steps[p[k]->end_step];
		mbt_step_where(s, where, sizeof(where));
		snprintf(why + n, size - n,
		    "; then %s is dropped at its step "
		    "%zu in %s%s%.*s",
		    k == 0 ? "A" : "B", p[k]->end_step + 1,
		    where[0] ? where : "(unknown)",
		    s->rec->reason.len ? ": " : "", (int)s->rec->reason.len,
		    s->rec->reason.ptr ? s->rec->reason.ptr : "");
	}
}

static void
text_side(struct out *o, const char *label, const struct side *s)
{
	char buf[600];
	size_t n;

	snprintf(buf, sizeof(buf), "%s: frame %llu, %zu steps, ends %s", label,
	    (unsigned long long)s->frame, s->p.nsteps,
	    mbt_path_end_name(&s->p));
	out_tstr(o, buf);
	if (mbt_path_end_where(&s->p, buf, sizeof(buf)) > 0) {
		out_str(o, " in ");
		out_tstr(o, buf);
	}
	out_str(o, "\n   ");
	{
		struct mbt_path_group g = {.trace = s->t};

		n = group_summary(&g, buf, sizeof(buf));
	}
	out_text_cut(o, buf, n, sizeof(buf));
	out_char(o, '\n');
}

static void
out_num(struct out *o, size_t i)
{
	char buf[24];

	if (i == SIZE_MAX)
		snprintf(buf, sizeof(buf), "%5s", "-");
	else
		snprintf(buf, sizeof(buf), "%5zu", i + 1);
	out_tstr(o, buf);
}

static void
text_pairs(
    struct out *o, const struct side *s, const struct mbt_pair *pairs, size_t n)
{
	char buf[1024];

	out_str(o, "\n    A    B\n");
	for (size_t k = 0; k < n; k++) {
		const struct mbt_pair *p = &pairs[k];
		bool same = p->a != SIZE_MAX && p->b != SIZE_MAX &&
			    mbt_step_same(&s[0].p, p->a, &s[1].p, p->b);

		for (int side = 0; side < 2; side++) {
			size_t i = side == 0 ? p->a : p->b;
			size_t len;

			if (i == SIZE_MAX || (same && side == 1))
				continue;
			out_num(o, same || side == 0 ? p->a : SIZE_MAX);
			out_num(o, same || side == 1 ? p->b : SIZE_MAX);
			out_str(o, same ? "    " : side == 0 ? "  < " : "  > ");
			len = step_text(&s[side].p.steps[i], buf, sizeof(buf));
			out_text_cut(o, buf, len, sizeof(buf));
			out_char(o, '\n');
		}
	}
}

/* One side's text in exactly width columns, as the terminal shows it
 * (escaped): cut with "...", or padded. */
static void
out_cell(struct out *o, const char *text, size_t len, size_t width)
{
	size_t w = out_width(text, len);

	if (w > width) { /* between characters, escapes left whole */
		size_t k = out_fit(text, len, width - 3);

		out_text(o, text, k);
		out_str(o, "...");
		out_spaces(o, width - 3 - out_width(text, k));
	} else {
		out_text(o, text, len);
		out_spaces(o, width - w);
	}
}

/* A's steps on the left, B's on the right; '|' between differing ones. */
static void
text_side_by_side(struct out *o, const struct side *s,
    const struct mbt_pair *pairs, size_t n, size_t width)
{
	char buf[1024];

	out_str(o, "\n    A  ");
	out_cell(o, "", 0, width);
	out_str(o, "      B\n");
	for (size_t k = 0; k < n; k++) {
		const struct mbt_pair *p = &pairs[k];
		bool same = p->a != SIZE_MAX && p->b != SIZE_MAX &&
			    mbt_step_same(&s[0].p, p->a, &s[1].p, p->b);
		size_t len = 0;

		out_num(o, p->a);
		out_str(o, "  ");
		if (p->a != SIZE_MAX)
			len = step_text(&s[0].p.steps[p->a], buf, sizeof(buf));
		out_cell(o, buf,
		    p->a != SIZE_MAX
			? (len < sizeof(buf) ? len : sizeof(buf) - 1)
			: 0,
		    width);
		out_str(o, same		      ? "   "
			   : p->a == SIZE_MAX ? " > "
			   : p->b == SIZE_MAX ? " < "
					      : " | ");
		out_num(o, p->b);
		if (p->b != SIZE_MAX) {
			out_str(o, "  ");
			len = step_text(&s[1].p.steps[p->b], buf, sizeof(buf));
			out_text_cut(o, buf, len, sizeof(buf));
		}
		out_char(o, '\n');
	}
}

static void
json_side(struct out *o, const char *key, const struct side *s)
{
	struct mbt_path_group g = {.trace = s->t};
	char buf[600];
	size_t n;

	out_str(o, key);
	out_str(o, ":{\"frame\":");
	out_u64(o, s->frame);
	out_str(o, ",\"nsteps\":");
	out_u64(o, s->p.nsteps);
	out_str(o, ",\"ends\":");
	out_json_str(
	    o, mbt_path_end_name(&s->p), strlen(mbt_path_end_name(&s->p)));
	n = mbt_path_end_where(&s->p, buf, sizeof(buf));
	out_str(o, ",\"ends_in\":");
	out_json_cut(o, buf, n, sizeof(buf));
	n = group_summary(&g, buf, sizeof(buf));
	out_str(o, ",\"summary\":");
	out_json_cut(o, buf, n, sizeof(buf));
	out_char(o, '}');
}

static void
json_num(struct out *o, const char *key, size_t i)
{
	out_str(o, key);
	if (i == SIZE_MAX)
		out_str(o, "null");
	else
		out_u64(o, i + 1);
}

static void
json_pairs(
    struct out *o, const struct side *s, const struct mbt_pair *pairs, size_t n)
{
	out_str(o, ",\"aligned\":[");
	for (size_t k = 0; k < n; k++) {
		const struct mbt_pair *p = &pairs[k];
		bool same = p->a != SIZE_MAX && p->b != SIZE_MAX &&
			    mbt_step_same(&s[0].p, p->a, &s[1].p, p->b);
		char buf[1024];
		size_t len;

		if (k > 0)
			out_char(o, ',');
		json_num(o, "{\"a\":", p->a);
		json_num(o, ",\"b\":", p->b);
		out_str(o, same ? ",\"same\":true" : ",\"same\":false");
		if (p->a != SIZE_MAX) {
			len = step_text(&s[0].p.steps[p->a], buf, sizeof(buf));
			out_str(o, ",\"text_a\":");
			out_json_cut(o, buf, len, sizeof(buf));
		}
		if (p->b != SIZE_MAX && !same) {
			len = step_text(&s[1].p.steps[p->b], buf, sizeof(buf));
			out_str(o, ",\"text_b\":");
			out_json_cut(o, buf, len, sizeof(buf));
		}
		out_char(o, '}');
	}
	out_char(o, ']');
}

/* --latency: the time of step i since the step before, if both have one. */
static bool
step_delta(const struct mbt_path *p, size_t i, int64_t *ns)
{
	const struct mbt_record *a, *b;

	if (i == SIZE_MAX || i == 0 || i >= p->nsteps)
		return false;
	a = p->steps[i - 1].rec;
	b = p->steps[i].rec;
	if (!a->has_time || !b->has_time)
		return false;
	*ns = (int64_t)(b->time_ns - a->time_ns);
	return true;
}

static bool
wait_ns(const struct mbt_path *p, const struct mbt_wait *w, int64_t *ns)
{
	const struct mbt_record *a = p->steps[w->start].rec,
				*b = p->steps[w->end].rec;

	if (!a->has_time || !b->has_time)
		return false;
	*ns = (int64_t)(b->time_ns - a->time_ns);
	return true;
}

static void
cell_dur(struct out *o, bool known, int64_t ns, bool sign)
{
	char d[32], buf[48];

	if (!known)
		snprintf(d, sizeof(d), "-");
	else if (sign && ns >= 0) {
		d[0] = '+';
		lat_dur(ns, d + 1, sizeof(d) - 1);
	} else
		lat_dur(ns, d, sizeof(d));
	snprintf(buf, sizeof(buf), " %10s", d);
	out_str(o, buf);
}

/* Each aligned step's time from the step before, A's, B's and B - A. */
static int
text_latency(
    struct out *o, const struct side *s, const struct mbt_pair *pairs, size_t n)
{
	char buf[1024];

	out_str(o, "\nLatency (time from the step before):\n"
		   "    A    B           A          B        B-A\n");
	for (size_t k = 0; k < n; k++) {
		int64_t a = 0, b = 0;
		bool ka = step_delta(&s[0].p, pairs[k].a, &a),
		     kb = step_delta(&s[1].p, pairs[k].b, &b);
		size_t i = pairs[k].a != SIZE_MAX ? pairs[k].a : pairs[k].b;
		const struct side *sd = pairs[k].a != SIZE_MAX ? &s[0] : &s[1];
		size_t len;

		out_num(o, pairs[k].a);
		out_num(o, pairs[k].b);
		cell_dur(o, ka, a, false);
		cell_dur(o, kb, b, false);
		cell_dur(o, ka && kb, b - a, true);
		out_str(o, "  ");
		len = step_text(&sd->p.steps[i], buf, sizeof(buf));
		out_text_cut(o, buf, len, sizeof(buf));
		out_char(o, '\n');
	}
	for (int k = 0; k < 2; k++) {
		struct mbt_wait *w;
		long nw = mbt_path_waits(&s[k].p, &w);

		if (nw < 0)
			return -ENOMEM;
		for (long j = 0; j < nw; j++) {
			int64_t ns = 0;
			bool known = wait_ns(&s[k].p, &w[j], &ns);

			snprintf(buf, sizeof(buf), "%s wait %-9s", k ? "B" : "A",
			    w[j].name);
			out_str(o, buf);
			cell_dur(o, known, ns, false);
			snprintf(buf, sizeof(buf), "  steps %zu-%zu\n",
			    w[j].start + 1, w[j].end + 1);
			out_str(o, buf);
		}
		free(w);
	}
	return 0;
}

/* ,"latency":{"aligned":[{"a":2,"b":2,"a_ns":..,"b_ns":..}],"waits_a":...} */
static int
json_latency(
    struct out *o, const struct side *s, const struct mbt_pair *pairs, size_t n)
{
	out_str(o, ",\"latency\":{\"aligned\":[");
	for (size_t k = 0; k < n; k++) {
		int64_t a = 0, b = 0;
		bool ka = step_delta(&s[0].p, pairs[k].a, &a),
		     kb = step_delta(&s[1].p, pairs[k].b, &b);

		if (k > 0)
			out_char(o, ',');
		json_num(o, "{\"a\":", pairs[k].a);
		json_num(o, ",\"b\":", pairs[k].b);
		out_str(o, ",\"a_ns\":");
		ka ? out_i64(o, a) : out_str(o, "null");
		out_str(o, ",\"b_ns\":");
		kb ? out_i64(o, b) : out_str(o, "null");
		out_char(o, '}');
	}
	out_char(o, ']');
	for (int k = 0; k < 2; k++) {
		struct mbt_wait *w;
		long nw = mbt_path_waits(&s[k].p, &w);

		if (nw < 0)
			return -ENOMEM;
		out_str(o, k ? ",\"waits_b\":[" : ",\"waits_a\":[");
		for (long j = 0; j < nw; j++) {
			int64_t ns = 0;

			if (j > 0)
				out_char(o, ',');
			out_str(o, "{\"wait\":");
			out_json_str(o, w[j].name, strlen(w[j].name));
			out_str(o, ",\"from_step\":");
			out_u64(o, w[j].start + 1);
			out_str(o, ",\"to_step\":");
			out_u64(o, w[j].end + 1);
			out_str(o, ",\"ns\":");
			wait_ns(&s[k].p, &w[j], &ns) ? out_i64(o, ns)
						       : out_str(o, "null");
			out_char(o, '}');
		}
		out_char(o, ']');
		free(w);
	}
	out_char(o, '}');
	return 0;
}

static int
diff_frames(const struct diff_opts *opt)
{
	static struct out o;
	struct side s[2] = {{.frame = opt->frame[0]}, {.frame = opt->frame[1]}};
	struct mbt_pair *pairs = NULL;
	struct mbt_parting part;
	long n;
	int rc;

	for (int k = 0; k < 2; k++) {
		mbt_trace_init(&s[k].t);
		mbt_path_init(&s[k].p);
	}
	rc = load_frames(opt->file, s);
	if (rc == 0 && (n = mbt_path_align(&s[0].p, &s[1].p, &pairs)) < 0) {
		cli_error("out of memory");
		rc = -ENOMEM;
	}
	if (rc == 0) {
		mbt_path_parting(&s[0].p, &s[1].p, pairs, (size_t)n, &part);
		if (!part.same)
			add_drop(&s[0].p, &s[1].p, &part);
		out_init(&o, stdout);
		if (cli_json) {
			json_side(&o, "{\"a\"", &s[0]);
			json_side(&o, ",\"b\"", &s[1]);
			out_str(&o,
			    part.same ? ",\"same\":true" : ",\"same\":false");
			if (!part.same) {
				json_num(&o, ",\"parts_at_a\":", part.a);
				json_num(&o, ",\"parts_at_b\":", part.b);
				out_str(&o, ",\"why\":");
				out_json_str(&o, part.why, strlen(part.why));
			}
			json_pairs(&o, s, pairs, (size_t)n);
			if (opt->latency)
				rc = json_latency(&o, s, pairs, (size_t)n);
			out_str(&o, "}\n");
		} else {
			text_side(&o, "A", &s[0]);
			text_side(&o, "B", &s[1]);
			if (opt->side_by_side)
				text_side_by_side(&o, s, pairs, (size_t)n,
				    opt->width ? opt->width : 70);
			else
				text_pairs(&o, s, pairs, (size_t)n);
			if (opt->latency)
				rc = text_latency(&o, s, pairs, (size_t)n);
			out_char(&o, '\n');
			if (part.same) {
				out_str(&o, "The two paths are the same.\n");
			} else {
				char buf[512];

				if (part.a == SIZE_MAX)
					snprintf(buf, sizeof(buf),
					    "They part at "
					    "step %zu of B, which A does not "
					    "have: ",
					    part.b + 1);
				else if (part.b == SIZE_MAX)
					snprintf(buf, sizeof(buf),
					    "They part at "
					    "step %zu of A, which B does not "
					    "have: ",
					    part.a + 1);
				else
					snprintf(buf, sizeof(buf),
					    "They part at "
					    "step %zu of A and step %zu of B: ",
					    part.a + 1, part.b + 1);
				out_str(&o, buf);
				out_tstr(&o, part.why);
				out_str(&o, ".\n");
			}
		}
		out_flush(&o);
		if (out_check(&o, NULL) != 0)
			rc = -EIO;
	}
	free(pairs);
	for (int k = 0; k < 2; k++) {
		mbt_path_free(&s[k].p);
		mbt_trace_free(&s[k].t);
		free(s[k].bytes);
	}
	return rc;
}

/* --- Flows: odd packets against their flow's usual path. --- */

struct flow_path {
	uint32_t group;
	uint64_t count;
	uint64_t first_frame;
};

struct flow {
	char *name;
	uint64_t packets;
	struct flow_path *paths;
	size_t npaths;
};

struct flows {
	struct flow *v;
	size_t n, cap;
	size_t *index; /* open addressing: flow + 1, 0 free */
	size_t index_size;
	uint32_t *frame_flow; /* per frame - 1: its flow, or UINT32_MAX */
	uint64_t nframes, frames_cap;
};

static int
note_frame(struct flows *f, uint64_t frame, uint32_t flow)
{
	while (frame > f->frames_cap) {
		uint64_t cap = f->frames_cap ? 2 * f->frames_cap : 1024;
		uint32_t *ff = realloc(f->frame_flow, cap * sizeof(*ff));

		if (ff == NULL)
			return -ENOMEM;
		f->frame_flow = ff;
		f->frames_cap = cap;
	}
	while (f->nframes + 1 < frame)
		f->frame_flow[f->nframes++] = UINT32_MAX;
	f->frame_flow[f->nframes++] = flow;
	return 0;
}

static uint64_t
hash_str(const char *s)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (; *s; s++)
		h = (h ^ (uint8_t)*s) * 0x100000001b3ull;
	return h;
}

static int
flows_grow(struct flows *f)
{
	size_t size = f->index_size ? f->index_size * 2 : 256;
	size_t *index = calloc(size, sizeof(*index));

	if (index == NULL)
		return -ENOMEM;
	for (size_t i = 0; i < f->n; i++) {
		size_t k = hash_str(f->v[i].name) & (size - 1);

		while (index[k] != 0)
			k = (k + 1) & (size - 1);
		index[k] = i + 1;
	}
	free(f->index);
	f->index = index;
	f->index_size = size;
	return 0;
}

static struct flow *
flow_get(struct flows *f, const char *name)
{
	size_t k;

	if (2 * (f->n + 1) > f->index_size && flows_grow(f) != 0)
		return NULL;
	for (k = hash_str(name) & (f->index_size - 1); f->index[k] != 0;
	     k = (k + 1) & (f->index_size - 1)) {
		if (strcmp(f->v[f->index[k] - 1].name, name) == 0)
			return &f->v[f->index[k] - 1];
	}
	if (f->n == f->cap) {
		size_t cap = f->cap ? 2 * f->cap : 64;
		struct flow *v = realloc(f->v, cap * sizeof(*v));

		if (v == NULL)
			return NULL;
		f->v = v;
		f->cap = cap;
	}
	memset(&f->v[f->n], 0, sizeof(f->v[f->n]));
	if ((f->v[f->n].name = strdup(name)) == NULL)
		return NULL;
	f->index[k] = ++f->n;
	return &f->v[f->n - 1];
}

static int
count_flow(void *arg, const struct mbt_packet *pkt, const struct mbt_trace *t,
    const struct mbt_path *p, size_t group)
{
	struct flows *f = arg;
	char name[256];
	struct flow *fl;
	struct flow_path *fp;

	mbt_path_flow(t, name, sizeof(name));
	if ((fl = flow_get(f, name)) == NULL ||
	    note_frame(f, pkt->frame, (uint32_t)(fl - f->v)) != 0)
		goto nomem;
	fl->packets++;
	for (size_t i = 0; i < fl->npaths; i++) {
		if (fl->paths[i].group == group) {
			fl->paths[i].count++;
			return 0;
		}
	}
	fp = realloc(fl->paths, (fl->npaths + 1) * sizeof(*fp));
	if (fp == NULL)
		goto nomem;
	fl->paths = fp;
	fp[fl->npaths++] = (struct flow_path){(uint32_t)group, 1, pkt->frame};
	return 0;
nomem:
	cli_error("out of memory");
	return -ENOMEM;
}

static void
flows_free(struct flows *f)
{
	for (size_t i = 0; i < f->n; i++) {
		free(f->v[i].name);
		free(f->v[i].paths);
	}
	free(f->v);
	free(f->index);
	free(f->frame_flow);
}

/* Up to 10 frames of the flow that took this path. */
static void
odd_frames(struct out *o, const struct mbt_path_set *set, const struct flows *f,
    uint32_t flow, const struct flow_path *fp, bool json)
{
	uint64_t shown = 0;

	out_str(o, json ? "[" : "");
	for (uint64_t fr = fp->first_frame - 1;
	     fr < set->nframes && fr < f->nframes && shown < 10; fr++) {
		if (set->frame_group[fr] != fp->group ||
		    f->frame_flow[fr] != flow)
			continue;
		if (shown > 0)
			out_str(o, json ? "," : ", ");
		out_u64(o, fr + 1);
		shown++;
	}
	out_str(o, json ? "]" : shown < fp->count ? ", ..." : "");
}

static int
report_flows(const struct mbt_path_set *set, struct flows *f,
    const struct load_stats *st)
{
	static struct out o;
	size_t odd = 0, mixed = 0;
	bool first = true;

	out_init(&o, stdout);
	if (cli_json) {
		out_str(&o, "{\"packets\":");
		out_u64(&o, st->selected);
		out_str(&o, ",\"flows\":");
		out_u64(&o, f->n);
		out_str(&o, ",\"odd\":[");
	}
	for (size_t i = 0; i < f->n; i++) {
		struct flow *fl = &f->v[i];
		struct flow_path *usual = &fl->paths[0];

		if (fl->npaths < 2)
			continue;
		mixed++;
		for (size_t k = 1; k < fl->npaths; k++) {
			if (fl->paths[k].count > usual->count)
				usual = &fl->paths[k];
		}
		for (size_t k = 0; k < fl->npaths; k++) {
			const struct flow_path *fp = &fl->paths[k];
			const struct mbt_path *a =
			    &set->groups[usual->group].path;
			const struct mbt_path *b = &set->groups[fp->group].path;
			struct mbt_pair *pairs;
			struct mbt_parting part;
			char buf[512];
			long n;

			if (fp == usual)
				continue;
			odd += fp->count;
			if ((n = mbt_path_align(a, b, &pairs)) < 0) {
				cli_error("out of memory");
				return -ENOMEM;
			}
			mbt_path_parting(a, b, pairs, (size_t)n, &part);
			free(pairs);
			add_drop(a, b, &part);
			if (cli_json) {
				out_str(
				    &o, first ? "{\"flow\":" : ",{\"flow\":");
				out_json_str(&o, fl->name, strlen(fl->name));
				out_str(&o, ",\"flow_packets\":");
				out_u64(&o, fl->packets);
				out_str(&o, ",\"usual_count\":");
				out_u64(&o, usual->count);
				out_str(&o, ",\"usual_frame\":");
				out_u64(&o, usual->first_frame);
				out_str(&o, ",\"usual_ends\":");
				out_json_str(&o, mbt_path_end_name(a),
				    strlen(mbt_path_end_name(a)));
				out_str(&o, ",\"count\":");
				out_u64(&o, fp->count);
				out_str(&o, ",\"frames\":");
				odd_frames(&o, set, f, (uint32_t)i, fp, true);
				out_str(&o, ",\"ends\":");
				out_json_str(&o, mbt_path_end_name(b),
				    strlen(mbt_path_end_name(b)));
				json_num(&o, ",\"parts_at_usual\":", part.a);
				json_num(&o, ",\"parts_at\":", part.b);
				out_str(&o, ",\"why\":");
				out_json_str(&o, part.why, strlen(part.why));
				out_char(&o, '}');
			} else {
				snprintf(buf, sizeof(buf),
				    "%s%s: %llu of %llu packets left its usual "
				    "path (%llu packets, like frame %llu, ends "
				    "%s)\n"
				    "   frames ",
				    first ? "" : "\n", fl->name,
				    (unsigned long long)fp->count,
				    (unsigned long long)fl->packets,
				    (unsigned long long)usual->count,
				    (unsigned long long)usual->first_frame,
				    mbt_path_end_name(a));
				out_str(&o, buf);
				odd_frames(&o, set, f, (uint32_t)i, fp, false);
				if (part.b == SIZE_MAX)
					snprintf(buf, sizeof(buf),
					    ", ends %s\n"
					    "   parts at step %zu of the usual "
					    "path (A: usual, B: these): ",
					    mbt_path_end_name(b), part.a + 1);
				else
					snprintf(buf, sizeof(buf),
					    ", ends %s\n"
					    "   parts at its step %zu (A: "
					    "usual, "
					    "B: these): ",
					    mbt_path_end_name(b), part.b + 1);
				out_str(&o, buf);
				out_tstr(&o, part.why);
				out_str(&o, "\n");
				snprintf(buf, sizeof(buf),
				    "   (mbuftrace diff FILE %llu %llu shows "
				    "both)\n",
				    (unsigned long long)usual->first_frame,
				    (unsigned long long)fp->first_frame);
				out_str(&o, buf);
			}
			first = false;
		}
	}
	if (cli_json) {
		out_str(&o, "]}\n");
	} else {
		char buf[256];

		snprintf(buf, sizeof(buf),
		    "%s%llu packets in %zu flows; %zu "
		    "odd packet%s in %zu flow%s that took more than one path\n",
		    first ? "" : "\n", (unsigned long long)st->selected, f->n,
		    odd, odd == 1 ? "" : "s", mixed, mixed == 1 ? "" : "s");
		out_str(&o, buf);
	}
	out_flush(&o);
	if (out_check(&o, NULL) != 0)
		return -EIO;
	return 0;
}

static int
diff_flows(const struct diff_opts *opt)
{
	struct load_stats st = {0};
	struct mbt_path_set set;
	struct flows f = {0};
	struct mbt_match *m = NULL;
	char err[512];
	int rc;

	if (opt->match != NULL &&
	    (m = mbt_match_new(opt->match, err, sizeof(err))) == NULL) {
		cli_error("--match '%s': %s", opt->match, err);
		return -EINVAL;
	}
	mbt_path_set_init(&set);
	rc = paths_load(opt->file, m, &set, &st, count_flow, &f);
	if (rc == 0)
		rc = report_flows(&set, &f, &st);
	paths_note_broken(&st);
	flows_free(&f);
	mbt_path_set_free(&set);
	mbt_match_free(m);
	return rc;
}

int
do_diff(int argc, char **argv)
{
	struct diff_opts opt = {0};
	int rc = parse_diff_opts(argc, argv, &opt);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if (opt.frame[0] == 0 && (opt.side_by_side || opt.width != 0)) {
		cli_error("-y and --width show two frames side by side: give "
			  "FRAME_A FRAME_B");
		return EXIT_USAGE;
	}
	if (opt.frame[0] == 0 && opt.latency) {
		cli_error("--latency compares two packets' times: give "
			  "FRAME_A FRAME_B (paths --latency sums up a whole "
			  "capture)");
		return EXIT_USAGE;
	}
	if (opt.frame[0] != 0 && opt.match != NULL) {
		cli_error("--match chooses packets for the flows; with two "
			  "frames it has nothing to do");
		return EXIT_USAGE;
	}
	rc = opt.frame[0] != 0 ? diff_frames(&opt) : diff_flows(&opt);
	if (rc == -EINVAL || rc == -ENOENT)
		return EXIT_USAGE; /* a bad filter, or no such frame */
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
