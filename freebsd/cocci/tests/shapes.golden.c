/*
 * Fixture for mbuf_trace_all.cocci: every shape of function that takes a
 * packet, and the ones that must be left alone.  Compiled against
 * freebsd/check/freebsd_kpi.h, with and without options MBUF_TRACE_ALL.
 */
#include <sys/param.h>
#include <sys/mbuf.h>
#include <sys/mbuf_trace_all.h>

struct ifnet;
struct pkt_opts {
	int	po_flags;
};

/* Prototypes are left alone. */
int	shape_plain(struct mbuf *);
static int shape_static(struct mbuf *m, int off);
void	shape_knr();

/* The plain case: after the declarations, before the first statement. */
int
shape_plain(struct mbuf *m)
{
	int len;

	MTRACE_ALL(m);
	len = m->m_len;
	return (len);
}

/* static, the mbuf not first, a multi-line prototype. */
static int
shape_static(struct mbuf *m,
    int off)
{

	MTRACE_ALL(m);
	return (m->m_len > off);
}

/* static __inline, const. */
static __inline int
shape_const(int unit, const struct mbuf *m)
{
	MTRACE_ALL(m);
	return (unit + m->m_len);
}

/* A const pointer, declarations with initialisers. */
int	shape_constptr(struct mbuf *const m, struct ifnet *ifp);
int
shape_constptr(struct mbuf *const m, struct ifnet *ifp)
{
	int a = 1, b = 2;
	struct ifnet *p = ifp;

	MTRACE_ALL(m);
	if (p == NULL)
		return (a);
	return (b + m->m_len);
}

/* Two packets: the first is traced (the second is control data). */
int
shape_two(struct mbuf *m, struct mbuf *control, int flags)
{
	int n;

	MTRACE_ALL(m);
	n = m->m_len;
	if (control != NULL)
		n += control->m_len;
	return (n + flags);
}

/* An mbuf after a function-pointer parameter. */
int
shape_fnptr(int (*cb)(struct mbuf *, int), struct mbuf *m)
{
	MTRACE_ALL(m);
	return (cb(m, 0));
}

/* struct mbuf **, read before written: *mp is the packet coming in. */
int
shape_pp_in(struct mbuf **mp, int *offp, int proto)
{
	struct mbuf *m;

	MTRACE_ALL_PP(mp);
	m = *mp;
	*offp += proto;
	if (m->m_len < 20) {
		*mp = NULL;
		return (1);
	}
	return (0);
}

/* struct mbuf **, written before read: an output parameter, left alone. */
int
shape_pp_out(int len, struct mbuf **mp)
{
	struct mbuf *m;

	m = NULL;
	*mp = m;
	return (len);
}

/* struct mbuf **, handed on before read: left alone. */
int
shape_pp_handed(struct mbuf **mp)
{
	return (shape_pp_out(1, mp));
}

/* Declarations under #ifdef, then a statement under #ifdef: the call goes
 * above the #ifdef, so that every configuration compiles it. */
int
shape_ifdef(struct mbuf *m)
{
#ifdef INET
	int inet;
#endif
	int r;

	MTRACE_ALL(m);
#ifdef INET
	inet = 4;
#endif
	r = m->m_len;
#ifdef INET
	r += inet;
#endif
	return (r);
}

/* The first statement under #if, another under #else (if_epair.c's
 * epair_select_queue()): the call goes above the #if. */
int
shape_ifelse(struct mbuf *m)
{
	int bucket;
	MTRACE_ALL(m);
#ifdef RSS
	int ret;

	ret = m->m_len;
	bucket = ret % 4;
#else
	bucket = 0;
#endif
	return (bucket);
}

#ifdef INET6
/* A definition under #ifdef. */
void
shape_under_ifdef(struct mbuf *m)
{
	MTRACE_ALL(m);
	m->m_len = 0;
}
#endif

/* Early returns, a label, nested blocks. */
int
shape_flow(struct mbuf *m, int why)
{
	int error;

	MTRACE_ALL(m);
	error = 0;
	if (why == 0)
		return (0);
	{
		int inner;

		inner = why;
		if (inner > 2) {
			error = 1;
			goto drop;
		}
	}
	while (why-- > 0) {
		if (m->m_len == why)
			break;
	}
	return (error);
drop:
	m->m_len = 0;
	return (error);
}

/* A label first. */
void
shape_label(struct mbuf *m)
{
	MTRACE_ALL(m);
again:
	if (m->m_len-- > 0)
		goto again;
}

/* An empty body. */
void
shape_empty(struct mbuf *m)
{
	MTRACE_ALL(m);
}

/* No mbuf: left alone. */
int
shape_nombuf(int a, struct pkt_opts *po)
{
	return (a + po->po_flags);
}

/* A pointer to a struct with mbuf in its name is not an mbuf. */
struct mbufq;
int
shape_mbufq(struct mbufq *mq)
{
	return (mq != NULL);
}

/* K&R leftover: the types are not in the parameter list; left alone. */
void
shape_knr(m, off)
	struct mbuf *m;
	int off;
{
	m->m_len = off;
}

/* A function-like macro that defines a function: the expansion is not
 * seen by spatch, the macro is left alone. */
#define	SHAPE_DEFINE_INPUT(name)					\
int									\
name(struct mbuf *m)							\
{									\
	return (m->m_len);						\
}
SHAPE_DEFINE_INPUT(shape_from_macro)

/* Takes no mbuf (left alone); keeps the static functions used. */
int
shape_statics(void *p)
{
	struct mbuf *m;

	m = p;
	return (shape_static(m, 0) + shape_const(0, m));
}
