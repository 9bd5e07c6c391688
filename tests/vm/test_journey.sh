#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# A journey across three real kernels: three guests of tests/vm/run
# (kernel 6.12), joined by QEMU socket links on 127.0.0.1 (h1 -- h2 -- h3,
# h2 routing), their clocks set 7 s ahead (h2) and 4 s behind (h3) of
# h1's.  Each records ICMP; h1 pings h3; `mbuftrace merge` must join each
# echo request as h1 > h2 > h3 and each reply as h3 > h2 > h1, and find
# the clocks within 1.5 s of the skew set (the guests' clocks start from
# the RTC, which has whole seconds) with a stated error under 0.1 s.
# MBT_VM=0 skips it.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/vm/lib.sh

vm_suite_runs || {
	finish
	exit
}
if [ ! -x build/bin/mbuftrace ]; then
	not_ok "build/bin/mbuftrace is built (make all)"
	finish
	exit
fi
mkdir -p build/vm
OUT=$(mktemp -d "$ROOT/build/vm/test_journey.XXXXXX")
trap 'rm -rf "$TMP" "$OUT"' EXIT

# Two free ports for the two links (the listening guest binds them).
read -r PA PB < <(python3 -c 'import socket
s = [socket.socket() for _ in range(2)]
for x in s: x.bind(("127.0.0.1", 0))
print(*[x.getsockname()[1] for x in s])')
nic() { # ID MAC SOCKET-OPTION
	echo "-netdev socket,id=$1,$3 -device virtio-net-pci,netdev=$1,mac=$2"
}
guest() { # ROLE SKEW QEMU-ARGS
	MBT_VM_CPUS=1 MBT_VM_MEM=512 MBT_VM_QEMU_ARGS=$3 \
		$RUN --kernel 6.12 --timeout 280 \
		bash tests/vm/journey-guest.sh "$1" "$OUT" "$2" \
		>"$OUT/$1.vm.log" 2>&1
	echo $? >"$OUT/$1.rc"
}
# The listening side of each link starts first; QEMU does not wait for
# the other end.
guest h1 0 "$(nic n0 52:54:00:00:01:01 listen=127.0.0.1:$PA)" &
sleep 1
guest h2 7 "$(nic n0 52:54:00:00:02:01 connect=127.0.0.1:$PA) $(nic n1 52:54:00:00:02:03 listen=127.0.0.1:$PB)" &
sleep 1
guest h3 -4 "$(nic n0 52:54:00:00:03:03 connect=127.0.0.1:$PB)" &
wait

for h in h1 h2 h3; do
	if [ "$(cat "$OUT/$h.rc" 2>/dev/null)" = 0 ] && [ -s "$OUT/$h.pcap" ]
	then
		ok "$h: booted, recorded, left its capture"
	else
		cat "$OUT/$h.record.log" >>"$OUT/$h.vm.log" 2>/dev/null
		not_ok "$h: booted, recorded, left its capture" "$OUT/$h.vm.log"
	fi
done
if grep -q "3 packets transmitted, 3 packets received" "$OUT/ping.txt" \
	2>/dev/null; then
	ok "h1 pinged h3 through h2"
else
	not_ok "h1 pinged h3 through h2" "$OUT/ping.txt"
fi

"$MBT" merge "$OUT/h1.pcap" "$OUT/h2.pcap" "$OUT/h3.pcap" \
	-w "$OUT/j.pcapng" 2>"$OUT/report.txt"
cat "$OUT/report.txt"
"$MBT" read --json "$OUT/j.pcapng" >"$OUT/j.jsonl" 2>&1
"$MBT" read "$OUT/j.pcapng" >"$OUT/j.txt" 2>&1
cat >"$TMP/check.py" <<'PY'
import json, sys
traces = [json.loads(l) for l in open(sys.argv[1])]
drift_reported = "contradict each other" in open(sys.argv[2]).read()
skew = {"h1": 0, "h2": -7e9, "h3": 4e9}
fails, req, rep = [], 0, 0
for t in traces:
    hops = [r for r in t["records"] if "clock_offset_ns" in r]
    hosts = [r["host"] for r in hops]
    summary = t.get("summary", "")
    if hosts == ["h1", "h2", "h3"] and "echo request" in summary:
        req += 1
    if hosts == ["h3", "h2", "h1"] and "echo reply" in summary:
        rep += 1
    for r in hops:
        off, err = r["clock_offset_ns"], r.get("clock_error_ns")
        if abs(off - skew[r["host"]]) > 1.5e9:
            fails.append("%s offset %d, set %d" % (r["host"], off,
                                                   skew[r["host"]]))
        if r["host"] != "h1" and (err is None or err > 1e8):
            fails.append("%s error %s" % (r["host"], err))
    # Emulated guests' clocks drift; where merge found its joins
    # contradict one offset it says so, and one clock cannot order them.
    times = [r["time_ns"] for r in t["records"] if "time_ns" in r]
    if times != sorted(times) and not drift_reported:
        fails.append("frame %d: times go back" % t["frame"])
if req < 3: fails.append("%d requests h1 > h2 > h3, want 3 or more" % req)
if rep < 3: fails.append("%d replies h3 > h2 > h1, want 3 or more" % rep)
print("\n".join(fails) or "%d requests, %d replies joined" % (req, rep))
sys.exit(1 if fails else 0)
PY
if python3 "$TMP/check.py" "$OUT/j.jsonl" "$OUT/report.txt" >"$TMP/check.txt" 2>&1; then
	ok "merge: requests h1 > h2 > h3, replies back, clocks found ($(cat "$TMP/check.txt"))"
else
	cat "$OUT/report.txt" "$OUT/j.txt" >>"$TMP/check.txt"
	not_ok "merge: requests h1 > h2 > h3, replies back, clocks found" \
		"$TMP/check.txt"
fi
# Each offset within 1.5 s of the skew set (guest clocks start from the
# RTC in whole seconds), with an error under 0.1 s.
if python3 - "$OUT/report.txt" <<-'PY'
	import re, sys
	got = dict(re.findall(r"^clock of (h[23]): ([-+][0-9.]+) s to h1's \+/- 0\.0",
	                      open(sys.argv[1]).read(), re.M))
	sys.exit(not (abs(float(got.get("h2", "nan")) + 7) <= 1.5 and
	              abs(float(got.get("h3", "nan")) - 4) <= 1.5))
	PY
then
	ok "merge reports both offsets with their error"
else
	not_ok "merge reports both offsets with their error" "$OUT/report.txt"
fi
finish
