#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
"""Print the packet comments (opt_comment) of a little-endian pcapng file,
one a paragraph; exit 1 when one is not UTF-8 or holds a control character
other than a newline (C0, DEL, C1, bidirectional overrides): comments are
shown by tshark on terminals.  --count N: also fail unless there are N.
    pcapng_comments.py FILE [--count N]"""
import struct
import sys


def bad(ch):
    c = ord(ch)
    return ((c < 32 and ch != "\n") or 0x7F <= c <= 0x9F
            or 0x202A <= c <= 0x202E or 0x2066 <= c <= 0x2069)


def main():
    d = open(sys.argv[1], "rb").read()
    want = int(sys.argv[3]) if sys.argv[2:3] == ["--count"] else None
    o = n = 0
    while o + 12 <= len(d):
        t, ln = struct.unpack("<II", d[o:o + 8])
        if t == 6:
            cl = struct.unpack("<I", d[o + 20:o + 24])[0]
            p = o + 28 + ((cl + 3) & ~3)
            while p + 4 <= o + ln - 4:
                code, ol = struct.unpack("<HH", d[p:p + 4])
                if code == 0:
                    break
                if code == 1:
                    c = d[p + 4:p + 4 + ol].decode("utf-8")
                    print(c)
                    n += 1
                    if any(bad(ch) for ch in c):
                        sys.exit("a comment with a control character")
                p += 4 + ((ol + 3) & ~3)
        o += max(ln, 12)
    if want is not None and n != want:
        sys.exit("%d comments, not %d" % (n, want))


main()
