/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * --latency: how long the packets of each distinct path took between two
 * of its steps, from the records' times, summed up as count, p50, p90,
 * p99 and max over the packets.  Shared by `paths`, `diff` and `graph`.
 */
#ifndef MBT_CLI_LATENCY_H
#define MBT_CLI_LATENCY_H

#include "paths.h"

/* Per group: each packet's step times (INT64_MIN where unknown). */
struct lat_group {
	size_t nsteps, npackets, cap;
	int64_t *times; /* npackets rows of nsteps */
	struct mbt_wait *waits;
	size_t nwaits;
};

struct latency {
	struct lat_group *g;
	size_t ng;
};

struct lat_stat {
	size_t count; /* packets with both times */
	int64_t p50, p90, p99, max; /* ns */
};

/* Intervals gathered over several groups (a hop many paths share). */
struct lat_values {
	int64_t *v;
	size_t n, cap;
};

/* A load_fn for paths_load: arg is a struct latency. */
int latency_collect(void *arg, const struct mbt_packet *pkt,
    const struct mbt_trace *t, const struct mbt_path *p, size_t group);
void latency_free(struct latency *l);
/* The time from step `from` to step `to` over group gi's packets.
 * Returns 0, or -ENOMEM. */
int latency_stat(const struct latency *l, size_t gi, size_t from, size_t to,
    struct lat_stat *out);
/* Add group gi's packets' intervals from step `from` to `to` to acc;
 * 0 or -ENOMEM.  Then sum them up (sorting acc). */
int latency_append(const struct latency *l, size_t gi, size_t from, size_t to,
    struct lat_values *acc);
void lat_values_stat(struct lat_values *acc, struct lat_stat *out);
/* "950ns", "12.3us", "46.68ms", "1.204s" (like snprintf). */
size_t lat_dur(int64_t ns, char *buf, size_t size);
/* " 3  8.4us  21.0us  21.0us  21.0us": count and the four, in columns. */
void lat_out_text(struct out *o, const struct lat_stat *s);
/* "count":3,"p50_ns":...,"max_ns":... (no braces). */
void lat_out_json(struct out *o, const struct lat_stat *s);

#endif /* MBT_CLI_LATENCY_H */
