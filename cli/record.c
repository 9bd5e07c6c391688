/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace record`: trace packets live through a Linux kernel with eBPF
 * and print each finished trace as `mbuftrace read` would (text or JSON
 * Lines), or write them to a pcap file of link type DLT_USER0.
 */
#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <linux/magic.h>
#include <regex.h>
#include <sys/stat.h>
#include <sys/vfs.h>
#include <time.h>
#include <unistd.h>

#include "../linux/assemble.h"
#include "../linux/loader.h"
#include "../linux/names.h"
#include "../linux/nftrace.h"
#include "cli.h"
#include "opt.h"
#include "outfile.h"
#include "read.h"
#include "record.h"

/* A trace with no event for this long is emitted without an end. */
#define RECORD_IDLE_NS (2 * 1000000000ULL)
#define RECORD_DEFAULT_SNAPLEN 128
/* The kernel wakes us only when much is waiting (see record.bpf.c): look
 * this often anyway, which bounds how late a trace is shown. */
#define RECORD_POLL_MS 50
/* How often the hooks' idle path is kept working (mbt_lx_sweep()). */
#define RECORD_SWEEP_NS 1000000000ULL

struct record_opts {
	struct mbt_lx_config lx;
	uint64_t count;	   /* 0 = no limit */
	double duration;   /* seconds; 0 = no limit */
	const char *wpath; /* -w */
	char *expr;
	/* -i's namespaces, as paths: what the filter's warnings look in */
	char iface_ns[MBT_LX_MAX_IFACES][4096];
};

struct record_run {
	const struct record_opts *opt;
	struct mbt_lx_asm *asm_;
	struct mbt_nft_listener *nft; /* NULL: verdicts not merged */
	struct out *o;
	FILE *wfile;
	struct outfile wout; /* -w */
	off_t good;	     /* where its last whole trace ends */
	uint64_t frame;
	uint64_t packets; /* traces that are no copy's: what -c counts */
	int write_error;
	bool done;
};

static volatile sig_atomic_t stop_signal;

enum {
	O_DURATION = 256,
	O_MARK,
	O_NFTRACE,
	O_PID,
	O_FUNCTIONS,
	O_NO_FUNCTIONS
};

static const struct cli_opt record_opts[] = {
    CLI_OPT_MANY('i', NULL, 'i', "IFACE[@NETNS]",
	"start where the packet is on interface IFACE in\n"
	"namespace NETNS (an `ip netns` name or a path);\n"
	"without @NETNS, in this one; up to 8"),
    CLI_OPT_UINT('c', NULL, 'c', "COUNT", 0, UINT64_MAX,
	"stop after COUNT traces"),
    CLI_OPT(O_DURATION, "duration", 0, CLI_SECONDS, "SECS",
	"stop after SECS seconds"),
    CLI_OPT_UINT('s', NULL, 's', "SNAPLEN", 0, MBT_LX_SNAP_MAX,
	"bytes of packet kept in snapshots (default 128,\n"
	"at most 1024)"),
    CLI_OPT('w', NULL, 'w', CLI_TEXT, "FILE|-",
	"write the traces to FILE as pcap (DLT_USER0),\n"
	"as traces end; - is standard output"),
    CLI_OPT_JSON("JSON Lines, as `mbuftrace read --json`"),
    CLI_OPT(O_MARK, "mark", 0, CLI_TEXT, "MARK[/MASK]",
	"start only for packets whose mark & MASK is MARK"),
    CLI_OPT(O_NFTRACE, "nftrace", 0, CLI_FLAG, NULL,
	"start only for packets an nftables rule set\n"
	"`meta nftrace set 1` on"),
    CLI_OPT_UINT(O_PID, "pid", 0, "PID", 1, UINT32_MAX,
	"start only for packets process PID sends"),
    CLI_OPT(O_FUNCTIONS, "functions", 0, CLI_TEXT, "REGEX",
	"where the kernel allows kprobe-multi or fentry,\n"
	"record only the skb functions matching REGEX\n"
	"(default: every function that takes an skb)"),
    CLI_OPT(O_NO_FUNCTIONS, "no-functions", 0, CLI_FLAG, NULL,
	"tracepoints only, even where functions attach"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd record_cmd = {
    .name = "record",
    .operands = "[EXPRESSION]",
    .about = "Trace packets through this Linux kernel with eBPF and print each path\n"
	     "when the packet's life ends.  A trace starts at the first place a\n"
	     "packet matching EXPRESSION (tcpdump syntax) and every start point given\n"
	     "is seen, and follows the packet across namespaces to its end.",
    .opts = record_opts,
    .options_first = true,
};

static void
on_signal(int sig)
{
	stop_signal = sig;
}

/* "veth1@r1": the interface's name and its namespace's inode. */
static int
parse_iface(const char *arg, struct mbt_lx_iface_match *m, char *path,
    size_t size)
{
	const char *at = strchr(arg, '@');
	size_t n = at != NULL ? (size_t)(at - arg) : strlen(arg);
	struct stat st;
	struct statfs fs;

	if (n == 0 || n >= sizeof(m->name)) {
		cli_error(
		    "-i %s: an interface name has 1 to 15 characters", arg);
		return -EINVAL;
	}
	memset(m->name, 0, sizeof(m->name));
	memcpy(m->name, arg, n);
	if (at == NULL)
		snprintf(path, size, "/proc/self/ns/net");
	else if (strchr(at + 1, '/') != NULL)
		snprintf(path, size, "%s", at + 1);
	else
		snprintf(path, size, "/run/netns/%s", at + 1);
	if (stat(path, &st) != 0) {
		cli_error(
		    "-i %s: no namespace %s (%s)", arg, path, strerror(errno));
		return -ENOENT;
	}
	/* Any other file has an inode too, which no namespace would match:
	 * a trace that silently starts nowhere. */
	if (statfs(path, &fs) != 0 || fs.f_type != NSFS_MAGIC) {
		cli_error("-i %s: %s is not a network namespace (one of "
			  "/run/netns, or a path like /proc/PID/ns/net)",
		    arg, path);
		return -EINVAL;
	}
	m->netns = st.st_ino;
	return 0;
}

static int
parse_mark(const struct cli_opt *o, const char *arg, struct mbt_lx_config *c)
{
	char buf[64], why[128], *slash;
	uint64_t v, mask = UINT32_MAX;

	snprintf(buf, sizeof(buf), "%s", arg);
	if ((slash = strchr(buf, '/')) != NULL) {
		*slash = '\0';
		if (cli_uint(slash + 1, 0, UINT32_MAX, &mask, why, sizeof(why)))
			return cli_bad_value(o, arg, "MASK %s", why);
	}
	if (cli_uint(buf, 0, UINT32_MAX, &v, why, sizeof(why)) != 0)
		return cli_bad_value(o, arg, "MARK %s", why);
	c->want_mark = true;
	c->mark = (uint32_t)(v & mask);
	c->mark_mask = (uint32_t)mask;
	return 0;
}

/* --functions takes what the loader compiles (linux/functions.c): checked
 * here, so that a typo is an error before anything starts. */
static bool
regex_ok(const char *re)
{
	regex_t r;
	int rc = regcomp(&r, re, REG_EXTENDED | REG_NOSUB);
	char why[128];

	if (rc == 0) {
		regfree(&r);
		return true;
	}
	regerror(rc, &r, why, sizeof(why));
	cli_error("--functions '%s': not a regular expression: %s", re, why);
	return false;
}

/* The words after the options, joined, as tcpdump takes them. */
static char *
join_args(int argc, char **argv)
{
	size_t n = 1;
	char *s;

	for (int i = 0; i < argc; i++)
		n += strlen(argv[i]) + 1;
	if ((s = calloc(1, n)) == NULL)
		return NULL;
	for (int i = 0; i < argc; i++) {
		if (i > 0)
			strcat(s, " ");
		strcat(s, argv[i]);
	}
	return s;
}

static int
parse_record_opts(int argc, char **argv, struct record_opts *opt)
{
	struct cli_val v;
	int c;

	opt->lx.snaplen = RECORD_DEFAULT_SNAPLEN;
	while ((c = cli_next(&record_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case 'i':
			if (opt->lx.n_ifaces == MBT_LX_MAX_IFACES) {
				cli_error("at most %d -i start points",
				    MBT_LX_MAX_IFACES);
				return EXIT_USAGE;
			}
			if (parse_iface(v.text,
				&opt->lx.ifaces[opt->lx.n_ifaces],
				opt->iface_ns[opt->lx.n_ifaces],
				sizeof(opt->iface_ns[0])))
				return EXIT_USAGE;
			opt->lx.n_ifaces++;
			break;
		case 'c': opt->count = v.u; break;
		case 's': opt->lx.snaplen = (uint32_t)v.u; break;
		case 'w': opt->wpath = v.text; break;
		case O_DURATION: opt->duration = v.seconds; break;
		case O_MARK:
			if (parse_mark(v.opt, v.text, &opt->lx) != 0)
				return EXIT_USAGE;
			break;
		case O_NFTRACE: opt->lx.want_nftrace = true; break;
		case O_FUNCTIONS:
			if (!regex_ok(v.text))
				return EXIT_USAGE;
			opt->lx.functions = v.text;
			break;
		case O_NO_FUNCTIONS: opt->lx.no_functions = true; break;
		case O_PID:
			opt->lx.want_pid = true;
			opt->lx.pid = (uint32_t)v.u;
			break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if (optind < argc &&
	    (opt->expr = join_args(argc - optind, argv + optind)) == NULL)
		return EXIT_FAIL;
	return 0;
}

static uint64_t
clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ULL + (uint64_t)ts.tv_nsec;
}

/*
 * Is the trace a copy's (a raw socket's, a tap's, a fragment's)?  It comes
 * with its original's, and -c does not count it as one more packet.
 */
static bool
is_copy(const uint8_t *trace, size_t len)
{
	static const uint8_t none[8];

	return len >= MBT_V3_HDR_LEN &&
	       memcmp(trace + MBT_V3_OFF_PARENT_ID, none, sizeof(none)) != 0;
}

/* A finished trace: write it, or print it as `read` does. */
static void write_failed(struct record_run *run);

static int
emit(void *ctx, const uint8_t *trace, size_t len, uint64_t realtime_ns)
{
	struct record_run *run = ctx;
	struct mbt_packet p = {
	    .frame = ++run->frame,
	    .ts_sec = (int64_t)(realtime_ns / 1000000000ULL),
	    .ts_usec = (uint32_t)(realtime_ns % 1000000000ULL / 1000),
	    .caplen = (uint32_t)len,
	    .wirelen = (uint32_t)len,
	    .data = trace,
	};
	static struct mbt_trace t;
	static bool t_init;

	if (run->done)
		return 0; /* -c reached: traces released with the last are not */
	if (run->wfile != NULL) {
		if (run->write_error == 0 &&
		    mbt_pcap_write_packet(run->wfile, p.ts_sec, p.ts_usec,
			trace, (uint32_t)len, (uint32_t)len) != 0)
			write_failed(run);
	} else {
		if (!t_init) {
			mbt_trace_init(&t);
			t_init = true;
		}
		if (mbt_decode(trace, len, len, &t) == -ENOMEM)
			return -ENOMEM;
		if (cli_json)
			json_trace(run->o, &p, &t);
		else
			text_trace(run->o, &p, &t);
	}
	run->packets += !is_copy(trace, len);
	if (run->opt->count > 0 && run->packets >= run->opt->count)
		run->done = true;
	return run->write_error;
}

static int
on_event(void *ctx, void *data, size_t size)
{
	struct record_run *run = ctx;
	int rc;

	if (run->done)
		return 0; /* -c reached: the rest is not wanted */
	rc = mbt_lx_asm_feed(run->asm_, data, size);
	if (rc == -EINVAL)
		return 0; /* counted in the assembler's stats; go on */
	return rc < 0 ? rc : run->done;
}

static const char *
stop_reason(const struct record_run *run, int rc)
{
	if (rc < 0)
		return "error";
	if (stop_signal == SIGINT)
		return "SIGINT";
	if (stop_signal == SIGTERM)
		return "SIGTERM";
	if (run->done)
		return "count";
	return "duration";
}

static void
print_summary(const struct record_run *run, struct mbt_lx_loader *l, int rc,
    const char *missing)
{
	const struct mbt_lx_asm_stats *s = &run->asm_->stats;
	struct mbt_lx_counters k;

	mbt_lx_counters(l, &k);
	cli_note("%" PRIu64 " trace%s emitted (%" PRIu64 " without an end), "
		 "%" PRIu64 " events; lost: %" PRIu64 " events (ring buffer "
		 "full), %" PRIu64 " records (trace longer than %d), %" PRIu64
		 " bad events%s%s; stopped by %s",
	    s->traces, s->traces == 1 ? "" : "s", s->unfinished, s->events,
	    k.lost, s->records_lost, MBT_LX_MAX_EVENTS, s->bad_events,
	    s->bad_events > 0 ? ": " : "",
	    s->bad_events > 0 ? s->last_error : "", stop_reason(run, rc));
	if (run->nft != NULL &&
	    (s->rules > 0 || s->rules_unmatched > 0 || run->nft->overruns > 0 ||
		run->nft->bad > 0))
		cli_note("nftables verdicts: %" PRIu64 " merged into traces, "
			 "%" PRIu64 " of packets not traced; lost: %" PRIu64
			 " socket overruns, %" PRIu64 " bad events",
		    s->rules, s->rules_unmatched, run->nft->overruns,
		    run->nft->bad);
	if (cli_json && run->wfile == NULL) {
		struct out *o = run->o;

		out_str(o, "{\"summary\":{\"traces\":");
		out_u64(o, s->traces);
		out_str(o, ",\"unfinished\":");
		out_u64(o, s->unfinished);
		out_str(o, ",\"events\":");
		out_u64(o, s->events);
		out_str(o, ",\"events_lost\":");
		out_u64(o, k.lost);
		out_str(o, ",\"records_lost\":");
		out_u64(o, s->records_lost);
		out_str(o, ",\"bad_events\":");
		out_u64(o, s->bad_events);
		out_str(o, ",\"nft_verdicts\":");
		out_u64(o, s->rules);
		out_str(o, ",\"nft_unmatched\":");
		out_u64(o, s->rules_unmatched);
		out_str(o, ",\"nft_overruns\":");
		out_u64(o, run->nft != NULL ? run->nft->overruns : 0);
		out_str(o, ",\"hooks_attached\":");
		out_u64(o, (uint64_t)mbt_lx_attached(l));
		out_str(o, ",\"hooks_missing\":");
		out_json_str(o, missing, strlen(missing));
		out_str(o, ",\"stop\":\"");
		out_str(o, stop_reason(run, rc));
		out_str(o, "\"}}\n");
		out_flush(o);
	}
}

static int
open_output(struct record_run *run, const char *path)
{
	int rc;

	if (path == NULL)
		return 0;
	if ((rc = outfile_open(&run->wout, path, NULL, false)) != 0)
		return rc;
	run->wfile = run->wout.f;
	if (mbt_pcap_write_header(run->wfile, MBT_DLT_USER0, 262144) != 0 ||
	    fflush(run->wfile) != 0) {
		cli_error("%s: %s", path, strerror(errno));
		return -EIO;
	}
	return 0;
}

/*
 * A write failed (a full disk): the capture ends at the last whole record
 * flushed, not in the middle of one, and the error names the file.
 */
static void
write_failed(struct record_run *run)
{
	int e = errno ? errno : EIO;

	if (run->write_error == 0) {
		cli_error("%s: %s; the capture ends at its last whole trace",
		    run->wout.path, strerror(e));
		if (run->wfile != stdout)
			(void)!ftruncate(fileno(run->wfile), run->good);
	}
	run->write_error = -e;
}

/*
 * Write out what the last round of events finished, written or printed:
 * the traces of a round end within microseconds of each other, so this is
 * as prompt as a flush per trace (the reader sees each within 100 ms of
 * its end), and a burst costs one write, not one per trace.
 */
static void
flush_output(struct record_run *run)
{
	if (run->wfile != NULL) {
		if (run->write_error != 0)
			return;
		if (fflush(run->wfile) != 0)
			write_failed(run);
		else if (run->wfile != stdout)
			run->good = ftello(run->wfile);
		return;
	}
	out_flush(run->o);
	if (run->o->error != 0)
		run->write_error = -EIO;
}

/*
 * Listen to nftables' trace events, to merge verdicts into traces: they
 * cost nothing while no rule sets nf_trace.  Without them record still
 * works; with --nftrace the user expects them, so say why they are not.
 */
static void
open_nftrace(struct record_run *run, struct mbt_nft_listener *nft, bool asked)
{
	char err[256];

	if (mbt_nft_open(nft, err, sizeof(err)) != 0) {
		if (asked)
			cli_note("%s: verdicts will not be shown", err);
		return;
	}
	run->nft = nft;
	run->asm_->hold = true;
	if (asked)
		cli_note("nftables verdicts: listening in %zu namespace%s",
		    nft->nns, nft->nns == 1 ? "" : "s");
}

/* Poll until a signal, -c or --duration; then flush what is open. */
static int
record_loop(struct record_run *run, struct mbt_lx_loader *l)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC), now, swept = t0;
	int rc = 0;

	while (!stop_signal && !run->done) {
		rc = mbt_lx_poll(l, RECORD_POLL_MS);
		if (rc == -EINTR) {
			rc = 0;
			continue;
		}
		if (rc < 0)
			break;
		now = clock_ns(CLOCK_MONOTONIC);
		/* After the events: a verdict comes before the hops after it. */
		if (run->nft != NULL &&
		    (rc = mbt_nft_poll(run->nft, run->asm_, now)) < 0)
			break;
		if ((rc = mbt_lx_asm_flush(run->asm_, now, RECORD_IDLE_NS)) < 0)
			break;
		flush_output(run);
		if (now - swept >= RECORD_SWEEP_NS) {
			mbt_lx_sweep(l, now);
			swept = now;
		}
		if (run->opt->duration > 0 &&
		    (double)(now - t0) / 1e9 >= run->opt->duration)
			break;
	}
	if (rc >= 0 && !run->done) {
		mbt_lx_drain(l);
		if (run->nft != NULL)
			rc = mbt_nft_poll(
			    run->nft, run->asm_, clock_ns(CLOCK_MONOTONIC));
		if (rc >= 0)
			rc = mbt_lx_asm_flush(run->asm_, 0, 0);
	}
	flush_output(run);
	if (rc >= 0 && run->write_error != 0)
		rc = run->write_error;
	return rc;
}

/* The filter's terms that can never match at a start interface. */
static void
warn_filter(const struct record_opts *opt, const struct record_filter *f)
{
	const char *names[MBT_LX_MAX_IFACES], *paths[MBT_LX_MAX_IFACES];

	for (int i = 0; i < (int)opt->lx.n_ifaces; i++) {
		names[i] = opt->lx.ifaces[i].name;
		paths[i] = opt->iface_ns[i];
	}
	record_filter_warn(
	    opt->expr, f, names, paths, (int)opt->lx.n_ifaces);
}

int
do_record(int argc, char **argv)
{
	static struct mbt_lx_asm asm_;
	static struct mbt_lx_namer namer;
	static struct mbt_nft_listener nft;
	static struct out o;
	struct record_opts opt = {0};
	struct record_filter filter = {0};
	struct record_run run = {.opt = &opt, .asm_ = &asm_, .o = &o};
	struct mbt_lx_names names;
	struct mbt_lx_loader *l = NULL;
	char err[512], missing[MBT_LX_MISSING_LEN];
	struct sigaction sa = {.sa_handler = on_signal};
	uint64_t t_attach;
	int rc = parse_record_opts(argc, argv, &opt);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	out_init(&o, stdout);
	if (opt.expr != NULL) {
		rc = record_filter_compile(opt.expr, &filter, err, sizeof(err));
		if (rc != 0) {
			cli_error("expression '%s': %s", opt.expr,
			    rc == -EINVAL ? err : strerror(-rc));
			free(opt.expr);
			return EXIT_USAGE;
		}
		opt.lx.filter = filter.insns;
		opt.lx.filter_len = filter.len;
		opt.lx.filter_link = filter.link;
		if (filter.link)
			cli_note("expression: read on Ethernet frames; an IP "
				 "packet with none where it is seen is given "
				 "one (zero addresses), which its link-layer "
				 "terms never match");
		warn_filter(&opt, &filter);
	}
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	mbt_lx_namer_init(&namer, &names);
	rc = mbt_lx_asm_init(&asm_, &names, emit, &run,
	    (int64_t)(clock_ns(CLOCK_REALTIME) - clock_ns(CLOCK_MONOTONIC)));
	if (rc == 0) {
		t_attach = clock_ns(CLOCK_MONOTONIC);
		rc = mbt_lx_load(
		    &l, &opt.lx, on_event, &run, missing, err, sizeof(err));
		if (rc != 0)
			cli_error("%s", err);
		/* Only once tracing can start (privileges, the kernel's
		 * support) is -w's file truncated. */
		else
			rc = open_output(&run, opt.wpath);
	}
	if (rc == 0) {
		cli_note("tracing: %d hooks attached in %.3f s%s%s",
		    mbt_lx_attached(l),
		    (double)(clock_ns(CLOCK_MONOTONIC) - t_attach) / 1e9,
		    missing[0] ? "; not attached: " : "", missing);
		cli_note("full-function mode: %s", mbt_lx_functions_note(l));
		cli_note("source lines: %s", namer.src_note);
		open_nftrace(&run, &nft, opt.lx.want_nftrace);
		rc = record_loop(&run, l);
		if (rc < 0 && rc != run.write_error) /* that one is told */
			cli_error("%s", strerror(-rc));
		print_summary(&run, l, rc, missing);
	}
	mbt_lx_unload(l);
	if (run.nft != NULL)
		mbt_nft_close(run.nft);
	if (outfile_close(&run.wout, rc == 0 || run.write_error != 0) != 0 &&
	    rc == 0)
		rc = -EIO;
	mbt_lx_asm_free(&asm_);
	mbt_lx_namer_free(&namer);
	record_filter_free(&filter);
	free(opt.expr);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
