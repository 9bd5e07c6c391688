#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# Puts mbuf_trace(4) into a FreeBSD source tree: copies the new files and
# libmbuftrace's encoder into it, adds the sys/conf lines, registers the
# test and the man pages, and applies the trace-point patches.
#
#   freebsd/apply.sh [-n] [SRC]     SRC defaults to /usr/src
#       -n   dry run: check that every patch applies, change nothing
#   freebsd/apply.sh -s DIR         stage only the new files under DIR
#                                   (what the syntax check here compiles)
set -eu

here=$(cd "$(dirname "$0")" && pwd)
# options MBUF_TRACE_ALL: cocci/apply_all.sh says how (-u undoes).
#   freebsd/apply.sh --all-functions [-u] [-v] [-C SRC] [DIR...]
if [ "${1:-}" = --all-functions ]; then
	shift
	exec "$here/cocci/apply_all.sh" "$@"
fi
top=$(dirname "$here")
dry=0
stage=0
while getopts ns opt; do
	case $opt in
	n) dry=1 ;;
	s) stage=1 ;;
	*) echo "usage: $0 [-n] [SRC] | -s DIR" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
src=${1:-/usr/src}

# The new files: the kernel part, and the one v3 encoder of libmbuftrace
# with the headers it needs, unchanged, beside the compatibility headers.
copy_new_files() {
	mkdir -p "$1/sys"
	(cd "$here/sys" && find . -type f ! -name '*.mbuf_trace' |
	    while read -r f; do
		mkdir -p "$1/sys/$(dirname "$f")"
		cp "$f" "$1/sys/$f"
	done)
	c=$1/sys/contrib/mbuftrace
	mkdir -p "$c/include/mbuftrace"
	cp "$top/lib/encode_v3.c" "$top/lib/bytes.h" "$c/"
	cp "$top/include/mbuftrace/format.h" \
	    "$top/include/mbuftrace/mbuftrace.h" "$c/include/mbuftrace/"
}

if [ "$stage" = 1 ]; then
	copy_new_files "$src"
	exit 0
fi

if [ ! -f "$src/sys/conf/files" ]; then
	echo "$0: $src is not a FreeBSD source tree" >&2
	exit 1
fi

# Patches first: a tree they do not fit is left untouched.
for p in "$here"/patches/*.patch; do
	if ! patch -p1 -N -s --dry-run -d "$src" <"$p" >/dev/null; then
		echo "$0: $(basename "$p") does not apply to $src" >&2
		exit 1
	fi
done
[ "$dry" = 1 ] && { echo "all patches apply to $src"; exit 0; }
for p in "$here"/patches/*.patch; do
	patch -p1 -N -s -d "$src" <"$p"
done

copy_new_files "$src"

# append_once FILE ENTRIES_FILE: add each entry FILE does not hold yet.
# An entry is a line with its continuation lines (ending in a backslash),
# as sys/conf/files writes a file and its compile-with rule; it is known
# by its first line and appended whole.
append_once() {
	awk '
	FNR == NR { have[$0] = 1; next }
	/^#/ && entry == "" { next }
	{
		if (entry == "") { first = $0; entry = $0 } else entry = entry "\n" $0
		if ($0 !~ /\\$/) {
			if (!(first in have)) { print entry; have[first] = 1 }
			entry = ""
		}
	}' "$1" "$2" >"$1.add" && cat "$1.add" >>"$1" && rm -f "$1.add"
}
append_once "$src/sys/conf/files" "$here/sys/conf/files.mbuf_trace"
append_once "$src/sys/conf/options" "$here/sys/conf/options.mbuf_trace"

# insert_before FILE PATTERN LINE: LINE once, before the line matching
# PATTERN (Makefile variables must come before the .include).
insert_before() {
	grep -qxF -- "$3" "$1" && return 0
	awk -v pat="$2" -v line="$3" \
	    '$0 ~ pat && !done { print line; done = 1 } { print }' \
	    "$1" >"$1.new" && mv "$1.new" "$1"
}
mkdir -p "$src/tests/sys/net" "$src/share/man/man4" "$src/share/man/man9"
cp "$here/tests/sys/net/mbuf_trace_test.sh" "$src/tests/sys/net/"
insert_before "$src/tests/sys/net/Makefile" '^\.include <bsd\.test\.mk>' \
    'ATF_TESTS_SH+=	mbuf_trace_test'
# The test changes kern.mbuf_trace.*, which every VNET shares.
insert_before "$src/tests/sys/net/Makefile" '^\.include <bsd\.test\.mk>' \
    'TEST_METADATA.mbuf_trace_test+=	is_exclusive="true"'
cp "$here"/share/man/man4/*.4 "$src/share/man/man4/"
# The procctl(2) tool of the process start point, built on its own:
# make -C /usr/src/usr.bin/mtraceproc CFLAGS+=-I/usr/src/sys all install
mkdir -p "$src/usr.bin/mtraceproc"
cp "$here"/usr.bin/mtraceproc/* "$src/usr.bin/mtraceproc/"
cp "$here/share/man/man9/mtrace.9" "$src/share/man/man9/"
insert_before "$src/share/man/man4/Makefile" '^\.include <bsd\.prog\.mk>' \
    'MAN+=	mbuf_trace.4 ng_mtrace.4'
insert_before "$src/share/man/man9/Makefile" '^\.include <bsd\.prog\.mk>' \
    'MAN+=	mtrace.9'
insert_before "$src/sys/modules/Makefile" '^\.include <bsd\.subdir\.mk>' \
    'SUBDIR+=	ipfw_mtrace'
insert_before "$src/sys/modules/netgraph/Makefile" '^\.include <bsd\.subdir\.mk>' \
    'SUBDIR+=	mtrace'
echo "mbuf_trace applied to $src; build a kernel with 'options MBUF_TRACE'"
