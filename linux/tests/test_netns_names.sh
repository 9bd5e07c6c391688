#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Namespaces without an `ip netns` name are named by what runs in them:
#  1. an unnamed namespace (unshare -n) by its first process, "[sleep PID]";
#  2. a podman container's by the container: "podman:NAME", with a
#     container made from a local root file system (busybox-static, podman
#     import: no registry).  SKIP when podman cannot run a container here.
# The traffic is ICMP on each namespace's own loopback.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

SLEEP_PID= CTR=mbtnames$$ IMG=localhost/mbtnames-busybox:$$

cleanup() {
	[ -n "$SLEEP_PID" ] && kill "$SLEEP_PID" 2>/dev/null
	if command -v podman >/dev/null; then
		podman rm -f "$CTR" >/dev/null 2>&1
		podman rmi -f "$IMG" >/dev/null 2>&1
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

skip_all() {
	echo "SKIP: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}
[ "$(id -u)" -eq 0 ] || skip_all "record needs root (CAP_BPF, CAP_PERFMON)"
command -v busybox >/dev/null || skip_all "no busybox (for ping)"
probe=$("$MBT" record --duration 0.1 2>&1 >/dev/null)
case $probe in
*"hooks attached"*) ;;
*) skip_all "this kernel refuses the eBPF programs: $probe" ;;
esac

# record_ns PID OUT: record ICMP while PID's namespace pings its loopback.
record_ns() {
	"$MBT" record --no-functions --json icmp >"$2" 2>"$2.err" &
	local rec=$!
	for _ in $(seq 1 600); do
		grep -q "hooks attached" "$2.err" 2>/dev/null && break
		sleep 0.05
	done
	nsenter -t "$1" -n busybox ping -c 2 -i 0.2 -W 1 127.0.0.1 >/dev/null
	sleep 0.3
	kill -INT "$rec"
	wait "$rec"
}

# ns_names FILE: the namespace names of the traces' records, sorted.
ns_names() {
	python3 -c 'import json, sys
names = set()
for l in open(sys.argv[1]):
    d = json.loads(l)
    for r in d.get("records", []):
        if r.get("ns"):
            names.add(r["ns"])
print("\n".join(sorted(names)))' "$1"
}

unshare -n sh -c 'ip link set lo up; exec sleep 60' &
SLEEP_PID=$!
sleep 0.3
record_ns "$SLEEP_PID" "$TMP/unnamed.json"
ns_names "$TMP/unnamed.json" >"$TMP/unnamed.names"
if [ "$(cat "$TMP/unnamed.names")" = "[sleep $SLEEP_PID]" ]; then
	ok "an unnamed namespace is named by its first process: [sleep $SLEEP_PID]"
else
	not_ok "an unnamed namespace is named by its first process" "$TMP/unnamed.names"
fi

# A podman container from a local root file system.
podman_ok() {
	command -v podman >/dev/null || return 1
	mkdir -p "$TMP/rootfs/bin" &&
		cp "$(command -v busybox)" "$TMP/rootfs/bin/busybox" &&
		ln -s busybox "$TMP/rootfs/bin/sh" &&
		ln -s busybox "$TMP/rootfs/bin/sleep" || return 1
	tar -C "$TMP/rootfs" -cf "$TMP/rootfs.tar" . &&
		podman import "$TMP/rootfs.tar" "$IMG" >/dev/null 2>&1 &&
		podman run -d --name "$CTR" --network private "$IMG" \
			/bin/sleep 60 >/dev/null 2>"$TMP/podman.err"
}
if ! command -v podman >/dev/null; then
	skip "podman is not installed (linux/packages.txt lists it): no container test"
elif ! ldd "$(command -v busybox)" 2>&1 | grep -q "not a dynamic"; then
	skip "busybox is not static: cannot make the container's root file system"
elif ! podman_ok; then
	skip "podman cannot run a container here: $(head -c 300 "$TMP/podman.err" 2>/dev/null)"
else
	pid=$(podman inspect -f '{{.State.Pid}}' "$CTR")
	record_ns "$pid" "$TMP/podman.json"
	ns_names "$TMP/podman.json" >"$TMP/podman.names"
	if [ "$(cat "$TMP/podman.names")" = "podman:$CTR" ]; then
		ok "a podman container's namespace is named podman:$CTR"
	else
		not_ok "a podman container's namespace is named podman:$CTR" \
			"$TMP/podman.names"
	fi
fi
finish
