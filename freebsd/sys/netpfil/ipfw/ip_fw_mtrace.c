/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The ipfw start point of mbuf_trace(4): an external action "mtrace" that
 * starts a trace on the packets its rule matches and lets them go on to
 * the next rule, e.g. "ipfw add 100 eaction mtrace ip from any to 10.0.0.2".
 *
 * Copyright (c) 2026 The mbuftrace authors
 */

#include <sys/param.h>
#include <sys/systm.h>
#include <sys/kernel.h>
#include <sys/mbuf.h>
#include <sys/module.h>
#include <sys/socket.h>

#include <net/if.h>
#include <net/vnet.h>

#include <netinet/in.h>
#include <netinet/ip_var.h>
#include <netinet/ip_fw.h>

#include <netpfil/ipfw/ip_fw_private.h>

#include <sys/mbuf_trace.h>

VNET_DEFINE_STATIC(uint16_t, mtrace_eid) = 0;
#define	V_mtrace_eid	VNET(mtrace_eid)

/*
 * The external action (sys/netpfil/ipfw/ip_fw_eaction.c, ipfw_eaction_t).
 * *done = 0 makes it non-terminal, as ip_fw_nptv6.c does for a packet it
 * does not translate: ipfw_chk() goes on with the next rule and the
 * return value is not used.  The handler sees the instruction, not the
 * rule, so the record cannot carry the rule's number.
 */
static int
ipfw_mtrace(struct ip_fw_chain *ch __unused, struct ip_fw_args *args,
    ipfw_insn *cmd, int *done)
{
	*done = 0;
	if (cmd->opcode != O_EXTERNAL_ACTION || cmd->arg1 != V_mtrace_eid ||
	    args->m == NULL)
		return (IP_FW_PASS);
	(void)mtrace_start_point(args->m);
	mtrace_rule(args->m, MTRACE_FW_IPFW, "eaction mtrace", 0,
	    MTRACE_VERDICT_CONTINUE);
	return (IP_FW_PASS);
}

/* Per VNET, on its ipfw chain, as ip_fw_nat64.c and nptv6 register theirs. */
static int
vnet_ipfw_mtrace_init(const void *arg __unused)
{
	/* ipfw_add_eaction() returns 0 on failure (ip_fw_eaction.c). */
	V_mtrace_eid = ipfw_add_eaction(&V_layer3_chain, ipfw_mtrace, "mtrace");
	return (V_mtrace_eid != 0 ? 0 : ENXIO);
}

static int
vnet_ipfw_mtrace_uninit(const void *arg __unused)
{
	if (V_mtrace_eid != 0)
		(void)ipfw_del_eaction(&V_layer3_chain, V_mtrace_eid);
	V_mtrace_eid = 0;
	return (0);
}

/*
 * Traces keep pointers to this module's strings (file and function names)
 * until they are emitted, so it stays while any trace is alive.
 */
static int
ipfw_mtrace_modevent(module_t mod __unused, int type, void *unused __unused)
{
	switch (type) {
	case MOD_LOAD:
		return (0);
	case MOD_UNLOAD:
		return (mtrace_busy() ? EBUSY : 0);
	default:
		return (EOPNOTSUPP);
	}
}

static moduledata_t ipfw_mtrace_mod = {
	"ipfw_mtrace",
	ipfw_mtrace_modevent,
	0
};

/* Startup order: after ipfw, as sys/netpfil/ipfw/nat64/ip_fw_nat64.c. */
#define	IPFW_MTRACE_SI_SUB	SI_SUB_PROTO_IFATTACHDOMAIN
#define	IPFW_MTRACE_ORDER	(SI_ORDER_ANY - 128)
#define	IPFW_MTRACE_VNET_ORDER	(IPFW_MTRACE_ORDER + 2)

DECLARE_MODULE(ipfw_mtrace, ipfw_mtrace_mod, IPFW_MTRACE_SI_SUB,
    SI_ORDER_ANY);
MODULE_DEPEND(ipfw_mtrace, ipfw, 3, 3, 3);
MODULE_VERSION(ipfw_mtrace, 1);
VNET_SYSINIT(vnet_ipfw_mtrace_init, IPFW_MTRACE_SI_SUB,
    IPFW_MTRACE_VNET_ORDER, vnet_ipfw_mtrace_init, NULL);
VNET_SYSUNINIT(vnet_ipfw_mtrace_uninit, IPFW_MTRACE_SI_SUB,
    IPFW_MTRACE_VNET_ORDER, vnet_ipfw_mtrace_uninit, NULL);
