/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names for what the kernel gives as numbers: drop reasons from the running
 * kernel's BTF (enum skb_drop_reason), function names from /proc/kallsyms,
 * source lines from a debug vmlinux where one is installed, and `ip netns`
 * names of namespaces from the inodes of /run/netns/\*.
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <bpf/btf.h>

#include "names.h"
#include "srcline.h"

struct ksym {
	uint64_t addr;
	char *name;
};

static int
ksym_cmp(const void *a, const void *b)
{
	const struct ksym *x = a, *y = b;

	return x->addr < y->addr ? -1 : x->addr > y->addr;
}

/* Text symbols of the kernel, sorted; none when kallsyms hides them. */
static void
load_kallsyms(struct mbt_lx_namer *n)
{
	FILE *f = fopen("/proc/kallsyms", "r");
	char line[512], name[256], type;
	unsigned long long addr;
	size_t cap = 0;

	if (f == NULL)
		return;
	while (fgets(line, sizeof(line), f) != NULL) {
		if (sscanf(line, "%llx %c %255s", &addr, &type, name) != 3 ||
		    addr == 0 || (type != 't' && type != 'T'))
			continue;
		if (n->nsyms == cap) {
			size_t ncap = cap ? cap * 2 : 65536;
			struct ksym *p = realloc(n->syms, ncap * sizeof(*p));

			if (p == NULL)
				break;
			n->syms = p;
			cap = ncap;
		}
		n->syms[n->nsyms].addr = addr;
		if ((n->syms[n->nsyms].name = strdup(name)) == NULL)
			break;
		n->nsyms++;
	}
	fclose(f);
	qsort(n->syms, n->nsyms, sizeof(*n->syms), ksym_cmp);
}

static void
load_drop_reasons(struct mbt_lx_namer *n)
{
	struct btf *btf = btf__load_vmlinux_btf();
	const struct btf_type *t;
	const struct btf_enum *e;
	int id;

	if (btf == NULL)
		return;
	id = btf__find_by_name_kind(btf, "skb_drop_reason", BTF_KIND_ENUM);
	if (id > 0 && (t = btf__type_by_id(btf, id)) != NULL) {
		e = btf_enum(t);
		for (int i = 0; i < btf_vlen(t); i++) {
			const char *name =
			    btf__name_by_offset(btf, e[i].name_off);
			unsigned v = (unsigned)e[i].val;

			if (name == NULL || v >= MBT_LX_MAX_REASONS)
				continue;
			if (strncmp(name, "SKB_DROP_REASON_", 16) == 0)
				name += 16;
			n->reasons[v] = strdup(name);
		}
	}
	btf__free(btf);
}

/* (Re)read /run/netns: names are added while we run. */
static void
load_netns(struct mbt_lx_namer *n)
{
	DIR *d = opendir("/run/netns");
	struct dirent *de;
	char path[300];
	struct stat st;

	for (size_t i = 0; i < n->nns; i++)
		free(n->ns[i].name);
	n->nns = 0;
	n->ns_loaded = time(NULL);
	if (d == NULL)
		return;
	while ((de = readdir(d)) != NULL && n->nns < MBT_LX_MAX_NETNS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		if (stat(path, &st) != 0)
			continue;
		n->ns[n->nns].inode = st.st_ino;
		if ((n->ns[n->nns].name = strdup(de->d_name)) != NULL)
			n->nns++;
	}
	closedir(d);
}

static const char *
drop_reason(void *ctx, uint32_t code)
{
	struct mbt_lx_namer *n = ctx;

	return code < MBT_LX_MAX_REASONS ? n->reasons[code] : NULL;
}

static const char *
symbol(void *ctx, uint64_t addr, uint64_t *offset)
{
	struct mbt_lx_namer *n = ctx;
	size_t lo = 0, hi = n->nsyms;

	/* The last symbol at or below addr. */
	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (n->syms[mid].addr <= addr)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo == 0)
		return NULL;
	*offset = addr - n->syms[lo - 1].addr;
	return n->syms[lo - 1].name;
}

static const char *
netns_name(void *ctx, uint64_t inode)
{
	struct mbt_lx_namer *n = ctx;

	for (int pass = 0; pass < 2; pass++) {
		for (size_t i = 0; i < n->nns; i++) {
			if (n->ns[i].inode == inode)
				return n->ns[i].name;
		}
		if (n->self_netns == inode)
			return NULL; /* the root: no name, and no need to look */
		/* An unknown namespace: it may be new; look at most once a second. */
		if (pass == 0 && time(NULL) != n->ns_loaded)
			load_netns(n);
		else
			break;
	}
	return NULL;
}

/* The address of a text symbol by name, from what was loaded; 0: none. */
static uint64_t
ksym_address(const struct mbt_lx_namer *n, const char *name)
{
	for (size_t i = 0; i < n->nsyms; i++)
		if (strcmp(n->syms[i].name, name) == 0)
			return n->syms[i].addr;
	return 0;
}

static const char *
srcline(void *ctx, uint64_t addr, uint32_t *line)
{
	struct mbt_lx_namer *n = ctx;
	const char *file;
	int l;

	if (mbt_srcline_lookup(n->src, addr, &file, &l) != 0)
		return NULL;
	*line = (uint32_t)l;
	return file;
}

int
mbt_lx_namer_init(struct mbt_lx_namer *n, struct mbt_lx_names *names)
{
	struct stat st;

	memset(n, 0, sizeof(*n));
	if (stat("/proc/self/ns/net", &st) == 0)
		n->self_netns = st.st_ino;
	load_kallsyms(n);
	load_drop_reasons(n);
	load_netns(n);
	names->ctx = n;
	names->drop_reason = drop_reason;
	names->symbol = symbol;
	names->netns = netns_name;
	names->srcline = NULL;
	if (mbt_srcline_open_kernel(&n->src, ksym_address(n, "_text"),
		n->src_note, sizeof(n->src_note)) == 0) {
		names->srcline = srcline;
		snprintf(n->src_note, sizeof(n->src_note),
		    "from the kernel's debug information");
	}
	return 0;
}

void
mbt_lx_namer_free(struct mbt_lx_namer *n)
{
	for (size_t i = 0; i < n->nsyms; i++)
		free(n->syms[i].name);
	free(n->syms);
	for (size_t i = 0; i < MBT_LX_MAX_REASONS; i++)
		free(n->reasons[i]);
	for (size_t i = 0; i < n->nns; i++)
		free(n->ns[i].name);
	mbt_srcline_close(n->src);
	memset(n, 0, sizeof(*n));
}
