#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# How long `mbuftrace paths` and `mbuftrace graph` (SVG and HTML) take on
# 100,000 traces, against peers measured in the same run on the same
# files: tcpdump reading the capture and writing it again (the least any
# tool can do with it: no decoding, no printing) and `mbuftrace read`
# (decoding and printing every record).  Two
# captures: `mktrace bench 100000` (one path) and `mkpaths mix 100000`
# (the lab's four paths and their flows).  A benchmark, not a test: it
# prints times and ratios and exits 1 only when something could not run.
#   bench/paths-graph.sh [COUNT]
set -u
cd "$(dirname "$0")/.." || exit 1
COUNT=${1:-100000}
MBT=build/bin/mbuftrace
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

for tool in "$MBT" build/bin/mktrace build/bin/mkpaths tcpdump dot; do
	command -v "$tool" >/dev/null || { echo "bench: $tool is missing"; exit 1; }
done

# seconds COMMAND...: wall time of COMMAND, output discarded.
seconds() {
	local start=$EPOCHREALTIME
	"$@" >/dev/null 2>&1 || { echo "bench: failed: $*" >&2; exit 1; }
	echo "$EPOCHREALTIME - $start" | bc -l
}

ratio() { printf '%.2f' "$(echo "$1 / $2" | bc -l)"; }

build/bin/mktrace bench "$COUNT" "$TMP/bench.pcap"
build/bin/mkpaths mix "$COUNT" "$TMP/mix.pcap"
printf '%-40s %9s %12s %12s\n' "$COUNT traces" seconds "x tcpdump" "x read"
for cap in bench mix; do
	f=$TMP/$cap.pcap
	peer=$(seconds tcpdump -r "$f" -w /dev/null)
	read=$(seconds "$MBT" read "$f")
	printf '%-40s %9.3f %12s %12s\n' "$cap: tcpdump -r -w (peer)" "$peer" 1.00 \
		"$(ratio "$peer" "$read")"
	printf '%-40s %9.3f %12s %12s\n' "$cap: mbuftrace read (peer)" "$read" \
		"$(ratio "$read" "$peer")" 1.00
	for what in "paths" "paths --json" "graph -o $TMP/g.svg" \
		"graph -o $TMP/g.html" \
		"graph --topology examples/imunes/lab.imn -o $TMP/t.svg"; do
		# shellcheck disable=SC2086
		t=$(seconds "$MBT" $what "$f")
		label=$(echo "$what" | sed "s#$TMP/##; s#examples/imunes/##")
		printf '%-40s %9.3f %12s %12s\n' "$cap: $label" "$t" \
			"$(ratio "$t" "$peer")" "$(ratio "$t" "$read")"
	done
	"$MBT" graph -o "$TMP/g.html" "$f" 2>/dev/null
	echo "$cap: the HTML page is $(stat -c %s "$TMP/g.html") bytes"
done
