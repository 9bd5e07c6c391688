#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# Runs real tshark with the C plugin over the shared and generated captures
# and checks that it shows exactly what the Lua dissector shows.
#
# Wireshark run as root ignores personal plugin folders (and
# WIRESHARK_PLUGIN_DIR), and CI runs as root, so tshark runs here as an
# unprivileged user (MBT_WS_USER, created if missing) with a throwaway HOME
# that holds only this build's plugin.  The C plugin and the Lua dissector
# register the same protocol name, so each run loads exactly one of them.

set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh # ROOT, MKTRACE, SHARED_CAPTURE, TMP, ok/not_ok/skip/finish

SAMPLES="v1-le v1-be v2 v2-early v3 values malformed"
TUSER=${MBT_WS_USER:-mbtwstest}
FIELDS="-e mbuf_trace.format -e mbuf_trace.layout -e mbuf_trace.text -e mbuf_trace.func
	-e mbuf_trace.file -e mbuf_trace.line -e mbuf_trace.ns -e mbuf_trace.ifname
	-e mbuf_trace.kind -e mbuf_trace.flow.proto -e mbuf_trace.flow.dir
	-e mbuf_trace.flow.src -e mbuf_trace.flow.sport -e mbuf_trace.flow.dst
	-e mbuf_trace.flow.dport
	-e mbuf_trace.summary -e mbuf_trace.value.qdisc_handle -e mbuf_trace.value.rc
	-e mbuf_trace.value.dev_kind -e mbuf_trace.value.return -e mbuf_trace.value.icmp_type
	-e mbuf_trace.value.neigh_addr -e mbuf_trace.value.neigh_state -e mbuf_trace.value.pid
	-e mbuf_trace.value.seen_at"

# done_: the closing line, and the exit status that goes with it.
done_() {
	finish
	exit
}

if ! command -v tshark >/dev/null 2>&1; then
	skip "tshark not installed (apt-get install tshark)"
	done_
fi
if ! pkg-config --exists wireshark glib-2.0 2>/dev/null; then
	skip "Wireshark development files absent (apt-get install wireshark-dev libwireshark-dev libglib2.0-dev)"
	done_
fi
WS_VERSION=$(pkg-config --modversion wireshark | cut -d. -f1,2)

# The unprivileged user reads the plugin and captures from here.
chmod 0755 "$TMP"

if ! make -s build/wireshark/mbuf_trace.so >"$TMP/build.log" 2>&1; then
	not_ok "build build/wireshark/mbuf_trace.so" "$TMP/build.log"
	done_
fi
ok "build build/wireshark/mbuf_trace.so"

# Exactly the four symbols Wireshark 4.0's loader uses, nothing of the
# library: a plugin must not clash with whatever else the process loads.
nm -D --defined-only build/wireshark/mbuf_trace.so | awk '{print $3}' |
	grep -v '^_' | sort >"$TMP/exports"
printf '%s\n' plugin_register plugin_version plugin_want_major \
	plugin_want_minor >"$TMP/exports.want"
if diff -u "$TMP/exports.want" "$TMP/exports" >"$TMP/exports.diff"; then
	ok "plugin exports exactly plugin_version, plugin_want_major, plugin_want_minor, plugin_register"
else
	not_ok "plugin exports exactly the plugin ABI symbols" "$TMP/exports.diff"
fi

# Run tshark as an unprivileged user: root would ignore the plugin folder.
if [ "$(id -u)" = 0 ]; then
	if ! id -u "$TUSER" >/dev/null 2>&1; then
		useradd --system --no-create-home --home-dir /nonexistent \
			--shell /usr/sbin/nologin "$TUSER" ||
			{ not_ok "create user $TUSER"; done_; }
	fi
	as_user() { runuser -u "$TUSER" -- "$@"; }
	owner=$TUSER
else
	as_user() { "$@"; }
	owner=$(id -un)
fi

# Two homes: one with the C plugin, one empty for the Lua runs.
C_HOME=$TMP/c-home
LUA_HOME=$TMP/lua-home
mkdir -p "$C_HOME/.local/lib/wireshark/plugins/$WS_VERSION/epan" "$LUA_HOME" \
	"$TMP/caps"
cp build/wireshark/mbuf_trace.so \
	"$C_HOME/.local/lib/wireshark/plugins/$WS_VERSION/epan/"
chown -R "$owner" "$C_HOME" "$LUA_HOME" "$TMP/caps"

tshark_c() {
	as_user env HOME="$C_HOME" XDG_CONFIG_HOME="$C_HOME/.config" \
		tshark "$@"
}
LUA=
if [ -f wireshark/mbuf_trace.lua ]; then
	cp wireshark/mbuf_trace.lua "$TMP/mbuf_trace.lua"
	chmod 0644 "$TMP/mbuf_trace.lua"
	LUA=$TMP/mbuf_trace.lua
fi
tshark_lua() {
	as_user env HOME="$LUA_HOME" XDG_CONFIG_HOME="$LUA_HOME/.config" \
		tshark -X "lua_script:$LUA" "$@"
}

# A system-wide copy of either dissector would be loaded in both runs.
for d in "$(tshark -G folders 2>/dev/null | awk -F'\t+' '/^Global Plugins:/ {print $2}')" \
	"$(tshark -G folders 2>/dev/null | awk -F'\t+' '/^Global Lua Plugins:/ {print $2}')"; do
	[ -n "$d" ] || continue
	if find "$d" -name 'mbuf_trace*' 2>/dev/null | grep -q .; then
		not_ok "no mbuf_trace dissector installed system-wide under $d"
	fi
done

if tshark_c -G plugins >"$TMP/plugins" 2>&1 &&
	grep -q "$C_HOME/.*mbuf_trace.so" "$TMP/plugins" &&
	tshark_c -G protocols 2>/dev/null | grep -q "	mbuf_trace$"; then
	ok "tshark loads the C plugin as protocol mbuf_trace"
else
	not_ok "tshark loads the C plugin as protocol mbuf_trace" "$TMP/plugins"
	done_
fi

# The captures to compare: the prototype's real one and generated samples.
CAPS=
if [ -r "$SHARED_CAPTURE" ]; then
	cp "$SHARED_CAPTURE" "$TMP/caps/shared.pcap"
	CAPS="shared"
else
	skip "shared capture $SHARED_CAPTURE absent"
fi
if [ ! -x "$MKTRACE" ] && [ -f tests/tools/mktrace.c ]; then
	make -s build/bin/mktrace >"$TMP/mktrace.log" 2>&1 ||
		not_ok "build $MKTRACE" "$TMP/mktrace.log"
fi
for s in $SAMPLES; do
	if [ ! -x "$MKTRACE" ]; then
		skip "sample $s: $MKTRACE not built"
	elif "$MKTRACE" "$s" "$TMP/caps/$s.pcap" >"$TMP/mk.log" 2>&1; then
		CAPS="$CAPS $s"
	else
		not_ok "mktrace $s" "$TMP/mk.log"
	fi
done
# FreeBSD's traces, with firewall states (freebsd/tests/mtrace_sample.c).
if [ -x build/bin/mtrace-sample ] &&
	build/bin/mtrace-sample "$TMP/caps/freebsd.pcap" >/dev/null 2>&1; then
	CAPS="$CAPS freebsd"
else
	skip "freebsd sample: build/bin/mtrace-sample not built"
fi
chmod 0644 "$TMP"/caps/*.pcap 2>/dev/null

for c in $CAPS; do
	cap=$TMP/caps/$c.pcap
	# shellcheck disable=SC2086 # FIELDS is a word list on purpose
	tshark_c -r "$cap" -T fields $FIELDS >"$TMP/$c.c" 2>"$TMP/$c.c.err"
	rc=$?
	if [ "$rc" -ne 0 ] || ! grep -q '^v[123]' "$TMP/$c.c"; then
		not_ok "$c: C plugin decodes every trace (rc $rc)" "$TMP/$c.c.err"
		continue
	fi
	if [ -z "$LUA" ]; then
		skip "$c: wireshark/mbuf_trace.lua absent, no comparison"
		continue
	fi
	# shellcheck disable=SC2086
	tshark_lua -r "$cap" -T fields $FIELDS >"$TMP/$c.lua" 2>"$TMP/$c.lua.err"
	if diff -u "$TMP/$c.lua" "$TMP/$c.c" >"$TMP/$c.diff" 2>&1 &&
		! grep -qi 'lua.*error\|error.*lua' "$TMP/$c.lua.err"; then
		ok "$c: C plugin and Lua dissector show the same fields"
	else
		cat "$TMP/$c.lua.err" >>"$TMP/$c.diff"
		not_ok "$c: C plugin and Lua dissector show the same fields" \
			"$TMP/$c.diff"
	fi
done

count() { # capture filter: number of packets that match
	tshark_c -r "$1" -Y "$2" -T fields -e frame.number 2>/dev/null | wc -l
}

if [ -f "$TMP/caps/shared.pcap" ]; then
	cap=$TMP/caps/shared.pcap
	n=$(count "$cap" 'mbuf_trace.func == "if_dequeue"')
	if [ "$n" -eq 4 ]; then
		ok "shared: mbuf_trace.func == \"if_dequeue\" selects 4 packets"
	else
		not_ok "shared: mbuf_trace.func == \"if_dequeue\" selects 4 packets (got $n)"
	fi

	# Snapshots go to Wireshark's own dissectors: ARP and ICMP inside.
	n=$(count "$cap" 'mbuf_trace && eth && (arp || icmp)')
	if [ "$n" -eq 4 ]; then
		ok "shared: Ethernet snapshots are dissected (ARP, ICMP)"
	else
		not_ok "shared: Ethernet snapshots are dissected (got $n of 4)"
	fi

	# Recorded absolute paths link to themselves, with the line.
	tshark_c -r "$cap" -c 1 -T fields -E occurrence=f -e mbuf_trace.src_url \
		>"$TMP/url" 2>&1
	if grep -qx 'file:///usr/src/sys/net/if\.c#L[0-9][0-9]*' "$TMP/url"; then
		ok "shared: source link is file:///usr/src/sys/net/if.c#L<line>"
	else
		not_ok "shared: source link is file:///usr/src/sys/net/if.c#L<line>" "$TMP/url"
	fi
fi

# The source_root preference prefixes relative paths only.
rel=
for c in $CAPS; do
	[ -s "$TMP/$c.c" ] || continue
	if tshark_c -r "$TMP/caps/$c.pcap" -T fields -e mbuf_trace.file \
		2>/dev/null | tr ',' '\n' | grep -q '^[^/]'; then
		rel=$c
		break
	fi
done
if [ -n "$rel" ]; then
	tshark_c -r "$TMP/caps/$rel.pcap" -o mbuf_trace.source_root:/srv/src \
		-T fields -e mbuf_trace.file -e mbuf_trace.src_url \
		>"$TMP/root" 2>&1
	if grep -q 'file:///srv/src/[^/]' "$TMP/root"; then
		ok "$rel: source_root /srv/src prefixes relative paths in links"
	else
		not_ok "$rel: source_root /srv/src prefixes relative paths in links" "$TMP/root"
	fi
else
	skip "no capture with relative source paths for the source_root preference"
fi

# A broken trace is reported, and the records before the fault are kept.
if [ -f "$TMP/caps/malformed.pcap" ]; then
	cap=$TMP/caps/malformed.pcap
	n=$(count "$cap" 'mbuf_trace.malformed || mbuf_trace.truncated')
	tshark_c -r "$cap" -Y 'mbuf_trace.malformed || mbuf_trace.truncated' \
		-T fields -e _ws.expert.message >"$TMP/expert" 2>&1
	if [ "$n" -ge 1 ] && grep -Eq "record -?[0-9]+, offset [0-9]+: " "$TMP/expert"; then
		ok "malformed: expert info with the message, record and offset ($n packets)"
	else
		not_ok "malformed: expert info with the message, record and offset" "$TMP/expert"
	fi
	n=$(count "$cap" '(mbuf_trace.malformed || mbuf_trace.truncated) && mbuf_trace.count > 0')
	if [ "$n" -ge 1 ]; then
		ok "malformed: records decoded before the fault are shown"
	else
		skip "malformed: no sample with records before its fault"
	fi
	# Every other capture decodes cleanly.
	for c in $CAPS; do
		[ "$c" = malformed ] && continue
		n=$(count "$TMP/caps/$c.pcap" '_ws.expert.severity == error')
		if [ "$n" -eq 0 ]; then
			ok "$c: no error expert info"
		else
			not_ok "$c: no error expert info (got $n packets)"
		fi
	done
fi

# Broken traces of every layout, corrupted in many ways: the plugin shows
# what it can and never takes tshark down.
for s in v1-le v2 v2-early v3; do
	"$MKTRACE" "$s" "$TMP/clean-$s.pcap"
	python3 tests/tools/corrupt_pcap.py "$TMP/clean-$s.pcap" \
		"$TMP/caps/corrupt-$s.pcap" 40 >/dev/null
done
chown -R "$owner" "$TMP/caps"
for s in v1-le v2 v2-early v3; do
	if tshark_c -r "$TMP/caps/corrupt-$s.pcap" -V >"$TMP/corrupt.out" \
		2>"$TMP/corrupt.err" && ! grep -qi "dissector bug" "$TMP/corrupt.out"; then
		ok "corrupted $s traces: tshark with the C plugin survives them"
	else
		not_ok "corrupted $s traces: tshark with the C plugin survives them" \
			"$TMP/corrupt.err"
	fi
done
# Which v2 layout a broken trace is read as is decided the same way by both.
for s in v2 v2-early; do
	cap=$TMP/caps/corrupt-$s.pcap
	# shellcheck disable=SC2086
	tshark_c -r "$cap" -T fields $FIELDS >"$TMP/cc.c" 2>/dev/null
	# shellcheck disable=SC2086
	tshark_lua -r "$cap" -T fields $FIELDS >"$TMP/cc.lua" 2>/dev/null
	if [ -n "$LUA" ] && diff -u "$TMP/cc.lua" "$TMP/cc.c" >"$TMP/cc.diff"; then
		ok "corrupted $s traces: C plugin and Lua dissector show the same fields"
	else
		not_ok "corrupted $s traces: C plugin and Lua dissector show the same fields" \
			"$TMP/cc.diff"
	fi
done

done_
