#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# A distributed gateway port between a weft chassis and a real OVN
# chassis (ovn-controller and ovs-vswitchd on openvswitch.ko in nB,
# tests/system/ovn_ovs_lib.sh), one real NB/SB/ovn-northd: each side
# tunnels lr1's redirected traffic to the gateway chassis the other
# claimed, and receives the other's.
#
#   pod1 10.0.1.11 (ls1) ┐                           ┌ pod2 10.0.1.12 (ls1)
#   out1 172.16.0.100    ┤ br-int (weftd hv-weft) ══ ┤ br-int (ovn-controller
#        (ext)           ┘   nA                  nB  └ out2     hv-ovs)
#                                                      172.16.0.101 (ext)
#
#   ls1 ─ lr1 (10.0.1.1; lr1-ext 172.16.0.1, one gateway chassis) ─ ext;
#   lr1: snat 172.16.0.10 for 10.0.1.0/24.
#
#   weft_gw  gateway chassis hv-weft: weftd claims cr-lr1-ext; pod2
#            (ovn-controller) reaches out1 as 172.16.0.10, in
#            ovn-controller's GENEVE frames to hv-weft with lr1's VNI and
#            cr-lr1-ext as egress port
#   ovs_gw   gateway chassis hv-ovs instead: ovn-controller claims it,
#            weftd lets it; pod1 (weft) reaches out2 as 172.16.0.10, in
#            weft's GENEVE frames to hv-ovs with lr1's VNI and cr-lr1-ext
#
# One gateway chassis at a time: with two, ovn-controller decides who is
# active from BFD sessions on its tunnels, which weft does not run
# (docs/ovn.md, Gateways).
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_dgp_interop.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"
. "$(dirname "$0")/ovn_ovs_lib.sh"
. "$(dirname "$0")/ovn_dgp_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
MO1=0a:00:00:00:10:64
MO2=0a:00:00:00:10:65

wait_hv() {
	timeout 90 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=80 sync
}

keys() {
	LR1=$(sbctl --bare --columns=tunnel_key find Datapath_Binding \
		external_ids:name=lr1)
	CR=$(pb_col cr-lr1-ext tunnel_key)
	LRP=$(pb_col lr1-ext tunnel_key)
}

dump_state() {
	nofctl nA dump-flows br-int >"$WEFT_RESULTS/flows-weft-$1.txt" 2>&1
	nappctl nA lflow/stats >"$WEFT_RESULTS/lflow-stats-$1.txt" 2>&1
	novs nB ovs-ofctl dump-flows br-int >"$WEFT_RESULTS/flows-ovs-$1.txt" 2>&1
	sbctl list Port_Binding cr-lr1-ext >"$WEFT_RESULTS/cr-$1.txt" 2>&1
	sbctl list HA_Chassis >>"$WEFT_RESULTS/cr-$1.txt" 2>&1
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" ovn-northd ovn-nbctl \
		ovn-sbctl ovn-controller ovs-vswitchd ovsdb-server tcpdump
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	ovn_chassis nA hv-weft 192.168.70.1 || die "nA: chassis keys"
	ovs_chassis_start nB hv-ovs 192.168.70.2 geneve ||
		die "the OVS chassis did not start"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	nbctl ls-add ls1 -- ls-add ext \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ext lpo1 -- lsp-set-addresses lpo1 "$MO1 172.16.0.100" \
	   -- lsp-add ext lpo2 -- lsp-set-addresses lpo2 "$MO2 172.16.0.101" \
	   -- lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lrp-add lr1 lr1-ext 02:00:00:00:10:01 172.16.0.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add ext ext-lr1 -- lsp-set-type ext-lr1 router \
	   -- lsp-set-addresses ext-lr1 router \
	   -- lsp-set-options ext-lr1 router-port=lr1-ext \
	   -- lrp-set-gateway-chassis lr1-ext hv-weft 20 \
	   -- lr-nat-add lr1 snat 172.16.0.10 10.0.1.0/24 ||
		die "NB: ls1, lr1 with a distributed gateway port, ext"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nA out1 po1 172.16.0.100/24 $MO1 lpo1
	vm_up pod2 nB p2 10.0.1.12/24 $M2 1400
	in_ns pod2 ip route add default via 10.0.1.1
	vm_up out2 nB po2 172.16.0.101/24 $MO2 1400
	ovs_chassis_port nB p2 lp2 || die "nB: p2"
	ovs_chassis_port nB po2 lpo2 || die "nB: po2"
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

case_weft_gw() {
	local out under
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 30 ovn_ports_up lp1 lp2 lpo1 lpo2 || fail "not every port is up"
	wait_for 20 claimed_by hv-weft || fail "weftd did not claim cr-lr1-ext"
	keys
	dump_state weft-gw
	ping_ok pod2 172.16.0.100 3 || ping_ok pod2 172.16.0.100 3 ||
		fail "ping pod2 (ovn-controller) -> out1 through hv-weft's gateway"
	out=$(capture nA po1 weft-gw-out1 "icmp" -- ping_ok pod2 172.16.0.100 3)
	under=$(capture nA uA weft-gw-underlay "udp port 6081" -- \
		ping_ok pod2 172.16.0.100 3)
	[ -n "$out" ] || dump_state weft-gw-fail
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.100: ICMP echo request" \
		"out1 sees pod2's ping from the SNAT address"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out1: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	geneve_has "$under" "$LR1" "$CR" "10\.0\.1\.12" "172\.16\.0\.100" \
		192.168.70.2 ||
		fail "no GENEVE frame from ovn-controller with lr1's VNI ($LR1), egress cr-lr1-ext ($CR) and pod2's ping inside"
	true
}

case_ovs_gw() {
	local out under
	keys
	nbctl lrp-del-gateway-chassis lr1-ext hv-weft \
	   -- lrp-set-gateway-chassis lr1-ext hv-ovs 20 ||
		fail "NB: gateway chassis hv-ovs"
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 claimed_by hv-ovs ||
		fail "ovn-controller did not claim cr-lr1-ext"
	nap 2
	claimed_by hv-ovs ||
		fail "cr-lr1-ext went back to $(pb_col cr-lr1-ext chassis)"
	dump_state ovs-gw
	flow_has nA 39 "$LR1" "$CR" "output:" ||
		fail "weft does not tunnel cr-lr1-ext's packets to hv-ovs (table 39)"
	! flow_has nA 40 "$LR1" "$CR" . ||
		fail "weft still hands cr-lr1-ext to lr1-ext"
	ping_ok pod1 172.16.0.101 3 || ping_ok pod1 172.16.0.101 3 ||
		fail "ping pod1 (weft) -> out2 through hv-ovs's gateway"
	out=$(capture nB po2 ovs-gw-out2 "icmp" -- ping_ok pod1 172.16.0.101 3)
	under=$(capture nA uA ovs-gw-underlay "udp port 6081" -- \
		ping_ok pod1 172.16.0.101 3)
	[ -n "$out" ] || dump_state ovs-gw-fail
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.101: ICMP echo request" \
		"out2 sees pod1's ping from the SNAT address"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out2: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	geneve_has "$under" "$LR1" "$CR" "10\.0\.1\.11" "172\.16\.0\.101" \
		192.168.70.1 ||
		fail "no GENEVE frame from weft with lr1's VNI ($LR1), egress cr-lr1-ext ($CR) and pod1's ping inside"
	true
}

setup
run_case weft_gw
run_case ovs_gw
finish
