#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Distributed gateway ports: lr1's port to the outside switch has two
# gateway chassis (`lrp-set-gateway-chassis`), northd makes cr-lr1-ext
# (chassisredirect) with an HA_Chassis_Group, and the chassis of highest
# priority hosts it: claims it, is_chassis_resident("cr-lr1-ext") is true
# there, and the other chassis tunnel the router's outside traffic to it.
# Two weft chassis in their own namespaces, one real OVN control plane.
#
#   pod1 10.0.1.11 (ls1) ┐                      ┌ pod2 10.0.1.12 (ls1)
#   out1 172.16.0.100    ┤ br-int (weftd hv1) ══ ┤ pod3 10.0.1.13 (ls1)
#        (ext)           ┘   nA              nB  └ out2 172.16.0.101 (ext)
#
#   ls1 ─ lr1 (10.0.1.1; lr1-ext 172.16.0.1, gateway chassis hv1 20,
#   hv2 10) ─ ext. lr1: snat 172.16.0.10 for 10.0.1.0/24,
#   dnat_and_snat 172.16.0.20 <-> pod3.
#
#   claim    hv1 claims cr-lr1-ext; hv1 hands it to lr1-ext (table 40),
#            hv2 tunnels it to hv1 (table 39)
#   snat     pod2 (hv2) reaches out1: out1 sees 172.16.0.10, and the
#            packets crossed the underlay hv2 -> hv1 in GENEVE with lr1's
#            VNI and cr-lr1-ext as egress port; out1 reaches pod3 (hv2)
#            at 172.16.0.20, answered from 172.16.0.20
#   move     hv2 priority 30: hv2 claims cr-lr1-ext and keeps it, hv1's
#            flows tunnel to hv2; pod1 (hv1) reaches out2 as 172.16.0.10
#            through the tunnel hv1 -> hv2, pod2 reaches out2 on hv2.
#            (out1 is not reachable then: lr1 admits the outside's
#            packets only on the gateway chassis, as in OVN; the
#            outside is normally a localnet port, present everywhere.)
#   back     hv2 taken out of the group (lrp-del-gateway-chassis): hv1
#            claims cr-lr1-ext again and keeps it, hv2 tunnels to it,
#            pod2 (hv2) reaches out1 as 172.16.0.10 again
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_dgp.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"
. "$(dirname "$0")/ovn_dgp_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
MO1=0a:00:00:00:10:64
MO2=0a:00:00:00:10:65

hv_sync() {
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync
}

setup() {
	ovn_two_chassis_up tcpdump
	nbctl ls-add ls1 -- ls-add ext \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
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
	   -- lrp-set-gateway-chassis lr1-ext hv1 20 \
	   -- lrp-set-gateway-chassis lr1-ext hv2 10 \
	   -- lr-nat-add lr1 snat 172.16.0.10 10.0.1.0/24 \
	   -- lr-nat-add lr1 dnat_and_snat 172.16.0.20 10.0.1.13 ||
		die "NB: ls1, lr1 with a distributed gateway port, ext"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2 10.0.1.1
	ovn_pod nB pod3 p3 10.0.1.13/24 $M3 lp3 10.0.1.1
	# The outside hosts have no route to the pods: they see only NATed
	# addresses.
	ovn_pod nA out1 po1 172.16.0.100/24 $MO1 lpo1
	ovn_pod nB out2 po2 172.16.0.101/24 $MO2 lpo2
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

# The state behind a failed check.
diag() {
	ovn_dump "$1"
	sbctl list Port_Binding cr-lr1-ext >"$WEFT_RESULTS/cr-$1.txt" 2>&1
	sbctl list HA_Chassis_Group >>"$WEFT_RESULTS/cr-$1.txt" 2>&1
	sbctl list HA_Chassis >>"$WEFT_RESULTS/cr-$1.txt" 2>&1
	nappctl nA dpctl/dump-conntrack >"$WEFT_RESULTS/ct-nA-$1.txt" 2>&1
	nappctl nB dpctl/dump-conntrack >"$WEFT_RESULTS/ct-nB-$1.txt" 2>&1
}

keys() {
	LR1=$(sbctl --bare --columns=tunnel_key find Datapath_Binding \
		external_ids:name=lr1)
	CR=$(pb_col cr-lr1-ext tunnel_key)
	LRP=$(pb_col lr1-ext tunnel_key)
}

case_claim() {
	hv_sync || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 claimed_by hv1 || fail "hv1 did not claim cr-lr1-ext"
	sbctl list Port_Binding cr-lr1-ext >"$WEFT_RESULTS/cr-claim.txt" 2>&1
	[ -n "$(pb_col cr-lr1-ext ha_chassis_group)" ] ||
		fail "northd gave cr-lr1-ext no ha_chassis_group"
	keys
	ovn_dump claim
	# hv1: output to cr-lr1-ext becomes output to lr1-ext, here; hv2
	# tunnels it to hv1.
	flow_has nA 40 "$LR1" "$CR" "actions=load:$(printf 0x%x "$LRP")->NXM_NX_REG15\[\]" ||
		fail "hv1 does not hand cr-lr1-ext to lr1-ext (table 40)"
	flow_has nB 39 "$LR1" "$CR" "output:" ||
		fail "hv2 does not tunnel cr-lr1-ext's packets (table 39)"
	! flow_has nB 40 "$LR1" "$CR" . ||
		fail "hv2 hands cr-lr1-ext to lr1-ext too"
	! flow_has nA 39 "$LR1" "$CR" . ||
		fail "hv1 tunnels cr-lr1-ext's packets"
	true
}

case_snat() {
	local out under ok=1
	keys
	# The first packets resolve out1's MAC (lr1's ARP, on hv1).
	ping_ok pod2 172.16.0.100 3 || ping_ok pod2 172.16.0.100 3 ||
		{ ok=0; fail "ping pod2 (hv2) -> out1 through hv1's gateway"; }
	out=$(capture nA po1 snat-out1 "icmp" -- \
		eval 'ping_ok pod2 172.16.0.100 3; ping_ok out1 172.16.0.20 3')
	under=$(capture nA uA snat-underlay "udp port 6081" -- \
		ping_ok pod2 172.16.0.100 3)
	[ $ok = 1 ] || diag snat-fail
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.100: ICMP echo request" \
		"out1 sees pod2's ping from the SNAT address"
	assert_match "$out" "172\.16\.0\.20 > 172\.16\.0\.100: ICMP echo reply" \
		"out1's ping to 172.16.0.20 (pod3) is answered from 172.16.0.20"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out1: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	# Routed on hv2, redirected to cr-lr1-ext through the tunnel, NATed
	# on hv1.
	geneve_has "$under" "$LR1" "$CR" "10\.0\.1\.12" "172\.16\.0\.100" \
		192.168.70.2 ||
		fail "no GENEVE packet hv2 -> hv1 with lr1's VNI ($LR1), egress cr-lr1-ext ($CR) and pod2's ping inside"
	assert_match "$under" "192\.168\.70\.2\.[0-9]+ > 192\.168\.70\.1\.6081" \
		"the redirected packets come from hv2's underlay address"
}

case_move() {
	local out under ok=1
	keys
	nbctl lrp-set-gateway-chassis lr1-ext hv2 30 ||
		fail "NB: hv2 priority 30"
	hv_sync || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 claimed_by hv2 || fail "hv2 did not claim cr-lr1-ext"
	# hv1 lets it go: nobody takes it back.
	nap 3
	claimed_by hv2 || fail "cr-lr1-ext went back to $(pb_col cr-lr1-ext chassis)"
	sbctl list Port_Binding cr-lr1-ext >"$WEFT_RESULTS/cr-move.txt" 2>&1
	ovn_dump move
	flow_has nB 40 "$LR1" "$CR" "actions=load:$(printf 0x%x "$LRP")->NXM_NX_REG15\[\]" ||
		fail "hv2 does not hand cr-lr1-ext to lr1-ext (table 40)"
	flow_has nA 39 "$LR1" "$CR" "output:" ||
		fail "hv1 does not tunnel cr-lr1-ext's packets to hv2 (table 39)"
	! flow_has nA 40 "$LR1" "$CR" . ||
		fail "hv1 still hands cr-lr1-ext to lr1-ext"
	ping_ok pod1 172.16.0.101 3 || ping_ok pod1 172.16.0.101 3 ||
		{ ok=0; fail "ping pod1 (hv1) -> out2 through hv2's gateway"; }
	out=$(capture nB po2 move-out2 "icmp" -- \
		eval 'ping_ok pod1 172.16.0.101 3; ping_ok pod2 172.16.0.101 3')
	under=$(capture nB uB move-underlay "udp port 6081" -- \
		ping_ok pod1 172.16.0.101 3)
	[ $ok = 1 ] || diag move-fail
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.101: ICMP echo request" \
		"out2 sees the pods' pings from the SNAT address"
	[ "$(grep -cE '172\.16\.0\.10 > 172\.16\.0\.101: ICMP echo request' <<<"$out")" -ge 6 ] ||
		fail "out2 did not see both pods' pings (6 requests) from the SNAT address"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out2: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	geneve_has "$under" "$LR1" "$CR" "10\.0\.1\.11" "172\.16\.0\.101" \
		192.168.70.1 ||
		fail "no GENEVE packet hv1 -> hv2 with lr1's VNI ($LR1), egress cr-lr1-ext ($CR) and pod1's ping inside"
	true
}

case_back() {
	local out
	keys
	nbctl lrp-del-gateway-chassis lr1-ext hv2 ||
		fail "NB: lrp-del-gateway-chassis lr1-ext hv2"
	hv_sync || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 claimed_by hv1 || fail "hv1 did not claim cr-lr1-ext back"
	nap 2
	claimed_by hv1 || fail "cr-lr1-ext went back to $(pb_col cr-lr1-ext chassis)"
	ovn_dump back
	flow_has nA 40 "$LR1" "$CR" "actions=load:$(printf 0x%x "$LRP")->NXM_NX_REG15\[\]" ||
		fail "hv1 does not hand cr-lr1-ext to lr1-ext (table 40)"
	flow_has nB 39 "$LR1" "$CR" "output:" ||
		fail "hv2 does not tunnel cr-lr1-ext's packets to hv1 (table 39)"
	! flow_has nB 40 "$LR1" "$CR" . ||
		fail "hv2, out of the group, still hands cr-lr1-ext to lr1-ext"
	ping_ok pod2 172.16.0.100 3 || ping_ok pod2 172.16.0.100 3 ||
		fail "ping pod2 (hv2) -> out1 through hv1's gateway, again"
	out=$(capture nA po1 back-out1 "icmp" -- ping_ok pod2 172.16.0.100 3)
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.100: ICMP echo request" \
		"out1 sees pod2's ping from the SNAT address again"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out1: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	true
}

setup
run_case claim
run_case snat
run_case move
run_case back
finish
