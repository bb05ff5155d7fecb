#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-ct-traces.sh: regenerates ct_traces.expected, the oracle of
# check_xlate_ct.c's comparison with OVS, from the real Open vSwitch
# (Debian 12: OVS 3.1). Run it by hand after changing ct_traces.txt and
# commit what it writes; the unit tests never run OVS themselves.
#
# A throwaway ovsdb-server and ovs-vswitchd with the dummy datapath, under
# a temporary directory, stopped on exit; bridge br0 with dummy ports
# p1..p3 (OpenFlow and datapath ports 1..3). For each "trace" line of
# ct_traces.txt, after the pipeline above it is installed alone:
#   trace N
#   megaflow: <each pass's "Megaflow:" line>
#   actions: <each pass's "Datapath actions:" line>
# in the order ofproto/trace prints the passes.
set -euo pipefail
cd "$(dirname "$0")"
command -v ovs-vswitchd >/dev/null || { echo "$0: needs ovs-vswitchd" >&2; exit 1; }
tmp=$(mktemp -d)
export OVS_RUNDIR=$tmp OVS_LOGDIR=$tmp OVS_DBDIR=$tmp OVS_SYSCONFDIR=$tmp
stop() {
	for p in "$tmp"/ovs-vswitchd.pid "$tmp"/ovsdb-server.pid; do
		[ -f "$p" ] && kill "$(cat "$p")" 2>/dev/null || true
	done
	sleep 0.5
	rm -rf "$tmp"
}
trap stop EXIT
ovsdb-tool create "$tmp/conf.db" /usr/share/openvswitch/vswitch.ovsschema
ovsdb-server --detach --no-chdir --pidfile="$tmp/ovsdb-server.pid" \
	--log-file="$tmp/ovsdb.log" --remote=punix:"$tmp/db.sock" "$tmp/conf.db"
vsctl() { ovs-vsctl --db=unix:"$tmp/db.sock" --timeout=10 "$@"; }
vsctl --no-wait init
ovs-vswitchd --enable-dummy=system --disable-system --disable-system-route \
	--detach --no-chdir --pidfile="$tmp/ovs-vswitchd.pid" \
	--log-file="$tmp/vswitchd.log" unix:"$tmp/db.sock"
vsctl add-br br0 -- set bridge br0 datapath_type=dummy
for i in 1 2 3; do
	vsctl add-port br0 p$i -- set interface p$i type=dummy ofport_request=$i
done

n=0
flows=
in_pipeline=false
out=ct_traces.expected.tmp
: >"$out"
while IFS= read -r line; do
	line=${line%%#*}
	[ -n "${line// }" ] || continue
	set -- $line
	if [ "$1" = pipeline ]; then
		in_pipeline=true
		flows=
	elif [ "$1" = end ]; then
		in_pipeline=false
		ovs-ofctl -O OpenFlow14 del-flows br0
		printf '%s\n' "$flows" | ovs-ofctl -O OpenFlow14 add-flows br0 -
	elif $in_pipeline; then
		flows="$flows${flows:+$'\n'}$line"
	elif [ "$1" = trace ]; then
		pkt=$2
		shift 2
		args=()
		for st in "$@"; do
			args+=(--ct-next "$st")
		done
		n=$((n + 1))
		echo "trace $n" >>"$out"
		ovs-appctl ofproto/trace br0 "$pkt" "${args[@]}" |
			sed -n 's/^Megaflow: /megaflow: /p; s/^Datapath actions: /actions: /p' >>"$out"
	fi
done <ct_traces.txt
mv "$out" ct_traces.expected
echo "$0: ct_traces.expected: $n traces"
