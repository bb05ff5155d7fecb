#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# The learn action: a MAC-learning switch written with weft-ofctl flows
# and learn, as in the OVS tutorial (learn into table 10, forward by it),
# checked on the wire, in dump-flows and in weft-trace.
#
#   netns n1: e1 10.1.0.1 02:00:00:00:01:01 ══ p1 ─ ofport 1 ┐
#   netns n2: e2 10.1.0.2 02:00:00:00:01:02 ══ p2 ─ ofport 2 │ br0 (weftd)
#   netns n3: e3 10.1.0.3 02:00:00:00:01:03 ══ p3 ─ ofport 3 ┘
#
#   table 0   learn(table=10,idle_timeout=4,VID,eth_dst=eth_src,
#             load:in_port->reg0[0..15]), then table 1
#   table 1   resubmit(,10), resubmit(,2)
#   table 2   reg0=0: flood; otherwise output:reg0[0..15]
#
#   learn     n1 and n2 ping each other: table 10 holds one rule per MAC,
#             loading its port (dump-flows, idle_timeout=4); once learned,
#             n1's pings to n2 no longer reach n3 (tcpdump on e3), while
#             the ARP broadcast before did; weft-trace shows the learn for
#             a new MAC and adds nothing
#   refresh   n1 sends UDP to a MAC nobody has (static neighbour), 5 per
#             second for 9 s: no lookup hits n1's rule (its counters stay;
#             nothing is sent to n1), only the learn each packet runs keeps it,
#             and the packets go through datapath flows, so the
#             revalidator's re-learning is what keeps it past its 4 s
#   expire    no traffic: both rules go after their idle timeout; deleting
#             a learn(...,delete_learned,cookie=0x5) rule takes what it
#             learned with it
#   fin       learn(...,idle_timeout=60,hard_timeout=120,fin_idle_timeout=3,
#             fin_hard_timeout=6,...) per TCP 4-tuple: the learned rules
#             hold fin_timeout(idle_timeout=3,hard_timeout=6) and keep
#             60/120 while n1's connection to n2 is open; once it closes
#             (FIN through the datapath flows) dump-flows shows 3/6 and
#             the rules go within seconds, not 60
#
# Run: WEFT_VM_SLOTS=2 make check-system TESTS=test_weftd_learn
. "$(dirname "$0")/weftd_lib.sh"

M1=02:00:00:00:01:01
M2=02:00:00:00:01:02
M3=02:00:00:00:01:03

setup() {
	modprobe veth
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" tcpdump
	weft_load
	host_add n1 p1 e1 10.1.0.1/24 $M1
	host_add n2 p2 e2 10.1.0.2/24 $M2
	host_add n3 p3 e3 10.1.0.3/24 $M3
	weftd_start || die "weftd did not start"
	br_add_ports br0 p1:1 p2:2 p3:3 || die "add-br br0 with p1..p3 failed"
	ofctl del-flows br0 || die "del-flows"
	local f=$WEFTD_DIR/learn.flows
	cat >"$f" <<-'EOF'
	table=0,actions=learn(table=10,idle_timeout=4,NXM_OF_VLAN_TCI[0..11],NXM_OF_ETH_DST[]=NXM_OF_ETH_SRC[],load:NXM_OF_IN_PORT[]->NXM_NX_REG0[0..15]),resubmit(,1)
	table=1,actions=resubmit(,10),resubmit(,2)
	table=2,priority=50,reg0=0,actions=flood
	table=2,priority=40,actions=output:NXM_NX_REG0[0..15]
	EOF
	ofctl add-flows br0 "$f" || die "add-flows"
	ofctl dump-flows br0 | tee "$WEFT_RESULTS/flows.txt"
	assert_match "$(ofctl dump-flows br0)" \
		'actions=learn\(table=10,idle_timeout=4,NXM_OF_VLAN_TCI\[0\.\.11\],NXM_OF_ETH_DST\[\]=NXM_OF_ETH_SRC\[\],load:NXM_OF_IN_PORT\[\]->NXM_NX_REG0\[0\.\.15\]\),resubmit\(,1\)' \
		"the learn rule as dump-flows prints it"
}

# learned MAC: table 10's rule for MAC ("" if none).
learned() { ofctl dump-flows br0 table=10 | grep "dl_dst=$1" || true; }

case_learn() {
	local cap=$WEFTD_DIR/learn.pcap cap0=$WEFTD_DIR/flood.pcap r1 r2 out n
	tcpdump_start n3 e3 "$cap0"
	ping_ok n1 10.1.0.2 3 || fail "n1 -> n2 through the learning switch"
	tcpdump_stop
	save "$cap0"
	n=$(pcap_count "$cap0" "arp and ether src $M1")
	[ "$n" -gt 0 ] || fail "n1's ARP request was not flooded to n3"
	r1=$(learned $M1)
	r2=$(learned $M2)
	log "learned: $r1 / $r2"
	assert_match "$r1" "idle_timeout=4,.*vlan_tci=0x0000/0x0fff,dl_dst=$M1 actions=load:0x1->NXM_NX_REG0\[0\.\.15\]" \
		"n1's MAC learned on port 1"
	assert_match "$r2" "idle_timeout=4,.*vlan_tci=0x0000/0x0fff,dl_dst=$M2 actions=load:0x2->NXM_NX_REG0\[0\.\.15\]" \
		"n2's MAC learned on port 2"
	# Learned: unicast only, n3 sees nothing of it.
	tcpdump_start n3 e3 "$cap"
	ping_ok n1 10.1.0.2 5 || fail "n1 -> n2 once learned"
	tcpdump_stop
	save "$cap"
	assert_eq 0 "$(pcap_count "$cap" "icmp")" "pings seen on n3 once learned"
	# weft-trace shows the learn for a new source and adds nothing.
	out=$(wtrace br0 "in_port=3,dl_src=$M3,dl_dst=$M1,dl_type=0x0800" 2>&1) ||
		fail "weft-trace: $out"
	echo "$out" >"$WEFT_RESULTS/trace.txt"
	assert_match "$out" "learn: table=10 idle_timeout=4 vlan_tci=0x0000/0x0fff,dl_dst=$M3 actions=load:0x3->NXM_NX_REG0\[0\.\.15\]" \
		"weft-trace shows the learn"
	assert_eq "" "$(learned $M3)" "a rule learned by weft-trace"
}

# udp_stream NS DST SECS: 5 UDP datagrams a second to DST:9 for SECS.
udp_stream() {
	in_ns "$1" "$PY" -c '
import socket, sys, time
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
end = time.time() + float(sys.argv[2])
while time.time() < end:
    s.sendto(b"x", (sys.argv[1], 9))
    time.sleep(0.2)
' "$2" "$3"
}

case_refresh() {
	local t p0 p1
	# To a MAC nobody has (static neighbour): nobody answers, nothing is
	# ever sent to n1, so no lookup hits n1's rule.
	in_ns n1 ip neigh replace 10.1.0.99 lladdr 02:00:00:00:01:99 dev e1 \
		nud permanent
	wait_for 15 eval '[ -z "$(learned $M1)" ]' ||
		fail "n1's rule did not expire before the stream"
	udp_stream n1 10.1.0.99 9 &
	t=$!
	nap 2
	p0=$(rule_stat br0 "dl_dst=$M1 " n_packets)
	nap 5
	assert_match "$(learned $M1)" "dl_dst=$M1 " \
		"n1's rule, refreshed by its learn, 7 s into the stream"
	p1=$(rule_stat br0 "dl_dst=$M1 " n_packets)
	assert_eq "$p0" "$p1" "lookups that hit n1's rule during the stream"
	appctl dpif/dump-flows br0 >"$WEFT_RESULTS/dpflows-refresh.txt" 2>&1
	wait "$t"
	log "$(learned $M1)"
}

case_expire() {
	local f=$WEFTD_DIR/dl.flows
	wait_for 15 eval '[ -z "$(learned $M1)" ] && [ -z "$(learned $M2)" ]' ||
		fail "learned rules outlived their idle timeout: $(ofctl dump-flows br0 table=10)"
	# delete_learned: a rule's learned rules go with it.
	ofctl add-flow br0 "table=0,priority=40000,ip,actions=learn(table=20,delete_learned,cookie=0x5,eth_type=0x800,NXM_OF_IP_SRC[]),resubmit(,1)" ||
		fail "add-flow with delete_learned"
	ping_ok n1 10.1.0.2 2 || fail "n1 -> n2 with the second learn"
	assert_match "$(ofctl dump-flows br0 table=20)" "cookie=0x5, .*ip,nw_src=10\.1\.0\.1 actions=drop" \
		"the rule learned into table 20"
	ofctl del-flows br0 "table=0,ip" || fail "del-flows table=0,ip"
	assert_eq 0 "$(rules_count br0 20)" "rules left in table 20 after delete_learned"
}

# tcp_conn SECS: n1 connects to n2:5001, sends a byte every 0.3 s for SECS,
# then closes; n2 reads until the end and closes too.
tcp_conn() {
	in_ns n2 "$PY" -c '
import socket
l = socket.socket()
l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
l.bind(("10.1.0.2", 5001))
l.listen(1)
l.settimeout(20)
c, _ = l.accept()
while c.recv(100):
    pass
c.close()
' &
	nap 0.5
	in_ns n1 "$PY" -c '
import socket, sys, time
s = socket.create_connection(("10.1.0.2", 5001), timeout=5)
end = time.time() + float(sys.argv[1])
while time.time() < end:
    s.send(b"x")
    time.sleep(0.3)
s.close()
' "$1"
	wait
}

# conn_rule SRC: table 30's rule for the connection from SRC.
conn_rule() { ofctl dump-flows br0 table=30 | grep "nw_src=$1," || true; }

case_fin() {
	local r t
	ofctl add-flow br0 "table=0,priority=40000,tcp,actions=learn(table=30,idle_timeout=60,hard_timeout=120,fin_idle_timeout=3,fin_hard_timeout=6,eth_type=0x800,nw_proto=6,NXM_OF_IP_SRC[],NXM_OF_IP_DST[],NXM_OF_TCP_SRC[],NXM_OF_TCP_DST[]),resubmit(,30),resubmit(,1)" ||
		fail "add-flow with fin_idle_timeout"
	tcp_conn 4 >"$WEFT_RESULTS/tcp-conn.txt" 2>&1 &
	t=$!
	nap 3
	r=$(conn_rule 10.1.0.1)
	log "open: $r"
	assert_match "$r" "idle_timeout=60, hard_timeout=120, .*tcp,nw_src=10\.1\.0\.1,nw_dst=10\.1\.0\.2,tp_src=[0-9]+,tp_dst=5001 actions=fin_timeout\(idle_timeout=3,hard_timeout=6\)" \
		"n1's connection learned with its fin_timeout, timeouts whole"
	assert_match "$(conn_rule 10.1.0.2)" "idle_timeout=60, hard_timeout=120, .*tp_src=5001,tp_dst=[0-9]+ actions=fin_timeout" \
		"n2's side learned too"
	wait "$t"
	wait_for 4 eval '[[ "$(conn_rule 10.1.0.1)" == *"idle_timeout=3, hard_timeout=6,"* ]]' ||
		fail "the FIN did not shrink n1's rule: $(conn_rule 10.1.0.1)"
	log "closed: $(conn_rule 10.1.0.1)"
	wait_for 4 eval '[[ "$(conn_rule 10.1.0.2)" == *"idle_timeout=3, hard_timeout=6,"* ]]' ||
		fail "the FIN did not shrink n2's rule: $(conn_rule 10.1.0.2)"
	appctl dpif/dump-flows br0 >"$WEFT_RESULTS/dpflows-fin.txt" 2>&1
	wait_for 10 eval '[ "$(rules_count br0 30)" = 0 ]' ||
		fail "the closed connection's rules outlived fin_idle_timeout: $(ofctl dump-flows br0 table=30)"
}

setup
run_case learn
run_case refresh
run_case expire
run_case fin
finish
