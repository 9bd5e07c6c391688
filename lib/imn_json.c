/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The newer .imn syntax, JSON: top-level "canvases", "nodes", "links" and
 * "options"; a node has "type", "name", "canvas", "iconcoords" ("x y") and
 * "ifaces" (id -> {"name", "type", "ipv4_addrs", ...}); a link has "peers"
 * ("n0 n1") and "peers_ifaces" ("eth0 eth1" or interface ids).  A small
 * recursive-descent reader, bounded in length and in depth, that keeps
 * only those keys and skips every other value.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/imn.h"

#define MAX_DEPTH 64
#define STR_MAX 256 /* longer strings are skipped, not kept */

struct js {
	const char *s;
	size_t len, pos;
	int depth;
	char *err;
	size_t errlen;
	bool failed;
};

static unsigned
line_of(const struct js *j)
{
	unsigned line = 1;

	for (size_t i = 0; i < j->pos && i < j->len; i++)
		line += j->s[i] == '\n';
	return line;
}

static void
fail(struct js *j, const char *what)
{
	if (!j->failed)
		snprintf(j->err, j->errlen, "line %u: %s", line_of(j), what);
	j->failed = true;
}

static void
ws(struct js *j)
{
	while (j->pos < j->len &&
	       (j->s[j->pos] == ' ' || j->s[j->pos] == '\t' ||
		   j->s[j->pos] == '\n' || j->s[j->pos] == '\r'))
		j->pos++;
}

static bool
eat(struct js *j, char c)
{
	ws(j);
	if (j->pos < j->len && j->s[j->pos] == c) {
		j->pos++;
		return true;
	}
	return false;
}

/* The value of 4 hex digits at s, or -1. */
static long
hex4(const char *s)
{
	long v = 0;

	for (int i = 0; i < 4; i++) {
		char c = s[i];
		int d = c >= '0' && c <= '9'   ? c - '0'
			: c >= 'a' && c <= 'f' ? c - 'a' + 10
			: c >= 'A' && c <= 'F' ? c - 'A' + 10
					       : -1;

		if (d < 0)
			return -1;
		v = v << 4 | d;
	}
	return v;
}

/* \uXXXX (and a surrogate pair's second half) at j->pos, as UTF-8 in u;
 * returns its length.  A lone surrogate is U+FFFD, as JSON parsers do. */
static size_t
unicode(struct js *j, char u[4])
{
	long cp = hex4(j->s + j->pos), lo;

	j->pos += 4;
	if (cp >= 0xd800 && cp <= 0xdbff && j->len - j->pos >= 6 &&
	    j->s[j->pos] == '\\' && j->s[j->pos + 1] == 'u' &&
	    (lo = hex4(j->s + j->pos + 2)) >= 0xdc00 && lo <= 0xdfff) {
		j->pos += 6;
		cp = 0x10000 + ((cp - 0xd800) << 10) + (lo - 0xdc00);
	} else if (cp < 0 || (cp >= 0xd800 && cp <= 0xdfff)) {
		cp = 0xfffd;
	}
	if (cp < 0x80) {
		u[0] = (char)cp;
		return 1;
	}
	if (cp < 0x800) {
		u[0] = (char)(0xc0 | cp >> 6);
		u[1] = (char)(0x80 | (cp & 0x3f));
		return 2;
	}
	if (cp < 0x10000) {
		u[0] = (char)(0xe0 | cp >> 12);
		u[1] = (char)(0x80 | (cp >> 6 & 0x3f));
		u[2] = (char)(0x80 | (cp & 0x3f));
		return 3;
	}
	u[0] = (char)(0xf0 | cp >> 18);
	u[1] = (char)(0x80 | (cp >> 12 & 0x3f));
	u[2] = (char)(0x80 | (cp >> 6 & 0x3f));
	u[3] = (char)(0x80 | (cp & 0x3f));
	return 4;
}

/*
 * A string into out (NUL-terminated, at most STR_MAX - 1 bytes; longer
 * ones are cut, between characters, and *cut set).  Escapes are decoded,
 * \uXXXX to the character as UTF-8: a name is kept as it is (it is matched
 * against traces' names) and escaped where it is shown, not cleaned here;
 * only a NUL, which would end the name early, becomes '?'.
 */
static bool
string(struct js *j, char out[STR_MAX], bool *cut)
{
	size_t n = 0;

	*cut = false;
	if (!eat(j, '"')) {
		fail(j, "a string was expected");
		return false;
	}
	while (j->pos < j->len && j->s[j->pos] != '"') {
		char c = j->s[j->pos++], u[4];
		size_t k = 0; /* bytes in u: a \u escape's */

		if (c == '\\') {
			if (j->pos >= j->len)
				break;
			c = j->s[j->pos++];
			switch (c) {
			case 'n': c = '\n'; break;
			case 't': c = '\t'; break;
			case 'r': c = '\r'; break;
			case 'b': c = '\b'; break;
			case 'f': c = '\f'; break;
			case 'u':
				if (j->len - j->pos < 4) {
					fail(j, "a cut \\u escape");
					return false;
				}
				k = unicode(j, u);
				break;
			default: break; /* \" \\ \/ stand for themselves */
			}
		}
		if (k == 0) {
			u[0] = c;
			k = 1;
		}
		if (u[0] == '\0')
			u[0] = '?'; /* a NUL would end the name early */
		if (n + k <= STR_MAX - 1) {
			memcpy(out + n, u, k);
			n += k;
		} else {
			*cut = true;
		}
	}
	if (j->pos >= j->len) {
		fail(j, "a string that is never closed");
		return false;
	}
	j->pos++;
	out[n] = '\0';
	return true;
}

static bool skip_value(struct js *j);

/* Calls fn for each member of an object; fn must consume the value. */
static bool
members(
    struct js *j, bool (*fn)(struct js *, const char *key, void *), void *arg)
{
	char key[STR_MAX];
	bool cut;

	if (!eat(j, '{')) {
		fail(j, "an object ('{') was expected");
		return false;
	}
	if (++j->depth > MAX_DEPTH) {
		fail(j, "nested too deeply");
		return false;
	}
	if (eat(j, '}')) {
		j->depth--;
		return true;
	}
	do {
		if (!string(j, key, &cut))
			return false;
		if (!eat(j, ':')) {
			fail(j, "':' was expected after a key");
			return false;
		}
		if (!(cut ? skip_value(j) : fn(j, key, arg)))
			return false;
	} while (eat(j, ','));
	if (!eat(j, '}')) {
		fail(j, "',' or '}' was expected");
		return false;
	}
	j->depth--;
	return true;
}

static bool
skip_member(struct js *j, const char *key, void *arg)
{
	return skip_value(j);
}

static bool
skip_value(struct js *j)
{
	char tmp[STR_MAX];
	bool cut;

	ws(j);
	if (j->pos >= j->len) {
		fail(j, "a value was expected, the file ends");
		return false;
	}
	switch (j->s[j->pos]) {
	case '{': return members(j, skip_member, NULL);
	case '[':
		j->pos++;
		if (++j->depth > MAX_DEPTH) {
			fail(j, "nested too deeply");
			return false;
		}
		if (!eat(j, ']')) {
			do {
				if (!skip_value(j))
					return false;
			} while (eat(j, ','));
			if (!eat(j, ']')) {
				fail(j, "',' or ']' was expected");
				return false;
			}
		}
		j->depth--;
		return true;
	case '"': return string(j, tmp, &cut);
	default:
		/* A number, true, false or null. */
		{
			size_t start = j->pos;

			while (
			    j->pos < j->len &&
			    strchr("0123456789+-.eEtruefalsn", j->s[j->pos]) &&
			    j->s[j->pos] != '\0')
				j->pos++;
			if (j->pos == start) {
				fail(j, "not a JSON value");
				return false;
			}
			return true;
		}
	}
}

/* A string value into a name; false (and err set) when it does not fit. */
static bool
name_value(struct js *j, char dst[MBT_IMN_NAME], const char *key)
{
	char v[STR_MAX];
	bool cut;

	if (!string(j, v, &cut))
		return false;
	if (cut || !mbt_imn_set(dst, v, strlen(v))) {
		char msg[128];

		snprintf(msg, sizeof(msg),
		    "\"%s\" is longer than %d characters", key,
		    MBT_IMN_NAME - 1);
		fail(j, msg);
		return false;
	}
	return true;
}

/* The first string of an array of addresses. */
static bool
first_addr(struct js *j, char dst[MBT_IMN_NAME])
{
	char v[STR_MAX];
	bool cut, first = true;

	if (!eat(j, '[')) {
		fail(j, "a list of addresses was expected");
		return false;
	}
	if (eat(j, ']'))
		return true;
	do {
		if (!string(j, v, &cut))
			return false;
		if (first && !cut)
			mbt_imn_set(dst, v, strlen(v));
		first = false;
	} while (eat(j, ','));
	if (!eat(j, ']')) {
		fail(j, "',' or ']' was expected");
		return false;
	}
	return true;
}

static bool
iface_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn_iface *f = arg;

	if (strcmp(key, "name") == 0)
		return name_value(j, f->name, key);
	if (strcmp(key, "ipv4_addrs") == 0)
		return first_addr(j, f->ipv4);
	return skip_value(j);
}

static bool
ifaces_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn_node *n = arg;
	struct mbt_imn_iface *f = mbt_imn_add_iface(n, key);

	if (f == NULL) {
		fail(j, "an interface name too long, or too many interfaces");
		return false;
	}
	/* The key is the interface's id; a "name" inside renames it. */
	strcpy(f->id, f->name);
	return members(j, iface_member, f);
}

static bool
node_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn_node *n = arg;
	char v[STR_MAX], *end;
	bool cut;

	if (strcmp(key, "type") == 0)
		return name_value(j, n->type, key);
	if (strcmp(key, "name") == 0)
		return name_value(j, n->name, key);
	if (strcmp(key, "canvas") == 0)
		return name_value(j, n->canvas, key);
	if (strcmp(key, "ifaces") == 0)
		return members(j, ifaces_member, n);
	if (strcmp(key, "iconcoords") == 0) {
		if (!string(j, v, &cut))
			return false;
		n->x = strtod(v, &end);
		n->has_coords = end != v;
		n->y = n->has_coords ? strtod(end, &end) : 0;
		if (!n->has_coords || *end != '\0') {
			fail(j, "\"iconcoords\" is not \"X Y\"");
			return false;
		}
		return true;
	}
	return skip_value(j);
}

static bool
nodes_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn *t = arg;
	struct mbt_imn_node *n = mbt_imn_add_node(t, key);

	if (n == NULL) {
		fail(j, "a node id too long, or too many nodes");
		return false;
	}
	return members(j, node_member, n);
}

/* "A B" into two names. */
static bool
pair_value(struct js *j, char dst[2][MBT_IMN_NAME], const char *key)
{
	char v[STR_MAX], msg[96];
	char *sp;
	bool cut;

	if (!string(j, v, &cut))
		return false;
	sp = strchr(v, ' ');
	if (cut || sp == NULL || strchr(sp + 1, ' ') != NULL ||
	    !mbt_imn_set(dst[0], v, (size_t)(sp - v)) ||
	    !mbt_imn_set(dst[1], sp + 1, strlen(sp + 1))) {
		snprintf(
		    msg, sizeof(msg), "\"%s\" is not two names \"A B\"", key);
		fail(j, msg);
		return false;
	}
	return true;
}

static bool
link_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn_link *l = arg;

	if (strcmp(key, "peers") == 0)
		return pair_value(j, l->node, key);
	if (strcmp(key, "peers_ifaces") == 0)
		return pair_value(j, l->iface, key);
	return skip_value(j);
}

static bool
links_member(struct js *j, const char *key, void *arg)
{
	struct mbt_imn *t = arg;
	struct mbt_imn_link *l = mbt_imn_add_link(t, key);

	if (l == NULL) {
		fail(j, "a link id too long, or too many links");
		return false;
	}
	return members(j, link_member, l);
}

static bool
top_member(struct js *j, const char *key, void *arg)
{
	if (strcmp(key, "nodes") == 0)
		return members(j, nodes_member, arg);
	if (strcmp(key, "links") == 0)
		return members(j, links_member, arg);
	return skip_value(j);
}

/* Links may name interface ids (ifc0): turn them into names, peers too. */
static void
ids_to_names(struct mbt_imn *t)
{
	for (size_t k = 0; k < t->nlinks; k++) {
		struct mbt_imn_link *l = &t->links[k];

		for (int s = 0; s < 2; s++) {
			struct mbt_imn_node *n =
			    mbt_imn_node_by_id(t, l->node[s]);

			if (n == NULL)
				continue;
			for (size_t i = 0; i < n->nifaces; i++) {
				struct mbt_imn_iface *f = &n->ifaces[i];

				if (strcmp(f->name, l->iface[s]) != 0 &&
				    strcmp(f->id, l->iface[s]) != 0)
					continue;
				strcpy(l->iface[s], f->name);
				strcpy(f->peer, l->node[1 - s]);
			}
		}
	}
}

int
mbt_imn_parse_json(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen)
{
	struct js j = {text, len, 0, 0, err, errlen, false};

	if (!members(&j, top_member, t))
		return -EINVAL;
	ws(&j);
	if (j.pos != len) {
		fail(&j, "text after the topology's closing '}'");
		return -EINVAL;
	}
	ids_to_names(t);
	return 0;
}
