#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# options MBUF_TRACE_ALL: freebsd/cocci/mbuf_trace_all.cocci on a fixture
# with every shape of function that takes a packet (golden output, read
# by eye), a second run changes nothing, the undo gives the original back
# byte for byte, and the instrumented fixture compiles against
# check/freebsd_kpi.h with the option (one call into the facility per
# instrumented function) and without it (the same code as the original).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

if ! command -v spatch >/dev/null; then
	skip "spatch not installed (coccinelle, freebsd/packages.txt)"
	finish
	exit
fi

C=freebsd/cocci
SRC=$TMP/src
mkdir -p "$SRC/sys/net" "$SRC/sys/netinet" "$SRC/sys/kern"
cp $C/tests/shapes.c "$SRC/sys/net/shapes.c"
cp $C/tests/shapes.c "$SRC/sys/net/bpf.c"	# excluded by name
cp $C/tests/shapes.c "$SRC/sys/netinet/other.c"
cp $C/tests/shapes.c "$SRC/sys/kern/outside.c"	# not in a default DIR

freebsd/apply.sh --all-functions -C "$SRC" >"$TMP/apply.out" 2>&1
check_golden "cocci: every shape instrumented as the golden file says" \
    "$SRC/sys/net/shapes.c" $C/tests/shapes.golden.c
if grep -qx "13 functions sys/net/shapes.c" "$TMP/apply.out" &&
    grep -qx "total sys/net: 13 functions" "$TMP/apply.out"; then
	ok "cocci: apply.sh --all-functions counts what it instrumented"
else
	not_ok "cocci: apply.sh --all-functions counts what it instrumented" \
	    "$TMP/apply.out"
fi
check "cocci: files in exclude.txt are left alone" \
    cmp $C/tests/shapes.c "$SRC/sys/net/bpf.c"
check "cocci: directories not asked for are left alone" \
    cmp $C/tests/shapes.c "$SRC/sys/kern/outside.c"
check "cocci: every default directory is done" \
    cmp $C/tests/shapes.golden.c "$SRC/sys/netinet/other.c"

# Functions can be excluded one by one.
cp $C/tests/shapes.c "$TMP/one.c"
MTRACE_ALL_EXCLUDE="shape_plain shape_flow" spatch --very-quiet --in-place \
    --sp-file $C/mbuf_trace_all.cocci "$TMP/one.c" >/dev/null 2>&1
n=$(grep -c 'MTRACE_ALL\(_PP\)\{0,1\}(' "$TMP/one.c")
if [ "$n" = 11 ] && ! sed -n '/^shape_plain(/,/^}/p' "$TMP/one.c" |
    grep -q MTRACE_ALL; then
	ok "cocci: a function named in MTRACE_ALL_EXCLUDE is left alone"
else
	not_ok "cocci: a function named in MTRACE_ALL_EXCLUDE is left alone" \
	    "$TMP/one.c"
fi

cp "$SRC/sys/net/shapes.c" "$TMP/once.c"
freebsd/apply.sh --all-functions -C "$SRC" sys/net >"$TMP/again.out" 2>&1
check "cocci: a second run changes nothing" \
    cmp "$TMP/once.c" "$SRC/sys/net/shapes.c"
check "cocci: a second run counts nothing" \
    grep -qx "total sys/net: 0 functions" "$TMP/again.out"

freebsd/apply.sh --all-functions -u -C "$SRC" >"$TMP/undo.out" 2>&1
check "cocci: undo restores the original byte for byte" \
    cmp $C/tests/shapes.c "$SRC/sys/net/shapes.c"
check "cocci: undo restores every directory" \
    cmp $C/tests/shapes.c "$SRC/sys/netinet/other.c"

# Compile the fixture as test_kernel.sh compiles the kernel files: the
# staged headers, empty stubs for the system ones, the KPI header (no
# -Wstrict-prototypes: the K&R definition is one of the shapes).
STAGE=$TMP/stage
STUB=$TMP/stub
freebsd/apply.sh -s "$STAGE"
mkdir -p "$STUB/sys"
: >"$STUB/sys/param.h"
: >"$STUB/sys/mbuf.h"
CLANG=(clang -std=gnu11 -nostdinc -ffreestanding -D_KERNEL -O0
    -Wall -Wextra -Wno-unused-parameter -Wpointer-arith -Wcast-qual
    -Wundef -Werror -include freebsd/check/freebsd_kpi.h
    "-I$STAGE/sys" "-I$STUB")
check "cocci: the original fixture compiles" \
    "${CLANG[@]}" -c -o "$TMP/orig.o" $C/tests/shapes.c
check "cocci: instrumented, it compiles without MBUF_TRACE_ALL" \
    "${CLANG[@]}" -c -o "$TMP/none.o" $C/tests/shapes.golden.c
check "cocci: instrumented, it compiles with MBUF_TRACE_ALL" \
    "${CLANG[@]}" -DMBUF_TRACE -DMBUF_TRACE_ALL -c -o "$TMP/all.o" \
    $C/tests/shapes.golden.c
# INET, INET6 and RSS compile the #if branches and definition too.
check "cocci: instrumented, it compiles with MBUF_TRACE_ALL, INET, INET6" \
    "${CLANG[@]}" -DMBUF_TRACE -DMBUF_TRACE_ALL -DINET -DINET6 -DRSS -c \
    -o "$TMP/inet.o" $C/tests/shapes.golden.c
if "${CLANG[@]}" -DMBUF_TRACE_ALL -fsyntax-only $C/tests/shapes.golden.c \
    >"$TMP/alone.out" 2>&1; then
	not_ok "cocci: MBUF_TRACE_ALL without MBUF_TRACE is an error"
else
	check "cocci: MBUF_TRACE_ALL without MBUF_TRACE is an error" \
	    grep -q "needs options MBUF_TRACE" "$TMP/alone.out"
fi

# Without the option: the same machine code as before.
code() { objdump -d --no-show-raw-insn "$1" | sed 1,3d; }
if [ -f "$TMP/orig.o" ] && [ -f "$TMP/none.o" ] &&
    code "$TMP/orig.o" >"$TMP/orig.s" && code "$TMP/none.o" >"$TMP/none.s" &&
    diff "$TMP/orig.s" "$TMP/none.s" >"$TMP/code.diff"; then
	ok "cocci: without MBUF_TRACE_ALL the code is the original's"
else
	not_ok "cocci: without MBUF_TRACE_ALL the code is the original's" \
	    "$TMP/code.diff"
fi
# With it: each instrumented function tests the sysctl and calls the
# facility; the untraced test is the one branch __predict_false makes.
if [ -f "$TMP/inet.o" ]; then
	objdump -dr "$TMP/inet.o" >"$TMP/all.dis"
	n=$(grep -c 'R_X86_64_PLT32[[:space:]]*mtrace_point_at' "$TMP/all.dis")
	s=$(grep -c 'R_X86_64.*mtrace_all_functions' "$TMP/all.dis")
	if [ "$n" = 13 ] && [ "$s" -ge 13 ]; then
		ok "cocci: with MBUF_TRACE_ALL 13 functions record ($n calls)"
	else
		not_ok "cocci: with MBUF_TRACE_ALL 13 functions record ($n calls, $s tests)" \
		    "$TMP/all.dis"
	fi
fi
check "cocci: the exclusion list gives a reason for every entry" \
    awk -F '\t' '!/^#/ && (NF < 2 || $2 == "") { bad = 1 } END { exit bad }' \
    $C/exclude.txt
check "cocci: apply_all.sh parses (sh -n)" sh -n $C/apply_all.sh
finish
