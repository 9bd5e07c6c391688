#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Every subcommand, built with ASan/UBSan, over the fuzz corpora (issue 12):
# the traces the fuzzers start from (cycles, unknown codes, hostile
# strings, malformed traces) as captures, through read, paths, diff,
# expect and graph in each output format.  A command may refuse an input
# (exit 1 or 2); it may not crash or trip a sanitizer.
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
printf 'case any\n  match ip\n  ends delivered\n' >"$TMP/any.expect"

# run NAME ARGS...: the sanitizer build exits normally and says nothing
# of a sanitizer.
run() {
	local name=$1 rc
	shift
	ASAN_OPTIONS=detect_leaks=1 "$SAN" "$@" >"$TMP/run.out" 2>&1 </dev/null
	rc=$?
	if [ "$rc" -le 2 ] &&
		! grep -qE 'AddressSanitizer|runtime error|LeakSanitizer' "$TMP/run.out"; then
		ok "$name"
	else
		echo "exit $rc" >>"$TMP/run.out"
		not_ok "$name" "$TMP/run.out"
	fi
}

for cap in "$TMP"/*.pcap; do
	c=$(basename "$cap" .pcap)
	run "$c: read" read "$cap"
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

finish
