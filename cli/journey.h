/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * What `merge`, `export` and the commands that read several captures
 * share: loading hosts' captures as journeys, and writing them joined.
 */
#ifndef MBT_CLI_JOURNEY_H
#define MBT_CLI_JOURNEY_H

#include <stdio.h>

#include "mbuftrace/journey.h"

/*
 * Add one capture: "FILE" (its host is named after the file, without
 * directory and extension) or "NAME=FILE".  Captures of one name are one
 * host.  Errors are reported; returns 0, -EIO or -ENOMEM.
 */
int journey_load(struct mbt_journeys *j, const char *spec);

/*
 * Join and write every journey, earliest first, as a pcapng file of
 * traces (a comment per packet names its hosts) to f, named path in
 * messages.  Returns 0 or -errno (reported).
 */
int journey_write(struct mbt_journeys *j, FILE *f, const char *path);

/* What joining found, for people: clocks, joins, refusals (stderr). */
void journey_report(const struct mbt_journeys *j, FILE *f);

/*
 * The capture the subcommands named after their options: with one, that
 * file; with several, their journeys joined into a temporary file that is
 * removed at exit (what joining found goes to stderr).  NULL (reported)
 * when none is named; a capture that cannot be read exits with EXIT_FAIL.
 */
const char *cli_captures(int argc, char **argv);

#endif /* MBT_CLI_JOURNEY_H */
