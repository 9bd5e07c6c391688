#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Golden tests of `mbuftrace read`: captures in, text / JSON / pcapng
# comments out, compared with files checked by eye.  The captures are the
# generated samples of every format and, when it is there, the prototype
# author's own capture from ../shared (not ours to commit).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
GOLDEN=tests/golden/expected

# read_case NAME CAPTURE: text, JSON and pcapng comments of one capture.
read_case() {
	local name=$1 cap=$2
	"$MBT" read "$cap" >"$TMP/$name.txt" 2>"$TMP/$name.err"
	echo "exit $?" >>"$TMP/$name.txt"
	cat "$TMP/$name.err" >>"$TMP/$name.txt"
	check_golden "read $name (text)" "$TMP/$name.txt" "$GOLDEN/$name.txt"
	"$MBT" read --json "$cap" >"$TMP/$name.jsonl" 2>/dev/null
	check_golden "read $name (json)" "$TMP/$name.jsonl" "$GOLDEN/$name.jsonl"
	if python3 -c 'import json,sys; [json.loads(l) for l in sys.stdin]' \
		<"$TMP/$name.jsonl" 2>"$TMP/json.err"; then
		ok "read $name: every JSON line parses"
	else
		not_ok "read $name: every JSON line parses" "$TMP/json.err"
	fi
}

for s in v1-le v1-be v2 v2-early v3 values malformed; do
	"$MKTRACE" "$s" "$TMP/$s.pcap" || not_ok "mktrace $s"
	read_case "$s" "$TMP/$s.pcap"
done

# The committed sample of the early v2 layout is what mktrace writes.
check "samples/v2-early.pcap is mktrace's v2-early sample" \
	cmp samples/v2-early.pcap "$TMP/v2-early.pcap"

if [ -r "$SHARED_CAPTURE" ]; then
	read_case shared "$SHARED_CAPTURE"
else
	skip "shared capture not present at $SHARED_CAPTURE: its golden case"
fi

# The pcapng for stock tools: tshark shows the path in each comment.
"$MBT" read --write-pcapng "$TMP/v3.pcapng" "$TMP/v3.pcap" >/dev/null \
	2>"$TMP/pcapng.err"
if grep -q "1 trace without a packet snapshot is not in" "$TMP/pcapng.err"; then
	ok "pcapng: says which traces it could not show"
else
	not_ok "pcapng: says which traces it could not show" "$TMP/pcapng.err"
fi
if command -v tshark >/dev/null; then
	tshark -r "$TMP/v3.pcapng" -T fields -e frame.number \
		-e frame.interface_id -e frame.comment -E separator='|' \
		2>/dev/null | sed 's/\\n/\n    /g' >"$TMP/pcapng.txt"
	check_golden "pcapng comments seen by tshark" "$TMP/pcapng.txt" \
		"$GOLDEN/v3-pcapng-comments.txt"
else
	skip "tshark not installed: pcapng comments"
fi
if command -v tcpdump >/dev/null; then
	tcpdump -nr "$TMP/v3.pcapng" 2>&1 | sed "s|$TMP/|TMP/|" >"$TMP/tcpdump.txt"
	check_golden "pcapng snapshots seen by tcpdump" "$TMP/tcpdump.txt" \
		"$GOLDEN/v3-pcapng-tcpdump.txt"
fi
finish
