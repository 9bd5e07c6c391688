/* SPDX-License-Identifier: BSD-2-Clause */
/*
 * Broken traces, one fault per frame, so that tests see every error the
 * decoder reports; and a large capture for the benchmark.
 */
#include "samples.h"

#include <string.h>

#include "frames.h"
#include "mbuftrace/mbuftrace.h"

static uint8_t buf[MBT_V3_MAX_TRACE_LEN + 256];

static struct mbt_str
S(const char *s) {
	struct mbt_str r = {s, (uint16_t)strlen(s)};

	return r;
}

/* A small valid v3 trace: STRING 1, STRING 2, one POINT event. */
static int
small_v3(void)
{
	struct mbt_v3_info info = {
	    .trace_id = 7, .tail_linktype = MBT_LINKTYPE_NONE};
	struct mbt_record r = {.kind = MBT_KIND_POINT,
	    .has_src = true,
	    .file = S("net/ipv4/ip_input.c"),
	    .line = 565,
	    .func = S("ip_rcv")};
	struct mbt_encoder e;

	mbt_enc_begin(&e, buf, sizeof(buf), &info);
	mbt_enc_event(&e, &r);
	return mbt_enc_finish(&e, 0, 0);
}

static void
put16(uint8_t *p, uint16_t v)
{
	p[0] = (uint8_t)(v >> 8);
	p[1] = (uint8_t)v;
}

static void
put32(uint8_t *p, uint32_t v)
{
	put16(p, (uint16_t)(v >> 16));
	put16(p + 2, (uint16_t)v);
}

/*
 * Offsets inside small_v3(): header 0..47, STRING 1 "net/ipv4/ip_input.c"
 * at 48 (4 + 2 + 19 bytes), STRING 2 "ip_rcv" at 73 (4 + 2 + 6), EVENT at 85
 * with its head at 89 and its SRC attribute at 101.
 */
enum { STR1 = 48, STR2 = 73, EVENT = 85, SRC = 101 };

void
sample_malformed(emit_fn *emit)
{
	static const char *const texts[] = {"/usr/src/sys/net/if.c:1: a"};
	struct frame f;
	int n;

	/* 1: nothing at all; 2: one byte. */
	emit(buf, 0, 0);
	buf[0] = 0;
	emit(buf, 1, 1);
	/* 3: v2 with a record of type 7. */
	memcpy(buf, "\x00\x01\x00\x02\x00\x07hi", 8);
	emit(buf, 8, 8);
	/* 4: v1/v2 whose record length runs past the end. */
	memcpy(buf, "\x00\x01\x00\x40\x00\x01hi\0", 9);
	emit(buf, 9, 9);
	/* 5: v1 text without its NUL, then junk. */
	memcpy(buf,
	    "\x01\x00\x03\x00"
	    "abc"
	    "\x00\x00\x05",
	    10);
	emit(buf, 10, 10);
	/* 6: v3 whose trace_len is larger than the packet. */
	n = small_v3();
	put32(buf + 8, (uint32_t)n + 100);
	emit(buf, (size_t)n, (size_t)n);
	/* 7: v3 with hdr_len 20. */
	n = small_v3();
	buf[5] = 20;
	emit(buf, (size_t)n, (size_t)n);
	/* 8: v3 record running past trace_len. */
	n = small_v3();
	put16(buf + EVENT + 2, 200);
	emit(buf, (size_t)n, (size_t)n);
	/* 9: v3 event referring to an undefined string. */
	n = small_v3();
	put16(buf + SRC + 4, 9);
	emit(buf, (size_t)n, (size_t)n);
	/* 10: v3 string id defined twice. */
	n = small_v3();
	put16(buf + STR2 + 4, 1);
	emit(buf, (size_t)n, (size_t)n);
	/* 11: v3 attribute shorter than its fixed part (SRC of 6 bytes). */
	n = small_v3();
	put16(buf + SRC + 2, 6);
	emit(buf, (size_t)n, (size_t)n);
	/* 12: v3 cut by the capture: 80 of its bytes were kept. */
	n = small_v3();
	emit(buf, 80, (size_t)n);
	/* 13: v3 followed by bytes although it says there is no tail. */
	n = small_v3();
	memset(buf + n, 0xaa, 10);
	emit(buf, (size_t)n + 10, (size_t)n + 10);
	/* 14: v1 cut by the capture inside its packet: still decodes. */
	frame_icmp_echo(&f, "10.0.0.1", "10.0.0.2", 64, 8, 1, 1);
	n = mbt_enc_v1(buf, sizeof(buf), 1, texts, 1, f.b, f.len);
	emit(buf, 40, (size_t)n);
	/* 15: v2 cut by the capture inside its records. */
	memcpy(buf,
	    "\x00\x02\x00\x03\x00\x01"
	    "ab\0"
	    "\x00\x03\x00\x01"
	    "cd\0",
	    16);
	emit(buf, 10, 16);
	/* 16: early v2 (types 1 and 2) cut by the capture in its string. */
	memcpy(buf,
	    "\x00\x02\x00\x03\x00\x02"
	    "ab\0"
	    "\x00\x0e\x00\x01"
	    "\xff\xff\xff\xff\xff\xff\x02\x00\x00\x00\x00\x01\x08\x06",
	    27);
	emit(buf, 15, 27);
	/* 17: types 0 and 2 in one trace: neither v2 layout. */
	memcpy(buf,
	    "\x00\x02\x00\x03\x00\x02"
	    "ab\0"
	    "\x00\x00\x00\x00",
	    13);
	emit(buf, 13, 13);
	/* 18: type 1 only, neither text nor Ethernet (too short): v2 string. */
	memcpy(buf, "\x00\x01\x00\x03\x00\x01\x01\x02\x03", 9);
	emit(buf, 9, 9);
}

/* The benchmark's trace: a forwarded packet, ten records. */
void
sample_bench(unsigned long count, emit_fn *emit)
{
	static const char *const funcs[] = {"__netif_receive_skb_core",
	    "ip_rcv", "ip_rcv_finish", "ip_forward", "ip_forward_finish",
	    "ip_output", "ip_finish_output2", "__dev_queue_xmit"};
	struct frame f;

	frame_icmp_echo(&f, "10.0.1.1", "10.0.2.2", 64, 8, 0x99, 0);
	for (unsigned long i = 0; i < count; i++) {
		struct mbt_v3_info info = {.trace_id = i + 1,
		    .start_ns = 1767132000000000000ull + i * 1000,
		    .origin = MBT_ORIGIN_LINUX,
		    .tail_linktype = MBT_LINKTYPE_NONE};
		struct mbt_record r = {.kind = MBT_KIND_PACKET,
		    .has_packet = true,
		    .linktype = MBT_LINKTYPE_ETHERNET,
		    .orig_len = (uint32_t)f.len,
		    .pkt = f.b,
		    .pkt_len = (uint32_t)f.len,
		    .has_ns = true,
		    .ns_id = 4026532353u,
		    .ns_name = S("r1"),
		    .has_iface = true,
		    .ifindex = 2,
		    .ifname = S("eth0"),
		    .has_time = true,
		    .has_cpu = true};
		struct mbt_encoder e;
		int n;

		f.b[14 + 5] = (uint8_t)i; /* a different IP id per packet */
		mbt_enc_begin(&e, buf, sizeof(buf), &info);
		mbt_enc_event(&e, &r);
		r.has_packet = false;
		r.kind = MBT_KIND_POINT;
		r.detail = MBT_POINT_ENTER;
		r.has_src = true;
		r.file = S("net/ipv4/ip_input.c");
		for (size_t k = 0; k < sizeof(funcs) / sizeof(funcs[0]); k++) {
			r.func = S(funcs[k]);
			r.line = 500 + (uint32_t)k * 10;
			r.time_ns += 1200;
			mbt_enc_event(&e, &r);
		}
		r.kind = MBT_KIND_END;
		r.detail = MBT_END_SENT;
		r.func = S("dev_hard_start_xmit");
		mbt_enc_event(&e, &r);
		n = mbt_enc_finish(&e, 0, 0);
		emit(buf, (size_t)n, (size_t)n);
	}
}
