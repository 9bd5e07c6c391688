/*
 * spatch --macro-file for FreeBSD's network code: what spatch needs to
 * know about macros it cannot guess, so that it parses the functions
 * around them.  Only for parsing; nothing here is compiled.
 */
#define	__FBSDID(s)
#define	__inline inline
#define	__always_inline inline
#define	__noinline
#define	__unused
#define	__used
#define	__packed
#define	__aligned(x)
#define	__dead2
#define	__pure
#define	__result_use_check
#define	__printflike(a, b)
#define	__diagused
#define	__read_mostly
#define	__read_frequently
#define	__exclusive_cache_line
#define	__section(x)
#define	__weak_symbol
#define	__nonstring
#define	VNET_DEFINE(t, n)		t n
#define	VNET_DEFINE_STATIC(t, n)	static t n
#define	VNET_DECLARE(t, n)		extern t n
#define	VNET_PCPUSTAT_DEFINE(t, n)	t n
#define	VNET_PCPUSTAT_DEFINE_STATIC(t, n) static t n
#define	VNET_PCPUSTAT_DECLARE(t, n)	extern t n
#define	DPCPU_DEFINE(t, n)		t n
#define	DPCPU_DEFINE_STATIC(t, n)	static t n
#define	TAILQ_FOREACH(v, h, f)			for (;;)
#define	TAILQ_FOREACH_SAFE(v, h, f, t)		for (;;)
#define	TAILQ_FOREACH_REVERSE(v, h, n, f)	for (;;)
#define	TAILQ_FOREACH_FROM(v, h, f)		for (;;)
#define	LIST_FOREACH(v, h, f)			for (;;)
#define	LIST_FOREACH_SAFE(v, h, f, t)		for (;;)
#define	SLIST_FOREACH(v, h, f)			for (;;)
#define	SLIST_FOREACH_SAFE(v, h, f, t)		for (;;)
#define	STAILQ_FOREACH(v, h, f)			for (;;)
#define	STAILQ_FOREACH_SAFE(v, h, f, t)		for (;;)
#define	CK_LIST_FOREACH(v, h, f)		for (;;)
#define	CK_LIST_FOREACH_SAFE(v, h, f, t)	for (;;)
#define	CK_SLIST_FOREACH(v, h, f)		for (;;)
#define	CK_SLIST_FOREACH_SAFE(v, h, f, t)	for (;;)
#define	CK_STAILQ_FOREACH(v, h, f)		for (;;)
#define	CK_STAILQ_FOREACH_SAFE(v, h, f, t)	for (;;)
#define	RB_FOREACH(v, n, h)			for (;;)
#define	RB_FOREACH_SAFE(v, n, h, t)		for (;;)
#define	VNET_FOREACH(v)				for (;;)
#define	IFNET_FOREACH(v)			for (;;)
#define	NET_EPOCH_ENTER(et)		epoch_enter(et)
#define	NET_EPOCH_EXIT(et)		epoch_exit(et)
#define	CURVNET_SET(v)			curvnet_set(v)
#define	CURVNET_SET_QUIET(v)		curvnet_set(v)
#define	CURVNET_RESTORE()		curvnet_restore()
#define	IN_IFADDR_RLOCK_TRACKER		struct rm_priotracker in_ifa_tracker
#define	IN6_IFADDR_RLOCK_TRACKER	struct rm_priotracker in6_ifa_tracker
#define	PF_RULES_RLOCK_TRACKER		struct rm_priotracker _pf_rules_tracker
#define	IPFW_RLOCK_TRACKER		struct rm_priotracker _ipfw_tracker
#define	VNET_ITERATOR_DECL(v)		struct vnet *v
#define	DB_SHOW_COMMAND(name, func)	\
	static void func(db_expr_t addr, bool have_addr, db_expr_t count, char *modif)
#define	DB_SHOW_COMMAND_FLAGS(name, func, flags)	\
	static void func(db_expr_t addr, bool have_addr, db_expr_t count, char *modif)
/* netpfil/ipfw/ip_fw_private.h: empty in the kernel, no semicolon after. */
#define	SYSBEGIN(x)
#define	SYSEND
/* sys/queue.h and sys/ck.h: members of structures. */
#define	SLIST_ENTRY(t)		struct { struct t *sle_next; }
#define	STAILQ_ENTRY(t)		struct { struct t *stqe_next; }
#define	LIST_ENTRY(t)		struct { struct t *le_next; struct t **le_prev; }
#define	TAILQ_ENTRY(t)		struct { struct t *tqe_next; struct t **tqe_prev; }
#define	CK_SLIST_ENTRY(t)	struct { struct t *csle_next; }
#define	CK_STAILQ_ENTRY(t)	struct { struct t *cstqe_next; }
#define	CK_LIST_ENTRY(t)	struct { struct t *cle_next; struct t **cle_prev; }
