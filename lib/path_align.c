/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Comparing two paths: align their steps (longest common subsequence, so a
 * path with one extra hop still lines up after it) and say where they part
 * and why, in the words a person debugging a network uses.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"

/* Step by step, for paths too long for the table. */
static long
align_straight(
    const struct mbt_path *a, const struct mbt_path *b, struct mbt_pair *out)
{
	size_t n = a->nsteps > b->nsteps ? a->nsteps : b->nsteps;

	for (size_t i = 0; i < n; i++) {
		out[i].a = i < a->nsteps ? i : SIZE_MAX;
		out[i].b = i < b->nsteps ? i : SIZE_MAX;
	}
	return (long)n;
}

long
mbt_path_align(
    const struct mbt_path *a, const struct mbt_path *b, struct mbt_pair **out)
{
	size_t na = a->nsteps, nb = b->nsteps, w = nb + 1, i, j, n = 0;
	struct mbt_pair *pairs = malloc((na + nb + 1) * sizeof(*pairs));
	uint16_t *len;

	*out = pairs;
	if (pairs == NULL)
		return -ENOMEM;
	if (na > MBT_ALIGN_MAX || nb > MBT_ALIGN_MAX)
		return align_straight(a, b, pairs);
	/* len[i][j]: the common steps of a[i..] and b[j..]. */
	len = calloc((na + 1) * w, sizeof(*len));
	if (len == NULL) {
		free(pairs);
		*out = NULL;
		return -ENOMEM;
	}
	for (i = na; i-- > 0;) {
		for (j = nb; j-- > 0;) {
			uint16_t down = len[(i + 1) * w + j];
			uint16_t right = len[i * w + j + 1];

			if (mbt_step_same(a, i, b, j))
				len[i * w + j] =
				    (uint16_t)(len[(i + 1) * w + j + 1] + 1);
			else
				len[i * w + j] = down > right ? down : right;
		}
	}
	for (i = 0, j = 0; i < na || j < nb;) {
		if (i < na && j < nb && mbt_step_same(a, i, b, j)) {
			pairs[n++] = (struct mbt_pair){i++, j++};
		} else if (j >= nb || (i < na && len[(i + 1) * w + j] >=
						     len[i * w + j + 1])) {
			/* A step of a that b does not have.  Where both lose
			 * the same, pair them up: they are the differing step
			 * of each, side by side. */
			if (j < nb && i < na &&
			    len[(i + 1) * w + j + 1] == len[i * w + j])
				pairs[n++] = (struct mbt_pair){i++, j++};
			else
				pairs[n++] = (struct mbt_pair){i++, SIZE_MAX};
		} else {
			pairs[n++] = (struct mbt_pair){SIZE_MAX, j++};
		}
	}
	free(len);
	return (long)n;
}

static void
rule_words(const struct mbt_record *r, char *buf, size_t size)
{
	snprintf(buf, size, "%s%s%.*s %llu %s", mbt_fw_name(r->fw),
	    r->rule_table.len > 0 ? " " : "", (int)r->rule_table.len,
	    r->rule_table.ptr, (unsigned long long)r->rule_number,
	    mbt_verdict_name(r->detail));
}

/* Why the paths part at steps sa and sb (either may be NULL: a gap). */
static void
explain(const struct mbt_step *sa, const struct mbt_step *sb, char *why,
    size_t size)
{
	char wa[160], wb[160], x[200], y[200];
	const struct mbt_record *ra = sa ? sa->rec : NULL;
	const struct mbt_record *rb = sb ? sb->rec : NULL;

	if (ra != NULL && rb != NULL && ra->kind == MBT_KIND_RULE &&
	    rb->kind == MBT_KIND_RULE) {
		rule_words(ra, x, sizeof(x));
		rule_words(rb, y, sizeof(y));
		snprintf(why, size, "%s: %.100s vs %.100s",
		    ra->detail != rb->detail ? "a different rule verdict"
					     : "a different rule",
		    x, y);
		return;
	}
	if (ra != NULL && rb != NULL && ra->kind == MBT_KIND_ROUTE &&
	    rb->kind == MBT_KIND_ROUTE) {
		snprintf(why, size,
		    "a different route: table %u oif %u error %d vs table %u "
		    "oif %u error %d",
		    ra->route_table, ra->route_oif, ra->route_error,
		    rb->route_table, rb->route_oif, rb->route_error);
		return;
	}
	for (int k = 0; k < 2; k++) {
		const struct mbt_record *r = k == 0 ? ra : rb;

		if (r != NULL && r->kind == MBT_KIND_END) {
			snprintf(why, size, "%s %s%s%.*s", k == 0 ? "A" : "B",
			    r->detail == MBT_END_DROPPED ? "is dropped"
							 : "ends",
			    r->has_reason && r->reason.len ? ": " : "",
			    r->has_reason ? (int)r->reason.len : 0,
			    r->has_reason ? r->reason.ptr : "");
			if (r->detail != MBT_END_DROPPED)
				snprintf(why + strlen(why), size - strlen(why),
				    " (%s)", mbt_end_name(r->detail));
			return;
		}
	}
	if (ra == NULL || rb == NULL) {
		const struct mbt_record *r = ra ? ra : rb;

		mbt_record_text(r, x, sizeof(x));
		snprintf(why, size, "only %s has %.150s", ra ? "A" : "B",
		    r->func.len > 0 ? "" : x);
		if (r->func.len > 0)
			snprintf(why + strlen(why), size - strlen(why), "%.*s",
			    (int)r->func.len, r->func.ptr);
		return;
	}
	mbt_step_where(sa, wa, sizeof(wa));
	mbt_step_where(sb, wb, sizeof(wb));
	if (strcmp(wa, wb) != 0) {
		snprintf(why, size, "a different %s: %.100s vs %.100s",
		    sa->has_ns && sb->has_ns &&
			    (sa->ns_id != sb->ns_id ||
				sa->ns.len != sb->ns.len ||
				memcmp(sa->ns.ptr, sb->ns.ptr, sa->ns.len))
			? "stack instance"
			: "interface",
		    wa[0] ? wa : "(unknown)", wb[0] ? wb : "(unknown)");
		return;
	}
	if (ra->kind != rb->kind) {
		snprintf(why, size, "a different kind of step: %s vs %s",
		    mbt_kind_name(ra->kind), mbt_kind_name(rb->kind));
		return;
	}
	snprintf(why, size, "a different place in the code: %.*s vs %.*s",
	    (int)(ra->func.len ? ra->func.len : ra->file.len),
	    ra->func.len ? ra->func.ptr : ra->file.ptr,
	    (int)(rb->func.len ? rb->func.len : rb->file.len),
	    rb->func.len ? rb->func.ptr : rb->file.ptr);
}

void
mbt_path_parting(const struct mbt_path *a, const struct mbt_path *b,
    const struct mbt_pair *pairs, size_t npairs, struct mbt_parting *out)
{
	memset(out, 0, sizeof(*out));
	out->same = true;
	out->a = out->b = SIZE_MAX;
	for (size_t k = 0; k < npairs; k++) {
		const struct mbt_pair *p = &pairs[k];

		if (p->a != SIZE_MAX && p->b != SIZE_MAX &&
		    mbt_step_same(a, p->a, b, p->b))
			continue;
		out->same = false;
		out->pair = k;
		out->a = p->a;
		out->b = p->b;
		explain(p->a != SIZE_MAX ? &a->steps[p->a] : NULL,
		    p->b != SIZE_MAX ? &b->steps[p->b] : NULL, out->why,
		    sizeof(out->why));
		return;
	}
}
