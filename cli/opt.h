/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one command-line frame: each subcommand describes its options as a
 * table, and one parser reads them, checks their values, prints the help
 * and reports every mistake in one style.
 */
#ifndef MBT_CLI_OPT_H
#define MBT_CLI_OPT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* What an option takes. */
enum cli_arg {
	CLI_FLAG,    /* nothing */
	CLI_TEXT,    /* any text: a file, a filter, a name */
	CLI_UINT,    /* a whole number from min to max (decimal, or 0x hex) */
	CLI_SECONDS, /* a positive number of seconds, fractions allowed */
	CLI_CHOICE,  /* one of the words of choices, "count|length" */
	CLI_OPTIONAL_TEXT, /* text after '=', or nothing */
};

struct cli_opt {
	int id;		  /* what cli_next() returns: the letter, or >= 256 */
	const char *name; /* the long name without "--", or NULL */
	char letter;	  /* the short option, or 0 */
	enum cli_arg arg;
	const char *argname; /* the argument in the help: "FILTER" */
	/* Lines separated by '\n'.  NULL: left out of the help (an option
	 * another program passes, not a person). */
	const char *help;
	uint64_t min, max;   /* CLI_UINT */
	const char *choices; /* CLI_CHOICE */
	bool repeats;	     /* may be given more than once */
	bool required;	     /* must be given: no brackets in the synopsis */
};

/* Table entries: an option with a letter has that letter as its id. */
#define CLI_OPT(i, n, l, k, a, h)                                          \
	{.id = (i), .name = (n), .letter = (l), .arg = (k), .argname = (a), \
	    .help = (h)}
#define CLI_OPT_MANY(i, n, l, a, h) /* text, may repeat */                \
	{.id = (i), .name = (n), .letter = (l), .arg = CLI_TEXT,           \
	    .argname = (a), .help = (h), .repeats = true}
#define CLI_OPT_UINT(i, n, l, a, lo, hi, h)                                \
	{.id = (i), .name = (n), .letter = (l), .arg = CLI_UINT,           \
	    .argname = (a), .help = (h), .min = (lo), .max = (hi)}
#define CLI_OPT_CHOICE(i, n, c, h)                                         \
	{.id = (i), .name = (n), .arg = CLI_CHOICE, .choices = (c),        \
	    .help = (h)}
#define CLI_OPT_NEEDED(i, n, l, a, h) /* text, must be given */        \
	{.id = (i), .name = (n), .letter = (l), .arg = CLI_TEXT,           \
	    .argname = (a), .help = (h), .required = true}
#define CLI_OPT_END {.id = 0}

/* The two every subcommand has (-h is answered by the parser itself, -j
 * sets cli_json): ids 'h' and 'j'. */
#define CLI_OPT_HELP CLI_OPT('h', "help", 'h', CLI_FLAG, NULL, "this text")
#define CLI_OPT_JSON(text) CLI_OPT('j', "json", 'j', CLI_FLAG, NULL, text)

struct cli_cmd {
	const char *name;     /* "read" */
	const char *operands; /* after the options in the synopsis: "FILE|-" */
	const char *about;    /* what it does, between synopsis and options */
	const char *footer;   /* after the options, or NULL */
	const struct cli_opt *opts; /* ends with an entry whose id is 0 */
	bool options_first; /* options end at the first operand (record) */
};

/* An option's value, checked as its table entry says. */
struct cli_val {
	const struct cli_opt *opt;
	char *text; /* the argument as given (NULL for a flag) */
	uint64_t u;	  /* CLI_UINT */
	double seconds;	  /* CLI_SECONDS */
	size_t choice;	  /* CLI_CHOICE: which word, from 0 */
};

enum {
	CLI_END = 0,   /* no more options: optind is the first operand */
	CLI_HELP = -1, /* --help was printed: exit 0 */
	CLI_BAD = -2,  /* a mistake, reported: exit EXIT_USAGE */
};

/*
 * The next option of argv: its id, with its value in *v, or CLI_END,
 * CLI_HELP or CLI_BAD.  The first call reads the table (and looks for -j
 * ahead, so that a mistake before it is reported as JSON too).
 */
int cli_next(const struct cli_cmd *cmd, int argc, char **argv,
    struct cli_val *v);

/* The help, generated from the table. */
void cli_help(const struct cli_cmd *cmd);

/*
 * "--width '5': not a whole number from 20 to 1000": a value the table
 * could not check, reported in the style of those it can.  Returns
 * CLI_BAD.
 */
int cli_bad_value(const struct cli_opt *o, const char *arg, const char *why,
    ...) __attribute__((format(printf, 3, 4)));

/*
 * A whole number from min to max, for operands (frame numbers) as for
 * options: 0, or -1 with the reason in why.
 */
int cli_uint(const char *s, uint64_t min, uint64_t max, uint64_t *v,
    char *why, size_t size);

#endif /* MBT_CLI_OPT_H */
