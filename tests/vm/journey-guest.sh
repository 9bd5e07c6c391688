#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# One host of tests/vm/test_journey.sh, run in its guest:
#   journey-guest.sh ROLE OUTDIR SKEW_SECONDS
# h1 (10.0.1.1) pings h3 (10.0.3.3) through h2, which routes; each host
# sets its clock SKEW seconds off, records ICMP with `mbuftrace record`
# and leaves its capture in OUTDIR (shared with the host and the other
# guests, where the hosts also say when they are ready and done).
set -u
role=$1 out=$2 skew=$3
MBT=build/bin/mbuftrace

wait_for() { # FILE SECONDS
	for _ in $(seq $(($2 * 10))); do
		[ -e "$1" ] && return 0
		sleep 0.1
	done
	echo "$role: gave up waiting for $1" >&2
	return 1
}

modprobe virtio_net 2>/dev/null
for _ in $(seq 50); do ip link show eth0 >/dev/null 2>&1 && break; sleep 0.1; done
# Keep the fraction of a second: only the skew is to change.
python3 -c 'import sys, time
time.clock_settime(time.CLOCK_REALTIME, time.time() + int(sys.argv[1]))' \
	"$skew" || exit 1
case $role in
h1)
	ip link set eth0 up
	ip addr add 10.0.1.1/24 dev eth0
	ip route add default via 10.0.1.2
	;;
h2)
	ip link set eth0 up
	ip link set eth1 up
	ip addr add 10.0.1.2/24 dev eth0
	ip addr add 10.0.3.2/24 dev eth1
	sysctl -qw net.ipv4.ip_forward=1
	;;
h3)
	ip link set eth0 up
	ip addr add 10.0.3.3/24 dev eth0
	ip route add default via 10.0.3.2
	;;
esac
"$MBT" record --no-functions -w "/tmp/$role.pcap" --duration 150 icmp \
	2>"$out/$role.record.log" &
rec=$!
# Ready once the hooks are attached: loading takes seconds when emulated,
# more on a loaded machine.
for _ in $(seq 1200); do
	grep -q "hooks attached" "$out/$role.record.log" 2>/dev/null && break
	kill -0 "$rec" 2>/dev/null || break
	sleep 0.1
done
: >"$out/$role.ready"
if [ "$role" = h1 ]; then
	wait_for "$out/h2.ready" 90 && wait_for "$out/h3.ready" 90
	# The links come up as the guests boot: wait for the first reply.
	for _ in $(seq 30); do
		busybox ping -c 1 -W 1 10.0.3.3 >/dev/null 2>&1 && break
	done
	busybox ping -c 3 -i 0.5 10.0.3.3 >"$out/ping.txt" 2>&1
	echo "ping exit $?" >>"$out/ping.txt"
	sleep 1
	: >"$out/done"
else
	wait_for "$out/done" 240
fi
kill -INT "$rec"
wait "$rec"
cp "/tmp/$role.pcap" "$out/$role.pcap"
ip -s link show >"$out/$role.links.txt" 2>&1
