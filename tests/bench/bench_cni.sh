#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1800
#
# bench_cni.sh: weft-cni (issue 9's benchmark) against the reference
# `bridge` plugin (Debian's containernetworking-plugins) on a Linux bridge,
# in one VM, both with host-local as IPAM:
#
#   ADD+DEL     one pod's ADD then DEL, BENCH_PODS pods in a row, the two
#               plugins taking turns pod by pod; median and 99th percentile
#   burst       BENCH_BURST ADDs started at once, then as many DELs at
#               once (a node starting pods); median over BENCH_ROUNDS
#
# Only the plugin's run is timed (tests/bench/cni_bench.py spawns both the
# same way). Method (DESIGN.md, "Pitfalls"): `scripts/vm-run --bench`,
# TCG with -icount shift=0 on one vCPU: guest time counts executed
# instructions, not cache misses or I/O waits.
#
# Run:   tests/bench/bench_cni.sh on the host (runs the VM and writes
#        docs/benchmarks-cni.md), or scripts/vm-run --bench
#        tests/bench/bench_cni.sh [BENCH_X=...]
# Knobs: BENCH_PODS (200), BENCH_BURST (50), BENCH_ROUNDS (3).
set -u

TOP=${WEFT_TOP:-$(cd "$(dirname "$0")/../.." && pwd)}

if [ -z "${WEFT_VM:-}" ]; then
	cd "$TOP" || exit 1
	vars=()
	for v in BENCH_PODS BENCH_BURST BENCH_ROUNDS; do
		[ -n "${!v:-}" ] && vars+=("$v=${!v}")
	done
	scripts/vm-run --bench --name bench_cni tests/bench/bench_cni.sh \
		"${vars[@]}" || exit
	cp results/bench_cni/benchmarks-cni.md docs/benchmarks-cni.md &&
		echo "bench_cni: table written to docs/benchmarks-cni.md"
	exit
fi
for a in "$@"; do
	case "$a" in BENCH_*=*) export "${a?}" ;; esac
done

. "$TOP/tests/system/cni_lib.sh"

PODS=${BENCH_PODS:-200}
BURST=${BENCH_BURST:-50}
ROUNDS=${BENCH_ROUNDS:-3}
OUT=$WEFT_RESULTS

modprobe veth
modprobe bridge
weft_load
weftd_start || die "weftd did not start"
vsctl add-br br-int || die "add-br br-int"
for ((i = 0; i < BURST; i++)); do
	ip netns add cb$i || die "netns cb$i"
	on_exit ip netns del cb$i
done
on_exit ip link del cnibr0

$PY - "$CNI_DATA" "$CNI_DIR" <<'EOF'
import json, sys
data, d = sys.argv[1:]
def ipam(subnet):
    return {"type": "host-local", "dataDir": data,
            "ranges": [[{"subnet": subnet}]]}
json.dump({"cniVersion": "1.1.0", "name": "wnet", "type": "weft-cni",
           "bridge": "br-int", "ipam": ipam("10.70.0.0/16")},
          open(d + "/weft.json", "w"))
json.dump({"cniVersion": "1.0.0", "name": "bnet", "type": "bridge",
           "bridge": "cnibr0", "ipam": ipam("10.71.0.0/16")},
          open(d + "/bridge.json", "w"))
EOF

echo "bench_cni: $PODS pods, bursts of $BURST, $ROUNDS rounds"
res=$($PY "$TOP/tests/bench/cni_bench.py" "$PODS" "$BURST" "$ROUNDS" \
	weft="$CNI_DIR/weft.json" bridge="$CNI_DIR/bridge.json") || die "cni_bench.py failed"
echo "$res"
leftover=$(( $(leases) + $(weft_veths) + $(weft_ports) ))
[ "$leftover" = 0 ] || die "weft-cni left $leftover leases/veths/ports behind"

$PY - "$res" "$PODS" "$BURST" "$ROUNDS" "$(git -C "$TOP" rev-parse --short HEAD 2>/dev/null)" \
	>"$OUT/benchmarks-cni.md" <<'EOF'
import json, sys
r, pods, burst, rounds, rev = json.loads(sys.argv[1]), *sys.argv[2:]
w, b = r["weft"], r["bridge"]
print("# weft-cni benchmark\n")
print("`tests/bench/bench_cni.sh` (commit %s): weft-cni on weftd/weft.ko "
      "against the reference `bridge` plugin (containernetworking-plugins "
      "1.1.1) on a Linux bridge, both with host-local, in one VM under "
      "`scripts/vm-run --bench` (TCG, -icount shift=0, one vCPU: times "
      "count executed instructions, not cache misses or I/O waits). "
      "ADD+DEL over %s pods, the plugins taking turns; bursts of %s "
      "concurrent ADDs then %s concurrent DELs, median of %s rounds. "
      "Ratio = weft-cni / bridge (lower is faster; bar 1.5x, aim 1.0x).\n"
      % (rev, pods, burst, burst, rounds))
print("| | weft-cni | bridge | ratio |")
print("|---|---:|---:|---:|")
for key, label, unit in (("median_ms", "ADD+DEL median", "ms"),
                         ("p99_ms", "ADD+DEL p99", "ms"),
                         ("burst_add_s", "%s-pod burst, ADD" % burst, "s"),
                         ("burst_del_s", "%s-pod burst, DEL" % burst, "s")):
    print("| %s | %.1f %s | %.1f %s | %.2fx |" %
          (label, w[key], unit, b[key], unit, w[key] / b[key]))
EOF
cat "$OUT/benchmarks-cni.md"
