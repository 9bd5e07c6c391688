/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A bounded text appender: keeps counting past the end like snprintf, so a
 * caller learns the length it wanted, and never writes past size.
 */
#ifndef MBT_TEXTBUF_H
#define MBT_TEXTBUF_H

#include <stddef.h>
#include <stdint.h>
#include <string.h>

struct mbt_textbuf {
	char *buf;
	size_t size, len;
};

static inline void
mbt_tb_put(struct mbt_textbuf *b, const char *s, size_t n)
{
	if (n > 0 && b->len < b->size) {
		size_t room = b->size - b->len;

		memcpy(b->buf + b->len, s, n < room ? n : room);
	}
	b->len += n;
}

static inline void
mbt_tb_str(struct mbt_textbuf *b, const char *s)
{
	mbt_tb_put(b, s, strlen(s));
}

static inline void
mbt_tb_u64(struct mbt_textbuf *b, uint64_t v)
{
	char d[20];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0);
	mbt_tb_put(b, d + sizeof(d) - n, n);
}

static inline void
mbt_tb_hex(struct mbt_textbuf *b, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[16];
	size_t n = 0;

	do {
		d[sizeof(d) - 1 - n++] = hex[v & 15];
		v >>= 4;
	} while (v != 0);
	mbt_tb_put(b, "0x", 2);
	mbt_tb_put(b, d + sizeof(d) - n, n);
}

/* NUL-terminate within size; returns the length wanted. */
static inline size_t
mbt_tb_end(struct mbt_textbuf *b)
{
	if (b->size > 0)
		b->buf[b->len < b->size ? b->len : b->size - 1] = '\0';
	return b->len;
}

#endif /* MBT_TEXTBUF_H */
