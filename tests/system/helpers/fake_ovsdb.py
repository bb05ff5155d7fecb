#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""A hostile "OVSDB server" for test_ovn_badinput: listens on a unix
socket and answers each connection with the next misbehaviour of MODES
(comma-separated, cycled):

  garbage    bytes that are no JSON at all
  half       the first half of a get_schema reply, then close
  huge       a 4 MB JSON string as the get_schema result
  nonsense   the real schema (SCHEMA), then 42 as the reply to the
             next request and a notification with bad params
  deep       an array nested 100,000 deep
  wrongdb    the schema of another database (OVN_Northbound's name)
  stranger   replies to ids never asked, then an error reply

It writes one line per connection to LOG ("N MODE") so the test can
follow how far the client went.

Usage: fake_ovsdb.py SOCKET SCHEMA LOG MODES
"""
import json
import os
import socket
import sys


def read_request(conn, buf):
    """One JSON text from the client (weftd sends whole texts)."""
    dec = json.JSONDecoder()
    while True:
        try:
            text = buf.decode()
            obj, end = dec.raw_decode(text.lstrip())
            rest = text.lstrip()[end:].encode()
            return obj, rest
        except (ValueError, UnicodeDecodeError):
            pass
        data = conn.recv(65536)
        if not data:
            return None, b""
        buf += data


def serve(conn, mode, schema):
    req, rest = read_request(conn, b"")
    if req is None:
        return
    rid = req.get("id")
    if mode == "garbage":
        conn.sendall(b"}{ this is not JSON \x00\xff\xfe ]]]")
    elif mode == "half":
        reply = json.dumps({"id": rid, "result": schema, "error": None})
        conn.sendall(reply[: len(reply) // 2].encode())
        return
    elif mode == "huge":
        conn.sendall(b'{"id":%s,"error":null,"result":"' % json.dumps(rid).encode())
        chunk = b"x" * (1 << 20)
        for _ in range(4):
            conn.sendall(chunk)
        conn.sendall(b'"}')
    elif mode == "nonsense":
        conn.sendall(json.dumps({"id": rid, "result": schema,
                                 "error": None}).encode())
        req, rest = read_request(conn, rest)
        if req is None:
            return
        conn.sendall(json.dumps({"id": None, "method": "update3",
                                 "params": "bad"}).encode())
        conn.sendall(json.dumps({"id": req.get("id"), "result": 42,
                                 "error": None}).encode())
    elif mode == "deep":
        conn.sendall(b"[" * 100000 + b"]" * 100000)
    elif mode == "wrongdb":
        other = dict(schema, name="OVN_Northbound")
        conn.sendall(json.dumps({"id": rid, "result": other,
                                 "error": None}).encode())
    elif mode == "stranger":
        conn.sendall(json.dumps({"id": 12345, "result": {},
                                 "error": None}).encode())
        conn.sendall(json.dumps({"id": rid, "result": None,
                                 "error": "unknown database"}).encode())
    # Whatever the client says next, the server is gone.
    conn.settimeout(3)
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def main():
    path, schema_path, log, modes = sys.argv[1:5]
    modes = modes.split(",")
    with open(schema_path) as f:
        schema = json.load(f)
    try:
        os.unlink(path)
    except FileNotFoundError:
        pass
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(4)
    n = 0
    while True:
        conn, _ = srv.accept()
        mode = modes[n % len(modes)]
        n += 1
        with open(log, "a") as f:
            f.write("%d %s\n" % (n, mode))
        try:
            serve(conn, mode, schema)
        except OSError:
            pass
        conn.close()


if __name__ == "__main__":
    main()
