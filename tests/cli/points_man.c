/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The list of points in mbuftrace-record(8), in mdoc, from linux/points.h:
 * tests/cli/test_points_man.sh compares it with the page.
 */
#include "points.h"
#include <stdio.h>

/* Words separated by spaces, joined by ", ". */
static void
list(const char *s)
{
	for (; *s != '\0'; s++)
		if (*s == ' ')
			fputs(", ", stdout);
		else
			putchar(*s);
}

int
main(void)
{
#define ROW(code, number, name, hook, kind, fill, values) \
	printf(".It Li %s\n", name);                      \
	list(hook);                                       \
	if (values[0] != '\0') {                          \
		fputs(": ", stdout);                      \
		list(values);                             \
	}                                                 \
	putchar('\n');
	MBT_LX_POINTS(ROW)
	return 0;
}
