#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Traffic for the conntrack system tests (test_weftd_ct_ovs.sh): one
process per namespace and phase, because a process start costs up to half
a second in a loaded TCG guest.

  serve LOG READY TCP_PORTS UDP_PORTS
      TCP ports (comma-separated, or -): read each connection to its end,
      answer "peer=IP:PORT n=BYTES", close. UDP ports: answer each datagram
      with "peer=IP:PORT". Every connection and datagram is appended to LOG
      ("tcp|udp LOCAL_PORT PEER_IP PEER_PORT"); READY is created once every
      socket listens. UDP ports listen on IPv4 and, where the namespace
      has IPv6, on IPv6 too. ICMP errors that reach the namespace are
      logged as "icmp TYPE CODE FROM QUOTED_SPORT QUOTED_DPORT" (the
      UDP/TCP ports of the datagram they quote). Runs until killed.

  client STEP...
      Runs the steps in order, one result line each ("N RESULT"):
        tcp ADDR PORT SPORT BYTES TIMEOUT  ok peer=IP:PORT n=BYTES |
                                           timeout | refused | error:...
        udp ADDR PORT SPORT TIMEOUT [SIZE] ok peer=IP:PORT | timeout |
                                           refused (SIZE: the datagram's
                                           bytes; above the MTU it leaves
                                           in fragments)
        ping ADDR TIMEOUT                  ok | timeout
        icmperr ADDR SPORT DPORT           sent: an ICMP port unreachable
                                           to ADDR for a UDP datagram
                                           ADDR:SPORT -> here:DPORT that
                                           was never sent
      ADDR may be IPv6 (tcp, udp).
      SPORT 0 lets the kernel choose. A step is one string, its words
      separated by spaces. With "par" as the first step, the others run
      at the same time (their results keep their numbers).
"""
import os
import select
import socket
import struct
import sys
import threading
import time


def serve(log, ready, tcp_ports, udp_ports):
    socks = {}
    for p in tcp_ports:
        s = socket.socket()
        s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(('', p))
        s.listen(16)
        socks[s.fileno()] = ('tcp', p, s)
    for p in udp_ports:
        for fam, any_addr in ((socket.AF_INET, ''), (socket.AF_INET6, '::')):
            try:
                s = socket.socket(fam, socket.SOCK_DGRAM)
                # A client in the same namespace may send from this port
                # (the zone test does); its connected socket gets its own
                # replies.
                s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                if fam == socket.AF_INET6:
                    s.setsockopt(socket.IPPROTO_IPV6, socket.IPV6_V6ONLY, 1)
                s.bind((any_addr, p))
            except OSError:
                if fam == socket.AF_INET:
                    raise
                continue        # no IPv6 in this namespace
            socks[s.fileno()] = ('udp', p, s)
    # Every ICMP message for this namespace's addresses; the errors logged.
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    socks[s.fileno()] = ('icmp', 0, s)
    out = open(log, 'a', buffering=1)
    open(ready, 'w').close()
    conns = {}
    while True:
        r, _, _ = select.select(list(socks) + list(conns), [], [])
        for fd in r:
            if fd in conns:
                c, port, peer, n = conns[fd]
                try:
                    b = c.recv(65536)
                except OSError:
                    b = b''
                    n = -1
                if b:
                    conns[fd] = (c, port, peer, n + len(b))
                    continue
                try:
                    c.sendall(b'peer=%s:%d n=%d\n' %
                              (peer[0].encode(), peer[1], n))
                except OSError:
                    pass
                c.close()
                del conns[fd]
                continue
            kind, port, s = socks[fd]
            if kind == 'icmp':
                b, src = s.recvfrom(2048)
                icmp_logged(out, b, src[0])
            elif kind == 'tcp':
                c, peer = s.accept()
                out.write('tcp %d %s %d\n' % (port, peer[0], peer[1]))
                conns[c.fileno()] = (c, port, peer, 0)
            else:
                _, peer = s.recvfrom(8192)
                out.write('udp %d %s %d\n' % (port, peer[0], peer[1]))
                s.sendto(b'peer=%s:%d' % (peer[0].encode(), peer[1]), peer)


def icmp_logged(out, b, src):
    """Logs an ICMPv4 error (IP header first, as a raw socket reads it)."""
    ihl = (b[0] & 0xf) * 4
    if len(b) < ihl + 8 + 20 or b[ihl] not in (3, 4, 5, 11, 12):
        return
    typ, code = b[ihl], b[ihl + 1]
    q = b[ihl + 8:]
    qihl = (q[0] & 0xf) * 4
    sport, dport = (struct.unpack('!HH', q[qihl:qihl + 4])
                    if len(q) >= qihl + 4 else (0, 0))
    out.write('icmp %d %d %s %d %d\n' % (typ, code, src, sport, dport))


def icmperr(addr, sport, dport):
    """An ICMP port unreachable for a datagram that never was: to ADDR,
    quoting a UDP header ADDR:SPORT -> (this host):DPORT."""
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.connect((addr, 9))
    me = s.getsockname()[0]
    s.close()
    udp_hdr = struct.pack('!HHHH', sport, dport, 16, 0)
    iph = struct.pack('!BBHHHBBH4s4s', 0x45, 0, 20 + 16, 1, 0, 64, 17, 0,
                      socket.inet_aton(addr), socket.inet_aton(me))
    iph = iph[:10] + struct.pack('!H', csum(iph)) + iph[12:]
    body = struct.pack('!BBHI', 3, 3, 0, 0) + iph + udp_hdr
    body = body[:2] + struct.pack('!H', csum(body)) + body[4:]
    r = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    r.sendto(body, (addr, 0))
    r.close()
    return 'sent'


def family(addr):
    return socket.AF_INET6 if ':' in addr else socket.AF_INET


def tcp(addr, port, sport, nbytes, timeout):
    s = socket.socket(family(addr))
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    if sport:
        s.bind(('', sport))
    s.settimeout(timeout)
    try:
        s.connect((addr, port))
        s.sendall(bytes(range(256)) * (nbytes // 256) + b'x' * (nbytes % 256))
        s.shutdown(socket.SHUT_WR)
        got = b''
        while True:
            b = s.recv(4096)
            if not b:
                break
            got += b
        return 'ok ' + got.decode(errors='replace').strip()
    except socket.timeout:
        return 'timeout'
    except ConnectionRefusedError:
        return 'refused'
    except OSError as e:
        return 'error:%s' % e.strerror.replace(' ', '_')
    finally:
        s.close()


def udp(addr, port, sport, timeout, size=0):
    s = socket.socket(family(addr), socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(('', sport))
    # Connected: an ICMP error for the datagram reaches recv() as
    # ECONNREFUSED (the ICMP error test needs exactly that).
    s.connect((addr, port))
    s.settimeout(timeout)
    try:
        s.send(b'weft ct' + b'.' * max(0, size - 7))
        return 'ok ' + s.recv(2048).decode(errors='replace')
    except socket.timeout:
        return 'timeout'
    except ConnectionRefusedError:
        return 'refused'
    finally:
        s.close()


def csum(b):
    if len(b) % 2:
        b += b'\0'
    s = sum(struct.unpack('!%dH' % (len(b) // 2), b))
    while s >> 16:
        s = (s & 0xffff) + (s >> 16)
    return ~s & 0xffff


def ping(addr, timeout):
    s = socket.socket(socket.AF_INET, socket.SOCK_RAW, socket.IPPROTO_ICMP)
    ident = os.getpid() & 0xffff
    hdr = struct.pack('!BBHHH', 8, 0, 0, ident, 1) + b'weft ct ping'
    pkt = hdr[:2] + struct.pack('!H', csum(hdr)) + hdr[4:]
    s.sendto(pkt, (addr, 0))
    end = time.time() + timeout
    while True:
        left = end - time.time()
        if left <= 0:
            return 'timeout'
        r, _, _ = select.select([s], [], [], left)
        if not r:
            return 'timeout'
        b, src = s.recvfrom(2048)
        ihl = (b[0] & 0xf) * 4
        typ, _, _, rid, _ = struct.unpack('!BBHHH', b[ihl:ihl + 8])
        if typ == 0 and rid == ident and src[0] == addr:
            return 'ok'


def step(i, text):
    w = text.split()
    if w[0] == 'tcp':
        res = tcp(w[1], int(w[2]), int(w[3]), int(w[4]), float(w[5]))
    elif w[0] == 'udp':
        res = udp(w[1], int(w[2]), int(w[3]), float(w[4]),
                  int(w[5]) if len(w) > 5 else 0)
    elif w[0] == 'icmperr':
        res = icmperr(w[1], int(w[2]), int(w[3]))
    elif w[0] == 'ping':
        res = ping(w[1], float(w[2]))
    else:
        res = 'error:unknown_step'
    print('%d %s' % (i, res), flush=True)


def client(steps):
    # "par" first: the steps at once (steps that wait for a timeout, so
    # that their waits overlap); the lines come in the order they end.
    if steps and steps[0] == 'par':
        ts = [threading.Thread(target=step, args=(i, t))
              for i, t in enumerate(steps[1:])]
        for t in ts:
            t.start()
        for t in ts:
            t.join()
        return
    for i, t in enumerate(steps):
        step(i, t)


def ports(s):
    return [] if s == '-' else [int(p) for p in s.split(',')]


if __name__ == '__main__':
    a = sys.argv[1:]
    if a and a[0] == 'serve' and len(a) == 5:
        serve(a[1], a[2], ports(a[3]), ports(a[4]))
    elif a and a[0] == 'client':
        client(a[1:])
    else:
        sys.exit(__doc__)
