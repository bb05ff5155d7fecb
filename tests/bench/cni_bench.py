#!/usr/bin/python3
# SPDX-License-Identifier: GPL-2.0
"""cni_bench.py: ADD+DEL latency and 50-pod bursts of CNI plugins.

  cni_bench.py PODS BURST ROUNDS NAME=CONF [NAME=CONF...]

Each CONF is one network configuration (the plugin named by its "type" is
found on CNI_PATH). The systems take turns pod by pod (the first one
alternating), each pod an ADD then a DEL in one of BURST pre-made
namespaces (/run/netns/cb0...); a burst is BURST ADDs started at once, then
BURST DELs at once, timed from the first start to the last exit. Only the
plugin's run is timed (the same subprocess call for every system).
Prints one JSON object: per system the median and 99th percentile of
ADD+DEL (ms) and the median burst times (s).
"""
import json
import os
import statistics
import subprocess
import sys
import time


def plugin_of(conf):
    for d in os.environ["CNI_PATH"].split(":"):
        p = os.path.join(d, conf["type"])
        if os.access(p, os.X_OK):
            return p
    raise SystemExit("no plugin " + conf["type"])


def env_for(cmd, cid, ns):
    return dict(os.environ, CNI_COMMAND=cmd, CNI_CONTAINERID=cid,
                CNI_NETNS="/run/netns/" + ns, CNI_IFNAME="eth0")


def run(plugin, data, cmd, cid, ns):
    p = subprocess.run([plugin], input=data, env=env_for(cmd, cid, ns),
                       stdout=subprocess.PIPE)
    if p.returncode:
        raise SystemExit("%s %s %s failed: %s" % (plugin, cmd, cid,
                                                 p.stdout.decode()))


def burst(plugin, data, n, tag):
    """Seconds for n concurrent ADDs, then for the n DELs."""
    def all_at_once(cmd):
        t0 = time.monotonic()
        procs = [subprocess.Popen([plugin], stdin=subprocess.PIPE,
                                  stdout=subprocess.PIPE,
                                  env=env_for(cmd, "%s%d" % (tag, i),
                                              "cb%d" % i))
                 for i in range(n)]
        for p in procs:
            out, _ = p.communicate(data)
            if p.returncode:
                raise SystemExit("burst %s failed: %s" % (cmd, out.decode()))
        return time.monotonic() - t0
    return all_at_once("ADD"), all_at_once("DEL")


def main(argv):
    pods, nburst, rounds = int(argv[0]), int(argv[1]), int(argv[2])
    systems = []
    for a in argv[3:]:
        name, path = a.split("=", 1)
        conf = json.load(open(path))
        systems.append((name, plugin_of(conf), json.dumps(conf).encode()))
    lat = {s[0]: [] for s in systems}
    for i in range(pods):
        order = systems if i % 2 == 0 else systems[::-1]
        for name, plugin, data in order:
            cid = "%s-lat%d" % (name, i)
            ns = "cb%d" % (i % nburst)
            t0 = time.monotonic()
            run(plugin, data, "ADD", cid, ns)
            run(plugin, data, "DEL", cid, ns)
            lat[name].append((time.monotonic() - t0) * 1000)
    bursts = {s[0]: [] for s in systems}
    for r in range(rounds):
        order = systems if r % 2 == 0 else systems[::-1]
        for name, plugin, data in order:
            bursts[name].append(burst(plugin, data, nburst,
                                      "%s-b%d-" % (name, r)))
    out = {}
    for name, _, _ in systems:
        v = sorted(lat[name])
        out[name] = {
            "median_ms": statistics.median(v),
            "p99_ms": v[min(len(v) - 1, int(round(0.99 * len(v))) - 1)],
            "burst_add_s": statistics.median(b[0] for b in bursts[name]),
            "burst_del_s": statistics.median(b[1] for b in bursts[name]),
        }
    json.dump(out, sys.stdout, indent=1)
    print()


if __name__ == "__main__":
    main(sys.argv[1:])
