/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A small pcapng writer: stock tcpdump, tshark and Wireshark show each
 * packet's comment, which is how traces reach tools without a plugin.
 * Blocks are written in host byte order, as the format allows.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/capture.h"

#define PCAPNG_SHB 0x0a0d0d0a
#define PCAPNG_IDB 0x00000001
#define PCAPNG_EPB 0x00000006
#define PCAPNG_OPT_END 0
#define PCAPNG_OPT_COMMENT 1
#define PCAPNG_SHB_USERAPPL 4
#define MAX_IFACES 32

struct mbt_pcapng {
	FILE *f;
	int error;
	unsigned nifaces;
	uint16_t linktypes[MAX_IFACES]; /* interface id -> link type */
};

static size_t
pad4(size_t n)
{
	return (n + 3) & ~(size_t)3;
}

static void
put(struct mbt_pcapng *w, const void *p, size_t n)
{
	static const uint8_t zeros[4];

	if (w->error == 0 && n > 0 && fwrite(p ? p : zeros, 1, n, w->f) != n)
		w->error = errno ? -errno : -EIO; /* ENOSPC says more */
}

static void
put32(struct mbt_pcapng *w, uint32_t v)
{
	put(w, &v, 4);
}

/* An option: code, length, value padded to 4 bytes. */
static void
put_option(struct mbt_pcapng *w, uint16_t code, const void *v, size_t len)
{
	uint16_t h[2] = {code, (uint16_t)len};

	put(w, h, 4);
	put(w, v, len);
	put(w, NULL, pad4(len) - len);
}

static size_t
option_len(size_t len)
{
	return 4 + pad4(len);
}

struct mbt_pcapng *
mbt_pcapng_open(FILE *f, const char *app)
{
	struct mbt_pcapng *w = calloc(1, sizeof(*w));
	size_t applen = strlen(app);
	uint32_t total = 28 + (uint32_t)option_len(applen) + 4;
	uint16_t version[2] = {1, 0};
	int64_t section_len = -1;

	if (w == NULL)
		return NULL;
	w->f = f;
	put32(w, PCAPNG_SHB);
	put32(w, total);
	put32(w, 0x1a2b3c4d);
	put(w, version, 4);
	put(w, &section_len, 8);
	put_option(w, PCAPNG_SHB_USERAPPL, app, applen);
	put_option(w, PCAPNG_OPT_END, NULL, 0);
	put32(w, total);
	return w;
}

/* The interface id for a link type, describing a new one when needed. */
static int
iface_for(struct mbt_pcapng *w, uint16_t linktype)
{
	uint16_t lt_reserved[2] = {linktype, 0};

	for (unsigned i = 0; i < w->nifaces; i++) {
		if (w->linktypes[i] == linktype)
			return (int)i;
	}
	if (w->nifaces == MAX_IFACES)
		return -1;
	put32(w, PCAPNG_IDB);
	put32(w, 20);
	put(w, lt_reserved, 4);
	put32(w, 0); /* no snap length limit */
	put32(w, 20);
	w->linktypes[w->nifaces] = linktype;
	return (int)w->nifaces++;
}

int
mbt_pcapng_write(struct mbt_pcapng *w, uint16_t linktype, int64_t ts_sec,
    uint32_t ts_usec, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    const char *comment, size_t comment_len)
{
	int iface = iface_for(w, linktype);
	uint64_t ts = (uint64_t)ts_sec * 1000000u + ts_usec;
	size_t clen = comment_len > 65535 - 4 ? 65535 - 4 : comment_len;
	size_t total =
	    32 + pad4(caplen); /* 28-byte head, data, 4-byte trailer */

	if (iface < 0)
		return w->error = -E2BIG;
	if (clen > 0)
		total += option_len(clen) + 4;
	put32(w, PCAPNG_EPB);
	put32(w, (uint32_t)total);
	put32(w, (uint32_t)iface);
	put32(w, (uint32_t)(ts >> 32));
	put32(w, (uint32_t)ts);
	put32(w, caplen);
	put32(w, wirelen);
	put(w, data, caplen);
	put(w, NULL, pad4(caplen) - caplen);
	if (clen > 0) {
		put_option(w, PCAPNG_OPT_COMMENT, comment, clen);
		put_option(w, PCAPNG_OPT_END, NULL, 0);
	}
	put32(w, (uint32_t)total);
	return w->error;
}

int
mbt_pcapng_close(struct mbt_pcapng *w)
{
	int rc = w->error;

	if (rc == 0 && fflush(w->f) != 0)
		rc = errno ? -errno : -EIO;
	free(w);
	return rc;
}
