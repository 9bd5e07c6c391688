/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * functions-probe: full-function tracing on its own, for the VM suites and
 * the benchmark until `mbuftrace record` calls linux/functions.c.  It
 * attaches to every function that takes an skb, runs a command, and prints
 * one line per function an ICMP packet to --daddr went through, in order,
 * with its trace, CPU, namespace and interface, the errors functions
 * returned for it, and how its life ended.
 *
 *   functions-probe [--mode auto|kprobe-multi|fentry] [--functions REGEX]
 *                   [--no-returns] [--list] [--daddr IPV4] [--wait] -- CMD...
 */
#include <arpa/inet.h>
#include <errno.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <bpf/libbpf.h>

#include "functions.h"
#include "functions_event.h"
#include "names.h"
#include "record_event.h"

struct probe {
	struct mbt_lx_names names;
	uint64_t events, bad;
};

static double
now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void
usage(void)
{
	fprintf(stderr,
	    "usage: functions-probe [--mode auto|kprobe-multi|fentry] "
	    "[--functions REGEX]\n"
	    "                       [--no-returns] [--list] [--daddr IPV4] "
	    "[--wait] -- CMD...\n");
	exit(2);
}

/* One ring buffer record: checked before use, then printed. */
static int
print_event(void *ctx, void *data, size_t size)
{
	struct probe *p = ctx;
	const struct mbt_lx_event *e = data;
	const char *what = NULL;
	uint64_t off = 0;

	if (size < sizeof(*e) || e->size != sizeof(*e) ||
	    e->version != MBT_LX_EVENT_VERSION) {
		p->bad++;
		return 0;
	}
	p->events++;
	printf("trace %llu cpu %u netns %llu if %.16s ",
	    (unsigned long long)e->trace_id, e->cpu,
	    (unsigned long long)e->netns, e->ifindex ? e->ifname : "-");
	if (e->location && p->names.symbol)
		what = p->names.symbol(p->names.ctx, e->location, &off);
	if (e->point == MBT_LX_P_FUNCTION) {
		printf("%s%s\n", what ? what : "?",
		    e->flags & MBT_LX_F_START ? " (start)" : "");
	} else if (e->point == MBT_LX_P_FUNCTION_RETURN) {
		const char *name =
		    e->value < 0 ? strerrorname_np(-e->value) : NULL;

		printf("%s returned %d%s%s%s\n", what ? what : "?", e->value,
		    name ? " (" : "", name ? name : "", name ? ")" : "");
	} else if (e->point == MBT_LX_P_KFREE_SKB) {
		const char *r =
		    p->names.drop_reason
			? p->names.drop_reason(p->names.ctx, e->reason)
			: NULL;

		printf("end drop %s (%u) in %s\n", r ? r : "?", e->reason,
		    what ? what : "?");
	} else if (e->point == MBT_LX_P_CONSUME_SKB) {
		printf("end consumed\n");
	} else {
		printf("point %u\n", e->point);
	}
	return 0;
}

static int
list(const char *regex)
{
	struct mbt_lx_fn_list l;
	char err[256];
	int rc = mbt_lx_fn_find(&l, regex, err, sizeof(err));

	if (rc != 0) {
		fprintf(stderr, "functions-probe: %s\n", err);
		return 1;
	}
	for (size_t i = 0; i < l.n; i++)
		printf("%s %u\n", l.funcs[i].name, l.funcs[i].skb_arg);
	fprintf(stderr, "%zu functions take an skb\n", l.n);
	mbt_lx_fn_list_free(&l);
	return 0;
}

static int
run(char **argv)
{
	pid_t pid = fork();
	int status;

	if (pid < 0)
		return -errno;
	if (pid == 0) {
		execvp(argv[0], argv);
		fprintf(stderr, "functions-probe: %s: %s\n", argv[0],
		    strerror(errno));
		_exit(127);
	}
	if (waitpid(pid, &status, 0) < 0)
		return -errno;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

int
main(int argc, char **argv)
{
	static const struct option opts[] = {{"mode", 1, NULL, 'm'},
	    {"functions", 1, NULL, 'f'}, {"list", 0, NULL, 'l'},
	    {"daddr", 1, NULL, 'd'}, {"wait", 0, NULL, 'w'},
	    {"no-returns", 0, NULL, 'r'}, {0}};
	struct mbt_lx_fn_config c = {
	    .tracked_fd = -1, .events_fd = -1, .current_fd = -1};
	struct mbt_lx_namer namer;
	struct probe p = {0};
	struct ring_buffer *rb;
	struct mbt_lx_fn *f;
	struct in_addr a;
	bool do_list = false, wait_detach = false, bg;
	char err[512];
	double t0;
	int o, rc;

	while ((o = getopt_long(argc, argv, "+", opts, NULL)) != -1) {
		switch (o) {
		case 'm':
			if (strcmp(optarg, "kprobe-multi") == 0)
				c.mode = MBT_LX_FN_KPROBE_MULTI;
			else if (strcmp(optarg, "fentry") == 0)
				c.mode = MBT_LX_FN_FENTRY;
			else if (strcmp(optarg, "auto") != 0)
				usage();
			break;
		case 'f': c.regex = optarg; break;
		case 'l': do_list = true; break;
		case 'd':
			if (inet_pton(AF_INET, optarg, &a) != 1)
				usage();
			c.start_daddr = a.s_addr;
			break;
		case 'w': wait_detach = true; break;
		case 'r': c.no_returns = true; break;
		default: usage();
		}
	}
	if (do_list)
		return list(c.regex);
	if (optind >= argc || c.start_daddr == 0)
		usage();
	if (getenv("MBUFTRACE_DEBUG") == NULL)
		libbpf_set_print(NULL);
	if ((rc = mbt_lx_fn_attach(&f, &c, err, sizeof(err))) != 0) {
		fprintf(stderr,
		    "functions-probe: full-function tracing is not available "
		    "on this kernel (%s); only tracepoints can be used\n",
		    err);
		return 3;
	}
	fprintf(stderr,
	    "functions-probe: %s: %zu of %zu functions attached in "
	    "%.2f s, %zu with their return value\n",
	    mbt_lx_fn_mode_name(f), mbt_lx_fn_attached(f), mbt_lx_fn_found(f),
	    mbt_lx_fn_attach_seconds(f), mbt_lx_fn_returns(f));
	mbt_lx_namer_init(&namer, &p.names);
	rb = ring_buffer__new(mbt_lx_fn_events_fd(f), print_event, &p, NULL);
	if (rb == NULL) {
		fprintf(stderr, "functions-probe: ring buffer: %s\n",
		    strerror(errno));
		mbt_lx_fn_detach(f, !wait_detach);
		return 1;
	}
	rc = run(argv + optind);
	ring_buffer__consume(rb);
	ring_buffer__free(rb);
	fflush(stdout);
	fprintf(stderr, "functions-probe: %llu events, %llu malformed\n",
	    (unsigned long long)p.events, (unsigned long long)p.bad);
	bg = !wait_detach && strncmp(mbt_lx_fn_mode_name(f), "fentry", 6) == 0;
	t0 = now();
	mbt_lx_fn_detach(f, !wait_detach);
	fprintf(stderr, "functions-probe: detached in %.2f s%s\n", now() - t0,
	    bg ? " (the links are released in the background)" : "");
	mbt_lx_namer_free(&namer);
	return rc;
}
