/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Paths: a decoded trace seen as the steps a packet took, with an identity
 * that ignores times and addresses, so that `mbuftrace paths`, `diff`,
 * `expect` and `graph` agree on when two packets went the same way.
 */
#ifndef MBUFTRACE_PATH_H
#define MBUFTRACE_PATH_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbuftrace.h"

#ifdef __cplusplus
extern "C" {
#endif

/*
 * One step: a record that says where the packet was or what was decided
 * (points, rules, verdicts, interface changes, routes, copies, the end).
 * Snapshots and free text are not steps: they carry addresses and words
 * that differ between packets of the same path.  The location is carried
 * forward from earlier records when a record does not repeat it.
 */
struct mbt_step {
	const struct mbt_record
	    *rec;      /* into the trace the path was built from */
	size_t record; /* index of rec in the trace's records */
	bool has_ns, has_iface;
	struct mbt_str host; /* the machine, in a journey; else empty */
	struct mbt_str ns; /* name; empty when only the id is known */
	uint64_t ns_id;
	struct mbt_str ifname; /* empty when only the index is known */
	uint32_t ifindex;
	uint32_t key_off, key_len; /* this step's identity, in the path's key */
};

struct mbt_path {
	struct mbt_step *steps;
	size_t nsteps, cap;
	uint8_t end;	 /* MBT_END_* of the END step, 0 when there is none */
	size_t end_step; /* index of the (last: a journey has one a host)
			    END step when end != 0 */
	char *key;	 /* the identity: every step's key, one a line */
	size_t key_len, key_cap;
	uint64_t hash; /* of key, to group paths quickly */
};

void mbt_path_init(struct mbt_path *p);
void mbt_path_free(struct mbt_path *p);
/* Build p from t (reusing p's memory).  Returns 0 or -ENOMEM. */
int mbt_path_build(const struct mbt_trace *t, struct mbt_path *p);
/* Do a and b have the same identity? */
bool mbt_path_same(const struct mbt_path *a, const struct mbt_path *b);
/* Do step i of a and step j of b have the same identity? */
bool mbt_step_same(
    const struct mbt_path *a, size_t i, const struct mbt_path *b, size_t j);

/* "r1:eth0", "r1", "if#3", "h2/r1:eth0" in a journey, or "" (like
 * snprintf). */
size_t mbt_step_where(const struct mbt_step *s, char *buf, size_t size);
/* "delivered", "sent", ... or "unknown" when the trace has no END. */
const char *mbt_path_end_name(const struct mbt_path *p);
/* The stack instance where the path ended (the END step's), or "". */
size_t mbt_path_end_where(const struct mbt_path *p, char *buf, size_t size);

/*
 * Is t a packet capture's own copy (tcpdump's AF_PACKET clone), a child
 * trace with a record in AF_PACKET's receive functions?  Tools hide them
 * from people unless asked.
 */
bool mbt_trace_is_tap(const struct mbt_trace *t);

/*
 * A named wait: the packet sat in a queue from step `start` to step `end`
 * (name: "qdisc", "neighbour", "backlog" (Linux backlog, FreeBSD netisr
 * and epair queues) or "socket" (until a reader took it)).
 */
struct mbt_wait {
	const char *name; /* static */
	size_t start, end;
};
/* The waits along p, in order, malloc'ed into *out; count or -ENOMEM. */
long mbt_path_waits(const struct mbt_path *p, struct mbt_wait **out);

/*
 * Aligning two paths: pairs of step indexes, SIZE_MAX where one path has no
 * counterpart.  Paths longer than MBT_ALIGN_MAX steps are aligned step by
 * step instead (the table would be too big).
 */
#define MBT_ALIGN_MAX 2048
struct mbt_pair {
	size_t a, b;
};
/* Returns the number of pairs written to *out (malloc'ed), or -ENOMEM. */
long mbt_path_align(
    const struct mbt_path *a, const struct mbt_path *b, struct mbt_pair **out);

/* Where two paths part and why. */
struct mbt_parting {
	bool same;     /* they never part */
	size_t pair;   /* index of the first differing pair */
	size_t a, b;   /* its step indexes, SIZE_MAX for a gap */
	char why[256]; /* "a different rule verdict: ... pass vs ... drop" */
};
void mbt_path_parting(const struct mbt_path *a, const struct mbt_path *b,
    const struct mbt_pair *pairs, size_t npairs, struct mbt_parting *out);

/*
 * The packet's flow, from its first snapshot, for grouping packets that
 * should take one path: "ICMP 10.0.1.1 > 10.0.2.2 id 7982",
 * "UDP 10.0.1.1:40000 > 10.0.2.2:33434", "(no packet)".  Like snprintf.
 */
size_t mbt_path_flow(const struct mbt_trace *t, char *buf, size_t size);

/*
 * The first snapshot of the trace's packet (else its tail): what --match
 * filters are applied to.  false when the trace holds no packet bytes.
 */
bool mbt_path_snapshot(const struct mbt_trace *t, uint16_t *linktype,
    const uint8_t **data, uint32_t *caplen, uint32_t *wirelen);

/*
 * --match: a tcpdump filter compiled with libpcap for each link type that
 * snapshots come in, applied to a trace's first snapshot.
 */
struct mbt_match;
/* NULL and a message in err when the filter does not compile. */
struct mbt_match *mbt_match_new(const char *expr, char *err, size_t errlen);
/* Does the trace's first snapshot pass?  A trace without one never does. */
bool mbt_match_trace(struct mbt_match *m, const struct mbt_trace *t);
void mbt_match_free(struct mbt_match *m);

/*
 * Expectations on paths (`mbuftrace expect`).  A "through" is an interface
 * (NS:IFACE), a stack instance (ns:NAME), a rule (ipfw:N, pf:[ANCHOR/]N,
 * nft:FAMILY/TABLE/CHAIN[/HANDLE], iptables:TABLE/CHAIN[/N],
 * ng:PATH[/ID]) or a function name (func:NAME, or a bare NAME).
 */
enum mbt_want_kind {
	MBT_WANT_IFACE,
	MBT_WANT_NS,
	MBT_WANT_RULE,
	MBT_WANT_FUNC,
};

#define MBT_WANT_TEXT 128
struct mbt_want {
	enum mbt_want_kind kind;
	char spec[MBT_WANT_TEXT];  /* as written, for messages */
	char name[MBT_WANT_TEXT];  /* ns, rule table, or function */
	char iface[MBT_WANT_TEXT]; /* MBT_WANT_IFACE */
	uint8_t fw;		   /* MBT_WANT_RULE: MBT_FW_* */
	bool has_number;
	uint64_t number;
};

/* 0, or -EINVAL with the reason in err. */
int mbt_want_parse(
    const char *spec, struct mbt_want *w, char *err, size_t errlen);
bool mbt_want_match(const struct mbt_want *w, const struct mbt_step *s);

/* --ends: how the packet's life must end, and optionally where. */
struct mbt_ends {
	bool set;
	uint8_t end; /* MBT_END_* */
	char ns[MBT_WANT_TEXT];
};
int mbt_ends_parse(
    const char *spec, struct mbt_ends *e, char *err, size_t errlen);

/* One case: the packets it selects and what their paths must do. */
struct mbt_case {
	char name[MBT_WANT_TEXT];
	char *match; /* tcpdump filter, or NULL for every packet */
	struct mbt_want *wants;
	size_t nwants;
	struct mbt_ends ends;
	bool in_order;
	unsigned
	    line; /* where it starts in an expectations file; 0 = options */
};

struct mbt_expectations {
	struct mbt_case *cases;
	size_t ncases;
};

/*
 * Parse an expectations file (the grammar is in mbuftrace-expect(8)).
 * Returns 0, -EINVAL with "line N: ..." in err, or -ENOMEM.
 */
int mbt_expect_parse(const char *text, size_t len, struct mbt_expectations *x,
    char *err, size_t errlen);
/* Append a case (taking ownership of nothing: everything is copied). */
int mbt_expect_add(struct mbt_expectations *x, const struct mbt_case *c);
void mbt_expect_free(struct mbt_expectations *x);

/* What checking a path against a case found. */
enum mbt_problem {
	MBT_PROBLEM_NONE,
	MBT_PROBLEM_MISSING,   /* want never passed */
	MBT_PROBLEM_ORDER,     /* want passed, but not after the one before */
	MBT_PROBLEM_END,       /* ended otherwise */
	MBT_PROBLEM_END_WHERE, /* ended as expected, elsewhere */
};

struct mbt_check {
	enum mbt_problem problem;
	size_t want;	  /* the want at fault (MISSING, ORDER) */
	size_t part_step; /* the step where path and expectation part */
	size_t *matched;  /* per want: step index or SIZE_MAX; caller frees */
};
/* Returns 0 or -ENOMEM; c->problem says whether the path satisfies it. */
int mbt_expect_check(
    const struct mbt_case *c, const struct mbt_path *p, struct mbt_check *out);

/*
 * The distinct paths of a capture, with how many packets took each.  Each
 * group keeps its first packet's bytes and decoded trace, which its path's
 * steps point into, so it can be shown after the capture moved on.
 */
struct mbt_path_group {
	struct mbt_trace trace; /* the first packet with this path */
	uint8_t *bytes;
	struct mbt_path path;
	uint64_t count;
	uint64_t first_frame;
	int64_t ts_sec; /* the first packet's capture time */
	uint32_t ts_usec;
};

struct mbt_path_set {
	struct mbt_path_group *groups;
	size_t ngroups, cap;
	size_t *index; /* open addressing on the path hash: group + 1, 0 free */
	size_t index_size;
	uint32_t *frame_group; /* per frame (1-based frame - 1): group */
	uint64_t nframes, frames_cap;
};

void mbt_path_set_init(struct mbt_path_set *s);
void mbt_path_set_free(struct mbt_path_set *s);
/*
 * Count the packet (frame, time, its captured bytes, its decoded trace t
 * and path p) in its group, creating the group on first sight.  Frames
 * must come in order, 1, 2, 3...  Returns the group's index or -ENOMEM.
 */
long mbt_path_set_add(struct mbt_path_set *s, uint64_t frame, int64_t ts_sec,
    uint32_t ts_usec, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    const struct mbt_path *p);

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_PATH_H */
