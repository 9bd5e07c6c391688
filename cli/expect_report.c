/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The account `mbuftrace expect` gives of a case: for people, what was
 * expected, what the first offending packet did instead and its path with
 * the steps that met an expectation and the step where the two part; for
 * programs, the same as JSON.
 */
#include <stdio.h>
#include <string.h>

#include "expect.h"

static void
put(char *buf, size_t size, size_t *n, const char *fmt, const char *a,
    const char *b)
{
	if (*n < size)
		*n += (size_t)snprintf(buf + *n, size - *n, fmt, a, b);
}

size_t
expect_words(const struct mbt_case *c, char *buf, size_t size)
{
	size_t n = 0;

	buf[0] = '\0';
	for (size_t i = 0; i < c->nwants; i++)
		put(buf, size, &n, "%s%s",
		    i == 0	  ? "through "
		    : c->in_order ? ", then "
				  : ", ",
		    c->wants[i].spec);
	if (c->ends.set) {
		put(buf, size, &n, "%sends %s", n > 0 ? "; " : "",
		    mbt_end_name(c->ends.end));
		if (c->ends.ns[0] != '\0')
			put(buf, size, &n, "%s%s", "@", c->ends.ns);
	}
	if (n == 0)
		put(buf, size, &n, "%s%s", "some packet", "");
	return n < size ? n : size - 1;
}

/* How the path ended, in a few words: "ends dropped in r1 at step 5". */
static void
ending(const struct mbt_path *p, char *buf, size_t size)
{
	char where[128];
	const struct mbt_record *r;

	if (p->end == 0) {
		snprintf(buf, size, "has no end record (%zu steps)", p->nsteps);
		return;
	}
	r = p->steps[p->end_step].rec;
	mbt_path_end_where(p, where, sizeof(where));
	snprintf(buf, size, "ends %s%s%s at step %zu%s%.*s",
	    mbt_path_end_name(p), where[0] ? " in " : "", where,
	    p->end_step + 1, r->has_reason && r->reason.len ? ": " : "",
	    r->has_reason ? (int)r->reason.len : 0,
	    r->has_reason && r->reason.ptr ? r->reason.ptr : "");
}

/* What went wrong, in one sentence. */
static void
problem(const struct case_result *r, char *buf, size_t size)
{
	const struct mbt_case *c = r->c;
	const struct mbt_check *k = &r->check;
	const struct mbt_want *w = &c->wants[k->want];
	char end[256];

	ending(&r->path, end, sizeof(end));
	switch (k->problem) {
	case MBT_PROBLEM_MISSING:
		if (c->in_order && k->want > 0)
			snprintf(buf, size,
			    "never passes %s after %s (step "
			    "%zu); it %s",
			    w->spec, c->wants[k->want - 1].spec,
			    k->matched[k->want - 1] + 1, end);
		else
			snprintf(
			    buf, size, "never passes %s; it %s", w->spec, end);
		return;
	case MBT_PROBLEM_ORDER:
		snprintf(buf, size,
		    "passes %s at step %zu, before %s (step "
		    "%zu), not after it; it %s",
		    w->spec, k->part_step + 1, c->wants[k->want - 1].spec,
		    k->matched[k->want - 1] + 1, end);
		return;
	case MBT_PROBLEM_END:
	case MBT_PROBLEM_END_WHERE:
		snprintf(buf, size, "%s%s%s, not %s%s%s",
		    r->path.end ? "" : "it ", end, "",
		    mbt_end_name(c->ends.end), c->ends.ns[0] ? " in " : "",
		    c->ends.ns);
		return;
	case MBT_PROBLEM_NONE: break;
	}
	snprintf(buf, size, "satisfies the case");
}

static const char *
met_by(const struct case_result *r, size_t step)
{
	for (size_t i = 0; i < r->c->nwants; i++) {
		if (r->check.matched[i] == step)
			return r->c->wants[i].spec;
	}
	return NULL;
}

void
expect_report_text(struct out *o, const struct case_result *r)
{
	char buf[1024];
	size_t n;

	if (r->selected == 0) {
		snprintf(buf, sizeof(buf), "FAIL - %s: no packet matched%s%s",
		    r->c->name, r->c->match ? " " : "",
		    r->c->match ? r->c->match : "");
		out_tstr(o, buf);
		out_char(o, '\n');
		return;
	}
	if (r->failed == 0) {
		snprintf(buf, sizeof(buf),
		    "ok - %s: %llu packet%s, as expected", r->c->name,
		    (unsigned long long)r->selected,
		    r->selected == 1 ? "" : "s");
		out_tstr(o, buf);
		out_char(o, '\n');
		return;
	}
	snprintf(buf, sizeof(buf),
	    "FAIL - %s: %llu of %llu packet%s did not "
	    "take the expected path",
	    r->c->name, (unsigned long long)r->failed,
	    (unsigned long long)r->selected, r->selected == 1 ? "" : "s");
	out_tstr(o, buf);
	out_char(o, '\n');
	{
		struct mbt_path_group g = {.trace = r->trace};

		n = group_summary(&g, buf, sizeof(buf));
	}
	out_str(o, "  first: frame ");
	out_u64(o, r->frame);
	out_str(o, ", ");
	out_text_cut(o, buf, n, sizeof(buf));
	expect_words(r->c, buf, sizeof(buf));
	out_str(o, "\n  expected: ");
	out_tstr(o, buf);
	problem(r, buf, sizeof(buf));
	out_str(o, "\n  actual: ");
	out_tstr(o, buf);
	out_str(o, "\n  path (+ met an expectation, >> where they part):\n");
	for (size_t i = 0; i < r->path.nsteps; i++) {
		const char *met = met_by(r, i);
		char num[48];

		snprintf(num, sizeof(num), "  %s %4zu %s ",
		    i == r->check.part_step ? ">>" : "  ", i + 1,
		    met ? "+" : " ");
		out_str(o, num);
		n = step_text(&r->path.steps[i], buf, sizeof(buf));
		out_text_cut(o, buf, n, sizeof(buf));
		if (met != NULL) {
			out_str(o, "   [");
			out_tstr(o, met);
			out_char(o, ']');
		}
		out_char(o, '\n');
	}
}

static const char *const problem_names[] = {
    "none", "missing", "order", "end", "end_where"};

void
expect_report_json(struct json *j, const struct case_result *r)
{
	char buf[1024];
	size_t n;

	json_open(j, '{');
	json_kstr(j, "name", r->c->name);
	if (r->c->match != NULL)
		json_kstr(j, "match", r->c->match);
	n = expect_words(r->c, buf, sizeof(buf));
	json_key(j, "expected");
	json_str(j, buf, n);
	json_kbool(j, "ok", r->selected > 0 && r->failed == 0);
	json_ku64(j, "selected", r->selected);
	json_ku64(j, "failed", r->failed);
	if (r->failed > 0) {
		struct mbt_path_group g = {.trace = r->trace};

		json_key(j, "violation");
		json_open(j, '{');
		json_ku64(j, "frame", r->frame);
		json_key(j, "summary");
		json_cut(j, buf, group_summary(&g, buf, sizeof(buf)), sizeof(buf));
		json_kstr(j, "problem", problem_names[r->check.problem]);
		if (r->check.problem == MBT_PROBLEM_MISSING ||
		    r->check.problem == MBT_PROBLEM_ORDER)
			json_kstr(j, "through", r->c->wants[r->check.want].spec);
		problem(r, buf, sizeof(buf));
		json_kstr(j, "actual", buf);
		json_key(j, "part_step");
		if (r->check.part_step == SIZE_MAX)
			json_null(j);
		else
			json_u64(j, r->check.part_step + 1);
		json_key(j, "steps");
		json_open(j, '[');
		for (size_t i = 0; i < r->path.nsteps; i++) {
			const char *met = met_by(r, i);

			json_open(j, '{');
			json_step_members(j, &r->path.steps[i], i);
			if (met != NULL)
				json_kstr(j, "met", met);
			json_close(j, '}');
		}
		json_close(j, ']');
		json_close(j, '}');
	}
	json_close(j, '}');
}
