#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""ct_tool: the traffic of test_ct_kernel.sh, one verdict per run.

usage: ct_tool.py COMMAND ARGS
  serve ADDR PORT READY           TCP server: answers "x" with "y" (forever)
  tcp ADDR PORT [SRC]             connect, send "x": prints ok / blocked
  udp-closed ADDR PORT            datagram to a closed port: refused (the
                                  ICMP error came back) / silent / answered
  udp-send SRC SPORT DST DPORT    one datagram from SRC:SPORT
  udp-recv ADDR PORT SECS READY   prints "got N" (N bytes) or "none"
  big-udp DST PORT SIZE           one SIZE-byte datagram (fragmented by the
                                  stack when SIZE exceeds the MTU)
  bad-frags IFACE DSTMAC SRC DST SEED COUNT
                                  COUNT malformed IPv4/IPv6 fragment frames
                                  (overlaps, holes, never-finished queues,
                                  absurd offsets, tiny and truncated ones)
                                  on IFACE (AF_PACKET); prints "sent N"
  bad-ct DP                       hostile WEFT_ACTION_A_CT nests, which
                                  weft-dpctl cannot write, in FLOW_NEW
                                  requests (raw netlink): one line each,
                                  "NAME: ERRNO: extack message" or
                                  "NAME: accepted"
  fuzz-ct DP SEED COUNT           COUNT random and mutated ct/ct_clear
                                  actions in FLOW_NEW (with and without
                                  NLM_F_CREATE) and in PACKET_EXECUTE of
                                  whole, fragmented and broken frames;
                                  deletes the flows; prints the tallies
"""
import os
import random
import socket
import struct
import sys


def fam(addr):
    return socket.AF_INET6 if ":" in addr else socket.AF_INET


def serve(addr, port, ready):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.listen(16)
    open(ready, "w").close()
    while True:
        c, _ = s.accept()
        try:
            c.settimeout(5)
            if c.recv(1) == b"x":
                c.sendall(b"y")
        except OSError:
            pass
        c.close()


def tcp(addr, port, src=None):
    s = socket.socket(fam(addr), socket.SOCK_STREAM)
    s.settimeout(4)
    try:
        if src:
            s.bind((src, 0))
        s.connect((addr, int(port)))
        s.sendall(b"x")
        print("ok" if s.recv(1) == b"y" else "blocked")
    except OSError:
        print("blocked")


def udp_closed(addr, port):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.settimeout(4)
    s.connect((addr, int(port)))
    try:
        s.send(b"x")
        s.recv(10)
        print("answered")
    except ConnectionRefusedError:
        print("refused")
    except OSError:
        print("silent")


def udp_send(src, sport, dst, dport):
    s = socket.socket(fam(dst), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.sendto(b"z" * 16, (dst, int(dport)))


def udp_recv(addr, port, secs, ready):
    s = socket.socket(fam(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((addr, int(port)))
    s.settimeout(float(secs))
    open(ready, "w").close()
    try:
        data = s.recv(65535)
        print("got %d" % len(data))
    except OSError:
        print("none")


def big_udp(dst, port, size):
    s = socket.socket(fam(dst), socket.SOCK_DGRAM)
    s.sendto(bytes(i & 0xff for i in range(int(size))), (dst, int(port)))


def csum(data):
    if len(data) % 2:
        data += b"\0"
    s = sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ip4(src, dst, ident, off, mf, payload, proto=17, tot=None):
    flags = (0x2000 if mf else 0) | (off & 0x1fff)
    hdr = struct.pack("!BBHHHBBH4s4s", 0x45, 0, tot or 20 + len(payload),
                      ident, flags, 64, proto, 0, socket.inet_aton(src),
                      socket.inet_aton(dst))
    hdr = hdr[:10] + struct.pack("!H", csum(hdr)) + hdr[12:]
    return hdr + payload


def ip6(src, dst, ident, off, mf, payload, nxt=17):
    frag = struct.pack("!BBHI", nxt, 0, (off << 3) | (1 if mf else 0), ident)
    body = frag + payload
    return struct.pack("!IHBB16s16s", 0x60000000, len(body), 44, 64,
                       socket.inet_pton(socket.AF_INET6, src),
                       socket.inet_pton(socket.AF_INET6, dst)) + body


def bad_frags(iface, dstmac, src, dst, seed, count):
    rnd = random.Random(int(seed))
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW)
    s.bind((iface, 0))
    smac = open("/sys/class/net/%s/address" % iface).read().strip()
    eth4 = bytes.fromhex(dstmac.replace(":", "")) + \
        bytes.fromhex(smac.replace(":", "")) + b"\x08\x00"
    eth6 = eth4[:12] + b"\x86\xdd"
    src6, dst6 = "fd01::1", "fd01::2"
    udp = struct.pack("!HHHH", 4000, 4001, 1000, 0)
    sent = 0

    def send(frame):
        nonlocal sent
        s.send(frame)
        sent += 1

    for i in range(int(count)):
        ident = rnd.randrange(1 << 16)
        kind = i % 8
        blob = bytes(rnd.randrange(256) for _ in range(rnd.choice((8, 16, 64, 512))))
        if kind == 0:	# overlapping fragments, then the last
            send(eth4 + ip4(src, dst, ident, 0, True, udp + blob[:64].ljust(64, b"o")))
            send(eth4 + ip4(src, dst, ident, 4, True, blob.ljust(64, b"p")))
            send(eth4 + ip4(src, dst, ident, 6, False, blob[:24].ljust(24, b"q")))
        elif kind == 1:	# a hole: the queue never completes
            send(eth4 + ip4(src, dst, ident, 0, True, udp + blob[:32].ljust(32, b"h")))
            send(eth4 + ip4(src, dst, ident, 40, False, blob[:16].ljust(16, b"h")))
        elif kind == 2:	# offset beyond 64 KiB
            send(eth4 + ip4(src, dst, ident, 0x1fff, False, blob))
        elif kind == 3:	# tiny, truncated (tot_len larger than the frame)
            send(eth4 + ip4(src, dst, ident, 0, True, udp[:4], tot=600))
            send(eth4 + ip4(src, dst, ident, 1, False, b"", tot=20))
        elif kind == 4:	# random fragments of one datagram, any order
            for _ in range(rnd.randrange(1, 6)):
                send(eth4 + ip4(src, dst, ident, rnd.randrange(0, 64),
                                rnd.random() < 0.7, blob[:rnd.randrange(0, len(blob) + 1) & ~7]))
        elif kind == 5:	# IPv6: overlapping, then last
            send(eth6 + ip6(src6, dst6, ident, 0, True, udp + blob[:64].ljust(64, b"o")))
            send(eth6 + ip6(src6, dst6, ident, 2, True, blob[:64].ljust(64, b"p")))
            send(eth6 + ip6(src6, dst6, ident, 9, False, blob[:8].ljust(8, b"q")))
        elif kind == 6:	# IPv6: atomic fragment, absurd offset, a hole
            send(eth6 + ip6(src6, dst6, ident, 0, False, udp + blob[:8]))
            send(eth6 + ip6(src6, dst6, ident + 1, 0x1fff, False, blob[:16]))
            send(eth6 + ip6(src6, dst6, ident + 2, 0, True, udp + blob[:32].ljust(32, b"h")))
        else:		# IPv6: truncated payload length, unknown next header
            f = ip6(src6, dst6, ident, 0, True, blob[:24].ljust(24, b"t"), nxt=253)
            send(eth6 + f[:4] + struct.pack("!H", 4000) + f[6:])
    print("sent %d" % sent)


def bad_ct(dp):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import weftnl as w

    def a16(t, v):
        return w.attr(t, struct.pack("H", v))

    ip = lambda a: socket.inet_aton(a)
    key = w.nest(2, [w.nest(6, []), w.attr(9, b"\x08\x00"),
                     w.nest(10, [w.attr(6, b"\0")])])
    nat_src = w.attr(1, b"")
    cases = [
        ("nat-ip-range-reversed", [w.attr(1, b""), w.nest(8, [nat_src, w.attr(3, ip("10.0.0.9")), w.attr(4, ip("10.0.0.1"))])]),
        ("nat-port-range-reversed", [w.attr(1, b""), w.nest(8, [w.attr(2, b""), w.attr(3, ip("10.0.0.1")), a16(5, 90), a16(6, 80)])]),
        ("nat-src-and-dst", [w.attr(1, b""), w.nest(8, [nat_src, w.attr(2, b"")])]),
        ("nat-range-without-kind", [w.attr(1, b""), w.nest(8, [w.attr(3, ip("10.0.0.1"))])]),
        ("nat-hash-and-random", [w.attr(1, b""), w.nest(8, [nat_src, w.attr(8, b""), w.attr(9, b"")])]),
        ("nat-ipv6-address-on-ipv4", [w.attr(1, b""), w.nest(8, [nat_src, w.attr(3, bytes(16))])]),
        ("mark-short", [w.attr(1, b""), w.attr(4, b"\1\0\0\0")]),
        ("mark-mask-zero", [w.attr(1, b""), w.attr(4, struct.pack("II", 1, 0))]),
        ("labels-mask-zero", [w.attr(1, b""), w.attr(5, bytes(32))]),
        ("unknown-ct-attr", [w.attr(30, b"")]),
        ("helper-unterminated", [w.attr(1, b""), w.attr(6, b"ftpx")]),
        ("zone-too-long", [w.attr(3, struct.pack("I", 1))]),
    ]
    nl = w.Genl()
    ifindex = w.dp_ifindex(nl, dp)
    for name, ct in cases:
        acts = w.nest(4, [w.nest(14, ct), w.u32(1, 2)])
        try:
            nl.request(w.CMD["FLOW_NEW"], [w.u32(1, ifindex), key, acts])
            print("%s: accepted" % name)
        except w.NlError as e:
            print("%s: %s: %s" % (name, os.strerror(e.errno), e.msg))


def fuzz_ct(dp, seed, count):
    sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
    import weftnl as w

    rnd = random.Random(int(seed))
    nl = w.Genl()
    ifindex = w.dp_ifindex(nl, dp)
    NLM_F_CREATE, NLM_F_EXCL = 0x400, 0x200

    def rbytes(n):
        return bytes(rnd.randrange(256) for _ in range(n))

    def pick_len(good):
        return good if rnd.random() < 0.8 else rnd.choice((0, 1, 2, 3, 4, 7, 8, 9, 16, 31, 33, 64))

    def name():
        n = rnd.choice((b"ftp", b"tftp", b"nosuch", b"", b"x" * 20, b"sip", b"t1"))
        return n + (b"\0" if rnd.random() < 0.9 else b"")

    def nat(v6):
        attrs = []
        for t in rnd.sample(range(0, 12), rnd.randrange(0, 6)):
            if t in (1, 2, 7, 8, 9):
                attrs.append(w.attr(t, b"" if rnd.random() < 0.9 else rbytes(4)))
            elif t in (3, 4):
                attrs.append(w.attr(t, rbytes(pick_len(16 if v6 else 4))))
            elif t in (5, 6):
                attrs.append(w.attr(t, rbytes(pick_len(2))))
            else:
                attrs.append(w.attr(t, rbytes(rnd.randrange(0, 8))))
        return w.nest(8, attrs)

    def ct(v6):
        attrs = []
        for t in rnd.sample(range(0, 11), rnd.randrange(0, 7)):
            if t in (1, 2):
                attrs.append(w.attr(t, b"" if rnd.random() < 0.9 else rbytes(2)))
            elif t == 3:
                attrs.append(w.attr(t, rbytes(pick_len(2))))
            elif t == 4:
                attrs.append(w.attr(t, rbytes(pick_len(8))))
            elif t == 5:
                attrs.append(w.attr(t, rbytes(pick_len(32))))
            elif t in (6, 7):
                attrs.append(w.attr(t, name()))
            elif t == 8:
                attrs.append(nat(v6) if rnd.random() < 0.9 else w.attr(8, rbytes(8)))
            else:
                attrs.append(w.attr(t, rbytes(rnd.randrange(0, 8))))
        return w.nest(14, attrs)

    def actions(v6):
        acts = []
        for _ in range(rnd.randrange(1, 4)):
            r = rnd.random()
            if r < 0.6:
                acts.append(ct(v6))
            elif r < 0.7:
                acts.append(w.attr(15, b""))		# ct_clear
            elif r < 0.8:
                acts.append(w.nest(9, [ct(v6), w.u32(1, 2)]))	# clone
            elif r < 0.9:
                acts.append(w.u32(6, rnd.randrange(4)))		# recirc
            else:
                acts.append(w.u32(1, rnd.randrange(1, 4)))	# output
        return w.nest(4, acts)

    def key(v6, proto):
        et = b"\x86\xdd" if v6 else b"\x08\x00"
        l3 = w.nest(11 if v6 else 10,
                    [w.attr(4 if v6 else 3, bytes([proto])),
                     w.attr(7 if v6 else 6, b"\0")])
        return [w.u32(1, 1), w.nest(6, []), w.attr(9, et), l3]

    def frame(v6):
        eth = b"\x02\0\0\0\0\x02\x02\0\0\0\0\x01" + (b"\x86\xdd" if v6 else b"\x08\x00")
        udp = struct.pack("!HHHH", rnd.randrange(1, 65536), 9000, 8 + 64, 0) + rbytes(64)
        ident = rnd.randrange(1 << 16)
        kind = rnd.randrange(4)
        if v6:
            if kind == 0:
                body = struct.pack("!IHBB16s16s", 0x60000000, len(udp), 17, 64,
                                   socket.inet_pton(socket.AF_INET6, "fd01::1"),
                                   socket.inet_pton(socket.AF_INET6, "fd01::2")) + udp
            else:
                body = ip6("fd01::1", "fd01::2", ident, rnd.randrange(0, 16),
                           rnd.random() < 0.5, udp[:rnd.randrange(0, len(udp)) & ~7])
        else:
            if kind == 0:
                body = ip4("10.1.0.1", "10.1.0.2", ident, 0, False, udp)
            else:
                body = ip4("10.1.0.1", "10.1.0.2", ident, rnd.randrange(0, 16),
                           rnd.random() < 0.5, udp[:rnd.randrange(0, len(udp)) & ~7])
        if kind == 3:
            body = body[:rnd.randrange(0, len(body) + 1)]
        return eth + body

    tally = {}
    for i in range(int(count)):
        v6 = rnd.random() < 0.4
        try:
            if rnd.random() < 0.7:
                proto = rnd.choice((6, 17, 1, 58, 132))
                extra = NLM_F_CREATE if rnd.random() < 0.5 else 0
                attrs = [w.u32(1, ifindex), w.nest(2, key(v6, proto)), actions(v6)]
                orig = nl.send
                nl.send = lambda c, a, f: orig(c, a, f | extra)
                try:
                    nl.request(w.CMD["FLOW_NEW"], attrs)
                finally:
                    nl.send = orig
                res = "flow-ok"
            else:
                attrs = [w.u32(1, ifindex), w.attr(2, frame(v6)),
                         w.nest(3, [w.u32(1, 1)]), actions(v6)]
                nl.request(w.CMD["PACKET_EXECUTE"], attrs)
                res = "exec-ok"
        except w.NlError as e:
            res = "errno-%d" % e.errno
        tally[res] = tally.get(res, 0) + 1
        if i % 500 == 499:
            nl.request(w.CMD["FLOW_DEL"], [w.u32(1, ifindex)])
    nl.request(w.CMD["FLOW_DEL"], [w.u32(1, ifindex)])
    print(" ".join("%s:%d" % kv for kv in sorted(tally.items())))


def main(argv):
    cmd, args = argv[1], argv[2:]
    {"serve": serve, "tcp": tcp, "udp-closed": udp_closed,
     "udp-send": udp_send, "udp-recv": udp_recv, "big-udp": big_udp,
     "bad-frags": bad_frags, "bad-ct": bad_ct, "fuzz-ct": fuzz_ct}[cmd](*args)


if __name__ == "__main__":
    main(sys.argv)
