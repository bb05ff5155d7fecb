#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8 with traffic: a load balancer and a port migration on two weft
# chassis (each its own weftd in a namespace) under the real OVN control
# plane.
#
#   pod1 10.0.1.11 (client) ┐                 ┌ pod2 10.0.1.12 (backend)
#   pod3 10.0.1.13 (backend)┤ br-int hv1 (nA) ══ br-int hv2 (nB)
#   pod6 10.0.1.16 (lp6)    ┘                 └ pod6b: lp6 after the move
#   ls1 (10.0.1.0/24) behind lr1 (10.0.1.1); the VIP 172.16.0.100 is
#   reached through the router, as a pod reaches a service
#
#   lb            lb-add lb0 172.16.0.100:80 10.0.1.12:80,10.0.1.13:80 tcp
#                 + ls-lb-add ls1 lb0: a connection to the VIP fails
#                 before, then 20 connections from pod1 (each its own
#                 source port) all complete with a backend's answer, and
#                 both backends (one local, one across) answer
#   hairpin       lb1 172.16.0.101:80 -> 10.0.1.13:80 (pod3 alone) on ls1:
#                 pod3's connections to that VIP come back to pod3 itself
#                 and complete with its answer; hv1's table 69
#                 has none of its flows before, and after the first one
#                 holds the flow table 68's learn() added for the replies
#                 (metadata ls1, 10.0.1.13:80 -> the VIP), as
#                 ovn-controller's; ls-lb-del takes it away again
#                 (delete_learned)
#   migrate       while pod1 pings lp6 (5/s), lp6 moves from hv1 to hv2:
#                 iface-id on nB's interface, Port_Binding.chassis moves
#                 to hv2 and stays there (sampled 2 s) although hv1's
#                 interface still names lp6; then nA's port is removed:
#                 the replies resume within 20 s, the chassis stays hv2
#                 (sampled 3 s), lp6 is up
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_lb.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
M6=0a:00:00:00:01:16
VIP=172.16.0.100

setup() {
	ovn_two_chassis_up ping
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
	   -- lsp-add ls1 lp6 -- lsp-set-addresses lp6 "$M6 10.0.1.16" \
	   -- lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 || die "NB topology"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2 10.0.1.1
	ovn_pod nA pod3 p3 10.0.1.13/24 $M3 lp3 10.0.1.1
	ovn_pod nA pod6 p6 10.0.1.16/24 $M6 lp6 10.0.1.1
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
	nbctl_wait sync || die "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lp2 lp3 lp6 || die "not every port is up"
}

case_lb() {
	local out n2 n3 nvip
	name_server pod2
	name_server pod3
	out=$(vip_clients pod1 $VIP 1)
	assert_match "$out" "^0 (timeout|refused|error)" \
		"the VIP answered before the load balancer"
	nbctl lb-add lb0 $VIP:80 10.0.1.12:80,10.0.1.13:80 tcp || fail "lb-add"
	nbctl_wait ls-lb-add ls1 lb0 || fail "ls-lb-add --wait=hv did not return"
	ovn_dump lb
	out=$(vip_clients pod1 $VIP 20)
	echo "$out" >"$WEFT_RESULTS/lb-clients.txt"
	n2=$(count_matching "^[0-9]+ ok pod2$" <<<"$out")
	n3=$(count_matching "^[0-9]+ ok pod3$" <<<"$out")
	nvip=$(count_matching "^[0-9]+ ok pod[23]$" <<<"$out")
	log "VIP: $n2 to pod2 (hv2), $n3 to pod3 (hv1), $nvip/20 complete"
	assert_eq 20 "$nvip" "connections to the VIP that completed"
	[ "$n2" -gt 0 ] || fail "backend pod2 (across) never reached"
	[ "$n3" -gt 0 ] || fail "backend pod3 (local) never reached"
	ovn_dump lb-after
}

# hairpin_flows: hv1's table-69 flows, without counters.
hairpin_flows() {
	nofctl nA dump-flows br-int table=69 | sed -n 's/.*table=69, .*, \([a-z]*,metadata=.*\)/\1/p'
}

case_hairpin() {
	local vip1=172.16.0.101 out n dp
	assert_eq "" "$(hairpin_flows)" "hv1's table 69 before any hairpin"
	nbctl lb-add lb1 $vip1:80 10.0.1.13:80 tcp || fail "lb-add lb1"
	nbctl_wait ls-lb-add ls1 lb1 || fail "ls-lb-add --wait=hv did not return"
	assert_eq "" "$(hairpin_flows)" "hv1's table 69 once lb1 is there"
	out=$(vip_clients pod3 $vip1 5)
	echo "$out" >"$WEFT_RESULTS/hairpin-clients.txt"
	ovn_dump hairpin
	n=$(count_matching "^[0-9]+ ok pod3$" <<<"$out")
	log "hairpin: $n/5 of pod3's connections to $vip1 came back to it"
	assert_eq 5 "$n" "pod3's hairpinned connections that completed"
	dp=$(sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name=ls1)
	out=$(hairpin_flows)
	echo "$out" >"$WEFT_RESULTS/hairpin-69.txt"
	assert_eq "tcp,metadata=$(printf 0x%x "$dp"),nw_src=10.0.1.13,nw_dst=$vip1,tp_src=80 actions=load:0x1->NXM_NX_REG10[7]" \
		"$out" "hv1's table 69: the learned reply flow"
	assert_match "$(nofctl nA dump-flows br-int table=68)" "nw_src=10\.0\.1\.13,.*learn\(table=69,delete_learned,cookie=0x[0-9a-f]+,OXM_OF_METADATA\[\],eth_type=0x800,NXM_OF_IP_SRC\[\],ip_dst=$vip1,nw_proto=6,NXM_OF_TCP_SRC\[\]=NXM_OF_TCP_DST\[\],load:0x1->NXM_NX_REG10\[7\]\)" \
		"hv1's table 68 learns as ovn-controller's"
	nbctl_wait ls-lb-del ls1 lb1 || fail "ls-lb-del --wait=hv did not return"
	wait_for 10 eval '[ -z "$(hairpin_flows)" ]' ||
		fail "the learned flow outlived lb1: $(hairpin_flows)"
}

# replies_grow FILE SECS: the ping logging to FILE gets new replies
# within SECS.
replies_grow() {
	local f=$1 secs=$2 n
	n=$(ping_replies "$f")
	wait_for "$secs" eval '[ "$(ping_replies "$f")" -ge $((n + 3)) ]'
}

pb_chassis() {
	sbctl --bare --columns=chassis find Port_Binding logical_port="$1"
}

# pb_steady LSP UUID N: LSP's Port_Binding.chassis is UUID at each of N
# looks, 0.5 s apart; the others are in FLAPS.
pb_steady() {
	local i c
	FLAPS=
	for ((i = 0; i < $3; i++)); do
		c=$(pb_chassis "$1")
		[ "$c" = "$2" ] || FLAPS+=" $i:${c:-none}"
		nap 0.5
	done
	[ -z "$FLAPS" ]
}

case_migrate() {
	local f=$WEFTD_DIR/ping-migrate.txt hv2 t0
	hv2=$(sbctl --bare --columns=_uuid find Chassis name=hv2)
	[ "$(pb_chassis lp6)" != "$hv2" ] || fail "lp6 starts on hv2"
	ping_bg pod1 10.0.1.16 "$f"
	replies_grow "$f" 15 || fail "no replies from lp6 on hv1"
	vm_up pod6b nB p6b 10.0.1.16/24 $M6 1400
	t0=$(now)
	# The iface-id on hv2 first: hv2 takes the port over and hv1, whose
	# interface still names it, must leave it there.
	nvsctl nB add-port br-int p6b -- set Interface p6b \
		external_ids:iface-id=lp6 || fail "nB: iface-id"
	wait_for 20 eval '[ "$(pb_chassis lp6)" = "$hv2" ]' ||
		fail "Port_Binding lp6 did not move to hv2"
	pb_steady lp6 "$hv2" 4 ||
		fail "lp6's chassis flapped while both had the iface-id:$FLAPS"
	nvsctl nA del-port br-int p6 || fail "nA: del-port"
	replies_grow "$f" 20 || fail "replies did not resume after the move"
	_usecs "$t0"; t0=$_USECS; _usecs "$(now)"
	log "replies resumed $(((_USECS - t0) / 1000)) ms after the move"
	pb_steady lp6 "$hv2" 6 ||
		fail "lp6's chassis flapped after hv1's port went:$FLAPS"
	wait_for 20 ovn_ports_up lp6 || fail "lp6 not up after the move"
	ping_bg_stop
	save "$f"
	ovn_dump migrate
}

setup
run_case lb
run_case hairpin
run_case migrate
finish
