/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs the two start-point modules, sys/netpfil/ipfw/ip_fw_mtrace.c and
 * sys/netgraph/ng_mtrace.c, on models of the ipfw and netgraph KPIs they
 * call, beside the facility in kern_sim.c: what test_kern_glue.c checks
 * of the ipfw action and the netgraph node.
 */

#include "../../sys/netpfil/ipfw/ip_fw_mtrace.c"
#include "../../sys/netgraph/ng_mtrace.c"

#include "kern_sim.h"

struct ng_node {
	void		*nd_private;
	ng_ID_t		 nd_id;
	int		 nd_numhooks;
	int		 nd_valid;
};

struct ng_hook {
	struct ng_node	*hk_node;
};

struct ng_item {
	struct mbuf	*el_m;
	struct ng_hook	*el_dest;
};

struct ip_fw_chain vnet_entry_layer3_chain;
struct malloc_type M_NETGRAPH[1] = { { "netgraph" } };

static ipfw_eaction_t *sim_eaction;
/* Above 16 bits: main's object indexes are 32-bit. */
#define	SIM_EACTION_KIDX	70001
static struct named_object sim_eaction_obj;
static struct ng_node sim_node = { NULL, 42, 0, 1 };
static struct ng_hook sim_hook_in = { &sim_node }, sim_hook_out = { &sim_node };
static struct ng_hook *sim_forwarded_to;

uint32_t
ipfw_add_eaction(struct ip_fw_chain *ch __unused, ipfw_eaction_t handler,
    const char *name)
{
	if (strcmp(name, "mtrace") != 0)
		return (0);
	sim_eaction = handler;
	sim_eaction_obj.kidx = SIM_EACTION_KIDX;
	sim_eaction_obj.refcnt = 1;
	return (SIM_EACTION_KIDX);
}

int
ipfw_del_eaction(struct ip_fw_chain *ch __unused, uint32_t id)
{
	if (id != sim_eaction_obj.kidx || sim_eaction == NULL)
		return (EINVAL);
	sim_eaction = NULL;
	sim_eaction_obj.kidx = 0;
	return (0);
}

struct named_object *
ipfw_objhash_lookup_kidx(struct namedobj_instance *ni __unused, uint32_t idx)
{
	return (idx != 0 && idx == sim_eaction_obj.kidx ?
	    &sim_eaction_obj : NULL);
}

void	__kpi_ipfw_uh_rlock(struct ip_fw_chain *ch __unused) { }
void	__kpi_ipfw_uh_runlock(struct ip_fw_chain *ch __unused) { }

/* n rules now use "eaction mtrace": ipfw counts them on the object. */
void
sim_ipfw_rules(int n)
{
	sim_eaction_obj.refcnt = 1 + (uint32_t)n;
}

void *ng_node_private_(node_p node) { return (node->nd_private); }
void ng_node_set_private_(node_p node, void *v) { node->nd_private = v; }
node_p ng_hook_node_(hook_p hook) { return (hook->hk_node); }
ng_ID_t ng_node2ID(node_p node) { return (node->nd_id); }
int ng_node_numhooks_(node_p node) { return (node->nd_numhooks); }
int ng_node_is_valid_(node_p node) { return (node->nd_valid); }
void ng_node_unref_(node_p node) { node->nd_valid = 0; }
int ng_rmnode_self(node_p node) { node->nd_valid = 0; return (0); }
struct mbuf **ng_item_m_(item_p item) { return (&item->el_m); }

void
ng_free_item(item_p item)
{
	if (item->el_m != NULL)
		sim_mbuf_free(item->el_m);
	sim_libc_free(item);
}

int
ng_address_hook(node_p here __unused, item_p item, hook_p hook,
    ng_ID_t retaddr __unused)
{
	item->el_dest = hook;
	return (0);
}

/* Delivery to the peer: the test gets the mbuf back from here. */
static struct mbuf *sim_delivered_m;

int
ng_snd_item(item_p item, int flags __unused)
{
	sim_forwarded_to = item->el_dest;
	sim_delivered_m = item->el_m;
	sim_libc_free(item);
	return (0);
}

/* ---- what the test drives ---- */

int
sim_ipfw_load(void)
{
	return (vnet_ipfw_mtrace_init(NULL));
}

/* kldunload ipfw_mtrace: the kernel's veto, then the module's own. */
int
sim_ipfw_unload(void)
{
	int error = sim_kld_unload(1);

	if (error == 0)
		error = ipfw_mtrace_modevent(NULL, MOD_UNLOAD, NULL);

	if (error == 0)
		(void)vnet_ipfw_mtrace_uninit(NULL);
	return (error);
}

/* ipfw_chk() reaching "eaction mtrace" (or another action's opcode). */
int
sim_ipfw_match(struct mbuf *m, int ours, int *done)
{
	struct ip_fw_args args;
	ipfw_insn_kidx cmd;

	memset(&args, 0, sizeof(args));
	args.m = m;
	/*
	 * As ipfw(8) on main writes it: the index in kidx, arg1 not filled
	 * (here the index's low 16 bits, to catch a reader of arg1).
	 */
	cmd.o.opcode = O_EXTERNAL_ACTION;
	cmd.o.len = 2;
	cmd.o.arg1 = (uint16_t)SIM_EACTION_KIDX;
	cmd.kidx = ours ? SIM_EACTION_KIDX : SIM_EACTION_KIDX + 1;
	*done = 1;
	return (sim_eaction(&vnet_entry_layer3_chain, &args, &cmd.o, done));
}

int
sim_ng_setup(int connect_out)
{
	int error;

	sim_node.nd_valid = 1;
	error = ng_mtrace_constructor(&sim_node);
	if (error == 0)
		error = ng_mtrace_newhook(&sim_node, &sim_hook_in, "in");
	if (error == 0 && connect_out)
		error = ng_mtrace_newhook(&sim_node, &sim_hook_out, "out");
	sim_node.nd_numhooks = connect_out ? 2 : 1;
	return (error);
}

int
sim_ng_newhook(const char *name)
{
	static struct ng_hook extra = { &sim_node };

	return (ng_mtrace_newhook(&sim_node, &extra, name));
}

/* Data arriving on "in"; returns the error, *out what left by "out". */
int
sim_ng_input(struct mbuf *m, struct mbuf **out)
{
	item_p item = sim_libc_alloc(sizeof(*item));
	int error;

	item->el_m = m;
	item->el_dest = NULL;
	sim_forwarded_to = NULL;
	sim_delivered_m = NULL;
	error = ng_mtrace_rcvdata(&sim_hook_in, item);
	*out = sim_forwarded_to == &sim_hook_out ? sim_delivered_m : NULL;
	return (error);
}

int
sim_ng_unload(void)
{
	int error = sim_kld_unload(1);

	return (error != 0 ? error : ng_mtrace_mod_event(NULL, MOD_UNLOAD, NULL));
}

void
sim_ng_shutdown(void)
{
	(void)ng_mtrace_disconnect(&sim_hook_in);
	(void)ng_mtrace_disconnect(&sim_hook_out);
	(void)ng_mtrace_shutdown(&sim_node);
}
