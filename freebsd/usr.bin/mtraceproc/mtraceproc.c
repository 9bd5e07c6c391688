/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mtraceproc: mark processes for mbuf_trace(4) with procctl(2).
 *
 *	mtraceproc command [argument ...]	trace what command sends
 *	mtraceproc -p pid			trace what pid sends
 *	mtraceproc -d -p pid			stop tracing pid
 *	mtraceproc -q -p pid			is pid traced?
 *
 * The mark is inherited across fork(2) and kept across execve(2).
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#include <sys/types.h>
#include <sys/procctl.h>
#include <sys/wait.h>

#include <err.h>
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

static void
usage(void)
{

	fprintf(stderr, "usage: mtraceproc command [argument ...]\n"
	    "       mtraceproc [-d | -q] -p pid\n");
	exit(2);
}

int
main(int argc, char *argv[])
{
	char *end;
	long l;
	pid_t pid;
	int ch, disable, query, state;

	disable = query = 0;
	pid = 0;
	while ((ch = getopt(argc, argv, "dp:q")) != -1) {
		switch (ch) {
		case 'd':
			disable = 1;
			break;
		case 'p':
			errno = 0;
			l = strtol(optarg, &end, 10);
			if (errno != 0 || *end != '\0' || l <= 0 ||
			    l > INT_MAX)
				errx(2, "%s: not a process id", optarg);
			pid = (pid_t)l;
			break;
		case 'q':
			query = 1;
			break;
		default:
			usage();
		}
	}
	argc -= optind;
	argv += optind;
	if ((pid == 0) == (argc == 0) || (disable && query) ||
	    (pid == 0 && (disable || query)))
		usage();

	if (query) {
		if (procctl(P_PID, pid, PROC_MBUF_TRACE_STATUS, &state) == -1)
			err(1, "procctl(PROC_MBUF_TRACE_STATUS)");
		printf("%d: %s\n", (int)pid,
		    state == PROC_MBUF_TRACE_CTL_ENABLE ? "traced" :
		    "not traced");
		return (0);
	}
	state = disable ? PROC_MBUF_TRACE_CTL_DISABLE :
	    PROC_MBUF_TRACE_CTL_ENABLE;
	if (procctl(P_PID, pid, PROC_MBUF_TRACE_CTL, &state) == -1)
		err(1, "procctl(PROC_MBUF_TRACE_CTL)");
	if (argc == 0)
		return (0);
	execvp(argv[0], argv);
	err(127, "%s", argv[0]);
}
