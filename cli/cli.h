/* SPDX-License-Identifier: BSD-2-Clause */
/* What the subcommands of the mbuftrace command share. */
#ifndef MBT_CLI_H
#define MBT_CLI_H

#include <stdbool.h>

/* The release, for --version and extcap's interface list. */
#ifndef MBT_VERSION
#define MBT_VERSION "0.1.0"
#endif

/* Exit statuses, the same for every subcommand. */
enum {
	EXIT_OK = 0,
	EXIT_FAIL = 1,  /* the work could not be done (unreadable file...) */
	EXIT_USAGE = 2, /* the command line was wrong */
};

/* Set by -j/--json: errors then go to stdout as {"error": "..."}. */
extern bool cli_json;
extern const char *cli_name; /* "mbuftrace read" etc., for messages */

/* The one error reporter: "mbuftrace read: ..." on stderr, or JSON. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/*
 * What every subcommand's option parsing ends with, after getopt_long:
 * report the option it did not know (returns EXIT_USAGE), and take the
 * one capture named after the options (NULL, reported, when not one).
 */
int cli_bad_option(char **argv);
const char *cli_one_capture(int argc, char **argv);

/* A note for people on stderr (never JSON): progress, summaries. */
void cli_note(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* mbt_capture_close(), after a note of the packets of other link types
 * that were skipped, if any (capture_note.c). */
struct mbt_capture;
void cli_capture_close(struct mbt_capture *c, const char *path);

int do_read(int argc, char **argv);
int do_record(int argc, char **argv);
int do_paths(int argc, char **argv);
int do_diff(int argc, char **argv);
int do_expect(int argc, char **argv);
int do_graph(int argc, char **argv);
int do_explain(int argc, char **argv);
int do_extcap(int argc, char **argv);
int do_merge(int argc, char **argv);
int do_export(int argc, char **argv);

#endif /* MBT_CLI_H */
