/* SPDX-License-Identifier: BSD-2-Clause */
/* Output files opened safely, and write errors that say which and why. */
#include "outfile.h"

#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "cli.h"
#include "out.h"

/* The directory path is in, as a new string (NULL when out of memory). */
static char *
dir_of(const char *path)
{
	char *copy = strdup(path), *d;

	if (copy == NULL)
		return NULL;
	d = strdup(dirname(copy));
	free(copy);
	return d;
}

/*
 * Whether a symlink at path may be followed: not in a sticky directory
 * (/tmp) or one owned by someone else (but root), where another user can
 * plant one.
 */
static bool
may_follow(const char *dir)
{
	struct stat st;

	if (stat(dir, &st) != 0)
		return false;
	return !(st.st_mode & S_ISVTX) &&
	       (st.st_uid == geteuid() || st.st_uid == 0);
}

/* Refuse to write over the capture being read: same device and inode
 * (standard input too: `read --write-pcapng t.pcap - < t.pcap`). */
int
outfile_check_input(const char *path, const char *input)
{
	bool in_std = input != NULL && strcmp(input, "-") == 0;
	struct stat in, out;

	if (input == NULL || stat(path, &out) != 0 ||
	    (in_std ? fstat(STDIN_FILENO, &in) : stat(input, &in)) != 0)
		return 0;
	if (in.st_dev == out.st_dev && in.st_ino == out.st_ino) {
		cli_error("%s: that is the input %s; refusing to write over it",
		    path, in_std ? "(standard input)" : input);
		return -EEXIST;
	}
	return 0;
}

int
outfile_open(
    struct outfile *of, const char *path, const char *input, bool whole)
{
	char *dir = NULL;
	int fd = -1, rc, flags = O_WRONLY | O_CREAT | O_CLOEXEC;
	struct stat st;

	*of = (struct outfile){.path = path};
	if (strcmp(path, "-") == 0) {
		of->f = stdout;
		return 0;
	}
	if ((rc = outfile_check_input(path, input)) != 0)
		return rc;
	/* A device or a pipe (/dev/null, /dev/stdout) is written as it is. */
	if (stat(path, &st) == 0 && !S_ISREG(st.st_mode))
		whole = false;
	if ((dir = dir_of(path)) == NULL)
		goto fail;
	if (whole) {
		mode_t mask = umask(0);

		umask(mask);
		/* asprintf() is not POSIX: the portable build has none. */
		size_t len = strlen(dir) + sizeof("/.mbuftrace-XXXXXX");

		if ((of->tmp = malloc(len)) == NULL)
			goto fail;
		snprintf(of->tmp, len, "%s/.mbuftrace-XXXXXX", dir);
		/* mkstemp's file is the user's alone; give it what a new
		 * file would get. */
		if ((fd = mkstemp(of->tmp)) < 0 ||
		    fchmod(fd, 0666 & ~mask) != 0)
			goto fail;
	} else {
		if (!may_follow(dir))
			flags |= O_NOFOLLOW;
		if ((fd = open(path, flags | O_TRUNC, 0666)) < 0)
			goto fail;
	}
	if ((of->f = fdopen(fd, "wb")) == NULL)
		goto fail;
	free(dir);
	return 0;
fail:
	rc = -errno;
	cli_error("%s: %s%s", path, strerror(errno),
	    errno == ELOOP ? " (a symlink where a file was expected)" : "");
	if (fd >= 0)
		close(fd);
	if (of->tmp != NULL) {
		unlink(of->tmp);
		free(of->tmp);
		of->tmp = NULL;
	}
	free(dir);
	return rc;
}

int
outfile_close(struct outfile *of, bool ok)
{
	int rc = 0;

	if (of->f == NULL)
		return 0;
	if (of->f == stdout) {
		if (ok && fflush(stdout) != 0)
			rc = -errno;
	} else {
		/* Synced before the rename, so that a crash leaves the old
		 * file or the new one, never an empty one in its place. */
		if (ok && (fflush(of->f) != 0 ||
			      (of->tmp != NULL && fsync(fileno(of->f)) != 0)))
			rc = -errno;
		if (fclose(of->f) != 0 && ok && rc == 0)
			rc = -errno;
		if (ok && rc == 0 && of->tmp != NULL &&
		    rename(of->tmp, of->path) != 0)
			rc = -errno;
	}
	if (rc != 0)
		cli_error("%s: %s", strcmp(of->path, "-") == 0
					 ? "standard output"
					 : of->path,
		    strerror(-rc));
	if (of->tmp != NULL && (rc != 0 || !ok))
		unlink(of->tmp);
	free(of->tmp);
	*of = (struct outfile){0};
	return ok ? rc : -EIO;
}

int
out_check(const struct out *o, const char *name)
{
	if (o->error == 0)
		return 0;
	cli_error("%s: %s", name ? name : "standard output",
	    strerror(-o->error));
	return o->error;
}
