/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The floor of bench/record-overhead.sh: one eBPF program that returns 0
 * at once, attached as a raw tracepoint (the way the kernel runs
 * record's tp_btf programs) to each tracepoint named on the command line.
 * What the traffic loses with these attached is what an attached hook
 * costs when it does nothing: no idle recorder can cost less.
 *
 * Usage: idle-hooks TRACEPOINT...; prints "attached N" and waits for
 * SIGINT or SIGTERM.  Tracepoints this kernel lacks are skipped.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>

static volatile sig_atomic_t stop;

static void
on_signal(int sig)
{
	(void)sig;
	stop = 1;
}

int
main(int argc, char **argv)
{
	/* r0 = 0; exit */
	struct bpf_insn insns[] = {
	    {.code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = 0, .imm = 0},
	    {.code = BPF_JMP | BPF_EXIT},
	};
	int prog, n = 0;

	prog = bpf_prog_load(BPF_PROG_TYPE_RAW_TRACEPOINT, "mbt_idle", "GPL",
	    insns, 2, NULL);
	if (prog < 0) {
		fprintf(stderr, "idle-hooks: cannot load: %s\n",
		    strerror(errno));
		return 1;
	}
	for (int i = 1; i < argc; i++) {
		if (bpf_raw_tracepoint_open(argv[i], prog) >= 0)
			n++;
		else
			fprintf(stderr, "idle-hooks: %s: %s\n", argv[i],
			    strerror(errno));
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	printf("attached %d\n", n);
	fflush(stdout);
	while (!stop)
		pause();
	return 0; /* the links close with the process */
}
