#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `make demo`: mbuftrace's main job.  First live: linux/demo.sh builds a
# small namespace topology, records a ping and a blocked packet with eBPF,
# prints both paths and removes the topology.  Then reading: the sample
# capture this project ships (samples/demo.pcap, made by mktrace demo) and,
# when it is there, the prototype author's own FreeBSD capture in ../shared.
set -eu
cd "$(dirname "$0")/.."
MBT=build/bin/mbuftrace
SHARED=../shared/captures/mbuf-tracing-part3.pcap
LUA=wireshark/mbuf_trace.lua

say() { printf '\n\033[1m== %s\033[0m\n' "$*"; }

if [ -x linux/demo.sh ] || [ -f linux/demo.sh ]; then
	bash linux/demo.sh || say "(the live demo failed: see above)"
fi

say "mbuftrace read samples/demo.pcap   (paths across Linux namespaces and FreeBSD VNET jails)"
"$MBT" read samples/demo.pcap

if [ -r "$SHARED" ]; then
	say "mbuftrace read $SHARED   (the prototype's v2 traces, oldest record first)"
	"$MBT" read "$SHARED"
	if command -v tshark >/dev/null && [ -r "$LUA" ]; then
		say "tshark with the Lua dissector: -Y 'mbuf_trace.func == \"if_dequeue\"'"
		tshark -X lua_script:"$LUA" -r "$SHARED" \
			-Y 'mbuf_trace.func == "if_dequeue"' 2>/dev/null
	fi
else
	say "($SHARED is not here: skipping the prototype's capture)"
fi

say "mbuftrace read --json --func nf_hook_slow samples/demo.pcap   (JSON Lines, shown indented)"
"$MBT" read --json --func nf_hook_slow samples/demo.pcap | python3 -m json.tool

say "mbuftrace read --write-pcapng /tmp/demo.pcapng samples/demo.pcap; tcpdump -r it"
"$MBT" read --write-pcapng /tmp/mbuftrace-demo.pcapng samples/demo.pcap >/dev/null
tcpdump -nr /tmp/mbuftrace-demo.pcapng 2>/dev/null | head -n 4
rm -f /tmp/mbuftrace-demo.pcapng
