#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""Issue 8's synthetic OVN deployment, as one NB transaction.

    ovn_synth.py nb SOCKET SWITCHES PORTS ROUTERS ACLS
        sends one OVSDB "transact" to the NB ovsdb-server on unix SOCKET: SWITCHES
        logical switches (ls0..) with PORTS ports in all (lsN-pM, each
        with a MAC and an IPv4 address), ROUTERS routers, router k
        joining switches 2k and 2k+1, address sets and port groups,
        and ACLS ACLs on the port groups that use them.
    ovn_synth.py sb SOCKET SWITCHES PORTS CHASSIS LOCAL
        adds CHASSIS fake chassis (ch0.., a geneve Encap each, as
        `ovn-sbctl chassis-add` makes them) to the SB on unix SOCKET and
        binds every port to one of them, except LOCAL ports left for
        the chassis under test, whose names it prints one per line.

A one-shot transaction makes the NB side cheap: ovn-nbctl would need a
process and a round trip per command, and the request (about 1 MB) is
too long for ovsdb-client's command line. The same goes for the SB:
one ovn-sbctl binding 5,000 ports takes minutes. Ports are spread evenly; the
local ports are the first ports of the first LOCAL/5 switches, so that
the node under test has a realistic set of local datapaths (its
switches, their routers, and the switches behind those routers).
"""
import json
import socket
import sys


def mac(s, p):
    return "0a:%02x:%02x:%02x:%02x:%02x" % (
        (s >> 8) & 0xff, s & 0xff, (p >> 16) & 0xff, (p >> 8) & 0xff, p & 0xff)


def ip(s, p):
    # 10.S_hi.S_lo.x for small topologies; p < 250 per switch.
    return "10.%d.%d.%d" % (s >> 8, s & 0xff, 10 + p)


def per_switch(n_switches, n_ports):
    return [n_ports // n_switches + (1 if s < n_ports % n_switches else 0)
            for s in range(n_switches)]


def nb(n_switches, n_ports, n_routers, n_acls):
    ops = []
    counts = per_switch(n_switches, n_ports)
    ports = []                      # (switch, index, name)
    for s in range(n_switches):
        names = []
        for p in range(counts[s]):
            name = "ls%d-p%d" % (s, p)
            uid = "lsp_%d_%d" % (s, p)
            ops.append({"op": "insert", "table": "Logical_Switch_Port",
                        "uuid-name": uid,
                        "row": {"name": name,
                                "addresses": "%s %s" % (mac(s, p), ip(s, p))}})
            names.append(["named-uuid", uid])
            ports.append((s, p, name, uid))
        if s // 2 < n_routers:
            uid = "lsp_%d_r" % s
            ops.append({"op": "insert", "table": "Logical_Switch_Port",
                        "uuid-name": uid,
                        "row": {"name": "ls%d-lr" % s, "type": "router",
                                "addresses": "router",
                                "options": ["map", [["router-port",
                                                     "lr%d-ls%d" % (s // 2, s)]]]}})
            names.append(["named-uuid", uid])
        ops.append({"op": "insert", "table": "Logical_Switch",
                    "uuid-name": "ls_%d" % s,
                    "row": {"name": "ls%d" % s,
                            "ports": ["set", names],
                            "other_config": ["map", [["subnet", "10.%d.%d.0/24" % (s >> 8, s & 0xff)]]]}})
    for r in range(n_routers):
        lrps = []
        for s in (2 * r, 2 * r + 1):
            if s >= n_switches:
                continue
            uid = "lrp_%d_%d" % (r, s)
            ops.append({"op": "insert", "table": "Logical_Router_Port",
                        "uuid-name": uid,
                        "row": {"name": "lr%d-ls%d" % (r, s),
                                "mac": mac(s, 0xffff),
                                "networks": "10.%d.%d.1/24" % (s >> 8, s & 0xff)}})
            lrps.append(["named-uuid", uid])
        ops.append({"op": "insert", "table": "Logical_Router",
                    "row": {"name": "lr%d" % r, "ports": ["set", lrps]}})
    # Address sets: 20 addresses each, from a sliding window of ports.
    n_sets = max(1, n_acls // 10)
    for a in range(n_sets):
        addrs = [ip(ports[(a * 7 + k) % len(ports)][0],
                    ports[(a * 7 + k) % len(ports)][1]) for k in range(20)]
        ops.append({"op": "insert", "table": "Address_Set",
                    "row": {"name": "as%d" % a,
                            "addresses": ["set", addrs]}})
    # Port groups: 10 ports each, and ACLS ACLs spread over them.
    n_groups = n_sets
    acls_of = [[] for _ in range(n_groups)]
    for i in range(n_acls):
        g = i % n_groups
        a = (i // n_groups + g) % n_sets
        uid = "acl_%d" % i
        if i % 5 == 4:
            row = {"direction": "to-lport", "priority": 1000 + i % 100,
                   "match": "outport == @pg%d && ip4.src == $as%d && tcp.dst == %d"
                   % (g, a, 1000 + i), "action": "drop"}
        else:
            row = {"direction": "to-lport" if i % 2 else "from-lport",
                   "priority": 1000 + i % 100,
                   "match": "%s == @pg%d && ip4.%s == $as%d && tcp.dst == %d"
                   % ("outport" if i % 2 else "inport", g,
                      "src" if i % 2 else "dst", a, 1000 + i),
                   "action": "allow-related"}
        ops.append({"op": "insert", "table": "ACL", "uuid-name": uid,
                    "row": row})
        acls_of[g].append(["named-uuid", uid])
    for g in range(n_groups):
        members = [["named-uuid", ports[(g * 13 + k) % len(ports)][3]]
                   for k in range(10)]
        ops.append({"op": "insert", "table": "Port_Group",
                    "row": {"name": "pg%d" % g,
                            "ports": ["set", members],
                            "acls": ["set", acls_of[g]]}})
    return ["OVN_Northbound"] + ops


def sb(n_switches, n_ports, n_chassis, n_local):
    counts = per_switch(n_switches, n_ports)
    per = 5
    local = []
    for s in range((n_local + per - 1) // per):
        for p in range(min(per, counts[s], n_local - len(local))):
            local.append("ls%d-p%d" % (s, p))
    ops = []
    for c in range(n_chassis):
        ops.append({"op": "insert", "table": "Encap",
                    "uuid-name": "encap%d" % c,
                    "row": {"type": "geneve", "chassis_name": "ch%d" % c,
                            "ip": "192.168.%d.%d" % (c // 200, c % 200 + 10),
                            "options": ["map", [["csum", "true"]]]}})
        ops.append({"op": "insert", "table": "Chassis",
                    "uuid-name": "ch%d" % c,
                    "row": {"name": "ch%d" % c, "hostname": "ch%d" % c,
                            "encaps": ["named-uuid", "encap%d" % c]}})
    i = 0
    for s in range(n_switches):
        for p in range(counts[s]):
            name = "ls%d-p%d" % (s, p)
            if name in local:
                continue
            ops.append({"op": "update", "table": "Port_Binding",
                        "where": [["logical_port", "==", name]],
                        "row": {"chassis": ["named-uuid",
                                            "ch%d" % (i % n_chassis)]}})
            i += 1
    return ["OVN_Southbound"] + ops, local


def transact(path, params):
    """Sends one request; exits with the server's error, if any."""
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(path)
    s.sendall(json.dumps({"method": "transact", "id": 1,
                          "params": params}).encode())
    dec = json.JSONDecoder()
    buf = ""
    while True:
        chunk = s.recv(1 << 16)
        if not chunk:
            sys.exit("ovn_synth: the server closed the connection")
        buf += chunk.decode()
        try:
            msg, _ = dec.raw_decode(buf)
        except ValueError:
            continue
        if msg.get("id") != 1:          # an echo or a notification
            buf = ""
            continue
        break
    errs = [r for r in (msg.get("result") or []) if r and "error" in r]
    if msg.get("error") or errs:
        sys.exit("ovn_synth: transaction failed: %s" %
                 json.dumps(msg.get("error") or errs[:3]))


def main():
    if len(sys.argv) == 7 and sys.argv[1] == "nb":
        transact(sys.argv[2], nb(*map(int, sys.argv[3:])))
    elif len(sys.argv) == 7 and sys.argv[1] == "sb":
        params, local = sb(*map(int, sys.argv[3:]))
        transact(sys.argv[2], params)
        print("\n".join(local))
    else:
        sys.exit(__doc__)


if __name__ == "__main__":
    main()
