#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs real tshark with wireshark/mbuf_trace.lua over the prototype's shared
# capture and over generated captures (build/bin/mktrace), and compares the
# fields it shows with golden files checked by eye.
#
#   tests/wireshark/test_lua.sh            check
#   UPDATE_GOLDEN=1 tests/wireshark/test_lua.sh   rewrite the golden files
#                                          (then READ the diff before keeping it)
#
# One line per case, "ok - NAME" or "not ok - NAME", then "N passed, N failed";
# exits non-zero when a case failed.  Missing inputs print "SKIP: ...".

set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
LUA=$ROOT/wireshark/mbuf_trace.lua
GOLDEN=$ROOT/tests/wireshark/golden
SAMPLES="v1-le v1-be v2 v2-early v3 values malformed"

if ! command -v tshark >/dev/null 2>&1; then
	skip "tshark not installed"
	finish
	exit
fi

# ws CAPTURE ARGS...: tshark with the Lua dissector; stdout to $TMP/out,
# stderr (without tshark's root warning) to $TMP/err.  Fails when tshark
# fails or when Lua complained.
ws() {
	local cap=$1
	shift
	tshark -X "lua_script:$LUA" -r "$cap" "$@" >"$TMP/out" 2>"$TMP/err.raw"
	local rc=$?
	grep -v '^Running as user' "$TMP/err.raw" >"$TMP/err"
	if [ "$rc" -ne 0 ]; then
		echo "tshark exited $rc" >>"$TMP/err"
		return 1
	fi
	if grep -qi 'lua' "$TMP/err" || grep -q 'internal error' "$TMP/out"; then
		return 1
	fi
	return 0
}

# The fields every capture is compared on, one line per packet.
FIELDS=(-e frame.number -e mbuf_trace.format -e mbuf_trace.count
	-e mbuf_trace.kind -e mbuf_trace.text -e mbuf_trace.file
	-e mbuf_trace.line -e mbuf_trace.func -e mbuf_trace.ns
	-e mbuf_trace.ifname -e mbuf_trace.trace_id -e mbuf_trace.summary
	-e _ws.expert.message -e _ws.col.Info)

# golden NAME CAPTURE: the capture's fields (and a clean run) against
# golden/NAME.txt.
golden() {
	local name=$1 cap=$2 want=$GOLDEN/$1.txt
	if ! ws "$cap" -T fields -E header=y "${FIELDS[@]}"; then
		not_ok "$name: tshark runs cleanly (exit 0, no Lua error)" "$TMP/err"
		return
	fi
	ok "$name: tshark runs cleanly (exit 0, no Lua error)"
	if [ -n "${UPDATE_GOLDEN:-}" ]; then
		mkdir -p "$GOLDEN"
		cp "$TMP/out" "$want"
		echo "# wrote $want"
	fi
	if [ ! -f "$want" ]; then
		not_ok "$name: fields match golden/$name.txt (missing; UPDATE_GOLDEN=1)"
	elif diff -u "$want" "$TMP/out" >"$TMP/diff"; then
		ok "$name: fields match golden/$name.txt"
	else
		not_ok "$name: fields match golden/$name.txt" "$TMP/diff"
	fi
}

# field CAPTURE FIELD [tshark args]: the field's values, one packet a line.
field() {
	local cap=$1 f=$2
	shift 2
	ws "$cap" -T fields -e "$f" "$@" && cat "$TMP/out"
}

# --- The prototype's real v2 capture. ---------------------------------------
if [ -r "$SHARED_CAPTURE" ]; then
	cap=$SHARED_CAPTURE
	first=$(field "$cap" mbuf_trace.text -c 1 -E occurrence=f)
	want='/usr/src/sys/net/if.c:3982: IFQ_HANDOFF_ADJ(vtnet0)'
	if [ "$first" = "$want" ]; then
		ok "shared: records oldest first (first text is IFQ_HANDOFF_ADJ)"
	else
		echo "got: $first" >"$TMP/why"
		not_ok "shared: records oldest first (first text is IFQ_HANDOFF_ADJ)" "$TMP/why"
	fi
	n=$(field "$cap" frame.number -Y 'mbuf_trace.func == "if_dequeue"' | wc -l)
	if [ "$n" -eq 4 ]; then
		ok "shared: mbuf_trace.func == \"if_dequeue\" selects 4 packets"
	else
		not_ok "shared: mbuf_trace.func == \"if_dequeue\" selects 4 packets (got $n)"
	fi
	field "$cap" arp.opcode -E occurrence=f >"$TMP/arp"
	field "$cap" icmp.type -E occurrence=f >"$TMP/icmp"
	if [ "$(paste -d/ "$TMP/arp" "$TMP/icmp" | tr '\n' ' ')" = "1/ 2/ /0 /0 " ]; then
		ok "shared: Ethernet snapshots dissected (arp.opcode 1, 2; icmp.type 0, 0)"
	else
		paste "$TMP/arp" "$TMP/icmp" >"$TMP/why"
		not_ok "shared: Ethernet snapshots dissected (arp.opcode, icmp.type)" "$TMP/why"
	fi
	n=$(field "$cap" frame.number -Y 'mbuf_trace.format == "v2" && mbuf_trace.count == 8' | wc -l)
	if [ "$n" -eq 4 ]; then
		ok "shared: format v2, 8 records in every packet"
	else
		not_ok "shared: format v2, 8 records in every packet (got $n)"
	fi
	n=$(field "$cap" frame.number -Y '_ws.expert.severity >= warning' | wc -l)
	if [ "$n" -eq 0 ]; then
		ok "shared: no warning or error expert info"
	else
		not_ok "shared: no warning or error expert info (got $n packets)"
	fi
	golden shared "$cap"
else
	echo "SKIP: shared capture not present"
fi

# --- A v3 trace built by hand (not by the C encoder): every event kind, an
# IPv6 gateway, a raw-IP snapshot, an unknown attribute, a line 0, unknown cpu
# and time, and a second trace with an Ethernet tail.  The dump is the whole
# pcap, written once by a throwaway script.
xxd -r -p >"$TMP/lua-v3-kinds.pcap" <<'EOF'
d4c3b2a10200040000000000000000000000040093000000604b546900000000e1030000e1030000feed4d54033000000000
03e1000000000000000000001001000000000000000018861d30fb39c000ffff020000000000000100060001657468300001
000400026831000200880300000100000000000003e8000300060000000200010004000a00000000f00001b9000200050060
00010000005a02000000000102000000000208004500004c00010000400100000a0001010a0002020800f7ff000000000000
0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000010010
00036e65742f636f72652f6465762e630001001200045f5f6465765f71756575655f786d6974000200300101000100000000
000003e800010008000300040000117c000300060000000200010004000a00000000f00001b9000200010004000572310002
00240600000100000000000003e8000300060000000200010004000a00000000f00002010005000200210800000100000000
000003e800080011000000fe0000000300000000040a0002020002001d0800000100000000000003e80008000d000000fe00
000000ffffff9b000002002d0800000100000000000003e80008001d000000fe00000003000000000620010db80000000000
00000000000001000100150006696e65742f66696c7465722f666f72776172640002001c0401000100000000000003e80006
000c0300000600000000000000040001001100076e65742f697076342f69636d702e630001000a000869636d705f72637600
0200280100000100000000000003e80001000800070008000004c50002000c6563686f207265717565737400020020020000
0100000000000003e800020010706c61696e2074657874206576656e740001001000094e455446494c5445525f44524f5000
0200160502000100000000000003e8000700060000000600090001000f000a7379732f6e65742f6270662e630001000a000b
6270665f6d746170000200240900000100000000000003e800010008000a000b000009880009000800000000000020020002
00620300000100000000000003e80005005200650000004c4500004c00010000400100000a0001010a0002020800f7ff0000
0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
00010005000c782e6300010003000d660002001f0100ffffffffffffffffffff0063000378797a00010008000c000d000000
0000010016000e6e65742f6e657466696c7465722f636f72652e630001000e000f6e665f686f6f6b5f736c6f770002002207
04000100000000000003e800010008000e000f0000026e00070006000000060009614b546900000000fd000000fd000000fe
ed4d5403300000000000a3000000000000000000001001000000000000000018861d30fb39c0000001020000000000000100
1800017379732f6e6574696e65742f69705f696e7075742e630001000a000269705f696e7075740001000900036570616972
30620001000400046a32000200300101000100000000000003e80001000800010002000001cc000300060000000400030004
000a0000000000000003000402000000000102000000000208004500004c00010000400100000a0001010a0002020800f7ff
0000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000000
0000
EOF
golden lua-v3-kinds "$TMP/lua-v3-kinds.pcap"

# --- Captures from the C sample generator. ---------------------------------
if [ ! -x "$MKTRACE" ] && [ -f tests/tools/mktrace.c ]; then
	make -s build/bin/mktrace >"$TMP/make.log" 2>&1 ||
		not_ok "build build/bin/mktrace" "$TMP/make.log"
fi
for s in $SAMPLES; do
	if [ ! -x "$MKTRACE" ]; then
		echo "SKIP: sample $s: $MKTRACE not built"
		continue
	fi
	if ! "$MKTRACE" "$s" "$TMP/$s.pcap" >"$TMP/mk.log" 2>&1; then
		not_ok "mktrace $s" "$TMP/mk.log"
		continue
	fi
	golden "$s" "$TMP/$s.pcap"
done

# FreeBSD's firewall states and FIBs (build/bin/mtrace-sample): every
# record's words as the library writes them, and the state's fields.
SAMPLE=${MTRACE_SAMPLE:-$ROOT/build/bin/mtrace-sample}
if [ -x "$SAMPLE" ] && "$SAMPLE" "$TMP/freebsd.pcap" >/dev/null 2>&1; then
	"$MBT" read "$TMP/freebsd.pcap" |
		sed -En 's/^ *\+[0-9.]+ cpu[0-9]+ [^ ]+ +//p' >"$TMP/fb.c"
	ws "$TMP/freebsd.pcap" -V &&
		sed -n 's/^    Record: //p' "$TMP/out" >"$TMP/fb.lua"
	check "freebsd: Lua words every record as mbuftrace read does" \
		diff -u "$TMP/fb.c" "$TMP/fb.lua"
	check "freebsd: Lua shows the state's words and the FIB" \
		sh -c "grep -q 'state created pf rule 3 in tcp 192.0.2.1:40000 > 192.0.2.2:80\$' '$TMP/fb.lua' &&
		grep -q 'route fib 1 via 192.0.2.254 oif 3\$' '$TMP/fb.lua'"
	n=$(field "$TMP/freebsd.pcap" mbuf_trace.flow.dport -Y 'mbuf_trace.kind == "state"' |
		tr ',' '\n' | grep -c '^80$')
	if [ "$n" -eq 4 ]; then
		ok "freebsd: mbuf_trace.flow.dport is 80 in the 4 state records"
	else
		not_ok "freebsd: mbuf_trace.flow.dport is 80 in the 4 state records (got $n)"
	fi
else
	echo "SKIP: freebsd sample: $SAMPLE not built"
fi
# Typed values: the Lua words are the library's, record for record, and
# each value is a field a display filter can select.
if [ -f "$TMP/values.pcap" ]; then
	"$MBT" read --json "$TMP/values.pcap" |
		python3 -c 'import json,sys
for l in sys.stdin:
    for r in json.loads(l)["records"]: print(r["text"])' >"$TMP/lib-words"
	ws "$TMP/values.pcap" -T fields -e mbuf_trace.summary -E occurrence=a \
		-E aggregator='|' && tr '|' '\n' <"$TMP/out" >"$TMP/lua-words"
	check "values: the Lua dissector's words are lib/record_text.c's" \
		diff -u "$TMP/lib-words" "$TMP/lua-words"
	n=$(field "$TMP/values.pcap" frame.number -Y 'mbuf_trace.value.qdisc_handle == 65536 &&
		mbuf_trace.value.icmp_type == 3 && mbuf_trace.value.neigh_addr == "10.0.2.98" &&
		mbuf_trace.value.dev_kind == "veth" && mbuf_trace.value.return == -22' | wc -l)
	m=$(field "$TMP/values.pcap" frame.number -Y 'mbuf_trace.value.pid == 4321 &&
		mbuf_trace.value.neigh_addr == "fe80::2" && mbuf_trace.value.unknown' | wc -l)
	if [ "$n" -eq 1 ] && [ "$m" -eq 1 ]; then
		ok "values: fields mbuf_trace.value.* select their packets"
	else
		not_ok "values: fields mbuf_trace.value.* select their packets ($n, $m of 1, 1)"
	fi
fi

# Both byte orders of v1 decode to the same records.
if [ -f "$TMP/v1-le.pcap" ] && [ -f "$TMP/v1-be.pcap" ]; then
	ws "$TMP/v1-le.pcap" -T fields "${FIELDS[@]}" && cp "$TMP/out" "$TMP/le"
	ws "$TMP/v1-be.pcap" -T fields "${FIELDS[@]}" && cp "$TMP/out" "$TMP/be"
	check "v1: little- and big-endian samples show the same fields" \
		diff -u "$TMP/le" "$TMP/be"
fi

# The early v2 layout: format v2, layout v2-early, but for the trace of
# strings alone, which is the later layout (docs/format.md).
if [ -f "$TMP/v2-early.pcap" ]; then
	field "$TMP/v2-early.pcap" mbuf_trace.layout | tr '\n' ' ' >"$TMP/layouts"
	if [ "$(cat "$TMP/layouts")" = "v2-early v2-early v2-early v2 " ]; then
		ok "v2-early: layouts v2-early x3, then v2 for type-1 strings"
	else
		not_ok "v2-early: layouts v2-early x3, then v2 for type-1 strings" "$TMP/layouts"
	fi
	n=$(field "$TMP/v2-early.pcap" frame.number -Y 'eth && (arp || icmp)' | wc -l)
	if [ "$n" -eq 3 ]; then
		ok "v2-early: type 1 records dissected as Ethernet (ARP, ICMP)"
	else
		not_ok "v2-early: type 1 records dissected as Ethernet (got $n of 3)"
	fi
fi

# Well-formed samples decode without a fault of ours (the frames inside are
# judged by their own dissectors and are not this test's business).
for c in v1-le v1-be v2 v2-early v3 values lua-v3-kinds; do
	[ -f "$TMP/$c.pcap" ] || continue
	n=$(field "$TMP/$c.pcap" frame.number \
		-Y 'mbuf_trace.malformed || mbuf_trace.truncated || mbuf_trace.snapshot' | wc -l)
	if [ "$n" -eq 0 ]; then
		ok "$c: no malformed/truncated expert info"
	else
		not_ok "$c: no malformed/truncated expert info (got $n packets)"
	fi
done

# Broken traces: every packet but the empty one says what and where.
if [ -f "$TMP/malformed.pcap" ]; then
	cap=$TMP/malformed.pcap
	total=$(field "$cap" frame.number | wc -l)
	n=$(field "$cap" frame.number -Y 'mbuf_trace.malformed || mbuf_trace.truncated || mbuf_trace.snapshot' | wc -l)
	if [ "$total" -gt 0 ] && [ "$n" -eq "$total" ]; then
		ok "malformed: every packet has expert info ($n of $total)"
	else
		not_ok "malformed: every packet has expert info ($n of $total)"
	fi
	n=$(field "$cap" _ws.expert.message -Y 'mbuf_trace.malformed || mbuf_trace.truncated' |
		grep -c 'record -\?[0-9]*, offset [0-9]')
	if [ "$n" -ge 1 ]; then
		ok "malformed: expert messages name the record and byte offset"
	else
		not_ok "malformed: expert messages name the record and byte offset"
	fi
fi

# Broken traces of every layout, corrupted in many ways: the Lua dissector
# shows what it can, raises no Lua error and never takes tshark down.
for s in v1-le v2 v2-early v3; do
	"$MKTRACE" "$s" "$TMP/clean-$s.pcap"
	python3 tests/tools/corrupt_pcap.py "$TMP/clean-$s.pcap" \
		"$TMP/corrupt-$s.pcap" 40 >/dev/null
	if ws "$TMP/corrupt-$s.pcap" -V && ! grep -qi "dissector bug" "$TMP/out"; then
		ok "corrupted $s traces: no Lua error, tshark survives them"
	else
		not_ok "corrupted $s traces: no Lua error, tshark survives them" "$TMP/err"
	fi
done

# A journey merged from three hosts' captures: each record names its host
# (HOST attribute) and the hosts' clock offsets as merge solved them.
mkdir -p "$TMP/journey" && "$ROOT/build/bin/mkjourney" "$TMP/journey" >/dev/null &&
	"$MBT" merge "$TMP"/journey/h[123].pcap -w "$TMP/journey.pcap" 2>/dev/null
if ws "$TMP/journey.pcap" -T fields -e mbuf_trace.host \
	-e mbuf_trace.host.clock_offset &&
	head -n 1 "$TMP/out" | grep -qE '^h1(,h1)*,h2(,h2)*,h3(,h3)*	0,-5000200000,3200200000$'; then
	ok "journey: every record's host and each host's clock offset"
else
	not_ok "journey: every record's host and each host's clock offset" "$TMP/out"
fi

finish
