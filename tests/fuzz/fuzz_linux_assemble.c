/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libFuzzer target for the assembler of `mbuftrace record`: the input is a
 * stream of ring buffer records, each preceded by a 2-byte length, as
 * untrusted as the kernel's bytes are to user space.  Whatever arrives,
 * every trace the assembler emits must decode without a fault.
 */
#include <stdlib.h>
#include <string.h>

#include "../../linux/assemble.h"
#include "check_trace.h"
#include "mbuftrace/mbuftrace.h"

static const char *
reason(void *ctx, uint32_t code)
{
	return code % 2 ? "SOME_REASON" : NULL;
}

static const char *
symbol(void *ctx, uint64_t addr, uint64_t *off)
{
	*off = addr & 0xff;
	return addr % 3 ? "ip_rcv" : NULL;
}

static const char *
netns(void *ctx, uint64_t inode)
{
	return inode % 2 ? "r1" : NULL;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int
LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct mbt_lx_asm a;
	const struct mbt_lx_names names = {NULL, reason, symbol, netns, NULL};

	if (mbt_lx_asm_init(&a, &names, check_trace, NULL, 12345) != 0)
		return 0;
	while (size >= 2) {
		size_t n = (size_t)data[0] << 8 | data[1];

		data += 2, size -= 2;
		if (n > size)
			n = size;
		/* A copy of exactly n bytes, so ASan sees any overread. */
		uint8_t *p = malloc(n ? n : 1);
		if (p == NULL)
			break;
		memcpy(p, data, n);
		mbt_lx_asm_feed(&a, p, n);
		free(p);
		data += n, size -= n;
	}
	mbt_lx_asm_flush(&a, 0, 0);
	mbt_lx_asm_free(&a);
	return 0;
}
