#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8: check_pkt_larger. A router port with options:gateway_mtu makes
# ovn-northd 23.03 emit "reg9[1] = check_pkt_larger(MTU + 14)" (in
# lr_in_admission for packets coming in on the port, lr_in_chk_pkt_len
# for packets routed out of it) and an icmp4_error { ... frag_mtu ... }
# for the larger ones. weft compiles the action into one datapath flow
# whose check_pkt_len action holds both outcomes. One weft chassis, the
# real OVN control plane.
#
#   pod1 10.0.1.11 fd00:1::11 (ls1) ─ lr1 (10.0.1.1 fd00:1::1 |
#   172.16.0.1 fd00:2::1, gateway_mtu=1000) ─ ext ─ out 172.16.0.100
#   fd00:2::100                         all behind br-int of weftd hv1 (nA)
#
#   small      1,000-byte frames (at most 1000 + 14) pass both ways
#   too_big_in out's 1,242-byte frame to pod1: out gets "need to frag
#              (mtu 1000)" from 172.16.0.1, and its kernel takes the MTU
#   too_big_out the same from pod1 to out, from 10.0.1.1; then path MTU
#              discovery completes: pod1's 1,200-byte pings are answered
#              (fragmented by the hosts, as the ICMP told them)
#   too_big_v6 pod1's 1,248-byte IPv6 packet to out: "packet too big, mtu
#              1000" from fd00:1::1 (icmp6_error), checksum good, counted
#              by pod1's kernel (Icmp6InPktTooBigs; Linux keeps no IPv6
#              path MTU below 1280, so its route does not change)
#   megaflow   the datapath flows carry check_pkt_len(size=1014,...), and
#              weft-trace shows both branches
#   router_sctp the router's other error northd 23.03 writes with an action
#              weft lacked: an SCTP INIT to 10.0.1.1 is answered by
#              sctp_abort { } (lr_in_ip_input): pod1's connect is refused,
#              tcpdump sees the ABORT from 10.0.1.1
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_mtu.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
MO=0a:00:00:00:10:64
LR_LS1=02:00:00:00:01:01	# lr1-ls1's MAC (ovn_mtu_nb)

# v6_up POD ADDR GW: IPv6 on (vm_up turns it off), ADDR/64, default via GW.
v6_up() {
	in_ns "$1" sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.eth0.disable_ipv6=0
	ip -n "$1" -batch - <<-EOF || die "$1: IPv6"
	addr add $2/64 dev eth0 nodad
	route add default via $3
	EOF
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$DPCTL" "$TRACE" \
		ovn-northd ovn-nbctl ovn-sbctl ovsdb-server tcpdump ping
	modprobe sctp || die "modprobe sctp"
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	ovn_chassis nA hv1 192.168.70.1 || die "nA: chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	ovn_mtu_nb v6 || die "NB: ls1, lr1, ext"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nA out po 172.16.0.100/24 $MO lpo 172.16.0.1
	v6_up pod1 fd00:1::11 fd00:1::1
	v6_up out fd00:2::100 fd00:2::1
	nbctl_wait sync || die "ovn-nbctl --wait=hv sync did not return"
	sbctl lflow-list lr1 >"$WEFT_RESULTS/lflows-lr1.txt" 2>&1
	grep -q 'check_pkt_larger(1014)' "$WEFT_RESULTS/lflows-lr1.txt" ||
		die "northd emitted no check_pkt_larger(1014) for gateway_mtu"
}

# One datapath's view after a case, for diagnosis.
mtu_dump() {
	nofctl nA dump-flows br-int >"$WEFT_RESULTS/flows-$1.txt" 2>&1
	nappctl nA lflow/stats >"$WEFT_RESULTS/lflow-stats-$1.txt" 2>&1
	ndp_flows nA >"$WEFT_RESULTS/dp-flows-$1.txt" 2>&1
}

case_small() {
	local stats
	stats=$(nappctl nA lflow/stats 2>&1)
	echo "$stats" >"$WEFT_RESULTS/lflow-stats-start.txt"
	if grep -q 'check_pkt_larger' <<<"$stats"; then
		fail "lflow/stats still lists check_pkt_larger as skipped"
	fi
	ping_ok pod1 172.16.0.100 3 || fail "ping pod1 -> out"
	# 972 bytes of payload: 1,000 of IP, 1,014 of frame, not larger.
	[ "$(pings pod1 172.16.0.100 972 3)" -ge 2 ] ||
		fail "1,014-byte frames pod1 -> out do not pass"
	[ "$(pings out 10.0.1.11 972 3)" -ge 2 ] ||
		fail "1,014-byte frames out -> pod1 do not pass"
	mtu_dump small
}

# too_big NS ADDR IFACE FROM MTU_DST: one 1,200-byte ping from NS to
# ADDR is answered by "need to frag (mtu 1000)" from FROM, seen on the
# pod's port IFACE, and the pod's kernel (which checks the ICMP checksum
# and the quoted header) lowers its path MTU to ADDR.
too_big() {
	local ns=$1 addr=$2 ifc=$3 from=$4 cap=$WEFTD_DIR/$1-big.pcap out
	tcpdump_start nA "$ifc" "$cap" icmp
	[ "$(pings "$ns" "$addr" 1200 1)" = 0 ] ||
		fail "a 1,228-byte packet $ns -> $addr got through"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -v -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/$ns-big-decoded.txt"
	assert_match "$out" "$from > [0-9.]+: ICMP $addr unreachable - need to frag \(mtu 1000\)" \
		"$ns gets need-to-frag (mtu 1000) from $from"
	assert_match "$(in_ns "$ns" ip route get "$addr" 2>&1)" "mtu 1000" \
		"$ns's kernel took the ICMP: its route to $addr has mtu 1000"
}

case_too_big_in() {
	too_big out 10.0.1.11 po 172.16.0.1
	mtu_dump too-big-in
}

case_too_big_out() {
	local n
	too_big pod1 172.16.0.100 p1 10.0.1.1
	# Path MTU discovery: both hosts now fragment to 1,000 bytes (the
	# replies teach out on the way back).
	n=$(pings pod1 172.16.0.100 1200 5)
	[ "$n" -ge 2 ] ||
		fail "pod1's 1,200-byte pings are not answered after PMTU discovery ($n of 5)"
	mtu_dump too-big-out
}

# ptb_count NS: the ICMPv6 packet too big messages NS's kernel took (it
# counts them after checking the checksum).
ptb_count() {
	in_ns "$1" cat /proc/net/snmp6 | awk '$1 == "Icmp6InPktTooBigs" { print $2 }'
}

case_too_big_v6() {
	local cap=$WEFTD_DIR/pod1-big6.pcap out n0
	[ "$(pings pod1 fd00:2::100 900 3)" -ge 2 ] ||
		fail "IPv6 pod1 -> out (948-byte frames) does not pass"
	n0=$(ptb_count pod1)
	tcpdump_start nA p1 "$cap" icmp6
	[ "$(pings pod1 fd00:2::100 1200 1)" = 0 ] ||
		fail "a 1,248-byte IPv6 packet pod1 -> out got through"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -v -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/pod1-big6-decoded.txt"
	assert_match "$out" "fd00:1::1 > fd00:1::11: \[icmp6 sum ok\] ICMP6, packet too big, mtu 1000" \
		"pod1 gets packet too big (mtu 1000) from fd00:1::1"
	assert_eq $((n0 + 1)) "$(ptb_count pod1)" \
		"pod1's kernel took one packet too big (Icmp6InPktTooBigs)"
	mtu_dump too-big-v6
}

case_megaflow() {
	local p1 flows tr
	flows=$(ndp_flows nA)
	echo "$flows" >"$WEFT_RESULTS/dp-flows-megaflow.txt"
	assert_match "$flows" "check_pkt_len\(size=1014,gt\(" \
		"a datapath flow holds check_pkt_len(size=1014) with both branches"
	p1=$(nvsctl nA get Interface p1 ofport)
	tr=$(ntrace nA br-int "in_port=$p1,icmp,dl_src=$M1,dl_dst=$LR_LS1,nw_src=10.0.1.11,nw_dst=172.16.0.100,nw_ttl=64,icmp_type=8" 2>&1)
	echo "$tr" >"$WEFT_RESULTS/trace-megaflow.txt"
	assert_match "$tr" "check_pkt_larger\(1014\): longer than 1014 bytes" \
		"weft-trace shows the larger branch"
	assert_match "$tr" "check_pkt_larger\(1014\): at most 1014 bytes" \
		"weft-trace shows the other branch"
	assert_match "$tr" "check_pkt_len\(size=1014,gt\(.*userspace.*\),le\(" \
		"the traced actions send the larger packets to pinctrl"
}

case_router_sctp() {
	local cap=$WEFTD_DIR/router-sctp.pcap out
	tcpdump_start nA p1 "$cap" sctp
	assert_eq refused "$(sctp_connect pod1 10.0.1.1 5000)" \
		"SCTP pod1 -> the router's 10.0.1.1:5000"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -v -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/router-sctp-decoded.txt"
	assert_match "$out" "10\.0\.1\.1\.5000 > 10\.0\.1\.11\.[0-9]+: sctp.*ABORT" \
		"pod1 receives an ABORT from 10.0.1.1"
}

setup
run_case small
run_case too_big_in
run_case too_big_out
run_case too_big_v6
run_case megaflow
run_case router_sctp
finish
