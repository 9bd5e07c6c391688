#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Golden tests of `mbuftrace paths`, `diff`, `expect` and `graph` on
# captures of traffic on the example IMUNES topologies (tests/tools/mkpaths)
# and on the prototype's layouts (mktrace v1, v2): text, JSON, DOT, the
# messages of failing expectations and of bad input, and exit statuses.
# Each man page must document every option its --help shows and every
# JSON key the command prints.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

MKPATHS=${MKPATHS:-$ROOT/build/bin/mkpaths}
G=tests/paths/expected

"$MKPATHS" lab "$TMP/lab.pcap"
"$MKPATHS" jails "$TMP/jails.pcap"
"$MKTRACE" v2 "$TMP/v2.pcap"
"$MKTRACE" v2-early "$TMP/v2-early.pcap"
"$MKTRACE" v1-le "$TMP/v1.pcap"
"$MKTRACE" malformed "$TMP/bad.pcap"

# golden NAME STATUS FILE COMMAND...: exit status, then stdout and stderr
# (the temporary folder's name replaced) against tests/paths/expected/FILE.
golden() {
	local name=$1 status=$2 file=$3 rc
	shift 3
	"$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	cat "$TMP/err" >>"$TMP/out"
	sed -i "s#$TMP#TMP#g" "$TMP/out"
	if [ "$rc" -ne "$status" ]; then
		echo "exit $rc, wanted $status" >>"$TMP/out"
		not_ok "$name" "$TMP/out"
		return
	fi
	check_golden "$name" "$TMP/out" "$G/$file"
}

# paths: counts, order, identity; v1/v2 traces without places.
golden "paths: the lab's four paths, most packets first" 0 paths-lab.txt \
	"$MBT" paths "$TMP/lab.pcap"
golden "paths --sort length --brief" 0 paths-lab-length.txt \
	"$MBT" paths --sort length --brief "$TMP/lab.pcap"
golden "paths --match: only the pings" 0 paths-lab-icmp.txt \
	"$MBT" paths --brief --match 'icmp and dst 10.0.1.20' "$TMP/lab.pcap"
golden "paths --json" 0 paths-lab.json \
	"$MBT" paths --json --limit 2 "$TMP/lab.pcap"
golden "paths: v2, three packets one path" 0 paths-v2.txt \
	"$MBT" paths "$TMP/v2.pcap"
golden "expect: v2 traces, by the prototype's function names, in order" 0 \
	expect-v2-ok.txt "$MBT" expect "$TMP/v2.pcap" --through IFQ_ENQUEUE \
	--through if_dequeue --in-order
golden "expect: v2 traces, the other order fails" 1 expect-v2-order.txt \
	"$MBT" expect "$TMP/v2.pcap" --through if_dequeue --through IFQ_ENQUEUE \
	--in-order
golden "paths: early v2, the path of v2 and a trace of snapshots only" 0 \
	paths-v2-early.txt "$MBT" paths "$TMP/v2-early.pcap"
golden "expect: early v2, only the trace of snapshots misses the path" 1 \
	expect-v2-early.txt "$MBT" expect "$TMP/v2-early.pcap" \
	--through IFQ_ENQUEUE --through if_dequeue --in-order
golden "graph --sequence: v2, no stack named" 0 graph-sequence-v2.dot \
	"$MBT" graph --sequence "$TMP/v2.pcap"
golden "paths: v1 little-endian" 0 paths-v1.txt \
	"$MBT" paths --brief "$TMP/v1.pcap"
golden "paths: broken traces count with the steps before their fault" 0 \
	paths-malformed.txt "$MBT" paths --brief --limit 3 "$TMP/bad.pcap"
golden "paths: a filter that does not compile" 2 paths-badfilter.txt \
	"$MBT" paths --match 'icmp and' "$TMP/lab.pcap"

# diff: two frames aligned, and each flow's odd packets.
golden "diff 1 5: the ping router1 could not deliver" 0 diff-1-5.txt \
	"$MBT" diff "$TMP/lab.pcap" 1 5
golden "diff -y: side by side" 0 diff-1-5-y.txt \
	"$MBT" diff -y --width 60 "$TMP/lab.pcap" 1 5
golden "diff -y needs two frames" 2 diff-y-noframes.txt \
	"$MBT" diff -y "$TMP/lab.pcap"
golden "diff 1 3: a ping and a dropped datagram" 0 diff-1-3.txt \
	"$MBT" diff "$TMP/lab.pcap" 1 3
golden "diff 1 2: the same path" 0 diff-1-2.txt \
	"$MBT" diff "$TMP/lab.pcap" 1 2
golden "diff: FreeBSD jails, ipfw 100 passes one ping and 200 drops another" 0 \
	diff-jails-1-3.txt "$MBT" diff "$TMP/jails.pcap" 1 3
golden "diff: odd packets of their flow" 0 diff-flows.txt \
	"$MBT" diff "$TMP/lab.pcap"
golden "diff --json: odd packets" 0 diff-flows.json \
	"$MBT" diff --json "$TMP/lab.pcap"
golden "diff --json 1 5" 0 diff-1-5.json "$MBT" diff --json "$TMP/lab.pcap" 1 5
golden "diff: no such frame" 2 diff-noframe.txt \
	"$MBT" diff "$TMP/lab.pcap" 1 99

# expect: passing, failing with the account, bad input.
golden "expect: UDP to 33434 is dropped by rule 7 in router1" 0 \
	expect-udp-ok.txt "$MBT" expect "$TMP/lab.pcap" \
	--match 'udp dst port 33434' --through nft:inet/filter/forward/7 \
	--ends dropped@router1
golden "expect: a ping that did not reach pc2 fails, with where it parts" 1 \
	expect-ping-fail.txt "$MBT" expect "$TMP/lab.pcap" \
	--match 'icmp and dst 10.0.1.20' --through router1:eth1 \
	--through pc2:eth0 --ends consumed@pc2 --in-order
golden "expect --in-order: a place passed before the one before it" 1 \
	expect-order-fail.txt "$MBT" expect "$TMP/lab.pcap" \
	--match 'tcp' --through router1:eth2 --through nft:inet/filter/forward \
	--in-order
golden "expect: ends elsewhere" 1 expect-ends-fail.txt \
	"$MBT" expect "$TMP/lab.pcap" --match udp --ends dropped@pc2
golden "expect: no packet matched is a failure" 1 expect-none.txt \
	"$MBT" expect "$TMP/lab.pcap" --match arp --ends sent
golden "expect -f: three cases, one fails" 1 expect-cases.txt \
	"$MBT" expect -f tests/paths/lab.expect "$TMP/lab.pcap"
golden "expect -f --json" 1 expect-cases.json \
	"$MBT" expect --json -f tests/paths/lab.expect "$TMP/lab.pcap"
golden "expect: FreeBSD jails, ipfw rule 200 denied one ping" 1 expect-jails.txt \
	"$MBT" expect "$TMP/jails.pcap" --match 'icmp and dst 10.0.2.20' \
	--through ipfw:100 --ends consumed@i5a1e.n3
golden "expect: bad --through" 2 expect-bad-through.txt \
	"$MBT" expect "$TMP/lab.pcap" --through 'nft:'
golden "expect: bad --ends" 2 expect-bad-ends.txt \
	"$MBT" expect "$TMP/lab.pcap" --ends arrived
golden "expect: a bad filter" 2 expect-bad-filter.txt \
	"$MBT" expect "$TMP/lab.pcap" --match 'tcp and' --ends sent
printf 'case a\n  through r1:eth0\n  goes somewhere\n' >"$TMP/bad.expect"
golden "expect -f: a mistake names its line" 2 expect-bad-file.txt \
	"$MBT" expect -f "$TMP/bad.expect" "$TMP/lab.pcap"
golden "expect: an unreadable capture is bad input" 2 expect-nofile.txt \
	"$MBT" expect /nonexistent.pcap --ends sent
golden "expect --json: errors as JSON" 2 expect-error.json \
	"$MBT" expect --json /nonexistent.pcap --ends sent

# graph: DOT without and with a topology (Tcl and JSON syntaxes).
golden "graph: DOT, frame 5 numbered" 0 graph-lab.dot \
	"$MBT" graph --frame 5 "$TMP/lab.pcap"
golden "graph: DOT on lab.imn" 0 graph-lab-imn.dot \
	"$MBT" graph --topology examples/imunes/lab.imn "$TMP/lab.pcap"
golden "graph: jails matched to two-routers.imn by EID.ID, host unmatched" 0 \
	graph-jails.json "$MBT" graph --json -o "$TMP/jails.dot" \
	--topology examples/imunes/two-routers.imn "$TMP/jails.pcap"
check_golden "graph: the jails' DOT" "$TMP/jails.dot" "$G/graph-jails.dot"
golden "graph --sequence: frame 5's records in lanes, its drop shaded" 0 \
	graph-sequence.dot "$MBT" graph --sequence --frame 5 "$TMP/lab.pcap"
golden "graph --sequence is not for HTML" 2 graph-sequence-html.txt \
	"$MBT" graph --sequence -o "$TMP/x.html" "$TMP/lab.pcap"
golden "graph: a second IMUNES canvas is drawn beside the first" 0 \
	graph-two-canvases.dot "$MBT" graph --topology \
	tests/paths/two-canvases.imn "$TMP/lab.pcap"
golden "graph: a broken topology names its line" 2 graph-bad-imn.txt \
	"$MBT" graph --topology tests/paths/lab.expect "$TMP/lab.pcap"
golden "graph: --frame of no traced packet" 2 graph-noframe.txt \
	"$MBT" graph --frame 40 "$TMP/lab.pcap"
if command -v dot >/dev/null; then
	"$MBT" graph --topology examples/imunes/lab.imn --frame 5 \
		-o "$TMP/lab.svg" "$TMP/lab.pcap" 2>/dev/null
	check "graph: SVG drawn by Graphviz, ports and the drop on it" \
		grep -q 'dropped 4' "$TMP/lab.svg"
	check "graph: SVG keeps lab.imn's layout (neato -n2)" \
		grep -q '<title>s3</title>' "$TMP/lab.svg"
else
	skip "graphviz not installed: SVG"
fi

# Each man page documents every option of its --help and every JSON key.
"$MBT" paths --json "$TMP/lab.pcap" >"$TMP/paths.json"
"$MBT" diff --json "$TMP/lab.pcap" >"$TMP/diff.json"
"$MBT" diff --json "$TMP/lab.pcap" 1 5 >>"$TMP/diff.json"
"$MBT" expect --json -f tests/paths/lab.expect "$TMP/lab.pcap" >"$TMP/expect.json"
"$MBT" expect --json "$TMP/lab.pcap" --match 'tcp' --through router1:eth2 \
	--through nft:inet/filter/forward --in-order >>"$TMP/expect.json"
"$MBT" graph --json -o "$TMP/x.dot" --topology examples/imunes/lab.imn \
	"$TMP/lab.pcap" >"$TMP/graph.json"
for cmd in paths diff expect graph; do
	page=man/mbuftrace-$cmd.8
	if [ ! -f "$page" ]; then
		not_ok "$page exists"
		continue
	fi
	groff -mdoc -Tascii -P-c "$page" 2>/dev/null | sed 's/.\x08//g' \
		>"$TMP/man.txt"
	missing=
	for opt in $("$MBT" "$cmd" --help | grep -oE -- '(^| )--?[a-z][a-z-]*' |
		sort -u); do
		grep -q -- "$opt" "$TMP/man.txt" || missing="$missing $opt"
	done
	check "$page documents every option of --help${missing:+ (missing:$missing)}" \
		test -z "$missing"
	missing=
	for key in $(grep -oE '"[a-z_]+":' "$TMP/$cmd.json" | sort -u | tr -d '":'); do
		grep -qw "$key" "$TMP/man.txt" || missing="$missing $key"
	done
	check "$page documents every JSON key${missing:+ (missing:$missing)}" \
		test -z "$missing"
done
finish
