/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A packet capture's own copy: tcpdump and other AF_PACKET readers get a
 * clone of the packet (or a reference to it), which a recorder that
 * follows clones traces as a child.  Today's Linux recorder says so only
 * by where the child was: a child trace (it has a parent) with a record in
 * AF_PACKET's receive or read functions.
 */
#include <string.h>

#include "mbuftrace/path.h"

static const char *const tap_funcs[] = {
    "packet_rcv", "tpacket_rcv", "packet_rcv_spkt", "packet_rcv_fanout",
    "packet_recvmsg",
};

static bool
is_tap_func(struct mbt_str f)
{
	for (size_t i = 0; i < sizeof(tap_funcs) / sizeof(tap_funcs[0]); i++) {
		size_t n = strlen(tap_funcs[i]);

		if (f.len == n && memcmp(f.ptr, tap_funcs[i], n) == 0)
			return true;
	}
	return false;
}

/* An end's "at packet_rcv+0x1c (consume_skb)" names its caller. */
static bool
text_names_tap(struct mbt_str t)
{
	static const char at[] = " at ";

	for (size_t i = 0; i + sizeof(at) - 1 <= t.len; i++) {
		size_t k = i + sizeof(at) - 1, e = k;

		if (memcmp(t.ptr + i, at, sizeof(at) - 1) != 0)
			continue;
		while (e < t.len && t.ptr[e] != '+' && t.ptr[e] != ' ')
			e++;
		if (is_tap_func((struct mbt_str){t.ptr + k, (uint16_t)(e - k)}))
			return true;
	}
	return false;
}

bool
mbt_trace_is_tap(const struct mbt_trace *t)
{
	if (t->parent_id == 0)
		return false;
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (is_tap_func(r->func) || text_names_tap(r->text))
			return true;
	}
	return false;
}
