/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * ng_mtrace(4): the netgraph node that starts mbuf_trace(4) traces on the
 * packets that pass through it, between its "in" and "out" hooks.
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#ifndef _NETGRAPH_NG_MTRACE_H_
#define	_NETGRAPH_NG_MTRACE_H_

#define	NG_MTRACE_NODE_TYPE	"mtrace"
#define	NGM_MTRACE_COOKIE	1795618120

#define	NG_MTRACE_HOOK_IN	"in"
#define	NG_MTRACE_HOOK_OUT	"out"

#endif /* !_NETGRAPH_NG_MTRACE_H_ */
