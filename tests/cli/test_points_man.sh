#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The list of points in mbuftrace-record(8) is linux/points.h, the one
# table of points (issue 14): tests/cli/points_man.c prints it from the
# table, in mdoc, and it must equal the page's list between its
# "points:begin" and "points:end" comments.  UPDATE_GOLDEN=1 rewrites the
# page's list (read the diff after).
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
PAGE=man/mbuftrace-record.8

if ! cc -std=c11 -Wall -Werror -Ilinux -o "$TMP/points_man" \
	tests/cli/points_man.c >"$TMP/cc.log" 2>&1; then
	not_ok "build tests/cli/points_man.c" "$TMP/cc.log"
	finish
	exit
fi
"$TMP/points_man" >"$TMP/want"
sed -n '/^\.\\" points:begin$/,/^\.\\" points:end$/p' "$PAGE" |
	sed '1,2d;$d' | sed '$d' >"$TMP/page"

if [ "${UPDATE_GOLDEN:-0}" = 1 ]; then
	awk -v list="$TMP/want" '
		/^\.\\" points:begin$/ { print; skip = 1; next }
		/^\.\\" points:end$/ {
			print ".Bl -tag -width \"skb_copy_datagram_iovec\" -compact"
			while ((getline l < list) > 0) print l
			print ".El"; skip = 0
		}
		!skip' "$PAGE" >"$TMP/page.new" && cp "$TMP/page.new" "$PAGE"
	ok "the page's list of points rewritten from linux/points.h"
else
	check_golden "mbuftrace-record(8) lists every point of linux/points.h" \
		"$TMP/want" "$TMP/page"
fi
n=$(grep -c '^\.It Li ' "$TMP/want")
if [ "$n" -ge 20 ]; then
	ok "the table has its $n points"
else
	not_ok "the table has its points (only $n)"
fi
finish
