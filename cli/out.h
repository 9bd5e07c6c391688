/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Buffered output for the command's hot loop: formatting a million traces a
 * second leaves no room for stdio's locking and format parsing per field.
 */
#ifndef MBT_CLI_OUT_H
#define MBT_CLI_OUT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "mbuftrace/mbuftrace.h"

#define OUT_BUFSZ (1 << 16)

struct out {
	FILE *f;
	size_t len;
	int error; /* -errno once a write failed */
	char buf[OUT_BUFSZ];
};

/*
 * f NULL: the out only gathers text in buf, which the caller keeps under
 * OUT_BUFSZ bytes (past it, the text is dropped and error is -ENOSPC).
 */
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

/*
 * Untrusted text (names from kernels, containers, capture files) is written
 * through out_escaped(), for the place it goes to.  Every destination
 * validates UTF-8 with out_utf8_len() and writes a byte that is no part of
 * a well-formed character as the visible text \xHH (its backslash escaped
 * where backslashes are).  Controls (C0, DEL, C1, and the bidirectional
 * overrides U+202A-202E and U+2066-2069) become \xHH / \uHHHH text, except
 * in JSON, which carries them as \u00HH escapes (\n and \t as such).
 */
enum out_dest {
	OUT_TERM,	/* a terminal or a text file: nothing else special */
	OUT_JSON,	/* inside a JSON string: " and \ */
	OUT_SCRIPT,	/* JSON inside an HTML <script>: also < > & */
	OUT_XML,	/* HTML/XML/SVG text or attribute: & < > " ' */
	OUT_DOT,	/* a quoted Graphviz string: " and \ */
	OUT_DOT_RECORD, /* a Graphviz record field: {}|<>" \ and space */
};

void out_escaped(struct out *o, enum out_dest d, const char *s, size_t n);
size_t out_utf8_len(const unsigned char *s, size_t n, uint32_t *cp);

/*
 * Columns for text that is aligned, measured on what a terminal shows
 * (the escaped form; wide characters take two columns, combining marks
 * none): out_width() of s, and out_fit() how many bytes of s fit in cols
 * (cut between characters and escapes, never inside one).
 */
size_t out_width(const char *s, size_t n);
size_t out_fit(const char *s, size_t n, size_t cols);

static inline void
out_text(struct out *o, const char *s, size_t n)
{
	out_escaped(o, OUT_TERM, s, n);
}

static inline void
out_tstr(struct out *o, const char *s)
{
	out_escaped(o, OUT_TERM, s, strlen(s));
}

/*
 * Text of length n formatted into a buffer of size bytes, which holds only
 * size - 1 of them when n >= size: cut on a character boundary and marked
 * with OUT_CUT_MARK.  out_cut_len() is how much of it stays.
 */
#define OUT_CUT_MARK "[...]"
size_t out_cut_len(const char *s, size_t n, size_t size);
void out_cut(
    struct out *o, enum out_dest d, const char *s, size_t n, size_t size);

static inline void
out_text_cut(struct out *o, const char *s, size_t n, size_t size)
{
	out_cut(o, OUT_TERM, s, n, size);
}

/*
 * A pcapng comment (opt_comment, which must be UTF-8, and which tshark
 * prints to terminals) is gathered in an out (f NULL) as lines of text
 * escaped for a terminal.  out_comment_end() keeps at most max bytes of
 * it, whole lines, and marks a cut (also when the caller dropped lines:
 * cut); returns its length.
 */
#define OUT_ESCAPED_MAX(n) (4 * (n) + sizeof(OUT_CUT_MARK)) /* \xHH each */
size_t out_comment_end(struct out *o, size_t max, bool cut);

/* A JSON string value with its quotes (out_escaped, OUT_JSON). */
void out_json_str(struct out *o, const char *s, size_t n);

static inline void
out_json_cut(struct out *o, const char *s, size_t n, size_t size)
{
	out_char(o, '"');
	out_cut(o, OUT_JSON, s, n, size);
	out_char(o, '"');
}

#endif /* MBT_CLI_OUT_H */
