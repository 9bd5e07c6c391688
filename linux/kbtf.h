/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The running kernel's BTF, parsed once per start of record: the namer,
 * the loader and full-function mode each need it, and each parse of
 * /sys/kernel/btf/vmlinux costs tens of milliseconds of the attach time.
 */
#ifndef MBT_LINUX_KBTF_H
#define MBT_LINUX_KBTF_H

struct btf;

/* The kernel's BTF, parsed at the first call; NULL (errno set) when it
 * cannot be read.  Not to be freed by the caller. */
struct btf *mbt_lx_kbtf(void);

/* Free it once every user is done (the next call parses it again). */
void mbt_lx_kbtf_release(void);

#endif /* MBT_LINUX_KBTF_H */
