/* SPDX-License-Identifier: BSD-2-Clause */
/* Buffered output and the number and JSON string formatting it needs. */
#include "out.h"

#include <errno.h>

void
out_init(struct out *o, FILE *f)
{
	o->f = f;
	o->len = 0;
	o->error = 0;
}

void
out_flush(struct out *o)
{
	if (o->len > 0 && o->error == 0 &&
	    fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->error = -EIO;
	o->len = 0;
	if (o->error == 0 && fflush(o->f) != 0)
		o->error = -EIO;
}

void
out_put_slow(struct out *o, const char *s, size_t n)
{
	while (n > 0) {
		size_t room = OUT_BUFSZ - o->len, k = n < room ? n : room;

		memcpy(o->buf + o->len, s, k);
		o->len += k;
		s += k;
		n -= k;
		if (o->len == OUT_BUFSZ) {
			if (o->error == 0 &&
			    fwrite(o->buf, 1, o->len, o->f) != o->len)
				o->error = -EIO;
			o->len = 0;
		}
	}
}

void
out_u64_pad(struct out *o, uint64_t v, int width)
{
	char d[24];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = (char)('0' + v % 10);
		v /= 10;
	} while (v != 0 || n < width);
	out_put(o, d + sizeof(d) - n, (size_t)n);
}

void
out_u64(struct out *o, uint64_t v)
{
	out_u64_pad(o, v, 1);
}

void
out_i64(struct out *o, int64_t v)
{
	if (v < 0) {
		out_char(o, '-');
		out_u64(o, (uint64_t)0 - (uint64_t)v);
	} else {
		out_u64(o, (uint64_t)v);
	}
}

void
out_hex64(struct out *o, uint64_t v)
{
	static const char hex[] = "0123456789abcdef";
	char d[18];
	int n = 0;

	do {
		d[sizeof(d) - 1 - n++] = hex[v & 15];
		v >>= 4;
	} while (v != 0);
	out_put(o, "0x", 2);
	out_put(o, d + sizeof(d) - n, (size_t)n);
}

/* Two decimal digits at a time: printing times is on every record's line. */
static const char digit_pairs[] =
    "00010203040506070809101112131415161718192021222324252627282930313233"
    "34353637383940414243444546474849505152535455565758596061626364656667"
    "6869707172737475767778798081828384858687888990919293949596979899";

static void
put_9_digits(char *p, uint32_t v)
{
	for (int i = 7; i >= 1; i -= 2) {
		memcpy(p + i, digit_pairs + 2 * (v % 100), 2);
		v /= 100;
	}
	p[0] = (char)('0' + v);
}

void
out_ns_as_sec(struct out *o, uint64_t ns)
{
	uint64_t sec = ns / 1000000000u;

	if (sec >= 10 || OUT_BUFSZ - o->len < 11) {
		out_u64(o, sec);
		out_char(o, '.');
		out_u64_pad(o, ns % 1000000000u, 9);
		return;
	}
	/* The common case, under ten seconds, written in place. */
	o->buf[o->len] = (char)('0' + sec);
	o->buf[o->len + 1] = '.';
	put_9_digits(o->buf + o->len + 2, (uint32_t)(ns % 1000000000u));
	o->len += 11;
}

char *
out_reserve(struct out *o, size_t n)
{
	if (OUT_BUFSZ - o->len < n)
		out_flush(o);
	return o->buf + o->len;
}

void
out_spaces(struct out *o, size_t n)
{
	static const char sp[] = "                                ";

	while (n > 0) {
		size_t k = n < sizeof(sp) - 1 ? n : sizeof(sp) - 1;

		out_put(o, sp, k);
		n -= k;
	}
}

/* Length of the valid UTF-8 sequence at s, or 0 when it is not one. */
static size_t
utf8_len(const unsigned char *s, size_t n)
{
	size_t len = s[0] >= 0xf0 && s[0] <= 0xf4   ? 4
		     : s[0] >= 0xe0		    ? 3
		     : s[0] >= 0xc2 && s[0] <= 0xdf ? 2
						    : 0;

	if (len == 0 || len > n || s[0] > 0xf4)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
	}
	return len;
}

/* Bytes that go into a JSON string as they are: printable ASCII but " and \. */
static inline int
json_plain(unsigned char c)
{
	return c >= 0x20 && c < 0x7f && c != '"' && c != '\\';
}

void
out_json_str(struct out *o, const char *str, size_t n)
{
	static const char hex[] = "0123456789abcdef";
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, i = 0;

	out_char(o, '"');
	while (i < n) {
		unsigned char c;
		size_t u;

		while (i < n && json_plain(s[i]))
			i++;
		if (i == n)
			break;
		c = s[i];
		if (c >= 0x80 && (u = utf8_len(s + i, n - i)) > 0) {
			i += u;
			continue;
		}
		/* Write the plain run before this byte, then its escape. */
		out_put(o, str + run, i - run);
		if (c == '"' || c == '\\') {
			char esc[2] = { '\\', (char)c };

			out_put(o, esc, 2);
		} else if (c == '\n') {
			out_put(o, "\\n", 2);
		} else if (c == '\t') {
			out_put(o, "\\t", 2);
		} else {
			char esc[6] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15] };

			out_put(o, esc, 6);
		}
		run = ++i;
	}
	out_put(o, str + run, n - run);
	out_char(o, '"');
}
