/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Buffered output for the command's hot loop: formatting a million traces a
 * second leaves no room for stdio's locking and format parsing per field.
 */
#ifndef MBT_CLI_OUT_H
#define MBT_CLI_OUT_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mbuftrace/mbuftrace.h"

#define OUT_BUFSZ (1 << 16)

struct out {
	FILE *f;
	size_t len;
	int error; /* -EIO once a write failed */
	char buf[OUT_BUFSZ];
};

void out_init(struct out *o, FILE *f);
void out_flush(struct out *o);
void out_put_slow(struct out *o, const char *s, size_t n);

static inline void
out_put(struct out *o, const char *s, size_t n)
{
	if (n <= OUT_BUFSZ - o->len) {
		if (n > 0) /* s may be NULL then */
			memcpy(o->buf + o->len, s, n);
		o->len += n;
	} else {
		out_put_slow(o, s, n);
	}
}

static inline void
out_str(struct out *o, const char *s)
{
	out_put(o, s, strlen(s));
}

static inline void
out_mstr(struct out *o, struct mbt_str s)
{
	out_put(o, s.ptr, s.len);
}

static inline void
out_char(struct out *o, char c)
{
	if (o->len == OUT_BUFSZ)
		out_flush(o);
	o->buf[o->len++] = c;
}

void out_u64(struct out *o, uint64_t v);
void out_i64(struct out *o, int64_t v);
void out_hex64(struct out *o, uint64_t v); /* 0x... */
/* v as seconds with nine decimals, e.g. 0.000012345. */
void out_ns_as_sec(struct out *o, uint64_t ns);
/* Zero-padded to width digits. */
void out_u64_pad(struct out *o, uint64_t v, int width);
void out_spaces(struct out *o, size_t n);
/*
 * Room for n bytes (n <= OUT_BUFSZ) to render into directly; the caller
 * then adds what it wrote to o->len.
 */
char *out_reserve(struct out *o, size_t n);

/* A JSON string value with its quotes; invalid UTF-8 bytes become \u00XX. */
void out_json_str(struct out *o, const char *s, size_t n);

#endif /* MBT_CLI_OUT_H */
