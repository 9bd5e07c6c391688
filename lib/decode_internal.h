/* SPDX-License-Identifier: BSD-2-Clause */
/* Shared state of the per-format decoders: the record array and error reporting. */
#ifndef MBT_DECODE_INTERNAL_H
#define MBT_DECODE_INTERNAL_H

#include <stddef.h>
#include <stdint.h>

#include "mbuftrace/mbuftrace.h"

/* Append a zeroed record; NULL when memory ran out. */
struct mbt_record *mbt_trace_push(struct mbt_trace *t, uint32_t offset);

/* Record the first fault; later faults do not overwrite it.  Returns -EINVAL. */
int mbt_fail(struct mbt_trace *t, enum mbt_error_kind kind, int record,
    size_t offset, const char *fmt, ...) __attribute__((format(printf, 5, 6)));

/*
 * Decoders for each layout.  buf holds caplen bytes of a packet that was
 * wirelen bytes long.  They fill t and return 0 or -EINVAL / -ENOMEM.
 */
int mbt_decode_legacy(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t);
int mbt_decode_v3(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t);

/* Split a prototype string "FILE:LINE: REST" into the record's fields. */
void mbt_parse_legacy_text(struct mbt_record *r, const char *s, uint16_t len);

#endif /* MBT_DECODE_INTERNAL_H */
