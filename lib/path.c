/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Path assembly: a trace's records become steps with a location each, and
 * the steps' identity (what happened where, without times and addresses)
 * becomes the path's key, so equal paths can be counted and compared.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "mbuftrace/path.h"
#include "textbuf.h"

void
mbt_path_init(struct mbt_path *p)
{
	memset(p, 0, sizeof(*p));
}

void
mbt_path_free(struct mbt_path *p)
{
	free(p->steps);
	free(p->key);
	mbt_path_init(p);
}

/* Snapshots and v3 free text differ between packets of one path. */
/* Equal strings; an empty one may have no pointer (memcmp must not see it). */
static bool
same_str(struct mbt_str a, struct mbt_str b)
{
	return a.len == b.len && (a.len == 0 || memcmp(a.ptr, b.ptr, a.len) == 0);
}

static bool
is_step(const struct mbt_record *r)
{
	if (r->kind == MBT_KIND_PACKET)
		return false;
	if (r->kind == MBT_KIND_TEXT)
		return r->raw.len > 0; /* a prototype string is all it has */
	return true;
}

static int
key_reserve(struct mbt_path *p, size_t more)
{
	size_t want = p->key_len + more + 1;
	char *k;

	if (want <= p->key_cap)
		return 0;
	want = want < 2 * p->key_cap ? 2 * p->key_cap : want + 256;
	k = realloc(p->key, want);
	if (k == NULL)
		return -ENOMEM;
	p->key = k;
	p->key_cap = want;
	return 0;
}

static void
key_put(struct mbt_path *p, const char *s, size_t n)
{
	if (n > 0) /* s may be NULL then */
		memcpy(p->key + p->key_len, s, n);
	p->key_len += n;
}

static void
key_u64(struct mbt_path *p, uint64_t v)
{
	char d[24];
	struct mbt_textbuf b = {d, sizeof(d), 0};

	mbt_tb_u64(&b, v);
	key_put(p, d, b.len);
}

/*
 * Names may hold any byte, separators included: each goes with its length
 * first, so that no two different steps have one key (ns "a:b" on "c" is
 * not ns "a" on "b:c"; a name's newline is not the steps' separator).
 */
static void
key_str(struct mbt_path *p, struct mbt_str s)
{
	key_u64(p, s.len);
	key_put(p, "=", 1);
	key_put(p, s.ptr, s.len);
}

static void
key_lit(struct mbt_path *p, const char *s)
{
	key_put(p, s, strlen(s));
}

/* The upper bound of what add_key writes for r, for key_reserve. */
static size_t
key_bound(const struct mbt_record *r)
{
	/* Numbers (20 digits at most), literals and lengths: under 400. */
	return 400 + (size_t)r->file.len + r->func.len + r->ifname.len +
	       r->ns_name.len + r->rule_table.len + r->reason.len + r->raw.len;
}

static void
add_key(struct mbt_path *p, const struct mbt_step *s)
{
	const struct mbt_record *r = s->rec;

	if (s->host.len > 0) {
		key_str(p, s->host);
		key_lit(p, "/");
	}
	if (s->has_ns) {
		if (s->ns.len > 0)
			key_str(p, s->ns);
		else
			key_u64(p, s->ns_id);
	}
	key_lit(p, ":");
	if (s->has_iface) {
		if (s->ifname.len > 0)
			key_str(p, s->ifname);
		else
			key_u64(p, s->ifindex);
	}
	key_lit(p, " ");
	key_u64(p, r->kind);
	key_lit(p, ".");
	key_u64(p, r->detail);
	if (r->has_src) {
		key_lit(p, " ");
		key_str(p, r->file);
		key_lit(p, ":");
		key_u64(p, r->line);
		key_lit(p, " ");
		key_str(p, r->func);
	} else if (r->raw.len > 0) {
		key_lit(p, " ");
		key_str(p, r->raw);
	}
	if (r->has_rule) {
		key_lit(p, " rule ");
		key_u64(p, r->fw);
		key_lit(p, " ");
		key_str(p, r->rule_table);
		key_lit(p, " ");
		key_u64(p, r->rule_number);
	}
	if (r->has_reason) {
		key_lit(p, " reason ");
		if (r->reason.len > 0)
			key_str(p, r->reason);
		else
			key_u64(p, r->reason_code);
	}
	if (r->has_route) {
		/* The gateway is an address: left out, like all addresses. */
		key_lit(p, " route ");
		key_u64(p, r->route_table);
		key_lit(p, " ");
		key_u64(p, r->route_oif);
		key_lit(p, " ");
		key_u64(p, (uint32_t)r->route_error);
	}
	key_lit(p, "\n");
}

/* FNV-1a: fast, and collisions only cost a comparison of the keys. */
static uint64_t
hash_bytes(const char *s, size_t n)
{
	uint64_t h = 0xcbf29ce484222325ull;

	for (size_t i = 0; i < n; i++) {
		h ^= (uint8_t)s[i];
		h *= 0x100000001b3ull;
	}
	return h;
}

int
mbt_path_build(const struct mbt_trace *t, struct mbt_path *p)
{
	struct mbt_step here = {0};

	p->nsteps = 0;
	p->key_len = 0;
	p->end = 0;
	p->end_step = 0;
	if (t->nrecords > p->cap) {
		struct mbt_step *s =
		    realloc(p->steps, t->nrecords * sizeof(*s));

		if (s == NULL)
			return -ENOMEM;
		p->steps = s;
		p->cap = t->nrecords;
	}
	for (size_t i = 0; i < t->nrecords; i++) {
		const struct mbt_record *r = &t->records[i];
		struct mbt_step *s;

		/* Where the packet is: a new machine forgets the stack
		 * instance and interface of the old one, a new stack instance
		 * the interface, unless the record names them. */
		if (r->has_host && !same_str(here.host, r->host)) {
			here.has_ns = here.has_iface = false;
			here.host = r->host;
		}
		if (r->has_ns) {
			if (!here.has_ns || here.ns_id != r->ns_id ||
			    !same_str(here.ns, r->ns_name))
				here.has_iface = false;
			here.has_ns = true;
			here.ns = r->ns_name;
			here.ns_id = r->ns_id;
		}
		if (r->has_iface) {
			here.has_iface = true;
			here.ifname = r->ifname;
			here.ifindex = r->ifindex;
		}
		if (!is_step(r))
			continue;
		if (key_reserve(
			p, key_bound(r) + here.host.len + here.ns.len +
				here.ifname.len))
			return -ENOMEM;
		s = &p->steps[p->nsteps];
		*s = here;
		s->rec = r;
		s->record = i;
		s->key_off = (uint32_t)p->key_len;
		add_key(p, s);
		s->key_len = (uint32_t)(p->key_len - s->key_off);
		if (r->kind == MBT_KIND_END) {
			p->end = r->detail != 0 ? r->detail : MBT_END_FREED;
			p->end_step = p->nsteps;
		}
		p->nsteps++;
	}
	if (p->key != NULL)
		p->key[p->key_len] = '\0';
	p->hash = hash_bytes(p->key, p->key_len);
	return 0;
}

bool
mbt_path_same(const struct mbt_path *a, const struct mbt_path *b)
{
	return a->hash == b->hash && a->key_len == b->key_len &&
	       (a->key_len == 0 || memcmp(a->key, b->key, a->key_len) == 0);
}

bool
mbt_step_same(
    const struct mbt_path *a, size_t i, const struct mbt_path *b, size_t j)
{
	const struct mbt_step *x = &a->steps[i], *y = &b->steps[j];

	return x->key_len == y->key_len &&
	       memcmp(a->key + x->key_off, b->key + y->key_off, x->key_len) ==
		   0;
}

size_t
mbt_step_where(const struct mbt_step *s, char *buf, size_t size)
{
	struct mbt_textbuf b = {buf, size, 0};

	if (s->host.len > 0) {
		mbt_tb_put(&b, s->host.ptr, s->host.len);
		if (s->has_ns || s->has_iface)
			mbt_tb_put(&b, "/", 1);
	}
	if (s->has_ns) {
		if (s->ns.len > 0)
			mbt_tb_put(&b, s->ns.ptr, s->ns.len);
		else
			mbt_tb_u64(&b, s->ns_id);
	}
	if (s->has_ns && s->has_iface)
		mbt_tb_put(&b, ":", 1);
	if (s->has_iface) {
		if (s->ifname.len > 0) {
			mbt_tb_put(&b, s->ifname.ptr, s->ifname.len);
		} else {
			mbt_tb_str(&b, "if#");
			mbt_tb_u64(&b, s->ifindex);
		}
	}
	return mbt_tb_end(&b);
}

const char *
mbt_path_end_name(const struct mbt_path *p)
{
	return p->end == 0 ? "unknown" : mbt_end_name(p->end);
}

size_t
mbt_path_end_where(const struct mbt_path *p, char *buf, size_t size)
{
	struct mbt_textbuf b = {buf, size, 0};
	const struct mbt_step *s;

	if (p->end == 0)
		return mbt_tb_end(&b);
	s = &p->steps[p->end_step];
	if (s->host.len > 0) {
		mbt_tb_put(&b, s->host.ptr, s->host.len);
		if (s->has_ns)
			mbt_tb_put(&b, "/", 1);
	}
	if (!s->has_ns)
		return mbt_tb_end(&b);
	if (s->ns.len > 0)
		mbt_tb_put(&b, s->ns.ptr, s->ns.len);
	else
		mbt_tb_u64(&b, s->ns_id);
	return mbt_tb_end(&b);
}
