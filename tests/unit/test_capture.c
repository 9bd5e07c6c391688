/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Unit tests of capture reading: the memory-mapped pcap reader across many
 * windows, both byte orders and timestamp resolutions, cut files, and
 * pcapng written by our writer and read back block by block.
 */
#include <stdlib.h>
#include <unistd.h>

#include "check.h"
#include "mbuftrace/capture.h"
#include "mbuftrace/format.h"

static char path[64];

static void
put32(FILE *f, uint32_t v, int swap)
{
	if (swap)
		v = __builtin_bswap32(v);
	fwrite(&v, 4, 1, f);
}

static void
put16(FILE *f, uint16_t v, int swap)
{
	if (swap)
		v = __builtin_bswap16(v);
	fwrite(&v, 2, 1, f);
}

/* A pcap of n packets of len bytes; byte i of packet k is (k + i) & 0xff. */
static void
write_pcap(uint32_t magic, int swap, unsigned n, unsigned len)
{
	FILE *f = fopen(path, "wb");
	uint8_t *pkt = malloc(len);

	put32(f, magic, swap);
	put16(f, 2, swap); /* version 2.4 */
	put16(f, 4, swap);
	put32(f, 0, swap);
	put32(f, 0, swap);
	put32(f, 262144, swap);
	put32(f, MBT_DLT_USER0, swap);
	for (unsigned k = 0; k < n; k++) {
		for (unsigned i = 0; i < len; i++)
			pkt[i] = (uint8_t)(k + i);
		put32(f, 1767132000 + k, swap);
		put32(f, 123456789, swap);
		put32(f, len, swap);
		put32(f, len + 10, swap);
		fwrite(pkt, 1, len, f);
	}
	fclose(f);
	free(pkt);
}

/* Read the whole file; count the packets whose bytes are as written. */
static unsigned
read_all(unsigned len, uint32_t want_usec, char *err, int *rc)
{
	struct mbt_capture *c = mbt_capture_open(path, err, 256);
	struct mbt_packet p;
	unsigned good = 0;

	if (c == NULL) {
		*rc = -2;
		return 0;
	}
	while ((*rc = mbt_capture_next(c, &p, err, 256)) == 1) {
		int ok = p.caplen == len && p.wirelen == len + 10 &&
			 p.ts_sec == 1767132000 + (int64_t)(p.frame - 1) &&
			 p.ts_usec == want_usec;

		for (unsigned i = 0; ok && i < len; i++)
			ok = p.data[i] == (uint8_t)(p.frame - 1 + i);
		good += ok;
	}
	mbt_capture_close(c);
	return good;
}

static void
test_many_windows(void)
{
	char err[256];
	int rc;

	/* 24 MB: the reader's window slides several times.  A microsecond
	 * file carries the fraction as it is. */
	write_pcap(0xa1b2c3d4, 0, 24000, 1000);
	CHECK(read_all(1000, 123456789, err, &rc) == 24000 && rc == 0);
}

static void
test_swapped_nanoseconds(void)
{
	char err[256];
	int rc;

	write_pcap(0xa1b23c4d, 1, 100, 60);
	CHECK(read_all(60, 123456, err, &rc) == 100 && rc == 0);
}

static void
test_cut_file(void)
{
	char err[256];
	int rc;

	write_pcap(0xa1b2c3d4, 0, 10, 100);
	CHECK(truncate(path, 24 + 5 * 116 + 50) == 0);
	CHECK(read_all(100, 123456789, err, &rc) == 5 && rc == -1);
	CHECK(strstr(err, "after frame 5: truncated dump file") != NULL);
}

static void
test_wrong_link_type(void)
{
	char err[256];
	FILE *f = fopen(path, "wb");

	put32(f, 0xa1b2c3d4, 0);
	put32(f, 0x00040002, 0);
	put32(f, 0, 0);
	put32(f, 0, 0);
	put32(f, 65535, 0);
	put32(f, 1, 0);
	fclose(f);
	CHECK(mbt_capture_open(path, err, sizeof(err)) == NULL);
	CHECK(strstr(err, "link type 1 (EN10MB) is not mbuf_trace's") != NULL);
}

/* Our pcapng writer, read back through the same API. */
static void
test_pcapng_round_trip(void)
{
	static const uint8_t a[] = {1, 2, 3}, b[] = {4, 5, 6, 7, 8};
	FILE *f = fopen(path, "wb");
	struct mbt_pcapng *w = mbt_pcapng_open(f, "test");
	struct mbt_capture *c;
	struct mbt_packet p;
	char err[256];

	CHECK(mbt_pcapng_write(w, MBT_DLT_USER0, 100, 5, a, 3, 3, "x", 1) == 0);
	CHECK(
	    mbt_pcapng_write(w, MBT_DLT_USER0, 101, 6, b, 5, 9, NULL, 0) == 0);
	CHECK(mbt_pcapng_close(w) == 0);
	fclose(f);
	c = mbt_capture_open(path, err, sizeof(err));
	CHECK(c != NULL);
	if (c == NULL)
		return;
	CHECK(mbt_capture_next(c, &p, err, sizeof(err)) == 1 && p.caplen == 3 &&
	      p.ts_sec == 100 && p.ts_usec == 5 && memcmp(p.data, a, 3) == 0);
	CHECK(mbt_capture_next(c, &p, err, sizeof(err)) == 1 && p.caplen == 5 &&
	      p.wirelen == 9 && p.frame == 2 && memcmp(p.data, b, 5) == 0);
	CHECK(mbt_capture_next(c, &p, err, sizeof(err)) == 0);
	mbt_capture_close(c);
}

int
main(void)
{
	int fd;

	snprintf(path, sizeof(path), "/tmp/test_capture.XXXXXX");
	fd = mkstemp(path);
	if (fd < 0)
		return 2;
	close(fd);
	test_many_windows();
	test_swapped_nanoseconds();
	test_cut_file();
	test_wrong_link_type();
	test_pcapng_round_trip();
	unlink(path);
	return check_summary("test_capture");
}
