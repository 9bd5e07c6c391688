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

# --- 3: no control byte of a trace string reaches a terminal ---
# no_controls NAME FILE: FILE holds no C0 control but newline, no DEL, no C1
# (raw or UTF-8 encoded), and no bidirectional override.
no_controls() {
	if LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$2"; then
		not_ok "$1" "$2"
	else
		ok "$1"
	fi
}
"$MBT" read "$TMP/hostile.pcap" >"$TMP/read.txt" 2>&1
no_controls "read: names escaped for the terminal" "$TMP/read.txt"
if grep -qF '\x1b]0;owned\x07:\x1b]0;owned\x07  rule nftables \x1b]0;owned\x07 4 pass' "$TMP/read.txt" &&
	grep -qF '\x0d\x0a#99 forged' "$TMP/read.txt" && ! grep -q '^#99' "$TMP/read.txt"; then
	ok "read: escapes are visible, a newline forges no record"
else
	not_ok "read: escapes are visible, a newline forges no record" "$TMP/read.txt"
fi
"$MBT" paths "$TMP/hostile.pcap" >"$TMP/paths.txt" 2>&1
no_controls "paths: names escaped" "$TMP/paths.txt"
"$MBT" diff "$TMP/hostile.pcap" 1 2 >"$TMP/diff.txt" 2>&1
no_controls "diff: names escaped" "$TMP/diff.txt"
"$MBT" diff --flows "$TMP/hostile.pcap" >"$TMP/flows.txt" 2>&1
no_controls "diff --flows: names escaped" "$TMP/flows.txt"
printf 'case all\n  match icmp\n  ends consumed@pc9\n' >"$TMP/h.expect"
"$MBT" expect -f "$TMP/h.expect" "$TMP/hostile.pcap" >"$TMP/expect.txt" 2>&1
no_controls "expect: names escaped" "$TMP/expect.txt"
"$MBT" graph --topology examples/imunes/lab.imn -o "$TMP/t.dot" \
	"$TMP/hostile.pcap" >"$TMP/graph.txt" 2>&1
no_controls "graph's messages: names escaped" "$TMP/graph.txt"
"$MBT" read "$TMP/$(printf 'x\033]0;t\007')" >"$TMP/err.txt" 2>&1
no_controls "error messages: file names escaped" "$TMP/err.txt"

# --- 9: JSON is valid UTF-8 that a strict decoder takes ---
strict_json() {
	python3 -c '
import json, sys
for line in open(sys.argv[1], "rb"):
    json.loads(line.decode("utf-8", "strict"))' "$2" 2>"$TMP/json.err"
}
for cmd in "read --json" "paths --json" "diff --json" "graph --json -o $TMP/j.dot"; do
	extra=""
	[ "$cmd" = "diff --json" ] && extra="1 2"
	# shellcheck disable=SC2086
	"$MBT" $cmd "$TMP/hostile.pcap" $extra >"$TMP/out.json" 2>/dev/null
	if strict_json "$cmd" "$TMP/out.json" && [ -s "$TMP/out.json" ]; then
		ok "$cmd: strict UTF-8 JSON"
	else
		cat "$TMP/json.err" >>"$TMP/out.json"
		not_ok "$cmd: strict UTF-8 JSON" "$TMP/out.json"
	fi
done
if grep -qF '"ns":"\\xe0\\x80\\x80 overlong"' "$TMP/out.json" ||
	"$MBT" read --json "$TMP/hostile.pcap" | grep -qF '\\xed\\xa0\\x80 surrogate'; then
	ok "JSON names the bytes of invalid UTF-8"
else
	not_ok "JSON names the bytes of invalid UTF-8"
fi

# --- 10: SVG and the HTML page stay well-formed ---
if command -v dot >/dev/null && command -v xmllint >/dev/null; then
	for v in "" "--sequence"; do
		# shellcheck disable=SC2086
		if "$MBT" graph $v -o "$TMP/h.svg" "$TMP/hostile.pcap" >/dev/null 2>&1 &&
			xmllint --noout "$TMP/h.svg" 2>"$TMP/xml.err"; then
			ok "graph $v -o x.svg: well-formed XML"
		else
			not_ok "graph $v -o x.svg: well-formed XML" "$TMP/xml.err"
		fi
	done
else
	skip "dot or xmllint missing: SVG not checked"
fi
if ! grep -q '<script>alert' "$TMP/hostile.html" &&
	iconv -f UTF-8 -t UTF-8 "$TMP/hostile.html" >/dev/null 2>&1; then
	ok "graph html: names cannot end the script, valid UTF-8"
else
	not_ok "graph html: names cannot end the script, valid UTF-8"
fi

# --- 14: a long line is cut between characters and marked ---
if tail -n 2 "$TMP/read.txt" | grep -q '\[\.\.\.\]$' &&
	iconv -f UTF-8 -t UTF-8 "$TMP/read.txt" >/dev/null 2>&1; then
	ok "read: a line over 1024 bytes cut on a character, marked [...]"
else
	not_ok "read: a line over 1024 bytes cut on a character, marked [...]" "$TMP/read.txt"
fi

# --- 4: a capture that shrinks while it is read (log rotation) ---
# The reader blocks on a full pipe within its first window of the file;
# the file is cut short meanwhile; then the pipe drains.
"$MKPATHS" distinct 3000 "$TMP/many.pcap"
cp "$TMP/many.pcap" "$TMP/shrink.pcap"
"$MBT" read "$TMP/shrink.pcap" 2>"$TMP/shrink.err" |
	{ sleep 1; truncate -s 500000 "$TMP/shrink.pcap"; cat >/dev/null; }
rc=${PIPESTATUS[0]}
if [ "$rc" -eq 2 ] && grep -q "the file shrank to 500000 bytes" "$TMP/shrink.err"; then
	ok "read: a capture that shrinks is an error, not SIGBUS"
else
	echo "exit $rc" >>"$TMP/shrink.err"
	not_ok "read: a capture that shrinks is an error, not SIGBUS" "$TMP/shrink.err"
fi

# --- 6: pcapng with several link types (tshark -i eth0 -i mbuf_trace) ---
# Each trace of the lab on interface 1 (DLT_USER0), an Ethernet frame on
# interface 0 before it; nanosecond timestamps on interface 1.
"$MKPATHS" lab "$TMP/lab.pcap"
python3 - "$TMP/lab.pcap" "$TMP/mixed.pcapng" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
out += block(1, struct.pack("<HHI", 1, 0, 262144))
out += block(1, struct.pack("<HHI", 147, 0, 262144) +
             struct.pack("<HHB3x", 9, 1, 9) + struct.pack("<HH", 0, 0))
o = 24
while o + 16 <= len(d):
    sec, usec, cl, wl = struct.unpack("<IIII", d[o:o + 16])
    data = d[o + 16:o + 16 + cl]
    o += 16 + cl
    eth = b"\xff" * 12 + b"\x08\x06" + b"\0" * 28
    out += block(6, struct.pack("<IIIII", 0, 0, 0, len(eth), len(eth)) + eth)
    ns = (sec * 1000000 + usec) * 1000
    out += block(6, struct.pack("<IIIII", 1, ns >> 32, ns & 0xffffffff, cl, wl) + data)
open(sys.argv[2], "wb").write(out)
PY
for cmd in read paths; do
	"$MBT" $cmd "$TMP/lab.pcap" >"$TMP/lab.txt" 2>&1
	"$MBT" $cmd "$TMP/mixed.pcapng" >"$TMP/mixed.txt" 2>&1
	if diff -u "$TMP/lab.txt" "$TMP/mixed.txt" >"$TMP/mixed.diff"; then
		ok "$cmd: pcapng with two link types: its DLT_USER0 traces alone"
	else
		not_ok "$cmd: pcapng with two link types: its DLT_USER0 traces alone" "$TMP/mixed.diff"
	fi
done

# --- 5: the output is never the input ---
cp "$TMP/ring.pcap" "$TMP/in.pcap"
for cmd in "read --write-pcapng" "graph -o"; do
	# shellcheck disable=SC2086
	"$MBT" $cmd "$TMP/in.pcap" "$TMP/in.pcap" >"$TMP/same.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && cmp -s "$TMP/in.pcap" "$TMP/ring.pcap" &&
		grep -q "that is the input" "$TMP/same.out"; then
		ok "$cmd X X: refused, the capture untouched"
	else
		not_ok "$cmd X X: refused, the capture untouched" "$TMP/same.out"
	fi
done
ln -s "$TMP/in.pcap" "$TMP/alias.pcap"
if ! "$MBT" graph -o "$TMP/alias.pcap" "$TMP/in.pcap" >/dev/null 2>&1 &&
	cmp -s "$TMP/in.pcap" "$TMP/ring.pcap"; then
	ok "graph -o LINK X where LINK is X: refused"
else
	not_ok "graph -o LINK X where LINK is X: refused"
fi

# --- 7: a symlink planted where an output goes is not followed ---
mkdir -m 1777 "$TMP/sticky"
echo precious >"$TMP/target"
ln -s "$TMP/target" "$TMP/sticky/g.dot"
ln -s "$TMP/target" "$TMP/sticky/p.pcapng"
"$MBT" graph -o "$TMP/sticky/g.dot" "$TMP/ring.pcap" >/dev/null 2>&1
"$MBT" read --write-pcapng "$TMP/sticky/p.pcapng" "$TMP/ring.pcap" >/dev/null 2>&1
if [ "$(cat "$TMP/target")" = precious ] && [ ! -L "$TMP/sticky/g.dot" ] &&
	grep -q '^digraph' "$TMP/sticky/g.dot"; then
	ok "graph -o, --write-pcapng: a planted symlink is replaced, its target untouched"
else
	not_ok "graph -o, --write-pcapng: a planted symlink is replaced, its target untouched"
fi

# --- 8: record checks that it can trace before truncating -w's file ---
if [ "$(id -u)" = 0 ] && command -v setpriv >/dev/null; then
	mkdir -m 777 "$TMP/open"
	cp "$TMP/ring.pcap" "$TMP/open/e.pcap"
	chmod 666 "$TMP/open/e.pcap"
	setpriv --reuid=nobody --regid=nogroup --clear-groups \
		"$MBT" record -w "$TMP/open/e.pcap" --duration 0.1 >"$TMP/rec.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && cmp -s "$TMP/open/e.pcap" "$TMP/ring.pcap"; then
		ok "record -w without privileges: the existing file untouched"
	else
		not_ok "record -w without privileges: the existing file untouched" "$TMP/rec.out"
	fi
else
	skip "record without privileges: needs root and setpriv"
fi

# --- 11: a full disk: which file, why, and no half-written file ---
"$MBT" read --json "$TMP/ring.pcap" >/dev/full 2>"$TMP/full.err"
rc=$?
if [ "$rc" -eq 2 ] && grep -q "standard output: No space left on device" "$TMP/full.err"; then
	ok "read --json > /dev/full: exit 2, says why on stderr"
else
	not_ok "read --json > /dev/full: exit 2, says why on stderr" "$TMP/full.err"
fi
if [ "$(id -u)" = 0 ] && mkdir "$TMP/full" &&
	mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
	for cmd in "read --write-pcapng $TMP/full/o.pcapng" "graph -o $TMP/full/g.html" \
		"graph -o $TMP/full/g.dot"; do
		# shellcheck disable=SC2086
		"$MBT" $cmd "$TMP/many.pcap" >/dev/null 2>"$TMP/full.err"
		rc=$?
		out=${cmd##* }
		if [ "$rc" -eq 2 ] && [ ! -e "$out" ] &&
			grep -qF "$out: No space left on device" "$TMP/full.err" &&
			[ -z "$(ls -A "$TMP/full")" ]; then
			ok "${cmd%% /*} on a full disk: names the file and ENOSPC, leaves nothing"
		else
			ls -la "$TMP/full" >>"$TMP/full.err"
			not_ok "${cmd%% /*} on a full disk: names the file and ENOSPC, leaves nothing" "$TMP/full.err"
		fi
	done
	umount "$TMP/full"
else
	skip "ENOSPC: needs root to mount a small tmpfs"
fi

# --- 12: record's arguments: a clear error and exit 2, before tracing ---
# (each fails in option parsing, so nothing is attached)
record_usage() {
	local name=$1 pattern=$2 rc
	shift 2
	"$MBT" record "$@" -w "$TMP/never.pcap" >"$TMP/rec.out" 2>&1
	rc=$?
	if [ "$rc" -eq 2 ] && grep -qE -- "$pattern" "$TMP/rec.out" &&
		[ ! -e "$TMP/never.pcap" ]; then
		ok "$name"
	else
		echo "exit $rc" >>"$TMP/rec.out"
		not_ok "$name" "$TMP/rec.out"
	fi
}
record_usage "record --pid 0: said, exit 2" "--pid '0': not a whole number from 1" --pid 0
record_usage "record --functions with a bad regex: exit 2" \
	"not a regular expression" --functions '(tcp_'
record_usage "record -i lo@/etc/passwd: not a namespace" \
	"is not a network namespace" -i lo@/etc/passwd
record_usage "record -i lo@../..: a directory is not a namespace" \
	"is not a network namespace" -i lo@../..

finish
