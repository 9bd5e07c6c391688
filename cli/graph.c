/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace graph`: draw where the traced traffic went, as Graphviz DOT,
 * as SVG (Graphviz draws it), or as one self-contained HTML page, on the
 * IMUNES topology the person drew when one is given; and say which
 * topology nodes and which traced stack instances could not be matched.
 */
#include <errno.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "journey.h"
#include "graph.h"
#include "outfile.h"
#include "latency.h"

extern char **environ;

#define IMN_MAX (4 << 20) /* a topology file is small */

enum format { F_NONE, F_DOT, F_SVG, F_HTML };

struct graph_opts {
	const char *file, *out, *topology, *match;
	enum format format;
	uint64_t frame;
	bool sequence, latency;
};

static enum format
format_named(const char *s)
{
	if (strcmp(s, "dot") == 0 || strcmp(s, "gv") == 0)
		return F_DOT;
	if (strcmp(s, "svg") == 0)
		return F_SVG;
	if (strcmp(s, "html") == 0 || strcmp(s, "htm") == 0)
		return F_HTML;
	return F_NONE;
}

enum { O_FORMAT = 256, O_TOPOLOGY, O_FRAME, O_MATCH, O_SEQUENCE, O_LATENCY };

static const struct cli_opt graph_opts[] = {
    CLI_OPT_JSON("say what was drawn as one JSON document (needs -o)"),
    CLI_OPT('o', "output", 'o', CLI_TEXT, "OUT",
	"write to OUT (default: standard output)"),
    CLI_OPT(O_FORMAT, "format", 0, CLI_TEXT, "FORMAT",
	"dot, svg (drawn by Graphviz) or html (one page\n"
	"that needs no network); default: from OUT's\n"
	"extension, else dot"),
    CLI_OPT(O_TOPOLOGY, "topology", 0, CLI_TEXT, "FILE.imn",
	"draw on this IMUNES topology, nodes where the\n"
	"person put them, matched to stack instances by\n"
	"name, id, EID-ID (Linux) or EID.ID (FreeBSD)"),
    CLI_OPT_UINT(O_FRAME, "frame", 0, "N", 1, UINT64_MAX,
	"number the hops of frame N's path (the HTML page\n"
	"opens on it)"),
    CLI_OPT(O_MATCH, "match", 0, CLI_TEXT, "FILTER",
	"only packets whose first snapshot matches the\n"
	"tcpdump filter FILTER"),
    CLI_OPT(O_SEQUENCE, "sequence", 0, CLI_FLAG, NULL,
	"draw instead the records of frame N (else of the\n"
	"commonest path) in time order, in lanes per stack\n"
	"instance and subsystem (dot or svg)"),
    CLI_OPT(O_LATENCY, "latency", 0, CLI_FLAG, NULL,
	"label each hop with the p50 and p99 of the time\n"
	"to cross it, and colour it by its p50 (dot, svg)"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd graph_cmd = {
    .name = "graph",
    .operands = "FILE|-",
    .about = "Draw where the traced packets in FILE went: stack instances as boxes,\n"
	     "their interfaces as ports, the hops taken as arrows weighted by packet\n"
	     "count, where lives ended (drops in red); one packet's path numbered.",
    .opts = graph_opts,
};

static int
parse_graph_opts(int argc, char **argv, struct graph_opts *opt)
{
	struct cli_val v;
	const char *dot;
	int c;

	while ((c = cli_next(&graph_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case 'o': opt->out = v.text; break;
		case O_TOPOLOGY: opt->topology = v.text; break;
		case O_MATCH: opt->match = v.text; break;
		case O_SEQUENCE: opt->sequence = true; break;
		case O_LATENCY: opt->latency = true; break;
		case O_FRAME: opt->frame = v.u; break;
		case O_FORMAT:
			/* A word the table cannot list: gv and htm too. */
			if ((opt->format = format_named(v.text)) == F_NONE) {
				cli_bad_value(
				    v.opt, v.text, "not one of dot, svg, html");
				return EXIT_USAGE;
			}
			break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if ((opt->file = cli_captures(argc, argv)) == NULL)
		return EXIT_USAGE;
	if (opt->format == F_NONE && opt->out != NULL &&
	    (dot = strrchr(opt->out, '.')) != NULL)
		opt->format = format_named(dot + 1);
	if (opt->format == F_NONE)
		opt->format = F_DOT;
	if (opt->sequence && opt->format == F_HTML) {
		cli_error(
		    "--sequence draws DOT or SVG; the HTML page shows the "
		    "sequence of the packet you pick");
		return EXIT_USAGE;
	}
	if (cli_json && opt->out == NULL) {
		cli_error("--json describes what was drawn: give the drawing a "
			  "file with -o");
		return EXIT_USAGE;
	}
	return 0;
}

static int
load_topology(const char *path, struct mbt_imn *t)
{
	FILE *f = fopen(path, "rb");
	char *text, err[300];
	size_t n;
	int rc = 0;

	if (f == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		return -EIO;
	}
	text = malloc(IMN_MAX + 1);
	n = text ? fread(text, 1, IMN_MAX + 1, f) : 0;
	if (text == NULL || ferror(f) || n > IMN_MAX) {
		cli_error("%s: %s", path,
		    text == NULL  ? "out of memory"
		    : n > IMN_MAX ? "too large for an IMUNES topology"
				  : "read failed");
		rc = -EIO;
	} else if (mbt_imn_parse(text, n, t, err, sizeof(err)) != 0) {
		cli_error("%s: %s", path, err);
		rc = -EINVAL;
	}
	free(text);
	fclose(f);
	return rc;
}

/* Graphviz draws the SVG: neato keeps the person's positions. */
static int
run_graphviz(const char *dotfile, const char *out, bool positions)
{
	char *argv[8];
	int n = 0, status;
	pid_t pid;

	argv[n++] = "dot";
	if (positions) {
		argv[n++] = "-Kneato";
		argv[n++] = "-n2";
	}
	argv[n++] = "-Tsvg";
	argv[n++] = "-o";
	argv[n++] = (char *)out;
	argv[n++] = (char *)dotfile;
	argv[n] = NULL;
	if (posix_spawnp(&pid, "dot", NULL, NULL, argv, environ) != 0) {
		cli_error("Graphviz's dot is needed for SVG (Debian package "
			  "graphviz): %s",
		    strerror(errno));
		return -ENOENT;
	}
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) ||
	    WEXITSTATUS(status) != 0) {
		cli_error("Graphviz's dot failed on the drawing");
		return -EIO;
	}
	return 0;
}

static int
write_svg(const struct graph_opts *opt, const struct graph *g)
{
	static struct out o;
	char dotfile[] = "/tmp/mbuftrace-graph-XXXXXX";
	int fd = mkstemp(dotfile), rc;
	struct outfile svg;
	FILE *f;

	if (fd < 0 || (f = fdopen(fd, "w")) == NULL) {
		cli_error("a temporary file for Graphviz: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -EIO;
	}
	out_init(&o, f);
	if (opt->sequence)
		graph_write_sequence(&o, g);
	else
		graph_write_dot(&o, g);
	out_flush(&o);
	rc = out_check(&o, dotfile);
	if (fclose(f) != 0 && rc == 0)
		rc = -errno;
	/* Graphviz writes the temporary file beside the output. */
	if (rc == 0 && (rc = outfile_open(&svg, opt->out ? opt->out : "-",
			    opt->file, true)) == 0) {
		rc = run_graphviz(dotfile, svg.tmp ? svg.tmp : "/dev/stdout",
		    g->topo != NULL && !opt->sequence);
		rc = outfile_close(&svg, rc == 0) ?: rc;
	}
	unlink(dotfile);
	return rc;
}

static int
write_drawing(const struct graph_opts *opt, const struct graph *g)
{
	static struct out o;
	struct outfile of;
	int rc;

	if (opt->format == F_SVG)
		return write_svg(opt, g);
	if ((rc = outfile_open(&of, opt->out ? opt->out : "-", opt->file,
		 true)) != 0)
		return rc;
	out_init(&o, of.f);
	if (opt->sequence)
		graph_write_sequence(&o, g);
	else if (opt->format == F_DOT)
		graph_write_dot(&o, g);
	else
		graph_write_html(&o, g, opt->file);
	out_flush(&o);
	rc = out_check(&o, opt->out);
	return outfile_close(&of, rc == 0) ?: rc;
}

/* What was drawn, and what did not match, for people or programs. */
static void
summary(const struct graph_opts *opt, const struct graph *g)
{
	static const char *const formats[] = {"", "dot", "svg", "html"};
	static struct out o;
	char buf[512];

	out_init(&o, cli_json ? stdout : stderr);
	if (cli_json) {
		out_str(&o, "{\"output\":");
		out_json_str(&o, opt->out, strlen(opt->out));
		out_str(&o, ",\"format\":\"");
		out_str(&o, formats[opt->format]);
		out_str(&o, "\",\"packets\":");
		out_u64(&o, g->packets);
		out_str(&o, ",\"paths\":");
		out_u64(&o, g->set->ngroups);
		out_str(&o, ",\"hops\":");
		out_u64(&o, g->nhops);
	} else {
		snprintf(buf, sizeof(buf),
		    "%s: %llu packet%s, %zu distinct path%s, %zu hop%s, %zu "
		    "stack instance%s",
		    opt->out ? opt->out : "drawn",
		    (unsigned long long)g->packets, g->packets == 1 ? "" : "s",
		    g->set->ngroups, g->set->ngroups == 1 ? "" : "s", g->nhops,
		    g->nhops == 1 ? "" : "s", g->nstacks,
		    g->nstacks == 1 ? "" : "s");
		out_tstr(&o, buf);
	}
	for (int list = 0; list < 2 && g->topo != NULL; list++) {
		bool first = true;

		/* 0: traced stacks with no node; 1: nodes no trace was in. */
		for (size_t i = 0; i < g->nstacks; i++) {
			const struct g_stack *s = &g->stacks[i];

			if (list == 0 ? s->node != NULL : s->seen)
				continue;
			if (cli_json) {
				out_str(
				    &o, first ? (list == 0 ? ",\"stacks_not_in_"
							     "topology\":["
							   : ",\"nodes_without_"
							     "traces\":[")
					      : ",");
				out_json_str(&o, s->name, strlen(s->name));
			} else {
				out_str(&o,
				    first ? (list == 0 ? "\n  traced stack "
							 "instances not in the "
							 "topology: "
						       : "\n  topology nodes "
							 "no trace was in: ")
					  : ", ");
				out_tstr(&o, s->name);
				if (list == 1) {
					out_str(&o, " (");
					out_tstr(&o, s->node->id);
					out_str(&o, ")");
				}
			}
			first = false;
		}
		if (cli_json)
			out_str(&o,
			    first
				? (list == 0 ? ",\"stacks_not_in_topology\":[]"
					     : ",\"nodes_without_traces\":[]")
				: "]");
	}
	out_str(&o, cli_json ? "}\n" : "\n");
	out_flush(&o);
}

static int
choose_frame(struct graph *g, const struct mbt_path_set *set, uint64_t frame)
{
	if (frame == 0)
		return 0;
	if (frame > set->nframes || set->frame_group[frame - 1] == UINT32_MAX) {
		cli_error("--frame %llu: no such traced packet (of %llu%s)",
		    (unsigned long long)frame, (unsigned long long)set->nframes,
		    set->nframes ? ", or it did not match --match" : "");
		return -ENOENT;
	}
	g->chosen = set->frame_group[frame - 1];
	g->frame = frame;
	return 0;
}

int
do_graph(int argc, char **argv)
{
	struct graph_opts opt = {0};
	struct load_stats st = {0};
	struct mbt_imn topo = {0};
	struct mbt_path_set set;
	struct mbt_match *m = NULL;
	struct graph g = {0};
	struct latency lat = {0};
	struct lat_stat *hop_lat = NULL;
	char err[512];
	int rc = parse_graph_opts(argc, argv, &opt);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	if (opt.match != NULL &&
	    (m = mbt_match_new(opt.match, err, sizeof(err))) == NULL) {
		cli_error("--match '%s': %s", opt.match, err);
		return EXIT_USAGE;
	}
	if (opt.topology != NULL && load_topology(opt.topology, &topo) != 0) {
		mbt_match_free(m);
		return EXIT_USAGE;
	}
	mbt_path_set_init(&set);
	rc = paths_load(opt.file, m, &set, &st,
	    opt.latency ? latency_collect : NULL, &lat);
	if (rc == 0)
		rc = graph_build(&g, &set, opt.topology ? &topo : NULL);
	if (rc == 0 && opt.latency) {
		if ((rc = graph_hop_latency(&g, &lat, &hop_lat)) != 0)
			cli_error("out of memory");
		g.hop_lat = hop_lat;
	}
	if (rc == 0)
		rc = choose_frame(&g, &set, opt.frame);
	if (rc == 0)
		rc = write_drawing(&opt, &g);
	if (rc == 0)
		summary(&opt, &g);
	paths_note_broken(&st);
	graph_free(&g);
	free(hop_lat);
	latency_free(&lat);
	mbt_path_set_free(&set);
	mbt_imn_free(&topo);
	mbt_match_free(m);
	return rc == 0 ? EXIT_OK : rc == -ENOENT ? EXIT_USAGE : EXIT_FAIL;
}
