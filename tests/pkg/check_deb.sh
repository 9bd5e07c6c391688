#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The Debian packages (`make check-deb`; not part of `make check`: the
# package build recompiles everything and takes minutes).  Builds them with
# `dpkg-buildpackage -us -uc -b` from a copy of this tree (its files,
# committed or not), in a scratch folder, then: lintian reports no error;
# apt could install the three together on this system (simulated: the
# machine is left alone); unpacked, the command runs and reads a sample,
# and a program builds with pkg-config against libmbuftrace-dev and runs
# with libmbuftrace0.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

for tool in dpkg-buildpackage dh lintian; do
	command -v $tool >/dev/null ||
		{ not_ok "$tool is installed (apt-get install debhelper lintian)"; }
done
[ "$failed" -eq 0 ] || { echo "$passed passed, $failed failed"; exit 1; }

version=$(dpkg-parsechangelog -S Version)
src=$TMP/mbuftrace-$version
mkdir -p "$src"
git ls-files -co --exclude-standard -z | grep -zv '^build' |
	xargs -0 tar -cf - | tar -xf - -C "$src"
if (cd "$src" && dpkg-buildpackage -us -uc -b) >"$TMP/build.log" 2>&1; then
	ok "dpkg-buildpackage -us -uc -b"
else
	tail -n 30 "$TMP/build.log" >"$TMP/build.tail"
	not_ok "dpkg-buildpackage -us -uc -b" "$TMP/build.tail"
	echo "$passed passed, $failed failed"
	exit 1
fi
arch=$(dpkg --print-architecture)
debs=()
for p in mbuftrace libmbuftrace0 libmbuftrace-dev; do
	f=$TMP/${p}_${version}_$arch.deb
	check "built $p" test -f "$f"
	debs+=("$f")
done

lintian --tag-display-limit 0 "$TMP"/mbuftrace_"${version}"_"$arch".changes \
	>"$TMP/lintian.out" 2>&1
grep '^E: ' "$TMP/lintian.out" >"$TMP/lintian.err"
check "lintian: no errors" test ! -s "$TMP/lintian.err"
[ -s "$TMP/lintian.err" ] && sed 's/^/#   /' "$TMP/lintian.err"
grep "^W: " "$TMP/lintian.out" | sed "s/^/# /"

apt-get -s install "${debs[@]}" >"$TMP/apt.out" 2>&1
check "apt can install the three packages here (simulated)" \
	grep -q '^Inst mbuftrace ' "$TMP/apt.out"

root=$TMP/root
for f in "${debs[@]}"; do dpkg-deb -x "$f" "$root"; done
ma=$(dpkg-architecture -qDEB_HOST_MULTIARCH)
export LD_LIBRARY_PATH=$root/usr/lib/$ma
check "mbuftrace --version" "$root/usr/bin/mbuftrace" --version
"$root/usr/bin/mbuftrace" read samples/demo.pcap >"$TMP/read.out" 2>&1
check "mbuftrace read samples/demo.pcap" grep -q 'icmp_rcv end consumed' \
	"$TMP/read.out"
check "man page mbuftrace(8)" test -f "$root/usr/share/man/man8/mbuftrace.8.gz"
check "Lua dissector in Wireshark's global folder" \
	test -f "$root/usr/lib/$ma/wireshark/plugins/mbuf_trace.lua"
check "extcap" test -x "$root/usr/lib/$ma/wireshark/extcap/mbuf_trace"

export PKG_CONFIG_PATH=$root/usr/lib/$ma/pkgconfig PKG_CONFIG_SYSROOT_DIR=$root
# shellcheck disable=SC2046
if cc -std=c11 -o "$TMP/last_hop" tests/install/last_hop.c \
	$(pkg-config --cflags --libs mbuftrace) >"$TMP/cc.out" 2>&1; then
	ok "a program builds against libmbuftrace-dev with pkg-config"
	"$TMP/last_hop" samples/demo.pcap >"$TMP/lh.out" 2>&1
	check "it runs with libmbuftrace0 and decodes the sample" \
		grep -q 'icmp_rcv end consumed' "$TMP/lh.out"
else
	not_ok "a program builds against libmbuftrace-dev with pkg-config" \
		"$TMP/cc.out"
fi

echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
