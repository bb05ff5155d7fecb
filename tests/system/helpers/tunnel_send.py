#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send malformed GENEVE/VXLAN datagrams to a tunnel port.

usage: tunnel_send.py geneve|vxlan DST_IP PORT COUNT

Each datagram is one of the broken kinds below, in turn, so COUNT of them
must all be dropped and counted as malformed by the receiver.
"""
import socket
import struct
import sys

ETH = bytes.fromhex("020000000002020000000001") + b"\x08\x00" + bytes(46)


def geneve(ver=0, optlen_words=0, opts=b"", proto=0x6558, vni=5):
    return struct.pack("!BBHI", ver << 6 | optlen_words, 0, proto,
                       vni << 8) + opts


GENEVE_BAD = [
    b"",                                    # no header at all
    geneve()[:5],                           # truncated header
    geneve(ver=1) + ETH,                    # wrong version
    geneve(optlen_words=4) + ETH[:8],       # options run past the packet
    # option length (3 words) runs past the options (2 words)
    geneve(optlen_words=2, opts=bytes([1, 2, 0x80, 3, 0, 0, 0, 0])) + ETH,
    geneve(proto=0x0800) + ETH,             # not Ethernet
    geneve() + ETH[:6],                     # inner frame too short
]

VXLAN_BAD = [
    b"",
    b"\x08\x00\x00",                        # truncated
    struct.pack("!II", 0, 5 << 8) + ETH,    # I flag clear
    struct.pack("!II", 0x08000000, 5 << 8) + ETH[:6],
]


def main():
    kind, dst, port, count = sys.argv[1], sys.argv[2], int(sys.argv[3]), \
        int(sys.argv[4])
    bad = GENEVE_BAD if kind == "geneve" else VXLAN_BAD
    fam = socket.AF_INET6 if ":" in dst else socket.AF_INET
    s = socket.socket(fam, socket.SOCK_DGRAM)
    for i in range(count):
        s.sendto(bad[i % len(bad)], (dst, port))
    print(count)


main()
