#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `paths --latency` against waits measured without mbuftrace.  This host's
# kernel has no sch_netem, so the known delay is a token bucket's: a tbf
# qdisc (rate 100 kbit, burst 1500 bytes) on a veth in namespace a, and UDP
# datagrams sent in pairs 0.3 s apart, one from port 7001 then at once one
# from port 7002.  The first finds the bucket full and leaves at once; the
# second must wait until the bucket holds its length again:
#
#     wait = (2 L - burst) / rate,  L = 1042 bytes (Ethernet + IP + UDP +
#     1000) at the qdisc, so (2084 - 1500) / 12500 B/s = 46.72 ms.
#
# The second packet's qdisc wait (steps qdisc_enqueue to qdisc_dequeue)
# must be within 10% of that, and of the gap between the two datagrams'
# kernel receive timestamps (SO_TIMESTAMPNS) that the reader in namespace b
# measured; the first packet's must be under 1 ms; tc's own counters must
# agree on the packets sent and that the second ones were held back.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

P=mbtlat$$
A=${P}a B=${P}b
REC_PID=
PAIRS=10

cleanup() {
	[ -n "$REC_PID" ] && kill -9 "$REC_PID" 2>/dev/null
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip_all() {
	echo "SKIP: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "record needs root (CAP_BPF, CAP_PERFMON)"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
command -v tc >/dev/null || skip_all "no tc (iproute2)"
command -v busybox >/dev/null || skip_all "no busybox (for ping)"
probe=$("$MBT" record --duration 0.1 2>&1 >/dev/null)
case $probe in
*"hooks attached"*) ;;
*) skip_all "this kernel refuses the eBPF programs: $probe" ;;
esac

setup() {
	ip netns add "$A" && ip netns add "$B" || return 1
	ip link add eth0 netns "$A" type veth peer name eth0 netns "$B"
	ip -n "$A" addr add 10.99.0.1/24 dev eth0
	ip -n "$B" addr add 10.99.0.2/24 dev eth0
	for ns in "$A" "$B"; do
		ip -n "$ns" link set lo up && ip -n "$ns" link set eth0 up
	done
	# The neighbour first, so that no packet waits for ARP.
	ip netns exec "$A" busybox ping -c 1 -W 2 10.99.0.2 >/dev/null || return 1
	ip netns exec "$A" tc qdisc add dev eth0 root tbf rate 100kbit \
		burst 1500 limit 30000
}
setup >"$TMP/setup.log" 2>&1 ||
	{ cat "$TMP/setup.log"; skip_all "cannot build the namespaces"; }

# The reader: each datagram's source port and kernel receive time.
ip netns exec "$B" python3 -c '
import socket, struct, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
SO_TIMESTAMPNS = 35  # Linux; the socket module may not name it
s.setsockopt(socket.SOL_SOCKET, SO_TIMESTAMPNS, 1)
s.bind(("10.99.0.2", 7000)); s.settimeout(60)
print("ready", flush=True)
try:
    while True:
        data, anc, _, addr = s.recvmsg(2048, 64)
        for lvl, typ, val in anc:
            if typ == SO_TIMESTAMPNS:
                sec, nsec = struct.unpack("qq", val[:16])
                print(addr[1], sec * 1000000000 + nsec, flush=True)
except socket.timeout:
    pass' >"$TMP/reader.out" 2>&1 &
READER=$!
for _ in $(seq 1 50); do grep -q ready "$TMP/reader.out" && break; sleep 0.1; done

"$MBT" record -w "$TMP/lat.pcap" udp port 7000 2>"$TMP/rec.err" &
REC_PID=$!
for _ in $(seq 1 600); do
	grep -q "hooks attached" "$TMP/rec.err" 2>/dev/null && break
	sleep 0.05
done
ip netns exec "$A" python3 -c '
import socket, sys, time
a = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); a.bind(("10.99.0.1", 7001))
b = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); b.bind(("10.99.0.1", 7002))
for i in range(int(sys.argv[1])):
    a.sendto(b"x" * 1000, ("10.99.0.2", 7000))
    b.sendto(b"y" * 1000, ("10.99.0.2", 7000))
    time.sleep(0.3)' "$PAIRS"
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
REC_PID=
kill "$READER" 2>/dev/null
wait "$READER" 2>/dev/null
ip netns exec "$A" tc -s qdisc show dev eth0 >"$TMP/tc.txt"

"$MBT" paths --latency --json --match "udp src port 7002" "$TMP/lat.pcap" \
	>"$TMP/second.json" 2>"$TMP/second.err"
"$MBT" paths --latency --json --match "udp src port 7001" "$TMP/lat.pcap" \
	>"$TMP/first.json" 2>"$TMP/first.err"

# qdisc_wait FILE KEY: the qdisc wait's KEY (p50_ns, max_ns) of the path
# most of the packets took (-1 if it has none).
qdisc_wait() {
	python3 - "$1" "$2" <<-'PY'
	import json, sys
	d = json.load(open(sys.argv[1]))
	p = max(d["paths"], key=lambda p: p["count"]) if d["paths"] else None
	w = [x for x in (p["waits"] if p else []) if x["wait"] == "qdisc"]
	print(w[0][sys.argv[2]] if len(w) == 1 and w[0]["count"] > 0 else -1)
	PY
}
second=$(qdisc_wait "$TMP/second.json" p50_ns)
first=$(qdisc_wait "$TMP/first.json" max_ns)
computed=46720000
# The reader's gap between each pair's two datagrams, median.
measured=$(python3 - "$TMP/reader.out" <<-'PY'
	import sys
	rows = [l.split() for l in open(sys.argv[1]) if l[0].isdigit()]
	gaps = [int(b[1]) - int(a[1]) for a, b in zip(rows, rows[1:])
	        if a[0] == "7001" and b[0] == "7002"]
	gaps.sort()
	print(gaps[len(gaps) // 2] if gaps else -1)
	PY
)
echo "# qdisc wait: held packets p50 $second ns, first packets max $first ns;" \
	"computed $computed ns, reader measured $measured ns"

within10() { # A B: |A - B| <= B / 10
	python3 -c 'import sys; a, b = int(sys.argv[1]), int(sys.argv[2])
sys.exit(0 if a > 0 and b > 0 and abs(a - b) * 10 <= b else 1)' "$1" "$2"
}
if within10 "$second" "$computed"; then
	ok "qdisc wait of the held packet within 10% of (2L - burst) / rate"
else
	not_ok "qdisc wait of the held packet within 10% of (2L - burst) / rate" \
		"$TMP/second.json"
fi
if within10 "$second" "$measured"; then
	ok "qdisc wait within 10% of the reader's receive-time gap"
else
	not_ok "qdisc wait within 10% of the reader's receive-time gap" \
		"$TMP/reader.out"
fi
if [ "$first" -ge 0 ] && [ "$first" -lt 1000000 ]; then
	ok "the packet that found the bucket full did not wait (< 1 ms)"
else
	not_ok "the packet that found the bucket full did not wait" \
		"$TMP/first.json"
fi
# tc: each pair's second datagram was held back (overlimits counts every
# time the qdisc found too few tokens: once or more a held packet, and IPv6
# and ARP packets may add their own), none dropped, and at least every
# datagram was sent.
sent=$(sed -n 's/.* bytes \([0-9]*\) pkt (dropped 0, overlimits \([0-9]*\) .*/\1 \2/p' \
	"$TMP/tc.txt")
if [ -n "$sent" ] && [ "${sent#* }" -ge "$PAIRS" ] &&
	[ "${sent% *}" -ge $((2 * PAIRS)) ]; then
	ok "tc: $PAIRS packets held back, none dropped, all sent"
else
	not_ok "tc: $PAIRS packets held back, none dropped, all sent" \
		"$TMP/tc.txt"
fi
if python3 - "$TMP/second.json" >"$TMP/keys.out" 2>&1 <<-'PY'; then
	import json, sys
	d = json.load(open(sys.argv[1]))
	p = d["paths"][0]
	assert p["count"] == 10, p["count"]
	assert "latency" not in p["steps"][0]
	for s in p["steps"][1:]:
	    l = s["latency"]
	    assert l["count"] == 10 and l["p50_ns"] <= l["p90_ns"] <= \
	        l["p99_ns"] <= l["max_ns"], s
	names = [w["wait"] for w in p["waits"]]
	assert names == ["qdisc", "backlog"], names
	PY
	ok "JSON: steps after the first have count, p50, p90, p99, max; waits"
else
	not_ok "JSON: steps after the first have count, p50, p90, p99, max; waits" \
		"$TMP/keys.out"
fi
"$MBT" paths --latency "$TMP/lat.pcap" >"$TMP/text.txt" 2>&1
if grep -q "^   wait qdisc  *20 " "$TMP/text.txt"; then
	ok "text: the qdisc wait over all 20 packets"
else
	not_ok "text: the qdisc wait over all 20 packets" "$TMP/text.txt"
fi
# diff --latency: a first packet (A) and a held one (B) of the capture.
fa=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paths"][0]["frames"][0])' "$TMP/first.json")
fb=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["paths"][0]["frames"][0])' "$TMP/second.json")
"$MBT" diff --latency --json "$TMP/lat.pcap" "$fa" "$fb" >"$TMP/diff.json" 2>&1
b_wait=$(python3 -c 'import json,sys
d = json.load(open(sys.argv[1]))["latency"]
print([w["ns"] for w in d["waits_b"] if w["wait"] == "qdisc"][0])' "$TMP/diff.json")
echo "# diff: B qdisc wait ${b_wait:-none}"
if within10 "${b_wait:-0}" "$computed"; then
	ok "diff --latency: B's qdisc wait is the held packet's ($b_wait ns)"
else
	not_ok "diff --latency: B's qdisc wait is the held packet's" "$TMP/diff.json"
fi
"$MBT" graph --latency "$TMP/lat.pcap" >"$TMP/graph.dot" 2>/dev/null
if grep -q 'label="20\\np50 [0-9.]*[mun]*s p99 [0-9.]*[mun]*s"' "$TMP/graph.dot"; then
	ok "graph --latency labels the hop with its p50 and p99"
else
	not_ok "graph --latency labels the hop with its p50 and p99" "$TMP/graph.dot"
fi
finish
