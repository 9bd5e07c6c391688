/* SPDX-License-Identifier: BSD-2-Clause */
/* What the files of `mbuftrace record` share. */
#ifndef MBT_CLI_RECORD_H
#define MBT_CLI_RECORD_H

#include <stdbool.h>
#include <stddef.h>

#include "../linux/record_event.h"

/* A compiled tcpdump expression. */
struct record_filter {
	struct mbt_cbpf_insn *insns;
	unsigned len;
	/* Compiled for Ethernet frames, not IP packets: a packet with no
	 * Ethernet header (tun, WireGuard, raw IP devices) is given a
	 * made-up one, which its link-layer terms never match. */
	bool link;
};

int record_filter_compile(
    const char *expr, struct record_filter *f, char *err, size_t errlen);
void record_filter_free(struct record_filter *f);
/* A warning for each link-layer term of a link-layer filter at each of
 * the n start interfaces (names[i] in the namespace at ns_paths[i]) that
 * has no Ethernet header: the term can never match there. */
void record_filter_warn(const char *expr, const struct record_filter *f,
    const char *const *names, const char *const *ns_paths, int n);

#endif /* MBT_CLI_RECORD_H */
