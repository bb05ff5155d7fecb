#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Issue 8: a router's own address answers ping, and a gateway router
# (options:chassis=hv1) NATs between the pods and an "outside" switch.
# Two weft chassis in their own namespaces, one real OVN control plane.
#
#   pod1 10.0.1.11 ┐                              ┌ pod2 10.0.1.12 (ls1)
#   pod3 10.0.1.13 ┤ br-int (weftd hv1, nA) ═════ │ br-int (weftd hv2, nB)
#   out 172.16.0.100 (ext)                        │
#
#   ls1 ─ lr1 (10.0.1.1, 100.64.0.1) ─ join ─ gw (100.64.0.2, 172.16.0.1)
#   ─ ext. gw is an l3gateway router on hv1: snat 172.16.0.10 for
#   10.0.1.0/24, dnat_and_snat 172.16.0.20 <-> pod3.
#
#   router_ip  pod1 (hv1) and pod2 (hv2) ping lr1's 10.0.1.1: the reply
#              comes from the datapath (icmp type rewritten by weft.ko)
#   gateway    the l3gateway ports are claimed by hv1; pod1 reaches out,
#              which sees it as 172.16.0.10 (capture on out's port); out
#              reaches pod3 at 172.16.0.20 over TCP, pod3 reaches out as
#              172.16.0.20
#   remote     pod2 on hv2 reaches out through the tunnel to hv1 and the
#              gateway's SNAT
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_gateway.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
M3=0a:00:00:00:01:13
MO=0a:00:00:00:10:64

chassis() {
	nvsctl "$1" set Open_vSwitch . external_ids:system-id="$2" \
		external_ids:ovn-remote=unix:"$SB_SOCK" \
		external_ids:ovn-encap-type=geneve \
		external_ids:ovn-encap-ip="$3"
}

pod() {
	local node=$1 pod=$2 port=$3 addr=$4 mac=$5 lsp=$6 gw=$7
	vm_up "$pod" "$node" "$port" "$addr" "$mac" 1400
	in_ns "$pod" ip route add default via "$gw"
	nvsctl "$node" add-port br-int "$port" -- set Interface "$port" \
		external_ids:iface-id="$lsp"
}

dump_state() {
	local n
	for n in nA nB; do
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
		nappctl "$n" lflow/stats >"$WEFT_RESULTS/lflow-stats-$n-$1.txt" 2>&1
		ndp_flows "$n" >"$WEFT_RESULTS/dp-flows-$n-$1.txt" 2>&1
	done
	sbctl show >"$WEFT_RESULTS/sb-show-$1.txt" 2>&1
	sbctl lflow-list >"$WEFT_RESULTS/lflows-$1.txt" 2>&1
}

hv_sync() {
	timeout 60 ovn-nbctl --db=unix:"$NB_SOCK" --wait=hv --timeout=50 sync
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
	chassis nA hv1 192.168.70.1 || die "nA: chassis keys"
	chassis nB hv2 192.168.70.2 || die "nB: chassis keys"
	wait_for 30 nvsctl nA br-exists br-int || die "nA: no br-int"
	wait_for 30 nvsctl nB br-exists br-int || die "nB: no br-int"
	nbctl ls-add ls1 -- ls-add join -- ls-add ext \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 lp3 -- lsp-set-addresses lp3 "$M3 10.0.1.13" \
	   -- lsp-add ext lpo -- lsp-set-addresses lpo "$MO 172.16.0.100" \
	   -- lr-add lr1 \
	   -- lrp-add lr1 lr1-ls1 02:00:00:00:01:01 10.0.1.1/24 \
	   -- lrp-add lr1 lr1-join 02:00:00:00:64:01 100.64.0.1/24 \
	   -- lsp-add ls1 ls1-lr1 -- lsp-set-type ls1-lr1 router \
	   -- lsp-set-addresses ls1-lr1 router \
	   -- lsp-set-options ls1-lr1 router-port=lr1-ls1 \
	   -- lsp-add join join-lr1 -- lsp-set-type join-lr1 router \
	   -- lsp-set-addresses join-lr1 router \
	   -- lsp-set-options join-lr1 router-port=lr1-join \
	   -- lr-route-add lr1 0.0.0.0/0 100.64.0.2 ||
		die "NB: ls1, lr1, join, ext"
	pod nA pod1 p1 10.0.1.11/24 $M1 lp1 10.0.1.1
	pod nB pod2 p2 10.0.1.12/24 $M2 lp2 10.0.1.1
	pod nA pod3 p3 10.0.1.13/24 $M3 lp3 10.0.1.1
	# The outside host has no route to the pods: it sees only NATed
	# addresses.
	vm_up out nA po 172.16.0.100/24 $MO 1400
	nvsctl nA add-port br-int po -- set Interface po \
		external_ids:iface-id=lpo
	ping_ok nA 192.168.70.2 2 || die "the underlay does not work"
}

case_router_ip() {
	hv_sync || fail "ovn-nbctl --wait=hv sync did not return"
	ping_ok pod1 10.0.1.13 2 || fail "ping pod1 -> pod3 (switching)"
	dump_state router-ip
	ping_ok pod1 10.0.1.1 3 || fail "ping pod1 -> lr1's 10.0.1.1 (hv1)"
	ping_ok pod2 10.0.1.1 3 || fail "ping pod2 -> lr1's 10.0.1.1 (hv2)"
	ping_ok pod1 100.64.0.1 2 ||
		fail "ping pod1 -> lr1's other address 100.64.0.1"
	assert_match "$(ndp_flows nA)" "set\(icmp\(type=0" \
		"hv1's datapath flow rewrites the ICMP type"
	dump_state router-ip-after
}

# The state behind a failed check: a trace of pod1's ping to out, the
# datapath flows and conntrack entries.
gw_diag() {
	local p1
	p1=$(nvsctl nA get Interface p1 ofport)
	ntrace nA br-int "in_port=$p1,icmp,dl_src=$M1,dl_dst=02:00:00:00:01:01,nw_src=10.0.1.11,nw_dst=172.16.0.100,nw_ttl=64,icmp_type=8" \
		>"$WEFT_RESULTS/trace-$1.txt" 2>&1
	nappctl nA dpctl/dump-conntrack >"$WEFT_RESULTS/ct-nA-$1.txt" 2>&1
	dump_state "$1"
}

case_gateway() {
	local cap=$WEFTD_DIR/out.pcap out ch ok=1
	nbctl lr-add gw -- set Logical_Router gw options:chassis=hv1 \
	   -- lrp-add gw gw-join 02:00:00:00:64:02 100.64.0.2/24 \
	   -- lrp-add gw gw-ext 02:00:00:00:10:01 172.16.0.1/24 \
	   -- lsp-add join join-gw -- lsp-set-type join-gw router \
	   -- lsp-set-addresses join-gw router \
	   -- lsp-set-options join-gw router-port=gw-join \
	   -- lsp-add ext ext-gw -- lsp-set-type ext-gw router \
	   -- lsp-set-addresses ext-gw router \
	   -- lsp-set-options ext-gw router-port=gw-ext \
	   -- lr-route-add gw 10.0.1.0/24 100.64.0.1 \
	   -- lr-nat-add gw snat 172.16.0.10 10.0.1.0/24 \
	   -- lr-nat-add gw dnat_and_snat 172.16.0.20 10.0.1.13 ||
		fail "NB: the gateway router"
	hv_sync || fail "ovn-nbctl --wait=hv sync did not return"
	ch=$(sbctl --bare --columns=_uuid find Chassis name=hv1)
	wait_for 10 eval '[ "$(sbctl --bare --columns=chassis find Port_Binding logical_port=join-gw)" = "$ch" ]' ||
		fail "hv1 did not claim the l3gateway port join-gw"
	dump_state gateway
	ping_ok out 172.16.0.1 2 || fail "ping out -> gw's 172.16.0.1"
	ping_ok pod1 100.64.0.2 2 || fail "ping pod1 -> gw's 100.64.0.2"
	tcpdump_start nA po "$cap" tcp or icmp
	ping_ok pod1 172.16.0.100 3 || { ok=0; fail "ping pod1 -> out (SNAT)"; }
	ping_ok out 172.16.0.20 3 ||
		{ ok=0; fail "ping out -> 172.16.0.20 (DNAT to pod3)"; }
	if [ $ok = 1 ]; then
		iperf_ok pod3 out 172.16.0.20 64K 5302 ||
			fail "TCP out -> 172.16.0.20 (DNAT to pod3)"
		iperf_ok out pod3 172.16.0.100 64K 5303 ||
			fail "TCP pod3 -> out (dnat_and_snat's SNAT)"
	fi
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/out-decoded.txt"
	[ $ok = 1 ] || gw_diag gateway-fail
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.100: ICMP echo request" \
		"out sees pod1's ping from the SNAT address"
	assert_match "$out" "172\.16\.0\.20 > 172\.16\.0\.100: ICMP echo reply" \
		"out's ping to 172.16.0.20 is answered from 172.16.0.20"
	if [ $ok = 1 ]; then
		assert_match "$out" "172\.16\.0\.20\.5302 > 172\.16\.0\.100\.[0-9]+: Flags \[S\.\]" \
			"out's TCP to 172.16.0.20 is answered from 172.16.0.20"
		assert_match "$out" "172\.16\.0\.20\.[0-9]+ > 172\.16\.0\.100\.5303: Flags \[S\]" \
			"out sees pod3's TCP from its dnat_and_snat address"
	fi
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "a pod address reached out: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	dump_state gateway-after
	[ $ok = 1 ]
}

case_remote() {
	local cap=$WEFTD_DIR/remote.pcap out
	tcpdump_start nA po "$cap" icmp
	ping_ok pod2 172.16.0.100 3 ||
		fail "ping pod2 (hv2) -> out through hv1's gateway"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/remote-decoded.txt"
	assert_match "$out" "172\.16\.0\.10 > 172\.16\.0\.100: ICMP echo request" \
		"out sees pod2's ping (routed on hv2, tunnelled to hv1) from the SNAT address"
	if grep -qE "10\.0\.1\.[0-9]+" <<<"$out"; then
		fail "pod2's address reached out: $(grep -E '10\.0\.1\.' <<<"$out" | head -n 3)"
	fi
	dump_state remote
}

setup
run_case router_ip
run_case gateway
run_case remote
finish
