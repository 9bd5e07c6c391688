/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Benchmark of the kernel's record buffer (freebsd/sys/kern/
 * subr_mbuf_trace_buf.c) against the prototype's design, one malloc'd
 * m_tag per record (shared/seed), both measured in this run: ns per static
 * record, per dynamic record, per trace start, per check on an untraced
 * packet, and per emitted trace.  Prints the ratios.
 *
 * The mbuf and m_tag here are minimal userland stand-ins with the fields
 * the kernel code touches (m_flags, the pkthdr tag list, the m_tag
 * header), so both designs pay the same list and malloc costs they would
 * in the kernel; malloc is glibc's, not malloc(9).
 */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <sys/mbuf_trace_buf.h>

#define	M_PKTHDR	0x2
#define	COOKIE_TRACE	1767225600u
#define	RECORDS		30	/* records per packet, a forwarded ping */
#define	PACKETS		200000

/* As in sys/sys/mbuf.h: the header, then the payload. */
struct m_tag {
	struct m_tag	*m_tag_next;
	uint16_t	 m_tag_id;
	uint16_t	 m_tag_len;
	uint32_t	 m_tag_cookie;
	void		(*m_tag_free)(struct m_tag *);
};

struct mbuf {
	int		 m_flags;
	struct m_tag	*tags;
};

static void
tag_free(struct m_tag *t)
{
	free(t);
}

/* m_tag_alloc() + m_tag_prepend(), as sys/kern/uipc_mbuf2.c does them. */
static struct m_tag *
tag_alloc_prepend(struct mbuf *m, size_t len)
{
	struct m_tag *t = malloc(sizeof(*t) + len);

	if (t == NULL)
		return (NULL);
	t->m_tag_cookie = COOKIE_TRACE;
	t->m_tag_id = 0;
	t->m_tag_len = (uint16_t)len;
	t->m_tag_free = tag_free;
	t->m_tag_next = m->tags;
	m->tags = t;
	return (t);
}

static void
tag_delete_chain(struct mbuf *m)
{
	struct m_tag *t, *next;

	for (t = m->tags; t != NULL; t = next) {
		next = t->m_tag_next;
		t->m_tag_free(t);
	}
	m->tags = NULL;
}

/* ---- the prototype: one tag per record (shared/seed, part 1) ---- */

struct proto_trace {
	uint8_t		 is_static;
	uint16_t	 strlen;
	const char	*string_static;
	char		 string[];
};

static __attribute__((noinline)) void
proto_static(struct mbuf *m, const char *s, uint16_t len)
{
	struct m_tag *t = tag_alloc_prepend(m, sizeof(struct proto_trace));
	struct proto_trace *p;

	if (t == NULL)
		return;
	p = (struct proto_trace *)(t + 1);
	p->is_static = 1;
	p->strlen = len;
	p->string_static = s;
}

static __attribute__((noinline)) void
proto_length(struct mbuf *m, const char *s, uint16_t len)
{
	struct m_tag *t = tag_alloc_prepend(m, sizeof(struct proto_trace) + len);
	struct proto_trace *p;

	if (t == NULL)
		return;
	p = (struct proto_trace *)(t + 1);
	p->is_static = 0;
	p->strlen = len;
	memcpy(p->string, s, len);
}

/* Its emitter: count, size, then copy every record into one buffer. */
static __attribute__((noinline)) size_t
proto_emit(struct mbuf *m, uint8_t *buf, size_t cap)
{
	struct m_tag *t;
	size_t total = 2, n = 0;
	uint8_t *at = buf + 2;

	for (t = m->tags; t != NULL; t = t->m_tag_next)
		if (t->m_tag_cookie == COOKIE_TRACE)
			total += 2 + ((struct proto_trace *)(t + 1))->strlen;
	if (total > cap)
		return (0);
	for (t = m->tags; t != NULL; t = t->m_tag_next) {
		struct proto_trace *p = (struct proto_trace *)(t + 1);

		if (t->m_tag_cookie != COOKIE_TRACE)
			continue;
		*at++ = (uint8_t)p->strlen;
		*at++ = (uint8_t)(p->strlen >> 8);
		memcpy(at, p->is_static ? p->string_static : p->string,
		    p->strlen);
		at += p->strlen;
		n++;
	}
	buf[0] = (uint8_t)n;
	buf[1] = (uint8_t)(n >> 8);
	return (total);
}

/* ---- ours: one tag per traced packet holding the record buffer ---- */

#define	OUR_RECORDS	64
#define	OUR_ARENA	1024

static int mtrace_enabled = 1;

/* The check every trace point makes first (sys/sys/mbuf_trace.h). */
static inline int
mtrace_active(const struct mbuf *m)
{
	return (mtrace_enabled && m != NULL && (m->m_flags & M_PKTHDR) != 0 &&
	    m->tags != NULL);
}

static inline struct mtrace_buf *
our_lookup(struct mbuf *m)
{
	struct m_tag *t;

	for (t = m->tags; t != NULL; t = t->m_tag_next)
		if (t->m_tag_cookie == COOKIE_TRACE)
			return ((struct mtrace_buf *)(t + 1));
	return (NULL);
}

static __attribute__((noinline)) void
our_start(struct mbuf *m, uint64_t id)
{
	struct m_tag *t;

	t = tag_alloc_prepend(m, MTRACE_BUF_SIZE(OUR_RECORDS, OUR_ARENA));
	if (t != NULL)
		(void)mtrace_buf_init((struct mtrace_buf *)(t + 1),
		    OUR_RECORDS, OUR_ARENA, id, 1, 0);
}

static __attribute__((noinline)) void
our_static(struct mbuf *m, const char *s, uint16_t len, uint32_t line)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	if (!mtrace_active(m) || (b = our_lookup(m)) == NULL)
		return;
	r = mtrace_buf_append(b, MBT_KIND_POINT, 0, line, 0);
	if (r == NULL)
		return;
	r->mr_file = __FILE__;
	r->mr_func = __func__;
	r->mr_line = line;
	r->mr_text = s;
	r->mr_text_len = len;
}

static __attribute__((noinline)) void
our_dynamic(struct mbuf *m, const char *s, uint16_t len, uint32_t line)
{
	struct mtrace_buf *b;
	struct mtrace_rec *r;

	if (!mtrace_active(m) || (b = our_lookup(m)) == NULL)
		return;
	r = mtrace_buf_append(b, MBT_KIND_TEXT, 0, line, 0);
	if (r != NULL)
		(void)mtrace_buf_dyn_copy(b, r, s, len);
}

static __attribute__((noinline)) int
our_check(struct mbuf *m)
{
	return (mtrace_active(m));
}

/* ---- timing ---- */

static double
now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ((double)ts.tv_sec * 1e9 + (double)ts.tv_nsec);
}

static const char text[] = "sys/netinet/ip_input.c:820: ip_input";
static const char dyn[] = "epair0b in router";
static uint8_t emitbuf[65536];
static struct mbt_encoder enc;
static volatile size_t sink;

int
main(void)
{
	struct mbuf m = { M_PKTHDR, NULL }, plain = { M_PKTHDR, NULL };
	double t0, proto_s, proto_d, proto_e, ours_s, ours_d, ours_st, ours_e;
	double check;
	int i, j;

	/* Static records. */
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		for (j = 0; j < RECORDS; j++)
			proto_static(&m, text, sizeof(text));
		tag_delete_chain(&m);
	}
	proto_s = (now_ns() - t0) / ((double)PACKETS * RECORDS);

	our_start(&m, 1);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		our_lookup(&m)->mb_nrec = 0;	/* a fresh packet's buffer */
		for (j = 0; j < RECORDS; j++)
			our_static(&m, text, sizeof(text) - 1, (uint32_t)j);
	}
	ours_s = (now_ns() - t0) / ((double)PACKETS * RECORDS);

	/* Dynamic records. */
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		for (j = 0; j < RECORDS; j++)
			proto_length(&m, dyn, sizeof(dyn));
		tag_delete_chain(&m);
	}
	proto_d = (now_ns() - t0) / ((double)PACKETS * RECORDS);

	our_start(&m, 1);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		struct mtrace_buf *b = our_lookup(&m);

		b->mb_nrec = 0;
		b->mb_arena_len = 0;
		for (j = 0; j < RECORDS; j++)
			our_dynamic(&m, dyn, sizeof(dyn) - 1, (uint32_t)j);
	}
	ours_d = (now_ns() - t0) / ((double)PACKETS * RECORDS);

	/* Emission of a whole trace of RECORDS static records. */
	tag_delete_chain(&m);
	for (j = 0; j < RECORDS; j++)
		proto_static(&m, text, sizeof(text));
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++)
		sink = proto_emit(&m, emitbuf, sizeof(emitbuf));
	proto_e = (now_ns() - t0) / PACKETS;
	tag_delete_chain(&m);
	our_start(&m, 1);
	for (j = 0; j < RECORDS; j++)
		our_static(&m, text, sizeof(text) - 1, (uint32_t)j);
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++)
		sink = (size_t)mtrace_buf_encode(our_lookup(&m), &enc, emitbuf,
		    sizeof(emitbuf));
	ours_e = (now_ns() - t0) / PACKETS;
	tag_delete_chain(&m);

	/* Starting a trace: the one allocation, then freeing it. */
	t0 = now_ns();
	for (i = 0; i < PACKETS; i++) {
		our_start(&m, (uint64_t)i + 1);
		tag_delete_chain(&m);
	}
	ours_st = (now_ns() - t0) / PACKETS;

	/* The check on a packet nobody traces. */
	t0 = now_ns();
	for (i = 0; i < PACKETS * RECORDS; i++)
		sink += (size_t)our_check(&plain);
	check = (now_ns() - t0) / ((double)PACKETS * RECORDS);

	printf("mtrace-core: %d packets x %d records, one run\n", PACKETS,
	    RECORDS);
	printf("%-24s %12s %16s %8s\n", "", "record buffer", "tag per record",
	    "ratio");
	printf("%-24s %9.1f ns %13.1f ns %7.1fx\n", "static record", ours_s,
	    proto_s, proto_s / ours_s);
	printf("%-24s %9.1f ns %13.1f ns %7.1fx\n", "dynamic record", ours_d,
	    proto_d, proto_d / ours_d);
	printf("%-24s %9.1f ns %13.1f ns %7.1fx\n", "emit 30-record trace",
	    ours_e, proto_e, proto_e / ours_e);
	printf("%-24s %9.1f ns %13.1f ns %7.1fx\n", "start (+ its free)",
	    ours_st, proto_s, proto_s / ours_st);
	printf("%-24s %9.2f ns %13.1f ns %7.1fx\n", "check, untraced packet",
	    check, proto_s, proto_s / check);
	printf("(the prototype has no start and no check: every trace point "
	    "allocates,\n so its columns for those rows are its static "
	    "record)\n");
	printf("targets: static record <= 20 ns: %s; check <= 2 ns: %s; "
	    ">= 10x the tag-per-record static record: %s\n",
	    ours_s <= 20 ? "met" : "NOT met", check <= 2 ? "met" : "NOT met",
	    proto_s / ours_s >= 10 ? "met" : "NOT met");
	return (0);
}
