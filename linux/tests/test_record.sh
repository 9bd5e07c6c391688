#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end: `mbuftrace record` on this kernel, in a topology of network
# namespaces made here and removed on exit (even on failure):
#
#   h1 eth0 ---- eth0 r1 eth1 ---- p1 [br0 in sw] p2 ---- eth0 h2
#   10.0.1.1/24      (router,            (bridge)        10.0.2.2/24
#   fd00:1::1/64      nftables)                          fd00:2::2/64
#
# r1 forwards and drops UDP to port 9999 with a rule that also sets
# nftrace.  Traffic goes only between these namespaces.  Assertions are
# on --json output, on `mbuftrace read` and on tshark.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

P=mbtrec$$
H1=${P}h1 R1=${P}r1 SW=${P}sw H2=${P}h2
REC_PID=

cleanup() {
	[ -n "$REC_PID" ] && kill -9 "$REC_PID" 2>/dev/null
	for ns in "$H1" "$R1" "$SW" "$H2" "${P}mv"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. linux/tests/record_lib.sh
record_can_run nft

in_ns() {
	ip netns exec "$@"
}

topology() {
	ip netns add "$H1" && ip netns add "$R1" && ip netns add "$SW" &&
		ip netns add "$H2" || return 1
	ip link add eth0 netns "$H1" type veth peer name eth0 netns "$R1"
	ip link add eth1 netns "$R1" type veth peer name p1 netns "$SW"
	ip link add eth0 netns "$H2" type veth peer name p2 netns "$SW"
	ip -n "$SW" link add br0 type bridge
	ip -n "$SW" link set p1 master br0
	ip -n "$SW" link set p2 master br0
	for l in p1 p2 br0 lo; do ip -n "$SW" link set "$l" up; done
	# No DAD: addresses are usable at once and no stray NDP is traced.
	for ns in "$H1" "$R1" "$H2"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 \
			net.ipv6.conf.default.accept_dad=0
	done
	ip -n "$H1" addr add 10.0.1.1/24 dev eth0
	ip -n "$H1" addr add fd00:1::1/64 dev eth0 nodad
	ip -n "$R1" addr add 10.0.1.254/24 dev eth0
	ip -n "$R1" addr add fd00:1::fe/64 dev eth0 nodad
	ip -n "$R1" addr add 10.0.2.254/24 dev eth1
	ip -n "$R1" addr add fd00:2::fe/64 dev eth1 nodad
	ip -n "$H2" addr add 10.0.2.2/24 dev eth0
	ip -n "$H2" addr add fd00:2::2/64 dev eth0 nodad
	for ns in "$H1" "$R1" "$H2"; do
		for l in $(ip -n "$ns" -o link show | awk -F': ' '{print $2}' |
			sed 's/@.*//'); do
			ip -n "$ns" link set "$l" up
		done
	done
	ip -n "$H1" route add default via 10.0.1.254
	ip -n "$H1" -6 route add default via fd00:1::fe
	ip -n "$H2" route add default via 10.0.2.254
	ip -n "$H2" -6 route add default via fd00:2::fe
	in_ns "$R1" sysctl -qw net.ipv4.ip_forward=1 net.ipv6.conf.all.forwarding=1
	in_ns "$R1" nft -f - <<-'EOF'
		table inet mbt {
			chain forward {
				type filter hook forward priority 0;
				udp dport 9999 meta nftrace set 1 drop
			}
		}
	EOF
	# Learn neighbours now, so that no ARP or NDP is traced later.
	in_ns "$H1" busybox ping -c 3 -i 0.2 -w 5 10.0.2.2 >/dev/null &&
		in_ns "$H1" busybox ping -6 -c 3 -i 0.2 -w 5 fd00:2::2 >/dev/null
}

topology >"$TMP/topology.log" 2>&1 ||
	{ cat "$TMP/topology.log"; skip_all "cannot build the topology"; }

# start_record OUT ARGS...: record in the background until it is ready.
start_record() {
	local out=$1
	shift
	"$MBT" record $RECORD_ARGS "$@" >"$out" 2>"$out.err" &
	REC_PID=$!
	# Attaching takes seconds in an emulated VM (fentry: half a minute).
	for _ in $(seq 1 1800); do
		grep -q "hooks attached" "$out.err" 2>/dev/null && return 0
		kill -0 "$REC_PID" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

# wait_ready FILE: until a helper process wrote "ready" there (5 s at most).
wait_ready() {
	for _ in $(seq 1 50); do
		grep -q ready "$1" && return
		sleep 0.1
	done
}

# tcp_sink PORT: a TCP server in h2 that reads one connection to its end,
# in the background (SINK_PID) once it listens.
tcp_sink() {
	in_ns "$H2" python3 -c 'import socket, sys
s = socket.socket(); s.bind(("10.0.2.2", int(sys.argv[1]))); s.listen(1)
s.settimeout(120); sys.stdout.write("ready\n"); sys.stdout.flush()
c, _ = s.accept()
while c.recv(65536): pass' "$1" >"$TMP/sink$1.out" 2>&1 &
	SINK_PID=$!
	wait_ready "$TMP/sink$1.out"
}

# stop_record: SIGINT, and wait for the summary.
stop_record() {
	sleep 0.3
	kill -INT "$REC_PID" 2>/dev/null
	wait "$REC_PID"
	local rc=$?
	REC_PID=
	return $rc
}

# query NAME FILE PYTHON: ok when the expression, over `traces` (the JSON
# objects with records) and `summary`, is true.  `path(t)` is the list of
# (ns, func, kind) of a trace's records; `ns_order(t)` the namespaces in
# the order first visited.
# needs_hook HOOK FILE NAME: true when the run in FILE had HOOK; else the
# check NAME is skipped, saying which kernel tracepoint it needs.
needs_hook() {
	if python3 -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if "summary" in d and "records" not in d:
        sys.exit(sys.argv[2] in d["summary"].get("hooks_missing", []))
' "$2" "$1"; then
		return 0
	fi
	skip "$3: this kernel has no $1 tracepoint (Linux 6.3 and later have it)"
	return 1
}

query() {
	local name=$1 file=$2 expr=$3
	if python3 - "$file" "$expr" >"$TMP/query.out" 2>&1 <<-'EOF'; then
		import json, platform, re, sys
		# Before 6.3 consume_skb did not say where it was called.
		kernel = tuple(int(x) for x in
		               re.match(r"(\d+)\.(\d+)", platform.release()).groups())
		consumer = lambda f: f if kernel >= (6, 3) else "consume_skb"
		traces, summary = [], None
		for line in open(sys.argv[1]):
		    d = json.loads(line)
		    if "summary" in d and "records" not in d:
		        summary = d["summary"]
		    else:
		        traces.append(d)
		def path(t):
		    return [(r.get("ns", ""), r.get("func", ""), r["kind"])
		            for r in t["records"]]
		def ns_order(t):
		    seen = []
		    for r in t["records"]:
		        n = re.sub("^mbtrec[0-9]+", "", r.get("ns", ""))
		        if n and (not seen or seen[-1] != n) and n not in seen:
		            seen.append(n)
		    return seen
		def last(t):
		    # The end, which returns after it may follow; else the last.
		    ends = [r for r in t["records"] if r["kind"] == "end"]
		    rest = [r for r in t["records"] if r["kind"] != "packet"]
		    return ends[0] if ends else rest[-1]
		ok = eval(sys.argv[2])
		if not ok:
		    print("false:", sys.argv[2])
		    for t in traces:
		        print(t.get("summary"), ns_order(t), last(t).get("text"))
		    print("summary:", summary)
		sys.exit(0 if ok else 1)
	EOF
		ok "$name"
	else
		cat "$file.err" >>"$TMP/query.out" 2>/dev/null
		not_ok "$name" "$TMP/query.out"
	fi
}

# 1. A ping's request, from h1 through the router and the bridge to h2.
start_record "$TMP/ping.json" --json -c 2 icmp and host 10.0.1.1
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
wait "$REC_PID"
REC_PID=
query "ping: the request goes h1 -> r1 -> sw -> h2, ends consumed in h2" \
	"$TMP/ping.json" \
	'any("echo request" in t["summary"] and ns_order(t) == ["h1", "r1", "sw", "h2"] and last(t)["kind"] == "end" and last(t)["end"] == "consumed" and last(t)["ns"].endswith("h2") for t in traces)'
query "ping: the router's route lookup is in the request's trace" \
	"$TMP/ping.json" \
	'any("echo request" in t["summary"] and any(r["kind"] == "route" and r["ns"].endswith("r1") and r.get("route_table") == 254 for r in t["records"]) for t in traces)'
query "ping: r1's lookup names the interface it found, eth1, by index and name" \
	"$TMP/ping.json" \
	'any("echo request" in t["summary"] and any(r["kind"] == "route" and r["ns"].endswith("r1") and re.search(r"oif [0-9]+ \(eth1\)$", r["text"]) for r in t["records"]) for t in traces)'
query "ping: a snapshot where the router forwarded it, with the TTL down" \
	"$TMP/ping.json" \
	'any("echo request" in t["summary"] and any(r["kind"] == "packet" and r["ns"].endswith("r1") and "ttl 64 -> 63" in r.get("changes", "") for r in t["records"]) for t in traces)'
query "ping: the reply is its own trace, back to h1" "$TMP/ping.json" \
	'any("echo reply" in t["summary"] and ns_order(t) == ["h2", "sw", "r1", "h1"] for t in traces)'
query "ping: -c 2 stops after two packets' traces (copies' come too), and says so" \
	"$TMP/ping.json" \
	'len([t for t in traces if not t.get("parent_id")]) == 2 and summary["stop"] == "count" and summary["events_lost"] == 0'

# 1b. busybox ping reads its replies on a raw socket: raw_rcv() clones
# each reply for it, and the reply itself goes on to ping_rcv(), which
# drops it (no ping socket).  The clone is a child trace, delivered.
start_record "$TMP/raw.json" --json --duration 3 icmp and host 10.0.1.1
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
stop_record
needs_hook sk_data_ready "$TMP/raw.json" "raw socket's clone" &&
query "raw socket: the reply's clone is a child, delivered to the raw socket in h1" \
	"$TMP/raw.json" \
	'any("echo reply" in p["summary"] and any(t.get("parent_id") == p["trace_id"] and last(t)["end"] == "delivered" and last(t)["ns"].endswith("h1") and "raw socket" in last(t)["text"] for t in traces) for p in traces)'

# 1c. tcpdump in h2: its AF_PACKET tap's copy of the reply (a clone
# made as h2 sends it) is a child trace that says it is a capture tap's,
# for tools to hide.
if command -v tcpdump >/dev/null; then
	in_ns "$H2" tcpdump -i eth0 -c 2 -w /dev/null icmp >"$TMP/tcpdump.out" 2>&1 &
	dumper=$!
	for _ in $(seq 1 50); do
		grep -q listening "$TMP/tcpdump.out" && break
		sleep 0.1
	done
	start_record "$TMP/tap.json" --json --duration 3 icmp and host 10.0.1.1
	in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
	stop_record
	kill "$dumper" 2>/dev/null
	wait "$dumper" 2>/dev/null
	needs_hook sk_data_ready "$TMP/tap.json" "tcpdump's copy" &&
	query "tcpdump's copy of the reply h2 sends: a child, a capture tap's" \
		"$TMP/tap.json" \
		'any("echo reply" in p["summary"] and any(t.get("parent_id") == p["trace_id"] and last(t)["ns"].endswith("h2") and "capture tap" in last(t)["text"] for t in traces) for p in traces)'
else
	skip "tcpdump's copy: no tcpdump"
fi

# 2. The nftables rule drops UDP to 9999 in the router.
start_record "$TMP/drop.json" --json -c 1 udp port 9999
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/9999'
wait "$REC_PID"
REC_PID=
query "drop: ends dropped in r1 by netfilter, with the reason named" \
	"$TMP/drop.json" \
	'len(traces) == 1 and last(traces[0])["end"] == "dropped" and last(traces[0])["ns"].endswith("r1") and last(traces[0])["reason"] == "NETFILTER_DROP" and ns_order(traces[0]) == ["h1", "r1"]'

# 3. --nftrace starts only at packets a rule marked: the ping is not one.
start_record "$TMP/nftrace.json" --json --nftrace
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/9999'
stop_record
query "--nftrace: only the marked packet, dropped in r1" "$TMP/nftrace.json" \
	'len(traces) == 1 and "9999" in traces[0]["summary"] and last(traces[0])["end"] == "dropped" and last(traces[0])["ns"].endswith("r1")'
query "--nftrace: the rule that dropped it, merged from nftables' trace" \
	"$TMP/nftrace.json" \
	'[(r["fw"], r["table"], r["verdict"]) for r in traces[0]["records"] if r["kind"] == "rule"] == [("nftables", "inet/mbt/forward", "drop")] and all(r["ns"].endswith("r1") for r in traces[0]["records"] if r["kind"] == "rule") and summary["nft_verdicts"] == 1'

# 3b. The same to a file: `mbuftrace expect` checks the rule on the path.
start_record "$TMP/nftrace.out" -w "$TMP/nftrace.pcap" -c 1 --nftrace
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/9999'
wait "$REC_PID"
REC_PID=
check "--nftrace -w: expect finds the path through nft:inet/mbt/forward" \
	"$MBT" expect "$TMP/nftrace.pcap" --in-order --through "$R1:eth0" \
	--through nft:inet/mbt/forward --ends "dropped@$R1"

# 3c. --nftrace with the rule in h2's input chain: the packets are marked
# after the last hook a trace starts at, on their way to a socket; their
# traces start there.
in_ns "$H2" nft -f - <<-'EOF'
	table inet mbtin {
		chain input {
			type filter hook input priority 0;
			udp dport 5353 meta nftrace set 1 accept
		}
	}
EOF
in_ns "$H2" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.2", 5353)); s.settimeout(120); sys.stdout.write("ready\n")
sys.stdout.flush(); s.recv(100); s.recv(100)' >"$TMP/mdns.out" 2>&1 &
listener=$!
wait_ready "$TMP/mdns.out"
start_record "$TMP/nftin.json" --json --nftrace
for _ in 1 2; do in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/5353'; done
wait "$listener"
stop_record
in_ns "$H2" nft delete table inet mbtin
needs_hook sk_data_ready "$TMP/nftin.json" "--nftrace, input chain" &&
query "--nftrace, input chain: both datagrams, delivered in h2, with the rule" \
	"$TMP/nftin.json" \
	'len(traces) == 2 and all(".5353:" in t["summary"] and last(t)["end"] == "delivered" and last(t)["ns"].endswith("h2") and [(r["table"], r["verdict"]) for r in t["records"] if r["kind"] == "rule"] == [("inet/mbtin/input", "pass")] for t in traces)'

# 4. UDP to a closed port: h2 answers with an ICMP port unreachable.
start_record "$TMP/closed.json" --json -c 1 udp port 7001
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/7001'
wait "$REC_PID"
REC_PID=
query "closed port: icmp_send type 3 code 3 in h2, then the end" \
	"$TMP/closed.json" \
	'any(r.get("func") == "icmp_send" and r["text"].endswith("type 3 code 3") and r["ns"].endswith("h2") for r in traces[0]["records"]) and last(traces[0])["kind"] == "end" and last(traces[0])["ns"].endswith("h2")'

# 4b. UDP to a socket that listens: delivered to it in h2.
in_ns "$H2" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.2", 7002)); s.settimeout(120); sys.stdout.write("ready\n")
sys.stdout.flush(); s.recv(100)' >"$TMP/listen.out" 2>&1 &
listener=$!
wait_ready "$TMP/listen.out"
start_record "$TMP/deliver.json" --json -c 1 udp port 7002
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/7002'
wait "$REC_PID"
REC_PID=
wait "$listener"
# (Kernels without the tracepoint sk_data_ready see it consumed when read,
# where UDP has reused the skb's device field: no namespace is known.)
query "listening port: delivered to the socket in h2" "$TMP/deliver.json" \
	'len(traces) == 1 and ns_order(traces[0])[-1] == "h2" and ((last(traces[0])["end"] == "delivered" and last(traces[0])["func"] == "sk_data_ready" and last(traces[0])["ns"].endswith("h2")) if "sk_data_ready" not in summary["hooks_missing"] else last(traces[0])["end"] == "consumed")'

# 4b2. A macvlan on h2's eth0, in a namespace of its own: the datagram
# leaves h2's eth0 for the macvlan with no hook, and is delivered in the
# macvlan's namespace, which its end says.
MV=${P}mv
if ip netns add "$MV" 2>/dev/null &&
	ip -n "$H2" link add mv0 link eth0 type macvlan mode bridge &&
	ip -n "$H2" link set mv0 netns "$MV" &&
	ip -n "$MV" addr add 10.0.2.3/24 dev mv0 &&
	ip -n "$MV" link set mv0 up && ip -n "$MV" link set lo up; then
	in_ns "$MV" python3 -c 'import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.bind(("10.0.2.3", 7004)); s.settimeout(120); sys.stdout.write("ready\n")
sys.stdout.flush(); s.recv(100)' >"$TMP/mv.out" 2>&1 &
	listener=$!
	wait_ready "$TMP/mv.out"
	in_ns "$H1" busybox ping -c1 -W2 10.0.2.3 >/dev/null # (neighbours)
	start_record "$TMP/macvlan.json" --json -c 1 udp port 7004
	in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.3/7004'
	wait "$REC_PID"
	REC_PID=
	wait "$listener"
	# (Without sk_data_ready, before 6.3, it is seen consumed when read.)
	query "macvlan: delivered in the macvlan's namespace, not its parent's" \
		"$TMP/macvlan.json" \
		'len(traces) == 1 and last(traces[0])["end"] == ("delivered" if "sk_data_ready" not in summary["hooks_missing"] else "consumed") and last(traces[0])["ns"].endswith("mv")'
else
	not_ok "macvlan: a macvlan on h2's eth0 in a namespace of its own"
fi
ip netns del "$MV" 2>/dev/null

# 4c. Lineage: r1 asks for 10.0.2.99 with a broadcast, which the bridge in
# sw floods to h2 and to itself: one of the two is a copy of the other.
start_record "$TMP/copy.json" --json --duration 3 arp and host 10.0.2.99
in_ns "$R1" busybox ping -c1 -W1 10.0.2.99 >/dev/null 2>&1
stop_record
query "lineage: the flooded copy is a child trace, named in its original" \
	"$TMP/copy.json" \
	'any(t.get("parent_id") == p["trace_id"] and any(r["kind"] == "copy" and r["ns"].endswith("sw") and r.get("child_trace_id") == t["trace_id"] for r in p["records"]) for t in traces for p in traces)'

# 4c2. A mixed expression: the ARP requests r1 broadcasts and h1's ping
# waiting for them both match "icmp or arp" (libpcap compiles it for raw
# IP too, with "arp" never true there).
start_record "$TMP/mixed.json" --json --duration 3 \
	"(icmp and host 10.0.2.97) or (arp and host 10.0.2.97)"
in_ns "$H1" busybox ping -c1 -W1 10.0.2.97 >/dev/null 2>&1
stop_record
query "icmp or arp: both the ping and its ARP requests are traced" \
	"$TMP/mixed.json" \
	'any("ARP" in t["summary"] for t in traces) and any("ICMP echo request" in t["summary"] for t in traces)'
grep -q "read on Ethernet frames" "$TMP/mixed.json.err"
check "icmp or arp: says which packets can never match" test $? -eq 0

# 4e. A next hop that never answers: the packet waits in r1's neighbour
# queue, then is dropped when resolution fails (3 probes, 1 s apart).
start_record "$TMP/neigh.json" --json --duration 8 icmp and host 10.0.2.98
in_ns "$H1" busybox ping -c1 -W1 10.0.2.98 >/dev/null 2>&1
sleep 2.5 # the probes' 3 s, from the ping's start
stop_record
query "neighbour: queued in r1 while 10.0.2.98 resolves, then NEIGH_FAILED" \
	"$TMP/neigh.json" \
	'any("echo request" in t["summary"] and any(r.get("func") == "neigh_event_send" and r["ns"].endswith("r1") and "neighbour 10.0.2.98 INCOMPLETE: queued" in r["text"] for r in t["records"]) and last(t).get("reason") == "NEIGH_FAILED" for t in traces)'

# 4d. Lineage of fragments: r1 fragments a 1400-byte datagram for a
# 1280-byte link (IPv6's least, which keeps its addresses); each
# fragment is a child of the datagram's trace.
ip -n "$R1" link set eth1 mtu 1280
start_record "$TMP/frag.json" --json --duration 3 udp port 7200
in_ns "$H1" python3 -c 'import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, 10, 0)  # IP_MTU_DISCOVER: IP_PMTUDISC_DONT
s.sendto(b"x" * 1400, ("10.0.2.2", 7200))'
stop_record
ip -n "$R1" link set eth1 mtu 1500
query "lineage: r1's two fragments are children of the datagram's trace" \
	"$TMP/frag.json" \
	'len(traces) == 3 and [t.get("parent_id") for t in traces[1:]] == [traces[0]["trace_id"]] * 2 and last(traces[0])["func"] == consumer("ip_do_fragment") and [r["child_trace_id"] for r in traces[0]["records"] if r["kind"] == "copy"] == [t["trace_id"] for t in traces[1:]]'

# 4f. Lineage of segments: with segmentation offload off on r1's eth1, a
# TCP super-packet from h1 is cut into segments there, after it is freed;
# the segments are children of its trace, delivered in h2.
if command -v ethtool >/dev/null; then
	in_ns "$R1" ethtool -K eth1 tso off gso off
	tcp_sink 7300
	start_record "$TMP/gso.json" --json --duration 4 \
		tcp dst port 7300 and greater 2000
	in_ns "$H1" python3 -c 'import socket
s = socket.create_connection(("10.0.2.2", 7300))
s.sendall(b"y" * 20000); s.close()'
	stop_record
	in_ns "$R1" ethtool -K eth1 tso on gso on
	query "lineage: segments cut in r1 are children of their super-packet" \
		"$TMP/gso.json" \
		'any(any(r["kind"] == "end" and r.get("func", "").startswith(consumer("validate_xmit_skb")) for r in p["records"]) and len([t for t in traces if t.get("parent_id") == p["trace_id"] and "length 1448" in t["summary"] and last(t).get("end") == "delivered" and ns_order(t)[-1] == "h2"]) >= 2 for p in traces)'
else
	skip "lineage of segments: no ethtool to turn segmentation offload off"
fi

# 4h. GRO: with segmentation offload off in h1 and GRO on r1's eth0, r1
# merges h1's TCP segments; each merged one's trace ends there (GRO frees
# it without a tracepoint), none is left open, and the packets GRO made
# go on to h2.  (Without sk_data_ready, before 6.3, a segment TCP merges
# into its socket's queue in h2 is freed unseen: its trace stays open.)
if command -v ethtool >/dev/null; then
	in_ns "$H1" ethtool -K eth0 tso off gso off
	in_ns "$R1" ethtool -K eth0 gro on
	tcp_sink 7301
	start_record "$TMP/gro.json" --json tcp dst port 7301 and greater 1000
	in_ns "$H1" python3 -c 'import socket
s = socket.create_connection(("10.0.2.2", 7301))
s.sendall(b"g" * 200000); s.close()'
	wait "$SINK_PID" # it has read everything
	stop_record
	in_ns "$H1" ethtool -K eth0 tso on gso on
	in_ns "$R1" ethtool -K eth0 gro off
	query "GRO: merged segments end in r1, none left open, merged ones reach h2" \
		"$TMP/gro.json" \
		'all(last(t)["kind"] == "end" or ("sk_data_ready" in summary["hooks_missing"] and ns_order(t)[-1] == "h2") for t in traces) and any(last(t)["func"] == "napi_gro_receive" and last(t)["ns"].endswith("r1") and "merged" in last(t)["text"] for t in traces) and any(ns_order(t)[-1] == "h2" and last(t)["kind"] == "end" and last(t)["end"] == "delivered" for t in traces)'
else
	skip "GRO: no ethtool to turn segmentation offload off"
fi

# 4g. Lineage of a rebuild: with an XDP program on r1's eth0, veth copies
# each packet from h1 into a new skb with room for XDP and frees the old
# one.  Traces start in h1 only: the copy is followed as its child.
if ip -n "$R1" link set dev eth0 xdp obj build/linux/xdp_pass.bpf.o \
	sec xdp 2>"$TMP/xdp.err"; then
	start_record "$TMP/xdp.json" --json -i "eth0@$H1" \
		icmp and src host 10.0.1.1
	in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
	stop_record
	ip -n "$R1" link set dev eth0 xdp off
	query "lineage: veth's copy for XDP is a child, followed to h2" \
		"$TMP/xdp.json" \
		'len(traces) == 2 and ns_order(traces[0]) == ["h1", "r1"] and last(traces[0])["end"] == "consumed" and traces[1].get("parent_id") == traces[0]["trace_id"] and ns_order(traces[1]) == ["r1", "sw", "h2"] and any(r["kind"] == "copy" and "a copy made before it was freed" in r["text"] for r in traces[0]["records"])'
else
	not_ok "lineage of a rebuild: an XDP program on r1's eth0" "$TMP/xdp.err"
fi

# 5. -i: the trace starts where asked, not where the packet was first.
start_record "$TMP/iface.json" --json -c 1 -i "eth0@$R1" icmp and host 10.0.1.1
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
wait "$REC_PID"
REC_PID=
# h1's veth driver returns (net_dev_xmit) after the packet entered r1: that
# record is later than the start and belongs to the trace.
query "-i eth0@r1: starts in r1, nothing from h1 but the driver's return" \
	"$TMP/iface.json" \
	'len(traces) == 1 and "echo request" in traces[0]["summary"] and ns_order(traces[0])[0] == "r1" and all(r.get("func") == "net_dev_xmit" for r in traces[0]["records"] if r.get("ns", "").endswith("h1"))'

# 6. The expression selects exactly what it should.
start_record "$TMP/expr.json" --json "udp dst port 7777 and src host 10.0.1.1"
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
for port in 7777 7778 7777; do
	in_ns "$H1" bash -c "echo x >/dev/udp/10.0.2.2/$port"
done
in_ns "$H2" bash -c 'echo x >/dev/udp/10.0.1.1/7777'
stop_record
query "expression: the two UDP packets to 7777 from h1, nothing else" \
	"$TMP/expr.json" \
	'len(traces) == 2 and all("10.0.1.1" in t["summary"] and ".7777:" in t["summary"] for t in traces)'

# 6b. The same with the filter interpreted in the kernel, not translated.
MBUFTRACE_INTERPRET=1 start_record "$TMP/interp.json" --json \
	"udp dst port 7777 and src host 10.0.1.1"
for port in 7777 7778; do
	in_ns "$H1" bash -c "echo x >/dev/udp/10.0.2.2/$port"
done
in_ns "$H2" bash -c 'echo x >/dev/udp/10.0.1.1/7777'
stop_record
query "expression, interpreted: the UDP packet to 7777 from h1 only" \
	"$TMP/interp.json" \
	'len(traces) == 1 and ".7777:" in traces[0]["summary"] and "interpreted" not in summary["hooks_missing"] and "MBUFTRACE_INTERPRET" in summary["hooks_missing"]'

# 6c. --mark: an nftables rule in h1 marks UDP to 7003; only that starts.
in_ns "$H1" nft -f - <<-'EOF'
	table inet mbtmark {
		chain out {
			type filter hook output priority 0;
			udp dport 7003 meta mark set 0x42
		}
	}
EOF
start_record "$TMP/mark.json" --json --mark 0x42/0xff
for port in 7003 7004; do
	in_ns "$H1" bash -c "echo x >/dev/udp/10.0.2.2/$port"
done
stop_record
query "--mark 0x42/0xff: only the marked packet" "$TMP/mark.json" \
	'len(traces) == 1 and ".7003:" in traces[0]["summary"] and ns_order(traces[0])[0] == "h1"'

# 6d. --pid: packets one process sends, not another's.
# The process sends once record is ready (the file go exists).
in_ns "$H1" python3 -c 'import os, socket, sys, time
sys.stdout.write("ready %d\n" % os.getpid()); sys.stdout.flush()
for _ in range(1200):
    if os.path.exists(sys.argv[1]): break
    time.sleep(0.05)
socket.socket(socket.AF_INET, socket.SOCK_DGRAM).sendto(b"x", ("10.0.2.2", 7005))' \
	"$TMP/go" >"$TMP/sender.out" 2>&1 &
sender=$!
wait_ready "$TMP/sender.out"
start_record "$TMP/pid.json" --json --pid "$(awk '{print $2}' "$TMP/sender.out")"
in_ns "$H1" bash -c 'echo x >/dev/udp/10.0.2.2/7005'
touch "$TMP/go"
wait "$sender"
stop_record
query "--pid: only what that process sent" "$TMP/pid.json" \
	'len(traces) == 1 and ".7005:" in traces[0]["summary"]'

# 7. IPv6, through the router.
start_record "$TMP/v6.json" --json -c 1 icmp6 and src host fd00:1::1 and ip6[40] = 128
in_ns "$H1" busybox ping -6 -c1 -W2 fd00:2::2 >/dev/null
wait "$REC_PID"
REC_PID=
query "IPv6: the echo request goes h1 -> r1 -> sw -> h2" "$TMP/v6.json" \
	'len(traces) == 1 and ns_order(traces[0]) == ["h1", "r1", "sw", "h2"] and any(r["kind"] == "route" and r["ns"].endswith("r1") for r in traces[0]["records"])'

# 8. -w: a pcap that mbuftrace read and tshark decode.
start_record "$TMP/ping.pcap" -w "$TMP/ping.pcap" -c 2 icmp and host 10.0.1.1
in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
wait "$REC_PID"
REC_PID=
"$MBT" read --json "$TMP/ping.pcap" >"$TMP/read.json" 2>&1
query "-w: mbuftrace read decodes both packets' traces, with no fault" \
	"$TMP/read.json" \
	'len([t for t in traces if not t.get("parent_id")]) == 2 and all(t.get("error") is None and t["format"] == "v3" for t in traces)'
if command -v tshark >/dev/null; then
	n=$(tshark -r "$TMP/ping.pcap" -T fields -e frame.len 2>/dev/null | wc -l)
	check "-w: tshark reads every trace (the ping's two, a copy's)" \
		test "$n" -eq "$(grep -c '"records"' "$TMP/read.json")"
	check "-w: tshark with our dissector sees the trace" \
		bash -c "tshark -X lua_script:wireshark/mbuf_trace.lua -r '$TMP/ping.pcap' -Y 'mbuf_trace.func == \"netif_receive_skb\"' 2>/dev/null | grep -q ."
	# Ready when it says so (attaching takes seconds in an emulated VM),
	# and never waiting for ever for a packet that came too soon.
	"$MBT" record $RECORD_ARGS -w - -c 1 --duration 30 \
		icmp and host 10.0.1.1 2>"$TMP/stream.err" |
		tshark -r - -T fields -e frame.len >"$TMP/stream.txt" 2>/dev/null &
	for _ in $(seq 1 300); do
		grep -q "hooks attached" "$TMP/stream.err" 2>/dev/null && break
		sleep 0.05
	done
	in_ns "$H1" busybox ping -c1 -W2 10.0.2.2 >/dev/null
	wait
	check "-w -: streams to tshark -r -" \
		test "$(grep -c '^[0-9][0-9]*$' "$TMP/stream.txt")" -eq 1
else
	skip "tshark is not installed"
fi

# 9. Nothing stays attached after SIGKILL: the links die with the process.
# Our links are the ones whose fds the process holds (their fdinfo says
# link_id), so other tracers running meanwhile do not count.
start_record "$TMP/kill.out" icmp
ours=$(grep -h '^link_id:' /proc/"$REC_PID"/fdinfo/* 2>/dev/null |
	awk '{print $2}' | sort -n | tr '\n' ' ')
kill -9 "$REC_PID"
wait "$REC_PID" 2>/dev/null
REC_PID=
left=$(bpftool -j link show 2>/dev/null | python3 -c 'import json, sys
ours = set(map(int, sys.argv[1].split()))
print(" ".join(str(l["id"]) for l in json.load(sys.stdin) if l["id"] in ours))' \
	"$ours")
check "SIGKILL: the process held links (${ours:-none}), none is left (${left:-none})" \
	test -n "$ours" -a -z "$left"

# 10. Without privileges: refused, saying which.
if command -v setpriv >/dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$MBT" record icmp >"$TMP/unpriv.out" 2>&1
	rc=$?
	check "unprivileged: exit 2 (cannot run) naming CAP_BPF" \
		bash -c "[ $rc -eq 2 ] && grep -q 'CAP_BPF' '$TMP/unpriv.out'"
	setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
		"$MBT" record --json icmp >"$TMP/unpriv.json" 2>/dev/null
	check "unprivileged --json: the error is JSON on stdout" \
		python3 -c "import json,sys; d=json.load(open('$TMP/unpriv.json')); e=d['error']; sys.exit('CAP_BPF' not in e['message'] or e['code'] != 2)"
fi

# 11. --duration stops by itself, and bad arguments are refused.
"$MBT" record $RECORD_ARGS --duration 0.3 udp port 1 >/dev/null 2>"$TMP/dur.err"
check "--duration: stops, with a summary" grep -q "stopped by duration" "$TMP/dur.err"
"$MBT" record "udp port" >/dev/null 2>"$TMP/bad.err"
check "a broken expression: exit 2 with libpcap's words" \
	bash -c "[ $? -eq 2 ] && grep -q \"expression 'udp port'\" '$TMP/bad.err'"

# 12. The man page documents every option of --help and every summary key.
if [ -f man/mbuftrace-record.8 ] && command -v groff >/dev/null; then
	groff -mdoc -Tascii -P-c man/mbuftrace-record.8 2>/dev/null |
		sed 's/.\x08//g' >"$TMP/man.txt"
	missing=
	for opt in $("$MBT" record --help | grep -oE -- '(^| )-(-[a-z-]+|[a-z])' |
		tr -d ' ' | sort -u); do
		grep -q -- "$opt" "$TMP/man.txt" || missing="$missing $opt"
	done
	check "man page documents every option of --help${missing:+ (missing:$missing)}" \
		test -z "$missing"
	missing=
	# The keys a real run printed, so that a new one cannot go unnoticed.
	for key in $(python3 -c 'import json, sys
for line in open(sys.argv[1]):
    d = json.loads(line)
    if "summary" in d and "records" not in d:
        print(" ".join(d["summary"]))' "$TMP/nftrace.json"); do
		grep -q "$key" "$TMP/man.txt" || missing="$missing $key"
	done
	check "man page documents every summary key${missing:+ (missing:$missing)}" \
		test -z "$missing"
else
	not_ok "man/mbuftrace-record.8 exists and renders"
fi

finish
