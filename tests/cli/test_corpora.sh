#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every subcommand, built with ASan/UBSan, over the fuzz corpora (issue 12):
# the traces the fuzzers start from (cycles, unknown codes, hostile
# strings, malformed traces) as captures, through read, paths, diff,
# expect, explain and graph in each output format; the pcap and pcapng
# corpora as files and as standard input; the expect and IMUNES corpora as
# expect -f cases and graph --topology files.  A command may refuse an
# input (exit 1 or 2); it may not crash or trip a sanitizer, and what it
# prints holds no control character but the newline.  (fuzz_packet's
# packets, fuzz_linux_*'s recorder events are no input a command takes.)
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
SAN=${SAN_MBT:-$ROOT/build-san/bin/mbuftrace}

if [ ! -x "$SAN" ]; then
	skip "no sanitizer build ($SAN): make test-san"
	finish
	exit
fi

# One capture per corpus: each file a packet (fuzz_graph's files hold
# several traces separated by "MBTX"); fuzz_pcap's files are captures.
python3 - "$TMP" <<'PY'
import os, struct, sys
out = sys.argv[1]
def write(name, packets):
    with open(os.path.join(out, name + ".pcap"), "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 262144, 147))
        for i, p in enumerate(packets):
            f.write(struct.pack("<IIII", 1767132000 + i, 0, len(p), len(p)))
            f.write(p)
for corpus in ("fuzz_read", "fuzz_decode", "fuzz_graph"):
    d = os.path.join("tests/fuzz/corpus", corpus)
    packets = []
    for name in sorted(os.listdir(d)):
        data = open(os.path.join(d, name), "rb").read()[:262144]
        packets += data.split(b"MBTX") if corpus == "fuzz_graph" else [data]
    write(corpus, packets)
PY
cp tests/fuzz/corpus/fuzz_pcap/* "$TMP/"
for f in tests/fuzz/corpus/fuzz_pcapng/*; do
	cp "$f" "$TMP/$(basename "$f" .pcapng).pcapng"
done
printf 'case any\n  match ip\n  ends delivered\n' >"$TMP/any.expect"

# run NAME ARGS...: the sanitizer build exits normally, says nothing of a
# sanitizer, and prints no control character (C0 but newline, DEL, C1,
# bidirectional overrides); standard input is $STDIN (default none).
run() {
	local name=$1 rc
	shift
	ASAN_OPTIONS=detect_leaks=1 "$SAN" "$@" >"$TMP/run.out" 2>&1 <"${STDIN:-/dev/null}"
	rc=$?
	if [ "$rc" -le 2 ] &&
		! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$TMP/run.out" &&
		! LC_ALL=C grep -qP '[\x00-\x09\x0b-\x1f\x7f]|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]' "$TMP/run.out"; then
		ok "$name"
	else
		echo "exit $rc" >>"$TMP/run.out"
		not_ok "$name" "$TMP/run.out"
	fi
}

for cap in "$TMP"/*.pcap "$TMP"/*.pcapng; do
	c=$(basename "$cap")
	run "$c: read" read "$cap"
	STDIN=$cap run "$c: read -" read -
	STDIN=$cap run "$c: paths -" paths -
	run "$c: explain" explain "$cap"
	run "$c: read --json" read --json "$cap"
	run "$c: read --write-pcapng" read --write-pcapng "$TMP/out.pcapng" "$cap"
	run "$c: paths" paths "$cap"
	run "$c: paths --json" paths --json "$cap"
	run "$c: diff 1 2" diff "$cap" 1 2
	run "$c: diff --json 2 3" diff --json "$cap" 2 3
	run "$c: diff --flows" diff --flows "$cap"
	run "$c: expect" expect -f "$TMP/any.expect" "$cap"
	run "$c: graph (dot)" graph -o "$TMP/g.dot" "$cap"
	run "$c: graph --sequence" graph --sequence -o "$TMP/s.dot" "$cap"
	run "$c: graph (html)" graph -o "$TMP/g.html" "$cap"
	run "$c: graph --topology" graph --topology examples/imunes/lab.imn \
		-o "$TMP/t.dot" "$cap"
done

# The expectations and topologies the fuzzers start from, hostile ones too,
# over the hostile traces.
for f in tests/fuzz/corpus/fuzz_expect/*; do
	run "expect -f $(basename "$f")" expect -f "$f" "$TMP/fuzz_graph.pcap"
	run "expect --json -f $(basename "$f")" expect --json -f "$f" "$TMP/fuzz_graph.pcap"
done
for f in tests/fuzz/corpus/fuzz_imn/*; do
	run "graph --topology $(basename "$f")" graph --topology "$f" \
		-o "$TMP/t.dot" "$TMP/fuzz_graph.pcap"
	run "graph --topology $(basename "$f") (html)" graph --topology "$f" \
		-o "$TMP/t.html" "$TMP/fuzz_graph.pcap"
done

finish
