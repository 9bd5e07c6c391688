#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The end-to-end suite of `mbuftrace record` (linux/tests/test_record.sh)
# again inside Debian's stock kernels: their tracepoints differ from the
# host's (6.1 has no sk_data_ready tracepoint and no consume_skb location).
# On 6.12 full-function mode is on, so the suite also checks that function
# hops and returned errors leave the paths as they were; on 6.1 it is off,
# since attaching fentry to every function takes half a minute a run.
# MBT_VM_KERNELS="6.12" narrows the kernels; MBT_VM=0 skips.
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

RUN=tests/vm/run
KERNELS=${MBT_VM_KERNELS:-6.1 6.12}

if [ "${MBT_VM:-1}" = 0 ]; then
	skip "MBT_VM=0: the VM suites are left out"
	finish
	exit
fi
if [ "$(id -u)" != 0 ]; then
	skip "the VM suite needs root (to install qemu and fetch the kernels)"
	finish
	exit
fi

for k in $KERNELS; do
	case $k in 6.1) args=--no-functions ;; *) args= ;; esac
	start=$(date +%s)
	MBT_RECORD_ARGS=$args $RUN --kernel "$k" --timeout 1200 \
		env MBT_RECORD_ARGS="$args" bash linux/tests/test_record.sh \
		>"$TMP/out.$k" 2>&1
	rc=$?
	secs=$(($(date +%s) - start))
	# Each of the guest's results, named by its kernel.
	while IFS= read -r line; do
		case $line in
		"ok - "*) ok "$k: ${line#ok - }" ;;
		"not ok - "*)
			grep -A12 -F -- "$line" "$TMP/out.$k" >"$TMP/why"
			not_ok "$k: ${line#not ok - }" "$TMP/why"
			;;
		"SKIP: "*) not_ok "$k: the suite ran (it skipped: ${line#SKIP: })" \
			"$TMP/out.$k" ;;
		esac
	done <"$TMP/out.$k"
	if [ $rc -ne 0 ] && ! grep -q '^not ok' "$TMP/out.$k"; then
		not_ok "$k: the guest ran the suite (exit $rc)" "$TMP/out.$k"
	fi
	echo "# $k: the record suite took ${secs} s in the guest"
done
finish
