/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Closing a capture once read, and saying what of it was not traces: a
 * pcapng file of several link types (tshark -i eth0 -i mbuf_trace) holds
 * packets every subcommand skips, and a reader should know how many and
 * from which interface, not find frame numbers with gaps unexplained.
 */
#include <pcap/pcap.h>
#include <stdio.h>

#include "cli.h"
#include "mbuftrace/capture.h"

void
cli_capture_close(struct mbt_capture *c, const char *path)
{
	const struct mbt_capture_skipped *s;
	const char *lt;
	char ifname[sizeof(s->ifname) + 4] = "";

	if (c == NULL)
		return;
	s = mbt_capture_skipped(c);
	if (s->packets > 0) {
		lt = pcap_datalink_val_to_name(s->linktype);
		if (s->ifname[0] != '\0') /* escaped by cli_note, as all is */
			snprintf(ifname, sizeof(ifname), " '%s'", s->ifname);
		cli_note("%s: %llu packet%s of other link types skipped (not "
			 "traces), on %u interface%s; the first: frame %llu "
			 "on interface %u%s, %s",
		    path, (unsigned long long)s->packets,
		    s->packets == 1 ? "" : "s", s->ifaces,
		    s->ifaces == 1 ? "" : "s",
		    (unsigned long long)s->first_frame, s->iface, ifname,
		    lt != NULL ? lt : "link type unknown");
	}
	mbt_capture_close(c);
}
