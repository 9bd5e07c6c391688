/* SPDX-License-Identifier: BSD-2-Clause */
/* The mbuftrace command: a table of subcommands and the one error reporter. */
#include <getopt.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "cli.h"
#include "json.h"
#include "out.h"

bool cli_json;
const char *cli_name = "mbuftrace";

struct command {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

static const struct command commands[] = {
    {"read", do_read, "print the traces in a capture (pcap or pcapng)"},
    {"record", do_record, "trace packets live through this Linux kernel"},
    {"paths", do_paths, "the distinct paths in a capture, with counts"},
    {"diff", do_diff, "where two packets' paths part, and why"},
    {"expect", do_expect, "check that packets take the paths you expect"},
    {"graph", do_graph, "draw the paths: DOT, SVG or an HTML page"},
    {"explain", do_explain, "why each packet ended as it did, what to check"},
    {"extcap", do_extcap, "record from Wireshark: its extcap interface"},
    {"merge", do_merge, "join several hosts' captures into journeys"},
    {"export", do_export, "write journeys as OpenTelemetry traces (OTLP)"},
};

/* Messages name files, interfaces and namespaces: escaped for a terminal,
 * as one line. */
static void
vreport(FILE *f, const char *fmt, va_list ap)
{
	char msg[4096];
	int n = vsnprintf(msg, sizeof(msg), fmt, ap);
	struct out *o = &(struct out){0};

	out_init(o, f);
	out_str(o, cli_name);
	out_str(o, ": ");
	out_text_cut(o, msg, n > 0 ? (size_t)n : 0, sizeof(msg));
	out_char(o, '\n');
	out_flush(o);
}

void
cli_error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	if (cli_json) {
		char msg[1024];
		struct out *o = &(struct out){0};
		struct json j;
		va_list again;

		va_copy(again, ap);
		vsnprintf(msg, sizeof(msg), fmt, again);
		va_end(again);
		out_init(o, stdout);
		json_init(&j, o);
		json_open(&j, '{');
		json_key(&j, "error");
		json_open(&j, '{');
		json_kstr(&j, "message", msg);
		json_ku64(&j, "code", EXIT_USAGE);
		json_close(&j, '}');
		json_close(&j, '}');
		out_char(o, '\n');
		out_flush(o);
	}
	/* On stderr always: where people look, and where a failing
	 * standard output (a full disk) cannot hide it. */
	vreport(stderr, fmt, ap);
	va_end(ap);
}

void
cli_note(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vreport(stderr, fmt, ap);
	va_end(ap);
}

const char *
cli_one_capture(int argc, char **argv)
{
	if (optind == argc - 1)
		return argv[optind];
	cli_error(optind == argc
		      ? "which capture? give a FILE, or - for "
			"standard input (see --help)"
		      : "one capture at a time, please (see --help)");
	return NULL;
}

static int
usage(FILE *f)
{
	fprintf(f, "usage: mbuftrace COMMAND [OPTIONS] [ARGS]\n"
		   "       mbuftrace COMMAND --help\n\ncommands:\n");
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++)
		fprintf(
		    f, "  %-8s %s\n", commands[i].name, commands[i].summary);
	fprintf(f, "\nSee mbuftrace(8).\n");
	return f == stdout ? EXIT_OK : EXIT_USAGE;
}

int
main(int argc, char **argv)
{
	static char name[64];

	if (argc < 2)
		return usage(stderr);
	if (strcmp(argv[1], "-h") == 0 || strcmp(argv[1], "--help") == 0 ||
	    strcmp(argv[1], "help") == 0)
		return usage(stdout);
	if (strcmp(argv[1], "--version") == 0) {
		printf("mbuftrace %s\n", MBT_VERSION);
		return EXIT_OK;
	}
	for (size_t i = 0; i < sizeof(commands) / sizeof(commands[0]); i++) {
		if (strcmp(argv[1], commands[i].name) == 0) {
			snprintf(name, sizeof(name), "mbuftrace %s", argv[1]);
			cli_name = name;
			return commands[i].run(argc - 1, argv + 1);
		}
	}
	cli_error("unknown command '%s' (try 'mbuftrace --help')", argv[1]);
	return EXIT_USAGE;
}
