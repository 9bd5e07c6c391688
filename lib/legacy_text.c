/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The prototype's records are strings such as
 * "/usr/src/sys/net/if.c:4784: if_dequeue(vtnet0)" (or just "FILE:LINE").
 * Splitting them into file, line and function lets every format be searched
 * and filtered the same way.
 */
#include <stdbool.h>

#include "decode_internal.h"

static bool
is_digit(char c)
{
	return c >= '0' && c <= '9';
}

static bool
is_ident(char c, bool first)
{
	return c == '_' || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       (!first && is_digit(c));
}

static struct mbt_str
str_of(const char *p, size_t len)
{
	struct mbt_str s = {p, (uint16_t)len};

	return s;
}

/*
 * Find ":LINE" ending the file name: the first ':' (not the first byte)
 * followed by 1 to 10 digits worth at most 4294967295, then the end of the
 * string or ": ".  Returns the colon's index, or -1.
 */
static long
find_line_colon(const char *s, size_t len, size_t *digits_end, uint32_t *line)
{
	for (size_t i = 1; i < len; i++) {
		uint64_t v = 0;
		size_t j = i + 1;

		if (s[i] != ':')
			continue;
		while (j < len && j - i <= 10 && is_digit(s[j]))
			v = v * 10 + (uint64_t)(s[j++] - '0');
		if (j == i + 1 || v > UINT32_MAX || (j < len && is_digit(s[j])))
			continue;
		if (j == len ||
		    (j + 1 < len && s[j] == ':' && s[j + 1] == ' ')) {
			*digits_end = j;
			*line = (uint32_t)v;
			return (long)i;
		}
	}
	return -1;
}

void
mbt_parse_legacy_text(struct mbt_record *r, const char *s, uint16_t len)
{
	size_t digits_end = 0, rest, f = 0;
	uint32_t line = 0;
	long colon = find_line_colon(s, len, &digits_end, &line);

	r->text = str_of(s, len);
	r->raw = r->text;
	if (colon < 0) {
		r->kind = MBT_KIND_TEXT;
		return;
	}
	r->kind = MBT_KIND_POINT;
	r->detail = MBT_POINT_PLAIN;
	r->has_src = true;
	r->file = str_of(s, (size_t)colon);
	r->line = line;
	rest = digits_end + 2 <= len ? digits_end + 2 : len;
	r->text = str_of(s + rest, len - rest);
	while (f < r->text.len && is_ident(r->text.ptr[f], f == 0))
		f++;
	r->func = str_of(r->text.ptr, f);
}
