/* SPDX-License-Identifier: BSD-2-Clause */
/* `mbuftrace expect`: what checking finds, and how it is reported. */
#ifndef MBT_CLI_EXPECT_H
#define MBT_CLI_EXPECT_H

#include "paths.h"

/* One case's outcome over the whole capture. */
struct case_result {
	const struct mbt_case *c;
	struct mbt_match *match;
	uint64_t selected, failed;
	/* The first packet that broke the case, kept to show its path. */
	uint64_t frame;
	uint8_t *bytes;
	struct mbt_trace trace;
	struct mbt_path path;
	struct mbt_check check;
};

/* "through r1:eth1, then nft:inet/filter/forward; ends delivered@h2". */
size_t expect_words(const struct mbt_case *c, char *buf, size_t size);
void expect_report_text(struct out *o, const struct case_result *r);
void expect_report_json(struct json *j, const struct case_result *r);

#endif /* MBT_CLI_EXPECT_H */
