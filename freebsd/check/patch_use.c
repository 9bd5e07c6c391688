/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The code the patches add, compiled for the syntax-and-types check:
 * tests/test_kernel.sh copies the added lines out of the patches into
 * the patch_*.inc files this includes, so what is compiled here is what
 * the patches put into FreeBSD's files.
 */
#include <sys/param.h>
#include <sys/mbuf.h>
#include <sys/mbuf_trace.h>

/* Patch 14: the procctl(2) constants and P2_MBUF_TRACE. */
#include "patch_procctl_defs.inc"

/* Patch 14: the two procctl(2) handlers added to kern_procctl.c. */
#include "patch_procctl_funcs.inc"

int	(*const patch_use_procctl[])(struct thread *, struct proc *,
	    void *) = { mbuf_trace_ctl, mbuf_trace_status };

int	patch_use_ip_output(struct mbuf *, struct inpcb *);
int	patch_use_ip6_output(struct mbuf *, struct inpcb *);
int	patch_use_pf_tag_packet(struct pf_pdesc *, int);
void	patch_use_pf_state(struct pf_pdesc *, struct pf_kstate *);
void	patch_use_ipfw_state(struct mbuf *, struct ipfw_flow_id *,
	    struct ip_fw *);

/* Patch 04: the socket and process start points in ip_output(). */
int
patch_use_ip_output(struct mbuf *m, struct inpcb *inp)
{
#include "patch_ip_output.inc"
	return (0);
}

/* Patch 15: the same in ip6_output(). */
int
patch_use_ip6_output(struct mbuf *m, struct inpcb *inp)
{
#include "patch_ip6_output.inc"
	return (0);
}

/* Patch 16: the pf tag start point in pf_tag_packet(). */
int
patch_use_pf_tag_packet(struct pf_pdesc *pd, int tag)
{
#include "patch_pf_tag.inc"
	return (0);
}

/* Patch 16: pf's state, made (pf_create_state()) or matched. */
#include "patch_pf_state.inc"

void
patch_use_pf_state(struct pf_pdesc *pd, struct pf_kstate *s)
{
	(void)pd;
	(void)s;
	pf_mtrace_state(pd, s, MTRACE_STATE_CREATED);
	pf_mtrace_state(pd, s, MTRACE_STATE_MATCHED);
}

/* Patch 26: ipfw's dynamic rules, made and matched (its new header). */
#include <netpfil/ipfw/ip_fw_mtrace_state.h>

void
patch_use_ipfw_state(struct mbuf *m, struct ipfw_flow_id *id,
    struct ip_fw *f)
{
	(void)m;
	(void)id;
	(void)f;
	ipfw_mtrace_state(m, id, f, MTRACE_STATE_CREATED, MATCH_FORWARD);
	ipfw_mtrace_state(m, id, f, MTRACE_STATE_MATCHED, MATCH_REVERSE);
}
