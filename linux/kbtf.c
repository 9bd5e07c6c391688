/* SPDX-License-Identifier: BSD-2-Clause */
#include <bpf/btf.h>
#include <bpf/libbpf.h>

#include "kbtf.h"

static struct btf *kbtf;

struct btf *
mbt_lx_kbtf(void)
{
	if (kbtf == NULL)
		kbtf = btf__load_vmlinux_btf();
	return kbtf;
}

void
mbt_lx_kbtf_release(void)
{
	btf__free(kbtf);
	kbtf = NULL;
}
