/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbuf_trace(4): keeps one trace per traced packet in a persistent m_tag,
 * appends records through the shared record buffer, and emits the trace
 * as v3 on the "mbuf_trace" BPF tap when the packet's life ends.
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/counter.h>
#include <sys/eventhandler.h>
#include <sys/jail.h>
#include <sys/kernel.h>
#include <sys/linker.h>
#include <sys/lock.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>
#include <sys/module.h>
#include <sys/osd.h>
#include <sys/pcpu.h>
#include <sys/queue.h>
#include <sys/rmlock.h>
#include <sys/sdt.h>
#include <sys/stdarg.h>
#include <sys/sysctl.h>
#include <sys/taskqueue.h>
#include <sys/time.h>
#include <sys/epoch.h>

#include <net/bpf.h>
#include <net/if.h>
#include <net/if_var.h>
#include <net/vnet.h>

#include <sys/mbuf_trace.h>
#include <sys/mbuf_trace_buf.h>

#ifdef DDB
#include <ddb/ddb.h>
#endif

static MALLOC_DEFINE(M_MTRACE, "mbuf_trace", "mbuf_trace(4) emitter");

/*
 * The tag: the m_tag header first, as sys/sys/mbuf.h advises, then the
 * emit list linkage, the module units whose strings the records point
 * at, then the record buffer with its records and arena.  m_tag_copy()
 * copies everything after the header byte for byte, so the buffer holds
 * no pointers into itself (sys/sys/mbuf_trace_buf.h), and a copy takes
 * its own references on the units (mtrace_units_ref()).
 */
#define	MTRACE_UNITS		4
struct mtrace_tag {
	struct m_tag		mt_tag;
	struct mtrace_tag	*mt_next;	/* on mtrace_emit_list */
	u_int			*mt_units[MTRACE_UNITS];
	uint8_t			 mt_nunits;
	bool			 mt_units_overflow;	/* more than fit */
	struct mtrace_buf	 mt_buf;
};

/* What each VNET is called in traces: its jail's id and name. */
struct mtrace_vnet_name {
	uint64_t	mv_jid;
	char		mv_name[MAXHOSTNAMELEN];
};
VNET_DEFINE_STATIC(struct mtrace_vnet_name, mtrace_vnet_name);
#define	V_mtrace_vnet_name	VNET(mtrace_vnet_name)

/* The largest budget the sysctls allow must fit m_tag_len, a uint16_t. */
CTASSERT(sizeof(struct mtrace_tag) - sizeof(struct m_tag) +
    512 * sizeof(struct mtrace_rec) + 16384 <= UINT16_MAX);

#define	MTRACE_MAX_IFACES	16
#define	MTRACE_IFLIST_LEN	(MTRACE_MAX_IFACES * IFNAMSIZ)

bool mtrace_enabled = false;
bool mtrace_iface_start = false;	/* the interface list is not empty */
u_int mtrace_so_cookie = 0;
int mtrace_pflog_unit = -1;
char mtrace_pf_tag[MTRACE_PF_TAG_SIZE];
static bool mtrace_source_position = true;
static bool mtrace_start_anywhere = false;
static u_int mtrace_records = 64;
static u_int mtrace_arena = 1024;
static u_int mtrace_snaplen = 128;
static u_int mtrace_emit_max = 1024;
static u_int mtrace_max_rate = 1000;	/* traces started per second */
static u_int mtrace_max_live = 1024;	/* traces alive at once */

static char mtrace_ifnames[MTRACE_MAX_IFACES][IFNAMSIZ];
static u_int mtrace_nifnames;
static struct rmlock mtrace_iflock;

static struct bpf_if *mtrace_bpf;

/*
 * Ended traces wait on a lock-free list, newest first, pushed from any
 * context.  The first push after the list was taken sets the pending
 * flag and asks the network epoch to call mtrace_emit_kick() (epoch_call
 * takes no lock); the kick clears the flag and enqueues the task, which
 * takes the whole list and emits it.
 */
static volatile uintptr_t mtrace_emit_list;
static volatile u_int mtrace_emit_pending;
static struct epoch_context mtrace_kick_ctx;
static volatile u_int mtrace_emit_queued;
static struct task mtrace_emit_task;
static struct mbt_encoder *mtrace_enc;
static uint8_t *mtrace_out;
static uint64_t mtrace_id_base;
static u_int mtrace_live;	/* traces started or copied, not yet freed */
static u_int mtrace_units_overflow;	/* traces holding too many units */
static u_int mtrace_rate_sec;		/* the second being counted */
static u_int mtrace_rate_count;		/* traces started in it */
static int mtrace_osd_slot;

static COUNTER_U64_DEFINE_EARLY(mtrace_started);
static COUNTER_U64_DEFINE_EARLY(mtrace_emitted);
static COUNTER_U64_DEFINE_EARLY(mtrace_lost);
static COUNTER_U64_DEFINE_EARLY(mtrace_alloc_failed);
static COUNTER_U64_DEFINE_EARLY(mtrace_emit_dropped);
static COUNTER_U64_DEFINE_EARLY(mtrace_rate_limited);
static COUNTER_U64_DEFINE_EARLY(mtrace_live_limited);

SDT_PROVIDER_DEFINE(mbuf_trace);
SDT_PROBE_DEFINE4(mbuf_trace, , , record, "struct mbuf *", "uint8_t",
    "uint8_t", "struct mtrace_rec *");
SDT_PROBE_DEFINE2(mbuf_trace, , , emit, "uint64_t", "int");

static int	mtrace_sysctl_budget(SYSCTL_HANDLER_ARGS);
static int	mtrace_sysctl_ifaces(SYSCTL_HANDLER_ARGS);
static void	mtrace_tag_free(struct m_tag *);
static void	mtrace_emit_kick(epoch_context_t);
static bool	mtrace_rate_ok(void);

static SYSCTL_NODE(_kern, OID_AUTO, mbuf_trace, CTLFLAG_RW | CTLFLAG_MPSAFE, 0,
    "Packet path tracing, see mbuf_trace(4)");
SYSCTL_BOOL(_kern_mbuf_trace, OID_AUTO, enable, CTLFLAG_RW,
    &mtrace_enabled, 0,
    "Start and record traces; 0 makes every trace point a single test");
SYSCTL_BOOL(_kern_mbuf_trace, OID_AUTO, source_position, CTLFLAG_RW,
    &mtrace_source_position, 0,
    "Record the source file, line and function of text records too");
SYSCTL_BOOL(_kern_mbuf_trace, OID_AUTO, start_anywhere, CTLFLAG_RW,
    &mtrace_start_anywhere, 0,
    "Let every mtrace_start() in the code start traces, not only the "
    "configured start points");
SYSCTL_PROC(_kern_mbuf_trace, OID_AUTO, records,
    CTLTYPE_UINT | CTLFLAG_RW | CTLFLAG_MPSAFE, &mtrace_records, 512,
    mtrace_sysctl_budget, "IU",
    "Records per trace (2 to 512); the last is kept for the end of life");
SYSCTL_PROC(_kern_mbuf_trace, OID_AUTO, arena,
    CTLTYPE_UINT | CTLFLAG_RW | CTLFLAG_MPSAFE, &mtrace_arena, 16384,
    mtrace_sysctl_budget, "IU",
    "Bytes per trace for text, names and packet snapshots (0 to 16384)");
SYSCTL_PROC(_kern_mbuf_trace, OID_AUTO, snaplen,
    CTLTYPE_UINT | CTLFLAG_RW | CTLFLAG_MPSAFE, &mtrace_snaplen, 1518,
    mtrace_sysctl_budget, "IU",
    "Bytes of the packet a snapshot keeps (0 to 1518)");
SYSCTL_UINT(_kern_mbuf_trace, OID_AUTO, emit_queue_max, CTLFLAG_RW,
    &mtrace_emit_max, 0,
    "Ended traces waiting to be emitted before more are dropped");
SYSCTL_UINT(_kern_mbuf_trace, OID_AUTO, max_rate, CTLFLAG_RW,
    &mtrace_max_rate, 0,
    "Traces started per second at most (0: no limit)");
SYSCTL_UINT(_kern_mbuf_trace, OID_AUTO, max_live, CTLFLAG_RW,
    &mtrace_max_live, 0,
    "Traces alive at once at most, each the size of its budget "
    "(0: no limit)");
SYSCTL_PROC(_kern_mbuf_trace, OID_AUTO, interfaces,
    CTLTYPE_STRING | CTLFLAG_RW | CTLFLAG_MPSAFE, NULL, 0,
    mtrace_sysctl_ifaces, "A",
    "Start a trace on every packet received on these interfaces "
    "(names, comma-separated; at most 16)");
SYSCTL_UINT(_kern_mbuf_trace, OID_AUTO, socket_cookie, CTLFLAG_RW,
    &mtrace_so_cookie, 0,
    "Trace what sockets with this SO_USER_COOKIE send (0: none)");
SYSCTL_INT(_kern_mbuf_trace, OID_AUTO, pflog_unit, CTLFLAG_RW,
    &mtrace_pflog_unit, 0,
    "Trace what pf rules log to this pflog(4) unit (-1: none)");
SYSCTL_STRING(_kern_mbuf_trace, OID_AUTO, pf_tag,
    CTLFLAG_RW | CTLFLAG_MPSAFE, mtrace_pf_tag, sizeof(mtrace_pf_tag),
    "Trace what pf rules tag with this tag name (empty: none)");
SYSCTL_UINT(_kern_mbuf_trace, OID_AUTO, live, CTLFLAG_RD, &mtrace_live, 0,
    "Traces alive: on a packet, or waiting to be emitted");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, started, CTLFLAG_RD,
    &mtrace_started, "Traces started");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, emitted, CTLFLAG_RD,
    &mtrace_emitted, "Traces written to the mbuf_trace tap");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, records_lost, CTLFLAG_RD,
    &mtrace_lost, "Records lost because their trace was full");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, alloc_failed, CTLFLAG_RD,
    &mtrace_alloc_failed, "Traces not started: no memory (M_NOWAIT)");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, emit_dropped, CTLFLAG_RD,
    &mtrace_emit_dropped,
    "Ended traces not emitted: queue full or not encodable");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, rate_limited, CTLFLAG_RD,
    &mtrace_rate_limited, "Traces not started: over max_rate");
SYSCTL_COUNTER_U64(_kern_mbuf_trace, OID_AUTO, live_limited, CTLFLAG_RD,
    &mtrace_live_limited, "Traces not started: max_live traces alive");

/*
 * Budgets are read once when a trace starts, so changing them never
 * affects a trace in flight.  arg2 is the largest value allowed.
 */
static int
mtrace_sysctl_budget(SYSCTL_HANDLER_ARGS)
{
	u_int *var = arg1, v, min;
	int error;

	v = *var;
	error = sysctl_handle_int(oidp, &v, 0, req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	min = var == &mtrace_records ? MTRACE_BUF_MIN_RECORDS : 0;
	if (v < min || v > (u_int)arg2)
		return (EINVAL);
	*var = v;
	return (0);
}

/*
 * The interfaces are kept by name, not by pointer: an interface that
 * departs leaves nothing dangling, and one that comes back under its name
 * is traced again.
 */
static int
mtrace_sysctl_ifaces(SYSCTL_HANDLER_ARGS)
{
	char list[MTRACE_IFLIST_LEN];
	char names[MTRACE_MAX_IFACES][IFNAMSIZ];
	char *p, *name;
	u_int i, n;
	int error;

	list[0] = '\0';
	rm_wlock(&mtrace_iflock);
	for (i = 0; i < mtrace_nifnames; i++) {
		if (i > 0)
			strlcat(list, ",", sizeof(list));
		strlcat(list, mtrace_ifnames[i], sizeof(list));
	}
	rm_wunlock(&mtrace_iflock);
	error = sysctl_handle_string(oidp, list, sizeof(list), req);
	if (error != 0 || req->newptr == NULL)
		return (error);
	memset(names, 0, sizeof(names));
	n = 0;
	p = list;
	while ((name = strsep(&p, ", ")) != NULL) {
		if (name[0] == '\0')
			continue;
		if (n == MTRACE_MAX_IFACES || strlen(name) >= IFNAMSIZ)
			return (EINVAL);
		strlcpy(names[n++], name, IFNAMSIZ);
	}
	rm_wlock(&mtrace_iflock);
	memcpy(mtrace_ifnames, names, sizeof(names));
	mtrace_nifnames = n;
	mtrace_iface_start = n > 0;
	rm_wunlock(&mtrace_iflock);
	return (0);
}

static bool
mtrace_iface_listed(struct ifnet *ifp)
{
	struct rm_priotracker tracker;
	const char *name;
	bool listed;
	u_int i;

	if (mtrace_nifnames == 0)
		return (false);
	name = if_name(ifp);
	listed = false;
	rm_rlock(&mtrace_iflock, &tracker);
	for (i = 0; i < mtrace_nifnames && !listed; i++)
		listed = strcmp(mtrace_ifnames[i], name) == 0;
	rm_runlock(&mtrace_iflock, &tracker);
	return (listed);
}

static uint64_t
mtrace_now(void)
{
	return (sbttons(sbinuptime()));
}

/* Unique while the system runs: a random base and a counter. */
static uint64_t
mtrace_new_id(void)
{
	static uint64_t seq;
	uint64_t id;

	do {
		id = mtrace_id_base + atomic_fetchadd_64(&seq, 1);
	} while (id == 0);
	return (id);
}

/*
 * A copy of a trace holds the units its original held (hold), and a
 * trace's end lets them go.
 */
static void
mtrace_units_ref(struct mtrace_tag *mt, bool hold)
{
	u_int delta;
	uint8_t i;

	delta = hold ? 1 : (u_int)-1;
	for (i = 0; i < mt->mt_nunits; i++)
		atomic_add_int(mt->mt_units[i], delta);
	if (mt->mt_units_overflow)
		atomic_add_int(&mtrace_units_overflow, delta);
}

static struct mtrace_tag *
mtrace_tag_of(struct mbuf *m)
{
	struct mtrace_tag *mt;
	struct m_tag *t;

	t = m_tag_locate(m, MTAG_MBUF_TRACE, MTRACE_TAG_TYPE, NULL);
	if (t == NULL)
		return (NULL);
	mt = (struct mtrace_tag *)t;
	/*
	 * m_tag_copy() gives a copy m_tag_free_default(): a copy that did
	 * not pass mtrace_tag_copied() becomes a child here, without the
	 * COPY record in its parent.
	 */
	if (__predict_false(t->m_tag_free != mtrace_tag_free)) {
		t->m_tag_free = mtrace_tag_free;
		atomic_add_int(&mtrace_live, 1);
		mtrace_units_ref(mt, true);
		mt->mt_buf.mb_parent_id = mt->mt_buf.mb_id;
		mt->mt_buf.mb_id = mtrace_new_id();
		mt->mt_buf.mb_nrec = 0;
		mt->mt_buf.mb_arena_len = 0;
		mt->mt_buf.mb_ended = 0;
	}
	return (mt);
}

static struct mtrace_buf *
mtrace_lookup(struct mbuf *m)
{
	struct mtrace_tag *mt;

	mt = mtrace_tag_of(m);
	return (mt != NULL ? &mt->mt_buf : NULL);
}

/*
 * Code in a module records on m's trace: note its unit's counter, so
 * that the module does not unload while the trace points at its strings.
 */
void
mtrace_unit_ref(struct mbuf *m, u_int *unit)
{
	struct mtrace_tag *mt;
	uint8_t i;

	if ((mt = mtrace_tag_of(m)) == NULL)
		return;
	for (i = 0; i < mt->mt_nunits; i++)
		if (mt->mt_units[i] == unit)
			return;
	if (mt->mt_nunits < MTRACE_UNITS) {
		mt->mt_units[mt->mt_nunits++] = unit;
		atomic_add_int(unit, 1);
	} else if (!mt->mt_units_overflow) {
		/* Too many to name: no module with trace points unloads. */
		mt->mt_units_overflow = true;
		atomic_add_int(&mtrace_units_overflow, 1);
	}
}

/*
 * The VNET m is in.  A trace point can run before the stack set one
 * (early Ethernet input drops, before CURVNET_SET): then it is the
 * interface's, or the receiving interface's, or not known (NULL).
 */
static struct vnet *
mtrace_vnet(struct mbuf *m, struct ifnet *ifp)
{
	if (curvnet != NULL)
		return (curvnet);
	if (ifp != NULL)
		return (if_getvnet(ifp));
	if (m->m_pkthdr.rcvif != NULL)
		return (if_getvnet(m->m_pkthdr.rcvif));
	return (NULL);
}

/*
 * Fill an IFACE record: the interface if known, and the stack instance
 * the packet is in, named by its jail (id 0 and no name for the host).
 * When the VNET is not known the record names none (VIMAGE only: without
 * it there is one stack and V_ variables are plain globals).
 */
static void
mtrace_note_iface(struct mtrace_buf *b, struct mtrace_rec *r,
    struct ifnet *ifp, struct vnet *vnet)
{
	const char *name;

	name = ifp != NULL ? if_name(ifp) : "";
	r->mr_u32 = ifp != NULL ? if_getindex(ifp) : 0;
	(void)mtrace_buf_dyn_copy(b, r, name, strlen(name));
#ifdef VIMAGE
	b->mb_ns_token = (uintptr_t)vnet;
	if (vnet == NULL)
		return;
	CURVNET_SET_QUIET(vnet);
#endif
	r->mr_u64 = V_mtrace_vnet_name.mv_jid;
	name = V_mtrace_vnet_name.mv_name;
	(void)mtrace_buf_dyn_copy(b, r, name, strlen(name));
#ifdef VIMAGE
	CURVNET_RESTORE();
#endif
}

/*
 * A new record on m's trace, or NULL when m is not traced or its trace
 * is full.  A record made in another VNET than the previous one is
 * preceded by an IFACE record that names the new one.
 */
static struct mtrace_rec *
mtrace_rec(struct mbuf *m, int kind, int detail, const char *file, int line,
    const char *func, struct mtrace_buf **bp)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	struct vnet *vnet;
	uint64_t now;
	uint32_t lost;

	if ((b = mtrace_lookup(m)) == NULL)
		return (NULL);
	now = mtrace_now();
	lost = b->mb_lost;
	vnet = mtrace_vnet(m, NULL);
	if (b->mb_ns_token != (uintptr_t)vnet && kind != MBT_KIND_IFACE &&
	    (r = mtrace_buf_append(b, MBT_KIND_IFACE, 0, now, curcpu)) != NULL)
		mtrace_note_iface(b, r, NULL, vnet);
	r = mtrace_buf_append(b, kind, detail, now, curcpu);
	/* The buffer counts what it could not keep; so does the sysctl. */
	if (b->mb_lost != lost)
		counter_u64_add(mtrace_lost, b->mb_lost - lost);
	if (r == NULL)
		return (NULL);
	if (kind == MBT_KIND_POINT || mtrace_source_position) {
		r->mr_file = file;
		r->mr_line = line;
		r->mr_func = func;
	}
	SDT_PROBE4(mbuf_trace, , , record, m, kind, detail, r);
	*bp = b;
	return (r);
}

/*
 * At most max_rate traces start in a second of uptime.  The count is
 * reset by whoever first sees a new second, so near the turn of a second
 * a few more may start: a cap on cost, not an exact rate.
 */
static bool
mtrace_rate_ok(void)
{
	u_int now, old;

	now = (u_int)time_uptime;
	old = atomic_load_int(&mtrace_rate_sec);
	if (old != now && atomic_cmpset_int(&mtrace_rate_sec, old, now))
		atomic_store_int(&mtrace_rate_count, 0);
	return (mtrace_max_rate == 0 ||
	    atomic_fetchadd_int(&mtrace_rate_count, 1) < mtrace_max_rate);
}

int
mtrace_start_at(struct mbuf *m, bool point, const char *file, int line,
    const char *func)
{
	struct mtrace_tag *mt;
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	struct m_tag *t;
	struct timespec ts;
	u_int nrec, arena;
	int len;

	if (!mtrace_enabled || (!point && !mtrace_start_anywhere))
		return (EPERM);
	if (m == NULL || (m->m_flags & M_PKTHDR) == 0)
		return (EINVAL);
	if (m_tag_locate(m, MTAG_MBUF_TRACE, MTRACE_TAG_TYPE, NULL) != NULL)
		return (EEXIST);
	if (mtrace_max_live != 0 &&
	    atomic_load_int(&mtrace_live) >= mtrace_max_live) {
		counter_u64_add(mtrace_live_limited, 1);
		return (ENOBUFS);
	}
	if (!mtrace_rate_ok()) {
		counter_u64_add(mtrace_rate_limited, 1);
		return (ENOBUFS);
	}
	nrec = mtrace_records;
	arena = mtrace_arena;
	len = sizeof(*mt) - sizeof(struct m_tag) - sizeof(struct mtrace_buf) +
	    MTRACE_BUF_SIZE(nrec, arena);
	/* sys/kern/uipc_mbuf2.c: malloc(len + sizeof(struct m_tag)). */
	t = m_tag_alloc(MTAG_MBUF_TRACE, MTRACE_TAG_TYPE, len, M_NOWAIT);
	if (t == NULL) {
		counter_u64_add(mtrace_alloc_failed, 1);
		return (ENOMEM);
	}
	t->m_tag_free = mtrace_tag_free;
	mt = (struct mtrace_tag *)t;
	mt->mt_next = NULL;
	mt->mt_nunits = 0;
	mt->mt_units_overflow = false;
	nanotime(&ts);
	(void)mtrace_buf_init(&mt->mt_buf, nrec, arena, mtrace_new_id(),
	    (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, mtrace_now());
	m_tag_prepend(m, t);
	atomic_add_int(&mtrace_live, 1);
	counter_u64_add(mtrace_started, 1);
	r = mtrace_rec(m, MBT_KIND_POINT, 0, file, line, func, &b);
	if (r != NULL) {
		r->mr_text = "trace started";
		r->mr_text_len = sizeof("trace started") - 1;
	}
	return (0);
}

void
mtrace_point_at(struct mbuf *m, int detail, const char *text, size_t len,
    const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_POINT, detail, file, line, func, &b);
	if (r != NULL && text != NULL) {
		r->mr_text = text;
		r->mr_text_len = MIN(len, UINT16_MAX);
	}
}

void
mtrace_text_at(struct mbuf *m, const char *s, size_t len, bool dynamic,
    const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_TEXT, 0, file, line, func, &b);
	if (r == NULL)
		return;
	if (dynamic) {
		(void)mtrace_buf_dyn_copy(b, r, s, len);
	} else {
		r->mr_text = s;
		r->mr_text_len = MIN(len, UINT16_MAX);
	}
}

void
mtrace_printf_at(struct mbuf *m, const char *file, int line, const char *func,
    const char *fmt, ...)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	va_list ap;
	uint8_t *p;
	size_t room;
	int n;

	r = mtrace_rec(m, MBT_KIND_TEXT, 0, file, line, func, &b);
	if (r == NULL)
		return;
	/* Straight into the arena: no buffer on the stack. */
	p = mtrace_buf_dyn_room(b, &room);
	n = 0;
	if (room > 1) {
		va_start(ap, fmt);
		n = vsnprintf((char *)p, room, fmt, ap);
		va_end(ap);
	}
	mtrace_buf_dyn_commit(b, r, n < 0 ? 0 : MIN((size_t)n, room - 1));
}

void
mtrace_data_at(struct mbuf *m, int link, const char *file, int line,
    const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	uint8_t *p;
	size_t room, n;

	r = mtrace_rec(m, MBT_KIND_PACKET, 0, file, line, func, &b);
	if (r == NULL)
		return;
	r->mr_linktype = link;
	r->mr_u32 = m->m_pkthdr.len;
	p = mtrace_buf_dyn_room(b, &room);
	n = MIN((size_t)m->m_pkthdr.len, mtrace_snaplen);
	if (n > room) {
		n = room;
		b->mb_flags |= MBT_V3_F_TRUNCATED;
	}
	m_copydata(m, 0, n, (caddr_t)p);
	mtrace_buf_dyn_commit(b, r, n);
}

/*
 * The packet is now on ifp, in the current VNET.  This is also the
 * interface start point: a packet arriving on a listed interface starts
 * a trace here.
 */
void
mtrace_iface_at(struct mbuf *m, struct ifnet *ifp, int link, const char *file,
    int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	bool started;

	started = false;
	if (!mtrace_active(m)) {
		if (ifp == NULL || !mtrace_iface_listed(ifp) ||
		    mtrace_start_at(m, true, file, line, func) != 0)
			return;
		started = true;
	}
	r = mtrace_rec(m, MBT_KIND_IFACE, 0, file, line, func, &b);
	if (r == NULL)
		return;
	mtrace_note_iface(b, r, ifp, mtrace_vnet(m, ifp));
	if (started)
		mtrace_data_at(m, link, file, line, func);
}

void
mtrace_rule_at(struct mbuf *m, int engine, const char *table, uint64_t number,
    int verdict, const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_RULE, verdict, file, line, func, &b);
	if (r == NULL)
		return;
	r->mr_small = engine;
	r->mr_name = table;
	r->mr_u64 = number;
}

void
mtrace_verdict_at(struct mbuf *m, int verdict, const char *why,
    const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_VERDICT, verdict, file, line, func, &b);
	if (r != NULL)
		r->mr_name = why;
}

void
mtrace_route_at(struct mbuf *m, u_int fib, struct ifnet *oifp, int error,
    int family, const void *gw, const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_ROUTE, MBT_ROUTE_FIB, file, line, func, &b);
	if (r == NULL)
		return;
	r->mr_u32 = fib;
	r->mr_u32b = oifp != NULL ? if_getindex(oifp) : 0;
	r->mr_error = error;
	if (gw != NULL && (family == 4 || family == 6)) {
		r->mr_small = family;
		(void)mtrace_buf_dyn_copy(b, r, gw, family == 4 ? 4 : 16);
	}
}

/*
 * A firewall state: the rule that made it, and its key, copied into the
 * arena as the library's struct mbt_flow so the record stays
 * self-contained.
 */
void
mtrace_state_at(struct mbuf *m, int engine, int how, uint64_t rule,
    const struct mtrace_flow *mf, const char *file, int line,
    const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;
	struct mbt_flow f;

	r = mtrace_rec(m, MBT_KIND_STATE, how, file, line, func, &b);
	if (r == NULL)
		return;
	r->mr_small = engine;
	r->mr_u64 = rule;
	if (mf == NULL || (mf->mf_family != 4 && mf->mf_family != 6))
		return;
	memset(&f, 0, sizeof(f));
	f.family = mf->mf_family;
	f.proto = mf->mf_proto;
	f.dir = mf->mf_dir;
	f.sport = mf->mf_sport;
	f.dport = mf->mf_dport;
	memcpy(f.src, mf->mf_src, sizeof(f.src));
	memcpy(f.dst, mf->mf_dst, sizeof(f.dst));
	(void)mtrace_buf_dyn_copy(b, r, &f, sizeof(f));
}

void
mtrace_end_at(struct mbuf *m, int how, u_int code, const char *why,
    const char *file, int line, const char *func)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	r = mtrace_rec(m, MBT_KIND_END, how, file, line, func, &b);
	if (r == NULL)
		return;
	r->mr_u32 = code;
	r->mr_name = why;
}

/*
 * Called by m_tag_copy() (sys/kern/uipc_mbuf2.c, patched) once it has
 * copied the trace tag from into to: the copy becomes a child trace.
 */
void
mtrace_tag_copied(struct m_tag *from, struct m_tag *to)
{
	struct mtrace_tag *parent, *child;
	struct timespec ts;

	parent = (struct mtrace_tag *)from;
	child = (struct mtrace_tag *)to;
	to->m_tag_free = mtrace_tag_free;
	atomic_add_int(&mtrace_live, 1);
	mtrace_units_ref(child, true);
	nanotime(&ts);
	mtrace_buf_fork(&parent->mt_buf, &child->mt_buf, mtrace_new_id(),
	    (uint64_t)ts.tv_sec * 1000000000 + ts.tv_nsec, mtrace_now(),
	    curcpu);
}

/*
 * The end of a trace's memory: it no longer holds any static string.
 * free(9), as m_tag_free_default() does for every tag, and atomics only:
 * this runs in any context a packet is freed in.
 */
static void
mtrace_tag_release(struct m_tag *t)
{
	mtrace_units_ref((struct mtrace_tag *)t, false);
	m_tag_free_default(t);
	atomic_subtract_int(&mtrace_live, 1);
}

/*
 * Records point at the static strings (file and function names,
 * literals) of the code that wrote them until the trace is written.
 * A module whose code recorded on a trace alive (its units' counters,
 * sys/sys/mbuf_trace.h) does not unload; any other module does.  This
 * runs before the module's own MOD_UNLOAD and regardless of
 * kldunload -f.
 */
static void
mtrace_kld_unload_try(void *arg __unused, struct linker_file *lf,
    int *error)
{
	u_int **start, **stop, **u;
	bool busy;

	if (*error != 0 || linker_file_lookup_set(lf, "mtrace_unit_set",
	    &start, &stop, NULL) != 0)
		return;
	busy = atomic_load_int(&mtrace_units_overflow) != 0;
	for (u = start; u < stop && !busy; u++)
		busy = atomic_load_int(*u) != 0;
	if (busy) {
		printf("mbuf_trace: %s stays: traces alive point at its "
		    "strings until they end\n", lf->filename);
		*error = EBUSY;
	}
}

/*
 * The packet's life ended (its tags are being freed), in whatever
 * context freed it: under drivers', netisr's or epair's locks, in UMA's
 * destructor, in m_demote_pkthdr().  Nothing here sleeps or takes a
 * lock.  Nothing is emitted unless someone listens on the tap;
 * otherwise the trace goes on the lock-free emit list, and the emitter
 * task encodes it into a buffer allocated once, so no stack holds a
 * trace.
 */
static void
mtrace_tag_free(struct m_tag *t)
{
	struct mtrace_tag *mt;
	struct mtrace_buf *b;
	uintptr_t head;

	mt = (struct mtrace_tag *)t;
	b = &mt->mt_buf;
	if (mtrace_bpf == NULL || !bpf_peers_present(mtrace_bpf)) {
		mtrace_tag_release(t);
		return;
	}
	if (!b->mb_ended)
		(void)mtrace_buf_append(b, MBT_KIND_END, MTRACE_END_FREED,
		    mtrace_now(), curcpu);
	if (atomic_fetchadd_int(&mtrace_emit_queued, 1) >= mtrace_emit_max) {
		atomic_subtract_int(&mtrace_emit_queued, 1);
		counter_u64_add(mtrace_emit_dropped, 1);
		mtrace_tag_release(t);
		return;
	}
	do {
		head = mtrace_emit_list;
		mt->mt_next = (struct mtrace_tag *)head;
	} while (atomic_cmpset_rel_ptr(&mtrace_emit_list, head,
	    (uintptr_t)mt) == 0);
	if (atomic_cmpset_int(&mtrace_emit_pending, 0, 1) != 0)
		NET_EPOCH_CALL(mtrace_emit_kick, &mtrace_kick_ctx);
}

/*
 * Called by the epoch's callback thread, where a task may be enqueued.
 * The flag is cleared first: a trace pushed after this either finds it
 * clear and kicks again, or is on the list before the task takes it.
 * The one context is free again: the epoch has dequeued it.
 */
static void
mtrace_emit_kick(epoch_context_t ctx __unused)
{
	atomic_store_int(&mtrace_emit_pending, 0);
	atomic_thread_fence_seq_cst();
	taskqueue_enqueue(taskqueue_thread, &mtrace_emit_task);
}

static void
mtrace_emit(void *arg __unused, int pending __unused)
{
	struct mtrace_tag *mt, *next, *fifo;
	struct epoch_tracker et;
	int len;

	/* The list is newest first: reversed, traces leave in order. */
	fifo = NULL;
	mt = (struct mtrace_tag *)atomic_readandclear_ptr(&mtrace_emit_list);
	for (; mt != NULL; mt = next) {
		next = mt->mt_next;
		mt->mt_next = fifo;
		fifo = mt;
	}
	while ((mt = fifo) != NULL) {
		fifo = mt->mt_next;
		atomic_subtract_int(&mtrace_emit_queued, 1);
		len = mtrace_buf_encode(&mt->mt_buf, mtrace_enc, mtrace_out,
		    MBT_V3_MAX_TRACE_LEN);
		SDT_PROBE2(mbuf_trace, , , emit, mt->mt_buf.mb_id, len);
		if (len > 0) {
			NET_EPOCH_ENTER(et);
			bpf_tap(mtrace_bpf, mtrace_out, len);
			NET_EPOCH_EXIT(et);
			counter_u64_add(mtrace_emitted, 1);
		} else
			counter_u64_add(mtrace_emit_dropped, 1);
		mtrace_tag_release(&mt->mt_tag);
	}
}

/* Traces come from everywhere and go nowhere: no direction to filter. */
static bool
mtrace_bpf_chkdir(void *arg __unused, const struct mbuf *m __unused,
    int dir __unused)
{
	return (false);
}

static const struct bif_methods mtrace_bpf_methods = {
	.bif_chkdir = mtrace_bpf_chkdir,
};

/* A jail with its own VNET names that VNET in traces. */
static int
mtrace_prison_set(void *obj, void *data __unused)
{
	struct prison *pr = obj;

#ifdef VIMAGE
	if ((pr->pr_flags & PR_VNET) == 0)
		return (0);
	CURVNET_SET(pr->pr_vnet);
	V_mtrace_vnet_name.mv_jid = pr->pr_id;
	strlcpy(V_mtrace_vnet_name.mv_name, pr->pr_name,
	    sizeof(V_mtrace_vnet_name.mv_name));
	CURVNET_RESTORE();
#endif
	return (0);
}

static void
mtrace_init(void *arg __unused)
{
	osd_method_t methods[PR_MAXMETHOD] = {
		[PR_METHOD_CREATE] = mtrace_prison_set,
		[PR_METHOD_SET] = mtrace_prison_set,
	};

	mtrace_id_base = (uint64_t)arc4random() << 32;
	rm_init(&mtrace_iflock, "mbuf_trace interfaces");
	TASK_INIT(&mtrace_emit_task, 0, mtrace_emit, NULL);
	mtrace_enc = malloc(sizeof(*mtrace_enc), M_MTRACE, M_WAITOK | M_ZERO);
	mtrace_out = malloc(MBT_V3_MAX_TRACE_LEN, M_MTRACE, M_WAITOK);
	mtrace_osd_slot = osd_jail_register(NULL, methods);
	EVENTHANDLER_REGISTER(kld_unload_try, mtrace_kld_unload_try, NULL,
	    EVENTHANDLER_PRI_ANY);
	/*
	 * One tap for the whole host, attached in vnet0 from a plain SYSINIT
	 * (not VNET_SYSINIT as ipfw and pflog do): every VNET's traces reach
	 * it, and the records name the VNET.
	 */
	mtrace_bpf = bpf_attach("mbuf_trace", DLT_USER0, 0,
	    &mtrace_bpf_methods, NULL);
}
SYSINIT(mtrace_init, SI_SUB_PROTO_FIREWALL, SI_ORDER_ANY, mtrace_init, NULL);
/* The start-point modules depend on it: without the option they refuse. */
MODULE_VERSION(mbuf_trace, 1);

#ifdef DDB
static const char *const db_mtrace_kinds[MBT_KIND_MAX + 1] = {
	"?", "point", "text", "packet", "rule", "verdict", "iface", "end",
	"route", "copy", [MBT_KIND_STATE] = "state",
};

static void
db_mtrace_print(const struct mtrace_buf *b)
{
	const struct mtrace_rec *r;
	const char *arena;
	uint16_t i;

	arena = (const char *)mtrace_buf_carena(b);
	db_printf("trace %#jx parent %#jx: %u of %u records, %u lost\n",
	    (uintmax_t)b->mb_id, (uintmax_t)b->mb_parent_id, b->mb_nrec,
	    b->mb_maxrec, b->mb_lost);
	for (i = 0; i < b->mb_nrec && !db_pager_quit; i++) {
		r = &mtrace_buf_crecs(b)[i];
		db_printf("%3u +%ju cpu%u %s/%u", i, (uintmax_t)r->mr_time,
		    r->mr_cpu, r->mr_kind <= MBT_KIND_MAX &&
		    db_mtrace_kinds[r->mr_kind] != NULL ?
		    db_mtrace_kinds[r->mr_kind] : "?", r->mr_detail);
		if (r->mr_file != NULL)
			db_printf(" %s:%u %s", r->mr_file, r->mr_line,
			    r->mr_func != NULL ? r->mr_func : "");
		if (r->mr_kind == MBT_KIND_IFACE && r->mr_ndyn == 2)
			db_printf(" if %u %.*s vnet of jail %ju %.*s",
			    r->mr_u32, r->mr_dyn[0].ms_len,
			    arena + r->mr_dyn[0].ms_off, (uintmax_t)r->mr_u64,
			    r->mr_dyn[1].ms_len, arena + r->mr_dyn[1].ms_off);
		else if (r->mr_text != NULL)
			db_printf(" %.*s", r->mr_text_len, r->mr_text);
		else if (r->mr_ndyn > 0 && r->mr_kind != MBT_KIND_PACKET &&
		    r->mr_kind != MBT_KIND_ROUTE)
			db_printf(" %.*s", r->mr_dyn[0].ms_len,
			    arena + r->mr_dyn[0].ms_off);
		if (r->mr_name != NULL)
			db_printf(" (%s)", r->mr_name);
		db_printf("\n");
	}
}

/* show mtrace <struct mbuf *>: the trace a packet carries, as stored. */
DB_SHOW_COMMAND(mtrace, db_show_mtrace)
{
	struct mbuf *m;
	struct m_tag *t;

	if (!have_addr) {
		db_printf("usage: show mtrace <struct mbuf *>\n");
		return;
	}
	m = (struct mbuf *)addr;
	if ((m->m_flags & M_PKTHDR) == 0) {
		db_printf("mbuf %p has no packet header\n", m);
		return;
	}
	SLIST_FOREACH(t, &m->m_pkthdr.tags, m_tag_link) {
		if (t->m_tag_cookie == MTAG_MBUF_TRACE &&
		    t->m_tag_id == MTRACE_TAG_TYPE) {
			db_mtrace_print(&((struct mtrace_tag *)t)->mt_buf);
			return;
		}
	}
	db_printf("mbuf %p carries no trace\n", m);
}
#endif /* DDB */

#ifdef MBUF_TRACE_ALL
/*
 * options MBUF_TRACE_ALL: the run-time switch of the calls that
 * freebsd/cocci/mbuf_trace_all.cocci puts at the entry of every function
 * taking a packet (sys/mbuf_trace_all.h).  Off, each call is one branch.
 */
bool	mtrace_all_functions;
SYSCTL_BOOL(_kern_mbuf_trace, OID_AUTO, all_functions, CTLFLAG_RW,
    &mtrace_all_functions, 0,
    "Record every instrumented function a traced packet enters");
#endif /* MBUF_TRACE_ALL */
