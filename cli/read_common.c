/* SPDX-License-Identifier: BSD-2-Clause */
/* What the text, JSON and pcapng renderers of a trace have in common. */
#include <time.h>

#include "mbuftrace/packet.h"
#include "read.h"

bool
trace_first_snapshot(const struct mbt_trace *t, struct snapshot *s)
{
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (r->has_packet) {
			*s = (struct snapshot){
			    r->linktype, r->pkt, r->pkt_len, r->orig_len};
			return true;
		}
	}
	if (t->tail != NULL && t->tail_orig_len > 0) {
		*s = (struct snapshot){
		    t->tail_linktype, t->tail, t->tail_len, t->tail_orig_len};
		return true;
	}
	return false;
}

size_t
trace_summary(const struct mbt_trace *t, char *buf, size_t size)
{
	struct snapshot s;

	if (!trace_first_snapshot(t, &s))
		return (size_t)snprintf(buf, size, "(no packet snapshot)");
	return mbt_packet_summary(
	    s.linktype, s.data, s.caplen, s.wirelen, buf, size);
}

void
out_capture_time(struct out *o, int64_t sec, uint32_t usec)
{
	/* localtime_r per packet is slow; a capture stays in one second long. */
	static _Thread_local int64_t cached_sec = -1;
	static _Thread_local char cached[32];
	static _Thread_local size_t cached_len;

	if (sec != cached_sec) {
		time_t tt = (time_t)sec;
		struct tm tm;

		cached_len = localtime_r(&tt, &tm) == NULL
				 ? 0
				 : strftime(cached, sizeof(cached),
				       "%Y-%m-%d %H:%M:%S", &tm);
		cached_sec = sec;
	}
	out_put(o, cached, cached_len);
	out_char(o, '.');
	out_u64_pad(o, usec, 6);
}
