#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# End to end: the network namespaces of examples/imunes/lab.imn, named as
# IMUNES names them on Linux (EID-NODE_ID), built here from the topology
# file by libmbuftrace's own parser (mkpaths netns) and removed on exit,
# even on failure.  `mbuftrace record` traces a ping from pc1 to pc2
# through router1, and UDP that router1's nftables drops; then `expect`
# must hold (and fail where it should), `diff` must say where the two
# kinds of packet part, and `graph` must put every traced namespace on its
# node of the drawing.  Traffic stays between these
# namespaces.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

MKPATHS=${MKPATHS:-$ROOT/build/bin/mkpaths}
EID=$(printf 'i%x' $$)
NSES=
REC_PID=

cleanup() {
	[ -n "$REC_PID" ] && kill -9 "$REC_PID" 2>/dev/null
	for ns in $NSES; do ip netns del "$ns" 2>/dev/null; done
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

skip_all() {
	echo "SKIP: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

[ "$(id -u)" -eq 0 ] || skip_all "record needs root"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
for tool in ip nft busybox; do
	command -v $tool >/dev/null || skip_all "no $tool"
done
"$MBT" record --help >/dev/null 2>&1 || skip_all "mbuftrace record is not built"
probe=$("$MBT" record --duration 0.1 2>&1 >/dev/null)
case $probe in
*"hooks attached"*) ;;
*) skip_all "this kernel refuses the eBPF programs: $probe" ;;
esac

# The topology, from the .imn file.
build() {
	"$MKPATHS" netns examples/imunes/lab.imn "$EID" >"$TMP/lab.ns" || return 1
	while read -r what a b c d; do
		case $what in
		node)
			ip netns add "$a" || return 1
			NSES="$NSES $a"
			ip -n "$a" link set lo up
			ip netns exec "$a" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
			[ "$c" = router ] &&
				ip netns exec "$a" sysctl -qw net.ipv4.ip_forward=1
			;;
		link)
			ip link add "$b" netns "$a" type veth peer name "$d" netns "$c" ||
				return 1
			ip -n "$a" link set "$b" up
			ip -n "$c" link set "$d" up
			;;
		addr) ip -n "$a" addr add "$c" dev "$b" || return 1 ;;
		route) ip -n "$a" route add default via "$b" || return 1 ;;
		esac
	done <"$TMP/lab.ns"
	# router1 drops traceroute's UDP, and says which rule did (nftrace).
	ip netns exec "$EID-n1" nft -f - <<-'EOF'
		table inet filter {
			chain forward {
				type filter hook forward priority 0; policy accept;
				udp dport 33434 meta nftrace set 1 drop
			}
		}
	EOF
	# Learn the neighbours now, so that no ARP is traced later.
	ip netns exec "$EID-n0" busybox ping -c 2 -i 0.2 -w 5 10.0.1.20 >/dev/null
}
build >"$TMP/build.log" 2>&1 ||
	{ cat "$TMP/build.log"; skip_all "cannot build lab.imn's namespaces"; }
ok "lab.imn's namespaces built: $(echo $NSES)"

"$MBT" record -w "$TMP/t.pcap" host 10.0.0.20 2>"$TMP/record.err" &
REC_PID=$!
for _ in $(seq 1 100); do
	grep -qs "hooks attached" "$TMP/record.err" && break
	sleep 0.05
done
ip netns exec "$EID-n0" busybox ping -c 3 -i 0.2 -W 2 10.0.1.20 >/dev/null
for _ in 1 2; do
	ip netns exec "$EID-n0" bash -c 'echo x >/dev/udp/10.0.1.20/33434'
done
sleep 0.5
kill -INT "$REC_PID"
wait "$REC_PID"
rc=$?
REC_PID=
cp "$TMP/t.pcap" build/paths/e2e-lab.pcap 2>/dev/null
check "record wrote the traces (exit $rc)" test -s "$TMP/t.pcap"

"$MBT" paths --brief "$TMP/t.pcap" >"$TMP/paths.txt" 2>&1
check "paths reads them" grep -q "distinct path" "$TMP/paths.txt"
check "paths: the ping's hops are pc1, router1 in and out, pc2" grep -qx \
	"   hops: $EID-n0:eth0 > $EID-n1:eth0 > $EID-n1:eth1 > $EID-n2:eth0" \
	"$TMP/paths.txt"

# expect_rc NAME STATUS ARGS...: expect's exit status; its account shown
# when it is not the one wanted.
expect_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$MBT" expect "$TMP/t.pcap" "$@" >"$TMP/expect.out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name"
	else
		echo "exit $rc, wanted $want" >>"$TMP/expect.out"
		cat "$TMP/paths.txt" >>"$TMP/expect.out"
		not_ok "$name" "$TMP/expect.out"
	fi
}
expect_rc "expect: the pings cross router1 eth0 then eth1, consumed in pc2" 0 \
	--match 'icmp[icmptype] == icmp-echo and dst 10.0.1.20' \
	--through "$EID-n1:eth0" --through "$EID-n1:eth1" \
	--ends "consumed@$EID-n2" --in-order
expect_rc "expect: the UDP is dropped in router1" 0 \
	--match 'udp dst port 33434' --ends "dropped@$EID-n1"
expect_rc "expect: ...and so it is not delivered in pc2 (exit 1)" 1 \
	--match 'udp dst port 33434' --ends "delivered@$EID-n2"
expect_rc "expect: the pings never pass router1's eth2 (exit 1)" 1 \
	--match 'icmp[icmptype] == icmp-echo' --through "$EID-n1:eth2"

# Why the last packet (UDP, dropped) went otherwise than the first (ping).
last=$("$MBT" paths --json "$TMP/t.pcap" 2>/dev/null |
	grep -oE '"packets":[0-9]+' | head -1 | cut -d: -f2)
"$MBT" diff "$TMP/t.pcap" 1 "${last:-1}" >"$TMP/diff.txt" 2>&1
check "diff: the first ping and the last datagram part in router1" \
	grep -qE "^They part at .*(dropped|router1|$EID-n1)" "$TMP/diff.txt"

"$MBT" graph --json --topology examples/imunes/lab.imn -o "$TMP/t.html" \
	"$TMP/t.pcap" >"$TMP/graph.json" 2>&1
check "graph: every traced namespace is a node of lab.imn" \
	grep -q '"stacks_not_in_topology":\[\]' "$TMP/graph.json"
check "graph: only the server saw no traffic" \
	grep -q '"nodes_without_traces":\["server"\]' "$TMP/graph.json"
"$MBT" graph --topology examples/imunes/lab.imn "$TMP/t.pcap" \
	>"$TMP/t.dot" 2>/dev/null
check "graph: the hop from router1's eth0 to its eth1 is drawn" \
	grep -q '^	s1:p0 -> s1:p1 ' "$TMP/t.dot"
if command -v chromium >/dev/null; then
	timeout 120 chromium --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--no-first-run --user-data-dir="$TMP/profile" \
		--virtual-time-budget=5000 --dump-dom "file://$TMP/t.html#path=1" \
		>"$TMP/dom.html" 2>/dev/null
	check "graph: the page opens on the most common path, highlighted" \
		grep -qE '<div id="status">path 1 of [0-9]+, [0-9]+ steps, [1-9][0-9]* hops highlighted' \
		"$TMP/dom.html"
else
	skip "chromium not installed: the page of the recorded traffic"
fi
finish
