#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cni_run.py: a small CNI runtime for the tests, doing what libcni does.

  cni_run.py [options] ADD|CHECK|DEL|STATUS|GC|VERSION CONFLIST [ID NETNS IFNAME]

CONFLIST is a network configuration list (or a single configuration).
Plugins are found on CNI_PATH (from the environment); each gets the list's
name and cniVersion, the runtimeConfig of the capabilities it declares,
and the previous plugin's result as prevResult. ADD runs the plugins in
order and caches the final result (--cache DIR); CHECK runs them in order
with the cached result; DEL runs them in reverse with it and drops the
cache. GC and STATUS go to the plugins that speak 1.1.0.

weft-cni speaks 1.1.0; Debian's reference plugins (1.1.1) stop at 1.0.0,
whose results have the same layout, so a 1.1.0 list reaches them as 1.0.0
(--ref-version sets that).

Options: --args 'K=V;K=V' (CNI_ARGS), --cap NAME=JSON (capability args,
repeatable), --cache DIR, --valid ID/IFNAME,... (GC), --ref-version V.
Prints the result (or the error object) on stdout; exits 1 on error.
"""
import json
import os
import subprocess
import sys

NATIVE = ("weft-cni",)


def find(path, name):
    for d in path.split(":"):
        p = os.path.join(d, name)
        if d and os.access(p, os.X_OK):
            return p
    raise SystemExit("cni_run: plugin %s not in CNI_PATH %s" % (name, path))


def exec_plugin(plugin, conf, env):
    p = subprocess.run([plugin], input=json.dumps(conf).encode(),
                       env=env, stdout=subprocess.PIPE)
    out = p.stdout.decode()
    if p.returncode:
        sys.stdout.write(out if out.endswith("\n") else out + "\n")
        sys.exit(1)
    return json.loads(out) if out.strip() else None


def main(argv):
    opts = {"args": "", "cap": {}, "cache": "/tmp/cni-cache",
            "valid": [], "ref": "1.0.0"}
    while argv and argv[0].startswith("--"):
        o = argv.pop(0)
        if o == "--args":
            opts["args"] = argv.pop(0)
        elif o == "--cap":
            k, v = argv.pop(0).split("=", 1)
            opts["cap"][k] = json.loads(v)
        elif o == "--cache":
            opts["cache"] = argv.pop(0)
        elif o == "--valid":
            for a in filter(None, argv.pop(0).split(",")):
                cid, ifn = a.split("/")
                opts["valid"].append({"containerID": cid, "ifname": ifn})
        elif o == "--ref-version":
            opts["ref"] = argv.pop(0)
        else:
            raise SystemExit("cni_run: unknown option " + o)
    cmd, listfile = argv[0], argv[1]
    cid, netns, ifname = (argv[2:5] + ["", "", ""])[:3]
    with open(listfile) as f:
        conflist = json.load(f)
    plugins = conflist.get("plugins") or [conflist]
    listver = conflist.get("cniVersion", "1.1.0")
    path = os.environ.get("CNI_PATH", "/opt/cni/bin")
    env = dict(os.environ, CNI_COMMAND=cmd, CNI_CONTAINERID=cid,
               CNI_NETNS=netns, CNI_IFNAME=ifname, CNI_ARGS=opts["args"],
               CNI_PATH=path)
    os.makedirs(opts["cache"], exist_ok=True)
    cache = os.path.join(opts["cache"], "%s-%s-%s.json" %
                         (conflist["name"], cid, ifname))

    def version_for(p):
        if p["type"] in NATIVE or listver < opts["ref"]:
            return listver
        return opts["ref"]

    def conf_for(p, prev):
        c = dict(p)
        c["name"] = conflist["name"]
        c["cniVersion"] = version_for(p)
        rc = {k: v for k, v in opts["cap"].items()
              if p.get("capabilities", {}).get(k)}
        if rc:
            c["runtimeConfig"] = rc
        if prev is not None:
            prev = dict(prev, cniVersion=c["cniVersion"])
            c["prevResult"] = prev
        return c

    if cmd == "VERSION":
        print(json.dumps(exec_plugin(find(path, plugins[0]["type"]),
                                     {"cniVersion": listver}, env)))
        return 0
    if cmd == "ADD":
        prev = None
        for p in plugins:
            prev = exec_plugin(find(path, p["type"]), conf_for(p, prev), env)
        with open(cache, "w") as f:
            json.dump(prev, f)
        print(json.dumps(prev, indent=2))
        return 0
    cached = None
    if os.path.exists(cache):
        with open(cache) as f:
            cached = json.load(f)
    if cmd == "CHECK":
        if cached is None:
            raise SystemExit("cni_run: no cached result for CHECK")
        for p in plugins:
            exec_plugin(find(path, p["type"]), conf_for(p, cached), env)
        return 0
    if cmd == "DEL":
        for p in reversed(plugins):
            exec_plugin(find(path, p["type"]), conf_for(p, cached), env)
        if os.path.exists(cache):
            os.unlink(cache)
        return 0
    if cmd in ("GC", "STATUS"):
        for p in plugins:
            if version_for(p) < "1.1.0":
                continue
            c = conf_for(p, None)
            if cmd == "GC":
                c["cni.dev/valid-attachments"] = opts["valid"]
            exec_plugin(find(path, p["type"]), c, env)
        return 0
    raise SystemExit("cni_run: unknown command " + cmd)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
