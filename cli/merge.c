/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace merge`: several hosts' captures of the same packets joined
 * into journeys, one capture out, on one clock.
 */
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "journey.h"

enum { O_HOST = 256 };

static const struct cli_opt merge_opts[] = {
    CLI_OPT_MANY(O_HOST, "host", 0, "NAME=FILE",
	"FILE was recorded on host NAME (else the file's\n"
	"name without directory and extension names it)"),
    CLI_OPT_NEEDED('w', "write", 'w', "OUT",
	"write the journeys to OUT (pcapng; - is stdout)"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd merge_cmd = {
    .name = "merge",
    .operands = "[FILE|NAME=FILE]...",
    .about = "Join the traces that several hosts recorded of the same packets into\n"
	     "journeys: a packet that left one host is joined to the packet that\n"
	     "arrived on another when their headers on the wire agree (addresses and\n"
	     "ports as NAT left them, TTL, IP id, TCP sequence, ICMP id and\n"
	     "sequence, the first payload bytes) and nothing else looks the same.\n"
	     "The hosts' clock offsets are solved from the joins; OUT holds one\n"
	     "trace per journey, each record naming its host, on the first host's\n"
	     "clock.  What was joined, the offsets and what was refused go to\n"
	     "standard error.",
    .opts = merge_opts,
};

int
do_merge(int argc, char **argv)
{
	struct mbt_journeys j;
	struct cli_val v;
	const char *outpath = NULL;
	struct outfile of;
	int c, rc = 0;

	mbt_journeys_init(&j);
	while ((c = cli_next(&merge_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_HOST:
			if (strchr(v.text, '=') == NULL) {
				cli_bad_value(v.opt, v.text, "not NAME=FILE");
				mbt_journeys_free(&j);
				return EXIT_USAGE;
			}
			if (journey_load(&j, v.text) != 0)
				rc = EXIT_FAIL;
			break;
		case 'w': outpath = v.text; break;
		}
	}
	if (c != CLI_END) {
		mbt_journeys_free(&j);
		return c == CLI_HELP ? EXIT_OK : EXIT_USAGE;
	}
	if (outpath == NULL || (optind == argc && j.nhosts == 0)) {
		cli_error(outpath == NULL ? "where to? give -w OUT (see --help)"
					  : "which captures? (see --help)");
		mbt_journeys_free(&j);
		return EXIT_USAGE;
	}
	for (int i = optind; i < argc && rc == 0; i++)
		if (journey_load(&j, argv[i]) != 0)
			rc = EXIT_FAIL;
	if (rc != 0) {
		mbt_journeys_free(&j);
		return rc;
	}
	/* The output is none of the inputs (FILE, NAME=FILE, --host's), and
	 * is opened the outfile way: no planted symlink followed, written
	 * whole or not at all. */
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i], *eq = strchr(a, '=');

		if (outpath >= a && outpath <= a + strlen(a))
			continue; /* -w OUT, --write=OUT itself */
		if (outfile_check_input(outpath, eq != NULL ? eq + 1 : a) != 0) {
			mbt_journeys_free(&j);
			return EXIT_FAIL;
		}
	}
	if (outfile_open(&of, outpath, NULL, true) != 0) {
		mbt_journeys_free(&j);
		return EXIT_FAIL;
	}
	rc = journey_write(&j, of.f, outpath) == 0 ? EXIT_OK : EXIT_FAIL;
	if (outfile_close(&of, rc == EXIT_OK) != 0)
		rc = EXIT_FAIL;
	if (rc == EXIT_OK)
		journey_report(&j, stderr);
	mbt_journeys_free(&j);
	return rc;
}
