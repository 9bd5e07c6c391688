#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The kernel side, checked as far as this machine can: the files compile
# (clang, syntax and types) against freebsd/check/freebsd_kpi.h, the one
# header of the FreeBSD KPIs they use; without "options MBUF_TRACE" the
# API leaves no call behind; style(9) basics; the man pages lint clean
# (mandoc); the atf test parses; every patch is a well-formed diff.  Not a
# FreeBSD build: freebsd/README.md says how to check it on FreeBSD.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

STAGE=$TMP/stage
STUB=$TMP/stub
freebsd/apply.sh -s "$STAGE" || { not_ok "stage the kernel files"; finish; exit; }
INC=("-I$STAGE/sys" "-I$STAGE/sys/contrib/mbuftrace/include"
    "-I$STAGE/sys/contrib/mbuftrace/compat" "-I$STUB")

# Every header the kernel files include that is not one of ours is an
# empty stub: all declarations must come from freebsd_kpi.h.
mkdir -p "$STUB"
find "$STAGE" freebsd/check -name '*.[ch]' -exec \
    sed -n 's/^#include <\(.*\)>.*/\1/p' {} + | sort -u | while read -r h; do
	found=0
	for d in "${INC[@]}"; do
		[ -f "${d#-I}/$h" ] && found=1
	done
	if [ "$found" = 0 ]; then
		mkdir -p "$STUB/$(dirname "$h")"
		: >"$STUB/$h"
	fi
done

CLANG=(clang -std=gnu11 -nostdinc -ffreestanding -D_KERNEL -DDDB
    -Wall -Wextra -Wno-unused-parameter -Wstrict-prototypes
    -Wmissing-prototypes -Wpointer-arith -Wcast-qual -Wundef -Werror
    -include freebsd/check/freebsd_kpi.h "${INC[@]}")

for f in sys/kern/kern_mbuf_trace.c sys/kern/subr_mbuf_trace_buf.c \
    sys/contrib/mbuftrace/encode_v3.c sys/netgraph/ng_mtrace.c \
    sys/netpfil/ipfw/ip_fw_mtrace.c; do
	check "kernel: $f compiles against the KPI header" \
	    "${CLANG[@]}" -DMBUF_TRACE -fsyntax-only "$STAGE/$f"
done

# The start-point modules as sys/modules builds them (KLD_MODULE), in a
# kernel with the option and in one without (a GENERIC buildkernel
# builds every module): with it they note their units for the unload
# veto; without it they need nothing of mbuf_trace, and refuse to load.
MODS="sys/netgraph/ng_mtrace.c sys/netpfil/ipfw/ip_fw_mtrace.c"
for f in $MODS; do
	o=$TMP/$(basename "$f" .c)
	check "module: $f compiles with options MBUF_TRACE" \
	    "${CLANG[@]}" -DKLD_MODULE -DMBUF_TRACE -c -o "$o.with.o" \
	    "$STAGE/$f"
	check "module: ... its units are in the linker set the veto walks" \
	    sh -c "objdump -h '$o.with.o' | grep -q set_mtrace_unit_set"
	check "module: $f compiles without options MBUF_TRACE" \
	    "${CLANG[@]}" -DKLD_MODULE -c -o "$o.without.o" "$STAGE/$f"
	check "module: ... and then calls nothing of mbuf_trace" \
	    sh -c "! nm -u '$o.without.o' | grep mtrace"
done
# ... and refuses to load there, saying why; it unloads freely.
cat >"$TMP/mod_without.c" <<'HARNESS'
#include "../../sys/netpfil/ipfw/ip_fw_mtrace.c"
#include "../../sys/netgraph/ng_mtrace.c"
static char msgs[256];
int
harness_printf(const char *fmt, ...)
{
	strlcat(msgs, fmt, sizeof(msgs));
	return (0);
}
size_t
strlcat(char *d, const char *s, size_t n)
{
	size_t a = strlen(d), b = strlen(s);

	if (a + b < n)
		memcpy(d + a, s, b + 1);
	return (a + b);
}
int	main(void);
int
main(void)
{
	return (ipfw_mtrace_modevent(NULL, MOD_LOAD, NULL) == EOPNOTSUPP &&
	    ng_mtrace_mod_event(NULL, MOD_LOAD, NULL) == EOPNOTSUPP &&
	    ipfw_mtrace_modevent(NULL, MOD_UNLOAD, NULL) == 0 &&
	    ng_mtrace_mod_event(NULL, MOD_UNLOAD, NULL) == 0 &&
	    strcmp(msgs, "ipfw_mtrace: this kernel has no options "
	    "MBUF_TRACE\nng_mtrace: this kernel has no options "
	    "MBUF_TRACE\n") == 0 ? 0 : 1);
}
HARNESS
mkdir -p "$TMP/h/a/b" && mv "$TMP/mod_without.c" "$TMP/h/a/b/"
ln -sfn "$STAGE/sys" "$TMP/h/sys"
if "${CLANG[@]}" -DKLD_MODULE -Dprintf=harness_printf -o "$TMP/mod_without" \
    "$TMP/h/a/b/mod_without.c" -Wl,--unresolved-symbols=ignore-all \
    >"$TMP/mw.log" 2>&1; then
	check "module: without the option both refuse to load, saying why" \
	    "$TMP/mod_without"
else
	not_ok "module: the no-option harness builds" "$TMP/mw.log"
fi

# Every group of declarations in the KPI header is marked VERIFIED (with
# the file and the 40-hex commit it was read at) or UNVERIFIED.
KPI=freebsd/check/freebsd_kpi.h
awk 'NR > 1 && /^\/\*/ && !/^\/\* (UNVERIFIED|VERIFIED) / &&
    !/^\/\* UNVERIFIED \*\/$/ && comments++ > 0 &&
    prev !~ /^\/\* UNVERIFIED \*\/$/ && prev !~ /^ \*   @[0-9a-f]+ \*\/$/ {
	print FILENAME ":" NR ": not marked" }
    { prev = $0 }' "$KPI" >"$TMP/marks.out"
nver=$(grep -c '^ \*   @[0-9a-f]\{40\} \*/$' "$KPI")
nunver=$(grep -c '^/\* UNVERIFIED \*/$' "$KPI")
echo "# freebsd_kpi.h: $nver groups VERIFIED, $nunver UNVERIFIED"
if [ -s "$TMP/marks.out" ] || [ "$nver" != "$(grep -c '^/\* VERIFIED ' "$KPI")" ]
then
	not_ok "kpi: every declaration group is marked" "$TMP/marks.out"
else
	ok "kpi: every declaration group is marked ($nver VERIFIED, $nunver UNVERIFIED)"
fi

# With the option every macro calls into kern_mbuf_trace.c; without it,
# none does.
if "${CLANG[@]}" -DMBUF_TRACE -O2 -c -o "$TMP/with.o" freebsd/check/api_use.c \
    >"$TMP/with.log" 2>&1 &&
    "${CLANG[@]}" -O2 -c -o "$TMP/without.o" freebsd/check/api_use.c \
    >"$TMP/without.log" 2>&1; then
	n=$(nm -u "$TMP/with.o" | grep -c 'mtrace_.*_at$')
	if [ "$n" -ge 8 ]; then
		ok "api: with MBUF_TRACE the macros call mtrace_*_at ($n functions)"
	else
		nm -u "$TMP/with.o" >"$TMP/nm.out"
		not_ok "api: with MBUF_TRACE the macros call mtrace_*_at" "$TMP/nm.out"
	fi
	if nm "$TMP/without.o" | grep -q mtrace; then
		nm "$TMP/without.o" >"$TMP/nm.out"
		not_ok "api: without MBUF_TRACE nothing is left" "$TMP/nm.out"
	else
		ok "api: without MBUF_TRACE nothing is left"
	fi
else
	cat "$TMP/with.log" "$TMP/without.log" >"$TMP/api.log"
	not_ok "api: the macros compile with and without MBUF_TRACE" "$TMP/api.log"
fi

# The code the patches add, out of the patches and compiled: patch 14's
# constants and procctl(2) handlers, the start-point tests of patches 04,
# 15 and 16 (each the first #ifdef MBUF_TRACE block its patch adds; 16's
# second, after its first, pf's state record).
added_block() {	# PATCH FIRST-LINE-PATTERN LAST-LINE-PATTERN [NTH]
	awk -v a="$2" -v b="$3" -v n="${4:-1}" 'substr($0, 1, 1) == "+" {
	  l = substr($0, 2)
	  if (!on && l ~ a && ++seen == n) on = 1
	  if (on) print l
	  if (on && l ~ b) exit }' "$1"
}
P=freebsd/patches
grep -h '^+#define	\(PROC_MBUF_TRACE_CTL_\|P2_MBUF_TRACE\)' $P/14-*.patch |
    cut -c2- >"$STUB/patch_procctl_defs.inc"
added_block $P/14-*.patch '^static int$' '^}$' >"$STUB/patch_procctl_funcs.inc"
added_block $P/14-*.patch '^mbuf_trace_status' '^}$' |
    sed '1s/^/static int\n/' >>"$STUB/patch_procctl_funcs.inc"
added_block $P/04-*.patch '^#ifdef MBUF_TRACE' '^#endif' \
    >"$STUB/patch_ip_output.inc"
added_block $P/15-*.patch '^#ifdef MBUF_TRACE' '^#endif' \
    >"$STUB/patch_ip6_output.inc"
added_block $P/16-*.patch '^#ifdef MBUF_TRACE' '^#endif' 2 \
    >"$STUB/patch_pf_tag.inc"
added_block $P/16-*.patch '^#ifdef MBUF_TRACE' '^#endif' 1 \
    >"$STUB/patch_pf_state.inc"
for inc in "$STUB"/patch_*.inc; do
	[ -s "$inc" ] || echo "empty: $inc"
done >"$TMP/inc.out"
if [ -s "$TMP/inc.out" ]; then
	not_ok "patches: the added code is found" "$TMP/inc.out"
else
	ok "patches: the added code is found"
fi
check "patches: the added code compiles against the KPI header" \
    "${CLANG[@]}" -DMBUF_TRACE -fsyntax-only freebsd/check/patch_use.c
check "patches: ... and without options MBUF_TRACE" \
    "${CLANG[@]}" -fsyntax-only freebsd/check/patch_use.c

# style(9) basics on the kernel files: 80 columns with 8-column tabs, no
# trailing blanks, no indentation by spaces, a function's type on the line
# before its name.
style_errors() {
	awk '
	{ line = $0; n = 0
	  for (i = 1; i <= length(line); i++)
		n = substr(line, i, 1) == "\t" ? n + 8 - n % 8 : n + 1
	  if (n > 80) print FILENAME ":" FNR ": longer than 80 columns"
	  if (line ~ /[ \t]$/) print FILENAME ":" FNR ": trailing blank"
	  if (line ~ /^        /) print FILENAME ":" FNR ": indented by spaces"
	  if (line == "{" && prev ~ /^[a-z_][a-z_0-9 \t*]*[ \t*][a-z_][a-z_0-9]*\(/)
		print FILENAME ":" FNR - 1 ": type and name on one line"
	  prev = line }' "$@"
}
style_errors $(find freebsd/sys freebsd/check -name '*.[ch]') >"$TMP/style.out"
if [ -s "$TMP/style.out" ]; then
	not_ok "style(9): columns, blanks, tabs, function types" "$TMP/style.out"
else
	ok "style(9): columns, blanks, tabs, function types"
fi

for man in freebsd/share/man/man4/*.4 freebsd/share/man/man9/*.9; do
	check "mandoc -Tlint $(basename "$man")" \
	    sh -c "! mandoc -Tlint -W warning '$man' 2>&1 | grep ."
done

# mtraceproc against a <sys/procctl.h> holding what patch 14 adds to it
# (the last command of main's list given a number): libc is glibc here.
mkdir -p "$TMP/uinc/sys"
{
	echo '#include <sys/wait.h>'
	echo '#define PROC_LOGSIGEXIT_STATUS 24'
	sed -n 's/^+\(#define	PROC_MBUF_TRACE_[A-Z_]*	.*\)/\1/p' \
	    freebsd/patches/14-procctl-process-start.patch
	echo 'int procctl(idtype_t, id_t, int, void *);'
} >"$TMP/uinc/sys/procctl.h"
check "mtraceproc compiles against patch 14's procctl.h" \
    cc -std=c99 -D_DEFAULT_SOURCE -Wall -Wextra -Werror -fsyntax-only \
    -I"$TMP/uinc" freebsd/usr.bin/mtraceproc/mtraceproc.c
# ... and runs, on a procctl() that reports its calls: the commands and
# ids it is given, the exec, the usage errors.
cat >"$TMP/procctl_stub.c" <<'STUB'
#include <sys/procctl.h>
#include <stdio.h>
int
procctl(idtype_t idtype, id_t id, int cmd, void *data)
{
	fprintf(stderr, "procctl(%s, %d, %d, %d)\n",
	    idtype == P_PID ? "P_PID" : "?", (int)id, cmd, *(int *)data);
	if (cmd == PROC_MBUF_TRACE_STATUS)
		*(int *)data = PROC_MBUF_TRACE_CTL_DISABLE;
	return (0);
}
STUB
if cc -std=c99 -D_DEFAULT_SOURCE -I"$TMP/uinc" -o "$TMP/mtraceproc" \
    freebsd/usr.bin/mtraceproc/mtraceproc.c "$TMP/procctl_stub.c" \
    >"$TMP/mtp.log" 2>&1; then
	M=$TMP/mtraceproc
	{
		"$M" echo ran 2>&1
		"$M" -p 42 2>&1
		"$M" -d -p 42 2>&1
		"$M" -q -p 42 2>&1
		"$M" >/dev/null 2>&1; echo "no arguments: $?"
		"$M" -q echo x >/dev/null 2>&1; echo "-q without -p: $?"
		"$M" -p 42 echo x >/dev/null 2>&1; echo "-p and a command: $?"
		"$M" -p x >/dev/null 2>&1; echo "bad pid: $?"
	} >"$TMP/mtp.out"
	cat >"$TMP/mtp.want" <<'WANT'
procctl(P_PID, 0, 25, 1)
ran
procctl(P_PID, 42, 25, 1)
procctl(P_PID, 42, 25, 2)
procctl(P_PID, 42, 26, 0)
42: not traced
no arguments: 2
-q without -p: 2
-p and a command: 2
bad pid: 2
WANT
	check "mtraceproc: commands, ids, exec and usage" \
	    diff -u "$TMP/mtp.want" "$TMP/mtp.out"
else
	not_ok "mtraceproc: builds with a stub procctl()" "$TMP/mtp.log"
fi
check "mtraceproc: style(9) basics" \
    sh -c "! awk 'length(\$0) > 80 || /[ \t]\$/' \
    freebsd/usr.bin/mtraceproc/mtraceproc.c | grep ."

check "atf test: sh -n" sh -n freebsd/tests/sys/net/mbuf_trace_test.sh
check "apply.sh: sh -n" sh -n freebsd/apply.sh

# style(9) in what the patches add: 80 columns with 8-column tabs, no
# trailing blanks.
for p in freebsd/patches/*.patch; do
	awk -v f="$p" 'substr($0, 1, 1) == "+" && substr($0, 1, 3) != "+++" {
	  line = substr($0, 2); n = 0
	  for (i = 1; i <= length(line); i++)
		n = substr(line, i, 1) == "\t" ? n + 8 - n % 8 : n + 1
	  if (n > 80) print f ":" FNR ": longer than 80 columns"
	  if (line ~ /[ \t]$/) print f ":" FNR ": trailing blank" }' "$p"
done >"$TMP/pstyle.out"
if [ -s "$TMP/pstyle.out" ]; then
	not_ok "style(9): lines the patches add" "$TMP/pstyle.out"
else
	ok "style(9): lines the patches add"
fi

# A patch is well formed when it applies to the text its own context and
# removed lines describe; the real check is apply.sh -n on /usr/src.
for p in freebsd/patches/*.patch; do
	check "patch $(basename "$p") is well formed" \
	    python3 freebsd/check/patch_preimage.py "$p" "$TMP/pre"
done
# apply.sh on a tree made of what the patches expect, plus the Makefiles
# and sys/conf files it edits: everything lands where FreeBSD wants it.
SRC=$TMP/src
mkdir -p "$SRC/sys/conf" "$SRC/tests/sys/net" "$SRC/share/man/man4" \
    "$SRC/share/man/man9" "$SRC/sys/modules/netgraph"
for p in freebsd/patches/*.patch; do
	python3 freebsd/check/patch_preimage.py "$p" "$SRC" >/dev/null
done
# sys/conf/files already holds the facility's entry (a tree applied to
# before): the other entries are added whole, each with its own
# compile-with line, which is the same text for all three.
{
	printf 'kern/kern_mbuf.c\t\tstandard\n'
	grep -v '^#' freebsd/sys/conf/files.mbuf_trace | sed -n 1,2p
} >"$SRC/sys/conf/files"
printf 'MROUTING\t\topt_mrouting.h\n' >"$SRC/sys/conf/options"
printf 'ATF_TESTS_SH+=\tif_epair\n.include <bsd.test.mk>\n' \
    >"$SRC/tests/sys/net/Makefile"
for m in man4 man9; do
	printf 'MAN=\tx.4\n.include <bsd.prog.mk>\n' >"$SRC/share/man/$m/Makefile"
done
for m in sys/modules sys/modules/netgraph; do
	printf 'SUBDIR=\tx\n.include <bsd.subdir.mk>\n' >"$SRC/$m/Makefile"
done
if freebsd/apply.sh "$SRC" >"$TMP/apply.log" 2>&1; then
	ok "apply.sh: installs into a FreeBSD-shaped tree"
else
	not_ok "apply.sh: installs into a FreeBSD-shaped tree" "$TMP/apply.log"
fi
check "apply.sh: new files and the encoder are in place" \
    test -f "$SRC/sys/kern/kern_mbuf_trace.c" -a \
    -f "$SRC/sys/contrib/mbuftrace/encode_v3.c" -a \
    -f "$SRC/sys/contrib/mbuftrace/include/mbuftrace/format.h" -a \
    -f "$SRC/tests/sys/net/mbuf_trace_test.sh" -a \
    -f "$SRC/share/man/man9/mtrace.9"
check "apply.sh: the patches were applied" \
    grep -q 'mtrace_tag_copied(t, p);' "$SRC/sys/kern/uipc_mbuf2.c"
check "apply.sh: procctl(2) knows the process start point" \
    grep -q '\[PROC_MBUF_TRACE_CTL\] =' "$SRC/sys/kern/kern_procctl.c"
check "apply.sh: mtraceproc is in place" \
    test -f "$SRC/usr.bin/mtraceproc/mtraceproc.c"
check "apply.sh: sys/conf lines added once" \
    test "$(grep -c '^kern/kern_mbuf_trace.c' "$SRC/sys/conf/files")" = 1 -a \
    "$(grep -c '^MBUF_TRACE[[:space:]]' "$SRC/sys/conf/options")" = 1
{
	printf 'kern/kern_mbuf.c\t\tstandard\n'
	grep -v '^#' freebsd/sys/conf/files.mbuf_trace
} >"$TMP/files.want"
check "apply.sh: sys/conf/files gets whole entries, each with its rule" \
    diff -u "$TMP/files.want" "$SRC/sys/conf/files"
check "apply.sh: the test is registered before the .include" \
    sh -c "sed -n 2p '$SRC/tests/sys/net/Makefile' | grep -q mbuf_trace_test"
check "apply.sh: refuses a tree the patches do not fit" \
    sh -c "! freebsd/apply.sh -n '$SRC' >/dev/null 2>&1"
# options MBUF_TRACE_ALL (freebsd/cocci, test_cocci.sh): its sysctl.
check "kernel: kern_mbuf_trace.c compiles with MBUF_TRACE_ALL" \
    "${CLANG[@]}" -DMBUF_TRACE -DMBUF_TRACE_ALL -fsyntax-only \
    "$STAGE/sys/kern/kern_mbuf_trace.c"
finish
