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

/*
 * The action's object index in the VNET's ipfw chain.  On main an
 * O_EXTERNAL_ACTION instruction is an ipfw_insn_kidx holding a 32-bit
 * index (ip_fw_sockopt.c checks insntod(cmd, kidx)->kidx); kept as
 * uint32_t, which also holds the uint16_t of older ipfw.
 */
#ifdef MBUF_TRACE
VNET_DEFINE_STATIC(uint32_t, mtrace_eid) = 0;
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
	if (cmd->opcode != O_EXTERNAL_ACTION ||
	    insntod(cmd, kidx)->kidx != V_mtrace_eid || args->m == NULL)
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
 * Whether a rule of some VNET uses the action.  ipfw counts a named
 * object's references: one for the object itself, one per rule
 * (ipfw_del_eaction() resets the rules when refcnt > 1).
 */
static bool
ipfw_mtrace_in_use(void)
{
	VNET_ITERATOR_DECL(vnet_iter);
	struct named_object *no;
	bool used;

	used = false;
	VNET_LIST_RLOCK();
	VNET_FOREACH(vnet_iter) {
		CURVNET_SET(vnet_iter);
		if (V_mtrace_eid != 0) {
			IPFW_UH_RLOCK(&V_layer3_chain);
			no = ipfw_objhash_lookup_kidx(
			    CHAIN_TO_SRV(&V_layer3_chain), V_mtrace_eid);
			used |= no != NULL && no->refcnt > 1;
			IPFW_UH_RUNLOCK(&V_layer3_chain);
		}
		CURVNET_RESTORE();
	}
	VNET_LIST_RUNLOCK();
	return (used);
}

/*
 * Unloading would turn every "eaction mtrace" rule into ipfw's default
 * external action, which drops: refuse while a rule uses the action.
 * While traces alive point at this module's strings, kern_mbuf_trace.c
 * refuses the unload before this runs.
 */
static int
ipfw_mtrace_modevent(module_t mod __unused, int type, void *unused __unused)
{
	switch (type) {
	case MOD_LOAD:
		return (0);
	case MOD_UNLOAD:
		if (ipfw_mtrace_in_use()) {
			printf("ipfw_mtrace: rules use \"eaction mtrace\"; "
			    "delete them first\n");
			return (EBUSY);
		}
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}
#else /* !MBUF_TRACE */
/*
 * Built for a kernel without "options MBUF_TRACE" (a GENERIC buildkernel
 * builds every module): there is nothing to start, so it refuses to
 * load and says why.
 */
static int
ipfw_mtrace_modevent(module_t mod __unused, int type, void *unused __unused)
{
	switch (type) {
	case MOD_LOAD:
		printf("ipfw_mtrace: this kernel has no options MBUF_TRACE\n");
		return (EOPNOTSUPP);
	case MOD_UNLOAD:
		return (0);
	default:
		return (EOPNOTSUPP);
	}
}
#endif /* MBUF_TRACE */

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
#ifdef MBUF_TRACE
MODULE_DEPEND(ipfw_mtrace, mbuf_trace, 1, 1, 1);
VNET_SYSINIT(vnet_ipfw_mtrace_init, IPFW_MTRACE_SI_SUB,
    IPFW_MTRACE_VNET_ORDER, vnet_ipfw_mtrace_init, NULL);
VNET_SYSUNINIT(vnet_ipfw_mtrace_uninit, IPFW_MTRACE_SI_SUB,
    IPFW_MTRACE_VNET_ORDER, vnet_ipfw_mtrace_uninit, NULL);
#endif
