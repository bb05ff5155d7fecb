#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send malformed GENEVE/VXLAN datagrams to a tunnel port.

usage: tunnel_send.py geneve|vxlan DST_IP PORT COUNT [SEED]

Each datagram is one of the broken kinds below, in turn, with random
details (lengths, versions, option chains, contents) drawn from SEED (a
fresh one is printed on stderr), but broken by construction: COUNT of them
must all be dropped and counted as malformed by the receiver. Prints COUNT.
"""
import os
import random
import socket
import struct
import sys

TEB = 0x6558        # Transparent Ethernet Bridging: the only payload taken


def rbytes(rng, n):
    return rng.getrandbits(8 * n).to_bytes(n, "big") if n else b""


def eth(rng):
    return bytes.fromhex("020000000002020000000001") + b"\x08\x00" + \
        rbytes(rng, rng.randrange(46, 80))


def geneve_hdr(rng, ver=0, optlen_words=0, proto=TEB):
    flags = rng.choice((0, 0x80, 0x40, 0xc0))
    return struct.pack("!BBHI", ver << 6 | optlen_words, flags, proto,
                       rng.getrandbits(24) << 8)


def valid_opts(rng, words):
    """A well-formed option chain of exactly @words 4-byte words."""
    out = b""
    while words:
        n = rng.randrange(0, min(31, words - 1) + 1)
        out += struct.pack("!HBB", rng.getrandbits(16), rng.getrandbits(8),
                           rng.getrandbits(3) << 5 | n) + rbytes(rng, 4 * n)
        words -= n + 1
    return out


def g_truncated(rng):           # shorter than the 8-byte header
    return rbytes(rng, rng.randrange(0, 8))


def g_version(rng):             # version 1..3
    return geneve_hdr(rng, ver=rng.randrange(1, 4)) + eth(rng)


def g_past_packet(rng):         # options longer than what follows
    k = rng.randrange(1, 64)
    return geneve_hdr(rng, optlen_words=k) + rbytes(rng, rng.randrange(4 * k))


def g_chain(rng):               # an option's length runs past the options
    k = rng.randrange(1, 64)
    head = rng.randrange(0, k)  # words of good options before the bad one
    left = k - head
    while left > 31:            # the bad one must be able to overrun
        head += 1
        left -= 1
    bad_len = rng.randrange(left, 32)   # 4 + 4 * bad_len > 4 * left
    opts = valid_opts(rng, head) + struct.pack(
        "!HBB", rng.getrandbits(16), rng.getrandbits(8),
        rng.getrandbits(3) << 5 | bad_len) + rbytes(rng, 4 * (left - 1))
    return geneve_hdr(rng, optlen_words=k) + opts + eth(rng)


def g_not_ethernet(rng):        # a payload type other than Ethernet
    proto = rng.getrandbits(16)
    while proto == TEB:
        proto = rng.getrandbits(16)
    return geneve_hdr(rng, proto=proto) + eth(rng)


def g_short_inner(rng):         # a good header, less than an Ethernet header
    k = rng.randrange(0, 8)
    return geneve_hdr(rng, optlen_words=k) + valid_opts(rng, k) + \
        rbytes(rng, rng.randrange(0, 14))


def v_truncated(rng):
    return rbytes(rng, rng.randrange(0, 8))


def v_no_vni_flag(rng):         # the I flag (0x08) clear
    return struct.pack("!BBHI", rng.getrandbits(8) & ~0x08,
                       rng.getrandbits(8), rng.getrandbits(16),
                       rng.getrandbits(32)) + eth(rng)


def v_short_inner(rng):
    return struct.pack("!II", 0x08000000, rng.getrandbits(24) << 8) + \
        rbytes(rng, rng.randrange(0, 14))


GENEVE_BAD = [g_truncated, g_version, g_past_packet, g_chain,
              g_not_ethernet, g_short_inner]
VXLAN_BAD = [v_truncated, v_no_vni_flag, v_short_inner]


def main():
    kind, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    seed = int(sys.argv[5]) if len(sys.argv) > 5 else \
        int.from_bytes(os.urandom(6), "big")
    print(f"tunnel_send.py: {kind} x {count}, seed {seed}", file=sys.stderr)
    rng = random.Random(seed)
    bad = GENEVE_BAD if kind == "geneve" else VXLAN_BAD
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(bad[i % len(bad)](rng), (dst, port))
    print(count)


main()
