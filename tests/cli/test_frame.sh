#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The one command-line frame, as every subcommand shows it: --help written
# from the option table (and the man page listing the same options), one
# line naming the option for each kind of mistake, exit 2, the same
# mistake as a JSON error object with -j, and exit 0/1/2 as mbuftrace(8)
# says.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

MKPATHS=${MKPATHS:-$ROOT/build/bin/mkpaths}
"$MKPATHS" lab "$TMP/lab.pcap"
CMDS="read paths diff expect graph explain merge export"
"$MBT" record --help >/dev/null 2>&1 && CMDS="$CMDS record extcap"

# The options a help lists (-x and --name), one a line, sorted.
help_opts() {
	"$MBT" "$1" --help | grep -E '^  -' |
		grep -oE -- '(^  |, )-[a-zA-Z]\b|--[a-z][a-z-]*' |
		sed 's/^  //; s/^, //' | sort -u
}

# The options a man page's lists name (.It Fl x, Fl \-name).
man_opts() {
	local page=man/mbuftrace-$1.8
	if [ "$1" = read ]; then
		sed -n '/^\.It Cm read/,/^\.It Cm record/p' man/mbuftrace.8
	else
		cat "$page"
	fi | grep '^\.It Fl' | grep -oE 'Fl (\\-[a-z\\-]+|[a-zA-Z]\b)' |
		sed 's/^Fl //; s/\\-/-/g; s/^/-/' | sort -u
}

for cmd in $CMDS; do
	# --help: exit 0, the synopsis, and each option of the list in it.
	"$MBT" "$cmd" --help >"$TMP/help" 2>"$TMP/err"
	rc=$?
	syn=$(sed '/^$/q' "$TMP/help")
	missing=
	for o in $(help_opts "$cmd"); do
		case $o in -h | --help) continue ;; esac
		grep -qE -- "(\[|\|| )$o( |\]|\||$)" <<<"$syn" || missing="$missing $o"
	done
	if [ "$rc" -eq 0 ] && [ ! -s "$TMP/err" ] &&
		head -1 "$TMP/help" | grep -q "^usage: mbuftrace $cmd " &&
		[ -z "$missing" ] && grep -qE '^  -h, --help +this text$' "$TMP/help"; then
		ok "$cmd --help: the synopsis lists every option of the list"
	else
		echo "exit $rc; missing from the synopsis:$missing" >>"$TMP/help"
		not_ok "$cmd --help: the synopsis lists every option of the list" "$TMP/help"
	fi

	# The man page lists the same options as --help.
	if [ "$cmd" != extcap ]; then
		help_opts "$cmd" >"$TMP/h.txt"
		man_opts "$cmd" >"$TMP/m.txt"
		if diff -u "$TMP/h.txt" "$TMP/m.txt" >"$TMP/d.txt"; then
			ok "$cmd: the man page lists the options --help lists"
		else
			not_ok "$cmd: the man page lists the options --help lists (- help, + man)" "$TMP/d.txt"
		fi
	fi

	# An unknown option: one line naming it on stderr, nothing on stdout.
	"$MBT" "$cmd" --no-such-option "$TMP/lab.pcap" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ ! -s "$TMP/out" ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "^mbuftrace $cmd: unknown option '--no-such-option'" "$TMP/err"; then
		ok "$cmd: an unknown option: exit 2, one line naming it"
	else
		echo "exit $rc" >>"$TMP/err"
		not_ok "$cmd: an unknown option: exit 2, one line naming it" "$TMP/err"
	fi

	# The last option of the list that takes an argument, without it.
	last=$("$MBT" "$cmd" --help | grep -E '^  -' | cut -c1-23 |
		grep -E -- '-[a-z-]+ [A-Z]' | tail -1 |
		grep -oE -- '-[a-zA-Z]\b|--[a-z-]+' | tail -1)
	[ -n "$last" ] && "$MBT" "$cmd" "$last" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ -z "$last" ]; then
		: # no option takes an argument
	elif [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -q "option '$last' needs an argument" "$TMP/err"; then
		ok "$cmd $last without its argument: exit 2, one line naming it"
	else
		echo "exit $rc" >>"$TMP/err"
		not_ok "$cmd $last without its argument: exit 2, one line naming it" "$TMP/err"
	fi

	# With -j, the mistake is also a JSON object on stdout.
	if grep -q -- '--json' "$TMP/help"; then
		"$MBT" "$cmd" --no-such-option --json "$TMP/lab.pcap" >"$TMP/out" 2>"$TMP/err"
		rc=$?
		if [ "$rc" -eq 2 ] && python3 -m json.tool "$TMP/out" >/dev/null &&
			python3 -c "import json,sys; e=json.load(open('$TMP/out'))['error']; sys.exit(e['code'] != 2 or '--no-such-option' not in e['message'])" &&
			grep -q "unknown option '--no-such-option'" "$TMP/err"; then
			ok "$cmd --json: the mistake is an error object on stdout and a line on stderr"
		else
			cat "$TMP/out" >>"$TMP/err"
			echo "exit $rc" >>"$TMP/err"
			not_ok "$cmd --json: the mistake is an error object on stdout and a line on stderr" "$TMP/err"
		fi
	fi
done

# A value out of range: the option, the value and what it takes.
# expect_bad NAME PATTERN ARGS...
expect_bad() {
	local name=$1 pattern=$2 rc
	shift 2
	"$MBT" "$@" >"$TMP/out" 2>"$TMP/err"
	rc=$?
	if [ "$rc" -eq 2 ] && [ "$(wc -l <"$TMP/err")" -eq 1 ] &&
		grep -qF -- "$pattern" "$TMP/err"; then
		ok "$name"
	else
		echo "exit $rc" >>"$TMP/err"
		not_ok "$name" "$TMP/err"
	fi
}
expect_bad "paths --limit x" "--limit 'x': not a whole number of 1 or more" \
	paths --limit x "$TMP/lab.pcap"
expect_bad "paths --limit -3: no signs" "--limit '-3': not a whole number" \
	paths --limit -3 "$TMP/lab.pcap"
expect_bad "paths --sort x" "--sort 'x': not one of count, length" \
	paths --sort x "$TMP/lab.pcap"
expect_bad "diff --width 19" "--width '19': not a whole number from 20 to 1000" \
	diff -y --width 19 "$TMP/lab.pcap" 1 2
expect_bad "diff: frame 0" "frame '0': not a whole number of 1 or more" \
	diff "$TMP/lab.pcap" 0 1
expect_bad "graph --frame 1x" "--frame '1x': not a whole number" \
	graph --frame 1x "$TMP/lab.pcap"
expect_bad "graph --format png" "--format 'png': not one of dot, svg, html" \
	graph --format png "$TMP/lab.pcap"
expect_bad "explain: frame x" "frame 'x': not a whole number" \
	explain "$TMP/lab.pcap" x
expect_bad "merge --host without =" "--host 'h1': not NAME=FILE" \
	merge --host h1 -w "$TMP/m.pcapng"
expect_bad "--lim: a prefix of one option is that option" "--limit 'x'" \
	paths --lim x "$TMP/lab.pcap"
expect_bad "--taps=yes: a flag takes no argument" "option '--taps' takes no argument" \
	paths --taps=yes "$TMP/lab.pcap"
if [[ " $CMDS " == *" record "* ]]; then
	expect_bad "record -c x" "-c 'x': not a whole number of 0 or more" record -c x
	expect_bad "record -s 1025" "-s '1025': not a whole number from 0 to 1024" record -s 1025
	expect_bad "record --duration 0" "--duration '0': not a positive number of seconds" \
		record --duration 0
	expect_bad "record --mark 1/x" "--mark '1/x': MASK not a whole number" record --mark 1/x
fi

# Exit statuses: 0 done, 1 "no", 2 could not be done.
expect_rc() {
	local name=$1 want=$2 rc
	shift 2
	"$@" >"$TMP/out" 2>&1
	rc=$?
	if [ "$rc" -eq "$want" ]; then
		ok "$name"
	else
		echo "exit $rc, wanted $want" >>"$TMP/out"
		not_ok "$name" "$TMP/out"
	fi
}
L=$TMP/lab.pcap N=$TMP/nonexistent.pcap
expect_rc "read: 0" 0 "$MBT" read "$L"
expect_rc "paths: 0" 0 "$MBT" paths "$L"
expect_rc "diff: 0, even where paths differ" 0 "$MBT" diff "$L" 1 5
expect_rc "expect: 0 when it holds" 0 "$MBT" expect "$L" \
	--match 'udp dst port 33434' --ends dropped@router1
expect_rc "expect: 1 when it does not" 1 "$MBT" expect "$L" --match udp --ends delivered
expect_rc "graph: 0" 0 "$MBT" graph "$L"
expect_rc "explain: 0" 0 "$MBT" explain "$L"
expect_rc "merge: 0" 0 "$MBT" merge "$L" -w "$TMP/m.pcapng"
expect_rc "export: 0" 0 "$MBT" export --otlp "$TMP/o.json" "$L"
expect_rc "read: 2 on an unreadable capture" 2 "$MBT" read "$N"
expect_rc "paths: 2 on an unreadable capture" 2 "$MBT" paths "$N"
expect_rc "diff: 2 on an unreadable capture" 2 "$MBT" diff "$N" 1 2
expect_rc "expect: 2 on an unreadable capture" 2 "$MBT" expect "$N" --ends sent
expect_rc "graph: 2 on an unreadable capture" 2 "$MBT" graph "$N"
expect_rc "explain: 2 on an unreadable capture" 2 "$MBT" explain "$N"
expect_rc "merge: 2 on an unreadable capture" 2 "$MBT" merge "$N" -w "$TMP/m2.pcapng"
expect_rc "export: 2 on an unreadable capture" 2 "$MBT" export --otlp "$TMP/o2.json" "$N"
finish
