#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Hostile input and hostile output places (issue 12): captures whose hops
# form cycles, end details no format defines, names that are terminal
# escapes, markup and invalid UTF-8; outputs that are the input, symlinks,
# full file systems.  Each subcommand must neither crash nor inject, and
# must leave no half-written file.  The sanitizer build, when there is one,
# runs the same commands so that an overflow fails here.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
MKPATHS=${MKPATHS:-$ROOT/build/bin/mkpaths}
SAN=$ROOT/build-san/bin/mbuftrace

"$MKPATHS" ring 300 "$TMP/ring.pcap"
"$MKPATHS" hostile "$TMP/hostile.pcap"

# both NAME COMMAND...: the command (with "$MBT" as its first word) succeeds
# with the plain build and, where built, the sanitizer build.
both() {
	local name=$1 bin
	shift
	for bin in "$MBT" $([ -x "$SAN" ] && echo "$SAN"); do
		if ! "$bin" "${@:2}" >"$TMP/both.out" 2>&1; then
			echo "failed: $bin ${*:2}" >>"$TMP/both.out"
			not_ok "$name" "$TMP/both.out"
			return
		fi
	done
	ok "$name"
}

# --- 1: cycles among the hops (a reply, a ring of namespaces) ---
both "graph: a ring of 300 namespaces and a ping's reply (dot)" \
	"$MBT" graph -o "$TMP/ring.dot" "$TMP/ring.pcap"
both "graph --sequence on cycles" \
	"$MBT" graph --sequence -o "$TMP/ring-seq.dot" "$TMP/ring.pcap"
both "graph --topology on cycles" "$MBT" graph \
	--topology examples/imunes/lab.imn -o "$TMP/ring-t.dot" "$TMP/ring.pcap"
both "graph html on cycles" "$MBT" graph -o "$TMP/ring.html" "$TMP/ring.pcap"
# The ring is drawn left to right, r299 last; the reply closes no column.
if grep -q '{"name":"r299","x":68880.0,"y":80.0' "$TMP/ring.html" &&
	grep -q '{"name":"pc2","x":340.0,"y":230.0' "$TMP/ring.html"; then
	ok "graph: a cycle's hop back is left out of the layout"
else
	not_ok "graph: a cycle's hop back is left out of the layout" "$TMP/ring.html"
fi

# --- 2: end details past MBT_END_MAX are counted as unknown ---
both "graph: unknown end details (html)" \
	"$MBT" graph -o "$TMP/hostile.html" "$TMP/hostile.pcap"
both "graph: unknown end details (dot)" \
	"$MBT" graph -o "$TMP/hostile.dot" "$TMP/hostile.pcap"
if [ "$(grep -o '"ends":{"unknown":1}' "$TMP/hostile.html" | wc -l)" -eq 11 ]; then
	ok "graph: each unknown end counted once, as unknown"
else
	not_ok "graph: each unknown end counted once, as unknown" "$TMP/hostile.html"
fi

finish
