/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Finds the kernel functions that take an skb and attaches
 * linux/functions.bpf.c to them: kprobe-multi (one link per skb position,
 * ~0.15 s for a thousand functions) where the kernel has it, else fentry
 * (one program and link per function, loaded from the template's final
 * instructions, since a fentry program is bound to its function at load).
 * With kprobe-multi, the functions that return an int get a kprobe.session
 * program instead, which also sees their return value.
 */
#include <errno.h>
#include <regex.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <linux/bpf.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "functions.h"
#include "kbtf.h"
#include "functions.skel.h"

/* The attach type of kprobe.session (Linux 6.10), unknown to libbpf 1.1. */
#define MBT_BPF_TRACE_KPROBE_SESSION 56

/*
 * fexit for fentry's return values only up to this many functions: on all
 * 877 of 6.1 it doubled attaching (29 s to 58 s under TCG).
 */
#define FEXIT_MAX 100

struct mbt_lx_fn {
	struct functions_bpf *skel;
	char mode[160];
	struct bpf_link *links[MBT_LX_FN_MAX_ARG]; /* kprobe-multi, template */
	struct bpf_link *exit_links[MBT_LX_FN_MAX_ARG]; /* fexit templates */
	int sessions[MBT_LX_FN_MAX_ARG]; /* kprobe.session links */
	int *fds; /* fentry and fexit links beyond the templates */
	size_t nsessions, nfds, attached, returns, found;
	double seconds;
};

static const char filter_dir[] = "/sys/kernel/tracing";
static const char *const filter_files[] = {
    "/sys/kernel/tracing/available_filter_functions",
    "/sys/kernel/debug/tracing/available_filter_functions",
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static int
cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

/*
 * A fresh machine has no tracefs mounted.  Mount it for this process
 * alone (a mount namespace of its own, nothing propagated), so that the
 * machine is left as it was.  0 when it is mounted now.
 */
static int
mount_tracefs(void)
{
	if (unshare(CLONE_NEWNS) != 0 ||
	    mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) != 0 ||
	    mount("tracefs", filter_dir, "tracefs", 0, NULL) != 0)
		return -errno;
	return 0;
}

/*
 * ftrace's traceable functions of vmlinux, sorted, for bsearch.  Module
 * functions ("name [module]") are left out: their BTF is not vmlinux's.
 */
static int
load_traceable(char ***out, size_t *n, char *err, size_t errlen)
{
	FILE *f = NULL;
	char line[512], **v = NULL;
	size_t cap = 0;

	*n = 0;
	for (size_t i = 0; f == NULL && i < 2; i++)
		f = fopen(filter_files[i], "r");
	if (f == NULL && errno == ENOENT && mount_tracefs() == 0)
		f = fopen(filter_files[0], "r");
	if (f == NULL && errno != ENOENT) {
		int e = errno;

		snprintf(err, errlen, "cannot read %s: %s", filter_files[0],
		    strerror(e));
		return -e;
	}
	if (f == NULL) {
		snprintf(err, errlen,
		    "no available_filter_functions (no tracefs to mount, "
		    "or no ftrace in this kernel)");
		return -ENOENT;
	}
	while (fgets(line, sizeof(line), f) != NULL) {
		if (strchr(line, '[') != NULL)
			continue;
		line[strcspn(line, " \n")] = '\0';
		if (*n == cap) {
			char **nv;

			cap = cap ? cap * 2 : 65536;
			if ((nv = realloc(v, cap * sizeof(*v))) == NULL)
				goto nomem;
			v = nv;
		}
		if ((v[*n] = strdup(line)) == NULL)
			goto nomem;
		(*n)++;
	}
	fclose(f);
	qsort(v, *n, sizeof(*v), cmp_str);
	*out = v;
	return 0;
nomem:
	fclose(f);
	while (*n > 0)
		free(v[--(*n)]);
	free(v);
	return -ENOMEM;
}

/* Is type id a pointer to struct sk_buff (through modifiers)? */
static bool
is_skb_ptr(const struct btf *btf, uint32_t id)
{
	const struct btf_type *t = btf__type_by_id(btf, id);

	while (t != NULL && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	if (t == NULL || !btf_is_ptr(t))
		return false;
	t = btf__type_by_id(btf, t->type);
	while (t != NULL && btf_is_mod(t))
		t = btf__type_by_id(btf, t->type);
	return t != NULL && btf_is_struct(t) &&
	       strcmp(btf__name_by_offset(btf, t->name_off), "sk_buff") == 0;
}

/* Does the function return an int (through typedefs), as errors are? */
static bool
returns_int(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *proto = btf__type_by_id(btf, func->type);
	const struct btf_type *t;

	if (proto == NULL || !btf_is_func_proto(proto) || proto->type == 0)
		return false;
	t = btf__type_by_id(btf, proto->type);
	while (t != NULL && (btf_is_mod(t) || btf_is_typedef(t)))
		t = btf__type_by_id(btf, t->type);
	return t != NULL && btf_is_int(t) && t->size == 4 &&
	       (btf_int_encoding(t) & BTF_INT_SIGNED);
}

/* The first argument (1-5) that is a struct sk_buff *; 0: none. */
static int
skb_arg(const struct btf *btf, const struct btf_type *func)
{
	const struct btf_type *proto = btf__type_by_id(btf, func->type);
	const struct btf_param *p;

	if (proto == NULL || !btf_is_func_proto(proto))
		return 0;
	p = btf_params(proto);
	for (int i = 0; i < btf_vlen(proto) && i < MBT_LX_FN_MAX_ARG; i++) {
		if (is_skb_ptr(btf, p[i].type))
			return i + 1;
	}
	return 0;
}

/*
 * The functions that run a tracepoint take its skb too, but they are the
 * tracing itself, not the packet's path: every tracepoint hop would come
 * with its __traceiter_ twin.
 */
static bool
is_tracing_machinery(const char *name)
{
	static const char *const prefixes[] = {"__traceiter_", "__bpf_trace_",
	    "trace_event_raw_event_", "perf_trace_", "__probestub_"};

	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (strncmp(name, prefixes[i], strlen(prefixes[i])) == 0)
			return true;
	}
	return false;
}

static int
cmp_func(const void *a, const void *b)
{
	const struct mbt_lx_fn_func *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	return c != 0 ? c : (x->btf_id > y->btf_id) - (x->btf_id < y->btf_id);
}

/*
 * A name twice in BTF (static functions of two files) is attached once:
 * kprobe-multi refuses duplicates, and fentry cannot tell which one ftrace
 * listed.  Sorted by name, the first BTF id of each name stays.
 */
static void
dedup(struct mbt_lx_fn_list *l)
{
	size_t out = 0;

	qsort(l->funcs, l->n, sizeof(*l->funcs), cmp_func);
	for (size_t i = 0; i < l->n; i++) {
		if (out > 0 &&
		    strcmp(l->funcs[out - 1].name, l->funcs[i].name) == 0) {
			free(l->funcs[i].name);
			continue;
		}
		l->funcs[out++] = l->funcs[i];
	}
	l->n = out;
}

void
mbt_lx_fn_list_free(struct mbt_lx_fn_list *l)
{
	for (size_t i = 0; i < l->n; i++)
		free(l->funcs[i].name);
	free(l->funcs);
	memset(l, 0, sizeof(*l));
}

int
mbt_lx_fn_find(
    struct mbt_lx_fn_list *l, const char *regex, char *err, size_t errlen)
{
	const struct btf *btf;
	char **traceable = NULL;
	size_t ntraceable = 0, cap = 0;
	regex_t re;
	int rc;

	memset(l, 0, sizeof(*l));
	if (regex != NULL &&
	    regcomp(&re, regex, REG_EXTENDED | REG_NOSUB) != 0) {
		snprintf(err, errlen, "bad regular expression: %s", regex);
		return -EINVAL;
	}
	/* (First what is cheap to find missing.) */
	if ((rc = load_traceable(&traceable, &ntraceable, err, errlen)) != 0)
		goto out;
	if ((btf = mbt_lx_kbtf()) == NULL) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the kernel's BTF: %s",
		    strerror(errno));
		goto out;
	}
	for (uint32_t id = 1; id < btf__type_cnt(btf); id++) {
		const struct btf_type *t = btf__type_by_id(btf, id);
		const char *name;
		int arg;

		if (!btf_is_func(t))
			continue;
		name = btf__name_by_offset(btf, t->name_off);
		if (is_tracing_machinery(name) ||
		    (arg = skb_arg(btf, t)) == 0 ||
		    (regex != NULL && regexec(&re, name, 0, NULL, 0) != 0))
			continue;
		if (bsearch(&name, traceable, ntraceable, sizeof(char *),
			cmp_str) == NULL)
			continue;
		if (l->n == cap) {
			struct mbt_lx_fn_func *nf;

			cap = cap ? cap * 2 : 1024;
			if ((nf = realloc(l->funcs, cap * sizeof(*nf))) ==
			    NULL) {
				rc = -ENOMEM;
				goto out;
			}
			l->funcs = nf;
		}
		if ((l->funcs[l->n].name = strdup(name)) == NULL) {
			rc = -ENOMEM;
			goto out;
		}
		l->funcs[l->n].btf_id = id;
		l->funcs[l->n].nargs = btf_vlen(btf__type_by_id(btf, t->type));
		l->funcs[l->n].int_return = returns_int(btf, t);
		l->funcs[l->n++].skb_arg = arg;
	}
	dedup(l);
	rc = 0;
out:
	for (size_t i = 0; i < ntraceable; i++)
		free(traceable[i]);
	free(traceable);
	if (regex != NULL)
		regfree(&re);
	if (rc != 0)
		mbt_lx_fn_list_free(l);
	return rc;
}

/* The template programs, indexed by the skb's argument position - 1. */
struct programs {
	struct bpf_program *fentry[MBT_LX_FN_MAX_ARG];
	struct bpf_program *fexit[MBT_LX_FN_MAX_ARG];
	struct bpf_program *kprobe[MBT_LX_FN_MAX_ARG];
	struct bpf_program *session[MBT_LX_FN_MAX_ARG];
};

static struct programs
programs(struct functions_bpf *s)
{
	return (struct programs){
	    .fentry = {s->progs.fentry_skb1, s->progs.fentry_skb2,
		s->progs.fentry_skb3, s->progs.fentry_skb4,
		s->progs.fentry_skb5},
	    .fexit = {s->progs.fexit_skb1, s->progs.fexit_skb2,
		s->progs.fexit_skb3, s->progs.fexit_skb4, s->progs.fexit_skb5},
	    .kprobe = {s->progs.kprobe_skb1, s->progs.kprobe_skb2,
		s->progs.kprobe_skb3, s->progs.kprobe_skb4,
		s->progs.kprobe_skb5},
	    .session = {s->progs.session_skb1, s->progs.session_skb2,
		s->progs.session_skb3, s->progs.session_skb4,
		s->progs.session_skb5},
	};
}

/*
 * The program a function gets with kprobe-multi: the session one when
 * return values are on and it returns an int.
 */
static bool
in_session(const struct mbt_lx_fn_func *fn, bool returns)
{
	return returns && fn->int_return;
}

/* Does any function with the skb at arg go to a session (or not)? */
static bool
any_at(const struct mbt_lx_fn_list *l, int arg, bool session, bool returns)
{
	for (size_t i = 0; i < l->n; i++) {
		if (l->funcs[i].skb_arg == arg &&
		    in_session(&l->funcs[i], returns) == session)
			return true;
	}
	return false;
}

/*
 * Each fentry (fexit) template is loaded for one function of its position
 * (that returns an int): the one with the fewest arguments, since the
 * trampoline refuses too many.
 */
static const struct mbt_lx_fn_func *
template_target(const struct mbt_lx_fn_list *l, int arg, bool int_only)
{
	const struct mbt_lx_fn_func *best = NULL;

	for (size_t i = 0; i < l->n; i++) {
		if (l->funcs[i].skb_arg == arg &&
		    (!int_only || l->funcs[i].int_return) &&
		    (best == NULL || l->funcs[i].nargs < best->nargs))
			best = &l->funcs[i];
	}
	return best;
}

/* How many of the functions return an int. */
static size_t
count_int_returns(const struct mbt_lx_fn_list *l)
{
	size_t n = 0;

	for (size_t i = 0; i < l->n; i++)
		n += l->funcs[i].int_return;
	return n;
}

/* A kernel symbol's address from /proc/kallsyms; 0 when not found. */
static uint64_t
ksym_addr(const char *name)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	unsigned long long addr;
	char line[512], sym[256];
	uint64_t found = 0;

	if (f == NULL)
		return 0;
	while (found == 0 && fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%llx %*c %255s", &addr, sym) == 2 &&
		    strcmp(sym, name) == 0)
			found = addr;
	}
	fclose(f);
	return found;
}

/* Open and load the object for one mode. */
static int
load(struct mbt_lx_fn *f, const struct mbt_lx_fn_config *c,
    const struct mbt_lx_fn_list *l, bool kprobe, bool returns)
{
	struct programs p;
	bool standalone = c->tracked_fd < 0;
	struct functions_bpf *s;
	int rc;

	if ((s = f->skel = functions_bpf__open()) == NULL)
		return -errno;
	s->rodata->start_daddr = standalone ? c->start_daddr : 0;
	s->rodata->skbmem_free_ip = ksym_addr("kfree_skbmem");
	s->rodata->partial_free_ip = ksym_addr("kfree_skb_partial");
	if (!standalone &&
	    ((rc = bpf_map__reuse_fd(s->maps.tracked, c->tracked_fd)) != 0 ||
		(rc = bpf_map__reuse_fd(s->maps.events, c->events_fd)) != 0 ||
		(rc = bpf_map__reuse_fd(s->maps.current, c->current_fd)) != 0))
		return rc;
	bpf_program__set_autoload(s->progs.standalone_kfree_skb, standalone);
	bpf_program__set_autoload(s->progs.standalone_consume_skb, standalone);
	p = programs(s);
	for (int a = 1; a <= MBT_LX_FN_MAX_ARG; a++) {
		const struct mbt_lx_fn_func *t = template_target(l, a, false);
		const struct mbt_lx_fn_func *x =
		    returns ? template_target(l, a, true) : NULL;

		bpf_program__set_autoload(
		    p.kprobe[a - 1], kprobe && any_at(l, a, false, returns));
		bpf_program__set_autoload(
		    p.session[a - 1], kprobe && any_at(l, a, true, returns));
		/* The session kfuncs are allowed only with this type. */
		bpf_program__set_expected_attach_type(p.session[a - 1],
		    (enum bpf_attach_type)MBT_BPF_TRACE_KPROBE_SESSION);
		bpf_program__set_autoload(
		    p.fentry[a - 1], !kprobe && t != NULL);
		if (!kprobe && t != NULL &&
		    (rc = bpf_program__set_attach_target(
			 p.fentry[a - 1], 0, t->name)) != 0)
			return rc;
		bpf_program__set_autoload(p.fexit[a - 1], !kprobe && x != NULL);
		if (!kprobe && x != NULL &&
		    (rc = bpf_program__set_attach_target(
			 p.fexit[a - 1], 0, x->name)) != 0)
			return rc;
	}
	return functions_bpf__load(s);
}

static int
attach_standalone_ends(struct mbt_lx_fn *f)
{
	struct bpf_program *p[] = {f->skel->progs.standalone_kfree_skb,
	    f->skel->progs.standalone_consume_skb};

	for (int i = 0; i < 2; i++) {
		if (bpf_program__autoload(p[i]) &&
		    bpf_program__attach(p[i]) == NULL)
			return -errno;
	}
	return 0;
}

/*
 * A kprobe.session link, made by hand: libbpf 1.1 knows neither the
 * attach type nor its options.  The kernel resolves the names itself.
 */
static int
link_session(struct bpf_program *p, const char **syms, size_t n)
{
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.link_create.prog_fd = bpf_program__fd(p);
	a.link_create.attach_type = MBT_BPF_TRACE_KPROBE_SESSION;
	a.link_create.kprobe_multi.syms = (uintptr_t)syms;
	a.link_create.kprobe_multi.cnt = n;
	fd = syscall(__NR_bpf, BPF_LINK_CREATE, &a, sizeof(a));
	return fd < 0 ? -errno : fd;
}

/*
 * Per skb position, one kprobe-multi link to all its functions at once,
 * or two with return values: the functions returning an int go to a
 * kprobe.session link.
 */
static int
attach_kprobe_multi(
    struct mbt_lx_fn *f, const struct mbt_lx_fn_list *l, bool returns)
{
	struct programs p = programs(f->skel);
	const char **syms;
	int rc = 0;

	if ((syms = calloc(l->n, sizeof(*syms))) == NULL)
		return -ENOMEM;
	for (int k = 0; k < 2 * MBT_LX_FN_MAX_ARG && rc == 0; k++) {
		int a = k / 2 + 1, fd;
		bool session = k % 2;
		size_t n = 0;

		for (size_t i = 0; i < l->n; i++) {
			if (l->funcs[i].skb_arg == a &&
			    in_session(&l->funcs[i], returns) == session)
				syms[n++] = l->funcs[i].name;
		}
		if (n == 0)
			continue;
		if (session) {
			if ((fd = link_session(p.session[a - 1], syms, n)) < 0)
				rc = fd;
			else
				f->sessions[f->nsessions++] = fd;
			f->returns += rc == 0 ? n : 0;
		} else {
			LIBBPF_OPTS(
			    bpf_kprobe_multi_opts, o, .syms = syms, .cnt = n);
			f->links[a - 1] = bpf_program__attach_kprobe_multi_opts(
			    p.kprobe[a - 1], NULL, &o);
			if (f->links[a - 1] == NULL)
				rc = -errno;
		}
		f->attached += rc == 0 ? n : 0;
	}
	free(syms);
	return rc;
}

/*
 * The template prog, attached to its own function t, then a copy of its
 * final instructions (maps already resolved) loaded and linked for every
 * other function of position a (that returns an int, for fexit).  A
 * function the kernel refuses is skipped.  Returns the functions attached.
 */
static size_t
attach_trampolines(struct mbt_lx_fn *f, const struct mbt_lx_fn_list *l,
    struct bpf_program *prog, const struct mbt_lx_fn_func *t, int a,
    struct bpf_link **template_link)
{
	enum bpf_attach_type type = bpf_program__expected_attach_type(prog);
	const struct bpf_insn *insns = bpf_program__insns(prog);
	size_t ninsns = bpf_program__insn_cnt(prog), n = 1;
	bool int_only = type == BPF_TRACE_FEXIT;

	if ((*template_link = bpf_program__attach_trace(prog)) == NULL)
		return 0;
	for (size_t i = 0; i < l->n; i++) {
		LIBBPF_OPTS(bpf_prog_load_opts, o, .expected_attach_type = type,
		    .attach_btf_id = l->funcs[i].btf_id);
		int fd, link;

		if (l->funcs[i].skb_arg != a || &l->funcs[i] == t ||
		    (int_only && !l->funcs[i].int_return))
			continue;
		fd = bpf_prog_load(BPF_PROG_TYPE_TRACING,
		    bpf_program__name(prog), "Dual BSD/GPL", insns, ninsns, &o);
		if (fd < 0)
			continue;
		link = bpf_link_create(fd, 0, type, NULL);
		close(fd);
		if (link < 0)
			continue;
		f->fds[f->nfds++] = link;
		n++;
	}
	return n;
}

/* fentry on every function, and fexit on those returning an int. */
static int
attach_fentry(struct mbt_lx_fn *f, const struct mbt_lx_fn_list *l, bool returns)
{
	struct programs p = programs(f->skel);
	struct rlimit rl;

	/* A link per function (two with fexit): a thousand and more. */
	if (getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if ((f->fds = calloc(2 * l->n, sizeof(*f->fds))) == NULL)
		return -ENOMEM;
	for (int a = 1; a <= MBT_LX_FN_MAX_ARG; a++) {
		const struct mbt_lx_fn_func *t = template_target(l, a, false);
		const struct mbt_lx_fn_func *x =
		    returns ? template_target(l, a, true) : NULL;

		if (t == NULL)
			continue;
		f->attached += attach_trampolines(
		    f, l, p.fentry[a - 1], t, a, &f->links[a - 1]);
		if (f->links[a - 1] == NULL)
			return -errno;
		if (x == NULL)
			continue;
		f->returns += attach_trampolines(
		    f, l, p.fexit[a - 1], x, a, &f->exit_links[a - 1]);
		if (f->exit_links[a - 1] == NULL)
			return -errno;
	}
	return 0;
}

static void
release(struct mbt_lx_fn *f)
{
	for (size_t i = 0; i < f->nfds; i++)
		close(f->fds[i]);
	free(f->fds);
	f->fds = NULL;
	f->nfds = 0;
	for (size_t i = 0; i < f->nsessions; i++)
		close(f->sessions[i]);
	f->nsessions = 0;
	for (int a = 0; a < MBT_LX_FN_MAX_ARG; a++) {
		bpf_link__destroy(f->links[a]);
		bpf_link__destroy(f->exit_links[a]);
		f->links[a] = f->exit_links[a] = NULL;
	}
	functions_bpf__destroy(f->skel);
	f->skel = NULL;
	f->attached = f->returns = 0;
}

/* Load and attach in one mode; on failure, everything is released. */
static int
try_mode(struct mbt_lx_fn *f, const struct mbt_lx_fn_config *c,
    const struct mbt_lx_fn_list *l, bool kprobe, bool returns)
{
	int rc = load(f, c, l, kprobe, returns);

	if (rc == 0)
		rc = kprobe ? attach_kprobe_multi(f, l, returns)
			    : attach_fentry(f, l, returns);
	if (rc == 0)
		rc = attach_standalone_ends(f);
	if (rc == 0 && f->attached == 0)
		rc = -ENOENT;
	if (rc != 0)
		release(f);
	return rc;
}

/* fentry, with fexit for return values where few functions return an int. */
static int
fentry_mode(struct mbt_lx_fn *f, const struct mbt_lx_fn_config *c,
    const struct mbt_lx_fn_list *l)
{
	size_t nint = count_int_returns(l);
	bool returns = !c->no_returns && nint > 0 && nint <= FEXIT_MAX;
	int rc = try_mode(f, c, l, false, returns);

	if (rc != 0 && returns) /* fexit refused: without, then */
		rc = try_mode(f, c, l, false, returns = false);
	if (rc != 0)
		return rc;
	if (returns)
		snprintf(f->mode, sizeof(f->mode),
		    "fentry with return values (fexit on %zu of %zu)",
		    f->returns, nint);
	else if (c->no_returns || nint == 0)
		snprintf(f->mode, sizeof(f->mode), "fentry%s",
		    c->no_returns ? ", return values off" : "");
	else
		snprintf(f->mode, sizeof(f->mode),
		    "fentry without return values (fexit on %zu functions "
		    "would double attaching; --functions to %d or fewer)",
		    nint, FEXIT_MAX);
	return 0;
}

int
mbt_lx_fn_attach(struct mbt_lx_fn **out, const struct mbt_lx_fn_config *c,
    char *err, size_t errlen)
{
	struct mbt_lx_fn_list l;
	struct mbt_lx_fn *f;
	int rc, kprc = 0, sessrc = 0;
	double t0 = now();

	*out = NULL;
	if ((rc = mbt_lx_fn_find(&l, c->regex, err, errlen)) != 0)
		return rc;
	if (l.n == 0) {
		snprintf(err, errlen, "no traceable function takes an skb%s%s",
		    c->regex ? " and matches " : "", c->regex ? c->regex : "");
		mbt_lx_fn_list_free(&l);
		return -ENOENT;
	}
	if ((f = calloc(1, sizeof(*f))) == NULL) {
		mbt_lx_fn_list_free(&l);
		return -ENOMEM;
	}
	f->found = l.n;
	/*
	 * kprobe-multi with return values, without, then fentry: with fexit
	 * on the functions that return an int only where few are asked for
	 * (see FEXIT_MAX): each link costs a grace period more to release.
	 */
	rc = -EOPNOTSUPP;
	if (c->mode != MBT_LX_FN_FENTRY && !c->no_returns)
		rc = sessrc = try_mode(f, c, &l, true, true);
	if (rc != 0 && c->mode != MBT_LX_FN_FENTRY)
		rc = kprc = try_mode(f, c, &l, true, false);
	if (rc == 0 && sessrc == 0)
		snprintf(f->mode, sizeof(f->mode), "kprobe-multi%s",
		    c->no_returns ? ", return values off"
				  : " with return values");
	else if (rc == 0)
		snprintf(f->mode, sizeof(f->mode),
		    "kprobe-multi without return values (kprobe.session, "
		    "Linux 6.10: %s)",
		    strerror(-sessrc));
	if (rc != 0 && c->mode != MBT_LX_FN_KPROBE_MULTI)
		rc = fentry_mode(f, c, &l);
	mbt_lx_fn_list_free(&l);
	if (rc != 0) {
		snprintf(err, errlen, "%s%s%s%s%s",
		    c->mode != MBT_LX_FN_FENTRY ? "kprobe-multi: " : "",
		    c->mode != MBT_LX_FN_FENTRY ? strerror(-kprc) : "",
		    c->mode == MBT_LX_FN_AUTO ? "; " : "",
		    c->mode != MBT_LX_FN_KPROBE_MULTI ? "fentry: " : "",
		    c->mode != MBT_LX_FN_KPROBE_MULTI ? strerror(-rc) : "");
		free(f);
		return rc;
	}
	f->seconds = now() - t0;
	*out = f;
	return 0;
}

const char *
mbt_lx_fn_mode_name(const struct mbt_lx_fn *f)
{
	return f->mode;
}

size_t
mbt_lx_fn_attached(const struct mbt_lx_fn *f)
{
	return f->attached;
}

size_t
mbt_lx_fn_returns(const struct mbt_lx_fn *f)
{
	return f->returns;
}

size_t
mbt_lx_fn_found(const struct mbt_lx_fn *f)
{
	return f->found;
}

double
mbt_lx_fn_attach_seconds(const struct mbt_lx_fn *f)
{
	return f->seconds;
}

int
mbt_lx_fn_events_fd(const struct mbt_lx_fn *f)
{
	return bpf_map__fd(f->skel->maps.events);
}

void
mbt_lx_fn_detach(struct mbt_lx_fn *f, bool background)
{
	int gate[2] = {-1, -1};

	if (f == NULL)
		return;
	/*
	 * The last close of a fentry link pays its grace period.  A child
	 * that holds copies of every descriptor until this process has
	 * closed its own becomes that last closer, so nobody waits here.
	 */
	if (background && f->nfds > 0 && pipe(gate) == 0) {
		if (fork() == 0) {
			char b;

			close(gate[1]);
			signal(SIGINT, SIG_IGN);
			signal(SIGTERM, SIG_IGN);
			setsid();
			while (read(gate[0], &b, 1) > 0)
				;
			_exit(0);
		}
		close(gate[0]);
	}
	release(f);
	if (gate[1] >= 0)
		close(gate[1]);
	free(f);
}
