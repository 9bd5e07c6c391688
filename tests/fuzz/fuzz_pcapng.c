/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target for the block-by-block pcapng reader (several link
 * types in one file). */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "../../lib/pcapng_read.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbt_pcapng_reader *r = NULL;
	struct mbt_packet p;
	char err[256];
	uint8_t *copy = malloc(size ? size : 1);
	FILE *f;
	int lt;

	memcpy(copy, data, size);
	f = fmemopen(copy, size ? size : 1, "rb");
	if (f == NULL || mbt_pcapng_reader_open(f, &r) != 1) {
		if (f != NULL)
			fclose(f);
		free(copy);
		return 0;
	}
	mbt_pcapng_reader_scan(r, &lt);
	while (mbt_pcapng_reader_next(r, &p, err, sizeof(err)) == 1) {
		volatile uint8_t sum = 0;

		for (uint32_t i = 0; i < p.caplen; i++) /* ASan checks */
			sum ^= p.data[i];
	}
	mbt_pcapng_reader_close(r);
	free(copy);
	return 0;
}
