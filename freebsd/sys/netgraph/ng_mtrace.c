/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ng_mtrace(4): a netgraph node with two hooks, "in" and "out"; a packet
 * received on either one starts an mbuf_trace(4) trace (if it carries
 * none yet), is recorded as passing this node, and leaves by the other.
 * Insert it anywhere in a graph, e.g. between ng_ether(4)'s "lower" and
 * "upper", to trace what crosses that edge.
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/malloc.h>
#include <sys/mbuf.h>

#include <netgraph/ng_message.h>
#include <netgraph/netgraph.h>
#include <netgraph/ng_mtrace.h>

#include <sys/mbuf_trace.h>

struct ng_mtrace_priv {
	hook_p	in;
	hook_p	out;
};
typedef struct ng_mtrace_priv *priv_p;

static int		ng_mtrace_mod_event(module_t, int, void *);
static ng_constructor_t	ng_mtrace_constructor;
static ng_newhook_t	ng_mtrace_newhook;
static ng_rcvdata_t	ng_mtrace_rcvdata;
static ng_shutdown_t	ng_mtrace_shutdown;
static ng_disconnect_t	ng_mtrace_disconnect;

static struct ng_type ng_mtrace_typestruct = {
	.version =	NG_ABI_VERSION,
	.name =		NG_MTRACE_NODE_TYPE,
	.mod_event =	ng_mtrace_mod_event,
	.constructor =	ng_mtrace_constructor,
	.newhook =	ng_mtrace_newhook,
	.rcvdata =	ng_mtrace_rcvdata,
	.shutdown =	ng_mtrace_shutdown,
	.disconnect =	ng_mtrace_disconnect,
};
NETGRAPH_INIT(mtrace, &ng_mtrace_typestruct);
#ifdef MBUF_TRACE
MODULE_DEPEND(ng_mtrace, mbuf_trace, 1, 1, 1);
#endif

/*
 * With the option the node has nothing to check on unload: while traces
 * alive point at this module's strings, kern_mbuf_trace.c refuses the
 * unload, and netgraph refuses it while nodes of the type exist.
 * Without it (a GENERIC buildkernel builds every module) there is
 * nothing to trace with: the type refuses to load and says why.
 */
static int
ng_mtrace_mod_event(module_t mod __unused, int event, void *data __unused)
{
	switch (event) {
	case MOD_LOAD:
#ifndef MBUF_TRACE
		printf("ng_mtrace: this kernel has no options MBUF_TRACE\n");
		return (EOPNOTSUPP);
#else
		return (0);
#endif
	case MOD_UNLOAD:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}

static int
ng_mtrace_constructor(node_p node)
{
	priv_p priv;

	priv = malloc(sizeof(*priv), M_NETGRAPH, M_WAITOK | M_ZERO);
	NG_NODE_SET_PRIVATE(node, priv);
	return (0);
}

static int
ng_mtrace_newhook(node_p node, hook_p hook, const char *name)
{
	priv_p priv = NG_NODE_PRIVATE(node);

	if (strcmp(name, NG_MTRACE_HOOK_IN) == 0 && priv->in == NULL)
		priv->in = hook;
	else if (strcmp(name, NG_MTRACE_HOOK_OUT) == 0 && priv->out == NULL)
		priv->out = hook;
	else
		return (EINVAL);
	return (0);
}

/*
 * Data goes through unchanged.  The record names this node by its id,
 * the number ngctl(8) shows in brackets, as the RULE attribute's netgraph
 * convention in docs/format.md asks; its name is not kept, since a node
 * can be renamed or gone before the trace is emitted.
 */
static int
ng_mtrace_rcvdata(hook_p hook, item_p item)
{
	node_p node = NG_HOOK_NODE(hook);
	priv_p priv = NG_NODE_PRIVATE(node);
	struct mbuf *m;
	hook_p dest;
	int error;

	dest = hook == priv->in ? priv->out : priv->in;
	m = NGI_M(item);
	(void)mtrace_start_point(m);
	mtrace_rule(m, MTRACE_FW_NETGRAPH, NULL,
	    NG_NODE_ID(node), dest != NULL ? MTRACE_VERDICT_PASS :
	    MTRACE_VERDICT_DROP);
	if (dest == NULL) {
		mtrace_drop(m, "ng_mtrace: other hook not connected");
		NG_FREE_ITEM(item);
		return (ENOTCONN);
	}
	NG_FWD_ITEM_HOOK(error, item, dest);
	return (error);
}

static int
ng_mtrace_shutdown(node_p node)
{
	priv_p priv = NG_NODE_PRIVATE(node);

	NG_NODE_SET_PRIVATE(node, NULL);
	free(priv, M_NETGRAPH);
	NG_NODE_UNREF(node);
	return (0);
}

static int
ng_mtrace_disconnect(hook_p hook)
{
	node_p node = NG_HOOK_NODE(hook);
	priv_p priv = NG_NODE_PRIVATE(node);

	if (hook == priv->in)
		priv->in = NULL;
	if (hook == priv->out)
		priv->out = NULL;
	if (NG_NODE_NUMHOOKS(node) == 0 && NG_NODE_IS_VALID(node))
		ng_rmnode_self(node);
	return (0);
}
