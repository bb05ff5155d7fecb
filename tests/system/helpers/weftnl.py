#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""weftnl: a tiny raw generic netlink client for the weft family.

Independent of libweft and weft-dpctl, so that the module can be probed
(including with requests those tools would never send) from system tests.

usage: weftnl.py COMMAND [ARGS]
  features
  dp-new NAME [PIDS...]       dp-del NAME      dp-get NAME      dp-dump
  dp-set NAME [pids=P,P] [features=N] [queue=N]
  vport-new DP TYPE NAME [PORT_NO]    TYPE: netdev|internal|geneve|vxlan
  vport-del DP NAME|PORT_NO           vport-get DP NAME|PORT_NO
  vport-dump DP
  listen DP SECONDS           register as the upcall pid, print upcalls
  hold DP SECONDS             register as the upcall pid, never read
  execute DP IN_PORT HEXFRAME OUTPUT_PORT...
  flow-exec DP IN_PORT HEXFRAME OUTPUT_PORT UFIDHEX [set|nokey]
                              FLOW_NEW (NLM_F_CREATE|NLM_F_EXCL) of an
                              in_port flow with the frame along (PACKET,
                              PACKET_KEY); "set": as FLOW_SET, "nokey":
                              without PACKET_KEY
  raw CMD HEXATTRS            send arbitrary attributes to command CMD

Errors print "error: ERRNO: extack message" and exit 1.
"""
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
NETLINK_EXT_ACK = 11
NLM_F_REQUEST, NLM_F_MULTI, NLM_F_ACK = 1, 2, 4
NLM_F_DUMP = 0x300
NLM_F_ACK_TLVS = 0x200
NLMSG_ERROR, NLMSG_DONE = 2, 3
GENL_ID_CTRL, CTRL_CMD_GETFAMILY = 16, 3
CTRL_ATTR_FAMILY_ID, CTRL_ATTR_FAMILY_NAME = 1, 2
NLMSGERR_ATTR_MSG, NLMSGERR_ATTR_OFFS = 1, 2

# uapi/linux/weft.h
CMD = dict(GET_FEATURES=1, DP_NEW=2, DP_DEL=3, DP_GET=4, DP_SET=5,
           VPORT_NEW=6, VPORT_DEL=7, VPORT_GET=8, VPORT_SET=9,
           FLOW_NEW=10, FLOW_DEL=11, FLOW_GET=12, FLOW_SET=13,
           PACKET_MISS=14, PACKET_ACTION=15, PACKET_EXECUTE=16)
DP_A = dict(NAME=1, DP_IFINDEX=2, UPCALL_PIDS=3, STATS=4, USER_FEATURES=5,
            UNUSED=6, MASKS_CACHE_SIZE=7)
DP_STATS = {1: 'hit', 2: 'missed', 3: 'lost', 4: 'flows', 5: 'mask_hit',
            6: 'masks', 7: 'cache_hit'}
VPORT_A = dict(DP_IFINDEX=1, PORT_NO=2, TYPE=3, NAME=4, IFINDEX=5, STATS=6,
               OPTIONS=7)
VPORT_TYPES = dict(netdev=1, internal=2, geneve=3, vxlan=4)
PACKET_A = dict(DP_IFINDEX=1, PACKET=2, KEY=3, ACTIONS=4, USERDATA=5, LEN=6)
KEY_A_IN_PORT = 1
ACTION_A_OUTPUT = 1
FLOW_A = dict(DP_IFINDEX=1, KEY=2, MASK=3, ACTIONS=4, UFID=5, PACKET=12,
              PACKET_KEY=13)
NLM_F_EXCL, NLM_F_CREATE = 0x200, 0x400


class NlError(Exception):
    def __init__(self, err, msg):
        super().__init__(err, msg)
        self.errno, self.msg = err, msg


def attr(atype, payload):
    hdr = struct.pack('HH', 4 + len(payload), atype)
    return hdr + payload + b'\0' * ((4 - len(payload) % 4) % 4)


def u32(atype, v):
    return attr(atype, struct.pack('I', v))


def string(atype, s):
    return attr(atype, s.encode() + b'\0')


def nest(atype, attrs):
    return attr(atype | 0x8000, b''.join(attrs))


def parse(data):
    out = {}
    while len(data) >= 4:
        alen, atype = struct.unpack_from('HH', data)
        if alen < 4:
            break
        out[atype & 0x3fff] = data[4:alen]
        data = data[(alen + 3) & ~3:]
    return out


class Genl:
    def __init__(self, family='weft'):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.setsockopt(270, NETLINK_EXT_ACK, 1)   # SOL_NETLINK
        self.sock.bind((0, 0))
        self.portid = self.sock.getsockname()[0]
        self.seq = int(time.time())
        self.family = GENL_ID_CTRL
        reply = self.request(CTRL_CMD_GETFAMILY,
                             [string(CTRL_ATTR_FAMILY_NAME, family)])
        self.family = struct.unpack('H', reply[0][1][CTRL_ATTR_FAMILY_ID][:2])[0]

    def send(self, cmd, attrs, flags):
        self.seq += 1
        body = struct.pack('BBH', cmd, 1, 0) + b''.join(attrs)
        hdr = struct.pack('IHHII', 16 + len(body), self.family, flags,
                          self.seq, 0)
        self.sock.send(hdr + body)

    def request(self, cmd, attrs, dump=False, flags=0):
        """Return [(cmd, {attr: bytes})]; raise NlError on an error ack."""
        flags |= NLM_F_REQUEST | NLM_F_ACK | (NLM_F_DUMP if dump else 0)
        self.send(cmd, attrs, flags)
        replies = []
        while True:
            data = self.sock.recv(1 << 20)
            while len(data) >= 16:
                mlen, mtype, mflags, _, _ = struct.unpack_from('IHHII', data)
                msg, data = data[16:mlen], data[(mlen + 3) & ~3:]
                if mtype == NLMSG_DONE:
                    return replies
                if mtype == NLMSG_ERROR:
                    err = struct.unpack_from('i', msg)[0]
                    if err == 0:
                        return replies
                    text = ''
                    if mflags & NLM_F_ACK_TLVS:
                        olen = struct.unpack_from('I', msg, 4)[0]
                        tlvs = parse(msg[4 + olen:] if olen <= len(msg) else b'')
                        if NLMSGERR_ATTR_MSG in tlvs:
                            text = tlvs[NLMSGERR_ATTR_MSG].rstrip(b'\0').decode()
                    raise NlError(-err, text)
                replies.append((msg[0], parse(msg[4:])))

    def recv_event(self):
        data = self.sock.recv(1 << 17)
        mlen = struct.unpack_from('I', data)[0]
        msg = data[16:mlen]
        return msg[0], parse(msg[4:])


def get_u32(a, t):
    return struct.unpack('I', a[t][:4])[0]


def get_u64(a, t):
    return struct.unpack('Q', a[t][:8])[0]


def dp_ifindex(nl, name):
    r = nl.request(CMD['DP_GET'], [string(DP_A['NAME'], name)])
    return get_u32(r[0][1], DP_A['DP_IFINDEX'])


def show_dp(a):
    stats = parse(a.get(DP_A['STATS'], b''))
    st = ' '.join('%s:%d' % (DP_STATS[k], struct.unpack('I' if k == 6 else 'Q', v[:4 if k == 6 else 8])[0])
                  for k, v in sorted(stats.items()) if k in DP_STATS)
    pids = a.get(DP_A['UPCALL_PIDS'], b'')
    pids = list(struct.unpack('%dI' % (len(pids) // 4), pids))
    print('dp %s ifindex=%d features=%d pids=%s %s' % (
        a[DP_A['NAME']].rstrip(b'\0').decode(), get_u32(a, DP_A['DP_IFINDEX']),
        get_u32(a, DP_A['USER_FEATURES']), pids, st))


def show_vport(a):
    stats = parse(a.get(VPORT_A['STATS'], b''))
    names = ['', 'rx_packets', 'rx_bytes', 'rx_errors', 'rx_dropped',
             'tx_packets', 'tx_bytes', 'tx_errors', 'tx_dropped']
    st = ' '.join('%s:%d' % (names[k], struct.unpack('Q', v[:8])[0])
                  for k, v in sorted(stats.items()) if 0 < k < len(names))
    print('port %d: %s type=%d ifindex=%d %s' % (
        get_u32(a, VPORT_A['PORT_NO']),
        a[VPORT_A['NAME']].rstrip(b'\0').decode(), get_u32(a, VPORT_A['TYPE']),
        get_u32(a, VPORT_A['IFINDEX']), st))


def port_ref(arg):
    if arg.isdigit():
        return u32(VPORT_A['PORT_NO'], int(arg))
    return string(VPORT_A['NAME'], arg)


def cmd_listen(nl, args):
    dpi = dp_ifindex(nl, args[0])
    pids = struct.pack('I', nl.portid)
    nl.request(CMD['DP_SET'], [u32(DP_A['DP_IFINDEX'], dpi),
                               attr(DP_A['UPCALL_PIDS'], pids)])
    nl.sock.settimeout(float(args[1]))
    try:
        while True:
            cmd, a = nl.recv_event()
            key = parse(a.get(PACKET_A['KEY'], b''))
            in_port = get_u32(key, KEY_A_IN_PORT) if KEY_A_IN_PORT in key else -1
            pkt = a.get(PACKET_A['PACKET'], b'')
            print('upcall cmd=%d in_port=%d len=%d key_attrs=%s frame=%s' % (
                cmd, in_port, len(pkt), sorted(key), pkt[:34].hex()),
                flush=True)
    except socket.timeout:
        pass


def main(argv):
    nl = Genl()
    cmd, args = argv[0], argv[1:]
    C, D, V = CMD, DP_A, VPORT_A
    if cmd == 'features':
        a = nl.request(C['GET_FEATURES'], [])[0][1]
        print('bitmap=%#x version=%s actions_depth=%d recirc_depth=%d' % (
            get_u64(a, 1), a[2].rstrip(b'\0').decode(), get_u32(a, 3),
            get_u32(a, 4)))
    elif cmd == 'dp-new':
        at = [string(D['NAME'], args[0])]
        if len(args) > 1:
            at.append(attr(D['UPCALL_PIDS'],
                           b''.join(struct.pack('I', int(p)) for p in args[1:])))
        show_dp(nl.request(C['DP_NEW'], at)[0][1])
    elif cmd == 'dp-del':
        nl.request(C['DP_DEL'], [string(D['NAME'], args[0])])
    elif cmd == 'dp-get':
        show_dp(nl.request(C['DP_GET'], [string(D['NAME'], args[0])])[0][1])
    elif cmd == 'dp-set':
        at = [string(D['NAME'], args[0])]
        for kv in args[1:]:
            k, v = kv.split('=')
            if k == 'pids':
                at.append(attr(D['UPCALL_PIDS'], b''.join(
                    struct.pack('I', int(p)) for p in v.split(',') if p)))
            elif k == 'features':
                at.append(u32(D['USER_FEATURES'], int(v)))
        show_dp(nl.request(C['DP_SET'], at)[0][1])
    elif cmd == 'dp-dump':
        for _, a in nl.request(C['DP_GET'], [], dump=True):
            show_dp(a)
    elif cmd == 'vport-new':
        at = [u32(V['DP_IFINDEX'], dp_ifindex(nl, args[0])),
              u32(V['TYPE'], VPORT_TYPES[args[1]]), string(V['NAME'], args[2])]
        if len(args) > 3:
            at.append(u32(V['PORT_NO'], int(args[3])))
        show_vport(nl.request(C['VPORT_NEW'], at)[0][1])
    elif cmd in ('vport-del', 'vport-get'):
        at = [u32(V['DP_IFINDEX'], dp_ifindex(nl, args[0])), port_ref(args[1])]
        r = nl.request(C['VPORT_DEL' if cmd == 'vport-del' else 'VPORT_GET'], at)
        for _, a in r:
            show_vport(a)
    elif cmd == 'vport-dump':
        for _, a in nl.request(C['VPORT_GET'],
                               [u32(V['DP_IFINDEX'], dp_ifindex(nl, args[0]))],
                               dump=True):
            show_vport(a)
    elif cmd == 'listen':
        cmd_listen(nl, args)
    elif cmd == 'hold':
        nl.request(C['DP_SET'], [u32(D['DP_IFINDEX'], dp_ifindex(nl, args[0])),
                                 attr(D['UPCALL_PIDS'], struct.pack('I', nl.portid))])
        time.sleep(float(args[1]))
    elif cmd == 'execute':
        acts = [u32(ACTION_A_OUTPUT, int(p)) for p in args[3:]]
        nl.request(C['PACKET_EXECUTE'], [
            u32(PACKET_A['DP_IFINDEX'], dp_ifindex(nl, args[0])),
            attr(PACKET_A['PACKET'], bytes.fromhex(args[2])),
            nest(PACKET_A['KEY'], [u32(KEY_A_IN_PORT, int(args[1]))]),
            nest(PACKET_A['ACTIONS'], acts)])
    elif cmd == 'flow-exec':
        how = args[5] if len(args) > 5 else ''
        at = [u32(FLOW_A['DP_IFINDEX'], dp_ifindex(nl, args[0])),
              attr(FLOW_A['UFID'], bytes.fromhex(args[4])),
              nest(FLOW_A['KEY'], [u32(KEY_A_IN_PORT, int(args[1]))]),
              nest(FLOW_A['ACTIONS'], [u32(ACTION_A_OUTPUT, int(args[3]))]),
              attr(FLOW_A['PACKET'], bytes.fromhex(args[2]))]
        if how != 'nokey':
            at.append(nest(FLOW_A['PACKET_KEY'],
                           [u32(KEY_A_IN_PORT, int(args[1]))]))
        if how == 'set':
            nl.request(C['FLOW_SET'], at)
        else:
            nl.request(C['FLOW_NEW'], at, flags=NLM_F_CREATE | NLM_F_EXCL)
    elif cmd == 'raw':
        nl.request(int(args[0]), [bytes.fromhex(args[1]) if len(args) > 1 else b''])
    else:
        print(__doc__, file=sys.stderr)
        return 2
    return 0


if __name__ == '__main__':
    try:
        sys.exit(main(sys.argv[1:]))
    except NlError as e:
        print('error: %s: %s' % (os.strerror(e.errno), e.msg))
        sys.exit(1)
