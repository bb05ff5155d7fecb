#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, groups on the wire: the same groups and rules, in ovs-ofctl
# syntax, loaded into ovs-vswitchd (openvswitch.ko, the oracle) and then
# into weftd (weft-ofctl add-group, add-flows), get the same traffic.
#
#   na 10.6.0.1 ─ pa:1 ┐        ┌ pb:2 ─ nb 10.6.0.2
#                      ├ br0 ───┤
#                      │        └ pc:3 ─ nc 10.6.0.3
#
# - group 1, type=all: a datagram to port 7001 reaches both nb and nc (nc's
#   copy rewritten to its address in the bucket, nb's copy untouched);
# - group 2, type=select with weights 1 and 3 over nb and nc: 40 datagrams
#   from 40 source ports to 7002 are spread over both (each at least 3;
#   weft's hash is not OVS's, so only the spread is compared), and a second
#   round from the same ports lands exactly where the first did;
# - group 3, OVN's load balancer: type=select, one bucket per backend of
#   ct(nat(dst=B:7003),commit,table=1,zone=5,exec(set_field:0x2/0x2->
#   ct_mark)): TCP to the VIP 10.6.0.99:80 is answered by nb or nc on
#   port 7003, the replies are un-NATed (na's connection completes);
# - dump-groups prints what ovs-ofctl dump-groups prints, group by group.
#
#   scripts/vm-run tests/system/test_weftd_groups.sh [ovs-only|weft-only]
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:06:01 MB=02:00:00:00:06:02 MC=02:00:00:00:06:03
MV=02:00:00:00:06:99
ONLY=${1:-}
PHASE=

GROUPS_TXT="group_id=1,type=all,bucket=actions=mod_dl_dst:$MB,output:2,bucket=actions=mod_dl_dst:$MC,mod_nw_dst:10.6.0.3,output:3
group_id=2,type=select,bucket=weight:1,actions=mod_dl_dst:$MB,output:2,bucket=weight:3,actions=mod_dl_dst:$MC,mod_nw_dst:10.6.0.3,output:3
group_id=3,type=select,bucket=bucket_id=0,weight:100,actions=ct(nat(dst=10.6.0.2:7003),commit,table=1,zone=5,exec(set_field:0x2/0x2->ct_mark)),bucket=bucket_id=1,weight:100,actions=ct(nat(dst=10.6.0.3:7003),commit,table=1,zone=5,exec(set_field:0x2/0x2->ct_mark))"

FLOWS="table=0,priority=100,udp,in_port=1,tp_dst=7001,actions=group:1
table=0,priority=100,udp,in_port=1,tp_dst=7002,actions=group:2
table=0,priority=100,tcp,in_port=1,nw_dst=10.6.0.99,tp_dst=80,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=90,tcp,in_port=2,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=90,tcp,in_port=3,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=1,actions=drop
table=1,priority=100,tcp,ct_state=+new+trk,in_port=1,nw_dst=10.6.0.99,actions=group:3
table=1,priority=90,tcp,ct_state=+trk,ct_mark=0x2/0x2,nw_dst=10.6.0.2,actions=mod_dl_dst:$MB,output:2
table=1,priority=90,tcp,ct_state=+trk,ct_mark=0x2/0x2,nw_dst=10.6.0.3,actions=mod_dl_dst:$MC,output:3
table=1,priority=90,tcp,ct_state=+trk,ct_mark=0x2/0x2,nw_dst=10.6.0.1,actions=mod_dl_dst:$MA,output:1
table=1,priority=1,actions=drop"

RECV='
import socket, select, sys
ns, out = sys.argv[1], open(sys.argv[2], "a", buffering=1)
socks = []
for p in (7001, 7002):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", p))
    socks.append(s)
t = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("0.0.0.0", 7003))
t.listen(16)
socks.append(t)
open(sys.argv[2] + ".ready." + ns, "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        if s is t:
            c, _ = t.accept()
            c.sendall(ns.encode())
            c.close()
            continue
        data, (a, p) = s.recvfrom(2048)
        out.write("%s %d %s:%d %s\n" % (ns, s.getsockname()[1], a, p,
                                        data.decode()))
'
# SEND ROUND: datagrams to 7001 (one) and 7002 (from 40 ports).
SEND='
import socket, sys
rnd = sys.argv[1]
def send(sport, dport, tag):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind(("10.6.0.1", sport))
    s.sendto(tag.encode(), ("10.6.0.2", dport))
    s.close()
if rnd == "1":
    send(6000, 7001, "all")
for i in range(40):
    send(6100 + i, 7002, "sel%s" % rnd)
'
# SHAPE: dump-groups lines with each bucket's actions left out.
SHAPE='
import re, sys
for line in sys.stdin:
    print(re.sub(r"actions=.*?(?=,bucket=|$)", "actions=...", line.rstrip()))
'
# CONNECT N: N TCP connections to the VIP; prints who answered each.
CONNECT='
import socket, sys
for i in range(int(sys.argv[1])):
    s = socket.create_connection(("10.6.0.99", 80), timeout=5)
    print(s.recv(16).decode() or "empty")
    s.close()
'

host() {
	local ns=$1 port=$2 ifc=$3 addr=$4 mac=$5 n
	shift 5
	netns_add "$ns"
	ip link add "$port" up type veth peer name "$ifc" netns "$ns" \
		address "$mac" || die "veth $port/$ifc"
	on_exit ip link del "$port"
	{
		echo "link set $ifc up"
		echo "address add $addr/24 dev $ifc"
		for n in "$@"; do
			echo "neigh replace ${n% *} lladdr ${n#* } dev $ifc nud permanent"
		done
	} | ip -n "$ns" -batch - || die "addresses in $ns"
	in_ns "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
}

receiver() {
	ip netns exec "$1" "$PY" -c "$RECV" "$1" "$WEFTD_DIR/recv" &
	on_exit kill $!
	wait_for 30 test -e "$WEFTD_DIR/recv.ready.$1" || die "receiver in $1"
}

received() { tail -n +"$((RECV0 + 1))" "$WEFTD_DIR/recv"; }
received_at_least() { [ "$(received | wc -l)" -ge "$1" ]; }

case_load() {
	printf '%s\n' "$GROUPS_TXT" >"$WEFTD_DIR/groups.txt"
	printf '%s\n' "$FLOWS" >"$WEFTD_DIR/flows.txt"
	if [ "$PHASE" = ovs ]; then
		ovs_ofctl -O OpenFlow15 add-groups br0 "$WEFTD_DIR/groups.txt" &&
			ovs_ofctl -O OpenFlow14 add-flows br0 "$WEFTD_DIR/flows.txt" &&
			ovs_ofctl dump-groups br0 | sort >"$WEFT_RESULTS/groups.$PHASE.txt"
	else
		ofctl add-groups br0 "$WEFTD_DIR/groups.txt" &&
			ofctl add-flows br0 "$WEFTD_DIR/flows.txt" &&
			ofctl dump-groups br0 | sort >"$WEFT_RESULTS/groups.$PHASE.txt"
	fi || { fail "loading the groups and flows"; return 1; }
	assert_eq 4 "$(wc -l <"$WEFT_RESULTS/groups.$PHASE.txt")" \
		"dump-groups lines"
	assert_match "$(cat "$WEFT_RESULTS/groups.$PHASE.txt")" \
		"^ group_id=2,type=select,bucket=bucket_id:0,actions=[^ ]*,output:2,bucket=bucket_id:1,weight:3,actions=[^ ]*,output:3\$" \
		"group 2"
	# The same groups, buckets and weights as OVS's dump (the actions
	# of OVS's default OpenFlow 1.0 view print differently: mod_dl_dst
	# for set_field), and group 3's buckets as OVS prints them.
	"$PY" -c "$SHAPE" <"$WEFT_RESULTS/groups.$PHASE.txt" \
		>"$WEFT_RESULTS/groups.shape.$PHASE.txt"
	if [ "$PHASE" = weft ] && [ -s "$WEFT_RESULTS/groups.ovs.txt" ]; then
		assert_eq "$(cat "$WEFT_RESULTS/groups.shape.ovs.txt")" \
			"$(cat "$WEFT_RESULTS/groups.shape.weft.txt")" \
			"dump-groups shapes (OVS's, then weft's)"
		assert_eq "$(grep group_id=3 "$WEFT_RESULTS/groups.ovs.txt")" \
			"$(grep group_id=3 "$WEFT_RESULTS/groups.weft.txt")" \
			"group 3 (OVS's, then weft's)"
	fi
}

# spread ROUND: "NB NC" counts of round ROUND's select datagrams.
spread() {
	echo "$(received | grep -c "^nb 7002 .* sel$1\$") $(received | grep -c "^nc 7002 .* sel$1\$")"
}

case_all_select() {
	local s1 s2 r1 r2
	RECV0=$(wc -l <"$WEFTD_DIR/recv")
	in_ns na "$PY" -c "$SEND" 1 || fail "sending round 1"
	wait_for 20 received_at_least 42
	sleep 1
	r1=$(received)
	assert_eq "nb 7001 10.6.0.1:6000 all
nc 7001 10.6.0.1:6000 all" "$(grep ' all$' <<<"$r1" | sort)" \
		"the all group's copies"
	s1=$(spread 1)
	log "select round 1 (nb nc): $s1"
	[ "${s1% *}" -ge 3 ] && [ "${s1#* }" -ge 3 ] &&
		[ "$((${s1% *} + ${s1#* }))" = 40 ] ||
		fail "select spread $s1 (want 40, each at least 3)"
	# The same ports again: the same buckets.
	RECV0=$(wc -l <"$WEFTD_DIR/recv")
	in_ns na "$PY" -c "$SEND" 2 || fail "sending round 2"
	wait_for 20 received_at_least 40
	sleep 1
	r2=$(received)
	assert_eq "$(grep ' sel1$' <<<"$r1" | sed 's/ sel1$//' | sort)" \
		"$(grep ' sel2$' <<<"$r2" | sed 's/ sel2$//' | sort)" \
		"round 2 lands where round 1 did"
	printf '%s\n' "$s1" >"$WEFT_RESULTS/spread.$PHASE.txt"
}

case_lb() {
	local out
	out=$(in_ns na timeout 60 "$PY" -c "$CONNECT" 12) ||
		{ fail "connections to the VIP: $out"; return 1; }
	log "VIP answered by:" $out
	assert_eq 12 "$(grep -cE '^n[bc]$' <<<"$out")" "answers from a backend"
	grep -q '^nb$' <<<"$out" && grep -q '^nc$' <<<"$out" ||
		fail "one backend answered every connection: $out"
}

run_phase() {
	PHASE=$1
	run_case load
	run_case all_select
	run_case lb
}

setup() {
	modprobe veth
	modprobe -a nf_conntrack nf_nat
	require "$WEFTD" "$VSCTL" "$OFCTL" "$DPCTL" ovs-vswitchd ovs-ofctl
	host na pa ea 10.6.0.1 $MA "10.6.0.2 $MB" "10.6.0.3 $MC" \
		"10.6.0.99 $MV"
	host nb pb eb 10.6.0.2 $MB "10.6.0.1 $MA"
	host nc pc ec 10.6.0.3 $MC "10.6.0.1 $MA"
	sysctl -qw net.ipv6.conf.pa.disable_ipv6=1 \
		net.ipv6.conf.pb.disable_ipv6=1 net.ipv6.conf.pc.disable_ipv6=1
	: >"$WEFTD_DIR/recv"
	receiver nb
	receiver nc
}

PORTS="pa:1 pb:2 pc:3"
setup
if [ "$ONLY" != weft-only ]; then
	ovs_start
	ovs_br_add_ports br0 $PORTS || die "OVS: br0 with its ports"
	ovs_vsctl set bridge br0 fail_mode=secure
	run_phase ovs
	ovs_vsctl del-br br0
	ovs_stop
	conntrack -F >/dev/null 2>&1
fi
if [ "$ONLY" != ovs-only ]; then
	weft_load
	weftd_start || die "weftd did not start"
	br_add_ports br0 $PORTS || die "weftd: br0 with its ports"
	vsctl set bridge br0 fail_mode=secure
	run_phase weft
fi
finish
