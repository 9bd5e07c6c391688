/* SPDX-License-Identifier: BSD-2-Clause */
/* Names of drop reasons, kernel functions and namespaces on this machine. */
#ifndef MBT_LINUX_NAMES_H
#define MBT_LINUX_NAMES_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#include "assemble.h"

#define MBT_LX_MAX_REASONS 1024
#define MBT_LX_MAX_NETNS 1024

struct ksym;
struct mbt_srcline;

struct mbt_lx_namer {
	struct ksym *syms;
	size_t nsyms;
	char *reasons[MBT_LX_MAX_REASONS];
	struct {
		uint64_t inode;
		char *name;
	} ns[MBT_LX_MAX_NETNS];
	size_t nns;
	time_t ns_loaded;
	uint64_t self_netns;
	struct mbt_srcline *src; /* the debug vmlinux; NULL without one */
	char src_note[256];	 /* where source lines come from, or why none */
};

/* Load what this machine offers and point names at it. */
int mbt_lx_namer_init(struct mbt_lx_namer *n, struct mbt_lx_names *names);
void mbt_lx_namer_free(struct mbt_lx_namer *n);

#endif /* MBT_LINUX_NAMES_H */
