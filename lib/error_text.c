/* SPDX-License-Identifier: BSD-2-Clause */
/* Saying where a trace went wrong, the same way in every tool. */
#include <stdio.h>

#include "mbuftrace/mbuftrace.h"

size_t
mbt_error_text(const struct mbt_error *e, char *buf, size_t size)
{
	int n;

	if (e->record < 0)
		n = snprintf(
		    buf, size, "header at byte %u: %s", e->offset, e->what);
	else
		n = snprintf(buf, size, "record %d at byte %u: %s", e->record,
		    e->offset, e->what);
	return n < 0 ? 0 : (size_t)n;
}
