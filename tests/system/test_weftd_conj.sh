#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8, conjunctive matches and the stack on the wire: one table of
# ovs-ofctl rules, loaded into ovs-vswitchd (openvswitch.ko, the oracle)
# and then into weftd (weft-ofctl add-flows), gets the same datagrams;
# where each one arrives (and from which port) must be the same for both,
# and what the rules say.
#
#   na 10.4.0.1 (+ .5, .6) ─ pa:1 ┐
#                                 ├ br0 ─ pb:2 ─ nb 10.4.0.2
#                                 └────── pc:3 ─ nc 10.4.0.3
#
# - conjunction(9, 1/2) on the source (10.4.0.1 or .5) and (9, 2/2) on the
#   UDP destination port (7001 or 7002); conj_id=9 sends to nb, the rest
#   goes to nc (rewritten to its address);
# - a higher-priority rule for port 7003 exchanges the UDP ports through
#   the stack as OVN's "<->" does (push:src, push:dst, pop:src, pop:dst):
#   nb's socket on 7050 gets it from port 7003;
# - the megaflows match the source address and the UDP destination port
#   (what the clause rules consulted) with the same masks as OVS's, and
#   none carries conj_id.
#
#   scripts/vm-run tests/system/test_weftd_conj.sh [ovs-only|weft-only]
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:05:01 MB=02:00:00:00:05:02 MC=02:00:00:00:05:03
ONLY=${1:-}
PHASE=

FLOWS="table=0,priority=100,udp,in_port=1,nw_src=10.4.0.1,actions=conjunction(9,1/2)
table=0,priority=100,udp,in_port=1,nw_src=10.4.0.5,actions=conjunction(9,1/2)
table=0,priority=100,udp,tp_dst=7001,actions=conjunction(9,2/2)
table=0,priority=100,udp,tp_dst=7002,actions=note:02,conjunction(9,2/2)
table=0,priority=100,conj_id=9,udp,actions=mod_dl_dst:$MB,output:2
table=0,priority=200,udp,in_port=1,tp_dst=7003,actions=push:NXM_OF_UDP_SRC[],push:NXM_OF_UDP_DST[],pop:NXM_OF_UDP_SRC[],pop:NXM_OF_UDP_DST[],mod_dl_dst:$MB,output:2
table=0,priority=10,udp,in_port=1,actions=mod_dl_dst:$MC,mod_nw_dst:10.4.0.3,output:3
table=0,priority=1,actions=drop"

# The datagrams: NAME SRC SPORT DPORT, and where each must arrive:
# "NS LOCALPORT PEERADDR:PEERPORT NAME".
SENDS="both 10.4.0.1 6001 7001
both5 10.4.0.5 6002 7002
noport 10.4.0.1 6003 7009
nosrc 10.4.0.6 6004 7001
swap 10.4.0.1 7050 7003
noport5 10.4.0.5 6006 7009"
EXPECT="nb 7001 10.4.0.1:6001 both
nb 7002 10.4.0.5:6002 both5
nc 7009 10.4.0.1:6003 noport
nc 7001 10.4.0.6:6004 nosrc
nb 7050 10.4.0.1:7003 swap
nc 7009 10.4.0.5:6006 noport5"

RECV='
import socket, select, sys
ns, out = sys.argv[1], open(sys.argv[2], "a", buffering=1)
socks = []
for p in (7001, 7002, 7009, 7050):
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.bind(("0.0.0.0", p))
    socks.append(s)
open(sys.argv[2] + ".ready", "w").close()
while True:
    for s in select.select(socks, [], [])[0]:
        data, (a, p) = s.recvfrom(2048)
        out.write("%s %d %s:%d %s\n" % (ns, s.getsockname()[1], a, p,
                                        data.decode()))
'
SEND='
import socket, sys
for line in sys.stdin:
    name, src, sport, dport = line.split()
    s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
    s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((src, int(sport)))
    s.sendto(name.encode(), ("10.4.0.2", int(dport)))
    s.close()
'

# host NS PORT IFACE ADDR MAC "NEIGH_ADDR NEIGH_MAC"...: a namespace behind
# a veth (PORT stays here), IPv6 off, static neighbours.
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
	wait_for 30 test -e "$WEFTD_DIR/recv.ready" || die "receiver in $1"
	rm -f "$WEFTD_DIR/recv.ready"
}

# received: what the receivers logged in this phase, sorted.
received() {
	tail -n +"$((RECV0 + 1))" "$WEFTD_DIR/recv" | sort
}

received_at_least() { [ "$(received | wc -l)" -ge "$1" ]; }
conj_hits_at_least() { [ "$(rule_packets 0 'conj_id=9')" -ge "$1" ]; }

case_rules() {
	printf '%s\n' "$FLOWS" >"$WEFTD_DIR/flows.txt"
	if [ "$PHASE" = ovs ]; then
		ovs_ofctl del-flows br0 &&
			ovs_ofctl -O OpenFlow14 add-flows br0 "$WEFTD_DIR/flows.txt"
	else
		ofctl del-flows br0 && ofctl add-flows br0 "$WEFTD_DIR/flows.txt"
	fi || { fail "loading the flows"; return 1; }
	ofctl_phase dump-flows br0 >"$WEFT_RESULTS/rules.$PHASE.txt"
	assert_eq 8 "$(grep -c 'actions=' "$WEFT_RESULTS/rules.$PHASE.txt")" \
		"rules dumped" || return 1
	assert_match "$(cat "$WEFT_RESULTS/rules.$PHASE.txt")" \
		"priority=100,conj_id=9,udp actions=set_field:$MB->eth_dst,output:2\$" \
		"the conj_id rule"
}

case_traffic() {
	local want got
	RECV0=$(wc -l <"$WEFTD_DIR/recv")
	in_ns na "$PY" -c "$SEND" <<<"$SENDS" || fail "sending"
	want=$(sort <<<"$EXPECT")
	wait_for 20 received_at_least 6
	# The datapath flows now: OVS's expire after 10 s idle.
	if [ "$PHASE" = ovs ]; then
		ovs-appctl dpctl/dump-flows 2>/dev/null
	else
		dp_flows
	fi >"$WEFT_RESULTS/dpflows.$PHASE.txt"
	sleep 1		# anything that should not arrive
	got=$(received)
	printf '%s\n' "$got" >"$WEFT_RESULTS/received.$PHASE.txt"
	assert_eq "$want" "$got" "where the datagrams arrived"
	# The rules' counters agree (the clause rules never count: OVS
	# credits the conj_id rule).
	wait_for 15 conj_hits_at_least 2
	assert_eq 2 "$(rule_packets 0 'conj_id=9')" "conj_id rule hits"
	assert_eq 1 "$(rule_packets 0 'priority=200')" "swap rule hits"
	assert_eq 3 "$(rule_packets 0 'priority=10,')" "default rule hits"
	assert_eq 0 "$(rule_packets 0 'conjunction(9')" "clause rule hits"
}

# mf_summary: each UDP megaflow on stdin as "SRC UDP": its IPv4 source
# and its udp(...) with wildcarded parts dropped, so that ovs-dpctl's and
# weft-dpctl's texts compare.
mf_summary() {
	local line src udp
	while IFS= read -r line; do
		[[ $line == *udp\(* ]] || continue
		src=${line#*ipv4(src=}
		[ "$src" != "$line" ] && src=${src%%[,)]*} || src=
		[ "$src" = 0.0.0.0/0.0.0.0 ] && src=
		udp=${line#*udp(}
		udp=${udp%%)*}
		udp=${udp//src=0\/0/}
		udp=${udp#,}
		udp=${udp%,}
		echo "src=${src:-*} udp($udp)"
	done | sort
}

case_megaflows() {
	local flows
	flows=$(cat "$WEFT_RESULTS/dpflows.$PHASE.txt")
	mf_summary <<<"$flows" >"$WEFT_RESULTS/megaflows.$PHASE.txt"
	log "megaflows:" $(tr '\n' ';' <"$WEFT_RESULTS/megaflows.$PHASE.txt")
	! grep -q conj <<<"$flows" || fail "conj_id in a datapath flow"
	# One per datagram; the clause rules' fields are matched (the
	# source by as many bits as the prefix trie needs), the swap
	# rule's megaflow (priority 200: nothing else looked at) has no
	# source.
	assert_eq 6 "$(grep -c . "$WEFT_RESULTS/megaflows.$PHASE.txt")" \
		"UDP megaflows"
	assert_match "$(cat "$WEFT_RESULTS/megaflows.$PHASE.txt")" \
		"^src=10.4.0.1 udp\\(dst=7001\\)\$" "the conjunction's megaflow"
	assert_match "$(cat "$WEFT_RESULTS/megaflows.$PHASE.txt")" \
		"^src=\\* udp\\(src=7050,dst=7003\\)\$" "the swap's megaflow"
	# The same masks as openvswitch.ko got from ovs-vswitchd.
	if [ "$PHASE" = weft ] && [ -s "$WEFT_RESULTS/megaflows.ovs.txt" ]; then
		assert_eq "$(cat "$WEFT_RESULTS/megaflows.ovs.txt")" \
			"$(cat "$WEFT_RESULTS/megaflows.weft.txt")" \
			"megaflows (OVS's, then weft's)"
	fi
}

run_phase() {
	PHASE=$1
	run_case rules
	run_case traffic
	run_case megaflows
}

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$OFCTL" "$DPCTL" ovs-vswitchd ovs-ofctl
	host na pa ea 10.4.0.1 $MA "10.4.0.2 $MB" "10.4.0.3 $MC"
	ip -n na -batch - <<-EOF || die "na's extra addresses"
		address add 10.4.0.5/24 dev ea
		address add 10.4.0.6/24 dev ea
	EOF
	host nb pb eb 10.4.0.2 $MB "10.4.0.1 $MA" "10.4.0.5 $MA" "10.4.0.6 $MA"
	host nc pc ec 10.4.0.3 $MC "10.4.0.1 $MA" "10.4.0.5 $MA" "10.4.0.6 $MA"
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
fi
if [ "$ONLY" != ovs-only ]; then
	weft_load
	weftd_start || die "weftd did not start"
	br_add_ports br0 $PORTS || die "weftd: br0 with its ports"
	vsctl set bridge br0 fail_mode=secure
	run_phase weft
fi
finish
