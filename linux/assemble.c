/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Events from the eBPF programs in, v3 traces out.  Every ring buffer
 * record is checked (size, version, every length and code) before use; the
 * events of one skb are kept, in arrival order, until its end arrives, then
 * encoded with the library's v3 encoder.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "assemble_int.h"

_Static_assert(sizeof(struct mbt_lx_event) == MBT_LX_EVENT_LEN,
    "the event layout must match the BPF side");

/* Each point's name and the kind of its record, from linux/points.h. */
static const struct {
	const char *name;
	uint8_t kind;
} points[MBT_LX_P_MAX + 1] = {
#define POINT_ROW(code, number, name, hook, kind, fill, values) \
	[MBT_LX_P_##code] = {name, kind},
    MBT_LX_POINTS(POINT_ROW)
#undef POINT_ROW
};

const char *
mbt_lx_point_name(uint8_t point)
{
	return point <= MBT_LX_P_MAX ? points[point].name : NULL;
}

int
mbt_lx_asm_init(struct mbt_lx_asm *a, const struct mbt_lx_names *names,
    mbt_lx_emit_fn emit, void *emit_ctx, int64_t mono_to_real_ns)
{
	memset(a, 0, offsetof(struct mbt_lx_asm, buf));
	if (names != NULL)
		a->names = *names;
	a->emit = emit;
	a->emit_ctx = emit_ctx;
	a->mono_to_real_ns = mono_to_real_ns;
	a->held_tail = &a->held;
	a->nbuckets = 1024;
	a->buckets = calloc(a->nbuckets, sizeof(*a->buckets));
	return a->buckets != NULL ? 0 : -ENOMEM;
}

static void
free_trace(struct mbt_lx_open_trace *t)
{
	for (size_t i = 0; i < t->nevents; i++)
		free(t->events[i]);
	free(t->rules);
	free(t);
}

void
mbt_lx_asm_free(struct mbt_lx_asm *a)
{
	for (size_t b = 0; b < a->nbuckets && a->buckets != NULL; b++) {
		while (a->buckets[b] != NULL) {
			struct mbt_lx_open_trace *t = a->buckets[b];

			a->buckets[b] = t->next;
			free_trace(t);
		}
	}
	while (a->held != NULL) {
		struct mbt_lx_open_trace *t = a->held;

		a->held = t->next;
		free_trace(t);
	}
	a->held_tail = &a->held;
	free(a->buckets);
	a->buckets = NULL;
	a->nopen = 0;
	free(a->pending);
	a->pending = NULL;
	a->npending = 0;
}

static int
reject(struct mbt_lx_asm *a, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(a->stats.last_error, sizeof(a->stats.last_error), fmt, ap);
	va_end(ap);
	a->stats.bad_events++;
	return -EINVAL;
}

/* The checks every record passes before anything reads it. */
static int
check_event(struct mbt_lx_asm *a, const struct mbt_lx_event *ev, size_t size)
{
	const uint32_t known_flags = MBT_LX_F_START | MBT_LX_F_END;

	if (ev->version != MBT_LX_EVENT_VERSION)
		return reject(a, "event version %u, expected %u", ev->version,
		    MBT_LX_EVENT_VERSION);
	if (ev->size != size || sizeof(*ev) + ev->snap_len != size)
		return reject(a, "event of %zu bytes says size %u, snapshot %u",
		    size, ev->size, ev->snap_len);
	if (ev->snap_len > MBT_LX_SNAP_MAX || ev->snap_len > ev->snap_orig)
		return reject(a, "snapshot of %u bytes of a %u-byte packet",
		    ev->snap_len, ev->snap_orig);
	if (ev->snap_len > 0 && ev->snap_linktype != MBT_LINKTYPE_RAW &&
	    ev->snap_linktype != MBT_LINKTYPE_ETHERNET)
		return reject(a, "snapshot of link type %u", ev->snap_linktype);
	if (mbt_lx_point_name(ev->point) == NULL)
		return reject(a, "unknown point %u", ev->point);
	if (ev->trace_id == 0)
		return reject(a, "event without a trace id");
	if ((ev->flags & ~known_flags) != 0 || ev->end > MBT_END_MAX ||
	    ((ev->flags & MBT_LX_F_END) != 0) != (ev->end != 0))
		return reject(a, "flags %#x with end %u", ev->flags, ev->end);
	if (ev->family != 0 && ev->family != 4 && ev->family != 6)
		return reject(a, "route family %u", ev->family);
	if (ev->point == MBT_LX_P_COPY && ev->related_id == 0)
		return reject(a, "a copy without the copy's trace");
	if (ev->related_id == ev->trace_id)
		return reject(
		    a, "trace %#" PRIx64 " a copy of itself", ev->trace_id);
	return 0;
}

static struct mbt_lx_open_trace **
find_slot(struct mbt_lx_asm *a, uint64_t id)
{
	struct mbt_lx_open_trace **p = &a->buckets[id % a->nbuckets];

	while (*p != NULL && (*p)->trace_id != id)
		p = &(*p)->next;
	return p;
}

/* Where: CPU, time, interface and namespace, shared by every record. */
static void
fill_where(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_event *ev, uint64_t t0)
{
	r->has_cpu = true;
	r->cpu = ev->cpu;
	r->has_time = ev->time_ns >= t0;
	r->time_ns = ev->time_ns - t0;
	if (ev->ifindex != 0) {
		r->has_iface = true;
		r->ifindex = ev->ifindex;
		r->ifname = (struct mbt_str){ev->ifname,
		    (uint16_t)strnlen(ev->ifname, sizeof(ev->ifname))};
	}
	if (ev->netns != 0) {
		r->has_ns = true;
		r->ns_id = ev->netns;
		if (a->names.netns != NULL)
			r->ns_name =
			    mbt_lx_str(a->names.netns(a->names.ctx, ev->netns));
	}
}

/*
 * What each point records, as typed values (format.h MBT_VAL_*): one
 * fill_<fill>() per kind of point of linux/points.h.  Words are
 * lib/record_text.c's.  true when the record is complete: no end of life
 * to add (a lookup, a copy, a function's events).
 */
#define MBT_LX_FILL(name)                                                   \
	static bool fill_##name(struct mbt_lx_asm *a, struct mbt_record *r, \
	    const struct mbt_lx_event *ev)

static void fill_srcline(
    struct mbt_lx_asm *a, struct mbt_record *r, uint64_t addr);

MBT_LX_FILL(none)
{
	return false;
}

/* A driver's return code, and the device's kind ("veth"). */
MBT_LX_FILL(xmit)
{
	mbt_record_add_int(r, MBT_VAL_RC, ev->value);
	if (ev->kind[0] != '\0')
		mbt_record_add_str(r, MBT_VAL_DEV_KIND,
		    (struct mbt_str){ev->kind,
			(uint16_t)strnlen(ev->kind, sizeof(ev->kind))});
	return false;
}

MBT_LX_FILL(rc)
{
	mbt_record_add_int(r, MBT_VAL_RC, ev->value);
	return false;
}

MBT_LX_FILL(qdisc)
{
	mbt_record_add_int(r, MBT_VAL_QDISC_HANDLE, ev->reason);
	return false;
}

MBT_LX_FILL(icmp)
{
	mbt_record_add_int(r, MBT_VAL_ICMP_TYPE, ev->value >> 8);
	mbt_record_add_int(r, MBT_VAL_ICMP_CODE, ev->value & 0xff);
	return false;
}

MBT_LX_FILL(rcvq_full)
{
	mbt_record_add_int(r, MBT_VAL_RCVQ_FULL, 1);
	return false;
}

/* value: the socket's family << 8 | its SOCK_* type. */
MBT_LX_FILL(sock)
{
	mbt_record_add_int(
	    r, MBT_VAL_SOCK_TAP, ev->value >> 8 == 17); /* AF_PACKET */
	mbt_record_add_int(r, MBT_VAL_SOCK_TYPE, ev->value & 0xff);
	return false;
}

MBT_LX_FILL(read)
{
	mbt_record_add_int(r, MBT_VAL_BYTES, ev->value);
	mbt_record_add_int(r, MBT_VAL_PID, ev->pid);
	return false;
}

MBT_LX_FILL(neigh)
{
	if (ev->family != 0)
		mbt_record_add_addr(r, MBT_VAL_NEIGH_ADDR, ev->family, ev->gw);
	mbt_record_add_int(r, MBT_VAL_NEIGH_STATE, ev->value);
	mbt_record_add_int(r, MBT_VAL_NEIGH_QUEUED, ev->reason == 1);
	return false;
}

MBT_LX_FILL(gro)
{
	if (ev->flags & MBT_LX_F_END)
		mbt_record_add_int(r, MBT_VAL_GRO_MERGED, ev->value);
	return false;
}

/*
 * A lookup in one table.  With policy routing the kernel looks in the
 * tables of its rules in turn: one with no match for the packet (IPv4:
 * -EAGAIN; IPv6: no device) sends it on to the next rule, which is no
 * failure of routing.
 */
MBT_LX_FILL(route)
{
	r->has_route = true;
	r->route_table = ev->table;
	r->route_oif = ev->oif;
	r->route_error = ev->value;
	r->route_family = ev->family;
	memcpy(r->route_gw, ev->gw, sizeof(r->route_gw));
	/* The output interface by name too: "oif 3 (veth1)". */
	if (ev->oif != 0 && ev->ifname[0] != '\0') {
		snprintf(a->oif_text, sizeof(a->oif_text), "(%.*s)",
		    (int)sizeof(ev->ifname), ev->ifname);
		r->text = mbt_lx_str(a->oif_text);
	}
	if ((ev->point == MBT_LX_P_FIB_TABLE_LOOKUP && ev->value == -EAGAIN) ||
	    (ev->point == MBT_LX_P_FIB6_TABLE_LOOKUP && ev->oif == 0))
		mbt_record_add_int(r, MBT_VAL_ROUTE_NEXT, 1);
	return true;
}

/* Where the copy showed up, not where it was made. */
MBT_LX_FILL(copy)
{
	const char *seen = ev->value >= 0 && ev->value <= MBT_LX_P_MAX
			       ? mbt_lx_point_name((uint8_t)ev->value)
			       : NULL;

	r->has_src = false;
	r->has_related = true;
	r->related_id = ev->related_id;
	mbt_record_add_int(r, MBT_VAL_COPY_HOW, ev->reason);
	mbt_record_add_str(r, MBT_VAL_SEEN_AT, mbt_lx_str(seen));
	return true;
}

/* Its words and its place: unseen_free() knows the hops. */
MBT_LX_FILL(unseen)
{
	r->detail = MBT_END_FREED;
	return true;
}

/* A function entered or returned: named by its address. */
MBT_LX_FILL(function)
{
	uint64_t off = 0;
	const char *sym =
	    a->names.symbol == NULL
		? NULL
		: a->names.symbol(a->names.ctx, ev->location, &off);

	r->func = mbt_lx_str(sym != NULL ? sym : "?");
	fill_srcline(a, r, ev->location);
	if (ev->point == MBT_LX_P_FUNCTION) {
		r->detail = MBT_POINT_ENTER;
		return true;
	}
	/* The positive codes (NET_RX_DROP, NET_XMIT_DROP) have no name:
	 * their meaning depends on the function. */
	r->detail = MBT_POINT_LEAVE;
	mbt_record_add_int(r, MBT_VAL_RETURN, ev->value);
	if (ev->value < 0)
		mbt_record_add_str(r, MBT_VAL_RETURN_NAME,
		    mbt_lx_str(strerrorname_np(-ev->value)));
	return true;
}

typedef bool (*fill_fn)(
    struct mbt_lx_asm *, struct mbt_record *, const struct mbt_lx_event *);

static const fill_fn fills[MBT_LX_P_MAX + 1] = {
#define FILL_ROW(code, number, name, hook, kind, fill, values) \
	[MBT_LX_P_##code] = fill_##fill,
    MBT_LX_POINTS(FILL_ROW)
#undef FILL_ROW
};

/* file:line of a code address, when the kernel's debug info says. */
static void
fill_srcline(struct mbt_lx_asm *a, struct mbt_record *r, uint64_t addr)
{
	uint32_t line = 0;
	const char *file = a->names.srcline == NULL || addr == 0
			       ? NULL
			       : a->names.srcline(a->names.ctx, addr, &line);

	if (file != NULL) {
		r->file = mbt_lx_str(file);
		r->line = line;
	}
}

/*
 * Does a copy that ends in function sym end in an AF_PACKET socket's
 * receive function, as the copies tcpdump's capture takes do?
 */
static bool
is_tap(const char *sym)
{
	return strcmp(sym, "tpacket_rcv") == 0 ||
	       strcmp(sym, "packet_rcv") == 0 ||
	       strcmp(sym, "packet_rcv_spkt") == 0;
}

/* The record of one event; text is storage for its words. */
static void
event_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_event *ev, uint64_t t0, char *text, size_t size)
{
	memset(r, 0, sizeof(*r));
	fill_where(a, r, ev, t0);
	r->has_src = true;
	r->func = mbt_lx_str(mbt_lx_point_name(ev->point));
	r->kind = points[ev->point].kind;
	if (fills[ev->point](a, r, ev) || !(ev->flags & MBT_LX_F_END))
		return;
	r->kind = MBT_KIND_END;
	r->detail = ev->end;
	if (ev->location != 0 && a->names.symbol != NULL) {
		uint64_t off = 0;
		const char *sym =
		    a->names.symbol(a->names.ctx, ev->location, &off);

		fill_srcline(a, r, ev->location);
		if (sym != NULL) {
			r->func = mbt_lx_str(sym);
			snprintf(text, size, "at %s+%#" PRIx64 " (%s)%s", sym,
			    off, mbt_lx_point_name(ev->point),
			    is_tap(sym) ? ": a capture tap's copy" : "");
			r->text = mbt_lx_str(text);
		}
	}
	if (ev->end == MBT_END_DROPPED) {
		r->has_reason = true;
		r->reason_code = ev->reason;
		if (a->names.drop_reason != NULL)
			r->reason = mbt_lx_str(
			    a->names.drop_reason(a->names.ctx, ev->reason));
	}
}

void
mbt_lx_event_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_event *ev, uint64_t t0, char *text, size_t size)
{
	event_record(a, r, ev, t0, text, size);
}

static void
snapshot_record(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_event *ev, uint64_t t0)
{
	memset(r, 0, sizeof(*r));
	fill_where(a, r, ev, t0);
	r->kind = MBT_KIND_PACKET;
	r->has_packet = true;
	r->linktype = ev->snap_linktype;
	r->orig_len = ev->snap_orig;
	r->pkt = (const uint8_t *)(ev + 1);
	r->pkt_len = ev->snap_len;
}

/*
 * A function's return and a GRO merge say nothing of where the packet was
 * (it may be freed): where it was at the last hop before event i that says.
 * A route lookup's device is where the packet is to go, a copy's where the
 * copy was, and a veth driver returns after the packet entered its peer:
 * none says where the packet was.
 */
static void
where_before(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, size_t i)
{
	const struct mbt_lx_event *prev = NULL;
	struct mbt_record where;

	while (i-- > 0 && prev == NULL) {
		uint8_t p = t->events[i]->point;

		if (t->events[i]->netns != 0 &&
		    p != MBT_LX_P_FIB_TABLE_LOOKUP &&
		    p != MBT_LX_P_FIB6_TABLE_LOOKUP && p != MBT_LX_P_COPY &&
		    p != MBT_LX_P_NET_DEV_XMIT)
			prev = t->events[i];
	}
	if (prev == NULL)
		return;
	memset(&where, 0, sizeof(where));
	fill_where(a, &where, prev, 0);
	r->has_iface = where.has_iface;
	r->ifindex = where.ifindex;
	r->ifname = where.ifname;
	r->has_ns = where.has_ns;
	r->ns_id = where.ns_id;
	r->ns_name = where.ns_name;
}

/*
 * The end of a packet freed where no hook saw it (event i of t): found
 * when another packet showed up at its address, or freed by a function
 * no tracepoint marks.  It is placed, and timed, where the packet was
 * last seen: it was freed after that, how long after is not known.
 */
static void
unseen_free(struct mbt_lx_asm *a, struct mbt_record *r,
    const struct mbt_lx_open_trace *t, size_t i, uint64_t t0, char *text,
    size_t size)
{
	const struct mbt_lx_event *ev = t->events[i], *last = NULL;
	const char *seen = NULL, *by = NULL, *at;
	char atbuf[64]; /* the next symbol() may reuse its string */
	uint64_t off = 0;

	for (size_t k = i; k-- > 0 && last == NULL;)
		if (t->events[k]->point != MBT_LX_P_COPY)
			last = t->events[k];
	where_before(a, r, t, i);
	if (last != NULL) {
		r->has_time = last->time_ns >= t0;
		r->time_ns = last->time_ns - t0;
	}
	at = last == NULL ? NULL : mbt_lx_point_name(last->point);
	if (last != NULL && a->names.symbol != NULL &&
	    (last->point == MBT_LX_P_FUNCTION ||
		last->point == MBT_LX_P_FUNCTION_RETURN))
		at = a->names.symbol(a->names.ctx, last->location, &off);
	if (at != NULL) {
		snprintf(atbuf, sizeof(atbuf), "%s", at);
		at = atbuf;
	}
	if (ev->location != 0 && a->names.symbol != NULL)
		by = a->names.symbol(a->names.ctx, ev->location, &off);
	if (ev->value >= 0 && ev->value <= MBT_LX_P_MAX)
		seen = mbt_lx_point_name((uint8_t)ev->value);
	if (by != NULL)
		snprintf(text, size,
		    "freed by %s, where no tracepoint is; last seen at %s", by,
		    at != NULL ? at : "?");
	else
		snprintf(text, size,
		    "freed where no hook saw it; last seen at %s, its address "
		    "another packet's at %s",
		    at != NULL ? at : "?", seen != NULL ? seen : "?");
	r->text = mbt_lx_str(text);
}

/* The verdicts placed before event i; ev is the one before them. */
static void
emit_rules(struct mbt_lx_asm *a, struct mbt_encoder *e,
    const struct mbt_lx_open_trace *t, size_t i, const struct mbt_lx_event *ev,
    uint64_t t0)
{
	char text[160], table[3 * MBT_LX_RULE_NAME + 8];
	struct mbt_record r;

	for (size_t k = 0; k < t->nrules; k++) {
		if (t->rules[k].before != i)
			continue;
		mbt_lx_nft_record(a, &r, t, &t->rules[k], ev, t0, text,
		    sizeof(text), table, sizeof(table));
		mbt_enc_event(e, &r);
	}
}

/* Encode t and hand it to the emitter; t stays the caller's to free. */
static int
emit_trace(struct mbt_lx_asm *a, struct mbt_lx_open_trace *t, bool ended)
{
	const struct mbt_lx_event *first = t->events[0];
	const struct mbt_lx_event *last = t->events[t->nevents - 1];
	struct mbt_v3_info info = {
	    .trace_id = t->trace_id,
	    .start_ns =
		(uint64_t)((int64_t)first->time_ns + a->mono_to_real_ns),
	    .parent_id = t->parent_id,
	    .origin = MBT_ORIGIN_LINUX,
	    .tail_linktype = MBT_LINKTYPE_NONE,
	};
	static struct mbt_encoder e;
	struct mbt_record r;
	char text[160];
	int len;

	mbt_enc_begin(&e, a->buf, sizeof(a->buf), &info);
	for (size_t i = 0; i <= t->nevents; i++) {
		const struct mbt_lx_event *ev =
		    i < t->nevents ? t->events[i] : last;
		/* A verdict came after the hop before it: its time. */
		const struct mbt_lx_event *before =
		    i > 0 ? t->events[i - 1] : first;

		/* The packet as it was first seen, before anything else. */
		if (i < t->nevents && ev->snap_len > 0 &&
		    (ev->flags & MBT_LX_F_START)) {
			snapshot_record(a, &r, ev, first->time_ns);
			mbt_enc_event(&e, &r);
		}
		emit_rules(a, &e, t, i, before, first->time_ns);
		if (i == t->nevents)
			break;
		event_record(a, &r, ev, first->time_ns, text, sizeof(text));
		if ((ev->point == MBT_LX_P_FUNCTION_RETURN ||
			ev->point == MBT_LX_P_GRO_RECEIVE) &&
		    !r.has_ns)
			where_before(a, &r, t, i);
		/* Every end says where; a lookup is placed where it was
		 * made, not at the device it found. */
		if ((r.kind == MBT_KIND_END && !r.has_ns) ||
		    ev->point == MBT_LX_P_FIB_TABLE_LOOKUP ||
		    ev->point == MBT_LX_P_FIB6_TABLE_LOOKUP)
			where_before(a, &r, t, i);
		if (ev->point == MBT_LX_P_BRIDGE_PORT)
			mbt_lx_bridge_text(a, &r, t, i, text, sizeof(text));
		if (ev->point == MBT_LX_P_UNSEEN_FREE)
			unseen_free(
			    a, &r, t, i, first->time_ns, text, sizeof(text));
		mbt_enc_event(&e, &r);
		/* And where it changed, and at its end. */
		if (ev->snap_len > 0 && !(ev->flags & MBT_LX_F_START)) {
			snapshot_record(a, &r, ev, first->time_ns);
			mbt_enc_event(&e, &r);
		}
	}
	if (!ended) {
		memset(&r, 0, sizeof(r));
		r.kind = MBT_KIND_TEXT;
		r.text = mbt_lx_str("no end seen: the trace was still open");
		mbt_enc_event(&e, &r);
	}
	len = mbt_enc_finish(&e, 0, t->lost);
	a->stats.traces++;
	a->stats.unfinished += !ended;
	if (len < 0) {
		a->stats.emit_errors++;
		return 0; /* counted; the next trace may fit */
	}
	if (a->emit == NULL)
		return 0;
	return a->emit(a->emit_ctx, a->buf, (size_t)len,
	    (uint64_t)((int64_t)last->time_ns + a->mono_to_real_ns));
}

/* Emit and forget the trace at *slot; an ended one waits when held. */
static int
close_trace(struct mbt_lx_asm *a, struct mbt_lx_open_trace **slot, bool ended)
{
	struct mbt_lx_open_trace *t = *slot;
	int rc = 0;

	*slot = t->next;
	a->nopen--;
	if (ended && a->hold) {
		t->next = NULL;
		*a->held_tail = t;
		a->held_tail = &t->next;
		return 0;
	}
	rc = emit_trace(a, t, ended);
	free_trace(t);
	return rc;
}

int
mbt_lx_asm_release(struct mbt_lx_asm *a)
{
	int rc = 0;

	mbt_lx_nft_retry(a, 0);
	while (a->held != NULL) {
		struct mbt_lx_open_trace *t = a->held;
		int r = emit_trace(a, t, true);

		a->held = t->next;
		free_trace(t);
		rc = rc != 0 ? rc : r;
	}
	a->held_tail = &a->held;
	return rc;
}

/* Make room for one more open trace by emitting the oldest. */
static int
evict_oldest(struct mbt_lx_asm *a)
{
	struct mbt_lx_open_trace **oldest = NULL;

	for (size_t b = 0; b < a->nbuckets; b++) {
		for (struct mbt_lx_open_trace **p = &a->buckets[b]; *p != NULL;
		     p = &(*p)->next) {
			if (oldest == NULL ||
			    (*p)->last_ns < (*oldest)->last_ns)
				oldest = p;
		}
	}
	return oldest != NULL ? close_trace(a, oldest, false) : 0;
}

/* A copy of the event (ring buffer bytes: unaligned, soon overwritten). */
static int
keep_event(struct mbt_lx_open_trace *t, const void *data, size_t size)
{
	struct mbt_lx_event *copy = malloc(size);

	if (copy == NULL)
		return -ENOMEM;
	memcpy(copy, data, size);
	t->events[t->nevents++] = copy;
	return 0;
}

/*
 * What can come after a trace's end: a copy seen after its original was
 * freed (a segment made as the packet was freed), the error a function
 * returned after it freed the packet.  The trace gets it if it is still
 * held; else a copy's trace still says whose copy it is, and a late
 * return is let go.
 */
static int
after_the_end(struct mbt_lx_asm *a, const void *data, size_t size,
    const struct mbt_lx_event *head)
{
	struct mbt_lx_open_trace *t = a->held;

	while (t != NULL && t->trace_id != head->trace_id)
		t = t->next;
	if (t == NULL || t->nevents == MBT_LX_MAX_EVENTS)
		return 0;
	return keep_event(t, data, size);
}

int
mbt_lx_asm_feed(struct mbt_lx_asm *a, const void *data, size_t size)
{
	struct mbt_lx_event head;
	struct mbt_lx_open_trace **slot, *t;
	int rc;

	if (size < sizeof(head))
		return reject(a,
		    "event of %zu bytes, shorter than its %zu-byte "
		    "head",
		    size, sizeof(head));
	memcpy(&head, data, sizeof(head)); /* ring buffer bytes: unaligned */
	if ((rc = check_event(a, &head, size)) != 0)
		return rc;
	a->stats.events++;
	a->stats.kernel_lost += head.lost;
	slot = find_slot(a, head.trace_id);
	if (*slot == NULL && (head.point == MBT_LX_P_COPY ||
				 head.point == MBT_LX_P_FUNCTION_RETURN))
		return after_the_end(a, data, size, &head);
	if (*slot == NULL) {
		if (a->nopen >= MBT_LX_MAX_OPEN && (rc = evict_oldest(a)) != 0)
			return rc;
		slot = find_slot(a, head.trace_id); /* eviction moved it */
		if ((t = calloc(1, sizeof(*t))) == NULL)
			return -ENOMEM;
		t->trace_id = head.trace_id;
		*slot = t;
		a->nopen++;
	}
	t = *slot;
	if ((head.flags & MBT_LX_F_START) && t->nevents == 0)
		t->parent_id = head.related_id; /* a copy: its original's */
	t->last_ns = head.time_ns;
	t->lost += head.lost;
	if (t->nevents == MBT_LX_MAX_EVENTS) {
		t->lost++;
		a->stats.records_lost++;
	} else if ((rc = keep_event(t, data, size)) != 0) {
		return rc;
	}
	if (head.flags & MBT_LX_F_END)
		return close_trace(a, slot, true);
	return 0;
}

int
mbt_lx_asm_flush(struct mbt_lx_asm *a, uint64_t now_ns, uint64_t idle_ns)
{
	int rc = mbt_lx_asm_release(a);

	mbt_lx_nft_retry(a, idle_ns == 0 ? UINT64_MAX : now_ns);

	for (size_t b = 0; b < a->nbuckets; b++) {
		struct mbt_lx_open_trace **p = &a->buckets[b];

		while (*p != NULL) {
			if (idle_ns == 0 ||
			    (now_ns > (*p)->last_ns &&
				now_ns - (*p)->last_ns > idle_ns)) {
				int r = close_trace(a, p, false);

				rc = rc != 0 ? rc : r;
			} else {
				p = &(*p)->next;
			}
		}
	}
	return rc;
}
