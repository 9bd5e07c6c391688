/* SPDX-License-Identifier: BSD-2-Clause */
/* What `paths`, `diff`, `expect` and `graph` share: loading a capture as paths. */
#ifndef MBT_CLI_PATHS_H
#define MBT_CLI_PATHS_H

#include "mbuftrace/capture.h"
#include "mbuftrace/path.h"
#include "json.h"
#include "out.h"

struct load_stats {
	uint64_t packets, selected, malformed, truncated;
	bool hide_taps;	     /* in: leave out packet captures' own copies */
	uint64_t taps_hidden; /* out: how many were */
};

/*
 * Called for every selected packet after it joined its group; returns 0 or
 * -errno to stop.  t and p live only for the call.
 */
typedef int load_fn(void *arg, const struct mbt_packet *pkt,
    const struct mbt_trace *t, const struct mbt_path *p, size_t group);

/*
 * Read FILE ("-" is standard input), keep the packets that pass m (all
 * when m is NULL), and group them by path into set.  Errors are reported
 * through cli_error; returns 0, -EIO (unreadable) or -ENOMEM.
 */
int paths_load(const char *file, struct mbt_match *m, struct mbt_path_set *set,
    struct load_stats *st, load_fn *fn, void *arg);

/* "mbuftrace X: 2 of 6 traces malformed..." on stderr when there were any,
 * and how many captures' copies were hidden. */
void paths_note_broken(const struct load_stats *st);

/* The step's line for people: "r1:eth0  net/ipv4/ip_input.c:565: ip_rcv enter". */
size_t step_text(const struct mbt_step *s, char *buf, size_t size);
/* The path's stack instances and interfaces in order, repeats folded:
 * "h1:eth0 > r1:eth0 > r1:eth1 > h2:eth0". */
void out_hops(struct out *o, const struct mbt_path *p, const char *sep);
/* One JSON array of the same, for programs. */
void out_hops_json(struct out *o, const struct mbt_path *p);
/* A step's members (step, record, where, kind, text, file, line, func),
 * in the object the caller opened, for its own keys to follow. */
void json_step_members(struct json *j, const struct mbt_step *s, size_t index);
/* The one-line summary of a group's first packet. */
size_t group_summary(const struct mbt_path_group *g, char *buf, size_t size);

#endif /* MBT_CLI_PATHS_H */
