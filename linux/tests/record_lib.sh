# SPDX-License-Identifier: BSD-2-Clause
# Shared by the suites that run `mbuftrace record` (source it after
# tests/lib.sh): skip a suite that cannot run here, saying why.

skip_all() {
	echo "SKIP: $1"
	echo "0 passed, 0 failed, 1 skipped"
	exit 0
}

# record_can_run COMMAND...: root, BTF, iproute2 and busybox, each command
# named, and a kernel that takes the eBPF programs; else skip the suite.
# Sets RECORD_ARGS: more options for every run (MBT_RECORD_ARGS: the VM
# suite turns full-function mode off where attaching it takes half a
# minute).
record_can_run() {
	[ "$(id -u)" -eq 0 ] || skip_all "record needs root (CAP_BPF, CAP_PERFMON)"
	[ -r /sys/kernel/btf/vmlinux ] || skip_all "the kernel has no BTF"
	for c in ip busybox "$@"; do
		command -v "$c" >/dev/null || skip_all "no $c"
	done
	RECORD_ARGS=${MBT_RECORD_ARGS:-}
	local probe
	probe=$("$MBT" record $RECORD_ARGS --duration 0.1 2>&1 >/dev/null)
	case $probe in
	*"hooks attached"*) ;;
	*) skip_all "this kernel refuses the eBPF programs: $probe" ;;
	esac
}

# record_start OUT ARGS...: `mbuftrace record --json ARGS` in the
# background (REC_PID), writing OUT and OUT.err, once its hooks are
# attached (or it ended).
record_start() {
	local out=$1
	shift
	"$MBT" record $RECORD_ARGS --json "$@" >"$out" 2>"$out.err" &
	REC_PID=$!
	for _ in $(seq 1 600); do
		grep -q "hooks attached" "$out.err" 2>/dev/null && return 0
		kill -0 "$REC_PID" 2>/dev/null || return 1
		sleep 0.05
	done
}
