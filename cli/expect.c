/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace expect`: assertions on paths, for people who want their
 * network configuration tested.  The packets a case selects (a tcpdump
 * filter on their first snapshot) must pass the given interfaces, stack
 * instances, rules and functions, optionally in order, and end as given.
 * Exit 0 when every case holds, 1 with an account of the first violation
 * of each case that does not, 2 on bad input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "journey.h"
#include "outfile.h"
#include "expect.h"

#define EXPECT_FILE_MAX (1 << 20) /* an expectations file is small */

enum { O_MATCH = 256, O_THROUGH, O_ENDS, O_IN_ORDER };

static const struct cli_opt expect_opts[] = {
    CLI_OPT_JSON("one JSON document"),
    CLI_OPT(O_MATCH, "match", 0, CLI_TEXT, "FILTER",
	"the packets to check: a tcpdump filter applied\n"
	"to each packet's first snapshot (default: all)"),
    CLI_OPT_MANY(O_THROUGH, "through", 0, "WHERE",
	"the path passes WHERE: NS:IFACE, ns:NAME,\n"
	"ipfw:N, pf:[ANCHOR/]N, nft:FAMILY/TABLE/CHAIN[/H],\n"
	"iptables:TABLE/CHAIN[/N], ng:PATH[/ID], or a\n"
	"function (func:NAME or NAME); may repeat"),
    CLI_OPT(O_ENDS, "ends", 0, CLI_TEXT, "HOW[@NS]",
	"the packet's life ends HOW (delivered, sent,\n"
	"dropped, freed, consumed), in stack instance NS"),
    CLI_OPT(O_IN_ORDER, "in-order", 0, CLI_FLAG, NULL,
	"the --through places are passed in that order"),
    CLI_OPT('f', "cases", 'f', CLI_TEXT, "FILE",
	"several cases from an expectations file (see\n"
	"mbuftrace-expect(8)), instead of the options above"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd expect_cmd = {
    .name = "expect",
    .operands = "FILE|-",
    .about = "Check that the traced packets in FILE took the paths you expect.\n"
	     "Exit 0 when they all did, 1 with an account of the first packet that\n"
	     "did not, 2 on bad input (options, filters, unreadable files).",
    .opts = expect_opts,
};

struct expect_opts {
	const char *file, *cases;
	struct mbt_case one; /* from the options */
	bool have_one;
};

static int
add_through(struct mbt_case *c, const char *spec)
{
	struct mbt_want *w = realloc(c->wants, (c->nwants + 1) * sizeof(*w));
	char err[256];

	if (w == NULL) {
		cli_error("out of memory");
		return EXIT_USAGE;
	}
	c->wants = w;
	if (mbt_want_parse(spec, &w[c->nwants], err, sizeof(err)) != 0) {
		cli_error("--through %s", err);
		return EXIT_USAGE;
	}
	c->nwants++;
	return 0;
}

static int
parse_expect_opts(int argc, char **argv, struct expect_opts *opt)
{
	struct mbt_case *c = &opt->one;
	struct cli_val v;
	char err[256];
	int c_, rc;

	while ((c_ = cli_next(&expect_cmd, argc, argv, &v)) > 0) {
		switch (c_) {
		case 'f': opt->cases = v.text; break;
		case O_MATCH:
			c->match = v.text;
			opt->have_one = true;
			break;
		case O_THROUGH:
			if ((rc = add_through(c, v.text)) != 0)
				return rc;
			opt->have_one = true;
			break;
		case O_ENDS:
			if (mbt_ends_parse(
				v.text, &c->ends, err, sizeof(err))) {
				cli_error("--ends %s", err);
				return EXIT_USAGE;
			}
			opt->have_one = true;
			break;
		case O_IN_ORDER:
			c->in_order = true;
			opt->have_one = true;
			break;
		}
	}
	if (c_ != CLI_END)
		return c_ == CLI_HELP ? -1 : EXIT_USAGE;
	if ((opt->file = cli_captures(argc, argv)) == NULL)
		return EXIT_USAGE;
	if (opt->cases != NULL && opt->have_one) {
		cli_error("either a cases file (-f) or --match, --through, "
			  "--ends and --in-order, not both");
		return EXIT_USAGE;
	}
	if (opt->cases == NULL && c->nwants == 0 && !c->ends.set) {
		cli_error("expect what? give --through or --ends, or a cases "
			  "file with -f (see --help)");
		return EXIT_USAGE;
	}
	snprintf(c->name, sizeof(c->name), "%s", "expectations");
	return 0;
}

static int
read_cases(const char *path, struct mbt_expectations *x)
{
	FILE *f = fopen(path, "rb");
	char *text, err[300];
	size_t n;
	int rc;

	if (f == NULL) {
		cli_error("%s: %s", path, strerror(errno));
		return -errno;
	}
	text = malloc(EXPECT_FILE_MAX + 1);
	if (text == NULL) {
		fclose(f);
		cli_error("out of memory");
		return -ENOMEM;
	}
	n = fread(text, 1, EXPECT_FILE_MAX + 1, f);
	rc = ferror(f) ? -EIO : 0;
	fclose(f);
	if (rc == 0 && n > EXPECT_FILE_MAX) {
		cli_error("%s: larger than %d bytes: is it an expectations "
			  "file?",
		    path, EXPECT_FILE_MAX);
		rc = -EFBIG;
	} else if (rc != 0) {
		cli_error("%s: read failed", path);
	} else if ((rc = mbt_expect_parse(text, n, x, err, sizeof(err))) != 0) {
		cli_error("%s: %s", path, err);
	}
	free(text);
	return rc;
}

/* Keep the offending packet, decoded, to show its path afterwards. */
static int
keep_violation(struct case_result *r, const struct mbt_packet *pkt,
    const struct mbt_check *k)
{
	r->frame = pkt->frame;
	r->bytes = malloc(pkt->caplen ? pkt->caplen : 1);
	if (r->bytes == NULL)
		return -ENOMEM;
	memcpy(r->bytes, pkt->data, pkt->caplen);
	if (mbt_decode(r->bytes, pkt->caplen, pkt->wirelen, &r->trace) ==
		-ENOMEM ||
	    mbt_path_build(&r->trace, &r->path) != 0)
		return -ENOMEM;
	r->check = *k;
	return 0;
}

struct run {
	struct case_result *results;
	size_t n;
};

static int
check_packet(void *arg, const struct mbt_packet *pkt, const struct mbt_trace *t,
    const struct mbt_path *p, size_t group)
{
	struct run *run = arg;

	for (size_t i = 0; i < run->n; i++) {
		struct case_result *r = &run->results[i];
		struct mbt_check k;

		if (r->match != NULL && !mbt_match_trace(r->match, t))
			continue;
		r->selected++;
		if (mbt_expect_check(r->c, p, &k) != 0)
			goto nomem;
		if (k.problem == MBT_PROBLEM_NONE) {
			free(k.matched);
			continue;
		}
		if (r->failed++ > 0) {
			free(k.matched);
			continue;
		}
		if (keep_violation(r, pkt, &k) != 0) {
			r->check = k; /* freed with the result */
			goto nomem;
		}
	}
	return 0;
nomem:
	cli_error("out of memory");
	return -ENOMEM;
}

static int
report(const struct run *run, bool *all_ok)
{
	static struct out o;
	struct json j;

	*all_ok = true;
	out_init(&o, stdout);
	json_init(&j, &o);
	if (cli_json) {
		json_open(&j, '{');
		json_key(&j, "cases");
		json_open(&j, '[');
	}
	for (size_t i = 0; i < run->n; i++) {
		const struct case_result *r = &run->results[i];

		*all_ok &= r->selected > 0 && r->failed == 0;
		if (cli_json)
			expect_report_json(&j, r);
		else
			expect_report_text(&o, r);
	}
	if (cli_json) {
		json_close(&j, ']');
		json_kbool(&j, "ok", *all_ok);
		json_close(&j, '}');
		out_char(&o, '\n');
	}
	out_flush(&o);
	if (out_check(&o, NULL) != 0)
		return -EIO;
	return 0;
}

static int
run_cases(const char *file, const struct mbt_expectations *x, bool *all_ok)
{
	struct run run = {calloc(x->ncases, sizeof(*run.results)), x->ncases};
	struct mbt_path_set set;
	struct load_stats st = {0};
	char err[512];
	int rc = 0;

	if (run.results == NULL) {
		cli_error("out of memory");
		return -ENOMEM;
	}
	for (size_t i = 0; i < x->ncases && rc == 0; i++) {
		struct case_result *r = &run.results[i];

		r->c = &x->cases[i];
		mbt_trace_init(&r->trace);
		mbt_path_init(&r->path);
		if (r->c->match == NULL)
			continue;
		r->match = mbt_match_new(r->c->match, err, sizeof(err));
		if (r->match == NULL) {
			if (r->c->line > 0)
				cli_error("line %u: match '%s': %s", r->c->line,
				    r->c->match, err);
			else
				cli_error("--match '%s': %s", r->c->match, err);
			rc = -EINVAL;
		}
	}
	mbt_path_set_init(&set);
	if (rc == 0)
		rc = paths_load(file, NULL, &set, &st, check_packet, &run);
	if (rc == 0)
		rc = report(&run, all_ok);
	paths_note_broken(&st);
	mbt_path_set_free(&set);
	for (size_t i = 0; i < run.n; i++) {
		struct case_result *r = &run.results[i];

		mbt_match_free(r->match);
		mbt_trace_free(&r->trace);
		mbt_path_free(&r->path);
		free(r->bytes);
		free(r->check.matched);
	}
	free(run.results);
	return rc;
}

int
do_expect(int argc, char **argv)
{
	struct expect_opts opt = {0};
	struct mbt_expectations x = {0};
	bool all_ok = false;
	int rc = parse_expect_opts(argc, argv, &opt);

	if (rc == 0 && opt.cases != NULL)
		rc = read_cases(opt.cases, &x) != 0 ? EXIT_USAGE : 0;
	else if (rc == 0 && mbt_expect_add(&x, &opt.one) != 0)
		rc = EXIT_USAGE;
	free(opt.one.wants);
	if (rc != 0) {
		mbt_expect_free(&x);
		return rc < 0 ? EXIT_OK : rc;
	}
	rc = run_cases(opt.file, &x, &all_ok);
	mbt_expect_free(&x);
	/* An unreadable capture is bad input too: 1 means "not as expected". */
	if (rc != 0)
		return EXIT_USAGE;
	return all_ok ? EXIT_OK : EXIT_NO;
}
