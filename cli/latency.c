/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --latency: every packet's step times kept per distinct path, so any
 * interval (a step from the one before, a named wait, a hop in a picture)
 * is summed up the same way: nearest-rank percentiles over the packets
 * whose records both carry a time.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "latency.h"

#define NO_TIME INT64_MIN

int
latency_collect(void *arg, const struct mbt_packet *pkt,
    const struct mbt_trace *t, const struct mbt_path *p, size_t group)
{
	struct latency *l = arg;
	struct lat_group *g;
	int64_t *row;

	(void)pkt;
	(void)t;
	if (group >= l->ng) {
		struct lat_group *v = realloc(l->g, (group + 1) * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		memset(v + l->ng, 0, (group + 1 - l->ng) * sizeof(*v));
		l->g = v;
		l->ng = group + 1;
	}
	g = &l->g[group];
	if (g->npackets == 0 && g->cap == 0) {
		/* First sight: the group's path is this packet's. */
		long n = mbt_path_waits(p, &g->waits);

		if (n < 0)
			return -ENOMEM;
		g->nwaits = (size_t)n;
		g->nsteps = p->nsteps;
	}
	if (p->nsteps != g->nsteps)
		return 0; /* cannot be: one identity, one step count */
	if (g->npackets == g->cap) {
		size_t cap = g->cap ? 2 * g->cap : 16;
		int64_t *v = realloc(
		    g->times, cap * (g->nsteps ? g->nsteps : 1) * sizeof(*v));

		if (v == NULL)
			return -ENOMEM;
		g->times = v;
		g->cap = cap;
	}
	row = &g->times[g->npackets++ * g->nsteps];
	for (size_t i = 0; i < p->nsteps; i++) {
		const struct mbt_record *r = p->steps[i].rec;

		row[i] = r->has_time && r->time_ns <= INT64_MAX
			     ? (int64_t)r->time_ns
			     : NO_TIME;
	}
	return 0;
}

void
latency_free(struct latency *l)
{
	for (size_t i = 0; i < l->ng; i++) {
		free(l->g[i].times);
		free(l->g[i].waits);
	}
	free(l->g);
	memset(l, 0, sizeof(*l));
}

static int
cmp_i64(const void *x, const void *y)
{
	int64_t a = *(const int64_t *)x, b = *(const int64_t *)y;

	return a < b ? -1 : a > b;
}

/* Nearest rank: the smallest value with at least pct% at or below it. */
static int64_t
rank(const int64_t *v, size_t n, unsigned pct)
{
	size_t k = (n * pct + 99) / 100;

	return v[k > 0 ? k - 1 : 0];
}

int
latency_append(const struct latency *l, size_t gi, size_t from, size_t to,
    struct lat_values *acc)
{
	const struct lat_group *g = gi < l->ng ? &l->g[gi] : NULL;

	if (g == NULL || from >= g->nsteps || to >= g->nsteps)
		return 0;
	for (size_t k = 0; k < g->npackets; k++) {
		const int64_t *row = &g->times[k * g->nsteps];

		if (row[from] == NO_TIME || row[to] == NO_TIME)
			continue;
		if (acc->n == acc->cap) {
			size_t cap = acc->cap ? 2 * acc->cap : 64;
			int64_t *v = realloc(acc->v, cap * sizeof(*v));

			if (v == NULL)
				return -ENOMEM;
			acc->v = v;
			acc->cap = cap;
		}
		acc->v[acc->n++] = row[to] - row[from];
	}
	return 0;
}

void
lat_values_stat(struct lat_values *acc, struct lat_stat *out)
{
	size_t n = acc->n;

	memset(out, 0, sizeof(*out));
	if (n == 0)
		return;
	qsort(acc->v, n, sizeof(*acc->v), cmp_i64);
	*out = (struct lat_stat){n, rank(acc->v, n, 50), rank(acc->v, n, 90),
	    rank(acc->v, n, 99), acc->v[n - 1]};
}

int
latency_stat(const struct latency *l, size_t gi, size_t from, size_t to,
    struct lat_stat *out)
{
	struct lat_values acc = {0};
	int rc = latency_append(l, gi, from, to, &acc);

	if (rc == 0)
		lat_values_stat(&acc, out);
	free(acc.v);
	return rc;
}

size_t
lat_dur(int64_t ns, char *buf, size_t size)
{
	double a = (double)ns, m = a < 0 ? -a : a;

	if (m < 1e3)
		return (size_t)snprintf(buf, size, "%lldns", (long long)ns);
	if (m < 1e6)
		return (size_t)snprintf(buf, size, "%.1fus", a / 1e3);
	if (m < 1e9)
		return (size_t)snprintf(buf, size, "%.2fms", a / 1e6);
	return (size_t)snprintf(buf, size, "%.3fs", a / 1e9);
}

void
lat_out_text(struct out *o, const struct lat_stat *s)
{
	const int64_t v[4] = {s->p50, s->p90, s->p99, s->max};
	char buf[64], d[32];

	snprintf(buf, sizeof(buf), "%6zu", s->count);
	out_str(o, buf);
	for (int i = 0; i < 4; i++) {
		if (s->count == 0)
			snprintf(buf, sizeof(buf), " %9s", "-");
		else {
			lat_dur(v[i], d, sizeof(d));
			snprintf(buf, sizeof(buf), " %9s", d);
		}
		out_str(o, buf);
	}
}

void
lat_out_json(struct out *o, const struct lat_stat *s)
{
	static const char *const key[4] = {
	    ",\"p50_ns\":", ",\"p90_ns\":", ",\"p99_ns\":", ",\"max_ns\":"};
	const int64_t v[4] = {s->p50, s->p90, s->p99, s->max};

	out_str(o, "\"count\":");
	out_u64(o, s->count);
	for (int i = 0; i < 4; i++) {
		out_str(o, key[i]);
		if (s->count == 0)
			out_str(o, "null");
		else
			out_i64(o, v[i]);
	}
}
