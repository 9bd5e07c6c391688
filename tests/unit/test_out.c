/* SPDX-License-Identifier: BSD-2-Clause */
/* Unit tests of the command's output formatting: numbers, times, JSON strings. */
#include <stdlib.h>

#include "../../cli/out.c" /* the command's own code, not in the library */
#include "check.h"

static struct out o;
static char got[1024];

/* Run fn into a memory stream and return what it wrote. */
#define RENDER(stmt)                                                      \
	do {                                                              \
		FILE *f_ = fmemopen(got, sizeof(got) - 1, "w");           \
		out_init(&o, f_);                                         \
		stmt;                                                     \
		out_flush(&o);                                            \
		got[ftell(f_)] = '\0';                                    \
		fclose(f_);                                               \
	} while (0)

static void
test_numbers(void)
{
	RENDER(out_u64(&o, 0));
	CHECK_STR(got, "0");
	RENDER(out_u64(&o, UINT64_MAX));
	CHECK_STR(got, "18446744073709551615");
	RENDER(out_i64(&o, INT64_MIN));
	CHECK_STR(got, "-9223372036854775808");
	RENDER(out_u64_pad(&o, 42, 6));
	CHECK_STR(got, "000042");
	RENDER(out_hex64(&o, 0x2002));
	CHECK_STR(got, "0x2002");
	RENDER(out_hex64(&o, 0));
	CHECK_STR(got, "0x0");
}

static void
test_times(void)
{
	RENDER(out_ns_as_sec(&o, 0));
	CHECK_STR(got, "0.000000000");
	RENDER(out_ns_as_sec(&o, 12345));
	CHECK_STR(got, "0.000012345");
	RENDER(out_ns_as_sec(&o, 9999999999ull));
	CHECK_STR(got, "9.999999999");
	RENDER(out_ns_as_sec(&o, 12500000000ull));
	CHECK_STR(got, "12.500000000");
}

static void
test_json_strings(void)
{
	static const struct {
		const char *in;
		size_t len;
		const char *want;
	} cases[] = {
		{ "plain", 5, "\"plain\"" },
		{ "a\"b\\c", 5, "\"a\\\"b\\\\c\"" },
		{ "l1\nl2\t", 6, "\"l1\\nl2\\t\"" },
		{ "\x01\x1f\x7f", 3, "\"\\u0001\\u001f\\u007f\"" },
		{ "caf\xc3\xa9", 5, "\"caf\xc3\xa9\"" },       /* valid UTF-8 kept */
		/* Invalid bytes are named, the same way in every output. */
		{ "bad\xff\xc3", 5, "\"bad\\\\xff\\\\xc3\"" },
		{ "\xe0\x80\x80", 3, "\"\\\\xe0\\\\x80\\\\x80\"" }, /* overlong */
		{ "\xed\xa0\x80", 3, "\"\\\\xed\\\\xa0\\\\x80\"" }, /* surrogate */
		{ "\xf4\x90\x80\x80", 4,
		    "\"\\\\xf4\\\\x90\\\\x80\\\\x80\"" }, /* > U+10FFFF */
		{ "\xf4\x8f\xbf\xbf", 4, "\"\xf4\x8f\xbf\xbf\"" }, /* U+10FFFF */
		{ "\xc2\x9b\xe2\x80\xae", 5, "\"\\u009b\\u202e\"" }, /* controls */
		{ "nul\0x", 5, "\"nul\\u0000x\"" },
		{ "", 0, "\"\"" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RENDER(out_json_str(&o, cases[i].in, cases[i].len));
		CHECK_STR(got, cases[i].want);
	}
}

/* The other destinations: what each must not let through. */
static void
test_escapers(void)
{
	static const struct {
		enum out_dest d;
		const char *in, *want;
	} cases[] = {
		{ OUT_TERM, "\x1b]0;t\x07 a\r\n#9 \x7f", "\\x1b]0;t\\x07 a\\x0d\\x0a#9 \\x7f" },
		{ OUT_TERM, "\xc2\x9b" "2J caf\xc3\xa9 \\", "\\u009b2J caf\xc3\xa9 \\\\" },
		/* A backslash is doubled: \xHH is always a byte. */
		{ OUT_TERM, "\\x1b \x1b", "\\\\x1b \\x1b" },
		{ OUT_TERM, "\xe0\x80\x80|\xed\xa0\x80|\xe2\x82", "\\xe0\\x80\\x80|\\xed\\xa0\\x80|\\xe2\\x82" },
		{ OUT_TERM, "a\xe2\x80\xae" "b", "a\\u202eb" },
		{ OUT_XML, "<a href=\"x\">&'\x01\xff\\", "&lt;a href=&quot;x&quot;&gt;&amp;&#39;\\x01\\xff\\\\" },
		{ OUT_SCRIPT, "</script>\"&", "\\u003c/script\\u003e\\\"\\u0026" },
		{ OUT_DOT, "a\"b\\c\n\xff", "a\\\"b\\\\\\\\c\\\\x0a\\\\xff" },
		{ OUT_DOT_RECORD, "{a|b} <c>", "\\{a\\|b\\}\\ \\<c\\>" },
	};

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		RENDER(out_escaped(&o, cases[i].d, cases[i].in, strlen(cases[i].in)));
		CHECK_STR(got, cases[i].want);
	}
}

/* A line cut to fit is cut between characters, and says so. */
static void
test_cut(void)
{
	const char *s = "ab\xe2\x82\xac\xe2\x82\xac"; /* ab + two euro signs */

	CHECK(out_cut_len(s, 8, 9) == 8);  /* fits */
	CHECK(out_cut_len(s, 8, 8) == 5);  /* 7 kept would split the second */
	CHECK(out_cut_len(s, 8, 6) == 5);  /* 5 bytes: ab and one whole */
	CHECK(out_cut_len(s, 8, 5) == 2);  /* 4 would split the first */
	RENDER(out_text_cut(&o, s, 8, 7));
	CHECK_STR(got, "ab\xe2\x82\xac" OUT_CUT_MARK);
	RENDER(out_text_cut(&o, s, 8, 9));
	CHECK_STR(got, s);
}

/* Widths are those of the escaped text on a terminal, so columns align. */
static void
test_width(void)
{
	const char *esc = "a\\x1b[2J\\x07"; /* how the terminal shows it */

	CHECK(out_width("eth0", 4) == 4);
	CHECK(out_width("a\x1b[2J\x07", 6) == 1 + 4 + 3 + 4);
	CHECK(out_width("a\x1b[2J\x07", 6) == strlen(esc));
	CHECK(out_width("\xff\xfe", 2) == 8);			/* invalid bytes */
	CHECK(out_width("caf\xc3\xa9", 5) == 4);		/* one column */
	CHECK(out_width("\xe7\xbd\x91\xe5\x8d\xa1", 6) == 4); /* wide */
	CHECK(out_width("e\xcc\x81", 3) == 1);		/* combining */
	CHECK(out_width("\xe2\x80\xae", 3) == 6);		/* \u202e */
	/* Cuts fall between characters and escapes, never inside one. */
	CHECK(out_fit("ab\x1b" "cd", 5, 3) == 2);
	CHECK(out_fit("ab\x1b" "cd", 5, 6) == 3);
	CHECK(out_fit("\xe7\xbd\x91\xe5\x8d\xa1", 6, 3) == 3);
	CHECK(out_fit("eth0", 4, 10) == 4);
}

/* Writes longer than the buffer arrive whole and in order. */
static void
test_long_output(void)
{
	static char big[3 * OUT_BUFSZ + 7], back[sizeof(big) + 1];
	FILE *f = fmemopen(back, sizeof(back), "w");

	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (char)('a' + i % 26);
	out_init(&o, f);
	out_put(&o, "x", 1);
	out_put(&o, big, sizeof(big) - 1);
	out_flush(&o);
	CHECK(ftell(f) == (long)sizeof(big));
	fclose(f);
	CHECK(back[0] == 'x' && memcmp(back + 1, big, sizeof(big) - 1) == 0);
}

int
main(void)
{
	test_numbers();
	test_times();
	test_json_strings();
	test_escapers();
	test_cut();
	test_width();
	test_long_output();
	return check_summary("test_out");
}
