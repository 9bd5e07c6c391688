/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace extcap`: Wireshark's external capture protocol (extcap(4)),
 * so that Wireshark and tshark list an interface "mbuf_trace" and record
 * live traces from it.  The queries (interfaces, link types, options, is
 * this filter valid) are answered here; a capture runs `mbuftrace record
 * -w -` as a child with its standard output on Wireshark's fifo, and
 * stands between the two, because:
 *
 *  - Wireshark shows anything an extcap writes on standard error as an
 *    error, even when it exits 0: record's notes (hooks attached, the
 *    summary) are kept from it, and its errors passed on when it fails;
 *  - when the fifo's reader goes away, record would learn it only at its
 *    next write, which may never come on a quiet host: the fifo is
 *    watched here, and record stopped at once;
 *  - Wireshark stops an extcap with SIGTERM (and SIGKILL 30 s later):
 *    the signal is passed on, and record's own handling stops it cleanly.
 */
#include <errno.h>
#include <fcntl.h>
#include <getopt.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "record.h"


#define EXTCAP_IFACE "mbuf_trace"
/* Record's standard error kept for a failure; Wireshark shows 1024 bytes. */
#define EXTCAP_ERR_MAX 4096

enum extcap_mode { M_NONE, M_INTERFACES, M_DLTS, M_CONFIG, M_CAPTURE };

struct extcap_opts {
	enum extcap_mode mode;
	const char *iface, *fifo, *filter;
	/* The interface's options, as record takes them. */
	const char *starts, *snaplen, *mark, *pid;
	bool nftrace, no_functions;
};

static volatile sig_atomic_t got_signal;

enum {
	O_INTERFACES = 256,
	O_VERSION,
	O_INTERFACE,
	O_DLTS,
	O_CONFIG,
	O_CAPTURE,
	O_FIFO,
	O_FILTER,
	O_IFACE,
	O_NFTRACE,
	O_SNAPLEN,
	O_MARK,
	O_PID,
	O_NO_FUNCTIONS,
};

static const struct cli_opt extcap_opts[] = {
    CLI_OPT(O_INTERFACES, "extcap-interfaces", 0, CLI_FLAG, NULL,
	"list the interface: " EXTCAP_IFACE),
    /* Wireshark's version: nothing here depends on it. */
    CLI_OPT(O_VERSION, "extcap-version", 0, CLI_OPTIONAL_TEXT, NULL, NULL),
    CLI_OPT(O_INTERFACE, "extcap-interface", 0, CLI_TEXT, "IFACE",
	"the interface asked about: " EXTCAP_IFACE),
    CLI_OPT(O_DLTS, "extcap-dlts", 0, CLI_FLAG, NULL,
	"its link type (DLT_USER0)"),
    CLI_OPT(O_CONFIG, "extcap-config", 0, CLI_FLAG, NULL,
	"its options, as below"),
    CLI_OPT(O_CAPTURE, "capture", 0, CLI_FLAG, NULL,
	"record to FIFO with `mbuftrace record -w -`"),
    CLI_OPT(O_FIFO, "fifo", 0, CLI_TEXT, "FIFO",
	"where Wireshark reads the capture"),
    CLI_OPT(O_FILTER, "extcap-capture-filter", 0, CLI_TEXT, "EXPR",
	"record's EXPRESSION; alone, say whether it\n"
	"compiles"),
    CLI_OPT(O_IFACE, "iface", 0, CLI_TEXT, "LIST",
	"start interfaces, IFACE[@NETNS] separated by\n"
	"commas or spaces (record's -i)"),
    CLI_OPT(O_NFTRACE, "nftrace", 0, CLI_FLAG, NULL,
	"packets an nftables rule marked"),
    CLI_OPT(O_SNAPLEN, "snaplen", 0, CLI_TEXT, "N",
	"bytes kept in snapshots (record's -s)"),
    CLI_OPT(O_MARK, "mark", 0, CLI_TEXT, "MARK[/MASK]",
	"packets with this mark"),
    CLI_OPT(O_PID, "pid", 0, CLI_TEXT, "PID", "packets this process sends"),
    CLI_OPT(O_NO_FUNCTIONS, "no-functions", 0, CLI_FLAG, NULL,
	"tracepoints only"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd extcap_cmd = {
    .name = "extcap",
    .about = "Wireshark's external capture protocol (extcap): Wireshark and tshark\n"
	     "run this, through the script `make install-wireshark` puts in their\n"
	     "extcap folder, to list the interface mbuf_trace and to record from it\n"
	     "with `mbuftrace record`, whose options --iface to --no-functions are.\n"
	     "One of --extcap-interfaces, --extcap-dlts, --extcap-config and\n"
	     "--capture at a time; all but the first with --extcap-interface.",
    .footer = "A capture writes nothing on standard error unless it fails.",
    .opts = extcap_opts,
};

static void
on_signal(int sig)
{
	got_signal = sig;
}

static int
set_mode(struct extcap_opts *o, enum extcap_mode m)
{
	if (o->mode != M_NONE && o->mode != m) {
		cli_error("one of --extcap-interfaces, --extcap-dlts, "
			  "--extcap-config and --capture at a time");
		return EXIT_USAGE;
	}
	o->mode = m;
	return 0;
}

static int
parse_extcap_opts(int argc, char **argv, struct extcap_opts *o)
{
	struct cli_val v;
	int c, rc = 0;

	while (rc == 0 && (c = cli_next(&extcap_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_INTERFACES: rc = set_mode(o, M_INTERFACES); break;
		case O_VERSION: break;
		case O_INTERFACE: o->iface = v.text; break;
		case O_DLTS: rc = set_mode(o, M_DLTS); break;
		case O_CONFIG: rc = set_mode(o, M_CONFIG); break;
		case O_CAPTURE: rc = set_mode(o, M_CAPTURE); break;
		case O_FIFO: o->fifo = v.text; break;
		case O_FILTER: o->filter = v.text; break;
		case O_IFACE: o->starts = v.text; break;
		case O_NFTRACE: o->nftrace = true; break;
		case O_SNAPLEN: o->snaplen = v.text; break;
		case O_MARK: o->mark = v.text; break;
		case O_PID: o->pid = v.text; break;
		case O_NO_FUNCTIONS: o->no_functions = true; break;
		}
	}
	if (rc == 0 && c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if (rc != 0)
		return rc;
	if (optind < argc) {
		cli_error(
		    "unexpected argument '%s' (see --help)", argv[optind]);
		return EXIT_USAGE;
	}
	if (o->mode == M_NONE && o->filter == NULL) {
		cli_error("give --extcap-interfaces, --extcap-dlts, "
			  "--extcap-config or --capture (see --help)");
		return EXIT_USAGE;
	}
	if (o->mode == M_INTERFACES)
		return 0;
	if (o->iface == NULL) {
		cli_error(
		    "which interface? give --extcap-interface " EXTCAP_IFACE);
		return EXIT_USAGE;
	}
	if (strcmp(o->iface, EXTCAP_IFACE) != 0) {
		cli_error(
		    "no interface '%s': this extcap has only " EXTCAP_IFACE,
		    o->iface);
		return EXIT_USAGE;
	}
	if (o->mode == M_CAPTURE && o->fifo == NULL) {
		cli_error("--capture needs --fifo FIFO to write to");
		return EXIT_USAGE;
	}
	return 0;
}

static void
print_interfaces(void)
{
	printf("extcap {version=%s}{help=man:mbuftrace-record(8)}\n"
	       "interface {value=" EXTCAP_IFACE
	       "}{display=mbuf_trace: packet paths (eBPF)}\n",
	    MBT_VERSION);
}

/*
 * The options dialog.  Record checks the values again and says what is
 * wrong; the ranges here only spare a round trip.  No {} inside values:
 * they would end the field.
 */
static void
print_config(void)
{
	fputs(
	    "arg {number=0}{call=--iface}{display=Start interfaces}"
	    "{type=string}{group=Start points}"
	    "{tooltip=Start traces only where a packet is on one of these "
	    "interfaces: IFACE or IFACE@NETNS (an ip netns name), separated "
	    "by commas or spaces, up to 8. Empty: anywhere}\n"
	    "arg {number=1}{call=--nftrace}{display=Only packets nftables "
	    "marked (nftrace)}{type=boolflag}{default=false}"
	    "{group=Start points}{tooltip=Start traces only for packets a "
	    "rule set meta nftrace set 1 on}\n"
	    "arg {number=2}{call=--mark}{display=Packet mark}{type=string}"
	    "{group=Start points}"
	    "{validation=^(0x[0-9a-fA-F]+|[0-9]+)(/(0x[0-9a-fA-F]+|[0-9]+))?$}"
	    "{tooltip=MARK or MARK/MASK: start only for packets whose mark "
	    "ANDed with MASK is MARK}\n"
	    "arg {number=3}{call=--pid}{display=Process ID}{type=integer}"
	    "{range=1,4194304}{group=Start points}{tooltip=Start only for "
	    "packets this process sends}\n"
	    "arg {number=4}{call=--snaplen}{display=Snapshot length}"
	    "{type=integer}{range=0,1024}{default=128}{group=Recording}"
	    "{tooltip=Bytes of each packet kept where its trace starts and "
	    "ends}\n"
	    "arg {number=5}{call=--no-functions}{display=Tracepoints only "
	    "(full-function mode off)}{type=boolflag}{default=false}"
	    "{group=Recording}{tooltip=Do not attach to every function that "
	    "takes a packet, even where the kernel allows it}\n",
	    stdout);
}

/* Wireshark asks before a capture: no output means valid, else the why. */
static void
check_filter(const char *expr)
{
	struct record_filter f;
	char err[256];
	int rc = record_filter_compile(expr, &f, err, sizeof(err));

	if (rc == 0)
		record_filter_free(&f);
	else
		printf("%s\n", rc == -EINVAL ? err : strerror(-rc));
}

/*
 * Record's command line: `mbuftrace record -w - ...`, the start
 * interfaces split into -i options, the filter last, after "--".
 */
static char **
record_argv(const struct extcap_opts *o, char *starts)
{
	const struct {
		const char *flag, *v;
	} valued[] = {
	    {"-s", o->snaplen},
	    {"--mark", o->mark},
	    {"--pid", o->pid},
	};
	size_t n = 16, argc = 0;
	char **argv, *save = NULL;

	for (const char *s = starts; s != NULL && *s != '\0'; s++)
		n += 2; /* generous: at most one -i per character */
	if ((argv = calloc(n, sizeof(*argv))) == NULL)
		return NULL;
	argv[argc++] = "mbuftrace";
	argv[argc++] = "record";
	argv[argc++] = "-w";
	argv[argc++] = "-";
	for (char *t = strtok_r(starts, ", \t", &save); t != NULL;
	     t = strtok_r(NULL, ", \t", &save)) {
		argv[argc++] = "-i";
		argv[argc++] = t;
	}
	for (size_t i = 0; i < sizeof(valued) / sizeof(valued[0]); i++) {
		if (valued[i].v != NULL) {
			argv[argc++] = (char *)valued[i].flag;
			argv[argc++] = (char *)valued[i].v;
		}
	}
	if (o->nftrace)
		argv[argc++] = "--nftrace";
	if (o->no_functions)
		argv[argc++] = "--no-functions";
	if (o->filter != NULL && o->filter[0] != '\0') {
		argv[argc++] = "--";
		argv[argc++] = (char *)o->filter;
	}
	return argv;
}

/* The child: record, writing the fifo, its standard error to us. */
static pid_t
start_record(char **argv, int fifo_fd, int err_fd, const sigset_t *mask)
{
	pid_t parent = getpid(), pid = fork();

	if (pid != 0)
		return pid;
	/* Should we be SIGKILLed (Wireshark does, 30 s after SIGTERM),
	 * record stops as if Wireshark had asked it. */
	if (prctl(PR_SET_PDEATHSIG, SIGTERM) != 0 || getppid() != parent)
		_exit(EXIT_FAIL);
	if (dup2(fifo_fd, STDOUT_FILENO) < 0 || dup2(err_fd, STDERR_FILENO) < 0)
		_exit(EXIT_FAIL);
	/* EPIPE, not death by SIGPIPE, when the fifo's reader is gone.  A
	 * SIGTERM passed on before record has its handler ends it plainly,
	 * which is as good: nothing is attached yet. */
	signal(SIGPIPE, SIG_IGN);
	signal(SIGTERM, SIG_DFL);
	signal(SIGINT, SIG_DFL);
	sigprocmask(SIG_SETMASK, mask, NULL);
	execv("/proc/self/exe", argv);
	fprintf(stderr, "mbuftrace extcap: cannot run /proc/self/exe: %s\n",
	    strerror(errno));
	_exit(EXIT_FAIL);
}

static bool
reader_gone(int fifo_fd)
{
	struct pollfd p = {.fd = fifo_fd};

	/* A fifo's writer gets POLLERR once no reader is left. */
	return poll(&p, 1, 0) == 1 && (p.revents & (POLLERR | POLLHUP));
}

/*
 * Until record exits: pass signals on, stop it when the reader leaves
 * (*gone), and keep the end of what it writes on standard error.
 * ppoll() unblocks SIGTERM and SIGINT only while it waits, so that none
 * is lost between a check and the wait.  *stopped: record was asked to.
 */
static int
watch_record(pid_t child, int fifo_fd, int err_fd, const sigset_t *waitmask,
    char *errbuf, size_t *errlen, bool *gone, bool *stopped)
{
	struct pollfd p[2] = {
	    {.fd = err_fd, .events = POLLIN},
	    {.fd = fifo_fd, .events = 0}, /* POLLERR is always reported */
	};
	char buf[512];
	ssize_t n;
	int status;

	for (;;) {
		if (got_signal != 0) {
			kill(child, got_signal);
			got_signal = 0;
			*stopped = true;
		}
		if (ppoll(p, 2, NULL, waitmask) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (p[1].revents & (POLLERR | POLLHUP)) {
			*gone = *stopped = true;
			kill(child, SIGTERM);
			p[1].fd = -1;
		}
		if (p[0].revents == 0)
			continue;
		if ((n = read(err_fd, buf, sizeof(buf))) == 0)
			break; /* record has exited */
		if (n < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		/* Keep the end: an error during the run comes last. */
		if (*errlen + (size_t)n > EXTCAP_ERR_MAX) {
			size_t drop = *errlen + (size_t)n - EXTCAP_ERR_MAX;

			memmove(errbuf, errbuf + drop, *errlen - drop);
			*errlen -= drop;
		}
		memcpy(errbuf + *errlen, buf, (size_t)n);
		*errlen += (size_t)n;
	}
	while (waitpid(child, &status, 0) < 0) {
		if (errno != EINTR)
			return -1;
	}
	*gone = *gone || reader_gone(fifo_fd);
	return status;
}

/*
 * Record failed: pass its errors on, without its progress notes, which
 * could push the error past what Wireshark shows.
 */
static void
report_failure(char *errbuf, size_t errlen, int status)
{
	static const char *const notes[] = {
	    "mbuftrace record: tracing: ",
	    "mbuftrace record: full-function mode: ",
	};
	bool said = false;
	char *save = NULL;

	errbuf[errlen] = '\0';
	for (char *line = strtok_r(errbuf, "\n", &save); line != NULL;
	     line = strtok_r(NULL, "\n", &save)) {
		bool note = false;

		for (size_t i = 0; i < sizeof(notes) / sizeof(notes[0]); i++)
			note = note ||
			       strncmp(line, notes[i], strlen(notes[i])) == 0;
		if (!note) {
			fprintf(stderr, "%s\n", line);
			said = true;
		}
	}
	if (said)
		return;
	if (status >= 0 && WIFSIGNALED(status))
		cli_error(
		    "mbuftrace record ended by signal %d", WTERMSIG(status));
	else
		cli_error("mbuftrace record failed (status %d)",
		    status >= 0 ? WEXITSTATUS(status) : -1);
}

static int
capture(const struct extcap_opts *o)
{
	static char errbuf[EXTCAP_ERR_MAX + 1];
	struct sigaction sa = {.sa_handler = on_signal}; /* no SA_RESTART */
	sigset_t block, orig;
	char *starts = strdup(o->starts != NULL ? o->starts : "");
	char **argv = starts != NULL ? record_argv(o, starts) : NULL;
	int fifo_fd = -1, errp[2] = {-1, -1}, status, rc = EXIT_FAIL;
	size_t errlen = 0;
	bool gone = false, stopped = false;
	pid_t child;

	if (argv == NULL) {
		cli_error("%s", strerror(ENOMEM));
		goto out;
	}
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
	/* Blocks until Wireshark's dumpcap opens the other end; a SIGTERM
	 * meanwhile interrupts it. */
	fifo_fd = open(o->fifo, O_WRONLY | O_CLOEXEC);
	if (fifo_fd < 0) {
		if (errno == EINTR) {
			rc = EXIT_OK; /* stopped before it started */
			goto out;
		}
		cli_error("--fifo %s: %s", o->fifo, strerror(errno));
		goto out;
	}
	sigemptyset(&block);
	sigaddset(&block, SIGTERM);
	sigaddset(&block, SIGINT);
	sigprocmask(SIG_BLOCK, &block, &orig);
	if (got_signal != 0) {
		rc = EXIT_OK;
		goto out;
	}
	if (pipe2(errp, O_CLOEXEC) != 0 ||
	    (child = start_record(argv, fifo_fd, errp[1], &orig)) < 0) {
		cli_error("cannot start mbuftrace record: %s", strerror(errno));
		goto out;
	}
	close(errp[1]);
	errp[1] = -1;
	status = watch_record(
	    child, fifo_fd, errp[0], &orig, errbuf, &errlen, &gone, &stopped);
	if (status >= 0 && WIFEXITED(status) && WEXITSTATUS(status) == 0)
		rc = EXIT_OK;
	else if (gone)
		rc = EXIT_OK; /* Wireshark stopped reading: nobody to tell */
	else if (status >= 0 && WIFSIGNALED(status) && stopped)
		rc = EXIT_OK; /* stopped before record could catch it */
	else {
		report_failure(errbuf, errlen, status);
		rc = status >= 0 && WIFEXITED(status) ? WEXITSTATUS(status)
						      : EXIT_FAIL;
	}
out:
	for (int i = 0; i < 2; i++) {
		if (errp[i] >= 0)
			close(errp[i]);
	}
	if (fifo_fd >= 0)
		close(fifo_fd);
	free(argv);
	free(starts);
	return rc;
}

int
do_extcap(int argc, char **argv)
{
	struct extcap_opts o = {0};
	int rc = parse_extcap_opts(argc, argv, &o);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	switch (o.mode) {
	case M_INTERFACES: print_interfaces(); break;
	case M_DLTS:
		puts("dlt {number=147}{name=USER0}{display=mbuf_trace}");
		break;
	case M_CONFIG: print_config(); break;
	case M_CAPTURE: return capture(&o);
	case M_NONE: check_filter(o.filter); break;
	}
	return fflush(stdout) == 0 ? EXIT_OK : EXIT_FAIL;
}
