/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Classic BPF to eBPF, instruction by instruction, with libpcap's
 * semantics: every packet load is checked against the bytes present (a
 * load outside them rejects the packet), a division by zero rejects,
 * shifts by 32 or more give 0.  A is w2, X is w3, the scratch words M[]
 * live on the stack; the packet is the map value the prologue looks up.
 * Plain C with no libbpf, so it is tested on its own.
 */
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include <string.h>

#include "cbpf_run.h"
#include "cbpf_to_ebpf.h"

enum { R0, R1, R2, R3, R4, R5, R6, R7, R8, R9, R10 };
#define A R2
#define X R3
#define PKT R7	  /* struct mbt_lx_filter_in * */
#define CAPLEN R8 /* bytes of the packet present */
#define MEM_OFF (-64)
#define KEY_OFF (-72)
#define PKT_MAX MBT_LX_FILTER_BYTES
#define ETH_HEADER 14

/* Where a jump goes before the layout is known. */
enum target_kind { T_CBPF, T_REJECT, T_ACCEPT, T_EXIT };

struct fixup {
	size_t at;
	enum target_kind kind;
	size_t pc; /* T_CBPF */
};

struct emitter {
	struct bpf_insn *out;
	size_t cap, len;
	struct fixup fix[MBT_EBPF_MAX_LEN(MBT_CBPF_MAX_INSNS)];
	size_t nfix;
	int error;
};

static void
emit(struct emitter *e, uint8_t code, uint8_t dst, uint8_t src, int16_t off,
    int32_t imm)
{
	if (e->len == e->cap) {
		e->error = -E2BIG;
		return;
	}
	e->out[e->len++] = (struct bpf_insn){.code = code,
	    .dst_reg = dst,
	    .src_reg = src,
	    .off = off,
	    .imm = imm};
}

/* A jump whose offset is filled in later. */
static void
emit_jump(struct emitter *e, uint8_t code, uint8_t dst, uint8_t src,
    int32_t imm, enum target_kind kind, size_t pc)
{
	if (e->nfix < sizeof(e->fix) / sizeof(e->fix[0]))
		e->fix[e->nfix++] = (struct fixup){e->len, kind, pc};
	else
		e->error = -E2BIG;
	emit(e, code, dst, src, 0, imm);
}

static void
reject_unless(struct emitter *e, uint8_t op, uint8_t dst, int32_t imm)
{
	emit_jump(e, BPF_JMP | op | BPF_K, dst, 0, imm, T_REJECT, 0);
}

static void
emit_map_fd(struct emitter *e, uint8_t dst, int fd)
{
	emit(e, BPF_LD | BPF_DW | BPF_IMM, dst, BPF_PSEUDO_MAP_FD, 0, fd);
	emit(e, 0, 0, 0, 0, 0);
}

static uint8_t
ebpf_size(uint32_t size)
{
	return size == 4 ? BPF_W : size == 2 ? BPF_H : BPF_B;
}

/* dst = the size bytes at base + off, big-endian as cBPF reads them. */
static void
load_be(
    struct emitter *e, uint8_t dst, uint8_t base, int16_t off, uint32_t size)
{
	emit(e, BPF_LDX | BPF_MEM | ebpf_size(size), dst, base, off, 0);
	if (size > 1)
		emit(e, BPF_ALU | BPF_END | BPF_TO_BE, dst, 0, 0,
		    (int32_t)size * 8);
}

static int
ld_packet(struct emitter *e, const struct mbt_cbpf_insn *in)
{
	uint32_t size = MBT_CBPF_SIZE(in->code) == 0x00	  ? 4
			: MBT_CBPF_SIZE(in->code) == 0x08 ? 2
							  : 1;

	if (in->k > PKT_MAX - size) { /* never inside the bytes */
		emit_jump(e, BPF_JMP | BPF_JA, 0, 0, 0, T_REJECT, 0);
		return 0;
	}
	if (MBT_CBPF_MODE(in->code) == 0x20) { /* abs: [k] */
		reject_unless(e, BPF_JLT, CAPLEN, (int32_t)(in->k + size));
		load_be(e, A, PKT, (int16_t)in->k, size);
		return 0;
	}
	/* ind: [x + k]; the first check bounds it for the verifier, the
	 * second against the bytes present. */
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R4, X, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R4, 0, 0, (int32_t)in->k);
	reject_unless(e, BPF_JGT, R4, (int32_t)(PKT_MAX - size));
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R5, R4, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R5, 0, 0, (int32_t)size);
	emit_jump(e, BPF_JMP | BPF_JGT | BPF_X, R5, CAPLEN, 0, T_REJECT, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R5, PKT, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, R5, R4, 0, 0);
	load_be(e, A, R5, 0, size);
	return 0;
}

static int
ld(struct emitter *e, const struct mbt_cbpf_insn *in)
{
	uint8_t dst = MBT_CBPF_CLASS(in->code) == 0x01 ? X : A;

	switch (MBT_CBPF_MODE(in->code)) {
	case 0x00: /* imm */
		emit(e, BPF_ALU | BPF_MOV | BPF_K, dst, 0, 0, (int32_t)in->k);
		return 0;
	case 0x80: /* len */
		emit(e, BPF_LDX | BPF_MEM | BPF_W, dst, PKT,
		    offsetof(struct mbt_lx_filter_in, wirelen), 0);
		return 0;
	case 0x60: /* mem */
		if (in->k >= MBT_CBPF_MEMWORDS)
			return -EINVAL;
		emit(e, BPF_LDX | BPF_MEM | BPF_W, dst, R10,
		    (int16_t)(MEM_OFF + 4 * (int)in->k), 0);
		return 0;
	case 0x20: /* abs */
	case 0x40: /* ind */ return dst == A ? ld_packet(e, in) : -EINVAL;
	case 0xa0: /* msh: X = 4 * ([k] & 0xf) */
		if (dst != X)
			return -EINVAL;
		if (in->k >= PKT_MAX) {
			emit_jump(e, BPF_JMP | BPF_JA, 0, 0, 0, T_REJECT, 0);
			return 0;
		}
		reject_unless(e, BPF_JLT, CAPLEN, (int32_t)(in->k + 1));
		emit(e, BPF_LDX | BPF_MEM | BPF_B, X, PKT, (int16_t)in->k, 0);
		emit(e, BPF_ALU | BPF_AND | BPF_K, X, 0, 0, 0xf);
		emit(e, BPF_ALU | BPF_LSH | BPF_K, X, 0, 0, 2);
		return 0;
	default: return -EINVAL;
	}
}

static int
alu(struct emitter *e, const struct mbt_cbpf_insn *in)
{
	uint8_t op = MBT_CBPF_OP(in->code);
	bool x = MBT_CBPF_SRC(in->code) != 0;

	switch (op) {
	case BPF_ADD:
	case BPF_SUB:
	case BPF_MUL:
	case BPF_OR:
	case BPF_AND:
	case BPF_XOR: break;
	case BPF_DIV:
	case BPF_MOD:
		if (!x && in->k == 0)
			return -EINVAL; /* libpcap's validator refuses it too */
		if (x)
			emit_jump(e, BPF_JMP32 | BPF_JEQ | BPF_K, X, 0, 0,
			    T_REJECT, 0);
		break;
	case BPF_LSH:
	case BPF_RSH:
		if (!x && in->k >= 32) {
			emit(e, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
			return 0;
		}
		if (x) { /* A = X < 32 ? A op X : 0 */
			emit(e, BPF_JMP32 | BPF_JLT | BPF_K, X, 0, 2, 32);
			emit(e, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
			emit(e, BPF_JMP | BPF_JA, 0, 0, 1, 0);
		}
		break;
	case BPF_NEG: emit(e, BPF_ALU | BPF_NEG, A, 0, 0, 0); return 0;
	default: return -EINVAL;
	}
	if (x)
		emit(e, BPF_ALU | op | BPF_X, A, X, 0, 0);
	else
		emit(e, BPF_ALU | op | BPF_K, A, 0, 0, (int32_t)in->k);
	return 0;
}

static int
jump(struct emitter *e, const struct mbt_cbpf_insn *in, size_t pc, size_t n)
{
	uint8_t op = MBT_CBPF_OP(in->code);
	size_t t = pc + 1 + in->jt, f = pc + 1 + in->jf;

	if (op == BPF_JA) {
		if (pc + 1 + (size_t)in->k >= n)
			return -EINVAL;
		emit_jump(e, BPF_JMP | BPF_JA, 0, 0, 0, T_CBPF, pc + 1 + in->k);
		return 0;
	}
	if (op != BPF_JEQ && op != BPF_JGT && op != BPF_JGE && op != BPF_JSET)
		return -EINVAL;
	if (t >= n || f >= n)
		return -EINVAL;
	if (MBT_CBPF_SRC(in->code))
		emit_jump(e, BPF_JMP32 | op | BPF_X, A, X, 0, T_CBPF, t);
	else
		emit_jump(
		    e, BPF_JMP32 | op | BPF_K, A, 0, (int32_t)in->k, T_CBPF, t);
	if (f != pc + 1)
		emit_jump(e, BPF_JMP | BPF_JA, 0, 0, 0, T_CBPF, f);
	return 0;
}

static int
translate_one(
    struct emitter *e, const struct mbt_cbpf_insn *in, size_t pc, size_t n)
{
	switch (MBT_CBPF_CLASS(in->code)) {
	case 0x00:
	case 0x01: return ld(e, in);
	case 0x02: /* st */
	case 0x03: /* stx */
		if (in->k >= MBT_CBPF_MEMWORDS)
			return -EINVAL;
		emit(e, BPF_STX | BPF_MEM | BPF_W, R10,
		    MBT_CBPF_CLASS(in->code) == 0x02 ? A : X,
		    (int16_t)(MEM_OFF + 4 * (int)in->k), 0);
		return 0;
	case 0x04: return alu(e, in);
	case 0x05: return jump(e, in, pc, n);
	case 0x06: /* ret: k, or A */
		if (MBT_CBPF_RVAL(in->code) == 0x10)
			emit_jump(e, BPF_JMP32 | BPF_JEQ | BPF_K, A, 0, 0,
			    T_REJECT, 0);
		else if (MBT_CBPF_RVAL(in->code) != 0x00)
			return -EINVAL;
		emit_jump(e, BPF_JMP | BPF_JA, 0, 0, 0,
		    MBT_CBPF_RVAL(in->code) == 0x00 && in->k == 0 ? T_REJECT
								  : T_ACCEPT,
		    0);
		return 0;
	default: /* misc: tax, txa */
		if (MBT_CBPF_MISCOP(in->code) == 0x00)
			emit(e, BPF_ALU | BPF_MOV | BPF_X, X, A, 0, 0);
		else if (MBT_CBPF_MISCOP(in->code) == 0x80)
			emit(e, BPF_ALU | BPF_MOV | BPF_X, A, X, 0, 0);
		else
			return -EINVAL;
		return 0;
	}
}

/* The skb's fields are read in one block into the stack, below M[]. */
#define BLOCK_OFF (-200)
#define BLOCK_MAX 128
#define SKB R9

struct skb_block {
	uint32_t lo, len; /* of the block in struct sk_buff */
};

static struct skb_block
block_of(const struct mbt_skb_layout *l)
{
	const uint32_t off[] = {l->head, l->data, l->tail, l->len, l->protocol,
	    l->network_header, l->mac_header};
	const uint32_t size[] = {8, 8, 4, 4, 2, 2, 2};
	uint32_t lo = UINT32_MAX, hi = 0;

	for (size_t i = 0; i < sizeof(off) / sizeof(off[0]); i++) {
		lo = off[i] < lo ? off[i] : lo;
		hi = off[i] + size[i] > hi ? off[i] + size[i] : hi;
	}
	return (struct skb_block){lo, hi - lo};
}

/* dst = the skb field at offset off, from the block on the stack. */
static void
field(struct emitter *e, uint8_t dst, uint8_t size, uint32_t off,
    struct skb_block b)
{
	emit(e, BPF_LDX | BPF_MEM | size, dst, R10,
	    (int16_t)(BLOCK_OFF + (int)(off - b.lo)), 0);
}

/* A forward jump within the prologue, and where it lands. */
static size_t
jump_ahead(struct emitter *e, uint8_t code, uint8_t dst, uint8_t src, int32_t imm)
{
	emit(e, code, dst, src, 0, imm);
	return e->len - 1;
}

static void
land(struct emitter *e, size_t at)
{
	if (at < e->len)
		e->out[at].off = (int16_t)(e->len - at - 1);
}

/* Exit unless the skb's protocol (in reg) is IPv4 or IPv6. */
static void
ip_only(struct emitter *e, uint8_t reg)
{
	/* htons(0x0800), htons(0x86dd) as the little-endian load sees them */
	emit(e, BPF_JMP | BPF_JEQ | BPF_K, reg, 0, 1, 0x0008);
	emit_jump(e, BPF_JMP | BPF_JNE | BPF_K, reg, 0, 0xdd86, T_EXIT, 0);
}

/*
 * Copy the packet's first bytes into the map, as the hooks' filter_copy()
 * does: from the network header of an IPv4 or IPv6 packet, or from the
 * link header; caplen and wirelen as libpcap would see them.
 *
 * For a link-layer filter, an IP packet with no Ethernet header just
 * before its network header (one this host sends, before its link header
 * is made; one on a tun or IP tunnel device) gets one made up: zero
 * addresses, its protocol as the type.  Its IP terms then mean what they
 * say, its link-layer terms never match.  R6 holds the bytes made up.
 */
static int
copy_from_skb(struct emitter *e, const struct mbt_skb_layout *l, bool link,
    uint32_t bytes)
{
	struct skb_block b = block_of(l);
	size_t to_made_up = 0, to_real[2] = {0, 0}, to_copy = 0;

	if (b.len > BLOCK_MAX)
		return -E2BIG;
	if (link && bytes <= ETH_HEADER)
		return -EINVAL;
	emit(e, BPF_LDX | BPF_MEM | BPF_DW, SKB, R6, 0, 0); /* args[0] */
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R1, R10, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R1, 0, 0, BLOCK_OFF);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_K, R2, 0, 0, (int32_t)b.len);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R3, SKB, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R3, 0, 0, (int32_t)b.lo);
	emit(e, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel);
	emit_jump(e, BPF_JMP | BPF_JNE | BPF_K, R0, 0, 0, T_EXIT, 0);
	/* R5 = data - head, R1 = head, R4 = the header copied from */
	field(e, R5, BPF_DW, l->data, b);
	field(e, R1, BPF_DW, l->head, b);
	emit(e, BPF_ALU64 | BPF_SUB | BPF_X, R5, R1, 0, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_K, R6, 0, 0, 0);
	field(e, R4, BPF_H, l->network_header, b);
	if (link) {
		/* An Ethernet header: the network header or the data (not yet
		 * pulled past it) follows it. */
		field(e, R0, BPF_H, l->mac_header, b);
		to_made_up = jump_ahead(e, BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 0xffff);
		emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R0, 0, 0, ETH_HEADER);
		to_real[0] = jump_ahead(e, BPF_JMP | BPF_JEQ | BPF_X, R0, R4, 0);
		to_real[1] = jump_ahead(e, BPF_JMP | BPF_JEQ | BPF_X, R0, R5, 0);
		land(e, to_made_up);
		field(e, R0, BPF_H, l->protocol, b);
		ip_only(e, R0);
		emit(e, BPF_ST | BPF_MEM | BPF_DW, PKT, 0, 0, 0);
		emit(e, BPF_ST | BPF_MEM | BPF_W, PKT, 0, 8, 0);
		emit(e, BPF_STX | BPF_MEM | BPF_H, PKT, R0, 12, 0);
		emit(e, BPF_ALU64 | BPF_MOV | BPF_K, R6, 0, 0, ETH_HEADER);
		to_copy = jump_ahead(e, BPF_JMP | BPF_JA, 0, 0, 0);
		land(e, to_real[0]);
		land(e, to_real[1]);
		field(e, R4, BPF_H, l->mac_header, b);
		land(e, to_copy);
	} else {
		field(e, R0, BPF_H, l->protocol, b);
		ip_only(e, R0);
	}
	/* The header must lie within the data. */
	field(e, R2, BPF_W, l->tail, b);
	emit_jump(e, BPF_JMP | BPF_JGT | BPF_X, R4, R2, 0, T_EXIT, 0);
	field(e, R3, BPF_W, l->len, b);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, R3, R5, 0, 0); /* data + len */
	emit_jump(e, BPF_JMP | BPF_JGT | BPF_X, R4, R3, 0, T_EXIT, 0);
	emit(e, BPF_ALU64 | BPF_SUB | BPF_X, R3, R4, 0, 0); /* its length */
	/* CAPLEN = min(tail - off, its length, bytes - made up), copied
	 * after what was made up. */
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, CAPLEN, R2, 0, 0);
	emit(e, BPF_ALU64 | BPF_SUB | BPF_X, CAPLEN, R4, 0, 0);
	emit(e, BPF_JMP | BPF_JLE | BPF_X, CAPLEN, R3, 1, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, CAPLEN, R3, 0, 0);
	emit(e, BPF_JMP | BPF_JNE | BPF_K, R6, 0, 3, 0);
	emit(e, BPF_JMP | BPF_JLE | BPF_K, CAPLEN, 0, 4, (int32_t)bytes);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_K, CAPLEN, 0, 0, (int32_t)bytes);
	emit(e, BPF_JMP | BPF_JA, 0, 0, 2, 0);
	emit(e, BPF_JMP | BPF_JLE | BPF_K, CAPLEN, 0, 1,
	    (int32_t)(link ? bytes - ETH_HEADER : bytes));
	emit(e, BPF_ALU64 | BPF_MOV | BPF_K, CAPLEN, 0, 0,
	    (int32_t)(link ? bytes - ETH_HEADER : bytes));
	emit_jump(e, BPF_JMP | BPF_JEQ | BPF_K, CAPLEN, 0, 0, T_EXIT, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, R3, R6, 0, 0); /* wirelen */
	emit(e, BPF_STX | BPF_MEM | BPF_W, PKT, R3,
	    offsetof(struct mbt_lx_filter_in, wirelen), 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R3, R1, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, R3, R4, 0, 0); /* head + off */
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R1, PKT, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, R1, R6, 0, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R2, CAPLEN, 0, 0);
	emit(e, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_probe_read_kernel);
	emit_jump(e, BPF_JMP | BPF_JNE | BPF_K, R0, 0, 0, T_EXIT, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_X, CAPLEN, R6, 0, 0);
	emit(e, BPF_STX | BPF_MEM | BPF_W, PKT, CAPLEN,
	    offsetof(struct mbt_lx_filter_in, caplen), 0);
	return 0;
}

static int
prologue(struct emitter *e, int in_map_fd, const struct mbt_skb_layout *skb,
    bool link, uint32_t bytes)
{
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R6, R1, 0, 0);
	emit(e, BPF_ST | BPF_MEM | BPF_W, R10, 0, KEY_OFF, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, R2, R10, 0, 0);
	emit(e, BPF_ALU64 | BPF_ADD | BPF_K, R2, 0, 0, KEY_OFF);
	emit_map_fd(e, R1, in_map_fd);
	emit(e, BPF_JMP | BPF_CALL, 0, 0, 0, BPF_FUNC_map_lookup_elem);
	emit_jump(e, BPF_JMP | BPF_JEQ | BPF_K, R0, 0, 0, T_EXIT, 0);
	emit(e, BPF_ALU64 | BPF_MOV | BPF_X, PKT, R0, 0, 0);
	if (skb != NULL) {
		int rc = copy_from_skb(e, skb, link, bytes);

		if (rc != 0)
			return rc;
	} else {
		emit(e, BPF_LDX | BPF_MEM | BPF_DW, SKB, R6, 0, 0);
		emit(e, BPF_LDX | BPF_MEM | BPF_W, CAPLEN, PKT,
		    offsetof(struct mbt_lx_filter_in, caplen), 0);
	}
	for (int i = 0; i < MBT_CBPF_MEMWORDS / 2; i++)
		emit(e, BPF_ST | BPF_MEM | BPF_DW, R10, 0,
		    (int16_t)(MEM_OFF + 8 * i), 0);
	emit(e, BPF_ALU | BPF_MOV | BPF_K, A, 0, 0, 0);
	emit(e, BPF_ALU | BPF_MOV | BPF_K, X, 0, 0, 0);
	return 0;
}

/*
 * Which instructions some path reaches, and whether a path runs off the
 * end: the verifier refuses code nothing reaches.  Returns -EINVAL for a
 * jump out of the program.
 */
static int
reachable(
    const struct mbt_cbpf_insn *in, size_t n, bool *reach, bool *falls_off)
{
	memset(reach, 0, n * sizeof(*reach));
	reach[0] = true;
	*falls_off = false;
	for (size_t pc = 0; pc < n; pc++) {
		uint8_t cls = MBT_CBPF_CLASS(in[pc].code);
		size_t next[2] = {pc + 1, pc + 1};

		if (!reach[pc] || cls == 0x06)
			continue;
		if (cls == 0x05 && MBT_CBPF_OP(in[pc].code) == BPF_JA)
			next[0] = next[1] = pc + 1 + (size_t)in[pc].k;
		else if (cls == 0x05)
			next[0] = pc + 1 + in[pc].jt,
			next[1] = pc + 1 + in[pc].jf;
		for (int i = 0; i < 2; i++) {
			if (next[i] < n)
				reach[next[i]] = true;
			else if (cls == 0x05)
				return -EINVAL;
			else
				*falls_off = true;
		}
	}
	return 0;
}

static size_t
count_fixups(const struct emitter *e, enum target_kind kind)
{
	size_t c = 0;

	for (size_t i = 0; i < e->nfix; i++)
		c += e->fix[i].kind == kind;
	return c;
}

int
mbt_cbpf_to_ebpf(const struct mbt_cbpf_insn *in, size_t n, int in_map_fd,
    const struct mbt_skb_layout *skb, bool link, uint32_t bytes,
    struct bpf_insn *out, size_t cap)
{
	static struct emitter e;
	size_t start[MBT_CBPF_MAX_INSNS];
	bool reach[MBT_CBPF_MAX_INSNS], falls_off;
	size_t reject = 0, accept = 0, exit_at;
	size_t nreject, naccept;
	int rc;

	if (n == 0 || n > MBT_CBPF_MAX_INSNS)
		return -EINVAL;
	if ((rc = reachable(in, n, reach, &falls_off)) != 0)
		return rc;
	memset(&e, 0, offsetof(struct emitter, fix));
	e.nfix = 0;
	e.out = out;
	e.cap = cap;
	if (bytes == 0 || bytes > PKT_MAX)
		return -EINVAL;
	if ((rc = prologue(&e, in_map_fd, skb, link, bytes)) != 0)
		return rc;
	for (size_t pc = 0; pc < n; pc++) {
		start[pc] = e.len;
		if (reach[pc] && (rc = translate_one(&e, &in[pc], pc, n)) != 0)
			return rc;
	}
	/* Falling off the end rejects, as in the kernel's classic BPF. */
	if (falls_off)
		emit_jump(&e, BPF_JMP | BPF_JA, 0, 0, 0, T_REJECT, 0);
	nreject = count_fixups(&e, T_REJECT);
	naccept = count_fixups(&e, T_ACCEPT);
	/* A rejection only returns; a match says which skb it was. */
	if (nreject > 0) {
		reject = e.len;
		emit(&e, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
		emit(&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	}
	if (naccept > 0) {
		accept = e.len;
		emit(&e, BPF_ST | BPF_MEM | BPF_W, PKT, 0,
		    offsetof(struct mbt_lx_filter_in, result), 1);
		emit(&e, BPF_STX | BPF_MEM | BPF_DW, PKT, SKB,
		    offsetof(struct mbt_lx_filter_in, start_skb), 0);
	}
	exit_at = e.len;
	emit(&e, BPF_ALU64 | BPF_MOV | BPF_K, R0, 0, 0, 0);
	emit(&e, BPF_JMP | BPF_EXIT, 0, 0, 0, 0);
	if (e.error != 0)
		return e.error;
	for (size_t i = 0; i < e.nfix; i++) {
		const struct fixup *f = &e.fix[i];
		size_t to = f->kind == T_REJECT	  ? reject
			    : f->kind == T_ACCEPT ? accept
			    : f->kind == T_EXIT	  ? exit_at
						  : start[f->pc];
		long off = (long)to - (long)f->at - 1;

		if (off < -32768 || off > 32767)
			return -E2BIG;
		out[f->at].off = (int16_t)off;
	}
	return (int)e.len;
}

uint32_t
mbt_cbpf_bytes_needed(const struct mbt_cbpf_insn *in, size_t n)
{
	uint64_t need = 0, x_max = 4 * 0xf; /* X from MSH only, or 0 */

	for (size_t pc = 0; pc < n; pc++) {
		uint8_t cls = MBT_CBPF_CLASS(in[pc].code);

		if ((cls == 0x01 && MBT_CBPF_MODE(in[pc].code) != 0xa0) ||
		    (cls == 0x07 && MBT_CBPF_MISCOP(in[pc].code) == 0x00))
			x_max = MBT_LX_FILTER_BYTES; /* X may be anything */
	}
	for (size_t pc = 0; pc < n; pc++) {
		uint32_t code = in[pc].code;
		uint64_t size = MBT_CBPF_SIZE(code) == 0x00   ? 4
				: MBT_CBPF_SIZE(code) == 0x08 ? 2
							      : 1;
		uint64_t end = 0;

		if (MBT_CBPF_CLASS(code) == 0x00 && MBT_CBPF_MODE(code) == 0x20)
			end = (uint64_t)in[pc].k + size;
		else if (MBT_CBPF_CLASS(code) == 0x00 &&
			 MBT_CBPF_MODE(code) == 0x40)
			end = (uint64_t)in[pc].k + size + x_max;
		else if (MBT_CBPF_CLASS(code) == 0x01 &&
			 MBT_CBPF_MODE(code) == 0xa0)
			end = (uint64_t)in[pc].k + 1;
		if (end > need)
			need = end;
	}
	/* At least 1: a hook with 0 bytes to show has no IP packet at all. */
	if (need == 0)
		need = 1;
	return need > MBT_LX_FILTER_BYTES ? MBT_LX_FILTER_BYTES
					  : (uint32_t)need;
}
