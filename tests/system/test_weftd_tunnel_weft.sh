#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 1200
#
# Issue 5, weft <-> weft: two nodes, each its own weftd and datapath in its
# own namespace, joined by an underlay veth; a "VM" behind each. Tunnel
# ports configured with weft-vsctl; traffic between the VMs.
#
#   netns vmA 10.30.0.1 ══ pA ┐                        ┌ pB ══ 10.30.0.2 vmB
#                             br-int (weftd, netns nA)  br-int (netns nB)
#                             uA 192.168.70.1 ══════════ uB 192.168.70.2
#                                fd00:70::1               fd00:70::2
#
#   geneve_v4, geneve_v6, vxlan_v4, vxlan_v6
#                 br-int's NORMAL (standalone) across a tunnel port with a
#                 fixed remote_ip and key: ping and a TCP transfer both
#                 ways; the datapath shows the shared vport (genev_sys_6081,
#                 vxlan_sys_4789) and set(tunnel(...)) in its flows
#   flow_tlv      OVN's way: remote_ip=flow key=flow, a TLV map mapping
#                 {class=0x0102,type=0x80,len=4} to tun_metadata0 on both
#                 nodes, rules setting tun_id/tun_dst/tun_metadata0 on the
#                 way out and matching them on the way in; the receiving
#                 rules count the packets, the megaflows match the option
#   tlv_persist   the TLV map survives a weftd restart; dump-tlv-map prints
#                 ovs-ofctl's table
#   mtu           weft-vsctl show warns when a VM port's MTU plus the
#                 tunnel's overhead exceeds the underlay's; tunnel/mtu
#                 prints the arithmetic
#   crit_option   a GENEVE packet from nB carrying OVN's option is
#                 delivered to vmA; the same with one more, critical option
#                 nA's TLV map does not know is dropped (RFC 8926 3.5)
#   trace         weft-trace of a tunnel packet shows the tunnel fields and
#                 set(tunnel(...))
#   flow_v6       the same flow tunnels with the remote in tun_ipv6_dst:
#                 an IPv6 underlay chosen per packet
. "$(dirname "$0")/weftd_tunnel_lib.sh"

MA=02:00:00:00:30:01
MB=02:00:00:00:30:02

setup() {
	modprobe veth
	# weft.ko's tunnel vports need the kernel's UDP tunnel helpers.
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$DPCTL" ethtool
	weft_load
	underlay_up
	vm_up vmA nA pA 10.30.0.1/24 $MA
	vm_up vmB nB pB 10.30.0.2/24 $MB
	nweftd_start nA || die "weftd in nA did not start"
	nweftd_start nB || die "weftd in nB did not start"
	nvsctl nA add-br br-int -- add-port br-int pA || die "nA: br-int"
	nvsctl nB add-br br-int -- add-port br-int pB || die "nB: br-int"
	ping_ok nA 192.168.70.2 3 || die "the underlay does not work"
}

# traffic: ping and TCP both ways between the VMs.
traffic() {
	ping_ok vmA 10.30.0.2 5 || fail "$1: ping vmA -> vmB"
	ping_ok vmB 10.30.0.1 3 || fail "$1: ping vmB -> vmA"
	iperf_ok vmB vmA 10.30.0.2 1M 5201 || fail "$1: TCP vmA -> vmB"
	iperf_ok vmA vmB 10.30.0.1 1M 5202 || fail "$1: TCP vmB -> vmA"
}

normal_case() {
	local type=$1 fam=$2 key=$3 vport=$4 out
	tunnel_pair "$type" tun0 "$fam" "$key" options:csum=true ||
		{ fail "weft-vsctl add-port tun0 ($type)"; return; }
	nvsctl nA show | tee "$WEFT_RESULTS/show-$CASE.txt"
	ndpctl nA show | tee -a "$WEFT_RESULTS/show-$CASE.txt"
	ndpctl nA show | grep -q "$vport" ||
		fail "no $vport vport in nA's datapath"
	traffic "$CASE"
	out=$(ndp_flows nA)
	echo "$out" >"$WEFT_RESULTS/dp-flows-$CASE.txt"
	assert_match "$out" "set\(tunnel\(tun_id=$key," "nA's flows set the tunnel"
	assert_match "$out" "tunnel\(tun_id=$key," "nA's flows match received tunnel keys"
	tunnel_pair_del tun0
}

case_geneve_v4() { normal_case geneve 4 0x5 genev_sys_6081; }
case_geneve_v6() { normal_case geneve 6 0x6 genev_sys_6081; }
case_vxlan_v4() { normal_case vxlan 4 0x7 vxlan_sys_4789; }
case_vxlan_v6() { normal_case vxlan 6 0x8 vxlan_sys_4789; }

TLV='{class=0x0102,type=0x80,len=4}->tun_metadata0'

case_flow_tlv() {
	local n a b out
	for n in nA nB; do
		nvsctl "$n" add-port br-int gnv -- set Interface gnv \
			type=geneve options:remote_ip=flow options:key=flow \
			options:csum=true ofport_request=10 ||
			{ fail "$n: add-port gnv"; return; }
		nofctl "$n" add-tlv-map br-int "$TLV" ||
			{ fail "$n: add-tlv-map"; return; }
		nofctl "$n" del-flows br-int
	done
	# OVN's layout: ingress port in bits 16..30, egress in 0..15.
	nofctl nA add-flows br-int - <<-EOF || fail "nA: add-flows"
	table=0,priority=100,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.2->tun_dst,set_field:0x10002->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0x9,tun_metadata0=0x20001,actions=output:1
	EOF
	nofctl nB add-flows br-int - <<-EOF || fail "nB: add-flows"
	table=0,priority=100,in_port=1,actions=set_field:0x9->tun_id,set_field:192.168.70.1->tun_dst,set_field:0x20001->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0x9,tun_metadata0=0x10002,actions=output:1
	EOF
	nofctl nA dump-flows br-int | tee "$WEFT_RESULTS/flows-nA.txt"
	traffic flow_tlv
	a=$(nofctl nA dump-flows br-int | grep 'tun_metadata0=0x20001' |
	    sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
	b=$(nofctl nB dump-flows br-int | grep 'tun_metadata0=0x10002' |
	    sed -n 's/.*n_packets=\([0-9]*\).*/\1/p')
	[ "${a:-0}" -ge 5 ] || fail "nA's receiving rule counted ${a:-0} packets"
	[ "${b:-0}" -ge 5 ] || fail "nB's receiving rule counted ${b:-0} packets"
	out=$(ndp_flows nB)
	echo "$out" >"$WEFT_RESULTS/dp-flows-flow_tlv.txt"
	assert_match "$out" 'geneve\(\{class=0x102,type=0x80,len=4,0x10002\}\)' \
		"nB's megaflows match the option"
	assert_match "$out" 'set\(tunnel\(tun_id=0x9,dst=192.168.70.1,.*geneve\(\{class=0x102,type=0x80,len=4,0x20001\}\)' \
		"nB's megaflows send the option"
	out=$(nofctl nA del-tlv-map br-int 2>&1) &&
		fail "deleting a mapping that rules use was accepted"
	assert_match "$out" NXTTMFC_INVALID_TLV_DEL "del-tlv-map's error"
}

case_flow_v6() {
	local out
	nofctl nA replace-flows br-int - <<-EOF || fail "nA: replace-flows"
	table=0,priority=100,in_port=1,actions=set_field:0xa->tun_id,set_field:fd00:70::2->tun_ipv6_dst,set_field:0x10003->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0xa,tun_ipv6_src=fd00:70::2,tun_metadata0=0x30001,actions=output:1
	EOF
	nofctl nB replace-flows br-int - <<-EOF || fail "nB: replace-flows"
	table=0,priority=100,in_port=1,actions=set_field:0xa->tun_id,set_field:fd00:70::1->tun_ipv6_dst,set_field:0x30001->tun_metadata0,output:10
	table=0,priority=100,in_port=10,tun_id=0xa,tun_ipv6_src=fd00:70::1,tun_metadata0=0x10003,actions=output:1
	EOF
	traffic flow_v6
	out=$(ndp_flows nA)
	echo "$out" >"$WEFT_RESULTS/dp-flows-flow_v6.txt"
	assert_match "$out" 'set\(tunnel\(tun_id=0xa,ipv6_dst=fd00:70::2,' \
		"nA sends over IPv6"
	assert_match "$out" 'tunnel\(tun_id=0xa,ipv6_src=fd00:70::2,ipv6_dst=fd00:70::1,' \
		"nA matches IPv6 tunnel keys"
}

case_tlv_persist() {
	local want out
	want=' 0x102  0x80       4  tun_metadata0'
	out=$(nofctl nA dump-tlv-map br-int)
	echo "$out"
	assert_match "$out" "$want" "dump-tlv-map before the restart"
	nweftd_stop nA
	! WEFT_SOCKET=$(node_dir nA)/weftd.sock timeout 5 "$APPCTL" \
		--timeout=2 version >/dev/null 2>&1 ||
		{ fail "weftd in nA still answers after SIGTERM"; return; }
	nweftd_start nA || { fail "weftd in nA did not restart"; return; }
	out=$(nofctl nA dump-tlv-map br-int)
	assert_match "$out" "$want" "dump-tlv-map after the restart"
	out=$(nofctl nA add-tlv-map br-int "$TLV" 2>&1) &&
		fail "a second identical mapping was accepted"
	assert_match "$out" NXTTMFC_ALREADY_MAPPED "the duplicate mapping's error"
}

case_mtu() {
	local out
	# gnv's remote is per packet: the underlay is known once local_ip
	# is; vx1 has a fixed remote.
	nvsctl nA set Interface gnv options:local_ip=192.168.70.1 -- \
		add-port br-int vx1 -- set Interface vx1 type=vxlan \
		options:remote_ip=192.168.70.2 options:key=3 ||
		{ fail "nA: local_ip, vx1"; return; }
	out=$(nvsctl nA show 2>&1)
	echo "$out"
	[[ "$out" != *warning* ]] || fail "a warning with every MTU at 1422"
	in_ns nA ip link set pA mtu 1500
	out=$(nvsctl nA show 2>&1)
	echo "$out"
	assert_match "$out" "warning: pA MTU 1500 \+ 58 \(geneve over IPv4, gnv\) exceeds the underlay MTU 1500 of uA: set its MTU to 1442 or less" \
		"weft-vsctl show warns about pA over gnv"
	assert_match "$out" "warning: pA MTU 1500 \+ 50 \(vxlan over IPv4, vx1\) exceeds the underlay MTU 1500 of uA: set its MTU to 1450 or less" \
		"weft-vsctl show warns about pA over vx1"
	out=$(nappctl nA tunnel/mtu 2>&1)
	echo "$out"
	assert_match "$out" "overhead 58 = 14 \(inner Ethernet\) \+ 20 \(IPv4\) \+ 8 \(UDP\) \+ 8 \(GENEVE\) \+ 8 \(options\)" \
		"tunnel/mtu: GENEVE's 58 bytes over IPv4 with OVN's option"
	assert_match "$out" "underlay uA MTU 1500: inner MTU at most 1442 = 1500 - 58" \
		"tunnel/mtu: the inner MTU"
	in_ns nA ip link set pA mtu 1422
	nvsctl nA remove Interface gnv options local_ip -- del-port br-int vx1
}

# geneve_send EXTRA_OPT_HEX COUNT: from nB, COUNT GENEVE datagrams to nA
# (VNI 9, OVN's option 0x20001, then EXTRA_OPT_HEX), each carrying a UDP
# datagram from vmB to vmA's port 7777.
geneve_send() {
	in_ns nB python3 - "$1" "$2" <<-'EOF'
	import socket, struct, sys
	def csum(b):
	    s = sum(struct.unpack("!%dH" % (len(b) // 2), b))
	    s = (s >> 16) + (s & 0xffff)
	    return ~(s + (s >> 16)) & 0xffff
	payload = b"crit-test"
	udp = struct.pack("!HHHH", 9999, 7777, 8 + len(payload), 0) + payload
	ip = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(udp), 1, 0, 64, 17,
	                 0, socket.inet_aton("10.30.0.2"),
	                 socket.inet_aton("10.30.0.1"))
	ip = ip[:10] + struct.pack("!H", csum(ip)) + ip[12:]
	eth = (bytes.fromhex("020000003001020000003002") + b"\x08\x00" + ip +
	       udp)
	opts = bytes.fromhex("0102800100020001" + sys.argv[1])
	crit = 0x40  # every option here is critical: the C bit
	gnv = struct.pack("!BBHI", len(opts) // 4, crit, 0x6558, 9 << 8) + opts
	s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
	for _ in range(int(sys.argv[2])):
	    s.sendto(gnv + eth, ("192.168.70.1", 6081))
	EOF
}

case_crit_option() {
	local cap=$WEFTD_DIR/crit.pcap n out
	tcpdump_start vmA eth0 "$cap" udp port 7777
	geneve_send "" 3 || fail "sending GENEVE from nB"
	sleep 1
	geneve_send "0103810100000000" 3
	tcpdump_stop
	n=$(pcap_count "$cap")
	ndp_flows nA >"$WEFT_RESULTS/dp-flows-crit.txt"
	ndpctl nA show -s >>"$WEFT_RESULTS/dp-flows-crit.txt"
	nappctl nA upcall/show >>"$WEFT_RESULTS/dp-flows-crit.txt" 2>&1
	nappctl nA coverage/show >>"$WEFT_RESULTS/dp-flows-crit.txt" 2>&1
	assert_eq 3 "$n" "datagrams delivered (3 with a known option, none of the 3 with an unknown critical one)"
	# One dump (an idle megaflow may expire between two).
	out=$(grep -F 'class=0x103' "$WEFT_RESULTS/dp-flows-crit.txt")
	[ -n "$out" ] || fail "no megaflow for the unknown critical option"
	[[ "$out" == *actions:drop ]] ||
		fail "the unknown critical option's megaflow does not drop: $out"
}

case_trace() {
	local out
	out=$(ntrace nA br-int "in_port=10,tun_id=0x9,tun_src=192.168.70.2,tun_dst=192.168.70.1,tun_metadata0=0x20001,ip,nw_src=10.30.0.2,nw_dst=10.30.0.1" 2>&1)
	echo "$out"
	assert_match "$out" "tun_id=0x9" "the trace shows tun_id"
	out=$(ntrace nA br-int "in_port=1,ip,nw_src=10.30.0.1,nw_dst=10.30.0.2" 2>&1)
	echo "$out"
	assert_match "$out" "set\(tunnel\(tun_id=0x9,dst=192.168.70.2" \
		"the trace's datapath actions set the tunnel"
}

setup
run_case geneve_v4
run_case geneve_v6
run_case vxlan_v4
run_case vxlan_v6
run_case flow_tlv
run_case crit_option
run_case trace
run_case flow_v6
run_case tlv_persist
run_case mtu
finish
