#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 900
#
# Conntrack in weft.ko (issue 6), through weft-dpctl's datapath flows in
# ovs-dpctl syntax: a stateful firewall (the same verdicts as openvswitch.ko
# with the same flows), zones isolating two tenants with the same
# addresses, SNAT and DNAT checked on the wire and in conntrack's table,
# IPv4 and IPv6 fragments reassembled for ct and refragmented at their
# original size, ct actions the module must refuse (through weft-dpctl and
# as raw netlink), malformed fragment streams, fuzzed ct actions in flows
# and executed packets, the ct fields of an upcall's key, rmmod with
# connections present, and a namespace deleted with a datapath in it.
#
#   ns1: v1p 10.1.0.1 fd01::1 ---- v1 [port 1  dp0  port 2] v2 ---- v2p 10.1.0.2 fd01::2 :ns2
#                                     [port 3      ] v3 ---- v3p 10.1.0.3          :ns3
#   tenants (zones):  ta1 10.2.0.1 - [4 dp0 5] - ta2 10.2.0.2
#                     tb1 10.2.0.1 - [6 dp0 7] - tb2 10.2.0.2
#   openvswitch.ko:   os1 10.1.0.1 - [1 ovs-ct 2] - os2 10.1.0.2
#
# Neighbours are static, so the flows carry only IP.
. "$(dirname "$0")/lib.sh"

PY=python3
W=$WEFT_RESULTS

dpctl() { timeout 30 "$DPCTL" "$@"; }

# flows CMD DP "MATCH ACTIONS"...: replace DP's flows (CMD: dpctl or ovs-dpctl).
flows() {
	local cmd=$1 dp=$2 line
	shift 2
	$cmd del-flows "$dp" >/dev/null 2>&1
	for line in "$@"; do
		# "-": no actions (drop), which both dpctls take as "".
		if [ "${line##* }" = - ]; then
			$cmd add-flow "$dp" "${line% *}" "" ||
				fail "$cmd add-flow $line"
			continue
		fi
		# shellcheck disable=SC2086 # MATCH and ACTIONS are two words
		$cmd add-flow "$dp" $line || fail "$cmd add-flow $line"
	done
}

# packets CMD DP TEXT: packets of the first flow whose dump contains TEXT.
packets() {
	$1 dump-flows "$2" | grep -F -- "$3" | head -n 1 |
		sed -n 's/.*packets:\([0-9]*\).*/\1/p'
}

# neigh NS ADDR MAC: a permanent neighbour entry.
neigh() {
	in_ns "$1" ip neigh replace "$2" lladdr "$3" dev "$4" nud permanent
}

# ct_count ZONE: connections nf_conntrack has in the initial namespace, zone.
ct_count() {
	conntrack -L -w "$1" 2>/dev/null | grep -c .
}

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

TOOL=$WEFT_TOP/tests/system/helpers/ct_tool.py

# ct_tool NS ARGS...: run the traffic helper in NS.
ct_tool() {
	local ns=$1
	shift
	in_ns "$ns" timeout 30 $PY "$TOOL" "$@"
}

# server NS ADDR PORT: the TCP answerer, in the background until exit.
server() {
	local ready=$W/srv.$1.$3.ready
	rm -f "$ready"
	# Not through in_ns: $! must be the server itself.
	ip netns exec "$1" $PY "$TOOL" serve "$2" "$3" "$ready" \
		>/dev/null 2>&1 </dev/null &
	on_exit kill $!
	wait_for 20 test -e "$ready" || fail "server $1 $2:$3 did not start"
}

# udp_recv_start NS ADDR PORT SECS OUT: a one-datagram receiver in the
# background writing its verdict to OUT; returns once it listens.
udp_recv_start() {
	local ready=$5.ready
	rm -f "$ready" "$5"
	ip netns exec "$1" timeout 30 $PY "$TOOL" udp-recv "$2" "$3" "$4" \
		"$ready" >"$5" 2>&1 </dev/null &
	wait_for 20 test -e "$ready" || fail "udp receiver in $1 did not start"
}

# udp_recv_wait OUT: the receiver's verdict, once it has one.
udp_recv_wait() { wait_for 60 test -s "$1"; cat "$1"; }

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
	require conntrack tcpdump ovs-dpctl "$DPCTL"
	weft_load
	netns_add ns1 ns2 ns3 ta1 ta2 tb1 tb2 os1 os2
	veth_add v1 v1p ns1 10.1.0.1/24
	veth_add v2 v2p ns2 10.1.0.2/24
	veth_add v3 v3p ns3 10.1.0.3/24
	in_ns ns1 ip addr add fd01::1/64 dev v1p nodad
	in_ns ns2 ip addr add fd01::2/64 dev v2p nodad
	in_ns ns1 ip neigh replace 10.1.0.3 lladdr "$(mac_of ns3 v3p)" dev v1p nud permanent
	neigh ns1 10.1.0.2 "$(mac_of ns2 v2p)" v1p
	neigh ns2 10.1.0.1 "$(mac_of ns1 v1p)" v2p
	neigh ns1 fd01::2 "$(mac_of ns2 v2p)" v1p
	neigh ns2 fd01::1 "$(mac_of ns1 v1p)" v2p
	dpctl add-dp dp0 || die "add-dp"
	on_exit "$DPCTL" del-dp dp0
	conntrack -F >/dev/null 2>&1
	dpctl add-if dp0 v1 || die "add-if v1"
	dpctl add-if dp0 v2 || die "add-if v2"
	dpctl add-if dp0 v3 || die "add-if v3"
	server ns2 10.1.0.2 7001
	server ns1 10.1.0.1 7002
	server ns3 10.1.0.3 7003
	# SNAT and DNAT: 10.1.0.100 is ns1 translated, 10.1.0.200 the VIP of
	# ns2:7001 and ns3:7003; 10.1.0.11 is ns1's second client address.
	in_ns ns1 ip addr add 10.1.0.11/24 dev v1p
	neigh ns2 10.1.0.100 "$(mac_of ns1 v1p)" v2p
	neigh ns1 10.1.0.200 "$(mac_of ns2 v2p)" v1p
	neigh ns2 10.1.0.11 "$(mac_of ns1 v1p)" v2p
	neigh ns3 10.1.0.1 "$(mac_of ns1 v1p)" v3p
	neigh ns3 10.1.0.11 "$(mac_of ns1 v1p)" v3p
	# The tenants: the same addresses twice, on ports 4-7.
	veth_add ta1x ta1p ta1 10.2.0.1/24
	veth_add ta2x ta2p ta2 10.2.0.2/24
	veth_add tb1x tb1p tb1 10.2.0.1/24
	veth_add tb2x tb2p tb2 10.2.0.2/24
	neigh ta1 10.2.0.2 "$(mac_of ta2 ta2p)" ta1p
	neigh ta2 10.2.0.1 "$(mac_of ta1 ta1p)" ta2p
	neigh tb1 10.2.0.2 "$(mac_of tb2 tb2p)" tb1p
	neigh tb2 10.2.0.1 "$(mac_of tb1 tb1p)" tb2p
	local p
	for p in ta1x ta2x tb1x tb2x; do
		dpctl add-if dp0 "$p" || die "add-if $p"
	done

	veth_add o1 o1p os1 10.1.0.1/24
	veth_add o2 o2p os2 10.1.0.2/24
	neigh os1 10.1.0.2 "$(mac_of os2 o2p)" o1p
	neigh os2 10.1.0.1 "$(mac_of os1 o1p)" o2p
	ovs_dp_add ovs-ct
	ovs-dpctl add-if ovs-ct o1 || die "ovs add-if o1"
	ovs-dpctl add-if ovs-ct o2 || die "ovs add-if o2"
	server os2 10.1.0.2 7001
	server os1 10.1.0.1 7002
	dpctl show dp0
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
	local m2 m3
	m2=$(mac_of ns2 v2p)
	m3=$(mac_of ns3 v3p)
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

# ---- fragments -----------------------------------------------------------------

# frag_case FAMILY DST SIZE MTU: SIZE-byte datagrams from ns1 (whose link
# has MTU) through ct to ns2; they must arrive whole, as fragments no
# larger than MTU.
frag_case() {
	local fam=$1 dst=$2 size=$3 mtu=$4 pcap=$W/frag$1.pcap v big
	in_ns ns1 ip link set v1p mtu "$mtu"
	tcpdump_start ns2 v2p "$pcap" "$([ "$fam" = 4 ] && echo 'ip and udp' || echo 'ip6')"
	udp_recv_start ns2 "$dst" 9000 15 "$W/frag$fam.recv"
	ct_tool ns1 big-udp "$dst" 9000 "$size"
	v=$(udp_recv_wait "$W/frag$fam.recv")
	tcpdump_stop
	in_ns ns1 ip link set v1p mtu 1500
	assert_eq "got $size" "$v" "the datagram at ns2"
	# IP packet lengths on ns2's wire: several, none above the sender's MTU.
	if [ "$fam" = 4 ]; then
		big=$(tcpdump -nn -v -r "$pcap" 2>/dev/null | sed -n 's/.*, length \([0-9]*\))$/\1/p; s/.*, length \([0-9]*\))  *$/\1/p')
	else
		big=$(tcpdump -nn -v -r "$pcap" 2>/dev/null | sed -n 's/.*payload length: \([0-9]*\)).*/\1/p' | awk '{print $1 + 40}')
	fi
	echo "$big" >"$W/frag$fam.lengths"
	[ "$(grep -c . <<<"$big")" -ge 3 ] || fail "IPv$fam: fewer than 3 fragments on ns2's wire: $big"
	[ "$(sort -n <<<"$big" | tail -n 1)" -le "$mtu" ] ||
		fail "IPv$fam: a fragment above $mtu bytes on ns2's wire: $big"
	conntrack -L -w 3 -f "ipv$fam" 2>/dev/null | grep -q 'dport=9000' ||
		fail "IPv$fam: no ct entry for the reassembled datagram"
}

FRAG_FLOWS=(
	"recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4() ct(zone=3),recirc(3)"
	"recirc_id(0x3),in_port(1),ct_state(+trk),eth(),eth_type(0x0800),ipv4() ct(commit,zone=3),2"
	"recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6() ct(zone=3),recirc(4)"
	"recirc_id(0x4),in_port(1),ct_state(+trk),eth(),eth_type(0x86dd),ipv6() ct(commit,zone=3),2"
)

case_frag_ipv4() {
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	frag_case 4 10.1.0.2 3000 600
}

case_frag_ipv6() {
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	frag_case 6 fd01::2 4000 1280
}

case_bad_frags() {
	local out
	flows dpctl dp0 "${FRAG_FLOWS[@]}"
	sysctl -qw net.ipv4.ipfrag_time=3 net.netfilter.nf_conntrack_frag6_timeout=3
	out=$(ct_tool ns1 bad-frags v1p "$(mac_of ns2 v2p)" 10.1.0.1 10.1.0.2 "${CT_SEED:-$RANDOM}" 4000)
	log "$out"
	# The pending queues expire and give their memory back.
	wait_for 30 sh -c 'grep -q "^FRAG: inuse 0 memory 0" /proc/net/sockstat' ||
		fail "IPv4 reassembly memory not released: $(grep FRAG /proc/net/sockstat)"
	# And the datapath still does its job.
	frag_case 4 10.1.0.2 3000 600
}

# ---- what the module refuses -----------------------------------------------------

# refused MATCH ACTIONS MESSAGE: add-flow must fail, saying MESSAGE.
refused() {
	local out
	out=$(dpctl add-flow dp0 "$1" "$2" 2>&1) &&
		{ fail "accepted: $1 $2"; return; }
	grep -qF -- "$3" <<<"$out" || fail "'$2' refused without '$3': $out"
}

case_bad_actions() {
	local out ip4="recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)"
	local tcp4="recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(proto=6,frag=no)"
	local udp6="recirc_id(0),in_port(1),eth(),eth_type(0x86dd),ipv6(proto=17,frag=no)"

	dpctl del-flows dp0
	refused "recirc_id(0),in_port(1),eth()" "ct(zone=1)" "ct: needs eth_type 0x0800 or 0x86dd"
	refused "$ip4" "ct(mark=0x1/0x1)" "setting the mark needs COMMIT"
	refused "$ip4" "ct(label=0x1/0x1)" "setting the labels needs COMMIT"
	refused "$tcp4" "ct(commit,helper=nosuch)" "unknown conntrack helper"
	refused "$ip4" "ct(commit,helper=ftp)" "a helper needs the flow's ip proto"
	refused "$udp6" "ct(commit,timeout=nosuch)" "no such timeout policy"
	refused "$udp6" "ct(commit,nat(src=10.0.0.1))" "nat address must be"
	# What weft-dpctl cannot write, in raw netlink.
	out=$(ct_tool - bad-ct dp0)
	echo "$out" >"$W/bad_ct.out"
	local want
	while IFS='|' read -r name want; do
		grep -q "^$name: [A-Za-z ]*: ct: .*$want" <<<"$out" ||
			fail "$name: not refused with '$want': $(grep "^$name:" <<<"$out")"
	done <<'WANT'
nat-ip-range-reversed|IP_MAX is below IP_MIN
nat-port-range-reversed|PROTO_MAX is below PROTO_MIN
nat-src-and-dst|src or dst, not both
nat-range-without-kind|needs src or dst
nat-hash-and-random|exclusive
nat-ipv6-address-on-ipv4|nat address must be 4 bytes
mark-short|MARK 8
mark-mask-zero|mark mask is zero
labels-mask-zero|labels mask is zero
unknown-ct-attr|bad attribute
helper-unterminated|NUL-terminated
zone-too-long|ZONE u16
WANT
	assert_eq 0 "$(dpctl dump-flows dp0 | grep -c .)" "flows left after refusals"
	# A helper is a module reference, released with the flow.
	assert_ok dpctl add-flow dp0 "$tcp4" "ct(commit,helper=ftp),2"
	assert_ok grep -q '^nf_conntrack_ftp ' /proc/modules
	assert_eq "ct(commit,helper=ftp),2" \
		"$(dpctl dump-flows dp0 | sed 's/.*actions://')" "the helper flow's dump"
	dpctl del-flows dp0
}

# Random and mutated ct actions in flows and executed packets: refusals,
# installs, defragmentation in execute; nothing may crash, warn or leak.
case_fuzz_ct() {
	local out seed=${CT_SEED:-$RANDOM}
	log "seed $seed"
	out=$(timeout 300 $PY "$TOOL" fuzz-ct dp0 "$seed" "${CT_FUZZ:-3000}" 2>&1) || { fail "fuzz-ct: $out"; return; }
	log "$out"
	grep -q 'flow-ok:' <<<"$out" || fail "no fuzzed ct flow was accepted: $out"
	grep -q 'exec-ok:' <<<"$out" || fail "no fuzzed execute was accepted: $out"
	dmesg_check
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
	netns_add nsd nsx nsy
	ip link add x1 type veth peer name x1p || { fail "veth x1"; return; }
	ip link add x2 type veth peer name x2p || { fail "veth x2"; return; }
	ip link set x1 netns nsd && ip link set x2 netns nsd &&
		ip link set x1p netns nsx && ip link set x2p netns nsy ||
		{ fail "moving the veths"; return; }
	in_ns nsd ip link set x1 up; in_ns nsd ip link set x2 up
	in_ns nsx ip addr add 10.3.0.1/24 dev x1p; in_ns nsx ip link set x1p up
	in_ns nsy ip addr add 10.3.0.2/24 dev x2p; in_ns nsy ip link set x2p up
	neigh nsx 10.3.0.2 "$(mac_of nsy x2p)" x1p
	neigh nsy 10.3.0.1 "$(mac_of nsx x1p)" x2p
	in_ns nsd "$DPCTL" add-dp dpn && in_ns nsd "$DPCTL" add-if dpn x1 &&
		in_ns nsd "$DPCTL" add-if dpn x2 || { fail "datapath in nsd"; return; }
	in_ns nsd "$DPCTL" add-flow dpn "recirc_id(0),in_port(1),eth(),eth_type(0x0800),ipv4(frag=no)" "ct(commit,zone=9,nat(src=10.3.0.50)),2"
	in_ns nsd "$DPCTL" add-flow dpn "recirc_id(0),in_port(2),eth(),eth_type(0x0800),ipv4(frag=no)" "ct(zone=9,nat),1"
	neigh nsy 10.3.0.50 "$(mac_of nsx x1p)" x2p
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
	local n
	# Fresh connections (and a packet queued for reassembly) to unload with.
	flows dpctl dp0 "${FW_FLOWS[@]}" "${FRAG_FLOWS[@]:2}"
	ping_ok ns1 10.1.0.2 2 || fail "no ping through the firewall"
	assert_eq ok "$(ct_tool ns1 tcp 10.1.0.2 7001)" "tcp through the firewall"
	ct_tool ns1 bad-frags v1p "$(mac_of ns2 v2p)" 10.1.0.1 10.1.0.2 1 8 >/dev/null
	n=$(cat /proc/sys/net/netfilter/nf_conntrack_count)
	log "$n connections before rmmod"
	[ "$n" -ge 1 ] || fail "no connections to unload with"
	"$DPCTL" del-dp dp0 || fail "del-dp dp0"
	rmmod weft || { fail "rmmod weft"; return; }
	dmesg_check
	# Nothing of weft's holds a connection: a flush frees them all.
	ovs-dpctl del-dp ovs-ct >/dev/null 2>&1
	conntrack -F >/dev/null 2>&1
	wait_for 30 sh -c '[ "$(cat /proc/sys/net/netfilter/nf_conntrack_count)" = 0 ]' ||
		fail "nf_conntrack_count stays at $(cat /proc/sys/net/netfilter/nf_conntrack_count)"
	# ... nor a helper module: every helper module goes, the NAT halves
	# first (a ct(nat) action with a helper loads nf_nat_ftp, which uses
	# nf_conntrack_ftp; weft holds a reference on both). openvswitch.ko's
	# datapath (the firewall_ovs case) drops its references after an RCU
	# grace period, which a loaded guest can make long: retry for 30 s.
	for ((n = 0; n < 30; n++)); do
		helpers_unloaded && return
		sleep 1
	done
	fail "helper modules still in use after 30 s: $(grep -E '^nf_(nat|conntrack)_t?ftp ' /proc/modules)"
}

# helpers_unloaded: unloads the loaded ftp/tftp helper modules; false while
# one is in use.
helpers_unloaded() {
	local m
	for m in nf_nat_ftp nf_nat_tftp nf_conntrack_ftp nf_conntrack_tftp; do
		grep -q "^$m " /proc/modules || continue
		rmmod "$m" 2>/dev/null || return 1
	done
}

case_teardown_debug() {
	log "del-dp"; timeout 20 "$DPCTL" del-dp dp0; log "rc $?"
	log "rmmod"; timeout 20 rmmod weft; log "rc $?"
	log "ovs del-dp"; timeout 20 ovs-dpctl del-dp ovs-ct; log "rc $?"
	log "netns del"; timeout 20 ip netns del ns1; log "rc $?"
	dmesg | tail -20
}

setup
run_case firewall
run_case firewall_ovs
run_case zones
run_case snat
run_case dnat
run_case force_commit
run_case frag_ipv6
run_case frag_ipv4
run_case bad_frags
run_case bad_actions
run_case fuzz_ct
run_case upcall_key
run_case netns_delete
run_case rmmod_clean
finish
