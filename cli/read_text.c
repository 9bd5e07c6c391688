/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace read` for people: a header line per packet with its capture
 * time and what the packet is, then its path, one record a line, oldest
 * first, with the time since the trace started and where it happened.
 */
#include "mbuftrace/packet.h"
#include "read.h"

#define TEXT_MAX 1024 /* one record's line; longer ones are cut */

static size_t
digits(uint64_t v)
{
	size_t n = 1;

	while (v >= 10) {
		v /= 10;
		n++;
	}
	return n;
}

/*
 * "cpu1 r1:eth0": which CPU, network stack instance and interface.  Its
 * width is computed rather than rendered, since this runs per record; the
 * names' width is that of their escaped form on a terminal.
 */
static size_t
where_width(const struct mbt_record *r)
{
	size_t n = r->has_cpu ? 3 + digits(r->cpu) : 0;

	if (r->has_ns || r->has_iface || r->has_host)
		n += n > 0 ? 1 : 0;
	if (r->has_host)
		n += out_width(r->host.ptr, r->host.len) +
		     (r->has_ns || r->has_iface ? 1 : 0);
	if (r->has_ns)
		n += r->ns_name.len > 0
			 ? out_width(r->ns_name.ptr, r->ns_name.len)
			 : digits(r->ns_id);
	if (r->has_ns && r->has_iface)
		n++;
	if (r->has_iface)
		n += r->ifname.len > 0 ? out_width(r->ifname.ptr, r->ifname.len)
				       : 3 + digits(r->ifindex);
	return n;
}

static void
out_where(struct out *o, const struct mbt_record *r)
{
	if (r->has_cpu) {
		out_str(o, "cpu");
		out_u64(o, r->cpu);
	}
	if (r->has_cpu && (r->has_ns || r->has_iface || r->has_host))
		out_char(o, ' ');
	if (r->has_host) { /* "h2/r1:eth0": which machine, in a journey */
		out_text(o, r->host.ptr, r->host.len);
		if (r->has_ns || r->has_iface)
			out_char(o, '/');
	}
	if (r->has_ns && r->ns_name.len > 0)
		out_text(o, r->ns_name.ptr, r->ns_name.len);
	else if (r->has_ns)
		out_u64(o, r->ns_id);
	if (r->has_ns && r->has_iface)
		out_char(o, ':');
	if (r->has_iface && r->ifname.len > 0) {
		out_text(o, r->ifname.ptr, r->ifname.len);
	} else if (r->has_iface) {
		out_str(o, "if#");
		out_u64(o, r->ifindex);
	}
}

/* Column widths, so that a path reads as a table. */
struct columns {
	bool time;
	size_t where;
};

static struct columns
measure(const struct mbt_trace *t)
{
	struct columns c = {false, 0};

	for (size_t i = 0; i < t->nrecords; i++) {
		size_t n = where_width(&t->records[i]);

		c.time |= t->records[i].has_time;
		c.where = n > c.where ? n : c.where;
	}
	return c;
}

static void
put_time(struct out *o, const struct mbt_record *r, const struct columns *c)
{
	if (!c->time)
		return;
	if (r->has_time) {
		out_char(o, '+');
		out_ns_as_sec(o, r->time_ns);
		/* Seconds past 9 widen the column; rare enough to accept. */
		out_char(o, ' ');
	} else {
		out_spaces(o, 13);
	}
}

/* A snapshot after the first says what changed since the one before. */
static void
put_snapshot_change(
    struct out *o, const struct mbt_record *r, const struct snapshot *prev)
{
	char diff[256];
	size_t n;

	if (prev->data == NULL)
		return;
	n = mbt_packet_diff(prev->linktype, prev->data, prev->caplen,
	    r->linktype, r->pkt, r->pkt_len, diff, sizeof(diff));
	if (n == 0) {
		out_str(o, ", unchanged");
	} else {
		out_str(o, ": ");
		out_text_cut(o, diff, n, sizeof(diff));
	}
}

static void
put_header(struct out *o, const struct mbt_packet *p, const struct mbt_trace *t)
{
	char summary[512];
	size_t n = trace_summary(t, summary, sizeof(summary));

	out_char(o, '#');
	out_u64(o, p->frame);
	out_char(o, ' ');
	out_capture_time(o, p->ts_sec, p->ts_usec);
	out_char(o, ' ');
	out_text_cut(o, summary, n, sizeof(summary));
	out_str(o, "\n   ");
	out_str(o, mbt_format_name(t->format));
	if (t->format == MBT_FORMAT_V2_EARLY)
		out_str(o, " (early layout)");
	if (t->origin == MBT_ORIGIN_FREEBSD)
		out_str(o, " from FreeBSD");
	else if (t->origin == MBT_ORIGIN_LINUX)
		out_str(o, " from Linux");
	if (t->trace_id != 0) {
		out_str(o, ", trace ");
		out_hex64(o, t->trace_id);
	}
	if (t->parent_id != 0) {
		out_str(o, ", copy of trace ");
		out_hex64(o, t->parent_id);
	}
	out_str(o, ", ");
	out_u64(o, t->nrecords);
	out_str(o, t->nrecords == 1 ? " record\n" : " records\n");
}

static void
put_footer(struct out *o, const struct mbt_trace *t, struct snapshot *prev)
{
	char err[300];

	if (t->tail != NULL && t->tail_orig_len > 0) {
		struct mbt_record tail = {.kind = MBT_KIND_PACKET,
		    .linktype = t->tail_linktype,
		    .orig_len = t->tail_orig_len,
		    .pkt = t->tail,
		    .pkt_len = t->tail_len};
		char text[64];
		size_t n = mbt_record_text(&tail, text, sizeof(text));

		out_str(o, "   at its end: ");
		out_text_cut(o, text, n, sizeof(text));
		put_snapshot_change(o, &tail, prev);
		out_char(o, '\n');
	}
	if (t->lost > 0 || (t->flags & MBT_V3_F_LOST)) {
		out_str(o, "   (");
		if (t->lost > 0)
			out_u64(o, t->lost);
		else
			out_str(o, "some");
		out_str(o, " records lost: the trace was full)\n");
	}
	if (t->unknown_skipped > 0) {
		out_str(o, "   (");
		out_u64(o, t->unknown_skipped);
		out_str(o, t->unknown_skipped == 1 ? " record or attribute"
						   : " records or attributes");
		out_str(o, " of a newer format skipped)\n");
	}
	if (t->error.kind != MBT_OK) {
		size_t n = mbt_error_text(&t->error, err, sizeof(err));

		out_str(o, "   ");
		out_str(o, mbt_error_kind_name(t->error.kind));
		out_str(o, ": ");
		out_text_cut(o, err, n, sizeof(err));
		out_char(o, '\n');
	}
}

void
text_trace(struct out *o, const struct mbt_packet *p, const struct mbt_trace *t)
{
	struct columns c = measure(t);
	struct snapshot prev = {0};
	char line[TEXT_MAX];

	put_header(o, p, t);
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];
		size_t n;

		out_str(o, "   ");
		put_time(o, r, &c);
		if (c.where > 0) {
			out_where(o, r);
			out_spaces(o, c.where - where_width(r) + 2);
		}
		n = mbt_record_text(r, line, TEXT_MAX);
		out_text_cut(o, line, n, TEXT_MAX);
		if (r->has_packet) {
			put_snapshot_change(o, r, &prev);
			prev = (struct snapshot){
			    r->linktype, r->pkt, r->pkt_len, r->orig_len};
		}
		out_char(o, '\n');
	}
	put_footer(o, t, &prev);
}
