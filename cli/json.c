/* SPDX-License-Identifier: BSD-2-Clause */
/* The one JSON writer: where the commas go, and every value's form. */
#include "json.h"

void
json_init(struct json *j, struct out *o)
{
	*j = (struct json){.o = o};
}

/* Before a value or a key: the comma that separates it from the one
 * before, unless it is the value of the key just written. */
static void
sep(struct json *j)
{
	uint64_t bit = 1ULL << (j->depth % JSON_MAX_DEPTH);

	if (j->after_key) {
		j->after_key = false;
		return;
	}
	if (j->more & bit)
		out_char(j->o, ',');
	j->more |= bit;
}

void
json_open(struct json *j, char c)
{
	sep(j);
	out_char(j->o, c);
	j->depth++;
	j->more &= ~(1ULL << (j->depth % JSON_MAX_DEPTH));
}

void
json_close(struct json *j, char c)
{
	if (j->depth > 0)
		j->depth--;
	out_char(j->o, c);
}

void
json_key(struct json *j, const char *key)
{
	sep(j);
	/* Keys are the program's own snake_case words: nothing to escape. */
	out_char(j->o, '"');
	out_str(j->o, key);
	out_str(j->o, "\":");
	j->after_key = true;
}

void
json_str(struct json *j, const char *s, size_t n)
{
	sep(j);
	out_json_str(j->o, s, n);
}

void
json_cstr(struct json *j, const char *s)
{
	if (s == NULL)
		json_null(j);
	else
		json_str(j, s, strlen(s));
}

void
json_cut(struct json *j, const char *s, size_t n, size_t size)
{
	sep(j);
	out_json_cut(j->o, s, n, size);
}

void
json_u64(struct json *j, uint64_t v)
{
	sep(j);
	out_u64(j->o, v);
}

void
json_i64(struct json *j, int64_t v)
{
	sep(j);
	out_i64(j->o, v);
}

void
json_bool(struct json *j, bool v)
{
	sep(j);
	out_str(j->o, v ? "true" : "false");
}

void
json_null(struct json *j)
{
	sep(j);
	out_str(j->o, "null");
}

void
json_ns_as_sec(struct json *j, uint64_t ns)
{
	sep(j);
	out_ns_as_sec(j->o, ns);
}

void
json_kstr(struct json *j, const char *key, const char *s)
{
	json_key(j, key);
	json_cstr(j, s);
}

void
json_ku64(struct json *j, const char *key, uint64_t v)
{
	json_key(j, key);
	json_u64(j, v);
}

void
json_kbool(struct json *j, const char *key, bool v)
{
	json_key(j, key);
	json_bool(j, v);
}
