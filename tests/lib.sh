# SPDX-License-Identifier: BSD-2-Clause
# Shared by the shell test suites: "ok - NAME" / "not ok - NAME" lines, then
# "N passed, N failed", the line tests/run-all.sh and CI read.  Source it
# from a script that has cd'ed to the repository root.

ROOT=$PWD
MBT=${MBT:-$ROOT/build/bin/mbuftrace}
MKTRACE=${MKTRACE:-$ROOT/build/bin/mktrace}
SHARED_CAPTURE=${MBT_SHARED_CAPTURE:-$ROOT/../shared/captures/mbuf-tracing-part3.pcap}
export TZ=UTC # capture times in golden files

passed=0 failed=0 skipped=0
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

ok() {
	echo "ok - $1"
	passed=$((passed + 1))
}

# not_ok NAME [FILE]: a failure, with the start of FILE as the evidence.
not_ok() {
	echo "not ok - $1"
	failed=$((failed + 1))
	if [ -n "${2:-}" ] && [ -s "$2" ]; then
		head -n 30 "$2" | sed 's/^/#   /'
	fi
	return 0
}

skip() {
	echo "SKIP: $1"
	skipped=$((skipped + 1))
}

# check NAME COMMAND...: ok when the command succeeds.
check() {
	local name=$1
	shift
	if "$@" >"$TMP/check.out" 2>&1; then
		ok "$name"
	else
		not_ok "$name" "$TMP/check.out"
	fi
}

# check_golden NAME ACTUAL_FILE GOLDEN_FILE: equal, or show the diff.
# UPDATE_GOLDEN=1 rewrites the golden file instead (read the diff after!).
check_golden() {
	if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
		mkdir -p "$(dirname "$3")"
		cp "$2" "$3"
		ok "$1 (golden rewritten)"
	elif diff -u "$3" "$2" >"$TMP/golden.diff" 2>&1; then
		ok "$1"
	else
		not_ok "$1" "$TMP/golden.diff"
	fi
}

finish() {
	if [ "$skipped" -gt 0 ]; then
		echo "$passed passed, $failed failed, $skipped skipped"
	else
		echo "$passed passed, $failed failed"
	fi
	[ "$failed" -eq 0 ]
}
