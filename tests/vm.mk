# SPDX-License-Identifier: BSD-2-Clause
# The VM suites alone (`make check-vm`): stock Debian kernels 6.1 and 6.12
# under QEMU through tests/vm/run.  tests/run-all.sh finds tests/vm/test_*.sh
# by itself, so `make check` runs them too.

.PHONY: check-vm
check-vm: all
	@fail=0; for t in tests/vm/test_*.sh; do \
		echo "== $$t"; $$t || fail=1; \
	done; exit $$fail
