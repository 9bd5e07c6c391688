/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * The classic-to-eBPF translator of `mbuftrace record`
 * (linux/cbpf_to_ebpf.c): its programs are loaded into this kernel, run
 * with BPF_PROG_TEST_RUN on many generated packets, and must agree with
 * libpcap's own pcap_offline_filter() for every tcpdump expression.
 * Without the privilege to load BPF it says so and checks nothing.
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/syscall.h>
#include <unistd.h>

/* libpcap and the kernel both name their instruction struct bpf_insn. */
#define bpf_insn pcap_bpf_insn
#include <pcap/pcap.h>
#undef bpf_insn
#include <linux/bpf.h>

#include "../../linux/cbpf_run.h"
#include "../../linux/cbpf_to_ebpf.h"
#include "check.h"
#include "linux_packets.h"

static int ncpus;

static long
sys_bpf(int cmd, union bpf_attr *attr)
{
	return syscall(__NR_bpf, cmd, attr, sizeof(*attr));
}

static int
map_create(uint32_t type, uint32_t value_size, uint32_t max)
{
	union bpf_attr a = {0};

	a.map_type = type;
	a.key_size = 4;
	a.value_size = value_size;
	a.max_entries = max;
	return (int)sys_bpf(BPF_MAP_CREATE, &a);
}

static int
possible_cpus(void)
{
	FILE *f = fopen("/sys/devices/system/cpu/possible", "r");
	int lo, hi = 0;

	if (f == NULL)
		return 1;
	if (fscanf(f, "%d-%d", &lo, &hi) < 2)
		hi = 0;
	fclose(f);
	return hi + 1;
}

static int
load(const struct bpf_insn *insns, size_t n)
{
	static char log[65536];
	union bpf_attr a = {0};
	int fd;

	a.prog_type = BPF_PROG_TYPE_RAW_TRACEPOINT;
	a.insns = (uintptr_t)insns;
	a.insn_cnt = (uint32_t)n;
	a.license = (uintptr_t) "GPL";
	a.log_buf = (uintptr_t)log;
	a.log_size = sizeof(log);
	a.log_level = 1;
	fd = (int)sys_bpf(BPF_PROG_LOAD, &a);
	if (fd < 0)
		fprintf(stderr, "verifier: %.2000s\n", log);
	return fd;
}

/* Run prog on pkt; returns the filter's answer, or -1. */
static int
run(int prog, int in_map, const uint8_t *pkt, uint32_t caplen, uint32_t wirelen)
{
	static struct mbt_lx_filter_in v[1024];
	uint64_t args[1] = {0};
	union bpf_attr a = {0};
	uint32_t key = 0;

	memset(&v[0], 0, sizeof(v[0]));
	memcpy(v[0].pkt, pkt, caplen);
	v[0].caplen = caplen;
	v[0].wirelen = wirelen;
	for (int i = 1; i < ncpus; i++)
		v[i] = v[0];
	a.map_fd = (uint32_t)in_map;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)v;
	if (sys_bpf(BPF_MAP_UPDATE_ELEM, &a) != 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.test.prog_fd = (uint32_t)prog;
	a.test.ctx_in = (uintptr_t)args;
	a.test.ctx_size_in = sizeof(args);
	a.test.flags = BPF_F_TEST_RUN_ON_CPU;
	a.test.cpu = 0;
	if (sys_bpf(BPF_PROG_TEST_RUN, &a) != 0)
		return -1;
	memset(&a, 0, sizeof(a));
	a.map_fd = (uint32_t)in_map;
	a.key = (uintptr_t)&key;
	a.value = (uintptr_t)v;
	if (sys_bpf(BPF_MAP_LOOKUP_ELEM, &a) != 0)
		return -1;
	return (int)v[0].result;
}

static void
compare(int dlt, const char *const *exprs, size_t nexprs,
    size_t (*make)(uint8_t *, size_t), int in_map)
{
	static struct bpf_insn out[MBT_EBPF_MAX_LEN(MBT_CBPF_MAX_INSNS)];
	static struct mbt_cbpf_insn cb[MBT_CBPF_MAX_INSNS];
	pcap_t *dead = pcap_open_dead(dlt, 65535);
	uint8_t pkt[512];

	for (size_t e = 0; e < nexprs; e++) {
		struct bpf_program prog;
		int n, fd, disagree = 0, errors = 0;

		if (pcap_compile(
			dead, &prog, exprs[e], 1, PCAP_NETMASK_UNKNOWN) != 0) {
			CHECK(!"the expression compiles");
			continue;
		}
		for (unsigned i = 0; i < prog.bf_len; i++)
			cb[i] = (struct mbt_cbpf_insn){
			    .code = prog.bf_insns[i].code,
			    .jt = prog.bf_insns[i].jt,
			    .jf = prog.bf_insns[i].jf,
			    .k = prog.bf_insns[i].k};
		/* Without a skb layout the program reads the bytes from the
		 * map, where run() puts them. */
		n = mbt_cbpf_to_ebpf(cb, prog.bf_len, in_map, NULL, false,
		    MBT_LX_FILTER_BYTES, out, sizeof(out) / sizeof(out[0]));
		CHECK(n > 0);
		fd = n > 0 ? load(out, (size_t)n) : -1;
		if (fd < 0)
			fprintf(stderr, "'%s' was refused\n", exprs[e]);
		CHECK(fd >= 0);
		for (int i = 0; fd >= 0 && i < 800; i++) {
			size_t wire = make(pkt, sizeof(pkt));
			size_t cap = wire > MBT_LX_FILTER_BYTES
					 ? MBT_LX_FILTER_BYTES
					 : wire;
			struct pcap_pkthdr h;
			int want, got;

			if (test_rnd() % 10 == 0 && cap > 0)
				cap = test_rnd() % cap;
			h.caplen = (uint32_t)cap;
			h.len = (uint32_t)wire;
			want = pcap_offline_filter(&prog, &h, pkt) != 0;
			got =
			    run(fd, in_map, pkt, (uint32_t)cap, (uint32_t)wire);
			errors += got < 0;
			if (got != want && disagree++ == 0)
				fprintf(stderr,
				    "'%s': libpcap %d, eBPF %d on "
				    "packet %d\n",
				    exprs[e], want, got, i);
		}
		CHECK(errors == 0);
		CHECK(disagree == 0);
		if (fd >= 0)
			close(fd);
		pcap_freecode(&prog);
	}
	pcap_close(dead);
}

int
main(void)
{
	int in_map;

	ncpus = possible_cpus();
	in_map = map_create(
	    BPF_MAP_TYPE_PERCPU_ARRAY, sizeof(struct mbt_lx_filter_in), 1);
	if (in_map < 0 || ncpus > 1024) {
		printf("SKIP: cannot make BPF maps here (%s): the translator "
		       "is not checked\n",
		    strerror(errno));
		return check_summary("test_linux_translate");
	}
	compare(
	    DLT_RAW, test_raw_exprs, test_n_raw_exprs, test_make_ip, in_map);
	compare(DLT_EN10MB, test_eth_exprs, test_n_eth_exprs, test_make_eth,
	    in_map);
	return check_summary("test_linux_translate");
}
