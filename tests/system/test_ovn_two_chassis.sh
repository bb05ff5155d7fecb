#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 400
#
# Issue 8, end to end: two weft chassis, each its own weftd (own
# system-id, datapath and br-int) in its own network namespace, one real
# OVN control plane (NB, SB, ovn-northd). weftd compiles the SB into
# br-int's pipeline (physical and logical flows) and tunnels to the other
# chassis; the pods are namespaces behind veths with an iface-id.
#
#   pod1 10.0.1.11 ┐                           ┌ pod2 10.0.1.12
#   pod3 10.0.1.13 ┤ br-int (weftd hv1, nA)    │ br-int (weftd hv2, nB)
#                  │  uA 192.168.70.1 ═════════ uB 192.168.70.2
#                                              └ pod4 10.0.2.14 (ls2)
#   ls1: pod1, pod2, pod3; ls2: pod4; lr1 joins them (10.0.1.1, 10.0.2.1)
#
#   geneve     --wait=hv returns with every port up; ping and TCP on one
#              chassis (pod1-pod3) and across (pod1-pod2); the underlay
#              carries GENEVE with VNI = ls1's key and OVN's option
#              (class 0x0102, type 0x80) holding the ingress and egress
#              port keys; tunnel ports in weft-vsctl show
#   router     lr1 between ls1 and ls2: ping pod1 -> pod4 (routed on hv1,
#              tunnelled to ls2 on hv2) and pod3 -> pod4
#   vxlan      both chassis to ovn-encap-type=vxlan: the tunnel ports
#              change type; ping and TCP across; VNI = dp key | outport
#              key << 12
#   stats      lflow/stats: rows compiled and skipped (saved for the
#              report)
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_two_chassis.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
M4=0a:00:00:00:02:14

# chassis NODE NAME IP TYPE: NODE's weftd is chassis NAME.
chassis() {
	nvsctl "$1" set Open_vSwitch . external_ids:system-id="$2" \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type="$4" \
		external_ids:ovn-encap-ip="$3"
}

# pod NODE POD PORT ADDR MAC LSP [GW]: a pod behind PORT on NODE's br-int,
# bound to LSP.
pod() {
	local node=$1 pod=$2 port=$3 addr=$4 mac=$5 lsp=$6 gw=${7:-}
	vm_up "$pod" "$node" "$port" "$addr" "$mac" 1400
	[ -z "$gw" ] || in_ns "$pod" ip route add default via "$gw"
	nvsctl "$node" add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

dump_state() {
	local n
	for n in nA nB; do
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
		nappctl "$n" lflow/stats >"$WEFT_RESULTS/lflow-stats-$n-$1.txt" 2>&1
		nvsctl "$n" show >"$WEFT_RESULTS/show-$n-$1.txt" 2>&1
		ndp_flows "$n" >"$WEFT_RESULTS/dp-flows-$n-$1.txt" 2>&1
	done
	sbctl show >"$WEFT_RESULTS/sb-show-$1.txt" 2>&1
	sbctl lflow-list >"$WEFT_RESULTS/lflows-$1.txt" 2>&1
}

setup() {
	modprobe veth
	modprobe udp_tunnel || die "modprobe udp_tunnel"
	modprobe ip6_udp_tunnel || die "modprobe ip6_udp_tunnel"
	require "$WEFTD" "$VSCTL" "$APPCTL" "$OFCTL" "$DPCTL" ovn-northd \
		ovn-nbctl ovn-sbctl ovsdb-server tcpdump
	weft_load
	underlay_up
	ovn_start || die "OVN control plane"
	nweftd_start nA || die "weftd in nA did not start"
	nweftd_start nB || die "weftd in nB did not start"
	chassis nA hv1 192.168.70.1 geneve || die "nA: chassis keys"
	chassis nB hv2 192.168.70.2 geneve || die "nB: chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	wait_for 30 nvsctl nB br-exists br-int || die "nB: no br-int"
	nbctl ls-add ls1 -- ls-add ls2 || die "ls-add"
	nbctl lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
	   -- lsp-add ls2 lp4 -- lsp-set-addresses lp4 "$M4 10.0.2.14" ||
		die "lsp-add"
	pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	pod nB pod2 p2 10.0.1.12/24 $M2 lp2 10.0.1.1
	pod nA pod3 p3 10.0.1.13/24 $M3 lp3 10.0.1.1
	pod nB pod4 p4 10.0.2.14/24 $M4 lp4 10.0.2.1
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

# pkey LSP: the port's tunnel key; dkey LS: the datapath's.
pkey() { sbctl --bare --columns=tunnel_key find Port_Binding logical_port="$1"; }
dkey() { sbctl --bare --columns=tunnel_key find Datapath_Binding external_ids:name="$1"; }

ports_up() {
	local p
	for p in "$@"; do
		[ "$(nbctl get Logical_Switch_Port "$p" up)" = true ] || return 1
	done
}

case_geneve() {
	local cap=$WEFTD_DIR/geneve.pcap out key k1 k2
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync ||
		fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ports_up lp1 lp2 lp3 lp4 || fail "not every port is up"
	dump_state geneve
	nvsctl nA show | grep -q "ovn-hv2-0" || fail "nA: no tunnel port to hv2"
	nvsctl nB show | grep -q "ovn-hv1-0" || fail "nB: no tunnel port to hv1"
	grep -q "table=65.*actions=output" "$WEFT_RESULTS/flows-nA-geneve.txt" ||
		fail "nA: no table 65 output flow"
	ping_ok pod1 10.0.1.13 3 || fail "ping pod1 -> pod3 (same chassis)"
	tcpdump_start nA uA "$cap" udp port 6081
	ping_ok pod1 10.0.1.12 5 || fail "ping pod1 -> pod2 (across)"
	tcpdump_stop
	iperf_ok pod2 pod1 10.0.1.12 1M 5201 || fail "TCP pod1 -> pod2"
	iperf_ok pod3 pod2 10.0.1.13 1M 5202 || fail "TCP pod2 -> pod3"
	dump_state geneve-after
	save "$cap"
	key=$(dkey ls1) k1=$(pkey lp1) k2=$(pkey lp2)
	out=$(tcpdump -n -vv -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/geneve-decoded.txt"
	assert_match "$out" "vni 0x$(printf %x "$key")," "GENEVE VNI = ls1's key ($key)"
	# OVN's option: ingress port key << 16 | egress port key.
	assert_match "$out" "class Open Virtual Networking \(OVN\) \(0x102\) type 0x80\(C\) len 8 data $(printf %04x%04x "$k1" "$k2")" \
		"OVN's option carries ingress lp1 ($k1) and egress lp2 ($k2)"
	assert_match "$out" "data $(printf %04x%04x "$k2" "$k1")" \
		"the reply carries lp2 ($k2) -> lp1 ($k1)"
}

case_router() {
	local out
	nbctl lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lrp-add lr1 lr1-ls2 02:00:00:00:02:01 10.0.2.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add ls2 ls2-lr1 -- lsp-set-type ls2-lr1 router \
	   -- lsp-set-addresses ls2-lr1 router \
	   -- lsp-set-options ls2-lr1 router-port=lr1-ls2 || fail "lr-add"
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync ||
		fail "ovn-nbctl --wait=hv sync did not return"
	dump_state router
	# A routed packet crosses ~80 tables (xlate counts only backward
	# resubmits against its depth limit, as OVS does): the trace of one
	# is kept for the report.
	out=$(ntrace nA br-int "in_port=$(nvsctl nA get Interface p1 ofport),icmp,dl_src=$M1,dl_dst=02:00:00:00:01:01,nw_src=10.0.1.11,nw_dst=10.0.2.14,nw_ttl=64" 2>&1)
	echo "$out" >"$WEFT_RESULTS/trace-routed.txt"
	[[ $out == *"nest deeper than"* ]] && fail "the routed trace hit the depth limit"
	ping_ok pod1 10.0.2.14 5 || fail "ping pod1 -> pod4 (routed, across)"
	ping_ok pod3 10.0.2.14 3 || fail "ping pod3 -> pod4 (routed, across)"
	ping_ok pod4 10.0.1.13 3 || fail "ping pod4 -> pod3 (routed, across)"
	dump_state router-after
}

case_vxlan() {
	local cap=$WEFTD_DIR/vxlan.pcap out key k1 k2
	chassis nA hv1 192.168.70.1 vxlan || fail "nA: vxlan"
	chassis nB hv2 192.168.70.2 vxlan || fail "nB: vxlan"
	wait_for 20 eval 'nvsctl nA get Interface ovn-hv2-0 type | grep -q vxlan' ||
		fail "nA: the tunnel port did not become vxlan"
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync ||
		fail "ovn-nbctl --wait=hv sync did not return"
	dump_state vxlan
	tcpdump_start nA uA "$cap" udp port 4789
	ping_ok pod1 10.0.1.12 5 || fail "ping pod1 -> pod2 over vxlan"
	tcpdump_stop
	iperf_ok pod2 pod1 10.0.1.12 1M 5203 || fail "TCP pod1 -> pod2 over vxlan"
	save "$cap"
	key=$(dkey ls1) k1=$(pkey lp1) k2=$(pkey lp2)
	out=$(tcpdump -n -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/vxlan-decoded.txt"
	# VNI = datapath key | egress port key << 12; no ingress port.
	assert_match "$out" "vni $((key | k2 << 12))($|[^0-9])" "VXLAN VNI to lp2"
	assert_match "$out" "vni $((key | k1 << 12))($|[^0-9])" "VXLAN VNI to lp1"
}

case_stats() {
	local n
	for n in nA nB; do
		nappctl "$n" lflow/stats | tee "$WEFT_RESULTS/lflow-stats-$n.txt"
	done
	assert_match "$(nappctl nA lflow/stats)" "full recomputes: [1-9]" \
		"lflow/stats counts recomputes"
}

setup
run_case geneve
run_case router
run_case vxlan
run_case stats
finish
