/* SPDX-License-Identifier: BSD-2-Clause */
/* Writing classic pcap files (host byte order, microseconds), as tcpdump -w does. */
#include <errno.h>
#include <stdio.h>

#include "mbuftrace/capture.h"

static int
write_all(FILE *f, const void *p, size_t n)
{
	return fwrite(p, 1, n, f) == n ? 0 : -EIO;
}

int
mbt_pcap_write_header(FILE *f, uint32_t linktype, uint32_t snaplen)
{
	struct {
		uint32_t magic;
		uint16_t major, minor;
		int32_t thiszone;
		uint32_t sigfigs, snaplen, linktype;
	} h = {0xa1b2c3d4, 2, 4, 0, 0, snaplen, linktype};

	return write_all(f, &h, sizeof(h));
}

int
mbt_pcap_write_packet(FILE *f, int64_t ts_sec, uint32_t ts_usec,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen)
{
	uint32_t h[4] = {(uint32_t)ts_sec, ts_usec, caplen, wirelen};
	int rc = write_all(f, h, sizeof(h));

	return rc != 0 ? rc : write_all(f, data, caplen);
}
