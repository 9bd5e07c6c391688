#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# record -w is written safely (issue 12, defects 7, 8 and 11 on record's
# side): a symlink planted in a sticky directory is not followed, an
# unprivileged run leaves an existing capture alone, and a full file system
# ends the capture at its last whole trace with an error naming the file.
# The traffic is ICMP on a test namespace's own loopback.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. linux/tests/record_lib.sh

NS=mbt-out$$
cleanup() {
	ip netns del "$NS" 2>/dev/null
	mountpoint -q "$TMP/full" 2>/dev/null && umount "$TMP/full"
	rm -rf "$TMP"
}
trap cleanup EXIT
record_can_run mountpoint setpriv
ip netns add "$NS" && ip -n "$NS" link set lo up || skip_all "cannot make a namespace"

# record_while_pinging OUTPUT COUNT: record ICMP to OUTPUT while the test
# namespace pings its loopback COUNT times; record's stderr in $TMP/rec.err.
record_while_pinging() {
	"$MBT" record $RECORD_ARGS -w "$1" icmp 2>"$TMP/rec.err" &
	local rec=$!
	for _ in $(seq 1 600); do
		grep -q "hooks attached" "$TMP/rec.err" 2>/dev/null && break
		kill -0 "$rec" 2>/dev/null || break
		sleep 0.05
	done
	ip netns exec "$NS" busybox ping -q -c "$2" -i 0.002 127.0.0.1 >/dev/null 2>&1
	sleep 0.3
	kill -INT "$rec" 2>/dev/null
	wait "$rec"
}

# --- 7: a symlink planted where the capture goes is not followed ---
mkdir -m 1777 "$TMP/sticky"
echo "keep me" >"$TMP/target"
ln -s "$TMP/target" "$TMP/sticky/r.pcap"
record_while_pinging "$TMP/sticky/r.pcap" 2
rc=$?
if [ "$rc" -ne 0 ] && [ "$(cat "$TMP/target")" = "keep me" ] &&
	grep -qF "$TMP/sticky/r.pcap" "$TMP/rec.err"; then
	ok "record -w: a symlink planted in a sticky directory is refused, its target untouched"
else
	not_ok "record -w: a symlink planted in a sticky directory is refused, its target untouched (exit $rc)" "$TMP/rec.err"
fi

# --- 8: without privileges an existing capture is not truncated ---
cp samples/demo.pcap "$TMP/mine.pcap"
chmod 666 "$TMP/mine.pcap"
before=$(cksum <"$TMP/mine.pcap")
setpriv --reuid=65534 --regid=65534 --clear-groups --inh-caps=-all \
	"$MBT" record -w "$TMP/mine.pcap" --duration 0.1 icmp >/dev/null 2>"$TMP/unpriv.err"
rc=$?
if [ "$rc" -ne 0 ] && [ "$(cksum <"$TMP/mine.pcap")" = "$before" ]; then
	ok "record -w without privileges: refused, the existing capture unchanged"
else
	not_ok "record -w without privileges: refused, the existing capture unchanged (exit $rc)" "$TMP/unpriv.err"
fi

# --- 11: a full file system: which file, why, and whole traces only ---
mkdir "$TMP/full"
if mount -t tmpfs -o size=64k tmpfs "$TMP/full" 2>/dev/null; then
	record_while_pinging "$TMP/full/r.pcap" 500
	size=$(stat -c %s "$TMP/full/r.pcap" 2>/dev/null || echo 0)
	"$MBT" read "$TMP/full/r.pcap" >"$TMP/full.txt" 2>"$TMP/full.read"
	read_rc=$?
	if grep -qF "$TMP/full/r.pcap: No space left on device; the capture ends at its last whole trace" \
		"$TMP/rec.err" &&
		[ "$read_rc" -eq 0 ] && [ ! -s "$TMP/full.read" ] &&
		[ "$size" -gt 24 ] && grep -q '^#1 ' "$TMP/full.txt"; then
		ok "record -w on a full file system: names the file and ENOSPC; $size bytes of whole traces that read cleanly"
	else
		{
			echo "record exit, stderr:"
			cat "$TMP/rec.err"
			echo "read exit $read_rc, size $size, stderr:"
			cat "$TMP/full.read"
		} >"$TMP/full.why"
		not_ok "record -w on a full file system: names the file and ENOSPC, whole traces only" "$TMP/full.why"
	fi
else
	skip "cannot mount a small tmpfs for the full-disk check"
fi

finish
