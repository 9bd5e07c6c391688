/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The userland face of kern_sim.c, which runs sys/kern/kern_mbuf_trace.c
 * itself on simulated KPIs: what test_kern_glue.c drives.
 */
#ifndef KERN_SIM_H
#define KERN_SIM_H

#include <stddef.h>
#include <stdint.h>

struct mbuf;
struct ifnet;

/* Provided by the test program: the C library's allocator. */
void	*sim_libc_alloc(size_t size);
void	 sim_libc_free(void *p);

void	 sim_init(void);
struct ifnet *sim_ifnet(const char *name, int index);
struct mbuf *sim_mbuf(const void *data, int len);
void	 sim_mbuf_free(struct mbuf *m);
struct mbuf *sim_mbuf_copy(struct mbuf *m, int with_hook);
void	 sim_strip_nonpersistent(struct mbuf *m);
int	 sim_ntags(const struct mbuf *m);
void	 sim_enter_vnet(void *vnet);
int	 sim_jail_created(void *vnet, int jid, const char *name, int vnet_jail);
void	 sim_set_listener(int on);
int	 sim_run_emitter(void);
int	 sim_ncaptured(void);
const uint8_t *sim_capture(int i, uint32_t *len);
void	 sim_clear_captures(void);
void	 sim_set_enable(int on);
void	 sim_set_start_anywhere(int on);
int	 sim_sysctl_uint(const char *name, unsigned v);
int	 sim_sysctl_ifaces(const char *list);
uint64_t sim_counter(const char *name);
unsigned sim_live(void);
int	 sim_kld_unload(int with_trace_points);
void	 sim_set_nosleep(int on);
int	 sim_violations_count(void);
const char *sim_last_kmsg(void);
void	 sim_set_uptime(long sec);
int	 sim_sysctl_caps(unsigned max_rate, unsigned max_live);
void	 sim_ifnet_set_vnet(struct ifnet *ifp, void *vnet);
void	 sim_mbuf_set_rcvif(struct mbuf *m, struct ifnet *ifp);
const char *sim_ddb_show_mtrace(struct mbuf *m);

/* Trace points as the patches place them. */
void	 sim_ether_input(struct mbuf *m, struct ifnet *ifp);
void	 sim_ether_output(struct mbuf *m, struct ifnet *ifp);
void	 sim_ip_input(struct mbuf *m);
void	 sim_answer(struct mbuf *m, int type);
void	 sim_static(struct mbuf *m, const char *s);
void	 sim_dynamic(struct mbuf *m, const char *s);
void	 sim_data(struct mbuf *m);
void	 sim_drop(struct mbuf *m, const char *why);
void	 sim_delivered(struct mbuf *m);
void	 sim_route(struct mbuf *m, unsigned fib, struct ifnet *oifp, int error,
	    const uint8_t *gw4);
void	 sim_ipfw_verdict(struct mbuf *m, int pass);
void	 sim_ipfw_state(struct mbuf *m, int how, int reverse,
	    const uint8_t *src4, uint16_t sport, const uint8_t *dst4,
	    uint16_t dport, uint32_t rulenum);
void	 sim_fw_state(struct mbuf *m, int engine, int how, uint64_t rule,
	    int dir, int proto, const uint8_t *src4, uint16_t sport,
	    const uint8_t *dst4, uint16_t dport);
int	 sim_start(struct mbuf *m);
int	 sim_start_point(struct mbuf *m);

/* The start-point modules (startpoints_sim.c). */
int	 sim_ipfw_load(void);
int	 sim_ipfw_unload(void);
int	 sim_ipfw_match(struct mbuf *m, int ours, int *done);
void	 sim_ipfw_rules(int n);
int	 sim_ng_setup(int connect_out);
int	 sim_ng_newhook(const char *name);
int	 sim_ng_input(struct mbuf *m, struct mbuf **out);
int	 sim_ng_unload(void);
void	 sim_ng_shutdown(void);

#endif /* KERN_SIM_H */
