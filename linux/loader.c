/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The loader of linux/record.bpf.c: checks privileges, sets the start
 * points and the filter in rodata, attaches each hook the running kernel
 * has (saying which it has not), and reads the ring buffer.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "cbpf_run.h"
#include "cbpf_to_ebpf.h"
#include "functions.h"
#include "kbtf.h"
#include "loader.h"
#include "record.skel.h"
#include "tracked.h"

struct mbt_lx_loader {
	struct record_bpf *skel;
	struct ring_buffer *rb;
	int nattached;
	struct bpf_link *links[64];
	/* The translated filter's programs and their links, per start hook. */
	int filter_fds[3], filter_links[3];
	struct mbt_lx_fn *fn; /* full-function mode, when the kernel allows */
	char fn_note[600];
};

/* The hooks where traces start: the translated filter runs before each. */
static const char *const start_hooks[3] = {
    "netif_receive_skb", "net_dev_queue", "kfree_skb"};

/* Effective capabilities of this process, from /proc/self/status. */
static uint64_t
effective_caps(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[256];
	unsigned long long caps = 0;

	if (f == NULL)
		return 0;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "CapEff: %llx", &caps) == 1)
			break;
	}
	fclose(f);
	return caps;
}

#define CAP_SYS_ADMIN_ 21
#define CAP_PERFMON_ 38
#define CAP_BPF_ 39

static int
check_privileges(char *err, size_t errlen)
{
	uint64_t caps = effective_caps();
	bool admin = caps & (1ULL << CAP_SYS_ADMIN_);
	bool bpf = caps & (1ULL << CAP_BPF_);
	bool perfmon = caps & (1ULL << CAP_PERFMON_);

	if (admin || (bpf && perfmon))
		return 0;
	snprintf(err, errlen,
	    "tracing needs CAP_BPF and CAP_PERFMON (or "
	    "CAP_SYS_ADMIN), and this process lacks %s: run it as root",
	    !bpf && !perfmon ? "both"
	    : !bpf	     ? "CAP_BPF"
			     : "CAP_PERFMON");
	return -EPERM;
}

static void
close_translated_filter(struct mbt_lx_loader *l)
{
	for (int i = 0; i < 3; i++) {
		if (l->filter_links[i] >= 0)
			close(l->filter_links[i]);
		if (l->filter_fds[i] >= 0)
			close(l->filter_fds[i]);
		l->filter_links[i] = l->filter_fds[i] = -1;
	}
}

static void
append(char *missing, const char *name, const char *why)
{
	size_t n = strlen(missing);

	snprintf(missing + n, MBT_LX_MISSING_LEN - n, "%s%s: %s",
	    n > 0 ? "; " : "", name, why);
}

/* Tracepoints that gained the arguments a hook reads only in later
 * kernels, and how many the hook needs (the hidden first one included). */
static const struct {
	const char *tp;
	int nargs;
} hook_args[] = {
    {"udp_fail_queue_rcv_skb", 4}, /* the skb came in 6.5 */
};

/* How many arguments tracepoint typedef id takes, or -1. */
static int
tracepoint_nargs(const struct btf *btf, int id)
{
	const struct btf_type *t = btf__type_by_id(btf, (uint32_t)id);

	while (t != NULL && (btf_is_typedef(t) || btf_is_ptr(t)))
		t = btf__type_by_id(btf, t->type);
	return t != NULL && btf_is_func_proto(t) ? btf_vlen(t) : -1;
}

/* Leave out the hooks this kernel cannot feed: no such tracepoint, or one
 * without the arguments the hook reads. */
static void
drop_absent_hooks(struct record_bpf *skel, const struct btf *btf, char *missing)
{
	struct bpf_program *p;
	char name[128];

	if (btf == NULL)
		return; /* libbpf will say so at load */
	bpf_object__for_each_program(p, skel->obj)
	{
		const char *tp = bpf_program__section_name(p);
		int id;

		if (strchr(tp, '/') == NULL)
			continue; /* not for a hook */
		tp = strchr(tp, '/') + 1;
		snprintf(name, sizeof(name), "btf_trace_%s", tp);
		id = btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF);
		if (id < 0) {
			bpf_program__set_autoload(p, false);
			append(
			    missing, tp, "no such tracepoint in this kernel");
			continue;
		}
		for (size_t i = 0; i < sizeof(hook_args) / sizeof(hook_args[0]);
		     i++) {
			if (strcmp(hook_args[i].tp, tp) == 0 &&
			    tracepoint_nargs(btf, id) < hook_args[i].nargs) {
				bpf_program__set_autoload(p, false);
				append(missing, tp,
				    "this kernel's tracepoint has no skb");
			}
		}
	}
}

void
mbt_lx_fit_to_kernel(struct record_bpf *skel, char *missing)
{
	const struct btf *btf = mbt_lx_kbtf();
	int id;

	drop_absent_hooks(skel, btf, missing);
	if (btf == NULL)
		return;
	/* (void *, skb, location) since 6.3; (void *, skb) before. */
	id = btf__find_by_name_kind(btf, "btf_trace_consume_skb", BTF_KIND_TYPEDEF);
	((struct mbt_lx_bpf_config *)&skel->rodata->cfg)->consume_has_location =
	    id < 0 || tracepoint_nargs(btf, id) >= 3;
}

static void
set_rodata(struct record_bpf *skel, const struct mbt_lx_config *c)
{
	struct mbt_lx_bpf_config *k =
	    (struct mbt_lx_bpf_config *)&skel->rodata->cfg;

	k->snaplen = c->snaplen;
	k->filter_len = c->filter != NULL ? c->filter_len : 0;
	k->filter_link = c->filter_link;
	if (c->filter != NULL && c->filter_len > 0)
		k->filter_bytes = mbt_cbpf_bytes_needed(c->filter, c->filter_len);
	k->n_ifaces = c->n_ifaces;
	memcpy(k->ifaces, c->ifaces, sizeof(k->ifaces));
	k->want_mark = c->want_mark;
	k->mark_value = c->mark;
	k->mark_mask = c->mark_mask;
	k->want_nftrace = c->want_nftrace;
	k->want_pid = c->want_pid;
	k->pid_value = c->pid;
	k->self_pid = (uint32_t)getpid();
	/* Room for a made-up Ethernet header and what follows it. */
	if (c->filter_link && k->filter_bytes < MBT_EBPF_LINK_MIN_BYTES)
		k->filter_bytes = MBT_EBPF_LINK_MIN_BYTES;
}

static int
load_filter(struct record_bpf *skel, const struct mbt_lx_config *c)
{
	int fd = bpf_map__fd(skel->maps.filter_prog);

	for (uint32_t i = 0; c->filter != NULL && i < c->filter_len; i++) {
		if (bpf_map_update_elem(fd, &i, &c->filter[i], BPF_ANY) != 0)
			return -errno;
	}
	return 0;
}

/* The bit offset of member name in struct type_id, looking into
 * anonymous members; -ENOENT when absent, -EINVAL for a bitfield. */
static int
member_offset(
    const struct btf *btf, int type_id, const char *name, uint32_t *bits)
{
	const struct btf_type *t = btf__type_by_id(btf, (uint32_t)type_id);
	const struct btf_member *m;

	if (t == NULL || !btf_is_composite(t))
		return -ENOENT;
	m = btf_members(t);
	for (int i = 0; i < btf_vlen(t); i++) {
		const char *mname = btf__name_by_offset(btf, m[i].name_off);
		uint32_t inner;

		if (mname != NULL && strcmp(mname, name) == 0) {
			if (btf_member_bitfield_size(t, (uint32_t)i) != 0)
				return -EINVAL;
			*bits = btf_member_bit_offset(t, (uint32_t)i);
			return 0;
		}
		if ((mname == NULL || mname[0] == '\0') &&
		    member_offset(btf, btf__resolve_type(btf, m[i].type), name,
			&inner) == 0) {
			*bits = btf_member_bit_offset(t, (uint32_t)i) + inner;
			return 0;
		}
	}
	return -ENOENT;
}

/* Where struct sk_buff keeps what the translated filter reads. */
static int
skb_layout(struct mbt_skb_layout *l)
{
	const char *names[] = {"head", "data", "tail", "len", "protocol",
	    "network_header", "mac_header"};
	uint32_t *fields[] = {&l->head, &l->data, &l->tail, &l->len,
	    &l->protocol, &l->network_header, &l->mac_header};
	const struct btf *btf = mbt_lx_kbtf();
	int id, rc = 0;

	if (btf == NULL)
		return -ENOENT;
	id = btf__find_by_name_kind(btf, "sk_buff", BTF_KIND_STRUCT);
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && rc == 0;
	     i++) {
		uint32_t bits = 0;

		rc = id < 0 ? -ENOENT : member_offset(btf, id, names[i], &bits);
		if (rc == 0 && bits % 8 != 0)
			rc = -EINVAL;
		*fields[i] = bits / 8;
	}
	return rc;
}

/*
 * Translate the filter to eBPF and attach it to each start hook ahead of
 * the hook's own program, which then only has to read its answer.  When
 * the kernel refuses it, the hooks interpret the filter instead: slower,
 * the same answers; *missing says so.
 */
static void
attach_translated_filter(
    struct mbt_lx_loader *l, const struct mbt_lx_config *c, char *missing)
{
	static struct bpf_insn insns[MBT_EBPF_MAX_LEN(MBT_CBPF_MAX_INSNS)];
	struct mbt_skb_layout layout;
	int n, rc = 0, in_map = bpf_map__fd(l->skel->maps.filter_in);

	if (c->filter == NULL || c->filter_len == 0)
		return;
	/* For tests of the interpreter, and a way out should a translation
	 * ever be wrong. */
	if (getenv("MBUFTRACE_INTERPRET") != NULL) {
		append(missing, "filter translation",
		    "MBUFTRACE_INTERPRET is set");
		return;
	}
	if ((rc = skb_layout(&layout)) == 0) {
		n = mbt_cbpf_to_ebpf(c->filter, c->filter_len, in_map, &layout,
		    c->filter_link, l->skel->rodata->cfg.filter_bytes, insns,
		    sizeof(insns) / sizeof(insns[0]));
		rc = n < 0 ? n : 0;
	}
	for (int i = 0; i < 3 && rc == 0; i++) {
		l->filter_fds[i] = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT,
		    "mbt_filter", "GPL", insns, (size_t)n, NULL);
		if (l->filter_fds[i] < 0) {
			rc = -errno;
			break;
		}
		l->filter_links[i] =
		    bpf_raw_tracepoint_open(start_hooks[i], l->filter_fds[i]);
		if (l->filter_links[i] < 0)
			rc = -errno;
	}
	if (rc == 0) {
		l->skel->bss->filter_external = 1;
		return;
	}
	append(
	    missing, "filter translation (interpreted instead)", strerror(-rc));
	close_translated_filter(l);
}

static int
attach_all(struct mbt_lx_loader *l, char *missing)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, l->skel->obj)
	{
		struct bpf_link *link;

		if (!bpf_program__autoload(p) ||
		    strchr(bpf_program__section_name(p), '/') == NULL)
			continue;
		link = bpf_program__attach(p);
		if (link == NULL) {
			append(missing, bpf_program__name(p), strerror(errno));
			continue;
		}
		if (l->nattached ==
		    (int)(sizeof(l->links) / sizeof(l->links[0]))) {
			bpf_link__destroy(link);
			append(missing, bpf_program__name(p), "too many hooks");
			continue;
		}
		l->links[l->nattached++] = link;
	}
	return l->nattached > 0 ? 0 : -ENOENT;
}

/* Every function that takes an skb, into the same maps, where allowed. */
static void
attach_functions(struct mbt_lx_loader *l, const struct mbt_lx_config *c)
{
	struct mbt_lx_fn_config fc = {
	    .regex = c->functions,
	    .tracked_fd = bpf_map__fd(l->skel->maps.tracked),
	    .events_fd = bpf_map__fd(l->skel->maps.events),
	    .current_fd = bpf_map__fd(l->skel->maps.current),
	};
	char err[512];

	if (c->no_functions) {
		snprintf(
		    l->fn_note, sizeof(l->fn_note), "off (--no-functions)");
		return;
	}
	if (mbt_lx_fn_attach(&l->fn, &fc, err, sizeof(err)) != 0)
		snprintf(l->fn_note, sizeof(l->fn_note),
		    "not available (%s): tracepoints only", err);
	else {
		/* Probed functions slow the way between hooks: see there. */
		l->skel->data->route_window_ns *= 10;
		l->skel->data->made_window_ns *= 10;
		snprintf(l->fn_note, sizeof(l->fn_note),
		    "%s, %zu of %zu functions in %.2f s",
		    mbt_lx_fn_mode_name(l->fn), mbt_lx_fn_attached(l->fn),
		    mbt_lx_fn_found(l->fn), mbt_lx_fn_attach_seconds(l->fn));
	}
}

const char *
mbt_lx_functions_note(const struct mbt_lx_loader *l)
{
	return l->fn_note;
}

int
mbt_lx_load(struct mbt_lx_loader **out, const struct mbt_lx_config *c,
    mbt_lx_event_fn fn, void *ctx, char *missing, char *err, size_t errlen)
{
	struct mbt_lx_loader *l;
	int rc;

	*out = NULL;
	missing[0] = '\0';
	if ((rc = check_privileges(err, errlen)) != 0)
		return rc;
	if (c->filter_len > MBT_CBPF_MAX_INSNS) {
		snprintf(err, errlen,
		    "the filter has %u instructions; at most "
		    "%d are supported",
		    c->filter_len, MBT_CBPF_MAX_INSNS);
		return -E2BIG;
	}
	if ((l = calloc(1, sizeof(*l))) == NULL)
		return -ENOMEM;
	for (int i = 0; i < 3; i++)
		l->filter_fds[i] = l->filter_links[i] = -1;
	/* libbpf's own messages (the verifier's log) only when asked. */
	if (getenv("MBUFTRACE_DEBUG") == NULL)
		libbpf_set_print(NULL);
	rc = -ENOENT;
	if ((l->skel = record_bpf__open()) == NULL) {
		rc = -errno;
		snprintf(err, errlen, "cannot open the eBPF object: %s",
		    strerror(errno));
		goto fail;
	}
	set_rodata(l->skel, c);
	mbt_lx_fit_to_kernel(l->skel, missing);
	if ((rc = record_bpf__load(l->skel)) != 0) {
		snprintf(err, errlen,
		    "the kernel refused the eBPF programs: %s", strerror(-rc));
		goto fail;
	}
	if ((rc = load_filter(l->skel, c)) != 0) {
		snprintf(
		    err, errlen, "cannot load the filter: %s", strerror(-rc));
		goto fail;
	}
	attach_translated_filter(l, c, missing);
	l->rb = ring_buffer__new(bpf_map__fd(l->skel->maps.events),
	    (ring_buffer_sample_fn)fn, ctx, NULL);
	if (l->rb == NULL) {
		rc = -errno;
		snprintf(err, errlen, "cannot read the ring buffer: %s",
		    strerror(errno));
		goto fail;
	}
	if ((rc = attach_all(l, missing)) != 0) {
		snprintf(err, errlen, "no hook could be attached: %s", missing);
		goto fail;
	}
	attach_functions(l, c);
	mbt_lx_kbtf_release();
	*out = l;
	return 0;
fail:
	mbt_lx_kbtf_release();
	mbt_lx_unload(l);
	return rc;
}

int
mbt_lx_poll(struct mbt_lx_loader *l, int timeout_ms)
{
	int n = ring_buffer__poll(l->rb, timeout_ms);

	/* The kernel seldom wakes us (record.bpf.c), and poll only reads a
	 * ring it was woken for: read what is there either way. */
	if (n >= 0) {
		int more = ring_buffer__consume(l->rb);

		n = more < 0 ? more : n + more;
	}
	return n;
}

int
mbt_lx_drain(struct mbt_lx_loader *l)
{
	return ring_buffer__consume(l->rb);
}

int
mbt_lx_attached(const struct mbt_lx_loader *l)
{
	return l->nattached;
}

void
mbt_lx_counters(struct mbt_lx_loader *l, struct mbt_lx_counters *out)
{
	int ncpu = libbpf_num_possible_cpus(), fd;
	uint64_t *v, sums[MBT_LX_STAT_MAX] = {0};

	memset(out, 0, sizeof(*out));
	if (ncpu <= 0 || (v = calloc((size_t)ncpu, sizeof(*v))) == NULL)
		return;
	fd = bpf_map__fd(l->skel->maps.stats);
	for (uint32_t k = 0; k < MBT_LX_STAT_MAX; k++) {
		if (bpf_map_lookup_elem(fd, &k, v) != 0)
			continue;
		for (int i = 0; i < ncpu; i++)
			sums[k] += v[i];
	}
	free(v);
	out->started = sums[MBT_LX_STAT_STARTED];
	out->events = sums[MBT_LX_STAT_EVENTS];
	out->lost = sums[MBT_LX_STAT_LOST];
}

/*
 * An entry no hook has seen for this long (in tracked.seen's units, about
 * a second each) belongs to a packet whose end was missed: its trace was
 * emitted unfinished long ago (RECORD_IDLE_NS).
 */
#define STALE_SEEN 16

void
mbt_lx_sweep(struct mbt_lx_loader *l, uint64_t now_ns)
{
	__u64 *live = &l->skel->bss->ntracked;
	int fd = bpf_map__fd(l->skel->maps.tracked);
	uint32_t now = TRACKED_SEEN(now_ns), max = bpf_map__max_entries(
							l->skel->maps.tracked);
	uint64_t key, next;
	__u64 before = __atomic_load_n(live, __ATOMIC_SEQ_CST);
	struct tracked t;
	bool more;

	if (before == 0)
		return; /* no entry can be in the map: see record.bpf.c */
	/*
	 * The map is empty at this instant and the hint has not moved since
	 * it was read: any entry added since will raise it after this.
	 */
	if (bpf_map_get_next_key(fd, NULL, &key) != 0) {
		__atomic_compare_exchange_n(live, &before, 0, false,
		    __ATOMIC_SEQ_CST, __ATOMIC_SEQ_CST);
		return;
	}
	/* Bounded: a key deleted under us restarts the walk. */
	more = true;
	for (uint32_t i = 0; more && i < max; i++, key = next) {
		more = bpf_map_get_next_key(fd, &key, &next) == 0;
		/* (seen 0: an entry a hook is still filling in.) */
		if (bpf_map_lookup_elem(fd, &key, &t) != 0 || t.seen == 0 ||
		    (uint32_t)(now - t.seen) <= STALE_SEEN)
			continue;
		/* Only the one whose delete succeeds lowers the hint. */
		if (bpf_map_delete_elem(fd, &key) == 0)
			__atomic_fetch_sub(live, 1, __ATOMIC_SEQ_CST);
	}
}

uint64_t
mbt_lx_live_hint(const struct mbt_lx_loader *l)
{
	return __atomic_load_n(&l->skel->bss->ntracked, __ATOMIC_SEQ_CST);
}

void
mbt_lx_unload(struct mbt_lx_loader *l)
{
	if (l == NULL)
		return;
	/* fentry's links are released by a child: nobody waits minutes. */
	mbt_lx_fn_detach(l->fn, true);
	for (int i = 0; i < l->nattached; i++)
		bpf_link__destroy(l->links[i]);
	ring_buffer__free(l->rb);
	close_translated_filter(l);
	record_bpf__destroy(l->skel);
	free(l);
}
