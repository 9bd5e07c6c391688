#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Golden tests of `mbuftrace explain` on real recorded traces, one capture
# per cause (tests/explain/mkcaptures.sh made them on Linux 6.18 in
# namespaces; each was read by eye).  Each case: the text and JSON match
# their golden files, and the JSON names the cause expected of the frame.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
CAP=tests/explain/captures
GOLDEN=tests/explain/expected

# case CAPTURE FRAME CAUSE
cases="
nft_drop 1 firewall
rp_filter 1 rp-filter
martian 1 martian
no_route 1 no-route
neigh_failed 4 neighbour-failed
ttl_expired 1 ttl-expired
mtu 1 mtu
no_socket 1 no-socket
rcvbuf_full 2 rcvbuf-full
qdisc_drop 2 qdisc-drop
ct_invalid 1 firewall
"
# (ct_invalid: the recorder writes no conntrack state yet, so a packet an
# `ct state invalid drop` rule dropped is told as that rule's drop.)

echo "$cases" | while read -r name frame cause; do
	[ -n "$name" ] || continue
	"$MBT" explain "$CAP/$name.pcap" >"$TMP/$name.txt" 2>&1
	echo "exit $?" >>"$TMP/$name.txt"
	check_golden "explain $name (text)" "$TMP/$name.txt" "$GOLDEN/$name.txt"
	"$MBT" explain --json "$CAP/$name.pcap" >"$TMP/$name.jsonl" 2>&1
	check_golden "explain $name (json)" "$TMP/$name.jsonl" "$GOLDEN/$name.jsonl"
	got=$(python3 -c 'import json, sys
for l in open(sys.argv[1]):
    d = json.loads(l)
    if d["frame"] == int(sys.argv[2]):
        print(d["cause"])' "$TMP/$name.jsonl" "$frame" 2>&1)
	if [ "$got" = "$cause" ]; then
		ok "explain $name: frame $frame is $cause"
	else
		echo "got '$got'" >"$TMP/got"
		not_ok "explain $name: frame $frame is $cause" "$TMP/got"
	fi
done >"$TMP/results"
cat "$TMP/results"
passed=$(grep -c "^ok" "$TMP/results")
failed=$(grep -c "^not ok" "$TMP/results")

# Frames chosen; one that is not there is a usage error.
"$MBT" explain "$CAP/rcvbuf_full.pcap" 2 3 >"$TMP/two.txt"
if [ "$(grep -c '^frame ' "$TMP/two.txt")" = 2 ]; then
	ok "explain FILE 2 3: two paragraphs"
else
	not_ok "explain FILE 2 3: two paragraphs" "$TMP/two.txt"
fi
"$MBT" explain "$CAP/nft_drop.pcap" 7 >/dev/null 2>&1
if [ $? = 2 ]; then ok "explain: a frame not in the capture exits 2"; else not_ok "explain: a frame not in the capture exits 2"; fi
finish
