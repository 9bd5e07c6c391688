/* SPDX-License-Identifier: BSD-2-Clause */
/* What the subcommands of the mbuftrace command share. */
#ifndef MBT_CLI_H
#define MBT_CLI_H

#include <stdbool.h>

/* The release, for --version and extcap's interface list. */
#ifndef MBT_VERSION
#define MBT_VERSION "0.1.0"
#endif

/*
 * Exit statuses, the same for every subcommand (mbuftrace(8), EXIT STATUS):
 * 0 done (and what was asserted held), 1 the answer is "no" (an
 * expectation did not hold), 2 it could not be done: a wrong command line,
 * input that cannot be read, an output that cannot be written, a kernel
 * that will not run the recorder.
 */
enum {
	EXIT_OK = 0,
	EXIT_NO = 1,
	EXIT_USAGE = 2,
	EXIT_FAIL = 2, /* the work could not be done: as a usage error */
};

/* Set by -j/--json: errors then also go to stdout as a JSON object,
 * {"error":{"message":"...","code":2}}. */
extern bool cli_json;
extern const char *cli_name; /* "mbuftrace read" etc., for messages */

/* The one error reporter: "mbuftrace read: ..." on stderr, and in JSON
 * mode the error object on stdout too.  Every error ends the command
 * with EXIT_USAGE, the code the object carries. */
void cli_error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* The one capture named after the options (cli_next() read them): NULL,
 * reported, when not one. */
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
