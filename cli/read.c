/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace read`: decode every trace in a capture and print it for people
 * (text) or programs (JSON Lines), optionally also as a plain pcapng.  A
 * broken trace is reported and reading goes on with the next packet.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "opt.h"
#include "journey.h"
#include "outfile.h"
#include "mbuftrace/path.h"
#include "read.h"

struct read_opts {
	const char *path;
	const char *pcapng_path;
	/* Filters: a packet is shown when its trace has a record matching
	 * each one that is given. */
	const char *func, *file, *ns, *iface;
	bool taps; /* show packet captures' own copies in text too */
};

struct read_stats {
	uint64_t packets, shown, malformed, truncated;
	uint64_t not_in_pcapng; /* traces without a packet snapshot */
	uint64_t taps_hidden;
};

enum { O_PCAPNG = 256, O_FUNC, O_FILE, O_NS, O_IFACE, O_TAPS };

static const struct cli_opt read_opts[] = {
    CLI_OPT_JSON("JSON Lines: one object per captured packet"),
    CLI_OPT(O_PCAPNG, "write-pcapng", 0, CLI_TEXT, "OUT",
	"also write the packet snapshots to OUT as an\n"
	"ordinary pcapng, the path in each comment"),
    CLI_OPT(O_FUNC, "func", 0, CLI_TEXT, "TEXT",
	"only traces with a function containing TEXT"),
    CLI_OPT(O_FILE, "file", 0, CLI_TEXT, "TEXT",
	"only traces with a source file containing TEXT"),
    CLI_OPT(O_NS, "ns", 0, CLI_TEXT, "NAME",
	"only traces that passed network stack instance\n"
	"NAME (a namespace or VNET name, or its id)"),
    CLI_OPT(O_IFACE, "iface", 0, CLI_TEXT, "NAME",
	"only traces that passed interface NAME"),
    CLI_OPT(O_TAPS, "taps", 0, CLI_FLAG, NULL,
	"in text, also the copies packet captures\n"
	"(tcpdump's AF_PACKET) took: hidden by default"),
    CLI_OPT_HELP,
    CLI_OPT_END,
};

static const struct cli_cmd read_cmd = {
    .name = "read",
    .operands = "FILE|-",
    .about = "Print the traces in FILE (pcap or pcapng of link type DLT_USER0, as\n"
	     "`tcpdump -i mbuf_trace -w FILE` writes), oldest record first.",
    .opts = read_opts,
};

static bool
contains(struct mbt_str hay, const char *needle)
{
	size_t n = strlen(needle);

	if (n == 0)
		return true;
	for (size_t i = 0; i + n <= hay.len; i++) {
		if (memcmp(hay.ptr + i, needle, n) == 0)
			return true;
	}
	return false;
}

static bool
equals(struct mbt_str s, const char *v)
{
	return s.len == strlen(v) && memcmp(s.ptr, v, s.len) == 0;
}

static bool
ns_matches(const struct mbt_record *r, const char *want)
{
	char id[24];

	if (!r->has_ns)
		return false;
	if (equals(r->ns_name, want))
		return true;
	snprintf(id, sizeof(id), "%llu", (unsigned long long)r->ns_id);
	return strcmp(id, want) == 0;
}

/* Does some record of t satisfy each filter that was given? */
static bool
trace_selected(const struct read_opts *opt, const struct mbt_trace *t)
{
	bool func = opt->func == NULL, file = opt->file == NULL;
	bool ns = opt->ns == NULL, iface = opt->iface == NULL;

	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];

		if (!func)
			func = r->func.len > 0 && contains(r->func, opt->func);
		if (!file)
			file = r->has_src && contains(r->file, opt->file);
		if (!ns)
			ns = ns_matches(r, opt->ns);
		if (!iface)
			iface = r->has_iface && equals(r->ifname, opt->iface);
		if (func && file && ns && iface)
			return true;
	}
	return func && file && ns && iface;
}

static int
parse_read_opts(int argc, char **argv, struct read_opts *opt)
{
	struct cli_val v;
	int c;

	while ((c = cli_next(&read_cmd, argc, argv, &v)) > 0) {
		switch (c) {
		case O_PCAPNG: opt->pcapng_path = v.text; break;
		case O_FUNC: opt->func = v.text; break;
		case O_FILE: opt->file = v.text; break;
		case O_NS: opt->ns = v.text; break;
		case O_IFACE: opt->iface = v.text; break;
		case O_TAPS: opt->taps = true; break;
		}
	}
	if (c != CLI_END)
		return c == CLI_HELP ? -1 : EXIT_USAGE;
	if ((opt->path = cli_captures(argc, argv)) == NULL)
		return EXIT_USAGE;
	return 0;
}

/* Decode and render every packet; returns 0 or -1 on a read error. */
static int
read_capture(const struct read_opts *opt, struct mbt_capture *cap,
    struct mbt_pcapng *png, struct read_stats *st)
{
	static struct out o;
	/* A long read into a file or pipe shows its progress on a terminal. */
	bool progress = isatty(STDERR_FILENO) && !isatty(STDOUT_FILENO);
	struct mbt_trace t;
	struct mbt_packet p;
	char err[512];
	int rc;

	out_init(&o, stdout);
	mbt_trace_init(&t);
	while ((rc = mbt_capture_next(cap, &p, err, sizeof(err))) == 1) {
		if (progress && (p.frame & 0xffff) == 0)
			fprintf(stderr, "\r%s: %llu traces read", cli_name,
			    (unsigned long long)p.frame);
		if (mbt_decode(p.data, p.caplen, p.wirelen, &t) == -ENOMEM) {
			snprintf(err, sizeof(err), "frame %llu: out of memory",
			    (unsigned long long)p.frame);
			rc = -1;
			break;
		}
		st->packets++;
		st->malformed += t.error.kind == MBT_ERR_MALFORMED;
		st->truncated += t.error.kind == MBT_ERR_TRUNCATED;
		if (!trace_selected(opt, &t))
			continue;
		if (!cli_json && !opt->taps && mbt_trace_is_tap(&t)) {
			st->taps_hidden++;
			continue;
		}
		st->shown++;
		if (cli_json)
			json_trace(&o, &p, &t);
		else
			text_trace(&o, &p, &t);
		if (png != NULL) {
			int wrc = pcapng_trace(png, &p, &t);

			st->not_in_pcapng += wrc == 1;
			if (wrc < 0) { /* told here: rc -2 */
				cli_error("%s: %s", opt->pcapng_path,
				    strerror(errno ? errno : EIO));
				rc = -2;
				break;
			}
		}
	}
	out_flush(&o);
	mbt_trace_free(&t);
	if (progress && st->packets > 0xffff)
		fprintf(stderr, "\r%s: %llu traces read\n", cli_name,
		    (unsigned long long)st->packets);
	if (rc == -1)
		cli_error("%s: %s", opt->path, err);
	else if (rc == 0)
		out_check(&o, NULL);
	return rc < 0 || o.error != 0 ? -1 : 0;
}

int
do_read(int argc, char **argv)
{
	struct read_opts opt = {0};
	struct read_stats st = {0};
	struct mbt_capture *cap;
	struct mbt_pcapng *png = NULL;
	struct outfile pngf = {0};
	char err[512];
	int rc = parse_read_opts(argc, argv, &opt);

	if (rc != 0)
		return rc < 0 ? EXIT_OK : rc;
	cap = mbt_capture_open(opt.path, err, sizeof(err));
	if (cap == NULL) {
		cli_error("%s", err);
		return EXIT_FAIL;
	}
	if (opt.pcapng_path != NULL) {
		if (outfile_open(&pngf, opt.pcapng_path, opt.path, true) != 0) {
			mbt_capture_close(cap);
			return EXIT_FAIL;
		}
		png = mbt_pcapng_open(pngf.f, "mbuftrace read");
		if (png == NULL) {
			cli_error("%s: %s", opt.pcapng_path, strerror(ENOMEM));
			outfile_close(&pngf, false);
			mbt_capture_close(cap);
			return EXIT_FAIL;
		}
	}
	rc = read_capture(&opt, cap, png, &st);
	if (png != NULL && mbt_pcapng_close(png) != 0 && rc == 0) {
		cli_error("%s: %s", opt.pcapng_path,
		    strerror(ferror(pngf.f) && errno ? errno : EIO));
		rc = -1;
	}
	if (outfile_close(&pngf, rc == 0) != 0)
		rc = -1;
	cli_capture_close(cap, opt.path);
	if (st.not_in_pcapng > 0)
		cli_note("%llu trace%s without a packet snapshot %s not in %s",
		    (unsigned long long)st.not_in_pcapng,
		    st.not_in_pcapng == 1 ? "" : "s",
		    st.not_in_pcapng == 1 ? "is" : "are", opt.pcapng_path);
	if (st.taps_hidden > 0)
		cli_note("%llu cop%s that packet captures took (tcpdump's "
			 "AF_PACKET) not shown: --taps shows them",
		    (unsigned long long)st.taps_hidden,
		    st.taps_hidden == 1 ? "y" : "ies");
	if (st.malformed + st.truncated > 0)
		cli_note("%llu of %llu traces malformed, %llu truncated by the "
			 "capture",
		    (unsigned long long)st.malformed,
		    (unsigned long long)st.packets,
		    (unsigned long long)st.truncated);
	return rc == 0 ? EXIT_OK : EXIT_FAIL;
}
