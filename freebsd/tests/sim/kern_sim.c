/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Runs sys/kern/kern_mbuf_trace.c, the kernel file itself, in userland:
 * compiled against freebsd/check/freebsd_kpi.h like the syntax check, and
 * linked with simple implementations of those KPIs (m_tags as malloc'd
 * blocks, a bpf tap that keeps what it is given, a task run on demand),
 * so test_kern_glue.c can check what the facility records and emits.
 * This tests the glue's logic, not FreeBSD: the KPIs here are models.
 */

#include "../../sys/kern/kern_mbuf_trace.c"

#include "kern_sim.h"
#include <netpfil/ipfw/ip_fw_mtrace_state.h>

struct ifnet {
	char		 if_xname[IFNAMSIZ];
	int		 if_index;
	struct vnet	*if_vnet;
};

struct bpf_if {
	int	peers;
};

#define	SIM_MAX_CAPTURES	16
#define	SIM_MAX_IFNETS		8

static struct bpf_if sim_bpf;
static struct task *sim_task;
static int sim_task_pending;
static uint8_t *sim_captures[SIM_MAX_CAPTURES];
static uint32_t sim_capture_len[SIM_MAX_CAPTURES];
static int sim_ncap;
static struct ifnet sim_ifnets[SIM_MAX_IFNETS];
static int sim_nifnets;
static uint64_t sim_clock_ns = 1000;
static osd_method_t *sim_jail_methods;
static uint64_t sim_seq;

u_int __kpi_curcpu;
struct vnet *__kpi_curvnet;
epoch_t net_epoch_preempt;
struct taskqueue *taskqueue_thread;
volatile time_t time_uptime = 100;

/*
 * A context where nothing may sleep or take a sleep mutex (a driver's
 * lock held, UMA's destructor): what is called there is counted.
 */
static int sim_nosleep;
static int sim_violations;

static void
sim_may_sleep(void)
{
	if (sim_nosleep)
		sim_violations++;
}

/* epoch_call(9): callbacks wait for sim_run_emitter(). */
#define	SIM_MAX_EPOCH_CALLS	8
static struct {
	epoch_callback_t	*cb;
	epoch_context_t		 ctx;
} sim_epoch_calls[SIM_MAX_EPOCH_CALLS];
static int sim_nepoch_calls;

/* Kernel messages, as printf(9) would log them. */
static char sim_kmsg[256];

/* ---- the KPIs, modelled ---- */

void *
sim_kmalloc(size_t size, struct malloc_type *type __unused, int flags)
{
	void *p = sim_libc_alloc(size);

	if ((flags & M_WAITOK) != 0)
		sim_may_sleep();
	if (p != NULL && (flags & M_ZERO) != 0)
		memset(p, 0, size);
	return (p);
}

void
sim_kfree(void *addr, struct malloc_type *type __unused)
{
	sim_libc_free(addr);
}

struct m_tag *
m_tag_alloc(uint32_t cookie, int type, int len, int wait __unused)
{
	struct m_tag *t;

	if (len < 0)
		return (NULL);
	t = sim_libc_alloc(sizeof(*t) + (size_t)len);
	if (t == NULL)
		return (NULL);
	t->m_tag_cookie = cookie;
	t->m_tag_id = (uint16_t)type;
	t->m_tag_len = (uint16_t)len;
	t->m_tag_free = m_tag_free_default;
	return (t);
}

void
m_tag_free_default(struct m_tag *t)
{
	sim_libc_free(t);
}

struct m_tag *
m_tag_locate(struct mbuf *m, uint32_t cookie, int type, struct m_tag *t)
{
	struct m_tag *p;

	p = t == NULL ? SLIST_FIRST(&m->m_pkthdr.tags) : SLIST_NEXT(t, m_tag_link);
	for (; p != NULL; p = SLIST_NEXT(p, m_tag_link))
		if (p->m_tag_cookie == cookie && p->m_tag_id == type)
			return (p);
	return (NULL);
}

void
m_copydata(const struct mbuf *m, int off, int len, caddr_t cp)
{
	memcpy(cp, m->m_data + off, (size_t)len);
}

void
counter_u64_add(counter_u64_t c, int64_t v)
{
	*c += (uint64_t)v;
}

int
sysctl_handle_int(struct sysctl_oid *oidp __unused, void *arg1,
    intmax_t arg2 __unused, struct sysctl_req *req)
{
	if (req->newptr != NULL)
		memcpy(arg1, req->newptr, sizeof(int));
	return (0);
}

int
sysctl_handle_string(struct sysctl_oid *oidp __unused, void *arg1,
    intmax_t arg2, struct sysctl_req *req)
{
	if (req->newptr != NULL &&
	    strlcpy(arg1, req->newptr, (size_t)arg2) >= (size_t)arg2)
		return (EINVAL);
	return (0);
}

size_t
strlcpy(char *dst, const char *src, size_t size)
{
	size_t n = strlen(src);

	if (size > 0) {
		size_t k = n < size - 1 ? n : size - 1;

		memcpy(dst, src, k);
		dst[k] = '\0';
	}
	return (n);
}

size_t
strlcat(char *dst, const char *src, size_t size)
{
	size_t d = strlen(dst);

	if (d >= size)
		return (d + strlen(src));
	return (d + strlcpy(dst + d, src, size - d));
}

void	mtx_init(struct mtx *m __unused, const char *n __unused,
	    const char *t __unused, int o __unused) { }
void	mtx_lock(struct mtx *m __unused) { sim_may_sleep(); }
void	mtx_unlock(struct mtx *m __unused) { }
void	rm_init(struct rmlock *r __unused, const char *n __unused) { }
void	rm_rlock(struct rmlock *r __unused, struct rm_priotracker *t __unused) { }
void	rm_runlock(struct rmlock *r __unused,
	    struct rm_priotracker *t __unused) { }
void	rm_wlock(struct rmlock *r __unused) { }
void	rm_wunlock(struct rmlock *r __unused) { }
void	epoch_enter_preempt(epoch_t e __unused,
	    struct epoch_tracker *t __unused) { }
void	epoch_exit_preempt(epoch_t e __unused,
	    struct epoch_tracker *t __unused) { }

int
taskqueue_enqueue(struct taskqueue *q __unused, struct task *task)
{
	sim_may_sleep();
	sim_task = task;
	sim_task_pending++;
	return (0);
}

/* 1 us per reading, as sbintime_t (2^32 per second). */
sbintime_t
sbinuptime(void)
{
	sim_clock_ns += 1000;
	return ((sbintime_t)((sim_clock_ns << 32) / 1000000000));
}

void
nanotime(struct timespec *ts)
{
	ts->tv_sec = 1767225600;	/* 2026-01-01T00:00:00Z */
	ts->tv_nsec = 0;
}

uint64_t
atomic_fetchadd_64(volatile uint64_t *p, uint64_t v)
{
	uint64_t old = *p;

	*p = old + v;
	return (old);
}

void	atomic_add_int(volatile u_int *p, u_int v) { *p += v; }
void	atomic_store_int(volatile u_int *p, u_int v) { *p = v; }
void	atomic_thread_fence_seq_cst(void) { }

u_int
atomic_fetchadd_int(volatile u_int *p, u_int v)
{
	u_int old = *p;

	*p = old + v;
	return (old);
}

int
atomic_cmpset_int(volatile u_int *p, u_int old, u_int new)
{
	if (*p != old)
		return (0);
	*p = new;
	return (1);
}

int
atomic_cmpset_rel_ptr(volatile uintptr_t *p, uintptr_t old, uintptr_t new)
{
	if (*p != old)
		return (0);
	*p = new;
	return (1);
}

uintptr_t
atomic_readandclear_ptr(volatile uintptr_t *p)
{
	uintptr_t old = *p;

	*p = 0;
	return (old);
}

void
epoch_call(epoch_t e __unused, epoch_callback_t cb, epoch_context_t ctx)
{
	int i;

	/* A context queued twice would corrupt the epoch's list. */
	for (i = 0; i < sim_nepoch_calls; i++)
		if (sim_epoch_calls[i].ctx == ctx)
			sim_violations++;
	if (sim_nepoch_calls < SIM_MAX_EPOCH_CALLS) {
		sim_epoch_calls[sim_nepoch_calls].cb = cb;
		sim_epoch_calls[sim_nepoch_calls++].ctx = ctx;
	}
}

struct vnet *
if_getvnet(const if_t ifp)
{
	return (ifp->if_vnet);
}

/* One VNET in the list: the V_ variables here are plain globals. */
static int sim_vnet0;
struct vnet *__kpi_vnet_first = (struct vnet *)&sim_vnet0;
struct vnet *__kpi_vnet_next(struct vnet *v __unused) { return (NULL); }
void	__kpi_vnet_list_rlock(void) { }
void	__kpi_vnet_list_runlock(void) { }

int
sim_kprintf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sim_kmsg, sizeof(sim_kmsg), fmt, ap);
	va_end(ap);
	return (n);
}

/*
 * Two linker files: the kernel, with no mtrace_unit_set, and a module
 * whose set is the one startpoints_sim.c (built with KLD_MODULE) holds.
 */
extern void const *const __start_set_mtrace_unit_set[] __attribute__((weak));
extern void const *const __stop_set_mtrace_unit_set[] __attribute__((weak));
static struct linker_file sim_kernel_lf = { "kernel" };
static struct linker_file sim_module_lf = { "ipfw_mtrace.ko" };

int
linker_file_lookup_set(linker_file_t lf, const char *name, void *start,
    void *stop, int *count __unused)
{
	if (lf != &sim_module_lf || strcmp(name, "mtrace_unit_set") != 0 ||
	    __start_set_mtrace_unit_set == NULL)
		return (ESRCH);
	*(void const *const **)start = __start_set_mtrace_unit_set;
	*(void const *const **)stop = __stop_set_mtrace_unit_set;
	return (0);
}
void	atomic_subtract_int(volatile u_int *p, u_int v) { *p -= v; }
u_int	atomic_load_int(volatile u_int *p) { return (*p); }

const char *
if_name(if_t ifp)
{
	return (ifp->if_xname);
}

int
if_getindex(const if_t ifp)
{
	return (ifp->if_index);
}

struct bpf_if *
bpf_attach(const char *name __unused, u_int dlt __unused, u_int hdrlen __unused,
    const struct bif_methods *methods __unused, void *sc __unused)
{
	return (&sim_bpf);
}

void
bpf_detach(struct bpf_if *bp __unused)
{
}

bool
bpf_peers_present(struct bpf_if *bp)
{
	return (bp->peers != 0);
}

void
bpf_tap(struct bpf_if *bp __unused, u_char *pkt, u_int len)
{
	if (sim_ncap == SIM_MAX_CAPTURES)
		return;
	sim_captures[sim_ncap] = sim_libc_alloc(len);
	memcpy(sim_captures[sim_ncap], pkt, len);
	sim_capture_len[sim_ncap++] = len;
}

int
osd_register(u_int type __unused, osd_destructor_t d __unused,
    osd_method_t *methods)
{
	/* The methods array is on mtrace_init()'s stack: keep its entries. */
	static osd_method_t kept[PR_MAXMETHOD];

	memcpy(kept, methods, sizeof(kept));
	sim_jail_methods = kept;
	return (1);
}

/* The kernel linker's kld_unload_try event: the one handler is kept. */
static kld_unload_try_fn sim_kld_unload_try_fn;

eventhandler_tag
__kpi_eventhandler_register_kld_unload_try(kld_unload_try_fn fn,
    void *arg __unused, int priority __unused)
{
	sim_kld_unload_try_fn = fn;
	return (NULL);
}

bool db_pager_quit;
static char sim_ddb_out[4096];
static size_t sim_ddb_len;

int
db_printf(const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(sim_ddb_out + sim_ddb_len,
	    sizeof(sim_ddb_out) - sim_ddb_len, fmt, ap);
	va_end(ap);
	if (n > 0)
		sim_ddb_len = MIN(sim_ddb_len + (size_t)n,
		    sizeof(sim_ddb_out) - 1);
	return (n);
}

uint32_t
arc4random(void)
{
	return (0x5eed);
}

/* ---- the simulation's controls ---- */

void
sim_init(void)
{
	mtrace_init(NULL);
	sim_seq = 0;
}

struct ifnet *
sim_ifnet(const char *name, int index)
{
	struct ifnet *ifp = &sim_ifnets[sim_nifnets++ % SIM_MAX_IFNETS];

	strlcpy(ifp->if_xname, name, sizeof(ifp->if_xname));
	ifp->if_index = index;
	ifp->if_vnet = curvnet;
	return (ifp);
}

struct mbuf *
sim_mbuf(const void *data, int len)
{
	struct mbuf *m = sim_libc_alloc(sizeof(*m) + (size_t)len);

	memset(m, 0, sizeof(*m));
	m->m_data = (caddr_t)(m + 1);
	memcpy(m->m_data, data, (size_t)len);
	m->m_len = len;
	m->m_pkthdr.len = len;
	m->m_flags = M_PKTHDR;
	return (m);
}

/* m_free(): the tags go through their free functions, as in mb_dtor_mbuf. */
void
sim_mbuf_free(struct mbuf *m)
{
	struct m_tag *t;

	while ((t = SLIST_FIRST(&m->m_pkthdr.tags)) != NULL) {
		SLIST_FIRST(&m->m_pkthdr.tags) = SLIST_NEXT(t, m_tag_link);
		t->m_tag_free(t);
	}
	sim_libc_free(m);
}

/*
 * m_dup_pkthdr(): every tag copied by m_tag_copy() (uipc_mbuf2.c), with
 * or without patch 01's call to mtrace_tag_copied().
 */
struct mbuf *
sim_mbuf_copy(struct mbuf *m, int with_hook)
{
	struct mbuf *n = sim_mbuf(m->m_data, m->m_len);
	struct m_tag *t, *p;

	SLIST_FOREACH(t, &m->m_pkthdr.tags, m_tag_link) {
		p = m_tag_alloc(t->m_tag_cookie, t->m_tag_id, t->m_tag_len,
		    M_NOWAIT);
		memcpy(p + 1, t + 1, t->m_tag_len);
		if (with_hook && t->m_tag_cookie == MTAG_MBUF_TRACE)
			mtrace_tag_copied(t, p);
		m_tag_prepend(n, p);
	}
	return (n);
}

/* m_tag_delete_nonpersistent(), as if_epair.c and if_loop.c call it. */
void
sim_strip_nonpersistent(struct mbuf *m)
{
	struct m_tag **pp = &SLIST_FIRST(&m->m_pkthdr.tags), *t;

	while ((t = *pp) != NULL) {
		if ((t->m_tag_id & MTAG_PERSISTENT) == 0) {
			*pp = SLIST_NEXT(t, m_tag_link);
			t->m_tag_free(t);
		} else
			pp = &SLIST_NEXT(t, m_tag_link);
	}
}

int
sim_ntags(const struct mbuf *m)
{
	const struct m_tag *t;
	int n = 0;

	SLIST_FOREACH(t, &m->m_pkthdr.tags, m_tag_link)
		n++;
	return (n);
}

/*
 * One VNET at a time: the sim's V_ variables are plain globals, so the
 * current VNET's name is swapped in and out with it, as CURVNET_SET()
 * switches.  A V_ variable read with no current VNET is what crashes a
 * VIMAGE kernel: it is counted as a violation.
 */
#define	SIM_VNAME	vnet_entry_mtrace_vnet_name	/* unchecked */
static struct {
	void				*vnet;
	struct mtrace_vnet_name		 name;
} sim_vnets[8];
static int sim_nvnets;

void *
__kpi_vnet_ptr(void *p)
{
	if (curvnet == NULL)
		sim_violations++;
	return (p);
}

void
__kpi_curvnet_switch(struct vnet *vnet)
{
	int i;

	for (i = 0; i < sim_nvnets && sim_vnets[i].vnet != curvnet; i++)
		continue;
	if (curvnet != NULL && i < 8) {
		sim_vnets[i].vnet = curvnet;
		sim_vnets[i].name = SIM_VNAME;
		if (i == sim_nvnets)
			sim_nvnets++;
	}
	curvnet = vnet;
	memset(&SIM_VNAME, 0, sizeof(SIM_VNAME));
	for (i = 0; i < sim_nvnets; i++)
		if (sim_vnets[i].vnet == vnet)
			SIM_VNAME = sim_vnets[i].name;
}

void
sim_enter_vnet(void *vnet)
{
	__kpi_curvnet_switch(vnet);
}

/* What kern_jail.c does for a new jail: PR_METHOD_CREATE, then SET. */
int
sim_jail_created(void *vnet, int jid, const char *name, int vnet_jail)
{
	struct prison pr;
	int error;

	memset(&pr, 0, sizeof(pr));
	pr.pr_id = jid;
	pr.pr_flags = vnet_jail ? PR_VNET : 0;
	pr.pr_vnet = vnet;
	strlcpy(pr.pr_name, name, sizeof(pr.pr_name));
	error = sim_jail_methods[PR_METHOD_CREATE](&pr, NULL);
	if (error == 0)
		error = sim_jail_methods[PR_METHOD_SET](&pr, NULL);
	return (error);
}

void
sim_set_listener(int on)
{
	sim_bpf.peers = on;
}

int
sim_run_emitter(void)
{
	int before = sim_ncap;

	while (sim_nepoch_calls > 0) {
		sim_nepoch_calls--;
		sim_epoch_calls[0].cb(sim_epoch_calls[0].ctx);
		memmove(&sim_epoch_calls[0], &sim_epoch_calls[1],
		    sizeof(sim_epoch_calls[0]) * (size_t)sim_nepoch_calls);
	}
	if (sim_task_pending > 0) {
		sim_task_pending = 0;
		sim_task->ta_func(sim_task->ta_context, 1);
	}
	return (sim_ncap - before);
}

int
sim_ncaptured(void)
{
	return (sim_ncap);
}

const uint8_t *
sim_capture(int i, uint32_t *len)
{
	*len = sim_capture_len[i];
	return (sim_captures[i]);
}

void
sim_clear_captures(void)
{
	while (sim_ncap > 0)
		sim_libc_free(sim_captures[--sim_ncap]);
}

void
sim_set_enable(int on)
{
	mtrace_enabled = on != 0;
}

void
sim_set_start_anywhere(int on)
{
	mtrace_start_anywhere = on != 0;
}

/* Through the sysctl handlers, as sysctl(8) would set them. */
int
sim_sysctl_uint(const char *name, unsigned v)
{
	struct sysctl_req req = { &v };

	if (strcmp(name, "records") == 0)
		return (mtrace_sysctl_budget(NULL, &mtrace_records, 512, &req));
	if (strcmp(name, "arena") == 0)
		return (mtrace_sysctl_budget(NULL, &mtrace_arena, 16384, &req));
	if (strcmp(name, "snaplen") == 0)
		return (mtrace_sysctl_budget(NULL, &mtrace_snaplen, 1518, &req));
	if (strcmp(name, "emit_queue_max") == 0) {
		mtrace_emit_max = v;
		return (0);
	}
	return (ENOENT);
}

int
sim_sysctl_ifaces(const char *list)
{
	struct sysctl_req req = { (void *)(uintptr_t)list };

	return (mtrace_sysctl_ifaces(NULL, NULL, 0, &req));
}

uint64_t
sim_counter(const char *name)
{
	if (strcmp(name, "started") == 0)
		return (*mtrace_started);
	if (strcmp(name, "emitted") == 0)
		return (*mtrace_emitted);
	if (strcmp(name, "records_lost") == 0)
		return (*mtrace_lost);
	if (strcmp(name, "alloc_failed") == 0)
		return (*mtrace_alloc_failed);
	if (strcmp(name, "emit_dropped") == 0)
		return (*mtrace_emit_dropped);
	if (strcmp(name, "rate_limited") == 0)
		return (*mtrace_rate_limited);
	if (strcmp(name, "live_limited") == 0)
		return (*mtrace_live_limited);
	return (~0ULL);
}

unsigned
sim_live(void)
{
	return (mtrace_live);
}

/*
 * What kldunload(8) gets from mbuf_trace's kld_unload_try handler for a
 * module with trace points (the start-point modules, built with
 * KLD_MODULE) or for one without: 0, or EBUSY.
 */
int
sim_kld_unload(int with_trace_points)
{
	int error;

	error = 0;
	if (sim_kld_unload_try_fn != NULL)
		sim_kld_unload_try_fn(NULL, with_trace_points ?
		    &sim_module_lf : &sim_kernel_lf, &error);
	return (error);
}

void
sim_set_nosleep(int on)
{
	sim_nosleep = on;
}

int
sim_violations_count(void)
{
	return (sim_violations);
}

const char *
sim_last_kmsg(void)
{
	return (sim_kmsg);
}

void
sim_set_uptime(long sec)
{
	time_uptime = sec;
}

int
sim_sysctl_caps(unsigned max_rate, unsigned max_live)
{
	mtrace_max_rate = max_rate;
	mtrace_max_live = max_live;
	return (0);
}

void
sim_ifnet_set_vnet(struct ifnet *ifp, void *vnet)
{
	ifp->if_vnet = vnet;
}

void
sim_mbuf_set_rcvif(struct mbuf *m, struct ifnet *ifp)
{
	m->m_pkthdr.rcvif = ifp;
}

/* What "show mtrace <addr>" prints in ddb(4). */
const char *
sim_ddb_show_mtrace(struct mbuf *m)
{
	sim_ddb_len = 0;
	sim_ddb_out[0] = '\0';
	db_show_mtrace((db_expr_t)(uintptr_t)m, true, 1, NULL);
	return (sim_ddb_out);
}

/* ---- trace points, written as the patches write them ---- */

void
sim_ether_input(struct mbuf *m, struct ifnet *ifp)
{
	mtrace_iface(m, ifp, MTRACE_LINK_ETHERNET);
}

void
sim_ether_output(struct mbuf *m, struct ifnet *ifp)
{
	mtrace_iface(m, ifp, MTRACE_LINK_ETHERNET);
	mtrace_func(m);
}

void
sim_ip_input(struct mbuf *m)
{
	mtrace_enter(m);
}

void
sim_answer(struct mbuf *m, int type)
{
	mtrace_printf(m, "icmp_input: answered in place, type %d", type);
}

void
sim_static(struct mbuf *m, const char *s)
{
	mtrace_static(m, s);
}

void
sim_dynamic(struct mbuf *m, const char *s)
{
	mtrace_dynamic(m, s);
}

void
sim_data(struct mbuf *m)
{
	mtrace_data(m);
}

void
sim_drop(struct mbuf *m, const char *why)
{
	mtrace_drop(m, why);
}

void
sim_delivered(struct mbuf *m)
{
	mtrace_delivered(m);
}

void
sim_route(struct mbuf *m, unsigned fib, struct ifnet *oifp, int error,
    const uint8_t *gw4)
{
	mtrace_route(m, fib, oifp, error, gw4 != NULL ? 4 : 0, gw4);
}

/* What patches 16 and 26 record of a pf state or an ipfw dynamic rule. */
void
sim_fw_state(struct mbuf *m, int engine, int how, uint64_t rule, int dir,
    int proto, const uint8_t *src4, uint16_t sport, const uint8_t *dst4,
    uint16_t dport)
{
	struct mtrace_flow f;

	memset(&f, 0, sizeof(f));
	f.mf_family = 4;
	f.mf_proto = proto;
	f.mf_dir = dir;
	f.mf_sport = sport;
	f.mf_dport = dport;
	memcpy(f.mf_src, src4, 4);
	memcpy(f.mf_dst, dst4, 4);
	mtrace_state(m, engine, how, rule, &f);
}

/*
 * Patch 26's call in ipfw_chk(), on the flow id ipfw keeps for the packet
 * (host byte order); reverse: the packet matched its state in reverse.
 */
void
sim_ipfw_state(struct mbuf *m, int how, int reverse, const uint8_t *src4,
    uint16_t sport, const uint8_t *dst4, uint16_t dport, uint32_t rulenum)
{
	struct ipfw_flow_id id;
	struct ip_fw f;

	memset(&id, 0, sizeof(id));
	id.addr_type = 4;
	id.proto = 6;
	id.src_ip = (uint32_t)src4[0] << 24 | src4[1] << 16 | src4[2] << 8 |
	    src4[3];
	id.dst_ip = (uint32_t)dst4[0] << 24 | dst4[1] << 16 | dst4[2] << 8 |
	    dst4[3];
	id.src_port = sport;
	id.dst_port = dport;
	f.rulenum = rulenum;
	ipfw_mtrace_state(m, &id, &f, how,
	    reverse ? MATCH_REVERSE : MATCH_FORWARD);
}

void
sim_ipfw_verdict(struct mbuf *m, int pass)
{
	mtrace_verdict(m, pass ? MTRACE_VERDICT_PASS : MTRACE_VERDICT_DROP,
	    "ipfw");
}

int
sim_start(struct mbuf *m)
{
	return (mtrace_start_at(m, false, MTRACE_SITE));
}

int
sim_start_point(struct mbuf *m)
{
	return (mtrace_start_point(m));
}
