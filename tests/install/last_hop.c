/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * A program built against the installed library, as its users build
 * theirs (tests/install/test_install.sh): for each packet of a capture,
 * "FRAME<TAB>RECORDS<TAB>LAST RECORD", the last record in mbuftrace's words.
 */
#include <stdio.h>

#include <mbuftrace/capture.h>
#include <mbuftrace/mbuftrace.h>

int
main(int argc, char **argv)
{
	char err[256], text[512];
	struct mbt_capture *c;
	struct mbt_packet p;
	struct mbt_trace t;
	int rc;

	if (argc != 2) {
		fprintf(stderr, "usage: last_hop CAPTURE\n");
		return 2;
	}
	c = mbt_capture_open(argv[1], err, sizeof(err));
	if (c == NULL) {
		fprintf(stderr, "last_hop: %s\n", err);
		return 1;
	}
	mbt_trace_init(&t);
	while ((rc = mbt_capture_next(c, &p, err, sizeof(err))) == 1) {
		mbt_decode(p.data, p.caplen, p.wirelen, &t);
		text[0] = '\0';
		if (t.nrecords > 0)
			mbt_record_text(
			    &t.records[t.nrecords - 1], text, sizeof(text));
		printf("%llu\t%zu\t%s\n", (unsigned long long)p.frame,
		    t.nrecords, text);
	}
	mbt_trace_free(&t);
	mbt_capture_close(c);
	if (rc < 0)
		fprintf(stderr, "last_hop: %s\n", err);
	return rc < 0;
}
