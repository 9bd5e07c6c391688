#!/usr/bin/env bash
# SPDX-License-Identifier: BSD-2-Clause
# `mbuftrace export --otlp`: the journeys of mkjourney's three hosts as
# OTLP JSON, checked by the OpenTelemetry JavaScript project's own OTLP
# schema (installed from npm into build/, never committed), written to a
# file and POSTed to a receiver on 127.0.0.1.
set -u
cd "$(dirname "$0")/../.." || exit 1
. tests/lib.sh
MKJOURNEY=${MKJOURNEY:-$ROOT/build/bin/mkjourney}
NODE_DIR=$ROOT/build/otlp-check
# The last release that ships the compiled opentelemetry-proto schema.
OTLP_PKG=@opentelemetry/otlp-transformer@0.52.1

"$MKJOURNEY" "$TMP" || not_ok "mkjourney"
H="$TMP/h1.pcap $TMP/h2.pcap $TMP/h3.pcap"

# shellcheck disable=SC2086
check "export --otlp FILE" "$MBT" export --otlp "$TMP/otlp.json" $H

if [ ! -d "$NODE_DIR/node_modules/@opentelemetry/otlp-transformer" ] &&
	command -v npm >/dev/null; then
	npm install --prefix "$NODE_DIR" --no-audit --no-fund --no-save \
		"$OTLP_PKG" >"$TMP/npm.log" 2>&1 || cat "$TMP/npm.log"
fi
if [ -d "$NODE_DIR/node_modules/@opentelemetry/otlp-transformer" ] &&
	command -v node >/dev/null; then
	if node tests/journey/otlp_check.cjs "$NODE_DIR/node_modules" \
		"$TMP/otlp.json" >"$TMP/shape.txt" 2>&1; then
		ok "export: OTLP as OpenTelemetry's own schema has it"
	else
		not_ok "export: OTLP as OpenTelemetry's own schema has it" \
			"$TMP/shape.txt"
	fi
	# 3 requests and 3 replies across the three hosts, the drop on h2,
	# the 4 twins alone; interfaces, rules, routes and drop reasons.
	n() { grep -c "$1" "$TMP/shape.txt"; }
	if [ "$(n '^h1>h2>h3 stacks=3 events=22 ok .*mbuftrace.routes,mbuftrace.rule.engine,mbuftrace.rule.number,mbuftrace.rules,network.interface.name$')" = 3 ] &&
		[ "$(n '^h3>h2>h1 stacks=3 events=18 ok ')" = 3 ] &&
		[ "$(n '^h1>h2 stacks=2 events=12 error:dropped: PFIL_DROP .*mbuftrace.drop_reason,')" = 1 ] &&
		[ "$(wc -l <"$TMP/shape.txt")" = 11 ]; then
		ok "export: a trace per journey, a span per host and stack"
	else
		not_ok "export: a trace per journey, a span per host and stack" \
			"$TMP/shape.txt"
	fi
else
	skip "npm could not install $OTLP_PKG: OTLP not checked"
fi

# Over HTTP to a receiver: the same request, at /v1/traces, as JSON.
mkdir -p "$TMP/rx"
python3 tests/journey/otlp_receiver.py "$TMP/rx" "$TMP/port" &
RX=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port" 2>/dev/null)
# shellcheck disable=SC2086
check "export --otlp http://127.0.0.1:PORT" "$MBT" export \
	--otlp "http://127.0.0.1:$PORT" $H
if [ "$(cat "$TMP/rx/post1.head" 2>/dev/null)" = "/v1/traces application/json" ] &&
	cmp -s "$TMP/rx/post1.body" "$TMP/otlp.json"; then
	ok "export: POSTed to /v1/traces, the same JSON as the file"
else
	not_ok "export: POSTed to /v1/traces, the same JSON as the file" \
		"$TMP/rx/post1.head"
fi
# shellcheck disable=SC2086
check "export to a URL with a path uses it" "$MBT" export \
	--otlp "http://127.0.0.1:$PORT/otlp/v1/traces" $H
if grep -q "^/otlp/v1/traces " "$TMP/rx/post2.head" 2>/dev/null; then
	ok "export: the URL's own path"
else
	not_ok "export: the URL's own path" "$TMP/rx/post2.head"
fi
kill "$RX" 2>/dev/null
wait "$RX" 2>/dev/null

# A receiver that says no is an error, and says what it said.
rm -f "$TMP/port"
python3 tests/journey/otlp_receiver.py "$TMP/rx" "$TMP/port" 503 &
RX=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port" 2>/dev/null)
"$MBT" export --otlp "http://127.0.0.1:$PORT" "$TMP/h1.pcap" \
	>/dev/null 2>"$TMP/err.txt"
if [ $? -eq 2 ] && grep -q "the receiver said 'HTTP/1.0 503" "$TMP/err.txt"
then
	ok "export: a receiver's refusal fails the export"
else
	not_ok "export: a receiver's refusal fails the export" "$TMP/err.txt"
fi
kill "$RX" 2>/dev/null
wait "$RX" 2>/dev/null

# Nobody listening, and usage errors.
"$MBT" export --otlp "http://127.0.0.1:1/" "$TMP/h1.pcap" >/dev/null \
	2>"$TMP/err.txt"
if [ $? -eq 2 ] && grep -q "cannot connect" "$TMP/err.txt"; then
	ok "export: nobody listening is an error"
else
	not_ok "export: nobody listening is an error" "$TMP/err.txt"
fi
"$MBT" export "$TMP/h1.pcap" >/dev/null 2>"$TMP/err.txt"
if [ $? -eq 2 ] && grep -q "give --otlp" "$TMP/err.txt"; then
	ok "export without --otlp: a usage error"
else
	not_ok "export without --otlp: a usage error" "$TMP/err.txt"
fi

finish
