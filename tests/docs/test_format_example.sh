#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The worked example in docs/format.md is real: its annotated bytes are
# extracted, checked for contiguous offsets, wrapped in a pcap and decoded
# by mbuftrace read, which must find the trace the text describes.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

python3 - docs/format.md "$TMP/example.pcap" >"$TMP/extract.log" 2>&1 <<'PY'
import re, struct, sys
text = open(sys.argv[1]).read()
section = text.split("## Worked example", 1)[1].split("\n## ", 1)[0]
block = section.split("```", 2)[1]
data = bytearray()
line_re = re.compile(r"^([0-9a-f]{4})  ((?:[0-9a-f]{2} )*[0-9a-f]{2})(?:  |$)")
for line in block.splitlines():
    m = line_re.match(line)
    if not m:
        continue
    off = int(m.group(1), 16)
    if off != len(data):
        sys.exit(f"offset {off:#06x} follows {len(data):#06x} bytes")
    data += bytes(int(b, 16) for b in m.group(2).split())
print(f"{len(data)} bytes")
with open(sys.argv[2], "wb") as f:
    f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 147))
    f.write(struct.pack("<IIII", 1767225600, 0, len(data), len(data)))
    f.write(data)
PY
check "the example's bytes have contiguous offsets" test $? -eq 0
check "the example is 335 bytes, as the text says" grep -qx "335 bytes" "$TMP/extract.log"

"$MBT" read "$TMP/example.pcap" >"$TMP/example.txt" 2>&1
echo "exit $?" >>"$TMP/example.txt"
check_golden "mbuftrace read decodes the example" "$TMP/example.txt" \
	tests/docs/format-example.txt
finish
