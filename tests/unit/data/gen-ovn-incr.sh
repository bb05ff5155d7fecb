#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# Writes tests/unit/data/ovn_incr_sb.json for check_ovn_incr: the SB that
# the real ovn-northd writes for tests/bench/ovn_synth.py's deployment at
# 4 switches, 40 ports, 2 routers, 10 ACLs and 2 other chassis, with
# chassis hv-test (geneve, 192.0.2.10) bound to ls0-p0, ls0-p1, ls0-p2;
# only the tables the chassis' flows read. Needs ovsdb-server,
# ovn-northd, ovn-nbctl, ovn-sbctl and build/tests/tools/weft-ovsdb-dump.
set -e
top=$(cd "$(dirname "$0")/../../.." && pwd)
d=$(mktemp -d)
trap 'for s in northd nb sb; do ovs-appctl -t $d/$s.ctl exit 2>/dev/null; done; rm -rf $d' EXIT
ovsdb-tool create $d/nb.db /usr/share/ovn/ovn-nb.ovsschema
ovsdb-tool create $d/sb.db /usr/share/ovn/ovn-sb.ovsschema
for s in nb sb; do
	ovsdb-server --detach --no-chdir --pidfile=$d/$s.pid --log-file=$d/$s.log \
		--unixctl=$d/$s.ctl --remote=punix:$d/$s.sock $d/$s.db
done
ovn-northd --detach --no-chdir --pidfile=$d/northd.pid --log-file=$d/northd.log \
	--unixctl=$d/northd.ctl --ovnnb-db=unix:$d/nb.sock --ovnsb-db=unix:$d/sb.sock
python3 "$top/tests/bench/ovn_synth.py" nb $d/nb.sock 4 40 2 10
ovn-nbctl --db=unix:$d/nb.sock --wait=sb sync
local=$(python3 "$top/tests/bench/ovn_synth.py" sb $d/sb.sock 4 40 2 3)
ovn-sbctl --db=unix:$d/sb.sock chassis-add hv-test geneve 192.0.2.10
for p in $local; do ovn-sbctl --db=unix:$d/sb.sock lsp-bind $p hv-test; done
ovn-nbctl --db=unix:$d/nb.sock --wait=sb sync
"$top/build/tests/tools/weft-ovsdb-dump" unix:$d/sb.sock | python3 -c '
import json, sys
keep = ["SB_Global", "Chassis", "Encap", "Datapath_Binding", "Logical_DP_Group",
        "Logical_Flow", "Multicast_Group", "Port_Binding", "Address_Set",
        "Port_Group"]
db = json.load(sys.stdin)
json.dump({k: db[k] for k in keep if k in db}, sys.stdout, sort_keys=True,
          separators=(",", ":"))' >"$top/tests/unit/data/ovn_incr_sb.json"
echo "wrote $top/tests/unit/data/ovn_incr_sb.json"
