/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The assembler: turns the eBPF programs' events (untrusted ring buffer
 * bytes) into v3 traces, one per skb life.  Plain C with no BPF dependency,
 * so that it is unit-tested and fuzzed on any machine.
 */
#ifndef MBT_LINUX_ASSEMBLE_H
#define MBT_LINUX_ASSEMBLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbuftrace/mbuftrace.h"
#include "record_event.h"

/* Events kept per trace; later ones are counted as lost records. */
#define MBT_LX_MAX_EVENTS 256
/* Traces open at once; when full the oldest is emitted unfinished. */
#define MBT_LX_MAX_OPEN 4096

/*
 * Names the assembler cannot know by itself.  Each may be NULL and each
 * returns NULL when it has no name; a returned string must stay valid until
 * the next call of the same function.
 */
struct mbt_lx_names {
	void *ctx;
	const char *(*drop_reason)(void *ctx, uint32_t code);
	/* The function containing addr, and addr's offset in it. */
	const char *(*symbol)(void *ctx, uint64_t addr, uint64_t *offset);
	/* The `ip netns` name of a namespace, by inode. */
	const char *(*netns)(void *ctx, uint64_t inode);
	/* The source file of addr, and its line, where debug info exists. */
	const char *(*srcline)(void *ctx, uint64_t addr, uint32_t *line);
};

/*
 * Where an nftables hook sits on a packet's path, which decides where its
 * verdicts go among the tracepoint hops (there is no tracepoint there).
 */
enum mbt_lx_hook_place {
	MBT_LX_HOOK_UNKNOWN, /* guessed from the interfaces the kernel sent */
	MBT_LX_HOOK_INGRESS, /* prerouting, netdev ingress: before routing */
	MBT_LX_HOOK_ROUTED,  /* input, forward: after the route lookup */
	MBT_LX_HOOK_EGRESS,  /* output, postrouting, netdev egress */
};

#define MBT_LX_RULE_NAME 64 /* longer names are cut */
#define MBT_LX_RULE_NETHDR 40
#define MBT_LX_RULE_THDR 20

/*
 * One nftables trace event (NFT_MSG_TRACE) as linux/nft_parse.c read it:
 * a rule, a chain's policy or a return, with its verdict, for a packet whose
 * nf_trace bit is set.  The kernel names the packet by a per-skb pseudo id
 * and, in the first event of each hook, by its headers.
 */
struct mbt_lx_rule {
	uint64_t netns;	  /* inode of the namespace it was heard in */
	uint64_t seen_ns; /* CLOCK_MONOTONIC when it was read */
	uint64_t handle;  /* the rule's handle; 0 for a policy */
	uint32_t nft_id;  /* the kernel's pseudo id of the skb */
	uint32_t iif, oif;
	int32_t verdict; /* NF_DROP, NF_ACCEPT, ... NFT_JUMP, NFT_RETURN */
	uint8_t type;	 /* NFT_TRACETYPE_* */
	uint8_t family;	 /* NFPROTO_* of the table */
	uint8_t place;	 /* enum mbt_lx_hook_place */
	uint8_t nethdr_len, thdr_len; /* 0: not sent with this event */
	char table[MBT_LX_RULE_NAME], chain[MBT_LX_RULE_NAME];
	char target[MBT_LX_RULE_NAME]; /* of a jump or goto */
	uint8_t nethdr[MBT_LX_RULE_NETHDR];
	uint8_t thdr[MBT_LX_RULE_THDR];
};

/* Verdicts that found no trace wait this long for one to start. */
#define MBT_LX_RULE_WAIT_NS 2000000000ULL
#define MBT_LX_MAX_PENDING_RULES 256
#define MBT_LX_MAX_RULES 64 /* per trace; more are counted as lost */

/* Called with each finished trace; realtime_ns is when it ended. */
typedef int (*mbt_lx_emit_fn)(
    void *ctx, const uint8_t *trace, size_t len, uint64_t realtime_ns);

struct mbt_lx_asm_stats {
	uint64_t events;       /* events accepted */
	uint64_t bad_events;   /* rejected by the checks; last_error says why */
	uint64_t kernel_lost;  /* events the kernel could not send */
	uint64_t records_lost; /* events beyond MBT_LX_MAX_EVENTS */
	uint64_t traces;       /* traces emitted */
	uint64_t unfinished;   /* of those, emitted without an end */
	uint64_t emit_errors;  /* traces the encoder or the output refused */
	uint64_t rules;	       /* nftables verdicts merged into a trace */
	uint64_t rules_unmatched; /* verdicts no trace claimed in time */
	char last_error[128];
};

struct mbt_lx_open_trace;

struct mbt_lx_asm {
	struct mbt_lx_names names;
	mbt_lx_emit_fn emit;
	void *emit_ctx;
	int64_t mono_to_real_ns; /* add to CLOCK_MONOTONIC to get UNIX time */
	struct mbt_lx_open_trace **buckets;
	size_t nbuckets, nopen;
	/*
	 * With hold set, ended traces wait in held until
	 * mbt_lx_asm_release(): verdicts read after the events may still
	 * belong to them.
	 */
	bool hold;
	struct mbt_lx_open_trace *held, **held_tail;
	struct mbt_lx_rule *pending; /* verdicts waiting for their trace */
	size_t npending;
	uint64_t pending_news; /* events + verdicts when last looked for */
	struct mbt_lx_asm_stats stats;
	/* A route record's "(veth1)": lives until the record is encoded. */
	char oif_text[24];
	uint8_t buf[MBT_V3_MAX_TRACE_LEN];
};

int mbt_lx_asm_init(struct mbt_lx_asm *a, const struct mbt_lx_names *names,
    mbt_lx_emit_fn emit, void *emit_ctx, int64_t mono_to_real_ns);
void mbt_lx_asm_free(struct mbt_lx_asm *a);

/*
 * Take one ring buffer record.  Returns 0, -EINVAL when the record fails a
 * check (counted, and described in stats.last_error), -ENOMEM, or the emit
 * callback's error.
 */
int mbt_lx_asm_feed(struct mbt_lx_asm *a, const void *data, size_t size);

/*
 * Emit, unfinished, the traces whose last event is older than idle_ns at
 * CLOCK_MONOTONIC time now_ns; with idle_ns 0, every open trace (at stop).
 */
int mbt_lx_asm_flush(struct mbt_lx_asm *a, uint64_t now_ns, uint64_t idle_ns);

/*
 * Merge one nftables verdict into the trace of its packet (by the pseudo id
 * of an earlier verdict, else by its headers), among the hops at the place
 * of its hook.  One that matches no trace yet waits for one to start, up to
 * MBT_LX_RULE_WAIT_NS.  Returns 0 or -ENOMEM.
 */
int mbt_lx_asm_rule(struct mbt_lx_asm *a, const struct mbt_lx_rule *r);

/*
 * Is r the kernel's end-of-rules marker, which says nothing to a user (a
 * "rule" without a handle that lets evaluation go on to the chain's
 * policy)?  It still names the packet: it can be a hook's first event.
 */
bool mbt_lx_rule_says_nothing(const struct mbt_lx_rule *r);

/* Emit the held traces (see hold). */
int mbt_lx_asm_release(struct mbt_lx_asm *a);

/* The name of a hook, "netif_receive_skb"; NULL when unknown. */
const char *mbt_lx_point_name(uint8_t point);

/*
 * The record one checked event becomes (its point's kind and typed values,
 * linux/points.h), times from t0; text is storage for the words of what
 * only the assembler knows (symbols).  For tests of the table of points.
 */
void mbt_lx_event_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_event *ev, uint64_t t0, char *text, size_t size);

#endif /* MBT_LINUX_ASSEMBLE_H */
