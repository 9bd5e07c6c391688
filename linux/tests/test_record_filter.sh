#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end: an expression with a link-layer term ("icmp or arp") is
# read on Ethernet frames, and still matches IP packets that have no
# Ethernet header where a trace can start: one this host drops in its
# output hook (no link header made yet) and one sent on a tun device
# (none ever).  Its link-layer terms are said to never match at a start
# interface with no Ethernet header, and only there.  Both ways the
# filter runs: translated to eBPF, and interpreted (MBUFTRACE_INTERPRET).
#
#   a: tun0 10.8.0.1/24 (held by a reader), eth0 10.9.2.1 ---- eth0 b 10.9.2.2
#      output hook drops 10.7.7.7 (routed out of eth0)
#
# Run it under `flock /tmp/mbt-net.lock` like every suite that makes
# namespaces.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

P=mbtflt$$
A=${P}a B=${P}b
PIDS=

cleanup() {
	for p in $PIDS; do
		kill -9 "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	# The tun reader runs under a subshell that $PIDS names: end whatever
	# still runs in the namespaces, or it outlives the test (and holds
	# the caller's lock file open).
	for ns in "$A" "$B"; do
		ip netns pids "$ns" 2>/dev/null | xargs -r kill -9 2>/dev/null
		ip netns del "$ns" 2>/dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

. linux/tests/record_lib.sh
record_can_run nft python3
[ -c /dev/net/tun ] || skip_all "no /dev/net/tun"

in_ns() {
	ip netns exec "$@"
}

topology() {
	ip netns add "$A" && ip netns add "$B" &&
		ip link add eth0 netns "$A" type veth peer name eth0 netns "$B" &&
		ip -n "$A" addr add 10.9.2.1/24 dev eth0 &&
		ip -n "$B" addr add 10.9.2.2/24 dev eth0 || return 1
	for ns in "$A" "$B"; do
		ip -n "$ns" link set eth0 up && ip -n "$ns" link set lo up ||
			return 1
	done
	# A tun device with a reader, so that it has a carrier.
	in_ns "$A" python3 -c 'import fcntl, os, struct, sys
fd = os.open("/dev/net/tun", os.O_RDWR)
fcntl.ioctl(fd, 0x400454ca, struct.pack("16sH", b"tun0", 0x1001))
print("ready", flush=True)
while os.read(fd, 2048): pass' >"$TMP/tun.out" 2>&1 &
	PIDS="$PIDS $!"
	for _ in $(seq 1 50); do
		grep -q ready "$TMP/tun.out" && break
		sleep 0.1
	done
	ip -n "$A" addr add 10.8.0.1/24 dev tun0 &&
		ip -n "$A" link set tun0 up &&
		ip -n "$A" route add 10.7.7.0/24 dev eth0 || return 1
	in_ns "$A" nft -f - <<-'N'
		table ip mbtflt {
			chain out {
				type filter hook output priority 0;
				ip daddr 10.7.7.7 drop;
			}
		}
	N
}

topology >"$TMP/topology.log" 2>&1 ||
	{ cat "$TMP/topology.log"; skip_all "cannot build the topology"; }

# record OUT ARGS...: record for 4 s while a sends its three pings (the
# neighbour forgotten first, so that it asks for b's address again).
record() {
	local out=$1
	shift
	record_start "$out" --duration 4 "$@"
	ip -n "$A" neigh flush dev eth0
	in_ns "$A" busybox ping -c1 -W1 10.9.2.2 >/dev/null 2>&1
	in_ns "$A" busybox ping -c1 -W1 10.7.7.7 >/dev/null 2>&1
	in_ns "$A" busybox ping -c1 -W1 10.8.0.2 >/dev/null 2>&1
	wait "$REC_PID"
}

# traced NAME FILE PYTHON: ok when the expression over `traces` (the
# JSON traces, summary lines left out) is true.
traced() {
	if python3 - "$2" "$3" >"$TMP/query.out" 2>&1 <<-'PY'; then
		import json, sys
		traces = [d for d in map(json.loads, open(sys.argv[1]))
		          if "records" in d]
		def ends(t):
		    return [r for r in t["records"] if r["kind"] == "end"][-1]
		sys.exit(0 if eval(sys.argv[2]) else 1)
	PY
		ok "$1"
	else
		cp "$2" "$TMP/query.out.json" 2>/dev/null
		not_ok "$1" "$2"
	fi
}

MAC_A=$(ip -n "$A" -br link show eth0 | awk '{print $3}')
for how in translated interpreted; do
	if [ $how = interpreted ]; then
		export MBUFTRACE_INTERPRET=1
	fi
	out=$TMP/mixed-$how.json
	record "$out" "icmp or arp"
	traced "$how icmp or arp: b's ARP request and reply are traced" "$out" \
		'any("ARP, Request who-has 10.9.2.2" in t["summary"] for t in traces) and any("ARP, Reply 10.9.2.2" in t["summary"] for t in traces)'
	traced "$how icmp or arp: the ping to b is traced, consumed in b" "$out" \
		'any("10.9.2.1 > 10.9.2.2: ICMP echo request" in t["summary"] and ends(t)["end"] == "consumed" for t in traces)'
	traced "$how icmp or arp: a ping dropped in a's output hook (no link header yet)" \
		"$out" \
		'any("> 10.7.7.7: ICMP echo request" in t["summary"] and ends(t)["end"] == "dropped" for t in traces)'
	traced "$how icmp or arp: a ping sent on a tun device (no link header)" \
		"$out" \
		'any("> 10.8.0.2: ICMP echo request" in t["summary"] and any(r.get("ifname") == "tun0" for r in t["records"]) for t in traces)'
	# A link-layer term never matches a made-up header: of a's pings
	# from its eth0 address, only the one that has its header is traced.
	out=$TMP/src-$how.json
	record "$out" "icmp and ether src $MAC_A"
	traced "$how ether src: only the ping with a real link header matches" \
		"$out" \
		'any("> 10.9.2.2: ICMP echo request" in t["summary"] for t in traces) and not any("10.7.7.7" in t["summary"] or "10.8.0.2" in t["summary"] for t in traces)'
	unset MBUFTRACE_INTERPRET
done

# A link-layer term at a start interface with no Ethernet header: said,
# term by term; the IP term still starts traces there.
out=$TMP/tun.json
record "$out" -i "tun0@$A" "icmp or arp or ether host 02:00:00:00:00:01"
grep -q "'arp' can never match at start point tun0" "$out.err"
check "-i tun0: 'arp' is said never to match there" test $? -eq 0
grep -q "'ether host 02:00:00:00:00:01' can never match at start point tun0" "$out.err"
check "-i tun0: 'ether host ...' is said never to match there" test $? -eq 0
grep -q "'icmp" "$out.err"
check "-i tun0: nothing is said of 'icmp'" test $? -ne 0
traced "-i tun0: the ping on tun0 is traced" "$out" \
	'any("> 10.8.0.2: ICMP echo request" in t["summary"] for t in traces) and not any("ARP" in t["summary"] for t in traces)'
out=$TMP/eth.json
record "$out" -i "eth0@$A" "icmp or arp"
grep -q "can never match" "$out.err"
check "-i eth0: nothing is said to never match on an Ethernet device" \
	test $? -ne 0
traced "-i eth0: ARP and ICMP on a's eth0 are traced" "$out" \
	'any("ARP, Request" in t["summary"] for t in traces) and any("10.9.2.2: ICMP echo request" in t["summary"] for t in traces)'
out=$TMP/ip.json
record "$out" -i "tun0@$A" "icmp"
grep -q "can never match\|Ethernet frames" "$out.err"
check "-i tun0 icmp: an IP-only expression says nothing of link layers" \
	test $? -ne 0

finish
