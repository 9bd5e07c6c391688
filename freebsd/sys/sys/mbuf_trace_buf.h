/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The record buffer of one traced packet: plain C shared by the kernel
 * (kern_mbuf_trace.c keeps it in an m_tag) and userland (unit tests and the
 * benchmark), so the part that decides what a trace holds is tested here.
 */

#ifndef _SYS_MBUF_TRACE_BUF_H_
#define	_SYS_MBUF_TRACE_BUF_H_

#include <mbuftrace/mbuftrace.h>

/*
 * A record.  Static strings (file, function, static text, reason and table
 * names) are referenced, never copied: they live in the kernel's text.
 * Dynamic bytes (printf text, interface and jail names, packet snapshots,
 * gateways) are copied into the buffer's arena and named by offset, so the
 * whole buffer stays self-contained when m_tag_copy() copies it byte for
 * byte.
 */
struct mtrace_span {
	uint16_t	ms_off;		/* in the arena */
	uint16_t	ms_len;
};

struct mtrace_rec {
	const char	*mr_file;	/* static; NULL = no source position */
	const char	*mr_func;	/* static; may be NULL */
	const char	*mr_text;	/* static text, mr_text_len bytes */
	const char	*mr_name;	/* static reason or rule table name */
	uint64_t	 mr_time;	/* ns since the trace started */
	uint64_t	 mr_u64;	/* ns id, rule number, child trace id */
	uint32_t	 mr_line;
	uint32_t	 mr_u32;	/* ifindex, reason, fib, orig len */
	uint32_t	 mr_u32b;	/* route oif */
	int32_t		 mr_error;	/* route error */
	uint16_t	 mr_text_len;
	uint16_t	 mr_cpu;
	uint16_t	 mr_linktype;	/* PACKET */
	uint8_t		 mr_kind;	/* MBT_KIND_* */
	uint8_t		 mr_detail;
	uint8_t		 mr_small;	/* rule engine, route family */
	uint8_t		 mr_ndyn;	/* mr_dyn[] entries in use */
	struct mtrace_span mr_dyn[2];	/* see mtrace_buf_to_record() */
};

/*
 * The buffer: this head, then mb_maxrec records, then mb_arena_cap bytes of
 * arena, in one allocation.  Its size is a multiple of 8 so the records
 * that follow it are aligned.
 */
struct mtrace_buf {
	uint64_t	mb_id;		/* trace id, not 0 */
	uint64_t	mb_parent_id;	/* copied from, or 0 */
	uint64_t	mb_start_ns;	/* UNIX time of the start */
	uint64_t	mb_start_mono;	/* monotonic ns of the start */
	uint64_t	mb_ns_token;	/* stack instance of the last record */
	uint32_t	mb_lost;	/* records that did not fit */
	uint16_t	mb_nrec;
	uint16_t	mb_maxrec;	/* records, with END's reserved slot */
	uint16_t	mb_arena_len;
	uint16_t	mb_arena_cap;
	uint16_t	mb_flags;	/* MBT_V3_F_TRUNCATED */
	uint8_t		mb_ended;	/* an END record was appended */
	uint8_t		mb_pad[1];
};

/* Bytes needed for a buffer of maxrec records and arena_cap arena bytes. */
#define	MTRACE_BUF_SIZE(maxrec, arena_cap)				\
	(sizeof(struct mtrace_buf) +					\
	    (size_t)(maxrec) * sizeof(struct mtrace_rec) + (arena_cap))

/* The smallest useful budget: one record and the END reserved for it. */
#define	MTRACE_BUF_MIN_RECORDS	2

static __inline struct mtrace_rec *
mtrace_buf_recs(struct mtrace_buf *b)
{
	return ((struct mtrace_rec *)(void *)(b + 1));
}

static __inline const struct mtrace_rec *
mtrace_buf_crecs(const struct mtrace_buf *b)
{
	return ((const struct mtrace_rec *)(const void *)(b + 1));
}

static __inline uint8_t *
mtrace_buf_arena(struct mtrace_buf *b)
{
	return ((uint8_t *)(mtrace_buf_recs(b) + b->mb_maxrec));
}

static __inline const uint8_t *
mtrace_buf_carena(const struct mtrace_buf *b)
{
	return ((const uint8_t *)(mtrace_buf_crecs(b) + b->mb_maxrec));
}

int	mtrace_buf_init(struct mtrace_buf *b, uint16_t maxrec,
	    uint16_t arena_cap, uint64_t id, uint64_t start_ns,
	    uint64_t start_mono);
struct mtrace_rec *mtrace_buf_append(struct mtrace_buf *b, uint8_t kind,
	    uint8_t detail, uint64_t now_mono, uint16_t cpu);
uint8_t	*mtrace_buf_dyn_room(struct mtrace_buf *b, size_t *room);
void	mtrace_buf_dyn_commit(struct mtrace_buf *b, struct mtrace_rec *r,
	    size_t len);
int	mtrace_buf_dyn_copy(struct mtrace_buf *b, struct mtrace_rec *r,
	    const void *p, size_t len);
void	mtrace_buf_fork(struct mtrace_buf *parent, struct mtrace_buf *child,
	    uint64_t child_id, uint64_t now_ns, uint64_t now_mono,
	    uint16_t cpu);
void	mtrace_buf_to_record(const struct mtrace_buf *b,
	    const struct mtrace_rec *r, struct mbt_record *out);
int	mtrace_buf_encode(const struct mtrace_buf *b, struct mbt_encoder *e,
	    uint8_t *out, size_t cap);

#endif /* !_SYS_MBUF_TRACE_BUF_H_ */
