/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one option parser: getopt_long driven by a subcommand's table, the
 * values checked as the table says, the help written from the table.
 */
#include "opt.h"

#include <errno.h>
#include <getopt.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cli.h"

#define MAX_OPTS 32
#define HELP_COLUMN 23 /* where each option's text starts */
#define WIDTH 78

/* getopt_long's view of the table now being read (one per process: a
 * command runs one subcommand). */
static struct {
	const struct cli_cmd *cmd;
	struct option longopts[MAX_OPTS + 1];
	char shortopts[3 * MAX_OPTS + 2];
} p;

static const struct cli_opt *
by_id(const struct cli_cmd *cmd, int id)
{
	for (const struct cli_opt *o = cmd->opts; o->id != 0; o++)
		if (o->id == id)
			return o;
	return NULL;
}

static const struct cli_opt *
by_letter(const struct cli_cmd *cmd, char c)
{
	for (const struct cli_opt *o = cmd->opts; o->id != 0; o++)
		if (o->letter != 0 && o->letter == c)
			return o;
	return NULL;
}

static const struct cli_opt *
by_name(const struct cli_cmd *cmd, const char *s, size_t n)
{
	for (const struct cli_opt *o = cmd->opts; o->id != 0; o++)
		if (o->name != NULL && strlen(o->name) == n &&
		    memcmp(o->name, s, n) == 0)
			return o;
	return NULL;
}

static bool
takes_arg(const struct cli_opt *o)
{
	return o->arg != CLI_FLAG && o->arg != CLI_OPTIONAL_TEXT;
}

/* "--width", or "-c" for an option that has no long name. */
static const char *
opt_name(const struct cli_opt *o, char *buf, size_t size)
{
	if (o->name != NULL)
		snprintf(buf, size, "--%s", o->name);
	else
		snprintf(buf, size, "-%c", o->letter);
	return buf;
}

static void
build(const struct cli_cmd *cmd)
{
	char *s = p.shortopts;
	size_t n = 0;

	memset(&p, 0, sizeof(p));
	p.cmd = cmd;
	if (cmd->options_first)
		*s++ = '+';
	for (const struct cli_opt *o = cmd->opts; o->id != 0; o++) {
		if (n == MAX_OPTS)
			abort(); /* a table too long for MAX_OPTS: a bug here */
		if (o->name != NULL)
			p.longopts[n++] = (struct option){o->name,
			    o->arg == CLI_FLAG		 ? no_argument
			    : o->arg == CLI_OPTIONAL_TEXT ? optional_argument
							  : required_argument,
			    NULL, o->id};
		if (o->letter != 0) {
			*s++ = o->letter;
			if (o->arg != CLI_FLAG)
				*s++ = ':';
			if (o->arg == CLI_OPTIONAL_TEXT)
				*s++ = ':';
		}
	}
	*s = '\0';
}

/*
 * -j anywhere among the options, seen before the options are read: a
 * mistake before it is then an error object too.
 */
static void
look_for_json(const struct cli_cmd *cmd, int argc, char **argv)
{
	if (by_id(cmd, 'j') == NULL)
		return;
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		const struct cli_opt *o;

		if (strcmp(a, "--") == 0)
			break;
		if (a[0] != '-' || a[1] == '\0') {
			if (cmd->options_first)
				break;
			continue;
		}
		if (a[1] == '-') {
			o = by_name(cmd, a + 2, strcspn(a + 2, "="));
			if (o != NULL && o->id == 'j')
				cli_json = true;
			else if (o != NULL && takes_arg(o) &&
				 strchr(a, '=') == NULL)
				i++; /* its argument */
			continue;
		}
		for (const char *c = a + 1; *c != '\0'; c++) {
			if ((o = by_letter(cmd, *c)) == NULL)
				break;
			if (o->id == 'j')
				cli_json = true;
			if (o->arg != CLI_FLAG) {
				if (c[1] == '\0' && takes_arg(o))
					i++;
				break;
			}
		}
	}
}

int
cli_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v, char *why,
    size_t size)
{
	bool hex = s[0] == '0' && (s[1] == 'x' || s[1] == 'X');
	const char *digits = hex ? s + 2 : s;
	char *end;

	errno = 0;
	/* strtoull takes signs and spaces; a number here is digits only. */
	if (strspn(digits, hex ? "0123456789abcdefABCDEF" : "0123456789") !=
		strlen(digits) ||
	    digits[0] == '\0')
		errno = EINVAL;
	else
		*v = strtoull(digits, &end, hex ? 16 : 10);
	if (errno == 0 && *v >= min && *v <= max)
		return 0;
	if (max == UINT64_MAX)
		snprintf(why, size, "not a whole number of %" PRIu64 " or more",
		    min);
	else
		snprintf(why, size,
		    "not a whole number from %" PRIu64 " to %" PRIu64, min,
		    max);
	return -1;
}

int
cli_bad_value(const struct cli_opt *o, const char *arg, const char *why, ...)
{
	char name[64], msg[512];
	va_list ap;

	va_start(ap, why);
	vsnprintf(msg, sizeof(msg), why, ap);
	va_end(ap);
	cli_error("%s '%s': %s", opt_name(o, name, sizeof(name)), arg, msg);
	return CLI_BAD;
}

/* The word of "count|length" that s is: its index, or -1. */
static int
choice_of(const char *choices, const char *s)
{
	size_t n = strlen(s);
	int i = 0;

	for (const char *c = choices; *c != '\0'; i++) {
		size_t len = strcspn(c, "|");

		if (len == n && memcmp(c, s, n) == 0)
			return i;
		c += len;
		if (*c == '|')
			c++;
	}
	return -1;
}

static int
check_value(const struct cli_opt *o, const char *arg, struct cli_val *v)
{
	char why[128], *end;
	int k;

	switch (o->arg) {
	case CLI_FLAG:
	case CLI_TEXT:
	case CLI_OPTIONAL_TEXT: return 0;
	case CLI_UINT:
		if (cli_uint(arg, o->min, o->max, &v->u, why, sizeof(why)))
			return cli_bad_value(o, arg, "%s", why);
		return 0;
	case CLI_SECONDS:
		errno = 0;
		v->seconds = strtod(arg, &end);
		if (end == arg || *end != '\0' || errno != 0 ||
		    !(v->seconds > 0) || v->seconds > 1e9)
			return cli_bad_value(
			    o, arg, "not a positive number of seconds");
		return 0;
	case CLI_CHOICE:
		if ((k = choice_of(o->choices, arg)) < 0) {
			char list[128];
			size_t n = 0;

			/* "count|length" said "count, length". */
			for (const char *c = o->choices;
			     *c != '\0' && n + 3 < sizeof(list); c++) {
				if (*c == '|')
					list[n++] = ',', list[n++] = ' ';
				else
					list[n++] = *c;
			}
			list[n] = '\0';
			return cli_bad_value(o, arg, "not one of %s", list);
		}
		v->choice = (size_t)k;
		return 0;
	}
	return 0;
}

/* getopt_long said '?': which mistake, said plainly. */
static int
report_mistake(const struct cli_cmd *cmd, char **argv)
{
	const char *given = argv[optind - 1];
	const struct cli_opt *o = optopt != 0 ? by_id(cmd, optopt) : NULL;
	char name[64];

	if (o == NULL && optopt != 0 && optopt < 256) {
		cli_error("unknown option '-%c' (see --help)", optopt);
	} else if (o == NULL) {
		cli_error("unknown option '%.*s' (see --help)",
		    (int)strcspn(given, "="), given);
	} else if (takes_arg(o)) {
		cli_error("option '%s' needs an argument: %s (see --help)",
		    opt_name(o, name, sizeof(name)),
		    o->argname != NULL ? o->argname : o->choices);
	} else {
		cli_error("option '%s' takes no argument (see --help)",
		    opt_name(o, name, sizeof(name)));
	}
	return CLI_BAD;
}

int
cli_next(
    const struct cli_cmd *cmd, int argc, char **argv, struct cli_val *v)
{
	int c;

	if (p.cmd != cmd) {
		build(cmd);
		look_for_json(cmd, argc, argv);
		optind = 1;
		opterr = 0;
	}
	for (;;) {
		c = getopt_long(argc, argv, p.shortopts, p.longopts, NULL);
		if (c == -1)
			return CLI_END;
		if (c == '?' || c == ':' || (v->opt = by_id(cmd, c)) == NULL)
			return report_mistake(cmd, argv);
		if (c == 'h') {
			cli_help(cmd);
			return CLI_HELP;
		}
		if (c == 'j') {
			cli_json = true;
			continue;
		}
		v->text = optarg;
		if (optarg != NULL && check_value(v->opt, optarg, v) != 0)
			return CLI_BAD;
		return c;
	}
}

/* --- The help. --- */

/* "-o, --output OUT" */
static void
label(const struct cli_opt *o, char *buf, size_t size)
{
	const char *arg = o->argname != NULL ? o->argname : o->choices;
	int n = 0;

	if (o->letter != 0 && o->name != NULL)
		n = snprintf(buf, size, "-%c, --%s", o->letter, o->name);
	else if (o->letter != 0)
		n = snprintf(buf, size, "-%c", o->letter);
	else
		n = snprintf(buf, size, "--%s", o->name);
	if (takes_arg(o) && arg != NULL && n >= 0 && (size_t)n < size)
		snprintf(buf + n, size - (size_t)n, " %s", arg);
}

/* "[-o|--output OUT]..." for the synopsis. */
static void
synopsis_item(const struct cli_opt *o, char *buf, size_t size)
{
	const char *arg = o->argname != NULL ? o->argname : o->choices;
	int n;

	const char *open = o->required ? "" : "[";

	if (o->letter != 0 && o->name != NULL)
		n = snprintf(buf, size, "%s-%c|--%s", open, o->letter, o->name);
	else if (o->letter != 0)
		n = snprintf(buf, size, "%s-%c", open, o->letter);
	else
		n = snprintf(buf, size, "%s--%s", open, o->name);
	if (n < 0 || (size_t)n >= size)
		return;
	snprintf(buf + n, size - (size_t)n, "%s%s%s%s", takes_arg(o) ? " " : "",
	    takes_arg(o) && arg != NULL ? arg : "", o->required ? "" : "]",
	    o->repeats ? "..." : "");
}

void
cli_help(const struct cli_cmd *cmd)
{
	char head[64], item[128];
	size_t col, indent;

	col = indent = (size_t)snprintf(
	    head, sizeof(head), "usage: mbuftrace %s ", cmd->name);
	fputs(head, stdout);
	for (const struct cli_opt *o = cmd->opts;; o++) {
		const char *s = item;

		if (o->id == 0)
			s = cmd->operands;
		else if (o->help == NULL || o->id == 'h')
			continue;
		else
			synopsis_item(o, item, sizeof(item));
		if (s == NULL)
			break;
		if (col > indent && col + 1 + strlen(s) > WIDTH) {
			printf("\n%*s", (int)indent, "");
			col = indent;
		} else if (col > indent) {
			putchar(' ');
			col++;
		}
		fputs(s, stdout);
		col += strlen(s);
		if (o->id == 0)
			break;
	}
	printf("\n\n%s\n\n", cmd->about);
	for (const struct cli_opt *o = cmd->opts; o->id != 0; o++) {
		const char *h = o->help;

		if (h == NULL)
			continue;
		label(o, item, sizeof(item));
		if (strlen(item) + 3 > HELP_COLUMN)
			printf("  %s\n%*s", item, HELP_COLUMN, "");
		else
			printf("  %-*s", HELP_COLUMN - 2, item);
		/* Each line of the text at the column. */
		for (;;) {
			size_t n = strcspn(h, "\n");

			printf("%.*s\n", (int)n, h);
			if (h[n] == '\0')
				break;
			h += n + 1;
			printf("%*s", HELP_COLUMN, "");
		}
	}
	if (cmd->footer != NULL)
		printf("\n%s\n", cmd->footer);
}
