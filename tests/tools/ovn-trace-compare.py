#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ovn-trace-compare.py: ovn-trace as the oracle for weft's compiled OVN
pipeline (docs/ovn-trace-oracle.md).

For every packet of CASES it asks two programs what becomes of it:

  the oracle   ovn-trace --minimal against the SB: the logical ports the
               packet leaves by, each with the header rewrites on the way
               (or none: a drop);
  weft         weftd's ofproto/trace (what weft-trace --format json
               prints) through the chassis' br-int: the datapath actions,
               run pass after pass through each ct(...),recirc(ID) with
               the conntrack state the oracle was told to assume.

The datapath actions are read back into logical terms: an output to a
local VIF is its iface-id; an output to a tunnel is the remote port (or
multicast group's ports on that chassis) named by the VNI (datapath key),
the GENEVE option's egress key and the tunnel's destination; userspace()
is the controller. The verdicts must be equal: the same set of ports,
and for each the same values of the compared header fields.

Usage: ovn-trace-compare.py --sb SOCK --weft SOCK --state DIR CASES
  SOCK    the SB database's and weftd's unix sockets
  DIR     what the test saved: ports.txt (lines "LSP IFACE OFPORT": the
          chassis' VIFs), dpctl-show.txt (weft-dpctl show: datapath port
          numbers and types), sb-TABLE.json (ovn-sbctl --format=json list
          TABLE, for Chassis, Encap, Datapath_Binding, Port_Binding and
          Multicast_Group)
  CASES   one packet a line: NAME INPORT CT FLOW [LB_DST]
          CT is new or est (the state every conntrack lookup reports),
          FLOW the packet in ovs-ofctl syntax without in_port, LB_DST the
          backend ovn-trace is told to pick (--lb-dst), "weft" to take the
          one weft's group picked.
Prints one line per packet and every mismatch in full; exits 1 on any.
"""
import argparse
import json
import re
import socket
import subprocess
import sys
from concurrent.futures import ThreadPoolExecutor

# ovs-ofctl field <-> OVN logical field, for the fields both sides see.
FIELDS = [
    ('dl_src', 'eth.src'), ('dl_dst', 'eth.dst'),
    ('nw_src', 'ip4.src'), ('nw_dst', 'ip4.dst'),
    ('ipv6_src', 'ip6.src'), ('ipv6_dst', 'ip6.dst'),
    ('nw_ttl', 'ip.ttl'),
    ('arp_op', 'arp.op'), ('arp_sha', 'arp.sha'), ('arp_tha', 'arp.tha'),
    ('arp_spa', 'arp.spa'), ('arp_tpa', 'arp.tpa'),
    ('nd_target', 'nd.target'), ('nd_sll', 'nd.sll'), ('nd_tll', 'nd.tll'),
]
OF2OVN = dict(FIELDS)
OVN2OF = {v: k for k, v in FIELDS}
# Per protocol: the L4 fields' OVN names.
L4 = {
    'tcp': {'tp_src': 'tcp.src', 'tp_dst': 'tcp.dst'},
    'udp': {'tp_src': 'udp.src', 'tp_dst': 'udp.dst'},
    'icmp': {'icmp_type': 'icmp4.type', 'icmp_code': 'icmp4.code'},
    'icmp6': {'icmp_type': 'icmp6.type', 'icmp_code': 'icmp6.code'},
    'tcp6': {'tp_src': 'tcp.src', 'tp_dst': 'tcp.dst'},
    'udp6': {'tp_src': 'udp.src', 'tp_dst': 'udp.dst'},
}
PROTO_OVN = {'ip': 'ip4', 'ipv6': 'ip6', 'icmp': 'icmp4', 'icmp6': 'icmp6',
             'tcp': 'ip4 && tcp', 'udp': 'ip4 && udp', 'tcp6': 'ip6 && tcp',
             'udp6': 'ip6 && udp', 'arp': 'arp'}
# Actions that make a new packet in ovn-controller (pinctrl here): what
# they output is the controller's doing, not the pipeline's.
# pinctrl's opcodes that make no packet: put_arp, put_nd, put_fdb,
# handle_svc_check, trigger_event.
LEARNING_OPS = {10, 11, 12, 14, 15}
CONTROLLER_BLOCKS = ('icmp4', 'icmp6', 'icmp4_error', 'icmp6_error', 'arp',
                     'nd_ns', 'nd_na', 'nd_na_router', 'tcp_reset',
                     'reject', 'put_', 'handle_', 'trigger_event')


def norm(field, v):
    """One spelling per value: MACs and IPv6 lower case and unpadded,
    numbers as ints."""
    v = v.strip().strip('"')
    if field in ('dl_src', 'dl_dst', 'arp_sha', 'arp_tha', 'nd_sll',
                 'nd_tll'):
        return ':'.join('%02x' % int(b, 16) for b in v.split(':'))
    if field in ('ipv6_src', 'ipv6_dst', 'nd_target'):
        return socket.inet_ntop(socket.AF_INET6,
                                socket.inet_pton(socket.AF_INET6, v))
    if field in ('nw_src', 'nw_dst', 'arp_spa', 'arp_tpa'):
        return v
    return int(v, 0)


class Packet:
    """A case's packet: protocol keyword and field values (ofctl names)."""

    def __init__(self, flow):
        parts = flow.split(',')
        self.proto = parts[0]
        self.fields = {}
        for p in parts[1:]:
            k, v = p.split('=', 1)
            self.fields[k] = norm(k, v)

    def of_flow(self, fields, in_port):
        proto = {'tcp6': 'tcp6', 'udp6': 'udp6'}.get(self.proto, self.proto)
        s = ['%s,in_port=%d' % (proto, in_port)]
        for k, v in fields.items():
            s.append('%s=%s' % (k, v))
        return ','.join(s)

    def ovn_microflow(self, inport):
        s = ['inport == "%s"' % inport, PROTO_OVN[self.proto]]
        l4 = L4.get(self.proto, {})
        for k, v in self.fields.items():
            name = OF2OVN.get(k) or l4.get(k)
            if not name:
                raise ValueError('no OVN name for %s' % k)
            s.append('%s == %s' % (name, v))
        return ' && '.join(s)

    def l4_names(self):
        return L4.get(self.proto, {})


# ---- the oracle ---------------------------------------------------------

def ovn_trace(args, case):
    cmd = ['ovn-trace', '--db=unix:' + args.sb, '--minimal',
           '--no-friendly-names']
    if case['ct'] == 'new':
        cmd += ['--ct=new'] * 12
    if case.get('lb_dst'):
        cmd.append('--lb-dst=' + case['lb_dst'])
    cmd += [case['pkt'].ovn_microflow(case['inport'])]
    r = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    if r.returncode:
        raise RuntimeError('ovn-trace failed: %s' % r.stderr.strip())
    return r.stdout


ASSIGN = re.compile(r'^([a-z0-9_.]+(?:\[[0-9.]+\])?) = (.*);$')
EXCHANGE = re.compile(r'^([a-z0-9_.]+) <-> ([a-z0-9_.]+);$')


def oracle_verdict(text, case):
    """The minimal trace as {port: headers}; 'controller' for packets a
    controller action makes."""
    pkt = case['pkt']
    l4 = {v: k for k, v in pkt.l4_names().items()}
    names = dict(OVN2OF, **l4)
    state = dict(pkt.fields)
    stack = []
    ctl = 0
    outs = {}
    lb = None
    if case.get('lb_dst'):
        ip, _, port = case['lb_dst'].rpartition(':')
        lb = (ip, int(port)) if ip else (case['lb_dst'], None)
    for line in text.splitlines():
        line = line.strip()
        if not line or line.startswith('#'):
            continue
        line = re.sub(r'/\*.*?\*/', '', line).strip()
        if line.endswith('{'):
            head = line[:-1].strip()
            stack.append((dict(state), ctl))
            if head.startswith(CONTROLLER_BLOCKS):
                ctl += 1
            elif head.startswith('ct_lb') and lb:
                # ovn-trace's ct_lb with --lb-dst rewrites the
                # destination without printing it (execute_ct_lb).
                state['nw_dst' if '.' in lb[0] else 'ipv6_dst'] = \
                    norm('nw_dst' if '.' in lb[0] else 'ipv6_dst', lb[0])
                if lb[1]:
                    state['tp_dst'] = lb[1]
            continue
        if line == '};':
            state, ctl = stack.pop()
            continue
        m = re.match(r'^output\("([^"]+)"\);$', line)
        if m:
            key = 'controller' if ctl else m.group(1)
            outs[key] = {} if ctl else dict(state)
            continue
        if line == 'ip.ttl--;':
            state['nw_ttl'] = state.get('nw_ttl', 0) - 1
            continue
        m = EXCHANGE.match(line)
        if m and m.group(1) in names and m.group(2) in names:
            a, b = names[m.group(1)], names[m.group(2)]
            state[a], state[b] = state.get(b), state.get(a)
            continue
        m = ASSIGN.match(line)
        if m:
            f = names.get(m.group(1))
            if f is None:
                continue        # registers, flags, logical ports
            v = m.group(2)
            if v in names:
                state[f] = state.get(names[v])
            else:
                state[f] = norm(f, v)
            continue
        # ct_next(...); ct_commit; drop; and other lines with no effect on
        # the verdict.
    return outs


# ---- weft --------------------------------------------------------------

class Weft:
    def __init__(self, path, bridge):
        self.path = path
        self.bridge = bridge
        self.id = 0

    def trace(self, flow):
        self.id += 1
        req = {'jsonrpc': '2.0', 'id': self.id, 'method': 'ofproto/trace',
               'params': {'bridge': self.bridge, 'flow': flow,
                          'format': 'json'}}
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.settimeout(60)
        s.connect(self.path)
        s.sendall(json.dumps(req).encode())
        buf = b''
        dec = json.JSONDecoder()
        while True:
            b = s.recv(1 << 16)
            if not b:
                raise RuntimeError('weftd closed the connection')
            buf += b
            try:
                msg, _ = dec.raw_decode(buf.decode())
                break
            except ValueError:
                continue
        s.close()
        if msg.get('error'):
            raise RuntimeError('ofproto/trace %s: %s' % (flow, msg['error']))
        return msg['result']['trace']


def split_top(s, sep=','):
    """Split S at SEP outside parentheses and braces."""
    out, depth, cur = [], 0, ''
    for c in s:
        if c in '({':
            depth += 1
        elif c in ')}':
            depth -= 1
        if c == sep and depth == 0:
            out.append(cur)
            cur = ''
        else:
            cur += c
    if cur:
        out.append(cur)
    return out


def kv(s):
    d = {}
    for p in split_top(s):
        m = re.match(r'^(\w+)\((.*)\)$', p.strip())
        if m:
            d[m.group(1)] = m.group(2)
        elif '=' in p:
            k, v = p.split('=', 1)
            d[k.strip()] = v.strip()
        else:
            d[p.strip()] = ''
    return d


SET_FIELDS = {
    'eth': {'src': 'dl_src', 'dst': 'dl_dst'},
    'ipv4': {'src': 'nw_src', 'dst': 'nw_dst', 'ttl': 'nw_ttl'},
    'ipv6': {'src': 'ipv6_src', 'dst': 'ipv6_dst', 'hlimit': 'nw_ttl'},
    'tcp': {'src': 'tp_src', 'dst': 'tp_dst'},
    'udp': {'src': 'tp_src', 'dst': 'tp_dst'},
    'icmp': {'type': 'icmp_type', 'code': 'icmp_code'},
    'icmpv6': {'type': 'icmp_type', 'code': 'icmp_code'},
    'arp': {'sip': 'arp_spa', 'tip': 'arp_tpa', 'op': 'arp_op',
            'sha': 'arp_sha', 'tha': 'arp_tha'},
    'nd': {'target': 'nd_target', 'sll': 'nd_sll', 'tll': 'nd_tll'},
}


def apply_set(state, attr, tun):
    m = re.match(r'^(\w+)\((.*)\)$', attr)
    name, body = m.group(1), m.group(2)
    if name == 'tunnel':
        tun.clear()
        tun.update(kv(body))
        return
    fields = SET_FIELDS.get(name)
    if fields is None:
        return
    for k, v in kv(body).items():
        if k in fields:
            f = fields[k]
            state[f] = norm(f, v.split('/')[0])


class WeftRun:
    """One packet through weft: every pass, every output."""

    def __init__(self, args, maps, case):
        self.a, self.m, self.case = args, maps, case
        self.outs = {}
        self.traces = []
        self.lb_pick = None
        self.errors = []

    def run(self, weft):
        pkt = self.case['pkt']
        in_port = self.m['ofport'][self.case['inport']]
        queue = [(dict(pkt.fields), '')]
        passes = 0
        while queue:
            fields, extra = queue.pop(0)
            passes += 1
            if passes > 16:
                self.errors.append('more than 16 passes')
                break
            flow = pkt.of_flow(fields, in_port) + extra
            t = weft.trace(flow)
            self.traces.append((flow, t.get('datapath_actions'),
                                t.get('error')))
            if t.get('error'):
                self.errors.append(t['error'])
            self.steps = json.dumps(t.get('steps', []))
            self.actions(t.get('datapath_actions', ''), dict(fields),
                         queue)

    def actions(self, text, state, queue, tun=None):
        tun = {} if tun is None else tun
        acts = split_top(text)
        i = 0
        while i < len(acts):
            a = acts[i].strip()
            i += 1
            if a in ('', 'drop'):
                continue
            if a.startswith('set('):
                apply_set(state, a[4:-1], tun)
            elif a.startswith('ct('):
                nat = re.search(r'nat\((src|dst)=([^,:)]+)(?::(\d+))?',
                                a)
                nxt = dict(state)
                flags = '+trk+new' if self.case['ct'] == 'new' \
                    else '+trk+est'
                if nat:
                    ipf = ('nw_' if '.' in nat.group(2) else 'ipv6_') + \
                        nat.group(1)
                    nxt[ipf] = norm(ipf, nat.group(2))
                    if nat.group(3):
                        nxt['tp_' + nat.group(1)] = int(nat.group(3))
                    flags += '+' + nat.group(1)[0] + 'nat'
                    if nat.group(1) == 'dst':
                        self.lb_pick = nat.group(2) + \
                            (':' + nat.group(3) if nat.group(3) else '')
                if i < len(acts) and acts[i].startswith('recirc('):
                    rid = int(acts[i][7:-1], 0)
                    i += 1
                    queue.append((nxt, ',recirc_id=%#x,ct_state=%s' %
                                  (rid, flags)))
            elif a.startswith('recirc('):
                self.errors.append('recirc without ct: ' + a)
            elif a.startswith('userspace('):
                # Which of pinctrl's actions (include/weft/ovn_pinctrl.h):
                # one that makes a packet is the controller's output;
                # learning (put_arp, put_nd, put_fdb) and counting ones
                # make none, and ovn-trace runs them as no-ops.
                ops = set(int(o, 16) for o in re.findall(
                    r'controller\(userdata=a7\.([0-9a-f]{2})', self.steps))
                if not ops or ops - LEARNING_OPS:
                    self.outs['controller'] = {}
            elif a.startswith('clone('):
                self.actions(a[6:-1], dict(state), queue, dict(tun))
            elif re.match(r'^\d+$', a):
                self.output(int(a), state, tun)
            elif a == 'ct_clear':
                continue
            elif a.startswith(('push_vlan', 'pop_vlan', 'hash(', 'trunc(')):
                self.errors.append('unexpected action ' + a)
            else:
                self.errors.append('unknown action ' + a)

    def output(self, port, state, tun):
        if port in self.m['tunnel_ports']:
            for lp in self.remote_ports(tun):
                self.outs[lp] = dict(state)
            return
        lp = self.m['dpport'].get(str(port))
        if lp is None:
            self.errors.append('output to datapath port %d: no logical '
                               'port' % port)
            return
        self.outs[lp] = dict(state)

    def remote_ports(self, tun):
        sb = self.m['sbi']
        vni = int(tun.get('tun_id', '0'), 0)
        dst = tun.get('dst', tun.get('ipv6_dst', ''))
        opt = re.search(r'class=0x102,type=0x80,len=4,(0x[0-9a-f]+)',
                        tun.get('geneve', ''))
        if not opt:
            self.errors.append('tunnel without OVN option: %r' % tun)
            return []
        eg = int(opt.group(1), 16) & 0xffff
        chassis = sb['encap_chassis'].get(dst)
        dp = sb['dp_by_key'].get(vni)
        if dp is None or chassis is None:
            self.errors.append('tunnel to %s vni %d: unknown chassis or '
                               'datapath' % (dst, vni))
            return []
        if eg < 32768:
            lp = sb['port_by_key'].get((dp, eg))
            return [lp] if lp else []
        return [p for p in sb['mc_ports'].get((dp, eg), [])
                if sb['port_chassis'].get(p) == chassis]


# ---- the SB, from ovn-sbctl --format=json list --------------------------

def rows(table):
    h = table['headings']
    return [dict(zip(h, r)) for r in table['data']]


def uuid_of(v):
    return v[1] if isinstance(v, list) and v[0] == 'uuid' else v


def set_of(v):
    if isinstance(v, list) and v[0] == 'set':
        return v[1]
    return [v]


def index_sb(sb):
    chassis = {uuid_of(c['_uuid']): c['name'] for c in rows(sb['Chassis'])}
    encap_chassis = {e['ip']: e['chassis_name'] for e in rows(sb['Encap'])}
    dp_by_key = {d['tunnel_key']: uuid_of(d['_uuid'])
                 for d in rows(sb['Datapath_Binding'])}
    port_by_uuid, port_by_key, port_chassis = {}, {}, {}
    for p in rows(sb['Port_Binding']):
        port_by_uuid[uuid_of(p['_uuid'])] = p['logical_port']
        port_by_key[(uuid_of(p['datapath']), p['tunnel_key'])] = \
            p['logical_port']
        ch = set_of(p['chassis'])
        if ch:
            port_chassis[p['logical_port']] = chassis.get(uuid_of(ch[0]))
    mc_ports = {}
    for g in rows(sb['Multicast_Group']):
        mc_ports[(uuid_of(g['datapath']), g['tunnel_key'])] = \
            [port_by_uuid.get(uuid_of(u)) for u in set_of(g['ports'])]
    return {'encap_chassis': encap_chassis, 'dp_by_key': dp_by_key,
            'port_by_key': port_by_key, 'port_chassis': port_chassis,
            'mc_ports': mc_ports}


def load_state(d):
    m = {'ofport': {}, 'dpport': {}, 'tunnel_ports': set()}
    iface_lp = {}
    for line in open(d + '/ports.txt'):
        lp, iface, ofport = line.split()
        m['ofport'][lp] = int(ofport)
        iface_lp[iface] = lp
    for line in open(d + '/dpctl-show.txt'):
        r = re.match(r'^\s*port (\d+): (\S+)(?: \((\w+))?', line)
        if not r:
            continue
        if r.group(3) in ('geneve', 'vxlan'):
            m['tunnel_ports'].add(int(r.group(1)))
        elif r.group(2) in iface_lp:
            m['dpport'][r.group(1)] = iface_lp[r.group(2)]
    sb = {}
    for t in ('Chassis', 'Encap', 'Datapath_Binding', 'Port_Binding',
              'Multicast_Group'):
        sb[t] = json.load(open('%s/sb-%s.json' % (d, t)))
    m['sbi'] = index_sb(sb)
    return m


# ---- the comparison ------------------------------------------------------

def compared(pkt, headers):
    """The header fields a verdict is judged on: every field the packet
    or a rewrite set (ovn-trace's and weft's views of one packet)."""
    return {k: v for k, v in headers.items()
            if k in OF2OVN or k in pkt.l4_names()}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument('--sb', required=True)
    ap.add_argument('--weft', required=True)
    ap.add_argument('--state', required=True)
    ap.add_argument('--bridge', default='br-int')
    ap.add_argument('--jobs', type=int, default=3)
    ap.add_argument('cases')
    args = ap.parse_args()
    maps = load_state(args.state)
    weft = Weft(args.weft, args.bridge)
    cases = []
    for line in open(args.cases):
        line = line.split('#', 1)[0].split()
        if not line:
            continue
        c = {'name': line[0], 'inport': line[1], 'ct': line[2],
             'flow': line[3], 'pkt': Packet(line[3]),
             'lb_dst': line[4] if len(line) > 4 else None}
        cases.append(c)
    # weft first (its group decides an LB's backend), then the oracle's
    # processes in parallel.
    runs = []
    for c in cases:
        r = WeftRun(args, maps, c)
        try:
            r.run(weft)
        except Exception as e:          # noqa: BLE001 (reported)
            r.errors.append('weft: %s' % e)
        if c['lb_dst'] == 'weft':
            c['lb_dst'] = r.lb_pick
        runs.append(r)

    def oracle(c):
        try:
            return ovn_trace(args, c), None
        except Exception as e:          # noqa: BLE001 (reported)
            return '', str(e)

    with ThreadPoolExecutor(args.jobs) as ex:
        oracles = list(ex.map(oracle, cases))
    bad = 0
    for c, r, (text, err) in zip(cases, runs, oracles):
        want = {p: compared(c['pkt'], h)
                for p, h in oracle_verdict(text, c).items()}
        got = {p: compared(c['pkt'], h) for p, h in r.outs.items()}
        ok = not err and not r.errors and want == got
        verdict = ', '.join(sorted(want)) or 'drop'
        print('%-4s %-22s %s' % ('ok' if ok else 'FAIL', c['name'], verdict))
        if ok:
            continue
        bad += 1
        print('  packet: %s %s ct=%s lb_dst=%s' % (c['inport'], c['flow'],
                                                  c['ct'], c['lb_dst']))
        if err:
            print('  ovn-trace error: %s' % err)
        print('  ovn-trace --minimal:')
        for line in text.splitlines():
            print('    ' + line)
        print('  oracle: %s' % json.dumps(want, sort_keys=True))
        print('  weft:   %s' % json.dumps(got, sort_keys=True))
        for e in r.errors:
            print('  weft error: %s' % e)
        for flow, acts, e in r.traces:
            print('  weft-trace %s\n    -> %s%s' % (flow, acts,
                                                  ' (%s)' % e if e else ''))
    print('%d packets, %d agree, %d differ' % (len(cases),
                                              len(cases) - bad, bad))
    return 1 if bad else 0


if __name__ == '__main__':
    sys.exit(main())
