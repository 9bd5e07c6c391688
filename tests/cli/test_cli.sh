#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# How the command behaves for a user: exit statuses, error messages (text
# and JSON), standard input, pcapng input, filters, and what it says about
# broken captures.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

# expect NAME STATUS PATTERN COMMAND...: exit status and a line of output.
expect() {
	local name=$1 status=$2 pattern=$3 rc
	shift 3
	"$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$status" ] && grep -qE -- "$pattern" "$TMP/out"; then
		ok "$name"
	else
		echo "exit $rc, wanted $status and /$pattern/" >>"$TMP/out"
		not_ok "$name" "$TMP/out"
	fi
}

"$MKTRACE" v3 "$TMP/v3.pcap"
"$MKTRACE" malformed "$TMP/bad.pcap"

expect "no command: usage, exit 2" 2 "usage: mbuftrace COMMAND" "$MBT"
expect "unknown command" 2 "unknown command 'frobnicate'" "$MBT" frobnicate
expect "--help lists read" 0 "read +print the traces" "$MBT" --help
expect "read without a file" 2 "which capture\?" "$MBT" read
expect "read with two files reads both, names the missing one" 2 \
	"a: No such file" "$MBT" read a b
expect "read: unknown option" 2 "unknown option '--nope'" \
	"$MBT" read --nope x
expect "read: missing file names it" 2 "/nonexistent.pcap: .*No such file" \
	"$MBT" read /nonexistent.pcap
expect "read --json: errors as JSON on stdout" 2 '^\{"error":\{"message":".*No such file.*","code":2\}\}$' \
	"$MBT" read --json /nonexistent.pcap

# A capture of another link type is refused with the reason.
printf '\xd4\xc3\xb2\xa1\x02\x00\x04\x00\0\0\0\0\0\0\0\0\xff\xff\0\0\x01\0\0\0' \
	>"$TMP/ether.pcap"
expect "read: wrong link type" 2 "link type 1 \(EN10MB\) is not mbuf_trace's DLT_USER0" \
	"$MBT" read "$TMP/ether.pcap"

# Broken traces are reported, and reading goes on: exit 0.
expect "read: malformed traces are counted" 0 \
	"14 of 18 traces malformed, 3 truncated" "$MBT" read "$TMP/bad.pcap"

# Corrupted traces of every layout: reported, never a crash, exit 0.
for s in v1-le v2 v3; do
	"$MKTRACE" "$s" "$TMP/clean-$s.pcap"
	python3 tests/tools/corrupt_pcap.py "$TMP/clean-$s.pcap" \
		"$TMP/corrupt-$s.pcap" 40 >/dev/null
	for mode in "" --json; do
		expect "read $mode: corrupted $s traces are reported" 0 \
			"traces malformed" "$MBT" read $mode "$TMP/corrupt-$s.pcap"
	done
done

# A capture file cut in the middle of a packet (tcpdump killed hard).
size=$(stat -c %s "$TMP/v3.pcap")
head -c $((size - 30)) "$TMP/v3.pcap" >"$TMP/cut.pcap"
expect "read: a cut capture file shows what it has, then fails" 2 \
	"after frame 5: truncated dump file" "$MBT" read "$TMP/cut.pcap"
"$MBT" read "$TMP/cut.pcap" 2>/dev/null | grep -c '^#' >"$TMP/n"
check "read: the 5 whole traces before the cut are shown" grep -qx 5 "$TMP/n"

# Standard input, and pcapng input, read the same as the pcap file.
"$MBT" read "$TMP/v3.pcap" >"$TMP/file.txt"
"$MBT" read - <"$TMP/v3.pcap" >"$TMP/stdin.txt"
check "read -: standard input" cmp "$TMP/file.txt" "$TMP/stdin.txt"
if command -v editcap >/dev/null; then
	editcap -F pcapng "$TMP/v3.pcap" "$TMP/v3.pcapng"
	"$MBT" read "$TMP/v3.pcapng" >"$TMP/png.txt"
	check "read: pcapng input" cmp "$TMP/file.txt" "$TMP/png.txt"
else
	skip "editcap not installed: pcapng input"
fi

# Filters pick whole traces; frames keep their numbers.
frames() { "$MBT" read "$@" "$TMP/v3.pcap" | sed -n 's/^#\([0-9]*\) .*/\1/p' | tr '\n' ' '; }
check "--func ip_forward" test "$(frames --func ip_forward)" = "1 2 "
check "--ns h2" test "$(frames --ns h2)" = "1 3 "
check "--ns by id" test "$(frames --ns 4026532425)" = "1 3 "
check "--iface epair0b" test "$(frames --iface epair0b)" = "4 "
check "--file icmp.c" test "$(frames --file icmp.c)" = "1 4 "
check "filters combine" test "$(frames --ns r1 --func tcp)" = ""

expect "--write-pcapng to an unwritable place" 2 \
	"/nonexistent/x.pcapng: No such file" \
	"$MBT" read --write-pcapng /nonexistent/x.pcapng "$TMP/v3.pcap"

# The man page documents every option --help shows, and every JSON key.
if [ -f man/mbuftrace.8 ]; then
	groff -mdoc -Tascii -P-c man/mbuftrace.8 2>/dev/null |
		sed 's/.\x08//g' >"$TMP/man.txt"
	missing=
	for opt in $("$MBT" read --help | grep -oE -- '--[a-z-]+' | sort -u); do
		grep -q -- "$opt" "$TMP/man.txt" || missing="$missing $opt"
	done
	check "man page documents every read option${missing:+ (missing:$missing)}" \
		test -z "$missing"
	missing=
	for key in $({ "$MBT" read --json "$TMP/v3.pcap"
		"$MBT" read --json "$TMP/bad.pcap"; } 2>/dev/null |
		grep -oE '"[a-z_]+":' | sort -u | tr -d '":'); do
		grep -q "$key" "$TMP/man.txt" || missing="$missing $key"
	done
	check "man page documents every JSON key${missing:+ (missing:$missing)}" \
		test -z "$missing"
else
	not_ok "man/mbuftrace.8 exists"
fi
finish
