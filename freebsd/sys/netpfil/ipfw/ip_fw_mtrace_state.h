/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * mbuf_trace(4) in ipfw_chk() (patch 26): a traced packet made a dynamic
 * rule (keep-state, limit) or matched one (check-state, or the implicit
 * probe before keep-state).  Included by ip_fw2.c after ip_fw_private.h.
 * Copyright (c) 2026 The mbuftrace authors
 */

#ifndef _NETPFIL_IPFW_IP_FW_MTRACE_STATE_H_
#define	_NETPFIL_IPFW_IP_FW_MTRACE_STATE_H_

#include <sys/mbuf_trace.h>

#ifdef MBUF_TRACE
/*
 * The record names the parent rule and the state's key: the packet's flow
 * id (addresses and ports in host byte order there), turned around for a
 * packet that matched in reverse, so that it reads as the connection's
 * first packet had it.  ipfw keeps no direction for a state, so none is
 * recorded.
 */
static __inline void
ipfw_mtrace_state(struct mbuf *m, const struct ipfw_flow_id *id,
    const struct ip_fw *f, int how, int direction)
{
	struct mtrace_flow fl;
	uint32_t a[2];
	int rev;

	if (!mtrace_active(m))
		return;
	rev = direction == MATCH_REVERSE;
	memset(&fl, 0, sizeof(fl));
	fl.mf_proto = id->proto;
	fl.mf_sport = rev ? id->dst_port : id->src_port;
	fl.mf_dport = rev ? id->src_port : id->dst_port;
	if (id->addr_type == 6) {
		fl.mf_family = 6;
		memcpy(fl.mf_src, rev ? &id->dst_ip6 : &id->src_ip6, 16);
		memcpy(fl.mf_dst, rev ? &id->src_ip6 : &id->dst_ip6, 16);
	} else if (id->addr_type == 4) {
		fl.mf_family = 4;
		a[0] = htonl(rev ? id->dst_ip : id->src_ip);
		a[1] = htonl(rev ? id->src_ip : id->dst_ip);
		memcpy(fl.mf_src, &a[0], 4);
		memcpy(fl.mf_dst, &a[1], 4);
	}
	mtrace_state(m, MTRACE_FW_IPFW, how, f->rulenum,
	    fl.mf_family != 0 ? &fl : NULL);
}
#else
#define	ipfw_mtrace_state(m, id, f, how, direction)	((void)0)
#endif

#endif /* !_NETPFIL_IPFW_IP_FW_MTRACE_STATE_H_ */
