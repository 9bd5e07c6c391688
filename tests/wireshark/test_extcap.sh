#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `mbuftrace extcap`, Wireshark's external capture interface mbuf_trace:
#
#  1. the protocol's queries (interfaces, link types, options, a filter's
#     validity) and its errors, which need nothing;
#  2. `make install-wireshark` into a throwaway HOME, and tshark listing
#     mbuf_trace from there;
#  3. live: tshark -i mbuf_trace recording pings between two network
#     namespaces made here (10.9.9.1 <-> 10.9.9.2, removed on exit), an
#     error shown through tshark, a stop by SIGTERM and by the fifo's
#     reader leaving; no recorder is left behind.
#
# 2 and 3 need root, tshark and a kernel with BTF; without them they print
# "SKIP: why".
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

A=mbtx$$a B=mbtx$$b
PIDS=

cleanup() {
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	ip netns del "$A" 2>/dev/null
	ip netns del "$B" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
trap 'exit 1' INT TERM

done_() {
	finish
	exit
}

if [ ! -x "$MBT" ]; then
	not_ok "$MBT is built"
	done_
fi
ext() { "$MBT" extcap "$@"; }

# 1. The queries.
ext --extcap-interfaces --extcap-version=4.0 >"$TMP/ifs" 2>&1
version=$("$MBT" --version | awk '{print $2}')
if grep -qx "extcap {version=$version}{help=[^}]*}" "$TMP/ifs" &&
	grep -qx 'interface {value=mbuf_trace}{display=mbuf_trace: packet paths (eBPF)}' "$TMP/ifs" &&
	[ "$(wc -l <"$TMP/ifs")" -eq 2 ]; then
	ok "--extcap-interfaces: version $version and interface mbuf_trace"
else
	not_ok "--extcap-interfaces: version $version and interface mbuf_trace" "$TMP/ifs"
fi

ext --extcap-interface mbuf_trace --extcap-dlts >"$TMP/dlts" 2>&1
if [ "$(cat "$TMP/dlts")" = "dlt {number=147}{name=USER0}{display=mbuf_trace}" ]; then
	ok "--extcap-dlts: 147, USER0"
else
	not_ok "--extcap-dlts: 147, USER0" "$TMP/dlts"
fi

# Every option: "call type", numbered 0..5 in order.
ext --extcap-interface mbuf_trace --extcap-config >"$TMP/config" 2>&1
sed -n 's/^arg {number=\([0-9]*\)}{call=\([^}]*\)}.*{type=\([^}]*\)}.*/\1 \2 \3/p' \
	"$TMP/config" >"$TMP/config.got"
cat >"$TMP/config.want" <<-'EOF'
	0 --iface string
	1 --nftrace boolflag
	2 --mark string
	3 --pid integer
	4 --snaplen integer
	5 --no-functions boolflag
EOF
if diff -u "$TMP/config.want" "$TMP/config.got" >"$TMP/config.diff" &&
	[ "$(grep -c . "$TMP/config")" -eq 6 ] &&
	grep -q '{call=--snaplen}.*{range=0,1024}{default=128}' "$TMP/config"; then
	ok "--extcap-config: iface, nftrace, mark, pid, snaplen (0-1024, 128), no-functions"
else
	cat "$TMP/config" >>"$TMP/config.diff"
	not_ok "--extcap-config: the six options" "$TMP/config.diff"
fi

# Wireshark checks a capture filter: no output is valid, else the reason.
out=$(ext --extcap-interface mbuf_trace --extcap-capture-filter 'icmp or udp port 53')
check "--extcap-capture-filter: a valid expression prints nothing" test -z "$out"
out=$(ext --extcap-interface mbuf_trace --extcap-capture-filter 'icmp and')
check "--extcap-capture-filter: an invalid one prints libpcap's reason" \
	grep -q "syntax error" <<<"$out"

# expect_err NAME STATUS TEXT ARGS...: exit STATUS, TEXT on stderr.
expect_err() {
	local name=$1 want=$2 text=$3 rc
	shift 3
	ext "$@" >/dev/null 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq "$want" ] && grep -q -- "$text" "$TMP/err"; then
		ok "$name"
	else
		echo "exit $rc" >>"$TMP/err"
		not_ok "$name" "$TMP/err"
	fi
}
expect_err "an unknown interface: exit 2" 2 "no interface 'eth0'" \
	--extcap-interface eth0 --extcap-dlts
expect_err "no interface: exit 2" 2 "which interface" --extcap-config
expect_err "--capture without --fifo: exit 2" 2 "needs --fifo" \
	--capture --extcap-interface mbuf_trace
expect_err "an unknown option: exit 2" 2 "'--bogus'" --bogus
expect_err "two modes: exit 2" 2 "at a time" --extcap-dlts --extcap-config \
	--extcap-interface mbuf_trace
expect_err "no mode: exit 2" 2 "give --extcap-interfaces" \
	--extcap-interface mbuf_trace
check "--help" bash -c "'$MBT' extcap --help | grep -q 'usage: mbuftrace extcap'"
check "mbuftrace --help lists extcap" \
	bash -c "'$MBT' --help | grep -q '^  extcap '"

# 2 and 3 need the real thing.
[ "$(id -u)" -eq 0 ] || { skip "not root: no install or live capture"; done_; }
command -v tshark >/dev/null || { skip "no tshark"; done_; }
[ -r /sys/kernel/btf/vmlinux ] || { skip "the kernel has no BTF"; done_; }

# 2. Install into a throwaway HOME: Wireshark 4.0 reads extcaps from the
# personal configuration folder, as root too.
H=$TMP/home
mkdir -p "$H"
wsenv() { env -u XDG_CONFIG_HOME -u WIRESHARK_CONFIG_DIR HOME="$H" "$@"; }
if wsenv make -s install-wireshark WS_DISSECTOR=lua \
	WS_EXTCAP_MBUFTRACE="$MBT" >"$TMP/install" 2>&1 &&
	[ -x "$H/.config/wireshark/extcap/mbuf_trace" ] &&
	grep -q "^exec \"$MBT\" extcap \"\$@\"$" "$H/.config/wireshark/extcap/mbuf_trace"; then
	ok "make install-wireshark: extcap in \$HOME/.config/wireshark/extcap, running $MBT"
else
	not_ok "make install-wireshark installs the extcap" "$TMP/install"
	done_
fi
wsenv tshark -D >"$TMP/D" 2>&1
check "tshark -D lists mbuf_trace" \
	grep -q '\. mbuf_trace (mbuf_trace: packet paths (eBPF))$' "$TMP/D"

# 3. Live.
command -v busybox >/dev/null || { skip "no busybox (for ping)"; done_; }
probe=$("$MBT" record --duration 0.1 2>&1 >/dev/null)
case $probe in
*"hooks attached"*) ;;
*) skip "this kernel refuses the eBPF programs: $probe"; done_ ;;
esac
make_netns() {
	ip netns add "$A" && ip netns add "$B" &&
		ip link add eth0 netns "$A" type veth peer name eth0 netns "$B" &&
		ip -n "$A" addr add 10.9.9.1/24 dev eth0 &&
		ip -n "$B" addr add 10.9.9.2/24 dev eth0 || return 1
	for n in "$A" "$B"; do
		ip -n "$n" link set lo up && ip -n "$n" link set eth0 up ||
			return 1
	done
	ip netns exec "$A" busybox ping -c 1 -W 2 10.9.9.2
}
if ! make_netns >"$TMP/netns.log" 2>&1; then
	not_ok "two namespaces joined by a veth pair" "$TMP/netns.log"
	done_
fi

# Pings every 0.1 s from tshark's start: the first trace says how long
# tshark took to start recording.  The start interfaces name both ends.
t0=$(date +%s.%N)
ip netns exec "$A" busybox ping -c 35 -i 0.1 10.9.9.2 >/dev/null 2>&1 &
PIDS="$PIDS $!"
wsenv tshark -i mbuf_trace -f icmp -o "extcap.mbuf_trace.iface:eth0@$A,eth0@$B" \
	-a duration:4 -w "$TMP/live.pcapng" >"$TMP/tshark.out" 2>"$TMP/tshark.err"
rc=$?
if [ "$rc" -eq 0 ] && ! grep -q "extcap" "$TMP/tshark.err"; then
	ok "tshark -i mbuf_trace -a duration:4: exit 0, no error from the extcap"
else
	echo "exit $rc" >>"$TMP/tshark.err"
	not_ok "tshark -i mbuf_trace -a duration:4: exit 0, no error from the extcap" \
		"$TMP/tshark.err"
fi
"$MBT" read "$TMP/live.pcapng" >"$TMP/live.txt" 2>&1
# Echo requests whose path shows eth0 in both namespaces.
n=$(awk -v a="$A:eth0" -v b="$B:eth0" '
	function end() { if (req && sa && sb) n++ }
	/^#/ { end(); req = /ICMP echo request/; sa = sb = 0; next }
	index($0, a) { sa = 1 }
	index($0, b) { sb = 1 }
	END { end(); print n + 0 }' "$TMP/live.txt")
if [ "$n" -ge 10 ]; then
	ok "the capture holds $n echo requests through $A:eth0 and $B:eth0"
else
	not_ok "the capture holds echo requests through $A:eth0 and $B:eth0 (got $n)" \
		"$TMP/live.txt"
fi
first=$(head -n 1 "$TMP/live.txt" | awk '{print $2 " " $3}')
if [ -n "$first" ]; then
	awk -v a="$(date -u -d "$first" +%s.%N)" -v b="$t0" \
		'BEGIN { printf "# first trace %.2f s after tshark started\n", a - b }'
fi
# none_left NAME: no mbuftrace process with our namespaces' names is left.
none_left() {
	sleep 0.2
	if pgrep -af "mbuftrace.*$A" >"$TMP/left"; then
		not_ok "$1" "$TMP/left"
	else
		ok "$1"
	fi
}
none_left "no recorder left after tshark"

# An error reaches tshark's user, quickly.
s=$(date +%s%N)
wsenv tshark -i mbuf_trace -o "extcap.mbuf_trace.iface:eth0@$A-gone" \
	-a duration:10 -w "$TMP/bad.pcapng" >/dev/null 2>"$TMP/bad.err"
ms=$((($(date +%s%N) - s) / 1000000))
if grep -q "Error by extcap pipe: mbuftrace record: -i eth0@$A-gone: no namespace" \
	"$TMP/bad.err" && [ "$ms" -lt 5000 ]; then
	ok "a bad start interface: tshark shows record's error (after $ms ms)"
else
	echo "after $ms ms" >>"$TMP/bad.err"
	not_ok "a bad start interface: tshark shows record's error" "$TMP/bad.err"
fi

# Stopped by SIGTERM, as Wireshark stops it, and by the reader leaving:
# exit 0, nothing on stderr, the fifo closed.
mkfifo "$TMP/fifo"
# run_extcap: in the background; $EXT is its pid.
run_extcap() {
	"$MBT" extcap --capture --extcap-interface mbuf_trace --fifo "$TMP/fifo" \
		--iface "eth0@$A" --extcap-capture-filter icmp 2>"$TMP/ext.err" &
	EXT=$!
	PIDS="$PIDS $EXT"
}
# waited PID: wait for it; its exit status in $rc, how long it took in $ms.
waited() {
	local s
	s=$(date +%s%N)
	wait "$1"
	rc=$?
	ms=$((($(date +%s%N) - s) / 1000000))
}
run_extcap
timeout 5 cat "$TMP/fifo" >"$TMP/term.pcap" &
CAT=$!
sleep 1
kill -TERM "$EXT"
waited "$EXT"
wait "$CAT"
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/ext.err" ] && [ -s "$TMP/term.pcap" ] &&
	[ "$ms" -lt 2000 ]; then
	ok "SIGTERM: exit 0 after $ms ms, silent, a pcap header in the fifo"
else
	echo "exit $rc after $ms ms" >>"$TMP/ext.err"
	not_ok "SIGTERM: exit 0, silent" "$TMP/ext.err"
fi
run_extcap
timeout 1 cat "$TMP/fifo" >/dev/null
waited "$EXT"
if [ "$rc" -eq 0 ] && [ ! -s "$TMP/ext.err" ] && [ "$ms" -lt 1000 ]; then
	ok "the fifo's reader leaves: exit 0 after $ms ms, silent"
else
	echo "exit $rc after $ms ms" >>"$TMP/ext.err"
	not_ok "the fifo's reader leaves: exit 0, silent" "$TMP/ext.err"
fi
none_left "no recorder left at the end"

wsenv make -s uninstall-wireshark WS_DISSECTOR=lua >"$TMP/uninstall" 2>&1
check "make uninstall-wireshark removes the extcap" \
	test ! -e "$H/.config/wireshark/extcap/mbuf_trace"

done_
