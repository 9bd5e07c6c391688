/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading a capture as paths, and showing steps and hops, for the path
 * commands (`paths`, `diff`, `expect`, `graph`), so they agree on both.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"
#include "mbuftrace/packet.h"
#include "paths.h"

int
paths_load(const char *file, struct mbt_match *m, struct mbt_path_set *set,
    struct load_stats *st, load_fn *fn, void *arg)
{
	struct mbt_capture *cap;
	struct mbt_trace t;
	struct mbt_path p;
	struct mbt_packet pkt;
	char err[512];
	int rc;

	cap = mbt_capture_open(file, err, sizeof(err));
	if (cap == NULL) {
		cli_error("%s", err);
		return -EIO;
	}
	mbt_trace_init(&t);
	mbt_path_init(&p);
	while ((rc = mbt_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		long g;

		/* A broken trace still has the path up to the fault. */
		if (mbt_decode(pkt.data, pkt.caplen, pkt.wirelen, &t) ==
		    -ENOMEM)
			goto nomem;
		st->packets++;
		st->malformed += t.error.kind == MBT_ERR_MALFORMED;
		st->truncated += t.error.kind == MBT_ERR_TRUNCATED;
		if (m != NULL && !mbt_match_trace(m, &t))
			continue;
		if (st->hide_taps && mbt_trace_is_tap(&t)) {
			st->taps_hidden++;
			continue;
		}
		st->selected++;
		if (mbt_path_build(&t, &p) != 0)
			goto nomem;
		g = mbt_path_set_add(set, pkt.frame, pkt.ts_sec, pkt.ts_usec,
		    pkt.data, pkt.caplen, pkt.wirelen, &p);
		if (g < 0)
			goto nomem;
		if (fn != NULL && (rc = fn(arg, &pkt, &t, &p, (size_t)g)) != 0)
			break; /* fn said why */
	}
	if (rc == -1)
		cli_error("%s: %s", file, err);
	mbt_path_free(&p);
	mbt_trace_free(&t);
	cli_capture_close(cap, file);
	return rc == -1 ? -EIO : rc < 0 ? rc : 0;
nomem:
	cli_error("%s: frame %llu: out of memory", file,
	    (unsigned long long)pkt.frame);
	mbt_path_free(&p);
	mbt_trace_free(&t);
	mbt_capture_close(cap);
	return -ENOMEM;
}

void
paths_note_broken(const struct load_stats *st)
{
	if (st->taps_hidden > 0)
		cli_note("%llu cop%s that packet captures took (tcpdump's "
			 "AF_PACKET) left out: --taps keeps them",
		    (unsigned long long)st->taps_hidden,
		    st->taps_hidden == 1 ? "y" : "ies");
	if (st->malformed + st->truncated > 0)
		cli_note("%llu of %llu traces malformed, %llu truncated by the "
			 "capture (their paths end at the fault)",
		    (unsigned long long)st->malformed,
		    (unsigned long long)st->packets,
		    (unsigned long long)st->truncated);
}

size_t
step_text(const struct mbt_step *s, char *buf, size_t size)
{
	size_t n = mbt_step_where(s, buf, size);

	if (n + 2 >= size)
		return n;
	if (n > 0) {
		buf[n++] = ' ';
		buf[n++] = ' ';
	}
	return n + mbt_record_text(s->rec, buf + n, size - n);
}

/*
 * Calls fn for each location of p, repeats folded, and A B A B folded to
 * A B: a sender's stack logs that its transmit completed after the
 * receiver got the packet.
 */
static void
each_hop(
    const struct mbt_path *p, void (*fn)(void *, const char *, bool), void *arg)
{
	char(*v)[128] = malloc((p->nsteps + 1) * sizeof(*v));
	size_t n = 0;

	if (v == NULL)
		return;
	for (size_t i = 0; i < p->nsteps; i++) {
		mbt_step_where(&p->steps[i], v[n], sizeof(v[n]));
		if (v[n][0] == '\0' || (n > 0 && strcmp(v[n], v[n - 1]) == 0))
			continue;
		n++;
		if (n >= 4 && strcmp(v[n - 1], v[n - 3]) == 0 &&
		    strcmp(v[n - 2], v[n - 4]) == 0)
			n -= 2;
	}
	for (size_t i = 0; i < n; i++)
		fn(arg, v[i], i == 0);
	free(v);
}

struct hop_out {
	struct out *o;
	const char *sep;
};

static void
hop_text(void *arg, const char *where, bool first)
{
	struct hop_out *h = arg;

	if (!first)
		out_str(h->o, h->sep);
	out_tstr(h->o, where);
}

static void
hop_json(void *arg, const char *where, bool first)
{
	struct out *o = arg;

	if (!first)
		out_char(o, ',');
	out_json_str(o, where, strlen(where));
}

void
out_hops(struct out *o, const struct mbt_path *p, const char *sep)
{
	struct hop_out h = {o, sep};

	each_hop(p, hop_text, &h);
}

void
out_hops_json(struct out *o, const struct mbt_path *p)
{
	out_char(o, '[');
	each_hop(p, hop_json, o);
	out_char(o, ']');
}

void
json_step_members(struct json *j, const struct mbt_step *s, size_t index)
{
	const struct mbt_record *r = s->rec;
	char buf[1024];

	json_ku64(j, "step", index + 1);
	json_ku64(j, "record", s->record + 1);
	json_key(j, "where");
	json_cut(j, buf, mbt_step_where(s, buf, sizeof(buf)), sizeof(buf));
	json_kstr(j, "kind", mbt_kind_name(r->kind));
	json_key(j, "text");
	json_cut(j, buf, mbt_record_text(r, buf, sizeof(buf)), sizeof(buf));
	if (r->has_src && r->file.len > 0) {
		json_key(j, "file");
		json_str(j, r->file.ptr, r->file.len);
		json_ku64(j, "line", r->line);
	}
	if (r->func.len > 0) {
		json_key(j, "func");
		json_str(j, r->func.ptr, r->func.len);
	}
}

size_t
group_summary(const struct mbt_path_group *g, char *buf, size_t size)
{
	const uint8_t *data;
	uint16_t lt;
	uint32_t caplen, wirelen;

	if (!mbt_path_snapshot(&g->trace, &lt, &data, &caplen, &wirelen))
		return (size_t)snprintf(buf, size, "(no packet snapshot)");
	return mbt_packet_summary(lt, data, caplen, wirelen, buf, size);
}
