/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one JSON writer of every --json output: it writes the commas and
 * the quoting, so that a subcommand says only what it means.
 *
 *	json_open(&j, '{');
 *	json_key(&j, "frame"); json_u64(&j, 7);
 *	json_key(&j, "ends"); json_cstr(&j, "dropped");
 *	json_close(&j, '}');
 */
#ifndef MBT_CLI_JSON_H
#define MBT_CLI_JSON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "out.h"

#define JSON_MAX_DEPTH 64

struct json {
	struct out *o;
	unsigned depth;
	bool after_key;
	/* Bit d: the container at depth d has a member already. */
	uint64_t more;
};

void json_init(struct json *j, struct out *o);
/* '{' or '[' opens; '}' or ']' closes. */
void json_open(struct json *j, char c);
void json_close(struct json *j, char c);
void json_key(struct json *j, const char *key);

/* Values: after a key in an object, or as an array's member. */
void json_str(struct json *j, const char *s, size_t n); /* escaped */
void json_cstr(struct json *j, const char *s);		/* NULL: null */
/* Text formatted into a buffer of size bytes: cut as out_cut() does. */
void json_cut(struct json *j, const char *s, size_t n, size_t size);
void json_u64(struct json *j, uint64_t v);
void json_i64(struct json *j, int64_t v);
void json_bool(struct json *j, bool v);
void json_null(struct json *j);
/* Nanoseconds as seconds with nine decimals. */
void json_ns_as_sec(struct json *j, uint64_t ns);

/* Shorthands for a member of an object. */
void json_kstr(struct json *j, const char *key, const char *s);
void json_ku64(struct json *j, const char *key, uint64_t v);
void json_kbool(struct json *j, const char *key, bool v);

#endif /* MBT_CLI_JSON_H */
