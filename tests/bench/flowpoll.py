#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""flowpoll.py KIND DP TARGET DONE_FILE READY_FILE SENDER

The setup-rate trials' clock (bench_agent.sh): polls the flow count of
datapath DP every 10 ms over generic netlink, KIND "o" for openvswitch.ko
(family ovs_datapath) or "w" for weft.ko (family weft), and prints
"FLOWS LAST_CHANGE FIRST_TX FLOWS_AT_FIRST_TX" when FLOWS reaches TARGET,
or when it has not changed for a second once DONE_FILE exists (the
traffic has ended). Times are seconds since the epoch, as `date +%s.%N`
says.

FIRST_TX is the first poll at which the network device SENDER (pktgen's)
had sent a frame since this process started, and FLOWS_AT_FIRST_TX the
flow count then: the trial's clock starts there, not when the shell asked
pktgen to start. Between the two, pktgen's control files sleep (125 ms for
rem_device_all) and its thread notices "start" on its next wakeup (up to
100 ms): a constant plus a random delay that were neither system's work.

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

INTERVAL = 0.01
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


def tx_counter(dev):
    """A function that reads DEV's frames sent (and refused) so far."""
    base = '/sys/class/net/%s/statistics/' % dev
    files = [open(base + name, 'rb', buffering=0)
             for name in ('tx_packets', 'tx_dropped')]

    def read():
        total = 0
        for f in files:
            f.seek(0)
            total += int(f.read())
        return total
    return read


def main():
    kind, dp, target, done_file, ready_file, sender = sys.argv[1:7]
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

    sent = tx_counter(sender)
    tx0 = sent()
    last, t_last = flows(), time.time()
    t_first, f_first = None, 0
    open(ready_file, 'w').close()
    while last < target:
        time.sleep(INTERVAL)
        n, now = flows(), time.time()
        if t_first is None and sent() != tx0:
            t_first, f_first = now, n
        if n != last:
            last, t_last = n, now
        elif os.path.exists(done_file) and now - t_last >= STABLE:
            break
    if t_first is None:
        t_first, f_first = t_last, last
    print(last, '%.6f' % t_last, '%.6f' % t_first, f_first)


if __name__ == '__main__':
    main()
