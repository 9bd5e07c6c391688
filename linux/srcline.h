/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * file:line of a code address, from an ELF file's DWARF debug information
 * (libdw), for the kernel's debug vmlinux where one is installed.
 */
#ifndef MBT_LINUX_SRCLINE_H
#define MBT_LINUX_SRCLINE_H

#include <stddef.h>
#include <stdint.h>

struct mbt_srcline;

/*
 * Open the ELF file at path; addresses looked up are bias more than the
 * file's own (where the code was loaded, or KASLR's offset).  Returns 0,
 * -ENOENT (no such file), or -ENODATA (no line information in it), with
 * err set.
 */
int mbt_srcline_open(struct mbt_srcline **s, const char *path, int64_t bias,
    char *err, size_t errlen);

/* The address of symbol name in the file (without the bias); 0 if none. */
uint64_t mbt_srcline_symbol(struct mbt_srcline *s, const char *name);

/*
 * The source file and line of addr: 0 with *file (valid until
 * mbt_srcline_close()) and *line set, or -ENOENT.
 */
int mbt_srcline_lookup(
    struct mbt_srcline *s, uint64_t addr, const char **file, int *line);

void mbt_srcline_close(struct mbt_srcline *s);

/*
 * The running kernel's debug vmlinux, where Debian's -dbg package or a
 * build puts one, placed by KASLR's offset: running is where _text is now
 * (from /proc/kallsyms; 0 when hidden).  0, or a negative errno with err
 * saying why there is none.
 */
int mbt_srcline_open_kernel(
    struct mbt_srcline **s, uint64_t running, char *err, size_t errlen);

#endif /* MBT_LINUX_SRCLINE_H */
