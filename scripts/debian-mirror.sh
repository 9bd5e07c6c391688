#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Prints the URI the machine's apt uses for the main Debian archive, so that
# private apt configurations (the VM kernels' backports, the musl build's
# libpcap source) use the same mirror and the project names none.
set -u
uri=$(cat /etc/apt/sources.list /etc/apt/sources.list.d/*.sources \
	/etc/apt/sources.list.d/*.list 2>/dev/null |
	awk '/^URIs:/ { print $2 } /^deb / { print ($2 ~ /^\[/) ? $3 : $2 }' |
	grep -E '/debian/?$' | head -n 1)
if [ -z "$uri" ]; then
	echo "no Debian archive in the machine's apt sources" >&2
	exit 1
fi
echo "${uri%/}"
