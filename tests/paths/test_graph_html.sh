#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# The HTML page of `mbuftrace graph` in headless Chromium (Debian's
# chromium): it opens on a packet given in its address, highlights and
# numbers that packet's hops on the IMUNES drawing, shows its sequence,
# logs no error to the console, and answers a person's clicks and hovers
# (tests/paths/html_interact.mjs, when Node is there).  A screenshot is kept in
# build/paths/ for a person to look at.  Chromium gets no network: its
# background services are off and the page loads nothing.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh

MKPATHS=${MKPATHS:-$ROOT/build/bin/mkpaths}
CHROMIUM=$(command -v chromium || command -v chromium-browser || true)
if [ -z "$CHROMIUM" ]; then
	skip "chromium not installed (Debian package chromium)"
	finish
	exit
fi
mkdir -p build/paths

# chrome ARGS...: headless, no sandbox (root), no network services, a
# fresh profile each time.
chrome() {
	rm -rf "$TMP/profile"
	timeout 120 "$CHROMIUM" --headless --no-sandbox --disable-gpu \
		--disable-background-networking --disable-component-update \
		--no-first-run --user-data-dir="$TMP/profile" \
		--enable-logging=stderr --v=0 --virtual-time-budget=5000 "$@"
}

"$MKPATHS" lab "$TMP/lab.pcap"
"$MBT" graph --topology examples/imunes/lab.imn -o "$TMP/lab.html" \
	"$TMP/lab.pcap" 2>/dev/null
check "the page is one file that fetches nothing" \
	bash -c "! grep -qiE '(src|href)=.(https?:|//)' '$TMP/lab.html'"

chrome --dump-dom "file://$TMP/lab.html#frame=5" >"$TMP/dom.html" \
	2>"$TMP/console.log"
# status: the packet, its path, and how many hops are highlighted.
status=$(grep -o '<div id="status">[^<]*' "$TMP/dom.html" | sed 's/.*>//')
check "frame 5 opens highlighted: '$status'" test "$status" = \
	"frame 5: path 4 of 4, 12 steps, 2 hops highlighted, ends dropped in router1"
check "its two hops are red (class hl)" \
	test "$(grep -o 'class="edge hl"' "$TMP/dom.html" | wc -l)" -eq 2
check "and numbered 1, 2" \
	test "$(grep -oE '<g class="num"><circle[^>]*></circle><text[^>]*>[0-9]+' \
		"$TMP/dom.html" | sed 's/.*>//' | tr '\n' ' ')" = "1 2 "
check "the other hops are dimmed" \
	test "$(grep -o 'class="edge dim"' "$TMP/dom.html" | wc -l)" -eq 3
check "its drop in router1 is marked" \
	grep -q 'class="endmark dropped mine"' "$TMP/dom.html"
check "the sequence shows the drop, in router1's lanes" \
	grep -q 'neigh_invalidate end dropped: NEIGH_FAILED' "$TMP/dom.html"
check "source locations are there to copy" \
	grep -q 'title="click to copy net/core/neighbour.c:1139"' "$TMP/dom.html"
check "no script error on the page" \
	grep -q '<div id="errors"></div>' "$TMP/dom.html"
check "no console message or uncaught error" \
	bash -c "! grep -E 'CONSOLE|Uncaught' '$TMP/console.log'"

# A path chosen by its rank, and the screenshot a person checks.
chrome --dump-dom "file://$TMP/lab.html#path=3" >"$TMP/dom3.html" 2>/dev/null
check "#path=3: the TCP path to the server, three hops" grep -q \
	'<div id="status">path 3 of 4, 17 steps, 3 hops highlighted, ends delivered in server' \
	"$TMP/dom3.html"
chrome --window-size=1300,900 --screenshot="$ROOT/build/paths/graph-lab.png" \
	"file://$TMP/lab.html#frame=5" >/dev/null 2>&1
check "a screenshot was taken (build/paths/graph-lab.png)" \
	test -s build/paths/graph-lab.png

# What a person does with it: pick a path, hover a hop, copy a source
# location, pick a frame (Node drives Chromium through its DevTools port).
if command -v node >/dev/null &&
	node --experimental-websocket -e 'new WebSocket("ws://127.0.0.1:9")' \
		>/dev/null 2>&1; then
	rm -rf "$TMP/profile"
	timeout 120 node --experimental-websocket tests/paths/html_interact.mjs \
		"$CHROMIUM" "file://$TMP/lab.html" "$TMP/profile" >"$TMP/interact" 2>&1
	while read -r verdict what; do
		case $verdict in
		PASS) ok "page: $what" ;;
		*) echo "$what" >"$TMP/why"; not_ok "page: $verdict $what" "$TMP/why" ;;
		esac
	done <"$TMP/interact"
	grep -q '^PASS no error on the console' "$TMP/interact" ||
		not_ok "page: the interaction script ran to its end" "$TMP/interact"
else
	skip "no Node with a WebSocket (node --experimental-websocket): the page's interactions"
fi

# 20,000 packets: one entry per path, one number per frame.
"$MKPATHS" mix 20000 "$TMP/mix.pcap"
"$MBT" graph --topology examples/imunes/lab.imn -o "$TMP/mix.html" \
	"$TMP/mix.pcap" 2>/dev/null
size=$(stat -c %s "$TMP/mix.html")
check "20,000 packets make a page under 200 kB ($size bytes)" \
	test "$size" -lt 200000
chrome --dump-dom "file://$TMP/mix.html#frame=20000" >"$TMP/mix-dom.html" \
	2>"$TMP/mix-console.log"
check "and its last frame opens highlighted" grep -q \
	'<div id="status">frame 20000: path 2 of 4' "$TMP/mix-dom.html"
check "with no error" bash -c "! grep -E 'CONSOLE|Uncaught' '$TMP/mix-console.log'"
finish
