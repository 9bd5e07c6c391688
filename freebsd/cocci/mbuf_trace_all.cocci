// SPDX-License-Identifier: BSD-2-Clause
// options MBUF_TRACE_ALL: one trace call at the entry of every function
// definition that takes a packet, so a trace names every function the
// packet entered.  mbuf_trace_all_undo.cocci removes exactly what this adds.
//
// Which argument: the first parameter of type struct mbuf * (const or
// not) or struct mbuf **.  A second mbuf parameter of the network stack is
// almost always options or control data (ip_output's opt, sbappendaddr's
// control), never a traced packet, and a check for it would cost a branch
// on every call for nothing.
//
// Where: at the top of the body; spatch puts an added statement after the
// declarations (style(9)), before the first statement.
//
// struct mbuf **mp: MTRACE_ALL_PP(mp) records *mp when mp and *mp are not
// NULL.  *mp is read at entry, so the parameter must carry a packet in: a
// function that writes *mp before reading it, or hands mp on before
// reading it, may receive a pointer to an uninitialised variable (an
// output parameter) and is left alone.
//
// Idempotent: a function whose body already holds MTRACE_ALL or
// MTRACE_ALL_PP is left alone.  Functions named in the environment
// variable MTRACE_ALL_EXCLUDE (blank-separated) are left alone.
// K&R definitions (types declared after the parameter list) are not
// matched: their parameter list holds names only.

@done@
identifier fn;
position p;
@@
fn@p(...)
{
<+...
(
MTRACE_ALL(...);
|
MTRACE_ALL_PP(...);
)
...+>
}

@f@
identifier fn;
parameter list ps;
position p != done.p;
@@
fn@p(ps)
{
...
}

// The first mbuf parameter, split from the printed parameter list at the
// commas outside parentheses (function pointer parameters have their own).
@initialize:python@
@@
import os
import re

mbuf_one = re.compile(
    r'^(const\s+)?struct\s+mbuf\s*(const\s+)?\*\s*(const\s+)?(\w+)(\s+__\w+)*$')
mbuf_two = re.compile(
    r'^(const\s+)?struct\s+mbuf\s*\*\s*(const\s+)?\*\s*(const\s+)?(\w+)(\s+__\w+)*$')
earliest = {}
outs = set()
excluded = set(os.environ.get("MTRACE_ALL_EXCLUDE", "").split())

def params(ps):
    out, depth, cur = [], 0, ""
    for c in ps:
        if c == "," and depth == 0:
            out.append(cur.strip())
            cur = ""
            continue
        if c in "([":
            depth += 1
        elif c in ")]":
            depth -= 1
        cur += c
    if cur.strip():
        out.append(cur.strip())
    return out

def chosen(q):
    """Is q the statement the call goes before, in its function?"""
    at = (int(q[0].line), int(q[0].column))
    return any(k[0] == q[0].file and v == at for k, v in earliest.items())

def first_mbuf(fn, ps):
    """(1 or 2, name) of the first struct mbuf * or ** parameter."""
    if fn in excluded:
        return None
    for p in params(str(ps)):
        p = " ".join(p.split())
        m = mbuf_one.match(p)
        if m:
            return (1, m.group(4))
        m = mbuf_two.match(p)
        if m:
            return (2, m.group(4))
    return None

// For the **-parameter checks below; a name no code uses otherwise.
@script:python two@
fn << f.fn;
ps << f.ps;
mp;
@@
r = first_mbuf(fn, ps)
coccinelle.mp = cocci.make_ident(r[1] if r and r[0] == 2 else "mtrace_all_none_")

// struct mbuf **: on some path, the first *mp is a write, or mp is handed
// on or copied before any *mp is read.  (The blank before *mp: a * in
// column 0 would mark a line for spatch's match mode.)
@outparam exists@
identifier f.fn;
identifier two.mp;
identifier g;
position f.p;
position r;
expression E;
@@
fn@p@r(...)
{
... when != *mp
(
g(..., mp, ...)
|
E = mp
|
 *mp = E
)
...
}

@script:python@
fr << outparam.r;
@@
outs.add((fr[0].file, fr[0].line, fr[0].column))

// The macro and the parameter it records.
@script:python pick@
fn << f.fn;
ps << f.ps;
fp << f.p;
mac;
m;
@@
r = first_mbuf(fn, ps)
if r is None or (r[0] == 2 and (fp[0].file, fp[0].line, fp[0].column) in outs):
    cocci.include_match(False)
else:
    coccinelle.mac = cocci.make_ident("MTRACE_ALL" if r[0] == 1 else "MTRACE_ALL_PP")
    coccinelle.m = cocci.make_ident(r[1])

// The first statement of the body, after the declarations.  When the
// first statements are under #if, spatch sees one first statement per
// configuration; the call goes before the earliest of them, and
// apply_all.sh then moves it above the #if that encloses it, so that
// every configuration compiles it before any statement.
@first@
identifier f.fn;
position f.p;
statement S1, S2;
position q;
@@
fn@p(...)
{
... when != S1
S2@q
...
}

@script:python collect@
fp << f.p;
fq << first.q;
@@
key = (fp[0].file, fp[0].line, fp[0].column)
for q in fq:
    at = (int(q.line), int(q.column))
    if earliest.get(key, at) >= at:
        earliest[key] = at

@ins exists@
identifier f.fn;
identifier pick.mac;
identifier pick.m;
position f.p;
position q : script:python () { chosen(q) };
statement S;
@@
fn@p(...)
{
... when any
+mac(m);
S@q
... when any
}

// A body without statements (empty, or declarations only).
@ins_empty@
identifier f.fn;
identifier pick.mac;
identifier pick.m;
statement S1;
@@
fn(...)
{
... when != S1
+mac(m);
}

@has_include@
@@
#include <sys/mbuf_trace_all.h>

@add_include depends on (ins || ins_empty) && !has_include@
@@
#include <sys/mbuf.h>
+#include <sys/mbuf_trace_all.h>
