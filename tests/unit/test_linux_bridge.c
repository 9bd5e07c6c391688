/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A packet entering a bridge port (linux/assemble_bridge.c): its record
 * says the port's STP state and what the bridge did, inferred from the
 * events after it in the bridge's namespace.
 */
#include <string.h>

#include "../../linux/assemble.h"
#include "check.h"
#include "mbuftrace/mbuftrace.h"

#define SW 4026532001ULL
#define H2 4026532002ULL

static uint8_t out[MBT_V3_MAX_TRACE_LEN];
static size_t out_len;

static int
capture(void *ctx, const uint8_t *trace, size_t len, uint64_t t)
{
	memcpy(out, trace, len);
	out_len = len;
	return 0;
}

static const char *
reason_name(void *ctx, uint32_t code)
{
	return code == 2 ? "NOT_SPECIFIED" : NULL;
}

static const struct mbt_lx_names names = {NULL, reason_name, NULL, NULL,
    NULL};

struct step {
	uint8_t point;
	uint64_t netns;
	uint32_t ifindex;
	const char *ifname;
	int32_t value;
	uint8_t end; /* MBT_END_*: the trace's last event */
};

/* The text of the bridge port record of a trace of these steps. */
static void
bridge_text(const struct step *s, size_t n, char *text, size_t size)
{
	struct mbt_lx_asm a;
	struct mbt_trace t;

	text[0] = '\0';
	CHECK(mbt_lx_asm_init(&a, &names, capture, NULL, 0) == 0);
	out_len = 0;
	for (size_t i = 0; i < n; i++) {
		struct mbt_lx_event ev;

		memset(&ev, 0, sizeof(ev));
		ev.version = MBT_LX_EVENT_VERSION;
		ev.size = sizeof(ev);
		ev.point = s[i].point;
		ev.time_ns = 1000 + i;
		ev.trace_id = 5;
		ev.netns = s[i].netns;
		ev.ifindex = s[i].ifindex;
		memcpy(ev.ifname, s[i].ifname, strlen(s[i].ifname));
		ev.value = s[i].value;
		ev.flags = (i == 0 ? MBT_LX_F_START : 0) |
			   (s[i].end ? MBT_LX_F_END : 0);
		ev.end = s[i].end;
		ev.reason = s[i].end == MBT_END_DROPPED ? 2 : 0;
		if (s[i].point == MBT_LX_P_COPY) {
			ev.related_id = 6;
			ev.value = MBT_LX_P_NET_DEV_QUEUE;
		}
		CHECK(mbt_lx_asm_feed(&a, &ev, sizeof(ev)) == 0);
	}
	mbt_trace_init(&t);
	CHECK(out_len > 0 && mbt_decode(out, out_len, out_len, &t) == 0);
	for (size_t i = 0; i < t.nrecords; i++)
		if (t.records[i].func.len == 15 &&
		    memcmp(t.records[i].func.ptr, "br_handle_frame", 15) == 0)
			snprintf(text, size, "%.*s", t.records[i].text.len,
			    t.records[i].text.ptr);
	mbt_trace_free(&t);
	mbt_lx_asm_free(&a);
}

#define RX MBT_LX_P_NETIF_RECEIVE_SKB
#define PORT MBT_LX_P_BRIDGE_PORT
#define Q MBT_LX_P_NET_DEV_QUEUE

int
main(void)
{
	static const struct step forwarded[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 3, 0},
	    {Q, SW, 3, "p2", 0, 0},
	    {MBT_LX_P_NETIF_RX, H2, 2, "eth0", 0, 0},
	    {MBT_LX_P_CONSUME_SKB, H2, 2, "eth0", 0, MBT_END_CONSUMED},
	};
	static const struct step flooded[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 3, 0},
	    {MBT_LX_P_COPY, 0, 0, "", 0, 0},
	    {Q, SW, 4, "p3", 0, 0},
	    {MBT_LX_P_KFREE_SKB, H2, 2, "eth0", 0, MBT_END_DROPPED},
	};
	static const struct step broadcast[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 3, 0},
	    {MBT_LX_P_COPY, 0, 0, "", 0, 0},
	    {MBT_LX_P_COPY, 0, 0, "", 0, 0},
	    {RX, SW, 5, "br0", 0, 0},
	    {MBT_LX_P_CONSUME_SKB, SW, 5, "br0", 0, MBT_END_CONSUMED},
	};
	static const struct step local[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 3, 0},
	    {RX, SW, 5, "br0", 0, 0},
	    {MBT_LX_P_CONSUME_SKB, SW, 5, "br0", 0, MBT_END_CONSUMED},
	};
	static const struct step disabled[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 0, 0},
	    {MBT_LX_P_KFREE_SKB, SW, 2, "p1", 0, MBT_END_DROPPED},
	};
	static const struct step learning[] = {
	    {RX, SW, 2, "p1", 0, 0},
	    {PORT, SW, 2, "p1", 2, 0},
	    {MBT_LX_P_KFREE_SKB, SW, 2, "p1", 0, MBT_END_DROPPED},
	};
	char text[200];

	bridge_text(forwarded, 5, text, sizeof(text));
	CHECK_STR(text, "bridge port forwarding: forwarded to p2 (inferred: "
			"out of that port only, no copies)");
	bridge_text(flooded, 5, text, sizeof(text));
	CHECK_STR(text, "bridge port forwarding: flooded (inferred: 1 copy "
			"made here, this one out of p3)");
	bridge_text(broadcast, 6, text, sizeof(text));
	CHECK_STR(text, "bridge port forwarding: flooded (inferred: 2 copies "
			"made here, this one up to br0)");
	bridge_text(local, 4, text, sizeof(text));
	CHECK_STR(text, "bridge port forwarding: up to br0, for this host");
	bridge_text(disabled, 3, text, sizeof(text));
	CHECK_STR(text,
	    "bridge port disabled: dropped, not forwarded: NOT_SPECIFIED");
	bridge_text(learning, 3, text, sizeof(text));
	CHECK_STR(text, "bridge port learning: its source learned, not "
			"forwarded: NOT_SPECIFIED");
	return check_summary("test_linux_bridge");
}
