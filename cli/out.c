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
	if (o->f == NULL) { /* gathering: the caller kept within buf */
		o->error = o->len > 0 ? -ENOSPC : o->error;
		o->len = 0;
		return;
	}
	if (o->len > 0 && o->error == 0 &&
	    fwrite(o->buf, 1, o->len, o->f) != o->len)
		o->error = errno ? -errno : -EIO;
	o->len = 0;
	if (o->error == 0 && fflush(o->f) != 0)
		o->error = errno ? -errno : -EIO;
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
		if (o->len == OUT_BUFSZ && o->f == NULL) {
			out_flush(o);
		} else if (o->len == OUT_BUFSZ) {
			if (o->error == 0 &&
			    fwrite(o->buf, 1, o->len, o->f) != o->len)
				o->error = errno ? -errno : -EIO;
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

/*
 * The one UTF-8 validator every escaper below uses: the length of the
 * well-formed character at s (RFC 3629: no overlong forms, no surrogates,
 * nothing past U+10FFFF) with its code point in *cp, or 0 when the byte at
 * s starts none.
 */
size_t
out_utf8_len(const unsigned char *s, size_t n, uint32_t *cp)
{
	unsigned char c = s[0];
	size_t len;
	uint32_t v, min;

	if (c < 0x80) {
		*cp = c;
		return 1;
	}
	if (c >= 0xc2 && c <= 0xdf)
		len = 2, v = c & 0x1f, min = 0x80;
	else if (c >= 0xe0 && c <= 0xef)
		len = 3, v = c & 0x0f, min = 0x800;
	else if (c >= 0xf0 && c <= 0xf4)
		len = 4, v = c & 0x07, min = 0x10000;
	else
		return 0;
	if (len > n)
		return 0;
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		v = v << 6 | (s[i] & 0x3f);
	}
	if (v < min || v > 0x10ffff || (v >= 0xd800 && v <= 0xdfff))
		return 0;
	*cp = v;
	return len;
}

/*
 * Characters no output shows as they are: C0 controls, DEL, C1 controls,
 * and the Unicode controls that reorder the text around them.
 */
static bool
is_control(uint32_t cp)
{
	return cp < 0x20 || (cp >= 0x7f && cp <= 0x9f) ||
	       (cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069);
}

/* What is special where the text goes, besides controls. */
static bool
is_special(enum out_dest d, unsigned char c)
{
	switch (d) {
	case OUT_TERM: return c == '\\';
	case OUT_JSON: return c == '"' || c == '\\';
	case OUT_SCRIPT:
		return c == '"' || c == '\\' || c == '<' || c == '>' || c == '&';
	case OUT_XML:
		return c == '&' || c == '<' || c == '>' || c == '"' ||
		       c == '\'' || c == '\\';
	case OUT_DOT: return c == '"' || c == '\\';
	case OUT_DOT_RECORD: return strchr("{}|<>\"\\ ", c) != NULL;
	}
	return false;
}

/* prefix, then v in digits hex digits, into e. */
static size_t
hex_text(char *e, const char *prefix, uint32_t v, int digits)
{
	static const char hex[] = "0123456789abcdef";
	size_t n = strlen(prefix);

	memcpy(e, prefix, n);
	for (int i = digits - 1; i >= 0; i--, v >>= 4)
		e[n + (size_t)i] = hex[v & 15];
	return n + (size_t)digits;
}

/*
 * The text that stands for one character that cannot go as it is: a
 * control or a special (code point cp), or a byte of no well-formed
 * character (bad, byte cp).  Written to e (16 bytes); returns its length.
 */
static size_t
escape_text(enum out_dest d, uint32_t cp, bool bad, char *e)
{
	/* JSON carries any character; it only names invalid bytes. */
	bool json = d == OUT_JSON || d == OUT_SCRIPT;
	/* Where a backslash is itself escaped, a visible one is doubled. */
	const char *bs = json || d == OUT_DOT || d == OUT_DOT_RECORD ? "\\\\"
								     : "\\";
	char prefix[4];

	if (bad) {
		snprintf(prefix, sizeof(prefix), "%sx", bs);
		return hex_text(e, prefix, cp, 2);
	}
	if (json && (cp == '\n' || cp == '\t' || cp == '"' || cp == '\\')) {
		e[0] = '\\';
		e[1] = cp == '\n' ? 'n' : cp == '\t' ? 't' : (char)cp;
		return 2;
	}
	if (json) /* controls, and <>& inside a <script> */
		return hex_text(e, "\\u", cp, 4);
	if (!json && cp == '\\') { /* shown doubled: \xHH is only a byte */
		memcpy(e, bs, strlen(bs));
		memcpy(e + strlen(bs), bs, strlen(bs));
		return 2 * strlen(bs);
	}
	if (d == OUT_XML && cp < 0x80 && !is_control(cp)) {
		const char *ent = cp == '&'   ? "&amp;"
				  : cp == '<' ? "&lt;"
				  : cp == '>' ? "&gt;"
				  : cp == '"' ? "&quot;"
					      : "&#39;";

		memcpy(e, ent, strlen(ent));
		return strlen(ent);
	}
	if (cp < 0x80 && !is_control(cp)) { /* DOT's specials */
		e[0] = '\\';
		e[1] = (char)cp;
		return 2;
	}
	/* \xHH is a byte; a character past ASCII is \uHHHH. */
	snprintf(prefix, sizeof(prefix), "%s%c", bs, cp < 0x80 ? 'x' : 'u');
	return hex_text(e, prefix, cp, cp < 0x80 ? 2 : 4);
}

/*
 * The columns a terminal gives a character: two for East Asian wide and
 * full-width characters and emoji, none for combining marks and zero-width
 * characters, else one (the common ranges of Unicode's EastAsianWidth W/F;
 * a table of every code point is more than column alignment needs).
 */
static size_t
char_columns(uint32_t cp)
{
	static const uint32_t zero[][2] = {{0x0300, 0x036f}, {0x200b, 0x200f},
	    {0x20d0, 0x20ff}, {0xfe00, 0xfe0f}, {0xfe20, 0xfe2f}};
	static const uint32_t wide[][2] = {{0x1100, 0x115f}, {0x2e80, 0x303e},
	    {0x3041, 0x33ff}, {0x3400, 0x4dbf}, {0x4e00, 0x9fff},
	    {0xa000, 0xa4cf}, {0xac00, 0xd7a3}, {0xf900, 0xfaff},
	    {0xfe30, 0xfe4f}, {0xff00, 0xff60}, {0xffe0, 0xffe6},
	    {0x1f300, 0x1f64f}, {0x1f900, 0x1f9ff}, {0x20000, 0x3fffd}};

	for (size_t i = 0; i < sizeof(zero) / sizeof(zero[0]); i++)
		if (cp >= zero[i][0] && cp <= zero[i][1])
			return 0;
	for (size_t i = 0; i < sizeof(wide) / sizeof(wide[0]); i++)
		if (cp >= wide[i][0] && cp <= wide[i][1])
			return 2;
	return 1;
}

/*
 * The one escaper: s as it goes to d, written to o, or only measured when
 * o is NULL.  It stops before the first character that would take the text
 * past cols terminal columns; *used says how many bytes of s it took.
 * Returns the columns (for OUT_TERM; elsewhere the characters) written.
 */
static size_t
escape(struct out *o, enum out_dest d, const char *str, size_t n, size_t cols,
    size_t *used)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t run = 0, i = 0, w = 0;

	while (i < n) {
		char e[16];
		uint32_t cp;
		size_t u, k;

		/* Printable ASCII is the common case: copied in runs. */
		while (i < n && w < cols && s[i] >= 0x20 && s[i] < 0x7f &&
		       !is_special(d, s[i]))
			i++, w++;
		if (i == n || w == cols)
			break;
		u = out_utf8_len(s + i, n - i, &cp);
		if (u > 1 && !is_control(cp)) {
			if (w + char_columns(cp) > cols)
				break;
			w += char_columns(cp);
			i += u;
			continue;
		}
		k = escape_text(d, u == 0 ? s[i] : cp, u == 0, e);
		if (w + k > cols)
			break;
		if (o != NULL) {
			out_put(o, str + run, i - run);
			out_put(o, e, k);
		}
		w += k;
		i += u ? u : 1;
		run = i;
	}
	if (o != NULL)
		out_put(o, str + run, i - run);
	*used = i;
	return w;
}

void
out_escaped(struct out *o, enum out_dest d, const char *s, size_t n)
{
	size_t used;

	escape(o, d, s, n, SIZE_MAX, &used);
}

size_t
out_width(const char *s, size_t n)
{
	size_t used;

	return escape(NULL, OUT_TERM, s, n, SIZE_MAX, &used);
}

size_t
out_fit(const char *s, size_t n, size_t cols)
{
	size_t used;

	escape(NULL, OUT_TERM, s, n, cols, &used);
	return used;
}

void
out_json_str(struct out *o, const char *s, size_t n)
{
	out_char(o, '"');
	out_escaped(o, OUT_JSON, s, n);
	out_char(o, '"');
}

size_t
out_comment_end(struct out *o, size_t max, bool cut)
{
	static const char mark[] = "\n" OUT_CUT_MARK;

	if (o->len > max) {
		cut = true;
		o->len = max - (sizeof(mark) - 1);
	}
	if (cut) {
		while (o->len > 0 && o->buf[o->len - 1] != '\n')
			o->len--; /* back to a whole line */
		if (o->len > 0)
			o->len--;
		out_put(o, mark, sizeof(mark) - 1);
	}
	return o->len;
}

size_t
out_cut_len(const char *str, size_t n, size_t size)
{
	const unsigned char *s = (const unsigned char *)str;
	size_t k;

	if (n < size)
		return n;
	if (size == 0)
		return 0;
	k = size - 1;
	/* Back to the start of the last character, then keep it only when
	 * it is whole. */
	for (size_t back = 1; back <= 3 && back <= k; back++) {
		unsigned char c = s[k - back];
		uint32_t cp;

		if ((c & 0xc0) == 0x80)
			continue;
		if (c >= 0xc0 && out_utf8_len(s + k - back, back, &cp) == 0)
			k -= back;
		break;
	}
	return k;
}

void
out_cut(struct out *o, enum out_dest d, const char *s, size_t n, size_t size)
{
	size_t k = out_cut_len(s, n, size);

	out_escaped(o, d, s, k);
	if (k < n)
		out_str(o, OUT_CUT_MARK);
}
