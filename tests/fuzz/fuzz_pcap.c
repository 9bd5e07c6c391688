/* SPDX-License-Identifier: BSD-2-Clause */
/* libFuzzer target for the memory-mapped pcap reader's file and record parsing. */
#include <stdlib.h>
#include <string.h>

#include "../../lib/pcap_map.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct mbt_pcap_hdr h;
	struct mbt_packet p;
	char err[256];
	uint8_t *copy = malloc(size ? size : 1);
	size_t pos = MBT_PCAP_FILE_HDR_LEN;
	long n;

	memcpy(copy, data, size); /* exact size: ASan sees over-reads */
	if (mbt_pcap_parse_file_hdr(copy, size, &h)) {
		while ((n = mbt_pcap_parse_record(&h, copy + pos, size - pos,
			    &p, err, sizeof(err))) > 0) {
			if (p.data + p.caplen > copy + size ||
			    p.wirelen < p.caplen)
				abort();
			pos += (size_t)n;
		}
	}
	free(copy);
	return 0;
}
