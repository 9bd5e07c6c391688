/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * nftables' netlink messages, read field by field with every length
 * checked against what holds it.  Layout (netlink(7), nfnetlink): a 16-byte
 * nlmsghdr, a 4-byte nfgenmsg whose first byte is the table's family, then
 * attributes of a 2-byte length (header included) and a 2-byte type, each
 * padded to 4 bytes; numbers in nftables' attributes are big-endian.
 */
#include <errno.h>
#include <string.h>

#include "nft_parse.h"

#define NLMSG_HDR 16
#define NFGEN_HDR 4
#define NLA_HDR 4
#define NLA_TYPE_MASK 0x3fff /* without NLA_F_NESTED, NLA_F_NET_BYTEORDER */
#define ALIGN4(n) (((n) + 3) & ~(size_t)3)

/* Attribute numbers of <linux/netfilter/nf_tables.h>. */
enum {
	TRACE_TABLE = 1,
	TRACE_CHAIN,
	TRACE_RULE_HANDLE,
	TRACE_TYPE,
	TRACE_VERDICT,
	TRACE_ID,
	TRACE_LL_HEADER,
	TRACE_NETWORK_HEADER,
	TRACE_TRANSPORT_HEADER,
	TRACE_IIF,
	TRACE_IIFTYPE,
	TRACE_OIF,
};
enum { VERDICT_CODE = 1, VERDICT_CHAIN };
enum { CHAIN_TABLE = 1, CHAIN_HANDLE, CHAIN_NAME, CHAIN_HOOK };
enum { HOOK_HOOKNUM = 1 };

static uint16_t
get16(const uint8_t *p)
{
	return (uint16_t)(p[0] | p[1] << 8); /* netlink headers: host (LE) */
}

static uint32_t
be32(const uint8_t *p)
{
	return (uint32_t)p[0] << 24 | (uint32_t)p[1] << 16 |
	       (uint32_t)p[2] << 8 | p[3];
}

static uint64_t
be64(const uint8_t *p)
{
	return (uint64_t)be32(p) << 32 | be32(p + 4);
}

int
mbt_nft_next(const uint8_t *buf, size_t size, size_t *off, const uint8_t **msg,
    size_t *len)
{
	uint32_t n;

	if (*off >= size)
		return 0;
	if (size - *off < NLMSG_HDR)
		return -EINVAL;
	memcpy(&n, buf + *off, 4);
	if (n < NLMSG_HDR || n > size - *off)
		return -EINVAL;
	*msg = buf + *off;
	*len = n;
	*off += ALIGN4(n) < size - *off ? ALIGN4(n) : size - *off;
	return 1;
}

uint16_t
mbt_nft_type(const uint8_t *msg)
{
	return get16(msg + 4);
}

/* An attribute walk over [p, p + size): next one, or NULL at the end or
 * at one that does not fit (*bad set). */
struct attr {
	uint16_t type;
	const uint8_t *data;
	size_t len;
};

static bool
next_attr(const uint8_t **p, size_t *size, struct attr *a, bool *bad)
{
	size_t n, step;

	if (*size < NLA_HDR) {
		*bad = *bad || *size != 0;
		return false;
	}
	n = get16(*p);
	if (n < NLA_HDR || n > *size) {
		*bad = true;
		return false;
	}
	a->type = get16(*p + 2) & NLA_TYPE_MASK;
	a->data = *p + NLA_HDR;
	a->len = n - NLA_HDR;
	step = ALIGN4(n) < *size ? ALIGN4(n) : *size;
	*p += step;
	*size -= step;
	return true;
}

/* A string attribute into out (cut to fit, always terminated). */
static void
copy_str(char *out, size_t size, const struct attr *a)
{
	size_t n = strnlen((const char *)a->data, a->len);

	if (n >= size)
		n = size - 1;
	memcpy(out, a->data, n);
	out[n] = '\0';
}

/* The attributes after the nfgenmsg, with the family it names. */
static int
payload(const uint8_t *msg, size_t len, const uint8_t **p, size_t *size,
    uint8_t *family)
{
	if (len < NLMSG_HDR + NFGEN_HDR)
		return -EINVAL;
	*family = msg[NLMSG_HDR];
	*p = msg + NLMSG_HDR + NFGEN_HDR;
	*size = len - NLMSG_HDR - NFGEN_HDR;
	return 0;
}

static bool
parse_verdict(const struct attr *v, struct mbt_lx_rule *r)
{
	const uint8_t *p = v->data;
	size_t size = v->len;
	bool bad = false, code = false;
	struct attr a;

	while (next_attr(&p, &size, &a, &bad)) {
		if (a.type == VERDICT_CODE && a.len == 4) {
			r->verdict = (int32_t)be32(a.data);
			code = true;
		} else if (a.type == VERDICT_CHAIN) {
			copy_str(r->target, sizeof(r->target), &a);
		}
	}
	return !bad && code;
}

static void
copy_header(uint8_t *out, uint8_t *out_len, size_t cap, const struct attr *a)
{
	size_t n = a->len < cap ? a->len : cap;

	memcpy(out, a->data, n);
	*out_len = (uint8_t)n;
}

int
mbt_nft_parse_trace(const uint8_t *msg, size_t len, struct mbt_lx_rule *r)
{
	const uint8_t *p;
	size_t size;
	bool bad = false, have_id = false, have_type = false;
	struct attr a;

	memset(r, 0, sizeof(*r));
	r->verdict = 1; /* a policy or rule without a verdict lets it pass */
	if (mbt_nft_type(msg) != MBT_NFT_TYPE_TRACE ||
	    payload(msg, len, &p, &size, &r->family) != 0)
		return -EINVAL;
	while (next_attr(&p, &size, &a, &bad)) {
		switch (a.type) {
		case TRACE_TABLE:
			copy_str(r->table, sizeof(r->table), &a);
			break;
		case TRACE_CHAIN:
			copy_str(r->chain, sizeof(r->chain), &a);
			break;
		case TRACE_RULE_HANDLE:
			if (a.len != 8)
				return -EINVAL;
			r->handle = be64(a.data);
			break;
		case TRACE_TYPE:
			if (a.len != 4)
				return -EINVAL;
			r->type = (uint8_t)be32(a.data);
			have_type = true;
			break;
		case TRACE_VERDICT:
			if (!parse_verdict(&a, r))
				return -EINVAL;
			break;
		case TRACE_ID:
			if (a.len != 4)
				return -EINVAL;
			r->nft_id = be32(a.data);
			have_id = true;
			break;
		case TRACE_NETWORK_HEADER:
			copy_header(
			    r->nethdr, &r->nethdr_len, sizeof(r->nethdr), &a);
			break;
		case TRACE_TRANSPORT_HEADER:
			copy_header(r->thdr, &r->thdr_len, sizeof(r->thdr), &a);
			break;
		case TRACE_IIF:
		case TRACE_OIF:
			if (a.len != 4)
				return -EINVAL;
			*(a.type == TRACE_IIF ? &r->iif : &r->oif) =
			    be32(a.data);
			break;
		default: break; /* marks, link headers, newer attributes */
		}
	}
	return bad || !have_id || !have_type ? -EINVAL : 0;
}

int
mbt_nft_parse_chain(const uint8_t *msg, size_t len, struct mbt_nft_chain *c)
{
	const uint8_t *p, *hp;
	size_t size, hsize;
	bool bad = false;
	struct attr a, h;

	memset(c, 0, sizeof(*c));
	c->hook = -1;
	if (mbt_nft_type(msg) != MBT_NFT_TYPE_NEWCHAIN ||
	    payload(msg, len, &p, &size, &c->family) != 0)
		return -EINVAL;
	while (next_attr(&p, &size, &a, &bad)) {
		if (a.type == CHAIN_TABLE)
			copy_str(c->table, sizeof(c->table), &a);
		else if (a.type == CHAIN_NAME)
			copy_str(c->name, sizeof(c->name), &a);
		if (a.type != CHAIN_HOOK)
			continue;
		hp = a.data;
		hsize = a.len;
		while (next_attr(&hp, &hsize, &h, &bad))
			if (h.type == HOOK_HOOKNUM && h.len == 4)
				c->hook = (int)(be32(h.data) & 0xff);
	}
	return bad || c->name[0] == '\0' ? -EINVAL : 0;
}

uint8_t
mbt_nft_hook_place(uint8_t family, int hook)
{
	enum { NFPROTO_NETDEV_ = 5 };

	if (family == NFPROTO_NETDEV_) /* 0 ingress, 1 egress */
		return hook == 0   ? MBT_LX_HOOK_INGRESS
		       : hook == 1 ? MBT_LX_HOOK_EGRESS
				   : MBT_LX_HOOK_UNKNOWN;
	switch (hook) { /* NF_INET_*, the same numbers for bridge */
	case 0:
	case 5: return MBT_LX_HOOK_INGRESS; /* 5: inet's ingress */
	case 1:
	case 2: return MBT_LX_HOOK_ROUTED;
	case 3:
	case 4: return MBT_LX_HOOK_EGRESS;
	default: return MBT_LX_HOOK_UNKNOWN;
	}
}
