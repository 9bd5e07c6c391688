/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Every mtrace(9) macro once, for the syntax check: built with and without
 * "options MBUF_TRACE" to prove the calls compile to nothing without it.
 */
#include <sys/param.h>
#include <sys/mbuf.h>
#include <sys/mbuf_trace.h>

void	api_use(struct mbuf *, struct ifnet *, const char *);

void
api_use(struct mbuf *m, struct ifnet *ifp, const char *name)
{
	static const uint8_t gw[4] = { 192, 0, 2, 1 };

	mtrace_start(m);
	(void)mtrace_start_point(m);
	mtrace_data(m);
	mtrace_data_link(m, MTRACE_LINK_ETHERNET);
	mtrace_printf(m, "%s %d", name, 1);
	mtrace_static(m, "static");
	mtrace_static_length(m, "static", 3);
	mtrace_dynamic(m, name);
	mtrace_dynamic_length(m, name, 2);
	mtrace(m, "text");
	mtrace_(m);
	mtrace_enter(m);
	mtrace_leave(m);
	mtrace_func(m);
	mtrace_iface(m, ifp, MTRACE_LINK_ETHERNET);
	mtrace_rule(m, MTRACE_FW_IPFW, NULL, 100, MTRACE_VERDICT_DROP);
	mtrace_verdict(m, MTRACE_VERDICT_PASS, "pfil");
	mtrace_route(m, 0, ifp, 0, 4, gw);
	mtrace_drop(m, "test");
	mtrace_delivered(m);
	mtrace_sent(m);
	mtrace_end(m, MTRACE_END_CONSUMED, 0, NULL);
}
