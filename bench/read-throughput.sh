#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Benchmark of `mbuftrace read` (text and JSON) against tshark with the Lua dissector: packets per second, user CPU, peak memory.
#
# Usage: bench/read-throughput.sh        (or `make bench`)
# Environment:
#   BENCH_PACKETS=N          size of the main capture (default 1000000)
#   BENCH_TSHARK_PACKETS=N   size of the capture tshark reads (default 50000)
#   BENCH_RUNS=N             runs per mbuftrace timing, best kept (default 3)
#   MBUFTRACE, MKTRACE, MBUFTRACE_LUA  programs and dissector to use
#   TMPDIR                   where the temporary captures go (~900 bytes each)
# A missed target is reported, never fatal: the exit status is 1 only when
# something could not run (a missing tool, a failed command).
set -euo pipefail
export LC_ALL=C

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
MBUFTRACE=${MBUFTRACE:-$ROOT/build/bin/mbuftrace}
MKTRACE=${MKTRACE:-$ROOT/build/bin/mktrace}
LUA=${MBUFTRACE_LUA:-$ROOT/wireshark/mbuf_trace.lua}
GNU_TIME=/usr/bin/time

PACKETS=${BENCH_PACKETS:-1000000}
TSHARK_PACKETS=${BENCH_TSHARK_PACKETS:-50000}
RUNS=${BENCH_RUNS:-3}

# Targets.
TARGET_RATE=1000000 # packets/s for `mbuftrace read`, text, one thread
TARGET_RATIO=50     # times the rate of tshark with the Lua dissector
TARGET_RSS=1.5      # largest allowed RSS(big capture) / RSS(small capture)

WORK=
REVISION=
TSHARK_OK=1        # 0 once tshark or the dissector turned out unusable
TSHARK_WHY=
declare -A WALL USER_CPU RSS COUNT  # results, by row label

progress() { printf 'read-throughput: %s\n' "$*" >&2; }

die() {
	printf 'read-throughput: error: %s\n' "$*" >&2
	exit 1
}

cleanup() { [[ -n $WORK ]] && rm -rf "$WORK"; }

# Arithmetic on decimals; awk is everywhere and bash has integers only.
calc() { awk "BEGIN { printf \"%s\", ($1) }"; }

is_count() { [[ $1 =~ ^[1-9][0-9]*$ ]]; }

# 1234567 -> 1,234,567 (bash printf's %' needs a locale we do not want).
group_digits() {
	local n=$1 out=
	while ((${#n} > 3)); do
		out=,${n: -3}$out
		n=${n:0:${#n}-3}
	done
	printf '%s%s' "$n" "$out"
}

# 1000000 -> 1M, 50000 -> 50k: short names for captures in the table.
short_count() {
	local n=$1
	if ((n % 1000000 == 0)); then printf '%dM' $((n / 1000000))
	elif ((n % 1000 == 0)); then printf '%dk' $((n / 1000))
	else printf '%d' "$n"
	fi
}

check_settings() {
	is_count "$PACKETS" || die "BENCH_PACKETS='$PACKETS' is not a positive integer"
	is_count "$TSHARK_PACKETS" ||
		die "BENCH_TSHARK_PACKETS='$TSHARK_PACKETS' is not a positive integer"
	is_count "$RUNS" || die "BENCH_RUNS='$RUNS' is not a positive integer"
	((TSHARK_PACKETS <= PACKETS)) || TSHARK_PACKETS=$PACKETS
	# The memory comparison wants a capture a tenth of the main one, at
	# most 100,000 packets (so 100k against 1M by default).
	SMALL_PACKETS=$((PACKETS / 10 < 100000 ? PACKETS / 10 : 100000))
	((SMALL_PACKETS >= 1)) || SMALL_PACKETS=1
}

# GNU time gives user CPU and peak RSS; Debian ships it in package `time`.
ensure_gnu_time() {
	if [[ -x $GNU_TIME ]] && "$GNU_TIME" --version 2>&1 | grep -q GNU; then
		return
	fi
	progress "GNU time is missing; installing the Debian package 'time'"
	((EUID == 0)) || die "GNU time ($GNU_TIME) is missing; install it: apt-get install time"
	command -v apt-get >/dev/null || die "GNU time ($GNU_TIME) is missing and there is no apt-get"
	DEBIAN_FRONTEND=noninteractive apt-get install -y -q time >&2 ||
		die "could not install the package 'time' for $GNU_TIME"
	"$GNU_TIME" --version 2>&1 | grep -q GNU || die "$GNU_TIME is still not GNU time"
}

check_programs() {
	[[ -x $MBUFTRACE ]] || die "$MBUFTRACE is missing; run make first"
	[[ -x $MKTRACE ]] || die "$MKTRACE is missing; run make first"
	if ! command -v tshark >/dev/null; then
		TSHARK_OK=0 TSHARK_WHY="tshark is not installed"
	elif [[ ! -f $LUA ]]; then
		TSHARK_OK=0 TSHARK_WHY="$LUA does not exist"
	fi
}

# generate_capture FILE COUNT: write COUNT bench traces, say size and time.
generate_capture() {
	local file=$1 count=$2 t0 t1 bytes
	progress "generating $(group_digits "$count") traced packets into $(basename "$file")..."
	t0=$EPOCHREALTIME
	"$MKTRACE" bench "$count" "$file" ||
		die "mktrace bench $count $file failed (is there room in ${TMPDIR:-/tmp}?)"
	t1=$EPOCHREALTIME
	bytes=$(stat -c %s "$file")
	printf '  %-14s %12s packets  %8.1f MiB  generated in %.2f s\n' \
		"$(basename "$file")" "$(group_digits "$count")" \
		"$(calc "$bytes / 1048576")" "$(calc "$t1 - $t0")"
}

# Both readers must produce their text before their speed means anything.
check_outputs() {
	local probe=$WORK/probe.pcap out=$WORK/probe.out err=$WORK/probe.err lines
	"$MKTRACE" bench 10 "$probe" >/dev/null || die "mktrace bench 10 failed"
	"$MBUFTRACE" read "$probe" >"$out" 2>"$err" ||
		die "mbuftrace read failed on a 10-packet capture: $(head -c 500 "$err")"
	grep -q ' records$' "$out" || die "mbuftrace read printed no traces"
	"$MBUFTRACE" read --json "$probe" >"$out" 2>"$err" ||
		die "mbuftrace read --json failed on a 10-packet capture: $(head -c 500 "$err")"
	[[ $(grep -c '^{"frame"' "$out") == 10 ]] || die "mbuftrace read --json did not print 10 objects"
	((TSHARK_OK)) || return 0
	if ! tshark -X "lua_script:$LUA" -r "$probe" -T fields -e mbuf_trace.text \
		>"$out" 2>"$err"; then
		TSHARK_OK=0 TSHARK_WHY="tshark with the dissector failed: $(grep -v 'Running as user' "$err" | head -c 300)"
		return 0
	fi
	lines=$(grep -c 'ip_rcv' "$out" || true)
	if [[ $lines != 10 ]] || grep -qi 'lua.*error\|error.*lua' "$err"; then
		TSHARK_OK=0
		TSHARK_WHY="the Lua dissector printed no mbuf_trace.text for a 10-packet capture: $(grep -v 'Running as user' "$err" | head -c 300)"
	fi
}

# time_once LABEL COMMAND...: one run, output to /dev/null.  Wall time comes
# from bash's microsecond clock, as GNU time's %e is in hundredths; user CPU
# and peak RSS come from GNU time.
time_once() {
	local label=$1 t0 t1 wall user rss
	shift
	t0=$EPOCHREALTIME
	if ! "$GNU_TIME" -o "$WORK/time.out" -f '%e %U %M' "$@" >/dev/null 2>"$WORK/cmd.err"; then
		die "'$label' failed: $* ($(head -n 1 "$WORK/time.out")): $(grep -v 'Running as user' "$WORK/cmd.err" | head -c 500)"
	fi
	t1=$EPOCHREALTIME
	read -r _ user rss < <(tail -n 1 "$WORK/time.out")
	wall=$(calc "$t1 - $t0")
	LAST_WALL=$wall LAST_USER=$user LAST_RSS=$rss
}

# measure KEY WHAT PACKETS RUNS COMMAND...: keep the fastest wall time and
# the lowest user CPU of RUNS runs, and the largest peak RSS, under KEY.
measure() {
	local label=$1 what=$2 packets=$3 runs=$4 i
	shift 4
	WALL[$label]='' USER_CPU[$label]='' RSS[$label]=0 COUNT[$label]=$packets
	for ((i = 1; i <= runs; i++)); do
		progress "timing $what $i/$runs..."
		time_once "$what" "$@"
		if [[ -z ${WALL[$label]} ]] || (($(calc "$LAST_WALL < ${WALL[$label]}"))); then
			WALL[$label]=$LAST_WALL
		fi
		if [[ -z ${USER_CPU[$label]} ]] || (($(calc "$LAST_USER < ${USER_CPU[$label]}"))); then
			USER_CPU[$label]=$LAST_USER
		fi
		((LAST_RSS > RSS[$label])) && RSS[$label]=$LAST_RSS
	done
	return 0
}

rate() { calc "${COUNT[$1]} / ${WALL[$1]}"; }

# print_row KEY TITLE CAPTURE: one line of the table.
print_row() {
	local label=$1 title=$2 capture=$3
	if [[ -z ${WALL[$label]:-} ]]; then
		printf '  %-34s %-7s %s\n' "$title" "$capture" "not run: $TSHARK_WHY"
		return
	fi
	printf '  %-34s %-7s %9s %9.3f %8.2f %9s KiB %12s\n' "$title" "$capture" \
		"$(group_digits "${COUNT[$label]}")" "${WALL[$label]}" \
		"${USER_CPU[$label]}" "$(group_digits "${RSS[$label]}")" \
		"$(group_digits "$(calc "int($(rate "$label") + 0.5)")")"
}

verdict() {
	local ok=$1 text=$2
	if [[ $ok == 1 ]]; then
		printf '  MET     %s\n' "$text"
	elif [[ $ok == 0 ]]; then
		printf '  MISSED  %s\n' "$text"
	else
		printf '  UNKNOWN %s\n' "$text"
	fi
}

print_report() {
	local big small tsh cpu text_rate ratio_text='' ratio_json='' rss_ratio
	big=$(short_count "$PACKETS")
	small=$(short_count "$SMALL_PACKETS")
	tsh=$(short_count "$TSHARK_PACKETS")
	cpu=$(awk -F': ' '/^model name/ { print $2; exit }' /proc/cpuinfo)

	echo
	echo "== mbuftrace read throughput =="
	echo "  date:      $(date -u '+%Y-%m-%d %H:%M UTC')"
	echo "  machine:   $(nproc) cores, ${cpu:-unknown CPU}, $(uname -sr)"
	echo "  mbuftrace: $REVISION (build/bin copied at start)"
	echo "  tshark:    $(tshark --version 2>/dev/null | sed -n 1p || echo none)"
	echo "  timings:   best of $RUNS runs for mbuftrace, 1 run for tshark; output to /dev/null"
	echo
	printf '  %-34s %-7s %9s %9s %8s %13s %12s\n' run capture packets "wall s" "user s" "peak RSS" packets/s
	print_row text "mbuftrace read" "$big"
	print_row json "mbuftrace read --json" "$big"
	print_row small "mbuftrace read" "$small"
	print_row subset "mbuftrace read" "$tsh"
	print_row subset_json "mbuftrace read --json" "$tsh"
	print_row tshark "tshark -X lua -T fields -e text" "$tsh"
	echo
	echo "  tshark reads only the first $(group_digits "$TSHARK_PACKETS") packets (a separate $tsh capture):"
	echo "  the ratios compare packets per second on that same capture."
	if [[ -n ${WALL[tshark]:-} ]]; then
		ratio_text=$(calc "$(rate subset) / $(rate tshark)")
		ratio_json=$(calc "$(rate subset_json) / $(rate tshark)")
		printf '  mbuftrace read / tshark+Lua         %8.1fx  (%s: %.1fx)\n' "$ratio_text" \
			"$big rate / $tsh tshark rate" "$(calc "$(rate text) / $(rate tshark)")"
		printf '  mbuftrace read --json / tshark+Lua  %8.1fx  (%s: %.1fx)\n' "$ratio_json" \
			"$big rate / $tsh tshark rate" "$(calc "$(rate json) / $(rate tshark)")"
	else
		echo "  mbuftrace / tshark+Lua: not measured ($TSHARK_WHY)"
	fi
	rss_ratio=$(calc "${RSS[text]} / ${RSS[small]}")
	printf '  peak RSS of mbuftrace read: %s KiB on %s, %s KiB on %s, ratio %.2f\n' \
		"$(group_digits "${RSS[small]}")" "$small" "$(group_digits "${RSS[text]}")" \
		"$big" "$rss_ratio"

	echo
	echo "== verdicts =="
	text_rate=$(rate text)
	verdict "$(calc "$text_rate >= $TARGET_RATE")" \
		"mbuftrace read >= $(group_digits $TARGET_RATE) packets/s single-threaded: $(group_digits "$(calc "int($text_rate + 0.5)")")/s on $big"
	if [[ -n $ratio_text ]]; then
		verdict "$(calc "$ratio_text >= $TARGET_RATIO")" \
			"mbuftrace read >= ${TARGET_RATIO}x tshark+Lua: $(calc "int($ratio_text + 0.5)")x"
		verdict "$(calc "$ratio_json >= $TARGET_RATIO")" \
			"mbuftrace read --json >= ${TARGET_RATIO}x tshark+Lua: $(calc "int($ratio_json + 0.5)")x"
	else
		verdict unknown "mbuftrace read >= ${TARGET_RATIO}x tshark+Lua: not measured"
	fi
	verdict "$(calc "$rss_ratio <= $TARGET_RSS")" \
		"peak RSS flat ($big within ${TARGET_RSS}x of $small): ratio $(printf %.2f "$rss_ratio")"
}

main() {
	local big subset small
	check_settings
	check_programs
	ensure_gnu_time
	WORK=$(mktemp -d "${TMPDIR:-/tmp}/mbuftrace-bench.XXXXXX")
	trap cleanup EXIT
	trap 'exit 130' INT
	trap 'exit 143' TERM
	# Copies, so that a rebuild during the run cannot change what is timed.
	REVISION=$(git -C "$ROOT" describe --always --dirty 2>/dev/null || echo "unknown revision")
	cp "$MBUFTRACE" "$WORK/mbuftrace" && MBUFTRACE=$WORK/mbuftrace
	cp "$MKTRACE" "$WORK/mktrace" && MKTRACE=$WORK/mktrace

	big=$WORK/bench-$(short_count "$PACKETS").pcap
	subset=$WORK/bench-$(short_count "$TSHARK_PACKETS").pcap
	small=$WORK/bench-$(short_count "$SMALL_PACKETS").pcap

	echo "== captures (mktrace bench: v3 traces of 10 records) =="
	generate_capture "$big" "$PACKETS"
	[[ $subset == "$big" ]] || generate_capture "$subset" "$TSHARK_PACKETS"
	[[ $small == "$big" || $small == "$subset" ]] || generate_capture "$small" "$SMALL_PACKETS"
	check_outputs

	local n_big n_small n_sub
	n_big=$(short_count "$PACKETS")
	n_small=$(short_count "$SMALL_PACKETS")
	n_sub=$(short_count "$TSHARK_PACKETS")
	measure text "read text $n_big" "$PACKETS" "$RUNS" "$MBUFTRACE" read "$big"
	measure json "read --json $n_big" "$PACKETS" "$RUNS" "$MBUFTRACE" read --json "$big"
	measure small "read text $n_small" "$SMALL_PACKETS" "$RUNS" "$MBUFTRACE" read "$small"
	measure subset "read text $n_sub" "$TSHARK_PACKETS" "$RUNS" "$MBUFTRACE" read "$subset"
	measure subset_json "read --json $n_sub" "$TSHARK_PACKETS" "$RUNS" \
		"$MBUFTRACE" read --json "$subset"
	if ((TSHARK_OK)); then
		progress "tshark + Lua is slow: expect about a minute per 100,000 packets"
		measure tshark "tshark + Lua $n_sub" "$TSHARK_PACKETS" 1 \
			tshark -X "lua_script:$LUA" -r "$subset" -T fields -e mbuf_trace.text
	else
		progress "skipping tshark: $TSHARK_WHY"
	fi
	print_report
	if ((!TSHARK_OK)); then
		die "tshark + Lua could not be measured: $TSHARK_WHY"
	fi
}

main "$@"
