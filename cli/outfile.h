/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Output files the command writes (graph -o, read --write-pcapng, record
 * -w, merge -w, export --otlp FILE), opened one safe way: never the input itself, never through a
 * symlink someone else could have planted, and, for files written whole,
 * into a temporary file beside the target that replaces it only once it is
 * complete, so a failure leaves the old file (or none), never half of one.
 */
#ifndef MBT_CLI_OUTFILE_H
#define MBT_CLI_OUTFILE_H

#include <stdbool.h>
#include <stdio.h>

struct out;

struct outfile {
	FILE *f;
	const char *path; /* as the user named it; "-" is standard output */
	char *tmp;	  /* the temporary file while written whole, or NULL */
};

/*
 * Open path for writing (reported on failure; returns 0 or -errno).  input
 * names the file being read (NULL for none): writing over it is refused.
 * whole: write a temporary file and rename it at outfile_close(); else the
 * file is truncated and written in place (a capture being recorded).
 */
int outfile_open(
    struct outfile *of, const char *path, const char *input, bool whole);
/* The check outfile_open() makes, for commands of several inputs: -EEXIST
 * (reported) when path is input (standard input for "-"), else 0. */
int outfile_check_input(const char *path, const char *input);
/*
 * Finish: with ok, flush, close and (written whole) put the file in place;
 * without, remove the temporary file.  Reports what failed with the file's
 * name and why; returns 0 or -errno.
 */
int outfile_close(struct outfile *of, bool ok);

/* After out_flush(): report a failed write to name (reported; -errno). */
int out_check(const struct out *o, const char *name);

#endif /* MBT_CLI_OUTFILE_H */
