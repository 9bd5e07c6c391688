/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The long-standing .imn syntax: a Tcl list of "CLASS NAME { FIELD VALUE
 * ... }" objects (node, link, canvas, option, annotation, image), values
 * being words, "quoted" or {braced}.  Nodes carry type, canvas, iconcoords
 * {x y}, interface-peer {IFACE PEER} and a network-config text with the
 * hostname and interfaces; links carry nodes {A B}.  Every read is bounded
 * by the text's length.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/imn.h"

struct word {
	const char *p;
	size_t n;
	bool braced;
};

struct scan {
	const char *s;
	size_t len, pos;
	char *err;
	size_t errlen;
	unsigned line_base; /* line of s[0] in the file */
};

static unsigned
line_at(const struct scan *sc, size_t pos)
{
	unsigned line = sc->line_base;

	for (size_t i = 0; i < pos && i < sc->len; i++)
		line += sc->s[i] == '\n';
	return line;
}

static bool
blank(char c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

/* The next word; 1 found, 0 at the end, -EINVAL (err set) when broken. */
static int
next_word(struct scan *sc, struct word *w)
{
	const char *s = sc->s;
	size_t i = sc->pos, start;

	while (i < sc->len && blank(s[i]))
		i++;
	if (i == sc->len) {
		sc->pos = i;
		return 0;
	}
	start = i;
	if (s[i] == '{' || s[i] == '"') {
		char open = s[i];
		size_t depth = 1;

		for (i++; i < sc->len && depth > 0; i++) {
			if (s[i] == '\\')
				i++; /* the escaped byte, if any, is skipped */
			else if (open == '{' && s[i] == '{')
				depth++;
			else if (s[i] == (open == '{' ? '}' : '"'))
				depth--;
		}
		if (depth > 0) {
			snprintf(sc->err, sc->errlen,
			    "line %u: a '%c' that is "
			    "never closed",
			    line_at(sc, start), open);
			return -EINVAL;
		}
		w->p = s + start + 1;
		w->n = i - start - 2;
		w->braced = true;
	} else {
		while (i < sc->len && !blank(s[i]))
			i++;
		w->p = s + start;
		w->n = i - start;
		w->braced = false;
	}
	sc->pos = i;
	return 1;
}

static bool
word_is(const struct word *w, const char *v)
{
	return w->n == strlen(v) && memcmp(w->p, v, w->n) == 0;
}

/* The words of a braced value ({n0 n1}), at most max of them. */
static size_t
split(const struct word *in, struct word *out, size_t max, struct scan *parent)
{
	struct scan sc = {in->p, in->n, 0, parent->err, parent->errlen, 0};
	size_t n = 0;

	while (n < max && next_word(&sc, &out[n]) == 1)
		n++;
	return n;
}

static bool
to_double(const struct word *w, double *v)
{
	char buf[32], *end;

	if (w->n == 0 || w->n >= sizeof(buf))
		return false;
	memcpy(buf, w->p, w->n);
	buf[w->n] = '\0';
	*v = strtod(buf, &end);
	return *end == '\0';
}

/* hostname, and each "interface NAME" with its first "ip address". */
static int
network_config(struct mbt_imn_node *n, const struct word *cfg)
{
	struct mbt_imn_iface *cur = NULL;
	size_t pos = 0;

	while (pos < cfg->n) {
		const char *l = cfg->p + pos;
		const char *nl = memchr(l, '\n', cfg->n - pos);
		size_t len = nl ? (size_t)(nl - l) : cfg->n - pos;
		struct word w[4];
		struct scan sc = {l, len, 0, NULL, 0, 0};
		size_t k = 0;

		pos += len + 1;
		while (k < 4 && next_word(&sc, &w[k]) == 1)
			k++;
		if (k == 2 && word_is(&w[0], "hostname")) {
			if (!mbt_imn_set(n->name, w[1].p, w[1].n))
				return -EINVAL;
		} else if (k == 2 && word_is(&w[0], "interface")) {
			char name[MBT_IMN_NAME];

			if (!mbt_imn_set(name, w[1].p, w[1].n))
				return -EINVAL;
			cur = mbt_imn_add_iface(n, name);
			if (cur == NULL)
				return -EINVAL;
		} else if (k == 3 && cur != NULL && word_is(&w[0], "ip") &&
			   word_is(&w[1], "address") && cur->ipv4[0] == '\0') {
			if (!mbt_imn_set(cur->ipv4, w[2].p, w[2].n))
				return -EINVAL;
		} else if (k == 1 && word_is(&w[0], "!")) {
			cur = NULL;
		}
	}
	return 0;
}

static int
node_field(struct mbt_imn_node *n, const struct word *f, const struct word *v,
    struct scan *sc)
{
	struct word w[3];

	if (word_is(f, "type"))
		return mbt_imn_set(n->type, v->p, v->n) ? 0 : -EINVAL;
	if (word_is(f, "canvas"))
		return mbt_imn_set(n->canvas, v->p, v->n) ? 0 : -EINVAL;
	if (word_is(f, "iconcoords")) {
		if (split(v, w, 3, sc) != 2 || !to_double(&w[0], &n->x) ||
		    !to_double(&w[1], &n->y))
			return -EINVAL;
		n->has_coords = true;
		return 0;
	}
	if (word_is(f, "interface-peer")) {
		struct mbt_imn_iface *i;
		char name[MBT_IMN_NAME];

		if (split(v, w, 3, sc) != 2 ||
		    !mbt_imn_set(name, w[0].p, w[0].n) ||
		    (i = mbt_imn_add_iface(n, name)) == NULL)
			return -EINVAL;
		return mbt_imn_set(i->peer, w[1].p, w[1].n) ? 0 : -EINVAL;
	}
	if (word_is(f, "network-config"))
		return network_config(n, v);
	return 0; /* model, services, custom configs...: not for drawing */
}

static int
link_field(struct mbt_imn_link *l, const struct word *f, const struct word *v,
    struct scan *sc)
{
	struct word w[3];

	if (!word_is(f, "nodes"))
		return 0;
	if (split(v, w, 3, sc) != 2 ||
	    !mbt_imn_set(l->node[0], w[0].p, w[0].n) ||
	    !mbt_imn_set(l->node[1], w[1].p, w[1].n))
		return -EINVAL;
	return 0;
}

static const char *const classes[] = {
    "node", "link", "canvas", "option", "annotation", "image"};

static int
object(struct mbt_imn *t, struct scan *sc, const struct word *cls,
    const struct word *name, const struct word *body, size_t at)
{
	struct scan in = {body->p, body->n, 0, sc->err, sc->errlen,
	    line_at(sc, (size_t)(body->p - sc->s))};
	struct mbt_imn_node *n = NULL;
	struct mbt_imn_link *l = NULL;
	char id[MBT_IMN_NAME];
	struct word f, v;
	int rc;

	if (!mbt_imn_set(id, name->p, name->n))
		goto bad;
	if (word_is(cls, "node") && (n = mbt_imn_add_node(t, id)) == NULL)
		goto bad;
	if (word_is(cls, "link") && (l = mbt_imn_add_link(t, id)) == NULL)
		goto bad;
	if (n == NULL && l == NULL)
		return 0;
	while ((rc = next_word(&in, &f)) == 1) {
		size_t field_at = in.pos;

		if ((rc = next_word(&in, &v)) != 1) {
			if (rc == 0)
				snprintf(sc->err, sc->errlen,
				    "line %u: '%.*s' "
				    "has no value",
				    line_at(&in, field_at),
				    (int)(f.n < 40 ? f.n : 40), f.p);
			return -EINVAL;
		}
		rc =
		    n ? node_field(n, &f, &v, &in) : link_field(l, &f, &v, &in);
		if (rc != 0) {
			snprintf(sc->err, sc->errlen,
			    "line %u: %s %s: bad '%.*s' "
			    "(a name too long, or not the expected words)",
			    line_at(&in, field_at), n ? "node" : "link", id,
			    (int)(f.n < 40 ? f.n : 40), f.p);
			return -EINVAL;
		}
	}
	return rc;
bad:
	snprintf(sc->err, sc->errlen,
	    "line %u: the name of a %.*s is too "
	    "long, or there are too many",
	    line_at(sc, at), (int)cls->n, cls->p);
	return -EINVAL;
}

int
mbt_imn_parse_tcl(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen)
{
	struct scan sc = {text, len, 0, err, errlen, 1};
	struct word cls, name, body;
	int rc;

	while ((rc = next_word(&sc, &cls)) == 1) {
		size_t at = (size_t)(cls.p - text);
		bool known = false;

		for (size_t i = 0; i < sizeof(classes) / sizeof(classes[0]);
		     i++)
			known |= !cls.braced && word_is(&cls, classes[i]);
		if (!known) {
			snprintf(err, errlen,
			    "line %u: '%.*s' is not an IMUNES "
			    "object (node, link, canvas, option, annotation, "
			    "image)",
			    line_at(&sc, at), (int)(cls.n < 40 ? cls.n : 40),
			    cls.p);
			return -EINVAL;
		}
		if ((rc = next_word(&sc, &name)) != 1 ||
		    (rc = next_word(&sc, &body)) != 1 || !body.braced) {
			if (rc >= 0)
				snprintf(err, errlen,
				    "line %u: %.*s: expected "
				    "'%.*s NAME { ... }'",
				    line_at(&sc, at), (int)cls.n, cls.p,
				    (int)cls.n, cls.p);
			return -EINVAL;
		}
		if ((rc = object(t, &sc, &cls, &name, &body, at)) != 0)
			return rc;
	}
	return rc;
}
