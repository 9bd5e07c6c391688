#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Checks that a unified diff is well formed: rebuilds, for each file, the
# text its hunks say they change (context and removed lines, at the hunks'
# line numbers) and runs patch(1) --dry-run on it.  Usage: PATCH WORKDIR
import os
import re
import subprocess
import sys

patch, work = sys.argv[1], sys.argv[2]
files, cur = {}, None
hunk = re.compile(r'^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@')
lines = open(patch, encoding='utf-8').read().split('\n')
i = 0
while i < len(lines):
    line = lines[i]
    if line.startswith('+++ '):
        cur = line[4:].split('\t')[0]
        cur = cur[2:] if cur.startswith('b/') else cur
        files.setdefault(cur, {})
    m = hunk.match(line)
    if m and cur is not None:
        start, old = int(m.group(1)), int(m.group(2) or 1)
        new = int(m.group(4) or 1)
        pre, seen_old, seen_new = [], 0, 0
        i += 1
        while i < len(lines) and (seen_old < old or seen_new < new):
            l = lines[i]
            if l.startswith(' ') or l == '':
                pre.append(l[1:])
                seen_old += 1
                seen_new += 1
            elif l.startswith('-'):
                pre.append(l[1:])
                seen_old += 1
            elif l.startswith('+'):
                seen_new += 1
            elif l.startswith('\\'):
                pass
            else:
                sys.exit('%s: hunk at line %d is short' % (patch, start))
            i += 1
        if seen_old != old or seen_new != new:
            sys.exit('%s: hunk at %d counts %d/%d, has %d/%d' %
                     (patch, start, old, new, seen_old, seen_new))
        files[cur][start] = pre
        # What follows a hunk is the next hunk or file, never more of
        # this one: a short count would make patch(1) drop lines.
        if i < len(lines) and lines[i][:1] in (' ', '+', '-') and \
                not lines[i].startswith('--- '):
            sys.exit('%s: hunk at %d is longer than its count' %
                     (patch, start))
        continue
    i += 1
if not files:
    sys.exit('%s: no files' % patch)
for name, hunks in files.items():
    text = []
    for start in sorted(hunks):
        while len(text) < start - 1:
            text.append('/* filler */')
        text.extend(hunks[start])
    path = os.path.join(work, name)
    os.makedirs(os.path.dirname(path), exist_ok=True)
    with open(path, 'w', encoding='utf-8') as f:
        f.write('\n'.join(text) + '\n')
r = subprocess.run(['patch', '-p1', '--dry-run', '-s', '-d', work, '-i',
                    os.path.abspath(patch)], capture_output=True, text=True)
sys.stdout.write(r.stdout + r.stderr)
sys.exit(r.returncode)
