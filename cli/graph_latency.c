/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * graph --latency: how long packets took to cross each hop of the
 * picture, from the step before their first step at the hop's far end to
 * that step, over every path that takes the hop.
 */
#include <errno.h>
#include <stdlib.h>

#include "graph.h"
#include "latency.h"

static bool
same(struct g_place a, struct g_place b)
{
	return a.stack == b.stack && a.port == b.port;
}

static size_t
hop_index(const struct graph *g, struct g_place from, struct g_place to)
{
	for (size_t h = 0; h < g->nhops; h++) {
		if (same(g->hops[h].from, from) && same(g->hops[h].to, to))
			return h;
	}
	return SIZE_MAX;
}

/*
 * The places of group gi's path folded as graph_path_places folds them,
 * each with the step where the packet first arrived there; each hop's
 * arrival interval added to acc[hop].
 */
static int
add_group(const struct graph *g, const struct latency *l, size_t gi,
    struct lat_values *acc)
{
	const struct mbt_path *p = &g->set->groups[gi].path;
	struct g_place *pl = malloc((p->nsteps + 1) * sizeof(*pl));
	size_t *first = malloc((p->nsteps + 1) * sizeof(*first));
	size_t n = 0;
	int rc = 0;

	if (pl == NULL || first == NULL) {
		free(pl);
		free(first);
		return -ENOMEM;
	}
	for (size_t i = 0; i < p->nsteps; i++) {
		struct g_place at = graph_step_place(g, &p->steps[i]);

		if (at.stack == SIZE_MAX || (n > 0 && same(pl[n - 1], at)))
			continue;
		pl[n] = at;
		first[n++] = i;
		if (n >= 4 && same(pl[n - 1], pl[n - 3]) &&
		    same(pl[n - 2], pl[n - 4]))
			n -= 2;
	}
	for (size_t k = 0; k + 1 < n && rc == 0; k++) {
		size_t h = hop_index(g, pl[k], pl[k + 1]);

		if (h != SIZE_MAX && first[k + 1] > 0)
			rc = latency_append(
			    l, gi, first[k + 1] - 1, first[k + 1], &acc[h]);
	}
	free(pl);
	free(first);
	return rc;
}

int
graph_hop_latency(
    const struct graph *g, const struct latency *l, struct lat_stat **out)
{
	struct lat_values *acc = calloc(g->nhops + 1, sizeof(*acc));
	struct lat_stat *st = calloc(g->nhops + 1, sizeof(*st));
	int rc = acc == NULL || st == NULL ? -ENOMEM : 0;

	for (size_t gi = 0; rc == 0 && gi < g->set->ngroups; gi++)
		rc = add_group(g, l, gi, acc);
	for (size_t h = 0; acc != NULL && h < g->nhops; h++) {
		if (rc == 0)
			lat_values_stat(&acc[h], &st[h]);
		free(acc[h].v);
	}
	free(acc);
	if (rc != 0) {
		free(st);
		st = NULL;
	}
	*out = st;
	return rc;
}
