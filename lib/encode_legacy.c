/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Writers of the prototype's layouts, for tests and sample captures: they
 * store records newest first, as the prototype's kernel did.
 */
#include <errno.h>
#include <string.h>

#include "bytes.h"
#include "mbuftrace/mbuftrace.h"

int
mbt_enc_v1(uint8_t *buf, size_t cap, bool little_endian,
    const char *const *texts, size_t ntexts, const uint8_t *pkt, size_t pktlen)
{
	void (*put16)(uint8_t *, uint16_t) =
	    little_endian ? mbt_put_le16 : mbt_put_be16;
	size_t pos = 2;

	if (cap < 2 || ntexts > UINT16_MAX)
		return -ENOSPC;
	put16(buf, (uint16_t)ntexts);
	for (size_t i = ntexts; i-- > 0;) {
		size_t n = strlen(texts[i]) + 1; /* the NUL is stored */

		if (n > UINT16_MAX || cap - pos < 2 + n)
			return -ENOSPC;
		put16(buf + pos, (uint16_t)n);
		memcpy(buf + pos + 2, texts[i], n);
		pos += 2 + n;
	}
	if (cap - pos < pktlen)
		return -ENOSPC;
	if (pktlen > 0)
		memcpy(buf + pos, pkt, pktlen);
	return (int)(pos + pktlen);
}

/* v2 in either set of type numbers; strings of type string or string2. */
static int
enc_v2(uint8_t *buf, size_t cap, const struct mbt_v2_item *items, size_t nitems,
    bool early)
{
	size_t pos = 2;

	if (cap < 2 || nitems > UINT16_MAX)
		return -ENOSPC;
	mbt_put_be16(buf, (uint16_t)nitems);
	for (size_t i = nitems; i-- > 0;) {
		const struct mbt_v2_item *it = &items[i];
		size_t n = it->pkt ? it->pktlen : strlen(it->text) + 1;
		uint16_t type =
		    it->pkt ? MBT_V2_TYPE_PACKET : MBT_V2_TYPE_STRING;

		if (early)
			type = it->pkt	 ? MBT_V2_EARLY_TYPE_PACKET
			       : it->alt ? MBT_V2_EARLY_TYPE_STRING2
					 : MBT_V2_EARLY_TYPE_STRING;
		if (n > UINT16_MAX || cap - pos < 4 + n)
			return -ENOSPC;
		mbt_put_be16(buf + pos, (uint16_t)n);
		mbt_put_be16(buf + pos + 2, type);
		memcpy(buf + pos + 4,
		    it->pkt ? (const void *)it->pkt : it->text, n);
		pos += 4 + n;
	}
	return (int)pos;
}

int
mbt_enc_v2(
    uint8_t *buf, size_t cap, const struct mbt_v2_item *items, size_t nitems)
{
	return enc_v2(buf, cap, items, nitems, false);
}

int
mbt_enc_v2_early(
    uint8_t *buf, size_t cap, const struct mbt_v2_item *items, size_t nitems)
{
	return enc_v2(buf, cap, items, nitems, true);
}
