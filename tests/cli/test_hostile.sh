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
if [ "$(grep -o '"ends":{"unknown":1}' "$TMP/hostile.html" | wc -l)" -eq 13 ]; then
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
# Columns hold with escaped, wide and combining names: in each trace the
# record text starts in one column, counted as a terminal shows it.
if python3 - "$TMP/read.txt" <<'PY'
import sys, unicodedata
def cols(s):
    return sum(0 if unicodedata.combining(c) else
               2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in s)
starts = set()
for line in open(sys.argv[1], encoding="utf-8"):
    if line.startswith("#"):
        if len(starts) > 1:
            sys.exit("columns differ: %s" % sorted(starts))
        starts = set()
    for word in ("  packet ethernet", "  iface eth0 ns"):
        if line.startswith("   +") and word in line:
            starts.add(cols(line[:line.index(word)]))
PY
then
	ok "read: columns align with escaped, wide and combining names"
else
	not_ok "read: columns align with escaped, wide and combining names" "$TMP/read.txt"
fi
if grep -qF ' \\x1b literal' "$TMP/read.txt"; then
	ok "read: a literal backslash is doubled, so \xHH is always a byte"
else
	not_ok "read: a literal backslash is doubled, so \xHH is always a byte" "$TMP/read.txt"
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

# pcapng comments (read --write-pcapng) are UTF-8 with no control but the
# newlines between records: tshark prints them to terminals.
"$MBT" read --write-pcapng "$TMP/h.pcapng" "$TMP/hostile.pcap" >/dev/null 2>&1
# (the long-name trace has no snapshot: 12 comments for 13 traces)
if python3 tests/tools/pcapng_comments.py "$TMP/h.pcapng" --count 12 \
	>"$TMP/comments.txt" 2>&1
then
	ok "read --write-pcapng: comments are UTF-8, names escaped"
else
	not_ok "read --write-pcapng: comments are UTF-8, names escaped" "$TMP/comments.txt"
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
# interface 0 before it; nanosecond timestamps on interface 1.  Interface
# 0's if_name is hostile: the note that names it must escape it.
"$MKPATHS" lab "$TMP/lab.pcap"
python3 - "$TMP/lab.pcap" "$TMP/mixed.pcapng" <<'PY'
import struct, sys
d = open(sys.argv[1], "rb").read()
def block(t, body):
    body += b"\0" * (-len(body) % 4)
    n = len(body) + 12
    return struct.pack("<II", t, n) + body + struct.pack("<I", n)
def opt(code, v):
    return struct.pack("<HH", code, len(v)) + v + b"\0" * (-len(v) % 4)
name = b"eth0\x1b]0;owned\x07"
out = block(0x0A0D0D0A, struct.pack("<IHHq", 0x1A2B3C4D, 1, 0, -1))
out += block(1, struct.pack("<HHI", 1, 0, 262144) + opt(2, name) + opt(0, b""))
out += block(1, struct.pack("<HHI", 147, 0, 262144) + opt(9, b"\x09") +
             opt(0, b""))
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
# The traces are those of the lab, and keep the file's frame numbers (each
# is frame 2k, after its Ethernet frame), as Wireshark numbers them.
halve() {
	python3 -c '
import re, sys
for line in sys.stdin:
    if line.startswith("#"):
        line = re.sub(r"^#(\d+)", lambda m: "#%d" % (int(m.group(1)) // 2), line)
    elif re.match(r"\s+frames? ", line):
        line = re.sub(r"\d+", lambda m: str(int(m.group()) // 2), line)
    sys.stdout.write(line)'
}
for cmd in read paths; do
	"$MBT" $cmd "$TMP/lab.pcap" >"$TMP/lab.txt" 2>&1
	"$MBT" $cmd "$TMP/mixed.pcapng" 2>"$TMP/mixed.err" | halve >"$TMP/mixed.txt"
	if diff -u "$TMP/lab.txt" "$TMP/mixed.txt" >"$TMP/mixed.diff"; then
		ok "$cmd: pcapng with two link types: its DLT_USER0 traces, the file's frame numbers"
	else
		not_ok "$cmd: pcapng with two link types: its DLT_USER0 traces, the file's frame numbers" "$TMP/mixed.diff"
	fi
done
if grep -qF "11 packets of other link types skipped (not traces), on 1 interface; the first: frame 1 on interface 0 'eth0\x1b]0;owned\x07', EN10MB" "$TMP/mixed.err"; then
	ok "the skipped packets are counted, their interface named, escaped"
else
	not_ok "the skipped packets are counted, their interface named, escaped" "$TMP/mixed.err"
fi
no_controls "the note on skipped packets holds no control" "$TMP/mixed.err"
if command -v tshark >/dev/null; then
	tshark -r "$TMP/mixed.pcapng" -Y 'frame.interface_id == 1' \
		-T fields -e frame.number 2>/dev/null | tr '\n' ' ' >"$TMP/ws.frames"
	"$MBT" read --json "$TMP/mixed.pcapng" 2>/dev/null |
		python3 -c 'import json, sys; print(" ".join(str(json.loads(l)["frame"]) for l in sys.stdin), end=" ")' \
			>"$TMP/mbt.frames"
	if [ -s "$TMP/ws.frames" ] && cmp -s "$TMP/ws.frames" "$TMP/mbt.frames"; then
		ok "read --json: frame numbers are Wireshark's"
	else
		cat "$TMP/ws.frames" "$TMP/mbt.frames" >"$TMP/frames.diff"
		not_ok "read --json: frame numbers are Wireshark's" "$TMP/frames.diff"
	fi
else
	skip "tshark missing: frame numbers not compared with Wireshark's"
fi

# Standard input, a pipe and a process substitution are streams (never
# seeked): every subcommand reads the mixed file from each as from the file.
printf 'case any\n  match ip\n  ends consumed\n' >"$TMP/mixed.expect"
stream_alike() {
	local name=$1 rcf rcs rcp
	shift
	"$MBT" "$@" "$TMP/mixed.pcapng" >"$TMP/m-file.out" 2>&1
	rcf=$?
	"$MBT" "$@" - <"$TMP/mixed.pcapng" >"$TMP/m-stdin.out" 2>&1
	rcs=$?
	cat "$TMP/mixed.pcapng" | "$MBT" "$@" - >"$TMP/m-pipe.out" 2>&1
	rcp=${PIPESTATUS[1]}
	"$MBT" "$@" <(cat "$TMP/mixed.pcapng") >"$TMP/m-subst.out" 2>&1
	sed -i "s#$TMP/mixed.pcapng#-#g" "$TMP/m-file.out"
	sed -i "s#/dev/fd/[0-9]*#-#g" "$TMP/m-subst.out"
	if [ "$rcf" -le 1 ] && [ "$rcf" = "$rcs" ] && [ "$rcf" = "$rcp" ] &&
		grep -q "skipped (not traces)" "$TMP/m-file.out" &&
		cmp -s "$TMP/m-file.out" "$TMP/m-stdin.out" &&
		cmp -s "$TMP/m-file.out" "$TMP/m-pipe.out" &&
		cmp -s "$TMP/m-file.out" "$TMP/m-subst.out"; then
		ok "$name: a mixed pcapng from a file, stdin, a pipe, <(...) alike"
	else
		diff "$TMP/m-file.out" "$TMP/m-subst.out" >"$TMP/m.diff"
		echo "exit $rcf $rcs $rcp" >>"$TMP/m.diff"
		not_ok "$name: a mixed pcapng from a file, stdin, a pipe, <(...) alike" "$TMP/m.diff"
	fi
}
stream_alike read read
stream_alike "read --json" read --json
stream_alike paths paths
stream_alike expect expect -f "$TMP/mixed.expect"
stream_alike explain explain
stream_alike graph graph -o "$TMP/m.dot"
"$MBT" diff - 2 4 <"$TMP/mixed.pcapng" >"$TMP/m-diff.out" 2>&1
"$MBT" diff - 1 4 <"$TMP/mixed.pcapng" >"$TMP/m-diff1.out" 2>&1
rc=$?
if grep -q "^A: frame 2," "$TMP/m-diff.out" && [ "$rc" -ne 0 ] &&
	grep -q "has no trace at frame 1 (it holds packets of other link types)" "$TMP/m-diff1.out"; then
	ok "diff: frames are the file's; an Ethernet frame is said not to be a trace"
else
	cat "$TMP/m-diff.out" >>"$TMP/m-diff1.out"
	not_ok "diff: frames are the file's; an Ethernet frame is said not to be a trace" "$TMP/m-diff1.out"
fi
# A classic pcap through a pipe; a stream cut short; one that is no capture.
if "$MBT" read <(cat "$TMP/lab.pcap") >"$TMP/p.out" 2>&1 &&
	"$MBT" read "$TMP/lab.pcap" | cmp -s - "$TMP/p.out"; then
	ok "read <(cat x.pcap): a classic pcap from a pipe"
else
	not_ok "read <(cat x.pcap): a classic pcap from a pipe" "$TMP/p.out"
fi
head -c 100 "$TMP/lab.pcap" | "$MBT" read - >"$TMP/p.out" 2>&1
rc=${PIPESTATUS[1]}
echo "exit $rc" >>"$TMP/p.out"
if [ "$rc" -eq 2 ] && grep -q "after frame 0: truncated dump file" "$TMP/p.out"; then
	ok "read -: a pcap stream cut short is an error that says so"
else
	not_ok "read -: a pcap stream cut short is an error that says so" "$TMP/p.out"
fi
echo "not a capture" | "$MBT" read - >"$TMP/p.out" 2>&1
rc=${PIPESTATUS[1]}
if [ "$rc" -eq 2 ] && grep -q -- "-: not a pcap or pcapng capture" "$TMP/p.out"; then
	ok "read -: a stream that is no capture is refused"
else
	not_ok "read -: a stream that is no capture is refused" "$TMP/p.out"
fi

# --- 5: the output is never the input ---
cp "$TMP/ring.pcap" "$TMP/in.pcap"
# refused NAME WHY ARGS...: mbuftrace ARGS (standard input in.pcap) fails,
# says WHY, and leaves the capture as it was.
refused() {
	local name=$1 why=$2 rc
	shift 2
	"$MBT" "$@" <"$TMP/in.pcap" >"$TMP/same.out" 2>&1
	rc=$?
	if [ "$rc" -ne 0 ] && cmp -s "$TMP/in.pcap" "$TMP/ring.pcap" &&
		grep -qF "$why" "$TMP/same.out"; then
		ok "$name: refused, the capture untouched"
	else
		not_ok "$name: refused, the capture untouched" "$TMP/same.out"
	fi
}
X=$TMP/in.pcap
refused "read --write-pcapng X X" "that is the input" read --write-pcapng "$X" "$X"
refused "graph -o X X" "that is the input" graph -o "$X" "$X"
refused "merge -w X X" "that is the input" merge -w "$X" "$X"
refused "merge --write=X X" "that is the input" merge "--write=$X" "$X"
refused "export --otlp X X" "that is the input" export --otlp "$X" "$X"
refused "read --write-pcapng X - < X" "that is the input (standard input)" \
	read --write-pcapng "$X" -
refused "graph -o X - < X" "that is the input (standard input)" graph -o "$X" -
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
ln -s "$TMP/target" "$TMP/sticky/m.pcapng"
ln -s "$TMP/target" "$TMP/sticky/o.json"
"$MBT" graph -o "$TMP/sticky/g.dot" "$TMP/ring.pcap" >/dev/null 2>&1
"$MBT" read --write-pcapng "$TMP/sticky/p.pcapng" "$TMP/ring.pcap" >/dev/null 2>&1
"$MBT" merge -w "$TMP/sticky/m.pcapng" "$TMP/ring.pcap" >/dev/null 2>&1
"$MBT" export --otlp "$TMP/sticky/o.json" "$TMP/ring.pcap" >/dev/null 2>&1
if [ "$(cat "$TMP/target")" = precious ] && [ ! -L "$TMP/sticky/g.dot" ] &&
	grep -q '^digraph' "$TMP/sticky/g.dot" && [ ! -L "$TMP/sticky/m.pcapng" ] &&
	[ ! -L "$TMP/sticky/o.json" ] && grep -q resourceSpans "$TMP/sticky/o.json"; then
	ok "graph -o, --write-pcapng, merge -w, export --otlp: a planted symlink is replaced, its target untouched"
else
	not_ok "graph -o, --write-pcapng, merge -w, export --otlp: a planted symlink is replaced, its target untouched"
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
		"graph -o $TMP/full/g.dot" "merge -w $TMP/full/m.pcapng" \
		"export --otlp $TMP/full/o.json"; do
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
