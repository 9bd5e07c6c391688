#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `mbuftrace merge` and the commands that read several captures, on three
# hosts' captures that mkjourney writes with known clock offsets, NAT on
# the router, a drop, and two packets nobody can tell apart.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
GOLDEN=tests/journey/expected
MKJOURNEY=${MKJOURNEY:-$ROOT/build/bin/mkjourney}

"$MKJOURNEY" "$TMP" || not_ok "mkjourney"
H="$TMP/h1.pcap $TMP/h2.pcap $TMP/h3.pcap"

# shellcheck disable=SC2086
"$MBT" merge $H -w "$TMP/j.pcapng" 2>"$TMP/report.txt"
echo "exit $?" >>"$TMP/report.txt"
check_golden "merge: what it joined and refused" "$TMP/report.txt" \
	"$GOLDEN/report.txt"
"$MBT" read "$TMP/j.pcapng" >"$TMP/read.txt" 2>&1
check_golden "merge: the journeys, read" "$TMP/read.txt" "$GOLDEN/read.txt"
"$MBT" read --json "$TMP/j.pcapng" >"$TMP/j.jsonl" 2>&1

# Facts from the JSON, not from our text: each offset is the true one
# within the error merge states; hosts in order; NAT seen; drop kept.
cat >"$TMP/check.py" <<'PY'
import json, sys
traces = [json.loads(l) for l in open(sys.argv[1])]
true = {"h1": 0, "h2": -5000300000, "h3": 3200000000}
fails = []
def hops(t):
    return [r["host"] for r in t["records"]
            if "clock_offset_ns" in r]
seen = {}
for t in traces:
    for r in t["records"]:
        if "host" not in r:
            fails.append("a record without its host")
        if "clock_offset_ns" in r:
            off, err = r["clock_offset_ns"], r.get("clock_error_ns")
            if err is None or abs(off - true[r["host"]]) > err:
                fails.append("%s: %d +/- %s, truly %d" % (
                    r["host"], off, err, true[r["host"]]))
            seen[r["host"]] = (off, err)
    times = [r["time_ns"] for r in t["records"] if "time_ns" in r]
    if times != sorted(times):
        fails.append("frame %d: times go back" % t["frame"])
paths = [hops(t) for t in traces]
want = {"requests": ["h1", "h2", "h3"], "replies": ["h3", "h2", "h1"],
        "dropped": ["h1", "h2"]}
if paths.count(want["requests"]) != 3: fails.append("3 requests h1>h2>h3")
if paths.count(want["replies"]) != 3: fails.append("3 replies h3>h2>h1")
if paths.count(want["dropped"]) != 1: fails.append("1 drop h1>h2")
alone = [p for p in paths if len(p) == 1]
if len(alone) != 4: fails.append("4 UDP twins left alone, not %d" % len(alone))
if sorted(seen) != ["h1", "h2", "h3"]: fails.append("offsets of 3 hosts")
if seen.get("h2", (0, 10**9))[1] > 1000000:
    fails.append("h2's error %s is over 1 ms" % (seen.get("h2"),))
print("\n".join(fails) or "ok")
sys.exit(1 if fails else 0)
PY
check "merge: offsets within the stated error, hosts in order" \
	python3 "$TMP/check.py" "$TMP/j.jsonl"

# The joins do not depend on the order the captures come in; the first
# capture's host gives the clock.
"$MBT" merge "$TMP/h3.pcap" "$TMP/h1.pcap" "$TMP/h2.pcap" \
	-w "$TMP/j3.pcapng" 2>"$TMP/report3.txt"
if grep -q "13 joins, 11 journeys, 7 of them across hosts" \
	"$TMP/report3.txt" && grep -q "clock of h3: the reference" \
	"$TMP/report3.txt" && grep -q "clock of h1: -3.2" "$TMP/report3.txt"
then
	ok "merge: another order, the same joins, h3's clock"
else
	not_ok "merge: another order, the same joins, h3's clock" \
		"$TMP/report3.txt"
fi

# Packets that look the same are refused, and said so.
if grep -q "refused: h1 frame 8 left as UDP 10.0.1.1:5000 > 10.0.3.3:53.*h2 frame 8, h2 frame 9; not joined" \
	"$TMP/report.txt"; then
	ok "merge: refuses packets it cannot tell apart"
else
	not_ok "merge: refuses packets it cannot tell apart" "$TMP/report.txt"
fi

# --host names the host; NAME=FILE as an argument too.
"$MBT" merge --host alpha="$TMP/h1.pcap" beta="$TMP/h2.pcap" "$TMP/h3.pcap" \
	-w "$TMP/named.pcapng" 2>/dev/null
"$MBT" read "$TMP/named.pcapng" 2>&1 | grep -c "host alpha\|host beta" \
	>"$TMP/named.txt"
if [ "$(cat "$TMP/named.txt")" -gt 10 ]; then
	ok "merge: --host NAME=FILE and NAME=FILE name the hosts"
else
	not_ok "merge: --host NAME=FILE and NAME=FILE name the hosts" \
		"$TMP/named.txt"
fi

# The commands that read captures read several: the same journeys.
# shellcheck disable=SC2086
"$MBT" read $H >"$TMP/read-many.txt" 2>/dev/null
check "read FILE...: the same as reading the merged capture" \
	diff -u "$TMP/read.txt" "$TMP/read-many.txt"
# shellcheck disable=SC2086
"$MBT" paths $H >"$TMP/paths.txt" 2>/dev/null
check_golden "paths FILE...: paths across hosts" "$TMP/paths.txt" \
	"$GOLDEN/paths.txt"
# shellcheck disable=SC2086
check "expect FILE...: requests cross h2 (after NAT) and end on h3" \
	"$MBT" expect --match 'icmp[0] = 8 and icmp[7] < 4' \
	--through h2:vtnet1 --ends consumed@h3 $H
# shellcheck disable=SC2086
"$MBT" expect --match 'icmp[0] = 8' --through h2:vtnet1 $H \
	>"$TMP/expect.txt" 2>&1
if [ $? -eq 1 ] && grep -q "ends dropped in h2 at step 10: PFIL_DROP" \
	"$TMP/expect.txt"; then
	ok "expect FILE...: the request pf dropped on h2 fails, and says where"
else
	not_ok "expect FILE...: the request pf dropped on h2 fails" \
		"$TMP/expect.txt"
fi
# shellcheck disable=SC2086
"$MBT" graph -o "$TMP/g.dot" $H 2>/dev/null
if grep -q 'label="{h1|{<p0> eth0}}"' "$TMP/g.dot" &&
	grep -q 'label="{h2|{<p0> vtnet0|<p1> vtnet1}}"' "$TMP/g.dot" &&
	grep -q 'label="{h3|{<p0> eth0}}"' "$TMP/g.dot"; then
	ok "graph FILE...: each host its own box"
else
	not_ok "graph FILE...: each host its own box" "$TMP/g.dot"
fi

# Usage errors.
"$MBT" merge "$TMP/h1.pcap" >/dev/null 2>"$TMP/err.txt"
if [ $? -eq 2 ] && grep -q "give -w OUT" "$TMP/err.txt"; then
	ok "merge without -w: a usage error"
else
	not_ok "merge without -w: a usage error" "$TMP/err.txt"
fi
"$MBT" merge "$TMP/nope.pcap" -w "$TMP/x" >/dev/null 2>"$TMP/err.txt"
if [ $? -eq 2 ] && grep -q "nope.pcap" "$TMP/err.txt"; then
	ok "merge: a missing capture is named"
else
	not_ok "merge: a missing capture is named" "$TMP/err.txt"
fi

# A host named by its file: a C1 control (CSI) in the name reaches the
# terminal escaped, as every other string does.
cp "$TMP/h2.pcap" "$TMP/h$(printf '\302\233')2J.pcap"
"$MBT" merge "$TMP/h1.pcap" "$TMP/h$(printf '\302\233')2J.pcap" "$TMP/h3.pcap" \
	-w "$TMP/c1.pcap" 2>"$TMP/c1.err"
if grep -qF 'clock of h\u009b2J:' "$TMP/c1.err" &&
	! grep -q "$(printf '\302\233')" "$TMP/c1.err"; then
	ok "merge: a host name's control characters are escaped in the report"
else
	not_ok "merge: a host name's control characters are escaped in the report" "$TMP/c1.err"
fi

# C0 controls too, and a name is an identity: "x<SOH>" and "x<STX>" are two
# hosts (once both were cleaned to "x?", one host).  The joined capture's
# comments name them escaped (a pcapng comment is UTF-8 that tshark prints
# to terminals), and read shows them escaped.
cp "$TMP/h1.pcap" "$TMP/x$(printf '\001').pcap"
cp "$TMP/h3.pcap" "$TMP/x$(printf '\002').pcap"
"$MBT" merge "$TMP/x$(printf '\001').pcap" "$TMP/h2.pcap" \
	"$TMP/x$(printf '\002').pcap" -w "$TMP/c2.pcap" 2>"$TMP/c2.err"
"$MBT" read "$TMP/c2.pcap" >"$TMP/c2.txt" 2>&1
python3 tests/tools/pcapng_comments.py "$TMP/c2.pcap" >"$TMP/c2.comments" 2>&1
rc=$?
if [ "$rc" -eq 0 ] && grep -qF 'clock of x\x01:' "$TMP/c2.err" &&
	grep -qF 'clock of x\x02:' "$TMP/c2.err" &&
	grep -qF 'journey x\x01 > h2 > x\x02' "$TMP/c2.comments" &&
	grep -qF 'x\x02/' "$TMP/c2.txt" &&
	! LC_ALL=C grep -q '[[:cntrl:]]' <(tr -d '\n' <"$TMP/c2.txt"); then
	ok "merge: hosts x^A and x^B stay two; escaped in report, comments, read"
else
	cat "$TMP/c2.err" "$TMP/c2.comments" >>"$TMP/c2.txt"
	not_ok "merge: hosts x^A and x^B stay two; escaped in report, comments, read" "$TMP/c2.txt"
fi

finish
