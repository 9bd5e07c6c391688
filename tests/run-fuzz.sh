#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs each libFuzzer target for SECONDS on its committed corpus (read only:
# new inputs go to a scratch folder) and keeps any crash as a file under
# build/fuzz/crashes/, to be turned into a test.
#   tests/run-fuzz.sh SECONDS build/fuzz/fuzz_X...
set -u
cd "$(dirname "$0")/.." || exit 1
seconds=$1
shift
passed=0 failed=0
mkdir -p build/fuzz/crashes
for fuzzer in "$@"; do
	name=$(basename "$fuzzer")
	corpus=tests/fuzz/corpus/$name
	scratch=$(mktemp -d)
	mkdir -p "$corpus"
	if "$fuzzer" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 \
		-artifact_prefix=build/fuzz/crashes/"$name"- "$scratch" "$corpus" \
		>"$scratch.log" 2>&1; then
		runs=$(grep -oE 'Done [0-9]+ runs' "$scratch.log" | grep -oE '[0-9]+')
		echo "ok - $name: ${runs:-?} runs in ${seconds}s, no crash"
		passed=$((passed + 1))
	else
		echo "not ok - $name crashed; the input is in build/fuzz/crashes/:"
		grep -E 'ERROR|SUMMARY|artifact' "$scratch.log" | head -5 | sed 's/^/#   /'
		failed=$((failed + 1))
	fi
	rm -rf "$scratch" "$scratch.log"
done
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
