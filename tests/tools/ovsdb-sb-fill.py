#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""ovsdb-sb-fill SOCKET N: inserts one Datapath_Binding and N Logical_Flow
rows into the OVN Southbound database served on the unix socket SOCKET,
in one transaction (too big for ovsdb-client's command line). For
measuring weft's OVSDB client (docs/ovn.md): weft-ovsdb-dump --count."""
import json
import socket
import sys


def main():
    path, n = sys.argv[1], int(sys.argv[2])
    ops = ["OVN_Southbound",
           {"op": "insert", "table": "Datapath_Binding",
            "row": {"tunnel_key": 1}, "uuid-name": "dp"}]
    for i in range(n):
        ops.append({"op": "insert", "table": "Logical_Flow", "row": {
            "logical_datapath": ["named-uuid", "dp"],
            "pipeline": "ingress" if i % 2 else "egress",
            "table_id": i % 27, "priority": i % 65536,
            "match": 'inport == "p%d" && ip4.dst == 10.%d.%d.%d && '
                     'tcp.dst == %d' % (i, i >> 16 & 255, i >> 8 & 255,
                                        i & 255, i % 65536),
            "actions": "reg0[%d] = 1; next;" % (i % 32),
            "external_ids": ["map", [["stage-name", "ls_in_acl"],
                                     ["source", "northd.c:%d" % i]]]}})
    s = socket.socket(socket.AF_UNIX)
    s.connect(path)
    s.sendall(json.dumps({"id": 1, "method": "transact",
                          "params": ops}).encode())
    buf, dec = b"", json.JSONDecoder()
    while True:
        d = s.recv(1 << 20)
        if not d:
            sys.exit("ovsdb-sb-fill: connection closed")
        buf += d
        try:
            reply, _ = dec.raw_decode(buf.decode())
            break
        except ValueError:
            continue
    errors = [r for r in reply.get("result") or [] if r and "error" in r]
    if reply.get("error") or errors:
        sys.exit("ovsdb-sb-fill: %s" % (reply.get("error") or errors[0]))


if __name__ == "__main__":
    main()
