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
	/* The capture reader has read the magic when it makes a reader. */
	if (f == NULL || size < 4 || memcmp(data, "\x0a\x0d\x0d\x0a", 4) != 0 ||
	    fseek(f, 4, SEEK_SET) != 0 || mbt_pcapng_reader_open(f, &r) != 0) {
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
	(void)mbt_pcapng_reader_skipped(r)->packets;
	mbt_pcapng_reader_close(r);
	fclose(f);
	free(copy);
	return 0;
}
