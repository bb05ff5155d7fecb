#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 4, the pipeline: multi-table rules loaded with weft-ofctl, checked
# on the wire. resubmit, goto_table, registers (load, set_field, move and
# masked matches), set_field of L2/L3/L4 fields (tcpdump in the receiving
# namespace shows the rewritten headers with correct checksums, and TCP
# through the rewrite works), mod_vlan_vid/mod_vlan_pcp/strip_vlan,
# dec_ttl, output to in_port (and output:IN_PORT dropped, as in OVS),
# exact rule counters in dump-flows, and weft-trace / ofproto/trace naming
# the tables visited and the datapath actions.
#
#   netns na                                                  netns nb
#   ea 10.2.0.1 02:00:00:00:02:01 ══ pa ─ ofport 1 ┐
#                                                  ├ br0 (weftd)
#   eb 10.2.0.2 02:00:00:00:02:02 ══ pb ─ ofport 2 ┘
#
#   ea and eb compute their checksums in software (tx offload off), so the
#   receiver verifies every checksum the datapath rewrote. Addresses that
#   belong to nobody (10.2.0.99 "the service", 10.2.0.77/78) have static
#   neighbour entries in na.
#
# Run: scripts/vm-run tests/system/test_weftd_pipeline.sh
. "$(dirname "$0")/weftd_lib.sh"

MA=02:00:00:00:02:01
MB=02:00:00:00:02:02
MV=02:00:00:00:02:99
MX=02:00:00:00:02:77
ARP_RULES='table=0,priority=100,arp,in_port=1,actions=output:2
table=0,priority=100,arp,in_port=2,actions=output:1'

# rules: replace br0's rules with the ones on stdin (add-flows FILE).
rules() {
	local f=$WEFTD_DIR/rules.$CASE n
	grep -v '^[[:space:]]*$' >"$f"
	n=$(wc -l <"$f")
	ofctl del-flows br0 || { fail "weft-ofctl del-flows br0 failed"; return 1; }
	ofctl add-flows br0 "$f" || { fail "weft-ofctl add-flows br0 $f failed"; return 1; }
	ofctl dump-flows br0 >"$WEFT_RESULTS/dump.$CASE.txt"
	cat "$WEFT_RESULTS/dump.$CASE.txt"
	# (rules_count's count, of the dump just made)
	assert_eq "$n" "$(grep -c 'actions=' "$WEFT_RESULTS/dump.$CASE.txt")" \
		"rules dumped after add-flows" || return 1
}

# dp_port_of IFACE: the datapath port number weft-dpctl show gives IFACE.
dp_port_of() {
	"$DPCTL" show | sed -n "s/^ *port \([0-9]*\): $1\( .*\)\?$/\1/p" | head -n 1
}

# wait_stat REGEX FIELD MIN: poll (8 s) until the rule's FIELD >= MIN;
# prints the last value.
wait_stat() {
	local v t0
	t0=$(now)
	while :; do
		v=$(rule_stat br0 "$1" "$2")
		[ "${v:-0}" -ge "$3" ] && break
		elapsed_over "$t0" 8 && break
		sleep 0.2
	done
	echo "${v:-0}"
}

# bad_csums PCAP: the lines tcpdump -vv flags as bad checksums.
bad_csums() {
	tcpdump -vv -n -r "$1" 2>/dev/null | grep -iE 'incorrect|bad cksum|bad udp cksum|bad tcp cksum'
}

setup() {
	modprobe veth
	modprobe 8021q
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" iperf3 tcpdump ethtool
	weft_load
	host_add na pa ea 10.2.0.1/24 $MA
	host_add nb pb eb 10.2.0.2/24 $MB
	in_ns na ethtool -K ea tx off >/dev/null
	in_ns nb ethtool -K eb tx off >/dev/null
	in_ns na ip neigh replace 10.2.0.99 lladdr $MV dev ea nud permanent
	in_ns na ip neigh replace 10.2.0.77 lladdr $MX dev ea nud permanent
	in_ns na ip neigh replace 10.2.0.78 lladdr $MX dev ea nud permanent
	weftd_start || die "weftd did not start"
	br_add_ports br0 pa:1 pb:2 || die "add-br br0 with pa, pb failed"
	assert_eq 1 "$(ofport_of pa)" "ofport of pa"
	assert_eq 2 "$(ofport_of pb)" "ofport of pb"
	"$DPCTL" show
}

case_resubmit() {
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,in_port=1,actions=resubmit(,3)
	table=0,priority=50,ip,in_port=2,actions=resubmit(,3)
	table=3,priority=50,ip,in_port=1,actions=output:2
	table=3,priority=50,ip,in_port=2,actions=output:1
	table=3,priority=60,ip,nw_dst=10.2.0.200,actions=drop
	EOF
	ping_ok na 10.2.0.2 5 || fail "ping na -> nb through table 3"
	[ "$(wait_stat 'table=3,.*priority=50,ip,in_port=1 ' n_packets 5)" -ge 5 ] ||
		fail "table 3's in_port=1 rule counted fewer than 5 packets"
	[ "$(wait_stat 'table=0,.*priority=50,ip,in_port=2 ' n_packets 5)" -ge 5 ] ||
		fail "table 0's in_port=2 rule counted fewer than 5 packets"
}

case_goto_table() {
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,actions=goto_table:5
	table=5,priority=50,ip,in_port=1,actions=output:2
	table=5,priority=50,ip,in_port=2,actions=output:1
	EOF
	ping_ok na 10.2.0.2 3 || fail "ping na -> nb through goto_table:5"
	iperf_ok nb na 10.2.0.2 1M || fail "TCP na -> nb through goto_table:5"
	[ "$(wait_stat 'table=5,.*in_port=1 ' n_packets 3)" -ge 3 ] ||
		fail "table 5's in_port=1 rule counted nothing"
}

# reg0 chooses the output: loaded in table 0 (load for na, set_field then
# move for nb), matched in table 1; reg3's bits 8..11 are matched with a
# mask; a reg0 nobody matches (3, for 10.2.0.3) falls to the drop rule.
case_registers() {
	local cap=$WEFTD_DIR/regs.pcap
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,in_port=1,actions=load:0x2->NXM_NX_REG0[],load:0x5->NXM_NX_REG3[8..11],goto_table:1
	table=0,priority=60,ip,in_port=1,nw_dst=10.2.0.3,actions=load:0x3->NXM_NX_REG0[],goto_table:1
	table=0,priority=50,ip,in_port=2,actions=set_field:0x1->reg1,move:NXM_NX_REG1[]->NXM_NX_REG0[],goto_table:1
	table=1,priority=50,reg0=0x2,reg3=0x500/0xf00,actions=output:2
	table=1,priority=50,reg0=0x1,actions=output:1
	table=1,priority=10,actions=drop
	EOF
	ping_ok na 10.2.0.2 4 || fail "ping na -> nb chosen by reg0"
	in_ns na ip neigh replace 10.2.0.3 lladdr $MB dev ea nud permanent
	tcpdump_start nb eb "$cap" icmp
	ping_fail na 10.2.0.3 || fail "10.2.0.3 (reg0=3, no rule) was answered"
	tcpdump_stop
	save "$cap"
	assert_eq 0 "$(pcap_count "$cap" 'dst host 10.2.0.3')" "frames for reg0=3 that reached nb"
	in_ns na ip neigh del 10.2.0.3 dev ea
	[ "$(wait_stat 'table=1,.*reg0=0x2,reg3=0x500/0xf00 ' n_packets 4)" -ge 4 ] ||
		fail "the reg0=0x2,reg3 rule counted fewer than 4 packets"
	[ "$(wait_stat 'table=1,.*reg0=0x1 ' n_packets 4)" -ge 4 ] ||
		fail "the reg0=0x1 rule (set_field + move) counted fewer than 4 packets"
	[ "$(wait_stat 'table=1,.*priority=10 ' n_packets 1)" -ge 1 ] ||
		fail "the drop rule of table 1 counted nothing"
}

# na talks to 10.2.0.99/$MV; the bridge rewrites it to nb and back. TCP
# works only if the TCP checksum (pseudo-header) was fixed up.
case_set_field_l2l3() {
	local capb=$WEFTD_DIR/l3b.pcap capa=$WEFTD_DIR/l3a.pcap pid bad
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,in_port=1,nw_dst=10.2.0.99,actions=set_field:$MB->eth_dst,set_field:10.2.0.2->ip_dst,output:2
	table=0,priority=50,ip,in_port=2,nw_src=10.2.0.2,nw_dst=10.2.0.1,actions=set_field:$MV->eth_src,set_field:10.2.0.99->ip_src,output:1
	EOF
	tcpdump_start nb eb "$capb" ip
	pid=$TCPDUMP_PID
	tcpdump_start na ea "$capa" ip
	ping_ok na 10.2.0.99 3 || fail "ping 10.2.0.99 (rewritten to nb)"
	iperf_ok nb na 10.2.0.99 1M || fail "TCP to 10.2.0.99 through the L2/L3 rewrite"
	tcpdump_stop
	TCPDUMP_PID=$pid
	tcpdump_stop
	save "$capa" "$capb"
	[ "$(pcap_count "$capb" "ether dst $MB and src host 10.2.0.1 and dst host 10.2.0.2 and icmp")" -ge 3 ] ||
		fail "nb did not see echo requests rewritten to $MB/10.2.0.2"
	assert_eq 0 "$(pcap_count "$capb" 'host 10.2.0.99')" "frames with 10.2.0.99 on nb's side"
	[ "$(pcap_count "$capa" "ether src $MV and src host 10.2.0.99 and icmp")" -ge 3 ] ||
		fail "na did not see replies from $MV/10.2.0.99"
	[ "$(pcap_count "$capa" "ether src $MV and src host 10.2.0.99 and tcp")" -ge 10 ] ||
		fail "na did not see TCP from 10.2.0.99"
	assert_eq 0 "$(pcap_count "$capa" 'src host 10.2.0.2')" "frames from 10.2.0.2 on na's side"
	bad=$(bad_csums "$capb"; bad_csums "$capa")
	[ -z "$bad" ] || fail "bad checksums after the rewrite: $(echo "$bad" | head -n 3)"
}

# TCP 8080 -> 5201 and back; UDP 7000 -> 7001 with a new TOS.
case_set_field_l4() {
	local capb=$WEFTD_DIR/l4b.pcap capa=$WEFTD_DIR/l4a.pcap pid bad
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,tcp,in_port=1,nw_dst=10.2.0.2,tp_dst=8080,actions=set_field:5201->tcp_dst,output:2
	table=0,priority=50,tcp,in_port=2,nw_src=10.2.0.2,tp_src=5201,actions=set_field:8080->tcp_src,output:1
	table=0,priority=50,udp,in_port=1,tp_dst=7000,actions=mod_tp_dst:7001,mod_nw_tos:32,output:2
	EOF
	tcpdump_start nb eb "$capb" tcp or udp
	pid=$TCPDUMP_PID
	tcpdump_start na ea "$capa" tcp or udp
	iperf_ok nb na 10.2.0.2 1M 8080 5201 || fail "TCP to port 8080 (rewritten to 5201)"
	sink_start nb 7001 2 30 || fail "UDP sink"
	udp_flows na 10.2.0.2 7000 20000 5 0.05
	sink_wait
	tcpdump_stop
	TCPDUMP_PID=$pid
	tcpdump_stop
	save "$capa" "$capb"
	assert_eq 5 "$SINK_GOT" "UDP datagrams to 7000 received on 7001"
	[ "$(pcap_count "$capb" 'tcp dst port 5201')" -ge 10 ] || fail "nb saw no TCP to port 5201"
	assert_eq 0 "$(pcap_count "$capb" 'tcp port 8080')" "TCP with port 8080 on nb's side"
	[ "$(pcap_count "$capa" 'tcp src port 8080')" -ge 10 ] || fail "na saw no TCP from port 8080"
	assert_eq 0 "$(pcap_count "$capa" 'tcp port 5201')" "TCP with port 5201 on na's side"
	assert_eq 5 "$(pcap_count "$capb" 'udp dst port 7001 and ip[1] == 32')" "UDP to 7001 with TOS 32 on nb"
	bad=$(bad_csums "$capb"; bad_csums "$capa")
	[ -z "$bad" ] || fail "bad checksums after the rewrite: $(echo "$bad" | head -n 3)"
}

# na's frames get VLAN 42 (PCP 5) on the way to nb's e b.42; nb's come
# back untagged.
case_vlan() {
	local capb=$WEFTD_DIR/vlanb.pcap capa=$WEFTD_DIR/vlana.pcap pid n bad
	rules <<-EOF || return
	table=0,priority=50,in_port=1,actions=mod_vlan_vid:42,mod_vlan_pcp:5,output:2
	table=0,priority=50,in_port=2,dl_vlan=42,actions=strip_vlan,output:1
	table=0,priority=40,in_port=2,actions=drop
	EOF
	in_ns na ip addr add 10.42.0.1/24 dev ea
	in_ns nb ip link add link eb name eb.42 type vlan id 42
	in_ns nb ip addr add 10.42.0.2/24 dev eb.42
	in_ns nb ip link set eb.42 up
	tcpdump_start nb eb "$capb"
	pid=$TCPDUMP_PID
	tcpdump_start na ea "$capa"
	ping_ok na 10.42.0.2 3 || fail "ping na -> nb's VLAN 42 interface"
	ping_fail na 10.2.0.2 || fail "untagged from nb should be dropped"
	tcpdump_stop
	TCPDUMP_PID=$pid
	tcpdump_stop
	save "$capa" "$capb"
	tcpdump -e -n -r "$capb" 2>/dev/null >"$WEFTD_DIR/vlanb.txt"
	n=$(grep -c "$MA > .*ethertype 802.1Q (0x8100).*vlan 42, p 5," "$WEFTD_DIR/vlanb.txt")
	[ "$n" -ge 4 ] || fail "nb saw $n frames from na with VID 42 PCP 5: $(head -n 5 "$WEFTD_DIR/vlanb.txt")"
	bad=$(grep "$MA > " "$WEFTD_DIR/vlanb.txt" | grep -v 'vlan 42, p 5,')
	[ -z "$bad" ] || fail "frames from na without VID 42/PCP 5 on nb: $bad"
	bad=$(tcpdump -e -n -r "$capa" 2>/dev/null | grep -E '802\.1Q|vlan [0-9]')
	[ -z "$bad" ] || fail "tagged frames reached na (strip_vlan): $bad"
	[ "$(pcap_count "$capa" "ether src $MB and icmp")" -ge 3 ] || fail "na got no replies"
	in_ns nb ip link del eb.42
	in_ns na ip addr del 10.42.0.1/24 dev ea
}

case_dec_ttl() {
	local cap=$WEFTD_DIR/ttl.pcap txt bad
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,in_port=1,actions=dec_ttl,output:2
	table=0,priority=50,ip,in_port=2,actions=output:1
	EOF
	tcpdump_start nb eb "$cap" icmp
	ping_ok na 10.2.0.2 3 || fail "ping through dec_ttl"
	# TTL 1 cannot be decremented: OVS drops the packet (no controller).
	in_ns na ping -q -c 2 -i 0.3 -W 1 -t 1 -s 300 10.2.0.2 >/dev/null &&
		fail "a TTL 1 ping went through dec_ttl"
	tcpdump_stop
	save "$cap"
	txt=$(tcpdump -v -n -r "$cap" 2>/dev/null)
	[ "$(grep -c 'ttl 63,.*ICMP (1), length 84' <<<"$txt")" -ge 3 ] ||
		fail "nb did not see the echo requests with TTL 63: $(head -n 4 <<<"$txt")"
	assert_eq 0 "$(pcap_count "$cap" 'icmp and greater 300')" "TTL 1 pings that reached nb"
	bad=$(bad_csums "$cap")
	[ -z "$bad" ] || fail "bad IP checksum after dec_ttl: $bad"
}

# actions=in_port sends the packet back; output:1 with in_port=1 does not
# (OpenFlow: output to the input port needs in_port).
case_in_port() {
	local cap=$WEFTD_DIR/inport.pcap
	rules <<-EOF || return
	table=0,priority=50,udp,in_port=1,nw_dst=10.2.0.77,actions=in_port
	table=0,priority=50,udp,in_port=1,nw_dst=10.2.0.78,actions=output:1
	EOF
	tcpdump_start na ea "$cap" -Q in udp
	udp_flows na 10.2.0.77 9 30000 3 0.1
	udp_flows na 10.2.0.78 9 30100 3 0.1
	tcpdump_stop
	save "$cap"
	assert_eq 3 "$(pcap_count "$cap" 'dst host 10.2.0.77')" "frames sent back by actions=in_port"
	assert_eq 0 "$(pcap_count "$cap" 'dst host 10.2.0.78')" "frames sent back by output:1 (in_port=1)"
}

# Exact counters: 10 echo requests, 10 replies, 98 bytes each.
case_counters() {
	local p b
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=60,icmp,in_port=1,actions=output:2
	table=0,priority=60,icmp,in_port=2,actions=output:1
	EOF
	ping_ok na 10.2.0.2 10 || fail "ping"
	p=$(wait_stat 'priority=60,icmp,in_port=1 ' n_packets 10)
	b=$(rule_stat br0 'priority=60,icmp,in_port=1 ' n_bytes)
	assert_eq 10 "$p" "n_packets of icmp,in_port=1"
	assert_eq 980 "${b:-}" "n_bytes of icmp,in_port=1"
	p=$(wait_stat 'priority=60,icmp,in_port=2 ' n_packets 10)
	assert_eq 10 "$p" "n_packets of icmp,in_port=2"
	# And once more: the counts add up.
	ping_ok na 10.2.0.2 5 || fail "ping"
	assert_eq 15 "$(wait_stat 'priority=60,icmp,in_port=1 ' n_packets 15)" "n_packets after 5 more"
}

case_trace() {
	local out flow dpb
	rules <<-EOF || return
	$ARP_RULES
	table=0,priority=50,ip,in_port=1,actions=resubmit(,3)
	table=3,priority=50,ip,in_port=1,actions=dec_ttl,goto_table:7
	table=7,priority=50,ip,actions=output:2
	EOF
	dpb=$(dp_port_of pb)
	flow="in_port=1,icmp,dl_src=$MA,dl_dst=$MB,nw_src=10.2.0.1,nw_dst=10.2.0.2,nw_ttl=64"
	if [ ! -x "$TRACE" ]; then
		fail "not implemented: $TRACE does not exist"
	else
		out=$(wtrace br0 "$flow" 2>&1) || fail "weft-trace br0 $flow failed: $out"
		echo "$out"
		assert_match "$out" '(^|[[:space:]])0\. .*priority 50' "weft-trace: table 0 visited"
		assert_match "$out" '(^|[[:space:]])3\. .*priority 50' "weft-trace: table 3 visited"
		assert_match "$out" '(^|[[:space:]])7\. .*priority 50' "weft-trace: table 7 visited"
		assert_match "$out" "Datapath actions: .*set\(ipv4\(.*ttl=63.*\)\),$dpb\$" "weft-trace: datapath actions"
	fi
	out=$(appctl ofproto/trace br0 "$flow" 2>&1) || { fail "weft-appctl ofproto/trace br0 failed: $out"; return; }
	echo "$out"
	assert_match "$out" '(^|[[:space:]])3\. .*priority 50' "ofproto/trace: table 3 visited"
	assert_match "$out" '(^|[[:space:]])7\. .*priority 50' "ofproto/trace: table 7 visited"
	assert_match "$out" "Datapath actions: .*ttl=63.*,$dpb\$" "ofproto/trace: datapath actions"
}

setup
run_case resubmit
run_case goto_table
run_case registers
run_case set_field_l2l3
run_case set_field_l4
run_case vlan
run_case dec_ttl
run_case in_port
run_case counters
run_case trace
dp_flows >"$WEFT_RESULTS/dp-flows.txt"
finish
