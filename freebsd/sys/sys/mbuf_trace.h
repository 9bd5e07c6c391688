/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The mtrace(9) API: start a trace on a packet and record the places it
 * passes.  Without "options MBUF_TRACE" every call compiles to nothing.
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#ifndef _SYS_MBUF_TRACE_H_
#define	_SYS_MBUF_TRACE_H_

#ifdef _KERNEL

/*
 * The trace tag: one per traced packet.  The cookie follows the convention
 * in sys/sys/mbuf.h (the module's creation time, date -u +%s).  The type
 * is MTAG_PERSISTENT so that m_tag_delete_nonpersistent(), called by
 * if_epair.c and if_loop.c, keeps the trace across VNETs and loopback.
 */
#define	MTAG_MBUF_TRACE		1795618119
#define	MTRACE_TAG_TYPE		(1 | MTAG_PERSISTENT)

/* Link types of packet snapshots (pcap LINKTYPE_*, as in format.h). */
#define	MTRACE_LINK_ETHERNET	1
#define	MTRACE_LINK_RAW		101	/* IPv4 or IPv6 */

/* Rule engines, verdicts and ends, the numbers of docs/format.md. */
#define	MTRACE_FW_IPFW		1
#define	MTRACE_FW_PF		2
#define	MTRACE_FW_NETGRAPH	5
#define	MTRACE_VERDICT_NONE	0
#define	MTRACE_VERDICT_PASS	1
#define	MTRACE_VERDICT_DROP	2
#define	MTRACE_VERDICT_REJECT	3
#define	MTRACE_VERDICT_CONTINUE	4
#define	MTRACE_VERDICT_QUEUE	5
#define	MTRACE_END_FREED	1
#define	MTRACE_END_DELIVERED	2
#define	MTRACE_END_SENT		3
#define	MTRACE_END_DROPPED	4
#define	MTRACE_END_CONSUMED	5

/*
 * A firewall's connection state (pf's state, ipfw's dynamic rule): made by
 * this packet or matched by it, and its key as the firewall keeps it.
 */
#define	MTRACE_STATE_CREATED	1
#define	MTRACE_STATE_MATCHED	2
#define	MTRACE_DIR_IN		1	/* made by an inbound packet */
#define	MTRACE_DIR_OUT		2
struct mtrace_flow {
	uint8_t		mf_family;	/* 4 or 6 */
	uint8_t		mf_proto;	/* IPPROTO_* */
	uint8_t		mf_dir;		/* MTRACE_DIR_*, 0 = not known */
	uint16_t	mf_sport;	/* host byte order */
	uint16_t	mf_dport;
	uint8_t		mf_src[16];	/* network order; 4 bytes for IPv4 */
	uint8_t		mf_dst[16];
};

/* pf's tag names are this long (PF_TAG_NAME_SIZE in net/pfvar.h). */
#define	MTRACE_PF_TAG_SIZE	64

#ifdef MBUF_TRACE

struct ifnet;
struct m_tag;
struct mbuf;

/* Where a call is in the source; passed by every macro below. */
#define	MTRACE_SITE		__FILE__, __LINE__, __func__
#define	MTRACE_SITE_ARGS	const char *, int, const char *

extern bool	mtrace_enabled;
extern bool	mtrace_iface_start;
extern u_int	mtrace_so_cookie;
extern int	mtrace_pflog_unit;
extern char	mtrace_pf_tag[];	/* PF_TAG_NAME_SIZE bytes */

/*
 * The test every trace point makes before anything else: is tracing on,
 * and could this packet carry a trace at all?  A packet without tags is
 * never traced, so most packets cost a load and two compares.
 */
static __inline bool
mtrace_active(const struct mbuf *m)
{
	return (__predict_false(mtrace_enabled) && m != NULL &&
	    (m->m_flags & M_PKTHDR) != 0 && !SLIST_EMPTY(&m->m_pkthdr.tags));
}

int	mtrace_start_at(struct mbuf *, bool, MTRACE_SITE_ARGS);
void	mtrace_point_at(struct mbuf *, int, const char *, size_t,
	    MTRACE_SITE_ARGS);
void	mtrace_text_at(struct mbuf *, const char *, size_t, bool,
	    MTRACE_SITE_ARGS);
void	mtrace_printf_at(struct mbuf *, MTRACE_SITE_ARGS, const char *, ...)
	    __printflike(5, 6);
void	mtrace_data_at(struct mbuf *, int, MTRACE_SITE_ARGS);
void	mtrace_iface_at(struct mbuf *, struct ifnet *, int, MTRACE_SITE_ARGS);
void	mtrace_rule_at(struct mbuf *, int, const char *, uint64_t, int,
	    MTRACE_SITE_ARGS);
void	mtrace_verdict_at(struct mbuf *, int, const char *, MTRACE_SITE_ARGS);
void	mtrace_route_at(struct mbuf *, u_int, struct ifnet *, int, int,
	    const void *, MTRACE_SITE_ARGS);
void	mtrace_end_at(struct mbuf *, int, u_int, const char *,
	    MTRACE_SITE_ARGS);
void	mtrace_state_at(struct mbuf *, int, int, uint64_t,
	    const struct mtrace_flow *, MTRACE_SITE_ARGS);
void	mtrace_tag_copied(struct m_tag *, struct m_tag *);
void	mtrace_unit_ref(struct mbuf *, u_int *);

/*
 * Records point at the static strings (file and function names,
 * literals) of the code that wrote them.  Code built into a module
 * notes, on each trace it writes to, the counter of its compilation
 * unit; the counters sit in the module's linker set "mtrace_unit_set",
 * and kern_mbuf_trace.c refuses to unload a module while one of its
 * counters is not zero (the kld_unload_try event).  Code built into the
 * kernel never unloads and notes nothing.
 */
#ifdef KLD_MODULE
static u_int mtrace_unit_refs __used;
DATA_SET(mtrace_unit_set, mtrace_unit_refs);
#define	MTRACE_UNIT(m)		mtrace_unit_ref((m), &mtrace_unit_refs)
#else
#define	MTRACE_UNIT(m)		((void)0)
#endif

/*
 * The author's API.  mtrace_start() honours kern.mbuf_trace.start_anywhere;
 * start points chosen by the administrator (interfaces, ipfw, pf,
 * ng_mtrace, sockets) use mtrace_start_point().  Every other call records
 * only on a packet that already carries a trace.
 */
#define	mtrace_start(m)							\
	((void)mtrace_start_noted((m), mtrace_start_at((m), false,	\
	    MTRACE_SITE)))
#define	mtrace_start_point(m)						\
	mtrace_start_noted((m), mtrace_start_at((m), true, MTRACE_SITE))
static __inline int
mtrace_start_noted(struct mbuf *m, int error)
{
	(void)m;
	if (error == 0)
		MTRACE_UNIT(m);
	return (error);
}

/* Every record: is m traced, then note this unit, then record. */
#define	MTRACE_IF_ACTIVE(m)						\
	if (mtrace_active(m) && (MTRACE_UNIT(m), true))
#define	mtrace_static_length(m, s, l) do {				\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_text_at((m), (s), (l), false, MTRACE_SITE);	\
} while (0)
#define	mtrace_static(m, s)						\
	mtrace_static_length((m), (s), __builtin_strlen(s))
#define	mtrace(m, s)		mtrace_static((m), (s))
#define	mtrace_dynamic_length(m, s, l) do {				\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_text_at((m), (s), (l), true, MTRACE_SITE);	\
} while (0)
#define	mtrace_dynamic(m, s)						\
	mtrace_dynamic_length((m), (s), strlen(s))
#define	mtrace_printf(m, ...) do {					\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_printf_at((m), MTRACE_SITE, __VA_ARGS__);	\
} while (0)
#define	mtrace_point(m, detail) do {					\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_point_at((m), (detail), NULL, 0, MTRACE_SITE);	\
} while (0)
#define	mtrace_(m)		mtrace_point((m), 0)
#define	mtrace_func(m)		mtrace_point((m), 0)
#define	mtrace_enter(m)		mtrace_point((m), 1)
#define	mtrace_leave(m)		mtrace_point((m), 2)
#define	mtrace_data_link(m, link) do {					\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_data_at((m), (link), MTRACE_SITE);		\
} while (0)
#define	mtrace_data(m)		mtrace_data_link((m), MTRACE_LINK_RAW)

/*
 * The facts a reader needs, recorded where they are known.  An IFACE
 * record may start a trace (the interface start point), so the unit is
 * noted after it.
 */
#define	mtrace_iface(m, ifp, link) do {					\
	if (__predict_false(mtrace_enabled) &&				\
	    (mtrace_iface_start || mtrace_active(m))) {			\
		mtrace_iface_at((m), (ifp), (link), MTRACE_SITE);	\
		if (mtrace_active(m))					\
			MTRACE_UNIT(m);					\
	}								\
} while (0)
#define	mtrace_rule(m, engine, table, number, verdict) do {		\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_rule_at((m), (engine), (table), (number),	\
		    (verdict), MTRACE_SITE);				\
} while (0)
#define	mtrace_verdict(m, verdict, why) do {				\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_verdict_at((m), (verdict), (why), MTRACE_SITE);	\
} while (0)
#define	mtrace_route(m, fib, oifp, error, family, gw) do {		\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_route_at((m), (fib), (oifp), (error), (family),	\
		    (gw), MTRACE_SITE);					\
} while (0)
#define	mtrace_end(m, how, code, why) do {				\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_end_at((m), (how), (code), (why), MTRACE_SITE);	\
} while (0)
#define	mtrace_state(m, engine, how, rule, flow) do {			\
	MTRACE_IF_ACTIVE(m)						\
		mtrace_state_at((m), (engine), (how), (rule), (flow),	\
		    MTRACE_SITE);					\
} while (0)
#define	mtrace_drop(m, why)						\
	mtrace_end((m), MTRACE_END_DROPPED, 0, (why))
#define	mtrace_delivered(m)						\
	mtrace_end((m), MTRACE_END_DELIVERED, 0, NULL)
#define	mtrace_sent(m)							\
	mtrace_end((m), MTRACE_END_SENT, 0, NULL)

#else /* !MBUF_TRACE */

/*
 * Nothing is compiled: sizeof() names the arguments without evaluating
 * them, so a variable kept only for tracing raises no unused warning.
 */
#define	MTRACE_NOTHING(...)		((void)sizeof((__VA_ARGS__, 0)))
#define	mtrace_active(m)		(MTRACE_NOTHING(m), false)
#define	mtrace_start(m)			MTRACE_NOTHING(m)
#define	mtrace_start_point(m)		(MTRACE_NOTHING(m), 0)
#define	mtrace_static_length(m, s, l)	MTRACE_NOTHING(m, s, l)
#define	mtrace_static(m, s)		MTRACE_NOTHING(m, s)
#define	mtrace(m, s)			MTRACE_NOTHING(m, s)
#define	mtrace_dynamic_length(m, s, l)	MTRACE_NOTHING(m, s, l)
#define	mtrace_dynamic(m, s)		MTRACE_NOTHING(m, s)
#define	mtrace_printf(m, ...)		MTRACE_NOTHING(m, __VA_ARGS__)
#define	mtrace_point(m, detail)		MTRACE_NOTHING(m, detail)
#define	mtrace_(m)			MTRACE_NOTHING(m)
#define	mtrace_func(m)			MTRACE_NOTHING(m)
#define	mtrace_enter(m)			MTRACE_NOTHING(m)
#define	mtrace_leave(m)			MTRACE_NOTHING(m)
#define	mtrace_data_link(m, link)	MTRACE_NOTHING(m, link)
#define	mtrace_data(m)			MTRACE_NOTHING(m)
#define	mtrace_iface(m, ifp, link)	MTRACE_NOTHING(m, ifp, link)
#define	mtrace_rule(m, e, t, n, v)	MTRACE_NOTHING(m, e, t, n, v)
#define	mtrace_verdict(m, v, why)	MTRACE_NOTHING(m, v, why)
#define	mtrace_route(m, f, o, e, fam, gw) MTRACE_NOTHING(m, f, o, e, fam, gw)
#define	mtrace_end(m, how, code, why)	MTRACE_NOTHING(m, how, code, why)
#define	mtrace_state(m, e, how, r, f)	MTRACE_NOTHING(m, e, how, r, f)
#define	mtrace_drop(m, why)		MTRACE_NOTHING(m, why)
#define	mtrace_delivered(m)		MTRACE_NOTHING(m)
#define	mtrace_sent(m)			MTRACE_NOTHING(m)

#endif /* MBUF_TRACE */
#endif /* _KERNEL */
#endif /* !_SYS_MBUF_TRACE_H_ */
