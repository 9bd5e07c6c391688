/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IMUNES topologies: the model both .imn parsers fill, choosing the parser,
 * and mapping the stack instances named in traces to the nodes.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/imn.h"

bool
mbt_imn_set(char dst[MBT_IMN_NAME], const char *s, size_t n)
{
	if (n >= MBT_IMN_NAME || memchr(s, '\0', n) != NULL)
		return false;
	memcpy(dst, s, n);
	dst[n] = '\0';
	return true;
}

struct mbt_imn_node *
mbt_imn_node_by_id(const struct mbt_imn *t, const char *id)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		if (strcmp(t->nodes[i].id, id) == 0)
			return &t->nodes[i];
	}
	return NULL;
}

struct mbt_imn_node *
mbt_imn_add_node(struct mbt_imn *t, const char *id)
{
	struct mbt_imn_node *n = mbt_imn_node_by_id(t, id), *v;

	if (n != NULL)
		return n; /* described twice: the later fields win */
	if (t->nnodes == MBT_IMN_MAX_NODES || strlen(id) >= MBT_IMN_NAME)
		return NULL;
	if (t->nnodes == t->nodes_cap) {
		size_t cap = t->nodes_cap ? 2 * t->nodes_cap : 16;

		v = realloc(t->nodes, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		t->nodes = v;
		t->nodes_cap = cap;
	}
	n = &t->nodes[t->nnodes++];
	memset(n, 0, sizeof(*n));
	strcpy(n->id, id);
	strcpy(n->name, id);
	return n;
}

struct mbt_imn_link *
mbt_imn_add_link(struct mbt_imn *t, const char *id)
{
	struct mbt_imn_link *l, *v;

	if (t->nlinks == MBT_IMN_MAX_LINKS || strlen(id) >= MBT_IMN_NAME)
		return NULL;
	if (t->nlinks == t->links_cap) {
		size_t cap = t->links_cap ? 2 * t->links_cap : 16;

		v = realloc(t->links, cap * sizeof(*v));
		if (v == NULL)
			return NULL;
		t->links = v;
		t->links_cap = cap;
	}
	l = &t->links[t->nlinks++];
	memset(l, 0, sizeof(*l));
	strcpy(l->id, id);
	return l;
}

struct mbt_imn_iface *
mbt_imn_add_iface(struct mbt_imn_node *n, const char *name)
{
	struct mbt_imn_iface *f;

	for (size_t i = 0; i < n->nifaces; i++) {
		if (strcmp(n->ifaces[i].name, name) == 0)
			return &n->ifaces[i];
	}
	if (n->nifaces == MBT_IMN_MAX_IFACES || strlen(name) >= MBT_IMN_NAME)
		return NULL;
	f = &n->ifaces[n->nifaces++];
	memset(f, 0, sizeof(*f));
	strcpy(f->name, name);
	return f;
}

/* The interface of node a that leads to node b and no link claims yet. */
static const char *
iface_towards(
    const struct mbt_imn *t, const struct mbt_imn_node *a, const char *b)
{
	for (size_t i = 0; i < a->nifaces; i++) {
		bool taken = false;

		if (strcmp(a->ifaces[i].peer, b) != 0)
			continue;
		for (size_t k = 0; k < t->nlinks && !taken; k++) {
			for (int s = 0; s < 2; s++)
				taken |=
				    strcmp(t->links[k].node[s], a->id) == 0 &&
				    strcmp(t->links[k].iface[s],
					a->ifaces[i].name) == 0;
		}
		if (!taken)
			return a->ifaces[i].name;
	}
	return NULL;
}

void
mbt_imn_resolve_links(struct mbt_imn *t)
{
	for (size_t k = 0; k < t->nlinks; k++) {
		struct mbt_imn_link *l = &t->links[k];

		for (int s = 0; s < 2; s++) {
			const struct mbt_imn_node *n;
			const char *name;

			if (l->iface[s][0] != '\0')
				continue;
			n = mbt_imn_node_by_id(t, l->node[s]);
			if (n != NULL && (name = iface_towards(
					      t, n, l->node[1 - s])) != NULL)
				strcpy(l->iface[s], name);
		}
	}
}

void
mbt_imn_free(struct mbt_imn *t)
{
	free(t->nodes);
	free(t->links);
	memset(t, 0, sizeof(*t));
}

int
mbt_imn_parse(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen)
{
	size_t i = 0;
	int rc;

	memset(t, 0, sizeof(*t));
	while (i < len && (text[i] == ' ' || text[i] == '\t' ||
			      text[i] == '\n' || text[i] == '\r'))
		i++;
	t->json = i < len && text[i] == '{';
	rc = t->json ? mbt_imn_parse_json(text, len, t, err, errlen)
		     : mbt_imn_parse_tcl(text, len, t, err, errlen);
	if (rc == 0 && t->nnodes == 0) {
		snprintf(err, errlen, "no nodes: is this an IMUNES topology?");
		rc = -EINVAL;
	}
	if (rc != 0) {
		mbt_imn_free(t);
		return rc;
	}
	mbt_imn_resolve_links(t);
	return 0;
}

/* "i5a1e-n1" or "i5a1e.n1" names node n1 of experiment i5a1e. */
static bool
is_eid_form(const char *ns, size_t len, const char *id)
{
	size_t n = strlen(id);

	return n > 0 && len > n + 1 && memcmp(ns + len - n, id, n) == 0 &&
	       (ns[len - n - 1] == '-' || ns[len - n - 1] == '.');
}

const struct mbt_imn_node *
mbt_imn_node_for_ns(const struct mbt_imn *t, const char *ns, size_t len)
{
	for (size_t i = 0; i < t->nnodes; i++) {
		const char *name = t->nodes[i].name;

		if (strlen(name) == len && memcmp(name, ns, len) == 0)
			return &t->nodes[i];
	}
	for (size_t i = 0; i < t->nnodes; i++) {
		const char *id = t->nodes[i].id;

		if ((strlen(id) == len && memcmp(id, ns, len) == 0) ||
		    is_eid_form(ns, len, id))
			return &t->nodes[i];
	}
	return NULL;
}
