/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * linux/points.h, the one table of points, says what each point's record
 * is: its name, its kind and the typed values it carries.  Here each
 * point's event, with every field a value may come from filled, goes
 * through the assembler, and the record must be what the table says (and
 * encode and decode to the same values).
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "../../linux/assemble.h"
#include "check.h"
#include "mbuftrace/mbuftrace.h"

static const struct {
	uint8_t code;
	const char *name, *hook;
	uint8_t kind;
	const char *values;
} table[] = {
#define ROW(code, number, name, hook, kind, fill, values) \
	{MBT_LX_P_##code, name, hook, kind, values},
    MBT_LX_POINTS(ROW)
#undef ROW
};

/* An event of point p that fills what any point's values come from. */
static void
event_of(struct mbt_lx_event *ev, uint8_t p)
{
	memset(ev, 0, sizeof(*ev));
	ev->size = sizeof(*ev);
	ev->version = MBT_LX_EVENT_VERSION;
	ev->point = p;
	ev->trace_id = 7;
	ev->netns = 4026532000ULL;
	ev->ifindex = 2;
	memcpy(ev->ifname, "eth0", 4);
	memcpy(ev->kind, "veth", 4);
	ev->value = p == MBT_LX_P_FIB_TABLE_LOOKUP ? -EAGAIN
		    : p == MBT_LX_P_COPY ? MBT_LX_P_NETIF_RX /* seen at */
					 : -22;
	ev->reason = 1;
	ev->family = 4;
	ev->gw[0] = 10;
	ev->pid = 42;
	ev->related_id = 8;
	/* The points that end a life always do; GRO says a merge by it. */
	if (p == MBT_LX_P_UNSEEN_FREE || p == MBT_LX_P_GRO_RECEIVE ||
	    p == MBT_LX_P_KFREE_SKB || p == MBT_LX_P_CONSUME_SKB) {
		ev->flags = MBT_LX_F_END;
		ev->end = MBT_END_FREED;
	}
}

/* The names of r's values, space-separated, in the table's order. */
static void
names_of(const struct mbt_record *r, char *out, size_t size)
{
	out[0] = '\0';
	for (uint8_t i = 0; i < r->nvalues; i++) {
		const char *n = mbt_value_name(r->values[i].key);

		if (out[0] != '\0')
			strncat(out, " ", size - strlen(out) - 1);
		strncat(out, n != NULL ? n : "?", size - strlen(out) - 1);
	}
}

int
main(void)
{
	struct mbt_lx_asm a;
	struct mbt_lx_event ev;
	struct mbt_record r;
	struct mbt_trace t;
	static uint8_t buf[4096];
	char text[160], got[256];
	size_t n = sizeof(table) / sizeof(table[0]);

	mbt_trace_init(&t);
	CHECK(mbt_lx_asm_init(&a, NULL, NULL, NULL, 0) == 0);
	CHECK(n >= 20 && table[n - 1].code == MBT_LX_P_MAX);
	for (size_t i = 0; i < n; i++) {
		const struct mbt_v3_info info = {
		    .trace_id = 7, .tail_linktype = MBT_LINKTYPE_NONE};
		struct mbt_encoder e;
		int len;

		CHECK(strcmp(mbt_lx_point_name(table[i].code), table[i].name) == 0);
		event_of(&ev, table[i].code);
		mbt_lx_event_record(&a, &r, &ev, 0, text, sizeof(text));
		names_of(&r, got, sizeof(got));
		if (strcmp(got, table[i].values) != 0)
			fprintf(stderr, "point %s: ", table[i].name);
		CHECK_STR(got, table[i].values);
		CHECK(r.kind == ((ev.flags & MBT_LX_F_END) ? MBT_KIND_END
							   : table[i].kind));
		/* No words of the producer's own but what needs a symbol. */
		CHECK(r.text.len == 0);
		mbt_enc_begin(&e, buf, sizeof(buf), &info);
		mbt_enc_event(&e, &r);
		len = mbt_enc_finish(&e, 0, 0);
		CHECK(len > 0 &&
		      mbt_decode(buf, (size_t)len, (size_t)len, &t) == 0 &&
		      t.nrecords == 1);
		if (t.nrecords == 1) {
			names_of(&t.records[0], got, sizeof(got));
			CHECK_STR(got, table[i].values);
		}
	}
	mbt_lx_asm_free(&a);
	mbt_trace_free(&t);
	return check_summary("test_linux_points");
}
