#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8: ovn-trace is the oracle for weft's compiled OVN pipeline. For
# every packet below, weft's verdict (the logical ports it leaves by, or
# a drop, and the rewritten headers) must equal `ovn-trace --minimal`'s;
# tests/tools/ovn-trace-compare.py asks both and compares
# (docs/ovn-trace-oracle.md says how each side is read).
#
#   ls1 10.0.1.0/24 fd01::/64            ls2 10.0.2.0/24 fd02::/64
#     lp1 .11 (hv1, port security)         lp4 .14 (hv1, port security)
#     lp2 .12 (hv1)                        lp5 .15 (hv2)
#     lp3 .13 (hv2)                        pg_ls2 = {lp4, lp5}: from-lport
#     ACL: drop udp/53 from lp2              drop to $as_blocked, allow-
#     LB lb1 10.0.1.100:80 ->                related ip4 both ways, to-lport
#       10.0.1.12:8080, 10.0.2.14:8080       drop tcp/22
#                  lr1: 10.0.1.1 / fd01::1, 10.0.2.1 / fd02::1
#
# hv1 is weftd (VIFs on br-int with an iface-id: vm2 and vm4 internal
# ports, vm1 a veth to namespace pod1, which pings the router); hv2 is only a Chassis row (ovn-sbctl chassis-add) with lp3
# and lp5 bound to it, so that outputs to it go through a tunnel.
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_trace_oracle.sh
. "$(dirname "$0")/weftd_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

COMPARE=$WEFT_TOP/tests/tools/ovn-trace-compare.py
STATE=$WEFTD_DIR/oracle

M1=0a:00:00:00:01:11 M2=0a:00:00:00:01:12 M3=0a:00:00:00:01:13
M4=0a:00:00:00:02:14 M5=0a:00:00:00:02:15
R1=02:00:00:00:01:01 R2=02:00:00:00:02:01

topology() {
	nbctl ls-add ls1 -- ls-add ls2 -- lr-add lr1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11 fd01::11" \
	   -- lsp-set-port-security lp1 "$M1 10.0.1.11 fd01::11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12 fd01::12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13 fd01::13" \
	   -- lsp-add ls2 lp4 -- lsp-set-addresses lp4 "$M4 10.0.2.14 fd02::14" \
	   -- lsp-set-port-security lp4 "$M4 10.0.2.14 fd02::14" \
	   -- lsp-add ls2 lp5 -- lsp-set-addresses lp5 "$M5 10.0.2.15 fd02::15" \
	   -- lrp-add lr1 lr1-ls1 $R1 10.0.1.1/24 fd01::1/64 \
	   -- lrp-add lr1 lr1-ls2 $R2 10.0.2.1/24 fd02::1/64 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
	   -- lsp-set-addresses ls2-lr1 router \
	   -- lsp-set-options ls2-lr1 router-port=lr1-ls2 \
	   -- pg-add pg_ls2 lp4 lp5 \
	   -- create Address_Set name=as_blocked \
	      'addresses="10.0.1.13","10.0.2.99"' || return 1
	nbctl acl-add pg_ls2 from-lport 1002 \
		'inport == @pg_ls2 && ip4.dst == $as_blocked' drop \
	   -- acl-add pg_ls2 to-lport 1001 'outport == @pg_ls2 && tcp.dst == 22' drop \
	   -- acl-add pg_ls2 to-lport 1000 'outport == @pg_ls2 && ip4' allow-related \
	   -- acl-add pg_ls2 from-lport 1000 'inport == @pg_ls2 && ip4' allow-related \
	   -- acl-add ls1 from-lport 1001 'inport == "lp2" && udp.dst == 53' drop \
	   -- lb-add lb1 10.0.1.100:80 10.0.1.12:8080,10.0.2.14:8080 tcp \
	   -- ls-lb-add ls1 lb1 || return 1
}

ports_up() {
	local p
	for p in "$@"; do
		[ "$(nbctl get Logical_Switch_Port "$p" up)" = true ] || return 1
	done
}

setup() {
	require "$WEFTD" "$VSCTL" "$APPCTL" "$DPCTL" ovsdb-server ovsdb-tool \
		ovn-northd ovn-nbctl ovn-sbctl ovn-trace "$PY"
	modprobe veth || die "modprobe veth"
	weft_load
	ovn_start || die "the OVN control plane did not start"
	weftd_start || die "weftd did not start"
	wait_for 20 sbctl show || die "SB does not answer"
	vsctl set Open_vSwitch . external_ids:system-id=hv1 \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip=192.0.2.1 || die "chassis keys"
	wait_for 30 vsctl br-exists br-int || die "no br-int"
	sbctl chassis-add hv2 geneve 192.0.2.2 || die "chassis-add hv2"
	topology || die "the NB topology"
	host_add pod1 vm1 eth0 10.0.1.11/24 $M1
	in_ns pod1 ip route add default via 10.0.1.1 || die "pod1's route"
	vsctl add-port br-int vm1 -- set Interface vm1 \
		external_ids:iface-id=lp1 \
	   -- add-port br-int vm2 -- set Interface vm2 type=internal \
		external_ids:iface-id=lp2 \
	   -- add-port br-int vm4 -- set Interface vm4 type=internal \
		external_ids:iface-id=lp4 || die "VIFs"
	sbctl lsp-bind lp3 hv2 -- lsp-bind lp5 hv2 || die "lsp-bind to hv2"
	timeout 90 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=80 sync ||
		die "ovn-nbctl --wait=hv sync did not return"
	wait_for 30 ports_up lp1 lp2 lp4 || die "lp1, lp2, lp4 not up"
	wait_for 30 eval 'vsctl show | grep -q ovn-hv2-0' ||
		die "no tunnel port to hv2"
}

save_state() {
	local t lp i
	mkdir -p "$STATE"
	: >"$STATE/ports.txt"
	for i in 1 2 4; do
		echo "lp$i vm$i $(vsctl get Interface vm$i ofport)" >>"$STATE/ports.txt"
	done
	dpctl_served show >"$STATE/dpctl-show.txt" || return 1
	for t in Chassis Encap Datapath_Binding Port_Binding Multicast_Group; do
		sbctl --format=json list $t >"$STATE/sb-$t.json" || return 1
	done
	ofctl dump-flows br-int >"$WEFT_RESULTS/flows.txt" 2>&1
	sbctl lflow-list >"$WEFT_RESULTS/lflows.txt" 2>&1
	appctl lflow/stats >"$WEFT_RESULTS/lflow-stats.txt" 2>&1
	cp "$STATE"/* "$WEFT_RESULTS"/
}

# NAME INPORT CT FLOW [LB_DST]: see ovn-trace-compare.py. ARP and ND
# fields in the ovs-ofctl spelling; every packet names its TTL.
cases() {
	local ip1="nw_src=10.0.1.11" icmp="icmp_type=8,icmp_code=0"
	cat <<-EOF
	l2_icmp_local        lp1 est icmp,dl_src=$M1,dl_dst=$M2,$ip1,nw_dst=10.0.1.12,nw_ttl=64,$icmp
	l2_icmp_local_new    lp1 new icmp,dl_src=$M1,dl_dst=$M2,$ip1,nw_dst=10.0.1.12,nw_ttl=64,$icmp
	l2_icmp_remote       lp1 est icmp,dl_src=$M1,dl_dst=$M3,$ip1,nw_dst=10.0.1.13,nw_ttl=64,$icmp
	l2_tcp_remote_new    lp2 new tcp,dl_src=$M2,dl_dst=$M3,nw_src=10.0.1.12,nw_dst=10.0.1.13,nw_ttl=64,tp_src=40000,tp_dst=80
	l2_udp_back          lp2 est udp,dl_src=$M2,dl_dst=$M1,nw_src=10.0.1.12,nw_dst=10.0.1.11,nw_ttl=64,tp_src=40000,tp_dst=1000
	acl_drop_dns         lp2 est udp,dl_src=$M2,dl_dst=$M1,nw_src=10.0.1.12,nw_dst=10.0.1.11,nw_ttl=64,tp_src=40000,tp_dst=53
	acl_other_dns        lp1 est udp,dl_src=$M1,dl_dst=$M2,$ip1,nw_dst=10.0.1.12,nw_ttl=64,tp_src=40000,tp_dst=53
	l2_ls2_remote        lp4 est icmp,dl_src=$M4,dl_dst=$M5,nw_src=10.0.2.14,nw_dst=10.0.2.15,nw_ttl=64,$icmp
	l2_ls2_remote_new    lp4 new tcp,dl_src=$M4,dl_dst=$M5,nw_src=10.0.2.14,nw_dst=10.0.2.15,nw_ttl=64,tp_src=40000,tp_dst=443
	routed_local         lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.14,nw_ttl=64,$icmp
	routed_local_new     lp1 new tcp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.14,nw_ttl=64,tp_src=40000,tp_dst=80
	routed_remote        lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.15,nw_ttl=64,$icmp
	routed_remote_new    lp2 new udp,dl_src=$M2,dl_dst=$R1,nw_src=10.0.1.12,nw_dst=10.0.2.15,nw_ttl=64,tp_src=40000,tp_dst=5000
	routed_back          lp4 est icmp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.14,nw_dst=10.0.1.11,nw_ttl=64,$icmp
	routed_back_new      lp4 new udp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.14,nw_dst=10.0.1.12,nw_ttl=64,tp_src=40000,tp_dst=7000
	routed_ttl2          lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.14,nw_ttl=2,$icmp
	routed_ttl1          lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.14,nw_ttl=1,$icmp
	acl_as_blocked       lp4 new tcp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.14,nw_dst=10.0.1.13,nw_ttl=64,tp_src=40000,tp_dst=80
	acl_as_blocked_est   lp4 est icmp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.14,nw_dst=10.0.1.13,nw_ttl=64,$icmp
	acl_ssh_to_lp4       lp1 new tcp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.14,nw_ttl=64,tp_src=40000,tp_dst=22
	arp_router           lp1 est arp,dl_src=$M1,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_sha=$M1,arp_spa=10.0.1.11,arp_tha=00:00:00:00:00:00,arp_tpa=10.0.1.1
	arp_router_ls2       lp4 est arp,dl_src=$M4,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_sha=$M4,arp_spa=10.0.2.14,arp_tha=00:00:00:00:00:00,arp_tpa=10.0.2.1
	arp_responder_lp2    lp1 est arp,dl_src=$M1,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_sha=$M1,arp_spa=10.0.1.11,arp_tha=00:00:00:00:00:00,arp_tpa=10.0.1.12
	arp_unknown_flood    lp1 est arp,dl_src=$M1,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_sha=$M1,arp_spa=10.0.1.11,arp_tha=00:00:00:00:00:00,arp_tpa=10.0.1.99
	arp_reply_unicast    lp2 est arp,dl_src=$M2,dl_dst=$M1,arp_op=2,arp_sha=$M2,arp_spa=10.0.1.12,arp_tha=$M1,arp_tpa=10.0.1.11
	bcast_udp            lp1 est udp,dl_src=$M1,dl_dst=ff:ff:ff:ff:ff:ff,$ip1,nw_dst=10.0.1.255,nw_ttl=64,tp_src=40000,tp_dst=9999
	unknown_dst_mac      lp1 est icmp,dl_src=$M1,dl_dst=0a:00:00:00:01:99,$ip1,nw_dst=10.0.1.12,nw_ttl=64,$icmp
	psec_bad_mac         lp1 est icmp,dl_src=0a:00:00:00:01:99,dl_dst=$M2,$ip1,nw_dst=10.0.1.12,nw_ttl=64,$icmp
	psec_bad_ip          lp1 est icmp,dl_src=$M1,dl_dst=$M2,nw_src=10.0.1.99,nw_dst=10.0.1.12,nw_ttl=64,$icmp
	psec_bad_ip_lp4      lp4 est icmp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.99,nw_dst=10.0.1.11,nw_ttl=64,$icmp
	psec_arp_bad_spa     lp1 est arp,dl_src=$M1,dl_dst=ff:ff:ff:ff:ff:ff,arp_op=1,arp_sha=$M1,arp_spa=10.0.1.99,arp_tha=00:00:00:00:00:00,arp_tpa=10.0.1.1
	psec_no_psec_lp2     lp2 est icmp,dl_src=0a:00:00:00:01:98,dl_dst=$M1,nw_src=10.0.1.98,nw_dst=10.0.1.11,nw_ttl=64,$icmp
	ping_router          lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.1.1,nw_ttl=64,$icmp
	ping_router_far      lp1 est icmp,dl_src=$M1,dl_dst=$R1,$ip1,nw_dst=10.0.2.1,nw_ttl=64,$icmp
	routed_no_arp        lp4 est icmp,dl_src=$M4,dl_dst=$R2,nw_src=10.0.2.14,nw_dst=10.0.1.100,nw_ttl=64,$icmp
	lb_vip_new           lp1 new tcp,dl_src=$M1,dl_dst=$M2,$ip1,nw_dst=10.0.1.100,nw_ttl=64,tp_src=40000,tp_dst=80 weft
	lb_vip_new_lp2       lp2 new tcp,dl_src=$M2,dl_dst=$M1,nw_src=10.0.1.12,nw_dst=10.0.1.100,nw_ttl=64,tp_src=40001,tp_dst=80 weft
	lb_vip_other_port    lp1 new tcp,dl_src=$M1,dl_dst=$M2,$ip1,nw_dst=10.0.1.100,nw_ttl=64,tp_src=40000,tp_dst=81
	v6_l2_local          lp1 est icmp6,dl_src=$M1,dl_dst=$M2,ipv6_src=fd01::11,ipv6_dst=fd01::12,nw_ttl=64,icmp_type=128,icmp_code=0
	v6_routed_local      lp1 est icmp6,dl_src=$M1,dl_dst=$R1,ipv6_src=fd01::11,ipv6_dst=fd02::14,nw_ttl=64,icmp_type=128,icmp_code=0
	v6_routed_remote     lp2 est icmp6,dl_src=$M2,dl_dst=$R1,ipv6_src=fd01::12,ipv6_dst=fd02::15,nw_ttl=64,icmp_type=128,icmp_code=0
	v6_psec_bad_ip       lp1 est icmp6,dl_src=$M1,dl_dst=$M2,ipv6_src=fd01::99,ipv6_dst=fd01::12,nw_ttl=64,icmp_type=128,icmp_code=0
	v6_nd_ns_lp2         lp1 est icmp6,dl_src=$M1,dl_dst=33:33:ff:00:00:12,ipv6_src=fd01::11,ipv6_dst=ff02::1:ff00:12,nw_ttl=255,icmp_type=135,icmp_code=0,nd_target=fd01::12,nd_sll=$M1
	v6_ping_router       lp1 est icmp6,dl_src=$M1,dl_dst=$R1,ipv6_src=fd01::11,ipv6_dst=fd01::1,nw_ttl=64,icmp_type=128,icmp_code=0
	v6_routed_hlim1      lp1 est icmp6,dl_src=$M1,dl_dst=$R1,ipv6_src=fd01::11,ipv6_dst=fd02::14,nw_ttl=1,icmp_type=128,icmp_code=0
	EOF
}

case_oracle() {
	local out rc
	save_state || { fail "saving the chassis and SB state"; return; }
	cases >"$STATE/cases.txt"
	cp "$STATE/cases.txt" "$WEFT_RESULTS/"
	out=$(timeout 200 "$PY" "$COMPARE" --sb "$SB_SOCK" --weft "$WEFTD_SOCK" \
		--state "$STATE" "$STATE/cases.txt" 2>&1)
	rc=$?
	echo "$out" | tee "$WEFT_RESULTS/compare.txt"
	[ "$rc" = 0 ] || fail "weft and ovn-trace disagree (or a side failed): see above"
	assert_match "$out" "^([3-9][0-9]|[1-9][0-9]{2,}) packets, " \
		"at least 30 packets compared"
}

# The router's echo reply on the wire: its ICMP type is rewritten in the
# datapath (set(icmp(type=0))), the checksum with it, or pod1's stack
# would not count the reply. The reply crosses ls1's egress conntrack in lp1's zone, where the
# request was committed at ingress: in another zone it would be invalid.
case_ping_router() {
	ping_ok pod1 10.0.1.1 3 || fail "pod1 gets no echo reply from lr1 (10.0.1.1)"
	ping_ok pod1 10.0.2.1 3 || fail "pod1 gets no echo reply from lr1 (10.0.2.1)"
	dp_flows >"$WEFT_RESULTS/dp-flows-ping.txt" 2>&1
}

setup
run_case oracle
run_case ping_router
finish
