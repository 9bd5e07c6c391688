/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for everything `mbuftrace read` does with one packet:
 * decoding, the packet summaries and diffs, and the text, JSON and pcapng
 * renderers, with the input as one captured packet.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../cli/read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct out o;
	static FILE *devnull;
	static struct mbt_pcapng *png;
	struct mbt_packet p = {.frame = 1, .ts_sec = 1767132000};
	struct mbt_trace t;
	uint8_t *copy = malloc(size ? size : 1);

	if (devnull == NULL) {
		devnull = fopen("/dev/null", "w");
		png = mbt_pcapng_open(devnull, "fuzz");
	}
	memcpy(copy, data, size);
	p.data = copy;
	p.caplen = p.wirelen = (uint32_t)size;
	out_init(&o, devnull);
	mbt_trace_init(&t);
	mbt_decode(copy, size, size, &t);
	text_trace(&o, &p, &t);
	json_trace(&o, &p, &t);
	pcapng_trace(png, &p, &t);
	out_flush(&o);
	mbt_trace_free(&t);
	free(copy);
	return 0;
}
