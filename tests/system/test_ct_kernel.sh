#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Conntrack in weft.ko (issue 6), through weft-dpctl's datapath flows in
# ovs-dpctl syntax: a stateful firewall (the same verdicts as openvswitch.ko
# with the same flows), zones isolating two tenants with the same
# addresses, SNAT and DNAT checked on the wire and in conntrack's table,
# force_commit, timeout policies (nfct) attached by ct(commit,timeout=...)
# as openvswitch.ko attaches them, the ct fields of an upcall's key, a
# namespace deleted with a datapath in it, and rmmod with connections
# present. Fragments, refused and fuzzed ct actions are in
# test_ct_kernel_frag.sh (the two run in parallel VMs).
#
#   ns1: v1p 10.1.0.1 ---- v1 [port 1  dp0  port 2] v2 ---- v2p 10.1.0.2 :ns2
#                                     [port 3      ] v3 ---- v3p 10.1.0.3 :ns3
#   tenants (zones):  ta1 10.2.0.1 - [4 dp0 5] - ta2 10.2.0.2
#                     tb1 10.2.0.1 - [6 dp0 7] - tb2 10.2.0.2
#   openvswitch.ko:   os1 10.1.0.1 - [1 ovs-ct 2] - os2 10.1.0.2
#
# Neighbours are static, so the flows carry only IP.
. "$(dirname "$0")/lib.sh"
. "$(dirname "$0")/ct_lib.sh"

MA1=02:00:00:02:00:01 MA2=02:00:00:02:00:02
MB1=02:00:00:03:00:01 MB2=02:00:00:03:00:02
MO1=02:00:00:04:00:01 MO2=02:00:00:04:00:02

# ---- the stateful firewall: new connections from port 1 only --------------

FW_FLOWS=(
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=1),recirc(1)"
	"recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=1),recirc(2)"
	"recirc_id(0x1),in_port(1),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4() ct(commit,zone=1),2"
	"recirc_id(0x1),in_port(1),ct_state(-new+est+trk),eth(),eth_type(0x0800),ipv4() 2"
	"recirc_id(0x2),in_port(2),ct_state(-new+est+rpl+trk),eth(),eth_type(0x0800),ipv4() 1"
	"recirc_id(0x2),in_port(2),ct_state(-new-est+rel+trk),eth(),eth_type(0x0800),ipv4() 1"
	"recirc_id(0x2),in_port(2),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4() -"
)

# firewall_verdicts CMD DP NS_A NS_B ADDR_A ADDR_B: the firewall's verdicts
# as one line per probe, "name:verdict".
firewall_verdicts() {
	local cmd=$1 dp=$2 a=$3 b=$4 aa=$5 ab=$6 v

	ping_ok "$a" "$ab" 2 && v=ok || v=blocked
	echo "ping-a-to-b:$v"
	ping_ok "$b" "$aa" 1 && v=ok || v=blocked
	echo "ping-b-to-a:$v"
	echo "tcp-a-to-b:$(ct_tool "$a" tcp "$ab" 7001)"
	echo "tcp-b-to-a:$(ct_tool "$b" tcp "$aa" 7002)"
	# A closed UDP port: the ICMP error is related to the connection.
	echo "udp-closed-a-to-b:$(ct_tool "$a" udp-closed "$ab" 7999)"
	v=$(packets "$cmd" "$dp" "+rel")
	[ "${v:-0}" -ge 1 ] && v=counted || v=none
	echo "related-flow:$v"
	v=$(packets "$cmd" "$dp" "recirc_id(0x2),in_port(2),ct_state(+new")
	[ "${v:-0}" -ge 1 ] && v=counted || v=none
	echo "dropped-new-from-b:$v"
}

FW_EXPECT="ping-a-to-b:ok
ping-b-to-a:blocked
tcp-a-to-b:ok
tcp-b-to-a:blocked
udp-closed-a-to-b:refused
related-flow:counted
dropped-new-from-b:counted"

case_firewall() {
	local got
	flows dpctl dp0 "${FW_FLOWS[@]}"
	got=$(firewall_verdicts dpctl dp0 ns1 ns2 10.1.0.1 10.1.0.2)
	dpctl dump-flows dp0 >"$W/firewall.flows"
	conntrack -L -w 1 >"$W/firewall.conntrack" 2>&1
	assert_eq "$FW_EXPECT" "$got" "firewall verdicts through weft.ko" || return
	# The committed connections are in nf_conntrack's table, zone 1.
	grep -q 'dport=7001 .*ASSURED.*zone=1' "$W/firewall.conntrack" ||
		fail "no assured tcp entry in zone 1: $(cat "$W/firewall.conntrack")"
	echo "$got" >"$W/firewall.weft"
}

case_firewall_ovs() {
	local got
	# The same addresses and zone as weft's run: start from an empty table.
	conntrack -F >/dev/null 2>&1
	flows ovs-dpctl ovs-ct "${FW_FLOWS[@]}"
	got=$(firewall_verdicts ovs-dpctl ovs-ct os1 os2 10.1.0.1 10.1.0.2)
	ovs-dpctl dump-flows ovs-ct >"$W/firewall.ovs-flows"
	echo "$got" >"$W/firewall.ovs"
	assert_eq "$(cat "$W/firewall.weft" 2>/dev/null)" "$got" \
		"openvswitch.ko's verdicts against weft.ko's"
}

setup() {
	require conntrack tcpdump ovs-dpctl nfct "$DPCTL"
	weft_load
	ct_netns_add ns1 ns2 ns3 ta1 ta2 tb1 tb2 os1 os2
	# SNAT and DNAT: 10.1.0.100 is ns1 translated, 10.1.0.200 the VIP of
	# ns2:7001 and ns3:7003; 10.1.0.11 is ns1's second client address.
	ct_host ns1 v1 v1p $M1 10.1.0.1/24 10.1.0.11/24 -- "10.1.0.2 $M2" \
		"10.1.0.3 $M3" "10.1.0.200 $M2"
	ct_host ns2 v2 v2p $M2 10.1.0.2/24 -- "10.1.0.1 $M1" \
		"10.1.0.100 $M1" "10.1.0.11 $M1"
	ct_host ns3 v3 v3p $M3 10.1.0.3/24 -- "10.1.0.1 $M1" "10.1.0.11 $M1"
	# The tenants: the same addresses twice, on ports 4-7.
	ct_host ta1 ta1x ta1p $MA1 10.2.0.1/24 -- "10.2.0.2 $MA2"
	ct_host ta2 ta2x ta2p $MA2 10.2.0.2/24 -- "10.2.0.1 $MA1"
	ct_host tb1 tb1x tb1p $MB1 10.2.0.1/24 -- "10.2.0.2 $MB2"
	ct_host tb2 tb2x tb2p $MB2 10.2.0.2/24 -- "10.2.0.1 $MB1"
	ct_host os1 o1 o1p $MO1 10.1.0.1/24 -- "10.1.0.2 $MO2"
	ct_host os2 o2 o2p $MO2 10.1.0.2/24 -- "10.1.0.1 $MO1"
	server ns2 10.1.0.2 7001
	server ns1 10.1.0.1 7002
	server ns3 10.1.0.3 7003
	server os2 10.1.0.2 7001
	server os1 10.1.0.1 7002
	# Ports 1-7 in this order, in one process start.
	dpctl add-dp dp0 v1 v2 v3 ta1x ta2x tb1x tb2x || die "add-dp"
	on_exit "$DPCTL" del-dp dp0
	conntrack -F >/dev/null 2>&1
	ovs_dp_add ovs-ct
	ovs-dpctl add-if ovs-ct o1 o2 || die "ovs add-if o1 o2"
	servers_ready ns2:7001 ns1:7002 ns3:7003 os2:7001 os1:7002
	dpctl show dp0 | tee "$W/dp0.show"
	grep -q '^  port 7: tb2x' "$W/dp0.show" || die "dp0's ports are not 1-7 in order"
}

# ---- zones: two tenants with the same addresses ------------------------------

# zone_flows PA PB ZONE RA RB: tenant on ports PA (clients) and PB
# (servers) in ZONE, recirculating with RA/RB; the commit sets a mark and
# a label, and the replies' flow matches them (and the zone) back.
zone_flows() {
	local pa=$1 pb=$2 z=$3 ra=$4 rb=$5
	printf '%s\n' \
	"recirc_id(0),in_port($pa),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=$z),recirc($ra)" \
	"recirc_id(0),in_port($pb),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=$z),recirc($rb)" \
	"recirc_id($(printf 0x%x "$ra")),in_port($pa),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4() ct(commit,zone=$z,mark=0x$z/0xff,label=0x1$z/0xfff),$pb" \
	"recirc_id($(printf 0x%x "$ra")),in_port($pa),ct_state(-new+est+trk),eth(),eth_type(0x0800),ipv4() $pb" \
	"recirc_id($(printf 0x%x "$rb")),in_port($pb),ct_state(-new+est+rpl+trk),ct_zone($(printf 0x%x "$z")),ct_mark(0x$z),ct_label(0x1$z/0xfff),eth(),eth_type(0x0800),ipv4() $pa"
}

case_zones() {
	local lines v
	mapfile -t lines < <(zone_flows 4 5 10 10 11; zone_flows 6 7 20 20 21)
	flows dpctl dp0 "${lines[@]}"
	conntrack -F >/dev/null 2>&1

	# Tenant A opens 10.2.0.1:5000 -> 10.2.0.2:6000 (zone 10).
	ct_tool ta1 udp-send 10.2.0.1 5000 10.2.0.2 6000
	wait_for 10 sh -c 'conntrack -L -w 10 2>/dev/null | grep -q "dport=6000"' ||
		fail "tenant A's connection is not in zone 10"
	assert_eq 0 "$(ct_count 20)" "connections in zone 20 before tenant B spoke"

	# Tenant B's server sends what would be A's reply: new in zone 20,
	# where nothing allows it.
	udp_recv_start tb1 10.2.0.1 5000 3 "$W/zones.b"
	ct_tool tb2 udp-send 10.2.0.2 6000 10.2.0.1 5000
	assert_eq none "$(udp_recv_wait "$W/zones.b")" \
		"tenant B got a 'reply' to tenant A's connection"
	# The same datagram in tenant A is the reply and passes.
	udp_recv_start ta1 10.2.0.1 5000 10 "$W/zones.a"
	ct_tool ta2 udp-send 10.2.0.2 6000 10.2.0.1 5000
	assert_eq "got 16" "$(udp_recv_wait "$W/zones.a")" "tenant A's reply"

	# Tenant B opens the same 5-tuple: its own entry, in zone 20.
	ct_tool tb1 udp-send 10.2.0.1 5000 10.2.0.2 6000
	udp_recv_start tb1 10.2.0.1 5000 10 "$W/zones.b2"
	ct_tool tb2 udp-send 10.2.0.2 6000 10.2.0.1 5000
	assert_eq "got 16" "$(udp_recv_wait "$W/zones.b2")" "tenant B's reply"
	conntrack -L >"$W/zones.conntrack" 2>&1
	v=$(grep -c 'src=10.2.0.1 dst=10.2.0.2 sport=5000 dport=6000' "$W/zones.conntrack")
	assert_eq 2 "$v" "entries with the one 5-tuple (one per zone)"
	grep -q 'mark=16 .*zone=10' "$W/zones.conntrack" ||
		fail "zone 10's entry lacks mark 0x10: $(cat "$W/zones.conntrack")"
	grep -q 'mark=32 .*zone=20' "$W/zones.conntrack" ||
		fail "zone 20's entry lacks mark 0x20"
	dpctl dump-flows dp0 >"$W/zones.flows"
	grep -q 'ct_mark(0x10)' "$W/zones.flows" || fail "dump lacks ct_mark(0x10)"
}

# ---- NAT ------------------------------------------------------------------------

case_snat() {
	local n
	flows dpctl dp0 \
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=2),recirc(5)" \
	"recirc_id(0x5),in_port(1),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4() ct(commit,zone=2,nat(src=10.1.0.100)),2" \
	"recirc_id(0x5),in_port(1),ct_state(-new+est+trk),eth(),eth_type(0x0800),ipv4() ct(zone=2,nat),2" \
	"recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=2,nat),recirc(6)" \
	"recirc_id(0x6),in_port(2),ct_state(+est+rpl+trk),eth(),eth_type(0x0800),ipv4() 1"
	tcpdump_start ns2 v2p "$W/snat.pcap" ip
	ping_ok ns1 10.1.0.2 3 || fail "no ping reply through SNAT"
	assert_eq ok "$(ct_tool ns1 tcp 10.1.0.2 7001)" "tcp through SNAT"
	tcpdump_stop
	n=$(pcap_count "$W/snat.pcap" src host 10.1.0.100)
	[ "$n" -ge 6 ] || fail "only $n packets from 10.1.0.100 on ns2's wire"
	assert_eq 0 "$(pcap_count "$W/snat.pcap" src host 10.1.0.1)" \
		"packets with the untranslated source on ns2's wire"
	conntrack -L -w 2 >"$W/snat.conntrack" 2>&1
	grep -q 'src=10.1.0.1 dst=10.1.0.2 .*dport=7001 src=10.1.0.2 dst=10.1.0.100 ' \
		"$W/snat.conntrack" ||
		fail "no SNAT entry in zone 2: $(cat "$W/snat.conntrack")"
}

case_dnat() {
	local m2=$M2 m3=$M3
	flows dpctl dp0 \
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=4,nat),recirc(7)" \
	"recirc_id(0x7),in_port(1),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4(src=10.1.0.1) ct(commit,zone=4,nat(dst=10.1.0.2:7001)),set(eth(dst=$m2)),2" \
	"recirc_id(0x7),in_port(1),ct_state(+new+trk),eth(),eth_type(0x0800),ipv4(src=10.1.0.11) ct(commit,zone=4,nat(dst=10.1.0.3:7003)),set(eth(dst=$m3)),3" \
	"recirc_id(0x7),in_port(1),ct_state(-new+est+trk),ct_tuple4(dst=10.1.0.200),eth(),eth_type(0x0800),ipv4(dst=10.1.0.2) set(eth(dst=$m2)),2" \
	"recirc_id(0x7),in_port(1),ct_state(-new+est+trk),ct_tuple4(dst=10.1.0.200),eth(),eth_type(0x0800),ipv4(dst=10.1.0.3) set(eth(dst=$m3)),3" \
	"recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=4,nat),recirc(8)" \
	"recirc_id(0),in_port(3),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=4,nat),recirc(8)" \
	"recirc_id(0x8),ct_state(+est+rpl+trk),eth(),eth_type(0x0800),ipv4() 1"
	tcpdump_start ns3 v3p "$W/dnat.pcap" tcp
	assert_eq ok "$(ct_tool ns1 tcp 10.1.0.200 80 10.1.0.1)" "VIP from 10.1.0.1 (backend ns2)"
	assert_eq ok "$(ct_tool ns1 tcp 10.1.0.200 80 10.1.0.11)" "VIP from 10.1.0.11 (backend ns3)"
	tcpdump_stop
	[ "$(pcap_count "$W/dnat.pcap" dst host 10.1.0.3 and dst port 7003)" -ge 2 ] ||
		fail "backend ns3 saw no translated packets"
	assert_eq 0 "$(pcap_count "$W/dnat.pcap" host 10.1.0.200)" \
		"the VIP on the backend's wire"
	conntrack -L -w 4 >"$W/dnat.conntrack" 2>&1
	grep -q 'src=10.1.0.1 dst=10.1.0.200 .*dport=80 src=10.1.0.2 dst=10.1.0.1 sport=7001' \
		"$W/dnat.conntrack" || fail "no DNAT entry to ns2: $(cat "$W/dnat.conntrack")"
	grep -q 'src=10.1.0.11 dst=10.1.0.200 .*dport=80 src=10.1.0.3 dst=10.1.0.11 sport=7003' \
		"$W/dnat.conntrack" || fail "no DNAT entry to ns3"
}

# force_commit: a packet in a connection's reply direction replaces the
# entry with one whose original direction is its own.
case_force_commit() {
	local t
	flows dpctl dp0 \
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no) ct(commit,zone=11),2" \
	"recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no) ct(force_commit,zone=11),1"
	udp_recv_start ns2 10.1.0.2 6000 10 "$W/force.recv"
	ct_tool ns1 udp-send 10.1.0.1 5000 10.1.0.2 6000
	assert_eq "got 16" "$(udp_recv_wait "$W/force.recv")" "the first datagram"
	t=$(conntrack -L -w 11 2>/dev/null)
	assert_match "$t" '^udp +17 +[0-9]+ src=10\.1\.0\.1 dst=10\.1\.0\.2 sport=5000 dport=6000 ' \
		"the entry committed from ns1" || return
	udp_recv_start ns1 10.1.0.1 5000 10 "$W/force.recv1"
	ct_tool ns2 udp-send 10.1.0.2 6000 10.1.0.1 5000
	assert_eq "got 16" "$(udp_recv_wait "$W/force.recv1")" "the answer"
	t=$(conntrack -L -w 11 2>/dev/null)
	echo "$t" >"$W/force.conntrack"
	assert_match "$t" '^udp +17 +[0-9]+ src=10\.1\.0\.2 dst=10\.1\.0\.1 sport=6000 dport=5000 ' \
		"the entry force-committed from ns2"
	assert_eq 1 "$(grep -c 'sport=6000 dport=5000' <<<"$t")" \
		"entries for the pair in zone 11"
}

# ---- timeout policies ------------------------------------------------------------

# udp_timeout ZONE DPORT: the seconds left of the UDP entry to DPORT in ZONE.
udp_timeout() {
	conntrack -L -w "$1" -p udp --dport "$2" 2>/dev/null |
		awk '{ print $3; exit }'
}

# policy_del: "deleted" if nfct deletes weft_udp (then adds it back), else
# "held".
policy_del() {
	if nfct del timeout weft_udp >/dev/null 2>&1; then
		nfct add timeout weft_udp inet udp unreplied 12 replied 14
		echo deleted
	else
		echo held
	fi
}

# ct(commit,timeout=NAME) attaches nfnetlink_cttimeout's policy NAME: the
# entry's timeout follows it (12 s unreplied instead of nf_conntrack's 30),
# as under openvswitch.ko, and a flow holds the policy as openvswitch.ko's
# does; once the flows are gone nfct can delete it. An unknown name is
# refused at install (openvswitch.ko accepts the flow and only logs; its
# answer is logged here).
case_timeout_policy() {
	local u="recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=17,frag=no)"
	local t out held_weft held_ovs
	modprobe -q nfnetlink_cttimeout
	nfct del timeout weft_udp >/dev/null 2>&1
	nfct add timeout weft_udp inet udp unreplied 12 replied 14 ||
		{ fail "nfct add timeout weft_udp"; return; }
	flows dpctl dp0 "$u,udp(dst=6101) ct(commit,zone=12,timeout=weft_udp),2" \
		"$u,udp(dst=6102) ct(commit,zone=12),2"
	assert_match "$(dpctl dump-flows dp0)" 'actions:ct\(commit,zone=12,timeout=weft_udp\),2' \
		"the policy in weft-dpctl's dump"
	ct_tool ns1 udp-send 10.1.0.1 5101 10.1.0.2 6101
	ct_tool ns1 udp-send 10.1.0.1 5102 10.1.0.2 6102
	# Read at once: the policy's entries live 12 s.
	conntrack -L -w 12 >"$W/timeout.conntrack" 2>&1
	t=$(awk '/sport=5101 dport=6101/ { print $3; exit }' "$W/timeout.conntrack")
	[[ "$t" =~ ^[0-9]+$ ]] && [ "$t" -le 12 ] ||
		fail "weft.ko: the entry under weft_udp has timeout '$t', expected 12 or less: $(cat "$W/timeout.conntrack")"
	t=$(awk '/sport=5102 dport=6102/ { print $3; exit }' "$W/timeout.conntrack")
	[[ "$t" =~ ^[0-9]+$ ]] && [ "$t" -gt 14 ] ||
		fail "weft.ko: the entry without a policy has timeout '$t', expected nf_conntrack's default (30)"
	held_weft=$(policy_del)
	dpctl del-flows dp0
	flows ovs-dpctl ovs-ct "$u,udp(dst=6101) ct(commit,zone=12,timeout=weft_udp),2"
	ct_tool os1 udp-send 10.1.0.1 5103 10.1.0.2 6101
	conntrack -L -w 12 >>"$W/timeout.conntrack" 2>&1
	t=$(awk '/sport=5103 dport=6101/ { print $3; exit }' "$W/timeout.conntrack")
	[[ "$t" =~ ^[0-9]+$ ]] && [ "$t" -le 12 ] ||
		fail "openvswitch.ko: the entry under weft_udp has timeout '$t', expected 12 or less"
	held_ovs=$(policy_del)
	log "nfct del timeout while a flow uses it: weft.ko's $held_weft, openvswitch.ko's $held_ovs"
	assert_eq "$held_ovs" "$held_weft" \
		"the policy under a weft.ko flow against under an openvswitch.ko flow"
	refused "$u" "ct(commit,zone=12,timeout=nosuch),2" "no such timeout policy"
	out=$(ovs-dpctl add-flow ovs-ct "$u,udp(dst=6103)" \
		"ct(commit,zone=12,timeout=nosuch),2" 2>&1) &&
		log "openvswitch.ko accepts ct(timeout=nosuch): $(dmesg | grep -i 'timeout policy' | tail -n 1)" ||
		log "openvswitch.ko refuses ct(timeout=nosuch): $out"
	ovs-dpctl del-flows ovs-ct
	wait_for 10 nfct del timeout weft_udp ||
		fail "the policy cannot be deleted after the flows were"
}

# A miss after ct: the upcall's key carries the ct fields (state, zone,
# original tuple); the packet re-injected with ct(commit) is committed.
case_upcall_key() {
	local listen=$TOOLS/weft-upcall-listen out
	[ -x "$listen" ] || { fail "no $listen"; return; }
	flows dpctl dp0 \
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no) ct(zone=7),recirc(9)"
	"$listen" -n 1 -t 60 -x "ct(commit,zone=7),2" dp0 >"$W/upcall.log" 2>&1 &
	local pid=$!
	wait_for 30 grep -q ready "$W/upcall.log" || fail "listener not ready"
	ping_ok ns1 10.1.0.2 1
	wait "$pid"
	out=$(cat "$W/upcall.log")
	assert_match "$out" 'miss .*recirc_id\(0x9\)' "a miss at recirc_id 9" || return
	assert_match "$out" 'ct_state\([^)]*new' "ct_state in the upcall key"
	assert_match "$out" 'ct_zone\(0x7\)' "ct_zone in the upcall key"
	assert_match "$out" 'ct_tuple4\(src=10.1.0.1,dst=10.1.0.2,proto=1' \
		"the original tuple in the upcall key"
	assert_match "$out" '^executed' "the re-injected packet"
	wait_for 10 sh -c 'conntrack -L -w 7 2>/dev/null | grep -q "src=10.1.0.1 dst=10.1.0.2"' ||
		fail "execute's ct(commit) left no entry in zone 7"
}

# ---- a namespace deleted with a datapath in it -------------------------------

case_netns_delete() {
	local mx=02:00:00:05:00:01 my=02:00:00:05:00:02
	ct_netns_add nsd nsx nsy
	ip link add x1 netns nsd type veth peer name x1p netns nsx address $mx &&
		ip link add x2 netns nsd type veth peer name x2p netns nsy \
			address $my || { fail "veths into nsd"; return; }
	printf 'link set x1 up\nlink set x2 up\n' | ip -n nsd -batch - &&
		ip -n nsx -batch - <<-EOF &&
			link set x1p up
			address add 10.3.0.1/24 dev x1p
			neigh replace 10.3.0.2 lladdr $my dev x1p nud permanent
		EOF
		ip -n nsy -batch - <<-EOF || { fail "addresses"; return; }
			link set x2p up
			address add 10.3.0.2/24 dev x2p
			neigh replace 10.3.0.1 lladdr $mx dev x2p nud permanent
			neigh replace 10.3.0.50 lladdr $mx dev x2p nud permanent
		EOF
	in_ns nsd "$DPCTL" add-dp dpn && in_ns nsd "$DPCTL" add-if dpn x1 &&
		in_ns nsd "$DPCTL" add-if dpn x2 || { fail "datapath in nsd"; return; }
	in_ns nsd "$DPCTL" add-flow dpn "recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)" "ct(commit,zone=9,nat(src=10.3.0.50)),2"
	in_ns nsd "$DPCTL" add-flow dpn "recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no)" "ct(zone=9,nat),1"
	ping_ok nsx 10.3.0.2 2 || fail "no ping through the datapath in nsd"
	[ "$(in_ns nsd conntrack -L -w 9 2>/dev/null | grep -c .)" -ge 1 ] ||
		fail "no conntrack entry in nsd"
	ip netns del nsd
	# The namespace goes with its datapath and ports: the veths' peers go.
	wait_for 60 sh -c '! ip -n nsx link show x1p' ||
		fail "nsd's ports were not destroyed"
}

# ---- unload with connections present ---------------------------------------------

case_rmmod_clean() {
	# Fresh connections (and a packet queued for reassembly) to unload with.
	flows dpctl dp0 "${FW_FLOWS[@]}" \
		"recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6() ct(zone=3),recirc(4)"
	ping_ok ns1 10.1.0.2 2 || fail "no ping through the firewall"
	assert_eq ok "$(ct_tool ns1 tcp 10.1.0.2 7001)" "tcp through the firewall"
	ct_tool ns1 bad-frags v1p $M2 10.1.0.1 10.1.0.2 1 8 >/dev/null
	ct_rmmod_clean
}

setup
run_case firewall
run_case firewall_ovs
run_case zones
run_case snat
run_case dnat
run_case force_commit
run_case timeout_policy
run_case upcall_key
run_case netns_delete
run_case rmmod_clean
finish
