/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * IMUNES topologies (.imn files, in IMUNES's Tcl-like syntax or its JSON
 * one): the nodes as the person drew them, their interfaces and the links
 * between them, and which node a trace's stack instance is.
 */
#ifndef MBUFTRACE_IMN_H
#define MBUFTRACE_IMN_H

#include <stdbool.h>
#include <stddef.h>

#ifdef __cplusplus
extern "C" {
#endif

#define MBT_IMN_NAME 64 /* names longer than this are an error */
#define MBT_IMN_MAX_NODES 1024
#define MBT_IMN_MAX_IFACES 32 /* per node */
#define MBT_IMN_MAX_LINKS 4096

struct mbt_imn_iface {
	char name[MBT_IMN_NAME]; /* eth0 */
	char id[MBT_IMN_NAME]; /* JSON: its key (ifc0), "" in the Tcl syntax */
	char peer[MBT_IMN_NAME]; /* the node id at the other end, or "" */
	char ipv4[MBT_IMN_NAME]; /* the first IPv4 address, or "" */
};

struct mbt_imn_node {
	char id[MBT_IMN_NAME];	 /* n0 */
	char name[MBT_IMN_NAME]; /* pc1 (the hostname; the id when unnamed) */
	char type[MBT_IMN_NAME]; /* pc, host, router, lanswitch, hub, ... */
	char canvas[MBT_IMN_NAME];
	bool has_coords;
	double x, y; /* iconcoords on its canvas */
	struct mbt_imn_iface ifaces[MBT_IMN_MAX_IFACES];
	size_t nifaces;
};

struct mbt_imn_link {
	char id[MBT_IMN_NAME];
	char node[2][MBT_IMN_NAME];  /* node ids */
	char iface[2][MBT_IMN_NAME]; /* interface names, "" when unknown */
};

struct mbt_imn {
	struct mbt_imn_node *nodes;
	size_t nnodes, nodes_cap;
	struct mbt_imn_link *links;
	size_t nlinks, links_cap;
	bool json; /* which syntax the file was in */
};

/*
 * Parse an .imn file of either syntax (JSON when it starts with '{').
 * Returns 0, -EINVAL with "line N: ..." in err, or -ENOMEM; on error t is
 * left empty.
 */
int mbt_imn_parse(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen);
void mbt_imn_free(struct mbt_imn *t);

/* The node with this id, or NULL. */
struct mbt_imn_node *mbt_imn_node_by_id(
    const struct mbt_imn *t, const char *id);

/*
 * The node a stack instance of this name is.  IMUNES names a node's Linux
 * network namespace EID-NODE_ID and its FreeBSD jail EID.NODE_ID (its
 * hostname is the node's name), so a name matches a node by its name, its
 * id, or EID-ID / EID.ID.  NULL when none does.
 */
const struct mbt_imn_node *mbt_imn_node_for_ns(
    const struct mbt_imn *t, const char *ns, size_t len);

/* Internal to the parsers: adding what they found. */
struct mbt_imn_node *mbt_imn_add_node(struct mbt_imn *t, const char *id);
struct mbt_imn_link *mbt_imn_add_link(struct mbt_imn *t, const char *id);
struct mbt_imn_iface *mbt_imn_add_iface(
    struct mbt_imn_node *n, const char *name);
/* Copy at most n bytes of s into a name; false when it does not fit. */
bool mbt_imn_set(char dst[MBT_IMN_NAME], const char *s, size_t n);
/* Fill in the interfaces of links that only name their nodes. */
void mbt_imn_resolve_links(struct mbt_imn *t);
int mbt_imn_parse_tcl(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen);
int mbt_imn_parse_json(
    const char *text, size_t len, struct mbt_imn *t, char *err, size_t errlen);

#ifdef __cplusplus
}
#endif

#endif /* MBUFTRACE_IMN_H */
