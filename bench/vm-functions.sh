#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark of full-function tracing inside Debian's 6.12 kernel (under
# QEMU, tests/vm/run), in one run: attach and detach time of kprobe-multi
# (with return values, kprobe.session, and without) and of fentry, and the
# per-packet cost of tracing every packet with record.bpf.c's tracepoints
# alone (the peer) and with every function that takes an skb, with and
# without return values, as small-packet UDP rates over a veth pair
# between two namespaces (iperf3 -u -b 0 -l 64), with ratios.
#
# Usage: bench/vm-functions.sh        (figures are TCG's: compare ratios)
# Environment: BENCH_SECONDS (5 per rate), BENCH_ROUNDS (3), BENCH_KERNEL
# (6.12).
set -euo pipefail
cd "$(dirname "$0")/.."

if [ "${1:-}" != --guest ]; then
	make -s all build/bin/functions-join
	# The guest does not inherit this environment: pass the knobs on.
	exec tests/vm/run --kernel "${BENCH_KERNEL:-6.12}" --timeout 3600 \
		env BENCH_SECONDS="${BENCH_SECONDS:-5}" \
		BENCH_ROUNDS="${BENCH_ROUNDS:-3}" bash bench/vm-functions.sh --guest
fi

# --- in the guest ---
SECS=${BENCH_SECONDS:-5}
ROUNDS=${BENCH_ROUNDS:-3}
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
	sed -nE 's/.*: ([0-9]+) of ([0-9]+) functions attached in ([0-9.]+) s.*/\1 \3/p;
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
read -r n attn detn < <(probe_times --mode kprobe-multi --no-returns)
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s\n' \
	"same, without return values" "$n" "$attn" "$detn"
awk -v a="$att" -v b="$attn" -v d="$det" -v e="$detn" 'BEGIN {
	printf "  return values on / off: attach %.2f, detach %.2f\n", a / b, d / e }'
read -r nf attf detf < <(probe_times --mode fentry --functions '^(ip|icmp)_')
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s\n' \
	"fentry, ^(ip|icmp)_" "$nf" "$attf" "$detf"
# Every function with fentry: its detach would take minutes (one grace
# period per link), so it is handed to the background as the tool does.
$PROBE --mode fentry --daddr 10.98.0.99 -- true 2>"$W/probe.err" >/dev/null
read -r na atta < <(sed -nE 's/.*: ([0-9]+) of [0-9]+ functions attached in ([0-9.]+) s.*/\1 \2/p' "$W/probe.err")
printf '  %-34s %5s functions  attach %6.2f s  detach %6.2f s per link (above)\n' \
	"fentry, every function" "$na" "$atta" "$(echo "$detf $nf" | awk '{ printf "%.3f", $1 / $2 }')"
awk -v a="$atta" -v b="$km_att" 'BEGIN { printf "  attach, fentry / kprobe-multi: %.1fx\n", a / b }'
awk -v d="$detf" -v n="$nf" -v N="$na" -v k="$km_det" 'BEGIN {
	printf "  detach, fentry (estimated for %d: %.0f s) / kprobe-multi: %.0fx\n",
	    N, d / n * N, d / n * N / k }'
# fentry's background releases must end before the rates are measured.
while bpftool link show 2>/dev/null | grep -q tracing; do sleep 1; done

echo
# A rate under each condition, BENCH_ROUNDS times in turn, so that the
# host's load (TCG shares its CPUs with whatever else runs) falls on all
# of them alike; the medians are printed, and a ratio is the median of the
# rounds' own ratios, each from runs a minute apart at most.
under() { # FILE CMD...: append one rate measured while CMD runs (0: failed)
	local f=$1 v
	shift
	v=$("$@" -- bash -c "$(declare -f rate); W=$W SECS=$SECS rate" 2>/dev/null |
		grep -E '^[0-9]+$' | tail -n 1) || true
	echo "${v:-0}" >>"$W/$f"
}
median() { sort -g | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
# The median of the rounds' ratios FILE1 / FILE2 (the rounds both have).
ratio() {
	paste -d' ' "$W/$1" "$W/$2" |
		awk 'NF == 2 && $2 > 0 { printf "%.2f\n", $1 / $2 }' | median
}

echo "UDP 64-byte datagrams/s over veth, ${SECS}s each, median of $ROUNDS rounds:"
# A round not counted first: the emulator translates the guest's code as
# it first runs (a first round's rates were a third of the next ones');
# the next rounds may still be slow, which the medians absorb.
rate >/dev/null
under warm $JOIN
for _ in $(seq "$ROUNDS"); do
	rate >>"$W/base"
	under tp $JOIN --no-functions
	under fn $JOIN
	under fnn $JOIN --no-returns
	under idle $PROBE --daddr 10.98.0.99
	under idlen $PROBE --no-returns --daddr 10.98.0.99
done
# Once and last, since its links are released in the background afterwards.
under idlef $PROBE --mode fentry --daddr 10.98.0.99
for row in "no tracing|base" "record tracepoints, every packet (the peer)|tp" \
	"+ every function|fn" "  same, without return values|fnn" \
	"every function armed, no packet traced|idle" \
	"  same, without return values|idlen" \
	"  same, fentry (one round)|idlef"; do
	printf '  %-44s %8d/s  %.2f  (rounds: %s)\n' "${row%|*}" \
		"$(median <"$W/${row#*|}")" "$(ratio "${row#*|}" base)" \
		"$(tr '\n' ' ' <"$W/${row#*|}" | sed 's/ $//')"
done
echo "  full-function / tracepoints only, every packet: $(ratio fn tp)"
# Below 1: what return values cost in throughput; per packet, time grows
# by the inverse.
echo "  return values on / off, every packet traced: $(ratio fn fnn)"
echo "  return values on / off, armed, nothing traced: $(ratio idle idlen)"
rm -rf "$W"
