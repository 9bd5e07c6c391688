#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Regenerate the captures `explain`'s golden tests read: one real
# `mbuftrace record -w` per cause, each in namespaces made here and removed
# on exit.  Run as root, under the namespace lock:
#
#   flock /tmp/mbt-net.lock tests/explain/mkcaptures.sh [CAUSE...]
#
#   h1 eth0 10.0.1.1 ---- 10.0.1.254 eth0 r1 eth1 10.0.2.254 ---- eth0 h2 10.0.2.2
#                                         (router, nftables)      (MTU 1280 on r1 eth1)
#
# Read each capture by eye after (mbuftrace read FILE) before committing.
set -u
cd "$(dirname "$0")/../.." || exit 1
MBT=${MBT:-$PWD/build/bin/mbuftrace}
OUT=tests/explain/captures
P=mbtexp
H1=${P}h1 R1=${P}r1 H2=${P}h2
REC=

cleanup() {
	[ -n "$REC" ] && kill -INT "$REC" 2>/dev/null
	for ns in "$H1" "$R1" "$H2"; do ip netns del "$ns" 2>/dev/null; done
}
trap cleanup EXIT

in_ns() { ip netns exec "$@"; }

topology() {
	cleanup
	ip netns add "$H1" && ip netns add "$R1" && ip netns add "$H2" || exit 1
	ip link add eth0 netns "$H1" type veth peer name eth0 netns "$R1"
	ip link add eth1 netns "$R1" type veth peer name eth0 netns "$H2"
	for ns in "$H1" "$R1" "$H2"; do
		in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1 \
			net.ipv6.conf.default.disable_ipv6=1
	done
	ip -n "$H1" addr add 10.0.1.1/24 dev eth0
	ip -n "$R1" addr add 10.0.1.254/24 dev eth0
	ip -n "$R1" addr add 10.0.2.254/24 dev eth1
	ip -n "$H2" addr add 10.0.2.2/24 dev eth0
	ip -n "$R1" link set eth1 mtu 1280
	ip -n "$H2" link set eth0 mtu 1280
	for ns in "$H1" "$R1" "$H2"; do
		ip -n "$ns" link set lo up
		ip -n "$ns" link set eth0 up
	done
	ip -n "$R1" link set eth1 up
	ip -n "$H1" route add default via 10.0.1.254
	ip -n "$H2" route add default via 10.0.2.254
	in_ns "$R1" sysctl -qw net.ipv4.ip_forward=1
	# Neighbours first, so that no ARP is traced later.
	in_ns "$H1" busybox ping -c 1 -W 2 10.0.2.2 >/dev/null
}

# record NAME FILTER COMMAND...: record while COMMAND runs in h1.
record() {
	local name=$1 filter=$2
	shift 2
	"$MBT" record --no-functions -w "$OUT/$name.pcap" $filter \
		2>"$OUT/$name.err" &
	REC=$!
	for _ in $(seq 1 600); do
		grep -q "hooks attached" "$OUT/$name.err" 2>/dev/null && break
		sleep 0.05
	done
	"$@"
	sleep 0.5
	kill -INT "$REC"
	wait "$REC"
	REC=
	grep -v "hooks attached\|full-function\|source lines" "$OUT/$name.err"
	rm -f "$OUT/$name.err"
	echo "== $name"
	"$MBT" read "$OUT/$name.pcap"
}

# send_raw NS SRC DST: one UDP datagram to DST:5000 from SRC, spoofed.
send_raw() {
	in_ns "$1" python3 -c '
import socket, struct, sys
src, dst = sys.argv[1], sys.argv[2]
udp = struct.pack("!HHHH", 5000, 5000, 12, 0) + b"spof"
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17, 0,
                 socket.inet_aton(src), socket.inet_aton(dst))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + udp, (dst, 0))' "$2" "$3"
}

udp_to() { # NS DST PORT [TTL] [SIZE] [DF]
	in_ns "$1" python3 -c '
import socket, sys
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.IPPROTO_IP, socket.IP_TTL, int(sys.argv[3]))
if sys.argv[5] == "1":
    s.setsockopt(socket.IPPROTO_IP, 10, 2)  # IP_MTU_DISCOVER = IP_PMTUDISC_DO
try:
    s.sendto(b"x" * int(sys.argv[4]), (sys.argv[1], int(sys.argv[2])))
except OSError as e:
    print("send:", e)' "$2" "$3" "${4:-64}" "${5:-16}" "${6:-0}"
}

cause_nft_drop() {
	in_ns "$R1" nft -f - <<-'E'
		table inet mbt {
			chain forward {
				type filter hook forward priority 0;
				udp dport 9999 meta nftrace set 1 drop
			}
		}
	E
	record nft_drop "udp port 9999" udp_to "$H1" 10.0.2.2 9999
}

cause_ct_invalid() {
	in_ns "$R1" nft -f - <<-'E'
		table inet mbt {
			chain forward {
				type filter hook forward priority 0;
				ct state invalid meta nftrace set 1 counter drop
			}
		}
	E
	# A lone TCP ACK: conntrack has no connection it belongs to.
	record ct_invalid "tcp port 7777" in_ns "$H1" python3 -c '
import socket, struct
tcp = struct.pack("!HHIIBBHHH", 40000, 7777, 1, 1, 5 << 4, 0x10, 1000, 0, 0)
ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 40, 1, 0x4000, 64, 6, 0,
                 socket.inet_aton("10.0.1.1"), socket.inet_aton("10.0.2.2"))
s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_RAW)
s.sendto(ip + tcp, ("10.0.2.2", 0))'
}

cause_rp_filter() {
	in_ns "$R1" sysctl -qw net.ipv4.conf.all.rp_filter=1 \
		net.ipv4.conf.eth0.rp_filter=1
	# From h1's side, a source that r1 routes out of eth1.
	record rp_filter "udp port 5000" send_raw "$H1" 10.0.2.77 10.0.2.2
}

cause_martian() {
	in_ns "$R1" sysctl -qw net.ipv4.conf.all.log_martians=1
	record martian "udp port 5000" send_raw "$H1" 127.0.0.5 10.0.2.2
}

cause_no_route() {
	record no_route "udp port 5001" udp_to "$H1" 192.0.2.9 5001
}

cause_neigh_failed() {
	ip -n "$R1" route add 10.0.3.0/24 dev eth1
	record neigh_failed "udp port 5002" \
		bash -c "$(declare -f udp_to in_ns); udp_to $H1 10.0.3.3 5002; sleep 4"
}

cause_ttl() {
	record ttl_expired "udp port 5003" udp_to "$H1" 10.0.2.2 5003 1
}

cause_mtu() {
	record mtu "udp port 5004" udp_to "$H1" 10.0.2.2 5004 64 1400 1
}

cause_no_socket() {
	record no_socket "udp port 5005" udp_to "$H1" 10.0.2.2 5005
}

cause_rcvbuf() {
	# A socket that never reads, with the smallest buffer.
	in_ns "$H2" python3 -c '
import socket, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 1)
s.bind(("10.0.2.2", 5006)); time.sleep(6)' &
	sleep 0.3
	record rcvbuf_full "udp port 5006" in_ns "$H1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(12):
    s.sendto(b"x" * 1000, ("10.0.2.2", 5006))'
	wait
}

cause_qdisc_drop() {
	in_ns "$H1" tc qdisc add dev eth0 root tbf rate 8kbit burst 1600 limit 1100
	record qdisc_drop "udp port 5007" in_ns "$H1" python3 -c '
import socket
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
for i in range(4):
    s.sendto(b"x" * 1000, ("10.0.2.2", 5007))'
}

mkdir -p "$OUT"
causes=${*:-nft_drop ct_invalid rp_filter martian no_route neigh_failed ttl mtu no_socket rcvbuf qdisc_drop}
for c in $causes; do
	topology >/dev/null 2>&1
	"cause_$c"
done
