/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the nftables side of `mbuftrace record`: netlink
 * bytes (as untrusted as any socket's) through linux/nft_parse.c, and the
 * verdicts it makes merged by linux/assemble_nft.c into traces made of
 * fuzzed events.  The input is a stream of chunks: a tag byte, a 2-byte
 * length, the bytes.  Tag 0: a ring buffer event; 1: a netlink buffer of
 * trace events; 2: a chain dump; 3: release the held traces; 4: flush.
 * Whatever arrives, nothing is read out of bounds and every trace emitted
 * decodes.
 */
#include <stdlib.h>
#include <string.h>

#include "../../linux/assemble.h"
#include "../../linux/nft_parse.h"
#include "check_trace.h"
#include "mbuftrace/mbuftrace.h"

static void
netlink(
    struct mbt_lx_asm *a, const uint8_t *p, size_t n, bool chains, uint64_t now)
{
	const uint8_t *msg;
	size_t off = 0, len;
	struct mbt_lx_rule r;
	struct mbt_nft_chain c;

	while (mbt_nft_next(p, n, &off, &msg, &len) == 1) {
		if (chains) {
			if (mbt_nft_parse_chain(msg, len, &c) == 0)
				(void)mbt_nft_hook_place(c.family, c.hook);
			continue;
		}
		if (mbt_nft_parse_trace(msg, len, &r) != 0)
			continue;
		r.netns = r.nft_id % 3; /* a few namespaces, as events have */
		r.seen_ns = now;
		r.place = (uint8_t)(r.handle % 4);
		mbt_lx_asm_rule(a, &r);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mbt_lx_asm a;
	uint64_t now = 0;

	if (mbt_lx_asm_init(&a, NULL, check_trace, NULL, 0) != 0)
		return 0;
	a.hold = true;
	while (size >= 3) {
		uint8_t tag = data[0];
		size_t n = (size_t)data[1] << 8 | data[2];

		data += 3, size -= 3;
		if (n > size)
			n = size;
		/* A copy of exactly n bytes, so ASan sees any overread. */
		uint8_t *p = malloc(n ? n : 1);
		if (p == NULL)
			break;
		memcpy(p, data, n);
		now += 1000000000ULL;
		switch (tag % 5) {
		case 0: mbt_lx_asm_feed(&a, p, n); break;
		case 1: netlink(&a, p, n, false, now); break;
		case 2: netlink(&a, p, n, true, now); break;
		case 3: mbt_lx_asm_release(&a); break;
		default: mbt_lx_asm_flush(&a, now, 1); break;
		}
		free(p);
		data += n, size -= n;
	}
	mbt_lx_asm_release(&a);
	mbt_lx_asm_flush(&a, 0, 0);
	mbt_lx_asm_free(&a);
	return 0;
}
