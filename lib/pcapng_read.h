/* SPDX-License-Identifier: BSD-2-Clause */
/* pcapng read block by block from a stream (pcapng_read.c), in the library. */
#ifndef MBT_PCAPNG_READ_H
#define MBT_PCAPNG_READ_H

#include <stdbool.h>
#include <stdio.h>

#include "mbuftrace/capture.h"

struct mbt_pcapng_reader;

/* A reader of f, whose first 4 bytes (the pcapng magic) the caller has
 * read; 0, or -ENOMEM.  f stays the caller's to close. */
int mbt_pcapng_reader_open(FILE *f, struct mbt_pcapng_reader **out);
/* Read up to the first packet block (kept for next()): 0 when every
 * interface described before it has a link type other than DLT_USER0,
 * the first one's in *first_lt (the capture holds no trace), else 1. */
int mbt_pcapng_reader_scan(struct mbt_pcapng_reader *r, int *first_lt);
/* The next DLT_USER0 packet: 1, 0 at the end, -1 with err set.  Its frame
 * counts every packet of the file, as Wireshark numbers them. */
int mbt_pcapng_reader_next(struct mbt_pcapng_reader *r, struct mbt_packet *p,
    char *err, size_t errlen);
/* The packets of other link types skipped so far. */
const struct mbt_capture_skipped *mbt_pcapng_reader_skipped(
    const struct mbt_pcapng_reader *r);
void mbt_pcapng_reader_close(struct mbt_pcapng_reader *r);

#endif /* MBT_PCAPNG_READ_H */
