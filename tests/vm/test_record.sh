#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `mbuftrace record`'s own end-to-end suite (linux/tests/test_record.sh:
# paths across namespaces, drops, nftables verdicts, lineage of clones,
# fragments and segments, sockets, start points, output) inside Debian's
# stock kernels, with full-function mode on:
#   6.12  every function that takes an skb (kprobe-multi, with returns);
#   6.1   fentry on the functions below only: on all of them attaching
#         takes half a minute a run there (tests/vm/test_functions.sh
#         covers them all once).
# Each of the guest suite's checks is reported here under its kernel.
# MBT_VM_KERNELS="6.12" narrows the kernels; MBT_VM=0 skips the suite.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
. tests/vm/lib.sh

# The functions on the suite's paths where hops without an skb (route
# lookups, sockets) and made packets (fragments) are attributed.
FENTRY_FUNCTIONS='^(ip_rcv|ip_rcv_finish|ip_route_input_noref|ip_forward|ip_output|ip_finish_output2|ip_do_fragment|ip6_rcv_core|ip6_forward|__dev_queue_xmit|br_handle_frame|veth_xmit|__udp4_lib_rcv|__udp_enqueue_schedule_skb|tcp_v4_rcv|icmp_rcv|nf_hook_slow)$'

vm_suite_runs || {
	finish
	exit
}
if [ ! -x build/bin/mbuftrace ]; then
	not_ok "build/bin/mbuftrace is built (make all)"
	finish
	exit
fi

# The guest writes only where the project is shared (not the host's /tmp),
# and streams there, so that a guest that hangs leaves what it did.
mkdir -p build/vm
OUT=$(mktemp -d build/vm/test_record.XXXXXX)
trap 'rm -rf "$TMP" "$OUT"' EXIT

for k in $KERNELS; do
	case $k in
	6.1) args="--functions $FENTRY_FUNCTIONS" mode=fentry ;;
	*) args="" mode="kprobe-multi with return values" ;;
	esac
	suite=$OUT/$k.suite
	# The guest's exit code is the suite's: only 125 is the harness's.
	$RUN --kernel "$k" --timeout 1500 env MBT_RECORD_ARGS="$args" \
		bash -c 'build/bin/mbuftrace record $MBT_RECORD_ARGS \
			--duration 0.1 2>"$1.mode"
			bash linux/tests/test_record.sh >"$1" 2>&1' \
		- "$suite" >"$TMP/run" 2>&1
	if [ $? = 125 ] || [ ! -s "$suite" ]; then
		cat "$suite" >>"$TMP/run" 2>/dev/null
		not_ok "$k: the guest ran the record suite" "$TMP/run"
		continue
	fi
	if grep -q "full-function mode: $mode" "$suite.mode"; then
		ok "$k: record runs in full-function mode ($mode)"
	else
		not_ok "$k: record runs in full-function mode ($mode)" \
			"$suite.mode"
	fi
	# The guest's checks, each under its kernel, with its evidence.
	awk -v k="$k" '
		/^ok - / { sub(/^ok - /, ""); print "ok - " k ": " $0; next }
		/^not ok - / { sub(/^not ok - /, "");
			print "not ok - " k ": " $0; next }
		/^#/ { print; next }
		/^SKIP: / { sub(/^SKIP: /, ""); print "SKIP: " k ": " $0 }
	' "$suite"
	passed=$((passed + $(grep -c '^ok - ' "$suite")))
	failed=$((failed + $(grep -c '^not ok - ' "$suite")))
	skipped=$((skipped + $(grep -c '^SKIP: ' "$suite")))
	# A suite that stopped early or skipped itself proves nothing.
	if tail -n 1 "$suite" | grep -qE '^[0-9]+ passed, [0-9]+ failed' &&
		[ "$(grep -c '^ok - ' "$suite")" -ge 30 ]; then
		ok "$k: the suite ran to its end"
	else
		not_ok "$k: the suite ran to its end" "$suite"
	fi
done

finish
