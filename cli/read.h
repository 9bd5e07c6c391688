/* SPDX-License-Identifier: BSD-2-Clause */
/* The renderers of `mbuftrace read`: text, JSON Lines and pcapng. */
#ifndef MBT_CLI_READ_H
#define MBT_CLI_READ_H

#include "mbuftrace/capture.h"
#include "mbuftrace/mbuftrace.h"
#include "out.h"

/* The packet a trace is about: its first snapshot, else its tail. */
struct snapshot {
	uint16_t linktype;
	const uint8_t *data;
	uint32_t caplen, wirelen;
};

/* Returns false when the trace holds no packet bytes at all. */
bool trace_first_snapshot(const struct mbt_trace *t, struct snapshot *s);
/* The tcpdump-like one-line summary of the trace's packet. */
size_t trace_summary(const struct mbt_trace *t, char *buf, size_t size);
/* "2025-12-30 22:00:00.001000" in local time, as tcpdump -tttt. */
void out_capture_time(struct out *o, int64_t sec, uint32_t usec);

void text_trace(
    struct out *o, const struct mbt_packet *p, const struct mbt_trace *t);
void json_trace(
    struct out *o, const struct mbt_packet *p, const struct mbt_trace *t);
/* 0 when written, 1 when the trace has no snapshot to write, or -errno. */
int pcapng_trace(struct mbt_pcapng *w, const struct mbt_packet *p,
    const struct mbt_trace *t);

#endif /* MBT_CLI_READ_H */
