#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# libpcap built with musl-gcc, for the musl build of mbuftrace's portable
# part (tests/portable/test_portable.sh): Debian's libpcap is built for
# glibc, and a musl program cannot link it.  Usage: musl-libpcap.sh DIR;
# leaves DIR/root/{include,lib/libpcap.a} and does nothing when they are
# there.  The source is $MBT_LIBPCAP_SRC (a libpcap-*.tar.gz) or Debian's
# source package, fetched with apt-get through a private source list (the
# system's apt configuration is left alone).  Only reading and compiling
# filters is needed, so libpcap is built without capture (--with-pcap=null).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
dir=$(mkdir -p "$1" && cd "$1" && pwd)
root=$dir/root
[ -f "$root/lib/libpcap.a" ] && [ -f "$root/include/pcap/pcap.h" ] && exit 0
command -v musl-gcc >/dev/null || { echo "musl-libpcap: no musl-gcc (apt-get install musl-tools)" >&2; exit 1; }

src=${MBT_LIBPCAP_SRC:-}
if [ -z "$src" ]; then
	apt=$dir/apt
	mkdir -p "$apt/parts" "$apt/lists/partial" "$apt/cache/archives/partial"
	suite=$(. /etc/os-release && echo "${VERSION_CODENAME:?}")
	mirror=$("$here/debian-mirror.sh")
	cat >"$apt/parts/src.sources" <<-SRC
	Types: deb-src
	URIs: $mirror
	Suites: $suite
	Components: main
	Signed-By: /usr/share/keyrings/debian-archive-keyring.gpg
	SRC
	opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$apt/parts"
		-o "Dir::State::Lists=$apt/lists" -o "Dir::Cache=$apt/cache")
	apt-get "${opts[@]}" -qq update
	(cd "$dir" && apt-get "${opts[@]}" -qq source --download-only libpcap)
	src=$(ls "$dir"/libpcap_*.orig.tar.gz | tail -n 1)
fi

# Kernel headers alone (libpcap's Linux parts include <linux/...>), without
# glibc's: musl-gcc keeps /usr/include out.
kh=$dir/kernel-headers
mkdir -p "$kh"
ln -sfn /usr/include/linux "$kh/linux"
ln -sfn /usr/include/asm-generic "$kh/asm-generic"
ln -sfn "/usr/include/$(gcc -print-multiarch)/asm" "$kh/asm"

rm -rf "$dir/src" && mkdir -p "$dir/src"
tar xzf "$src" -C "$dir/src" --strip-components=1
cd "$dir/src"
CC="musl-gcc -isystem $kh" ./configure --prefix="$root" --disable-shared \
	--with-pcap=null --without-libnl --disable-dbus --disable-rdma \
	--disable-bluetooth --disable-usb --disable-netmap --without-dpdk \
	--disable-remote >"$dir/configure.log" 2>&1 ||
	{ tail -n 20 "$dir/configure.log" >&2; exit 1; }
make -j2 >"$dir/make.log" 2>&1 && make install >>"$dir/make.log" 2>&1 ||
	{ tail -n 20 "$dir/make.log" >&2; exit 1; }
