#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The whole test suite, as `make check` runs it after building: unit tests
# (plain and with ASan/UBSan), golden and command-line tests, brief fuzzing
# of every parser, and the Wireshark dissectors under real tshark.  Each
# suite ends with "N passed, N failed"; this adds them up into the last line.
set -u
cd "$(dirname "$0")/.." || exit 1
export TZ=UTC
total_passed=0 total_failed=0 broken=""

# suite NAME COMMAND...: run one suite and add up its closing line.
suite() {
	local name=$1 log counts p f
	shift
	log=$(mktemp)
	echo "== $name"
	"$@" 2>&1 | tee "$log" | grep -vE '^ok - ' || true
	counts=$(grep -E '[0-9]+ passed, [0-9]+ failed' "$log" | tail -n 1)
	p=$(echo "$counts" | sed -nE 's/.*\b([0-9]+) passed.*/\1/p')
	f=$(echo "$counts" | sed -nE 's/.*, ([0-9]+) failed.*/\1/p')
	if [ -z "$p" ]; then
		echo "not ok - $name printed no result line"
		broken="$broken $name"
		f=1 p=0
	fi
	total_passed=$((total_passed + p))
	total_failed=$((total_failed + f))
	rm -f "$log"
}

for t in build/tests/test_*; do
	suite "unit $(basename "$t")" "$t"
done
for t in build-san/tests/test_*; do
	suite "unit $(basename "$t") (ASan/UBSan)" "$t"
done
# Every shell suite: tests/*/test_*.sh and the parts' own */tests/test_*.sh.
for t in tests/*/test_*.sh */tests/test_*.sh; do
	[ -x "$t" ] && suite "$t" "$t"
done
suite "fuzz (${FUZZ_SECONDS:-15}s each)" tests/run-fuzz.sh "${FUZZ_SECONDS:-15}" build/fuzz/fuzz_*

echo "== total"
[ -n "$broken" ] && echo "suites without a result:$broken"
echo "$total_passed passed, $total_failed failed"
[ "$total_failed" -eq 0 ]
