/* SPDX-License-Identifier: BSD-2-Clause */
/* Byte-order helpers that read and write unaligned big- and little-endian integers. */
#ifndef MBT_BYTES_H
#define MBT_BYTES_H

#include <stdint.h>

static inline uint16_t
mbt_be16(const uint8_t *p)
{
	return (uint16_t)(p[0] << 8 | p[1]);
}

static inline uint16_t
mbt_le16(const uint8_t *p)
{
	return (uint16_t)(p[1] << 8 | p[0]);
}

static inline uint32_t
mbt_be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static inline uint64_t
mbt_be64(const uint8_t *p)
{
	return (uint64_t)mbt_be32(p) << 32 | mbt_be32(p + 4);
}

static inline void
mbt_put_be16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static inline void
mbt_put_le16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)v;
	p[1] = (uint8_t)(v >> 8);
}

static inline void
mbt_put_be32(uint8_t *p, uint32_t v)
{
	mbt_put_be16(p, (uint16_t)(v >> 16));
	mbt_put_be16(p + 2, (uint16_t)v);
}

static inline void
mbt_put_be64(uint8_t *p, uint64_t v)
{
	mbt_put_be32(p, (uint32_t)(v >> 32));
	mbt_put_be32(p + 4, (uint32_t)v);
}

#endif /* MBT_BYTES_H */
