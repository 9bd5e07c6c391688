/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Source lines from DWARF (linux/srcline.c), on this test's own binary,
 * built with -g: the same lookups record makes in a debug vmlinux, with
 * the load address of a position-independent executable as the bias that
 * KASLR's offset is for the kernel.
 */
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stdint.h>
#include <string.h>

#include "../../linux/srcline.h"
#include "check.h"

int marker(int x);

enum { MARKER_LINE = __LINE__ + 2 }; /* marker's own line */
__attribute__((noinline)) int
marker(int x)
{
	return x * 3 + 1;
}

static bool
ends_with(const char *s, const char *tail)
{
	size_t n = strlen(s), m = strlen(tail);

	return n >= m && strcmp(s + n - m, tail) == 0;
}

int
main(void)
{
	struct mbt_srcline *s;
	const char *file = NULL;
	char err[256];
	Dl_info info;
	int line = 0;
	uintptr_t at = (uintptr_t)&marker;

	CHECK(dladdr((void *)at, &info) != 0);
	CHECK(mbt_srcline_open(&s, "/proc/self/exe", (int64_t)info.dli_fbase,
		  err, sizeof(err)) == 0);
	if (s == NULL)
		return check_summary("test_linux_srcline");
	/* The symbol table gives the function where the code was linked. */
	CHECK(
	    mbt_srcline_symbol(s, "marker") == at - (uintptr_t)info.dli_fbase);
	CHECK(mbt_srcline_symbol(s, "no_such_symbol_here") == 0);
	/* Its entry is its first line, in this file; twice (the cache). */
	for (int i = 0; i < 2; i++) {
		CHECK(mbt_srcline_lookup(s, at, &file, &line) == 0);
		CHECK(file != NULL && ends_with(file, "test_linux_srcline.c"));
		CHECK(line >= MARKER_LINE - 1 && line <= MARKER_LINE + 2);
	}
	CHECK(mbt_srcline_lookup(s, 16, &file, &line) == -ENOENT);
	mbt_srcline_close(s);

	CHECK(mbt_srcline_open(
		  &s, "/nonexistent/vmlinux", 0, err, sizeof(err)) == -ENOENT);
	CHECK(s == NULL && strstr(err, "/nonexistent/vmlinux") != NULL);
	/* A file with no DWARF in it: said so, not a crash. */
	CHECK(mbt_srcline_open(&s, "/etc/hostname", 0, err, sizeof(err)) ==
	      -ENODATA);
	CHECK(s == NULL);
	return check_summary("test_linux_srcline");
}
