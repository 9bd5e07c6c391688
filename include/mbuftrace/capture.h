/* SPDX-License-Identifier: BSD-2-Clause */
/* Reading pcap/pcapng captures of traces and writing plain pcapng files. */
#ifndef MBUFTRACE_CAPTURE_H
#define MBUFTRACE_CAPTURE_H

#include <stdint.h>
#include <stdio.h>

#ifdef __cplusplus
extern "C" {
#endif

/* One captured packet; data lives until the next mbt_capture_next(). */
struct mbt_packet {
	uint64_t frame; /* 1-based */
	int64_t ts_sec;
	uint32_t ts_usec;
	uint32_t caplen, wirelen;
	const uint8_t *data;
};

struct mbt_capture;

/*
 * Open a pcap or pcapng capture ("-" is standard input; a pipe or FIFO is
 * read as a stream).  Returns NULL and writes a message to err when it
 * cannot be read or holds no interface of link type DLT_USER0.
 */
struct mbt_capture *mbt_capture_open(
    const char *path, char *err, size_t errlen);
/* 1: a packet, 0: end of file, -1: a read error (message in err). */
int mbt_capture_next(
    struct mbt_capture *c, struct mbt_packet *p, char *err, size_t errlen);
int mbt_capture_linktype(const struct mbt_capture *c);

/*
 * A pcapng file may hold packets of other link types (tshark -i eth0 -i
 * mbuf_trace): they are skipped, keep their frame numbers, and are counted
 * here, with the first one's interface (its if_name as the file has it:
 * untrusted, escape it to show it).
 */
struct mbt_capture_skipped {
	uint64_t packets;
	uint32_t ifaces;      /* how many interfaces they were on */
	uint64_t first_frame; /* the first skipped packet */
	uint32_t iface;	      /* its interface's number in its section */
	int linktype;
	char ifname[64];      /* "" when the file names none */
};
const struct mbt_capture_skipped *mbt_capture_skipped(
    const struct mbt_capture *c);
void mbt_capture_close(struct mbt_capture *c);

/*
 * A pcapng writer for ordinary tools: one interface per link type, a
 * comment per packet.  Errors are sticky; check mbt_pcapng_close().
 */
struct mbt_pcapng;
struct mbt_pcapng *mbt_pcapng_open(FILE *f, const char *app);
int mbt_pcapng_write(struct mbt_pcapng *w, uint16_t linktype, int64_t ts_sec,
    uint32_t ts_usec, const uint8_t *data, uint32_t caplen, uint32_t wirelen,
    const char *comment, size_t comment_len);
/* Flush; returns 0 or -errno of the first failure.  Does not fclose(f). */
int mbt_pcapng_close(struct mbt_pcapng *w);

/* A classic pcap writer, for sample captures and the Linux recorder. */
int mbt_pcap_write_header(FILE *f, uint32_t linktype, uint32_t snaplen);
int mbt_pcap_write_packet(FILE *f, int64_t ts_sec, uint32_t ts_usec,
    const uint8_t *data, uint32_t caplen, uint32_t wirelen);

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_CAPTURE_H */
