#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Checks the Lua dissector's codes and names against the format's header.

    lua_names.py LUA FORMAT_H MBUFTRACE_H NAMES

LUA is wireshark/mbuf_trace.lua; FORMAT_H and MBUFTRACE_H are
include/mbuftrace/{format,mbuftrace}.h; NAMES is what the library calls each
code (lines "FUNCTION NUMBER NAME", written by a program this test builds
from FORMAT_H's macros).  Prints "ok - ..." or "not ok - ..." per table, one
line per mismatch under it, and exits 1 when anything differs.

The Lua file keeps its codes as named locals (K_POINT, V2_TYPE_PACKET,
V3_HDR_LEN...) and tables (KIND, POINT, VERDICT, HOW, FW, LINKTYPE, the
origin field's value strings, ATTR and ATTR_MIN); every one is compared,
both ways: a code the header defines that Lua lacks, and a code Lua has
that the header does not define, are both errors.
"""
import re
import sys


def defines(path):
    """#define MBT_X NUMBER, also when the value is on the next line."""
    text = re.sub(r"\\\n", " ", open(path).read())
    text = re.sub(r"/\*.*?\*/", " ", text, flags=re.S)
    out = {}
    for m in re.finditer(r"^#define\s+(MBT_\w+)\s+(0[xX][0-9a-fA-F]+|\d+)[uUlL]*\s*$",
                         text, re.M):
        out[m.group(1)] = int(m.group(2), 0)
    return out


def strip_comments(lua):
    """Lua '--' comments removed (the dissector has no long strings)."""
    out = []
    for line in lua.split("\n"):
        code, in_str, i = [], None, 0
        while i < len(line):
            c = line[i]
            if in_str:
                if c == "\\":
                    code.append(line[i:i + 2])
                    i += 2
                    continue
                if c == in_str:
                    in_str = None
            elif c in "\"'":
                in_str = c
            elif line.startswith("--", i):
                break
            code.append(c)
            i += 1
        out.append("".join(code))
    return "\n".join(out)


def lua_locals(code):
    """Numbers given to locals: local A, B = 1, 2 (one or more lines)."""
    out = {}
    for m in re.finditer(r"\blocal\s+([A-Z][A-Z0-9_]*(?:\s*,\s*[A-Z][A-Z0-9_]*)*)"
                         r"\s*=\s*((?:0[xX][0-9a-fA-F]+|\d+)"
                         r"(?:\s*,\s*(?:0[xX][0-9a-fA-F]+|\d+))*)\s*$",
                         code, re.M):
        names = [n.strip() for n in m.group(1).split(",")]
        values = [int(v.strip(), 0) for v in m.group(2).split(",")]
        if len(names) != len(values):
            raise SystemExit("lua_names.py: cannot read: " + m.group(0))
        out.update(zip(names, values))
    return out


def table_at(code, start):
    """The table constructor whose '{' is at start, as {key: value}."""
    depth, i = 0, start
    while True:
        if code[i] == "{":
            depth += 1
        elif code[i] == "}":
            depth -= 1
            if depth == 0:
                break
        i += 1
    body = code[start + 1:i]
    out, n = {}, 1
    for item in re.findall(r'(\[[^\]]*\]\s*=\s*)?("[^"]*"|[\w.]+)', body):
        key, val = item
        val = val[1:-1] if val.startswith('"') else val
        if key:
            out[int(key.strip()[1:].split("]")[0], 0)] = val
        else:
            out[n] = val
            n += 1
    return out


def lua_table(code, name):
    m = re.search(r"\blocal\s+" + name + r"\s*=\s*\{", code)
    return table_at(code, m.end() - 1) if m else None


problems = []


def report(title, errors):
    if errors:
        print("not ok - " + title)
        for e in errors:
            print("#   " + e)
        problems.append(title)
    else:
        print("ok - " + title)


def family(defs, prefix, skip=("MAX",)):
    """{suffix: number} of the header's macros PREFIX*, but the skipped."""
    return {k[len(prefix):]: v for k, v in defs.items()
            if k.startswith(prefix) and k[len(prefix):] not in skip}


def main():
    lua_path, fmt_path, api_path, names_path = sys.argv[1:5]
    code = strip_comments(open(lua_path).read())
    raw = open(lua_path).read()
    fmt = defines(fmt_path)
    api = defines(api_path)
    libname = {}
    for line in open(names_path):
        fn, num, name = line.rstrip("\n").split(" ", 2)
        libname[(fn, int(num))] = name
    loc = lua_locals(code)

    # Named codes: every Lua local with a same-named MBT_ macro (K_ for
    # MBT_KIND_), and every such macro of the families Lua reads.
    errs = []
    wanted = {}
    for k, v in fmt.items():
        if re.match(r"MBT_(V2_(EARLY_)?TYPE_|V3_REC_|KIND_)", k) or k in (
                "MBT_V3_HDR_LEN", "MBT_V3_MAX_TRACE_LEN", "MBT_V3_VERSION",
                "MBT_V3_EVENT_HEAD_LEN"):
            if k == "MBT_KIND_MAX":
                continue
            wanted[k] = v
    for k, v in sorted(wanted.items()):
        lname = "K_" + k[len("MBT_KIND_"):] if k.startswith("MBT_KIND_") else k[4:]
        if lname not in loc:
            errs.append("%s = %d in format.h: no Lua local %s" % (k, v, lname))
        elif loc[lname] != v:
            errs.append("%s = %d in format.h, but Lua %s = %d" % (k, v, lname, loc[lname]))
    for lname, v in sorted(loc.items()):
        macro = "MBT_KIND_" + lname[2:] if lname.startswith("K_") else "MBT_" + lname
        if re.match(r"(K|V2|V3)_", lname) and lname != "V3_MAGIC" \
                and lname != "V3_MAX_STRING_ID" and macro not in fmt:
            errs.append("Lua local %s = %d: format.h has no %s" % (lname, v, macro))
    magic = (fmt["MBT_V3_MAGIC0"] << 24 | fmt["MBT_V3_MAGIC1"] << 16
             | fmt["MBT_V3_MAGIC2"] << 8 | fmt["MBT_V3_MAGIC3"])
    if loc.get("V3_MAGIC") != magic:
        errs.append("Lua V3_MAGIC is %s, format.h's MBT_V3_MAGIC0..3 make 0x%08x"
                    % (loc.get("V3_MAGIC"), magic))
    if loc.get("V3_MAX_STRING_ID") != api["MBT_ENC_MAX_STRING_ID"] + 1:
        errs.append("Lua V3_MAX_STRING_ID (the first id refused) is %s, "
                    "mbuftrace.h's MBT_ENC_MAX_STRING_ID + 1 is %d"
                    % (loc.get("V3_MAX_STRING_ID"), api["MBT_ENC_MAX_STRING_ID"] + 1))
    report("Lua's named codes (K_*, V2_*, V3_*) equal format.h's", errs)

    # Name tables: the same numbers as format.h, the library's names.
    tables = [("KIND", "MBT_KIND_", "kind"), ("POINT", "MBT_POINT_", "point"),
              ("VERDICT", "MBT_VERDICT_", "verdict"), ("HOW", "MBT_END_", "end"),
              ("FW", "MBT_FW_", "fw"), ("LINKTYPE", "MBT_LINKTYPE_", "linktype"),
              ("STATE", "MBT_STATE_", "state"), ("DIR", "MBT_DIR_", "dir")]
    for tname, prefix, fn in tables:
        errs = []
        t = lua_table(code, tname)
        if t is None:
            report("Lua table %s equals format.h's %s*" % (tname, prefix),
                   ["no table %s in the Lua dissector" % tname])
            continue
        fam = family(fmt, prefix)
        for suffix, v in sorted(fam.items(), key=lambda x: x[1]):
            if v not in t:
                errs.append("%s%s = %d: missing from Lua %s" % (prefix, suffix, v, tname))
            elif t[v] != libname[(fn, v)]:
                errs.append("%s[%d] is \"%s\"; %s%s is \"%s\" in lib/names.c"
                            % (tname, v, t[v], prefix, suffix, libname[(fn, v)]))
        for v, name in sorted(t.items()):
            if v not in fam.values():
                errs.append("Lua %s[%d] = \"%s\": format.h has no %s* of value %d"
                            % (tname, v, name, prefix, v))
        if prefix + "MAX" in fmt and t and max(t) != fmt[prefix + "MAX"]:
            errs.append("Lua %s ends at %d, %sMAX is %d" % (tname, max(t), prefix, fmt[prefix + "MAX"]))
        report("Lua table %s equals format.h's %s* (names as lib/names.c)" % (tname, prefix), errs)

    # Link types the snapshot dissectors are looked up by.
    errs = []
    for tname in ("BY_NAME", "BY_WTAP"):
        for v in sorted(lua_table(code, tname) or {}):
            if v not in family(fmt, "MBT_LINKTYPE_").values():
                errs.append("Lua %s[%d]: format.h has no MBT_LINKTYPE_* of value %d" % (tname, v, v))
    report("Lua BY_NAME, BY_WTAP keys are format.h link types", errs)

    # The origin field's value strings: numbers and names of MBT_ORIGIN_*.
    errs = []
    m = re.search(r'"mbuf_trace\.origin"[^{]*\{', code)
    t = table_at(code, m.end() - 1) if m else {}
    fam = family(fmt, "MBT_ORIGIN_")
    for suffix, v in sorted(fam.items(), key=lambda x: x[1]):
        if t.get(v, "").lower() != suffix.lower():
            errs.append("MBT_ORIGIN_%s = %d: Lua origin[%d] is %s" % (suffix, v, v, t.get(v)))
    for v in sorted(t):
        if v not in fam.values():
            errs.append("Lua origin[%d] = \"%s\": no MBT_ORIGIN_* of value %d" % (v, t[v], v))
    report("Lua origin names equal format.h's MBT_ORIGIN_*", errs)

    # Attributes: ATTR[N] parsers (named in their comment) and ATTR_MIN.
    errs = []
    parsers = {int(n): name for n, name in
               re.findall(r"^ATTR\[(\d+)\]\s*=\s*function\b.*--\s*(\w+)", raw, re.M)}
    mins = lua_table(code, "ATTR_MIN") or {}
    attrs = {k: v for k, v in family(fmt, "MBT_ATTR_").items()
             if not k.endswith("_LEN")}
    for name, v in sorted(attrs.items(), key=lambda x: x[1]):
        if parsers.get(v) != name:
            errs.append("MBT_ATTR_%s = %d: Lua ATTR[%d] is %s" % (name, v, v, parsers.get(v)))
        want = fmt.get("MBT_ATTR_%s_LEN" % name, fmt.get("MBT_ATTR_%s_HEAD_LEN" % name, 0))
        if int(mins.get(v, -1)) != want:
            errs.append("MBT_ATTR_%s's fixed part is %d bytes in format.h, Lua ATTR_MIN[%d] = %s"
                        % (name, want, v, mins.get(v)))
    for v, name in sorted(parsers.items()):
        if attrs.get(name) != v:
            errs.append("Lua ATTR[%d] (%s): format.h has MBT_ATTR_%s = %s" % (v, name, name, attrs.get(name)))
    for v in sorted(mins):
        if v not in attrs.values():
            errs.append("Lua ATTR_MIN[%d]: no MBT_ATTR_* of value %d" % (v, v))
    report("Lua ATTR parsers and ATTR_MIN equal format.h's MBT_ATTR_*", errs)

    # Typed values: the constants of their layout, the keys' names and
    # types (VALUE, VALUE_TYPE), as format.h and lib/names.c have them.
    errs = []
    consts = dict((k[4:], v) for k, v in fmt.items()
                  if re.match(r"MBT_(VT_|COPY_)", k))
    consts["VALUE_HDR_LEN"] = fmt["MBT_VALUE_HDR_LEN"]
    consts["MAX_VALUES"] = api["MBT_MAX_VALUES"]
    for name, v in sorted(consts.items()):
        if loc.get(name) != v:
            errs.append("%s = %d in the headers, Lua %s = %s" % (name, v, name, loc.get(name)))
    for lname in sorted(loc):
        if re.match(r"(VT|COPY)_", lname) and lname not in consts:
            errs.append("Lua local %s: format.h has no MBT_%s" % (lname, lname))
    names = lua_table(code, "VALUE") or {}
    types = lua_table(code, "VALUE_TYPE") or {}
    keys = family(fmt, "MBT_VAL_")
    for suffix, v in sorted(keys.items(), key=lambda x: x[1]):
        if names.get(v) != libname.get(("value", v)):
            errs.append("MBT_VAL_%s = %d: Lua VALUE[%d] is %s, lib/names.c says %s"
                        % (suffix, v, v, names.get(v), libname.get(("value", v))))
        t = loc.get(types.get(v, ""))
        if t is None or str(t) != libname.get(("value_type", v)):
            errs.append("MBT_VAL_%s = %d: Lua VALUE_TYPE[%d] is %s, lib/names.c says type %s"
                        % (suffix, v, v, types.get(v), libname.get(("value_type", v))))
    for v in sorted(set(names) | set(types)):
        if v not in keys.values():
            errs.append("Lua VALUE/VALUE_TYPE[%d]: format.h has no MBT_VAL_* of value %d" % (v, v))
    if "MBT_VAL_MAX" in fmt and names and max(names) != fmt["MBT_VAL_MAX"]:
        errs.append("Lua VALUE ends at %d, MBT_VAL_MAX is %d" % (max(names), fmt["MBT_VAL_MAX"]))
    report("Lua VALUE, VALUE_TYPE and value constants equal format.h's "
           "(names and types as lib/names.c)", errs)

    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
