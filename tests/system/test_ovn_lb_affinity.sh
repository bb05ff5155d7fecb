#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8: a load balancer with options:affinity_timeout on two weft
# chassis under the real OVN control plane: chk_lb_aff and commit_lb_aff,
# which ovn-controller encodes as a lookup in table 78 and a learn into it.
#
#   pod1 10.0.1.11 (client) ┐                 ┌ pod2 10.0.1.12 (backend)
#   pod3 10.0.1.13 (backend)┘ br-int hv1 (nA) ══ br-int hv2 (nB)
#   ls1 (10.0.1.0/24) behind lr1 (10.0.1.1); the VIP 172.16.0.100 is
#   reached through the router, as a pod reaches a service
#
#   spread    lb-add lb0 172.16.0.100:80 10.0.1.12:80,10.0.1.13:80 tcp,
#             no affinity: 20 connections from pod1 (each its own source
#             port) reach both backends
#   affinity  options:affinity_timeout=6 on lb0: 20 new connections all
#             reach one backend; hv1 (the client's chassis, where the
#             switch's ingress runs) shows the learned rule in
#             weft-ofctl dump-flows table=78 (nw_src=the client, nw_dst=
#             the VIP, tp_dst=80, idle_timeout=6, loading the backend into
#             reg4 and its port into reg8); with no traffic, the rule is
#             gone within the timeout and a few seconds
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_lb_affinity.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
VIP=172.16.0.100
AFF_TIMEOUT=6

setup() {
	ovn_two_chassis_up ping
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
	   -- lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 || die "NB topology"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2 10.0.1.1
	ovn_pod nA pod3 p3 10.0.1.13/24 $M3 lp3 10.0.1.1
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
	nbctl_wait sync || die "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lp2 lp3 || die "not every port is up"
}

# clients_to N TAG: N connections; sets N2 and N3 (answers from pod2 and
# pod3) and NOK (complete ones), keeps the lines in TAG's file.
clients_to() {
	local out
	out=$(vip_clients pod1 $VIP "$1")
	echo "$out" >"$WEFT_RESULTS/clients-$2.txt"
	N2=$(count_matching "^[0-9]+ ok pod2$" <<<"$out")
	N3=$(count_matching "^[0-9]+ ok pod3$" <<<"$out")
	NOK=$(count_matching "^[0-9]+ ok pod[23]$" <<<"$out")
	log "$2: $N2 to pod2 (hv2), $N3 to pod3 (hv1), $NOK/$1 complete"
}

aff_rules() { nofctl nA dump-flows br-int table=78 2>&1 | grep "nw_src=10.0.1.11" || true; }

case_spread() {
	name_server pod2
	name_server pod3
	nbctl lb-add lb0 $VIP:80 10.0.1.12:80,10.0.1.13:80 tcp || fail "lb-add"
	nbctl_wait ls-lb-add ls1 lb0 || fail "ls-lb-add --wait=hv did not return"
	clients_to 20 spread
	assert_eq 20 "$NOK" "connections to the VIP that completed"
	[ "$N2" -gt 0 ] && [ "$N3" -gt 0 ] ||
		fail "without affinity both backends answer ($N2 pod2, $N3 pod3)"
	assert_eq "" "$(aff_rules)" "a table 78 rule without affinity"
}

case_affinity() {
	local rules t0
	nbctl_wait set load_balancer lb0 options:affinity_timeout=$AFF_TIMEOUT ||
		fail "affinity_timeout --wait=hv did not return"
	ovn_dump affinity
	sbctl list Logical_Flow | grep -c "commit_lb_aff\|chk_lb_aff" \
		>"$WEFT_RESULTS/aff-lflows.txt"
	nappctl nA lflow/stats >"$WEFT_RESULTS/lflow-stats-nA.txt" 2>&1
	clients_to 20 affinity
	assert_eq 20 "$NOK" "connections to the VIP that completed"
	[ "$N2" -eq 20 ] || [ "$N3" -eq 20 ] ||
		fail "with affinity one backend answers all ($N2 pod2, $N3 pod3)"
	rules=$(aff_rules)
	echo "$rules" >"$WEFT_RESULTS/table78.txt"
	log "learned: $rules"
	assert_eq 1 "$(count_matching . <<<"$rules")" "learned rules for pod1"
	assert_match "$rules" "idle_timeout=$AFF_TIMEOUT," "its idle timeout"
	assert_match "$rules" "tcp,metadata=0x[0-9a-f]+,nw_src=10\.0\.1\.11,nw_dst=$VIP,tp_dst=80 actions=load:0x1->NXM_NX_REG10\[14\],load:0xa00010[cd]->NXM_NX_REG4\[\],load:0x50->NXM_NX_REG8\[0\.\.15\]" \
		"the learned rule"
	if [ "$N2" -eq 20 ]; then
		assert_match "$rules" "load:0xa00010c->" "the backend learned"
	else
		assert_match "$rules" "load:0xa00010d->" "the backend learned"
	fi
	# No traffic now: the rule goes by its idle timeout.
	t0=$(now)
	wait_for $((AFF_TIMEOUT + 15)) eval '[ -z "$(aff_rules)" ]' ||
		fail "the learned rule outlived its idle timeout: $(aff_rules)"
	_usecs "$t0"; t0=$_USECS; _usecs "$(now)"
	log "the learned rule went $(((_USECS - t0) / 1000)) ms after the last connection"
}

setup
run_case spread
run_case affinity
finish
