/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Names for what the kernel gives as numbers: drop reasons from the running
 * kernel's BTF (enum skb_drop_reason), function names from /proc/kallsyms,
 * source lines from a debug vmlinux where one is installed, and names of
 * namespaces: `ip netns` names from the inodes of /run/netns/\*, else the
 * container a runtime made it for (podman, docker, containerd: from the
 * cgroups of the processes in it), else its first process ("[nginx 1234]").
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <bpf/btf.h>

#include "kbtf.h"
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
	const struct btf *btf = mbt_lx_kbtf();
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
}

/* Is inode already named? */
static bool
ns_known(const struct mbt_lx_namer *n, uint64_t inode)
{
	for (size_t i = 0; i < n->nns; i++) {
		if (n->ns[i].inode == inode)
			return true;
	}
	return false;
}

static void
ns_add(struct mbt_lx_namer *n, uint64_t inode, const char *name)
{
	if (n->nns < MBT_LX_MAX_NETNS &&
	    (n->ns[n->nns].name = strdup(name)) != NULL)
		n->ns[n->nns++].inode = inode;
}

/* A process's words go into traces: printable ASCII only. */
static void
printable(char *s)
{
	for (; *s != '\0'; s++) {
		if (!isprint((unsigned char)*s))
			*s = '?';
	}
}

/* The first line of a small file, without its newline; false if none. */
static bool
read_line(const char *path, char *buf, size_t size)
{
	FILE *f = fopen(path, "r");
	bool ok = f != NULL && fgets(buf, (int)size, f) != NULL;

	if (f != NULL)
		fclose(f);
	if (ok)
		buf[strcspn(buf, "\n")] = '\0';
	return ok;
}

/*
 * The container runtimes' cgroup names, and where each keeps a container's
 * name by its id: "libpod-ID.scope" (podman), "docker-ID.scope" or
 * "/docker/ID" (docker), "cri-containerd-ID.scope" (containerd).
 */
static const struct runtime {
	const char *name, *marker, *config, *key;
} runtimes[] = {
    {"podman", "libpod-",
	"/var/lib/containers/storage/overlay-containers/containers.json",
	"\"names\":[\""},
    {"docker", "docker-", "/var/lib/docker/containers/%s/config.v2.json",
	"\"Name\":\"/"},
    {"docker", "/docker/", "/var/lib/docker/containers/%s/config.v2.json",
	"\"Name\":\"/"},
    {"containerd", "cri-containerd-", NULL, NULL},
};

/* The container's name from the runtime's own file; false if not found. */
static bool
container_name(const struct runtime *rt, const char *id, char *out, size_t size)
{
	char path[512], *text, *at, *end;
	FILE *f;
	long len;

	if (rt->config == NULL)
		return false;
	snprintf(path, sizeof(path), rt->config, id);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = len > 0 && len < (16 << 20) ? malloc((size_t)len + 1) : NULL;
	if (text == NULL || fread(text, 1, (size_t)len, f) != (size_t)len) {
		free(text);
		fclose(f);
		return false;
	}
	fclose(f);
	text[len] = '\0';
	/* podman keeps every container in one file: start at its id. */
	at = strstr(text, id);
	at = at != NULL ? strstr(at, rt->key) : NULL;
	if (at != NULL) {
		at += strlen(rt->key);
		end = strchr(at, '"');
		if (end != NULL && end > at) {
			snprintf(out, size, "%.*s", (int)(end - at), at);
			printable(out);
		}
	}
	free(text);
	return at != NULL && end != NULL && end > at;
}

/* "podman:web", or "podman:3f2a1b0c9d8e" without its name; false if pid
 * is in no container's cgroup. */
static bool
container_of(const char *pid, char *out, size_t size)
{
	char path[64], line[1024];
	FILE *f;
	bool found = false;

	snprintf(path, sizeof(path), "/proc/%.20s/cgroup", pid);
	if ((f = fopen(path, "r")) == NULL)
		return false;
	while (!found && fgets(line, sizeof(line), f) != NULL) {
		for (size_t r = 0; r < sizeof(runtimes) / sizeof(runtimes[0]);
		     r++) {
			const char *m = strstr(line, runtimes[r].marker);
			char id[65], name[128];
			size_t k = 0;

			if (m == NULL)
				continue;
			m += strlen(runtimes[r].marker);
			while (k < 64 && isxdigit((unsigned char)m[k])) {
				id[k] = m[k];
				k++;
			}
			id[k] = '\0';
			if (k < 12)
				continue;
			if (!container_name(&runtimes[r], id, name, sizeof(name)))
				snprintf(name, sizeof(name), "%.12s", id);
			snprintf(out, size, "%s:%s", runtimes[r].name, name);
			found = true;
			break;
		}
	}
	fclose(f);
	return found;
}

/*
 * Name the namespaces no `ip netns` name covers from their processes: a
 * container's name where a runtime made it, else "[comm pid]" of its first
 * (lowest) process.  /proc lists processes in increasing pid order.
 */
static void
load_netns_of_processes(struct mbt_lx_namer *n)
{
	DIR *d = opendir("/proc");
	struct dirent *de;

	while (d != NULL && (de = readdir(d)) != NULL &&
	       n->nns < MBT_LX_MAX_NETNS) {
		char path[300], comm[64], name[200];
		struct stat st;

		if (!isdigit((unsigned char)de->d_name[0]))
			continue;
		snprintf(path, sizeof(path), "/proc/%s/ns/net", de->d_name);
		if (stat(path, &st) != 0 || st.st_ino == n->self_netns ||
		    ns_known(n, st.st_ino))
			continue;
		if (!container_of(de->d_name, name, sizeof(name))) {
			snprintf(path, sizeof(path), "/proc/%s/comm", de->d_name);
			if (!read_line(path, comm, sizeof(comm)))
				continue;
			printable(comm);
			snprintf(name, sizeof(name), "[%.63s %.20s]", comm, de->d_name);
		}
		ns_add(n, st.st_ino, name);
	}
	if (d != NULL)
		closedir(d);
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
	while (d != NULL && (de = readdir(d)) != NULL &&
	       n->nns < MBT_LX_MAX_NETNS) {
		if (de->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/run/netns/%s", de->d_name);
		if (stat(path, &st) != 0)
			continue;
		ns_add(n, st.st_ino, de->d_name);
	}
	if (d != NULL)
		closedir(d);
	load_netns_of_processes(n);
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
