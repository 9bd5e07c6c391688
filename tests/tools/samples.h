/* SPDX-License-Identifier: BSD-2-Clause */
/* Sample sets that mktrace writes besides its main ones. */
#ifndef MBT_TEST_SAMPLES_H
#define MBT_TEST_SAMPLES_H

#include <stddef.h>
#include <stdint.h>

/* Called once per packet: caplen bytes captured of a wirelen-byte packet. */
typedef void emit_fn(const uint8_t *buf, size_t caplen, size_t wirelen);

/* One broken trace per frame, each a different fault (see the .c). */
void sample_malformed(emit_fn *emit);
/* count v3 traces of about ten records each, for the benchmark. */
void sample_bench(unsigned long count, emit_fn *emit);

#endif /* MBT_TEST_SAMPLES_H */
