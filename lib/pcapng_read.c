/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng read block by block from a stream (a file, a pipe, standard
 * input), for what libpcap refuses: a file whose interfaces have several
 * link types (tshark -i eth0 -i mbuf_trace -w t.pcapng).  Packets on
 * mbuf_trace's DLT_USER0 interfaces are returned; those of other
 * interfaces are skipped, counted, and keep their frame numbers, so that
 * frame N is the same packet here and in Wireshark.
 */
#include "pcapng_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/format.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_PB 2u /* obsolete Packet Block */
#define BT_SPB 3u
#define BT_EPB 6u
#define MAX_BLOCK (16u << 20) /* larger is a corrupt file */
#define MAX_IFACES 4096
#define OPT_IF_NAME 2
#define OPT_IF_TSRESOL 9
#define OPT_IF_TSOFFSET 14

struct iface {
	uint16_t lt;
	uint64_t units;	   /* timestamp units per second */
	int64_t offset;	   /* seconds added to each timestamp */
	uint64_t skipped;  /* packets of another link type */
	char name[64];	   /* if_name, as the file has it (untrusted) */
};

struct mbt_pcapng_reader {
	FILE *f;
	bool swapped;
	bool magic_read;   /* the caller read the first block's type */
	bool pending;	   /* r->buf holds a block scan read ahead */
	char scan_err[128]; /* scan met this error: next() says it */
	uint32_t ptype, plen;
	struct iface *ifs; /* of this section */
	size_t nif;
	uint64_t frame;	   /* packet blocks so far, of any interface */
	struct mbt_capture_skipped skip;
	uint8_t *buf;
	size_t cap;
};

static uint32_t
u32(const struct mbt_pcapng_reader *r, const uint8_t *p)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return r->swapped ? __builtin_bswap32(v) : v;
}

static uint16_t
u16(const struct mbt_pcapng_reader *r, const uint8_t *p)
{
	uint16_t v;

	memcpy(&v, p, 2);
	return r->swapped ? __builtin_bswap16(v) : v;
}

/* Read one block into r->buf; its type and length in *type, *len.
 * Returns 1, 0 at the end, -1 (err set). */
static int
next_block(struct mbt_pcapng_reader *r, uint32_t *type, uint32_t *len,
    char *err, size_t errlen)
{
	uint8_t h[12] = {0x0a, 0x0d, 0x0d, 0x0a};
	size_t have = r->magic_read ? 4 : 0;
	size_t n = fread(h + have, 1, 8 - have, r->f);

	r->magic_read = false;
	if (n == 0 && have == 0 && !ferror(r->f))
		return 0;
	if (n != 8 - have)
		goto truncated;
	memcpy(type, h, 4);
	if (*type == BT_SHB) { /* its byte order is in it */
		uint32_t magic;

		if (fread(h + 8, 1, 4, r->f) != 4)
			goto truncated;
		memcpy(&magic, h + 8, 4);
		if (magic != 0x1a2b3c4d && magic != 0x4d3c2b1a) {
			snprintf(err, errlen, "not a pcapng section header");
			return -1;
		}
		r->swapped = magic == 0x4d3c2b1a;
		r->nif = 0; /* a new section: new interfaces */
	}
	*type = u32(r, h);
	*len = u32(r, h + 4);
	if (*len < 12 || *len % 4 != 0 || *len > MAX_BLOCK) {
		snprintf(err, errlen, "a pcapng block of %u bytes: the file is "
				      "corrupt", *len);
		return -1;
	}
	if (*len > r->cap) {
		uint8_t *b = realloc(r->buf, *len);

		if (b == NULL) {
			snprintf(err, errlen, "out of memory");
			return -1;
		}
		r->buf = b;
		r->cap = *len;
	}
	n = *type == BT_SHB ? 12 : 8;
	memcpy(r->buf, h, n);
	if (fread(r->buf + n, 1, *len - n, r->f) != *len - n)
		goto truncated;
	return 1;
truncated:
	if (ferror(r->f))
		snprintf(err, errlen, "%s", strerror(errno ? errno : EIO));
	else
		snprintf(err, errlen, "truncated pcapng file");
	return -1;
}

/* An interface: its link type, timestamp resolution and offset, name. */
static int
add_iface(struct mbt_pcapng_reader *r, const uint8_t *b, uint32_t len)
{
	struct iface ifc = {.units = 1000000}, *ifs;

	if (len < 20 || r->nif == MAX_IFACES)
		return -1;
	ifc.lt = u16(r, b + 8);
	for (uint32_t o = 16; o + 4 <= len - 4;) {
		uint16_t code = u16(r, b + o), olen = u16(r, b + o + 2);
		const uint8_t *v = b + o + 4;

		if (code == 0 || o + 4 + olen > len - 4)
			break;
		if (code == OPT_IF_TSRESOL && olen >= 1) {
			ifc.units = 1;
			for (int i = 0; i < (v[0] & 0x7f) &&
					ifc.units < UINT64_MAX / 10;
			     i++)
				ifc.units *= v[0] & 0x80 ? 2 : 10;
		} else if (code == OPT_IF_TSOFFSET && olen >= 8) {
			uint64_t off;

			memcpy(&off, v, 8);
			ifc.offset = (int64_t)(r->swapped ? __builtin_bswap64(off)
							  : off);
		} else if (code == OPT_IF_NAME) {
			size_t k = olen < sizeof(ifc.name) - 1
				       ? olen
				       : sizeof(ifc.name) - 1;

			memcpy(ifc.name, v, k);
			ifc.name[strnlen(ifc.name, k)] = '\0';
		}
		o += 4 + ((olen + 3u) & ~3u);
	}
	ifs = realloc(r->ifs, (r->nif + 1) * sizeof(*ifs));
	if (ifs == NULL)
		return -1;
	r->ifs = ifs;
	r->ifs[r->nif++] = ifc;
	return 0;
}

int
mbt_pcapng_reader_open(FILE *f, struct mbt_pcapng_reader **out)
{
	struct mbt_pcapng_reader *r = calloc(1, sizeof(*r));

	if (r == NULL)
		return -ENOMEM;
	r->f = f;
	r->magic_read = true;
	*out = r;
	return 0;
}

int
mbt_pcapng_reader_scan(struct mbt_pcapng_reader *r, int *first_lt)
{
	char err[128];
	uint32_t type, len;
	bool user0 = false;
	int rc;

	*first_lt = -1;
	while ((rc = next_block(r, &type, &len, err, sizeof(err))) == 1 &&
	       type != BT_EPB && type != BT_SPB && type != BT_PB) {
		if (type != BT_IDB)
			continue;
		if (add_iface(r, r->buf, len) != 0)
			break; /* next() reads it again, and says why */
		user0 |= r->ifs[r->nif - 1].lt == MBT_DLT_USER0;
		if (*first_lt < 0)
			*first_lt = r->ifs[r->nif - 1].lt;
	}
	/* The first packet block (or a bad one) is read again by next(); an
	 * error is said by next() too. */
	r->pending = rc == 1;
	r->ptype = type;
	r->plen = len;
	if (rc < 0)
		snprintf(r->scan_err, sizeof(r->scan_err), "%s", err);
	return user0 || *first_lt < 0 || rc != 1 ? 1 : 0;
}

/* The interface of a packet block, or -1 (err set). */
static long
packet_iface(struct mbt_pcapng_reader *r, uint32_t type, uint32_t len,
    char *err, size_t errlen)
{
	uint32_t ifc;

	if (type == BT_SPB)
		ifc = 0;
	else if (type == BT_PB)
		ifc = u16(r, r->buf + 8);
	else
		ifc = u32(r, r->buf + 8);
	if (ifc >= r->nif) {
		snprintf(err, errlen,
		    "frame %llu is on interface %u, which no block described",
		    (unsigned long long)r->frame, ifc);
		return -1;
	}
	return (long)ifc;
}

int
mbt_pcapng_reader_next(struct mbt_pcapng_reader *r, struct mbt_packet *p,
    char *err, size_t errlen)
{
	uint32_t type, len;
	int rc;

	if (r->scan_err[0] != '\0') {
		snprintf(err, errlen, "%s", r->scan_err);
		return -1;
	}
	while ((rc = r->pending ? 1 : next_block(r, &type, &len, err, errlen)) ==
	       1) {
		const uint8_t *b = r->buf;
		uint32_t caplen, wirelen;
		struct iface *ifc;
		uint64_t ts;
		long i;

		if (r->pending) { /* what scan read ahead */
			r->pending = false;
			type = r->ptype;
			len = r->plen;
		}
		if (type == BT_IDB) {
			if (add_iface(r, b, len) != 0) {
				snprintf(err, errlen, "a bad interface block");
				return -1;
			}
			continue;
		}
		if ((type != BT_EPB && type != BT_PB) || len < 32) {
			if (type != BT_SPB || len < 16)
				continue; /* other blocks say nothing we show */
		}
		r->frame++;
		if ((i = packet_iface(r, type, len, err, errlen)) < 0)
			return -1;
		ifc = &r->ifs[i];
		if (ifc->lt != MBT_DLT_USER0) { /* another link type: skipped */
			if (r->skip.packets++ == 0) {
				r->skip.first_frame = r->frame;
				r->skip.iface = (uint32_t)i;
				r->skip.linktype = ifc->lt;
				memcpy(r->skip.ifname, ifc->name,
				    sizeof(r->skip.ifname));
			}
			r->skip.ifaces += ifc->skipped++ == 0;
			continue;
		}
		if (type == BT_SPB) {
			ts = 0;
			wirelen = u32(r, b + 8);
			caplen = len - 16 < wirelen ? len - 16 : wirelen;
			p->data = b + 12;
		} else {
			ts = (uint64_t)u32(r, b + 12) << 32 | u32(r, b + 16);
			caplen = u32(r, b + 20);
			wirelen = u32(r, b + 24);
			p->data = b + 28;
		}
		if (caplen > len - (uint32_t)(p->data - b) - 4) {
			snprintf(err, errlen, "frame %llu is longer than its "
					      "block",
			    (unsigned long long)r->frame);
			return -1;
		}
		p->frame = r->frame;
		p->ts_sec = (int64_t)(ts / ifc->units) + ifc->offset;
		/* Exact for the usual resolutions (10^k, k >= 6), without
		 * overflow for fine ones. */
		p->ts_usec = ifc->units >= 1000000 && ifc->units % 1000000 == 0
				 ? (uint32_t)(ts % ifc->units /
					      (ifc->units / 1000000))
				 : (uint32_t)((double)(ts % ifc->units) *
					      1e6 / (double)ifc->units);
		p->caplen = caplen;
		p->wirelen = wirelen < caplen ? caplen : wirelen;
		return 1;
	}
	return rc;
}

const struct mbt_capture_skipped *
mbt_pcapng_reader_skipped(const struct mbt_pcapng_reader *r)
{
	return &r->skip;
}

void
mbt_pcapng_reader_close(struct mbt_pcapng_reader *r)
{
	if (r == NULL)
		return;
	free(r->ifs);
	free(r->buf);
	free(r);
}
