/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Loading several hosts' captures as journeys, writing the joined journeys
 * as one capture, and saying what the joining found.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "cli.h"
#include "journey.h"
#include "out.h"
#include "mbuftrace/capture.h"

/*
 * "dir/h1.pcap" -> "h1".  The name is kept as it is, cut between
 * characters: it is the host's identity (two files "a\x01" and "a\x02"
 * are two hosts) and it is written into the joined traces, so it is
 * escaped where it is shown (the report, messages, comments, read), by
 * the one escaper, not cleaned here.
 */
static void
host_name(const char *spec, size_t n, char *out, size_t size)
{
	const char *base = spec, *dot;
	size_t len;

	for (size_t i = 0; i < n; i++)
		if (spec[i] == '/')
			base = spec + i + 1;
	len = n - (size_t)(base - spec);
	dot = memchr(base, '.', len);
	if (dot != NULL && dot > base)
		len = (size_t)(dot - base);
	len = out_cut_len(base, len, size);
	memcpy(out, base, len);
	out[len] = '\0';
}

static long
host_index(struct mbt_journeys *j, const char *name)
{
	for (size_t i = 0; i < j->nhosts; i++)
		if (strcmp(j->hosts[i].name, name) == 0)
			return (long)i;
	return mbt_journeys_host(j, name);
}

int
journey_load(struct mbt_journeys *j, const char *spec)
{
	const char *eq = strchr(spec, '=');
	const char *file = eq != NULL ? eq + 1 : spec;
	char name[MBT_HOST_NAME], err[512];
	struct mbt_capture *cap;
	struct mbt_packet pkt;
	long host;
	int rc;

	/* NAME=FILE names the host; a file name that holds '=' needs it. */
	if (eq != NULL && eq > spec)
		host_name(spec, (size_t)(eq - spec), name, sizeof(name));
	else
		host_name(file, strlen(file), name, sizeof(name));
	if (name[0] == '\0') {
		cli_error("%s: cannot name its host (use --host NAME=FILE)",
		    spec);
		return -EINVAL;
	}
	cap = mbt_capture_open(file, err, sizeof(err));
	if (cap == NULL) {
		cli_error("%s", err);
		return -EIO;
	}
	host = host_index(j, name);
	if (host < 0)
		goto nomem;
	while ((rc = mbt_capture_next(cap, &pkt, err, sizeof(err))) == 1) {
		int64_t ts = pkt.ts_sec * 1000000000 + pkt.ts_usec * 1000LL;

		if (mbt_journeys_add(j, (size_t)host, pkt.frame, ts, pkt.data,
			pkt.caplen, pkt.wirelen) != 0)
			goto nomem;
	}
	cli_capture_close(cap, file);
	if (rc == -1) {
		cli_error("%s: %s", file, err);
		return -EIO;
	}
	return 0;
nomem:
	mbt_capture_close(cap);
	cli_error("%s: out of memory", file);
	return -ENOMEM;
}

/* One packet of the joined capture, held until they are sorted. */
struct joined {
	int64_t start_ns, end_ns;
	uint8_t *bytes;
	uint32_t caplen, wirelen;
	char *comment;
};

static int
by_start(const void *a, const void *b)
{
	const struct joined *x = a, *y = b;

	return (x->start_ns > y->start_ns) - (x->start_ns < y->start_ns);
}

/*
 * "journey h1 > h2 > h3", or "host h1, frame 7: not joined (malformed)":
 * the host names escaped as text is (a pcapng comment must be UTF-8, and
 * tshark prints it to terminals).  NULL when out of memory.
 */
static char *
comment(const struct mbt_journeys *j, size_t first, bool broken)
{
	static struct out o; /* gathers: a name takes at most 4 * 63 bytes */
	char *text;
	size_t k = 0;

	out_init(&o, NULL);
	out_str(&o, broken ? "host " : "journey ");
	for (size_t h = first; h != SIZE_MAX && k < j->nhops;
	     h = j->hops[h].next, k++) {
		const char *name = j->hosts[j->hops[h].host].name;

		if (o.len + OUT_ESCAPED_MAX(MBT_HOST_NAME) + 64 > OUT_BUFSZ) {
			out_str(&o, " > ...");
			break;
		}
		if (k > 0)
			out_str(&o, " > ");
		out_tstr(&o, name);
	}
	if (broken) {
		char tail[96];
		int n = snprintf(tail, sizeof(tail),
		    ", frame %llu: not joined (%s)",
		    (unsigned long long)j->hops[first].frame,
		    mbt_error_kind_name(j->hops[first].t.error.kind));

		out_put(&o, tail, (size_t)n);
	}
	if ((text = malloc(o.len + 1)) != NULL) {
		memcpy(text, o.buf, o.len);
		text[o.len] = '\0';
	}
	return text;
}

static int
encode_one(const struct mbt_journeys *j, size_t h, struct joined *out,
    uint8_t *buf)
{
	const struct mbt_hop *hop = &j->hops[h];
	struct mbt_journey_out jo;
	int rc = 0;

	if (hop->t.error.kind == MBT_OK)
		rc = mbt_journey_encode(j, h, buf, MBT_JOURNEY_BUF, &jo);
	if (hop->t.error.kind != MBT_OK || rc == -EINVAL) {
		/* Broken: kept as it was captured, on its host's clock. */
		jo.caplen = hop->caplen;
		jo.wirelen = hop->wirelen;
		jo.start_ns = jo.end_ns = mbt_hop_time(j, hop, hop->last_ns);
		memcpy(buf, hop->bytes, hop->caplen);
		out->comment = comment(j, h, true);
	} else if (rc != 0) {
		cli_error("%s frame %llu: the journey is too long for one "
			  "trace",
		    j->hosts[hop->host].name, (unsigned long long)hop->frame);
		return rc;
	} else {
		out->comment = comment(j, h, false);
	}
	out->bytes = malloc(jo.caplen > 0 ? jo.caplen : 1);
	if (out->bytes == NULL || out->comment == NULL)
		return -ENOMEM;
	memcpy(out->bytes, buf, jo.caplen);
	out->caplen = jo.caplen;
	out->wirelen = jo.wirelen;
	out->start_ns = jo.start_ns;
	out->end_ns = jo.end_ns;
	return 0;
}

int
journey_write(struct mbt_journeys *j, FILE *f, const char *path)
{
	struct joined *all = calloc(j->nhops + 1, sizeof(*all));
	uint8_t *buf = malloc(MBT_JOURNEY_BUF);
	struct mbt_pcapng *w = NULL;
	size_t n = 0;
	int rc = -ENOMEM;

	if (all == NULL || buf == NULL || mbt_journeys_solve(j) != 0)
		goto out;
	for (size_t h = 0; h < j->nhops; h++) {
		if (j->hops[h].prev != SIZE_MAX)
			continue;
		if ((rc = encode_one(j, h, &all[n], buf)) != 0)
			goto out;
		n++;
	}
	qsort(all, n, sizeof(*all), by_start);
	rc = -EIO;
	if ((w = mbt_pcapng_open(f, "mbuftrace merge")) == NULL)
		goto out;
	/* Each packet's time is its journey's end, as a trace's is. */
	for (size_t i = 0; i < n; i++) {
		int64_t s = all[i].end_ns / 1000000000;
		int64_t ns = all[i].end_ns % 1000000000;

		if (ns < 0) {
			ns += 1000000000;
			s--;
		}
		mbt_pcapng_write(w, MBT_DLT_USER0, s, (uint32_t)(ns / 1000),
		    all[i].bytes, all[i].caplen, all[i].wirelen,
		    all[i].comment, strlen(all[i].comment));
	}
	rc = mbt_pcapng_close(w);
out:
	if (rc == -ENOMEM)
		cli_error("out of memory");
	else if (rc != 0)
		cli_error("%s: %s", path, strerror(-rc));
	/* all[n] too: what a failed encode_one() left there. */
	for (size_t i = 0; all != NULL && i <= n; i++) {
		free(all[i].bytes);
		free(all[i].comment);
	}
	free(all);
	free(buf);
	return rc;
}

static void
put_ns(FILE *f, uint64_t ns)
{
	fprintf(f, "%llu.%09llu", (unsigned long long)(ns / 1000000000u),
	    (unsigned long long)(ns % 1000000000u));
}

/* A host's name (a file name or --host's word) escaped for the terminal. */
static void
put_host(FILE *f, const char *name)
{
	struct out o;

	fflush(f);
	out_init(&o, f);
	out_tstr(&o, name);
	out_flush(&o);
}

static void
report_refusal(const struct mbt_journeys *j, const struct mbt_refusal *r,
    FILE *f)
{
	const struct mbt_hop *h = &j->hops[r->hop];
	char id[160];

	mbt_wire_id_text(r->leaving ? &h->out : &h->in, id, sizeof(id));
	fputs("refused: ", f);
	put_host(f, j->hosts[h->host].name);
	fprintf(f, " frame %llu %s as %s, and %zu packets %s look the same:",
	    (unsigned long long)h->frame, r->leaving ? "left" : "arrived", id,
	    r->nothers,
	    r->leaving ? "arriving elsewhere" : "leaving elsewhere");
	for (size_t i = 0; i < r->nothers && i < MBT_REFUSAL_SHOWN; i++) {
		fputs(i > 0 ? ", " : " ", f);
		put_host(f, j->hosts[j->hops[r->others[i]].host].name);
		fprintf(f, " frame %llu",
		    (unsigned long long)j->hops[r->others[i]].frame);
	}
	fprintf(f, "%s; not joined\n", r->nothers > MBT_REFUSAL_SHOWN ? "..." : "");
}

void
journey_report(const struct mbt_journeys *j, FILE *f)
{
	size_t journeys = 0, multi = 0;

	for (size_t h = 0; h < j->nhops; h++) {
		journeys += j->hops[h].prev == SIZE_MAX;
		multi += j->hops[h].prev == SIZE_MAX &&
			 j->hops[h].next != SIZE_MAX;
	}
	fprintf(f, "%zu traces from %zu hosts: %zu joins, %zu journeys, %zu "
		   "of them across hosts\n",
	    j->nhops, j->nhosts, j->pairs, journeys, multi);
	for (size_t i = 0; i < j->nhosts; i++) {
		const struct mbt_host *h = &j->hosts[i];

		fputs("clock of ", f);
		put_host(f, h->name);
		if (h->ref == i) {
			fputs(": the reference\n", f);
			continue;
		}
		fputs(h->offset_ns < 0 ? ": -" : ": +", f);
		put_ns(f, h->offset_ns < 0 ? 0 - (uint64_t)h->offset_ns
					   : (uint64_t)h->offset_ns);
		fputs(" s to ", f);
		put_host(f, j->hosts[h->ref].name);
		fputs("'s", f);
		if (h->error_ns == MBT_CLOCK_UNBOUNDED) {
			fprintf(f, ", bounded one way only (packets crossed "
				   "one way)");
		} else {
			fprintf(f, " +/- ");
			put_ns(f, h->error_ns);
			fprintf(f, " s");
		}
		fprintf(f, "%s\n", h->inconsistent
				       ? " (the joins contradict each other: "
					 "clocks drifted?)"
				       : "");
	}
	for (size_t i = 0; i < j->nrefusals; i++)
		report_refusal(j, &j->refusals[i], f);
}

static char journey_tmp[] = "/tmp/mbuftrace-journey-XXXXXX";

static void
remove_tmp(void)
{
	unlink(journey_tmp);
}

const char *
cli_captures(int argc, char **argv)
{
	struct mbt_journeys j;
	FILE *f;
	int fd, rc = 0;

	if (optind >= argc - 1)
		return cli_one_capture(argc, argv);
	mbt_journeys_init(&j);
	for (int i = optind; i < argc && rc == 0; i++)
		rc = journey_load(&j, argv[i]);
	if (rc != 0 || (fd = mkstemp(journey_tmp)) < 0) {
		if (rc == 0)
			cli_error("cannot make a temporary file: %s",
			    strerror(errno));
		mbt_journeys_free(&j);
		exit(EXIT_FAIL); /* reported; as a capture that fails to read */
	}
	atexit(remove_tmp);
	f = fdopen(fd, "wb");
	rc = f != NULL ? journey_write(&j, f, journey_tmp) : -errno;
	if (f != NULL && fclose(f) != 0 && rc == 0)
		rc = -EIO;
	if (rc == 0)
		journey_report(&j, stderr);
	mbt_journeys_free(&j);
	if (rc != 0)
		exit(EXIT_FAIL);
	return journey_tmp;
}
