#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make install` into a scratch DESTDIR: every part lands where it should,
# a program built with `pkg-config --cflags --libs mbuftrace` against the
# installed library (shared, then static) decodes samples/demo.pcap the
# way `mbuftrace read --json` does, and `make uninstall` leaves no file.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

D=$TMP/dest P=/opt/mbt
if ! make -j2 install DESTDIR="$D" PREFIX=$P >"$TMP/install.out" 2>&1; then
	not_ok "make install" "$TMP/install.out"
	echo "$passed passed, $failed failed"
	exit 1
fi
ok "make install DESTDIR=... PREFIX=$P"

version=$(sed -n 's/^#define MBT_VERSION "\(.*\)"/\1/p' cli/cli.h)
for f in bin/mbuftrace lib/libmbuftrace.a lib/libmbuftrace.so.$version \
	lib/pkgconfig/mbuftrace.pc include/mbuftrace/mbuftrace.h \
	include/mbuftrace/capture.h include/mbuftrace/format.h \
	share/man/man8/mbuftrace.8 share/man/man8/mbuftrace-paths.8 \
	share/mbuftrace/mbuf_trace.lua; do
	check "installed $f" test -f "$D$P/$f"
done
check "libmbuftrace.so -> .so.0 -> .so.$version" \
	test "$(readlink "$D$P/lib/libmbuftrace.so")" = libmbuftrace.so.0 -a \
	"$(readlink "$D$P/lib/libmbuftrace.so.0")" = "libmbuftrace.so.$version"
readelf -d "$D$P/lib/libmbuftrace.so.$version" >"$TMP/dyn" 2>&1
check "soname libmbuftrace.so.0" grep -q 'SONAME.*\[libmbuftrace.so.0\]' "$TMP/dyn"
check "the shared library needs libpcap" grep -q 'NEEDED.*libpcap' "$TMP/dyn"
# One dissector in Wireshark's global folder: the C plugin where built.
check "a dissector in lib/wireshark/plugins" test -n \
	"$(find "$D$P/lib/wireshark/plugins" -name 'mbuf_trace.*' 2>/dev/null)"
if [ "$(uname -s)" = Linux ]; then
	check "the extcap runs the installed command" \
		grep -q "exec \"$P/bin/mbuftrace\" extcap" \
		"$D$P/lib/wireshark/extcap/mbuf_trace"
fi
check "the installed command runs" "$D$P/bin/mbuftrace" --version

# What `mbuftrace read --json` says: frame, record count, last record.
build/bin/mbuftrace read --json samples/demo.pcap | python3 -c '
import json, sys
for line in sys.stdin:
    t = json.loads(line)
    r = t.get("records", [])
    print("%d\t%d\t%s" % (t["frame"], len(r), r[-1]["text"] if r else ""))
' >"$TMP/want"

export PKG_CONFIG_PATH=$D$P/lib/pkgconfig PKG_CONFIG_SYSROOT_DIR=$D
flags=$(pkg-config --cflags --libs mbuftrace 2>"$TMP/pc.err")
check "pkg-config finds mbuftrace $version" \
	test "$(pkg-config --modversion mbuftrace)" = "$version"
check "pkg-config points into DESTDIR" \
	grep -q -- "-I$D$P/include .*-L$D$P/lib .*-lmbuftrace" <(echo "$flags")
# shellcheck disable=SC2086
if cc -std=c11 -Wall -Werror -o "$TMP/last_hop" tests/install/last_hop.c \
	$flags >"$TMP/cc.out" 2>&1; then
	ok "a program builds with pkg-config --cflags --libs"
	LD_LIBRARY_PATH=$D$P/lib ldd "$TMP/last_hop" >"$TMP/ldd"
	check "it uses the installed libmbuftrace.so.0" \
		grep -q "libmbuftrace.so.0 => $D$P/lib/" "$TMP/ldd"
	LD_LIBRARY_PATH=$D$P/lib "$TMP/last_hop" samples/demo.pcap >"$TMP/got"
	check_golden "it decodes samples/demo.pcap as mbuftrace read does" \
		"$TMP/got" "$TMP/want"
else
	not_ok "a program builds with pkg-config --cflags --libs" "$TMP/cc.out"
fi
# shellcheck disable=SC2046
if cc -std=c11 -o "$TMP/last_hop_static" tests/install/last_hop.c \
	$(pkg-config --cflags mbuftrace) "$D$P/lib/libmbuftrace.a" \
	$(pkg-config --static --libs-only-other --libs-only-l mbuftrace |
		sed 's/-lmbuftrace//') >"$TMP/cc.out" 2>&1; then
	"$TMP/last_hop_static" samples/demo.pcap >"$TMP/got"
	check_golden "with libmbuftrace.a and pkg-config --static too" \
		"$TMP/got" "$TMP/want"
else
	not_ok "a program links libmbuftrace.a with pkg-config --static" \
		"$TMP/cc.out"
fi

make uninstall DESTDIR="$D" PREFIX=$P >"$TMP/uninstall.out" 2>&1
check "make uninstall" test $? = 0
find "$D" ! -type d >"$TMP/left"
check "uninstall leaves no file" test ! -s "$TMP/left"

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
