#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""pyserve.py: the tests' python helpers in one long-lived process.

In the loaded TCG guest a python3 start costs one to two seconds (its
modules come over 9p); the CNI tests started one for every JSON field
they checked and every runtime call.  This process starts once and
answers requests from tests/system/lib.sh's py_call:

  request:  NUL-terminated fields: ID (any text), OP, the caller's
            working directory,
            N, N environment entries (NAME=VALUE: the caller's exported
            variables), M, M arguments, the standard input text
  answer:   ID, 0x1f, STATUS, 0x1e, once the standard output and error
            are in the files DIR/out and DIR/err (DIR: this program's
            argument; bash reads a pipe a byte at a time, a file in
            blocks)

OPs (each does what the python it replaces did, see lib.sh/cni_lib.sh):

  json_get EXPR          print(eval(EXPR)) with r = the JSON on stdin
  cni_run ARG...         tests/tools/cni_run.py ARG... (the CNI runtime)
  cni_net NAME FILE EXTRA SUBNET DATA VERSION   write a conflist
  run_in NS SECS SCRIPT ARG...                 python3 SCRIPT ARG... in
                         network namespace NS ("" or "-": this one), in a
                         forked child killed after SECS seconds (SIGALRM);
                         SCRIPT "-" is the text on stdin.  As
                         "ip netns exec NS timeout SECS python3 SCRIPT",
                         for scripts that only use sockets (no /sys, no
                         /etc/netns).
"""
import contextlib
import ctypes
import importlib.util
import io
import json
import os
import runpy
import signal
import sys
import tempfile
import traceback

TOP = os.path.dirname(os.path.dirname(os.path.dirname(
    os.path.dirname(os.path.abspath(__file__)))))


def load_cni_run():
    spec = importlib.util.spec_from_file_location(
        "cni_run", os.path.join(TOP, "tests", "tools", "cni_run.py"))
    mod = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mod)
    return mod


CNI_RUN = None


def op_json_get(args, stdin):
    r = json.loads(stdin)
    print(eval(args[0], {"json": json}, {"r": r}))
    return 0


def op_cni_run(args, stdin):
    global CNI_RUN
    if CNI_RUN is None:
        CNI_RUN = load_cni_run()
    return CNI_RUN.main(list(args))


def op_cni_net(args, stdin):
    name, file, extra, subnet, data, ver = args
    net = {"type": "weft-cni", "bridge": "br-int",
           "ipam": {"type": "host-local", "dataDir": data,
                    "ranges": [[{"subnet": subnet}]],
                    "routes": [{"dst": "0.0.0.0/0"}]}}
    extra = json.loads(extra)
    if extra.pop("_noroute", False):
        net["ipam"].pop("routes")
    net.update(extra)
    if net.get("ipam") is None:
        net.pop("ipam")
    plugins = net.pop("_chain", [])
    with open(file, "w") as f:
        json.dump({"cniVersion": ver, "name": name,
                   "plugins": [net] + plugins}, f, indent=1)
    return 0


CLONE_NEWNET = 0x40000000


def run_child(ns, secs, script, args, stdin, outfd):
    """In the forked child: never returns."""
    code = 1
    try:
        os.dup2(outfd, 1)
        sys.stdout = io.TextIOWrapper(open(1, "wb", closefd=False),
                                      write_through=True)
        if ns and ns != "-":
            fd = os.open("/run/netns/" + ns, os.O_RDONLY)
            if ctypes.CDLL(None, use_errno=True).setns(fd, CLONE_NEWNET):
                raise OSError(ctypes.get_errno(), "setns " + ns)
            os.close(fd)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.alarm(int(secs))
        sys.argv = [script] + list(args)
        if script == "-":
            exec(compile(stdin, "<stdin>", "exec"), {"__name__": "__main__"})
        else:
            runpy.run_path(script, run_name="__main__")
        code = 0
    except SystemExit as e:
        if isinstance(e.code, str):
            sys.stderr.write(e.code + "\n")
            code = 1
        else:
            code = e.code or 0
    except BaseException:
        traceback.print_exc()
        code = 1
    finally:
        try:
            sys.stdout.flush()
            sys.stderr.flush()
        finally:
            os._exit(code)


def op_run_in(args, stdin):
    ns, secs, script = args[:3]
    out = tempfile.TemporaryFile()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:
        run_child(ns, secs, script, args[3:], stdin, out.fileno())
    _, st = os.waitpid(pid, 0)
    out.seek(0)
    sys.stdout.write(out.read().decode("utf-8", "replace"))
    if os.WIFSIGNALED(st):
        return 128 + os.WTERMSIG(st)
    return os.WEXITSTATUS(st)


OPS = {"json_get": op_json_get, "cni_run": op_cni_run,
       "cni_net": op_cni_net, "run_in": op_run_in}


class Fields:
    """NUL-terminated fields from a binary stream."""

    def __init__(self, f):
        self.f = f
        self.buf = b""

    def next(self):
        while b"\0" not in self.buf:
            data = os.read(self.f.fileno(), 65536)
            if not data:
                return None
            self.buf += data
        field, self.buf = self.buf.split(b"\0", 1)
        return field.decode("utf-8", "surrogateescape")


def run(op, cwd, env, args, stdin):
    """Runs one request; its standard error (python's and the child
    processes') goes to errfile through fd 2."""
    out = io.StringIO()
    status = 0
    saved_env = dict(os.environ)
    try:
        os.environ.clear()
        os.environ.update(env)
        os.chdir(cwd)
        with contextlib.redirect_stdout(out):
            status = OPS[op](args, stdin) or 0
    except SystemExit as e:
        if isinstance(e.code, str):
            sys.stderr.write(e.code + "\n")
            status = 1
        else:
            status = e.code or 0
    except Exception:
        traceback.print_exc()
        status = 1
    finally:
        os.environ.clear()
        os.environ.update(saved_env)
    sys.stderr.flush()
    return status, out.getvalue()


def main():
    outdir = sys.argv[1]
    fields = Fields(sys.stdin)
    err = open(os.path.join(outdir, "err"), "w+b")
    saved_err = os.dup(2)
    while True:
        rid = fields.next()
        if rid is None:
            return
        op = fields.next()
        cwd = fields.next()
        env = dict(e.split("=", 1) for e in
                   (fields.next() for _ in range(int(fields.next()))))
        args = [fields.next() for _ in range(int(fields.next()))]
        stdin = fields.next()
        err.seek(0)
        err.truncate()
        sys.stderr.flush()
        os.dup2(err.fileno(), 2)
        try:
            status, out = run(op, cwd, env, args, stdin)
        finally:
            sys.stderr.flush()
            os.dup2(saved_err, 2)
        err.flush()
        with open(os.path.join(outdir, "out"), "wb") as f:
            f.write(out.encode("utf-8", "surrogateescape"))
        answer = "%s\x1f%d\x1e" % (rid, status)
        sys.stdout.buffer.write(answer.encode("utf-8", "surrogateescape"))
        sys.stdout.buffer.flush()


if __name__ == "__main__":
    main()
