/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The emit callback of the fuzz targets that drive the assembler of
 * `mbuftrace record`: every trace it emits must decode, or the assembler
 * wrote a trace the format forbids.
 */
#ifndef MBT_FUZZ_CHECK_TRACE_H
#define MBT_FUZZ_CHECK_TRACE_H

#include <stdio.h>
#include <stdlib.h>

#include "mbuftrace/mbuftrace.h"

static int
check_trace(void *ctx, const uint8_t *trace, size_t len, uint64_t t)
{
	static struct mbt_trace decoded;
	static int init;

	if (!init) {
		mbt_trace_init(&decoded);
		init = 1;
	}
	if (mbt_decode(trace, len, len, &decoded) != 0) {
		char b[512];
		mbt_error_text(&decoded.error, b, sizeof(b));
		fprintf(stderr, "DECODE: %s\n", b);
		abort();
	}
	return 0;
}

#endif /* MBT_FUZZ_CHECK_TRACE_H */
