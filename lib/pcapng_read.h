/* SPDX-License-Identifier: BSD-2-Clause */
/* pcapng read block by block (pcapng_read.c), inside the library. */
#ifndef MBT_PCAPNG_READ_H
#define MBT_PCAPNG_READ_H

#include <stdbool.h>
#include <stdio.h>

#include "mbuftrace/capture.h"

struct mbt_pcapng_reader;

/* 1 and *out when f (seekable) is pcapng, 0 when not, -ENOMEM. */
int mbt_pcapng_reader_open(FILE *f, struct mbt_pcapng_reader **out);
/* Whether the interfaces before the first packet include DLT_USER0 and
 * another link type (1: what libpcap refuses), else 0; -1 on error. */
int mbt_pcapng_reader_scan(struct mbt_pcapng_reader *r, int *first_lt);
/* The next DLT_USER0 packet: 1, 0 at the end, -1 with err set. */
int mbt_pcapng_reader_next(struct mbt_pcapng_reader *r, struct mbt_packet *p,
    char *err, size_t errlen);
void mbt_pcapng_reader_close(struct mbt_pcapng_reader *r); /* closes f */

#endif /* MBT_PCAPNG_READ_H */
