/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Classic pcap files read through a sliding window.  Reading a large
 * capture through stdio calls fread twice per packet, a tenth of
 * `mbuftrace read`'s time; one pread per 1 MiB window avoids that (it once
 * was a memory map: see map_window).  The window slides so that memory
 * stays flat however large the file.
 */
#include "pcap_map.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define WINDOW (1u << 20) /* bytes read at a time */
#define MAX_CAPLEN MBT_PCAP_MAX_CAPLEN

struct mbt_pcap_map {
	int fd;
	uint64_t size;	  /* of the file */
	uint64_t pos;	  /* next record's offset in the file */
	uint64_t win_off; /* the window's offset in the file, page aligned */
	size_t win_len;
	uint8_t *win;	  /* WINDOW bytes, win_len of them read */
	bool shrank;	  /* it got shorter while it was read, */
	uint64_t now;	  /* to this size */
	struct mbt_pcap_hdr hdr;
};

static uint32_t
rd32(const uint8_t *p, bool swapped)
{
	uint32_t v;

	memcpy(&v, p, 4);
	return swapped ? __builtin_bswap32(v) : v;
}

int
mbt_pcap_parse_file_hdr(const uint8_t *buf, size_t len, struct mbt_pcap_hdr *h)
{
	uint32_t magic;

	if (len < MBT_PCAP_FILE_HDR_LEN)
		return 0;
	memcpy(&magic, buf, 4);
	switch (magic) {
	case 0xa1b2c3d4: *h = (struct mbt_pcap_hdr){false, false, 0, 0}; break;
	case 0xd4c3b2a1: *h = (struct mbt_pcap_hdr){true, false, 0, 0}; break;
	case 0xa1b23c4d: *h = (struct mbt_pcap_hdr){false, true, 0, 0}; break;
	case 0x4d3cb2a1: *h = (struct mbt_pcap_hdr){true, true, 0, 0}; break;
	default: return 0;
	}
	h->snaplen = rd32(buf + 16, h->swapped);
	/* The upper bits may carry FCS information; the type is below. */
	h->linktype = rd32(buf + 20, h->swapped) & 0x0fffffff;
	return 1;
}

long
mbt_pcap_parse_record(const struct mbt_pcap_hdr *h, const uint8_t *buf,
    size_t avail, struct mbt_packet *p, char *err, size_t errlen)
{
	uint32_t caplen, wirelen, frac;

	if (avail == 0)
		return 0;
	if (avail < MBT_PCAP_REC_HDR_LEN) {
		snprintf(err, errlen,
		    "truncated dump file; %zu of the %d bytes "
		    "of a record header",
		    avail, MBT_PCAP_REC_HDR_LEN);
		return -1;
	}
	caplen = rd32(buf + 8, h->swapped);
	wirelen = rd32(buf + 12, h->swapped);
	if (caplen > MAX_CAPLEN) {
		snprintf(err, errlen,
		    "a record of %u bytes: the file is "
		    "corrupt",
		    caplen);
		return -1;
	}
	if (avail - MBT_PCAP_REC_HDR_LEN < caplen) {
		snprintf(err, errlen,
		    "truncated dump file; %zu of a record's "
		    "%u bytes",
		    avail - MBT_PCAP_REC_HDR_LEN, caplen);
		return -1;
	}
	frac = rd32(buf + 4, h->swapped);
	p->ts_sec = rd32(buf, h->swapped);
	p->ts_usec = h->nsec ? frac / 1000 : frac;
	p->caplen = caplen;
	p->wirelen = wirelen < caplen ? caplen : wirelen;
	p->data = buf + MBT_PCAP_REC_HDR_LEN;
	return (long)(MBT_PCAP_REC_HDR_LEN + caplen);
}

/*
 * Read the window that starts at file offset off.  Read, not mapped: a
 * capture can shrink while it is read (log rotation, tcpdump -C/-W), and a
 * mapped page past the new end kills the reader with SIGBUS.  One copy per
 * 1 MiB window costs little; pread per packet is what cost.
 */
static int
map_window(struct mbt_pcap_map *m, uint64_t off)
{
	uint64_t len = m->size - off < WINDOW ? m->size - off : WINDOW;
	size_t got = 0;

	m->win_off = off;
	m->win_len = 0;
	if (m->win == NULL && (m->win = malloc(WINDOW)) == NULL)
		return -ENOMEM;
	while (got < len) {
		ssize_t n = pread(m->fd, m->win + got, (size_t)(len - got),
		    (off_t)(off + got));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0) { /* the file shrank: its end is here now */
			struct stat st;

			m->size = off + got;
			m->shrank = true;
			m->now = fstat(m->fd, &st) == 0 ? (uint64_t)st.st_size
							: m->size;
			break;
		}
		got += (size_t)n;
	}
	m->win_len = got;
	return 0;
}

int
mbt_pcap_map_open(
    const char *path, struct mbt_pcap_map **out, char *err, size_t errlen)
{
	uint8_t hdr[MBT_PCAP_FILE_HDR_LEN];
	struct mbt_pcap_map *m;
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC), rc;

	if (fd < 0 || fstat(fd, &st) != 0 || !S_ISREG(st.st_mode) ||
	    pread(fd, hdr, sizeof(hdr), 0) != (ssize_t)sizeof(hdr)) {
		if (fd >= 0)
			close(fd);
		return 0; /* libpcap will say what is wrong, in its words */
	}
	m = calloc(1, sizeof(*m));
	if (m == NULL || !mbt_pcap_parse_file_hdr(hdr, sizeof(hdr), &m->hdr)) {
		free(m);
		close(fd);
		return 0;
	}
	m->fd = fd;
	m->size = (uint64_t)st.st_size;
	m->pos = MBT_PCAP_FILE_HDR_LEN;
	rc = map_window(m, m->pos);
	if (rc != 0) {
		snprintf(err, errlen, "%s: %s", path, strerror(-rc));
		mbt_pcap_map_close(m);
		return -1;
	}
	*out = m;
	return 1;
}

int
mbt_pcap_map_next(
    struct mbt_pcap_map *m, struct mbt_packet *p, char *err, size_t errlen)
{
	uint64_t left = m->size - m->pos;
	uint64_t in_win = m->win_off + m->win_len - m->pos;
	long n;

	if (left == 0)
		return 0;
	/* Slide when the record's header or body may reach past the window. */
	if (in_win < left && in_win < MBT_PCAP_REC_HDR_LEN + MAX_CAPLEN) {
		int rc = map_window(m, m->pos);

		if (rc != 0) {
			snprintf(err, errlen, "%s", strerror(-rc));
			return -1;
		}
		in_win = m->win_off + m->win_len - m->pos;
		left = m->size - m->pos;
	}
	n = mbt_pcap_parse_record(&m->hdr, m->win + (m->pos - m->win_off),
	    (size_t)in_win, p, err, errlen);
	if (n <= 0 && m->shrank) {
		snprintf(err, errlen,
		    "the file shrank to %llu bytes while it was read (at "
		    "byte %llu)",
		    (unsigned long long)m->now, (unsigned long long)m->pos);
		return -1;
	}
	if (n <= 0)
		return n == 0 ? 0 : -1;
	m->pos += (uint64_t)n;
	return 1;
}

uint32_t
mbt_pcap_map_linktype(const struct mbt_pcap_map *m)
{
	return m->hdr.linktype;
}

void
mbt_pcap_map_close(struct mbt_pcap_map *m)
{
	if (m == NULL)
		return;
	free(m->win);
	close(m->fd);
	free(m);
}
