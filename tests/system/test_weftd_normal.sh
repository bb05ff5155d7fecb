#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 600
#
# Issue 4, NORMAL: a bridge made with weft-vsctl behaves as ovs-vswitchd's
# does with its default rule (priority=0,actions=NORMAL): it forwards ping
# and TCP between all its ports, learns where MACs are (fdb/show), follows
# a MAC that moves, ages entries out and flushes them on request, isolates
# access VLANs and carries them tagged on a trunk (802.1Q seen on the wire).
#
#   netns n1: e1 10.1.0.1 02:00:00:00:01:01 ══ p1 ─ ofport 1 ┐
#   netns n2: e2 10.1.0.2 02:00:00:00:01:02 ══ p2 ─ ofport 2 │ br0
#   netns n3: e3 10.1.0.3 02:00:00:00:01:03 ══ p3 ─ ofport 3 │ (weftd, NORMAL)
#   netns n4: e4 (no address until the move) ══ p4 ─ ofport 4 ┘
#
#   vlan_access: p1 tag=10, p2 tag=10, p3 tag=20
#   vlan_trunk:  p1 tag=10 (10.10.0.1), p2 tag=20 (10.20.0.2),
#                p3 trunks=10,20 with e3.10 10.10.0.3 and e3.20 10.20.0.3 in n3
#   learning_move: n1's MAC and address move to e4; then back.
#
# Run: scripts/vm-run tests/system/test_weftd_normal.sh  (or make check
# TESTS=test_weftd_normal); weftd's log ends up in results/test_weftd_normal/.
. "$(dirname "$0")/weftd_lib.sh"

M1=02:00:00:00:01:01
M2=02:00:00:00:01:02
M3=02:00:00:00:01:03

# fdb_rows BR: fdb/show's rows as "PORT VLAN MAC AGE", header dropped.
fdb_rows() {
	appctl fdb/show "$1" | awk 'NF >= 4 && length($3) == 17 && $3 ~ /^[0-9a-f:]+$/ { print $1, $2, $3, $4 }'
}

# fdb_port BR MAC [VLAN]: the port fdb/show gives for MAC (on VLAN).
fdb_port() {
	fdb_rows "$1" | awk -v m="$2" -v v="${3:-}" '$3 == m && (v == "" || $2 == v) { print $1; exit }'
}

fdb_port_is() { [ "$(fdb_port "$1" "$2" "${4:-}")" = "$3" ]; }
fdb_empty() { [ -z "$(fdb_rows "$1")" ]; }

neigh_flush() {
	local ns
	for ns in n1 n2 n3 n4; do
		in_ns "$ns" ip neigh flush all 2>/dev/null
	done
}

setup() {
	modprobe veth
	modprobe 8021q
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" iperf3 tcpdump
	weft_load
	host_add n1 p1 e1 10.1.0.1/24 $M1
	host_add n2 p2 e2 10.1.0.2/24 $M2
	host_add n3 p3 e3 10.1.0.3/24 $M3
	host_add n4 p4 e4 10.99.0.4/24 02:00:00:00:01:04
	in_ns n4 ip addr flush dev e4
	weftd_start || die "weftd did not start"
	br_add_ports br0 p1:1 p2:2 p3:3 p4:4 || die "add-br br0 with p1..p4 failed"
	vsctl show
	"$DPCTL" show
	local p
	for p in 1 2 3 4; do
		assert_eq "$p" "$(ofport_of p$p)" "ofport of p$p"
	done
}

# ovs-vswitchd gives every new bridge "priority=0 actions=NORMAL"; so must
# weftd. If it does not, the rule is added by hand so that the rest runs.
case_default_rule() {
	local dump
	if wait_for 10 has_default_normal br0; then
		ofctl dump-flows br0
		assert_eq 1 "$(rules_count br0)" "rules of a new bridge"
		return
	fi
	dump=$(ofctl dump-flows br0 2>&1)
	fail "no default 'priority=0 actions=NORMAL' rule on a new bridge (weftd); dump-flows br0 printed: ${dump:-nothing}"
	ofctl add-flow br0 "priority=0,actions=normal" ||
		fail "weft-ofctl add-flow br0 priority=0,actions=normal failed too"
	has_default_normal br0 || fail "the NORMAL rule added by hand is not dumped"
}

case_ping_pairs() {
	local a b
	for a in 1 2 3; do
		for b in 1 2 3; do
			[ "$a" = "$b" ] && continue
			ping_ok "n$a" "10.1.0.$b" 3 || fail "ping n$a -> n$b (10.1.0.$b)"
		done
	done
}

case_tcp_pairs() {
	iperf_ok n2 n1 10.1.0.2 2M 5201 || fail "TCP n1 -> n2"
	iperf_ok n3 n2 10.1.0.3 2M 5202 || fail "TCP n2 -> n3"
	iperf_ok n1 n3 10.1.0.1 2M 5203 || fail "TCP n3 -> n1"
}

# After the traffic above, each MAC is learned on its port, VLAN 0.
case_fdb_show() {
	local out
	out=$(appctl fdb/show br0) || { fail "weft-appctl fdb/show br0: $out"; return; }
	echo "$out"
	assert_match "$(echo "$out" | head -n 1)" '^ *port +VLAN +MAC +Age *$' "fdb/show header"
	assert_eq 1 "$(fdb_port br0 $M1 0)" "fdb: port of $M1"
	assert_eq 2 "$(fdb_port br0 $M2 0)" "fdb: port of $M2"
	assert_eq 3 "$(fdb_port br0 $M3 0)" "fdb: port of $M3"
	out=$(appctl fdb/show nosuchbr 2>&1) && fail "fdb/show of a missing bridge succeeded: $out"
	assert_match "$out" 'no such bridge' "fdb/show nosuchbr"
}

case_vlan_access() {
	local cap=$WEFTD_DIR/access.pcap n
	vsctl set Port p1 tag=10 -- set Port p2 tag=10 -- set Port p3 tag=20 ||
		{ fail "setting the tags"; return; }
	neigh_flush
	ping_ok n1 10.1.0.2 3 || fail "n1 -> n2 on VLAN 10"
	ping_ok n2 10.1.0.1 3 || fail "n2 -> n1 on VLAN 10"
	tcpdump_start n3 e3 "$cap"
	ping_fail n1 10.1.0.3 || fail "n1 (VLAN 10) reached n3 (VLAN 20)"
	ping_fail n2 10.1.0.3 || fail "n2 (VLAN 10) reached n3 (VLAN 20)"
	tcpdump_stop
	save "$cap"
	n=$(pcap_count "$cap" "ether src $M1 or ether src $M2")
	assert_eq 0 "$n" "frames from VLAN 10 seen on n3's VLAN 20 port"
	ping_fail n3 10.1.0.1 || fail "n3 (VLAN 20) reached n1 (VLAN 10)"
	assert_eq 10 "$(fdb_rows br0 | awk -v m=$M1 '$3 == m { print $2; exit }')" \
		"VLAN of $M1 in fdb/show"
	vsctl clear Port p1 tag -- clear Port p2 tag -- clear Port p3 tag ||
		fail "clearing the tags"
	neigh_flush
	ping_ok n1 10.1.0.3 3 || fail "n1 -> n3 once the tags are gone"
}

case_vlan_trunk() {
	local cap=$WEFTD_DIR/trunk.pcap cap1=$WEFTD_DIR/access1.pcap t10 t20 bad
	vsctl set Port p1 tag=10 -- set Port p2 tag=20 -- set Port p3 trunks=10,20 ||
		{ fail "setting tags and trunks"; return; }
	in_ns n1 ip addr add 10.10.0.1/24 dev e1
	in_ns n2 ip addr add 10.20.0.2/24 dev e2
	in_ns n3 ip link add link e3 name e3.10 type vlan id 10
	in_ns n3 ip link add link e3 name e3.20 type vlan id 20
	in_ns n3 ip addr add 10.10.0.3/24 dev e3.10
	in_ns n3 ip addr add 10.20.0.3/24 dev e3.20
	in_ns n3 ip link set e3.10 up
	in_ns n3 ip link set e3.20 up
	neigh_flush
	tcpdump_start n3 e3 "$cap"
	local pid3=$TCPDUMP_PID
	tcpdump_start n1 e1 "$cap1"
	ping_ok n1 10.10.0.3 3 || fail "n1 (access 10) -> n3 on the trunk, VLAN 10"
	ping_ok n2 10.20.0.3 3 || fail "n2 (access 20) -> n3 on the trunk, VLAN 20"
	ping_fail n1 10.20.0.3 || fail "n1 (VLAN 10) reached n3's VLAN 20 address"
	tcpdump_stop
	TCPDUMP_PID=$pid3
	tcpdump_stop
	save "$cap" "$cap1"
	tcpdump -e -n -r "$cap" 2>/dev/null >"$WEFTD_DIR/trunk.txt"
	cat "$WEFTD_DIR/trunk.txt"
	# From n1: 802.1Q with VID 10 only; from n2: VID 20 only.
	t10=$(grep -c "^[^ ]* *$M1 > .*ethertype 802.1Q (0x8100).*vlan 10," "$WEFTD_DIR/trunk.txt")
	t20=$(grep -c "^[^ ]* *$M2 > .*ethertype 802.1Q (0x8100).*vlan 20," "$WEFTD_DIR/trunk.txt")
	[ "$t10" -ge 4 ] || fail "n3's trunk saw $t10 frames from $M1 tagged VID 10 (ARP + 3 echo requests expected)"
	[ "$t20" -ge 4 ] || fail "n3's trunk saw $t20 frames from $M2 tagged VID 20"
	bad=$(grep -E "$M1 > |$M2 > " "$WEFTD_DIR/trunk.txt" |
		grep -vE "$M1 > .*vlan 10,|$M2 > .*vlan 20,")
	[ -z "$bad" ] || fail "frames on the trunk without their access VLAN's tag: $bad"
	# n1's access port gets n3's replies untagged.
	bad=$(tcpdump -e -n -r "$cap1" 2>/dev/null | grep -E '802\.1Q|vlan [0-9]+')
	[ -z "$bad" ] || fail "tagged frames on access port p1: $bad"
	[ "$(pcap_count "$cap1" "ether src $M3 and icmp")" -ge 3 ] ||
		fail "n1 got fewer than 3 replies from n3 (untagged)"
	in_ns n3 ip link del e3.10
	in_ns n3 ip link del e3.20
	in_ns n1 ip addr del 10.10.0.1/24 dev e1
	in_ns n2 ip addr del 10.20.0.2/24 dev e2
	vsctl clear Port p1 tag -- clear Port p2 tag -- clear Port p3 trunks ||
		fail "clearing tags and trunks"
	neigh_flush
}

# n1's MAC and address move from p1 to p4: once the new port has spoken,
# fdb/show has the MAC on p4 and n3's unicast traffic goes there, not to p1.
case_learning_move() {
	local cap=$WEFTD_DIR/move.pcap n
	ping_ok n3 10.1.0.1 2 || fail "n3 -> n1 before the move"
	wait_for 5 fdb_port_is br0 $M1 1 || fail "$M1 not on port 1 before the move: $(fdb_rows br0)"
	in_ns n1 ip addr del 10.1.0.1/24 dev e1
	in_ns n1 ip link set e1 down
	in_ns n1 ip link set e1 address 02:00:00:00:01:11
	in_ns n1 ip link set e1 up
	in_ns n4 ip link set e4 down
	in_ns n4 ip link set e4 address $M1
	in_ns n4 ip link set e4 up
	in_ns n4 ip addr add 10.1.0.1/24 dev e4
	# n4 speaks first (its ARP for n3 comes from $M1 on port 4).
	ping_ok n4 10.1.0.3 2 || fail "n4 (with n1's MAC) -> n3"
	wait_for 5 fdb_port_is br0 $M1 4 ||
		fail "$M1 did not move to port 4: $(fdb_rows br0 | tr '\n' ';')"
	tcpdump_start n1 e1 "$cap"
	ping_ok n3 10.1.0.1 5 || fail "n3 -> 10.1.0.1 (now behind p4)"
	tcpdump_stop
	save "$cap"
	n=$(pcap_count "$cap" "icmp")
	assert_eq 0 "$n" "ICMP frames still sent to p1 after the move"
	# And back.
	in_ns n4 ip addr flush dev e4
	in_ns n4 ip link set e4 down
	in_ns n4 ip link set e4 address 02:00:00:00:01:04
	in_ns n4 ip link set e4 up
	in_ns n1 ip link set e1 down
	in_ns n1 ip link set e1 address $M1
	in_ns n1 ip link set e1 up
	in_ns n1 ip addr add 10.1.0.1/24 dev e1
	ping_ok n1 10.1.0.3 2 || fail "n1 -> n3 after moving back"
	wait_for 5 fdb_port_is br0 $M1 1 || fail "$M1 did not move back to port 1"
	ping_ok n3 10.1.0.1 2 || fail "n3 -> n1 after moving back"
}

# mac-aging-time=5 is raised to OVS's minimum, 15 s (ovs-vswitchd and
# include/weft/mac_learning.h agree): entries of a silent MAC are gone
# after 15 s, not before.
case_aging() {
	local t0 t1 dt gone=0
	vsctl set Bridge br0 other_config:mac-aging-time=5 ||
		{ fail "set other_config:mac-aging-time=5"; return; }
	appctl fdb/flush br0 >/dev/null
	ping_ok n1 10.1.0.2 2 || fail "n1 -> n2"
	t0=$(date +%s.%N)
	fdb_port_is br0 $M1 1 && fdb_port_is br0 $M2 2 ||
		fail "the pinging MACs are not in fdb/show: $(fdb_rows br0 | tr '\n' ';')"
	while ! elapsed_over "$t0" 30; do
		if fdb_empty br0; then
			gone=1
			break
		fi
		nap 0.2
	done
	t1=$(date +%s.%N)
	dt=$(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }')
	log "fdb/show empty after ${dt}s (gone=$gone)"
	[ "$gone" = 1 ] || fail "entries still there ${dt}s after the last frame: $(fdb_rows br0 | tr '\n' ';')"
	awk -v d="$dt" 'BEGIN { exit !(d >= 14) }' ||
		fail "entries aged out after ${dt}s, before the 15 s minimum aging time"
	vsctl remove Bridge br0 other_config mac-aging-time ||
		fail "removing mac-aging-time"
}

case_fdb_flush() {
	local out
	ping_ok n1 10.1.0.2 2 || fail "n1 -> n2"
	ping_ok n3 10.1.0.2 2 || fail "n3 -> n2"
	[ "$(fdb_rows br0 | wc -l)" -ge 3 ] || fail "fewer than 3 entries before the flush"
	# The revalidator learns from flows whose counters moved since its
	# last pass (as OVS's does): let it take in the pings first, or it
	# may learn them again just after the flush.
	appctl revalidator/wait >/dev/null
	out=$(appctl fdb/flush br0) || fail "fdb/flush br0: $out"
	assert_eq "table successfully flushed" "$out" "fdb/flush br0 output"
	fdb_empty br0 || fail "entries left after fdb/flush: $(fdb_rows br0 | tr '\n' ';')"
	out=$(appctl fdb/flush nosuchbr 2>&1) && fail "fdb/flush nosuchbr succeeded: $out"
	assert_match "$out" 'no such bridge' "fdb/flush nosuchbr"
	ping_ok n1 10.1.0.3 2 || fail "n1 -> n3 after the flush"
	wait_for 5 fdb_port_is br0 $M1 1 || fail "$M1 not learned again after the flush"
	appctl revalidator/wait >/dev/null
	out=$(appctl fdb/flush) || fail "fdb/flush (all bridges): $out"
	fdb_empty br0 || fail "entries left after fdb/flush of all bridges"
}

setup
run_case default_rule
run_case ping_pairs
run_case tcp_pairs
run_case fdb_show
run_case vlan_access
run_case vlan_trunk
run_case learning_move
run_case aging
run_case fdb_flush
appctl dpif/dump-flows br0 >"$WEFT_RESULTS/dpif-dump-flows.txt" 2>&1
dp_flows >"$WEFT_RESULTS/dp-flows.txt"
finish
