# SPDX-License-Identifier: BSD-2-Clause
# Shared by the VM suites (tests/vm/test_*.sh), sourced after tests/lib.sh:
# the harness, the kernels, and whether this machine can run them at all.

RUN=tests/vm/run
KERNELS=${MBT_VM_KERNELS:-6.1 6.12}

# vm_suite_runs: true when the VM suites can run here; else says why, as a
# skip (the caller then finishes).
vm_suite_runs() {
	if [ "${MBT_VM:-1}" = 0 ]; then
		skip "MBT_VM=0: the VM suites are left out"
		return 1
	fi
	if [ "$(id -u)" != 0 ]; then
		skip "the VM suite needs root (to install qemu and fetch the kernels)"
		return 1
	fi
}
