/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * One step of a classic BPF machine (the programs libpcap compiles tcpdump
 * expressions into), written once for both sides: the eBPF programs run it
 * in the kernel from a bpf_loop() callback, and the unit test runs the same
 * code against libpcap's own pcap_offline_filter().  Classic BPF jumps only
 * forward, so a program of n instructions ends within n steps.
 *
 * Semantics follow libpcap's bpf_filter.c: a load outside the captured
 * bytes, a division by zero or an unknown instruction rejects the packet.
 */
#ifndef MBT_LINUX_CBPF_RUN_H
#define MBT_LINUX_CBPF_RUN_H

#include "record_event.h"

/* Packet bytes the filter sees; a power of two, so a mask bounds an index. */
#define MBT_CBPF_PKT_MAX 256
#define MBT_CBPF_MAX_INSNS 512
#define MBT_CBPF_MEMWORDS 16

/* Instruction classes and fields, as <pcap/bpf.h> defines them. */
#define MBT_CBPF_CLASS(c) ((c)&0x07)
#define MBT_CBPF_SIZE(c) ((c)&0x18)
#define MBT_CBPF_MODE(c) ((c)&0xe0)
#define MBT_CBPF_OP(c) ((c)&0xf0)
#define MBT_CBPF_SRC(c) ((c)&0x08)
#define MBT_CBPF_RVAL(c) ((c)&0x18)
#define MBT_CBPF_MISCOP(c) ((c)&0xf8)

struct mbt_cbpf_vm {
	mbt_u32 a, x, pc;
	mbt_u32 result; /* when done: bytes to keep; 0 = reject */
	mbt_u32 done;
	mbt_u32 mem[MBT_CBPF_MEMWORDS];
};

static inline int
mbt_cbpf_load(
    const mbt_u8 *pkt, mbt_u32 caplen, mbt_u32 off, mbt_u32 size, mbt_u32 *val)
{
	mbt_u32 v = 0;

	if (off >= caplen || size > caplen - off || off >= MBT_CBPF_PKT_MAX ||
	    size > MBT_CBPF_PKT_MAX - off)
		return -1;
	for (mbt_u32 i = 0; i < 4 && i < size; i++)
		v = v << 8 | pkt[(off + i) & (MBT_CBPF_PKT_MAX - 1)];
	*val = v;
	return 0;
}

static inline mbt_u32
mbt_cbpf_reject(struct mbt_cbpf_vm *vm)
{
	vm->result = 0;
	vm->done = 1;
	return 1;
}

/* The value of a jump or ALU instruction's operand: K or X. */
static inline mbt_u32
mbt_cbpf_operand(const struct mbt_cbpf_vm *vm, const struct mbt_cbpf_insn *in)
{
	return MBT_CBPF_SRC(in->code) ? vm->x : in->k;
}

static inline int
mbt_cbpf_alu(struct mbt_cbpf_vm *vm, const struct mbt_cbpf_insn *in)
{
	mbt_u32 v = mbt_cbpf_operand(vm, in);

	switch (MBT_CBPF_OP(in->code)) {
	case 0x00: vm->a += v; break;
	case 0x10: vm->a -= v; break;
	case 0x20: vm->a *= v; break;
	case 0x30:
		if (v == 0)
			return mbt_cbpf_reject(vm);
		vm->a /= v;
		break;
	case 0x90:
		if (v == 0)
			return mbt_cbpf_reject(vm);
		vm->a %= v;
		break;
	case 0x40: vm->a |= v; break;
	case 0x50: vm->a &= v; break;
	case 0xa0: vm->a ^= v; break;
	case 0x60: vm->a = v < 32 ? vm->a << v : 0; break;
	case 0x70: vm->a = v < 32 ? vm->a >> v : 0; break;
	case 0x80: vm->a = -vm->a; break;
	default: return mbt_cbpf_reject(vm);
	}
	return 0;
}

static inline int
mbt_cbpf_jump(struct mbt_cbpf_vm *vm, const struct mbt_cbpf_insn *in)
{
	mbt_u32 v = mbt_cbpf_operand(vm, in);
	int taken;

	switch (MBT_CBPF_OP(in->code)) {
	case 0x00: vm->pc += in->k; return 0; /* ja */
	case 0x10: taken = vm->a == v; break;
	case 0x20: taken = vm->a > v; break;
	case 0x30: taken = vm->a >= v; break;
	case 0x40: taken = (vm->a & v) != 0; break;
	default: return mbt_cbpf_reject(vm);
	}
	vm->pc += taken ? in->jt : in->jf;
	return 0;
}

/* Loads into A (class LD) or X (class LDX). */
static inline int
mbt_cbpf_ld(struct mbt_cbpf_vm *vm, const struct mbt_cbpf_insn *in,
    const mbt_u8 *pkt, mbt_u32 caplen, mbt_u32 wirelen)
{
	mbt_u32 size = MBT_CBPF_SIZE(in->code) == 0x00	 ? 4
		       : MBT_CBPF_SIZE(in->code) == 0x08 ? 2
							 : 1;
	int to_x = MBT_CBPF_CLASS(in->code) == 0x01;
	mbt_u32 v, off;

	switch (MBT_CBPF_MODE(in->code)) {
	case 0x00: v = in->k; break;   /* imm */
	case 0x80: v = wirelen; break; /* len */
	case 0x60:		       /* mem */
		v = vm->mem[in->k & (MBT_CBPF_MEMWORDS - 1)];
		if (in->k >= MBT_CBPF_MEMWORDS)
			return mbt_cbpf_reject(vm);
		break;
	case 0x20: /* abs */
	case 0x40: /* ind */
		if (to_x)
			return mbt_cbpf_reject(vm);
		off = in->k;
		if (MBT_CBPF_MODE(in->code) == 0x40) {
			off = vm->x + in->k;
			if (off < vm->x) /* wrapped around */
				return mbt_cbpf_reject(vm);
		}
		if (mbt_cbpf_load(pkt, caplen, off, size, &v) != 0)
			return mbt_cbpf_reject(vm);
		break;
	case 0xa0: /* msh: X = 4 * (P[k] & 0xf) */
		if (!to_x || mbt_cbpf_load(pkt, caplen, in->k, 1, &v) != 0)
			return mbt_cbpf_reject(vm);
		v = (v & 0xf) << 2;
		break;
	default: return mbt_cbpf_reject(vm);
	}
	if (to_x)
		vm->x = v;
	else
		vm->a = v;
	return 0;
}

/*
 * Execute the instruction at vm->pc (the caller fetched it as *in).
 * Returns 1 when the program is done (vm->result says the verdict).
 */
static inline int
mbt_cbpf_step(struct mbt_cbpf_vm *vm, const struct mbt_cbpf_insn *in,
    const mbt_u8 *pkt, mbt_u32 caplen, mbt_u32 wirelen)
{
	vm->pc++;
	switch (MBT_CBPF_CLASS(in->code)) {
	case 0x00: /* ld */
	case 0x01: /* ldx */ return mbt_cbpf_ld(vm, in, pkt, caplen, wirelen);
	case 0x02: /* st */
	case 0x03: /* stx */
		if (in->k >= MBT_CBPF_MEMWORDS)
			return mbt_cbpf_reject(vm);
		vm->mem[in->k & (MBT_CBPF_MEMWORDS - 1)] =
		    MBT_CBPF_CLASS(in->code) == 0x02 ? vm->a : vm->x;
		return 0;
	case 0x04: /* alu */ return mbt_cbpf_alu(vm, in);
	case 0x05: /* jmp */ return mbt_cbpf_jump(vm, in);
	case 0x06: /* ret */
		vm->result = MBT_CBPF_RVAL(in->code) == 0x10 ? vm->a : in->k;
		vm->done = 1;
		return 1;
	default: /* misc */
		if (MBT_CBPF_MISCOP(in->code) == 0x00)
			vm->x = vm->a; /* tax */
		else if (MBT_CBPF_MISCOP(in->code) == 0x80)
			vm->a = vm->x; /* txa */
		else
			return mbt_cbpf_reject(vm);
		return 0;
	}
}

#endif /* MBT_LINUX_CBPF_RUN_H */
