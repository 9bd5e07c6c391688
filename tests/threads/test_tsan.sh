#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# tests/unit/test_threads.c under ThreadSanitizer (build-tsan/): a static
# the two decoding threads shared would be reported as a data race even
# when the threads happen not to overlap on a busy machine.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

T=build-tsan/tests/test_threads
if make -j2 B=build-tsan OPT=-O1 EXTRA_CFLAGS=-fsanitize=thread "$T" \
	>"$TMP/build.out" 2>&1; then
	ok "test_threads builds with -fsanitize=thread"
	"$T" >"$TMP/run.out" 2>&1
	check "it exits 0" test $? = 0
	check "its checks pass" grep -q ' 0 failed$' "$TMP/run.out"
	! grep -q ThreadSanitizer "$TMP/run.out"
	check "ThreadSanitizer reports nothing" test $? = 0 ||
		head -n 30 "$TMP/run.out"
else
	not_ok "test_threads builds with -fsanitize=thread" "$TMP/build.out"
fi
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
