// SPDX-License-Identifier: BSD-2-Clause
// Checks `mbuftrace export --otlp` output with an implementation that is
// not ours: the OpenTelemetry JavaScript project's protobuf definitions of
// OTLP (opentelemetry-proto, compiled by protobufjs, shipped in
// @opentelemetry/otlp-transformer).  Every line must be an
// ExportTraceServiceRequest in OTLP's JSON encoding: each field known to
// the schema and of its type (a round trip through the schema gives the
// same object back), ids as hex, and it must encode to protobuf and back.
// Then it prints each trace's shape for the shell test to assert on.
//
// usage: node otlp_check.cjs NODE_MODULES_DIR FILE
'use strict';
const path = require('path');
const fs = require('fs');
const assert = require('assert');

const root = require(path.resolve(process.argv[2],
    '@opentelemetry/otlp-transformer/build/src/generated/root.js'));
const Req = root.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
const lines = fs.readFileSync(process.argv[3], 'utf8').split('\n')
    .filter((l) => l.length > 0);

// OTLP JSON differs from protobuf's JSON in one thing we must undo:
// trace and span ids are hex, not base64 (the OTLP specification).
function idToBytes(hex, n, what) {
  assert.match(hex, new RegExp('^[0-9a-f]{' + 2 * n + '}$'), what + ' ' + hex);
  assert.notStrictEqual(hex, '0'.repeat(2 * n), what + ' is all zero');
  return Buffer.from(hex, 'hex');
}

function toSchemaForm(req) {
  const copy = JSON.parse(JSON.stringify(req));
  for (const rs of copy.resourceSpans || [])
    for (const ss of rs.scopeSpans || [])
      for (const s of ss.spans || []) {
        s.traceId = idToBytes(s.traceId, 16, 'traceId').toString('base64');
        s.spanId = idToBytes(s.spanId, 8, 'spanId').toString('base64');
        if (s.parentSpanId !== undefined)
          s.parentSpanId = idToBytes(s.parentSpanId, 8, 'parentSpanId')
              .toString('base64');
      }
  return copy;
}

const opts = {longs: String, enums: Number, bytes: String, defaults: false};
const traces = new Map();
for (const line of lines) {
  const req = JSON.parse(line);
  const want = toSchemaForm(req);
  const msg = Req.fromObject(want);
  // Unknown or misspelt keys and wrong types do not survive the trip.
  assert.deepStrictEqual(Req.toObject(msg, opts), want,
      'the request is not OTLP as the schema has it');
  const back = Req.decode(Req.encode(msg).finish());
  assert.deepStrictEqual(Req.toObject(back, opts), want, 'protobuf trip');

  for (const rs of req.resourceSpans) {
    const host = rs.resource.attributes.find((a) => a.key === 'host.name');
    for (const ss of rs.scopeSpans)
      for (const s of ss.spans) {
        if (!traces.has(s.traceId)) traces.set(s.traceId, []);
        traces.get(s.traceId).push({host: host.value.stringValue, s});
      }
  }
}

// The shape of each trace: its root, the host spans under it in time
// order, the stack instance spans under those, events inside their span.
const out = [];
for (const [id, spans] of traces) {
  const byId = new Map(spans.map((x) => [x.s.spanId, x]));
  const roots = spans.filter((x) => x.s.parentSpanId === undefined);
  assert.strictEqual(roots.length, 1, id + ': one root span');
  let events = 0;
  for (const {s} of spans) {
    assert.ok(BigInt(s.startTimeUnixNano) <= BigInt(s.endTimeUnixNano),
        s.name + ': starts before it ends');
    if (s.parentSpanId !== undefined)
      assert.ok(byId.has(s.parentSpanId), s.name + ': its parent is there');
    for (const e of s.events || []) {
      const t = BigInt(e.timeUnixNano);
      assert.ok(t >= BigInt(s.startTimeUnixNano) &&
          t <= BigInt(s.endTimeUnixNano), s.name + ': event inside span');
      events++;
    }
  }
  const rootId = roots[0].s.spanId;
  const hosts = spans.filter((x) => x.s.parentSpanId === rootId)
      .sort((a, b) => (BigInt(a.s.startTimeUnixNano) <
          BigInt(b.s.startTimeUnixNano) ? -1 : 1));
  const stacks = spans.filter((x) => byId.has(x.s.parentSpanId) &&
      byId.get(x.s.parentSpanId).s.parentSpanId === rootId);
  const keys = new Set();
  for (const {s} of stacks) {
    for (const a of s.attributes || []) keys.add(a.key);
    for (const e of s.events || [])
      for (const a of e.attributes || []) keys.add(a.key);
  }
  const st = roots[0].s.status;
  out.push([hosts.map((x) => x.host).join('>'), 'stacks=' + stacks.length,
    'events=' + events, st && st.code === 2 ? 'error:' + st.message : 'ok',
    [...keys].filter((k) => /interface|rule|route|drop_reason|code\./
        .test(k)).sort().join(',')].join(' '));
}
console.log(out.join('\n'));
