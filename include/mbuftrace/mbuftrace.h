/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * libmbuftrace: the one bounds-checked decoder and encoder of mbuf_trace
 * traces (v1, v2, v3), used by every consumer.
 */
#ifndef MBUFTRACE_H
#define MBUFTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "format.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Which layout a trace was decoded as. */
enum mbt_format {
	MBT_FORMAT_UNKNOWN = 0,
	MBT_FORMAT_V1_BE,
	MBT_FORMAT_V1_LE,
	MBT_FORMAT_V2,
	MBT_FORMAT_V3,
	MBT_FORMAT_V2_EARLY, /* v2 with the types of 2026-01-02 (1, 2, 3) */
};

/* Bytes inside the decoded buffer; not NUL-terminated. len 0 = absent. */
struct mbt_str {
	const char *ptr;
	uint16_t len;
};

/*
 * One typed value of a record (a VALUES attribute): what it is (key), and
 * by its type a number, a string or an address.  Only lib/record_text.c
 * turns values into words.
 */
#define MBT_MAX_VALUES 8 /* per record; a reader skips (and counts) more */
struct mbt_value {
	uint16_t key; /* MBT_VAL_* */
	uint8_t type; /* MBT_VT_* */
	uint8_t family; /* MBT_VT_ADDR: 4 or 6 */
	union {
		int64_t num;	    /* MBT_VT_INT */
		struct mbt_str str; /* MBT_VT_STRING */
		uint8_t addr[16];   /* MBT_VT_ADDR, network byte order */
	};
};

/*
 * One record, oldest first, whatever the format.  Fields a record does not
 * carry are zero and their has_ flag is false.  Pointers point into the
 * buffer given to mbt_decode() and live as long as it does.
 */
/* A FLOW attribute: a connection's key, addresses in network order. */
struct mbt_flow {
	uint8_t family; /* 4 or 6 */
	uint8_t proto;	/* IPPROTO_* */
	uint8_t dir;	/* MBT_DIR_* */
	uint16_t sport, dport;
	uint8_t src[16], dst[16]; /* 4 bytes used for family 4 */
};

struct mbt_record {
	uint8_t kind;	/* MBT_KIND_* */
	uint8_t detail; /* MBT_POINT_*, MBT_VERDICT_*, MBT_END_* by kind */
	bool has_cpu, has_time, has_src, has_iface, has_ns, has_packet;
	bool has_rule, has_reason, has_route, has_related;
	bool has_host, has_clock;
	uint16_t cpu;
	uint64_t time_ns; /* since the trace's start */

	struct mbt_str file, func; /* has_src; func may be empty */
	uint32_t line;		   /* has_src; 0 = unknown */
	struct mbt_str text; /* free text, or the rest of a v1/v2 string */
	struct mbt_str raw;  /* v1/v2: the whole string, shown as is */

	uint32_t ifindex; /* has_iface */
	struct mbt_str ifname;
	uint64_t ns_id; /* has_ns */
	struct mbt_str ns_name;

	uint16_t linktype; /* has_packet: LINKTYPE_* */
	uint32_t orig_len; /* length of the packet when it was seen */
	const uint8_t *pkt;
	uint32_t pkt_len; /* bytes captured in the snapshot */

	uint8_t fw; /* has_rule: MBT_FW_* */
	struct mbt_str rule_table;
	uint64_t rule_number;

	uint32_t reason_code; /* has_reason */
	struct mbt_str reason;

	uint32_t route_table, route_oif; /* has_route */
	int32_t route_error;
	uint8_t route_family; /* 0, 4 or 6 */
	uint8_t route_gw[16];

	uint64_t related_id; /* has_related: COPY's child */

	/* has_host: the machine, in a journey joined from several hosts. */
	struct mbt_str host;
	/* has_clock: where a host's part starts, the offset added to its
	 * times to put them on the journey's clock, and its error bound
	 * (MBT_CLOCK_UNBOUNDED when one side is not bounded). */
	int64_t clock_offset_ns;
	uint64_t clock_error_ns;

	/* has_flow: a connection's key, as a firewall keeps its state. */
	bool has_flow;
	struct mbt_flow flow;

	uint32_t offset; /* where the record starts in the trace, in bytes */

	/* values[0..nvalues), each key once; last, so that a decoder
	 * clears only what comes before it. */
	uint8_t nvalues;
	struct mbt_value values[MBT_MAX_VALUES];
};

enum mbt_error_kind {
	MBT_OK = 0,
	MBT_ERR_TRUNCATED, /* the capture cut the trace short (caplen < wirelen) */
	MBT_ERR_MALFORMED, /* the bytes contradict the format */
};

/*
 * What was wrong, where.  record is -1 for the header (or the trace as a
 * whole), else the index of the record as stored in the bytes (v3 counts
 * STRING records too); offset is the byte offset in the trace.
 */
struct mbt_error {
	enum mbt_error_kind kind;
	int record;
	uint32_t offset;
	char what[256];
};

/* A decoded trace.  Initialise with mbt_trace_init, reuse across packets. */
struct mbt_trace {
	enum mbt_format format;
	uint16_t flags;		/* v3 MBT_V3_F_* */
	uint32_t lost;		/* records lost (v3) */
	uint64_t trace_id;	/* v3; 0 = none */
	uint64_t parent_id;	/* v3; 0 = none */
	uint64_t start_ns;	/* v3 absolute start; 0 = unknown */
	uint8_t origin;		/* MBT_ORIGIN_* */
	uint32_t trace_len;	/* bytes of the trace before the tail */
	size_t unknown_skipped; /* v3 records or attributes of unknown type */

	struct mbt_record *records; /* oldest first */
	size_t nrecords;
	size_t cap; /* allocated records; internal */
	/* The v3 decoder's string table, kept for reuse; internal. */
	struct mbt_str *strings;
	size_t strings_cap;

	/* The packet after the trace (v1 and v3 tails), if any. */
	uint16_t tail_linktype;
	const uint8_t *tail;
	uint32_t tail_len;	/* captured */
	uint32_t tail_orig_len; /* on the wire */

	struct mbt_error error; /* kind MBT_OK when all of it decoded */
};

void mbt_trace_init(struct mbt_trace *t);
void mbt_trace_free(struct mbt_trace *t);

/*
 * Decode one captured packet of link type DLT_USER0.  caplen bytes are
 * present; wirelen is the packet's length on the wire (>= caplen).
 * Returns 0 when everything decoded, -EINVAL when malformed or truncated
 * (t->error says what; the records before the fault are kept), -ENOMEM.
 */
int mbt_decode(
    const uint8_t *buf, size_t caplen, size_t wirelen, struct mbt_trace *t);

/*
 * The error as one line: "record 3 at byte 85: ..." or "header at byte 8:
 * ...", without saying whether it is malformed or truncated (e->kind).
 * Returns the length wanted, like snprintf.
 */
size_t mbt_error_text(const struct mbt_error *e, char *buf, size_t size);
/* "malformed", "truncated" or "ok". */
const char *mbt_error_kind_name(enum mbt_error_kind kind);

/* "v1", "v2", "v3" or "unknown". */
const char *mbt_format_name(enum mbt_format f);
/* The variant: "v1-le", "v1-be", "v2", "v2-early", "v3" or "unknown". */
const char *mbt_layout_name(enum mbt_format f);
/* Names of codes, for text and JSON: "point", "drop", "delivered"... */
const char *mbt_kind_name(uint8_t kind);
const char *mbt_point_name(uint8_t detail);
const char *mbt_verdict_name(uint8_t verdict);
const char *mbt_end_name(uint8_t how);
const char *mbt_fw_name(uint8_t fw);
const char *mbt_state_name(uint8_t detail); /* STATE: created, matched */
const char *mbt_dir_name(uint8_t dir);	    /* FLOW: in, out */
const char *mbt_linktype_name(uint16_t linktype); /* "linktype" if unknown */
/* The value key's JSON name ("qdisc_handle"), NULL when unknown. */
const char *mbt_value_name(uint16_t key);
/* The type a known key has (MBT_VT_*), 0 when unknown. */
uint8_t mbt_value_type(uint16_t key);
bool mbt_linktype_known(uint16_t linktype);

/*
 * The record's one-line text, the same shape in every format:
 * "file:line: func rest" for source points, the text otherwise.
 * Writes at most size bytes including the NUL; returns the length it
 * wanted, like snprintf.
 */
size_t mbt_record_text(const struct mbt_record *r, char *buf, size_t size);
/*
 * The words of the record's values alone ("icmp type 3 code 1"), the part
 * of mbt_record_text() that stands where a TEXT attribute would; "" when
 * none.  Same conventions as mbt_record_text().
 */
size_t mbt_values_text(const struct mbt_record *r, char *buf, size_t size);
/* The value of key in r, NULL when r has none. */
const struct mbt_value *mbt_record_value(
    const struct mbt_record *r, uint16_t key);
/*
 * Add a value to r (producers); false when r is full or has the key, or
 * the string is empty.  A STRING value's bytes must live as long as r.
 */
bool mbt_record_add_int(struct mbt_record *r, uint16_t key, int64_t num);
bool mbt_record_add_str(struct mbt_record *r, uint16_t key, struct mbt_str s);
bool mbt_record_add_addr(
    struct mbt_record *r, uint16_t key, uint8_t family, const uint8_t *addr);

/*
 * v3 encoder.  Writes into a caller's buffer; never allocates, so a kernel
 * or a BPF loader can use the same logic.  Strings are interned into the
 * trace's string table on first use.
 */
#define MBT_ENC_MAX_STRINGS 256    /* remembered and shared */
#define MBT_ENC_MAX_STRING_ID 4095 /* the largest id readers accept */

struct mbt_v3_info {
	uint16_t flags;
	uint32_t lost;
	uint64_t trace_id, parent_id, start_ns;
	uint8_t origin;
	uint16_t tail_linktype; /* MBT_LINKTYPE_NONE when no tail follows */
};

struct mbt_encoder {
	uint8_t *buf;
	size_t cap, len;
	int error; /* first error: -ENOSPC, -EINVAL; sticky */
	uint16_t nstrings; /* remembered, ids 1..nstrings */
	uint16_t next_id;  /* the last id given */
	struct mbt_str strings[MBT_ENC_MAX_STRINGS];
};

int mbt_enc_begin(struct mbt_encoder *e, uint8_t *buf, size_t cap,
    const struct mbt_v3_info *info);
/* Append an event from the fields of r (its has_ flags say which). */
int mbt_enc_event(struct mbt_encoder *e, const struct mbt_record *r);
/* Patch the header's length and flags; returns the trace length or -errno. */
int mbt_enc_finish(struct mbt_encoder *e, uint16_t flags, uint32_t lost);

/*
 * Legacy encoders, for tests and sample captures: records are given oldest
 * first and stored newest first, as the prototype did.  Each text must be
 * shorter than 65535 bytes.  Returns the length written or -ENOSPC.
 */
int mbt_enc_v1(uint8_t *buf, size_t cap, bool little_endian,
    const char *const *texts, size_t ntexts, const uint8_t *pkt, size_t pktlen);
/* v2 records: text when pkt is NULL, else an Ethernet snapshot. */
struct mbt_v2_item {
	const char *text;
	const uint8_t *pkt;
	size_t pktlen;
	bool alt; /* early layout: a string of type 3 rather than 2 */
};
int mbt_enc_v2(
    uint8_t *buf, size_t cap, const struct mbt_v2_item *items, size_t nitems);
/* The same in the early v2 layout: packets type 1, strings type 2 or 3. */
int mbt_enc_v2_early(
    uint8_t *buf, size_t cap, const struct mbt_v2_item *items, size_t nitems);

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_H */
