#!/bin/bash
# SPDX-License-Identifier: GPL-2.0
# vm-timeout: 300
#
# Localnet ports (provider networks): ls1 has a localnet port ln1,
# network_name=physnet1, and each weft chassis maps physnet1 to br-phys,
# a plain NORMAL weft bridge (the admin's, as with ovn-controller) whose
# uplink is a veth into the "phys" namespace. There a Linux bridge
# (VLAN-unaware: it forwards tagged frames as they are) is the provider
# network, and the outside host "ext" sits on it with ls1's subnet.
#
#   pod1 10.0.1.11 ─ br-int ─ patch ─ br-phys ─ eA ┐  phys: Linux bridge sw
#                    (weftd hv1, nA)                ├─ sA   10.0.1.100 (ext,
#   pod2 10.0.1.12 ─ br-int ─ patch ─ br-phys ─ eB ┘  sB    on sw or sw.100)
#                    (weftd hv2, nB)
#   nA uA 192.168.70.1 ═══ uB 192.168.70.2 nB  (the GENEVE underlay)
#
#   patch     only hv1 maps physnet1: --wait=hv returns with pod1 up,
#             patch-br-int-to-ln1 (br-int) and patch-ln1-to-br-int
#             (br-phys) are each other's peers with Port
#             external_ids:ovn-localnet-port=ln1; hv2 has no patch port
#             and logs the unmapped network once
#   ping      pod1 <-> ext both ways, untagged frames on the wire
#   vlan      tag_request=100 on ln1: ext moves to sw.100; ping both
#             ways; every frame of theirs at sA carries VLAN 100
#   two       hv2 maps physnet1 too: pod1 <-> pod2 through the provider
#             network (VLAN 100 at sA and sB), not a single GENEVE frame
#             on the underlay
#   restart   hv1's weftd restarted (exit --restart) while ext pings pod1
#             every 50 ms: no ping lost, the patch ports kept (same
#             OpenFlow port, never deleted)
#   unmap     the mapping removed on hv1: both of its patch ports go,
#             pod1 no longer reaches ext; ln1 deleted from the NB: hv2's
#             go too
#
# Run: WEFT_VM_SLOTS=2 scripts/vm-run --quiet tests/system/test_ovn_localnet.sh
. "$(dirname "$0")/weftd_tunnel_lib.sh"
. "$(dirname "$0")/ovn_lib.sh"

M1=0a:00:00:00:01:11
M2=0a:00:00:00:01:12
MX=0a:00:00:00:01:64
EXT=10.0.1.100

dump_state() {
	local n
	for n in nA nB; do
		nofctl "$n" dump-flows br-int >"$WEFT_RESULTS/flows-$n-$1.txt" 2>&1
		nofctl "$n" dump-flows br-phys >"$WEFT_RESULTS/flows-phys-$n-$1.txt" 2>&1
		nvsctl "$n" show >"$WEFT_RESULTS/show-$n-$1.txt" 2>&1
		ndp_flows "$n" >"$WEFT_RESULTS/dp-flows-$n-$1.txt" 2>&1
	done
	sbctl show >"$WEFT_RESULTS/sb-show-$1.txt" 2>&1
}

# map NODE [BRIDGE]: physnet1 mapped to BRIDGE on NODE; none: unmapped.
map() {
	if [ -n "${2:-}" ]; then
		nvsctl "$1" set Open_vSwitch . \
			external_ids:ovn-bridge-mappings=physnet1:"$2"
	else
		nvsctl "$1" remove Open_vSwitch . external_ids \
			ovn-bridge-mappings
	fi
}

# get NODE ARGS: weft-vsctl get, quotes dropped.
get() { local n=$1; shift; nvsctl "$n" get "$@" | tr -d '"'; }

# patch_ok NODE: NODE's pair of patch ports for ln1, as ovn-controller
# makes them.
patch_ok() {
	local n=$1 a=patch-br-int-to-ln1 b=patch-ln1-to-br-int
	[ "$(nvsctl "$n" port-to-br $a)" = br-int ] &&
	[ "$(nvsctl "$n" port-to-br $b)" = br-phys ] &&
	[ "$(get "$n" Interface $a type)" = patch ] &&
	[ "$(get "$n" Interface $a options:peer)" = "$b" ] &&
	[ "$(get "$n" Interface $b options:peer)" = "$a" ] &&
	[ "$(get "$n" Port $a external_ids:ovn-localnet-port)" = ln1 ] &&
	[ "$(get "$n" Port $b external_ids:ovn-localnet-port)" = ln1 ]
}

# no_patch NODE: no port of NODE's is a localnet port's.
no_patch() {
	! nvsctl "$1" show | grep -q "patch-.*ln1"
}

wait_hv() { nbctl_wait sync; }

setup() {
	modprobe bridge || die "modprobe bridge"
	modprobe 8021q || die "modprobe 8021q"
	ovn_two_chassis_up tcpdump
	netns_add phys
	# The provider network: sw in phys, the nodes' uplinks into it.
	ip -n phys -batch - <<-EOF || die "phys"
	link add sw type bridge
	link set sw address $MX up
	addr add $EXT/24 dev sw
	EOF
	in_ns phys sysctl -qw net.ipv6.conf.all.disable_ipv6=1
	ip link add eA netns nA type veth peer name sA netns phys || die "eA"
	ip link add eB netns nB type veth peer name sB netns phys || die "eB"
	ip -n phys -batch - <<-EOF || die "sA/sB"
	link set sA master sw up
	link set sB master sw up
	EOF
	ip -n nA link set eA up && ip -n nB link set eB up || die "eA/eB up"
	for n in nA nB; do
		nvsctl "$n" add-br br-phys -- add-port br-phys \
			"e${n:1}" || die "$n: br-phys"
	done
	nbctl ls-add ls1 \
	   -- lsp-add ls1 lp1 -- lsp-set-addresses lp1 "$M1 10.0.1.11" \
	   -- lsp-add ls1 lp2 -- lsp-set-addresses lp2 "$M2 10.0.1.12" \
	   -- lsp-add ls1 ln1 -- lsp-set-type ln1 localnet \
	   -- lsp-set-addresses ln1 unknown \
	   -- lsp-set-options ln1 network_name=physnet1 || die "NB"
	ovn_pod nA pod1 p1 10.0.1.11/24 $M1 lp1
	ovn_pod nB pod2 p2 10.0.1.12/24 $M2 lp2
	map nA br-phys || die "nA: mapping"
}

case_patch() {
	local n has_normal
	wait_hv || fail "ovn-nbctl --wait=hv sync did not return"
	wait_for 20 ovn_ports_up lp1 lp2 || fail "lp1, lp2 not up"
	wait_for 20 patch_ok nA || fail "nA: no patch port pair for ln1"
	no_patch nB || fail "nB made patch ports without a mapping"
	has_normal=$(nofctl nA dump-flows br-phys | grep -c "actions=NORMAL")
	[ "$has_normal" -ge 1 ] || fail "br-phys lost its NORMAL rule"
	# More passes (an NB change), still one line.
	nbctl lsp-add ls1 lp9 -- lsp-set-addresses lp9 "0a:00:00:00:01:99 10.0.1.99"
	wait_hv || fail "--wait=hv after lp9"
	n=$(grep -c "localnet port ln1: network physnet1 is not in ovn-bridge-mappings" \
		"$(node_dir nB)/weftd.log")
	assert_eq "$n" 1 "nB logs the unmapped network once"
	dump_state patch
}

case_ping() {
	local cap=$WEFTD_DIR/untagged.pcap out
	tcpdump_start phys sA "$cap" -e icmp
	ping_ok pod1 $EXT 5 || fail "ping pod1 -> ext"
	ping_ok phys 10.0.1.11 3 || fail "ping ext -> pod1"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -e -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/untagged.txt"
	assert_match "$out" "10.0.1.11 > $EXT: ICMP echo request" \
		"pod1's echo request on the provider network"
	[[ $out == *vlan* ]] && fail "a tagged frame without a tag: $out"
	dump_state ping
}

case_vlan() {
	local cap=$WEFTD_DIR/vlan.pcap out total tagged
	nbctl set Logical_Switch_Port ln1 tag_request=100 || fail "tag_request"
	ip -n phys -batch - <<-EOF || fail "sw.100"
	addr del $EXT/24 dev sw
	link add link sw name sw.100 type vlan id 100
	link set sw.100 up
	addr add $EXT/24 dev sw.100
	EOF
	wait_hv || fail "--wait=hv after the tag"
	[ "$(sbctl --bare --columns=tag find Port_Binding logical_port=ln1)" = 100 ] ||
		fail "Port_Binding ln1 has no tag 100"
	dump_state vlan
	tcpdump_start phys sA "$cap" -e
	ping_ok pod1 $EXT 5 || fail "ping pod1 -> ext over VLAN 100"
	ping_ok phys 10.0.1.11 3 || fail "ping ext -> pod1 over VLAN 100"
	tcpdump_stop
	save "$cap"
	out=$(tcpdump -n -e -r "$cap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/vlan.txt"
	total=$(grep -c "10.0.1.11" <<<"$out")
	tagged=$(grep -c "vlan 100,.*10.0.1.11" <<<"$out")
	[ "$total" -ge 8 ] || fail "only $total of pod1's frames at sA"
	assert_eq "$tagged" "$total" "pod1's frames at sA all carry VLAN 100"
	assert_match "$out" "vlan 100, .*10.0.1.11 > $EXT: ICMP echo request" \
		"pod1's echo request tagged"
}

case_two() {
	local cap=$WEFTD_DIR/underlay.pcap pcap=$WEFTD_DIR/two.pcap out n
	map nB br-phys || fail "nB: mapping"
	wait_for 20 patch_ok nB || fail "nB: no patch port pair for ln1"
	wait_hv || fail "--wait=hv after nB's mapping"
	dump_state two
	tcpdump_start nA uA "$cap" udp port 6081
	tcpdump_start phys sB "$pcap" -e icmp
	ping_ok pod1 10.0.1.12 5 || fail "ping pod1 -> pod2 over physnet1"
	ping_ok pod2 10.0.1.11 3 || fail "ping pod2 -> pod1 over physnet1"
	ping_ok pod2 $EXT 3 || fail "ping pod2 -> ext"
	tcpdump_stop
	save "$cap" "$pcap"
	n=$(pcap_count "$cap")
	assert_eq "$n" 0 "no GENEVE on the underlay for ls1"
	out=$(tcpdump -n -e -r "$pcap" 2>/dev/null)
	echo "$out" >"$WEFT_RESULTS/two.txt"
	assert_match "$out" "vlan 100, .*10.0.1.11 > 10.0.1.12: ICMP echo request" \
		"pod1 -> pod2 on the provider network at sB"
	assert_match "$out" "vlan 100, .*10.0.1.12 > 10.0.1.11: ICMP echo reply" \
		"pod2's reply on the provider network at sB"
}

case_restart() {
	local of before
	of=$(nvsctl nA get Interface patch-br-int-to-ln1 ofport)
	before=$(grep -c "deleting patch port" "$(node_dir nA)/weftd.log")
	ping_loss_start phys 10.0.1.11
	nap 1
	nappctl nA exit --restart || fail "exit --restart"
	wait_for 30 eval '! kill -0 '"${NODE_PID[nA]}" || fail "weftd did not exit"
	nweftd_start nA || { fail "weftd did not start again"; return; }
	wait_hv || fail "--wait=hv after the restart"
	nap 1
	ping_loss_stop
	log "across the restart: $PING_SENT pings, $PING_LOST lost"
	[ "$PING_SENT" -ge 20 ] || fail "only $PING_SENT pings sent"
	assert_eq "$PING_LOST" 0 "ext -> pod1 went on across the restart"
	patch_ok nA || fail "nA: the patch ports after the restart"
	assert_eq "$(nvsctl nA get Interface patch-br-int-to-ln1 ofport)" "$of" \
		"the same OpenFlow port"
	assert_eq "$(grep -c "deleting patch port" "$(node_dir nA)/weftd.log")" \
		"$before" "no patch port deleted meanwhile"
}

case_unmap() {
	map nA || fail "nA: remove the mapping"
	wait_for 20 no_patch nA || fail "nA kept its patch ports"
	nvsctl nA list-ports br-phys | grep -q patch &&
		fail "br-phys kept a patch port"
	ping_fail pod1 $EXT || fail "pod1 still reaches ext without a mapping"
	dump_state unmap
	nbctl lsp-del ln1 || fail "lsp-del ln1"
	wait_for 20 no_patch nB || fail "nB kept its patch ports after lsp-del"
}

setup
run_case patch
run_case ping
run_case vlan
run_case two
run_case restart
run_case unmap
finish
