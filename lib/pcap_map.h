/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A fast reader of classic pcap files through a sliding memory map; the
 * capture reader uses it for regular pcap files, and its record parser
 * for pcap streams (pipes, standard input).
 */
#ifndef MBT_PCAP_MAP_H
#define MBT_PCAP_MAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "mbuftrace/capture.h"

#define MBT_PCAP_FILE_HDR_LEN 24
#define MBT_PCAP_REC_HDR_LEN 16
/* libpcap's own limit for DLT_USER0: a larger record is a corrupt file. */
#define MBT_PCAP_MAX_CAPLEN 262144u

/* What a classic pcap file header says. */
struct mbt_pcap_hdr {
	bool swapped; /* written on a host of the other byte order */
	bool nsec;    /* timestamps in nanoseconds */
	uint32_t snaplen, linktype;
};

/* 1 when buf starts a classic pcap file, else 0. */
int mbt_pcap_parse_file_hdr(
    const uint8_t *buf, size_t len, struct mbt_pcap_hdr *h);

/*
 * Parse the record at buf (avail bytes, up to the end of the file).
 * Returns its total length (> 0) and fills p (but p->frame), 0 when the
 * file ends cleanly here, or -1 with a message in err.
 */
long mbt_pcap_parse_record(const struct mbt_pcap_hdr *h, const uint8_t *buf,
    size_t avail, struct mbt_packet *p, char *err, size_t errlen);

struct mbt_pcap_map;

/* 1: opened; 0: not a regular classic pcap file (read as a stream); -1: error. */
int mbt_pcap_map_open(
    const char *path, struct mbt_pcap_map **out, char *err, size_t errlen);
int mbt_pcap_map_next(
    struct mbt_pcap_map *m, struct mbt_packet *p, char *err, size_t errlen);
uint32_t mbt_pcap_map_linktype(const struct mbt_pcap_map *m);
void mbt_pcap_map_close(struct mbt_pcap_map *m);

#endif /* MBT_PCAP_MAP_H */
