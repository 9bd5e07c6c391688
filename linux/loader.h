/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading, attaching and reading the eBPF programs of `mbuftrace record`.
 * Every attachment is a BPF link owned by this process, so the kernel
 * releases it when the process ends, however it ends.
 */
#ifndef MBT_LINUX_LOADER_H
#define MBT_LINUX_LOADER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "record_event.h"

struct mbt_lx_config {
	uint32_t snaplen;
	const struct mbt_cbpf_insn *filter; /* NULL: every packet */
	uint32_t filter_len;
	bool filter_link; /* the filter reads Ethernet frames, not IP packets */
	struct mbt_lx_iface_match ifaces[MBT_LX_MAX_IFACES];
	uint32_t n_ifaces;
	bool want_mark;
	uint32_t mark, mark_mask;
	bool want_nftrace;
	const char *functions; /* --functions REGEX; NULL: all */
	bool no_functions;     /* --no-functions */
	bool want_pid;
	uint32_t pid;
};

/* Called for each ring buffer record; return nonzero to stop polling. */
typedef int (*mbt_lx_event_fn)(void *ctx, void *data, size_t size);

struct mbt_lx_loader;

/*
 * For other loaders of record.bpf.c's skeleton (tests/vm/functions_join.c):
 * between open and load, leave out the hooks this kernel cannot feed and
 * set the knobs that follow its tracepoints' arguments; *missing (of
 * MBT_LX_MISSING_LEN bytes, initially "") says what was left out.
 */
struct record_bpf;
void mbt_lx_fit_to_kernel(struct record_bpf *skel, char *missing);

/* Hooks that could not be attached, "name: why; ...", for the user. */
#define MBT_LX_MISSING_LEN 1024

struct mbt_lx_counters {
	uint64_t started, events, lost;
};

/*
 * Check privileges, open, load and attach.  Returns 0 or -errno with a
 * message in err.  *missing names the hooks left out.
 */
int mbt_lx_load(struct mbt_lx_loader **out, const struct mbt_lx_config *c,
    mbt_lx_event_fn fn, void *ctx, char *missing, char *err, size_t errlen);
/* Wait up to timeout_ms for events; returns how many or -errno. */
int mbt_lx_poll(struct mbt_lx_loader *l, int timeout_ms);
/* Hand over every event already in the ring buffer. */
int mbt_lx_drain(struct mbt_lx_loader *l);
void mbt_lx_counters(struct mbt_lx_loader *l, struct mbt_lx_counters *c);
/*
 * Keep the hooks' idle path working (record.bpf.c, ntracked): forget the
 * traced skbs no hook has seen for long, whose end was missed, and reset
 * the count of live traces when none is.  now_ns: CLOCK_MONOTONIC.  Call
 * about once a second.
 */
void mbt_lx_sweep(struct mbt_lx_loader *l, uint64_t now_ns);
/* The hooks' count of live traces, which may be too high (a hint). */
uint64_t mbt_lx_live_hint(const struct mbt_lx_loader *l);
/* Detach and free everything; l may be NULL. */
void mbt_lx_unload(struct mbt_lx_loader *l);
/* Full-function mode, for the user: "kprobe-multi, 1628 functions in
 * 0.15 s" or why there is none. */
const char *mbt_lx_functions_note(const struct mbt_lx_loader *l);
/* How many hooks are attached. */
int mbt_lx_attached(const struct mbt_lx_loader *l);

#endif /* MBT_LINUX_LOADER_H */
