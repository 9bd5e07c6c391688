#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The platform boundary: the library and every subcommand but record and
# extcap build with libpcap and a POSIX libc alone, and pass the read,
# paths, diff, expect and graph suites.  Two builds, each in its own tree:
#   build-portable/  MBT_LINUX=0: no linux/, no libbpf/libdw, no _GNU_SOURCE
#   build-musl/      the same with musl-gcc, statically linked, against a
#                    musl build of libpcap (scripts/musl-libpcap.sh); musl
#                    has no glibc extensions, and musl-gcc sees no
#                    /usr/include, so a Linux header or a GNU function
#                    anywhere in the portable part fails here.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

# build NAME DIR MAKE-ARGS...: the portable part (make core) into DIR.
build() {
	local name=$1 dir=$2
	shift 2
	if make -j2 B="$dir" MBT_LINUX=0 \
		EXTRA_CFLAGS=-Werror=implicit-function-declaration "$@" core \
		>"$TMP/$name.build" 2>&1; then
		ok "$name: builds"
	else
		tail -n 30 "$TMP/$name.build" >"$TMP/$name.tail"
		not_ok "$name: builds" "$TMP/$name.tail"
		return 1
	fi
}

# suites NAME DIR: its unit tests and the command's suites on its binaries.
suites() {
	local name=$1 dir=$2 t s
	! grep -q -e 'linux/' -e '-lbpf' -e '-ldw' -e '_GNU_SOURCE' \
		"$TMP/$name.build"
	check "$name: nothing of linux/, libbpf, libdw or _GNU_SOURCE built" \
		test $? = 0
	"$dir/bin/mbuftrace" record -w - >"$TMP/rec.out" 2>&1
	check "$name: record exits 2 (cannot run here)" test $? = 2
	check "$name: record says why it is not there" \
		grep -q "not available in this build: .*Linux kernel.*tcpdump -i mbuf_trace" \
		"$TMP/rec.out"
	"$dir/bin/mbuftrace" extcap --extcap-interfaces >"$TMP/rec.out" 2>&1
	check "$name: extcap too" grep -q "not available in this build" \
		"$TMP/rec.out"
	for t in "$dir"/tests/test_*; do
		"$t" >"$TMP/unit.out" 2>&1
		check "$name: unit $(basename "$t")" \
			grep -q ' 0 failed$' "$TMP/unit.out"
	done
	for s in tests/golden/test_read.sh tests/paths/test_paths.sh \
		tests/cli/test_cli.sh; do
		MBT=$PWD/$dir/bin/mbuftrace MKTRACE=$PWD/$dir/bin/mktrace \
			MKPATHS=$PWD/$dir/bin/mkpaths bash "$s" >"$TMP/suite.out" 2>&1
		if grep -qE '^[1-9][0-9]* passed, 0 failed$' "$TMP/suite.out"; then
			ok "$name: $s ($(tail -n 1 "$TMP/suite.out"))"
		else
			grep -E '^not ok|passed,' "$TMP/suite.out" >"$TMP/suite.tail"
			not_ok "$name: $s" "$TMP/suite.tail"
		fi
	done
}

if build "MBT_LINUX=0" build-portable; then
	suites "MBT_LINUX=0" build-portable
fi

if ! command -v musl-gcc >/dev/null; then
	not_ok "musl: musl-gcc is installed (apt-get install musl-tools)"
elif ! scripts/musl-libpcap.sh build-musl/libpcap >"$TMP/pcap.out" 2>&1; then
	not_ok "musl: libpcap built with musl-gcc" "$TMP/pcap.out"
else
	R=$PWD/build-musl/libpcap/root
	if build musl build-musl CC="musl-gcc -static -isystem $R/include -L$R/lib"; then
		file build-musl/bin/mbuftrace >"$TMP/file.out"
		check "musl: a static program" grep -q 'statically linked' \
			"$TMP/file.out"
		! grep -q 'GLIBC_' build-musl/bin/mbuftrace
		check "musl: no glibc in it" test $? = 0
		suites musl build-musl
	fi
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
