/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Full-function tracing: find every traceable kernel function that takes a
 * struct sk_buff * in one of its first five arguments and attach
 * linux/functions.bpf.c to all of them, with kprobe-multi where the kernel
 * has it and fentry otherwise.
 */
#ifndef MBT_LINUX_FUNCTIONS_H
#define MBT_LINUX_FUNCTIONS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBT_LX_FN_MAX_ARG 5

/*
 * One function: its name, its BTF id, where the skb is (1-5), and whether
 * it returns an int (whose negative values are errors worth reporting).
 */
struct mbt_lx_fn_func {
	char *name;
	uint32_t btf_id;
	uint8_t skb_arg;
	uint8_t nargs;
	bool int_return;
};

struct mbt_lx_fn_list {
	struct mbt_lx_fn_func *funcs;
	size_t n;
};

/*
 * The functions of the running kernel (vmlinux BTF intersected with
 * ftrace's available_filter_functions) whose name matches regex (POSIX
 * extended; NULL: all).  Returns 0 or -errno with a message in err.
 */
int mbt_lx_fn_find(
    struct mbt_lx_fn_list *l, const char *regex, char *err, size_t errlen);
void mbt_lx_fn_list_free(struct mbt_lx_fn_list *l);

enum mbt_lx_fn_mode {
	MBT_LX_FN_AUTO, /* kprobe-multi, else fentry */
	MBT_LX_FN_KPROBE_MULTI,
	MBT_LX_FN_FENTRY,
};

struct mbt_lx_fn_config {
	const char *regex; /* NULL: every function */
	enum mbt_lx_fn_mode mode;
	/*
	 * The maps `tracked`, `events` and `current` of record.bpf.c, so
	 * that function hops join its traces; tracked_fd -1: standalone, with
	 * maps of its own, starting a trace for each ICMP packet to
	 * start_daddr.
	 */
	int tracked_fd, events_fd, current_fd;
	uint32_t start_daddr; /* network byte order */
	/*
	 * No return probes: by default, where kprobe.session allows it
	 * (Linux 6.10), a function returning an int that returns an error
	 * for a traced skb adds an MBT_LX_P_FUNCTION_RETURN event.
	 */
	bool no_returns;
};

struct mbt_lx_fn;

/*
 * Find and attach.  Returns 0, or -errno with err saying why (for the
 * user: "kprobe-multi: ...; fentry: ...").  On success, the mode and count
 * are in mbt_lx_fn_mode_name() and mbt_lx_fn_attached().
 */
int mbt_lx_fn_attach(struct mbt_lx_fn **out, const struct mbt_lx_fn_config *c,
    char *err, size_t errlen);
/*
 * For the user: the mode, "kprobe-multi" or "fentry", then whether return
 * values are reported ("kprobe-multi with return values").
 */
const char *mbt_lx_fn_mode_name(const struct mbt_lx_fn *f);
/* Functions attached (of which with their return value), functions found,
 * seconds attaching took. */
size_t mbt_lx_fn_attached(const struct mbt_lx_fn *f);
size_t mbt_lx_fn_returns(const struct mbt_lx_fn *f);
size_t mbt_lx_fn_found(const struct mbt_lx_fn *f);
double mbt_lx_fn_attach_seconds(const struct mbt_lx_fn *f);
/* The ring buffer the events go to (the standalone one, or the shared). */
int mbt_lx_fn_events_fd(const struct mbt_lx_fn *f);

/*
 * Detach.  fentry links are released one RCU-tasks grace period each
 * (~0.15 s: minutes for a thousand), so with background set a child
 * process inherits them and releases them after this process has gone on.
 * f may be NULL.
 */
void mbt_lx_fn_detach(struct mbt_lx_fn *f, bool background);

#endif /* MBT_LINUX_FUNCTIONS_H */
