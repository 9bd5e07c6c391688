/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * functions-join: proves that full-function hops join the traces of
 * `mbuftrace record`'s own programs before the record command calls
 * linux/functions.c.  It loads record.bpf.c's skeleton as it is built
 * (every packet starts a trace), attaches linux/functions.bpf.c to the
 * same tracked and events maps, runs a command and prints the shared ring
 * buffer: "trace ID tp|fn|ret NAME if IFACE [start] [end]", in order.
 *
 *   functions-join [--functions REGEX | --no-functions | --no-returns]
 *                  -- CMD...
 *
 * --no-functions leaves record.bpf.c alone: the benchmark's peer;
 * --no-returns attaches the functions without their return values.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "assemble.h"
#include "functions.h"
#include "functions_event.h"
#include "names.h"
#include "record.skel.h"

static int
print_event(void *ctx, void *data, size_t size)
{
	struct mbt_lx_names *names = ctx;
	const struct mbt_lx_event *e = data;
	const char *name = NULL, *kind = "tp";
	uint64_t off;

	if (size < sizeof(*e) || e->size != size ||
	    e->version != MBT_LX_EVENT_VERSION) {
		printf("malformed event of %zu bytes\n", size);
		return 0;
	}
	if (e->point >= MBT_LX_P_FUNCTION && names->symbol != NULL)
		name = names->symbol(names->ctx, e->location, &off);
	else
		name = mbt_lx_point_name(e->point);
	if (e->point == MBT_LX_P_FUNCTION_RETURN)
		kind = "ret";
	else if (e->point == MBT_LX_P_FUNCTION)
		kind = "fn";
	printf("trace %llu %s %s if %.16s%s%s\n",
	    (unsigned long long)e->trace_id, kind, name ? name : "?",
	    e->ifindex ? e->ifname : "-",
	    e->flags & MBT_LX_F_START ? " start" : "",
	    e->flags & MBT_LX_F_END ? " end" : "");
	return 0;
}

/* Leave out the tracepoints this kernel lacks, as linux/loader.c does. */
static void
drop_absent(struct record_bpf *skel)
{
	struct btf *btf = btf__load_vmlinux_btf();
	struct bpf_program *p;
	char name[128];

	bpf_object__for_each_program(p, skel->obj)
	{
		const char *sec = bpf_program__section_name(p);

		if (btf == NULL || strncmp(sec, "tp_btf/", 7) != 0)
			continue;
		snprintf(name, sizeof(name), "btf_trace_%s", sec + 7);
		if (btf__find_by_name_kind(btf, name, BTF_KIND_TYPEDEF) < 0)
			bpf_program__set_autoload(p, false);
	}
	btf__free(btf);
}

int
main(int argc, char **argv)
{
	struct mbt_lx_fn_config c = {0};
	struct mbt_lx_namer namer;
	struct mbt_lx_names names;
	struct record_bpf *skel;
	struct bpf_program *p;
	struct ring_buffer *rb;
	struct mbt_lx_fn *f;
	char err[512];
	bool no_functions = false;
	int i = 1, status;
	pid_t pid;

	if (argc > 2 && strcmp(argv[1], "--functions") == 0) {
		c.regex = argv[2];
		i = 3;
	} else if (argc > 1 && strcmp(argv[1], "--no-functions") == 0) {
		no_functions = true;
		i = 2;
	} else if (argc > 1 && strcmp(argv[1], "--no-returns") == 0) {
		c.no_returns = true;
		i = 2;
	}
	if (i >= argc || strcmp(argv[i], "--") != 0 || i + 1 >= argc) {
		fprintf(stderr, "usage: functions-join [--functions REGEX | "
				"--no-functions | --no-returns] "
				"-- CMD...\n");
		return 2;
	}
	if (getenv("MBUFTRACE_DEBUG") == NULL)
		libbpf_set_print(NULL);
	if ((skel = record_bpf__open()) == NULL)
		return perror("record_bpf__open"), 1;
	drop_absent(skel);
	if (record_bpf__load(skel) != 0) {
		/* Theirs, not ours: the caller tells the two apart. */
		perror("functions-join: record.bpf.c does not load");
		return 4;
	}
	bpf_object__for_each_program(p, skel->obj)
	{
		if (bpf_program__autoload(p) &&
		    strncmp(bpf_program__section_name(p), "tp_btf/", 7) == 0)
			bpf_program__attach(p); /* links freed at exit */
	}
	c.tracked_fd = bpf_map__fd(skel->maps.tracked);
	c.events_fd = bpf_map__fd(skel->maps.events);
	c.current_fd = bpf_map__fd(skel->maps.current);
	if (no_functions) {
		f = NULL;
	} else if (mbt_lx_fn_attach(&f, &c, err, sizeof(err)) != 0) {
		fprintf(stderr, "functions-join: %s\n", err);
		return 3;
	} else {
		fprintf(stderr, "functions-join: %s: %zu functions\n",
		    mbt_lx_fn_mode_name(f), mbt_lx_fn_attached(f));
	}
	mbt_lx_namer_init(&namer, &names);
	rb = ring_buffer__new(c.events_fd, print_event, &names, NULL);
	if (rb == NULL)
		return perror("ring_buffer__new"), 1;
	if ((pid = fork()) == 0) {
		execvp(argv[i + 1], argv + i + 1);
		_exit(127);
	}
	waitpid(pid, &status, 0);
	ring_buffer__consume(rb);
	fflush(stdout);
	ring_buffer__free(rb);
	mbt_lx_fn_detach(f, true);
	mbt_lx_namer_free(&namer);
	record_bpf__destroy(skel);
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}
