/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The one header the syntax-and-types check compiles the kernel files
 * against (freebsd/tests/test_kernel.sh): exactly the FreeBSD KPIs they
 * use, each declared as the FreeBSD source declares it, with the file it
 * comes from.  Each group of declarations is marked VERIFIED, with the
 * file and the 40-hex commit it was read at, or UNVERIFIED; within a
 * group: [R] read in the FreeBSD source (commit not recorded), [K] from
 * the project's research notes (shared/freebsd-kpi.md), [M] from memory,
 * to be checked on FreeBSD, [S] a stand-in of the same type for a macro
 * that hides structure internals (curvnet, curcpu, VNET).
 * test_kernel.sh prints the counts of both marks.  This is not a
 * FreeBSD build: it proves the files are self-consistent C against these
 * declarations, not that the declarations are complete.
 */

#ifndef _FREEBSD_KPI_H_
#define	_FREEBSD_KPI_H_

/* UNVERIFIED */
/* sys/sys/types.h, sys/sys/_types.h, sys/sys/_stdint.h [K] */
typedef signed char		int8_t;
typedef short			int16_t;
typedef int			int32_t;
typedef long			int64_t;
typedef unsigned char		uint8_t;
typedef unsigned short		uint16_t;
typedef unsigned int		uint32_t;
typedef unsigned long		uint64_t;
typedef unsigned long		uintptr_t;
typedef long			intmax_t;
typedef unsigned long		uintmax_t;
typedef unsigned long		size_t;
typedef long			ssize_t;
typedef unsigned char		u_char;
typedef unsigned short		u_short;
typedef unsigned int		u_int;
typedef unsigned long		u_long;
typedef char			*caddr_t;
typedef long			time_t;
typedef int64_t			sbintime_t;
typedef _Bool			bool;
#define	true	1
#define	false	0
#define	NULL	((void *)0)
#define	UINT16_MAX	0xffff
#define	UINT32_MAX	0xffffffffU
#define	INT8_MIN	(-0x7f-1)	/* machine/_stdint.h */
#define	INT16_MIN	(-0x7fff-1)
#define	INT32_MIN	(-0x7fffffff-1)
#define	INT8_MAX	0x7f
#define	INT16_MAX	0x7fff
#define	INT32_MAX	0x7fffffff

/* UNVERIFIED */
/* sys/sys/stddef.h [M] */
#define	offsetof(type, field)	__builtin_offsetof(type, field)

/* UNVERIFIED */
/* sys/sys/stdarg.h [R: the file exists on main] */
typedef __builtin_va_list	va_list;
#define	va_start(ap, last)	__builtin_va_start((ap), (last))
#define	va_end(ap)		__builtin_va_end(ap)

/* UNVERIFIED */
/* sys/sys/cdefs.h [K] */
#define	__predict_false(exp)	__builtin_expect((exp), 0)
#define	__predict_true(exp)	__builtin_expect((exp), 1)
#define	__unused		__attribute__((__unused__))
#define	__used			__attribute__((__used__))
#define	__printflike(f, a)	__attribute__((__format__(__printf__, f, a)))
#define	__CONCAT1(x, y)		x ## y
#define	__CONCAT(x, y)		__CONCAT1(x, y)

/* UNVERIFIED */
/* sys/sys/param.h [M] */
#define	MAXHOSTNAMELEN	256
#define	MIN(a, b)	(((a) < (b)) ? (a) : (b))

/* UNVERIFIED */
/* sys/sys/errno.h [M: the values are FreeBSD's] */
#define	EPERM		1
#define	ENOENT		2
#define	ESRCH		3
#define	ENXIO		6
#define	ENOMEM		12
#define	EEXIST		17
#define	EINVAL		22
#define	ENOSPC		28
#define	ENOTCONN	57
#define	EOPNOTSUPP	45
#define	EBUSY		16
#define	ENOBUFS		55

/* UNVERIFIED */
/* sys/sys/systm.h, sys/sys/libkern.h [M] */
void	*memcpy(void *, const void *, size_t);
void	*memset(void *, int, size_t);
void	*memmove(void *, const void *, size_t);
int	 memcmp(const void *, const void *, size_t);
size_t	 strlen(const char *);
size_t	 strnlen(const char *, size_t);
int	 strcmp(const char *, const char *);
size_t	 strlcpy(char *, const char *, size_t);
size_t	 strlcat(char *, const char *, size_t);
char	*strsep(char **, const char *);
int	 vsnprintf(char *, size_t, const char *, va_list) __printflike(3, 0);
uint32_t arc4random(void);
int	 printf(const char *, ...) __printflike(1, 2);
#define	CTASSERT(x)	_Static_assert(x, "compile-time assertion failed")

/* UNVERIFIED */
/* sys/sys/queue.h [M: the macros' meaning is standard; these are minimal] */
#define	SLIST_HEAD(name, type)	struct name { struct type *slh_first; }
#define	SLIST_ENTRY(type)	struct { struct type *sle_next; }
#define	SLIST_FIRST(head)	((head)->slh_first)
#define	SLIST_EMPTY(head)	((head)->slh_first == NULL)
#define	SLIST_NEXT(elm, field)	((elm)->field.sle_next)
#define	SLIST_FOREACH(var, head, field)					\
	for ((var) = SLIST_FIRST((head)); (var);			\
	    (var) = SLIST_NEXT((var), field))
#define	SLIST_INSERT_HEAD(head, elm, field) do {			\
	SLIST_NEXT((elm), field) = SLIST_FIRST((head));			\
	SLIST_FIRST((head)) = (elm);					\
} while (0)
#define	STAILQ_HEAD(name, type)						\
	struct name { struct type *stqh_first; struct type **stqh_last; }
#define	STAILQ_HEAD_INITIALIZER(head)	{ NULL, &(head).stqh_first }
#define	STAILQ_ENTRY(type)	struct { struct type *stqe_next; }
#define	STAILQ_FIRST(head)	((head)->stqh_first)
#define	STAILQ_EMPTY(head)	((head)->stqh_first == NULL)
#define	STAILQ_INSERT_TAIL(head, elm, field) do {			\
	(elm)->field.stqe_next = NULL;					\
	*(head)->stqh_last = (elm);					\
	(head)->stqh_last = &(elm)->field.stqe_next;			\
} while (0)
#define	STAILQ_REMOVE_HEAD(head, field) do {				\
	if (((head)->stqh_first =					\
	    (head)->stqh_first->field.stqe_next) == NULL)		\
		(head)->stqh_last = &(head)->stqh_first;		\
} while (0)
#define	STAILQ_CONCAT(head1, head2) do {				\
	if (!STAILQ_EMPTY((head2))) {					\
		*(head1)->stqh_last = (head2)->stqh_first;		\
		(head1)->stqh_last = (head2)->stqh_last;		\
		(head2)->stqh_first = NULL;				\
		(head2)->stqh_last = &(head2)->stqh_first;		\
	}								\
} while (0)

/* UNVERIFIED */
/* sys/sys/malloc.h [M] */
#define	M_NOWAIT	0x0001
#define	M_WAITOK	0x0002
#define	M_ZERO		0x0100
struct malloc_type {
	const char	*ks_shortdesc;
};
#define	MALLOC_DEFINE(type, shortdesc, longdesc)			\
	struct malloc_type type[1] = { { (shortdesc) } }
#define	MALLOC_DECLARE(type)	extern struct malloc_type type[1]
void	*malloc(size_t size, struct malloc_type *type, int flags);
void	 free(void *addr, struct malloc_type *type);

/* UNVERIFIED */
/*
 * sys/sys/mbuf.h: struct m_tag [K, layout unchanged for decades]; struct
 * mbuf and struct pkthdr with only the members the kernel files use [S];
 * M_PKTHDR, MTAG_PERSISTENT [K].
 */
struct m_tag {
	SLIST_ENTRY(m_tag)	m_tag_link;
	uint16_t		m_tag_id;
	uint16_t		m_tag_len;
	uint32_t		m_tag_cookie;
	void			(*m_tag_free)(struct m_tag *);
};
struct ifnet;
struct pkthdr {
	struct ifnet		*rcvif;
	SLIST_HEAD(packet_tags, m_tag) tags;
	int32_t			len;
};
struct mbuf {
	caddr_t			m_data;
	int32_t			m_len;
	int			m_flags;
	struct pkthdr		m_pkthdr;
};
#define	M_PKTHDR		0x00000002
#define	MTAG_PERSISTENT		0x800
/* VERIFIED sys/kern/uipc_mbuf2.c
 *   @28d7601989fb5cd72c4ab71eec7ea3145db3ba93 */
/* sys/kern/uipc_mbuf2.c @28d76019 [R] */
struct m_tag	*m_tag_alloc(uint32_t, int, int, int);
void		 m_tag_free_default(struct m_tag *);
struct m_tag	*m_tag_locate(struct mbuf *, uint32_t, int, struct m_tag *);
/* UNVERIFIED */
/* sys/sys/mbuf.h, static inline [K] */
static inline void
m_tag_prepend(struct mbuf *m, struct m_tag *t)
{
	SLIST_INSERT_HEAD(&m->m_pkthdr.tags, t, m_tag_link);
}
/* UNVERIFIED */
/* sys/kern/uipc_mbuf.c [R] */
void	 m_copydata(const struct mbuf *, int, int, caddr_t);

/* UNVERIFIED */
/* sys/sys/counter.h [R: the static COUNTER_U64_DEFINE_EARLY form, vm_page.c] */
typedef uint64_t *counter_u64_t;
#define	COUNTER_U64_DEFINE_EARLY(c)	counter_u64_t c = (uint64_t[1]){ 0 }
void	counter_u64_add(counter_u64_t, int64_t);

/* UNVERIFIED */
/*
 * sys/sys/sysctl.h [R: SYSCTL_BOOL(parent, nbr, name, access, ptr, val,
 * descr) and its CTASSERT that ptr points to a bool; K for the other
 * forms, M for the flag values]
 */
struct sysctl_oid;
struct sysctl_req {
	void	*newptr;
};
#define	SYSCTL_HANDLER_ARGS						\
	struct sysctl_oid *oidp, void *arg1, intmax_t arg2,		\
	struct sysctl_req *req
typedef int sysctl_handler_t(SYSCTL_HANDLER_ARGS);
int	sysctl_handle_int(SYSCTL_HANDLER_ARGS);
int	sysctl_handle_string(SYSCTL_HANDLER_ARGS);
#define	OID_AUTO	(-1)
#define	CTLTYPE_UINT	6
#define	CTLTYPE_STRING	3
#define	CTLFLAG_RD	0x80000000
#define	CTLFLAG_WR	0x40000000
#define	CTLFLAG_RW	(CTLFLAG_RD | CTLFLAG_WR)
#define	CTLFLAG_MPSAFE	0x00040000
/* UNVERIFIED */
/*
 * Each macro checks the types of what it is given: the variable's
 * pointer, the handler's signature, the description's being a string.
 */
#define	SYSCTL_CHECK(type, ptr, descr)					\
	static type __CONCAT(sysctl_check_, __LINE__) __unused = (ptr);	\
	_Static_assert(sizeof(descr) > 1, "sysctl needs a description")
#define	SYSCTL_NODE(parent, nbr, name, access, handler, descr)		\
	struct sysctl_oid *__CONCAT(sysctl_node_, name) __unused;	\
	_Static_assert(sizeof(descr) > 1, "sysctl needs a description")
#define	SYSCTL_BOOL(parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_CHECK(bool *, ptr, descr)
#define	SYSCTL_UINT(parent, nbr, name, access, ptr, val, descr)	\
	SYSCTL_CHECK(u_int *, ptr, descr)
#define	SYSCTL_INT(parent, nbr, name, access, ptr, val, descr)		\
	SYSCTL_CHECK(int *, ptr, descr)
#define	SYSCTL_PROC(parent, nbr, name, access, ptr, arg, handler, fmt,	\
    descr)								\
	SYSCTL_CHECK(sysctl_handler_t *, handler, descr)
#define	SYSCTL_COUNTER_U64(parent, nbr, name, access, ptr, descr)	\
	SYSCTL_CHECK(counter_u64_t *, ptr, descr)
/* UNVERIFIED */
/*
 * sys/sys/sysctl.h [M]: SYSCTL_STRING(parent, nbr, name, access, arg,
 * len, descr), a fixed buffer of len bytes written by sysctl(8)
 */
#define	SYSCTL_STRING(parent, nbr, name, access, arg, len, descr)	\
	SYSCTL_CHECK(char *, arg, descr);				\
	_Static_assert((len) > 0, "a string sysctl needs room")

/* UNVERIFIED */
/*
 * sys/sys/sdt.h [R: SDT_PROBE_DEFINEn(prov, mod, func, name, types...)]:
 * the probe's arguments are evaluated for their types.
 */
#define	SDT_PROVIDER_DEFINE(prov)	extern int __CONCAT(sdt_prov_, prov)
#define	SDT_PROBE_DEFINE2(prov, mod, func, name, t0, t1)		\
	extern int __CONCAT(sdt_probe_, name)
#define	SDT_PROBE_DEFINE4(prov, mod, func, name, t0, t1, t2, t3)	\
	extern int __CONCAT(sdt_probe_, name)
#define	SDT_PROBE2(prov, mod, func, name, a0, a1)			\
	do { (void)(a0); (void)(a1); } while (0)
#define	SDT_PROBE4(prov, mod, func, name, a0, a1, a2, a3)		\
	do { (void)(a0); (void)(a1); (void)(a2); (void)(a3); } while (0)

/* UNVERIFIED */
/* sys/sys/mutex.h [M] */
struct mtx {
	volatile uintptr_t	mtx_lock;
};
#define	MTX_DEF		0x00000000
void	mtx_init(struct mtx *, const char *, const char *, int);
void	mtx_lock(struct mtx *);
void	mtx_unlock(struct mtx *);

/* UNVERIFIED */
/* sys/sys/rmlock.h [R: the _rm_* functions behind these macros; M: rm_init] */
struct rmlock {
	volatile uintptr_t	rm_lock;
};
struct rm_priotracker {
	uintptr_t		rmp_cpu;
};
void	rm_init(struct rmlock *, const char *);
void	rm_rlock(struct rmlock *, struct rm_priotracker *);
void	rm_runlock(struct rmlock *, struct rm_priotracker *);
void	rm_wlock(struct rmlock *);
void	rm_wunlock(struct rmlock *);

/* UNVERIFIED */
/*
 * sys/sys/taskqueue.h [R: TASK_INIT, TASKQUEUE_DECLARE(thread) as an
 * extern pointer, taskqueue_enqueue]; sys/sys/_task.h [M]
 */
typedef void task_fn_t(void *context, int pending);
struct task {
	uint16_t	 ta_pending;
	u_short		 ta_priority;
	task_fn_t	*ta_func;
	void		*ta_context;
};
#define	TASK_INIT(task, priority, func, context) do {			\
	(task)->ta_pending = 0;						\
	(task)->ta_priority = (priority);				\
	(task)->ta_func = (func);					\
	(task)->ta_context = (context);					\
} while (0)
struct taskqueue;
extern struct taskqueue *taskqueue_thread;
int	taskqueue_enqueue(struct taskqueue *, struct task *);

/* UNVERIFIED */
/* sys/sys/time.h [M] */
struct timespec {
	time_t	tv_sec;
	long	tv_nsec;
};
void		nanotime(struct timespec *);
sbintime_t	sbinuptime(void);
static inline int64_t
sbttons(sbintime_t sbt)
{
	return ((int64_t)(((uint64_t)1000000000 * (uint32_t)sbt) >> 32) +
	    (sbt >> 32) * 1000000000);
}

/* UNVERIFIED */
/* machine/atomic.h, sys/sys/atomic_common.h [M] */
uint64_t	atomic_fetchadd_64(volatile uint64_t *, uint64_t);
u_int		atomic_fetchadd_int(volatile u_int *, u_int);
void		atomic_add_int(volatile u_int *, u_int);
void		atomic_subtract_int(volatile u_int *, u_int);
u_int		atomic_load_int(volatile u_int *);
void		atomic_store_int(volatile u_int *, u_int);
int		atomic_cmpset_int(volatile u_int *, u_int, u_int);
int		atomic_cmpset_rel_ptr(volatile uintptr_t *, uintptr_t,
		    uintptr_t);
uintptr_t	atomic_readandclear_ptr(volatile uintptr_t *);
void		atomic_thread_fence_seq_cst(void);

/* UNVERIFIED */
/* sys/sys/time.h [M]: seconds since boot, a volatile time_t */
extern volatile time_t	time_uptime;

/* UNVERIFIED */
/*
 * sys/sys/linker_set.h [M]: DATA_SET(set, sym) puts &sym in the linker
 * set "set" (section set_<set>); the stand-in does the same with GNU
 * section attributes, so the simulated kernel can walk it.
 */
#define	DATA_SET(set, sym)						\
	static void const *const __CONCAT(__set_, __CONCAT(set,		\
	    __CONCAT(_sym_, sym)))					\
	    __attribute__((__section__("set_" #set), __used__)) = &(sym)
/* UNVERIFIED */
/*
 * sys/sys/linker.h [R @sdt.c callers: linker_file_lookup_set(lf, name,
 * &start, &stop, NULL) returns 0 when the file holds the set; M:
 * struct linker_file's filename member].
 */
struct linker_file {
	char	*filename;
};
typedef struct linker_file *linker_file_t;
int	linker_file_lookup_set(linker_file_t, const char *, void *, void *,
	    int *);

/* UNVERIFIED */
/* sys/sys/pcpu.h [S]: curcpu is PCPU_GET(cpuid), a u_int. */
extern u_int	__kpi_curcpu;
#define	curcpu	__kpi_curcpu

/* UNVERIFIED */
/* sys/sys/kernel.h [K] */
#define	SI_SUB_PROTO_FIREWALL		0x8806000
#define	SI_SUB_PROTO_IFATTACHDOMAIN	0x8808000
#define	SI_ORDER_ANY			0xfffffff
typedef void (*sysinit_cfunc_t)(const void *);
typedef void (*sysinit_nfunc_t)(void *);
#define	SYSINIT(uniq, subsystem, order, func, ident)			\
	static sysinit_nfunc_t __CONCAT(sysinit_, uniq) __unused = (func)

/* UNVERIFIED */
/* sys/net/vnet.h [K for the names; S for the expansions] */
struct vnet;
extern struct vnet *__kpi_curvnet;
#define	VIMAGE	1
#define	curvnet			__kpi_curvnet
#define	VNET_DEFINE_STATIC(t, n)	static t __CONCAT(vnet_entry_, n)
#define	VNET_DECLARE(t, n)		extern t __CONCAT(vnet_entry_, n)
/* UNVERIFIED */
/*
 * A V_ variable goes through __kpi_vnet_ptr(), and CURVNET_SET through
 * __kpi_curvnet_switch(), so the simulated kernel can keep per-VNET
 * values and catch a V_ read with no current VNET.
 */
void	*__kpi_vnet_ptr(void *);
void	 __kpi_curvnet_switch(struct vnet *);
#define	VNET(n)								\
	(*(__typeof__(__CONCAT(vnet_entry_, n)) *)			\
	    __kpi_vnet_ptr(&__CONCAT(vnet_entry_, n)))
#define	CURVNET_SET(arg)	do { struct vnet *saved_vnet = curvnet;	\
	__kpi_curvnet_switch(arg)
#define	CURVNET_SET_QUIET(arg)	CURVNET_SET(arg)
#define	CURVNET_RESTORE()	__kpi_curvnet_switch(saved_vnet); } while (0)
/* UNVERIFIED */
/* The VNET list [K: VNET_FOREACH, VNET_ITERATOR_DECL; S: expansions] */
extern struct vnet *__kpi_vnet_first;
struct vnet	*__kpi_vnet_next(struct vnet *);
#define	VNET_ITERATOR_DECL(arg)	struct vnet *arg
#define	VNET_FOREACH(arg)						\
	for ((arg) = __kpi_vnet_first; (arg) != NULL;			\
	    (arg) = __kpi_vnet_next(arg))
void	__kpi_vnet_list_rlock(void);
void	__kpi_vnet_list_runlock(void);
#define	VNET_LIST_RLOCK()	__kpi_vnet_list_rlock()
#define	VNET_LIST_RUNLOCK()	__kpi_vnet_list_runlock()
#define	IS_DEFAULT_VNET(arg)	((arg) == NULL)
/* UNVERIFIED */
/* The casts SYSINIT does; the function's arguments are checked here. */
#define	VNET_SYSINIT(ident, subsystem, order, func, arg)		\
	static int (*__CONCAT(vnet_sysinit_, ident))(const void *)	\
	    __unused = (func)
#define	VNET_SYSUNINIT(ident, subsystem, order, func, arg)		\
	static int (*__CONCAT(vnet_sysuninit_, ident))(const void *)	\
	    __unused = (func)

/* VERIFIED sys/sys/epoch.h (2020 or later, the fork fel1x-developer)
 *   @2d614aa2fe3e037bd11d351b0b5cfda776e65814 */
/*
 * sys/sys/epoch.h [R at that commit, dated by NET_EPOCH_DRAIN_CALLBACKS():
 * struct epoch_tracker, epoch_t, extern net_epoch_preempt,
 * NET_EPOCH_ENTER/EXIT(et) as epoch_enter/exit_preempt(net_epoch_preempt,
 * &(et)), which are macros there for _epoch_enter/exit_preempt(); S: the
 * tracker's members]
 */
struct epoch_tracker {
	void	*et_epoch;
};
typedef struct epoch *epoch_t;
extern epoch_t net_epoch_preempt;
void	epoch_enter_preempt(epoch_t, struct epoch_tracker *);
void	epoch_exit_preempt(epoch_t, struct epoch_tracker *);
#define	NET_EPOCH_ENTER(et)	epoch_enter_preempt(net_epoch_preempt, &(et))
#define	NET_EPOCH_EXIT(et)	epoch_exit_preempt(net_epoch_preempt, &(et))
/* VERIFIED sys/sys/epoch.h (2020 or later, the fork fel1x-developer)
 *   @2d614aa2fe3e037bd11d351b0b5cfda776e65814 */
/*
 * sys/sys/epoch.h [R at that commit, and the same in freebsd-src's
 * stored 2019-20 copy @9f15b1f3: struct epoch_context { void *data[2]; },
 * typedef void epoch_callback_t(epoch_context_t), void epoch_call(epoch_t,
 * epoch_callback_t, epoch_context_t), NET_EPOCH_CALL(f, c) as
 * epoch_call(net_epoch_preempt, (f), (c)); M: that epoch_call(9) takes no
 * lock, so any context may call it]
 */
struct epoch_context {
	void	*data[2];
};
typedef struct epoch_context *epoch_context_t;
typedef void epoch_callback_t(epoch_context_t);
void	epoch_call(epoch_t, epoch_callback_t, epoch_context_t);
#define	NET_EPOCH_CALL(f, c)	epoch_call(net_epoch_preempt, (f), (c))

/* UNVERIFIED */
/* sys/net/if_var.h, sys/net/if.c [R: if_name(), if_getindex()]; IFNAMSIZ [K] */
#define	IFNAMSIZ	16
typedef struct ifnet *if_t;
const char	*if_name(if_t);
int		 if_getindex(const if_t);
/* UNVERIFIED */
/* sys/net/if_var.h [M: struct vnet *if_getvnet(const if_t), the IfAPI] */
struct vnet	*if_getvnet(const if_t);

/* VERIFIED sys/net/bpf_ifnet.c (2025, research notes)
 *   @531b3a9003a3b08c0310b5b8b34482a059f51b51 */
/*
 * sys/net/bpf.h: the 2025 tap KPI [R: the calls in sys/netpfil/ipfw/
 * ip_fw_bpf.c @13b8077b and sys/net/bpf_ifnet.c @43b72766; the index
 * holds no bpf.h of that date, so the prototypes follow those callers].
 */
#define	DLT_USER0	147
#define	BPF_D_IN	0
#define	BPF_D_INOUT	1
#define	BPF_D_OUT	2
struct bpf_if;
struct bif_methods {
	bool	(*bif_chkdir)(void *, const struct mbuf *, int);
	int	(*bif_promisc)(void *, bool);
	uint32_t (*bif_wrsize)(void *);
	int	(*bif_write)(void *, struct mbuf *, struct mbuf *, int);
};
struct bpf_if	*bpf_attach(const char *, u_int, u_int,
		    const struct bif_methods *, void *);
void		 bpf_detach(struct bpf_if *);
bool		 bpf_peers_present(struct bpf_if *);
void		 bpf_tap(struct bpf_if *, u_char *, u_int);

/* UNVERIFIED */
/*
 * sys/sys/osd.h [R: osd_register(), the OSD_JAIL macros]; sys/sys/jail.h
 * [R: PR_METHOD_CREATE 0 to ATTACH 4, as other modules register them;
 * kern_jail.c calls CREATE then SET once a new jail is set up; M:
 * REMOVE, PR_MAXMETHOD, PR_VNET's value, struct prison's members].
 */
typedef void (*osd_destructor_t)(void *value);
typedef int (*osd_method_t)(void *obj, void *data);
#define	OSD_JAIL	1
int	osd_register(u_int type, osd_destructor_t destructor,
	    osd_method_t *methods);
#define	osd_jail_register(destructor, methods)				\
	osd_register(OSD_JAIL, (destructor), (methods))
#define	PR_METHOD_CREATE	0
#define	PR_METHOD_GET		1
#define	PR_METHOD_SET		2
#define	PR_METHOD_CHECK		3
#define	PR_METHOD_ATTACH	4
#define	PR_METHOD_REMOVE	5
#define	PR_MAXMETHOD		6
#define	PR_VNET			0x00000010
struct prison {
	int		 pr_id;
	unsigned	 pr_flags;
	struct vnet	*pr_vnet;
	char		 pr_name[MAXHOSTNAMELEN];
};

/* UNVERIFIED */
/* ddb/ddb.h [K for the forms] */
typedef long db_expr_t;
extern bool db_pager_quit;
int	db_printf(const char *, ...) __printflike(1, 2);
#define	DB_SHOW_COMMAND(cmd_name, func_name)				\
	static void func_name(db_expr_t addr, bool have_addr,		\
	    db_expr_t count, char *modif);				\
	static void (*__CONCAT(db_cmd_, cmd_name))(db_expr_t, bool,	\
	    db_expr_t, char *) __unused = func_name;			\
	static void func_name(db_expr_t addr, bool have_addr,		\
	    db_expr_t count __unused, char *modif __unused)

/* UNVERIFIED */
/* sys/sys/module.h [R: the forms in ip_fw_nat64.c] */
typedef struct module *module_t;
#define	MOD_LOAD	0
#define	MOD_UNLOAD	1
typedef int (*modeventhand_t)(module_t, int, void *);
typedef struct moduledata {
	const char	*name;
	modeventhand_t	 evhand;
	void		*priv;
} moduledata_t;
#define	DECLARE_MODULE(name, data, sub, order)				\
	static moduledata_t *__CONCAT(module_, name) __unused = &(data)
#define	MODULE_DEPEND(mod, dep, min, pref, max)				\
	extern int __CONCAT(module_depend_, mod)
#define	MODULE_VERSION(mod, ver)					\
	extern int __CONCAT(module_version_, mod)

/* UNVERIFIED */
/*
 * sys/netpfil/ipfw/ip_fw_private.h [R: ipfw_eaction_t, ipfw_add_eaction,
 * ipfw_del_eaction as read; struct ip_fw_args and ipfw_insn with only
 * the members used, S]; sys/netinet/ip_fw.h: O_EXTERNAL_ACTION [M: its
 * value], IP_FW_PASS [M].
 */
struct ip_fw_chain;
struct ip_fw_args {
	struct mbuf	*m;
};
typedef struct _ipfw_insn {
	uint8_t		opcode;
	uint8_t		len;
	uint16_t	arg1;
} ipfw_insn;
/* UNVERIFIED */
/*
 * An external action's instruction on main: ipfw_insn_kidx, a 32-bit
 * object index after the instruction [read in a main-era (Yandex
 * 2014-2025) ip_fw_sockopt.c, whose commit the index did not give: it
 * checks insntod(cmd, kidx)->kidx for O_EXTERNAL_ACTION with
 * F_INSN_SIZE(ipfw_insn_kidx); ip_fw_log.c reads the name through it;
 * sbin/ipfw/ipfw2.c defines insntod(cmd, type) as
 * ((ipfw_insn_ ## type *)(cmd)).  The copy @dd933114 is older and
 * checks arg1.  M: the member names o and kidx' type].
 */
typedef struct _ipfw_insn_kidx {
	ipfw_insn	o;
	uint32_t	kidx;
} ipfw_insn_kidx;
#define	insntod(p, type)	((ipfw_insn_ ## type *)(p))
#define	O_EXTERNAL_ACTION	88
#define	IP_FW_PASS		0
typedef int (ipfw_eaction_t)(struct ip_fw_chain *ch, struct ip_fw_args *args,
    ipfw_insn *cmd, int *done);
/* UNVERIFIED */
/*
 * [M: main's ip_fw_private.h and ip_fw_eaction.c could not be read; the
 * 2016-2019 copies @15e0d1c1 and @11bedbc8 have uint16_t ids.  Object
 * indexes are uint32_t on main (ip_fw_sockopt.c @dd933114), so these
 * are written with uint32_t; ip_fw_mtrace.c keeps the id in a uint32_t,
 * which compiles against either.]
 */
uint32_t ipfw_add_eaction(struct ip_fw_chain *ch, ipfw_eaction_t handler,
    const char *name);
int	ipfw_del_eaction(struct ip_fw_chain *ch, uint32_t eaction_id);
/* VERIFIED sys/netpfil/ipfw/ip_fw_eaction.c (2016, not main)
 *   @15e0d1c115239cbd0b100fed16de22a29207bde2 */
/*
 * Named objects [R @15e0d1c1 (2016): CHAIN_TO_SRV(ch) is the chain's
 * srvmap, ipfw_objhash_lookup_kidx(ni, idx), an eaction object's refcnt
 * is 1 plus one per rule (ipfw_del_eaction() resets rules when it is
 * > 1); M: the same on main with 32-bit indexes, IPFW_UH_RLOCK's
 * expansion].
 */
struct namedobj_instance;
struct named_object {
	uint32_t	kidx;
	uint32_t	refcnt;
};
struct named_object *ipfw_objhash_lookup_kidx(struct namedobj_instance *,
	    uint32_t);
void	__kpi_ipfw_uh_rlock(struct ip_fw_chain *);
void	__kpi_ipfw_uh_runlock(struct ip_fw_chain *);
#define	IPFW_UH_RLOCK(p)	__kpi_ipfw_uh_rlock(p)
#define	IPFW_UH_RUNLOCK(p)	__kpi_ipfw_uh_runlock(p)
struct ip_fw_chain {
	struct namedobj_instance *srvmap;
};
#define	CHAIN_TO_SRV(ch)	((ch)->srvmap)
VNET_DECLARE(struct ip_fw_chain, layer3_chain);
#define	V_layer3_chain	VNET(layer3_chain)

/* UNVERIFIED */
/*
 * sys/netgraph/netgraph.h [R: NGI_M and NG_FWD_ITEM_HOOK as ng_tee.c uses
 * them; the method types per the research notes, K; the rest M].
 */
typedef struct ng_node *node_p;
typedef struct ng_hook *hook_p;
typedef struct ng_item *item_p;
typedef uint32_t ng_ID_t;
typedef int ng_constructor_t(node_p);
typedef int ng_newhook_t(node_p, hook_p, const char *);
typedef int ng_rcvdata_t(hook_p, item_p);
typedef int ng_shutdown_t(node_p);
typedef int ng_disconnect_t(hook_p);
#define	NG_ABI_VERSION	12
struct ng_type {
	uint32_t		 version;
	const char		*name;
	modeventhand_t		 mod_event;
	ng_constructor_t	*constructor;
	void			*rcvmsg;
	ng_shutdown_t		*shutdown;
	ng_newhook_t		*newhook;
	void			*findhook;
	void			*connect;
	ng_rcvdata_t		*rcvdata;
	ng_disconnect_t		*disconnect;
	const void		*cmdlist;
};
MALLOC_DECLARE(M_NETGRAPH);
void		*ng_node_private_(node_p);
void		 ng_node_set_private_(node_p, void *);
node_p		 ng_hook_node_(hook_p);
ng_ID_t		 ng_node2ID(node_p);
int		 ng_node_numhooks_(node_p);
int		 ng_node_is_valid_(node_p);
void		 ng_node_unref_(node_p);
int		 ng_rmnode_self(node_p);
struct mbuf	**ng_item_m_(item_p);
void		 ng_free_item(item_p);
int		 ng_address_hook(node_p, item_p, hook_p, ng_ID_t);
int		 ng_snd_item(item_p, int);
#define	NG_NODE_PRIVATE(node)		ng_node_private_(node)
#define	NG_NODE_SET_PRIVATE(node, v)	ng_node_set_private_((node), (v))
#define	NG_HOOK_NODE(hook)		ng_hook_node_(hook)
#define	NG_NODE_ID(node)		ng_node2ID(node)
#define	NG_NODE_NUMHOOKS(node)		ng_node_numhooks_(node)
#define	NG_NODE_IS_VALID(node)		ng_node_is_valid_(node)
#define	NG_NODE_UNREF(node)		ng_node_unref_(node)
#define	NGI_M(item)			(*ng_item_m_(item))
#define	NG_FREE_ITEM(item) do {						\
	ng_free_item((item));						\
	(item) = NULL;							\
} while (0)
#define	NG_FWD_ITEM_HOOK(error, item, hook) do {			\
	(error) = ng_address_hook(NULL, (item), (hook), 0);		\
	if ((error) == 0)						\
		(error) = ng_snd_item((item), 0);			\
	(item) = NULL;							\
} while (0)
#define	NETGRAPH_INIT(typename, typestructp)				\
	static struct ng_type *__CONCAT(ng_type_, typename) __unused =	\
	    (typestructp)

/* UNVERIFIED */
/*
 * sys/sys/eventhandler.h [R: typedef void (*kld_unload_try_fn)(void *,
 * struct linker_file *, int *) and EVENTHANDLER_DECLARE(kld_unload_try,
 * ...); sys/kern/kern_linker.c invokes it before a file unloads and
 * returns EBUSY when a handler set an error; M: EVENTHANDLER_PRI_ANY's
 * value]; EVENTHANDLER_REGISTER [S: a stand-in per event that checks
 * the handler's type, where FreeBSD casts it].
 */
struct linker_file;
typedef void (*kld_unload_try_fn)(void *, struct linker_file *, int *);
typedef struct eventhandler_entry *eventhandler_tag;
#define	EVENTHANDLER_PRI_ANY	10000
eventhandler_tag __kpi_eventhandler_register_kld_unload_try(kld_unload_try_fn,
	    void *, int);
#define	EVENTHANDLER_REGISTER(name, func, arg, priority)		\
	__CONCAT(__kpi_eventhandler_register_, name)((func), (arg), (priority))

/* VERIFIED sys/sys/proc.h (2018)
 *   @6db7e75d77aa6569b06529cd88ce3138a199a961 */
/*
 * What the lines the patches add use: check/patch_use.c compiles those
 * lines, taken from the patches by tests/test_kernel.sh.
 *
 * sys/sys/proc.h [R @6db7e75d: p_flag2 is an int in struct proc,
 * td_proc the thread's process, PROC_LOCK_ASSERT(p, type) is
 * mtx_assert(&(p)->p_mtx, (type)); M: curproc as (curthread->td_proc)];
 * curthread [S: a stand-in of the same type for the per-CPU pointer];
 * sys/sys/mutex.h [M: mtx_assert(), MA_OWNED].
 */
struct proc {
	struct mtx	p_mtx;
	int		p_flag2;
};
struct thread {
	struct proc	*td_proc;
};
#define	MA_OWNED	0x01
void	mtx_assert(struct mtx *, int);
#define	PROC_LOCK_ASSERT(p, type)	mtx_assert(&(p)->p_mtx, (type))
extern struct thread *__kpi_curthread;
#define	curthread	__kpi_curthread
#define	curproc		(curthread->td_proc)

/* UNVERIFIED */
/*
 * sys/sys/socketvar.h [M: so_user_cookie, which SO_USER_COOKIE sets];
 * sys/netinet/in_pcb.h [R ip_output.c: inp->inp_socket].
 */
struct socket {
	uint32_t	so_user_cookie;
};
struct inpcb {
	struct socket	*inp_socket;
};

/* UNVERIFIED */
/*
 * sys/net/pfvar.h [R 2025: pf_tag_packet(struct pf_pdesc *, int), and
 * pf.c reads pd->m; the new pf_tagname_lookup() is patch 16's].
 */
struct pf_pdesc {
	struct mbuf	*m;
};
uint16_t	pf_tagname_lookup(const char *);	/* u_int16_t there */

/* VERIFIED sys/netpfil/pf/pf.c (2025, the fork spmzt/freebsd-src)
 *   @b6e0e155f21e3dac35203feafb6aca4255ba133e */
/*
 * What patch 16's pf_mtrace_state() reads of a state.  pf.c at that commit
 * [R] reads s->key[PF_SK_WIRE], sk->af, sk->proto, sk->port[],
 * sk->addr[], s->direction == PF_IN and takes r = s->rule as a pointer;
 * the layouts are a 2025 sys/net/pfvar.h's (struct pf_state_key, struct
 * pf_kstate with "struct pf_krule *rule" and "struct pf_state_key
 * *key[2]", pf_krule's u_int32_t nr; index content id 11871543899) and a
 * 2023-25 sys/netpfil/pf/pf.h's (enum { PF_INOUT, PF_IN, PF_OUT },
 * enum { PF_SK_WIRE, PF_SK_STACK, PF_SK_BOTH }, struct pf_addr's
 * anonymous union; content id 4231125962); members not read by the patch
 * are left out [S].  sys/sys/socket.h [M]: AF_INET 2, AF_INET6 28;
 * ntohs [M].
 */
typedef uint8_t	sa_family_t;
#define	AF_INET		2
#define	AF_INET6	28
#define	ntohs(x)	__builtin_bswap16(x)
struct in_addr {
	uint32_t	s_addr;
};
struct in6_addr {
	uint8_t		s6_addr[16];
};
struct pf_addr {
	union {
		struct in_addr	v4;
		struct in6_addr	v6;
		uint8_t		addr8[16];
		uint16_t	addr16[8];
		uint32_t	addr32[4];
	};
};
enum	{ PF_INOUT, PF_IN, PF_OUT };
enum	{ PF_SK_WIRE, PF_SK_STACK, PF_SK_BOTH };
struct pf_state_key {
	struct pf_addr	 addr[2];
	uint16_t	 port[2];
	sa_family_t	 af;
	uint8_t		 proto;
	uint8_t		 pad[2];
};
struct pf_krule {
	uint32_t	 nr;
};
struct pf_kstate {
	uint64_t		 id;
	uint32_t		 creatorid;
	uint8_t			 direction;
	struct pf_krule		*rule;
	struct pf_state_key	*key[2];
};

/* UNVERIFIED */
/*
 * What ip_fw_mtrace_state.h (patch 26) reads.  sys/netinet/ip_fw.h:
 * struct ipfw_flow_id [R: its layout, unchanged since 2009, in a copy of
 * ip_fw.h (index content id 995683356, not main's); addresses and ports
 * in host byte order, as main's ip_fw2.c @f3d4758f (llfw fork) writes
 * htonl(id->dst_ip) and htons(id->dst_port)];
 * sys/netpfil/ipfw/ip_fw_private.h: MATCH_REVERSE ... MATCH_UNKNOWN [R:
 * an ip_fw_private.h of 2018 or later, content id 624494876]; struct
 * ip_fw's rulenum [M: uint32_t on main, where rule numbers are 32-bit];
 * htonl [M].
 */
struct ipfw_flow_id {
	uint32_t	dst_ip;
	uint32_t	src_ip;
	uint16_t	dst_port;
	uint16_t	src_port;
	uint8_t		fib;
	uint8_t		proto;
	uint8_t		_flags;
	uint8_t		addr_type;
	struct in6_addr	dst_ip6;
	struct in6_addr	src_ip6;
	uint32_t	flow_id6;
	uint32_t	extra;
};
enum { MATCH_REVERSE = 0, MATCH_FORWARD, MATCH_NONE, MATCH_UNKNOWN };
struct ip_fw {
	uint32_t	rulenum;
};
#define	htonl(x)	__builtin_bswap32(x)

/* UNVERIFIED */
/* sys/sys/cdefs.h [M]: for options MBUF_TRACE_ALL (sys/mbuf_trace_all.h). */
#define	__DECONST(type, var)	((type)(uintptr_t)(const void *)(var))

#endif /* !_FREEBSD_KPI_H_ */
