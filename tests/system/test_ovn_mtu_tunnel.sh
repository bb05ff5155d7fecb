#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8: a router port's gateway_mtu on a path that crosses a tunnel.
# Two weft chassis, the real OVN control plane. The router pipeline runs
# on the chassis the packet enters by, so the check_pkt_larger northd
# emits for gateway_mtu, and the ICMP error, happen there: a too-big
# packet never goes into the tunnel, and the error comes back from the
# sending chassis. (ovn-controller 23.03's own large-packet tables, 37
# and 38, check only multi-chassis ports' packets that it tunnels
# instead of sending through a localnet port; it leaves gateway_mtu to
# these logical flows, as weft does.)
#
#   pod1 10.0.1.11 (ls1) on hv1 (nA) ─ lr1 (10.0.1.1 | 172.16.0.1,
#   gateway_mtu=1000 on lr1-ext) ─ ext ─ out 172.16.0.100 on hv2 (nB)
#
#   small       1,014-byte frames cross both ways, in GENEVE on the
#               underlay
#   too_big_in  out's 1,228-byte packet to pod1: out gets "need to frag
#               (mtu 1000)" from 172.16.0.1, and no GENEVE frame on the
#               underlay is big enough to hold the packet (hv2 made the
#               error)
#   too_big_out the same from pod1 to out, from 10.0.1.1, made by hv1;
#               then path MTU discovery: pod1's 1,200-byte pings are
#               answered, fragmented
#
# Run: WEFT_VM_SLOTS=2 make check-system TESTS=test_ovn_mtu_tunnel
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
MO=0a:00:00:00:10:64

setup() {
	ovn_two_chassis_up tcpdump ping
	ovn_mtu_nb || die "NB: ls1, lr1, ext"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nB out po 172.16.0.100/24 $MO lpo 172.16.0.1
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
	nbctl_wait sync || die "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lpo || die "not every port is up"
	sbctl lflow-list lr1 >"$WEFT_RESULTS/lflows-lr1.txt" 2>&1
	grep -q 'check_pkt_larger(1014)' "$WEFT_RESULTS/lflows-lr1.txt" ||
		die "northd emitted no check_pkt_larger(1014) for gateway_mtu"
}

case_small() {
	local cap=$WEFTD_DIR/small.pcap
	tcpdump_start nA uA "$cap" udp port 6081
	ping_ok pod1 172.16.0.100 3 || fail "ping pod1 (hv1) -> out (hv2)"
	# 972 bytes of payload: 1,000 of IP, 1,014 of frame, not larger.
	[ "$(pings pod1 172.16.0.100 972 3)" -ge 2 ] ||
		fail "1,014-byte frames pod1 -> out do not pass"
	[ "$(pings out 10.0.1.11 972 3)" -ge 2 ] ||
		fail "1,014-byte frames out -> pod1 do not pass"
	tcpdump_stop
	save "$cap"
	# 1,000 bytes of inner IP in GENEVE: 1,072-byte frames or more.
	[ "$(pcap_count "$cap" greater 1072)" -ge 4 ] ||
		fail "the 1,014-byte frames did not cross the tunnel"
	ovn_dump small
}

# too_big NODE NS ADDR IFACE FROM: one 1,200-byte ping from NS (a pod of
# NODE, on its port IFACE) to ADDR on the other chassis is answered by
# "need to frag (mtu 1000)" from FROM, and nothing that large crosses the
# underlay: NODE's own router pipeline made the error. The pod's kernel
# took it (its route to ADDR has mtu 1000).
too_big() {
	local node=$1 ns=$2 addr=$3 ifc=$4 from=$5 out
	local cap=$WEFTD_DIR/$ns-big.pcap ucap=$WEFTD_DIR/$ns-big-underlay.pcap
	tcpdump_start "$node" "$ifc" "$cap" icmp
	tcpdump_start nA uA "$ucap" udp port 6081
	[ "$(pings "$ns" "$addr" 1200 1)" = 0 ] ||
		fail "a 1,228-byte packet $ns -> $addr got through"
	tcpdump_stop
	save "$cap" "$ucap"
	out=$(tcpdump -n -v -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/$ns-big-decoded.txt"
	assert_match "$out" "$from > [0-9.]+: ICMP $addr unreachable - need to frag \(mtu 1000\)" \
		"$ns gets need-to-frag (mtu 1000) from $from"
	assert_eq 0 "$(pcap_count "$ucap" greater 1200)" \
		"GENEVE frames on the underlay that could hold $ns's 1,228-byte packet"
	assert_match "$(in_ns "$ns" ip route get "$addr" 2>&1)" "mtu 1000" \
		"$ns's kernel took the ICMP: its route to $addr has mtu 1000"
}

case_too_big_in() {
	too_big nB out 10.0.1.11 po 172.16.0.1
	ovn_dump too-big-in
}

case_too_big_out() {
	local n
	too_big nA pod1 172.16.0.100 p1 10.0.1.1
	# Path MTU discovery: pod1 now fragments to 1,000 bytes, and out
	# does since too_big_in.
	n=$(pings pod1 172.16.0.100 1200 5)
	[ "$n" -ge 2 ] ||
		fail "pod1's 1,200-byte pings are not answered after PMTU discovery ($n of 5)"
	ovn_dump too-big-out
}

setup
run_case small
run_case too_big_in
run_case too_big_out
finish
