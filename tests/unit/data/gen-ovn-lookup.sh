#!/bin/sh
# Regenerates the golden data of check_ovn_lookup: a Southbound database
# with MAC_Binding, Static_MAC_Binding, FDB rows, port security and load
# balancers (with and without hairpin_snat_ip), and the OpenFlow tables
# 66..78 that the real ovn-controller 23.03 builds from it, on an
# ovs-vswitchd in dummy mode (no kernel module, runs on the host).
#   tests/unit/data/gen-ovn-lookup.sh      (after make tests)
# writes tests/unit/data/ovn_lookup_sb.json (the SB as weft-ovsdb-dump
# prints it), ovn_lookup_flows.txt ("table=N" lines then
# `ovs-ofctl -O OpenFlow14 --no-stats dump-flows br-int table=N`) and
# ovn_lookup_actions.txt (the lookup actions as ovn-controller encodes
# them). UUIDs, hence cookies, and datapath keys change from run to run:
# ovn_lookup_69.expected (the table-69 flows of the backends no session
# reached, written by hand) must then be refreshed from the "table 69:
# weft only" lines check_ovn_lookup prints, after checking each against
# the learn() specification of its table-68 flow.
# Needs ovn-central, ovn-host and openvswitch-switch (scripts/deps); the
# unit test reads the committed files and needs no OVN daemon.
set -e
top=$(cd "$(dirname "$0")/../../.." && pwd)
out=$top/tests/unit/data
dump=$top/build/tests/tools/weft-ovsdb-dump
[ -x "$dump" ] || { echo "build $dump first (make tests)" >&2; exit 1; }
d=$(mktemp -d /tmp/ovn-lookup.XXXXXX)
export OVS_RUNDIR=$d OVS_LOGDIR=$d OVS_DBDIR=$d OVN_RUNDIR=$d OVN_LOGDIR=$d
cleanup() {
	for p in ovn-controller ovs-vswitchd northd vs nb sb; do
		[ -f $d/$p.pid ] && kill "$(cat $d/$p.pid)" 2>/dev/null
	done
	sleep 0.5
	rm -rf "$d"
}
trap cleanup EXIT

ovsdb-tool create $d/nb.db /usr/share/ovn/ovn-nb.ovsschema
ovsdb-tool create $d/sb.db /usr/share/ovn/ovn-sb.ovsschema
ovsdb-tool create $d/conf.db /usr/share/openvswitch/vswitch.ovsschema
for db in nb sb; do
	ovsdb-server --detach --no-chdir --pidfile=$d/$db.pid \
		--log-file=$d/$db.log --unixctl=$d/$db.ctl \
		--remote=punix:$d/$db.sock $d/$db.db
done
ovsdb-server --detach --no-chdir --pidfile=$d/vs.pid --log-file=$d/vs.log \
	--unixctl=$d/vs.ctl --remote=punix:$d/db.sock $d/conf.db
ovn-northd --detach --no-chdir --pidfile=$d/northd.pid \
	--log-file=$d/northd.log --unixctl=$d/northd.ctl \
	--ovnnb-db=unix:$d/nb.sock --ovnsb-db=unix:$d/sb.sock
ovs-vswitchd --enable-dummy=system --disable-system --disable-system-route \
	--detach --no-chdir --pidfile=$d/ovs-vswitchd.pid \
	--log-file=$d/ovs-vswitchd.log unix:$d/db.sock
vs="ovs-vsctl --db=unix:$d/db.sock"
nb="ovn-nbctl --db=unix:$d/nb.sock"
sb="ovn-sbctl --db=unix:$d/sb.sock"

$sb chassis-add hv1 geneve 192.0.2.1
# ls1 - lr1 - ls2 are local (ports of ls1 bound here, the rest through the
# router's patch ports); ls3 has only a port on hv1: not local.
$nb ls-add ls1 -- ls-add ls2 -- ls-add ls3 -- lr-add lr1
ps() { $nb lsp-add "$1" "$2" -- lsp-set-addresses "$2" "$3" \
	-- lsp-set-port-security "$2" "$3"; }
ps ls1 ls1-p1 "0a:58:0a:00:01:05 10.0.1.5 fd01::5"
$nb lsp-add ls1 ls1-p2 -- lsp-set-addresses ls1-p2 "0a:58:0a:00:01:06 10.0.1.6" \
	-- lsp-set-port-security ls1-p2 "0a:58:0a:00:01:06 10.0.1.6/24" \
	"0a:58:0a:00:01:66 10.0.1.0/24 fd01::/64"
ps ls1 ls1-p3 "0a:58:0a:00:01:07"
ps ls1 ls1-p4 "0a:58:0a:00:01:08 fd01::8"
ps ls1 ls1-p5 "0a:58:0a:00:01:09 10.0.1.9"
$nb lsp-add ls1 ls1-p6 -- lsp-set-addresses ls1-p6 "0a:58:0a:00:01:0a 10.0.1.10"
$nb lsp-add ls2 ls2-p1 -- lsp-set-addresses ls2-p1 "0a:58:0a:00:02:05 10.0.2.5"
$nb lsp-add ls2 ls2-p2 -- lsp-set-addresses ls2-p2 unknown
$nb lsp-add ls3 ls3-p1 -- lsp-set-addresses ls3-p1 unknown
$nb lrp-add lr1 lr1-ls1 0a:58:0a:00:01:01 10.0.1.1/24 fd01::1/64
$nb lrp-add lr1 lr1-ls2 0a:58:0a:00:02:01 10.0.2.1/24 fd02::1/64
for s in 1 2; do
	$nb lsp-add ls$s ls$s-lr1 -- lsp-set-type ls$s-lr1 router \
		-- lsp-set-addresses ls$s-lr1 router \
		-- lsp-set-options ls$s-lr1 router-port=lr1-ls$s
done
# lookup_arp_ip/lookup_nd_ip instead of learning from every request.
$nb set logical_router lr1 options:always_learn_from_arp_request=false
$nb lr-add lr3 -- lrp-add lr3 lr3-ls3 0a:58:0a:00:03:01 10.0.3.1/24
$nb lsp-add ls3 ls3-lr3 -- lsp-set-type ls3-lr3 router \
	-- lsp-set-addresses ls3-lr3 router -- lsp-set-options ls3-lr3 router-port=lr3-ls3
$nb static-mac-binding-add lr1-ls2 10.0.2.8 0a:58:0a:00:02:08
$nb static-mac-binding-add lr1-ls2 10.0.2.9 0a:58:0a:00:02:09
$nb set static_mac_binding \
	"$($nb --bare --columns=_uuid find static_mac_binding ip='"10.0.2.9"')" \
	override_dynamic_mac=true
$nb lb-add lb1 172.16.0.10:80 10.0.1.5:8080,10.0.1.6:8080 tcp
$nb lb-add lb2 172.16.0.11 10.0.2.5,10.0.1.7
$nb lb-add lb3 "[fd02::10]:53" "[fd01::5]:5353,[fd01::6]:5353" udp
$nb lb-add lb4 172.16.0.12:443 10.0.1.5:8443 tcp
$nb set load_balancer lb4 options:hairpin_snat_ip="169.254.0.1 fd69::1"
$nb lb-add lb5 172.16.0.13:80 10.0.3.5:80
$nb ls-lb-add ls1 lb1 -- ls-lb-add ls1 lb3 -- ls-lb-add ls1 lb4
$nb ls-lb-add ls3 lb4 -- ls-lb-add ls3 lb5
$nb lr-lb-add lr1 lb2 -- ls-lb-add ls2 lb2
$nb --wait=sb sync

dp() { $sb --bare --columns=_uuid find datapath_binding external_ids:name=$1; }
mb() { $sb create mac_binding logical_port=$1 ip='"'$2'"' mac='"'$3'"' \
	datapath="$(dp $4)" >/dev/null; }
mb lr1-ls2 10.0.2.6 0a:58:0a:00:02:06 lr1
mb lr1-ls2 10.0.2.9 0a:58:0a:00:02:99 lr1
mb lr1-ls1 fd01::20 0a:58:0a:00:01:20 lr1
mb lr3-ls3 10.0.3.6 0a:58:0a:00:03:06 lr3
dpkey() { $sb --bare --columns=tunnel_key find datapath_binding external_ids:name=$1; }
$sb create fdb mac='"0a:58:0a:00:01:30"' dp_key=$(dpkey ls1) port_key=1 >/dev/null
$sb create fdb mac='"0a:58:0a:00:02:30"' dp_key=$(dpkey ls2) port_key=1 >/dev/null
$sb create fdb mac='"0a:58:0a:00:03:30"' dp_key=$(dpkey ls3) port_key=1 >/dev/null

$vs add-br br-phy -- set bridge br-phy datapath_type=dummy
$vs -- set Open_vSwitch . external-ids:system-id=hv-real \
	external-ids:ovn-remote=unix:$d/sb.sock \
	external-ids:ovn-encap-type=geneve external-ids:ovn-encap-ip=192.0.2.10 \
	-- add-br br-int -- set bridge br-int fail-mode=secure datapath_type=dummy
ovn-controller --detach --no-chdir --pidfile=$d/ovn-controller.pid \
	--log-file=$d/ovn-controller.log unix:$d/db.sock
for p in 1 2 3 4; do
	$vs add-port br-int vif$p -- set interface vif$p type=dummy \
		external_ids:iface-id=ls1-p$p
done
$sb lsp-bind ls2-p1 hv1
$sb lsp-bind ls3-p1 hv1
$sb lsp-bind ls1-p5 hv1
$nb --wait=hv sync
i=0
until [ "$($nb get logical_switch_port ls1-p4 up)" = true ]; do
	i=$((i + 1)); [ $i -lt 100 ] || { echo "ls1-p4 never up" >&2; exit 1; }
	sleep 0.1
done
$nb --wait=hv sync

# Hairpin sessions, so that table 68's learn() actions fill table 69:
# ls1-p1 (10.0.1.5, fd01::5) to the VIPs that balance back to it (lb4's
# one backend; lb1 and lb3 pick one of two, hence several source ports).
ctl="ovs-appctl -t $d/ovs-vswitchd.$(cat $d/ovs-vswitchd.pid).ctl"
eth="eth(src=0a:58:0a:00:01:05,dst=0a:58:0a:00:01:01)"
for sp in 40001 40002 40003 40004 40005 40006 40007 40008; do
	$ctl netdev-dummy/receive vif1 "$eth,eth_type(0x0800),ipv4(src=10.0.1.5,dst=172.16.0.12,proto=6,tos=0,ttl=64,frag=no),tcp(src=$sp,dst=443),tcp_flags(syn)"
	$ctl netdev-dummy/receive vif1 "$eth,eth_type(0x0800),ipv4(src=10.0.1.5,dst=172.16.0.10,proto=6,tos=0,ttl=64,frag=no),tcp(src=$sp,dst=80),tcp_flags(syn)"
	$ctl netdev-dummy/receive vif1 "$eth,eth_type(0x86dd),ipv6(src=fd01::5,dst=fd02::10,label=0,proto=17,tclass=0,hlimit=64,frag=no),udp(src=$sp,dst=53)"
done >/dev/null
sleep 1

"$dump" --table SB_Global --table Chassis --table Datapath_Binding \
	--table Port_Binding --table MAC_Binding --table Static_MAC_Binding \
	--table FDB --table Load_Balancer --table Logical_DP_Group \
	unix:$d/sb.sock | python3 -c '
import json, sys
db = json.load(sys.stdin)
# Volatile columns that only make the golden file churn.
for row in db.get("MAC_Binding", {}).values():
    row.pop("timestamp", None)
for row in db.get("Chassis", {}).values():
    row.pop("nb_cfg", None)
json.dump(db, sys.stdout, indent=1, sort_keys=True)
print()' >$out/ovn_lookup_sb.json
{
	for t in 66 67 68 69 70 71 72 73 74 75 76 77 78; do
		echo "table=$t"
		ovs-ofctl -O OpenFlow14 --no-stats dump-flows br-int table=$t |
			sed 's/^ *//' | sort
	done
} >$out/ovn_lookup_flows.txt
# The lookup actions as ovn-controller encodes them: every logical flow
# whose actions use one, with the OpenFlow actions of its flows (found by
# cookie), one line each: stage, pipeline, table, actions, OF actions.
ovs-ofctl -O OpenFlow14 --no-stats dump-flows br-int >$d/all-flows.txt
$sb --format=json --columns=_uuid,pipeline,table_id,actions,external_ids \
	list Logical_Flow >$d/lflows.json
python3 - $d/all-flows.txt $d/lflows.json >$out/ovn_lookup_actions.txt <<'PY'
import json, re, sys
names = ("get_arp", "get_nd", "lookup_arp", "lookup_nd", "get_fdb",
         "lookup_fdb", "check_in_port_sec", "check_out_port_sec",
         "chk_lb_hairpin", "ct_snat_to_vip")
acts = {}
for line in open(sys.argv[1]):
    m = re.match(r" *cookie=(0x[0-9a-f]+),.* actions=(.*)$", line)
    if m:
        acts.setdefault(int(m.group(1), 16), set()).add(m.group(2))
lf = json.load(open(sys.argv[2]))
cols = lf["headings"]
out = set()
for row in lf["data"]:
    r = dict(zip(cols, row))
    if not any(n + "(" in r["actions"] or n + ";" in r["actions"]
               for n in names):
        continue
    stage = dict(r["external_ids"][1]).get("stage-name", "")
    cookie = int(r["_uuid"][1][:8], 16)
    for a in sorted(acts.get(cookie, ())):
        out.add("\t".join((stage, r["pipeline"], str(r["table_id"]),
                           r["actions"], a)))
for l in sorted(out):
    print(l)
PY
echo "wrote $out/ovn_lookup_sb.json, ovn_lookup_flows.txt, ovn_lookup_actions.txt"
echo "now refresh $out/ovn_lookup_69.expected (see the top of this script)"
