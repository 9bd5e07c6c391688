#!/bin/sh
# SPDX-License-Identifier: BSD-2-Clause
# options MBUF_TRACE_ALL: puts one MTRACE_ALL() call at the entry of every
# function that takes a packet, in the .c files under DIRS of a FreeBSD
# source tree, with mbuf_trace_all.cocci (spatch, from coccinelle).  Files
# and functions listed in exclude.txt are left alone.  Running it again
# changes nothing; -u removes exactly what it added.
#
#   apply_all.sh [-u] [-v] [-C SRC] [DIR...]
#       -C    the source tree; default /usr/src
#       DIR   relative to SRC; default sys/net sys/netinet sys/netinet6
#             sys/netpfil sys/netgraph
#       -u    undo: remove every MTRACE_ALL call and its #include
#       -v    say, for each file, what spatch could not parse
# One line a file it changed ("N functions FILE"), then a total per DIR.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
undo=0
verbose=0
src=/usr/src
while getopts C:uv opt; do
	case $opt in
	C) src=$OPTARG ;;
	u) undo=1 ;;
	v) verbose=1 ;;
	*) echo "usage: $0 [-u] [-v] [-C SRC] [DIR...]" >&2; exit 2 ;;
	esac
done
shift $((OPTIND - 1))
[ $# -ge 1 ] || set -- sys/net sys/netinet sys/netinet6 sys/netpfil sys/netgraph
command -v spatch >/dev/null ||
    { echo "$0: spatch not found (install coccinelle)" >&2; exit 1; }

SPATCH="spatch --very-quiet --no-show-diff --in-place --macro-file-builtins \
    $here/freebsd_macros.h"
list=$here/exclude.txt

# excluded FILE: is FILE (relative to SRC), or a directory above it, listed
# without a function?
excluded() {
	awk -F '\t' -v f="$1" '!/^#/ && NF >= 2 && $1 !~ /:/ &&
	    (f == $1 || index(f, $1 "/") == 1) { found = 1 }
	    END { exit !found }' "$list"
}

# The functions of FILE listed in exclude.txt, blank-separated.
excluded_functions() {
	awk -F '\t' -v f="$1" '!/^#/ && NF >= 2 {
	    n = index($1, ":")
	    if (n > 0 && substr($1, 1, n - 1) == f) printf "%s ", substr($1, n + 1)
	}' "$list"
}

# K&R definitions name their parameters' types after the list, where the
# semantic patch does not look: say which of them take an mbuf.
knr_mbuf() {
	awk -v f="$1" '
	    /^[A-Za-z_][A-Za-z_0-9]*\([A-Za-z_0-9, ]+\)$/ {
		name = $0; sub(/\(.*/, "", name); knr = 1; next }
	    knr && /^[ \t]+[^ \t].*;[ \t]*(\/\*.*)?$/ {
		if ($0 ~ /struct[ \t]+mbuf[ \t]*\*/) hit = 1; next }
	    knr && /^\{/ && hit { print f ": " name \
		"(): a K&R definition taking an mbuf, left alone" }
	    { knr = 0; hit = 0 }' "$2"
}

# settle FILE: what spatch leaves for the text to finish.  A call it put
# before a label is indented as the label; a call inside an #if opened in
# the body (the first statement is conditional) goes above the outermost
# such #if, so that every configuration compiles it.  Our calls are the
# only lines of this shape.
settle() {
	awk '
	    { line[NR] = $0 }
	    END {
		for (i = 1; i <= NR; i++) {
			if (line[i] ~ /^[ \t]*MTRACE_ALL(_PP)?\([A-Za-z_0-9]+\);$/)
				hoist(i)
		}
		for (i = 1; i <= NR; i++)
			if (!(i in gone)) {
				if (i in put)
					print put[i]
				print line[i]
			}
	    }
	    function hoist(i,    b, j, depth, outer, at) {
		for (b = i - 1; b > 0 && line[b] !~ /^\{/; b--)
			;
		depth = 0
		for (j = b + 1; j < i; j++) {
			if (line[j] ~ /^#[ \t]*if/) {
				if (depth++ == 0)
					outer = j
			} else if (line[j] ~ /^#[ \t]*endif/)
				depth--
		}
		sub(/^[ \t]*/, "\t", line[i])
		if (b == 0 || depth <= 0)
			return
		at = (outer in put) ? put[outer] "\n" line[i] : line[i]
		put[outer] = at
		gone[i] = 1
	    }' "$1" >"$1.mtrace" && cat "$1.mtrace" >"$1" && rm "$1.mtrace"
}

calls() {
	grep -c '^[[:space:]]*MTRACE_ALL\(_PP\)\{0,1\}(.*);$' "$1" || true
}

for dir in "$@"; do
	[ -d "$src/$dir" ] || { echo "$0: no $src/$dir" >&2; exit 1; }
	total=0
	for f in $(cd "$src" && find "$dir" -name '*.c' | sort); do
		excluded "$f" && continue
		path=$src/$f
		if [ "$undo" = 1 ]; then
			grep -q 'MTRACE_ALL' "$path" || continue
			$SPATCH --sp-file "$here/mbuf_trace_all_undo.cocci" \
			    "$path" >/dev/null
			echo "undone $f"
			continue
		fi
		before=$(calls "$path")
		MTRACE_ALL_EXCLUDE=$(excluded_functions "$f") \
		    $SPATCH --sp-file "$here/mbuf_trace_all.cocci" "$path" \
		    >/dev/null
		settle "$path"
		n=$(($(calls "$path") - before))
		if [ "$n" -gt 0 ]; then
			echo "$n functions $f"
			grep -q '^#include <sys/mbuf_trace_all.h>' "$path" ||
			    echo "$f: no #include <sys/mbuf.h> to put" \
			    "<sys/mbuf_trace_all.h> after; add it by hand" >&2
		fi
		total=$((total + n))
		if [ "$verbose" = 1 ]; then
			knr_mbuf "$f" "$path"
			spatch --parse-c --macro-file-builtins \
			    "$here/freebsd_macros.h" "$path" 2>&1 |
			    awk -v f="$f" '/nb bad = / && !/nb bad = 0 / {
				print f ": spatch could not parse part of it: " $0 }'
		fi
	done
	[ "$undo" = 1 ] || echo "total $dir: $total functions"
done
