#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""flowpoll.py KIND DP TARGET DONE_FILE READY_FILE

The setup-rate trials' clock (bench_agent.sh): polls the flow count of
datapath DP every 20 ms over generic netlink, KIND "o" for openvswitch.ko
(family ovs_datapath) or "w" for weft.ko (family weft), and prints
"FLOWS LAST_CHANGE" (LAST_CHANGE in seconds since the epoch, as `date
+%s.%N` says) when FLOWS reaches TARGET, or when it has not changed for a
second once DONE_FILE exists (the traffic has ended).

One process for the whole trial, asking the kernel directly, the same way
for both systems: the shell loop it replaces ran ovs-dpctl (which made the
kernel start modprobe each time, ~20 ms of guest CPU a poll) or weft-dpctl
plus sed and head every 50 ms, work that competed with the daemon it was
timing, and far more for OVS than for weft.
"""
import os
import socket
import struct
import sys
import time

NETLINK_GENERIC = 16
GENL_ID_CTRL = 0x10
CTRL_CMD_GETFAMILY = 3
CTRL_ATTR_FAMILY_ID = 1
CTRL_ATTR_FAMILY_NAME = 2
NLM_F_REQUEST = 1
NLMSG_ERROR = 2

# openvswitch.ko: OVS_DP_CMD_GET, OVS_DP_ATTR_NAME, OVS_DP_ATTR_STATS
# (struct ovs_dp_stats: n_hit, n_missed, n_lost, n_flows), after a 4-byte
# struct ovs_header.
OVS = dict(family='ovs_datapath', version=2, cmd=3, name=1, stats=3)
# weft.ko (uapi/linux/weft.h): WEFT_CMD_DP_GET, WEFT_DP_A_NAME,
# WEFT_DP_A_STATS (nest: WEFT_DP_STATS_A_LOST 3, WEFT_DP_STATS_A_FLOWS 4).
WEFT = dict(family='weft', version=1, cmd=4, name=1, stats=4)

INTERVAL = 0.02
STABLE = 1.0


def attrs(buf):
    off = 0
    while off + 4 <= len(buf):
        alen, atype = struct.unpack_from('HH', buf, off)
        if alen < 4 or off + alen > len(buf):
            break
        yield atype & 0x3fff, buf[off + 4:off + alen]
        off += (alen + 3) & ~3


def attr(atype, payload):
    alen = 4 + len(payload)
    return struct.pack('HH', alen, atype) + payload + b'\0' * (-alen % 4)


class Genl:
    def __init__(self):
        self.sock = socket.socket(socket.AF_NETLINK, socket.SOCK_RAW,
                                  NETLINK_GENERIC)
        self.sock.bind((0, 0))
        self.seq = 0

    def request(self, family, cmd, version, payload):
        """The payload of the reply (after the genl header)."""
        self.seq += 1
        body = struct.pack('BBH', cmd, version, 0) + payload
        self.sock.send(struct.pack('IHHII', 16 + len(body), family,
                                   NLM_F_REQUEST, self.seq, 0) + body)
        while True:
            data = self.sock.recv(65536)
            off = 0
            while off + 16 <= len(data):
                mlen, mtype, _, seq, _ = struct.unpack_from('IHHII', data, off)
                if mlen < 16:
                    break
                if seq == self.seq:
                    if mtype == NLMSG_ERROR:
                        err = struct.unpack_from('i', data, off + 16)[0]
                        raise OSError(-err, os.strerror(-err))
                    return data[off + 20:off + mlen]
                off += (mlen + 3) & ~3

    def family(self, name):
        reply = self.request(GENL_ID_CTRL, CTRL_CMD_GETFAMILY, 1,
                             attr(CTRL_ATTR_FAMILY_NAME,
                                  name.encode() + b'\0'))
        for atype, val in attrs(reply):
            if atype == CTRL_ATTR_FAMILY_ID:
                return struct.unpack('H', val[:2])[0]
        raise OSError(0, 'no family id for ' + name)


def main():
    kind, dp, target, done_file, ready_file = sys.argv[1:6]
    target = int(target)
    spec = OVS if kind == 'o' else WEFT
    nl = Genl()
    fam = nl.family(spec['family'])
    req = attr(spec['name'], dp.encode() + b'\0')
    if kind == 'o':
        req = struct.pack('i', 0) + req

    def flows():
        reply = nl.request(fam, spec['cmd'], spec['version'], req)
        if kind == 'o':
            reply = reply[4:]
        for atype, val in attrs(reply):
            if atype != spec['stats']:
                continue
            if kind == 'o':
                return struct.unpack_from('QQQQ', val)[3]
            for stype, sval in attrs(val):
                if stype == 4:
                    return struct.unpack('Q', sval[:8])[0]
        raise OSError(0, 'no flow count in the reply')

    last, t_last = flows(), time.time()
    open(ready_file, 'w').close()
    while last < target:
        time.sleep(INTERVAL)
        n, now = flows(), time.time()
        if n != last:
            last, t_last = n, now
        elif os.path.exists(done_file) and now - t_last >= STABLE:
            break
    print(last, '%.6f' % t_last)


if __name__ == '__main__':
    main()
