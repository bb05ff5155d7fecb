#!/usr/bin/env python3
# SPDX-License-Identifier: GPL-2.0
"""unixctl_pipe.py SOCKET: ovs-appctl as a long-lived process.

Each stdin line is a command and its arguments separated by tabs; each is
sent over one connection to the OVS daemon's unixctl SOCKET (JSON-RPC 1.0,
as ovs-appctl does) and answered on stdout by a status line ("0", or "2"
when the daemon returned an error, like ovs-appctl's exit code), the reply
text, and a line holding only the ASCII record separator (0x1e).

A test that runs hundreds of appctl commands in a TCG guest spends most of
its time starting ovs-appctl (about a second each on a loaded host); one
connection for all of them takes that away.
"""
import json
import socket
import sys

RS = '\x1e'


def main():
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    sock.connect(sys.argv[1])
    decoder = json.JSONDecoder()
    buf = ''
    seq = 0
    for line in sys.stdin:
        words = line.rstrip('\n').split('\t')
        seq += 1
        req = {'method': words[0], 'params': words[1:], 'id': seq}
        sock.sendall(json.dumps(req).encode())
        while True:
            text = buf.lstrip()
            try:
                reply, end = decoder.raw_decode(text)
            except ValueError:
                data = sock.recv(65536)
                if not data:
                    sys.exit('unixctl_pipe: the daemon hung up')
                buf += data.decode()
                continue
            buf = text[end:]
            break
        if reply.get('error') is not None:
            status, out = '2', str(reply['error'])
        else:
            status, out = '0', str(reply.get('result') or '')
        if out and not out.endswith('\n'):
            out += '\n'
        sys.stdout.write(status + '\n' + out + RS + '\n')
        sys.stdout.flush()


if __name__ == '__main__':
    main()
