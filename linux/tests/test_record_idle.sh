#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The idle path of `mbuftrace record` (issue 14): while no trace is live,
# the hooks where no trace starts return after one read of the count of
# live traces (ntracked in the eBPF object's .bss).  A user arms record
# and leaves it running on a busy host: that is only cheap while the
# count is 0.  Checked here: it stays 0 when the filter matches nothing,
# it comes back to 0 when traced packets end, and a count left too high
# (an entry the LRU evicted, an end that was missed) is set right by
# record's sweep.  The traffic is ICMP on a test namespace's loopback.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. linux/tests/record_lib.sh

NS=mbt-idle$$
REC=
cleanup() {
	[ -n "$REC" ] && kill -9 "$REC" 2>/dev/null
	ip netns del "$NS" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
record_can_run bpftool python3
ip netns add "$NS" && ip -n "$NS" link set lo up || skip_all "cannot make a namespace"

# start ARGS...: record in the background (REC) until its hooks are attached.
start() {
	"$MBT" record $RECORD_ARGS -w /dev/null "$@" 2>"$TMP/rec.err" &
	REC=$!
	for _ in $(seq 1 600); do
		grep -q "hooks attached" "$TMP/rec.err" 2>/dev/null && return 0
		kill -0 "$REC" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

stop() {
	kill -INT "$REC" 2>/dev/null
	wait "$REC"
	REC=
}

# The id of the .bss map of record's eBPF object, found among REC's fds
# (other programs may run record at the same time).
bss_id() {
	local f id
	for f in /proc/"$REC"/fdinfo/*; do
		id=$(awk '/^map_id:/ {print $2}' "$f" 2>/dev/null)
		[ -n "$id" ] || continue
		bpftool -j map show id "$id" 2>/dev/null | grep -q '"name":"record_b.bss"' &&
			echo "$id" && return
	done
}

# bss NAME: the value of global NAME in the .bss of record's object.
bss() {
	bpftool -j map dump id "$(bss_id)" | python3 -c 'import json, sys
for v in json.load(sys.stdin)[0]["formatted"]["value"][".bss"]:
    if sys.argv[1] in v:
        print(v[sys.argv[1]])' "$1"
}

# set_bss NAME VALUE: write a u64 global of the .bss, as a stray count
# would be left, and print its low byte read back at once.  Its offset
# comes from the object's BTF.
set_bss() {
	local id
	id=$(bss_id)
	python3 - "$id" "$1" "$2" <<-'EOF'
		import json, re, subprocess, sys
		mid, name, value = sys.argv[1], sys.argv[2], int(sys.argv[3])
		run = lambda *a: json.loads(subprocess.check_output(["bpftool", "-j", *a]))
		m = run("map", "show", "id", mid)
		btf = subprocess.check_output(["bpftool", "btf", "dump", "id",
		                               str(m["btf_id"]), "format", "raw"], text=True)
		sec = btf.split("DATASEC '.bss'")[1].split("\n[")[0]
		off = int(re.search(r"offset=(\d+) size=8 \(VAR '%s'\)" % name, sec).group(1))
		raw = bytearray(int(b, 16) for b in run("map", "dump", "id", mid)[0]["value"])
		raw[off:off + 8] = value.to_bytes(8, "little")
		subprocess.check_call(["bpftool", "map", "update", "id", mid, "key", "hex",
		                       "00", "00", "00", "00", "value", "hex",
		                       *("%02x" % b for b in raw)])
		# What was there just after (the sweep may reset it at any time).
		print(bytes(int(b, 16) for b in run("map", "dump", "id", mid)[0]["value"])[off])
	EOF
}

# wait_zero NAME: until the global is 0, for 3 s at most (record sweeps
# once a second); prints the last value read.
wait_zero() {
	local v
	for _ in $(seq 1 30); do
		v=$(bss "$1")
		[ "$v" = 0 ] && break
		sleep 0.1
	done
	echo "$v"
}

ping_lo() {
	ip netns exec "$NS" busybox ping -q -c "$1" -i 0.002 127.0.0.1 >/dev/null 2>&1
}

# --- armed with a filter that matches nothing: no trace is ever live ---
if start 'udp port 1'; then
	ping_lo 200
	live=$(bss ntracked)
	started=$(bss next_trace_id)
	stop
	if [ "$live" = 0 ] && [ "$started" = 0 ]; then
		ok "record armed with a filter matching nothing: 200 pings, no trace started, the live count stays 0 (hooks on their idle path)"
	else
		echo "live count $live, traces started $started" >"$TMP/why"
		not_ok "record armed with a filter matching nothing: the live count stays 0" "$TMP/why"
	fi
else
	not_ok "record 'udp port 1' attaches" "$TMP/rec.err"
fi

# --- traced packets end: the count comes back to 0 ---
if start icmp; then
	ping_lo 20
	sleep 0.3
	started=$(bss next_trace_id)
	live=$(bss ntracked) # each end lowered it: no need to wait for a sweep
	stop
	if [ "${started:-0}" -ge 40 ] && [ "$live" = 0 ]; then
		ok "record icmp: $started traces started, and once their packets ended the live count is 0 again"
	else
		echo "traces started $started, live count $live" >"$TMP/why"
		not_ok "record icmp: the live count is 0 again once traced packets ended" "$TMP/why"
	fi
else
	not_ok "record icmp attaches" "$TMP/rec.err"
fi

# --- a count left too high (an end missed) is set right by the sweep ---
if start 'udp port 1'; then
	high=$(set_bss ntracked 5 2>"$TMP/set.out")
	live=$(wait_zero ntracked)
	stop
	if [ "$high" = 5 ] && [ "$live" = 0 ]; then
		ok "a live count left too high with no trace in the map is reset to 0 by record's sweep"
	else
		echo "set to $high, then $live" >"$TMP/why"
		cat "$TMP/set.out" >>"$TMP/why"
		not_ok "a live count left too high is reset to 0 by record's sweep" "$TMP/why"
	fi
else
	not_ok "record 'udp port 1' attaches" "$TMP/rec.err"
fi

finish
