#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Installs the Debian packages that building, testing and the demo need,
# only those missing, so that `make check` and `make demo` work on a fresh
# Debian 12 machine (as root; otherwise it says what to install).
set -eu
cd "$(dirname "$0")/.."
# scripts/packages.txt, and each part's own */packages.txt: one name a line.
packages=$(cat scripts/packages.txt */packages.txt 2>/dev/null |
	sed 's/#.*//' | tr -s ' \t\n' '\n' | sort -u)
missing=
for p in $packages; do
	dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "ok installed" ||
		missing="$missing $p"
done
[ -z "$missing" ] && exit 0
if [ "$(id -u)" -ne 0 ]; then
	echo "deps: missing Debian packages:$missing" >&2
	echo "deps: install them as root: apt-get install$missing" >&2
	exit 1
fi
echo "deps: installing$missing" >&2
export DEBIAN_FRONTEND=noninteractive
# Answer wireshark-common's question (may non-root users capture?) with no.
echo "wireshark-common wireshark-common/install-setuid boolean false" |
	debconf-set-selections
apt-get update -qq
# shellcheck disable=SC2086
apt-get install -y -qq --no-install-recommends $missing >/dev/null
