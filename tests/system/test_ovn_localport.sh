#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Localport ports (OpenStack's metadata port): ls1 has a localport meta
# (10.0.1.254) whose interface is on both weft chassis, the same MAC and
# address on each, a namespace behind a veth with iface-id=meta that
# answers TCP port 80 with its own name. Each pod must reach its own
# chassis' copy and never the other's, and none of meta's traffic may
# cross the underlay.
#
#   pod1 10.0.1.11 ┐                          ┌ pod2 10.0.1.12
#   metaA .254     ┤ br-int (weftd hv1, nA)   ├ metaB .254
#                  uA 192.168.70.1 ══════════ uB 192.168.70.2
#
#   local     --wait=hv returns with lp1 and lp2 up; pod1 -> meta is
#             answered by metaA (its echo counter moves, metaB's does
#             not; TCP 80 says "metaA"), pod2 -> meta by metaB; pod1 ->
#             pod2 crosses the tunnel meanwhile (so the capture works)
#             and no GENEVE frame on the underlay carries meta's address
#             in IP or in an ARP reply
#   unbound   Port_Binding.chassis of meta stays empty (sampled over the
#             test) and its up is not true
#   flood     a broadcast ping from pod2 reaches metaB (a flood that
#             starts on its chassis) and pod1 across the tunnel, but not
#             metaA: a flood that came by tunnel skips the localport
#   remove    metaA's interface removed from hv1: pod1 no longer reaches
#             meta (no fallback through the tunnel to metaB, whose
#             counter does not move, and no GENEVE frame for it); pod2
#             still reaches metaB; meta's Port_Binding bound to hv1 by
#             hand: hv2, which has its interface, clears it
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_localport.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
MM=0a:00:00:00:01:fe
META=10.0.1.254

dump_state() {
	local n
	for n in nA nB; do
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
		nvsctl "$n" show >"$WEFT_RESULTS/show-$n-$1.txt" 2>&1
		ndp_flows "$n" >"$WEFT_RESULTS/dp-flows-$n-$1.txt" 2>&1
	done
	sbctl show >"$WEFT_RESULTS/sb-show-$1.txt" 2>&1
	sbctl list Port_Binding meta >"$WEFT_RESULTS/pb-meta-$1.txt" 2>&1
}

# who POD: the name the meta answering POD on TCP 80 gives, or nothing.
who() {
	ip netns exec "$1" timeout 5 "$PY" -c '
import socket, sys
try:
    s = socket.create_connection((sys.argv[1], 80), 3)
    print(s.recv(64).decode())
except OSError:
    pass
' "$META" 2>/dev/null
}

# meta_chassis: Port_Binding.chassis of meta ("" when bound nowhere).
meta_chassis() { sbctl --bare --columns=chassis find Port_Binding logical_port=meta; }

meta_unbound() { [ -z "$(meta_chassis)" ]; }

UNBOUND_SEEN=0
check_unbound() {
	local ch
	ch=$(meta_chassis)
	[ -z "$ch" ] || { fail "meta is bound to chassis $ch"; return 1; }
	UNBOUND_SEEN=$((UNBOUND_SEEN + 1))
}

# geneve_meta PCAP: the GENEVE frames of PCAP that carry meta's
# address in IP or meta's ARP replies.
geneve_meta() {
	tcpdump -n -r "$1" 2>/dev/null |
		count_matching "IP 10\.0\.1\.254[.: ]|> 10\.0\.1\.254[.: ]|10\.0\.1\.254 is-at"
}

setup() {
	ovn_two_chassis_up tcpdump
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 meta -- lsp-set-type meta localport \
	   -- lsp-set-addresses meta "$MM $META" || die "NB"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2
	ovn_pod nA metaA mA $META/24 $MM meta
	ovn_pod nB metaB mB $META/24 $MM meta
	for ns in pod1 metaA metaB; do
		in_ns "$ns" sysctl -qw net.ipv4.icmp_echo_ignore_broadcasts=0
	done
	name_server metaA
	name_server metaB
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

case_local() {
	local cap=$WEFTD_DIR/local.pcap a0 b0 a1 b1 out
	nbctl_wait sync || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lp2 || fail "lp1, lp2 not up"
	dump_state local
	check_unbound
	tcpdump_start nA uA "$cap" udp port 6081
	a0=$(icmp_in_echos metaA) b0=$(icmp_in_echos metaB)
	ping_ok pod1 $META 5 || fail "ping pod1 -> meta"
	a1=$(icmp_in_echos metaA) b1=$(icmp_in_echos metaB)
	log "pod1 -> meta: metaA $a0 -> $a1, metaB $b0 -> $b1"
	[ "$a1" -ge $((a0 + 5)) ] || fail "metaA did not answer pod1 ($a0 -> $a1)"
	[ "$b1" = "$b0" ] || fail "metaB saw pod1's pings ($b0 -> $b1)"
	ping_ok pod2 $META 5 || fail "ping pod2 -> meta"
	a0=$(icmp_in_echos metaA) b0=$(icmp_in_echos metaB)
	log "pod2 -> meta: metaA $a1 -> $a0, metaB $b1 -> $b0"
	[ "$b0" -ge $((b1 + 5)) ] || fail "metaB did not answer pod2 ($b1 -> $b0)"
	[ "$a0" = "$a1" ] || fail "metaA saw pod2's pings ($a1 -> $a0)"
	assert_eq metaA "$(who pod1)" "pod1's meta on TCP 80 is hv1's"
	assert_eq metaB "$(who pod2)" "pod2's meta on TCP 80 is hv2's"
	ping_ok pod1 10.0.1.12 3 || fail "ping pod1 -> pod2 (across)"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/local-geneve.txt"
	assert_match "$out" "10\.0\.1\.11 > 10\.0\.1\.12: ICMP echo request" \
		"the capture sees pod1 -> pod2 in GENEVE"
	assert_eq 0 "$(geneve_meta "$cap")" "no GENEVE frame carries meta's traffic"
	dump_state local-after
	check_unbound
}

case_unbound() {
	local i up
	for ((i = 0; i < 5; i++)); do
		check_unbound || break
		nap 0.5
	done
	up=$(sbctl --bare --columns=up find Port_Binding logical_port=meta)
	[ "$up" != true ] || fail "meta's Port_Binding is up: '$up'"
	log "meta unbound at each of $UNBOUND_SEEN samples (up '$up')"
}

case_flood() {
	local a0 b0 p0 a1 b1 p1
	a0=$(icmp_in_echos metaA) b0=$(icmp_in_echos metaB)
	p0=$(icmp_in_echos pod1)
	in_ns pod2 ping -n -b -I eth0 -c 3 -i 0.3 -W 1 255.255.255.255 \
		>"$WEFT_RESULTS/flood-ping.txt" 2>&1
	nap 1
	a1=$(icmp_in_echos metaA) b1=$(icmp_in_echos metaB)
	p1=$(icmp_in_echos pod1)
	log "broadcast from pod2: pod1 $p0 -> $p1, metaA $a0 -> $a1, metaB $b0 -> $b1"
	[ "$p1" -ge $((p0 + 3)) ] || fail "the flood did not reach pod1 ($p0 -> $p1)"
	[ "$b1" -ge $((b0 + 3)) ] || fail "the flood did not reach metaB ($b0 -> $b1)"
	[ "$a1" = "$a0" ] || fail "the tunnelled flood reached metaA ($a0 -> $a1)"
	check_unbound
}

case_remove() {
	local cap=$WEFTD_DIR/remove.pcap b0 b1
	nvsctl nA del-port br-int mA || fail "del-port mA"
	nbctl_wait sync || fail "ovn-nbctl --wait=hv sync did not return"
	dump_state remove
	tcpdump_start nA uA "$cap" udp port 6081
	b0=$(icmp_in_echos metaB)
	ping_ok pod1 $META 3 && fail "pod1 still reaches meta with metaA gone"
	[ -z "$(who pod1)" ] || fail "pod1 still gets an answer on TCP 80"
	b1=$(icmp_in_echos metaB)
	[ "$b1" = "$b0" ] || fail "pod1's pings reached metaB ($b0 -> $b1)"
	ping_ok pod2 $META 3 || fail "ping pod2 -> meta after hv1's went"
	assert_eq metaB "$(who pod2)" "pod2's meta is still hv2's"
	ping_ok pod1 10.0.1.12 3 || fail "ping pod1 -> pod2 (across)"
	tcpdump_stop
	save "$cap"
	tcpdump -n -r "$cap" >"$WEFT_RESULTS/remove-geneve.txt" 2>/dev/null
	assert_match "$(cat "$WEFT_RESULTS/remove-geneve.txt")" \
		"10\.0\.1\.11 > 10\.0\.1\.12: ICMP echo request" \
		"the capture sees pod1 -> pod2 in GENEVE"
	assert_eq 0 "$(geneve_meta "$cap")" \
		"no GENEVE frame carries meta's traffic, metaA gone"
	check_unbound
	# Bound by hand to hv1, which no longer has an interface for it:
	# hv2, which has one, clears it (as ovn-controller 23.03 does).
	sbctl set Port_Binding meta chassis="$(sbctl --bare --columns=_uuid \
		find Chassis name=hv1)" || fail "binding meta to hv1 by hand"
	wait_for 10 meta_unbound || fail "meta bound to hv1 stays bound"
	check_unbound
}

setup
run_case local
run_case unbound
run_case flood
run_case remove
finish
