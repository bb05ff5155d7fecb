#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
#
# gen-ofctl-expected.sh: regenerates the oracles of tests/unit/check_ofp.c
# from the real Open vSwitch (Debian 12: OVS 3.1). Run it by hand after
# changing ofctl_flows.txt and commit what it writes; the unit tests never
# run OVS themselves.
#
#   ofctl_flows.expected       `ovs-ofctl -O OpenFlow14 parse-flows` of the
#                              corpus, verbatim ("usable protocols" and
#                              "chosen protocol" lines and the
#                              "OFPT_FLOW_MOD (OF1.4) (xid=0xN): " prefixes
#                              included: check_ofp.c strips them)
#   ofctl_flows.dump-expected  for each flow of the corpus, in order, what
#                              `ovs-ofctl -O OpenFlow14 --no-stats dump-flows`
#                              prints once it is installed alone in a bridge
#                              of a throwaway ovs-vswitchd (dummy datapath,
#                              everything under a temporary directory), or
#                              "-" where that switch refuses the flow (table
#                              254 is hidden, dp_hash is not matchable);
#                              tun_metadata0, 1, 7 and 63 are mapped to
#                              4-byte options
#
# Why "-O OpenFlow14": without -O, ovs-ofctl picks one protocol for the
# whole file from the intersection of what every flow can use, so one flow
# changes how all the others print (mod_dl_src vs set_field, goto_table vs
# resubmit, "table:255" for no table). With OpenFlow 1.4 only, each flow
# prints the same whatever surrounds it, every action weft supports prints
# as itself (goto_table, set_field, load, mod_nw_ttl), and importance is
# kept (1.3 drops it). weft's formatter prints that form. ovs-ofctl's
# warnings go to stderr and are dropped.
set -euo pipefail
cd "$(dirname "$0")"
command -v ovs-ofctl >/dev/null || { echo "$0: needs ovs-ofctl" >&2; exit 1; }

ovs-ofctl -O OpenFlow14 parse-flows ofctl_flows.txt 2>/dev/null \
	>ofctl_flows.expected.tmp
mv ofctl_flows.expected.tmp ofctl_flows.expected
echo "$0: ofctl_flows.expected: $(grep -c '^OFPT_FLOW_MOD' ofctl_flows.expected) flows"

# The dump oracle needs a switch: ovsdb-server and ovs-vswitchd with the
# dummy datapath, in a temporary directory, stopped on exit.
command -v ovs-vswitchd >/dev/null || { echo "$0: no ovs-vswitchd, dump oracle not regenerated" >&2; exit 0; }
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
ovs-vsctl --db=unix:"$tmp/db.sock" --no-wait init
ovs-vswitchd --enable-dummy=system --disable-system --disable-system-route \
	--detach --no-chdir --pidfile="$tmp/ovs-vswitchd.pid" \
	--log-file="$tmp/vswitchd.log" unix:"$tmp/db.sock"
ovs-vsctl --db=unix:"$tmp/db.sock" --timeout=10 add-br br0 -- \
	set bridge br0 datapath_type=dummy
# tun_metadata flows need a TLV map; 4 bytes each, as weft-ofctl assumes
# offline.
map=
for i in 0 1 7 63; do
	map="$map${map:+,}{class=0xffff,type=$i,len=4}->tun_metadata$i"
done
ovs-ofctl add-tlv-map br0 "$map"

of() { ovs-ofctl -O OpenFlow14 "$@" </dev/null 2>/dev/null; }
sed 's/#.*//' ofctl_flows.txt | grep -v '^[[:space:]]*$' | while IFS= read -r flow; do
	of del-flows br0
	if of add-flow br0 "$flow"; then
		of --no-stats dump-flows br0 | sed 's/^ //'
	else
		echo -
	fi
done >ofctl_flows.dump-expected.tmp
mv ofctl_flows.dump-expected.tmp ofctl_flows.dump-expected
echo "$0: ofctl_flows.dump-expected: $(grep -vc '^-$' ofctl_flows.dump-expected) flows installed and dumped"
