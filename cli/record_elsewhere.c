/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * `mbuftrace record` and `mbuftrace extcap` where they cannot be built
 * (MBT_LINUX=0, any system but Linux): they attach eBPF programs to a
 * Linux kernel.  Elsewhere the kernel makes the traces itself: on FreeBSD
 * with options MBUF_TRACE, `tcpdump -i mbuf_trace` records them, and the
 * other subcommands read them.
 */
#include "cli.h"

static int
not_here(void)
{
	cli_error("not available in this build: it records with eBPF "
		  "programs attached to a Linux kernel, and needs libbpf and "
		  "libdw (built with MBT_LINUX=1 on Linux); on FreeBSD, record "
		  "with 'tcpdump -i mbuf_trace -w FILE' and read FILE with "
		  "'mbuftrace read'");
	return EXIT_FAIL;
}

int
do_record(int argc, char **argv)
{
	return not_here();
}

int
do_extcap(int argc, char **argv)
{
	return not_here();
}
