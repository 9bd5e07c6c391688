#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end: a trace never follows another packet.  One TCP flow between
# two namespaces is traced with a filter while unrelated traffic is heavy:
# loopback TCP and UDP in a third namespace, and UDP between the same two.
# Skbs of the traced flow that the kernel frees where no hook sees it
# (TCP frees pure ACKs so) leave their address to those packets; every
# record of every trace must still be of the traced flow.
#
#   a eth0 10.9.1.1 ---- eth0 b 10.9.1.2      c: lo 127.0.0.1 (busy)
#
# Run it under `flock /tmp/mbt-net.lock` like every suite that makes
# namespaces.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

P=mbtid$$
A=${P}a B=${P}b C=${P}c
PIDS=

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	for ns in "$A" "$B" "$C"; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. linux/tests/record_lib.sh
record_can_run

{
	ip netns add "$A" && ip netns add "$B" && ip netns add "$C" &&
		ip link add eth0 netns "$A" type veth peer name eth0 netns "$B" &&
		ip -n "$A" addr add 10.9.1.1/24 dev eth0 &&
		ip -n "$B" addr add 10.9.1.2/24 dev eth0 &&
		for ns in "$A" "$B" "$C"; do
			ip -n "$ns" link set lo up
		done &&
		ip -n "$A" link set eth0 up && ip -n "$B" link set eth0 up &&
		ip netns exec "$A" busybox ping -c1 -W2 10.9.1.2
} >"$TMP/topology.log" 2>&1 ||
	{ cat "$TMP/topology.log"; skip_all "cannot build the topology"; }

# bg NS PYTHON ARGS...: a helper in the background, ready when it says so.
bg() {
	local ns=$1 out=$TMP/bg$RANDOM
	shift
	ip netns exec "$ns" python3 -c "$@" >"$out" 2>&1 &
	PIDS="$PIDS $!"
	disown $!
	for _ in $(seq 1 50); do
		grep -q ready "$out" && return
		sleep 0.1
	done
}

# Servers: the traced one in b (answers each request), an echo server on
# c's loopback, UDP sinks.
bg "$B" 'import socket, threading, sys
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("10.9.1.2", 5001)); s.listen(64)
print("ready", flush=True)
def serve(c):
    while True:
        d = c.recv(4096)
        if not d: break
        c.sendall(b"r" * 300)
    c.close()
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,)).start()'
bg "$B" 'import socket
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("10.9.1.2", 6000))
print("ready", flush=True)
while True: u.recv(2048)'
bg "$C" 'import socket, threading
s = socket.socket(); s.bind(("127.0.0.1", 7000)); s.listen(8)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 7001))
threading.Thread(target=lambda: [u.recv(2048) for _ in iter(int, 1)], daemon=True).start()
print("ready", flush=True)
def serve(c):
    while True:
        d = c.recv(4096)
        if not d: break
        c.sendall(d)
while True:
    c, _ = s.accept(); threading.Thread(target=serve, args=(c,)).start()'

# The unrelated load, for as long as record runs: small TCP writes over
# c's loopback (each segment acknowledged), UDP there and from a to b.
bg "$C" 'import socket, time
c = socket.create_connection(("127.0.0.1", 7000))
c.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("ready", flush=True)
end = time.time() + 30
while time.time() < end:
    c.sendall(b"l" * 100); c.recv(4096)
    u.sendto(b"u" * 80, ("127.0.0.1", 7001))'
bg "$A" 'import socket, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
print("ready", flush=True)
end = time.time() + 30
while time.time() < end:
    u.sendto(b"v" * 120, ("10.9.1.2", 6000)); time.sleep(0.0002)'

"$MBT" record $RECORD_ARGS --json "tcp port 5001" >"$TMP/flow.json" \
	2>"$TMP/flow.err" &
rec=$!
PIDS="$PIDS $rec"
for _ in $(seq 1 1800); do
	grep -q "hooks attached" "$TMP/flow.err" 2>/dev/null && break
	kill -0 "$rec" 2>/dev/null || break
	sleep 0.05
done
# The traced flow: 20 connections, each a few requests and answers.
ip netns exec "$A" python3 -c 'import socket
for i in range(20):
    c = socket.create_connection(("10.9.1.2", 5001))
    for _ in range(3):
        c.sendall(b"q" * 200); c.recv(4096)
    c.close()' >"$TMP/client.out" 2>&1
sleep 1
kill -INT "$rec"
wait "$rec"

# Every record of every trace: in a or b, and every snapshot of the flow
# (addresses, port 5001) with nothing changed but what forwarding changes
# (there is no NAT here).
python3 - "$TMP/flow.json" "$P" >"$TMP/verdict.out" 2>&1 <<-'EOF'
	import json, re, sys
	traces, summary = [], None
	for line in open(sys.argv[1]):
	    d = json.loads(line)
	    if "records" in d:
	        traces.append(d)
	    elif "summary" in d:
	        summary = d["summary"]
	ours = {sys.argv[2] + "a", sys.argv[2] + "b"}
	flow = re.compile(r"10\.9\.1\.[12]\.(5001|\d+) > 10\.9\.1\.[12]\.(5001|\d+)")
	bad = []
	for t in traces:
	    for r in t["records"]:
	        why = None
	        if r.get("ns") and r["ns"] not in ours:
	            why = "in namespace " + r["ns"]
	        elif "summary" in r and not ("10.9.1." in r["summary"] and
	                                     ".5001" in r["summary"]):
	            why = "another packet: " + r["summary"]
	        elif "changes" in r:
	            fields = {c.split(" ")[0] for c in r["changes"].split(", ")}
	            if fields - {"ttl", "hlim", "ether", ""}:
	                why = "changed into another packet: " + r["changes"]
	        if why:
	            bad.append((t["trace_id"], r.get("func"), why))
	print("traces", len(traces), "bad records", len(bad))
	for b in bad[:20]:
	    print(*b)
	print("summary", summary)
	# The flow itself was traced: 20 connections' SYNs at least.
	syns = sum(1 for t in traces if "[S]" in t.get("summary", ""))
	print("syns", syns)
	sys.exit(0 if not bad and syns >= 20 else 1)
EOF
if [ $? -eq 0 ]; then
	ok "busy unrelated traffic: every record of every trace is the flow's"
else
	not_ok "busy unrelated traffic: every record of every trace is the flow's" \
		"$TMP/verdict.out"
fi
# MBT_KEEP=FILE keeps the traces, to look at.
[ -n "${MBT_KEEP:-}" ] && cp "$TMP/flow.json" "$MBT_KEEP"
sed -n "1p;\$p" "$TMP/verdict.out" | sed "s/^/# /"

finish
