#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Send crafted frames into namespaces and record what comes out where.

usage: differential_pkt.py OUT [listen NS IFACE]... [send NS IFACE SPEC]...

Opens a raw AF_PACKET socket on every listed interface (inside its network
namespace), then sends each frame in turn from its namespace's interface and
collects whatever the listeners receive until the links have been quiet for a
moment. OUT gets, for frame number K:

    sent K NS HEX
    got K NS HEX        (one line per received frame, in arrival order per NS)

so that two runs (one per datapath) can be compared byte for byte with diff.
A VLAN tag the receiving kernel moved into skb metadata is put back into the
frame from PACKET_AUXDATA, as tcpdump does.

SPEC is a kind followed by comma-separated fields, e.g.
    udp4,sip=10.0.1.1,dip=10.0.1.2,sport=1000,dport=53
    tcp4,... flags=0x02      udp6,sip=fc00::1,dip=fc00::2,...
    icmp4,...                arp,sip=..,dip=..,op=1
Fields: smac dmac vlan=TPID:VID:PCP (repeatable, outermost first) sip dip ttl
tos sport dport flags label len (payload bytes) op nocsum=1 (UDP over IPv4
with checksum 0).
"""

import ctypes
import os
import select
import socket
import struct
import sys
import time

CLONE_NEWNET = 0x40000000
ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
PACKET_OUTGOING = 4
TP_STATUS_VLAN_VALID = 0x10
TP_STATUS_VLAN_TPID_VALID = 0x40

# Forwarding happens in the sender's softirq, so frames arrive at once; these
# only bound the wait for a frame that is not coming.
QUIET = 0.15		# seconds without a frame that end one frame's wait
FIRST_WAIT = 0.5	# longest wait for the first frame after a send

libc = ctypes.CDLL(None, use_errno=True)


def setns(path):
    fd = os.open(path, os.O_RDONLY)
    try:
        if libc.setns(fd, CLONE_NEWNET) != 0:
            err = ctypes.get_errno()
            raise OSError(err, "setns %s: %s" % (path, os.strerror(err)))
    finally:
        os.close(fd)


def ns_path(ns):
    return "/proc/self/ns/net" if ns == "-" else "/run/netns/" + ns


def open_socket(ns, iface, home):
    setns(ns_path(ns))
    try:
        s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW,
                          socket.htons(ETH_P_ALL))
        s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
        s.bind((iface, ETH_P_ALL))
    finally:
        setns(home)
    return s


def csum(data):
    if len(data) % 2:
        data += b"\0"
    total = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xffff) + (total >> 16)
    return ~total & 0xffff


def mac(text):
    return bytes(int(x, 16) for x in text.split(":"))


def build(spec):
    parts = spec.split(",")
    kind, fields, vlans = parts[0], {}, []
    for p in parts[1:]:
        k, v = p.split("=", 1)
        if k == "vlan":
            tpid, vid, pcp = (int(x, 0) for x in v.split(":"))
            vlans.append((tpid, vid, pcp))
        else:
            fields[k] = v

    def num(k, default):
        return int(str(fields.get(k, default)), 0)

    smac = mac(fields.get("smac", "02:00:00:00:00:0a"))
    dmac = mac(fields.get("dmac", "02:00:00:00:00:0b"))
    payload = bytes((i * 7) & 0xff for i in range(num("len", 18)))
    ttl, tos = num("ttl", 64), num("tos", 0)
    sport, dport = num("sport", 1000), num("dport", 2000)

    if kind in ("udp4", "tcp4", "icmp4"):
        ethertype = 0x0800
        sip = socket.inet_aton(fields.get("sip", "10.0.0.1"))
        dip = socket.inet_aton(fields.get("dip", "10.0.0.2"))
        if kind == "icmp4":
            proto = 1
            l4 = struct.pack("!BBHHH", 8, 0, 0, 0x1234, 1) + payload
            l4 = l4[:2] + struct.pack("!H", csum(l4)) + l4[4:]
        else:
            if kind == "udp4":
                proto = 17
                l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload),
                                 0) + payload
                at = 6
            else:
                proto = 6
                l4 = struct.pack("!HHIIBBHHH", sport, dport, 1, 0, 5 << 4,
                                 num("flags", 0x02), 8192, 0, 0) + payload
                at = 16
            pseudo = sip + dip + struct.pack("!BBH", 0, proto, len(l4))
            c = csum(pseudo + l4) or 0xffff
            if kind == "udp4" and num("nocsum", 0):
                c = 0		# IPv4 UDP without a checksum
            l4 = l4[:at] + struct.pack("!H", c) + l4[at + 2:]
        ip = struct.pack("!BBHHHBBH4s4s", 0x45, tos, 20 + len(l4), 0x4242,
                         0x4000, ttl, proto, 0, sip, dip)
        ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
        l3 = ip + l4
    elif kind == "udp6":
        ethertype = 0x86dd
        sip = socket.inet_pton(socket.AF_INET6, fields.get("sip", "fc00::1"))
        dip = socket.inet_pton(socket.AF_INET6, fields.get("dip", "fc00::2"))
        l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
        pseudo = sip + dip + struct.pack("!IxxxB", len(l4), 17)
        c = csum(pseudo + l4) or 0xffff
        l4 = l4[:6] + struct.pack("!H", c) + l4[8:]
        label = num("label", 0)
        l3 = struct.pack("!IHBB16s16s", (6 << 28) | (tos << 20) | label,
                         len(l4), 17, ttl, sip, dip) + l4
    elif kind == "arp":
        ethertype = 0x0806
        l3 = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, num("op", 1),
                         smac,
                         socket.inet_aton(fields.get("sip", "10.0.0.1")),
                         bytes(6),
                         socket.inet_aton(fields.get("dip", "10.0.0.2")))
    else:
        raise SystemExit("differential_pkt: unknown kind %r" % kind)

    frame = dmac + smac
    for tpid, vid, pcp in vlans:
        frame += struct.pack("!HH", tpid, (pcp << 13) | vid)
    frame += struct.pack("!H", ethertype) + l3
    if len(frame) < 60:
        frame += bytes(60 - len(frame))
    return frame


def receive(s):
    """One frame from s, with its VLAN tag restored; None for our own sends."""
    data, anc, _flags, addr = s.recvmsg(65536, socket.CMSG_SPACE(20))
    if addr[2] == PACKET_OUTGOING:
        return None
    for level, ctype, cdata in anc:
        if level != SOL_PACKET or ctype != PACKET_AUXDATA:
            continue
        status, _len, _snap, _mac, _net, tci, tpid = \
            struct.unpack("IIIHHHH", cdata[:20])
        if status & TP_STATUS_VLAN_VALID:
            if not status & TP_STATUS_VLAN_TPID_VALID:
                tpid = 0x8100
            data = data[:12] + struct.pack("!HH", tpid, tci) + data[12:]
    return data


def collect(listeners, got):
    """Waits for frames until the links go quiet; appends (ns, frame)."""
    start = last = time.monotonic()
    while True:
        now = time.monotonic()
        limit = (start + FIRST_WAIT) if last == start else (last + QUIET)
        if now >= limit:
            return
        ready, _, _ = select.select(list(listeners), [], [], limit - now)
        for s in ready:
            frame = receive(s)
            if frame is not None:
                got.append((listeners[s], frame))
                last = time.monotonic()


def main(argv):
    if len(argv) < 2:
        raise SystemExit(__doc__)
    out, args = argv[1], argv[2:]
    home = os.open("/proc/self/ns/net", os.O_RDONLY)
    home_path = "/proc/self/fd/%d" % home
    listeners, senders, sends = {}, {}, []
    while args:
        if args[0] == "listen" and len(args) >= 3:
            listeners[open_socket(args[1], args[2], home_path)] = args[1]
            args = args[3:]
        elif args[0] == "send" and len(args) >= 4:
            key = (args[1], args[2])
            if key not in senders:
                senders[key] = open_socket(args[1], args[2], home_path)
            sends.append((args[1], senders[key], build(args[3])))
            args = args[4:]
        else:
            raise SystemExit("differential_pkt: bad arguments at %r" % args)

    lines = []
    for k, (ns, s, frame) in enumerate(sends):
        # A frame still in flight from the previous send belongs to it.
        late = []
        while select.select(list(listeners), [], [], 0)[0]:
            for r in select.select(list(listeners), [], [], 0)[0]:
                f = receive(r)
                if f is not None:
                    late.append("got %d %s %s" % (k - 1, listeners[r],
                                                  f.hex()))
        lines.extend(late)
        lines.append("sent %d %s %s" % (k, ns, frame.hex()))
        s.send(frame)
        got = []
        collect(listeners, got)
        # Arrival order between namespaces is not a datapath property;
        # the order within one namespace is.
        for n in sorted({n for n, _ in got}):
            lines.extend("got %d %s %s" % (k, n, f.hex())
                         for m, f in got if m == n)
    with open(out, "w") as f:
        f.write("\n".join(lines) + "\n")


if __name__ == "__main__":
    main(sys.argv)
