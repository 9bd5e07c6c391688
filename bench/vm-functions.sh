#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark of full-function tracing inside Debian's 6.12 kernel (under
# QEMU, tests/vm/run), in one run: attach and detach time of kprobe-multi
# and of fentry, and the per-packet cost of tracing every packet with
# record.bpf.c's tracepoints alone (the peer) and with every function that
# takes an skb, as small-packet UDP rates over a veth pair between two
# namespaces (iperf3 -u -b 0 -l 64), with ratios.
#
# Usage: bench/vm-functions.sh        (figures are TCG's: compare ratios)
# Environment: BENCH_SECONDS (5 per rate), BENCH_KERNEL (6.12).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != --guest ]; then
	make -s all build/bin/functions-join
	exec tests/vm/run --kernel "${BENCH_KERNEL:-6.12}" --timeout 1800 \
		bash bench/vm-functions.sh --guest
fi

# --- in the guest ---
SECS=${BENCH_SECONDS:-5}
PROBE=build/bin/functions-probe
JOIN=build/bin/functions-join
W=$(mktemp -d)

ip netns add bench-a
ip netns add bench-b
ip link add va netns bench-a type veth peer name vb netns bench-b
ip -n bench-a addr add 10.98.0.1/24 dev va
ip -n bench-b addr add 10.98.0.2/24 dev vb
ip -n bench-a link set va up
ip -n bench-b link set vb up
ip netns exec bench-b iperf3 -s -D -1 >/dev/null 2>&1 || true

# rate: datagrams per second the receiver got, from iperf3's JSON.
rate() {
	ip netns exec bench-b iperf3 -s -D -1 -p 5202 >/dev/null 2>&1
	sleep 0.5
	ip netns exec bench-a iperf3 -c 10.98.0.2 -p 5202 -u -b 0 -l 64 \
		-t "$SECS" -J >"$W/iperf.json"
	python3 -c '
import json, sys
e = json.load(open(sys.argv[1]))["end"]["sum"]
print(int((e["packets"] - e["lost_packets"]) / e["seconds"]))' "$W/iperf.json"
}

# probe_times ARGS...: "attach detach" seconds from functions-probe.
probe_times() {
	$PROBE "$@" --daddr 10.98.0.99 --wait -- true 2>"$W/probe.err" >/dev/null
	sed -nE 's/.*: ([0-9]+) of ([0-9]+) functions attached in ([0-9.]+) s/\1 \3/p;
		s/.*detached in ([0-9.]+) s.*/\1/p' "$W/probe.err" | tr '\n' ' '
	echo
}

echo "kernel $(uname -r), $(nproc) vCPUs, TCG"
echo
echo "attach and detach (functions-probe --wait):"
read -r n att det < <(probe_times --mode kprobe-multi)
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s\n' \
	"kprobe-multi, every function" "$n" "$att" "$det"
km_att=$att km_det=$det
read -r nf attf detf < <(probe_times --mode fentry --functions '^(ip|icmp)_')
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s\n' \
	"fentry, ^(ip|icmp)_" "$nf" "$attf" "$detf"
# Every function with fentry: its detach would take minutes (one grace
# period per link), so it is handed to the background as the tool does.
$PROBE --mode fentry --daddr 10.98.0.99 -- true 2>"$W/probe.err" >/dev/null
read -r na atta < <(sed -nE 's/.*: ([0-9]+) of [0-9]+ functions attached in ([0-9.]+) s/\1 \2/p' "$W/probe.err")
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s per link (above)\n' \
	"fentry, every function" "$na" "$atta" "$(echo "$detf $nf" | awk '{ printf "%.3f", $1 / $2 }')"
awk -v a="$atta" -v b="$km_att" 'BEGIN { printf "  attach, fentry / kprobe-multi: %.1fx\n", a / b }'
awk -v d="$detf" -v n="$nf" -v N="$na" -v k="$km_det" 'BEGIN {
	printf "  detach, fentry (estimated for %d: %.0f s) / kprobe-multi: %.0fx\n",
	    N, d / n * N, d / n * N / k }'
# fentry's background releases must end before the rates are measured.
while bpftool link show 2>/dev/null | grep -q tracing; do sleep 1; done

echo
echo "UDP 64-byte datagrams/s over veth, ${SECS}s each, every packet traced:"
base=$(rate)
$JOIN --no-functions -- bash -c "$(declare -f rate); W=$W SECS=$SECS rate" \
	>"$W/tp.out" 2>/dev/null
tp=$(grep -E '^[0-9]+$' "$W/tp.out" | tail -n 1)
$JOIN -- bash -c "$(declare -f rate); W=$W SECS=$SECS rate" \
	>"$W/fn.out" 2>"$W/fn.err"
fn=$(grep -E '^[0-9]+$' "$W/fn.out" | tail -n 1)
idle=$($PROBE --daddr 10.98.0.99 -- bash -c "$(declare -f rate); W=$W SECS=$SECS rate" 2>/dev/null |
	grep -E '^[0-9]+$' | tail -n 1)
# Last, since its links are released in the background afterwards.
idlef=$($PROBE --mode fentry --daddr 10.98.0.99 -- bash -c "$(declare -f rate); W=$W SECS=$SECS rate" 2>/dev/null |
	grep -E '^[0-9]+$' | tail -n 1)
printf '  %-44s %8d/s  1.00\n' "no tracing" "$base"
for row in "record tracepoints (the peer)|$tp" \
	"record tracepoints + every function|$fn" \
	"every function armed, no packet traced|$idle" \
	"same, with fentry instead of kprobe-multi|$idlef"; do
	printf '  %-44s %8d/s  %.2f\n' "${row%|*}" "${row#*|}" \
		"$(echo "${row#*|} $base" | awk '{ print $1 / $2 }')"
done
echo "  full-function / tracepoints only: $(echo "$fn $tp" | awk '{ printf "%.2f", $1 / $2 }')"
rm -rf "$W"
