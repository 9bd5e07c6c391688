-- SPDX-License-Identifier: BSD-2-Clause
--
-- mbuf_trace.lua: Wireshark dissector for link type DLT_USER0 (147) as
-- written by the kernel's `mbuf_trace` BPF interface.  It reads the three
-- layouts of include/mbuftrace/format.h (v1, v2, v3), detects and decodes them
-- as docs/format.md says (stop at the first fault, keep the records before
-- it; expert info "record N, offset M: what", N = stored index, -1 = header).
--
--   tshark -X lua_script:wireshark/mbuf_trace.lua -r FILE
--   (or copy this file into ~/.local/lib/wireshark/plugins/)
--
-- ============================================================================
-- RECORD TEXT: one line per record, the same in every format.  render_text()
-- implements exactly this; lib/record_text.c (mbt_record_text) mirrors it.
-- ============================================================================
-- T1  v1/v2 string records: the string itself, without its NUL.
--     (It already has the T2 shape "FILE:LINE: FUNC...".)  Such a string is
--     a point when the first ':' at index >= 1 is followed by 1..10 digits
--     (<= 4294967295) and then the end or ": "; else a text record.
-- T2  Otherwise the line is built from pieces, separated by ONE space where a
--     space is written below as "_" (a "_" is only written when the line is
--     not empty yet-so-far, i.e. never a leading space):
--       a. source location, when the record has one (v3 SRC attribute):
--            FILE [":" LINE] ":"      only when FILE is not empty;
--                                     ":" LINE only when LINE != 0
--            _ FUNC                   when FUNC is not empty, except for a
--                                     point whose TEXT starts with FUNC
--       b. the body, by kind:
--            point    _ TEXT, or when TEXT is empty and the detail is enter
--                     or leave: _ "enter" / _ "leave"; else nothing
--            text     _ TEXT
--            packet   _ "packet " LT " " ORIG_LEN " bytes"
--            rule     _ "rule " FW [" " TABLE] " " NUMBER " " VERDICT
--                     (TABLE when not empty)
--            verdict  _ "verdict " VERDICT [": " REASON]
--            iface    _ "iface " IFACE [" ns " NS]
--            end      _ "end " HOW [": " REASON]
--            route    _ "route error " ERRNO          when error != 0, else
--                     _ "route table " T [" via " GW] " oif " OIF
--            copy     _ "copy to trace 0x" CHILD_ID in hex
--            other    _ "kind " K
--       c. for kinds other than point and text: " " WORDS when there are
--          any, then " " TEXT when TEXT is not empty.
--       d. WORDS: the words of the record's typed values (VALUES), phrases
--          in the order of values_text(), "; " between them; a point with
--          WORDS shows WORDS [" " TEXT] as its TEXT, and its FUNC always.
--     Numbers are unsigned decimal (ERRNO signed); absent attributes read as
--     zero / empty (e.g. a packet event without PACKET: "packet loopback 0
--     bytes"); [": " REASON] and [" ns " NS] only when the attribute exists.
--     REASON = its name string, else the code.  NS = its name string, else
--     the u64 id.  IFACE = the name string, else "if#" ifindex.
--     GW = inet_ntop() of the 4 (family 4) or 16 (family 6) gateway bytes,
--     only when family != 0.
--     Names (lib/names.c):
--       LT       0 loopback, 1 ethernet, 101 raw-ip, 108 loop, 113 linux-sll,
--                228 ipv4, 229 ipv6, 65535 none, else "linktype"
--       FW       0 other, 1 ipfw, 2 pf, 3 nftables, 4 iptables, 5 netgraph,
--                else "other"
--       VERDICT  0 none, 1 pass, 2 drop, 3 reject, 4 continue, 5 queue,
--                else "unknown"
--       HOW      1 freed, 2 delivered, 3 sent, 4 dropped, 5 consumed,
--                else "unknown"
--       kind     1 point .. 9 copy (format.h order), else "unknown"
--     e.g. "net/ipv4/icmp.c:1221: icmp_rcv echo request",
--          "net/netfilter/core.c:622: nf_hook_slow end dropped: NETFILTER_DROP",
--          "rule nftables inet/filter/forward 4 pass", "iface eth0 ns h1".
-- T3  Display only: bytes that are not valid UTF-8, and control characters,
--     are shown as \xNN.
--
-- Fields: every record is one `mbuf_trace.summary` item (its line, the label
-- of its subtree).  `mbuf_trace.text` (the same line) is added for records of
-- kind point and text only.  file/line/func come with a source location
-- (file and func only when not empty), ifname with a non-empty interface
-- name, ns with an NS attribute.
-- ============================================================================

local proto = Proto("mbuf_trace", "mbuf_trace packet path trace")

local WTAP = wtap_encaps or wtap

-- ---------------------------------------------------------------------------
-- Fields and expert info
-- ---------------------------------------------------------------------------
-- Typed values (VALUES attribute): types, keys' names (lib/names.c) and the
-- type each key has.  Their words: values_text() below.
local VT_INT, VT_STRING, VT_ADDR = 1, 2, 3
local VALUE_HDR_LEN, MAX_VALUES = 4, 8
local COPY_SHARED, COPY_SEGMENT, COPY_BEFORE_FREE = 0, 1, 2
local VALUE = { "return", "return_name", "rc", "dev_kind", "qdisc_handle",
	"icmp_type", "icmp_code", "neigh_addr", "neigh_state", "neigh_queued",
	"sock_tap", "sock_type", "rcvq_full", "gro_merged", "bytes", "pid",
	"copy_how", "seen_at", "route_next" }
local VALUE_TYPE = { VT_INT, VT_STRING, VT_INT, VT_STRING, VT_INT, VT_INT,
	VT_INT, VT_ADDR, VT_INT, VT_INT, VT_INT, VT_INT, VT_INT, VT_INT, VT_INT,
	VT_INT, VT_INT, VT_STRING, VT_INT }
local V = {} -- key by name: V.qdisc_handle == 5
for k, name in pairs(VALUE) do V[name] = k end

local F = {
	format = ProtoField.string("mbuf_trace.format", "Format"),
	layout = ProtoField.string("mbuf_trace.layout", "Layout"),
	count = ProtoField.uint32("mbuf_trace.count", "Records"),
	summary = ProtoField.string("mbuf_trace.summary", "Record"),
	kind = ProtoField.string("mbuf_trace.kind", "Kind"),
	detail = ProtoField.string("mbuf_trace.detail", "Detail"),
	text = ProtoField.string("mbuf_trace.text", "Text"),
	file = ProtoField.string("mbuf_trace.file", "File"),
	line = ProtoField.uint32("mbuf_trace.line", "Line"),
	func = ProtoField.string("mbuf_trace.func", "Function"),
	ns = ProtoField.string("mbuf_trace.ns", "Namespace"),
	ns_id = ProtoField.uint64("mbuf_trace.ns_id", "Namespace id"),
	ifname = ProtoField.string("mbuf_trace.ifname", "Interface"),
	ifindex = ProtoField.uint32("mbuf_trace.ifindex", "Interface index"),
	trace_id = ProtoField.uint64("mbuf_trace.trace_id", "Trace id", base.HEX),
	parent_id = ProtoField.uint64("mbuf_trace.parent_id", "Parent trace id", base.HEX),
	related_id = ProtoField.uint64("mbuf_trace.related_id", "Related trace id", base.HEX),
	time_ns = ProtoField.uint64("mbuf_trace.time_ns", "Time since start (ns)"),
	cpu = ProtoField.uint16("mbuf_trace.cpu", "CPU"),
	hdr_len = ProtoField.uint8("mbuf_trace.hdr_len", "Header length"),
	flags = ProtoField.uint16("mbuf_trace.flags", "Flags", base.HEX),
	trace_len = ProtoField.uint32("mbuf_trace.trace_len", "Trace length"),
	lost = ProtoField.uint32("mbuf_trace.lost", "Records lost"),
	start_ns = ProtoField.uint64("mbuf_trace.start_ns", "Start (ns since the epoch)"),
	tail_linktype = ProtoField.uint16("mbuf_trace.tail_linktype", "Tail link type"),
	origin = ProtoField.uint8("mbuf_trace.origin", "Origin", base.DEC,
		{ [0] = "unknown", [1] = "FreeBSD", [2] = "Linux" }),
	string_id = ProtoField.uint16("mbuf_trace.string_id", "String id"),
	string = ProtoField.string("mbuf_trace.string", "String"),
	linktype = ProtoField.uint16("mbuf_trace.linktype", "Link type"),
	orig_len = ProtoField.uint32("mbuf_trace.orig_len", "Original length"),
	rule_fw = ProtoField.string("mbuf_trace.rule.fw", "Firewall"),
	rule_table = ProtoField.string("mbuf_trace.rule.table", "Table/chain"),
	rule_number = ProtoField.uint64("mbuf_trace.rule.number", "Rule number"),
	reason = ProtoField.string("mbuf_trace.reason", "Reason"),
	reason_code = ProtoField.uint32("mbuf_trace.reason_code", "Reason code"),
	host = ProtoField.string("mbuf_trace.host", "Host"),
	clock_offset = ProtoField.int64("mbuf_trace.host.clock_offset", "Host clock offset (ns)"),
	clock_error = ProtoField.uint64("mbuf_trace.host.clock_error", "Host clock offset error (ns)"),
	route_table = ProtoField.uint32("mbuf_trace.route.table", "Route table"),
	route_oif = ProtoField.uint32("mbuf_trace.route.oif", "Route out ifindex"),
	route_error = ProtoField.int32("mbuf_trace.route.error", "Route error"),
	route_family = ProtoField.uint8("mbuf_trace.route.family", "Route family"),
	route_gw = ProtoField.string("mbuf_trace.route.gw", "Route gateway"),
	flow_proto = ProtoField.uint8("mbuf_trace.flow.proto", "State protocol"),
	flow_dir = ProtoField.uint8("mbuf_trace.flow.dir", "State direction", base.DEC,
		{ [0] = "unknown", [1] = "in", [2] = "out" }),
	flow_src = ProtoField.string("mbuf_trace.flow.src", "State source"),
	flow_sport = ProtoField.uint16("mbuf_trace.flow.sport", "State source port"),
	flow_dst = ProtoField.string("mbuf_trace.flow.dst", "State destination"),
	flow_dport = ProtoField.uint16("mbuf_trace.flow.dport", "State destination port"),
	skipped = ProtoField.bytes("mbuf_trace.skipped", "Skipped TLV"),
}
-- One field per value key: mbuf_trace.value.qdisc_handle...
local FV = {}
local FV_UNKNOWN = ProtoField.bytes("mbuf_trace.value.unknown", "Value of an unknown key")
local field_list = { FV_UNKNOWN }
for k, name in pairs(VALUE) do
	local t = VALUE_TYPE[k]
	FV[k] = t == VT_INT and ProtoField.int64("mbuf_trace.value." .. name, name)
		or ProtoField.string("mbuf_trace.value." .. name, name)
	field_list[#field_list + 1] = FV[k]
end
for _, f in pairs(F) do field_list[#field_list + 1] = f end
proto.fields = field_list

local E = {
	malformed = ProtoExpert.new("mbuf_trace.malformed", "Malformed mbuf_trace",
		expert.group.MALFORMED, expert.severity.ERROR),
	truncated = ProtoExpert.new("mbuf_trace.truncated", "Truncated mbuf_trace",
		expert.group.MALFORMED, expert.severity.WARN),
	skipped = ProtoExpert.new("mbuf_trace.skipped_tlv", "Unknown TLV skipped",
		expert.group.UNDECODED, expert.severity.NOTE),
	snapshot = ProtoExpert.new("mbuf_trace.snapshot", "Packet snapshot not dissected",
		expert.group.MALFORMED, expert.severity.WARN),
}
proto.experts = { E.malformed, E.truncated, E.skipped, E.snapshot }

-- ---------------------------------------------------------------------------
-- Codes and names (lib/names.c)
-- ---------------------------------------------------------------------------
local K_POINT, K_TEXT, K_PACKET, K_RULE, K_VERDICT, K_IFACE, K_END, K_ROUTE,
	K_COPY = 1, 2, 3, 4, 5, 6, 7, 8, 9
-- FreeBSD's firewall states (format.h's block numbered from 16).
local K_STATE = 16
local STATE = { "created", "matched" }
local DIR = { [0] = "unknown", "in", "out" }
local ROUTE_FIB = 1 -- ROUTE's detail: its table is a FreeBSD FIB

-- v2 record types, of the later and of the early layout.
local V2_TYPE_PACKET, V2_TYPE_STRING = 0, 1
local V2_EARLY_TYPE_PACKET, V2_EARLY_TYPE_STRING, V2_EARLY_TYPE_STRING2 = 1, 2, 3

local KIND = { "point", "text", "packet", "rule", "verdict", "iface", "end",
	"route", "copy", [16] = "state" }
local VERDICT = { [0] = "none", "pass", "drop", "reject", "continue", "queue" }
local HOW = { "freed", "delivered", "sent", "dropped", "consumed" }
local FW = { [0] = "other", "ipfw", "pf", "nftables", "iptables", "netgraph" }
local LINKTYPE = { [0] = "loopback", [1] = "ethernet", [101] = "raw-ip",
	[108] = "loop", [113] = "linux-sll", [228] = "ipv4", [229] = "ipv6",
	[65535] = "none" }

local function kind_name(k) return KIND[k] or "unknown" end
-- Codes this dissector has no name for are shown by number, as mbuftrace does.
local POINT = { [0] = "plain", "enter", "leave" }
local function point_name(d) return POINT[d] or tostring(d) end
local function verdict_name(v) return VERDICT[v] or tostring(v) end
local function how_name(h) return HOW[h] or tostring(h) end
local function fw_name(f) return FW[f] or tostring(f) end
local function linktype_name(lt) return LINKTYPE[lt] or ("linktype " .. lt) end

-- ---------------------------------------------------------------------------
-- Bounds-checked buffer access.  Callers check have() (or need()) first.
-- ---------------------------------------------------------------------------
local function have(tvb, off, n)
	return off >= 0 and n >= 0 and off + n <= tvb:len()
end

-- "ok" when [off, off+n) is captured, "truncated" when the packet had it but
-- the capture cut it, "bad" when it is past the end of the packet itself.
local function need(tvb, off, n)
	if off + n <= tvb:len() then return "ok" end
	if off + n <= tvb:reported_len() then return "truncated" end
	return "bad"
end

local function u8(tvb, off) return tvb(off, 1):uint() end
local function u16(tvb, off, le)
	if le then return tvb(off, 2):le_uint() end
	return tvb(off, 2):uint()
end
local function u32(tvb, off) return tvb(off, 4):uint() end
local function raw(tvb, off, n)
	if n <= 0 then return "" end
	return tvb:raw(off, n)
end

-- A range for tree items, clipped to the captured bytes; nil when empty.
local function range(tvb, off, n)
	local len = tvb:len()
	if off < 0 or off >= len or n <= 0 then return nil end
	return tvb(off, math.min(n, len - off))
end

-- Adds a field with an explicit value, with a range when one exists.
local function add_value(tree, field, tvb, off, n, value)
	local r = range(tvb, off, n)
	if r then return tree:add(field, r, value) end
	return tree:add(field, value)
end

-- Adds a big-endian field read from the buffer (the caller checked bounds).
local function add_be(tree, field, tvb, off, n)
	return tree:add(field, tvb(off, n))
end

-- T3: printable UTF-8 for display; anything else becomes \xNN.
local function utf8_len(s, i)
	local c, n = s:byte(i), #s
	local len, lo, hi = 0, 0x80, 0xbf
	if c >= 0x20 and c < 0x7f then return 1
	elseif c >= 0xc2 and c <= 0xdf then len = 2
	elseif c >= 0xe0 and c <= 0xef then len = 3
		if c == 0xe0 then lo = 0xa0 elseif c == 0xed then hi = 0x9f end
	elseif c >= 0xf0 and c <= 0xf4 then len = 4
		if c == 0xf0 then lo = 0x90 elseif c == 0xf4 then hi = 0x8f end
	else return 0 end
	if i + len - 1 > n then return 0 end
	local c2 = s:byte(i + 1)
	if c2 < lo or c2 > hi then return 0 end
	for j = i + 2, i + len - 1 do
		local cc = s:byte(j)
		if cc < 0x80 or cc > 0xbf then return 0 end
	end
	return len
end

local function clean(s)
	if not s:find("[^\32-\126]") then return s end
	local out, i = {}, 1
	while i <= #s do
		local len = utf8_len(s, i)
		if len > 0 then
			out[#out + 1] = s:sub(i, i + len - 1)
			i = i + len
		else
			out[#out + 1] = string.format("\\x%02x", s:byte(i))
			i = i + 1
		end
	end
	return table.concat(out)
end

-- ---------------------------------------------------------------------------
-- A decoded trace (like struct mbt_trace):
--   format "v1"/"v2"/"v3"/"unknown", layout (v2: "v2" or "v2-early"),
--   le (v1 little-endian), count (v1/v2 header), records (oldest first),
--   fault (the first problem: kind
--   "malformed"/"truncated", rec, off, msg), tail {off, linktype},
--   hdr (v3 header values), tlvs (v3 records, for the tree).
-- A record (like struct mbt_record): kind, detail, off, len; and as present
--   legacy (v1/v2 string), src {file, line, func, off}, text, text_off,
--   cpu, time_off, iface {index, name, off}, ns {id, name, off},
--   packets {linktype, orig_len, off, len, head}, rule, reason, route,
--   related, attrs (v3 attributes, for the tree).
-- ---------------------------------------------------------------------------
local function new_trace(format)
	return { format = format, records = {}, count = 0 }
end

-- Remembers the first fault only, as the C decoder does.
local function fail(t, kind, rec, off, msg)
	if t.fault then return end
	t.fault = { kind = kind, rec = rec, off = off,
		msg = string.format("record %d, offset %d: %s", rec, off, msg) }
end

-- ---------------------------------------------------------------------------
-- v1 and v2 strings (docs/format.md "From v1 and v2 strings to records"):
-- the first ':' at index >= 1 followed by 1..10 digits (value <= 2^32-1) and
-- then the end of the string or ": " splits "FILE:LINE[: REST]".  func is the
-- leading C identifier of REST.  Other strings are text records.
-- ---------------------------------------------------------------------------
local function parse_source(s)
	local i = 2
	while true do
		local colon = s:find(":", i, true)
		if not colon then return nil end
		local digits = s:match("^%d+", colon + 1)
		if digits and #digits <= 10 and tonumber(digits) <= 4294967295 then
			local after = colon + #digits + 1
			if after > #s or s:sub(after, after + 1) == ": " then
				local rest = s:sub(after + 2)
				return s:sub(1, colon - 1), tonumber(digits),
					rest:match("^[A-Za-z_][A-Za-z0-9_]*") or "", rest
			end
		end
		i = colon + 1
	end
end

-- Fills a record from a prototype string (without its NUL).
local function legacy_record(rec, s)
	rec.legacy = s
	local file, line, func, rest = parse_source(s)
	if file then
		rec.kind, rec.detail = K_POINT, 0
		rec.src = { file = file, line = line, func = func }
		rec.text = rest
	else
		rec.kind, rec.detail = K_TEXT, 0
		rec.text = s
	end
end

-- ---------------------------------------------------------------------------
-- v1: u16 count; count x { u16 len; len bytes of text ending in its only
--     NUL }; the rest of the packet is an Ethernet frame (the tail).  The u16s
--     are in either byte order.  Records are stored newest first.
-- v2: u16 BE count; count x { u16 BE len; u16 BE type; len bytes }, type 0
--     an Ethernet frame, 1 a string as in v1; the records fill the packet
--     exactly; no tail.  Stored newest first.  The early v2 layout (published
--     2026-01-02) has the same framing with type 1 an Ethernet frame and
--     types 2 and 3 strings; its format is "v2", its layout "v2-early".
-- Neither has a magic (docs/format.md "Detecting the layout"): the v2 test
-- (framing only), then v1 little-endian, then v1 big-endian must be
-- consistent; "consistent but truncated" counts.  Otherwise: malformed,
-- format unknown.
-- ---------------------------------------------------------------------------

-- Does a type 1 record hold a prototype string?  Only captured bytes count:
-- its first control byte must be its NUL, at its end, or not be captured.
local function looks_like_text(s, len)
	local i = s:find("[%c\127]")
	if i then return s:byte(i) == 0 and i == len end
	return #s < len
end

-- Could it be an Ethernet frame: a whole header, a type or an 802.3 length?
local function looks_like_ethernet(s, len)
	if len < 14 then return false end
	if #s < 14 then return true end
	local typ = s:byte(13) * 256 + s:byte(14)
	return typ >= 0x0600 or typ <= 1500
end

-- Which v2 (docs/format.md "The two v2 layouts"): type 0 only in the later
-- one, 2 and 3 only in the early one; type 1 alone by its content.
local function v2_variant(tvb, seen)
	if seen[V2_TYPE_PACKET] then return "v2" end
	if seen[V2_EARLY_TYPE_STRING] or seen[V2_EARLY_TYPE_STRING2] then
		return "v2-early"
	end
	local cap, pos, text, ethernet = tvb:len(), 2, true, true
	for _ = 1, u16(tvb, 0) do
		if pos + 4 > cap then break end
		local len = u16(tvb, pos)
		local s = raw(tvb, pos + 4, math.min(len, cap - pos - 4))
		text = text and looks_like_text(s, len)
		ethernet = ethernet and looks_like_ethernet(s, len)
		pos = pos + 4 + len
	end
	if not text and ethernet then return "v2-early" end
	return "v2"
end

-- The v2 test, for both v2 layouts.  Returns "ok" or "truncated" with the
-- stop offset and the layout ("v2" or "v2-early"), or nil.
local function v2_test(tvb)
	local wire, cap = tvb:reported_len(), tvb:len()
	local pos, status, seen = 2, "ok", {}
	for _ = 1, u16(tvb, 0) do
		if pos + 4 > wire then return nil end
		if pos + 4 > cap then status = "truncated" break end
		local len, typ = u16(tvb, pos), u16(tvb, pos + 2)
		if typ > V2_EARLY_TYPE_STRING2 or pos + 4 + len > wire then return nil end
		seen[typ] = true
		if pos + 4 + len > cap then status = "truncated" break end
		pos = pos + 4 + len
	end
	if status == "ok" and pos ~= wire then return nil end
	if seen[V2_TYPE_PACKET] and (seen[V2_EARLY_TYPE_STRING] or seen[V2_EARLY_TYPE_STRING2]) then
		return nil
	end
	return status, pos, v2_variant(tvb, seen)
end

-- Is the trace consistent as v1 in this byte order?  Returns "ok" or
-- "truncated" with the offset where the records end (or stop), or nil.
local function v1_test(tvb, le)
	local wire, cap = tvb:reported_len(), tvb:len()
	local pos = 2
	for _ = 1, u16(tvb, 0, le) do
		if pos + 2 > wire then return nil end
		if pos + 2 > cap then return "truncated", pos end
		local len = u16(tvb, pos, le)
		if len == 0 or pos + 2 + len > wire then return nil end
		local got = math.min(len, cap - pos - 2)
		local nul = raw(tvb, pos + 2, got):find("\0", 1, true)
		if nul and nul ~= len then return nil end
		if pos + 2 + len > cap then return "truncated", pos end
		if not nul then return nil end
		pos = pos + 2 + len
	end
	return "ok", pos
end

-- Decodes the records of a layout that passed its test, up to stop.
-- packet_type: the v2 type of Ethernet records, nil for v1.
local function legacy_records(t, tvb, hdr, le, stop, packet_type)
	local stored, pos, i = {}, 2, 0
	while pos < stop do
		local len, typ = u16(tvb, pos, le), nil
		if hdr == 4 then typ = u16(tvb, pos + 2) end
		local rec = { off = pos, len = hdr + len, voff = pos + hdr, vlen = len }
		if packet_type and typ == packet_type then
			rec.kind, rec.detail = K_PACKET, 0
			rec.packets = { { linktype = 1, orig_len = len, off = pos + hdr, len = len } }
		else
			local s = raw(tvb, pos + hdr, len)
			local nul = s:find("\0", 1, true)
			if len == 0 or nul ~= len then
				fail(t, "malformed", i, pos, len == 0 and "string record of length 0"
					or nul and "NUL inside the string" or "string not NUL-terminated")
				break
			end
			rec.vlen = len - 1
			legacy_record(rec, s:sub(1, len - 1))
		end
		stored[#stored + 1] = rec
		pos, i = pos + hdr + len, i + 1
	end
	for j = #stored, 1, -1 do t.records[#t.records + 1] = stored[j] end
	return i
end

local function parse_legacy(tvb)
	local wire, cap = tvb:reported_len(), tvb:len()
	if wire < 2 then
		local t = new_trace("unknown")
		fail(t, "malformed", -1, 0, string.format("%d bytes: too short for a record count", wire))
		return t
	end
	if cap < 6 and cap < wire then
		local t = new_trace("unknown")
		fail(t, "truncated", -1, 0, string.format(
			"%d of %d bytes captured: too few to tell the layout", cap, wire))
		return t
	end
	local layouts = {
		{ name = "v2", hdr = 4, le = false, test = v2_test },
		{ name = "v1", hdr = 2, le = true, test = function(b) return v1_test(b, true) end },
		{ name = "v1", hdr = 2, le = false, test = function(b) return v1_test(b, false) end },
	}
	for _, l in ipairs(layouts) do
		local status, stop, layout = l.test(tvb)
		if status then
			local t = new_trace(l.name)
			t.le, t.count, t.layout = l.le, u16(tvb, 0, l.le), layout
			local packet_type = nil
			if layout == "v2" then packet_type = V2_TYPE_PACKET end
			if layout == "v2-early" then packet_type = V2_EARLY_TYPE_PACKET end
			local n = legacy_records(t, tvb, l.hdr, l.le, stop, packet_type)
			if status == "truncated" and not t.fault then
				fail(t, "truncated", n, stop, string.format(
					"capture cut the trace after %d of %d records (%d of %d bytes captured)",
					n, t.count, cap, wire))
			elseif l.name == "v1" and stop < wire then
				t.tail = { off = stop, linktype = 1 }
			end
			return t
		end
	end
	local t = new_trace("unknown")
	fail(t, "malformed", -1, 0, "not a v1, v2 or v3 trace")
	return t
end

-- ---------------------------------------------------------------------------
-- v3: a 48-byte (or hdr_len) header, then TLV records { u16 type, u16 len,
-- value } oldest first up to trace_len, then an optional tail of link type
-- tail_linktype.  All integers big-endian.  STRING records (u16 id >= 1,
-- bytes) define ids before they are used; EVENT records are a 12-byte head
-- and attribute TLVs.  Unknown record and attribute types are skipped.  As in
-- docs/format.md decoding stops at the first fault (a known attribute twice
-- in one event is one).
-- ---------------------------------------------------------------------------
local V3_HDR_LEN, V3_MAX_TRACE_LEN, V3_MAX_STRING_ID = 48, 65535, 4096
local V3_MAGIC, V3_VERSION = 0xfeed4d54, 3
local V3_REC_STRING, V3_REC_EVENT = 1, 2
local V3_EVENT_HEAD_LEN = 12

local function is_v3(tvb)
	return have(tvb, 0, 5) and u32(tvb, 0) == V3_MAGIC and u8(tvb, 4) == V3_VERSION
end

-- Resolves a string id (0 = none, read as ""); nil when undefined.
local function lookup(d, id)
	if id == 0 then return "" end
	return d.strings[id]
end

-- Each attribute parser returns an error message or nil.  v is the offset of
-- the value, len its length (already known to be >= the fixed part).
local ATTR_MIN = { 8, 0, 6, 10, 6, 12, 6, 13, 8, 2, 0, [16] = 8 }
local ATTR = {}

ATTR[1] = function(d, r, v) -- SRC
	local file, func = lookup(d, u16(d.tvb, v)), lookup(d, u16(d.tvb, v + 2))
	if not file or not func then return "refers to an undefined string" end
	r.src = { file = file, func = func, line = u32(d.tvb, v + 4), off = v }
end

ATTR[2] = function(d, r, v, len) -- TEXT
	r.text, r.text_off, r.text_len = raw(d.tvb, v, len), v, len
	if r.text:find("\0", 1, true) then return "TEXT holds a NUL" end
end

ATTR[3] = function(d, r, v) -- IFACE
	local name = lookup(d, u16(d.tvb, v + 4))
	if not name then return "refers to an undefined string" end
	r.iface = { index = u32(d.tvb, v), name = name, off = v }
end

ATTR[4] = function(d, r, v) -- NS
	local name = lookup(d, u16(d.tvb, v + 8))
	if not name then return "refers to an undefined string" end
	r.ns = { id = d.tvb(v, 8):uint64(), name = name, off = v }
end

ATTR[5] = function(d, r, v, len) -- PACKET
	local p = { linktype = u16(d.tvb, v), orig_len = u32(d.tvb, v + 2),
		off = v + 6, len = len - 6, head = v }
	if p.len > p.orig_len then
		return string.format("PACKET snapshot longer than the packet (%d > %d)",
			p.len, p.orig_len)
	end
	r.packets = r.packets or {}
	r.packets[#r.packets + 1] = p
end

ATTR[6] = function(d, r, v) -- RULE
	local tab = lookup(d, u16(d.tvb, v + 2))
	if not tab then return "refers to an undefined string" end
	r.rule = { fw = u8(d.tvb, v), table = tab, number = d.tvb(v + 4, 8):uint64(), off = v }
end

ATTR[7] = function(d, r, v) -- REASON
	local name = lookup(d, u16(d.tvb, v + 4))
	if not name then return "refers to an undefined string" end
	r.reason = { code = u32(d.tvb, v), name = name, off = v }
end

ATTR[8] = function(d, r, v, len) -- ROUTE
	local family = u8(d.tvb, v + 12)
	local gwlen = family == 4 and 4 or family == 6 and 16 or 0
	if family ~= 0 and gwlen == 0 then
		return "ROUTE family " .. family .. " is not 0, 4 or 6"
	end
	if len < 13 + gwlen then
		return string.format("ROUTE too short for its gateway (%d < %d)", len, 13 + gwlen)
	end
	r.route = { table = u32(d.tvb, v), oif = u32(d.tvb, v + 4),
		error = d.tvb(v + 8, 4):int(), family = family,
		gw = raw(d.tvb, v + 13, gwlen), off = v }
end

ATTR[9] = function(d, r, v) -- TRACE
	r.related = { id = d.tvb(v, 8):uint64(), off = v }
	if r.related.id == UInt64(0) then return "TRACE id is 0" end
end

ATTR[10] = function(d, r, v, len) -- HOST (a journey's host; optionally its clock)
	local name = lookup(d, u16(d.tvb, v))
	if not name then return "refers to an undefined string" end
	r.host = { name = name, off = v, clock = len >= 18 }
end

ATTR[16] = function(d, r, v, len) -- FLOW
	local family = u8(d.tvb, v)
	local alen = family == 4 and 4 or family == 6 and 16 or 0
	if alen == 0 then return "FLOW family " .. family .. " is not 4 or 6" end
	if len ~= 8 + 2 * alen then
		return string.format("FLOW of family %d has %d bytes, not %d", family, len, 8 + 2 * alen)
	end
	r.flow = { family = family, proto = u8(d.tvb, v + 1), dir = u8(d.tvb, v + 2),
		sport = u16(d.tvb, v + 4), dport = u16(d.tvb, v + 6),
		src = raw(d.tvb, v + 8, alen), dst = raw(d.tvb, v + 8 + alen, alen), off = v }
end

-- VALUES: { u16 key, u8 type, u8 len, value } to the end of the attribute.
-- Faults as libmbuftrace: a value cut or running past, key 0, a known type
-- of a length it may not have, an undefined string, a key twice.  Values of
-- an unknown type, and past the MAX_VALUES-th, are skipped.
local VT_LENS = { [VT_INT] = { [1] = true, [2] = true, [4] = true, [8] = true },
	[VT_STRING] = { [2] = true }, [VT_ADDR] = { [4] = true, [16] = true } }

ATTR[11] = function(d, r, v, len) -- VALUES
	local tvb, pos, stop = d.tvb, v, v + len
	r.values, r.value_by_key = {}, {}
	while pos < stop do
		if stop - pos < VALUE_HDR_LEN then return "value header cut by the end of VALUES" end
		local key, vt, vlen = u16(tvb, pos), u8(tvb, pos + 2), u8(tvb, pos + 3)
		if vlen > stop - pos - VALUE_HDR_LEN then return "value runs past the end of VALUES" end
		if key == 0 then return "value key 0 is reserved" end
		if VT_LENS[vt] and not VT_LENS[vt][vlen] then
			return string.format("value key %d of type %d has %d bytes", key, vt, vlen)
		end
		if r.value_by_key[key] then return "value key " .. key .. " appears twice" end
		r.value_by_key[key] = true
		local x = { key = key, type = vt, off = pos + VALUE_HDR_LEN, len = vlen }
		if not VT_LENS[vt] or #r.values == MAX_VALUES then
			x = nil
		elseif vt == VT_INT then
			x.num = tvb(pos + VALUE_HDR_LEN, vlen):int64()
			x.n = x.num:tonumber() -- for tests and bits; text uses num
		elseif vt == VT_STRING then
			x.str = lookup(d, u16(tvb, pos + VALUE_HDR_LEN))
			if not x.str then return "refers to an undefined string" end
		else
			x.addr = raw(tvb, pos + VALUE_HDR_LEN, vlen)
		end
		if x then
			r.values[#r.values + 1] = x
			r.value_by_key[key] = x
		end
		pos = pos + VALUE_HDR_LEN + vlen
	end
end

-- One EVENT record at off (TLV header) with value length len.
local function v3_event(d, off, len)
	local t, tvb = d.t, d.tvb
	if len < V3_EVENT_HEAD_LEN then
		return string.format("EVENT shorter than its head (%d < %d)", len, V3_EVENT_HEAD_LEN)
	end
	local v = off + 4
	local r = { off = off, len = 4 + len, kind = u8(tvb, v), detail = u8(tvb, v + 1),
		cpu = u16(tvb, v + 2), time_off = v + 4, attrs = {} }
	r.time_known = not (u32(tvb, v + 4) == 0xffffffff and u32(tvb, v + 8) == 0xffffffff)
	if r.kind == 0 then return "EVENT of kind 0" end
	local seen = {}
	local pos, stop = v + V3_EVENT_HEAD_LEN, v + len
	while pos < stop do
		if stop - pos < 4 then
			return "attribute header cut by the end of its event", pos
		end
		local atype, alen = u16(tvb, pos), u16(tvb, pos + 2)
		if alen > stop - pos - 4 then
			return string.format("attribute runs past the end of its event (%d > %d)",
				alen, stop - pos - 4), pos
		end
		local a = { type = atype, off = pos, len = alen }
		r.attrs[#r.attrs + 1] = a
		local parse = ATTR[atype]
		if atype == 0 then
			return "attribute of type 0", pos
		elseif seen[atype] then
			return "attribute " .. atype .. " appears twice", pos
		elseif not parse then
			a.unknown = true
		elseif alen < ATTR_MIN[atype] then
			return string.format("attribute %d shorter than its fixed part (%d < %d)",
				atype, alen, ATTR_MIN[atype]), pos
		else
			seen[atype] = true
			local err = parse(d, r, pos + 4, alen)
			if err then return "attribute " .. atype .. " " .. err, pos end
		end
		pos = pos + 4 + alen
	end
	-- Only whole events are kept, as libmbuftrace does.
	t.records[#t.records + 1] = r
end

local function v3_string(d, off, len)
	if len < 2 then return "STRING shorter than its id" end
	local id = u16(d.tvb, off + 4)
	if id == 0 or id >= V3_MAX_STRING_ID then
		return "STRING id " .. id .. " out of range 1.." .. (V3_MAX_STRING_ID - 1)
	end
	if d.strings[id] then return "STRING id " .. id .. " defined twice" end
	local text = raw(d.tvb, off + 6, len - 2)
	if text:find("\0", 1, true) then return "STRING id " .. id .. " holds a NUL" end
	d.strings[id] = text
end

-- Header checks; returns the header length or nil (fault recorded).
local function v3_header(t, tvb)
	if tvb:reported_len() < V3_HDR_LEN then
		fail(t, "malformed", -1, 0, string.format(
			"header: %d bytes, shorter than a v3 header (%d)", tvb:reported_len(), V3_HDR_LEN))
		return nil
	elseif not have(tvb, 0, V3_HDR_LEN) then
		fail(t, "truncated", -1, tvb:len(), string.format(
			"header: capture cut the header (%d of %d bytes)", tvb:len(), V3_HDR_LEN))
		return nil
	end
	local h = { hdr_len = u8(tvb, 5), trace_len = u32(tvb, 8), tail_linktype = u16(tvb, 40) }
	t.hdr = h
	local wire = tvb:reported_len()
	if h.hdr_len < V3_HDR_LEN then
		fail(t, "malformed", -1, 5, string.format(
			"header: hdr_len %d is below the minimum %d", h.hdr_len, V3_HDR_LEN))
		return nil
	end
	if h.trace_len < h.hdr_len or h.trace_len > V3_MAX_TRACE_LEN or h.trace_len > wire then
		fail(t, "malformed", -1, 8, string.format(
			"header: trace_len %d is outside %d..%d (hdr_len..packet length, at most %d)",
			h.trace_len, h.hdr_len, wire, V3_MAX_TRACE_LEN))
		return nil
	end
	local flags, lost = u16(tvb, 6), u32(tvb, 12)
	local id, parent = tvb(16, 8):uint64(), tvb(24, 8):uint64()
	if id == UInt64(0) then
		fail(t, "malformed", -1, 16, "header: trace_id is 0")
		return nil
	elseif parent == id then
		fail(t, "malformed", -1, 24, "header: parent_id equals trace_id")
		return nil
	elseif lost > 0 and flags % 2 == 0 then
		fail(t, "malformed", -1, 12, "header: lost " .. lost .. " but the LOST flag is clear")
		return nil
	end
	t.trace_len = h.trace_len
	if h.trace_len < wire then
		if h.tail_linktype == 0xffff then
			fail(t, "malformed", -1, h.trace_len, string.format(
				"header: %d bytes follow the trace but tail_linktype says there is no tail",
				wire - h.trace_len))
			return nil
		end
		t.tail = { off = h.trace_len, linktype = h.tail_linktype }
	end
	if h.hdr_len > tvb:len() then
		fail(t, "truncated", -1, tvb:len(), string.format(
			"header: capture cut the %d-byte header", h.hdr_len))
		return nil
	end
	return h.hdr_len
end

local function parse_v3(tvb)
	local t = new_trace("v3")
	t.tlvs = {}
	local pos = v3_header(t, tvb)
	if not pos then return t end
	local d = { t = t, tvb = tvb, strings = {} }
	t.strings = d.strings
	local stop = t.trace_len
	local limit = math.min(stop, tvb:len())
	local index = 0
	while pos < stop do
		local cut = pos + 4 > limit or pos + 4 + u16(tvb, pos + 2) > limit
		local within = pos + 4 <= stop and (pos + 4 > limit or pos + 4 + u16(tvb, pos + 2) <= stop)
		if cut then
			if limit < stop and within then
				fail(t, "truncated", index, pos, string.format(
					"capture cut the trace at record %d (%d of %d bytes captured)",
					index, tvb:len(), stop))
			elseif pos + 4 > limit then
				fail(t, "malformed", index, pos, string.format(
					"record header cut by trace_len (%d bytes left, need 4)", stop - pos))
			else
				fail(t, "malformed", index, pos, string.format(
					"record runs past trace_len (len %d, %d bytes left)",
					u16(tvb, pos + 2), stop - pos - 4))
			end
			break
		end
		local typ, len = u16(tvb, pos), u16(tvb, pos + 2)
		t.tlvs[#t.tlvs + 1] = { type = typ, off = pos, len = len }
		local err, at
		if typ == 0 then
			err = "record of type 0"
		elseif typ == V3_REC_STRING then
			err = v3_string(d, pos, len)
		elseif typ == V3_REC_EVENT then
			err, at = v3_event(d, pos, len)
		end
		if err then
			fail(t, "malformed", index, at or pos, err)
			break
		end
		pos = pos + 4 + len
		index = index + 1
	end
	t.count = #t.records
	return t
end

local function parse_trace(tvb)
	if is_v3(tvb) then return parse_v3(tvb) end
	if have(tvb, 0, 5) and u32(tvb, 0) == V3_MAGIC then
		local t = new_trace("unknown")
		fail(t, "malformed", -1, 4, string.format(
			"mbuf_trace version %d is not supported", u8(tvb, 4)))
		return t
	end
	return parse_legacy(tvb)
end

-- ---------------------------------------------------------------------------
-- Rendering: the rules at the top of this file.
-- ---------------------------------------------------------------------------

-- inet_ntop(AF_INET6) as glibc writes it: longest run (>= 2) of zero
-- groups as "::", the first on a tie; ::a.b.c.d and ::ffff:a.b.c.d forms.
local function ipv6_text(b)
	local g = {}
	for i = 1, 16, 2 do g[#g + 1] = b:byte(i) * 256 + b:byte(i + 1) end
	local best_at, best_len, at, len = 0, 0, 0, 0
	for i = 1, 8 do
		if g[i] == 0 then
			if len == 0 then at = i end
			len = len + 1
			if len > best_len then best_at, best_len = at, len end
		else
			len = 0
		end
	end
	if best_len < 2 then best_at, best_len = 0, 0 end
	local v4 = best_at == 1 and (best_len == 6 or (best_len == 5 and g[6] == 0xffff))
	local out, i = {}, 1
	while i <= 8 do
		if i == best_at then
			out[#out + 1] = (i == 1) and "::" or ":"
			i = i + best_len
		else
			if v4 and i == 7 then
				out[#out + 1] = string.format("%d.%d.%d.%d", b:byte(13, 16))
				break
			end
			out[#out + 1] = string.format("%x", g[i])
			if i < 8 then out[#out + 1] = ":" end
			i = i + 1
		end
	end
	return table.concat(out)
end

local function gateway_text(route)
	if route.family == 4 and #route.gw == 4 then
		return string.format("%d.%d.%d.%d", route.gw:byte(1, 4))
	elseif route.family == 6 and #route.gw == 16 then
		return ipv6_text(route.gw)
	end
	return nil
end

local function reason_suffix(r)
	if not r.reason then return "" end
	if r.reason.name ~= "" then return ": " .. r.reason.name end
	return ": " .. r.reason.code
end

local function ns_text(ns)
	if ns.name ~= "" then return ns.name end
	return tostring(ns.id)
end

local function iface_text(r)
	local iface = r.iface or { index = 0, name = "" }
	if iface.name ~= "" then return iface.name end
	return "if#" .. iface.index
end

local function u64_text(v)
	return v and tostring(v) or "0"
end

-- Trace ids read as hex, "0x2002", the way mbuftrace prints them.
local function u64_hex(v)
	local h = v and v:tohex():gsub("^0+", "") or ""
	return "0x" .. (h ~= "" and h or "0")
end

-- T2b for kinds other than point and text.
local BODY = {}
BODY[K_PACKET] = function(r)
	local p = r.packets and r.packets[#r.packets] or { linktype = 0, orig_len = 0 }
	return string.format("packet %s %d bytes", linktype_name(p.linktype), p.orig_len)
end
BODY[K_RULE] = function(r)
	local rule = r.rule or { fw = 0, table = "" }
	local s = "rule " .. fw_name(rule.fw)
	if rule.table ~= "" then s = s .. " " .. rule.table end
	return s .. " " .. u64_text(rule.number) .. " " .. verdict_name(r.detail)
end
BODY[K_VERDICT] = function(r)
	return "verdict " .. verdict_name(r.detail) .. reason_suffix(r)
end
BODY[K_IFACE] = function(r)
	local s = "iface"
	if r.iface then s = s .. " " .. iface_text(r) end
	if r.ns then s = s .. " ns " .. ns_text(r.ns) end
	return s
end
BODY[K_END] = function(r)
	return "end " .. how_name(r.detail) .. reason_suffix(r)
end
BODY[K_ROUTE] = function(r)
	local rt = r.route
	if not rt then return "route" end
	if rt.error ~= 0 then return "route error " .. rt.error end
	local s = (r.detail == ROUTE_FIB and "route fib " or "route table ") .. rt.table
	local gw = gateway_text(rt)
	if gw then s = s .. " via " .. gw end
	return s .. " oif " .. rt.oif
end
local PROTO = { [1] = "icmp", [6] = "tcp", [17] = "udp", [58] = "icmp6", [132] = "sctp" }
local function endpoint_text(f, addr, port, ports)
	local a = gateway_text({ family = f.family, gw = addr }) or ""
	if not ports then return a end
	if f.family == 6 then return "[" .. a .. "]:" .. port end
	return a .. ":" .. port
end
BODY[K_STATE] = function(r)
	local s = "state " .. (STATE[r.detail] or tostring(r.detail))
	if r.rule then s = s .. " " .. fw_name(r.rule.fw) .. " rule " .. u64_text(r.rule.number) end
	local f = r.flow
	if f then
		local ports = f.proto == 6 or f.proto == 17 or f.proto == 132
		if f.dir ~= 0 then s = s .. " " .. (DIR[f.dir] or tostring(f.dir)) end
		s = s .. " " .. (PROTO[f.proto] or ("proto " .. f.proto)) .. " " ..
			endpoint_text(f, f.src, f.sport, ports) .. " > " ..
			endpoint_text(f, f.dst, f.dport, ports)
	end
	return s
end
BODY[K_COPY] = function(r)
	return "copy to trace " .. u64_hex(r.related and r.related.id)
end

-- The words of a record's typed values, as lib/record_text.c makes them:
-- phrases in the order of format.h's keys, "; " between them.
local function val(r, name, vt)
	local x = r.value_by_key and r.value_by_key[V[name]]
	if type(x) == "table" and x.type == vt then return x end
	return nil
end

local function addr_text(x)
	if x and #x.addr == 4 then return string.format("%d.%d.%d.%d", x.addr:byte(1, 4)) end
	if x and #x.addr == 16 then return ipv6_text(x.addr) end
	return "?"
end

local NUD = { "INCOMPLETE", "REACHABLE", "STALE", "DELAY", "PROBE", "FAILED",
	"NOARP", "PERMANENT" }

local PHRASES = {
	function(r) -- return
		local x = val(r, "return", VT_INT)
		if not x then return nil end
		local name = val(r, "return_name", VT_STRING)
		local s = "returned " .. tostring(x.num)
		if name and name.str ~= "" then s = s .. " (" .. name.str .. ")" end
		return s
	end,
	function(r) -- rc
		local x = val(r, "rc", VT_INT)
		if not x then return nil end
		local kind = val(r, "dev_kind", VT_STRING)
		local s = "rc " .. tostring(x.num)
		if kind and kind.str ~= "" then s = s .. " to " .. kind.str end
		return s
	end,
	function(r) -- qdisc_handle
		local x = val(r, "qdisc_handle", VT_INT)
		if not x then return nil end
		local h = x.num:band(Int64(0xffffffff)):tonumber()
		return string.format("qdisc %x:%x", math.floor(h / 65536), h % 65536)
	end,
	function(r) -- icmp_type, icmp_code
		local x = val(r, "icmp_type", VT_INT)
		if not x then return nil end
		local code = val(r, "icmp_code", VT_INT)
		local s = "icmp type " .. tostring(x.num)
		if code then s = s .. " code " .. tostring(code.num) end
		return s
	end,
	function(r) -- neigh_state, neigh_addr, neigh_queued
		local x = val(r, "neigh_state", VT_INT)
		if not x then return nil end
		local state, bits = "NONE", x.num:band(Int64(0xff)):tonumber()
		for i = 1, 8 do
			if math.floor(bits / 2 ^ (i - 1)) % 2 == 1 then state = NUD[i] end
		end
		local q = val(r, "neigh_queued", VT_INT)
		return "neighbour " .. addr_text(val(r, "neigh_addr", VT_ADDR)) .. " " .. state
			.. ((q and q.n == 1) and ": queued until it resolves" or ": sent, to be confirmed")
	end,
	function(r) -- sock_tap, sock_type
		local tap, st = val(r, "sock_tap", VT_INT), val(r, "sock_type", VT_INT)
		if not tap and not st then return nil end
		if tap and tap.n == 1 then return "copied to a packet socket (a capture tap)" end
		if st and st.n == 3 then return "queued to a raw socket" end
		return "queued to a socket"
	end,
	function(r)
		return val(r, "rcvq_full", VT_INT) and "socket receive queue full" or nil
	end,
	function(r)
		return val(r, "gro_merged", VT_INT) and "by GRO, merged into the packet before it" or nil
	end,
	function(r) -- bytes, pid
		local x = val(r, "bytes", VT_INT)
		if not x then return nil end
		local pid = val(r, "pid", VT_INT)
		local s = tostring(x.num) .. " bytes read"
		if pid then s = s .. " by pid " .. tostring(pid.num) end
		return s
	end,
	function(r) -- copy_how, seen_at
		local x = val(r, "copy_how", VT_INT)
		if not x then return nil end
		local at = val(r, "seen_at", VT_STRING)
		local how = x.n == COPY_SEGMENT and "a fragment or segment made from it"
			or x.n == COPY_BEFORE_FREE and "a copy made before it was freed"
			or "sharing its data"
		return how .. ", first seen at " .. ((at and at.str ~= "") and at.str or "?")
	end,
	function(r) -- route_next
		local x = val(r, "route_next", VT_INT)
		if not x or x.n ~= 1 then return nil end
		return "no match in table " .. (r.route and r.route.table or 0) .. ": on to the next rule"
	end,
}

local function values_text(r)
	if not r.values then return "" end
	local out = {}
	for _, phrase in ipairs(PHRASES) do
		local p = phrase(r)
		if p then out[#out + 1] = p end
	end
	return table.concat(out, "; ")
end

-- The one line of text of a record (T1, T2).
local function render_text(r)
	if r.legacy then return r.legacy end -- T1
	local text = r.text or ""
	local words = values_text(r) -- T2d
	local parts = "" -- T2a
	local function put(s)
		if parts ~= "" then parts = parts .. " " end
		parts = parts .. s
	end
	if r.src then
		if r.src.file ~= "" then
			parts = r.src.file
			if r.src.line ~= 0 then parts = parts .. ":" .. r.src.line end
			parts = parts .. ":"
		end
		local f = r.src.func
		if f ~= "" and not (r.kind == K_POINT and words == "" and text:sub(1, #f) == f) then
			put(f)
		end
	end
	if r.kind == K_POINT then -- T2b
		if text ~= "" or words ~= "" then
			if words ~= "" then put(words) end
			if text ~= "" then put(text) end
		elseif r.detail == 1 or r.detail == 2 then
			put(point_name(r.detail))
		end
		return parts
	elseif r.kind == K_TEXT then
		if parts ~= "" then parts = parts .. " " end
		return parts .. text
	end
	local body = BODY[r.kind]
	put(body and body(r) or ("kind " .. r.kind))
	if words ~= "" then put(words) end -- T2c
	if text ~= "" then put(text) end
	return parts
end

-- ---------------------------------------------------------------------------
-- Packet snapshots go to Wireshark's own dissectors.
-- ---------------------------------------------------------------------------
local BY_NAME = { [1] = "eth_withoutfcs", [101] = "raw_ip", [228] = "ip", [229] = "ipv6" }
local BY_WTAP = { [0] = WTAP.NULL, [108] = WTAP.LOOP, [113] = WTAP.SLL }
local wtap_table = DissectorTable.get("wtap_encap")

local function find_dissector(linktype)
	local name = BY_NAME[linktype]
	if name then
		local ok, d = pcall(Dissector.get, name)
		if ok and d then return d end
	end
	local encap = BY_WTAP[linktype]
	if encap then
		local ok, d = pcall(wtap_table.get_dissector, wtap_table, encap)
		if ok and d then return d end
	end
	return Dissector.get("data")
end

-- Dissects the captured part of [off, off+len).  True when a dissector ran.
local function dissect_snapshot(tvb, off, len, linktype, pinfo, tree)
	local captured = math.min(len, tvb:len() - off)
	if captured <= 0 then return false end
	local sub = tvb(off, captured):tvb("Packet snapshot")
	local ok, err = pcall(function()
		find_dissector(linktype):call(sub, pinfo, tree)
	end)
	if not ok then
		tree:add_proto_expert_info(E.snapshot, string.format(
			"snapshot at offset %d (%s): %s", off, linktype_name(linktype),
			(tostring(err):gsub("^.*Dissector_call: ", ""))))
	end
	return true
end

-- ---------------------------------------------------------------------------
-- Tree building.
-- ---------------------------------------------------------------------------
local function add_src(tree, tvb, r)
	local s = r.src
	if r.legacy then -- the pieces come from the string itself
		add_value(tree, F.file, tvb, r.voff, #s.file, clean(s.file))
		add_value(tree, F.line, tvb, r.voff, r.vlen, s.line)
		if s.func ~= "" then add_value(tree, F.func, tvb, r.voff, r.vlen, clean(s.func)) end
		return
	end
	if s.file ~= "" then tree:add(F.file, tvb(s.off, 2), clean(s.file)) end
	if s.func ~= "" then tree:add(F.func, tvb(s.off + 2, 2), clean(s.func)) end
	add_be(tree, F.line, tvb, s.off + 4, 4)
end

local function add_head(tree, tvb, r)
	local v = r.off + 4
	if r.kind == K_POINT then
		tree:add(F.detail, tvb(v + 1, 1), point_name(r.detail))
	elseif r.kind == K_RULE or r.kind == K_VERDICT then
		tree:add(F.detail, tvb(v + 1, 1), verdict_name(r.detail))
	elseif r.kind == K_END then
		tree:add(F.detail, tvb(v + 1, 1), how_name(r.detail))
	end
	if r.cpu ~= 0xffff then add_be(tree, F.cpu, tvb, v + 2, 2) end
	if r.time_known then add_be(tree, F.time_ns, tvb, v + 4, 8) end
end

local function add_attrs(tree, tvb, r)
	if r.iface then
		add_be(tree, F.ifindex, tvb, r.iface.off, 4)
		if r.iface.name ~= "" then
			tree:add(F.ifname, tvb(r.iface.off + 4, 2), clean(r.iface.name))
		end
	end
	if r.ns then
		tree:add(F.ns, tvb(r.ns.off, 10), clean(ns_text(r.ns)))
		add_be(tree, F.ns_id, tvb, r.ns.off, 8)
	end
	if r.rule then
		tree:add(F.rule_fw, tvb(r.rule.off, 1), fw_name(r.rule.fw))
		tree:add(F.rule_table, tvb(r.rule.off + 2, 2), clean(r.rule.table))
		add_be(tree, F.rule_number, tvb, r.rule.off + 4, 8)
	end
	if r.reason then
		add_be(tree, F.reason_code, tvb, r.reason.off, 4)
		tree:add(F.reason, tvb(r.reason.off + 4, 2), clean(r.reason.name))
	end
	if r.route then
		local o = r.route.off
		add_be(tree, F.route_table, tvb, o, 4)
		add_be(tree, F.route_oif, tvb, o + 4, 4)
		add_be(tree, F.route_error, tvb, o + 8, 4)
		add_be(tree, F.route_family, tvb, o + 12, 1)
		local gw = gateway_text(r.route)
		if gw then tree:add(F.route_gw, tvb(o + 13, #r.route.gw), gw) end
	end
	if r.flow then
		local f, o, alen = r.flow, r.flow.off, #r.flow.src
		add_be(tree, F.flow_proto, tvb, o + 1, 1)
		add_be(tree, F.flow_dir, tvb, o + 2, 1)
		tree:add(F.flow_src, tvb(o + 8, alen), gateway_text({ family = f.family, gw = f.src }))
		add_be(tree, F.flow_sport, tvb, o + 4, 2)
		tree:add(F.flow_dst, tvb(o + 8 + alen, alen), gateway_text({ family = f.family, gw = f.dst }))
		add_be(tree, F.flow_dport, tvb, o + 6, 2)
	end
	if r.related then add_be(tree, F.related_id, tvb, r.related.off, 8) end
	if r.host then
		tree:add(F.host, tvb(r.host.off, 2), clean(r.host.name))
		if r.host.clock then
			tree:add(F.clock_offset, tvb(r.host.off + 2, 8), tvb(r.host.off + 2, 8):int64())
			add_be(tree, F.clock_error, tvb, r.host.off + 10, 8)
		end
	end
	for _, x in ipairs(r.values or {}) do
		local f, range = FV[x.key], tvb(x.off, x.len)
		if not f or VALUE_TYPE[x.key] ~= x.type then
			tree:add(FV_UNKNOWN, range):set_text(string.format(
				"Value of key %d (type %d), %d bytes", x.key, x.type, x.len))
		elseif x.type == VT_INT then
			tree:add(f, range, x.num)
		elseif x.type == VT_STRING then
			tree:add(f, range, clean(x.str))
		else
			tree:add(f, range, addr_text(x))
		end
	end
	for _, a in ipairs(r.attrs) do
		if a.unknown then
			local item = tree:add(F.skipped, tvb(a.off, 4 + a.len))
			item:set_text(string.format("Unknown attribute type %d, %d bytes", a.type, a.len))
			item:add_proto_expert_info(E.skipped, "attribute type " .. a.type .. " skipped")
		end
	end
end

local function add_packets(tree, tvb, r, pinfo)
	local dissected = false
	for _, p in ipairs(r.packets or {}) do
		if p.head then
			add_be(tree, F.linktype, tvb, p.head, 2)
			add_be(tree, F.orig_len, tvb, p.head + 2, 4)
		end
		if p.len > 0 and dissect_snapshot(tvb, p.off, p.len, p.linktype, pinfo, tree) then
			dissected = true
		end
	end
	return dissected
end

-- One record's subtree; returns true when a packet snapshot was dissected.
local function add_record(root, tvb, r, pinfo)
	local line = clean(render_text(r))
	local sub = add_value(root, F.summary, tvb, r.off, r.len, line)
	add_value(sub, F.kind, tvb, r.off, r.len, kind_name(r.kind))
	if r.kind == K_POINT or r.kind == K_TEXT then
		if r.legacy then
			add_value(sub, F.text, tvb, r.voff, r.vlen, line)
		else
			add_value(sub, F.text, tvb, r.off, r.len, line)
		end
	end
	if r.src then add_src(sub, tvb, r) end
	if r.attrs then
		add_head(sub, tvb, r)
		add_attrs(sub, tvb, r)
	end
	return add_packets(sub, tvb, r, pinfo)
end

local function add_v3_header(root, tvb, t)
	if not have(tvb, 0, V3_HDR_LEN) then return end
	add_be(root, F.trace_id, tvb, 16, 8)
	add_be(root, F.parent_id, tvb, 24, 8)
	local hdr = root:add(tvb(0, V3_HDR_LEN), "Header")
	add_be(hdr, F.hdr_len, tvb, 5, 1)
	add_be(hdr, F.flags, tvb, 6, 2)
	add_be(hdr, F.trace_len, tvb, 8, 4)
	add_be(hdr, F.lost, tvb, 12, 4)
	add_be(hdr, F.start_ns, tvb, 32, 8)
	add_be(hdr, F.tail_linktype, tvb, 40, 2)
	add_be(hdr, F.origin, tvb, 42, 1)
	for _, r in ipairs(t.tlvs) do
		if r.type == V3_REC_STRING and r.len >= 2 then
			local s = hdr:add(F.string, tvb(r.off, 4 + r.len), clean(raw(tvb, r.off + 6, r.len - 2)))
			add_be(s, F.string_id, tvb, r.off + 4, 2)
		elseif r.type ~= V3_REC_STRING and r.type ~= V3_REC_EVENT then
			local item = root:add(F.skipped, tvb(r.off, 4 + r.len))
			item:set_text(string.format("Unknown record type %d, %d bytes", r.type, r.len))
			item:add_proto_expert_info(E.skipped, "record type " .. r.type .. " skipped")
		end
	end
end

local function add_fault(root, tvb, t)
	local f = t.fault
	if not f then return end
	local ex = f.kind == "truncated" and E.truncated or E.malformed
	local r = range(tvb, f.off, tvb:len() - f.off)
	if r then
		root:add_tvb_expert_info(ex, r, f.msg)
	else
		root:add_proto_expert_info(ex, f.msg)
	end
end

local function add_tail(root, tvb, t, pinfo)
	local tail = t.tail
	if not tail then return false end
	local len = tvb:reported_len() - tail.off
	local item = add_value(root, F.linktype, tvb, tail.off, len, tail.linktype)
	item:set_text(string.format("Tail: packet %s %d bytes", linktype_name(tail.linktype), len))
	return dissect_snapshot(tvb, tail.off, len, tail.linktype, pinfo, item)
end

local function add_count(root, tvb, t)
	if (t.format == "v1" or t.format == "v2") and have(tvb, 0, 2) then
		if t.le then return root:add_le(F.count, tvb(0, 2)) end
		return root:add(F.count, tvb(0, 2))
	end
	return root:add(F.count, t.count):set_generated()
end

-- ---------------------------------------------------------------------------
-- The dissector.
-- ---------------------------------------------------------------------------
local function dissect(tvb, pinfo, tree)
	local t = parse_trace(tvb)
	local nrec = #t.records
	local root = tree:add(proto, tvb(), string.format("mbuf_trace %s, %d record%s",
		t.format, nrec, nrec == 1 and "" or "s"))
	root:add(F.format, tvb(0, math.min(tvb:len(), t.format == "v3" and 5 or 2)), t.format)
	if t.layout then root:add(F.layout, t.layout):set_generated() end
	add_count(root, tvb, t)
	if t.format == "v3" then add_v3_header(root, tvb, t) end
	pinfo.cols.info:clear()
	local dissected = false
	for _, r in ipairs(t.records) do
		if add_record(root, tvb, r, pinfo) then dissected = true end
	end
	if add_tail(root, tvb, t, pinfo) then dissected = true end
	add_fault(root, tvb, t)
	local prefix = string.format("[%d rec]", nrec)
	local last = t.records[nrec]
	if dissected then -- the newest snapshot's dissector wrote the Info
		pinfo.cols.info:prepend(prefix .. " ")
	elseif last and render_text(last) ~= "" then
		pinfo.cols.info:set(prefix .. " " .. clean(render_text(last)))
	else
		pinfo.cols.info:set(prefix)
	end
	if t.fault then pinfo.cols.info:append(" [" .. t.fault.kind .. "]") end
	pinfo.cols.protocol:set("mbuf_trace")
end

function proto.dissector(tvb, pinfo, tree)
	pinfo.cols.protocol:set("mbuf_trace")
	if tvb:len() == 0 then
		local item = tree:add(proto, "mbuf_trace (no bytes captured)")
		item:add_proto_expert_info(tvb:reported_len() > 0 and E.truncated or E.malformed,
			"record -1, offset 0: no bytes captured")
		return 0
	end
	-- A bug in this file must not become a Lua error: report it instead.
	local ok, err = pcall(dissect, tvb, pinfo, tree)
	if not ok then
		local item = tree:add(proto, tvb(), "mbuf_trace (dissector error)")
		item:add_proto_expert_info(E.malformed, "internal error: " .. tostring(err))
	end
	return tvb:len()
end

DissectorTable.get("wtap_encap"):add(WTAP.USER0, proto)
