#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# Issue 8, pinctrl: OVN's packet-building actions answered by weftd. The
# bridge's rules are real OVN logical flows (the strings ovn-northd 23.03
# writes, compiled by tests/tools/lflow-compile with wft_lflow_compile())
# behind a few hand-written "physical" rules (in_port to inport/metadata,
# outport to a port, loopback back out in_port). The oracles are the
# Linux stacks in the namespaces and their own tools:
#   ttl_exceeded  icmp4 { } in lr_in_ip_input: iputils ping -t 1 through
#                 the router prints "Time to live exceeded" from 10.0.0.1
#   tcp_reset     tcp_reset { }: a TCP connect to 10.0.0.1 is refused
#   reject_udp    reject { } on UDP: the connected UDP socket gets
#                 ECONNREFUSED (ICMP port unreachable)
#   nd_na_router  nd_na_router { }: the kernel's neighbour solicitation for
#                 fd00::1 is answered; ip -6 neigh has the router's MAC
#   arp_request   arp { } in lr_in_arp_request: pinging 20.0.0.2 makes the
#                 router ask for it on p2; ext's kernel learns 20.0.0.1 at
#                 the router's MAC from the request, and tcpdump sees it
#   dhcp          put_dhcp_opts (pauses: the reply resumes the pipeline at
#                 ls_in_dhcp_response): busybox udhcpc gets its lease
#   counters      coverage/show counts the packets weftd sent
#
#   netns vm1: e1 10.0.0.2/24 fd00::2/64 50:54:00:00:00:01 ══ p1 ─ ofport 1 ┐
#                                                                            ├ br0
#   netns ext: e2 20.0.0.2/24 50:54:00:00:00:02           ══ p2 ─ ofport 2 ┘
#   router: p1 10.0.0.1 fd00::1 0a:58:0a:00:00:01, p2 20.0.0.1 0a:58:14:00:00:01
#   netns dc:  e3 (udhcpc)  0a:58:0a:00:01:05 ══ p3 ─ ofport 3: switch ls
#   (datapath 2), port ls-p1, DHCP server 10.0.1.1 offering 10.0.1.5
#
# Run: scripts/vm-run tests/system/test_ovn_pinctrl.sh
. "$(dirname "$0")/weftd_lib.sh"

LFLOW_COMPILE=$WEFT_TOP/build/tests/tools/lflow-compile
R1=0a:58:0a:00:00:01

# The logical flows (PIPELINE TABLE PRIORITY MATCH ACTIONS), as ovn-northd
# 23.03 writes them for a router port (the ingress table numbers are its
# lr_in_ip_input 3, lr_in_arp_resolve 20, lr_in_arp_request 21).
lflows() {
	cat <<-'EOF'
	ingress	3	31	inport == "p1" && ip4 && ip.ttl == {0, 1} && !ip.later_frag	icmp4 {eth.dst <-> eth.src; icmp4.type = 11; /* Time exceeded */ icmp4.code = 0; /* TTL exceeded in transit */ ip4.dst = ip4.src; ip4.src = 10.0.0.1 ; ip.ttl = 254; outport = "p1"; flags.loopback = 1; output; };
	ingress	3	80	inport == "p1" && ip4.dst == 10.0.0.1 && tcp	tcp_reset { eth.dst <-> eth.src; ip4.dst <-> ip4.src; outport = "p1"; flags.loopback = 1; output; };
	ingress	3	80	inport == "p1" && ip4.dst == 10.0.0.1 && udp	reject { outport <-> inport; flags.loopback = 1; output; };
	ingress	3	90	inport == "p1" && ip6.dst == {fd00::1, ff02::1:ff00:1} && nd_ns && nd.target == fd00::1	nd_na_router { eth.src = 0a:58:0a:00:00:01; ip6.src = fd00::1; nd.target = fd00::1; nd.tll = 0a:58:0a:00:00:01; outport = inport; flags.loopback = 1; output; };
	ingress	3	10	inport == "p1" && ip4.dst == 20.0.0.0/24	ip.ttl--; reg0 = ip4.dst; reg1 = 20.0.0.1; eth.src = 0a:58:14:00:00:01; outport = "p2"; next(pipeline=ingress, table=20);
	ingress	20	0	ip4	eth.dst = 00:00:00:00:00:00; next;
	ingress	21	100	eth.dst == 00:00:00:00:00:00 && ip4	arp { eth.dst = ff:ff:ff:ff:ff:ff; arp.spa = reg1; arp.tpa = reg0; arp.op = 1; output; };
	EOF
}

# The switch's DHCP flows (ls_in_dhcp_options 20, ls_in_dhcp_response 21).
ls_lflows() {
	cat <<-'EOF'
	ingress	20	100	inport == "ls-p1" && eth.src == 0a:58:0a:00:01:05 && ip4.src == 0.0.0.0 && ip4.dst == 255.255.255.255 && udp.src == 68 && udp.dst == 67	reg0[3] = put_dhcp_opts(offerip = 10.0.1.5, lease_time = 3600, netmask = 255.255.255.0, router = 10.0.1.1, server_id = 10.0.1.1); next;
	ingress	20	100	inport == "ls-p1" && eth.src == 0a:58:0a:00:01:05 && ip4.src == 10.0.1.5 && ip4.dst == {10.0.1.1, 255.255.255.255} && udp.src == 68 && udp.dst == 67	reg0[3] = put_dhcp_opts(offerip = 10.0.1.5, lease_time = 3600, netmask = 255.255.255.0, router = 10.0.1.1, server_id = 10.0.1.1); next;
	ingress	21	100	inport == "ls-p1" && eth.src == 0a:58:0a:00:01:05 && ip4 && udp.src == 68 && udp.dst == 67 && reg0[3]	eth.dst = eth.src; eth.src = 0a:58:0a:00:01:01; ip4.src = 10.0.1.1; udp.src = 67; udp.dst = 68; outport = inport; flags.loopback = 1; output;
	EOF
}

# What ovn-controller's physical tables would do for the local ports of
# datapaths 1 and 2 (the chassis' own flows are not this test's subject).
PHYSICAL='table=0,priority=100,in_port=1,actions=set_field:0x1->metadata,load:0x1->NXM_NX_REG14[],resubmit(,8)
table=0,priority=100,in_port=2,actions=set_field:0x1->metadata,load:0x2->NXM_NX_REG14[],resubmit(,8)
table=0,priority=100,in_port=3,actions=set_field:0x2->metadata,load:0x1->NXM_NX_REG14[],resubmit(,8)
table=8,priority=0,metadata=0x1,actions=resubmit(,11)
table=8,priority=0,metadata=0x2,actions=resubmit(,28)
table=37,priority=0,actions=resubmit(,65)
table=65,priority=100,in_port=1,metadata=0x1,reg15=0x1,actions=in_port
table=65,priority=100,in_port=2,metadata=0x1,reg15=0x2,actions=in_port
table=65,priority=100,in_port=3,metadata=0x2,reg15=0x1,actions=in_port
table=65,priority=50,metadata=0x1,reg15=0x1,actions=output:1
table=65,priority=50,metadata=0x1,reg15=0x2,actions=output:2'

setup() {
	local f=$WEFTD_DIR/rules.txt
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$LFLOW_COMPILE" tcpdump ping \
		busybox
	weft_load
	host_add vm1 p1 e1 10.0.0.2/24 50:54:00:00:00:01
	host_add ext p2 e2 20.0.0.2/24 50:54:00:00:00:02
	host_add dc p3 e3 192.0.2.99/32 0a:58:0a:00:01:05
	in_ns vm1 sysctl -qw net.ipv6.conf.all.disable_ipv6=0 \
		net.ipv6.conf.e1.disable_ipv6=0 net.ipv6.conf.e1.accept_ra=0
	in_ns vm1 ip -batch - <<-EOF || die "vm1's routes and neighbours"
	addr add fd00::2/64 dev e1 nodad
	route add default via 10.0.0.1
	neigh replace 10.0.0.1 lladdr $R1 dev e1 nud permanent
	EOF
	weftd_start || die "weftd did not start"
	br_add_ports br0 p1:1 p2:2 p3:3 || die "add-br br0 with p1, p2, p3 failed"
	{
		echo "$PHYSICAL"
		lflows | "$LFLOW_COMPILE" --dp 1 --port p1=1 --port p2=2 ||
			die "lflow-compile of the router's flows failed"
		ls_lflows | "$LFLOW_COMPILE" --switch --dp 2 --port ls-p1=1 ||
			die "lflow-compile of the switch's flows failed"
	} >"$f"
	save "$f"
	ofctl del-flows br0 || die "del-flows br0"
	ofctl add-flows br0 "$f" || die "add-flows br0 $f"
	ofctl dump-flows br0 >"$WEFT_RESULTS/dump.txt"
	assert_eq "$(grep -c . "$f")" "$(grep -c 'actions=' "$WEFT_RESULTS/dump.txt")" \
		"rules dumped after add-flows"
}

case_ttl_exceeded() {
	local out
	out=$(in_ns vm1 ping -n -c 1 -t 1 -W 3 20.0.0.2 2>&1)
	echo "$out"
	assert_match "$out" 'From 10\.0\.0\.1 .*Time to live exceeded' \
		"ping -t 1 through the router"
}

# py_connect PROTO: what a connect to 10.0.0.1 port 80 (TCP), or a send
# and receive on a connected UDP socket to port 53, ends with.
py_connect() {
	in_ns vm1 "$PY" - "$1" <<-'EOF'
	import socket, sys
	tcp = sys.argv[1] == "tcp"
	s = socket.socket(socket.AF_INET,
	                  socket.SOCK_STREAM if tcp else socket.SOCK_DGRAM)
	s.settimeout(5)
	try:
	    s.connect(("10.0.0.1", 80 if tcp else 53))
	    if not tcp:
	        s.send(b"hello")
	        s.recv(100)
	    print("answered")
	except ConnectionRefusedError:
	    print("refused")
	except socket.timeout:
	    print("timeout")
	EOF
}

case_tcp_reset() {
	assert_eq refused "$(py_connect tcp)" "TCP connect to 10.0.0.1:80"
}

case_reject_udp() {
	assert_eq refused "$(py_connect udp)" "UDP to 10.0.0.1:53"
}

case_nd_na_router() {
	local out
	in_ns vm1 ping -n -6 -c 1 -W 2 fd00::1 >/dev/null 2>&1
	out=$(in_ns vm1 ip -6 neigh show fd00::1 dev e1)
	echo "$out"
	assert_match "$out" "lladdr $R1 router (REACHABLE|STALE|DELAY)" \
		"vm1's neighbour entry for fd00::1 (a router, R set)"
}

case_arp_request() {
	local cap=$WEFTD_DIR/arp.pcap out
	tcpdump_start ext e2 "$cap" arp
	in_ns vm1 ping -n -c 1 -W 2 20.0.0.2 >/dev/null 2>&1
	tcpdump_stop
	save "$cap"
	tcpdump -n -e -r "$cap" 2>/dev/null
	assert_eq 1 "$(pcap_count "$cap" 'arp[6:2] == 1 and ether src 0a:58:14:00:00:01 and ether dst ff:ff:ff:ff:ff:ff')" \
		"ARP requests from the router on p2"
	out=$(in_ns ext ip neigh show 20.0.0.1 dev e2)
	echo "$out"
	assert_match "$out" "lladdr 0a:58:14:00:00:01" \
		"ext learned 20.0.0.1 from the router's request"
}

case_dhcp() {
	local out
	out=$(in_ns dc timeout 30 busybox udhcpc -i e3 -f -q -n -t 3 -T 2 \
		-s /bin/true 2>&1)
	echo "$out"
	assert_match "$out" 'lease of 10\.0\.1\.5 obtained from 10\.0\.1\.1, lease time 3600' \
		"udhcpc's lease"
}

case_counters() {
	local n
	appctl coverage/show | grep pinctrl
	n=$(appctl coverage/read-counter pinctrl_sent)
	[ "${n:-0}" -ge 7 ] || fail "pinctrl sent ${n:-0} packets, not 7 or more"
	assert_match "$(dp_flows)" 'userspace' "datapath flows with a userspace action"
}

setup
run_case ttl_exceeded
run_case tcp_reset
run_case reject_udp
run_case nd_na_router
run_case arp_request
run_case dhcp
run_case counters
finish
