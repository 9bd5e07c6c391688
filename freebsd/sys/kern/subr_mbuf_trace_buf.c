/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record buffer of one traced packet and its translation to v3: append
 * within a budget, count what is lost, copy dynamic bytes into a bounded
 * arena, fork a child trace when the packet is copied, and hand every record
 * to libmbuftrace's encoder.  Plain C, built in the kernel and in userland.
 */

#include <errno.h>
#include <string.h>

#include <sys/mbuf_trace_buf.h>

int
mtrace_buf_init(struct mtrace_buf *b, uint16_t maxrec, uint16_t arena_cap,
    uint64_t id, uint64_t start_ns, uint64_t start_mono)
{
	if (maxrec < MTRACE_BUF_MIN_RECORDS || id == 0)
		return (-EINVAL);
	memset(b, 0, sizeof(*b));
	b->mb_id = id;
	b->mb_start_ns = start_ns;
	b->mb_start_mono = start_mono;
	b->mb_maxrec = maxrec;
	b->mb_arena_cap = arena_cap;
	return (0);
}

/*
 * A new record, or NULL when the budget is spent (the loss is counted).
 * The last slot is kept for END, so a full trace still says how it ended;
 * after END nothing more is recorded: the packet's life is over.
 */
struct mtrace_rec *
mtrace_buf_append(struct mtrace_buf *b, uint8_t kind, uint8_t detail,
    uint64_t now_mono, uint16_t cpu)
{
	struct mtrace_rec *r;
	uint16_t limit;

	if (b->mb_ended)
		return (NULL);
	limit = kind == MBT_KIND_END ? b->mb_maxrec : b->mb_maxrec - 1;
	if (b->mb_nrec >= limit) {
		if (b->mb_lost != UINT32_MAX)
			b->mb_lost++;
		return (NULL);
	}
	if (kind == MBT_KIND_END)
		b->mb_ended = 1;
	r = &mtrace_buf_recs(b)[b->mb_nrec++];
	memset(r, 0, sizeof(*r));
	r->mr_kind = kind;
	r->mr_detail = detail;
	r->mr_cpu = cpu;
	r->mr_time = now_mono >= b->mb_start_mono ?
	    now_mono - b->mb_start_mono : 0;
	return (r);
}

/* Where the next dynamic bytes go, and how many fit. */
uint8_t *
mtrace_buf_dyn_room(struct mtrace_buf *b, size_t *room)
{
	*room = (size_t)(b->mb_arena_cap - b->mb_arena_len);
	return (mtrace_buf_arena(b) + b->mb_arena_len);
}

/* The len bytes just written at mtrace_buf_dyn_room() belong to r. */
void
mtrace_buf_dyn_commit(struct mtrace_buf *b, struct mtrace_rec *r, size_t len)
{
	struct mtrace_span *s;
	size_t room;

	(void)mtrace_buf_dyn_room(b, &room);
	if (len > room)
		len = room;
	if (r->mr_ndyn >= sizeof(r->mr_dyn) / sizeof(r->mr_dyn[0]))
		return;
	s = &r->mr_dyn[r->mr_ndyn++];
	s->ms_off = b->mb_arena_len;
	s->ms_len = (uint16_t)len;
	b->mb_arena_len = (uint16_t)(b->mb_arena_len + len);
}

/*
 * Copy len bytes into the arena for r.  What does not fit is cut:
 * returns -ENOSPC when it was, 0 when all of it fit.
 */
int
mtrace_buf_dyn_copy(struct mtrace_buf *b, struct mtrace_rec *r,
    const void *p, size_t len)
{
	uint8_t *dst;
	size_t room, n;

	dst = mtrace_buf_dyn_room(b, &room);
	n = len < room ? len : room;
	if (n > 0)
		memcpy(dst, p, n);
	mtrace_buf_dyn_commit(b, r, n);
	return (n == len ? 0 : -ENOSPC);
}

/* The last IFACE record: where the packet is now. */
static const struct mtrace_rec *
last_iface(const struct mtrace_buf *b)
{
	const struct mtrace_rec *recs = mtrace_buf_crecs(b);
	uint16_t i;

	for (i = b->mb_nrec; i > 0; i--)
		if (recs[i - 1].mr_kind == MBT_KIND_IFACE)
			return (&recs[i - 1]);
	return (NULL);
}

/*
 * The packet was copied and child holds a byte copy of parent.  The copy
 * becomes a trace of its own that starts now (docs/format.md, "Lineage"):
 * it keeps parent's budget but none of its records except where the
 * packet is (its last IFACE record), and parent records the COPY that
 * names it.
 */
void
mtrace_buf_fork(struct mtrace_buf *parent, struct mtrace_buf *child,
    uint64_t child_id, uint64_t now_ns, uint64_t now_mono, uint16_t cpu)
{
	const struct mtrace_rec *where;
	struct mtrace_rec *r;
	int i;

	(void)mtrace_buf_init(child, parent->mb_maxrec, parent->mb_arena_cap,
	    child_id, now_ns, now_mono);
	child->mb_parent_id = parent->mb_id;
	child->mb_ns_token = parent->mb_ns_token;
	where = last_iface(parent);
	if (where != NULL &&
	    (r = mtrace_buf_append(child, MBT_KIND_IFACE, 0, now_mono,
	    cpu)) != NULL) {
		r->mr_u32 = where->mr_u32;
		r->mr_u64 = where->mr_u64;
		for (i = 0; i < where->mr_ndyn; i++)
			(void)mtrace_buf_dyn_copy(child, r,
			    mtrace_buf_carena(parent) + where->mr_dyn[i].ms_off,
			    where->mr_dyn[i].ms_len);
	}
	r = mtrace_buf_append(parent, MBT_KIND_COPY, 0, now_mono, cpu);
	if (r != NULL)
		r->mr_u64 = child_id;
}

static struct mbt_str
cstr(const char *s)
{
	struct mbt_str out = { s, 0 };

	if (s != NULL) {
		size_t n = strlen(s);

		out.len = (uint16_t)(n > UINT16_MAX ? UINT16_MAX : n);
	}
	return (out);
}

static struct mbt_str
span(const struct mtrace_buf *b, const struct mtrace_rec *r, int i)
{
	struct mbt_str out = { NULL, 0 };

	if (i < r->mr_ndyn) {
		out.ptr = (const char *)mtrace_buf_carena(b) +
		    r->mr_dyn[i].ms_off;
		out.len = r->mr_dyn[i].ms_len;
	}
	return (out);
}

/* One stored record as libmbuftrace's encoder wants it. */
void
mtrace_buf_to_record(const struct mtrace_buf *b, const struct mtrace_rec *r,
    struct mbt_record *out)
{
	memset(out, 0, sizeof(*out));
	out->kind = r->mr_kind;
	out->detail = r->mr_detail;
	out->has_cpu = 1;
	out->cpu = r->mr_cpu;
	out->has_time = 1;
	out->time_ns = r->mr_time;
	if (r->mr_file != NULL) {
		out->has_src = 1;
		out->file = cstr(r->mr_file);
		out->func = cstr(r->mr_func);
		out->line = r->mr_line;
	}
	if (r->mr_text != NULL) {
		out->text.ptr = r->mr_text;
		out->text.len = r->mr_text_len;
	}
	switch (r->mr_kind) {
	case MBT_KIND_IFACE:
		/*
		 * Only the stack instance is known after a VNET change; with
		 * no second span, not even that (no current VNET).
		 */
		out->ifindex = r->mr_u32;
		out->ifname = span(b, r, 0);
		out->has_iface = out->ifindex != 0 || out->ifname.len > 0;
		out->has_ns = r->mr_ndyn >= 2;
		out->ns_id = r->mr_u64;
		out->ns_name = span(b, r, 1);
		break;
	case MBT_KIND_PACKET:
		out->has_packet = 1;
		out->linktype = r->mr_linktype;
		out->orig_len = r->mr_u32;
		out->pkt = (const uint8_t *)span(b, r, 0).ptr;
		out->pkt_len = span(b, r, 0).len;
		break;
	case MBT_KIND_RULE:
		out->has_rule = 1;
		out->fw = r->mr_small;
		out->rule_table = cstr(r->mr_name);
		out->rule_number = r->mr_u64;
		break;
	case MBT_KIND_ROUTE:
		out->has_route = 1;
		out->route_table = r->mr_u32;
		out->route_oif = r->mr_u32b;
		out->route_error = r->mr_error;
		out->route_family = r->mr_small;
		if (span(b, r, 0).len == (r->mr_small == 6 ? 16 : 4))
			memcpy(out->route_gw, span(b, r, 0).ptr,
			    span(b, r, 0).len);
		else
			out->route_family = 0;
		break;
	case MBT_KIND_COPY:
		out->has_related = 1;
		out->related_id = r->mr_u64;
		break;
	case MBT_KIND_STATE:
		out->has_rule = 1;
		out->fw = r->mr_small;
		out->rule_number = r->mr_u64;
		if (span(b, r, 0).len == sizeof(out->flow)) {
			memcpy(&out->flow, span(b, r, 0).ptr,
			    sizeof(out->flow));
			out->has_flow = 1;
		}
		break;
	default:
		/* TEXT, POINT, VERDICT and END carry dynamic text. */
		if (r->mr_text == NULL)
			out->text = span(b, r, 0);
		break;
	}
	if ((r->mr_kind == MBT_KIND_END || r->mr_kind == MBT_KIND_VERDICT) &&
	    (r->mr_u32 != 0 || r->mr_name != NULL)) {
		out->has_reason = 1;
		out->reason_code = r->mr_u32;
		out->reason = cstr(r->mr_name);
	}
}

/*
 * The kernel records the interface and the VNET only when they change
 * (an IFACE record); every later event is named after them when encoded,
 * so a reader sees each record's VNET without the kernel storing it
 * again.  c is the last IFACE record, as the encoder took it.
 */
static void
name_context(const struct mbt_record *c, struct mbt_record *r)
{
	r->has_iface = c->has_iface;
	r->ifindex = c->ifindex;
	r->ifname = c->ifname;
	r->has_ns = c->has_ns;
	r->ns_id = c->ns_id;
	r->ns_name = c->ns_name;
}

/*
 * The first n records as v3, with extra records counted as lost.  Returns
 * the trace's length or -errno; *done is how many records were encoded.
 */
static int
encode_first(const struct mtrace_buf *b, struct mbt_encoder *e, uint8_t *out,
    size_t cap, uint16_t n, uint32_t extra_lost, uint16_t *done)
{
	const struct mtrace_rec *recs = mtrace_buf_crecs(b);
	struct mbt_record r, ctx;
	struct mbt_v3_info info;
	bool have_ctx;
	uint32_t lost;
	int error;

	memset(&info, 0, sizeof(info));
	info.trace_id = b->mb_id;
	info.parent_id = b->mb_parent_id;
	info.start_ns = b->mb_start_ns;
	info.origin = MBT_ORIGIN_FREEBSD;
	info.tail_linktype = MBT_LINKTYPE_NONE;
	error = mbt_enc_begin(e, out, cap, &info);
	have_ctx = false;
	for (*done = 0; error == 0 && *done < n; (*done)++) {
		mtrace_buf_to_record(b, &recs[*done], &r);
		if (recs[*done].mr_kind == MBT_KIND_IFACE) {
			ctx = r;
			have_ctx = true;
		} else if (have_ctx)
			name_context(&ctx, &r);
		error = mbt_enc_event(e, &r);
		if (error != 0)
			break;
	}
	if (error != 0)
		return (error);
	lost = b->mb_lost > UINT32_MAX - extra_lost ? UINT32_MAX :
	    b->mb_lost + extra_lost;
	return (mbt_enc_finish(e, b->mb_flags, lost));
}

/*
 * The whole trace as v3 into out (cap bytes), through the one encoder of
 * libmbuftrace.  e is the caller's: it is too large for a kernel stack.
 * When the records do not all fit (the 64 KB bound, the encoder's string
 * table), the trace is written with the records that fit and the others
 * are counted as lost: a shorter trace beats none.  Returns the trace's
 * length or -errno.
 */
int
mtrace_buf_encode(const struct mtrace_buf *b, struct mbt_encoder *e,
    uint8_t *out, size_t cap)
{
	uint16_t done, again;
	int len;

	len = encode_first(b, e, out, cap, b->mb_nrec, 0, &done);
	if (len != -ENOSPC || done == 0)
		return (len);
	return (encode_first(b, e, out, cap, done,
	    (uint32_t)(b->mb_nrec - done), &again));
}
