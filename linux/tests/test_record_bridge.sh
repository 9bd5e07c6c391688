#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end: what a Linux bridge did with a traced packet.  A bridge of
# three veth ports in sw, a host on each:
#
#   h1 eth0 10.5.0.1 ---- p1 [br0 in sw] p2 ---- eth0 h2 10.5.0.2
#                              p3 ---- eth0 h3 10.5.0.3
#
# A ping to a learned MAC is forwarded to one port; the same after the
# forwarding database is flushed is flooded; an ARP broadcast is flooded;
# a port in the disabled STP state drops what it receives.
# Run it under `flock /tmp/mbt-net.lock` like every suite that makes
# namespaces.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

P=mbtbr$$
SW=${P}sw
cleanup() {
	for ns in "$SW" "${P}h1" "${P}h2" "${P}h3"; do
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. linux/tests/record_lib.sh
record_can_run bridge python3

topology() {
	ip netns add "$SW" && ip -n "$SW" link add br0 type bridge || return 1
	for i in 1 2 3; do
		ip netns add "${P}h$i" &&
			ip link add eth0 netns "${P}h$i" type veth peer name \
				"p$i" netns "$SW" &&
			ip -n "$SW" link set "p$i" master br0 &&
			ip -n "$SW" link set "p$i" up &&
			ip -n "${P}h$i" addr add "10.5.0.$i/24" dev eth0 &&
			ip -n "${P}h$i" link set eth0 up || return 1
	done
	ip -n "$SW" link set br0 up &&
		ip netns exec "${P}h1" busybox ping -c1 -W2 10.5.0.2 &&
		ip netns exec "${P}h1" busybox ping -c1 -W2 10.5.0.3
}
topology >"$TMP/topology.log" 2>&1 ||
	{ cat "$TMP/topology.log"; skip_all "cannot build the topology"; }

# record OUT FROM TO EXPR...: record while h FROM pings 10.5.0.TO once.
record() {
	local out=$1 from=$2 to=$3
	shift 3
	record_start "$out" --duration 3 "$@"
	ip netns exec "${P}h$from" busybox ping -c1 -W1 "10.5.0.$to" \
		>/dev/null 2>&1
	wait "$REC_PID"
}

# bridged NAME FILE PYTHON: ok when the expression over `port` (the text
# of each br_handle_frame record of the echo requests) is true.
bridged() {
	if python3 - "$2" "$3" >"$TMP/query.out" 2>&1 <<-'PY'; then
		import json, sys
		port = [r["text"] for d in map(json.loads, open(sys.argv[1]))
		        if "records" in d and ("echo request" in d["summary"]
		                               or "ARP, Request" in d["summary"])
		        for r in d["records"] if r.get("func") == "br_handle_frame"]
		print(port)
		sys.exit(0 if eval(sys.argv[2]) else 1)
	PY
		ok "$1"
	else
		cp "$2" "$TMP/query.json" 2>/dev/null
		not_ok "$1" "$TMP/query.out"
	fi
}

record "$TMP/fwd.json" 1 2 icmp and dst host 10.5.0.2
bridged "a unicast to a learned MAC: forwarded to p2 only" "$TMP/fwd.json" \
	'any("bridge port forwarding: forwarded to p2 (inferred" in t for t in port) and not any("flooded" in t for t in port)'

ip -n "$SW" link set br0 type bridge fdb_flush
record "$TMP/flood.json" 1 2 icmp and dst host 10.5.0.2
bridged "the same after the FDB is flushed: flooded" "$TMP/flood.json" \
	'any("bridge port forwarding: flooded (inferred: 1 copy" in t for t in port)'

ip -n "${P}h1" neigh flush dev eth0
record "$TMP/arp.json" 1 3 arp and dst host 10.5.0.3
bridged "an ARP broadcast: flooded, up to br0 too" "$TMP/arp.json" \
	'any("flooded (inferred: 2 copies made here, this one up to br0)" in t for t in port)'

bridge -n "$SW" link set dev p3 state 0
record "$TMP/stp.json" 3 1 icmp and src host 10.5.0.3
bridged "a port in the disabled STP state: says so, dropped there" \
	"$TMP/stp.json" \
	'any("bridge port disabled: dropped, not forwarded" in t for t in port)'

finish
