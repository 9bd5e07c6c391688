#!/usr/bin/env python3
# SPDX-License-Identifier: BSD-2-Clause
# Writes a pcap of deterministic corruptions of the packets in a pcap: bytes
# flipped, lengths cut, pieces dropped, so dissectors and readers can be
# shown never to crash on broken traces.  corrupt_pcap.py IN OUT [COPIES]
import random
import struct
import sys


def packets(path):
    data = open(path, "rb").read()
    pos = 24
    while pos + 16 <= len(data):
        caplen = struct.unpack_from("<I", data, pos + 8)[0]
        yield data[pos + 16:pos + 16 + caplen]
        pos += 16 + caplen


def corrupt(rng, pkt):
    b = bytearray(pkt)
    how = rng.randrange(4)
    if how == 0 and b:  # flip a few bytes
        for _ in range(rng.randint(1, 4)):
            b[rng.randrange(len(b))] ^= 1 << rng.randrange(8)
    elif how == 1 and b:  # cut the end
        del b[rng.randrange(len(b)):]
    elif how == 2 and len(b) > 2:  # drop a piece in the middle
        i = rng.randrange(len(b) - 1)
        del b[i:i + rng.randint(1, 16)]
    else:  # set a 16-bit field to an extreme
        if len(b) >= 2:
            i = rng.randrange(len(b) - 1)
            b[i:i + 2] = rng.choice([b"\xff\xff", b"\x00\x00", b"\x80\x00"])
    return bytes(b)


def main():
    src, dst = sys.argv[1], sys.argv[2]
    copies = int(sys.argv[3]) if len(sys.argv) > 3 else 20
    rng = random.Random(147)  # the same corruptions on every run
    with open(dst, "wb") as f:
        f.write(struct.pack("<IHHiIII", 0xa1b2c3d4, 2, 4, 0, 0, 262144, 147))
        n = 0
        for pkt in packets(src):
            for _ in range(copies):
                bad = corrupt(rng, pkt)
                f.write(struct.pack("<IIII", 1767132000, n, len(bad), len(bad)))
                f.write(bad)
                n += 1
    print(n)


main()
