/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * pcapng files read block by block, for the one thing libpcap refuses: a
 * file whose interfaces have several link types (tshark -i eth0 -i
 * mbuf_trace -w t.pcapng).  Packets on mbuf_trace's DLT_USER0 interfaces
 * are returned; those of other interfaces skipped, as docs/format.md says.
 */
#include "pcapng_read.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/format.h"

#define BT_SHB 0x0a0d0d0au
#define BT_IDB 1u
#define BT_SPB 3u
#define BT_EPB 6u
#define MAX_BLOCK (16u << 20) /* larger is a corrupt file */
#define MAX_IFACES 4096

struct mbt_pcapng_reader {
	FILE *f;
	bool swapped;
	uint16_t *lt;	 /* per interface */
	uint64_t *units; /* timestamp units per second, per interface */
	size_t nif;
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
	uint8_t h[12];
	size_t n = fread(h, 1, 8, r->f);

	if (n == 0 && feof(r->f))
		return 0;
	if (n != 8)
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
	memcpy(r->buf, h, *type == BT_SHB ? 12 : 8);
	n = *type == BT_SHB ? 12 : 8;
	if (fread(r->buf + n, 1, *len - n, r->f) != *len - n)
		goto truncated;
	return 1;
truncated:
	snprintf(err, errlen, "truncated pcapng file");
	return -1;
}

/* An interface: its link type and timestamp resolution (if_tsresol). */
static int
add_iface(struct mbt_pcapng_reader *r, const uint8_t *b, uint32_t len)
{
	uint64_t units = 1000000;
	uint16_t *lt;
	uint64_t *un;

	if (len < 20 || r->nif == MAX_IFACES)
		return -1;
	for (uint32_t o = 16; o + 4 <= len - 4;) {
		uint16_t code = u16(r, b + o), olen = u16(r, b + o + 2);

		if (code == 0 || o + 4 + olen > len - 4)
			break;
		if (code == 9 && olen >= 1) {
			uint8_t v = b[o + 4];

			units = 1;
			for (int i = 0; i < (v & 0x7f) && units < UINT64_MAX / 10;
			     i++)
				units *= v & 0x80 ? 2 : 10;
		}
		o += 4 + ((olen + 3u) & ~3u);
	}
	lt = realloc(r->lt, (r->nif + 1) * sizeof(*lt));
	if (lt != NULL)
		r->lt = lt;
	un = realloc(r->units, (r->nif + 1) * sizeof(*un));
	if (un != NULL)
		r->units = un;
	if (lt == NULL || un == NULL)
		return -1;
	r->lt[r->nif] = u16(r, b + 8);
	r->units[r->nif++] = units ? units : 1000000;
	return 0;
}

int
mbt_pcapng_reader_open(FILE *f, struct mbt_pcapng_reader **out)
{
	uint8_t magic[4];
	struct mbt_pcapng_reader *r;

	if (fread(magic, 1, 4, f) != 4 ||
	    memcmp(magic, "\x0a\x0d\x0d\x0a", 4) != 0 || fseek(f, 0, SEEK_SET))
		return 0;
	if ((r = calloc(1, sizeof(*r))) == NULL)
		return -ENOMEM;
	r->f = f;
	*out = r;
	return 1;
}

int
mbt_pcapng_reader_scan(struct mbt_pcapng_reader *r, int *first_lt)
{
	char err[128];
	uint32_t type, len;
	bool user0 = false, other = false;

	*first_lt = -1;
	while (next_block(r, &type, &len, err, sizeof(err)) == 1 &&
	       type != BT_EPB && type != BT_SPB) {
		if (type == BT_IDB && add_iface(r, r->buf, len) == 0) {
			user0 |= r->lt[r->nif - 1] == MBT_DLT_USER0;
			other |= r->lt[r->nif - 1] != MBT_DLT_USER0;
			if (*first_lt < 0)
				*first_lt = r->lt[r->nif - 1];
		}
	}
	r->nif = 0;
	if (fseek(r->f, 0, SEEK_SET) != 0)
		return -1;
	return user0 && other ? 1 : 0;
}

int
mbt_pcapng_reader_next(struct mbt_pcapng_reader *r, struct mbt_packet *p,
    char *err, size_t errlen)
{
	uint32_t type, len;
	int rc;

	while ((rc = next_block(r, &type, &len, err, errlen)) == 1) {
		const uint8_t *b = r->buf;
		uint32_t ifc, caplen, wirelen;
		uint64_t ts;

		if (type == BT_IDB) {
			if (add_iface(r, b, len) != 0) {
				snprintf(err, errlen, "a bad interface block");
				return -1;
			}
			continue;
		}
		if ((type != BT_EPB || len < 32) && (type != BT_SPB || len < 16))
			continue; /* other blocks say nothing we show */
		ifc = type == BT_EPB ? u32(r, b + 8) : 0;
		if (ifc >= r->nif) {
			snprintf(err, errlen, "a packet on interface %u, which "
					      "no block described", ifc);
			return -1;
		}
		if (r->lt[ifc] != MBT_DLT_USER0)
			continue; /* another link type: skipped */
		if (type == BT_EPB) {
			ts = (uint64_t)u32(r, b + 12) << 32 | u32(r, b + 16);
			caplen = u32(r, b + 20);
			wirelen = u32(r, b + 24);
			p->data = b + 28;
		} else {
			ts = 0;
			wirelen = u32(r, b + 8);
			caplen = len - 16 < wirelen ? len - 16 : wirelen;
			p->data = b + 12;
		}
		if (caplen > len - (uint32_t)(p->data - b) - 4) {
			snprintf(err, errlen, "a packet longer than its block");
			return -1;
		}
		p->ts_sec = (int64_t)(ts / r->units[ifc]);
		p->ts_usec = (uint32_t)((ts % r->units[ifc]) * 1000000 /
					r->units[ifc]);
		p->caplen = caplen;
		p->wirelen = wirelen < caplen ? caplen : wirelen;
		return 1;
	}
	return rc;
}

void
mbt_pcapng_reader_close(struct mbt_pcapng_reader *r)
{
	if (r == NULL)
		return;
	fclose(r->f);
	free(r->lt);
	free(r->units);
	free(r->buf);
	free(r);
}
