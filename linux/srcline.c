/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Source lines from DWARF with libdw, in the ELF file's own addresses:
 * the compilation unit that holds an address (from .debug_aranges), then
 * its line table.  Symbols come from the ELF symbol table (libelf), to
 * find KASLR's offset from one symbol the running kernel also names.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <elfutils/libdw.h>

#include "srcline.h"

/*
 * Each file name is kept once, for as long as the object lives (the v3
 * encoder keeps pointers to the strings of a trace); lookups are cached
 * by address, since the same few functions free most packets.
 */
#define FILES_MAX 8192
#define CACHE_SLOTS 4096

struct cached {
	uint64_t addr;
	const char *file; /* NULL: not found */
	int line;
};

struct mbt_srcline {
	int fd;
	Dwarf *dw;
	int64_t bias;
	char *files[FILES_MAX]; /* open addressing on the name's hash */
	size_t nfiles;
	struct cached cache[CACHE_SLOTS];
};

static uint64_t
hash(const char *p)
{
	uint64_t h = 14695981039346656037ULL; /* FNV-1a */

	while (*p != '\0')
		h = (h ^ (uint8_t)*p++) * 1099511628211ULL;
	return h;
}

/* The kept copy of name; NULL when full or out of memory. */
static const char *
intern(struct mbt_srcline *s, const char *name)
{
	size_t i = hash(name) % FILES_MAX;

	while (s->files[i] != NULL) {
		if (strcmp(s->files[i], name) == 0)
			return s->files[i];
		i = (i + 1) % FILES_MAX;
	}
	if (s->nfiles >= FILES_MAX / 2 || (s->files[i] = strdup(name)) == NULL)
		return NULL;
	s->nfiles++;
	return s->files[i];
}

void
mbt_srcline_close(struct mbt_srcline *s)
{
	if (s == NULL)
		return;
	if (s->dw != NULL)
		dwarf_end(s->dw);
	if (s->fd >= 0)
		close(s->fd);
	for (size_t i = 0; i < FILES_MAX; i++)
		free(s->files[i]);
	free(s);
}

int
mbt_srcline_open(struct mbt_srcline **out, const char *path, int64_t bias,
    char *err, size_t errlen)
{
	struct mbt_srcline *s = calloc(1, sizeof(*s));

	*out = NULL;
	if (s == NULL)
		return -ENOMEM;
	s->bias = bias;
	if ((s->fd = open(path, O_RDONLY | O_CLOEXEC)) < 0) {
		int rc = -errno;

		snprintf(err, errlen, "%s: %s", path, strerror(errno));
		free(s);
		return rc;
	}
	if ((s->dw = dwarf_begin(s->fd, DWARF_C_READ)) == NULL) {
		snprintf(err, errlen, "%s: no DWARF debug information (%s)",
		    path, dwarf_errmsg(-1));
		mbt_srcline_close(s);
		return -ENODATA;
	}
	*out = s;
	return 0;
}

uint64_t
mbt_srcline_symbol(struct mbt_srcline *s, const char *name)
{
	Elf *elf = dwarf_getelf(s->dw);
	Elf_Scn *scn = NULL;

	while (elf != NULL && (scn = elf_nextscn(elf, scn)) != NULL) {
		GElf_Shdr sh;
		Elf_Data *data;

		if (gelf_getshdr(scn, &sh) == NULL ||
		    sh.sh_type != SHT_SYMTAB || sh.sh_entsize == 0 ||
		    (data = elf_getdata(scn, NULL)) == NULL)
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym sym;
			const char *n;

			if (gelf_getsym(data, (int)i, &sym) == NULL ||
			    (n = elf_strptr(elf, sh.sh_link, sym.st_name)) ==
				NULL)
				continue;
			if (strcmp(n, name) == 0 && sym.st_value != 0)
				return sym.st_value;
		}
	}
	return 0;
}

int
mbt_srcline_lookup(
    struct mbt_srcline *s, uint64_t addr, const char **file, int *line)
{
	struct cached *c = &s->cache[(addr ^ addr >> 12) % CACHE_SLOTS];
	Dwarf_Addr a = (Dwarf_Addr)((int64_t)addr - s->bias);
	Dwarf_Die cu;
	Dwarf_Line *l;
	const char *src;

	if (c->addr != addr || addr == 0) {
		c->addr = addr;
		c->file = NULL;
		if (dwarf_addrdie(s->dw, a, &cu) != NULL &&
		    (l = dwarf_getsrc_die(&cu, a)) != NULL &&
		    (src = dwarf_linesrc(l, NULL, NULL)) != NULL &&
		    dwarf_lineno(l, &c->line) == 0)
			c->file = intern(s, src);
	}
	if (c->file == NULL)
		return -ENOENT;
	*file = c->file;
	*line = c->line;
	return 0;
}

int
mbt_srcline_open_kernel(
    struct mbt_srcline **s, uint64_t running, char *err, size_t errlen)
{
	static const char *const where[] = {
	    "/usr/lib/debug/boot/vmlinux-%s",	     /* Debian's -dbg */
	    "/usr/lib/debug/lib/modules/%s/vmlinux", /* other distributions */
	    "/lib/modules/%s/build/vmlinux",	     /* a kernel built here */
	};
	struct utsname u;
	char path[512];
	uint64_t linked;
	int rc = -ENOENT;

	*s = NULL;
	uname(&u);
	snprintf(err, errlen, "no debug vmlinux for %s (e.g. %s)", u.release,
	    "/usr/lib/debug/boot/vmlinux-RELEASE");
	for (size_t i = 0; i < sizeof(where) / sizeof(where[0]); i++) {
		snprintf(path, sizeof(path), where[i], u.release);
		if (access(path, R_OK) != 0)
			continue;
		if ((rc = mbt_srcline_open(s, path, 0, err, errlen)) == 0)
			break;
	}
	if (*s == NULL)
		return rc;
	linked = mbt_srcline_symbol(*s, "_text");
	if (running == 0 || linked == 0) {
		snprintf(err, errlen, "%s: cannot place it (no _text)", path);
		mbt_srcline_close(*s);
		*s = NULL;
		return -ENODATA;
	}
	(*s)->bias = (int64_t)(running - linked);
	return 0;
}
