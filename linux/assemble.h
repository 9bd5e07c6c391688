/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The assembler: turns the eBPF programs' events (untrusted ring buffer
 * bytes) into v3 traces, one per skb life.  Plain C with no BPF dependency,
 * so that it is unit-tested and fuzzed on any machine.
 */
#ifndef MBT_LINUX_ASSEMBLE_H
#define MBT_LINUX_ASSEMBLE_H

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
};

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
	struct mbt_lx_asm_stats stats;
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

/* The name of a hook, "netif_receive_skb"; NULL when unknown. */
const char *mbt_lx_point_name(uint8_t point);

#endif /* MBT_LINUX_ASSEMBLE_H */
