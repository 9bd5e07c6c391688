#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The live demo of `mbuftrace record`: builds two hosts and two routers in
# network namespaces, with a firewall rule on the second router, traces a
# ping and a blocked packet, prints both paths, leaves the pcap for
# Wireshark and removes the topology (also when interrupted).
#
#   h1 10.0.1.1 -- r1 -- 10.0.12.0/24 -- r2 [nft: drop udp 8080] -- h2 10.0.2.2
#
# Usage: linux/demo.sh [PCAP]   (default build/demo/record.pcap)
set -u
cd "$(dirname "$0")/.." || exit 1
MBT=${MBT:-build/bin/mbuftrace}
PCAP=${1:-build/demo/record.pcap}
# Short names, so the paths read well; a leftover of a killed run is reused.
P=mbt-
NS="${P}h1 ${P}r1 ${P}r2 ${P}h2"
REC=

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

cleanup() {
	[ -n "$REC" ] && kill "$REC" 2>/dev/null && wait "$REC" 2>/dev/null
	for ns in $NS; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT
trap 'exit 1' INT TERM

if [ "$(id -u)" -ne 0 ] || [ ! -r /sys/kernel/btf/vmlinux ]; then
	say "live tracing needs root and a kernel with BTF: skipping it"
	exit 0
fi

# ns NAME CMD...: run in namespace NAME of this demo.
ns() {
	local n=$1
	shift
	ip netns exec "$P$n" "$@"
}

# link A IFA B IFB: a veth pair between namespaces A and B.
link() {
	ip link add "$2" netns "$P$1" type veth peer name "$4" netns "$P$3"
	ip -n "$P$1" link set "$2" up
	ip -n "$P$3" link set "$4" up
}

build() {
	for n in h1 r1 r2 h2; do
		ip netns add "$P$n" && ip -n "$P$n" link set lo up || return 1
	done
	link h1 eth0 r1 eth0
	link r1 eth1 r2 eth0
	link r2 eth1 h2 eth0
	ip -n "${P}h1" addr add 10.0.1.1/24 dev eth0
	ip -n "${P}r1" addr add 10.0.1.254/24 dev eth0
	ip -n "${P}r1" addr add 10.0.12.1/24 dev eth1
	ip -n "${P}r2" addr add 10.0.12.2/24 dev eth0
	ip -n "${P}r2" addr add 10.0.2.254/24 dev eth1
	ip -n "${P}h2" addr add 10.0.2.2/24 dev eth0
	ip -n "${P}h1" route add default via 10.0.1.254
	ip -n "${P}h2" route add default via 10.0.2.254
	ip -n "${P}r1" route add 10.0.2.0/24 via 10.0.12.2
	ip -n "${P}r2" route add 10.0.1.0/24 via 10.0.12.1
	ns r1 sysctl -qw net.ipv4.ip_forward=1
	ns r2 sysctl -qw net.ipv4.ip_forward=1
	ns r2 nft -f - <<-'EOF'
		table inet demo {
			chain forward {
				type filter hook forward priority 0;
				udp dport 8080 meta nftrace set 1 drop
			}
		}
	EOF
	# Resolve neighbours now, so the traced ping goes straight through.
	ns h1 busybox ping -c 2 -i 0.2 -w 5 10.0.2.2 >/dev/null
}

say "building h1 - r1 - r2 - h2 in namespaces ${P}*, a rule on r2 drops UDP to 8080"
cleanup
build || { echo "demo: cannot build the topology" >&2; exit 1; }
mkdir -p "$(dirname "$PCAP")"

say "mbuftrace record -w $PCAP -c 2 'src host 10.0.1.1 and (icmp or udp port 8080)'"
"$MBT" record -w "$PCAP" -c 2 'src host 10.0.1.1 and (icmp or udp port 8080)' \
	2>"$PCAP.log" &
REC=$!
for _ in $(seq 1 100); do
	grep -q "hooks attached" "$PCAP.log" 2>/dev/null && break
	sleep 0.05
done
cat "$PCAP.log"

say "h1: ping -c 1 10.0.2.2, then one UDP packet to 10.0.2.2 port 8080"
ns h1 busybox ping -c 1 -W 2 10.0.2.2 | head -2
ns h1 bash -c 'echo hello >/dev/udp/10.0.2.2/8080'
for _ in $(seq 1 50); do
	kill -0 "$REC" 2>/dev/null || break
	sleep 0.1
done
kill "$REC" 2>/dev/null
wait "$REC" 2>/dev/null
REC=
tail -n 1 "$PCAP.log"
rm -f "$PCAP.log"

say "mbuftrace read $PCAP   (the echo request, the blocked packet)"
"$MBT" read "$PCAP"

say "the capture is $PCAP: wireshark $PCAP (make install-wireshark first)"
