#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# Issue 6, end to end: one stateful pipeline written once in ovs-ofctl
# syntax, loaded into ovs-vswitchd (openvswitch.ko, the oracle) and then
# into weftd (weft.ko, weft-ofctl add-flows) with the same ports; the same
# packets on the wire must get the same verdicts from both.
#
#   tenant A, zone 5 (ports 1-3)            tenant B, zone 6 (ports 4-5)
#   na 10.3.0.1 ─ pa:1 ┐                    ┌ pd:4 ─ ma 10.3.0.1
#   nb 10.3.0.2 ─ pb:2 ┼─────── br0 ────────┤
#   nc 10.3.0.3 ─ pc:3 ┘                    └ pe:5 ─ mb 10.3.0.2
#
# - firewall (zone 5): na opens connections (TCP, UDP, a fragmented UDP
#   datagram, ping; committed with ct_mark 1), their replies pass (+est);
#   nb's own connections to na
#   are dropped (+new from the wrong side); nb's ICMP port unreachable for
#   na's UDP is +rel and passes (na's socket sees ECONNREFUSED), while an
#   ICMP error nb makes up for a datagram na never sent is dropped;
# - fragments: an IPv6 and an IPv4 UDP datagram in fragments, each the
#   first packet of its flow, go through ct, weftd's upcall and execute
#   and leave in pieces of the size na cut them to (tcpdump on nb's side);
# - NAT: na's connections to the VIP 10.3.0.99:80 are DNAT'ed to nb or nc
#   (:5201) by the low bit of the source port (nf_nat would hash one
#   client to one backend); to nb:8080 they are SNAT'ed to 10.3.0.50;
#   checked by what the servers see and by weft-dpctl dump-conntrack;
# - zones: tenant B reuses tenant A's addresses and 5-tuple; its
#   connection is new in zone 6 (mark 2) and stays in tenant B, and a
#   packet on the reply tuple of tenant A's connection is dropped there;
# - megaflows: every ct_state mask in the datapath has only the bits the
#   rules consult (trk, new, est, rel), the first pass matches -trk only,
#   and weft installs no ct_state mask that OVS did not.
#
# Negative verdicts are never taken from a timeout alone: the pipeline's
# drop rule must have counted the packets too. Neighbours are static
# (the VIP and the SNAT address included), so the flows carry IP only.
# About 140 s in the VM.
#
#   scripts/vm-run tests/system/test_weftd_ct_ovs.sh [ovs-only|weft-only]
. "$(dirname "$0")/weftd_lib.sh"

CTT=$WEFT_TOP/tests/system/helpers/ct_traffic.py
MA=02:00:00:00:03:01 MB=02:00:00:00:03:02 MC=02:00:00:00:03:03
MV=02:00:00:00:03:99 MA2=02:00:00:00:04:01 MB2=02:00:00:00:04:02
ONLY=${1:-}
PHASE=

FLOWS="table=0,priority=10,ip,in_port=1,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=10,ip,in_port=2,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=10,ip,in_port=3,ct_state=-trk,actions=ct(table=1,zone=5,nat)
table=0,priority=10,ip,in_port=4,ct_state=-trk,actions=ct(table=1,zone=6)
table=0,priority=10,ip,in_port=5,ct_state=-trk,actions=ct(table=1,zone=6)
table=0,priority=10,ipv6,in_port=1,ipv6_dst=fd03::/64,ct_state=-trk,actions=ct(table=1,zone=5)
table=0,priority=10,ipv6,in_port=2,ipv6_dst=fd03::/64,ct_state=-trk,actions=ct(table=1,zone=5)
table=0,priority=1,actions=drop
table=1,priority=100,tcp,in_port=1,ct_state=+new+trk,nw_dst=10.3.0.99,tp_dst=80,tp_src=0/1,actions=ct(commit,zone=5,nat(dst=10.3.0.2:5201),exec(set_field:0x1->ct_mark)),mod_dl_dst:$MB,output:2
table=1,priority=100,tcp,in_port=1,ct_state=+new+trk,nw_dst=10.3.0.99,tp_dst=80,tp_src=1/1,actions=ct(commit,zone=5,nat(dst=10.3.0.3:5201),exec(set_field:0x1->ct_mark)),mod_dl_dst:$MC,output:3
table=1,priority=95,tcp,in_port=1,ct_state=+new+trk,nw_dst=10.3.0.2,tp_dst=8080,actions=ct(commit,zone=5,nat(src=10.3.0.50),exec(set_field:0x1->ct_mark)),resubmit(,2)
table=1,priority=90,ip,in_port=1,ct_state=+new+trk,actions=ct(commit,zone=5,exec(set_field:0x1->ct_mark)),resubmit(,2)
table=1,priority=80,ip,ct_zone=5,ct_state=+est+trk,ct_mark=0x1,actions=resubmit(,2)
table=1,priority=70,ip,ct_zone=5,ct_state=+rel+trk,ct_mark=0x1,actions=resubmit(,2)
table=1,priority=90,ipv6,in_port=1,ct_state=+new+trk,actions=ct(commit,zone=5,exec(set_field:0x1->ct_mark)),resubmit(,2)
table=1,priority=80,ipv6,ct_zone=5,ct_state=+est+trk,ct_mark=0x1,actions=resubmit(,2)
table=1,priority=90,ip,in_port=4,ct_state=+new+trk,actions=ct(commit,zone=6,exec(set_field:0x2->ct_mark)),resubmit(,3)
table=1,priority=80,ip,ct_zone=6,ct_state=+est+trk,ct_mark=0x2,actions=resubmit(,3)
table=1,priority=1,actions=drop
table=2,priority=10,ip,nw_dst=10.3.0.1,actions=mod_dl_dst:$MA,output:1
table=2,priority=10,ip,nw_dst=10.3.0.2,actions=mod_dl_dst:$MB,output:2
table=2,priority=10,ip,nw_dst=10.3.0.3,actions=mod_dl_dst:$MC,output:3
table=2,priority=10,ipv6,ipv6_dst=fd03::1,actions=mod_dl_dst:$MA,output:1
table=2,priority=10,ipv6,ipv6_dst=fd03::2,actions=mod_dl_dst:$MB,output:2
table=3,priority=10,ip,nw_dst=10.3.0.1,actions=output:4
table=3,priority=10,ip,nw_dst=10.3.0.2,actions=output:5"

# ---- helpers -----------------------------------------------------------------

# client NS STEP...: ct_traffic.py's steps in NS; CLIENT[i] gets the i-th
# result ("ok ...", "timeout", "refused", ...).
CLIENT=()
client() {
	local ns=$1 line
	shift
	CLIENT=()
	while IFS= read -r line; do
		CLIENT[${line%% *}]=${line#* }
	done < <(in_ns "$ns" timeout 120 "$PY" "$CTT" client "$@")
	log "$ns: $(printf '%s | ' "$@")-> $(printf '%s | ' "${CLIENT[@]}")"
}

# expect I REGEX WHAT: CLIENT[I] matches REGEX (extended, whole).
expect() {
	[[ "${CLIENT[$1]:-none}" =~ ^($2)$ ]] ||
		fail "$PHASE: $3: got '${CLIENT[$1]:-nothing}', expected /$2/"
}

# server NS TCP_PORTS UDP_PORTS: ct_traffic.py's servers in NS for the
# whole test (started in the background: servers_ready waits for them);
# they log to $WEFTD_DIR/srv.NS.
server() {
	ip netns exec "$1" "$PY" "$CTT" serve "$WEFTD_DIR/srv.$1" \
		"$WEFTD_DIR/srv.$1.ready" "$2" "$3" &
	on_exit kill $!
}

servers_ready() {
	local ns
	for ns in "$@"; do
		wait_for 60 test -e "$WEFTD_DIR/srv.$ns.ready" ||
			die "the servers in $ns did not start"
	done
}

# served NS REGEX: lines of NS's server log written in this phase that
# match REGEX (extended).
declare -A LOG0
served() {
	tail -n +"$((${LOG0[$1]:-0} + 1))" "$WEFTD_DIR/srv.$1" | grep -cE -- "$2"
}

# phase_logs: this phase's server logs start here.
phase_logs() {
	local ns
	for ns in na nb nc ma mb; do
		LOG0[$ns]=$(wc -l <"$WEFTD_DIR/srv.$ns")
	done
}

# drops_at_least N: table 1's drop rule has counted N packets (the stats
# reach the rules through each daemon's revalidator).
drops_at_least() { [ "$(rule_packets 1 'priority=1 actions=drop')" -ge "$1" ]; }
rel_at_least() { [ "$(rule_packets 1 'priority=70,')" -ge "$1" ]; }

DROPS=0
# dropped WHAT N: N more packets reached the drop rule within 20 s.
dropped() {
	local want=$((DROPS + $2))
	until_deadline 20 drops_at_least "$want" ||
		fail "$PHASE: $1: table 1's drop rule counted $(rule_packets 1 'priority=1 actions=drop'), expected $want or more"
	DROPS=$(rule_packets 1 'priority=1 actions=drop')
}

# snapshot: the datapath's flows now, added to this phase's file (idle
# flows expire within seconds: each case keeps its own).
snapshot() {
	if [ "$PHASE" = ovs ]; then
		ovs_appctl dpctl/dump-flows
	else
		"$DPCTL" dump-flows
	fi >>"$WEFT_RESULTS/dp_flows.$PHASE.txt" 2>&1
}

conntrack_dump() {
	timeout 30 "$DPCTL" dump-conntrack "$@" 2>&1
}

# ---- cases -------------------------------------------------------------------

case_firewall() {
	# First the fragmented datagram: 4000 bytes, sent once, in three
	# fragments. Reassembled for ct, it is the first UDP packet to miss
	# after recirculation and goes up whole; executed back with its
	# fragment size (MRU) it is cut again on output (without the MRU the
	# module drops a packet over the MTU).
	client na "udp 10.3.0.2 7001 7103 15 4000" "ping 10.3.0.2 15" \
		"tcp 10.3.0.2 5201 0 65536 20" \
		"udp 10.3.0.2 7001 7101 15" "udp 10.3.0.2 7999 7102 15"
	expect 0 'ok peer=10\.3\.0\.1:7103' \
		"a fragmented UDP datagram na -> nb through ct, upcall and back"
	expect 1 ok "ping na -> nb (new from na, the reply +est)"
	expect 2 'ok peer=10\.3\.0\.1:[0-9]+ n=65536' "TCP na -> nb"
	expect 3 'ok peer=10\.3\.0\.1:7101' "UDP na -> nb and back"
	expect 4 refused "nb's ICMP port unreachable for na's UDP (+rel)"
	snapshot
	until_deadline 20 rel_at_least 1 ||
		fail "$PHASE: the +rel rule counted no packet"
	client nb par "ping 10.3.0.1 2" "tcp 10.3.0.1 5202 0 100 3" \
		"udp 10.3.0.1 7200 7300 2" "icmperr 10.3.0.1 7777 7778"
	expect 0 timeout "ping nb -> na (new from nb)"
	expect 1 timeout "TCP nb -> na (new from nb)"
	expect 2 timeout "UDP nb -> na (new from nb)"
	expect 3 sent "nb's ICMP error for a datagram na never sent"
	# The unsolicited ICMP error belongs to no connection (+inv): it
	# reaches no rule but the drop, and na never sees it, while the
	# related one above reached na's stack.
	dropped "nb's ping, SYN, datagram and unsolicited ICMP error" 4
	[ "$(served na '^icmp 3 3 10\.3\.0\.2 7102 7999$')" -ge 1 ] ||
		fail "$PHASE: na did not see the related ICMP port unreachable"
	[ "$(served na '^icmp 3 3 10\.3\.0\.2 7777 ')" = 0 ] ||
		fail "$PHASE: the unsolicited ICMP error reached na"
	# Both phases must see the drop flows: the mask comparison is only
	# fair between flows both snapshots hold.
	snapshot
	[ "$(served na 'tcp 5202|udp 7200')" = 0 ] ||
		fail "$PHASE: na's servers saw nb's connections"
}

# (IPv6: to fd03::/64 only, so that MLD and ND reports meet table 0's
# drop and not table 1's counted one; not udp6, which later IPv6
# fragments do not match in OVS: their nw_proto is 44, the fragment
# header.)
#
# IPv4 and IPv6 datagrams in fragments, each the first packet of its flow
# (IPv6 is new to the datapath here): reassembled for ct, upcalled whole
# with their fragment size, executed back and cut again at that size. The
# path MTUs on na are below the links' 1500, so pieces cut at the output
# port's MTU instead would be fewer and larger than what na sent.
case_fragments() {
	local pcap=$WEFT_RESULTS/frag.$PHASE.pcap len4 len6 ct
	ip -n na -batch - <<-EOF || fail "$PHASE: path MTUs on na"
		route replace 10.3.0.2/32 dev ea mtu lock 1000
		route replace fd03::2/128 dev ea mtu 1280
	EOF
	tcpdump_start nb eb "$pcap" src host 10.3.0.1 or src host fd03::1
	client na "udp fd03::2 7001 7105 15 4000" "udp 10.3.0.2 7001 7106 15 3000"
	tcpdump_stop
	ip -n na -batch - <<-EOF
		route del 10.3.0.2/32 dev ea
		route del fd03::2/128 dev ea
	EOF
	expect 0 'ok peer=fd03::1:7105' \
		"IPv6: a 4000-byte UDP datagram in fragments na -> nb and back"
	expect 1 'ok peer=10\.3\.0\.1:7106' \
		"IPv4: a 3000-byte UDP datagram in fragments na -> nb and back"
	snapshot
	assert_eq 1 "$(served nb '^udp 7001 fd03::1 7105$')" \
		"$PHASE: nb's server, the IPv6 datagram"
	# What left the datapath on nb's side: IPv6 packets of at most 1280
	# bytes (40 + payload length), IPv4 fragments of at most 1000.
	len6=$(tcpdump -nn -v -r "$pcap" ip6 2>/dev/null |
		sed -n 's/.*payload length: \([0-9]*\)).*/\1/p' |
		awk '{print $1 + 40}')
	len4=$(tcpdump -nn -v -r "$pcap" 'ip and ip[6:2] & 0x3fff != 0' \
		2>/dev/null | sed -n 's/.*, length \([0-9]*\)) *$/\1/p')
	log "IPv6 packet lengths on nb's wire:" $len6
	log "IPv4 fragment lengths on nb's wire:" $len4
	assert_eq 4 "$(grep -c . <<<"$len6")" \
		"$PHASE: IPv6 fragments on nb's wire (4000 bytes cut at 1280)"
	[ "$(sort -n <<<"$len6" | tail -n 1)" = 1280 ] ||
		fail "$PHASE: IPv6 fragments not at na's 1280 bytes: $len6"
	assert_eq 4 "$(grep -c . <<<"$len4")" \
		"$PHASE: IPv4 fragments on nb's wire (3000 bytes cut at 1000)"
	[ "$(sort -n <<<"$len4" | tail -n 1)" -le 1000 ] ||
		fail "$PHASE: an IPv4 fragment above 1000 bytes: $len4"
	ct=$(conntrack_dump zone=5)
	assert_match "$ct" '^udp,orig=\(src=fd03::1,dst=fd03::2,sport=7105,dport=7001\),reply=\(src=fd03::2,dst=fd03::1,sport=7001,dport=7105\),zone=5,mark=1' \
		"$PHASE: dump-conntrack, the IPv6 datagram's entry"
	# nb's IPv6 datagram to na is new from the wrong side.
	client nb "udp fd03::1 7200 7301 2"
	expect 0 timeout "IPv6 UDP nb -> na (new from nb)"
	dropped "nb's IPv6 datagram" 1
	[ "$(served na 'udp 7200 fd03::2')" = 0 ] ||
		fail "$PHASE: na's server saw nb's IPv6 datagram"
}

case_nat() {
	local ct
	client na "tcp 10.3.0.99 80 $SPORT 1000 20" \
		"tcp 10.3.0.99 80 $((SPORT + 1)) 1000 20" \
		"tcp 10.3.0.2 8080 0 1000 20"
	expect 0 "ok peer=10\\.3\\.0\\.1:$SPORT n=1000" \
		"TCP na:$SPORT -> VIP:80 (DNAT to nb:5201)"
	expect 1 "ok peer=10\\.3\\.0\\.1:$((SPORT + 1)) n=1000" \
		"TCP na:$((SPORT + 1)) -> VIP:80 (DNAT to nc:5201)"
	expect 2 'ok peer=10\.3\.0\.50:[0-9]+ n=1000' \
		"TCP na -> nb:8080 (SNAT to 10.3.0.50)"
	snapshot
	# On the wire: the backends and nb saw the translated connections.
	assert_eq 1 "$(served nb "^tcp 5201 10\\.3\\.0\\.1 $SPORT\$")" \
		"$PHASE: nb's server, the DNAT'ed connection from :$SPORT"
	assert_eq 1 "$(served nc "^tcp 5201 10\\.3\\.0\\.1 $((SPORT + 1))\$")" \
		"$PHASE: nc's server, the DNAT'ed connection from :$((SPORT + 1))"
	assert_eq 1 "$(served nb '^tcp 8080 10\.3\.0\.50 ')" \
		"$PHASE: nb's server, the SNAT'ed connection"
	ct=$(conntrack_dump zone=5)
	printf '%s\n' "$ct" >"$WEFT_RESULTS/conntrack.$PHASE.txt"
	assert_match "$ct" "^tcp,orig=\\(src=10\\.3\\.0\\.1,dst=10\\.3\\.0\\.99,sport=$SPORT,dport=80\\),reply=\\(src=10\\.3\\.0\\.2,dst=10\\.3\\.0\\.1,sport=5201,dport=$SPORT\\),zone=5,mark=1" \
		"$PHASE: dump-conntrack, DNAT to nb"
	assert_match "$ct" "^tcp,orig=\\(src=10\\.3\\.0\\.1,dst=10\\.3\\.0\\.99,sport=$((SPORT + 1)),dport=80\\),reply=\\(src=10\\.3\\.0\\.3,dst=10\\.3\\.0\\.1,sport=5201,dport=$((SPORT + 1))\\),zone=5,mark=1" \
		"$PHASE: dump-conntrack, DNAT to nc"
	assert_match "$ct" '^tcp,orig=\(src=10\.3\.0\.1,dst=10\.3\.0\.2,sport=[0-9]+,dport=8080\),reply=\(src=10\.3\.0\.2,dst=10\.3\.0\.50,sport=8080,dport=[0-9]+\),zone=5,mark=1' \
		"$PHASE: dump-conntrack, SNAT"
}

case_zones() {
	local ct
	# Tenant A's connection 10.3.0.1:7100 -> 10.3.0.2:7001 in zone 5
	# (UDP entries last 30 s: made here). Tenant B's packet on its reply
	# tuple is new in zone 6, from the wrong side: dropped.
	client na "udp 10.3.0.2 7001 7100 15"
	expect 0 'ok peer=10\.3\.0\.1:7100' "tenant A: UDP na -> nb and back"
	client mb "udp 10.3.0.1 7100 7001 2"
	expect 0 timeout "tenant B: mb -> ma on tenant A's reply tuple"
	dropped "mb's datagram on tenant A's reply tuple" 1
	[ "$(served ma 'udp 7100')" = 0 ] ||
		fail "$PHASE: ma received mb's datagram"
	# The same 5-tuple from ma is new in zone 6 and stays in tenant B.
	client ma "udp 10.3.0.2 7001 7100 15" "ping 10.3.0.2 15"
	expect 0 'ok peer=10\.3\.0\.1:7100' "tenant B: UDP ma -> mb and back"
	expect 1 ok "tenant B: ping ma -> mb"
	snapshot
	assert_eq 1 "$(served mb '^udp 7001 10\.3\.0\.1 7100$')" \
		"$PHASE: mb's server, ma's datagram"
	assert_eq 1 "$(served nb '^udp 7001 10\.3\.0\.1 7100$')" \
		"$PHASE: nb's server, tenant A's datagram only"
	ct=$(conntrack_dump)
	printf '%s\n' "$ct" >"$WEFT_RESULTS/conntrack-all.$PHASE.txt"
	assert_match "$ct" '^udp,orig=\(src=10\.3\.0\.1,dst=10\.3\.0\.2,sport=7100,dport=7001\),reply=\(src=10\.3\.0\.2,dst=10\.3\.0\.1,sport=7001,dport=7100\),zone=5,mark=1(,|$)' \
		"$PHASE: tenant A's UDP entry (zone 5, mark 1)"
	assert_match "$ct" '^udp,orig=\(src=10\.3\.0\.1,dst=10\.3\.0\.2,sport=7100,dport=7001\),reply=\(src=10\.3\.0\.2,dst=10\.3\.0\.1,sport=7001,dport=7100\),zone=6,mark=2(,|$)' \
		"$PHASE: tenant B's UDP entry (zone 6, mark 2)"
}

# The datapath's flows: the first pass matches ct_state -trk and nothing
# else of ct_state; recirculated passes only the bits the rules consult.
case_megaflows() {
	local flows f bad=0 n0=0 nr=0 s
	flows=$(sort -u "$WEFT_RESULTS/dp_flows.$PHASE.txt")
	while IFS= read -r f; do
		[[ "$f" =~ ct_state\(([^\)]*)\) ]] || continue
		s=${BASH_REMATCH[1]}
		if [[ "$f" =~ ^recirc_id\(0\), ]]; then
			n0=$((n0 + 1))
			[ "$s" = -trk ] || { bad=1; fail "$PHASE: first pass with ct_state($s): $f"; }
		else
			nr=$((nr + 1))
			[[ "$s" =~ ^([-+](new|est|rel|trk))+$ ]] ||
				{ bad=1; fail "$PHASE: ct_state($s) has bits no rule consults: $f"; }
		fi
	done <<<"$flows"
	log "$n0 first-pass and $nr recirculated flows match ct_state"
	[ "$n0" -gt 0 ] && [ "$nr" -gt 0 ] ||
		fail "$PHASE: expected both first-pass and recirculated ct_state flows"
	# A recirculated TCP flow of an established connection: +est+trk
	# consulted, -new because the +new rules come first.
	grep -qE '^recirc_id\(0x[0-9a-f]+\),.*ct_state\(-new\+est[-+a-z]*\+trk\)' \
		<<<"$flows" || fail "$PHASE: no recirculated +est flow"
	# The distinct ct_state masks: weft's are OVS's (which flows are
	# still there when a snapshot is taken may differ, not their masks).
	grep -o 'ct_state([^)]*)' <<<"$flows" | sort -u \
		>"$WEFT_RESULTS/ct_state_masks.$PHASE.txt"
	if [ "$PHASE" = weft ] && [ -s "$WEFT_RESULTS/ct_state_masks.ovs.txt" ]; then
		s=$(comm -23 "$WEFT_RESULTS/ct_state_masks.weft.txt" \
			"$WEFT_RESULTS/ct_state_masks.ovs.txt")
		[ -z "$s" ] || fail "ct_state masks OVS never installed:" $s
	fi
	log "ct_state masks:" $(cat "$WEFT_RESULTS/ct_state_masks.$PHASE.txt")
	return "$bad"
}

run_phase() {
	PHASE=$1
	DROPS=0
	conntrack -F >/dev/null 2>&1
	phase_logs
	printf '%s\n' "$FLOWS" >"$WEFTD_DIR/flows.txt"
	if [ "$PHASE" = ovs ]; then
		ovs_ofctl del-flows br0 &&
			ovs_ofctl -O OpenFlow14 add-flows br0 "$WEFTD_DIR/flows.txt"
	else
		ofctl del-flows br0 && ofctl add-flows br0 "$WEFTD_DIR/flows.txt"
	fi || { fail "$PHASE: loading the flows"; return; }
	run_case firewall
	run_case fragments
	run_case nat
	run_case zones
	run_case megaflows
	ofctl_phase dump-flows br0 >"$WEFT_RESULTS/rules.$PHASE.txt"
}

# tenant_host NS PORT IFACE ADDR MAC "NEIGH_ADDR NEIGH_MAC"...: a namespace
# behind a veth (PORT stays here), IPv6 off, static neighbours; four
# process starts (host_add takes a dozen, at up to 0.5 s each under TCG).
tenant_host() {
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

# host_ipv6 NS IFACE ADDR NEIGH_ADDR NEIGH_MAC: IPv6 back on in NS (for
# the fragments case) without DAD or router solicitations; the neighbour
# static.
host_ipv6() {
	in_ns "$1" sysctl -qw "net.ipv6.conf.$2.accept_dad=0" \
		"net.ipv6.conf.$2.router_solicitations=0" \
		net.ipv6.conf.all.disable_ipv6=0 "net.ipv6.conf.$2.disable_ipv6=0"
	ip -n "$1" -batch - <<-EOF || die "IPv6 in $1"
		address add $3/64 dev $2 nodad
		neigh replace $4 lladdr $5 dev $2 nud permanent
	EOF
}

setup() {
	modprobe veth
	modprobe -a nf_conntrack nf_nat
	require "$WEFTD" "$VSCTL" "$OFCTL" "$DPCTL" ovs-vswitchd ovs-ofctl conntrack
	# The module as it is now: a rebuild in the tree while the test runs
	# must not change it under insmod.
	cp "$WEFT_KO" "$WEFTD_DIR/weft.ko" || die "copying $WEFT_KO"
	WEFT_KO=$WEFTD_DIR/weft.ko
	tenant_host na pa ea 10.3.0.1 $MA "10.3.0.2 $MB" "10.3.0.3 $MC" \
		"10.3.0.99 $MV"
	tenant_host nb pb eb 10.3.0.2 $MB "10.3.0.1 $MA" "10.3.0.50 $MA" \
		"10.3.0.3 $MC"
	tenant_host nc pc ec 10.3.0.3 $MC "10.3.0.1 $MA"
	tenant_host ma pd fa 10.3.0.1 $MA2 "10.3.0.2 $MB2"
	tenant_host mb pe fb 10.3.0.2 $MB2 "10.3.0.1 $MA2"
	host_ipv6 na ea fd03::1 fd03::2 $MB
	host_ipv6 nb eb fd03::2 fd03::1 $MA
	sysctl -qw net.ipv6.conf.pa.disable_ipv6=1 net.ipv6.conf.pb.disable_ipv6=1 \
		net.ipv6.conf.pc.disable_ipv6=1 net.ipv6.conf.pd.disable_ipv6=1 \
		net.ipv6.conf.pe.disable_ipv6=1
	server na 5202 7200
	server nb 5201,8080 7001
	server nc 5201 -
	server ma - 7100
	server mb - 7001
	servers_ready na nb nc ma mb
}

PORTS="pa:1 pb:2 pc:3 pd:4 pe:5"
setup
if [ "$ONLY" != weft-only ]; then
	ovs_start
	ovs_br_add_ports br0 $PORTS || die "OVS: br0 with its ports"
	ovs_vsctl set bridge br0 fail_mode=secure
	SPORT=40000
	run_phase ovs
	ovs_vsctl del-br br0
	ovs_stop
fi
if [ "$ONLY" != ovs-only ]; then
	weft_load
	weftd_start || die "weftd did not start"
	br_add_ports br0 $PORTS || die "weftd: br0 with its ports"
	vsctl set bridge br0 fail_mode=secure
	SPORT=40010
	run_phase weft
fi
finish
