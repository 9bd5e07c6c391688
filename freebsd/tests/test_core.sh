#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# FreeBSD traces as mbuftrace(8) shows them: build/bin/mtrace-sample fills
# the kernel's record buffer as kern_mbuf_trace.c does (a ping between
# vnet jails, an ipfw drop, a copied packet) and encodes it with the same
# code; the text and JSON must say what a FreeBSD user relies on.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

SAMPLE=${MTRACE_SAMPLE:-build/bin/mtrace-sample}
PCAP=$TMP/freebsd.pcap
if ! "$SAMPLE" "$PCAP" >"$TMP/sample.log" 2>&1; then
	not_ok "mtrace-sample writes a capture" "$TMP/sample.log"
	finish
	exit
fi
ok "mtrace-sample writes a capture"

"$MBT" read "$PCAP" >"$TMP/read.txt" 2>&1
check_golden "read: FreeBSD traces as text" "$TMP/read.txt" \
    freebsd/tests/golden/sample.txt

"$MBT" read --json "$PCAP" >"$TMP/read.json" 2>&1
check "json: six v3 traces from FreeBSD" \
    test "$(grep -c '"format":"v3","summary":.*"origin":"freebsd"' \
    "$TMP/read.json")" = 6
check "json: no trace is malformed" \
    sh -c "! grep -q '\"malformed\"' '$TMP/read.json'"
# The ping crosses from jail a to b and back, every record naming its VNET.
check "json: the ping goes a, b, a" \
    sh -c "sed -n 1p '$TMP/read.json' | grep -o '\"ns\":\"[ab]\"' | uniq |
    tr -d '\n' | grep -qx '\"ns\":\"a\"\"ns\":\"b\"\"ns\":\"a\"'"
check "json: every record of the ping names its VNET" \
    test "$(sed -n 1p "$TMP/read.json" | grep -o '"kind":' | wc -l)" = \
    "$(sed -n 1p "$TMP/read.json" | grep -o '"ns":' | wc -l)"
sed -n 2p "$TMP/read.json" | grep -o '"kind":"[a-z]*"[^}]*' | tail -n 1 \
    >"$TMP/last.json"
check "json: the drop's last record says where and why" \
    sh -c "grep -q '\"end\":\"dropped\"' '$TMP/last.json' &&
    grep -q '\"func\":\"ipfw_check_packet\"' '$TMP/last.json' &&
    grep -q '\"reason\":\"ipfw: not passed\"' '$TMP/last.json'"
check "json: the copy names its parent, the parent its child" \
    sh -c "grep -q '\"trace_id\":\"0x301\",\"parent_id\":\"0x300\"' '$TMP/read.json' &&
    grep -q '\"child_trace_id\":\"0x301\"' '$TMP/read.json'"
# pf's state and ipfw's dynamic rule: made by the SYN, matched by the
# SYN-ACK, each with the rule and the key; the route names its FIB.
sed -n 5p "$TMP/read.json" >"$TMP/syn.json"
sed -n 6p "$TMP/read.json" >"$TMP/synack.json"
key='"flow_dir":"in","flow_proto":6,"flow_src":"192.0.2.1","flow_sport":40000,"flow_dst":"192.0.2.2","flow_dport":80'
check "json: the SYN makes pf's state, rule 3, with its key" \
    sh -c "grep -o '\"kind\":\"state\",\"state\":\"created\"[^}]*' '$TMP/syn.json' |
    grep '\"fw\":\"pf\",\"rule\":3,' | grep -qF '$key'"
check "json: the SYN makes ipfw's dynamic rule, rule 200" \
    sh -c "grep -o '\"state\":\"created\"[^}]*' '$TMP/syn.json' |
    grep -q '\"fw\":\"ipfw\",\"rule\":200,'"
check "json: the SYN-ACK matches both states, none is created" \
    sh -c "test \$(grep -o '\"state\":\"matched\"' '$TMP/synack.json' |
    wc -l) = 2 && ! grep -q '\"state\":\"created\"' '$TMP/synack.json'"
check "json: the route names FIB 1" \
    sh -c "grep -q '\"route_table\":1,.*\"route_fib\":1' '$TMP/synack.json'"
check "text: the state's words" \
    grep -q 'pf_create_state state created pf rule 3 in tcp 192.0.2.1:40000 > 192.0.2.2:80$' \
    "$TMP/read.txt"
# tcpdump reads the capture to its end as DLT_USER0 packets.
if command -v tcpdump >/dev/null 2>&1; then
	check "tcpdump reads all six packets" \
	    sh -c "test \$(tcpdump -r '$PCAP' 2>/dev/null |
	    grep -vc '^[[:space:]]') = 6"
else
	skip "tcpdump is not installed"
fi
finish
