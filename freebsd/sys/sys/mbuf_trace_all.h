/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * options MBUF_TRACE_ALL: the call freebsd/cocci/mbuf_trace_all.cocci puts
 * at the entry of every function that takes a packet.  Without the option
 * it compiles to nothing.  With it, a packet that already carries a trace
 * gets a POINT record with the ENTER detail naming the function (__func__,
 * __FILE__, __LINE__: static strings, nothing allocated or formatted),
 * while kern.mbuf_trace.all_functions is 1.  When the sysctl is 0 the call
 * costs one load and one branch predicted not taken.
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#ifndef _SYS_MBUF_TRACE_ALL_H_
#define	_SYS_MBUF_TRACE_ALL_H_

#if defined(_KERNEL) && defined(MBUF_TRACE_ALL)

#ifndef MBUF_TRACE
#error "options MBUF_TRACE_ALL needs options MBUF_TRACE"
#endif

#include <sys/mbuf.h>
#include <sys/mbuf_trace.h>

extern bool	mtrace_all_functions;

/* The ENTER detail of a POINT record (docs/format.md). */
#define	MTRACE_POINT_ENTER	1

/*
 * A function that takes a const mbuf records too: the record goes into
 * the trace tag, which the mbuf only points to.
 */
#define	MTRACE_ALL(m) do {						\
	if (__predict_false(mtrace_all_functions) && mtrace_active(m))	\
		mtrace_point_at(__DECONST(struct mbuf *, (m)),		\
		    MTRACE_POINT_ENTER, NULL, 0, MTRACE_SITE);		\
} while (0)

/* struct mbuf **mp: the packet *mp, when mp and *mp are not NULL. */
#define	MTRACE_ALL_PP(mp) do {						\
	if (__predict_false(mtrace_all_functions) && (mp) != NULL)	\
		MTRACE_ALL(*(mp));					\
} while (0)

#else /* !(_KERNEL && MBUF_TRACE_ALL) */

#define	MTRACE_ALL(m)		((void)0)
#define	MTRACE_ALL_PP(mp)	((void)0)

#endif
#endif /* !_SYS_MBUF_TRACE_ALL_H_ */
