/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the packet summary and diff: the first two bytes pick
 * link types, the rest is the packet (split in two for the diff).
 */
#include <mbuftrace/packet.h>

#include <stdlib.h>
#include <string.h>

/* Mapped onto the supported link types, plus one unknown. */
static const uint16_t mbt_fuzz_lts[] = {1, 101, 228, 229, 0, 108, 113, 147};

#define MBT_FUZZ_NLT (sizeof(mbt_fuzz_lts) / sizeof(mbt_fuzz_lts[0]))

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

/* Exactly len bytes on the heap, so that ASan sees any read past them. */
static uint8_t *mbt_fuzz_copy(const uint8_t *p, size_t len)
{
	uint8_t *c = malloc(len > 0 ? len : 1);

	if (c == NULL)
		abort();
	memcpy(c, p, len);
	return c;
}

/* Output must be NUL-terminated inside the buffer and as long as returned. */
static void mbt_fuzz_check(const char *out, size_t size, size_t n)
{
	if (size == 0) {
		if (n != 0)
			abort();
		return;
	}
	if (n >= size || out[n] != '\0' || strlen(out) != n)
		abort();
}

static void mbt_fuzz_summary(
    uint16_t lt, const uint8_t *p, size_t len, size_t wirelen)
{
	char small[16], big[512];
	size_t n;

	n = mbt_packet_summary(lt, p, len, wirelen, big, sizeof(big));
	mbt_fuzz_check(big, sizeof(big), n);
	n = mbt_packet_summary(lt, p, len, wirelen, small, sizeof(small));
	mbt_fuzz_check(small, sizeof(small), n);
	if (strncmp(small, big, n) != 0)
		abort();
	if (mbt_packet_summary(lt, p, len, wirelen, NULL, 0) != 0)
		abort();
}

static void mbt_fuzz_diff(uint16_t lta, const uint8_t *a, size_t alen,
    uint16_t ltb, const uint8_t *b, size_t blen)
{
	char small[12], big[1024];
	size_t n;

	n = mbt_packet_diff(lta, a, alen, ltb, b, blen, big, sizeof(big));
	mbt_fuzz_check(big, sizeof(big), n);
	n = mbt_packet_diff(lta, a, alen, ltb, b, blen, small, sizeof(small));
	mbt_fuzz_check(small, sizeof(small), n);
	if (strncmp(small, big, n) != 0)
		abort();
	/* A packet never differs from itself. */
	if (mbt_packet_diff(lta, a, alen, lta, a, alen, big, sizeof(big)) != 0)
		abort();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	uint16_t lta, ltb;
	size_t len, half;
	uint8_t *pkt, *a, *b;

	if (size < 2)
		return 0;
	lta = mbt_fuzz_lts[data[0] % MBT_FUZZ_NLT];
	ltb = mbt_fuzz_lts[data[1] % MBT_FUZZ_NLT];
	len = size - 2;
	pkt = mbt_fuzz_copy(data + 2, len);
	mbt_fuzz_summary(lta, pkt, len, len);
	/* Snapshots are usually shorter than the packet was on the wire. */
	mbt_fuzz_summary(lta, pkt, len, len + data[1] * 64u);

	/* The diff compares the first half with the second. */
	half = len / 2;
	a = mbt_fuzz_copy(pkt, half);
	b = mbt_fuzz_copy(pkt + half, len - half);
	mbt_fuzz_diff(lta, a, half, ltb, b, len - half);
	free(a);
	free(b);
	free(pkt);
	return 0;
}
