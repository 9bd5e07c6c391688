#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A veth crossing in a real recorded trace (h1 -> r1 -> h2, two veth
# pairs: tests/explain/captures/no_socket.pcap, from
# tests/explain/mkcaptures.sh): the sender logs its transmit after the
# receiver took the packet, so records alternate between the two ends.
# `read` keeps that true order; `paths` and `graph` make each crossing one
# hop.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
CAP=tests/explain/captures/no_socket.pcap

"$MBT" read --json "$CAP" | python3 -c '
import json, sys
for l in sys.stdin:
    d = json.loads(l)
    if "records" in d:
        print(" ".join(r.get("ns", "")[6:] for r in d["records"]
                       if r["kind"] != "packet"))' >"$TMP/order"
if grep -q "h1 h1 r1 h1 r1 r1 r1 r1 h2 r1 h2" "$TMP/order"; then
	ok "read keeps the alternating order of a veth crossing"
else
	not_ok "read keeps the alternating order of a veth crossing" "$TMP/order"
fi
"$MBT" paths --json "$CAP" | python3 -c '
import json, sys
print(" > ".join(json.load(sys.stdin)["paths"][0]["hops"]))' >"$TMP/hops"
if [ "$(cat "$TMP/hops")" = "mbtexph1:eth0 > mbtexpr1:eth0 > mbtexpr1:eth1 > mbtexph2:eth0" ]; then
	ok "paths: each veth crossing is one hop"
else
	not_ok "paths: each veth crossing is one hop" "$TMP/hops"
fi
"$MBT" graph "$CAP" 2>/dev/null | grep -- '->' | grep -v dotted >"$TMP/edges"
if [ "$(wc -l <"$TMP/edges")" = 3 ] &&
	grep -q 's0:p0 -> s1:p0' "$TMP/edges" &&
	grep -q 's1:p1 -> s2:p0' "$TMP/edges" &&
	! grep -q 's1:p0 -> s0' "$TMP/edges"; then
	ok "graph: one arrow per crossing, none back to the sender"
else
	not_ok "graph: one arrow per crossing, none back to the sender" "$TMP/edges"
fi
finish
