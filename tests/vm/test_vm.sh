#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The VM harness (tests/vm/run) does what the VM suites rely on, in each
# stock kernel: exit codes and output come back, the guest runs the kernel
# asked for, namespaces and veth work inside, fentry loads there (and is
# refused on the host), and a guest that dies or hangs is reported, not
# waited for.  MBT_VM_KERNELS="6.12" narrows the kernels; MBT_VM=0 skips.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/vm/lib.sh

# The guest writes only where the project is shared (not the host's /tmp),
# and another make check may run this suite in the same tree at once.
mkdir -p build/vm
OUT=$(mktemp -d build/vm/test_vm.XXXXXX)
trap 'rm -rf "$TMP" "$OUT"' EXIT

vm_suite_runs || {
	finish
	exit
}
for k in $KERNELS; do
	if ! $RUN --setup --kernel "$k" >"$TMP/setup" 2>&1; then
		not_ok "kernel $k prepared" "$TMP/setup"
		finish
		exit
	fi
done

# Built on the host, loaded in the guest.
clang -O2 -g -target bpf -I/usr/include/"$(gcc -print-multiarch)" \
	-c tests/vm/fentry_ip_rcv.bpf.c -o "$OUT/fentry_ip_rcv.bpf.o" ||
	not_ok "fentry_ip_rcv.bpf.o builds"

# A ping between two namespaces over a veth pair, all inside the guest.
cat >"$OUT/ping.sh" <<'SH'
set -e
ip netns add mbt-a
ip netns add mbt-b
ip link add va netns mbt-a type veth peer name vb netns mbt-b
ip -n mbt-a addr add 10.99.0.1/24 dev va
ip -n mbt-b addr add 10.99.0.2/24 dev vb
ip -n mbt-a link set va up
ip -n mbt-b link set vb up
ip netns exec mbt-a busybox ping -c 2 -W 3 10.99.0.2
SH

for k in $KERNELS; do
	# One boot: stdout, stderr and the exit code come back; uname -r says
	# which kernel ran (not the host's).
	$RUN --kernel "$k" sh -c 'uname -r; echo to-stderr >&2; exit 7' \
		>"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ $rc = 7 ]; then ok "$k: exit code 7 comes back"; else
		echo "rc $rc" >>"$TMP/err"; not_ok "$k: exit code 7 comes back" "$TMP/err"
	fi
	check "$k: stderr comes back" grep -qx to-stderr "$TMP/err"
	if [ "$(wc -l <"$TMP/out")" = 1 ] &&
		grep -qE "^$k\.[0-9]+.*-amd64$" "$TMP/out" &&
		! grep -qx "$(uname -r)" "$TMP/out"; then
		ok "$k: stdout comes back; the guest runs Debian's $k kernel ($(cat "$TMP/out"))"
	else
		not_ok "$k: the guest runs Debian's $k kernel" "$TMP/out"
	fi

	$RUN --kernel "$k" bash "$OUT/ping.sh" >"$TMP/ping" 2>&1
	if [ $? = 0 ] && grep -q "2 packets received" "$TMP/ping"; then
		ok "$k: ping between two namespaces over veth"
	else
		not_ok "$k: ping between two namespaces over veth" "$TMP/ping"
	fi

	$RUN --kernel "$k" bpftool prog load "$OUT/fentry_ip_rcv.bpf.o" \
		/sys/fs/bpf/ip_rcv_entry >"$TMP/fentry" 2>&1
	check "$k: fentry on ip_rcv loads in the guest" test $? = 0
done

# The reason for the VM: the host refuses fentry.  (If a host ever
# allows it, this says so rather than failing.)
rm -f /sys/fs/bpf/mbt_vm_ip_rcv_entry
if bpftool prog load "$OUT/fentry_ip_rcv.bpf.o" /sys/fs/bpf/mbt_vm_ip_rcv_entry \
	>"$TMP/host" 2>&1; then
	rm -f /sys/fs/bpf/mbt_vm_ip_rcv_entry
	skip "the host kernel ($(uname -r)) allows fentry too"
else
	check "the host kernel refuses fentry on ip_rcv" \
		grep -q "Operation not permitted\|not supported" "$TMP/host"
fi

# A guest that crashes or hangs ends the run with a clear message.
k=${KERNELS##* }
$RUN --kernel "$k" sh -c 'echo c >/proc/sysrq-trigger' >"$TMP/crash" 2>&1
rc=$?
if [ $rc = 125 ] && grep -q "the guest died" "$TMP/crash" &&
	grep -q "sysrq" "$TMP/crash"; then
	ok "$k: a crashed guest is reported with its console"
else
	echo "rc $rc" >>"$TMP/crash"; not_ok "$k: a crashed guest is reported" "$TMP/crash"
fi
start=$(date +%s)
$RUN --kernel "$k" --timeout 15 sleep 600 >"$TMP/hang" 2>&1
rc=$?
took=$(($(date +%s) - start))
if [ $rc = 125 ] && [ $took -lt 40 ] &&
	grep -q "did not finish within 15s" "$TMP/hang"; then
	ok "$k: a hung guest is stopped after its timeout (${took}s)"
else
	echo "rc $rc after ${took}s" >>"$TMP/hang"
	not_ok "$k: a hung guest is stopped after its timeout" "$TMP/hang"
fi

finish
