#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The Lua dissector's codes and name tables against include/mbuftrace/
# format.h (issue 14): lua_names.py reads the Lua tables and locals, the
# header's macros, and the names the library gives each macro's value (from
# a program generated here from the header, so no list is kept by hand).
# A code missing on either side, a number or a name that differs: not ok.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
FORMAT_H=include/mbuftrace/format.h

if [ ! -f build/lib/libmbuftrace.a ] &&
	! make -s build/lib/libmbuftrace.a >"$TMP/make.log" 2>&1; then
	not_ok "build build/lib/libmbuftrace.a" "$TMP/make.log"
	finish
	exit
fi

# One printf per macro of the named families: "FUNCTION NUMBER NAME".
{
	echo '#include <stdio.h>'
	echo '#include "mbuftrace/mbuftrace.h"'
	echo 'int main(void) {'
	sed -nE 's/^#define (MBT_(KIND|POINT|VERDICT|END|FW|LINKTYPE|STATE|DIR)_[A-Z0-9_]+)[ \t].*/\2 \1/p' \
		"$FORMAT_H" | grep -v '_MAX$' |
		while read -r fam macro; do
			fn=$(echo "$fam" | tr '[:upper:]' '[:lower:]')
			printf 'printf("%s %%d %%s\\n", (int)%s, mbt_%s_name(%s));\n' \
				"$fn" "$macro" "$fn" "$macro"
		done
	# Value keys: their JSON names and types (lib/names.c).
	sed -nE 's/^#define (MBT_VAL_[A-Z0-9_]+)[ \t].*/\1/p' "$FORMAT_H" |
		grep -v '_MAX$' | while read -r macro; do
			printf 'printf("value %%d %%s\\n", (int)%s, mbt_value_name(%s));\n' \
				"$macro" "$macro"
			printf 'printf("value_type %%d %%d\\n", (int)%s, mbt_value_type(%s));\n' \
				"$macro" "$macro"
		done
	echo 'return 0; }'
} >"$TMP/names.c"
if cc -std=c11 -Iinclude -o "$TMP/names" "$TMP/names.c" build/lib/libmbuftrace.a \
	>"$TMP/cc.log" 2>&1 && "$TMP/names" >"$TMP/names.txt"; then
	ok "the library's names of every format.h code ($(wc -l <"$TMP/names.txt") codes)"
else
	not_ok "the library's names of every format.h code" "$TMP/cc.log"
	finish
	exit
fi

python3 tests/wireshark/lua_names.py wireshark/mbuf_trace.lua "$FORMAT_H" \
	include/mbuftrace/mbuftrace.h "$TMP/names.txt" >"$TMP/out"
cat "$TMP/out"
passed=$((passed + $(grep -c '^ok - ' "$TMP/out")))
failed=$((failed + $(grep -c '^not ok - ' "$TMP/out")))
[ -s "$TMP/out" ] || not_ok "lua_names.py printed nothing"
finish
