#!/bin/bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs inside the VM for tests/vm/test_functions.sh: builds two hosts and a
# router in namespaces (mbt-a - mbt-r - mbt-b); `mbuftrace record` traces a
# forwarded ping and one rp_filter drops; then the probe traces with every
# function a forwarded ping, then three the router drops: forwarding off, a
# source its rp_filter rejects (the route lookup returns -EXDEV before the
# drop), and an nftables rule; then a narrowed run.  Each run's output is
# left in the directory $1.
set -u
out=$1
probe=build/bin/functions-probe
[ -d "$out" ] || { echo "no directory $out" >&2; exit 1; }

for ns in mbt-a mbt-r mbt-b; do ip netns add $ns; done
ip link add a0 netns mbt-a type veth peer name r0 netns mbt-r
ip link add r1 netns mbt-r type veth peer name b0 netns mbt-b
ip -n mbt-a addr add 10.99.0.1/24 dev a0
# A source with no route back from the router: rp_filter drops it.
ip -n mbt-a addr add 10.99.5.1/24 dev a0
ip -n mbt-r addr add 10.99.0.254/24 dev r0
ip -n mbt-r addr add 10.99.1.254/24 dev r1
ip -n mbt-b addr add 10.99.1.2/24 dev b0
for l in mbt-a:a0 mbt-r:r0 mbt-r:r1 mbt-b:b0; do
	ip -n "${l%%:*}" link set "${l#*:}" up
done
ip -n mbt-a route add default via 10.99.0.254
ip -n mbt-b route add default via 10.99.1.254
ip netns exec mbt-r sysctl -qw net.ipv4.ip_forward=1
# Neighbours resolved first, so the traced pings go straight through.
ip netns exec mbt-a busybox ping -c 1 -W 3 10.99.1.2 >/dev/null
# The nftables chain (its module loaded) before the probe names symbols;
# the rule that drops comes later.
ip netns exec mbt-r nft add table ip mbt
ip netns exec mbt-r nft add chain ip mbt f \
	'{ type filter hook forward priority 0; policy accept; }'

# The whole command, as a user runs it: `mbuftrace record` with its
# full-function mode.  On 6.1, with fentry, on a few functions: on all it
# takes most of a minute to attach under emulation, and has no return
# values (fexit) for that many.  First: the probes' fentry links are
# released in the background afterwards, a grace period each.
case $(uname -r) in
6.1.*) narrow=(--functions '^(ip_rcv|ip_route_input_noref|ip_forward|ip_output|icmp_rcv)$') ;;
*) narrow=() ;;
esac
build/bin/mbuftrace record "${narrow[@]}" -c 2 -w "$out/record.pcap" \
	'icmp and dst host 10.99.1.2' 2>"$out/record.err" &
rec=$!
for _ in $(seq 60); do
	grep -q 'full-function mode' "$out/record.err" && break
	sleep 0.5
done
ip netns exec mbt-a busybox ping -c 1 -W 3 10.99.1.2 >/dev/null
# The second trace: a drop after an error return (rp_filter).
ip netns exec mbt-r sysctl -qw net.ipv4.conf.all.rp_filter=1
ip netns exec mbt-a busybox ping -c 1 -W 1 -I 10.99.5.1 10.99.1.2 \
	>/dev/null
ip netns exec mbt-r sysctl -qw net.ipv4.conf.all.rp_filter=0
wait $rec
echo "rc $?" >>"$out/record.err"

$probe --daddr 10.99.1.2 -- sh -c '
	ip netns exec mbt-a busybox ping -c 1 -W 3 10.99.1.2
	ip netns exec mbt-r sysctl -qw net.ipv4.ip_forward=0
	ip netns exec mbt-a busybox ping -c 1 -W 1 10.99.1.2
	ip netns exec mbt-r sysctl -qw net.ipv4.ip_forward=1
	ip netns exec mbt-r sysctl -qw net.ipv4.conf.all.rp_filter=1
	ip netns exec mbt-a busybox ping -c 1 -W 1 -I 10.99.5.1 10.99.1.2
	ip netns exec mbt-r sysctl -qw net.ipv4.conf.all.rp_filter=0
	ip netns exec mbt-r nft add rule ip mbt f ip daddr 10.99.1.2 drop
	ip netns exec mbt-a busybox ping -c 1 -W 1 10.99.1.2
	ip netns exec mbt-r nft flush chain ip mbt f
	true' >"$out/path" 2>"$out/path.err"
echo "rc $?" >>"$out/path.err"
bpftool link show >"$out/links-after"

$probe --functions '^(ip|icmp)_' --daddr 10.99.1.2 -- \
	ip netns exec mbt-a busybox ping -c 1 -W 3 10.99.1.2 \
	>"$out/narrow" 2>"$out/narrow.err"
echo "rc $?" >>"$out/narrow.err"

# The same forwarded ping through record.bpf.c's own tracepoint programs,
# with the function hops in their maps (tests/vm/functions_join.c).
if [ -x build/bin/functions-join ]; then
	build/bin/functions-join -- \
		ip netns exec mbt-a busybox ping -c 1 -W 3 10.99.1.2 \
		>"$out/join" 2>"$out/join.err"
	echo "rc $?" >>"$out/join.err"
fi

